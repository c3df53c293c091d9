# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The documents printed for a case, in Chinese on A4 (Relatorio)"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.modules.company import CompanyReport
from trytond.pool import Pool

from .exceptions import DocumentError

# The states from the acceptance on
ACCEPTED = {'accepted', 'review', 'suspended', 'escalated', 'approved',
    'denied', 'ready', 'delivered', 'archived'}
DECIDED = {'approved', 'denied', 'ready', 'delivered', 'archived'}


class CaseReport(CompanyReport):
    "Case document"
    # The states in which the document can be printed, None for any
    _states = None

    @classmethod
    def _get_records(cls, ids, model, data):
        records = super()._get_records(ids, model, data)
        for record in records:
            cls.check(record)
        return records

    @classmethod
    def check(cls, case):
        if cls._states is not None and case.state not in cls._states:
            raise DocumentError(gettext(
                    'onewindow_approval.msg_document_state',
                    case=case.rec_name, state=case.state_string))

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        context['today'] = Date.today()
        context['cn_date'] = cn_date
        return context


def cn_date(date):
    "Format a date the Chinese way"
    if not date:
        return ''
    return '%s年%s月%s日' % (date.year, date.month, date.day)


class AcceptanceNotice(CaseReport):
    "Acceptance Notice"
    __name__ = 'onewindow.case.acceptance_notice'
    _states = ACCEPTED


class SupplementNotice(CaseReport):
    "One-Time Notice"
    __name__ = 'onewindow.case.supplement_notice'

    @classmethod
    def check(cls, case):
        super().check(case)
        if not case.supplements:
            raise DocumentError(gettext(
                    'onewindow_approval.msg_document_no_supplement',
                    case=case.rec_name))

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)

        def items(case):
            return [s for s in case.supplements
                if s.notice == case.supplement_count]
        context['items'] = items
        return context


class RefusalNotice(CaseReport):
    "Refusal Notice"
    __name__ = 'onewindow.case.refusal_notice'
    _states = {'refused'}


class PaymentNotice(CaseReport):
    "Payment Notice"
    __name__ = 'onewindow.case.payment_notice'

    @classmethod
    def check(cls, case):
        super().check(case)
        if not case.fees:
            raise DocumentError(gettext(
                    'onewindow_approval.msg_document_no_fee',
                    case=case.rec_name))

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)

        def total(case):
            return sum((f.amount for f in case.fees if not f.paid),
                Decimal(0))
        context['total'] = total
        return context


class SuspensionNotice(CaseReport):
    "Special Procedure Notice"
    __name__ = 'onewindow.case.suspension_notice'

    @classmethod
    def check(cls, case):
        super().check(case)
        if not cls.suspension(case):
            raise DocumentError(gettext(
                    'onewindow_approval.msg_document_no_suspension',
                    case=case.rec_name))

    @staticmethod
    def suspension(case):
        "Return the running or the last suspension of the case"
        suspensions = [s for s in case.suspensions if s.state != 'draft']
        if suspensions:
            return max(suspensions, key=lambda s: (s.start_date, s.id))

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['suspension'] = cls.suspension
        return context


class ExtensionNotice(CaseReport):
    "Extension Notice"
    __name__ = 'onewindow.case.extension_notice'

    @classmethod
    def check(cls, case):
        super().check(case)
        if not case.extended_days:
            raise DocumentError(gettext(
                    'onewindow_approval.msg_document_no_extension',
                    case=case.rec_name))

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)

        def original_deadline(case):
            "Return the deadline without the extension"
            return case.calendar.add_working_days(case.acceptance_date,
                (case.promised_limit or 0) + (case.suspended_days or 0))
        context['original_deadline'] = original_deadline
        return context


class DecisionNotice(CaseReport):
    "Licensing Decision"
    __name__ = 'onewindow.case.decision_notice'
    _states = DECIDED


class ExitReport(CaseReport):
    "Document of the one exit"
    _states = {'ready', 'delivered', 'archived'}

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)

        def result_name(case):
            "Return the name of what the applicant collects"
            if case.decision == 'approved' and case.matter.result_name:
                return case.matter.result_name
            elif case.decision == 'approved':
                return '准予行政许可决定书'
            return '不予行政许可决定书'
        context['result_name'] = result_name
        return context


class PickupNotice(ExitReport):
    "Pickup Notice"
    __name__ = 'onewindow.case.pickup_notice'


class DeliveryReceipt(ExitReport):
    "Delivery Receipt"
    __name__ = 'onewindow.case.delivery_receipt'
