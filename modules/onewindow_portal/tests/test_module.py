# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from jinja2 import DictLoader, Environment

from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.onewindow_approval.exceptions import FileError
from trytond.modules.onewindow_portal.application import (
    QUERY_ALPHABET, check_query_code, hash_query_code, new_query_code)
from trytond.modules.onewindow_portal.web import (
    ConstantStrings, environment, gettext, mask_name, ngettext)
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class PortalTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Portal module"
    module = 'onewindow_portal'

    @with_transaction()
    def test_file_check_names(self):
        "The names a refused file's error shows are computed for it only"
        pool = Pool()
        Configuration = pool.get('onewindow.case.configuration')
        configuration = Configuration(1)

        def unused():
            raise AssertionError("a name computed for an accepted file")
        configuration.check_file(
            b'%PDF-1.4\n', 'scan.pdf', unused, unused)
        with self.assertRaises(FileError) as cm:
            configuration.check_file(
                b'MZ\x90\x00', 'scan.pdf', lambda: "Record A",
                lambda: "Field B")
        self.assertIn("Record A", cm.exception.message)
        self.assertIn("Field B", cm.exception.message)
        with self.assertRaises(FileError) as cm:
            configuration.check_file(b'x', 'run.exe', "Record C", "Field D")
        self.assertIn("Record C", cm.exception.message)


class QueryCodeTestCase(unittest.TestCase):
    "Test the query codes"

    def test_alphabet(self):
        "A code has 8 characters of the unambiguous alphabet"
        for _ in range(200):
            code = new_query_code()
            self.assertEqual(len(code), 8)
            self.assertTrue(set(code) <= set(QUERY_ALPHABET))
        self.assertFalse(set('01OIL') & set(QUERY_ALPHABET))

    def test_hash(self):
        "Only the hash is stored, salted, and it checks the code"
        code = new_query_code()
        hash_ = hash_query_code(code)
        self.assertNotIn(code, hash_)
        self.assertNotEqual(hash_, hash_query_code(code))
        self.assertTrue(check_query_code(code, hash_))
        self.assertTrue(check_query_code(code.lower(), hash_))
        self.assertTrue(check_query_code(' %s ' % code, hash_))
        self.assertFalse(check_query_code(code[:-1], hash_))
        self.assertFalse(check_query_code(code, None))
        self.assertFalse(check_query_code('', hash_))

    def test_mask_name(self):
        "Only the first character of a name shows"
        self.assertEqual(mask_name("王建国"), "王**")
        self.assertEqual(mask_name("欧阳"), "欧*")
        self.assertEqual(mask_name(""), "")


class ConstantStringsTestCase(unittest.TestCase):
    "Test the page strings translated when the templates are compiled"

    def environment(self, templates, extensions):
        env = Environment(loader=DictLoader(templates), autoescape=True,
            extensions=['jinja2.ext.i18n'] + extensions)
        env.install_gettext_callables(gettext, ngettext, newstyle=True)
        return env

    def test_same_pages(self):
        "A page renders the same as with the translations at each rendering"
        templates = {'page.html': (
                '<title>{{ _("Progress") }}</title>'
                '<a aria-label="{{ _(\'Main\') }}">{{ x }}</a>'
                '{% set labels = {"a": _("Submitted")} %}{{ labels.a }}'
                '{{ _("Page %(page)s of %(pages)s", page=1, pages=x) }}'
                '{{ _("%(count)s matters", count=x) }}{{ _("Missing") }}'
                '{{ page._("Progress") }}')}
        values = {'x': '<b>', 'page': {'_': lambda s: s.upper()}}
        plain = self.environment(templates, [])
        constant = self.environment(templates, [ConstantStrings])
        html = constant.get_template('page.html').render(**values)
        self.assertEqual(
            html, plain.get_template('page.html').render(**values))
        self.assertIn("<title>进度查询</title>", html)
        self.assertIn("&lt;b&gt;", html)

    def test_compiled(self):
        "The strings without variables are in the compiled template"
        source = environment.loader.get_source(environment, 'base.html')[0]
        code = environment.compile(source, raw=True)
        self.assertIn("翁源县公共服务中心", code)
        self.assertNotIn("'Wengyuan County Public Service Center'", code)


del ModuleTestCase
