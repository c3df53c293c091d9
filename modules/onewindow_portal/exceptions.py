# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import ValidationError


class ApplicationError(UserError):
    pass


class ApplicationValidationError(ValidationError):
    pass


class AccountError(UserError):
    pass
