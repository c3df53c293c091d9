# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from .sms import send_text

# The events of a case that are texted to an online applicant
CASE_EVENTS = {
    'accept': 'accepted',
    'request_supplement': 'supplement',
    'approve': 'decided',
    'deny': 'decided',
    'refuse': 'decided',
    }


class CaseNotification(metaclass=PoolMeta):
    __name__ = 'onewindow.case.notification'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection += [
            ('accepted', "Case Accepted"),
            ('supplement', "Supplement Requested"),
            ('decided', "Decision Made"),
            ]

    def _send(self):
        "Send the text messages of the cases through the portal's gateway"
        if self.channel == 'sms':
            send_text(self.recipient, self.message, self.kind)
            return True
        return super()._send()


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'

    @classmethod
    def log_event(cls, cases, event, comment=None, state=None,
            comments=None):
        super().log_event(cases, event, comment=comment, state=state,
            comments=comments)
        if event in CASE_EVENTS:
            cls.notify_online(cases, CASE_EVENTS[event], state)

    @classmethod
    def notify_online(cls, cases, kind, state=None):
        """Text the applicants of the cases registered from an online
        application, through the queue of the case notifications"""
        pool = Pool()
        Notification = pool.get('onewindow.case.notification')
        values = []
        for case in cases:
            if not case.application or not case.phone:
                continue
            values.append({
                    'case': case.id, 'kind': kind, 'channel': 'sms',
                    'recipient': case.phone,
                    'message': gettext(
                        'onewindow_portal.msg_sms_case_%s' % kind,
                        number=case.number or case.application.number,
                        matter=case.matter.name,
                        deadline=case.deadline or '',
                        state=state or case.state),
                    })
        if values:
            notifications = Notification.create(values)
            Notification.__queue__.send(notifications)

