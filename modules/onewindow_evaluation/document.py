# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The QR code of the rating link on the acceptance notice and on the
delivery receipt"""
import io

import segno

from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

EMPTY = (b'', 'image/svg+xml')


def rating_qr(case, stage):
    """Return the image of the QR code of a new one-time link to rate the
    stage of the case, or an empty image when there is nothing to rate

    The link is recorded in a transaction of its own: a document is
    printed in a read-only one."""
    pool = Pool()
    Evaluation = pool.get('onewindow.evaluation')
    Configuration = pool.get('onewindow.evaluation.configuration')
    with without_check_access():
        evaluations = Evaluation.search([
                ('case', '=', case.id),
                ('stage', '=', stage),
                ('state', '=', 'pending'),
                ], limit=1)
    if not evaluations:
        return EMPTY
    transaction = Transaction()
    with transaction.new_transaction(readonly=False) as new:
        evaluation = Evaluation(evaluations[0].id)
        token = evaluation.new_link('qr')
        base = (Configuration(1).portal_url or '').rstrip('/')
        new.commit()
    url = '%s/%s/portal/rate/%s' % (base, transaction.database.name, token)
    buffer = io.BytesIO()
    segno.make(url, error='m').save(buffer, kind='svg', scale=4, border=2)
    return (buffer.getvalue(), 'image/svg+xml', '2.5cm', '2.5cm')


class AcceptanceNotice(metaclass=PoolMeta):
    __name__ = 'onewindow.case.acceptance_notice'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['rating_qr'] = rating_qr
        return context


class DeliveryReceipt(metaclass=PoolMeta):
    __name__ = 'onewindow.case.delivery_receipt'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['rating_qr'] = rating_qr
        return context
