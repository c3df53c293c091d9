#!/usr/bin/env bash
# The whole test suite: every module test and scenario on SQLite, then on
# PostgreSQL, and the browser test; ends with one summary line.
# Extra arguments go to pytest (e.g. -k calendar).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/setup.sh" || exit 1
VENV=${ONEWINDOW_VENV:-$top/.venv}
PG_URI=${TRYTOND_DATABASE_URI:-postgresql://postgres@127.0.0.1:5432/}
case "$PG_URI" in
    postgresql://*) ;;
    *) echo "test: TRYTOND_DATABASE_URI must be a postgresql:// URI" >&2; exit 1 ;;
esac

pg_answers() {
    "$VENV/bin/python" - "$PG_URI" <<'PY'
import sys, psycopg2
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
try:
    psycopg2.connect(host=u.hostname or None, port=u.port or 5432,
        user=u.username or None, password=u.password or None,
        dbname='postgres', connect_timeout=3).close()
except psycopg2.Error as e:
    sys.exit(1)
PY
}
if ! pg_answers; then
    echo "test: PostgreSQL does not answer at $PG_URI; starting the local cluster"
    if command -v pg_ctlcluster >/dev/null; then
        for version in $(ls /etc/postgresql 2>/dev/null); do
            pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        done
    fi
    for _ in $(seq 30); do pg_answers && break; sleep 1; done
    if ! pg_answers; then
        echo "test: FAILED: no PostgreSQL answers at $PG_URI and none could be started" >&2
        exit 1
    fi
fi

# The search bar's trigram indexes need pg_trgm: the module update creates
# it in each test database (CREATE EXTENSION IF NOT EXISTS pg_trgm) when the
# server has it; say so when it does not, the trigram tests are then skipped
"$VENV/bin/python" - "$PG_URI" <<'PY'
import sys, psycopg2
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
conn = psycopg2.connect(host=u.hostname or None, port=u.port or 5432,
    user=u.username or None, password=u.password or None, dbname='postgres')
cursor = conn.cursor()
cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
if not cursor.fetchone():
    print("test: PostgreSQL has no pg_trgm extension (the contrib extensions): "
        "the search bar's trigram indexes are not tested")
PY

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
export PYTHONWARNINGS=ignore
rm -f tests/artifacts/figures.txt

# trytond keeps one template database per set of activated modules
# (test-<hash>); the hash does not change with the code, so start afresh.
drop_templates() {
    "$VENV/bin/python" - "$PG_URI" <<'PY'
import re, sys, psycopg2
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
conn = psycopg2.connect(host=u.hostname or None, port=u.port or 5432,
    user=u.username or None, password=u.password or None, dbname='postgres')
conn.autocommit = True
cursor = conn.cursor()
cursor.execute("SELECT datname FROM pg_database")
for name, in cursor.fetchall():
    if re.fullmatch(r'test-[0-9a-f]{20,}', name):
        cursor.execute('DROP DATABASE IF EXISTS "%s"' % name)
PY
}
drop_templates

# The two passes run side by side: each waits much of its time on its
# database or on the servers it starts, so together they take little more
# than the longer one.
#
# A test that does not depend on the pass's database runs in one pass only:
# the attacks over JSON-RPC speak to a trytond server on PostgreSQL (the
# pg_demo_server of tests/conftest.py) whatever the pass, so they run in the
# PostgreSQL pass; the demo data, the browser tests and gunicorn run on
# SQLite databases of their own, so they run in the SQLite pass.  The quick
# benchmark creates its own PostgreSQL database (ONEWINDOW_PG_URI): it runs
# in the SQLite pass, which would end long before the other.
POSTGRESQL_PASS_ONLY="tests/test_rpc_access.py tests/test_rpc_walk.py
    tests/test_rpc_lists.py tests/test_party_scope.py tests/test_bad_input.py
    tests/test_bad_input_fields.py"
SQLITE_PASS_ONLY="tests/test_browser.py tests/test_demo.py
    tests/test_gunicorn.py tests/test_benchmark.py"
ignore() {
    local file
    for file in "$@"; do
        printf -- '--ignore=%s\n' "$file"
    done
}
sqlite_pass() {
    TRYTOND_DATABASE_URI=sqlite:// DB_NAME=:memory: DB_CACHE="$work/cache-sqlite" \
        ONEWINDOW_PG_URI="$PG_URI" \
        "$VENV/bin/python" -m pytest -p no:warnings -q \
        $(ignore $POSTGRESQL_PASS_ONLY) \
        --junitxml="$work/sqlite.xml" "$@"
}
postgresql_pass() {
    TRYTOND_DATABASE_URI="$PG_URI" DB_NAME="test_onewindow_$$" \
        DB_CACHE=postgresql:// \
        "$VENV/bin/python" -m pytest -p no:warnings -q \
        $(ignore $SQLITE_PASS_ONLY) \
        --junitxml="$work/postgresql.xml" "$@"
}
timed() {
    local name=$1; shift
    local begin=$SECONDS
    "$@" > "$work/$name.log" 2>&1
    local rc=$?
    echo "$((SECONDS - begin))" > "$work/$name.seconds"
    return $rc
}
echo "== SQLite (module tests, scenarios, the demo data, the browser tests) and"
echo "== PostgreSQL (module tests, scenarios, the attacks over JSON-RPC), side by side"
timed sqlite sqlite_pass "$@" & sqlite_pid=$!
timed postgresql postgresql_pass "$@" & postgresql_pid=$!
wait $sqlite_pid || status=1
wait $postgresql_pid || status=1
for name in sqlite postgresql; do
    echo "== $name pass"
    cat "$work/$name.log"
done

[ -f tests/artifacts/figures.txt ] && cat tests/artifacts/figures.txt
"$VENV/bin/python" - "$work" "$SECONDS" <<'PY'
import collections, os, sys
import xml.etree.ElementTree as ET
work, total = sys.argv[1], int(sys.argv[2])
passed = failed = skipped = 0
times = []
for name, label in [('sqlite', 'SQLite'), ('postgresql', 'PostgreSQL')]:
    try:
        with open(os.path.join(work, name + '.seconds')) as f:
            times.append('%s %s s' % (label, f.read().strip()))
        root = ET.parse(os.path.join(work, name + '.xml')).getroot()
    except (OSError, ET.ParseError):
        failed += 1
        continue
    files = collections.Counter()
    # One testcase element per test; subtests are not counted.
    for case in root.iter('testcase'):
        parts = (case.get('classname') or '?').split('.')
        for i, part in enumerate(parts):
            if part.startswith(('test_', 'scenario_')):
                parts = parts[:i + 1]
                break
        files['/'.join(parts)] += float(case.get('time') or 0)
        tags = {child.tag for child in case}
        if tags & {'failure', 'error'}:
            failed += 1
        elif 'skipped' in tags:
            skipped += 1
        else:
            passed += 1
    print('%s: slowest files: %s' % (label, ', '.join(
        '%s %.0f s' % (f, t) for f, t in files.most_common(6))))
print("onewindow: %d passed, %d failed, %d skipped (%s; the whole command %s s)"
    % (passed, failed, skipped, ', '.join(times), total))
sys.exit(1 if failed or not passed else 0)
PY
summary=$?
drop_templates
[ "$summary" -eq 0 ] || status=1
exit $status
