# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A small OpenID Connect provider for the tests, served in process on
127.0.0.1: discovery, keys, the authorization endpoint (which approves at
once, as a resident who logged in at the province would) and the token
endpoint (client authentication, single-use codes bound to their redirect
URI, PKCE S256), issuing ID tokens signed with its RSA key.

`tamper` changes the next ID tokens to test the refusals: claims to
override ('nonce', 'aud', 'exp', 'iss'...) and 'key' to sign with another
key than the published one."""
import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


def s256(verifier):
    digest = hashlib.sha256(verifier.encode('ascii')).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b'=').decode('ascii')


class Provider:
    "The provider and its HTTP server"

    def __init__(self, client_id='onewindow', client_secret='s3cret',
            claims=None):
        self.client_id = client_id
        self.client_secret = client_secret
        self.claims = dict(claims or {})
        self.key = RSAKey.generate_key(2048, parameters={'kid': 'k1'})
        self.tamper = {}
        self.codes = {}
        self.authorizations = []
        self.token_requests = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), self.handler())
        self.url = 'http://127.0.0.1:%s' % self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def metadata(self):
        return {
            'issuer': self.url,
            'authorization_endpoint': self.url + '/authorize',
            'token_endpoint': self.url + '/token',
            'jwks_uri': self.url + '/jwks',
            'response_types_supported': ['code'],
            'subject_types_supported': ['public'],
            'id_token_signing_alg_values_supported': ['RS256'],
            'code_challenge_methods_supported': ['S256'],
            'token_endpoint_auth_methods_supported': ['client_secret_basic'],
            }

    def authorize(self, query):
        """Approve an authorization request; return the URL the browser
        is sent back to"""
        params = {k: v[0] for k, v in parse_qs(query).items()}
        self.authorizations.append(params)
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = params
        return '%s?%s' % (params['redirect_uri'], urlencode({
                    'code': code, 'state': params.get('state', '')}))

    def id_token(self, params):
        now = int(time.time())
        claims = {
            'iss': self.url,
            'sub': 'subject-%s' % hashlib.sha256(json.dumps(
                    self.claims, sort_keys=True).encode()).hexdigest()[:16],
            'aud': self.client_id,
            'iat': now,
            'exp': now + 300,
            'nonce': params.get('nonce'),
            }
        claims.update(self.claims)
        tamper = dict(self.tamper)
        key = tamper.pop('key', None) or self.key
        alg = tamper.pop('alg', 'RS256')
        for name, value in tamper.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return jwt.encode({'alg': alg, 'kid': 'k1'}, claims, key)

    def token(self, headers, body):
        "Return (status, answer) of the token endpoint"
        form = {k: v[0] for k, v in parse_qs(body).items()}
        self.token_requests.append(form)
        expected = 'Basic ' + base64.b64encode(('%s:%s' % (
                    self.client_id, self.client_secret)).encode()).decode()
        if headers.get('Authorization') != expected:
            return 401, {'error': 'invalid_client'}
        with self.lock:
            params = self.codes.pop(form.get('code'), None)
        if (form.get('grant_type') != 'authorization_code' or not params
                or form.get('redirect_uri') != params['redirect_uri']):
            return 400, {'error': 'invalid_grant'}
        if (params.get('code_challenge_method') != 'S256'
                or s256(form.get('code_verifier', ''))
                != params.get('code_challenge')):
            return 400, {'error': 'invalid_grant',
                'error_description': 'PKCE verification failed'}
        return 200, {
            'access_token': secrets.token_urlsafe(24),
            'token_type': 'Bearer',
            'expires_in': 300,
            'id_token': self.id_token(params),
            }

    def handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):

            def log_message(self, *args):
                pass

            def answer(self, status, data, headers=None):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlsplit(self.path)
                if url.path == '/.well-known/openid-configuration':
                    self.answer(200, provider.metadata())
                elif url.path == '/jwks':
                    self.answer(200, {'keys': [
                                provider.key.as_dict(private=False)]})
                elif url.path == '/authorize':
                    self.answer(302, {}, {
                            'Location': provider.authorize(url.query)})
                else:
                    self.answer(404, {'error': 'not_found'})

            def do_POST(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length).decode()
                if urlsplit(self.path).path == '/token':
                    self.answer(*provider.token(self.headers, body))
                else:
                    self.answer(404, {'error': 'not_found'})
        return Handler
