# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal under a production WSGI server

gunicorn, with two worker processes, serves trytond's WSGI application
(`trytond.application:app`, configured by TRYTOND_CONFIG and
TRYTOND_DATABASE_NAMES) as the README's "Production" says: the portal's
pages, its stylesheet and a form posted with its CSRF token are answered
by the workers, with the portal's security headers."""
import http.client
import re
import subprocess

from .conftest import BIN, TOP, clean_environ, free_port, run, wait_for_port

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{32})"')


def fetch(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_portal_under_gunicorn(tmp_path):
    "gunicorn's workers answer the portal's pages"
    name = 'portal'
    config = tmp_path / 'trytond.conf'
    config.write_text('[database]\nuri = sqlite://\npath = %s\n' % tmp_path)
    (tmp_path / ('%s.sqlite' % name)).touch()
    passfile = tmp_path / 'admin-password'
    passfile.write_text('gunicorn-admin\n')
    env = clean_environ(TRYTONPASSFILE=str(passfile))
    run([BIN / 'trytond-admin', '-c', config, '-d', name,
            '-u', 'onewindow_portal', '--activate-dependencies',
            '-l', 'zh_CN', '--email', 'admin@example.com'],
        env, 900, 'trytond-admin')

    port = free_port()
    log = tmp_path / 'gunicorn.log'
    server = subprocess.Popen([BIN / 'gunicorn', '--workers', '2',
            '--bind', '127.0.0.1:%s' % port, 'trytond.application:app'],
        cwd=TOP, env=clean_environ(TRYTOND_CONFIG=str(config),
            TRYTOND_DATABASE_NAMES=name),
        stdout=log.open('w'), stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, server, log, timeout=120)
        response, body = fetch(port, 'GET', '/%s/portal/' % name)
        html = body.decode('utf-8')
        assert response.status == 200, html[:2000]
        assert '网上办事大厅' in html
        assert response.getheader('Content-Security-Policy')
        assert response.getheader('X-Frame-Options') == 'DENY'
        assert response.getheader('Server', '').startswith('gunicorn')

        response, body = fetch(port, 'GET',
            '/%s/portal/static/portal.css' % name)
        assert response.status == 200
        assert response.getheader('Content-Type').startswith('text/css')

        # A form posted with the token of its cookie: the lookup answers
        # that nothing matches, in Chinese
        response, body = fetch(port, 'GET', '/%s/portal/lookup' % name)
        token = CSRF.search(body.decode('utf-8')).group(1)
        response, body = fetch(port, 'POST', '/%s/portal/lookup' % name,
            'csrf_token=%s&number=WS2026000001&code=ABCDEFGH' % token, {
                'Content-Type': 'application/x-www-form-urlencoded',
                'Cookie': 'ow_csrf=%s' % token})
        assert response.status == 404, body[:2000]
        assert '没有与该编号和查询码相符的申请' in body.decode('utf-8')

        # Without the token the form is refused
        response, body = fetch(port, 'POST', '/%s/portal/lookup' % name,
            'number=WS2026000001&code=ABCDEFGH', {
                'Content-Type': 'application/x-www-form-urlencoded'})
        assert response.status == 403
        assert server.poll() is None
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert 'Traceback' not in log.read_text()
