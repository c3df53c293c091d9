# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from unittest.mock import patch

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.onewindow_approval.exceptions import CaseAccessError
from trytond.modules.onewindow_approval.tests.tools import resident_id
from trytond.modules.onewindow_hall.tests.test_module import create_calendar
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def create_setup(company):
    "Create a hall with a comprehensive window and a delegated matter"
    pool = Pool()
    Hall = pool.get('onewindow.hall')
    Zone = pool.get('onewindow.zone')
    Window = pool.get('onewindow.window')
    Department = pool.get('onewindow.department')
    Matter = pool.get('onewindow.matter')
    Delegation = pool.get('onewindow.delegation')
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
    matter, = Matter.create([{
                'code': 'GG00101000', 'name': "Employment",
                'department': department.id, 'category': 'public_service',
                'handling': 'promised', 'applicant_kind': 'natural',
                'acceptance': 'comprehensive', 'promised_limit': 5,
                'materials': [('create', [{
                                'name': "ID card", 'requirement': 'required',
                                'paper_copies': 1, 'electronic_copies': 0,
                                }])],
                }])
    Matter.publish([matter])
    delegation = Delegation(department=department, number="1",
        valid_from=dt.date(2017, 1, 1), matters=[matter])
    delegation.save()
    Delegation.activate([delegation])
    applicant = Party(name="Wang", identifiers=[
            {'type': 'cn_ric', 'code': resident_id(1)}])
    applicant.save()
    return {
        'calendar': calendar, 'hall': hall, 'window': window,
        'matter': matter, 'applicant': applicant,
        }


def today(date):
    "Patch the date of today"
    return patch.object(
        Pool().get('ir.date'), 'today', return_value=date)


class OnewindowApprovalTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Onewindow Approval module"
    module = 'onewindow_approval'

    def _case(self, setup):
        pool = Pool()
        Case = pool.get('onewindow.case')
        case, = Case.create([{
                    'hall': setup['hall'].id,
                    'window': setup['window'].id,
                    'matter': setup['matter'].id,
                    'applicant': setup['applicant'].id,
                    'applicant_kind': 'natural',
                    'phone': '13800138000',
                    }])
        return case

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
        self.assertEqual(len(material.get_problems(date)), 1)
        material.pledge = "I will bring it."
        material.deferred_until = dt.date(2025, 6, 20)
        self.assertEqual(material.get_problems(date), [])
        self.assertEqual(
            len(material.get_problems(dt.date(2025, 6, 21))), 1)
        material.deferrable = False
        self.assertEqual(len(material.get_problems(date)), 1)

    @with_transaction()
    def test_number_and_deadline(self):
        "The number has the hall and the year, the deadline the calendar"
        pool = Pool()
        Case = pool.get('onewindow.case')
        company = create_company()
        with set_company(company):
            with today(dt.date(2025, 9, 30)):
                setup = create_setup(company)
                case = self._case(setup)
                case.materials[0].paper_received = 1
                case.materials[0].save()
                Case.accept([case])
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
        company = create_company()
        with set_company(company):
            with today(dt.date(2026, 3, 2)):
                setup = create_setup(company)
                cases = [self._case(setup) for _ in range(3)]
                for case in cases:
                    case.materials[0].paper_received = 1
                    case.materials[0].save()
                Case.accept(cases)
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
        company = create_company()
        with set_company(company):
            with today(dt.date(2025, 6, 10)):
                setup = create_setup(company)
                case = self._case(setup)
                Case.request_supplement([case])
            log, = case.logs
            with self.assertRaises(CaseAccessError):
                Log.write([log], {'comment': "Changed"})
            with self.assertRaises(CaseAccessError):
                Log.delete([log])
            with self.assertRaises(CaseAccessError):
                Case.delete([case])

    @with_transaction()
    def test_halls_rule_context(self):
        "The rule context holds the halls of the user's windows"
        pool = Pool()
        Rule = pool.get('ir.rule')
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        Window = pool.get('onewindow.window')
        company = create_company()
        with set_company(company), today(dt.date(2025, 6, 10)):
            setup = create_setup(company)
            party = Party(name="Clerk")
            party.save()
            employee = Employee(party=party, company=company)
            employee.save()
            user, = User.create([{
                        'name': "Clerk", 'login': 'clerk',
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        'employees': [('add', [employee.id])],
                        'employee': employee.id,
                        }])
            with Transaction().set_user(user.id):
                self.assertEqual(
                    Rule._get_context('onewindow.case')['halls'], ())
            Window.write([setup['window']], {
                    'employees': [('add', [employee.id])]})
            with Transaction().set_user(user.id):
                self.assertEqual(
                    Rule._get_context('onewindow.case')['halls'],
                    (setup['hall'].id,))


del ModuleTestCase
