# SPDX-License-Identifier: EUPL-1.2
"""test_collector.py — lotse-collector with --db clickhouse://… against the
tests' own server (one server shared by the tests of this file, a database
each): --import stores exactly the rows it stores in SQLite; a served
beacon is answered 204 only when its rows are in ClickHouse; tables are
created when absent and a table of other columns is refused naming the
column; the user's password comes from the environment, the URL from the
--config file too; and under load, a ClickHouse that crashes or stalls
costs 503s with Retry-After, never an acknowledged event, and the
collector recovers by itself when it is back."""
import atexit
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from chserver import Server  # noqa: E402
from harness import COLLECTOR, Collector, ev, eq, import_lines, run_tests  # noqa: E402

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
GEN = os.path.join(TOP, "scripts", "gen_traffic.py")
SITES = os.path.join(TOP, "data", "sites.csv")

_server = None


def server():
    """The file's one server, started on first use."""
    global _server
    if _server is None:
        _server = Server().start()
        atexit.register(_server.stop)
    return _server


def fresh_db(name):
    srv = server()
    srv.query("DROP DATABASE IF EXISTS %s" % name)
    srv.query("CREATE DATABASE %s" % name)
    return srv.url(name)


def traffic(days=3, events=6000, seed=5):
    """Demo traffic (gen_traffic.py) with a few hostile lines, as a file."""
    out = subprocess.run([sys.executable, GEN, "--days", str(days), "--end", "2025-03-31", "--events", str(events),
                          "--seed", str(seed)], capture_output=True, text=True, check=True).stdout
    extra = [
        {"time": "2025-03-30T01:59:59+01:00", "client": "192.0.2.9", "ua": "Mozilla/5.0 (X11; Linux x86_64) "
         "Gecko/20100101 Firefox/125.0", "event": ev("search", q="Grüße\ttab \\ back'slash", results=0)},
        {"time": "2025-03-30T03:00:00+02:00", "client": "192.0.2.9",
         "event": ev("flow_step", service="hund", step=50, step_name="Prüfen & Zahlen", flow="abcdefgh-12")},
        {"time": "2025-03-30T03:00:01+02:00", "client": "192.0.2.9", "event": ev("flow_step", step="2")},
        {"time": "2025-03-30T03:00:02+02:00", "client": "192.0.2.9",
         "event": ev("engagement", ms=86400000, ref="https://www.example.org/x?y=1")},
        {"time": "2025-03-30T03:00:03+02:00", "client": "192.0.2.9",
         "event": ev("outlink", href="https://[2001:db8::1]:8443/a/b")},
        {"time": "2025-03-30T03:00:04+02:00", "client": "192.0.2.9",
         "event": ev("js_error", message="TypeError /js/a.js:1:2")},
    ]
    path = os.path.join(tempfile.mkdtemp(prefix="lotse-ch-"), "traffic.ndjson")
    with open(path, "w", encoding="utf-8") as f:
        f.write(out)
        for e in extra:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    return path


def imported(db, path, *args):
    p = subprocess.run([COLLECTOR, "--db", db, "--sites", SITES, "--import", path] + list(args),
                       capture_output=True, text=True, timeout=300)
    eq(p.returncode, 0, p.stderr)
    return p.stdout


COLS = ("time, site, type, path, ref, visit, device, browser, os, service, flow, step, step_name, field, error, q, "
        "results, href, rating, reason, ms, message, target")


def sqlite_rows(db, sql):
    import sqlite3
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return sorted(tuple(None if v is None else str(v) for v in row) for row in con.execute(sql))
    finally:
        con.close()


def test_import_stores_the_rows_sqlite_stores():
    path = traffic()
    sq = os.path.join(tempfile.mkdtemp(prefix="lotse-ch-"), "lotse.db")
    url = fresh_db("t_import")
    # Without visit keys every column is deterministic, so the rows must be equal one for one.
    out_sqlite = imported(sq, path, "--visit-key", "off")
    out_ch = imported(url, path, "--visit-key", "off")
    eq(out_ch, out_sqlite, "import summary")
    assert out_ch.startswith("imported ") and ", rejected " in out_ch, out_ch
    srv = server()
    got = sorted(srv.rows("SELECT %s FROM t_import.events" % COLS))
    want = sqlite_rows(sq, "SELECT %s FROM events" % COLS)
    eq(len(got), len(want), "rows")
    assert len(got) > 3000, len(got)
    eq(got, want, "every column of every event")
    eq(sorted(srv.rows("SELECT time, reason, site, type, path FROM t_import.rejects")),
       sqlite_rows(sq, "SELECT time, reason, site, type, path FROM rejects"), "rejects")
    # With visit keys (a random salt per day and import): the same visits, other numbers.
    url2 = fresh_db("t_import_keys")
    imported(url2, path)
    sq2 = sq + "-keys"
    imported(sq2, path)
    per_day = "SELECT site, count(DISTINCT visit) FROM events GROUP BY site"
    eq(sorted(srv.rows(per_day.replace("events", "t_import_keys.events").replace("count(DISTINCT visit)",
                                                                                 "uniqExact(visit)"))),
       sqlite_rows(sq2, per_day), "distinct visit keys per site")


def test_import_db_copies_a_sqlite_database_as_stored():
    path = traffic(days=2, events=3000, seed=8)
    sq = os.path.join(tempfile.mkdtemp(prefix="lotse-ch-"), "lotse.db")
    imported(sq, path)  # with visit keys: a salt of its own, gone after the import
    url = fresh_db("t_copy")
    p = subprocess.run([COLLECTOR, "--db", url, "--import-db", sq], capture_output=True, text=True, timeout=300)
    eq(p.returncode, 0, p.stderr)
    n = sqlite_rows(sq, "SELECT count(*) FROM events")[0][0]
    r = sqlite_rows(sq, "SELECT count(*) FROM rejects")[0][0]
    eq(p.stdout, "copied %s events and %s rejects\n" % (n, r), "summary")
    eq(p.stderr, "", "nothing to warn about")
    srv = server()
    # Every column, the visit keys included (SQLite keeps their 64 bits signed, ClickHouse unsigned).
    got = sorted(srv.rows("SELECT %s FROM t_copy.events" % COLS.replace("visit,", "toInt64(visit),")))
    eq(got, sqlite_rows(sq, "SELECT %s FROM events" % COLS), "every column of every event")
    eq(sorted(srv.rows("SELECT time, reason, site, type, path FROM t_copy.rejects")),
       sqlite_rows(sq, "SELECT time, reason, site, type, path FROM rejects"), "rejects")
    # Into another SQLite database too (several collectors' files into one).
    sq2 = sq + "-copy"
    p = subprocess.run([COLLECTOR, "--db", sq2, "--import-db", sq], capture_output=True, text=True, timeout=300)
    eq(p.returncode, 0, p.stderr)
    eq(sqlite_rows(sq2, "SELECT %s FROM events" % COLS), sqlite_rows(sq, "SELECT %s FROM events" % COLS),
       "copied into SQLite")
    p = subprocess.run([COLLECTOR, "--db", url, "--import-db", sq, "--import", "-"], capture_output=True, text=True,
                       timeout=60)
    eq(p.returncode, 2, "--import and --import-db")


def test_served_beacon_is_in_clickhouse_when_answered():
    url = fresh_db("t_serve")
    srv = server()
    with Collector("--rate-limit", "0", db=url) as c:
        eq(c.post(ev(url="https://www.gladbeck.de/a/b?q=1"))[0], 204, "one event")
        # Answered means stored: no waiting before the query.
        eq(srv.rows("SELECT site, type, path FROM t_serve.events"), [("gladbeck", "pageview", "/a/b")], "row")
        st, _, body = c.post([ev("search", q="Hund anmelden", results=3), ev("flow_step", service="hund", step="2"),
                              ev("feedback", rating=9)])
        eq(st, 400, "a batch with invalid events")
        eq(json.loads(body)["accepted"], 1, "accepted")
        eq(srv.rows("SELECT q, results FROM t_serve.events WHERE type = 'search'"), [("hund anmelden", "3")], "search")
        eq(sorted(srv.rows("SELECT reason, type FROM t_serve.rejects")),
           [("rating: must be an integer 1..5", "feedback"), ("step: must be an integer 1..50", "flow_step")],
           "rejects")
        st, _, body = c.request("GET", "/healthz")
        eq(st, 200, "healthz")
        eq(json.loads(body)["status"], "ok", "healthz body")
        eq(c.metric('lotse_events_stored_total{site="gladbeck",type="pageview"}'), 1.0, "stored pageviews in /metrics")
        eq(c.metric('lotse_events_stored_total{site="gladbeck",type="search"}'), 1.0, "stored searches in /metrics")
        eq(c.stop(), 0, "clean stop")


def test_tables_created_when_absent_and_other_columns_refused():
    url = fresh_db("t_tables")
    srv = server()
    p = subprocess.run([COLLECTOR, "--db", url, "--import", "-"], input="", capture_output=True, text=True,
                       timeout=60)
    eq(p.returncode, 0, p.stderr)
    eq(srv.rows("SELECT name, engine FROM system.tables WHERE database = 't_tables' ORDER BY name"),
       [("events", "MergeTree"), ("rejects", "MergeTree")], "tables")
    eq([r[0] for r in srv.rows("SELECT name FROM system.columns WHERE database = 't_tables' AND table = 'events'")],
       [c.strip() for c in COLS.split(",")], "columns in fields.def order")
    # A column of another type: refused, naming it.
    srv.query("CREATE DATABASE IF NOT EXISTS t_bad")
    srv.query("DROP TABLE IF EXISTS t_bad.events")
    srv.query("CREATE TABLE t_bad.events (time Int64, site String, type String, path String, ref Nullable(String), "
              "visit Nullable(UInt64), device Nullable(String), browser Nullable(String), os Nullable(String), "
              "service Nullable(String), flow Nullable(String), step Nullable(Int32)) ENGINE = MergeTree() ORDER BY time")
    p = subprocess.run([COLLECTOR, "--db", srv.url("t_bad"), "--import", "-"], input="", capture_output=True,
                       text=True, timeout=60)
    eq(p.returncode, 1, "exit")
    assert "t_bad.events: column step is Nullable(Int32), Lotse writes Nullable(UInt8)" in p.stderr, p.stderr
    srv.query("ALTER TABLE t_bad.events MODIFY COLUMN step Nullable(UInt8)")
    p = subprocess.run([COLLECTOR, "--db", srv.url("t_bad"), "--import", "-"], input="", capture_output=True,
                       text=True, timeout=60)
    eq(p.returncode, 1, "exit")
    assert "has no column step_name: add it with ALTER TABLE t_bad.events ADD COLUMN step_name Nullable(String)" \
        in p.stderr, p.stderr
    # Another table name from the URL.
    url = srv.url("t_tables", table="ev2", rejects="rj2")
    p = subprocess.run([COLLECTOR, "--db", url, "--import", "-"], input=json.dumps(
        {"time": "2025-01-01T10:00:00Z", "event": ev()}) + "\n", capture_output=True, text=True, timeout=60)
    eq(p.returncode, 0, p.stderr)
    eq(srv.value("SELECT count() FROM t_tables.ev2"), "1", "?table=")
    eq(srv.value("SELECT count() FROM system.tables WHERE database = 't_tables' AND name = 'rj2'"), "1", "?rejects=")


def test_user_password_from_environment_and_url_from_config():
    url = fresh_db("t_user")
    srv = server()
    line = json.dumps({"time": "2025-01-01T10:00:00Z", "event": ev()}) + "\n"
    env = dict(os.environ, LOTSE_CLICKHOUSE_PASSWORD=srv.password)
    conf = os.path.join(tempfile.mkdtemp(prefix="lotse-ch-"), "lotse.conf")
    with open(conf, "w") as f:
        f.write("[collector]\ndb = %s?user=lotse\n" % url)
    p = subprocess.run([COLLECTOR, "--config", conf, "--import", "-"], input=line, capture_output=True, text=True,
                       timeout=60, env=env)
    eq(p.returncode, 0, p.stderr)
    eq(srv.value("SELECT count() FROM t_user.events"), "1", "stored as user lotse")
    env["LOTSE_CLICKHOUSE_PASSWORD"] = "wrong"
    p = subprocess.run([COLLECTOR, "--config", conf, "--import", "-"], input=line, capture_output=True, text=True,
                       timeout=60, env=env)
    eq(p.returncode, 1, "wrong password")
    assert "Wrong password for user lotse" in p.stderr and "wrong" not in p.stderr.replace("Wrong", ""), p.stderr
    p = subprocess.run([COLLECTOR, "--db", url + "?password=x", "--import", "-"], input=line, capture_output=True,
                       text=True, timeout=60)
    eq(p.returncode, 1, "a password in the URL")
    assert "never a password in the URL" in p.stderr, p.stderr


class Sender(threading.Thread):
    """Posts batches of pageviews with unique paths as fast as answers come;
    keeps the paths of every batch answered 204, and counts the statuses."""

    def __init__(self, port, name):
        super().__init__(daemon=True)
        self.port = port
        self.name_ = name
        self.acked = []
        self.statuses = {}
        self.retry_after = 0
        self.stop = False
        self.seq = 0

    def run(self):
        import http.client
        conn = None
        while not self.stop:
            paths = ["/load/%s/%d" % (self.name_, self.seq + i) for i in range(5)]
            self.seq += 5
            body = json.dumps([ev(url="https://www.gladbeck.de" + p) for p in paths])
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("POST", "/e", body=body, headers={"Content-Type": "text/plain"})
                r = conn.getresponse()
                r.read()
                st = r.status
                if st == 503 and r.getheader("Retry-After"):
                    self.retry_after += 1
            except OSError:
                conn = None
                st = 0
            self.statuses[st] = self.statuses.get(st, 0) + 1
            if st == 204:
                self.acked += paths
            elif st != 0:
                time.sleep(0.01)


def test_outage_under_load_loses_nothing_acknowledged():
    url = fresh_db("t_outage")
    srv = server()
    with Collector("--rate-limit", "0", "--queue", "256", db=url) as c:
        senders = [Sender(c.port, "s%d" % i) for i in range(3)]
        for s in senders:
            s.start()

        def acked():
            return sum(len(s.acked) for s in senders)

        def wait_acked_beyond(n, what, timeout=30):
            deadline = time.monotonic() + timeout
            while acked() <= n + 1000:
                assert time.monotonic() < deadline, "%s: no beacons answered 204 (%r)" % (
                    what, [s.statuses for s in senders])
                time.sleep(0.05)

        wait_acked_beyond(0, "before")
        # The server crashes: beacons are refused, 503 with Retry-After; /healthz says so.
        srv.crash()
        time.sleep(1.5)
        before = acked()
        time.sleep(1.0)
        eq(acked(), before, "nothing acknowledged while ClickHouse is down")
        st, hdrs, _ = c.request("GET", "/healthz")
        eq(st, 503, "healthz while down")
        srv.restart()
        wait_acked_beyond(before, "after the restart")
        st, _, _ = c.request("GET", "/healthz")
        eq(st, 200, "healthz after the restart")
        # The server stalls (answers nothing): each insert gives up after the store's bound (5 s).
        srv.pause()
        time.sleep(7)
        before = acked()
        time.sleep(0.5)
        eq(acked(), before, "nothing acknowledged while ClickHouse stalls")
        srv.resume()
        wait_acked_beyond(before, "after the stall")
        for s in senders:
            s.stop = True
        for s in senders:
            s.join(30)
        eq(c.stop(), 0, "clean stop")
    statuses = {}
    for s in senders:
        for k, v in s.statuses.items():
            statuses[k] = statuses.get(k, 0) + v
    assert statuses.get(503, 0) > 0, statuses
    assert sum(s.retry_after for s in senders) == statuses[503], (statuses, [s.retry_after for s in senders])
    stored = set(r[0] for r in srv.rows("SELECT path FROM t_outage.events"))
    lost = [p for s in senders for p in s.acked if p not in stored]
    eq(lost[:5], [], "acknowledged events missing from ClickHouse (of %d)" % acked())
    print("outage: %d events acknowledged, all stored; statuses %r; %d rows (answered 503 may be stored too)"
          % (acked(), statuses, len(stored)))


if __name__ == "__main__":
    run_tests("clickhouse/test_collector", globals())
