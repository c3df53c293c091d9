# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The ratings and complaints of the demo (好差评): the services of the
delivered demo cases are rated on their day over the five levels, through
the window device, the QR code and the text message; the bad ratings are
worked to every state of their rectification (one voided on appeal), and a
complaint is left in every state.  A rating device is registered for the
comprehensive window.  Running it again adds nothing twice."""
import datetime as dt
import random
from unittest.mock import patch

from trytond.transaction import Transaction

# The share of each level among the ratings, best first
WEIGHTS = [55, 25, 10, 6, 4]
CHANNELS = ['device', 'qr', 'sms']
# The steps of a rectification, in order, and how many stop at each state
RECTIFICATION_PATH = ['verifying', 'appealed', 'voided', 'rectifying',
    'rectified', 'called_back', 'done']

COMPLAINTS = [
    # source, subject, description, final state
    ('window', "窗口排队时间过长", "上午排队一个多小时才办理", 'draft'),
    ('hotline', "补办社保卡进度慢", "受理后一周无人告知进度", 'registered'),
    ('portal', "网上申请材料被退回未说明原因", "请说明退回原因", 'answered'),
    ('letter', "窗口人员服务态度差", "工作人员不耐烦", 'reopened'),
    ('hotline', "办事指南与实际要求不一致", "指南未列明需复印件", 'closed'),
    ]


def load(config, ctx):
    pool = config.pool
    # The ratings lock their rows: the table is locked from the start
    with Transaction().start(config.database_name, 0,
            _lock_tables=['onewindow_evaluation']) as transaction:
        Evaluation = pool.get('onewindow.evaluation')
        if Evaluation.search([('state', '!=', 'pending')], limit=1):
            print("demo_evaluation: already loaded")
            return
        Date = pool.get('ir.date')
        with patch.object(Date, 'today') as today:
            _load(pool, today, random.Random(20260301))
        transaction.commit()
    with Transaction().start(config.database_name, 0) as transaction:
        Evaluation = pool.get('onewindow.evaluation')
        Rectification = pool.get('onewindow.rectification')
        Complaint = pool.get('onewindow.complaint')
        Device = pool.get('onewindow.evaluation.device')
        device, = Device.search([], limit=1)
        print("demo_evaluation: %s ratings, %s rectifications, %s "
            "complaints; the device of %s: /%s/portal/device/%s" % (
                Evaluation.search_count([('state', '=', 'rated')]),
                Rectification.search_count([]),
                Complaint.search_count([]),
                device.window.name, config.database_name, device.key))


def _load(pool, today, rng):
    Case = pool.get('onewindow.case')
    Evaluation = pool.get('onewindow.evaluation')
    Reason = pool.get('onewindow.evaluation.reason')
    Window = pool.get('onewindow.window')
    Device = pool.get('onewindow.evaluation.device')
    reasons = Reason.search([])
    cases = Case.search([
            ('state', 'in', ['delivered', 'archived']),
            ], order=[('id', 'ASC')])
    today.return_value = dt.date.today()
    for stage in ['acceptance', 'delivery', 'case']:
        Evaluation.issue(cases, stage)
    evaluations = Evaluation.search([
            ('case', 'in', [c.id for c in cases]),
            ('state', '=', 'pending'),
            ], order=[('id', 'ASC')])
    levels = ['very_satisfied', 'satisfied', 'basic', 'dissatisfied',
        'very_dissatisfied']
    for evaluation in evaluations:
        if rng.random() < 0.15:
            continue  # not rated
        case = evaluation.case
        if evaluation.stage == 'acceptance':
            day = case.acceptance_date
        else:
            day = case.delivery_date or case.sent_date
        today.return_value = day or dt.date.today()
        level, = rng.choices(levels, weights=WEIGHTS)
        chosen = []
        if level in {'dissatisfied', 'very_dissatisfied'}:
            chosen = [r.id for r in rng.sample(reasons, rng.randint(1, 2))]
        channel = ('device' if evaluation.stage == 'acceptance'
            else rng.choice(['qr', 'sms']))
        Evaluation.rate(evaluation, channel, level, reasons=chosen,
            comment="等候时间偏长" if chosen else None)
    _work_rectifications(pool, today, rng)
    _complaints(pool, today, rng, cases)
    windows = Window.search([('kind', '=', 'comprehensive')], limit=1)
    if windows and not Device.search([], limit=1):
        Device.create([{'window': windows[0].id, 'name': "综合窗口评价器"}])


def _work_rectifications(pool, today, rng):
    "Take the rectifications to every state, in the order of their opening"
    Rectification = pool.get('onewindow.rectification')
    Employee = pool.get('company.employee')
    rectifications = Rectification.search([], order=[('id', 'ASC')])
    employees = Employee.search([], limit=1)
    targets = ['verifying', 'appealed', 'voided', 'rectifying', 'rectified',
        'called_back'] + ['done'] * 6
    for i, rectification in enumerate(rectifications):
        target = targets[i % len(targets)]
        if target == 'verifying':
            continue
        # Worked some working days after it was opened
        today.return_value = rectification.hall.calendar.add_working_days(
            rectification.open_date, rng.randint(2, 18))
        if target in {'appealed', 'voided'}:
            rectification.appeal_reason = "办件按时办结，评价与事实不符"
            rectification.save()
            Rectification.appeal([rectification])
            if target == 'voided':
                rectification.appeal_decision = "经核实为误评，予以作废"
                rectification.save()
                Rectification.void([rectification])
            continue
        rectification.verification = "经核实，情况属实"
        rectification.save()
        Rectification.confirm([rectification])
        if target == 'rectifying':
            continue
        rectification.measures = "已对窗口人员进行提醒谈话，优化叫号流程"
        rectification.save()
        Rectification.rectify([rectification])
        if target == 'rectified':
            continue
        rectification = Rectification(rectification.id)
        if rectification.real_name or target == 'called_back':
            rectification.callback_time = dt.datetime.combine(
                today.return_value, dt.time(2, 30))
            rectification.callback_by = employees[0] if employees else None
            rectification.callback_result = "已电话回访，申请人表示认可"
            rectification.save()
            Rectification.call_back([rectification])
        if target == 'called_back':
            continue
        rectification.score = rng.choice(['satisfied', 'satisfied', 'basic'])
        rectification.save()
        Rectification.close([rectification])


def _complaints(pool, today, rng, cases):
    "One complaint in every state"
    Complaint = pool.get('onewindow.complaint')
    Hall = pool.get('onewindow.hall')
    hall, = Hall.search([('code', '=', 'WY')], limit=1)
    for i, (source, subject, description, state) in enumerate(COMPLAINTS):
        case = cases[-1 - i] if len(cases) > i else None
        day = (case.delivery_date if case and case.delivery_date
            else dt.date.today())
        today.return_value = day
        complaint, = Complaint.create([{
                    'company': hall.company.id,
                    'hall': hall.id,
                    'source': source,
                    'hotline_number': (
                        '12345-%s-%04d' % (day.strftime('%Y%m%d'), i)
                        if source == 'hotline' else None),
                    'receive_date': day,
                    'complainant': case.applicant.id if case else None,
                    'complainant_name': (
                        case.applicant.name if case else "张先生"),
                    'phone': case.phone if case else None,
                    'subject': subject,
                    'description': description,
                    'case': case.id if case else None,
                    'responsible': 'department' if case else 'center',
                    }])
        if state == 'draft':
            continue
        Complaint.register([complaint])
        if state == 'registered':
            continue
        today.return_value = hall.calendar.add_working_days(day, 3)
        complaint.reply = "已核实并处理，感谢您的监督"
        complaint.save()
        Complaint.answer([complaint])
        if state == 'answered':
            continue
        if state == 'reopened':
            complaint.satisfaction = 'dissatisfied'
            complaint.reopen_reason = "答复未解决问题"
            complaint.save()
            Complaint.reopen([complaint])
            continue
        complaint.satisfaction = 'satisfied'
        complaint.save()
        Complaint.close([complaint])
