# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool

from . import (
    card, case, complaint, configuration, device, document, evaluation,
    ir, notification, rectification, routes, statistic)

# routes declares the rating pages when it is imported
__all__ = ['register', 'routes']


def register():
    Pool.register(
        ir.Cron,
        configuration.Configuration,
        evaluation.Reason,
        evaluation.IndicatorSet,
        evaluation.Indicator,
        evaluation.Evaluation,
        evaluation.EvaluationReason,
        evaluation.EvaluationLine,
        evaluation.EvaluationLink,
        statistic.SatisfactionSummary,
        device.Device,
        rectification.Rectification,
        complaint.Complaint,
        case.Case,
        notification.CaseNotification,
        card.Card,
        statistic.SatisfactionDepartment,
        statistic.SatisfactionWindow,
        statistic.SatisfactionEmployee,
        statistic.SatisfactionMatter,
        statistic.SatisfactionPeriod,
        module='onewindow_evaluation', type_='model')
    Pool.register(
        document.AcceptanceNotice,
        document.DeliveryReceipt,
        complaint.ComplaintAcknowledgement,
        complaint.ComplaintReply,
        statistic.MonthlyReport,
        module='onewindow_evaluation', type_='report')
