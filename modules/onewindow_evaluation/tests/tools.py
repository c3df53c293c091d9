# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the scenarios: what the rating pages do for the applicant,
outside of any staff session"""
import datetime as dt

from proteus.config import get_config

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError


def _root(config):
    config = config or get_config()
    return Transaction().start(config.database_name, 0, readonly=False)


def _in_root(func, config=None):
    """Run func in a transaction of its own as the web pages do, restarted
    with the locks it asks for"""
    config = config or get_config()
    extras = {}
    while True:
        with Transaction().start(config.database_name, 0, readonly=False,
                **extras) as transaction:
            try:
                return func(transaction)
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)


def new_link(evaluation, channel, config=None):
    "Return the token of a new one-time link to rate the evaluation"
    with _root(config):
        Evaluation = Pool().get('onewindow.evaluation')
        return Evaluation(evaluation.id).new_link(channel)


def rate_link(token, level, reasons=(), comment=None, levels=None,
        config=None):
    """Rate through the one-time link as the rating page does; return the
    error shown to the applicant or None"""
    def rate(transaction):
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        Reason = pool.get('onewindow.evaluation.reason')
        link = Evaluation.from_token(token)
        if link is None:
            return "link not valid"
        codes = [r.id for r in Reason.search([('code', 'in', reasons)])]
        try:
            Evaluation.rate(link.evaluation, link.channel, level,
                levels=levels, reasons=codes, comment=comment, link=link)
        except UserError as error:
            transaction.rollback()
            return error.message
    return _in_root(rate, config)


def rate_at_window(window, level, reasons=(), comment=None, config=None):
    """Rate the service just finished at the window on its device; return
    the error shown or None"""
    def rate(transaction):
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        Window = pool.get('onewindow.window')
        return _rate(transaction,
            Evaluation.pending_at_window(Window(window.id)), 'device',
            level, reasons, comment)
    return _in_root(rate, config)


def _rate(transaction, evaluation, channel, level, reasons, comment):
    """Rate the evaluation through the channel; return the error shown or
    None"""
    pool = Pool()
    Evaluation = pool.get('onewindow.evaluation')
    Reason = pool.get('onewindow.evaluation.reason')
    if evaluation is None:
        return "nothing to rate"
    codes = [r.id for r in Reason.search([('code', 'in', reasons)])]
    try:
        Evaluation.rate(evaluation, channel, level, reasons=codes,
            comment=comment)
    except UserError as error:
        transaction.rollback()
        return error.message


def expire_links(evaluation, config=None):
    "Make the links of the evaluation expired, as if their days had passed"
    with _root(config):
        Link = Pool().get('onewindow.evaluation.link')
        links = Link.search([('evaluation', '=', evaluation.id)])
        Link.write(links, {
                'expires': dt.datetime.now() - dt.timedelta(minutes=1)})


def sweep(config=None):
    "Run the sweep of the supervision cards as the scheduler does"
    return _in_root(lambda t: Pool().get('onewindow.card').sweep(), config)


def links(evaluation, config=None):
    "Return the channels of the links of the evaluation not used yet"
    def channels(transaction):
        Link = Pool().get('onewindow.evaluation.link')
        return sorted(l.channel for l in Link.search([
                    ('evaluation', '=', evaluation.id),
                    ('used', '=', None)]))
    return _in_root(channels, config)


def rate_own_case(case, stage, party, level, reasons=(), comment=None,
        config=None):
    """Rate the stage of the case as the portal's "my cases" does for an
    account acting for the party; return the error shown or None"""
    def rate(transaction):
        Evaluation = Pool().get('onewindow.evaluation')
        return _rate(transaction,
            Evaluation.pending_of_parties(case.id, stage, {party.id}),
            'portal', level, reasons, comment)
    return _in_root(rate, config)


def give_defaults(config=None):
    "Run the daily task of the default levels as the scheduler does"
    return len(_in_root(
            lambda t: Pool().get('onewindow.evaluation').give_defaults(),
            config))
