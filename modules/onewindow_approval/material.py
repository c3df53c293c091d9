# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict

from sql import Literal
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered
from trytond.modules.onewindow_hall.ir import now as hall_now
from trytond.modules.onewindow_hall.model import EagerReadMixin, real_date
from trytond.modules.onewindow_matters.matter import (
    CREDIBILITIES, MAX_COPIES, REQUIREMENTS)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .case import STATES, CaseLineMixin, Problem
from .exceptions import CaseAccessError, CaseValidationError


class CaseMaterial(
        CaseLineMixin, EagerReadMixin, sequence_ordered(), ModelSQL,
        ModelView):
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
        cases = Case.browse(list({v['case'] for v in vlist if v.get('case')}))
        for case in cases:
            if case.state != 'draft':
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_material_add',
                        case=case.rec_name))
        # Their check_open does not look them up again
        Case._found_open(cases)
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
            # Their check_open does not look them up again
            Case._found_open({m.case for m in materials})
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
