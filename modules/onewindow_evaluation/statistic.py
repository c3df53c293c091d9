# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The satisfaction figures of the supervisor: ratings and satisfaction
rate, bad ratings, rectifications and complaints on time, by department,
window, staff, matter and period"""

import datetime as dt

from sql import Column, Literal, Null, Union
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case as SqlCase
from sql.functions import DateTrunc

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.onewindow_approval.statistic import (
    StatisticKeyMixin, StatisticPeriodMixin, StatisticSearchMixin,
    StatisticSummaryMixin)
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .evaluation import BAD_LEVELS, GOOD_LEVELS

# The keys of the lists the summary counts the ratings by
SUMMARY_KEYS = ['department', 'window', 'employee', 'matter']


class SatisfactionSummary(StatisticSummaryMixin, ModelSQL):
    """Satisfaction Statistics Summary

    The applicants' ratings counted by month and by the key of each list
    (the department, the window, the staff or the matter), so that the
    satisfaction statistics of whole months read a few rows for each key
    instead of every rating.  Giving a rating adds its counts, voiding it
    takes them away: the counts of a key are the sum of its rows, which
    compact adds up into one."""
    __name__ = 'onewindow.evaluation.statistic.summary'

    month = fields.Date("Month", required=True,
        help="The first day of the month of the ratings.")
    key = fields.Selection([
            ('department', "Department"),
            ('window', "Window"),
            ('employee', "Staff"),
            ('matter', "Matter"),
            ], "Key", required=True,
        help="The column the ratings are counted by, besides the company, "
        "the hall and the department.")
    ratings = fields.Integer("Ratings", required=True)
    satisfied = fields.Integer("Satisfied", required=True)
    bad = fields.Integer("Bad Ratings", required=True)

    @classmethod
    def _key_columns(cls):
        return ['month', 'key', 'company', 'hall', 'department', 'window',
            'employee', 'matter']

    @classmethod
    def _count_columns(cls):
        return ['ratings', 'satisfied', 'bad']

    @classmethod
    def _events_query(cls, where=None):
        """Return the counts of the applicant's own ratings (not the default
        levels nor the voided ones) of the where condition (a function of
        the table of the ratings)"""
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        zero, one = Literal(0), Literal(1)
        integer = cls.ratings.sql_cast
        queries = []
        for key in SUMMARY_KEYS:
            evaluation = Evaluation.__table__()
            month = cls.month.sql_cast(
                DateTrunc('month', evaluation.rating_day))
            columns = {
                'month': month,
                'key': Literal(key),
                'company': evaluation.company,
                'hall': evaluation.hall,
                'department': evaluation.department,
                }
            group_by = [month, evaluation.company, evaluation.hall,
                evaluation.department]
            for name in SUMMARY_KEYS[1:]:
                if name == key:
                    columns[name] = Column(evaluation, name)
                    group_by.append(columns[name])
                else:
                    columns[name] = getattr(cls, name).sql_cast(
                        Literal(Null))
            where_ = ((evaluation.state == 'rated')
                & (evaluation.rating_day != Null))
            if where is not None:
                where_ &= where(evaluation)
            queries.append(evaluation.select(
                    *(columns[c].as_(c) for c in cls._key_columns()),
                    integer(Count(Literal('*'))).as_('ratings'),
                    integer(Sum(SqlCase(
                                (evaluation.level.in_(GOOD_LEVELS), one),
                                else_=zero))).as_('satisfied'),
                    integer(Sum(SqlCase(
                                (evaluation.level.in_(BAD_LEVELS), one),
                                else_=zero))).as_('bad'),
                    where=where_, group_by=group_by))
        union = Union(*queries, all_=True)
        return union.select(*(Column(union, c)
                for c in cls._key_columns() + cls._count_columns()))

    @classmethod
    def rating_counts(cls, ratings):
        """Return the counts of the ratings, given as dictionaries of the
        values of the columns they are counted by (ids for the relations),
        as counts returns them: the same as _events_query, without a query"""
        counts = {}
        for rating in ratings:
            if rating['state'] != 'rated' or not rating['rating_day']:
                continue
            figures = (1, int(rating['level'] in GOOD_LEVELS),
                int(rating['level'] in BAD_LEVELS))
            for key in SUMMARY_KEYS:
                values = dict(rating, month=rating['rating_day'].replace(
                        day=1), key=key)
                for name in SUMMARY_KEYS[1:]:
                    if name != key:
                        values[name] = None
                row = tuple(values[c] for c in cls._key_columns())
                counts[row] = tuple(
                    a + b for a, b in zip(counts.get(row, (0, 0, 0)), figures))
        return counts

    @classmethod
    def add_ratings(cls, ids, sign=1):
        "Add (sign 1) or take away (sign -1) the counts of the ratings of ids"
        for sub_ids in grouped_slice(ids):
            sub_ids = list(sub_ids)
            cls.add_events(
                lambda evaluation: reduce_ids(evaluation.id, sub_ids), sign)


class SatisfactionMixin(
        StatisticSearchMixin, StatisticKeyMixin, ModelSQL, ModelView):
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
            group_by=[key],
            # The rows of the summary of ratings voided since add up to
            # nothing
            having=(ratings != 0) | (rectifications != 0)
            | (complaints != 0))

    @classmethod
    def _key_filter(cls, key):
        return key != Null

    @classmethod
    def _events(cls):
        """Return the union of the rows of the ratings, rectifications and
        complaints of the period of the context"""
        period = cls._events_period()
        return Union(
            *cls._rating_events(*period), cls._rectification_events(*period),
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
        """Return the queries of the rows of the ratings of the period: the
        rows of the summary for its whole months that have passed, one row
        for each rating of the other days"""
        pool = Pool()
        Context = pool.get('onewindow.statistic.context')
        key = cls._summary_key()
        months = Context.get_months(from_date, to_date, today)
        if not key or not months:
            return [cls._rating_rows(from_date, to_date)]
        first, last = months
        day = dt.timedelta(days=1)
        # Two ranges of the index of the ratings rather than one with a
        # hole: each is read from the index alone
        queries = [cls._summary_rows(key, first, last)]
        if from_date < first:
            queries.append(cls._rating_rows(from_date, first - day))
        if last < to_date:
            queries.append(cls._rating_rows(last + day, to_date))
        return queries

    @classmethod
    def _rating_rows(cls, from_date, to_date):
        "Return the query of a row for each rating from from_date to to_date"
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        zero, one = Literal(0), Literal(1)
        evaluation = Evaluation.__table__()
        # The ids of the ratings are 0 and those of the summary 3 modulo 6,
        # those of the rectifications 1 and of the complaints 2 modulo 3
        return evaluation.select(
            *cls._event_columns(evaluation.id * 6, evaluation,
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
    def _summary_rows(cls, key, first, last):
        """Return the query of the rows of the summary of the key for the
        months from first to last"""
        pool = Pool()
        Summary = pool.get('onewindow.evaluation.statistic.summary')
        summary = Summary.__table__()
        return summary.select(
            *cls._event_columns(summary.id * 6 + 3, summary,
                summary.matter, summary.month,
                rating=summary.ratings, good=summary.satisfied,
                bad=summary.bad),
            where=cls._events_where(summary, (summary.key == key)
                & (summary.month >= first) & (summary.month <= last)))

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
