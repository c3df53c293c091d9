# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A trytond server process that a test starts, stops and kills"""
import os
import signal
import subprocess

from .conftest import BIN, TOP, clean_environ, free_port, wait_for_port

LOGCONF = '''[formatters]
keys=simple

[handlers]
keys=file

[loggers]
keys=root,dispatcher,transaction

[formatter_simple]
format=%%(asctime)s %%(levelname)s %%(name)s %%(message)s

[handler_file]
class=FileHandler
args=(%(path)r, 'a')
formatter=simple

[logger_root]
level=WARNING
handlers=file

[logger_dispatcher]
level=DEBUG
handlers=file
qualname=trytond.protocols.dispatcher
propagate=0

[logger_transaction]
level=DEBUG
handlers=file
qualname=trytond.transaction
propagate=0
'''


class Server:
    """A trytond server on database of the PostgreSQL of uri

    Its log counts the calls retried after a conflict ("Retry: n")."""

    def __init__(self, path, uri, database, config=''):
        self.path = path
        self.uri = uri
        self.database = database
        self.port = free_port()
        self.url = 'http://127.0.0.1:%s' % self.port
        self.config = path / 'trytond.conf'
        self.config.write_text(
            '[database]\nuri = %s\npath = %s\n\n'
            '[web]\nlisten = 127.0.0.1:%s\n\n%s' % (
                uri, path, self.port, config))
        self.log = path / 'trytond.log'
        self.logconf = path / 'logging.conf'
        self.logconf.write_text(LOGCONF % {'path': str(self.log)})
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        with (self.path / 'trytond.out').open('a') as output:
            self.process = subprocess.Popen(
                [str(BIN / 'trytond'), '-c', str(self.config),
                    '--logconf', str(self.logconf)],
                cwd=TOP, env=clean_environ(), stdout=output,
                stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process, self.log)
        return self

    def kill(self):
        "Kill the server at once, as a crash would (kill -9)"
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def retries(self):
        "Return the number of calls retried after a conflict"
        if not self.log.exists():
            return 0
        with self.log.open(errors='replace') as log:
            return sum(1 for line in log if 'Retry: ' in line)
