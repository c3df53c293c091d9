# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Model, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access


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


class Configuration(metaclass=PoolMeta):
    __name__ = 'ir.configuration'
    onewindow_demo = fields.Boolean("Demo Database",
        help="The database holds the demonstration data, with demo users "
        "whose passwords are published.  Only a database created for the "
        "demo is marked, and the demo loader refuses any other.")


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
