# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The text messages through the HTTP gateway: a local server that fails
every other request; failed messages are tried again, none is sent
twice"""
import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

from trytond.config import config
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction


class Gateway(BaseHTTPRequestHandler):
    "Accept every other message, answer 503 to the others"
    received = []
    calls = 0

    def do_POST(self):
        type(self).calls += 1
        body = self.rfile.read(int(self.headers['Content-Length']))
        if type(self).calls % 2:
            self.send_response(503)
            self.end_headers()
            return
        type(self).received.append(json.loads(body.decode('utf-8')))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


class SMSTestCase(unittest.TestCase):
    "Test the HTTP gateway of the text messages"

    @classmethod
    def setUpClass(cls):
        activate_module('onewindow_portal')
        cls.server = HTTPServer(('127.0.0.1', 0), Gateway)
        cls.thread = threading.Thread(target=cls.server.serve_forever)
        cls.thread.daemon = True
        cls.thread.start()
        if not config.has_section('portal'):
            config.add_section('portal')
        config.set('portal', 'sms_backend', 'http')
        config.set('portal', 'sms_url',
            'http://127.0.0.1:%d/send' % cls.server.server_port)

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        config.remove_option('portal', 'sms_backend')
        config.remove_option('portal', 'sms_url')

    @with_transaction()
    def test_retried_never_twice(self):
        "Failed messages are tried again; sent ones are never sent again"
        pool = Pool()
        Message = pool.get('onewindow.portal.sms')
        Gateway.received.clear()
        Gateway.calls = 0
        messages = Message.create([{
                    'kind': 'submitted', 'recipient': '1380000%04d' % i,
                    'text': "短信 %d \"引号\"" % i,
                    } for i in range(6)])
        for _ in range(4):
            Message.send(messages)
        messages = Message.browse(messages)
        self.assertEqual({m.state for m in messages}, {'sent'})
        recipients = [r['mobile'] for r in Gateway.received]
        self.assertEqual(sorted(recipients),
            sorted(m.recipient for m in messages))
        self.assertEqual(len(recipients), len(set(recipients)))
        self.assertEqual(Gateway.received[0]['text'][-4:], '"引号"')
        self.assertGreater(Gateway.calls, len(messages))
        self.assertEqual(
            sum(m.attempts for m in messages), Gateway.calls)

    @with_transaction()
    def test_code_not_kept(self):
        "A verification code sent through the gateway is not kept"
        pool = Pool()
        Message = pool.get('onewindow.portal.sms')
        Gateway.calls = 1
        message, = Message.create([{
                    'kind': 'code', 'recipient': '13800009999',
                    'text': "验证码 123456",
                    }])
        Message.send([message])
        message = Message(message.id)
        self.assertEqual(message.state, 'sent')
        self.assertNotIn('123456', message.text)

    @with_transaction()
    def test_gateway_down(self):
        "An unreachable gateway leaves the message failed, to send again"
        pool = Pool()
        Message = pool.get('onewindow.portal.sms')
        url = config.get('portal', 'sms_url')
        config.set('portal', 'sms_url', 'http://127.0.0.1:9/down')
        try:
            message, = Message.create([{
                        'kind': 'passed', 'recipient': '13800008888',
                        'text': "x"}])
            Message.send([message])
        finally:
            config.set('portal', 'sms_url', url)
        message = Message(message.id)
        self.assertEqual(message.state, 'failed')
        self.assertTrue(message.error)
        Message.retry([message])
        self.assertEqual(Message(message.id).state, 'queued')
