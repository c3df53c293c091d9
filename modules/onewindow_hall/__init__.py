# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelStorage, ModelView
from trytond.pool import Pool

from . import (
    calendar_, company, department, duty, hall, ir, model, res, terminal)

__all__ = ['register']


def register():
    Pool.register(
        calendar_.Calendar,
        calendar_.CalendarYear,
        calendar_.CalendarDay,
        calendar_.CalendarLog,
        calendar_.CalendarFillStart,
        hall.Hall,
        hall.Zone,
        hall.Room,
        hall.Window,
        hall.WindowRoom,
        hall.WindowDepartment,
        hall.WindowEmployee,
        department.Department,
        department.DepartmentEmployee,
        department.Employee,
        company.Company,
        company.Party,
        terminal.Terminal,
        duty.Duty,
        duty.DutyCheckStart,
        duty.DutyCheckResult,
        res.User,
        res.UserDepartment,
        ir.Rule,
        ir.Configuration,
        ir.Translation,
        ir.Date,
        ir.Attachment,
        ir.Note,
        ir.Email,
        ir.ModelLog,
        module='onewindow_hall', type_='model')
    # Every model of the pool, ours and the core ones, checks the calls of
    # the clients where they enter
    Pool.register_mixin(
        model.RPCGuardMixin, ModelStorage, module='onewindow_hall')
    Pool.register_mixin(
        model.ReadCheckMixin, ModelStorage, module='onewindow_hall')
    Pool.register_mixin(
        model.LogMixin, ModelStorage, module='onewindow_hall')
    Pool.register_mixin(
        model.RPCGuardMixin, ModelView, module='onewindow_hall')
    Pool.register(
        calendar_.CalendarFill,
        duty.DutyCheck,
        module='onewindow_hall', type_='wizard')
