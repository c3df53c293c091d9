# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the route tests: a database with a published matter, served
through trytond's WSGI application"""
import re
import unittest

from werkzeug.test import Client

from trytond.modules.company.tests import create_company, set_company
from trytond.modules.onewindow_approval.tests.test_module import (
    create_setup)
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction
from trytond.wsgi import app

PDF = b'%PDF-1.4\n% a scan\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 16
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{32})"')


class PortalRouteTestCase(unittest.TestCase):
    "A database with the portal, its hall and a published matter"
    module = 'onewindow_portal'

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module([cls.module])
        with Transaction().start(DB_NAME, 0) as transaction:
            company = create_company()
            with set_company(company):
                setup = create_setup(company)
                cls.setup_data(setup)
                cls.ids = {k: v.id for k, v in setup.items()
                    if hasattr(v, 'id')}
            transaction.commit()

    @classmethod
    def setup_data(cls, setup):
        "Add to the setup what the test case needs"

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def client(self):
        return Client(app, Response)

    def url(self, path=''):
        return '/%s/portal/%s' % (DB_NAME, path)

    def get(self, client, path, **kwargs):
        return client.get(self.url(path), **kwargs)

    def csrf(self, client, path=''):
        "Return the CSRF token of the forms, as the page gives it"
        response = self.get(client, path)
        match = CSRF.search(response.get_data(as_text=True))
        if match:
            return match.group(1)
        cookie = client.get_cookie('ow_csrf', path='/%s/portal/' % DB_NAME)
        self.assertTrue(cookie, msg="no CSRF token on %s" % path)
        return cookie.value

    def post(self, client, path, data=None, token=True, **kwargs):
        data = dict(data or {})
        if token is True:
            data['csrf_token'] = self.csrf(client, '')
        elif token:
            data['csrf_token'] = token
        return client.post(self.url(path), data=data, **kwargs)

    def transaction(self):
        return Transaction().start(DB_NAME, 0)

    @property
    def pool(self):
        return Pool(DB_NAME)
