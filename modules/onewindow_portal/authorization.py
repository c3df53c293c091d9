# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin)
from trytond.pool import Pool
from trytond.pyson import Eval


class AgentAuthorization(
        ButtonStateMixin, Workflow, ModelSQL,
        ModelView):
    """Agent Authorization

    The written authorization (授权委托书) of a company for a person to
    apply online on its behalf, checked and recorded by the center: the
    account acts for the company only while it is valid."""
    __name__ = 'onewindow.portal.authorization'
    _states = {
        'readonly': Eval('state') != 'draft',
        }
    web_user = fields.Many2One(
        'web.user', "Account", required=True, ondelete='CASCADE',
        states=_states,
        help="The account of the agent.")
    company_party = fields.Many2One(
        'party.party', "Company", required=True, ondelete='RESTRICT',
        states=_states,
        help="The legal person that authorizes the agent.")
    letter = fields.Binary("Authorization Letter", filename='letter_name',
        states=_states)
    letter_name = fields.Char("Letter Name", states=_states)
    valid_from = fields.Date("Valid From", required=True, states=_states)
    valid_to = fields.Date("Valid To", required=True, states=_states,
        domain=[('valid_to', '>=', Eval('valid_from', None))])
    checked_by = fields.Many2One(
        'company.employee', "Checked by", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('valid', "Valid"),
            ('revoked', "Revoked"),
            ], "State", required=True, readonly=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.web_user, Index.Equality()),
                where=t.state == 'valid'))
        cls._transitions |= {
            ('draft', 'valid'),
            ('valid', 'revoked'),
            }
        cls._buttons.update({
                'record': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'revoke': {
                    'invisible': Eval('state') != 'valid',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return '%s - %s' % (
            self.company_party.rec_name, self.web_user.rec_name)

    @classmethod
    @ModelView.button
    @Workflow.transition('valid')
    @set_employee('checked_by')
    def record(cls, authorizations):
        "Record the authorization once its letter has been checked"
        for authorization in authorizations:
            if not authorization.letter:
                raise ValidationError(gettext(
                        'onewindow_portal.msg_authorization_letter',
                        authorization=authorization.rec_name))
            if not any(i.type == 'cn_vat'
                    for i in authorization.company_party.identifiers):
                raise ValidationError(gettext(
                        'onewindow_portal.msg_authorization_company',
                        party=authorization.company_party.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('revoked')
    def revoke(cls, authorizations):
        pass

    @classmethod
    def companies(cls, web_user):
        "Return the ids of the companies the account may act for today"
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        return {a.company_party.id for a in cls.search([
                    ('web_user', '=', web_user.id),
                    ('state', '=', 'valid'),
                    ('valid_from', '<=', today),
                    ('valid_to', '>=', today),
                    ])}
