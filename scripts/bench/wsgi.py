# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The WSGI application of the benchmark's gunicorn workers: trytond's
(configured by TRYTOND_CONFIG and TRYTOND_DATABASE_NAMES), with the bare
route of the baseline, which no module has"""
from trytond.application import app

from bench.portal import register_bare

register_bare()

__all__ = ['app']
