# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Calendar(metaclass=PoolMeta):
    __name__ = 'onewindow.calendar'

    @classmethod
    def changed(cls, calendars, dates):
        pool = Pool()
        Case = pool.get('onewindow.case')
        # The deadlines computed meanwhile with the old days would not be
        # moved: lock the calendars from the start of the transaction, which
        # waits for the computations under way, and write them, so that a
        # computation on an older snapshot is retried (Case.lock_calendars)
        cls.lock(calendars)
        with without_check_access():
            cls.write(calendars, {})
        super().changed(calendars, dates)
        Case.update_deadlines(calendars, dates)
