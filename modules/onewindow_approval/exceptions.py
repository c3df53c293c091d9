# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class CaseAccessError(AccessError):
    pass


class CaseValidationError(ValidationError):
    pass


class AcceptanceError(UserError):
    pass


class SupplementError(UserError):
    pass


class SupplementWarning(UserWarning):
    pass


class DecisionError(UserError):
    pass


class FeeError(ValidationError):
    pass


class DocumentError(UserError):
    pass


class HandoverError(UserError):
    pass


class ReviewError(UserError):
    pass


class ResultError(UserError):
    pass


class DeliveryError(UserError):
    pass


class CardError(UserError):
    pass


class CardAccessError(AccessError):
    pass
