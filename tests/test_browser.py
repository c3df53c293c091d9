# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Browser test: the web client (sao) as the window clerk of the demo

Creates a fresh SQLite database with onewindow_hall and the demo data
(scripts/load_demo.py), serves it with trytond and sao (scripts/install_sao.sh),
and runs tests/browser/clerk_windows.mjs in headless chromium: the clerk logs in
and opens 服务大厅 → 窗口.  Screenshots land in tests/artifacts/.

Select it with `-m browser`; skip it only with ONEWINDOW_SKIP_BROWSER=1 (a
missing chromium, node or sao is a failure, not a skip).
"""
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import clean_environ

TOP = Path(__file__).resolve().parent.parent
SAO = TOP / '.sao'
SCRIPT = TOP / 'tests' / 'browser' / 'clerk_windows.mjs'
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')

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
            and (SAO / 'node_modules' / 'playwright-core').is_dir()):
        missing.append('sao and playwright-core in .sao/ '
            '(run scripts/install_sao.sh)')
    if not (TOP / 'scripts' / 'load_demo.py').exists():
        missing.append('scripts/load_demo.py')
    if missing:
        pytest.fail('the browser test needs: ' + '; '.join(missing),
            pytrace=False)


def test_clerk_sees_windows(demo_database, tmp_path):
    "The clerk logs in with sao and sees the windows of the Wengyuan hall"
    check_requirements()
    port = free_port()
    config = tmp_path / 'trytond.conf'
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
        % {'path': demo_database.path, 'root': SAO / 'package',
            'port': port})
    env = clean_environ()
    log = tmp_path / 'trytond.log'
    with log.open('w') as output:
        server = subprocess.Popen(
            [str(BIN / 'trytond'), '-c', str(config)], cwd=TOP, env=env,
            stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, server, log)
        url = 'http://127.0.0.1:%s' % port
        browser = subprocess.run(
            ['node', str(SCRIPT), url, demo_database.name], cwd=TOP,
            env=clean_environ(CHROMIUM=CHROMIUM), timeout=300,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(browser.stdout)
        if browser.returncode != 0:
            pytest.fail('the browser test failed (exit %s):\n%s\n%s' % (
                    browser.returncode, browser.stdout, server_problems(log)),
                pytrace=False)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
