# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the route tests: a database with a published matter, served
through trytond's WSGI application"""
import io
import re
import unittest

from werkzeug.test import Client

from proteus.config import get_config

from trytond.config import config
from trytond.exceptions import UserError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.onewindow_approval.tests.tools import resident_id
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
CODE = re.compile(r'\b([0-9]{6})\b')
QUERY = re.compile(r'<dd class="code">([A-Z0-9]{8})</dd>')
NUMBER = re.compile(r'<dd class="code">(WS[0-9]+)</dd>')


def supplement_online(case, files, config=None):
    """Upload the supplement of the case as the page of "my cases" does:
    files maps the names of its materials to the data; return the error
    shown or None"""
    config = config or get_config()
    with Transaction().start(config.database_name, 0,
            readonly=False) as transaction:
        Case = Pool().get('onewindow.case')
        case = Case(case.id)
        ids = {m.name: m.id for m in case.materials}
        try:
            Case.supplement_online(case, {
                    ids[n]: [(n + '.pdf', d)] for n, d in files.items()})
        except UserError as error:
            transaction.rollback()
            return error.message
        transaction.commit()


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


class ApplicantRouteTestCase(PortalRouteTestCase):
    "The steps of an applicant on the portal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not config.has_section('portal'):
            config.add_section('portal')
        config.set('portal', 'max_login_delay', '0')

    @classmethod
    def tearDownClass(cls):
        config.remove_option('portal', 'max_login_delay')
        super().tearDownClass()

    def last_code(self, mobile):
        "Return the code of the last text message to the number"
        with self.transaction():
            Message = self.pool.get('onewindow.portal.sms')
            messages = Message.search([
                    ('recipient', '=', mobile), ('kind', '=', 'code')],
                order=[('id', 'DESC')], limit=1)
            self.assertTrue(messages, msg="no code sent to %s" % mobile)
            self.assertEqual(messages[0].state, 'sent')
            return CODE.search(messages[0].text).group(1)

    def register(self, mobile, name, number, password='secret-pass-1'):
        "Register and bind a real name; return the logged-in client"
        client = self.client()
        response = self.post(client, 'register', {
                'mobile': mobile, 'action': 'code'})
        self.assertEqual(response.status_code, 200)
        code = self.last_code(mobile)
        response = self.post(client, 'register', {
                'mobile': mobile, 'code': code, 'password': password,
                'confirm': password, 'action': 'register'})
        self.assertEqual(response.status_code, 303, response.data)
        response = self.post(client, 'identity', {
                'name': name, 'resident_id': resident_id(number)})
        self.assertEqual(response.status_code, 303, response.data)
        return client

    def start(self, client):
        "Start an application for the matter; return its path"
        response = self.post(client, 'apply/%d' % self.ids['matter'], {
                'applicant': self.party_of(client)})
        self.assertEqual(response.status_code, 303, response.data)
        return response.headers['Location'].split('/portal/', 1)[1]

    def party_of(self, client):
        html = self.get(client, 'apply/%d' % self.ids['matter']).get_data(
            as_text=True)
        return re.search(r'name="applicant" value="(\d+)"', html).group(1)

    def material_field(self, client, path):
        html = self.get(client, path).get_data(as_text=True)
        return re.search(r'name="(file_\d+)"', html).group(1)

    def submit(self, client, path, data=PDF, name='id.pdf'):
        field = self.material_field(client, path)
        token = self.csrf(client, path)
        return client.post(self.url(path), data={
                'csrf_token': token, 'action': 'submit',
                field: (io.BytesIO(data), name),
                }, content_type='multipart/form-data')

    def passed_case(self, client):
        "Apply online and pass the pre-review; return the case id"
        path = self.start(client)
        html = self.submit(client, path).get_data(as_text=True)
        number = NUMBER.search(html).group(1)
        with self.transaction() as transaction:
            Application = self.pool.get('onewindow.application')
            application, = Application.search([('number', '=', number)])
            Application.pass_review([application])
            transaction.commit()
            return application.case.id

    def accepted_case(self, client):
        "Apply online, pass the pre-review, accept; return the case id"
        case_id = self.passed_case(client)
        with self.transaction() as transaction:
            Case = self.pool.get('onewindow.case')
            Material = self.pool.get('onewindow.case.material')
            case = Case(case_id)
            for material in case.materials:
                material.paper_received = material.paper_expected
            Material.save(case.materials)
            Case.accept([case])
            transaction.commit()
            return case.id
