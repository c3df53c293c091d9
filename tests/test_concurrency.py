# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Two users act on the same case at the same time, on PostgreSQL

Each race runs two (or three) demo users in their own transactions, in a
fixed order: they all read the case first, then act one after the other
(stale: the later one acts on a snapshot older than the earlier one's
commit) or while the earlier one has not committed yet (overlap).  In each
race exactly one outcome wins; the other user is refused with a message or
is retried by the dispatcher and then finds the case as the winner left
it; the case's state, log and deadline agree: the log is a chain of
allowed transitions from draft ending in the state, each logged once (as
trytond's model log records them), and the deadline is the one the
calendar gives now."""
import os

import pytest

from .conftest import drop_database, report_figures
from .race import Cases, approver, click, publish_years

URI = os.environ.get('TRYTOND_DATABASE_URI', '')

pytestmark = pytest.mark.skipif(
    not URI.startswith('postgresql://'),
    reason="concurrent transactions are tested on PostgreSQL only "
    "(TRYTOND_DATABASE_URI=postgresql://...); SQLite runs one writer at a "
    "time")

MODES = ['stale', 'overlap']


class Tally:
    "The races played and those whose checks passed"
    played = 0
    consistent = 0


@pytest.fixture(scope='module')
def db(pg_demo_dump):
    from trytond import backend
    from trytond.pool import Pool

    from .race import Database
    name = 'onewindow_race_%s' % os.getpid()
    pg_demo_dump.restore(URI, name)
    database = Database(name)
    database.dispatch('admin', publish_years)
    yield database
    report = ('concurrency races on PostgreSQL: %d interleavings played, '
        '%d consistent (one outcome, log = state, deadline = calendar)' % (
            Tally.played, Tally.consistent))
    report_figures(report)
    Pool.stop(name)
    backend.Database(name).close()
    drop_database(URI, name)


@pytest.fixture(autouse=True)
def tally(request):
    "Count the race and whether its checks passed"
    failed = request.session.testsfailed
    Tally.played += 1
    yield
    if request.session.testsfailed == failed:
        Tally.consistent += 1


def snapshot(case_id):
    "Return a read of the case that takes the transaction's snapshot"
    def read(pool):
        Case = pool.get('onewindow.case')
        case = Case(case_id)
        return case.state, len(case.logs)
    return read


def act(button, case_id, values=None):
    call = click(button, case_id, values)
    return lambda pool: call(1)


def history(db, case_id):
    "Return the state, the log and the model log of the case"
    def read(pool):
        Case = pool.get('onewindow.case')
        ModelLog = pool.get('ir.model.log')
        case = Case(case_id)
        logs = [(l.event, l.state_before, l.state_after)
            for l in sorted(case.logs, key=lambda l: l.id)]
        transitions = [l.target for l in ModelLog.search([
                    ('resource', '=', str(case)),
                    ('event', '=', 'transition'),
                    ], order=[('id', 'ASC')])]
        return {
            'state': case.state,
            'number': case.number,
            'logs': logs,
            'transitions': transitions,
            'deadline': case.deadline,
            'expected_deadline': (case.deadline_values()['deadline']
                if case.state in Case._deadline_states else None),
            'decision': case.decision,
            'case': case.rec_name,
            }
    return db.read(read)


def check_history(db, case_id):
    """Check that the log explains the state: a chain of allowed
    transitions from draft, each logged once, as the model log records
    them; return the history"""
    result = history(db, case_id)
    transitions = db.read(
        lambda pool: pool.get('onewindow.case')._transitions)
    state = 'draft'
    moves = []
    for event, before, after in result['logs']:
        assert before == state, "%s: log %s from %s while the case was %s" % (
            result['case'], event, before, state)
        if before != after:
            assert (before, after) in transitions, (
                "%s: %s -> %s is no transition" % (
                    result['case'], before, after))
            moves.append('state:%s' % after)
        state = after
    assert state == result['state'], (
        "%s: the log ends in %s, the case is %s" % (
            result['case'], state, result['state']))
    assert moves == result['transitions'], (
        "%s: the case log %s and the model log %s differ" % (
            result['case'], moves, result['transitions']))
    if result['expected_deadline']:
        assert result['deadline'] == result['expected_deadline'], (
            "%s: deadline %s, the calendar gives %s" % (result['case'],
                result['deadline'], result['expected_deadline']))
    return result


def check_loser(actor):
    """The loser was refused with a message, or went through on the state
    the winner left"""
    from trytond import backend
    assert not isinstance(actor.error, backend.DatabaseOperationalError), (
        "%s gave up: %s" % (actor.login, actor.error))
    assert actor.error is None or actor.refused, (
        "%s: %r" % (actor.login, actor.error))
    if actor.refused:
        assert actor.error.message


def events(result, name):
    return [l for l in result['logs'] if l[0] == name]


@pytest.mark.parametrize('mode', MODES)
def test_two_clerks_accept(db, mode):
    "Two clerks accept the same case: one number, one log, one deadline"
    from .race import race
    case_id = Cases(db).draft()
    a, b = race(db,
        ('clerk', snapshot(case_id), act('accept', case_id)),
        ('leader', snapshot(case_id), act('accept', case_id)),
        mode)
    assert a.error is None, a.error
    check_loser(b)
    assert b.retried or b.refused or b.attempts[-1] is None
    result = check_history(db, case_id)
    assert result['state'] == 'accepted'
    assert len(events(result, 'accept')) == 1
    assert result['number']


@pytest.mark.parametrize('mode', MODES)
def test_two_approvers_decide(db, mode):
    "One approver approves while another denies: one decision stands"
    from .race import race
    case_id = Cases(db).decidable()
    a, b = race(db,
        ('approver_mz', snapshot(case_id), act('approve', case_id)),
        ('head_mz', snapshot(case_id), act('deny', case_id)),
        mode)
    assert a.error is None, a.error
    check_loser(b)
    result = check_history(db, case_id)
    assert result['state'] == 'approved'
    assert result['decision'] == 'approved'
    assert len(events(result, 'approve')) == 1
    assert not events(result, 'deny')


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('first', ['approve', 'withdraw'])
def test_decision_races_withdrawal(db, mode, first):
    "The applicant withdraws while the department approves"
    from .race import race
    case_id = Cases(db).decidable()
    reason = {'withdrawal_reason': "申请人书面撤回申请。"}
    approve = ('approver_mz', snapshot(case_id), act('approve', case_id))
    withdraw = ('clerk', snapshot(case_id),
        act('withdraw', case_id, reason))
    if first == 'approve':
        a, b = race(db, approve, withdraw, mode)
    else:
        a, b = race(db, withdraw, approve, mode)
    assert a.error is None, a.error
    check_loser(b)
    result = check_history(db, case_id)
    if first == 'approve':
        assert result['state'] == 'approved'
        assert not events(result, 'withdraw')
    else:
        assert result['state'] == 'withdrawn'
        assert not events(result, 'approve')
        assert result['decision'] is None


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('first', ['hand_over', 'withdraw'])
def test_hand_over_races_withdrawal(db, mode, first):
    "The clerk hands the case over while another withdraws it"
    from .race import race
    case_id = Cases(db).accepted()
    reason = {'withdrawal_reason': "申请人书面撤回申请。"}
    hand_over = ('clerk', snapshot(case_id), act('hand_over', case_id))
    withdraw = ('leader', snapshot(case_id),
        act('withdraw', case_id, reason))
    if first == 'hand_over':
        a, b = race(db, hand_over, withdraw, mode)
    else:
        a, b = race(db, withdraw, hand_over, mode)
    assert a.error is None, a.error
    check_loser(b)
    result = check_history(db, case_id)

    def slip(pool):
        case = pool.get('onewindow.case')(case_id)
        return case.handover.state if case.handover else None
    if first == 'withdraw':
        # Nothing to hand over any more
        assert result['state'] == 'withdrawn'
        assert not events(result, 'hand_over')
        assert db.read(slip) in {None, 'draft'}
    else:
        # Handed over, then withdrawn during the review (or refused)
        assert len(events(result, 'hand_over')) == 1
        assert db.read(slip) == 'sent'
        assert result['state'] in {'review', 'withdrawn'}


def test_stale_form_refused(db):
    """The clerk withdraws from a form he opened before the department
    approved: the save of the reason is refused as the client's _timestamp
    is older than the case (Tryton's concurrency check)"""
    from trytond.exceptions import ConcurrencyException
    case_id = Cases(db).decidable()

    def opened(attempt):
        from trytond.pool import Pool
        Case = Pool().get('onewindow.case')
        case, = Case.read([case_id], ['_timestamp'])
        return {'onewindow.case,%s' % case_id: case['_timestamp']}
    timestamp = db.dispatch('clerk', opened)
    db.dispatch('approver_mz', click('approve', case_id))
    with pytest.raises(ConcurrencyException):
        db.dispatch('clerk', click('withdraw', case_id,
                {'withdrawal_reason': "申请人书面撤回申请。"}),
            timestamp=timestamp)
    result = check_history(db, case_id)
    assert result['state'] == 'approved'
    assert not events(result, 'withdraw')


def complete_steps(case_id):
    "Return an act of the approver who completes the running step"
    def call(pool):
        Step = pool.get('onewindow.case.step')
        Step.complete(Step.search([
                    ('case', '=', case_id), ('state', '=', 'running')]))
    return call


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('first', ['step', 'withdraw'])
def test_step_races_withdrawal(db, mode, first):
    """The department completes a review step while the applicant
    withdraws: the log tells the steps in the order they were committed"""
    from .race import race
    case_id = Cases(db).review()
    reason = {'withdrawal_reason': "申请人书面撤回申请。"}
    step = ('approver_mz', snapshot(case_id), complete_steps(case_id))
    withdraw = ('clerk', snapshot(case_id),
        act('withdraw', case_id, reason))
    if first == 'step':
        a, b = race(db, step, withdraw, mode)
    else:
        a, b = race(db, withdraw, step, mode)
    assert a.error is None, a.error
    check_loser(b)
    result = check_history(db, case_id)
    assert result['state'] == 'withdrawn'
    if first == 'withdraw':
        # No step is done on a withdrawn case
        assert b.refused, b.error
        assert not events(result, 'step')
    else:
        assert b.error is None, b.error
        assert len(events(result, 'step')) == 1


def opinions_of(db, case_id):
    def read(pool):
        Opinion = pool.get('onewindow.case.opinion')
        return [(o.id, o.department.code) for o in Opinion.search(
                [('case', '=', case_id)], order=[('id', 'ASC')])]
    return db.read(read)


def give(opinion_id, value='agree'):
    def call(pool):
        Opinion = pool.get('onewindow.case.opinion')
        opinion = Opinion(opinion_id)
        Opinion.write([opinion], {'opinion': value, 'comment': "同意。"})
        Opinion.give_opinion([opinion])
    return call


@pytest.mark.parametrize('decision', ['approve', 'deny'])
def test_opinions_race_decision(db, decision):
    """Two co-departments give their opinions while the lead department
    decides, all on the same snapshot where the opinions are pending

    approve: the co-departments commit first, the lead's approval on his
    older snapshot is refused (the opinions were pending).  deny: the lead
    commits first, the opinions given afterwards are refused (the case is
    decided)."""
    import threading

    from .race import Actor
    case_id = Cases(db).decidable(handling='joint', department='JY')
    opinions = opinions_of(db, case_id)
    assert len(opinions) >= 2, opinions
    all_read = threading.Barrier(3)

    def read(pool):
        snapshot(case_id)(pool)
        all_read.wait(timeout=120)
    lead = Actor(db, 'approver_jy', read, act(decision, case_id))
    first = Actor(db, approver(opinions[0][1]), read, give(opinions[0][0]))
    second = Actor(db, approver(opinions[1][1]), read, give(opinions[1][0]))
    if decision == 'approve':
        second.before.append(first.done)
        lead.before.append(second.done)
    else:
        first.before.append(lead.done)
        second.before.append(first.done)
    for actor in [lead, first, second]:
        actor.start()
    for actor in [lead, first, second]:
        actor.join(timeout=300)
    result = check_history(db, case_id)
    for actor in [first, second, lead]:
        check_loser(actor)

    def states(pool):
        Opinion = pool.get('onewindow.case.opinion')
        return [Opinion(i).state for i, _ in opinions]
    if decision == 'approve':
        assert first.error is None and second.error is None
        assert lead.refused, lead.error
        assert result['state'] == 'review'
        assert db.read(states) == ['given', 'given']
        assert len(events(result, 'opinion')) == 2
    else:
        assert lead.error is None, lead.error
        assert result['state'] == 'denied'
        # No opinion is given on a decided case
        assert first.refused and second.refused
        assert db.read(states) == ['pending', 'pending']
        assert not events(result, 'opinion')


def calendar_change(day):
    "Return an act of the administrator who makes day a holiday"
    def call(pool):
        Day = pool.get('onewindow.calendar.day')
        Year = pool.get('onewindow.calendar.year')
        year, = Year.search([('year', '=', day.year),
                ('state', '=', 'published')])
        Day.create([{'year': year.id, 'date': day, 'kind': 'holiday',
                    'name': "临时休息日"}])
    return call


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('first', ['calendar', 'accept'])
def test_calendar_change_races_acceptance(db, mode, first):
    """A holiday is added while a clerk accepts a case whose deadline runs
    over it: the deadline counts the holiday either way"""
    from .race import race
    case_id = Cases(db).draft()

    def next_working_day(attempt):
        from trytond.pool import Pool
        pool = Pool()
        Case = pool.get('onewindow.case')
        Date = pool.get('ir.date')
        Day = pool.get('onewindow.calendar.day')
        case = Case(case_id)
        calendar = case.calendar
        day = calendar.add_working_days(Date.today(), 1)
        # A day not used by an earlier race
        while Day.search([('date', '=', day)]):
            day = calendar.add_working_days(day, 1)
        return day
    # The clerk's today, in the company's time zone
    day = db.dispatch('clerk', next_working_day)
    change = ('admin', snapshot(case_id), calendar_change(day))
    accept = ('clerk', snapshot(case_id), act('accept', case_id))
    if first == 'calendar':
        a, b = race(db, change, accept, mode)
    else:
        a, b = race(db, accept, change, mode)
    assert a.error is None, a.error
    changed = True
    if first == 'accept' and mode == 'overlap' and b.error is not None:
        # The change takes its lock at the start of its transaction without
        # waiting (Model.lock): if the acceptance holds the calendar longer
        # than the retries last, the administrator is asked to try again
        from trytond import backend
        assert isinstance(b.error, backend.DatabaseOperationalError)
        changed = False
    else:
        assert b.error is None, b.error
    result = check_history(db, case_id)
    assert result['state'] == 'accepted'
    assert len(events(result, 'accept')) == 1

    def holiday(pool):
        Calendar = pool.get('onewindow.calendar')
        Case = pool.get('onewindow.case')
        Calendar._years_cache.clear()
        return not Case(case_id).calendar.is_working_day(day)
    assert db.read(holiday) == changed
    assert result['deadline'] > day
