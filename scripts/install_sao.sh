#!/usr/bin/env bash
# Install the Tryton web client (sao) into <repo>/.sao/, served by trytond with
#   [web] root = <repo>/.sao/package
#
# sao's own postinstall runs `bower install`, which refuses to run as root and needs
# the bower registry.  Instead this script:
#   1. unpacks the npm package tryton-sao at a pinned version into .sao/package/;
#   2. installs sao's own (build) dependencies there without running scripts;
#   3. installs the browser libraries that sao's bower.json asks for from npm, at the
#      exact versions pinned in scripts/sao/package-lock.json (plus playwright-core,
#      the browser driver of tests/browser/, and axe-core, the accessibility
#      checker its portal pages run), into .sao/node_modules/;
#   4. copies those libraries into .sao/package/bower_components/ at the paths that
#      sao's index.html loads, and fails if any file index.html loads is missing.
# Safe to run again: when the stamp matches and every file is there, it does nothing.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
SAO_VERSION=7.0.56
dest="$top/.sao"
pins="$top/scripts/sao"
stamp_file=.onewindow-sao-installed

die() { echo "install_sao: ERROR: $*" >&2; exit 1; }

for tool in node npm; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed (Debian packages nodejs and npm)"
done
[ -f "$pins/package.json" ] && [ -f "$pins/package-lock.json" ] \
    || die "missing $pins/package.json or package-lock.json"

# Anything that changes what gets installed changes the stamp.
stamp=$( { echo "tryton-sao@$SAO_VERSION"; cat "$pins/package.json" "$pins/package-lock.json" "$0"; } \
         | sha256sum | cut -d' ' -f1)

# check DIR: every file that DIR/package/index.html loads (<script src>, <link href>,
# including the fallback written by document.write) and every local url() of sao's
# stylesheets must exist; prints the missing ones and fails if there are any.
check() {
    node - "$1/package" <<'EOF'
const fs = require('fs');
const path = require('path');
const root = process.argv[2];
const index = path.join(root, 'index.html');
if (!fs.existsSync(index)) {
    console.error(`install_sao: ${index} is missing`);
    process.exit(1);
}
const html = fs.readFileSync(index, 'utf8');
const refs = new Set();
const tag = /(?:<|%3c)(script|link)\b[^>]*?\b(src|href)="([^"]+)"/gi;
let m;
while ((m = tag.exec(html)) !== null) {
    if ((m[1].toLowerCase() === 'script') === (m[2].toLowerCase() === 'src')) {
        refs.add(m[3]);
    }
}
if (refs.size < 15) {
    console.error(`install_sao: found only ${refs.size} files loaded by index.html; `
        + 'has its layout changed?');
    process.exit(1);
}
for (const css of ['dist/tryton-sao.min.css', 'dist/tryton-sao.css']) {
    const text = fs.readFileSync(path.join(root, css), 'utf8');
    const url = /url\(\s*["']?([^"')]+)["']?\s*\)/g;
    while ((m = url.exec(text)) !== null) {
        if (!/^(data:|https?:|\/\/|#)/.test(m[1])) {
            refs.add(path.posix.join(path.posix.dirname(css), m[1]));
        }
    }
}
const missing = [...refs].filter(
    (ref) => !/^(https?:|\/\/|data:)/.test(ref)
        && !fs.statSync(path.join(root, ref.replace(/[?#].*$/, '')),
            {throwIfNoEntry: false})?.isFile());
if (missing.length) {
    console.error('install_sao: files loaded by sao are missing:\n  '
        + missing.join('\n  '));
    process.exit(1);
}
EOF
}

# One run at a time (setup.sh and a test may start together).
exec 9<"$0"
flock 9

# index.html loads custom.js for local customisation: the repository's own
custom() {
    cp "$pins/custom.js" "$1/package/custom.js"
}

if [ -f "$dest/$stamp_file" ] && [ "$(cat "$dest/$stamp_file")" = "$stamp" ] \
        && check "$dest" 2>/dev/null; then
    cmp -s "$pins/custom.js" "$dest/package/custom.js" || custom "$dest"
    exit 0
fi

echo "install_sao: installing tryton-sao@$SAO_VERSION into $dest"
rm -rf "$top"/.sao.new.*
work=$(mktemp -d "$top/.sao.new.XXXXXX")
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
quiet=(--no-audit --no-fund --loglevel=error)

# 1. sao itself
( cd "$work" && npm pack "tryton-sao@$SAO_VERSION" "${quiet[@]}" >/dev/null )
tar -xzf "$work/tryton-sao-$SAO_VERSION.tgz" -C "$work"
rm "$work/tryton-sao-$SAO_VERSION.tgz"
[ "$(node -p "require('$work/package/package.json').version")" = "$SAO_VERSION" ] \
    || die "the unpacked package is not tryton-sao $SAO_VERSION"

# 2. sao's own dependencies (grunt and friends, to rebuild dist/ if ever needed);
#    --ignore-scripts skips its `bower install`.
( cd "$work/package" && npm install --omit=dev --legacy-peer-deps --ignore-scripts "${quiet[@]}" )

# 3. the browser libraries, playwright-core and axe-core, exactly as locked
cp "$pins/package.json" "$pins/package-lock.json" "$work/"
( cd "$work" && npm ci --ignore-scripts "${quiet[@]}" )

# 4. bower_components/<bower name> = the npm package of the same library.  (bower.json
#    also lists bootstrap-rtl-ondemand, which index.html does not load.)
bower="$work/package/bower_components"
mkdir -p "$bower"
for lib in jquery bootstrap moment gettext.js c3 d3 papaparse fullcalendar mousetrap \
           sortablejs:Sortable; do
    npm_name=${lib%%:*}
    bower_name=${lib##*:}
    [ -d "$work/node_modules/$npm_name" ] || die "npm package $npm_name was not installed"
    cp -a "$work/node_modules/$npm_name" "$bower/$bower_name"
done
# The bower release of d3 5 has d3.min.js at its top; the npm one keeps it in dist/.
cp "$bower/d3/dist/d3.min.js" "$bower/d3/d3.min.js"
# index.html loads custom.js and custom.css for local customisation.
custom "$work"
[ -f "$work/package/custom.css" ] || echo '/* Local customisation of sao (none). */' > "$work/package/custom.css"

check "$work" || die "sao would not be fully installed (see above); $dest is left as it was"
echo "$stamp" > "$work/$stamp_file"
rm -rf "$dest"
mv "$work" "$dest"
trap - EXIT
echo "install_sao: done; serve it with [web] root = $dest/package"
