# SPDX-License-Identifier: EUPL-1.2
# collector-port.sh — sourced by demo.sh and bench.sh: collector_port LOG PID
# waits (up to 10 s) for the collector's "listening on port N" line in LOG
# and prints N; it prints nothing when the process PID exits first or time
# runs out. The log line is the collector's contract for port 0.
collector_port() { # log pid
	for _ in $(seq 1 100); do
		_port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$1" 2>/dev/null || true)
		[ -n "$_port" ] && { echo "$_port"; return 0; }
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
