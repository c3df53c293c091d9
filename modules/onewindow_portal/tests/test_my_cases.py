# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The applicant's own cases on the portal over HTTP: the notices as PDF,
the supplement uploaded when the window asks for it, the pickup notice and
the choice of the courier with an address; what another account reaches
of them (nothing)"""
import io

from trytond.modules.onewindow_approval.tests.tools import pdf_text
from trytond.modules.onewindow_portal.tests.tools import (
    PDF, PNG, ApplicantRouteTestCase)


class MyCasesTestCase(ApplicantRouteTestCase):
    "Test the pages of the account's cases"

    def case(self, case_id):
        with self.transaction():
            Case = self.pool.get('onewindow.case')
            Attachment = self.pool.get('ir.attachment')
            case = Case(case_id)
            material, = case.materials
            return {
                'state': case.state,
                'electronic': material.electronic_received,
                'credibility': material.credibility,
                'files': sorted(a.name for a in Attachment.search([
                            ('resource', '=', str(material))])),
                'delivery': (case.delivery_method, case.delivery_address),
                }

    def test_supplement_online(self):
        "Asked for a supplement, the applicant uploads it from his cases"
        client = self.register('13900000021', "王建国", 31)
        case_id = self.passed_case(client)
        with self.transaction() as transaction:
            Case = self.pool.get('onewindow.case')
            Case.request_supplement([Case(case_id)])
            transaction.commit()
        path = 'case/%d/supplement' % case_id

        html = self.get(client, 'my').get_data(as_text=True)
        self.assertIn('/portal/%s"' % path, html)
        self.assertIn("上传补正材料", html)
        response = self.get(client, path)
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        self.assertIn("ID card", html)
        self.assertIn('type="file"', html)
        field = 'file_%d' % self.material_id(case_id)

        # Another account reaches nothing
        other = self.register('13900000022', "周杰", 32)
        self.assertEqual(self.get(other, path).status_code, 404)
        token = self.csrf(other, 'my')
        response = other.post(self.url(path), data={
                'csrf_token': token, field: (io.BytesIO(PDF), 'x.pdf')},
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, 404)

        # A file that is not what its name says is refused, nothing moves
        token = self.csrf(client, path)
        response = client.post(self.url(path), data={
                'csrf_token': token, field: (io.BytesIO(PNG), 'scan.pdf')},
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.case(case_id)['state'], 'supplement')
        self.assertEqual(self.case(case_id)['electronic'], 1)

        token = self.csrf(client, path)
        response = client.post(self.url(path), data={
                'csrf_token': token,
                field: (io.BytesIO(PDF), '../../身份证.pdf')},
            content_type='multipart/form-data')
        self.assertEqual(response.status_code, 303, response.data)
        case = self.case(case_id)
        self.assertEqual(case['state'], 'draft')
        self.assertEqual(case['electronic'], 2)
        self.assertEqual(case['credibility'], 'C')
        self.assertIn('身份证.pdf', case['files'])
        # Sent once: the case is back at the window
        self.assertEqual(self.get(client, path).status_code, 404)

    def material_id(self, case_id):
        with self.transaction():
            Case = self.pool.get('onewindow.case')
            material, = Case(case_id).materials
            return material.id

    def test_notices_pickup_courier(self):
        "The notices print as PDF; ready, the result comes by courier"
        client = self.register('13900000023', "李秀英", 33)
        case_id = self.accepted_case(client)
        with self.transaction():
            case_number = self.pool.get('onewindow.case')(case_id).number

        response = self.get(client, 'case/%d/notice/acceptance' % case_id)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.data.startswith(b'%PDF'))
        self.assertIn(case_number, pdf_text(response.data))
        # Not ready yet: no pickup notice, no choice of delivery
        self.assertEqual(self.get(client,
                'case/%d/notice/pickup' % case_id).status_code, 404)
        self.assertEqual(self.post(client, 'case/%d/delivery' % case_id, {
                    'method': 'courier', 'address': "翁城镇"}).status_code,
            404)

        with self.transaction() as transaction:
            Case = self.pool.get('onewindow.case')
            case = Case(case_id)
            # Reviewed and approved in the back office
            Case.start_review([case])
            case = Case(case_id)
            case.decision_number = '翁人社决〔2026〕1号'
            case.save()
            Case.approve([case])
            case = Case(case_id)
            case.result_number = 'R1'
            case.result_scan = b'%PDF-1.4 result'
            case.save()
            Case.verify_result([case])
            transaction.commit()

        html = self.get(client, 'my').get_data(as_text=True)
        self.assertIn('case/%d/notice/pickup' % case_id, html)
        self.assertIn('case/%d/notice/decision' % case_id, html)
        response = self.get(client, 'case/%d/notice/pickup' % case_id)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.data.startswith(b'%PDF'))
        self.assertIn(case_number, pdf_text(response.data))

        # Another account can neither read the notice nor choose
        other = self.register('13900000024', "赵敏", 34)
        self.assertEqual(self.get(other,
                'case/%d/notice/pickup' % case_id).status_code, 404)
        self.assertEqual(self.post(other, 'case/%d/delivery' % case_id, {
                    'method': 'courier', 'address': "别处"}).status_code,
            404)

        # The courier needs an address
        self.post(client, 'case/%d/delivery' % case_id, {
                'method': 'courier', 'address': " "})
        self.assertNotEqual(self.case(case_id)['delivery'][0], 'courier')
        response = self.post(client, 'case/%d/delivery' % case_id, {
                'method': 'courier',
                'address': "翁源县龙仙镇建设路1号 王先生 13900000023"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.case(case_id)['delivery'], (
                'courier', "翁源县龙仙镇建设路1号 王先生 13900000023"))
        html = self.get(client, 'my').get_data(as_text=True)
        self.assertIn('value="courier" checked', html)
        self.assertIn("翁源县龙仙镇建设路1号", html)
        # Back to the window
        self.post(client, 'case/%d/delivery' % case_id, {'method': 'window'})
        self.assertEqual(self.case(case_id)['delivery'][0], 'window')
