# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool

from . import calendar_, case, configuration, hall, ir, res

__all__ = ['register']


def register():
    Pool.register(
        configuration.Configuration,
        configuration.ConfigurationSequence,
        case.Case,
        case.CaseMaterial,
        case.CaseSupplement,
        case.CaseFee,
        case.CaseLog,
        calendar_.Calendar,
        hall.Window,
        hall.WindowEmployee,
        res.User,
        ir.Rule,
        module='onewindow_approval', type_='model')
    Pool.register(
        case.AcceptanceNotice,
        case.SupplementNotice,
        case.RefusalNotice,
        case.PaymentNotice,
        module='onewindow_approval', type_='report')
