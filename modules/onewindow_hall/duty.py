# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.wizard import Button, StateView, Wizard

from .exceptions import DutyWarning


def week_start(date):
    "Return the Monday of the week of date"
    return date - dt.timedelta(days=date.weekday())


class Duty(ModelSQL, ModelView):
    "On-Site Duty"
    __name__ = 'onewindow.duty'
    date = fields.Date("Date", required=True)
    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='RESTRICT',
        domain=[('departments', '=', Eval('department', -1))],
        help="The liaison on duty.")
    window = fields.Many2One(
        'onewindow.window', "Window", ondelete='SET NULL',
        help="Where the liaison sits that day.")
    notes = fields.Char("Notes")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def short_departments(cls, date):
        """Return the active non-resident departments without any on-site
        day in the week of date"""
        pool = Pool()
        Department = pool.get('onewindow.department')
        start = week_start(date)
        end = start + dt.timedelta(days=6)
        duties = cls.search([
                ('date', '>=', start),
                ('date', '<=', end),
                ('department.residency', '=', 'non_resident'),
                ])
        covered = {d.department.id for d in duties}
        departments = Department.search([
                ('residency', '=', 'non_resident'),
                ])
        return [d for d in departments if d.id not in covered]

    @classmethod
    def _check_coverage(cls, before):
        "Warn when a change leaves a department short in a week"
        pool = Pool()
        Warning = pool.get('res.user.warning')
        short = set()
        for week in {w for _, w in before}:
            for department in cls.short_departments(week):
                if (department.id, week) in before:
                    short.add((department, week))
        if short:
            short = sorted(short, key=lambda s: (s[1], s[0].id))
            key = Warning.format(
                'duty_short', [d for d, _ in short],
                ) + '_' + '_'.join(str(w) for _, w in short)
            if Warning.check(key):
                raise DutyWarning(key, gettext(
                        'onewindow_hall.msg_duty_department_short',
                        departments=', '.join(
                            '%s (%s)' % (d.rec_name, w) for d, w in short)))

    @classmethod
    def _coverage_of(cls, duties):
        return {(d.department.id, week_start(d.date)) for d in duties
            if d.department.residency == 'non_resident'}

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        before = set()
        for duties, values in zip(actions, actions):
            if {'date', 'department'} & values.keys():
                before |= cls._coverage_of(duties)
        super().write(*args)
        if before:
            cls._check_coverage(before)

    @classmethod
    def delete(cls, duties):
        before = cls._coverage_of(duties)
        super().delete(duties)
        if before:
            cls._check_coverage(before)


class DutyCheckStart(ModelView):
    "Check Duty Roster"
    __name__ = 'onewindow.duty.check.start'
    date = fields.Date("Week of", required=True)

    @staticmethod
    def default_date():
        return Pool().get('ir.date').today()


class DutyCheckResult(ModelView):
    "Check Duty Roster"
    __name__ = 'onewindow.duty.check.result'
    week_start = fields.Date("From", readonly=True)
    week_end = fields.Date("To", readonly=True)
    departments = fields.Many2Many(
        'onewindow.department', None, None, "Departments Short of Duty",
        readonly=True,
        help="Non-resident departments with no on-site day this week.")


class DutyCheck(Wizard):
    "Check Duty Roster"
    __name__ = 'onewindow.duty.check'
    start = StateView('onewindow.duty.check.start',
        'onewindow_hall.duty_check_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Check", 'result', 'tryton-ok', default=True),
            ])
    result = StateView('onewindow.duty.check.result',
        'onewindow_hall.duty_check_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_result(self, fields):
        pool = Pool()
        Duty = pool.get('onewindow.duty')
        start = week_start(self.start.date)
        return {
            'week_start': start,
            'week_end': start + dt.timedelta(days=6),
            'departments': [
                d.id for d in Duty.short_departments(self.start.date)],
            }
