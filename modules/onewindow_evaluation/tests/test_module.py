# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EvaluationTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Evaluation module"
    module = 'onewindow_evaluation'


del ModuleTestCase
