# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The benchmark script works

scripts/benchmark.py runs here in its quick mode (20,000 cases, few runs,
short concurrency levels) only to prove that it builds its database, runs
every measurement, prints its figures and the table of the targets, and
drops its database.  Timings are never asserted: they are the business of
the full run (docs/performance.md).  PostgreSQL only: the benchmark does
not run on SQLite."""
import os
import re
import subprocess
import sys

import pytest

from .conftest import TOP, clean_environ

BENCHMARK = TOP / 'scripts' / 'benchmark.py'
URI = os.environ.get('TRYTOND_DATABASE_URI', '')

pytestmark = pytest.mark.skipif(not URI.startswith('postgresql://'),
    reason="the benchmark runs on PostgreSQL only")

# Every figure the benchmark prints, with its baselines
MEASUREMENTS = [
    'bare_create', 'sql_insert', 'floor_list', 'floor_search',
    'dept_list_open', 'sql_list_open', 'dept_list_late', 'sql_list_late',
    'dept_list_all', 'sql_list_all', 'clerk_list_all', 'sql_clerk_list_all',
    'search_number', 'sql_search_number',
    'search_applicant_id', 'sql_search_applicant_id', 'search_text',
    'open_form', 'sql_open_form',
    'intake', 'sql_intake', 'bare_create_paired',
    'report_odt', 'report_pdf',
    'handover_50', 'card_sweep_first', 'card_sweep', 'card_sweep_daily',
    'statistics_year_department', 'statistics_year_period',
    'statistics_year',
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
    for key in ['dept_list_open', 'search_number', 'intake']:
        line = re.search(r'^\[measure\] %s .*$' % key, output, re.M)
        assert re.search(r'\d+ queries', line.group(0)), line.group(0)
        assert re.search(r'\| \w+ p50 [\d.]+ m?s: x[\d.]+', line.group(0)), (
            line.group(0))
    for clients in [1, 4, 16]:
        assert re.search(r'^\[clients\] +%d clients on \d+ servers: +[\d.]+ '
            r'calls/s .* errors 0$' % clients, output, re.M), output[-3000:]
    assert re.search(r'^\[deploy\] cache invalidation across processes: '
        r'seen at once', output, re.M), output[-3000:]
    for label in TARGETS:
        assert re.search(r'^\[target\] %s.* (MET|MISSED)$'
            % re.escape(label), output, re.M), label
    assert 'dropped the database %s' % name in output
