# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""An applicant's day on the portal over HTTP: registration by SMS code,
real name, application with uploads, submission, pre-review, progress
lookup; and what another account or a visitor cannot reach"""
import io
import re  # noqa: F401

from trytond.modules.onewindow_approval.tests.tools import (
    pdf_text, resident_id)
from trytond.modules.onewindow_portal.tests.tools import (
    NUMBER, PDF, PNG, QUERY, ApplicantRouteTestCase)


class OnlineTestCase(ApplicantRouteTestCase):
    "Test the accounts, the online application and the lookup"

    def test_applicant_day(self):
        "Register, apply with an upload, submit, follow the progress"
        client = self.register('13900000001', "王建国", 11)
        path = self.start(client)
        response = self.submit(client, path)
        self.assertEqual(response.status_code, 200, response.data)
        html = response.get_data(as_text=True)
        number = NUMBER.search(html).group(1)
        query_code = QUERY.search(html).group(1)

        # The code is stored hashed only, an SMS says it was submitted
        with self.transaction():
            Application = self.pool.get('onewindow.application')
            Message = self.pool.get('onewindow.portal.sms')
            application, = Application.search([('number', '=', number)])
            self.assertEqual(application.state, 'submitted')
            self.assertEqual(application.channel, 'online')
            self.assertNotIn(query_code, application.query_code_hash)
            self.assertTrue(application.check_query_code(query_code))
            texts = Message.search([
                    ('application', '=', application.id),
                    ('kind', '=', 'submitted')])
            self.assertEqual(len(texts), 1)
            self.assertIn(number, texts[0].text)

        # The receipt prints as PDF for the applicant only
        application_id = int(path.split('/')[1])
        response = self.get(client, 'application/%d/receipt.pdf' % (
                application_id))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.data.startswith(b'%PDF'))
        text = pdf_text(response.data)
        self.assertIn(number, text)
        self.assertIn("网上申请回执", text)
        self.assertEqual(self.get(self.client(),
                'application/%d/receipt.pdf' % application_id).status_code,
            404)

        # A visitor follows it with the number and the code
        visitor = self.client()
        response = self.post(visitor, 'lookup', {
                'number': number, 'code': query_code.lower()})
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        self.assertIn("王**", html)
        self.assertIn('aria-current="step">预审中', html)
        self.assertNotIn("王建国", html)
        self.assertNotIn(resident_id(11), html)
        self.assertNotIn('13900000001', html)

        # The window passes it: the case follows, the visitor sees it
        with self.transaction() as transaction:
            Application = self.pool.get('onewindow.application')
            application, = Application.search([('number', '=', number)])
            Application.pass_review([application])
            case = application.case
            self.assertEqual(case.channel, 'online')
            self.assertEqual(
                [m.credibility for m in case.materials
                    if m.electronic_received], ['C'])
            transaction.commit()
        response = self.post(visitor, 'lookup', {
                'number': number, 'code': query_code})
        self.assertEqual(response.status_code, 200)

        # The case is accepted at the window: the visitor sees 已受理 and
        # the promised date, by the application or the case number
        with self.transaction() as transaction:
            Case = self.pool.get('onewindow.case')
            Material = self.pool.get('onewindow.case.material')
            case = Case(case.id)
            for material in case.materials:
                material.paper_received = material.paper_expected
            Material.save(case.materials)
            Case.accept([case])
            case_number, deadline = case.number, case.deadline
            transaction.commit()
        for lookup_number in [number, case_number]:
            html = self.post(visitor, 'lookup', {
                    'number': lookup_number, 'code': query_code}).get_data(
                as_text=True)
            self.assertIn('aria-current="step">已受理', html)
            self.assertIn('%d年%d月%d日' % (
                    deadline.year, deadline.month, deadline.day), html)

        # The applicant sees his application and its case
        html = self.get(client, 'my').get_data(as_text=True)
        self.assertIn(number, html)

    def test_lookup_wrong_code(self):
        "A wrong code or an unknown number shows nothing, then is limited"
        client = self.register('13900000002', "李秀英", 12)
        path = self.start(client)
        html = self.submit(client, path).get_data(as_text=True)
        number = NUMBER.search(html).group(1)
        visitor = self.client()
        statuses = []
        for code in ['AAAAAAAA', 'BBBBBBBB', '', 'x' * 40] * 3:
            response = self.post(visitor, 'lookup', {
                    'number': number, 'code': code})
            statuses.append(response.status_code)
            self.assertNotIn(b'\xe7\x8e\x8b', response.data)  # 王
            self.assertNotIn("李".encode(), response.data)
        self.assertEqual(statuses[:10], [404] * 10)
        self.assertEqual(statuses[10:], [429] * 2)

    def test_register_code(self):
        "The SMS code: a wrong code is refused, 5 tries at most"
        client = self.client()
        mobile = '13900000003'
        self.post(client, 'register', {'mobile': mobile, 'action': 'code'})
        code = self.last_code(mobile)
        wrong = '%06d' % ((int(code) + 1) % 1000000)
        for _ in range(5):
            response = self.post(client, 'register', {
                    'mobile': mobile, 'code': wrong,
                    'password': 'secret-pass-1', 'confirm': 'secret-pass-1',
                    'action': 'register'})
            self.assertEqual(response.status_code, 200)
        # The right code after 5 tries no longer works
        response = self.post(client, 'register', {
                'mobile': mobile, 'code': code,
                'password': 'secret-pass-1', 'confirm': 'secret-pass-1',
                'action': 'register'})
        self.assertEqual(response.status_code, 200)
        with self.transaction():
            User = self.pool.get('web.user')
            self.assertEqual(User.search([('mobile', '=', mobile)]), [])
            Verification = self.pool.get('onewindow.portal.verification')
            record, = Verification.search([('mobile', '=', mobile)])
            self.assertNotIn(code, record.code_hash)

    def test_login(self):
        "Log in with the mobile number; wrong passwords are throttled"
        self.register('13900000004', "张伟", 14)
        client = self.client()
        response = self.post(client, 'login', {
                'mobile': '13900000004', 'password': 'wrong'})
        self.assertEqual(response.status_code, 400)
        response = self.post(client, 'login', {
                'mobile': '139 0000 0004', 'password': 'secret-pass-1'})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.get(client, 'my').status_code, 200)
        statuses = []
        for _ in range(8):
            statuses.append(self.post(self.client(), 'login', {
                        'mobile': '13900000004',
                        'password': 'wrong'}).status_code)
        self.assertEqual(statuses[-1], 429)
        response = self.post(self.client(), 'login', {
                'mobile': '13900000004', 'password': 'secret-pass-1'})
        self.assertEqual(response.status_code, 429)

    def test_form_checked(self):
        "A resident ID of the form is checked online as at the window"
        with self.transaction() as transaction:
            # A field of the published matter's dictionary, as a new
            # version would have it
            Field = self.pool.get('onewindow.matter.form.field')
            table = Field.__table__()
            transaction.connection.cursor().execute(*table.insert(
                    [table.matter, table.name, table.string, table.type_,
                        table.content, table.required],
                    [[self.ids['matter'], 'member_id', "家庭成员身份证号",
                            'char', 'resident_id', False]]))
            cursor = transaction.connection.cursor()
            cursor.execute(*table.insert(
                    [table.matter, table.name, table.string, table.type_,
                        table.content, table.prefill, table.required],
                    [[self.ids['matter'], 'own_id', "申请人身份证号",
                            'char', 'resident_id', 'applicant_code',
                            False]]))
            transaction.commit()
        try:
            client = self.register('13900000009', "赵敏", 19)
            path = self.start(client)
            # Prefilled from the resident ID bound to the account, as the
            # window prefills it from the applicant
            html = self.get(client, path).get_data(as_text=True)
            self.assertRegex(html, r'name="field_own_id" value="%s"'
                % resident_id(19))
            upload = self.material_field(client, path)
            token = self.csrf(client, path)
            response = client.post(self.url(path), data={
                    'csrf_token': token, 'action': 'submit',
                    'field_member_id': "网上申请测试",
                    upload: (io.BytesIO(PDF), 'id.pdf'),
                    }, content_type='multipart/form-data')
            self.assertEqual(response.status_code, 400)
            errors = re.search(r'<div class="errors".*?</div>',
                response.get_data(as_text=True), re.S).group(0)
            self.assertIn("家庭成员身份证号", errors)
            token = self.csrf(client, path)
            response = client.post(self.url(path), data={
                    'csrf_token': token, 'action': 'submit',
                    'field_member_id': resident_id(20),
                    }, content_type='multipart/form-data')
            self.assertEqual(response.status_code, 200, response.data)
            self.assertTrue(NUMBER.search(response.get_data(as_text=True)))
        finally:
            with self.transaction() as transaction:
                Field = self.pool.get('onewindow.matter.form.field')
                table = Field.__table__()
                transaction.connection.cursor().execute(*table.delete(
                        where=table.name.in_(['member_id', 'own_id'])))
                transaction.commit()

    def test_upload_checked(self):
        "An upload whose content is not its type is refused"
        client = self.register('13900000005', "赵敏", 15)
        path = self.start(client)
        response = self.submit(client, path, data=PNG, name='id.pdf')
        self.assertEqual(response.status_code, 400)
        response = self.submit(client, path, data=b'<script>', name='a.pdf')
        self.assertEqual(response.status_code, 400)
        response = self.submit(client, path, data=PDF,
            name='../../<script>x.pdf')
        self.assertEqual(response.status_code, 200)
        with self.transaction():
            Attachment = self.pool.get('ir.attachment')
            names = [a.name for a in Attachment.search([
                        ('resource', 'like',
                            'onewindow.application.material,%')])]
            self.assertIn('<script>x.pdf', names)
            self.assertFalse([n for n in names if '/' in n])

    def test_upload_scan(self):
        "A scan of a few megabytes is taken, as at the window"
        client = self.register('13900000016', "钱小红", 26)
        path = self.start(client)
        scan = PDF + b'0' * (3 * 1024 * 1024)
        response = self.submit(client, path, data=scan, name='scan.pdf')
        self.assertEqual(response.status_code, 200, response.data[:500])
        self.assertTrue(NUMBER.search(response.get_data(as_text=True)))
        with self.transaction():
            Attachment = self.pool.get('ir.attachment')
            attachment, = Attachment.search([('name', '=', 'scan.pdf')])
            self.assertEqual(len(attachment.data), len(scan))

    def test_other_account(self):
        "Another account reaches nothing of the first one"
        owner = self.register('13900000006', "孙丽", 16)
        path = self.start(owner)
        self.submit(owner, path)
        other = self.register('13900000007', "周杰", 17)
        self.assertEqual(self.get(other, path).status_code, 404)
        self.assertEqual(self.get(self.client(), path).status_code, 404)
        self.assertNotIn("孙丽", self.get(other, 'my').get_data(
                as_text=True))
        with self.transaction():
            Attachment = self.pool.get('ir.attachment')
            attachment = Attachment.search([
                    ('resource', 'like',
                        'onewindow.application.material,%')], limit=1)[0]
        response = self.get(other, '%s/file/%d' % (path, attachment.id))
        self.assertEqual(response.status_code, 404)
