#!/usr/bin/env python3
# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Export or import the catalogue of matters as one CSV file

  catalog_csv.py -c trytond.conf -d DB export catalog.csv
  catalog_csv.py -c trytond.conf -d DB import catalog.csv

The file holds matters, their back-office steps, their acceptance checklists
and the data dictionaries of their forms, one row each; the column "type"
says which ("matter", "step", "material", "field") and the columns "code" and
"version" name the matter of every row.  The other columns apply to some
types and stay empty for the others:

  matter    name short_name matter_type applicant_kind handling higher_authority
            department co_departments acceptance statutory_limit
            promised_limit extension_limit special_procedures fee_amount
            fee_basis result_kind result_name result_validity
            delivery_methods conditions legal_basis procedure place hours
            phone complaint_phone online_url guide_notes
  step      sequence name kind limit description
  material  sequence name requirement condition deferrable original_check
            paper_copies electronic_copies credibility notes
  field     sequence name (the key) string (the label) field_type required
            selection help

Selections are written with their keys (handling: same_day, promised,
escalated, joint; matter_type: licence, payment, confirmation, public_service...), several keys
separated by ";", departments by their codes, yes/no as 1/0.  Text cells may
hold line breaks.  The export writes UTF-8 with a byte order mark (for
spreadsheets); the import reads UTF-8 or GB18030.

The import is idempotent by matter code and version: a new version is
created as a draft, a draft is updated (its steps, materials and fields
become those of the file), and a version that is no longer a draft is left
as is when the file holds it unchanged and refused otherwise.  It is one
transaction: when any row is wrong, every wrong row is reported with its
number (as a spreadsheet shows it: the header is row 1) and nothing is
imported.  The exit status is then 1."""
import argparse
import os
import sys


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('-c', '--config', dest='config',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="the trytond configuration file (default: $TRYTOND_CONFIG)")
    parser.add_argument('-d', '--database', dest='database', required=True,
        help="the database name")
    parser.add_argument('-u', '--user', dest='login', default='admin',
        help="the login of the user who imports or exports "
        "(default: admin)")
    parser.add_argument('--all', dest='all_versions', action='store_true',
        help="export: every version, also superseded and cancelled ones "
        "(default: drafts, published and suspended versions)")
    parser.add_argument('--code', dest='codes', action='append',
        metavar='CODE', help="export: only the matter of this code "
        "(repeatable)")
    parser.add_argument('action', choices=['export', 'import'])
    parser.add_argument('file', help='the CSV file ("-" for standard '
        'output or input)')
    args = parser.parse_args()

    from trytond.config import config
    if args.config:
        config.update_etc(args.config)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    Pool.start()
    pool = Pool(args.database)
    pool.init()

    with Transaction().start(args.database, 0, readonly=True):
        User = pool.get('res.user')
        users = User.search([('login', '=', args.login)])
        if not users:
            parser.error("no user with login %r" % args.login)
        user, = users
        user_id = user.id
    with Transaction().start(args.database, user_id, readonly=True):
        context = User.get_preferences(context_only=True)

    readonly = args.action == 'export'
    with Transaction().start(args.database, user_id, context=context,
            readonly=readonly) as transaction:
        if args.action == 'export':
            status = export(pool, args)
        else:
            status = import_(pool, args)
            if status:
                # Nothing of a wrong file stays
                transaction.rollback()
    sys.exit(status)


def export(pool, args):
    Matter = pool.get('onewindow.matter')
    domain = []
    if not args.all_versions:
        domain.append(('state', 'in', ['draft', 'published', 'suspended']))
    if args.codes:
        domain.append(('code', 'in', args.codes))
    matters = Matter.search(domain)
    text = Matter.export_catalog(matters)
    if args.file == '-':
        sys.stdout.write(text)
    else:
        with open(args.file, 'w', encoding='utf-8-sig', newline='') as fp:
            fp.write(text)
    print("%s: %d matters exported" % (args.file, len(matters)),
        file=sys.stderr)
    return 0


def import_(pool, args):
    from trytond.exceptions import UserError
    from trytond.modules.onewindow_matters.catalog import decode
    Matter = pool.get('onewindow.matter')
    if args.file == '-':
        data = sys.stdin.buffer.read()
    else:
        with open(args.file, 'rb') as fp:
            data = fp.read()
    try:
        ids = Matter.import_catalog(decode(data))
    except UserError as exception:
        print(exception.message, file=sys.stderr)
        return 1
    for matter in Matter.browse(ids):
        print("%s %s" % (matter.rec_name, matter.state_string))
    print("%s: %d matters created or updated" % (args.file, len(ids)),
        file=sys.stderr)
    return 0


if __name__ == '__main__':
    main()
