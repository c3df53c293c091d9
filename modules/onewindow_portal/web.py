# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The web layer of the portal, for every module that serves public pages

- `portal_route(path, methods)` declares a page under /<database>/portal/:
  the route of trytond, its pool and transaction (as the root user: no
  record rule applies, filter every query by `page.parties`), the CSRF check
  of every POST and a friendly error page instead of any traceback.
- `Page` (the first argument of the view) holds the request, the session
  (`page.user`, the web.user; `page.parties`), the CSRF token and renders
  the Jinja2 templates (autoescape) with the base layout
  `templates/base.html`.
- Templates of other modules are found through `add_template_folder`.
"""
import functools
import hmac
import io
import logging
import mimetypes
import os
import secrets
from http import HTTPStatus
from urllib.parse import quote, urlencode

import polib
from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from jinja2.ext import Extension
from jinja2.lexer import Token
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.security import safe_join
from werkzeug.utils import redirect as _redirect
from werkzeug.wrappers import Response

from trytond.config import config
from trytond.exceptions import RateLimitException, UserError, UserWarning
from trytond.pool import Pool
from trytond.protocols.wrappers import with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

logger = logging.getLogger(__name__)

HERE = os.path.dirname(__file__)
STATIC = os.path.join(HERE, 'static')
SESSION_COOKIE = 'ow_session'
CSRF_COOKIE = 'ow_csrf'
KIOSK_COOKIE = 'ow_kiosk'
CSRF_FIELD = 'csrf_token'
LANGUAGE = 'zh_CN'
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'")

_loaders = [FileSystemLoader(os.path.join(HERE, 'templates'))]
_catalog_folders = [os.path.join(HERE, 'web_locale')]
_catalogs = {}


def add_template_folder(templates, catalogs=None):
    """Add the templates (and the translation catalog folder) of another
    module; its templates extend "base.html" """
    _loaders.insert(0, FileSystemLoader(templates))
    if catalogs:
        _catalog_folders.append(catalogs)
    _catalogs.clear()
    # The compiled templates hold their translated strings
    if environment.cache is not None:
        environment.cache.clear()


def catalog(language=LANGUAGE):
    "Return the translations of the page strings as a dict"
    if language not in _catalogs:
        messages = {}
        for folder in _catalog_folders:
            path = os.path.join(folder, '%s.po' % language)
            if os.path.exists(path):
                for entry in polib.pofile(path):
                    if entry.msgstr and not entry.obsolete:
                        messages[entry.msgid] = entry.msgstr
        _catalogs[language] = messages
    return _catalogs[language]


def gettext(message, **variables):
    "Translate a page string and format it with the variables"
    text = catalog().get(message, message)
    return text % variables if variables else text


def ngettext(singular, plural, n, **variables):
    text = gettext(singular if n == 1 else plural)
    variables.setdefault('num', n)
    return text % variables


class ConstantStrings(Extension):
    """Translate when the template is compiled the page strings without
    variables, `_("…")`, as the gettext of the i18n extension would at each
    rendering: the text of the catalog, marked safe, formatted with no
    variables

    The pages are in one language (`LANGUAGE`) and the catalogs are read
    once per process, so the translation of such a string never changes;
    the template then writes it as its own text instead of a call at each
    rendering (a page calls `_` twenty to sixty times)."""
    priority = 200

    def filter_stream(self, stream):
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            text = self.constant(tokens, i)
            if text is None:
                yield tokens[i]
                i += 1
                continue
            lineno = tokens[i].lineno
            yield Token(lineno, 'lparen', '(')
            yield Token(lineno, 'string', text)
            yield Token(lineno, 'pipe', '|')
            yield Token(lineno, 'name', 'safe')
            yield Token(lineno, 'rparen', ')')
            i += 4

    @staticmethod
    def constant(tokens, i):
        "Return the translation of the call `_(string)` at i, else None"
        call = tokens[i:i + 4]
        if (len(call) < 4 or call[0].type != 'name' or call[0].value != '_'
                or call[1].type != 'lparen' or call[2].type != 'string'
                or call[3].type != 'rparen'
                or (i and tokens[i - 1].type == 'dot')):
            return None
        try:
            return str(Markup(gettext(call[2].value)) % {})
        except (KeyError, TypeError, ValueError):
            # Left to fail at the rendering, as before
            return None


# The templates are compiled once per process (not checked against their
# files at each page: they change with the modules, which a restart loads)
environment = Environment(
    loader=ChoiceLoader(_loaders), autoescape=True,
    extensions=['jinja2.ext.i18n', ConstantStrings],
    trim_blocks=True, lstrip_blocks=True, auto_reload=False)
environment.install_gettext_callables(gettext, ngettext, newstyle=True)


def mask_name(name):
    "Return the name with all but its first character masked (王**)"
    name = name or ''
    if len(name) <= 1:
        return name
    return name[0] + '*' * min(len(name) - 1, 3)


def cn_date(date):
    if not date:
        return ''
    return '%d年%d月%d日' % (date.year, date.month, date.day)


environment.filters['mask_name'] = mask_name
environment.filters['cn_date'] = cn_date


class Page:
    "The request of a portal page and what it needs to answer"

    def __init__(self, request, pool):
        self.request = request
        self.pool = pool
        self.database = pool.database_name
        self.cookies = []
        csrf = request.cookies.get(CSRF_COOKIE, '')
        if len(csrf) != 32 or not csrf.isalnum():
            csrf = secrets.token_hex(16)
            self.set_cookie(CSRF_COOKIE, csrf)
        self.csrf_token = csrf
        self._user = False

    @property
    def terminal(self):
        "Return the self-service terminal of the page (kiosk mode) or None"
        if not hasattr(self, '_terminal'):
            Terminal = self.pool.get('onewindow.terminal')
            self._terminal = Terminal.from_kiosk_key(
                self.request.cookies.get(KIOSK_COOKIE))
        return self._terminal

    @property
    def context_channel(self):
        return 'self_service' if self.terminal else 'online'

    @property
    def secure(self):
        return self.request.is_secure

    def url(self, path='', **query):
        "Return the URL of a portal path"
        url = '/%s/portal/%s' % (quote(self.database), path.lstrip('/'))
        query = {k: v for k, v in query.items() if v not in (None, '')}
        if query:
            url += '?' + urlencode(query)
        return url

    def static(self, name):
        return self.url('static/' + name)

    @property
    def form(self):
        return self.request.form

    @property
    def args(self):
        return self.request.args

    # Session

    @property
    def user(self):
        "Return the web.user of the session or None"
        if self._user is False:
            self._user = None
            key = self.request.cookies.get(SESSION_COOKIE)
            if key and len(key) <= 100:
                User = self.pool.get('web.user')
                user = User.get_user(key)
                if user and user.active:
                    self._user = user
        return self._user

    @property
    def parties(self):
        "Return the ids of the parties the logged-in account acts for"
        if not self.user:
            return set()
        return self.user.get_parties()

    def login(self, user):
        key = user.new_session()
        self.set_cookie(SESSION_COOKIE, key)
        self._user = user

    def logout(self):
        key = self.request.cookies.get(SESSION_COOKIE)
        if key:
            self.pool.get('web.user.session').remove(key)
        self.set_cookie(SESSION_COOKIE, '', max_age=0)
        self._user = None

    def set_cookie(self, name, value, max_age=None):
        self.cookies.append((name, value, max_age))

    # CSRF

    def check_csrf(self):
        token = self.request.form.get(CSRF_FIELD, '')
        cookie = self.request.cookies.get(CSRF_COOKIE, '')
        if not (cookie and token and hmac.compare_digest(
                    token.encode(), cookie.encode())):
            raise Forbidden(gettext(
                    "The form has expired. Go back, reload the page and "
                    "send it again."))

    # Answers

    def render(self, template, status=HTTPStatus.OK, **values):
        values.setdefault('page', self)
        values.setdefault('user', self.user)
        body = environment.get_template(template).render(**values)
        return self.response(body, status=status)

    def response(self, body, status=HTTPStatus.OK,
            content_type='text/html; charset=utf-8', headers=None):
        response = Response(body, status=status, content_type=content_type)
        self.finish(response)
        for name, value in (headers or {}).items():
            response.headers[name] = value
        return response

    def redirect(self, path, **query):
        response = _redirect(self.url(path, **query), code=303)
        self.finish(response)
        return response

    def finish(self, response):
        secure_headers(response)
        for name, value, max_age in self.cookies:
            response.set_cookie(name, value, max_age=max_age,
                path='/%s/portal/' % self.database, httponly=True,
                secure=self.secure,
                samesite='Strict' if name == CSRF_COOKIE else 'Lax')
        if (self.user or self.request.method != 'GET'
                or KIOSK_COOKIE in self.request.cookies):
            response.headers['Cache-Control'] = 'no-store'


def secure_headers(response):
    response.headers['Content-Security-Policy'] = CSP
    response.headers['X-Content-Type-Options'] = 'nosniff'
    response.headers['X-Frame-Options'] = 'DENY'
    response.headers['Referrer-Policy'] = 'same-origin'


class PortalError(Exception):
    status = HTTPStatus.BAD_REQUEST

    def __init__(self, message=''):
        super().__init__(message)
        self.message = message


class Forbidden(PortalError):
    status = HTTPStatus.FORBIDDEN


class NotFound(PortalError):
    status = HTTPStatus.NOT_FOUND


class RequestTooLarge(PortalError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class TooManyRequests(PortalError):
    status = HTTPStatus.TOO_MANY_REQUESTS


def error_response(request, database, status, message):
    "Return the error page, rendered without the database"
    class _Page:
        pass
    page = _Page()
    page.database = database
    page.user = None
    page.csrf_token = ''
    page.url = functools.partial(Page.url, page)
    page.static = functools.partial(Page.static, page)
    body = environment.get_template('error.html').render(
        page=page, user=None, status=int(status), message=message)
    response = Response(body, status=status,
        content_type='text/html; charset=utf-8')
    secure_headers(response)
    response.headers['Cache-Control'] = 'no-store'
    return response


def max_size(kind):
    "Return the request size limit of the kind of page"
    if kind == 'upload':
        return config.getint('portal', 'max_upload_size',
            default=25 * 1024 * 1024)
    return config.getint('portal', 'max_form_size', default=64 * 1024)


def memory_stream(total_content_length, content_type, filename=None,
        content_length=None):
    "Return the stream of an uploaded file (`Request._get_file_stream`)"
    return io.BytesIO()


def portal_route(path, methods=('GET',), size='form', readonly=None):
    """Declare a portal page at /<database>/portal/<path>

    The view is called as view(page, **arguments) inside a transaction of
    the root user; it returns a response (page.render, page.redirect)."""
    def decorator(func):
        @functools.wraps(func)
        def transaction(request, pool, *args, **kwargs):
            page = Page(request, pool)
            if request.method == 'POST':
                page.check_csrf()
            return func(page, *args, **kwargs)
        inner = with_transaction(readonly=readonly, context={
                'language': LANGUAGE,
                })(transaction)

        def outer(request, database_name, *args, **kwargs):
            try:
                length = request.content_length or 0
                if length > max_size(size):
                    raise RequestTooLarge(gettext(
                            "The request is too large."))
                if size == 'upload':
                    # The body is within the size limit (a POST without
                    # its length is refused) and the files are read whole
                    # into memory: parse them into memory, not through
                    # temporary files on the disk
                    request._get_file_stream = memory_stream
                database_list = Pool.database_list()
                pool = Pool(database_name)
                if database_name not in database_list:
                    with Transaction().start(database_name, 0,
                            readonly=True):
                        pool.init()
                return inner(request, pool, *args, **kwargs)
            except PortalError as e:
                return error_response(
                    request, database_name, e.status, e.message)
            except RateLimitException:
                return error_response(request, database_name,
                    HTTPStatus.TOO_MANY_REQUESTS,
                    gettext("Too many attempts. Wait a few minutes and "
                        "try again."))
            except (UserError, UserWarning) as e:
                return error_response(request, database_name,
                    HTTPStatus.BAD_REQUEST, e.message)
            except HTTPException as e:
                return error_response(request, database_name, e.code,
                    gettext("The page cannot be shown."))
            except Exception:
                logger.error('portal %s', request, exc_info=True)
                return error_response(request, database_name,
                    HTTPStatus.INTERNAL_SERVER_ERROR,
                    gettext("Something went wrong on our side. Try again "
                        "later."))
        outer.__name__ = 'portal_' + func.__name__
        outer.max_request_size = max_size(size)
        url = '/<database_name>/portal/' + path.lstrip('/')
        app.route(url, methods=list(methods))(outer)
        return func
    return decorator


@app.route('/<database_name>/portal/static/<path:name>', methods=['GET'])
def portal_static(request, database_name, name):
    "Serve the static assets of the portal (never a path outside)"
    path = safe_join(STATIC, name)
    if not path or not os.path.isfile(path):
        return error_response(request, database_name, HTTPStatus.NOT_FOUND,
            gettext("The page cannot be shown."))
    with open(path, 'rb') as fp:
        data = fp.read()
    content_type = mimetypes.guess_type(path)[0] or 'application/octet-stream'
    response = Response(data, content_type=content_type)
    secure_headers(response)
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response


def download(page, data, filename, content_type=None):
    "Return a file as an attachment; the name is only a header, never a path"
    name = os.path.basename((filename or 'file').replace('\\', '/'))
    name = ''.join(c for c in name if c.isprintable() and c not in '"\r\n')
    content_type = (content_type or mimetypes.guess_type(name)[0]
        or 'application/octet-stream')
    return page.response(bytes(data or b''), content_type=content_type,
        headers={
            'Content-Disposition': "attachment; filename*=UTF-8''%s" % (
                quote(name or 'file')),
            })
