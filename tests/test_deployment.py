# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The deployment of a prefecture, on one machine

Two trytond server processes, trytond-worker and trytond-cron run on one
PostgreSQL database with the configuration of the README's "Production"
section ([cache] clean_timeout = 0, [queue] worker = True).  A record
written through one process is read through the other, a change that the
processes cache (the departments of an approver, which scope his record
rules) made through one is seen at once by the other, a notification
queued after commit is run by the worker, and the scheduler runs the sweep
of the supervision cards.  PostgreSQL only: several processes on one
SQLite file are not a deployment."""
import os
import subprocess
import threading
import time
import uuid
from urllib.parse import urlparse

import pytest

from .conftest import (
    BIN, TOP, clean_environ, free_port, report_figures, wait_for_port)
from .rpc import RPCError, Session

URI = os.environ.get('TRYTOND_DATABASE_URI', '')

pytestmark = pytest.mark.skipif(not URI.startswith('postgresql://'),
    reason="the deployment runs on PostgreSQL only")

ADMIN_PASSWORD = 'wengyuan-admin'
PASSWORD = 'wengyuan-demo'
CONFIG = '''[database]
uri = {uri}
path = {path}
maxconn = 8

[web]
listen = 127.0.0.1:{port}

[cache]
clean_timeout = 0

[queue]
worker = True
'''


def wait(condition, timeout=60, step=0.2):
    "Return the first true value of condition() within timeout seconds"
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > end:
            return value
        time.sleep(step)


class Deployment:
    "The processes of a prefecture on a copy of the demo database"

    def __init__(self, source, uri, path):
        self.source = source
        self.uri = uri
        self.parsed = urlparse(uri)
        self.name = 'deploy_%s_%s' % (source, os.getpid())
        self.path = path
        self.env = clean_environ()
        self.processes = []
        self.urls = []
        self.logs = []
        self.lock = threading.Lock()
        self.stopping = False
        self.restarts = {}

    def connect(self, dbname=None):
        import psycopg2
        connection = psycopg2.connect(host=self.parsed.hostname or None,
            port=self.parsed.port or 5432,
            user=self.parsed.username or None,
            password=self.parsed.password or None,
            dbname=dbname or self.name)
        connection.autocommit = True
        return connection

    def sql(self, query, *args):
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(query, args)
            return cursor.fetchall()
        finally:
            connection.close()

    def pg_args(self):
        args = ['-h', self.parsed.hostname or '127.0.0.1',
            '-p', str(self.parsed.port or 5432)]
        if self.parsed.username:
            args += ['-U', self.parsed.username]
        return args

    def create(self):
        "Copy the demo database with pg_dump, as a restore of a backup"
        env = dict(self.env)
        if self.parsed.password:
            env['PGPASSWORD'] = self.parsed.password
        dump = self.path / 'demo.dump'
        subprocess.run(['pg_dump', '-Fc', *self.pg_args(), '-f', str(dump),
                self.source], env=env, check=True, timeout=300)
        self.drop()
        connection = self.connect('postgres')
        try:
            connection.cursor().execute('CREATE DATABASE "%s"' % self.name)
        finally:
            connection.close()
        subprocess.run(['pg_restore', '--no-owner', *self.pg_args(),
                '-d', self.name, str(dump)], env=env, check=True,
            timeout=300)

    def drop(self):
        connection = self.connect('postgres')
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT pg_terminate_backend(pid) "
                "FROM pg_stat_activity WHERE datname = %s", (self.name,))
            cursor.execute('DROP DATABASE IF EXISTS "%s"' % self.name)
        finally:
            connection.close()

    def config(self, index, port=None):
        config = self.path / ('trytond-%s.conf' % index)
        config.write_text(CONFIG.format(
                uri=self.uri, path=self.path, port=port or free_port()))
        return config

    def start(self, index, args, port=None, restart=False):
        """Start a process; with restart, start it again when it fails, as
        the systemd unit of the README's "Production" does
        (Restart=on-failure)"""
        log = self.path / ('%s.log' % index)
        log.write_text('')

        def spawn():
            with log.open('a') as output:
                return subprocess.Popen(
                    [str(a) for a in args], cwd=TOP, env=self.env,
                    stdout=output, stderr=subprocess.STDOUT)
        with self.lock:
            process = spawn()
            self.processes.append(process)
            slot = len(self.processes) - 1
        self.logs.append(log)

        def supervise():
            while not self.stopping:
                time.sleep(0.5)
                with self.lock:
                    if (not self.stopping
                            and self.processes[slot].poll() not in {None, 0}):
                        self.restarts[index] = self.restarts.get(index, 0) + 1
                        self.processes[slot] = spawn()
        if restart:
            threading.Thread(target=supervise, daemon=True).start()
        return process, log

    def start_all(self):
        for i in range(2):
            port = free_port()
            config = self.config(i, port)
            server, log = self.start('trytond-%s' % i,
                [BIN / 'trytond', '-c', config, '-d', self.name], port)
            wait_for_port(port, server, log, timeout=120)
            self.urls.append('http://127.0.0.1:%s' % port)
        config = self.config('jobs')
        # trytond 7.0's worker and scheduler may stop at their first task
        # when their cache listener, started with their first transaction,
        # compares the activated modules with a pool that is still loading
        # them (KeyError: '<database>'); their units restart them
        self.start('worker', [BIN / 'trytond-worker', '-c', config,
                '-d', self.name, '-n', '1'], restart=True)
        self.start('cron', [BIN / 'trytond-cron', '-c', config,
                '-d', self.name], restart=True)

    def stop(self):
        with self.lock:
            self.stopping = True
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def login(self, index, login, password=PASSWORD):
        return Session(self.urls[index], self.name).login(login, password)


@pytest.fixture(scope='module')
def deployment(pg_demo_server, tmp_path_factory):
    deployment = Deployment(pg_demo_server.database, pg_demo_server.uri,
        tmp_path_factory.mktemp('deployment'))
    deployment.create()
    try:
        deployment.start_all()
        yield deployment
    finally:
        deployment.stop()
        deployment.drop()
    report_figures('deployment: 2 trytond processes, trytond-worker and '
        'trytond-cron on one database; restarted on failure: worker %s, '
        'scheduler %s' % (deployment.restarts.get('worker', 0),
            deployment.restarts.get('cron', 0)))


def test_record_written_through_one_process_read_through_another(
        deployment):
    "A party created through process A is found and read through B"
    name = "部署检查 %s" % uuid.uuid4().hex[:8]
    admin_a = deployment.login(0, 'admin', ADMIN_PASSWORD)
    admin_b = deployment.login(1, 'admin', ADMIN_PASSWORD)
    party_id, = admin_a.model('party.party', 'create', [{'name': name}])

    found = admin_b.model('party.party', 'search_read',
        [('name', '=', name)], 0, None, None, ['name'])
    assert found == [{'id': party_id, 'name': name}]


def test_cached_rule_context_invalidated_across_processes(deployment):
    """The departments of an approver, cached by each process for his record
    rules, changed through A, scope his cases through B at once"""
    admin = deployment.login(0, 'admin', ADMIN_PASSWORD)
    approver = deployment.login(1, 'approver')
    user_id, = admin.model('res.user', 'search',
        [('login', '=', 'approver')], 0, None, None)
    mine, = admin.model('res.user', 'read', [user_id], ['departments'])
    other, = admin.model('onewindow.department', 'search',
        [('code', '=', 'MZ')], 0, None, None)
    assert other not in mine['departments']
    other_cases = admin.model('onewindow.case', 'search_count',
        [('department', '=', other)])
    assert other_cases, "the demo has no case of the other department"

    before = approver.model('onewindow.case', 'search_count', [])
    admin.model('res.user', 'write', [user_id], {
            'departments': [('add', [other])]})
    try:
        # The notification of the change reaches B within moments, not
        # after the five minutes of the default clean_timeout
        after = wait(lambda: approver.model(
                'onewindow.case', 'search_count', []) >= (
                before + other_cases), timeout=10)
        assert after, "process B still uses the departments it cached"
    finally:
        admin.model('res.user', 'write', [user_id], {
                'departments': [('remove', [other])]})
    assert wait(lambda: approver.model(
            'onewindow.case', 'search_count', []) == before, timeout=10)
    with pytest.raises(RPCError):
        approver.model('onewindow.case', 'read', [
                admin.model('onewindow.case', 'search',
                    [('department', '=', other)], 0, 1, None)[0]],
            ['number'])


def test_notification_queued_after_commit_is_run_by_the_worker(
        deployment):
    """The center administrator sends a notification again through A: the
    server only queues it, and trytond-worker runs it"""
    center_admin = deployment.login(0, 'center_admin')
    notifications = center_admin.model('onewindow.case.notification',
        'search', [], 0, 1, None)
    assert notifications, "the demo has no notification"
    # The gateway refused it: only a message not sent is sent again
    deployment.sql("UPDATE onewindow_case_notification "
        "SET state = 'failed', error = 'gateway down' WHERE id = %s "
        "RETURNING id", notifications[0])
    [(last_task,)] = deployment.sql('SELECT COALESCE(max(id), 0) '
        'FROM ir_queue')

    center_admin.model('onewindow.case.notification', 'retry',
        notifications)

    def finished():
        return deployment.sql("SELECT id, finished_at FROM ir_queue "
            "WHERE id > %s AND data::text LIKE %s AND finished_at "
            "IS NOT NULL", last_task, '%onewindow.case.notification%')
    tasks = wait(finished, timeout=60)
    assert tasks, "the worker did not run the queued task:\n%s" % (
        deployment.logs[2].read_text()[-3000:])


def test_scheduler_runs_the_card_sweep(deployment):
    "trytond-cron runs the hourly sweep of the supervision cards"
    def swept():
        return deployment.sql("SELECT next_call FROM ir_cron "
            "WHERE method = 'onewindow.card|sweep' AND next_call IS NOT NULL")
    assert wait(swept, timeout=90), (
        "trytond-cron did not run the sweep:\n%s" % (
            deployment.logs[3].read_text()[-3000:]))
