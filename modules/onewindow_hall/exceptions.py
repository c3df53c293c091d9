# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import ValidationError


class CalendarError(UserError):
    pass


class CalendarDayValidationError(ValidationError):
    pass


class DutyWarning(UserWarning):
    pass


class ButtonStateError(UserError):
    pass


class InvalidValueError(UserError):
    pass
