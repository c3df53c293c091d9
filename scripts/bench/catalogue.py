# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The catalogue of the benchmark, grown from the demo through the models

Ten years of working-day calendar, 50 departments and 2,000 matters with
their checklists, form fields and steps, published and delegated as the
center administrator would (the models validate them)."""
import datetime as dt
import random
from decimal import Decimal
from unittest.mock import Mock, patch

from trytond.pool import Pool
from trytond.transaction import Transaction

from demo_matters import material_values, steps_values

# The departments that join the hall in later batches
DEPARTMENTS = [
    ('SJ', "翁源县审计局", "县审计局"),
    ('TJ', "翁源县统计局", "县统计局"),
    ('KJ', "翁源县科学技术局", "县科技局"),
    ('SWU', "翁源县商务局", "县商务局"),
    ('LSJ', "翁源县粮食局", "县粮食局"),
    ('WUJ', "翁源县物价局", "县物价局"),
    ('ZLJ', "翁源县质量技术监督局", "县质监局"),
    ('CG', "翁源县城市管理局", "县城管局"),
    ('MZJ', "翁源县民族宗教事务局", "县民宗局"),
    ('QW', "翁源县侨务局", "县侨务局"),
    ('BB', "翁源县机构编制委员会办公室", "县编办"),
    ('SHB', "翁源县社会保险基金管理局", "县社保局"),
    ('GXS', "翁源县供销合作联社", "县供销社"),
    ('YC', "翁源县烟草专卖局", "县烟草局"),
    ('TYJ', "翁源县退役军人事务局", "县退役军人局"),
    ('YJ', "翁源县应急管理局", "县应急局"),
    ('YB', "翁源县医疗保障局", "县医保局"),
    ('SCJ', "翁源县市场监督管理局", "县市场监管局"),
    ('ZRZY', "翁源县自然资源局", "县自然资源局"),
    ('NC', "翁源县农村工作办公室", "县农办"),
    ('GZW', "翁源县国有资产监督管理局", "县国资局"),
    ]

OBJECTS = [
    "建设工程", "食品经营", "药品零售", "道路运输", "出租汽车", "民办学校",
    "医疗机构", "护士执业", "人力资源服务", "劳务派遣", "社会团体",
    "民办非企业单位", "殡葬设施", "养老机构", "气象探测", "档案查阅",
    "体育经营", "旅行社", "娱乐场所", "网吧", "出版物零售", "广播电视设施",
    "烟花爆竹经营", "危险化学品", "特种设备", "计量器具", "排污", "取水",
    "林木采伐", "农药经营", "种子生产", "动物防疫", "渔业捕捞", "临时占道",
    "户外广告", "城市排水", "燃气经营", "房地产开发", "人防工程", "供电接入",
    "残疾人证", "退役军人优待", "医疗保险", "社会保险", "职业资格",
    "就业创业补贴", "失业登记", "宗教活动场所", "归侨侨眷身份", "价格备案",
    ]
ACTIONS = [
    ("许可", 'licence'), ("许可证核发", 'licence'), ("许可证延续", 'licence'),
    ("许可证变更", 'licence'), ("许可证注销", 'licence'), ("审批", 'licence'),
    ("资格认定", 'licence'), ("备案", 'other'), ("登记", 'public_service'),
    ("证明开具", 'public_service'), ("信息查询", 'public_service'),
    ("补贴申领", 'public_service'), ("年度检验", 'other'),
    ("证件补办", 'public_service'), ("初审", 'licence'),
    ]
MATERIALS = [
    "申请表", "经营场所产权证明或租赁合同*", "主要负责人任职文件",
    "管理制度~", "安全评价报告", "技术人员资格证书*", "设备清单",
    "平面布置图", "可行性研究报告", "环境影响评价文件", "消防验收意见",
    "验资报告", "章程", "财务审计报告", "健康证明*", "学历证书*",
    "承诺书", "现场照片?", "上年度工作报告", "资金证明",
    "原证件*", "情况说明", "授权委托书|委托他人办理的",
    "外籍人员证明|申请人为外籍人员的", "其他补充材料?",
    ]
FIRST_YEAR_OFFSET = 10


def dates_range(today):
    "Return the first and last day of the ten years that end today"
    first = dt.date(today.year - FIRST_YEAR_OFFSET, today.month, today.day)
    first += dt.timedelta(days=1)
    return first, today


def load_calendar(first, last):
    """Publish the calendar years of the ten years (and of the next one,
    which the deadlines of the last cases reach)"""
    pool = Pool()
    Calendar = pool.get('onewindow.calendar')
    Year = pool.get('onewindow.calendar.year')
    calendar, = Calendar.search([], limit=1, order=[('id', 'ASC')])
    existing = {y.year: y for y in Year.search(
            [('calendar', '=', calendar.id)])}
    drafts = []
    for year in range(first.year, last.year + 2):
        record = existing.get(year)
        if not record:
            try:
                record = Year.fill_from_library(calendar, year)
            except Exception:
                # The library does not know the next year yet (the State
                # Council publishes it in November or December): weekends
                # only until the notice comes.
                record, = Year.create([{
                            'calendar': calendar.id, 'year': year,
                            'notice': "待国务院办公厅通知（基准测试：仅双休日）",
                            }])
        if record.state == 'draft':
            drafts.append(record)
    if drafts:
        Year.publish(drafts)
    return calendar


def load_departments(count):
    "Add the departments of the later batches up to count"
    pool = Pool()
    Department = pool.get('onewindow.department')
    departments = Department.search([], order=[('id', 'ASC')])
    codes = {d.code for d in departments}
    vlist = []
    for code, name, short_name in DEPARTMENTS:
        if len(departments) + len(vlist) >= count:
            break
        if code in codes:
            continue
        vlist.append({
                'code': code,
                'name': name,
                'short_name': short_name,
                'kind': 'bureau',
                'residency': 'non_resident',
                'batch': 2 + len(vlist) % 2,
                })
    if vlist:
        departments += Department.create(vlist)
    return departments


def matter_values(rng, number, department, departments, dedicated):
    "Return the values of a new matter of department"
    obj = rng.choice(OBJECTS)
    action, category = rng.choice(ACTIONS)
    handling = rng.choices(
        ['same_day', 'promised', 'escalated', 'joint'],
        [25, 60, 8, 7])[0]
    if handling == 'same_day':
        promised, statutory = 0, rng.choice([None, 5, 20])
    elif handling == 'promised':
        promised = rng.choice([3, 5, 5, 7, 10, 10, 10, 15, 15, 20])
        statutory = 20
    elif handling == 'escalated':
        promised, statutory = rng.choice([10, 15, 20]), 20
    else:
        promised, statutory = rng.choice([20, 25, 30]), 45
    kind = rng.choices(['natural', 'legal', 'both'], [35, 35, 30])[0]
    first = {
        'natural': ["居民身份证*", "户口簿*"],
        'legal': ["营业执照*", "法定代表人居民身份证*"],
        'both': ["居民身份证或营业执照*"],
        }[kind]
    others = rng.sample(MATERIALS, rng.randint(3, 9))
    specs = first + ["%s%s申请表" % (obj, action)] + [
        m for m in others if m != "申请表"]
    materials = [material_values(s, i) for i, s in enumerate(specs, 1)]
    prefix = {'licence': 'XK', 'public_service': 'GG', 'other': 'QT'}[
        category]
    values = {
        'code': '%s%05d000' % (prefix, 50000 + number),
        'name': '%s%s' % (obj, action),
        'short_name': '%s%s' % (obj[:4], action[:2]),
        'matter_type': category,
        'applicant_kind': kind,
        'handling': handling,
        'department': department.id,
        'acceptance': 'dedicated' if dedicated else 'comprehensive',
        'statutory_limit': statutory,
        'promised_limit': promised,
        'result_kind': 'licence' if category == 'licence' else 'other',
        'result_name': '%s%s决定书' % (obj, action),
        'delivery_methods': ['window', 'courier'],
        'conditions': "符合%s有关规定条件的申请人。" % obj,
        'legal_basis': "《中华人民共和国行政许可法》及%s管理相关法规。" % obj,
        'materials': [('create', materials)],
        'form_fields': [('create', [{
                        'sequence': 1, 'name': 'reason',
                        'string': "申请事由", 'type_': 'char',
                        'required': True,
                        }, {
                        'sequence': 2, 'name': 'quantity',
                        'string': "申请数量", 'type_': 'integer',
                        'required': False,
                        }])],
        'steps': [('create', steps_values(
                        handling, promised, department.short_name
                        or department.name))],
        }
    if handling == 'escalated':
        values['higher_authority'] = "韶关市%s" % (
            (department.short_name or department.name).replace("县", ""))
    if handling == 'joint':
        others = [d for d in departments if d != department]
        values['co_departments'] = [('add', [
                    d.id for d in rng.sample(others, rng.randint(1, 2))])]
    if rng.random() < 0.08:
        values['fee_amount'] = Decimal(rng.choice([10, 20, 50, 100, 200]))
        values['fee_basis'] = "粤价〔2015〕%s号" % rng.randint(10, 99)
    return values


def load_matters(count, departments, catalogue_date):
    """Add matters up to count, published on catalogue_date and delegated
    to the comprehensive window when they are accepted there"""
    pool = Pool()
    Matter = pool.get('onewindow.matter')
    Window = pool.get('onewindow.window')
    Delegation = pool.get('onewindow.delegation')
    Date = pool.get('ir.date')
    rng = random.Random(2016)
    existing = Matter.search_count([])
    if existing >= count:
        return 0
    # The departments served by a window of their own keep their window;
    # the others are accepted at the comprehensive window.
    dedicated = set()
    for window in Window.search([('kind', '!=', 'comprehensive')]):
        dedicated.update(d.id for d in window.departments)
    comprehensive = {d.id for w in Window.search(
            [('kind', '=', 'comprehensive')]) for d in w.departments}
    dedicated -= comprehensive
    created = []
    total = count - existing
    with patch.object(Date, 'today', Mock(return_value=catalogue_date)):
        batch = []
        for i in range(total):
            department = departments[i % len(departments)]
            batch.append(matter_values(rng, i, department, departments,
                    department.id in dedicated))
            if len(batch) == 200 or i == total - 1:
                matters = Matter.create(batch)
                Matter.publish(matters)
                created.extend(matters)
                batch = []
        by_department = {}
        for matter in created:
            if matter.acceptance == 'comprehensive':
                by_department.setdefault(matter.department, []).append(
                    matter.id)
        delegations = Delegation.create([{
                    'department': department.id,
                    'number': "翁%s〔%s〕补1号" % (
                        department.code, catalogue_date.year),
                    'signed_date': catalogue_date,
                    'valid_from': catalogue_date,
                    'matters': [('add', ids)],
                    } for department, ids in by_department.items()])
        Delegation.activate(delegations)
    # The comprehensive window serves the departments that delegate to it.
    windows = Window.search([('kind', '=', 'comprehensive')])
    if windows:
        missing = [d.id for d in by_department
            if d.id not in comprehensive]
        if missing:
            Window.write(windows[:1], {
                    'departments': [('add', missing)]})
    return len(created)


def load(database_name, count_departments, count_matters):
    """Grow the catalogue of the demo to its benchmark size; return the
    first and last days of the cases"""
    pool = Pool(database_name)
    # Publishing the calendar years locks the calendar (Calendar.changed):
    # outside the dispatcher, which would retry with the lock, the
    # transaction takes it from the start
    with Transaction().start(database_name, 0, context={
                '_skip_warnings': True},
            _lock_tables=['onewindow_calendar']) as transaction:
        User = pool.get('res.user')
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        company, = Company.search([], limit=1)
        context = User.get_preferences(context_only=True)
        context.update({'company': company.id, 'language': 'zh_CN',
                '_skip_warnings': True})
        with transaction.set_context(context):
            today = Date.today()
            first, last = dates_range(today)
            load_calendar(first, last)
            departments = load_departments(count_departments)
            created = load_matters(count_matters, departments,
                dt.date(first.year, 1, 1))
        transaction.commit()
    return first, last, len(departments), created
