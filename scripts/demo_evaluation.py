# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The ratings and complaints of the demo (好差评): the services of the
delivered demo cases are rated on their day over the five levels, through
the window device, the QR code and the text message; the bad ratings are
worked to every state of their rectification (one voided on appeal), and a
complaint is left in every state.  A rating device is registered for the
comprehensive window.  Each service is rated, and each rectification and
complaint worked, on its day of the story: the day is in the context
(onewindow_today, as in demo_cases.py), never after the story's last day.
The services of the running cases are left to rate: the device shows the
last one of its window (an acceptance of the story's last day, today) when
the demo is served.  Running it again adds nothing twice."""
import datetime as dt
import random
from zoneinfo import ZoneInfo

from trytond.pool import Pool
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
        _load(pool, Story(pool), random.Random(20260301))
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


class Story:
    """The day of the story: the context's onewindow_today, which a demo
    database's ir.date.today reads (and the time of the hall's now is moved
    to), never after the last day of the story, that of its last sweep"""

    def __init__(self, pool):
        Sweep = pool.get('onewindow.card.sweep')
        Company = pool.get('company.company')
        companies = Company.search([], limit=1)
        # The company in the context, as in a user's call: the hall's now
        # moves the time by the days between the real day and the story's,
        # both in the company's time zone (the real day in UTC is another
        # one each evening in China)
        self.company = companies[0].id if companies else None
        sweeps = Sweep.search([], order=[('date', 'DESC'), ('id', 'DESC')],
            limit=1)
        if sweeps:
            self.last = sweeps[0].date
        else:
            name = (companies[0].timezone if companies else None)
            self.last = dt.datetime.now(
                ZoneInfo(name or 'Asia/Shanghai')).date()

    def on(self, day):
        "Return the context manager of the day (the last day at the latest)"
        day = min(day or self.last, self.last)
        return Transaction().set_context(
            onewindow_today=day, company=self.company)


def _load(pool, story, rng):
    Case = pool.get('onewindow.case')
    Evaluation = pool.get('onewindow.evaluation')
    Reason = pool.get('onewindow.evaluation.reason')
    Window = pool.get('onewindow.window')
    Device = pool.get('onewindow.evaluation.device')
    reasons = Reason.search([])
    cases = Case.search([
            ('state', 'in', ['delivered', 'archived']),
            ], order=[('id', 'ASC')])
    with story.on(None):
        for stage in ['acceptance', 'delivery', 'case']:
            Evaluation.issue(cases, stage)
    evaluations = Evaluation.search([
            ('case', 'in', [c.id for c in cases]),
            ('state', '=', 'pending'),
            ], order=[('id', 'ASC')])
    levels = ['very_satisfied', 'satisfied', 'basic', 'dissatisfied',
        'very_dissatisfied']
    windows = Window.search([('kind', '=', 'comprehensive')], limit=1)
    for evaluation in evaluations:
        if rng.random() < 0.15:
            continue  # not rated
        case = evaluation.case
        if evaluation.stage == 'acceptance':
            day = case.acceptance_date
        else:
            day = case.delivery_date or case.sent_date
        level, = rng.choices(levels, weights=WEIGHTS)
        chosen = []
        if level in {'dissatisfied', 'very_dissatisfied'}:
            chosen = [r.id for r in rng.sample(reasons, rng.randint(1, 2))]
        channel = ('device' if evaluation.stage == 'acceptance'
            else rng.choice(['qr', 'sms']))
        with story.on(day):
            Evaluation.rate(evaluation, channel, level, reasons=chosen,
                comment="等候时间偏长" if chosen else None)
    _work_rectifications(pool, story, rng)
    _complaints(pool, story, rng, cases)
    _sweep_days(pool, story)
    if windows and not Device.search([], limit=1):
        Device.create([{'window': windows[0].id, 'name': "综合窗口评价器"}])


def _work_rectifications(pool, story, rng):
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
        day = rectification.hall.calendar.add_working_days(
            rectification.open_date, rng.randint(2, 18))
        with story.on(day):
            _work_rectification(rectification, target, employees, rng)


def _work_rectification(rectification, target, employees, rng):
    "Take the rectification to its target state on the day of the context"
    pool = Pool()
    Rectification = pool.get('onewindow.rectification')
    Date = pool.get('ir.date')
    if target in {'appealed', 'voided'}:
        rectification.appeal_reason = "办件按时办结，评价与事实不符"
        rectification.save()
        Rectification.appeal([rectification])
        if target == 'voided':
            rectification.appeal_decision = "经核实为误评，予以作废"
            rectification.save()
            Rectification.void([rectification])
        return
    rectification.verification = "经核实，情况属实"
    rectification.save()
    Rectification.confirm([rectification])
    if target == 'rectifying':
        return
    rectification.measures = "已对窗口人员进行提醒谈话，优化叫号流程"
    rectification.save()
    Rectification.rectify([rectification])
    if target == 'rectified':
        return
    rectification = Rectification(rectification.id)
    if rectification.real_name or target == 'called_back':
        rectification.callback_time = dt.datetime.combine(
            Date.today(), dt.time(2, 30))
        rectification.callback_by = employees[0] if employees else None
        rectification.callback_result = "已电话回访，申请人表示认可"
        rectification.save()
        Rectification.call_back([rectification])
    if target == 'called_back':
        return
    rectification.score = rng.choice(['satisfied', 'satisfied', 'basic'])
    rectification.save()
    Rectification.close([rectification])


def _sweep_days(pool, story):
    """Issue the cards of the rectifications and complaints still running on
    the days of the story their deadline came near (the working day before)
    and was missed (the working day after), as the scheduler's sweep did,
    created on those days"""
    Card = pool.get('onewindow.card')
    days = set()
    for name in ['onewindow.rectification', 'onewindow.complaint']:
        Model = pool.get(name)
        for record in Model.search([
                    ('state', 'in', Model._running_states),
                    ('deadline', '!=', None),
                    ]):
            calendar = record.hall.calendar
            deadline = record.deadline
            opened = getattr(record, 'open_date', None) or getattr(
                record, 'receive_date', None) or deadline
            for back in range(10, 0, -1):
                day = deadline - dt.timedelta(days=back)
                # Not before it was opened (or received)
                if (day >= opened and calendar.is_working_day(day)
                        and calendar.add_working_days(day, 1) >= deadline):
                    days.add(day)
                    break
            days.add(calendar.add_working_days(deadline, 1))
    # The cards are created on the day of the context (onewindow.card)
    for day in sorted(d for d in days if d <= story.last):
        with story.on(day):
            Card.sweep_records()


def _complaints(pool, story, rng, cases):
    "One complaint in every state"
    Complaint = pool.get('onewindow.complaint')
    Hall = pool.get('onewindow.hall')
    hall, = Hall.search([('code', '=', 'WY')], limit=1)
    for i, (source, subject, description, state) in enumerate(COMPLAINTS):
        case = cases[-1 - i] if len(cases) > i else None
        day = min(case.delivery_date if case and case.delivery_date
            else story.last, story.last)
        with story.on(day):
            complaint = _complaint(hall, case, i, day, source, subject,
                description)
        if state == 'draft':
            continue
        with story.on(day):
            Complaint.register([complaint])
        if state == 'registered':
            continue
        with story.on(hall.calendar.add_working_days(day, 3)):
            _answer(complaint, state)


def _complaint(hall, case, i, day, source, subject, description):
    Complaint = Pool().get('onewindow.complaint')
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
    return complaint


def _answer(complaint, state):
    Complaint = Pool().get('onewindow.complaint')
    complaint.reply = "已核实并处理，感谢您的监督"
    complaint.save()
    Complaint.answer([complaint])
    if state == 'answered':
        return
    if state == 'reopened':
        complaint.satisfaction = 'dissatisfied'
        complaint.reopen_reason = "答复未解决问题"
        complaint.save()
        Complaint.reopen([complaint])
        return
    complaint.satisfaction = 'satisfied'
    complaint.save()
    Complaint.close([complaint])
