# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Case(metaclass=PoolMeta):
    __name__ = 'onewindow.case'
    evaluations = fields.One2Many('onewindow.evaluation', 'case', "Ratings",
        readonly=True)
    complaints = fields.One2Many('onewindow.complaint', 'case', "Complaints",
        readonly=True)

    @classmethod
    def copy(cls, cases, default=None):
        # A copy is a new application: it was never rated nor complained of
        default = default.copy() if default is not None else {}
        default.setdefault('evaluations', None)
        default.setdefault('complaints', None)
        return super().copy(cases, default=default)

    @classmethod
    def accept(cls, cases):
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        super().accept(cases)
        # The acceptance is a service contact rated by the applicant
        cases = [c for c in cls.browse([c.id for c in cases])
            if c.acceptance_date]
        Evaluation.issue(cases, 'acceptance')

    @classmethod
    def deliver(cls, cases):
        pool = Pool()
        Evaluation = pool.get('onewindow.evaluation')
        super().deliver(cases)
        cases = [c for c in cls.browse([c.id for c in cases])
            if c.state == 'delivered']
        # The delivery is rated, and the whole case (一事一评)
        Notification = pool.get('onewindow.case.notification')
        Evaluation.issue(cases, 'delivery')
        # The text message asks for the rating of the whole case
        with without_check_access():
            Notification.notify_rating(Evaluation.issue(cases, 'case'))
