# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The satisfaction figures of the supervisor: ratings and satisfaction
rate, bad ratings, rectifications and complaints on time, by department,
window, staff, matter and period"""

import weakref

from sql import Literal, Null, Union
from sql.aggregate import Min, Sum
from sql.conditionals import Case as SqlCase

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.onewindow_approval.statistic import (
    StatisticKeyMixin, StatisticPeriodMixin)
from trytond.pool import Pool, PoolMeta
from trytond.tools import cursor_dict
from trytond.transaction import Transaction

from .evaluation import BAD_LEVELS, GOOD_LEVELS

# The rows found by the searches of each transaction: {transaction: {(model,
# context): {id: row}}}
_searched = weakref.WeakKeyDictionary()


class SatisfactionMixin(StatisticKeyMixin, ModelSQL, ModelView):
    """The satisfaction figures of the period of the context, grouped by
    the key of the model

    The ratings count by the day they were given (the applicant's own
    ratings only: not the default levels nor the voided ones); the
    rectifications and the complaints by the day they were closed or
    answered, or by their deadline when it passed while they still run."""

    ratings = fields.Integer("Ratings",
        help="The ratings given by the applicants in the period.")
    satisfied = fields.Integer("Satisfied",
        help="The ratings at the two highest levels.")
    satisfaction_rate = fields.Float("Satisfaction Rate (%)",
        digits=(16, 1),
        help="The share of the ratings at the two highest levels.")
    bad = fields.Integer("Bad Ratings",
        help="The ratings at the two lowest levels (差评).")
    rectifications = fields.Integer("Rectifications Due",
        help="The rectifications closed in the period, and those whose "
        "deadline passed in the period while they still run.")
    rectifications_on_time = fields.Integer("Rectified on Time")
    rectification_rate = fields.Float("Rectification On-Time Rate (%)",
        digits=(16, 1))
    complaints = fields.Integer("Complaints Due",
        help="The complaints answered in the period, and those whose "
        "deadline passed in the period without an answer.")
    complaints_on_time = fields.Integer("Answered on Time")
    complaint_rate = fields.Float("Complaint On-Time Rate (%)",
        digits=(16, 1))

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        """Search the rows and keep their columns for the read of the same
        transaction (search_read, a report): the read of a table_query model
        filters the whole grouped query by its ids, so it would group the
        events of the period once more (and Tryton's search keeps only the
        first rows of a list in the transaction's cache)"""
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

    @classmethod
    def table_query(cls):
        events = cls._events()
        key = cls._key(events)
        integer = cls.ratings.sql_cast

        def total(column):
            # A sum is a numeric on PostgreSQL
            return integer(Sum(column))
        ratings = total(events.rating)
        satisfied = total(events.good)
        rectifications = total(events.rectification)
        rectified = total(events.rectification_on_time)
        complaints = total(events.complaint)
        answered = total(events.complaint_on_time)

        def rate(part, whole):
            return cls.satisfaction_rate.sql_cast(SqlCase(
                    (whole > 0, part * Literal(100.0) / whole),
                    else_=Null))
        return events.select(
            *cls._log_columns(Min(events.id)),
            key.as_(cls._key_name),
            ratings.as_('ratings'),
            satisfied.as_('satisfied'),
            rate(satisfied, ratings).as_('satisfaction_rate'),
            total(events.bad).as_('bad'),
            rectifications.as_('rectifications'),
            rectified.as_('rectifications_on_time'),
            rate(rectified, rectifications).as_('rectification_rate'),
            complaints.as_('complaints'),
            answered.as_('complaints_on_time'),
            rate(answered, complaints).as_('complaint_rate'),
            where=cls._key_filter(key),
            group_by=[key])

    @classmethod
    def _key_filter(cls, key):
        return key != Null

    @classmethod
    def _events(cls):
        """Return the union of the rows of the ratings, rectifications and
        complaints of the period of the context"""
        period = cls._events_period()
        return Union(
            cls._rating_events(*period), cls._rectification_events(*period),
            cls._complaint_events(*period), all_=True)

    @classmethod
    def _events_period(cls):
        "Return the first and last days of the period of the context, today"
        pool = Pool()
        Context = pool.get('onewindow.statistic.context')
        return Context.get_dates()

    @classmethod
    def _events_where(cls, table, where):
        "Return where restricted to the company, hall, department of context"
        pool = Pool()
        Context = pool.get('onewindow.statistic.context')
        return where & Context.get_where(table)

    # The figures each row of the events counts
    _event_figures = ['rating', 'good', 'bad', 'rectification',
        'rectification_on_time', 'complaint', 'complaint_on_time']

    @classmethod
    def _event_columns(cls, id_, table, matter, date, **figures):
        """Return the columns of the events of table: the figures not given
        count zero"""
        return [
            id_.as_('id'),
            table.department.as_('department'),
            table.window.as_('window'),
            table.employee.as_('employee'),
            matter.as_('matter'),
            date.as_('date'),
            ] + [figures.get(f, Literal(0)).as_(f)
            for f in cls._event_figures]

    @classmethod
    def _rating_events(cls, from_date, to_date, today):
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        zero, one = Literal(0), Literal(1)
        evaluation = Evaluation.__table__()
        return evaluation.select(
            *cls._event_columns(evaluation.id * 3, evaluation,
                evaluation.matter, evaluation.rating_day,
                rating=one,
                good=SqlCase((evaluation.level.in_(GOOD_LEVELS), one),
                    else_=zero),
                bad=SqlCase((evaluation.level.in_(BAD_LEVELS), one),
                    else_=zero)),
            where=cls._events_where(evaluation, (evaluation.state == 'rated')
                & (evaluation.rating_day >= from_date)
                & (evaluation.rating_day <= to_date)))

    @classmethod
    def _rectification_events(cls, from_date, to_date, today):
        pool = Pool()
        Rectification = pool.get('onewindow.rectification')
        Case = pool.get('onewindow.case')
        zero, one = Literal(0), Literal(1)
        rectification = Rectification.__table__()
        running = rectification.state.in_(Rectification._running_states)
        r_date = SqlCase((running, rectification.deadline),
            else_=rectification.done_date)
        r_case = Case.__table__()
        return rectification.join(r_case,
            condition=rectification.case == r_case.id).select(
            *cls._event_columns(rectification.id * 3 + 1, rectification,
                r_case.matter, r_date,
                rectification=one,
                rectification_on_time=SqlCase(
                    ((rectification.state == 'done')
                        & (rectification.on_time == Literal(True)), one),
                    else_=zero)),
            where=cls._events_where(rectification,
                ((rectification.state == 'done')
                    | (running & (rectification.deadline < today)))
                & (r_date >= from_date) & (r_date <= to_date)))

    @classmethod
    def _complaint_events(cls, from_date, to_date, today):
        pool = Pool()
        Complaint = pool.get('onewindow.complaint')
        Case = pool.get('onewindow.case')
        zero, one = Literal(0), Literal(1)
        complaint = Complaint.__table__()
        c_case = Case.__table__()
        running = complaint.state.in_(Complaint._running_states)
        late = running & (complaint.deadline < today)
        c_date = SqlCase((late, complaint.deadline),
            else_=complaint.answer_date)
        return complaint.join(c_case, 'LEFT',
            condition=complaint.case == c_case.id).select(
            *cls._event_columns(complaint.id * 3 + 2, complaint,
                c_case.matter, c_date,
                complaint=one,
                complaint_on_time=SqlCase(
                    (~late & (complaint.on_time == Literal(True)), one),
                    else_=zero)),
            where=cls._events_where(complaint,
                (late | complaint.state.in_(['answered', 'closed']))
                & (c_date >= from_date) & (c_date <= to_date)))


class SatisfactionDepartment(SatisfactionMixin):
    "Satisfaction by Department"
    __name__ = 'onewindow.evaluation.statistic.department'
    _key_name = 'department'
    department = fields.Many2One('onewindow.department', "Department")

    @classmethod
    def _key_filter(cls, key):
        # The complaints routed to the center are its own row
        return Literal(True)


class SatisfactionWindow(SatisfactionMixin):
    "Satisfaction by Window"
    __name__ = 'onewindow.evaluation.statistic.window'
    _key_name = 'window'
    window = fields.Many2One('onewindow.window', "Window")


class SatisfactionEmployee(SatisfactionMixin):
    "Satisfaction by Staff"
    __name__ = 'onewindow.evaluation.statistic.employee'
    _key_name = 'employee'
    employee = fields.Many2One('company.employee', "Staff")


class SatisfactionMatter(SatisfactionMixin):
    "Satisfaction by Matter"
    __name__ = 'onewindow.evaluation.statistic.matter'
    _key_name = 'matter'
    matter = fields.Many2One('onewindow.matter', "Matter")


class SatisfactionPeriod(StatisticPeriodMixin, SatisfactionMixin):
    "Satisfaction by Period"
    __name__ = 'onewindow.evaluation.statistic.period'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'ASC'))


class MonthlyReport(metaclass=PoolMeta):
    __name__ = 'onewindow.statistic.monthly_report'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Department = pool.get('onewindow.evaluation.statistic.department')
        Period = pool.get('onewindow.evaluation.statistic.period')
        context = super().get_context(records, header, data)
        with Transaction().set_context(company=context['company'].id,
                hall=context['hall'].id if context['hall'] else None,
                from_date=context['first'], to_date=context['last'],
                period='month'):
            lines = Department.search([])
            totals = Period.search([])
        # The center's own row (the comprehensive window) comes last
        context['satisfaction_lines'] = sorted(lines, key=lambda l: (
                not l.department, l.department.code if l.department else ''))
        context['satisfaction_total'] = totals[0] if totals else None
        return context
