# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Rating from the portal's "my applications and cases": the logged-in
applicant rates the services of his own case once, by real name; another
account, a visitor and a staff session rate nothing"""
import datetime as dt

from trytond.modules.onewindow_portal.tests.tools import (
    ApplicantRouteTestCase)


class MyCasesRatingTestCase(ApplicantRouteTestCase):
    "Test the rating of one's own case on the portal"
    module = 'onewindow_evaluation'

    def evaluation(self, case_id, stage='acceptance'):
        with self.transaction():
            Evaluation = self.pool.get('onewindow.evaluation')
            evaluation, = Evaluation.search([
                    ('case', '=', case_id), ('stage', '=', stage)])
            return {
                'state': evaluation.state,
                'level': evaluation.level,
                'channel': evaluation.channel,
                'real_name': evaluation.real_name,
                'reasons': [r.code for r in evaluation.reasons],
                'rectifications': len(evaluation.rectifications),
                }

    def reason(self, code):
        with self.transaction():
            Reason = self.pool.get('onewindow.evaluation.reason')
            reason, = Reason.search([('code', '=', code)])
            return str(reason.id)

    def test_rate_own_case_once(self):
        "The applicant rates the acceptance of his case once from my cases"
        client = self.register('13900000011', "王建国", 21)
        case_id = self.accepted_case(client)
        path = 'case/%d/rate/acceptance' % case_id

        html = self.get(client, 'my').get_data(as_text=True)
        self.assertIn('/portal/' + path + '"', html)
        self.assertIn("评价：受理", html)

        response = self.get(client, path)
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="level"', response.get_data(as_text=True))

        # A bad rating needs its reason, as at the other channels
        response = self.post(client, path, {'level': 'very_dissatisfied'})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.evaluation(case_id)['state'], 'pending')

        response = self.post(client, path, {
                'level': 'dissatisfied', 'reasons': self.reason('wait'),
                'comment': "排队太久"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("感谢", response.get_data(as_text=True))
        self.assertEqual(self.evaluation(case_id), {
                'state': 'rated', 'level': 'dissatisfied',
                'channel': 'portal', 'real_name': True,
                'reasons': ['wait'], 'rectifications': 1,
                })

        # Once: the page and a second post find nothing to rate
        self.assertEqual(self.get(client, path).status_code, 404)
        response = self.post(client, path, {'level': 'very_satisfied'})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.evaluation(case_id)['level'], 'dissatisfied')
        html = self.get(client, 'my').get_data(as_text=True)
        self.assertNotIn('/portal/' + path + '"', html)
        self.assertIn("受理已评价：不满意", html)

    def test_others_cannot_rate(self):
        "Another account, a visitor and a staff session cannot rate the case"
        owner = self.register('13900000012', "李秀英", 22)
        case_id = self.accepted_case(owner)
        path = 'case/%d/rate/acceptance' % case_id
        other = self.register('13900000013', "周杰", 23)
        self.assertEqual(self.get(other, path).status_code, 404)
        self.assertEqual(self.post(other, path, {
                    'level': 'very_dissatisfied',
                    'reasons': self.reason('other')}).status_code, 404)
        self.assertNotIn("李秀英", self.get(other, 'my').get_data(
                as_text=True))
        visitor = self.client()
        response = self.post(visitor, path, {'level': 'satisfied'})
        self.assertEqual(response.status_code, 303)
        self.assertIn('/portal/login', response.headers['Location'])
        headers = {'Authorization': 'Session YWRtaW46MTox'}
        self.assertEqual(self.post(owner, path, {'level': 'satisfied'},
                headers=headers).status_code, 403)
        # Unknown stages and cases find nothing
        for wrong in ['case/%d/rate/other' % case_id,
                'case/%d/rate/delivery' % case_id,
                'case/%d/rate/acceptance' % (case_id + 1000)]:
            self.assertEqual(self.get(owner, wrong).status_code, 404)
        self.assertEqual(self.evaluation(case_id)['state'], 'pending')

    def test_rating_period_ends(self):
        "A service is rated from my cases within the days a link is valid"
        client = self.register('13900000014', "陈美玲", 24)
        case_id = self.accepted_case(client)
        path = 'case/%d/rate/acceptance' % case_id
        with self.transaction() as transaction:
            Configuration = self.pool.get(
                'onewindow.evaluation.configuration')
            Evaluation = self.pool.get('onewindow.evaluation')
            config = Configuration(1)
            evaluation, = Evaluation.search([
                    ('case', '=', case_id), ('stage', '=', 'acceptance')])
            # The service was given one day more than the link validity ago
            table = Evaluation.__table__()
            cursor = transaction.connection.cursor()
            cursor.execute(*table.update([table.service_date],
                    [evaluation.service_date - dt.timedelta(
                            days=config.link_validity + 1)],
                    where=table.id == evaluation.id))
            transaction.commit()

        html = self.get(client, 'my').get_data(as_text=True)
        self.assertNotIn('/portal/' + path + '"', html)
        self.assertIn("受理未评价：评价期限已过", html)
        self.assertEqual(self.get(client, path).status_code, 404)
        response = self.post(client, path, {'level': 'very_satisfied'})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.evaluation(case_id)['state'], 'pending')
