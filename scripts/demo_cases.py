# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""About 200 cases of 2025 and 2026 at the windows of the demo hall

The cases are worked through the buttons, day by day, as the clerks would
have done: registered, materials received and checked, then accepted (some
with 容缺), sent back with a one-time notice (some resubmitted and
accepted), refused, withdrawn, and same-day matters decided by the team
leader.  The accepted cases then go through the back office: handed over to
their department, which signs for them, works the steps, stops the clock for
site surveys and in-process supplements, extends a few time limits, asks the
co-departments of joint matters for their opinions, reports escalated
matters to the higher authority, decides and sends the result back; the
clerk verifies the result, the applicant collects it at the window or gets
it by courier, and the case is archived.  The later the application, the
less of this road it has travelled on the last day, so that every state has
cases.  The demo clock (the context's onewindow_today, which only a demo
database reads) is moved to each day while the cases of that day are
worked.  Nothing is done when the hall has cases already."""
import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from proteus import Model
from stdnum.cn import ric, uscc

PASSWORD = 'wengyuan-demo'
CASES = 200
# The story spans as many working days as from 2 January 2025 to 20 November
# 2026 (its draws are those of that span) and ends on the day it is loaded,
# in the hall's time zone (or the working day before), so that the board's
# seven days and the last month's report have figures
STORY_DAYS = 467
# The share of the applications of the last RECENT working days, so that the
# back-office states have cases on the last day
RECENT, RECENT_SHARE = 20, 0.35

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["建国", "海燕", "志明", "秀英", "文华", "丽萍", "国强", "春梅", "永红",
    "晓东", "红梅", "俊杰", "美玲", "德明", "雪芳", "振宇", "桂兰", "伟东",
    "子涵", "思远", "嘉怡", "浩然", "欣怡", "宇航", "雨桐", "家豪"]
TOWNS = ["龙仙", "坝仔", "江尾", "官渡", "周陂", "翁城", "新江", "铁龙"]
STREETS = ["建设", "人民", "环城", "文化", "新华", "朝阳"]
TRADES = [("农业", "科技"), ("建材", "贸易"), ("劳务", "服务"), ("餐饮", "管理"),
    ("物流", "运输"), ("旅游", "开发"), ("电子", "商务"), ("建筑", "工程")]
REFUSALS = [
    ('not_competent', "申请事项属于上级主管部门职权范围，已告知向韶关市主管部门申请。"),
    ('not_required', "申请事项依法无需办理，已告知申请人。"),
    ('not_eligible', "申请人不符合该事项规定的申请条件。"),
    ]
WITHDRAWALS = [
    "申请人已在异地办理，申请撤回。",
    "申请人情况发生变化，主动撤回申请。",
    "申请人需要重新准备材料，申请撤回。",
    ]
# The order in which the back office works on a day
ACTIONS = ['hand_over', 'receive', 'resume', 'suspend', 'step', 'opinion',
    'opinions_done', 'extend', 'resolve', 'escalate', 'higher', 'decide', 'send', 'verify',
    'deliver', 'courier_done', 'archive']
DISAGREEMENTS = [
    "经现场核查，申请人的消防安全条件尚未达到要求，建议整改后再行审批。",
    "申请材料中的环境影响评价文件与实际选址不一致，不同意。",
    ]
DENIALS = [
    "经审查，申请人不符合该事项规定的许可条件。",
    "经审查，申请人提交的场所证明与实际情况不符。",
    ]
CARRIERS = ["中国邮政EMS", "顺丰速运"]
# The matters of a type of their own that were counted as public services
FORMER_PUBLIC_SERVICES = {
    "最低生活保障审批", "社会体育指导员技术等级称号授予（三级）",
    "乡村旅游经营单位等级评定", "残疾人证核发", "残疾人辅助器具适配补贴申请",
    "法律援助申请审查"}
# The free texts of the forms, by field
TEXTS = {
    'subject': ["语文", "数学", "英语", "音乐", "体育", "美术"],
    'practice_scope': ["内科专业", "外科专业", "妇产科专业", "儿科专业",
        "全科医学专业"],
    'route': ["翁源县城—龙仙镇—坝仔镇", "翁源县城—江尾镇—官渡镇",
        "翁源县城—周陂镇—翁城镇"],
    }


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


def hall_today(ctx):
    "Return the current day in the time zone of the hall's company"
    Company = Model.get('company.company')
    company = ctx.get('company') or Company.find([])[0]
    name = Company(company.id).timezone or 'Asia/Shanghai'
    return dt.datetime.now(ZoneInfo(name)).date()


class Clock:
    """The day of the demo's story: in a demo database ir.date.today reads
    it from the context (onewindow_today)"""

    def __init__(self, config):
        self.config = config
        self.date = None

    def set(self, date):
        self.date = date
        self.apply()

    def apply(self):
        "Put the day into the context of the current user"
        context = dict(self.config._context)
        if self.date:
            context['onewindow_today'] = self.date
        else:
            context.pop('onewindow_today', None)
        self.config._context = context

    def stop(self):
        self.set(None)


class Demo:

    def __init__(self, config, ctx):
        self.config = config
        self.ctx = ctx
        self.rng = random.Random(20250102)
        # The data of the forms and the parties' contacts have their own
        # draws, so that they do not change the story of the cases
        self.data_rng = random.Random(20251201)
        self.clock = Clock(config)
        self.admin = config.user
        self.users = {}
        self.contexts = {}
        self.parties = {'natural': [], 'legal': []}
        self.office = BackOffice(self)

    # Users

    def as_user(self, user_id):
        User = Model.get('res.user')
        if self.config.user != user_id:
            self.config.user = user_id
            if user_id not in self.contexts:
                self.contexts[user_id] = User.get_preferences(True, {})
            self.config._context = self.contexts[user_id]
            self.clock.apply()

    def password_hash(self):
        """Return the hash of the demo password, computed once (hashing
        takes a quarter of a second), or None over the network"""
        if not hasattr(self, '_password_hash'):
            pool = getattr(self.config, 'pool', None)
            self._password_hash = (pool.get('res.user').hash_password(
                    PASSWORD) if pool is not None else None)
        return self._password_hash

    def staff_user(self, login, name, role, groups, departments=()):
        """Return the id of the user login, created with his employee and
        the groups (module, xml id) if he does not exist"""
        User = Model.get('res.user')
        previous = self.config.user
        self.as_user(self.admin)
        try:
            users = User.find([('login', '=', login)])
            if users:
                return users[0].id
            return self._create_staff(login, name, role, groups,
                departments)
        finally:
            self.as_user(previous)

    def _create_staff(self, login, name, role, groups, departments):
        User = Model.get('res.user')
        Employee = Model.get('company.employee')
        Party = Model.get('party.party')
        Group = Model.get('res.group')
        ModelData = Model.get('ir.model.data')
        Lang = Model.get('ir.lang')
        Company = Model.get('company.company')
        Department = Model.get('onewindow.department')
        party = Party(name=name)
        party.save()
        employee = Employee(party=party, company=self.ctx['company'],
            hall_role=role)
        employee.departments.extend([Department(d) for d in departments])
        employee.save()
        lang, = Lang.find([('code', '=', 'zh_CN')])
        company = Company(self.ctx['company'].id)
        user = User(login=login, name=name, language=lang)
        if self.password_hash():
            user.password_hash = self.password_hash()
        else:
            user.password = PASSWORD
        for module, xml_id in groups:
            data, = ModelData.find([
                    ('module', '=', module), ('fs_id', '=', xml_id)])
            user.groups.append(Group(data.db_id))
        user.departments.extend([Department(d) for d in departments])
        user.companies.append(company)
        user.company = company
        user.employees.append(Employee(employee.id))
        user.employee = Employee(employee.id)
        user.save()
        return user.id

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
            user = User(login=login, name=name, language=lang)
            if self.password_hash():
                user.password_hash = self.password_hash()
            else:
                user.password = PASSWORD
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
            self.set_address(party, n)
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
            mechanism = party.contact_mechanisms.new()
            mechanism.type = 'phone'
            mechanism.value = '0751-28%05d' % self.data_rng.randrange(
                10 ** 5)
            self.set_address(party, n + 7)
            party.save()
            agent = self.applicant('natural')[0]
        pool.append((party, agent))
        return party, agent

    def set_address(self, party, n):
        "Give the party an address in one of the towns of the county"
        address = (party.addresses[0] if party.addresses
            else party.addresses.new())
        address.city = "翁源县"
        address.street = "%s镇%s路%s号" % (TOWNS[n % len(TOWNS)],
            STREETS[(n // len(TOWNS)) % len(STREETS)], 1 + n % 88)

    # Cases

    def form_data(self, matter, applicant, day):
        """Return the values of the form fields that are not prefilled from
        the applicant or the agent at registration"""
        data = {}
        for field in matter.form_fields:
            if field.prefill:
                continue
            if field.type_ in {'char', 'text'}:
                value = self.text_of(field, applicant)
                if value is None:
                    continue
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
                key = self.data_rng.choice(keys)
                value = key if field.type_ == 'selection' else [key]
            else:
                continue
            data[field.name] = value
        return data

    def text_of(self, field, applicant):
        "Return a text of the field that fits the applicant"
        rng = self.data_rng
        if field.name == 'legal_representative':
            return (rng.choice(SURNAMES) + rng.choice(GIVEN))
        elif field.name == 'business_scope':
            for trade, suffix in TRADES:
                if trade in applicant.name:
                    return "%s%s；%s咨询服务（依法须经批准的项目，经相关部门批准后"\
                        "方可开展经营活动）" % (trade, suffix, trade)
            return "商务信息咨询；企业管理服务"
        choices = TEXTS.get(field.name)
        if choices:
            return rng.choice(choices)
        return None

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
        # Drawn as before the contacts of the parties, to keep the story
        phone = '13%09d' % self.rng.randrange(10 ** 9)
        contact = agent or applicant
        case.phone = (contact.phone or contact.mobile or applicant.phone
            or applicant.mobile or phone)
        case.channel = self.rng.choice(
            ['window'] * 6 + ['online', 'self_service', 'mail'])
        case.form_data = self.form_data(matter, applicant, day)
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
            self.office.unpaid.update(f.case.id for f in fees if not f.paid)

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
        """Return the published matters that the demo hall may accept, in
        the order of the codes the catalogue had before the types, which
        the story of the cases was drawn with"""
        Matter = Model.get('onewindow.matter')
        matters = Matter.find([('state', '=', 'published')])

        def former_code(matter):
            if matter.matter_type == 'licence':
                prefix = 'XK'
            elif (matter.matter_type == 'public_service'
                    or matter.name in FORMER_PUBLIC_SERVICES):
                prefix = 'GG'
            else:
                prefix = 'QT'
            return prefix + matter.code[2:]
        return sorted((m for m in matters if m.materials), key=former_code)

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
        special = [(m, w) for m, w in candidates
            if m.handling in {'joint', 'escalated'}]
        if not candidates:
            print("demo_cases: no published matter to apply for")
            return
        days = self.days = self.story_days(hall_today(self.ctx), STORY_DAYS)
        last = days[-1]
        self.office.start(days, matters)
        by_day = defaultdict(int)
        for _ in range(CASES):
            if rng.random() < RECENT_SHARE:
                by_day[rng.choice(days[-RECENT:])] += 1
            else:
                by_day[rng.choice(days)] += 1
        resubmissions = defaultdict(list)
        self.authorize(matters)
        for window in {w for _, w in candidates}:
            self.window_clerk(window)
        for day in days:
            if (day not in by_day and day not in resubmissions
                    and not self.office.busy(day)):
                continue
            self.clock.set(day)
            for case_id, user_id in resubmissions.pop(day, []):
                self.as_user(user_id)
                case = Case(case_id)
                case.click('resubmit')
                self.complete([case])
                case.click('accept')
                self.office.accepted([case], day)
            work = defaultdict(list)
            for _ in range(by_day.get(day, 0)):
                if day >= days[-RECENT] and rng.random() < 0.3:
                    # Recent joint and escalated cases, still under way
                    matter, window = rng.choice(special or candidates)
                else:
                    matter, window = rng.choice(candidates)
                if not self.valid(matter, day):
                    continue
                plan = rng.choice(self.plans(matter))
                if day >= days[-3] and rng.random() < 0.4:
                    plan = 'draft'
                work[window].append((matter, plan))
            for window, items in work.items():
                self.work_day(day, window, items, resubmissions, last)
            self.office.work(day)
            self.sweep()
            if day.month != getattr(self, '_month', day.month):
                print("demo_cases: %s worked" % self._month_name,
                    flush=True)
            self._month, self._month_name = day.month, day.strftime('%Y-%m')
        self.clock.set(days[-1])
        self.office.finish(days[-1])
        self.sweep()
        self.as_user(self.admin)

    def sweep(self):
        """Run the scheduler's sweep of the supervision cards at the end of
        the day of the clock: the cards are issued on the day their deadline
        came near or passed, and closed on the day it no longer applies"""
        Cron = Model.get('ir.cron')
        self.as_user(self.admin)
        if not hasattr(self, '_cron'):
            self._cron, = Cron.find([('method', '=', 'onewindow.card|sweep')])
        # A record keeps the context it was read with: take it on the day
        Cron.click([Cron(self._cron.id)], 'run_once')

    def story_days(self, last, count):
        """Return the count working days of the hall's calendar up to last,
        read from its days in one call (the weekdays are working days but
        for the holidays, the weekend days not but for the days worked)"""
        Calendar = Model.get('onewindow.calendar')
        Day = Model.get('onewindow.calendar.day')
        calendar = self.ctx.get('calendar') or Calendar.find([])[0]
        first = last - dt.timedelta(days=count * 2)
        kinds = {d.date: d.kind for d in Day.find([
                    ('year.calendar', '=', calendar.id),
                    ('date', '>=', first),
                    ('date', '<=', last),
                    ])}
        days = []
        day = last
        while len(days) < count:
            kind = kinds.get(day)
            if kind == 'workday' or (kind is None and day.weekday() < 5):
                days.append(day)
            day -= dt.timedelta(days=1)
        return days[::-1]

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
                valid_from=self.days[0]).save()

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
            self.office.closed(plans['refuse'], day)
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
                self.office.closed(plans[plan], day)
        self.office.accepted(plans['accept'] + plans['deferred'], day)
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
                    self.office.decided(approve, day, 'approved')
                if deny:
                    Case.click(deny, 'deny')
                    self.office.decided(deny, day, 'denied')
            except Exception as exception:
                # The leader may not be authorized for every department
                print("demo_cases: %s" % exception)


class BackOffice:
    """The road of the accepted cases through the back office and the one
    exit: each case gets its days when it is accepted (or decided at the
    window), and the days are worked in order with the demo clock"""

    def __init__(self, demo):
        self.demo = demo
        self.rng = random.Random(20250301)
        # How long the co-departments of the recent joint cases take, apart
        # from the road of the other cases
        self.pace = random.Random(20251001)
        self.events = defaultdict(list)
        self.matters = {}
        self.approvers = {}
        self.broken = set()
        self.numbers = defaultdict(int)
        # The cases with a fee to pay before the delivery
        self.unpaid = set()
        # The cases whose hand-over the window forgot
        self.slips = 0

    def start(self, days, matters):
        self.days = days
        self.index = {d: i for i, d in enumerate(days)}
        for matter in matters:
            self.matters[matter.id] = {
                'handling': matter.handling,
                'department': matter.department.id,
                'code': matter.department.code,
                'short': (matter.department.short_name
                    or matter.department.name)[1:3],
                'co_departments': [d.id for d in matter.co_departments],
                # The step of the opinions takes its time as a review
                'reviews': [s.limit for s in matter.steps
                    if s.kind in {'review', 'opinion'}],
                'procedures': list(matter.special_procedures or []),
                'methods': list(matter.delivery_methods or []),
                'result': bool(matter.result_kind),
                'promised': matter.promised_limit or 0,
                'fee': bool(matter.has_fee),
                }

    def busy(self, day):
        return self.index[day] in self.events

    # Planning

    def info(self, case):
        return {
            'id': case.id,
            'matter': self.matters.get(case.matter.id),
            'clerk': self.demo.users[case.window.id],
            'applicant': case.applicant.id,
            'natural': case.applicant_kind == 'natural',
            'agent': case.agent.id if case.agent else None,
            }

    def at(self, index, action, info, data=None):
        if index < len(self.days):
            self.events[index].append((action, info, data))

    def week_end(self, index):
        "Return the index of the last working day of the week of index"
        days = self.days
        while (index + 1 < len(days)
                and days[index + 1].isocalendar()[:2]
                == days[index].isocalendar()[:2]):
            index += 1
        return index

    def accepted(self, cases, day):
        "Plan the road of the accepted cases from day"
        for case in cases:
            info = self.info(case)
            if info['matter']:
                self.plan(info, self.index[day])

    def decided(self, cases, day, decision):
        "Plan the exit of the cases decided at the window on day"
        for case in cases:
            info = self.info(case)
            if info['matter']:
                info['decision'] = decision
                self.exit(info, self.index[day], at_window=True)

    def closed(self, cases, day):
        "Plan the archiving of refused and withdrawn cases"
        for case in cases:
            if self.rng.random() < 0.6:
                self.at(self.week_end(
                        self.index[day] + self.rng.randrange(3, 20)),
                    'archive', self.info(case))

    def plan(self, info, start):
        rng = self.rng
        matter = info['matter']
        # Two cases without fee accepted three to five working days before
        # the story's last day still wait for their hand-over: the center's
        # list of the cases not handed over in time (超时未移交) is never empty
        if (len(self.days) - 6 <= start <= len(self.days) - 4
                and not matter['fee'] and self.slips < 2):
            self.slips += 1
            return
        # The recent cases wait longer, so that some clocks are stopped and
        # some decisions are awaited on the last day
        recent = start >= len(self.days) - RECENT
        info['recent'] = recent
        t = start + (1 if rng.random() < (0.7 if recent else 0.85)
            else rng.choice([2, 3, 4]))
        self.at(t, 'hand_over', info)
        self.at(t, 'receive', info)
        handed = t
        if ((matter['procedures'] and rng.random() < (0.5 if recent else 0.3))
                or rng.random() < 0.05):
            kind = (rng.choice(matter['procedures'])
                if matter['procedures'] and rng.random() < 0.8
                else 'supplement')
            t += 1
            self.at(t, 'suspend', info, kind)
            t += rng.choice([2, 3, 4, 6, 9] + ([15, 20] if recent else []))
            self.at(t, 'resume', info)
        for limit in matter['reviews']:
            if rng.random() < 0.1:
                t += limit + rng.choice([1, 2, 3])
            else:
                t += max(1, int(limit * rng.uniform(
                            0.6 if recent else 0.2, 1.0 if recent else 0.7)))
            self.at(t, 'step', info)
        if matter['handling'] != 'escalated' and rng.random() < 0.12:
            self.at(t, 'extend', info)
        decision = 'approved' if rng.random() < 0.88 else 'denied'
        if matter['handling'] == 'joint':
            last = t
            disagree = None
            for department in matter['co_departments']:
                day = handed + rng.choice([1, 2, 3, 4])
                if recent:
                    # Some opinions are still awaited on the last day
                    day += self.pace.choice([0, 2, 5, 10])
                opinion = 'agree'
                if disagree is None and rng.random() < 0.25:
                    opinion = disagree = department
                    disagreed = day
                self.at(day, 'opinion', info, (department, opinion))
                last = max(last, day)
            t = last
            # The lead department closes the step of the opinions once
            # they are all in
            self.at(last, 'opinions_done', info)
            if disagree is not None:
                if rng.random() < 0.7:
                    # The lead department answers the disagreement the next
                    # working day
                    self.at(disagreed + 1, 'resolve', info)
                    t = max(t, disagreed + 1)
                else:
                    decision = 'denied'
        t += 1
        info['decision'] = decision
        if matter['handling'] == 'escalated':
            self.at(t, 'escalate', info)
            t += rng.choice(range(5, 25 if recent else 16))
            self.at(t, 'higher', info)
        else:
            self.at(t, 'decide', info)
        self.exit(info, t)

    def exit(self, info, t, at_window=False):
        rng = self.rng
        matter = info['matter']
        delays = [0, 1, 1, 2, 3] + ([4, 5] if info.get('recent') else [])
        if not at_window:
            t += rng.choice(delays)
            self.at(t, 'send', info)
        t += rng.choice(delays)
        self.at(t, 'verify', info)
        if rng.random() > 0.9:
            return
        methods = matter['methods'] or ['window']
        if 'courier' in methods and rng.random() < 0.2:
            method = 'courier'
        elif 'window' in methods:
            method = 'window'
        else:
            method = methods[0]
        t += rng.choice([1, 2, 3, 5, 8])
        self.at(t, 'deliver', info, method)
        if method == 'courier':
            t += rng.choice([1, 2, 3])
            self.at(t, 'courier_done', info)
        if rng.random() < 0.85:
            # The clerks archive once a week
            self.at(self.week_end(t + rng.choice(range(1, 10))), 'archive',
                info)

    # Working

    def approver(self, department):
        "Return the id of a user approver of the department (an id)"
        if department in self.approvers:
            return self.approvers[department]
        users = self.demo.ctx.get('users', {})
        code = self.code(department)
        if code == 'RS' and 'approver' in users:
            user_id = users['approver'].id
        elif code == 'MZ' and 'approver_mz' in users:
            user_id = users['approver_mz'].id
        else:
            name = (SURNAMES[(department * 3) % len(SURNAMES)]
                + GIVEN[(department * 11) % len(GIVEN)])
            user_id = self.demo.staff_user('approver_%s' % code.lower(),
                name, 'approver', [('onewindow_hall', 'group_approver')],
                departments=[department])
        self.approvers[department] = user_id
        return user_id

    def head(self, department):
        "Return the id of the user who heads the department (an id)"
        key = ('head', department)
        if key not in self.approvers:
            code = self.code(department)
            if code == 'RS':
                name = "邓振宇"
            else:
                name = (SURNAMES[(department * 5 + 1) % len(SURNAMES)]
                    + GIVEN[(department * 13 + 3) % len(GIVEN)])
            self.approvers[key] = self.demo.staff_user(
                'head_%s' % code.lower(), name, 'approver', [
                    ('onewindow_hall', 'group_approver'),
                    ('onewindow_approval', 'group_department_head')],
                departments=[department])
        return self.approvers[key]

    def code(self, department):
        "Return the code of the department (an id)"
        Department = Model.get('onewindow.department')
        departments = self.demo.ctx.get('departments', {})
        codes = {d.id: c for c, d in departments.items()}
        return codes.get(department) or Department(department).code

    def number(self, info, kind, day):
        matter = info['matter']
        key = (matter['code'], kind, day.year)
        self.numbers[key] += 1
        return "翁%s%s〔%s〕%s号" % (
            matter['short'], kind, day.year, self.numbers[key])

    def work(self, day):
        "Work the events of the day, grouped by action and user"
        events = self.events.pop(self.index[day], [])
        if not events:
            return
        for action in ACTIONS:
            groups = defaultdict(list)
            for name, info, data in events:
                if name != action or info['id'] in self.broken:
                    continue
                groups[self.user_of(action, info, data)].append(
                    (info, data))
            for user_id, items in groups.items():
                self.demo.as_user(user_id)
                try:
                    getattr(self, 'do_' + action)(items, day)
                except Exception as exception:
                    print("demo_cases: %s %s: %s" % (
                            action, [i['id'] for i, _ in items],
                            str(exception).splitlines()[0]))
                    self.broken.update(i['id'] for i, _ in items)

    def user_of(self, action, info, data):
        if action in {'hand_over', 'verify', 'deliver', 'courier_done',
                'archive'}:
            return info['clerk']
        elif action == 'opinion':
            return self.approver(data[0])
        elif action == 'extend':
            return self.head(info['matter']['department'])
        return self.approver(info['matter']['department'])

    def click(self, model, items, button, ids=None):
        Model_ = Model.get(model)
        ids = ids if ids is not None else [i['id'] for i, _ in items]
        if ids:
            Model_.click([Model_(i) for i in ids], button)

    def write(self, model, pairs):
        "Write the (ids, values) pairs in one call"
        if pairs:
            Model_ = Model.get(model)
            Model_.write(*sum(([ids, values] for ids, values in pairs), []),
                self.demo.config.context)

    def do_hand_over(self, items, day):
        self.click('onewindow.case', items, 'hand_over')

    def do_receive(self, items, day):
        if day == self.days[-1]:
            # The department signs for the last day's slips the next morning
            return
        Handover = Model.get('onewindow.handover')
        handovers = Handover.find([
                ('cases', 'in', [i['id'] for i, _ in items]),
                ('state', '=', 'sent'),
                ])
        if handovers:
            Handover.click(handovers, 'receive')

    def finish(self, day):
        """The last afternoon: the clerk hands over the accepted cases that
        waited longest (the department signs for them the next morning) and
        puts the newest ones on a slip to send the next morning; the lead
        department answers the oldest disagreement on a joint case under
        review"""
        Case = Model.get('onewindow.case')
        Handover = Model.get('onewindow.handover')
        Opinion = Model.get('onewindow.case.opinion')
        self.demo.as_user(self.demo.admin)
        cases = Case.find([
                ('state', '=', 'accepted'),
                ('handover', '=', None),
                ('id', 'not in', list(self.broken)),
                ], order=[('acceptance_date', 'DESC'), ('id', 'DESC')])
        groups = defaultdict(list)
        for case in cases:
            groups[(case.window.id, case.hall.id, case.department.id)].append(
                case.id)
        # The newest group first
        groups = list(groups.items())
        Hall = Model.get('onewindow.hall')
        Department = Model.get('onewindow.department')
        for i, ((window, hall, department), ids) in enumerate(
                groups[:1] + groups[1:][-1:]):
            self.demo.as_user(self.demo.users[window])
            handover = Handover(
                hall=Hall(hall), department=Department(department))
            handover.cases.extend([Case(c) for c in ids])
            if i == 0:
                handover.note = "次日上午随纸质材料一并移交。"
            handover.save()
            if i == 1:
                handover.click('send')
        self.demo.as_user(self.demo.admin)
        opinions = Opinion.find([
                ('opinion', '=', 'disagree'),
                ('state', '=', 'given'),
                ('resolved_by', '=', None),
                ('case.state', 'in', ['review', 'suspended']),
                ], order=[('id', 'ASC')], limit=1)
        for opinion in opinions:
            self.do_resolve([({'id': opinion.case.id}, None)], day,
                user=self.approver(opinion.case.department.id))

    def do_suspend(self, items, day):
        descriptions = {
            'site_survey': "对申请人经营场所进行现场踏勘。",
            'technical_review': "组织技术审查。",
            'expert_review': "组织专家评审。",
            'hearing': "依申请人要求举行听证。",
            'public_notice': "对申请事项进行公示。",
            'supplement': "审查中发现需补正材料，通知申请人过程补件。",
            }
        self.write('onewindow.case', [([i['id']], {'suspensions': [
                            ('create', [{
                                        'kind': kind,
                                        'description': descriptions[kind],
                                        'expected_days': 5,
                                        }])]})
                for i, kind in items])
        self.click('onewindow.case', items, 'suspend')

    def do_resume(self, items, day):
        self.click('onewindow.case', items, 'resume')

    def do_step(self, items, day):
        Step = Model.get('onewindow.case.step')
        steps = Step.find([
                ('case', 'in', [i['id'] for i, _ in items]),
                ('state', '=', 'running'),
                ('kind', '=', 'review'),
                ])
        if steps:
            Step.click(steps, 'complete')

    def do_opinions_done(self, items, day):
        Step = Model.get('onewindow.case.step')
        steps = Step.find([
                ('case', 'in', [i['id'] for i, _ in items]),
                ('case.state', '=', 'review'),
                ('state', '=', 'running'),
                ('kind', '=', 'opinion'),
                ])
        steps = [s for s in steps
            if all(o.state == 'given' for o in s.case.opinions)]
        if steps:
            Step.click(steps, 'complete')

    def do_opinion(self, items, day):
        Opinion = Model.get('onewindow.case.opinion')
        pairs = []
        for info, (department, opinion) in items:
            opinions = Opinion.find([
                    ('case', '=', info['id']),
                    ('department', '=', department),
                    ('state', '=', 'pending'),
                    ])
            if opinion == 'agree':
                values = {'opinion': 'agree', 'comment': "同意。"}
            else:
                values = {'opinion': 'disagree',
                    'comment': self.rng.choice(DISAGREEMENTS)}
            pairs.append(([o.id for o in opinions], values))
        self.write('onewindow.case.opinion', pairs)
        Opinion.click([Opinion(i) for ids, _ in pairs for i in ids],
            'give_opinion')

    def do_resolve(self, items, day, user=None):
        Opinion = Model.get('onewindow.case.opinion')
        if user is not None:
            self.demo.as_user(user)
        opinions = Opinion.find([
                ('case', 'in', [i['id'] for i, _ in items]),
                ('opinion', '=', 'disagree'),
                ('resolved_by', '=', None),
                ])
        if opinions:
            self.write('onewindow.case.opinion', [([o.id for o in opinions],
                        {'resolution': "经组织联合复核，申请人已完成整改，"
                            "联办部门复查合格。"})])
            Opinion.click(opinions, 'resolve')

    def do_extend(self, items, day):
        self.write('onewindow.case', [([i['id'] for i, _ in items], {
                        'extension_days': 5,
                        'extension_reason': "需对申请材料的真实性进行核查",
                        })])
        self.click('onewindow.case', items, 'extend')

    def do_escalate(self, items, day):
        self.write('onewindow.case', [([i['id']], {
                        'escalation_number': self.number(i, "报", day),
                        'escalation_document': b'%PDF-1.4 report',
                        'escalation_document_name': 'report.pdf',
                        }) for i, _ in items])
        self.click('onewindow.case', items, 'escalate')

    def do_higher(self, items, day):
        pairs = []
        for info, _ in items:
            values = {
                'higher_decision': info['decision'],
                'higher_decision_number': "韶%s许〔%s〕%s号" % (
                    info['matter']['short'], day.year, info['id']),
                'higher_decision_date': day - dt.timedelta(days=1),
                }
            if info['decision'] == 'denied':
                values['decision_comment'] = self.rng.choice(DENIALS)
            pairs.append(([info['id']], values))
        self.write('onewindow.case', pairs)
        self.decide(items)

    def do_decide(self, items, day):
        pairs = []
        for info, _ in items:
            values = {'decision_number': self.number(info, "许", day)}
            if info['decision'] == 'denied':
                values['decision_comment'] = self.rng.choice(DENIALS)
            else:
                values['decision_comment'] = "符合法定条件，准予许可。"
            pairs.append(([info['id']], values))
        self.write('onewindow.case', pairs)
        self.decide(items)

    def decide(self, items):
        for decision, button in [('approved', 'approve'), ('denied', 'deny')]:
            self.click('onewindow.case', items, button, ids=[
                    i['id'] for i, _ in items if i['decision'] == decision])

    def result_values(self, info, day):
        values = {}
        if info['decision'] == 'approved' and info['matter']['result']:
            key = ('result', day.year)
            self.numbers[key] += 1
            values['result_number'] = '4402%s%06d' % (
                day.year, self.numbers[key])
            info['numbered'] = True
        return values

    def do_send(self, items, day):
        pairs = []
        for info, _ in items:
            values = self.result_values(info, day)
            values.update({
                    'decision_document': b'%PDF-1.4 signed decision',
                    'decision_document_name': 'decision.pdf',
                    'result_file': b'%PDF-1.4 result',
                    'result_file_name': 'result.pdf',
                    })
            pairs.append(([info['id']], values))
        self.write('onewindow.case', pairs)
        self.click('onewindow.case', items, 'send_result')

    def do_verify(self, items, day):
        pairs = []
        for info, _ in items:
            values = {} if info.get('numbered') else self.result_values(
                info, day)
            values.update({
                    'result_scan': b'%PDF-1.4 scan',
                    'result_scan_name': 'scan.pdf',
                    })
            pairs.append(([info['id']], values))
        self.write('onewindow.case', pairs)
        self.click('onewindow.case', items, 'verify_result')

    def do_deliver(self, items, day):
        Fee = Model.get('onewindow.case.fee')
        unpaid = [i['id'] for i, _ in items if i['id'] in self.unpaid]
        if unpaid:
            fees = Fee.find([('case', 'in', unpaid), ('paid', '=', False)])
            self.write('onewindow.case.fee', [([f.id], {
                            'paid': True,
                            'paid_date': day,
                            'receipt_number': '粤财%08d' % (50000000 + f.id),
                            }) for f in fees])
        pairs = []
        for info, method in items:
            values = {'delivery_method': method}
            if method == 'window':
                if info['natural'] and not info['agent']:
                    values['collector'] = info['applicant']
                else:
                    values['collector'] = info['agent']
                    values['collection_authorization'] = (
                        b'%PDF-1.4 authorization')
                    values['collection_authorization_name'] = (
                        'authorization.pdf')
            elif method == 'courier':
                values.update({
                        'carrier': self.rng.choice(CARRIERS),
                        'tracking_number': 'EA%09dCN' % (
                            100000000 + info['id']),
                        'delivery_address': "广东省韶关市翁源县%s镇建设路%s号" % (
                            self.rng.choice(TOWNS), info['id'] % 90 + 1),
                        })
            pairs.append(([info['id']], values))
        self.write('onewindow.case', pairs)
        self.click('onewindow.case', items, 'deliver')

    def do_courier_done(self, items, day):
        self.write('onewindow.case', [([i['id'] for i, _ in items],
                    {'delivery_date': day})])

    def do_archive(self, items, day):
        self.click('onewindow.case', items, 'archive')


def duty_phones():
    """Give the departments a duty phone for the text messages of their
    supervision cards"""
    Department = Model.get('onewindow.department')
    departments = Department.find(
        [('phone', '=', None)], order=[('code', 'ASC')])
    for i, department in enumerate(departments, 1):
        department.phone = '0751-2880%03d' % i
    Department.save(departments)


def load(config, ctx):
    Case = Model.get('onewindow.case')
    Hall = Model.get('onewindow.hall')
    hall = ctx.get('hall') or Hall.find([('code', '=', 'WY')])[0]
    if Case.find([('hall', '=', hall.id)], limit=1):
        return
    duty_phones()
    demo = Demo(config, ctx)
    try:
        demo.run()
    finally:
        demo.clock.stop()
        demo.as_user(demo.admin)
    print("demo_cases: %s cases" % len(Case.find([('hall', '=', hall.id)])))
