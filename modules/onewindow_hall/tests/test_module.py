# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from hypothesis import given, settings, strategies as st

from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.pool import Pool
from trytond.pyson import PYSONEncoder
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from trytond.modules.onewindow_hall.exceptions import CalendarError


def create_calendar(years=(2025, 2026), publish=True):
    pool = Pool()
    Calendar = pool.get('onewindow.calendar')
    Year = pool.get('onewindow.calendar.year')
    calendar = Calendar(name="Test")
    calendar.save()
    records = [Year.fill_from_library(calendar, y) for y in years]
    if publish:
        Year.publish(records)
    return calendar


class OnewindowHallTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Onewindow Hall module"
    module = 'onewindow_hall'

    @with_transaction()
    def test_working_days_of_the_plan(self):
        "Working days around the 2025 National Day and 2026 Spring Festival"
        calendar = create_calendar()
        d = dt.date
        self.assertTrue(calendar.is_working_day(d(2025, 9, 28)))  # Sunday
        self.assertTrue(calendar.is_working_day(d(2025, 10, 11)))  # Saturday
        for day in range(1, 9):
            self.assertFalse(calendar.is_working_day(d(2025, 10, day)))
        self.assertEqual(
            calendar.add_working_days(d(2025, 9, 30), 5), d(2025, 10, 14))
        self.assertEqual(
            calendar.add_working_days(d(2026, 2, 10), 20), d(2026, 3, 16))
        self.assertEqual(
            calendar.working_days_between(d(2025, 9, 30), d(2025, 10, 14)),
            5)

    @with_transaction()
    def test_rest_day_start(self):
        "Day one is the next working day when starting on a rest day"
        calendar = create_calendar()
        d = dt.date
        # Saturday 2025-10-04 is in the National Day holiday
        self.assertEqual(
            calendar.add_working_days(d(2025, 10, 4), 1), d(2025, 10, 9))
        self.assertEqual(
            calendar.add_working_days(d(2025, 11, 8), 1), d(2025, 11, 10))

    @with_transaction()
    def test_agrees_with_library(self):
        "The filled calendar agrees with chinese-calendar on 2006-2026"
        import chinese_calendar
        years = range(2006, 2027)
        calendar = create_calendar(years)
        date = dt.date(2006, 1, 1)
        mismatches = []
        while date.year <= 2026:
            if (calendar.is_working_day(date)
                    != chinese_calendar.is_workday(date)):
                mismatches.append(date)
            date += dt.timedelta(days=1)
        self.assertEqual(mismatches, [])

    @with_transaction()
    def test_unpublished_year_raises(self):
        "A date in an unpublished year raises instead of guessing"
        calendar = create_calendar()
        with self.assertRaises(CalendarError):
            calendar.is_working_day(dt.date(2027, 1, 4))
        with self.assertRaises(CalendarError):
            calendar.add_working_days(dt.date(2026, 12, 20), 20)

    @with_transaction()
    def test_draft_year_raises(self):
        "A filled but not published year is not used"
        calendar = create_calendar(publish=False)
        with self.assertRaises(CalendarError):
            calendar.is_working_day(dt.date(2025, 5, 6))

    @with_transaction()
    def test_published_change_logged(self):
        "Changing a published year is allowed, logged and seen at once"
        pool = Pool()
        Day = pool.get('onewindow.calendar.day')
        calendar = create_calendar()
        year, = [y for y in calendar.years if y.year == 2026]
        self.assertTrue(calendar.is_working_day(dt.date(2026, 3, 2)))
        Day.create([{
                    'year': year.id, 'date': dt.date(2026, 3, 2),
                    'kind': 'holiday', 'name': "Test",
                    }])
        self.assertFalse(calendar.is_working_day(dt.date(2026, 3, 2)))
        logs = [l.description for l in calendar.logs]
        self.assertTrue(any('2026-03-02' in l for l in logs))
        log = calendar.logs[0]
        with self.assertRaises(CalendarError):
            pool.get('onewindow.calendar.log').write(
                [log], {'description': "nothing happened"})
        with self.assertRaises(CalendarError):
            pool.get('onewindow.calendar.log').delete([log])

    @with_transaction()
    def test_working_days_properties(self):
        "Counting back what was added gives the same number of days"
        calendar = create_calendar()
        dates = st.dates(
            min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 10, 31))

        @settings(max_examples=300, deadline=None, database=None)
        @given(dates, dates, st.integers(min_value=0, max_value=40))
        def check(first, second, days):
            end = calendar.add_working_days(first, days)
            self.assertEqual(
                calendar.working_days_between(first, end), days)
            if days:
                self.assertTrue(calendar.is_working_day(end))
                self.assertLess(
                    calendar.add_working_days(first, days - 1), end)
            start, stop = sorted([first, second])
            self.assertLessEqual(
                calendar.add_working_days(start, days),
                calendar.add_working_days(stop, days))
            self.assertEqual(
                calendar.working_days_between(stop, start),
                -calendar.working_days_between(start, stop))
        check()

    @with_transaction()
    def test_user_departments_rule_context(self):
        "The rule context holds the user's departments"
        pool = Pool()
        Rule = pool.get('ir.rule')
        User = pool.get('res.user')
        Department = pool.get('onewindow.department')
        company = create_company()
        with set_company(company):
            department, = Department.create([{
                        'name': "Civil Affairs", 'code': 'MZ'}])
            user, = User.create([{'name': "Clerk", 'login': 'clerk'}])
            User.write([user], {'departments': [('add', [department.id])]})
            from trytond.transaction import Transaction
            with Transaction().set_user(user.id):
                self.assertEqual(
                    Rule._get_context('onewindow.terminal')['departments'],
                    (department.id,))

    @with_transaction()
    def test_status_bar_without_currency(self):
        "The status bar names the user without the company's currency"
        pool = Pool()
        User = pool.get('res.user')
        company = create_company()
        with set_company(company):
            user, = User.create([{
                        'name': "李晓敏", 'login': 'clerk',
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        }])
            self.assertEqual(user.status_bar, "李晓敏")
            self.assertNotIn(company.currency.code, user.status_bar)

    @with_transaction()
    def test_demo_clock(self):
        "Only a demo database takes today from the context"
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('ir.configuration')
        from trytond.modules.onewindow_hall.ir import now
        from trytond.transaction import Transaction
        story = dt.date(2025, 8, 12)
        with Transaction().set_context(onewindow_today=story):
            self.assertEqual(Date.today(), dt.date.today())
            configuration = Configuration(1)
            configuration.onewindow_demo = True
            configuration.save()
            self.assertEqual(Date.today(), story)
            self.assertEqual(now().date(), story)
            # Never in the future, whatever the hour in China
            self.assertLess(now(), dt.datetime.now())
            # A date and time is not a day
            with Transaction().set_context(
                    onewindow_today=dt.datetime(2025, 8, 12, 9)):
                self.assertEqual(Date.today(), dt.date.today())
        self.assertEqual(Date.today(), dt.date.today())
        self.assertEqual(now().date(), dt.date.today())

    @with_transaction()
    def test_demo_clock_model_log(self):
        "The model log of a call on a day of the demo's story is dated that day"
        pool = Pool()
        Configuration = pool.get('ir.configuration')
        Log = pool.get('ir.model.log')
        Party = pool.get('party.party')
        from trytond.transaction import Transaction, check_access
        transaction = Transaction()
        story = dt.date(2025, 8, 12)

        def write(name, day=None):
            # As a call of a user: only they are logged
            with transaction.set_context(onewindow_today=day), \
                    check_access():
                Party.write([party], {'name': name})

        def dates(party):
            # Saved at the commit, with the context of the call
            transaction._store_log_records()
            return [l.create_date.date() for l in Log.search(
                    [('resource', '=', str(party))], order=[('id', 'ASC')])]
        party, = Party.create([{'name': "李晓敏"}])
        write("李晓明", story)
        self.assertEqual(dates(party), [dt.date.today()])
        configuration = Configuration(1)
        configuration.onewindow_demo = True
        configuration.save()
        write("李晓敏", story)
        write("李晓明")
        self.assertEqual(dates(party),
            [dt.date.today(), story, dt.date.today()])

    @with_transaction()
    def test_demo_clock_caches(self):
        "The caches of the definitions are the same on every demo day"
        pool = Pool()
        Model = pool.get('ir.model')
        Trigger = pool.get('ir.trigger')
        from trytond.transaction import Transaction
        keys = set()
        for day in [dt.date(2025, 8, 12), dt.date(2025, 8, 13), None]:
            with Transaction().set_context(onewindow_today=day):
                keys.add((Model._get_names_cache._key('items'),
                        Trigger._get_triggers_cache._key('x')))
        self.assertEqual(len(keys), 1)

    @with_transaction()
    def test_today_company_timezone(self):
        "Today is the day in the time zone of the company, as it changes"
        pool = Pool()
        Date = pool.get('ir.date')
        Company = pool.get('company.company')
        from zoneinfo import ZoneInfo
        company = create_company()
        with set_company(company):
            # A day apart at every hour (UTC+14 and UTC-11)
            for timezone in ['Pacific/Kiritimati', 'Pacific/Niue']:
                Company.write([company], {'timezone': timezone})
                self.assertEqual(Date.today(),
                    dt.datetime.now(ZoneInfo(timezone)).date())
                self.assertEqual(Company.get_timezone(company.id), timezone)

    @with_transaction()
    def test_names_follow_changes(self):
        "The names of departments, companies and employees follow each change"
        pool = Pool()
        Department = pool.get('onewindow.department')
        Employee = pool.get('company.employee')
        Company = pool.get('company.company')
        Party = pool.get('party.party')
        Lang = pool.get('ir.lang')
        Translation = pool.get('ir.translation')

        def name(Model, record):
            record, = Model.read([record.id], ['rec_name'])
            return record['rec_name']
        company = create_company()
        party = Party(name="Zhang San")
        party.save()
        employee = Employee(party=party, company=company)
        employee.save()
        department = Department(name="Bureau", code='B')
        department.save()
        self.assertEqual(name(Employee, employee), "Zhang San")
        self.assertEqual(name(Company, company), company.party.name)
        self.assertEqual(name(Department, department), "Bureau")

        Party.write([party, company.party], {'name': "Li Si"})
        self.assertEqual(name(Employee, employee), "Li Si")
        self.assertEqual(name(Company, company), "Li Si")
        other = Party(name="Wang Wu")
        other.save()
        Employee.write([employee], {'party': other.id})
        self.assertEqual(name(Employee, employee), "Wang Wu")
        Company.write([company], {'party': other.id})
        self.assertEqual(name(Company, company), "Wang Wu")
        Department.write([department], {'name': "Office"})
        self.assertEqual(name(Department, department), "Office")

        # The translations, written through the record or directly
        lang, = Lang.search([('code', '=', 'zh_CN')])
        Lang.write([lang], {'translatable': True})
        with Transaction().set_context(language='zh_CN'):
            self.assertEqual(name(Department, department), "Office")
            Department.write([department], {'name': "人社局"})
            self.assertEqual(name(Department, department), "人社局")
            translation, = Translation.search([
                    ('name', '=', 'onewindow.department,name'),
                    ('res_id', '=', department.id),
                    ('lang', '=', 'zh_CN'),
                    ])
            Translation.write([translation], {'value': "民政局"})
            # As in a new transaction: this one keeps the records it read
            Transaction().cache.clear()
            self.assertEqual(name(Department, department), "民政局")
        self.assertEqual(name(Department, department), "Office")

    @with_transaction()
    def test_explanation_follows_change(self):
        "The explanation of a deadline follows a change of the calendar"
        pool = Pool()
        Day = pool.get('onewindow.calendar.day')
        calendar = create_calendar()
        start = dt.date(2025, 9, 29)
        before = calendar.explain_add_working_days(start, 5)
        self.assertEqual(calendar.explain_add_working_days(start, 5), before)
        day, = Day.search([
                ('year.calendar', '=', calendar.id),
                ('date', '=', dt.date(2025, 10, 1)),
                ])
        Day.write([day], {'name': "Test Day"})
        after = calendar.explain_add_working_days(start, 5)
        self.assertNotEqual(after, before)
        self.assertIn("Test Day", after)

    @with_transaction()
    def test_read_check_after_write(self):
        """A record that a write moves out of the record rules is refused to
        the next read of the same transaction"""
        pool = Pool()
        Department = pool.get('onewindow.department')
        RuleGroup = pool.get('ir.rule.group')
        Model = pool.get('ir.model')
        model, = Model.search([('model', '=', 'onewindow.department')])
        RuleGroup.create([{
                    'name': "Code A", 'model': model.id, 'global_p': True,
                    'rules': [('create', [{
                                    'domain': PYSONEncoder().encode(
                                        [('code', '=', 'A')]),
                                    }])],
                    }])
        department = Department(name="A", code='A')
        department.save()
        transaction = Transaction()
        with transaction.set_user(1), \
                transaction.set_context(_check_access=True):
            for _ in range(2):
                self.assertEqual(
                    Department.read([department.id], ['id']),
                    [{'id': department.id}])
            with transaction.set_user(0):
                Department.write([department], {'code': 'B'})
            with self.assertRaises(AccessError):
                Department.read([department.id], ['id'])

    @with_transaction()
    def test_hall_calendars_follow_changes(self):
        "The calendars of the halls follow the halls' changes"
        pool = Pool()
        Hall = pool.get('onewindow.hall')
        company = create_company()
        first = create_calendar()
        second = create_calendar()
        with set_company(company):
            hall = Hall(name="Hall", code='H', company=company,
                calendar=first)
            hall.save()
            self.assertEqual(Hall.get_calendars(), {hall.id: first.id})
            Hall.write([hall], {'calendar': second.id})
            self.assertEqual(Hall.get_calendars(), {hall.id: second.id})
            other, = Hall.create([{
                        'name': "Other", 'code': 'O', 'company': company.id,
                        'calendar': first.id,
                        }])
            self.assertEqual(Hall.get_calendars(),
                {hall.id: second.id, other.id: first.id})
            Hall.delete([other])
            self.assertEqual(Hall.get_calendars(), {hall.id: second.id})


del ModuleTestCase
