# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import secrets

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)


class Device(DeactivableMixin, ModelSQL, ModelView):
    """Rating Device

    The tablet facing the applicant at a window: its page shows the service
    just finished at the window and the five levels.  It is reached by its
    key, which only the center administrator reads; a new key replaces a
    lost one."""
    __name__ = 'onewindow.evaluation.device'
    window = fields.Many2One('onewindow.window', "Window", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True, size=100)
    key = fields.Char("Key", readonly=True,
        help="The last part of the address of the device's page.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('key_unique', Unique(t, t.key),
                'onewindow_evaluation.msg_device_key_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.key, Index.Equality())))
        cls._buttons.update({
                'renew_key': {},
                })

    @classmethod
    def create(cls, vlist):
        vlist = [dict(v, key=secrets.token_urlsafe(24)) for v in vlist]
        return super().create(vlist)

    @classmethod
    def copy(cls, devices, default=None):
        default = dict(default or {}, key=None)
        return super().copy(devices, default=default)

    @classmethod
    @ModelView.button
    def renew_key(cls, devices):
        for device in devices:
            cls.write([device], {'key': secrets.token_urlsafe(24)})

    @classmethod
    def from_key(cls, key):
        "Return the active device of the key or None"
        if not key or len(key) > 100:
            return None
        devices = cls.search([('key', '=', key)], limit=1)
        return devices[0] if devices else None
