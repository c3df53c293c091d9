# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The figures of the supervisor (效能监察): cases received, accepted,
refused, decided and delivered, on-time rate, working days taken and
overdue cases, by department, matter, handling, window, staff and period"""
import calendar
import datetime as dt
import operator
import weakref
from functools import reduce

from sql import Column, Literal, Null, Union, Window
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case as SqlCase
from sql.conditionals import Coalesce
from sql.functions import DateTrunc

from trytond import backend
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.onewindow_hall.exceptions import CalendarError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.report import Report
from trytond.tools import cursor_dict, grouped_slice, reduce_ids
from trytond.transaction import Transaction
from trytond.wizard import Button, StateReport, StateView, Wizard

from .document import cn_date

# The rows found by the searches of each transaction: {transaction: {(model,
# context): {id: row}}}
_searched = weakref.WeakKeyDictionary()

# The figures counted for each event of a case, with the date of the event
EVENTS = ['received', 'accepted', 'refused', 'decided', 'delivered',
    'overdue']


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'

    working_days = fields.Integer("Working Days Taken", readonly=True,
        help="The working days from the acceptance to the decision, "
        "without the days the clock stood still.")

    # The fields the events of the statistics are made of
    _statistic_fields = {
        'company', 'hall', 'department', 'matter', 'window', 'state',
        'application_date', 'acceptance_date', 'decision_date',
        'delivery_date', 'deadline', 'registered_by', 'accepted_by',
        'refused_by', 'decided_by', 'delivered_by', 'refusal_reason',
        'working_days'}

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Event = pool.get('onewindow.statistic.event')
        cases = super().create(vlist)
        Event.refresh_later([c.id for c in cases])
        return cases

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Event = pool.get('onewindow.statistic.event')
        super().write(*args)
        ids = set()
        actions = iter(args)
        for cases, values in zip(actions, actions):
            if cls._statistic_fields.intersection(values):
                ids.update(c.id for c in cases)
        if ids:
            Event.refresh_later(ids)

    @classmethod
    def delete(cls, cases):
        pool = Pool()
        Event = pool.get('onewindow.statistic.event')
        Summary = pool.get('onewindow.statistic.summary')
        ids = [c.id for c in cases]
        Event.refresh_cancel(ids)
        counts = Event.counts(ids)
        # The events go with the cases
        super().delete(cases)
        Summary.add(counts, {})

    @classmethod
    def copy(cls, cases, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('working_days', None)
        return super().copy(cases, default=default)

    @classmethod
    def record_decision(cls, cases, decision):
        super().record_decision(cases, decision)
        for case in cases:
            case.working_days = case.get_working_days()
        cls.save(cases)

    def get_working_days(self):
        "Return the working days taken from the acceptance to the decision"
        if not self.acceptance_date or not self.decision_date:
            return None
        try:
            days = self.calendar.working_days_between(
                self.acceptance_date, self.decision_date)
        except CalendarError:
            days = (self.decision_date - self.acceptance_date).days
        return max(days - (self.suspended_days or 0), 0)


class _EventDataManager:
    """The cases whose events a transaction must write again: once, before
    it commits, however many times it writes them (the acceptance alone
    writes a case three times)"""

    def __init__(self):
        self.case_ids = set()

    def __eq__(self, other):
        return isinstance(other, _EventDataManager)

    def tpc_begin(self, transaction):
        pass

    def commit(self, transaction):
        Pool().get('onewindow.statistic.event').flush()

    def tpc_vote(self, transaction):
        pass

    def tpc_finish(self, transaction):
        self.case_ids.clear()

    def tpc_abort(self, transaction):
        self.case_ids.clear()


class StatisticEvent(ModelSQL):
    """Supervision Statistics Event

    One row for each event of a case (received, accepted, refused,
    decided, delivered, and its deadline for the overdue count), with what
    the statistics group it by.  The rows of a case are written again each
    time the case changes one of the fields they are made of, so the
    statistics of a period read the events of the period, not the cases:
    a narrow table with an index on the date."""
    __name__ = 'onewindow.statistic.event'

    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE')
    event = fields.Selection([
            ('received', "Received"),
            ('accepted', "Accepted"),
            ('refused', "Refused"),
            ('decided', "Decided"),
            ('delivered', "Delivered"),
            ('overdue', "Overdue"),
            ], "Event", required=True)
    date = fields.Date("Date", required=True,
        help="The date of the event; the deadline for 'overdue', which "
        "counts once the deadline has passed.")
    company = fields.Many2One('company.company', "Company", required=True)
    hall = fields.Many2One('onewindow.hall', "Hall")
    department = fields.Many2One('onewindow.department', "Department")
    matter = fields.Many2One('onewindow.matter', "Matter")
    handling = fields.Char("Handling")
    window = fields.Many2One('onewindow.window', "Window")
    employee = fields.Many2One('company.employee', "Staff")
    days = fields.Integer("Working Days")
    on_time = fields.Integer("On Time")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.case, Index.Equality())),
                Index(t, (t.date, Index.Range()),
                    (t.company, Index.Equality())),
                })

    # The columns the lists group the events by
    _group_columns = ['matter', 'department', 'event', 'days', 'handling',
        'window', 'employee']

    @classmethod
    def __register__(cls, module):
        exists = backend.TableHandler.table_exist(cls._table)
        super().__register__(module)
        analyze = not exists
        if not exists:
            # The cases recorded before the table existed
            cls.refresh()
        if backend.name == 'postgresql':
            # Without the number of distinct groups of the columns together
            # the planner expects ten times too many, and sorts the events
            # on disk where a hash table in memory would do
            cursor = Transaction().connection.cursor()
            name = '%s_groups' % cls._table
            cursor.execute(
                'SELECT 1 FROM pg_statistic_ext WHERE stxname = %s', (name,))
            if not cursor.fetchone():
                cursor.execute('CREATE STATISTICS "%s" (ndistinct) ON %s '
                    'FROM "%s"' % (name,
                        ', '.join('"%s"' % c for c in cls._group_columns),
                        cls._table))
                analyze = True
            if analyze:
                # The planner must know the rows before the lists read them
                cursor.execute('ANALYZE "%s"' % cls._table)

    @classmethod
    def _columns(cls):
        return ['case', 'event', 'date', 'company', 'hall', 'department',
            'matter', 'handling', 'window', 'employee', 'days', 'on_time',
            'create_uid', 'create_date']

    @classmethod
    def _query(cls, where=None):
        """Return the query of the events of the cases of the where
        condition (a function of the case table), in the order of
        _columns"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        Matter = pool.get('onewindow.matter')
        user = Transaction().user
        now = dt.datetime.now()
        queries = []
        for event in EVENTS:
            case = Case.__table__()
            matter = Matter.__table__()
            date, employee, condition = cls._event(event, case)
            condition &= date != Null
            if where is not None:
                condition &= where(case)
            decided = event == 'decided'
            values = [case.id, Literal(event), date, case.company,
                case.hall, case.department, case.matter, matter.handling,
                case.window, employee,
                (case.working_days if decided
                    else cls.days.sql_cast(Literal(Null))),
                (SqlCase(((case.deadline == Null)
                        | (case.decision_date <= case.deadline), 1),
                        else_=0) if decided
                    else cls.on_time.sql_cast(Literal(Null))),
                Literal(user), Literal(now)]
            queries.append(case.join(matter,
                    condition=case.matter == matter.id).select(
                    *(v.as_(c) for v, c in zip(values, cls._columns())),
                    where=condition))
        union = Union(*queries, all_=True)
        return union.select(*(Column(union, c) for c in cls._columns()))

    @classmethod
    def _event(cls, event, case):
        """Return the date, the employee and the condition of the event of
        the case"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        if event == 'received':
            return (case.application_date, case.registered_by,
                case.id != Null)
        elif event == 'accepted':
            return (case.acceptance_date, case.accepted_by,
                case.acceptance_date != Null)
        elif event == 'refused':
            return (case.application_date, case.refused_by,
                (case.acceptance_date == Null)
                & (case.refusal_reason != Null)
                & case.state.in_(['refused', 'archived']))
        elif event == 'decided':
            return (case.decision_date, case.decided_by,
                case.decision_date != Null)
        elif event == 'delivered':
            return (case.delivery_date, case.delivered_by,
                case.delivery_date != Null)
        elif event == 'overdue':
            # Counted only once the deadline has passed (see
            # StatisticMixin._events)
            return (case.deadline, case.accepted_by,
                ((case.decision_date == Null)
                    & case.state.in_(Case._deadline_states))
                | (case.decision_date > case.deadline))
        raise ValueError(event)

    @classmethod
    def refresh_later(cls, case_ids):
        """Write again the events of the cases before the transaction
        commits, or before anything reads them"""
        Transaction().join(_EventDataManager()).case_ids.update(case_ids)

    @classmethod
    def flush(cls):
        "Write the events of the cases left by refresh_later"
        pending = Transaction().join(_EventDataManager()).case_ids
        if pending:
            case_ids = sorted(pending)
            pending.clear()
            cls.refresh(case_ids)

    @classmethod
    def search(cls, domain, *args, **kwargs):
        cls.flush()
        return super().search(domain, *args, **kwargs)

    @classmethod
    def refresh(cls, case_ids=None):
        """Write again the events of the cases (all if None) and their
        counts in the summary; return the number of events written"""
        pool = Pool()
        Summary = pool.get('onewindow.statistic.summary')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        columns = [Column(table, c) for c in cls._columns()]
        if case_ids is None:
            Transaction().join(_EventDataManager()).case_ids.clear()
            cursor.execute(*table.delete())
            cursor.execute(*table.insert(columns, cls._query()))
            count = cursor.rowcount
            Summary.rebuild()
            return count
        count = 0
        # The events deleted and inserted give the counts before and after
        returning = (backend.name == 'postgresql'
            and Transaction().database.has_returning())
        counted = [Column(table, c) for c in Summary._tally_columns()]
        for sub_ids in grouped_slice(case_ids):
            sub_ids = list(sub_ids)

            def where(event):
                return reduce_ids(event.case, sub_ids)
            if returning:
                cursor.execute(*table.delete(
                        where=reduce_ids(table.case, sub_ids),
                        returning=counted))
                before = Summary.tally(cursor)
                cursor.execute(*table.insert(columns, cls._query(
                            lambda case: reduce_ids(case.id, sub_ids)),
                        returning=counted))
                rows = cursor.fetchall()
                count += len(rows)
                Summary.add(before, Summary.tally(rows))
                continue
            before = Summary.counts(where)
            cursor.execute(*table.delete(
                    where=reduce_ids(table.case, sub_ids)))
            cursor.execute(*table.insert(columns, cls._query(
                        lambda case: reduce_ids(case.id, sub_ids))))
            count += cursor.rowcount
            Summary.add(before, Summary.counts(where))
        return count

    @classmethod
    def refresh_cancel(cls, case_ids):
        "Do not write again the events of the cases"
        Transaction().join(_EventDataManager()).case_ids.difference_update(
            case_ids)

    @classmethod
    def counts(cls, case_ids):
        "Return the counts of the summary of the events of the cases"
        pool = Pool()
        Summary = pool.get('onewindow.statistic.summary')
        counts = {}
        for sub_ids in grouped_slice(case_ids):
            sub_ids = list(sub_ids)
            for key, (count, on_time) in Summary.counts(
                    lambda event: reduce_ids(event.case, sub_ids)).items():
                old_count, old_on_time = counts.get(key, (0, 0))
                counts[key] = (old_count + count, old_on_time + on_time)
        return counts


class StatisticSummaryMixin:
    """Counts by month and by the key of each list, kept by the differences
    the changes of their records make

    Rows are only inserted, so two transactions counting in the same month
    never wait for each other: the counts of a key are the sum of its rows,
    which compact adds up into one.  A model names the columns of the key
    of a row (_key_columns, the month and the key first), the counts
    (_count_columns) and gives the counts of its records (_events_query)."""
    __slots__ = ()
    company = fields.Many2One('company.company', "Company", required=True)
    hall = fields.Many2One('onewindow.hall', "Hall")
    department = fields.Many2One('onewindow.department', "Department")
    matter = fields.Many2One('onewindow.matter', "Matter")
    window = fields.Many2One('onewindow.window', "Window")
    employee = fields.Many2One('company.employee', "Staff")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        include = cls._index_include(t)
        cls._sql_indexes.add(
            Index(t, (t.key, Index.Equality()), (t.month, Index.Range()),
                (t.company, Index.Equality()),
                **({'include': include} if include else {})))

    @classmethod
    def _index_include(cls, table):
        "Return the columns the index of the keys and months includes"
        return []

    @classmethod
    def __register__(cls, module):
        exists = backend.TableHandler.table_exist(cls._table)
        super().__register__(module)
        if not exists:
            # The records counted before the table existed
            cls.rebuild()
            if backend.name == 'postgresql':
                # The planner must know the rows before the lists read them
                cursor = Transaction().connection.cursor()
                cursor.execute('ANALYZE "%s"' % cls._table)

    @classmethod
    def _key_columns(cls):
        "Return the names of the columns that make the key of a row"
        raise NotImplementedError

    @classmethod
    def _count_columns(cls):
        "Return the names of the columns of the counts"
        raise NotImplementedError

    @classmethod
    def _events_query(cls, where=None):
        """Return the query of the counts of the records of the where
        condition (a function of their table, None for all) in the columns
        of _key_columns followed by those of _count_columns"""
        raise NotImplementedError

    @classmethod
    def _events_exist(cls):
        "Whether the table of the records counted exists"
        return True

    @classmethod
    def _insert_columns(cls, table):
        return [Column(table, c)
            for c in cls._key_columns() + cls._count_columns()]

    @classmethod
    def rebuild(cls):
        """Count again all the records, in the order of the keys and the
        months: the rows a list reads are together in the table"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete())
        if cls._events_exist():
            query = cls._events_query()
            cursor.execute(*table.insert(cls._insert_columns(table),
                    query.select(*(Column(query, c) for c in
                            cls._key_columns() + cls._count_columns()),
                        order_by=[Column(query, c)
                            for c in cls._key_columns()[1::-1]])))

    @classmethod
    def counts(cls, where):
        """Return the counts of the records of the where condition, by the
        keys of the rows"""
        cursor = Transaction().connection.cursor()
        cursor.execute(*cls._events_query(where))
        size = len(cls._count_columns())
        return {tuple(r[:-size]): tuple(r[-size:]) for r in cursor}

    @classmethod
    def add(cls, before, after):
        """Add the difference between the counts of before and after
        (returned by counts)"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        zeros = (0,) * len(cls._count_columns())
        values = []
        for key in sorted(set(before) | set(after), key=str):
            new, old = after.get(key, zeros), before.get(key, zeros)
            if new != old:
                values.append(list(key) + [n - o for n, o in zip(new, old)])
        for sub_values in grouped_slice(values):
            cursor.execute(*table.insert(
                    cls._insert_columns(table), list(sub_values)))

    @classmethod
    def add_events(cls, where, sign=1):
        """Add (sign 1) or take away (sign -1) the counts of the records of
        the where condition, in one query"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        query = cls._events_query(where)
        cursor.execute(*table.insert(cls._insert_columns(table),
                query.select(*[Column(query, c) for c in cls._key_columns()]
                    + [Column(query, c) * sign
                        for c in cls._count_columns()])))

    @classmethod
    def compact(cls):
        "Add up into one the rows of each key of the months that have several"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        keys = [Column(table, c) for c in cls._key_columns()]
        cursor.execute(*table.select(table.month,
                group_by=keys, having=Count(Literal('*')) > 1))
        months = sorted({m for m, in cursor})
        for sub_months in grouped_slice(months):
            where = table.month.in_(list(sub_months))
            cursor.execute(*table.select(Max(table.id), where=where))
            last, = cursor.fetchone()
            where &= table.id <= last
            sums = [Sum(Column(table, c)) for c in cls._count_columns()]
            having = reduce(operator.or_, (s != 0 for s in sums))
            cursor.execute(*table.insert(cls._insert_columns(table),
                    table.select(*keys + [getattr(cls, c).sql_cast(sum_)
                            for c, sum_ in zip(cls._count_columns(), sums)],
                        where=where, group_by=keys, having=having)))
            cursor.execute(*table.delete(where=where))


# The keys of the lists the summary counts the events by
SUMMARY_KEYS = ['department', 'matter', 'handling', 'window', 'employee']


class StatisticSummary(StatisticSummaryMixin, ModelSQL):
    """Supervision Statistics Summary

    The events counted by month and by the key of each list (the
    department, the matter, the handling, the window or the staff), so that
    the statistics of whole months read a few rows for each key instead of
    every event.  Refreshing the events of cases adds the difference they
    make: the counts of a key are the sum of its rows, which compact adds
    up into one."""
    __name__ = 'onewindow.statistic.summary'

    month = fields.Date("Month", required=True,
        help="The first day of the month of the events.")
    key = fields.Selection([
            ('department', "Department"),
            ('matter', "Matter"),
            ('handling', "Handling"),
            ('window', "Window"),
            ('employee', "Staff"),
            ], "Key", required=True,
        help="The column the events are counted by, besides the company, "
        "the hall and the department.")
    event = fields.Selection('get_events', "Event", required=True)
    handling = fields.Char("Handling")
    days = fields.Integer("Working Days")
    count = fields.Integer("Count", required=True)
    on_time = fields.Integer("On Time", required=True)

    @classmethod
    def _index_include(cls, table):
        # The lists read the rows of a key and months from the index alone:
        # the rows of a key are spread over the whole table
        t = table
        return [t.event, t.hall, t.department, t.matter, t.handling,
            t.window, t.employee, t.days, t.count, t.on_time, t.id]

    @classmethod
    def get_events(cls):
        pool = Pool()
        Event = pool.get('onewindow.statistic.event')
        return Event.fields_get(['event'])['event']['selection']

    @classmethod
    def _key_columns(cls):
        return ['month', 'key', 'event', 'company', 'hall', 'department',
            'matter', 'handling', 'window', 'employee', 'days']

    @classmethod
    def _count_columns(cls):
        return ['count', 'on_time']

    @classmethod
    def _events_query(cls, where=None):
        """Return the query of the counts of the events of the where
        condition (a function of the table of the events) in the columns
        of _key_columns followed by the count and the on-time count"""
        pool = Pool()
        Event = pool.get('onewindow.statistic.event')
        queries = []
        for key in SUMMARY_KEYS:
            event = Event.__table__()
            month = cls.month.sql_cast(DateTrunc('month', event.date))
            group_by = [month, event.event, event.company, event.hall,
                event.department, event.days]
            columns = {
                'month': month,
                'key': Literal(key),
                'event': event.event,
                'company': event.company,
                'hall': event.hall,
                'department': event.department,
                'days': event.days,
                }
            for name in SUMMARY_KEYS:
                if name == key and name != 'department':
                    columns[name] = Column(event, name)
                    group_by.append(columns[name])
                elif name != 'department':
                    columns[name] = getattr(cls, name).sql_cast(
                        Literal(Null))
            queries.append(event.select(
                    *(columns[c].as_(c) for c in cls._key_columns()),
                    cls.count.sql_cast(Count(Literal('*'))).as_('count'),
                    cls.on_time.sql_cast(
                        Sum(Coalesce(event.on_time, 0))).as_('on_time'),
                    where=where(event) if where is not None else None,
                    group_by=group_by))
        union = Union(*queries, all_=True)
        return union.select(*(Column(union, c)
                for c in cls._key_columns() + ['count', 'on_time']))

    @classmethod
    def _events_exist(cls):
        return backend.TableHandler.table_exist(
            Pool().get('onewindow.statistic.event')._table)

    @staticmethod
    def _tally_columns():
        "Return the columns of the events that tally reads"
        return ['event', 'date', 'company', 'hall', 'department'] + [
            k for k in SUMMARY_KEYS if k != 'department'] + [
            'days', 'on_time']

    @classmethod
    def tally(cls, rows):
        """Return the counts of the events of rows (in the columns of
        _tally_columns) as counts does"""
        counts = {}
        others = [k for k in SUMMARY_KEYS if k != 'department']
        for (event, date, company, hall, department, *values, days,
                on_time) in rows:
            month = date.replace(day=1)
            for key in SUMMARY_KEYS:
                row = (month, key, event, company, hall, department) + tuple(
                    v if name == key else None
                    for name, v in zip(others, values)) + (days,)
                count, on_time_count = counts.get(row, (0, 0))
                counts[row] = (count + 1, on_time_count + (on_time or 0))
        return counts


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('onewindow.statistic.summary|compact',
                "Compact the Summary of the Supervision Statistics"))


class StatisticContext(ModelView):
    "Supervision Statistics Context"
    __name__ = 'onewindow.statistic.context'

    company = fields.Many2One('company.company', "Company", required=True)
    hall = fields.Many2One('onewindow.hall', "Hall",
        domain=[('company', '=', Eval('company', -1))])
    department = fields.Many2One('onewindow.department', "Department")
    from_date = fields.Date("From Date", required=True,
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date("To Date", required=True,
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])
    period = fields.Selection([
            ('year', "Year"),
            ('month', "Month"),
            ('day', "Day"),
            ], "Period", required=True,
        help="The length of the periods of the list by period.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_hall(cls):
        return Transaction().context.get('hall')

    @classmethod
    def default_department(cls):
        return Transaction().context.get('department')

    @classmethod
    def default_from_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if context.get('from_date'):
            return context['from_date']
        return Date.today().replace(day=1)

    @classmethod
    def default_to_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if context.get('to_date'):
            return context['to_date']
        return Date.today()

    @classmethod
    def default_period(cls):
        return Transaction().context.get('period', 'month')

    @classmethod
    def get_dates(cls):
        """Return the first and last days of the period of the context, and
        today"""
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        today = Date.today()
        from_date = context.get('from_date') or dt.date.min
        to_date = context.get('to_date') or today
        if isinstance(from_date, dt.datetime):
            from_date = from_date.date()
        if isinstance(to_date, dt.datetime):
            to_date = to_date.date()
        return from_date, to_date, today

    @classmethod
    def get_period(cls):
        "Return the length of the periods of the context"
        period = Transaction().context.get('period') or 'month'
        if period not in {'year', 'month', 'day'}:
            period = 'month'
        return period

    @classmethod
    def get_months(cls, from_date, to_date, today):
        """Return the first and the last day of the whole months from
        from_date to to_date that ended before today, or None"""
        first = from_date.replace(day=1)
        if first < from_date:
            first = (first + dt.timedelta(days=31)).replace(day=1)
        end = min(to_date, today - dt.timedelta(days=1))
        last = end.replace(day=calendar.monthrange(end.year, end.month)[1])
        if last > end:
            last = end.replace(day=1) - dt.timedelta(days=1)
        if first < last:
            return first, last

    @classmethod
    def get_where(cls, table):
        """Return the condition on the columns of table of the company, the
        hall and the department of the context"""
        context = Transaction().context
        where = table.company == context.get('company', -1)
        if context.get('hall'):
            where &= table.hall == context['hall']
        if context.get('department'):
            where &= table.department == context['department']
        return where


class StatisticSearchMixin:
    """The rows of a statistic found by a search kept for the read of the
    same transaction

    The read of a table_query model filters the whole grouped query by its
    ids, so it would group the events of the period once more for each
    slice of ids (and Tryton's search keeps only the first rows of a list
    in the transaction's cache)."""
    __slots__ = ()

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        """Search the rows and keep their columns for the read of the same
        transaction (search_read, a report)"""
        if count or query:
            return super().search(domain, offset=offset, limit=limit,
                order=order, count=count, query=query)
        select = super().search(domain, offset=offset, limit=limit,
            order=order, query=True)
        main = select.columns[0].expression.table
        names = cls._searched_names()
        columns = []
        for name in names:
            field = cls._fields[name]
            column = field.sql_column(main).as_(name)
            if backend.name == 'sqlite':
                column.output_name += ' [%s]' % field.sql_type().base
            columns.append(column)
        select.columns = columns
        cursor = Transaction().connection.cursor()
        cursor.execute(*select)
        rows = {}
        ids = []
        for row in cursor_dict(cursor):
            ids.append(row['id'])
            rows[row['id']] = row
        searched = _searched.setdefault(Transaction(), {})
        for other in searched.values():
            for id_ in ids:
                other.pop(id_, None)
        searched[(cls.__name__, cls._searched_context())] = rows
        return cls.browse(ids)

    @classmethod
    def _searched_names(cls):
        "Return the names of the columns the search keeps"
        return ['id'] + sorted(n for n, f in cls._fields.items()
            if n != 'id' and not hasattr(f, 'get') and f.sql_type())

    @classmethod
    def _searched_context(cls):
        "Return the values of the context the rows depend on"
        context = Transaction().context
        return tuple(str(context.get(k)) for k in [
                'company', 'hall', 'department', 'from_date', 'to_date',
                'period'])

    @classmethod
    def read(cls, ids, fields_names):
        """Read the rows found by a search of the same transaction under the
        same context from what the search read"""
        rows = cls._read_searched(ids, fields_names)
        if rows is None:
            rows = super().read(ids, fields_names)
        return rows

    @classmethod
    def _read_searched(cls, ids, fields_names):
        "Return the rows of ids as the search read them, or None"
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        FieldAccess = pool.get('ir.model.field.access')
        Rule = pool.get('ir.rule')
        transaction = Transaction()
        searched = _searched.get(transaction, {}).get(
            (cls.__name__, cls._searched_context()))
        if not ids or not searched or any(i not in searched for i in ids):
            return None
        kept = set(cls._searched_names())
        names, getters = [], []
        for name in fields_names:
            field = cls._fields.get(name)
            if field is None:
                return None
            elif isinstance(field, fields.Function):
                # rec_name: computed from the columns read
                getters.append(name)
            elif name not in kept:
                return None
            elif name != 'id':
                names.append(name)
        if Rule.domain_get(cls.__name__, mode='read'):
            return None
        ModelAccess.check(cls.__name__, 'read')
        FieldAccess.check(cls.__name__, fields_names, 'read')
        rows = []
        for id_ in ids:
            values = searched[id_]
            row = {n: values[n] for n in names}
            row['id'] = id_
            rows.append(row)
        for name in getters:
            result = cls._fields[name].get(ids, cls, name, values=rows)
            for row in rows:
                row[name] = result[row['id']]
        return rows


class StatisticKeyMixin:
    "The rows of a statistic grouped by a key: the field of _key_name"
    __slots__ = ()
    # The name of the field of the key
    _key_name = None

    @classmethod
    def _key(cls, table):
        "Return the SQL expression of the key of the rows"
        return Column(table, cls._key_name)

    @classmethod
    def _summary_key(cls):
        """Return the key of the rows of the summary that give the counts of
        the whole months of the period, or None to count only the events"""
        return cls._key_name

    @classmethod
    def _log_columns(cls, id_):
        """Return the column of the id and the columns of the creation and
        the last change of the rows, which have none"""
        return [
            id_.as_('id'),
            Literal(0).as_('create_uid'),
            cls.create_date.sql_cast(Literal(Null)).as_('create_date'),
            cls.write_uid.sql_cast(Literal(Null)).as_('write_uid'),
            cls.write_date.sql_cast(Literal(Null)).as_('write_date'),
            ]


class StatisticPeriodMixin(StatisticKeyMixin):
    "The rows of a statistic grouped by the period of the context"
    __slots__ = ()
    _key_name = 'date'
    date = fields.Date("Date")

    @classmethod
    def _key(cls, table):
        pool = Pool()
        Context = pool.get('onewindow.statistic.context')
        return cls.date.sql_cast(
            DateTrunc(Context.get_period(), table.date))

    @classmethod
    def _summary_key(cls):
        pool = Pool()
        Context = pool.get('onewindow.statistic.context')
        # The summary counts by month: the department's rows by month
        if Context.get_period() != 'day':
            return 'department'


class StatisticMixin(
        StatisticSearchMixin, StatisticKeyMixin, ModelSQL, ModelView):
    """The figures of the cases of the period of the context, grouped by
    the key of the model

    Each case gives one row per event (received on the application date,
    accepted, refused, decided, delivered, overdue on its deadline) that
    falls in the period; the rows are ranked by working days to get the
    90th percentile (nearest rank) the same way on every database."""

    received = fields.Integer("Received",
        help="The applications registered in the period.")
    accepted = fields.Integer("Accepted",
        help="The cases accepted in the period.")
    refused = fields.Integer("Refused",
        help="The applications refused in the period.")
    decided = fields.Integer("Decided",
        help="The cases decided (approved or denied) in the period.")
    delivered = fields.Integer("Delivered",
        help="The results delivered in the period.")
    on_time = fields.Integer("Decided on Time",
        help="The cases decided in the period by their deadline.")
    on_time_rate = fields.Float("On-Time Rate (%)", digits=(16, 1),
        help="The share of the cases decided in the period that were "
        "decided by their deadline.")
    average_days = fields.Float("Average Working Days", digits=(16, 1),
        help="The average working days from the acceptance to the "
        "decision of the cases decided in the period.")
    p90_days = fields.Integer("90% Within (Working Days)",
        help="Nine cases decided in the period out of ten took at most "
        "this many working days (90th percentile, nearest rank).")
    overdue = fields.Integer("Overdue",
        help="The cases whose deadline fell in the period and that were "
        "decided after it or are still running past it.")

    @classmethod
    def table_query(cls):
        # The events of the period are first counted by key, event and
        # working days (a few rows per key), then the 90th percentile is
        # found on these counts with a running sum, and the counts are
        # put in columns: the rows of the period are read once and never
        # sorted
        events = cls._events(EVENTS)
        keys = cls._keys(events)
        counts = events.select(
            *cls._key_columns(events),
            events.event.as_('event'),
            events.days.as_('days'),
            Min(events.id).as_('id'),
            Sum(events.count).as_('count'),
            Sum(events.on_time).as_('on_time'),
            group_by=keys + [events.event, events.days],
            # The rows of the summary of events changed since add up to
            # nothing
            having=Sum(events.count) > 0)
        keys = cls._keys(counts)
        ranked = counts.select(
            *cls._key_columns(counts),
            counts.event.as_('event'),
            counts.days.as_('days'),
            counts.id.as_('id'),
            counts.count.as_('count'),
            counts.on_time.as_('on_time'),
            Sum(counts.count, window=Window(
                    keys + [counts.event, counts.days == Null],
                    order_by=[counts.days.asc])).as_('running'),
            Sum(counts.count, window=Window(
                    keys + [counts.event, counts.days == Null])).as_('total'))
        return ranked.select(*cls._columns(ranked),
            group_by=cls._keys(ranked))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, (cls._key_name, 'ASC'))

    @classmethod
    def _keys(cls, table):
        "Return the columns that group the rows"
        return [cls._key(table)]

    @classmethod
    def _key_columns(cls, table):
        "Return the columns of the key of the model"
        return [cls._key(table).as_(cls._key_name)]

    @classmethod
    def _id_column(cls, table):
        "Return the id of the rows grouped by the keys"
        return Min(table.id)

    @classmethod
    def _columns(cls, table):
        def count(event):
            # A sum of counts is a numeric on PostgreSQL
            return cls.received.sql_cast(Sum(SqlCase(
                        (table.event == event, table.count), else_=0)))
        decided = count('decided')
        on_time = cls.on_time.sql_cast(Sum(SqlCase(
                    (table.event == 'decided', table.on_time), else_=0)))
        with_days = Sum(SqlCase(
                ((table.event == 'decided') & (table.days != Null),
                    table.count), else_=0))
        return cls._log_columns(cls._id_column(table)) + (
            cls._key_columns(table)) + [
            count('received').as_('received'),
            count('accepted').as_('accepted'),
            count('refused').as_('refused'),
            decided.as_('decided'),
            count('delivered').as_('delivered'),
            on_time.as_('on_time'),
            cls.on_time_rate.sql_cast(SqlCase(
                    (decided > 0, on_time * Literal(100.0) / decided),
                    else_=Null)).as_('on_time_rate'),
            cls.average_days.sql_cast(SqlCase(
                    (with_days > 0, Sum(SqlCase(
                                ((table.event == 'decided')
                                    & (table.days != Null),
                                    table.days * table.count),
                                else_=0)) * Literal(1.0) / with_days),
                    else_=Null)).as_('average_days'),
            # The nearest rank: the fewest days within which nine decisions
            # out of ten were made
            Min(SqlCase(
                    ((table.event == 'decided') & (table.days != Null)
                        & (table.running * 10 >= table.total * 9),
                        table.days),
                    else_=Null)).as_('p90_days'),
            count('overdue').as_('overdue'),
            ]

    @classmethod
    def _events(cls, kinds):
        """Return the events of the kinds of the cases in the period, with
        their count: the rows of the summary for the whole months of the
        period that have passed, one for each event of the table of the
        events for the other days"""
        pool = Pool()
        Event = pool.get('onewindow.statistic.event')
        Summary = pool.get('onewindow.statistic.summary')
        Context = pool.get('onewindow.statistic.context')
        Event.flush()
        from_date, to_date, today = Context.get_dates()
        key = cls._summary_key()
        months = Context.get_months(from_date, to_date, today)
        event = Event.__table__()
        where = ((event.date >= from_date) & (event.date <= to_date)
            & Context.get_where(event)
            & event.event.in_(kinds))
        if 'overdue' in kinds:
            # A deadline is missed once it has passed
            where &= (event.event != 'overdue') | (event.date < today)
        if key and months:
            first, last = months
            where &= (event.date < first) | (event.date > last)
        # The ids of the events are odd and those of the summary even
        query = event.select(
            (event.id * 2 + 1).as_('id'),
            event.company.as_('company'),
            event.hall.as_('hall'),
            event.department.as_('department'),
            event.matter.as_('matter'),
            event.handling.as_('handling'),
            event.window.as_('window'),
            event.employee.as_('employee'),
            event.date.as_('date'),
            event.event.as_('event'),
            event.days.as_('days'),
            Literal(1).as_('count'),
            Coalesce(event.on_time, 0).as_('on_time'),
            where=where)
        if key and months:
            summary = Summary.__table__()
            query = Union(query, summary.select(
                    (summary.id * 2).as_('id'),
                    summary.company.as_('company'),
                    summary.hall.as_('hall'),
                    summary.department.as_('department'),
                    summary.matter.as_('matter'),
                    summary.handling.as_('handling'),
                    summary.window.as_('window'),
                    summary.employee.as_('employee'),
                    summary.month.as_('date'),
                    summary.event.as_('event'),
                    summary.days.as_('days'),
                    summary.count.as_('count'),
                    summary.on_time.as_('on_time'),
                    where=(summary.key == key)
                    & (summary.month >= first) & (summary.month <= last)
                    & Context.get_where(summary)
                    & summary.event.in_(kinds)),
                all_=True)
        return query


class StatisticDepartment(StatisticMixin):
    "Supervision Statistics by Department"
    __name__ = 'onewindow.statistic.department'
    _key_name = 'department'
    department = fields.Many2One('onewindow.department', "Department")

    def get_rec_name(self, name):
        return self.department.rec_name if self.department else ''


class StatisticMatter(StatisticMixin):
    "Supervision Statistics by Matter"
    __name__ = 'onewindow.statistic.matter'
    _key_name = 'matter'
    matter = fields.Many2One('onewindow.matter', "Matter")
    department = fields.Many2One('onewindow.department', "Department")

    @classmethod
    def table_query(cls):
        # A matter belongs to one department: the rows are grouped by the
        # matter, whose id is theirs, so that the ids the client reads
        # restrict the events counted instead of filtering the counts of
        # all of them
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        matter = Matter.__table__()
        query = super().table_query()
        return query.join(matter, condition=query.matter == matter.id
            ).select(
                *(Column(query, c.output_name) for c in query.columns),
                matter.department.as_('department'))

    @classmethod
    def _id_column(cls, table):
        return table.matter


class StatisticHandling(StatisticMixin):
    "Supervision Statistics by Handling"
    __name__ = 'onewindow.statistic.handling'
    _key_name = 'handling'
    handling = fields.Selection('get_handlings', "Handling")

    @classmethod
    def get_handlings(cls):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        return Matter.fields_get(['handling'])['handling']['selection']


class StatisticWindow(StatisticMixin):
    "Supervision Statistics by Window"
    __name__ = 'onewindow.statistic.window'
    _key_name = 'window'
    window = fields.Many2One('onewindow.window', "Window")


class StatisticClerk(StatisticMixin):
    "Supervision Statistics by Staff"
    __name__ = 'onewindow.statistic.clerk'
    _key_name = 'employee'
    employee = fields.Many2One('company.employee', "Staff",
        help="Who registered, accepted, refused, decided or delivered the "
        "cases; the overdue cases count for the clerk who accepted them.")


class StatisticPeriod(StatisticPeriodMixin, StatisticMixin):
    "Supervision Statistics by Period"
    __name__ = 'onewindow.statistic.period'


class MonthlyReportStart(ModelView):
    "Monthly Supervision Report"
    __name__ = 'onewindow.statistic.monthly.start'
    company = fields.Many2One('company.company', "Company", required=True)
    hall = fields.Many2One('onewindow.hall', "Hall",
        domain=[('company', '=', Eval('company', -1))])
    year = fields.Integer("Year", required=True,
        domain=[('year', '>=', 2000), ('year', '<=', 2100)])
    month = fields.Selection([(str(m), str(m)) for m in range(1, 13)],
        "Month", required=True, sort=False)

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def _last_month(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today().replace(day=1) - dt.timedelta(days=1)

    @classmethod
    def default_year(cls):
        return cls._last_month().year

    @classmethod
    def default_month(cls):
        return str(cls._last_month().month)


class MonthlyReportPrint(Wizard):
    "Print the Monthly Supervision Report"
    __name__ = 'onewindow.statistic.monthly'
    start = StateView('onewindow.statistic.monthly.start',
        'onewindow_approval.statistic_monthly_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Print", 'print_', 'tryton-print', default=True),
            ])
    print_ = StateReport('onewindow.statistic.monthly_report')

    def do_print_(self, action):
        return action, {
            'company': self.start.company.id,
            'hall': self.start.hall.id if self.start.hall else None,
            'year': self.start.year,
            'month': int(self.start.month),
            }

    def transition_print_(self):
        return 'end'


class MonthlyReport(Report):
    "Monthly Supervision Report"
    __name__ = 'onewindow.statistic.monthly_report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Company = pool.get('company.company')
        Hall = pool.get('onewindow.hall')
        Department = pool.get('onewindow.statistic.department')
        Period = pool.get('onewindow.statistic.period')
        Card = pool.get('onewindow.card')
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        year, month = int(data['year']), int(data['month'])
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        company = Company(data['company'])
        hall = Hall(data['hall']) if data.get('hall') else None
        with Transaction().set_context(company=company.id,
                hall=hall.id if hall else None,
                from_date=first, to_date=last, period='month'):
            lines = Department.search([])
            totals = Period.search([])
        domain = [
            ('company', '=', company.id),
            ('issue_date', '>=', first),
            ('issue_date', '<=', last),
            ]
        if hall:
            domain.append(('case.hall', '=', hall.id))
        cards = {}
        for card in Card.search(domain):
            key = (card.department.id if card.department else None,
                card.colour)
            cards[key] = cards.get(key, 0) + 1
        context.update({
                'company': company,
                'hall': hall,
                'year': year,
                'month': month,
                'first': first,
                'last': last,
                'lines': sorted(lines,
                    key=lambda l: l.department.code if l.department else ''),
                'total': totals[0] if totals else None,
                'cards': lambda department, colour: cards.get(
                    (department.id, colour), 0),
                'card_total': lambda colour: sum(
                    v for (_, c), v in cards.items() if c == colour),
                'today': Date.today(),
                'cn_date': cn_date,
                'number': lambda v, digits=1: (
                    '-' if v is None else '%.*f' % (digits, v)),
                })
        return context
