# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta

from .res import clear_halls_cache


class Window(metaclass=PoolMeta):
    __name__ = 'onewindow.window'

    @classmethod
    def write(cls, *args):
        super().write(*args)
        clear_halls_cache()

    @classmethod
    def delete(cls, windows):
        super().delete(windows)
        clear_halls_cache()


class WindowEmployee(metaclass=PoolMeta):
    __name__ = 'onewindow.window-company.employee'

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        clear_halls_cache()
        return records

    @classmethod
    def write(cls, *args):
        super().write(*args)
        clear_halls_cache()

    @classmethod
    def delete(cls, records):
        super().delete(records)
        clear_halls_cache()
