# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The online hall and the ratings

- the ratings of the loaded cases, bulk-loaded (one per case: of the whole
  case once delivered, of the acceptance before), for the satisfaction
  statistics;
- the pages as the server answers them: trytond's WSGI application called
  in process (routing, transaction, the page's queries, the rendering), the
  HTTP layer of the network left out; each against the bare route, which
  opens a transaction and returns a constant, measured in the same runs;
- the throughput of the progress lookup over HTTP against two worker
  processes of a production WSGI server (gunicorn), with the bare route of
  the same server as the baseline.

The bare route is registered by the benchmark itself (`register_bare`,
and `bench.wsgi` for the gunicorn workers): it exists in no module and is
never reachable in production."""
import datetime as dt
import http.client
import io
import os
import random
import re
import subprocess
import threading
import time

from .database import BIN, TOP, free_port
from .report import Figure, percentile, timed_group

BARE_PATH = '/<database_name>/bench/bare'
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{32})"')
MB = 1024 * 1024
LOOKUPS = 500
LEVELS = ['very_satisfied', 'satisfied', 'very_satisfied', 'basic',
    'dissatisfied']


def register_bare():
    """Register on trytond's application the baseline route: a transaction
    of the database and a constant answer"""
    from werkzeug.wrappers import Response

    from trytond.protocols.wrappers import with_pool, with_transaction
    from trytond.wsgi import app
    if getattr(app, 'onewindow_bench_bare', False):
        return
    app.onewindow_bench_bare = True

    @app.route(BARE_PATH, methods=['GET', 'POST'])
    @with_pool
    @with_transaction()
    def bench_bare(request, pool):
        return Response('ok', content_type='text/plain')
    # The bodies of the uploads, as the application pages take them
    bench_bare.max_request_size = 25 * MB


def load_ratings(database):
    """Rate every accepted case once with SQL (the level spread as in a
    county hall: about 10% 差评) and return the number of ratings"""
    connection = database.connect()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT to_regclass('onewindow_evaluation')")
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute('''
            INSERT INTO onewindow_evaluation (company, "case", stage, hall,
                matter, department, "window", employee, service_date,
                service_day, level, channel, rating_date, rating_day, rater,
                real_name, "default", state, create_uid, create_date)
            SELECT c.company, c.id,
                CASE WHEN c.delivery_date IS NOT NULL THEN 'case'
                    ELSE 'acceptance' END,
                c.hall, c.matter, c.department, c."window", c.accepted_by,
                COALESCE(c.delivery_date, c.acceptance_date)
                    + interval '10 hours',
                COALESCE(c.delivery_date, c.acceptance_date),
                CASE WHEN c.id % 20 = 0 THEN 'very_dissatisfied'
                    WHEN c.id % 20 = 1 THEN 'dissatisfied'
                    WHEN c.id % 20 < 4 THEN 'basic'
                    WHEN c.id % 20 < 10 THEN 'satisfied'
                    ELSE 'very_satisfied' END,
                (ARRAY['device', 'qr', 'sms', 'portal'])[1 + c.id % 4],
                LEAST(COALESCE(c.delivery_date, c.acceptance_date)
                    + (c.id % 3), current_date) + interval '12 hours',
                LEAST(COALESCE(c.delivery_date, c.acceptance_date)
                    + (c.id % 3), current_date),
                c.applicant, c.id % 4 >= 2, false, 'rated', 0, now()
            FROM onewindow_case c
            WHERE c.acceptance_date IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM onewindow_evaluation e
                    WHERE e."case" = c.id)''')
        count = cursor.rowcount
        connection.commit()
        rebuild_summary(database.name)
        # VACUUM sets the visibility map, for the index-only scans of the
        # satisfaction statistics (as autovacuum does later)
        connection.autocommit = True
        try:
            cursor.execute('VACUUM ANALYZE onewindow_evaluation')
        finally:
            connection.autocommit = False
        return count
    finally:
        connection.close()


def rebuild_summary(dbname):
    """Count the ratings loaded in the summary of the satisfaction
    statistics, as the module's update fills it"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(dbname, 0) as transaction:
        pool = Pool()
        name = 'onewindow.evaluation.statistic.summary'
        if name in {n for n, _ in pool.iterobject()}:
            pool.get(name).rebuild()
            transaction.commit()


class Portal:
    "The measurements of the online hall and of the ratings"

    def __init__(self, measure):
        self.measure = measure
        self.dbname = measure.dbname
        self.pool = measure.pool
        self.sql = measure.sql
        self.runs = measure.runs
        self.rng = random.Random(17)
        self.lookups = []

    def available(self):
        return (self.measure.available('onewindow.application')
            and self.measure.available('onewindow.evaluation'))

    # The in-process client

    def client(self):
        from werkzeug.test import Client

        from trytond.protocols.wrappers import Response
        from trytond.wsgi import app
        return Client(app, Response)

    def url(self, path):
        return '/%s/portal/%s' % (self.dbname, path)

    def token(self, client, path=''):
        response = client.get(self.url(path))
        html = response.get_data(as_text=True)
        match = CSRF.search(html)
        assert match, 'no CSRF token on %s: %s' % (path, html[:300])
        return match.group(1)

    # Preparation

    def prepare(self):
        """Applications to look up (submitted ones, and some passed to a
        case of the load, found by the case number), an applicant's
        account, the matter of the submissions, the ratings to give"""
        from trytond.transaction import Transaction
        register_bare()
        to_link, to_rate = self._prepare_rows()
        with Transaction().start(self.dbname, 0, context={
                    'language': 'zh_CN'}) as transaction:
            pool = self.pool
            Case = pool.get('onewindow.case')
            Evaluation = pool.get('onewindow.evaluation')
            Matter = pool.get('onewindow.matter')
            Window = pool.get('onewindow.window')
            party, user = self._prepare_account()
            self.session = user.new_session()
            matter = Matter(self.submit_matter)
            window, = Window.search([
                    ('departments', '=', matter.department.id)], limit=1)
            self._prepare_form(matter)
            self.submit_values = {
                'company': matter.company.id, 'hall': window.hall.id,
                'matter': matter.id, 'applicant': party.id,
                'applicant_kind': 'natural', 'web_user': user.id,
                'phone': user.mobile, 'channel': 'online',
                }
            self._prepare_lookups(transaction, matter, party, to_link)
            # Pending ratings of the delivery, each with its text message
            # link
            pending = Evaluation.issue(Case.browse(to_rate), 'delivery')
            self.rate_tokens = [e.new_link('sms') for e in pending]
            Reason = pool.get('onewindow.evaluation.reason')
            reasons = Reason.search([], limit=1)
            self.reason = reasons[0].id if reasons else None
            transaction.commit()

    def _prepare_rows(self):
        """Read the clerk, the matters, the cases to link to applications
        and those to rate; return the last two"""
        cursor = self.sql.cursor()
        cursor.execute("SELECT id FROM res_user WHERE login = 'clerk'")
        self.clerk, = cursor.fetchone()
        # The matter of the submissions: five materials or the nearest
        # count above, none beyond the fifth required
        cursor.execute('''
            SELECT m.id FROM onewindow_matter m
            JOIN onewindow_matter_material mm ON mm.matter = m.id
            WHERE m.state = 'published'
                AND m.applicant_kind IN ('natural', 'both')
                AND EXISTS (SELECT 1 FROM "onewindow_window-onewindow_department"
                    wd WHERE wd.department = m.department)
                AND NOT EXISTS (SELECT 1 FROM onewindow_matter_form_field f
                    WHERE f.matter = m.id AND f.content IS NOT NULL)
            GROUP BY m.id
            HAVING count(mm.id) >= 5
                AND count(*) FILTER (WHERE mm.requirement = 'required') <= 5
            ORDER BY count(mm.id), m.id LIMIT 1''')
        row = cursor.fetchone()
        if not row:
            raise RuntimeError('no published matter with 5 materials')
        self.submit_matter, = row
        cursor.execute("SELECT id FROM onewindow_matter "
            "WHERE state = 'published' ORDER BY id")
        self.matters = [i for i, in cursor.fetchall()]
        # (of published matters: a run on a reused database links cases
        # further back, down to the matters of older versions)
        cursor.execute("SELECT c.id, c.number FROM onewindow_case c "
            "JOIN onewindow_matter m ON m.id = c.matter "
            "WHERE c.number IS NOT NULL AND c.application IS NULL "
            "AND c.delivery_date IS NOT NULL AND m.state = 'published' "
            "ORDER BY c.id DESC LIMIT %s", (LOOKUPS // 2,))
        to_link = cursor.fetchall()
        cursor.execute("SELECT c.id FROM onewindow_case c "
            "WHERE c.state IN ('delivered', 'archived') AND NOT EXISTS ("
            "SELECT 1 FROM onewindow_evaluation e WHERE e.\"case\" = c.id "
            "AND e.stage = 'delivery') ORDER BY c.id DESC LIMIT %s",
            (self.runs['intake'] * 2 + 10,))
        to_rate = [i for i, in cursor.fetchall()]
        self.sql.rollback()
        return to_link, to_rate

    def _prepare_account(self):
        "Return the party and the account of an online applicant"
        pool = self.pool
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        User = pool.get('web.user')
        from stdnum.cn import ric
        body = '44022919900101%03d' % self.rng.randrange(1000)
        code = body + ric.calc_check_digit(body + '0')
        identifiers = Identifier.search([('code', '=', code)], limit=1)
        if identifiers:
            party = identifiers[0].party
        else:
            party = Party(name="网上申请人", identifiers=[
                    Identifier(type='cn_ric', code=code)])
            party.save()
        users = User.search([('party', '=', party.id)], limit=1)
        if users:
            user, = users
        else:
            user, = User.create([{'party': party.id, 'email': None,
                        'mobile': '139%08d' % self.rng.randrange(
                            10 ** 8)}])
        return party, user

    def _prepare_form(self, matter):
        "Fill the form of the matter"
        self.form = {}
        for field in matter.form_fields:
            value = {'integer': '1', 'float': '1', 'numeric': '1',
                'boolean': 'on', 'date': dt.date.today().isoformat(),
                }.get(field.type_, "网上申请")
            if field.type_ == 'selection':
                value = (field.selection or 'x:x').splitlines()[0].split(
                    ':')[0].strip()
            self.form['field_%s' % field.name] = value

    def _prepare_lookups(self, transaction, matter, party, to_link):
        """Create the applications to look up, some passed to the cases
        to_link"""
        from trytond.modules.onewindow_portal.application import (
            hash_query_code, new_query_code)
        pool = self.pool
        Application = pool.get('onewindow.application')
        Case = pool.get('onewindow.case')
        Configuration = pool.get('onewindow.application.configuration')
        # Applications to look up: submitted ones by their number, and
        # passed ones by the number of their case
        sequence = Configuration(1).application_sequence
        vlist, codes = [], []
        cases = Case.browse([i for i, _ in to_link])
        for i in range(LOOKUPS):
            query_code = new_query_code()
            codes.append(query_code)
            case = cases[i] if i < len(cases) else None
            vlist.append(dict(self.submit_values,
                    matter=case.matter.id if case else matter.id,
                    applicant=case.applicant.id if case else party.id,
                    department=(case.department.id if case
                        else matter.department.id),
                    number=sequence.get(),
                    query_code_hash=hash_query_code(query_code),
                    state='passed' if case else 'submitted',
                    submission_date=dt.date.today(),
                    case=case.id if case else None,
                    web_user=None))
        applications = Application.create(vlist)
        cursor = transaction.connection.cursor()
        for case, application in zip(cases, applications):
            cursor.execute('UPDATE onewindow_case SET application = %s '
                'WHERE id = %s', (application.id, case.id))
        for application, query_code, case in zip(
                applications, codes, cases + [None] * LOOKUPS):
            self.lookups.append((
                    case.number if case else application.number,
                    query_code))

    # In-process measurements

    def measure_all(self):
        self.pages()
        self.submission()
        self.rating()

    def pages(self):
        figures = self.measure.figures
        client = self.client()
        token = self.token(client, 'lookup')
        bare = Figure('portal_bare',
            'baseline: bare route, a transaction and a constant')
        lookup = Figure('portal_lookup',
            'progress lookup, number + query code (server-side)')
        matter = Figure('portal_matter',
            'a matter page, the service guide online (server-side)')
        rng = random.Random('portal')
        bare_url = '/%s/bench/bare' % self.dbname

        def run_bare(i):
            response = client.post(bare_url, data={'csrf_token': token})
            assert response.status_code == 200, response.status_code

        def run_lookup(i):
            number, code = rng.choice(self.lookups)
            response = client.post(self.url('lookup'), data={
                    'csrf_token': token, 'number': number, 'code': code})
            assert response.status_code == 200, (
                response.status_code, response.get_data(as_text=True)[:500])

        def run_matter(i):
            response = client.get(self.url(
                    'matter/%d' % rng.choice(self.matters)))
            assert response.status_code == 200, response.status_code
        runs = self.runs['search']
        timed_group([(bare, run_bare), (lookup, run_lookup),
                (matter, run_matter)], runs)
        from .measure import count_queries
        count_queries(lookup, run_lookup)
        count_queries(matter, run_matter)
        for figure in [lookup, matter]:
            figure.baseline = bare
        lookup.note = '%s applications and cases to look up' % len(
            self.lookups)
        for figure in [bare, lookup, matter]:
            figures[figure.key] = figure
            self.measure.emit(figure)

    def submission(self):
        """An applicant submits his application with 5 uploads of 1 MB
        (the draft is made untimed before each run)"""
        from trytond.transaction import Transaction
        figures = self.measure.figures
        Application = self.pool.get('onewindow.application')
        client = self.client()
        client.set_cookie('ow_session', self.session,
            path='/%s/portal/' % self.dbname)
        token = self.token(client, 'my')
        files = [b'%PDF-1.4\n' + bytes([65 + n]) * (MB - 9)
            for n in range(5)]
        figure = Figure('portal_submit',
            'submission with 5 uploads of 1 MB (server-side)')
        bare = Figure('portal_bare_submit',
            'baseline: bare route, with the same 5 MB body')
        drafts = []

        def draft():
            with Transaction().start(self.dbname, 0) as transaction:
                application = Application(**self.submit_values)
                application.on_change_matter()
                application.save()
                slots = ['file_%d' % m.id for m in application.materials]
                transaction.commit()
            return application.id, slots

        def body(slots):
            data = dict(self.form, csrf_token=token, action='submit')
            for slot, content in zip(slots, files):
                data[slot] = (io.BytesIO(content),
                    '%s.pdf' % slot)
            return data

        def run(i):
            application_id, slots = drafts.pop()
            response = client.post(
                self.url('application/%d' % application_id),
                data=body(slots), content_type='multipart/form-data')
            html = response.get_data(as_text=True)
            assert response.status_code == 200 and 'class="code"' in html, (
                response.status_code, re.findall(
                    r'<li>(.*?)</li>', html)[:5] or html[:500])

        def run_bare(i):
            response = client.post('/%s/bench/bare' % self.dbname,
                data=body(['file_%d' % n for n in range(5)]),
                content_type='multipart/form-data')
            assert response.status_code == 200, response.status_code
        runs = self.runs['intake']
        for _ in range(runs + 3):
            drafts.append(draft())
        timed_group([(bare, run_bare), (figure, run)], runs, warmup=1)
        from .measure import count_queries
        drafts.append(draft())
        count_queries(figure, run)
        figure.baseline = bare
        figure.note = 'matter %s, %s slots' % (
            self.submit_matter, len(files))
        for f in [figure, bare]:
            figures[f.key] = f
            self.measure.emit(f)

    def rating(self):
        """An applicant rates the delivery through the link of his text
        message (every fifth a bad rating with a reason, which opens its
        rectification)"""
        figures = self.measure.figures
        client = self.client()
        tokens = list(self.rate_tokens)
        figure = Figure('rating_submit',
            'a rating submitted through its link (server-side)')
        bare = figures.get('portal_bare')

        def run(i):
            rate_token = tokens.pop()
            csrf = self.token(client, 'rate/' + rate_token)
            level = LEVELS[i % len(LEVELS)]
            data = {'csrf_token': csrf, 'level': level}
            if level == 'dissatisfied' and self.reason:
                data['reasons'] = str(self.reason)
            start = time.perf_counter()
            response = client.post(self.url('rate/' + rate_token), data=data)
            ms = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (
                response.status_code, response.get_data(as_text=True)[:500])
            if i >= 0:
                figure.add(ms)
        runs = min(self.runs['intake'], len(tokens) - 3)
        for i in range(2):
            run(-1 - i)
        for i in range(runs):
            run(i)
        figure.baseline = bare
        figure.note = ('1 in %s a bad rating with its rectification; the '
            'GET of the page untimed' % len(LEVELS))
        figures[figure.key] = figure
        self.measure.emit(figure)


class Gunicorn:
    """A production WSGI server (gunicorn) with its worker processes on
    the benchmark database, the bare route registered in each worker"""

    def __init__(self, database, workers=2):
        self.database = database
        self.workers = workers
        self.port = free_port()
        self.url = 'http://127.0.0.1:%s' % self.port
        self.process = None

    def start(self, timeout=120):
        config = self.database.write_config(path=os.path.join(
                self.database.workdir, 'gunicorn.conf'))
        self.log = open(os.path.join(
                self.database.workdir, 'gunicorn.log'), 'w')
        env = dict(self.database.env, TRYTOND_CONFIG=config,
            TRYTOND_DATABASE_NAMES=self.database.name,
            PYTHONPATH=os.path.join(TOP, 'scripts'))
        self.process = subprocess.Popen([
                os.path.join(BIN, 'gunicorn'), '--workers',
                str(self.workers), '--bind', '127.0.0.1:%s' % self.port,
                '--timeout', '120', 'bench.wsgi:app'],
            cwd=TOP, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        end = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError('gunicorn stopped (exit %s), see %s' % (
                        self.process.returncode, self.log.name))
            try:
                status, _ = request(self.port, 'GET',
                    '/%s/bench/bare' % self.database.name)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > end:
                raise RuntimeError('gunicorn does not answer')
            time.sleep(0.3)
        return self

    def worker_pids(self):
        "Return the process ids of the workers (none where /proc lacks them)"
        pid = self.process.pid
        try:
            with open('/proc/%s/task/%s/children' % (pid, pid)) as fp:
                return [int(p) for p in fp.read().split()]
        except OSError:
            return []

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def cpu_seconds(pids):
    """Return the CPU time (user and system) the processes have used, in
    seconds, or None where /proc does not tell it"""
    total = 0
    try:
        for pid in pids:
            with open('/proc/%s/stat' % pid) as fp:
                fields = fp.read().rsplit(')', 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None
    return total / os.sysconf('SC_CLK_TCK')


def throughput(port, database, lookups, clients, seconds, pids=(),
        slices=6):
    """Run clients threads against the bare route and the lookup, in turns
    of seconds / slices each (so that both see the same minutes of a shared
    machine); return {kind: (calls/s, p50, p95, errors, CPU ms per call of
    the processes pids or None)}"""
    results = {}
    totals = {kind: {'calls': [], 'errors': [], 'elapsed': 0., 'cpu': 0.}
        for kind in ['bare', 'lookup']}
    tokens = []
    for _ in range(clients):
        status, html = request(port, 'GET', '/%s/portal/lookup' % database)
        tokens.append(CSRF.search(html.decode()).group(1))
    for turn in range(slices):
        for kind in ['bare', 'lookup']:
            cpu = cpu_seconds(pids)
            latencies, errors, elapsed = _run_clients(port, database,
                lookups, tokens, seconds / slices, kind, turn)
            after = cpu_seconds(pids)
            total = totals[kind]
            total['calls'].extend(latencies)
            total['errors'].extend(errors)
            total['elapsed'] += elapsed
            if cpu is None or after is None or total['cpu'] is None:
                total['cpu'] = None
            else:
                total['cpu'] += after - cpu
    for kind, total in totals.items():
        calls = total['calls']
        cpu = (total['cpu'] * 1000 / len(calls)
            if total['cpu'] is not None and calls else None)
        results[kind] = (len(calls) / (total['elapsed'] or 1),
            percentile(calls, 0.5), percentile(calls, 0.95),
            total['errors'], cpu)
    return results


def _run_clients(port, database, lookups, tokens, seconds, kind, turn,
        max_calls=20000):
    """Run a client thread for each CSRF token for seconds against the kind
    of call; return the latencies, the errors and the time elapsed"""
    from urllib.parse import urlencode
    stop = threading.Event()
    latencies, errors = [], []
    lock = threading.Lock()

    def worker(index):
        rng = random.Random('%s-%s' % (index, turn))
        token = tokens[index]
        cookie = 'ow_csrf=%s' % token
        mine = []
        while not stop.is_set() and len(mine) < max_calls:
            if kind == 'bare':
                path, body = '/%s/bench/bare' % database, ''
            else:
                number, code = rng.choice(lookups)
                path = '/%s/portal/lookup' % database
                body = urlencode({'csrf_token': token,
                        'number': number, 'code': code})
            start = time.perf_counter()
            try:
                status, _ = request(port, 'POST', path, body, {
                        'Content-Type': 'application/x-www-form-urlencoded',
                        'Cookie': cookie})
            except OSError as e:
                status = str(e)
            if status != 200:
                with lock:
                    errors.append(status)
                continue
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
    threads = [threading.Thread(target=worker, args=(i,), daemon=True)
        for i in range(len(tokens))]
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    return latencies, errors, time.perf_counter() - begin
