# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool

from . import (
    account, application, authorization, card, kiosk, lookup, matter,
    notification, oidc, online, routes, sms, web_user)

__all__ = ['register', 'account', 'lookup', 'oidc', 'online', 'routes']


def register():
    Pool.register(
        matter.Matter,
        matter.MatterMaterial,
        matter.Department,
        matter.Hall,
        matter.Room,
        matter.Window,
        matter.WindowRoom,
        matter.WindowDepartment,
        application.Configuration,
        application.Application,
        application.ApplicationMaterial,
        application.Case,
        application.Attachment,
        web_user.User,
        web_user.VerificationCode,
        web_user.Attempt,
        oidc.LoginRequest,
        authorization.AgentAuthorization,
        sms.Message,
        notification.CaseNotification,
        notification.Case,
        kiosk.Terminal,
        card.Card,
        module='onewindow_portal', type_='model')
    Pool.register(
        application.ApplicationReceipt,
        module='onewindow_portal', type_='report')
