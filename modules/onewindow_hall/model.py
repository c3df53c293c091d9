# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import inspect
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from functools import wraps
from weakref import WeakKeyDictionary

from sql import Literal, Union

from trytond.cache import Cache, freeze
from trytond.i18n import gettext
from trytond.model import Model, ModelStorage, Workflow, fields
from trytond.model.modelstorage import AccessError, EvalEnvironment
from trytond.pool import Pool
from trytond.pyson import Date, PYSON, PYSONDecoder, PYSONEncoder
from trytond.rpc import RPC
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction, without_check_access

from .exceptions import ButtonStateError, InvalidValueError


def rec_name_fields(Model):
    """Return the stored fields of Model that its rec_name is made of, as
    it declares them in _rec_name_fields (or its _rec_name when it keeps
    the default rec_name), or None

    A read of the rec_name that also reads them gives them to the getter,
    which then does not read the records a second time."""
    names = getattr(Model, '_rec_name_fields', None)
    if names is None:
        if getattr(Model, 'get_rec_name', None) is not getattr(
                ModelStorage, 'get_rec_name'):
            return None
        names = [Model._rec_name]
    access = Pool().get('ir.model.field.access').get_access(
        [Model.__name__])[Model.__name__]
    for name in names:
        field = Model._fields.get(name)
        if (field is None or not field.sql_type()
                or field._type in {'many2one', 'one2one', 'reference'}
                or not access.get(name, {}).get('read', True)):
            return None
    return list(names)


def read_rec_names(Model, ids):
    """Return the rec_name of the records of Model by id, read with the
    fields it is made of (rec_name_fields) so that its getter does not read
    the records again"""
    extra = rec_name_fields(Model) or []
    return {r['id']: r['rec_name']
        for r in Model.read(list(ids), ['rec_name'] + extra)}


class RelatedReadMixin:
    """The related fields of the Many2One fields read together

    The clients read the rec_name of each Many2One field of a form
    ('registered_by.rec_name', 'accepted_by.rec_name'...): Tryton reads
    them with one read of the target per field, which reads the records
    once for the record rules and once more for the rec_name.  Here the
    fields that read the same fields of the same model in the same context
    are read with one read of the target for all of them, which reads with
    the rec_name the fields it is made of (rec_name_fields).  The reads are
    the same: the target's access rights and record rules apply to the
    same records.

    The Function fields that give a field of the target of a Many2One
    (_related_function_fields: {name: (many2one, target field)}) are read
    with that read when it is made, instead of by their getter."""
    __slots__ = ()
    _related_function_fields = {}

    @classmethod
    def read(cls, ids, fields_names):
        related = defaultdict(set)
        names = []
        for name in fields_names:
            if '.' in name:
                fname, rname = name.split('.', 1)
                field = cls._fields.get(fname)
                if (field is not None and field._type == 'many2one'
                        and not getattr(field, 'datetime_field', None)):
                    related[fname].add(rname)
                    continue
            names.append(name)
        if not related:
            return super().read(ids, fields_names)
        pool = Pool()
        FieldAccess = pool.get('ir.model.field.access')
        functions = {}
        for name, (fname, tname) in cls._related_function_fields.items():
            if name in names and fname in related:
                Target = cls._fields[fname].get_target()
                access = FieldAccess.get_access(
                    [Target.__name__])[Target.__name__]
                if access.get(tname, {}).get('read', True):
                    functions[name] = (fname, tname)
        names = [n for n in names if n not in functions]
        groups = defaultdict(list)
        for fname, rnames in related.items():
            groups[cls._fields[fname].get_target().__name__,
                frozenset(rnames)].append(fname)
        extra = set()
        for fname in related:
            field = cls._fields[fname]
            extra.add(fname)
            if field.context:
                extra.update(fields.get_eval_fields(field.context))
        extra -= set(names)
        extra.discard('id')
        result = super().read(ids, names + sorted(extra))
        for (target, rnames), fnames in groups.items():
            Target = pool.get(target)
            read_names = set(rnames)
            if 'rec_name' in rnames:
                read_names.update(rec_name_fields(Target) or [])
            group_functions = {n: (f, t) for n, (f, t) in functions.items()
                if f in fnames}
            read_names.update(t for _, t in group_functions.values())
            hidden = read_names - rnames - {'id'}
            contexts, ctx_ids, keys = {}, defaultdict(set), {}
            for fname in fnames:
                field = cls._fields[fname]
                encoded = (PYSONEncoder().encode(field.context)
                    if field.context else None)
                for row in result:
                    value = row[fname]
                    if value is None or value < 0:
                        continue
                    ctx = (PYSONDecoder(row).decode(encoded)
                        if encoded else {})
                    key = freeze(ctx)
                    contexts[key] = ctx
                    ctx_ids[key].add(value)
                    keys[row['id'], fname] = key
            if result and not ctx_ids:
                # As Tryton does, which checks the access to the target
                # even when no record refers to one
                Target.read([], sorted(read_names))
            targets, values = {}, {}
            for key, target_ids in ctx_ids.items():
                with Transaction().set_context(contexts[key]):
                    rows = Target.read(sorted(target_ids), sorted(read_names))
                values[key] = {r['id']: dict(r) for r in rows}
                for row in rows:
                    for name in hidden:
                        del row[name]
                targets[key] = {r['id']: r for r in rows}
            for row in result:
                for fname in fnames:
                    key = keys.get((row['id'], fname))
                    row[fname + '.'] = (targets[key][row[fname]]
                        if key is not None else None)
                for name, (fname, tname) in group_functions.items():
                    key = keys.get((row['id'], fname))
                    row[name] = (values[key][row[fname]][tname]
                        if key is not None else None)
        for row in result:
            for name in extra:
                del row[name]
        return result


class NameCache:
    """The rec_names of the records that most forms and lists show (the
    departments, the windows, the companies and the employees), kept by
    the process for each record and language

    Reading a translated name costs a query of the translations in each
    transaction (Tryton does not use its translation cache for records
    written before its last synchronisation), and the name of a company or
    an employee is the name of its party, read with a second query.  The
    read of the records still checks the access rights and applies the
    record rules (Tryton reads the table only for the rules); only the
    name comes from here.  clear() is called when the records, their
    parties or the translations are written."""
    _instances = []

    def __init__(self, name, duration=None):
        self.cache = Cache(name, context=False, duration=duration)
        self._instances.append(self)

    def get(self, record, compute):
        "Return the rec_name of record, from compute(record) the first time"
        context = Transaction().context
        if context.get('fuzzy_translation'):
            return compute(record)
        key = (record.id, Transaction().language)
        value = self.cache.get(key)
        if value is None:
            value = compute(record)
            self.cache.set(key, value)
        return value

    def clear(self):
        self.cache.clear()

    @classmethod
    def clear_all(cls):
        for instance in cls._instances:
            instance.clear()


class ClearCacheMixin:
    """Call _clear_caches() when records are created, written or deleted:
    each mixin clears the caches of what the records show, and calls
    super()"""
    __slots__ = ()

    @classmethod
    def _clear_caches(cls):
        pass

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        cls._clear_caches()
        return records

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls._clear_caches()

    @classmethod
    def delete(cls, records):
        super().delete(records)
        cls._clear_caches()


class NameCacheMixin(ClearCacheMixin):
    """The rec_name kept by the NameCache of the class (_rec_name_cache),
    cleared when the records are created, written or deleted"""
    __slots__ = ()
    _rec_name_cache = None

    def get_rec_name(self, name):
        return self._rec_name_cache.get(
            self, lambda r: super(NameCacheMixin, r).get_rec_name(name))

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        cls._rec_name_cache.clear()


class EagerReadMixin:
    """The columns that the records load read with those a read computes
    Function fields from

    A getter that uses the records (case.applicant, material.defects)
    makes them load all their eager fields, and Tryton reads them again
    unless the read already gave every one of them (its transaction cache
    keeps what a read with getters read).  A read that computes Function
    fields also reads the other columns that the user may read (only
    those that the getters read when the model declares them in
    _getter_columns for each Function field read), and returns only what
    it was asked for."""
    __slots__ = ()

    @classmethod
    def read(cls, ids, fields_names):
        extra = cls._eager_extra(fields_names)
        if not extra:
            return super().read(ids, fields_names)
        result = super().read(ids, list(fields_names) + extra)
        for row in result:
            for name in extra:
                row.pop(name, None)
        return result

    @classmethod
    def _eager_extra(cls, fields_names):
        """Return the eager columns missing from fields_names: those the
        getters of its Function fields read when each declares them in
        _getter_columns, every eager column otherwise"""
        pool = Pool()
        FieldAccess = pool.get('ir.model.field.access')
        bases = {n.split('.', 1)[0].split(':', 1)[0] for n in fields_names}
        functions = {n for n in bases
            if isinstance(cls._fields.get(n), fields.Function)}
        if not functions:
            return []
        declared = cls._getter_columns()
        if functions <= declared.keys():
            wanted = set().union(*(declared[n] for n in functions))
        else:
            wanted = None
        access = FieldAccess.get_access([cls.__name__])[cls.__name__]
        return sorted(name for name, field in cls._fields.items()
            if field.loading == 'eager' and not hasattr(field, 'get')
            and name not in bases and name != 'id'
            and (wanted is None or name in wanted)
            and access.get(name, {}).get('read', True))

    @classmethod
    def _getter_columns(cls):
        """Return, by name of Function field, the columns that its getter
        reads from the records (a getter that reads a column missing from
        the cache makes Tryton read every eager column again)"""
        return {}


def rec_name_domain(clause, names):
    """Return the domain that matches the clause of a search of the
    rec_name on any of the fields of names, or on none of them for a
    negative operator"""
    if clause[1].startswith('!') or clause[1].startswith('not '):
        bool_op = 'AND'
    else:
        bool_op = 'OR'
    return [bool_op] + [(name, *clause[1:]) for name in names]


def real_date(name, years=1):
    """Return the domain of the date field name that records a day that
    happened or comes soon: not more than years ahead"""
    return ['OR', (name, '=', None), (name, '<=', Date(delta_years=years))]


def transition(state):
    """Workflow.transition that records on the method the state it leads to

    ButtonStateMixin reads it to refuse a button clicked on a record whose
    state does not allow the transition."""
    def decorator(func):
        wrapper = Workflow.transition(state)(func)
        wrapper.transition_target = state
        return wrapper
    return decorator


class Problems:
    """The problems of the records a button checks, raised together

    Each record with problems gives a paragraph of the error, from message
    with the record's name (as the keyword name) and its problems listed
    one per line, so that the user sees at once everything to fix:

        problems = Problems(DecisionError, 'module.msg_decide_problems')
        for case in cases:
            problems.add(case, case.get_decision_problems())
        problems.check()
    """

    def __init__(self, exception, message, name='case'):
        self.exception = exception
        self.message = message
        self.name = name
        self.errors = []

    def add(self, record, problems):
        "Add the problems of record and return whether it has any"
        if problems:
            self.errors.append(gettext(self.message,
                    problems='\n'.join('- ' + p for p in problems),
                    **{self.name: record.rec_name}))
        return bool(problems)

    def check(self):
        "Raise the exception with the problems added, if any"
        if self.errors:
            raise self.exception('\n\n'.join(self.errors))


class ButtonStateMixin:
    """Buttons refused loudly on records in the wrong state

    Tryton's Workflow.transition silently skips the records whose state
    does not allow the transition, and the buttons that are not transitions
    filter the records they apply to.  A client only shows a button where it
    applies, but a call over RPC (or a client showing a stale record) could
    still click it: nothing would change and nobody would be told, or a
    button would use a transition meant for another one.  Here a button
    clicked by a user on a record whose state does not allow its transition,
    or on which the client hides it for its state, is refused with a message
    naming the record, its state and the button.  Calls made by the code
    itself are unchanged."""
    __slots__ = ()

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        methods = {}
        for name in list(cls._buttons):
            method = getattr(cls, name, None)
            if (not inspect.ismethod(method) or method.__self__ is not cls
                    or getattr(method, '_checks_button_state', False)):
                continue
            methods[name] = method.__func__
        # The targets of all the transitions, buttons or not
        targets = Counter(cls._transition_targets().values())
        for name, func in methods.items():
            target = getattr(func, 'transition_target', None)
            # Where two buttons lead to the same state from different ones
            # (the department starts the review of an accepted case and
            # resumes that of a suspended one), the transitions do not say
            # which button applies: the states in which the client shows
            # the button do
            visible = target is None or targets[target] > 1
            setattr(cls, name, classmethod(
                    cls._button_state_wrapper(name, func, target, visible)))

    @classmethod
    def _transition_targets(cls):
        "Return the state to which each transition method leads"
        targets = {}
        for name in dir(cls):
            method = inspect.getattr_static(cls, name, None)
            if isinstance(method, classmethod):
                target = getattr(method.__func__, 'transition_target', None)
                if target is not None:
                    targets[name] = target
        return targets

    @classmethod
    def _button_state_wrapper(cls, name, func, target, visible):

        @wraps(func)
        def wrapper(cls, records, *args, **kwargs):
            transaction = Transaction()
            if transaction.user and transaction.check_access:
                cls.check_button_state(records, name, target, visible)
            return func(cls, records, *args, **kwargs)
        wrapper._checks_button_state = True
        return wrapper

    @classmethod
    def check_button_state(cls, records, button, target=None, visible=True):
        """Raise ButtonStateError if button cannot be clicked on one of the
        records in its current state

        target is the state to which the button transitions, if it does;
        visible is True when the button must also be one the client shows
        for the state of the record."""
        pool = Pool()
        Button = pool.get('ir.model.button')
        User = pool.get('res.user')
        field = getattr(cls, '_transition_state', 'state')
        states = cls._buttons.get(button, {})
        if field not in cls._fields:
            return
        groups = Button.get_groups(cls.__name__, button)
        if groups and not (groups & set(User.get_groups())):
            # The button refuses the user anyway
            return
        invisible = (states.get('invisible')
            if visible and field in states.get('depends', []) else None)
        if target is None and invisible is None:
            return
        # The user must be allowed to read the records before being told
        # their state
        ids = [r.id for r in records if r.id is not None and r.id >= 0]
        cls.read(ids, ['id'])
        with without_check_access():
            for record in records:
                state = getattr(record, field)
                allowed = True
                if target is not None:
                    allowed = (state, target) in cls._transitions
                if allowed and invisible is not None:
                    allowed = not cls._eval_button_states(record, invisible)
                if not allowed:
                    cls._raise_button_state(record, button, field, state)

    @classmethod
    def _eval_button_states(cls, record, expression):
        transaction = Transaction()
        env = EvalEnvironment(record, cls)
        env['context'] = transaction.context
        env['active_model'] = cls.__name__
        env['active_id'] = record.id
        return PYSONDecoder(env).decode(PYSONEncoder().encode(expression))

    @classmethod
    def _raise_button_state(cls, record, button, field, state):
        pool = Pool()
        Button = pool.get('ir.model.button')
        buttons = Button.search([
                ('model.model', '=', cls.__name__),
                ('name', '=', button),
                ], limit=1)
        label = buttons[0].string if buttons and buttons[0].string else button
        selection = cls.fields_get([field])[field].get('selection') or []
        if isinstance(selection, list):
            state = dict(selection).get(state, state)
        raise ButtonStateError(gettext(
                'onewindow_hall.msg_button_wrong_state',
                button=label, record=record.rec_name, state=state,
                model=cls.__names__()['model']))


class GuardedRPC(RPC):
    """An RPC whose arguments are checked where they enter the server

    The records a call instantiates from the ids a client gives (the
    record of an on_change, the records of a button, the values of the
    related fields given with them) must be readable by the user, as if he
    had called read; and what a client writes or creates must not change a
    field that is read-only for the record."""
    __slots__ = ('method',)

    def __init__(self, rpc, method):
        for name in RPC.__slots__:
            setattr(self, name, getattr(rpc, name))
        self.method = method

    def convert(self, obj, *args, **kwargs):
        try:
            c_args, c_kwargs, context, timestamp = super().convert(
                obj, *args, **kwargs)
        except ValueError as exception:
            if str(exception) != "Duplicate ids":
                raise
            # The context of the call is not set yet: its language is
            context = kwargs.get('context', args[-1] if args else {})
            language = (context.get('language')
                if isinstance(context, dict) else None)
            with Transaction().set_context(language=language):
                message = gettext(
                    'onewindow_hall.msg_duplicate_ids',
                    model=getattr(obj, '__names__', lambda: {
                            'model': obj.__name__})()['model'])
            raise InvalidValueError(message) from exception
        transaction = Transaction()
        if transaction.user and self.check_access:
            with transaction.set_context(context):
                if self.instantiate is not None:
                    if isinstance(self.instantiate, slice):
                        instances = c_args[self.instantiate]
                    else:
                        instances = [c_args[self.instantiate]]
                    check_readable(instances)
                if self.method == 'write':
                    actions = iter(c_args)
                    for records, values in zip(actions, actions):
                        obj.check_client_values(values)
                        obj.check_client_write(records, values)
                elif self.method == 'create' and c_args:
                    vlist = c_args[0]
                    if not isinstance(vlist, list):
                        vlist = [vlist]
                    for values in vlist:
                        obj.check_client_values(values)
                    obj.check_client_create(vlist)
        return c_args, c_kwargs, context, timestamp


def _instances(value, found, depth=0):
    if isinstance(value, Model):
        if isinstance(value, ModelStorage) and value.id is not None \
                and value.id >= 0:
            found[value.__name__].add(value.id)
        values = getattr(value, '_values', None)
        if values is not None and depth < 4:
            for _, item in values._items():
                _instances(item, found, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _instances(item, found, depth)


def check_readable(instances):
    """Raise AccessError unless the current user may read every stored
    record among the instances and the related records given with them"""
    pool = Pool()
    found = defaultdict(set)
    _instances(instances, found)
    for name, ids in found.items():
        Model = pool.get(name)
        Model.read(list(ids), ['id'])


def _same_value(field, stored, value):
    "Tell whether value written to field is the stored value"
    type_ = field._type
    if type_ in {'one2many', 'many2many'}:
        return not value
    if type_ in {'many2one', 'one2one'}:
        stored = stored.id if stored else None
    elif type_ == 'reference':
        stored = str(stored) if stored else None
        value = value or None
    elif type_ in {'numeric', 'float'} and value is not None \
            and stored is not None:
        try:
            return Decimal(str(value)) == Decimal(str(stored))
        except (InvalidOperation, ValueError, TypeError):
            return False
    elif type_ in {'char', 'text'}:
        stored, value = stored or None, value or None
    elif type_ == 'boolean':
        stored, value = bool(stored), bool(value)
    return type(stored) is type(value) and stored == value


_INTEGER_MAX = 2 ** 31 - 1
# The hall's records are of this century (the core models keep their
# own dates: a currency rate from date.min)
_HALL_DATE_MIN, _HALL_DATE_MAX = dt.date(2000, 1, 1), dt.date(2200, 12, 31)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _value_kind(field, value, dates=None):
    """Return the kind of value field expects if value is not one, or
    None"""
    type_ = field._type
    if type_ in {'char', 'text'} and not isinstance(value, str):
        return 'text'
    if type_ == 'selection' and isinstance(field.selection, (list, tuple)):
        keys = {k for k, _ in field.selection}
        if all(isinstance(k, str) for k in keys if k is not None):
            if not isinstance(value, str):
                return 'text'
            if value not in keys and not (value == '' and None in keys):
                return 'selection'
    if type_ in {'char', 'text'} and field.size is not None \
            and not isinstance(field.size, PYSON) \
            and len(value) > field.size:
        return 'shorter'
    if type_ == 'integer':
        if not _is_int(value):
            return 'integer'
        if abs(value) > _INTEGER_MAX:
            return 'smaller'
    if type_ in {'float', 'numeric'}:
        if not (_is_int(value) or isinstance(value, (float, Decimal))):
            return 'number'
        if abs(value) >= 10 ** 12 or value != value:
            return 'smaller'
    if type_ == 'boolean' and not isinstance(value, bool):
        return 'boolean'
    if type_ == 'date':
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            return 'date'
        if dates and not dates[0] <= value <= dates[1]:
            return 'date_range'
    if type_ in {'datetime', 'timestamp'}:
        if not isinstance(value, dt.datetime):
            return 'datetime'
        if dates and not dates[0] <= value.date() <= dates[1]:
            return 'date_range'
    if type_ == 'time' and not isinstance(value, dt.time):
        return 'time'
    if type_ in {'many2one', 'one2one'}:
        if not _is_int(value) or not 0 <= value <= _INTEGER_MAX:
            return 'record'
    if type_ == 'reference':
        if not isinstance(value, (str, list, tuple)):
            return 'record'
    if type_ in {'one2many', 'many2many'}:
        if not isinstance(value, list) or not all(
                isinstance(a, (list, tuple)) and a
                and a[0] in {'create', 'write', 'delete', 'remove', 'add',
                    'copy'}
                for a in value):
            return 'lines'
        for action in value:
            if action[0] == 'create' and not (
                    len(action) == 2 and isinstance(action[1], list)
                    and all(isinstance(v, dict) for v in action[1])):
                return 'lines'
            if action[0] in {'delete', 'remove', 'add', 'copy'} and not (
                    len(action) >= 2 and isinstance(action[1], list)
                    and all(_is_int(i) for i in action[1])):
                return 'lines'
            if action[0] == 'write' and not (
                    len(action) >= 3 and len(action) % 2
                    and all(isinstance(i, list)
                        and all(_is_int(j) for j in i)
                        for i in action[1::2])
                    and all(isinstance(v, dict) for v in action[2::2])):
                return 'lines'
    if type_ == 'dict' and not isinstance(value, dict):
        return 'dict'
    if type_ == 'binary' and not isinstance(value, (bytes, bytearray)):
        return 'binary'


def _checks_existence(Model):
    "Tell whether the ids of Model are checked to exist in its table"
    return issubclass(Model, ModelStorage) and hasattr(
        Model, '__table__') and not callable(
        getattr(Model, 'table_query', None))


def _existing_ids(ids):
    """Return for each Model of ids (a dict of Model to ids) the ids that
    exist (a foreign key that the database does not check, as SQLite does
    not), with one query for all the models"""
    cursor = Transaction().connection.cursor()
    queries, models = [], []
    for index, (Target, model_ids) in enumerate(ids.items()):
        models.append(Target)
        table = Target.__table__()
        for sub_ids in grouped_slice(sorted(set(model_ids))):
            queries.append(table.select(
                    Literal(index).as_('model'), table.id.as_('id'),
                    where=reduce_ids(table.id, sub_ids)))
    found = {Target: set() for Target in models}
    # SQLite accepts up to 500 selects in a compound select
    for sub_queries in grouped_slice(queries, 100):
        sub_queries = list(sub_queries)
        query = (Union(*sub_queries, all_=True) if len(sub_queries) > 1
            else sub_queries[0])
        cursor.execute(*query)
        for index, id_ in cursor:
            found[models[index]].add(id_)
    return found


# The records that the user of each transaction was allowed to read, by
# model and record rule, since the last write of the transaction
_readable = WeakKeyDictionary()


class ReadCheckMixin:
    """The access to the same records checked once between two writes

    A button called by a client reads its records three times only to
    check that the user may read them: at the door of the server
    (GuardedRPC), for the state of the button (ButtonStateMixin) and in
    Tryton's ModelView.button.  A read of the field id only, with the access
    checked, is not run again for records that the same read allowed in the
    same transaction under the same record rules, as long as nothing has
    been written, created or deleted since (a write may move a record out
    of the rules).  Applied by the pool to every model."""
    __slots__ = ()

    @classmethod
    def read(cls, ids, fields_names):
        transaction = Transaction()
        if (fields_names != ['id'] or not transaction.user
                or not transaction.check_access):
            return super().read(ids, fields_names)
        pool = Pool()
        Rule = pool.get('ir.rule')
        ModelAccess = pool.get('ir.model.access')
        key = (cls.__name__, transaction.user,
            transaction.context.get('_datetime'),
            freeze(Rule.domain_get(cls.__name__, mode='read')))
        readable = _readable.setdefault(transaction, {}).setdefault(
            key, set())
        if ids and readable.issuperset(ids):
            ModelAccess.check(cls.__name__, 'read')
            return [{'id': i} for i in ids]
        result = super().read(ids, fields_names)
        readable.update(r['id'] for r in result)
        return result

    @classmethod
    def create(cls, vlist):
        _readable.pop(Transaction(), None)
        try:
            return super().create(vlist)
        finally:
            _readable.pop(Transaction(), None)

    @classmethod
    def write(cls, *args):
        _readable.pop(Transaction(), None)
        try:
            super().write(*args)
        finally:
            _readable.pop(Transaction(), None)

    @classmethod
    def delete(cls, records):
        _readable.pop(Transaction(), None)
        try:
            super().delete(records)
        finally:
            _readable.pop(Transaction(), None)


class LogMixin:
    """The model log of a call saved with one creation

    Tryton saves the model log at the commit without checking the access
    (Transaction._store_log_records), but each entry with the context it
    was made in: the entry of a button (made with the access checked)
    and those of its transitions (made without) were created apart, each
    creation with its own validation.  The entries are now made without
    the access check, as they are saved.  Applied by the pool to every
    model."""
    __slots__ = ()

    @classmethod
    def log(cls, records, event, target=None, user=None, **extra):
        with without_check_access():
            super().log(records, event, target=target, user=user, **extra)


class RPCGuardMixin:
    """Every client call checked at the door of the server

    Applied by the pool to every model: the RPC methods that instantiate
    records from the client's ids check that the user may read them, and
    the client's writes and creations are refused for the fields that are
    read-only for the record, by the field's readonly attribute or its
    states evaluated on the stored record.  Only the call coming from the
    client is checked: the buttons, wizards and the scheduler write as
    they did.  A model lets some client writes change read-only fields by
    defining client_readonly_allowed(records, values) (it is not defined
    here: the mixin comes first in the class of the pool)."""
    __slots__ = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        rpcs = dict(getattr(cls, '__rpc__', {}))
        for name, rpc in rpcs.items():
            if isinstance(rpc, GuardedRPC):
                continue
            if rpc.instantiate is not None or name in {'write', 'create'}:
                rpcs[name] = GuardedRPC(rpc, name)
        cls.__rpc__ = rpcs

    @classmethod
    def _client_set_fields(cls):
        """Return for each field the fields whose on_change or
        on_change_with sets it: the client writes it when they are
        changed, even if it is read-only"""
        key = '_onewindow_client_set'
        if key not in cls.__dict__:
            setters = defaultdict(set)
            for name in cls._fields:
                method = getattr(cls, 'on_change_%s' % name, None)
                for depend in getattr(method, 'depends', ()):
                    if '.' not in depend and depend in cls._fields:
                        setters[depend].add(name)
                method = getattr(cls, 'on_change_with_%s' % name, None)
                for depend in getattr(method, 'depends', ()):
                    if '.' not in depend and depend in cls._fields:
                        setters[name].add(depend)
            state = getattr(cls, '_transition_state', None)
            setters.pop(state, None)
            for setter in setters.values():
                setter.discard(state)
            setattr(cls, key, dict(setters))
        return cls.__dict__[key]

    @classmethod
    def _eval_readonly(cls, field, env):
        if field.readonly:
            return True
        readonly = field.states.get('readonly')
        if isinstance(readonly, PYSON):
            return bool(PYSONDecoder(env).decode(
                    PYSONEncoder().encode(readonly)))
        return bool(readonly)

    @classmethod
    def _record_env(cls, record):
        env = EvalEnvironment(record, cls)
        env['context'] = Transaction().context
        env['active_model'] = cls.__name__
        env['active_id'] = record.id
        return env

    @classmethod
    def _is_readonly(cls, name, env, setting=True):
        field = cls._fields[name]
        if not cls._eval_readonly(field, env):
            return False
        if setting:
            # A field that an on_change of a writable field sets
            for setter in cls._client_set_fields().get(name, ()):
                if not cls._is_readonly(setter, env, setting=False):
                    return False
        return True

    @classmethod
    def _raise_readonly(cls, record, name):
        raise AccessError(gettext(
                'onewindow_hall.msg_readonly_field',
                model=cls.__names__()['model'],
                record=record.rec_name if record else '',
                field=cls.__names__(name)['field']))

    @classmethod
    def check_client_values(cls, values):
        """Raise InvalidValueError for a value of a client's write or
        creation that the field cannot hold, with a message in the user's
        language instead of the error of the database or of Python

        The records the values and those of their lines refer to are
        looked up together, with one query."""
        references = []
        cls._check_client_values(values, references)
        ids = defaultdict(set)
        for Target, _, _, id_ in references:
            ids[Target].add(id_)
        existing = _existing_ids(ids)
        for Target, model, name, id_ in references:
            if id_ not in existing[Target]:
                raise InvalidValueError(gettext(
                        'onewindow_hall.msg_invalid_value',
                        model=model.__names__()['model'],
                        field=model.__names__(name)['field'],
                        value=id_,
                        expected=gettext(
                            'onewindow_hall.msg_expect_existing')))

    @classmethod
    def _check_client_values(cls, values, references):
        """Check values as check_client_values does, and add to references
        (target model, model, field name, id) the records they refer to"""
        if not isinstance(values, dict):
            raise InvalidValueError(gettext(
                    'onewindow_hall.msg_invalid_values',
                    model=cls.__names__()['model']))
        dates = ((_HALL_DATE_MIN, _HALL_DATE_MAX)
            if cls.__name__.startswith('onewindow.') else None)
        for name, value in values.items():
            field = cls._fields.get(name)
            if field is None or value is None:
                continue
            kind = _value_kind(field, value, dates)
            if kind:
                if isinstance(value, str) and len(value) > 50:
                    value = value[:50] + '…'
                raise InvalidValueError(gettext(
                        'onewindow_hall.msg_invalid_value',
                        model=cls.__names__()['model'],
                        field=cls.__names__(name)['field'],
                        value=value,
                        expected=gettext('onewindow_hall.msg_expect_' + kind)))
            if field._type in {'many2one', 'one2one'}:
                Target = field.get_target()
                if _checks_existence(Target):
                    references.append((Target, cls, name, value))
            if field._type in {'one2many', 'many2many'}:
                Target = field.get_target()
                if not hasattr(Target, '_check_client_values'):
                    continue
                for action in value:
                    if action[0] == 'create':
                        for line in action[1]:
                            Target._check_client_values(line, references)
                    elif action[0] == 'write':
                        items = iter(action[1:])
                        for _, line in zip(items, items):
                            Target._check_client_values(line, references)

    @classmethod
    def check_client_write(cls, records, values):
        """Raise AccessError if values change a field read-only for
        one of the records, or for the lines they write"""
        if not isinstance(values, dict):
            return
        names = [n for n in values if n in cls._fields
            and (cls._fields[n].readonly
                or 'readonly' in cls._fields[n].states
                or cls._fields[n]._type in {'one2many', 'many2many'})]
        if not names or not records:
            return
        # A model may let some writes change read-only fields, such as an
        # amendment that gives its reason and is logged
        allowed = getattr(cls, 'client_readonly_allowed', None)
        if allowed and allowed(records, values):
            return
        ids = [r.id for r in records if r.id is not None and r.id >= 0]
        # The user must be allowed to read the records before being told
        # about their fields
        cls.read(ids, ['id'])
        with without_check_access():
            for record in cls.browse(ids):
                env = cls._record_env(record)
                for name in names:
                    field = cls._fields[name]
                    if cls._is_readonly(name, env):
                        if not _same_value(
                                field, getattr(record, name), values[name]):
                            cls._raise_readonly(record, name)
        for name in names:
            cls._check_client_lines(name, values[name])

    @classmethod
    def check_client_create(cls, vlist):
        """Raise AccessError if a creation sets a read-only field
        to another value than its default"""
        if not isinstance(vlist, list):
            return
        for values in vlist:
            if not isinstance(values, dict):
                continue
            for name, value in values.items():
                field = cls._fields.get(name)
                if field is None:
                    continue
                if field._type in {'one2many', 'many2many'}:
                    cls._check_client_lines(name, value)
                # A tuple: the value may be a list (x2many, multi-selection)
                if not field.readonly or value in (None, '', False, []):
                    continue
                if cls._client_set_fields().get(name):
                    continue
                # A model may say which read-only fields its creation sets
                # itself from values, whatever the client sends, by defining
                # client_create_recomputed(values)
                recomputed = getattr(cls, 'client_create_recomputed', None)
                if recomputed and name in recomputed(values):
                    continue
                default = getattr(cls, 'default_%s' % name, None)
                if default is not None and default() == value:
                    continue
                cls._raise_readonly(None, name)

    @classmethod
    def _check_client_lines(cls, name, actions):
        "Check the lines written or created through a x2many field"
        field = cls._fields[name]
        if not isinstance(actions, list):
            return
        Target = field.get_target()
        if not hasattr(Target, 'check_client_write'):
            return
        for action in actions:
            if not isinstance(action, (list, tuple)) or not action:
                continue
            if action[0] == 'create' and len(action) > 1:
                Target.check_client_create(action[1])
            elif action[0] == 'write' and len(action) > 1:
                items = iter(action[1:])
                for ids, values in zip(items, items):
                    if isinstance(ids, list) and all(
                            isinstance(i, int) for i in ids):
                        Target.check_client_write(
                            Target.browse(ids), values)
