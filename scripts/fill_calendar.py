#!/usr/bin/env python3
# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Fill a year of a working-day calendar from the chinese-calendar library

The year is created (or refilled) as a draft: the administrator checks it
against the State Council notice in the web client and publishes it, or
passes --publish here.  A published year is never refilled: change its days
in the web client, where every change is logged."""
import argparse
import sys

from proteus import Model, Wizard, config as pconfig


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('-c', '--config', dest='config_file')
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--calendar', help="name of the calendar "
        "(default: the only one)")
    parser.add_argument('--notice', help="the notice that sets the year")
    parser.add_argument('--publish', action='store_true')
    parser.add_argument('year', type=int, nargs='+')
    args = parser.parse_args()
    pconfig.set_trytond(database=args.database, config_file=args.config_file)
    Calendar = Model.get('onewindow.calendar')
    Year = Model.get('onewindow.calendar.year')
    domain = [('name', '=', args.calendar)] if args.calendar else []
    calendars = Calendar.find(domain)
    if len(calendars) != 1:
        parser.error("name one calendar with --calendar: %s" % ', '.join(
                c.name for c in calendars) or "none exists")
    calendar, = calendars
    for number in args.year:
        fill = Wizard('onewindow.calendar.fill', [calendar])
        fill.form.calendar = calendar
        fill.form.year = number
        fill.execute('fill')
        year, = Year.find([
                ('calendar', '=', calendar.id), ('year', '=', number)])
        if args.notice:
            year.notice = args.notice
            year.save()
        holidays = sum(d.kind == 'holiday' for d in year.days)
        workdays = sum(d.kind == 'workday' for d in year.days)
        if args.publish:
            year.click('publish')
        print("%s %s: %d holidays, %d make-up workdays, %s" % (
                calendar.name, number, holidays, workdays, year.state))


if __name__ == '__main__':
    from trytond.exceptions import UserError
    try:
        main()
    except UserError as exception:
        sys.exit(exception.message)
