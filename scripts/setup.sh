#!/usr/bin/env bash
# Install everything onewindow needs on a Debian machine: system packages (if missing),
# a virtualenv with the pinned Python packages and the project in editable mode,
# and the Tryton web client (sao).  Safe to run again: it only does what is missing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
VENV=${ONEWINDOW_VENV:-$top/.venv}

debs=(gcc python3-dev libpq-dev postgresql chromium libreoffice-writer-nogui
      fonts-noto-cjk poppler-utils nodejs npm)
missing=()
for deb in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q 'install ok installed' \
        || missing+=("$deb")
done
# The machine may ship node and npm outside Debian's packages.
if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
# PostgreSQL may run from another installation.
if command -v pg_ctlcluster >/dev/null || command -v postgres >/dev/null; then
    missing=("${missing[@]/postgresql}")
fi
# python3-dev is only needed for the system python; pyenv builds ship their headers.
if python3 -c 'import sysconfig,os,sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
    missing=("${missing[@]/python3-dev}")
fi
todo=()
for deb in "${missing[@]}"; do [ -n "$deb" ] && todo+=("$deb"); done
if [ ${#todo[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${todo[*]}"
    SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${todo[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "setup: creating the virtualenv $VENV"
    python3 -m venv "$VENV"
fi
stamp="$VENV/.onewindow-installed"
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
    echo "setup: installing Python packages"
    "$VENV/bin/pip" install -q --upgrade pip setuptools wheel
    "$VENV/bin/pip" install -q -c constraints.txt -e ".[test]"
    touch "$stamp"
fi

"$top/scripts/install_sao.sh"
