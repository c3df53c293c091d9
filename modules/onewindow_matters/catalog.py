# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The catalogue of matters as CSV

One file holds matters, their steps, their materials and their form fields.
The first row names the columns; the column "type" says what each row is:

- matter: one version of a matter;
- step: a back-office step of a matter;
- material: a material of the acceptance checklist;
- field: a field of the application form (data dictionary).

Every row names its matter with "code" and "version".  The other columns
apply to some types only and stay empty for the others:

- matter: name, short_name, matter_type, applicant_kind, handling,
  higher_authority, department (its code), co_departments (codes separated
  by ";"), acceptance, statutory_limit, promised_limit, extension_limit,
  special_procedures and delivery_methods (keys separated by ";"),
  fee_amount, fee_basis, result_kind, result_name, result_validity,
  conditions, legal_basis, procedure, place, hours, phone, complaint_phone,
  online_url, guide_notes;
- step: sequence, name, kind, limit, description;
- material: sequence, name, requirement, condition, deferrable,
  original_check, paper_copies, electronic_copies, credibility, notes;
- field: sequence, name (the key), string (the label), field_type,
  required, selection (lines "key:label"), help, content (e.g.
  "resident_id", "credit_code", "phone"), prefill (e.g. "applicant_name").

Selections are written with their keys (e.g. handling "promised",
matter_type "public_service"), yes/no
values as 1 or 0.  A matter of the file is complete: its steps, materials
and fields replace those of the draft it updates.  A version that exists and
is no longer a draft is left as is when the file holds it unchanged, and is
refused otherwise: a change needs a new version number."""
import csv
import io
from functools import partial
from decimal import Decimal, InvalidOperation

from trytond import backend
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from .exceptions import CatalogImportError

MATTER_COLUMNS = [
    'name', 'short_name', 'matter_type', 'applicant_kind', 'handling',
    'higher_authority', 'department', 'co_departments', 'acceptance',
    'statutory_limit', 'promised_limit', 'extension_limit',
    'special_procedures', 'fee_amount', 'fee_basis', 'result_kind',
    'result_name', 'result_validity', 'delivery_methods', 'conditions',
    'legal_basis', 'procedure', 'place', 'hours', 'phone',
    'complaint_phone', 'online_url', 'guide_notes',
    ]
STEP_COLUMNS = ['sequence', 'name', 'kind', 'limit', 'description']
MATERIAL_COLUMNS = [
    'sequence', 'name', 'requirement', 'condition', 'deferrable',
    'original_check', 'paper_copies', 'electronic_copies', 'credibility',
    'notes',
    ]
FIELD_COLUMNS = [
    'sequence', 'name', 'string', 'field_type', 'required', 'selection',
    'help', 'content', 'prefill',
    ]
TYPES = {
    'matter': MATTER_COLUMNS,
    'step': STEP_COLUMNS,
    'material': MATERIAL_COLUMNS,
    'field': FIELD_COLUMNS,
    }
HEADER = ['type', 'code', 'version', 'sequence', 'name']
for _columns in TYPES.values():
    HEADER.extend(c for c in _columns if c not in HEADER)

# The model and field of each column of each type
MODELS = {
    'matter': 'onewindow.matter',
    'step': 'onewindow.matter.step',
    'material': 'onewindow.matter.material',
    'field': 'onewindow.matter.form.field',
    }
RENAMED = {
    ('field', 'field_type'): 'type_',
    }
TRUE = {'1', 'y', 'yes', 'true', 't', 'x', '是'}
FALSE = {'', '0', 'n', 'no', 'false', 'f', '否'}


class RowError(Exception):
    pass


def _field(type_, column):
    pool = Pool()
    Model = pool.get(MODELS[type_])
    name = RENAMED.get((type_, column), column)
    return name, Model._fields[name]


def _parse(type_, column, text, departments):
    "Return the value of the cell text of column for a row of type_"
    name, field = _field(type_, column)
    text = text.strip()
    if column == 'department':
        if not text:
            return name, None
        if text not in departments:
            raise RowError(gettext(
                    'onewindow_matters.msg_catalog_unknown_department',
                    code=text))
        return name, departments[text]
    if column == 'co_departments':
        codes = [c.strip() for c in text.split(';') if c.strip()]
        unknown = [c for c in codes if c not in departments]
        if unknown:
            raise RowError(gettext(
                    'onewindow_matters.msg_catalog_unknown_department',
                    code=', '.join(unknown)))
        return name, sorted(departments[c] for c in codes)
    if field._type == 'integer':
        if not text:
            return name, None
        try:
            # Spreadsheets may write whole numbers as 20.0
            number = Decimal(text)
            if number != number.to_integral_value():
                raise ValueError
            return name, int(number)
        except (ValueError, InvalidOperation):
            raise RowError(gettext(
                    'onewindow_matters.msg_catalog_not_integer',
                    column=column, value=text))
    if field._type == 'numeric':
        if not text:
            return name, None
        try:
            return name, Decimal(text)
        except InvalidOperation:
            raise RowError(gettext(
                    'onewindow_matters.msg_catalog_not_number',
                    column=column, value=text))
    if field._type == 'boolean':
        if text.lower() in TRUE:
            return name, True
        if text.lower() in FALSE:
            return name, False
        raise RowError(gettext(
                'onewindow_matters.msg_catalog_not_boolean',
                column=column, value=text))
    if field._type in {'selection', 'multiselection'}:
        keys = [k for k, _ in field.selection if k]
        if field._type == 'selection':
            values = [text] if text else []
        else:
            values = [v.strip() for v in text.split(';') if v.strip()]
        wrong = [v for v in values if v not in keys]
        if wrong:
            raise RowError(gettext(
                    'onewindow_matters.msg_catalog_not_in_selection',
                    column=column, value=', '.join(wrong),
                    keys=', '.join(keys)))
        if field._type == 'selection':
            return name, values[0] if values else None
        return name, sorted(values)
    return name, text or None


def _format(value):
    if value is None:
        return ''
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, (list, tuple)):
        return ';'.join(str(v) for v in value)
    return str(value)


def _line_values(type_, record):
    columns = TYPES[type_]
    row = {}
    for column in columns:
        name, _ = _field(type_, column)
        value = getattr(record, name)
        if column == 'department':
            value = value.code if value else None
        elif column == 'co_departments':
            value = sorted(d.code for d in value)
        elif isinstance(value, Decimal):
            value = value.normalize()
            if value == value.to_integral():
                value = value.quantize(Decimal(1))
        row[column] = _format(value)
    return row


def export_rows(matters):
    "Yield the rows of the catalogue of matters as dictionaries"
    for matter in sorted(matters, key=lambda m: (m.code, m.version)):
        key = {'code': matter.code, 'version': str(matter.version)}
        yield dict(key, type='matter', **_line_values('matter', matter))
        for type_, lines in [
                ('step', matter.steps),
                ('material', matter.materials),
                ('field', matter.form_fields),
                ]:
            for line in lines:
                yield dict(key, type=type_, **_line_values(type_, line))


def export_catalog(matters):
    "Return the catalogue of matters as CSV text"
    output = io.StringIO()
    writer = csv.DictWriter(output, HEADER, lineterminator='\n')
    writer.writeheader()
    for row in export_rows(matters):
        writer.writerow(row)
    return output.getvalue()


def _read(data):
    "Yield (row number, row dictionary) of the CSV text data"
    if data.startswith('\ufeff'):
        data = data[1:]
    reader = csv.reader(io.StringIO(data, newline=''))
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.strip() for h in header]
    # The files written before the types name the column "category"
    if 'category' in header and 'matter_type' not in header:
        header[header.index('category')] = 'matter_type'
    unknown = [h for h in header if h and h not in HEADER]
    missing = [h for h in ['type', 'code', 'version'] if h not in header]
    if unknown or missing:
        raise CatalogImportError(gettext(
                'onewindow_matters.msg_catalog_header',
                unknown=', '.join(unknown) or '-',
                missing=', '.join(missing) or '-'))
    # Rows are numbered as a spreadsheet shows them: the header is row 1
    for line, cells in enumerate(reader, 2):
        if any(c.strip() for c in cells):
            if len(cells) > len(header):
                yield line, None
            else:
                yield line, dict(zip(header, cells))


def _canonical(group):
    "Return a comparable form of the parsed values of a matter"
    def value(v):
        if isinstance(v, Decimal):
            return str(v.normalize())
        return repr(v)

    def items(type_, values):
        values = _with_defaults(type_, values)
        return tuple(sorted((k, value(v)) for k, v in values.items()))
    return (
        items('matter', group['matter']),
        sorted(items('step', l) for l in group['step']),
        sorted(items('material', l) for l in group['material']),
        sorted(items('field', l) for l in group['field']))


def _check_required(type_, values):
    "Raise when a required value without default is missing"
    pool = Pool()
    Model = pool.get(MODELS[type_])
    for column in TYPES[type_]:
        name, field = _field(type_, column)
        if (field.required and name not in Model._defaults
                and values.get(name) is None):
            raise RowError(gettext(
                    'onewindow_matters.msg_catalog_required',
                    column=column, type=type_))


def parse_rows(rows, departments):
    """Return the groups of parsed values by (code, version) and the errors
    as (line, text) of rows given as (line, dictionary)"""
    groups = {}
    errors = []
    children = []
    failed = set()
    for line, row in rows:
        if row is None:
            errors.append((line, gettext(
                        'onewindow_matters.msg_catalog_too_many_cells')))
            continue
        key = None
        try:
            type_ = (row.get('type') or '').strip()
            if type_ not in TYPES:
                raise RowError(gettext(
                        'onewindow_matters.msg_catalog_type',
                        type=type_, types=', '.join(TYPES)))
            code = (row.get('code') or '').strip()
            if not code:
                raise RowError(gettext(
                        'onewindow_matters.msg_catalog_no_code'))
            try:
                version = Decimal((row.get('version') or '').strip())
                if version < 1 or version != version.to_integral_value():
                    raise ValueError
                version = int(version)
            except (ValueError, InvalidOperation):
                raise RowError(gettext(
                        'onewindow_matters.msg_catalog_version',
                        value=row.get('version')))
            key = (code, version)
            values = {}
            for column, text in row.items():
                if column in {'type', 'code', 'version', ''}:
                    continue
                if column not in TYPES[type_]:
                    if (text or '').strip():
                        raise RowError(gettext(
                                'onewindow_matters.msg_catalog_column_type',
                                column=column, type=type_))
                    continue
                name, value = _parse(type_, column, text or '', departments)
                values[name] = value
            if not values.get('name'):
                raise RowError(gettext(
                        'onewindow_matters.msg_catalog_no_name'))
            _check_required(type_, values)
        except RowError as exception:
            errors.append((line, str(exception)))
            if key:
                failed.add(key)
            continue
        if type_ == 'matter':
            if key in groups:
                errors.append((line, gettext(
                            'onewindow_matters.msg_catalog_matter_twice',
                            code=code, version=version,
                            other=groups[key]['line'])))
                continue
            values['code'] = code
            values['version'] = version
            groups[key] = {
                'line': line, 'matter': values,
                'step': [], 'material': [], 'field': [],
                }
        else:
            children.append((line, key, type_, values))
    for line, key, type_, values in children:
        if key in failed:
            continue
        if key not in groups:
            errors.append((line, gettext(
                        'onewindow_matters.msg_catalog_no_matter_row',
                        code=key[0], version=key[1])))
            continue
        lines = groups[key][type_]
        if (type_ in {'material', 'field'}
                and values['name'] in {l['name'] for l in lines}):
            errors.append((line, gettext(
                        'onewindow_matters.msg_catalog_line_twice',
                        name=values['name'], code=key[0],
                        version=key[1])))
            failed.add(key)
            continue
        lines.append(values)
    # An incomplete matter is not saved
    for key in failed:
        groups.pop(key, None)
    return groups, errors


def _with_defaults(type_, values):
    "Return values with the defaults that saving gives to empty ones"
    pool = Pool()
    Model = pool.get(MODELS[type_])
    result = dict(values)
    for name, value in values.items():
        if (value is None and Model._fields[name].required
                and name in Model._defaults):
            result[name] = Model._defaults[name]()
    return result


def _values(type_, values):
    "Return the values to save: an empty required value keeps its default"
    pool = Pool()
    Model = pool.get(MODELS[type_])
    return {k: v for k, v in values.items()
        if v is not None or not Model._fields[k].required}


def _save_group(matter, group):
    "Create or update the draft matter from the parsed group"
    pool = Pool()
    Matter = pool.get('onewindow.matter')
    Step = pool.get('onewindow.matter.step')
    Material = pool.get('onewindow.matter.material')
    FormField = pool.get('onewindow.matter.form.field')
    values = _values('matter', group['matter'])
    co_departments = values.pop('co_departments', None) or []
    if matter is None:
        values['co_departments'] = [('add', co_departments)]
        for name, type_ in [
                ('steps', 'step'),
                ('materials', 'material'),
                ('form_fields', 'field'),
                ]:
            values[name] = [('create', [
                        _values(type_, l) for l in group[type_]])]
        matter, = Matter.create([values])
        return matter
    Step.delete(matter.steps)
    values['co_departments'] = [
        ('remove', [d.id for d in matter.co_departments]),
        ('add', co_departments)]
    Matter.write([matter], values)
    Step.create([dict(_values('step', l), matter=matter.id)
            for l in group['step']])
    for Line, type_, existing in [
            (Material, 'material', matter.materials),
            (FormField, 'field', matter.form_fields),
            ]:
        by_name = {l.name: l for l in existing}
        to_create, to_write = [], []
        for values in map(partial(_values, type_), group[type_]):
            line = by_name.pop(values['name'], None)
            if line:
                to_write.extend(([line], values))
            else:
                to_create.append(dict(values, matter=matter.id))
        if by_name:
            Line.delete(list(by_name.values()))
        if to_write:
            Line.write(*to_write)
        if to_create:
            Line.create(to_create)
    return Matter(matter.id)


def import_catalog(data):
    """Import the catalogue of the CSV text data and return the matters
    created or updated

    Raise CatalogImportError listing every wrong row with its line number;
    the caller rolls the transaction back."""
    pool = Pool()
    Matter = pool.get('onewindow.matter')
    Department = pool.get('onewindow.department')
    departments = {d.code: d.id for d in Department.search([
                ('active', 'in', [True, False]),
                ])}
    groups, errors = parse_rows(_read(data), departments)
    existing = {}
    codes = list({c for c, _ in groups})
    if codes:
        for matter in Matter.search([('code', 'in', codes)]):
            existing[matter.code, matter.version] = matter
    to_save = []
    for key, group in groups.items():
        matter = existing.get(key)
        if matter:
            current = parse_rows(
                [(0, r) for r in export_rows([matter])],
                departments)[0][key]
            if _canonical(current) == _canonical(group):
                continue
            if matter.state != 'draft':
                errors.append((group['line'], gettext(
                            'onewindow_matters.msg_catalog_not_draft',
                            matter=matter.rec_name,
                            state=matter.state_string)))
                continue
        to_save.append((matter, group))
    saved = []
    cursor = Transaction().connection.cursor()
    # On PostgreSQL a savepoint keeps the transaction usable after a
    # database error so that every wrong row is reported; SQLite keeps it
    # usable anyway (and a savepoint would start a transaction of its own)
    savepoint = backend.name == 'postgresql'
    for matter, group in to_save:
        if savepoint:
            cursor.execute('SAVEPOINT onewindow_catalog_import')
        try:
            saved.append(_save_group(matter, group))
        except UserError as exception:
            if savepoint:
                cursor.execute(
                    'ROLLBACK TO SAVEPOINT onewindow_catalog_import')
            errors.append((group['line'], exception.message))
        else:
            if savepoint:
                cursor.execute('RELEASE SAVEPOINT onewindow_catalog_import')
    if errors:
        raise CatalogImportError(gettext(
                'onewindow_matters.msg_catalog_errors',
                count=len(errors),
                errors='\n'.join(
                    gettext('onewindow_matters.msg_catalog_error_line',
                        line=l, error=e)
                    for l, e in sorted(errors, key=lambda e: e[0]))))
    return saved


class CatalogImportStart(ModelView):
    "Import Catalogue"
    __name__ = 'onewindow.matter.catalog.import.start'
    file = fields.Binary("File", required=True, filename='filename',
        help="A CSV file in UTF-8 (or GB18030) as the export writes it.")
    filename = fields.Char("File Name")


class CatalogImport(Wizard):
    "Import Catalogue"
    __name__ = 'onewindow.matter.catalog.import'
    start = StateView('onewindow.matter.catalog.import.start',
        'onewindow_matters.catalog_import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-ok', default=True),
            ])
    import_ = StateAction('onewindow_matters.act_matter_version')

    def do_import_(self, action):
        pool = Pool()
        Matter = pool.get('onewindow.matter')
        action['res_id'] = Matter.import_catalog(decode(self.start.file))
        return action, {}


def decode(data):
    "Return the text of CSV bytes in UTF-8 or GB18030"
    if isinstance(data, str):
        return data
    data = bytes(data)
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError:
        return data.decode('gb18030')


class CatalogExportResult(ModelView):
    "Export Catalogue"
    __name__ = 'onewindow.matter.catalog.export.result'
    file = fields.Binary("File", filename='filename', readonly=True)
    filename = fields.Char("File Name", readonly=True)


class CatalogExport(Wizard):
    "Export Catalogue"
    __name__ = 'onewindow.matter.catalog.export'
    start_state = 'result'
    result = StateView('onewindow.matter.catalog.export.result',
        'onewindow_matters.catalog_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_result(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        Matter = pool.get('onewindow.matter')
        matters = self.records
        if (not matters
                or Transaction().context.get('active_model')
                != 'onewindow.matter'):
            matters = Matter.search([
                    ('state', 'in', ['draft', 'published', 'suspended']),
                    ])
        text = Matter.export_catalog(matters)
        return {
            'file': text.encode('utf-8-sig'),
            'filename': 'catalog-%s.csv' % Date.today().isoformat(),
            }
