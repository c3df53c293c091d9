# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The rating pages attacked over HTTP: links replayed and guessed, a
service rated twice, a staff session rating, the device of another window;
the figures of the attempts are printed"""
import secrets

from trytond.modules.onewindow_approval.tests.test_module import case_values
from trytond.modules.onewindow_portal.tests.tools import PortalRouteTestCase
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

try:
    from tests.conftest import report_figures
except ImportError:  # run outside of the repository's pytest
    report_figures = print


class RatingPagesTestCase(PortalRouteTestCase):
    "Test the rating pages"
    module = 'onewindow_evaluation'
    attempts = 0
    leaks = []

    @classmethod
    def setup_data(cls, setup):
        pool = Pool()
        Case = pool.get('onewindow.case')
        Evaluation = pool.get('onewindow.evaluation')
        Device = pool.get('onewindow.evaluation.device')
        cases = Case.create([case_values(setup) for _ in range(4)])
        for i, case in enumerate(cases):
            setup['case%s' % i] = case
        for i, evaluation in enumerate(
                Evaluation.issue(cases[:3], 'delivery')):
            setup['link%s' % i] = evaluation
        evaluation, = Evaluation.issue(cases[3:], 'acceptance')
        setup['device_evaluation'] = evaluation
        device, = Device.create([{
                    'window': setup['window'].id, 'name': "Tablet 1"}])
        setup['device'] = device
        cls.device_key = device.key

    @classmethod
    def tearDownClass(cls):
        report_figures(
            'rating pages over HTTP: %d attacks tried, %d leaked, '
            '%d double ratings' % (
                cls.attempts, len(cls.leaks), cls._double_ratings()))
        super().tearDownClass()

    @classmethod
    def _double_ratings(cls):
        with Transaction().start(DB_NAME, 0) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT COUNT(*) FROM onewindow_evaluation '
                'GROUP BY "case", stage HAVING COUNT(*) > 1')
            return len(cursor.fetchall())

    def evaluation(self, name):
        with Transaction().start(DB_NAME, 0):
            Evaluation = Pool().get('onewindow.evaluation')
            evaluation = Evaluation(self.ids[name])
            return {
                'state': evaluation.state,
                'level': evaluation.level,
                'channel': evaluation.channel,
                'rectifications': len(evaluation.rectifications),
                }

    def new_link(self, name, channel='qr'):
        with Transaction().start(DB_NAME, 0) as transaction:
            Evaluation = Pool().get('onewindow.evaluation')
            token = Evaluation(self.ids[name]).new_link(channel)
            transaction.commit()
            return token

    def reason(self, code):
        with Transaction().start(DB_NAME, 0):
            Reason = Pool().get('onewindow.evaluation.reason')
            reason, = Reason.search([('code', '=', code)])
            return str(reason.id)

    def attack(self, response, what, refused=(403, 404, 405)):
        "Count an attack that must be refused"
        type(self).attempts += 1
        if response.status_code not in refused:
            type(self).leaks.append('%s: %s' % (what, response.status_code))
        self.assertIn(response.status_code, refused, msg=what)
        return response

    def test_link_rates_once(self):
        "A link rates its service once; a replay is refused"
        client = self.client()
        token = self.new_link('link0')
        response = self.get(client, 'rate/' + token)
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        self.assertIn("Employment", html)
        self.assertNotIn("Wang", html)
        response = self.post(client, 'rate/' + token, {
                'level': 'very_satisfied'})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.evaluation('link0')['state'], 'rated')
        self.assertEqual(self.evaluation('link0')['channel'], 'qr')
        # Replayed, the link is refused and the rating does not change
        replay = self.post(client, 'rate/' + token, {
                'level': 'very_dissatisfied',
                'reasons': self.reason('attitude'),
                })
        self.attack(replay, "replayed link")
        self.attack(self.get(client, 'rate/' + token), "replayed link read")
        self.assertEqual(self.evaluation('link0')['level'], 'very_satisfied')
        # A second link of the rated service does not rate it again
        late = self.new_link('link0', 'sms')
        self.attack(self.get(client, 'rate/' + late), "second link")

    def test_guessed_links(self):
        "Links guessed or truncated find nothing"
        client = self.client()
        token = self.new_link('link1')
        guesses = [secrets.token_urlsafe(24) for _ in range(50)] + [
            token[:-1], token[:-1] + ('A' if token[-1] != 'A' else 'B'),
            token.upper(), '', '../' + token, token + token,
            '1', '0' * 32, 'x' * 200]
        for guess in guesses:
            if not guess:
                continue
            self.attack(self.get(client, 'rate/' + guess), "guessed link")
        self.assertEqual(self.evaluation('link1')['state'], 'pending')

    def test_expired_link(self):
        "A link past its validity is refused as an unknown one"
        client = self.client()
        token = self.new_link('link1')
        self.assertEqual(self.get(client, 'rate/' + token).status_code, 200)
        with Transaction().start(DB_NAME, 0) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute('UPDATE onewindow_evaluation_link '
                "SET expires = '2000-01-01 00:00:00' "
                'WHERE evaluation = %s' % self.ids['link1'])
            transaction.commit()
        self.attack(self.get(client, 'rate/' + token), "expired link read")
        self.attack(self.post(client, 'rate/' + token, {
                    'level': 'very_satisfied'}), "expired link")
        self.assertEqual(self.evaluation('link1')['state'], 'pending')

    def test_bad_rating_needs_reason(self):
        "A bad rating without a reason is refused; with one it opens a rectification"
        client = self.client()
        token = self.new_link('link2', 'sms')
        response = self.post(client, 'rate/' + token, {
                'level': 'dissatisfied'})
        self.assertIn("reason", response.get_data(as_text=True))
        self.assertEqual(self.evaluation('link2')['state'], 'pending')
        response = self.post(client, 'rate/' + token, {
                'level': 'junk', 'reasons': self.reason('wait')})
        self.assertEqual(self.evaluation('link2')['state'], 'pending')
        response = self.post(client, 'rate/' + token, {
                'level': 'dissatisfied', 'reasons': self.reason('wait'),
                'comment': '<script>alert(1)</script>'})
        self.assertEqual(response.status_code, 200)
        evaluation = self.evaluation('link2')
        self.assertEqual(evaluation['state'], 'rated')
        self.assertEqual(evaluation['rectifications'], 1)

    def test_staff_session_cannot_rate(self):
        "A request with the credentials of a staff session is refused"
        client = self.client()
        token = self.new_link('link1')
        headers = {'Authorization': 'Session YWRtaW46MTox'}
        self.attack(client.get(self.url('rate/' + token), headers=headers),
            "staff reads a rating page")
        self.attack(self.post(client, 'rate/' + token,
                {'level': 'very_satisfied'}, headers=headers), "staff rates")
        self.attack(client.get(self.url('device/' + self.device_key),
                headers=headers), "staff opens the device")
        self.assertEqual(self.evaluation('link1')['state'], 'pending')

    def test_device(self):
        "The device shows the service just finished at its window and rates it once"
        client = self.client()
        self.attack(self.get(client, 'device/' + secrets.token_urlsafe(24)),
            "unknown device")
        path = 'device/' + self.device_key
        response = self.get(client, path)
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        self.assertIn('name="evaluation" value="%s"'
            % self.ids['device_evaluation'], html)
        # Another service than the one shown is not rated
        response = self.post(client, path, {
                'evaluation': str(self.ids['link1']),
                'level': 'very_dissatisfied',
                'reasons': self.reason('other')})
        self.assertEqual(self.evaluation('link1')['state'], 'pending')
        response = self.post(client, path, {
                'evaluation': str(self.ids['device_evaluation']),
                'level': 'satisfied'})
        self.assertEqual(response.status_code, 200)
        evaluation = self.evaluation('device_evaluation')
        self.assertEqual(
            (evaluation['state'], evaluation['channel']),
            ('rated', 'device'))
        # Posted again, nothing is rated twice
        response = self.post(client, path, {
                'evaluation': str(self.ids['device_evaluation']),
                'level': 'very_dissatisfied',
                'reasons': self.reason('other')})
        self.assertEqual(self.evaluation('device_evaluation')['level'],
            'satisfied')

    def test_public_figures(self):
        "The public page shows the departments' figures, no person"
        response = self.get(self.client(), 'satisfaction')
        self.assertEqual(response.status_code, 200)
        html = response.get_data(as_text=True)
        self.assertIn("Human Resources", html)
        self.assertNotIn("Wang", html)
        self.assertNotIn("13800138000", html)
