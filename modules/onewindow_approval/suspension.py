# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_matters.matter import MAX_DAYS
from trytond.modules.onewindow_hall.model import transition
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .case import CaseLineMixin
from .exceptions import CaseAccessError, ReviewError


class CaseSuspension(CaseLineMixin, Workflow, ModelSQL, ModelView):
    """Case Suspension

    A special procedure (site survey, technical review, expert review,
    hearing, public notice) or an in-process supplement (过程补件) during
    which the clock of the case stops.  The department enters it on the case
    and suspends the case; the applicant gets the written notice
    (特殊程序审查期限告知书).  When the case resumes, its deadline moves by the
    working days the clock stood still."""
    __name__ = 'onewindow.case.suspension'
    _states = {
        'readonly': Eval('state') != 'draft',
        }

    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE',
        states=_states)
    kind = fields.Selection('get_kinds', "Kind", required=True,
        states=_states,
        help="A special procedure allowed by the matter, or an in-process "
        "supplement of materials.")
    kind_string = kind.translated('kind')
    description = fields.Text("Description", size=2000, required=True,
        states=_states,
        help="What is done and why; printed on the notice to the "
        "applicant.")
    expected_days = fields.Integer("Expected Duration", states=_states,
        domain=['OR',
            ('expected_days', '=', None),
            [('expected_days', '>=', 0), ('expected_days', '<=', MAX_DAYS)],
            ],
        help="In working days; printed on the notice.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('running', "Running"),
            ('done', "Done"),
            ], "State", required=True, readonly=True, sort=False)
    start_date = fields.Date("Start Date", readonly=True)
    end_date = fields.Date("End Date", readonly=True)
    days = fields.Integer("Working Days", readonly=True,
        help="The working days after the start date up to the end date: "
        "the time the clock of the case stood still.")
    started_by = fields.Many2One(
        'company.employee', "Started by", readonly=True,
        ondelete='RESTRICT')
    ended_by = fields.Many2One(
        'company.employee', "Ended by", readonly=True, ondelete='RESTRICT')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('case')
        cls._sql_indexes.add(Index(t, (t.case, Index.Equality())))
        cls._order = [('case', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'running'),
            ('running', 'done'),
            }

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def get_kinds(cls):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        kinds = Matter.fields_get(
            ['special_procedures'])['special_procedures']['selection']
        return kinds + [('supplement', gettext(
                    'onewindow_approval.msg_suspension_supplement'))]

    def get_rec_name(self, name):
        return '%s: %s' % (self.case.rec_name, self.kind_string)

    @classmethod
    def delete(cls, suspensions):
        for suspension in suspensions:
            if suspension.state != 'draft':
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_suspension_delete',
                        suspension=suspension.rec_name))
        super().delete(suspensions)

    @classmethod
    def copy(cls, suspensions, default=None):
        default = default.copy() if default is not None else {}
        for name in ['start_date', 'end_date', 'days', 'started_by',
                'ended_by']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(suspensions, default=default)

    def allowed(self):
        "Return True if the matter of the case allows the procedure"
        return (self.kind == 'supplement'
            or self.kind in (self.case.matter.special_procedures or []))

    @classmethod
    @Workflow.transition('running')
    @set_employee('started_by')
    def start(cls, suspensions, date):
        "Stop the clock of the cases from date"
        for suspension in suspensions:
            suspension.start_date = date
        cls.save(suspensions)

    @classmethod
    @Workflow.transition('done')
    @set_employee('ended_by')
    def stop(cls, suspensions, date):
        "Start the clock again on date and count the days it stood still"
        for suspension in suspensions:
            suspension.end_date = date
            suspension.days = suspension.case.calendar.working_days_between(
                suspension.start_date, date)
        cls.save(suspensions)


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'

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

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
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
                'extend': {
                    'invisible': Eval('state') != 'review',
                    'readonly': ~Eval('extension_days'),
                    'icon': 'tryton-history',
                    'depends': ['state', 'extension_days'],
                    },
                })

    @classmethod
    def check_extension_days(cls, cases, field_names=None):
        "Raise if the extension asked goes beyond the bound of the law"
        if field_names is not None and 'extension_days' not in field_names:
            return
        for case in cases:
            if case.extension_days:
                case.check_extension_bound()

    def check_extension_bound(self):
        """Raise if the extension asked and the days already extended go
        beyond the bound of the law; return the days extended in all"""
        total = (self.extended_days or 0) + self.extension_days
        if total > self.extension_limit:
            raise ReviewError(gettext(
                    'onewindow_approval.msg_case_extend_bound',
                    case=self.rec_name, days=self.extension_days,
                    extended=self.extended_days or 0,
                    limit=self.extension_limit,
                    handling=self.matter.handling_string))
        return total

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
    def extend(cls, cases):
        """Extend the time limit of the cases, as the head of the department
        approves, within the bound of the law"""
        pool = Pool()
        Date = pool.get('ir.date')
        User = pool.get('res.user')
        cls.lock_calendars(cases)
        today = Date.today()
        employee = User.get_employee()
        args, comments = [], {}
        for case in cases:
            if not User.is_department_head(case.department):
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
            total = case.check_extension_bound()
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
