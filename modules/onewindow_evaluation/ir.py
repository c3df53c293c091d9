# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('onewindow.evaluation|give_defaults',
                "Give the Default Ratings"))
        cls.method.selection.append(
            ('onewindow.evaluation.statistic.summary|compact',
                "Compact the Summary of the Satisfaction Statistics"))
