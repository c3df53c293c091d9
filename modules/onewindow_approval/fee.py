# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.onewindow_matters.matter import MAX_FEE
from trytond.pool import Pool
from trytond.pyson import Bool, Eval

from .case import CaseLineMixin
from .exceptions import CaseAccessError, FeeError


class CaseFee(CaseLineMixin, ModelSQL, ModelView):
    """Case Fee

    A fee collected for a case; only matters with a fee basis may charge
    fees."""
    __name__ = 'onewindow.case.fee'
    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE')
    description = fields.Char("Description", size=200, required=True)
    basis = fields.Text("Fee Basis", readonly=True,
        help="The legal basis of the fee, from the matter.")
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        domain=[('amount', '>', 0), ('amount', '<=', MAX_FEE)])
    paid = fields.Boolean("Paid")
    paid_date = fields.Date("Payment Date",
        states={
            'required': Bool(Eval('paid')),
            'invisible': ~Eval('paid'),
            })
    receipt_number = fields.Char("Receipt Number", size=64,
        states={
            'required': Bool(Eval('paid')),
            'invisible': ~Eval('paid'),
            },
        help="The number of the official receipt (财政票据).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('case')

    @fields.depends('case', '_parent_case.matter', 'description', 'basis',
        'amount')
    def on_change_case(self):
        if self.case and self.case.matter:
            matter = self.case.matter
            if not self.description:
                self.description = matter.name
            self.basis = matter.fee_basis
            if not self.amount and matter.fee_amount:
                self.amount = matter.fee_amount

    @classmethod
    def validate_fields(cls, fees, field_names):
        super().validate_fields(fees, field_names)
        if field_names & {'case'}:
            for fee in fees:
                if not fee.case.matter.has_fee:
                    raise FeeError(gettext(
                            'onewindow_approval.msg_fee_no_basis',
                            case=fee.case.rec_name,
                            matter=fee.case.matter.rec_name))

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Case = pool.get('onewindow.case')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('case') and not values.get('basis'):
                values['basis'] = Case(values['case']).matter.fee_basis
        fees = super().create(vlist)
        Case.log_event(list({f.case for f in fees}), 'fee', comments={
                f.case: f._log_text() for f in fees})
        return fees

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Case = pool.get('onewindow.case')
        actions = iter(args)
        logged = []
        for fees, values in zip(actions, actions):
            for fee in fees:
                if fee.paid and values.keys() - {'paid'}:
                    raise CaseAccessError(gettext(
                            'onewindow_approval.msg_fee_paid',
                            case=fee.case.rec_name))
            logged.extend(fees)
        super().write(*args)
        fees = cls.browse(logged)
        Case.log_event(list({f.case for f in fees}), 'fee', comments={
                f.case: f._log_text() for f in fees})

    @classmethod
    def delete(cls, fees):
        for fee in fees:
            if fee.paid:
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_fee_paid',
                        case=fee.case.rec_name))
        super().delete(fees)

    def _log_text(self):
        if self.paid:
            return gettext('onewindow_approval.msg_fee_log_paid',
                description=self.description, amount=self.amount,
                receipt=self.receipt_number)
        return gettext('onewindow_approval.msg_fee_log',
            description=self.description, amount=self.amount)
