# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Many users clicking buttons on the same cases at once, on PostgreSQL

Workers log in as the demo users and click random buttons of the case
workflow over JSON-RPC, as the web client does, on a shared set of cases of
a copy of the demo.  Afterwards the database must tell one consistent
story: every case is in the state its log leads to, through allowed
transitions, each logged once (the case log and trytond's model log agree);
case numbers are unique and only skip numbers the sequence lost to rolled
back transactions; the counts of cases per state moved exactly as the
committed transitions say."""
import os
import random
import re
import threading
from collections import Counter, defaultdict

import pytest

from .conftest import drop_database, report_figures
from .rpc import RPCError, Session

URI = os.environ.get('TRYTOND_DATABASE_URI', '')
PASSWORD = 'wengyuan-demo'
WORKERS = 8
CLICKS = 100
SEED = 20261125

pytestmark = pytest.mark.skipif(
    not URI.startswith('postgresql://'),
    reason="the stress run needs PostgreSQL "
    "(TRYTOND_DATABASE_URI=postgresql://...)")

# The users of the run, and the department whose cases they decide
LOGINS = ['clerk', 'leader', 'approver_mz', 'head_mz', 'approver_jy',
    'head_jy', 'approver_wj', 'approver_xf']
APPROVERS = {'MZ': ['approver_mz', 'head_mz'], 'JY': ['approver_jy',
        'head_jy']}
CO_DEPARTMENTS = {'JY': ['approver_wj', 'approver_xf']}


def connect(uri, database):
    import psycopg2
    from urllib.parse import urlparse
    parsed = urlparse(uri)
    return psycopg2.connect(host=parsed.hostname or None,
        port=parsed.port or 5432, user=parsed.username or None,
        password=parsed.password or None, dbname=database)


@pytest.fixture(scope='module')
def stress(pg_demo_dump, tmp_path_factory):
    "A copy of the demo with a set of new cases, and its server"
    from trytond import backend
    from trytond.pool import Pool

    from .race import Cases, Database, publish_years
    from .server import Server
    name = 'onewindow_stress_%s' % os.getpid()
    pg_demo_dump.restore(URI, name)
    server = None
    try:
        db = Database(name)
        db.dispatch('admin', publish_years)
        cases = Cases(db)
        shared = {}
        for handling, department, count in [
                ('promised', 'MZ', 16), ('joint', 'JY', 8)]:
            for case in cases.draft(handling, department, count):
                shared[case] = department
            for case in cases.accepted(handling, department, count // 2):
                shared[case] = department
        transitions = db.read(
            lambda pool: pool.get('onewindow.case')._transitions)
        Pool.stop(name)
        backend.Database(name).close()
        server = Server(tmp_path_factory.mktemp('stress'), URI, name,
            '[session]\nmax_attempt = 1000\n').start()
        yield server, shared, transitions
    finally:
        if server:
            server.stop()
        drop_database(URI, name)


class Worker(threading.Thread):
    "Clicks random buttons of the shared cases"

    def __init__(self, index, sessions, shared, clicks):
        super().__init__(daemon=True)
        self.rng = random.Random(SEED + index)
        self.sessions = sessions
        self.shared = shared
        self.clicks = clicks
        self.done = Counter()
        self.problems = []

    def call(self, login, model, method, *args):
        return self.sessions[login].model(model, method, *args)

    def run(self):
        cases = sorted(self.shared)
        for _ in range(self.clicks):
            case = self.rng.choice(cases)
            action = self.rng.choice(ACTIONS)
            try:
                action(self, case, self.shared[case])
            except RPCError as error:
                kind = error.kind
                message = str(error.error)
                if error.status == 200 and kind in {
                        'UserError', 'UserWarning', 'ConcurrencyException'}:
                    self.done['refused'] += 1
                elif 'could not obtain lock' in message:
                    # Model.lock does not wait: the user is asked to try
                    # again, nothing was committed
                    self.done['lock busy'] += 1
                else:
                    self.done['errors'] += 1
                    self.problems.append('%s: %s' % (
                            action.__name__, message[:300]))
            else:
                self.done['answered'] += 1


def _button(worker, login, case, button, values=None):
    if values:
        worker.call(login, 'onewindow.case', 'write', [case], values)
    worker.call(login, 'onewindow.case', button, [case])


def accept(worker, case, department):
    _button(worker, worker.rng.choice(['clerk', 'leader']), case, 'accept')


def hand_over(worker, case, department):
    _button(worker, 'clerk', case, 'hand_over')


def withdraw(worker, case, department):
    _button(worker, worker.rng.choice(['clerk', 'leader']), case,
        'withdraw', {'withdrawal_reason': "申请人书面撤回申请。"})


def refuse(worker, case, department):
    _button(worker, 'clerk', case, 'refuse',
        {'refusal_reason': 'not_eligible'})


def supplement(worker, case, department):
    _button(worker, 'clerk', case, 'request_supplement')


def resubmit(worker, case, department):
    _button(worker, 'clerk', case, 'resubmit')


def archive(worker, case, department):
    _button(worker, 'leader', case, 'archive')


def complete_step(worker, case, department):
    login = worker.rng.choice(APPROVERS[department])
    steps = worker.call(login, 'onewindow.case.step', 'search',
        [('case', '=', case), ('state', '=', 'running')], 0, None, None)
    worker.call(login, 'onewindow.case.step', 'complete', steps)


def approve(worker, case, department):
    _button(worker, worker.rng.choice(APPROVERS[department]), case,
        'approve', {'decision_number': "翁许〔2026〕%s号" % case})


def deny(worker, case, department):
    _button(worker, worker.rng.choice(APPROVERS[department]), case,
        'deny', {'decision_number': "翁不许〔2026〕%s号" % case,
            'decision_comment': "不符合条件。"})


def give_opinion(worker, case, department):
    login = worker.rng.choice(
        CO_DEPARTMENTS.get(department) or APPROVERS[department])
    opinions = worker.call(login, 'onewindow.case.opinion', 'search',
        [('case', '=', case), ('own', '=', True),
            ('state', '=', 'pending')], 0, None, None)
    if opinions:
        worker.call(login, 'onewindow.case.opinion', 'write', opinions,
            {'opinion': 'agree', 'comment': "同意。"})
    worker.call(login, 'onewindow.case.opinion', 'give_opinion', opinions)


ACTIONS = [accept] * 3 + [hand_over] * 3 + [complete_step] * 3 + [
    approve] * 2 + [give_opinion] * 2 + [deny, withdraw, refuse, supplement,
    resubmit, archive]


def snapshot(connection):
    cursor = connection.cursor()
    cursor.execute('SELECT state, COUNT(*) FROM onewindow_case '
        'GROUP BY state')
    counts = dict(cursor.fetchall())
    cursor.execute('SELECT COALESCE(MAX(id), 0) FROM onewindow_case_log')
    last_log, = cursor.fetchone()
    cursor.execute('SELECT COALESCE(MAX(id), 0) FROM ir_model_log')
    last_model_log, = cursor.fetchone()
    return counts, last_log, last_model_log


def check(connection, shared, transitions, before):
    "Return the invariant violations found in the database"
    violations = []
    cursor = connection.cursor()
    cursor.execute('SELECT id, state, number FROM onewindow_case')
    cases = {i: (s, n) for i, s, n in cursor.fetchall()}
    cursor.execute('SELECT "case", event, state_before, state_after, id '
        'FROM onewindow_case_log ORDER BY id')
    logs = defaultdict(list)
    for case, event, state_before, state_after, id_ in cursor.fetchall():
        logs[case].append((event, state_before, state_after, id_))
    cursor.execute("SELECT resource, target, id FROM ir_model_log "
        "WHERE event = 'transition' AND resource LIKE 'onewindow.case,%%' "
        "ORDER BY id")
    model_logs = defaultdict(list)
    for resource, target, id_ in cursor.fetchall():
        model_logs[int(resource.split(',')[1])].append((target, id_))

    # Every case of the run is where its log leads, through transitions
    for case in shared:
        state = 'draft'
        moves = []
        for event, state_before, state_after, _ in logs[case]:
            if state_before != state:
                violations.append('case %s: %s logged from %s, the case '
                    'was %s' % (case, event, state_before, state))
            if state_before != state_after:
                if (state_before, state_after) not in transitions:
                    violations.append('case %s: %s -> %s is no transition'
                        % (case, state_before, state_after))
                moves.append('state:%s' % state_after)
            state = state_after
        if state != cases[case][0]:
            violations.append('case %s: the log ends in %s, the case is %s'
                % (case, state, cases[case][0]))
        if moves != [t for t, _ in model_logs[case]]:
            violations.append('case %s: case log %s, model log %s' % (
                    case, moves, [t for t, _ in model_logs[case]]))
        accepts = [l for l in logs[case] if l[0] == 'accept']
        if len(accepts) > 1:
            violations.append('case %s: accepted %s times' % (
                    case, len(accepts)))
        if accepts and not cases[case][1]:
            violations.append('case %s: accepted without number' % case)

    # Numbers: unique, and skipping only what the sequence lost
    numbers = Counter(n for _, n in cases.values() if n)
    violations.extend('number %s given %s times' % (n, c)
        for n, c in numbers.items() if c > 1)
    new = sorted(int(re.sub(r'\D', '', n)) for c, (_, n) in cases.items()
        if n and c in shared and any(
            l[0] == 'accept' and l[3] > before[1] for l in logs[c]))

    # The counts per state moved by the committed transitions
    counts_before = before[0]
    cursor.execute('SELECT state, COUNT(*) FROM onewindow_case '
        'GROUP BY state')
    counts_after = dict(cursor.fetchall())
    moved, logged = Counter(), 0
    for case_logs in logs.values():
        for _, state_before, state_after, id_ in case_logs:
            if id_ > before[1] and state_before != state_after:
                moved[state_after] += 1
                moved[state_before] -= 1
                logged += 1
    model_moved = Counter(t.split(':')[1] for case_logs in model_logs.values()
        for t, id_ in case_logs if id_ > before[2])
    for state in set(counts_before) | set(counts_after) | set(moved):
        if (counts_after.get(state, 0) - counts_before.get(state, 0)
                != moved[state]):
            violations.append('%s: %s cases before, %s after, the log '
                'moves %s' % (state, counts_before.get(state, 0),
                    counts_after.get(state, 0), moved[state]))
    if logged != sum(model_moved.values()):
        violations.append('%s transitions in the case log, %s made' % (
                logged, sum(model_moved.values())))
    return violations, new, moved, sum(model_moved.values())


def test_stress(stress):
    "Random clicks of many users on the same cases keep them consistent"
    server, shared, transitions = stress
    sessions = {login: Session(server.url, server.database).login(
            login, PASSWORD) for login in LOGINS}
    connection = connect(URI, server.database)
    try:
        before = snapshot(connection)
        connection.rollback()
        workers = [Worker(i, sessions, shared, CLICKS)
            for i in range(WORKERS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=600)
        assert not any(w.is_alive() for w in workers), "a worker hangs"
        violations, new, moved, transitions_made = check(
            connection, shared, transitions, before)
    finally:
        connection.close()
    done = sum((w.done for w in workers), Counter())
    problems = [p for w in workers for p in w.problems]
    gaps = (new[-1] - new[0] + 1 - len(new)) if new else 0
    retried = server.retries()
    report = ('stress over JSON-RPC: %d workers, %d clicks on %d cases '
        '(%d answered, %d refused by the rules, %d lock busy), '
        '%d transitions committed, %d conflicts retried, %d errors, '
        '%d numbers given (%d skipped), %d invariant violations' % (
            WORKERS, sum(done.values()), len(shared), done['answered'],
            done['refused'], done['lock busy'], transitions_made, retried,
            done['errors'], len(new), gaps, len(violations)))
    report_figures(report)
    for line in (violations + problems)[:20]:
        print('  ' + line)
    assert violations == []
    assert problems == []
    assert transitions_made > 0
    # A number is skipped only when the transaction that took it was
    # rolled back (retried or given up)
    assert gaps <= retried + done['lock busy']
