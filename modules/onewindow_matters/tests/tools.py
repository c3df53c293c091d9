# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Proteus helpers for the scenarios of the modules built on matters"""
from proteus import Model
from proteus.config import get_config

__all__ = ['create_hall', 'create_matter']

DEPARTMENTS = [
    # code, name, residency, batch
    ('RS', "县人社局", 'non_resident', 1),
    ('MZ', "县民政局", 'non_resident', 1),
    ('JT', "县交通运输局", 'non_resident', 1),
    ('GA', "县公安局", 'resident', None),
    ('GS', "县工商局", 'resident', None),
    ('ZJ', "县住建局", 'resident', None),
    ]


def create_hall(config=None):
    """Create a small hall with a comprehensive window and a police window

    Return a dictionary with the hall, its departments and windows by
    code."""
    if not config:
        config = get_config()
    Calendar = Model.get('onewindow.calendar', config=config)
    Hall = Model.get('onewindow.hall', config=config)
    Zone = Model.get('onewindow.zone', config=config)
    Window = Model.get('onewindow.window', config=config)
    Department = Model.get('onewindow.department', config=config)

    calendar = Calendar(name="翁源县工作日历")
    calendar.save()
    hall = Hall(
        name="翁源县公共服务中心", code='WY', calendar=calendar,
        address="翁源县龙仙镇建设三路公共服务中心", phone="0751-2888123",
        opening_hours="周一至周五 8:30-12:00，14:30-17:30", floors=2)
    hall.save()
    departments = {}
    for code, name, residency, batch in DEPARTMENTS:
        department = Department(
            code=code, name=name, residency=residency, batch=batch)
        department.save()
        departments[code] = department
    comprehensive = Zone(hall=hall, name="综合服务窗口", kind='comprehensive',
        floor=2)
    comprehensive.save()
    dedicated = Zone(hall=hall, name="公安服务窗口", kind='dedicated',
        floor=1)
    dedicated.save()
    windows = {}
    window = Window(hall=hall, name="综合服务窗口", code='ZH',
        zone=comprehensive, kind='comprehensive')
    for code in ['RS', 'MZ', 'JT']:
        window.departments.append(Department(departments[code].id))
    window.save()
    windows['ZH'] = window
    window = Window(hall=hall, name="公安服务窗口", code='GA',
        zone=dedicated, kind='department')
    window.departments.append(Department(departments['GA'].id))
    window.save()
    windows['GA'] = window
    return {
        'hall': hall,
        'departments': departments,
        'windows': windows,
        }


# A matter is published only with its legal basis
DEFAULT_LEGAL_BASIS = "《广东省政务服务事项目录管理办法》第八条"


def create_matter(department, code, name, handling='promised',
        promised_limit=10, statutory_limit=20, materials=None,
        co_departments=(), config=None, **values):
    """Create a draft matter of department with a checklist

    materials is a list of names of required materials; by default a
    resident ID checked against its original and an application form."""
    if not config:
        config = get_config()
    Matter = Model.get('onewindow.matter', config=config)
    Department = Model.get('onewindow.department', config=config)
    values.setdefault('legal_basis', DEFAULT_LEGAL_BASIS)
    matter = Matter(code=code, name=name, department=department,
        handling=handling, statutory_limit=statutory_limit,
        promised_limit=0 if handling == 'same_day' else promised_limit,
        **values)
    for co_department in co_departments:
        matter.co_departments.append(Department(co_department.id))
    if materials is None:
        materials = ["居民身份证", "申请表"]
    for material_name in materials:
        material = matter.materials.new(name=material_name)
        if material_name == "居民身份证":
            material.original_check = True
            material.credibility = 'B'
        else:
            material.credibility = 'D'
    matter.save()
    return matter
