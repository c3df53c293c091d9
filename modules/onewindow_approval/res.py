# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.cache import Cache
from trytond.modules.onewindow_hall.model import ClearCacheMixin
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class User(ClearCacheMixin, metaclass=PoolMeta):
    __name__ = 'res.user'
    _get_halls_cache = Cache(__name__ + '.get_halls', context=False)

    @classmethod
    def get_rule_context(cls):
        context = super().get_rule_context()
        context['halls'] = cls.get_halls()
        return context

    @classmethod
    def is_department_head(cls, department):
        """Return True if the current user heads the department: an
        approver of the department in the group of the department heads
        (always for the root user)"""
        if not Transaction().user:
            return True
        return (cls.is_department_approver(department)
            and cls.in_group('onewindow_approval', 'group_department_head'))

    @classmethod
    def is_center_staff(cls):
        """Return True if the current user works for the center: a clerk,
        a team leader or a center administrator"""
        return any(cls.in_group('onewindow_hall', g) for g in [
                'group_clerk', 'group_team_leader', 'group_hall_admin'])

    @classmethod
    def get_halls(cls):
        """Return the sorted tuple of the ids of the halls where the current
        user's employees have a window"""
        user_id = Transaction().user
        halls = cls._get_halls_cache.get(user_id)
        if halls is not None:
            return halls
        user = cls(user_id)
        halls = tuple(sorted({
                    w.hall.id for e in user.employees for w in e.windows}))
        cls._get_halls_cache.set(user_id, halls)
        return halls

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        cls._get_halls_cache.clear()


def clear_halls_cache():
    Pool().get('res.user')._get_halls_cache.clear()
