# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The watch lists of the back office over JSON-RPC, as the web client asks
for them

A real trytond server on PostgreSQL with the demo: the cases near or past
their deadline, searched and sorted by their flag (computed in SQL), and the
center's list of the cases accepted but not handed over within one working
day."""
import datetime as dt
from collections import defaultdict

import pytest

from .rpc import Session

PASSWORD = 'wengyuan-demo'
# The order of the flags in the lists, the most urgent first
SEVERITY = {'overdue': 3, 'warning': 2, 'normal': 1, None: 0}


def as_date(value):
    if value is None:
        return None
    return dt.date(value['year'], value['month'], value['day'])


@pytest.fixture(scope='module')
def supervisor(pg_demo_server):
    return Session(pg_demo_server.url, pg_demo_server.database).login(
        'supervisor', PASSWORD)


@pytest.fixture(scope='module')
def clerk(pg_demo_server):
    return Session(pg_demo_server.url, pg_demo_server.database).login(
        'clerk', PASSWORD)


def test_deadline_flag_search(supervisor):
    "Searching a flag finds exactly the cases that show it"
    cases = supervisor.model('onewindow.case', 'search_read',
        [], 0, None, None, ['deadline_flag', 'state', 'deadline'])
    flags = defaultdict(set)
    for case in cases:
        flags[case['deadline_flag']].add(case['id'])
    # Only a running clock has a flag
    assert {c['state'] for c in cases if c['deadline_flag']} <= {
        'accepted', 'review'}
    assert len([f for f in flags if f]) >= 2, dict(flags)
    for flag in ['normal', 'warning', 'overdue', None]:
        found = supervisor.model('onewindow.case', 'search',
            [('deadline_flag', '=', flag)], 0, None, None)
        assert set(found) == flags[flag], flag
    urgent = supervisor.model('onewindow.case', 'search',
        [('deadline_flag', 'in', ['warning', 'overdue'])], 0, None, None)
    assert set(urgent) == flags['warning'] | flags['overdue']


@pytest.mark.parametrize('direction', ['DESC', 'ASC'])
def test_deadline_flag_order(supervisor, direction):
    "The list sorted by the flag puts the overdue cases first (or last), "
    "then the warnings, the normal ones and the cases whose clock is stopped"
    cases = supervisor.model('onewindow.case', 'search_read',
        [], 0, None, [('deadline_flag', direction), ('id', 'ASC')],
        ['deadline_flag'])
    severities = [SEVERITY[c['deadline_flag']] for c in cases]
    assert len(set(severities)) >= 2
    assert severities == sorted(severities, reverse=direction == 'DESC')


def test_not_handed_over_in_time(clerk):
    "The center's list holds the accepted cases that wait more than one "
    "working day for their hand-over, and only them"
    today = as_date(clerk.model('ir.date', 'today'))
    late = clerk.model('onewindow.case', 'search_read',
        [('handover_overdue', '=', True)], 0, None, None,
        ['state', 'acceptance_date', 'handover_overdue'])
    accepted = clerk.model('onewindow.case', 'search_read',
        [('state', '=', 'accepted')], 0, None, None,
        ['acceptance_date', 'handover_overdue'])
    assert late
    assert {c['state'] for c in late} == {'accepted'}
    assert all(c['handover_overdue'] for c in late)
    late_ids = {c['id'] for c in late}
    for case in accepted:
        accepted_on = as_date(case['acceptance_date'])
        # No run of days off (the Spring Festival's included) is longer
        # than nine days
        if accepted_on <= today - dt.timedelta(days=11):
            assert case['id'] in late_ids, case
        elif accepted_on == today:
            assert case['id'] not in late_ids, case
        assert case['handover_overdue'] == (case['id'] in late_ids), case
    not_late = clerk.model('onewindow.case', 'search',
        [('state', '=', 'accepted'), ('handover_overdue', '=', False)],
        0, None, None)
    assert set(not_late) == {c['id'] for c in accepted} - late_ids
