# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The rating pages: the one-time link of the QR code and of the text
message, the device facing the applicant at the window, and the public
figures of the departments

A staff session cannot rate: a request that carries the credentials of
the web client is refused, and no RPC method rates."""
import datetime as dt
import os

from trytond.exceptions import UserError
from trytond.modules.onewindow_portal.web import (
    Forbidden, NotFound, add_template_folder, gettext, portal_route)
from trytond.transaction import Transaction

from .evaluation import BAD_LEVELS, LEVELS

HERE = os.path.dirname(__file__)
add_template_folder(
    os.path.join(HERE, 'templates'), os.path.join(HERE, 'web_locale'))

LEVEL_NAMES = {
    'very_satisfied': "Very Satisfied",
    'satisfied': "Satisfied",
    'basic': "Basically Satisfied",
    'dissatisfied': "Dissatisfied",
    'very_dissatisfied': "Very Dissatisfied",
    }


def _no_staff(page):
    "Refuse the requests of a staff session"
    if page.request.headers.get('Authorization'):
        raise Forbidden(gettext(
                "Staff cannot rate: the applicant rates his own service."))


def _levels():
    return [(code, gettext(LEVEL_NAMES[code])) for code, _ in LEVELS]


def _reasons(pool):
    Reason = pool.get('onewindow.evaluation.reason')
    return Reason.search([])


def _submit(page, evaluation, channel, link=None):
    """Rate the evaluation with the posted form; return the errors or an
    empty list"""
    pool = page.pool
    Evaluation = pool.get('onewindow.evaluation')
    Reason = pool.get('onewindow.evaluation.reason')
    form = page.form
    level = form.get('level')
    levels = {}
    for indicator, _ in evaluation.indicator_rows():
        value = form.get('indicator_%s' % indicator)
        if value:
            levels[indicator] = value
    reasons = []
    for value in form.getlist('reasons')[:20]:
        if value.isdigit():
            reasons.append(int(value))
    if reasons:
        active = Reason.active_ids()
        reasons = sorted(set(reasons) & active)
    try:
        Evaluation.rate(evaluation, channel, level, levels=levels,
            reasons=reasons, comment=form.get('comment', '')[:1000],
            link=link)
    except UserError as error:
        Transaction().rollback()
        return [error.message]
    return []


def _context(page, evaluation):
    return {
        'evaluation': evaluation,
        'levels': _levels(),
        'bad_levels': BAD_LEVELS,
        'reasons': _reasons(page.pool),
        'stage': gettext({
                'acceptance': "Acceptance",
                'delivery': "Delivery",
                'case': "The Whole Case",
                }[evaluation.stage]),
        }


@portal_route('rate/<token>', methods=('GET', 'POST'))
def rate(page, token):
    "Rate a service through its one-time link (QR code, text message)"
    _no_staff(page)
    Evaluation = page.pool.get('onewindow.evaluation')
    link = Evaluation.from_token(token)
    if link is None:
        # The same answer for a link unknown, used or expired: nothing to
        # learn by trying
        raise NotFound(gettext(
                "This rating link cannot be used: it was used already, it "
                "expired or it does not exist."))
    evaluation = link.evaluation
    errors = []
    if page.request.method == 'POST':
        errors = _submit(page, evaluation, link.channel, link=link)
        if not errors:
            return page.render('rate_done.html')
        evaluation = Evaluation(evaluation.id)
    return page.render('rate.html', errors=errors,
        action=page.url('rate/' + token), **_context(page, evaluation))


@portal_route('device/<key>', methods=('GET', 'POST'))
def device(page, key):
    """The page of the tablet facing the applicant at a window: the service
    just finished there and the five levels"""
    _no_staff(page)
    pool = page.pool
    Device = pool.get('onewindow.evaluation.device')
    Evaluation = pool.get('onewindow.evaluation')
    device_ = Device.from_key(key)
    if device_ is None:
        raise NotFound(gettext("This device is not registered."))
    evaluation = Evaluation.pending_at_window(device_.window)
    errors = []
    if page.request.method == 'POST':
        posted = page.form.get('evaluation', '')
        if (evaluation is None or not posted.isdigit()
                or int(posted) != evaluation.id):
            errors = [gettext(
                    "The service shown has changed: rate the one now "
                    "shown.")]
        else:
            errors = _submit(page, evaluation, 'device')
            if not errors:
                return page.render('rate_done.html',
                    again=page.url('device/' + key))
            evaluation = Evaluation(evaluation.id)
    values = _context(page, evaluation) if evaluation else {}
    return page.render('device.html', errors=errors, device=device_,
        action=page.url('device/' + key), refresh=not evaluation, **values)


@portal_route('case/<int:case_id>/rate/<stage>', methods=('GET', 'POST'))
def rate_own_case(page, case_id, stage):
    """Rate a service of one of the account's cases from "my applications
    and cases": once, as at the other channels, by real name"""
    _no_staff(page)
    if not page.user:
        return page.redirect('login')
    Evaluation = page.pool.get('onewindow.evaluation')
    evaluation = Evaluation.pending_of_parties(case_id, stage, page.parties)
    if evaluation is None:
        # Another account's case, a service rated or not to rate: the
        # same answer
        raise NotFound(gettext("There is nothing to rate here."))
    errors = []
    if page.request.method == 'POST':
        errors = _submit(page, evaluation, 'portal')
        if not errors:
            return page.render('rate_done.html', again=page.url('my'),
                again_label=gettext("My Applications"))
        evaluation = Evaluation(evaluation.id)
    return page.render('rate.html', errors=errors,
        action=page.url('case/%d/rate/%s' % (case_id, stage)),
        status=400 if errors else 200, **_context(page, evaluation))


@portal_route('satisfaction')
def satisfaction(page):
    "The public figures of the departments this year (no personal data)"
    pool = page.pool
    Date = pool.get('ir.date')
    Company = pool.get('company.company')
    Statistic = pool.get('onewindow.evaluation.statistic.department')
    today = Date.today()
    companies = Company.search([], limit=1, order=[('id', 'ASC')])
    lines = []
    if companies:
        with Transaction().set_context(company=companies[0].id,
                from_date=dt.date(today.year, 1, 1), to_date=today):
            lines = [l for l in Statistic.search([]) if l.department]
    lines.sort(key=lambda l: l.department.code or '')
    return page.render('satisfaction.html', lines=lines, year=today.year)
