# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The demo database shared by the cross-module tests

It is made the way scripts/demo.sh makes it: trytond-admin activates the
modules with the Chinese language, then scripts/load_demo.py loads the
Wengyuan data."""
import collections
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODULES = ['onewindow_hall', 'onewindow_matters', 'onewindow_approval',
    'onewindow_evaluation']

DemoDatabase = collections.namedtuple(
    'DemoDatabase', ['path', 'name', 'config', 'env'])


def report_figures(text):
    """Print the figures of a run and keep them in tests/artifacts/
    figures.txt, which the test command prints at the end"""
    print('\n' + text)
    artifacts = TOP / 'tests' / 'artifacts'
    artifacts.mkdir(exist_ok=True)
    with (artifacts / 'figures.txt').open('a') as fp:
        fp.write(text + '\n')


def clean_environ(**values):
    "The environment without settings that would reach another database"
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_CACHE', 'DB_NAME'}}
    env.update(values)
    return env


def run(args, env, timeout, what):
    process = subprocess.run(
        [str(a) for a in args], cwd=TOP, env=env, timeout=timeout,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if process.returncode != 0:
        pytest.fail('%s failed (exit %s):\n%s' % (
                what, process.returncode, process.stdout), pytrace=False)
    return process.stdout


def load_demo(path, config, name):
    """Make the demo database name of the configuration config the way
    scripts/demo.sh makes it, with the administrator's password in path,
    and return the environment of the programs that may reach it"""
    passfile = path / 'admin-password'
    passfile.write_text('wengyuan-admin\n')
    env = clean_environ(TRYTONPASSFILE=str(passfile))
    run([BIN / 'trytond-admin', '-c', config, '-d', name,
            '-u', *MODULES, '--activate-dependencies',
            '-l', 'zh_CN', '--email', 'admin@example.com'],
        env, 900, 'trytond-admin')
    run([sys.executable, TOP / 'scripts' / 'load_demo.py',
            '-c', config, '-d', name, '--new'],
        env, 1800, 'scripts/load_demo.py')
    return env


@pytest.fixture(scope='session')
def demo_database(tmp_path_factory):
    path = tmp_path_factory.mktemp('demo')
    name = 'wengyuan'
    config = path / 'trytond.conf'
    config.write_text('[database]\nuri = sqlite://\npath = %s\n' % path)
    (path / ('%s.sqlite' % name)).touch()
    env = load_demo(path, config, name)
    return DemoDatabase(path, name, config, env)


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def wait_for_port(port, server, log, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if server.poll() is not None:
            pytest.fail('trytond stopped (exit %s):\n%s' % (
                    server.returncode, log.read_text()), pytrace=False)
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail('trytond does not answer on port %s after %s s' % (
            port, timeout), pytrace=False)


PGServer = collections.namedtuple('PGServer', ['url', 'database', 'uri'])


@pytest.fixture(scope='session')
def pg_demo_server(tmp_path_factory):
    """A real trytond server on a PostgreSQL database holding the demo

    PostgreSQL is the one of TRYTOND_DATABASE_URI (scripts/test.sh sets it
    for its PostgreSQL pass) or the local one."""
    import psycopg2
    from urllib.parse import urlparse
    uri = os.environ.get('TRYTOND_DATABASE_URI', '')
    if not uri.startswith('postgresql://'):
        uri = 'postgresql://postgres@127.0.0.1:5432/'
    parsed = urlparse(uri)
    # ONEWINDOW_DB_PREFIX names the databases of one tester on a shared
    # cluster
    name = '%s_rpc_%s' % (
        os.environ.get('ONEWINDOW_DB_PREFIX', 'onewindow'), os.getpid())

    def execute(*queries):
        connection = psycopg2.connect(host=parsed.hostname or None,
            port=parsed.port or 5432, user=parsed.username or None,
            password=parsed.password or None, dbname='postgres')
        connection.autocommit = True
        try:
            for query in queries:
                connection.cursor().execute(query)
        finally:
            connection.close()

    execute('DROP DATABASE IF EXISTS "%s"' % name,
        'CREATE DATABASE "%s"' % name)
    path = tmp_path_factory.mktemp('pg')
    port = free_port()
    config = path / 'trytond.conf'
    config.write_text(
        '[database]\nuri = %s\npath = %s\n\n'
        '[web]\nlisten = 127.0.0.1:%s\n\n'
        '[session]\nmax_attempt = 5\n' % (uri, path, port))
    env = load_demo(path, config, name)
    # The untouched demo, the template of the copies of pg_demo_dump (a
    # template must have no connection: it is taken before the server
    # starts)
    template = '%s_template' % name
    execute('DROP DATABASE IF EXISTS "%s"' % template,
        'CREATE DATABASE "%s" TEMPLATE "%s"' % (template, name))
    log = path / 'trytond.log'
    with log.open('w') as output:
        server = subprocess.Popen(
            [str(BIN / 'trytond'), '-c', str(config)], cwd=TOP, env=env,
            stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, server, log)
        yield PGServer('http://127.0.0.1:%s' % port, name, uri)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        execute('DROP DATABASE IF EXISTS "%s"' % name,
            'DROP DATABASE IF EXISTS "%s"' % template)


def pg_args(uri):
    "The connection arguments of the PostgreSQL programs for uri"
    from urllib.parse import urlparse
    parsed = urlparse(uri)
    return ['-h', parsed.hostname or '127.0.0.1',
        '-p', str(parsed.port or 5432), '-U', parsed.username or 'postgres']


class PGDemoDump:
    """The untouched demo database, to restore as a fresh copy: on the
    PostgreSQL of the demo server a copy of its template database (CREATE
    DATABASE ... TEMPLATE, a copy of the files), on another a pg_dump of
    it, restored"""

    def __init__(self, uri, template, path):
        self.uri = uri
        self.template = template
        self.path = path

    def _cluster(self, uri):
        from urllib.parse import urlparse
        parsed = urlparse(uri)
        return parsed.hostname or '127.0.0.1', parsed.port or 5432

    def restore(self, uri, name):
        """Create the database name on the PostgreSQL of uri as a copy of
        the demo (dropping it first)"""
        args = pg_args(uri)
        env = clean_environ()
        run(['dropdb', '--if-exists', *args, name], env, 120, 'dropdb')
        if self._cluster(uri) == self._cluster(self.uri):
            run(['createdb', *args, '-T', self.template, name], env, 600,
                'createdb -T')
            return
        if not self.path.exists():
            run(['pg_dump', '-Fc', *pg_args(self.uri), '-f', self.path,
                    self.template], env, 600, 'pg_dump')
        run(['createdb', *args, name], env, 120, 'createdb')
        run(['pg_restore', '--no-owner', *args, '-d', name, self.path],
            env, 600, 'pg_restore')


def drop_database(uri, name):
    "Drop the database name of the PostgreSQL of uri"
    from urllib.parse import urlparse
    parsed = urlparse(uri)
    subprocess.run(['dropdb', '--if-exists', '--force',
            '-h', parsed.hostname or '127.0.0.1',
            '-p', str(parsed.port or 5432),
            '-U', parsed.username or 'postgres', name],
        env=clean_environ(), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, timeout=120)


@pytest.fixture(scope='session')
def pg_demo_dump(pg_demo_server, tmp_path_factory):
    """Fresh copies of the PostgreSQL demo database, for the tests that need
    a copy of their own (concurrency, stress, crash)"""
    return PGDemoDump(pg_demo_server.uri,
        '%s_template' % pg_demo_server.database,
        tmp_path_factory.mktemp('pgdump') / 'demo.dump')
