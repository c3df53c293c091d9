# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import hashlib
import hmac
import secrets

from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSingleton, ModelSQL, ModelView, Workflow, fields,
    sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_approval.document import DocumentReport
from trytond.modules.onewindow_approval.party import PersonalDataMixin
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, Problems, transition)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction

from .exceptions import ApplicationError, ApplicationValidationError

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('returned', "Returned for Correction"),
    ('passed', "Passed"),
    ('rejected', "Rejected"),
    ('withdrawn', "Withdrawn"),
    ]

# The query codes avoid the characters read one for another (0/O, 1/I/L)
QUERY_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
QUERY_LENGTH = 8

# The coarse public steps of the progress lookup
PUBLIC_STEPS = [
    ('submitted', "Submitted"),
    ('prereview', "Pre-Review"),
    ('correction', "Correction Needed"),
    ('accepted', "Accepted"),
    ('processing', "Processing"),
    ('done', "Completed"),
    ('ready', "Ready for Pickup"),
    ('refused', "Not Accepted"),
    ('withdrawn', "Withdrawn"),
    ]
# The public step of each case state
CASE_STEPS = {
    'draft': 'prereview',
    'supplement': 'correction',
    'accepted': 'accepted',
    'review': 'processing',
    'suspended': 'processing',
    'escalated': 'processing',
    'approved': 'done',
    'denied': 'done',
    'ready': 'ready',
    'delivered': 'done',
    'archived': 'done',
    'refused': 'refused',
    'withdrawn': 'withdrawn',
    }
APPLICATION_STEPS = {
    'draft': None,
    'submitted': 'prereview',
    'returned': 'correction',
    'rejected': 'refused',
    'withdrawn': 'withdrawn',
    }


def public_step(state, case):
    """Return the key of the coarse public step of an application of the
    state, passed to the case (a record or any object with its state and
    dates) or not (None)"""
    if state == 'passed' and case:
        return CASE_STEPS.get(case.state, 'prereview')
    return APPLICATION_STEPS.get(state)


def public_timeline(state, submission_date, case):
    """Return the public steps of an application as (key, label, date or
    None) up to the current one"""
    keys = dict(PUBLIC_STEPS)
    current = public_step(state, case)
    timeline = [('submitted', submission_date)]
    if current in {'prereview', 'correction', 'refused', 'withdrawn'}:
        if current != 'prereview':
            timeline.append(('prereview', submission_date))
        # A case refused or withdrawn after its acceptance; a case
        # waiting for its acceptance at the window is still pre-reviewed
        if state == 'passed' and case and case.acceptance_date:
            timeline.append(('accepted', case.acceptance_date))
        timeline.append((current, None))
    else:
        timeline.append(('prereview', submission_date))
        order = ['accepted', 'processing', 'done', 'ready']
        reached = order[:order.index(current) + 1] if current in order \
            else []
        if current == 'ready':
            reached = ['accepted', 'processing', 'done', 'ready']
        dates = {
            'accepted': case.acceptance_date if case else None,
            'done': case.decision_date if case else None,
            'ready': case.verification_date if case else None,
            }
        for key in reached:
            timeline.append((key, dates.get(key)))
    return [(k, keys[k], d) for k, d in timeline]


def hash_query_code(code, salt=None):
    """Return the salted hash of a query code as 'salt$digest'

    A fast hash (SHA-256 of a random salt and the code), not a slow
    password hash: the code is drawn at random by the server (8 characters
    of 31, about 40 bits), never chosen by a person, and the lookup is
    rate-limited per number and per address, so a guess costs an HTTP
    request whatever the hash.  A deliberately slow hash (pbkdf2, bcrypt,
    argon2) would add nothing against those guesses and would by itself cap
    the lookups a process answers (tens of milliseconds each); the digest
    is compared in constant time."""
    if salt is None:
        salt = secrets.token_hex(8)
    code = normalize_query_code(code)
    digest = hashlib.sha256((salt + code).encode('utf-8')).hexdigest()
    return '%s$%s' % (salt, digest)


def normalize_query_code(code):
    return ''.join((code or '').split()).upper()


def check_query_code(code, hash_):
    "Compare the code with its hash in constant time"
    if not hash_ or '$' not in hash_:
        # Spend the same time on a record without code
        hmac.compare_digest(hash_query_code(code, 'x' * 16), 'x' * 81)
        return False
    salt, _ = hash_.split('$', 1)
    return hmac.compare_digest(hash_query_code(code, salt), hash_)


def new_query_code():
    return ''.join(
        secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_LENGTH))


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Online Application Configuration"
    __name__ = 'onewindow.application.configuration'
    application_sequence = fields.Many2One(
        'ir.sequence', "Application Sequence", required=True,
        domain=[
            ('sequence_type', '=',
                Id('onewindow_portal', 'sequence_type_application')),
            ],
        help="Numbers the submitted online applications.")
    prereview_limit = fields.Integer("Pre-Review Time Limit", required=True,
        domain=[('prereview_limit', '>=', 0), ('prereview_limit', '<=', 20)],
        help="The working days the window has to pre-review a submitted "
        "application.")

    @classmethod
    def default_application_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id(
                'onewindow_portal', 'sequence_application')
        except KeyError:
            return None

    @classmethod
    def default_prereview_limit(cls):
        return 2


class Application(
        ButtonStateMixin, PersonalDataMixin, Workflow,
        ModelSQL, ModelView):
    """Online Application

    An application made by an applicant on the online hall or at a
    self-service terminal (网上申请): the form of the matter and the files of
    its checklist.  The window pre-reviews it (预审): it passes it, which
    registers the case as the window would, returns it once with what to
    correct, or rejects it with the reason."""
    __name__ = 'onewindow.application'
    _states = {
        'readonly': ~Eval('state').in_(['draft', 'returned']),
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    number = fields.Char("Number", readonly=True,
        help="The number of the application, given at its first "
        "submission.")
    query_code_hash = fields.Char("Query Code Hash", readonly=True,
        strip=False)
    channel = fields.Selection([
            ('online', "Online"),
            ('self_service', "Self-Service Terminal"),
            ], "Channel", required=True, readonly=True)
    terminal = fields.Many2One(
        'onewindow.terminal', "Terminal", readonly=True,
        states={
            'invisible': Eval('channel') != 'self_service',
            })
    hall = fields.Many2One(
        'onewindow.hall', "Hall", required=True, ondelete='RESTRICT',
        states=_states,
        domain=[('company', '=', Eval('company', -1))])
    matter = fields.Many2One(
        'onewindow.matter', "Matter", required=True, ondelete='RESTRICT',
        states=_states,
        domain=[('state', '=', 'published')])
    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='RESTRICT', readonly=True)
    web_user = fields.Many2One(
        'web.user', "Account", ondelete='RESTRICT', readonly=True,
        help="The online account that made the application.")
    applicant = fields.Many2One(
        'party.party', "Applicant", required=True, ondelete='RESTRICT',
        states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    applicant_kind = fields.Selection([
            ('natural', "Natural Person"),
            ('legal', "Legal Person"),
            ], "Applicant Kind", required=True, sort=False, states=_states)
    agent = fields.Many2One(
        'party.party', "Agent", ondelete='RESTRICT', states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        help="The person who applies for a company under its "
        "authorization.")
    phone = fields.Char("Mobile", size=40, required=True, states=_states)
    form_data = fields.Dict(
        'onewindow.matter.form.field', "Application Form",
        domain=[('matter', '=', Eval('matter', -1))],
        states=_states, depends=['matter'])
    materials = fields.One2Many(
        'onewindow.application.material', 'application', "Materials",
        readonly=True,
        help="The items of the matter's checklist, with the files "
        "uploaded for each.")
    submission_date = fields.Date("Submission Date", readonly=True,
        help="The day of the first submission; a resubmission keeps it.")
    resubmission_date = fields.Date("Resubmission Date", readonly=True)
    prereview_deadline = fields.Date("Pre-Review Deadline", readonly=True)
    correction_notice = fields.Text("What to Correct", size=4000,
        states={
            'readonly': Eval('state') != 'submitted',
            },
        help="The one-time notice of everything the applicant must "
        "correct; filled from the missing materials when left empty.")
    correction_count = fields.Integer("Returns", readonly=True)
    rejection_reason = fields.Text("Rejection Reason", size=2000,
        states={
            'readonly': Eval('state') != 'submitted',
            'invisible': ~Eval('state').in_(['submitted', 'rejected']),
            })
    originals_note = fields.Text("Originals to Bring", readonly=True,
        help="The originals the applicant must show at the window.")
    case = fields.Many2One(
        'onewindow.case', "Case", readonly=True, ondelete='RESTRICT',
        help="The case registered when the application passed.")
    passed_by = fields.Many2One(
        'company.employee', "Passed by", readonly=True)
    returned_by = fields.Many2One(
        'company.employee', "Returned by", readonly=True)
    rejected_by = fields.Many2One(
        'company.employee', "Rejected by", readonly=True)
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    del _states

    # The states in which the pre-review deadline runs (its cards); the
    # pre-review is done by the windows: its cards are the center's
    _running_states = ['submitted']
    _card_department = False

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        super().__setup__()
        # The application form may hold resident ID numbers
        cls._personal_data_fields = cls._personal_data_fields | {'form_data'}
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Equality()),
                    where=t.number != Null),
                Index(t, (t.web_user, Index.Equality())),
                Index(t, (t.applicant, Index.Equality())),
                Index(t, (t.prereview_deadline, Index.Range()),
                    where=t.state == 'submitted'),
                })
        cls._order = [
            ('submission_date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('returned', 'submitted'),
            ('submitted', 'passed'),
            ('submitted', 'returned'),
            ('submitted', 'rejected'),
            ('draft', 'withdrawn'),
            ('submitted', 'withdrawn'),
            ('returned', 'withdrawn'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': ~Eval('state').in_(['draft', 'returned']),
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'pass_review': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'submitted',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'withdraw': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'submitted', 'returned']),
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
        return 'online'

    @classmethod
    def default_correction_count(cls):
        return 0

    @fields.depends('matter', 'applicant_kind', 'materials')
    def on_change_matter(self):
        pool = Pool()
        Material = pool.get('onewindow.application.material')
        if not self.matter:
            return
        self.department = self.matter.department
        if self.matter.applicant_kind in {'natural', 'legal'}:
            self.applicant_kind = self.matter.applicant_kind
        self.materials = [Material(**v)
            for v in self._material_values(self.matter)]

    @classmethod
    def _material_values(cls, matter):
        return [{
                'sequence': m.sequence,
                'matter_material': m.id,
                'name': m.name,
                'requirement': m.requirement,
                } for m in matter.materials]

    def get_rec_name(self, name):
        if self.number:
            return self.number
        return '%s (%s)' % (self.matter.name, self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('number',) + tuple(clause[1:])]

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('matter'):
                matter = Matter(values['matter'])
                values['department'] = matter.department.id
                # The checklist of the matter, whatever the client sent
                values['materials'] = [
                    ('create', cls._material_values(matter))]
        return super().create(vlist)

    # The fields the applicant fills, editable only before the pre-review
    _applicant_fields = {
        'company', 'hall', 'matter', 'applicant', 'applicant_kind', 'agent',
        'phone', 'form_data', 'materials'}

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for applications, values in zip(actions, actions):
            if cls._applicant_fields & set(values):
                for application in applications:
                    if application.state not in {'draft', 'returned'}:
                        raise AccessError(gettext(
                                'onewindow_portal'
                                '.msg_application_not_editable',
                                application=application.rec_name,
                                state=application.state_string))
        super().write(*args)

    @classmethod
    def delete(cls, applications):
        for application in applications:
            if application.state != 'draft':
                raise AccessError(gettext(
                        'onewindow_portal.msg_application_delete',
                        application=application.rec_name))
        super().delete(applications)

    @classmethod
    def copy(cls, applications, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'query_code_hash', 'submission_date',
                'resubmission_date', 'prereview_deadline', 'case',
                'passed_by', 'returned_by', 'rejected_by',
                'correction_notice', 'rejection_reason', 'originals_note']:
            default.setdefault(name, None)
        default.setdefault('correction_count', 0)
        return super().copy(applications, default=default)

    # The applicant's side

    def check_query_code(self, code):
        return check_query_code(code, self.query_code_hash)

    @classmethod
    def set_query_code(cls, applications):
        """Give a new query code to the applications; return the codes by
        application id (only their hash is stored)"""
        codes = {}
        for application in applications:
            code = new_query_code()
            application.query_code_hash = hash_query_code(code)
            codes[application.id] = code
        cls.save(applications)
        return codes

    def get_submit_problems(self):
        "Return the texts of what prevents the submission"
        problems = []
        if self.matter.state != 'published':
            problems.append(gettext(
                    'onewindow_portal.msg_application_matter_unpublished',
                    matter=self.matter.rec_name))
        data = self.form_data or {}
        for field in self.matter.form_fields:
            value = data.get(field.name)
            if field.required and value in (None, '', False):
                problems.append(gettext(
                        'onewindow_portal.msg_application_field_required',
                        field=field.string))
            elif not field.check_value(value):
                # Checked as the window checks it (a resident ID by its
                # check digit, a phone by its form...)
                problems.append(gettext(
                        'onewindow_portal.msg_application_field_invalid',
                        field=field.string,
                        reason=field.content_string or field.type_string))
        for material in self.materials:
            if material.requirement == 'required' and not material.files:
                problems.append(gettext(
                        'onewindow_portal.msg_application_material_missing',
                        material=material.name))
        return problems

    @classmethod
    @ModelView.button
    @transition('submitted')
    def submit(cls, applications):
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('onewindow.application.configuration')
        config = Configuration(1)
        today = Date.today()
        errors = Problems(ApplicationError,
            'onewindow_portal.msg_application_submit_problems',
            name='application')
        for application in applications:
            errors.add(application, application.get_submit_problems())
        errors.check()
        for application in applications:
            if not application.number:
                application.number = (
                    config.application_sequence.get())
            if not application.query_code_hash:
                application.query_code_hash = hash_query_code(
                    new_query_code())
            if application.submission_date:
                application.resubmission_date = today
            else:
                application.submission_date = today
            application.prereview_deadline = (
                application.hall.calendar.add_working_days(
                    today, config.prereview_limit))
        cls.save(applications)
        cls.notify(applications, 'submitted')

    @classmethod
    @ModelView.button
    @transition('withdrawn')
    def withdraw(cls, applications):
        pass

    # The window's pre-review

    @classmethod
    def check_prereviewer(cls, applications):
        """Raise unless the current user is a clerk of a window that serves
        the department of each application (the root user always is)"""
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        if not transaction.user:
            return
        user = User(transaction.user)
        served = {(w.hall.id, d.id)
            for e in user.employees for w in e.windows if w.active
            for d in w.departments}
        for application in applications:
            if (application.hall.id,
                    application.department.id) not in served:
                raise ApplicationError(gettext(
                        'onewindow_portal.msg_application_not_your_window',
                        application=application.rec_name,
                        department=application.department.rec_name))

    def _window(self):
        "Return the window that registers the case of the application"
        pool = Pool()
        User = pool.get('res.user')
        Window = pool.get('onewindow.window')
        transaction = Transaction()
        if transaction.user:
            user = User(transaction.user)
            for employee in user.employees:
                for window in employee.windows:
                    if (window.active and window.hall == self.hall
                            and self.department in window.departments):
                        return window
        windows = Window.search([
                ('hall', '=', self.hall.id),
                ('departments', '=', self.department.id),
                ], limit=1)
        if windows:
            return windows[0]

    def _case_values(self):
        "Return the values of the case registered for the application"
        window = self._window()
        return {
            'company': self.company.id,
            'hall': self.hall.id,
            'window': window.id if window else None,
            'channel': self.channel,
            'application_date': self.submission_date,
            'matter': self.matter.id,
            'applicant': self.applicant.id,
            'applicant_kind': self.applicant_kind,
            'agent': self.agent.id if self.agent else None,
            'phone': self.phone,
            'form_data': self.form_data,
            'application': self.id,
            }

    @classmethod
    @ModelView.button
    @transition('passed')
    @set_employee('passed_by')
    def pass_review(cls, applications):
        """Register the case of each application through the window's
        registration: the uploaded files are its electronic copies,
        uploaded by the applicant (credibility C)"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        CaseMaterial = pool.get('onewindow.case.material')
        Attachment = pool.get('ir.attachment')
        cls.check_prereviewer(applications)
        cases = Case.create([a._case_values() for a in applications])
        to_write, attachments = [], []
        for application, case in zip(applications, cases):
            uploaded = {m.matter_material.id: m
                for m in application.materials if m.matter_material}
            originals = []
            for material in case.materials:
                line = uploaded.get(
                    material.matter_material.id
                    if material.matter_material else None)
                if line and line.files:
                    to_write.extend([[material], {
                                'electronic_received': len(line.files),
                                'credibility': 'C',
                                }])
                    for attachment in line.files:
                        attachments.append({
                                'resource': str(material),
                                'name': attachment.name,
                                'type': 'data',
                                'data': attachment.data,
                                'description': gettext(
                                    'onewindow_portal'
                                    '.msg_attachment_uploaded',
                                    application=application.number),
                                })
                if application.matter.fully_online:
                    # 全程网办: the files uploaded are the materials, no
                    # paper copy nor original is brought to the window
                    if line and line.files:
                        to_write.extend([[material], {
                                    'paper_expected': 0,
                                    'original_check': False,
                                    }])
                elif material.original_check or material.paper_expected:
                    originals.append(material.name)
            application.case = case
            application.originals_note = '\n'.join(originals) or None
        if to_write:
            CaseMaterial.write(*to_write)
        if attachments:
            Attachment.create(attachments)
        cls.save(applications)
        cls.notify(applications, 'passed')

    def get_correction_items(self):
        "Return the texts of what the applicant must correct"
        items = []
        data = self.form_data or {}
        for field in self.matter.form_fields:
            if field.required and data.get(field.name) in (None, '', False):
                items.append(gettext(
                        'onewindow_portal.msg_application_field_required',
                        field=field.string))
        for material in self.materials:
            if material.requirement == 'required' and not material.files:
                items.append(gettext(
                        'onewindow_portal.msg_application_material_missing',
                        material=material.name))
        return items

    @classmethod
    @ModelView.button
    @transition('returned')
    @set_employee('returned_by')
    def send_back(cls, applications):
        cls.check_prereviewer(applications)
        for application in applications:
            if not application.correction_notice:
                items = application.get_correction_items()
                if not items:
                    raise ApplicationError(gettext(
                            'onewindow_portal.msg_application_return_empty',
                            application=application.rec_name))
                application.correction_notice = '\n'.join(
                    '- ' + i for i in items)
            application.correction_count = (
                (application.correction_count or 0) + 1)
        cls.save(applications)
        cls.notify(applications, 'returned')

    @classmethod
    @ModelView.button
    @transition('rejected')
    @set_employee('rejected_by')
    def reject(cls, applications):
        cls.check_prereviewer(applications)
        for application in applications:
            if not application.rejection_reason:
                raise ApplicationValidationError(gettext(
                        'onewindow_portal.msg_application_reject_reason',
                        application=application.rec_name))
        cls.notify(applications, 'rejected')

    @classmethod
    def notify(cls, applications, event):
        "Queue the text message of the event to the applicants"
        pool = Pool()
        Message = pool.get('onewindow.portal.sms')
        Message.queue([{
                    'kind': event,
                    'recipient': a.phone,
                    'text': a._message(event),
                    'application': a.id,
                    } for a in applications])

    def _message(self, event):
        "Return the text of the message of the event to the applicant"
        msg_id = 'onewindow_portal.msg_sms_application_%s' % event
        values = {}
        if event == 'passed':
            # Told whether to come and with which originals
            if self.matter.fully_online:
                msg_id += '_online'
            elif self.originals_note:
                msg_id += '_originals'
                window = self.case.window if self.case else None
                values = {
                    'window': window.rec_name if window
                    else self.hall.rec_name,
                    'originals': '、'.join(self.originals_note.splitlines()),
                    }
        return gettext(msg_id, number=self.number, matter=self.matter.name,
            deadline=self.prereview_deadline or '', **values)

    # The public view

    def get_public_step(self):
        "Return the key of the coarse public step of the application"
        return public_step(self.state, self.case)

    def get_public_timeline(self):
        """Return the public steps as (key, label, date or None) up to the
        current one"""
        return public_timeline(self.state, self.submission_date, self.case)


class ApplicationMaterial(sequence_ordered(), ModelSQL, ModelView):
    """Online Application Material

    One item of the matter's checklist with the files the applicant
    uploaded for it (attachments)."""
    __name__ = 'onewindow.application.material'
    application = fields.Many2One(
        'onewindow.application', "Application", required=True,
        ondelete='CASCADE')
    matter_material = fields.Many2One(
        'onewindow.matter.material', "Checklist Item", ondelete='RESTRICT',
        readonly=True)
    name = fields.Char("Name", required=True, readonly=True)
    requirement = fields.Selection([
            ('required', "Required"),
            ('optional', "Optional"),
            ('conditional', "Conditional"),
            ], "Requirement", required=True, readonly=True, sort=False)
    files = fields.One2Many('ir.attachment', 'resource', "Files",
        readonly=True)
    file_count = fields.Function(
        fields.Integer("Files"), 'get_file_count')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('application')

    def get_rec_name(self, name):
        return self.name

    def get_file_count(self, name):
        return len(self.files)

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        MatterMaterial = pool.get('onewindow.matter.material')
        vlist = [v.copy() for v in vlist]
        # The checklist item decides the name and the requirement
        for values in vlist:
            if values.get('matter_material'):
                material = MatterMaterial(values['matter_material'])
                values['name'] = material.name
                values['requirement'] = material.requirement
                values.setdefault('sequence', material.sequence)
        return super().create(vlist)

    @classmethod
    def check_file(cls, material, data, filename):
        """Raise if the file is too large or of a type not allowed, as on a
        case"""
        pool = Pool()
        Configuration = pool.get('onewindow.case.configuration')
        Attachment = pool.get('ir.attachment')
        Configuration(1).check_file(
            data, filename, lambda: material.rec_name,
            lambda: Attachment.__names__('data')['field'])


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'
    application = fields.Many2One(
        'onewindow.application', "Online Application", readonly=True,
        ondelete='RESTRICT',
        states={
            'invisible': ~Eval('application'),
            },
        help="The online application the case was registered from.")

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('application', None)
        return super().copy(cases, default=default)

    def get_supplement_lines(self):
        "Return the lines of the last one-time notice of the case"
        notice = self.supplement_count or 0
        return [l for l in self.supplements if l.notice == notice]

    @classmethod
    def supplement_online(cls, case, files):
        """Receive the supplement the applicant uploads on the portal for
        the case waiting for it: files maps each case material asked by the
        last one-time notice to its (name, data).  The files become
        electronic copies uploaded by the applicant (credibility C) and the
        case returns to the window for acceptance, as when the applicant
        brings the supplement."""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Material = pool.get('onewindow.case.material')
        asked = {l.material.id for l in case.get_supplement_lines()
            if l.material}
        if (case.state != 'supplement' or not files
                or not set(files) <= asked):
            raise ApplicationError(gettext(
                    'onewindow_portal.msg_case_supplement_online',
                    case=case.rec_name))
        cls.resubmit([case])
        attachments, to_write = [], []
        for material in Material.browse(sorted(files)):
            for name, data in files[material.id]:
                attachments.append({
                        'resource': str(material),
                        'name': name,
                        'type': 'data',
                        'data': data,
                        'description': gettext(
                            'onewindow_portal.msg_attachment_supplement',
                            case=case.rec_name),
                        })
            to_write.extend([[material], {
                        'electronic_received': (
                            (material.electronic_received or 0)
                            + len(files[material.id])),
                        'credibility': 'C',
                        }])
        Attachment.create(attachments)
        Material.write(*to_write)


class Attachment(metaclass=PoolMeta):
    __name__ = 'ir.attachment'

    @classmethod
    def _application_material(cls, resource):
        pool = Pool()
        if isinstance(resource, str):
            model, id_ = resource.split(',')
            if model != 'onewindow.application.material' or int(id_) < 0:
                return None
            return pool.get(model)(int(id_))
        if (resource is not None
                and resource.__name__ == 'onewindow.application.material'):
            return resource

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Material = pool.get('onewindow.application.material')
        for values in vlist:
            material = cls._application_material(values.get('resource'))
            if material is not None:
                Material.check_file(
                    material, values.get('data'), values.get('name'))
        return super().create(vlist)


class ApplicationReceipt(DocumentReport):
    "Online Application Receipt"
    __name__ = 'onewindow.application.receipt'

    @classmethod
    def execute(cls, ids, data):
        with Transaction().set_context(language='zh_CN'):
            return super().execute(ids, data)
