#!/usr/bin/env python3
# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Rewrite modules/MODULE/locale/zh_CN.po with every string of the module

It activates the module in a scratch SQLite database with its current
zh_CN translations, sets the translations of all the module's strings
(fields, selections, views, menus, messages, reports) and exports them: the
entries whose msgstr is empty are the ones left to translate.  It prints
their number and, with --missing, the entries themselves."""
import argparse
import os
import subprocess
import sys
import tempfile

import polib

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('module')
    parser.add_argument('--missing', action='store_true',
        help="print the untranslated entries")
    args = parser.parse_args()
    bindir = os.path.dirname(sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        conf = os.path.join(tmp, 'trytond.conf')
        with open(conf, 'w') as fp:
            fp.write('[database]\nuri = sqlite://\npath = %s\n' % tmp)
        open(os.path.join(tmp, 'po.sqlite'), 'w').close()
        passfile = os.path.join(tmp, 'pass')
        with open(passfile, 'w') as fp:
            fp.write('admin-password-for-po\n')
        env = dict(os.environ, TRYTONPASSFILE=passfile)
        env.pop('TRYTOND_DATABASE_URI', None)
        subprocess.run([os.path.join(bindir, 'trytond-admin'), '-c', conf,
                '-d', 'po', '-u', args.module, '--activate-dependencies',
                '-l', 'zh_CN', '--email', 'admin@example.com'],
            check=True, env=env, stdout=subprocess.DEVNULL)
        from trytond.config import config
        config.update_etc(conf)
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        Pool.start()
        pool = Pool('po')
        pool.init()
        with Transaction().start('po', 0, context={'language': 'en'}):
            Set = pool.get('ir.translation.set', type='wizard')
            session_id, _, _ = Set.create()
            Set.execute(session_id, {}, 'set_')
            # Every source string of the module gets a zh_CN entry, even
            # the fields and models that the update wizard leaves out.
            Translation = pool.get('ir.translation')
            key = (lambda t: (t.name, t.type, t.res_id, t.src))
            existing = {key(t) for t in Translation.search([
                        ('lang', '=', 'zh_CN'),
                        ('module', '=', args.module),
                        ])}
            Translation.create([{
                        'name': t.name, 'type': t.type, 'res_id': t.res_id,
                        'src': t.src, 'lang': 'zh_CN', 'module': t.module,
                        'value': '',
                        } for t in Translation.search([
                            ('lang', '=', 'en'),
                            ('module', '=', args.module),
                            ]) if key(t) not in existing and t.src])
            Translation = pool.get('ir.translation')
            content = Translation.translation_export('zh_CN', args.module)
            Transaction().commit()
    path = os.path.join(TOP, 'modules', args.module, 'locale', 'zh_CN.po')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as fp:
        fp.write(content)
    po = polib.pofile(path)
    # Suggestions from identical strings of Tryton itself are kept as
    # translations: review them in the file.
    for entry in po:
        if 'fuzzy' in entry.flags:
            entry.flags.remove('fuzzy')
    po.save(path)
    missing = [e for e in po if not e.msgstr]
    if args.missing:
        for entry in missing:
            print('msgctxt %r\nmsgid %r\n' % (entry.msgctxt, entry.msgid))
    print('%s: %d entries, %d untranslated' % (
            path, len(po), len(missing)))


if __name__ == '__main__':
    main()
