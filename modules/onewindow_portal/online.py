# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The online application: the form of the matter, the uploads of its
checklist, the submission; the applicant's own applications and cases

Every record is read through `own_application` / `own_cases`, which filter
by the parties of the logged-in account."""
import datetime as dt
import os
from decimal import Decimal, InvalidOperation

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.transaction import Transaction

from .routes import published_matter
from .web import NotFound, download, gettext, portal_route


def own_application(page, application_id):
    "Return the application of the account's parties or raise NotFound"
    Application = page.pool.get('onewindow.application')
    parties = list(page.parties)
    if not parties:
        raise NotFound(gettext("The page cannot be shown."))
    applications = Application.search([
            ('id', '=', application_id),
            ('applicant', 'in', parties),
            ], limit=1)
    if not applications:
        raise NotFound(gettext("The page cannot be shown."))
    return applications[0]


def own_cases(page):
    Case = page.pool.get('onewindow.case')
    parties = list(page.parties)
    if not parties:
        return []
    return Case.search([
            ('applicant', 'in', parties),
            ('state', '!=', 'draft'),
            ], order=[('application_date', 'DESC'), ('id', 'DESC')],
        limit=100)


def selection_options(field):
    options = []
    for line in (field.selection or '').splitlines():
        if ':' in line:
            key, label = line.split(':', 1)
            options.append((key.strip(), label.strip()))
    return options


def parse_value(field, raw):
    "Return the typed value of the form field or raise ValueError"
    raw = (raw or '').strip()
    type_ = field.type_
    if type_ == 'boolean':
        return raw in {'1', 'on', 'true'}
    if not raw:
        return None
    if len(raw) > 2000:
        raise ValueError(gettext("The text is too long."))
    if type_ == 'integer':
        try:
            return int(raw)
        except ValueError:
            raise ValueError(gettext("Enter a whole number."))
    if type_ in {'float', 'numeric'}:
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValueError(gettext("Enter a number."))
        if not value.is_finite():
            raise ValueError(gettext("Enter a number."))
        return float(value) if type_ == 'float' else value
    if type_ == 'date':
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValueError(gettext("Enter a date as YYYY-MM-DD."))
    if type_ == 'selection':
        if raw not in dict(selection_options(field)):
            raise ValueError(gettext("Choose one of the options."))
        return raw
    return raw


def read_form(page, application):
    "Return the form data of the request and the errors"
    data, errors = {}, []
    for field in application.matter.form_fields:
        try:
            value = parse_value(
                field, page.form.get('field_%s' % field.name))
        except ValueError as e:
            errors.append(gettext('"%(field)s": %(reason)s',
                    field=field.string, reason=str(e)))
            continue
        data[field.name] = value
    return data, errors


def save_uploads(page, application):
    """Attach the uploaded files to the materials; return the errors.
    The file name is kept as a label only, never used as a path.

    Each file is checked first (size and type by content, as the creation
    of its attachment checks it), so that a refused file is named and the
    others are attached, all in one creation."""
    pool = page.pool
    Attachment = pool.get('ir.attachment')
    Material = pool.get('onewindow.application.material')
    errors, vlist = [], []
    for material in application.materials:
        for upload in page.request.files.getlist('file_%d' % material.id):
            if not upload or not upload.filename:
                continue
            name = os.path.basename(upload.filename.replace('\\', '/'))
            name = ''.join(c for c in name if c.isprintable())[:100]
            data = upload.read()
            if not data:
                continue
            name = name or 'file'
            try:
                Material.check_file(material, data, name)
            except UserError as e:
                errors.append(e.message)
                continue
            vlist.append({
                    'resource': str(material),
                    'name': name,
                    'type': 'data',
                    'data': data,
                    })
    if vlist:
        try:
            Attachment.create(vlist)
        except UserError as e:
            errors.append(e.message)
    return errors


@portal_route('apply/<int:matter_id>', methods=['GET', 'POST'])
def apply(page, matter_id):
    "Start an application for the matter, for oneself or a company"
    pool = page.pool
    Application = pool.get('onewindow.application')
    Party = pool.get('party.party')
    Window = pool.get('onewindow.window')
    matter = published_matter(page, matter_id)
    if not page.user:
        return page.redirect('login')
    if not page.user.party:
        return page.redirect('identity')
    parties = Party.browse(sorted(page.parties))
    kinds = {p.id: ('legal' if any(i.type == 'cn_vat'
                for i in p.identifiers) else 'natural') for p in parties}
    choices = [p for p in parties
        if matter.applicant_kind in {'both', kinds[p.id]}]
    if page.request.method == 'POST':
        try:
            party_id = int(page.form.get('applicant', ''))
        except ValueError:
            party_id = None
        chosen = [p for p in choices if p.id == party_id]
        windows = Window.search([
                ('departments', '=', matter.department.id),
                ('active', '=', True),
                ], limit=1)
        if chosen and windows:
            party, = chosen
            application = Application(
                company=matter.company, hall=windows[0].hall,
                matter=matter, applicant=party,
                applicant_kind=kinds[party.id],
                agent=page.user.party if party != page.user.party else None,
                phone=page.user.mobile, web_user=page.user,
                channel=page.context_channel,
                terminal=page.terminal,
                form_data=prefill(matter, party,
                    page.user.party if party != page.user.party else None))
            application.save()
            return page.redirect('application/%d' % application.id)
    return page.render('apply.html', matter=matter, choices=choices)


def prefill(matter, party, agent=None):
    """Return the form data that the records of the applicant and of the
    agent already give: the fields that say where they are prefilled from,
    as at the window, then the usual names"""
    pool = Pool()
    Case = pool.get('onewindow.case')
    values = {
        'name': party.name,
        'applicant_name': party.name,
        'phone': party.phone or party.mobile,
        'mobile': party.mobile,
        'address': party.addresses[0].full_address
        if party.addresses else None,
        }
    data = Case._prefilled_form_data(matter, party, agent, None) or {}
    for field in matter.form_fields:
        if (field.name not in data and values.get(field.name)
                and field.type_ in {'char', 'text'}):
            data[field.name] = values[field.name]
    return data


@portal_route('application/<int:application_id>', methods=['GET', 'POST'],
    size='upload')
def application(page, application_id):
    """The application form: save the draft, upload the files, submit;
    when returned, correct and resubmit"""
    pool = page.pool
    Application = pool.get('onewindow.application')
    application = own_application(page, application_id)
    errors, messages = [], []
    if page.request.method == 'POST':
        if application.state not in {'draft', 'returned'}:
            raise NotFound(gettext("The page cannot be shown."))
        data, errors = read_form(page, application)
        if not errors:
            application.form_data = data
            application.save()
        errors.extend(save_uploads(page, application))
        application = Application(application.id)
        action = page.form.get('action')
        if action == 'submit' and not errors:
            problems = application.get_submit_problems()
            if problems:
                errors.extend(problems)
            else:
                codes = Application.set_query_code([application])
                Application.submit([application])
                return page.render('submitted.html',
                    application=Application(application.id),
                    query_code=codes[application.id])
        elif action == 'withdraw':
            Application.withdraw([application])
            return page.redirect('my')
        elif not errors:
            messages.append(gettext("The draft is saved."))
    return page.render('application.html', application=application,
        errors=errors, messages=messages,
        options=selection_options, status=400 if errors else 200)


@portal_route('application/<int:application_id>/file/<int:file_id>')
def application_file(page, application_id, file_id):
    "Download a file the applicant uploaded"
    application = own_application(page, application_id)
    for material in application.materials:
        for attachment in material.files:
            if attachment.id == file_id:
                return download(page, attachment.data, attachment.name)
    raise NotFound(gettext("The file cannot be found."))


@portal_route('application/<int:application_id>/receipt.pdf')
def application_receipt(page, application_id):
    "The receipt of a submitted application as PDF"
    pool = page.pool
    ActionReport = pool.get('ir.action.report')
    Receipt = pool.get('onewindow.application.receipt', type='report')
    application = own_application(page, application_id)
    if not application.number:
        raise NotFound(gettext("The page cannot be shown."))
    action, = ActionReport.search([
            ('report_name', '=', 'onewindow.application.receipt'),
            ], limit=1)
    extension, content, _, _ = Receipt.execute(
        [application.id], {'action_id': action.id})
    return download(page, content, '%s.%s' % (
            application.number, extension),
        content_type='application/pdf' if extension == 'pdf' else None)


@portal_route('my')
def my(page):
    "The account's applications and cases"
    pool = page.pool
    Application = pool.get('onewindow.application')
    if not page.user:
        return page.redirect('login')
    parties = list(page.parties)
    applications = Application.search([
            ('applicant', 'in', parties),
            ], order=[('id', 'DESC')], limit=100) if parties else []
    cases = [c for c in own_cases(page) if not c.application]
    return page.render('my.html', applications=applications, cases=cases)


@portal_route('case/<int:case_id>/notice/<kind>')
def case_notice(page, case_id, kind):
    "Print a notice of one of the account's cases as PDF"
    pool = page.pool
    ActionReport = pool.get('ir.action.report')
    notices = {
        'acceptance': 'onewindow.case.acceptance_notice',
        'supplement': 'onewindow.case.supplement_notice',
        'refusal': 'onewindow.case.refusal_notice',
        'decision': 'onewindow.case.decision_notice',
        'pickup': 'onewindow.case.pickup_notice',
        }
    if kind not in notices:
        raise NotFound(gettext("The page cannot be shown."))
    cases = [c for c in own_cases(page) if c.id == case_id]
    if not cases:
        raise NotFound(gettext("The page cannot be shown."))
    actions = ActionReport.search([
            ('report_name', '=', notices[kind]),
            ('extension', '=', 'pdf'),
            ], limit=1)
    if not actions:
        raise NotFound(gettext("The page cannot be shown."))
    Report = pool.get(notices[kind], type='report')
    try:
        extension, content, _, name = Report.execute(
            [case_id], {'action_id': actions[0].id})
    except UserError as e:
        raise NotFound(e.message)
    return download(page, content, '%s.%s' % (kind, extension),
        content_type='application/pdf' if extension == 'pdf' else None)


@portal_route('case/<int:case_id>/delivery', methods=['POST'])
def case_delivery(page, case_id):
    "Choose the courier with an address for a result ready for pickup"
    pool = page.pool
    Case = pool.get('onewindow.case')
    cases = [c for c in own_cases(page) if c.id == case_id]
    if not cases or cases[0].state != 'ready':
        raise NotFound(gettext("The page cannot be shown."))
    case, = cases
    address = (page.form.get('address') or '').strip()[:500]
    if page.form.get('method') == 'courier' and address:
        Case.write([case], {
                'delivery_method': 'courier',
                'delivery_address': address,
                })
    elif page.form.get('method') == 'window':
        Case.write([case], {'delivery_method': 'window'})
    return page.redirect('my')


@portal_route('case/<int:case_id>/supplement', methods=['GET', 'POST'],
    size='upload')
def case_supplement(page, case_id):
    """Upload the materials a one-time notice asks for, on a case waiting
    for its supplement"""
    pool = page.pool
    Case = pool.get('onewindow.case')
    cases = [c for c in own_cases(page) if c.id == case_id]
    if not cases or cases[0].state != 'supplement':
        raise NotFound(gettext("The page cannot be shown."))
    case, = cases
    lines = case.get_supplement_lines()
    errors = []
    if page.request.method == 'POST':
        files = {}
        for line in lines:
            if not line.material:
                continue
            for upload in page.request.files.getlist(
                    'file_%d' % line.material.id):
                if not upload or not upload.filename:
                    continue
                name = os.path.basename(upload.filename.replace('\\', '/'))
                name = ''.join(c for c in name if c.isprintable())[:100]
                data = upload.read()
                if data:
                    files.setdefault(line.material.id, []).append(
                        (name or 'file', data))
        if not files:
            errors.append(gettext("Choose the files to upload."))
        else:
            try:
                Case.supplement_online(case, files)
            except UserError as e:
                Transaction().rollback()
                errors.append(e.message)
            else:
                return page.redirect('my')
        case = Case(case.id)
    return page.render('case_supplement.html', case=case, lines=lines,
        errors=errors, status=400 if errors else 200)
