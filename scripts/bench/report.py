# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Figures: timings, percentiles and the lines the benchmark prints"""
import math
import sys
import time


def percentile(values, fraction):
    "Return the fraction-th percentile of values (nearest rank)"
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def out(text=''):
    print(text, flush=True)


def fmt_ms(value):
    if value is None:
        return '-'
    if value >= 10000:
        return '%.1f s' % (value / 1000)
    if value >= 100:
        return '%.0f ms' % value
    if value >= 10:
        return '%.1f ms' % value
    return '%.2f ms' % value


class Figure:
    "The timings of one operation, in milliseconds"

    def __init__(self, key, label, unit='ms'):
        self.key = key
        self.label = label
        self.times = []
        self.unit = unit
        self.note = ''
        self.baseline = None
        self.queries = None

    def add(self, ms):
        self.times.append(ms)

    @property
    def runs(self):
        return len(self.times)

    @property
    def p50(self):
        return percentile(self.times, 0.5)

    @property
    def p95(self):
        return percentile(self.times, 0.95)

    @property
    def max(self):
        return max(self.times) if self.times else None

    def line(self):
        text = ('[measure] %-23s %-50s runs %4d  p50 %8s  p95 %8s  '
            'max %8s' % (self.key, self.label, self.runs, fmt_ms(self.p50),
                fmt_ms(self.p95), fmt_ms(self.max)))
        if self.queries is not None:
            text += '  %3d queries' % self.queries
        if self.baseline is not None and self.baseline.p50:
            text += '  | %s p50 %s: x%.1f' % (
                self.baseline.key, fmt_ms(self.baseline.p50),
                self.p50 / self.baseline.p50)
        if self.note:
            text += '  (%s)' % self.note
        return text


class Stopwatch:
    "Time a block in milliseconds: with Stopwatch() as w: ...; w.ms"

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.ms = (time.perf_counter() - self.start) * 1000


def timed(figure, func, runs, warmup=2, budget=None):
    """Call func(i) warmup times untimed, then runs times into figure;
    stop early (after 3 runs at least) when budget seconds have passed"""
    for i in range(warmup):
        func(-1 - i)
    begin = time.perf_counter()
    for i in range(runs):
        start = time.perf_counter()
        func(i)
        figure.add((time.perf_counter() - start) * 1000)
        if (budget and i >= 2
                and time.perf_counter() - begin > budget):
            figure.note = 'stopped after %s s' % budget
            break
    return figure


def timed_group(pairs, runs, warmup=2):
    """Time each (figure, func) of pairs in turn in every run, so that an
    operation and its baselines see the same load of the machine"""
    for i in range(warmup):
        for _, func in pairs:
            func(-1 - i)
    for i in range(runs):
        for figure, func in pairs:
            start = time.perf_counter()
            func(i)
            figure.add((time.perf_counter() - start) * 1000)


def phase(text):
    "Print the start of a phase and return a function that prints its end"
    start = time.perf_counter()
    out('... %s' % text)

    def done(detail=''):
        seconds = time.perf_counter() - start
        out('    %s: %.1f s%s' % (text, seconds, (' ' + detail) if detail
                else ''))
        return seconds
    return done


def fail(message):
    print('benchmark: %s' % message, file=sys.stderr, flush=True)
    sys.exit(1)
