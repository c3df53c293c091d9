# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from sql import Null

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

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
        # One small query: most cases come from the window
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        online = set()
        for sub_ids in grouped_slice([c.id for c in cases]):
            cursor.execute(*table.select(table.id,
                    where=reduce_ids(table.id, sub_ids)
                    & (table.application != Null)))
            online.update(r[0] for r in cursor)
        if not online:
            return
        values = []
        for case in cases:
            if case.id not in online or not case.phone:
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
