# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.model import fields
from trytond.modules.onewindow_hall.model import ClearCacheMixin, NameCache
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class GuideCache(NameCache):
    """The service guides of the published matters as the matter page shows
    them (its title and the HTML of its content), kept by the process for
    each matter and language

    The guide reads the matter, its checklist and the files it offers, its
    department, the windows that serve it, their halls and rooms, and their
    translations: a dozen queries for a page that changes a few times a
    year.  It is cleared (in every process, through trytond's cache) when
    any of them is created, written or deleted, and when a translation is
    (as the names of `NameCache`); the duration is only a safety net."""

    def get_guide(self, matter_id, language):
        return self.cache.get((matter_id, language))

    def set_guide(self, matter_id, language, guide):
        self.cache.set((matter_id, language), guide)


guides = GuideCache('onewindow_portal.matter.guide',
    duration=dt.timedelta(hours=1))


class GuideClearMixin(ClearCacheMixin):
    "Clear the service guides when a record of the model changes"
    __slots__ = ()

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        guides.clear()


class Matter(GuideClearMixin, metaclass=PoolMeta):
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


class MatterMaterial(GuideClearMixin, metaclass=PoolMeta):
    __name__ = 'onewindow.matter.material'


class Department(GuideClearMixin, metaclass=PoolMeta):
    __name__ = 'onewindow.department'


class Hall(GuideClearMixin, metaclass=PoolMeta):
    __name__ = 'onewindow.hall'


class Room(GuideClearMixin, metaclass=PoolMeta):
    __name__ = 'onewindow.room'


class Window(GuideClearMixin, metaclass=PoolMeta):
    __name__ = 'onewindow.window'


class WindowRoom(GuideClearMixin, metaclass=PoolMeta):
    __name__ = 'onewindow.window-onewindow.room'


class WindowDepartment(GuideClearMixin, metaclass=PoolMeta):
    __name__ = 'onewindow.window-onewindow.department'
