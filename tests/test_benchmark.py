# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The benchmark script works

scripts/benchmark.py runs here in its quick mode (20,000 cases, few runs,
short concurrency levels) only to prove that it builds its database, runs
every measurement, prints its figures and the table of the targets, and
drops its database.  Timings are never asserted: they are the business of
the full run (docs/performance.md).  PostgreSQL only: the benchmark does
not run on SQLite; it runs on the PostgreSQL of TRYTOND_DATABASE_URI, or of
ONEWINDOW_PG_URI in a pass on another database (scripts/test.sh runs it
in the pass that ends first)."""
import os
import re
import subprocess
import sys

import pytest

from .conftest import TOP, clean_environ

BENCHMARK = TOP / 'scripts' / 'benchmark.py'
URI = os.environ.get('TRYTOND_DATABASE_URI', '')
if not URI.startswith('postgresql://'):
    URI = os.environ.get('ONEWINDOW_PG_URI', '')

pytestmark = pytest.mark.skipif(not URI.startswith('postgresql://'),
    reason="the benchmark runs on PostgreSQL only")

# Every figure the benchmark prints, with its baselines
MEASUREMENTS = [
    'bare_create', 'sql_insert', 'floor_list', 'floor_search',
    'dept_list_open', 'sql_list_open', 'dept_list_late', 'sql_list_late',
    'dept_list_all', 'sql_list_all', 'clerk_list_all', 'sql_clerk_list_all',
    'search_number', 'sql_search_number',
    'search_applicant_id', 'sql_search_applicant_id', 'search_text',
    'search_text_name', 'search_text_id',
    'open_form', 'sql_open_form',
    'intake', 'sql_intake', 'bare_create_paired',
    'report_odt', 'report_pdf',
    'handover_50', 'card_sweep_first', 'card_sweep', 'card_sweep_daily',
    'statistics_year_department', 'statistics_year_period',
    'statistics_year',
    'portal_bare', 'portal_lookup', 'portal_matter', 'portal_submit',
    'portal_bare_submit', 'rating_submit',
    'satisfaction_year_department', 'satisfaction_year_matter',
    'satisfaction_year_period', 'satisfaction_year',
    ]
TARGETS = [
    'department case list p95 (work tab)',
    'department case list p95 (deadline tab)',
    'department case list p95 (tab All)',
    'case-number search p95',
    'intake + acceptance p95 (server-side)',
    'card sweep over the open cases, hourly',
    'card sweep, first of a day',
    'a year of statistics by department',
    'a year of statistics by month',
    'intake / bare create (p50)',
    'progress lookup p95 (server-side)',
    'a matter page p95 (server-side)',
    'submission with 5 uploads of 1 MB p95',
    'a rating submitted p95',
    'a year of satisfaction statistics, all lists',
    'lookup throughput / bare route (2 processes)',
    ]


def test_benchmark_quick():
    "The quick benchmark prints every figure and the targets"
    name = 'bench_%s_%s' % (
        os.environ.get('DB_NAME', 'onewindow').strip(':'), os.getpid())
    process = subprocess.run(
        [sys.executable, str(BENCHMARK), '--uri', URI,
            '--database', name, '--quick'],
        cwd=TOP, env=clean_environ(), timeout=1200,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout
    assert process.returncode == 0, output[-5000:]

    assert re.search(r'^\[load\] loading took \d+ s', output, re.M), output
    cases = re.search(r'^\[load\] onewindow_case\s+(\d+) rows', output, re.M)
    assert cases and int(cases.group(1)) >= 20000, output[-5000:]
    for key in MEASUREMENTS:
        line = re.search(r'^\[measure\] %s .*$' % re.escape(key), output,
            re.M)
        assert line, 'no line for %s:\n%s' % (key, output[-5000:])
        assert re.search(r'p50 +[\d.]+ m?s +p95 +[\d.]+ m?s +max +[\d.]+ m?s',
            line.group(0)), line.group(0)
    for key in ['dept_list_open', 'search_number', 'intake',
            'portal_lookup', 'portal_matter', 'portal_submit']:
        line = re.search(r'^\[measure\] %s .*$' % key, output, re.M)
        assert re.search(r'\d+ queries', line.group(0)), line.group(0)
        assert re.search(r'\| \w+ p50 [\d.]+ m?s: x[\d.]+', line.group(0)), (
            line.group(0))
    for clients in [1, 4, 16]:
        assert re.search(r'^\[clients\] +%d clients on \d+ servers: +[\d.]+ '
            r'calls/s .* errors 0$' % clients, output, re.M), output[-3000:]
    # The lookup and the bare route over HTTP, through two gunicorn workers
    rates = {}
    for kind in ['bare', 'lookup']:
        line = re.search(r'^\[throughput\] %s +\d+ clients on 2 gunicorn '
            r'workers: +([\d.]+) calls/s .* errors 0$' % kind, output, re.M)
        assert line, output[-3000:]
        rates[kind] = float(line.group(1))
        assert rates[kind] > 0
    line = re.search(r'^\[target\] lookup throughput / bare route '
        r'\(2 processes\) +>= x0.5 +x([\d.]+) +(MET|MISSED)$', output, re.M)
    assert line, output[-3000:]
    ratio = rates['lookup'] / rates['bare']
    assert float(line.group(1)) == pytest.approx(ratio, abs=0.01)
    assert line.group(2) == ('MET' if ratio >= 0.5 else 'MISSED')
    assert re.search(r'^\[deploy\] cache invalidation across processes: '
        r'seen at once', output, re.M), output[-3000:]
    for label in TARGETS:
        assert re.search(r'^\[target\] %s.* (MET|MISSED)$'
            % re.escape(label), output, re.M), label
    check_ratios(output)
    assert 'dropped the database %s' % name in output


# The ratios the benchmark ends with: figure, statistic, baseline, its
# statistic, factor, limit of queries
RATIOS = [
    ('search_text', 'p50', 'floor_search', 'p50', 25, None),
    ('search_text_name', 'p50', 'floor_search', 'p50', 25, None),
    ('search_text_id', 'p50', 'floor_search', 'p50', 25, None),
    ('dept_list_open', 'p50', 'floor_list', 'p50', 5, None),
    ('dept_list_late', 'p50', 'floor_list', 'p50', 5, None),
    ('dept_list_all', 'p50', 'floor_list', 'p50', 5, None),
    ('open_form', 'p50', 'floor_list', 'p50', 4, 25),
    ('intake', 'p50', 'bare_create_paired', 'p50', 6, 80),
    ('statistics_year_department', 'p95', 'floor_list', 'p50', 30, None),
    ('statistics_year_matter', 'p95', 'floor_list', 'p50', 30, None),
    ('statistics_year_period', 'p95', 'floor_list', 'p50', 30, None),
    ]
TIME = r'([\d.]+) (m?s)'


def milliseconds(value, unit):
    return float(value) * (1000 if unit == 's' else 1)


def figures_of(output):
    "The figures of the [measure] lines: key to (runs, p50, p95, max, queries)"
    figures = {}
    for match in re.finditer(r'^\[measure\] (\S+) .* runs +(\d+) +p50 +%s +'
            r'p95 +%s +max +%s(?: +(\d+) queries)?' % (TIME, TIME, TIME),
            output, re.M):
        key, runs = match.group(1), int(match.group(2))
        p50, p95, max_ = (milliseconds(*match.group(i, i + 1))
            for i in [3, 5, 7])
        queries = match.group(9)
        figures[key] = (runs, p50, p95, max_,
            int(queries) if queries else None)
    return figures


def check_ratios(output):
    """The table of the ratios gives, for each figure, the value measured,
    the limit computed from the baseline of the same run and the result
    that follows from them"""
    figures = figures_of(output)
    statistic = {'p50': 1, 'p95': 2}
    for key, (runs, p50, p95, max_, queries) in figures.items():
        assert runs >= 1, (key, runs)
        assert 0 < p50 <= p95 <= max_, (key, p50, p95, max_)
    machine = re.search(r'^\[machine\] (\d+) cores, load average '
        r'([\d.]+ [\d.]+ [\d.]+) / ([\d.]+ [\d.]+ [\d.]+), '
        r'bare create p50 %s$' % TIME, output, re.M)
    assert machine, output[-3000:]
    assert int(machine.group(1)) == os.cpu_count()
    assert milliseconds(*machine.group(4, 5)) == pytest.approx(
        figures['bare_create'][1], rel=0.01, abs=0.01)
    for key, stat, base_key, base_stat, factor, limit in RATIOS:
        line = re.search(r'^\[ratio\] .{36} %s +(-|%s) +%s +%s +(\S+ <= .*?) '
            r'x([\d.]+)(, (\d+) queries \(before \S+, limit (\d+)\))? '
            r'(MET|MISSED)$' % (re.escape(key), TIME, TIME, TIME),
            output, re.M)
        assert line, 'no ratio for %s:\n%s' % (key, output[-3000:])
        now = milliseconds(*line.group(4, 5))
        measured = figures[key][statistic[stat]]
        assert now == pytest.approx(measured, rel=0.01, abs=0.01), line[0]
        base = figures[base_key][statistic[base_stat]]
        assert milliseconds(*line.group(6, 7)) == pytest.approx(
            factor * base, rel=0.02, abs=0.01), line[0]
        assert float(line.group(9)) == pytest.approx(
            measured / base, rel=0.05, abs=0.05), line[0]
        met = measured <= factor * base
        if limit is not None:
            assert int(line.group(11)) == figures[key][4], line[0]
            assert int(line.group(12)) == limit, line[0]
            met = met and figures[key][4] <= limit
        assert line.group(13) == ('MET' if met else 'MISSED'), line[0]
    assert re.search(r'^\[ratio\] concurrency, 4 clients +clients_4 +- +'
        r'[\d.]+/s .* no before \(--before\)$', output, re.M), (
        output[-3000:])
