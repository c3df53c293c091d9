# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Property test of the case workflow

Random sequences of buttons, each clicked by the role it belongs to, as the
clients click them (access checked), on cases of a promised matter.  Whatever
the sequence, a case only moves along the transitions of the workflow, a
button clicked in the wrong state is refused and changes nothing, and the
case log explains the state: the last logged transition ends in it."""
import datetime as dt
import re
import unittest
from collections import Counter

from hypothesis import given, settings, strategies as st

from trytond.exceptions import UserError, UserWarning
from trytond.modules.onewindow_approval.tests.test_module import (
    create_case, create_staff, hall_setup, receive_materials)
from trytond.modules.onewindow_hall.exceptions import ButtonStateError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

DAY = dt.date(2026, 3, 2)
PDF = b'%PDF-1.4 test'

# The buttons of the window and of the department
CLERK = ['request_supplement', 'resubmit', 'accept', 'refuse', 'withdraw',
    'hand_over', 'verify_result', 'deliver', 'archive']
APPROVER = ['receive', 'start_review', 'suspend', 'resume', 'approve',
    'deny', 'send_result']


def own_messages():
    "Return the messages of the onewindow modules as regular expressions"
    pool = Pool()
    Message = pool.get('ir.message')
    ModelData = pool.get('ir.model.data')
    patterns = []
    data = ModelData.search([
            ('model', '=', 'ir.message'),
            ('module', 'like', 'onewindow_%'),
            ])
    for message in Message.browse([d.db_id for d in data]):
        parts = re.split(r'%\(\w+\)[sd]', message.text)
        patterns.append(re.compile(
                '.*'.join(re.escape(p) for p in parts), re.DOTALL))
    return patterns


class WorkflowTestCase(unittest.TestCase):
    "Test the case workflow with random buttons"

    @classmethod
    def setUpClass(cls):
        activate_module('onewindow_approval')

    @with_transaction()
    def test_random_buttons(self):
        "Random buttons keep the case on its transitions and its log right"
        pool = Pool()
        Case = pool.get('onewindow.case')
        with hall_setup(DAY) as setup:
            users = create_staff(setup)
            moves = {'tried': 0, 'refused': 0, 'moved': 0}
            rules = Counter()
            messages = own_messages()
            reached = set()

            @settings(max_examples=60, deadline=None, database=None)
            @given(st.lists(st.sampled_from(CLERK + APPROVER), max_size=14))
            def run(buttons):
                case = self.new_case(setup)
                for button in buttons:
                    before = Case(case.id).state
                    try:
                        with Transaction().set_user(
                                users['clerk' if button in CLERK
                                    else 'approver'].id), \
                                Transaction().set_context(
                                    _check_access=True):
                            error = self.click(case, button)
                    except ButtonStateError:
                        moves['refused'] += 1
                        self.assertEqual(Case(case.id).state, before)
                    else:
                        if error:
                            # A rule of the case refused the click: it must
                            # say so with one of the modules' own messages,
                            # not with an error of Tryton that the setup of
                            # the case or the role ran into, and change
                            # nothing
                            self.assertEqual(Case(case.id).state, before)
                            self.assertTrue(
                                any(m.fullmatch(error.message)
                                    for m in messages),
                                msg='%s in %s: %s: %s' % (button, before,
                                    type(error).__name__, error.message))
                            rules[type(error).__name__] += 1
                    moves['tried'] += 1
                    self.check(Case(case.id), before)
                    if Case(case.id).state != before:
                        moves['moved'] += 1
                    reached.add(Case(case.id).state)
            run()
        print('\nworkflow property test: %s clicks, %s moves, %s refused '
            'in the wrong state, %s refused by a rule (%s), 0 violations; '
            'states reached: %s' % (
                moves['tried'], moves['moved'], moves['refused'],
                sum(rules.values()), ', '.join(
                    '%s %s' % (n, c) for n, c in sorted(rules.items())),
                ', '.join(sorted(reached))))
        # The sequences went through the workflow, not only refusals
        self.assertGreater(moves['moved'], 0)
        self.assertGreater(moves['refused'], 0)

    def new_case(self, setup):
        "Create a case with everything the buttons need"
        pool = Pool()
        Case = pool.get('onewindow.case')
        case = create_case(setup,
            refusal_reason=Case.refusal_reason.selection[1][0],
            withdrawal_reason="Withdrawn",
            decision_comment="Decided",
            decision_number="1",
            decision_document=PDF,
            decision_document_name='decision.pdf',
            result_number="1",
            result_file=PDF,
            result_file_name='result.pdf',
            result_scan=PDF,
            result_scan_name='scan.pdf',
            delivery_method='window',
            collector=setup['applicant'].id)
        receive_materials([case])
        return case

    def click(self, case, button):
        """Click the button on the case as the client does; an error rolls
        back what the click did, as the end of the request would"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        Handover = pool.get('onewindow.handover')
        Suspension = pool.get('onewindow.case.suspension')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        cursor.execute('SAVEPOINT click')
        try:
            if button == 'receive':
                case = Case(case.id)
                if case.handover:
                    Handover.receive([Handover(case.handover.id)])
            else:
                if button == 'suspend':
                    with transaction.set_user(0):
                        case = Case(case.id)
                        if not [s for s in case.suspensions
                                if s.state == 'draft']:
                            Suspension(case=case, kind='supplement',
                                description="Contract").save()
                getattr(Case, button)([Case(case.id)])
        except (UserError, UserWarning) as error:
            cursor.execute('ROLLBACK TO SAVEPOINT click')
            for cache in transaction.cache.values():
                cache.clear()
            if isinstance(error, ButtonStateError):
                raise
            return error
        else:
            cursor.execute('RELEASE SAVEPOINT click')

    def check(self, case, before):
        "The state follows a transition and the log explains it"
        pool = Pool()
        Case = pool.get('onewindow.case')
        if case.state != before:
            self.assertIn((before, case.state), Case._transitions)
        moves = [log for log in case.logs if log.state_after]
        state = 'draft'
        for log in sorted(moves, key=lambda log: log.id):
            if log.state_before:
                self.assertEqual(log.state_before, state, msg=log.event)
            self.assertIn((state, log.state_after),
                Case._transitions | {(state, state)}, msg=log.event)
            state = log.state_after
        self.assertEqual(state, case.state)
