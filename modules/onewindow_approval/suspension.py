# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.onewindow_matters.matter import MAX_DAYS
from trytond.pool import Pool
from trytond.pyson import Eval

from .case import CaseLineMixin
from .exceptions import CaseAccessError


class CaseSuspension(CaseLineMixin, ModelSQL, ModelView):
    """Case Suspension

    A special procedure (site survey, technical review, expert review,
    hearing, public notice) or an in-process supplement (过程补件) during
    which the clock of the case stops.  The department enters it on the case
    and suspends the case; the applicant gets the written notice
    (特殊程序审查期限告知书).  When the case resumes, its deadline moves by the
    working days the clock stood still."""
    __name__ = 'onewindow.case.suspension'
    _states = {
        'readonly': Eval('state') != 'draft',
        }

    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE',
        states=_states)
    kind = fields.Selection('get_kinds', "Kind", required=True,
        states=_states,
        help="A special procedure allowed by the matter, or an in-process "
        "supplement of materials.")
    kind_string = kind.translated('kind')
    description = fields.Text("Description", size=2000, required=True,
        states=_states,
        help="What is done and why; printed on the notice to the "
        "applicant.")
    expected_days = fields.Integer("Expected Duration", states=_states,
        domain=['OR',
            ('expected_days', '=', None),
            [('expected_days', '>=', 0), ('expected_days', '<=', MAX_DAYS)],
            ],
        help="In working days; printed on the notice.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('running', "Running"),
            ('done', "Done"),
            ], "State", required=True, readonly=True, sort=False)
    start_date = fields.Date("Start Date", readonly=True)
    end_date = fields.Date("End Date", readonly=True)
    days = fields.Integer("Working Days", readonly=True,
        help="The working days after the start date up to the end date: "
        "the time the clock of the case stood still.")
    started_by = fields.Many2One(
        'company.employee', "Started by", readonly=True,
        ondelete='RESTRICT')
    ended_by = fields.Many2One(
        'company.employee', "Ended by", readonly=True, ondelete='RESTRICT')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('case')
        cls._sql_indexes.add(Index(t, (t.case, Index.Equality())))
        cls._order = [('case', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def get_kinds(cls):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        kinds = Matter.fields_get(
            ['special_procedures'])['special_procedures']['selection']
        return kinds + [('supplement', gettext(
                    'onewindow_approval.msg_suspension_supplement'))]

    def get_rec_name(self, name):
        return '%s: %s' % (self.case.rec_name, self.kind_string)

    @classmethod
    def delete(cls, suspensions):
        for suspension in suspensions:
            if suspension.state != 'draft':
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_suspension_delete',
                        suspension=suspension.rec_name))
        super().delete(suspensions)

    @classmethod
    def copy(cls, suspensions, default=None):
        default = default.copy() if default is not None else {}
        for name in ['start_date', 'end_date', 'days', 'started_by',
                'ended_by']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(suspensions, default=default)

    def allowed(self):
        "Return True if the matter of the case allows the procedure"
        return (self.kind == 'supplement'
            or self.kind in (self.case.matter.special_procedures or []))

    @classmethod
    def start(cls, suspensions, date):
        "Stop the clock of the cases from date"
        employee = Pool().get('res.user').get_employee()
        for suspension in suspensions:
            suspension.state = 'running'
            suspension.start_date = date
            suspension.started_by = employee
        cls.save(suspensions)

    @classmethod
    def stop(cls, suspensions, date):
        "Start the clock again on date and count the days it stood still"
        employee = Pool().get('res.user').get_employee()
        for suspension in suspensions:
            suspension.state = 'done'
            suspension.end_date = date
            suspension.ended_by = employee
            suspension.days = suspension.case.calendar.working_days_between(
                suspension.start_date, date)
        cls.save(suspensions)
