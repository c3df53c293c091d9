# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.cache import Cache
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .model import ClearCacheMixin


class User(ClearCacheMixin, metaclass=PoolMeta):
    __name__ = 'res.user'
    departments = fields.Many2Many(
        'res.user-onewindow.department', 'user', 'department', "Departments",
        help="The departments whose records the user works on.\n"
        "Department approvers and liaisons see only these departments' "
        "records.")
    _get_departments_cache = Cache(
        __name__ + '.get_departments', context=False)

    @classmethod
    def _get_preferences(cls, user, context_only=False):
        preferences = super()._get_preferences(user, context_only=context_only)
        # The clients narrow the work lists to the user's departments.  Not
        # a context field: the user could set those with his preferences
        preferences['departments'] = [d.id for d in user.departments]
        return preferences

    def get_status_bar(self, name):
        status = super().get_status_bar(name)
        # The company module adds the currency of the company, which means
        # nothing to the staff of a hall that charges only fixed fees
        if self.company:
            suffix = ' [%s]' % self.company.currency.code
            if status.endswith(suffix):
                status = status[:-len(suffix)]
        return status

    @classmethod
    def get_rule_context(cls):
        """Return the values of the current user that the record rules read
        (the keys of Eval in their domains)

        Modules extend it with their own keys; each value must be hashable
        and depend only on the user, as it is part of the rules' cache
        key."""
        return {
            'departments': cls.get_departments(),
            'employees': cls.get_employees(),
            }

    @classmethod
    def get_employee(cls):
        """Return the employee the current user works as (the one of the
        context when it is his), or None"""
        pool = Pool()
        Employee = pool.get('company.employee')
        transaction = Transaction()
        if not transaction.user:
            return None
        # The employees of the user are cached, his record is not
        employees = cls.get_employees()
        employee_id = transaction.context.get('employee')
        if employee_id not in employees:
            employee_id = employees[0] if employees else None
        if employee_id is not None:
            return Employee(employee_id)

    @classmethod
    def in_group(cls, module, fs_id):
        "Return True if the current user belongs to the group module.fs_id"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        return ModelData.get_id(module, fs_id) in cls.get_groups()

    @classmethod
    def is_department_approver(cls, department):
        """Return True if the current user is an approver of the
        department (always for the root user)"""
        if not Transaction().user:
            return True
        return (department.id in cls.get_departments()
            and cls.in_group('onewindow_hall', 'group_approver'))

    @classmethod
    def get_departments(cls):
        "Return the sorted tuple of the current user's department ids"
        user_id = Transaction().user
        departments = cls._get_departments_cache.get(user_id)
        if departments is not None:
            return departments
        user = cls(user_id)
        departments = tuple(sorted(d.id for d in user.departments))
        cls._get_departments_cache.set(user_id, departments)
        return departments

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        cls._get_departments_cache.clear()


class UserDepartment(ClearCacheMixin, ModelSQL):
    "User - Department"
    __name__ = 'res.user-onewindow.department'
    user = fields.Many2One(
        'res.user', "User", ondelete='CASCADE', required=True)
    department = fields.Many2One(
        'onewindow.department', "Department", ondelete='CASCADE',
        required=True)

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        Pool().get('res.user')._get_departments_cache.clear()
