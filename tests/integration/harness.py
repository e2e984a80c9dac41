# SPDX-License-Identifier: EUPL-1.2
"""harness.py — shared helpers for the tests that run the real lotse-collector:
start it on an ephemeral loopback port, speak HTTP to it, read its database,
stop it. Also the tiny runner that prints "NAME: N passed, N failed".
Standard library only."""
import http.client
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

BUILD = os.environ.get("LOTSE_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
COLLECTOR = os.path.join(BUILD, "lotse-collector")
REPORTER = os.path.join(BUILD, "lotse-report")

# Real, current User-Agent strings.
UA_FIREFOX_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"
UA_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
UA_GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
UA_HEADLESS = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "HeadlessChrome/131.0.0.0 Safari/537.36")


class Collector:
    """A running collector; use as a context manager or call stop()."""

    def __init__(self, *args, db=None, tmp=None, env=None, wrap=(), start_timeout=15):
        """wrap: a command the collector runs under (e.g. valgrind and its options)."""
        self.tmp = tmp or tempfile.mkdtemp(prefix="lotse-it-")
        self.db = db or os.path.join(self.tmp, "lotse.db")
        self.stderr_path = os.path.join(self.tmp, "collector-%d.log" % time.monotonic_ns())
        self.stderr = open(self.stderr_path, "w+")
        cmd = list(wrap) + [COLLECTOR, "--listen", "127.0.0.1:0", "--db", self.db] + list(args)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.stderr,
                                     stdin=subprocess.DEVNULL, env=env)
        self.port = None
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            text = self.log()
            if "listening on port " in text:
                self.port = int(text.split("listening on port ")[1].split()[0].rstrip(","))
                break
            if self.proc.poll() is not None:
                raise AssertionError("collector exited %s: %s" % (self.proc.returncode, text[-3000:]))
            time.sleep(0.02)
        if self.port is None:
            self.proc.kill()
            raise AssertionError("collector did not start: " + self.log()[-3000:])

    def log(self):
        with open(self.stderr_path) as f:
            return f.read()

    def request(self, method, path, body=None, headers=None, timeout=10):
        """Returns (status, headers dict with lower-case names, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {"User-Agent": UA_FIREFOX_WIN}
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if body is not None:
            h["Content-Type"] = "text/plain;charset=UTF-8"
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        if "set-cookie" in hdrs:
            raise AssertionError("a response carried Set-Cookie")
        conn.close()
        return r.status, hdrs, data

    def post(self, events, headers=None):
        return self.request("POST", "/e", events, headers)

    def query(self, sql, params=()):
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def metric(self, name):
        _, _, body = self.request("GET", "/metrics")
        for line in body.decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        return 0.0

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=timeout)
        self.stderr.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def import_lines(db, lines, *args, name="lines.ndjson", stdin=False, timeout=60):
    """Runs `lotse-collector --db DB --import FILE ARGS`, FILE holding lines
    (dicts as JSON, strings as they are) in a temporary folder under the
    given name; with stdin, the same text goes through standard input
    (`--import -`). Returns the CompletedProcess (text)."""
    text = "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
                   for line in lines)
    src = "-"
    if not stdin:
        src = os.path.join(tempfile.mkdtemp(prefix="lotse-import-"), name)
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
    return subprocess.run([COLLECTOR, "--db", db, "--import", src] + list(args), input=text if stdin else None,
                          capture_output=True, text=True, timeout=timeout)


def database_bytes(db):
    """The bytes of a database's files (the database, its -wal and -shm where they exist), joined."""
    blob = b""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            with open(db + suffix, "rb") as f:
                blob += f.read()
    return blob


def ev(type_="pageview", site="gladbeck", url="https://www.gladbeck.de/", **fields):
    e = {"site": site, "type": type_, "url": url}
    e.update(fields)
    return e


def marker(*numbers):
    """A marker name for load tests made of letters only: numbered names such
    as "k0-1000" hold five digits in digit groups, which redaction rule 5
    stores as "k[zahl]", so a marker must never contain a digit."""
    parts = []
    for n in numbers:
        word = ""
        while True:
            word = "abcdefghijklmnopqrstuvwxyz"[n % 26] + word
            n //= 26
            if n == 0:
                break
        parts.append(word)
    return "m" + "x".join(parts)


def run_report(args, wrap=(), timeout=120, env=None):
    """Runs lotse-report with args (under the command wrap, e.g. valgrind).
    Returns the CompletedProcess with text output."""
    return subprocess.run(list(wrap) + [REPORTER] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=env)


def run_tests(name, namespace):
    """Runs every function test_* of namespace in order; prints the summary
    "NAME: N passed, N failed, N skipped" (a test raising Skip counts as
    neither passed nor failed).
    Temporary files of the run go into one folder that is removed at the end
    (kept with LOTSE_KEEP_TMP=1); it is world-readable so that a collector
    running as another user (--user) can reach its database."""
    base = tempfile.mkdtemp(prefix="lotse-tests-")
    os.chmod(base, 0o755)
    tempfile.tempdir = base
    try:
        _run_all(name, namespace)
    finally:
        tempfile.tempdir = None
        if os.environ.get("LOTSE_KEEP_TMP") != "1":
            shutil.rmtree(base, ignore_errors=True)


class Skip(Exception):
    """Raised by a test that cannot run here; reported as SKIP, never as PASS."""


def _run_all(name, namespace):
    passed = failed = skipped = 0
    for key in sorted(k for k in namespace if k.startswith("test_")):
        fn = namespace[key]
        t0 = time.monotonic()
        try:
            fn()
        except Skip as why:
            skipped += 1
            print("SKIP %s: %s" % (key, why))
        except Exception:  # noqa: BLE001 - a failing test, reported below
            failed += 1
            print("FAIL %s (%.1fs)" % (key, time.monotonic() - t0))
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print("PASS %s (%.1fs)" % (key, time.monotonic() - t0))
        sys.stdout.flush()
    print("%s: %d passed, %d failed, %d skipped" % (name, passed, failed, skipped))
    sys.exit(1 if failed else 0)


def eq(got, want, what=""):
    if got != want:
        raise AssertionError("%s: got %r, want %r" % (what, got, want))
