# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Browser tests: the web client (sao) as the window clerk of the demo

A copy of the demo database (tests/conftest.py builds it with the three
modules and scripts/load_demo.py) is served by one trytond with sao
(scripts/install_sao.sh) for the tests of this file, which run scripts of
tests/browser/ in headless chromium:

- clerk_windows.mjs: the clerk logs in and opens 服务大厅 → 窗口;
- clerk_accepts_case.mjs: the clerk registers a case in 服务大厅 → 办件,
  receives and checks its materials, accepts it and prints the acceptance
  notice through the one entry of the print menu (打印文书), which offers
  that notice alone;
- promised_case_two_users.mjs: one promised case from its acceptance to its
  delivery, across the clerk and the approver of 县民政局, each in his own
  browser: 移交, 签收, 办结, 批准, 送回结果, 出件核验, 领证通知书, 送达 and
  送达回执;
- hall_roles.mjs: at 1366×768, the supervisor's board lists the red cards
  in its red panel and the yellow ones in its yellow panel, the approver
  lands on the cases to sign for, no login asks for the bus and the header
  shows no currency.
- case_form_1366.mjs: at 1366×768, the case form of the clerk shows the
  number (not cut), the state, the check columns of the materials and the
  button 经与原件核对无误 (its whole label) inside the window without
  scrolling sideways, and the label 申请表数据 once; the form fields of a
  matter are listed by their Chinese names for the center administrator.
- portal_pages.mjs: every page of the portal (the list comes from the
  registered routes through portal_pages.py, which fails on a route it does
  not know), as its visitor, passes axe-core with no serious or critical
  violation at 375×812 and 1366×768, does not scroll sideways at 375 px
  and Tab reaches every control of its forms;
- applicant_online.mjs: on a phone an applicant registers (the code of the
  demo text message gateway), binds his real name, applies with uploads,
  the clerk passes it in sao and accepts its case, the applicant sees it
  accepted and a visitor finds it by number and query code;
- rating_pages.mjs: the window's rating device and the one-time QR rating
  link at phone size.

Screenshots land in tests/artifacts/.  The copy keeps the cases the browser
creates away from the other tests of the demo.

Select them with `-m browser`; skip them only with ONEWINDOW_SKIP_BROWSER=1 (a
missing chromium, node or sao is a failure, not a skip).
"""
import collections
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import clean_environ, report_figures

TOP = Path(__file__).resolve().parent.parent
SAO = TOP / '.sao'
SCRIPTS = TOP / 'tests' / 'browser'
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')

SaoServer = collections.namedtuple(
    'SaoServer', ['url', 'database', 'log', 'config'])

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get('ONEWINDOW_SKIP_BROWSER') == '1',
        reason='ONEWINDOW_SKIP_BROWSER=1'),
    ]


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_for_port(port, server, log, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if server.poll() is not None:
            pytest.fail('trytond stopped (exit %s):\n%s' % (
                    server.returncode, log.read_text()))
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail('trytond does not answer on port %s after %s s:\n%s' % (
            port, timeout, log.read_text()))


def server_problems(log):
    "The end of the server log without its access lines"
    lines = [l for l in log.read_text().splitlines()
        if ' INFO werkzeug ' not in l]
    if not lines:
        return 'trytond logged no problem'
    return 'trytond log (end, without the requests):\n' + '\n'.join(lines[-40:])


def check_requirements():
    missing = []
    for name in ['trytond', 'trytond-admin']:
        if not (BIN / name).exists():
            missing.append('%s (in %s)' % (name, BIN))
    if not os.access(CHROMIUM, os.X_OK):
        missing.append('chromium (%s; Debian package chromium)' % CHROMIUM)
    if not shutil.which('node'):
        missing.append('node (Debian package nodejs)')
    if not ((SAO / 'package' / 'index.html').exists()
            and (SAO / '.onewindow-sao-installed').exists()
            and (SAO / 'node_modules' / 'playwright-core').is_dir()
            and (SAO / 'node_modules' / 'axe-core').is_dir()):
        missing.append('sao, playwright-core and axe-core in .sao/ '
            '(run scripts/install_sao.sh)')
    if not (TOP / 'scripts' / 'load_demo.py').exists():
        missing.append('scripts/load_demo.py')
    if missing:
        pytest.fail('the browser test needs: ' + '; '.join(missing),
            pytrace=False)


@pytest.fixture(scope='module')
def sao_server(demo_database, tmp_path_factory):
    "trytond serving sao and a copy of the demo database for the tests here"
    check_requirements()
    path = tmp_path_factory.mktemp('browser')
    database = '%s.sqlite' % demo_database.name
    shutil.copyfile(demo_database.path / database, path / database)
    port = free_port()
    config = path / 'trytond.conf'
    config.write_text(
        '[database]\n'
        'uri = sqlite://\n'
        'path = %(path)s\n'
        '\n'
        '[web]\n'
        'root = %(root)s\n'
        'listen = 127.0.0.1:%(port)s\n'
        '\n'
        '[session]\n'
        'authentications = password\n'
        '\n'
        # The identity authentication configured, so that the login page
        # is checked with its button; the provider does not answer, so
        # that its error pages are checked too
        '[portal]\n'
        'oidc_issuer = http://127.0.0.1:9/oidc\n'
        'oidc_client_id = wengyuan-zwfw\n'
        'oidc_label = 广东省统一身份认证平台登录\n'
        % {'path': path, 'root': SAO / 'package', 'port': port})
    env = clean_environ()
    log = path / 'trytond.log'
    with log.open('w') as output:
        server = subprocess.Popen(
            [str(BIN / 'trytond'), '-c', str(config)], cwd=TOP, env=env,
            stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, server, log)
        yield SaoServer(
            'http://127.0.0.1:%s' % port, demo_database.name, log, config)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_browser(script, server, timeout=300, args=()):
    """Run the script of tests/browser/ against the server; fail with its
    output; return the output"""
    browser = subprocess.run(
        ['node', str(SCRIPTS / script), server.url, server.database,
            *map(str, args)], cwd=TOP,
        env=clean_environ(CHROMIUM=CHROMIUM), timeout=timeout,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(browser.stdout)
    if browser.returncode != 0:
        pytest.fail('the browser test %s failed (exit %s):\n%s\n%s' % (
                script, browser.returncode, browser.stdout,
                server_problems(server.log)),
            pytrace=False)
    return browser.stdout


def test_clerk_sees_windows(sao_server):
    "The clerk logs in with sao and sees the windows of the Wengyuan hall"
    run_browser('clerk_windows.mjs', sao_server)


def test_clerk_accepts_case(sao_server):
    """The clerk registers a case in sao, checks its materials, accepts it and
    prints the acceptance notice"""
    run_browser('clerk_accepts_case.mjs', sao_server)


def test_promised_case_two_users(sao_server):
    """The clerk accepts a promised case and hands it over, the approver of
    the department signs for it, reviews, approves and sends the result
    back, and the clerk verifies it and delivers it at the window"""
    run_browser('promised_case_two_users.mjs', sao_server, timeout=900)


def test_hall_roles(sao_server):
    """At 1366×768 the supervisor's board panels list only their own cards,
    the approver lands on the cases to sign for, no login asks for the bus
    and the header shows no currency"""
    run_browser('hall_roles.mjs', sao_server)


def test_case_form_1366(sao_server):
    """At 1366×768 the clerk sees the number, the state, the check columns
    of the materials and the button 经与原件核对无误 of a case without
    scrolling sideways, and one label 申请表数据; the center administrator
    reads the form fields of a matter by their Chinese names"""
    run_browser('case_form_1366.mjs', sao_server)


@pytest.fixture
def portal_pages(sao_server, tmp_path_factory):
    """The pages of the portal to check, written as JSON by
    tests/browser/portal_pages.py from the registered routes (it prepares
    the demo for them: a service just finished at the rating device, a
    rating link, a query code)"""
    path = tmp_path_factory.mktemp('portal') / 'pages.json'
    process = subprocess.run(
        [sys.executable, str(SCRIPTS / 'portal_pages.py'),
            '-c', str(sao_server.config), '-d', sao_server.database,
            str(path)], cwd=TOP, env=clean_environ(), timeout=300,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if process.returncode != 0:
        pytest.fail('tests/browser/portal_pages.py failed (exit %s):\n%s' % (
                process.returncode, process.stdout), pytrace=False)
    return path


def browser_figures(output):
    "The figures the browser script printed on its FIGURES line"
    for line in output.splitlines():
        if line.startswith('FIGURES '):
            return json.loads(line[len('FIGURES '):])
    pytest.fail('the browser script printed no figures', pytrace=False)


def test_portal_pages(sao_server, portal_pages):
    """Every page of the portal, as its visitor, passes axe-core with no
    serious or critical violation at 375×812 and 1366×768, does not scroll
    sideways at 375 px, and Tab reaches every control of its forms with a
    visible focus"""
    pages = json.loads(portal_pages.read_text())
    assert not pages['unknown'], pages['unknown']
    figures = browser_figures(
        run_browser('portal_pages.mjs', sao_server, args=[portal_pages]))
    report_figures(
        'portal accessibility (axe-core %(axe)s): %(pages)d pages of %(routes)d '
        'routes (%(files)d file routes and %(form_targets)d form targets '
        'not pages) at %(sizes)s, %(axe_runs)d axe runs: %(serious)d serious '
        'or critical violations, %(moderate)d others; %(forms)d forms, '
        '%(controls)d controls, %(unreachable)d keyboard problems (not '
        'reached by Tab, focus not shown); '
        '%(overflow)d pages scrolling sideways at 375 px' % dict(
            figures, sizes=' and '.join(figures['sizes'])))
    assert figures['serious'] == 0
    assert figures['unreachable'] == 0
    assert figures['overflow'] == 0
    # every page of the list was checked, and the answer of the lookup and
    # the kiosk's idle warning
    assert figures['pages'] == len(pages['pages']) + 2


def test_applicant_online(sao_server, portal_pages):
    """On a phone an applicant registers with the code of the text message,
    binds his real name, applies with uploads, the clerk passes it in sao
    and accepts its case, the applicant sees it accepted and a visitor finds
    it by number and query code; every page on the way passes axe-core"""
    figures = browser_figures(run_browser(
        'applicant_online.mjs', sao_server, timeout=600, args=[portal_pages]))
    report_figures(
        'online application in the browser (phone 375×812 to sao): %(pages)d '
        'portal pages on the way, %(axe_runs)d axe runs, %(serious)d serious '
        'or critical violations' % figures)
    assert figures['serious'] == 0


def test_rating_pages(sao_server, portal_pages):
    """At phone size the window device rates the service just finished there
    (a bad level needs a reason) and refuses staff, and the one-time QR link
    rates by the keyboard once; every page passes axe-core"""
    figures = browser_figures(run_browser(
        'rating_pages.mjs', sao_server, args=[portal_pages]))
    report_figures(
        'rating pages in the browser (device and QR link at 375×812): '
        '%(pages)d pages, %(axe_runs)d axe runs, %(serious)d serious or '
        'critical violations' % figures)
    assert figures['serious'] == 0
