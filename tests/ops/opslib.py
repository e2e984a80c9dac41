# SPDX-License-Identifier: EUPL-1.2
"""opslib.py — helpers the operations tests share (tests/ops/test_*.py): the
integration harness (tests/integration/harness.py) on the path, the v1
fixture, a beacon load that records every answer and its latency, CSV
comparison of two report folders. Standard library only."""
import glob
import http.client
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

from harness import (COLLECTOR, REPORTER, UA_FIREFOX_WIN, Collector, Skip, eq,  # noqa: E402,F401
                     import_lines, run_report, run_tests)

FIXTURE_V1 = os.path.join(HERE, "fixtures", "schema-v1.db")
DAY_MS = 86400 * 1000


def fixture_copy(name="v1.db"):
    """A writable copy of the layout-1 fixture in a fresh temporary folder."""
    path = os.path.join(tempfile.mkdtemp(prefix="lotse-ops-"), name)
    shutil.copy(FIXTURE_V1, path)
    return path


def db_version(path):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def db_rows(path, table):
    """Every row of table ordered by id, as a list of tuples."""
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return con.execute("SELECT * FROM %s ORDER BY id" % table).fetchall()
    finally:
        con.close()


def report_csvs(folder):
    """{name: bytes} of every CSV file of a report folder."""
    out = {}
    for p in sorted(glob.glob(os.path.join(folder, "*.csv"))):
        with open(p, "rb") as f:
            out[os.path.basename(p)] = f.read()
    return out


class BeaconLoad:
    """Threads POSTing one-event beacons to a collector as fast as it answers
    (each thread on its own keep-alive connection), until stop(). Records
    every status and the longest answer time, and the ids it sent."""

    def __init__(self, port, threads=4, site="gladbeck", pause=0.0):
        self.port = port
        self.statuses = {}
        self.max_latency = 0.0
        self.latencies = []  # (monotonic start, seconds) of every answered beacon
        self.sent = 0
        self.errors = []
        self.pause = pause
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i, site), daemon=True) for i in range(threads)]

    def start(self):
        for t in self._threads:
            t.start()
        return self

    def _run(self, n, site):
        conn = None
        i = 0
        while not self._stop.is_set():
            i += 1
            body = json.dumps({"site": site, "type": "pageview",
                               "url": "https://www.gladbeck.de/last/t%d/n%d" % (n, i)})
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                t0 = time.monotonic()
                conn.request("POST", "/e", body=body, headers={"Content-Type": "text/plain",
                                                               "User-Agent": UA_FIREFOX_WIN})
                r = conn.getresponse()
                r.read()
                dt = time.monotonic() - t0
            except (OSError, http.client.HTTPException) as e:
                with self._lock:
                    self.errors.append(repr(e))
                conn = None
                continue
            with self._lock:
                self.sent += 1
                self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
                self.max_latency = max(self.max_latency, dt)
                self.latencies.append((t0, dt))
            if self.pause:
                time.sleep(self.pause)

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)
        return self

    def check(self, what, max_latency_s):
        """Every beacon answered 204, no connection error, the longest answer under max_latency_s."""
        if self.errors:
            raise AssertionError("%s: %d connection errors, first %s" % (what, len(self.errors), self.errors[0]))
        if set(self.statuses) != {204}:
            raise AssertionError("%s: answers %r, want only 204" % (what, self.statuses))
        if self.sent < 50:
            raise AssertionError("%s: only %d beacons sent" % (what, self.sent))
        if self.max_latency > max_latency_s:
            raise AssertionError("%s: a beacon waited %.3f s (bound %.1f s)" % (what, self.max_latency,
                                                                               max_latency_s))


def make_db(old_events, recent_events, old_rejects=0):
    """A database of the current layout (made by the collector) with
    old_events events 200 days old, recent_events from the last hour and
    old_rejects rejects 200 days old, in a fresh temporary folder."""
    path = os.path.join(tempfile.mkdtemp(prefix="lotse-ops-"), "lotse.db")
    p = import_lines(path, [])
    eq(p.returncode, 0, p.stderr)
    now = int(time.time() * 1000)
    con = sqlite3.connect(path)
    fill = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) "
            "INSERT INTO events (time, site, type, path, visit, device, browser, os) "
            "SELECT ?2 + i * 10, 'gladbeck', 'pageview', '/seite/' || (i % 700), i % 5000, "
            "'desktop', 'Firefox', 'Windows' FROM n")
    if old_events:
        con.execute(fill, (old_events, now - 200 * DAY_MS))
    if recent_events:
        con.execute(fill, (recent_events, now - 3600 * 1000))
    if old_rejects:
        con.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) "
                    "INSERT INTO rejects (time, reason, site) SELECT ?2 + i, 'step: must be an integer 1..50', "
                    "'gladbeck' FROM n", (old_rejects, now - 200 * DAY_MS))
    con.commit()
    con.close()
    return path


class WalWatch:
    """Samples the size of DB-wal every 10 ms; max_bytes is the largest seen."""

    def __init__(self, db):
        self.path = db + "-wal"
        self.max_bytes = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                self.max_bytes = max(self.max_bytes, os.path.getsize(self.path))
            except OSError:
                pass
            time.sleep(0.01)

    def stop(self):
        self._stop.set()
        self._t.join()
        return self
