# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Concurrent clients over JSON-RPC against real trytond processes

Each client logs in as a demo user, as the web client does, and repeats
the calls of its role: the department approvers page through their open
cases by deadline (search, read of the list fields, count), the clerks
look cases up by number (search, read).  The clients share the servers
round-robin.  Requests go to 127.0.0.1 only, and each level is bounded in
time and in calls."""
import base64
import http.client
import json
import random
import threading
import time

from .report import percentile

PASSWORD = 'wengyuan-demo'


class RPCError(Exception):
    pass


class Client:

    def __init__(self, url, database):
        host, port = url.split('//', 1)[1].split(':')
        self.host = host
        self.port = int(port)
        self.database = database
        self.authorization = None
        self.context = {}
        self._id = 0

    def call(self, method, *params, auth=True):
        self._id += 1
        body = json.dumps({'id': self._id, 'method': method,
                'params': list(params)})
        headers = {'Content-Type': 'application/json'}
        if auth and self.authorization:
            headers['Authorization'] = self.authorization
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=60)
        try:
            connection.request('POST', '/%s/' % self.database, body,
                headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RPCError('%s %s' % (response.status, response.reason))
        result = json.loads(data)
        if result.get('error'):
            raise RPCError(repr(result['error'])[:200])
        return result.get('result')

    def login(self, login, password):
        user_id, session = self.call('common.db.login', login,
            {'password': password}, 'zh_CN', auth=False)[:2]
        token = '%s:%s:%s' % (login, user_id, session)
        self.authorization = 'Session ' + base64.b64encode(
            token.encode('utf-8')).decode('ascii')
        self.context = self.call('model.res.user.get_preferences', True, {})
        return self

    def model(self, model, method, *args):
        return self.call('model.%s.%s' % (model, method), *args,
            self.context)


class Worker(threading.Thread):
    "One client: repeats the calls of its role until told to stop"

    def __init__(self, index, url, database, role, numbers, fields, stop,
            max_calls):
        super().__init__(daemon=True)
        self.index = index
        self.url = url
        self.database = database
        self.role = role
        self.numbers = numbers
        self.fields = fields
        self.stop = stop
        self.max_calls = max_calls
        self.latencies = []
        self.errors = []
        self.recording = False
        self.rng = random.Random(index)

    def timed(self, model, method, *args):
        start = time.perf_counter()
        try:
            result = self.client.model(model, method, *args)
        except (RPCError, OSError) as exception:
            self.errors.append(str(exception))
            return None
        if self.recording:
            self.latencies.append((time.perf_counter() - start) * 1000)
        return result

    def run(self):
        login = {
            'approver': ['approver', 'approver_mz'][self.index % 2],
            'clerk': 'clerk',
            }[self.role]
        try:
            self.client = Client(self.url, self.database).login(
                login, PASSWORD)
        except (RPCError, OSError) as exception:
            self.errors.append('login %s: %s' % (login, exception))
            return
        self.ready.set()
        while not self.stop.is_set() and len(self.latencies) < (
                self.max_calls):
            if self.role == 'approver':
                domain = [('state', '=', 'accepted')]
                ids = self.timed('onewindow.case', 'search', domain, 0, 80,
                    [('deadline', 'ASC')])
                if ids:
                    self.timed('onewindow.case', 'read', ids, self.fields)
                    if len(ids) == 80:
                        self.timed('onewindow.case', 'search_count',
                            domain, 0, 8000)
            else:
                number = self.rng.choice(self.numbers)
                ids = self.timed('onewindow.case', 'search',
                    [('number', '=', number)], 0, 80, None)
                if ids:
                    self.timed('onewindow.case', 'read', ids, self.fields)


def level(urls, database, clients, numbers, fields, seconds, max_calls,
        warmup=1.0):
    """Run clients concurrent clients for seconds; return calls/s, the
    latencies and the errors"""
    stop = threading.Event()
    workers = []
    for i in range(clients):
        role = 'approver' if i % 2 == 0 else 'clerk'
        worker = Worker(i, urls[i % len(urls)], database, role, numbers,
            fields, stop, max_calls)
        worker.ready = threading.Event()
        workers.append(worker)
        worker.start()
    for worker in workers:
        worker.ready.wait(timeout=120)
    time.sleep(warmup)
    for worker in workers:
        worker.recording = True
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        if all(not w.is_alive() for w in workers):
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - start
    stop.set()
    for worker in workers:
        worker.join(timeout=90)
    latencies = [l for w in workers for l in w.latencies]
    errors = [e for w in workers for e in w.errors]
    return {
        'clients': clients,
        'calls': len(latencies),
        'throughput': len(latencies) / elapsed if elapsed else 0,
        'p50': percentile(latencies, 0.5),
        'p95': percentile(latencies, 0.95),
        'max': max(latencies) if latencies else None,
        'errors': errors,
        }


def cache_check(urls, database, admin_password, wait=1.0):
    """Check that a change made through one trytond process is seen at
    once by another: the record rules of a department approver follow his
    departments, which each process caches ([cache] clean_timeout = 0
    invalidates the caches through the database channel).

    Return (seen, text)."""
    if len(urls) < 2:
        return None, 'one process only'
    admin = Client(urls[0], database).login('admin', admin_password)
    approver = Client(urls[1], database).login('approver', PASSWORD)
    departments = admin.model('onewindow.department', 'search_read',
        [('code', 'in', ['RS', 'MZ'])], 0, None, None, ['code'])
    codes = {d['code']: d['id'] for d in departments}
    user, = admin.model('res.user', 'search', [('login', '=', 'approver')],
        0, None, None)
    mine = admin.model('res.user', 'read', [user], ['departments'])[0][
        'departments']
    other = codes.get('MZ')
    if other is None or other in mine:
        return None, 'no other department to add'
    before = approver.model('onewindow.case', 'search_count', [])
    admin.model('res.user', 'write', [user], {
            'departments': [('add', [other])]})
    try:
        time.sleep(wait)
        after = approver.model('onewindow.case', 'search_count', [])
    finally:
        admin.model('res.user', 'write', [user], {
                'departments': [('remove', [other])]})
    time.sleep(wait)
    again = approver.model('onewindow.case', 'search_count', [])
    seen = after > before and again == before
    return seen, ('the approver counts %s cases, %s after another process '
        'added a department to him, %s after it was removed' % (
            before, after, again))
