# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from sql import Literal, Null
from sql.conditionals import Case as SqlCase

from trytond.model import fields
from trytond.model.fields import SQL_OPERATORS
from trytond.modules.onewindow_hall.exceptions import CalendarError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

# The flags of a deadline (electronic supervision: a yellow card one working
# day before, a red card once it has passed)
FLAGS = [
    (None, ""),
    ('normal', "Normal"),
    ('warning', "Warning"),
    ('overdue', "Overdue"),
    ]


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


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'

    handover_overdue = fields.Function(fields.Boolean(
            "Hand-Over Overdue",
            help="Accepted and not handed over to the department within "
            "one working day."),
        'get_handover_overdue', searcher='search_handover_overdue')
    deadline_flag = fields.Function(fields.Selection(FLAGS, "Deadline Flag",
            help="Warning when one working day or less is left, overdue "
            "once the deadline has passed; empty while the clock does not "
            "run."),
        'get_deadline_flag', searcher='search_deadline_flag')
    deadline_flag_string = deadline_flag.translated('deadline_flag')

    @classmethod
    def view_attributes(cls):
        # The lists show the cases near or past their deadline in colour
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('deadline_flag') == 'overdue',
                    'danger',
                    If(Eval('deadline_flag') == 'warning', 'warning', ''))),
            ]

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
        Calendar = pool.get('onewindow.calendar')
        today = Date.today()
        return today, {h: warning_date(Calendar(c), today)
            for h, c in Hall.get_calendars().items()}

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
    def _getter_columns(cls):
        return super()._getter_columns() | {
            'deadline_flag': {'state', 'deadline', 'hall'},
            'handover_overdue': set(),
            }

    @classmethod
    def get_deadline_flag(cls, cases, name):
        # From the state, the deadline and the hall that the read of the
        # cases gave (as the column of the searches computes it)
        today, warnings = cls._warning_dates()
        default = today + dt.timedelta(days=1)
        result = {}
        for case in cases:
            if case.state not in cls._deadline_states:
                result[case.id] = None
            else:
                result[case.id] = deadline_flag(case.deadline, today,
                    warnings.get(case.hall.id if case.hall else None, default))
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
