# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The cards of the rectifications and complaints late: issued by the sweep
of the supervision cards, one working day before and once the deadline has
passed"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.modules.onewindow_approval.case import warning_date
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


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
        cls._protected_fields |= {'rectification', 'complaint'}
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.rectification, Index.Equality())),
                Index(t, (t.complaint, Index.Equality())),
                })

    def get_rec_name(self, name):
        if self.rectification:
            return '%s %s' % (self.colour_string,
                self.rectification.rec_name)
        if self.complaint:
            return '%s %s' % (self.colour_string, self.complaint.rec_name)
        return super().get_rec_name(name)

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            super().search_rec_name(name, clause),
            ('complaint.rec_name',) + tuple(clause[1:]),
            ]

    @classmethod
    def sweep(cls, full=False):
        ids = super().sweep(full=full)
        return ids + cls.sweep_records()

    @classmethod
    def _swept_models(cls):
        "Return the (kind, field, model) of the records swept with deadlines"
        return [
            ('rectification', 'rectification', 'onewindow.rectification'),
            ('complaint', 'complaint', 'onewindow.complaint'),
            ]

    @classmethod
    def sweep_records(cls):
        """Issue the cards of the running rectifications and complaints
        late or due the next working day, and close those of the records
        no longer running or whose deadline moved; return the ids issued"""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        now = dt.datetime.now()
        warnings = {}
        ids = []
        with without_check_access():
            for kind, field, model in cls._swept_models():
                Model = pool.get(model)
                open_cards = cls.search([
                        ('kind', '=', kind),
                        ('state', '=', 'open'),
                        ])
                to_close = [c for c in open_cards
                    if getattr(c, field).state not in Model._running_states
                    or getattr(c, field).deadline != c.deadline
                    # The red card replaces the yellow one
                    or (c.colour == 'yellow' and c.deadline < today)]
                if to_close:
                    cls.write(to_close, {
                            'state': 'resolved',
                            'resolution_date': now,
                            'resolution': gettext(
                                'onewindow_evaluation.msg_card_closed_done'),
                            })
                existing = {(getattr(c, field).id, c.deadline, c.colour)
                    for c in cls.search([
                            ('kind', '=', kind),
                            ])}
                records = Model.search([
                        ('state', 'in', Model._running_states),
                        ('deadline', '!=', None),
                        ('deadline', '<=', today + dt.timedelta(days=31)),
                        ])
                vlist = []
                for record in records:
                    hall = record.hall
                    if hall.id not in warnings:
                        warnings[hall.id] = warning_date(hall.calendar, today)
                    if record.deadline < today:
                        colour = 'red'
                    elif record.deadline <= warnings[hall.id]:
                        colour = 'yellow'
                    else:
                        continue
                    if (record.id, record.deadline, colour) in existing:
                        continue
                    case = getattr(record, 'case', None)
                    vlist.append({
                            'company': record.company.id,
                            'case': case.id if case else None,
                            'department': (record.department.id
                                if record.department else None),
                            field: record.id,
                            'kind': kind,
                            'colour': colour,
                            'deadline': record.deadline,
                            'issue_date': today,
                            'employee': (record.employee.id
                                if getattr(record, 'employee', None)
                                else None),
                            'description': gettext(
                                'onewindow_evaluation.msg_card_%s_%s'
                                % (kind, colour),
                                record=record.rec_name,
                                deadline=record.deadline.isoformat()),
                            })
                ids += [c.id for c in cls.create(vlist)]
        return ids
