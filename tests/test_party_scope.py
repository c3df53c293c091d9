# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The applicants are scoped, attacked over JSON-RPC

The window staff find any applicant (to avoid registering one twice); a
department user and a liaison find the parties of the cases of their
departments and of the joint cases they give an opinion on; a guide finds
none; the supervisor finds them all, with the resident IDs masked.
Everybody finds the parties of the companies and employees.  Contact
mechanisms, addresses and identifiers follow their party."""
import pytest

from .conftest import report_figures
from .rpc import RPCError, Sessions


class Scope(Sessions):

    def __init__(self, server):
        self.server = server
        self.sessions = {}
        self.checks = 0
        self.problems = []
        self.visible = {}

    def expect(self, login, what, found, expected):
        self.checks += 1
        if found != expected:
            self.problems.append('%s: %s: %d more, %d missing (%s)' % (
                    login, what, len(found - expected),
                    len(expected - found),
                    sorted(found - expected)[:5] or sorted(
                        expected - found)[:5]))


@pytest.fixture(scope='module')
def scope(pg_demo_server):
    scope = Scope(pg_demo_server)
    yield scope
    report_figures('applicants scoped over JSON-RPC: %s; %d checks, '
        '%d problems' % (', '.join('%s sees %d parties' % v
                for v in sorted(scope.visible.items())),
            scope.checks, len(scope.problems)))


def ids(session, model, domain=None):
    return set(session.model(model, 'search', domain or [], 0, None, None))


def test_parties(scope):
    "Each role finds the parties its work needs, and no other"
    admin = scope.session('admin')
    parties = ids(admin, 'party.party')
    staff = {e['party'] for e in admin.model('company.employee',
            'search_read', [], 0, None, None, ['party'])}
    staff |= {c['party'] for c in admin.model('company.company',
            'search_read', [], 0, None, None, ['party'])}
    cases = admin.model('onewindow.case', 'search_read', [], 0, None, None,
        ['department', 'applicant', 'agent', 'collector'])
    opinions = admin.model('onewindow.case.opinion', 'search_read', [],
        0, None, None, ['case', 'department'])
    assert parties - staff, "no applicant in the demo"

    def of_departments(departments):
        case_ids = {c['id'] for c in cases if c['department'] in departments}
        case_ids |= {o['case'] for o in opinions
            if o['department'] in departments}
        found = set()
        for case in cases:
            if case['id'] in case_ids:
                found |= {case[f] for f in ['applicant', 'agent', 'collector']
                    if case[f]}
        return found | staff

    for login in ['clerk', 'leader', 'supervisor', 'center_admin',
            'approver', 'approver_mz', 'liaison', 'guide']:
        session = scope.session(login)
        departments = set(session.context.get('departments') or [])
        if login in {'clerk', 'leader', 'supervisor', 'center_admin'}:
            expected = parties
        elif login == 'guide':
            expected = staff & parties
        else:
            expected = of_departments(departments)
        found = ids(session, 'party.party')
        scope.visible[login] = len(found)
        scope.expect(login, 'parties found', found, expected)
        scope.checks += 1
        count = session.model('party.party', 'search_count', [])
        if count != len(expected):
            scope.problems.append('%s: counts %d parties, not %d' % (
                    login, count, len(expected)))
        hidden = sorted(parties - expected)
        for model, field in [
                ('party.contact_mechanism', 'party'),
                ('party.address', 'party'),
                ('party.identifier', 'party'),
                ]:
            lines = admin.model(model, 'search_read', [], 0, None, None,
                [field])
            seen = ids(session, model)
            scope.expect(login, '%s found' % model, seen,
                {r['id'] for r in lines if r[field] in expected})
            others = [r['id'] for r in lines if r[field] in set(hidden)]
            if others:
                scope.checks += 1
                try:
                    session.model(model, 'read', others[:3], ['rec_name'])
                except RPCError:
                    pass
                else:
                    scope.problems.append('%s: reads the %s of a party '
                        'it may not see' % (login, model))
        if hidden:
            scope.checks += 1
            try:
                result = session.model('party.party', 'read', hidden[:3],
                    ['name'])
            except RPCError:
                pass
            else:
                scope.problems.append('%s: reads hidden parties %r' % (
                        login, result))
    assert scope.problems == []


def test_department_name_search(scope):
    "A department user's search of a part of a name finds the parties of "
    "his departments that the window's search finds, in the same order"
    admin = scope.session('admin')
    applicants = admin.model('onewindow.case', 'search_read', [], 0, 200,
        [('id', 'DESC')], ['applicant.name'])
    names = sorted({c['applicant.']['name'] for c in applicants
            if c.get('applicant.')})
    assert names
    patterns = sorted({'%' + n[-2:] + '%' for n in names}
        | {'%' + n + '%' for n in names[:10]})
    for login in ['approver', 'approver_mz', 'liaison']:
        session = scope.session(login)
        visible = ids(session, 'party.party')
        for pattern in patterns:
            domain = [('rec_name', 'ilike', pattern)]
            expected = [i for i in admin.model('party.party', 'search',
                    domain, 0, None, None) if i in visible]
            scope.checks += 2
            found = session.model('party.party', 'search', domain, 0, None,
                None)
            if found != expected:
                scope.problems.append('%s: %s finds %d parties, not %d' % (
                        login, pattern, len(found), len(expected)))
            page = session.model('party.party', 'search', domain, 1, 5,
                None)
            if page != expected[1:6]:
                scope.problems.append('%s: %s, a page of %r, not %r' % (
                        login, pattern, page, expected[1:6]))
    assert scope.problems == []


def test_supervisor_masked(scope):
    "The supervisor sees the applicants' names, the resident IDs masked"
    admin = scope.session('admin')
    identifiers = admin.model('party.identifier', 'search_read',
        [('type', '=', 'cn_ric')], 0, 20, None, ['code', 'party'])
    assert identifiers
    session = scope.session('supervisor')
    for identifier in identifiers:
        scope.checks += 1
        party, = session.model('party.party', 'read',
            [identifier['party']], ['name', 'identifiers.rec_name'])
        shown = ' '.join(i['rec_name'] for i in party['identifiers.'])
        if identifier['code'] in shown or not party['name']:
            scope.problems.append('supervisor: %r' % party)
    assert scope.problems == []


def test_window_registers(scope):
    "The window finds an applicant by name to avoid a duplicate, and "
    "registers a new one"
    admin = scope.session('admin')
    case, = admin.model('onewindow.case', 'search_read',
        [('department.code', '=', 'MZ')], 0, 1, None,
        ['applicant', 'applicant.name'])
    name = case['applicant.']['name']
    clerk = scope.session('clerk')
    scope.checks += 1
    if case['applicant'] not in clerk.model('party.party', 'search',
            [('rec_name', 'ilike', '%' + name + '%')], 0, None, None):
        scope.problems.append('clerk does not find %s' % name)
    party, = clerk.model('party.party', 'create', [{'name': "新申请人"}])
    scope.checks += 1
    if party not in ids(clerk, 'party.party'):
        scope.problems.append('clerk does not find the party he created')
    approver = scope.session('approver')
    scope.checks += 1
    if party in ids(approver, 'party.party'):
        scope.problems.append('approver finds a party without a case')
    admin.model('party.party', 'delete', [party])
    assert scope.problems == []


def test_form_data_masked(scope):
    "The resident IDs of the application forms are masked as the "
    "applicant's are: in what the supervisor reads, exports and searches"
    admin = scope.session('admin')
    codes = {i['code'] for i in admin.model('party.identifier',
            'search_read', [('type', '=', 'cn_ric')], 0, None, None,
            ['code'])}
    filled = {}
    for model in ['onewindow.case', 'onewindow.application']:
        for record in admin.model(model, 'search_read', [], 0, None, None,
                ['form_data']):
            for key, value in (record['form_data'] or {}).items():
                if value in codes:
                    filled.setdefault(model, []).append(
                        (record['id'], key, value))
    # The demo's forms prefill the applicant's ID number
    assert set(filled) == {'onewindow.case', 'onewindow.application'}
    session = scope.session('supervisor')
    for model, values in filled.items():
        for id_, key, code in values[:10]:
            scope.checks += 3
            record, = session.model(model, 'read', [id_], ['form_data'])
            shown = record['form_data'][key]
            if shown == code or shown[-4:] != code[-4:]:
                scope.problems.append('supervisor reads %s %s of %s %s' % (
                        key, shown, model, id_))
            exported = session.model(model, 'export_data', [id_],
                ['number', 'form_data'])
            if code in repr(exported):
                scope.problems.append('supervisor exports %s of %s %s' % (
                        key, model, id_))
            found = session.model(model, 'search',
                [('form_data.%s' % key, '=', code)], 0, None, None)
            if found:
                scope.problems.append(
                    'supervisor tests %s of %s %s by a search' % (
                        key, model, id_))
    # The approver of the case's department reads it in full
    approver = scope.session('approver')
    mine = admin.model('onewindow.case', 'search', [
            ('id', 'in', [i for i, _, _ in filled['onewindow.case']]),
            ('department.code', '=', 'RS')], 0, 1, None)
    assert mine, "no RS case with a prefilled ID number in the demo"
    id_, key, code = next(v for v in filled['onewindow.case']
        if v[0] == mine[0])
    scope.checks += 1
    record, = approver.model('onewindow.case', 'read', [id_], ['form_data'])
    if record['form_data'][key] != code:
        scope.problems.append('approver reads %s masked on his case' % key)
    assert scope.problems == []
