# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import Workflow
from trytond.model.modelstorage import AccessError
from trytond.transaction import Transaction


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
