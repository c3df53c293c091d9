# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The online hall's demo: a person and a company agent with their
accounts (logins in README.md), the agent's authorization recorded by the
center, and online applications in every state, pre-reviewed by the clerk
of the comprehensive window: one of a matter handled fully online (全程网办)
accepted without a visit, one whose case waits for a supplement the
applicant may upload, and one of the person's cases delivered today at the
window, which she may rate from 我的办件 (and the window's rating device
shows as the service just finished).  Nothing is done when the accounts
exist."""
import datetime as dt

from proteus import Model

from trytond.modules.onewindow_approval.tests.tools import (
    credit_code, resident_id)

PASSWORD = 'wengyuan-demo'
PERSON = ('13800000001', "林小雨", resident_id(901, dt.date(1990, 3, 15)))
AGENT = ('13800000002', "黄志伟", resident_id(902, dt.date(1988, 7, 22)))
COMPANY = ("翁源县绿源农业科技有限公司", credit_code(90210))
PDF = b'%PDF-1.4\n% demo scan\n%%EOF\n'
# The last day of the story of the demo's cases, on which the online hall's
# work is done (set by load)
STORY = {}


def story_day():
    """Return the last day of the demo's story, that of its last sweep of
    the cards (the last working day up to the day of the load), or None"""
    Sweep = Model.get('onewindow.card.sweep')
    sweeps = Sweep.find([], order=[('date', 'DESC'), ('id', 'DESC')],
        limit=1)
    return sweeps[0].date if sweeps else None


def today():
    "Return the day of the story (or the real day without a story)"
    return STORY.get('day') or dt.date.today()


def preferences(User):
    """Return the context of the current user on the day of the story, as
    the demo's clock gives it (onewindow_today, read by ir.date.today)"""
    context = User.get_preferences(True, {}).copy()
    if STORY.get('day'):
        context['onewindow_today'] = STORY['day']
    return context


def load(config, ctx):
    WebUser = Model.get('web.user')
    Party = Model.get('party.party')
    Authorization = Model.get('onewindow.portal.authorization')
    if Authorization.find([]):
        print("demo_portal: the accounts exist")
        return
    STORY['day'] = story_day()
    context = config._context
    config._context = dict(context)
    if STORY['day']:
        # With the company: the hall's time is moved by the days between
        # the real day and the story's, both in the company's time zone
        Company = Model.get('company.company')
        config._context['onewindow_today'] = STORY['day']
        config._context.setdefault('company', Company.find([])[0].id)
    try:
        _load(config, ctx, WebUser, Party, Authorization)
    finally:
        config._context = context


def _load(config, ctx, WebUser, Party, Authorization):
    password_hash = config.pool.get('web.user').hash_password(PASSWORD)

    def person(mobile, name, code):
        users = WebUser.find([('mobile', '=', mobile)])
        if users:
            return users[0].party, users[0]
        party = Party(name=name)
        identifier = party.identifiers.new()
        identifier.type = 'cn_ric'
        identifier.code = code
        mechanism = party.contact_mechanisms.new()
        mechanism.type = 'mobile'
        mechanism.value = mobile
        party.save()
        user = WebUser(mobile=mobile, party=party,
            password_hash=password_hash)
        user.save()
        return party, user

    person_party, _ = person(*PERSON)
    agent_party, agent_user = person(*AGENT)
    company = Party(name=COMPANY[0])
    identifier = company.identifiers.new()
    identifier.type = 'cn_vat'
    identifier.code = COMPANY[1]
    company.save()
    day = today()
    authorization = Authorization(web_user=agent_user,
        company_party=company, letter=PDF, letter_name='授权委托书.pdf',
        valid_from=day - dt.timedelta(days=30),
        valid_to=day + dt.timedelta(days=335))
    authorization.save()
    authorization.click('record')
    applications(config, ctx, person_party, agent_party, company)


def prefilled(field, party, agent, phone):
    "The value of a prefilled field from the applicant or the agent"
    who, _, what = (field.prefill or '').partition('_')
    person = agent if who == 'agent' else party
    if not person:
        return None
    if what == 'name':
        return person.name
    elif what == 'code':
        for identifier in person.identifiers:
            if identifier.type in {'cn_ric', 'cn_vat'}:
                return identifier.code
    elif what == 'phone':
        return phone
    elif what == 'address':
        return "翁源县龙仙镇建设路8号"
    return None


def applications(config, ctx, person_party, agent_party, company):
    "Online applications in every state"
    Application = Model.get('onewindow.application')
    Attachment = Model.get('ir.attachment')
    Matter = Model.get('onewindow.matter')
    User = Model.get('res.user')
    clerk, = User.find([('login', '=', 'clerk')])
    window, = [w for w in clerk.employees[0].windows
        if w.kind == 'comprehensive'][:1]
    departments = [d.id for d in window.departments]
    matters = {}
    for kind in ['natural', 'legal']:
        found = Matter.find([
                ('state', '=', 'published'),
                ('department', 'in', departments),
                ('applicant_kind', 'in', [kind, 'both']),
                ('handling', '=', 'promised'),
                ], order=[('code', 'ASC')], limit=1)
        matters[kind] = found[0]
    matters['online'] = fully_online(config, matters['natural'], departments)

    def apply(party, kind, agent=None, phone='13800000001'):
        matter = matters[kind]
        kind = 'natural' if kind == 'online' else kind
        application = Application(hall=window.hall, matter=matter,
            applicant=party, applicant_kind=kind, agent=agent, phone=phone)
        data = {}
        for field in matter.form_fields:
            value = prefilled(field, party, agent, phone)
            if value is None:
                value = {
                    'boolean': True, 'integer': 1, 'float': 1.0,
                    'numeric': 1.0,
                    'date': today(),
                    'selection': (field.selection or 'x:x').splitlines()[0]
                    .split(':')[0].strip(),
                    }.get(field.type_, "网上申请演示")
            data[field.name] = value
        application.form_data = data
        application.save()
        for material in application.materials:
            if material.requirement == 'required':
                Attachment(resource=material, name='%s.pdf' % material.name,
                    data=PDF).save()
        return application

    states = {}
    states['draft'] = apply(person_party, 'natural')
    submitted = [apply(person_party, 'natural') for _ in range(4)]
    submitted.append(apply(company, 'legal', agent=agent_party,
            phone='13800000002'))
    Application.click(submitted, 'submit')
    withdrawn = apply(person_party, 'natural')
    withdrawn.click('withdraw')
    online = apply(person_party, 'online')
    online.click('submit')
    online = review(config, clerk, submitted, online)
    deliver(config, online.case.id, clerk)
    print("demo_portal: applications %s" % ', '.join(
            '%s %s' % (a.number or '-', Application(a.id).state)
            for a in [states['draft']] + submitted + [withdrawn, online]))


def review(config, clerk, submitted, online):
    """The clerk's pre-review of the submitted applications: passed,
    returned, rejected; the fully online one accepted on its files (it is
    returned, with its case)"""
    Application = Model.get('onewindow.application')
    User = Model.get('res.user')
    admin = config.user
    context = config._context
    config.user = clerk.id
    config._context = preferences(User)
    try:
        passed, returned, rejected, _, company_app = [
            Application(a.id) for a in submitted]
        passed.click('pass_review')
        returned.correction_notice = "身份证扫描件不清晰，请重新上传正反面。"
        returned.save()
        returned.click('send_back')
        rejected.rejection_reason = "申请人不在本县户籍范围内，请向户籍地申请。"
        rejected.save()
        rejected.click('reject')
        Case = Model.get('onewindow.case')
        # The fully online matter is accepted on its files, no visit
        online = Application(online.id)
        online.click('pass_review')
        Case(online.case.id).click('accept')
        # The other passed one waits for the supplement of its paper
        # copies: its applicant may upload it from his cases
        Case(Application(passed.id).case.id).click('request_supplement')
    finally:
        config.user = admin
        config._context = context
    return online


def fully_online(config, other, departments):
    """Return a new version of a matter of the comprehensive window marked
    fully online (全程网办), published by the center"""
    Matter = Model.get('onewindow.matter')
    User = Model.get('res.user')
    found = Matter.find([
            ('state', '=', 'published'),
            ('department', 'in', departments),
            ('applicant_kind', 'in', ['natural', 'both']),
            ('handling', '=', 'promised'),
            ('id', '!=', other.id),
            ], order=[('code', 'ASC')], limit=1)
    if found[0].fully_online:
        return found[0]
    admin, context = config.user, config._context
    center, = User.find([('login', '=', 'center_admin')])
    config.user = center.id
    config._context = preferences(User)
    try:
        matter, = Matter.duplicate([Matter(found[0].id)],
            {'fully_online': True})
        matter.click('publish')
    finally:
        config.user = admin
        config._context = context
    return matter


class As:
    "Work as the user of login"

    def __init__(self, config, login):
        User = Model.get('res.user')
        self.config = config
        self.user, = User.find([('login', '=', login)])

    def __enter__(self):
        User = Model.get('res.user')
        self.previous = self.config.user, self.config._context
        self.config.user = self.user.id
        self.config._context = preferences(User)
        return self

    def __exit__(self, *args):
        self.config.user, self.config._context = self.previous


def deliver(config, case_id, clerk):
    """Take the fully online case through the back office to its delivery
    at the window today: handed over by the clerk, signed for, reviewed and
    approved by the department, the result sent back, verified and
    collected by the applicant, who may then rate the whole case"""
    Case = Model.get('onewindow.case')
    Handover = Model.get('onewindow.handover')
    Step = Model.get('onewindow.case.step')
    Fee = Model.get('onewindow.case.fee')
    case = Case(case_id)
    code = case.department.code
    approver = {'RS': 'approver', 'MZ': 'approver_mz'}.get(
        code, 'approver_%s' % code.lower())
    if not Model.get('res.user').find([('login', '=', approver)]):
        # The departments' users come with the cases (demo_cases): a demo
        # loaded without them (the benchmark's) keeps the case accepted
        print("demo_portal: no user %s (the demo without its cases): "
            "case %s stays %s" % (approver, case.number, case.state))
        return
    with As(config, clerk.login):
        Case(case_id).click('hand_over')
    with As(config, approver):
        handovers = Handover.find([
                ('cases', '=', case_id), ('state', '=', 'sent')])
        if handovers:
            Handover.click(handovers, 'receive')
        for _ in range(5):
            steps = Step.find([
                    ('case', '=', case_id), ('state', '=', 'running')])
            if not steps:
                break
            Step.click(steps, 'complete')
        case = Case(case_id)
        case.decision_number = "翁政务许〔%s〕901号" % today().year
        case.decision_comment = "符合法定条件，准予办理。"
        case.save()
        case.click('approve')
        case = Case(case_id)
        if case.matter.result_kind:
            case.result_number = '4402%s900001' % today().year
        case.decision_document = b'%PDF-1.4 signed decision'
        case.decision_document_name = 'decision.pdf'
        case.result_file = b'%PDF-1.4 result'
        case.result_file_name = 'result.pdf'
        case.save()
        case.click('send_result')
    with As(config, clerk.login):
        case = Case(case_id)
        case.result_scan = PDF
        case.result_scan_name = 'scan.pdf'
        case.save()
        case.click('verify_result')
        fees = Fee.find([('case', '=', case_id), ('paid', '=', False)])
        for fee in fees:
            fee.paid = True
            fee.paid_date = today()
            fee.receipt_number = '粤财%08d' % (59000000 + fee.id)
        Fee.save(fees)
        case = Case(case_id)
        case.delivery_method = 'window'
        case.collector = case.applicant
        case.save()
        case.click('deliver')
    print("demo_portal: case %s delivered to %s, to rate from 我的办件" % (
            case.number, case.applicant.name))
