# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The demo database shared by the cross-module tests

It is made the way scripts/demo.sh makes it: trytond-admin activates the
modules with the Chinese language, then scripts/load_demo.py loads the
Wengyuan data."""
import collections
import os
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODULES = ['onewindow_hall', 'onewindow_matters', 'onewindow_approval']

DemoDatabase = collections.namedtuple(
    'DemoDatabase', ['path', 'name', 'config', 'env'])


def clean_environ(**values):
    "The environment without settings that would reach another database"
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_') and k not in {'DB_CACHE', 'DB_NAME'}}
    env.update(values)
    return env


def run(args, env, timeout, what):
    process = subprocess.run(
        [str(a) for a in args], cwd=TOP, env=env, timeout=timeout,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if process.returncode != 0:
        pytest.fail('%s failed (exit %s):\n%s' % (
                what, process.returncode, process.stdout), pytrace=False)
    return process.stdout


@pytest.fixture(scope='session')
def demo_database(tmp_path_factory):
    path = tmp_path_factory.mktemp('demo')
    name = 'wengyuan'
    config = path / 'trytond.conf'
    config.write_text('[database]\nuri = sqlite://\npath = %s\n' % path)
    (path / ('%s.sqlite' % name)).touch()
    passfile = path / 'admin-password'
    passfile.write_text('wengyuan-admin\n')
    env = clean_environ(TRYTONPASSFILE=str(passfile))
    run([BIN / 'trytond-admin', '-c', config, '-d', name,
            '-u', *MODULES, '--activate-dependencies',
            '-l', 'zh_CN', '--email', 'admin@example.com'],
        env, 900, 'trytond-admin')
    run([sys.executable, TOP / 'scripts' / 'load_demo.py',
            '-c', config, '-d', name, '--new'],
        env, 900, 'scripts/load_demo.py')
    return DemoDatabase(path, name, config, env)
