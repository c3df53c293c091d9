# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access scoping attacked over JSON-RPC

A real trytond server on PostgreSQL with the demo; the demo users log in as
the web client does and try what their role must not do.  Every attempt must
be refused (or, for a search, must not return another department's
records); the test prints how many were tried and how many leaked."""
import json
import re

import pytest

from .conftest import report_figures
from .rpc import PASSWORD, RPCError, Session, Sessions


class Attack(Sessions):
    "Count the attempts and what leaked"

    def __init__(self, server):
        self.server = server
        self.tried = 0
        self.leaks = []
        self.sessions = {}

    def refused(self, login, what, model, method, *args):
        "The call must raise"
        self.tried += 1
        try:
            result = self.session(login).model(model, method, *args)
        except RPCError:
            return
        self.leaks.append('%s: %s (answered %r)' % (login, what, result))

    def hidden(self, login, what, model, method, args, forbidden):
        "The call may answer but without any of the forbidden ids"
        self.tried += 1
        try:
            result = self.session(login).model(model, method, *args)
        except RPCError:
            return
        found = set()
        for item in result or []:
            if isinstance(item, dict):
                found.add(item.get('id'))
            else:
                found.add(item)
        if found & set(forbidden):
            self.leaks.append('%s: %s (found %s)' % (
                    login, what, sorted(found & set(forbidden))))

    def zero(self, login, what, model, args):
        "A count that must be 0"
        self.tried += 1
        try:
            count = self.session(login).model(model, 'search_count', *args)
        except RPCError:
            return
        if count:
            self.leaks.append('%s: %s (counted %s)' % (login, what, count))


@pytest.fixture(scope='module')
def attack(pg_demo_server):
    attack = Attack(pg_demo_server)
    yield attack
    report = 'access attempts over JSON-RPC: %d tried, %d leaked' % (
        attack.tried, len(attack.leaks))
    report_figures(report)


def ids(attack, model, domain):
    return attack.session('admin').model(model, 'search', domain, 0, None, None)


def test_department_records(attack):
    "Department users reach only their own department's hall records"
    mz_terminals = ids(attack, 'onewindow.terminal',
        [('department.code', '!=', 'RS'), ('department', '!=', None)])
    rs_terminals = ids(attack, 'onewindow.terminal',
        [('department.code', '=', 'RS')])
    mz_duties = ids(attack, 'onewindow.duty', [('department.code', '=', 'MZ')])
    rs_duties = ids(attack, 'onewindow.duty', [('department.code', '=', 'RS')])
    departments = dict(
        (d['code'], d['id']) for d in attack.session('admin').model(
            'onewindow.department', 'search_read', [], 0, None, None,
            ['code']))
    assert mz_terminals and rs_terminals and mz_duties and rs_duties
    for login in ['approver', 'liaison']:
        attack.hidden(login, "search terminals", 'onewindow.terminal',
            'search', ([], 0, None, None), mz_terminals)
        attack.hidden(login, "search_read terminals", 'onewindow.terminal',
            'search_read', ([], 0, None, None, ['name']), mz_terminals)
        attack.zero(login, "count another department's terminals",
            'onewindow.terminal', ([('department', '=', departments['MZ'])],))
        attack.refused(login, "read another department's terminal",
            'onewindow.terminal', 'read', mz_terminals[:1], ['name'])
        attack.refused(login, "export another department's terminal",
            'onewindow.terminal', 'export_data', mz_terminals[:1], ['name'])
        attack.hidden(login, "search duty", 'onewindow.duty', 'search',
            ([], 0, None, None), mz_duties)
        attack.hidden(login, "search duty by department",
            'onewindow.duty', 'search',
            ([('department', '=', departments['MZ'])], 0, None, None),
            mz_duties)
        attack.zero(login, "count another department's duty",
            'onewindow.duty', ([('department.code', '=', 'MZ')],))
        attack.refused(login, "read another department's duty",
            'onewindow.duty', 'read', mz_duties[:1], ['date', 'notes'])
        attack.refused(login, "export another department's duty",
            'onewindow.duty', 'export_data', mz_duties[:1], ['date'])
        attack.refused(login, "write another department's duty",
            'onewindow.duty', 'write', mz_duties[:1], {'notes': 'x'})
        attack.refused(login, "delete another department's duty",
            'onewindow.duty', 'delete', mz_duties[:1])
        attack.refused(login, "create a duty for another department",
            'onewindow.duty', 'create', [{
                    'date': '2026-11-26', 'department': departments['MZ'],
                    'employee': 1}])
        attack.refused(login, "move own duty to another department",
            'onewindow.duty', 'write', rs_duties[:1],
            {'department': departments['MZ']})
        attack.refused(login, "take over another department's terminal",
            'onewindow.terminal', 'write', mz_terminals[:1],
            {'department': departments['RS']})
        attack.refused(login, "delete a terminal", 'onewindow.terminal',
            'delete', rs_terminals[:1])
    attack.refused('approver', "write own department's duty",
        'onewindow.duty', 'write', rs_duties[:1], {'notes': 'x'})
    attack.refused('approver', "write own department's terminal",
        'onewindow.terminal', 'write', rs_terminals[:1], {'name': 'x'})
    attack.refused('approver_mz', "read 人社局's terminal",
        'onewindow.terminal', 'read', rs_terminals[:1], ['name'])
    attack.refused('approver_mz', "read 人社局's duty",
        'onewindow.duty', 'read', rs_duties[:1], ['notes'])
    assert attack.leaks == []


def test_own_scope(attack):
    "Nobody widens their own departments or groups"
    departments = ids(attack, 'onewindow.department', [])
    groups = ids(attack, 'res.group', [])
    for login in ['approver', 'liaison', 'clerk', 'supervisor', 'guide']:
        session = attack.session(login)
        attack.refused(login, "write own departments", 'res.user', 'write',
            [session.user_id], {'departments': [('add', departments)]})
        attack.refused(login, "write own groups", 'res.user', 'write',
            [session.user_id], {'groups': [('add', groups)]})
        attack.refused(login, "create a user-department link",
            'res.user-onewindow.department', 'create',
            [{'user': session.user_id, 'department': departments[0]}])
        attack.tried += 1
        try:
            session.call('model.res.user.set_preferences',
                {'departments': [('add', departments)],
                    'groups': [('add', groups)]}, session.context)
        except RPCError:
            pass
        admin = attack.session('admin')
        user, = admin.model('res.user', 'read', [session.user_id],
            ['departments', 'groups'])
        if len(user['departments']) > 1 or set(groups) <= set(user['groups']):
            attack.leaks.append('%s: widened through preferences' % login)
    assert attack.leaks == []


def test_read_only_roles(attack):
    "The supervisor, guide and window clerk do not change the hall"
    admin = attack.session('admin')
    hall, = ids(attack, 'onewindow.hall', [])
    window = ids(attack, 'onewindow.window', [])[0]
    room = ids(attack, 'onewindow.room', [])[0]
    department = ids(attack, 'onewindow.department', [])[0]
    calendar, = ids(attack, 'onewindow.calendar', [])
    year = ids(attack, 'onewindow.calendar.year', [])[0]
    day = ids(attack, 'onewindow.calendar.day', [])[0]
    zone = ids(attack, 'onewindow.zone', [])[0]
    assert admin
    for login in ['supervisor', 'guide', 'clerk', 'approver', 'liaison']:
        for model, record, values in [
                ('onewindow.hall', hall, {'name': 'x'}),
                ('onewindow.window', window, {'status': 'closed'}),
                ('onewindow.room', room, {'number': 'x'}),
                ('onewindow.zone', zone, {'name': 'x'}),
                ('onewindow.department', department,
                    {'residency': 'resident'}),
                ('onewindow.calendar', calendar, {'name': 'x'}),
                ('onewindow.calendar.day', day, {'kind': 'workday'}),
                ]:
            attack.refused(login, "write %s" % model, model, 'write',
                [record], values)
            attack.refused(login, "delete %s" % model, model, 'delete',
                [record])
        attack.refused(login, "add a holiday", 'onewindow.calendar.day',
            'create', [{'year': year, 'date': '2026-12-01',
                    'kind': 'holiday'}])
        attack.refused(login, "create a window", 'onewindow.window',
            'create', [{'hall': hall, 'name': 'x', 'zone': zone}])
        attack.refused(login, "publish a calendar year",
            'onewindow.calendar.year', 'publish', [year])
        attack.refused(login, "read the calendar change log as writable",
            'onewindow.calendar.log', 'write',
            ids(attack, 'onewindow.calendar.log', [])[:1],
            {'description': 'x'})
    assert attack.leaks == []


def test_login_throttling(pg_demo_server):
    "Repeated wrong passwords are slowed down, then refused"
    # A user of its own: the demo users stay throttled for the session
    # timeout, and the other tests log them in
    admin = Session(pg_demo_server.url, pg_demo_server.database).login(
        'admin', 'wengyuan-admin')
    admin.model('res.user', 'create', [{
                'name': "限流测试", 'login': 'throttled', 'password': PASSWORD,
                }])
    session = Session(pg_demo_server.url, pg_demo_server.database)
    statuses = []
    for _ in range(7):
        try:
            session.call('common.db.login', 'throttled',
                {'password': 'wrong'}, 'zh_CN', auth=False)
        except RPCError as error:
            statuses.append(error.status)
    assert statuses[:5] == [401] * 5
    assert statuses[-1] == 429
    # Even the right password is refused while the login is throttled
    with pytest.raises(RPCError) as info:
        session.login('throttled', PASSWORD)
    assert info.value.status == 429


def test_cases_of_other_departments(attack):
    "A department's users see and touch nothing of another's cases"
    admin = attack.session('admin')
    cases = admin.model('onewindow.case', 'search_read',
        [], 0, None, None, ['department.code', 'state', 'handling'])
    rs = [c['id'] for c in cases if c['department.']['code'] == 'RS']
    mz = [c['id'] for c in cases if c['department.']['code'] == 'MZ']
    others = [c['id'] for c in cases if c['department.']['code'] != 'RS']
    assert rs and mz and others
    materials = ids(attack, 'onewindow.case.material',
        [('case', 'in', others)])
    logs = ids(attack, 'onewindow.case.log', [('case', 'in', others)])
    fees = ids(attack, 'onewindow.case.fee', [('case', 'in', others)])
    attachment, = admin.model('ir.attachment', 'create', [{
                'name': 'scan.pdf', 'resource': 'onewindow.case,%s' % mz[0],
                'type': 'data', 'data': None}])
    for login in ['approver', 'liaison']:
        attack.hidden(login, "search cases", 'onewindow.case', 'search',
            ([], 0, None, None), others)
        attack.hidden(login, "search cases by number",
            'onewindow.case', 'search',
            ([('number', 'like', 'WY-%')], 0, None, None), others)
        attack.hidden(login, "search_read cases", 'onewindow.case',
            'search_read', ([], 0, None, None, ['number']), others)
        attack.zero(login, "count another department's cases",
            'onewindow.case', ([('department.code', '=', 'MZ')],))
        attack.refused(login, "read another department's case",
            'onewindow.case', 'read', mz[:1], ['number', 'applicant'])
        attack.refused(login, "export another department's case",
            'onewindow.case', 'export_data', mz[:1], ['number'])
        attack.refused(login, "write another department's case",
            'onewindow.case', 'write', mz[:1], {'phone': '1'})
        attack.refused(login, "delete another department's case",
            'onewindow.case', 'delete', mz[:1])
        attack.hidden(login, "search materials",
            'onewindow.case.material', 'search', ([], 0, None, None),
            materials)
        attack.refused(login, "read another department's materials",
            'onewindow.case.material', 'read', materials[:3], ['name'])
        attack.refused(login, "write another department's material",
            'onewindow.case.material', 'write', materials[:1],
            {'defects': 'x'})
        attack.hidden(login, "search logs", 'onewindow.case.log', 'search',
            ([], 0, None, None), logs)
        attack.refused(login, "read another department's log",
            'onewindow.case.log', 'read', logs[:3], ['comment'])
        if fees:
            attack.refused(login, "read another department's fee",
                'onewindow.case.fee', 'read', fees[:1], ['amount'])
        attack.hidden(login, "search the case's attachments",
            'ir.attachment', 'search',
            ([('resource', '=', 'onewindow.case,%s' % mz[0])],
                0, None, None), [attachment])
        attack.refused(login, "read the case's attachment",
            'ir.attachment', 'read', [attachment], ['name', 'data'])
        for button in ['accept', 'refuse', 'approve', 'deny', 'withdraw',
                'request_supplement', 'resubmit']:
            attack.refused(login, "click %s on another department's case"
                % button, 'onewindow.case', button, mz[:1])
    attack.refused('approver_mz', "read 人社局's case", 'onewindow.case',
        'read', rs[:1], ['number'])
    assert attack.leaks == []


def test_buttons_of_other_roles(attack):
    "A role cannot click what belongs to another role"
    admin = attack.session('admin')
    cases = admin.model('onewindow.case', 'search_read',
        [], 0, None, None, ['department.code', 'state', 'handling'])

    def pick(state, handling=None, department='RS'):
        return [c['id'] for c in cases if c['state'] == state
            and department in {None, c['department.']['code']}
            and (handling is None or c['handling'] == handling)][:1]

    draft = pick('draft') or pick('draft', department='MZ')
    supplement = pick('supplement') or pick('supplement', department='MZ')
    accepted_promised = pick('accepted', 'promised', department=None)
    # The demo has cases in every state: the attacks below need them
    assert draft and supplement and accepted_promised, (
        draft, supplement, accepted_promised)
    for login in ['approver', 'liaison', 'supervisor', 'guide']:
        for case in [draft, supplement]:
            attack.refused(login, "accept at the window",
                'onewindow.case', 'accept', case)
            attack.refused(login, "refuse at the window",
                'onewindow.case', 'refuse', case)
    for login in ['clerk', 'supervisor', 'guide', 'liaison']:
        attack.refused(login, "approve a promised matter",
            'onewindow.case', 'approve', accepted_promised)
        attack.refused(login, "deny a promised matter",
            'onewindow.case', 'deny', accepted_promised)
    some = [c['id'] for c in cases][:3]
    logs = ids(attack, 'onewindow.case.log', [('case', 'in', some)])
    for login in ['supervisor', 'guide']:
        attack.refused(login, "write a case", 'onewindow.case', 'write',
            some[:1], {'phone': '1'})
        attack.refused(login, "create a case", 'onewindow.case', 'create',
            [{}])
        attack.refused(login, "delete a case", 'onewindow.case', 'delete',
            some[:1])
        attack.refused(login, "withdraw a case", 'onewindow.case',
            'withdraw', some[:1])
    for login in ['admin', 'clerk', 'supervisor', 'approver']:
        attack.refused(login, "edit the case log", 'onewindow.case.log',
            'write', logs[:1], {'comment': 'rewritten'})
        attack.refused(login, "delete the case log", 'onewindow.case.log',
            'delete', logs[:1])
    assert attack.leaks == []


def mask(code):
    return code[:4] + '*' * (len(code) - 8) + code[-4:]


def test_resident_ids(attack):
    "Resident ID numbers are shown in full only to the window and the "
    "owner department; the other roles see them masked and cannot find them"
    admin = attack.session('admin')
    logins = {u['login'] for u in admin.model('res.user', 'search_read',
            [], 0, None, None, ['login'])}
    # A joint case with a resident ID and a co-department that has a user
    opinions = admin.model('onewindow.case.opinion', 'search_read',
        [], 0, None, [('id', 'ASC')],
        ['case', 'department.code', 'case.department.code'])
    joint = None
    for opinion in opinions:
        owner = opinion['case.']['department.']['code']
        co = opinion['department.']['code']
        if (owner != co and 'approver_%s' % co.lower() in logins
                and ('approver_%s' % owner.lower() in logins
                    or owner == 'RS')):
            case, = admin.model('onewindow.case', 'read', [opinion['case']],
                ['applicant_kind', 'applicant_identifier',
                    'agent_identifier', 'applicant', 'agent'])
            field = ('applicant' if case['applicant_kind'] == 'natural'
                else 'agent')
            if case[field + '_identifier']:
                joint = case, field, owner, co
                break
    assert joint, "no joint case with a resident ID in the demo"
    case, field, owner, co = joint
    name = field + '_identifier'
    code = case[name]
    assert len(code) == 18 and '*' not in code
    owner_login = 'approver' if owner == 'RS' else 'approver_%s' % (
        owner.lower())
    co_login = 'approver_%s' % co.lower()
    party = case[field]
    identifiers = admin.model('party.identifier', 'search',
        [('party', '=', party), ('type', '=', 'cn_ric')], 0, None, None)
    rs_case = admin.model('onewindow.case', 'search_read', [
            ('department.code', '=', 'RS'),
            ('applicant_kind', '=', 'natural')], 0, 1, None,
        ['applicant_identifier'])[0]

    def leaked(result, secret):
        return secret in json.dumps(result, ensure_ascii=False, default=str)

    def masked(login, what, model, method, args, secret, expected=None):
        "The call is refused or answers without the secret"
        attack.tried += 1
        try:
            result = attack.session(login).model(model, method, *args)
        except RPCError:
            return
        if leaked(result, secret):
            attack.leaks.append('%s: %s (answered %r)' % (
                    login, what, result))
        elif expected is not None and result != expected:
            attack.leaks.append('%s: %s (answered %r, expected %r)' % (
                    login, what, result, expected))

    for login in ['supervisor', co_login]:
        masked(login, "read the case's %s" % name, 'onewindow.case', 'read',
            ([case['id']], [name]), code,
            [{'id': case['id'], name: mask(code)}])
        masked(login, "export the case's %s" % name, 'onewindow.case',
            'export_data', ([case['id']], [name]), code)
        masked(login, "export the party's identifiers", 'onewindow.case',
            'export_data', ([case['id']], [field + '/identifiers/code']),
            code)
        masked(login, "read the identifier's code", 'party.identifier',
            'read', (identifiers, ['code']), code)
        masked(login, "read the identifier's rec_name", 'party.identifier',
            'read', (identifiers, ['rec_name']), code)
        masked(login, "search_read the party's identifiers",
            'party.identifier', 'search_read',
            ([('party', '=', party)], 0, None, None, ['code', 'rec_name']),
            code)
        masked(login, "read the party with its identifiers", 'party.party',
            'read', ([party], ['rec_name', 'identifiers.rec_name',
                    'identifiers.code']), code)
        masked(login, "read the party's identifiers' names", 'party.party',
            'read', ([party], ['rec_name', 'identifiers.rec_name']), code)
        # No search may confirm a guessed number
        for model, domain in [
                ('onewindow.case', [(name, '=', code)]),
                ('onewindow.case', [('rec_name', '=', code)]),
                ('onewindow.case', [('rec_name', 'ilike', '%' + code)]),
                ('onewindow.case', [(field + '.rec_name', '=', code)]),
                ('onewindow.case', [(field + '.identifiers.code', '=', code)]),
                ('party.party', [('rec_name', '=', code)]),
                ('party.party', [('rec_name', 'ilike', code[:-1] + '%')]),
                ('party.party', [('identifiers.code', '=', code)]),
                ('party.party', [('identifiers.rec_name', '=', code)]),
                ('party.identifier', [('rec_name', '=', code)]),
                ('party.identifier', [('code', '=', code)]),
                ]:
            attack.zero(login, "count %s %s" % (model, domain), model,
                (domain,))
            attack.hidden(login, "search %s %s" % (model, domain), model,
                'search', (domain, 0, None, None), [case['id'], party]
                + identifiers)
    masked('liaison', "read a case's applicant ID", 'onewindow.case', 'read',
        ([rs_case['id']], ['applicant_identifier']),
        rs_case['applicant_identifier'],
        [{'id': rs_case['id'],
                'applicant_identifier': mask(
                    rs_case['applicant_identifier'])}])
    # The full number for the window and the owner department
    for login in ['clerk', owner_login]:
        shown, = attack.session(login).model('onewindow.case', 'read',
            [case['id']], [name])
        assert shown[name] == code, login
        found = attack.session(login).model('onewindow.case', 'search',
            [(name, '=', code)], 0, None, None)
        assert case['id'] in found, login
    code_read, = attack.session('clerk').model('party.identifier', 'read',
        identifiers[:1], ['code'])
    assert code_read['code'] == code
    # Never in the case log nor in the notifications
    codes = {i['code'] for i in admin.model('party.identifier',
            'search_read', [('type', '=', 'cn_ric')], 0, None, None,
            ['code'])}
    for model, text in [
            ('onewindow.case.log', 'comment'),
            ('onewindow.case.notification', 'message'),
            ]:
        attack.tried += 1
        found = set()
        for record in admin.model(model, 'search_read',
                [], 0, None, None, [text]):
            found.update(
                set(re.findall(r'\d{17}[\dX]', record[text] or '')) & codes)
        if found:
            attack.leaks.append('%s holds resident IDs: %s' % (
                    model, sorted(found)[:3]))
    assert attack.leaks == []
