# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The cards of the pre-reviews late, and the sweep of the records that
have a working-day deadline of their own (other than the cases): a yellow
card one working day before the deadline, a red card once it has passed"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.modules.onewindow_approval.supervision import warning_date
from trytond.modules.onewindow_hall.ir import now as hall_now
from trytond.pool import Pool, PoolMeta
from trytond.tools import grouped_slice
from trytond.transaction import without_check_access


class Card(metaclass=PoolMeta):
    __name__ = 'onewindow.card'
    application = fields.Many2One('onewindow.application',
        "Online Application", readonly=True, ondelete='CASCADE',
        help="The online application whose pre-review is late.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # An application has no case before it passes its pre-review, and
        # its pre-review is the windows' task (the center's), not the
        # department's
        cls.case.required = False
        cls.department.required = False
        cls.kind.selection += [
            ('prereview', "Pre-Review Deadline"),
            ]
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.application, Index.Equality())))

    def get_rec_name(self, name):
        for _, field, _, _, _ in self._swept_models():
            record = getattr(self, field)
            if record:
                return '%s %s' % (self.colour_string, record.rec_name)
        return super().get_rec_name(name)

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            super().search_rec_name(name, clause),
            ('application.rec_name',) + tuple(clause[1:]),
            ]

    @classmethod
    def sweep(cls, full=False):
        ids = super().sweep(full=full)
        return ids + cls.sweep_records()

    @classmethod
    def _swept_models(cls):
        """Return the (kind, field, model, deadline field, module of the
        messages) of the records swept with their deadlines; the model
        tells its running states in `_running_states`, and with
        `_card_department = False` that its cards are the center's"""
        return [
            ('prereview', 'application', 'onewindow.application',
                'prereview_deadline', 'onewindow_portal'),
            ]

    @classmethod
    def sweep_records(cls):
        """Issue the cards of the running records late or due the next
        working day, and close those of the records no longer running or
        whose deadline moved; return the ids issued"""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        # The demo loader sweeps each day of its story on that day
        now = hall_now()
        warnings = {}
        ids = []
        with without_check_access():
            for kind, field, model, deadline, module in cls._swept_models():
                Model = pool.get(model)
                open_cards = cls.search([
                        ('kind', '=', kind),
                        ('state', '=', 'open'),
                        ])
                to_close = [c for c in open_cards
                    if getattr(c, field).state not in Model._running_states
                    or getattr(getattr(c, field), deadline) != c.deadline
                    # The red card replaces the yellow one
                    or (c.colour == 'yellow' and c.deadline < today)]
                for sub_cards in grouped_slice(to_close):
                    cls._close([c.id for c in sub_cards],
                        gettext('%s.msg_card_closed_done' % module), now,
                        kind=kind)
                existing = {(getattr(c, field).id, c.deadline, c.colour)
                    for c in cls.search([
                            ('kind', '=', kind),
                            ])}
                records = Model.search([
                        ('state', 'in', Model._running_states),
                        (deadline, '!=', None),
                        (deadline, '<=', today + dt.timedelta(days=31)),
                        ])
                vlist = []
                for record in records:
                    hall = record.hall
                    date = getattr(record, deadline)
                    if hall.id not in warnings:
                        warnings[hall.id] = warning_date(hall.calendar, today)
                    if date < today:
                        colour = 'red'
                    elif date <= warnings[hall.id]:
                        colour = 'yellow'
                    else:
                        continue
                    if (record.id, date, colour) in existing:
                        continue
                    case = getattr(record, 'case', None)
                    department = (getattr(record, 'department', None)
                        if getattr(Model, '_card_department', True)
                        else None)
                    employee = getattr(record, 'employee', None)
                    vlist.append({
                            'company': record.company.id,
                            'case': case.id if case else None,
                            'department': (department.id
                                if department else None),
                            field: record.id,
                            'kind': kind,
                            'colour': colour,
                            'deadline': date,
                            'issue_date': today,
                            'employee': employee.id if employee else None,
                            'description': gettext(
                                '%s.msg_card_%s_%s' % (module, kind, colour),
                                record=record.rec_name,
                                deadline=date.isoformat()),
                            })
                ids += [c.id for c in cls.create(vlist)]
        return ids
