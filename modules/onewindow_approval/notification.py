# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import logging

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin)
from trytond.pyson import Eval

from .case import CaseLineMixin
from .document import cn_date

logger = logging.getLogger(__name__)


class CaseNotification(
        ButtonStateMixin, CaseLineMixin, Workflow, ModelSQL,
        ModelView):
    """Case Notification

    A message to the applicant (the result is ready to collect ...), recorded
    on the case and sent after the transaction commits, through the queue.
    No gateway is part of this module: a module for an SMS or e-mail gateway
    extends _send for its channel; until then the messages stay queued and
    can be sent again once a gateway is installed."""
    __name__ = 'onewindow.case.notification'

    case = fields.Many2One(
        'onewindow.case', "Case", required=True, ondelete='CASCADE',
        readonly=True)
    kind = fields.Selection([
            ('pickup', "Result Ready"),
            ], "Kind", required=True, readonly=True)
    channel = fields.Selection([
            ('sms', "SMS"),
            ('email', "E-mail"),
            ], "Channel", required=True, readonly=True)
    recipient = fields.Char("Recipient", required=True, readonly=True,
        help="The phone number or the e-mail address.")
    message = fields.Text("Message", required=True, readonly=True)
    state = fields.Selection([
            ('queued', "Queued"),
            ('sent', "Sent"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True, sort=False)
    sent_date = fields.DateTime("Sent at", readonly=True)
    error = fields.Text("Error", readonly=True,
        states={
            'invisible': Eval('state') != 'failed',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('case')
        cls._sql_indexes.update({
                Index(t, (t.case, Index.Equality())),
                # A B-tree: a hash index keeps all the queued messages in
                # one bucket, and each insert walks its chain
                Index(
                    t, (t.state, Index.Range()),
                    where=t.state.in_(['queued', 'failed'])),
                })
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('queued', 'sent'),
            ('queued', 'failed'),
            ('failed', 'sent'),
            ('failed', 'failed'),
            ('failed', 'queued'),
            }
        cls._buttons.update({
                'retry': {
                    'invisible': Eval('state') == 'sent',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'queued'

    def get_rec_name(self, name):
        return '%s: %s' % (self.case.rec_name, self.recipient)

    @classmethod
    def pickup_values(cls, case):
        "Return the values of the notifications that the result is ready"
        message = gettext('onewindow_approval.msg_notification_pickup',
            applicant=case.applicant.rec_name,
            number=case.number,
            matter=case.matter.name,
            hall=case.hall.rec_name,
            address=case.hall.address or '',
            hours=case.hall.opening_hours or '',
            phone=case.hall.phone or '',
            date=cn_date(case.verification_date))
        values = []
        if case.phone:
            values.append({
                    'case': case.id, 'kind': 'pickup', 'channel': 'sms',
                    'recipient': case.phone, 'message': message,
                    })
        email = case.applicant.email
        if email:
            values.append({
                    'case': case.id, 'kind': 'pickup', 'channel': 'email',
                    'recipient': email, 'message': message,
                    })
        return values

    @classmethod
    def notify(cls, cases):
        """Record the notifications that the results of the cases are ready
        and send them once the transaction is committed"""
        notifications = cls.create(
            sum((cls.pickup_values(c) for c in cases), []))
        if notifications:
            cls.__queue__.send(notifications)
        return notifications

    @classmethod
    def send(cls, notifications):
        """Send the queued notifications through the gateway of their
        channel; sending again what was sent does nothing"""
        sent, errors = [], {}
        for notification in notifications:
            if notification.state == 'sent':
                continue
            try:
                if notification._send():
                    sent.append(notification)
            except Exception as exception:
                logger.warning(
                    "notification %s failed", notification.id, exc_info=True)
                errors[notification] = str(exception)
        cls.fail(list(errors), errors)
        cls.mark_sent(sent)

    def _send(self):
        """Hand the message to the gateway of the channel

        Return True when the gateway accepted it, False when no gateway
        handles the channel (the message stays queued).  Gateway modules
        extend this method."""
        return False

    @classmethod
    @Workflow.transition('sent')
    def mark_sent(cls, notifications):
        "Record that the gateway accepted the notifications"
        cls.write(notifications, {
                'sent_date': dt.datetime.now(),
                'error': None,
                })

    @classmethod
    @Workflow.transition('failed')
    def fail(cls, notifications, errors):
        "Record the errors (by notification) of the gateway"
        for notification in notifications:
            notification.error = errors[notification]
        cls.save(notifications)

    @classmethod
    @Workflow.transition('queued')
    def queue(cls, notifications):
        "Put the failed notifications back in the queue"
        cls.write(notifications, {'error': None})

    @classmethod
    @ModelView.button
    def retry(cls, notifications):
        "Queue again the notifications not sent"
        notifications = [n for n in notifications if n.state != 'sent']
        cls.queue(notifications)
        if notifications:
            cls.__queue__.send(notifications)
