#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# run-suite.sh — runs one browser suite: `sh run-suite.sh NAME SCRIPT.js
# SECONDS` checks what it needs (the collector in $LOTSE_BUILD, default build/;
# node, npm, python3, Debian's chromium), installs the npm packages pinned in
# package-lock.json (npm-install.sh; never a browser), then runs
# `node SCRIPT.js BUILD` for at most SECONDS. The suite's last line is
# "NAME: N passed, N failed"; exit status 0 only if all passed.
set -u
name=$1
script=$2
seconds=$3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${LOTSE_BUILD:-$top/build}
chromium=${CHROMIUM:-/usr/bin/chromium}

fail() {
	echo "not ok - $1"
	echo "$name: 0 passed, 1 failed"
	exit 1
}

[ -x "$build/lotse-collector" ] || fail "no $build/lotse-collector (make all)"
command -v node >/dev/null 2>&1 || fail "node is missing (make test-deps)"
command -v npm >/dev/null 2>&1 || fail "npm is missing (make test-deps)"
command -v python3 >/dev/null 2>&1 || fail "python3 is missing (make deps)"
[ -x "$chromium" ] || fail "$chromium is missing (make test-deps)"

sh "$here/npm-install.sh" || fail "npm ci of the pinned packages failed"

CHROMIUM=$chromium timeout "$seconds" node "$here/$script" "$build"
rc=$?
if [ "$rc" -eq 124 ]; then
	fail "$script timed out after $seconds s"
fi
exit "$rc"
