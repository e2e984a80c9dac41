# SPDX-License-Identifier: EUPL-1.2
"""test_server.py — the tests' own ClickHouse (chserver.py): one server
starts on free loopback ports with its own folder, knows its users and
time zone, and leaves nothing behind; two servers form a cluster whose
Distributed table spreads rows over both shards and acknowledges an
insert only when both hold their rows (insert_distributed_sync=1).
Prints the start time and memory of one server."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from chserver import CLUSTER, TEST_TZ, ClickHouseError, Cluster, Server  # noqa: E402
from harness import eq, run_tests  # noqa: E402


def test_one_server_starts_answers_and_cleans_up():
    srv = Server().start()
    try:
        folder, pid = srv.dir, srv.proc.pid
        eq(srv.query("SELECT 1"), b"1\n", "SELECT 1")
        version = srv.value("SELECT version()")
        major = int(version.split(".")[0])
        assert major >= 18, version
        eq(srv.value("SELECT timezone()"), TEST_TZ, "server time zone")
        assert srv.http_port != 8123 and srv.tcp_port != 9000, "never the system service's ports"
        eq(srv.value("SELECT value FROM system.settings WHERE name = 'max_threads'"), "2", "profile applied")
        rss, hwm = srv.status_kib("VmRSS"), srv.status_kib("VmHWM")
        print("clickhouse-server %s: ready in %.2f s, VmRSS %d MiB, VmHWM %d MiB"
              % (version, srv.start_seconds, rss // 1024, hwm // 1024))
    finally:
        srv.stop()
    assert not os.path.exists(folder), "folder removed"
    assert not os.path.exists("/proc/%d/status" % pid) or "zombie" in open("/proc/%d/status" % pid).read(), \
        "server process gone"


def test_users_and_passwords():
    with Server() as srv:
        # currentUser() is newer than 18.16; the query sees itself in system.processes.
        eq(srv.value("SELECT user FROM system.processes", user="lotse", password=srv.password), "lotse",
           "lotse user")
        try:
            srv.query("SELECT 1", user="lotse", password="wrong")
        except ClickHouseError as e:
            assert "password" in e.text.lower(), e.text
            eq(e.status, 401, "status of a wrong password")
        else:
            raise AssertionError("a wrong password was accepted")


def test_refusal_carries_status_and_text():
    with Server() as srv:
        try:
            srv.query("SELECT no_such_function(1)")
        except ClickHouseError as e:
            assert e.status >= 400, e.status
            assert "no_such_function" in e.text and "Code: " in e.text, e.text
        else:
            raise AssertionError("an unknown function was accepted")


def test_two_shards_behind_a_distributed_table():
    with Cluster(2) as cl:
        a, b = cl.servers
        cl.on_all("CREATE TABLE t_local (id UInt32, s String) ENGINE = MergeTree() ORDER BY id")
        a.query("CREATE TABLE t AS t_local ENGINE = Distributed(%s, default, t_local, rand())" % CLUSTER)
        body = "".join("%d\tv%d\n" % (i, i) for i in range(1000))
        a.query("INSERT INTO t FORMAT TabSeparated", body=body, settings={"insert_distributed_sync": 1})
        # Acknowledged means stored on the shards: no waiting for a background send.
        na = int(a.value("SELECT count() FROM t_local"))
        nb = int(b.value("SELECT count() FROM t_local"))
        eq(na + nb, 1000, "rows on the shards")
        assert na > 100 and nb > 100, (na, nb)
        eq(a.rows("SELECT count(), sum(id), uniqExact(s) FROM t"), [("1000", "499500", "1000")], "through t")
        # A shard that is down makes a synchronous insert fail, not vanish.
        b.stop()
        try:
            a.query("INSERT INTO t FORMAT TabSeparated", body="1\tx\n2\ty\n3\tz\n4\tw\n",
                    settings={"insert_distributed_sync": 1, "insert_distributed_timeout": 5})
        except ClickHouseError as e:
            assert e.status >= 400, e.status
        else:
            raise AssertionError("an insert with a shard down was acknowledged")


if __name__ == "__main__":
    run_tests("clickhouse/test_server", globals())
