#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# test_html_browser.sh — the report's pages in Debian's headless Chromium:
# axe-core finds no accessibility violation, the page does not scroll
# sideways at 390 px, every chart loads and printing hides nothing
# (pages.js says what is checked). Makes a report of simulated pilot
# traffic (with a comparison period, site names, field labels and the
# changes gen_traffic.py made) with $LOTSE_BUILD (default build/). Installs playwright-core and
# axe-core (pinned in package-lock.json) into tests/html/node_modules with
# npm when they are missing or other versions; it never downloads a browser.
# Last line: "html-browser: N passed, N failed"; exit 0 only if all passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${LOTSE_BUILD:-$top/build}
chromium=${CHROMIUM:-/usr/bin/chromium}

fail() {
	echo "not ok - $1"
	echo "html-browser: 0 passed, 1 failed"
	exit 1
}

[ -x "$build/lotse-collector" ] && [ -x "$build/lotse-report" ] || fail "no $build/lotse-report (make all)"
command -v node >/dev/null 2>&1 || fail "node is missing (make test-deps)"
command -v npm >/dev/null 2>&1 || fail "npm is missing (make test-deps)"
command -v gnuplot >/dev/null 2>&1 || fail "gnuplot is missing (make deps)"
[ -x "$chromium" ] || fail "$chromium is missing (make test-deps)"

version_of() { # package: the version installed in node_modules, or nothing
	sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$here/node_modules/$1/package.json" 2>/dev/null | head -n 1
}
wanted_of() { # package: the version pinned in package.json
	sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$here/package.json" | head -n 1
}
if [ "$(version_of playwright-core)" != "$(wanted_of playwright-core)" ] ||
	[ "$(version_of axe-core)" != "$(wanted_of axe-core)" ]; then
	(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 300 \
		npm ci --no-audit --no-fund --loglevel=error) ||
		fail "npm ci of playwright-core and axe-core failed"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$top/scripts/gen_traffic.py" --days 28 --end 2026-11-29 --sites gladbeck,bottrop,gelsenkirchen \
	--events 20000 --seed 5 --changes-out "$work/changes.csv" >"$work/traffic.ndjson" || fail "gen_traffic.py failed"
"$build/lotse-collector" --db "$work/lotse.db" --import "$work/traffic.ndjson" >"$work/import.log" 2>&1 ||
	fail "import failed: $(tail -n 1 "$work/import.log")"
"$build/lotse-report" --db "$work/lotse.db" --out "$work/report" --services "$top/data/services.csv" \
	--sites "$top/data/sites.csv" --fields "$top/data/fields.csv" --changes "$work/changes.csv" \
	--from 2026-11-16 --to 2026-11-29 --compare-from 2026-11-02 --compare-to 2026-11-15 --quiet ||
	fail "lotse-report failed"

CHROMIUM=$chromium timeout 300 node "$here/pages.js" "$work/report"
rc=$?
[ "$rc" -eq 124 ] && fail "pages.js timed out after 300 s"
exit "$rc"
