# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The parts of scripts/benchmark.py

database: the benchmark database, its configuration and its servers;
catalogue: the departments, matters and calendar years (through the models);
cases: the bulk load of applicants and ten years of cases;
measure: the timed operations, in process, with their SQL baselines;
clients: the concurrent JSON-RPC clients against real servers;
report: figures, percentiles and the final table."""
