# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "departments" as list of ids of the current user\'s '
            'departments')

    @classmethod
    def _get_cache_key(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_name)
        return (*key, User.get_departments())

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context['departments'] = User.get_departments()
        return context


class Configuration(metaclass=PoolMeta):
    __name__ = 'ir.configuration'
    onewindow_demo = fields.Boolean("Demo Database",
        help="The database holds the demonstration data, with demo users "
        "whose passwords are published.  Only a database created for the "
        "demo is marked, and the demo loader refuses any other.")
