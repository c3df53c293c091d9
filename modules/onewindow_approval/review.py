# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_hall.ir import now as hall_now
from trytond.cache import Cache
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, Problems, real_date, transition)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .case import CaseLineMixin
from .exceptions import CaseAccessError, ReviewError
from .supervision import FLAGS, deadline_flag, warning_date


class CaseStep(
        ButtonStateMixin, CaseLineMixin,
        sequence_ordered(), Workflow, ModelSQL, ModelView):
    """Case Step

    One back-office step of a case (承办, 审核, 批准 ...), copied from the
    steps of the matter version when the case is handed over to the
    department.  Each step has its own working-day limit, counted from the
    day it starts, and records who did it and when."""
    __name__ = 'onewindow.case.step'
    _states = {
        'readonly': Eval('state') != 'running',
        }

    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE',
        readonly=True)
    name = fields.Char("Name", required=True, readonly=True)
    kind = fields.Selection('get_kinds', "Kind", required=True,
        readonly=True)
    limit = fields.Integer("Time Limit", required=True, readonly=True,
        help="In working days, from the day the step starts.")
    state = fields.Selection([
            ('waiting', "Waiting"),
            ('running', "Running"),
            ('done', "Done"),
            ], "State", required=True, readonly=True, sort=False)
    start_date = fields.Date("Start Date", readonly=True)
    deadline = fields.Date("Deadline", readonly=True,
        help="The start date plus the time limit of the step; it moves "
        "when the clock of the case stops.")
    done_date = fields.Date("Done on", readonly=True)
    done_by = fields.Many2One(
        'company.employee', "Done by", readonly=True, ondelete='RESTRICT')
    comment = fields.Text("Comment", size=4000, states=_states,
        help="The opinion of the step (承办意见, 审核意见 ...).")
    flag = fields.Function(fields.Selection(FLAGS, "Deadline Flag",
            help="Warning when one working day or less is left, overdue "
            "when the deadline has passed; a step done late stays "
            "overdue."),
        'get_flag')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('case')
        cls._sql_indexes.add(Index(t, (t.case, Index.Equality())))
        cls._transitions |= {
            ('waiting', 'running'),
            ('running', 'done'),
            }
        cls._buttons.update({
                'complete': {
                    'invisible': Eval('state') != 'running',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('flag') == 'overdue', 'danger',
                    If(Eval('flag') == 'warning', 'warning', ''))),
            ]

    @classmethod
    def default_state(cls):
        return 'waiting'

    @classmethod
    def get_kinds(cls):
        pool = Pool()
        Step = pool.get('onewindow.matter.step')
        return Step.fields_get(['kind'])['kind']['selection']

    @classmethod
    def matter_values(cls, matter):
        "Return the values of the steps of the matter version"
        return [{
                'sequence': s.sequence,
                'name': s.name,
                'kind': s.kind,
                'limit': s.limit or 0,
                'state': 'waiting',
                } for s in matter.steps]

    @classmethod
    def get_flag(cls, steps, name):
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        flags = {}
        warnings = {}
        for step in steps:
            if step.state == 'waiting' or not step.deadline:
                flags[step.id] = None
            elif step.state == 'done':
                flags[step.id] = (
                    'overdue' if step.done_date > step.deadline
                    else 'normal')
            else:
                calendar = step.case.calendar
                if calendar not in warnings:
                    warnings[calendar] = warning_date(calendar, today)
                flags[step.id] = deadline_flag(
                    step.deadline, today, warnings[calendar])
        return flags

    def get_rec_name(self, name):
        return self.name

    @classmethod
    @Workflow.transition('running')
    def start(cls, steps, date):
        "Start the steps on date"
        for step in steps:
            step.start_date = date
            step.deadline = step.case.calendar.add_working_days(
                date, step.limit or 0)
        cls.save(steps)

    @classmethod
    def postpone(cls, steps, days):
        "Move the deadlines of the running steps by days working days"
        if not days:
            return
        steps = [s for s in steps if s.state == 'running' and s.deadline]
        for step in steps:
            step.deadline = step.case.calendar.add_working_days(
                step.deadline, days)
        cls.save(steps)

    @classmethod
    def close(cls, steps, kinds=None):
        """Mark as done by the current employee the steps that are not done
        yet (of the kinds, all by default)"""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        steps = [s for s in steps if s.state != 'done'
            and (kinds is None or s.kind in kinds)]
        # A step closed before its turn starts and ends on the same day
        cls.start([s for s in steps if s.state == 'waiting'], today)
        cls.finish(steps, today)

    @classmethod
    @Workflow.transition('done')
    @set_employee('done_by')
    def finish(cls, steps, date):
        "Record that the running steps are done on date"
        for step in steps:
            step.done_date = date
        cls.save(steps)

    def may_complete(self):
        """Return True if the current user may complete the step: an
        approver of the case's department, or for a review step a team
        leader with the initial review power over the matter"""
        pool = Pool()
        Authorization = pool.get('onewindow.authorization')
        if Pool().get('res.user').is_department_approver(self.case.department):
            return True
        employee = Pool().get('res.user').get_employee()
        return bool(self.kind == 'review' and employee
            and Authorization.is_authorized(
                employee, self.case.matter, 'initial_review'))

    @classmethod
    @ModelView.button
    def complete(cls, steps):
        "Record that the step is done and start the next one"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Date = pool.get('ir.date')
        today = Date.today()
        steps = [s for s in steps if s.state == 'running']
        for step in steps:
            if step.case.state != 'review':
                raise ReviewError(gettext(
                        'onewindow_approval.msg_step_case_state',
                        step=step.rec_name, case=step.case.rec_name,
                        state=step.case.state_string))
            if not step.may_complete():
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_step_not_yours',
                        step=step.rec_name, case=step.case.rec_name,
                        department=step.case.department.rec_name))
            if step.kind == 'opinion':
                pending = [o.department.rec_name for o in step.case.opinions
                    if o.state == 'pending']
                if pending:
                    raise ReviewError(gettext(
                            'onewindow_approval.msg_step_opinions_pending',
                            step=step.rec_name, case=step.case.rec_name,
                            departments='、'.join(pending)))
        cls.finish(steps, today)
        cls.start(cls.next_steps(steps), today)
        comments = defaultdict(list)
        for step in steps:
            text = gettext('onewindow_approval.msg_step_log',
                step=step.name, deadline=step.deadline.isoformat())
            if step.comment:
                text += ' ' + step.comment
            comments[step.case].append(text)
        Case.log_event(list(comments), 'step', comments={
                c: '\n'.join(t) for c, t in comments.items()})

    @classmethod
    def next_steps(cls, steps):
        "Return the waiting steps that follow the steps in their case"
        result = []
        for case in {s.case for s in steps}:
            if any(s.state == 'running' for s in case.steps):
                continue
            waiting = [s for s in case.steps if s.state == 'waiting']
            if waiting:
                result.append(waiting[0])
        return result

    @classmethod
    def copy(cls, steps, default=None):
        default = default.copy() if default is not None else {}
        for name in ['start_date', 'deadline', 'done_date', 'done_by']:
            default.setdefault(name, None)
        default.setdefault('state', 'waiting')
        return super().copy(steps, default=default)


class CaseOpinion(
        ButtonStateMixin, CaseLineMixin, Workflow,
        ModelSQL, ModelView):
    """Case Opinion

    The opinion of a co-department on a joint case (联办意见), created for
    each co-department of the matter when the case is handed over.  Only
    the co-department gives it; a disagreeing opinion must be answered by
    the lead department, which resolves it in a recorded comment or denies
    the application."""
    __name__ = 'onewindow.case.opinion'
    _states = {
        'readonly': Eval('state') != 'pending',
        }

    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE',
        readonly=True)
    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='RESTRICT', readonly=True,
        help="The co-department that gives the opinion.")
    opinion = fields.Selection([
            (None, ""),
            ('agree', "Agree"),
            ('disagree', "Disagree"),
            ], "Opinion", sort=False, states=_states)
    opinion_string = opinion.translated('opinion')
    comment = fields.Text("Comment", size=4000, states=_states,
        help="The reasons of the opinion; required to disagree.")
    given_by = fields.Many2One(
        'company.employee', "Given by", readonly=True, ondelete='RESTRICT')
    given_date = fields.DateTime("Given at", readonly=True)
    resolution = fields.Text("Resolution", size=4000,
        states={
            'readonly': (Eval('state') != 'given')
            | Bool(Eval('resolved_by')),
            'invisible': Eval('opinion') != 'disagree',
            },
        help="How the lead department answers the disagreement; "
        "recorded in the case's log.")
    resolved_by = fields.Many2One(
        'company.employee', "Resolved by", readonly=True,
        ondelete='RESTRICT',
        states={
            'invisible': Eval('opinion') != 'disagree',
            })
    resolved_date = fields.DateTime("Resolved at", readonly=True,
        states={
            'invisible': Eval('opinion') != 'disagree',
            })
    state = fields.Selection([
            ('pending', "Pending"),
            ('given', "Given"),
            ], "State", required=True, readonly=True, sort=False)
    own = fields.Function(fields.Boolean("Own",
            help="The opinion is for one of the user's departments."),
        'get_own', searcher='search_own')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.case, Index.Equality())),
                Index(t, (t.department, Index.Equality())),
                })
        cls._order = [('case', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('pending', 'given'),
            }
        cls._buttons.update({
                'give_opinion': {
                    'invisible': Eval('state') != 'pending',
                    'readonly': ~Eval('opinion'),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'opinion'],
                    },
                'resolve': {
                    'invisible': ((Eval('state') != 'given')
                        | (Eval('opinion') != 'disagree')
                        | Bool(Eval('resolved_by'))),
                    'readonly': ~Eval('resolution'),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'opinion', 'resolved_by',
                        'resolution'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    def get_rec_name(self, name):
        return '%s: %s' % (self.case.rec_name, self.department.rec_name)

    @classmethod
    def get_own(cls, opinions, name):
        pool = Pool()
        User = pool.get('res.user')
        departments = set(User.get_departments())
        return {o.id: o.department.id in departments for o in opinions}

    @classmethod
    def search_own(cls, name, clause):
        pool = Pool()
        User = pool.get('res.user')
        _, operator, value = clause
        if (operator == '=') == bool(value):
            operator = 'in'
        else:
            operator = 'not in'
        return [('department', operator, list(User.get_departments()))]

    @property
    def open_disagreement(self):
        return self.opinion == 'disagree' and not self.resolved_by

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Case = pool.get('onewindow.case')
        opinions = super().create(vlist)
        Case._opinion_cases_cache.clear()
        return opinions

    @classmethod
    def delete(cls, opinions):
        pool = Pool()
        Case = pool.get('onewindow.case')
        super().delete(opinions)
        Case._opinion_cases_cache.clear()

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Case = pool.get('onewindow.case')
        transaction = Transaction()
        actions = iter(args)
        if any(values.keys() & {'case', 'department'}
                for _, values in zip(actions, actions)):
            Case._opinion_cases_cache.clear()
        if transaction.user and transaction.check_access:
            actions = iter(args)
            for opinions, values in zip(actions, actions):
                if values.keys() & {'opinion', 'comment'}:
                    for opinion in opinions:
                        opinion.check_giver()
                if 'resolution' in values:
                    for opinion in opinions:
                        opinion.check_resolver()
        super().write(*args)

    def check_giver(self):
        """Raise if the current user may not give the opinion: it is given
        once, by an approver of its department"""
        pool = Pool()
        User = pool.get('res.user')
        if (self.state != 'pending'
                or not User.is_department_approver(self.department)):
            raise CaseAccessError(gettext(
                    'onewindow_approval.msg_opinion_not_yours',
                    opinion=self.rec_name,
                    department=self.department.rec_name))

    def check_resolver(self):
        """Raise if the current user may not record the answer to the
        opinion: it is recorded once, by an approver of the lead
        department"""
        pool = Pool()
        User = pool.get('res.user')
        if (self.resolved_by
                or not User.is_department_approver(self.case.department)):
            raise CaseAccessError(gettext(
                    'onewindow_approval.msg_opinion_resolution_not_yours',
                    opinion=self.rec_name,
                    department=self.case.department.rec_name))

    def check_case_state(self):
        "Raise if the case of the opinion is no longer under review"
        if self.case.state not in {'review', 'suspended'}:
            raise ReviewError(gettext(
                    'onewindow_approval.msg_opinion_case_state',
                    opinion=self.rec_name,
                    state=self.case.state_string))

    @classmethod
    @ModelView.button
    @transition('given')
    @set_employee('given_by')
    def give_opinion(cls, opinions):
        "Give the opinion of the co-department"
        pool = Pool()
        Case = pool.get('onewindow.case')
        for opinion in opinions:
            opinion.check_giver()
            opinion.check_case_state()
            if not opinion.opinion:
                raise ReviewError(gettext(
                        'onewindow_approval.msg_opinion_missing',
                        opinion=opinion.rec_name))
            if opinion.opinion == 'disagree' and not opinion.comment:
                raise ReviewError(gettext(
                        'onewindow_approval.msg_opinion_disagree_comment',
                        opinion=opinion.rec_name))
        cls.write(opinions, {'given_date': hall_now()})
        comments = defaultdict(list)
        for opinion in opinions:
            comments[opinion.case].append(gettext(
                    'onewindow_approval.msg_opinion_log',
                    department=opinion.department.rec_name,
                    opinion=opinion.opinion_string,
                    comment=opinion.comment or ''))
        Case.log_event(list(comments), 'opinion', comments={
                c: '\n'.join(t) for c, t in comments.items()})

    @classmethod
    @ModelView.button
    @set_employee('resolved_by')
    def resolve(cls, opinions):
        "Record how the lead department answers a disagreeing opinion"
        pool = Pool()
        Case = pool.get('onewindow.case')
        opinions = [o for o in opinions if o.open_disagreement]
        for opinion in opinions:
            opinion.check_resolver()
            opinion.check_case_state()
            if not opinion.resolution:
                raise ReviewError(gettext(
                        'onewindow_approval.msg_opinion_resolution_missing',
                        opinion=opinion.rec_name))
        cls.write(opinions, {'resolved_date': hall_now()})
        comments = defaultdict(list)
        for opinion in opinions:
            comments[opinion.case].append(gettext(
                    'onewindow_approval.msg_opinion_resolve_log',
                    department=opinion.department.rec_name,
                    resolution=opinion.resolution))
        Case.log_event(list(comments), 'resolve', comments={
                c: '\n'.join(t) for c, t in comments.items()})

    @classmethod
    def create_for(cls, cases):
        "Create the pending opinions of the co-departments of joint cases"
        opinions = []
        for case in cases:
            if case.matter.handling != 'joint':
                continue
            given = {o.department for o in case.opinions}
            for department in sorted(
                    case.matter.co_departments, key=lambda d: d.code):
                if department not in given:
                    opinions.append(cls(case=case, department=department))
        cls.save(opinions)
        return opinions


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'

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
    # Escalated matters
    _escalated_states = {
        'invisible': Eval('handling') != 'escalated',
        }
    _report_states = {
        'readonly': Eval('state') != 'review',
        'invisible': Eval('handling') != 'escalated',
        }
    _higher_states = {
        'readonly': Eval('state') != 'escalated',
        'invisible': Eval('handling') != 'escalated',
        }
    county_review_deadline = fields.Date("County Review Deadline",
        readonly=True,
        states=_escalated_states,
        help="The county reviews an escalated matter within 20 working days "
        "of the acceptance before it reports it to the higher authority.")
    escalated_to = fields.Char("Higher Authority", size=200, readonly=True,
        states=_escalated_states)
    escalation_number = fields.Char("Report Number", size=100,
        states=_report_states,
        help="The number of the document that reports the case to the "
        "higher authority.")
    escalation_document = fields.Binary("Report Document",
        filename='escalation_document_name',
        states=_report_states)
    escalation_document_name = fields.Char("Report Document Name", size=255,
        states=_escalated_states)
    escalation_date = fields.Date("Report Date", readonly=True,
        states=_escalated_states)
    escalated_by = fields.Many2One(
        'company.employee', "Reported by", readonly=True,
        states=_escalated_states)
    higher_decision = fields.Selection([
            (None, ""),
            ('approved', "Approved"),
            ('denied', "Denied"),
            ], "Higher Decision", sort=False,
        states=_higher_states,
        help="The decision of the higher authority.")
    higher_decision_number = fields.Char("Higher Decision Number", size=100,
        states=_higher_states)
    higher_decision_date = fields.Date("Higher Decision Date",
        domain=real_date('higher_decision_date'),
        states=_higher_states)
    higher_decision_document = fields.Binary("Higher Decision Document",
        filename='higher_decision_document_name',
        states=_higher_states)
    higher_decision_document_name = fields.Char(
        "Higher Decision Document Name", size=255,
        states=_escalated_states)

    del _escalated_states, _report_states, _higher_states

    # The cases on which departments (by tuple of ids) gave an opinion
    _opinion_cases_cache = Cache(
        'onewindow.case.opinion_cases', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'escalate': {
                    'invisible': ((Eval('state') != 'review')
                        | (Eval('handling') != 'escalated')),
                    'readonly': ~Eval('escalation_number'),
                    'icon': 'tryton-launch',
                    'depends': ['state', 'handling', 'escalation_number'],
                    },
                })

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

    @classmethod
    def get_current_step(cls, cases, name):
        result = {}
        for case in cases:
            running = [s for s in case.steps if s.state == 'running']
            result[case.id] = running[0].id if running else None
        return result

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
    def get_may_decide(cls, cases, name):
        pool = Pool()
        Date = pool.get('ir.date')
        User = pool.get('res.user')
        today = Date.today()
        employee = User.get_employee()
        return {c.id: (c.state in {'accepted', 'review', 'escalated'}
                and not c.get_decision_refusal(employee, today))
            for c in cases}

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
        errors = Problems(
            ReviewError, 'onewindow_approval.msg_case_escalate_problems')
        comments = {}
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
            if errors.add(case, problems):
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
        errors.check()
        cls.save(cases)
        Step.close([s for c in cases for s in c.steps],
            kinds={'review', 'other'})
        cls.log_event(cases, 'escalate', state='escalated',
            comments=comments)
