# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re
from weakref import WeakKeyDictionary

from sql.aggregate import Max

from trytond.i18n import gettext
from trytond.model import (
    DictSchemaMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields,
    sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, real_date, rec_name_domain, transition)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.rpc import RPC
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import (
    FormFieldValidationError, MaterialValidationError, MatterPublishError,
    MatterTimeLimitError, MatterTimeLimitWarning, MatterValidationError,
    MatterVersionError)

# Administrative Licensing Law, arts. 42 and 43: bounds in working days
LICENCE_LIMIT = 20
LICENCE_EXTENSION = 10
JOINT_LIMIT = 45
JOINT_EXTENSION = 15
# Bounds of what a person could enter: a year of working days, the copies
# of one material, one fee in yuan
MAX_DAYS = 250
MAX_COPIES = 1000
MAX_FEE = 100000000

CODE_PATTERN = re.compile(r'^[0-9A-Z][0-9A-Z-]{3,39}$')
KEY_PATTERN = re.compile(r'^[a-z][a-z0-9_]*$')

# The national classification of government service matters
MATTER_TYPES = [
    ('licence', "Administrative Licence"),
    ('payment', "Administrative Payment"),
    ('confirmation', "Administrative Confirmation"),
    ('adjudication', "Administrative Adjudication"),
    ('reward', "Administrative Reward"),
    ('levy', "Administrative Levy"),
    ('other', "Other Administrative Power"),
    ('public_service', "Public Service"),
    ]
# The two letters of the catalogue code for each type
MATTER_TYPE_PREFIXES = {
    'licence': 'XK',
    'payment': 'JF',
    'confirmation': 'QR',
    'adjudication': 'CJ',
    'reward': 'JL',
    'levy': 'ZS',
    'other': 'QT',
    'public_service': 'GG',
    }
APPLICANT_KINDS = [
    ('natural', "Natural Persons"),
    ('legal', "Legal Persons"),
    ('both', "Natural and Legal Persons"),
    ]
HANDLINGS = [
    ('same_day', "Same-Day"),
    ('promised', "Promised"),
    ('escalated', "Escalated"),
    ('joint', "Joint"),
    ]
ACCEPTANCES = [
    ('comprehensive', "Comprehensive Window"),
    ('dedicated', "Department's Own Window"),
    ]
SPECIAL_PROCEDURES = [
    ('site_survey', "Site Survey"),
    ('technical_review', "Technical Review"),
    ('expert_review', "Expert Review"),
    ('hearing', "Hearing"),
    ('public_notice', "Public Notice"),
    ]
RESULT_KINDS = [
    (None, ""),
    ('licence', "Licence"),
    ('certificate', "Certificate"),
    ('approval', "Approval Document"),
    ('filing', "Filing"),
    ('other', "Other"),
    ]
DELIVERY_METHODS = [
    ('window', "Window Pickup"),
    ('courier', "Courier"),
    ('electronic', "Electronic"),
    ]
STATES = [
    ('draft', "Draft"),
    ('published', "Published"),
    ('suspended', "Suspended"),
    ('cancelled', "Cancelled"),
    ('superseded', "Superseded"),
    ]
REQUIREMENTS = [
    ('required', "Required"),
    ('optional', "Optional"),
    ('conditional', "Conditional"),
    ]
CREDIBILITIES = [
    ('A', "A: Issued by an Agency with E-Seal"),
    ('B', "B: Copy Checked against the Original"),
    ('C', "C: Uploaded by the Applicant"),
    ('D', "D: Applicant's Own with Pledge"),
    ]
# What the value of a form field is, checked as the party module checks
# identifiers
FORM_CONTENTS = [
    (None, ""),
    ('resident_id', "Resident ID Number"),
    ('credit_code', "Unified Social Credit Code"),
    ('party_code', "Resident ID Number or Credit Code"),
    ('mobile', "Mobile Phone"),
    ('phone', "Mobile or Fixed Phone"),
    ('amount', "Amount"),
    ('address', "Address"),
    ]
# Where the value of a form field comes from at registration
FORM_PREFILLS = [
    (None, ""),
    ('applicant_name', "Applicant's Name"),
    ('applicant_code', "Applicant's ID Number or Credit Code"),
    ('applicant_phone', "Applicant's Phone"),
    ('applicant_address', "Applicant's Address"),
    ('agent_name', "Agent's Name"),
    ('agent_code', "Agent's ID Number"),
    ('agent_phone', "Agent's Phone"),
    ('agent_address', "Agent's Address"),
    ]
MOBILE_PATTERN = re.compile(r'^1[3-9][0-9]{9}$')
FIXED_PATTERN = re.compile(
    r'^0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(-[0-9]{1,6})?$')
ADJUSTMENT_KINDS = [
    ('cancel', "Cancellation"),
    ('devolve', "Devolution to a Lower Level"),
    ('adjust', "Adjustment"),
    ]

_DRAFT = {'readonly': Eval('state') != 'draft'}


class Matter(
        ButtonStateMixin, Workflow, ModelSQL,
        ModelView):
    """Matter

    One version of an administrative licence or public service of the
    county's catalogue.  All the versions of a matter share its code; a
    published version is never edited in place: a change is a new version,
    and cases keep the version they were accepted under."""
    __name__ = 'onewindow.matter'
    _log = True

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_DRAFT,
        help="The administrative service center whose catalogue lists the "
        "matter.")
    code = fields.Char("Code", required=True, states=_DRAFT,
        help="The basic code of the item in the catalogue, shared by all "
        "its versions: two characters for the type "
        "(XK licence, JF payment, QR confirmation, CJ adjudication, "
        "JL reward, ZS levy, QT other power, GG public service), "
        "five digits for "
        "the main item and three for the sub-item, e.g. XK00101000.\n"
        "Upper-case letters, digits and hyphens only.")
    version = fields.Integer("Version", required=True, readonly=True,
        help="Increases by one with each new version of the matter.")
    name = fields.Char("Name", required=True, states=_DRAFT)
    short_name = fields.Char("Short Name", states=_DRAFT,
        help="Shown on screens and receipts where the full name is too "
        "long.")
    matter_type = fields.Selection(MATTER_TYPES, "Type", required=True,
        sort=False, states=_DRAFT,
        help="The type of the matter in the national classification of "
        "government service matters.\n"
        "Only an administrative licence follows the Administrative "
        "Licensing Law; the documents of the case word themselves by "
        "type.")
    matter_type_string = matter_type.translated('matter_type')
    applicant_kind = fields.Selection(APPLICANT_KINDS, "Applicants",
        required=True, sort=False, states=_DRAFT,
        help="Who may apply: natural persons (resident ID), legal persons "
        "(unified social credit code) or both.")
    applicant_kind_string = applicant_kind.translated('applicant_kind')
    handling = fields.Selection(HANDLINGS, "Handling", required=True,
        sort=False, states=_DRAFT,
        help="Same-day: decided on the spot by the window team leader.\n"
        "Promised: decided within the promised time limit.\n"
        "Escalated: the county reviews, a higher authority decides.\n"
        "Joint: a lead department and co-departments each give an "
        "opinion.")
    handling_string = handling.translated('handling')
    higher_authority = fields.Char("Higher Authority",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('handling') != 'escalated',
            'required': Eval('handling') == 'escalated',
            },
        help="The authority that decides an escalated matter, "
        "e.g. 韶关市人力资源和社会保障局.")
    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='RESTRICT', states=_DRAFT,
        help="The department that owns the matter and decides it "
        "(the lead department of a joint matter).")
    co_departments = fields.Many2Many(
        'onewindow.matter-onewindow.department', 'matter', 'department',
        "Co-Departments",
        domain=[('id', '!=', Eval('department', -1))],
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('handling') != 'joint',
            },
        help="The departments that give an opinion on a joint matter.")
    acceptance = fields.Selection(ACCEPTANCES, "Accepted at", required=True,
        sort=False, states=_DRAFT,
        help="Comprehensive window: accepted by the center's clerks under "
        "the department's delegation.\n"
        "Department's own window: accepted at the window or zone that "
        "serves the department.")
    acceptance_string = acceptance.translated('acceptance')
    statutory_limit = fields.Integer("Statutory Time Limit", states=_DRAFT,
        domain=['OR',
            ('statutory_limit', '=', None),
            [('statutory_limit', '>=', 0),
                ('statutory_limit', '<=', MAX_DAYS)],
            ],
        help="In working days, as the law sets it.\n"
        "Leave empty when no law sets one.")
    promised_limit = fields.Integer("Promised Time Limit", required=True,
        states=_DRAFT,
        domain=[('promised_limit', '>=', 0),
            ('promised_limit', '<=', MAX_DAYS)],
        help="In working days, no longer than the statutory time limit; "
        "0 for a same-day matter.\n"
        "The deadline of a case counts from the day after its "
        "acceptance.")
    extension_limit = fields.Integer("Extension", states=_DRAFT,
        domain=['OR',
            ('extension_limit', '=', None),
            [('extension_limit', '>=', 0),
                ('extension_limit', '<=', JOINT_EXTENSION)],
            ],
        help="In working days: how much the head of the department may "
        "extend the time limit, with a written notice to the applicant.")
    steps = fields.One2Many('onewindow.matter.step', 'matter', "Steps",
        states=_DRAFT,
        help="The back-office steps and their time limits; together they "
        "take no longer than the promised time limit.")
    steps_limit = fields.Function(
        fields.Integer("Steps Time Limit",
            help="The sum of the time limits of the steps."),
        'get_steps_limit')
    special_procedures = fields.MultiSelection(
        SPECIAL_PROCEDURES, "Special Procedures", sort=False, states=_DRAFT,
        help="The procedures the matter may need; while one runs, the clock "
        "of the case stops and the applicant gets a written notice.")
    fee_amount = fields.Numeric("Fee", digits=(16, 2), states=_DRAFT,
        domain=['OR',
            ('fee_amount', '=', None),
            [('fee_amount', '>=', 0), ('fee_amount', '<=', MAX_FEE)],
            ],
        help="In yuan. Leave empty when the fee depends on the case.")
    fee_basis = fields.Text("Fee Basis", states=_DRAFT,
        help="The legal basis of the fee (the pricing document and its "
        "number).\n"
        "A matter without a fee basis never charges.")
    has_fee = fields.Function(
        fields.Boolean("Charges a Fee",
            help="Only a matter with a fee basis may charge."),
        'get_has_fee', searcher='search_has_fee')
    result_kind = fields.Selection(RESULT_KINDS, "Result", sort=False,
        states=_DRAFT)
    result_kind_string = result_kind.translated('result_kind')
    result_name = fields.Char("Result Document", states=_DRAFT,
        help="The licence, certificate or document the applicant receives.")
    result_validity = fields.Char("Validity of the Result", states=_DRAFT,
        help="e.g. 5 years; leave empty when it does not expire.")
    delivery_methods = fields.MultiSelection(
        DELIVERY_METHODS, "Delivery", sort=False, states=_DRAFT,
        help="How the result may reach the applicant.")
    conditions = fields.Text("Conditions", states=_DRAFT,
        help="Who may apply and under which conditions (service guide).")
    legal_basis = fields.Text("Legal Basis", states=_DRAFT,
        help="The laws and regulations that set and implement the matter, "
        "with their articles, one a line, "
        "e.g. 《婚姻登记条例》第四条、第五条.\n"
        "The documents of the case cite it.")
    procedure = fields.Text("Procedure", states=_DRAFT,
        help="The steps as the applicant sees them (service guide).")
    place = fields.Char("Place", states=_DRAFT,
        help="Where to apply; leave empty for the hall's address.")
    hours = fields.Char("Hours", states=_DRAFT,
        help="When to apply; leave empty for the hall's opening hours.")
    phone = fields.Char("Phone", states=_DRAFT,
        help="The phone number for questions.")
    complaint_phone = fields.Char("Complaint Phone", states=_DRAFT,
        help="The phone number of the supervision office.")
    online_url = fields.Char("Online Channel", states=_DRAFT,
        help="The address where the matter can be applied for online.")
    guide_notes = fields.Text("Other Notes", states=_DRAFT,
        help="Anything else the service guide tells the applicant.")
    materials = fields.One2Many(
        'onewindow.matter.material', 'matter', "Materials", states=_DRAFT,
        help="The acceptance checklist.")
    form_fields = fields.One2Many(
        'onewindow.matter.form.field', 'matter', "Form Fields",
        states=_DRAFT,
        help="The data dictionary of the application form.")
    state = fields.Selection(STATES, "State", required=True, readonly=True,
        sort=False)
    state_string = state.translated('state')
    valid_from = fields.Date("Valid From", readonly=True,
        help="The day the version was published.")
    valid_to = fields.Date("Valid To", readonly=True,
        help="The day the version was superseded or cancelled.")
    published_by = fields.Many2One(
        'company.employee', "Published by", readonly=True)
    suspended_by = fields.Many2One(
        'company.employee', "Suspended by", readonly=True,
        states={
            'invisible': ~Eval('suspended_by'),
            })
    suspended_date = fields.Date("Suspended on", readonly=True,
        states={
            'invisible': ~Eval('suspended_date'),
            })
    cancelled_by = fields.Many2One(
        'company.employee', "Cancelled by", readonly=True,
        states={
            'invisible': Eval('state') != 'cancelled',
            })
    cancelled_date = fields.Date("Cancelled on", readonly=True,
        states={
            'invisible': Eval('state') != 'cancelled',
            })
    superseded_by = fields.Many2One(
        'onewindow.matter', "Superseded by", readonly=True,
        states={
            'invisible': Eval('state') != 'superseded',
            })
    adjustments = fields.One2Many(
        'onewindow.matter.adjustment', 'matter', "Adjustments",
        readonly=True,
        help="The cancellations, devolutions and adjustments ordered for "
        "this version, with their documents.")
    versions = fields.Function(
        fields.Many2Many('onewindow.matter', None, None, "Versions",
            readonly=True,
            help="All the versions of the matter, the newest first."),
        'get_versions')
    knowledge = fields.Many2Many(
        'onewindow.knowledge-onewindow.matter', 'matter', 'knowledge',
        "Knowledge Base")

    # Fields that the transitions set on versions that are no longer drafts
    _state_fields = {
        'state', 'valid_from', 'valid_to', 'published_by', 'suspended_by',
        'suspended_date', 'cancelled_by', 'cancelled_date', 'superseded_by',
        'knowledge',
        }

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_version_unique', Unique(t, t.code, t.version),
                'onewindow_matters.msg_matter_code_version_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.code, Index.Equality())),
                Index(
                    t,
                    (t.state, Index.Equality()),
                    where=t.state.in_(['draft', 'published', 'suspended'])),
                })
        cls._order = [
            ('code', 'ASC'),
            ('version', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'published'),
            ('published', 'suspended'),
            ('suspended', 'published'),
            ('published', 'cancelled'),
            ('suspended', 'cancelled'),
            ('published', 'superseded'),
            ('suspended', 'superseded'),
            }
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'suspend': {
                    'invisible': Eval('state') != 'published',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'resume': {
                    'invisible': Eval('state') != 'suspended',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'new_version': {
                    'invisible': ~Eval('state').in_(
                        ['published', 'suspended']),
                    'icon': 'tryton-copy',
                    'depends': ['state'],
                    },
                'adjust': {
                    'invisible': ~Eval('state').in_(
                        ['published', 'suspended']),
                    'icon': 'tryton-launch',
                    'depends': ['state'],
                    },
                })
        cls.__rpc__.update({
                'get_current': RPC(result=lambda r: r.id if r else None),
                'check_acceptance': RPC(instantiate=0),
                'import_catalog': RPC(readonly=False),
                'export_catalog': RPC(instantiate=0),
                })

    @classmethod
    def __register__(cls, module):
        table_h = cls.__table_handler__(module)

        # Migration from the three categories: the type keeps their keys
        if (table_h.column_exist('category')
                and not table_h.column_exist('matter_type')):
            table_h.column_rename('category', 'matter_type')

        super().__register__(module)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_version():
        return 1

    @staticmethod
    def default_matter_type():
        return 'licence'

    @staticmethod
    def default_applicant_kind():
        return 'both'

    @staticmethod
    def default_handling():
        return 'promised'

    @staticmethod
    def default_acceptance():
        return 'comprehensive'

    @staticmethod
    def default_promised_limit():
        return 0

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_delivery_methods():
        return ['window']

    @fields.depends('handling', 'promised_limit')
    def on_change_handling(self):
        if self.handling == 'same_day':
            self.promised_limit = 0

    # What the rec_name is made of (read with it, see RelatedReadMixin)
    _rec_name_fields = ['code', 'name', 'version']

    def get_rec_name(self, name):
        return '[%s] %s v%s' % (self.code, self.name, self.version)

    def _selection_strings(self, name):
        "Return the translated labels of the values of name in their order"
        field = self._fields[name]
        labels = field.get_selection(self.__class__, name, self)
        order = [k for k, _ in field.selection]
        return [labels.get(v, v) for v in sorted(
                    getattr(self, name) or [], key=order.index)]

    @property
    def special_procedures_string(self):
        return self._selection_strings('special_procedures')

    @property
    def delivery_methods_string(self):
        return self._selection_strings('delivery_methods')

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['code', 'name', 'short_name'])

    def get_steps_limit(self, name):
        return sum(s.limit or 0 for s in self.steps)

    def get_has_fee(self, name):
        return bool(self.fee_basis and self.fee_basis.strip())

    @classmethod
    def search_has_fee(cls, name, clause):
        _, operator, value = clause
        if operator not in {'=', '!='}:
            return []
        charges = (operator == '=') == bool(value)
        if charges:
            return [('fee_basis', 'not in', [None, ''])]
        return ['OR', ('fee_basis', '=', None), ('fee_basis', '=', '')]

    @classmethod
    def get_versions(cls, matters, name):
        codes = {m.code for m in matters}
        versions = {}
        for record in cls.search([('code', 'in', list(codes))],
                order=[('version', 'DESC')]):
            versions.setdefault(record.code, []).append(record.id)
        return {m.id: versions.get(m.code, []) for m in matters}

    @classmethod
    def get_current(cls, code):
        "Return the published version of the matter of code or None"
        matters = cls.search([
                ('code', '=', code),
                ('state', '=', 'published'),
                ], order=[('version', 'DESC')], limit=1)
        if matters:
            return matters[0]

    @classmethod
    def next_versions(cls, codes):
        "Return a dictionary of the next version number of each code"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        codes = list(set(codes))
        result = {c: 1 for c in codes}
        if codes:
            cursor.execute(*table.select(
                    table.code, Max(table.version),
                    where=table.code.in_(codes),
                    group_by=[table.code]))
            for code, version in cursor:
                result[code] = (version or 0) + 1
        return result

    # Validation

    @classmethod
    def validate_fields(cls, matters, field_names):
        super().validate_fields(matters, field_names)
        cls.check_code(matters, field_names)
        cls.check_time_limits(matters, field_names)
        cls.check_handling(matters, field_names)
        cls.check_fee(matters, field_names)

    @classmethod
    def check_code(cls, matters, field_names=None):
        if field_names and 'code' not in field_names:
            return
        for matter in matters:
            if not CODE_PATTERN.match(matter.code or ''):
                raise MatterValidationError(gettext(
                        'onewindow_matters.msg_matter_code_invalid',
                        matter=matter.rec_name, code=matter.code))

    @classmethod
    def check_time_limits(cls, matters, field_names=None):
        if field_names and not (field_names & {
                    'statutory_limit', 'promised_limit', 'handling',
                    'steps'}):
            return
        for matter in matters:
            matter.check_time_limit()

    def check_time_limit(self):
        "Raise when the time limits of the matter do not fit together"
        if (self.statutory_limit is not None
                and self.promised_limit is not None
                and self.promised_limit > self.statutory_limit):
            raise MatterTimeLimitError(gettext(
                    'onewindow_matters.msg_matter_promised_over_statutory',
                    matter=self.rec_name,
                    promised=self.promised_limit,
                    statutory=self.statutory_limit))
        if self.handling == 'same_day' and self.promised_limit:
            raise MatterTimeLimitError(gettext(
                    'onewindow_matters.msg_matter_same_day_limit',
                    matter=self.rec_name,
                    promised=self.promised_limit))
        steps_limit = sum(s.limit or 0 for s in self.steps)
        if steps_limit > (self.promised_limit or 0):
            raise MatterTimeLimitError(gettext(
                    'onewindow_matters.msg_matter_steps_over_promised',
                    matter=self.rec_name,
                    steps=steps_limit,
                    promised=self.promised_limit or 0))

    @classmethod
    def check_handling(cls, matters, field_names=None):
        if field_names and not (field_names & {
                    'handling', 'co_departments', 'department',
                    'higher_authority'}):
            return
        for matter in matters:
            co_departments = matter.co_departments
            if matter.handling == 'joint':
                if not co_departments:
                    raise MatterValidationError(gettext(
                            'onewindow_matters.msg_matter_joint_no_co',
                            matter=matter.rec_name))
                if matter.department in co_departments:
                    raise MatterValidationError(gettext(
                            'onewindow_matters.msg_matter_joint_lead_co',
                            matter=matter.rec_name,
                            department=matter.department.rec_name))
            elif co_departments:
                raise MatterValidationError(gettext(
                        'onewindow_matters.msg_matter_co_not_joint',
                        matter=matter.rec_name,
                        handling=matter.handling_string))
            if (matter.handling == 'escalated'
                    and not (matter.higher_authority or '').strip()):
                raise MatterValidationError(gettext(
                        'onewindow_matters.msg_matter_escalated_authority',
                        matter=matter.rec_name))

    @classmethod
    def check_fee(cls, matters, field_names=None):
        if field_names and not (field_names & {'fee_amount', 'fee_basis'}):
            return
        for matter in matters:
            if matter.fee_amount and not matter.has_fee:
                raise MatterValidationError(gettext(
                        'onewindow_matters.msg_matter_fee_without_basis',
                        matter=matter.rec_name,
                        amount=matter.fee_amount))

    def law_bound_problems(self):
        """Return the translated texts of the time limits over the bounds of
        the Administrative Licensing Law"""
        if self.matter_type != 'licence':
            return []
        problems = []
        joint = self.handling == 'joint'
        bound = JOINT_LIMIT if joint else LICENCE_LIMIT
        limit = max(self.statutory_limit or 0, self.promised_limit or 0)
        if limit > bound:
            problems.append(gettext(
                    'onewindow_matters.msg_matter_limit_over_law',
                    limit=limit, bound=bound,
                    handling=self.handling_string))
        extension = JOINT_EXTENSION if joint else LICENCE_EXTENSION
        if (self.extension_limit or 0) > extension:
            problems.append(gettext(
                    'onewindow_matters.msg_matter_extension_over_law',
                    limit=self.extension_limit, bound=extension,
                    handling=self.handling_string))
        return problems

    @classmethod
    def check_law_bounds(cls, matters):
        "Warn when time limits go beyond the Administrative Licensing Law"
        pool = Pool()
        Warning = pool.get('res.user.warning')
        for matter in matters:
            problems = matter.law_bound_problems()
            if problems:
                key = Warning.format('matter_law_bounds', [matter])
                if Warning.check(key):
                    raise MatterTimeLimitWarning(key, gettext(
                            'onewindow_matters.msg_matter_law_bounds',
                            matter=matter.rec_name,
                            problems=' '.join(problems)))

    # Acceptance

    def get_form_fields(self):
        """Return the form fields of the matter, read once in a transaction
        (the creation of a case fills its form, then checks it)"""
        transaction = Transaction()
        memo = _form_fields.setdefault(transaction, {})
        key = (self.id, transaction.language)
        if key not in memo:
            memo[key] = self.form_fields
        return memo[key]

    def acceptance_problems(self, window, date=None):
        """Return the translated reasons why the matter may not be accepted
        at window on date (today by default); empty when it may"""
        pool = Pool()
        Date = pool.get('ir.date')
        Delegation = pool.get('onewindow.delegation')
        if date is None:
            date = Date.today()
        problems = []
        if self.state != 'published':
            current = self.get_current(self.code)
            if current:
                problems.append(gettext(
                        'onewindow_matters.msg_acceptance_not_current',
                        matter=self.rec_name, state=self.state_string,
                        current=current.rec_name))
            else:
                problems.append(gettext(
                        'onewindow_matters.msg_acceptance_not_published',
                        matter=self.rec_name, state=self.state_string))
        elif self.valid_from and self.valid_from > date:
            problems.append(gettext(
                    'onewindow_matters.msg_acceptance_not_yet_valid',
                    matter=self.rec_name, date=date,
                    valid_from=self.valid_from))
        if window.status != 'open' or not window.active:
            problems.append(gettext(
                    'onewindow_matters.msg_acceptance_window_closed',
                    window=window.rec_name))
        if window.kind == 'comprehensive':
            if self.acceptance != 'comprehensive':
                problems.append(gettext(
                        'onewindow_matters.msg_acceptance_dedicated',
                        matter=self.rec_name, window=window.rec_name,
                        department=self.department.rec_name))
            elif not Delegation.covering(self, date):
                problems.append(gettext(
                        'onewindow_matters.msg_acceptance_no_delegation',
                        matter=self.rec_name, date=date,
                        department=self.department.rec_name))
        elif self.department not in window.departments:
            problems.append(gettext(
                    'onewindow_matters.msg_acceptance_wrong_window',
                    matter=self.rec_name, window=window.rec_name,
                    department=self.department.rec_name))
        return problems

    @classmethod
    def check_acceptance(cls, matters, window, date=None):
        """Return for each matter the list of acceptance_problems at window
        (a record or an id) on date"""
        pool = Pool()
        Window = pool.get('onewindow.window')
        if isinstance(window, int):
            window = Window(window)
        return [m.acceptance_problems(window, date) for m in matters]

    def is_delegated(self, date=None):
        """Return True if the matter may be accepted at the comprehensive
        window on date: a published version covered by an active
        delegation"""
        pool = Pool()
        Date = pool.get('ir.date')
        Delegation = pool.get('onewindow.delegation')
        if date is None:
            date = Date.today()
        return (self.state == 'published'
            and (not self.valid_from or self.valid_from <= date)
            and bool(Delegation.covering(self, date)))

    # Protection of the versions

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for matters, values in zip(actions, actions):
            if values.keys() - cls._state_fields:
                for matter in matters:
                    if matter.state != 'draft':
                        raise AccessError(gettext(
                                'onewindow_matters.msg_matter_edit_published',
                                matter=matter.rec_name,
                                state=matter.state_string))
        super().write(*args)

    @classmethod
    def delete(cls, matters):
        for matter in matters:
            if matter.state != 'draft':
                raise AccessError(gettext(
                        'onewindow_matters.msg_matter_delete_not_draft',
                        matter=matter.rec_name,
                        state=matter.state_string))
        super().delete(matters)

    @classmethod
    def copy(cls, matters, default=None):
        "Copy each matter into a draft of the next version of its code"
        if default is None:
            default = {}
        else:
            default = default.copy()
        for name in ['valid_from', 'valid_to', 'published_by',
                'suspended_by', 'suspended_date', 'cancelled_by',
                'cancelled_date', 'superseded_by']:
            default.setdefault(name, None)
        default.setdefault('adjustments', None)
        new_matters = []
        for matter in matters:
            values = default.copy()
            if 'version' not in default:
                code = values.get('code', matter.code)
                values['version'] = cls.next_versions([code])[code]
            new_matters.extend(super().copy([matter], default=values))
        return new_matters

    # Workflow

    @classmethod
    @ModelView.button
    @transition('published')
    @set_employee('published_by')
    def publish(cls, matters):
        """Publish draft versions; the version they replace is superseded

        A suspended matter is published again."""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        drafts = [m for m in matters if m.state == 'draft']
        codes = {}
        for matter in drafts:
            if matter.code in codes:
                raise MatterPublishError(gettext(
                        'onewindow_matters.msg_matter_publish_twice',
                        matter=matter.rec_name,
                        other=codes[matter.code].rec_name))
            codes[matter.code] = matter
            matter.check_time_limit()
            if not (matter.legal_basis or '').strip():
                raise MatterPublishError(gettext(
                        'onewindow_matters.msg_matter_publish_no_legal_basis',
                        matter=matter.rec_name))
            if not matter.materials:
                raise MatterPublishError(gettext(
                        'onewindow_matters.msg_matter_publish_no_material',
                        matter=matter.rec_name))
        cls.check_law_bounds(drafts)
        resumed = [m for m in matters if m.state == 'suspended']
        if resumed:
            cls.write(resumed, {
                    'suspended_by': None,
                    'suspended_date': None,
                    })
        if not drafts:
            return
        previous = cls.search([
                ('code', 'in', list(codes)),
                ('state', 'in', ['published', 'suspended']),
                ('id', 'not in', [m.id for m in drafts]),
                ])
        for old in previous:
            new = codes[old.code]
            if old.version > new.version:
                raise MatterVersionError(gettext(
                        'onewindow_matters.msg_matter_publish_older',
                        matter=new.rec_name, current=old.rec_name))
        cls.supersede(previous, codes)
        cls.write(drafts, {
                'valid_from': today,
                })

    @classmethod
    @transition('superseded')
    def supersede(cls, matters, by_code):
        "Mark the matters as replaced by the new versions of by_code"
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        to_write = []
        for matter in matters:
            to_write.extend(([matter], {
                        'valid_to': today,
                        'superseded_by': by_code[matter.code].id,
                        }))
        if to_write:
            cls.write(*to_write)

    @classmethod
    @ModelView.button
    @transition('suspended')
    @set_employee('suspended_by')
    def suspend(cls, matters):
        "Stop accepting the matter for a while"
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(matters, {'suspended_date': Date.today()})

    @classmethod
    @ModelView.button
    @transition('published')
    def resume(cls, matters):
        "Accept a suspended matter again"
        cls.write(matters, {
                'suspended_by': None,
                'suspended_date': None,
                })

    @classmethod
    @transition('cancelled')
    @set_employee('cancelled_by')
    def cancel(cls, matters):
        """Take the matters out of the catalogue

        Record the document that orders it with an adjustment."""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        cls.write(matters, {
                'cancelled_date': today,
                'valid_to': today,
                })

    @classmethod
    @ModelView.button_action('onewindow_matters.act_matter_version')
    def new_version(cls, matters):
        "Copy the published matters into drafts of their next version"
        new = cls.create_new_versions(matters)
        return {
            'res_id': [m.id for m in new],
            }

    @classmethod
    def create_new_versions(cls, matters):
        "Return the new draft versions of matters"
        drafts = cls.search([
                ('code', 'in', [m.code for m in matters]),
                ('state', '=', 'draft'),
                ], limit=1)
        if drafts:
            draft, = drafts
            raise MatterVersionError(gettext(
                    'onewindow_matters.msg_matter_draft_exists',
                    matter=draft.rec_name))
        for matter in matters:
            if matter.state not in {'published', 'suspended'}:
                raise MatterVersionError(gettext(
                        'onewindow_matters.msg_matter_new_version_state',
                        matter=matter.rec_name,
                        state=matter.state_string))
        return cls.copy(matters)

    @classmethod
    @ModelView.button_action('onewindow_matters.wizard_matter_adjust')
    def adjust(cls, matters):
        pass

    # Catalogue

    @classmethod
    def import_catalog(cls, data):
        """Import the catalogue from the CSV text data and return the ids of
        the matters created or updated

        Nothing is imported when a row is wrong: the error lists every wrong
        row with its line number."""
        from .catalog import import_catalog
        return [m.id for m in import_catalog(data)]

    @classmethod
    def export_catalog(cls, matters):
        "Return the CSV text of the catalogue of matters"
        from .catalog import export_catalog
        return export_catalog(matters)


class MatterCoDepartment(ModelSQL):
    "Matter - Co-Department"
    __name__ = 'onewindow.matter-onewindow.department'
    matter = fields.Many2One(
        'onewindow.matter', "Matter", required=True, ondelete='CASCADE')
    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('matter')


class MatterLineMixin:
    "Lines of a matter that may change only while the matter is a draft"
    __slots__ = ()
    matter = fields.Many2One(
        'onewindow.matter', "Matter", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('matter')

    @classmethod
    def check_matter_draft(cls, matters):
        for matter in matters:
            if matter.state != 'draft':
                raise AccessError(gettext(
                        'onewindow_matters.msg_matter_line_not_draft',
                        matter=matter.rec_name,
                        state=matter.state_string))

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        cls.check_matter_draft(Matter.browse(
                list({v['matter'] for v in vlist if v.get('matter')})))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        actions = iter(args)
        matters = set()
        for lines, values in zip(actions, actions):
            matters.update(l.matter for l in lines)
            if values.get('matter'):
                matters.add(Matter(values['matter']))
        cls.check_matter_draft(matters)
        super().write(*args)

    @classmethod
    def delete(cls, lines):
        cls.check_matter_draft({l.matter for l in lines})
        super().delete(lines)


class MatterStep(MatterLineMixin, sequence_ordered(), ModelSQL, ModelView):
    "Matter Step"
    __name__ = 'onewindow.matter.step'
    name = fields.Char("Name", required=True,
        help="e.g. review, decision, producing the licence.")
    kind = fields.Selection([
            ('review', "Review"),
            ('opinion', "Co-Departments' Opinions"),
            ('decision', "Decision"),
            ('production', "Producing the Result"),
            ('other', "Other"),
            ], "Kind", required=True, sort=False,
        help="A step of co-departments' opinions is done only when every "
        "co-department of a joint case has given its opinion.")
    kind_string = kind.translated('kind')
    limit = fields.Integer("Time Limit", required=True,
        domain=[('limit', '>=', 0), ('limit', '<=', MAX_DAYS)],
        help="In working days.")
    description = fields.Text("Description")

    @staticmethod
    def default_kind():
        return 'review'

    @staticmethod
    def default_limit():
        return 0

    @classmethod
    def validate(cls, steps):
        super().validate(steps)
        for matter in {s.matter for s in steps}:
            matter.check_time_limit()


class MatterMaterial(
        MatterLineMixin, sequence_ordered(), ModelSQL, ModelView):
    "Matter Material"
    __name__ = 'onewindow.matter.material'
    name = fields.Char("Name", required=True,
        help="e.g. 居民身份证, 营业执照, 申请表.")
    requirement = fields.Selection(REQUIREMENTS, "Requirement",
        required=True, sort=False,
        help="Conditional: required only in the case described by the "
        "condition.")
    requirement_string = requirement.translated('requirement')
    condition = fields.Char("Condition",
        states={
            'invisible': Eval('requirement') != 'conditional',
            'required': Eval('requirement') == 'conditional',
            },
        help="When the material is required, in words.")
    deferrable = fields.Boolean("Deferrable",
        help="The material may be supplied after acceptance against a "
        "written pledge of the applicant.")
    original_check = fields.Boolean("Check the Original",
        help="The window checks the copies against the original.")
    paper_copies = fields.Integer("Paper Copies", required=True,
        domain=[('paper_copies', '>=', 0),
            ('paper_copies', '<=', MAX_COPIES)])
    electronic_copies = fields.Integer("Electronic Copies", required=True,
        domain=[('electronic_copies', '>=', 0),
            ('electronic_copies', '<=', MAX_COPIES)])
    credibility = fields.Selection(CREDIBILITIES, "Credibility",
        required=True, sort=False,
        help="The credibility level expected of the material.")
    credibility_string = credibility.translated('credibility')
    sample = fields.Binary("Sample", filename='sample_name',
        help="A filled-in sample of the material.")
    sample_name = fields.Char("Sample Name")
    blank_form = fields.Binary("Blank Form", filename='blank_form_name',
        help="The blank form the applicant fills in.")
    blank_form_name = fields.Char("Blank Form Name")
    notes = fields.Text("Notes")

    @staticmethod
    def default_requirement():
        return 'required'

    @staticmethod
    def default_deferrable():
        return False

    @staticmethod
    def default_original_check():
        return False

    @staticmethod
    def default_paper_copies():
        return 1

    @staticmethod
    def default_electronic_copies():
        return 0

    @staticmethod
    def default_credibility():
        return 'B'

    @fields.depends('original_check', 'credibility')
    def on_change_original_check(self):
        if self.original_check and self.credibility in {None, 'C', 'D'}:
            self.credibility = 'B'

    @classmethod
    def validate_fields(cls, materials, field_names):
        super().validate_fields(materials, field_names)
        if field_names & {'requirement', 'deferrable'}:
            for material in materials:
                if (material.deferrable
                        and material.requirement == 'optional'):
                    raise MaterialValidationError(gettext(
                            'onewindow_matters.msg_material_deferrable'
                            '_optional',
                            material=material.name,
                            matter=material.matter.rec_name))


# The form fields of the matters read in each transaction (Matter.get_form
# fields, cleared when a form field is created, written or deleted)
_form_fields = WeakKeyDictionary()


class MatterFormField(
        MatterLineMixin, DictSchemaMixin, sequence_ordered(), ModelSQL,
        ModelView):
    "Matter Form Field"
    __name__ = 'onewindow.matter.form.field'
    required = fields.Boolean("Required",
        help="The application cannot be accepted without this value.")
    content = fields.Selection(FORM_CONTENTS, "Content", sort=False,
        help="What the value is; it is checked when the case is saved: "
        "an identifier by its check digit, a phone by its form, an amount "
        "not negative.")
    content_string = content.translated('content')
    prefill = fields.Selection(FORM_PREFILLS, "Prefilled from", sort=False,
        help="The value is filled at registration from the applicant or "
        "the agent of the case, when the clerk has not entered it.")
    type_string = DictSchemaMixin.type_.translated('type_')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('name_unique', Unique(t, t.matter, t.name),
                'onewindow_matters.msg_form_field_name_unique'),
            ]
        # The labels of the dictionary schema are core's ("String",
        # translated 字符串): name them as the hall does
        cls.string.string = "Label"
        cls.name.string = "Key"
        cls.name.help = (
            "The key of the value in the form data: lower-case letters, "
            "digits and underscores, starting with a letter.")
        cls.selection.string = "Options"
        cls.digits.string = "Decimal Places"

    @staticmethod
    def default_required():
        return False

    def check_value(self, value):
        """Return True if value fits the content of the field (an empty
        value always does)"""
        from stdnum.cn import ric, uscc
        if value is None or value == '' or value == []:
            return True
        if self.type_ == 'selection':
            keys = {l.split(':', 1)[0].strip()
                for l in (self.selection or '').splitlines() if l.strip()}
            if keys and str(value) not in keys:
                return False
        content = self.content
        if not content:
            return True
        if content == 'amount':
            try:
                return float(value) >= 0
            except (TypeError, ValueError):
                return False
        text = str(value).strip()
        if content == 'resident_id':
            return ric.is_valid(text)
        elif content == 'credit_code':
            return uscc.is_valid(text)
        elif content == 'party_code':
            return ric.is_valid(text) or uscc.is_valid(text)
        elif content == 'mobile':
            return bool(MOBILE_PATTERN.match(text.replace(' ', '')))
        elif content == 'phone':
            text = text.replace(' ', '')
            return bool(MOBILE_PATTERN.match(text)
                or FIXED_PATTERN.match(text))
        elif content == 'address':
            return len(text) >= 4
        return True

    def prefill_value(self, applicant, agent):
        "Return the value of the field from the applicant or the agent"
        if not self.prefill:
            return None
        who, _, what = self.prefill.partition('_')
        party = applicant if who == 'applicant' else agent
        if not party:
            return None
        if what == 'name':
            return party.name
        elif what == 'code':
            for identifier in party.identifiers:
                if identifier.type in {'cn_ric', 'cn_vat'}:
                    return identifier.code
        elif what == 'phone':
            return party.phone or party.mobile
        elif what == 'address':
            for address in party.addresses:
                text = (address.street or '').strip()
                if address.city:
                    text = address.city + text
                if text:
                    return text
        return None

    @classmethod
    def validate_fields(cls, schemas, field_names):
        super().validate_fields(schemas, field_names)
        if 'name' in field_names:
            for schema in schemas:
                if not KEY_PATTERN.match(schema.name or ''):
                    raise FormFieldValidationError(gettext(
                            'onewindow_matters.msg_form_field_name_invalid',
                            name=schema.name,
                            matter=schema.matter.rec_name))

    @classmethod
    def create(cls, vlist):
        _form_fields.pop(Transaction(), None)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        _form_fields.pop(Transaction(), None)
        super().write(*args)

    @classmethod
    def delete(cls, fields):
        _form_fields.pop(Transaction(), None)
        super().delete(fields)


class MatterAdjustment(ModelSQL, ModelView):
    "Matter Adjustment"
    __name__ = 'onewindow.matter.adjustment'
    _rec_name = 'document_number'
    matter = fields.Many2One(
        'onewindow.matter', "Matter", required=True, ondelete='RESTRICT',
        readonly=True,
        help="The version the adjustment applies to.")
    code = fields.Function(fields.Char("Code"), 'on_change_with_code')
    kind = fields.Selection(ADJUSTMENT_KINDS, "Kind", required=True,
        sort=False, readonly=True)
    kind_string = kind.translated('kind')
    document_number = fields.Char("Document Number", required=True,
        help="The number of the document that orders the adjustment, "
        "e.g. 翁府〔2017〕12号.")
    document_date = fields.Date(
        "Document Date", domain=real_date('document_date'))
    authority = fields.Char("Issued by",
        help="The authority that issued the document.")
    devolved_to = fields.Char("Devolved to",
        states={
            'invisible': Eval('kind') != 'devolve',
            },
        help="The lower level that handles the matter from now on.")
    document = fields.Binary("Document", filename='document_name')
    document_name = fields.Char("Document Name")
    date = fields.Date(
        "Effective Date", required=True, domain=real_date('date'))
    description = fields.Text("Description")
    new_version = fields.Many2One(
        'onewindow.matter', "New Version", readonly=True,
        ondelete='SET NULL',
        states={
            'invisible': Eval('kind') != 'adjust',
            },
        help="The draft version created for the adjustment.")
    recorded_by = fields.Many2One(
        'company.employee', "Recorded by", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()

    @staticmethod
    def default_recorded_by():
        return Transaction().context.get('employee')

    @fields.depends('matter', '_parent_matter.code')
    def on_change_with_code(self, name=None):
        return self.matter.code if self.matter else None


class MatterAdjustStart(ModelView):
    "Adjust Matter"
    __name__ = 'onewindow.matter.adjust.start'
    matter = fields.Many2One('onewindow.matter', "Matter", readonly=True)
    kind = fields.Selection(ADJUSTMENT_KINDS, "Kind", required=True,
        sort=False,
        help="Cancellation: the matter leaves the catalogue.\n"
        "Devolution: a lower level handles it from now on; it leaves the "
        "catalogue.\n"
        "Adjustment: a new draft version is created to edit and publish.")
    document_number = fields.Char("Document Number", required=True,
        help="The number of the document that orders the adjustment.")
    document_date = fields.Date(
        "Document Date", domain=real_date('document_date'))
    authority = fields.Char("Issued by")
    devolved_to = fields.Char("Devolved to",
        states={
            'invisible': Eval('kind') != 'devolve',
            'required': Eval('kind') == 'devolve',
            })
    document = fields.Binary("Document", filename='document_name')
    document_name = fields.Char("Document Name")
    date = fields.Date(
        "Effective Date", required=True, domain=real_date('date'))
    description = fields.Text("Description")

    @staticmethod
    def default_kind():
        return 'adjust'


class MatterAdjust(Wizard):
    "Adjust Matter"
    __name__ = 'onewindow.matter.adjust'
    start = StateView('onewindow.matter.adjust.start',
        'onewindow_matters.matter_adjust_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Record", 'record_', 'tryton-ok', default=True),
            ])
    record_ = StateTransition()
    open_ = StateAction('onewindow_matters.act_matter_version')

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        return {
            'matter': self.record.id if self.record else None,
            'date': Date.today(),
            }

    def transition_record_(self):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        Adjustment = pool.get('onewindow.matter.adjustment')
        matter = self.record
        if matter.state not in {'published', 'suspended'}:
            raise MatterVersionError(gettext(
                    'onewindow_matters.msg_matter_adjust_state',
                    matter=matter.rec_name, state=matter.state_string))
        adjustment = Adjustment(
            matter=matter,
            kind=self.start.kind,
            document_number=self.start.document_number,
            document_date=self.start.document_date,
            authority=self.start.authority,
            devolved_to=self.start.devolved_to,
            document=self.start.document,
            document_name=self.start.document_name,
            date=self.start.date,
            description=self.start.description)
        if self.start.kind == 'adjust':
            new, = Matter.create_new_versions([matter])
            adjustment.new_version = new
            adjustment.save()
            return 'open_'
        adjustment.save()
        Matter.cancel([matter])
        return 'end'

    def do_open_(self, action):
        pool = Pool()
        Adjustment = pool.get('onewindow.matter.adjustment')
        adjustments = Adjustment.search([
                ('matter', '=', self.record.id),
                ('kind', '=', 'adjust'),
                ('new_version', '!=', None),
                ], order=[('id', 'DESC')], limit=1)
        action['res_id'] = [a.new_version.id for a in adjustments]
        return action, {}


class MatterGuide(Report):
    """Service Guide

    The public description of a matter, printed in Chinese whatever the
    language of the user."""
    __name__ = 'onewindow.matter.guide'

    @classmethod
    def execute(cls, ids, data):
        with Transaction().set_context(language='zh_CN'):
            return super().execute(ids, data)

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Date = pool.get('ir.date')
        Hall = pool.get('onewindow.hall')
        context = super().get_context(records, header, data)
        context['today'] = Date.today()
        halls = Hall.search([], limit=1)
        context['hall'] = halls[0] if halls else None
        context['yes_no'] = lambda value: '是' if value else '否'
        context['join'] = lambda values, sep='、': sep.join(
            str(v) for v in values if v)
        return context
