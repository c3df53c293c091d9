# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import collections
import datetime as dt
import itertools
import re
from contextlib import contextmanager
from unittest.mock import patch

from sql import Column
from sql.aggregate import Min

from trytond import backend
from trytond.i18n import gettext
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.onewindow_approval.supervision import (
    deadline_flag, warning_date)
from trytond.modules.onewindow_approval.exceptions import CaseAccessError
from trytond.modules.onewindow_approval.party import (
    CJK_BIGRAMS, CJK_BIGRAMS_INDEXES, like_cjk_bigrams, like_pair)
from trytond.modules.onewindow_approval.tests.tools import resident_id
from trytond.modules.onewindow_hall.exceptions import InvalidValueError
from trytond.modules.onewindow_hall.model import (
    EagerReadMixin, RelatedReadMixin)
from trytond.modules.onewindow_hall.tests.test_module import create_calendar
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.tools import is_full_text, lstrip_wildcard
from trytond.transaction import Transaction


def create_matter(department, code='GG00101000', name="Employment",
        delegation="1", **values):
    """Create and publish a promised matter of the department with one
    material, delegated to the comprehensive window by the delegation
    numbered delegation"""
    pool = Pool()
    Matter = pool.get('onewindow.matter')
    Delegation = pool.get('onewindow.delegation')
    matter, = Matter.create([dict({
                'code': code, 'name': name,
                'department': department.id, 'matter_type': 'public_service',
                'handling': 'promised', 'applicant_kind': 'natural',
                'acceptance': 'comprehensive', 'promised_limit': 5,
                'legal_basis': "《就业服务与就业管理规定》第六十三条",
                'materials': [('create', [{
                                'name': "ID card", 'requirement': 'required',
                                'paper_copies': 1, 'electronic_copies': 0,
                                }])],
                }, **values)])
    Matter.publish([matter])
    delegation = Delegation(department=department, number=delegation,
        valid_from=dt.date(2017, 1, 1), matters=[matter])
    delegation.save()
    Delegation.activate([delegation])
    return matter


def create_setup(company):
    "Create a hall with a comprehensive window and a delegated matter"
    pool = Pool()
    Hall = pool.get('onewindow.hall')
    Zone = pool.get('onewindow.zone')
    Window = pool.get('onewindow.window')
    Department = pool.get('onewindow.department')
    Party = pool.get('party.party')
    calendar = create_calendar()
    hall = Hall(name="Hall", code='WY', company=company, calendar=calendar)
    hall.save()
    department = Department(name="Human Resources", code='RS')
    department.save()
    zone = Zone(hall=hall, name="Comprehensive", kind='comprehensive',
        floor=2)
    zone.save()
    window = Window(hall=hall, name="Comprehensive", code='ZH', zone=zone,
        kind='comprehensive', departments=[department])
    window.save()
    matter = create_matter(department)
    applicant = Party(name="Wang", identifiers=[
            {'type': 'cn_ric', 'code': resident_id(1)}])
    applicant.save()
    return {
        'calendar': calendar, 'hall': hall, 'window': window,
        'matter': matter, 'applicant': applicant, 'company': company,
        }


def create_employee(company, name):
    "Create an employee of the company, a party of the name"
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    party = Party(name=name)
    party.save()
    employee = Employee(party=party, company=company)
    employee.save()
    return employee


def create_user(company, login, groups, window=None, departments=()):
    "Create a user with an employee, in the groups"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    Window = pool.get('onewindow.window')
    employee = create_employee(company, login)
    user, = User.create([{
                'name': login, 'login': login,
                'companies': [('add', [company.id])],
                'company': company.id,
                'employees': [('add', [employee.id])],
                'employee': employee.id,
                'groups': [('add', [
                            ModelData.get_id(*g.split('.')) for g in groups])],
                'departments': [('add', [d.id for d in departments])],
                }])
    if window:
        Window.write([window], {'employees': [('add', [employee.id])]})
    return user


def create_staff(setup):
    """Create the clerk (a team leader) of the window of setup and the
    approver of the department of its matter; return them by login"""
    company = setup['company']
    return {
        'clerk': create_user(company, 'clerk', [
                'onewindow_hall.group_clerk',
                'onewindow_hall.group_team_leader'],
            window=setup['window']),
        'approver': create_user(company, 'approver', [
                'onewindow_hall.group_approver'],
            departments=[setup['matter'].department]),
        }


def case_values(setup, **values):
    "Return the values of a case of the matter of setup at its window"
    return dict({
            'hall': setup['hall'].id,
            'window': setup['window'].id,
            'matter': setup['matter'].id,
            'applicant': setup['applicant'].id,
            'applicant_kind': 'natural',
            'phone': '13800138000',
            }, **values)


def create_case(setup, **values):
    "Create a case of the matter of setup at its window"
    Case = Pool().get('onewindow.case')
    case, = Case.create([case_values(setup, **values)])
    return case


def receive_materials(cases):
    "Receive the material of the cases"
    for case in cases:
        case.materials[0].paper_received = 1
        case.materials[0].save()


def accept(cases):
    "Receive the material of the cases and accept them"
    receive_materials(cases)
    Pool().get('onewindow.case').accept(cases)


def today(date):
    "Patch the date of today"
    return patch.object(
        Pool().get('ir.date'), 'today', return_value=date)


@contextmanager
def hall_setup(date):
    """Create a company and its hall on date (create_setup), with the
    company and the day set"""
    company = create_company()
    with set_company(company), today(date):
        yield create_setup(company)


class OnewindowApprovalTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Onewindow Approval module"
    module = 'onewindow_approval'

    @with_transaction()
    def test_material_status(self):
        "The status of a material follows what was received"
        pool = Pool()
        Material = pool.get('onewindow.case.material')
        material = Material(requirement='required', paper_expected=2,
            electronic_expected=0, paper_received=1, electronic_received=0,
            original_check=True, original_checked_by=None, deferrable=True,
            deferred=False, defects=None)
        self.assertEqual(material.get_status(None), 'missing')
        material.deferred = True
        self.assertEqual(material.get_status(None), 'deferred')
        material.deferred = False
        material.paper_received = 2
        self.assertEqual(material.get_status(None), 'unchecked')
        material.defects = "blurred"
        self.assertEqual(material.get_status(None), 'defective')
        optional = Material(requirement='optional', paper_expected=1,
            electronic_expected=0, paper_received=0, electronic_received=0,
            defects=None, deferred=False)
        self.assertEqual(optional.get_status(None), 'not_required')
        conditional = Material(requirement='conditional', applicable=True,
            paper_expected=1, electronic_expected=0, paper_received=0,
            electronic_received=0, defects=None, deferred=False)
        self.assertEqual(conditional.get_status(None), 'missing')

    @with_transaction()
    def test_deferred_problems(self):
        "A deferred material needs a pledge and a date to come"
        pool = Pool()
        Material = pool.get('onewindow.case.material')
        material = Material(name="Contract", requirement='required',
            paper_expected=1, electronic_expected=0, paper_received=0,
            electronic_received=0, deferrable=True, deferred=True,
            defects=None, pledge=None, deferred_until=None,
            original_check=False)
        date = dt.date(2025, 6, 10)

        def texts(date):
            return [p.text for p in material.get_problems(date)]

        self.assertEqual(texts(date), [gettext(
                    'onewindow_approval.msg_problem_material_pledge',
                    material="Contract")])
        material.pledge = "I will bring it."
        material.deferred_until = dt.date(2025, 6, 20)
        self.assertEqual(texts(date), [])
        self.assertEqual(texts(dt.date(2025, 6, 21)), [gettext(
                    'onewindow_approval.msg_problem_material_pledge_date',
                    material="Contract", date='2025-06-20')])
        material.deferrable = False
        self.assertEqual(texts(date), [gettext(
                    'onewindow_approval.msg_problem_material_not_deferrable',
                    material="Contract")])

    @with_transaction()
    def test_number_and_deadline(self):
        "The number has the hall and the year, the deadline the calendar"
        with hall_setup(dt.date(2025, 9, 30)) as setup:
            case = create_case(setup)
            accept([case])
        self.assertEqual(case.state, 'accepted')
        # PostgreSQL sequences are not rolled back between tests
        self.assertRegex(case.number, r'^WY-2025\d{6}$')
        self.assertEqual(case.deadline, dt.date(2025, 10, 14))

    @with_transaction()
    def test_deadline_update_open_cases(self):
        "A calendar change moves the deadlines of open cases only"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Day = pool.get('onewindow.calendar.day')
        with hall_setup(dt.date(2026, 3, 2)) as setup:
            cases = [create_case(setup) for _ in range(3)]
            accept(cases)
            open_, withdrawn, untouched = cases
            Case.write([withdrawn], {'withdrawal_reason': "No"})
            Case.withdraw([withdrawn])
            self.assertEqual(open_.deadline, dt.date(2026, 3, 9))
            year, = [y for y in setup['calendar'].years if y.year == 2026]
            # A holiday after the deadlines changes nothing
            Day.create([{'year': year.id, 'date': dt.date(2026, 3, 20),
                        'kind': 'holiday', 'name': "Later"}])
            self.assertEqual(
                Case(untouched.id).logs[-1].event, 'accept')
            Day.create([{'year': year.id, 'date': dt.date(2026, 3, 4),
                        'kind': 'holiday', 'name': "Test"}])
        open_, withdrawn, untouched = Case.browse(cases)
        self.assertEqual(open_.deadline, dt.date(2026, 3, 10))
        self.assertEqual(open_.logs[-1].event, 'deadline')
        self.assertEqual(withdrawn.deadline, dt.date(2026, 3, 9))
        self.assertEqual(withdrawn.logs[-1].event, 'withdraw')

    @with_transaction()
    def test_log_readonly(self):
        "The log can be neither edited nor deleted"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Log = pool.get('onewindow.case.log')
        with hall_setup(dt.date(2025, 6, 10)) as setup:
            case = create_case(setup)
            Case.request_supplement([case])
            log, = case.logs
            with self.assertRaises(CaseAccessError):
                Log.write([log], {'comment': "Changed"})
            with self.assertRaises(CaseAccessError):
                Log.delete([log])
            with self.assertRaises(CaseAccessError):
                Case.delete([case])

    @with_transaction()
    def test_related_read(self):
        """A case read with the rec_names of its relations gives what
        Tryton's read of each field gives, and the identifiers of its
        parties"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        Party = pool.get('party.party')
        with hall_setup(dt.date(2025, 6, 10)) as setup:
            company = setup['company']
            agent = Party(name="Li", identifiers=[
                    {'type': 'cn_ric', 'code': resident_id(2)}])
            agent.save()
            employee1 = create_employee(company, "Clerk")
            employee2 = create_employee(company, "Approver")
            case1 = create_case(setup)
            case2 = create_case(setup)
            Case.write([case1], {
                    'agent': agent.id,
                    'registered_by': employee1.id,
                    'accepted_by': employee2.id,
                    'decided_by': employee1.id,
                    })
            Case.write([case2], {
                    'registered_by': employee2.id,
                    'collector': agent.id,
                    })
            names = ['number', 'agent', 'applicant_identifier',
                'agent_identifier', 'collector_identifier', 'handling',
                'matter_version']
            names += ['%s.rec_name' % n for n in [
                    'company', 'hall', 'window', 'matter', 'department',
                    'applicant', 'agent', 'collector', 'registered_by',
                    'accepted_by', 'decided_by', 'verified_by']]
            ids = [case1.id, case2.id]
            rows = {r['id']: r for r in Case.read(ids, names)}
            # As Tryton reads them, one field at a time
            expected = {r['id']: r for r in super(
                    RelatedReadMixin, Case).read(ids, names)}
        self.assertEqual(rows, expected)
        row1, row2 = rows[case1.id], rows[case2.id]
        self.assertEqual(row1['registered_by.']['rec_name'], "Clerk")
        self.assertEqual(row1['accepted_by.']['rec_name'], "Approver")
        self.assertEqual(row1['decided_by.']['rec_name'], "Clerk")
        self.assertEqual(row2['registered_by.']['rec_name'], "Approver")
        self.assertIsNone(row2['accepted_by.'])
        self.assertIsNone(row1['verified_by.'])
        self.assertEqual(row1['agent.']['rec_name'], "Li")
        self.assertIsNone(row2['agent.'])
        self.assertEqual(row1['matter.']['rec_name'],
            setup['matter'].rec_name)
        self.assertNotIn('handling', row1['matter.'])
        self.assertEqual(row1['handling'], 'promised')
        self.assertEqual(row1['matter_version'], setup['matter'].version)
        self.assertNotIn('collector', row1)
        self.assertEqual(row1['applicant_identifier'], resident_id(1))
        self.assertEqual(row1['agent_identifier'], resident_id(2))
        self.assertIsNone(row1['collector_identifier'])
        self.assertIsNone(row2['agent_identifier'])
        self.assertEqual(row2['collector_identifier'], resident_id(2))

    @with_transaction()
    def test_list_read_columns(self):
        """A read of the fields of the list reads the cases once, with only
        the columns that the getters of its Function fields read, and gives
        what Tryton's read gives (the cases have their number, as every
        case from its acceptance: the rec_name of a case without one reads
        its applicant)"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        names = ['number', 'application_date', 'matter', 'department',
            'applicant', 'window', 'channel', 'acceptance_date', 'deadline',
            'deadline_flag', 'state', 'rec_name', 'matter.rec_name',
            'department.rec_name', 'applicant.rec_name', 'window.rec_name',
            '_timestamp']
        with hall_setup(dt.date(2025, 6, 10)) as setup:
            accepted, suspended = create_case(setup), create_case(setup)
            accept([accepted, suspended])
            Case.write([suspended], {'state': 'suspended'})
            ids = [accepted.id, suspended.id]
            self.assertEqual(Case._eager_extra(names), ['hall'])
            Transaction().cache.clear()
            with patch.object(Case, 'read', wraps=Case.read) as read:
                rows = {r['id']: r for r in Case.read(ids, names)}
                self.assertEqual(read.call_count, 1, read.call_args_list)
            Transaction().cache.clear()
            expected = {r['id']: r for r in super(
                    EagerReadMixin, Case).read(ids, names)}
        self.assertEqual(rows, expected)
        self.assertEqual(rows[accepted.id]['rec_name'], accepted.number)
        self.assertIn(rows[accepted.id]['deadline_flag'],
            {'normal', 'warning'})
        self.assertIsNone(rows[suspended.id]['deadline_flag'])

    @with_transaction()
    def test_draft_rec_name(self):
        """The rec_name of a case without a number is its applicant's and
        its matter's, read once for all the cases and without the other
        columns of the cases"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        with hall_setup(dt.date(2025, 6, 10)) as setup:
            drafts = [create_case(setup), create_case(setup)]
            numbered = create_case(setup)
            accept([numbered])
            ids = [c.id for c in drafts + [numbered]]
            Transaction().cache.clear()
            with patch.object(Case, 'read', wraps=Case.read) as read:
                rows = {r['id']: r['rec_name']
                    for r in Case.read(ids, ['rec_name'])}
            reads = [list(c.args[1]) for c in read.call_args_list]
            name = '%s: %s' % (
                setup['applicant'].rec_name, setup['matter'].rec_name)
        self.assertEqual(rows, {
                drafts[0].id: name, drafts[1].id: name,
                numbered.id: numbered.number})
        self.assertEqual(reads, [['rec_name'], ['applicant', 'matter']])

    @with_transaction()
    def test_client_values_lines(self):
        """The records that the values of a client and those of their lines
        refer to must exist"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        with hall_setup(dt.date(2025, 6, 10)) as setup:
            material = setup['matter'].materials[0]
            values = {
                'matter': setup['matter'].id,
                'hall': setup['hall'].id,
                'materials': [('create', [
                            {'matter_material': material.id}])],
                }
            Case.check_client_values(values)
            for wrong in [
                    dict(values, hall=999999),
                    dict(values, materials=[('create', [
                                    {'matter_material': material.id},
                                    {'matter_material': 999999}])]),
                    ]:
                with self.assertRaises(InvalidValueError):
                    Case.check_client_values(wrong)

    @with_transaction()
    def test_halls_rule_context(self):
        "The rule context holds the halls of the user's windows"
        pool = Pool()
        Rule = pool.get('ir.rule')
        Window = pool.get('onewindow.window')
        with hall_setup(dt.date(2025, 6, 10)) as setup:
            user = create_user(setup['company'], 'clerk', [])
            with Transaction().set_user(user.id):
                self.assertEqual(
                    Rule._get_context('onewindow.case')['halls'], ())
            Window.write([setup['window']], {
                    'employees': [('add', [user.employee.id])]})
            with Transaction().set_user(user.id):
                self.assertEqual(
                    Rule._get_context('onewindow.case')['halls'],
                    (setup['hall'].id,))

    @with_transaction()
    def test_deadline_flag(self):
        "A deadline warns one working day before and is overdue after"
        calendar = create_calendar()
        # Friday before the 2026 Spring Festival: the next working day is
        # the make-up Saturday
        friday = dt.date(2026, 2, 13)
        warning = warning_date(calendar, friday)
        self.assertEqual(warning, dt.date(2026, 2, 14))
        self.assertEqual(deadline_flag(None, friday, warning), None)
        self.assertEqual(
            deadline_flag(dt.date(2026, 2, 12), friday, warning), 'overdue')
        self.assertEqual(deadline_flag(friday, friday, warning), 'warning')
        self.assertEqual(
            deadline_flag(dt.date(2026, 2, 14), friday, warning), 'warning')
        self.assertEqual(
            deadline_flag(dt.date(2026, 2, 24), friday, warning), 'normal')
        # Without a published year the next calendar day warns
        self.assertEqual(
            warning_date(calendar, dt.date(2030, 1, 1)),
            dt.date(2030, 1, 2))

    @with_transaction()
    def test_deadline_flag_sql(self):
        "The SQL of the deadline flag agrees with the rule, and sorts"
        pool = Pool()
        Case = pool.get('onewindow.case')
        table = Case.__table__()
        cursor = Transaction().connection.cursor()
        with hall_setup(dt.date(2026, 2, 2)) as setup:
            cases = [create_case(setup) for _ in range(6)]
            deadlines = [
                dt.date(2026, 2, 12), dt.date(2026, 2, 13),
                dt.date(2026, 2, 14), dt.date(2026, 2, 24),
                dt.date(2026, 2, 12), None]
            states = ['review', 'accepted', 'review', 'review', 'denied',
                'review']
            for case, deadline, state in zip(cases, deadlines, states):
                cursor.execute(*table.update(
                        [table.deadline, table.state], [deadline, state],
                        where=table.id == case.id))
            expected = {c.id: f for c, f in zip(cases, [
                        'overdue', 'warning', 'warning', 'normal', None,
                        None])}
            with today(dt.date(2026, 2, 13)):
                cases = Case.browse(cases)
                self.assertEqual(
                    {c.id: c.deadline_flag for c in cases}, expected)
                for flag in ['overdue', 'warning', 'normal', None]:
                    self.assertEqual(
                        {c.id for c in Case.search(
                                    [('deadline_flag', '=', flag)])},
                        {i for i, f in expected.items() if f == flag},
                        msg=flag)
                # Every operator and set of flags, as the lists search
                flags = ['overdue', 'warning', 'normal', None]
                for size in range(len(flags) + 1):
                    for subset in itertools.combinations(flags, size):
                        for operator in ['in', 'not in']:
                            self.assertEqual(
                                {c.id for c in Case.search([
                                            ('deadline_flag', operator,
                                                list(subset))])},
                                {i for i, f in expected.items()
                                    if (f in subset) == (operator == 'in')},
                                msg=(operator, subset))
                for flag in flags:
                    self.assertEqual(
                        {c.id for c in Case.search(
                                    [('deadline_flag', '!=', flag)])},
                        {i for i, f in expected.items() if f != flag},
                        msg=flag)
                ordered = Case.search([], order=[
                        ('deadline_flag', 'DESC'), ('id', 'ASC')])
                self.assertEqual(
                    [expected[c.id] for c in ordered],
                    ['overdue', 'warning', 'warning', 'normal', None, None])
            # On a Friday the warning runs to Monday, past the next day
            friday = dt.date(2026, 2, 6)
            with today(friday):
                cases = Case.browse(cases)
                warning = warning_date(setup['hall'].calendar, friday)
                self.assertEqual(warning, dt.date(2026, 2, 9))
                deadlines = [
                    dt.date(2026, 2, 6), dt.date(2026, 2, 9),
                    dt.date(2026, 2, 10), dt.date(2026, 2, 5),
                    dt.date(2026, 2, 7), None]
                expected = {c.id: deadline_flag(
                        d if s in Case._deadline_states else None,
                        friday, warning)
                    for c, d, s in zip(cases, deadlines, states)}
                for case, deadline in zip(cases, deadlines):
                    cursor.execute(*table.update(
                            [table.deadline], [deadline],
                            where=table.id == case.id))
                self.assertEqual(
                    {c.id: c.deadline_flag for c in Case.browse(cases)},
                    expected)
                for size in range(len(flags) + 1):
                    for subset in itertools.combinations(flags, size):
                        self.assertEqual(
                            {c.id for c in Case.search([
                                        ('deadline_flag', 'in',
                                            list(subset))])},
                            {i for i, f in expected.items() if f in subset},
                            msg=subset)

    @with_transaction()
    def test_handover_overdue(self):
        "A case is late for the hand-over after one working day"
        pool = Pool()
        Case = pool.get('onewindow.case')
        with hall_setup(dt.date(2026, 2, 13)) as setup:
            case = create_case(setup)
            accept([case])
            # The next working day is the make-up Saturday: in time that
            # day, late from the day after, a holiday
            for date, overdue in [
                    (dt.date(2026, 2, 14), False),
                    (dt.date(2026, 2, 15), True),
                    (dt.date(2026, 2, 24), True)]:
                with today(date):
                    self.assertEqual(
                        Case(case.id).handover_overdue, overdue, msg=date)
                    self.assertEqual(
                        Case.search([('handover_overdue', '=', True)]),
                        [case] if overdue else [], msg=date)

    @with_transaction()
    def test_suspension_days(self):
        "The clock stands still for the working days of the suspension"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Suspension = pool.get('onewindow.case.suspension')
        with hall_setup(dt.date(2026, 2, 5)) as setup:
            case = create_case(setup)
            accept([case])
            self.assertEqual(case.deadline, dt.date(2026, 2, 12))
            suspension = Suspension(case=case, kind='supplement',
                description="Contract")
            suspension.save()
            Suspension.start([suspension], dt.date(2026, 2, 12))
            # 13 and 14 (make-up Saturday), then 24, 25 and 26 February
            Suspension.stop([suspension], dt.date(2026, 2, 26))
            self.assertEqual(suspension.days, 5)
            case = Case(case.id)
            self.assertEqual(case.get_suspended_days(), 5)
            values = case.deadline_values()
            self.assertEqual(values['deadline'], dt.date(2026, 2, 26))
            self.assertEqual(values['suspended_days'], 5)

    @with_transaction()
    def test_law_limits(self):
        "The bounds of the Administrative Licensing Law"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Matter = pool.get('onewindow.matter')
        matter = Matter(handling='promised', matter_type='licence',
            statutory_limit=None, extension_limit=None)
        case = Case(matter=matter)
        self.assertEqual(case.statutory_limit, 20)
        self.assertEqual(case.extension_limit, 10)
        matter.handling = 'joint'
        self.assertEqual(case.statutory_limit, 45)
        self.assertEqual(case.extension_limit, 15)
        matter.extension_limit = 5
        self.assertEqual(case.extension_limit, 5)
        matter.handling = 'escalated'
        self.assertEqual(case.statutory_limit, None)
        matter.handling = 'promised'
        matter.matter_type = 'public_service'
        self.assertEqual(case.statutory_limit, None)
        matter.statutory_limit = 30
        self.assertEqual(case.statutory_limit, 30)

    @with_transaction()
    def test_search_bar(self):
        "The search bar finds the cases by number, applicant, ID and phone"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            with today(dt.date(2025, 6, 10)):
                setup = create_setup(company)
                other = Party(name="Li Xiaohong", identifiers=[
                        {'type': 'cn_ric', 'code': resident_id(2)}],
                    contact_mechanisms=[
                        {'type': 'mobile', 'value': '13912345678'}])
                other.save()
                cases = [create_case(setup) for _ in range(3)]
                setup['applicant'] = other
                cases.append(create_case(setup))
                receive_materials(cases[:3])
                Case.accept(cases[:2])
        wang, xiaohong = cases[0].applicant, other
        self.assertNotEqual(cases[0].number, cases[1].number)

        def found(Model, value, operator='ilike'):
            return set(Model.search([('rec_name', operator, value)]))

        def written_out(Model, value, operator='ilike'):
            "The OR of the branches as Tryton would search it"
            code = value
            if is_full_text(value):
                code = lstrip_wildcard(value)
            if Model == Case:
                clauses = [('number', operator, value),
                    ('applicant.rec_name', operator, value),
                    ('applicant_identifier', operator, value)]
            else:
                clauses = [('code', operator, code),
                    ('identifiers.code', operator, code),
                    ('name', operator, value),
                    ('contact_mechanisms.rec_name', operator, value)]
            bool_op = 'AND' if operator.startswith('not') else 'OR'
            return set(Model.search([bool_op] + clauses))

        number = cases[1].number
        self.assertEqual(found(Case, '%' + number[-4:] + '%'), {cases[1]})
        self.assertEqual(found(Case, number), {cases[1]})
        self.assertEqual(
            found(Case, '%wang%'), set(cases[:3]))
        self.assertEqual(found(Case, '%xiaohong%'), {cases[3]})
        self.assertEqual(
            found(Case, '%' + resident_id(2)[-6:] + '%'), {cases[3]})
        self.assertEqual(found(Case, '%12345678%'), {cases[3]})
        self.assertEqual(found(Case, '%nobody%'), set())
        # The identifiers are read once, by the branch of applicant_identifier
        query = Case.search([('rec_name', 'ilike', '%4401%')], query=True)
        self.assertEqual(str(query).count('"party_identifier"'), 1)
        self.assertEqual(found(Party, '%xiaohong%'), {xiaohong})
        # The identifiers of a party from their beginning
        self.assertEqual(found(Party, '%' + resident_id(1) + '%'), {wang})
        self.assertEqual(found(Party, '%12345678%'), {xiaohong})
        for value in ['%' + number[-4:] + '%', number, '%WY-%', '%wang%',
                '%xiao%', '%' + resident_id(1)[-6:] + '%', resident_id(2),
                '%5678',
                '%nobody%']:
            for operator in ['ilike', 'not ilike']:
                for Model in [Case, Party]:
                    self.assertEqual(found(Model, value, operator),
                        written_out(Model, value, operator),
                        msg=(Model.__name__, operator, value))

    @with_transaction()
    def test_search_bar_indexes(self):
        "The module update creates pg_trgm and the trigram indexes"
        transaction = Transaction()
        if backend.name != 'postgresql':
            self.skipTest("PostgreSQL only")
        cursor = transaction.connection.cursor()
        cursor.execute("SELECT 1 FROM pg_available_extensions "
            "WHERE name = 'pg_trgm'")
        if not cursor.fetchone():
            self.skipTest("pg_trgm is not available")
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        self.assertTrue(cursor.fetchone())
        for table, column in [
                ('onewindow_case', 'number'),
                ('party_party', 'name'),
                ('party_identifier', 'code'),
                ('party_contact_mechanism', 'value'),
                ]:
            cursor.execute("SELECT indexdef FROM pg_indexes "
                "WHERE tablename = %s AND indexdef LIKE %s",
                (table, '%%gin_trgm_ops%%'))
            definitions = [d for d, in cursor]
            self.assertTrue(
                any('"%s"' % column in d or '(%s ' % column in d
                        for d in definitions),
                msg=(table, column, definitions))
        # The equality of an ID reads a B-tree
        cursor.execute("SELECT indexdef FROM pg_indexes "
            "WHERE tablename = 'party_identifier' "
            "AND indexdef LIKE '%%btree (code)%%'")
        self.assertTrue(cursor.fetchone())

    @with_transaction()
    def test_case_indexes(self):
        "The cases have the indexes their queries read and no others"
        if backend.name != 'postgresql':
            self.skipTest("PostgreSQL only")
        cursor = Transaction().connection.cursor()
        cursor.execute("SELECT indexdef FROM pg_indexes "
            "WHERE tablename = 'onewindow_case' AND indexname LIKE 'idx_%%'")
        found = collections.Counter(
            re.sub(r' WHERE .*', ' WHERE', d.split(' USING ', 1)[1])
            for d, in cursor)
        # The number has a trigram index only with pg_trgm; trytond adds
        # one for the One2Many of the hand-over
        found = collections.Counter({k: v for k, v in found.items()
                if '(number' not in k and '(handover)' not in k})
        expected = collections.Counter([
                'btree (department, deadline, id)',
                'btree (department, deadline, id) '
                'INCLUDE (state, company, hall) WHERE',
                'btree (deadline, id) WHERE',
                'btree (deadline) WHERE',
                'btree (deadline)',
                'btree (state) WHERE', 'btree (state) WHERE',
                'btree (hall, application_date, id)',
                'btree (application_date)',
                'btree (acceptance_date)',
                'btree (write_date)',
                'btree (create_date)',
                'hash (matter)',
                'hash (applicant)',
                'hash (agent)',
                'hash (collector)',
                ])
        self.assertEqual(found, expected)

    @with_transaction()
    def test_party_search_cjk_bigrams(self):
        "A party's name of two Chinese characters is searched by its pairs"
        pool = Pool()
        Party = pool.get('party.party')
        names = ["王秀兰", "秀兰", "李秀", "张 秀兰", "兰秀英", "Wang Xiulan",
            "WANG 秀兰", "秀%兰", "秀_兰", "秀兰兰", "欧阳秀"]
        parties = Party.create([{'name': n} for n in names])
        Party.create([{'name': "Contact", 'contact_mechanisms': [
                        ('create', [
                                {'type': 'other', 'value': "微信 秀兰ab"},
                                {'type': 'email',
                                    'value': "xiulan@example.com"},
                                ])]}])
        self.assertEqual(len(parties), len(names))

        def found(value):
            return set(Party.search([('rec_name', 'ilike', value)]))

        def written_out(value):
            "The OR of the branches as Tryton searches them"
            code = lstrip_wildcard(value) if is_full_text(value) else value
            return set(Party.search(['OR',
                        ('code', 'ilike', code),
                        ('identifiers.code', 'ilike', code),
                        ('name', 'ilike', value),
                        ('contact_mechanisms.rec_name', 'ilike', value),
                        ]))

        for value in ['%秀兰%', '秀兰', '%秀兰', '秀兰%', '%王秀兰%', '%秀%',
                '%兰秀%', '%秀兰兰%', '%WANG 秀%', '%wang 秀兰%', '%wang%',
                '%Xiulan%', '%秀\\%兰%', '%秀\\_兰%', '%秀_兰%', '%秀%兰%',
                '秀_', '_兰', '%微信 秀兰%', '%秀兰ab%', '%秀兰AB%', '%',
                '%欧阳秀%', '%阳%', '%无名%']:
            self.assertEqual(found(value), written_out(value), msg=value)
        self.assertEqual(
            {p.name for p in found('%秀兰%')},
            {"王秀兰", "秀兰", "张 秀兰", "WANG 秀兰", "秀兰兰", "Contact"})

        query = Party.search([('rec_name', 'ilike', '%秀兰%')], query=True)
        with_pairs = str(tuple(query)[0])
        query = Party.search([('rec_name', 'ilike', '%秀%')], query=True)
        without_pairs = str(tuple(query)[0])
        self.assertNotIn(CJK_BIGRAMS, without_pairs)
        if backend.name == 'postgresql':
            # The pairs are read from the GIN indexes
            self.assertIn(CJK_BIGRAMS, with_pairs)
            cursor = Transaction().connection.cursor()
            for table, name, _ in CJK_BIGRAMS_INDEXES:
                cursor.execute("SELECT indexdef FROM pg_indexes "
                    "WHERE tablename = %s AND indexname = %s", (table, name))
                self.assertIn('gin', cursor.fetchone()[0])
        else:
            self.assertNotIn(CJK_BIGRAMS, with_pairs)

    @with_transaction()
    def test_department_parties(self):
        "The parties each department sees follow its cases and opinions"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Opinion = pool.get('onewindow.case.opinion')
        Department = pool.get('onewindow.department')
        Party = pool.get('party.party')
        DepartmentParty = pool.get('onewindow.department-party.party')
        Pair = pool.get('onewindow.department-party.pair')
        table = DepartmentParty.__table__()
        pair = Pair.__table__()
        cursor = Transaction().connection.cursor()
        company = create_company()
        with set_company(company):
            setup = create_setup(company)
            department = setup['matter'].department
            co_department = Department(name="Natural Resources", code='ZR')
            co_department.save()
            third = Department(name="Housing", code='ZJ')
            third.save()
            wang = setup['applicant']
            li, zhang = Party.create([{'name': "李秀兰"}, {'name': "Zhang"}])

            def check(*pairs):
                "The rows are pairs, as the cases and opinions give them"
                cursor.execute(*table.select(table.department, table.party))
                rows = sorted(cursor)
                query = Party._case_department_query()
                cursor.execute(*query.select(query.department, query.party,
                        group_by=[query.department, query.party]))
                self.assertEqual(rows, sorted(cursor))
                self.assertEqual(rows, sorted(
                        (d.id, p.id) for d, p in pairs))
                for scope in [department, co_department, third]:
                    self.assertEqual(
                        {p for p in Party.search([
                                    ('department_scope', 'in', [scope.id]),
                                    ]) if not p.staff},
                        {p for d, p in pairs if d == scope})
                if backend.name == 'postgresql':
                    # The pairs of characters of their names
                    cursor.execute(*pair.select(pair.department, pair.pair,
                            pair.name, pair.party))
                    self.assertEqual(sorted(cursor), sorted(
                            (d.id, c, p.name, p.id) for d, p in pairs
                            for c in like_cjk_bigrams(p.name)))

            case = create_case(setup)
            check((department, wang))
            Case.write([case], {'agent': li.id})
            check((department, wang), (department, li))

            # The applicant changed, and renamed
            Case.write([case], {'applicant': zhang.id})
            check((department, zhang), (department, li))
            Party.write([zhang], {'name': "张秀英"})
            check((department, zhang), (department, li))

            # Another case of the same party, then deleted
            other = create_case(setup)
            Case.write([other], {'applicant': zhang.id, 'collector': wang.id})
            check((department, zhang), (department, li), (department, wang))
            Case.delete([other])
            check((department, zhang), (department, li))

            # The agent removed
            Case.write([case], {'agent': None})
            check((department, zhang))

            # The opinion of a co-department, moved to another, deleted
            opinion, = Opinion.create([{
                        'case': case.id,
                        'department': co_department.id,
                        }])
            check((department, zhang), (co_department, zhang))
            Opinion.write([opinion], {'department': third.id})
            check((department, zhang), (third, zhang))
            self.assertEqual(
                [d.id for d in zhang.case_departments],
                sorted([department.id, third.id]))
            Opinion.delete([opinion])
            check((department, zhang))

            # The rows of the existing cases, as an update writes them
            cursor.execute(*table.delete())
            cursor.execute(*pair.delete())
            DepartmentParty.refresh()
            check((department, zhang))

            # A party erased: its name leaves the rows of its pairs
            if backend.name == 'postgresql':
                def names(party):
                    cursor.execute(*pair.select(pair.name,
                            where=pair.party == party.id))
                    return {n for n, in cursor}
                self.assertEqual(names(zhang), {"张秀英"})
                Party.write([zhang], {'active': False})
                Erase = pool.get('party.erase', type='wizard')
                session_id, _, _ = Erase.create()
                erase = Erase(session_id)
                erase.ask.party = zhang
                erase.transition_erase()
                self.assertEqual(names(zhang), set())
                party = Party.__table__()
                cursor.execute(*party.select(party.name,
                        where=party.id == zhang.id))
                self.assertEqual(cursor.fetchone(), (None,))

    @with_transaction()
    def test_department_party_search(self):
        "A department user's search of a name finds what the rec_name finds "
        "among the parties of his departments, in order, a page at a time"
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        with hall_setup(dt.date(2025, 6, 10)) as setup:
            company = setup['company']
            department = setup['matter'].department
            applicants = Party.create([{'name': n} for n in [
                        "王秀兰", "李秀兰", "秀兰", "翁源县秀兰有限公司",
                        "翁源县兴华有限公司", "张伟", "Wang Xiulan",
                        "李秀英"]])
            applicants += Party.create([{'name': "Contact",
                        'contact_mechanisms': [('create', [{
                                        'type': 'other',
                                        'value': "微信 秀兰ab"}])]}])
            for applicant in applicants:
                create_case(setup, applicant=applicant.id)
            # Without a case of the department, not seen
            Party.create([{'name': "赵秀兰"}])
            staff = Party(name="周秀兰")
            staff.save()
            employee = Employee(party=staff, company=company)
            employee.save()
            user, = User.create([{
                        'name': "Approver", 'login': 'approver',
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        'departments': [('add', [department.id])],
                        'groups': [('add', [ModelData.get_id(
                                        'onewindow_hall', 'group_approver')])],
                        }])
            patterns = ['%秀兰%', '%公司%', '秀兰', '%王秀%', '%李秀兰%',
                '%秀兰ab%', '%秀%', '%兴华%', '%无名%', '%xiulan%']

            def search(pattern, **kwargs):
                return Party.search(
                    [('rec_name', 'ilike', pattern)], **kwargs)

            def scoped(pattern, **kwargs):
                "The search of the rec_name among the parties of the "
                "department, without the rules"
                with transaction.set_context(_check_access=False):
                    return Party.search([
                            ('rec_name', 'ilike', pattern),
                            ('department_scope', 'in', [department.id]),
                            ], **kwargs)

            with transaction.set_user(user.id), \
                    transaction.set_context(_check_access=True):
                for pattern in patterns:
                    self.assertEqual(search(pattern), scoped(pattern),
                        msg=pattern)
                    self.assertEqual(search(pattern, offset=1, limit=2),
                        scoped(pattern, offset=1, limit=2), msg=pattern)
                self.assertEqual(
                    {p.name for p in search('%秀兰%')},
                    {"Contact", "周秀兰", "李秀兰", "王秀兰", "秀兰",
                        "翁源县秀兰有限公司"})
                # Their rec_name read as it is, without the fields it is
                # made of
                found = sorted(search('%秀兰%'))
                self.assertEqual(
                    Party.read([p.id for p in found], ['rec_name']),
                    [{'id': p.id, 'rec_name': p.name} for p in found])
                query = str(tuple(search('%秀兰%', query=True))[0])
                self.assertEqual(
                    'onewindow_department_party_pair' in query,
                    backend.name == 'postgresql')
                query = str(tuple(search('%秀%', query=True))[0])
                self.assertNotIn('onewindow_department_party_pair', query)

            # A party renamed is found by its new name
            Party.write([applicants[5]], {'name': "张秀兰"})
            with transaction.set_user(user.id), \
                    transaction.set_context(_check_access=True):
                self.assertIn(applicants[5], search('%秀兰%'))
                self.assertNotIn(applicants[5], search('%张伟%'))

    def test_like_cjk_bigrams(self):
        "The pairs of Chinese characters every match of a pattern holds"
        for pattern, pairs in [
                ('%秀兰%', ['秀兰']),
                ('%王秀兰%', ['王秀', '秀兰']),
                ('%秀%', []),
                ('%秀_兰%', []),
                ('%秀%兰%', []),
                ('%秀\\%兰%', []),
                ('%a秀兰b%', ['秀兰']),
                ('Wang', []),
                ('%秀兰秀兰%', ['兰秀', '秀兰']),
                ]:
            self.assertEqual(like_cjk_bigrams(pattern), pairs, msg=pattern)
        for pattern, result in [
                ('%秀兰%', True),
                ('%秀%', False),
                ('秀兰', False),
                ('%秀兰', False),
                ('%王秀兰%', False),
                ('%秀_%', False),
                ('%ab%', False),
                ('%秀\\%', False),
                ]:
            self.assertEqual(like_pair(pattern), result, msg=pattern)

    @with_transaction()
    def test_summary_tally(self):
        "The counts of rows of events are those the summary reads of them"
        if backend.name != 'postgresql':
            self.skipTest("PostgreSQL only: its refresh counts the rows")
        pool = Pool()
        Event = pool.get('onewindow.statistic.event')
        Summary = pool.get('onewindow.statistic.summary')
        event = Event.__table__()
        cursor = Transaction().connection.cursor()
        with hall_setup(dt.date(2025, 6, 10)) as setup:
            accept([create_case(setup) for _ in range(3)])
            create_case(setup)
            Event.flush()
        # Some events counted on time, in working days, of a second month
        cursor.execute(*event.update([event.on_time, event.days], [1, 4],
                where=event.event == 'accepted'))
        cursor.execute(*event.update([event.date], [dt.date(2025, 7, 2)],
                where=event.id == event.select(Min(event.id))))
        cursor.execute(*event.select(
                *[Column(event, c) for c in Summary._tally_columns()]))
        rows = cursor.fetchall()
        self.assertEqual(sum(r[-1] or 0 for r in rows), 3)
        self.assertEqual(Summary.tally(rows), Summary.counts(None))

    @with_transaction()
    def test_archived_follows_state(self):
        "A case found open is archived for the next check once archived"
        pool = Pool()
        Case = pool.get('onewindow.case')
        with hall_setup(dt.date(2025, 6, 10)) as setup:
            case = create_case(setup)
            self.assertEqual(Case._archived([case]), [])
            Case.write([case], {'phone': '13900139000'})
            self.assertEqual(Case._archived([case]), [])
            Case.write([case], {'state': 'archived'})
            self.assertEqual(Case._archived([case]), [case])

    @with_transaction()
    def test_form_fields_follow_change(self):
        "The form fields of a matter follow their changes in a transaction"
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        FormField = pool.get('onewindow.matter.form.field')
        with hall_setup(dt.date(2025, 6, 10)) as setup:
            matter, = Matter.copy([setup['matter']])
            self.assertEqual(matter.get_form_fields(), ())
            field, = FormField.create([{
                        'matter': matter.id, 'name': 'employer',
                        'string': "Employer", 'type_': 'char',
                        }])
            self.assertEqual(
                [f.string for f in matter.get_form_fields()], ["Employer"])
            FormField.write([field], {'string': "Company"})
            self.assertEqual(
                [f.string for f in matter.get_form_fields()], ["Company"])
            FormField.delete([field])
            self.assertEqual(matter.get_form_fields(), ())

    @with_transaction()
    def test_accept_model_log(self):
        "The acceptance by a user logs its button and its transition"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Log = pool.get('ir.model.log')
        User = pool.get('res.user')
        Button = pool.get('ir.model.button')
        with hall_setup(dt.date(2025, 9, 30)) as setup:
            case = create_case(setup)
            receive_materials([case])
            User.write([User(1)], {'groups': [
                        ('add', list(Button.get_groups(
                                    'onewindow.case', 'accept')))]})
            transaction = Transaction()
            with transaction.set_user(1), \
                    transaction.set_context(_check_access=True):
                Case.accept([Case(case.id)])
            transaction._store_log_records()
        logs = Log.search(
            [('resource', '=', str(case))], order=[('id', 'ASC')])
        self.assertEqual(
            [(l.event, l.target, l.user.id) for l in logs],
            [('button', 'accept', 1), ('transition', 'state:accepted', 1)])


del ModuleTestCase
