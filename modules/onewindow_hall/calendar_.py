# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from weakref import WeakKeyDictionary

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Unique, Workflow, dualmethod, fields)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import CalendarDayValidationError, CalendarError
from .model import ButtonStateMixin, transition

# Names of the holidays of the chinese-calendar library
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    'Spring Festival': "春节",
    'Tomb-sweeping Day': "清明节",
    'Labour Day': "劳动节",
    'Dragon Boat Festival': "端午节",
    'National Day': "国庆节",
    'Mid-autumn Festival': "中秋节",
    'Anti-Fascist 70th Day': "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
    }


# The most working days a caller may count at once (about 40 years)
MAX_DAYS = 10000


class Calendar(ModelSQL, ModelView):
    """Working-Day Calendar

    Time limits of the hall are counted in working days: weekends are rest
    days unless marked as make-up workdays, and public holidays are rest
    days.  Only published years can be used."""
    __name__ = 'onewindow.calendar'
    name = fields.Char("Name", required=True, translate=True)
    years = fields.One2Many('onewindow.calendar.year', 'calendar', "Years")
    logs = fields.One2Many(
        'onewindow.calendar.log', 'calendar', "Changes", readonly=True)
    _years_cache = Cache('onewindow.calendar.years', context=False)
    # The sets of the years used by a transaction: the cache returns a copy
    # of its value on each get, and a deadline looks up every day it counts
    _transaction_years = WeakKeyDictionary()
    # The explanations given in a transaction: an acceptance checks the
    # deadline, then computes it
    _transaction_explanations = WeakKeyDictionary()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__.update({
                'is_working_day': RPC(instantiate=0),
                'add_working_days': RPC(instantiate=0),
                'working_days_between': RPC(instantiate=0),
                'explain_add_working_days': RPC(instantiate=0),
                })

    @classmethod
    def _clear_years(cls):
        cls._years_cache.clear()
        cls._transaction_years.pop(Transaction(), None)
        cls._transaction_explanations.pop(Transaction(), None)

    def _year(self, year):
        "Return (holidays, workdays) of the published year or raise"
        key = (self.id, year)
        memo = self._transaction_years.setdefault(Transaction(), {})
        if key in memo:
            return memo[key]
        value = self._years_cache.get(key)
        if value is None:
            pool = Pool()
            Year = pool.get('onewindow.calendar.year')
            years = Year.search([
                    ('calendar', '=', self.id),
                    ('year', '=', year),
                    ('state', '=', 'published'),
                    ], limit=1)
            if years:
                year_, = years
                holidays = sorted(
                    d.date.toordinal() for d in year_.days
                    if d.kind == 'holiday')
                workdays = sorted(
                    d.date.toordinal() for d in year_.days
                    if d.kind == 'workday')
                value = (holidays, workdays)
            else:
                value = False
            self._years_cache.set(key, value)
        if value is False:
            raise CalendarError(gettext(
                    'onewindow_hall.msg_calendar_year_not_published',
                    calendar=self.rec_name, year=year))
        holidays, workdays = value
        memo[key] = frozenset(holidays), frozenset(workdays)
        return memo[key]

    @classmethod
    def _check_arguments(cls, calendars, **arguments):
        """Return the one calendar of calendars or raise CalendarError if
        an argument given by a caller is not what the methods expect"""
        if isinstance(calendars, cls):
            calendars = [calendars]
        if len(calendars) != 1:
            raise CalendarError(gettext(
                    'onewindow_hall.msg_calendar_one_calendar'))
        for name, value in arguments.items():
            if name == 'days':
                valid = (isinstance(value, int)
                    and not isinstance(value, bool)
                    and 0 <= value <= MAX_DAYS)
                message = 'onewindow_hall.msg_calendar_days_argument'
            else:
                valid = (isinstance(value, dt.date)
                    and not isinstance(value, dt.datetime))
                message = 'onewindow_hall.msg_calendar_date_argument'
            if not valid:
                if isinstance(value, str) and len(value) > 50:
                    value = value[:50] + '…'
                raise CalendarError(gettext(
                        message, name=name, value=value, max=MAX_DAYS))
        return calendars[0]

    @dualmethod
    def is_working_day(cls, calendars, date):
        "Return True if date is a working day"
        calendar = cls._check_arguments(calendars, date=date)
        return calendar._is_working_day(date)

    @dualmethod
    def add_working_days(cls, calendars, date, days):
        """Return the date of the days-th working day after date

        The day of date itself does not count: day one is the next working
        day."""
        calendar = cls._check_arguments(calendars, date=date, days=days)
        return calendar._add_working_days(date, days)

    @dualmethod
    def working_days_between(cls, calendars, start, end):
        "Return the number of working days after start up to end included"
        calendar = cls._check_arguments(calendars, start=start, end=end)
        return calendar._working_days_between(start, end)

    @dualmethod
    def explain_add_working_days(cls, calendars, date, days):
        "Return a text that explains the result of add_working_days"
        calendar = cls._check_arguments(calendars, date=date, days=days)
        return calendar._explain_add_working_days(date, days)

    def _is_working_day(self, date):
        holidays, workdays = self._year(date.year)
        ordinal = date.toordinal()
        if ordinal in workdays:
            return True
        if ordinal in holidays:
            return False
        return date.weekday() < 5

    def _add_working_days(self, date, days):
        if days < 0:
            raise ValueError("days must not be negative")
        result = date
        while days:
            result += dt.timedelta(days=1)
            if self._is_working_day(result):
                days -= 1
        return result

    def _working_days_between(self, start, end):
        if end < start:
            return -self._working_days_between(end, start)
        count = 0
        date = start
        while date < end:
            date += dt.timedelta(days=1)
            if self._is_working_day(date):
                count += 1
        return count

    def _explain_add_working_days(self, date, days):
        transaction = Transaction()
        memo = self._transaction_explanations.setdefault(transaction, {})
        key = (self.id, date, days, transaction.language)
        if key not in memo:
            memo[key] = self._explain_add_working_days_text(date, days)
        return memo[key]

    def _explain_add_working_days_text(self, date, days):
        pool = Pool()
        Day = pool.get('onewindow.calendar.day')
        result = self._add_working_days(date, days)
        rest = []
        current = date
        while current < result:
            current += dt.timedelta(days=1)
            if not self._is_working_day(current):
                rest.append(current)
        named = Day.search([
                ('year.calendar', '=', self.id),
                ('date', '>', date),
                ('date', '<=', result),
                ])
        names = {d.date: d.name for d in named}
        holidays = sorted({
                '%s %s' % (d.strftime('%m-%d'), names[d])
                for d in rest if names.get(d)})
        workdays = sorted(
            d.date.strftime('%m-%d') for d in named if d.kind == 'workday')
        return gettext('onewindow_hall.msg_calendar_explanation',
            start=date.isoformat(), days=days, end=result.isoformat(),
            rest=len(rest),
            holidays=', '.join(holidays) or '-',
            workdays=', '.join(workdays) or '-')

    @classmethod
    def changed(cls, calendars, dates):
        """Called when the working days of published years change

        dates is the sorted list of the dates that changed.
        Modules extend it to move what depends on the calendars."""
        cls._clear_years()

    def record_change(self, year, description):
        pool = Pool()
        Log = pool.get('onewindow.calendar.log')
        Log.create([{
                    'calendar': self.id,
                    'year': year,
                    'description': description,
                    }])


class CalendarYear(
        ButtonStateMixin, Workflow, ModelSQL,
        ModelView):
    "Working-Day Calendar Year"
    __name__ = 'onewindow.calendar.year'
    calendar = fields.Many2One(
        'onewindow.calendar', "Calendar", required=True, ondelete='CASCADE')
    year = fields.Integer("Year", required=True,
        domain=[('year', '>=', 2000), ('year', '<=', 2200)],
        states={
            'readonly': Eval('state') != 'draft',
            })
    notice = fields.Char("Notice",
        help="The State Council notice that sets the year's holidays.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('published', "Published"),
            ], "State", required=True, readonly=True, sort=False)
    days = fields.One2Many(
        'onewindow.calendar.day', 'year', "Days",
        help="Public holidays and make-up workdays; other days follow the "
        "week: Monday to Friday are working days.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('year_unique', Unique(t, t.calendar, t.year),
                'onewindow_hall.msg_calendar_year_unique'),
            ]
        cls._order.insert(0, ('year', 'DESC'))
        cls._transitions |= {('draft', 'published')}
        cls._buttons.update({
                'publish': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    def get_rec_name(self, name):
        return '%s %s' % (self.calendar.rec_name, self.year)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause
        if isinstance(value, str) and value.strip('%').isdigit():
            return [('year', '=', int(value.strip('%')))]
        return [('calendar.rec_name',) + tuple(clause[1:])]

    @classmethod
    @ModelView.button
    @transition('published')
    def publish(cls, years):
        pool = Pool()
        Calendar = pool.get('onewindow.calendar')
        for year in years:
            year.calendar.record_change(year.year, gettext(
                    'onewindow_hall.msg_calendar_log_published',
                    year=year.year, days=len(year.days)))
        Calendar.changed(
            list({y.calendar for y in years}),
            sorted(d.date for y in years for d in y.days))

    @classmethod
    def fill_from_library(cls, calendar, year):
        """Fill the draft year of calendar with the holidays and make-up
        workdays of the chinese-calendar library and return it"""
        import chinese_calendar
        pool = Pool()
        Day = pool.get('onewindow.calendar.day')
        first = dt.date(year, 1, 1)
        try:
            chinese_calendar.is_holiday(first)
        except NotImplementedError:
            raise CalendarError(gettext(
                    'onewindow_hall.msg_calendar_library_missing_year',
                    year=year))
        years = cls.search([
                ('calendar', '=', calendar.id),
                ('year', '=', year),
                ], limit=1)
        if years:
            record, = years
            if record.state != 'draft':
                raise CalendarError(gettext(
                        'onewindow_hall.msg_calendar_fill_published',
                        year=record.rec_name))
            Day.delete(record.days)
        else:
            record, = cls.create([{'calendar': calendar.id, 'year': year}])
        vlist = []
        date = first
        while date.year == year:
            on_holiday, name = chinese_calendar.get_holiday_detail(date)
            if on_holiday and name:
                kind = 'holiday'
            elif not on_holiday and date.weekday() >= 5:
                kind = 'workday'
            else:
                kind = None
            if kind:
                vlist.append({
                        'year': record.id,
                        'date': date,
                        'kind': kind,
                        'name': HOLIDAY_NAMES.get(name, name),
                        'notice': 'chinese-calendar %s' % (
                            chinese_calendar.__version__),
                        })
            date += dt.timedelta(days=1)
        Day.create(vlist)
        return record

    @classmethod
    def write(cls, *args):
        super().write(*args)
        Pool().get('onewindow.calendar')._clear_years()

    @classmethod
    def delete(cls, years):
        for year in years:
            if year.state != 'draft':
                raise CalendarError(gettext(
                        'onewindow_hall.msg_calendar_year_delete_published',
                        year=year.rec_name))
        super().delete(years)
        Pool().get('onewindow.calendar')._clear_years()


class CalendarDay(ModelSQL, ModelView):
    "Working-Day Calendar Day"
    __name__ = 'onewindow.calendar.day'
    year = fields.Many2One(
        'onewindow.calendar.year', "Year", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    kind = fields.Selection([
            ('holiday', "Public Holiday"),
            ('workday', "Make-up Workday"),
            ], "Kind", required=True, sort=False)
    kind_string = kind.translated('kind')
    name = fields.Char("Name", translate=True)
    notice = fields.Char("Notice",
        help="The document that sets this day.")
    weekday = fields.Function(fields.Char("Weekday"), 'get_weekday')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('date_unique', Unique(t, t.year, t.date),
                'onewindow_hall.msg_calendar_day_unique'),
            ]
        cls._order.insert(0, ('date', 'ASC'))

    def get_weekday(self, name):
        return self.date.strftime('%a') if self.date else None

    @classmethod
    def validate_fields(cls, days, field_names):
        super().validate_fields(days, field_names)
        if field_names & {'date', 'year'}:
            for day in days:
                if day.date.year != day.year.year:
                    raise CalendarDayValidationError(gettext(
                            'onewindow_hall.msg_calendar_day_wrong_year',
                            date=day.date, year=day.year.rec_name))

    @classmethod
    def _describe(cls, days):
        return {d.id: (d.year.calendar, d.year.state, d.date, d.kind_string,
                d.name or '') for d in days}

    @classmethod
    def _log_changes(cls, before, after):
        "Log the changes of published years and tell the calendars"
        pool = Pool()
        Calendar = pool.get('onewindow.calendar')
        Calendar._clear_years()
        changes = {}
        for id_ in before.keys() | after.keys():
            old, new = before.get(id_), after.get(id_)
            if not any(v and v[1] == 'published' for v in (old, new)):
                continue
            calendar = (new or old)[0]
            if old and new:
                text = gettext('onewindow_hall.msg_calendar_log_day_changed',
                    date=old[2].isoformat(), kind=old[3], name=old[4],
                    new_date=new[2].isoformat(), new_kind=new[3],
                    new_name=new[4])
            else:
                value = old or new
                text = gettext(
                    'onewindow_hall.msg_calendar_log_day_added' if new
                    else 'onewindow_hall.msg_calendar_log_day_removed',
                    date=value[2].isoformat(), kind=value[3], name=value[4])
            calendar.record_change((new or old)[2].year, text)
            dates = changes.setdefault(calendar, set())
            dates.update(v[2] for v in (old, new) if v)
        if changes:
            Calendar.changed(
                list(changes), sorted(set().union(*changes.values())))

    @classmethod
    def create(cls, vlist):
        days = super().create(vlist)
        cls._log_changes({}, cls._describe(days))
        return days

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        days = []
        for records, values in zip(actions, actions):
            days.extend(records)
        before = cls._describe(cls.browse(days))
        super().write(*args)
        cls._log_changes(before, cls._describe(cls.browse(days)))

    @classmethod
    def delete(cls, days):
        before = cls._describe(cls.browse(days))
        super().delete(days)
        cls._log_changes(before, {})


class CalendarLog(ModelSQL, ModelView):
    "Working-Day Calendar Change"
    __name__ = 'onewindow.calendar.log'
    calendar = fields.Many2One(
        'onewindow.calendar', "Calendar", required=True, ondelete='CASCADE',
        readonly=True)
    year = fields.Integer("Year", readonly=True)
    description = fields.Text("Description", readonly=True)
    user = fields.Function(
        fields.Many2One('res.user', "User"), 'get_user')
    timestamp = fields.Function(
        fields.DateTime("Date"), 'get_timestamp')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]

    def get_user(self, name):
        return self.create_uid.id

    def get_timestamp(self, name):
        return self.create_date

    @classmethod
    def write(cls, *args):
        raise CalendarError(gettext('onewindow_hall.msg_log_readonly'))

    @classmethod
    def delete(cls, logs):
        raise CalendarError(gettext('onewindow_hall.msg_log_readonly'))


class CalendarFillStart(ModelView):
    "Fill Calendar Year"
    __name__ = 'onewindow.calendar.fill.start'
    calendar = fields.Many2One(
        'onewindow.calendar', "Calendar", required=True)
    year = fields.Integer("Year", required=True,
        help="The year to fill from the chinese-calendar library, "
        "as a draft to check and publish.")


class CalendarFill(Wizard):
    "Fill Calendar Year"
    __name__ = 'onewindow.calendar.fill'
    start = StateView('onewindow.calendar.fill.start',
        'onewindow_hall.calendar_fill_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Fill", 'fill', 'tryton-ok', default=True),
            ])
    fill = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        defaults = {'year': Date.today().year + 1}
        context = Transaction().context
        if context.get('active_model') == 'onewindow.calendar':
            defaults['calendar'] = context.get('active_id')
        return defaults

    def transition_fill(self):
        pool = Pool()
        Year = pool.get('onewindow.calendar.year')
        Year.fill_from_library(self.start.calendar, self.start.year)
        return 'end'
