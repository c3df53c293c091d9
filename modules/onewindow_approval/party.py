# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re

from sql import Cast, Conflict, Literal, Null, Union
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp, Function
from sql.operators import BinaryOperator, Concat, Exists, In
from stdnum.cn import ric

from trytond import backend
from trytond.model import Index, ModelSQL, Unique, fields
from trytond.model.modelsql import convert_from
from trytond.model.modelstorage import is_leaf
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import (
    Transaction, inactive_records, without_check_access)
from trytond.modules.onewindow_hall.model import rec_name_fields

from .search import union_domain

# The identifiers that are personal data: resident ID numbers (居民身份证)
PERSONAL_IDENTIFIERS = {'cn_ric'}


def mask_identifier(code):
    "Return code with all but its first and last four characters hidden"
    if code and len(code) > 8:
        return code[:4] + '*' * (len(code) - 8) + code[-4:]
    return code


# A resident ID number inside a text: 17 digits and a check character
RESIDENT_ID = re.compile(r'(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])')


def mask_personal_codes(value):
    """Return value (a text, or a dictionary or a list of them) with the
    resident ID numbers it holds masked"""
    if isinstance(value, str):
        return RESIDENT_ID.sub(
            lambda m: (mask_identifier(m.group())
                if ric.is_valid(m.group()) else m.group()), value)
    elif isinstance(value, dict):
        return {k: mask_personal_codes(v) for k, v in value.items()}
    elif isinstance(value, (list, tuple)):
        return type(value)(mask_personal_codes(v) for v in value)
    return value


def identifiers_readable():
    """Return True if the current user reads the identifier codes in full

    The field access of party.identifier's code says who does: the window
    clerks and team leaders, who register the applicants, and the party
    administrators."""
    pool = Pool()
    FieldAccess = pool.get('ir.model.field.access')
    if not Transaction().user:
        return True
    access = FieldAccess.get_access(['party.identifier'])['party.identifier']
    return bool(access.get('code', {}).get('read', True))


def hide_personal_codes(domain):
    """Return domain with its clauses on the identifier codes restricted to
    the identifiers that are not personal data, so that a search cannot be
    used to test a resident ID number the user may not read"""
    if isinstance(domain, (list, tuple)) and domain and isinstance(
            domain[0], str) and domain[0] not in {'AND', 'OR'}:
        path = domain[0]
        if path == 'identifiers.code' or path.endswith('.identifiers.code'):
            return (path[:-len('.code')], 'where', [
                    ('type', 'not in', list(PERSONAL_IDENTIFIERS)),
                    ('code',) + tuple(domain[1:]),
                    ])
        return domain
    if isinstance(domain, list):
        return [hide_personal_codes(d) for d in domain]
    return domain


def identifier_departments():
    """Return the ids of the departments whose cases show the resident ID
    numbers in full to the current user, or None for all cases

    The window clerks and team leaders (who may read the identifiers of the
    parties) see them all; the approvers see those of their departments'
    cases; the others (supervisors, approvers of a co-department, guides,
    liaisons) see them masked."""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if identifiers_readable():
        return None
    if (ModelData.get_id('onewindow_hall', 'group_approver')
            not in User.get_groups()):
        return []
    return list(User.get_departments())


def _client_call():
    """Return True inside a call of a user that checks access (the client's
    call), not in the server's own reads of the records it works on"""
    transaction = Transaction()
    return bool(transaction.user and transaction.check_access)


# The Chinese characters (CJK Unified Ideographs, extension A and the
# compatibility ideographs): a name of two of them has no trigram
CJK = '\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff'
CJK_PAIR = re.compile('[%s]{2}' % CJK)
CJK_BIGRAMS = 'onewindow_cjk_bigrams'
CJK_BIGRAMS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION " + CJK_BIGRAMS + "(value text) "
    "RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "SELECT COALESCE(array_agg(DISTINCT pair), '{}') FROM ("
    "SELECT substr(value, i, 2) AS pair "
    "FROM generate_series(1, char_length(value) - 1) AS i) AS pairs "
    "WHERE pair ~ '^[" + CJK + "]{2}$' $$")
# The expressions indexed (table, expression): the contacts are searched by
# their value and their compact value
CJK_BIGRAMS_INDEXES = [
    ('party_party', 'party_party_name_cjk_bigrams',
        CJK_BIGRAMS + '(name)'),
    ('party_party', 'party_party_code_cjk_bigrams',
        CJK_BIGRAMS + '(code)'),
    ('party_identifier', 'party_identifier_code_cjk_bigrams',
        CJK_BIGRAMS + '(code)'),
    ('party_contact_mechanism', 'party_contact_mechanism_cjk_bigrams',
        CJK_BIGRAMS + "(COALESCE(value, '') || ' ' "
        "|| COALESCE(value_compact, ''))"),
    ]


def like_cjk_bigrams(pattern, escape='\\'):
    """Return the sorted pairs of Chinese characters that every text
    matching the LIKE pattern contains: those written one after the other
    in the pattern, without a wildcard between them"""
    fragments, fragment = [], []
    chars = iter(pattern)
    for char in chars:
        if char == escape:
            fragment.append(next(chars, ''))
        elif char in {'%', '_'}:
            fragments.append(''.join(fragment))
            fragment = []
        else:
            fragment.append(char)
    fragments.append(''.join(fragment))
    pairs = set()
    for text in fragments:
        for i in range(len(text) - 1):
            if CJK_PAIR.fullmatch(text[i:i + 2]):
                pairs.add(text[i:i + 2])
    return sorted(pairs)


def like_pair(pattern):
    """Return True if the LIKE pattern is a pair of Chinese characters
    between two wildcards (%秀兰%): a text matches it (with LIKE or ILIKE)
    if and only if the pair is one of its pairs of characters"""
    return (len(pattern) == 4 and pattern[0] == pattern[-1] == '%'
        and bool(CJK_PAIR.fullmatch(pattern[1:3])))


def create_cjk_bigram_indexes():
    """Create on PostgreSQL the function of the pairs of Chinese characters
    of a text and its GIN indexes on the parties' names and contacts: the
    trigram indexes do not serve a search for a name of two characters
    (秀兰)"""
    if backend.name != 'postgresql':
        return
    cursor = Transaction().connection.cursor()
    cursor.execute(CJK_BIGRAMS_FUNCTION)
    for table, name, expression in CJK_BIGRAMS_INDEXES:
        cursor.execute('CREATE INDEX IF NOT EXISTS "%s" ON "%s" USING gin '
            '((%s))' % (name, table, expression))


def _cjk_bigrams_query(Model, clause, column, array):
    """Return the query of the ids of Model matching clause (converted as
    the search converts it, without the active test) whose column holds
    the pairs of characters of array: one scan of its GIN index"""
    tables, expression = Model.search_domain([clause], active_test=False)
    table, _ = tables[None]
    return convert_from(None, tables).select(table.id,
        where=expression & Contains(CJKBigrams(column(table)), array))


class CJKBigrams(Function):
    __slots__ = ()
    _function = CJK_BIGRAMS


class Contains(BinaryOperator):
    "The containment of PostgreSQL's arrays"
    __slots__ = ()
    _operator = '@>'


class Unnest(Function):
    __slots__ = ()
    _function = 'UNNEST'


def scope_departments(domain, exact=False):
    """Return the departments whose parties, with those of the staff, hold
    every party that domain (of party.party, such as the record rules of a
    user) finds (exactly those parties if exact), or None when it does not
    limit them so

    The department users' rules limit them by department_scope, the
    guides' by staff; any other clause found alone leaves the parties
    unlimited."""
    if is_leaf(domain):
        name, operator, value = domain[:3]
        if len(domain) == 3 and name == 'department_scope':
            if operator == 'in' and isinstance(value, (list, tuple)):
                return set(value)
            elif operator == '=' and isinstance(value, int):
                return {value}
        elif len(domain) == 3 and (name, operator, value) == (
                'staff', '=', True):
            return set()
        return None
    if not isinstance(domain, (list, tuple)):
        return None
    if domain and domain[0] == 'OR':
        if len(domain) == 1:
            return None
        departments = set()
        for clause in domain[1:]:
            clause_departments = scope_departments(clause, exact=exact)
            if clause_departments is None:
                return None
            departments |= clause_departments
        return departments
    clauses = domain[1:] if domain and domain[0] == 'AND' else domain
    if exact and len(clauses) != 1:
        return None
    departments = None
    for clause in clauses:
        clause_departments = scope_departments(clause, exact=exact)
        if clause_departments is not None:
            departments = (clause_departments if departments is None
                else departments & clause_departments)
    return departments


class PersonalDataMixin:
    """Mask the resident ID numbers held in the free data of the records
    (the fields of _personal_data_fields, such as the application form) to
    the users who see them masked on the records of the other departments:
    in what read and export_data answer to the client, and in what its
    search may test.  The server's own reads (validation, copies) see the
    values as stored."""
    __slots__ = ()
    _personal_data_fields = set()

    @classmethod
    def _personal_data_shown(cls, ids):
        """Return the ids of the records whose personal data the current
        user reads in full, or None for all"""
        departments = identifier_departments()
        if departments is None:
            return None
        shown = set()
        with without_check_access():
            for sub_ids in grouped_slice(ids):
                shown.update(r.id for r in cls.search([
                            ('id', 'in', list(sub_ids)),
                            ('department', 'in', departments),
                            ]))
        return shown

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        names = cls._personal_data_fields & set(fields_names)
        if names and _client_call():
            shown = cls._personal_data_shown([r['id'] for r in result])
            if shown is not None:
                for row in result:
                    if row['id'] not in shown:
                        for name in names:
                            row[name] = mask_personal_codes(row.get(name))
        return result

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        shown = None
        if cls._personal_data_fields and _client_call():
            shown = cls._personal_data_shown([r.id for r in records])
        if shown is None or all(r.id in shown for r in records):
            return super().export_data(records, fields_names, header=header)
        # The rows of a record (its own and those of its lines) are masked
        # as the record is
        rows = super().export_data([], fields_names, header=header)
        for record in records:
            record_rows = super().export_data([record], fields_names)
            if record.id not in shown:
                record_rows = mask_personal_codes(record_rows)
            rows.extend(record_rows)
        return rows

    @classmethod
    def search(cls, domain, *args, **kwargs):
        if cls._personal_data_fields and _client_call():
            departments = identifier_departments()
            if departments is not None:
                domain = cls._hide_personal_data(domain, departments)
        return super().search(domain, *args, **kwargs)

    @classmethod
    def _hide_personal_data(cls, domain, departments):
        """Return domain with its clauses on the personal data limited to
        the records of departments"""
        if (isinstance(domain, (list, tuple)) and domain
                and isinstance(domain[0], str)
                and domain[0] not in {'AND', 'OR'}):
            if domain[0].split('.', 1)[0] in cls._personal_data_fields:
                return [('department', 'in', departments), tuple(domain)]
            return domain
        if isinstance(domain, list):
            return [cls._hide_personal_data(d, departments) for d in domain]
        return domain


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    # What the rec_name of party is made of (read with it, see
    # RelatedReadMixin)
    _rec_name_fields = ['name', 'code']
    case_departments = fields.Function(fields.Many2Many(
            'onewindow.department', None, None, "Case Departments",
            help="The departments of the cases the party applies for, "
            "is the agent or the collector of, or gives an opinion on."),
        'get_case_departments', searcher='search_case_departments')
    staff = fields.Function(fields.Boolean("Staff",
            help="The party of a company or of an employee."),
        'get_staff', searcher='search_staff')
    department_scope = fields.Function(fields.Many2Many(
            'onewindow.department', None, None, "Department Scope",
            help="The departments whose users see the party: those of its "
            "cases, and every department for the party of a company or of "
            "an employee."),
        'get_department_scope', searcher='search_department_scope')
    department_rec_name = fields.Function(fields.Char(
            "Record Name in the Departments",
            help="Searched as the record name among the parties of the "
            "user's departments and of the staff."),
        'get_rec_name')

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        create_cjk_bigram_indexes()

    @classmethod
    def read(cls, ids, fields_names):
        # The rec_name read with the fields it is made of: its getter finds
        # them in the transaction's cache, instead of reading the records a
        # second time with all their eager fields (a department user's
        # search reads the rec_name of a page of 80 parties)
        extra = []
        if 'rec_name' in fields_names:
            extra = [n for n in rec_name_fields(cls) or []
                if n not in fields_names]
        if not extra:
            return super().read(ids, fields_names)
        result = super().read(ids, list(fields_names) + extra)
        for row in result:
            for name in extra:
                del row[name]
        return result

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        # The record rules of a department user show him only the parties
        # of his departments and of the staff: his searches of the record
        # name by a name in Chinese are searched among them, which
        # PostgreSQL reads in the order of the names from the pairs of
        # characters of his departments' parties
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        departments = cls._rule_departments()
        if departments is not None:
            domain = cls._department_rec_name_domain(domain)
            clause = domain[0] if (isinstance(domain, list)
                and len(domain) == 1) else domain
            if (is_leaf(clause) and clause[0] == 'department_rec_name'
                    and limit is not None and not count
                    and (order == [] or (order is None
                            and cls._distance_query() is None))
                    and cls._rule_departments(exact=True) is not None):
                # The search is the clause alone, in the order of the names:
                # its first rows are those of the page, all of them in the
                # parties the rules give, which they need not test again
                ModelAccess.check(cls.__name__, 'read')
                with without_check_access(), Transaction().set_context(
                        _department_rec_name=(tuple(sorted(departments)),
                            (offset or 0) + limit)):
                    return super().search(domain, offset=offset,
                        limit=limit, order=order, count=count, query=query)
        return super().search(domain, offset=offset, limit=limit,
            order=order, count=count, query=query)

    @classmethod
    def _rule_departments(cls, exact=False):
        """Return the departments whose parties (with those of the staff)
        the record rules limit the current user's searches to (exactly to
        them if exact), or None"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        User = pool.get('res.user')
        if backend.name != 'postgresql':
            return None
        departments = scope_departments(
            Rule.domain_get(cls.__name__, mode='read'), exact=exact)
        if (departments is not None
                and departments <= set(User.get_departments())):
            return departments

    @classmethod
    def _department_rec_name_domain(cls, domain):
        "Return domain with its searches of the rec_name by Chinese names "
        "searched by department_rec_name"
        if is_leaf(domain):
            if (len(domain) == 3 and domain[0] == 'rec_name'
                    and domain[1] in {'like', 'ilike'}
                    and isinstance(domain[2], str)
                    and like_cjk_bigrams(domain[2])):
                return ('department_rec_name',) + tuple(domain[1:])
            return domain
        elif isinstance(domain, list):
            return [cls._department_rec_name_domain(d) for d in domain]
        return domain

    @classmethod
    def domain_department_rec_name(cls, domain, tables):
        """The parties of the user's departments and of the staff whose
        rec_name matches, as (name, id) in the rows of the pairs of
        characters of the departments' parties, of the staff's names and of
        the other branches of the rec_name: PostgreSQL walks the index of
        the pairs in the order of the names and stops at the end of the
        page"""
        pool = Pool()
        User = pool.get('res.user')
        table, _ = tables[None]
        _, operator, value = domain
        departments, limit = Transaction().context.get(
            '_department_rec_name', (User.get_departments(), None))
        query = cls._department_rec_name_query(
            departments, operator, value, limit=limit)
        if query is None:
            return [
                ('rec_name', operator, value),
                ('department_scope', 'in', list(departments)),
                ]
        return In((table.name, table.id), query)

    @classmethod
    def _department_rec_name_query(cls, departments, operator, value,
            limit=None):
        """Return the query of the (name, party) of the parties of
        departments and of the staff whose rec_name matches the clause (the
        first limit of them in the order of the names, active if the
        records searched are), or None when its pattern holds no pair of
        Chinese characters (or on another database than PostgreSQL)"""
        pool = Pool()
        Pair = pool.get('onewindow.department-party.pair')
        DepartmentParty = pool.get('onewindow.department-party.party')
        active = Transaction().active_records
        pairs = like_cjk_bigrams(value) if operator in {'like', 'ilike'} and (
            isinstance(value, str)) else []
        if backend.name != 'postgresql' or not pairs:
            return None
        pair_domain = [('pair', '=', pairs[0])]
        if not like_pair(value):
            pair_domain.append(('name', operator, value))
        queries = []
        for department in departments:
            tables, expression = Pair.search_domain(
                [('department', '=', department)] + pair_domain)
            table, _ = tables[None]
            from_ = convert_from(None, tables)
            if active:
                party = cls.__table__()
                from_ = from_.join(party, condition=party.id == table.party)
                expression &= party.active == Literal(True)
            # The rows are those of the departments' parties, written with
            # them: testing them again (an EXISTS on the departments'
            # parties) makes PostgreSQL estimate a few rows in a small
            # department (it does not know that every row passes) and read
            # them all instead of the first ones in order
            queries.append(from_.select(
                    table.name.as_('name'), table.party.as_('party'),
                    where=expression))

        def select(domain, scope=True):
            tables, expression = cls.search_domain(domain, active_test=False)
            table, _ = tables[None]
            if active:
                expression &= table.active == Literal(True)
            if scope:
                # Only the parties of the departments and of the staff
                department_party = DepartmentParty.__table__()
                staff = cls._staff_query()
                expression &= (Exists(department_party.select(Literal(1),
                            where=(department_party.party == table.id)
                            & reduce_ids(department_party.department,
                                departments)))
                    | table.id.in_(staff.select(staff.party)))
            return convert_from(None, tables).select(
                table.name.as_('name'), table.id.as_('party'),
                where=expression)
        name = ('name', operator, value)
        queries.append(select([('staff', '=', True), name], scope=False))
        for clause in cls._rec_name_branches(
                'rec_name', ('rec_name', operator, value))[1:]:
            if clause != name:
                queries.append(select([cls._cjk_bigrams_clause(clause)]))
        if limit is not None:
            # The first rows of the union are among the first rows of its
            # branches: PostgreSQL walks the pairs' index in the order of
            # the names and stops at the limit
            limited = []
            for query in queries:
                query.order_by = [query.columns[0], query.columns[1]]
                query.limit = limit
                limited.append(query.select(query.name, query.party))
            queries = limited
        query = Union(*queries, all_=True)
        # Grouped, the rows are distinct: PostgreSQL joins them to the
        # parties instead of reading every row to make them distinct
        if limit is not None:
            return query.select(query.name, query.party,
                group_by=[query.name, query.party],
                order_by=[query.name, query.party], limit=limit)
        return query.select(query.name, query.party,
            group_by=[query.name, query.party])

    @classmethod
    def write(cls, *args):
        pool = Pool()
        Pair = pool.get('onewindow.department-party.pair')
        actions = iter(args)
        renamed = [p.id for parties, values in zip(actions, actions)
            if 'name' in values for p in parties]
        super().write(*args)
        if renamed:
            Pair.refresh(parties=renamed)

    @classmethod
    def _case_department_query(cls, departments=None, parties=None,
            cases=None):
        """Return the query of the parties (party, department) of the
        cases, with the co-departments of the joint cases, limited to
        departments, parties and cases when given

        onewindow.department-party.party keeps its rows."""
        pool = Pool()
        Case = pool.get('onewindow.case')
        Opinion = pool.get('onewindow.case.opinion')
        case = Case.__table__()
        opinion = Opinion.__table__()

        def limit(column, ids):
            if ids is None:
                return Literal(True)
            return reduce_ids(column, ids) if ids else Literal(False)
        queries = []
        for column in ['applicant', 'agent', 'collector']:
            party = getattr(case, column)
            where = ((party != Null) & limit(party, parties)
                & limit(case.id, cases))
            queries.append(case.select(
                    party.as_('party'), case.department.as_('department'),
                    where=where & limit(case.department, departments)))
            queries.append(case.join(opinion,
                    condition=opinion.case == case.id).select(
                    party.as_('party'),
                    opinion.department.as_('department'),
                    where=where & limit(opinion.department, departments)))
        return Union(*queries, all_=True)

    @classmethod
    def get_case_departments(cls, parties, name):
        pool = Pool()
        DepartmentParty = pool.get('onewindow.department-party.party')
        table = DepartmentParty.__table__()
        cursor = Transaction().connection.cursor()
        result = {p.id: [] for p in parties}
        for sub_ids in grouped_slice(list(result)):
            cursor.execute(*table.select(table.party, table.department,
                    where=reduce_ids(table.party, sub_ids),
                    order_by=[table.party, table.department]))
            for party, department in cursor:
                result[party].append(department)
        return result

    @classmethod
    def search_case_departments(cls, name, clause):
        """Search the parties of the cases of departments: the record
        rules of the department users read the applicants through it"""
        pool = Pool()
        DepartmentParty = pool.get('onewindow.department-party.party')
        table = DepartmentParty.__table__()
        _, operator, value = clause[:3]
        if operator not in {'=', 'in'} or len(clause) > 3:
            query = cls._case_department_query()
            return [('id', 'in', query.select(query.party, where=(
                            query.department.in_(value)
                            if operator == 'in' else
                            query.department == value)))]
        if not isinstance(value, (list, tuple)):
            value = [value]
        value = [v for v in value if isinstance(v, int)]
        return [('id', 'in', table.select(table.party,
                    where=(table.department.in_(value) if value
                        else Literal(False))))]

    @classmethod
    def _staff_query(cls):
        pool = Pool()
        Employee = pool.get('company.employee')
        Company = pool.get('company.company')
        employee = Employee.__table__()
        company = Company.__table__()
        return (employee.select(employee.party.as_('party'))
            | company.select(company.party.as_('party')))

    @classmethod
    def get_staff(cls, parties, name):
        cursor = Transaction().connection.cursor()
        query = cls._staff_query()
        ids = [p.id for p in parties]
        cursor.execute(*query.select(
                query.party, where=query.party.in_(ids)))
        staff = {p for p, in cursor}
        return {i: i in staff for i in ids}

    @classmethod
    def search_staff(cls, name, clause):
        _, operator, value = clause[:3]
        operator = 'in' if (operator == '=') == bool(value) else 'not in'
        query = cls._staff_query()
        return [('id', operator, query.select(query.party))]

    @classmethod
    def _department_scope_query(cls, departments):
        """Return the query of the ids of the parties the users of
        departments see: the parties of the cases of departments (as
        case_departments finds them, from onewindow.department-party.party)
        and those of the staff

        One query, so that the record rule is one `id IN`, which PostgreSQL
        reads as a semi-join, where an `OR` of two `IN` compares each party
        with the materialized list of the cases' parties.  The parties
        themselves, each tested with an `EXISTS` per branch: PostgreSQL
        probes the index of each branch for the few parties of a read (the
        applicants of a page of cases), where it hashes all the parties of
        the departments for the `IN` of a union of the branches."""
        pool = Pool()
        DepartmentParty = pool.get('onewindow.department-party.party')
        Employee = pool.get('company.employee')
        Company = pool.get('company.company')
        party = cls.__table__()
        employee = Employee.__table__()
        company = Company.__table__()
        where = (
            Exists(employee.select(Literal(1),
                    where=employee.party == party.id))
            | Exists(company.select(Literal(1),
                    where=company.party == party.id)))
        if departments:
            table = DepartmentParty.__table__()
            where = Exists(table.select(Literal(1),
                    where=(table.party == party.id)
                    & table.department.in_(departments))) | where
        return party.select(party.id, where=where)

    @classmethod
    def get_department_scope(cls, parties, name):
        pool = Pool()
        Department = pool.get('onewindow.department')
        result = cls.get_case_departments(parties, 'case_departments')
        staff = cls.get_staff(parties, 'staff')
        if any(staff.values()):
            with without_check_access():
                departments = sorted(
                    d.id for d in Department.search([], order=[]))
            for party_id, is_staff in staff.items():
                if is_staff:
                    result[party_id] = departments
        return result

    @classmethod
    def search_department_scope(cls, name, clause):
        """Search the parties the users of departments see: the record
        rules of the department users read the applicants through it"""
        _, operator, value = clause[:3]
        if operator not in {'=', 'in'} or len(clause) > 3:
            return ['OR',
                ('case_departments',) + tuple(clause[1:]),
                ('staff', '=', True),
                ]
        if not isinstance(value, (list, tuple)):
            value = [value]
        value = [v for v in value if isinstance(v, int)]
        return [('id', 'in', cls._department_scope_query(value))]

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = cls._cjk_bigrams_domain(cls._rec_name_branches(name, clause))
        if domain and domain[0] == 'OR':
            # The name, the code, the identifiers and the contacts each from
            # its index
            domain = union_domain(cls, domain)
        return domain

    @classmethod
    def _rec_name_branches(cls, name, clause):
        "Return the domain of the rec_name, as the current user searches it"
        domain = super().search_rec_name(name, clause)
        if not identifiers_readable():
            domain = hide_personal_codes(domain)
        return domain

    @classmethod
    def _cjk_bigrams_domain(cls, domain):
        """Return the rec_name domain with the searches of the name, the
        code, the identifiers and the contacts by a pattern holding Chinese
        characters also limited to the records whose text holds its pairs of
        characters, which PostgreSQL reads from their GIN index: a necessary
        condition of the pattern, which still decides"""
        if (backend.name != 'postgresql' or not domain
                or domain[0] != 'OR'):
            return domain
        return [domain[0]] + [cls._cjk_bigrams_clause(c) for c in domain[1:]]

    @classmethod
    def _cjk_bigrams_clause(cls, clause):
        "Return the clause of the rec_name domain limited by its pairs"
        pool = Pool()
        ContactMechanism = pool.get('party.contact_mechanism')
        Identifier = pool.get('party.identifier')

        def pairs(clause):
            if (isinstance(clause, tuple) and len(clause) == 3
                    and clause[1] in {'like', 'ilike'}
                    and isinstance(clause[2], str)):
                pairs = like_cjk_bigrams(clause[2])
                if pairs:
                    return Cast(Literal(pairs), 'TEXT[]')

        def identifier(clause):
            array = pairs(clause)
            if clause[0] == 'code' and array is not None:
                clause = ('id', 'in', _cjk_bigrams_query(Identifier,
                        clause, lambda t: t.code, array))
            return clause

        array = pairs(clause)
        if array is not None and clause[0] in {'name', 'code'}:
            column = clause[0]
            clause = ('id', 'in', _cjk_bigrams_query(cls, clause,
                    lambda t: getattr(t, column), array))
        elif array is not None and clause[0] == 'contact_mechanisms.rec_name':
            query = _cjk_bigrams_query(ContactMechanism,
                ('rec_name',) + clause[1:],
                lambda t: Concat(Concat(
                        Coalesce(t.value, ''), ' '),
                    Coalesce(t.value_compact, '')), array)
            clause = ('contact_mechanisms', 'where', [('id', 'in', query)])
        elif array is not None and clause[0] == 'identifiers.code':
            clause = ('identifiers', 'where', [
                    identifier(('code',) + clause[1:])])
        elif (isinstance(clause, tuple) and len(clause) == 3
                and clause[:2] == ('identifiers', 'where')):
            # The identifiers that are not personal data
            clause = ('identifiers', 'where', [
                    identifier(c) for c in clause[2]])
        return clause


class DepartmentParty(ModelSQL):
    """Department - Party

    The parties each department sees through its cases: the applicants,
    agents and collectors of its cases and of the joint cases it gives an
    opinion on (Party._case_department_query), one row for each department
    and party.  The cases and the opinions write the rows of what they
    change, so the record rules of the department users read the scope of
    a department from its rows instead of from all its cases."""
    __name__ = 'onewindow.department-party.party'
    _table = 'onewindow_department_party'

    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # Its index gives the parties of departments, the other one the
        # departments of parties, without reading the rows
        cls._sql_constraints = [
            ('department_party_unique', Unique(t, t.department, t.party),
                'onewindow_approval.msg_department_party_unique'),
            ]
        cls._sql_indexes.add(Index(t,
                (t.party, Index.Range()), (t.department, Index.Range())))

    @classmethod
    def __register__(cls, module):
        exists = backend.TableHandler.table_exist(cls._table)
        super().__register__(module)
        if not exists:
            # The cases recorded before the table existed (the table of
            # the pairs, registered after, fills itself from its rows)
            cls._refresh()
            if backend.name == 'postgresql':
                cursor = Transaction().connection.cursor()
                cursor.execute('ANALYZE "%s"' % cls._table)

    @classmethod
    def refresh(cls, departments=None, parties=None):
        """Write again the rows of the departments and the parties (all if
        None) from the cases, with their pairs of characters; return the
        number of rows written"""
        pool = Pool()
        Pair = pool.get('onewindow.department-party.pair')
        count = cls._refresh(departments, parties)
        Pair.refresh(departments, parties)
        return count

    @classmethod
    def _refresh(cls, departments=None, parties=None):
        pool = Pool()
        Party = pool.get('party.party')
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        if parties is None:
            groups = [None]
        else:
            groups = [list(p) for p in grouped_slice(sorted(parties))]
        count = 0
        for sub_parties in groups:
            where = Literal(True)
            if departments is not None:
                where &= reduce_ids(table.department, departments)
            if sub_parties is not None:
                where &= reduce_ids(table.party, sub_parties)
            cursor.execute(*table.delete(where=where))
            query = Party._case_department_query(departments, sub_parties)
            insert = table.insert(
                [table.department, table.party,
                    table.create_uid, table.create_date],
                query.select(query.department, query.party,
                    Literal(transaction.user), CurrentTimestamp(),
                    distinct=True))
            if backend.name == 'postgresql':
                # A row another transaction inserts meanwhile is a
                # serialization failure, and the call is tried again
                insert.on_conflict = Conflict(table,
                    indexed_columns=[table.department, table.party])
            cursor.execute(*insert)
            count += cursor.rowcount
        return count

    @classmethod
    def pairs(cls, case_ids):
        "Return the set of the (department, party) of the cases"
        pool = Pool()
        Party = pool.get('party.party')
        cursor = Transaction().connection.cursor()
        pairs = set()
        for sub_ids in grouped_slice(sorted(set(case_ids))):
            query = Party._case_department_query(cases=list(sub_ids))
            cursor.execute(*query.select(query.department, query.party))
            pairs.update(cursor)
        return pairs

    @classmethod
    def add(cls, case_ids):
        """Add the rows of the new cases: on PostgreSQL with one query, the
        rows already there kept as they are (the cases that made them did
        not change)"""
        pool = Pool()
        Party = pool.get('party.party')
        Pair = pool.get('onewindow.department-party.pair')
        if backend.name != 'postgresql':
            cls.update(cls.pairs(case_ids))
            return
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        for sub_ids in grouped_slice(sorted(set(case_ids))):
            sub_ids = list(sub_ids)
            query = Party._case_department_query(cases=sub_ids)
            insert = table.insert(
                [table.department, table.party,
                    table.create_uid, table.create_date],
                query.select(query.department, query.party,
                    Literal(transaction.user), CurrentTimestamp(),
                    distinct=True))
            # As refresh: a row another transaction inserts meanwhile is a
            # serialization failure, and the call is tried again
            insert.on_conflict = Conflict(table,
                indexed_columns=[table.department, table.party])
            cursor.execute(*insert)
            Pair.add(Party._case_department_query(cases=sub_ids))

    @classmethod
    def update(cls, pairs):
        """Write again the rows of the (department, party) pairs: those of
        the cases changed, before and after the change"""
        departments = sorted({d for d, _ in pairs})
        parties = sorted({p for _, p in pairs})
        if departments:
            cls.refresh(departments, parties)


class DepartmentPartyPair(ModelSQL):
    """Department - Party - Pair of Characters

    The pairs of Chinese characters of the names of the parties each
    department sees (onewindow.department-party.party): one row for each
    department, pair and party, with the party's name.  PostgreSQL walks
    its index of (department, pair, name, party) in the order of the names,
    so that the search of a name by a department user (Party.search) reads
    the parties of the page, not all those of the department nor all those
    whose name holds the pair (公司).  Kept on PostgreSQL only, where the
    search reads it: the departments' parties write the rows of theirs,
    the parties those of their new names."""
    __name__ = 'onewindow.department-party.pair'
    _table = 'onewindow_department_party_pair'

    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='CASCADE')
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')
    pair = fields.Char("Pair", required=True)
    name = fields.Char("Name", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # Its index gives the names of a department holding a pair in
        # order, the other one the rows of parties
        cls._sql_constraints = [
            ('department_pair_name_party_unique',
                Unique(t, t.department, t.pair, t.name, t.party),
                'onewindow_approval.msg_department_party_pair_unique'),
            ]
        cls._sql_indexes.add(Index(t,
                (t.party, Index.Range()), (t.department, Index.Range())))

    @classmethod
    def __register__(cls, module):
        exists = backend.TableHandler.table_exist(cls._table)
        super().__register__(module)
        if not exists:
            # The departments' parties recorded before the table existed
            cls.refresh()
            if backend.name == 'postgresql':
                cursor = Transaction().connection.cursor()
                cursor.execute('ANALYZE "%s"' % cls._table)

    @classmethod
    def _insert(cls, table, query):
        """Return the insert into table of the rows of the (department,
        party) of query"""
        pool = Pool()
        Party = pool.get('party.party')
        party = Party.__table__()
        rows = query.join(party, condition=party.id == query.party).select(
            query.department.as_('department'),
            Unnest(CJKBigrams(party.name)).as_('pair'),
            party.name.as_('name'), party.id.as_('party'))
        # In the order of the index: the update of a whole database writes
        # its pages one after the other
        return table.insert(
            [table.department, table.pair, table.name, table.party,
                table.create_uid, table.create_date],
            rows.select(rows.department, rows.pair, rows.name, rows.party,
                Literal(Transaction().user), CurrentTimestamp(),
                order_by=[rows.department, rows.pair, rows.name,
                    rows.party]))

    @classmethod
    def refresh(cls, departments=None, parties=None):
        """Write again the rows of the departments and the parties (all if
        None) from their rows of onewindow.department-party.party"""
        pool = Pool()
        DepartmentParty = pool.get('onewindow.department-party.party')
        if backend.name != 'postgresql':
            return
        table = cls.__table__()
        department_party = DepartmentParty.__table__()
        cursor = Transaction().connection.cursor()
        if parties is None:
            groups = [None]
        else:
            groups = [list(p) for p in grouped_slice(sorted(parties))]
        for sub_parties in groups:
            where = Literal(True)
            if departments is not None:
                where &= reduce_ids(table.department, departments)
            if sub_parties is not None:
                where &= reduce_ids(table.party, sub_parties)
            cursor.execute(*table.delete(where=where))
            where = Literal(True)
            if departments is not None:
                where &= reduce_ids(department_party.department, departments)
            if sub_parties is not None:
                where &= reduce_ids(department_party.party, sub_parties)
            cursor.execute(*cls._insert(table, department_party.select(
                        department_party.department.as_('department'),
                        department_party.party.as_('party'),
                        where=where)))

    @classmethod
    def add(cls, query):
        """Add the rows of the (department, party) of query, the rows already
        there kept as they are"""
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        if backend.name != 'postgresql':
            return
        query = query.select(query.department, query.party, distinct=True)
        insert = cls._insert(table, query)
        # As the departments' parties: a row another transaction inserts
        # meanwhile is a serialization failure, and the call is tried again
        insert.on_conflict = Conflict(table, indexed_columns=[
                table.department, table.pair, table.name, table.party])
        cursor.execute(*insert)


class Erase(metaclass=PoolMeta):
    __name__ = 'party.erase'

    def transition_erase(self):
        pool = Pool()
        Party = pool.get('party.party')
        Pair = pool.get('onewindow.department-party.pair')
        # The parties erased: the party and those it replaced
        parties = replacing = [self.ask.party]
        with inactive_records():
            while replacing:
                replacing = Party.search([
                        ('replaced_by', 'in', list(map(int, replacing))),
                        ])
                parties += replacing
        state = super().transition_erase()
        # Their names are erased by SQL: so are the rows of their pairs,
        # which held them
        Pair.refresh(parties=[p.id for p in parties])
        return state


class Identifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The searches by ID: with pg_trgm the similarity index of the code
        # is a trigram index, which reads an equality of digits slowly
        cls._sql_indexes.add(Index(t, (t.code, Index.Range())))

    def get_rec_name(self, name):
        rec_name = super().get_rec_name(name)
        if (self.type in PERSONAL_IDENTIFIERS
                and not identifiers_readable()):
            rec_name = mask_identifier(rec_name)
        return rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        if not identifiers_readable():
            domain = [
                ('type', 'not in', list(PERSONAL_IDENTIFIERS)),
                domain,
                ]
        return domain


IDENTIFIER_TYPES = {
    'natural': 'cn_ric',
    'legal': 'cn_vat',
    }


def identifier_code(party, type_):
    "Return the code of the first identifier of type_ of party"
    if party:
        for identifier in party.identifiers:
            if identifier.type == type_:
                return identifier.code


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'
    # The fields the rows of onewindow.department-party.party are made of
    _department_party_fields = {
        'applicant', 'agent', 'collector', 'department', 'matter'}

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        DepartmentParty = pool.get('onewindow.department-party.party')
        cases = super().create(vlist)
        DepartmentParty.add([c.id for c in cases])
        return cases

    @classmethod
    def write(cls, *args):
        pool = Pool()
        DepartmentParty = pool.get('onewindow.department-party.party')
        actions = iter(args)
        case_ids = [c.id for cases, values in zip(actions, actions)
            if values.keys() & cls._department_party_fields for c in cases]
        pairs = DepartmentParty.pairs(case_ids) if case_ids else set()
        super().write(*args)
        if case_ids:
            DepartmentParty.update(pairs | DepartmentParty.pairs(case_ids))

    @classmethod
    def delete(cls, cases):
        pool = Pool()
        DepartmentParty = pool.get('onewindow.department-party.party')
        pairs = DepartmentParty.pairs([c.id for c in cases])
        super().delete(cases)
        DepartmentParty.update(pairs)

    @classmethod
    def get_identifier(cls, cases, names):
        pool = Pool()
        Identifier = pool.get('party.identifier')
        result = {n: {} for n in names}
        departments = identifier_departments()
        # The identifiers of all the parties, in one query, as
        # party.identifiers gives them (the first of a type is the code)
        parties = {p.id for c in cases
            for p in [c.applicant, c.agent, c.collector] if p}
        first = {}
        for sub_ids in grouped_slice(sorted(parties)):
            for identifier in Identifier.search([
                        ('party', 'in', list(sub_ids)),
                        ], order=[('party', None)] + Identifier._order):
                first.setdefault(
                    (identifier.party.id, identifier.type), identifier.code)

        def code(case, party, type_):
            code = first.get((party.id, type_)) if party else None
            if (type_ in PERSONAL_IDENTIFIERS and departments is not None
                    and case.department.id not in departments):
                code = mask_identifier(code)
            return code
        for case in cases:
            if 'applicant_identifier' in names:
                result['applicant_identifier'][case.id] = code(
                    case, case.applicant,
                    IDENTIFIER_TYPES.get(case.applicant_kind))
            if 'agent_identifier' in names:
                result['agent_identifier'][case.id] = code(
                    case, case.agent, 'cn_ric')
            if 'collector_identifier' in names:
                result['collector_identifier'][case.id] = code(
                    case, case.collector, 'cn_ric')
        return result

    @classmethod
    def search_identifier(cls, name, clause):
        party = name[:-len('_identifier')]
        _, operator, value = clause
        domain = [(party + '.identifiers.code', operator, value)]
        departments = identifier_departments()
        if departments is not None:
            # Not an oracle for the numbers the user sees masked
            domain = ['OR',
                (party, 'where', hide_personal_codes(
                        [('identifiers.code', operator, value)])),
                [('department', 'in', departments)] + domain,
                ]
        return domain


class CaseOpinion(metaclass=PoolMeta):
    __name__ = 'onewindow.case.opinion'

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        DepartmentParty = pool.get('onewindow.department-party.party')
        opinions = super().create(vlist)
        DepartmentParty.update(DepartmentParty.pairs(
                [o.case.id for o in opinions]))
        return opinions

    @classmethod
    def write(cls, *args):
        pool = Pool()
        DepartmentParty = pool.get('onewindow.department-party.party')
        actions = iter(args)
        case_ids = set()
        for opinions, values in zip(actions, actions):
            if values.keys() & {'case', 'department'}:
                case_ids.update(o.case.id for o in opinions)
                if values.get('case'):
                    case_ids.add(values['case'])
        pairs = DepartmentParty.pairs(case_ids) if case_ids else set()
        super().write(*args)
        if case_ids:
            DepartmentParty.update(pairs | DepartmentParty.pairs(case_ids))

    @classmethod
    def delete(cls, opinions):
        pool = Pool()
        DepartmentParty = pool.get('onewindow.department-party.party')
        case_ids = {o.case.id for o in opinions}
        pairs = DepartmentParty.pairs(case_ids)
        super().delete(opinions)
        DepartmentParty.update(pairs)
