# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_matters.matter import DELIVERY_METHODS
from trytond.modules.onewindow_hall.model import (
    Problems, real_date, transition)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval

from .exceptions import DeliveryError, ResultError
from .party import identifier_code, mask_identifier


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'

    _result_states = {
        'readonly': ~Eval('state').in_(['approved', 'denied']),
        }
    _window_states = {
        'readonly': Eval('state') != 'ready',
        'invisible': Eval('delivery_method') != 'window',
        }
    _courier_states = {
        'readonly': Eval('state') != 'ready',
        'invisible': Eval('delivery_method') != 'courier',
        }

    # The one exit
    result_number = fields.Char("Result Number", size=100,
        states={
            'readonly': ~Eval('state').in_(['approved']),
            },
        help="The number of the licence or certificate.")
    result_file = fields.Binary("Result", filename='result_file_name',
        states=_result_states,
        help="The electronic copy of the result that the department "
        "produced.")
    result_file_name = fields.Char("Result Name", size=255)
    result_sent_by = fields.Many2One(
        'company.employee', "Result Sent by", readonly=True)
    result_sent_date = fields.Date("Result Sent on", readonly=True,
        help="The day the department sent the result back to the center.")
    result_scan = fields.Binary("Scanned Result", filename='result_scan_name',
        states=_result_states,
        help="The center's scan of the paper result (扫描存档).")
    result_scan_name = fields.Char("Scanned Result Name", size=255)
    verified_by = fields.Many2One(
        'company.employee', "Verified by", readonly=True)
    verification_date = fields.Date("Verification Date", readonly=True)
    delivery_method = fields.Selection(
        [(None, "")] + DELIVERY_METHODS, "Delivery", sort=False,
        states={
            'readonly': Eval('state') != 'ready',
            },
        help="How the result reaches the applicant; only the methods of "
        "the matter.")
    delivery_method_string = delivery_method.translated('delivery_method')
    collector = fields.Many2One(
        'party.party', "Collector", ondelete='RESTRICT',
        context={
            'company': Eval('company', -1),
            },
        depends={'company'},
        states=_window_states,
        help="Who collects the result at the window: the applicant, or an "
        "agent with a written authorization; his resident ID is checked.")
    collector_identifier = fields.Function(
        fields.Char("Collector ID",
            states={
                'invisible': Eval('delivery_method') != 'window',
                }),
        'get_identifier')
    collection_authorization = fields.Binary("Authorization",
        filename='collection_authorization_name',
        states=_window_states,
        help="The applicant's written authorization (委托书) for an agent "
        "who collects the result.")
    collection_authorization_name = fields.Char("Authorization Name", size=255)
    carrier = fields.Char("Carrier", size=100, states=_courier_states)
    tracking_number = fields.Char(
        "Tracking Number", size=64, states=_courier_states)
    delivery_address = fields.Text(
        "Delivery Address", size=500, states=_courier_states)
    sent_date = fields.Date("Sent on",
        domain=real_date('sent_date'),
        states=_courier_states,
        help="The day the result was handed to the carrier.")
    delivery_date = fields.Date("Delivered on",
        domain=real_date('delivery_date'),
        states={
            'readonly': (Eval('state') != 'delivered')
            | (Eval('delivery_method') != 'courier'),
            },
        help="The day the applicant received the result; for a courier, "
        "enter it when the carrier confirms the delivery.")
    delivered_by = fields.Many2One(
        'company.employee', "Delivered by", readonly=True)

    del _result_states, _window_states, _courier_states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # As the agent's (onewindow.department-party.party)
        cls._sql_indexes.add(Index(t, (t.collector, Index.Equality())))
        cls._buttons.update({
                'send_result': {
                    'invisible': (~Eval('state').in_(['approved', 'denied'])
                        | ~Eval('handover') | Bool(Eval('result_sent_date'))),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'handover', 'result_sent_date'],
                    },
                'verify_result': {
                    'invisible': ~Eval('state').in_(['approved', 'denied']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'deliver': {
                    'invisible': Eval('state') != 'ready',
                    'readonly': ~Eval('delivery_method'),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'delivery_method'],
                    },
                })

    @classmethod
    @ModelView.button
    @set_employee('result_sent_by')
    def send_result(cls, cases):
        "Send the result back from the department to the center"
        pool = Pool()
        Date = pool.get('ir.date')
        Step = pool.get('onewindow.case.step')
        cls.check_department(cases)
        cases = [c for c in cases if c.state in {'approved', 'denied'}
            and not c.result_sent_date]
        errors = Problems(
            ResultError, 'onewindow_approval.msg_case_send_result_problems')
        for case in cases:
            errors.add(case, case.get_result_problems(sending=True))
        errors.check()
        cls.write(cases, {'result_sent_date': Date.today()})
        Step.close([s for c in cases for s in c.steps])
        cls.log_event(cases, 'send_result', comments={
                c: c.result_number for c in cases})

    def get_result_problems(self, sending=False):
        """Return the translated reasons why the result does not match the
        decision; sending is True when the department sends it back"""
        problems = []
        if not sending and self.handover and not self.result_sent_date:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_result_not_sent',
                    department=self.department.rec_name))
        if self.handover and not self.decision_document:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_decision_document'))
        if self.decision == 'approved':
            if self.matter.result_kind and not self.result_number:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_result_number',
                        result=self.matter.result_name
                        or self.matter.result_kind_string))
            if sending and self.matter.result_kind and not self.result_file:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_result_file'))
        elif self.result_number:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_result_denied',
                    number=self.result_number))
        if not sending and not self.result_scan:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_result_scan'))
        return problems

    @classmethod
    @ModelView.button
    @transition('ready')
    @set_employee('verified_by')
    def verify_result(cls, cases):
        """Check the result against the decision and its scanned copy; the
        applicant is told that it is ready"""
        pool = Pool()
        Date = pool.get('ir.date')
        Notification = pool.get('onewindow.case.notification')
        errors = Problems(
            ResultError, 'onewindow_approval.msg_case_verify_problems')
        for case in cases:
            errors.add(case, case.get_result_problems())
        errors.check()
        cls.write(cases, {'verification_date': Date.today()})
        notifications = Notification.notify(cases)
        comments = defaultdict(list)
        for notification in notifications:
            comments[notification.case].append(gettext(
                    'onewindow_approval.msg_case_notify_log',
                    channel=notification.channel,
                    recipient=notification.recipient))
        cls.log_event(cases, 'verify_result', state='ready', comments={
                c: '\n'.join(comments.get(c, [])) or None for c in cases})

    def get_delivery_problems(self):
        "Return the translated reasons why the result may not be delivered"
        problems = []
        unpaid = [f for f in self.fees if not f.paid]
        if unpaid:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_fee_unpaid',
                    fees=', '.join('%s %s' % (f.description, f.amount)
                        for f in unpaid)))
        methods = self.matter.delivery_methods or []
        if self.delivery_method not in methods:
            problems.append(gettext(
                    'onewindow_approval.msg_problem_delivery_method',
                    method=self.delivery_method_string,
                    methods=', '.join(self.matter.delivery_methods_string)
                    or '-'))
        if self.delivery_method == 'window':
            if not self.collector:
                problems.append(gettext(
                        'onewindow_approval.msg_problem_collector'))
            else:
                if not identifier_code(self.collector, 'cn_ric'):
                    problems.append(gettext(
                            'onewindow_approval.msg_problem_collector_id',
                            collector=self.collector.rec_name))
                if ((self.collector != self.applicant
                        or self.applicant_kind != 'natural')
                        and not self.collection_authorization):
                    problems.append(gettext(
                            'onewindow_approval.'
                            'msg_problem_collector_authorization',
                            collector=self.collector.rec_name,
                            applicant=self.applicant.rec_name))
        elif self.delivery_method == 'courier':
            if (not self.carrier or not self.tracking_number
                    or not self.delivery_address):
                problems.append(gettext(
                        'onewindow_approval.msg_problem_courier'))
        return problems

    @classmethod
    @ModelView.button
    @transition('delivered')
    @set_employee('delivered_by')
    def deliver(cls, cases):
        """Deliver the result at the window to the applicant or his
        authorized agent, by courier or electronically, once every fee is
        paid"""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        errors = Problems(
            DeliveryError, 'onewindow_approval.msg_case_deliver_problems')
        comments = {}
        for case in cases:
            if errors.add(case, case.get_delivery_problems()):
                continue
            if case.delivery_method == 'courier':
                case.sent_date = case.sent_date or today
                comments[case] = gettext(
                    'onewindow_approval.msg_case_deliver_courier_log',
                    carrier=case.carrier, number=case.tracking_number,
                    date=case.sent_date.isoformat())
            else:
                case.delivery_date = today
                if case.delivery_method == 'window':
                    comments[case] = gettext(
                        'onewindow_approval.msg_case_deliver_window_log',
                        collector=case.collector.rec_name,
                        identifier=mask_identifier(
                            identifier_code(case.collector, 'cn_ric')))
                else:
                    comments[case] = case.delivery_method_string
        errors.check()
        cls.save(cases)
        cls.log_event(cases, 'deliver', state='delivered', comments=comments)
