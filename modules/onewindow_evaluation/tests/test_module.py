# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import random
from collections import defaultdict
from unittest.mock import patch

from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.onewindow_approval.tests.test_module import (
    case_values, create_setup, today)
from trytond.modules.onewindow_evaluation.evaluation import (
    BAD_LEVELS, GOOD_LEVELS, LEVELS)
from trytond.modules.onewindow_evaluation.statistic import SatisfactionMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class EvaluationTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Evaluation module"
    module = 'onewindow_evaluation'

    @with_transaction()
    def test_statistics_recount(self):
        "The satisfaction statistics equal a recount of the records"
        rng = random.Random(17)
        company = create_company()
        with set_company(company):
            setup = create_setup(company)
            cases, employees, other = self._recount_cases(
                company, setup, rng)
            self._recount_events(
                company, setup, rng, cases, employees, other)
            context = {
                'company': company.id,
                'from_date': dt.date(2026, 1, 1),
                'to_date': dt.date(2026, 3, 31),
                }
            day = dt.date(2026, 4, 15)
            with today(day):
                departments = self._figures('department', context)
                self.assertEqual(
                    self._recount(day, 'department', context), departments)
                self.assertEqual(
                    self._recount(day, 'employee', context),
                    self._figures('employee', context))
                self.assertEqual(
                    self._recount(day, 'matter', context),
                    self._figures('matter', context))
                self.assertEqual(
                    self._recount(day, 'window', context),
                    self._figures('window', context))
                months = self._figures('period', context)
                self.assertEqual(
                    self._recount(day, 'period', context), months)
                # The rows of search_read come from what its search read
                for key in ['department', 'employee', 'matter', 'window',
                        'period']:
                    self.assertEqual(
                        self._figures_read(key, context),
                        self._recount(day, key, context), msg=key)
                self._check_read_searched(context)
                self._check_summary(day, context)
        # The recount is not trivial: every kind of figure is there
        totals = [sum(v[i] for v in departments.values()) for i in range(7)]
        self.assertTrue(all(totals), msg=totals)
        self.assertGreater(totals[0], 80)
        self.assertEqual(len(departments), 2)
        self.assertEqual(sorted(months), [
                dt.date(2026, 1, 1), dt.date(2026, 2, 1),
                dt.date(2026, 3, 1)])

    def _check_summary(self, day, context):
        """The lists read the summary for the whole months: they equal the
        recount and the lists from the ratings alone over periods that cut
        months; the summary equals a rebuild and compacting it changes no
        count"""
        pool = Pool()
        Summary = pool.get('onewindow.evaluation.statistic.summary')
        keys = ['department', 'employee', 'matter', 'window', 'period']
        self.assertTrue(Summary.search([
                    ('month', '=', dt.date(2026, 2, 1))], limit=1))
        for other in [dict(context, from_date=dt.date(2026, 1, 10),
                    to_date=dt.date(2026, 3, 20)),
                dict(context, to_date=dt.date(2026, 4, 30))]:
            # (search_read: the records of a search keep in the
            # transaction's cache what they read under another period)
            for key in keys:
                self.assertEqual(self._figures_read(key, other),
                    self._recount(day, key, other), msg=(key, other))
        for period in ['day', 'year']:
            other = dict(context, period=period,
                from_date=dt.date(2026, 1, 10))
            figures = self._figures_read('period', other)
            with patch.object(
                    pool.get('onewindow.evaluation.statistic.period'),
                    '_summary_key', classmethod(lambda cls: None)):
                self.assertEqual(
                    self._figures_read('period', other), figures)
        counts = self._summary_counts()
        self.assertTrue(any(
                r.ratings < 0 for r in Summary.search([])), msg="no void")
        Summary.compact()
        self.assertEqual(self._summary_counts(), counts)
        self.assertEqual(Summary.search([], count=True), len(counts))
        Summary.rebuild()
        self.assertEqual(self._summary_counts(), counts)

    def _summary_counts(self):
        "Return the counts of the summary by key, without the zeros"
        pool = Pool()
        Summary = pool.get('onewindow.evaluation.statistic.summary')
        counts = defaultdict(lambda: [0, 0, 0])
        for row in Summary.search([]):
            key = tuple(str(getattr(row, c))
                for c in Summary._key_columns())
            for i, name in enumerate(Summary._count_columns()):
                counts[key][i] += getattr(row, name)
        return sorted((k, v) for k, v in counts.items() if any(v))

    def _recount_cases(self, company, setup, rng):
        """Create the cases of the recount, spread over two departments and
        three clerks; return them, the clerks and the other department"""
        pool = Pool()
        Case = pool.get('onewindow.case')
        Department = pool.get('onewindow.department')
        Employee = pool.get('company.employee')
        Party = pool.get('party.party')
        other = Department(name="Civil Affairs", code='MZ')
        other.save()
        employees = [Employee(company=company,
                party=Party(name="Clerk %s" % i)) for i in range(3)]
        Employee.save(employees)
        cases = Case.create([case_values(setup, phone=None)
                for _ in range(60)])
        # Spread the cases over two departments and three clerks
        for case in cases:
            case.department = rng.choice([setup['matter'].department,
                    other])
            case.accepted_by = rng.choice(employees + [None])
        Case.save(cases)
        return cases, employees, other

    def _recount_events(self, company, setup, rng, cases, employees, other):
        """Rate the cases at random, settle some rectifications, receive
        and answer complaints"""
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        Rectification = pool.get('onewindow.rectification')
        Complaint = pool.get('onewindow.complaint')
        Reason = pool.get('onewindow.evaluation.reason')
        reason, = Reason.search([], limit=1)
        evaluations = []
        for stage in ['acceptance', 'case']:
            evaluations += Evaluation.issue(cases, stage)
        for evaluation in evaluations:
            day = dt.date(2026, rng.choice([1, 2, 3]), rng.randint(1, 28))
            with today(day):
                choice = rng.random()
                if choice < 0.1:
                    continue  # never rated
                if choice < 0.2:
                    Evaluation._default([evaluation], 'satisfied')
                    continue
                level = rng.choice([l for l, _ in LEVELS])
                Evaluation.rate(evaluation, 'qr', level,
                    reasons=[reason.id] if level in BAD_LEVELS else [])
        rectifications = Rectification.search([])
        for rectification in rectifications:
            choice = rng.random()
            if choice < 0.2:
                Evaluation.void([rectification.evaluation], "malicious")
                Rectification.write([rectification], {'state': 'voided'})
            elif choice < 0.7:
                day = rectification.deadline + dt.timedelta(
                    days=rng.randint(-20, 5))
                with today(day):
                    Rectification._done([rectification])
                Rectification.write([rectification], {'state': 'done'})
        complaints = Complaint.create([{
                    'company': company.id,
                    'hall': setup['hall'].id,
                    'source': 'window',
                    'receive_date': dt.date(2026, 1, 5),
                    'complainant_name': "Wang",
                    'subject': "Slow", 'description': "Slow",
                    'case': rng.choice(cases).id,
                    'department': rng.choice(
                        [setup['matter'].department, other]).id,
                    'employee': rng.choice(employees).id,
                    } for _ in range(15)])
        for complaint in complaints:
            with today(dt.date(2026, 1, rng.randint(5, 20))):
                Complaint.register([complaint])
            if rng.random() < 0.8:
                complaint.reply = "Answered"
                complaint.save()
                with today(complaint.deadline + dt.timedelta(
                            days=rng.randint(-5, 3))):
                    Complaint.answer([complaint])

    @with_transaction()
    def test_card_rec_name(self):
        "A card of a record with a deadline is named by its colour and record"
        pool = Pool()
        Card = pool.get('onewindow.card')
        records = {field: pool.get(model)(rec_name=name)
            for field, model, name in [
                ('application', 'onewindow.application', "WS-0001"),
                ('rectification', 'onewindow.rectification', "WY-0001 受理"),
                ('complaint', 'onewindow.complaint', "TS-0001"),
                ]}
        for field, record in records.items():
            card = Card(colour='red', **{
                    f: record if f == field else None for f in records})
            self.assertEqual(card.get_rec_name(None),
                '%s %s' % (card.colour_string, record.rec_name), msg=field)

    @with_transaction()
    def test_card_search_rec_name(self):
        "The cards of rectifications and complaints are found by their name"
        pool = Pool()
        Card = pool.get('onewindow.card')
        Case = pool.get('onewindow.case')
        Evaluation = pool.get('onewindow.evaluation')
        Rectification = pool.get('onewindow.rectification')
        Reason = pool.get('onewindow.evaluation.reason')
        company = create_company()
        with set_company(company):
            setup = create_setup(company)
            case, = Case.create([case_values(setup, phone=None)])
            Case.write([case], {'number': 'WY-20260001'})
            evaluation, = Evaluation.issue([case], 'acceptance')
            reason, = Reason.search([], limit=1)
            Evaluation.rate(evaluation, 'qr', 'very_dissatisfied',
                reasons=[reason.id])
            rectification, = Rectification.search([])
            # A card of the rectification alone: found through it
            card, = Card.create([{
                        'company': company.id,
                        'rectification': rectification.id,
                        'kind': 'rectification',
                        'colour': 'red',
                        'deadline': rectification.deadline,
                        'issue_date': rectification.deadline,
                        }])
            self.assertEqual(Card.search([
                        ('rec_name', 'ilike', '%WY-20260001%')]), [card])
            self.assertEqual(Card.search([
                        ('rec_name', 'ilike', '%WY-2099%')]), [])

    @with_transaction()
    def test_default_level(self):
        "The default level is given only when configured, and marked"
        pool = Pool()
        Case = pool.get('onewindow.case')
        Evaluation = pool.get('onewindow.evaluation')
        Configuration = pool.get('onewindow.evaluation.configuration')
        company = create_company()
        with set_company(company):
            setup = create_setup(company)
            case, = Case.create([case_values(setup, phone=None)])
            old, recent = Evaluation.issue([case], 'acceptance') + \
                Evaluation.issue([case], 'case')
            Evaluation.write([old], {
                    'service_day': (pool.get('ir.date').today()
                        - dt.timedelta(days=7))})
            # Off by default
            self.assertEqual(Evaluation.give_defaults(), [])
            config = Configuration(1)
            config.default_days = 7
            config.default_level = 'satisfied'
            config.save()
            self.assertEqual(Evaluation.give_defaults(), [old])
            self.assertEqual(
                (old.state, old.level, old.default),
                ('defaulted', 'satisfied', True))
            self.assertEqual(recent.state, 'pending')
            self.assertEqual(Evaluation.give_defaults(), [])
            # Never counted as the applicant's voice
            with Transaction().set_context(company=company.id,
                    from_date=dt.date(2000, 1, 1),
                    to_date=dt.date(2100, 1, 1)):
                Statistic = pool.get(
                    'onewindow.evaluation.statistic.department')
                self.assertEqual(
                    sum(l.ratings for l in Statistic.search([])), 0)

    def _figures(self, key, context):
        pool = Pool()
        Statistic = pool.get('onewindow.evaluation.statistic.%s' % key)
        name = 'date' if key == 'period' else key
        result = {}
        with Transaction().set_context(**context):
            for line in Statistic.search([]):
                value = getattr(line, name)
                value = getattr(value, 'id', value)
                result[value] = (line.ratings, line.satisfied, line.bad,
                    line.rectifications, line.rectifications_on_time,
                    line.complaints, line.complaints_on_time,
                    round(line.satisfaction_rate, 6)
                    if line.satisfaction_rate is not None else None)
        return result

    def _figures_read(self, key, context):
        "The figures as search_read gives them"
        pool = Pool()
        Statistic = pool.get('onewindow.evaluation.statistic.%s' % key)
        name = 'date' if key == 'period' else key
        names = [name, 'ratings', 'satisfied', 'bad', 'rectifications',
            'rectifications_on_time', 'complaints', 'complaints_on_time',
            'satisfaction_rate']
        result = {}
        with Transaction().set_context(**context):
            rows = Statistic.search_read([], fields_names=list(names))
        for row in rows:
            rate = row['satisfaction_rate']
            result[row[name]] = tuple(row[n] for n in names[1:-1]) + (
                round(rate, 6) if rate is not None else None,)
        return result

    def _check_read_searched(self, context):
        """The rows a search read are read again only under the context of
        the search, as the grouped query gives them"""
        pool = Pool()
        Statistic = pool.get('onewindow.evaluation.statistic.department')
        names = ['department', 'ratings', 'satisfied', 'bad', 'rec_name']
        with Transaction().set_context(**context):
            ids = [l.id for l in Statistic.search([])]
            searched = Statistic._read_searched(ids, names)
            self.assertIsNotNone(searched)
            read = super(SatisfactionMixin, Statistic).read(ids, names)
            key = lambda r: r['id']
            self.assertEqual(sorted(searched, key=key), sorted(read, key=key))
        for other in [dict(context, to_date=dt.date(2026, 1, 31)),
                dict(context, hall=-1), dict(context, department=-1)]:
            with Transaction().set_context(**other):
                self.assertIsNone(Statistic._read_searched(ids, names))

    def _recount(self, today_, key, context):
        "Count the figures of the records one by one"
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        Rectification = pool.get('onewindow.rectification')
        Complaint = pool.get('onewindow.complaint')
        first, last = context['from_date'], context['to_date']
        counts = defaultdict(lambda: [0] * 7)

        def keys(record, date, matter):
            value = {
                'department': record.department,
                'employee': record.employee,
                'window': record.window,
                'matter': matter,
                'period': date.replace(day=1) if date else None,
                }[key]
            return getattr(value, 'id', value)

        for evaluation in Evaluation.search([('state', '=', 'rated')]):
            date = evaluation.rating_day
            if not first <= date <= last:
                continue
            k = keys(evaluation, date, evaluation.matter)
            counts[k][0] += 1
            counts[k][1] += evaluation.level in GOOD_LEVELS
            counts[k][2] += evaluation.level in BAD_LEVELS
        for rectification in Rectification.search([]):
            if rectification.state == 'done':
                date, on_time = rectification.done_date, rectification.on_time
            elif (rectification.state in Rectification._running_states
                    and rectification.deadline < today_):
                date, on_time = rectification.deadline, False
            else:
                continue
            if not first <= date <= last:
                continue
            k = keys(rectification, date, rectification.case.matter)
            counts[k][3] += 1
            counts[k][4] += bool(on_time)
        for complaint in Complaint.search([]):
            if (complaint.state in Complaint._running_states
                    and complaint.deadline < today_):
                date, on_time = complaint.deadline, False
            elif complaint.state in {'answered', 'closed'}:
                date, on_time = complaint.answer_date, complaint.on_time
            else:
                continue
            if not first <= date <= last:
                continue
            k = keys(complaint, date,
                complaint.case.matter if complaint.case else None)
            counts[k][5] += 1
            counts[k][6] += bool(on_time)
        if key != 'department':
            counts.pop(None, None)
        return {k: tuple(v) + (
                round(v[1] * 100.0 / v[0], 6) if v[0] else None,)
            for k, v in counts.items()}


del ModuleTestCase
