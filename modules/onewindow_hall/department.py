# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .model import NameCache, NameCacheMixin, real_date, rec_name_domain

ROLES = [
    (None, ""),
    ('clerk', "Window Clerk"),
    ('team_leader', "Window Team Leader"),
    ('approver', "Department Approver"),
    ('guide', "Guide"),
    ('liaison', "Liaison"),
    ('administrator', "Center Administrator"),
    ('supervisor', "Supervisor"),
    ]


class Department(NameCacheMixin, DeactivableMixin, ModelSQL, ModelView):
    "Department"
    __name__ = 'onewindow.department'
    name = fields.Char("Name", required=True, translate=True)
    _rec_name_cache = NameCache('onewindow.department.rec_name')
    short_name = fields.Char("Short Name", translate=True)
    code = fields.Char("Code", required=True)
    kind = fields.Selection([
            ('bureau', "Government Bureau"),
            ('utility', "Public Utility"),
            ('intermediary', "Intermediary"),
            ], "Kind", required=True, sort=False)
    residency = fields.Selection([
            ('resident', "Resident"),
            ('non_resident', "Non-Resident"),
            ], "Residency", required=True, sort=False,
        help="A non-resident department has joined the comprehensive window "
        "and keeps at least one on-site day a week through its liaisons.")
    batch = fields.Integer("Entry Batch",
        domain=['OR', ('batch', '=', None),
            [('batch', '>', 0), ('batch', '<=', 100)]],
        help="The batch in which the department joined the comprehensive "
        "window (1 for the first batch).")
    entry_date = fields.Date("Entry Date",
        domain=real_date('entry_date'),
        states={
            'invisible': ~Eval('batch'),
            })
    windows = fields.Many2Many(
        'onewindow.window-onewindow.department', 'department', 'window',
        "Windows")
    employees = fields.Many2Many(
        'onewindow.department-company.employee', 'department', 'employee',
        "Staff")
    team_leader = fields.Many2One(
        'company.employee', "Window Team Leader",
        help="Usually the head of the department's approval section.")
    liaisons = fields.Function(
        fields.Many2Many('company.employee', None, None, "Liaisons"),
        'get_liaisons')
    phone = fields.Char("Phone")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'onewindow_hall.msg_department_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @staticmethod
    def default_kind():
        return 'bureau'

    @staticmethod
    def default_residency():
        return 'resident'

    def get_liaisons(self, name):
        return [e.id for e in self.employees if e.hall_role == 'liaison']

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['name', 'short_name', 'code'])


class DepartmentEmployee(ModelSQL):
    "Department - Employee"
    __name__ = 'onewindow.department-company.employee'
    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')


class Employee(NameCacheMixin, metaclass=PoolMeta):
    __name__ = 'company.employee'
    hall_role = fields.Selection(ROLES, "Hall Role",
        help="The employee's role in the service hall.")
    departments = fields.Many2Many(
        'onewindow.department-company.employee', 'employee', 'department',
        "Departments")
    windows = fields.Many2Many(
        'onewindow.window-company.employee', 'employee', 'window',
        "Windows")
    # The name of its party (see NameCache), cleared also by the parties
    _rec_name_cache = NameCache('company.employee.rec_name')
