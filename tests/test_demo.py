# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Wengyuan demo holds the hall of the work plan"""
import sqlite3
import subprocess
import sys

import pytest

from .conftest import TOP, run


@pytest.fixture(scope='module')
def demo(demo_database):
    connection = sqlite3.connect(
        str(demo_database.path / ('%s.sqlite' % demo_database.name)))
    yield connection
    connection.close()


def rows(connection, query, *args):
    return connection.execute(query, args).fetchall()


def test_rooms_by_zone(demo):
    "Rooms 1-46 are in the zones the plan gives them"
    zones = dict(rows(demo,
            'SELECT r.number, z.name FROM onewindow_room r '
            'JOIN onewindow_zone z ON z.id = r.zone'))
    expected = {}
    for numbers, zone in [
            (range(1, 13), "综合服务窗口"),
            (range(13, 16), "便民服务区"),
            (range(16, 19), "国土服务窗口"),
            (range(19, 23), "司法服务窗口"),
            (range(23, 29), "工商服务窗口"),
            (range(29, 33), "税务服务窗口"),
            (range(33, 35), "环保服务窗口"),
            (range(35, 44), "项目投资区"),
            (range(44, 47), "咨询服务区"),
            ]:
        expected.update({str(n): zone for n in numbers})
    assert {n: zones.get(n) for n in expected} == expected


def test_floor_one(demo):
    "Floor 1 has the police and power windows and the 24-hour area"
    names = {n for n, in rows(demo,
            'SELECT name FROM onewindow_zone WHERE floor = 1')}
    assert names == {
        "公安服务窗口", "供电服务窗口", "24小时公安网上办事自助服务区"}


def test_first_batch(demo):
    "The comprehensive window serves the 15 non-resident first-batch "
    "departments"
    served = rows(demo,
        'SELECT d.short_name, d.residency, d.batch '
        'FROM onewindow_window w '
        'JOIN "onewindow_window-onewindow_department" wd ON wd.window = w.id '
        'JOIN onewindow_department d ON d.id = wd.department '
        "WHERE w.code = 'ZH'")
    assert sorted(s for s, _, _ in served) == sorted([
            "县安监局", "县财政局", "县民政局", "县气象局", "县文广新局",
            "县档案局", "县体育局", "县旅游局", "县教育局", "县卫计局",
            "县人社局", "县交通运输局", "县残联", "县人防办", "县金融办"])
    assert {(r, b) for _, r, b in served} == {('non_resident', 1)}


def test_other_departments(demo):
    "Every other department the plan names is there and resident"
    names = {n for n, in rows(demo,
            "SELECT short_name FROM onewindow_department "
            "WHERE residency = 'resident'")}
    assert {"县公安局", "翁源供电局", "县国土局", "县司法局", "县工商局",
        "县国税局", "县地税局", "县环保局", "县农业局", "县水务局",
        "县林业局", "县发改局", "县经信局", "县住建局", "县食药监局",
        "县消防大队"} <= names


def test_calendar_published(demo):
    "2025 to 2027 are published, so that cases accepted in December have "
    "a deadline"
    years = rows(demo,
        'SELECT year, state FROM onewindow_calendar_year ORDER BY year')
    assert years == [
        (2025, 'published'), (2026, 'published'), (2027, 'published')]


def test_calendar_provisional_year(demo):
    "2027, not yet in chinese-calendar, says it is provisional and has the "
    "Gregorian holidays of the law"
    notice, = rows(demo,
        'SELECT notice FROM onewindow_calendar_year WHERE year = 2027')[0]
    assert "尚未公布" in notice
    days = rows(demo,
        "SELECT d.date, d.kind FROM onewindow_calendar_day d "
        "JOIN onewindow_calendar_year y ON y.id = d.year "
        "WHERE y.year = 2027 ORDER BY d.date")
    assert [(str(d), k) for d, k in days] == [
        ('2027-01-01', 'holiday'),
        ('2027-05-01', 'holiday'), ('2027-05-02', 'holiday'),
        ('2027-10-01', 'holiday'), ('2027-10-02', 'holiday'),
        ('2027-10-03', 'holiday')]


def test_user_per_role(demo):
    "A demo user per role, in Chinese"
    users = dict(rows(demo,
            'SELECT u.login, l.code FROM res_user u '
            'JOIN ir_lang l ON l.id = u.language'))
    for login in ['center_admin', 'clerk', 'leader', 'approver',
            'approver_mz', 'guide', 'liaison', 'supervisor']:
        assert users.get(login) == 'zh_CN', login


def test_terminals(demo):
    "The self-service area has its terminals"
    kinds = {k for k, in rows(demo, 'SELECT kind FROM onewindow_terminal')}
    assert {'government', 'family_planning', 'national_tax', 'local_tax',
        'human_resources', 'pc', 'document_camera', 'printer',
        'usb_upload', 'police'} <= kinds


def test_catalogue(demo):
    "At least three published matters for each first-batch department and "
    "each dedicated window, of all four handling kinds"
    counts = dict(rows(demo,
            "SELECT d.code, COUNT(*) FROM onewindow_matter m "
            "JOIN onewindow_department d ON d.id = m.department "
            "WHERE m.state = 'published' GROUP BY d.code"))
    for code in ['AJ', 'CZ', 'MZ', 'QX', 'WGX', 'DA', 'TY', 'LY', 'JY', 'WJ',
            'RS', 'JT', 'CL', 'RF', 'JR', 'GA', 'GD', 'GS', 'GSJ', 'DS',
            'GT', 'SF', 'HB']:
        assert counts.get(code, 0) >= 3, code
    handlings = {h for h, in rows(demo,
            "SELECT DISTINCT handling FROM onewindow_matter "
            "WHERE state = 'published'")}
    assert handlings == {'same_day', 'promised', 'escalated', 'joint'}


def test_every_state(demo):
    "The demo has cases in every state of the case, and hand-overs, clock "
    "stops and opinions in each state a user meets"
    from trytond.modules.onewindow_approval.case import STATES
    from trytond.modules.onewindow_approval.handover import Handover
    from trytond.modules.onewindow_approval.suspension import CaseSuspension

    def counts(query):
        return dict(rows(demo, query))

    cases = counts(
        'SELECT state, COUNT(*) FROM onewindow_case GROUP BY state')
    assert {s: cases.get(s, 0) for s, _ in STATES if not cases.get(s)} == {}
    handovers = counts(
        'SELECT state, COUNT(*) FROM onewindow_handover GROUP BY state')
    assert {s for s, _ in Handover.state.selection} - set(handovers) == set()
    # A clock stop is entered (draft) and started in the same click
    suspensions = counts(
        'SELECT state, COUNT(*) FROM onewindow_case_suspension GROUP BY state')
    assert {s for s, _ in CaseSuspension.state.selection} - set(suspensions) \
        == {'draft'}
    # Opinions awaited, given in agreement, and disagreements answered and
    # still to answer
    opinions = counts(
        "SELECT CASE "
        "WHEN state = 'pending' THEN 'pending' "
        "WHEN opinion = 'agree' THEN 'agree' "
        "WHEN resolved_by IS NOT NULL THEN 'resolved' "
        "ELSE 'disagree' END, COUNT(*) "
        "FROM onewindow_case_opinion GROUP BY 1")
    assert set(opinions) == {'pending', 'agree', 'resolved', 'disagree'}
    # The suspended cases have a clock stop running, the slips to receive
    # have their cases under review
    assert rows(demo,
        "SELECT COUNT(*) FROM onewindow_case c WHERE c.state = 'suspended' "
        "AND NOT EXISTS (SELECT 1 FROM onewindow_case_suspension s "
        "WHERE s.\"case\" = c.id AND s.state = 'running')") == [(0,)]
    assert rows(demo,
        "SELECT DISTINCT c.state FROM onewindow_case c "
        "JOIN onewindow_handover h ON h.id = c.handover "
        "WHERE h.state = 'sent'") == [('review',)]
    assert rows(demo,
        "SELECT DISTINCT c.state FROM onewindow_case c "
        "JOIN onewindow_handover h ON h.id = c.handover "
        "WHERE h.state = 'draft'") == [('accepted',)]


def test_reload_changes_nothing(demo_database, demo):
    "Loading the demo again adds nothing"
    tables = ['onewindow_room', 'onewindow_window', 'onewindow_department',
        'onewindow_terminal', 'onewindow_duty', 'company_employee',
        'res_user', 'onewindow_calendar_day', 'onewindow_matter',
        'onewindow_matter_material', 'onewindow_delegation',
        'onewindow_authorization', 'onewindow_knowledge']
    before = {t: rows(demo, 'SELECT COUNT(*) FROM %s' % t) for t in tables}
    run([sys.executable, TOP / 'scripts' / 'load_demo.py',
            '-c', demo_database.config, '-d', demo_database.name],
        demo_database.env, 900, 'scripts/load_demo.py')
    after = {t: rows(demo, 'SELECT COUNT(*) FROM %s' % t) for t in tables}
    assert after == before


def test_refuses_other_database(tmp_path):
    "The demo loader refuses a database that was not created for the demo"
    from .conftest import BIN, clean_environ
    config = tmp_path / 'trytond.conf'
    config.write_text('[database]\nuri = sqlite://\npath = %s\n' % tmp_path)
    (tmp_path / 'real.sqlite').touch()
    passfile = tmp_path / 'admin-password'
    passfile.write_text('a-real-admin-password\n')
    env = clean_environ(TRYTONPASSFILE=str(passfile))
    run([BIN / 'trytond-admin', '-c', config, '-d', 'real',
            '-u', 'onewindow_hall', '--activate-dependencies',
            '--email', 'admin@example.com'], env, 900, 'trytond-admin')
    process = subprocess.run(
        [sys.executable, str(TOP / 'scripts' / 'load_demo.py'),
            '-c', str(config), '-d', 'real'],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, timeout=300)
    assert process.returncode != 0
    assert 'real is not a demo database' in process.stdout
    with sqlite3.connect(str(tmp_path / 'real.sqlite')) as connection:
        assert rows(connection,
            "SELECT login FROM res_user WHERE login != 'root'") == [
            ('admin',)]


def test_supervision_cards(demo):
    "The sweep ran once: the demo supervisor finds open cards of the "
    "running cases, none twice, and the board opens at his login"
    cards = rows(demo,
        'SELECT k.colour, c.state, k.deadline <= c.deadline '
        'FROM onewindow_card k JOIN onewindow_case c ON c.id = k."case" '
        "WHERE k.state = 'open' AND k.kind = 'deadline' AND k.step IS NULL")
    assert cards
    assert {state for _, state, _ in cards} <= {'accepted', 'review'}
    assert {colour for colour, _, _ in cards} <= {'red', 'yellow'}
    assert all(issued for _, _, issued in cards)
    duplicates = rows(demo,
        'SELECT "case", step, colour, deadline, COUNT(*) FROM onewindow_card '
        "WHERE kind = 'deadline' GROUP BY \"case\", step, colour, deadline "
        'HAVING COUNT(*) > 1')
    assert duplicates == []
    board = rows(demo,
        'SELECT a.name FROM "res_user-ir_action" ua '
        'JOIN res_user u ON u.id = ua.user '
        'JOIN ir_action a ON a.id = ua.action '
        "WHERE u.login = 'supervisor'")
    assert board == [('Supervision Board',)]


def test_matter_types(demo):
    "Every published matter version has its type and its legal basis, "
    "and the catalogue is not only licences and public services"
    missing = rows(demo,
        "SELECT code, version FROM onewindow_matter "
        "WHERE state = 'published' AND (matter_type IS NULL "
        "OR legal_basis IS NULL OR TRIM(legal_basis) = '')")
    assert missing == []
    types = {t for t, in rows(demo,
            "SELECT DISTINCT matter_type FROM onewindow_matter "
            "WHERE state = 'published'")}
    assert {'licence', 'public_service', 'payment', 'confirmation',
        'other'} <= types
    # The code says the type
    wrong = rows(demo,
        "SELECT code, matter_type FROM onewindow_matter "
        "WHERE (matter_type = 'licence') != (SUBSTR(code, 1, 2) = 'XK')")
    assert wrong == []


ACCEPTANCE_NOTICES = '''
import io, re, sys, zipfile
from proteus import Model, Report, config
config.set_trytond(sys.argv[2], config_file=sys.argv[1])
Case = Model.get('onewindow.case')
ActionReport = Model.get('ir.action.report')
action, = ActionReport.find([
        ('report_name', '=', 'onewindow.case.acceptance_notice'),
        ('extension', 'in', ['', None])])
report = Report('onewindow.case.acceptance_notice')
for matter_type in ['licence', 'public_service', 'confirmation']:
    cases = Case.find([
            ('matter.matter_type', '=', matter_type),
            ('state', 'in', ['accepted', 'review', 'approved', 'ready',
                    'delivered', 'archived']),
            ], limit=1)
    _, content, _, _ = report.execute(cases, {'action_id': action.id})
    xml = zipfile.ZipFile(io.BytesIO(content)).read('content.xml')
    text = ''.join(re.sub(r'<[^>]+>', '', xml.decode('utf-8')).split())
    print(matter_type, cases[0].matter.name, '行政许可法' in text,
        cases[0].matter.legal_basis.splitlines()[0] in text)
'''


def test_acceptance_notice_by_type(demo_database, demo):
    "The acceptance notice of a licence cites the Administrative Licensing "
    "Law, those of a public service and of a confirmation cite their own "
    "basis"
    output = run([sys.executable, '-c', ACCEPTANCE_NOTICES,
            demo_database.config, demo_database.name],
        demo_database.env, 300, 'acceptance notices')
    found = {}
    for line in output.splitlines():
        words = line.split()
        if len(words) == 4 and words[0] in {
                'licence', 'public_service', 'confirmation'}:
            found[words[0]] = (words[2], words[3])
    print(output)
    assert found == {
        'licence': ('True', 'True'),
        'public_service': ('False', 'True'),
        'confirmation': ('False', 'True'),
        }


def test_form_data(demo):
    "The application forms hold the applicants' own data, not filler: no "
    "text is the matter's name + 申请, the names and codes are the "
    "applicant's"
    import json
    cases = rows(demo,
        'SELECT c.id, c.form_data, m.name, m.short_name, p.name, '
        '(SELECT i.code FROM party_identifier i WHERE i.party = p.id '
        "AND i.type IN ('cn_ric', 'cn_vat') ORDER BY i.id LIMIT 1) "
        'FROM onewindow_case c '
        'JOIN onewindow_matter m ON m.id = c.matter '
        'JOIN party_party p ON p.id = c.applicant')
    assert cases
    filler, wrong = [], []
    for id_, form_data, name, short_name, applicant, code in cases:
        data = json.loads(form_data) if form_data else {}
        for key, value in data.items():
            if value in {name + '申请', (short_name or name) + '申请'}:
                filler.append((id_, key, value))
        for key in ['applicant_name', 'company_name']:
            if key in data and data[key] != applicant:
                wrong.append((id_, key, data[key], applicant))
        for key in ['id_number', 'credit_code']:
            if key in data and data[key] != code:
                wrong.append((id_, key, data[key], code))
    assert filler == []
    assert wrong == []


def test_startup_actions(demo):
    "Each approver lands on his department's cases, whose first tab is "
    "the cases to sign for; the supervision board's panels carry their "
    "own domain, since sao's board does not apply the action's"
    actions = rows(demo,
        'SELECT u.login, a.name FROM "res_user-ir_action" ua '
        'JOIN res_user u ON u.id = ua.user '
        'JOIN ir_action a ON a.id = ua.action '
        "WHERE u.login IN ('approver', 'approver_mz') ORDER BY u.login")
    assert actions == [
        ('approver', 'Department Cases'), ('approver_mz', 'Department Cases')]
    first, = rows(demo,
        'SELECT d.domain FROM ir_action_act_window_domain d '
        'JOIN ir_action_act_window w ON w.id = d.act_window '
        'JOIN ir_action a ON a.id = w.action '
        "WHERE a.name = 'Department Cases' ORDER BY d.sequence LIMIT 1")
    assert "handover.state" in first[0] and '"sent"' in first[0]
    panels = dict(rows(demo,
        'SELECT a.name, d.domain FROM ir_action_act_window_domain d '
        'JOIN ir_action_act_window w ON w.id = d.act_window '
        'JOIN ir_action a ON a.id = w.action '
        "WHERE a.name IN ('Open Red Cards', 'Open Yellow Cards')"))
    assert '"red"' in panels['Open Red Cards']
    assert '"yellow"' in panels['Open Yellow Cards']


def test_log_dates(demo):
    "The case log lived through the story: every entry is dated between "
    "the case's application and its last change, and each acceptance on "
    "the day the case was accepted"
    # The log is dated in UTC, the days of the case in the hall's time
    # zone (Asia/Shanghai).  The story ends on the day of the load: on that
    # day an event on a line of the case (a material, a fee, a step) is
    # logged after the case's own last write, so the last change bounds
    # the day of an entry, and no entry is after the story's last day
    last_day = rows(demo, "SELECT MAX(date) FROM onewindow_card_sweep")[0][0]
    outside = rows(demo,
        'SELECT c.id, c.application_date, l.event, l.date '
        'FROM onewindow_case_log l JOIN onewindow_case c ON c.id = l."case" '
        "WHERE DATE(l.date, '+8 hours') < c.application_date "
        "OR DATE(l.date, '+8 hours') > DATE(COALESCE(c.write_date, "
        "c.create_date), '+8 hours') "
        "OR DATE(l.date, '+8 hours') > ?", last_day)
    assert outside == []
    accepted = rows(demo,
        "SELECT COUNT(*), SUM(DATE(l.date, '+8 hours') = c.acceptance_date) "
        'FROM onewindow_case_log l JOIN onewindow_case c ON c.id = l."case" '
        "WHERE l.event = 'accept'")
    count, same_day = accepted[0]
    assert count > 100 and same_day == count
    days = rows(demo,
        'SELECT COUNT(DISTINCT SUBSTR(date, 1, 10)) FROM onewindow_case_log')
    assert days[0][0] > 30


def of_resource(model, alias):
    """Return the condition that the model log entry l is of the record
    alias of model (read by its id, not by building the reference of each
    record)"""
    prefix = model + ','
    return ("l.resource LIKE '%s%%' "
        "AND CAST(SUBSTR(l.resource, %s) AS INTEGER) = %s.id" % (
            prefix, len(prefix) + 1, alias))


def test_model_log_dates(demo):
    "Tryton's model log lived through the story, as the case log: every "
    "entry of a case, of its lines, notices and ratings is dated between "
    "the case's application and the story's last day (an online "
    "application of the day of the load on that day), each click "
    "on a button of a case on a day of its case log, each acceptance on the "
    "day the case was accepted, and none on the day of the load but on the "
    "story's last day"
    last_day = story_last_day(demo)
    day = "DATE(l.create_date, '+8 hours')"
    logs = rows(demo,
        'SELECT c.id, c.application_date, c.acceptance_date, l.event, '
        'l.target, %s, EXISTS (SELECT 1 FROM onewindow_case_log k '
        'WHERE k."case" = c.id AND DATE(k.date, \'+8 hours\') = %s) '
        'FROM ir_model_log l JOIN onewindow_case c ON %s'
        % (day, day, of_resource('onewindow.case', 'c')))
    assert len(logs) > 1000
    assert [l for l in logs
        if not l[1] <= l[5] <= max(l[1], last_day)] == []
    buttons = [l for l in logs if l[3] == 'button']
    assert len(buttons) > 500
    assert [l for l in buttons if not l[6]] == []
    accepted = [l for l in buttons if l[4] == 'accept']
    assert len(accepted) > 100
    assert [l for l in accepted if l[5] != l[2]] == []
    assert len({l[5] for l in logs}) > 30
    # The lines of the cases, their notices and ratings
    for model, table in [
            ('onewindow.case.material', 'onewindow_case_material'),
            ('onewindow.case.step', 'onewindow_case_step'),
            ('onewindow.case.opinion', 'onewindow_case_opinion'),
            ('onewindow.case.suspension', 'onewindow_case_suspension'),
            ('onewindow.case.notification', 'onewindow_case_notification'),
            ('onewindow.evaluation', 'onewindow_evaluation'),
            ]:
        lines = rows(demo,
            'SELECT c.id, c.application_date, %s '
            'FROM ir_model_log l JOIN %s r ON %s '
            'JOIN onewindow_case c ON c.id = r."case"' % (
                day, table, of_resource(model, 'r')))
        assert lines, model
        assert [l for l in lines
            if not l[1] <= l[2] <= max(l[1], last_day)] == [], model
        assert len({l[2] for l in lines}) > 10, model
    # The slips, the rectifications and the complaints: in the story
    first_day = rows(demo,
        'SELECT MIN(application_date) FROM onewindow_case')[0][0]
    for model in ['onewindow.handover', 'onewindow.rectification',
            'onewindow.complaint']:
        days = [d for d, in rows(demo,
                "SELECT %s FROM ir_model_log l WHERE l.resource LIKE '%s,%%'"
                % (day, model))]
        assert days, model
        assert [d for d in days if not first_day <= d <= last_day] == [], (
            model)


def test_card_dates(demo):
    "The cards lived through the story: each deadline card was issued on "
    "the day its deadline came near (yellow) or was missed (red), created "
    "on that day and not when the demo was loaded (as the violation cards "
    "of the buttons and those of the rectifications), and the last month of "
    "the story and the month before have their cards"
    cards = rows(demo,
        "SELECT k.id, k.colour, k.deadline, k.issue_date, "
        "DATE(k.create_date, '+8 hours') "
        'FROM onewindow_card k '
        "WHERE k.kind = 'deadline'")
    assert cards
    red = [c for c in cards if c[1] == 'red']
    assert red
    # A red card the first working day after the deadline or later, a
    # yellow one before it
    assert [c for c in red if not c[3] > c[2]] == []
    assert [c for c in cards if c[1] == 'yellow' and not c[3] <= c[2]] == []
    assert [c for c in cards if c[4] != c[3]] == []
    # The other cards too (the violations flagged by the buttons, those of
    # the rectifications and complaints): created on the day they were
    # issued
    assert rows(demo,
        "SELECT k.kind, k.issue_date, DATE(k.create_date, '+8 hours') "
        "FROM onewindow_card k WHERE k.kind != 'deadline' "
        "AND DATE(k.create_date, '+8 hours') != k.issue_date") == []
    assert rows(demo,
        "SELECT COUNT(*) FROM onewindow_card "
        "WHERE kind = 'refused_complete'")[0][0] > 0
    # The last day of the story, that of its last sweep (the online hall's
    # applications are pre-reviewed on the day the demo is loaded)
    last_day, = rows(demo, "SELECT MAX(date) FROM onewindow_card_sweep")[0]
    assert [c for c in cards if c[3] > last_day] == []
    # The sweeps ran on the days of the story
    days = rows(demo,
        "SELECT COUNT(DISTINCT issue_date) FROM onewindow_card "
        "WHERE kind = 'deadline'")
    assert days[0][0] > 20
    year, month = int(last_day[:4]), int(last_day[5:7])
    previous = '%04d-%02d' % ((year, month - 1) if month > 1
        else (year - 1, 12))
    assert rows(demo,
        "SELECT COUNT(*) FROM onewindow_card "
        "WHERE SUBSTR(issue_date, 1, 7) = ?", previous)[0][0] > 0
    assert rows(demo,
        "SELECT COUNT(*) FROM onewindow_card "
        "WHERE SUBSTR(issue_date, 1, 7) = ?", last_day[:7])[0][0] > 0


def story_last_day(demo):
    "Return the last day of the story, that of its last sweep"
    return rows(demo, "SELECT MAX(date) FROM onewindow_card_sweep")[0][0]


def test_story_ends_today(demo):
    "The story ends on the day the demo is loaded (in the hall's time "
    "zone, or the working day before): the board's seven days have cards"
    import datetime as dt
    from zoneinfo import ZoneInfo
    last_day = dt.date.fromisoformat(story_last_day(demo))
    today = dt.datetime.now(ZoneInfo('Asia/Shanghai')).date()
    # The story ends on the last working day up to the day of the load
    # (today, or yesterday for a test run across midnight; the longest
    # holiday is 8 days)
    assert today - dt.timedelta(days=10) <= last_day <= today
    week = (last_day - dt.timedelta(days=6)).isoformat()
    assert rows(demo,
        "SELECT COUNT(*) FROM onewindow_card WHERE issue_date >= ?",
        week)[0][0] > 0
    assert rows(demo,
        "SELECT COUNT(*) FROM onewindow_case_log "
        "WHERE DATE(date, '+8 hours') >= ?", week)[0][0] > 0


def test_rating_dates(demo):
    "The ratings, rectifications and complaints lived through the story: "
    "each rating is dated between its service and the last day, each "
    "card of a rectification or complaint created on its day of issue"
    last_day = story_last_day(demo)
    ratings = rows(demo,
        "SELECT e.id, e.service_day, e.rating_day, "
        "DATE(e.rating_date, '+8 hours'), c.application_date "
        "FROM onewindow_evaluation e "
        'JOIN onewindow_case c ON c.id = e."case" '
        "WHERE e.state = 'rated'")
    assert len(ratings) > 100
    assert [r for r in ratings if not (
            r[4] <= r[2] <= last_day and r[2] == r[3])] == []
    # Rated over the days of the story, not on the day of the load
    assert len({r[2] for r in ratings}) > 30
    opened = rows(demo,
        "SELECT r.id FROM onewindow_rectification r "
        "JOIN onewindow_evaluation e ON e.id = r.evaluation "
        "WHERE r.open_date != e.rating_day")
    assert opened == []
    cards = rows(demo,
        "SELECT id, issue_date, DATE(create_date, '+8 hours') "
        "FROM onewindow_card WHERE kind IN ('rectification', 'complaint')")
    assert [c for c in cards if c[1] != c[2] or c[1] > last_day] == []


def test_portal_case_to_rate(demo):
    "The portal's demo person (13800000001) has a case delivered on the "
    "day of the load, whose rating she may still give from 我的办件; the "
    "rating device's window has a service of the last day left to rate"
    last_day = story_last_day(demo)
    to_rate = rows(demo,
        "SELECT c.number FROM onewindow_evaluation e "
        'JOIN onewindow_case c ON c.id = e."case" '
        "JOIN web_user u ON u.party = c.applicant "
        "WHERE u.mobile = '13800000001' AND c.state = 'delivered' "
        "AND e.stage = 'case' AND e.state = 'pending' "
        "AND DATE(e.service_date, '+8 hours') >= ?", last_day)
    assert to_rate
    device = rows(demo,
        "SELECT COUNT(*) FROM onewindow_evaluation e "
        "JOIN onewindow_evaluation_device d ON d.window = e.window "
        "WHERE e.state = 'pending' AND e.stage IN ('acceptance', 'delivery') "
        "AND DATE(e.service_date, '+8 hours') >= ?", last_day)
    assert device[0][0] > 0
