# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import namedtuple
from weakref import WeakKeyDictionary

from sql import For, Literal

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_hall.exceptions import CalendarError
from trytond.modules.onewindow_hall.ir import now as hall_now
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, EagerReadMixin, Problems, RelatedReadMixin,
    read_rec_names, rec_name_domain, transition)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    AcceptanceError, CaseAccessError, CaseValidationError, DecisionError,
    DeliveryError, SupplementError, SupplementWarning)
from .party import IDENTIFIER_TYPES, PersonalDataMixin, identifier_code
from .search import (
    create_trigram_extension, union_domain, update_trigram_indexes)

# The cases that each transaction found not archived (Case._archived)
_open_cases = WeakKeyDictionary()

# A problem that prevents the acceptance of a case.  key identifies what is
# wrong across the one-time notices; applicant is True when the applicant
# must bring or fix it (it then goes on the one-time notice).
Problem = namedtuple('Problem', ['key', 'text', 'applicant'])

# The states of a case: the front desk (draft to accepted), the back office
# (review, suspended while the clock stops, escalated to a higher
# authority), the decision and the one exit (ready, delivered, archived).
STATES = [
    ('draft', "Draft"),
    ('supplement', "Waiting for Supplement"),
    ('accepted', "Accepted"),
    ('review', "Under Review"),
    ('suspended', "Clock Stopped"),
    ('escalated', "Escalated"),
    ('approved', "Approved"),
    ('denied', "Denied"),
    ('ready', "Ready for Pickup"),
    ('delivered', "Delivered"),
    ('archived', "Archived"),
    ('refused', "Refused"),
    ('withdrawn', "Withdrawn"),
    ]


class CaseLineMixin:
    """A line of a case: it belongs to the company of the case, and it can
    no longer change once the case is archived"""
    __slots__ = ()
    company = fields.Function(
        fields.Many2One('company.company', "Company"),
        'on_change_with_company', searcher='search_company')

    @fields.depends('case', '_parent_case.company')
    def on_change_with_company(self, name=None):
        if self.case and self.case.company:
            return self.case.company.id

    @classmethod
    def search_company(cls, name, clause):
        return [('case.company',) + tuple(clause[1:])]

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Case = pool.get('onewindow.case')
        Case.check_open(Case.browse(list({
                        v['case'] for v in vlist if v.get('case')})))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Case = pool.get('onewindow.case')
        Case.check_open(list({r.case for r in sum(args[0:None:2], [])}))
        super().write(*args)

    @classmethod
    def delete(cls, records):
        pool = Pool()
        Case = pool.get('onewindow.case')
        Case.check_open(list({r.case for r in records}))
        super().delete(records)


class Case(
        ButtonStateMixin, PersonalDataMixin, RelatedReadMixin,
        EagerReadMixin, Workflow, ModelSQL, ModelView):
    """Case

    One application for one matter (办件): registered at a window, checked
    against the checklist of the matter version, then accepted (with its
    number and deadline), sent back once for supplements or refused."""
    __name__ = 'onewindow.case'
    _states = {
        'readonly': Eval('state') != 'draft',
        }
    # Read with the rec_name of the matter (see RelatedReadMixin)
    _related_function_fields = {
        'matter_version': ('matter', 'version'),
        'handling': ('matter', 'handling'),
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
    phone = fields.Char("Contact Phone", size=40, states=_states)
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
    refusal_note = fields.Text("Refusal Details", size=2000,
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': ~Eval('state').in_(['draft', 'refused']),
            },
        help="Printed on the refusal notice: the facts and the law.")
    withdrawal_reason = fields.Text("Withdrawal Reason", size=2000,
        states={
            'readonly': ~Eval('state').in_(
                ['draft', 'supplement', 'accepted', 'review', 'suspended',
                    'escalated']),
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
    decision_comment = fields.Text("Decision Comment", size=4000,
        states={
            'readonly': ~Eval('state').in_(['accepted', 'review',
                    'escalated']),
            'invisible': Eval('state').in_(
                ['draft', 'supplement', 'refused', 'withdrawn']),
            },
        help="Required to deny: the reason given to the applicant.")
    fees = fields.One2Many(
        'onewindow.case.fee', 'case', "Fees",
        states={
            'readonly': Eval('state').in_(
                ['supplement', 'refused', 'withdrawn', 'delivered',
                    'archived']),
            })
    logs = fields.One2Many(
        'onewindow.case.log', 'case', "Handling Log", readonly=True)

    # The back office
    handover = fields.Many2One(
        'onewindow.handover', "Hand-Over", readonly=True,
        ondelete='SET NULL',
        help="The slip on which the center handed the case over to the "
        "department.")
    statutory_deadline = fields.Date("Statutory Deadline", readonly=True,
        help="The time limit of the Administrative Licensing Law: 20 "
        "working days for a licence, 45 for a joint matter, plus the "
        "extension and the time the clock stood still.")

    # The decision
    decision = fields.Selection([
            (None, ""),
            ('approved', "Approved"),
            ('denied', "Denied"),
            ], "Decision", readonly=True, sort=False)
    decision_string = decision.translated('decision')
    decision_number = fields.Char("Decision Number", size=100,
        states={
            'readonly': ~Eval('state').in_(['accepted', 'review',
                    'escalated']),
            },
        help="The number of the decision (准予/不予许可决定书); required for "
        "the decisions of the department.")
    decision_document = fields.Binary("Signed Decision",
        filename='decision_document_name',
        states={
            'readonly': ~Eval('state').in_(['review', 'escalated',
                    'approved', 'denied']),
            },
        help="The decision printed, signed, sealed and scanned.")
    decision_document_name = fields.Char("Signed Decision Name", size=255)

    notifications = fields.One2Many(
        'onewindow.case.notification', 'case', "Notifications",
        readonly=True)
    archived_by = fields.Many2One(
        'company.employee', "Archived by", readonly=True)
    archive_date = fields.Date("Archive Date", readonly=True)
    amendment_reason = fields.Text("Amendment Reason", size=2000,
        states={
            'readonly': Eval('state') != 'archived',
            'invisible': Eval('state') != 'archived',
            },
        help="An archived case changes only by the center administrator, "
        "who enters the reason of each change: it goes to the log.")

    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __register__(cls, module):
        # The similarity indexes are trigram indexes once it exists
        create_trigram_extension()
        super().__register__(module)
        # The parties the search bar reads through the applicant
        update_trigram_indexes(
            ['party.party', 'party.identifier', 'party.contact_mechanism'])

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        super().__setup__()
        # The application form may hold resident ID numbers
        cls._personal_data_fields = cls._personal_data_fields | {'form_data'}
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'onewindow_approval.msg_case_number_unique'),
            ]
        # The states in which the deadline runs and follows the calendar
        cls._deadline_states = ['accepted', 'review']
        cls._setup_indexes()
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
            ('accepted', 'review'),
            ('review', 'suspended'),
            ('suspended', 'review'),
            ('review', 'escalated'),
            ('review', 'approved'),
            ('review', 'denied'),
            ('escalated', 'approved'),
            ('escalated', 'denied'),
            ('review', 'withdrawn'),
            ('suspended', 'withdrawn'),
            ('escalated', 'withdrawn'),
            ('approved', 'ready'),
            ('denied', 'ready'),
            ('ready', 'delivered'),
            ('delivered', 'archived'),
            ('refused', 'archived'),
            ('withdrawn', 'archived'),
            }
        cls._setup_buttons()

    @classmethod
    def _setup_indexes(cls):
        "Declare the indexes of the lists and searches of the cases"
        t = cls.__table__()
        cls._sql_indexes.update({
                # The lists of a department by deadline and of a hall newest
                # first come from these without sorting; a hash index on the
                # hall (one value per hall) takes minutes to build
                Index(
                    t, (t.department, Index.Equality()),
                    (t.deadline, Index.Range()), (t.id, Index.Range())),
                Index(
                    t, (t.hall, Index.Equality()),
                    (t.application_date, Index.Range()),
                    (t.id, Index.Range())),
                Index(t, (t.matter, Index.Equality())),
                Index(t, (t.applicant, Index.Equality())),
                # The rows of onewindow.department-party.party are written
                # again from the cases of their parties
                Index(t, (t.agent, Index.Equality())),
                # The search bar: a trigram index with pg_trgm
                Index(t, (t.number, Index.Similarity())),
                # The lists newest first (the default order) of a user of
                # several halls or of none, the hand-over list by
                # acceptance and the department list by deadline of a user
                # of no department
                Index(t, (t.application_date, Index.Range())),
                Index(t, (t.acceptance_date, Index.Range())),
                Index(t, (t.deadline, Index.Range())),
                # A B-tree: a hash index keeps all the rows of a state in one
                # bucket, and each insert walks its chain
                Index(
                    t, (t.state, Index.Range()),
                    where=t.state.in_(['draft', 'supplement', 'accepted'])),
                Index(
                    t, (t.deadline, Index.Range()),
                    where=t.state.in_(cls._deadline_states)),
                })
        # The back office lists the cases of a slip and the open cases; the
        # work lists of the departments read the cases whose deadline runs
        # or stands still in deadline order
        running = ['accepted', 'review', 'suspended', 'escalated']
        # The cases of a slip are read through the index that trytond
        # creates for the One2Many of the hand-over
        cls._sql_indexes.update({
                Index(
                    t, (t.deadline, Index.Range()), (t.id, Index.Range()),
                    where=t.state.in_(running)),
                # A department's work list is read in deadline order from
                # this one, and counted without reading the cases (the
                # hall gives the warning date of the deadline flag)
                Index(
                    t, (t.department, Index.Equality()),
                    (t.deadline, Index.Range()), (t.id, Index.Range()),
                    include=[t.state, t.company, t.hall],
                    where=t.state.in_(running)),
                Index(
                    t, (t.state, Index.Range()),
                    where=t.state.in_(['review', 'suspended', 'escalated',
                            'approved', 'denied', 'ready'])),
                })

    @classmethod
    def _setup_buttons(cls):
        """Declare the buttons of the front desk and of the decision (the
        other concepts declare theirs with their methods)"""
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
                    'invisible': ~(((Eval('state') == 'accepted')
                            & (Eval('handling') == 'same_day'))
                        | ((Eval('state') == 'review')
                            & (Eval('handling') != 'escalated'))
                        | (Eval('state') == 'escalated'))
                    | ~Eval('may_decide', True),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'handling', 'may_decide'],
                    },
                'deny': {
                    'invisible': ~(((Eval('state') == 'accepted')
                            & (Eval('handling') == 'same_day'))
                        | ((Eval('state') == 'review')
                            & (Eval('handling') != 'escalated'))
                        | (Eval('state') == 'escalated'))
                    | ~Eval('may_decide', True),
                    'readonly': ~Eval('decision_comment'),
                    'icon': 'tryton-cancel',
                    'depends': [
                        'state', 'handling', 'decision_comment',
                        'may_decide'],
                    },
                'withdraw': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'supplement', 'accepted', 'review',
                            'suspended', 'escalated']),
                    'readonly': ~Eval('withdrawal_reason'),
                    'icon': 'tryton-delete',
                    'depends': ['state', 'withdrawal_reason'],
                    },
                'archive': {
                    'invisible': ~Eval('state').in_(
                        ['delivered', 'refused', 'withdrawn']),
                    'icon': 'tryton-archive',
                    'depends': ['state'],
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
        employee = Pool().get('res.user').get_employee()
        return employee.id if employee else None

    @classmethod
    def _default_windows(cls):
        employee = Pool().get('res.user').get_employee()
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

    @fields.depends('matter', 'applicant_kind', 'materials', 'department',
        methods=['_prefill_form_data'])
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
        self._prefill_form_data()

    @fields.depends('applicant', 'applicant_kind', 'phone', 'matter',
        methods=['_prefill_form_data'])
    def on_change_applicant(self):
        if not self.applicant:
            return
        if identifier_code(self.applicant, 'cn_vat'):
            self.applicant_kind = 'legal'
        elif identifier_code(self.applicant, 'cn_ric'):
            self.applicant_kind = 'natural'
        if not self.phone:
            self.phone = self.applicant.phone or self.applicant.mobile
        self._prefill_form_data()

    @fields.depends(methods=['_prefill_form_data'])
    def on_change_agent(self):
        self._prefill_form_data()

    @classmethod
    def _material_values(cls, matter):
        "Return the values of the case materials of the matter's checklist"
        pool = Pool()
        Material = pool.get('onewindow.case.material')
        return [Material.checklist_values(m) for m in matter.materials]

    @classmethod
    def _getter_columns(cls):
        return super()._getter_columns() | {
            'rec_name': {'number', 'applicant', 'matter'},
            }

    @classmethod
    def get_rec_name(cls, cases, name):
        pool = Pool()
        Party = pool.get('party.party')
        Matter = pool.get('onewindow.matter')
        names = {c.id: c.number for c in cases if c.number}
        drafts = [c.id for c in cases if not c.number]
        if drafts:
            # The applicants and matters of the cases without a number, read
            # once for all as the records would read them (without the
            # access checks): an instance of each would read every column of
            # its case again (their Many2One have a context), and of itself
            with without_check_access():
                rows = cls.read(drafts, ['applicant', 'matter'])
                parties = read_rec_names(Party,
                    {r['applicant'] for r in rows if r['applicant']})
                matters = read_rec_names(Matter,
                    {r['matter'] for r in rows if r['matter']})
            for row in rows:
                names[row['id']] = '%s: %s' % (
                    parties.get(row['applicant'], ''),
                    matters.get(row['matter'], ''))
        return names

    @classmethod
    def search_rec_name(cls, name, clause):
        pool = Pool()
        Party = pool.get('party.party')
        domain = rec_name_domain(clause, [
                'number', 'applicant.rec_name', 'applicant_identifier'])
        if domain[0] == 'OR':
            # The applicant's identifiers are searched by the branch of
            # applicant_identifier, which matches what the rec_name of the
            # party would (its prefix 'X%' of an operand '%X%' is within it):
            # a trigram index of codes of digits is read once, not twice
            domain[2] = ('applicant', 'in', Party.search(
                    Party.search_rec_name_domain(clause, identifiers=False),
                    order=[], query=True))
            # Each branch from its index: the number's, the applicant's
            domain = union_domain(cls, domain)
        return domain

    @property
    def calendar(self):
        return self.hall.calendar

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        Party = pool.get('party.party')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('matter'):
                matter = Matter(values['matter'])
                values['department'] = matter.department.id
                if 'materials' not in values:
                    values['materials'] = [
                        ('create', cls._material_values(matter))]
                applicant = values.get('applicant')
                agent = values.get('agent')
                values['form_data'] = cls._prefilled_form_data(matter,
                    Party(applicant) if applicant else None,
                    Party(agent) if agent else None,
                    values.get('form_data'))
        return super().create(vlist)

    @staticmethod
    def _prefilled_form_data(matter, applicant, agent, data):
        """Return the form data with the empty prefilled fields filled from
        the applicant and the agent"""
        data = dict(data or {})
        for field in matter.get_form_fields():
            if field.prefill and data.get(field.name) in [None, '']:
                value = field.prefill_value(applicant, agent)
                if value not in [None, '']:
                    data[field.name] = value
        return data or None

    @fields.depends('matter', 'applicant', 'agent', 'form_data')
    def _prefill_form_data(self):
        if self.matter:
            self.form_data = self._prefilled_form_data(
                self.matter, self.applicant, self.agent, self.form_data)

    @classmethod
    def check_open(cls, cases):
        """Raise if a case is archived, unless the administrator amends it
        with a reason"""
        if Transaction().context.get('_onewindow_case_amendment'):
            return
        for case in cls._archived(cases):
            raise CaseAccessError(gettext(
                    'onewindow_approval.msg_case_archived',
                    case=case.rec_name))

    @classmethod
    def validate_fields(cls, cases, field_names):
        super().validate_fields(cases, field_names)
        # The files and the form data that the checks need, in one query
        names = cls._checked_files(field_names)
        filenames = [cls._fields[n].filename for n in names]
        form = not field_names or bool(field_names & {'form_data', 'matter'})
        values = {}
        if cases and (names or form):
            with without_check_access():
                values = {r['id']: r for r in cls.read([c.id for c in cases],
                        names + filenames + (['form_data'] if form else []))}
        cls.check_files(cases, field_names, values)
        if form:
            cls.check_form_data(cases, field_names, values)
        cls.check_application_date(cases, field_names)
        cls.check_extension_days(cases, field_names)

    @classmethod
    def check_form_data(cls, cases, field_names=None, values=None):
        """Raise if a value of the application form does not fit its field

        values gives the form data of the cases by id (read otherwise)."""
        if field_names and not (field_names & {'form_data', 'matter'}):
            return
        for case in cases:
            if values and case.id in values:
                data = values[case.id]['form_data'] or {}
            else:
                data = case.form_data or {}
            for field in case.matter.get_form_fields():
                value = data.get(field.name)
                if not field.check_value(value):
                    raise CaseValidationError(gettext(
                            'onewindow_approval.msg_case_form_field_invalid',
                            case=case.rec_name, field=field.string,
                            value=value,
                            content=(field.content_string
                                or field.type_string)))

    @classmethod
    def check_application_date(cls, cases, field_names=None):
        """Raise if the application date of a case is after today or before
        its matter was first published"""
        pool = Pool()
        Date = pool.get('ir.date')
        Matter = pool.get('onewindow.matter')
        if field_names is not None and not (
                field_names & {'application_date', 'matter'}):
            return
        today = Date.today()
        for case in cases:
            date = case.application_date
            if not date:
                continue
            if date > today:
                raise CaseValidationError(gettext(
                        'onewindow_approval.msg_case_application_future',
                        case=case.rec_name, date=date, today=today))
            valid_from = case.matter.valid_from if case.matter else None
            if valid_from and date < valid_from:
                # A draft moves to the version published after it came
                # in: the matter must have existed on that day
                first = Matter.search([
                        ('code', '=', case.matter.code),
                        ('valid_from', '!=', None),
                        ], order=[('valid_from', 'ASC')], limit=1)
                if first:
                    valid_from = first[0].valid_from
            if valid_from and date < valid_from:
                raise CaseValidationError(gettext(
                        'onewindow_approval.msg_case_application_before',
                        case=case.rec_name, date=date,
                        matter=case.matter.rec_name, valid_from=valid_from))

    @classmethod
    def _checked_files(cls, field_names):
        "Return the names of the file fields that field_names change"
        return [name for name, field in cls._fields.items()
            if field._type == 'binary' and field.filename
            and {name, field.filename} & field_names]

    @classmethod
    def check_files(cls, cases, field_names, values=None):
        """Raise if a file of the cases is too large or of a type not allowed

        values gives the files of the cases by id (read otherwise)."""
        pool = Pool()
        Configuration = pool.get('onewindow.case.configuration')
        names = cls._checked_files(field_names)
        if not names or not cases:
            return
        config = Configuration(1)
        # One query for all the files, read only when they are there
        filenames = [cls._fields[n].filename for n in names]
        files = values
        if not files:
            with without_check_access():
                files = {r['id']: r for r in cls.read(
                        [c.id for c in cases], names + filenames)}
        for case in cases:
            values = files[case.id]
            for name, filename in zip(names, filenames):
                if values[name]:
                    config.check_file(values[name], values[filename],
                        lambda: case.rec_name,
                        lambda: cls.__names__(name)['field'])

    # The fields that the users of a department fill in during the review
    _department_fields = {
        'decision_comment', 'decision_number', 'decision_document',
        'decision_document_name', 'extension_days', 'extension_reason',
        'escalation_number', 'escalation_document',
        'escalation_document_name', 'higher_decision',
        'higher_decision_number', 'higher_decision_date',
        'higher_decision_document', 'higher_decision_document_name',
        'result_number', 'result_file', 'result_file_name', 'steps',
        'suspensions',
        }

    @classmethod
    def check_department_fields(cls, cases, values):
        """Raise if a department user who does not work at the center
        changes anything but the fields of the review"""
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        if (not transaction.user or not transaction.check_access
                or User.is_center_staff()):
            return
        other = values.keys() - cls._department_fields
        if other and cases:
            raise AccessError(gettext(
                    'onewindow_approval.msg_case_department_fields',
                    case=cases[0].rec_name, fields=', '.join(sorted(other))))

    @classmethod
    def _archived(cls, cases):
        """Return the archived cases among cases, with one query

        The cases found open stay so in the transaction until it writes a
        state: each write of an acceptance (its values, then its state)
        does not look them up again."""
        transaction = Transaction()
        table = cls.__table__()
        cursor = transaction.connection.cursor()
        open_ = _open_cases.setdefault(transaction, set())
        to_check = {c.id for c in cases} - open_
        ids = set()
        for sub_ids in grouped_slice(sorted(to_check)):
            cursor.execute(*table.select(table.id,
                    where=reduce_ids(table.id, sub_ids)
                    & (table.state == 'archived')))
            ids.update(i for i, in cursor)
        open_.update(to_check - ids)
        return [c for c in cases if c.id in ids]

    @classmethod
    def _found_open(cls, cases):
        """Record that cases, whose state was just read in the transaction,
        are not archived when their state says so (see _archived)"""
        _open_cases.setdefault(Transaction(), set()).update(
            c.id for c in cases if c.state != 'archived')

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        actions = iter(args)
        args = []
        amendments = {}
        for cases, values in zip(actions, actions):
            cls.check_department_fields(cases, values)
            archived = cls._archived(cases)
            if archived:
                if cls.is_amendment(values):
                    changed = sorted(values.keys() - {'amendment_reason'})
                    for case in archived:
                        amendments[case] = gettext(
                            'onewindow_approval.msg_case_amendment_log',
                            reason=values['amendment_reason'],
                            fields=', '.join(changed))
                else:
                    cls.check_open(archived)
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
        # The lines of an amended case may change with it
        with Transaction().set_context(
                _onewindow_case_amendment=bool(amendments)):
            if amendments:
                cls.log_event(list(amendments), 'amend', comments=amendments)
            try:
                super().write(*args)
            finally:
                if any('state' in v for v in args[1::2]):
                    _open_cases.pop(Transaction(), None)

    @classmethod
    def is_amendment(cls, values):
        """Return True if the values amend archived cases: the center
        administrator writes them with the reason of the amendment"""
        pool = Pool()
        User = pool.get('res.user')
        return bool(values.get('amendment_reason')
            and User.in_group('onewindow_hall', 'group_hall_admin'))

    @classmethod
    def client_readonly_allowed(cls, cases, values):
        """An amendment of archived cases by the center administrator, with
        its reason, may change their read-only fields: write logs it"""
        if not cls.is_amendment(values):
            return False
        ids = [c.id for c in cases if c.id is not None and c.id >= 0]
        return all(
            c['state'] == 'archived' for c in cls.read(ids, ['state']))

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
        for name in [
                'handover', 'steps', 'opinions', 'suspensions',
                'suspended_days', 'extension_days', 'extension_reason',
                'extended_days', 'extended_by', 'extension_date',
                'statutory_deadline', 'county_review_deadline',
                'escalated_to', 'escalation_number', 'escalation_document',
                'escalation_document_name', 'escalation_date',
                'escalated_by', 'higher_decision', 'higher_decision_number',
                'higher_decision_date', 'higher_decision_document',
                'higher_decision_document_name', 'decision',
                'decision_number', 'decision_document',
                'decision_document_name', 'result_number', 'result_file',
                'result_file_name', 'result_sent_by', 'result_sent_date',
                'result_scan', 'result_scan_name', 'verified_by',
                'verification_date', 'notifications', 'delivery_method',
                'collector', 'collection_authorization',
                'collection_authorization_name', 'carrier',
                'tracking_number', 'delivery_address', 'sent_date',
                'delivery_date', 'delivered_by', 'archived_by',
                'archive_date', 'amendment_reason']:
            default.setdefault(name, None)
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
        if not identifier_code(self.applicant, type_):
            problems.append(Problem('applicant_identifier', gettext(
                        'onewindow_approval.msg_problem_applicant_%s'
                        % type_, applicant=self.applicant.rec_name), True))
        if self.agent:
            if not identifier_code(self.agent, 'cn_ric'):
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
            if field.required and data.get(field.name) in (None, '', []):
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

    @staticmethod
    def same_day_deciders(matter, date):
        """Return the names of the employees authorized to decide the
        same-day matter on date"""
        pool = Pool()
        Authorization = pool.get('onewindow.authorization')
        with Transaction().set_context(_check_access=False):
            authorizations = Authorization.search([
                    ('department', '=', matter.department.id),
                    ('valid_from', '<=', date),
                    ])
            return sorted({a.employee.rec_name for a in authorizations
                    if a.covers(matter, 'same_day_approval', date)})

    def get_decision_refusal(self, employee, today):
        """Return the name of the message saying why the current user,
        whose employee is given, may not decide the case today, or None if
        he may

        A same-day case is decided on the day of its acceptance by an
        employee authorized for its matter, a case under review or
        escalated by an approver of its department; the root user decides
        any of them."""
        pool = Pool()
        Authorization = pool.get('onewindow.authorization')
        User = pool.get('res.user')
        if self.state == 'accepted':
            if self.matter.handling != 'same_day':
                return 'msg_case_decide_not_same_day'
            if self.acceptance_date != today:
                return 'msg_case_decide_other_day'
            if Transaction().user and (not employee
                    or not Authorization.is_authorized(
                        employee, self.matter, 'same_day_approval', today)):
                return 'msg_case_decide_unauthorized'
        elif self.state in {'review', 'escalated'}:
            if not User.is_department_approver(self.department):
                return 'msg_case_decide_not_department'

    @classmethod
    def check_decision(cls, cases, decision=None):
        """Check that the current user may decide the cases today

        decision is 'approved' or 'denied'."""
        pool = Pool()
        Date = pool.get('ir.date')
        User = pool.get('res.user')
        today = Date.today()
        employee = User.get_employee()
        for case in cases:
            refusal = case.get_decision_refusal(employee, today)
            if not refusal:
                continue
            deciders = []
            if refusal == 'msg_case_decide_unauthorized':
                deciders = cls.same_day_deciders(case.matter, today)
            raise DecisionError(gettext('onewindow_approval.' + refusal,
                    case=case.rec_name, matter=case.matter.rec_name,
                    date=(case.acceptance_date.isoformat()
                        if case.acceptance_date else '-'),
                    employee=employee.rec_name if employee else '-',
                    department=case.department.rec_name,
                    deciders='、'.join(deciders) or gettext(
                        'onewindow_approval.msg_case_decide_nobody')))
        errors = Problems(
            DecisionError, 'onewindow_approval.msg_case_decide_problems')
        for case in cases:
            if case.state in {'review', 'escalated'}:
                errors.add(case, case.get_decision_problems(decision))
        errors.check()

    def get_decision_problems(self, decision):
        """Return the translated reasons why the department may not take
        the decision ('approved' or 'denied') on the case now"""
        problems = []
        if self.state == 'review' and self.matter.handling == 'escalated':
            return [gettext('onewindow_approval.msg_problem_escalated',
                    authority=self.matter.higher_authority)]
        waiting = [s.name for s in self.steps
            if s.kind == 'review' and s.state != 'done']
        if waiting:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_steps',
                    steps=', '.join(waiting)))
        if self.state == 'escalated':
            if self.higher_decision != decision:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_higher_decision',
                        authority=self.escalated_to,
                        decision=dict(self.__class__.fields_get(
                                ['decision'])['decision']['selection'])[
                            decision]))
            if (not self.higher_decision_number
                    or not self.higher_decision_date):
                problems.append(gettext(
                        'onewindow_approval.msg_problem_higher_number',
                        authority=self.escalated_to))
        elif not self.decision_number:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_decision_number'))
        if decision == 'approved' and self.matter.handling == 'joint':
            pending = [o.department.rec_name for o in self.opinions
                if o.state == 'pending']
            if pending:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_opinions_pending',
                        departments=', '.join(pending)))
            disagreeing = [o.department.rec_name for o in self.opinions
                if o.state == 'given' and o.open_disagreement]
            if disagreeing:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_disagreement',
                        departments=', '.join(disagreeing)))
        return problems

    # Log

    @classmethod
    def lock_log(cls, cases):
        """Lock the cases until the end of the transaction, waiting for the
        transactions that hold them

        The log of a case is written under this lock, as a transition
        writes the state: the events of a case are logged in the order
        they are committed, and a step taken on a snapshot older than a
        change of the case fails to serialize and is retried by the
        dispatcher.  Model.lock would not wait, and would run the whole
        step a second time to take the lock first."""
        transaction = Transaction()
        if not transaction.database.has_select_for():
            return
        table = cls.__table__()
        cursor = transaction.connection.cursor()
        for sub_ids in grouped_slice(sorted({c.id for c in cases})):
            cursor.execute(*table.select(Literal(1),
                    where=reduce_ids(table.id, sub_ids), for_=For('UPDATE')))

    @classmethod
    def log_event(cls, cases, event, comment=None, state=None,
            comments=None):
        """Add an entry to the log of each case

        state is the state after the event (the current one by default);
        comments gives a comment per case."""
        pool = Pool()
        Log = pool.get('onewindow.case.log')
        cls.lock_log(cases)
        employee = Pool().get('res.user').get_employee()
        now = hall_now()
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
    @transition('supplement')
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
    @transition('draft')
    def resubmit(cls, cases):
        cls.log_event(cases, 'resubmit', state='draft')

    @classmethod
    @ModelView.button
    @transition('accepted')
    def accept(cls, cases):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.lock_calendars(cases)
        today = Date.today()
        errors = Problems(
            AcceptanceError, 'onewindow_approval.msg_case_accept_problems')
        for case in cases:
            errors.add(case, [p.text for p in case.get_problems(today)])
        errors.check()
        comments = {}
        # The clerk who accepts, saved with the acceptance (as set_employee
        # would, without a write of its own)
        employee = Pool().get('res.user').get_employee()
        for case in cases:
            if (employee and not case.accepted_by
                    and case.company == employee.company):
                case.accepted_by = employee
            case.acceptance_date = today
            case.promised_limit = case.matter.promised_limit or 0
            for name, value in case.deadline_values().items():
                setattr(case, name, value)
            comments[case] = case.deadline_explanation
        cls.set_number(cases)
        cls.save(cases)
        cls.log_event(cases, 'accept', state='accepted', comments=comments)

    @classmethod
    def set_number(cls, cases):
        """Give a number to the cases from the configured sequence; the
        caller saves them"""
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

    @classmethod
    @ModelView.button
    @transition('refused')
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
    @transition('approved')
    @set_employee('decided_by')
    def approve(cls, cases):
        cls._decide(cases, 'approved', 'approve')

    @classmethod
    @ModelView.button
    @transition('denied')
    @set_employee('decided_by')
    def deny(cls, cases):
        for case in cases:
            if not case.decision_comment:
                raise CaseValidationError(gettext(
                        'onewindow_approval.msg_case_deny_reason',
                        case=case.rec_name))
        cls._decide(cases, 'denied', 'deny')

    @classmethod
    def _decide(cls, cases, decision, event):
        "Check, record and log the decision of the cases"
        cls.check_decision(cases, decision)
        cls.record_decision(cases, decision)
        cls.log_event(cases, event, state=decision, comments={
                c: c._decision_log_text() for c in cases})

    @classmethod
    def record_decision(cls, cases, decision):
        """Record the decision taken today and close the steps it ends; an
        escalated case takes the number of the higher authority's
        decision"""
        pool = Pool()
        Date = pool.get('ir.date')
        Step = pool.get('onewindow.case.step')
        today = Date.today()
        for case in cases:
            case.decision = decision
            case.decision_date = today
            if case.state == 'escalated' and not case.decision_number:
                case.decision_number = case.higher_decision_number
        cls.save(cases)
        steps = [s for c in cases for s in c.steps]
        Step.close(steps, kinds={'review', 'opinion', 'decision', 'other'})
        Step.start(Step.next_steps(steps), today)

    def _decision_log_text(self):
        texts = []
        if self.state == 'escalated':
            texts.append(gettext(
                    'onewindow_approval.msg_case_higher_decision_log',
                    authority=self.escalated_to,
                    number=self.higher_decision_number,
                    date=self.higher_decision_date.isoformat()))
        elif self.decision_number:
            texts.append(gettext(
                    'onewindow_approval.msg_case_decision_number_log',
                    number=self.decision_number))
        if self.decision_comment:
            texts.append(self.decision_comment)
        return ' '.join(texts) or None

    @classmethod
    @ModelView.button
    @transition('withdrawn')
    def withdraw(cls, cases):
        pool = Pool()
        Date = pool.get('ir.date')
        Suspension = pool.get('onewindow.case.suspension')
        for case in cases:
            if not case.withdrawal_reason:
                raise CaseValidationError(gettext(
                        'onewindow_approval.msg_case_withdrawal_reason',
                        case=case.rec_name))
        Suspension.stop([s for c in cases for s in c.suspensions
                if s.state == 'running'], Date.today())
        cls.log_event(cases, 'withdraw', state='withdrawn', comments={
                c: c.withdrawal_reason for c in cases})

    # The back office

    @classmethod
    def check_department(cls, cases):
        """Raise unless the current user is an approver of the departments
        of the cases"""
        pool = Pool()
        User = pool.get('res.user')
        employee = User.get_employee()
        for case in cases:
            if not User.is_department_approver(case.department):
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_case_not_department',
                        case=case.rec_name,
                        department=case.department.rec_name,
                        employee=employee.rec_name if employee else '-'))

    # The one exit

    @classmethod
    @ModelView.button
    @transition('archived')
    @set_employee('archived_by')
    def archive(cls, cases):
        """Close the cases and their files: they no longer change, except by
        the center administrator with a reason"""
        pool = Pool()
        Date = pool.get('ir.date')
        for case in cases:
            if case.state == 'delivered' and not case.delivery_date:
                raise DeliveryError(gettext(
                        'onewindow_approval.msg_case_archive_not_delivered',
                        case=case.rec_name))
        cls.write(cases, {'archive_date': Date.today()})
        cls.log_event(cases, 'archive', state='archived')

    # Calendar

    # Supervision


class CaseSupplement(
        CaseLineMixin, sequence_ordered(), ModelSQL, ModelView):
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
            ('hand_over', "Handed Over"),
            ('receive', "Received by the Department"),
            ('step', "Step Done"),
            ('opinion', "Opinion Given"),
            ('resolve', "Disagreement Resolved"),
            ('suspend', "Clock Stopped"),
            ('resume', "Clock Resumed"),
            ('escalate', "Reported to the Higher Authority"),
            ('extend', "Time Limit Extended"),
            ('send_result', "Result Sent Back"),
            ('verify_result', "Result Verified"),
            ('deliver', "Delivered"),
            ('archive', "Archived"),
            ('amend', "Amended after Archiving"),
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
        "Return the states of the case with their translated labels"
        # Called to validate every log line: the labels come from the
        # translation cache, not from a fields_get of the case
        pool = Pool()
        Case = pool.get('onewindow.case')
        Translation = pool.get('ir.translation')
        language = Transaction().language
        return [(k, Translation.get_source(
                    'onewindow.case,state', 'selection', language, s) or s)
            for k, s in Case._fields['state'].selection]

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
