# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The login through the province's unified identity authentication
(统一身份认证), an OpenID Connect provider

The authorization-code flow with PKCE (S256): the login page sends the
applicant to the provider with a state and a nonce kept in the database
and bound to his browser by a cookie; the callback takes the state once,
exchanges the code with the code verifier, checks the ID token (signature
by the provider's keys, issuer, audience, expiry, nonce) and logs in the
account bound by the verified claim (resident ID or mobile number).

Configured in the [portal] section of the configuration file:
oidc_issuer, oidc_metadata_url (default: the issuer's
/.well-known/openid-configuration), oidc_client_id, oidc_client_secret,
oidc_scope, oidc_claim, oidc_claim_type (resident_id or mobile),
oidc_name_claim, oidc_redirect_uri, oidc_label."""
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from base64 import b64encode
from urllib.parse import quote, urlencode

from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from werkzeug.utils import redirect as _redirect

from trytond.config import config
from trytond.model import Index, ModelSQL, fields

from .web import Forbidden, NotFound, gettext, portal_route

logger = logging.getLogger(__name__)

COOKIE = 'ow_oidc'
VALIDITY = dt.timedelta(minutes=10)
# Only asymmetric signatures: the provider's keys are public, the secret
# of the client is never a key of the ID token
ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
    'ES256', 'ES384', 'ES512', 'EdDSA']
CLAIM_TYPES = {'resident_id', 'mobile'}
METADATA_TTL = 3600
TIMEOUT = 10

_cache = {}
_lock = threading.Lock()


class LoginRefused(Exception):
    "The provider's answer cannot log anybody in"


def option(name, default=None):
    return config.get('portal', 'oidc_' + name, default=default)


def configured():
    "Return whether the login through the identity authentication is on"
    return bool(option('client_id') and (
            option('issuer') or option('metadata_url')))


def label():
    return option('label') or gettext(
        "Log in with the unified identity authentication")


def _fetch(url, data=None, headers=None):
    "Return the JSON answer of the provider at url (POST when data)"
    request = urllib.request.Request(url, data=data, headers=dict(
            {'Accept': 'application/json'}, **(headers or {})))
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return json.loads(response.read().decode('utf-8'))
    except urllib.error.HTTPError as e:
        try:
            body = e.read().decode('utf-8', 'replace')[:200]
        except OSError:
            body = ''
        raise LoginRefused('%s answered %s %s' % (url, e.code, body))
    except (OSError, ValueError) as e:
        raise LoginRefused('%s: %s' % (url, e))


def _cached(key, load, force=False):
    with _lock:
        value = _cache.get(key)
    if value and not force and value[0] > time.monotonic():
        return value[1]
    result = load()
    with _lock:
        _cache[key] = (time.monotonic() + METADATA_TTL, result)
    return result


def metadata():
    "Return the provider's metadata (discovery document), cached an hour"
    issuer = (option('issuer') or '').rstrip('/')
    url = option('metadata_url') or (
        issuer + '/.well-known/openid-configuration')
    result = _cached('metadata:' + url, lambda: _fetch(url))
    for name in ['issuer', 'authorization_endpoint', 'token_endpoint',
            'jwks_uri']:
        if not result.get(name):
            raise LoginRefused('the metadata of %s has no %s' % (url, name))
    if issuer and result['issuer'].rstrip('/') != issuer:
        raise LoginRefused('the metadata of %s is of the issuer %s' % (
                url, result['issuer']))
    return result


def key_set(provider, force=False):
    url = provider['jwks_uri']
    return KeySet.import_key_set(
        _cached('jwks:' + url, lambda: _fetch(url), force=force))


def redirect_uri(page):
    return option('redirect_uri') or (
        page.request.host_url.rstrip('/') + page.url('oidc/callback'))


def _hash(value):
    return hashlib.sha256(value.encode('utf-8')).hexdigest()


def exchange(provider, code, verifier, redirect):
    "Return the token answer of the provider for the code"
    client_id = option('client_id')
    secret = option('client_secret') or ''
    data = {
        'grant_type': 'authorization_code',
        'code': code,
        'redirect_uri': redirect,
        'code_verifier': verifier,
        }
    headers = {'Content-Type': 'application/x-www-form-urlencoded'}
    methods = provider.get('token_endpoint_auth_methods_supported') or [
        'client_secret_basic']
    if secret and 'client_secret_basic' in methods:
        credentials = '%s:%s' % (quote(client_id, safe=''),
            quote(secret, safe=''))
        headers['Authorization'] = 'Basic ' + b64encode(
            credentials.encode('utf-8')).decode('ascii')
    else:
        data['client_id'] = client_id
        if secret:
            data['client_secret'] = secret
    return _fetch(provider['token_endpoint'],
        data=urlencode(data).encode('ascii'), headers=headers)


def verify_id_token(provider, token, nonce):
    """Return the claims of the ID token of the token answer once its
    signature, issuer, audience, expiry and nonce are checked"""
    id_token = token.get('id_token')
    if not id_token or not isinstance(id_token, str):
        raise LoginRefused('no ID token')
    algorithms = [a for a in (
            provider.get('id_token_signing_alg_values_supported')
            or ['RS256']) if a in ALGORITHMS]
    registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
    try:
        try:
            decoded = jwt.decode(id_token, key_set(provider),
                registry=registry)
        except JoseError as e:
            if e.error != 'invalid_key_id':
                raise
            # The provider may have rotated its keys
            decoded = jwt.decode(id_token, key_set(provider, force=True),
                registry=registry)
        client_id = option('client_id')
        params = {'nonce': nonce, 'client_id': client_id}
        if token.get('access_token'):
            params['access_token'] = token['access_token']
        claims = CodeIDToken(decoded.claims, decoded.header, {
                'iss': {'essential': True, 'value': provider['issuer']},
                'aud': {'essential': True, 'value': client_id},
                }, params)
        claims.validate(leeway=config.getint(
                'portal', 'oidc_leeway', default=60))
    except (JoseError, ValueError) as e:
        raise LoginRefused('ID token refused: %s' % e)
    # A nonce was sent: the token must carry it (CodeIDToken checks its
    # value when present)
    if not hmac.compare_digest(str(claims.get('nonce', '')), nonce):
        raise LoginRefused('ID token refused: wrong nonce')
    return dict(claims)


class LoginRequest(ModelSQL):
    """OpenID Connect Login Request

    One login through the identity authentication under way: its state,
    nonce and PKCE code verifier, bound to the browser that started it;
    taken once by the callback, void after 10 minutes."""
    __name__ = 'onewindow.portal.oidc.request'
    state = fields.Char("State", required=True, strip=False)
    browser_hash = fields.Char("Browser Hash", required=True, strip=False)
    nonce = fields.Char("Nonce", required=True, strip=False)
    code_verifier = fields.Char("Code Verifier", required=True, strip=False)
    redirect_uri = fields.Char("Redirect URI", required=True, strip=False)
    expire = fields.Timestamp("Expires", required=True)
    used = fields.Boolean("Used")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__rpc__ = {}
        cls._sql_indexes.add(Index(t, (t.state, Index.Equality())))

    @classmethod
    def start(cls, redirect):
        """Create a login request; return it with the key of the browser's
        cookie"""
        browser = secrets.token_hex(16)
        request, = cls.create([{
                    'state': generate_token(43),
                    'browser_hash': _hash(browser),
                    'nonce': generate_token(43),
                    'code_verifier': generate_token(64),
                    'redirect_uri': redirect,
                    'expire': dt.datetime.now() + VALIDITY,
                    'used': False,
                    }])
        # The old requests are of no use any more
        cls.delete(cls.search([
                    ('expire', '<', dt.datetime.now() - VALIDITY)]))
        return request, browser

    @classmethod
    def take(cls, state, browser):
        """Return the request of the state started by this browser, used
        once; raise LoginRefused otherwise"""
        if not state or not browser or len(state) > 100:
            raise LoginRefused('no state or no browser cookie')
        requests = cls.search([('state', '=', state)], limit=1)
        if not requests:
            raise LoginRefused('unknown state')
        request, = requests
        if not hmac.compare_digest(request.browser_hash, _hash(browser)):
            raise LoginRefused('state of another browser')
        if request.used or request.expire < dt.datetime.now():
            raise LoginRefused('state used or expired')
        request.used = True
        request.save()
        return request


def _refused(page, reason):
    logger.warning('identity authentication login refused: %s', reason)
    page.set_cookie(COOKIE, '', max_age=0)
    return Forbidden(gettext(
            "The login through the identity authentication failed. "
            "Start it again from the login page."))


@portal_route('oidc/login', readonly=False)
def oidc_login(page):
    "Send the applicant to the identity authentication"
    if not configured():
        raise NotFound(gettext("The page cannot be shown."))
    Request = page.pool.get('onewindow.portal.oidc.request')
    try:
        provider = metadata()
    except LoginRefused as e:
        logger.error('identity authentication unavailable: %s', e)
        raise Forbidden(gettext(
                "The identity authentication cannot be reached. Try again "
                "later or log in with your mobile number."))
    redirect = redirect_uri(page)
    request, browser = Request.start(redirect)
    url = add_params_to_uri(provider['authorization_endpoint'], [
            ('response_type', 'code'),
            ('client_id', option('client_id')),
            ('redirect_uri', redirect),
            ('scope', option('scope') or 'openid'),
            ('state', request.state),
            ('nonce', request.nonce),
            ('code_challenge', create_s256_code_challenge(
                    request.code_verifier)),
            ('code_challenge_method', 'S256'),
            ])
    page.set_cookie(COOKIE, browser, max_age=int(VALIDITY.total_seconds()))
    response = _redirect(url, code=303)
    page.finish(response)
    return response


@portal_route('oidc/callback', readonly=False)
def oidc_callback(page):
    "Log in the account the identity authentication has verified"
    if not configured():
        raise NotFound(gettext("The page cannot be shown."))
    pool = page.pool
    Request = pool.get('onewindow.portal.oidc.request')
    User = pool.get('web.user')
    args = page.args
    try:
        request = Request.take(
            args.get('state'), page.request.cookies.get(COOKIE))
    except LoginRefused as e:
        raise _refused(page, e)
    page.set_cookie(COOKIE, '', max_age=0)
    if args.get('error') or not args.get('code'):
        logger.info('identity authentication answered %s',
            (args.get('error') or 'no code')[:100])
        raise Forbidden(gettext(
                "The identity authentication did not log you in. You may "
                "start again or log in with your mobile number."))
    try:
        provider = metadata()
        token = exchange(provider, args['code'][:2000],
            request.code_verifier, request.redirect_uri)
        claims = verify_id_token(provider, token, request.nonce)
    except LoginRefused as e:
        raise _refused(page, e)
    claim_type = option('claim_type') or 'resident_id'
    if claim_type not in CLAIM_TYPES:
        logger.error('[portal] oidc_claim_type must be one of %s',
            ', '.join(sorted(CLAIM_TYPES)))
        raise _refused(page, 'wrong oidc_claim_type %s' % claim_type)
    default_claim = {
        'resident_id': 'id_card', 'mobile': 'phone_number'}[claim_type]
    value = claims.get(option('claim') or default_claim)
    name = claims.get(option('name_claim') or 'name')
    user = User.identified(claim_type, value if isinstance(value, str)
        else None, name if isinstance(name, str) else None)
    if not user:
        raise Forbidden(gettext(
                "Your identity cannot be bound to an account of the online "
                "hall: bring your identity card to the window."))
    page.login(user)
    return page.redirect('my')
