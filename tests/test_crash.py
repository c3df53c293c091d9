# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Crash safety: the server or PostgreSQL dies while the window registers
and accepts cases

Clerks take in cases over JSON-RPC (register, receive the materials, check
the originals, accept) against a real trytond server on a PostgreSQL
cluster of the test's own, started with initdb and pg_ctl (the machine's
cluster is never touched).  The server is killed (kill -9) in the middle,
then started again; later PostgreSQL is restarted under load and the same
server process must reconnect by itself.  Every case the clerks saw
committed must be there with its materials and log, no case may be
half-created, and no case number may be given twice."""
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
from collections import Counter
from pathlib import Path

import pytest

from .conftest import clean_environ, free_port, report_figures
from .rpc import RPCError, Session

URI = os.environ.get('TRYTOND_DATABASE_URI', '')
PASSWORD = 'wengyuan-demo'
THREADS = 3
# Accepted intakes between two events of the test
INTAKES = 5

pytestmark = pytest.mark.skipif(
    not URI.startswith('postgresql://'),
    reason="crash safety is tested on PostgreSQL "
    "(TRYTOND_DATABASE_URI=postgresql://...)")


def postgresql_bin():
    "Return the folder of the PostgreSQL server programs, or None"
    initdb = shutil.which('initdb')
    if initdb:
        return Path(initdb).parent

    def version(path):
        return [int(p) if p.isdigit() else 0
            for p in re.split(r'[.]', Path(path).parent.parent.name)]
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb'), key=version)
    if found:
        return Path(found[-1]).parent


class Cluster:
    """A PostgreSQL cluster of the test, on a free port with trust
    authentication; run as the postgres system user when the test runs as
    root (initdb refuses root)"""

    def __init__(self, bindir):
        self.bindir = bindir
        self.port = free_port()
        self.prefix = []
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam('postgres')
            except KeyError:
                pytest.skip("running as root without a postgres user to run "
                    "a PostgreSQL cluster")
            self.prefix = ['runuser', '-u', 'postgres', '--']
        # The pytest folders of root are closed to the postgres user
        self.path = Path(tempfile.mkdtemp(prefix='onewindow-pg-'))
        if owner:
            os.chown(self.path, owner.pw_uid, owner.pw_gid)
        self.data = self.path / 'data'
        self.log = self.path / 'postgresql.log'
        self.uri = 'postgresql://postgres@127.0.0.1:%s/' % self.port

    def run(self, *args, timeout=120):
        process = subprocess.run(
            self.prefix + [str(a) for a in args], cwd=self.path,
            env=clean_environ(), timeout=timeout, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        if process.returncode:
            raise AssertionError('%s failed:\n%s' % (
                    ' '.join(str(a) for a in args), process.stdout))
        return process.stdout

    def init(self):
        self.run(self.bindir / 'initdb', '-D', self.data, '-U', 'postgres',
            '--auth=trust', '-E', 'UTF8', '--locale=C', timeout=300)
        return self

    def pg_ctl(self, action, *args):
        return self.run(self.bindir / 'pg_ctl', action, '-D', self.data,
            '-l', self.log, '-w', '-t', '120',
            '-o', '-p %s -c listen_addresses=127.0.0.1 '
            '-c unix_socket_directories=%s' % (self.port, self.path),
            *args, timeout=300)

    def start(self):
        self.pg_ctl('start')

    def restart(self):
        "Restart PostgreSQL, ending every connection at once"
        self.pg_ctl('restart', '-m', 'fast')

    def remove(self):
        try:
            if (self.data / 'postmaster.pid').exists():
                self.pg_ctl('stop', '-m', 'immediate')
        finally:
            shutil.rmtree(self.path, ignore_errors=True)


@pytest.fixture(scope='module')
def cluster():
    bindir = postgresql_bin()
    if not bindir:
        pytest.skip("no PostgreSQL server programs (initdb) installed")
    cluster = Cluster(bindir).init()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture(scope='module')
def server(cluster, pg_demo_dump, tmp_path_factory):
    "A trytond server on a copy of the demo in the test's cluster"
    from .server import Server
    name = 'onewindow_crash'
    pg_demo_dump.restore(cluster.uri, name)
    server = Server(tmp_path_factory.mktemp('crash'), cluster.uri, name,
        '[session]\nmax_attempt = 1000\n')
    try:
        yield server.start()
    finally:
        server.stop()


class Ledger:
    "What the clerks saw committed"

    def __init__(self):
        self.lock = threading.Lock()
        self.created = {}
        self.materials = {}
        self.accepted = {}
        self.failed = Counter()
        # Incremented at each crash: the numbers of a later phase must be
        # greater than those of an earlier one
        self.phase = 0

    def note(self, kind, case, value=True):
        with self.lock:
            getattr(self, kind)[case] = value

    def fail(self, error):
        with self.lock:
            self.failed[type(error).__name__] += 1

    @property
    def count(self):
        with self.lock:
            return len(self.accepted)


def template(session):
    "Return the values of a new case copied from a recent accepted one"
    case, = session.model('onewindow.case', 'search_read',
        [('matter.handling', '=', 'promised'),
            ('department.code', '=', 'MZ'),
            ('window.code', '=', 'ZH'),
            ('state', 'not in', ['draft', 'supplement', 'refused',
                    'withdrawn'])],
        0, 1, [('id', 'DESC')],
        FIELDS)
    return {k: case[k] for k in FIELDS}


# What the clerk enters at registration
FIELDS = ['matter', 'window', 'hall', 'applicant', 'applicant_kind', 'agent',
    'phone', 'channel', 'form_data']


def intake(session, values, ledger):
    "Register a case, receive its materials, check them and accept it"
    case, = session.model('onewindow.case', 'create', [values])
    ledger.note('created', case)
    materials = session.model('onewindow.case.material', 'search_read',
        [('case', '=', case)], 0, None, None,
        ['requirement', 'paper_expected', 'electronic_expected',
            'original_check'])
    ledger.note('created', case, len(materials))
    args, received, check = [], {}, []
    for material in materials:
        if material['requirement'] != 'required':
            continue
        value = {'paper_received': material['paper_expected'] or 0,
            'electronic_received': material['electronic_expected'] or 0}
        args.extend(([material['id']], value))
        received[material['id']] = value
        if material['original_check'] and any(value.values()):
            check.append(material['id'])
    if args:
        session.model('onewindow.case.material', 'write', *args)
        ledger.note('materials', case, received)
    if check:
        session.model('onewindow.case.material', 'check_original', check)
    phase = ledger.phase
    session.model('onewindow.case', 'accept', [case])
    ledger.note('accepted', case, phase)


class Clerk(threading.Thread):

    def __init__(self, session, values, ledger):
        super().__init__(daemon=True)
        self.session = session
        self.values = values
        self.ledger = ledger
        self.stop = threading.Event()
        self.error = None

    def run(self):
        while not self.stop.is_set():
            try:
                intake(self.session, self.values, self.ledger)
            except RPCError as error:
                if error.status == 200 and error.kind in {
                        'UserError', 'UserWarning'}:
                    # Refused by the rules: the intake itself is wrong
                    self.error = error
                    return
                self.ledger.fail(error)
                self.stop.wait(0.2)
            except (OSError, urllib.error.URLError, ValueError) as error:
                # The server or the database is down: try again
                self.ledger.fail(error)
                self.stop.wait(0.2)


def wait_for(condition, what, clerks, timeout=600):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        errors = [c.error for c in clerks if c.error]
        if errors:
            raise AssertionError("intake refused: %s" % errors[0].error)
        time.sleep(0.1)
    raise AssertionError("%s: not reached in %s s" % (what, timeout))


def run_clerks(server, ledger, values, event):
    """Let the clerks take in cases until INTAKES are accepted, call
    event, then stop the clerks once INTAKES more are accepted or the
    server is gone"""
    sessions = [Session(server.url, server.database).login('clerk', PASSWORD)
        for _ in range(THREADS)]
    start = ledger.count
    clerks = [Clerk(s, values, ledger) for s in sessions]
    for clerk in clerks:
        clerk.start()
    try:
        wait_for(lambda: ledger.count >= start + INTAKES, "intakes",
            clerks)
        ledger.phase += 1
        after = event()
        if after:
            at_event = ledger.count
            wait_for(lambda: ledger.count >= at_event + INTAKES,
                "intakes after the event", clerks)
    finally:
        for clerk in clerks:
            clerk.stop.set()
        for clerk in clerks:
            clerk.join(timeout=300)
    assert not any(c.is_alive() for c in clerks), "a clerk hangs"


def check(session, ledger, first_id):
    """Check what the clerks saw committed and that nothing is half done;
    return the numbers of the cases"""
    cases = session.model('onewindow.case', 'search_read',
        [('id', '>=', first_id)], 0, None, [('id', 'ASC')],
        ['state', 'number', 'deadline', 'acceptance_date', 'matter'])
    cases = {c['id']: c for c in cases}
    materials = session.model('onewindow.case.material', 'search_read',
        [('case', '>=', first_id)], 0, None, None,
        ['case', 'paper_received', 'electronic_received'])
    by_case = {}
    for material in materials:
        by_case.setdefault(material['case'], {})[material['id']] = material
    logs = session.model('onewindow.case.log', 'search_read',
        [('case', '>=', first_id)], 0, None, None,
        ['case', 'event', 'state_after'])
    accepts = Counter(l['case'] for l in logs if l['event'] == 'accept')

    problems = []
    for case in ledger.created:
        if case not in cases:
            problems.append('case %s created but lost' % case)
    for case, received in ledger.materials.items():
        for material, value in received.items():
            stored = by_case.get(case, {}).get(material, {})
            if any(stored.get(k) != v for k, v in value.items()):
                problems.append('case %s: material %s received but lost'
                    % (case, material))
    for case in ledger.accepted:
        if cases.get(case, {}).get('state') != 'accepted':
            problems.append('case %s accepted but is %s' % (
                    case, cases.get(case, {}).get('state')))
    # Nothing half done, whether the clerk saw it or not
    sizes = {}
    for case, values in cases.items():
        sizes.setdefault(values['matter'], set()).add(
            len(by_case.get(case, {})))
        if ledger.created.get(case) not in {None, True} and (
                len(by_case.get(case, {})) != ledger.created[case]):
            problems.append('case %s: %s materials, %s registered' % (
                    case, len(by_case.get(case, {})), ledger.created[case]))
        if values['state'] == 'accepted':
            if not (values['number'] and values['deadline']
                    and values['acceptance_date']):
                problems.append('case %s accepted without number or '
                    'deadline' % case)
            if accepts[case] != 1:
                problems.append('case %s accepted with %s accept logs' % (
                        case, accepts[case]))
        elif values['number'] or accepts[case]:
            problems.append('case %s is %s with a number or an accept log'
                % (case, values['state']))
    for matter, counts in sizes.items():
        if len(counts) != 1 or 0 in counts:
            problems.append('matter %s: cases with %s materials' % (
                    matter, sorted(counts)))
    numbers = Counter(c['number'] for c in cases.values() if c['number'])
    problems.extend('number %s given %s times' % (n, c)
        for n, c in numbers.items() if c > 1)
    # An accepted case of a later phase (after a crash) has a greater
    # number: none is given again
    phases = {}
    for case, phase in ledger.accepted.items():
        if cases.get(case, {}).get('number'):
            phases.setdefault(phase, []).append(cases[case]['number'])
    for phase in sorted(phases)[1:]:
        earlier = max(n for p in phases if p < phase for n in phases[p])
        if min(phases[phase]) <= earlier:
            problems.append('number %s given after %s' % (
                    min(phases[phase]), earlier))
    assert problems == []
    return len(phases)


def publish_years(session):
    "Publish this year and next (weekends only when not filled)"
    today = session.model('ir.date', 'today')
    year = int(today['year'] if isinstance(today, dict) else today[:4])
    calendar, = session.model('onewindow.calendar', 'search', [], 0, None,
        None)
    for value in [year, year + 1]:
        years = session.model('onewindow.calendar.year', 'search_read',
            [('calendar', '=', calendar), ('year', '=', value)], 0, None,
            None, ['state'])
        if not years:
            years = [{'id': i, 'state': 'draft'} for i in session.model(
                    'onewindow.calendar.year', 'create',
                    [{'calendar': calendar, 'year': value}])]
        drafts = [y['id'] for y in years if y['state'] == 'draft']
        if drafts:
            session.model('onewindow.calendar.year', 'publish', drafts)


def test_server_killed(server):
    "kill -9 of the server during intakes loses nothing committed"
    admin = Session(server.url, server.database).login(
        'admin', 'wengyuan-admin')
    publish_years(admin)
    values = template(admin)
    first_id = admin.model('onewindow.case', 'search', [], 0, 1,
        [('id', 'DESC')])[0] + 1
    ledger = Ledger()
    run_clerks(server, ledger, values, server.kill)
    assert server.process.poll() is not None
    server.start()
    admin = Session(server.url, server.database).login(
        'admin', 'wengyuan-admin')
    check(admin, ledger, first_id)
    assert len(ledger.accepted) >= INTAKES

    # The clerks go on after the restart, with new numbers
    run_clerks(server, ledger, values, lambda: None)
    assert check(admin, ledger, first_id) >= 2
    report_figures('crash: trytond killed (kill -9) during %d parallel '
        'intakes and restarted: %d cases registered, %d accepted, 0 lost, 0 '
        'half-created, no number given twice' % (THREADS,
            len(ledger.created), len(ledger.accepted)))


def test_postgresql_restarted(server, cluster):
    """PostgreSQL restarts during intakes: the server reconnects by itself
    and loses nothing committed"""
    admin = Session(server.url, server.database).login(
        'admin', 'wengyuan-admin')
    publish_years(admin)
    values = template(admin)
    first_id = admin.model('onewindow.case', 'search', [], 0, 1,
        [('id', 'DESC')])[0] + 1
    pid = server.process.pid
    ledger = Ledger()

    def restart():
        cluster.restart()
        return True
    run_clerks(server, ledger, values, restart)
    # The same server process took in cases after the restart
    assert server.process.poll() is None and server.process.pid == pid
    assert check(admin, ledger, first_id) == 2
    report_figures('crash: PostgreSQL restarted during %d parallel intakes: '
        'the server reconnected by itself, %d cases registered, %d accepted, '
        '%d calls failed during the restart, 0 lost, 0 half-created, '
        'no number given twice' % (THREADS, len(ledger.created),
            len(ledger.accepted), sum(ledger.failed.values())))
