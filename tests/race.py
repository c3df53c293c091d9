# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Run users' calls in their own transactions, in a chosen order

Each actor is a thread that calls the server code as trytond's dispatcher
does: in a transaction of its own as a demo user, started again when the
code asks for a lock (Model.lock) and retried when PostgreSQL refuses it
(serialization failure, lock not available), up to [database] retry
times.  The interleaving is fixed by events: the actors first read the case
(their snapshot is taken), then act one after the other, so a later actor
works on a snapshot older than the commit of an earlier one."""
import threading
import time

from trytond import backend
from trytond.config import config
from trytond.exceptions import UserError, UserWarning
from trytond.pool import Pool
from trytond.transaction import (
    Transaction, TransactionError, check_access)


class Database:
    "A database of the demo loaded in this process"

    def __init__(self, name):
        self.name = name
        self.pool = Pool(name)
        self.pool.init()
        self._users = {}

    def user(self, login):
        "Return the id and context of the user login"
        if login not in self._users:
            with Transaction().start(self.name, 0, readonly=True):
                User = self.pool.get('res.user')
                user, = User.search([('login', '=', login)])
                user_id = user.id
            with Transaction().start(self.name, user_id, readonly=True):
                context = User.get_preferences(context_only=True)
            self._users[login] = (user_id, context)
        return self._users[login]

    def dispatch(self, login, func, attempts=None, timestamp=None):
        """Call func(attempt) as login the way the dispatcher does and
        return its result

        attempts, a list, gets one item per attempt: None when it
        committed, else the exception that ended it.  timestamp is the
        _timestamp the client sends: the write date of the records it
        shows."""
        user_id, context = self.user(login) if login else (0, {})
        retry = config.getint('database', 'retry')
        count = attempt = 0
        extras = {}
        attempts = attempts if attempts is not None else []
        while True:
            if count:
                time.sleep(0.02 * count)
            with Transaction().start(self.name, user_id,
                    context=dict(context), **extras) as transaction:
                transaction.timestamp = dict(timestamp or {})
                try:
                    # As the RPC of the model does, the user's access rights
                    # and record rules apply
                    with check_access():
                        result = func(attempt)
                except TransactionError as exception:
                    attempts.append(exception)
                    transaction.rollback()
                    exception.fix(extras)
                    attempt += 1
                    continue
                except backend.DatabaseOperationalError as exception:
                    attempts.append(exception)
                    if count < retry:
                        transaction.rollback()
                        count += 1
                        attempt += 1
                        continue
                    raise
                transaction.commit()
            attempts.append(None)
            return result

    def read(self, func):
        "Return func() computed by root in a new transaction"
        with Transaction().start(self.name, 0, readonly=True):
            return func(self.pool)


class Actor(threading.Thread):
    """A user who reads the case, waits for his turn, then acts

    read(pool) establishes the transaction's snapshot; act(pool) does the
    click.  On the first attempt the actor waits, between the two, for the
    events of before; it sets its own events read and done."""

    def __init__(self, database, login, read, act, before=()):
        super().__init__(daemon=True)
        self.database = database
        self.login = login
        self._read = read
        self._act = act
        self.before = list(before)
        self.read_done = threading.Event()
        self.done = threading.Event()
        self.first_attempt_over = threading.Event()
        self.backend_pid = None
        self.attempts = []
        self.result = None
        self.error = None

    def _call(self, attempt):
        pool = self.database.pool
        if attempt == 0:
            self.backend_pid = (
                Transaction().connection.get_backend_pid())
            self._read(pool)
            self.read_done.set()
            for event in self.before:
                if not event.wait(timeout=120):
                    raise RuntimeError("actor %s waited too long" % self.login)
        else:
            self.first_attempt_over.set()
        return self._act(pool)

    def run(self):
        try:
            self.result = self.database.dispatch(
                self.login, self._call, self.attempts)
        except Exception as exception:
            self.error = exception
        finally:
            self.read_done.set()
            self.first_attempt_over.set()
            self.done.set()

    @property
    def retried(self):
        "The number of attempts that PostgreSQL refused"
        return sum(isinstance(a, backend.DatabaseOperationalError)
            for a in self.attempts)

    @property
    def refused(self):
        "True if the actor ended with a user error"
        return isinstance(self.error, (UserError, UserWarning))


class Blocked(threading.Event):
    """Set once the actor waits on a lock that another transaction holds,
    or has ended its first attempt (refused, or started again to take its
    locks first)"""

    def __init__(self, database, actor):
        super().__init__()
        self.database = database
        self.actor = actor

    def wait(self, timeout=None):
        end = time.monotonic() + (timeout or 120)
        while time.monotonic() < end:
            if (self.actor.first_attempt_over.is_set()
                    or self.actor.attempts or self._waiting()):
                return True
            time.sleep(0.01)
        return False

    def _waiting(self):
        pid = self.actor.backend_pid
        if pid is None:
            return False
        connection = backend.Database(self.database.name).get_connection(
            autocommit=True)
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity "
                "WHERE pid = %s", (pid,))
            row = cursor.fetchone()
            return bool(row and row[0] == 'Lock')
        finally:
            backend.Database(self.database.name).put_connection(connection)


class Either:
    "Wait for one of the events"

    def __init__(self, *events):
        self.events = events

    def wait(self, timeout=None):
        end = time.monotonic() + (timeout or 120)
        while time.monotonic() < end:
            if any(e.is_set() for e in self.events):
                return True
            time.sleep(0.005)
        return False


def race(database, first, second, mode):
    """Run first (login, read, act) then second on the same snapshot age

    mode 'stale': both read, first acts and commits, then second acts on its
    older snapshot.  mode 'overlap': both read, first acts, second acts
    while first has not committed yet, first commits once second waits on
    its lock or has been refused.  Return the two actors, ended."""
    both_read = threading.Barrier(2)

    def reader(read):
        def wrapped(pool):
            read(pool)
            both_read.wait(timeout=120)
        return wrapped

    a = Actor(database, first[0], reader(first[1]), first[2])
    b = Actor(database, second[0], reader(second[1]), second[2])
    if mode == 'stale':
        b.before.append(a.done)
    elif mode == 'overlap':
        acted = threading.Event()
        act = a._act

        def act_then_wait(pool):
            # Only once the act went through (with its locks taken)
            result = act(pool)
            if not acted.is_set():
                acted.set()
                Blocked(database, b).wait()
            return result
        a._act = act_then_wait
        b.before.append(Either(acted, a.done))
    else:
        raise ValueError(mode)
    a.start()
    b.start()
    a.join(timeout=300)
    b.join(timeout=300)
    assert a.done.is_set() and b.done.is_set(), "an actor hangs"
    return a, b


def publish_years(attempt):
    """Publish the calendar years up to next year (weekends only when the
    demo has not filled them), so that every time limit can be counted"""
    from trytond.pool import Pool
    pool = Pool()
    Calendar = pool.get('onewindow.calendar')
    Year = pool.get('onewindow.calendar.year')
    Date = pool.get('ir.date')
    today = Date.today()
    for calendar in Calendar.search([]):
        for year in range(today.year, today.year + 2):
            years = Year.search([
                    ('calendar', '=', calendar.id), ('year', '=', year)])
            if not years:
                years = Year.create([{'calendar': calendar.id, 'year': year}])
            Year.publish([y for y in years if y.state == 'draft'])


class Cases:
    "Bring new cases of the demo to the state a race starts from"

    def __init__(self, db):
        self.db = db

    def draft(self, handling='promised', department='MZ', count=None):
        """Return the id of a new draft case (or a list of count ids), ready
        to accept at the comprehensive window: the clerk copies a recent
        case of a matter of handling and department, receives its materials
        and checks the originals"""
        def copy(attempt):
            from trytond.pool import Pool
            pool = Pool()
            Case = pool.get('onewindow.case')
            Material = pool.get('onewindow.case.material')
            Date = pool.get('ir.date')
            templates = Case.search([
                    ('matter.handling', '=', handling),
                    ('matter.state', '=', 'published'),
                    ('department.code', '=', department),
                    ('window.code', '=', 'ZH'),
                    ('state', 'not in', ['draft', 'supplement', 'refused',
                            'withdrawn']),
                    ], order=[('id', 'DESC')], limit=1)
            assert templates, "no %s case of %s to copy" % (
                handling, department)
            cases = Case.copy(templates * (count or 1))
            materials = [m for c in cases for m in c.materials]
            for material in materials:
                if material.required or material.received:
                    material.paper_received = material.paper_expected
                    material.electronic_received = (
                        material.electronic_expected)
                    material.defects = None
                    material.deferred = False
            Material.save(materials)
            Material.check_original([m for m in materials
                    if m.original_check and m.received])
            today = Date.today()
            for case in Case.browse(cases):
                problems = case.get_problems(today)
                assert not problems, [p.text for p in problems]
            ids = [c.id for c in cases]
            return ids if count is not None else ids[0]
        return self.db.dispatch('clerk', copy)

    def accepted(self, handling='promised', department='MZ', count=None):
        ids = self.draft(handling, department, count)

        def accept(attempt):
            from trytond.pool import Pool
            Case = Pool().get('onewindow.case')
            Case.accept(Case.browse(ids if count is not None else [ids]))
        self.db.dispatch('clerk', accept)
        return ids

    def review(self, handling='promised', department='MZ'):
        "Return a case handed over to its department"
        case_id = self.accepted(handling, department)
        self.db.dispatch('clerk', click('hand_over', case_id))
        return case_id

    def decidable(self, handling='promised', department='MZ'):
        """Return a case under review whose review steps are done, with a
        decision number and comment"""
        case_id = self.review(handling, department)

        def prepare(attempt):
            from trytond.pool import Pool
            pool = Pool()
            Case = pool.get('onewindow.case')
            Step = pool.get('onewindow.case.step')
            case = Case(case_id)
            while True:
                running = [s for s in Case(case_id).steps
                    if s.state == 'running' and s.kind == 'review']
                if not running:
                    break
                Step.complete(running)
            case = Case(case_id)
            case.decision_number = "翁人社许〔2026〕%s号" % case_id
            case.decision_comment = "经审查，符合条件。"
            case.save()
        self.db.dispatch(approver(department), prepare)
        return case_id


def approver(department, head=False):
    "Return the login of an approver (or the head) of the department"
    if department == 'RS' and not head:
        return 'approver'
    return '%s_%s' % ('head' if head else 'approver', department.lower())


def click(button, case_id, values=None):
    "Return a call that writes values on the case then clicks button"
    def call(attempt):
        from trytond.pool import Pool
        Case = Pool().get('onewindow.case')
        case = Case(case_id)
        if values:
            Case.write([case], values)
        return getattr(Case, button)([case])
    return call
