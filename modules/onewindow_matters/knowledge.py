# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields)
from trytond.modules.onewindow_hall.model import (
    real_date, rec_name_domain)
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.transaction import Transaction

# An entry not reviewed for this many days is due for review
REVIEW_DAYS = 90


class Knowledge(DeactivableMixin, ModelSQL, ModelView):
    """Knowledge Base Entry

    A question applicants ask and the answer the guides and clerks give,
    kept by the department that owns the matters and reviewed regularly."""
    __name__ = 'onewindow.knowledge'
    _rec_name = 'question'

    question = fields.Char("Question", required=True)
    answer = fields.Text("Answer", required=True)
    matters = fields.Many2Many(
        'onewindow.knowledge-onewindow.matter', 'knowledge', 'matter',
        "Matters",
        help="The matters the entry is about; new versions of them keep "
        "the entry.")
    department = fields.Many2One(
        'onewindow.department', "Department", ondelete='RESTRICT',
        help="The department that answers for the entry.")
    keywords = fields.Char("Keywords",
        help="Words applicants use for the question, separated by spaces.")
    owner = fields.Many2One(
        'company.employee', "Owner", ondelete='RESTRICT',
        help="Who keeps the entry up to date.")
    last_reviewed = fields.Date("Last Reviewed",
        domain=real_date('last_reviewed'),
        help="The day the owner last checked the answer.")
    review_due = fields.Function(
        fields.Boolean("Review Due",
            help="Not reviewed for %s days." % REVIEW_DAYS),
        'get_review_due', searcher='search_review_due')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.owner, Index.Equality())),
                Index(t, (t.last_reviewed, Index.Range())),
                })
        cls._order.insert(0, ('question', 'ASC'))
        cls._buttons.update({
                'review': {
                    'icon': 'tryton-ok',
                    },
                })
        cls.__rpc__.update({
                'search_keyword': RPC(result=lambda r: [e.id for e in r]),
                })

    @staticmethod
    def default_owner():
        return Transaction().context.get('employee')

    @staticmethod
    def default_last_reviewed():
        return Pool().get('ir.date').today()

    @staticmethod
    def review_limit():
        "Return the last review date that is still recent enough"
        return (Pool().get('ir.date').today()
            - dt.timedelta(days=REVIEW_DAYS))

    @classmethod
    def get_review_due(cls, entries, name):
        limit = cls.review_limit()
        return {e.id: not e.last_reviewed or e.last_reviewed <= limit
            for e in entries}

    @classmethod
    def search_review_due(cls, name, clause):
        _, operator, value = clause
        if operator not in {'=', '!='}:
            return []
        limit = cls.review_limit()
        if (operator == '=') == bool(value):
            return ['OR',
                ('last_reviewed', '=', None),
                ('last_reviewed', '<=', limit),
                ]
        return [('last_reviewed', '>', limit)]

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['question', 'keywords', 'answer'])

    @classmethod
    def search_keyword(cls, text):
        """Return the active entries whose question, answer or keywords hold
        every word of text"""
        domain = []
        for word in text.split():
            like = '%%%s%%' % word
            domain.append(['OR',
                    ('question', 'ilike', like),
                    ('keywords', 'ilike', like),
                    ('answer', 'ilike', like),
                    ])
        return cls.search(domain)

    @classmethod
    @ModelView.button
    def review(cls, entries):
        "Mark the entries as checked today"
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(entries, {'last_reviewed': Date.today()})


class KnowledgeMatter(ModelSQL):
    "Knowledge - Matter"
    __name__ = 'onewindow.knowledge-onewindow.matter'
    knowledge = fields.Many2One(
        'onewindow.knowledge', "Entry", required=True, ondelete='CASCADE')
    matter = fields.Many2One(
        'onewindow.matter', "Matter", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('knowledge')
