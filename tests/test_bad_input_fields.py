# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bad input generated from the fields

For every model of the pool that a demo role can write, and every field
the role may write, the wrong values of the field's type are sent over
JSON-RPC: a value of another type, an unknown selection value, a text
longer than the field, negative and absurd numbers, dates before 2000 or
more than a year ahead.  Each must be refused with a message in Chinese
that names the field, and the record must be unchanged.  The public
methods of the working-day calendar are called with arguments of the wrong
types."""
import datetime as dt
import re

import pytest

from .conftest import report_figures
from .rpc import RPCError, Sessions

CJK = re.compile('[\u4e00-\u9fff]')
# Who writes what in the hall: the window, a department, the center
ROLES = ['clerk', 'approver', 'center_admin']
RECORDS = 1
# The date fields that hold a date planned ahead rather than a day that
# happened: they may be more than a year ahead
PLANNED = {
    ('onewindow.calendar.day', 'date'),
    ('onewindow.duty', 'date'),
    ('onewindow.delegation', 'valid_to'),
    ('onewindow.delegation', 'valid_from'),
    ('onewindow.authorization', 'valid_to'),
    ('onewindow.authorization', 'valid_from'),
    ('onewindow.matter', 'valid_to'),
    }
# Order keys, any whole number is meaningful
ORDERS = {'sequence'}


def bad_values(model, name, field, today):
    "Yield (what, value) for the field"
    type_ = field['type']
    if type_ in {'char', 'text'}:
        yield 'a number for a text', 12345
        yield 'a list for a text', ['x']
        if field.get('size'):
            yield 'a text over its size', 'x' * (int(field['size']) + 1)
    elif type_ == 'integer':
        yield 'a text for a number', 'abc'
        yield 'a fraction for a whole number', 1.5
        yield 'a huge number', 10 ** 12
        if name not in ORDERS:
            yield 'a negative number', -1000
            yield 'an absurd number', 10 ** 6
    elif type_ in {'float', 'numeric'}:
        yield 'a text for a number', 'abc'
        yield 'a huge number', 10 ** 13
        yield 'a negative number', -1000000
    elif type_ == 'boolean':
        yield 'a text for a boolean', 'abc'
    elif type_ == 'date':
        yield 'a text for a date', 'yesterday'
        yield 'a date before 2000', dt.date(1999, 12, 31)
        if (model, name) not in PLANNED and model.startswith('onewindow.'):
            yield 'a date over a year ahead', today + dt.timedelta(days=400)
    elif type_ == 'datetime':
        yield 'a text for a date and time', 'now'
    elif type_ == 'selection':
        if isinstance(field.get('selection'), list):
            yield 'an unknown selection value', 'no-such-value'
            yield 'a number for a selection', 7
    elif type_ in {'many2one', 'one2one'}:
        yield 'a text for a record', 'abc'
        yield 'a negative record id', -5
        yield 'a record that does not exist', 2 ** 31 - 2
    elif type_ in {'one2many', 'many2many'}:
        yield 'a text for lines', 'abc'
        yield 'an unknown action on lines', [['frobnicate', [1]]]


class Inputs(Sessions):

    def __init__(self, server):
        self.server = server
        self.sessions = {}
        self.fields = set()
        self.tried = 0
        self.accepted = []
        self.untranslated = []
        self.unrelated = []
        self.changed = []

    def refuse(self, login, what, model, method, args, about=(),
            unchanged=None):
        """The call must be refused with a Chinese message naming one of
        about and change nothing of unchanged (ids, fields)"""
        self.tried += 1
        admin = self.session('admin')
        if unchanged:
            before = admin.model(model, 'read', *unchanged)
        try:
            result = self.session(login).model(model, method, *args)
        except RPCError as error:
            message = str(error.error)
            if not CJK.search(message):
                self.untranslated.append('%s: %s' % (what, message[:300]))
            elif about and not any(a in message for a in about):
                self.unrelated.append('%s: %s' % (what, message[:300]))
        else:
            self.accepted.append('%s (answered %r)' % (what, result))
        if unchanged:
            try:
                after = admin.model(model, 'read', *unchanged)
            except RPCError as error:
                after = error.error
            if after != before:
                self.changed.append('%s: %r -> %r' % (what, before, after))


@pytest.fixture(scope='module')
def inputs(pg_demo_server):
    inputs = Inputs(pg_demo_server)
    yield inputs
    report_figures(
        'bad input generated from the fields: %d fields of %d roles, '
        '%d inputs, %d accepted, %d untranslated, %d refused for another '
        'reason, %d changed a record' % (
            len(inputs.fields), len(ROLES), inputs.tried,
            len(inputs.accepted), len(inputs.untranslated),
            len(inputs.unrelated), len(inputs.changed)))


def writable_records(inputs, login, model):
    "Return ids of model the role can write (an empty write is accepted)"
    session = inputs.session(login)
    try:
        ids = session.model(model, 'search', [], 0, 20, [('id', 'DESC')])
    except RPCError:
        return []
    records = []
    for id_ in ids:
        try:
            session.model(model, 'write', [id_], {})
        except RPCError:
            continue
        records.append(id_)
        if len(records) >= RECORDS:
            break
    return records


def test_fields(inputs):
    "Every writable field of every model a role writes refuses bad values"
    admin = inputs.session('admin')
    methods = admin.call('system.listMethods')
    models = sorted({m[len('model.'):-len('.write')] for m in methods
            if m.startswith('model.') and m.endswith('.write')})
    today = admin.model('ir.date', 'today')
    today = dt.date(today['year'], today['month'], today['day']) if (
        isinstance(today, dict)) else dt.date.fromisoformat(str(today))
    for login in ROLES:
        session = inputs.session(login)
        for model in models:
            if not model.startswith(('onewindow.', 'party.', 'company.')):
                continue
            records = writable_records(inputs, login, model)
            if not records:
                continue
            fields = session.model(model, 'fields_get', None)
            for name, field in sorted(fields.items()):
                if field.get('readonly') or name in {
                        'id', 'rec_name', 'create_uid', 'create_date',
                        'write_uid', 'write_date'}:
                    continue
                values = list(bad_values(model, name, field, today))
                if not values:
                    continue
                inputs.fields.add((model, name))
                for what, value in values:
                    inputs.refuse(login,
                        '%s: %s.%s %s' % (login, model, name, what),
                        model, 'write', [records, {name: value}],
                        about=[field['string'], str(value)[:20]],
                        unchanged=(records, [name]))
    assert inputs.accepted == []
    assert inputs.untranslated == []
    assert inputs.changed == []


def test_calendar_arguments(inputs):
    "The public calendar methods refuse arguments of the wrong types"
    admin = inputs.session('admin')
    calendar, = admin.model('onewindow.calendar', 'search', [], 0, None,
        None)
    date = dt.date(2026, 9, 30)
    for login in ['clerk', 'guide']:
        for method, args in [
                ('add_working_days', [[calendar], 'yesterday', 5]),
                ('add_working_days', [[calendar], date, 'abc']),
                ('add_working_days', [[calendar], date, -1]),
                ('add_working_days', [[calendar], date, 10 ** 9]),
                ('add_working_days', [[calendar], date, 2.5]),
                ('add_working_days', [[calendar], 20260930, 5]),
                ('add_working_days', [[calendar, calendar], date, 5]),
                ('explain_add_working_days', [[calendar], 'x', 5]),
                ('explain_add_working_days', [[calendar], date, None]),
                ('is_working_day', [[calendar], 'today']),
                ('is_working_day', [[calendar], None]),
                ('working_days_between', [[calendar], date, 'x']),
                ('working_days_between', [[calendar], 5, date]),
                ]:
            inputs.refuse(login, '%s %s%r' % (login, method, args[1:]),
                'onewindow.calendar', method, args)
    assert inputs.accepted == []
    assert inputs.untranslated == []
