# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval, If

from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, rec_name_domain, transition)

from .exceptions import DelegationError

_DRAFT = {'readonly': Eval('state') != 'draft'}


class Delegation(
        ButtonStateMixin, Workflow, ModelSQL,
        ModelView):
    """Acceptance Delegation

    The written delegation by which a department lets the service center
    accept applications for some of its matters at the comprehensive
    window.  It covers matters by code, so a new version of a matter stays
    covered."""
    __name__ = 'onewindow.delegation'
    _rec_name = 'number'
    _log = True

    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='RESTRICT', states=_DRAFT)
    number = fields.Char("Document Number", required=True, states=_DRAFT,
        help="The number of the signed delegation, e.g. 翁人社〔2017〕35号.")
    document = fields.Binary("Signed Document", filename='document_name',
        states=_DRAFT, help="The scan of the signed delegation.")
    document_name = fields.Char("Document Name", states=_DRAFT)
    signed_date = fields.Date("Signed on", states=_DRAFT)
    valid_from = fields.Date("Valid From", required=True, states=_DRAFT,
        domain=[If(Eval('valid_to'),
                ('valid_from', '<=', Eval('valid_to')),
                ())])
    valid_to = fields.Date("Valid To", states=_DRAFT,
        domain=[If(Eval('valid_to') & Eval('valid_from'),
                ('valid_to', '>=', Eval('valid_from')),
                ())],
        help="Leave empty for a delegation without end.")
    matters = fields.Many2Many(
        'onewindow.delegation-onewindow.matter', 'delegation', 'matter',
        "Matters", states=_DRAFT,
        domain=[
            ('department', '=', Eval('department', -1)),
            ('acceptance', '=', 'comprehensive'),
            ],
        help="The matters whose acceptance is delegated; every version of "
        "them is covered.")
    notes = fields.Text("Notes")
    state = fields.Selection([
            ('draft', "Draft"),
            ('active', "Active"),
            ('revoked', "Revoked"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    revoked_date = fields.Date("Revoked on", readonly=True,
        states={
            'invisible': Eval('state') != 'revoked',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(
                t,
                (t.department, Index.Equality()),
                (t.valid_from, Index.Range()),
                where=t.state == 'active'))
        cls._order = [
            ('valid_from', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'active'),
            ('active', 'revoked'),
            }
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'revoke': {
                    'invisible': Eval('state') != 'active',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_valid_from():
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return '%s (%s)' % (self.number, self.department.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['number', 'department.rec_name'])

    def covers(self, matter, date):
        "Return True if the delegation covers matter on date"
        return (self.state == 'active'
            and self.department == matter.department
            and self.valid_from <= date
            and (not self.valid_to or date <= self.valid_to)
            and matter.code in {m.code for m in self.matters})

    @classmethod
    def covering(cls, matter, date):
        "Return the active delegations that cover matter on date"
        return cls.search([
                ('state', '=', 'active'),
                ('department', '=', matter.department.id),
                ('valid_from', '<=', date),
                ['OR',
                    ('valid_to', '=', None),
                    ('valid_to', '>=', date),
                    ],
                ('matters.code', '=', matter.code),
                ])

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for delegations, values in zip(actions, actions):
            if values.keys() - {'state', 'revoked_date', 'notes'}:
                for delegation in delegations:
                    if delegation.state != 'draft':
                        raise AccessError(gettext(
                                'onewindow_matters.msg_delegation_edit',
                                delegation=delegation.rec_name,
                                state=delegation.state_string))
        super().write(*args)

    @classmethod
    def delete(cls, delegations):
        for delegation in delegations:
            if delegation.state != 'draft':
                raise AccessError(gettext(
                        'onewindow_matters.msg_delegation_delete',
                        delegation=delegation.rec_name,
                        state=delegation.state_string))
        super().delete(delegations)

    @classmethod
    def copy(cls, delegations, default=None):
        if default is None:
            default = {}
        else:
            default = default.copy()
        default.setdefault('revoked_date', None)
        default.setdefault('document', None)
        default.setdefault('document_name', None)
        return super().copy(delegations, default=default)

    @classmethod
    @ModelView.button
    @transition('active')
    def activate(cls, delegations):
        for delegation in delegations:
            if not delegation.matters:
                raise DelegationError(gettext(
                        'onewindow_matters.msg_delegation_no_matter',
                        delegation=delegation.rec_name))

    @classmethod
    @ModelView.button
    @transition('revoked')
    def revoke(cls, delegations):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(delegations, {'revoked_date': Date.today()})


class DelegationMatter(ModelSQL):
    "Delegation - Matter"
    __name__ = 'onewindow.delegation-onewindow.matter'
    delegation = fields.Many2One(
        'onewindow.delegation', "Delegation", required=True,
        ondelete='CASCADE')
    matter = fields.Many2One(
        'onewindow.matter', "Matter", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('delegation')
