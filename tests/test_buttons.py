# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every button of a workflow refuses loudly the records in the wrong state

Tryton's Workflow.transition skips silently the records whose state does not
allow the transition.  The buttons of the activated modules are walked from
the pool, so that a button added tomorrow is checked the day it is added: each
one must be wrapped by ButtonStateMixin and know either the state it leads
to (onewindow_hall.model.transition) or, from its states, in which states of
the record the client shows it."""
import unittest

from trytond.model import ModelView, Workflow
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from conftest import MODULES


class ButtonsTestCase(unittest.TestCase):
    "The buttons of the workflows check the state of their records"

    @classmethod
    def setUpClass(cls):
        activate_module(MODULES)

    @with_transaction()
    def test_buttons_check_state(self):
        "Each button of a workflow refuses the wrong state loudly"
        unchecked = []
        buttons = 0
        for name, model in Pool().iterobject():
            if not (name.startswith('onewindow.')
                    and issubclass(model, Workflow)
                    and issubclass(model, ModelView)):
                continue
            field = model._transition_state
            for button, states in model._buttons.items():
                method = getattr(model, button, None)
                if method is None:
                    continue
                buttons += 1
                target = getattr(method, 'transition_target', None)
                shown = (field in states.get('depends', [])
                    and 'invisible' in states)
                if not getattr(method, '_checks_button_state', False):
                    unchecked.append('%s.%s: not checked' % (name, button))
                elif target is None and not shown:
                    unchecked.append(
                        '%s.%s: neither a transition nor shown by state'
                        % (name, button))
        print('\nbuttons of workflows checked for their state: %s, '
            'unchecked: %s' % (buttons, len(unchecked)))
        self.assertGreater(buttons, 0)
        self.assertEqual(unchecked, [])
