# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The progress lookup without login: a number and its query code show the
coarse public timeline, the department, the promised date and a masked
name, nothing more

The lookup is the portal's most called page (every applicant, every
day, without an account): it reads the few public values it shows in one
query joined over the application, its case, matter, department and
applicant (instead of the records' reads as the template reaches them),
and counts its two rate limits in one query."""
import datetime as dt
import re
import weakref

from sql import Column, Literal, Null, Select
from sql.aggregate import Count
from sql.conditionals import Case

from trytond import backend
from trytond.cache import Cache
from trytond.config import config
from trytond.pool import Pool
from trytond.transaction import Transaction

from .application import (
    check_query_code, public_step, public_timeline)
from .web import TooManyRequests, gettext, portal_route


def find(pool, number):
    "Return the application of the application or case number, or None"
    Application = pool.get('onewindow.application')
    Case = pool.get('onewindow.case')
    applications = Application.search([
            ('number', '=', number),
            ('state', '!=', 'draft'),
            ], limit=1)
    if applications:
        return applications[0]
    cases = Case.search([
            ('number', '=', number),
            ('application', '!=', None),
            ], limit=1)
    if cases:
        return cases[0].application


class PublicCase:
    "The public values of the case of an application"
    __slots__ = ('number', 'state', 'deadline', 'acceptance_date',
        'decision_date', 'verification_date')

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values.get(name))


class Progress:
    """The public values of an application found by its number: what the
    lookup page shows, and the hash of its query code to check"""

    def __init__(self, id, number, state, submission_date, query_code_hash,
            matter_name, department_name, applicant_name, case):
        self.id = id
        self.number = number
        self.state = state
        self.submission_date = submission_date
        self.query_code_hash = query_code_hash
        self.matter_name = matter_name
        self.department_name = department_name
        self.applicant_name = applicant_name
        self.case = case

    def get_public_step(self):
        return public_step(self.state, self.case)

    def get_public_timeline(self):
        return public_timeline(self.state, self.submission_date, self.case)


# The translated names of the departments by id, language and last write:
# the translations of a name are read once, not at each lookup (a
# translation edited in the translations list shows within the duration)
_department_names = Cache('onewindow_portal.lookup.department_name',
    duration=dt.timedelta(minutes=10), context=False)


def department_translation(department_id, name, written):
    """Return the name of the department in the language of the
    transaction, as the read of the department gives it"""
    pool = Pool()
    Translation = pool.get('ir.translation')
    language = Transaction().language
    key = (department_id, language, str(written))
    translated = _department_names.get(key)
    if translated is None:
        translated = Translation.get_ids(
            'onewindow.department,name', 'model', language,
            [department_id], cached_after=written).get(department_id) or name
        _department_names.set(key, translated)
    return translated


class _Value:
    "A value of the lookup's query, given at each call"
    __slots__ = ('name', 'type_')

    def __init__(self, name, type_):
        self.name = name
        self.type_ = type_


VALUES = [
    _Value('number', 'text'), _Value('key', 'text'),
    _Value('network', 'text'), _Value('since', 'timestamp')]
PARAMETER = re.compile('%([%s])')
PG_TYPES = {str: 'text', bool: 'boolean', int: 'integer'}
STATEMENT = 'onewindow_portal_lookup'


class ProgressQuery:
    """The SQL of the lookup, built once per database and process, and on
    PostgreSQL prepared once per connection

    The lookup is the portal's most called page: formatting its query with
    python-sql costs about as much as PostgreSQL's execution of it, and
    planning its subqueries several times more; only its values change from
    one lookup to the next."""
    _queries = {}

    def __init__(self, pool):
        self.sql, self.params = progress_query(pool, *VALUES)
        self.prepared = weakref.WeakSet()

    @classmethod
    def get(cls, pool):
        database = Transaction().database
        key = (database.name, database.__class__.__module__)
        if key not in cls._queries:
            cls._queries[key] = cls(pool)
        return cls._queries[key]

    def execute(self, cursor, **values):
        params = [values[p.name] if isinstance(p, _Value) else p
            for p in self.params]
        if backend.name != 'postgresql':
            cursor.execute(self.sql, params)
            return
        connection = Transaction().connection
        if connection not in self.prepared:
            # A prepared statement lasts as long as the connection, whatever
            # becomes of the transaction
            numbers = iter(range(1, len(params) + 1))
            sql = PARAMETER.sub(
                lambda m: '%' if m.group(1) == '%' else '$%d' % next(numbers),
                self.sql)
            types = [p.type_ if isinstance(p, _Value)
                else PG_TYPES.get(type(p), 'timestamp') for p in self.params]
            cursor.execute('PREPARE %s (%s) AS %s' % (
                    STATEMENT, ', '.join(types), sql))
            self.prepared.add(connection)
        cursor.execute('EXECUTE %s (%s)' % (
                STATEMENT, ', '.join(['%s'] * len(params))), params)


def progress_query(pool, number, key, network, since):
    """Return the query of the Progress of the application of the number
    (as `find`) with the attempts of the key and of the network (as
    `attempt_counts`)"""
    Application = pool.get('onewindow.application')
    Case_ = pool.get('onewindow.case')
    Matter = pool.get('onewindow.matter')
    Department = pool.get('onewindow.department')
    Party = pool.get('party.party')
    application = Application.__table__()
    case = Case_.__table__()
    by_case = Case_.__table__()
    matter = Matter.__table__()
    department = Department.__table__()
    party = Party.__table__()

    # The application of the number, else the application of the case of
    # the number, found first (one row, by the indexes of the numbers); its
    # case and applicant read by their primary key in scalar subqueries: a
    # join lets the planner walk the cases by their primary key up to the
    # case of the application (a merge join, when the statistics of the
    # applications are older than their newest cases)
    of_case = by_case.select(by_case.application,
        where=(by_case.number == number) & (by_case.application != Null),
        limit=1)
    of_number = (application.number == number) & (
        application.state != 'draft')
    found = application.select(
        application.id, application.number, application.state,
        application.submission_date, application.query_code_hash,
        application.matter, application.department, application.applicant,
        application.case,
        where=of_number | (application.id == of_case),
        order_by=[Case((of_number, Literal(0)), else_=Literal(1))],
        limit=1)

    def of_case_(column):
        return case.select(column, where=case.id == found.case)
    # The attempts are counted in the same query, on a row of their own
    # that the application (if any) joins
    counts = Select(attempt_columns(pool, key, network, since))
    query = (counts
        .join(found, 'LEFT', condition=Literal(True))
        .join(matter, 'LEFT', condition=matter.id == found.matter)
        .join(department, 'LEFT',
            condition=department.id == found.department))
    columns = [counts.of_key, counts.of_network,
        found.id, found.number, found.state,
        found.submission_date, found.query_code_hash,
        matter.name, department.id, department.name,
        department.write_date, department.create_date,
        party.select(party.name, where=party.id == found.applicant),
        found.case]
    columns += [of_case_(Column(case, n)) for n in CASE_NAMES]
    return query.select(*columns)


CASE_NAMES = ['number', 'state', 'deadline', 'acceptance_date',
    'decision_date', 'verification_date']


def find_progress(pool, number, key):
    """Return the Progress of the application of the application or case
    number (as `find`), or None, with the attempts of the key and of the
    visitor's address (as `attempt_counts`), in one query"""
    Attempt = pool.get('onewindow.portal.attempt')
    Case_ = pool.get('onewindow.case')
    _, network = Attempt.ipaddress()
    values = dict(
        number=number, key=key[:Attempt.login.size], network=str(network),
        since=Attempt.delay())
    cursor = Transaction().connection.cursor()
    ProgressQuery.get(pool).execute(cursor, **values)
    row = cursor.fetchone()
    of_key, of_network = row[0] or 0, row[1] or 0
    row = row[2:]
    if row[0] is None:
        return None, of_key, of_network
    (id_, number_, state, submission_date, query_code_hash,
        matter_name, department_id, department_name, write_date, create_date,
        applicant_name, case_id) = row[:12]
    # The values of a subquery have no declared type on SQLite
    values = {}
    for name, value in zip(CASE_NAMES, row[12:]):
        if isinstance(value, str):
            type_ = Case_._fields[name]._type
            if type_ == 'date':
                value = dt.date.fromisoformat(value)
            elif type_ == 'datetime':
                value = dt.datetime.fromisoformat(value)
        values[name] = value
    case_number, case_state, deadline, acceptance_date, decision_date, \
        verification_date = [values[n] for n in CASE_NAMES]
    if department_id is not None:
        department_name = department_translation(
            department_id, department_name, write_date or create_date)
    public_case = None
    if case_id is not None:
        public_case = PublicCase(number=case_number, state=case_state,
            deadline=deadline, acceptance_date=acceptance_date,
            decision_date=decision_date, verification_date=verification_date)
    return Progress(id_, number_, state, submission_date, query_code_hash,
        matter_name, department_name, applicant_name, public_case), \
        of_key, of_network


def attempt_columns(pool, key, network, since):
    """Return the counts of the attempts of the key and of the network
    since (as `count` and `count_ip` of the attempts count them) as scalar
    subqueries named of_key and of_network"""
    Attempt = pool.get('onewindow.portal.attempt')
    by_key = Attempt.__table__()
    by_network = Attempt.__table__()
    return [
        by_key.select(Count(Literal(1)),
            where=(by_key.login == key) & (by_key.device_cookie == Null)
            & (by_key.create_date >= since)).as_('of_key'),
        by_network.select(Count(Literal(1)),
            where=(by_network.ip_network == network)
            & (by_network.create_date >= since)).as_('of_network'),
        ]


def attempt_counts(pool, key):
    """Return the attempts of the key and those of the visitor's address
    (as `count` and `count_ip` of the attempts count them) in one query,
    the columns of `attempt_columns`"""
    Attempt = pool.get('onewindow.portal.attempt')
    cursor = Transaction().connection.cursor()
    _, network = Attempt.ipaddress()
    cursor.execute(*Select(attempt_columns(pool, key[:Attempt.login.size],
                str(network), Attempt.delay())))
    of_key, of_network = cursor.fetchone()
    return of_key or 0, of_network or 0


@portal_route('lookup', methods=['GET', 'POST'])
def lookup(page):
    pool = page.pool
    Attempt = pool.get('onewindow.portal.attempt')
    errors = []
    result = None
    number = (page.form.get('number') or '').strip().upper()[:40]
    code = (page.form.get('code') or '')[:40]
    if page.request.method == 'POST':
        key = 'lookup:' + number
        if number:
            progress, of_key, of_network = find_progress(pool, number, key)
        else:
            progress = None
            of_key, of_network = attempt_counts(pool, key)
        if (of_key >= config.getint(
                    'portal', 'max_lookup_number', default=10)
                or of_network >= config.getint(
                    'portal', 'max_attempt_ip', default=100)):
            raise TooManyRequests(gettext(
                    "Too many attempts. Wait a few minutes and try again."))
        # The code is compared, in constant time, even for an unknown
        # number
        valid = check_query_code(
            code, progress.query_code_hash if progress else None)
        if progress and valid:
            result = progress
        else:
            Attempt.add(key)
            errors.append(gettext(
                    "No application matches this number and query code."))
    return page.render('lookup.html', number=number, result=result,
        errors=errors, status=404 if errors else 200)
