# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Anonymous and cross-account attacks on the online hall, over HTTP

An applicant A applies with a file and gets a case; a second account B and
a visitor without account then try to reach A's data in every way the
pages allow: enumerating numbers, guessing query codes, reading A's
applications, files and notices by id, forging POSTs without the CSRF
token, writing script into fields and file names, walking paths out of the
static folder, sending oversized bodies and bypassing the SMS code.  A leak
is an answer that carries any of A's secrets (name, resident ID, mobile,
file content, query code) or a traceback; the figures are printed."""
import io
from collections import Counter

from trytond.config import config
from trytond.modules.onewindow_approval.tests.tools import resident_id
from trytond.modules.onewindow_portal.tests.tools import (
    NUMBER, QUERY, ApplicantRouteTestCase)

from .conftest import report_figures

SECRET_FILE = b'%PDF-1.4\n% SECRET-A-FILE-CONTENT\n'
SECRET_NAME = "欧阳秘密"
SECRET_MOBILE = '13911112222'


class PortalAttackTestCase(ApplicantRouteTestCase):
    "Attack the portal as a visitor and as another account"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Wide enough limits to try many times; the limits themselves are
        # attacked at the end with the defaults
        config.set('portal', 'max_attempt_ip', '100000')

    @classmethod
    def tearDownClass(cls):
        config.remove_option('portal', 'max_attempt_ip')
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.attempts = Counter()
        self.leaks = []

    def secrets(self):
        return [SECRET_NAME.encode(), resident_id(31).encode(),
            SECRET_MOBILE.encode(), b'SECRET-A-FILE-CONTENT',
            self.query_code.encode(), b'Traceback', b'File "/']

    def check(self, kind, response, allowed=(303, 308, 400, 403, 404, 405,
                411, 413, 429), sent=()):
        "Count the attempt; a leak unless the answer is allowed and clean"
        self.attempts[kind] += 1
        body = response.data
        # What the attacker sent himself may be printed back
        leaked = [s for s in self.secrets() if s in body and s not in sent]
        if leaked or response.status_code not in allowed:
            self.leaks.append((kind, response.status_code, leaked))

    def test_attacks(self):
        # A applies with a secret file; the window passes it
        owner = self.register(SECRET_MOBILE, SECRET_NAME, 31)
        path = self.start(owner)
        field = self.material_field(owner, path)
        token = self.csrf(owner, path)
        response = owner.post(self.url(path), data={
                'csrf_token': token, 'action': 'submit',
                'field_reason': "机密理由",
                field: (io.BytesIO(SECRET_FILE), 'secret.pdf'),
                }, content_type='multipart/form-data')
        html = response.get_data(as_text=True)
        number = NUMBER.search(html).group(1)
        self.query_code = QUERY.search(html).group(1)
        application_id = int(path.split('/')[1])
        with self.transaction() as transaction:
            Application = self.pool.get('onewindow.application')
            Attachment = self.pool.get('ir.attachment')
            application = Application(application_id)
            Application.pass_review([application])
            case_id = application.case.id
            file_ids = [a.id for m in application.materials
                for a in m.files]
            max_file = max(a.id for a in Attachment.search([]))
            transaction.commit()

        other = self.register('13922223333', "钱多多", 32)
        other_path = self.start(other)
        visitor = self.client()

        # Enumerating numbers and guessing codes
        prefix = number[:-6]
        for i in range(1, 41):
            self.check('enumerate numbers', self.post(visitor, 'lookup', {
                        'number': '%s%06d' % (prefix, i),
                        'code': 'ABCDEFGH'}))
        for code in ['ABCDEFG%s' % c for c in 'ABCDEFGHJK'] + [
                '', ' ', '%', '*', "' OR '1'='1", self.query_code[:-1],
                self.query_code[:6], self.query_code + 'A', 'None',
                '${code}']:
            self.check('guess codes', self.post(visitor, 'lookup', {
                        'number': number, 'code': code}))

        # Another account and a visitor read A's records by id
        for client, who in [(other, 'other account'), (visitor, 'visitor')]:
            for id_ in range(1, application_id + 20):
                if client is other and '%d' % id_ == other_path.split(
                        '/')[1]:
                    continue
                self.check('%s reads applications' % who,
                    self.get(client, 'application/%d' % id_))
            for file_id in file_ids + list(range(1, max_file + 10)):
                self.check('%s reads files' % who, self.get(client,
                        'application/%d/file/%d' % (
                            application_id, file_id)))
                self.check('%s reads files' % who, self.get(client,
                        '%s/file/%d' % (other_path, file_id))
                    if client is other else self.get(client,
                        'application/0/file/%d' % file_id))
            for kind in ['acceptance', 'supplement', 'refusal', 'decision',
                    'pickup', '../etc']:
                self.check('%s reads notices' % who, self.get(client,
                        'case/%d/notice/%s' % (case_id, kind)))
            self.check('%s changes delivery' % who, self.post(client,
                    'case/%d/delivery' % case_id, {
                        'method': 'courier', 'address': 'x'}))
            self.check('%s reads the supplement' % who, self.get(client,
                    'case/%d/supplement' % case_id))
            self.check('%s uploads a supplement' % who, self.post(client,
                    'case/%d/supplement' % case_id, {
                        'file_1': (io.BytesIO(b'%PDF-1.4 x'), 'x.pdf')},
                    content_type='multipart/form-data'))
            self.check('%s withdraws' % who, self.post(client,
                    'application/%d' % application_id, {
                        'action': 'withdraw'}))
        self.assertNotIn(SECRET_NAME, self.get(other, 'my').get_data(
                as_text=True))
        self.attempts['other account lists'] += 1

        # Forged POSTs: no token, a wrong one, another client's
        other_token = self.csrf(other, '')
        for token in [None, '', '0' * 32, other_token]:
            for target in ['lookup', 'login', 'register', 'logout',
                    'identity', 'apply/%d' % self.ids['matter'],
                    other_path]:
                client = visitor if token == other_token else other
                if token == other_token:
                    data = {'csrf_token': token, 'number': number,
                        'code': self.query_code, 'mobile': SECRET_MOBILE}
                    response = visitor.post(self.url(target), data=data)
                else:
                    data = {'number': number, 'code': self.query_code}
                    if token is not None:
                        data['csrf_token'] = token
                    response = client.post(self.url(target), data=data)
                self.check('forged POST', response, allowed=(403,))

        # Script in the fields and the file names, printed back escaped
        field = self.material_field(other, other_path)
        for text in ['<script>alert(1)</script>', '"><img src=x onerror=1>',
                "{{ 7*7 }}", "%(code)s", "'; DROP TABLE party_party; --"]:
            token = self.csrf(other, other_path)
            response = other.post(self.url(other_path), data={
                    'csrf_token': token, 'action': 'save',
                    'field_reason': text,
                    field: (io.BytesIO(b'%PDF-1.4\n'), text + '.pdf'),
                    }, content_type='multipart/form-data')
            html = self.get(other, other_path).get_data(as_text=True)
            self.attempts['script in fields and names'] += 1
            if ('<script>alert' in html or '<img src=x' in html
                    or '>49<' in html):
                self.leaks.append(('script', text, None))
        response = self.get(other, '', query_string={
                'q': '<script>alert(1)</script>'})
        self.attempts['script in fields and names'] += 1
        if b'<script>alert(1)' in response.data:
            self.leaks.append(('script in search', None, None))

        # Paths out of the static folder and of the downloads
        for target in ['static/../web.py', 'static/..%2f..%2fweb.py',
                'static/%2e%2e/%2e%2e/tryton.cfg', 'static//etc/passwd',
                'static/....//web.py', 'static/portal.css/../../web.py',
                '../../../etc/passwd', 'matter/%d/material/1/..%%2fdata'
                % self.ids['matter'], 'matter/%d/guide.pdf/../../x'
                % self.ids['matter'],
                'application/%d/file/..%%2f1' % application_id]:
            response = self.get(visitor, target)
            self.check('path traversal', response)
            if b'import ' in response.data or b'root:' in response.data:
                self.leaks.append(('path traversal', target, None))

        # Oversized bodies
        for size in [3, 30, 64]:
            response = visitor.post(self.url('lookup'), data={
                    'number': 'x' * (size * 1024 * 1024),
                    'csrf_token': self.csrf(visitor, '')})
            self.check('oversized body', response, allowed=(413,))

        # Bypassing the SMS code
        attacker = self.client()
        target = '13933334444'
        self.post(attacker, 'register', {'mobile': target, 'action': 'code'})
        for data in [
                {'code': ''}, {'code': '000000'}, {'code': '123456'},
                {'code': ' '}, {'code': '0' * 100}, {'code': None},
                {'code': '%'}, {'code': "' OR 1=1 --"},
                {'action': 'register', 'code': '999999'},
                {'mobile': SECRET_MOBILE, 'code': '000000'}]:
            values = {'mobile': target, 'password': 'attacker-pass',
                'confirm': 'attacker-pass', 'action': 'register'}
            values.update({k: v for k, v in data.items() if v is not None})
            self.check('SMS code bypass', self.post(
                    attacker, 'register', values), allowed=(200, 303),
                sent=[values['mobile'].encode()])
        for data in [{'code': '000000'}, {'code': ''}, {'code': '111111'}]:
            values = {'mobile': SECRET_MOBILE, 'password': 'attacker-pass',
                'confirm': 'attacker-pass', 'action': 'reset'}
            values.update(data)
            self.check('SMS code bypass', self.post(
                    attacker, 'reset', values), allowed=(200,),
                sent=[SECRET_MOBILE.encode()])
        with self.transaction():
            User = self.pool.get('web.user')
            if User.search([('mobile', '=', target)]):
                self.leaks.append(('SMS code bypass', target, None))
            owner_user, = User.search([('mobile', '=', SECRET_MOBILE)])
            valid, _ = User.check_password(
                'attacker-pass', owner_user.password_hash)
            if valid:
                self.leaks.append(('password reset bypass', None, None))
        self.assertEqual(self.get(owner, 'my').status_code, 200)

        # The lookup limit per number holds with the default limits
        config.remove_option('portal', 'max_attempt_ip')
        statuses = [self.post(self.client(), 'lookup', {
                    'number': number, 'code': 'WRONGCODE'}).status_code
            for _ in range(12)]
        config.set('portal', 'max_attempt_ip', '100000')
        self.attempts['rate limit per number'] += len(statuses)
        if statuses[-1] != 429:
            self.leaks.append(('rate limit per number', statuses, None))
        response = self.post(self.client(), 'lookup', {
                'number': number, 'code': self.query_code})
        # Even the right code waits once the number is locked
        self.check('rate limit per number', response, allowed=(429,))

        total = sum(self.attempts.values())
        lines = ['Portal attacks: %d attempts, %d leaks' % (
                total, len(self.leaks))]
        lines += ['  %s: %d' % (k, v) for k, v in sorted(
                self.attempts.items())]
        report_figures('\n'.join(lines))
        self.assertEqual(self.leaks, [])
        self.assertGreaterEqual(total, 200)

