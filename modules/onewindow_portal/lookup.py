# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The progress lookup without login: a number and its query code show the
coarse public timeline, the department, the promised date and a masked
name, nothing more"""
from trytond.config import config

from .application import check_query_code
from .web import TooManyRequests, gettext, portal_route

def find(pool, number):
    "Return the application of the application or case number, or None"
    Application = pool.get('onewindow.application')
    Case = pool.get('onewindow.case')
    applications = Application.search([
            ('number', '=', number),
            ('state', '!=', 'draft'),
            ], limit=1)
    if applications:
        return applications[0]
    cases = Case.search([
            ('number', '=', number),
            ('application', '!=', None),
            ], limit=1)
    if cases:
        return cases[0].application


@portal_route('lookup', methods=['GET', 'POST'])
def lookup(page):
    pool = page.pool
    Attempt = pool.get('onewindow.portal.attempt')
    errors = []
    result = None
    number = (page.form.get('number') or '').strip().upper()[:40]
    code = (page.form.get('code') or '')[:40]
    if page.request.method == 'POST':
        key = 'lookup:' + number
        if (Attempt.count(key) >= config.getint(
                    'portal', 'max_lookup_number', default=10)
                or Attempt.count_ip() >= config.getint(
                    'portal', 'max_attempt_ip', default=100)):
            raise TooManyRequests(gettext(
                    "Too many attempts. Wait a few minutes and try again."))
        application = find(pool, number) if number else None
        # The code is compared, in constant time, even for an unknown
        # number
        valid = check_query_code(
            code, application.query_code_hash if application else None)
        if application and valid:
            result = application
        else:
            Attempt.add(key)
            errors.append(gettext(
                    "No application matches this number and query code."))
    return page.render('lookup.html', number=number, result=result,
        errors=errors, status=404 if errors else 200)
