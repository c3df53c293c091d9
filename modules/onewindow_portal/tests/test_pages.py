# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The public pages: search of the matters, the service guide online, the
assets, the errors"""
from trytond.modules.onewindow_portal.tests.tools import PortalRouteTestCase
from trytond.modules.onewindow_portal.web import CSP
from trytond.pool import Pool


class PagesTestCase(PortalRouteTestCase):
    "Test the public pages of the portal"

    @classmethod
    def setup_data(cls, setup):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        Department = pool.get('onewindow.department')
        other = Department(name="Civil Affairs", short_name="MZ", code='MZ')
        other.save()
        legal, draft = Matter.create([{
                    'code': 'XK00201000', 'name': "Labour Dispatch Licence",
                    'department': other.id, 'matter_type': 'licence',
                    'handling': 'promised', 'applicant_kind': 'legal',
                    'acceptance': 'comprehensive', 'promised_limit': 20,
                    'statutory_limit': 20,
                    'legal_basis': "Labour Contract Law, art. 57",
                    'fee_basis': "No fee",
                    'materials': [('create', [{
                                    'name': "Business licence",
                                    'requirement': 'required',
                                    'paper_copies': 1,
                                    'electronic_copies': 1,
                                    'blank_form': b'%PDF-1.4 form',
                                    'blank_form_name': '../../etc/passwd',
                                    }])],
                    }, {
                    'code': 'XK00301000', 'name': "Unpublished Draft",
                    'department': other.id, 'matter_type': 'licence',
                    'handling': 'promised', 'applicant_kind': 'both',
                    'acceptance': 'comprehensive', 'promised_limit': 5,
                    }])
        Matter.publish([legal])
        setup['legal'] = legal
        setup['legal_material'] = legal.materials[0]
        setup['draft'] = draft
        setup['other'] = other

    def test_home_lists_published(self):
        "The home page lists the published matters only"
        response = self.get(self.client(), '')
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        self.assertIn("Employment", html)
        self.assertIn("Labour Dispatch Licence", html)
        self.assertNotIn("Unpublished Draft", html)
        self.assertEqual(response.headers['Content-Security-Policy'], CSP)
        self.assertIn('lang="zh-CN"', html)

    def test_search(self):
        "Search by name, department and theme"
        client = self.client()

        def names(**query):
            html = client.get(self.url(''), query_string=query).get_data(
                as_text=True)
            return {n for n in ["Employment", "Labour Dispatch Licence"]
                if n in html}
        self.assertEqual(names(q="dispatch"), {"Labour Dispatch Licence"})
        self.assertEqual(names(q="nothing like it"), set())
        self.assertEqual(
            names(department=str(self.ids['other'])),
            {"Labour Dispatch Licence"})
        self.assertEqual(names(theme='natural'), {"Employment"})
        self.assertEqual(names(theme='legal'), {"Labour Dispatch Licence"})
        # Junk in the query is ignored, not an error
        response = client.get(self.url(''), query_string={
                'department': 'x', 'page': '-3', 'theme': '<script>'})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn('<script>', response.get_data(as_text=True))

    def test_search_escaped(self):
        "The query is printed back escaped"
        response = self.client().get(self.url(''), query_string={
                'q': '<script>alert(1)</script>'})
        html = response.get_data(as_text=True)
        self.assertNotIn('<script>alert(1)</script>', html)
        self.assertIn('&lt;script&gt;', html)

    def test_matter_guide(self):
        "The matter page is its service guide"
        response = self.get(
            self.client(), 'matter/%d' % self.ids['legal'])
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        for text in ["Labour Dispatch Licence", "Business licence",
                "Labour Contract Law, art. 57", "Civil Affairs",
                'matter/%d/guide.pdf' % self.ids['legal'],
                'material/%d/blank_form' % (
                    self.ids['legal_material'])]:
            self.assertIn(text, html)
        # The material has a blank form but no sample: only the form is
        # offered for download
        self.assertNotIn(
            'material/%d/sample' % self.ids['legal_material'], html)

    def test_matter_guide_follows_changes(self):
        """The guide kept by the process shows the department, the windows
        and their halls as they are after a change"""
        client = self.client()
        path = 'matter/%d' % self.ids['legal']

        def page():
            return self.get(client, path).get_data(as_text=True)

        def change(func):
            with self.transaction() as transaction:
                pool = self.pool
                func(pool.get('onewindow.department')(self.ids['other']),
                    pool.get('onewindow.window')(self.ids['window']),
                    pool.get('onewindow.hall')(self.ids['hall']))
                transaction.commit()
        self.assertIn("Civil Affairs", page())
        self.assertNotIn("1 Guide Road", page())
        try:
            def rename(department, window, hall):
                department.name = "Civil Affairs Bureau"
                department.save()
            change(rename)
            self.assertIn("Civil Affairs Bureau", page())

            def add_window(department, window, hall):
                window.departments += (department,)
                window.save()
            change(add_window)
            self.assertIn("Comprehensive", page())

            def address(department, window, hall):
                hall.address = "1 Guide Road"
                hall.save()
            change(address)
            self.assertIn("1 Guide Road", page())
        finally:
            def restore(department, window, hall):
                department.name = "Civil Affairs"
                department.save()
                window.departments = [d for d in window.departments
                    if d != department]
                window.save()
                hall.address = None
                hall.save()
            change(restore)
        self.assertNotIn("Civil Affairs Bureau", page())
        self.assertNotIn("1 Guide Road", page())

    def test_matter_unpublished(self):
        "A draft matter is not found"
        response = self.get(self.client(), 'matter/%d' % self.ids['draft'])
        self.assertEqual(response.status_code, 404)
        response = self.get(self.client(), 'matter/999999')
        self.assertEqual(response.status_code, 404)

    def test_blank_form_download(self):
        "The blank form downloads under its base name only"
        response = self.get(self.client(),
            'matter/%d/material/%d/blank_form' % (
                self.ids['legal'], self.ids['legal_material']))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.data, b'%PDF-1.4 form')
        disposition = response.headers['Content-Disposition']
        self.assertIn("passwd", disposition)
        self.assertNotIn("..", disposition)
        self.assertNotIn("/", disposition.split("''", 1)[1])
        response = self.get(self.client(),
            'matter/%d/material/%d/sample' % (
                self.ids['legal'], self.ids['legal_material']))
        self.assertEqual(response.status_code, 404)
        response = self.get(self.client(),
            'matter/%d/material/%d/secret' % (
                self.ids['legal'], self.ids['legal_material']))
        self.assertEqual(response.status_code, 404)

    def test_static(self):
        "The stylesheet is served; nothing outside the folder is"
        client = self.client()
        response = self.get(client, 'static/portal.css')
        self.assertEqual(response.status_code, 200)
        self.assertIn('text/css', response.headers['Content-Type'])
        for path in ['static/../web.py', 'static/%2e%2e/web.py',
                'static/..%2fweb.py', 'static/nothing.css']:
            response = self.get(client, path)
            self.assertEqual(response.status_code, 404, msg=path)
            self.assertNotIn(b'import', response.data)

    def test_post_without_csrf(self):
        "A POST without the token of the form is refused"
        client = self.client()
        response = self.post(client, 'logout', {'a': '1'}, token=None)
        self.assertEqual(response.status_code, 403)
        response = self.post(client, 'logout', token='0' * 32)
        self.assertEqual(response.status_code, 403)
        response = self.post(client, 'logout')
        self.assertEqual(response.status_code, 303)

    def test_cookies(self):
        "The cookies are HttpOnly, SameSite and Secure behind TLS"
        response = self.get(self.client(), '')
        cookie = response.headers['Set-Cookie']
        self.assertIn('HttpOnly', cookie)
        self.assertIn('SameSite=Strict', cookie)
        self.assertNotIn('Secure', cookie)
        response = self.client().get(self.url(''),
            base_url='https://localhost/')
        self.assertIn('Secure', response.headers['Set-Cookie'])


class KioskTestCase(PortalRouteTestCase):
    "Test the kiosk mode of the self-service terminals"

    @classmethod
    def setup_data(cls, setup):
        pool = Pool()
        Terminal = pool.get('onewindow.terminal')
        terminal = Terminal(name="Terminal", kind='government',
            hall=setup['hall'], zone=setup['window'].zone)
        terminal.save()
        setup['terminal'] = terminal
        cls.key = terminal.kiosk_key

    def test_kiosk(self):
        "A kiosk has the touch layout, ends idle sessions, caches nothing"
        client = self.client()
        self.assertEqual(
            self.get(client, 'kiosk/wrong-key').status_code, 404)
        self.assertNotIn(b'class="kiosk', self.get(client, '').data)
        response = self.get(client, 'kiosk/%s' % self.key)
        self.assertEqual(response.status_code, 303)
        cookie = [c for c in response.headers.getlist('Set-Cookie')
            if c.startswith('ow_kiosk=')][0]
        self.assertNotIn('Expires', cookie)
        self.assertNotIn('Max-Age', cookie)
        response = self.get(client, '')
        html = response.get_data(as_text=True)
        self.assertIn('class="kiosk', html)
        self.assertRegex(html, r'content="120;url=/[^"]+/portal/kiosk-end"')
        # Warned 20 seconds before the end, with a button to go on, and
        # told without script when the page ends
        self.assertIn('data-idle-seconds="120" data-warn-seconds="20"', html)
        self.assertIn('role="alertdialog"', html)
        self.assertIn("您还在使用吗？", html)
        self.assertIn("本次使用将在 {seconds} 秒后结束", html)
        self.assertIn('id="idle-continue">继续使用</button>', html)
        self.assertIn("本页面打开 2 分钟后将返回首页", html)
        self.assertEqual(response.headers['Cache-Control'], 'no-store')
        self.assertEqual(
            self.get(client, 'static/kiosk.js').status_code, 200)
        response = self.get(client, 'kiosk-end')
        self.assertEqual(response.status_code, 303)

    def test_retired_terminal(self):
        "A terminal out of service is no kiosk"
        with self.transaction() as transaction:
            Terminal = self.pool.get('onewindow.terminal')
            terminal = Terminal(self.ids['terminal'])
            terminal.state = 'retired'
            terminal.save()
            transaction.commit()
        try:
            client = self.client()
            self.assertEqual(
                self.get(client, 'kiosk/%s' % self.key).status_code, 404)
        finally:
            with self.transaction() as transaction:
                Terminal = self.pool.get('onewindow.terminal')
                terminal = Terminal(self.ids['terminal'])
                terminal.state = 'in_service'
                terminal.save()
                transaction.commit()
