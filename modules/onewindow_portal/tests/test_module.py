# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.onewindow_portal.application import (
    QUERY_ALPHABET, check_query_code, hash_query_code, new_query_code)
from trytond.modules.onewindow_portal.web import mask_name
from trytond.tests.test_tryton import ModuleTestCase


class PortalTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Portal module"
    module = 'onewindow_portal'


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


del ModuleTestCase
