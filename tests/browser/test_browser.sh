#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# test_browser.sh — end-to-end test of scripts/lotse.js in Debian's headless
# Chromium against the real collector ($LOTSE_BUILD/lotse-collector, default
# build/). Installs the npm packages pinned in package-lock.json
# (npm-install.sh; never a browser). e2e.js says what is walked and asserted.
# Last line: "browser: N passed, N failed"; exit status 0 only if all passed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${LOTSE_BUILD:-$top/build}
chromium=${CHROMIUM:-/usr/bin/chromium}

fail() {
	echo "not ok - $1"
	echo "browser: 0 passed, 1 failed"
	exit 1
}

[ -x "$build/lotse-collector" ] || fail "no $build/lotse-collector (make all)"
command -v node >/dev/null 2>&1 || fail "node is missing (make test-deps)"
command -v npm >/dev/null 2>&1 || fail "npm is missing (make test-deps)"
command -v python3 >/dev/null 2>&1 || fail "python3 is missing (make deps)"
[ -x "$chromium" ] || fail "$chromium is missing (make test-deps)"

sh "$here/npm-install.sh" || fail "npm ci of the pinned packages failed"

CHROMIUM=$chromium timeout 170 node "$here/e2e.js" "$build"
rc=$?
if [ "$rc" -eq 124 ]; then
	fail "e2e.js timed out after 170 s"
fi
exit "$rc"
