# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class MatterValidationError(ValidationError):
    pass


class MatterTimeLimitError(ValidationError):
    pass


class MatterTimeLimitWarning(UserWarning):
    pass


class MatterPublishError(UserError):
    pass


class MatterVersionError(UserError):
    pass


class MaterialValidationError(ValidationError):
    pass


class FormFieldValidationError(ValidationError):
    pass


class DelegationError(UserError):
    pass


class AuthorizationValidationError(ValidationError):
    pass


class CatalogImportError(UserError):
    pass
