#!/usr/bin/env bash
# The Wengyuan demo hall: install what is missing, create (or update) the
# SQLite database, load the demo data and serve the web client on
# http://127.0.0.1:8000.
#
#   scripts/demo.sh            keep an existing database (update it)
#   scripts/demo.sh --reset    drop the demo database and start again
#   scripts/demo.sh --no-serve prepare everything but do not start the server
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
reset=0; serve=1
for arg in "$@"; do
    case "$arg" in
        --reset) reset=1 ;;
        --no-serve) serve=0 ;;
        *) echo "usage: $0 [--reset] [--no-serve]" >&2; exit 2 ;;
    esac
done
"$top/scripts/setup.sh"
VENV=${ONEWINDOW_VENV:-$top/.venv}
DATA=${ONEWINDOW_DATA:-$top/data}
DB=${ONEWINDOW_DB:-wengyuan}
LISTEN=${ONEWINDOW_LISTEN:-127.0.0.1:8000}
MODULES="onewindow_hall onewindow_matters onewindow_approval onewindow_evaluation onewindow_portal"
mkdir -p "$DATA"
conf="$DATA/trytond.conf"
cat > "$conf" <<CONF
[database]
uri = sqlite://
path = $DATA

[web]
listen = $LISTEN
root = $top/.sao/package

[session]
authentications = password
CONF
# The demo is for SQLite only: the environment must not point elsewhere.
unset TRYTOND_DATABASE_URI
if [ "$reset" -eq 1 ]; then
    rm -f "$DATA/$DB.sqlite"
fi
new=
if [ ! -f "$DATA/$DB.sqlite" ]; then
    new=--new
    echo "demo: creating the database $DB"
    touch "$DATA/$DB.sqlite"
    # trytond-admin activates the modules once for each content of the
    # modules, the packages installed and the administrator's password: the
    # activated database is kept in $DATA and copied for the next --reset
    # (ONEWINDOW_DEMO_CACHE=0 activates again, and keeps nothing)
    key=$(ONEWINDOW_MODULES="$MODULES" "$VENV/bin/python" - "$top" <<'PY'
import hashlib, importlib.metadata, os, sys
top = sys.argv[1]
digest = hashlib.sha256()
digest.update(os.environ['ONEWINDOW_MODULES'].encode())
digest.update(os.environ.get(
        'ONEWINDOW_ADMIN_PASSWORD', 'wengyuan-admin').encode())
for dist in sorted('%s %s' % (d.metadata['Name'], d.version)
        for d in importlib.metadata.distributions()):
    digest.update(dist.encode())
for root, dirs, files in os.walk(os.path.join(top, 'modules')):
    dirs[:] = sorted(d for d in dirs if d != '__pycache__')
    for name in sorted(files):
        if name.endswith('.pyc'):
            continue
        path = os.path.join(root, name)
        digest.update(os.path.relpath(path, top).encode())
        with open(path, 'rb') as fp:
            digest.update(fp.read())
print(digest.hexdigest()[:16])
PY
)
    cached="$DATA/$DB.activated-$key"
    if [ "${ONEWINDOW_DEMO_CACHE:-1}" != 0 ] && [ -f "$cached" ]; then
        cp "$cached" "$DATA/$DB.sqlite"
        echo "demo: modules activated: a copy of the database that trytond-admin activated with the same modules and packages ($(basename "$cached"))"
    else
        pass=$(mktemp)
        ticker=
        trap 'rm -f "$pass"; [ -z "$ticker" ] || kill "$ticker" 2>/dev/null || true' EXIT
        echo "${ONEWINDOW_ADMIN_PASSWORD:-wengyuan-admin}" > "$pass"
        echo "demo: activating the modules (trytond-admin, about 25 s of CPU)"
        start=$SECONDS
        # trytond-admin says nothing until it ends: tell how long it has run
        (while sleep 10; do
            echo "demo: activating the modules, $((SECONDS - start)) s"
        done) &
        ticker=$!
        TRYTONPASSFILE="$pass" "$VENV/bin/trytond-admin" -c "$conf" -d "$DB" \
            -u $MODULES --activate-dependencies -l zh_CN \
            --email admin@example.com
        kill "$ticker" 2>/dev/null || true
        echo "demo: modules activated in $((SECONDS - start)) s"
        if [ "${ONEWINDOW_DEMO_CACHE:-1}" != 0 ]; then
            rm -f "$DATA/$DB".activated-*
            cp "$DATA/$DB.sqlite" "$cached.tmp" && mv "$cached.tmp" "$cached"
        fi
    fi
else
    echo "demo: updating the database $DB"
    "$VENV/bin/trytond-admin" -c "$conf" -d "$DB" --all
fi
"$VENV/bin/python" "$top/scripts/load_demo.py" -c "$conf" -d "$DB" $new
if [ "$serve" -eq 1 ]; then
    echo "demo: serving http://$LISTEN/#$DB (logins in README.md; Ctrl-C stops)"
    echo "demo: online hall http://$LISTEN/$DB/portal/"
    exec "$VENV/bin/trytond" -c "$conf"
fi
