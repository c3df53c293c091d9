# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers of the scenarios: a small hall with two departments, matters,
applicants and staff, created through proteus as a user would"""
import datetime as dt
import os
import subprocess
import tempfile
from decimal import Decimal
from unittest.mock import Mock, patch

from proteus import Model, Report, Wizard
from proteus.config import get_config
from stdnum.cn import ric, uscc


def set_today(date, config=None):
    """Make ir.date.today return date for the rest of the scenario

    The scenario teardown stops the patch."""
    if config is None:
        config = get_config()
    Date = config.pool.get('ir.date')
    today = Date.__dict__.get('today')
    if isinstance(today, Mock):
        today.return_value = date
    else:
        patch.object(Date, 'today', Mock(return_value=date)).start()


def resident_id(number, birth=dt.date(1985, 6, 15), region='440229'):
    "Return a valid resident ID number of someone born in Wengyuan"
    body = '%s%s%03d' % (region, birth.strftime('%Y%m%d'), number % 1000)
    return body + ric.calc_check_digit(body + '0')


def credit_code(number, region='440229'):
    "Return a valid unified social credit code of a company"
    # The organization code part (GB 11714) has its own check character
    code = '%08d' % number
    check = 11 - sum(int(c) * w for c, w in zip(
            code, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    code += {10: 'X', 11: '0'}.get(check, str(check))
    body = '91' + region + code
    return body + uscc.calc_check_digit(body)


def create_person(name, id_number=None, phone=None, config=None):
    Party = Model.get('party.party', config=config)
    party = Party(name=name)
    if id_number:
        identifier = party.identifiers.new()
        identifier.type = 'cn_ric'
        identifier.code = id_number
    if phone:
        mechanism = party.contact_mechanisms.new()
        mechanism.type = 'mobile'
        mechanism.value = phone
    party.save()
    return party


def create_legal_person(name, code, config=None):
    Party = Model.get('party.party', config=config)
    party = Party(name=name)
    identifier = party.identifiers.new()
    identifier.type = 'cn_vat'
    identifier.code = code
    party.save()
    return party


def create_hall(company, config=None):
    """Create a hall with its 2025-2026 calendar, the departments RS and MZ,
    the comprehensive window ZH and the civil affairs window MZ"""
    Calendar = Model.get('onewindow.calendar', config=config)
    Year = Model.get('onewindow.calendar.year', config=config)
    Hall = Model.get('onewindow.hall', config=config)
    Zone = Model.get('onewindow.zone', config=config)
    Window = Model.get('onewindow.window', config=config)
    Department = Model.get('onewindow.department', config=config)
    calendar = Calendar(name="翁源县工作日历")
    calendar.save()
    for year in [2025, 2026]:
        fill = Wizard('onewindow.calendar.fill', config=config)
        fill.form.calendar = calendar
        fill.form.year = year
        fill.execute('fill')
    Year.click(Year.find([('calendar', '=', calendar.id)]), 'publish')
    hall = Hall(name="翁源县公共服务中心服务大厅", code='WY',
        company=company, calendar=calendar, floors=2,
        address="广东省韶关市翁源县龙仙镇", phone="0751-2812345",
        opening_hours="周一至周五 8:30-12:00，14:30-17:30")
    hall.save()
    rs = Department(name="翁源县人力资源和社会保障局", short_name="县人社局",
        code='RS', residency='non_resident', batch=1)
    rs.save()
    mz = Department(name="翁源县民政局", short_name="县民政局", code='MZ',
        residency='non_resident', batch=1)
    mz.save()
    zone = Zone(hall=hall, name="综合服务窗口", kind='comprehensive', floor=2)
    zone.save()
    comprehensive = Window(hall=hall, name="综合服务窗口", code='ZH',
        zone=zone, kind='comprehensive')
    comprehensive.departments.extend([Department(rs.id), Department(mz.id)])
    comprehensive.save()
    dedicated = Window(hall=hall, name="民政窗口", code='MZ', zone=zone,
        kind='department')
    dedicated.departments.append(Department(mz.id))
    dedicated.save()
    return {
        'calendar': calendar,
        'hall': hall,
        'departments': {'RS': rs, 'MZ': mz},
        'windows': {'ZH': comprehensive, 'MZ': dedicated},
        }


DEFAULT_MATERIALS = [
    # name, requirement, original check, paper, electronic, deferrable
    ("居民身份证", 'required', True, 1, 0, False),
    ("申请表", 'required', False, 1, 0, False),
    ("户口簿", 'optional', True, 1, 0, False),
    ("劳动合同", 'required', False, 1, 1, True),
    ]


def create_matter(code, name, department, handling='promised',
        applicant_kind='both', promised_limit=5, statutory_limit=None,
        acceptance='comprehensive', materials=DEFAULT_MATERIALS,
        form_fields=(('reason', "申请事由", 'char', True),),
        fee_basis=None, fee_amount=None, matter_type='public_service',
        steps=(), co_departments=(), higher_authority=None,
        special_procedures=(), delivery_methods=('window', 'courier'),
        result_kind=None, result_name=None, extension_limit=None,
        legal_basis="《广东省政务服务事项目录管理办法》第八条", config=None,
        **values):
    """Create and publish a matter

    steps are (name, kind, limit) of the back office; values are set on the
    matter before it is published (the fields of other modules)."""
    Matter = Model.get('onewindow.matter', config=config)
    Department = Model.get('onewindow.department', config=config)
    matter = Matter(code=code, name=name, department=department,
        matter_type=matter_type, handling=handling,
        applicant_kind=applicant_kind, acceptance=acceptance,
        statutory_limit=statutory_limit, promised_limit=promised_limit,
        fee_basis=fee_basis, fee_amount=fee_amount,
        higher_authority=higher_authority,
        special_procedures=list(special_procedures),
        delivery_methods=list(delivery_methods),
        result_kind=result_kind, result_name=result_name,
        extension_limit=extension_limit, legal_basis=legal_basis)
    matter.co_departments.extend(
        [Department(d.id) for d in co_departments])
    for sequence, (s_name, kind, limit) in enumerate(steps, 1):
        matter.steps.new(sequence=sequence, name=s_name, kind=kind,
            limit=limit)
    for (m_name, requirement, original, paper, electronic,
            deferrable) in materials:
        material = matter.materials.new()
        material.name = m_name
        material.requirement = requirement
        if requirement == 'conditional':
            material.condition = "如适用"
        material.original_check = original
        material.paper_copies = paper
        material.electronic_copies = electronic
        material.deferrable = deferrable
    for f_name, string, type_, required, *extra in form_fields:
        field = matter.form_fields.new()
        field.name = f_name
        field.string = string
        field.type_ = type_
        field.required = required
        # content, prefill, selection
        for name, value in zip(['content', 'prefill', 'selection'], extra):
            setattr(field, name, value)
    for name, value in values.items():
        setattr(matter, name, value)
    matter.save()
    matter.click('publish')
    return matter


def create_delegation(department, matters, config=None):
    "Create and activate the delegation of matters to the center"
    Delegation = Model.get('onewindow.delegation', config=config)
    Matter = Model.get('onewindow.matter', config=config)
    delegation = Delegation(department=department,
        number="翁%s〔2017〕1号" % department.code)
    delegation.matters.extend([Matter(m.id) for m in matters])
    delegation.save()
    delegation.click('activate')
    return delegation


def create_staff(login, name, company, groups, windows=(), departments=(),
        config=None):
    "Create an employee and his user with groups of onewindow_hall"
    Party = Model.get('party.party', config=config)
    Employee = Model.get('company.employee', config=config)
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    Window = Model.get('onewindow.window', config=config)
    Department = Model.get('onewindow.department', config=config)
    Company = Model.get('company.company', config=config)
    party = Party(name=name)
    party.save()
    employee = Employee(party=party, company=company)
    employee.windows.extend([Window(w.id) for w in windows])
    employee.departments.extend([Department(d.id) for d in departments])
    employee.save()
    user = User(login=login, name=name)
    for xml_id in groups:
        data, = ModelData.find([
                ('module', '=', 'onewindow_hall'), ('fs_id', '=', xml_id)])
        user.groups.append(Group(data.db_id))
    user.companies.append(Company(company.id))
    user.company = Company(company.id)
    user.employees.append(Employee(employee.id))
    user.employee = Employee(employee.id)
    user.departments.extend([Department(d.id) for d in departments])
    user.save()
    return user, employee


def register_case(matter, applicant, window, agent=None, phone='13800138000',
        form_data=None, config=None):
    "Register a draft case with every material received"
    Case = Model.get('onewindow.case', config=config)
    case = Case()
    case.window = window
    case.matter = matter
    case.applicant = applicant
    case.agent = agent
    case.phone = phone
    case.form_data = form_data if form_data is not None else {
        'reason': "申请"}
    case.save()
    return case


def receive_all(case):
    "Receive every required material and check the originals"
    for material in case.materials:
        if material.requirement == 'required':
            material.paper_received = material.paper_expected
            material.electronic_received = material.electronic_expected
    case.save()
    for material in case.materials:
        if material.original_check and material.paper_received:
            material.click('check_original')
    case.reload()
    return case


def pdf_text(content):
    "Return the text of the PDF content without white space"
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, 'document.pdf')
        with open(path, 'wb') as fp:
            fp.write(content)
        text = subprocess.run(['pdftotext', path, '-'],
            check=True, capture_output=True, text=True).stdout
    return ''.join(text.split())


def print_document(name, record, extension='pdf', config=None):
    """Print the document name of the record as the user would from its
    form; return (extension, content)"""
    ActionReport = Model.get('ir.action.report', config=config)
    if '.' not in name:
        name = 'onewindow.case.' + name
    action, = ActionReport.find([
            ('report_name', '=', name),
            ('extension', 'in',
                ['pdf'] if extension == 'pdf' else ['', None]),
            ])
    report = Report(name, config=config)
    ext, content, _, _ = report.execute([record], {'action_id': action.id})
    return ext, content


def hand_over(cases, config=None):
    "Hand the cases over to their department; return the hand-over slip"
    Case = Model.get('onewindow.case', config=config)
    Case.click([Case(c.id) for c in cases], 'hand_over')
    for case in cases:
        case.reload()
    return cases[0].handover


def add_staff_group(user, module, xml_id, config=None):
    "Add the group module.xml_id to the user"
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    data, = ModelData.find([
            ('module', '=', module), ('fs_id', '=', xml_id)])
    user = User(user.id)
    user.groups.append(Group(data.db_id))
    user.save()
    return user


__all__ = [
    'set_today', 'resident_id', 'credit_code', 'create_person',
    'create_legal_person', 'create_hall', 'create_matter',
    'create_delegation', 'create_staff', 'register_case', 'receive_all',
    'pdf_text', 'print_document', 'hand_over', 'add_staff_group',
    'Decimal']
