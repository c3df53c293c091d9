# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Electronic supervision (电子监察): the yellow and red cards of the
deadlines and the violations"""
import datetime as dt
import re
import time

from sql import Column, Literal, Null, Union
from sql.aggregate import Max
from sql.conditionals import Case as SqlCase
from sql.conditionals import Coalesce
from sql.operators import Concat, Exists

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.onewindow_hall.ir import now as hall_now
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, transition)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .supervision import warning_date
from .exceptions import CardAccessError, CardError, FeeError

COLOURS = [
    ('yellow', "Yellow Card"),
    ('red', "Red Card"),
    ]

KINDS = [
    ('deadline', "Deadline"),
    ('refused_complete', "Complete Application Refused"),
    ('fee_on_feeless', "Fee on a Fee-less Matter"),
    ]


def sql_message(msg_id, texts=None, **columns):
    """Return the SQL expression of the message msg_id with the columns
    (SQL expressions) and the texts put in its place holders"""
    markers = {name: '\x00%s\x00' % name for name in columns}
    text = gettext(msg_id, **markers, **(texts or {}))
    expression = None
    for i, part in enumerate(re.split('\x00(\\w+)\x00', text)):
        if i % 2:
            value = columns[part]
        elif part:
            value = Literal(part)
        else:
            continue
        expression = value if expression is None else Concat(
            expression, value)
    return expression


class Card(
        ButtonStateMixin, Workflow, ModelSQL,
        ModelView):
    """Supervision Card

    A yellow card when a case or one of its steps has one working day or
    less left, a red card when its deadline has passed; a red card also
    flags a violation (a complete application refused, a fee on a matter
    that charges none).  The sweep issues and closes the deadline cards;
    the department head or the supervisor resolves a card with a reason."""
    __name__ = 'onewindow.card'

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    case = fields.Many2One(
        'onewindow.case', "Case", required=True, readonly=True,
        ondelete='CASCADE')
    step = fields.Many2One(
        'onewindow.case.step', "Step", readonly=True, ondelete='CASCADE',
        help="The step of the case that is late, if the card is about a "
        "step.")
    department = fields.Many2One(
        'onewindow.department', "Department", required=True, readonly=True,
        ondelete='RESTRICT')
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True,
        sort=False)
    kind_string = kind.translated('kind')
    colour = fields.Selection(COLOURS, "Colour", required=True,
        readonly=True, sort=False)
    colour_string = colour.translated('colour')
    deadline = fields.Date("Deadline", readonly=True,
        help="The deadline of the case or of the step when the card was "
        "issued.")
    issue_date = fields.Date("Issued on", required=True, readonly=True)
    employee = fields.Many2One(
        'company.employee', "Staff", readonly=True,
        help="Who committed the violation.")
    description = fields.Text("Description", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('resolved', "Resolved"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    resolution_date = fields.DateTime("Resolved at", readonly=True)
    resolved_by = fields.Many2One(
        'company.employee', "Resolved by", readonly=True,
        help="Empty when the sweep closed the card.")
    resolution = fields.Text("Resolution", readonly=True,
        states={
            'invisible': Eval('state') != 'resolved',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.case, Index.Equality())),
                Index(t, (t.step, Index.Equality()),
                    where=t.step != Null),
                Index(
                    t, (t.department, Index.Equality()),
                    (t.issue_date, Index.Range())),
                # A B-tree: a hash index keeps all the open cards in one
                # bucket, and each insert walks its chain
                Index(t, (t.state, Index.Range()),
                    where=t.state == 'open'),
                })
        cls._order = [('issue_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('open', 'resolved')}
        cls._buttons.update({
                'resolve': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def view_attributes(cls):
        # The open cards are shown in their colour
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'open',
                    If(Eval('colour') == 'red', 'danger', 'warning'), '')),
            ]

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def create(cls, vlist):
        cards = super().create(vlist)
        if Transaction().context.get('onewindow_today') and cards:
            # The demo loader works each day of its story on that day: a
            # card is created on the day it is issued, as those of the
            # sweep (hall_now() is the current time on any other database)
            card = cls.__table__()
            cursor = Transaction().connection.cursor()
            for sub_ids in grouped_slice([c.id for c in cards]):
                cursor.execute(*card.update(
                        [card.create_date], [hall_now()],
                        where=reduce_ids(card.id, sub_ids)))
        return cards

    def get_rec_name(self, name):
        return '%s %s' % (self.colour_string, self.case.rec_name)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('case.rec_name',) + tuple(clause[1:])]

    @classmethod
    @ModelView.button_action('onewindow_approval.wizard_card_resolve')
    def resolve(cls, cards):
        pass

    def may_resolve(self):
        """Return True if the current user may resolve the card: the head
        of its department, a supervisor or a center administrator"""
        User = Pool().get('res.user')
        return ((self.department and User.is_department_head(self.department))
            or User.in_group('onewindow_hall', 'group_supervisor')
            or User.in_group('onewindow_hall', 'group_hall_admin'))

    @classmethod
    @transition('resolved')
    def close(cls, cards, resolution):
        "Resolve the open cards with the resolution by the current user"
        resolution = (resolution or '').strip()
        for card in cards:
            if not resolution:
                raise CardError(gettext(
                        'onewindow_approval.msg_card_resolution_required',
                        card=card.rec_name))
            if not card.may_resolve():
                raise CardAccessError(gettext(
                        'onewindow_approval.msg_card_resolve_not_yours',
                        card=card.rec_name,
                        # A card of the center's own has no department
                        department=(card.department.rec_name
                            if card.department else '-')))
        employee = Pool().get('res.user').get_employee()
        cls.write(cards, {
                'resolution': resolution,
                'resolution_date': hall_now(),
                'resolved_by': employee.id if employee else None,
                })

    # The sweep

    @classmethod
    def _warning_column(cls, hall, today):
        """Return the SQL expression of the last deadline that gets a yellow
        card today: the next working day of the calendar of each hall,
        computed once per hall"""
        pool = Pool()
        Hall = pool.get('onewindow.hall')
        with without_check_access():
            halls = Hall.search([])
        tomorrow = today + dt.timedelta(days=1)
        dates = {h.id: warning_date(h.calendar, today) for h in halls}
        if not dates:
            return tomorrow, tomorrow
        return (SqlCase(*((hall == h, d) for h, d in dates.items()),
                else_=tomorrow), max(dates.values()))

    @classmethod
    def sweep(cls, full=False):
        """Issue the deadline cards of the running cases and steps and close
        those that no longer apply; called by the scheduler

        Everything is done in a few set-based queries, whatever the number
        of open cases: the calendar is read once per hall.  A sweep looks
        only at the cases that may have changed since the previous one (see
        _changed_cases) unless full is set, there was no previous sweep, or
        a calendar changed since."""
        pool = Pool()
        Date = pool.get('ir.date')
        Sweep = pool.get('onewindow.card.sweep')
        today = Date.today()
        # The demo loader sweeps each day of its story on that day
        now = hall_now()
        start = time.perf_counter()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        # Two sweeps at the same time would issue the cards twice
        cls.lock()
        card = cls.__table__()
        cursor.execute(*card.select(Coalesce(Max(card.id), 0)))
        last_id, = cursor.fetchone()
        cases = None
        if not full:
            previous = Sweep.previous()
            if previous:
                cases = cls._changed_cases(previous, today)
        if cases is not None and len(cases) > cls._incremental_limit:
            cases = None
        closed = cls._close_obsolete(today, now, cases)
        if cases is None or cases:
            # The new cards are read in one query, then inserted: an
            # INSERT ... SELECT would look for the existing cards in a table
            # that grows with each row it inserts, with the plan of a table
            # that the planner believed empty (row by row, for minutes at
            # the first sweep of a large hall)
            card = cls.__table__()
            new = Union(*(query(colour, today, now, cases)
                    for colour in ['red', 'yellow']
                    for query in [
                        cls._case_cards_query, cls._step_cards_query]),
                all_=True)
            columns = cls._insert_columns(card)
            cursor.execute(*new.select(
                    *(Column(new, c.name) for c in columns)))
            rows = cursor.fetchall()
            for sub_rows in grouped_slice(rows, 5000):
                cursor.execute(*card.insert(columns, list(sub_rows)))
            if len(rows) > 1000:
                # The first sweep of a large hall issues many cards at
                # once: the planner must know it before the next queries
                # read them
                cls._analyze()
        closed += cls._close_upgraded(today, now, cases)
        card = cls.__table__()
        new = card.select(card.id,
            where=(card.id > last_id) & (card.kind == 'deadline'))
        cls.notify(new)
        cursor.execute(*new)
        ids = [i for i, in cursor]
        Sweep.create([{
                    'date': today,
                    'start': now,
                    'full': cases is None,
                    'cases': len(cases) if cases is not None else None,
                    'issued': len(ids),
                    'closed': closed,
                    'duration': dt.timedelta(
                        seconds=time.perf_counter() - start),
                    }])
        return ids

    # The cases changed since the previous sweep are those whose case or
    # steps were written since, with this margin for the transactions that
    # were running when it read them (their write date is their start)
    _change_margin = dt.timedelta(hours=1)
    # Above this number of changed cases a full sweep is as fast
    _incremental_limit = 50000

    @classmethod
    def _changed_cases(cls, previous, today):
        """Return the ids of the cases whose cards may differ from those of
        the previous sweep, or None when every case must be swept

        They are the cases written since the previous sweep, or with a step
        written since, and the running cases and steps whose deadline
        crossed a limit as the days passed: due since the previous day of
        sweep, or up to the warning date of today.  A change of a calendar
        or of a hall since the previous sweep moves the warning dates of
        every case: it makes a full sweep."""
        pool = Pool()
        Case = pool.get('onewindow.case')
        Step = pool.get('onewindow.case.step')
        if previous.date > today:
            return None
        since = previous.start - cls._change_margin
        if cls._calendars_changed(since):
            return None
        cursor = Transaction().connection.cursor()
        case = Case.__table__()
        step = Step.__table__()
        _, last_warning = cls._warning_column(case.hall, today)
        queries = [
            case.select(case.id,
                where=(case.write_date >= since)
                | (case.create_date >= since)),
            step.select(step.case,
                where=(step.write_date >= since)
                | (step.create_date >= since)),
            case.select(case.id,
                where=case.state.in_(Case._deadline_states)
                & (case.deadline >= previous.date)
                & (case.deadline <= last_warning)),
            step.select(step.case,
                where=(step.state == 'running')
                & (step.deadline >= previous.date)
                & (step.deadline <= last_warning)),
            ]
        cursor.execute(*Union(*queries))
        return sorted(i for i, in cursor)

    @classmethod
    def _calendars_changed(cls, since):
        "Return True if a calendar or a hall changed since the datetime"
        pool = Pool()
        cursor = Transaction().connection.cursor()
        for name in ['onewindow.hall', 'onewindow.calendar',
                'onewindow.calendar.year', 'onewindow.calendar.day']:
            table = pool.get(name).__table__()
            cursor.execute(*table.select(Literal(1),
                    where=(table.write_date >= since)
                    | (table.create_date >= since),
                    limit=1))
            if cursor.fetchone():
                return True
        return False

    @classmethod
    def _in_cases(cls, column, cases):
        "Return the condition on column of the ids of cases (None for all)"
        if cases is None:
            return Literal(True)
        return reduce_ids(column, cases)

    @classmethod
    def _analyze(cls):
        """Refresh the statistics of the planner after a bulk insert: the
        next queries of the sweep look for the cards just issued, which a
        planner that believes the table empty does row by row"""
        if backend.name == 'postgresql':
            cursor = Transaction().connection.cursor()
            cursor.execute('ANALYZE "%s"' % cls._table)

    @classmethod
    def _insert_columns(cls, card):
        return [card.company, card.case, card.step, card.department,
            card.kind, card.colour, card.deadline, card.issue_date,
            card.state, card.create_uid, card.create_date]

    @classmethod
    def _card_columns(
            cls, company, case, step, department, colour, deadline, today,
            user, now):
        "Return the columns of a new deadline card, named as _insert_columns"
        values = [company, case, step, department, Literal('deadline'),
            Literal(colour), deadline, Literal(today), Literal('open'),
            Literal(user), Literal(now)]
        card = cls.__table__()
        return [v.as_(c.name)
            for v, c in zip(values, cls._insert_columns(card))]

    @classmethod
    def _deadline_cards(cls, colour, case, step, deadline, card):
        "Return the condition: no card of colour for this deadline yet"
        condition = ((card.case == case.id) & (card.kind == 'deadline')
            & (card.deadline == deadline))
        if step is None:
            condition &= card.step == Null
        else:
            condition &= card.step == step.id
        if colour == 'red':
            # A yellow card does not prevent the red one
            condition &= card.colour == 'red'
        return ~Exists(card.select(card.id, where=condition))

    @classmethod
    def _flag_condition(cls, colour, deadline, hall, today):
        warning, last_warning = cls._warning_column(hall, today)
        if colour == 'red':
            return deadline < today
        return ((deadline >= today) & (deadline <= last_warning)
            & (deadline <= warning))

    @classmethod
    def _case_cards_query(cls, colour, today, now, cases=None):
        pool = Pool()
        Case = pool.get('onewindow.case')
        case = Case.__table__()
        card = cls.__table__()
        user = Transaction().user
        return case.select(*cls._card_columns(
                case.company, case.id, cls.step.sql_cast(Literal(Null)),
                case.department, colour, case.deadline, today, user, now),
            where=case.state.in_(Case._deadline_states)
            & (case.deadline != Null)
            & cls._in_cases(case.id, cases)
            & cls._flag_condition(colour, case.deadline, case.hall, today)
            & cls._deadline_cards(colour, case, None, case.deadline, card))

    @classmethod
    def _step_cards_query(cls, colour, today, now, cases=None):
        pool = Pool()
        Case = pool.get('onewindow.case')
        Step = pool.get('onewindow.case.step')
        case = Case.__table__()
        step = Step.__table__()
        card = cls.__table__()
        user = Transaction().user
        return step.join(case, condition=step.case == case.id).select(
            *cls._card_columns(
                case.company, case.id, step.id, case.department, colour,
                step.deadline, today, user, now),
            where=case.state.in_(Case._deadline_states)
            & (step.state == 'running') & (step.deadline != Null)
            & cls._in_cases(step.case, cases)
            & cls._flag_condition(colour, step.deadline, case.hall, today)
            & cls._deadline_cards(colour, case, step, step.deadline, card))

    @classmethod
    def _close(cls, where, resolution, now, kind='deadline'):
        """Resolve the open cards of kind of the where condition (a query of
        their ids or a list of ids) and return their number"""
        card = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*card.update(
                [card.state, card.resolution, card.resolution_date,
                    card.write_uid, card.write_date],
                ['resolved', resolution, now, Transaction().user, now],
                where=(card.state == 'open') & (card.kind == kind)
                & card.id.in_(where)))
        return max(cursor.rowcount, 0)

    @classmethod
    def _open_cards(cls, where, cases=None):
        """Return the query of the ids of the open deadline cards of the
        cases (all if None) for which where, a function of the tables of
        the card, its case and its step, holds"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        Step = pool.get('onewindow.case.step')
        card = cls.__table__()
        case = Case.__table__()
        step = Step.__table__()
        return card.join(case, condition=card.case == case.id).join(
            step, 'LEFT', condition=card.step == step.id).select(card.id,
            where=(card.state == 'open') & (card.kind == 'deadline')
            & cls._in_cases(card.case, cases)
            & where(card, case, step))

    @classmethod
    def _close_obsolete(cls, today, now, cases=None):
        """Resolve the open deadline cards of the cases (all if None) and
        steps that no longer run, or whose deadline moved; return their
        number"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        if cases is not None and not cases:
            return 0

        def stopped(card, case, step):
            return (~case.state.in_(Case._deadline_states)
                | ((card.step != Null) & (step.state != 'running')))

        def moved(card, case, step):
            deadline = Coalesce(step.deadline, case.deadline)
            return (deadline == Null) | (deadline != card.deadline)
        closed = cls._close(cls._open_cards(stopped, cases),
            gettext('onewindow_approval.msg_card_closed_stopped'), now)
        closed += cls._close(cls._open_cards(moved, cases),
            gettext('onewindow_approval.msg_card_closed_moved'), now)
        return closed

    @classmethod
    def _close_upgraded(cls, today, now, cases=None):
        """Resolve the yellow cards that a red card replaces: the sweep
        issues a red card for every deadline of a running case or step
        that has passed, and closes the cards of the others; return their
        number"""
        if cases is not None and not cases:
            return 0
        card = cls.__table__()
        upgraded = card.select(card.id,
            where=(card.state == 'open') & (card.kind == 'deadline')
            & (card.colour == 'yellow') & (card.deadline < today)
            & cls._in_cases(card.case, cases))
        return cls._close(upgraded,
            gettext('onewindow_approval.msg_card_closed_upgraded'), now)

    # The violations

    @classmethod
    def flag(cls, cases, kind, descriptions=None, employee=None):
        "Issue a red card of the violation kind for each case"
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        vlist = [{
                'company': c.company.id,
                'case': c.id,
                'department': c.department.id,
                'kind': kind,
                'colour': 'red',
                'deadline': c.deadline,
                'issue_date': today,
                'employee': employee,
                'description': (descriptions or {}).get(c),
                } for c in cases]
        with without_check_access():
            cards = cls.create(vlist)
        card = cls.__table__()
        cls.notify(card.select(card.id,
                where=card.id.in_([c.id for c in cards])))
        return cards

    @classmethod
    def flag_after(cls, case_ids, kind, descriptions):
        """Flag the violation in a transaction of its own once the current
        one ends: the attempt is recorded even when it is refused"""
        transaction = Transaction()
        database = transaction.database.name
        context = {k: v for k, v in transaction.context.items()
            if not k.startswith('_')}
        employee = Pool().get('res.user').get_employee()
        employee = employee.id if employee else None

        def flag():
            with Transaction(new=True).start(database, 0, context=context):
                Case = Pool().get('onewindow.case')
                cases = Case.browse(case_ids)
                cls.flag(cases, kind, descriptions={
                        c: descriptions.get(c.id) for c in cases},
                    employee=employee)
        transaction.atexit(flag)

    # The notifications

    @classmethod
    def notify(cls, cards):
        """Record a notification to the department of each of the cards
        (a query of card ids) that has a phone number, and send them once
        the transaction is committed; return the ids of the notifications"""
        pool = Pool()
        Notification = pool.get('onewindow.case.notification')
        Case = pool.get('onewindow.case')
        Step = pool.get('onewindow.case.step')
        Department = pool.get('onewindow.department')
        Party = pool.get('party.party')
        cursor = Transaction().connection.cursor()
        colours = dict(cls.fields_get(['colour'])['colour']['selection'])
        kinds = dict(cls.fields_get(['kind'])['kind']['selection'])
        user = Transaction().user
        now = hall_now()
        notification = Notification.__table__()
        card = cls.__table__()
        case = Case.__table__()
        step = Step.__table__()
        department = Department.__table__()
        party = Party.__table__()
        columns = {
            'colour': SqlCase(*((card.colour == k, v)
                        for k, v in colours.items())),
            'kind': SqlCase(*((card.kind == k, v)
                        for k, v in kinds.items())),
            'department': Coalesce(department.short_name, department.name),
            # A refused application has no number
            'number': Coalesce(case.number, party.name),
            'deadline': Coalesce(card.deadline.cast('VARCHAR'), ''),
            'step': Coalesce(step.name, ''),
            }

        def message(msg_id, *names):
            return sql_message('onewindow_approval.' + msg_id,
                **{n: columns[n] for n in names})
        text = SqlCase(
            ((card.kind == 'deadline') & (card.step == Null), message(
                    'msg_card_notification', 'colour', 'department',
                    'number', 'deadline')),
            (card.kind == 'deadline', message(
                    'msg_card_notification_step', 'colour', 'department',
                    'number', 'step', 'deadline')),
            else_=message(
                'msg_card_notification_violation', 'colour', 'department',
                'number', 'kind'))
        query = card.join(case, condition=card.case == case.id
            ).join(department, condition=card.department == department.id
            ).join(party, condition=case.applicant == party.id
            ).join(step, 'LEFT', condition=card.step == step.id
            ).select(
                case.id, card.id, Literal('card'), Literal('sms'),
                department.phone, text, Literal('queued'), Literal(user),
                Literal(now),
                where=card.id.in_(cards) & (department.phone != Null)
                & (department.phone != ''))
        cursor.execute(*notification.insert([
                    notification.case, notification.card, notification.kind,
                    notification.channel, notification.recipient,
                    notification.message, notification.state,
                    notification.create_uid, notification.create_date],
                query))
        notification = Notification.__table__()
        cursor.execute(*notification.select(notification.id,
                where=notification.card.in_(cards)
                & (notification.state == 'queued')))
        ids = [i for i, in cursor]
        if ids:
            # The first sweep of a large hall queues many messages: in
            # tasks of a thousand, by id, without an instance for each
            with Transaction().set_context(queue_batch=1000):
                Notification.__queue__.send(ids)
        return ids


class CardResolveStart(ModelView):
    "Resolve Supervision Cards"
    __name__ = 'onewindow.card.resolve.start'
    resolution = fields.Text("Resolution", required=True,
        help="What was done about the card (the case decided, the step "
        "caught up, the violation corrected or explained).")


class CardResolve(Wizard):
    "Resolve Supervision Cards"
    __name__ = 'onewindow.card.resolve'
    start = StateView('onewindow.card.resolve.start',
        'onewindow_approval.card_resolve_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Resolve", 'resolve', 'tryton-ok', default=True),
            ])
    resolve = StateTransition()

    def transition_resolve(self):
        cards = [c for c in self.records if c.state == 'open']
        with without_check_access():
            self.model.close(cards, self.start.resolution)
        return 'end'


class CardSweep(ModelSQL, ModelView):
    """Supervision Card Sweep

    The record of each run of the sweep: the scheduler's next sweep looks
    only at the cases changed since the previous one."""
    __name__ = 'onewindow.card.sweep'

    date = fields.Date("Date", required=True, readonly=True,
        help="The day the sweep counted the deadlines from.")
    start = fields.DateTime("Started at", required=True, readonly=True)
    full = fields.Boolean("Full", readonly=True,
        help="Whether the sweep read every running case: the first sweep, "
        "and the sweep after a change of a calendar or a hall.")
    cases = fields.Integer("Cases Swept", readonly=True,
        help="The cases changed since the previous sweep, or whose deadline "
        "came near or passed since; empty for a full sweep.")
    issued = fields.Integer("Cards Issued", readonly=True)
    closed = fields.Integer("Cards Closed", readonly=True)
    duration = fields.TimeDelta("Duration", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order = [('start', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.add(Index(t, (t.start, Index.Range())))

    @classmethod
    def previous(cls):
        "Return the last sweep or None"
        with without_check_access():
            sweeps = cls.search([], order=[('start', 'DESC'), ('id', 'DESC')],
                limit=1)
        return sweeps[0] if sweeps else None


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('onewindow.card|sweep', "Issue the Supervision Cards"))


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'

    cards = fields.One2Many(
        'onewindow.card', 'case', "Supervision Cards", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The sweep reads the cases changed since the previous one
        cls._sql_indexes.update({
                Index(t, (t.write_date, Index.Range())),
                Index(t, (t.create_date, Index.Range())),
                })

    # The refusals that a complete application may get: the matter needs no
    # licence or is not within the authority of the county (行政许可法 32)
    _refusals_of_complete = {'not_required', 'not_competent'}

    @classmethod
    def refuse(cls, cases):
        pool = Pool()
        Date = pool.get('ir.date')
        Card = pool.get('onewindow.card')
        today = Date.today()
        complete = [c for c in cases
            if c.state == 'draft'
            and c.refusal_reason not in cls._refusals_of_complete
            and not any(p.applicant for p in c.get_problems(today))]
        super().refuse(cases)
        complete = [c for c in cls.browse(complete) if c.state == 'refused']
        if complete:
            employee = Pool().get('res.user').get_employee()
            Card.flag(complete, 'refused_complete', descriptions={
                    c: gettext(
                        'onewindow_approval.msg_card_refused_complete',
                        case=c.rec_name, reason=c.refusal_reason_string,
                        note=c.refusal_note or '')
                    for c in complete},
                employee=employee.id if employee else None)


class CaseStep(metaclass=PoolMeta):
    __name__ = 'onewindow.case.step'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The sweep reads the running steps by deadline and the steps
        # changed since the previous sweep
        cls._sql_indexes.update({
                Index(t, (t.deadline, Index.Range()),
                    where=t.state == 'running'),
                Index(t, (t.write_date, Index.Range())),
                Index(t, (t.create_date, Index.Range())),
                })


class CaseFee(metaclass=PoolMeta):
    __name__ = 'onewindow.case.fee'

    @classmethod
    def validate_fields(cls, fees, field_names):
        pool = Pool()
        Card = pool.get('onewindow.card')
        try:
            super().validate_fields(fees, field_names)
        except FeeError:
            descriptions = {f.case.id: gettext(
                    'onewindow_approval.msg_card_fee_on_feeless',
                    case=f.case.rec_name, matter=f.case.matter.rec_name,
                    description=f.description, amount=f.amount)
                for f in fees if not f.case.matter.has_fee}
            Card.flag_after(list(descriptions), 'fee_on_feeless',
                descriptions)
            raise


class CaseNotification(metaclass=PoolMeta):
    __name__ = 'onewindow.case.notification'

    card = fields.Many2One(
        'onewindow.card', "Supervision Card", readonly=True,
        ondelete='CASCADE',
        states={
            'invisible': ~Eval('card'),
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.kind.selection.append(('card', "Supervision Card"))
        cls._sql_indexes.add(
            Index(t, (t.card, Index.Equality()), where=t.card != Null))
