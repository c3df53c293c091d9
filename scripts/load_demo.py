#!/usr/bin/env python3
# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Load the Wengyuan County demo into a database

Run it after activating the modules (scripts/demo.sh does both).  Each part
is loaded only when its module is activated, and loading again adds only
what is missing."""
import argparse
import importlib
import os
import sys
import time
from collections import defaultdict

from proteus import Model, config as pconfig

HERE = os.path.dirname(os.path.abspath(__file__))
PARTS = [
    ('onewindow_hall', 'demo_hall'),
    ('onewindow_matters', 'demo_matters'),
    ('onewindow_approval', 'demo_cases'),
    ('onewindow_evaluation', 'demo_evaluation'),
    ('onewindow_approval', 'demo_supervision'),
    ('onewindow_portal', 'demo_portal'),
    ]


def check_demo(config, database, new):
    """Refuse a database that was not created for the demo: the demo users
    have published passwords"""
    from trytond.transaction import Transaction
    pool = config.pool
    with Transaction().start(database, 0) as transaction:
        Configuration = pool.get('ir.configuration')
        User = pool.get('res.user')
        Company = pool.get('company.company')
        configuration = Configuration(1)
        if configuration.onewindow_demo:
            return
        pristine = (not User.search([('login', '!=', 'admin')], limit=1)
            and not Company.search([], limit=1))
        if not (new and pristine):
            sys.exit("%s is not a demo database: the demo (with its "
                "published passwords) is loaded only into a database "
                "created for it (scripts/demo.sh creates one)." % database)
        configuration.onewindow_demo = True
        configuration.save()
        transaction.commit()


def fast_writes():
    """Let SQLite keep its journal in memory and not wait for the disk at
    each commit while this process loads the demo: the loader commits each
    call, and a crash leaves a demo database to load again (--reset).  The
    settings are those of this process's connections and end with them.

    The loader runs some 13,000 transactions, and trytond opens a new SQLite
    connection for each (with its 40 functions and pragmas): the connections
    of the ended transactions are kept and given to the next ones (a nested
    transaction still gets a connection of its own)."""
    from trytond import backend
    if backend.name != 'sqlite':
        return
    Database = backend.Database
    connect, put_connection = Database.connect, Database.put_connection
    idle = defaultdict(list)

    def fast_connect(self):
        if self._conn is None and idle[self.name]:
            self._conn = idle[self.name].pop()
            return self
        new = self._conn is None
        database = connect(self)
        if new:
            self._conn.execute('PRAGMA synchronous = OFF')
            self._conn.execute('PRAGMA journal_mode = MEMORY')
        return database

    def fast_put_connection(self, connection=None, close=False):
        if (connection is None or close or self.name == ':memory:'
                or connection is not self._conn):
            return put_connection(self, connection, close)
        connection.rollback()
        idle[self.name].append(connection)
        self._conn = None
    Database.connect = fast_connect
    Database.put_connection = fast_put_connection


class OneTransaction:
    """Run the loader's proteus calls in one transaction until one of them
    leaves work for after its commit

    proteus starts, commits and stops a transaction for each call, and a
    new transaction has empty record caches, reads its user's rules and
    groups again and saves the model log of one call: the loader makes
    about 12,000 calls.  Here each call runs with its user, context and
    record rules as through proteus, in a savepoint of the open transaction
    (a refused call leaves nothing, as a rolled back one), and the
    transaction is committed when a call registered work to do after the
    commit (a violation flagged in a transaction of its own, the queued
    text messages), when a part of the loader starts or ends, and every
    thousand calls."""
    LIMIT = 1000

    def __init__(self, config):
        self.config = config
        self.transaction = None
        self.calls = 0

    def install(self):
        from proteus import config as proteus_config
        batch = self

        def call(method, *args, **kwargs):
            return batch.call(method, *args, **kwargs)
        proteus_config._TrytondMethod.__call__ = call

    def flush(self):
        "Commit the open transaction, then run its tasks"
        from trytond.worker import run_task
        from trytond.transaction import Transaction
        transaction, self.transaction = self.transaction, None
        self.calls = 0
        if transaction is not None:
            transaction.stop(True)
        tasks = Transaction().tasks
        while tasks:
            run_task(self.config.database_name, tasks.pop())

    def call(self, method, *args, **kwargs):
        from trytond.rpc import RPC, RPCReturnException
        from trytond.tools import is_instance_method
        from trytond.transaction import Transaction, TransactionError
        from trytond.modules.onewindow_hall.model import _readable
        model, name = method._object, method._name
        if name in model.__rpc__:
            rpc = model.__rpc__[name]
        elif name in getattr(model, '_buttons', {}):
            rpc = RPC(readonly=False, instantiate=0)
        else:
            raise TypeError('%s is not callable' % name)
        if self.transaction is None:
            self.transaction = Transaction().start(
                self.config.database_name, 0)
        transaction = self.transaction
        cursor = transaction.connection.cursor()
        logs = len(transaction.log_records)
        atexit = len(transaction._atexit)
        while True:
            cursor.execute('SAVEPOINT demo_call')
            user, context = transaction.user, transaction.context
            timestamp = transaction.timestamp
            transaction.user = method._config.user
            try:
                (c_args, c_kwargs, transaction.context,
                    transaction.timestamp) = rpc.convert(
                        model, *args, **kwargs)
                meth = getattr(model, name)
                if (rpc.instantiate is None
                        or not is_instance_method(model, name)):
                    result = rpc.result(meth(*c_args, **c_kwargs))
                else:
                    inst = c_args.pop(0)
                    if hasattr(inst, name):
                        result = rpc.result(meth(inst, *c_args, **c_kwargs))
                    else:
                        result = [rpc.result(meth(i, *c_args, **c_kwargs))
                            for i in inst]
            except BaseException as exception:
                # As a rolled back call: nothing of it is left but the work
                # it registered for after the end of its transaction
                cursor.execute('ROLLBACK TO demo_call')
                cursor.execute('RELEASE demo_call')
                transaction.cache.clear()
                transaction._cache_deque.clear()
                del transaction.log_records[logs:]
                _readable.pop(transaction, None)
                if isinstance(exception, TransactionError):
                    # The tables and records to lock (nothing to do on
                    # SQLite but to say they are)
                    extras = {}
                    exception.fix(extras)
                    transaction._locked_tables.update(
                        extras.get('_lock_tables', []))
                    for table, ids in extras.get(
                            '_lock_records', {}).items():
                        transaction._locked_records[table].update(ids)
                    continue
                if isinstance(exception, RPCReturnException):
                    Transaction().tasks.clear()
                    result = exception.result()
                    break
                if len(transaction._atexit) > atexit:
                    self.flush()
                raise
            else:
                cursor.execute('RELEASE demo_call')
                break
            finally:
                transaction.user, transaction.context = user, context
                transaction.timestamp = timestamp
        self.calls += 1
        if (len(transaction._atexit) > atexit or Transaction().tasks
                or self.calls >= self.LIMIT):
            self.flush()
        return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('-c', '--config', dest='config_file')
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--new', action='store_true',
        help="mark a database that was just created as a demo database")
    parser.add_argument('--without-cases', action='store_true',
        help="load the hall, the staff and the catalogue but not the "
        "sample cases (the benchmark loads its own)")
    args = parser.parse_args()
    started = time.perf_counter()
    config = pconfig.set_trytond(
        database=args.database, config_file=args.config_file)
    fast_writes()
    check_demo(config, args.database, args.new)
    batch = OneTransaction(config)
    if not os.environ.get('DEMO_PER_CALL'):
        batch.install()
    Module = Model.get('ir.module')
    activated = {m.name for m in Module.find([('state', '=', 'activated')])}
    sys.path.insert(0, HERE)
    ctx = {}
    for module, part in PARTS:
        if module not in activated:
            continue
        if not os.path.exists(os.path.join(HERE, part + '.py')):
            continue
        if args.without_cases and part == 'demo_cases':
            continue
        print("loading %s" % part, flush=True)
        wall, cpu = time.perf_counter(), time.process_time()
        batch.flush()
        importlib.import_module(part).load(config, ctx)
        batch.flush()
        print("%s: %.1f s (CPU %.1f s)" % (part,
                time.perf_counter() - wall, time.process_time() - cpu),
            flush=True)
    # The demo is configured: the administrator's first login does not need
    # the module configuration wizard.
    Item = Model.get('ir.module.config_wizard.item')
    items = Item.find([('state', '!=', 'done')])
    for item in items:
        item.state = 'done'
    Item.save(items)
    batch.flush()
    print("demo loaded: %s in %.1f s (CPU %.1f s)" % (args.database,
            time.perf_counter() - started, time.process_time()))


if __name__ == '__main__':
    main()
