# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import inspect
from collections import Counter
from functools import wraps

from trytond.i18n import gettext
from trytond.model import Workflow
from trytond.model.modelstorage import AccessError, EvalEnvironment
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder, PYSONEncoder
from trytond.transaction import Transaction, without_check_access

from .exceptions import ButtonStateError


class ProtectedFieldsMixin:
    """Fields that only the system sets

    A field declared readonly is only shown so by the clients: a call over
    RPC could still write it.  The state of a workflow and what the
    transitions compute (numbers, deadlines) are refused in the writes
    coming from the clients; buttons and internal code set them."""
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._protected_fields = set()
        if issubclass(cls, Workflow):
            cls._protected_fields.add(cls._transition_state)

    @classmethod
    def _check_protected_fields(cls, records, values):
        transaction = Transaction()
        if not transaction.user or not transaction.check_access:
            return
        names = cls._protected_fields & set(values)
        if names:
            raise AccessError(gettext(
                    'onewindow_hall.msg_protected_fields',
                    model=cls.__names__()['model'],
                    records=', '.join(r.rec_name for r in records[:5]),
                    fields=', '.join(
                        cls.__names__(n)['field'] for n in sorted(names))))

    @classmethod
    def create(cls, vlist):
        for values in vlist:
            values = {k: v for k, v in values.items()
                if v is not None and not (
                    k == getattr(cls, '_transition_state', None)
                    and v == getattr(cls, 'default_%s' % k, lambda: v)())}
            cls._check_protected_fields([], values)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for records, values in zip(actions, actions):
            cls._check_protected_fields(records, values)
        super().write(*args)


def transition(state):
    """Workflow.transition that records on the method the state it leads to

    ButtonStateMixin reads it to refuse a button clicked on a record whose
    state does not allow the transition."""
    def decorator(func):
        wrapper = Workflow.transition(state)(func)
        wrapper.transition_target = state
        return wrapper
    return decorator


class ButtonStateMixin:
    """Buttons refused loudly on records in the wrong state

    Tryton's Workflow.transition silently skips the records whose state
    does not allow the transition, and the buttons that are not transitions
    filter the records they apply to.  A client only shows a button where it
    applies, but a call over RPC (or a client showing a stale record) could
    still click it: nothing would change and nobody would be told, or a
    button would use a transition meant for another one.  Here a button
    clicked by a user on a record whose state does not allow its transition,
    or on which the client hides it for its state, is refused with a message
    naming the record, its state and the button.  Calls made by the code
    itself are unchanged."""
    __slots__ = ()

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        methods = {}
        for name in list(cls._buttons):
            method = getattr(cls, name, None)
            if (not inspect.ismethod(method) or method.__self__ is not cls
                    or getattr(method, '_checks_button_state', False)):
                continue
            methods[name] = method.__func__
        # The targets of all the transitions, buttons or not
        targets = Counter(cls._transition_targets().values())
        for name, func in methods.items():
            target = getattr(func, 'transition_target', None)
            # Where two buttons lead to the same state from different ones
            # (the department starts the review of an accepted case and
            # resumes that of a suspended one), the transitions do not say
            # which button applies: the states in which the client shows
            # the button do
            visible = target is None or targets[target] > 1
            setattr(cls, name, classmethod(
                    cls._button_state_wrapper(name, func, target, visible)))

    @classmethod
    def _transition_targets(cls):
        "Return the state to which each transition method leads"
        targets = {}
        for name in dir(cls):
            method = inspect.getattr_static(cls, name, None)
            if isinstance(method, classmethod):
                target = getattr(method.__func__, 'transition_target', None)
                if target is not None:
                    targets[name] = target
        return targets

    @classmethod
    def _button_state_wrapper(cls, name, func, target, visible):

        @wraps(func)
        def wrapper(cls, records, *args, **kwargs):
            transaction = Transaction()
            if transaction.user and transaction.check_access:
                cls.check_button_state(records, name, target, visible)
            return func(cls, records, *args, **kwargs)
        wrapper._checks_button_state = True
        return wrapper

    @classmethod
    def check_button_state(cls, records, button, target=None, visible=True):
        """Raise ButtonStateError if button cannot be clicked on one of the
        records in its current state

        target is the state to which the button transitions, if it does;
        visible is True when the button must also be one the client shows
        for the state of the record."""
        pool = Pool()
        Button = pool.get('ir.model.button')
        User = pool.get('res.user')
        field = getattr(cls, '_transition_state', 'state')
        states = cls._buttons.get(button, {})
        if field not in cls._fields:
            return
        groups = Button.get_groups(cls.__name__, button)
        if groups and not (groups & set(User.get_groups())):
            # The button refuses the user anyway
            return
        invisible = (states.get('invisible')
            if visible and field in states.get('depends', []) else None)
        if target is None and invisible is None:
            return
        # The user must be allowed to read the records before being told
        # their state
        ids = [r.id for r in records if r.id is not None and r.id >= 0]
        cls.read(ids, [field])
        with without_check_access():
            for record in records:
                state = getattr(record, field)
                allowed = True
                if target is not None:
                    allowed = (state, target) in cls._transitions
                if allowed and invisible is not None:
                    allowed = not cls._eval_button_states(record, invisible)
                if not allowed:
                    cls._raise_button_state(record, button, field, state)

    @classmethod
    def _eval_button_states(cls, record, expression):
        transaction = Transaction()
        env = EvalEnvironment(record, cls)
        env['context'] = transaction.context
        env['active_model'] = cls.__name__
        env['active_id'] = record.id
        return PYSONDecoder(env).decode(PYSONEncoder().encode(expression))

    @classmethod
    def _raise_button_state(cls, record, button, field, state):
        pool = Pool()
        Button = pool.get('ir.model.button')
        buttons = Button.search([
                ('model.model', '=', cls.__name__),
                ('name', '=', button),
                ], limit=1)
        label = buttons[0].string if buttons and buttons[0].string else button
        selection = cls.fields_get([field])[field].get('selection') or []
        if isinstance(selection, list):
            state = dict(selection).get(state, state)
        raise ButtonStateError(gettext(
                'onewindow_hall.msg_button_wrong_state',
                button=label, record=record.rec_name, state=state,
                model=cls.__names__()['model']))
