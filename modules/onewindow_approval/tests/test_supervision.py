# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Property test of what the supervision keeps up to date

The scheduler's sweep looks only at the cases changed since the previous
sweep and at those whose deadline came near or passed since, and the
statistics read a table of events kept up to date when a case changes.
Random sequences of buttons and of days passing, with a sweep after each,
must leave the same cards as a sweep of every case, and the same events as
a rebuild of the whole table."""
import datetime as dt
import unittest
from unittest.mock import patch

from hypothesis import given, settings, strategies as st

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.onewindow_approval.tests import test_workflow
from trytond.modules.onewindow_approval.tests.test_module import (
    create_matter, create_setup, create_staff)
from trytond.modules.onewindow_hall.exceptions import ButtonStateError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

DAY = dt.date(2026, 3, 2)
# The buttons that move a case towards its deadlines come more often
ACTIONS = test_workflow.CLERK + test_workflow.APPROVER + [
    'accept', 'hand_over', 'receive', 'start_review', 'next_day',
    'next_day', 'next_day', 'next_day', 'new_case', 'new_case']


class SupervisionTestCase(unittest.TestCase):
    "Test that the supervision follows the cases"

    new_case = test_workflow.WorkflowTestCase.new_case
    click = test_workflow.WorkflowTestCase.click

    @classmethod
    def setUpClass(cls):
        activate_module('onewindow_approval')

    def age(self):
        """Make every change so far older than the previous sweep: the next
        sweep sees only what changes from now on"""
        pool = Pool()
        cursor = Transaction().connection.cursor()
        old = dt.datetime(2000, 1, 1)
        for name in ['onewindow.case', 'onewindow.case.step',
                'onewindow.hall', 'onewindow.calendar',
                'onewindow.calendar.year', 'onewindow.calendar.day']:
            table = pool.get(name).__table__()
            cursor.execute(*table.update(
                    [table.create_date, table.write_date], [old, old]))

    def cards(self):
        pool = Pool()
        Card = pool.get('onewindow.card')
        return sorted((c.case.id, c.step.id if c.step else 0, c.colour,
                c.deadline, c.state) for c in Card.search([]))

    def events(self):
        pool = Pool()
        Event = pool.get('onewindow.statistic.event')
        return sorted(
            (e.case.id, e.event, e.date, e.department.id, e.matter.id,
                e.handling, e.window.id if e.window else 0,
                e.employee.id if e.employee else 0, e.days or 0,
                e.on_time or 0)
            for e in Event.search([]))

    @with_transaction()
    def test_sweep_and_events_follow_the_cases(self):
        "The hourly sweep and the events of the statistics miss nothing"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Card = pool.get('onewindow.card')
        Event = pool.get('onewindow.statistic.event')
        Date = pool.get('ir.date')
        company = create_company()
        day = {'today': DAY}
        figures = {'sweeps': 0, 'incremental': 0, 'issued': 0, 'closed': 0}
        with set_company(company), patch.object(
                Date, 'today', side_effect=lambda *a, **k: day['today']):
            setup = create_setup(company)
            setup['matter'] = self.matter_with_steps(setup['matter'])
            users = create_staff(setup)
            cases = [self.new_case(setup)]
            Card.sweep()

            @settings(max_examples=40, deadline=None, database=None,
                derandomize=True)
            @given(st.lists(st.tuples(st.sampled_from(ACTIONS),
                        st.integers(0, 10)), max_size=20))
            def run(actions):
                for action, index in actions:
                    self.age()
                    case = cases[index % len(cases)]
                    if action == 'next_day':
                        day['today'] += dt.timedelta(days=1)
                    elif action == 'new_case':
                        cases.append(self.new_case(setup))
                    else:
                        user = users['clerk'
                            if action in test_workflow.CLERK
                            else 'approver']
                        try:
                            with Transaction().set_user(user.id), \
                                    Transaction().set_context(
                                        _check_access=True):
                                self.click(case, action)
                        except ButtonStateError:
                            pass
                    issued = Card.sweep()
                    sweep = pool.get('onewindow.card.sweep').previous()
                    figures['sweeps'] += 1
                    figures['incremental'] += not sweep.full
                    figures['issued'] += len(issued)
                    figures['closed'] += sweep.closed
                    self.check(Card, Event)
            run()
        print('\nsupervision property test: %s cases, %s sweeps (%s '
            'incremental), %s cards issued, %s closed, 0 differences' % (
                len(cases), figures['sweeps'], figures['incremental'],
                figures['issued'], figures['closed']))
        self.assertGreater(figures['incremental'], 0)
        self.assertGreater(figures['issued'], 0)
        self.assertGreater(figures['closed'], 0)
        self.assertGreater(len(Case.search([('state', '=', 'review')])
                + Case.search([('state', '=', 'accepted')])), 0)

    def matter_with_steps(self, matter):
        "Return a copy of the matter with two steps of the back office"
        return create_matter(matter.department, 'GG00102000',
            "Employment with steps", delegation="2",
            matter_type=matter.matter_type, legal_basis=matter.legal_basis,
            steps=[('create', [
                        {'sequence': 1, 'name': "Review",
                            'kind': 'review', 'limit': 2},
                        {'sequence': 2, 'name': "Decision",
                            'kind': 'decision', 'limit': 3},
                        ])])

    def check(self, Card, Event):
        """A full sweep and a rebuild of the events change nothing; they
        are rolled back"""
        cursor = Transaction().connection.cursor()
        cards, events = self.cards(), self.events()
        cursor.execute('SAVEPOINT full_check')
        try:
            self.assertEqual(Card.sweep(full=True), [])
            self.assertEqual(self.cards(), cards)
            Event.refresh()
            self.assertEqual(self.events(), events)
        finally:
            cursor.execute('ROLLBACK TO SAVEPOINT full_check')
            for cache in Transaction().cache.values():
                cache.clear()
