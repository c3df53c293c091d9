# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.

from trytond.cache import Cache
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .model import ClearCacheMixin, NameCache, NameCacheMixin

ZONE_KINDS = [
    ('comprehensive', "Comprehensive Window"),
    ('themed', "Themed Zone"),
    ('convenience', "Convenience Zone"),
    ('dedicated', "Dedicated Window"),
    ('consultation', "Consultation Zone"),
    ('self_service', "Self-Service Zone"),
    ]


class Hall(ClearCacheMixin, ModelSQL, ModelView):
    "Service Hall"
    __name__ = 'onewindow.hall'
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True,
        help="Short code of the hall, used in case numbers.")
    company = fields.Many2One(
        'company.company', "Operating Company", required=True,
        help="The administrative service center that runs the hall.")
    address = fields.Text("Address")
    phone = fields.Char("Phone")
    opening_hours = fields.Text("Opening Hours")
    floors = fields.Integer("Floors", required=True,
        domain=[('floors', '>', 0), ('floors', '<=', 200)])
    calendar = fields.Many2One(
        'onewindow.calendar', "Working-Day Calendar", required=True,
        help="The calendar that counts the time limits of the hall's cases.")
    _calendars_cache = Cache('onewindow.hall.calendars', context=False)
    zones = fields.One2Many('onewindow.zone', 'hall', "Zones")
    rooms = fields.One2Many('onewindow.room', 'hall', "Rooms")
    windows = fields.One2Many('onewindow.window', 'hall', "Windows")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('code_unique', Unique(t, t.code),
                'onewindow_hall.msg_hall_code_unique'),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_floors():
        return 1

    @classmethod
    def get_calendars(cls):
        """Return the id of the calendar of each hall (by id), from a cache
        cleared when a hall is created, written or deleted"""
        calendars = cls._calendars_cache.get(None)
        if calendars is None:
            with without_check_access():
                calendars = {h.id: h.calendar.id for h in cls.search([])}
            cls._calendars_cache.set(None, calendars)
        return calendars

    @classmethod
    def _clear_caches(cls):
        super()._clear_caches()
        cls._calendars_cache.clear()


class Zone(DeactivableMixin, ModelSQL, ModelView):
    "Hall Zone"
    __name__ = 'onewindow.zone'
    hall = fields.Many2One(
        'onewindow.hall', "Hall", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(ZONE_KINDS, "Kind", required=True, sort=False)
    floor = fields.Integer("Floor", required=True,
        domain=[('floor', '>=', -10), ('floor', '<=', 200)])
    rooms = fields.One2Many(
        'onewindow.room', 'zone', "Rooms",
        domain=[('hall', '=', Eval('hall', -1))])
    windows = fields.One2Many(
        'onewindow.window', 'zone', "Windows",
        domain=[('hall', '=', Eval('hall', -1))])
    description = fields.Text("Description")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('floor', 'ASC'))


class Room(ModelSQL, ModelView):
    "Hall Room"
    __name__ = 'onewindow.room'
    _rec_name = 'number'
    hall = fields.Many2One(
        'onewindow.hall', "Hall", required=True, ondelete='CASCADE')
    number = fields.Char("Number", required=True,
        help="The number printed on the door.")
    floor = fields.Integer("Floor", required=True,
        domain=[('floor', '>=', -10), ('floor', '<=', 200)])
    zone = fields.Many2One(
        'onewindow.zone', "Zone", ondelete='SET NULL',
        domain=[('hall', '=', Eval('hall', -1))])
    sequence = fields.Integer("Sequence")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('number_unique', Unique(t, t.hall, t.number),
                'onewindow_hall.msg_room_number_unique'),
            ]
        cls._order = [
            ('floor', 'ASC'),
            ('sequence', 'ASC NULLS LAST'),
            ('number', 'ASC'),
            ]

    @fields.depends('zone', '_parent_zone.floor')
    def on_change_zone(self):
        if self.zone:
            self.floor = self.zone.floor

    def get_rec_name(self, name):
        return self.number


class Window(NameCacheMixin, DeactivableMixin, ModelSQL, ModelView):
    "Service Window"
    __name__ = 'onewindow.window'
    hall = fields.Many2One(
        'onewindow.hall', "Hall", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    _rec_name_cache = NameCache('onewindow.window.rec_name')
    code = fields.Char("Code")
    zone = fields.Many2One(
        'onewindow.zone', "Zone", required=True, ondelete='RESTRICT',
        domain=[('hall', '=', Eval('hall', -1))])
    kind = fields.Selection([
            ('comprehensive', "Comprehensive"),
            ('department', "Department's Own"),
            ], "Kind", required=True, sort=False,
        help="A comprehensive window accepts on behalf of many departments "
        "under their delegation; a department's own window accepts only "
        "its matters.")
    status = fields.Selection([
            ('open', "Open"),
            ('closed', "Closed"),
            ], "Status", required=True, sort=False)
    rooms = fields.Many2Many(
        'onewindow.window-onewindow.room', 'window', 'room', "Rooms",
        domain=[('hall', '=', Eval('hall', -1))])
    departments = fields.Many2Many(
        'onewindow.window-onewindow.department', 'window', 'department',
        "Departments", help="The departments whose matters it serves.")
    employees = fields.Many2Many(
        'onewindow.window-company.employee', 'window', 'employee', "Staff")
    rooms_text = fields.Function(fields.Char("Rooms"), 'get_rooms_text')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('code', 'ASC NULLS LAST'))

    @staticmethod
    def default_kind():
        return 'department'

    @staticmethod
    def default_status():
        return 'open'

    def get_rooms_text(self, name):
        def key(room):
            return (room.floor, len(room.number), room.number)
        return ', '.join(r.number for r in sorted(self.rooms, key=key))



class WindowRoom(ModelSQL):
    "Window - Room"
    __name__ = 'onewindow.window-onewindow.room'
    window = fields.Many2One(
        'onewindow.window', "Window", required=True, ondelete='CASCADE')
    room = fields.Many2One(
        'onewindow.room', "Room", required=True, ondelete='CASCADE')


class WindowDepartment(ModelSQL):
    "Window - Department"
    __name__ = 'onewindow.window-onewindow.department'
    window = fields.Many2One(
        'onewindow.window', "Window", required=True, ondelete='CASCADE')
    department = fields.Many2One(
        'onewindow.department', "Department", required=True,
        ondelete='CASCADE')


class WindowEmployee(ModelSQL):
    "Window - Employee"
    __name__ = 'onewindow.window-company.employee'
    window = fields.Many2One(
        'onewindow.window', "Window", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')
