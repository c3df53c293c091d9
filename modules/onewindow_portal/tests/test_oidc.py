# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The login through the province's unified identity authentication,
against a small OpenID Connect provider started by the test"""
import http.client
from urllib.parse import parse_qs, quote, urlsplit

from joserfc.jwk import RSAKey

from trytond.config import config
from trytond.modules.onewindow_approval.tests.tools import resident_id
from trytond.modules.onewindow_portal.tests.oidc_provider import (
    Provider, s256)
from trytond.modules.onewindow_portal.tests.tools import (
    ApplicantRouteTestCase)
from trytond.tests.test_tryton import DB_NAME

OPTIONS = {
    'client_id': 'onewindow',
    'client_secret': 's3cret',
    'scope': 'openid profile',
    'claim': 'id_card',
    'claim_type': 'resident_id',
    'label': '广东省统一身份认证登录',
    }


class OIDCTestCase(ApplicantRouteTestCase):
    "Test the login through the unified identity authentication"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = Provider().start()
        for name, value in dict(OPTIONS, issuer=cls.provider.url).items():
            config.set('portal', 'oidc_' + name, value)

    @classmethod
    def tearDownClass(cls):
        for name in list(OPTIONS) + ['issuer']:
            config.remove_option('portal', 'oidc_' + name)
        cls.provider.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.provider.tamper = {}
        self.provider.claims = {}

    def resident(self, number, name):
        "The provider verifies this resident at his next login"
        self.provider.claims = {'id_card': resident_id(number), 'name': name}

    def session(self, client):
        return client.get_cookie('ow_session', path='/%s/portal/' % DB_NAME)

    def start_login(self, client):
        """Open the login through the identity authentication; return the
        parameters of the authorization request sent to the provider"""
        response = self.get(client, 'oidc/login')
        self.assertEqual(response.status_code, 303, response.data)
        location = response.headers['Location']
        self.assertTrue(location.startswith(
                self.provider.url + '/authorize?'), location)
        return location

    def approve(self, location):
        """The provider's answer to the browser sent to location: the URL
        of the callback"""
        url = urlsplit(location)
        connection = http.client.HTTPConnection(url.hostname, url.port,
            timeout=10)
        try:
            connection.request('GET', url.path + '?' + url.query)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        self.assertEqual(response.status, 302)
        return response.getheader('Location')

    def callback(self, client, url):
        url = urlsplit(url)
        return client.get(url.path, query_string=url.query)

    def log_in(self, client=None):
        "Log in through the provider; return the client and the answer"
        client = client or self.client()
        response = self.callback(
            client, self.approve(self.start_login(client)))
        return client, response

    def accounts(self):
        with self.transaction():
            User = self.pool.get('web.user')
            return User.search_count([('active', 'in', [True, False])])

    def assert_refused(self, client, response):
        self.assertEqual(response.status_code, 403, response.data)
        html = response.get_data(as_text=True)
        self.assertIn("统一身份认证登录失败", html)
        self.assertIsNone(self.session(client))
        # Not logged in: "my applications" sends to the login page
        response = self.get(client, 'my')
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers['Location'].endswith('/login'))

    def test_login_page(self):
        "The login page offers the identity authentication"
        html = self.get(self.client(), 'login').get_data(as_text=True)
        self.assertIn('广东省统一身份认证登录', html)
        self.assertIn('/portal/oidc/login', html)

    def test_authorization_request(self):
        "The provider is asked for a code with PKCE, a state and a nonce"
        client = self.client()
        location = self.start_login(client)
        params = {k: v[0] for k, v in parse_qs(
                urlsplit(location).query).items()}
        self.assertEqual(params['response_type'], 'code')
        self.assertEqual(params['client_id'], 'onewindow')
        self.assertEqual(params['scope'], 'openid profile')
        self.assertEqual(params['code_challenge_method'], 'S256')
        self.assertTrue(params['redirect_uri'].endswith(
                '/%s/portal/oidc/callback' % quote(DB_NAME)))
        with self.transaction():
            Request = self.pool.get('onewindow.portal.oidc.request')
            request, = Request.search([('state', '=', params['state'])])
            self.assertEqual(request.nonce, params['nonce'])
            self.assertEqual(
                s256(request.code_verifier), params['code_challenge'])
            # The verifier itself never leaves the server but to the
            # token endpoint
            self.assertNotIn(request.code_verifier, location)
        self.assertGreaterEqual(len(params['state']), 32)
        self.assertGreaterEqual(len(params['nonce']), 32)
        other = self.start_login(self.client())
        self.assertNotEqual(parse_qs(urlsplit(other).query)['state'][0],
            params['state'])

    def test_new_resident(self):
        "A resident new to the hall gets an account bound to his ID"
        self.resident(101, "赵文华")
        before = self.accounts()
        client, response = self.log_in()
        self.assertEqual(response.status_code, 303, response.data)
        self.assertTrue(response.headers['Location'].endswith('/portal/my'))
        self.assertTrue(self.session(client))
        html = self.get(client, 'my').get_data(as_text=True)
        self.assertIn("我的办件", html)
        self.assertNotIn("绑定实名", html)
        self.assertEqual(self.accounts(), before + 1)
        with self.transaction():
            User = self.pool.get('web.user')
            Identifier = self.pool.get('party.identifier')
            identifier, = Identifier.search([
                    ('type', '=', 'cn_ric'),
                    ('code', '=', resident_id(101))])
            self.assertEqual(identifier.party.name, "赵文华")
            user, = User.search([('party', '=', identifier.party.id)])
            self.assertFalse(user.password_hash)
        # The token request carried the verifier of the challenge and the
        # client's credentials (the provider checked both)
        self.assertTrue(self.provider.token_requests[-1]['code_verifier'])

        # The next login finds the same account
        client, response = self.log_in()
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.accounts(), before + 1)

    def test_lands_on_my_applications(self):
        """An applicant registered by mobile, with a draft, logs in through
        the identity authentication into the same account"""
        client = self.register('13900000021', "孙丽萍", 121)
        path = self.start(client)
        application_id = int(path.split('/')[1])
        before = self.accounts()

        self.resident(121, "孙丽萍")
        other, response = self.log_in()
        self.assertEqual(response.status_code, 303, response.data)
        response = self.get(other, 'my')
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        self.assertIn("我的办件", html)
        self.assertIn("application/%d" % application_id, html)
        self.assertIn("Employment", html)
        self.assertIn("退出", html)
        self.assertEqual(self.accounts(), before)
        response = self.get(other, path)
        self.assertEqual(response.status_code, 200)

    def test_existing_party_without_account(self):
        "A party known at the window gets its account, not a new party"
        self.resident(1, "Wang")
        with self.transaction():
            Party = self.pool.get('party.party')
            parties = Party.search_count([])
        client, response = self.log_in()
        self.assertEqual(response.status_code, 303, response.data)
        with self.transaction():
            Party = self.pool.get('party.party')
            User = self.pool.get('web.user')
            self.assertEqual(Party.search_count([]), parties)
            user, = User.search([('party', '=', self.ids['applicant'])])

    def test_mobile_claim(self):
        "With the mobile number as claim, the account of the number"
        self.register('13900000031', "钱志明", 131)
        before = self.accounts()
        config.set('portal', 'oidc_claim_type', 'mobile')
        config.set('portal', 'oidc_claim', 'phone_number')
        try:
            self.provider.claims = {'phone_number': '+86 139 0000 0031'}
            other, response = self.log_in()
            self.assertEqual(response.status_code, 303, response.data)
            html = self.get(other, 'my').get_data(as_text=True)
            self.assertIn("我的办件", html)
            self.assertEqual(self.accounts(), before)
            with self.transaction():
                User = self.pool.get('web.user')
                user, = User.search([('mobile', '=', '13900000031')])
                self.assertEqual(user.party.name, "钱志明")
            # A number never seen makes an account of its own
            self.provider.claims = {'phone_number': '13900000032'}
            other, response = self.log_in()
            self.assertEqual(response.status_code, 303, response.data)
            self.assertEqual(self.accounts(), before + 1)
        finally:
            config.set('portal', 'oidc_claim_type', 'resident_id')
            config.set('portal', 'oidc_claim', 'id_card')

    def test_deactivated_account(self):
        "A deactivated account is not opened again by the provider"
        self.resident(141, "周海燕")
        client, response = self.log_in()
        self.assertEqual(response.status_code, 303)
        with self.transaction() as transaction:
            User = self.pool.get('web.user')
            Identifier = self.pool.get('party.identifier')
            identifier, = Identifier.search([
                    ('code', '=', resident_id(141))])
            users = User.search([('party', '=', identifier.party.id)])
            User.write(users, {'active': False})
            transaction.commit()
        before = self.accounts()
        client, response = self.log_in()
        self.assertEqual(response.status_code, 403)
        self.assertIsNone(self.session(client))
        self.assertEqual(self.accounts(), before)

    # Refusals

    def test_wrong_state(self):
        "A callback with a state the portal did not send is refused"
        self.resident(151, "吴振华")
        before = self.accounts()
        client = self.client()
        url = self.approve(self.start_login(client))
        response = self.callback(
            client, url.replace('state=', 'state=x'))
        self.assert_refused(client, response)
        response = self.callback(client, url.split('&state=')[0])
        self.assert_refused(client, response)
        self.assertEqual(self.accounts(), before)

    def test_state_of_another_browser(self):
        """A callback URL started in one browser does not log in another
        (login CSRF), and a state is taken once"""
        self.resident(152, "郑伟明")
        before = self.accounts()
        victim = self.client()
        url = self.approve(self.start_login(self.client()))
        # The victim has a login of his own under way
        self.start_login(victim)
        self.assert_refused(victim, self.callback(victim, url))

        client = self.client()
        url = self.approve(self.start_login(client))
        response = self.callback(client, url)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.accounts(), before + 1)
        replay = self.client()
        self.start_login(replay)
        self.assertEqual(self.callback(replay, url).status_code, 403)

    def refused(self, **tamper):
        "The provider's next ID token is changed by tamper: refused"
        self.resident(160 + len(self.provider.token_requests) % 30,
            "冯建国")
        self.provider.tamper = tamper
        before = self.accounts()
        client, response = self.log_in()
        self.assert_refused(client, response)
        self.assertEqual(self.accounts(), before)

    def test_wrong_nonce(self):
        "An ID token with another nonce is refused, or with none"
        self.refused(nonce='a-nonce-of-another-login')
        self.refused(nonce=None)

    def test_bad_signature(self):
        "An ID token signed by another key than the published one is refused"
        self.refused(key=RSAKey.generate_key(2048,
                parameters={'kid': 'k1'}))

    def test_expired(self):
        "An expired ID token is refused"
        import time
        self.refused(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)

    def test_wrong_audience(self):
        "An ID token issued to another client is refused"
        self.refused(aud='another-client')
        self.refused(aud=['another-client', 'a-third'])

    def test_wrong_issuer(self):
        "An ID token of another issuer is refused"
        self.refused(iss='https://elsewhere.example.com')

    def test_invalid_resident_id(self):
        "A claim that is no valid resident ID binds nothing"
        self.provider.claims = {'id_card': '440229198506150000',
            'name': "王五"}
        before = self.accounts()
        client, response = self.log_in()
        self.assertEqual(response.status_code, 403)
        self.assertIsNone(self.session(client))
        self.assertEqual(self.accounts(), before)

    def test_provider_error(self):
        "The applicant cancels at the provider"
        client = self.client()
        location = self.start_login(client)
        state = parse_qs(urlsplit(location).query)['state'][0]
        response = client.get(self.url('oidc/callback'), query_string={
                'error': 'access_denied', 'state': state})
        self.assertEqual(response.status_code, 403)
        self.assertIsNone(self.session(client))


class OIDCOffTestCase(ApplicantRouteTestCase):
    "Without configuration there is no login through a provider"

    def test_off(self):
        client = self.client()
        html = self.get(client, 'login').get_data(as_text=True)
        self.assertNotIn('oidc/login', html)
        self.assertEqual(self.get(client, 'oidc/login').status_code, 404)
        self.assertEqual(
            self.get(client, 'oidc/callback').status_code, 404)
