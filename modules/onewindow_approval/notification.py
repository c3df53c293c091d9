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


class MessageMixin:
    """A message recorded, then sent after the transaction commits through
    the queue: queued, sent (the gateway accepted it) or failed (with the
    error of the gateway); a retry queues again what was not sent, and
    sending again what was sent does nothing

    The class gives _send, which hands one message to its gateway."""
    __slots__ = ()
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
        cls._sql_indexes.add(
            # A B-tree: a hash index keeps all the queued messages in one
            # bucket, and each insert walks its chain
            Index(t, (t.state, Index.Range()),
                where=t.state.in_(['queued', 'failed'])))
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
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'queued'

    @classmethod
    def send(cls, messages):
        """Send the queued messages through their gateway; return the
        errors by message of those that failed"""
        sent, errors = [], {}
        for message in messages:
            if message.state == 'sent':
                continue
            try:
                if message._send():
                    sent.append(message)
            except Exception as exception:
                logger.warning("%s %s failed", cls.__name__, message.id,
                    exc_info=True)
                errors[message] = cls._send_error(exception)
        cls.fail(list(errors), errors)
        cls.mark_sent(sent)
        return errors

    def _send(self):
        """Hand the message to its gateway

        Return True when the gateway accepted it, False when no gateway
        handles it (the message stays queued); raise when it refused it."""
        return False

    @classmethod
    def _send_error(cls, exception):
        "Return the error recorded for the exception of the gateway"
        return str(exception)

    @classmethod
    @Workflow.transition('sent')
    def mark_sent(cls, messages):
        "Record that the gateway accepted the messages"
        for message in messages:
            message.sent_date = dt.datetime.now()
            message.error = None
        cls.save(messages)

    @classmethod
    @Workflow.transition('failed')
    def fail(cls, messages, errors):
        "Record the errors (by message) of the gateway"
        for message in messages:
            message.error = errors[message]
        cls.save(messages)

    @classmethod
    @Workflow.transition('queued')
    def requeue(cls, messages):
        "Put the failed messages back in the queue"
        cls.write(messages, {'error': None})

    @classmethod
    @ModelView.button
    def retry(cls, messages):
        "Queue again the messages not sent"
        messages = [m for m in messages if m.state != 'sent']
        cls.requeue(messages)
        if messages:
            cls.__queue__.send(messages)


class CaseNotification(
        MessageMixin, ButtonStateMixin, CaseLineMixin, Workflow, ModelSQL,
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

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('case')
        cls._sql_indexes.add(Index(t, (t.case, Index.Equality())))
        cls._buttons['retry']['icon'] = 'tryton-refresh'

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
