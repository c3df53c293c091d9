# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The targets as ratios to the baselines of the same run

An absolute limit in milliseconds holds only on the machine it was set on;
a ratio to Tryton's own floor measured in the same run (a list page or a
search on a small table, a bare create) holds on a busier or slower machine
too.  The table ends the benchmark's output, with the figures of an earlier
run (--before, the output of the run of the code before the change, on the
same database) beside them."""
import os
import re

from .report import fmt_ms, out

# label, figure keys, statistic, baseline key, baseline statistic, factor,
# limit of queries
RATIOS = [
    ('search bar, free text', ['search_text', 'search_text_name',
            'search_text_id'], 'p50', 'floor_search', 'p50', 25, None),
    ('department lists, work tabs and All', ['dept_list_open',
            'dept_list_late', 'dept_list_all'], 'p50', 'floor_list', 'p50',
        5, None),
    ('case form, fields and lines', ['open_form'], 'p50', 'floor_list',
        'p50', 4, 25),
    ('intake with acceptance', ['intake'], 'p50', 'bare_create_paired',
        'p50', 6, 80),
    ('a year of statistics, each list', ['statistics_year_*'], 'p95',
        'floor_list', 'p50', 30, None),
    ]
# The throughput of 4 clients against 2 servers, against the run before
THROUGHPUT = ('concurrency, 4 clients', 4, 1.5)

MEASURE = re.compile(
    r'^\[measure\] (\S+) .* runs +(\d+) +p50 +([\d.]+) (m?s) +p95 +([\d.]+) '
    r'(m?s) +max +([\d.]+) (m?s)(?: +(\d+) queries)?')
CLIENTS = re.compile(r'^\[clients\] +(\d+) clients on \d+ servers: +([\d.]+) '
    r'calls/s')


def _ms(value, unit):
    value = float(value)
    return value * 1000 if unit == 's' else value


class Printed:
    "A figure as an earlier run printed it"

    def __init__(self, key, runs, p50, p95, max_, queries):
        self.key = key
        self.times = [None] * runs
        self.p50, self.p95, self.max = p50, p95, max_
        self.queries = queries

    @property
    def runs(self):
        return len(self.times)


def parse(text):
    """Return the figures and the throughputs (by number of clients) of the
    output of a run"""
    figures, throughputs = {}, {}
    for line in text.splitlines():
        match = MEASURE.match(line)
        if match:
            key, runs, p50, u50, p95, u95, max_, umax, queries = (
                match.groups())
            figures[key] = Printed(key, int(runs), _ms(p50, u50),
                _ms(p95, u95), _ms(max_, umax),
                int(queries) if queries is not None else None)
            continue
        match = CLIENTS.match(line)
        if match:
            throughputs[int(match.group(1))] = float(match.group(2))
    return figures, throughputs


def _keys(figures, keys):
    for key in keys:
        if key.endswith('*'):
            yield from sorted(
                k for k in figures if k.startswith(key[:-1]))
        else:
            yield key


def _value(figure, stat):
    if figure is None or not figure.runs:
        return None
    return getattr(figure, stat)


def print_ratios(figures, throughputs, before=None, loads=()):
    """Print the table of the ratios: for each figure its value now, its
    value before (when known), the limit it has in this run and MET or
    MISSED; return the results"""
    before_figures, before_throughputs = before or ({}, {})
    bare = figures.get('bare_create')
    out()
    out('ratios to the baselines of this run')
    out('[machine] %s cores, load average %s, bare create p50 %s' % (
            os.cpu_count(),
            ' / '.join(loads) or '%.1f %.1f %.1f' % os.getloadavg(),
            fmt_ms(_value(bare, 'p50'))))
    out('%-8s %-36s %-27s %10s %10s %10s  %-28s %s' % ('', 'target',
            'figure', 'before', 'now', 'limit', 'rule', 'result'))
    results = []
    for label, keys, stat, base_key, base_stat, factor, queries in RATIOS:
        base = _value(figures.get(base_key), base_stat)
        rule = '%s <= %s x %s %s' % (stat, factor, base_key, base_stat)
        for key in _keys(figures, keys):
            figure = figures.get(key)
            now = _value(figure, stat)
            old = _value(before_figures.get(key), stat)
            if now is None or not base:
                out('[ratio] %-36s %-27s %10s %10s %10s  %-28s %s' % (
                        label, key, fmt_ms(old), '-', '-', rule,
                        'not measured'))
                results.append((label, key, None))
                continue
            limit = factor * base
            met = now <= limit
            text = '[ratio] %-36s %-27s %10s %10s %10s  %-28s x%.1f' % (
                label, key, fmt_ms(old), fmt_ms(now), fmt_ms(limit), rule,
                now / base)
            if queries is not None:
                old_queries = (before_figures[key].queries
                    if key in before_figures else None)
                met = met and figure.queries is not None and (
                    figure.queries <= queries)
                text += ', %s queries (before %s, limit %s)' % (
                    figure.queries, '-' if old_queries is None
                    else old_queries, queries)
            result = 'MET' if met else 'MISSED'
            out('%s %s' % (text, result))
            results.append((label, key, result))
    label, clients, factor = THROUGHPUT
    now = throughputs.get(clients)
    old = before_throughputs.get(clients)
    rule = 'calls/s >= %s x before' % factor
    if now is None or old is None:
        out('[ratio] %-36s %-27s %10s %10s %10s  %-28s %s' % (
                label, 'clients_%s' % clients,
                '-' if old is None else '%.1f/s' % old,
                '-' if now is None else '%.1f/s' % now, '-', rule,
                'not measured' if now is None
                else 'no before (--before)'))
        results.append((label, 'clients_%s' % clients, None))
    else:
        limit = factor * old
        result = 'MET' if now >= limit else 'MISSED'
        out('[ratio] %-36s %-27s %10s %10s %10s  %-28s x%.2f %s' % (
                label, 'clients_%s' % clients, '%.1f/s' % old,
                '%.1f/s' % now, '%.1f/s' % limit, rule, now / old, result))
        results.append((label, 'clients_%s' % clients, result))
    return results
