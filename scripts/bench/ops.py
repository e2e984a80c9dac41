#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""ops.py — the `make bench` part "ops" (BENCH_PARTS=ops): how long beacons
wait while lotse-report --backup and --prune run against a busy collector.
A database like the one of issue 14 (1.5 M events older than the retention,
plus recent ones) is served by the real collector under a steady beacon load
(about 200 requests/s, one event each, four keep-alive connections); the
backup, then the prune run while every beacon's answer time is recorded.
Prints one JSON line per run for results.jsonl, with the beacons' answer
times (p50, p99, max) before and during each run, the answers other than 204,
and the largest WAL. The target (OPERATIONS.md): no beacon over 100 ms, no 503.
Usage: ops.py BUILD_DIR [OLD_EVENTS]"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "ops"))
os.environ["LOTSE_BUILD"] = os.path.abspath(sys.argv[1])
from opslib import BeaconLoad, Collector, WalWatch, make_db, run_report  # noqa: E402

OLD = int(sys.argv[2]) if len(sys.argv) > 2 else 1500000
PAUSE = 0.02  # per connection after each answer: about 200 requests/s over four


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def window(load, t0, t1):
    """Answer times (ms) of the beacons sent between t0 and t1."""
    return [dt * 1000 for start, dt in load.latencies if t0 <= start < t1]


def summary(ms):
    return {"n": len(ms), "p50_ms": percentile(ms, 0.5), "p99_ms": percentile(ms, 0.99),
            "max_ms": max(ms) if ms else None}


def run(what, args, db, load, wrap=()):
    wal = WalWatch(db)
    t0 = time.monotonic()
    p = run_report(args, timeout=3600, wrap=wrap)
    t1 = time.monotonic()
    wal.stop()
    return {"part": "ops", "run": what, "exit": p.returncode, "seconds": round(t1 - t0, 2),
            "output": (p.stdout + p.stderr).strip()[-300:], "during": summary(window(load, t0, t1)),
            "wal_max_bytes": wal.max_bytes}


def main():
    db = make_db(OLD, 20000, old_rejects=20000)
    size = os.path.getsize(db)
    dest = os.path.join(os.path.dirname(db), "backup.db")
    with Collector("--rate-limit", "0", db=db) as c:
        load = BeaconLoad(c.port, threads=4, pause=PAUSE).start()
        t0 = time.monotonic()
        time.sleep(5)
        base = summary(window(load, t0, time.monotonic()))
        # As the units run them: the backup with low CPU and I/O priority, the prune without.
        niced = ["nice", "-n", "10", "ionice", "-c", "3"]
        results = [run("backup", ["--backup", dest, "--db", db], db, load, wrap=niced),
                   run("prune", ["--prune", "--db", db], db, load)]
        t1 = time.monotonic()
        load.stop()
        c.stop()
    rate = len(window(load, t0, t1)) / (t1 - t0)
    for r in results:
        r.update({"old_events": OLD, "db_bytes": size, "rate_per_s": round(rate), "baseline": base,
                  "statuses": {str(k): v for k, v in load.statuses.items()}, "errors": len(load.errors)})
        print(json.dumps(r))
    subprocess.run(["rm", "-rf", os.path.dirname(db)])


main()
