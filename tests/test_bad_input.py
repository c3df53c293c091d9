# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A catalogue of bad inputs sent over JSON-RPC

Each input must be refused with a message in the user's language (the demo
users work in Chinese) and must change nothing: the counts of the tables it
could touch are the same afterwards, and so is the record it aimed at."""
import re

import pytest

from .conftest import TOP
from .rpc import RPCError

ARTIFACTS = TOP / 'tests' / 'artifacts'
CJK = re.compile('[\u4e00-\u9fff]')
COUNTED = [
    'party.party', 'party.identifier', 'onewindow.room',
    'onewindow.calendar.day', 'onewindow.matter', 'onewindow.matter.material',
    'onewindow.delegation', 'onewindow.case', 'onewindow.case.material',
    'onewindow.case.log', 'onewindow.case.fee',
    ]


class Catalogue:

    def __init__(self, attack):
        self.attack = attack
        self.tried = 0
        self.problems = []

    def counts(self):
        admin = self.attack.session('admin')
        return {m: admin.model(m, 'search_count', []) for m in COUNTED}

    def refuse(self, login, what, model, method, *args, unchanged=None):
        """Call and expect a translated error and no change

        unchanged is (model, id, fields) read before and after."""
        self.tried += 1
        admin = self.attack.session('admin')
        before = self.counts()
        if unchanged:
            record_before = admin.model(
                unchanged[0], 'read', [unchanged[1]], unchanged[2])
        try:
            result = self.attack.session(login).model(model, method, *args)
        except RPCError as error:
            message = str(error.error)
            if error.status != 200:
                self.problems.append('%s: HTTP %s' % (what, error.status))
            elif not CJK.search(message):
                self.problems.append(
                    '%s: message not translated: %s' % (what, message))
        else:
            self.problems.append('%s: accepted (answered %r)' % (what, result))
        after = self.counts()
        if after != before:
            self.problems.append('%s: changed %s' % (what, {
                        m: (before[m], after[m]) for m in COUNTED
                        if before[m] != after[m]}))
        if unchanged:
            record_after = admin.model(
                unchanged[0], 'read', [unchanged[1]], unchanged[2])
            if record_after != record_before:
                self.problems.append('%s: record changed' % what)


@pytest.fixture(scope='module')
def catalogue(pg_demo_server):
    from .test_rpc_access import Attack
    catalogue = Catalogue(Attack(pg_demo_server))
    yield catalogue
    report = 'bad inputs over JSON-RPC: %d tried, %d not refused cleanly' % (
        catalogue.tried, len(catalogue.problems))
    print('\n' + report)
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / 'figures.txt').open('a') as fp:
        fp.write(report + '\n')


def first(catalogue, model, domain, fields=('id',)):
    records = catalogue.attack.session('admin').model(
        model, 'search_read', domain, 0, 1, None, list(fields))
    assert records, (model, domain)
    return records[0]


def test_identifiers(catalogue):
    "Resident IDs and credit codes are checked by python-stdnum"
    start = len(catalogue.problems)
    for code in [
            '110105194912310021',  # wrong check character
            '11010519491231002',  # too short
            '11010519491231002XX',  # too long
            '110105194913310023',  # no 13th month
            '110105194902300025',  # no 30 February
            'ABCDEFGHIJKLMNOPQR',  # letters
            '000000000000000000',
            "1101'; DROP TABLE--",
            ]:
        catalogue.refuse('clerk', 'resident ID %r' % code,
            'party.party', 'create', [{
                    'name': "申请人",
                    'identifiers': [('create', [{
                                    'type': 'cn_ric', 'code': code}])],
                    }])
    for code in [
            '91110000600037341X',  # wrong check character
            '9111000060003734',  # too short
            '91110000600037341LL',  # too long
            '9I110000600037341L',  # letter I is not used
            'ZZZZZZZZZZZZZZZZZZ',
            ]:
        catalogue.refuse('clerk', 'credit code %r' % code,
            'party.party', 'create', [{
                    'name': "企业",
                    'identifiers': [('create', [{
                                    'type': 'cn_vat', 'code': code}])],
                    }])
    assert catalogue.problems[start:] == []


def test_hall_and_calendar(catalogue):
    "Duplicate rooms, misplaced calendar days, unknown selections"
    start = len(catalogue.problems)
    room = first(catalogue, 'onewindow.room', [('number', '=', '12')],
        ['hall', 'floor'])
    catalogue.refuse('center_admin', 'duplicate room number',
        'onewindow.room', 'create', [{
                'hall': room['hall'], 'number': '12', 'floor': 2}])
    catalogue.refuse('center_admin', 'room without a hall',
        'onewindow.room', 'create', [{'number': '99', 'floor': 2}])
    year = first(catalogue, 'onewindow.calendar.year', [('year', '=', 2026)],
        ['id'])
    catalogue.refuse('center_admin', 'calendar day in another year',
        'onewindow.calendar.day', 'create', [{
                'year': year['id'], 'date': '2025-05-06',
                'kind': 'holiday'}])
    catalogue.refuse('center_admin', 'calendar day twice',
        'onewindow.calendar.day', 'create', [{
                'year': year['id'], 'date': '2026-10-01',
                'kind': 'holiday'}])
    catalogue.refuse('center_admin', 'unknown kind of day',
        'onewindow.calendar.day', 'create', [{
                'year': year['id'], 'date': '2026-06-09',
                'kind': 'festival'}])
    window = first(catalogue, 'onewindow.window', [('code', '=', 'ZH')],
        ['status'])
    catalogue.refuse('center_admin', 'unknown window status',
        'onewindow.window', 'write', [window['id']], {'status': 'ajar'},
        unchanged=('onewindow.window', window['id'], ['status']))
    department = first(catalogue, 'onewindow.department',
        [('code', '=', 'RS')], ['batch'])
    catalogue.refuse('center_admin', 'negative entry batch',
        'onewindow.department', 'write', [department['id']], {'batch': -1},
        unchanged=('onewindow.department', department['id'], ['batch']))
    catalogue.refuse('center_admin', 'duplicate department code',
        'onewindow.department', 'create', [{'name': "重复", 'code': 'RS'}])
    assert catalogue.problems[start:] == []


def test_matters(catalogue):
    "Time limits, fees, codes and delegations that make no sense"
    start = len(catalogue.problems)
    department = first(catalogue, 'onewindow.department',
        [('code', '=', 'RS')])['id']
    base = {
        'name': "测试事项", 'department': department, 'category': 'licence',
        'handling': 'promised', 'applicant_kind': 'natural',
        'acceptance': 'comprehensive', 'statutory_limit': 20,
        'promised_limit': 10,
        }
    for what, values in [
            ('negative promised limit', {'promised_limit': -5}),
            ('promised over statutory', {'promised_limit': 30}),
            ('negative statutory limit', {'statutory_limit': -1}),
            ('absurd statutory limit below promised',
                {'statutory_limit': 1, 'promised_limit': 2}),
            ('same-day matter with a limit',
                {'handling': 'same_day', 'promised_limit': 5}),
            ('fee without a fee basis', {'fee_amount': '50.00'}),
            ('negative fee', {'fee_amount': '-10', 'fee_basis': "粤价"}),
            ('lower-case code', {'code': 'xk-abc'}),
            ('code with spaces', {'code': 'XK 001'}),
            ('unknown handling', {'handling': 'sometimes'}),
            ('unknown applicant kind', {'applicant_kind': 'robots'}),
            ('escalated without a higher authority',
                {'handling': 'escalated'}),
            ('steps longer than the promised limit', {'steps': [('create', [
                                {'name': "审核", 'limit': 8},
                                {'name': "批准", 'limit': 8}])]}),
            ]:
        values = dict(base, code=values.pop('code', 'XK99999001'), **values)
        catalogue.refuse('center_admin', 'matter: ' + what,
            'onewindow.matter', 'create', [values])
    published = first(catalogue, 'onewindow.matter',
        [('state', '=', 'published')], ['name'])
    catalogue.refuse('center_admin', 'edit a published version in place',
        'onewindow.matter', 'write', [published['id']], {'name': "改名"},
        unchanged=('onewindow.matter', published['id'], ['name']))
    catalogue.refuse('center_admin', 'delete a published version',
        'onewindow.matter', 'delete', [published['id']])
    catalogue.refuse('center_admin', 'delegation ending before it starts',
        'onewindow.delegation', 'create', [{
                'department': department, 'number': "翁人社〔2026〕1号",
                'valid_from': '2026-06-01', 'valid_to': '2026-01-01'}])
    catalogue.refuse('center_admin', 'catalogue CSV with broken rows',
        'onewindow.matter', 'import_catalog',
        'type,code,version,name\nmatter,XK99999002,1,\nmaterial,,x,y\n')
    catalogue.refuse('center_admin', 'catalogue CSV that is not CSV',
        'onewindow.matter', 'import_catalog', '\x00\x01binary')
    assert catalogue.problems[start:] == []


def test_cases(catalogue):
    "Cases that cannot be accepted, fees that cannot be charged, buttons "
    "called from the wrong state"
    start = len(catalogue.problems)
    admin = catalogue.attack.session('admin')
    draft = first(catalogue, 'onewindow.case', [('state', '=', 'draft')],
        ['state', 'number'])
    accepted = first(catalogue, 'onewindow.case',
        [('state', '=', 'accepted'), ('matter.handling', '=', 'promised')],
        ['state', 'deadline'])
    refused = first(catalogue, 'onewindow.case', [('state', '=', 'refused')],
        ['state'])
    fee_less = first(catalogue, 'onewindow.case', [
            ('state', '=', 'accepted'), ('matter.has_fee', '=', False)])
    # A draft missing its materials cannot be accepted
    materials = admin.model('onewindow.case.material', 'search',
        [('case', '=', draft['id'])], 0, None, None)
    admin.model('onewindow.case.material', 'write', materials,
        {'paper_received': 0, 'electronic_received': 0})
    catalogue.refuse('clerk', 'accept without the materials',
        'onewindow.case', 'accept', [draft['id']],
        unchanged=('onewindow.case', draft['id'], ['state', 'number']))
    catalogue.refuse('clerk', 'write the state directly', 'onewindow.case',
        'write', [draft['id']], {'state': 'approved'},
        unchanged=('onewindow.case', draft['id'], ['state']))
    catalogue.refuse('clerk', 'write the number directly', 'onewindow.case',
        'write', [accepted['id']], {'number': 'WY-0000000000'},
        unchanged=('onewindow.case', accepted['id'], ['number']))
    catalogue.refuse('clerk', 'fee on a matter without fee basis',
        'onewindow.case.fee', 'create', [{
                'case': fee_less['id'], 'amount': '100.00'}])
    catalogue.refuse('clerk', 'unknown channel', 'onewindow.case', 'write',
        [draft['id']], {'channel': 'pigeon'},
        unchanged=('onewindow.case', draft['id'], ['state']))
    catalogue.refuse('clerk', 'change the matter version of an accepted case',
        'onewindow.case', 'write', [accepted['id']],
        {'matter': first(catalogue, 'onewindow.matter', [
                    ('state', '=', 'published')])['id']},
        unchanged=('onewindow.case', accepted['id'], ['state']))
    catalogue.refuse('clerk', 'change the deadline by hand',
        'onewindow.case', 'write', [accepted['id']],
        {'deadline': '2030-01-01'},
        unchanged=('onewindow.case', accepted['id'], ['deadline']))
    logs = admin.model('onewindow.case.log', 'search',
        [('case', '=', accepted['id'])], 0, 1, None)
    catalogue.refuse('clerk', 'rewrite the case log', 'onewindow.case.log',
        'write', logs, {'comment': "没有发生"})
    catalogue.refuse('clerk', 'delete the case log', 'onewindow.case.log',
        'delete', logs)
    assert catalogue.problems[start:] == []


def test_transition_from_wrong_state(catalogue):
    "A button called over RPC on a case in the wrong state is refused "
    "with a message"
    start = len(catalogue.problems)
    accepted = first(catalogue, 'onewindow.case',
        [('state', '=', 'accepted'), ('matter.handling', '=', 'promised')],
        ['state'])
    refused = first(catalogue, 'onewindow.case', [('state', '=', 'refused')],
        ['state'])
    for what, case, button in [
            ('accept a refused case', refused, 'accept'),
            ('resubmit an accepted case', accepted, 'resubmit'),
            ('refuse an accepted case', accepted, 'refuse'),
            ('request a supplement of an accepted case', accepted,
                'request_supplement'),
            ('approve a refused case', refused, 'approve'),
            ]:
        catalogue.refuse('leader', what, 'onewindow.case', button,
            [case['id']],
            unchanged=('onewindow.case', case['id'], ['state']))
    assert catalogue.problems[start:] == []


def test_injection_stored_as_text(catalogue):
    "Text that looks like SQL or markup is stored and shown as text"
    clerk = catalogue.attack.session('clerk')
    texts = [
        "'); DROP TABLE onewindow_case; --",
        '<script>alert("x")</script>',
        '${__import__("os").system("id")}',
        '%(name)s {0} \\x00 ../../etc/passwd',
        ]
    for text in texts:
        party, = clerk.model('party.party', 'create', [{'name': text}])
        name, = clerk.model('party.party', 'read', [party], ['name'])
        assert name['name'] == text
        found = clerk.model('party.party', 'search',
            [('name', '=', text)], 0, None, None)
        assert found == [party]
    admin = catalogue.attack.session('admin')
    assert admin.model('onewindow.case', 'search_count', []) > 0
