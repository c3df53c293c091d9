# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A small JSON-RPC client speaking to trytond as the web client does"""
import base64
import datetime as dt
import json
import urllib.error
import urllib.request

# The passwords of the demo's administrator and of its other users
ADMIN_PASSWORD = 'wengyuan-admin'
PASSWORD = 'wengyuan-demo'


class RPCError(Exception):
    "The server answered with an error"

    def __init__(self, status, error):
        super().__init__(status, error)
        self.status = status
        self.error = error

    @property
    def kind(self):
        "The name of the exception, e.g. 'UserError' or 'AccessError'"
        if isinstance(self.error, list) and self.error:
            return self.error[0]
        return str(self.error)


def _default(value):
    if isinstance(value, dt.datetime):
        return {'__class__': 'datetime', 'year': value.year,
            'month': value.month, 'day': value.day, 'hour': value.hour,
            'minute': value.minute, 'second': value.second,
            'microsecond': value.microsecond}
    if isinstance(value, dt.date):
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}
    raise TypeError(repr(value))


class Session:
    "A logged-in user of a database"

    def __init__(self, url, database):
        self.url = url.rstrip('/')
        self.database = database
        self.authorization = None
        self.context = {}
        self._id = 0

    def call(self, method, *params, auth=True):
        self._id += 1
        data = json.dumps({'id': self._id, 'method': method,
                'params': list(params)}, default=_default).encode('utf-8')
        request = urllib.request.Request(
            '%s/%s/' % (self.url, self.database), data=data,
            headers={'Content-Type': 'application/json'})
        if auth and self.authorization:
            request.add_header('Authorization', self.authorization)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                result = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise RPCError(error.code, error.reason) from None
        if result.get('error'):
            raise RPCError(200, result['error'])
        return result.get('result')

    def login(self, login, password):
        user_id, session = self.call('common.db.login', login,
            {'password': password}, 'zh_CN', auth=False)[:2]
        token = '%s:%s:%s' % (login, user_id, session)
        self.authorization = 'Session ' + base64.b64encode(
            token.encode('utf-8')).decode('ascii')
        self.user_id = user_id
        self.context = self.call('model.res.user.get_preferences', True, {})
        return self

    def model(self, model, method, *args):
        "Call method of model with the session's context as last argument"
        return self.call(
            'model.%s.%s' % (model, method), *args, self.context)


class Sessions:
    """The sessions of the demo's users on self.server, one by login, kept
    in self.sessions"""

    def session(self, login):
        if login not in self.sessions:
            password = ADMIN_PASSWORD if login == 'admin' else PASSWORD
            self.sessions[login] = Session(
                self.server.url, self.server.database).login(login, password)
        return self.sessions[login]
