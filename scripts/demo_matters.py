# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The catalogue of matters of the Wengyuan demo hall

The licences and public services the departments of the work plan handle:
the fifteen departments of the first batch of the comprehensive window,
which delegate the acceptance of their matters to the center, and the
departments of the dedicated windows (police, power supply, industry and
commerce, national and local tax, land, justice, environment).  Each matter
has its type and legal basis, its acceptance checklist, the data dictionary
of its form, its back-office steps and its service guide: they are data,
scripts/demo_catalog.csv, read by the catalogue's own CSV import (the
format of scripts/catalog_csv.py and of the *Import Catalogue* wizard).  The
catalogue is published on the day the comprehensive window opened
(1 November 2017); a few matters have been adjusted or cancelled since, by
the documents that ordered it.  Every department authorizes its window team
leader, and the guides keep a small knowledge base.

Everything is looked up before it is created: loading twice changes
nothing (the import is idempotent)."""
import csv
import datetime as dt
import os

from proteus import Model, Wizard

CATALOG = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), 'demo_catalog.csv')
OPENING = dt.date(2017, 11, 1)

# The number of each department in the main item codes
DEPARTMENT_NUMBERS = {
    'AJ': 1, 'CZ': 2, 'MZ': 3, 'QX': 4, 'WGX': 5, 'DA': 6, 'TY': 7, 'LY': 8,
    'JY': 9, 'WJ': 10, 'RS': 11, 'JT': 12, 'CL': 13, 'RF': 14, 'JR': 15,
    'GA': 16, 'GD': 17, 'GS': 18, 'GSJ': 19, 'DS': 20, 'GT': 21, 'SF': 22,
    'HB': 23,
    }
DEDICATED = ['GA', 'GD', 'GS', 'GSJ', 'DS', 'GT', 'SF', 'HB']

ADJUSTMENTS = [
    (('RS', 1), 'adjust', "翁府办〔2018〕3号", "翁源县人民政府办公室",
        dt.date(2018, 3, 1),
        "精简申请材料：失业登记不再要求提供户口簿。"),
    (('CZ', 4), 'cancel', "粤府令第248号", "广东省人民政府",
        dt.date(2018, 7, 1),
        "政府采购供应商投诉处理调整为市级财政部门实施，县级不再受理。"),
    ]

KNOWLEDGE = [
    # question, answer, keywords, department, matters, owner, days ago
    ("失业登记需要带什么材料？",
        "本人居民身份证原件，以及与用人单位解除或终止劳动关系的证明。"
        "自2018年3月起不再需要户口簿。",
        "失业 下岗 登记 材料", 'RS', [('RS', 1)], 'liaison', 10),
    ("办理失业登记后可以领取失业保险金吗？",
        "失业前用人单位和本人已缴纳失业保险费满一年、非因本人意愿中断就业"
        "并已办理失业登记的，可以申领失业保险金。",
        "失业保险金 领取", 'RS', [('RS', 1)], 'liaison', 120),
    ("企业招用员工后多久内要办理就业登记？",
        "用人单位应当自录用之日起30日内办理就业登记。",
        "招工 用工 就业登记 备案", 'RS', [('RS', 2)], 'liaison', 30),
    ("结婚登记需要双方都到场吗？",
        "需要。男女双方须共同亲自到婚姻登记机关办理，不能委托他人代办。",
        "结婚 婚姻 到场 代办", 'MZ', [('MZ', 3)], 'approver_mz', 45),
    ("成立社会团体需要多少会员？",
        "有50个以上的个人会员或者30个以上的单位会员；个人会员、单位会员"
        "混合组成的，会员总数不得少于50个。",
        "社团 协会 会员 成立", 'MZ', [('MZ', 1)], 'approver_mz', 100),
    ("在哪里办理道路运输经营许可？",
        "在公共服务中心二楼综合服务窗口（1-12号）提交申请，"
        "由县交通运输局审批，结果在综合服务窗口领取或快递寄送。",
        "道路运输 客运 货运 许可 地点", 'JT', [('JT', 1), ('JT', 2)],
        'guide', 20),
    ("办事材料不齐可以先受理吗？",
        "非关键材料可以容缺受理：申请人签署书面承诺，在约定期限内补交。"
        "受理清单中标注“可容缺”的材料才适用。",
        "容缺 补交 承诺 材料不齐", None, [], 'guide', 5),
    ]


class as_user:
    "Act as the demo user of login (when the demo hall has it)"

    def __init__(self, config, ctx, login):
        self.config = config
        self.user = ctx.get('users', {}).get(login)

    def __enter__(self):
        User = Model.get('res.user')
        self.previous = (self.config.user, self.config._context)
        if self.user:
            self.config.user = self.user.id
            self.config._context = User.get_preferences(True, {})
        return self

    def __exit__(self, *args):
        self.config.user, self.config._context = self.previous


class Clock:
    """Let the day of the demo's story be a day of the past: in a demo
    database ir.date.today reads it from the context (onewindow_today)"""

    def __init__(self, config):
        self.config = config

    def __call__(self, date):
        self.config._context = dict(
            self.config._context, onewindow_today=date)
        return self

    def __enter__(self):
        return self

    def __exit__(self, *args):
        context = dict(self.config._context)
        context.pop('onewindow_today', None)
        self.config._context = context


# The spelling of a checklist and the steps of a handling, with which the
# catalogue of the benchmark (scripts/bench/catalogue.py) grows matters like
# those of the demo

def material_values(spec, sequence):
    """Return the values of a material written as
    "name", "name*" (original checked), "name~" (deferrable),
    "name?" (optional), "name|condition" (conditional), "name@A"
    (credibility)"""
    name, _, condition = spec.partition('|')
    credibility = None
    if '@' in name:
        name, credibility = name.split('@')
    flags = set()
    while name and name[-1] in '*~?':
        flags.add(name[-1])
        name = name[:-1]
    if not credibility:
        if '*' in flags:
            credibility = 'B'
        elif any(w in name for w in ["申请", "承诺", "声明", "登记表",
                    "备案表", "报告", "说明", "章程", "制度"]):
            credibility = 'D'
        else:
            credibility = 'C'
    if condition:
        requirement = 'conditional'
    elif '?' in flags:
        requirement = 'optional'
    else:
        requirement = 'required'
    return {
        'sequence': sequence,
        'name': name,
        'requirement': requirement,
        'condition': condition or None,
        'original_check': '*' in flags,
        'deferrable': '~' in flags,
        'credibility': credibility,
        'paper_copies': 1,
        'electronic_copies': 1 if credibility in {'C', 'D'} else 0,
        }


def steps_values(handling, promised, department):
    "Return the back-office steps that fit in the promised time limit"
    if handling == 'same_day' or not promised:
        return []
    if handling == 'escalated':
        steps = [("县级初审", 'review', promised - 1),
            ("报送上级机关", 'other', 1)]
    elif handling == 'joint':
        opinion = max(promised // 3, 1)
        steps = [("牵头部门审查", 'review', promised - opinion - 3),
            ("联办部门出具意见", 'opinion', opinion),
            ("联合审批决定", 'decision', 2), ("制发证照", 'production', 1)]
    elif promised >= 5:
        steps = [("%s审查" % department, 'review', promised - 3),
            ("作出决定", 'decision', 2), ("制发证照", 'production', 1)]
    elif promised >= 2:
        steps = [("%s审查" % department, 'review', promised - 1),
            ("作出决定", 'decision', 1)]
    else:
        steps = [("审查决定", 'decision', promised)]
    return [{'sequence': i, 'name': n, 'kind': k, 'limit': l}
        for i, (n, k, l) in enumerate(steps, 1)]


def codes():
    """Return the codes of the catalogue's matters by (department,
    position): a code is the type's prefix, the department's number and
    the matter's position in its department"""
    departments = {n: c for c, n in DEPARTMENT_NUMBERS.items()}
    with open(CATALOG, encoding='utf-8-sig', newline='') as fp:
        return {(departments[int(r['code'][2:4])], int(r['code'][4:7])):
            r['code'] for r in csv.DictReader(fp) if r['type'] == 'matter'}


def load_matters(config, ctx, clock):
    """Import the catalogue's file (what is there already is left as is)
    and publish the new matters on the day of the opening"""
    Matter = Model.get('onewindow.matter')
    with open(CATALOG, encoding='utf-8-sig', newline='') as fp:
        data = fp.read()
    ids = Matter.import_catalog(data, config.context)
    new = Matter.find([('id', 'in', ids), ('state', '=', 'draft')])
    if new:
        with clock(OPENING):
            # A record keeps the context it was read with: read them again
            # on the day of the opening
            Matter.click([Matter(m.id) for m in new], 'publish')
    ctx['matters'] = {m.code: m for m in Matter.find([
                ('state', 'in', ['published', 'suspended'])])}


def load_adjustments(config, ctx, clock):
    "The adjustments ordered since the opening, each under its document"
    Matter = Model.get('onewindow.matter')
    Adjustment = Model.get('onewindow.matter.adjustment')
    by_position = codes()
    for (department, position), kind, number, authority, date, description \
            in ADJUSTMENTS:
        code = by_position[department, position]
        if Adjustment.find([('document_number', '=', number),
                    ('matter.code', '=', code)]):
            continue
        matter = Matter.get_current(code, config.context)
        if not matter:
            continue
        matter = Matter(matter)
        with clock(date):
            adjust = Wizard('onewindow.matter.adjust', [matter])
            adjust.form.kind = kind
            adjust.form.document_number = number
            adjust.form.authority = authority
            adjust.form.document_date = date - dt.timedelta(days=20)
            adjust.form.date = date
            adjust.form.description = description
            adjust.execute('record_')
            if kind == 'adjust':
                new, = adjust.actions[0]
                if department == 'RS' and position == 1:
                    new.materials.remove([m for m in new.materials
                            if m.name == "户口簿"][0])
                new.save()
                new.click('publish')
    ctx['matters'] = {m.code: m for m in Matter.find([
                ('state', 'in', ['published', 'suspended'])])}


def load_delegations(config, ctx, clock):
    """Each department of the first batch delegates the acceptance of its
    matters to the center"""
    Delegation = Model.get('onewindow.delegation')
    Department = Model.get('onewindow.department')
    Matter = Model.get('onewindow.matter')
    for code in DEPARTMENT_NUMBERS:
        if code in DEDICATED:
            continue
        departments = Department.find([('code', '=', code)])
        if not departments:
            continue
        department, = departments
        abbreviation = (department.short_name or department.name)[1:-1]
        number = "翁%s〔2017〕%s号" % (abbreviation[:2],
            20 + DEPARTMENT_NUMBERS[code])
        if Delegation.find([('number', '=', number)]):
            continue
        matters = Matter.find([
                ('department', '=', department.id),
                ('acceptance', '=', 'comprehensive'),
                ('state', 'in', ['published', 'suspended']),
                ])
        if not matters:
            continue
        delegation = Delegation(department=department, number=number,
            signed_date=dt.date(2017, 10, 20), valid_from=OPENING,
            notes="%s关于委托翁源县行政服务中心受理行政许可和公共服务事项的函"
            % department.name)
        delegation.matters.extend([Matter(m.id) for m in matters])
        delegation.save()
        delegation.click('activate')


def load_authorizations(config, ctx, clock):
    """Every department authorizes its window team leader with the powers of
    the plan"""
    Authorization = Model.get('onewindow.authorization')
    Department = Model.get('onewindow.department')
    Employee = Model.get('company.employee')
    Party = Model.get('party.party')
    for department in Department.find([('code', 'in', list(DEPARTMENT_NUMBERS))]):
        leader = department.team_leader
        if not leader:
            name = "%s窗口组长" % (department.short_name or department.name)
            employees = Employee.find([('party.name', '=', name)])
            if employees:
                leader, = employees
            else:
                party = Party(name=name)
                party.save()
                leader = Employee(party=party, company=ctx['company'],
                    hall_role='team_leader')
                leader.departments.append(Department(department.id))
                leader.save()
            department.team_leader = leader
            department.save()
        if Authorization.find([('employee', '=', leader.id),
                    ('department', '=', department.id)]):
            continue
        Authorization(employee=leader, department=department,
            number="翁%s授〔2017〕1号" % (
                (department.short_name or department.name)[1:3]),
            valid_from=OPENING,
            notes="对即办件的直接审批权，对承诺件、上报件的初审处置权，"
            "对联办件的协调处置权，对踏勘、技术论证等环节的协调权，"
            "收费事项的执行权。").save()


def load_knowledge(config, ctx, clock):
    Knowledge = Model.get('onewindow.knowledge')
    Department = Model.get('onewindow.department')
    Matter = Model.get('onewindow.matter')
    Date = Model.get('ir.date')
    today = Date.today(config.context)
    employees = ctx.get('employees', {})
    by_position = codes()
    for question, answer, keywords, department, positions, owner, days \
            in KNOWLEDGE:
        if Knowledge.find([('question', '=', question)]):
            continue
        entry = Knowledge(question=question, answer=answer,
            keywords=keywords)
        if department:
            entry.department, = Department.find([('code', '=', department)])
        if owner in employees:
            entry.owner = employees[owner]
        entry.last_reviewed = today - dt.timedelta(days=days)
        for position in positions:
            entry.matters.extend(Matter.find([
                        ('code', '=', by_position[position])]))
        entry.save()


def load(config, ctx):
    # The center administrator keeps the catalogue
    with as_user(config, ctx, 'center_admin'), Clock(config) as clock:
        load_matters(config, ctx, clock)
        load_adjustments(config, ctx, clock)
    with Clock(config) as clock:
        load_delegations(config, ctx, clock)
        load_authorizations(config, ctx, clock)
        load_knowledge(config, ctx, clock)
