# SPDX-License-Identifier: EUPL-1.2
"""test_client.py — the C ClickHouse client (common/clickhouse.c, churl.c,
chwire.c) against the tests' own servers, through ch_client_check:
hostile strings (every byte, tabs, newlines, backslashes, quotes,
non-ASCII, 70 KB of random bytes) go in as RowBinary and come back
identical as TabSeparated; SQL literals find their rows; the password
comes from LOTSE_CLICKHOUSE_PASSWORD; refusals carry ClickHouse's message;
a server that never answers costs at most the timeout; a Distributed
table over two shards takes a synchronous insert."""
import os
import socket
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from chserver import CLUSTER, Cluster, Server  # noqa: E402
from harness import BUILD, eq, run_tests  # noqa: E402

CHECK = os.path.join(BUILD, "tests", "clickhouse", "ch_client_check")


def run(*args, password=None, timeout=120):
    env = dict(os.environ)
    env.pop("LOTSE_CLICKHOUSE_PASSWORD", None)
    if password is not None:
        env["LOTSE_CLICKHOUSE_PASSWORD"] = password
    p = subprocess.run([CHECK] + list(args), capture_output=True, text=True, timeout=timeout, env=env,
                       errors="replace")
    return p.returncode, p.stdout.strip() + p.stderr.strip()


def test_hostile_strings_round_trip():
    with Server() as srv:
        rc, out = run(srv.url(table="lotse_rt"), "roundtrip", "create")
        eq(rc, 0, out)
        assert out.startswith("ok 288 rows"), out
        # What the server holds, seen from outside the C client.
        eq(srv.value("SELECT count() FROM lotse_rt"), "288", "rows stored")
        eq(srv.value("SELECT s FROM lotse_rt WHERE i = 8"), "a\tb\nc\\d'e\"f", "a hostile string")
        eq(srv.value("SELECT n FROM lotse_rt WHERE i = 1"), None, "a NULL")
        eq(srv.value("SELECT s FROM lotse_rt WHERE i = 10"), "Grüße aus Gladbeck – Straße", "non-ASCII")
        eq(srv.value("SELECT length(s) FROM lotse_rt WHERE i = 20"), "10", "a NUL inside")


def test_password_from_the_environment():
    with Server() as srv:
        url = srv.url(table="lotse_pw", user="lotse")
        rc, out = run(url, "roundtrip", "create", password=srv.password)
        eq(rc, 0, out)
        rc, out = run(url, "roundtrip", "create", password="wrong")
        eq(rc, 1, out)
        assert "HTTP 401" in out and "Wrong password for user lotse" in out, out
        rc, out = run(url, "ping")  # /ping needs no user
        eq(rc, 0, out)


def test_refusal_names_status_and_reason():
    with Server() as srv:
        rc, out = run(srv.url(), "refusal")
        eq(rc, 0, out)
        assert "refused: status 404: HTTP 404: Code: 46" in out and "no_such_function" in out, out
        rc, out = run(srv.url("no_such_db", table="t"), "roundtrip")
        eq(rc, 1, out)
        assert "Database no_such_db doesn't exist" in out, out


def test_unreachable_and_silent_servers_fail_in_bounded_time():
    # Nobody listens: refused at once.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    free = s.getsockname()[1]
    s.close()
    rc, out = run("clickhouse://127.0.0.1:%d/default" % free, "timeout", "1500")
    eq(rc, 0, out)
    assert "Couldn't connect to server" in out, out
    # A listener that accepts and never answers: the request ends at the timeout.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=accept)
    t.start()
    try:
        rc, out = run("clickhouse://127.0.0.1:%d/default" % listener.getsockname()[1], "timeout", "1500")
    finally:
        stop.set()
        t.join()
        for c in held:
            c.close()
        listener.close()
    eq(rc, 0, out)
    assert "Timeout was reached" in out, out
    elapsed = float(out.split(" after ")[1].split(" s")[0])
    assert 1.4 <= elapsed < 5, out


def test_distributed_table_takes_a_synchronous_insert():
    with Cluster(2) as cl:
        a, b = cl.servers
        cl.on_all("CREATE TABLE rt_local (i UInt32, s String, n Nullable(String), t Int64) "
                  "ENGINE = MergeTree() ORDER BY i")
        a.query("CREATE TABLE rt AS rt_local ENGINE = Distributed(%s, default, rt_local, rand())" % CLUSTER)
        rc, out = run(a.url(table="rt"), "roundtrip", "insert_distributed_sync=1")
        eq(rc, 0, out)
        na, nb = int(a.value("SELECT count() FROM rt_local")), int(b.value("SELECT count() FROM rt_local"))
        eq(na + nb, 288, "rows on the shards")
        assert na > 50 and nb > 50, (na, nb)


if __name__ == "__main__":
    run_tests("clickhouse/test_client", globals())
