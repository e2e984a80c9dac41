#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# run.sh — runs every test suite against each build directory given
# (e.g. `sh tests/run.sh build build/asan`) and ends with the grand total
# "N passed, N failed". Suites:
#   BUILD/tests/test_*             unit-test programs (tests/unit)
#   BUILD/tests/replay_NAME        fuzz corpus tests/fuzz/corpus/NAME replayed
#   tests/integration/test_*.py    the real collector over HTTP
#   tests/report/test_*.py         data-driven reporter cases
#   tests/ops/test_*.py            operations: migration, prune, backup, nginx
#   tests/clickhouse/test_*.py     the tests' own ClickHouse servers (chserver.py)
#   tests/browser/test_*.sh        real Chromium (first build only: slow)
#   tests/html/test_*.sh           the report's pages in Chromium (first build only)
#   tests/package/test_*.py        the Debian package, reproducible build (first build only)
# Every suite prints "NAME: N passed, N failed" as its last summary line; a
# suite that exits non-zero without failures counted, or prints no summary,
# is counted as one failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
total_pass=0
total_fail=0
failed_suites=""

run_suite() { # label command...
	label=$1
	shift
	out=$(mktemp)
	"$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	counts=$(grep -E '^[^ ]*:? ?[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1 |
		grep -oE '[0-9]+ passed, [0-9]+ failed')
	rm -f "$out"
	p=$(echo "$counts" | awk '{ print $1 }')
	f=$(echo "$counts" | awk '{ print $3 }')
	p=${p:-0}
	f=${f:-0}
	# A crash or a missing summary counts as one failure, however both came.
	if [ -z "$counts" ]; then
		echo "SUITE $label printed no summary line (exit $rc)"
		f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "SUITE $label exited $rc"
		f=1
	fi
	[ "$f" -gt 0 ] && failed_suites="$failed_suites $label"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

first=1
for b in "$@"; do
	b=$(cd "$b" && pwd)
	echo "=== build $b"
	for t in "$b"/tests/test_*; do
		[ -x "$t" ] || continue
		run_suite "$(basename "$b")/$(basename "$t")" "$t"
	done
	for r in "$b"/tests/replay_*; do
		[ -x "$r" ] || continue
		name=${r##*/replay_}
		set -- "$top"/tests/fuzz/corpus/"$name"/*
		[ -e "$1" ] || { echo "no corpus for $name"; total_fail=$((total_fail + 1)); continue; }
		run_suite "$(basename "$b")/replay_$name" "$r" "$@"
	done
	dirs="tests/integration tests/report tests/ops tests/clickhouse"
	[ $first -eq 1 ] && dirs="$dirs tests/browser tests/html tests/package"
	for d in $dirs; do
		for t in "$d"/test_*.py "$d"/test_*.sh; do
			[ -f "$t" ] || continue
			case "$t" in
			*.py) run_suite "$(basename "$b")/$t" env LOTSE_BUILD="$b" python3 "$t" ;;
			*.sh) run_suite "$(basename "$b")/$t" env LOTSE_BUILD="$b" sh "$t" ;;
			esac
		done
	done
	first=0
done
[ -n "$failed_suites" ] && echo "failed suites:$failed_suites"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
