# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Kiosk mode: the portal on a self-service terminal of the hall

The terminal's browser opens /<database>/portal/kiosk/<key> once: from then
on its pages have the touch layout, the applications made on it come from
the self-service channel, and a session ends after 2 minutes without a
click (the page itself goes back to the start, without script); nothing is
cached and no cookie outlives the browser."""
import secrets

from trytond.model import ModelView, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .web import KIOSK_COOKIE, NotFound, gettext, portal_route

IDLE_SECONDS = 120


def new_key():
    return secrets.token_urlsafe(24)


class Terminal(metaclass=PoolMeta):
    __name__ = 'onewindow.terminal'
    kiosk_key = fields.Char("Kiosk Key", readonly=True, strip=False,
        help="The secret part of the address that opens the online hall "
        "in kiosk mode on this terminal.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'new_kiosk_key': {
                    'invisible': Eval('state') == 'retired',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_kiosk_key(cls):
        return new_key()

    @classmethod
    def copy(cls, terminals, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('kiosk_key', None)
        return super().copy(terminals, default=default)

    @classmethod
    @ModelView.button
    def new_kiosk_key(cls, terminals):
        for terminal in terminals:
            terminal.kiosk_key = new_key()
        cls.save(terminals)

    @classmethod
    def from_kiosk_key(cls, key):
        "Return the terminal in service of the key or None"
        if not key or len(key) > 64:
            return None
        terminals = cls.search([
                ('kiosk_key', '=', key),
                ('state', '=', 'in_service'),
                ], limit=1)
        return terminals[0] if terminals else None


@portal_route('kiosk/<key>')
def kiosk_start(page, key):
    "Turn the browser of a terminal into a kiosk"
    Terminal = page.pool.get('onewindow.terminal')
    if Terminal.from_kiosk_key(key) is None:
        raise NotFound(gettext("The page cannot be shown."))
    page.logout()
    page.set_cookie(KIOSK_COOKIE, key)
    return page.redirect('')


@portal_route('kiosk-end')
def kiosk_end(page):
    "End the session of the kiosk's user (after 2 minutes without a click)"
    page.logout()
    return page.redirect('')
