# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The timed operations, in process, as the server runs them

Each call goes the way trytond's dispatcher runs a JSON-RPC request: a new
transaction for the user, the method's RPC conversion (which sets the
access-check context, so the access rights and record rules apply), the
call, the commit.  Only the HTTP layer and the JSON encoding are left out;
the concurrency measurement (clients.py) covers them.  Each operation has
its baseline: the same reads and inserts in raw SQL with psycopg2."""
import datetime as dt
import logging
import random
import time
import uuid

from trytond.pool import Pool
from trytond.tools import is_instance_method
from trytond.transaction import Transaction

from .report import Figure, timed, timed_group

RELATIONAL = {'many2one', 'one2one', 'reference'}
# The web client counts the records of a full page up to a hundred pages
COUNT_LIMIT = 80 * 100
X2MANY = {'one2many', 'many2many'}


class Server:
    "Calls made the way the dispatcher makes them"

    def __init__(self, dbname):
        self.dbname = dbname
        self.pool = Pool(dbname)
        self.contexts = {}

    def context(self, user):
        if user not in self.contexts:
            with Transaction().start(self.dbname, user, readonly=True):
                User = self.pool.get('res.user')
                self.contexts[user] = User.get_preferences(
                    context_only=True)
        return self.contexts[user]

    def call(self, user, name, method, *args, type_='model', commit=True):
        """Call method of the model (or report) name as user; return result

        With commit False the transaction is rolled back instead."""
        obj = self.pool.get(name, type=type_)
        rpc = obj.__rpc__[method]
        context = self.context(user)
        with Transaction().start(self.dbname, user,
                readonly=rpc.readonly) as transaction:
            c_args, c_kwargs, transaction.context, transaction.timestamp = (
                rpc.convert(obj, *args, context))
            meth = rpc.decorate(getattr(obj, method))
            if (rpc.instantiate is None
                    or not is_instance_method(obj, method)):
                result = rpc.result(meth(*c_args, **c_kwargs))
            else:
                inst = c_args.pop(0)
                if hasattr(inst, method):
                    result = rpc.result(meth(inst, *c_args, **c_kwargs))
                else:
                    result = [rpc.result(meth(i, *c_args, **c_kwargs))
                        for i in inst]
            if commit:
                transaction.commit()
            else:
                transaction.rollback()
        return result

    def view_fields(self, model, view_type, user=0):
        """Return the field names the client reads for the view: its
        fields, the rec_name of the relational ones and the access
        flags"""
        # As the client gets it: without the fields the user may not read
        context = dict(self.context(user) if user else {},
            _check_access=True)
        with Transaction().start(self.dbname, user, readonly=True,
                context=context):
            Model = self.pool.get(model)
            view = Model.fields_view_get(view_type=view_type)
        names = []
        for name, description in view['fields'].items():
            names.append(name)
            if description['type'] in RELATIONAL:
                names.append(name + '.rec_name')
        names += ['rec_name', '_timestamp', '_write', '_delete']
        x2many = {name: description['relation']
            for name, description in view['fields'].items()
            if description['type'] in X2MANY}
        return names, x2many


class QueryCounter(logging.Handler):
    """Count the SQL queries trytond runs (its cursor logs each one at
    debug level); used on an extra, untimed run of each operation"""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        message = record.getMessage()
        if message not in {"b'SELECT 1'", 'SELECT 1'}:
            self.count += 1

    def __enter__(self):
        self.logger = logging.getLogger('trytond.backend.postgresql.database')
        self.level = self.logger.level
        self.propagate = self.logger.propagate
        self.logger.setLevel(logging.DEBUG)
        self.logger.propagate = False
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self)
        self.logger.setLevel(self.level)
        self.logger.propagate = self.propagate


def count_queries(figure, func):
    "Run func once more, untimed, counting its SQL queries into figure"
    with QueryCounter() as counter:
        func(10 ** 6)
    figure.queries = counter.count


def remove_cases(connection, ids):
    "Delete the cases of ids inserted by a baseline in SQL, with their rows"
    if not ids:
        return
    cursor = connection.cursor()
    for table, column in [('onewindow_case_log', '"case"'),
            ('onewindow_case_material', '"case"'), ('onewindow_case', 'id')]:
        cursor.execute('DELETE FROM %s WHERE %s = ANY(%%s)' % (table, column),
            (list(ids),))
    connection.commit()


class Measure:
    "The measurements of the benchmark and their SQL baselines"

    def __init__(self, dbname, database, runs, printer):
        self.dbname = dbname
        self.database = database
        self.server = Server(dbname)
        self.pool = self.server.pool
        self.runs = runs
        self.print = printer
        self.rng = random.Random(11)
        self.figures = {}
        self.sql = database.connect()

    def figure(self, key, label):
        figure = self.figures[key] = Figure(key, label)
        return figure

    def available(self, model, type_='model'):
        try:
            self.pool.get(model, type=type_)
        except KeyError:
            return False
        return True

    def skip(self, key, label, reason):
        self.print('[measure] %-23s %-50s not available: %s' % (
                key, label, reason))

    def emit(self, figure):
        self.print(figure.line())

    # Preparation

    def prepare(self):
        "Look up the users, the samples and the view fields"
        cursor = self.sql.cursor()

        def user(login):
            cursor.execute("SELECT id FROM res_user WHERE login = %s",
                (login,))
            row = cursor.fetchone()
            if not row:
                raise RuntimeError("no user %s: the demo is not loaded"
                    % login)
            return row[0]
        self.admin = user('admin')
        self.clerk = user('clerk')
        self.approvers = [user('approver'), user('approver_mz')]
        cursor.execute('SELECT d.code, count(*) FROM onewindow_case c '
            'JOIN onewindow_department d ON d.id = c.department '
            'JOIN "res_user-onewindow_department" ud '
            'ON ud.department = d.id WHERE ud."user" = ANY(%s) '
            'GROUP BY d.code ORDER BY 2 DESC', (self.approvers,))
        self.approver_volumes = cursor.fetchall()
        cursor.execute("SELECT number FROM onewindow_case "
            "TABLESAMPLE SYSTEM (5) REPEATABLE (1) "
            "WHERE number IS NOT NULL LIMIT 5000")
        self.numbers = [n for n, in cursor.fetchall()]
        if len(self.numbers) < 100:
            cursor.execute("SELECT number FROM onewindow_case "
                "WHERE number IS NOT NULL ORDER BY id DESC LIMIT 5000")
            self.numbers = [n for n, in cursor.fetchall()]
        cursor.execute("SELECT i.code FROM party_identifier i "
            "JOIN (SELECT applicant FROM onewindow_case "
            "TABLESAMPLE SYSTEM (5) REPEATABLE (2) LIMIT 5000) c "
            "ON c.applicant = i.party")
        self.identifiers = [c for c, in cursor.fetchall()]
        if len(self.identifiers) < 100:
            cursor.execute("SELECT i.code FROM party_identifier i "
                "JOIN onewindow_case c ON c.applicant = i.party "
                "ORDER BY c.id DESC LIMIT 5000")
            self.identifiers = [c for c, in cursor.fetchall()]
        cursor.execute("SELECT id FROM onewindow_case "
            "TABLESAMPLE SYSTEM (5) REPEATABLE (3) LIMIT 5000")
        self.case_ids = [i for i, in cursor.fetchall()]
        if len(self.case_ids) < 100:
            cursor.execute("SELECT id FROM onewindow_case "
                "ORDER BY id DESC LIMIT 5000")
            self.case_ids = [i for i, in cursor.fetchall()]
        self.sql.rollback()
        self.list_fields, _ = self.server.view_fields(
            'onewindow.case', 'tree', self.clerk)
        self.form_fields, self.form_lines = self.server.view_fields(
            'onewindow.case', 'form', self.clerk)
        self.line_fields = {}
        for name, relation in self.form_lines.items():
            self.line_fields[name] = self.server.view_fields(
                relation, 'tree', self.clerk)[0]
        self.prepare_intake()

    def prepare_intake(self):
        """Pick the matter of the intake: a published matter of the
        department of the demo approver, delegated to the comprehensive
        window, with eight materials (or the nearest count)"""
        cursor = self.sql.cursor()
        cursor.execute('''
            SELECT m.id, count(mm.id) AS materials
            FROM onewindow_matter m
            JOIN onewindow_department d ON d.id = m.department
            JOIN onewindow_matter_material mm ON mm.matter = m.id
            WHERE m.state = 'published' AND m.acceptance = 'comprehensive'
                AND m.handling = 'promised'
                AND m.applicant_kind IN ('natural', 'both')
                AND m.promised_limit BETWEEN 1 AND 20
                AND EXISTS (SELECT 1 FROM "onewindow_delegation-onewindow_matter"
                    dm JOIN onewindow_delegation dl ON dl.id = dm.delegation
                    JOIN onewindow_matter m2 ON m2.id = dm.matter
                    WHERE dl.state = 'active' AND m2.code = m.code)
            GROUP BY m.id, d.code
            ORDER BY abs(count(mm.id) - 8), (d.code = 'RS') DESC, m.id
            LIMIT 1''')
        row = cursor.fetchone()
        if not row:
            raise RuntimeError("no delegated matter to apply for")
        matter_id, self.intake_materials = row
        cursor.execute('''
            SELECT i.party FROM party_identifier i
            JOIN party_contact_mechanism cm ON cm.party = i.party
            WHERE i.type = 'cn_ric' ORDER BY i.id DESC LIMIT 200''')
        self.intake_applicants = [p for p, in cursor.fetchall()]
        cursor.execute("SELECT w.id, w.hall FROM onewindow_window w "
            "JOIN \"onewindow_window-company_employee\" we "
            "ON we.window = w.id JOIN res_user u ON u.employee = we.employee "
            "WHERE u.id = %s AND w.kind = 'comprehensive'", (self.clerk,))
        self.intake_window, self.intake_hall = cursor.fetchone()
        self.sql.rollback()
        with Transaction().start(self.dbname, 0, readonly=True,
                context={'language': 'zh_CN'}):
            Case = self.pool.get('onewindow.case')
            Matter = self.pool.get('onewindow.matter')
            matter = Matter(matter_id)
            Material = self.pool.get('onewindow.case.material')
            materials = []
            for values in Case._material_values(matter):
                values['paper_received'] = values['paper_expected']
                values['electronic_received'] = values['electronic_expected']
                values['applicable'] = True
                # As the web client sends them: without the read-only
                # fields, which the server fills from the checklist
                materials.append({k: v for k, v in values.items()
                        if not Material._fields[k].readonly})
            form_data = {}
            for field in matter.form_fields:
                form_data[field.name] = {
                    'integer': 1, 'float': 1.0, 'numeric': 1.0,
                    'boolean': True, 'date': None,
                    }.get(field.type_, "申请")
                if field.type_ in {'selection', 'multiselection'}:
                    keys = [l.split(':', 1)[0].strip()
                        for l in (field.selection or '').splitlines()
                        if l.strip()]
                    form_data[field.name] = (keys[0] if field.type_ ==
                        'selection' else keys[:1]) if keys else None
            self.intake_matter = matter_id
            self.intake_matter_name = matter.rec_name
            self.intake_values = {
                'matter': matter_id,
                'hall': self.intake_hall,
                'window': self.intake_window,
                'channel': 'window',
                'applicant_kind': 'natural',
                'phone': '13800138000',
                'form_data': {k: v for k, v in form_data.items()
                    if v is not None},
                'materials': [('create', materials)],
                }

    # Baselines

    def bare_create(self):
        figure = self.figure('bare_create',
            'baseline: Tryton create of one party.category')

        def run(i):
            self.server.call(self.admin, 'party.category', 'create',
                [{'name': 'bench %s' % uuid.uuid4().hex}])
        sql = self.figure('sql_insert',
            'baseline: SQL insert of one party_category row')
        cursor = self.sql.cursor()

        def run_sql(i):
            cursor.execute("INSERT INTO party_category "
                "(name, active, create_uid, create_date) "
                "VALUES (%s, true, 0, now()) RETURNING id",
                ('bench sql %s' % uuid.uuid4().hex,))
            cursor.fetchone()
            self.sql.commit()
        timed_group([(figure, run), (sql, run_sql)], self.runs['create'])
        count_queries(figure, run)
        figure.baseline = sql
        self.emit(figure)
        self.emit(sql)

    # The columns of the case lists, with the names the client reads
    PAGE_SQL = '''
        SELECT c.id, c.number, c.application_date, c.matter,
            '[' || m.code || '] ' || m.name, c.department, d.name,
            c.applicant, p.name, c.window, w.name, c.channel,
            c.acceptance_date, c.deadline, c.state
        FROM onewindow_case c
        JOIN onewindow_matter m ON m.id = c.matter
        JOIN onewindow_department d ON d.id = c.department
        JOIN party_party p ON p.id = c.applicant
        LEFT JOIN onewindow_window w ON w.id = c.window
'''

    # The department approver's list

    LIST_SQL = PAGE_SQL + '''
        WHERE {scope} AND c.company = %(company)s AND {where}
        ORDER BY {order} LIMIT 80'''
    COUNT_SQL = '''
        SELECT count(*) FROM (SELECT 1 FROM onewindow_case c
            WHERE {scope} AND c.company = %(company)s AND {where}
            LIMIT {limit}) s'''

    def case_list(self, key, label, domain, where, note='', users=None,
            order=None):
        figure = self.figure(key, label)
        figure.note = note
        sql = self.figure('sql_' + key[5:] if key.startswith('dept_')
            else 'sql_' + key, 'baseline: the same page in SQL')
        approvers = users or self.approvers
        if order is None:
            order = [('deadline', 'ASC')]
        sql_order = ', '.join('c.%s %s' % o for o in order) + (
            ', c.id ASC' if order else 'c.application_date DESC, c.id DESC')

        # The domain of a tab as each user's client decodes it
        domains = {user: domain(user) if callable(domain) else domain
            for user in approvers}

        def run(i):
            user = approvers[i % len(approvers)]
            ids = self.server.call(user, 'onewindow.case', 'search',
                domains[user], 0, 80, order or None)
            self.server.call(user, 'onewindow.case', 'read', ids,
                self.list_fields)
            if len(ids) == 80:
                self.server.call(user, 'onewindow.case', 'search_count',
                    domains[user], 0, COUNT_LIMIT)
        cursor = self.sql.cursor()
        cursor.execute('SELECT "user", array_agg(department) FROM '
            '"res_user-onewindow_department" WHERE "user" = ANY(%s) '
            'GROUP BY "user"', (approvers,))
        departments = dict(cursor.fetchall())
        cursor.execute("SELECT id FROM company_company LIMIT 1")
        company, = cursor.fetchone()
        cursor.execute("SELECT array_agg(id) FROM onewindow_hall")
        halls, = cursor.fetchone()
        self.sql.rollback()

        def run_sql(i):
            user = approvers[i % len(approvers)]
            # A tuple: IN (11) is an equality the planner reads an index
            # in order with, = ANY(array) is not
            params = {'departments': tuple(departments.get(user) or ()),
                'company': company,
                'halls': halls}
            scope = ('c.department IN %(departments)s'
                if user in departments else 'c.hall = ANY(%(halls)s)')
            cursor.execute(self.LIST_SQL.format(where=where, scope=scope,
                    order=sql_order), params)
            rows = cursor.fetchall()
            if len(rows) == 80:
                cursor.execute(self.COUNT_SQL.format(where=where,
                        scope=scope, limit=COUNT_LIMIT), params)
                cursor.fetchall()
            self.sql.commit()
        timed_group([(figure, run), (sql, run_sql)], self.runs['list'])
        count_queries(figure, run)
        figure.baseline = sql
        self.emit(figure)
        self.emit(sql)
        return figure

    def tabs(self, user):
        """Return the tabs of the cases' window by XML id: (name, domain)
        as the client of user gets them"""
        from trytond.pyson import PYSONDecoder
        result = {}
        context = self.server.context(user)
        with Transaction().start(self.dbname, user,
                readonly=True, context=context):
            ModelData = self.pool.get('ir.model.data')
            Domain = self.pool.get('ir.action.act_window.domain')
            for data in ModelData.search([
                        ('module', '=', 'onewindow_approval'),
                        ('model', '=', 'ir.action.act_window.domain'),
                        ]):
                tab = Domain(data.db_id)
                result[data.fs_id] = (tab.name, PYSONDecoder(
                        Transaction().context).decode(tab.domain))
        return result

    def floor(self):
        """The cost of Tryton itself for the calls of a list page: the
        search, read and count the client makes, on a small table (the
        models of ir.model, a few hundred rows) by the same approver; and
        the search and read of one record by a key, as the clerk's search
        does"""
        figure = self.figure('floor_list',
            'baseline: the calls of a list page on a small table')
        user = self.approvers[0]

        def run(i):
            ids = self.server.call(user, 'ir.model', 'search', [], 0, 80,
                None)
            self.server.call(user, 'ir.model', 'read', ids,
                ['name', 'model', 'module'])
            self.server.call(user, 'ir.model', 'search_count', [], 0,
                COUNT_LIMIT)
        timed(figure, run, self.runs['list'])
        count_queries(figure, run)
        self.emit(figure)
        figure = self.figure('floor_search',
            'baseline: a search by key and read on a small table')

        def run(i):
            ids = self.server.call(self.clerk, 'ir.model', 'search',
                [('model', '=', 'onewindow.case')], 0, 80, None)
            self.server.call(self.clerk, 'ir.model', 'read', ids,
                ['name', 'model', 'module'])
        timed(figure, run, self.runs['search'])
        count_queries(figure, run)
        self.emit(figure)

    def department_lists(self):
        volumes = ', '.join('%s %s cases' % v for v in self.approver_volumes)
        tabs = self.tabs(self.approvers[0])

        def domain_of(key):
            return lambda user: self.tabs(user)[key][1]
        # The approver's work: the cases under review in his department
        # (once the back office exists), else the accepted ones
        key = ('act_case_form_domain_review'
            if 'act_case_form_domain_review' in tabs
            else 'act_case_form_domain_2')
        _, domain = tabs.get(key, ('', [('state', '=', 'accepted')]))
        label = ('Under Review' if key == 'act_case_form_domain_review'
            else 'Accepted')
        states = [v for _, _, v in domain[:1]][0] if domain else 'accepted'
        states = [states] if isinstance(states, str) else list(states)
        self.case_list('dept_list_open',
            "approver's list, tab %s, by deadline" % label,
            domain_of(key) if key in tabs else domain,
            'c.state IN (%s)' % ', '.join("'%s'" % s for s in states),
            note=volumes)
        if 'act_case_form_domain_deadline' in tabs:
            Case = self.pool.get('onewindow.case')
            running = ', '.join("'%s'" % s for s in Case._deadline_states)
            self.case_list('dept_list_late',
                "approver's list, tab Near or Past Deadline",
                domain_of('act_case_form_domain_deadline'),
                'c.state IN (%s) AND c.deadline <= current_date + 1'
                % running)
        else:
            self.skip('dept_list_late',
                "approver's list, tab of the late cases",
                'no tab of the cases near or past their deadline')
        self.case_list('dept_list_all',
            "approver's list, tab All, by deadline", [], 'true')
        self.case_list('clerk_list_all',
            "clerk's list, tab All, newest first", [], 'true',
            users=[self.clerk], order=[])

    # The clerk's searches

    SEARCH_SQL = PAGE_SQL + '''
        WHERE {where}
        ORDER BY c.application_date DESC, c.id DESC LIMIT 80'''

    def search(self, key, label, values, domain_of, where, runs=None,
            budget=None):
        figure = self.figure(key, label)
        rng = random.Random(key)

        def run(i):
            value = rng.choice(values)
            ids = self.server.call(self.clerk, 'onewindow.case', 'search',
                domain_of(value), 0, 80, None)
            self.server.call(self.clerk, 'onewindow.case', 'read', ids,
                self.list_fields)
        sql = None
        if where:
            sql = self.figure('sql_' + key, 'baseline: the same in SQL')
            cursor = self.sql.cursor()

            def run_sql(i):
                cursor.execute(self.SEARCH_SQL.format(where=where),
                    {'value': rng.choice(values)})
                cursor.fetchall()
                self.sql.commit()
            timed_group([(figure, run), (sql, run_sql)],
                runs or self.runs['search'])
            figure.baseline = sql
        else:
            timed(figure, run, runs or self.runs['search'], budget=budget)
        count_queries(figure, run)
        self.emit(figure)
        if sql:
            self.emit(sql)
        return figure

    def searches(self):
        self.search('search_number', "clerk's search by case number",
            self.numbers, lambda v: [('number', '=', v)],
            'c.number = %(value)s')
        self.search('search_applicant_id', "clerk's search by applicant ID",
            self.identifiers, lambda v: [('applicant_identifier', '=', v)],
            'c.applicant IN (SELECT party FROM party_identifier '
            'WHERE code = %(value)s)')
        self.search('search_text',
            "clerk's search bar: number typed as free text",
            self.numbers, lambda v: [('rec_name', 'ilike', '%' + v + '%')],
            None, runs=self.runs['slow'], budget=self.runs['budget'])
        cursor = self.sql.cursor()
        cursor.execute("SELECT p.name FROM party_party p "
            "JOIN (SELECT applicant FROM onewindow_case "
            "TABLESAMPLE SYSTEM (5) REPEATABLE (4) LIMIT 5000) c "
            "ON c.applicant = p.id")
        names = [n for n, in cursor.fetchall()]
        self.sql.rollback()
        self.search('search_text_name',
            "clerk's search bar: applicant's name as free text",
            names or self.numbers,
            lambda v: [('rec_name', 'ilike', '%' + v + '%')],
            None, runs=self.runs['slow'], budget=self.runs['budget'])
        self.search('search_text_id',
            "clerk's search bar: applicant's ID as free text",
            self.identifiers,
            lambda v: [('rec_name', 'ilike', '%' + v + '%')],
            None, runs=self.runs['slow'], budget=self.runs['budget'])
        self.party_search()

    def party_search(self):
        """A department user looks an applicant up by a part of his name:
        the record rules give him only the parties of his departments'
        cases"""
        cursor = self.sql.cursor()
        cursor.execute('SELECT name FROM party_party '
            'WHERE id IN (SELECT applicant FROM onewindow_case '
            'ORDER BY id DESC LIMIT 200)')
        names = [n[-2:] for n, in cursor if n] or ['张']
        self.sql.commit()
        figure = self.figure('party_search_department',
            "department user's search of the parties by a part of the name")
        rng = random.Random('party')

        def run(i):
            user = self.approvers[i % len(self.approvers)]
            ids = self.server.call(user, 'party.party', 'search',
                [('rec_name', 'ilike', '%' + rng.choice(names) + '%')],
                0, 80, None)
            self.server.call(user, 'party.party', 'read', ids,
                ['rec_name'])
        timed(figure, run, self.runs['search'])
        count_queries(figure, run)
        self.emit(figure)

    # The case form

    def open_form(self):
        figure = self.figure('open_form',
            "open a case form: its fields and all its lines")
        rng = random.Random('form')
        user = self.clerk

        def run(i):
            case_id = rng.choice(self.case_ids)
            record, = self.server.call(user, 'onewindow.case', 'read',
                [case_id], self.form_fields)
            for name, relation in self.form_lines.items():
                ids = record.get(name) or []
                if ids:
                    self.server.call(user, relation, 'read', ids,
                        self.line_fields[name])
        sql = self.figure('sql_open_form', 'baseline: the same in SQL')
        cursor = self.sql.cursor()
        tables = ['onewindow_case_material', 'onewindow_case_log',
            'onewindow_case_supplement', 'onewindow_case_fee']

        def run_sql(i):
            case_id = rng.choice(self.case_ids)
            cursor.execute('SELECT c.*, m.name, d.name, p.name, w.name '
                'FROM onewindow_case c '
                'JOIN onewindow_matter m ON m.id = c.matter '
                'JOIN onewindow_department d ON d.id = c.department '
                'JOIN party_party p ON p.id = c.applicant '
                'LEFT JOIN onewindow_window w ON w.id = c.window '
                'WHERE c.id = %s', (case_id,))
            cursor.fetchall()
            cursor.execute('SELECT code FROM party_identifier WHERE party = '
                '(SELECT applicant FROM onewindow_case WHERE id = %s)',
                (case_id,))
            cursor.fetchall()
            for table in tables:
                cursor.execute('SELECT * FROM "%s" WHERE "case" = %%s '
                    'ORDER BY id' % table, (case_id,))
                cursor.fetchall()
            self.sql.commit()
        timed_group([(figure, run), (sql, run_sql)], self.runs['form'])
        count_queries(figure, run)
        figure.baseline = sql
        self.emit(figure)
        self.emit(sql)

    # Intake

    def intake_once(self, i, rng=None):
        """Register a case with its materials received, check the originals
        and accept it, in the calls the client makes; return its id"""
        rng = rng or self.rng
        clerk = self.clerk
        values = dict(self.intake_values,
            applicant=rng.choice(self.intake_applicants))
        case_id, = self.server.call(clerk, 'onewindow.case', 'create',
            [values])
        materials = self.server.call(clerk, 'onewindow.case.material',
            'search_read', [('case', '=', case_id)], 0, None, None,
            ['original_check'])
        to_check = [m['id'] for m in materials if m['original_check']]
        if to_check:
            self.server.call(clerk, 'onewindow.case.material',
                'check_original', to_check)
        self.server.call(clerk, 'onewindow.case', 'accept', [case_id])
        return case_id

    def intake(self):
        figure = self.figure('intake',
            "intake: create with %s materials, check originals, accept"
            % self.intake_materials)
        rng = random.Random('intake')
        self.accepted = []

        def run(i):
            self.accepted.append(self.intake_once(i, rng))
        figure.note = 'matter %s' % self.intake_matter_name
        sql = self.figure('sql_intake',
            'baseline: the same rows inserted in SQL')
        cursor = self.sql.cursor()
        cursor.execute('SELECT m.company, m.department, u.employee '
            'FROM onewindow_matter m, res_user u '
            'WHERE m.id = %s AND u.id = %s', (self.intake_matter, self.clerk))
        company, department, employee = cursor.fetchone()
        hall, window = self.intake_hall, self.intake_window
        cursor.execute('SELECT mm.id, mm.sequence, mm.name, mm.requirement, '
            'mm.paper_copies, mm.electronic_copies, mm.credibility, '
            'mm.original_check FROM onewindow_matter_material mm '
            'WHERE mm.matter = %s', (self.intake_matter,))
        checklist = cursor.fetchall()
        self.sql.rollback()
        sql_cases = []

        def run_sql(i):
            applicant = rng.choice(self.intake_applicants)
            cursor.execute('INSERT INTO onewindow_case (company, hall, '
                '"window", channel, application_date, matter, department, '
                'applicant, applicant_kind, phone, state, registered_by, '
                'supplement_count, create_uid, create_date) VALUES '
                '(%s, %s, %s, \'window\', current_date, %s, %s, %s, '
                '\'natural\', \'13800138000\', \'draft\', %s, 0, 0, now()) '
                'RETURNING id', (company, hall, window, self.intake_matter,
                    department, applicant, employee))
            case_id, = cursor.fetchone()
            sql_cases.append(case_id)
            args = []
            for (mm, sequence, name, requirement, paper, electronic,
                    credibility, original) in checklist:
                args.extend([case_id, mm, sequence, name, requirement,
                        paper, paper, electronic, electronic, credibility,
                        original, employee if original else None])
            cursor.execute('INSERT INTO onewindow_case_material ("case", '
                'matter_material, sequence, name, requirement, '
                'paper_expected, paper_received, electronic_expected, '
                'electronic_received, credibility, original_check, '
                'original_checked_by, create_uid, create_date) VALUES '
                + ', '.join(['(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '
                        '%s, 0, now())'] * len(checklist)), args)
            cursor.execute('UPDATE onewindow_case SET state = \'accepted\', '
                'acceptance_date = current_date, promised_limit = 10, '
                'deadline = current_date + 14, number = %s, '
                'deadline_explanation = \'-\', accepted_by = %s '
                'WHERE id = %s', ('SQL-%s' % uuid.uuid4().hex, employee,
                    case_id))
            cursor.execute('INSERT INTO onewindow_case_log ("case", date, '
                'employee, event, state_before, state_after, comment, '
                'create_uid, create_date) VALUES '
                '(%s, now(), %s, \'material\', \'draft\', \'draft\', '
                '\'-\', 0, now()), (%s, now(), %s, \'accept\', \'draft\', '
                '\'accepted\', \'-\', 0, now())',
                (case_id, employee, case_id, employee))
            self.sql.commit()
        bare = self.figure('bare_create_paired',
            'baseline: bare create, run after the intakes')

        def run_bare(i):
            self.server.call(self.admin, 'party.category', 'create',
                [{'name': 'bench %s' % uuid.uuid4().hex}])
        timed_group([(figure, run), (sql, run_sql)], self.runs['intake'])
        # The baseline's rows are not cases of the hall (no parties of the
        # department, no events): left in the database, they would be on
        # the first page of the approver's lists that the clients read
        remove_cases(self.sql, sql_cases)
        # Counted as the intakes were timed: after the bare creates, the
        # intake would fill the translation cache again
        count_queries(figure, run)
        # Not between the intakes: a category's name is translated, and
        # each create empties the translation cache of every process, which
        # the next intake would then fill again
        timed(bare, run_bare, self.runs['intake'])
        figure.baseline = bare
        self.emit(figure)
        self.emit(sql)
        self.emit(bare)
        return figure

    # Reports

    def reports(self):
        cursor = self.sql.cursor()
        cursor.execute("SELECT fs_id, db_id FROM ir_model_data "
            "WHERE module = 'onewindow_approval' AND fs_id IN "
            "('report_acceptance_notice', 'report_acceptance_notice_odt')")
        actions = dict(cursor.fetchall())
        # The cases the intakes accepted, else (--only reports) accepted
        # cases of the database
        cases = getattr(self, 'accepted', None)
        if not cases:
            cursor.execute("SELECT id FROM onewindow_case "
                "WHERE state IN ('accepted', 'review') ORDER BY id LIMIT 50")
            cases = [i for i, in cursor.fetchall()] or self.case_ids
        self.sql.rollback()
        rng = random.Random('report')
        for key, label, fs_id, runs in [
                ('report_odt', 'acceptance notice rendered to ODT',
                    'report_acceptance_notice_odt', self.runs['odt']),
                ('report_pdf', 'acceptance notice rendered to PDF (soffice)',
                    'report_acceptance_notice', self.runs['pdf']),
                ]:
            if fs_id not in actions:
                self.skip(key, label, 'no report action %s' % fs_id)
                continue
            figure = self.figure(key, label)

            def run(i):
                case_id = rng.choice(cases)
                result = self.server.call(self.clerk,
                    'onewindow.case.acceptance_notice', 'execute',
                    [case_id], {
                        'action_id': actions[fs_id],
                        'model': 'onewindow.case',
                        'id': case_id, 'ids': [case_id],
                        }, type_='report')
                assert result[1], 'empty report'
                figure.note = '%s, %s bytes' % (result[0], len(result[1]))
            try:
                timed(figure, run, runs, warmup=1)
                if key == 'report_odt':
                    count_queries(figure, run)
            except FileNotFoundError as exception:
                self.skip(key, label, 'soffice is not installed (%s)'
                    % exception)
                continue
            self.emit(figure)

    # The back office and the supervision, when they exist

    def back_office(self):
        hooks = [
            ('handover_50', 'hand-over of 50 cases', 'onewindow.handover',
                self.handover),
            ('card_sweep', 'card sweep over all open cases',
                'onewindow.card', self.card_sweep),
            ('statistics_year', "supervisor's statistics for one year",
                None, self.statistics),
            ]
        for key, label, model, func in hooks:
            if model and not self.available(model):
                self.skip(key, label, 'no model %s' % model)
                continue
            reason = func(key, label)
            if isinstance(reason, str):
                self.skip(key, label, reason)

    def handover(self, key, label):
        """The clerk hands 50 accepted cases of one department over (a slip
        is created and sent, each case starts its review); each run is
        rolled back so the same 50 cases serve every run"""
        Case = self.pool.get('onewindow.case')
        if not hasattr(Case, 'hand_over'):
            return 'onewindow.case has no hand_over button'
        cursor = self.sql.cursor()
        query = ('SELECT id FROM onewindow_case WHERE state = %s '
            'AND handover IS NULL AND matter IN (SELECT id FROM '
            'onewindow_matter WHERE department = (SELECT department FROM '
            'onewindow_matter WHERE id = %s)) ORDER BY id DESC LIMIT 50')
        cursor.execute(query, ('accepted', self.intake_matter))
        ids = [i for i, in cursor.fetchall()]
        self.sql.rollback()
        # Accept more cases of the department through the intake when the
        # data has fewer than 50 waiting for their hand-over
        for i in range(50 - len(ids)):
            self.intake_once(i)
        cursor.execute(query, ('accepted', self.intake_matter))
        ids = [i for i, in cursor.fetchall()]
        self.sql.rollback()
        if len(ids) < 50:
            return 'only %s accepted cases to hand over' % len(ids)
        figure = self.figure(key, label)

        def run(i):
            self.server.call(self.clerk, 'onewindow.case', 'hand_over', ids,
                commit=False)
        timed(figure, run, self.runs['handover'], warmup=1)
        count_queries(figure, run)
        figure.note = 'rolled back after each run'
        self.emit(figure)

    # The cases a busy prefecture hall changes in an hour: about 400 cases
    # a working day, each written some seven times in its life, is 350
    # writes an hour; the benchmark takes three times as many
    HOURLY_CHANGES = 1000

    def card_sweep(self, key, label):
        """The scheduled job that issues the yellow and red cards, as
        trytond-cron runs it (the method of its ir.cron record, in a
        transaction that holds the locks it asks for), over all the open
        cases.  The first sweep of the database issues the cards of every
        late case and is committed, as the scheduler would; the table is
        analyzed, as autovacuum would.  Then the hourly sweep is measured
        after an hour of the hall (HOURLY_CHANGES running cases written
        since the previous sweep), and the first sweep of a day (the
        previous sweep the working day before, with the same changes);
        each is rolled back."""
        from trytond.transaction import TransactionError
        cursor = self.sql.cursor()
        cursor.execute("SELECT method FROM ir_cron "
            "WHERE method LIKE 'onewindow.%%card%%|%%' ORDER BY id")
        methods = [m for m, in cursor.fetchall()]
        self.sql.rollback()
        if not methods:
            return 'no scheduled job (ir.cron) of onewindow.card'
        model, method = methods[0].split('|')
        Model = self.pool.get(model)
        company = self.server.context(self.clerk).get('company')
        extras = {}
        Case = self.pool.get('onewindow.case')
        running = list(Case._deadline_states)

        def sweep(commit, prepare=None):
            while True:
                with Transaction().start(self.dbname, 0, context={
                            'company': company}, **extras) as transaction:
                    try:
                        if prepare:
                            prepare(transaction.connection.cursor())
                        before = Model.search_count([('state', '=', 'open')])
                        start = time.perf_counter()
                        getattr(Model, method)()
                        ms = (time.perf_counter() - start) * 1000
                        after = Model.search_count([('state', '=', 'open')])
                    except TransactionError as exception:
                        transaction.rollback()
                        exception.fix(extras)
                        continue
                    if commit:
                        transaction.commit()
                    else:
                        transaction.rollback()
                return ms, before, after
        first = self.figure(key + '_first', label + ', first sweep')
        ms, before, after = sweep(True)
        first.add(ms)
        first.note = ('%s open cards before, %s after; committed'
            % (before, after))
        self.emit(first)
        cursor.execute('ANALYZE onewindow_card')
        self.sql.commit()
        incremental = 'onewindow.card.sweep' in dict(self.pool.iterobject())

        def hour_of_changes(cursor):
            cursor.execute('UPDATE onewindow_case SET write_date = '
                'CURRENT_TIMESTAMP WHERE id IN (SELECT id FROM '
                'onewindow_case TABLESAMPLE SYSTEM (2) WHERE state = ANY(%s) '
                'LIMIT %s)', (running, self.HOURLY_CHANGES))

        def day_of_changes(cursor):
            hour_of_changes(cursor)
            cursor.execute('UPDATE onewindow_card_sweep SET '
                'date = date - 1 WHERE id = (SELECT max(id) '
                'FROM onewindow_card_sweep)')
        variants = [(key, label + ', hourly sweep', hour_of_changes)]
        if incremental:
            variants.append((key + '_daily',
                    label + ', first sweep of a day', day_of_changes))
        for vkey, vlabel, prepare in variants:
            figure = self.figure(vkey, vlabel)

            def run(i):
                ms, before, after = sweep(False, prepare)
                if 0 <= i < 10 ** 6:
                    figure.add(ms)
                    figure.note = ('%s.%s, %s open cards, %s running cases '
                        'written since the previous sweep, rolled back '
                        'after each run' % (model, method, after,
                            self.HOURLY_CHANGES))
            timed(Figure('-', '-'), run, self.runs['sweep'], warmup=1)
            count_queries(figure, run)
            self.emit(figure)

    def statistics(self, key, label):
        """The supervisor reads every statistics model (the table_query
        models of the supervision) for one year"""
        from trytond.model import ModelSQL
        models = []
        for name, Model in self.pool.iterobject():
            if (name.startswith('onewindow.') and 'statistic' in name
                    and issubclass(Model, ModelSQL)
                    and Model.table_query != ModelSQL.table_query):
                models.append(name)
        if not models:
            return 'no statistics model (onewindow.*statistic*)'
        cursor = self.sql.cursor()
        cursor.execute("SELECT id FROM res_user WHERE login = 'supervisor'")
        row = cursor.fetchone()
        self.sql.rollback()
        if not row:
            return 'no demo supervisor'
        supervisor, = row
        today = dt.date.today()
        start = today.replace(year=today.year - 1)
        period = {'from_date': start, 'to_date': today,
            'start_date': start, 'end_date': today}
        context = dict(self.server.context(supervisor), **period)
        fields = {}
        with Transaction().start(self.dbname, supervisor, readonly=True):
            for name in models:
                fields[name] = [f for f, d in self.pool.get(
                        name).fields_get().items()
                    if d['type'] not in {'one2many', 'many2many', 'binary'}]

        def run_models(names):
            def run(i):
                saved = self.server.contexts[supervisor]
                self.server.contexts[supervisor] = context
                try:
                    for name in names:
                        self.server.call(supervisor, name, 'search_read', [],
                            0, None, None, fields[name])
                finally:
                    self.server.contexts[supervisor] = saved
            return run
        # Each list as the supervisor opens it, then the lists of the
        # cases together and those of the satisfaction (the ratings)
        # together
        groups = [
            (key, label, [n for n in models if '.evaluation.' not in n]),
            ('satisfaction_year', "supervisor's satisfaction statistics for "
                "one year", [n for n in models if '.evaluation.' in n]),
            ]
        for group_key, group_label, names in groups:
            if not names:
                continue
            for name in names:
                figure = self.figure('%s_%s' % (group_key,
                        name.split('.')[-1]),
                    "statistics for one year, %s" % name)
                run = run_models([name])
                timed(figure, run, self.runs['statistics'], warmup=1)
                count_queries(figure, run)
                self.emit(figure)
            figure = self.figure(group_key,
                group_label + ', %s lists' % len(names))
            run = run_models(names)
            timed(figure, run, self.runs['statistics'], warmup=1)
            count_queries(figure, run)
            figure.note = ', '.join(names)
            self.emit(figure)

    def close(self):
        self.sql.close()


def runs_for(quick, scale=1.0):
    "The number of runs of each measurement"
    if quick:
        runs = {'create': 30, 'list': 30, 'search': 40, 'form': 30,
            'intake': 20, 'odt': 5, 'pdf': 2, 'slow': 3, 'budget': 10,
            'handover': 3, 'sweep': 2, 'statistics': 3}
    else:
        runs = {'create': 300, 'list': 200, 'search': 300, 'form': 200,
            'intake': 100, 'odt': 30, 'pdf': 5, 'slow': 10, 'budget': 60,
            'handover': 20, 'sweep': 5, 'statistics': 20}
    if scale != 1.0:
        runs = {k: v if k == 'budget' else max(3, round(v * scale))
            for k, v in runs.items()}
    return runs
