# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The search bar on PostgreSQL

The clerk types a case number, a name or an identifier in the search bar
of the web client: a rec_name search with ``ilike '%…%'``.  Tryton declares
a similarity index on the fields searched so (the party's name and code,
the identifier codes, the contact values, the case number); with
PostgreSQL's pg_trgm extension they are trigram indexes, which serve these
searches.  The OR of the rec_name domains spans several tables (the case,
its applicant, his identifiers), which PostgreSQL reads by scanning every
row: union_domain lets it read each branch from its own index."""
import logging

from sql import Union

from trytond import backend
from trytond.model.modelsql import convert_from
from trytond.pool import Pool
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

TRIGRAM = 'pg_trgm'


def create_trigram_extension():
    """Create PostgreSQL's pg_trgm extension in the database when it is
    available, before the module update creates the indexes, and say what to
    do when it is not"""
    if backend.name != 'postgresql':
        return
    transaction = Transaction()
    database = transaction.database
    cursor = transaction.connection.cursor()
    cursor.execute(
        'SELECT 1 FROM pg_extension WHERE extname = %s', (TRIGRAM,))
    if cursor.fetchone():
        _known(database, cursor)
        return
    cursor.execute(
        'SELECT 1 FROM pg_available_extensions WHERE name = %s', (TRIGRAM,))
    if not cursor.fetchone():
        logger.warning(
            "PostgreSQL's extension %s is not available: the search bar "
            "reads every case and every party.  Install the contrib "
            "extensions of PostgreSQL on the database server and update the "
            "modules again (trytond-admin -d %s --all)",
            TRIGRAM, database.name)
        return
    cursor.execute('SAVEPOINT onewindow_trigram')
    try:
        cursor.execute('CREATE EXTENSION IF NOT EXISTS %s' % TRIGRAM)
    except Exception as exception:
        cursor.execute('ROLLBACK TO SAVEPOINT onewindow_trigram')
        logger.warning(
            "The extension %s could not be created (%s): the search bar "
            "reads every case and every party.  A superuser of PostgreSQL "
            "creates it with: CREATE EXTENSION %s; in the database %s, then "
            "update the modules again (trytond-admin -d %s --all)",
            TRIGRAM, str(exception).strip(), TRIGRAM, database.name,
            database.name)
        return
    cursor.execute('RELEASE SAVEPOINT onewindow_trigram')
    logger.info("created PostgreSQL's extension %s: the similarity indexes "
        "are trigram indexes", TRIGRAM)
    _known(database, cursor)


def _known(database, cursor):
    """Tell the database's caches of its extensions and functions that
    pg_trgm exists: they ask through another connection, which does not see
    the extension before the update commits"""
    database._extensions[database.name][TRIGRAM] = True
    cursor.execute(
        "SELECT oid FROM pg_proc WHERE proname = 'similarity'")
    row = cursor.fetchone()
    if row:
        database._has_proc[database.name]['similarity']['oid'] = row[0]


def update_trigram_indexes(names):
    """Create the trigram indexes of the models named, once pg_trgm exists

    The indexes of the models of modules not updated with this one (the
    contact mechanisms of party) would stay B-trees until the next update of
    every module.  They are only created here: the indexes that the modules
    registered later declare on these models are not known yet, and the
    update drops the old ones of the models it updates itself."""
    if backend.name != 'postgresql':
        return
    from psycopg2.sql import SQL, Identifier
    transaction = Transaction()
    if not transaction.database.has_extension(TRIGRAM):
        return
    pool = Pool()
    cursor = transaction.connection.cursor()
    for name in names:
        Model = pool.get(name)
        table_h = Model.__table_handler__()
        for index in Model._sql_indexes:
            if not any(u.__class__.__name__ == 'Similarity'
                    for _, u in index.expressions):
                continue
            translator = table_h.index_translator_for(index)
            if not translator:
                continue
            index_name, query, params = translator.definition(index)
            index_name = 'idx_' + table_h.convert_name(
                '_'.join([table_h.table_name, index_name]),
                reserved=len('idx_'))
            cursor.execute(
                SQL('CREATE INDEX IF NOT EXISTS {} ON {} USING {}').format(
                    Identifier(index_name), Identifier(table_h.table_name),
                    query),
                params)


def union_domain(Model, domain):
    """Return the OR domain as the ids of the union of its branches

    Each branch is converted as the search of the domain would convert it
    (the record rules are those of the search that uses the domain)."""
    assert domain and domain[0] == 'OR'
    queries = []
    for branch in domain[1:]:
        tables, expression = Model.search_domain([branch], active_test=False)
        table, _ = tables[None]
        queries.append(convert_from(None, tables).select(
                table.id, where=expression))
    if len(queries) == 1:
        query, = queries
    else:
        query = Union(*queries)
    return [('id', 'in', query)]


def _drop_forgets_extensions():
    """Make a dropped PostgreSQL database forget its extensions

    trytond 7.0 forgets the functions of a database it drops, not its
    extensions: a database created again under the same name (as the tests
    do between their runs) would be taken to have pg_trgm, and the first
    trigram index of its update would fail."""
    from trytond.backend.postgresql.database import Database
    drop = Database.drop.__func__
    if getattr(drop, 'forgets_extensions', False):
        return

    def wrapper(cls, connection, database_name):
        drop(cls, connection, database_name)
        cls._extensions.pop(database_name, None)
    wrapper.forgets_extensions = True
    Database.drop = classmethod(wrapper)


_drop_forgets_extensions()
