#!/usr/bin/env python3
# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Rewrite the catalog of the portal's page strings

The pages of modules/MODULE/templates (Jinja2 `_()`, `{% trans %}`) and the
`gettext("...")` calls of the module's web files are extracted into
modules/MODULE/web_locale/zh_CN.po, keeping the translations already made;
it prints the number of entries left to translate and, with --missing, the
entries themselves."""
import argparse
import ast
import os
import sys

import polib
from jinja2 import Environment

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEB_FILES = ('web.py', 'routes.py', 'account.py', 'online.py', 'lookup.py',
    'kiosk.py', 'oidc.py')


def python_strings(path):
    "Yield the literal first arguments of the gettext calls of the file"
    with open(path, encoding='utf-8') as fp:
        tree = ast.parse(fp.read())
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call)
                and getattr(node.func, 'id', None) in {'gettext', '_'}
                and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            yield node.args[0].value


def template_strings(folder):
    environment = Environment(extensions=['jinja2.ext.i18n'])
    for name in sorted(os.listdir(folder)):
        if not name.endswith('.html'):
            continue
        with open(os.path.join(folder, name), encoding='utf-8') as fp:
            source = fp.read()
        for _, function, message in environment.extract_translations(
                source):
            if isinstance(message, str):
                yield message
            elif isinstance(message, tuple):
                yield from (m for m in message if isinstance(m, str))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('module', nargs='?', default='onewindow_portal')
    parser.add_argument('--missing', action='store_true')
    args = parser.parse_args()
    folder = os.path.join(TOP, 'modules', args.module)
    messages = []
    for name in WEB_FILES:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            messages.extend(python_strings(path))
    templates = os.path.join(folder, 'templates')
    if os.path.isdir(templates):
        messages.extend(template_strings(templates))
    path = os.path.join(folder, 'web_locale', 'zh_CN.po')
    old = {}
    if os.path.exists(path):
        old = {e.msgid: e.msgstr for e in polib.pofile(path)}
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        'Content-Type': 'text/plain; charset=utf-8',
        'Language': 'zh_CN',
        }
    seen = set()
    for message in messages:
        if message in seen:
            continue
        seen.add(message)
        po.append(polib.POEntry(msgid=message, msgstr=old.get(message, '')))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    po.save(path)
    missing = [e for e in po if not e.msgstr]
    if args.missing:
        for entry in missing:
            print(repr(entry.msgid))
    print('%s: %d entries, %d untranslated' % (
            os.path.relpath(path, TOP), len(po), len(missing)))
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
