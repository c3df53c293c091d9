#!/usr/bin/env python3
# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The benchmark of the one-window hall on PostgreSQL

Creates its own database (activated with trytond-admin, with the Wengyuan
demo loaded), grows it to 50 departments, 2,000 matters and ten years of
cases (1,000,000 by default), then measures, each over many runs, what the
users wait for, with the baselines (a bare Tryton create, the same reads
and inserts in SQL), then the throughput of 1, 4 and 16 concurrent clients
over JSON-RPC against several trytond processes, and ends with the table
of the targets of the hall.  The database is dropped at the end unless
--keep.  See docs/performance.md for the figures."""
import argparse
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench.database import (  # noqa: E402
    ADMIN_PASSWORD, MARK, Database, Servers, default_uri)
from bench.ratios import parse as parse_output, print_ratios  # noqa: E402
from bench.report import fail, fmt_ms, out, phase  # noqa: E402

GROUPS = ['lists', 'searches', 'form', 'intake', 'reports', 'backoffice',
    'portal', 'clients']

# The targets of the hall on a 2-core machine: key, label, figure key,
# statistic, limit in ms (or the ratio for 'ratio')
TARGETS = [
    ('department case list p95 (work tab)', 'dept_list_open', 'p95', 50),
    ('department case list p95 (deadline tab)', 'dept_list_late', 'p95',
        50),
    ('department case list p95 (tab All)', 'dept_list_all', 'p95', 50),
    ('case-number search p95', 'search_number', 'p95', 20),
    ('party search by a department user p95', 'party_search_department',
        'p95', 50),
    ('intake + acceptance p95 (server-side)', 'intake', 'p95', 60),
    ('card sweep over the open cases, hourly', 'card_sweep', 'max', 2000),
    ('card sweep, first of a day', 'card_sweep_daily', 'max', 2000),
    ('a year of statistics by department', 'statistics_year_department',
        'p95', 500),
    ('a year of statistics by matter', 'statistics_year_matter', 'p95', 500),
    ('a year of statistics by handling', 'statistics_year_handling', 'p95',
        500),
    ('a year of statistics by window', 'statistics_year_window', 'p95', 500),
    ('a year of statistics by staff', 'statistics_year_clerk', 'p95', 500),
    ('a year of statistics by month', 'statistics_year_period', 'p95', 500),
    ('intake / bare create (p50)', 'intake', 'ratio', 10),
    ('progress lookup p95 (server-side)', 'portal_lookup', 'p95', 15),
    ('a matter page p95 (server-side)', 'portal_matter', 'p95', 30),
    ('submission with 5 uploads of 1 MB p95', 'portal_submit', 'p95', 200),
    ('a rating submitted p95', 'rating_submit', 'p95', 30),
    ('a year of satisfaction statistics, all lists',
        'satisfaction_year', 'p95', 500),
    ]
# The throughput of the lookup against the bare route of the same server
LOOKUP_THROUGHPUT = 0.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('-d', '--database', default='onewindow_bench',
        help="name of the benchmark database (default %(default)s)")
    parser.add_argument('--uri', default=None,
        help="PostgreSQL URI (default: TRYTOND_DATABASE_URI when it is a "
        "postgresql:// URI, else postgresql://postgres@127.0.0.1:5432/)")
    parser.add_argument('--cases', type=int, default=None,
        help="number of cases (default 1,000,000; 20,000 with --quick)")
    parser.add_argument('--quick', action='store_true',
        help="20,000 cases, fewer runs and short client levels")
    parser.add_argument('--quick-clients', action='store_true',
        help="short concurrency levels (a few seconds each)")
    parser.add_argument('--departments', type=int, default=50)
    parser.add_argument('--matters', type=int, default=None,
        help="number of matters (default 2,000; 300 with --quick)")
    parser.add_argument('--server-uri', default=None,
        help="PostgreSQL URI of the trytond processes of the concurrency "
        "measurement, e.g. through pgbouncer (default: --uri)")
    parser.add_argument('--servers', type=int, default=2,
        help="trytond processes for the concurrency (default %(default)s)")
    parser.add_argument('--clients', default='1,4,16',
        help="concurrency levels (default %(default)s)")
    parser.add_argument('--seconds', type=float, default=None,
        help="seconds per concurrency level (default 30, 3 when quick)")
    parser.add_argument('--runs-scale', type=float, default=1.0,
        help="multiply the number of runs of each measurement (at least "
        "3 runs each)")
    parser.add_argument('--only', default=','.join(GROUPS),
        help="measurement groups to run, among %s" % ', '.join(GROUPS))
    parser.add_argument('--template', default=None,
        help="start from a copy of this database (the modules activated "
        "and the demo loaded, e.g. kept by an earlier run with "
        "--demo-only --keep) instead of activating and loading the demo")
    parser.add_argument('--demo-only', action='store_true',
        help="stop after loading the demo (to make a --template)")
    parser.add_argument('--jit', action='store_true',
        help="keep PostgreSQL's JIT compilation on the benchmark database "
        "(by default the benchmark sets jit = off on it, as recommended for "
        "production in docs/performance.md)")
    parser.add_argument('--work-mem', default=None, metavar='SIZE',
        help="set PostgreSQL's work_mem on the benchmark database, e.g. "
        "32MB as docs/performance.md recommends for production (default: "
        "the server's setting)")
    parser.add_argument('--random-page-cost', default=None, type=float,
        metavar='COST',
        help="set PostgreSQL's random_page_cost on the benchmark database, "
        "e.g. 1.1 for SSDs as docs/performance.md recommends for production "
        "(default: the server's setting)")
    parser.add_argument('--before', default=None, metavar='OUTPUT',
        help="the output of an earlier run (of the code before a change, on "
        "the same database) to give its figures beside this run's in the "
        "table of the ratios; the throughput target needs it")
    parser.add_argument('--keep', action='store_true',
        help="keep the database at the end")
    parser.add_argument('--reuse', action='store_true',
        help="reuse the database a previous --keep run loaded with the "
        "same size instead of building it again")
    args = parser.parse_args()
    if args.cases is None:
        args.cases = 20000 if args.quick else 1000000
    if args.matters is None:
        args.matters = 300 if args.quick else 2000
    if args.seconds is None:
        args.seconds = 3 if (args.quick or args.quick_clients) else 30
    args.only = {g.strip() for g in args.only.split(',') if g.strip()}
    unknown = args.only - set(GROUPS)
    if unknown:
        parser.error("unknown group: %s" % ', '.join(sorted(unknown)))
    args.levels = [int(c) for c in args.clients.split(',') if c.strip()]
    return args


def configure(database, args):
    """Set the PostgreSQL settings of the benchmark database: JIT
    compilation off (the planner compiles the queries it estimates
    expensive, which costs more than it saves on Tryton's short queries)
    unless --jit, and --work-mem and --random-page-cost when given"""
    database.set_settings({
            'jit': None if args.jit else 'off',
            'work_mem': args.work_mem,
            'random_page_cost': args.random_page_cost,
            })


def init_trytond(database):
    "Configure trytond in this process and load the pool of the database"
    from trytond.config import config
    config.update_etc(database.config)
    from trytond.pool import Pool
    Pool.start()
    pool = Pool(database.name)
    pool.init()
    return pool


def build(args, database):
    "Create, activate, load the demo and bulk-load; return the timings"
    timings = {}
    if database.exists():
        if not database.is_benchmark():
            fail("the database %s exists and was not created by the "
                "benchmark: choose another name with --database"
                % database.name)
        done = phase('drop the previous benchmark database')
        database.drop()
        done()
    if args.template:
        done = phase('copy %s to %s' % (args.template, database.name))
        database.create(template=args.template)
        configure(database, args)
        timings['template'] = done()
    else:
        done = phase('create %s and activate the modules (trytond-admin)'
            % database.name)
        database.create()
        configure(database, args)
        database.activate()
        timings['activate'] = done()
        done = phase('load the Wengyuan demo (scripts/load_demo.py)')
        database.load_demo()
        timings['demo'] = done()
        if args.demo_only:
            database.set_comment('%s: demo' % MARK)
            return timings, None
    init_trytond(database)
    from bench import cases, catalogue
    done = phase('grow the catalogue: calendar, %s departments, %s matters'
        % (args.departments, args.matters))
    first, last, departments, matters = catalogue.load(
        database.name, args.departments, args.matters)
    timings['catalogue'] = done('%s departments, %s new matters' % (
            departments, matters))
    done = phase('bulk-load %s cases from %s to %s' % (
            args.cases, first, last))
    counts, details = cases.load(database.name, database, args.cases, first,
        last)
    timings['cases'] = done()
    timings.update(('cases:' + k, v) for k, v in details.items())
    from bench.portal import load_ratings
    done = phase('bulk-load the ratings of the cases')
    ratings = load_ratings(database)
    timings['ratings'] = done('%s ratings' % ratings)
    done = phase('VACUUM ANALYZE')
    connection = database.connect(autocommit=True)
    try:
        connection.cursor().execute('VACUUM ANALYZE')
    finally:
        connection.close()
    timings['analyze'] = done()
    database.set_comment('%s: loaded %s cases' % (MARK, args.cases))
    return timings, counts


def sizes(database):
    connection = database.connect()
    try:
        cursor = connection.cursor()
        result = []
        for table in ['onewindow_department', 'onewindow_matter',
                'onewindow_matter_material', 'party_party',
                'onewindow_case', 'onewindow_case_material',
                'onewindow_case_log', 'onewindow_case_supplement',
                'onewindow_case_fee', 'onewindow_handover',
                'onewindow_case_step', 'onewindow_case_opinion',
                'onewindow_evaluation', 'onewindow_application']:
            cursor.execute('SELECT to_regclass(%s)', (table,))
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute('SELECT count(*), pg_size_pretty('
                'pg_total_relation_size(%s)) FROM "%s"' % (
                    "'%s'" % table, table))
            result.append((table,) + cursor.fetchone())
        cursor.execute("SELECT state, count(*) FROM onewindow_case "
            "GROUP BY state ORDER BY 2 DESC")
        states = cursor.fetchall()
        cursor.execute("SELECT pg_size_pretty(pg_database_size("
            "current_database()))")
        size, = cursor.fetchone()
        return result, states, size
    finally:
        connection.close()


def load_average():
    return '%.1f %.1f %.1f' % os.getloadavg()


def environment(database):
    "Print what the figures depend on"
    import trytond
    connection = database.connect()
    try:
        cursor = connection.cursor()
        settings = []
        for name in ['server_version', 'shared_buffers', 'work_mem',
                'random_page_cost', 'effective_cache_size', 'max_connections',
                'jit']:
            cursor.execute('SHOW %s' % name)
            settings.append('%s %s' % (name, cursor.fetchone()[0]))
    finally:
        connection.close()
    out('[env] %s cores, trytond %s, PostgreSQL: %s' % (
            os.cpu_count(), trytond.__version__, ', '.join(settings)))
    out('[env] load average before the measurements: %s' % load_average())


def print_targets(figures, open_cases, lookup_throughput=None):
    out()
    out('targets (2-core machine)')
    out('%-9s%-50s %-10s %-12s %s' % ('', 'target', 'limit', 'measured', 'result'))
    results = []
    for label, key, stat, limit in TARGETS:
        figure = figures.get(key)
        if stat == 'ratio':
            base = figures.get('bare_create_paired') or figures.get(
                'bare_create')
            if figure and base and figure.p50 and base.p50:
                value = figure.p50 / base.p50
                measured = 'x%.1f' % value
                limit_text = 'x%s' % limit
            else:
                value = None
                limit_text = 'x%s' % limit
        else:
            value = getattr(figure, stat) if figure and figure.runs else None
            measured = fmt_ms(value)
            limit_text = fmt_ms(limit)
        if key == 'card_sweep' and open_cases is not None:
            label = '%s (%s open)' % (label, open_cases)
        if value is None:
            out('[target] %-50s %-10s %-12s %s' % (
                    label, limit_text, '-', 'not measured'))
            continue
        result = 'MET' if value <= limit else 'MISSED'
        results.append(result)
        out('[target] %-50s %-10s %-12s %s' % (
                label, limit_text, measured, result))
    label = 'lookup throughput / bare route (2 processes)'
    if lookup_throughput:
        ratio = lookup_throughput['lookup'][0] / (
            lookup_throughput['bare'][0] or 1)
        result = 'MET' if ratio >= LOOKUP_THROUGHPUT else 'MISSED'
        results.append(result)
        out('[target] %-50s %-10s %-12s %s' % (label,
                '>= x%s' % LOOKUP_THROUGHPUT, 'x%.2f' % ratio, result))
    else:
        out('[target] %-50s %-10s %-12s %s' % (label,
                '>= x%s' % LOOKUP_THROUGHPUT, '-', 'not measured'))
    return results


def measure_lookup_throughput(database, portal, args, clients=4):
    """The progress lookup over HTTP against gunicorn with 2 worker
    processes, and the bare route of the same server"""
    from bench.portal import Gunicorn, throughput
    out()
    done = phase('start gunicorn with 2 worker processes')
    server = Gunicorn(database, workers=2).start()
    done()
    try:
        result = throughput(server.port, database.name, portal.lookups,
            clients, args.seconds, pids=server.worker_pids())
    finally:
        server.stop()
    for kind in ['bare', 'lookup']:
        calls, p50, p95, errors, cpu = result[kind]
        out('[throughput] %-6s %d clients on 2 gunicorn workers: %8.1f '
            'calls/s  p50 %9s  p95 %9s  workers\' CPU %s a call  errors %d'
            % (kind, clients, calls, fmt_ms(p50), fmt_ms(p95), fmt_ms(cpu),
                len(errors)))
        for error in errors[:3]:
            out('          error: %s' % error)
    out('[throughput] lookup / bare route: x%.2f (in 6 turns of each, '
        'alternated)' % (result['lookup'][0] / (result['bare'][0] or 1)))
    if result['bare'][4] and result['lookup'][4]:
        out('[throughput] workers\' CPU a call, bare route / lookup: x%.2f'
            % (result['bare'][4] / result['lookup'][4]))
    return result


def load(args, database):
    """Load the database, or reuse the one a previous run loaded; return the
    timings of the load, or None when only the demo is asked for"""
    reuse = (args.reuse and database.exists()
        and database.comment() == '%s: loaded %s cases' % (
            MARK, args.cases))
    if reuse:
        done = phase('reuse the database loaded by a previous run: '
            'update its modules (trytond-admin)')
        database.update()
        done()
        configure(database, args)
        init_trytond(database)
        return {}
    timings, counts = build(args, database)
    if args.demo_only:
        out('demo loaded in %s' % database.name)
        return None
    return timings


def print_load(database, args, timings):
    "Print the sizes of the loaded database and return its open cases"
    tables, states, size = sizes(database)
    out()
    out('[load] database %s: %s' % (args.database, size))
    for table, count, table_size in tables:
        out('[load] %-28s %10s rows %10s' % (table, count, table_size))
    out('[load] states: %s' % ', '.join('%s %s' % s for s in states))
    from bench.cases import OPEN_STATES
    open_cases = sum(c for s, c in states if s in OPEN_STATES)
    total = sum(c for _, c in states)
    out('[load] open cases: %s (%.1f%%)' % (
            open_cases, 100 * open_cases / total if total else 0))
    if timings:
        out('[load] loading took %.0f s: %s' % (
                sum(v for k, v in timings.items() if ':' not in k),
                ', '.join('%s %.1f s' % (k, v)
                    for k, v in timings.items())))
    out()
    return open_cases


def measure_single(measure, args):
    """Run the measurements of one client chosen by args.only; return the
    portal measured, or None"""
    done = phase('prepare the measurements')
    measure.prepare()
    done()
    out()
    measure.bare_create()
    if args.only & {'lists', 'searches'}:
        measure.floor()
    if 'lists' in args.only:
        measure.department_lists()
    if 'searches' in args.only:
        measure.searches()
    if 'form' in args.only:
        measure.open_form()
    if 'intake' in args.only:
        measure.intake()
    if 'reports' in args.only:
        measure.reports()
    if 'backoffice' in args.only:
        measure.back_office()
    portal = None
    if 'portal' in args.only:
        from bench.portal import Portal
        portal = Portal(measure)
        if portal.available():
            done = phase('prepare the online hall: applications to look '
                'up, an account, ratings to give')
            portal.prepare()
            done()
            portal.measure_all()
        else:
            measure.skip('portal', 'the online hall',
                'onewindow_portal or onewindow_evaluation not activated')
            portal = None
    measure.close()
    return portal


def print_server_errors(servers):
    "Print the last errors of the logs of the servers"
    for log in servers.logs:
        log.flush()
        with open(log.name) as fp:
            lines = [l for l in fp.read().splitlines()
                if 'ERROR' in l or 'Error' in l]
        for line in lines[-5:]:
            out('          server: %s' % line[:300])


def measure_clients(database, measure, args):
    """Measure the throughput of concurrent clients on args.servers trytond
    processes; return it by number of clients"""
    from bench import clients
    throughputs = {}
    out()
    done = phase('start %s trytond processes' % args.servers)
    servers = Servers(database, args.servers, uri=args.server_uri).start()
    try:
        done()
        for url, failures in zip(servers.urls, servers.warmup):
            if failures:
                out('[deploy] %s answered after %s failed login(s): %s'
                    % (url, len(failures), failures[0]))
        for count in args.levels:
            result = clients.level(servers.urls, database.name, count,
                measure.numbers, measure.list_fields, args.seconds,
                max_calls=20000)
            throughputs[count] = result['throughput']
            out('[clients] %2d clients on %d servers: %8.1f calls/s  '
                'p50 %9s  p95 %9s  max %9s  calls %6d  errors %d' % (
                    count, args.servers, result['throughput'],
                    fmt_ms(result['p50']), fmt_ms(result['p95']),
                    fmt_ms(result['max']), result['calls'],
                    len(result['errors'])))
            for error in result['errors'][:3]:
                out('          error: %s' % error)
            if result['errors']:
                print_server_errors(servers)
        seen, text = clients.cache_check(servers.urls, database.name,
            ADMIN_PASSWORD)
        out('[deploy] cache invalidation across processes: %s (%s)' % (
                {True: 'seen at once', False: 'NOT SEEN',
                    None: 'not checked'}[seen], text))
    finally:
        servers.stop()
    return throughputs


def clean_up(database, args, workdir):
    "Close the pool, drop the database unless kept, remove workdir"
    if 'trytond.pool' in sys.modules:
        from trytond import backend
        from trytond.pool import Pool
        Pool.stop(database.name)
        backend.Database(database.name).close()
    if args.keep:
        out('\nkept the database %s' % database.name)
    elif database.exists() and database.is_benchmark():
        database.drop()
        out('\ndropped the database %s' % database.name)
    shutil.rmtree(workdir, ignore_errors=True)


def main():
    args = parse_args()
    uri = args.uri or default_uri()
    workdir = tempfile.mkdtemp(prefix='onewindow-bench-')
    database = Database(uri, args.database, workdir)
    database.write_config()
    before = None
    if args.before:
        with open(args.before, encoding='utf-8') as fp:
            before = parse_output(fp.read())
    begin = time.perf_counter()
    out('onewindow benchmark: database %s, %s cases%s' % (
            args.database, args.cases, ' (quick)' if args.quick else ''))
    try:
        timings = load(args, database)
        if timings is None:
            return
        open_cases = print_load(database, args, timings)
        environment(database)
        loads = [load_average()]

        from bench.measure import Measure, runs_for
        measure = Measure(database.name, database,
            runs_for(args.quick, args.runs_scale), out)
        portal = measure_single(measure, args)
        lookup_throughput = None
        if portal and 'clients' in args.only:
            lookup_throughput = measure_lookup_throughput(
                database, portal, args)
        throughputs = {}
        if 'clients' in args.only:
            throughputs = measure_clients(database, measure, args)
        loads.append(load_average())
        out('[env] load average after the measurements: %s' % loads[-1])
        print_targets(measure.figures, open_cases, lookup_throughput)
        print_ratios(measure.figures, throughputs, before, loads)
    finally:
        clean_up(database, args, workdir)
    out('benchmark finished in %.0f s' % (time.perf_counter() - begin))


if __name__ == '__main__':
    main()
