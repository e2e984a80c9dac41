#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# bench.sh — `make bench`: measures lotse-collector against nginx and
# lotse-report against GoAccess on this machine, on loopback only, bounded in
# time, and prints one table plus docs/performance.md-ready Markdown and a
# gnuplot chart of the reporter's time against the number of events.
#
#  1. Ingestion: wrk POSTs lotse.js-style beacons (one event, then batches of
#     10) at 16, 64 and 256 connections, alternating runs of the collector
#     (--durability full, --rate-limit 0) and of nginx answering `return 204`
#     with its access log. After each collector run, every answered event must
#     be in the database: the benchmark fails otherwise.
#  2. Reporting: 10^4, 10^5, 10^6 (10^7 with BENCH_LARGE=1) events of pilot
#     traffic over 30 days, loaded with --import and reported with
#     lotse-report; on the 10^6 set GoAccess reads the same traffic as a
#     combined-format access log.
#  3. lotse.js (part "js"): the main-thread time the script costs a page at
#     load and on heavy DOM updates, with and without it in the same run, in
#     headless Chromium (scripts/bench/lotse_js_cost.js; needs the browser
#     tests' npm packages, which tests/browser/npm-install.sh installs).
#  4. Operations (BENCH_PARTS=ops, not in the default parts): answer times of
#     beacons at about 200/s while lotse-report --backup and --prune (1.5 M
#     old events) run (scripts/bench/ops.py).
#  5. Abuse (BENCH_PARTS=abuse; scripts/bench/abuse.py): legitimate beacons'
#     latency while 5 000 idle sockets, 2 000 slowloris connections or 1 000
#     never-ending chunked bodies are held, from source addresses of
#     127.0.0.0/8, against a baseline without attack.
#  6. ClickHouse (BENCH_PARTS=clickhouse; scripts/bench/clickhouse.py): the
#     same traffic (10^6 events; 10^7 too with BENCH_LARGE=1) imported into
#     SQLite and into a ClickHouse server of its own, reported from both
#     (all of it, and one site's week) and read by GoAccess, in one run.
#
# Usage: sh scripts/bench.sh BUILD_DIR (after `make bench-deps`, which `make
# bench` runs: wrk, nginx-light, goaccess, time and the build packages)
# Knobs (environment): BENCH_SECONDS (per wrk run, default 5), BENCH_ROUNDS
# (collector/nginx alternations per setting, default 3), BENCH_CONNECTIONS
# ("16 64 256"), BENCH_PARTS ("ingest report js abuse clickhouse"), BENCH_LARGE=1,
# BENCH_CH_SIZES (events of the clickhouse part, default 1000000), BENCH_OUT
# (default BUILD_DIR/bench), BENCH_THREADS (collector --threads, default its own),
# BENCH_JS_ROUNDS (lotse.js rounds, default 15), LOTSE_JS_B (a second lotse.js
# to measure beside the current one, e.g. the previous version).
# It does not tune the machine and does not judge the targets by itself: the
# summary prints each target with its measured ratio.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/collector-port.sh
build=$(cd "$build" && pwd)
out=${BENCH_OUT:-$build/bench}
seconds=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
conns_list=${BENCH_CONNECTIONS:-"16 64 256"}
parts=${BENCH_PARTS:-"ingest report js abuse clickhouse"}
sizes="10000 100000 1000000"
[ "${BENCH_LARGE:-0}" = 1 ] && sizes="$sizes 10000000"
collector="$build/lotse-collector"
reporter="$build/lotse-report"
bench=scripts/bench
results="$out/results.jsonl"
failed=0

mkdir -p "$out"
: > "$results"
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi' EXIT
t_start=$(date +%s)
note() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# A free loopback port (there is a small race until the server binds it).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Sums a number read from /proc/PID/FILE by an awk program over a process and
# its children (nginx: master + workers).
sum_over_tree() { # pid file awk-program
	total=0
	for p in "$1" $(pgrep -P "$1" || true); do
		v=$(awk "$3" "/proc/$p/$2" 2>/dev/null || echo 0)
		total=$((total + ${v:-0}))
	done
	echo "$total"
}

# Peak RSS in KiB of a process and its children.
peak_rss() { sum_over_tree "$1" status '/^VmHWM:/ {print $2}'; }

# CPU time in clock ticks used so far by a process and its children (threads included).
cpu_ticks() { sum_over_tree "$1" stat '{print $14 + $15}'; }
hz=$(getconf CLK_TCK)

# Ends a process we started: SIGTERM, then at most 20 s, then SIGKILL.
stop_pid() {
	kill -TERM "$1" 2>/dev/null || true
	for _ in $(seq 1 200); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null || true
	rc=0
	wait "$1" 2>/dev/null || rc=$?
	return "$rc"
}

wait_port() { # pid port
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$2/" && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

run_wrk() { # batch conns port file
	BENCH_BATCH=$1 timeout $((seconds + 30)) wrk -t2 -c"$2" -d"${seconds}s" --timeout 5s --latency \
		-s "$bench/beacon.lua" "http://127.0.0.1:$3/e" > "$4" 2>&1 || true
	grep '^BENCH ' "$4" | sed 's/^BENCH //' | tail -n 1
}

# The server at pid did not start: show its logs (files), mark the run failed, stop it.
start_failed() { # what pid log...
	what=$1 spid=$2
	shift 2
	note "$what did not start:"; cat "$@" >&2; failed=1
	stop_pid "$spid" || true
}

# Runs wrk against the server at pid; sets w (wrk's summary), rss (peak KiB) and cpu (seconds).
measure_wrk() { # pid batch conns port dir
	t0=$(cpu_ticks "$1")
	w=$(run_wrk "$2" "$3" "$4" "$5/wrk.out")
	rss=$(peak_rss "$1")
	cpu=$(echo "$(( $(cpu_ticks "$1") - t0 )) $hz" | awk '{printf "%.2f", $1 / $2}')
}

run_nginx() { # batch conns round
	d="$out/nginx"
	rm -rf "$d"
	mkdir -p "$d/tmp"
	port=$(free_port)
	sed -e "s#@DIR@#$d#g" -e "s#@PORT@#$port#g" "$bench/nginx.conf.in" > "$d/nginx.conf"
	nginx -c "$d/nginx.conf" -p "$d" -e "$d/nginx-error.log" 2>"$d/stderr" &
	pid=$!
	if ! wait_port "$pid" "$port"; then
		start_failed nginx "$pid" "$d/stderr" "$d/nginx-error.log"
		return
	fi
	measure_wrk "$pid" "$1" "$2" "$port" "$d"
	stop_pid "$pid" || true
	logged=$(wc -l < "$d/nginx-access.log" 2>/dev/null || echo 0)
	echo "{\"part\":\"ingest\",\"server\":\"nginx\",\"batch\":$1,\"conns\":$2,\"round\":$3,\"rss_kib\":$rss,\"cpu_s\":$cpu,\"logged\":$logged,\"wrk\":${w:-null}}" >> "$results"
}

run_collector() { # batch conns round [durability]
	durability=${4:-full}
	d="$out/collector"
	rm -rf "$d"
	mkdir -p "$d"
	threads=""
	[ -n "${BENCH_THREADS:-}" ] && threads="--threads $BENCH_THREADS"
	: > "$d/collector.log"
	# shellcheck disable=SC2086
	"$collector" --listen 127.0.0.1:0 --db "$d/bench.db" --rate-limit 0 --durability "$durability" \
		--max-connections-per-ip 0 $threads 2> "$d/collector.log" &
	pid=$!
	if ! port=$(collector_port "$d/collector.log" "$pid"); then
		start_failed "the collector" "$pid" "$d/collector.log"
		return
	fi
	measure_wrk "$pid" "$1" "$2" "$port" "$d"
	# The collector's own account of its group commits (time includes the fdatasync).
	commits=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | awk '
		/^lotse_commit_seconds_sum / {s = $2} /^lotse_commit_seconds_count / {n = $2}
		/^lotse_commit_events_total / {e = $2}
		END {printf "{\"seconds\":%s,\"count\":%s,\"events\":%s}", s + 0, n + 0, e + 0}')
	rc=0
	stop_pid "$pid" || rc=$?
	# -1 when the database cannot be read: the check below then fails loudly.
	stored=$(sqlite3 "$d/bench.db" 'SELECT count(*) FROM events' 2>/dev/null || echo -1)
	rejects=$(sqlite3 "$d/bench.db" 'SELECT count(*) FROM rejects' 2>/dev/null || echo -1)
	server=collector
	[ "$durability" = full ] || server="collector-$durability"
	echo "{\"part\":\"ingest\",\"server\":\"$server\",\"batch\":$1,\"conns\":$2,\"round\":$3,\"rss_kib\":$rss,\"cpu_s\":$cpu,\"commits\":$commits,\"exit\":$rc,\"stored\":$stored,\"rejects\":$rejects,\"wrk\":${w:-null}}" >> "$results"
	# Every event answered 2xx must be stored. In-flight requests when wrk
	# stopped may be stored without wrk having counted their answer.
	if ! tail -n 1 "$results" | python3 "$bench/summarize.py" --verify; then
		failed=1
		cp "$d/collector.log" "$out/collector-failed-$1-$2-$3.log"
	fi
	rm -f "$d"/bench.db*
}

if echo "$parts" | grep -q ingest; then
	# The floor under every durable commit, measured now on the same disk.
	python3 "$bench/fsync_probe.py" "$out" >> "$results"
	for batch in 1 10; do
		for c in $conns_list; do
			r=1
			while [ "$r" -le "$rounds" ]; do
				note "ingest: batch $batch, $c connections, round $r/$rounds"
				# Alternate which server goes first, so that drift of the
				# machine's load does not favour one of them.
				if [ $((r % 2)) -eq 1 ]; then
					run_collector "$batch" "$c" "$r"
					run_nginx "$batch" "$c" "$r"
				else
					run_nginx "$batch" "$c" "$r"
					run_collector "$batch" "$c" "$r"
				fi
				# For information, not a target: the same without an fsync per
				# commit, i.e. what the HTTP and parsing path costs.
				[ "$c" = 64 ] && [ "$r" = 1 ] && run_collector "$batch" "$c" "$r" normal
				r=$((r + 1))
			done
		done
	done
fi

# --- reporting -----------------------------------------------------------------
# Seeded and with a fixed last day, so that every run reports the same traffic.
gen_traffic() { # events file
	python3 scripts/gen_traffic.py --events "$1" --days 30 --end 2026-11-15 --seed 7 > "$2"
}

if echo "$parts" | grep -q report; then
	d="$out/report"
	mkdir -p "$d"
	for n in $sizes; do
		traffic="$d/traffic-$n.ndjson"
		if [ ! -s "$traffic" ] || [ "$traffic" -ot scripts/gen_traffic.py ] 2>/dev/null; then
			note "report: generating $n events"
			gen_traffic "$n" "$traffic.tmp"
			mv "$traffic.tmp" "$traffic"
		fi
		lines=$(wc -l < "$traffic")
		rm -f "$d/r-$n.db" "$d/r-$n.db-wal" "$d/r-$n.db-shm"
		note "report: importing $lines lines"
		imp=$(python3 "$bench/measure.py" --timeout 900 --stdout "$d/import-$n.out" -- \
			"$collector" --import "$traffic" --db "$d/r-$n.db" 2> "$d/import-$n.err")
		imported=$(sed -n 's/.*imported \([0-9]*\).*/\1/p' "$d/import-$n.err" "$d/import-$n.out" | tail -n 1)
		note "report: lotse-report on $n events"
		rm -rf "$d/out-$n"
		rep=$(python3 "$bench/measure.py" --timeout 900 -- \
			"$reporter" --db "$d/r-$n.db" --out "$d/out-$n" --quiet)
		rep_nc=$(python3 "$bench/measure.py" --timeout 900 -- \
			"$reporter" --db "$d/r-$n.db" --out "$d/out-nc-$n" --quiet --no-charts)
		# Summed PSS from a run of its own: sampling costs CPU the timed runs must not lose.
		rep_pss=$(python3 "$bench/measure.py" --pss --timeout 900 -- \
			"$reporter" --db "$d/r-$n.db" --out "$d/out-pss-$n" --quiet)
		dbsize=$(stat -c %s "$d/r-$n.db")
		echo "{\"part\":\"report\",\"events\":$n,\"lines\":$lines,\"imported\":${imported:-0},\"db_bytes\":$dbsize,\"import\":$imp,\"report\":$rep,\"report_no_charts\":$rep_nc,\"report_pss\":$rep_pss}" >> "$results"
		if [ "$n" = 1000000 ]; then
			note "report: GoAccess on the same $n events as a combined access log"
			python3 "$bench/to_combined.py" < "$traffic" > "$d/access-$n.log"
			ga=$(python3 "$bench/measure.py" --timeout 900 -- \
				goaccess "$d/access-$n.log" --log-format=COMBINED --no-global-config \
				-o "$d/goaccess-$n.html" 2> "$d/goaccess-$n.err")
			ga_pss=$(python3 "$bench/measure.py" --pss --timeout 900 -- \
				goaccess "$d/access-$n.log" --log-format=COMBINED --no-global-config \
				-o "$d/goaccess-pss-$n.html" 2>> "$d/goaccess-$n.err")
			echo "{\"part\":\"goaccess\",\"events\":$n,\"lines\":$(wc -l < "$d/access-$n.log"),\"run\":$ga,\"run_pss\":$ga_pss}" >> "$results"
			rm -f "$d/access-$n.log"
		fi
		rm -f "$d/r-$n.db" "$d/r-$n.db-wal" "$d/r-$n.db-shm"
	done
fi

if echo "$parts" | grep -q js; then
	note "js: lotse.js's main-thread cost in headless Chromium"
	if sh tests/browser/npm-install.sh >&2 &&
		timeout 900 node "$bench/lotse_js_cost.js" "${BENCH_JS_ROUNDS:-15}" > "$out/js.jsonl"; then
		cat "$out/js.jsonl" >> "$results"
		cat "$out/js.jsonl"
	else
		note "js: the measurement failed"
		failed=1
	fi
fi

# --- operations: beacons during the backup and the prune -----------------------
if echo "$parts" | grep -q ops; then
	note "ops: backup and prune of 1.5 M old events under 200 beacons/s"
	python3 "$bench/ops.py" "$build" >> "$results" || failed=1
fi

if echo "$parts" | grep -q abuse; then
	note "abuse: legitimate beacons beside held connections"
	python3 "$bench/abuse.py" "$collector" "$out/abuse" >> "$results" || failed=1
fi

if echo "$parts" | grep -q clickhouse; then
	ch_sizes=${BENCH_CH_SIZES:-1000000}
	[ "${BENCH_LARGE:-0}" = 1 ] && [ -z "${BENCH_CH_SIZES:-}" ] && ch_sizes="1000000 10000000"
	note "clickhouse: SQLite against ClickHouse (18.16) on $ch_sizes events"
	# shellcheck disable=SC2086
	python3 "$bench/clickhouse.py" "$build" "$out/clickhouse" $ch_sizes >> "$results" || failed=1
fi

note "bench took $(( $(date +%s) - t_start )) s"
python3 "$bench/summarize.py" "$results" "$out" || failed=1
if [ "$failed" -ne 0 ]; then
	echo "bench: FAILED (see above: a run did not start, or answered events are missing from the database)" >&2
	exit 1
fi
