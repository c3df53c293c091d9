# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict

from sql import For, Literal

from trytond.i18n import gettext
from trytond.modules.onewindow_hall.exceptions import CalendarError
from trytond.modules.onewindow_matters.matter import (
    JOINT_EXTENSION, JOINT_LIMIT, LICENCE_EXTENSION, LICENCE_LIMIT)
from trytond.pool import Pool, PoolMeta
from trytond.tools import reduce_ids
from trytond.transaction import Transaction, without_check_access


class Calendar(metaclass=PoolMeta):
    __name__ = 'onewindow.calendar'

    @classmethod
    def changed(cls, calendars, dates):
        pool = Pool()
        Case = pool.get('onewindow.case')
        # The deadlines computed meanwhile with the old days would not be
        # moved: lock the calendars from the start of the transaction, which
        # waits for the computations under way, and write them, so that a
        # computation on an older snapshot is retried (Case.lock_calendars)
        cls.lock(calendars)
        with without_check_access():
            cls.write(calendars, {})
        super().changed(calendars, dates)
        Case.update_deadlines(calendars, dates)


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'

    def compute_deadline(self, date=None):
        """Return the deadline and its explanation: the promised time limit
        plus the extension and the working days the clock stood still"""
        date = date or self.acceptance_date
        limit = self.promised_limit
        if limit is None:
            limit = self.matter.promised_limit or 0
        extended = getattr(self, 'extended_days', None) or 0
        suspended = self.get_suspended_days()
        total = limit + extended + suspended
        calendar = self.calendar
        deadline = calendar.add_working_days(date, total)
        explanation = calendar.explain_add_working_days(date, total)
        if extended or suspended:
            return deadline, gettext(
                'onewindow_approval.msg_case_deadline_explanation_clock',
                limit=limit, extended=extended, suspended=suspended,
                explanation=explanation)
        return deadline, gettext(
            'onewindow_approval.msg_case_deadline_explanation',
            limit=limit, explanation=explanation)

    def get_suspended_days(self):
        "Return the working days the finished suspensions stopped the clock"
        suspensions = getattr(self, 'suspensions', None) or []
        return sum(
            self.calendar.working_days_between(s.start_date, s.end_date)
            for s in suspensions if s.state == 'done')

    @property
    def statutory_limit(self):
        """Return the time limit in working days that the law sets for the
        decision, or None: 45 for a joint matter, 20 for a licence (art. 42
        of the Administrative Licensing Law)"""
        matter = self.matter
        if matter.handling == 'joint':
            return JOINT_LIMIT
        elif matter.handling == 'escalated':
            return None
        elif matter.matter_type == 'licence':
            return matter.statutory_limit or LICENCE_LIMIT
        return matter.statutory_limit

    @property
    def extension_limit(self):
        """Return the working days the time limit may be extended by: 10,
        15 for a joint matter (arts. 42 and 45), less if the matter says
        so"""
        limit = (JOINT_EXTENSION if self.matter.handling == 'joint'
            else LICENCE_EXTENSION)
        if self.matter.extension_limit is not None:
            limit = min(limit, self.matter.extension_limit)
        return limit

    def deadline_values(self):
        "Return the values of the deadlines of the accepted case"
        deadline, explanation = self.compute_deadline()
        suspended = self.get_suspended_days()
        calendar, date = self.calendar, self.acceptance_date
        values = {
            'deadline': deadline,
            'deadline_explanation': explanation,
            'suspended_days': suspended,
            'statutory_deadline': None,
            'county_review_deadline': None,
            }
        # These deadlines may fall in a year not published yet: they are
        # computed again when the clock changes
        limit = self.statutory_limit
        try:
            if limit is not None:
                values['statutory_deadline'] = calendar.add_working_days(
                    date, limit + (self.extended_days or 0) + suspended)
            if self.matter.handling == 'escalated':
                # The county's own review: art. 43
                values['county_review_deadline'] = (
                    calendar.add_working_days(
                        date, LICENCE_LIMIT + suspended))
        except CalendarError:
            pass
        return values

    @classmethod
    def lock_calendars(cls, cases):
        """Lock the calendars of the cases in share mode while deadlines
        are computed with them

        The computations do not wait for each other.  A change of the
        working days locks and writes the calendars (Calendar.changed): a
        computation waits for it to commit, then is retried on the new
        days; the change waits for the computations under way."""
        pool = Pool()
        Calendar = pool.get('onewindow.calendar')
        transaction = Transaction()
        ids = sorted({c.calendar.id for c in cases})
        if not ids or not transaction.database.has_select_for():
            return
        table = Calendar.__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.select(Literal(1),
                where=reduce_ids(table.id, ids), for_=For('SHARE')))

    @classmethod
    def update_deadlines(cls, calendars, dates):
        """Recompute the deadlines of the running cases of the halls of
        calendars after a change of the working days on dates"""
        if not dates:
            return
        first, last = min(dates), max(dates)
        cases = cls.search([
                ('hall.calendar', 'in', [c.id for c in calendars]),
                ('state', 'in', cls._deadline_states),
                ('acceptance_date', '<', last),
                ['OR',
                    ('deadline', '>=', first),
                    ('statutory_deadline', '>=', first),
                    ('county_review_deadline', '>=', first),
                    ],
                ], order=[('id', 'ASC')])
        names = ['deadline', 'deadline_explanation', 'statutory_deadline',
            'county_review_deadline']
        to_write, comments = defaultdict(list), {}
        for case in cases:
            end = max(filter(None, [case.deadline, case.statutory_deadline,
                        case.county_review_deadline]))
            if not any(case.acceptance_date < d <= end for d in dates):
                continue
            values = case.deadline_values()
            key = tuple(values[n] for n in names)
            if key == tuple(getattr(case, n) for n in names):
                continue
            to_write[key].append(case)
            comments[case] = gettext(
                'onewindow_approval.msg_case_deadline_moved',
                old=case.deadline.isoformat(),
                new=values['deadline'].isoformat(),
                dates=', '.join(d.isoformat() for d in dates
                    if case.acceptance_date < d <= end),
                explanation=values['deadline_explanation'])
        if not to_write:
            return
        cls.log_event(list(comments), 'deadline', comments=comments)
        args = []
        for key, records in to_write.items():
            args.extend((records, dict(zip(names, key))))
        # The deadlines are set by the system, not by the user who changed
        # the calendar
        with without_check_access():
            cls.write(*args)
