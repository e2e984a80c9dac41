#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# run-fuzz.sh — runs libFuzzer targets for a while each and keeps what they
# learn: usage `sh tests/fuzz/run-fuzz.sh SECONDS BIN...` (what `make fuzz`
# calls). Each build/fuzz/fuzz_NAME runs for SECONDS on a copy of
# tests/fuzz/corpus/NAME; new inputs that add coverage are merged back into
# that directory, crashers are kept in it as crash-* and fail the run. It
# prints one line per target with its execution count. It does not build the
# targets (make does) and does not minimise the corpus.
set -u
if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS BIN..." >&2
	exit 2
fi
secs=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
failed=0
summary=""
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	corpus="$top/tests/fuzz/corpus/$name"
	mkdir -p "$corpus"
	work=$(mktemp -d)
	cp -R "$corpus"/. "$work"/ 2>/dev/null
	log="$work.log"
	echo "=== $name: ${secs}s on $(ls "$work" | wc -l) seeds"
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$corpus/" "$work" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	tail -n 5 "$log"
	if [ "$rc" -ne 0 ]; then
		echo "$name: FAILED (exit $rc), artifacts in $corpus; log: $log"
		failed=1
	else
		"$bin" -merge=1 "$corpus" "$work" >/dev/null 2>&1
		rm -f "$log"
	fi
	rm -rf "$work"
	summary="$summary$name: ${execs:-?} executions in ${secs}s
"
done
printf '%s' "$summary"
exit $failed
