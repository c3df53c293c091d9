# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The complaints (投诉): registered with a number, routed to a department or
the center, answered within a limit of working days, reopened when the
complainant is not satisfied"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_approval.document import DocumentReport
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, transition)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ComplaintError
from .rectification import (
    RESPONSIBLES, SCORES, ResponsibleMixin, working_deadline)

SOURCES = [
    ('window', "At the Window"),
    ('portal', "Portal"),
    ('letter', "Letter"),
    ('hotline', "12345 Hotline"),
    ]


class Complaint(
        ResponsibleMixin, ButtonStateMixin, Workflow, ModelSQL,
        ModelView):
    """Complaint

    A complaint about a service of the hall, received at the window, from
    the portal, by letter or from the 12345 hotline: registered with a
    number, answered by the department (or the center) within the limit,
    and reopened when the complainant is not satisfied with the answer."""
    __name__ = 'onewindow.complaint'
    _draft = {
        'readonly': Eval('state') != 'draft',
        }
    company = fields.Many2One('company.company', "Company", required=True,
        states=_draft)
    hall = fields.Many2One('onewindow.hall', "Hall", required=True,
        ondelete='RESTRICT', states=_draft,
        domain=[('company', '=', Eval('company', -1))])
    number = fields.Char("Number", readonly=True)
    source = fields.Selection(SOURCES, "Source", required=True, sort=False,
        states=_draft)
    source_string = source.translated('source')
    hotline_number = fields.Char("Hotline Ticket", size=50,
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('source') != 'hotline',
            'required': (Eval('source') == 'hotline')
            & (Eval('state') == 'draft'),
            },
        help="The number of the 12345 hotline's work order.")
    receive_date = fields.Date("Received on", required=True, states=_draft)
    complainant = fields.Many2One('party.party', "Complainant",
        ondelete='RESTRICT', states=_draft,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    complainant_name = fields.Char("Complainant Name", size=100,
        required=True, states=_draft)
    phone = fields.Char("Contact Phone", size=40, states=_draft)
    address = fields.Text("Address", size=500, states=_draft)
    subject = fields.Char("Subject", size=200, required=True, states=_draft)
    description = fields.Text("Description", size=4000, required=True,
        states=_draft)
    case = fields.Many2One('onewindow.case', "Case", ondelete='RESTRICT',
        states=_draft, help="The case complained about, if any.")
    responsible = fields.Selection(RESPONSIBLES, "Routed to", required=True,
        sort=False, states=_draft)
    department = fields.Many2One('onewindow.department', "Department",
        ondelete='RESTRICT',
        states={
            'readonly': Eval('state') != 'draft',
            'required': ((Eval('responsible') == 'department')
                & (Eval('state') != 'draft')),
            'invisible': Eval('responsible') != 'department',
            })
    window = fields.Many2One('onewindow.window', "Window",
        ondelete='RESTRICT', states=_draft,
        domain=[('hall', '=', Eval('hall', -1))])
    employee = fields.Many2One('company.employee', "Staff Concerned",
        ondelete='RESTRICT', states=_draft)
    registered_by = fields.Many2One('company.employee', "Registered by",
        readonly=True)
    register_date = fields.Date("Registered on", readonly=True)
    deadline = fields.Date("Deadline", readonly=True)
    reply = fields.Text("Answer", size=4000,
        states={
            'readonly': ~Eval('state').in_(['registered', 'reopened']),
            'invisible': Eval('state') == 'draft',
            })
    answered_by = fields.Many2One('company.employee', "Answered by",
        readonly=True)
    answer_date = fields.Date("Answered on", readonly=True)
    answers = fields.Integer("Answers", readonly=True)
    satisfaction = fields.Selection(SCORES, "Satisfaction",
        sort=False,
        states={
            'readonly': Eval('state') != 'answered',
            'invisible': ~Eval('state').in_(['answered', 'closed']),
            },
        help="How satisfied the complainant is with the answer.")
    satisfaction_string = satisfaction.translated('satisfaction')
    reopen_reason = fields.Text("Reopening Reason", size=2000,
        states={
            'readonly': Eval('state') != 'answered',
            'invisible': Eval('state') == 'draft',
            })
    reopened = fields.Integer("Reopened", readonly=True)
    close_date = fields.Date("Closed on", readonly=True)
    on_time = fields.Boolean("On Time", readonly=True,
        help="Every answer given on or before its deadline.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('registered', "Registered"),
            ('answered', "Answered"),
            ('reopened', "Reopened"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    _running_states = ['registered', 'reopened']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.department, Index.Equality()),
                    (t.receive_date, Index.Range())),
                Index(t, (t.state, Index.Equality()),
                    where=t.state.in_(cls._running_states)),
                Index(t, (t.case, Index.Equality())),
                })
        cls._order = [('receive_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'registered'),
            ('registered', 'answered'),
            ('reopened', 'answered'),
            ('answered', 'closed'),
            ('answered', 'reopened'),
            }
        cls._buttons.update({
                'register': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'answer': {
                    'invisible': ~Eval('state').in_(
                        ['registered', 'reopened']),
                    'readonly': ~Eval('reply'),
                    'depends': ['state', 'reply'],
                    },
                'close': {
                    'invisible': Eval('state') != 'answered',
                    'readonly': ~Eval('satisfaction').in_(
                        ['satisfied', 'basic']),
                    'depends': ['state', 'satisfaction'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'answered',
                    'readonly': Eval('satisfaction') != 'dissatisfied',
                    'depends': ['state', 'satisfaction'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_responsible(cls):
        return 'department'

    @classmethod
    def default_receive_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_answers(cls):
        return 0

    @classmethod
    def default_reopened(cls):
        return 0

    @fields.depends('complainant', 'complainant_name')
    def on_change_complainant(self):
        if self.complainant and not self.complainant_name:
            self.complainant_name = self.complainant.name

    def get_rec_name(self, name):
        return self.number or '(%s)' % self.id

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('number',) + tuple(clause[1:])]

    @classmethod
    def delete(cls, complaints):
        for complaint in complaints:
            if complaint.state != 'draft':
                raise AccessError(gettext(
                        'onewindow_evaluation.msg_complaint_delete',
                        complaint=complaint.rec_name))
        super().delete(complaints)

    def check_responsible(self):
        "Raise if the current user may not answer the complaint"
        if self.may_work():
            return
        raise ComplaintError(gettext(
                'onewindow_evaluation.msg_complaint_not_yours',
                complaint=self.rec_name))

    def limit_deadline(self, date):
        pool = Pool()
        Configuration = pool.get('onewindow.evaluation.configuration')
        return working_deadline(
            self.hall, date, Configuration(1).complaint_limit)

    @classmethod
    @ModelView.button
    @transition('registered')
    @set_employee('registered_by')
    def register(cls, complaints):
        "Register the complaint with its number and answer deadline"
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('onewindow.evaluation.configuration')
        config = Configuration(1)
        today = Date.today()
        for complaint in complaints:
            if complaint.case and not complaint.department:
                complaint.department = complaint.case.department
            if complaint.case and not complaint.window:
                complaint.window = complaint.case.window
            if (complaint.responsible == 'department'
                    and not complaint.department):
                raise ComplaintError(gettext(
                        'onewindow_evaluation.msg_complaint_department',
                        complaint=complaint.rec_name))
            if complaint.responsible == 'center':
                complaint.department = None
            complaint.register_date = today
            complaint.deadline = complaint.limit_deadline(today)
            if not complaint.number:
                with Transaction().set_context(date=today):
                    complaint.number = config.complaint_sequence.get()
        cls.save(complaints)

    @classmethod
    @ModelView.button
    @transition('answered')
    @set_employee('answered_by', when='before')
    def answer(cls, complaints):
        "Answer the complaint"
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        for complaint in complaints:
            complaint.check_responsible()
            if not (complaint.reply or '').strip():
                raise ComplaintError(gettext(
                        'onewindow_evaluation.msg_complaint_answer',
                        complaint=complaint.rec_name))
            late = complaint.deadline and today > complaint.deadline
            # On time when every answer was (a Boolean reads False, never
            # None: the first answer is told by the count)
            complaint.on_time = not late and (
                not complaint.answers or complaint.on_time)
            complaint.answer_date = today
            complaint.answers = (complaint.answers or 0) + 1
            complaint.satisfaction = None
        cls.save(complaints)

    @classmethod
    @ModelView.button
    @transition('closed')
    def close(cls, complaints):
        "Close the complaint: the complainant is satisfied with the answer"
        pool = Pool()
        Date = pool.get('ir.date')
        for complaint in complaints:
            if complaint.satisfaction not in {'satisfied', 'basic'}:
                raise ComplaintError(gettext(
                        'onewindow_evaluation.msg_complaint_satisfaction',
                        complaint=complaint.rec_name))
        cls.write(complaints, {'close_date': Date.today()})

    @classmethod
    @ModelView.button
    @transition('reopened')
    def reopen(cls, complaints):
        """Reopen the complaint: the complainant is not satisfied; a new
        answer is due within the limit"""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        for complaint in complaints:
            if complaint.satisfaction != 'dissatisfied':
                raise ComplaintError(gettext(
                        'onewindow_evaluation.msg_complaint_reopen',
                        complaint=complaint.rec_name))
            complaint.reopened = (complaint.reopened or 0) + 1
            complaint.deadline = complaint.limit_deadline(today)
        cls.save(complaints)


class ComplaintReport(DocumentReport):
    "Complaint document"
    _states = None

    @classmethod
    def _get_records(cls, ids, model, data):
        records = super()._get_records(ids, model, data)
        for record in records:
            if cls._states is not None and record.state not in cls._states:
                raise ComplaintError(gettext(
                        'onewindow_evaluation.msg_complaint_document_state',
                        complaint=record.rec_name,
                        state=record.state_string))
        return records


class ComplaintAcknowledgement(ComplaintReport):
    "Complaint Acknowledgement"
    __name__ = 'onewindow.complaint.acknowledgement'
    _states = {'registered', 'answered', 'reopened', 'closed'}


class ComplaintReply(ComplaintReport):
    "Complaint Reply"
    __name__ = 'onewindow.complaint.reply'
    _states = {'answered', 'closed'}
