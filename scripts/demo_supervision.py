# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The supervisor's demo: the departments get a duty phone for the SMS of
the cards (if the cases did not give them one), the card sweep of the
scheduler is run once more on the last day of the story (the cases swept
each day of theirs), so that the supervisor finds the red and yellow cards
of the running demo cases, the
supervision board opens when the supervisor logs in and the department's
cases to sign for and under review when an approver does.  Running it again
issues no card twice."""
from proteus import Model

SUPERVISORS = ['supervisor']
APPROVERS = ['approver', 'approver_mz']


def load(config, ctx):
    Cron = Model.get('ir.cron')
    Card = Model.get('onewindow.card')
    User = Model.get('res.user')
    Action = Model.get('ir.action')
    ActWindow = Model.get('ir.action.act_window')
    ModelData = Model.get('ir.model.data')
    Department = Model.get('onewindow.department')
    Sweep = Model.get('onewindow.card.sweep')
    departments = Department.find([('phone', '=', None)], order=[('code', 'ASC')])
    for i, department in enumerate(departments, 1):
        department.phone = '0751-2880%03d' % i
    Department.save(departments)
    # The sweep runs on the last day of the story, that of the last sweep
    # of the cases (the day of the load, or the working day before): it
    # issues the cards of the ratings and complaints still due that day
    sweeps = Sweep.find([], order=[('date', 'DESC'), ('id', 'DESC')],
        limit=1)
    context = dict(config._context)
    if sweeps:
        config._context = dict(context, onewindow_today=sweeps[0].date)
    try:
        cron, = Cron.find([('method', '=', 'onewindow.card|sweep')])
        cron.click('run_once')
    finally:
        config._context = context
    data, = ModelData.find([
            ('module', '=', 'onewindow_approval'),
            ('fs_id', '=', 'act_supervision_board'),
            ])
    board = ActWindow(data.db_id).action
    for user in User.find([('login', 'in', SUPERVISORS)]):
        if board not in user.actions:
            user.actions.append(Action(board.id))
            user.save()
    data, = ModelData.find([
            ('module', '=', 'onewindow_approval'),
            ('fs_id', '=', 'act_case_department'),
            ])
    work = ActWindow(data.db_id).action
    for user in User.find([('login', 'in', APPROVERS)]):
        if work not in user.actions:
            user.actions.append(Action(work.id))
            user.save()
    cards = Card.find([('state', '=', 'open')])
    print("demo_supervision: %s open cards (%s red)" % (
            len(cards), len([c for c in cards if c.colour == 'red'])))
