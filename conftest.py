# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""pytest glue for the Tryton modules of this repository

The modules live in modules/<name> but are installed as
trytond.modules.<name>: pytest would import them a second time under their
folder name, so the folder name is made an alias of the installed package.
Scenario doctests (tests/scenario_*.rst) are collected through each
module's tests/test_scenario.py, as Tryton runs them.
"""
import importlib
import sys
import unittest

import pytest

from trytond.tests import test_tryton  # noqa: F401 (configures trytond)

MODULES = [
    'onewindow_hall', 'onewindow_matters', 'onewindow_approval',
    'onewindow_portal', 'onewindow_evaluation']

for name in MODULES:
    package = importlib.import_module('trytond.modules.%s' % name)
    sys.modules[name] = package
    tests = importlib.import_module('trytond.modules.%s.tests' % name)
    sys.modules['%s.tests' % name] = tests


class ScenarioItem(pytest.Item):

    def __init__(self, *, module, **kwargs):
        super().__init__(**kwargs)
        self.module = module

    def runtest(self):
        # The scenario is loaded by the module's own tests/test_scenario.py,
        # as trytond's runners load it, with the same options
        loader = unittest.TestLoader()
        loader.testNamePatterns = [self.path.name]
        scenarios = importlib.import_module(
            'trytond.modules.%s.tests.test_scenario' % self.module)
        test = scenarios.load_tests(loader, unittest.TestSuite(), None)
        if not test.countTestCases():
            raise ScenarioFailure(
                '%s is not loaded by tests/test_scenario.py' % self.path)
        result = unittest.TestResult()
        test.run(result)
        problems = result.failures + result.errors
        if problems:
            raise ScenarioFailure('\n'.join(p[1] for p in problems))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, 'scenario: %s' % self.name


class ScenarioFailure(Exception):
    pass


class ScenarioFile(pytest.File):

    def collect(self):
        yield ScenarioItem.from_parent(
            self, name=self.path.name, module=self.path.parent.parent.name)


def pytest_collect_file(file_path, parent):
    if (file_path.suffix == '.rst'
            and file_path.name.startswith('scenario_')
            and file_path.parent.name == 'tests'):
        return ScenarioFile.from_parent(parent, path=file_path)
