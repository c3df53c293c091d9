# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pages of the portal for the browser checks, as JSON

    python tests/browser/portal_pages.py -c trytond.conf -d DATABASE OUTPUT

The list is derived from the routes that the activated modules register
under /<database>/portal/: every GET route gets the addresses of the demo
that show it (anonymously, as the demo person 13800000001, as an account
without real name, as an applicant with a service to rate, on a self-service terminal, on a terminal not yet
turned into a kiosk, as staff), with the status
the visitor must get; a file route (a PDF, an upload, a stylesheet) is
listed as a file.  A route that this file does not know is written under
"unknown": the test fails until its page is added here, so that a new page
is checked the day it is added.

It prepares on the database what the pages need: a service just finished at
the window of the rating device, a fresh one-time rating link, a query code
for one of the person's applications, an account without real name and an
account for the applicant of a case with a service to rate."""
import argparse
import datetime as dt
import json
import sys

PERSON = '13800000001'
UNBOUND = '13800000099'
RATER = '13800000098'
PASSWORD = 'wengyuan-demo'
# A number far above the ids of the demo, to show the error pages
MISSING = 2147483000

# The routes that answer a file, not a page
FILES = {
    'matter/<int:matter_id>/material/<int:material_id>/<kind>',
    'matter/<int:matter_id>/guide.pdf',
    'application/<int:application_id>/file/<int:file_id>',
    'application/<int:application_id>/receipt.pdf',
    'case/<int:case_id>/notice/<kind>',
    'static/<path:name>',
    }


def portal_routes():
    "Return the (path under portal/, GET or not) of the registered routes"
    from trytond.wsgi import app
    routes = []
    for rule in app.url_map.iter_rules():
        prefix = '/<database_name>/portal/'
        if rule.rule.startswith(prefix):
            routes.append((rule.rule[len(prefix):],
                    'GET' in (rule.methods or ())))
    return sorted(set(routes))


def prepare(pool):
    "Return the values of the demo the pages need"
    from trytond.transaction import Transaction
    WebUser = pool.get('web.user')
    Application = pool.get('onewindow.application')
    Terminal = pool.get('onewindow.terminal')
    Device = pool.get('onewindow.evaluation.device')
    Evaluation = pool.get('onewindow.evaluation')

    person, = WebUser.search([('mobile', '=', PERSON)])
    applications = Application.search([('applicant', '=', person.party.id)],
        order=[('id', 'ASC')])
    states = {a.state for a in applications}
    missing_states = {'draft', 'submitted', 'returned', 'passed', 'rejected',
        'withdrawn'} - states
    if missing_states:
        sys.exit('the demo person has no application %s'
            % ', '.join(sorted(missing_states)))
    passed = [a for a in applications if a.state == 'passed' and a.case][0]
    codes = Application.set_query_code([passed])

    supplements = [a.case for a in applications
        if a.case and a.case.state == 'supplement']
    if not supplements:
        sys.exit('the demo person has no case waiting for a supplement')

    matter = applications[0].matter
    if matter.state != 'published':
        sys.exit('the matter of the demo applications is not published')

    if not WebUser.search([('mobile', '=', UNBOUND)]):
        WebUser.create([{
                    'mobile': UNBOUND,
                    'password_hash': WebUser.hash_password(PASSWORD),
                    }])

    terminals = Terminal.search([
            ('state', '=', 'in_service'), ('kiosk_key', '!=', None)],
        limit=1)
    if not terminals:
        sys.exit('the demo has no self-service terminal in service')

    devices = Device.search([], limit=1)
    if not devices:
        sys.exit('the demo has no rating device')
    device, = devices
    # The service just finished at the device's window: a pending rating
    # of a service there, served now (the demo's were served days ago)
    # (not of an applicant with an account: that one rates from the portal)
    with_account = {u.party.id for u in WebUser.search([('party', '!=', None)])}
    pendings = [e for e in Evaluation.search([
                ('window', '=', device.window.id),
                ('state', '=', 'pending'),
                ('stage', 'in', ['acceptance', 'delivery']),
                ], order=[('id', 'ASC')], limit=200)
        if e.case.applicant.id not in with_account][:1]
    if not pendings:
        sys.exit('the demo has no service at %s left to rate'
            % device.window.rec_name)
    pending, = pendings
    table = Evaluation.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.update([table.service_date],
            [dt.datetime.now()], where=table.id == pending.id))

    # A rating of another service, through the one-time link of its QR code
    others = Evaluation.search([
            ('state', '=', 'pending'), ('id', '!=', pending.id)],
        order=[('id', 'DESC')], limit=1)
    if not others:
        sys.exit('the demo has no pending rating for a QR link')
    qr = others[0]
    token = qr.new_link('qr')

    # An applicant of the demo with a case to rate from "my applications
    # and cases", given an account
    # (the account of a run before keeps its applicant)
    raters = WebUser.search([('mobile', '=', RATER)])
    accounts = {u.party.id for u in WebUser.search([('party', '!=', None)])
        if u not in raters}
    candidates = [e for e in Evaluation.search([
                ('state', '=', 'pending'),
                ('id', 'not in', [pending.id, qr.id]),
                ('case.state', '!=', 'draft'),
                ], order=[('id', 'ASC')], limit=200)
        if e.case.applicant.id not in accounts
        and (not raters or e.case.applicant == raters[0].party)]
    if not candidates:
        sys.exit('the demo has no applicant with a service left to rate')
    own = candidates[0]
    if not raters:
        WebUser.create([{
                    'mobile': RATER,
                    'party': own.case.applicant.id,
                    'password_hash': WebUser.hash_password(PASSWORD),
                    }])

    return {
        'person': {'mobile': PERSON, 'password': PASSWORD},
        'unbound': {'mobile': UNBOUND, 'password': PASSWORD},
        'matter': matter.id,
        'supplement': supplements[0].id,
        'applications': [{'id': a.id, 'state': a.state}
            for a in applications],
        'lookup': {'number': passed.number, 'code': codes[passed.id],
            'case': passed.case.number},
        'kiosk': terminals[0].kiosk_key,
        'device': {'key': device.key, 'window': device.window.rec_name,
            'window_id': device.window.id,
            'evaluation': pending.id, 'case': pending.case.number},
        'qr': {'token': token, 'evaluation': qr.id,
            'case': qr.case.number if qr.case else None},
        'rater': {'mobile': RATER, 'password': PASSWORD,
            'path': 'case/%d/rate/%s' % (own.case.id, own.stage),
            'evaluation': own.id},
        }


def pages(routes, values):
    """Return the pages to check and the GET routes this file does not
    know"""
    device = values['device']['key']
    token = values['qr']['token']
    matter = values['matter']
    known = {
        '': [('anonymous', ''), ('person', ''), ('kiosk', '')],
        'matter/<int:matter_id>': [
            ('anonymous', 'matter/%d' % matter),
            ('kiosk', 'matter/%d' % matter),
            ('anonymous', 'matter/%d' % MISSING, 404)],
        'register': [('anonymous', 'register'), ('kiosk', 'register')],
        'login': [('anonymous', 'login'), ('kiosk', 'login')],
        'reset': [('anonymous', 'reset')],
        'identity': [('person', 'identity'), ('unbound', 'identity')],
        'lookup': [('anonymous', 'lookup'), ('kiosk', 'lookup')],
        'apply/<int:matter_id>': [('person', 'apply/%d' % matter)],
        'application/<int:application_id>': [
            ('person', 'application/%d' % a['id'])
            for a in values['applications']] + [
            ('anonymous', 'application/%d' % values['applications'][0]['id'],
                404)],
        'my': [('person', 'my'), ('unbound', 'my')],
        'case/<int:case_id>/supplement': [
            ('person', 'case/%d/supplement' % values['supplement']),
            ('anonymous', 'case/%d/supplement' % values['supplement'], 404)],
        'kiosk/<key>': [('terminal', 'kiosk/%s' % values['kiosk']),
            ('anonymous', 'kiosk/not-a-terminal', 404)],
        'kiosk-end': [('kiosk', 'kiosk-end')],
        'rate/<token>': [('anonymous', 'rate/%s' % token),
            ('anonymous', 'rate/not-a-link', 404)],
        'device/<key>': [('anonymous', 'device/%s' % device),
            ('staff', 'device/%s' % device, 403)],
        'satisfaction': [('anonymous', 'satisfaction')],
        'case/<int:case_id>/rate/<stage>': [
            ('rater', values['rater']['path']),
            ('rater', 'my'),
            ('person', values['rater']['path'], 404)],
        # The test's configuration names a provider that does not answer:
        # the applicant is told to log in with his mobile number
        'oidc/login': [('anonymous', 'oidc/login', 403)],
        'oidc/callback': [('anonymous', 'oidc/callback', 403)],
        }
    # What a page must offer: the login page its button to the identity
    # authentication
    links = {'login': 'oidc/login'}
    result, unknown, files = [], [], []
    for path, get in routes:
        if not get:
            continue  # a form's target: reached by the forms of the pages
        if path in FILES:
            files.append(path)
            continue
        if path not in known:
            unknown.append(path)
            continue
        for entry in known[path]:
            who, url, status = (entry + (200,))[:3]
            result.append({'route': path, 'as': who, 'path': url,
                    'status': status, 'link': links.get(path)})
    return result, unknown, files


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('-c', dest='config', required=True)
    parser.add_argument('-d', dest='database', required=True)
    parser.add_argument('output')
    args = parser.parse_args()

    from trytond.config import config
    config.update_etc(args.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(args.database)
    pool.init()
    with Transaction().start(args.database, 0) as transaction:
        with transaction.set_context(language='zh_CN'):
            values = prepare(pool)
        transaction.commit()
    routes = portal_routes()
    checked, unknown, files = pages(routes, values)
    values.update({
            'routes': [path for path, _ in routes],
            'pages': checked,
            'files': files,
            'unknown': unknown,
            'forms': [path for path, get in routes if not get],
            })
    with open(args.output, 'w') as fp:
        json.dump(values, fp, ensure_ascii=False, indent=1)


if __name__ == '__main__':
    main()
