#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# campaign.sh — a long fuzzing campaign over libFuzzer targets, counting what
# ran: for each target, JOBS parallel jobs (one per core) of RUNS executions
# each, bounded by SECONDS per job, on a scratch corpus seeded from the
# checked-in one. Prints "NAME: EXECS executions in S s, N findings" per target
# (the numbers docs/testing.md records). Findings (crash-*, leak-*, timeout-*,
# oom-*) are left in WORK/NAME/ for triage: each one becomes a corpus entry.
#   sh tests/fuzz/campaign.sh WORK RUNS SECONDS JOBS build/fuzz/fuzz_NAME...
# MAXLEN=N in the environment caps generated inputs (-max_len; longer inputs
# stay covered by the checked-in corpus, which make test replays).
set -u
work=$1 runs=$2 secs=$3 jobs=$4
maxlen=${MAXLEN:+-max_len=$MAXLEN}
shift 4
top=$(cd "$(dirname "$0")/../.." && pwd)
for bin in "$@"; do
	name=${bin##*/fuzz_}
	dir=$work/$name
	mkdir -p "$dir/corpus"
	bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
	t0=$(date +%s)
	(cd "$dir" && "$bin" -jobs="$jobs" -workers="$jobs" -runs="$runs" -max_total_time="$secs" \
		-print_final_stats=1 -artifact_prefix="$dir/" -rss_limit_mb=2048 -timeout=10 $maxlen \
		corpus "$top/tests/fuzz/corpus/$name" >/dev/null 2>&1)
	t1=$(date +%s)
	execs=$(cat "$dir"/fuzz-*.log | sed -n 's/^stat::number_of_executed_units: *//p' |
		awk '{ s += $1 } END { print s + 0 }')
	finds=$(ls "$dir" | grep -cE '^(crash|leak|timeout|oom|slow-unit)-')
	echo "$name: $execs executions in $((t1 - t0)) s, $finds findings"
done
