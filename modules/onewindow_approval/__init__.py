# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool

from . import (
    calendar_, card, case, configuration, correction, delivery, document,
    fee, hall, handover, ir, material, notification, party, res, review,
    statistic, supervision, suspension)

__all__ = ['register']


def register():
    Pool.register(
        configuration.Configuration,
        configuration.ConfigurationSequence,
        case.Case,
        review.Case,
        suspension.Case,
        calendar_.Case,
        delivery.Case,
        handover.Case,
        supervision.Case,
        party.Case,
        material.CaseMaterial,
        case.CaseSupplement,
        fee.CaseFee,
        case.CaseLog,
        review.CaseStep,
        review.CaseOpinion,
        suspension.CaseSuspension,
        notification.CaseNotification,
        handover.Handover,
        calendar_.Calendar,
        hall.Window,
        hall.WindowEmployee,
        party.Party,
        party.Identifier,
        party.DepartmentParty,
        party.DepartmentPartyPair,
        party.CaseOpinion,
        res.User,
        ir.Attachment,
        correction.CaseLog,
        correction.CaseCorrectStart,
        card.Card,
        card.CardResolveStart,
        card.CardSweep,
        card.Cron,
        statistic.Cron,
        card.Case,
        card.CaseStep,
        card.CaseFee,
        card.CaseNotification,
        statistic.Case,
        statistic.StatisticSummary,
        statistic.StatisticEvent,
        statistic.StatisticContext,
        statistic.StatisticDepartment,
        statistic.StatisticMatter,
        statistic.StatisticHandling,
        statistic.StatisticWindow,
        statistic.StatisticClerk,
        statistic.StatisticPeriod,
        statistic.MonthlyReportStart,
        document.CasePrintStart,
        module='onewindow_approval', type_='model')
    Pool.register(
        party.Erase,
        card.CardResolve,
        correction.CaseCorrect,
        statistic.MonthlyReportPrint,
        document.CasePrint,
        module='onewindow_approval', type_='wizard')
    Pool.register(
        document.AcceptanceNotice,
        document.SupplementNotice,
        document.RefusalNotice,
        document.PaymentNotice,
        document.SuspensionNotice,
        document.ExtensionNotice,
        document.DecisionNotice,
        document.PickupNotice,
        document.DeliveryReceipt,
        handover.HandoverSlip,
        statistic.MonthlyReport,
        module='onewindow_approval', type_='report')
