# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# Where the link goes in the stored message: the token itself is made when
# the message is sent and never stored
LINK = '{link}'


class CaseNotification(metaclass=PoolMeta):
    __name__ = 'onewindow.case.notification'
    evaluation = fields.Many2One('onewindow.evaluation', "Rating",
        readonly=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.kind.selection.append(('rating', "Rating Link"))

    @classmethod
    def notify_rating(cls, evaluations):
        """Record the text messages that ask the applicants to rate their
        cases and send them once the transaction is committed"""
        vlist = []
        for evaluation in evaluations:
            case = evaluation.case
            if not case.phone:
                continue
            vlist.append({
                    'case': case.id,
                    'evaluation': evaluation.id,
                    'kind': 'rating',
                    'channel': 'sms',
                    'recipient': case.phone,
                    'message': gettext(
                        'onewindow_evaluation.msg_notification_rating',
                        number=case.number or '',
                        matter=case.matter.name,
                        link=LINK),
                    })
        notifications = cls.create(vlist)
        if notifications:
            cls.__queue__.send(notifications)
        return notifications

    def rating_link(self):
        "Return the address of a new one-time link of the rating"
        pool = Pool()
        Configuration = pool.get('onewindow.evaluation.configuration')
        base = (Configuration(1).portal_url or '').rstrip('/')
        token = self.evaluation.new_link('sms')
        return '%s/%s/portal/rate/%s' % (
            base, Transaction().database.name, token)

    def _send(self):
        if self.kind == 'rating' and self.evaluation:
            if self.evaluation.state != 'pending':
                # Rated in the meantime: nothing to ask
                return True
            stored = self.message
            self.message = stored.replace(LINK, self.rating_link())
            try:
                return super()._send()
            finally:
                self.message = stored
        return super()._send()
