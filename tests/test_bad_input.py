# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A catalogue of bad inputs sent over JSON-RPC

Each input must be refused with a message in the user's language (the demo
users work in Chinese) and must change nothing: the counts of the tables it
could touch are the same afterwards, and so is the record it aimed at."""
import base64
import contextlib
import re
import shutil
import subprocess

import pytest

from trytond.pyson import PYSONDecoder

from .conftest import report_figures
from .rpc import RPCError

CJK = re.compile('[\u4e00-\u9fff]')
COUNTED = [
    'party.party', 'party.identifier', 'onewindow.room',
    'onewindow.calendar.day', 'onewindow.matter', 'onewindow.matter.material',
    'onewindow.delegation', 'onewindow.case', 'onewindow.case.material',
    'onewindow.case.log', 'onewindow.case.fee', 'onewindow.handover',
    'onewindow.case.opinion', 'onewindow.case.suspension', 'ir.attachment',
    ]
# Text that looks like SQL, markup, templates or format strings: it must be
# stored and shown as text
INJECTIONS = [
    "'; DROP TABLE onewindow_case; --",
    '<script>alert("x")</script>',
    '{{ 7*7 }} ${7*7} <%= 7*7 %>',
    '%s %(name)s {0} %n',
    '" OR 1=1 -- \\',
    ]


class Catalogue:

    def __init__(self, attack):
        self.attack = attack
        self.tried = 0
        self.problems = []
        self.clean = 0
        self.changes = 0
        self.texts = 0
        self.altered = []

    def counts(self):
        admin = self.attack.session('admin')
        return {m: admin.model(m, 'search_count', []) for m in COUNTED}

    def refuse(self, login, what, model, method, *args, unchanged=None,
            expect=None):
        """Call and expect a translated error and no change

        unchanged is (model, id, fields) read before and after; expect is
        a text the message must contain (what it must be about)."""
        self.tried += 1
        problems = len(self.problems)
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
            elif expect and not any(e in message for e in (
                        expect if isinstance(expect, tuple) else [expect])):
                self.problems.append(
                    '%s: refused for another reason: %s' % (what, message))
        else:
            self.problems.append('%s: accepted (answered %r)' % (what, result))
        after = self.counts()
        if after != before:
            self.changes += 1
            self.problems.append('%s: changed %s' % (what, {
                        m: (before[m], after[m]) for m in COUNTED
                        if before[m] != after[m]}))
        if unchanged:
            record_after = admin.model(
                unchanged[0], 'read', [unchanged[1]], unchanged[2])
            if record_after != record_before:
                self.changes += 1
                self.problems.append('%s: record changed' % what)
        if len(self.problems) == problems:
            self.clean += 1

    def verbatim(self, login, what, model, record, fields, text):
        """Write text into the fields of the record and read it back:
        it must be stored as it is"""
        session = self.attack.session(login)
        self.texts += len(fields)
        try:
            session.model(model, 'write', [record],
                {f: text for f in fields})
        except RPCError as error:
            self.altered.append('%s: %r refused: %s' % (
                    what, text, error.error))
            return
        values, = session.model(model, 'read', [record], list(fields))
        for field in fields:
            if values[field] != text:
                self.altered.append('%s: %s read back as %r' % (
                        what, field, values[field]))


@pytest.fixture(scope='module')
def catalogue(pg_demo_server):
    from .test_rpc_access import Attack
    catalogue = Catalogue(Attack(pg_demo_server))
    yield catalogue
    report = ('bad inputs over JSON-RPC: %d tried, %d refused cleanly, '
        '%d not refused cleanly, %d changed the database; '
        '%d injection-looking texts stored and read back, %d altered' % (
            catalogue.tried, catalogue.clean,
            catalogue.tried - catalogue.clean, catalogue.changes,
            catalogue.texts, len(catalogue.altered)))
    report_figures(report)


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
        'name': "测试事项", 'department': department, 'matter_type': 'licence',
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


def binary(data):
    "Bytes as JSON-RPC sends them"
    return {'__class__': 'bytes',
        'base64': base64.b64encode(data).decode('ascii')}


def test_files(catalogue):
    "Scanned materials, results and documents of a wrong type or too large"
    start = len(catalogue.problems)
    admin = catalogue.attack.session('admin')
    config, = admin.model('onewindow.case.configuration', 'read', [1],
        ['file_size_limit', 'file_types'])
    draft = first(catalogue, 'onewindow.case', [('state', '=', 'draft')])
    material = first(catalogue, 'onewindow.case.material',
        [('case', '=', draft['id'])])
    approved = first(catalogue, 'onewindow.case',
        [('state', '=', 'approved')])
    ready = first(catalogue, 'onewindow.case', [('state', '=', 'ready')])
    resource = 'onewindow.case.material,%s' % material['id']
    pdf = b'%PDF-1.4\n'
    big = pdf + b'0' * (1024 * 1024 + 1)
    clerk = catalogue.attack.session('clerk')
    scan, = clerk.model('ir.attachment', 'create', [{
                'resource': resource, 'name': 'scan.pdf', 'type': 'data',
                'data': binary(pdf + b'scan')}])
    admin.model('onewindow.case.configuration', 'write', [1], {
            'file_size_limit': 1,
            'file_types': 'pdf jpg jpeg png',
            })
    try:
        for what, name, data in [
                ('an executable', 'scan.exe', b'MZ\x90\x00\x03'),
                ('an executable named PDF', 'scan.pdf', b'MZ\x90\x00\x03'),
                ('a PDF named JPEG', 'scan.jpg', pdf),
                ('a PDF over the size limit', 'scan.pdf', big),
                ('an SVG with a script', 'scan.svg',
                    b'<svg onload="alert(1)"/>'),
                ('a web page', 'scan.html', b'<html></html>'),
                ('a file without a name that is no scan', None, b'hello'),
                ('a TIFF, not in the allowed types', 'scan.tif',
                    b'II*\x00rest'),
                ]:
            catalogue.refuse('clerk', 'material scan: ' + what,
                'ir.attachment', 'create', [{
                        'resource': resource, 'name': name, 'type': 'data',
                        'data': binary(data)}], expect="文件")
        catalogue.refuse('clerk', 'replace a scan by an executable',
            'ir.attachment', 'write', [scan],
            {'name': 'scan.exe', 'data': binary(b'MZ\x90\x00')},
            unchanged=('ir.attachment', scan, ['name', 'data']),
            expect="文件")
        catalogue.refuse('clerk', 'rename a PDF scan to .png',
            'ir.attachment', 'write', [scan], {'name': 'scan.png'},
            unchanged=('ir.attachment', scan, ['name']), expect="文件")
        catalogue.refuse('clerk', 'case attachment over the size limit',
            'ir.attachment', 'create', [{
                    'resource': 'onewindow.case,%s' % draft['id'],
                    'name': 'all.pdf', 'type': 'data', 'data': binary(big)}],
            expect="文件")
        for what, case, values in [
                ('scanned result as Word', approved, {
                        'result_scan': binary(b'PK\x03\x04word'),
                        'result_scan_name': 'scan.docx'}),
                ('scanned result over the size limit', approved, {
                        'result_scan': binary(big),
                        'result_scan_name': 'scan.pdf'}),
                ('signed decision that is not a scan', approved, {
                        'decision_document': binary(b'hello')}),
                ('authorization as a bitmap', ready, {
                        'collection_authorization': binary(b'BMxxxx'),
                        'collection_authorization_name': 'auth.bmp'}),
                ]:
            catalogue.refuse('clerk', 'case file: ' + what,
                'onewindow.case', 'write', [case['id']], values,
                unchanged=('onewindow.case', case['id'], list(values)),
                expect="文件")
        for what, values in [
                ('no size', {'file_size_limit': 0}),
                ('negative size', {'file_size_limit': -5}),
                ]:
            catalogue.refuse('center_admin', 'configuration: ' + what,
                'onewindow.case.configuration', 'write', [1], values,
                unchanged=('onewindow.case.configuration', 1,
                    ['file_size_limit']))
    finally:
        admin.model('onewindow.case.configuration', 'write', [1], {
                'file_size_limit': config['file_size_limit'],
                'file_types': config['file_types'],
                })
    assert catalogue.problems[start:] == []


def open_lines(catalogue):
    """Return a hand-over, a suspension and a step of cases not archived
    (the lines of an archived case are closed)"""
    admin = catalogue.attack.session('admin')
    records = []
    # A special procedure is written while it is a draft, before it starts:
    # the demo's have all started
    if not admin.model('onewindow.case.suspension', 'search', [
                ('state', '=', 'draft')], 0, 1, None):
        case, = admin.model('onewindow.case', 'search',
            [('state', '=', 'review')], 0, 1, [('id', 'DESC')])
        # An in-process supplement of materials
        admin.model('onewindow.case.suspension', 'create', [{
                    'case': case, 'kind': 'supplement',
                    'description': "补充材料", 'expected_days': 5}])
    for model, domain in [
            ('onewindow.handover', [
                    ('cases', 'not where', [('state', '=', 'archived')])]),
            ('onewindow.case.suspension', [
                    ('case.state', '!=', 'archived'),
                    ('state', '=', 'draft')]),
            ('onewindow.case.step', [('case.state', '!=', 'archived'),
                    ('state', '=', 'running')]),
            ]:
        # None when the demo has none open
        records.append((admin.model(model, 'search_read', domain, 0, 1,
                    [('id', 'DESC')], ['id']) or [None])[0])
    return records


@contextlib.contextmanager
def opinions(catalogue):
    """Yield the login of an approver of the co-department of a pending
    opinion, that opinion, the login of an approver of the lead department of
    an opinion to resolve and that opinion

    The demo has approvers only for the departments it works for: the
    approver of 人社局 is lent the co-department of a pending opinion for
    the time of the test."""
    admin = catalogue.attack.session('admin')
    approvers = {}
    for user in admin.model('res.user', 'search_read', [
                ('login', 'like', 'approver%')],
            0, None, [('login', 'ASC')], ['login', 'departments']):
        for department in user['departments']:
            approvers.setdefault(department, user['login'])
    opinion, = admin.model('onewindow.case.opinion', 'search_read', [
            ('resolved_by', '=', None), ('state', '=', 'given'),
            ('case.state', '!=', 'archived'),
            ('case.department', 'in', list(approvers))],
        0, 1, [('id', 'DESC')], ['case.department'])
    # The co-departments of the demo may all have given their opinions
    pending = (admin.model('onewindow.case.opinion', 'search_read', [
                ('state', '=', 'pending')], 0, 1, None, ['department'])
        or [None])[0]
    lent = pending and pending['department'] not in approvers
    user = catalogue.attack.session('approver').user_id
    if lent:
        admin.model('res.user', 'write', [user],
            {'departments': [('add', [pending['department']])]})
    try:
        yield (approvers.get(pending['department'], 'approver')
            if pending else None, pending,
            approvers[opinion['case.']['department']], opinion)
    finally:
        if lent:
            admin.model('res.user', 'write', [user],
                {'departments': [('remove', [pending['department']])]})


def test_overlong_and_unknown(catalogue):
    "Strings longer than their field and selection values that do not exist"
    start = len(catalogue.problems)
    draft = first(catalogue, 'onewindow.case', [('state', '=', 'draft')])
    material = first(catalogue, 'onewindow.case.material',
        [('case', '=', draft['id'])])
    fee = first(catalogue, 'onewindow.case.fee', [
            ('case.state', 'in', ['accepted', 'review'])])
    handover, suspension, step = open_lines(catalogue)
    with opinions(catalogue) as (co, pending, lead, opinion):
        overlong_and_unknown(catalogue, draft, material, fee, handover,
            suspension, step, co, pending, lead, opinion)
    assert catalogue.problems[start:] == []


def overlong_and_unknown(catalogue, draft, material, fee, handover,
        suspension, step, co, pending, lead, opinion):
    for login, model, record, field, size in [
            ('clerk', 'onewindow.case', draft, 'phone', 40),
            ('clerk', 'onewindow.case', draft, 'refusal_note', 2000),
            ('clerk', 'onewindow.case', draft, 'withdrawal_reason', 2000),
            ('clerk', 'onewindow.case', draft, 'decision_comment', 4000),
            ('clerk', 'onewindow.case', draft, 'delivery_address', 500),
            ('clerk', 'onewindow.case', draft, 'carrier', 100),
            ('clerk', 'onewindow.case', draft, 'tracking_number', 64),
            ('clerk', 'onewindow.case', draft, 'result_number', 100),
            ('clerk', 'onewindow.case', draft, 'result_scan_name', 255),
            ('clerk', 'onewindow.case.material', material, 'defects', 2000),
            ('clerk', 'onewindow.case.material', material, 'pledge', 2000),
            ('clerk', 'onewindow.case.fee', fee, 'receipt_number', 64),
            ('center_admin', 'onewindow.handover', handover, 'note', 2000),
            ('center_admin', 'onewindow.case.suspension', suspension,
                'description', 2000),
            ('center_admin', 'onewindow.case.step', step, 'comment', 4000),
            (lead, 'onewindow.case.opinion', opinion, 'resolution', 4000),
            (co, 'onewindow.case.opinion', pending, 'comment', 4000),
            ]:
        if record is None:
            continue
        # A field the form shows read-only may be refused as such
        expect = (("太长", "只读")
            if field in read_only(catalogue, model, record) else "太长")
        catalogue.refuse(login, '%s longer than %s' % (field, size),
            model, 'write', [record['id']], {field: "长" * (size + 1)},
            unchanged=(model, record['id'], [field]), expect=expect)
    for login, model, record, field, value in [
            ('clerk', 'onewindow.case', draft, 'applicant_kind', 'alien'),
            ('clerk', 'onewindow.case', draft, 'delivery_method', 'drone'),
            ('clerk', 'onewindow.case', draft, 'refusal_reason', 'whim'),
            ('clerk', 'onewindow.case.material', material, 'credibility',
                'Z'),
            ('center_admin', 'onewindow.case.suspension', suspension, 'kind',
                'nap'),
            ]:
        if record is None:
            continue
        expect = (("允许", "只读")
            if field in read_only(catalogue, model, record) else "允许")
        catalogue.refuse(login, 'unknown %s %r' % (field, value),
            model, 'write', [record['id']], {field: value},
            unchanged=(model, record['id'], [field]), expect=expect)
    catalogue.refuse(co or lead, 'unknown opinion', 'onewindow.case.opinion',
        'write', [(pending or opinion)['id']], {'opinion': 'maybe'},
        unchanged=('onewindow.case.opinion', (pending or opinion)['id'],
            ['opinion']))
    if handover:
        catalogue.refuse('center_admin', 'unknown hand-over state',
            'onewindow.handover',
            'write', [handover['id']], {'state': 'lost'},
            unchanged=('onewindow.handover', handover['id'], ['state']))


def read_only(catalogue, model, record):
    """Return the names of the fields of model that its form shows
    read-only for the record: the field's readonly attribute or its states
    evaluated on the record's values, as the client does (the server
    refuses to change them)"""
    admin = catalogue.attack.session('admin')
    fields = admin.model(model, 'fields_get', None)
    names = [n for n, f in fields.items()
        if f['type'] not in {'binary'} and not f.get('translate')]
    values, = admin.model(model, 'read', [record['id']], names)
    for name, field in fields.items():
        parent = '_parent_' + name
        if field['type'] == 'many2one' and values.get(name) and any(
                parent in (f.get('states') or '') for f in fields.values()):
            target = admin.model(field['relation'], 'fields_get', None)
            values[parent], = admin.model(field['relation'], 'read',
                [values[name]], [n for n, f in target.items()
                    if f['type'] not in {'binary'}
                    and not f.get('translate')])
    decoder = PYSONDecoder(values)
    result = set()
    for name, field in fields.items():
        states = decoder.decode(field['states']) if field.get(
            'states') else {}
        if field.get('readonly') or states.get('readonly'):
            result.add(name)
    return result


def free_text(catalogue, model, record):
    "Return the free-text fields a user may write on the record of model"
    fields = catalogue.attack.session('admin').model(
        model, 'fields_get', None)
    closed = read_only(catalogue, model, record)
    return sorted(name for name, field in fields.items()
        if field['type'] in {'char', 'text'}
        and name not in closed and not field.get('translate')
        and name not in {'rec_name'}
        and (field.get('size') or 100) >= 40)


def test_injection_in_free_text(catalogue):
    "Text that looks like SQL, markup or a template, in every free-text "
    "field of the case, its materials and fees, hand-overs, opinions, "
    "steps and suspensions, is stored and read back as it is"
    texts = len(catalogue.altered)
    draft = first(catalogue, 'onewindow.case', [('state', '=', 'draft')])
    material = first(catalogue, 'onewindow.case.material',
        [('case', '=', draft['id'])])
    fee = first(catalogue, 'onewindow.case.fee', [
            ('case.state', 'in', ['accepted', 'review'])])
    handover, suspension, step = open_lines(catalogue)
    with opinions(catalogue) as (co, pending, lead, opinion):
        for text in INJECTIONS:
            for login, model, record, exclude in [
                    ('clerk', 'onewindow.case', draft, set()),
                    ('clerk', 'onewindow.case.material', material, set()),
                    ('clerk', 'onewindow.case.fee', fee, set()),
                    ('center_admin', 'onewindow.handover', handover, set()),
                    ('center_admin', 'onewindow.case.suspension', suspension,
                        set()),
                    ('center_admin', 'onewindow.case.step', step, set()),
                    (co, 'onewindow.case.opinion', pending, {'resolution'}),
                    (lead, 'onewindow.case.opinion', opinion, {'comment'}),
                    ]:
                if record is None:
                    continue
                fields = [f for f in free_text(catalogue, model, record)
                    if f not in exclude]
                assert fields, model
                catalogue.verbatim(login, '%s %s' % (model, record['id']),
                    model, record['id'], fields, text)
    # Found as text by a search
    clerk = catalogue.attack.session('clerk')
    assert clerk.model('onewindow.case', 'search',
        [('id', '=', draft['id']), ('phone', '=', INJECTIONS[-1])],
        0, None, None) == [draft['id']]
    assert catalogue.altered[texts:] == []


def correct(session, case, field, value):
    "Correct the field of the accepted case through its wizard"
    context = dict(session.context, active_model='onewindow.case',
        active_id=case, active_ids=[case])
    wizard_id, _, _ = session.call('wizard.onewindow.case.correct.create',
        context)
    session.call('wizard.onewindow.case.correct.execute', wizard_id,
        {'start': {'field': field, 'value': value,
                'reason': "申请人来电更正"}}, 'correct', context)
    session.call('wizard.onewindow.case.correct.delete', wizard_id, context)


@pytest.mark.skipif(not shutil.which('pdftotext'),
    reason="pdftotext (poppler-utils) reads the printed notice")
def test_injection_in_report(catalogue):
    "The acceptance notice prints injection-looking text as text"
    accepted = first(catalogue, 'onewindow.case',
        [('state', '=', 'accepted')])
    clerk = catalogue.attack.session('clerk')
    for text in [INJECTIONS[1], INJECTIONS[2]]:
        # After the acceptance the window corrects the phone with a reason
        correct(clerk, accepted['id'], 'phone', text)
        ext, content, _, _ = clerk.call(
            'report.onewindow.case.acceptance_notice.execute',
            [accepted['id']], {}, clerk.context)
        assert ext == 'pdf'
        pdf = base64.b64decode(content['base64'])
        printed = subprocess.run(['pdftotext', '-', '-'], input=pdf,
            stdout=subprocess.PIPE, check=True).stdout.decode('utf-8')
        assert re.sub(r'\s', '', text) in re.sub(r'\s', '', printed)
