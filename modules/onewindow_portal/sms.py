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
from trytond.modules.onewindow_hall.model import ButtonStateMixin
from trytond.pool import Pool
from trytond.pyson import Eval
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


class Message(ButtonStateMixin, Workflow, ModelSQL, ModelView):
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
    state = fields.Selection([
            ('queued', "Queued"),
            ('sent', "Sent"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True, sort=False)
    backend = fields.Char("Gateway", readonly=True)
    attempts = fields.Integer("Attempts", readonly=True)
    sent_date = fields.DateTime("Sent at", readonly=True)
    error = fields.Text("Error", readonly=True,
        states={
            'invisible': Eval('state') != 'failed',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.application, Index.Equality())),
                Index(t, (t.case, Index.Equality())),
                Index(t, (t.state, Index.Range()),
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
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'queued'

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
        sent, errors = [], {}
        # Read again under the lock: two workers never send one message
        for message in cls.browse([m.id for m in messages]):
            if message.state == 'sent':
                continue
            message.attempts = (message.attempts or 0) + 1
            message.backend = backend()
            try:
                send_text(message.recipient, message.text, message.kind)
            except Exception as exception:
                logger.warning("text message %s failed", message.id,
                    exc_info=True)
                errors[message] = str(exception)[:1000]
                continue
            if message.kind == 'code' and message.backend != 'demo':
                # The code is known by its hash only
                message.text = '******'
            sent.append(message)
        cls.fail(list(errors), errors)
        cls.mark_sent(sent)
        attempts = config.getint('portal', 'sms_attempts', default=5)
        for message in errors:
            if message.attempts < attempts:
                # Again later, each time later
                with Transaction().set_context(
                        queue_scheduled_at=dt.timedelta(
                            minutes=message.attempts)):
                    cls.__queue__.send([message])

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

    @classmethod
    @ModelView.button
    def retry(cls, messages):
        "Queue again the messages not sent"
        messages = [m for m in messages if m.state != 'sent']
        cls.requeue(messages)
        if messages:
            cls.__queue__.send(messages)


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
