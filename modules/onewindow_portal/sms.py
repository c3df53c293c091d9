# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import json
import logging
import urllib.request
from string import Template

from sql import For, Literal

from trytond.config import config
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.onewindow_approval.notification import MessageMixin
from trytond.modules.onewindow_hall.model import ButtonStateMixin
from trytond.pool import Pool
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

KINDS = [
    ('code', "Verification Code"),
    ('submitted', "Application Submitted"),
    ('passed', "Pre-Review Passed"),
    ('returned', "Returned for Correction"),
    ('rejected', "Application Rejected"),
    ('accepted', "Case Accepted"),
    ('supplement', "Supplement Requested"),
    ('decided', "Decision Made"),
    ('pickup', "Ready for Pickup"),
    ]


class Message(MessageMixin, ButtonStateMixin, Workflow, ModelSQL, ModelView):
    """Text Message

    A text message to an applicant, recorded, then sent after the
    transaction commits by trytond-worker through the gateway of the
    configuration ([portal] sms_backend): "demo" keeps the messages here
    only, "http" posts them to [portal] sms_url with the body of
    [portal] sms_template.  A message is never sent twice: a retry sends
    only what the gateway did not accept."""
    __name__ = 'onewindow.portal.sms'
    recipient = fields.Char("Recipient", required=True, readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    text = fields.Text("Text", required=True, readonly=True)
    application = fields.Many2One(
        'onewindow.application', "Online Application", readonly=True,
        ondelete='CASCADE')
    case = fields.Many2One(
        'onewindow.case', "Case", readonly=True, ondelete='CASCADE')
    backend = fields.Char("Gateway", readonly=True)
    attempts = fields.Integer("Attempts", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.application, Index.Equality())),
                Index(t, (t.case, Index.Equality())),
                })

    @classmethod
    def default_attempts(cls):
        return 0

    @classmethod
    def queue(cls, values):
        """Record the messages of the values and send them after the
        commit; return the messages"""
        values = [v for v in values if v.get('recipient')]
        if not values:
            return []
        messages = cls.create(values)
        cls.__queue__.send(messages)
        return messages

    @classmethod
    def send(cls, messages):
        """Send the messages not sent yet, each through the gateway; the
        failed ones are tried again later, up to [portal] sms_attempts
        times"""
        cls.lock_for_send(messages)
        # Read again under the lock: two workers never send one message
        errors = super().send(cls.browse([m.id for m in messages]))
        attempts = config.getint('portal', 'sms_attempts', default=5)
        for message in errors:
            if message.attempts < attempts:
                # Again later, each time later
                with Transaction().set_context(
                        queue_scheduled_at=dt.timedelta(
                            minutes=message.attempts)):
                    cls.__queue__.send([message])
        return errors

    def _send(self):
        self.attempts = (self.attempts or 0) + 1
        self.backend = backend()
        send_text(self.recipient, self.text, self.kind)
        if self.kind == 'code' and self.backend != 'demo':
            # The code is known by its hash only
            self.text = '******'
        return True

    @classmethod
    def _send_error(cls, exception):
        return super()._send_error(exception)[:1000]

    @classmethod
    def lock_for_send(cls, messages):
        "Lock the messages, waiting for the transactions that hold them"
        transaction = Transaction()
        if not transaction.database.has_select_for():
            return
        table = cls.__table__()
        cursor = transaction.connection.cursor()
        for sub_ids in grouped_slice(sorted({m.id for m in messages})):
            cursor.execute(*table.select(Literal(1),
                    where=reduce_ids(table.id, sub_ids), for_=For('UPDATE')))


def backend():
    return config.get('portal', 'sms_backend', default='demo')


def send_text(recipient, text, kind):
    """Hand the text to the configured gateway; raise if it did not accept
    it"""
    name = backend()
    if name == 'demo':
        logger.info("demo text message to %s: %s", recipient, text)
        return
    if name != 'http':
        raise ValueError("unknown text message gateway %r" % name)
    url = config.get('portal', 'sms_url')
    template = config.get('portal', 'sms_template',
        default='{"mobile": "$recipient", "text": "$text"}')
    body = Template(template).substitute(
        recipient=json.dumps(recipient)[1:-1],
        text=json.dumps(text)[1:-1],
        kind=kind)
    request = urllib.request.Request(url, data=body.encode('utf-8'),
        headers={'Content-Type': 'application/json; charset=utf-8'},
        method='POST')
    timeout = config.getint('portal', 'sms_timeout', default=10)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        if not 200 <= response.status < 300:
            raise IOError("gateway answered %s" % response.status)


def queue_text(kind, recipient, text, application=None, case=None):
    Message = Pool().get('onewindow.portal.sms')
    return Message.queue([{
                'kind': kind, 'recipient': recipient, 'text': text,
                'application': application.id if application else None,
                'case': case.id if case else None,
                }])
