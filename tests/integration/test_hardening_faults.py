# SPDX-License-Identifier: EUPL-1.2
"""test_hardening_faults.py — the database failing under the collector
(issue 6, "Faults"): disk full on a small tmpfs, a write lock held by another
process. Each time the collector answers 503
with Retry-After, never crashes, never answers 204 for an event it did not
commit, and recovers by itself (/healthz 200, posts 204) once the fault is
gone. /healthz says 503 below --min-free before a write fails. SIGTERM
while the database is locked by another process, or while a commit stalls
(a frozen file system), under keep-alive load: every waiting request is
answered (503), the collector exits 1 with a message, never by a signal,
and every event answered 204 is in the database. Also: the reporter runs while the collector writes, and neither
disturbs the other. (A corrupt or foreign --db is refused at start: see
test_collector.py, test_bad_database_files; a database on a read-only mount
likewise, here.) Mounting needs root: without it
those tests say SKIP and are not counted as passed."""
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time

from harness import COLLECTOR, Collector, eq, ev, marker, run_report
from harness import Skip, run_tests


def can_mount():
    return os.geteuid() == 0


class Tmpfs:
    """A small tmpfs mounted on a fresh temporary directory; unmounted on exit."""

    def __init__(self, size):
        self.path = tempfile.mkdtemp(prefix="lotse-tmpfs-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0755" % size, "tmpfs", self.path],
                       check=True, capture_output=True)

    def remount(self, opts):
        subprocess.run(["mount", "-o", "remount,%s" % opts, self.path], check=True, capture_output=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for _ in range(50):
            if subprocess.run(["umount", self.path], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        os.rmdir(self.path)


def fill(path, limit_mb=64):
    """Writes path until the file system is full; returns the bytes written."""
    block = b"\0" * 65536
    n = 0
    with open(path, "wb", buffering=0) as f:
        while n < limit_mb << 20:
            try:
                n += f.write(block)
            except OSError:
                break
        try:
            while f.write(b"\0" * 512):  # the last partial block
                n += 512
        except OSError:
            pass
    return n


def health(c):
    st, h, _ = c.request("GET", "/healthz")
    return st, h


def wait_healthy(c, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if health(c)[0] == 200:
            return True
        time.sleep(0.2)
    return False


class Ledger:
    """Posts numbered marker events and remembers which were answered 204."""

    def __init__(self, c):
        self.c = c
        self.n = 0
        self.acked = []
        self.codes = {}

    def post(self):
        name = marker(self.n)
        self.n += 1
        st, h, _ = self.c.post([ev(step_name=name), ev(step_name=name + "b")])
        self.codes[st] = self.codes.get(st, 0) + 1
        if st == 204:
            self.acked.append(name)
        elif st == 503:
            assert int(h.get("retry-after", "0")) >= 1, "503 without Retry-After: %r" % h
        else:
            raise AssertionError("unexpected status %d" % st)
        return st

    def check_all_acked_stored(self):
        stored = {r[0] for r in self.c.query("SELECT step_name FROM events")}
        missing = [a for a in self.acked if a not in stored or a + "b" not in stored]
        eq(missing, [], "events answered 204 but not in the database")
        # And nothing half-stored: each pair is whole.
        singles = [s for s in stored if s and not s.endswith("b") and s + "b" not in stored]
        eq(singles, [], "half a batch stored")


def fault_cycle(c, make_fault, clear_fault, what, posts=6, recover_s=10):
    """Healthy posts, then the fault (503s, no crash), then recovery."""
    led = Ledger(c)
    for _ in range(3):
        eq(led.post(), 204, "%s: before the fault" % what)
    make_fault()
    during = [led.post() for _ in range(posts)]
    assert 503 in during, "%s: no 503 during the fault: %r" % (what, during)
    assert c.proc.poll() is None, "%s: collector died: %s" % (what, c.log()[-2000:])
    st, h = health(c)
    eq(st, 503, "%s: /healthz during the fault" % what)
    assert int(h.get("retry-after", "0")) >= 1, h
    clear_fault()
    assert wait_healthy(c, recover_s), "%s: /healthz did not recover: %s" % (what, c.log()[-1500:])
    for _ in range(3):
        eq(led.post(), 204, "%s: after recovery" % what)
    led.check_all_acked_stored()
    print("  %s: %r" % (what, led.codes))
    return led


def test_disk_full_503_then_recovery():
    if not can_mount():
        raise Skip("mounting a tmpfs needs root")
    with Tmpfs("4m") as fs:
        filler = os.path.join(fs.path, "filler")
        with Collector("--rate-limit", "0", "--min-free", "0", db=os.path.join(fs.path, "lotse.db")) as c:
            def make():
                fill(filler)

            def clear():
                os.unlink(filler)
            fault_cycle(c, make, clear, "disk full", posts=30)
            assert "database write failed" in c.log(), "the failure is logged"
            eq(c.stop(), 0, "clean exit")


def test_disk_full_at_start_is_a_clear_error():
    if not can_mount():
        raise Skip("mounting a tmpfs needs root")
    with Tmpfs("64k") as fs:
        fill(os.path.join(fs.path, "filler"))
        r = subprocess.run([COLLECTOR, "--db", os.path.join(fs.path, "l.db"),
                            "--listen", "127.0.0.1:0"], capture_output=True, text=True, timeout=30)
        eq(r.returncode, 1, "exit status: " + r.stderr)
        assert "l.db" in r.stderr and len(r.stderr.strip().splitlines()) >= 1, r.stderr


def test_read_only_file_system_is_a_clear_error_at_start():
    """Linux refuses to remount a file system read-only while the collector
    holds its files open for writing, so "unwritable" is tested at start: a
    database on a read-only mount is refused with exit 1 and a reason naming
    it (not served with a 503 forever); writable again, it serves."""
    if not can_mount():
        raise Skip("mounting a tmpfs needs root")
    with Tmpfs("16m") as fs:
        db = os.path.join(fs.path, "lotse.db")
        with Collector("--rate-limit", "0", db=db) as c:
            eq(c.post(ev())[0], 204, "stored before")
            eq(c.stop(), 0, "clean exit")
        fs.remount("ro")
        r = subprocess.run([COLLECTOR, "--db", db, "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                           timeout=30)
        eq(r.returncode, 1, "exit on a read-only database: " + r.stderr)
        assert db in r.stderr, r.stderr
        fs.remount("rw")
        with Collector("--rate-limit", "0", db=db) as c:
            eq(c.post(ev())[0], 204, "stored after")
            eq(c.query("SELECT count(*) FROM events")[0][0], 2, "both events")
            eq(c.stop(), 0, "clean exit")


def test_database_locked_503_then_recovery():
    with Collector("--rate-limit", "0") as c:
        holder = {}

        def lock():
            con = sqlite3.connect(c.db, timeout=5, isolation_level=None)
            con.execute("BEGIN EXCLUSIVE")
            con.execute("INSERT INTO rejects (time, reason) VALUES (0, 'test lock')")
            holder["con"] = con

        def unlock():
            holder["con"].execute("ROLLBACK")
            holder["con"].close()
        # Each post waits for SQLite's busy timeout (2 s) before its 503.
        fault_cycle(c, lock, unlock, "database locked", posts=3)
        eq(c.query("SELECT count(*) FROM rejects WHERE reason='test lock'")[0][0], 0, "lock holder rolled back")
        eq(c.stop(), 0, "clean exit")


def test_healthz_503_below_min_free():
    with Collector("--min-free", str(1 << 50)) as c:  # a PiB: never free here
        st, h, body = c.request("GET", "/healthz")
        eq(st, 503, "/healthz below --min-free")
        assert "below --min-free" in json.loads(body)["error"], body
        assert int(h.get("retry-after", "0")) >= 1, h
        eq(c.post(ev())[0], 204, "beacons are still stored: only the check warns")
        eq(c.stop(), 0, "clean exit")
    with Collector("--min-free", "0") as c:
        eq(c.request("GET", "/healthz")[0], 200, "--min-free 0: no check")
        eq(c.stop(), 0, "clean exit")
    if not can_mount():
        raise Skip("the tmpfs part needs root")
    with Tmpfs("16m") as fs:
        with Collector("--rate-limit", "0", "--min-free", str(8 << 20), db=os.path.join(fs.path, "lotse.db")) as c:
            eq(c.request("GET", "/healthz")[0], 200, "16 MiB free, 8 MiB wanted")
            with open(os.path.join(fs.path, "filler"), "wb") as f:
                f.write(b"\0" * (12 << 20))
            eq(c.request("GET", "/healthz")[0], 503, "4 MiB free: said before any write fails")
            eq(c.post(ev())[0], 204, "and the disk still takes writes")
            os.unlink(os.path.join(fs.path, "filler"))
            eq(c.request("GET", "/healthz")[0], 200, "space again")
            eq(c.stop(), 0, "clean exit")


class KeepAliveLoad:
    """Senders on kept-alive connections, each posting two-event batches
    until the collector goes; remembers what was answered 204 and counts the
    other answers."""

    def __init__(self, port, senders=6):
        self.port = port
        self.acked = []
        self.codes = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.send, args=(k,)) for k in range(senders)]
        for t in self.threads:
            t.start()

    def send(self, k):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        i = 0
        while not self.stop.is_set():
            name = marker(k, i)
            i += 1
            try:
                conn.request("POST", "/e", json.dumps([ev(step_name=name), ev(step_name=name + "b")]),
                             {"Content-Type": "text/plain"})
                r = conn.getresponse()
                r.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                if self.stop.wait(0.05):
                    return
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            with self.lock:
                self.codes[r.status] = self.codes.get(r.status, 0) + 1
                if r.status == 204:
                    self.acked.append(name)

    def end(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=90)

    def check_acked_stored(self, db):
        con = sqlite3.connect(db, timeout=30)
        try:
            stored = {r[0] for r in con.execute("SELECT step_name FROM events")}
        finally:
            con.close()
        missing = [a for a in self.acked if a not in stored or a + "b" not in stored]
        eq(missing, [], "events answered 204 but not in the database (of %d)" % len(self.acked))


def wait_exit(c, seconds):
    try:
        return c.proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise AssertionError("no exit within %d s: %s" % (seconds, c.log()[-2000:])) from None


def test_sigterm_while_database_locked_exits_1_and_loses_nothing():
    with Collector("--rate-limit", "0", "--max-connections-per-ip", "0") as c:
        load = KeepAliveLoad(c.port)
        holder = None
        try:
            time.sleep(1.0)
            holder = subprocess.Popen(
                ["python3", "-c", "import sqlite3, sys\n"
                 "con = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)\n"
                 "con.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\nsys.stdin.read()\n", c.db],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            eq(holder.stdout.readline().strip(), "locked", "another process holds the lock")
            time.sleep(0.5)
            t0 = time.monotonic()
            c.proc.send_signal(signal.SIGTERM)
            rc = wait_exit(c, 30)
            took = time.monotonic() - t0
        finally:
            load.end()
            if holder is not None:
                holder.stdin.close()
                holder.wait(timeout=10)
        log = c.log()
        eq(rc, 1, "exit status (a negative one is a signal): " + log[-1500:])
        assert "could not be committed" in log and "database is locked" in log, log[-1500:]
        assert "Fatal error" not in log, log[-1500:]
        assert load.codes.get(503, 0) > 0, "no request was answered 503: %r" % load.codes
        assert set(load.codes) <= {204, 503}, load.codes
        load.check_acked_stored(c.db)
        print("  exit 1 after %.1f s; answers %r; every 204 stored" % (took, load.codes))


def test_sigterm_while_commit_stalls_exits_1_and_loses_nothing():
    """A frozen file system (fsfreeze on a loop-mounted ext4) stalls the
    commit for longer than the shutdown waits: the waiting requests are given
    up (503), the collector says so and exits 1."""
    if not can_mount():
        raise Skip("a loop mount and fsfreeze need root")
    tmp = tempfile.mkdtemp(prefix="lotse-freeze-")
    img, mnt = os.path.join(tmp, "fs.img"), os.path.join(tmp, "mnt")
    os.mkdir(mnt)
    with open(img, "wb") as f:
        f.truncate(32 << 20)
    subprocess.run(["mkfs.ext4", "-q", img], check=True, capture_output=True)
    if subprocess.run(["mount", "-o", "loop", img, mnt], capture_output=True).returncode != 0:
        raise Skip("no loop device to mount a file system on")
    frozen = False
    try:
        with Collector("--rate-limit", "0", "--max-connections-per-ip", "0", "--min-free", "0",
                       db=os.path.join(mnt, "lotse.db")) as c:
            load = KeepAliveLoad(c.port)
            try:
                time.sleep(1.0)
                subprocess.run(["fsfreeze", "-f", mnt], check=True)
                frozen = True
                time.sleep(0.5)
                t0 = time.monotonic()
                c.proc.send_signal(signal.SIGTERM)
                deadline = time.monotonic() + 40
                while "did not finish" not in c.log() and time.monotonic() < deadline:
                    time.sleep(0.1)
                said = time.monotonic() - t0
                assert "did not finish" in c.log(), c.log()[-1500:]
            finally:
                if frozen:
                    subprocess.run(["fsfreeze", "-u", mnt])
                    frozen = False
                load.end()
            rc = wait_exit(c, 30)
            log = c.log()
            eq(rc, 1, "exit status (a negative one is a signal): " + log[-1500:])
            assert "Fatal error" not in log, log[-1500:]
            assert load.codes.get(503, 0) > 0, "nothing given up: %r" % load.codes
            assert set(load.codes) <= {204, 503}, load.codes
            load.check_acked_stored(c.db)
            print("  stalled: exit 1, said after %.1f s; answers %r; every 204 stored" % (said, load.codes))
    finally:
        if frozen:
            subprocess.run(["fsfreeze", "-u", mnt])
        subprocess.run(["umount", mnt], capture_output=True)


def test_reporter_runs_while_collector_writes():
    with Collector("--rate-limit", "0", "--max-connections-per-ip", "0") as c:
        stop = threading.Event()
        acked = []
        bad = []

        def writer(k):
            i = 0
            deadline = time.monotonic() + 8
            while not stop.is_set() and time.monotonic() < deadline and i < 2000:
                st, _, _ = c.post([ev("flow_start", service="antrag", flow="w%d-%06d" % (k, i)),
                                   ev(step_name=marker(k, i))])
                if st == 204:
                    acked.append((k, i))
                else:
                    bad.append(st)
                i += 1
        threads = [threading.Thread(target=writer, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        runs = []
        try:
            time.sleep(0.3)
            for n in range(3):
                out = tempfile.mkdtemp(prefix="lotse-report-")
                t0 = time.monotonic()
                r = run_report(["--db", c.db, "--out", out, "--no-charts", "--quiet", "--min-count", "1"],
                               timeout=60)
                runs.append(time.monotonic() - t0)
                eq(r.returncode, 0, "reporter run %d: %s" % (n, r.stderr))
                assert os.path.getsize(os.path.join(out, "services.csv")) > 0
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)
        eq(bad, [], "the collector refused while the reporter read")
        stored = c.query("SELECT count(*) FROM events")[0][0]
        eq(stored, 2 * len(acked), "every acknowledged event stored")
        print("  %d batches stored while the reporter ran %d times (%.1f s max)" % (len(acked), len(runs), max(runs)))
        eq(c.stop(), 0, "clean exit")


if __name__ == "__main__":
    run_tests("hardening_faults", globals())
