# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The cards of the rectifications and complaints late: issued by the sweep
of the records with deadlines (onewindow_portal/card.py), one working day
before and once the deadline has passed"""
from trytond.model import Index, fields
from trytond.pool import PoolMeta


class Card(metaclass=PoolMeta):
    __name__ = 'onewindow.card'
    rectification = fields.Many2One('onewindow.rectification',
        "Rectification", readonly=True, ondelete='CASCADE')
    complaint = fields.Many2One('onewindow.complaint', "Complaint",
        readonly=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # A complaint may concern no case, and one routed to the center no
        # department
        cls.case.required = False
        cls.department.required = False
        cls.kind.selection += [
            ('rectification', "Rectification Deadline"),
            ('complaint', "Complaint Deadline"),
            ]
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.rectification, Index.Equality())),
                Index(t, (t.complaint, Index.Equality())),
                })

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            super().search_rec_name(name, clause),
            ('rectification.rec_name',) + tuple(clause[1:]),
            ('complaint.rec_name',) + tuple(clause[1:]),
            ]

    @classmethod
    def _swept_models(cls):
        return super()._swept_models() + [
            ('rectification', 'rectification', 'onewindow.rectification',
                'deadline', 'onewindow_evaluation'),
            ('complaint', 'complaint', 'onewindow.complaint', 'deadline',
                'onewindow_evaluation'),
            ]
