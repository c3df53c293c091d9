# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.cache import Cache
from trytond.pool import PoolMeta
from trytond.transaction import without_check_access


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'
    # The time zone of each company, that each today() asks for
    _onewindow_timezone_cache = Cache(
        'company.company.onewindow_timezone', context=False)

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
    def create(cls, vlist):
        companies = super().create(vlist)
        cls._onewindow_timezone_cache.clear()
        return companies

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls._onewindow_timezone_cache.clear()

    @classmethod
    def delete(cls, companies):
        super().delete(companies)
        cls._onewindow_timezone_cache.clear()
