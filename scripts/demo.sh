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
    pass=$(mktemp)
    ticker=
    trap 'rm -f "$pass"; [ -z "$ticker" ] || kill "$ticker" 2>/dev/null || true' EXIT
    echo "${ONEWINDOW_ADMIN_PASSWORD:-wengyuan-admin}" > "$pass"
    echo "demo: activating the modules (trytond-admin, about 70 s of CPU)"
    start=$SECONDS
    # trytond-admin says nothing until it ends: tell how long it has run
    (while sleep 15; do
        echo "demo: activating the modules, $((SECONDS - start)) s"
    done) &
    ticker=$!
    TRYTONPASSFILE="$pass" "$VENV/bin/trytond-admin" -c "$conf" -d "$DB" \
        -u $MODULES --activate-dependencies -l zh_CN \
        --email admin@example.com
    kill "$ticker" 2>/dev/null || true
    echo "demo: modules activated in $((SECONDS - start)) s"
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
