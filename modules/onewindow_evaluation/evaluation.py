# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The ratings of the services (好差评): one per service contact and one per
case, given once through a one-time link or the window device"""
import datetime as dt
import hashlib
import secrets

from sql import For, Literal, Null
from sql.functions import CurrentTimestamp, Function

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.modules.onewindow_hall.ir import now as hall_now
from trytond.modules.onewindow_hall.model import (
    ButtonStateMixin, ClearCacheMixin, transition)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import EvaluationError

# The five levels of GB/T 39734-2020, best first
LEVELS = [
    ('very_satisfied', "Very Satisfied"),
    ('satisfied', "Satisfied"),
    ('basic', "Basically Satisfied"),
    ('dissatisfied', "Dissatisfied"),
    ('very_dissatisfied', "Very Dissatisfied"),
    ]
# The levels that count as satisfied in the satisfaction rate
GOOD_LEVELS = ('very_satisfied', 'satisfied')
# The levels of a bad rating (差评): reasons required, rectification opened
BAD_LEVELS = ('dissatisfied', 'very_dissatisfied')

STAGES = [
    ('acceptance', "Acceptance"),
    ('delivery', "Delivery"),
    ('case', "Whole Case"),
    ]

INDICATOR_CHANNELS = [
    ('hall', "At the Hall"),
    ('online', "Online"),
    ]

CHANNELS = [
    (None, ""),
    ('device', "Window Device"),
    ('qr', "QR Code"),
    ('sms', "SMS Link"),
    ('portal', "Portal"),
    ]


class _Day(Function):
    "The day of a timestamp (DATE() on PostgreSQL and SQLite)"
    __slots__ = ()
    _function = 'DATE'


def hash_token(token):
    "Return the stored form of a rating link token"
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


class Reason(ClearCacheMixin, sequence_ordered(), ModelSQL, ModelView):
    """Bad Rating Reason

    The reasons an applicant picks for a rating at one of the two lowest
    levels (a configurable list)."""
    __name__ = 'onewindow.evaluation.reason'
    code = fields.Char("Code", required=True, size=20)
    name = fields.Char("Name", required=True, translate=True, size=100)
    active = fields.Boolean("Active")
    _active_cache = Cache('onewindow.evaluation.reason.active', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'onewindow_evaluation.msg_reason_code_unique'),
            ]

    @classmethod
    def default_active(cls):
        return True

    @classmethod
    def active_ids(cls):
        """Return the ids of the active reasons, from a cache cleared when a
        reason is created, written or deleted"""
        ids = cls._active_cache.get(None)
        if ids is None:
            with without_check_access():
                ids = [r.id for r in cls.search([])]
            cls._active_cache.set(None, ids)
        return set(ids)

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        cls._active_cache.clear()


class IndicatorSet(ModelSQL, ModelView):
    """Rating Indicators

    The indicators rated at a channel (GB/T 39734-2020): one version is in
    force from its date; a new version replaces it without changing the
    ratings given under the previous one."""
    __name__ = 'onewindow.evaluation.indicator.set'
    name = fields.Char("Name", required=True, translate=True)
    channel = fields.Selection(INDICATOR_CHANNELS, "Channel", required=True,
        sort=False)
    version = fields.Integer("Version", required=True)
    valid_from = fields.Date("Valid from", required=True)
    indicators = fields.One2Many(
        'onewindow.evaluation.indicator', 'set', "Indicators")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('version_unique', Unique(t, t.channel, t.version),
                'onewindow_evaluation.msg_indicator_set_version_unique'),
            ]
        cls._order.insert(0, ('valid_from', 'DESC'))

    def get_rec_name(self, name):
        return '%s (v%s)' % (self.name, self.version)

    @classmethod
    def in_force(cls, channel, date):
        "Return the set of the channel in force on date, or None"
        with without_check_access():
            sets = cls.search([
                    ('channel', '=', channel),
                    ('valid_from', '<=', date),
                    ], order=[('valid_from', 'DESC'), ('version', 'DESC')],
                limit=1)
        return sets[0] if sets else None

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        actions = iter(args)
        for sets, values in zip(actions, actions):
            if Evaluation.search([
                        ('indicator_set', 'in', [s.id for s in sets]),
                        ('state', '!=', 'pending'),
                        ], limit=1):
                raise AccessError(gettext(
                        'onewindow_evaluation.msg_indicator_set_used',
                        set=sets[0].rec_name))
        super().write(*args)


class Indicator(ClearCacheMixin, sequence_ordered(), ModelSQL, ModelView):
    "Rating Indicator"
    __name__ = 'onewindow.evaluation.indicator'
    set = fields.Many2One('onewindow.evaluation.indicator.set', "Set",
        required=True, ondelete='CASCADE')
    code = fields.Char("Code", required=True, size=30)
    name = fields.Char("Name", required=True, translate=True, size=100)
    overall = fields.Boolean("Overall",
        help="The overall satisfaction (整体满意度): its level is the level of "
        "the rating.")
    _rows_cache = Cache('onewindow.evaluation.indicator.rows', context=False)

    @classmethod
    def rows_of_set(cls, set_id):
        """Return the (id, overall) of the indicators of the set in their
        order, from a cache cleared when an indicator is created, written
        or deleted (their names are not needed to rate)"""
        rows = cls._rows_cache.get(set_id)
        if rows is None:
            indicator = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*indicator.select(indicator.id, indicator.overall,
                    where=indicator.set == set_id,
                    order_by=[indicator.sequence.asc.nulls_first,
                        indicator.id.asc]))
            rows = [(id_, bool(overall)) for id_, overall in cursor]
            cls._rows_cache.set(set_id, rows)
        return list(rows)

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        cls._rows_cache.clear()


class Evaluation(
        ButtonStateMixin, Workflow, ModelSQL,
        ModelView):
    """Rating

    The applicant's rating of one service contact (the acceptance, the
    delivery) or of the whole case (一事一评), at one of five levels, with
    the indicators of the channel.  It is given once and never changes; the
    center may void a false or malicious one with a recorded reason."""
    __name__ = 'onewindow.evaluation'
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    case = fields.Many2One('onewindow.case', "Case", required=True,
        readonly=True, ondelete='RESTRICT')
    stage = fields.Selection(STAGES, "Service", required=True,
        readonly=True, sort=False)
    stage_string = stage.translated('stage')
    hall = fields.Many2One('onewindow.hall', "Hall", required=True,
        readonly=True, ondelete='RESTRICT')
    matter = fields.Many2One('onewindow.matter', "Matter", required=True,
        readonly=True, ondelete='RESTRICT')
    department = fields.Many2One('onewindow.department', "Department",
        required=True, readonly=True, ondelete='RESTRICT')
    window = fields.Many2One('onewindow.window', "Window", readonly=True,
        ondelete='RESTRICT')
    employee = fields.Many2One('company.employee', "Staff", readonly=True,
        ondelete='RESTRICT', help="The staff member who gave the service.")
    service_date = fields.DateTime("Service Time", required=True,
        readonly=True)
    service_day = fields.Date("Service Day", readonly=True,
        help="The day of the service in the company's calendar: the "
        "days to the default level count from it.")
    indicator_set = fields.Many2One(
        'onewindow.evaluation.indicator.set', "Indicators", readonly=True,
        ondelete='RESTRICT')
    level = fields.Selection([(None, "")] + LEVELS, "Level", readonly=True,
        sort=False)
    level_string = level.translated('level')
    lines = fields.One2Many('onewindow.evaluation.line', 'evaluation',
        "Indicators", readonly=True)
    reasons = fields.Many2Many(
        'onewindow.evaluation-onewindow.evaluation.reason', 'evaluation',
        'reason', "Reasons", readonly=True)
    comment = fields.Text("Comment", readonly=True, size=1000)
    channel = fields.Selection(CHANNELS, "Channel", readonly=True,
        sort=False)
    channel_string = channel.translated('channel')
    rating_date = fields.DateTime("Rated at", readonly=True)
    rating_day = fields.Date("Rated on", readonly=True,
        help="The day of the rating in the company's time zone: the "
        "statistics count it on that day.")
    # The rater's identity: read by the center and the supervisor only
    # (field access)
    rater = fields.Many2One('party.party', "Rater", readonly=True,
        ondelete='RESTRICT', loading='lazy',
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    rater_phone = fields.Char("Rater Phone", readonly=True, size=40,
        loading='lazy')
    real_name = fields.Boolean("Real Name", readonly=True,
        help="The rater is identified: the call-back of a bad rating is "
        "required.")
    default = fields.Boolean("Default Level", readonly=True,
        help="Given by the system after the rating period: never counted "
        "as the applicant's own voice.")
    void_reason = fields.Text("Void Reason", readonly=True)
    voided_by = fields.Many2One('company.employee', "Voided by",
        readonly=True)
    void_date = fields.DateTime("Voided at", readonly=True)
    rectifications = fields.One2Many(
        'onewindow.rectification', 'evaluation', "Rectifications",
        readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('rated', "Rated"),
            ('defaulted', "Default Level"),
            ('voided', "Voided"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # One rating per service contact and one per case
            ('case_stage_unique', Unique(t, t.case, t.stage),
                'onewindow_evaluation.msg_evaluation_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.department, Index.Equality()),
                    (t.rating_day, Index.Range())),
                Index(t, (t.employee, Index.Equality())),
                Index(t, (t.window, Index.Equality()),
                    (t.service_date, Index.Range()),
                    where=t.state == 'pending'),
                # The satisfaction statistics read the ratings of a period
                # from this index alone (an index-only scan): the columns
                # they group and count by are in it
                Index(t, (t.rating_day, Index.Range()),
                    include=[t.id, t.company, t.hall, t.department,
                        t.window, t.employee, t.matter, t.level],
                    where=t.state == 'rated'),
                Index(t, (t.service_day, Index.Range()),
                    where=t.state == 'pending'),
                })
        cls._order = [('service_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('pending', 'rated'),
            ('pending', 'defaulted'),
            ('rated', 'voided'),
            }

    @classmethod
    def __register__(cls, module):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        super().__register__(module)
        # The ratings issued before the service day was kept
        cursor.execute(*table.update([table.service_day],
                [_Day(table.service_date)],
                where=table.service_day == Null))

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def default_default(cls):
        return False

    @classmethod
    def default_real_name(cls):
        return False

    def get_rec_name(self, name):
        return '%s %s' % (self.case.rec_name, self.stage_string)

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('case.rec_name',) + tuple(clause[1:])]

    @property
    def bad(self):
        return self.state == 'rated' and self.level in BAD_LEVELS

    # The columns of the ratings the satisfaction summary counts them by
    _summary_fields = {'state', 'level', 'rating_day', 'company', 'hall',
        'department', 'window', 'employee', 'matter'}

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Summary = pool.get('onewindow.evaluation.statistic.summary')
        evaluations = super().create(vlist)
        rated = [e.id for e, v in zip(evaluations, vlist)
            if v.get('state') == 'rated']
        if rated:
            Summary.add_ratings(rated)
        return evaluations

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Summary = pool.get('onewindow.evaluation.statistic.summary')
        actions = iter(args)
        before, after = {}, {}
        for evaluations, values in zip(actions, actions):
            written = cls._summary_fields & set(values)
            if not written:
                continue
            for evaluation in evaluations:
                if evaluation.id not in before:
                    before[evaluation.id] = evaluation._summary_values()
                after[evaluation.id] = dict(
                    after.get(evaluation.id, before[evaluation.id]),
                    **{f: values[f] for f in written})
        super().write(*args)
        # The difference the ratings written make to the summary, from the
        # values of the records and those written: a rating given is one
        # insert, no query of the ratings
        if before:
            Summary.add(Summary.rating_counts(before.values()),
                Summary.rating_counts(after.values()))

    def _summary_values(self):
        "Return the values of the columns the summary counts the rating by"
        values = {}
        for name in self._summary_fields:
            value = getattr(self, name)
            values[name] = value.id if isinstance(value, ModelSQL) else value
        return values

    @classmethod
    def delete(cls, evaluations):
        for evaluation in evaluations:
            if evaluation.state != 'pending':
                raise AccessError(gettext(
                        'onewindow_evaluation.msg_evaluation_delete',
                        evaluation=evaluation.rec_name))
        super().delete(evaluations)

    # Issuing the ratings

    @classmethod
    def issue(cls, cases, stage):
        """Create the pending ratings of the service stage of the cases that
        have none yet and return them"""
        pool = Pool()
        Date = pool.get('ir.date')
        IndicatorSet = pool.get('onewindow.evaluation.indicator.set')
        today = Date.today()
        now = hall_now()
        with without_check_access():
            existing = {(e.case.id, e.stage) for e in cls.search([
                        ('case', 'in', [c.id for c in cases]),
                        ('stage', '=', stage),
                        ])}
        sets = {}
        vlist = []
        for case in cases:
            if (case.id, stage) in existing:
                continue
            indicator_channel = (
                'online' if case.channel == 'online' else 'hall')
            if indicator_channel not in sets:
                sets[indicator_channel] = IndicatorSet.in_force(
                    indicator_channel, today)
            indicator_set = sets[indicator_channel]
            if stage == 'acceptance':
                employee = case.accepted_by
            elif stage == 'delivery':
                employee = case.delivered_by
            else:
                employee = case.accepted_by
            vlist.append({
                    'company': case.company.id,
                    'case': case.id,
                    'stage': stage,
                    'hall': case.hall.id,
                    'matter': case.matter.id,
                    'department': case.department.id,
                    'window': case.window.id if case.window else None,
                    'employee': employee.id if employee else None,
                    'service_date': now,
                    'service_day': today,
                    'indicator_set': (
                        indicator_set.id if indicator_set else None),
                    'rater': case.applicant.id,
                    'rater_phone': case.phone,
                    })
        with without_check_access():
            return cls.create(vlist)

    def new_link(self, channel):
        """Return a new one-time link token of the pending rating for the
        channel; only its hash is stored"""
        pool = Pool()
        Link = pool.get('onewindow.evaluation.link')
        Configuration = pool.get('onewindow.evaluation.configuration')
        config = Configuration(1)
        token = secrets.token_urlsafe(24)
        with without_check_access():
            Link.create([{
                        'evaluation': self.id,
                        'channel': channel,
                        'token_hash': hash_token(token),
                        'expires': dt.datetime.now() + dt.timedelta(
                            days=config.link_validity),
                        }])
        return token

    @classmethod
    def from_token(cls, token):
        """Return the link of the token if it may still be used to rate, or
        None (unknown, used, expired or rated)

        The token is found by its hash (unique index: a 192-bit random
        token cannot be guessed, and a database search by the hash learns
        nothing of the token); the link and the state of its rating are read
        in one query."""
        pool = Pool()
        Link = pool.get('onewindow.evaluation.link')
        if not token or len(token) > 100:
            return None
        link = Link.__table__()
        evaluation = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*link.join(evaluation,
                condition=evaluation.id == link.evaluation).select(
                link.id, link.evaluation, link.channel, link.used,
                link.expires, evaluation.state,
                where=link.token_hash == hash_token(token),
                limit=1))
        row = cursor.fetchone()
        if not row:
            return None
        id_, evaluation_id, channel, used, expires, state = row
        if used or expires < dt.datetime.now() or state != 'pending':
            return None
        return Link(id_, evaluation=evaluation_id, channel=channel)

    @classmethod
    def pending_at_window(cls, window, minutes=30):
        """Return the service just finished at the window that is not rated
        yet, or None"""
        since = dt.datetime.now() - dt.timedelta(minutes=minutes)
        with without_check_access():
            evaluations = cls.search([
                    ('window', '=', window.id),
                    ('state', '=', 'pending'),
                    ('stage', 'in', ['acceptance', 'delivery']),
                    ('service_date', '>=', since),
                    ], order=[('service_date', 'DESC'), ('id', 'DESC')],
                limit=1)
        return evaluations[0] if evaluations else None

    @classmethod
    def pending_of_parties(cls, case_id, stage, parties):
        """Return the pending rating of the stage of the case when the
        parties (those a portal account acts for) applied for it, or None"""
        if not parties or stage not in dict(STAGES):
            return None
        with without_check_access():
            evaluations = cls.search([
                    ('case', '=', case_id),
                    ('case.applicant', 'in', list(parties)),
                    ('case.state', '!=', 'draft'),
                    ('stage', '=', stage),
                    ('state', '=', 'pending'),
                    ('service_date', '>=', cls.rating_since()),
                    ], limit=1)
        return evaluations[0] if evaluations else None

    @classmethod
    def rating_since(cls):
        """Return the earliest service time still open to a rating: a
        service is rated within the days a rating link is valid, at every
        channel"""
        pool = Pool()
        Configuration = pool.get('onewindow.evaluation.configuration')
        config = Configuration(1)
        return dt.datetime.now() - dt.timedelta(days=config.link_validity)

    @property
    def rating_open(self):
        "Whether the applicant may still rate this service"
        return (self.state == 'pending'
            and self.service_date >= self.rating_since())

    # Rating

    def indicator_rows(self):
        """Return the (id, overall) of the indicators of the rating's set in
        their order"""
        pool = Pool()
        Indicator = pool.get('onewindow.evaluation.indicator')
        if not self.indicator_set:
            return []
        return Indicator.rows_of_set(self.indicator_set.id)

    def check_values(self, level, levels=None, reasons=None,
            indicators=None):
        """Raise if the level, the indicator levels or the reasons are
        invalid; indicators are the indicator_rows when already read"""
        pool = Pool()
        Reason = pool.get('onewindow.evaluation.reason')
        valid = {l for l, _ in LEVELS}
        if level not in valid:
            raise EvaluationError(gettext(
                    'onewindow_evaluation.msg_evaluation_level',
                    evaluation=self.rec_name))
        if indicators is None:
            indicators = self.indicator_rows()
        indicators = {i for i, _ in indicators}
        for indicator, value in (levels or {}).items():
            if indicator not in indicators or value not in valid:
                raise EvaluationError(gettext(
                        'onewindow_evaluation.msg_evaluation_indicator',
                        evaluation=self.rec_name))
        if level in BAD_LEVELS:
            if not reasons:
                raise EvaluationError(gettext(
                        'onewindow_evaluation.msg_evaluation_reason_required',
                        evaluation=self.rec_name,
                        level=dict(LEVELS)[level]))
            if not set(reasons) <= Reason.active_ids():
                raise EvaluationError(gettext(
                        'onewindow_evaluation.msg_evaluation_indicator',
                        evaluation=self.rec_name))

    @classmethod
    def _lock_pending(cls, evaluation):
        """Lock the row of the rating to give

        On PostgreSQL the row is locked where the rating is given (SELECT
        FOR UPDATE NOWAIT): a rating given by a concurrent transaction, in
        progress or committed since this transaction began, makes it fail
        with a serialization error, and the request is tried again, then
        refused as rated.  Tryton's lock would restart the transaction to
        take the lock at its beginning, running the page twice."""
        transaction = Transaction()
        if transaction.database.has_select_for():
            table = cls.__table__()
            cursor = transaction.connection.cursor()
            cursor.execute(*table.select(Literal(1),
                    where=table.id == evaluation.id,
                    for_=For('UPDATE', nowait=True)))
        else:
            cls.lock([evaluation])

    @classmethod
    def rate(cls, evaluation, channel, level, levels=None, reasons=None,
            comment=None, link=None):
        """Record the applicant's rating of the pending evaluation once

        Called by the rating pages, never over RPC: a staff session cannot
        rate.  The row is locked, so that two submissions of one service
        record one rating."""
        pool = Pool()
        Line = pool.get('onewindow.evaluation.line')
        Link = pool.get('onewindow.evaluation.link')
        Date = pool.get('ir.date')
        cls._lock_pending(evaluation)
        with without_check_access():
            evaluation = cls(evaluation.id)
            if evaluation.state != 'pending':
                raise EvaluationError(gettext(
                        'onewindow_evaluation.msg_evaluation_rated',
                        evaluation=evaluation.rec_name))
            indicators = evaluation.indicator_rows()
            evaluation.check_values(level, levels, reasons,
                indicators=indicators)
            comment = (comment or '').strip()[:1000] or None
            Line.insert_levels(evaluation, [(indicator, level if overall
                        else (levels or {}).get(indicator, level))
                    for indicator, overall in indicators])
            cls.write([evaluation], {
                    'level': level,
                    'channel': channel,
                    'reasons': [('add', list(reasons or []))]
                    if level in BAD_LEVELS else [],
                    'comment': comment,
                    'rating_date': hall_now(),
                    'rating_day': Date.today(),
                    # Identified: logged in at the portal, or the link sent
                    # to the applicant's phone; a printed QR code or the
                    # window device may be used by anyone
                    'real_name': channel in {'portal', 'sms'},
                    # The transition pending → rated (checked above, the
                    # row locked) in the same write, logged as a
                    # transition: a rating is one write of its record
                    'state': 'rated',
                    })
            cls.log([evaluation], 'transition', 'state:rated')
            Link.use(evaluation)
            if level in BAD_LEVELS:
                cls._rated([evaluation])
        return evaluation

    @classmethod
    def _rated(cls, evaluations):
        "Open the rectifications of the bad ratings just given"
        pool = Pool()
        Rectification = pool.get('onewindow.rectification')
        Rectification.open_for(
            [e for e in evaluations if e.level in BAD_LEVELS])

    @classmethod
    @transition('voided')
    def void(cls, evaluations, reason):
        "Void the ratings found false or malicious, with the reason"
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        cls.write(evaluations, {
                'void_reason': reason,
                'void_date': hall_now(),
                'voided_by': user.employee.id if user.employee else None,
                })

    @classmethod
    @transition('defaulted')
    def _default(cls, evaluations, level):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(evaluations, {
                'level': level,
                'default': True,
                'rating_date': hall_now(),
                'rating_day': Date.today(),
                })

    @classmethod
    def give_defaults(cls):
        """Give the configured default level to the services not rated
        within the configured days; called by the scheduler (nothing when
        the configuration leaves it off)"""
        pool = Pool()
        Configuration = pool.get('onewindow.evaluation.configuration')
        Date = pool.get('ir.date')
        config = Configuration(1)
        if not config.default_days:
            return []
        # The services of the days before the N last days
        last = Date.today() - dt.timedelta(days=config.default_days)
        with without_check_access():
            evaluations = cls.search([
                    ('state', '=', 'pending'),
                    ('service_day', '<=', last),
                    ])
            cls._default(evaluations, config.default_level)
        return evaluations


class EvaluationReason(ModelSQL):
    "Rating - Reason"
    __name__ = 'onewindow.evaluation-onewindow.evaluation.reason'
    evaluation = fields.Many2One('onewindow.evaluation', "Rating",
        required=True, ondelete='CASCADE')
    reason = fields.Many2One('onewindow.evaluation.reason', "Reason",
        required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('evaluation')


class EvaluationLine(ModelSQL, ModelView):
    "Rating Indicator Level"
    __name__ = 'onewindow.evaluation.line'
    evaluation = fields.Many2One('onewindow.evaluation', "Rating",
        required=True, readonly=True, ondelete='CASCADE')
    indicator = fields.Many2One('onewindow.evaluation.indicator',
        "Indicator", required=True, readonly=True, ondelete='RESTRICT')
    level = fields.Selection(LEVELS, "Level", required=True, readonly=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('evaluation')

    @classmethod
    def insert_levels(cls, evaluation, levels):
        """Record the levels (indicator id, level) of the indicators of the
        rating given, checked by the rating: one insert"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        if levels:
            cursor.execute(*table.insert(
                    [table.create_uid, table.create_date, table.evaluation,
                        table.indicator, table.level],
                    [[Transaction().user, CurrentTimestamp(), evaluation.id,
                            indicator, level]
                        for indicator, level in levels]))

    @classmethod
    def write(cls, *args):
        if Transaction().check_access:
            raise AccessError(gettext(
                    'onewindow_evaluation.msg_evaluation_immutable'))
        super().write(*args)

    @classmethod
    def delete(cls, lines):
        if Transaction().check_access:
            raise AccessError(gettext(
                    'onewindow_evaluation.msg_evaluation_immutable'))
        super().delete(lines)


class EvaluationLink(ModelSQL):
    """Rating Link

    A one-time link to rate a service, sent by SMS or printed as a QR code:
    only the hash of its token is stored, it expires and works once."""
    __name__ = 'onewindow.evaluation.link'
    evaluation = fields.Many2One('onewindow.evaluation', "Rating",
        required=True, ondelete='CASCADE')
    channel = fields.Selection(CHANNELS, "Channel", required=True)
    token_hash = fields.Char("Token Hash", required=True)
    expires = fields.DateTime("Expires", required=True)
    used = fields.DateTime("Used")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('token_hash_unique', Unique(t, t.token_hash),
                'onewindow_evaluation.msg_link_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.evaluation, Index.Equality()),
                where=t.used == Null))

    @classmethod
    def use(cls, evaluation):
        """Mark the links of the rating used (its rating is given), in one
        update"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.used, table.write_uid, table.write_date],
                [dt.datetime.now(), Transaction().user, CurrentTimestamp()],
                where=(table.evaluation == evaluation.id)
                & (table.used == Null)))
