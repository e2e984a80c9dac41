#!/bin/sh
# SPDX-License-Identifier: EUPL-1.2
# demo.sh — `make demo`: a simulated pilot end to end. Eight weeks of history
# for three sites go in through `lotse-collector --import` (with a fix made
# twelve days ago, and the changes file that records it); then the collector
# serves on its embedded SQLite default and today's traffic arrives as real
# HTTP beacons; the collector is stopped cleanly, the catalogue is checked
# against the traffic, and lotse-report writes the German report of the last
# 28 days against the 28 before, with site names, field labels and the
# changes. Everything stays under demo/ and on loopback.
# Usage: sh scripts/demo.sh BUILD_DIR
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. scripts/collector-port.sh
demo=demo
sites=gladbeck,bottrop,gelsenkirchen
today=$(TZ=Europe/Berlin date +%Y-%m-%d)
yesterday=$(TZ=Europe/Berlin date -d yesterday +%Y-%m-%d)

rm -rf "$demo"
mkdir -p "$demo"
step() { printf '\n== %s\n' "$*"; }

step "1/6 simulating 56 days of the pilot ($sites) up to $yesterday"
python3 scripts/gen_traffic.py --days 56 --end "$yesterday" --sites "$sites" --seed 1 --events 110000 \
	--changes-out "$demo/changes.csv" > "$demo/history.ndjson"
echo "$(wc -l < "$demo/history.ndjson") events generated; changes made meanwhile:"
cat "$demo/changes.csv"

step "2/6 importing the history (lotse-collector --import)"
"$build/lotse-collector" --db "$demo/lotse.db" --sites data/sites.csv --import "$demo/history.ndjson"

step "3/6 starting the collector and sending today's traffic as real HTTP beacons"
"$build/lotse-collector" --db "$demo/lotse.db" --sites data/sites.csv --listen 127.0.0.1:0 \
	--trust-proxy 127.0.0.1/32 2> "$demo/collector.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
port=$(collector_port "$demo/collector.log" "$pid") ||
	{ echo "demo: the collector did not start"; cat "$demo/collector.log"; exit 1; }
echo "collector on http://127.0.0.1:$port (pid $pid)"
python3 scripts/gen_traffic.py --days 1 --end "$today" --sites "$sites" --seed 2 --events 2500 > "$demo/today.ndjson"
python3 scripts/send_beacons.py --port "$port" "$demo/today.ndjson"
curl -s "http://127.0.0.1:$port/healthz"; echo

step "4/6 stopping the collector cleanly (SIGTERM)"
kill -TERM "$pid"
wait "$pid"
trap - EXIT
tail -n 1 "$demo/collector.log"

step "5/6 checking the catalogue's path patterns against the traffic"
"$build/lotse-report" --check-catalog --db "$demo/lotse.db" --services data/services.csv --period last-28-days

step "6/6 writing the report: the last 28 days against the 28 before"
"$build/lotse-report" --db "$demo/lotse.db" --out "$demo/report" --period last-28-days \
	--services data/services.csv --sites data/sites.csv --fields data/fields.csv --changes "$demo/changes.csv"

printf '\nThe report: %s/%s/report/index.html\n' "$top" "$demo"
