# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class Matter(metaclass=PoolMeta):
    __name__ = 'onewindow.matter'
    fully_online = fields.Boolean("Fully Online",
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="全程网办: an online application that passes its pre-review is "
        "accepted on its uploaded files, without a visit to the hall; for "
        "the other matters the applicant is told which originals to bring.")

    @classmethod
    def default_fully_online(cls):
        return False
