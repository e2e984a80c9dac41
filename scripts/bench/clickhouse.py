#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""clickhouse.py — `make bench` part "clickhouse": SQLite against ClickHouse
on the same traffic, in one run (issue 16, SCALE.md's targets).

Usage: clickhouse.py BUILD_DIR OUT_DIR EVENTS [EVENTS ...]

For each size: the pilot traffic of the report part (gen_traffic.py, 30
days, seed 7; reused from OUT_DIR/../report when it is there) is imported
by lotse-collector --import into a SQLite file and into a ClickHouse
server of its own (and the SQLite file copied into it with --import-db) (tests/clickhouse/chserver.py: Debian's 18.16, on free
loopback ports, max_threads 2), then lotse-report writes the same reports
from both:
  all      every site and day, with the catalogue, --sites and --fields
           (--no-charts: gnuplot's fixed cost is the same for both);
  week     one site's last complete week (--site gelsenkirchen --period
           last-week): what a city's nightly report reads, a small part of
           the table — SQLite reads its whole events table for it (no index
           on time, docs/schema.md), ClickHouse one range of its key;
and GoAccess reads the same traffic as a combined access log. The CSV
files of both stores are compared (same_csv). Prints one JSON line per
size with wall seconds, the ClickHouse server's CPU seconds during each
run, and the load average (the machine is shared). Measures; judges
nothing (summarize.py prints the targets).
"""
import filecmp
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(TOP, "tests", "clickhouse"))
from chserver import Server  # noqa: E402

DATA = os.path.join(TOP, "data")
CATALOGUE = ["--services", os.path.join(DATA, "services.csv"), "--sites", os.path.join(DATA, "sites.csv"),
             "--fields", os.path.join(DATA, "fields.csv")]
REPORTS = {
    "all": CATALOGUE + ["--no-charts"],
    "week": CATALOGUE + ["--no-charts", "--site", "gelsenkirchen", "--period", "last-week", "--today", "2026-11-16"],
}


def measure(cmd, timeout=3600, stdout=None):
    """measure.py's JSON record of one run of cmd."""
    args = [sys.executable, os.path.join(HERE, "measure.py"), "--timeout", str(timeout)]
    if stdout:
        args += ["--stdout", stdout]
    out = subprocess.run(args + ["--"] + cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def server_cpu_s(srv):
    """CPU seconds the ClickHouse server used so far (user + system, all threads)."""
    with open("/proc/%d/stat" % srv.proc.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def with_server_cpu(srv, cmd, **kw):
    c0 = server_cpu_s(srv)
    rec = measure(cmd, **kw)
    rec["server_cpu_s"] = round(server_cpu_s(srv) - c0, 2)
    return rec


def traffic(out, n):
    """The report part's traffic file of n events (made when absent)."""
    shared = os.path.join(out, "..", "report", "traffic-%d.ndjson" % n)
    if os.path.exists(shared) and os.path.getsize(shared) > 0:
        return shared
    path = os.path.join(out, "traffic-%d.ndjson" % n)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        with open(path + ".tmp", "w") as f:
            subprocess.run([sys.executable, os.path.join(TOP, "scripts", "gen_traffic.py"), "--events", str(n),
                            "--days", "30", "--end", "2026-11-15", "--seed", "7"], stdout=f, check=True)
        os.rename(path + ".tmp", path)
    return path


def same_csv(a, b):
    names = sorted(f for f in os.listdir(a) if f.endswith(".csv"))
    if names != sorted(f for f in os.listdir(b) if f.endswith(".csv")):
        return False
    return all(filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False) for f in names)


def imported(path):
    with open(path) as f:
        text = f.read()
    return int(text.split("imported ")[1].split(",")[0]) if "imported " in text else 0


def main(argv):
    build, out = argv[0], argv[1]
    sizes = [int(x) for x in argv[2:]]
    collector, reporter = os.path.join(build, "lotse-collector"), os.path.join(build, "lotse-report")
    os.makedirs(out, exist_ok=True)
    srv = Server(name="bench", query_memory=8 << 30, tmp=out).start()
    try:
        for n in sizes:
            src = traffic(out, n)
            rec = {"part": "clickhouse", "events": n, "load_before": loadavg()}
            db = os.path.join(out, "ch-%d.db" % n)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            name = "bench%d" % n
            srv.query("DROP DATABASE IF EXISTS %s" % name)
            srv.query("CREATE DATABASE %s" % name)
            url = srv.url(name)
            so = os.path.join(out, "import-%d.out" % n)
            rec["import_sqlite"] = measure([collector, "--import", src, "--db", db], stdout=so)
            rec["imported"] = imported(so)
            rec["import_clickhouse"] = with_server_cpu(srv, [collector, "--import", src, "--db", url], stdout=so)
            rec["imported_clickhouse"] = imported(so)
            # Moving a SQLite file's events into ClickHouse as they are stored (--import-db).
            srv.query("CREATE DATABASE %s_copy" % name)
            rec["copy_clickhouse"] = with_server_cpu(srv, [collector, "--import-db", db, "--db", srv.url(name + "_copy")])
            srv.query("DROP DATABASE %s_copy" % name)
            rec["db_bytes"] = os.path.getsize(db)
            rec["clickhouse_bytes"] = int(srv.value("SELECT sum(bytes_on_disk) FROM system.parts WHERE database = "
                                                    "'%s' AND active" % name))
            # Let the background merges of the import finish, so that they are not in the report's time.
            srv.query("OPTIMIZE TABLE %s.events FINAL" % name, timeout=3600)
            for kind, args in REPORTS.items():
                outs = {}
                for store, target in (("sqlite", db), ("clickhouse", url)):
                    o = outs[store] = os.path.join(out, "report-%s-%s-%d" % (kind, store, n))
                    shutil.rmtree(o, ignore_errors=True)
                    cmd = [reporter, "--db", target, "--out", o, "--quiet"] + args
                    rec["%s_%s" % (kind, store)] = (with_server_cpu(srv, cmd) if store == "clickhouse"
                                                    else measure(cmd))
                rec["%s_same_csv" % kind] = same_csv(outs["sqlite"], outs["clickhouse"])
                for o in outs.values():
                    shutil.rmtree(o, ignore_errors=True)
            log = os.path.join(out, "access-%d.log" % n)
            with open(src) as fin, open(log, "w") as fout:
                subprocess.run([sys.executable, os.path.join(HERE, "to_combined.py")], stdin=fin, stdout=fout,
                               check=True)
            rec["goaccess"] = measure(["goaccess", log, "--log-format=COMBINED", "--no-global-config", "-o",
                                       os.path.join(out, "goaccess-%d.html" % n)])
            os.remove(log)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            srv.query("DROP DATABASE %s" % name)
            rec["load_after"] = loadavg()
            rec["clickhouse_version"] = srv.value("SELECT version()")
            print(json.dumps(rec), flush=True)
    finally:
        srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
