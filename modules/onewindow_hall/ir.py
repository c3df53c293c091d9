# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import defaultdict

from trytond.cache import BaseCache, Cache
from trytond.i18n import gettext
from trytond.model import Model, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice, reduce_ids
from trytond.tools import timezone as tz
from trytond.transaction import Transaction, without_check_access

from .model import ClearCacheMixin, NameCache


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "departments" as list of ids of the current user\'s '
            'departments'
            '\n- "employees" as list of ids of the current user\'s '
            'employees'
            '\n- and the other keys of res.user.get_rule_context')

    @classmethod
    def _get_cache_key(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_name)
        return (*key, *sorted(User.get_rule_context().items()))

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context.update(User.get_rule_context())
        return context


class Configuration(ClearCacheMixin, metaclass=PoolMeta):
    __name__ = 'ir.configuration'
    onewindow_demo = fields.Boolean("Demo Database",
        help="The database holds the demonstration data, with demo users "
        "whose passwords are published.  Only a database created for the "
        "demo is marked, and the demo loader refuses any other.")
    _onewindow_demo_cache = Cache(
        'ir.configuration.onewindow_demo', context=False)

    @classmethod
    def is_demo(cls):
        "Return True if the database is marked as the demo's"
        demo = cls._onewindow_demo_cache.get(None)
        if demo is None:
            with without_check_access():
                demo = bool(cls(1).onewindow_demo)
            cls._onewindow_demo_cache.set(None, demo)
        return demo

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        cls._onewindow_demo_cache.clear()


class Translation(ClearCacheMixin, metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        NameCache.clear_all()


class Date(metaclass=PoolMeta):
    __name__ = 'ir.date'

    @classmethod
    def today(cls, timezone=None):
        """Return the day of the demo's story in a demo database, when the
        context gives it (onewindow_today), or the current date

        The demo loader works each day of its cases on that day; any other
        database ignores the context.  The time zone of the company comes
        from a cache, not from a read of the company in each call."""
        pool = Pool()
        Configuration = pool.get('ir.configuration')
        Company = pool.get('company.company')
        date = Transaction().context.get('onewindow_today')
        if (isinstance(date, dt.date) and not isinstance(date, dt.datetime)
                and Configuration.is_demo()):
            return date
        company_id = Transaction().context.get('company')
        if (timezone is None and isinstance(company_id, int)
                and company_id >= 0):
            name = Company.get_timezone(company_id)
            if name:
                timezone = tz.ZoneInfo(name)
        return super().today(timezone=timezone)


# The day of the demo's story (onewindow_today) changes only ir.date.today:
# the core's caches of the definitions of the models, views, buttons and
# triggers do not depend on it, and would else be filled again for each day
# the demo loader works (a fifth of its time)
DAY_FREE_CACHES = [
    'ir.calendar.month', 'ir.calendar.day', 'ir_configuration.get_language',
    'ir.lang', 'ir.model.get_names', 'ir.model.field.get_name',
    'ir.model.button.rules', 'ir.model.button.reset',
    'ir_trigger.get_triggers', 'ir.model.button.groups',
    'modelview.fields_view_get', '_dict_schema_mixin.get_relation_fields',
    ]
for name in DAY_FREE_CACHES:
    cache = BaseCache._instances.get(name)
    if cache is not None and cache.context:
        cache.context_ignored_keys.add('onewindow_today')


def now():
    """Return the current date and time (UTC, as trytond stores them),
    moved by the days between the real day and the day of the demo's story
    when the demo loader works a day of its story"""
    pool = Pool()
    Date = pool.get('ir.date')
    current = dt.datetime.now()
    if Transaction().context.get('onewindow_today'):
        # Both days in the company's time zone: the UTC day is another one
        # every evening in China
        with Transaction().set_context(onewindow_today=None):
            real = Date.today()
        current += Date.today() - real
    return current


class ResourceRuleMixin:
    """Records attached to a resource (attachments, notes, e-mails, logs)
    follow the record rules of their resource, not only its model access:
    a scanned material of another department's case is as hidden as the
    case itself."""
    __slots__ = ()

    @classmethod
    def check_access(cls, ids, mode='read'):
        pool = Pool()
        Rule = pool.get('ir.rule')
        super().check_access(ids, mode=mode)
        transaction = Transaction()
        if transaction.user == 0 or not transaction.check_access:
            return
        resources = defaultdict(set)
        with without_check_access():
            for record in cls.browse(ids):
                if isinstance(record.resource, Model):
                    resources[record.resource.__name__].add(
                        record.resource.id)
        rule_mode = 'read' if mode == 'read' else 'write'
        for model_name, resource_ids in resources.items():
            Resource = pool.get(model_name)
            domain = Rule.domain_get(model_name, mode=rule_mode)
            for sub_ids in grouped_slice(resource_ids):
                sub_ids = set(sub_ids)
                found = Resource.search(
                    [('id', 'in', list(sub_ids)), domain] if domain
                    else [('id', 'in', list(sub_ids))])
                if len(found) < len(sub_ids):
                    raise AccessError(gettext(
                            'onewindow_hall.msg_resource_rule',
                            model=Resource.__names__()['model']))


class Attachment(ResourceRuleMixin, metaclass=PoolMeta):
    __name__ = 'ir.attachment'


class Note(ResourceRuleMixin, metaclass=PoolMeta):
    __name__ = 'ir.note'


class Email(ResourceRuleMixin, metaclass=PoolMeta):
    __name__ = 'ir.email'


class ModelLog(ResourceRuleMixin, metaclass=PoolMeta):
    __name__ = 'ir.model.log'

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Configuration = pool.get('ir.configuration')
        logs = super().create(vlist)
        # Tryton saves the log of a call at the commit, with the context of
        # the call: on the day of the demo's story that the loader worked,
        # as the case log, the cards and the ratings of that day (now() is
        # the current time on any other database)
        if (logs and Transaction().context.get('onewindow_today')
                and Configuration.is_demo()):
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            date = now()
            for sub_ids in grouped_slice([l.id for l in logs]):
                cursor.execute(*table.update(
                        [table.create_date], [date],
                        where=reduce_ids(table.id, sub_ids)))
        return logs
