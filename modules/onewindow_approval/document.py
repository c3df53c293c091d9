# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The documents printed for a case, in Chinese on A4 (Relatorio)"""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.company import CompanyReport
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateAction, StateView, Wizard

from .exceptions import DocumentError

# The states in which a document may be printed are the _states of its
# report below (with what the case must hold, in its check): the print
# wizard offers what they allow and the reports refuse the rest.
#
# While the departments handle the case (the deadline may move)
RUNNING = {'accepted', 'review', 'suspended', 'escalated'}
# From the decision on
DECIDED = {'approved', 'denied', 'ready', 'delivered', 'archived'}
# From the acceptance on
ACCEPTED = RUNNING | DECIDED


class DocumentReport(CompanyReport):
    """A document printed in Chinese: the day of the printing and the
    Chinese dates"""

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        context['today'] = Date.today()
        context['cn_date'] = cn_date
        return context


class CaseReport(DocumentReport):
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
        "Raise DocumentError when the document may not be printed for case"
        if cls._states is not None and case.state not in cls._states:
            raise DocumentError(gettext(
                    'onewindow_approval.msg_document_state',
                    case=case.rec_name, state=case.state_string))

    @classmethod
    def printable(cls, case):
        "Return whether the document may be printed for the case"
        try:
            cls.check(case)
        except DocumentError:
            return False
        return True

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['wording'] = Wording
        return context


def cn_date(date):
    "Format a date the Chinese way"
    if not date:
        return ''
    return '%s年%s月%s日' % (date.year, date.month, date.day)


LICENSING_LAW = '《中华人民共和国行政许可法》'

# What a decision grants or refuses, and the document that says it, by the
# type of the matter: only a licence is a 行政许可
OUTCOMES = {
    'licence': ('准予许可', '不予许可', '准予行政许可', '不予行政许可',
        '准予行政许可决定书', '不予行政许可决定书'),
    'payment': ('予以给付', '不予给付', '予以给付', '不予给付',
        '给付决定书', '不予给付决定书'),
    'confirmation': ('予以确认', '不予确认', '予以确认', '不予确认',
        '确认决定书', '不予确认决定书'),
    'adjudication': ('作出裁决', '驳回申请', '作出裁决', '驳回申请',
        '行政裁决书', '驳回申请决定书'),
    'reward': ('予以奖励', '不予奖励', '予以奖励', '不予奖励',
        '奖励决定书', '不予奖励决定书'),
    'levy': ('予以办理', '不予办理', '予以办理', '不予办理',
        '征收决定书', '不予办理通知书'),
    'other': ('予以批准', '不予批准', '予以批准', '不予批准',
        '审批决定书', '不予批准决定书'),
    'public_service': ('予以办理', '不予办理', '予以办理', '不予办理',
        '办结通知书', '不予办理通知书'),
    }


class Wording:
    """The wording of the documents of a case by the type of its matter

    A licence cites the Administrative Licensing Law; any other matter cites
    its own legal basis and never words itself as a licence."""

    def __init__(self, case):
        self.case = case
        self.matter = case.matter
        self.licence = self.matter.matter_type == 'licence'
        self.outcome = OUTCOMES.get(
            self.matter.matter_type, OUTCOMES['public_service'])

    @property
    def basis(self):
        "The legal basis of the matter, its lines joined"
        lines = (self.matter.legal_basis or '').splitlines()
        return '；'.join(l.strip() for l in lines if l.strip())

    @property
    def citation(self):
        "The laws of the legal basis as a sentence cites them"
        lines = (self.matter.legal_basis or '').splitlines()
        return '、'.join(l.strip() for l in lines if l.strip())

    def _cite(self, article):
        "Return 根据…的规定， with the licensing law article or the basis"
        if self.licence:
            return '根据%s%s的规定，' % (LICENSING_LAW, article)
        elif self.citation:
            return '根据%s的规定，' % self.citation
        return ''

    @property
    def accept(self):
        return self._cite('第三十二条') + '决定予以受理。'

    @property
    def refuse(self):
        return self._cite('第三十二条') + '决定不予受理。'

    @property
    def not_required(self):
        if self.licence:
            return '申请事项依法不需要取得行政许可'
        return '申请事项依法不需要办理'

    @property
    def supplement(self):
        if self.licence:
            return self._cite('第三十二条第一款第（四）项') + '现一次性告知'
        return '按照一次性告知的要求，现告知'

    @property
    def suspension(self):
        if self.licence:
            return self._cite('第四十五条')
        return '按照有关规定，'

    @property
    def extension(self):
        if self.licence:
            articles = '第四十二条'
            if self.matter.handling == 'joint':
                articles += '、第四十五条'
            return self._cite(articles)
        return ''

    @property
    def approved(self):
        "The short outcome of an approval, e.g. 准予许可"
        return self.outcome[0]

    @property
    def denied(self):
        "The short outcome of a denial, e.g. 不予许可"
        return self.outcome[1]

    def outcome_of(self, decision):
        return self.approved if decision == 'approved' else self.denied

    @property
    def approve(self):
        return self._cite('第三十八条第一款') + '决定%s。' % self.outcome[2]

    @property
    def deny(self):
        return self._cite('第三十八条第二款') + '决定%s。' % self.outcome[3]

    def document(self, decision=None):
        "The name of the decision document"
        if decision is None:
            decision = self.case.decision
        return self.outcome[4] if decision == 'approved' else self.outcome[5]

    def rights(self, paper='决定书'):
        "How the applicant may contest a refusal or a denial"
        if self.matter.matter_type == 'public_service':
            phone = (self.matter.complaint_phone
                or self.case.hall.phone or '')
            return ('如对办理结果有异议，可以向%s投诉%s。' % (
                    self.case.hall.name,
                    '（电话：%s）' % phone if phone else ''))
        return ('如对本决定不服，可以自收到本%s之日起六十日内依法申请'
            '行政复议，也可以自收到本%s之日起六个月内依法向人民法院'
            '提起行政诉讼。' % (paper, paper))


class AcceptanceNotice(CaseReport):
    "Acceptance Notice"
    __name__ = 'onewindow.case.acceptance_notice'
    _states = ACCEPTED

    @classmethod
    def check(cls, case):
        super().check(case)
        # Refused at the window, then archived
        if not case.acceptance_date:
            raise DocumentError(gettext(
                    'onewindow_approval.msg_document_not_accepted',
                    case=case.rec_name))


class SupplementNotice(CaseReport):
    "One-Time Notice"
    __name__ = 'onewindow.case.supplement_notice'
    # While the applicant is asked for the missing materials
    _states = {'supplement'}

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
    # From the acceptance until the result leaves the hall
    _states = ACCEPTED - {'delivered', 'archived'}

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
    _states = RUNNING

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
    _states = RUNNING

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
    "Decision Notice"
    __name__ = 'onewindow.case.decision_notice'
    _states = DECIDED


class ExitReport(CaseReport):
    "Document of the one exit"

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)

        def result_name(case):
            "Return the name of what the applicant collects"
            if case.decision == 'approved' and case.matter.result_name:
                return case.matter.result_name
            return Wording(case).document()
        context['result_name'] = result_name
        return context


class PickupNotice(ExitReport):
    "Pickup Notice"
    __name__ = 'onewindow.case.pickup_notice'
    # The result waits at the window
    _states = {'ready'}


class DeliveryReceipt(ExitReport):
    "Delivery Receipt"
    __name__ = 'onewindow.case.delivery_receipt'
    # It records the delivery
    _states = {'delivered', 'archived'}


# The report actions of a document by the format chosen
FORMATS = {
    'pdf': ['pdf'],
    'odt': ['', 'odt', None],
    }


class StateDocument(StateAction):
    """The state of a wizard that prints the document chosen in its view:
    its do_ method returns the action of the report"""

    def __init__(self):
        super().__init__(None)

    def get_action(self):
        return None


class CasePrintStart(ModelView):
    "Print Case Documents"
    __name__ = 'onewindow.case.print.start'
    cases = fields.Char("Cases", readonly=True)
    documents = fields.MultiSelection(
        'get_documents', "Documents", sort=False, readonly=True,
        help="The documents that the state of the cases allows.")
    document = fields.Selection(
        'get_documents', "Document", sort=False, required=True,
        domain=[('document', 'in', Eval('documents', []))],
        help="The document to print for the cases.")
    format = fields.Selection([
            ('pdf', "PDF"),
            ('odt', "ODT (to edit)"),
            ], "Format", sort=False, required=True)

    @classmethod
    def get_documents(cls):
        "Return the documents of a case as report name and action name"
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        actions = ActionReport.search([
                ('model', '=', 'onewindow.case'),
                ('extension', 'in', FORMATS['pdf']),
                ], order=[('id', 'ASC')])
        documents = []
        for action in actions:
            try:
                Report = pool.get(action.report_name, type='report')
            except KeyError:
                continue
            if issubclass(Report, CaseReport):
                documents.append((action.report_name, action.name))
        return documents

    @classmethod
    def default_format(cls):
        return 'pdf'


class CasePrint(Wizard):
    """Print Case Documents

    The print menu of a case: it offers the documents that the state of the
    selected cases allows (the check of each report), as PDF or as ODT to
    edit, and prints the one chosen."""
    __name__ = 'onewindow.case.print'
    start = StateView('onewindow.case.print.start',
        'onewindow_approval.case_print_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateDocument()

    @classmethod
    def documents(cls, cases):
        "Return the names of the documents that may be printed for all cases"
        pool = Pool()
        Start = pool.get('onewindow.case.print.start')
        names = []
        for name, _ in Start.get_documents():
            Report = pool.get(name, type='report')
            if all(Report.printable(c) for c in cases):
                names.append(name)
        return names

    def default_start(self, fields):
        cases = self.records
        if not cases:
            return {'format': 'pdf'}
        documents = self.documents(cases)
        if not documents:
            if len(cases) > 1 and all(self.documents([c]) for c in cases):
                raise DocumentError(gettext(
                        'onewindow_approval.msg_document_none_common'))
            case = next(c for c in cases if not self.documents([c]))
            raise DocumentError(gettext(
                    'onewindow_approval.msg_document_none',
                    case=case.rec_name, state=case.state_string))
        return {
            'cases': ', '.join(c.rec_name for c in cases),
            'documents': documents,
            'document': documents[0],
            'format': 'pdf',
            }

    def do_print_(self, action):
        pool = Pool()
        Action = pool.get('ir.action')
        ActionReport = pool.get('ir.action.report')
        name = self.start.document
        if not self.records:
            return
        if name not in dict(self.start.get_documents()):
            raise DocumentError(gettext(
                    'onewindow_approval.msg_document_unknown',
                    document=name))
        Report = pool.get(name, type='report')
        for case in self.records:
            Report.check(case)
        report, = ActionReport.search([
                ('report_name', '=', name),
                ('model', '=', 'onewindow.case'),
                ('extension', 'in',
                    FORMATS.get(self.start.format, FORMATS['pdf'])),
                ], order=[('id', 'ASC')], limit=1)
        action = Action.get_action_values(
            'ir.action.report', [report.id])[0]
        return action, {
            'model': 'onewindow.case',
            'id': self.records[0].id,
            'ids': [c.id for c in self.records],
            }
