# SPDX-License-Identifier: EUPL-1.2
"""test_hardening_resources.py — leaks and privileges (issue 6, "Resource
bounds" and "Privilege"): valgrind finds no leak and no memory error in a
short run of the collector (start, requests of every kind, SIGTERM) and of the
reporter; the collector started as root with --user nobody binds, opens its
database, drops to nobody and still stores events; without --user it warns
that it serves as root. The database's files (issue 15, item 4; issue 14,
item 3): as root, a --db, -wal or -shm that is a symbolic link (or has a
second name) is refused and its target untouched, also with --user (nothing
is chowned); files are created 0640 (the -wal and -shm too) and older ones
lose their "other" bits; a database that belongs to another user is refused
with a message naming the owner; --user does not take over a third user's
file. Valgrind runs on the normal build only (the sanitizer
build has its own leak checker): under ASan those tests print SKIP and are
not counted as passed. The privilege tests need root and say SKIP otherwise."""
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

from harness import BUILD, COLLECTOR, Collector, eq, ev, run_report
from harness import Skip, run_tests
from hostile import asan_build, connect, exchange, post_bytes, proc_status

VALGRIND = shutil.which("valgrind")
VG_ARGS = ["--leak-check=full", "--show-leak-kinds=definite,indirect",
           "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99", "--track-fds=no",
           "--num-callers=30"]


def skip_valgrind():
    """A reason to skip, or None."""
    if asan_build(BUILD):
        return "valgrind runs on the normal build only (this is the ASan build, LeakSanitizer covers it)"
    if VALGRIND is None:
        return "valgrind is not installed"
    return None


def valgrind_collector(*args):
    """A Collector started under valgrind."""
    return Collector(*args, wrap=[VALGRIND] + VG_ARGS, start_timeout=60)


def test_valgrind_collector_no_leak():
    why = skip_valgrind()
    if why:
        raise Skip(why)
    sites = os.path.join(tempfile.mkdtemp(prefix="lotse-vg-sites-"), "sites.csv")
    with open(sites, "w") as f:
        f.write("site,name,origins\ngladbeck,Stadt Gladbeck,https://www.gladbeck.de\n")
    with valgrind_collector("--sites", sites, "--rate-limit", "3", "--threads", "2") as c:
        eq(c.post(ev())[0], 204, "event")
        eq(c.post([ev("search", q="hund 12345", results=1), ev("flow_step", service="a", step="2")])[0], 400,
           "batch with a reject")
        eq(c.request("GET", "/e?site=gladbeck&type=pageview&url=https%3A%2F%2Fwww.gladbeck.de%2F")[0], 200, "pixel")
        eq(c.request("GET", "/healthz")[0], 200, "healthz")
        eq(c.request("GET", "/metrics")[0], 200, "metrics")
        eq(c.request("GET", "/lotse.js")[0], 200, "script")
        eq(c.request("OPTIONS", "/e", headers={"Origin": "https://www.gladbeck.de"})[0], 204, "preflight")
        exchange(c.port, post_bytes(b"[" * 100 + b"]" * 100), timeout=30)
        exchange(c.port, b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n",
                 timeout=30)
        s = connect(c.port)  # a request aborted half-way
        s.sendall(b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 50\r\n\r\n{")
        time.sleep(0.5)
        s.close()
        codes = [c.post(ev())[0] for _ in range(8)]
        assert 429 in codes, codes  # the rate limiter's refusal path
        c.proc.send_signal(signal.SIGHUP)  # reload the sites file
        time.sleep(1)
        c.proc.send_signal(signal.SIGTERM)
        rc = c.proc.wait(timeout=120)
        log = c.log()
        c.stderr.close()
    assert rc == 0, "valgrind found errors or leaks (exit %d):\n%s" % (rc, log[-6000:])
    assert "definitely lost: 0 bytes" in log or "All heap blocks were freed" in log, log[-3000:]
    summary = [line for line in log.splitlines() if "ERROR SUMMARY" in line]
    print("  collector: " + (summary[-1].split("== ")[-1] if summary else "no summary"))


def test_valgrind_reporter_no_leak():
    why = skip_valgrind()
    if why:
        raise Skip(why)
    with Collector("--rate-limit", "0") as c:
        batch = [ev("flow_start", service="geburtsurkunde", flow="vgflow-%04d" % i) for i in range(20)]
        batch += [ev("flow_step", service="geburtsurkunde", flow="vgflow-%04d" % i, step=2, step_name="Daten")
                  for i in range(15)]
        batch += [ev("flow_complete", service="geburtsurkunde", flow="vgflow-%04d" % i) for i in range(10)]
        eq(c.post(batch[:50])[0], 204, "flows")
        eq(c.post([ev("search", q="hund", results=0), ev("feedback", rating=4, service="geburtsurkunde"),
                   ev("field_error", service="geburtsurkunde", field="name", error="required",
                      flow="vgflow-0001")])[0], 204, "more")
        c.stop()
    out = tempfile.mkdtemp(prefix="lotse-vg-report-")
    r = run_report(["--db", c.db, "--out", out, "--no-charts", "--quiet", "--min-count", "1"],
                   wrap=[VALGRIND] + VG_ARGS, timeout=300)
    assert r.returncode == 0, "valgrind found errors or leaks in the reporter (exit %d):\n%s" % (
        r.returncode, r.stderr[-6000:])
    summary = [line for line in r.stderr.splitlines() if "ERROR SUMMARY" in line]
    print("  reporter: " + (summary[-1].split("== ")[-1] if summary else "no summary"))


def test_user_nobody_drops_privileges_and_stores():
    if os.geteuid() != 0:
        raise Skip("needs root")
    nobody = pwd.getpwnam("nobody")
    tmp = tempfile.mkdtemp(prefix="lotse-priv-")
    os.chmod(tmp, 0o755)
    with Collector("--user", "nobody", tmp=tmp) as c:
        st = proc_status(c.proc.pid)
        uids = st["Uid"].split()
        gids = st["Gid"].split()
        eq(uids, [str(nobody.pw_uid)] * 4, "real, effective, saved and fs uid")
        eq(gids, [str(nobody.pw_gid)] * 4, "gids")
        eq(st.get("Groups", ""), "", "no supplementary groups")
        eq(c.post([ev(), ev("search", q="hund", results=1)])[0], 204, "stores as nobody")
        eq(c.query("SELECT count(*) FROM events")[0][0], 2, "stored")
        eq(os.stat(c.db).st_uid, nobody.pw_uid, "database handed to nobody")
        assert "serving as root" not in c.log(), c.log()
        eq(c.stop(), 0, "clean exit")
    # Restarted as nobody on its own database: still fine.
    with Collector("--user", "nobody", tmp=tmp) as c:
        eq(c.post(ev())[0], 204, "stores after a restart")
        eq(c.stop(), 0, "clean exit")
    r = subprocess.run([COLLECTOR, "--user", "no-such-user-lotse", "--db", os.path.join(tmp, "x.db"),
                        "--listen", "127.0.0.1:0"], capture_output=True, text=True, timeout=30)
    eq(r.returncode, 1, "unknown user exit")
    assert "no-such-user-lotse" in r.stderr, r.stderr


def nobody_ids():
    pw = pwd.getpwnam("nobody")
    return pw.pw_uid, pw.pw_gid


def start_fails(*args, user=None):
    """Runs the collector (as user (uid, gid) when given), expecting it to exit at start."""
    def become():
        os.setgroups([])
        os.setgid(user[1])
        os.setuid(user[0])
    program = COLLECTOR
    if user:
        # Another user may not reach the build folder (a clone in a mktemp -d
        # folder is 0700): run a copy from a folder every user can enter.
        bindir = tempfile.mkdtemp(prefix="lotse-bin-")
        os.chmod(bindir, 0o755)
        program = shutil.copy(COLLECTOR, os.path.join(bindir, "lotse-collector"))
    try:
        return subprocess.run([program, "--listen", "127.0.0.1:0"] + list(args), capture_output=True, text=True,
                              timeout=30, preexec_fn=become if user else None)
    finally:
        if user:
            shutil.rmtree(bindir, ignore_errors=True)


def root_tmp(prefix, mode):
    """A fresh folder of the given mode, for a test that needs root (Skip otherwise)."""
    if os.geteuid() != 0:
        raise Skip("needs root")
    tmp = tempfile.mkdtemp(prefix=prefix)
    os.chmod(tmp, mode)
    return tmp


def test_database_links_refused_as_root():
    tmp = root_tmp("lotse-links-", 0o755)
    target = os.path.join(tmp, "precious")
    with open(target, "w") as f:
        f.write("not a database\n")
    os.chmod(target, 0o600)
    db = os.path.join(tmp, "lotse.db")
    for suffix in ("", "-wal", "-shm"):
        for f in os.listdir(tmp):
            if f.startswith("lotse.db"):
                os.unlink(os.path.join(tmp, f))
        if suffix:  # a real database, with a link planted beside it
            with Collector(db=db) as c:
                eq(c.stop(), 0, "database made")
            for extra in ("-wal", "-shm"):
                if os.path.exists(db + extra):
                    os.unlink(db + extra)
        os.symlink(target, db + suffix)
        for args in ([], ["--user", "nobody"]):
            r = start_fails("--db", db, *args)
            eq(r.returncode, 1, "lotse.db%s a link, %r: %s" % (suffix, args, r.stderr))
            assert "lotse.db%s is a symbolic link" % suffix in r.stderr, r.stderr
            with open(target) as f:
                eq(f.read(), "not a database\n", "the link's target is untouched")
            st = os.stat(target)
            eq((st.st_uid, st.st_mode & 0o777), (0, 0o600), "the target's owner and mode")
        os.unlink(db + suffix)
    # A second name (hard link) of another file is refused as well.
    for f in os.listdir(tmp):
        if f.startswith("lotse.db"):
            os.unlink(os.path.join(tmp, f))
    os.link(target, db)
    r = start_fails("--db", db)
    eq(r.returncode, 1, "hard link: " + r.stderr)
    assert "one name" in r.stderr, r.stderr


def test_database_files_0640_and_tightened():
    tmp = tempfile.mkdtemp(prefix="lotse-mode-")
    db = os.path.join(tmp, "lotse.db")
    old = os.umask(0)  # the mode must not depend on the caller's umask
    try:
        with Collector(db=db, tmp=tmp) as c:
            eq(c.post(ev())[0], 204, "stored")
            modes = {s: os.stat(db + s).st_mode & 0o777 for s in ("", "-wal", "-shm")}
            eq(modes, {"": 0o640, "-wal": 0o640, "-shm": 0o640}, "modes of the database files")
            eq(c.stop(), 0, "clean exit")
    finally:
        os.umask(old)
    os.chmod(db, 0o644)  # as the first edition made it
    with Collector(db=db, tmp=tmp) as c:
        eq(os.stat(db).st_mode & 0o777, 0o640, "other users' access taken away")
        assert "mode 0644 gave other users access; now 0640" in c.log(), c.log()
        eq(c.stop(), 0, "clean exit")


def test_database_of_another_user_is_named():
    tmp = root_tmp("lotse-owner-", 0o777)
    db = os.path.join(tmp, "lotse.db")
    with Collector(db=db, tmp=tmp) as c:  # made by root
        eq(c.stop(), 0, "clean exit")
    os.chmod(db, 0o644)  # readable by all, writable by root only
    r = start_fails("--db", db, user=nobody_ids())
    eq(r.returncode, 1, "exit: " + r.stderr)
    assert "belongs to root (uid 0, mode 0644) and cannot be written by nobody" in r.stderr, r.stderr
    assert "readonly database" not in r.stderr, r.stderr
    # --user takes over root's files, but not a third user's.
    os.chown(db, 12345, 12345)
    r = start_fails("--db", db, "--user", "nobody")
    eq(r.returncode, 1, "exit: " + r.stderr)
    assert "belongs to uid 12345, neither root nor nobody" in r.stderr, r.stderr
    eq(os.stat(db).st_uid, 12345, "not chowned")


def test_warns_when_serving_as_root():
    if os.geteuid() != 0:
        raise Skip("needs root")
    with Collector() as c:
        assert "warning: serving as root" in c.log(), c.log()
        eq(c.stop(), 0, "clean exit")


if __name__ == "__main__":
    run_tests("hardening_resources", globals())
