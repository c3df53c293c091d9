# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The rectification of the bad ratings (差评整改, GB/T 39735-2020)"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.company.model import set_employee
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, transition)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access

from .evaluation import LEVELS
from .exceptions import RectificationError

RESPONSIBLES = [
    ('department', "Department"),
    ('center', "Center"),
    ]

SCORES = [
    (None, ""),
    ('satisfied', "Satisfied"),
    ('basic', "Basically Satisfied"),
    ('dissatisfied', "Dissatisfied"),
    ]


def working_deadline(hall, date, days):
    """Return the date days working days after date on the hall's calendar
    (the halls' calendars are kept by the process: the hall is not read)"""
    pool = Pool()
    Hall = pool.get('onewindow.hall')
    Calendar = pool.get('onewindow.calendar')
    calendar = Calendar(Hall.get_calendars()[hall.id])
    return calendar.add_working_days(date, days)


def is_center():
    "Return True if the current user is of the center or supervises"
    pool = Pool()
    User = pool.get('res.user')
    if not Transaction().user:
        return True
    return (User.in_group('onewindow_hall', 'group_hall_admin')
        or User.in_group('onewindow_hall', 'group_supervisor'))


class ResponsibleMixin:
    "A record that its department or the center is responsible for"
    __slots__ = ()

    def may_work(self):
        """Return True if the current user may work on the record: the
        center always, an approver of its department when the department is
        responsible"""
        pool = Pool()
        User = pool.get('res.user')
        if is_center():
            return True
        return bool(self.responsible == 'department' and self.department
            and User.is_department_approver(self.department))


class Rectification(
        ResponsibleMixin, ButtonStateMixin, Workflow, ModelSQL,
        ModelView):
    """Bad Rating Rectification

    Every rating at one of the two lowest levels opens one for the
    department of the service (the center for the window's own service):
    verified, appealed to the center or rectified, the applicant called
    back and asked to score the rectification, within a limit of working
    days."""
    __name__ = 'onewindow.rectification'
    _rectifying = {
        'readonly': Eval('state') != 'rectifying',
        }
    company = fields.Many2One('company.company', "Company", required=True,
        readonly=True)
    evaluation = fields.Many2One('onewindow.evaluation', "Rating",
        required=True, readonly=True, ondelete='RESTRICT')
    case = fields.Many2One('onewindow.case', "Case", required=True,
        readonly=True, ondelete='RESTRICT')
    hall = fields.Many2One('onewindow.hall', "Hall", required=True,
        readonly=True, ondelete='RESTRICT')
    department = fields.Many2One('onewindow.department', "Department",
        required=True, readonly=True, ondelete='RESTRICT',
        help="The department of the service rated.")
    responsible = fields.Selection(RESPONSIBLES, "Responsible",
        required=True, readonly=True, sort=False,
        help="Who rectifies: the department, or the center for the service "
        "of its comprehensive window.")
    window = fields.Many2One('onewindow.window', "Window", readonly=True,
        ondelete='RESTRICT')
    employee = fields.Many2One('company.employee', "Staff", readonly=True,
        ondelete='RESTRICT')
    level = fields.Function(fields.Selection(
            [(None, "")] + LEVELS, "Level"), 'get_evaluation')
    reasons = fields.Function(fields.Char("Reasons"), 'get_evaluation')
    comment = fields.Function(fields.Text("Comment"), 'get_evaluation')
    real_name = fields.Function(fields.Boolean("Real Name"),
        'get_evaluation')
    open_date = fields.Date("Opened on", required=True, readonly=True)
    deadline = fields.Date("Deadline", required=True, readonly=True)
    verification = fields.Text("Verification", size=2000,
        states={
            'readonly': Eval('state') != 'verifying',
            },
        help="What the verification found.")
    verified_by = fields.Many2One(
        "company.employee", "Verified by", readonly=True)
    appeal_reason = fields.Text("Appeal Reason", size=2000,
        states={
            'readonly': Eval('state') != 'verifying',
            },
        help="Why the rating is not valid (申诉): the center decides.")
    appeal_decision = fields.Text("Appeal Decision", size=2000,
        states={
            'readonly': Eval('state') != 'appealed',
            'invisible': ~Eval('state').in_(['appealed', 'voided'])
            & ~Eval('appeal_decision'),
            },
        help="The center's decision on the appeal, with its reasons.")
    decided_by = fields.Many2One(
        "company.employee", "Decided by", readonly=True)
    measures = fields.Text("Measures", size=4000, states=_rectifying,
        help="What was done to rectify.")
    rectified_by = fields.Many2One(
        "company.employee", "Rectified by", readonly=True)
    rectification_date = fields.Date("Rectified on", readonly=True)
    callback_time = fields.DateTime("Call-Back Time",
        states={
            'readonly': Eval('state') != 'rectified',
            })
    callback_by = fields.Many2One('company.employee', "Called back by",
        states={
            'readonly': Eval('state') != 'rectified',
            })
    callback_result = fields.Text("Call-Back Result", size=2000,
        states={
            'readonly': Eval('state') != 'rectified',
            })
    score = fields.Selection(SCORES, "Applicant's Score", sort=False,
        states={
            'readonly': ~Eval('state').in_(['rectified', 'called_back']),
            },
        help="How the applicant scores the rectification.")
    score_string = score.translated('score')
    done_date = fields.Date("Closed on", readonly=True)
    on_time = fields.Boolean("On Time", readonly=True,
        help="Closed on or before its deadline.")
    state = fields.Selection([
            ('verifying', "Verifying"),
            ('appealed', "Appealed"),
            ('rectifying', "Rectifying"),
            ('rectified', "Rectified"),
            ('called_back', "Called Back"),
            ('done', "Done"),
            ('voided', "Rating Voided"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    # The states in which the clock runs
    _running_states = ['verifying', 'appealed', 'rectifying', 'rectified',
        'called_back']

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.department, Index.Equality()),
                    (t.open_date, Index.Range())),
                Index(t, (t.evaluation, Index.Equality())),
                Index(t, (t.state, Index.Equality()),
                    where=t.state.in_(cls._running_states)),
                })
        cls._order = [('open_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('verifying', 'rectifying'),
            ('verifying', 'appealed'),
            ('appealed', 'voided'),
            ('appealed', 'rectifying'),
            ('rectifying', 'rectified'),
            ('rectified', 'called_back'),
            ('rectified', 'done'),
            ('called_back', 'done'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'verifying',
                    'depends': ['state'],
                    },
                'appeal': {
                    'invisible': Eval('state') != 'verifying',
                    'readonly': ~Eval('appeal_reason'),
                    'depends': ['state', 'appeal_reason'],
                    },
                'void': {
                    'invisible': Eval('state') != 'appealed',
                    'readonly': ~Eval('appeal_decision'),
                    'depends': ['state', 'appeal_decision'],
                    },
                'reject_appeal': {
                    'invisible': Eval('state') != 'appealed',
                    'readonly': ~Eval('appeal_decision'),
                    'depends': ['state', 'appeal_decision'],
                    },
                'rectify': {
                    'invisible': Eval('state') != 'rectifying',
                    'readonly': ~Eval('measures'),
                    'depends': ['state', 'measures'],
                    },
                'call_back': {
                    'invisible': Eval('state') != 'rectified',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': ~Eval('state').in_(
                        ['rectified', 'called_back']),
                    'readonly': (Eval('state') == 'rectified')
                    & Bool(Eval('real_name')),
                    'depends': ['state', 'real_name'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'verifying'

    def get_rec_name(self, name):
        return self.evaluation.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('case.rec_name',) + tuple(clause[1:])]

    @classmethod
    def get_evaluation(cls, rectifications, names):
        result = {n: {} for n in names}
        with without_check_access():
            for rectification in cls.browse(rectifications):
                evaluation = rectification.evaluation
                values = {
                    'level': evaluation.level,
                    'reasons': '、'.join(
                        r.name for r in evaluation.reasons),
                    'comment': evaluation.comment,
                    'real_name': evaluation.real_name,
                    }
                for name in names:
                    result[name][rectification.id] = values[name]
        return result

    @classmethod
    def open_for(cls, evaluations):
        "Open the rectifications of the bad ratings"
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('onewindow.evaluation.configuration')
        config = Configuration(1)
        today = Date.today()
        vlist = []
        for evaluation in evaluations:
            window = evaluation.window
            if (evaluation.stage in {'acceptance', 'delivery'}
                    and window and window.kind == 'comprehensive'):
                responsible = 'center'
            else:
                responsible = 'department'
            vlist.append({
                    'company': evaluation.company.id,
                    'evaluation': evaluation.id,
                    'case': evaluation.case.id,
                    'hall': evaluation.hall.id,
                    'department': evaluation.department.id,
                    'responsible': responsible,
                    'window': window.id if window else None,
                    'employee': (evaluation.employee.id
                        if evaluation.employee else None),
                    'open_date': today,
                    'deadline': working_deadline(evaluation.hall, today,
                        config.rectification_limit),
                    })
        with without_check_access():
            return cls.create(vlist)

    def check_responsible(self):
        "Raise if the current user may not work on the rectification"
        if self.may_work():
            return
        raise RectificationError(gettext(
                'onewindow_evaluation.msg_rectification_not_yours',
                rectification=self.rec_name))

    @classmethod
    @ModelView.button
    @transition('rectifying')
    @set_employee('verified_by')
    def confirm(cls, rectifications):
        "The rating is valid: rectify"
        for rectification in rectifications:
            rectification.check_responsible()

    @classmethod
    @ModelView.button
    @transition('appealed')
    @set_employee('verified_by')
    def appeal(cls, rectifications):
        "The rating is not valid: appeal to the center with the reasons"
        for rectification in rectifications:
            rectification.check_responsible()
            if not (rectification.appeal_reason or '').strip():
                raise RectificationError(gettext(
                        'onewindow_evaluation.msg_rectification_appeal_reason',
                        rectification=rectification.rec_name))

    @classmethod
    def check_center(cls, rectifications):
        for rectification in rectifications:
            if not is_center():
                raise RectificationError(gettext(
                        'onewindow_evaluation.msg_rectification_center_only',
                        rectification=rectification.rec_name))
            if not (rectification.appeal_decision or '').strip():
                raise RectificationError(gettext(
                        'onewindow_evaluation.msg_rectification_decision',
                        rectification=rectification.rec_name))

    @classmethod
    @ModelView.button
    @transition('voided')
    @set_employee('decided_by')
    def void(cls, rectifications):
        "The center upholds the appeal: the false or malicious rating is void"
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        cls.check_center(rectifications)
        for rectification in rectifications:
            with without_check_access():
                Evaluation.void([rectification.evaluation],
                    rectification.appeal_decision)
        cls._done(rectifications)

    @classmethod
    @ModelView.button
    @transition('rectifying')
    @set_employee('decided_by')
    def reject_appeal(cls, rectifications):
        "The center rejects the appeal: the department rectifies"
        cls.check_center(rectifications)

    @classmethod
    @ModelView.button
    @transition('rectified')
    @set_employee('rectified_by')
    def rectify(cls, rectifications):
        pool = Pool()
        Date = pool.get('ir.date')
        for rectification in rectifications:
            rectification.check_responsible()
            if not (rectification.measures or '').strip():
                raise RectificationError(gettext(
                        'onewindow_evaluation.msg_rectification_measures',
                        rectification=rectification.rec_name))
        cls.write(rectifications, {'rectification_date': Date.today()})

    @classmethod
    @ModelView.button
    @transition('called_back')
    def call_back(cls, rectifications):
        "Record the call-back of the applicant (回访)"
        for rectification in rectifications:
            rectification.check_responsible()
            if not (rectification.callback_time and rectification.callback_by
                    and (rectification.callback_result or '').strip()):
                raise RectificationError(gettext(
                        'onewindow_evaluation.msg_rectification_callback',
                        rectification=rectification.rec_name))

    @classmethod
    @ModelView.button
    @transition('done')
    def close(cls, rectifications):
        "Close with the applicant's score (the call-back first if real-name)"
        for rectification in rectifications:
            rectification.check_responsible()
            if (rectification.state == 'rectified'
                    and rectification.real_name):
                raise RectificationError(gettext(
                        'onewindow_evaluation.msg_rectification_callback',
                        rectification=rectification.rec_name))
            if rectification.real_name and not rectification.score:
                raise RectificationError(gettext(
                        'onewindow_evaluation.msg_rectification_score',
                        rectification=rectification.rec_name))
        cls._done(rectifications)

    @classmethod
    def _done(cls, rectifications):
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        for rectification in rectifications:
            cls.write([rectification], {
                    'done_date': today,
                    'on_time': today <= rectification.deadline,
                    })
