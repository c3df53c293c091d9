# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.onewindow_matters.catalog import (
    HEADER, export_catalog, parse_rows)
from trytond.modules.onewindow_matters.exceptions import CatalogImportError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


def create_department(code='RS', name="县人社局"):
    pool = Pool()
    Department = pool.get('onewindow.department')
    department, = Department.create([{'code': code, 'name': name}])
    return department


def create_matter(department, code='GG01401000', **values):
    pool = Pool()
    Matter = pool.get('onewindow.matter')
    values.setdefault('name', "失业登记")
    values.setdefault('promised_limit', 5)
    matter, = Matter.create([dict({
                    'code': code,
                    'department': department.id,
                    'materials': [('create', [{'name': "居民身份证"}])],
                    }, **values)])
    return matter


class OnewindowMattersTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Onewindow Matters module"
    module = 'onewindow_matters'

    @with_transaction()
    def test_law_bounds(self):
        "Time limits beyond the Administrative Licensing Law are found"
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        for matter_type, handling, statutory, promised, extension, count in [
                ('licence', 'promised', 20, 15, 10, 0),
                ('licence', 'promised', 21, 15, None, 1),
                ('licence', 'promised', None, 22, None, 1),
                ('licence', 'promised', 20, 15, 11, 1),
                ('licence', 'joint', 45, 30, 15, 0),
                ('licence', 'joint', 46, 30, 16, 2),
                ('licence', 'escalated', 30, 20, None, 1),
                ('public_service', 'promised', 60, 60, 30, 0),
                ]:
            matter = Matter(matter_type=matter_type, handling=handling,
                statutory_limit=statutory, promised_limit=promised,
                extension_limit=extension)
            self.assertEqual(
                len(matter.law_bound_problems()), count,
                msg=(matter_type, handling, statutory, promised, extension))

    @with_transaction()
    def test_next_versions(self):
        "The next version of a code follows its highest version"
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        company = create_company()
        with set_company(company):
            department = create_department()
            create_matter(department, version=1)
            create_matter(department, version=3)
            self.assertEqual(
                Matter.next_versions(['GG01401000', 'XK00101000']),
                {'GG01401000': 4, 'XK00101000': 1})

    @with_transaction()
    def test_authorization_power_applies(self):
        "Each power of a team leader concerns its kind of matters"
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        Authorization = pool.get('onewindow.authorization')
        cases = [
            ({'handling': 'same_day'}, 'same_day_approval', True),
            ({'handling': 'promised'}, 'same_day_approval', False),
            ({'handling': 'promised'}, 'initial_review', True),
            ({'handling': 'escalated'}, 'initial_review', True),
            ({'handling': 'joint'}, 'initial_review', False),
            ({'handling': 'joint'}, 'joint_coordination', True),
            ({'special_procedures': ['site_survey']},
                'survey_coordination', True),
            ({'special_procedures': ['hearing']},
                'survey_coordination', False),
            ({'fee_basis': "粤价〔2017〕1号"}, 'fee_collection', True),
            ({'fee_basis': None}, 'fee_collection', False),
            ]
        for values, power, result in cases:
            matter = Matter(**values)
            self.assertEqual(
                Authorization.power_applies(matter, power), result,
                msg=(values, power))

    @with_transaction()
    def test_review_due_searcher(self):
        "The review-due searcher agrees with its getter"
        pool = Pool()
        Date = pool.get('ir.date')
        Knowledge = pool.get('onewindow.knowledge')
        today = Date.today()
        entries = Knowledge.create([{
                    'question': "Q%s" % days,
                    'answer': "A",
                    'last_reviewed': (
                        today - dt.timedelta(days=days)
                        if days is not None else None),
                    } for days in [None, 0, 89, 90, 91, 400]])
        due = {e.id for e in entries if e.review_due}
        self.assertEqual(
            {e.id for e in Knowledge.search([('review_due', '=', True)])},
            due)
        self.assertEqual(
            {e.id for e in Knowledge.search([('review_due', '!=', True)])},
            {e.id for e in entries} - due)
        self.assertEqual(
            sorted(e.question for e in entries if e.review_due),
            ['Q400', 'Q90', 'Q91', 'QNone'])

    @with_transaction()
    def test_catalog_parse_errors(self):
        "Every wrong row of a catalogue is reported with its number"
        rows = [
            (2, {'type': 'matter', 'code': 'XK1', 'version': '1',
                    'name': "A", 'department': 'RS'}),
            (3, {'type': 'matter', 'code': 'XK1', 'version': '1',
                    'name': "A", 'department': 'RS'}),
            (4, {'type': 'matter', 'code': 'XK2', 'version': '0',
                    'name': "B", 'department': 'RS'}),
            (5, {'type': 'step', 'code': 'XK1', 'version': '1',
                    'name': "审查", 'limit': '2', 'requirement': 'required'}),
            (6, {'type': 'matter', 'code': 'XK3', 'version': '1',
                    'name': "C", 'department': ''}),
            (7, {'type': 'material', 'code': 'XK3', 'version': '1',
                    'name': "D"}),
            (8, {'type': 'thing', 'code': 'XK1', 'version': '1'}),
            (9, None),
            (10, {'type': 'matter', 'code': 'XK4', 'version': '2',
                    'name': "E", 'department': 'RS'}),
            (11, {'type': 'material', 'code': 'XK4', 'version': '2',
                    'name': "F", 'paper_copies': '2', 'deferrable': '是'}),
            ]
        groups, errors = parse_rows(rows, {'RS': 1})
        self.assertEqual([l for l, _ in sorted(errors)], [3, 4, 5, 6, 8, 9])
        # A matter with a wrong row is not saved
        self.assertEqual(list(groups), [('XK4', 2)])
        material, = groups['XK4', 2]['material']
        self.assertEqual(material['paper_copies'], 2)
        self.assertIs(material['deferrable'], True)

    @with_transaction()
    def test_catalog_header(self):
        "A catalogue without the key columns is refused"
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        with self.assertRaises(CatalogImportError):
            Matter.import_catalog("type,name\nmatter,A\n")
        with self.assertRaises(CatalogImportError):
            Matter.import_catalog(",".join(HEADER + ['colour']) + "\n")
        self.assertEqual(Matter.import_catalog(""), [])

    @with_transaction()
    def test_catalog_export_import(self):
        "A catalogue exported and imported again gives the same export"
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        company = create_company()
        with set_company(company):
            department = create_department()
            matter = create_matter(department,
                steps=[('create', [{'name': "审查", 'limit': 3}])],
                form_fields=[('create', [{
                                'name': 'name', 'string': "姓名",
                                'type_': 'char'}])],
                special_procedures=['hearing', 'site_survey'],
                delivery_methods=['window', 'courier'])
            data = export_catalog([matter])
            Matter.delete([matter])
            matters = Matter.browse(Matter.import_catalog(data))
            self.assertEqual(export_catalog(matters), data)
            self.assertEqual(Matter.import_catalog(data), [])

    @with_transaction()
    def test_matters_readable_in_hall(self):
        "Every role of the hall reads the matters of every department"
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        with set_company(company):
            rs = create_department()
            mz = create_department('MZ', "县民政局")
            create_matter(rs)
            create_matter(mz, code='QT00302000', name="婚姻登记")
            group = ModelData.get_id('onewindow_hall', 'group_approver')
            user, = User.create([{
                        'name': "Approver", 'login': 'approver',
                        'groups': [('add', [group])],
                        'departments': [('add', [rs.id])],
                        'companies': [('add', [company.id])],
                        'company': company.id,
                        }])
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                self.assertEqual(len(Matter.search([])), 2)
                with self.assertRaises(Exception):
                    Matter.write(Matter.search([]), {'short_name': "X"})


del ModuleTestCase
