# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import CaseAccessError

# The fields of a case that a window corrects after its acceptance
CORRECTABLE = ['phone', 'delivery_address']


class CaseLog(metaclass=PoolMeta):
    __name__ = 'onewindow.case.log'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.event.selection.append(('correct', "Corrected"))


class CaseCorrectStart(ModelView):
    "Correct a Case"
    __name__ = 'onewindow.case.correct.start'
    case = fields.Many2One('onewindow.case', "Case", readonly=True)
    field = fields.Selection([
            ('phone', "Contact Phone"),
            ('delivery_address', "Delivery Address"),
            ], "Field", required=True, sort=False,
        help="What is wrong on the case.")
    current = fields.Text("Current Value", readonly=True)
    value = fields.Text("Correct Value", required=True,
        help="The value the case must hold.")
    reason = fields.Text("Reason", required=True, size=2000,
        help="Why the value is corrected (the applicant's call, a wrong "
        "entry...): it goes to the case log with the two values.")

    @fields.depends('case', 'field')
    def on_change_with_current(self):
        if self.case and self.field:
            return getattr(self.case, self.field)


class CaseCorrect(Wizard):
    """Correct a Case

    A value that was wrong when the case was accepted (a phone number, the
    address of a courier delivery) is corrected by the window with the
    reason; the case log records who changed what and why."""
    __name__ = 'onewindow.case.correct'
    start = StateView('onewindow.case.correct.start',
        'onewindow_approval.case_correct_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Correct", 'correct', 'tryton-ok', default=True),
            ])
    correct = StateTransition()

    def default_start(self, fields):
        return {
            'case': self.record.id,
            'field': 'phone',
            'current': self.record.phone,
            }

    def transition_correct(self):
        pool = Pool()
        Case = pool.get('onewindow.case')
        User = pool.get('res.user')
        case = self.record
        if not User.is_center_staff():
            raise CaseAccessError(gettext(
                    'onewindow_approval.msg_case_correct_window',
                    case=case.rec_name))
        if case.state in {'draft', 'archived'}:
            raise CaseAccessError(gettext(
                    'onewindow_approval.msg_case_correct_state',
                    case=case.rec_name, state=case.state_string))
        field = self.start.field
        if field not in CORRECTABLE:
            raise CaseAccessError(gettext(
                    'onewindow_approval.msg_case_correct_state',
                    case=case.rec_name, state=case.state_string))
        old = getattr(case, field) or ''
        new = (self.start.value or '').strip()
        Case.check_client_values({field: new})
        with without_check_access():
            Case.write([case], {field: new})
        Case.log_event([case], 'correct', comment=gettext(
                'onewindow_approval.msg_case_correct_log',
                field=Case.__names__(field)['field'], old=old, new=new,
                reason=self.start.reason,
                user=Pool().get('res.user')(Transaction().user).rec_name))
        return 'end'
