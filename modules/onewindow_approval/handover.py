# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_hall.ir import now as hall_now
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, transition)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .document import DocumentReport
from .exceptions import CaseAccessError, HandoverError


class Handover(
        ButtonStateMixin, Workflow, ModelSQL,
        ModelView):
    """Hand-Over

    A batch of accepted cases, with their paper materials, that the center
    hands over to one department (移交, 物料流转).  The clerk sends it with the
    hand-over slip (物料流转凭证), which moves each case to review; a user of
    the department confirms that he received it."""
    __name__ = 'onewindow.handover'
    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    number = fields.Char("Number", readonly=True,
        help="The number of the hand-over slip, given when it is sent.")
    hall = fields.Many2One(
        'onewindow.hall', "Hall", required=True, ondelete='RESTRICT',
        states=_states,
        domain=[('company', '=', Eval('company', -1))])
    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='RESTRICT', states=_states,
        help="The department that receives the cases.")
    cases = fields.One2Many(
        'onewindow.case', 'handover', "Cases",
        add_remove=[
            ('state', '=', 'accepted'),
            ('handover', '=', None),
            ],
        domain=[
            ('hall', '=', Eval('hall', -1)),
            ('department', '=', Eval('department', -1)),
            If(Eval('state') == 'draft',
                ('state', '=', 'accepted'),
                ()),
            ],
        states=_states,
        help="The accepted cases of the department to hand over.")
    case_count = fields.Function(
        fields.Integer("Cases"), 'get_case_count')
    date = fields.Date("Date", readonly=True,
        help="The day the slip was sent.")
    sent_by = fields.Many2One(
        'company.employee', "Sent by", readonly=True, ondelete='RESTRICT')
    received_by = fields.Many2One(
        'company.employee', "Received by", readonly=True,
        ondelete='RESTRICT',
        help="The user of the department who signed for the cases.")
    received_date = fields.DateTime("Received at", readonly=True)
    note = fields.Text("Note", size=2000,
        states={
            'readonly': Eval('state') == 'received',
            })
    state = fields.Selection([
            ('draft', "Draft"),
            ('sent', "Sent"),
            ('received', "Received"),
            ], "State", required=True, readonly=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.hall, Index.Equality())),
                Index(t, (t.department, Index.Equality())),
                Index(
                    t, (t.state, Index.Equality()),
                    where=t.state.in_(['draft', 'sent'])),
                })
        cls._order = [
            ('date', 'DESC NULLS FIRST'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'sent'),
            ('sent', 'received'),
            }
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('cases', []),
                    'icon': 'tryton-forward',
                    'depends': ['state', 'cases'],
                    },
                'receive': {
                    'invisible': Eval('state') != 'sent',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_hall(cls):
        pool = Pool()
        Case = pool.get('onewindow.case')
        return Case.default_hall()

    # What the rec_name is made of (read with it, see RelatedReadMixin)
    _rec_name_fields = ['number']

    def get_rec_name(self, name):
        return self.number or '(%s)' % self.id

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('number',) + tuple(clause[1:])]

    @classmethod
    def get_case_count(cls, handovers, name):
        return {h.id: len(h.cases) for h in handovers}

    @classmethod
    def delete(cls, handovers):
        for handover in handovers:
            if handover.state != 'draft':
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_handover_delete',
                        handover=handover.rec_name))
        super().delete(handovers)

    @classmethod
    def copy(cls, handovers, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'date', 'sent_by', 'received_by',
                'received_date', 'cases']:
            default.setdefault(name, None)
        return super().copy(handovers, default=default)

    @classmethod
    def set_number(cls, handovers):
        "Give a number to the hand-overs from the configured sequence"
        pool = Pool()
        Configuration = pool.get('onewindow.case.configuration')
        config = Configuration(1)
        for handover in handovers:
            if handover.number:
                continue
            sequence = config.get_multivalue(
                'handover_sequence', company=handover.company.id)
            with Transaction().set_context(date=handover.date):
                handover.number = '%s-%s' % (
                    handover.hall.code, sequence.get())
        cls.save(handovers)

    @classmethod
    @ModelView.button
    @transition('sent')
    @set_employee('sent_by')
    def send(cls, handovers):
        "Send the cases to the department, which starts their review"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Date = pool.get('ir.date')
        today = Date.today()
        cases = []
        for handover in handovers:
            if not handover.cases:
                raise HandoverError(gettext(
                        'onewindow_approval.msg_handover_empty',
                        handover=handover.rec_name))
            for case in handover.cases:
                if (case.state != 'accepted'
                        or case.hall != handover.hall
                        or case.department != handover.department):
                    raise HandoverError(gettext(
                            'onewindow_approval.msg_handover_case',
                            handover=handover.rec_name,
                            case=case.rec_name,
                            department=handover.department.rec_name))
                cases.append(case)
            handover.date = today
        cls.save(handovers)
        cls.set_number(handovers)
        Case.start_review(cases)

    @classmethod
    @ModelView.button
    @transition('received')
    @set_employee('received_by')
    def receive(cls, handovers):
        "Confirm that the department received the cases and materials"
        pool = Pool()
        Case = pool.get('onewindow.case')
        User = pool.get('res.user')
        for handover in handovers:
            if not User.is_department_approver(handover.department):
                raise CaseAccessError(gettext(
                        'onewindow_approval.msg_handover_receive_not_yours',
                        handover=handover.rec_name,
                        department=handover.department.rec_name))
        cls.write(handovers, {'received_date': hall_now()})
        comments = {}
        for handover in handovers:
            for case in handover.cases:
                comments[case] = gettext(
                    'onewindow_approval.msg_handover_receive_log',
                    handover=handover.rec_name,
                    department=handover.department.rec_name)
        Case.log_event(list(comments), 'receive', comments=comments)

    @classmethod
    def create_for(cls, cases):
        """Return the draft hand-overs of the cases, creating one for each
        hall and department of the cases not on a slip yet"""
        handovers = {c.handover for c in cases
            if c.handover and c.handover.state == 'draft'}
        loose = defaultdict(list)
        for case in cases:
            if not case.handover:
                loose[(case.company, case.hall, case.department)].append(
                    case)
        new = [cls(company=company, hall=hall, department=department,
                cases=cases)
            for (company, hall, department), cases in loose.items()]
        cls.save(new)
        return sorted(handovers, key=lambda h: h.id) + new


class HandoverSlip(DocumentReport):
    "Hand-Over Slip"
    __name__ = 'onewindow.handover.slip'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)

        def received(material):
            return '%s / %s' % (
                material.paper_received, material.electronic_received)
        context['received'] = received
        return context


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'hand_over': {
                    'invisible': Eval('state') != 'accepted',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button_action('onewindow_approval.act_handover_form')
    def hand_over(cls, cases):
        """Hand the accepted cases over to their departments and open the
        slips to print

        The cases already on a draft slip are sent with it; the others go on
        a new slip for each department."""
        pool = Pool()
        Handover = pool.get('onewindow.handover')
        cases = [c for c in cases if c.state == 'accepted']
        handovers = Handover.create_for(cases)
        Handover.send(handovers)
        if handovers:
            return {'res_id': [h.id for h in handovers]}
