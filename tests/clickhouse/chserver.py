# SPDX-License-Identifier: EUPL-1.2
"""chserver.py — ClickHouse servers of the tests' own: Debian's
clickhouse-server (or LOTSE_CLICKHOUSE_SERVER) started with a temporary
configuration and data folder on free loopback ports, never the system
service; waited for until it answers; stopped and removed at the end. One
server (Server) or several joined by a Distributed table (Cluster: every
server knows the cluster `lotse_test`, one shard per server). Also a
reader of ClickHouse's TabSeparated output. Standard library only; it
asserts nothing about Lotse.

The server runs in a time zone far from Berlin (TEST_TZ), so that a query
that forgot to name Europe/Berlin gives wrong days in the tests."""
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from xml.sax.saxutils import escape

SERVER = os.environ.get("LOTSE_CLICKHOUSE_SERVER", "/usr/sbin/clickhouse-server")
TEST_TZ = "Pacific/Chatham"  # UTC+12:45/+13:45: no local day of it is Berlin's
CLUSTER = "lotse_test"
# The footprint of a test server: small caches, few background threads.
MARK_CACHE = 16 << 20
UNCOMPRESSED_CACHE = 16 << 20
QUERY_MEMORY = 1 << 30


class ClickHouseError(Exception):
    """A query ClickHouse refused: status is the HTTP status, text its message."""

    def __init__(self, status, text):
        super().__init__("HTTP %d: %s" % (status, text.strip()[:2000]))
        self.status = status
        self.text = text


def free_ports(n):
    """n distinct loopback ports that were free a moment ago."""
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def unescape_tsv(field):
    """One TabSeparated field (bytes) as str, or None for \\N."""
    if field == b"\\N":
        return None
    if b"\\" not in field:
        return field.decode("utf-8")
    out = bytearray()
    i = 0
    simple = {ord("b"): 8, ord("f"): 12, ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("0"): 0,
              ord("a"): 7, ord("v"): 11}
    while i < len(field):
        c = field[i]
        if c != 0x5C or i + 1 == len(field):
            out.append(c)
            i += 1
            continue
        e = field[i + 1]
        if e == ord("x") and i + 3 < len(field):
            out.append(int(field[i + 2:i + 4], 16))
            i += 4
            continue
        out.append(simple.get(e, e))
        i += 2
    return out.decode("utf-8")


def parse_tsv(data):
    """Rows of a TabSeparated answer as tuples of str (None for NULL)."""
    return [tuple(unescape_tsv(f) for f in line.split(b"\t")) for line in data.split(b"\n") if line != b""]


def escape_tsv(value):
    """A value as a TabSeparated field (None as \\N)."""
    if value is None:
        return "\\N"
    s = str(value)
    return (s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            .replace("\0", "\\0"))


def sql_string(s):
    """s as a single-quoted SQL string literal."""
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Server:
    """One clickhouse-server with its own folder and ports. Use as a context
    manager, or call start() and stop(). A user `lotse` with the given
    password exists besides `default` (no password, loopback only)."""

    def __init__(self, name="ch", ports=None, remote_servers="", password="lotse-test-secret",
                 timezone=TEST_TZ, tmp=None, query_memory=QUERY_MEMORY):
        self.name = name
        self.fixed_ports = ports is not None
        self.http_port, self.tcp_port, self.interserver_port = ports or free_ports(3)
        self.remote_servers = remote_servers
        self.password = password
        self.timezone = timezone
        self.query_memory = query_memory
        self.dir = tempfile.mkdtemp(prefix="lotse-%s-" % name, dir=tmp)
        self.proc = None
        self.start_seconds = None

    # --- configuration -----------------------------------------------------
    def _config(self):
        d = escape(self.dir)
        return """<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>{d}/log/server.log</log>
    <errorlog>{d}/log/error.log</errorlog>
    <size>10M</size>
    <count>1</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>{http}</http_port>
  <tcp_port>{tcp}</tcp_port>
  <interserver_http_port>{inter}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>{d}/data/</path>
  <tmp_path>{d}/tmp/</tmp_path>
  <user_files_path>{d}/user_files/</user_files_path>
  <format_schema_path>{d}/format_schemas/</format_schema_path>
  <users_config>{d}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>{tz}</timezone>
  <mark_cache_size>{mark}</mark_cache_size>
  <uncompressed_cache_size>{unc}</uncompressed_cache_size>
  <max_concurrent_queries>32</max_concurrent_queries>
  <max_connections>256</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_server_memory_usage>{mem}</max_server_memory_usage>
  <remote_servers>{remote}</remote_servers>
</yandex>
""".format(d=d, http=self.http_port, tcp=self.tcp_port, inter=self.interserver_port,
           tz=escape(self.timezone), mark=MARK_CACHE, unc=UNCOMPRESSED_CACHE, mem=2 * self.query_memory,
           remote=self.remote_servers)

    def _users(self):
        sha = hashlib.sha256(self.password.encode()).hexdigest()
        user = """<networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile><quota>default</quota>"""
        return """<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>{mem}</max_memory_usage>
      <max_memory_usage_for_all_queries>{mem}</max_memory_usage_for_all_queries>
      <max_threads>2</max_threads>
      <background_pool_size>2</background_pool_size>
      <background_schedule_pool_size>2</background_schedule_pool_size>
      <use_uncompressed_cache>0</use_uncompressed_cache>
    </default>
  </profiles>
  <users>
    <default><password></password>{user}</default>
    <lotse><password_sha256_hex>{sha}</password_sha256_hex>{user}</lotse>
  </users>
  <quotas>
    <default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
      <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
    </interval></default>
  </quotas>
</yandex>
""".format(mem=self.query_memory, user=user, sha=sha)

    # --- life cycle --------------------------------------------------------
    def start(self, timeout=60):
        """Starts the server and waits until it answers /ping. Picks new
        ports and tries again (twice) when one was taken meanwhile."""
        for attempt in range(3):
            try:
                self._start_once(timeout)
                return self
            except AssertionError as why:
                if self.fixed_ports or "Address already in use" not in str(why) or attempt == 2:
                    raise
                self.http_port, self.tcp_port, self.interserver_port = free_ports(3)
        return self

    def _start_once(self, timeout):
        for sub in ("data", "tmp", "user_files", "format_schemas", "log"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        with open(os.path.join(self.dir, "config.xml"), "w") as f:
            f.write(self._config())
        with open(os.path.join(self.dir, "users.xml"), "w") as f:
            f.write(self._users())
        out = open(os.path.join(self.dir, "log", "stdout.log"), "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen([SERVER, "--config-file=" + os.path.join(self.dir, "config.xml")],
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=out, cwd=self.dir,
                                     start_new_session=True)
        out.close()
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                self.proc = None
                raise AssertionError("%s exited %s: %s" % (self.name, rc, self.log_tail()))
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/ping" % self.http_port, timeout=2) as r:
                    if r.read() == b"Ok.\n":
                        self.start_seconds = time.monotonic() - t0
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.02)
        self.kill()
        raise AssertionError("%s did not answer within %ds: %s" % (self.name, timeout, self.log_tail()))

    def log_tail(self, n=3000):
        text = ""
        for name in ("stdout.log", "error.log"):
            try:
                with open(os.path.join(self.dir, "log", name), errors="replace") as f:
                    text += f.read()[-n:]
            except OSError:
                pass
        return text

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def crash(self):
        """Kills the server (SIGKILL) and keeps its folder, so that restart()
        brings the same data back on the same ports."""
        self.kill()
        self.proc = None

    def restart(self, timeout=60):
        """Starts the server again after crash() (same folder and ports)."""
        assert self.proc is None, "restart() after crash()"
        self._start_once(timeout)
        return self

    def pause(self):
        """Stops the server's processes (SIGSTOP): connections are accepted by
        the kernel but nothing is answered, like a stalled server."""
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def resume(self):
        os.killpg(self.proc.pid, signal.SIGCONT)

    def stop(self, timeout=30):
        """Stops the server (SIGTERM, then SIGKILL) and removes its folder
        (kept with LOTSE_KEEP_TMP=1). Returns the exit status or None."""
        rc = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self.kill()
            rc = self.proc.returncode
            self.proc = None
        if os.environ.get("LOTSE_KEEP_TMP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)
        return rc

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # --- measuring ---------------------------------------------------------
    def status_kib(self, key):
        """A /proc/PID/status figure in KiB (VmRSS, VmHWM) of the server."""
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        raise AssertionError("no %s in /proc/%d/status" % (key, self.proc.pid))

    # --- speaking HTTP -----------------------------------------------------
    def url(self, database="default", **params):
        """The --db URL of this server (clickhouse://127.0.0.1:PORT/DB?…)."""
        q = urllib.parse.urlencode(params)
        return "clickhouse://127.0.0.1:%d/%s%s" % (self.http_port, database, "?" + q if q else "")

    def query(self, sql, body=None, settings=None, user=None, password=None, timeout=120):
        """POSTs sql (in the URL when body is given, else as the body).
        Returns the answer's bytes; raises ClickHouseError on refusal."""
        params = dict(settings or {})
        data = sql.encode()
        if body is not None:
            params["query"] = sql
            data = body if isinstance(body, bytes) else body.encode()
        headers = {}
        if user is not None:
            headers["X-ClickHouse-User"] = user
            headers["X-ClickHouse-Key"] = password or ""
        url = "http://127.0.0.1:%d/?%s" % (self.http_port, urllib.parse.urlencode(params))
        req = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.read()
        except urllib.error.HTTPError as e:
            raise ClickHouseError(e.code, e.read().decode("utf-8", "replace")) from None

    def rows(self, sql, **kw):
        """The rows of a SELECT (FORMAT TabSeparated is added) as tuples of str/None."""
        return parse_tsv(self.query(sql + " FORMAT TabSeparated", **kw))

    def value(self, sql, **kw):
        """The one value of a one-row, one-column SELECT."""
        rows = self.rows(sql, **kw)
        if len(rows) != 1 or len(rows[0]) != 1:
            raise AssertionError("%s: expected one value, got %r" % (sql, rows))
        return rows[0][0]


class Cluster:
    """n servers (default 2), each one shard of the cluster `lotse_test`
    that every one of them knows, so a Distributed table on any spreads
    rows over all. Use as a context manager."""

    def __init__(self, n=2, tmp=None):
        self.n = n
        self.tmp = tmp
        self.servers = []

    def start(self, timeout=60):
        for attempt in range(3):
            ports = free_ports(3 * self.n)
            shards = "".join("<shard><replica><host>127.0.0.1</host><port>%d</port></replica></shard>"
                             % ports[3 * i + 1] for i in range(self.n))
            remote = "<%s>%s</%s>" % (CLUSTER, shards, CLUSTER)
            self.servers = [Server("shard%d" % (i + 1), ports=ports[3 * i:3 * i + 3], remote_servers=remote,
                                   tmp=self.tmp) for i in range(self.n)]
            try:
                for s in self.servers:
                    s.start(timeout)
                return self
            except AssertionError as why:
                self.stop()
                if "Address already in use" not in str(why) or attempt == 2:
                    raise
        return self

    def stop(self):
        for s in self.servers:
            s.stop()

    def on_all(self, sql, **kw):
        """Runs sql on every server (DDL of the local tables)."""
        for s in self.servers:
            s.query(sql, **kw)

    def __enter__(self):
        if not self.servers:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
