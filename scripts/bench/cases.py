# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Ten years of cases, bulk-loaded

The rows are written with COPY and INSERT ... SELECT in batches, but their
values follow the models: the numbers come from the configured sequence
(hall code, year of acceptance, the sequence's counter, which is moved past
them through ir.sequence), the deadlines and their explanations from the
hall's calendar (Case.compute_deadline, once per acceptance day and time
limit), the materials from the checklists of the matter versions
(CaseMaterial.checklist_values), the log from the transitions each state
went through, and the applicants' identifiers are valid resident IDs and
unified social credit codes (python-stdnum)."""
import datetime as dt
import io
import json
import math
import random
from collections import defaultdict

from stdnum.cn import ric, uscc

from trytond.pool import Pool
from trytond.transaction import Transaction

from .report import phase

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛")
GIVEN = ("建国 海燕 志明 秀英 文华 丽萍 国强 春梅 永红 晓东 红梅 俊杰 美玲 德明 雪芳 振宇 "
    "桂兰 伟东 子涵 思远 嘉怡 浩然 欣怡 宇航 雨桐 家豪 小燕 国栋 丽娟 振华 伟明 晓敏 "
    "志强 建华 秀兰 玉兰 金凤 桂英 春花 天佑 梓轩 诗涵 一鸣 若曦 紫涵 俊熙 思琪 文轩").split()
TOWNS = ["龙仙", "坝仔", "江尾", "官渡", "周陂", "翁城", "新江", "铁龙", "韶关",
    "曲江", "乐昌", "南雄", "仁化", "始兴", "乳源", "新丰"]
TRADES = ["农业科技", "建材贸易", "劳务服务", "餐饮管理", "物流运输", "旅游开发",
    "电子商务", "建筑工程", "食品加工", "医药连锁", "文化传媒", "机械制造",
    "物业管理", "环保科技", "教育咨询", "水产养殖"]
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
APPROVALS = ["材料齐全，符合法定条件，准予许可。", "经审查，符合条件，予以办理。"]
DENIALS = ["经审查，申请人不符合办理条件，不予许可。"]

# Tables bulk-loaded: their secondary indexes are dropped during the load
# and rebuilt after it
TABLES = [
    'party_party', 'party_identifier', 'party_contact_mechanism',
    'onewindow_case', 'onewindow_case_material', 'onewindow_case_log',
    'onewindow_case_supplement', 'onewindow_case_fee',
    'onewindow_handover', 'onewindow_case_step', 'onewindow_case_opinion',
    'onewindow_statistic_event', 'onewindow_statistic_summary',
    'onewindow_department_party_pair',
    ]
BATCH = 50000
OPEN_STATES = {'draft', 'supplement', 'accepted', 'review', 'suspended',
    'escalated'}


def copy_value(value):
    if value is None:
        return '\\N'
    if isinstance(value, bool):
        return 't' if value else 'f'
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in '\\\t\n\r'):
        text = (text.replace('\\', '\\\\').replace('\t', '\\t')
            .replace('\n', '\\n').replace('\r', '\\r'))
    return text


def copy_rows(cursor, table, columns, rows):
    "COPY rows (tuples in the order of columns) into table"
    buffer = io.StringIO()
    for row in rows:
        buffer.write('\t'.join(copy_value(v) for v in row))
        buffer.write('\n')
    buffer.seek(0)
    cursor.copy_expert('COPY "%s" (%s) FROM STDIN' % (
            table, ', '.join('"%s"' % c for c in columns)), buffer)


def reserve_ids(cursor, table, count):
    "Reserve count ids of the identity column of table; return the first"
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
    sequence, = cursor.fetchone()
    cursor.execute("SELECT nextval(%s)", (sequence,))
    first, = cursor.fetchone()
    cursor.execute("SELECT setval(%s, %s)", (sequence, first + count))
    return first


class Parties:
    "Applicants and agents: valid identifiers, names, mobile phones"

    def __init__(self, rng, first_id, first_code):
        self.rng = rng
        self.next_id = first_id
        self.next_code = first_code
        self.rows = []
        self.identifiers = []
        self.contacts = []
        self.natural = []
        self.legal = []
        self.used = set()
        self.phones = {}

    def resident_id(self):
        rng = self.rng
        while True:
            birth = dt.date(1950, 1, 1) + dt.timedelta(
                days=rng.randrange(20000))
            body = '%s%s%03d' % (rng.choice(['440229', '440203', '440204',
                            '440205', '440232', '440281']),
                birth.strftime('%Y%m%d'), rng.randrange(1000))
            code = body + ric.calc_check_digit(body + '0')
            if code not in self.used:
                self.used.add(code)
                return code

    def credit_code(self):
        rng = self.rng
        while True:
            code = '%08d' % rng.randrange(10 ** 7, 10 ** 8)
            check = 11 - sum(int(c) * w for c, w in zip(
                    code, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
            code += {10: 'X', 11: '0'}.get(check, str(check))
            body = '91440229' + code
            code = body + uscc.calc_check_digit(body)
            if code not in self.used:
                self.used.add(code)
                return code

    def new(self, kind, when):
        rng = self.rng
        party_id = self.next_id
        self.next_id += 1
        code = str(self.next_code)
        self.next_code += 1
        if kind == 'natural':
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            identifier = ('cn_ric', self.resident_id())
            phone = '1%d%09d' % (rng.choice([3, 5, 8]), rng.randrange(10 ** 9))
            self.contacts.append((party_id, 'mobile', phone, phone, True,
                    when, 0))
            self.natural.append(party_id)
        else:
            name = "翁源县%s%s有限公司" % (rng.choice(TOWNS), rng.choice(TRADES))
            identifier = ('cn_vat', self.credit_code())
            phone = None
            self.legal.append(party_id)
        self.rows.append((party_id, code, name, True, when, 0))
        self.identifiers.append((party_id, identifier[0], identifier[1],
                True, when, 0))
        self.phones[party_id] = phone
        return party_id

    def pick(self, kind, when, returning=0.35):
        pool = self.natural if kind == 'natural' else self.legal
        if pool and self.rng.random() < returning:
            return self.rng.choice(pool)
        return self.new(kind, when)

    def flush(self, cursor):
        copy_rows(cursor, 'party_party', ['id', 'code', 'name', 'active',
                'create_date', 'create_uid'], self.rows)
        copy_rows(cursor, 'party_identifier', ['party', 'type', 'code',
                'active', 'create_date', 'create_uid'], self.identifiers)
        copy_rows(cursor, 'party_contact_mechanism', ['party', 'type',
                'value', 'value_compact', 'active', 'create_date',
                'create_uid'], self.contacts)
        count = len(self.rows)
        self.rows, self.identifiers, self.contacts = [], [], []
        return count


class Numbering:
    """The numbers of an ir.sequence, taken in bulk: the prefix and suffix
    come from the model (ir.sequence._process, for the day), the counter
    from number_next, which is moved past them at the end"""

    def __init__(self, sequence):
        self.Sequence = Pool().get('ir.sequence')
        self.sequence = sequence
        self.next = sequence.number_next
        self.padding = sequence.padding or 0
        self.increment = sequence.number_increment or 1
        self.affixes = {}

    def get(self, date):
        affixes = self.affixes.get(date)
        if affixes is None:
            with Transaction().set_context(date=date):
                affixes = self.affixes[date] = (
                    self.Sequence._process(self.sequence.prefix, date=date),
                    self.Sequence._process(self.sequence.suffix, date=date))
        number = self.next
        self.next += self.increment
        return '%s%s%s' % (
            affixes[0], f'{number:0>{self.padding}d}', affixes[1])

    def save(self):
        self.Sequence.write([self.sequence], {'number_next': self.next})


class Deadlines:
    "The deadlines and explanations of the hall's calendar, memoized"

    def __init__(self, hall, matter):
        pool = Pool()
        self.Case = pool.get('onewindow.case')
        self.calendar = hall.calendar
        self.hall = hall
        self.matter = matter
        self.cache = {}
        self.working = {}

    def is_working(self, date):
        value = self.working.get(date)
        if value is None:
            value = self.working[date] = self.calendar._is_working_day(date)
        return value

    def add(self, date, days):
        "The days-th working day after date"
        key = (date, days, False)
        value = self.cache.get(key)
        if value is None:
            result = date
            while days:
                result += dt.timedelta(days=1)
                if self.is_working(result):
                    days -= 1
            value = self.cache[key] = result
        return value

    def between(self, start, end):
        "The working days after start up to end included"
        key = (start, end, None)
        value = self.cache.get(key)
        if value is None:
            value = self.cache[key] = self.calendar._working_days_between(
                start, end)
        return value

    def deadline(self, date, limit):
        "The deadline and explanation of a case accepted on date"
        key = (date, limit, True)
        value = self.cache.get(key)
        if value is None:
            case = self.Case(hall=self.hall, matter=self.matter,
                promised_limit=limit, acceptance_date=date)
            value = self.cache[key] = case.compute_deadline(date)
        return value


def last_working_before(deadlines, day):
    "The last working day before day"
    day -= dt.timedelta(days=1)
    while not deadlines.is_working(day):
        day -= dt.timedelta(days=1)
    return day


def open_scale(ages, share):
    "Return tau so that the mean of exp(-age / tau) is share"
    low, high = 1.0, 100000.0
    sample = ages[::max(1, len(ages) // 20000)]
    for _ in range(50):
        tau = (low + high) / 2
        mean = sum(math.exp(-a / tau) for a in sample) / len(sample)
        if mean > share:
            high = tau
        else:
            low = tau
    return tau


class Loader:

    def __init__(self, database, dbname, count, first, last, seed=20161126):
        self.database = database
        self.dbname = dbname
        self.count = count
        self.first = first
        self.last = last
        self.rng = random.Random(seed)
        self.timings = {}

    # Reference data

    def references(self, cursor):
        pool = Pool()
        Case = pool.get('onewindow.case')
        states = {s for s, _ in Case._fields['state'].selection}
        # The working days taken, kept for the statistics
        self.working_days = 'working_days' in Case._fields
        self.back_office = (
            {'review', 'ready', 'delivered', 'archived'} <= states
            and 'handover' in Case._fields
            and all(self.has_model(m) for m in [
                    'onewindow.handover', 'onewindow.case.step',
                    'onewindow.case.opinion']))
        cursor.execute("SELECT id FROM company_company ORDER BY id LIMIT 1")
        self.company, = cursor.fetchone()
        cursor.execute("SELECT id, code FROM onewindow_hall "
            "WHERE code = 'WY' OR true ORDER BY (code = 'WY') DESC, id "
            "LIMIT 1")
        self.hall, self.hall_code = cursor.fetchone()
        cursor.execute('SELECT id, kind FROM onewindow_window '
            'WHERE hall = %s', (self.hall,))
        self.windows = dict(cursor.fetchall())
        cursor.execute('SELECT "window", department FROM '
            '"onewindow_window-onewindow_department"')
        self.window_departments = defaultdict(set)
        for window, department in cursor:
            if window in self.windows:
                self.window_departments[window].add(department)
        cursor.execute('SELECT "window", employee FROM '
            '"onewindow_window-company_employee"')
        self.window_employees = defaultdict(list)
        for window, employee in cursor:
            self.window_employees[window].append(employee)
        cursor.execute("SELECT employee FROM res_user WHERE login = 'leader'")
        row = cursor.fetchone()
        self.leader = row[0] if row else None
        cursor.execute('SELECT ud.department, u.employee FROM '
            '"res_user-onewindow_department" ud '
            'JOIN res_user u ON u.id = ud."user" '
            'WHERE u.employee IS NOT NULL')
        self.approvers = defaultdict(list)
        for department, employee in cursor:
            self.approvers[department].append(employee)
        cursor.execute("SELECT id, code FROM onewindow_department "
            "ORDER BY id")
        self.departments = cursor.fetchall()
        cursor.execute("SELECT id, department, handling, promised_limit, "
            "applicant_kind, acceptance, state, valid_from, valid_to, "
            "COALESCE(short_name, name), fee_basis, fee_amount, "
            "higher_authority, result_kind "
            "FROM onewindow_matter "
            "WHERE state IN ('published', 'suspended', 'superseded', "
            "'cancelled') AND EXISTS (SELECT 1 FROM "
            "onewindow_matter_material mm WHERE mm.matter = "
            "onewindow_matter.id) ORDER BY id")
        self.matters = {}
        self.department_matters = defaultdict(list)
        for row in cursor.fetchall():
            self.matters[row[0]] = row
            self.department_matters[row[1]].append(row[0])

    @staticmethod
    def has_model(name):
        try:
            Pool().get(name)
        except KeyError:
            return False
        return True

    def department_weights(self):
        "Zipf-like volumes; the demo approver's department (RS) the largest"
        rng = random.Random(7)
        ids = [d for d, _ in self.departments if self.department_matters[d]]
        rng.shuffle(ids)
        codes = dict(self.departments)
        ids.sort(key=lambda d: codes[d] != 'RS')
        return ids, [1 / (rank ** 0.8) for rank in range(1, len(ids) + 1)]

    def window_of(self, matter):
        if matter[5] == 'comprehensive':
            windows = [w for w, k in self.windows.items()
                if k == 'comprehensive']
        else:
            windows = [w for w, k in self.windows.items()
                if k != 'comprehensive'
                and matter[1] in self.window_departments[w]]
        if not windows:
            windows = [w for w, k in self.windows.items()
                if k == 'comprehensive'] or list(self.windows)
        return windows

    # Generation

    def generate_dates(self, deadlines):
        "Application dates, chronological, growing with the years"
        rng = self.rng
        days = []
        day = self.first
        while day <= self.last:
            days.append(day)
            day += dt.timedelta(days=1)
        working = [d for d in days if deadlines.is_working(d)]

        def weights(ds):
            return [1.07 ** (d.year - self.first.year) for d in ds]
        window_count = int(self.count * 0.9)
        dates = rng.choices(working, weights(working), k=window_count)
        dates += rng.choices(days, weights(days),
            k=self.count - window_count)
        dates.sort()
        return dates

    def plan(self, deadlines, cursor):
        """Return the case rows and count the parties, in the order of the
        application dates"""
        rng = self.rng
        Configuration = Pool().get('onewindow.case.configuration')
        configuration = Configuration(1)
        self.numbers = Numbering(configuration.get_multivalue(
                'case_sequence', company=self.company))
        self.handover_numbers = None
        if self.back_office:
            self.handover_numbers = Numbering(configuration.get_multivalue(
                    'handover_sequence', company=self.company))
        self.handovers = {}
        self.last_before = last_working_before(deadlines, self.last)
        PartyConfiguration = Pool().get('party.configuration')
        self.party_sequence = PartyConfiguration(1).get_multivalue(
            'party_sequence')
        party_code = (self.party_sequence.number_next
            if self.party_sequence else 1)
        first_party = reserve_ids(cursor, 'party_party',
            int(self.count * 1.5) + 10)
        self.parties = Parties(rng, first_party, party_code)
        dates = self.generate_dates(deadlines)
        ages = [(self.last - d).days for d in dates]
        department_ids, department_weights = self.department_weights()
        picked_departments = rng.choices(
            department_ids, department_weights, k=self.count)
        matter_weights = {
            d: [1 / (r ** 0.9) for r in range(1, len(ms) + 1)]
            for d, ms in self.department_matters.items()}
        picked_matters = []
        for day, department in zip(dates, picked_departments):
            matters = self.department_matters[department]
            for _ in range(10):
                matter = self.matters[rng.choices(
                        matters, matter_weights[department])[0]]
                if ((matter[7] is None or matter[7] <= day)
                        and (matter[8] is None or day <= matter[8])):
                    break
            picked_matters.append(matter)
        # About a fifth of the cases are open, the recent ones more often;
        # same-day matters are decided on the day.
        timed_ages = [a for a, m in zip(ages, picked_matters)
            if m[2] != 'same_day']
        tau = open_scale(timed_ages, min(0.9, 0.20 * len(ages) / max(
                    1, len(timed_ages))))
        first_case = reserve_ids(cursor, 'onewindow_case', self.count + 10)
        self.first_case = first_case
        rows = []
        for i, (day, age, matter) in enumerate(
                zip(dates, ages, picked_matters)):
            rows.append(self.case(first_case + i, day, age, matter, tau,
                    deadlines))
        return rows

    def case(self, case_id, day, age, matter, tau, deadlines):
        rng = self.rng
        last = self.last
        (matter_id, department, handling, limit, kind, acceptance, _, _, _,
            matter_name, _, _, _, _) = matter
        limit = limit or 0
        if kind == 'both':
            kind = rng.choice(['natural', 'natural', 'legal'])
        when = dt.datetime.combine(day, dt.time(
                8 + rng.randrange(9), rng.randrange(60), rng.randrange(60)))
        applicant = self.parties.pick(kind, when)
        agent = None
        if kind == 'legal' or rng.random() < 0.15:
            agent = self.parties.pick('natural', when, returning=0.2)
        window = rng.choice(self.window_of(matter))
        clerk = rng.choice(self.window_employees.get(window) or [None])
        channel = rng.choices(['window', 'online', 'self_service', 'mail'],
            [70, 20, 5, 5])[0]
        if not deadlines.is_working(day):
            channel = 'online'
        phone = self.parties.phones.get(applicant) or '0751-28%05d' % (
            rng.randrange(10 ** 5))

        # The state the case has reached today
        state = self._draw_state(handling, age, tau)

        values = dict.fromkeys([
                'acceptance_date', 'accepted_by', 'deadline',
                'deadline_explanation', 'decided_by', 'decision_comment',
                'decision_date', 'number', 'promised_limit', 'refusal_note',
                'refusal_reason', 'refused_by', 'supplement_date',
                'supplement_due_date', 'withdrawal_reason'])
        values['supplement_count'] = 0
        end = when
        supplement = state == 'supplement' or (
            state not in {'draft', 'refused', 'withdrawn_draft'}
            and rng.random() < 0.10)
        accept_day = day if deadlines.is_working(day) else deadlines.add(
            day, 1)
        if supplement:
            values['supplement_count'] = 1
            values['supplement_date'] = accept_day
            values['supplement_due_date'] = deadlines.add(accept_day, 5)
            if state != 'supplement':
                accept_day = deadlines.add(accept_day, rng.randint(1, 5))
        if state in {'accepted', 'approved', 'denied', 'withdrawn'} and (
                accept_day > last):
            state = 'supplement' if supplement else 'draft'
        if state in {'accepted', 'approved', 'denied', 'withdrawn'}:
            state, end = self._accepted_values(values, state, accept_day,
                limit, handling, department, clerk, deadlines)
        elif state == 'refused':
            reason, note = rng.choice(REFUSALS)
            values.update({
                    'refusal_reason': reason,
                    'refusal_note': note,
                    'refused_by': clerk,
                    })
            end = when + dt.timedelta(minutes=20)
        elif state == 'withdrawn_draft':
            state = 'withdrawn'
            values['withdrawal_reason'] = rng.choice(WITHDRAWALS)
            end = when + dt.timedelta(hours=1)
        form_data = json.dumps({'reason': "%s申请" % matter_name},
            ensure_ascii=False)
        row = dict(values, id=case_id, company=self.company, hall=self.hall,
            window=window, channel=channel, registered_by=clerk,
            application_date=day, matter=matter_id, department=department,
            applicant=applicant, applicant_kind=kind, agent=agent,
            phone=phone, form_data=form_data, state=state,
            create_date=when, create_uid=0, write_date=end, write_uid=0)
        if self.back_office:
            self.back_office_values(row, matter, clerk, deadlines)
        return row

    def _draw_state(self, handling, age, tau):
        "Return the state a case of age days has reached today"
        rng = self.rng
        is_open = rng.random() < math.exp(-age / tau)
        if handling == 'same_day' and age > 2:
            is_open = False
        if is_open:
            if age <= 7:
                state = rng.choices(['draft', 'supplement', 'accepted'],
                    [25, 15, 60])[0]
            else:
                state = rng.choices(['supplement', 'accepted'], [8, 92])[0]
        else:
            state = rng.choices(
                ['refused', 'withdrawn_draft', 'withdrawn', 'denied',
                    'approved'], [6, 3, 3, 5, 83])[0]
        return state

    def _accepted_values(self, values, state, accept_day, limit, handling,
            department, clerk, deadlines):
        """Fill values of the case accepted on accept_day, decided or
        withdrawn since; return its state and the time of its last change"""
        rng = self.rng
        last = self.last
        deadline, explanation = deadlines.deadline(accept_day, limit)
        values.update({
                'acceptance_date': accept_day,
                'accepted_by': clerk,
                'promised_limit': limit,
                'deadline': deadline,
                'deadline_explanation': explanation,
                'number': '%s-%s' % (
                    self.hall_code, self.numbers.get(accept_day)),
                })
        end = dt.datetime.combine(accept_day, dt.time(10, 30))
        if state in {'approved', 'denied'}:
            if handling == 'same_day' or not limit:
                decision = accept_day
            elif rng.random() < 0.9:
                decision = deadlines.add(
                    accept_day, rng.randint(1, limit))
            else:
                decision = deadlines.add(
                    accept_day, limit + rng.randint(1, 10))
            if decision > last:
                state = 'accepted'
            else:
                if handling == 'same_day':
                    decided_by = self.leader
                else:
                    decided_by = rng.choice(
                        self.approvers.get(department) or [None])
                if self.working_days:
                    values['working_days'] = deadlines.between(
                        accept_day, decision)
                values.update({
                        'decision_date': decision,
                        'decided_by': decided_by,
                        'decision_comment': rng.choice(
                            APPROVALS if state == 'approved'
                            else DENIALS),
                        })
                end = dt.datetime.combine(decision, dt.time(15))
        elif state == 'withdrawn':
            withdrawal = min(last, deadlines.add(
                    accept_day, rng.randint(1, max(limit, 1))))
            values['withdrawal_reason'] = rng.choice(WITHDRAWALS)
            end = dt.datetime.combine(withdrawal, dt.time(16))
        return state, end

    def back_office_values(self, row, matter, clerk, deadlines):
        """Move the case through the back office: the accepted cases are
        handed over to their department on the next working day (on one
        slip per department and day) and reviewed step by step; the
        decided ones go out through the one exit (ready, delivered,
        archived) as the days pass"""
        rng = self.rng
        last = self.last
        handling = matter[2]
        state = row['state']
        accepted = row['acceptance_date']
        if (not accepted or handling == 'same_day'
                or state in {'withdrawn', 'draft', 'supplement'}):
            handover_day = None
        else:
            handover_day = deadlines.add(accepted, 1)
            decided = row.get('decision_date')
            if decided and handover_day > decided:
                handover_day = decided
            if handover_day > self.last_before:
                handover_day = None
        if handover_day:
            key = (row['department'], handover_day)
            handover = self.handovers.get(key)
            if handover is None:
                handover = self.handovers[key] = {
                    'id': len(self.handovers),
                    'company': self.company, 'hall': self.hall,
                    'department': row['department'],
                    'number': '%s-%s' % (self.hall_code,
                        self.handover_numbers.get(handover_day)),
                    'date': handover_day, 'sent_by': clerk,
                    'received_by': rng.choice(
                        self.approvers.get(row['department']) or [None]),
                    'received_date': dt.datetime.combine(
                        handover_day, dt.time(15, 30)),
                    'state': 'received',
                    'create_date': dt.datetime.combine(
                        handover_day, dt.time(9)),
                    'create_uid': 0,
                    }
            row['handover'] = handover['id']
            if state == 'accepted':
                state = 'review'
                if (handling == 'escalated' and matter[12]
                        and (last - handover_day).days > 20):
                    state = 'escalated'
                    row['escalated_to'] = matter[12]
                    row['escalation_date'] = deadlines.add(handover_day, 10)
                    row['escalated_by'] = row['decided_by'] or clerk
        if state in {'approved', 'denied'}:
            row['decision'] = state
            decided = row['decision_date']
            age = (last - decided).days
            if handover_day:
                row['result_sent_date'] = min(last,
                    deadlines.add(decided, 1))
            if state == 'approved' and matter[13]:
                row['result_number'] = '%s%s' % (
                    decided.year, row['number'].split('-')[-1])
            if age > 3:
                state = 'ready'
                row['verification_date'] = min(last,
                    deadlines.add(decided, 2))
                row['verified_by'] = clerk
            if age > 15:
                state = 'delivered'
                row['delivery_method'] = 'window'
                row['collector'] = (row['applicant']
                    if row['applicant_kind'] == 'natural'
                    else row['agent'])
                row['delivery_date'] = min(last,
                    deadlines.add(decided, rng.randint(3, 10)))
                row['delivered_by'] = clerk
            if age > 60:
                state = 'archived'
                row['archive_date'] = min(last,
                    deadlines.add(decided, rng.randint(20, 40)))
                row['archived_by'] = clerk
            row['write_date'] = dt.datetime.combine(
                row.get('archive_date') or row.get('delivery_date')
                or row.get('verification_date') or decided, dt.time(16))
        row['state'] = state

    # Indexes

    def drop_indexes(self, cursor):
        "Drop the secondary indexes of the loaded tables; return them"
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, "
            "pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%s) AND NOT EXISTS ("
            "SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            (TABLES,))
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute('DROP INDEX %s' % name)
        return indexes

    def create_indexes(self, cursor, indexes):
        for _, definition in indexes:
            cursor.execute(definition)

    # SQL phases

    def copy_cases(self, cursor, rows):
        pool = Pool()
        Case = pool.get('onewindow.case')
        cursor.execute("SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'onewindow_case'")
        existing = {c for c, in cursor.fetchall()}
        columns = set()
        for row in rows:
            columns.update(row)
        columns = sorted(columns & existing)
        # Columns added by other modules get their default, as create would
        missing = [n for n, f in Case._fields.items()
            if n in existing and n not in columns]
        defaults = Case.default_get(missing, with_rec_name=False)
        for name, value in defaults.items():
            if isinstance(value, (dict, list)):
                value = json.dumps(value)
            for row in rows:
                row.setdefault(name, value)
        columns += sorted(defaults)
        for start in range(0, len(rows), BATCH):
            copy_rows(cursor, 'onewindow_case', columns,
                [[r.get(c) for c in columns]
                    for r in rows[start:start + BATCH]])

    MATERIALS = '''
        INSERT INTO onewindow_case_material ("case", matter_material,
            sequence, name, requirement, condition, applicable, "deferrable",
            original_check, paper_expected, electronic_expected,
            paper_received, electronic_received, credibility,
            original_checked_by, original_checked_date, "deferred",
            create_date, create_uid, write_date, write_uid)
        SELECT c.id, mm.id, mm.sequence, mm.name, mm.requirement,
            mm.condition, mm.requirement = 'required', mm."deferrable",
            mm.original_check, COALESCE(mm.paper_copies, 0),
            COALESCE(mm.electronic_copies, 0),
            CASE WHEN r.received THEN COALESCE(mm.paper_copies, 0)
                ELSE 0 END,
            CASE WHEN r.received THEN COALESCE(mm.electronic_copies, 0)
                ELSE 0 END,
            CASE WHEN r.received AND mm.original_check THEN 'B'
                ELSE mm.credibility END,
            CASE WHEN r.received AND mm.original_check
                THEN c.registered_by END,
            CASE WHEN r.received AND mm.original_check
                THEN c.create_date + interval '5 minutes' END,
            false, c.create_date, 0, c.create_date, 0
        FROM onewindow_case c
        JOIN onewindow_matter_material mm ON mm.matter = c.matter
        CROSS JOIN LATERAL (SELECT CASE
                WHEN c.state = 'draft' THEN mm.requirement = 'required'
                    AND (c.id + mm.id) %% 2 = 0
                WHEN c.state = 'supplement' THEN mm.requirement = 'required'
                    AND mm.sequence > 1
                WHEN c.state IN ('refused') THEN (c.id + mm.id) %% 3 = 0
                ELSE mm.requirement = 'required'
                    OR (mm.requirement = 'optional'
                        AND (c.id + mm.id) %% 2 = 0)
                END AS received) r
        WHERE c.id >= %s AND c.id < %s
        '''

    LOGS = '''
        INSERT INTO onewindow_case_log ("case", date, employee, event,
            state_before, state_after, comment, create_date, create_uid,
            write_date, write_uid)
        SELECT c.id, e.date, e.employee, e.event, e.state_before,
            e.state_after, e.comment, e.date, 0, e.date, 0
        FROM onewindow_case c
        CROSS JOIN LATERAL (VALUES
            (c.create_date + interval '5 minutes', c.registered_by,
                'material', 'draft', 'draft',
                '居民身份证: 经与原件核对无误.', true),
            (c.create_date + interval '8 minutes', c.registered_by,
                'material', 'draft', 'draft',
                '申请材料: 已收取纸质材料 1/1 份，电子材料 1/1 份。',
                c.state NOT IN ('draft', 'refused')),
            (c.supplement_date + time '10:00', c.registered_by,
                'request_supplement', 'draft', 'supplement',
                '- 申请材料不齐全，请补正后重新提交。', c.supplement_count > 0),
            (c.acceptance_date + time '09:45', c.accepted_by,
                'resubmit', 'supplement', 'draft', NULL,
                c.supplement_count > 0 AND c.acceptance_date IS NOT NULL),
            (c.acceptance_date + time '10:30', c.accepted_by,
                'accept', 'draft', 'accepted', c.deadline_explanation,
                c.acceptance_date IS NOT NULL),
            (c.decision_date + time '15:00', c.decided_by,
                CASE {decision} WHEN 'approved' THEN 'approve'
                    ELSE 'deny' END,
                {reviewed}, {decision}, c.decision_comment,
                {decision} IN ('approved', 'denied')),
            (c.create_date + interval '20 minutes', c.refused_by,
                'refuse', 'draft', 'refused', c.refusal_note,
                c.state = 'refused'),
            (c.write_date, c.registered_by, 'withdraw',
                CASE WHEN c.acceptance_date IS NULL THEN 'draft'
                    ELSE 'accepted' END,
                'withdrawn', c.withdrawal_reason, c.state = 'withdrawn')
            ) AS e(date, employee, event, state_before, state_after,
                comment, keep)
        WHERE e.keep AND c.id >= %s AND c.id < %s
        '''

    BACK_OFFICE_LOGS = '''
        INSERT INTO onewindow_case_log ("case", date, employee, event,
            state_before, state_after, comment, create_date, create_uid,
            write_date, write_uid)
        SELECT c.id, e.date, e.employee, e.event, e.state_before,
            e.state_after, e.comment, e.date, 0, e.date, 0
        FROM onewindow_case c
        LEFT JOIN onewindow_handover h ON h.id = c.handover
        CROSS JOIN LATERAL (VALUES
            (h.date + time '09:30', h.sent_by, 'hand_over', 'accepted',
                'review', '移交单 ' || h.number, c.handover IS NOT NULL),
            (h.received_date, h.received_by, 'receive', 'review', 'review',
                '部门已签收移交单 ' || h.number, c.handover IS NOT NULL),
            (c.escalation_date + time '11:00', c.escalated_by, 'escalate',
                'review', 'escalated', c.escalated_to,
                c.escalation_date IS NOT NULL),
            (c.verification_date + time '10:00', c.verified_by,
                'verify_result', c.decision, 'ready', NULL,
                c.verification_date IS NOT NULL),
            (c.delivery_date + time '10:30', c.delivered_by, 'deliver',
                'ready', 'delivered', '窗口领取',
                c.delivery_date IS NOT NULL),
            (c.archive_date + time '17:00', c.archived_by, 'archive',
                'delivered', 'archived', NULL, c.archive_date IS NOT NULL)
            ) AS e(date, employee, event, state_before, state_after,
                comment, keep)
        WHERE e.keep AND c.id >= %s AND c.id < %s
        '''

    STEPS = '''
        INSERT INTO onewindow_case_step ("case", sequence, name, kind,
            "limit", state, start_date, deadline, done_date, done_by,
            comment, create_date, create_uid)
        SELECT c.id, s.sequence, s.name, s.kind, s."limit",
            CASE WHEN c.state NOT IN ('review', 'suspended', 'escalated')
                THEN 'done' WHEN s.rank = 1 THEN 'running'
                ELSE 'waiting' END,
            CASE WHEN c.state NOT IN ('review', 'suspended', 'escalated')
                OR s.rank = 1 THEN h.date END,
            CASE WHEN c.state NOT IN ('review', 'suspended', 'escalated')
                OR s.rank = 1 THEN c.deadline END,
            CASE WHEN c.state NOT IN ('review', 'suspended', 'escalated')
                THEN COALESCE(c.decision_date, c.escalation_date, h.date)
                END,
            CASE WHEN c.state NOT IN ('review', 'suspended', 'escalated')
                THEN COALESCE(c.decided_by, h.received_by) END,
            CASE WHEN c.state NOT IN ('review', 'suspended', 'escalated')
                THEN '同意' END,
            h.date + time '09:30', 0
        FROM onewindow_case c
        JOIN onewindow_handover h ON h.id = c.handover
        JOIN (SELECT ms.*, rank() OVER (
                    PARTITION BY ms.matter ORDER BY ms.sequence, ms.id)
                    AS rank
                FROM onewindow_matter_step ms) s ON s.matter = c.matter
        WHERE c.id >= %s AND c.id < %s
        '''

    OPINIONS = '''
        INSERT INTO onewindow_case_opinion ("case", department, opinion,
            comment, given_by, given_date, state, create_date, create_uid)
        SELECT c.id, md.department,
            CASE WHEN r.given THEN 'agree' END,
            CASE WHEN r.given THEN '同意，无意见。' END,
            NULL, CASE WHEN r.given THEN h.date + time '16:00' END,
            CASE WHEN r.given THEN 'given' ELSE 'pending' END,
            h.date + time '09:30', 0
        FROM onewindow_case c
        JOIN onewindow_handover h ON h.id = c.handover
        JOIN "onewindow_matter-onewindow_department" md
            ON md.matter = c.matter
        JOIN onewindow_matter m ON m.id = c.matter AND m.handling = 'joint'
        CROSS JOIN LATERAL (SELECT c.state NOT IN (
                    'review', 'suspended', 'escalated')
                OR (c.id + md.department) %% 2 = 0 AS given) r
        WHERE c.id >= %s AND c.id < %s
        '''

    SUPPLEMENTS = '''
        INSERT INTO onewindow_case_supplement ("case", notice, sequence,
            "key", material, description, "new", create_date, create_uid)
        SELECT DISTINCT ON (c.id) c.id, 1, 1, 'material:' || m.id, m.id,
            m.name || '：未按受理清单提交，请补正。', false,
            c.supplement_date + time '10:00', 0
        FROM onewindow_case c
        JOIN onewindow_case_material m ON m."case" = c.id
        WHERE c.supplement_count > 0 AND c.id >= %s AND c.id < %s
        ORDER BY c.id, m.sequence, m.id
        '''

    FEES = '''
        INSERT INTO onewindow_case_fee ("case", description, basis, amount,
            paid, paid_date, receipt_number, create_date, create_uid)
        SELECT c.id, COALESCE(mt.short_name, mt.name), mt.fee_basis,
            COALESCE(mt.fee_amount, 10), c.decision_date IS NOT NULL,
            c.decision_date,
            CASE WHEN c.decision_date IS NOT NULL
                THEN '粤财' || lpad(c.id::text, 10, '0') END,
            c.acceptance_date + time '10:40', 0
        FROM onewindow_case c
        JOIN onewindow_matter mt ON mt.id = c.matter
        WHERE mt.fee_basis IS NOT NULL AND mt.fee_basis <> ''
            AND c.acceptance_date IS NOT NULL AND c.state <> 'withdrawn'
            AND c.id >= %s AND c.id < %s
        '''

    def batches(self, cursor, query, step=BATCH * 2):
        total = 0
        last = self.first_case + self.count
        for start in range(self.first_case, last, step):
            cursor.execute(query, (start, min(start + step, last)))
            total += cursor.rowcount
        return total

    def run(self):
        """Load the cases; return the counts and the seconds of each
        phase"""
        pool = Pool()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        Sequence = pool.get('ir.sequence')
        counts = {}
        self.references(cursor)
        rows = self.plan_rows(cursor)

        # Bulk mode for this transaction only: no foreign-key triggers
        # (the rows reference the ids they were built from) and the
        # secondary indexes are rebuilt once at the end.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        indexes = self.drop_indexes(cursor)

        self.copy_parties_cases(cursor, rows, counts)
        del rows
        self.insert_lines(cursor, counts)
        self.refresh_tables(counts)
        done = phase('rebuild %s indexes' % len(indexes))
        cursor.execute("SET LOCAL session_replication_role = origin")
        self.create_indexes(cursor, indexes)
        self.timings['indexes'] = done()

        self.age_setup(cursor)

        # The sequences continue after the loaded numbers and codes
        self.numbers.save()
        if self.handover_numbers:
            self.handover_numbers.save()
        if self.party_sequence:
            Sequence.write([self.party_sequence],
                {'number_next': self.parties.next_code})
        return counts

    def plan_rows(self, cursor):
        "Plan the rows of the cases (calendar, numbers, applicants)"
        pool = Pool()
        Hall = pool.get('onewindow.hall')
        Matter = pool.get('onewindow.matter')
        hall = Hall(self.hall)
        any_matter = Matter(next(iter(self.matters)))
        deadlines = Deadlines(hall, any_matter)

        done = phase('planning %s cases (calendar, numbers, applicants)'
            % self.count)
        rows = self.plan(deadlines, cursor)
        if self.handovers:
            # The slips get their ids once their number is known
            first = reserve_ids(cursor, 'onewindow_handover',
                len(self.handovers))
            for handover in self.handovers.values():
                handover['id'] += first
            for row in rows:
                if row.get('handover') is not None:
                    row['handover'] += first
        self.timings['plan'] = done('%s deadline explanations' % sum(
                1 for k in deadlines.cache if k[2] is True))
        return rows

    def copy_parties_cases(self, cursor, rows, counts):
        "COPY the applicants, the cases and their hand-over slips"
        done = phase('COPY applicants')
        counts['parties'] = self.parties.flush(cursor)
        self.timings['parties'] = done('%s parties' % counts['parties'])
        done = phase('COPY cases')
        self.copy_cases(cursor, rows)
        counts['cases'] = len(rows)
        counts['open'] = sum(1 for r in rows
            if r['state'] in OPEN_STATES)
        self.timings['cases'] = done()
        if self.back_office:
            done = phase('COPY hand-overs')
            columns = sorted(next(iter(self.handovers.values()), {}))
            for start in range(0, len(self.handovers), BATCH):
                copy_rows(cursor, 'onewindow_handover', columns,
                    [[h[c] for c in columns] for h in list(
                            self.handovers.values())[start:start + BATCH]])
            counts['handovers'] = len(self.handovers)
            self.timings['handovers'] = done('%s slips' % len(
                    self.handovers))

    def insert_lines(self, cursor, counts):
        "INSERT ... SELECT the lines of the cases from the cases"
        if self.back_office:
            logs = self.LOGS.format(decision='c.decision',
                reviewed="CASE WHEN c.handover IS NULL THEN 'accepted' "
                "ELSE 'review' END")
        else:
            logs = self.LOGS.format(decision='c.state',
                reviewed="'accepted'")
        queries = [
            ('materials', self.MATERIALS),
            ('logs', logs),
            ('supplements', self.SUPPLEMENTS),
            ('fees', self.FEES)]
        if self.back_office:
            queries += [
                ('back-office logs', self.BACK_OFFICE_LOGS),
                ('steps', self.STEPS),
                ('opinions', self.OPINIONS)]
        for name, query in queries:
            done = phase('INSERT ... SELECT %s' % name)
            counts[name] = self.batches(cursor, query)
            self.timings[name] = done('%s rows' % counts[name])

    def refresh_tables(self, counts):
        """Fill the tables the modules keep from the cases, as the models
        write them"""
        pool = Pool()
        models = {n for n, _ in pool.iterobject()}
        for model, key, label in [
                ('onewindow.statistic.event', 'events',
                    'statistics events and their summary'),
                ('onewindow.department-party.party', 'department parties',
                    'parties of the departments and the pairs of '
                    'characters of their names'),
                ]:
            if model not in models:
                continue
            done = phase('INSERT ... SELECT %s' % label)
            counts[key] = pool.get(model).refresh()
            self.timings[key] = done('%s rows' % counts[key])

    # The records of the hall that existed before its first case
    SETUP_TABLES = ['onewindow_hall', 'onewindow_calendar',
        'onewindow_calendar_year', 'onewindow_calendar_day']

    def age_setup(self, cursor):
        """Date the hall and its calendars back to before the first case,
        as in a hall that has run for years: the card sweep takes a change
        of them in its last hour for a change of every deadline"""
        when = dt.datetime.combine(self.first, dt.time(8))
        for table in self.SETUP_TABLES:
            cursor.execute('UPDATE "%s" SET create_date = %%s, '
                'write_date = NULL' % table, (when,))


def load(dbname, database, count, first, last):
    with Transaction().start(dbname, 0, context={
                'language': 'zh_CN'}) as transaction:
        loader = Loader(database, dbname, count, first, last)
        counts = loader.run()
        transaction.commit()
    return counts, loader.timings
