# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The benchmark database: creation, configuration, activation, demo, drop,
and the trytond server processes of the concurrency measurement"""
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

MODULES = ['onewindow_hall', 'onewindow_matters', 'onewindow_approval',
    'onewindow_portal', 'onewindow_evaluation']
TOP = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
ADMIN_PASSWORD = 'wengyuan-admin'
DEMO_PASSWORD = 'wengyuan-demo'
MARK = 'onewindow benchmark'


def default_uri():
    "The PostgreSQL of TRYTOND_DATABASE_URI, or the local one"
    uri = os.environ.get('TRYTOND_DATABASE_URI', '')
    if uri.startswith('postgresql://'):
        return uri
    return 'postgresql://postgres@127.0.0.1:5432/'


class Database:
    "A PostgreSQL database reached through uri"

    def __init__(self, uri, name, workdir):
        parsed = urlparse(uri)
        if parsed.scheme != 'postgresql':
            raise ValueError("the benchmark runs on PostgreSQL only: %s"
                % uri)
        self.uri = uri
        self.parsed = parsed
        self.name = name
        self.workdir = workdir
        self.config = os.path.join(workdir, 'trytond.conf')
        self.env = {k: v for k, v in os.environ.items()
            if not k.startswith('TRYTOND_')
            and k not in {'DB_CACHE', 'DB_NAME'}}

    # Connections

    def connect(self, dbname=None, autocommit=False):
        import psycopg2
        connection = psycopg2.connect(
            host=self.parsed.hostname or None,
            port=self.parsed.port or 5432,
            user=self.parsed.username or None,
            password=self.parsed.password or None,
            dbname=dbname or self.name)
        connection.autocommit = autocommit
        return connection

    def execute_admin(self, *queries):
        "Execute queries on the maintenance database"
        connection = self.connect('postgres', autocommit=True)
        try:
            cursor = connection.cursor()
            results = []
            for query, *args in queries:
                cursor.execute(query, *args)
                results.append(
                    cursor.fetchall() if cursor.description else None)
            return results
        finally:
            connection.close()

    def exists(self):
        rows, = self.execute_admin(
            ('SELECT 1 FROM pg_database WHERE datname = %s', (self.name,)))
        return bool(rows)

    def comment(self):
        "Return the comment the benchmark left on its database"
        rows, = self.execute_admin((
                "SELECT shobj_description(oid, 'pg_database') "
                "FROM pg_database WHERE datname = %s", (self.name,)))
        return rows[0][0] if rows else None

    def set_comment(self, text):
        self.execute_admin(('COMMENT ON DATABASE "%s" IS %%s' % self.name,
                (text,)))

    def set_settings(self, settings):
        """Set PostgreSQL settings on the database, by name (None for the
        server's setting)"""
        self.execute_admin(*(('ALTER DATABASE "%s" %s' % (self.name,
                        'RESET %s' % name if value is None
                        else "SET %s = '%s'" % (name, value)),)
                for name, value in settings.items()))

    def is_benchmark(self):
        return (self.comment() or '').startswith(MARK)

    def create(self, template=None):
        query = 'CREATE DATABASE "%s"' % self.name
        if template:
            query += ' TEMPLATE "%s"' % template
        self.execute_admin((query,))
        self.set_comment('%s: created' % MARK)
        self.create_trigram_extension()

    def create_trigram_extension(self):
        """Create pg_trgm in the database, as the README's "Production"
        asks (the module update creates it too, and warns without it)"""
        import psycopg2
        connection = self.connect(autocommit=True)
        try:
            connection.cursor().execute(
                'CREATE EXTENSION IF NOT EXISTS pg_trgm')
        except psycopg2.Error as exception:
            print('    pg_trgm could not be created (%s): the search bar '
                'reads every case; install the contrib extensions of '
                'PostgreSQL' % str(exception).strip(), flush=True)
        finally:
            connection.close()

    def drop(self):
        # The servers and the in-process pool are stopped; nothing else
        # should hold a connection to the benchmark database.
        self.execute_admin(
            ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.name,)),
            ('DROP DATABASE IF EXISTS "%s"' % self.name,))

    # trytond

    def write_config(self, port=None, path=None, shared=True, uri=None):
        """Write a trytond configuration file and return its path

        shared is for the processes that share the database: their caches
        are invalidated through the database channel at once.  trytond-admin
        must not run with it: its own cache listener would see the modules
        being activated differ from the ones of its pool and stop the pool
        under it (KeyError: '<database>')."""
        lines = [
            '[database]',
            'uri = %s' % (uri or self.uri),
            'path = %s' % self.workdir,
            '',
            ]
        if shared:
            lines += ['[cache]', 'clean_timeout = 0', '']
        lines += ['[session]', 'authentications = password', '']
        if port:
            lines += ['[web]', 'listen = 127.0.0.1:%s' % port, '']
        path = path or self.config
        with open(path, 'w') as fp:
            fp.write('\n'.join(lines))
        return path

    def run(self, args, what, timeout=3600, env=None):
        process = subprocess.run(
            [str(a) for a in args], cwd=TOP, env=env or self.env,
            timeout=timeout, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        if process.returncode != 0:
            raise RuntimeError('%s failed (exit %s):\n%s' % (
                    what, process.returncode, process.stdout[-5000:]))
        return process.stdout

    def activate(self):
        "Activate the modules with trytond-admin, as scripts/demo.sh does"
        passfile = os.path.join(self.workdir, 'admin-password')
        with open(passfile, 'w') as fp:
            fp.write(ADMIN_PASSWORD + '\n')
        env = dict(self.env, TRYTONPASSFILE=passfile)
        config = self.write_config(shared=False,
            path=os.path.join(self.workdir, 'trytond-admin.conf'))
        self.run([os.path.join(BIN, 'trytond-admin'), '-c', config,
                '-d', self.name, '-u', *MODULES, '--activate-dependencies',
                '-l', 'zh_CN', '--email', 'admin@example.com'],
            'trytond-admin', env=env)

    def update(self):
        """Update the modules of a kept database to the code (new models,
        columns and indexes)"""
        config = self.write_config(shared=False,
            path=os.path.join(self.workdir, 'trytond-admin.conf'))
        self.run([os.path.join(BIN, 'trytond-admin'), '-c', config,
                '-d', self.name, '-u', *MODULES], 'trytond-admin')

    def load_demo(self):
        "Load the Wengyuan demo hall, catalogue, staff and cases"
        return self.run([sys.executable,
                os.path.join(TOP, 'scripts', 'load_demo.py'),
                '-c', self.config, '-d', self.name, '--new',
                '--without-cases'],
            'scripts/load_demo.py')


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Servers:
    """Several trytond processes on one database, each on its own port,
    as a prefecture would run them behind a load balancer"""

    def __init__(self, database, count, uri=None):
        self.database = database
        self.count = count
        self.uri = uri
        self.processes = []
        self.urls = []
        self.logs = []

    def start(self, timeout=90):
        for i in range(self.count):
            port = free_port()
            config = self.database.write_config(port=port, uri=self.uri,
                path=os.path.join(
                    self.database.workdir, 'trytond-%s.conf' % i))
            log = open(os.path.join(
                    self.database.workdir, 'trytond-%s.log' % i), 'w')
            self.logs.append(log)
            process = subprocess.Popen(
                [os.path.join(BIN, 'trytond'), '-c', config],
                cwd=TOP, env=self.database.env,
                stdout=log, stderr=subprocess.STDOUT)
            self.processes.append(process)
            self.urls.append('http://127.0.0.1:%s' % port)
        end = time.monotonic() + timeout
        for process, url in zip(self.processes, self.urls):
            port = int(url.rsplit(':', 1)[1])
            while True:
                if process.poll() is not None:
                    raise RuntimeError('trytond stopped (exit %s), see %s'
                        % (process.returncode, self.logs[0].name))
                try:
                    with socket.create_connection(
                            ('127.0.0.1', port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > end:
                        raise RuntimeError(
                            'trytond does not answer on port %s' % port)
                    time.sleep(0.2)
        # A process answers its first requests only once its pool is loaded
        # (with clean_timeout = 0 its cache listener may even reload the pool
        # at start): a load balancer must route users to a process only once
        # it has answered a real call of the database.
        self.warmup = []
        for url in self.urls:
            failures = []
            while True:
                error = self.ready(url)
                if not error:
                    break
                failures.append(error)
                if time.monotonic() > end:
                    raise RuntimeError('%s is not ready: %s' % (url, error))
                time.sleep(0.5)
            self.warmup.append(failures)
        return self

    def ready(self, url):
        "Return the error of a login of the administrator, None if it works"
        host, port = url.split('//', 1)[1].split(':')
        body = json.dumps({'id': 0, 'method': 'common.db.login',
                'params': ['admin', {'password': ADMIN_PASSWORD}, 'en']})
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            connection.request('POST', '/%s/' % self.database.name, body,
                {'Content-Type': 'application/json'})
            response = connection.getresponse()
            data = response.read()
        except OSError as exception:
            return str(exception)
        finally:
            connection.close()
        if response.status != 200:
            return '%s %s' % (response.status, response.reason)
        result = json.loads(data)
        if result.get('error'):
            return repr(result['error'])[:200]
        return None

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()
        self.processes = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
