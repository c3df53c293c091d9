# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pages of the online hall (网上办事大厅)

Every view runs as the root user: each query names what the visitor may
see (published matters; the applications of the logged-in account's
parties), never more."""
from types import SimpleNamespace

from markupsafe import Markup
from sql import Column
from sql.conditionals import Coalesce
from sql.functions import Function

from trytond.transaction import Transaction

from .matter import guides
from .web import NotFound, download, environment, gettext, portal_route

THEMES = {'natural', 'legal'}


class Length(Function):
    "LENGTH of a binary value: its bytes on PostgreSQL and SQLite alike"
    __slots__ = ()
    _function = 'LENGTH'


PAGE_SIZE = 20


def _int(value, default=None):
    try:
        value = int(value)
    except (TypeError, ValueError):
        return default
    if not (0 < value < 2 ** 31):
        return default
    return value


def published_matter(page, matter_id):
    "Return the published matter or raise NotFound"
    Matter = page.pool.get('onewindow.matter')
    matters = Matter.search([
            ('id', '=', matter_id),
            ('state', '=', 'published'),
            ], limit=1)
    if not matters:
        raise NotFound(gettext("This matter is not published."))
    return matters[0]


@portal_route('')
def home(page):
    "The home page: search the published matters"
    pool = page.pool
    Matter = pool.get('onewindow.matter')
    args = page.args
    query = (args.get('q') or '').strip()[:100]
    department_id = _int(args.get('department'))
    theme = args.get('theme') if args.get('theme') in THEMES else None
    offset = max(_int(args.get('page'), 1) - 1, 0) * PAGE_SIZE
    domain = [('state', '=', 'published')]
    if query:
        domain.append(['OR',
                ('name', 'ilike', '%' + query + '%'),
                ('short_name', 'ilike', '%' + query + '%'),
                ('code', 'ilike', query + '%'),
                ('conditions', 'ilike', '%' + query + '%'),
                ('department.name', 'ilike', '%' + query + '%'),
                ('department.short_name', 'ilike', '%' + query + '%'),
                ])
    if department_id:
        domain.append(('department', '=', department_id))
    if theme:
        domain.append(('applicant_kind', 'in', [theme, 'both']))
    count = Matter.search_count(domain)
    matters = Matter.search(domain, offset=offset, limit=PAGE_SIZE,
        order=[('department.code', 'ASC'), ('code', 'ASC')])
    departments = _departments(pool)
    return page.render('home.html', matters=matters, count=count,
        query=query, department_id=department_id, theme=theme,
        departments=departments,
        page_number=offset // PAGE_SIZE + 1,
        pages=(count + PAGE_SIZE - 1) // PAGE_SIZE)


def _departments(pool):
    "Return the departments with published matters"
    Matter = pool.get('onewindow.matter')
    Department = pool.get('onewindow.department')
    matter = Matter.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*matter.select(matter.department,
            where=matter.state == 'published', group_by=matter.department))
    ids = [r[0] for r in cursor]
    return Department.search([('id', 'in', ids)], order=[('code', 'ASC')])


def matter_windows(pool, department):
    "Return the active windows that serve the department"
    Window = pool.get('onewindow.window')
    return Window.search([
            ('departments', '=', department.id),
            ('active', '=', True),
            ], order=[('hall', 'ASC'), ('code', 'ASC')])


def guide_materials(pool, matter):
    """Return the checklist of the matter as the guide shows it, in the
    order of the checklist, with the kinds of file each material offers to
    download, in one query that does not read the files themselves"""
    Material = pool.get('onewindow.matter.material')
    material = Material.__table__()
    cursor = Transaction().connection.cursor()
    names = ['id', 'name', 'condition', 'notes', 'requirement',
        'paper_copies', 'electronic_copies', 'original_check']
    kinds = ['sample', 'blank_form']
    cursor.execute(*material.select(
            *[Column(material, n) for n in names],
            *[Coalesce(Length(Column(material, k)), 0) > 0 for k in kinds],
            where=material.matter == matter.id,
            order_by=[material.sequence.asc.nulls_first, material.id.asc]))
    materials = []
    for row in cursor:
        values = dict(zip(names, row))
        values['files'] = {k for k, present in zip(
                kinds, row[len(names):]) if present}
        materials.append(SimpleNamespace(**values))
    return materials


@portal_route('matter/<int:matter_id>')
def matter(page, matter_id):
    """The service guide of the matter (办事指南), rendered once and kept by
    the process (`matter.guides`) until what it shows changes"""
    language = Transaction().language
    guide = guides.get_guide(matter_id, language)
    if guide is None:
        guide = _guide(page, matter_id)
        guides.set_guide(matter_id, language, guide)
    title, html = guide
    return page.render('matter.html', title=title, guide=Markup(html))


def _guide(page, matter_id):
    "Return the title and the HTML of the service guide of the matter"
    pool = page.pool
    matter = published_matter(page, matter_id)
    department_name, windows, halls = _places(page, matter.department.id)
    html = environment.get_template('matter_guide.html').render(
        page=page, matter=matter, department_name=department_name,
        windows=windows, halls=halls,
        materials=guide_materials(pool, matter))
    return matter.name, html


def _places(page, department_id):
    """Return the name of the department, the windows that serve it and
    their halls as the guide shows them, kept by the process
    (`matter.guides`) for the matters of the department"""
    language = Transaction().language
    key = ('places', department_id)
    places = guides.get_guide(key, language)
    if places is None:
        pool = page.pool
        Department = pool.get('onewindow.department')
        windows, halls = [], {}
        for window in matter_windows(pool, Department(department_id)):
            hall = window.hall
            if hall.id not in halls:
                halls[hall.id] = {'name': hall.name, 'address': hall.address,
                    'opening_hours': hall.opening_hours}
            windows.append({'name': window.name, 'hall': hall.id,
                    'rooms_text': window.rooms_text})
        places = (Department(department_id).name, windows, halls)
        guides.set_guide(key, language, places)
    department_name, windows, halls = places
    return (department_name,
        [SimpleNamespace(name=w['name'], rooms_text=w['rooms_text'],
                hall=SimpleNamespace(**halls[w['hall']])) for w in windows],
        [SimpleNamespace(**h) for h in halls.values()])


@portal_route('matter/<int:matter_id>/material/<int:material_id>/<kind>')
def matter_material_file(page, matter_id, material_id, kind):
    "Download the sample or the blank form of a checklist material"
    matter = published_matter(page, matter_id)
    if kind not in {'sample', 'blank_form'}:
        raise NotFound(gettext("The page cannot be shown."))
    for material in matter.materials:
        if material.id == material_id:
            data = getattr(material, kind)
            if data:
                return download(
                    page, data, getattr(material, kind + '_name'))
    raise NotFound(gettext("The file cannot be found."))


@portal_route('matter/<int:matter_id>/guide.pdf')
def matter_guide(page, matter_id):
    "The service guide printed as PDF"
    pool = page.pool
    matter = published_matter(page, matter_id)
    ActionReport = pool.get('ir.action.report')
    Guide = pool.get('onewindow.matter.guide', type='report')
    actions = ActionReport.search([
            ('report_name', '=', 'onewindow.matter.guide'),
            ('extension', '=', 'pdf'),
            ], limit=1)
    if not actions:
        raise NotFound(gettext("The page cannot be shown."))
    extension, content, _, _ = Guide.execute(
        [matter.id], {'action_id': actions[0].id})
    return download(page, content, '%s.%s' % (matter.name, extension),
        content_type='application/pdf' if extension == 'pdf' else None)


@portal_route('logout', methods=['POST'])
def logout(page):
    page.logout()
    return page.redirect('')
