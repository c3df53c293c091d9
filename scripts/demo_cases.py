# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""About 200 cases of 2025 and 2026 at the windows of the demo hall

The cases are worked through the buttons, day by day, as the clerks would
have done: registered, materials received and checked, then accepted (some
with 容缺), sent back with a one-time notice (some resubmitted and
accepted), refused, withdrawn, and same-day matters decided by the team
leader.  The demo clock is moved to each day while the cases of that day are
worked.  Nothing is done when the hall has cases already."""
import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from unittest.mock import Mock, patch

from proteus import Model
from stdnum.cn import ric, uscc

PASSWORD = 'wengyuan-demo'
CASES = 200
FIRST_DAY = dt.date(2025, 1, 2)
LAST_DAY = dt.date(2026, 11, 20)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["建国", "海燕", "志明", "秀英", "文华", "丽萍", "国强", "春梅", "永红",
    "晓东", "红梅", "俊杰", "美玲", "德明", "雪芳", "振宇", "桂兰", "伟东",
    "子涵", "思远", "嘉怡", "浩然", "欣怡", "宇航", "雨桐", "家豪"]
TOWNS = ["龙仙", "坝仔", "江尾", "官渡", "周陂", "翁城", "新江", "铁龙"]
TRADES = [("农业", "科技"), ("建材", "贸易"), ("劳务", "服务"), ("餐饮", "管理"),
    ("物流", "运输"), ("旅游", "开发"), ("电子", "商务"), ("建筑", "工程")]
REFUSALS = [
    ('not_competent', "申请事项属于上级主管部门职权范围，已告知向韶关市主管部门申请。"),
    ('not_required', "申请事项依法不需要取得行政许可，可直接办理。"),
    ('not_eligible', "申请人不符合该事项规定的申请条件。"),
    ]
WITHDRAWALS = [
    "申请人已在异地办理，申请撤回。",
    "申请人情况发生变化，主动撤回申请。",
    "申请人需要重新准备材料，申请撤回。",
    ]


def resident_id(rng):
    "Return a valid resident ID of someone born in Wengyuan"
    birth = dt.date(1983, 1, 1) + dt.timedelta(days=rng.randrange(8000))
    body = '440229%s%03d' % (birth.strftime('%Y%m%d'), rng.randrange(1000))
    return body + ric.calc_check_digit(body + '0')


def credit_code(rng):
    "Return a valid unified social credit code of a Wengyuan company"
    code = '%08d' % rng.randrange(10 ** 7, 10 ** 8)
    check = 11 - sum(int(c) * w for c, w in zip(
            code, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    code += {10: 'X', 11: '0'}.get(check, str(check))
    body = '91440229' + code
    return body + uscc.calc_check_digit(body)


class Clock:
    "Move the demo server's today (ir.date.today) through the days"

    def __init__(self, config):
        self.pool = getattr(config, 'pool', None)
        self.patcher = None

    def set(self, date):
        if self.pool is None:
            return
        if self.patcher is None:
            Date = self.pool.get('ir.date')
            self.patcher = patch.object(Date, 'today', Mock())
            self.patcher.start()
        self.pool.get('ir.date').today.return_value = date

    def stop(self):
        if self.patcher is not None:
            self.patcher.stop()
            self.patcher = None


class Demo:

    def __init__(self, config, ctx):
        self.config = config
        self.ctx = ctx
        self.rng = random.Random(20250102)
        self.clock = Clock(config)
        self.admin = config.user
        self.users = {}
        self.parties = {'natural': [], 'legal': []}

    # Users

    def as_user(self, user_id):
        User = Model.get('res.user')
        if self.config.user != user_id:
            self.config.user = user_id
            self.config._context = User.get_preferences(True, {})

    def window_clerk(self, window):
        "Return the id of the user of a clerk of window"
        if window.id in self.users:
            return self.users[window.id]
        User = Model.get('res.user')
        Employee = Model.get('company.employee')
        Party = Model.get('party.party')
        Group = Model.get('res.group')
        ModelData = Model.get('ir.model.data')
        Lang = Model.get('ir.lang')
        Company = Model.get('company.company')
        Window = Model.get('onewindow.window')
        if window.kind == 'comprehensive' and 'clerk' in self.ctx.get(
                'users', {}):
            user = self.ctx['users']['clerk']
            self.users[window.id] = user.id
            return user.id
        login = 'clerk_%s' % window.code.lower()
        users = User.find([('login', '=', login)])
        if users:
            user, = users
        else:
            name = (SURNAMES[(window.id * 7) % len(SURNAMES)]
                + GIVEN[(window.id * 5) % len(GIVEN)])
            party = Party(name=name)
            party.save()
            employee = Employee(party=party,
                company=self.ctx['company'], hall_role='clerk')
            employee.windows.append(Window(window.id))
            employee.save()
            data, = ModelData.find([
                    ('module', '=', 'onewindow_hall'),
                    ('fs_id', '=', 'group_clerk')])
            lang, = Lang.find([('code', '=', 'zh_CN')])
            company = Company(self.ctx['company'].id)
            user = User(login=login, name=name, password=PASSWORD,
                language=lang)
            user.groups.append(Group(data.db_id))
            user.companies.append(company)
            user.company = company
            user.employees.append(Employee(employee.id))
            user.employee = Employee(employee.id)
            user.save()
        self.users[window.id] = user.id
        return user.id

    # Applicants

    def applicant(self, kind):
        "Return a new or a returning applicant (and an agent) of kind"
        Party = Model.get('party.party')
        rng = self.rng
        pool = self.parties[kind]
        if pool and rng.random() < 0.25:
            return rng.choice(pool)
        if kind == 'natural':
            n = len(pool)
            name = SURNAMES[(n * 11) % len(SURNAMES)] + GIVEN[
                (n * 7 + n // len(SURNAMES)) % len(GIVEN)]
            party = Party(name=name)
            identifier = party.identifiers.new()
            identifier.type = 'cn_ric'
            identifier.code = resident_id(rng)
            mechanism = party.contact_mechanisms.new()
            mechanism.type = 'mobile'
            mechanism.value = '13%09d' % rng.randrange(10 ** 9)
            party.save()
            agent = None
        else:
            n = len(pool)
            trade, suffix = TRADES[n % len(TRADES)]
            name = "翁源县%s%s%s有限公司" % (
                TOWNS[(n // len(TRADES)) % len(TOWNS)], trade, suffix)
            if n >= len(TRADES) * len(TOWNS):
                name = name.replace("有限公司", "%s号有限公司" % n)
            party = Party(name=name)
            identifier = party.identifiers.new()
            identifier.type = 'cn_vat'
            identifier.code = credit_code(rng)
            party.save()
            agent = self.applicant('natural')[0]
        pool.append((party, agent))
        return party, agent

    # Cases

    def form_data(self, matter, day):
        data = {}
        for field in matter.form_fields:
            if field.type_ in {'char', 'text'}:
                value = "%s申请" % (matter.short_name or matter.name)
            elif field.type_ == 'integer':
                value = self.rng.randrange(1, 10)
            elif field.type_ in {'float', 'numeric'}:
                value = float(self.rng.randrange(100, 10000))
            elif field.type_ == 'boolean':
                value = True
            elif field.type_ == 'date':
                value = day
            elif field.type_ in {'selection', 'multiselection'}:
                keys = [l.split(':', 1)[0].strip()
                    for l in (field.selection or '').splitlines()
                    if l.strip()]
                if not keys:
                    continue
                value = keys[0] if field.type_ == 'selection' else keys[:1]
            else:
                continue
            data[field.name] = value
        return data

    def register(self, matter, window, plan, day):
        Case = Model.get('onewindow.case')
        kind = matter.applicant_kind
        if kind == 'both':
            kind = self.rng.choice(['natural', 'natural', 'legal'])
        applicant, agent = self.applicant(kind)
        if kind == 'natural' and self.rng.random() < 0.15:
            agent = self.applicant('natural')[0]
        case = Case()
        case.window = window
        case.matter = matter
        case.applicant = applicant
        case.agent = agent
        case.phone = '13%09d' % self.rng.randrange(10 ** 9)
        case.channel = self.rng.choice(
            ['window'] * 6 + ['online', 'self_service', 'mail'])
        case.form_data = self.form_data(matter, day)
        deferred = False
        for material in case.materials:
            complete = material.requirement == 'required' or (
                material.requirement == 'optional'
                and self.rng.random() < 0.5)
            if (plan == 'deferred' and material.deferrable
                    and not deferred):
                material.deferred = True
                material.pledge = (
                    "申请人承诺于约定日期前补交%s，逾期未补交的，"
                    "同意按规定处理。" % material.name)
                material.deferred_until = day + dt.timedelta(days=10)
                deferred = True
                continue
            if plan == 'supplement' and material.requirement == 'required':
                if self.rng.random() < 0.6:
                    complete = False
            if complete:
                material.paper_received = material.paper_expected
                material.electronic_received = material.electronic_expected
        if plan == 'refuse':
            reason, note = self.rng.choice(REFUSALS)
            case.refusal_reason = reason
            case.refusal_note = note
        return case

    def check_originals(self, cases):
        Material = Model.get('onewindow.case.material')
        materials = [Material(m.id) for c in cases for m in c.materials
            if m.original_check and not m.original_checked_by
            and (m.paper_received or m.electronic_received)]
        if materials:
            Material.click(materials, 'check_original')

    def fees(self, cases):
        Fee = Model.get('onewindow.case.fee')
        fees = []
        for case in cases:
            if not case.matter.has_fee:
                continue
            fee = Fee(case=case)
            fee.description = case.matter.short_name or case.matter.name
            fee.amount = case.matter.fee_amount or Decimal('10.00')
            if self.rng.random() < 0.7:
                fee.paid = True
                fee.paid_date = case.application_date
                fee.receipt_number = '粤财%08d' % self.rng.randrange(10 ** 8)
            fees.append(fee)
        if fees:
            Fee.save(fees)

    def complete(self, cases):
        "Receive what is missing"
        Case = Model.get('onewindow.case')
        for case in cases:
            for material in case.materials:
                if material.requirement == 'required' or material.defects:
                    material.paper_received = material.paper_expected
                    material.electronic_received = (
                        material.electronic_expected)
                    material.defects = None
        Case.save(cases)
        self.check_originals(cases)

    # The days

    def matters(self):
        "Return the published matters that the demo hall may accept"
        Matter = Model.get('onewindow.matter')
        matters = Matter.find([('state', '=', 'published')])
        return [m for m in matters if m.materials]

    def windows_of(self, matter):
        windows = self.ctx['windows'].values()
        if matter.acceptance == 'comprehensive':
            return [w for w in windows if w.kind == 'comprehensive']
        return [w for w in windows
            if w.kind == 'department'
            and matter.department in w.departments]

    def plans(self, matter):
        if matter.handling == 'same_day':
            return (['approve'] * 6 + ['deny'] + ['accept']
                + ['supplement', 'refuse', 'withdraw'])
        return (['accept'] * 7 + ['deferred'] * 2 + ['supplement'] * 3
            + ['refuse', 'refuse', 'withdraw', 'withdraw_accepted'])

    def run(self):
        Case = Model.get('onewindow.case')
        rng = self.rng
        matters = self.matters()
        candidates = [(m, w) for m in matters for w in self.windows_of(m)]
        if not candidates:
            print("demo_cases: no published matter to apply for")
            return
        today = Model.get('ir.date').today(self.config.context)
        last = min(LAST_DAY, today)
        days = self.days = self.working_days(FIRST_DAY, last)
        by_day = defaultdict(int)
        for _ in range(CASES):
            by_day[rng.choice(days)] += 1
        resubmissions = defaultdict(list)
        self.authorize(matters)
        for window in {w for _, w in candidates}:
            self.window_clerk(window)
        for day in days:
            if day not in by_day and day not in resubmissions:
                continue
            self.clock.set(day)
            for case_id, user_id in resubmissions.pop(day, []):
                self.as_user(user_id)
                case = Case(case_id)
                case.click('resubmit')
                self.complete([case])
                case.click('accept')
            work = defaultdict(list)
            for _ in range(by_day.get(day, 0)):
                matter, window = rng.choice(candidates)
                if not self.valid(matter, day):
                    continue
                plan = rng.choice(self.plans(matter))
                if day >= days[-15] and rng.random() < 0.5:
                    plan = 'draft'
                work[window].append((matter, plan))
            for window, items in work.items():
                self.work_day(day, window, items, resubmissions, last)
        self.as_user(self.admin)

    def working_days(self, first, last):
        "Return the working days of the hall's calendar from first to last"
        Calendar = Model.get('onewindow.calendar')
        calendar = self.ctx.get('calendar') or Calendar.find([])[0]
        days = []
        day = first
        while day <= last:
            try:
                working = Calendar.is_working_day(
                    [calendar.id], day, self.config.context)
            except Exception:
                working = day.weekday() < 5
            if working:
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def valid(self, matter, day):
        return not matter.valid_from or matter.valid_from <= day

    def authorize(self, matters):
        "Authorize the demo team leader for the same-day matters"
        Authorization = Model.get('onewindow.authorization')
        leader = self.ctx.get('employees', {}).get('leader')
        if not leader:
            return
        departments = {m.department for m in matters
            if m.handling == 'same_day'}
        for department in departments:
            if Authorization.find([
                        ('employee', '=', leader.id),
                        ('department', '=', department.id)]):
                continue
            Authorization(employee=leader, department=department,
                powers=['same_day_approval', 'initial_review',
                    'fee_collection'],
                number="翁政务〔2024〕%s号" % (10 + department.id),
                valid_from=FIRST_DAY).save()

    def work_day(self, day, window, items, resubmissions, last):
        Case = Model.get('onewindow.case')
        clerk = self.window_clerk(window)
        self.as_user(clerk)
        cases = [self.register(m, window, p, day) for m, p in items]
        Case.save(cases)
        self.check_originals(cases)
        self.fees([c for c, (_, p) in zip(cases, items) if p != 'refuse'])
        plans = defaultdict(list)
        for case, (_, plan) in zip(cases, items):
            plans[plan].append(case)
        if plans['refuse']:
            Case.click(plans['refuse'], 'refuse')
        to_accept = (plans['accept'] + plans['deferred'] + plans['approve']
            + plans['deny'] + plans['withdraw_accepted'])
        if to_accept:
            Case.click(to_accept, 'accept')
        if plans['supplement']:
            incomplete = []
            for case in plans['supplement']:
                if all(m.status in {'complete', 'not_required'}
                        for m in case.materials):
                    case.materials[0].defects = "复印件不清晰，需重新提供"
                    case.save()
                incomplete.append(case)
            Case.click(incomplete, 'request_supplement')
            for case in incomplete:
                later = [d for d in self.days if d > day][
                    :self.rng.choice([2, 3, 5])]
                if later and later[-1] < last and self.rng.random() < 0.6:
                    resubmissions[later[-1]].append((case.id, clerk))
        for plan in ['withdraw', 'withdraw_accepted']:
            for case in plans[plan]:
                case.withdrawal_reason = self.rng.choice(WITHDRAWALS)
            if plans[plan]:
                Case.save(plans[plan])
                Case.click(plans[plan], 'withdraw')
        leader = self.ctx.get('users', {}).get('leader')
        decisions = plans['approve'] + plans['deny']
        if leader and decisions:
            self.as_user(leader.id)
            decisions = Case.find([('id', 'in', [c.id for c in decisions])])
            for case in decisions:
                if case.id in {c.id for c in plans['deny']}:
                    case.decision_comment = "经审查，申请人不符合办理条件。"
                else:
                    case.decision_comment = "材料齐全，符合条件，当场办结。"
            Case.save(decisions)
            approve = [c for c in decisions
                if c.id not in {d.id for d in plans['deny']}]
            deny = [c for c in decisions if c not in approve]
            try:
                if approve:
                    Case.click(approve, 'approve')
                if deny:
                    Case.click(deny, 'deny')
            except Exception as exception:
                # The leader may not be authorized for every department
                print("demo_cases: %s" % exception)


def load(config, ctx):
    Case = Model.get('onewindow.case')
    Hall = Model.get('onewindow.hall')
    hall = ctx.get('hall') or Hall.find([('code', '=', 'WY')])[0]
    if Case.find([('hall', '=', hall.id)], limit=1):
        return
    demo = Demo(config, ctx)
    try:
        demo.run()
    finally:
        demo.clock.stop()
        demo.as_user(demo.admin)
    print("demo_cases: %s cases" % len(Case.find([('hall', '=', hall.id)])))
