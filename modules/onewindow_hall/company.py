# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .model import NameCache, NameCacheMixin


class Company(NameCacheMixin, metaclass=PoolMeta):
    __name__ = 'company.company'
    # The time zone of each company, that each today() asks for
    _onewindow_timezone_cache = Cache(
        'company.company.onewindow_timezone', context=False)
    # The name of its party (see NameCache), cleared also by the parties
    _rec_name_cache = NameCache('company.company.rec_name')

    @classmethod
    def get_timezone(cls, company_id):
        "Return the name of the time zone of the company (or '')"
        timezone = cls._onewindow_timezone_cache.get(company_id)
        if timezone is None:
            with without_check_access():
                timezone = cls(company_id).timezone or ''
            cls._onewindow_timezone_cache.set(company_id, timezone)
        return timezone

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        cls._onewindow_timezone_cache.clear()


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls._clear_name_caches()

    @classmethod
    def delete(cls, parties):
        super().delete(parties)
        cls._clear_name_caches()

    @staticmethod
    def _clear_name_caches():
        "Clear the names of the companies and the employees"
        pool = Pool()
        Company = pool.get('company.company')
        Employee = pool.get('company.employee')
        Company._rec_name_cache.clear()
        Employee._rec_name_cache.clear()
