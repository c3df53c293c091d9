# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import defaultdict, namedtuple
from decimal import Decimal

from sql import Literal
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.modules.company import CompanyReport
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_hall.exceptions import CalendarError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    AcceptanceError, CaseAccessError, CaseValidationError, DecisionError,
    DocumentError, FeeError, SupplementError, SupplementWarning)

# A problem that prevents the acceptance of a case.  key identifies what is
# wrong across the one-time notices; applicant is True when the applicant
# must bring or fix it (it then goes on the one-time notice).
Problem = namedtuple('Problem', ['key', 'text', 'applicant'])

# The states of a case.  The back office inserts its own states (review,
# suspended, escalated after accepted; ready, delivered, archived after
# denied) at the index of the state they follow.
STATES = [
    ('draft', "Draft"),
    ('supplement', "Waiting for Supplement"),
    ('accepted', "Accepted"),
    ('approved', "Approved"),
    ('denied', "Denied"),
    ('refused', "Refused"),
    ('withdrawn', "Withdrawn"),
    ]

IDENTIFIER_TYPES = {
    'natural': 'cn_ric',
    'legal': 'cn_vat',
    }


def _identifier(party, type_):
    "Return the code of the first identifier of type_ of party"
    if party:
        for identifier in party.identifiers:
            if identifier.type == type_:
                return identifier.code


def _employee():
    "Return the employee of the current user"
    pool = Pool()
    User = pool.get('res.user')
    user = Transaction().user
    if user:
        return User(user).employee


class Case(Workflow, ModelSQL, ModelView):
    """Case

    One application for one matter (办件): registered at a window, checked
    against the checklist of the matter version, then accepted (with its
    number and deadline), sent back once for supplements or refused."""
    __name__ = 'onewindow.case'
    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    number = fields.Char("Number", readonly=True,
        help="The case number (办件编号), given at acceptance.")
    hall = fields.Many2One(
        'onewindow.hall', "Hall", required=True, ondelete='RESTRICT',
        states=_states,
        domain=[('company', '=', Eval('company', -1))])
    window = fields.Many2One(
        'onewindow.window', "Window", ondelete='RESTRICT',
        domain=[('hall', '=', Eval('hall', -1))],
        states={
            'readonly': Eval('state') != 'draft',
            'required': Eval('channel') == 'window',
            },
        help="The window that receives the application.")
    channel = fields.Selection([
            ('window', "At the Window"),
            ('online', "Online"),
            ('self_service', "Self-Service Terminal"),
            ('mail', "By Mail"),
            ], "Channel", required=True, sort=False, states=_states,
        help="How the application came in.")
    registered_by = fields.Many2One(
        'company.employee', "Registered by", readonly=True,
        help="The clerk who registered the application.")
    accepted_by = fields.Many2One(
        'company.employee', "Accepted by", readonly=True,
        help="The clerk who accepted the case (受理人).")
    refused_by = fields.Many2One(
        'company.employee', "Refused by", readonly=True)
    application_date = fields.Date(
        "Application Date", required=True, states=_states,
        help="The day the application was received.")
    matter = fields.Many2One(
        'onewindow.matter', "Matter", required=True, ondelete='RESTRICT',
        states=_states,
        domain=[If(Eval('state') == 'draft',
                [('state', '=', 'published')],
                [])],
        help="The version of the matter the case is handled under; "
        "it never changes once the case is accepted.")
    matter_version = fields.Function(
        fields.Integer("Matter Version"), 'on_change_with_matter_version')
    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='RESTRICT', readonly=True,
        help="The department that owns the matter.")
    handling = fields.Function(
        fields.Selection('get_handlings', "Handling"),
        'on_change_with_handling')
    applicant = fields.Many2One(
        'party.party', "Applicant", required=True, ondelete='RESTRICT',
        states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="A natural person with a resident ID or a legal person with "
        "a unified social credit code.")
    applicant_kind = fields.Selection([
            ('natural', "Natural Person"),
            ('legal', "Legal Person"),
            ], "Applicant Kind", required=True, sort=False, states=_states)
    applicant_identifier = fields.Function(
        fields.Char("Applicant ID"), 'get_identifier',
        searcher='search_identifier')
    agent = fields.Many2One(
        'party.party', "Agent", ondelete='RESTRICT', states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The person who applies on the applicant's behalf (代办人).")
    agent_identifier = fields.Function(
        fields.Char("Agent ID"), 'get_identifier',
        searcher='search_identifier')
    phone = fields.Char("Contact Phone", states=_states)
    form_data = fields.Dict(
        'onewindow.matter.form.field', "Application Form",
        domain=[('matter', '=', Eval('matter', -1))],
        states=_states, depends=['matter'],
        help="The data of the matter's application form.")
    materials = fields.One2Many(
        'onewindow.case.material', 'case', "Materials",
        states={
            'readonly': ~Eval('state').in_(['draft', 'accepted']),
            },
        help="The materials of the checklist and what was received.")
    supplements = fields.One2Many(
        'onewindow.case.supplement', 'case', "One-Time Notices",
        readonly=True)
    supplement_count = fields.Integer("One-Time Notices Issued",
        readonly=True)
    supplement_date = fields.Date("One-Time Notice Date", readonly=True)
    supplement_due_date = fields.Date("Supplement Due Date", readonly=True,
        help="The day by which the applicant should bring what the "
        "one-time notice asks for.")
    refusal_reason = fields.Selection([
            (None, ""),
            ('not_required', "No Licence Needed"),
            ('not_competent', "Not Within This Authority"),
            ('not_eligible', "Applicant Not Eligible"),
            ('not_supplemented', "Not Supplemented"),
            ('other', "Other"),
            ], "Refusal Reason", sort=False,
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~Eval('state').in_(['draft', 'refused']),
            })
    refusal_reason_string = refusal_reason.translated('refusal_reason')
    refusal_note = fields.Text("Refusal Details",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~Eval('state').in_(['draft', 'refused']),
            },
        help="Printed on the refusal notice: the facts and the law.")
    withdrawal_reason = fields.Text("Withdrawal Reason",
        states={
            'readonly': ~Eval('state').in_(
                ['draft', 'supplement', 'accepted']),
            },
        help="Why the applicant withdraws the application.")
    acceptance_date = fields.Date("Acceptance Date", readonly=True)
    promised_limit = fields.Integer("Time Limit", readonly=True,
        help="The promised time limit in working days, from the matter "
        "version at acceptance.")
    deadline = fields.Date("Deadline", readonly=True)
    deadline_explanation = fields.Text("Deadline Explanation", readonly=True)
    decision_date = fields.Date("Decision Date", readonly=True)
    decided_by = fields.Many2One(
        'company.employee', "Decided by", readonly=True)
    decision_comment = fields.Text("Decision Comment",
        states={
            'readonly': Eval('state') != 'accepted',
            'invisible': ~Eval('state').in_(
                ['accepted', 'approved', 'denied']),
            },
        help="Required to deny: the reason given to the applicant.")
    fees = fields.One2Many(
        'onewindow.case.fee', 'case', "Fees",
        states={
            'readonly': ~Eval('state').in_(['draft', 'accepted', 'approved']),
            })
    logs = fields.One2Many(
        'onewindow.case.log', 'case', "Handling Log", readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'onewindow_approval.msg_case_number_unique'),
            ]
        # The states in which the deadline runs and follows the calendar
        cls._deadline_states = ['accepted']
        cls._sql_indexes.update({
                Index(t, (t.department, Index.Equality())),
                Index(t, (t.hall, Index.Equality())),
                Index(t, (t.matter, Index.Equality())),
                Index(t, (t.applicant, Index.Equality())),
                Index(t, (t.acceptance_date, Index.Range())),
                Index(
                    t, (t.state, Index.Equality()),
                    where=t.state.in_(['draft', 'supplement', 'accepted'])),
                Index(
                    t, (t.deadline, Index.Range()),
                    where=t.state.in_(cls._deadline_states)),
                })
        cls._order = [
            ('application_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'supplement'),
            ('supplement', 'draft'),
            ('draft', 'accepted'),
            ('draft', 'refused'),
            ('accepted', 'approved'),
            ('accepted', 'denied'),
            ('draft', 'withdrawn'),
            ('supplement', 'withdrawn'),
            ('accepted', 'withdrawn'),
            }
        cls._buttons.update({
                'request_supplement': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'resubmit': {
                    'invisible': Eval('state') != 'supplement',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'accept': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('refusal_reason'),
                    'icon': 'tryton-cancel',
                    'depends': ['state', 'refusal_reason'],
                    },
                'approve': {
                    'invisible': ((Eval('state') != 'accepted')
                        | (Eval('handling') != 'same_day')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'handling'],
                    },
                'deny': {
                    'invisible': ((Eval('state') != 'accepted')
                        | (Eval('handling') != 'same_day')),
                    'readonly': ~Eval('decision_comment'),
                    'icon': 'tryton-cancel',
                    'depends': ['state', 'handling', 'decision_comment'],
                    },
                'withdraw': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'supplement', 'accepted']),
                    'readonly': ~Eval('withdrawal_reason'),
                    'icon': 'tryton-delete',
                    'depends': ['state', 'withdrawal_reason'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_channel(cls):
        return 'window'

    @classmethod
    def default_application_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_supplement_count(cls):
        return 0

    @classmethod
    def default_registered_by(cls):
        employee = _employee()
        return employee.id if employee else None

    @classmethod
    def _default_windows(cls):
        employee = _employee()
        return [w for w in employee.windows if w.active] if employee else []

    @classmethod
    def default_window(cls):
        windows = cls._default_windows()
        if len(windows) == 1:
            return windows[0].id

    @classmethod
    def default_hall(cls):
        halls = {w.hall.id for w in cls._default_windows()}
        if len(halls) == 1:
            return halls.pop()

    @fields.depends('window', 'hall')
    def on_change_window(self):
        if self.window:
            self.hall = self.window.hall

    @classmethod
    def get_handlings(cls):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        return Matter.fields_get(['handling'])['handling']['selection']

    @fields.depends('matter')
    def on_change_with_handling(self, name=None):
        if self.matter:
            return self.matter.handling

    @fields.depends('matter')
    def on_change_with_matter_version(self, name=None):
        if self.matter:
            return self.matter.version

    @fields.depends('matter', 'applicant_kind', 'materials', 'department')
    def on_change_matter(self):
        pool = Pool()
        Material = pool.get('onewindow.case.material')
        if not self.matter:
            return
        self.department = self.matter.department
        if self.matter.applicant_kind in {'natural', 'legal'}:
            self.applicant_kind = self.matter.applicant_kind
        self.materials = [
            Material(**v) for v in self._material_values(self.matter)]

    @fields.depends('applicant', 'applicant_kind', 'phone', 'matter')
    def on_change_applicant(self):
        if not self.applicant:
            return
        if _identifier(self.applicant, 'cn_vat'):
            self.applicant_kind = 'legal'
        elif _identifier(self.applicant, 'cn_ric'):
            self.applicant_kind = 'natural'
        if not self.phone:
            self.phone = self.applicant.phone or self.applicant.mobile

    @classmethod
    def _material_values(cls, matter):
        "Return the values of the case materials of the matter's checklist"
        pool = Pool()
        Material = pool.get('onewindow.case.material')
        return [Material.checklist_values(m) for m in matter.materials]

    @classmethod
    def get_identifier(cls, cases, names):
        result = {n: {} for n in names}
        for case in cases:
            if 'applicant_identifier' in names:
                result['applicant_identifier'][case.id] = _identifier(
                    case.applicant,
                    IDENTIFIER_TYPES.get(case.applicant_kind))
            if 'agent_identifier' in names:
                result['agent_identifier'][case.id] = _identifier(
                    case.agent, 'cn_ric')
        return result

    @classmethod
    def search_identifier(cls, name, clause):
        party = 'applicant' if name == 'applicant_identifier' else 'agent'
        _, operator, value = clause
        return [(party + '.identifiers.code', operator, value)]

    def get_rec_name(self, name):
        if self.number:
            return self.number
        return '%s: %s' % (self.applicant.rec_name, self.matter.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        if clause[1].startswith('!') or clause[1].startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number',) + tuple(clause[1:]),
            ('applicant.rec_name',) + tuple(clause[1:]),
            ('applicant_identifier',) + tuple(clause[1:]),
            ]

    @property
    def calendar(self):
        return self.hall.calendar

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('matter'):
                matter = Matter(values['matter'])
                values['department'] = matter.department.id
                if 'materials' not in values:
                    values['materials'] = [
                        ('create', cls._material_values(matter))]
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        actions = iter(args)
        args = []
        for cases, values in zip(actions, actions):
            if 'matter' in values:
                for case in cases:
                    if case.state != 'draft' and case.matter.id != values[
                            'matter']:
                        raise CaseAccessError(gettext(
                                'onewindow_approval.msg_case_matter_fixed',
                                case=case.rec_name))
                values = values.copy()
                values['department'] = Matter(
                    values['matter']).department.id
            args.extend((cases, values))
        super().write(*args)

    @classmethod
    def delete(cls, cases):
        for case in cases:
            if case.state != 'draft' or case.logs or case.supplements:
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_case_delete',
                        case=case.rec_name))
        super().delete(cases)

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        for name in [
                'number', 'accepted_by', 'refused_by', 'decided_by',
                'acceptance_date', 'promised_limit', 'deadline',
                'deadline_explanation', 'decision_date', 'decision_comment',
                'supplement_date', 'supplement_due_date', 'refusal_reason',
                'refusal_note', 'withdrawal_reason']:
            default.setdefault(name, None)
        default.setdefault('supplement_count', 0)
        default.setdefault('supplements', None)
        default.setdefault('logs', None)
        default.setdefault('fees', None)
        default.setdefault('registered_by', cls.default_registered_by())
        default.setdefault('application_date', cls.default_application_date())
        return super().copy(cases, default=default)

    # Checks

    def get_problems(self, date):
        "Return the list of problems that prevent acceptance on date"
        return (self._matter_problems(date)
            + self._applicant_problems()
            + self._form_problems()
            + self._material_problems(date)
            + self._deadline_problems(date))

    def _matter_problems(self, date):
        problems = []
        if not self.window:
            problems.append(Problem('window', gettext(
                        'onewindow_approval.msg_problem_window'), False))
        else:
            if self.window.hall != self.hall:
                problems.append(Problem('window', gettext(
                            'onewindow_approval.msg_problem_window_hall',
                            window=self.window.rec_name,
                            hall=self.hall.rec_name), False))
            for text in self.matter.acceptance_problems(self.window, date):
                problems.append(Problem('matter', text, False))
        return problems

    def _applicant_problems(self):
        problems = []
        kind = self.matter.applicant_kind
        if kind in {'natural', 'legal'} and kind != self.applicant_kind:
            problems.append(Problem('applicant_kind', gettext(
                        'onewindow_approval.msg_problem_applicant_kind',
                        matter=self.matter.rec_name,
                        kind=self.matter.applicant_kind_string), True))
        type_ = IDENTIFIER_TYPES[self.applicant_kind]
        if not _identifier(self.applicant, type_):
            problems.append(Problem('applicant_identifier', gettext(
                        'onewindow_approval.msg_problem_applicant_%s'
                        % type_, applicant=self.applicant.rec_name), True))
        if self.agent:
            if not _identifier(self.agent, 'cn_ric'):
                problems.append(Problem('agent_identifier', gettext(
                            'onewindow_approval.msg_problem_agent_cn_ric',
                            agent=self.agent.rec_name), True))
        elif self.applicant_kind == 'legal':
            problems.append(Problem('agent', gettext(
                        'onewindow_approval.msg_problem_legal_agent',
                        applicant=self.applicant.rec_name), True))
        if not self.phone:
            problems.append(Problem('phone', gettext(
                        'onewindow_approval.msg_problem_phone'), True))
        return problems

    def _form_problems(self):
        problems = []
        data = self.form_data or {}
        for field in self.matter.form_fields:
            if field.required and data.get(field.name) in {None, ''}:
                problems.append(Problem('field:%s' % field.name, gettext(
                            'onewindow_approval.msg_problem_form_field',
                            field=field.string), True))
        return problems

    def _material_problems(self, date):
        problems = []
        for material in self.materials:
            problems.extend(material.get_problems(date))
        return problems

    def _deadline_problems(self, date):
        try:
            self.compute_deadline(date)
        except CalendarError as exception:
            return [Problem('calendar', exception.message, False)]
        return []

    def compute_deadline(self, date=None):
        "Return the deadline and its explanation"
        date = date or self.acceptance_date
        limit = self.promised_limit
        if limit is None:
            limit = self.matter.promised_limit or 0
        calendar = self.calendar
        deadline = calendar.add_working_days(date, limit)
        explanation = calendar.explain_add_working_days(date, limit)
        return deadline, gettext(
            'onewindow_approval.msg_case_deadline_explanation',
            limit=limit, explanation=explanation)

    @classmethod
    def check_decision(cls, cases):
        "Check that the current user may decide the cases today"
        pool = Pool()
        Authorization = pool.get('onewindow.authorization')
        Date = pool.get('ir.date')
        today = Date.today()
        employee = _employee()
        for case in cases:
            if case.state != 'accepted':
                continue
            if case.matter.handling != 'same_day':
                raise DecisionError(gettext(
                        'onewindow_approval.msg_case_decide_not_same_day',
                        case=case.rec_name, matter=case.matter.rec_name))
            if case.acceptance_date != today:
                raise DecisionError(gettext(
                        'onewindow_approval.msg_case_decide_other_day',
                        case=case.rec_name,
                        date=case.acceptance_date.isoformat()))
            if not employee or not Authorization.is_authorized(
                    employee, case.matter, 'same_day_approval', today):
                raise DecisionError(gettext(
                        'onewindow_approval.msg_case_decide_unauthorized',
                        case=case.rec_name, matter=case.matter.rec_name,
                        employee=employee.rec_name if employee else '-'))

    # Log

    @classmethod
    def log_event(cls, cases, event, comment=None, state=None,
            comments=None):
        """Add an entry to the log of each case

        state is the state after the event (the current one by default);
        comments gives a comment per case."""
        pool = Pool()
        Log = pool.get('onewindow.case.log')
        employee = _employee()
        now = dt.datetime.now()
        vlist = []
        for case in cases:
            vlist.append({
                    'case': case.id,
                    'date': now,
                    'employee': employee.id if employee else None,
                    'user': Transaction().user,
                    'event': event,
                    'state_before': case.state,
                    'state_after': state or case.state,
                    'comment': (comments or {}).get(case, comment),
                    })
        with without_check_access():
            Log.create(vlist)

    # Transitions

    @classmethod
    @ModelView.button
    @Workflow.transition('supplement')
    def request_supplement(cls, cases):
        pool = Pool()
        Date = pool.get('ir.date')
        Supplement = pool.get('onewindow.case.supplement')
        Warning = pool.get('res.user.warning')
        Configuration = pool.get('onewindow.case.configuration')
        config = Configuration(1)
        today = Date.today()
        lines, comments = [], {}
        for case in cases:
            items = [p for p in case.get_problems(today) if p.applicant]
            if not items:
                raise SupplementError(gettext(
                        'onewindow_approval.msg_case_supplement_nothing',
                        case=case.rec_name))
            asked = {s.key for s in case.supplements}
            new = [p for p in items if p.key not in asked]
            if asked and new:
                key = Warning.format(
                    'onewindow_case_supplement_%s' % (
                        case.supplement_count + 1), [case])
                if Warning.check(key):
                    raise SupplementWarning(key, gettext(
                            'onewindow_approval.'
                            'msg_case_supplement_not_on_first_notice',
                            case=case.rec_name,
                            items='\n'.join('- ' + p.text for p in new)))
            notice = (case.supplement_count or 0) + 1
            for sequence, problem in enumerate(items, 1):
                lines.append(Supplement(
                        case=case, notice=notice, sequence=sequence,
                        key=problem.key, description=problem.text,
                        material=problem.key.startswith('material:')
                        and int(problem.key.split(':')[1]) or None,
                        new=bool(asked) and problem in new))
            case.supplement_count = notice
            case.supplement_date = today
            case.supplement_due_date = case.calendar.add_working_days(
                today, config.supplement_limit or 0)
            comments[case] = '\n'.join('- ' + p.text for p in items)
        Supplement.save(lines)
        cls.save(cases)
        cls.log_event(cases, 'request_supplement', state='supplement',
            comments=comments)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def resubmit(cls, cases):
        cls.log_event(cases, 'resubmit', state='draft')

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    @set_employee('accepted_by')
    def accept(cls, cases):
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        errors = []
        for case in cases:
            problems = case.get_problems(today)
            if problems:
                errors.append(gettext(
                        'onewindow_approval.msg_case_accept_problems',
                        case=case.rec_name,
                        problems='\n'.join('- ' + p.text for p in problems)))
        if errors:
            raise AcceptanceError('\n\n'.join(errors))
        comments = {}
        for case in cases:
            case.acceptance_date = today
            case.promised_limit = case.matter.promised_limit or 0
            case.deadline, case.deadline_explanation = case.compute_deadline()
            comments[case] = case.deadline_explanation
        cls.save(cases)
        cls.set_number(cases)
        cls.log_event(cases, 'accept', state='accepted', comments=comments)

    @classmethod
    def set_number(cls, cases):
        "Give a number to the cases from the configured sequence"
        pool = Pool()
        Configuration = pool.get('onewindow.case.configuration')
        config = Configuration(1)
        for case in cases:
            if case.number:
                continue
            sequence = config.get_multivalue(
                'case_sequence', company=case.company.id)
            with Transaction().set_context(date=case.acceptance_date):
                case.number = '%s-%s' % (case.hall.code, sequence.get())
        cls.save(cases)

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    @set_employee('refused_by')
    def refuse(cls, cases):
        for case in cases:
            if not case.refusal_reason:
                raise CaseValidationError(gettext(
                        'onewindow_approval.msg_case_refusal_reason',
                        case=case.rec_name))
        cls.log_event(cases, 'refuse', state='refused', comments={
                c: '%s %s' % (c.refusal_reason_string, c.refusal_note or '')
                for c in cases})

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    @set_employee('decided_by')
    def approve(cls, cases):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.check_decision(cases)
        cls.write(cases, {'decision_date': Date.today()})
        cls.log_event(cases, 'approve', state='approved', comments={
                c: c.decision_comment for c in cases})

    @classmethod
    @ModelView.button
    @Workflow.transition('denied')
    @set_employee('decided_by')
    def deny(cls, cases):
        pool = Pool()
        Date = pool.get('ir.date')
        for case in cases:
            if not case.decision_comment:
                raise CaseValidationError(gettext(
                        'onewindow_approval.msg_case_deny_reason',
                        case=case.rec_name))
        cls.check_decision(cases)
        cls.write(cases, {'decision_date': Date.today()})
        cls.log_event(cases, 'deny', state='denied', comments={
                c: c.decision_comment for c in cases})

    @classmethod
    @ModelView.button
    @Workflow.transition('withdrawn')
    def withdraw(cls, cases):
        for case in cases:
            if not case.withdrawal_reason:
                raise CaseValidationError(gettext(
                        'onewindow_approval.msg_case_withdrawal_reason',
                        case=case.rec_name))
        cls.log_event(cases, 'withdraw', state='withdrawn', comments={
                c: c.withdrawal_reason for c in cases})

    # Calendar

    @classmethod
    def update_deadlines(cls, calendars, dates):
        """Recompute the deadlines of the running cases of the halls of
        calendars after a change of the working days on dates"""
        if not dates:
            return
        first, last = min(dates), max(dates)
        cases = cls.search([
                ('hall.calendar', 'in', [c.id for c in calendars]),
                ('state', 'in', cls._deadline_states),
                ('acceptance_date', '<', last),
                ('deadline', '>=', first),
                ], order=[('id', 'ASC')])
        to_write, comments = defaultdict(list), {}
        for case in cases:
            if not any(case.acceptance_date < d <= case.deadline
                    for d in dates):
                continue
            deadline, explanation = case.compute_deadline()
            if (deadline, explanation) == (
                    case.deadline, case.deadline_explanation):
                continue
            to_write[(deadline, explanation)].append(case)
            comments[case] = gettext(
                'onewindow_approval.msg_case_deadline_moved',
                old=case.deadline.isoformat(), new=deadline.isoformat(),
                dates=', '.join(d.isoformat() for d in dates
                    if case.acceptance_date < d <= case.deadline),
                explanation=explanation)
        if not to_write:
            return
        cls.log_event(list(comments), 'deadline', comments=comments)
        args = []
        for (deadline, explanation), records in to_write.items():
            args.extend((records, {
                        'deadline': deadline,
                        'deadline_explanation': explanation,
                        }))
        cls.write(*args)


class CaseMaterial(sequence_ordered(), ModelSQL, ModelView):
    """Case Material

    What the checklist of the matter version expects and what the applicant
    brought: paper and electronic copies, the check of the original, the
    credibility level, the scanned files (attachments), the defects and the
    容缺 pledge."""
    __name__ = 'onewindow.case.material'
    _states = {
        'readonly': Eval('case_state') != 'draft',
        }
    _received_states = {
        'readonly': If(Eval('deferred', False),
            Eval('case_state') != 'accepted',
            Eval('case_state') != 'draft'),
        }

    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE',
        states=_states)
    matter_material = fields.Many2One(
        'onewindow.matter.material', "Checklist Item", ondelete='RESTRICT',
        states={
            'readonly': True,
            })
    name = fields.Char("Name", required=True, states=_states)
    requirement = fields.Selection([
            ('required', "Required"),
            ('optional', "Optional"),
            ('conditional', "Conditional"),
            ], "Requirement", required=True, readonly=True, sort=False)
    condition = fields.Char("Condition", readonly=True)
    applicable = fields.Boolean("Applicable",
        states={
            'readonly': ((Eval('case_state') != 'draft')
                | (Eval('requirement') != 'conditional')),
            },
        help="Check when the condition of a conditional material applies "
        "to this case: it is then required.")
    deferrable = fields.Boolean("Deferrable", readonly=True,
        help="The checklist allows 容缺: it may come after acceptance "
        "against a written pledge.")
    original_check = fields.Boolean("Check the Original", readonly=True,
        help="The copy must be checked against the original.")
    paper_expected = fields.Integer("Paper Copies Expected", readonly=True)
    paper_received = fields.Integer("Paper Copies Received",
        required=True, states=_received_states,
        domain=[('paper_received', '>=', 0)])
    electronic_expected = fields.Integer(
        "Electronic Copies Expected", readonly=True)
    electronic_received = fields.Integer("Electronic Copies Received",
        required=True, states=_received_states,
        domain=[('electronic_received', '>=', 0)])
    credibility = fields.Selection([
            (None, ""),
            ('A', "A: Issued with E-Seal"),
            ('B', "B: Copy Checked against Original"),
            ('C', "C: Uploaded by Applicant"),
            ('D', "D: Applicant's Pledge"),
            ], "Credibility", sort=False, states=_received_states,
        help="The credibility level of the material (国办函〔2016〕108号).")
    original_checked_by = fields.Many2One(
        'company.employee', "Original Checked by", readonly=True)
    original_checked_date = fields.DateTime(
        "Original Checked at", readonly=True)
    original_check_note = fields.Function(
        fields.Char("Original Check"), 'get_original_check_note')
    defects = fields.Text("Defects", states=_received_states,
        help="What is wrong with the material; it goes on the one-time "
        "notice and blocks acceptance until cleared.")
    deferred = fields.Boolean("容缺",
        states={
            'readonly': ((Eval('case_state') != 'draft')
                | ~Eval('deferrable')),
            },
        help="Accept without this material against the applicant's "
        "written pledge to bring it by the due date.")
    pledge = fields.Text("Pledge",
        states={
            'readonly': Eval('case_state') != 'draft',
            'invisible': ~Eval('deferred'),
            'required': Bool(Eval('deferred')),
            },
        help="The applicant's written commitment.")
    deferred_until = fields.Date("Due Date",
        states={
            'readonly': Eval('case_state') != 'draft',
            'invisible': ~Eval('deferred'),
            'required': Bool(Eval('deferred')),
            },
        help="The day by which the deferred material must come.")
    scans = fields.Function(fields.Integer("Scanned Files",
            help="The number of files attached to the material."),
        'get_scans')
    status = fields.Function(fields.Selection([
                ('complete', "Complete"),
                ('missing', "Missing"),
                ('defective', "Defective"),
                ('unchecked', "Original Not Checked"),
                ('deferred', "Deferred"),
                ('not_required', "Not Required"),
                ], "Status"), 'get_status')
    case_state = fields.Function(
        fields.Selection(STATES, "Case State"), 'on_change_with_case_state')

    del _states, _received_states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('case')
        cls._buttons.update({
                'check_original': {
                    'invisible': (~Eval('original_check')
                        | Bool(Eval('original_checked_by'))),
                    'readonly': ~Eval('case_state').in_(
                        ['draft', 'accepted']),
                    'depends': [
                        'original_check', 'original_checked_by',
                        'case_state'],
                    },
                })

    @classmethod
    def checklist_values(cls, material):
        "Return the values of a case material from the checklist material"
        return {
            'sequence': material.sequence,
            'matter_material': material.id,
            'name': material.name,
            'requirement': material.requirement,
            'condition': material.condition,
            'applicable': material.requirement == 'required',
            'deferrable': material.deferrable,
            'original_check': material.original_check,
            'paper_expected': material.paper_copies or 0,
            'electronic_expected': material.electronic_copies or 0,
            'paper_received': 0,
            'electronic_received': 0,
            'credibility': material.credibility,
            }

    # The values that always come from the checklist
    _checklist_fields = {
        'requirement', 'condition', 'deferrable', 'original_check',
        'paper_expected', 'electronic_expected'}

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        MatterMaterial = pool.get('onewindow.matter.material')
        Case = pool.get('onewindow.case')
        vlist = [v.copy() for v in vlist]
        for case in Case.browse(list({
                    v['case'] for v in vlist if v.get('case')})):
            if case.state != 'draft':
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_material_add',
                        case=case.rec_name))
        for values in vlist:
            if values.get('matter_material'):
                checklist = cls.checklist_values(
                    MatterMaterial(values['matter_material']))
                for name, value in checklist.items():
                    if name in cls._checklist_fields:
                        values[name] = value
                    else:
                        values.setdefault(name, value)
        return super().create(vlist)

    @classmethod
    def default_paper_received(cls):
        return 0

    @classmethod
    def default_electronic_received(cls):
        return 0

    @classmethod
    def default_requirement(cls):
        return 'optional'

    @fields.depends('case', '_parent_case.state')
    def on_change_with_case_state(self, name=None):
        if self.case:
            return self.case.state

    @property
    def required(self):
        return self.requirement == 'required' or (
            self.requirement == 'conditional' and self.applicable)

    @property
    def missing(self):
        return (self.paper_received < (self.paper_expected or 0)
            or self.electronic_received < (self.electronic_expected or 0))

    @property
    def received(self):
        return bool(self.paper_received or self.electronic_received)

    def get_status(self, name):
        if self.defects:
            return 'defective'
        if self.missing and (self.required or self.received):
            return 'deferred' if self.deferred else 'missing'
        if not self.received and not self.required:
            return 'not_required'
        if self.original_check and not self.original_checked_by:
            return 'unchecked'
        return 'complete'

    def get_original_check_note(self, name):
        if self.original_checked_by:
            return gettext('onewindow_approval.msg_original_checked')

    @classmethod
    def get_scans(cls, materials, name):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        attachment = Attachment.__table__()
        cursor = Transaction().connection.cursor()
        result = {m.id: 0 for m in materials}
        for sub in grouped_slice(materials):
            resources = ['%s,%s' % (cls.__name__, m.id) for m in sub]
            cursor.execute(*attachment.select(
                    attachment.resource, Count(Literal('*')),
                    where=attachment.resource.in_(resources),
                    group_by=[attachment.resource]))
            for resource, count in cursor:
                result[int(resource.split(',')[1])] = count
        return result

    def get_rec_name(self, name):
        return self.name

    def get_problems(self, date):
        "Return the problems of the material for the acceptance on date"
        problems = []
        key = 'material:%s' % self.id

        def problem(msg, **kwargs):
            problems.append(Problem(key, gettext(
                        'onewindow_approval.%s' % msg, material=self.name,
                        **kwargs), True))
        if self.defects:
            problem('msg_problem_material_defects', defects=self.defects)
        if self.missing and (self.required or self.received):
            if self.deferred and self.required:
                if not self.deferrable:
                    problem('msg_problem_material_not_deferrable')
                elif not self.pledge or not self.deferred_until:
                    problem('msg_problem_material_pledge')
                elif self.deferred_until < date:
                    problem('msg_problem_material_pledge_date',
                        date=self.deferred_until.isoformat())
            else:
                problem('msg_problem_material_missing',
                    paper=self.paper_received,
                    paper_expected=self.paper_expected or 0,
                    electronic=self.electronic_received,
                    electronic_expected=self.electronic_expected or 0)
        if (self.original_check and self.received
                and not self.original_checked_by):
            problem('msg_problem_material_original')
        return problems

    @classmethod
    @ModelView.button
    def check_original(cls, materials):
        "Record that the copies were checked against the original"
        pool = Pool()
        employee = _employee()
        materials = [m for m in materials if not m.original_checked_by]
        if not materials:
            return
        for material in materials:
            if not material.received:
                raise CaseValidationError(gettext(
                        'onewindow_approval.msg_material_check_nothing',
                        material=material.rec_name,
                        case=material.case.rec_name))
            material.original_checked_by = employee
            material.original_checked_date = dt.datetime.now()
            if material.credibility in {None, 'C'}:
                material.credibility = 'B'
        cls.save(materials)
        Case = pool.get('onewindow.case')
        comments = defaultdict(list)
        for material in materials:
            comments[material.case].append(gettext(
                    'onewindow_approval.msg_material_log_original',
                    material=material.name))
        Case.log_event(list(comments), 'material', comments={
                c: '\n'.join(t) for c, t in comments.items()})

    _logged_fields = {
        'paper_received', 'electronic_received', 'defects', 'deferred',
        'pledge', 'deferred_until', 'applicable'}

    def _log_text(self):
        text = gettext('onewindow_approval.msg_material_log',
            material=self.name,
            paper=self.paper_received,
            paper_expected=self.paper_expected or 0,
            electronic=self.electronic_received,
            electronic_expected=self.electronic_expected or 0)
        if self.defects:
            text += ' ' + gettext(
                'onewindow_approval.msg_material_log_defects',
                defects=self.defects)
        if self.deferred:
            text += ' ' + gettext(
                'onewindow_approval.msg_material_log_deferred',
                date=(self.deferred_until.isoformat()
                    if self.deferred_until else '-'))
        return text

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Case = pool.get('onewindow.case')
        actions = iter(args)
        logged = []
        for materials, values in zip(actions, actions):
            for material in materials:
                if material.case.state == 'draft':
                    continue
                # A deferred material comes while the case runs
                if (material.deferred
                        and material.case.state in Case._deadline_states
                        and values.keys() <= {
                            'paper_received', 'electronic_received',
                            'credibility', 'defects',
                            'original_checked_by', 'original_checked_date'}):
                    continue
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_material_modify',
                        material=material.rec_name,
                        case=material.case.rec_name))
            if values.keys() & cls._logged_fields:
                logged.extend(materials)
        super().write(*args)
        if logged:
            comments = defaultdict(list)
            for material in cls.browse(logged):
                comments[material.case].append(material._log_text())
            Case.log_event(list(comments), 'material', comments={
                    c: '\n'.join(t) for c, t in comments.items()})

    @classmethod
    def delete(cls, materials):
        for material in materials:
            if material.case.state != 'draft':
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_material_modify',
                        material=material.rec_name,
                        case=material.case.rec_name))
        super().delete(materials)


class CaseSupplement(sequence_ordered(), ModelSQL, ModelView):
    """Case One-Time Notice Item

    One item of a one-time notice (一次性告知): what is missing or wrong and
    what the applicant must bring."""
    __name__ = 'onewindow.case.supplement'
    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE',
        readonly=True)
    notice = fields.Integer("Notice", required=True, readonly=True,
        help="1 for the one-time notice, more when the clerk had to ask "
        "again.")
    key = fields.Char("Key", required=True, readonly=True)
    material = fields.Many2One(
        'onewindow.case.material', "Material", readonly=True,
        ondelete='SET NULL')
    description = fields.Text("Description", required=True, readonly=True)
    new = fields.Boolean("Not on First Notice", readonly=True,
        help="Asked for on a later notice although the first one-time "
        "notice did not list it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('case')
        cls._order.insert(0, ('notice', 'ASC'))

    def get_rec_name(self, name):
        return self.description


class CaseFee(ModelSQL, ModelView):
    """Case Fee

    A fee collected for a case; only matters with a fee basis may charge
    fees."""
    __name__ = 'onewindow.case.fee'
    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE')
    description = fields.Char("Description", required=True)
    basis = fields.Text("Fee Basis", readonly=True,
        help="The legal basis of the fee, from the matter.")
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        domain=[('amount', '>', 0)])
    paid = fields.Boolean("Paid")
    paid_date = fields.Date("Payment Date",
        states={
            'required': Bool(Eval('paid')),
            'invisible': ~Eval('paid'),
            })
    receipt_number = fields.Char("Receipt Number",
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


class CaseLog(ModelSQL, ModelView):
    """Case Log

    The handling log of a case (办理过程): every transition and material
    check, with who did it, when, the states and a comment.  Entries are
    never edited or deleted."""
    __name__ = 'onewindow.case.log'
    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE',
        readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)
    employee = fields.Many2One(
        'company.employee', "Employee", readonly=True, ondelete='RESTRICT')
    user = fields.Many2One(
        'res.user', "User", readonly=True, ondelete='RESTRICT')
    event = fields.Selection([
            ('request_supplement', "One-Time Notice"),
            ('resubmit', "Resubmitted"),
            ('accept', "Accepted"),
            ('refuse', "Refused"),
            ('approve', "Approved"),
            ('deny', "Denied"),
            ('withdraw', "Withdrawn"),
            ('material', "Material Check"),
            ('fee', "Fee"),
            ('deadline', "Deadline Changed"),
            ], "Event", required=True, readonly=True, sort=False)
    state_before = fields.Selection(
        'get_states', "State Before", readonly=True)
    state_after = fields.Selection(
        'get_states', "State After", readonly=True)
    comment = fields.Text("Comment", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('case')
        cls._order = [('date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_states(cls):
        pool = Pool()
        Case = pool.get('onewindow.case')
        return Case.fields_get(['state'])['state']['selection']

    @classmethod
    def write(cls, *args):
        logs = sum(args[0:None:2], [])
        raise CaseAccessError(gettext(
                'onewindow_approval.msg_case_log_readonly',
                case=logs[0].case.rec_name if logs else ''))

    @classmethod
    def delete(cls, logs):
        raise CaseAccessError(gettext(
                'onewindow_approval.msg_case_log_readonly',
                case=logs[0].case.rec_name if logs else ''))


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
    _states = {'accepted', 'approved', 'denied'}


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
