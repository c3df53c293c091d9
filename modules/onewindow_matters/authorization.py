# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields)
from trytond.modules.onewindow_hall.model import rec_name_domain
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.rpc import RPC

from .exceptions import AuthorizationValidationError

POWERS = [
    ('same_day_approval', "Direct Approval of Same-Day Matters"),
    ('initial_review', "Initial Review of Promised and Escalated Matters"),
    ('joint_coordination', "Coordination of Joint Matters"),
    ('survey_coordination', "Coordination of Surveys and Technical Reviews"),
    ('fee_collection', "Fee Collection"),
    ]


class Authorization(DeactivableMixin, ModelSQL, ModelView):
    """Team Leader Authorization

    The powers a department grants its window team leader, for all or some
    of its matters, during a period."""
    __name__ = 'onewindow.authorization'
    _log = True

    employee = fields.Many2One(
        'company.employee', "Team Leader", required=True,
        ondelete='RESTRICT',
        help="Usually the head of the department's approval section.")
    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='RESTRICT')
    powers = fields.MultiSelection(POWERS, "Powers", sort=False,
        help="Direct approval applies to same-day matters, initial review "
        "to promised and escalated ones, coordination to joint matters "
        "or to matters with a site survey or technical review, fee "
        "collection to matters with a fee basis.")
    powers_string = powers.translated('powers')
    matters = fields.Many2Many(
        'onewindow.authorization-onewindow.matter', 'authorization',
        'matter', "Matters",
        domain=['OR',
            ('department', '=', Eval('department', -1)),
            ('co_departments', '=', Eval('department', -1)),
            ],
        help="Leave empty for every matter of the department; every version "
        "of the matters listed is covered.")
    number = fields.Char("Document Number",
        help="The number of the written authorization.")
    document = fields.Binary("Document", filename='document_name')
    document_name = fields.Char("Document Name")
    valid_from = fields.Date("Valid From", required=True,
        domain=[If(Eval('valid_to'),
                ('valid_from', '<=', Eval('valid_to')),
                ())])
    valid_to = fields.Date("Valid To",
        domain=[If(Eval('valid_to') & Eval('valid_from'),
                ('valid_to', '>=', Eval('valid_from')),
                ())],
        help="Leave empty for an authorization without end.")
    notes = fields.Text("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.employee, Index.Equality())))
        cls._order = [
            ('department', 'ASC'),
            ('valid_from', 'DESC'),
            ]
        cls.__rpc__.update({
                'is_authorized': RPC(),
                })

    @staticmethod
    def default_valid_from():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_powers():
        return [p for p, _ in POWERS]

    @fields.depends('department', 'employee')
    def on_change_department(self):
        if self.department and not self.employee:
            self.employee = self.department.team_leader

    def get_rec_name(self, name):
        return '%s - %s' % (
            self.employee.rec_name, self.department.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, [
                'employee.rec_name', 'department.rec_name', 'number'])

    @classmethod
    def validate_fields(cls, authorizations, field_names):
        super().validate_fields(authorizations, field_names)
        if 'powers' in field_names:
            for authorization in authorizations:
                if not authorization.powers:
                    raise AuthorizationValidationError(gettext(
                            'onewindow_matters.msg_authorization_no_power',
                            authorization=authorization.rec_name))

    @staticmethod
    def power_applies(matter, power):
        "Return True if power concerns matter at all"
        if power == 'same_day_approval':
            return matter.handling == 'same_day'
        elif power == 'initial_review':
            return matter.handling in {'promised', 'escalated'}
        elif power == 'joint_coordination':
            return matter.handling == 'joint'
        elif power == 'survey_coordination':
            return bool(set(matter.special_procedures or []) & {
                    'site_survey', 'technical_review', 'expert_review'})
        elif power == 'fee_collection':
            return matter.get_has_fee('has_fee')
        return False

    def covers(self, matter, power, date):
        "Return True if the authorization gives power over matter on date"
        if (not self.active
                or power not in (self.powers or [])
                or self.valid_from > date
                or (self.valid_to and self.valid_to < date)):
            return False
        if power == 'joint_coordination':
            departments = {matter.department, *matter.co_departments}
        else:
            departments = {matter.department}
        if self.department not in departments:
            return False
        if self.matters:
            return matter.code in {m.code for m in self.matters}
        return True

    @classmethod
    def is_authorized(cls, employee, matter, power, date=None):
        """Return True if employee holds power over matter on date (today by
        default)

        The power must also concern the matter: direct approval only for
        same-day matters, initial review for promised and escalated ones,
        joint coordination for joint ones (in the lead or a co-department),
        survey coordination for matters with a survey or review, fee
        collection for matters with a fee basis."""
        pool = Pool()
        Date = pool.get('ir.date')
        Employee = pool.get('company.employee')
        Matter = pool.get('onewindow.matter')
        if isinstance(employee, int):
            employee = Employee(employee)
        if isinstance(matter, int):
            matter = Matter(matter)
        if date is None:
            date = Date.today()
        if not employee or not cls.power_applies(matter, power):
            return False
        authorizations = cls.search([
                ('employee', '=', employee.id),
                ('valid_from', '<=', date),
                ['OR',
                    ('valid_to', '=', None),
                    ('valid_to', '>=', date),
                    ],
                ])
        return any(a.covers(matter, power, date) for a in authorizations)


class AuthorizationMatter(ModelSQL):
    "Authorization - Matter"
    __name__ = 'onewindow.authorization-onewindow.matter'
    authorization = fields.Many2One(
        'onewindow.authorization', "Authorization", required=True,
        ondelete='CASCADE')
    matter = fields.Many2One(
        'onewindow.matter', "Matter", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('authorization')
