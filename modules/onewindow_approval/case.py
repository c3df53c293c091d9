# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import defaultdict, namedtuple

from sql import For, Literal, Null
from sql.aggregate import Count
from sql.conditionals import Case as SqlCase

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.model.fields import SQL_OPERATORS
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_hall.exceptions import CalendarError
from trytond.modules.onewindow_hall.ir import now as hall_now
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, RelatedReadMixin, real_date, transition)
from trytond.modules.onewindow_matters.matter import (
    CREDIBILITIES, JOINT_EXTENSION, JOINT_LIMIT, LICENCE_EXTENSION,
    LICENCE_LIMIT, MAX_COPIES, MAX_FEE, REQUIREMENTS)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    AcceptanceError, CaseAccessError, CaseValidationError, DecisionError,
    DeliveryError, FeeError, ResultError, ReviewError,
    SupplementError, SupplementWarning)
from .party import (
    PERSONAL_IDENTIFIERS, PersonalDataMixin, hide_personal_codes,
    identifier_departments, mask_identifier)
from .search import (
    create_trigram_extension, union_domain, update_trigram_indexes)

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

# The flags of a deadline (electronic supervision: a yellow card one working
# day before, a red card once it has passed)
FLAGS = [
    (None, ""),
    ('normal', "Normal"),
    ('warning', "Warning"),
    ('overdue', "Overdue"),
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


def warning_date(calendar, today):
    """Return the last deadline that gets a warning on today: the next
    working day of the calendar"""
    try:
        return calendar.add_working_days(today, 1)
    except CalendarError:
        return today + dt.timedelta(days=1)


def deadline_flag(deadline, today, warning):
    "Return the flag of the deadline on today"
    if not deadline:
        return None
    if deadline < today:
        return 'overdue'
    if deadline <= warning:
        return 'warning'
    return 'normal'


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
        ButtonStateMixin, PersonalDataMixin, RelatedReadMixin, Workflow,
        ModelSQL, ModelView):
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
    handover_overdue = fields.Function(fields.Boolean(
            "Hand-Over Overdue",
            help="Accepted and not handed over to the department within "
            "one working day."),
        'get_handover_overdue', searcher='search_handover_overdue')
    steps = fields.One2Many(
        'onewindow.case.step', 'case', "Steps",
        states={
            'readonly': Eval('state') != 'review',
            },
        help="The back-office steps of the matter, each with its time "
        "limit and who did it.")
    current_step = fields.Function(fields.Many2One(
            'onewindow.case.step', "Current Step"), 'get_current_step')
    opinions = fields.One2Many(
        'onewindow.case.opinion', 'case', "Opinions", readonly=True,
        states={
            'invisible': Eval('handling') != 'joint',
            },
        help="The opinions of the co-departments of a joint matter.")
    opinion_departments = fields.Function(fields.Many2Many(
            'onewindow.department', None, None, "Opinion Departments",
            states={
                'invisible': Eval('handling') != 'joint',
                },
            help="The co-departments asked for their opinion on the case."),
        'get_opinion_departments', searcher='search_opinion_departments')
    may_decide = fields.Function(fields.Boolean("May Decide",
            help="The current user may approve or deny the case now: an "
            "authorized team leader on the day of a same-day case, an "
            "approver of the department otherwise."),
        'get_may_decide')
    suspensions = fields.One2Many(
        'onewindow.case.suspension', 'case', "Clock Stops",
        states={
            'readonly': ~Eval('state').in_(['review', 'suspended']),
            },
        help="The special procedures and in-process supplements during "
        "which the clock stops: add one, then suspend the case.")
    suspended_days = fields.Integer("Days Suspended", readonly=True,
        help="The working days the clock stood still.")
    extension_days = fields.Integer("Extension",
        domain=['OR',
            ('extension_days', '=', None),
            ('extension_days', '>', 0),
            ],
        states={
            'readonly': Eval('state') != 'review',
            'invisible': ~Eval('state').in_(['review', 'suspended']),
            },
        help="The working days to extend the time limit by; the head of "
        "the department extends it (at most 10 working days, 15 for a "
        "joint matter).")
    extension_reason = fields.Text("Extension Reason", size=2000,
        states={
            'readonly': Eval('state') != 'review',
            },
        help="Printed on the extension notice (延长办理期限通知书).")
    extended_days = fields.Integer("Days Extended", readonly=True)
    extended_by = fields.Many2One(
        'company.employee', "Extended by", readonly=True)
    extension_date = fields.Date("Extension Date", readonly=True)
    statutory_deadline = fields.Date("Statutory Deadline", readonly=True,
        help="The time limit of the Administrative Licensing Law: 20 "
        "working days for a licence, 45 for a joint matter, plus the "
        "extension and the time the clock stood still.")
    deadline_flag = fields.Function(fields.Selection(FLAGS, "Deadline Flag",
            help="Warning when one working day or less is left, overdue "
            "once the deadline has passed; empty while the clock does not "
            "run."),
        'get_deadline_flag', searcher='search_deadline_flag')
    deadline_flag_string = deadline_flag.translated('deadline_flag')

    # Escalated matters
    county_review_deadline = fields.Date("County Review Deadline",
        readonly=True,
        states={
            'invisible': Eval('handling') != 'escalated',
            },
        help="The county reviews an escalated matter within 20 working days "
        "of the acceptance before it reports it to the higher authority.")
    escalated_to = fields.Char("Higher Authority", size=200, readonly=True,
        states={
            'invisible': Eval('handling') != 'escalated',
            })
    escalation_number = fields.Char("Report Number", size=100,
        states={
            'readonly': Eval('state') != 'review',
            'invisible': Eval('handling') != 'escalated',
            },
        help="The number of the document that reports the case to the "
        "higher authority.")
    escalation_document = fields.Binary("Report Document",
        filename='escalation_document_name',
        states={
            'readonly': Eval('state') != 'review',
            'invisible': Eval('handling') != 'escalated',
            })
    escalation_document_name = fields.Char("Report Document Name", size=255,
        states={
            'invisible': Eval('handling') != 'escalated',
            })
    escalation_date = fields.Date("Report Date", readonly=True,
        states={
            'invisible': Eval('handling') != 'escalated',
            })
    escalated_by = fields.Many2One(
        'company.employee', "Reported by", readonly=True,
        states={
            'invisible': Eval('handling') != 'escalated',
            })
    higher_decision = fields.Selection([
            (None, ""),
            ('approved', "Approved"),
            ('denied', "Denied"),
            ], "Higher Decision", sort=False,
        states={
            'readonly': Eval('state') != 'escalated',
            'invisible': Eval('handling') != 'escalated',
            },
        help="The decision of the higher authority.")
    higher_decision_number = fields.Char("Higher Decision Number", size=100,
        states={
            'readonly': Eval('state') != 'escalated',
            'invisible': Eval('handling') != 'escalated',
            })
    higher_decision_date = fields.Date("Higher Decision Date",
        domain=real_date('higher_decision_date'),
        states={
            'readonly': Eval('state') != 'escalated',
            'invisible': Eval('handling') != 'escalated',
            })
    higher_decision_document = fields.Binary("Higher Decision Document",
        filename='higher_decision_document_name',
        states={
            'readonly': Eval('state') != 'escalated',
            'invisible': Eval('handling') != 'escalated',
            })
    higher_decision_document_name = fields.Char(
        "Higher Decision Document Name", size=255,
        states={
            'invisible': Eval('handling') != 'escalated',
            })

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

    # The one exit
    result_number = fields.Char("Result Number", size=100,
        states={
            'readonly': ~Eval('state').in_(['approved']),
            },
        help="The number of the licence or certificate.")
    result_file = fields.Binary("Result", filename='result_file_name',
        states={
            'readonly': ~Eval('state').in_(['approved', 'denied']),
            },
        help="The electronic copy of the result that the department "
        "produced.")
    result_file_name = fields.Char("Result Name", size=255)
    result_sent_by = fields.Many2One(
        'company.employee', "Result Sent by", readonly=True)
    result_sent_date = fields.Date("Result Sent on", readonly=True,
        help="The day the department sent the result back to the center.")
    result_scan = fields.Binary("Scanned Result", filename='result_scan_name',
        states={
            'readonly': ~Eval('state').in_(['approved', 'denied']),
            },
        help="The center's scan of the paper result (扫描存档).")
    result_scan_name = fields.Char("Scanned Result Name", size=255)
    verified_by = fields.Many2One(
        'company.employee', "Verified by", readonly=True)
    verification_date = fields.Date("Verification Date", readonly=True)
    notifications = fields.One2Many(
        'onewindow.case.notification', 'case', "Notifications",
        readonly=True)
    delivery_method = fields.Selection([
            (None, ""),
            ('window', "Window Pickup"),
            ('courier', "Courier"),
            ('electronic', "Electronic"),
            ], "Delivery", sort=False,
        states={
            'readonly': Eval('state') != 'ready',
            },
        help="How the result reaches the applicant; only the methods of "
        "the matter.")
    delivery_method_string = delivery_method.translated('delivery_method')
    collector = fields.Many2One(
        'party.party', "Collector", ondelete='RESTRICT',
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        states={
            'readonly': Eval('state') != 'ready',
            'invisible': Eval('delivery_method') != 'window',
            },
        help="Who collects the result at the window: the applicant, or an "
        "agent with a written authorization; his resident ID is checked.")
    collector_identifier = fields.Function(
        fields.Char("Collector ID",
            states={
                'invisible': Eval('delivery_method') != 'window',
                }),
        'get_identifier')
    collection_authorization = fields.Binary("Authorization",
        filename='collection_authorization_name',
        states={
            'readonly': Eval('state') != 'ready',
            'invisible': Eval('delivery_method') != 'window',
            },
        help="The applicant's written authorization (委托书) for an agent "
        "who collects the result.")
    collection_authorization_name = fields.Char("Authorization Name", size=255)
    carrier = fields.Char("Carrier", size=100,
        states={
            'readonly': Eval('state') != 'ready',
            'invisible': Eval('delivery_method') != 'courier',
            })
    tracking_number = fields.Char("Tracking Number", size=64,
        states={
            'readonly': Eval('state') != 'ready',
            'invisible': Eval('delivery_method') != 'courier',
            })
    delivery_address = fields.Text("Delivery Address", size=500,
        states={
            'readonly': Eval('state') != 'ready',
            'invisible': Eval('delivery_method') != 'courier',
            })
    sent_date = fields.Date("Sent on",
        domain=real_date('sent_date'),
        states={
            'readonly': Eval('state') != 'ready',
            'invisible': Eval('delivery_method') != 'courier',
            },
        help="The day the result was handed to the carrier.")
    delivery_date = fields.Date("Delivered on",
        domain=real_date('delivery_date'),
        states={
            'readonly': (Eval('state') != 'delivered')
            | (Eval('delivery_method') != 'courier'),
            },
        help="The day the applicant received the result; for a courier, "
        "enter it when the carrier confirms the delivery.")
    delivered_by = fields.Many2One(
        'company.employee', "Delivered by", readonly=True)
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
    # The cases on which departments (by tuple of ids) gave an opinion
    _opinion_cases_cache = Cache(
        'onewindow.case.opinion_cases', context=False)

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
                # The search bar: a trigram index with pg_trgm
                Index(t, (t.number, Index.Similarity())),
                Index(t, (t.acceptance_date, Index.Range())),
                # A B-tree: a hash index keeps all the rows of a state in one
                # bucket, and each insert walks its chain
                Index(
                    t, (t.state, Index.Range()),
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
                'hand_over': {
                    'invisible': Eval('state') != 'accepted',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'suspend': {
                    'invisible': Eval('state') != 'review',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'suspended',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'escalate': {
                    'invisible': ((Eval('state') != 'review')
                        | (Eval('handling') != 'escalated')),
                    'readonly': ~Eval('escalation_number'),
                    'icon': 'tryton-launch',
                    'depends': ['state', 'handling', 'escalation_number'],
                    },
                'extend': {
                    'invisible': Eval('state') != 'review',
                    'readonly': ~Eval('extension_days'),
                    'icon': 'tryton-history',
                    'depends': ['state', 'extension_days'],
                    },
                'send_result': {
                    'invisible': (~Eval('state').in_(['approved', 'denied'])
                        | ~Eval('handover') | Bool(Eval('result_sent_date'))),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'handover', 'result_sent_date'],
                    },
                'verify_result': {
                    'invisible': ~Eval('state').in_(['approved', 'denied']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'deliver': {
                    'invisible': Eval('state') != 'ready',
                    'readonly': ~Eval('delivery_method'),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'delivery_method'],
                    },
                'archive': {
                    'invisible': ~Eval('state').in_(
                        ['delivered', 'refused', 'withdrawn']),
                    'icon': 'tryton-archive',
                    'depends': ['state'],
                    },
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
                # this one, and counted without reading the cases
                Index(
                    t, (t.department, Index.Equality()),
                    (t.deadline, Index.Range()), (t.id, Index.Range()),
                    include=[t.state, t.company],
                    where=t.state.in_(running)),
                Index(
                    t, (t.state, Index.Range()),
                    where=t.state.in_(['review', 'suspended', 'escalated',
                            'approved', 'denied', 'ready'])),
                })

    @classmethod
    def view_attributes(cls):
        # The lists show the cases near or past their deadline in colour
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('deadline_flag') == 'overdue',
                    'danger',
                    If(Eval('deadline_flag') == 'warning', 'warning', ''))),
            ]

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
        if _identifier(self.applicant, 'cn_vat'):
            self.applicant_kind = 'legal'
        elif _identifier(self.applicant, 'cn_ric'):
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
    def get_identifier(cls, cases, names):
        pool = Pool()
        Identifier = pool.get('party.identifier')
        result = {n: {} for n in names}
        departments = identifier_departments()
        # The identifiers of all the parties, in one query, as
        # party.identifiers gives them (the first of a type is the code)
        parties = {p.id for c in cases
            for p in [c.applicant, c.agent, c.collector] if p}
        first = {}
        for sub_ids in grouped_slice(sorted(parties)):
            for identifier in Identifier.search([
                        ('party', 'in', list(sub_ids)),
                        ], order=[('party', None)] + Identifier._order):
                first.setdefault(
                    (identifier.party.id, identifier.type), identifier.code)

        def code(case, party, type_):
            code = first.get((party.id, type_)) if party else None
            if (type_ in PERSONAL_IDENTIFIERS and departments is not None
                    and case.department.id not in departments):
                code = mask_identifier(code)
            return code
        for case in cases:
            if 'applicant_identifier' in names:
                result['applicant_identifier'][case.id] = code(
                    case, case.applicant,
                    IDENTIFIER_TYPES.get(case.applicant_kind))
            if 'agent_identifier' in names:
                result['agent_identifier'][case.id] = code(
                    case, case.agent, 'cn_ric')
            if 'collector_identifier' in names:
                result['collector_identifier'][case.id] = code(
                    case, case.collector, 'cn_ric')
        return result

    @classmethod
    def search_identifier(cls, name, clause):
        party = name[:-len('_identifier')]
        _, operator, value = clause
        domain = [(party + '.identifiers.code', operator, value)]
        departments = identifier_departments()
        if departments is not None:
            # Not an oracle for the numbers the user sees masked
            domain = ['OR',
                (party, 'where', hide_personal_codes(
                        [('identifiers.code', operator, value)])),
                [('department', 'in', departments)] + domain,
                ]
        return domain

    @classmethod
    def get_opinion_departments(cls, cases, name):
        pool = Pool()
        Opinion = pool.get('onewindow.case.opinion')
        opinion = Opinion.__table__()
        cursor = Transaction().connection.cursor()
        result = {c.id: [] for c in cases}
        for sub_ids in grouped_slice(list(result)):
            cursor.execute(*opinion.select(
                    opinion.case, opinion.department,
                    where=reduce_ids(opinion.case, sub_ids),
                    order_by=[opinion.case, opinion.id]))
            for case_id, department in cursor:
                result[case_id].append(department)
        return result

    @classmethod
    def search_opinion_departments(cls, name, clause):
        """Return the cases whose opinion the departments give as a list
        of ids: the record rules of the co-departments join this clause to
        the case's own department with OR, and only with a list of ids can
        PostgreSQL read both through their indexes (a sub-query makes it
        scan the cases)"""
        pool = Pool()
        Opinion = pool.get('onewindow.case.opinion')
        _, operator, value = clause[:3]
        if operator not in {'=', 'in'} or len(clause) > 3:
            return [('opinions.department',) + tuple(clause[1:])]
        if operator == '=' or not isinstance(value, (list, tuple)):
            value = [value]
        value = [v for v in value if v is not None]
        # The record rules of the co-departments ask for it in each call
        key = tuple(sorted(set(value)))
        case_ids = cls._opinion_cases_cache.get(key)
        if case_ids is None:
            opinion = Opinion.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*opinion.select(opinion.case,
                    where=opinion.department.in_(value or [-1]),
                    group_by=[opinion.case]))
            case_ids = [c for c, in cursor]
            cls._opinion_cases_cache.set(key, case_ids)
        return [('id', 'in', case_ids)]

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
        domain = [bool_op,
            ('number',) + tuple(clause[1:]),
            ('applicant.rec_name',) + tuple(clause[1:]),
            ('applicant_identifier',) + tuple(clause[1:]),
            ]
        if bool_op == 'OR':
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
        for field in matter.form_fields:
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
        cls.check_files(cases, field_names)
        cls.check_form_data(cases, field_names)
        cls.check_application_date(cases, field_names)
        cls.check_extension_days(cases, field_names)

    @classmethod
    def check_form_data(cls, cases, field_names=None):
        "Raise if a value of the application form does not fit its field"
        if field_names and not (field_names & {'form_data', 'matter'}):
            return
        for case in cases:
            data = case.form_data or {}
            for field in case.matter.form_fields:
                value = data.get(field.name)
                if not field.check_value(value):
                    raise CaseValidationError(gettext(
                            'onewindow_approval.msg_case_form_field_invalid',
                            case=case.rec_name, field=field.string,
                            value=value,
                            content=(field.content_string
                                or field.type_string)))

    @classmethod
    def check_extension_days(cls, cases, field_names=None):
        "Raise if the extension asked goes beyond the bound of the law"
        if field_names is not None and 'extension_days' not in field_names:
            return
        for case in cases:
            if not case.extension_days:
                continue
            total = (case.extended_days or 0) + case.extension_days
            if total > case.extension_limit:
                raise ReviewError(gettext(
                        'onewindow_approval.msg_case_extend_bound',
                        case=case.rec_name, days=case.extension_days,
                        extended=case.extended_days or 0,
                        limit=case.extension_limit,
                        handling=case.matter.handling_string))

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
    def check_files(cls, cases, field_names):
        "Raise if a file of the cases is too large or of a type not allowed"
        pool = Pool()
        Configuration = pool.get('onewindow.case.configuration')
        names = [name for name, field in cls._fields.items()
            if field._type == 'binary' and field.filename
            and {name, field.filename} & field_names]
        if not names or not cases:
            return
        config = Configuration(1)
        # One query for all the files, read only when they are there
        filenames = [cls._fields[n].filename for n in names]
        with without_check_access():
            files = {r['id']: r for r in cls.read(
                    [c.id for c in cases], names + filenames)}
        for case in cases:
            values = files[case.id]
            for name, filename in zip(names, filenames):
                if values[name]:
                    config.check_file(values[name], values[filename],
                        case.rec_name, cls.__names__(name)['field'])

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
        transaction = Transaction()
        if (not transaction.user or not transaction.check_access
                or any(Pool().get('res.user').in_group('onewindow_hall', g) for g in [
                        'group_clerk', 'group_team_leader',
                        'group_hall_admin'])):
            return
        other = values.keys() - cls._department_fields
        if other and cases:
            raise AccessError(gettext(
                    'onewindow_approval.msg_case_department_fields',
                    case=cases[0].rec_name, fields=', '.join(sorted(other))))

    @classmethod
    def _archived(cls, cases):
        "Return the archived cases among cases, with one query"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        ids = set()
        for sub_ids in grouped_slice([c.id for c in cases]):
            cursor.execute(*table.select(table.id,
                    where=reduce_ids(table.id, sub_ids)
                    & (table.state == 'archived')))
            ids.update(i for i, in cursor)
        return [c for c in cases if c.id in ids]

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
                if (values.get('amendment_reason')
                        and Pool().get('res.user').in_group('onewindow_hall', 'group_hall_admin')):
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
            super().write(*args)

    @classmethod
    def client_readonly_allowed(cls, cases, values):
        """An amendment of archived cases by the center administrator, with
        its reason, may change their read-only fields: write logs it"""
        if not (values.get('amendment_reason')
                and Pool().get('res.user').in_group('onewindow_hall', 'group_hall_admin')):
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

    def compute_deadline(self, date=None):
        """Return the deadline and its explanation: the promised time limit
        plus the extension and the working days the clock stood still"""
        date = date or self.acceptance_date
        limit = self.promised_limit
        if limit is None:
            limit = self.matter.promised_limit or 0
        extended = getattr(self, 'extended_days', None) or 0
        suspended = self.get_suspended_days()
        total = limit + extended + suspended
        calendar = self.calendar
        deadline = calendar.add_working_days(date, total)
        explanation = calendar.explain_add_working_days(date, total)
        if extended or suspended:
            return deadline, gettext(
                'onewindow_approval.msg_case_deadline_explanation_clock',
                limit=limit, extended=extended, suspended=suspended,
                explanation=explanation)
        return deadline, gettext(
            'onewindow_approval.msg_case_deadline_explanation',
            limit=limit, explanation=explanation)

    def get_suspended_days(self):
        "Return the working days the finished suspensions stopped the clock"
        suspensions = getattr(self, 'suspensions', None) or []
        return sum(
            self.calendar.working_days_between(s.start_date, s.end_date)
            for s in suspensions if s.state == 'done')

    @property
    def statutory_limit(self):
        """Return the time limit in working days that the law sets for the
        decision, or None: 45 for a joint matter, 20 for a licence (art. 42
        of the Administrative Licensing Law)"""
        matter = self.matter
        if matter.handling == 'joint':
            return JOINT_LIMIT
        elif matter.handling == 'escalated':
            return None
        elif matter.matter_type == 'licence':
            return matter.statutory_limit or LICENCE_LIMIT
        return matter.statutory_limit

    @property
    def extension_limit(self):
        """Return the working days the time limit may be extended by: 10,
        15 for a joint matter (arts. 42 and 45), less if the matter says
        so"""
        limit = (JOINT_EXTENSION if self.matter.handling == 'joint'
            else LICENCE_EXTENSION)
        if self.matter.extension_limit is not None:
            limit = min(limit, self.matter.extension_limit)
        return limit

    def deadline_values(self):
        "Return the values of the deadlines of the accepted case"
        deadline, explanation = self.compute_deadline()
        suspended = self.get_suspended_days()
        calendar, date = self.calendar, self.acceptance_date
        values = {
            'deadline': deadline,
            'deadline_explanation': explanation,
            'suspended_days': suspended,
            'statutory_deadline': None,
            'county_review_deadline': None,
            }
        # These deadlines may fall in a year not published yet: they are
        # computed again when the clock changes
        limit = self.statutory_limit
        try:
            if limit is not None:
                values['statutory_deadline'] = calendar.add_working_days(
                    date, limit + (self.extended_days or 0) + suspended)
            if self.matter.handling == 'escalated':
                # The county's own review: art. 43
                values['county_review_deadline'] = (
                    calendar.add_working_days(
                        date, LICENCE_LIMIT + suspended))
        except CalendarError:
            pass
        return values

    @classmethod
    def get_may_decide(cls, cases, name):
        pool = Pool()
        Authorization = pool.get('onewindow.authorization')
        Date = pool.get('ir.date')
        today = Date.today()
        employee = Pool().get('res.user').get_employee()
        result = {}
        for case in cases:
            if case.state == 'accepted':
                result[case.id] = bool(
                    case.matter.handling == 'same_day'
                    and case.acceptance_date == today
                    and (not Transaction().user
                        or (employee and Authorization.is_authorized(
                                employee, case.matter, 'same_day_approval',
                                today))))
            elif case.state in {'review', 'escalated'}:
                result[case.id] = Pool().get('res.user').is_department_approver(case.department)
            else:
                result[case.id] = False
        return result

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

    @classmethod
    def check_decision(cls, cases, decision=None):
        """Check that the current user may decide the cases today

        decision is 'approved' or 'denied'."""
        pool = Pool()
        Authorization = pool.get('onewindow.authorization')
        Date = pool.get('ir.date')
        today = Date.today()
        employee = Pool().get('res.user').get_employee()
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
                deciders = cls.same_day_deciders(case.matter, today)
                raise DecisionError(gettext(
                        'onewindow_approval.msg_case_decide_unauthorized',
                        case=case.rec_name, matter=case.matter.rec_name,
                        employee=employee.rec_name if employee else '-',
                        department=case.department.rec_name,
                        deciders='、'.join(deciders) or gettext(
                            'onewindow_approval.msg_case_decide_nobody')))
        errors = []
        for case in cases:
            if case.state not in {'review', 'escalated'}:
                continue
            if not Pool().get('res.user').is_department_approver(case.department):
                raise DecisionError(gettext(
                        'onewindow_approval.msg_case_decide_not_department',
                        case=case.rec_name,
                        department=case.department.rec_name,
                        employee=employee.rec_name if employee else '-'))
            problems = case.get_decision_problems(decision)
            if problems:
                errors.append(gettext(
                        'onewindow_approval.msg_case_decide_problems',
                        case=case.rec_name,
                        problems='\n'.join('- ' + p for p in problems)))
        if errors:
            raise DecisionError('\n\n'.join(errors))

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

    @classmethod
    def lock_calendars(cls, cases):
        """Lock the calendars of the cases in share mode while deadlines
        are computed with them

        The computations do not wait for each other.  A change of the
        working days locks and writes the calendars (Calendar.changed): a
        computation waits for it to commit, then is retried on the new
        days; the change waits for the computations under way."""
        pool = Pool()
        Calendar = pool.get('onewindow.calendar')
        transaction = Transaction()
        ids = sorted({c.calendar.id for c in cases})
        if not ids or not transaction.database.has_select_for():
            return
        table = Calendar.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.select(Literal(1),
                where=reduce_ids(table.id, ids), for_=For('SHARE')))

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
        cls.check_decision(cases, 'approved')
        cls.record_decision(cases, 'approved')
        cls.log_event(cases, 'approve', state='approved', comments={
                c: c._decision_log_text() for c in cases})

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
        cls.check_decision(cases, 'denied')
        cls.record_decision(cases, 'denied')
        cls.log_event(cases, 'deny', state='denied', comments={
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
        employee = Pool().get('res.user').get_employee()
        for case in cases:
            if not Pool().get('res.user').is_department_approver(case.department):
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_case_not_department',
                        case=case.rec_name,
                        department=case.department.rec_name,
                        employee=employee.rec_name if employee else '-'))

    @classmethod
    @ModelView.button_action('onewindow_approval.act_handover_form')
    def hand_over(cls, cases):
        """Hand the accepted cases over to their departments and open the
        slips to print

        The cases already on a draft slip are sent with it; the others go on
        a new slip for each department."""
        pool = Pool()
        Handover = pool.get('onewindow.handover')
        cases = [c for c in cases if c.state == 'accepted']
        handovers = Handover.create_for(cases)
        Handover.send(handovers)
        if handovers:
            return {'res_id': [h.id for h in handovers]}

    @classmethod
    @transition('review')
    def start_review(cls, cases):
        """Start the review of the cases handed over to their department:
        the first step of the matter runs, and each co-department of a
        joint matter gets an opinion to give"""
        pool = Pool()
        Date = pool.get('ir.date')
        Step = pool.get('onewindow.case.step')
        Opinion = pool.get('onewindow.case.opinion')
        today = Date.today()
        steps, first = [], []
        for case in cases:
            if case.steps:
                continue
            values = Step.matter_values(case.matter)
            new = [Step(case=case, **v) for v in values]
            steps.extend(new)
            first.extend(new[:1])
        Step.save(steps)
        Step.start(first, today)
        Opinion.create_for(cases)
        cls.log_event(cases, 'hand_over', state='review', comments={
                c: gettext('onewindow_approval.msg_case_hand_over_log',
                    handover=c.handover.rec_name if c.handover else '-',
                    department=c.department.rec_name)
                for c in cases})

    @classmethod
    @ModelView.button
    @transition('suspended')
    def suspend(cls, cases):
        """Stop the clock for the special procedure or the in-process
        supplement entered on the case"""
        pool = Pool()
        Date = pool.get('ir.date')
        Suspension = pool.get('onewindow.case.suspension')
        cls.check_department(cases)
        suspensions = []
        for case in cases:
            drafts = [s for s in case.suspensions if s.state == 'draft']
            if len(drafts) != 1:
                raise ReviewError(gettext(
                        'onewindow_approval.msg_case_suspend_draft',
                        case=case.rec_name))
            suspension, = drafts
            if not suspension.allowed():
                raise ReviewError(gettext(
                        'onewindow_approval.msg_case_suspend_not_allowed',
                        case=case.rec_name, kind=suspension.kind_string,
                        matter=case.matter.rec_name))
            suspensions.append(suspension)
        Suspension.start(suspensions, Date.today())
        cls.log_event(cases, 'suspend', state='suspended', comments={
                s.case: gettext('onewindow_approval.msg_case_suspend_log',
                    kind=s.kind_string, description=s.description,
                    days=s.expected_days if s.expected_days is not None
                    else '-')
                for s in suspensions})

    @classmethod
    @ModelView.button
    @transition('review')
    def resume(cls, cases):
        """Start the clock again: the deadlines move by the working days it
        stood still"""
        pool = Pool()
        Date = pool.get('ir.date')
        Step = pool.get('onewindow.case.step')
        Suspension = pool.get('onewindow.case.suspension')
        cls.check_department(cases)
        cls.lock_calendars(cases)
        today = Date.today()
        suspensions = [s for c in cases for s in c.suspensions
            if s.state == 'running']
        Suspension.stop(suspensions, today)
        args, comments = [], {}
        for suspension in suspensions:
            case = suspension.case
            values = case.deadline_values()
            comments[case] = gettext(
                'onewindow_approval.msg_case_resume_log',
                kind=suspension.kind_string,
                start=suspension.start_date.isoformat(),
                end=suspension.end_date.isoformat(),
                days=suspension.days, old=case.deadline.isoformat(),
                new=values['deadline'].isoformat(),
                explanation=values['deadline_explanation'])
            args.extend(([case], values))
            Step.postpone(case.steps, suspension.days)
        if args:
            cls.write(*args)
        cls.log_event(list(comments), 'resume', state='review',
            comments=comments)

    @classmethod
    @ModelView.button
    @transition('escalated')
    @set_employee('escalated_by')
    def escalate(cls, cases):
        """Report the cases to the higher authority that decides them, once
        the county's review is done"""
        pool = Pool()
        Date = pool.get('ir.date')
        Step = pool.get('onewindow.case.step')
        cls.check_department(cases)
        today = Date.today()
        errors, comments = [], {}
        for case in cases:
            problems = []
            if case.matter.handling != 'escalated':
                problems.append(gettext(
                        'onewindow_approval.msg_problem_not_escalated',
                        matter=case.matter.rec_name))
            waiting = [s.name for s in case.steps
                if s.kind == 'review' and s.state != 'done']
            if waiting:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_steps',
                        steps=', '.join(waiting)))
            if not case.escalation_number:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_escalation_number'))
            if problems:
                errors.append(gettext(
                        'onewindow_approval.msg_case_escalate_problems',
                        case=case.rec_name,
                        problems='\n'.join('- ' + p for p in problems)))
                continue
            case.escalated_to = case.matter.higher_authority
            case.escalation_date = today
            late = (case.county_review_deadline
                and case.county_review_deadline < today)
            comments[case] = gettext(
                'onewindow_approval.msg_case_escalate_log'
                + ('_late' if late else ''),
                authority=case.escalated_to, number=case.escalation_number,
                deadline=(case.county_review_deadline.isoformat()
                    if case.county_review_deadline else '-'),
                days=case.calendar.working_days_between(
                    case.county_review_deadline, today) if late else 0)
        if errors:
            raise ReviewError('\n\n'.join(errors))
        cls.save(cases)
        Step.close([s for c in cases for s in c.steps],
            kinds={'review', 'other'})
        cls.log_event(cases, 'escalate', state='escalated',
            comments=comments)

    @classmethod
    @ModelView.button
    def extend(cls, cases):
        """Extend the time limit of the cases, as the head of the department
        approves, within the bound of the law"""
        pool = Pool()
        Date = pool.get('ir.date')
        cls.lock_calendars(cases)
        today = Date.today()
        employee = Pool().get('res.user').get_employee()
        args, comments = [], {}
        for case in cases:
            if not Pool().get('res.user').is_department_head(case.department):
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_case_extend_not_head',
                        case=case.rec_name,
                        department=case.department.rec_name,
                        employee=employee.rec_name if employee else '-'))
            if case.state != 'review':
                raise ReviewError(gettext(
                        'onewindow_approval.msg_case_extend_state',
                        case=case.rec_name, state=case.state_string))
            if not case.extension_days or not case.extension_reason:
                raise ReviewError(gettext(
                        'onewindow_approval.msg_case_extend_missing',
                        case=case.rec_name))
            total = (case.extended_days or 0) + case.extension_days
            if total > case.extension_limit:
                raise ReviewError(gettext(
                        'onewindow_approval.msg_case_extend_bound',
                        case=case.rec_name, days=case.extension_days,
                        extended=case.extended_days or 0,
                        limit=case.extension_limit,
                        handling=case.matter.handling_string))
            old, days = case.deadline, case.extension_days
            case.extended_days = total
            values = case.deadline_values()
            values.update({
                    'extended_days': total,
                    'extension_days': None,
                    'extension_date': today,
                    'extended_by': employee.id if employee else None,
                    })
            args.extend(([case], values))
            comments[case] = gettext(
                'onewindow_approval.msg_case_extend_log',
                days=days, reason=case.extension_reason,
                old=old.isoformat(), new=values['deadline'].isoformat(),
                explanation=values['deadline_explanation'])
        if args:
            cls.write(*args)
        cls.log_event(list(comments), 'extend', comments=comments)

    # The one exit

    @classmethod
    @ModelView.button
    @set_employee('result_sent_by')
    def send_result(cls, cases):
        "Send the result back from the department to the center"
        pool = Pool()
        Date = pool.get('ir.date')
        Step = pool.get('onewindow.case.step')
        cls.check_department(cases)
        cases = [c for c in cases if c.state in {'approved', 'denied'}
            and not c.result_sent_date]
        errors = []
        for case in cases:
            problems = case.get_result_problems(sending=True)
            if problems:
                errors.append(gettext(
                        'onewindow_approval.msg_case_send_result_problems',
                        case=case.rec_name,
                        problems='\n'.join('- ' + p for p in problems)))
        if errors:
            raise ResultError('\n\n'.join(errors))
        cls.write(cases, {'result_sent_date': Date.today()})
        Step.close([s for c in cases for s in c.steps])
        cls.log_event(cases, 'send_result', comments={
                c: c.result_number for c in cases})

    def get_result_problems(self, sending=False):
        """Return the translated reasons why the result does not match the
        decision; sending is True when the department sends it back"""
        problems = []
        if not sending and self.handover and not self.result_sent_date:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_result_not_sent',
                    department=self.department.rec_name))
        if self.handover and not self.decision_document:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_decision_document'))
        if self.decision == 'approved':
            if self.matter.result_kind and not self.result_number:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_result_number',
                        result=self.matter.result_name
                        or self.matter.result_kind_string))
            if sending and self.matter.result_kind and not self.result_file:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_result_file'))
        elif self.result_number:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_result_denied',
                    number=self.result_number))
        if not sending and not self.result_scan:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_result_scan'))
        return problems

    @classmethod
    @ModelView.button
    @transition('ready')
    @set_employee('verified_by')
    def verify_result(cls, cases):
        """Check the result against the decision and its scanned copy; the
        applicant is told that it is ready"""
        pool = Pool()
        Date = pool.get('ir.date')
        Notification = pool.get('onewindow.case.notification')
        errors = []
        for case in cases:
            problems = case.get_result_problems()
            if problems:
                errors.append(gettext(
                        'onewindow_approval.msg_case_verify_problems',
                        case=case.rec_name,
                        problems='\n'.join('- ' + p for p in problems)))
        if errors:
            raise ResultError('\n\n'.join(errors))
        cls.write(cases, {'verification_date': Date.today()})
        notifications = Notification.notify(cases)
        comments = defaultdict(list)
        for notification in notifications:
            comments[notification.case].append(gettext(
                    'onewindow_approval.msg_case_notify_log',
                    channel=notification.channel,
                    recipient=notification.recipient))
        cls.log_event(cases, 'verify_result', state='ready', comments={
                c: '\n'.join(comments.get(c, [])) or None for c in cases})

    def get_delivery_problems(self):
        "Return the translated reasons why the result may not be delivered"
        problems = []
        unpaid = [f for f in self.fees if not f.paid]
        if unpaid:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_fee_unpaid',
                    fees=', '.join('%s %s' % (f.description, f.amount)
                        for f in unpaid)))
        methods = self.matter.delivery_methods or []
        if self.delivery_method not in methods:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_delivery_method',
                    method=self.delivery_method_string,
                    methods=', '.join(self.matter.delivery_methods_string)
                    or '-'))
        if self.delivery_method == 'window':
            if not self.collector:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_collector'))
            else:
                if not _identifier(self.collector, 'cn_ric'):
                    problems.append(gettext(
                            'onewindow_approval.msg_problem_collector_id',
                            collector=self.collector.rec_name))
                if ((self.collector != self.applicant
                            or self.applicant_kind != 'natural')
                        and not self.collection_authorization):
                    problems.append(gettext(
                            'onewindow_approval.'
                            'msg_problem_collector_authorization',
                            collector=self.collector.rec_name,
                            applicant=self.applicant.rec_name))
        elif self.delivery_method == 'courier':
            if (not self.carrier or not self.tracking_number
                    or not self.delivery_address):
                problems.append(gettext(
                        'onewindow_approval.msg_problem_courier'))
        return problems

    @classmethod
    @ModelView.button
    @transition('delivered')
    @set_employee('delivered_by')
    def deliver(cls, cases):
        """Deliver the result at the window to the applicant or his
        authorized agent, by courier or electronically, once every fee is
        paid"""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        errors, comments = [], {}
        for case in cases:
            problems = case.get_delivery_problems()
            if problems:
                errors.append(gettext(
                        'onewindow_approval.msg_case_deliver_problems',
                        case=case.rec_name,
                        problems='\n'.join('- ' + p for p in problems)))
                continue
            if case.delivery_method == 'courier':
                case.sent_date = case.sent_date or today
                comments[case] = gettext(
                    'onewindow_approval.msg_case_deliver_courier_log',
                    carrier=case.carrier, number=case.tracking_number,
                    date=case.sent_date.isoformat())
            else:
                case.delivery_date = today
                if case.delivery_method == 'window':
                    comments[case] = gettext(
                        'onewindow_approval.msg_case_deliver_window_log',
                        collector=case.collector.rec_name,
                        identifier=mask_identifier(
                            _identifier(case.collector, 'cn_ric')))
                else:
                    comments[case] = case.delivery_method_string
        if errors:
            raise DeliveryError('\n\n'.join(errors))
        cls.save(cases)
        cls.log_event(cases, 'deliver', state='delivered', comments=comments)

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
                ['OR',
                    ('deadline', '>=', first),
                    ('statutory_deadline', '>=', first),
                    ('county_review_deadline', '>=', first),
                    ],
                ], order=[('id', 'ASC')])
        names = ['deadline', 'deadline_explanation', 'statutory_deadline',
            'county_review_deadline']
        to_write, comments = defaultdict(list), {}
        for case in cases:
            end = max(filter(None, [case.deadline, case.statutory_deadline,
                        case.county_review_deadline]))
            if not any(case.acceptance_date < d <= end for d in dates):
                continue
            values = case.deadline_values()
            key = tuple(values[n] for n in names)
            if key == tuple(getattr(case, n) for n in names):
                continue
            to_write[key].append(case)
            comments[case] = gettext(
                'onewindow_approval.msg_case_deadline_moved',
                old=case.deadline.isoformat(),
                new=values['deadline'].isoformat(),
                dates=', '.join(d.isoformat() for d in dates
                    if case.acceptance_date < d <= end),
                explanation=values['deadline_explanation'])
        if not to_write:
            return
        cls.log_event(list(comments), 'deadline', comments=comments)
        args = []
        for key, records in to_write.items():
            args.extend((records, dict(zip(names, key))))
        # The deadlines are set by the system, not by the user who changed
        # the calendar
        with without_check_access():
            cls.write(*args)

    # Supervision

    @classmethod
    def get_current_step(cls, cases, name):
        result = {}
        for case in cases:
            running = [s for s in case.steps if s.state == 'running']
            result[case.id] = running[0].id if running else None
        return result

    @classmethod
    def _last_working_days(cls, today):
        """Return the hall ids and, for each, the last working day before
        today"""
        pool = Pool()
        Hall = pool.get('onewindow.hall')
        result = {}
        with without_check_access():
            halls = Hall.search([])
        for hall in halls:
            day = today - dt.timedelta(days=1)
            try:
                while not hall.calendar.is_working_day(day):
                    day -= dt.timedelta(days=1)
            except CalendarError:
                day = today - dt.timedelta(days=1)
            result[hall.id] = day
        return result

    @classmethod
    def _handover_overdue_where(cls, table):
        """Return the SQL condition of the accepted cases not handed over
        within one working day: accepted before the last working day before
        today"""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        condition = Literal(False)
        for hall, day in cls._last_working_days(today).items():
            condition |= ((table.hall == hall)
                & (table.acceptance_date < day))
        return (table.state == 'accepted') & condition

    @classmethod
    def get_handover_overdue(cls, cases, name):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {c.id: False for c in cases}
        where = cls._handover_overdue_where(table)
        for sub_ids in grouped_slice([c.id for c in cases]):
            cursor.execute(*table.select(table.id,
                    where=reduce_ids(table.id, sub_ids) & where))
            for id_, in cursor:
                result[id_] = True
        return result

    @classmethod
    def search_handover_overdue(cls, name, clause):
        _, operator, value = clause
        table = cls.__table__()
        query = table.select(table.id,
            where=cls._handover_overdue_where(table))
        if (operator == '=') == bool(value):
            return [('id', 'in', query)]
        return [('id', 'not in', query)]

    @classmethod
    def _warning_dates(cls):
        """Return today and the last deadline that gets a warning today in
        each hall (by id), computed once per call"""
        pool = Pool()
        Date = pool.get('ir.date')
        Hall = pool.get('onewindow.hall')
        today = Date.today()
        with without_check_access():
            halls = Hall.search([])
        return today, {h.id: warning_date(h.calendar, today) for h in halls}

    @classmethod
    def _deadline_flag_column(cls, table):
        """Return the SQL expression of the deadline flag: the next working
        day of each hall's calendar is computed once"""
        today, warnings = cls._warning_dates()
        if warnings:
            warning = SqlCase(
                *((table.hall == h, d) for h, d in warnings.items()),
                else_=today + dt.timedelta(days=1))
        else:
            warning = today + dt.timedelta(days=1)
        return SqlCase(
            (~table.state.in_(cls._deadline_states) | (table.deadline == Null),
                Null),
            (table.deadline < today, 'overdue'),
            (table.deadline <= warning, 'warning'),
            else_='normal')

    @classmethod
    def get_deadline_flag(cls, cases, name):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {c.id: None for c in cases}
        column = cls._deadline_flag_column(table)
        for sub_ids in grouped_slice([c.id for c in cases]):
            cursor.execute(*table.select(table.id, column,
                    where=reduce_ids(table.id, sub_ids)))
            result.update(cursor)
        return result

    @classmethod
    def search_deadline_flag(cls, name, clause):
        _, operator, value = clause
        flags = {f for f, _ in FLAGS}
        if (operator in {'=', '!='}
                and not isinstance(value, (list, tuple)) and value in flags):
            selected = {value}
        elif operator in {'in', 'not in'} and isinstance(value, (list, tuple)):
            selected = flags & set(value)
        else:
            selected = None
        if selected is not None:
            if operator in {'!=', 'not in'}:
                selected = flags - selected
            return cls._deadline_flag_domain(selected)
        table = cls.__table__()
        column = cls._deadline_flag_column(table)
        if value is None and operator in {'=', '!='}:
            where = column == Null if operator == '=' else column != Null
        else:
            where = SQL_OPERATORS[operator](column, value)
        return [('id', 'in', table.select(table.id, where=where))]

    @classmethod
    def _deadline_flag_domain(cls, flags):
        """Return the domain of the cases with one of the deadline flags,
        on the stored state, hall and deadline, so that the lists read it
        through their indexes"""
        today, warnings = cls._warning_dates()
        default = today + dt.timedelta(days=1)
        domain = ['OR']
        if None in flags:
            domain.append(('state', 'not in', cls._deadline_states))
            domain.append(('deadline', '=', None))
        order = ['overdue', 'warning', 'normal']
        # The selected flags in runs of consecutive ones: each run is one
        # range of deadlines
        runs = []
        for i, flag in enumerate(order):
            if flag in flags:
                if runs and runs[-1][-1] == order[i - 1]:
                    runs[-1].append(flag)
                else:
                    runs.append([flag])

        def bounds(first, last, warning, lower_warning=None):
            lower_warning = lower_warning or warning
            clause = []
            if first == 'warning':
                clause.append(('deadline', '>=', today))
            elif first == 'normal':
                clause.append(('deadline', '>', lower_warning))
            if last == 'overdue':
                clause.append(('deadline', '<', today))
            elif last == 'warning':
                clause.append(('deadline', '<=', warning))
            return clause
        dates = {default, *warnings.values()}
        for run in runs:
            first, last = run[0], run[-1]
            clause = [
                ('state', 'in', cls._deadline_states),
                ('deadline', '!=', None),
                ]
            # The widest range first, for the index
            clause += bounds(first, last, max(dates), min(dates))
            if len(dates) > 1 and (first == 'normal' or last == 'warning'):
                by_hall = ['OR', [('hall', 'not in', list(warnings))]
                    + bounds(first, last, default)]
                for hall, warning in warnings.items():
                    by_hall.append(
                        [('hall', '=', hall)] + bounds(first, last, warning))
                clause.append(by_hall)
            domain.append(clause)
        if len(domain) == 1:
            return [('id', '=', None)]
        return domain

    @classmethod
    def order_deadline_flag(cls, tables):
        "Order by severity: overdue, warning, normal, not running"
        table, _ = tables[None]
        column = cls._deadline_flag_column(table)
        return [SqlCase(
                (column == 'overdue', 3),
                (column == 'warning', 2),
                (column == 'normal', 1),
                else_=0)]


class CaseMaterial(CaseLineMixin, sequence_ordered(), ModelSQL, ModelView):
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
    requirement = fields.Selection(
        REQUIREMENTS, "Requirement", required=True, readonly=True,
        sort=False)
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
        domain=[('paper_received', '>=', 0),
            ('paper_received', '<=', MAX_COPIES)])
    electronic_expected = fields.Integer(
        "Electronic Copies Expected", readonly=True)
    electronic_received = fields.Integer("Electronic Copies Received",
        required=True, states=_received_states,
        domain=[('electronic_received', '>=', 0),
            ('electronic_received', '<=', MAX_COPIES)])
    credibility = fields.Selection(
        [(None, "")] + CREDIBILITIES, "Credibility", sort=False,
        states=_received_states,
        help="The credibility level of the material (国办函〔2016〕108号).")
    original_checked_by = fields.Many2One(
        'company.employee', "Original Checked by", readonly=True)
    original_checked_date = fields.DateTime(
        "Original Checked at", readonly=True)
    original_check_note = fields.Function(
        fields.Char("Original Check"), 'get_original_check_note')
    defects = fields.Text("Defects", size=2000, states=_received_states,
        help="What is wrong with the material; it goes on the one-time "
        "notice and blocks acceptance until cleared.")
    deferred = fields.Boolean("容缺",
        states={
            'readonly': ((Eval('case_state') != 'draft')
                | ~Eval('deferrable')),
            },
        help="Accept without this material against the applicant's "
        "written pledge to bring it by the due date.")
    pledge = fields.Text("Pledge", size=2000,
        states={
            'readonly': Eval('case_state') != 'draft',
            'invisible': ~Eval('deferred'),
            'required': Bool(Eval('deferred')),
            },
        help="The applicant's written commitment.")
    deferred_until = fields.Date("Due Date",
        domain=real_date('deferred_until'),
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
    def client_create_recomputed(cls, values):
        # The case's form fills its lines from the checklist of the matter,
        # which create reads again
        if values.get('matter_material'):
            return cls._checklist_fields
        return set()

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
        # The checklist lines are read together, not one query each
        checklists = {m.id: cls.checklist_values(m)
            for m in MatterMaterial.browse(list({
                        v['matter_material'] for v in vlist
                        if v.get('matter_material')}))}
        for values in vlist:
            if values.get('matter_material'):
                checklist = checklists[values['matter_material']]
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
        employee = Pool().get('res.user').get_employee()
        now = hall_now()
        materials = [m for m in materials if not m.original_checked_by]
        if not materials:
            return
        for material in materials:
            if not material.received:
                raise CaseValidationError(gettext(
                        'onewindow_approval.msg_material_check_nothing',
                        material=material.rec_name,
                        case=material.case.rec_name))
        values = {
            'original_checked_by': employee.id if employee else None,
            'original_checked_date': now,
            }
        # The check raises a copy of unknown or low credibility to B
        raised = [m for m in materials if m.credibility in {None, 'C'}]
        kept = [m for m in materials if m.credibility not in {None, 'C'}]
        args = []
        if raised:
            args.extend((raised, dict(values, credibility='B')))
        if kept:
            args.extend((kept, values))
        cls.write(*args)
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
