# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class EvaluationError(UserError):
    pass


class EvaluationAccessError(AccessError):
    pass


class RectificationError(ValidationError):
    pass


class ComplaintError(ValidationError):
    pass
