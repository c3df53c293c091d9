# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class Calendar(metaclass=PoolMeta):
    __name__ = 'onewindow.calendar'

    @classmethod
    def changed(cls, calendars, dates):
        pool = Pool()
        Case = pool.get('onewindow.case')
        super().changed(calendars, dates)
        Case.update_deadlines(calendars, dates)
