# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every RPC entry point of the pool, attacked by every demo role

The list of the methods comes from the server itself (system.listMethods:
every model, wizard and report of the activated modules, ours and the core
ones, with every method of its __rpc__).  Each demo role calls each of them
on the records it must not see: the records of the model that the role's
own search does not return (another department's cases and their lines,
notes and attachments, other users' records...), and, for the methods that
build a record from the client's values (on_change, on_change_with,
pre_validate...), with its relation fields pointing to such records.  A
call that answers with a datum of those records (their name or texts), with
a full resident ID number the role sees masked or with the text of a note
it may not read is a leak."""
import base64
import collections
import io
import json
import zipfile

import pytest

from .conftest import report_figures
from .rpc import RPCError, Sessions

ROLES = ['clerk', 'approver', 'approver_mz', 'liaison', 'guide',
    'supervisor']
# How many records each method is tried on
PER_MODEL = 2
# The search family: what they return is checked against the ids
SEARCHES = {'search', 'search_count', 'search_read'}
# Methods that build a record from the client's values
VALUES = ('on_change', 'pre_validate', 'resources', 'get_copy_to_resources',
    'on_scan_code')
# Methods that need no record (definitions of the model and its views)
DEFINITIONS = {'fields_get', 'fields_view_get', 'view_toolbar_get',
    'view_attributes', 'default_get', 'search_get_keys'}
DEFINITIONS_ROLE = 'guide'


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, default=str)


def _report_text(result):
    "The text of a report's content (ODT is a zip)"
    try:
        content = result[1]
        if isinstance(content, dict) and 'base64' in content:
            content = base64.b64decode(content['base64'])
        elif isinstance(content, str):
            content = content.encode('utf-8')
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.read('content.xml').decode('utf-8')
    except Exception:
        return _dumps(result)


class Walk(Sessions):

    def __init__(self, server):
        self.server = server
        self.sessions = {}
        self.attempts = 0
        self.pairs = collections.Counter()
        self.leaks = []
        self.admin = self.session('admin')
        self._forbidden = {}
        self._telltales = {}
        self._fields = {}
        self._all_ids = {}

    def fields(self, model):
        if model not in self._fields:
            try:
                self._fields[model] = self.admin.model(
                    model, 'fields_get', None)
            except RPCError:
                self._fields[model] = {}
        return self._fields[model]

    def all_ids(self, model):
        if model not in self._all_ids:
            try:
                self._all_ids[model] = self.admin.model(
                    model, 'search', [], 0, 300, [('id', 'ASC')])
            except RPCError:
                self._all_ids[model] = []
        return self._all_ids[model]

    def forbidden(self, login, model):
        "The ids of records of model that login must not see"
        key = login, model
        if key not in self._forbidden:
            ids = self.all_ids(model)
            if ids:
                session = self.session(login)
                try:
                    seen = set(session.model(
                            model, 'search', [('id', 'in', ids)],
                            0, None, None))
                except RPCError:
                    # The search is refused as a whole (the resources of
                    # some attachments are of a model the role may not
                    # read): the records it reads one by one are seen
                    seen = set()
                    for id_ in ids:
                        try:
                            session.model(model, 'read', [id_], ['id'])
                        except RPCError:
                            continue
                        seen.add(id_)
                ids = [i for i in ids if i not in seen]
                # A record the search does not find may still be one the
                # role reads (a singleton's defaults): hidden is unreadable
                hidden = []
                ends = [i for pair in zip(ids[:5], ids[::-1][:5])
                    for i in pair]
                for id_ in ends or ids:
                    if len(hidden) >= PER_MODEL:
                        break
                    if id_ in hidden:
                        continue
                    try:
                        session.model(model, 'read', [id_], ['id'])
                    except RPCError:
                        hidden.append(id_)
                ids = sorted(hidden)
            self._forbidden[key] = ids
        return self._forbidden[key]

    def telltales(self, model, ids):
        "The texts by which a record of model is recognized"
        texts = set()
        for id_ in ids:
            key = model, id_
            if key not in self._telltales:
                names = ['rec_name'] + [
                    n for n, f in self.fields(model).items()
                    if f['type'] in {'char', 'text'}
                    and not f.get('translate')]
                found = set()
                try:
                    values, = self.admin.model(model, 'read', [id_], names)
                except (RPCError, ValueError):
                    values = {}
                for name, value in values.items():
                    if (name != 'id' and isinstance(value, str)
                            and len(value.strip()) >= 4):
                        found.add(value.strip())
                self._telltales[key] = found
            texts |= self._telltales[key]
        return texts

    def call(self, login, pair, args, context=None):
        "Call and return (refused, result)"
        self.attempts += 1
        self.pairs[pair] += 1
        session = self.session(login)
        kind, name, method = pair
        if context is None:
            context = session.context
        try:
            return False, session.call(
                '%s.%s.%s' % (kind, name, method), *args, context)
        except RPCError:
            return True, None

    def check(self, login, pair, args, secrets, ids=(), context=None,
            text=None):
        refused, result = self.call(login, pair, args, context=context)
        if refused:
            return None
        return self.judge(login, pair, result, secrets, ids, text)

    def judge(self, login, pair, result, secrets, ids=(), text=None):
        "Record a leak if result holds a secret or one of the ids"
        kind, name, method = pair
        dumped = text(result) if text else _dumps(result)
        found = [s for s in secrets if s in dumped]
        if ids and method in SEARCHES:
            if method == 'search_count':
                leaked = bool(result)
            else:
                leaked = bool({r['id'] if isinstance(r, dict) else r
                        for r in result or []} & set(ids))
            if leaked:
                found.append('ids %s' % sorted(ids))
        if found:
            self.leaks.append('%s: %s.%s%s answered %s' % (
                    login, name, method,
                    ' on %s' % list(ids) if ids else '', found[:3]))
        return result


@pytest.fixture(scope='module')
def walk(pg_demo_server):
    walk = Walk(pg_demo_server)
    yield walk
    lines = ['RPC entry points walked (model or wizard or report, method: '
        'attempts):']
    for (kind, name, method), count in sorted(walk.pairs.items()):
        lines.append('  %s %s.%s: %d' % (kind, name, method, count))
    report = '\n'.join(lines) + (
        '\nRPC walk over every entry point of the pool: %d pairs covered, '
        '%d attempts by %d roles, %d leaks' % (
            len(walk.pairs), walk.attempts, len(ROLES), len(walk.leaks)))
    report_figures(report)


def secrets_of(walk):
    """Return for each role the texts it must never receive: the full
    resident IDs it sees masked, the internal notes of the cases it may
    not read"""
    admin = walk.admin
    codes = {i['code'] for i in admin.model('party.identifier',
            'search_read', [('type', '=', 'cn_ric')], 0, None, None,
            ['code'])}
    cases = admin.model('onewindow.case', 'search', [], 0, None, None)
    # An internal note on every department's first cases
    notes = {}
    by_department = collections.defaultdict(list)
    for case in admin.model('onewindow.case', 'search_read', [], 0, None,
            [('id', 'ASC')], ['department']):
        by_department[case['department']].append(case['id'])
    for department, ids in by_department.items():
        for case in ids[:2]:
            marker = '内部意见-%s-%s' % (department, case)
            notes[marker] = case
    existing = {n['message'] for n in admin.model('ir.note', 'search_read',
            [('message', 'like', '内部意见-%')], 0, None, None, ['message'])}
    admin.model('ir.note', 'create', [{
                'resource': 'onewindow.case,%s' % c, 'message': m}
            for m, c in notes.items() if m not in existing])
    # The groups that read the identifier codes of the parties in full (the
    # window clerks, who register the applicants): for their members a code
    # is no secret, whatever party it is of
    readers = set()
    for access in admin.model('ir.model.field.access', 'search_read',
            [('field.model.model', '=', 'party.identifier'),
                ('field.name', '=', 'code'), ('perm_read', '=', True)],
            0, None, None, ['group']):
        readers.add(access['group'])
    secrets = {}
    for login in ROLES:
        session = walk.session(login)
        [user] = admin.model('res.user', 'search_read',
            [('login', '=', login)], 0, 1, None, ['groups'])
        reads_codes = bool(readers & set(user['groups']))
        try:
            seen = set(session.model('onewindow.case', 'search',
                    [('id', 'in', cases)], 0, None, None))
        except RPCError:
            # The role does not read the cases at all
            seen = set()
        shown = set()
        for case in session.model('onewindow.case', 'read', sorted(seen),
                ['applicant_identifier', 'agent_identifier',
                    'collector_identifier']) if seen else []:
            shown.update(v for k, v in case.items() if k != 'id' and v)
        role = {c for c in codes if c not in shown and not reads_codes}
        role |= {m for m, c in notes.items() if c not in seen}
        secrets[login] = role
    return secrets


def test_every_entry_point(walk):
    "No RPC method of the pool gives a role what it must not see"
    admin = walk.admin
    methods = admin.call('system.listMethods')
    entries = collections.defaultdict(list)
    for path in methods:
        kind, rest = path.split('.', 1)
        name, method = rest.rsplit('.', 1)
        entries[kind, name].append(method)
    assert ('model', 'party.identifier') in entries
    assert 'on_change_with' in entries['model', 'onewindow.case']
    secrets = secrets_of(walk)
    assert any(secrets.values())
    wizard_models = {w['wiz_name']: w['model'] for w in admin.model(
            'ir.action.wizard', 'search_read', [], 0, None, None,
            ['wiz_name', 'model'])}
    report_models = {r['report_name']: r['model'] for r in admin.model(
            'ir.action.report', 'search_read', [], 0, None, None,
            ['report_name', 'model'])}

    for (kind, name), names in sorted(entries.items()):
        if kind == 'model':
            walk_model(walk, name, names, secrets)
        elif kind == 'wizard':
            walk_wizard(walk, name, wizard_models.get(name), secrets)
        elif kind == 'report':
            walk_report(walk, name, report_models.get(name), secrets)
    assert walk.leaks == []


def relation_values(walk, login, model):
    "Values of the relation fields of model pointing to forbidden records"
    values = {}
    for field, definition in walk.fields(model).items():
        if definition['type'] in {'many2one', 'one2one'}:
            ids = walk.forbidden(login, definition['relation'])
            if ids:
                values[field] = ids[0]
        elif definition['type'] == 'reference':
            for target in ['onewindow.case', 'party.party']:
                ids = walk.forbidden(login, target)
                if ids:
                    values[field] = '%s,%s' % (target, ids[0])
                    break
    return values


def walk_model(walk, name, names, secrets):
    buttons = {b['name'] for b in walk.admin.model('ir.model.button',
            'search_read', [('model.model', '=', name)], 0, None, None,
            ['name'])}
    fields = walk.fields(name)
    field_names = sorted(n for n, f in fields.items()
        if f['type'] not in {'binary'})
    for login in ROLES:
        forbidden = walk.forbidden(login, name)
        telltales = walk.telltales(name, forbidden)
        role_secrets = secrets[login]
        relations = relation_values(walk, login, name)
        for method in sorted(names):
            pair = 'model', name, method
            if method in DEFINITIONS or method == 'create':
                # They read no record: the definitions are the same for
                # every role, the guide (who sees the least) tries them
                if login != DEFINITIONS_ROLE:
                    continue
                if method == 'default_get':
                    args = [field_names, False]
                elif method == 'fields_view_get':
                    args = [None, 'form']
                elif method == 'view_toolbar_get':
                    args = []
                elif method == 'create':
                    args = [[]]
                elif method == 'fields_get':
                    args = [None]
                else:
                    args = []
                walk.check(login, pair, args, role_secrets)
                continue
            if method == 'search':
                # The values of the free data (dictionaries) are no oracle
                # for a secret of the role
                dict_oracles(walk, login, pair, fields, role_secrets)
            if method in SEARCHES:
                if not forbidden:
                    walk.check(login, pair, search_args(method, [],
                            field_names), role_secrets)
                    continue
                # What a search finds is judged by the ids: the texts of
                # a hidden record may be those of a visible one too (the
                # same applicant in two departments)
                domains = [[('id', 'in', forbidden)]]
                if method != 'search_count':
                    domains.append([('rec_name', 'in', sorted(telltales))])
                for domain in domains:
                    walk.check(login, pair,
                        search_args(method, domain, field_names),
                        role_secrets, ids=forbidden)
                continue
            if method.startswith(VALUES) or method == 'on_change_notify':
                extra = [field_names] if method in {
                    'on_change', 'on_change_with'} else []
                if method == 'on_scan_code':
                    extra = ['x']
                for values in [{'id': i} for i in forbidden] + (
                        [relations] if relations else []):
                    walk.check(login, pair, [values] + extra,
                        role_secrets | telltales
                        | telltales_of_values(walk, fields, values),
                        ids=[values['id']] if 'id' in values else ())
                continue
            if not forbidden:
                continue
            if method in {'read', 'export_data'}:
                args = [forbidden, field_names]
            elif method == 'export_data_domain':
                args = [[('id', 'in', forbidden)], field_names, 0, None,
                    None]
            elif method == 'write':
                args = [forbidden, {}]
            elif method == 'copy':
                args = [forbidden, {}]
            elif method == 'history_revisions':
                args = [forbidden]
            else:
                # Buttons and the other methods called on records
                args = [forbidden]
            if method == 'delete':
                existing = walk.admin.model(name, 'search',
                    [('id', 'in', forbidden)], 0, None, None)
            refused, result = walk.call(login, pair, args)
            if refused:
                continue
            acted = method in {'write'} or method in buttons
            if method == 'copy':
                # A singleton copies to itself
                acted = bool(set(result or []) - set(forbidden))
                if acted:
                    admin_delete(walk, name, sorted(
                            set(result) - set(forbidden)))
            elif method == 'delete':
                # A singleton is never deleted
                acted = len(walk.admin.model(name, 'search',
                        [('id', 'in', forbidden)], 0, None, None)) < len(
                    existing)
            if acted:
                # The call acted on records the role may not see
                walk.leaks.append('%s: %s.%s accepted on %s' % (
                        login, name, method, forbidden))
            walk.judge(login, pair, result, role_secrets | telltales,
                ids=forbidden)


def dict_oracles(walk, login, pair, fields, secrets):
    "Search each key of the dictionary fields for two secrets"
    tried = sorted(s for s in secrets if s.isalnum())[:2]
    for field, definition in sorted(fields.items()):
        if definition['type'] != 'dict' or not tried:
            continue
        keys = sorted({k['name'] for k in walk.admin.model(
                    definition['schema_model'], 'search_read', [], 0, None,
                    None, ['name'])})
        assert keys, (pair, field)
        for key in keys:
            for secret in tried:
                refused, result = walk.call(login, pair,
                    [[('%s.%s' % (field, key), '=', secret)], 0, None, None])
                if result:
                    walk.leaks.append('%s: %s.search finds by %s.%s = %s' % (
                            login, pair[1], field, key, secret))


def telltales_of_values(walk, fields, values):
    "The telltales of the records the values point to"
    texts = set()
    for field, value in values.items():
        definition = fields.get(field, {})
        if definition.get('type') in {'many2one', 'one2one'}:
            texts |= walk.telltales(definition['relation'], [value])
        elif definition.get('type') == 'reference':
            model, id_ = value.split(',')
            texts |= walk.telltales(model, [int(id_)])
    return texts


def admin_delete(walk, model, ids):
    try:
        walk.admin.model(model, 'delete', ids)
    except RPCError:
        pass


def search_args(method, domain, field_names):
    if method == 'search':
        return [domain, 0, None, None]
    elif method == 'search_count':
        return [domain]
    return [domain, 0, None, None, field_names]


def walk_wizard(walk, name, model, secrets):
    for login in ROLES:
        targets = walk.forbidden(login, model) if model else []
        telltales = walk.telltales(model, targets) if model else set()
        session = walk.session(login)
        context = dict(session.context)
        if model:
            context.update(active_model=model,
                active_id=targets[0] if targets else None,
                active_ids=targets)
        refused, created = walk.call(login, ('wizard', name, 'create'), [],
            context=context)
        if refused or not created:
            # The wizard refuses the role or the records: nothing else
            # to try
            walk.pairs['wizard', name, 'execute'] += 0
            continue
        session_id, start, _ = created
        walk.check(login, ('wizard', name, 'execute'),
            [session_id, {}, start], secrets[login] | telltales,
            context=context)
        walk.call(login, ('wizard', name, 'delete'), [session_id],
            context=context)


def walk_report(walk, name, model, secrets):
    for login in ROLES:
        targets = walk.forbidden(login, model) if model else []
        if model and not targets:
            continue
        telltales = walk.telltales(model, targets) if model else set()
        walk.check(login, ('report', name, 'execute'),
            [targets, {'model': model, 'id': targets[0] if targets else None,
                    'ids': targets}],
            secrets[login] | telltales, ids=targets, text=_report_text)
