# SPDX-License-Identifier: EUPL-1.2
"""test_collector.py — integration tests of lotse-collector as PROTOCOL.md
specifies it: the real binary on an ephemeral loopback port, spoken to over
HTTP, its SQLite database read afterwards."""
import gzip
import json
import os
import pwd
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time

from hostile import proc_status
from harness import (COLLECTOR, import_lines, UA_FIREFOX_WIN, UA_GOOGLEBOT, UA_HEADLESS, UA_IPHONE, Collector,
                     database_bytes, eq, ev, marker, run_tests)

SITES = ("site,name,origins\n"
         "gladbeck,Stadt Gladbeck,https://www.gladbeck.de https://gladbeck.de\n"
         "bottrop,Stadt Bottrop,https://www.bottrop.de\n")


def write(tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def test_healthz_and_version():
    with Collector() as c:
        st, h, body = c.request("GET", "/healthz")
        eq(st, 200, "status")
        eq(json.loads(body)["status"], "ok", "healthz body")
        eq(c.stop(), 0, "exit after SIGTERM")
    out = subprocess.run([COLLECTOR, "--version"], capture_output=True, text=True)
    eq(out.returncode, 0, "--version exit")
    assert "lotse-collector" in out.stdout
    out = subprocess.run([COLLECTOR, "--help"], capture_output=True, text=True)
    eq(out.returncode, 0, "--help exit")
    assert "--import" in out.stdout and "--visit-key" in out.stdout
    out = subprocess.run([COLLECTOR, "--bogus"], capture_output=True, text=True)
    eq(out.returncode, 2, "unknown option exit")
    eq(len(out.stderr.strip().splitlines()), 1, "one line on stderr")


class FakeNotifySocket:
    """What systemd listens on for Type=notify: an AF_UNIX datagram socket,
    by path or in the abstract namespace ("@name")."""

    def __init__(self, abstract=False):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            self.name = "@lotse-notify-%d-%d" % (os.getpid(), time.monotonic_ns())
            self.sock.bind("\0" + self.name[1:])
        else:
            d = tempfile.mkdtemp(prefix="lotse-notify-")
            self.name = os.path.join(d, "notify")
            self.sock.bind(self.name)
        self.sock.settimeout(10)

    def env(self):
        e = dict(os.environ)
        e["NOTIFY_SOCKET"] = self.name
        return e

    def receive(self):
        """The next message as a dict of its assignments."""
        data = self.sock.recv(4096).decode()
        return dict(line.split("=", 1) for line in data.split("\n") if line)


def test_systemd_notify_ready_status_stopping():
    for abstract in (False, True):
        ns = FakeNotifySocket(abstract)
        with Collector(env=ns.env()) as c:
            msg = ns.receive()
            eq(msg.get("READY"), "1", "READY=1 (%s)" % ns.name)
            eq(msg.get("STATUS"), "listening on port %d, database %s" % (c.port, c.db), "STATUS")
            eq(c.request("GET", "/healthz")[0], 200, "serving when READY=1 came")
            c.proc.send_signal(signal.SIGTERM)
            msg = ns.receive()
            eq(msg.get("STOPPING"), "1", "STOPPING=1")
            assert msg.get("STATUS", "").startswith("shutting down"), msg
            eq(c.proc.wait(timeout=15), 0, "clean exit")
    # Connected before privileges are dropped: the service user need not reach the socket.
    if os.geteuid() == 0:
        ns = FakeNotifySocket()
        os.chmod(os.path.dirname(ns.name), 0o700)
        tmp = tempfile.mkdtemp(prefix="lotse-it-")
        os.chmod(tmp, 0o777)
        with Collector("--user", "nobody", tmp=tmp, env=ns.env()) as c:
            eq(ns.receive().get("READY"), "1", "READY=1 after dropping to nobody")
            eq(proc_status(c.proc.pid)["Uid"].split()[1], str(pwd.getpwnam("nobody").pw_uid), "runs as nobody")
            eq(c.stop(), 0, "clean exit")
    e = dict(os.environ)
    e["NOTIFY_SOCKET"] = "relative/name"
    out = subprocess.run([COLLECTOR, "--listen", "127.0.0.1:0", "--db", os.path.join(tempfile.mkdtemp(), "x.db")],
                         capture_output=True, text=True, timeout=10, env=e)
    eq(out.returncode, 1, "an unusable NOTIFY_SOCKET")
    assert "NOTIFY_SOCKET" in out.stderr, out.stderr


def test_single_event_stored_with_reductions():
    with Collector() as c:
        st, _, body = c.post(ev(url="https://www.gladbeck.de/buergerservice/antrag/12345678?name=Max#top",
                                ref="https://www.google.de/search?q=hund+anmelden"),
                             headers={"User-Agent": UA_IPHONE})
        eq(st, 204, "status")
        eq(body, b"", "no body")
        rows = c.query("SELECT site, type, path, ref, device, browser, os, visit IS NOT NULL, time FROM events")
        eq(len(rows), 1, "rows")
        site, type_, path, ref, device, browser, os_, has_visit, t = rows[0]
        eq((site, type_, path, ref), ("gladbeck", "pageview", "/buergerservice/antrag/:id", "www.google.de"), "fields")
        eq((device, browser, os_), ("mobile", "Safari", "iOS"), "UA classes")
        eq(has_visit, 1, "visit key")
        assert abs(t - time.time() * 1000) < 60000, "time is receive time"
        c.stop()


def test_age_moves_event_time_back():
    with Collector() as c:
        eq(c.post(ev(age=120000))[0], 204, "status")
        (t,), = c.query("SELECT time FROM events")
        assert abs((time.time() * 1000 - 120000) - t) < 30000, t
        c.stop()


def test_batch_with_invalid_event():
    with Collector() as c:
        batch = [ev("flow_start", service="geburtsurkunde", flow="attempt-0001"),
                 ev("flow_step", service="geburtsurkunde", step="2"),
                 ev("flow_step", service="geburtsurkunde", step=2, flow="attempt-0001"),
                 ev("flow_step", service="geburtsurkunde", step=1.5)]
        st, _, body = c.post(batch)
        eq(st, 400, "status")
        reply = json.loads(body)
        eq(reply["accepted"], 2, "accepted")
        eq([r["index"] for r in reply["rejected"]], [1, 3], "rejected indexes")
        assert all(r["error"].startswith("step: ") for r in reply["rejected"]), reply
        eq(c.query("SELECT type, step FROM events ORDER BY id"), [("flow_start", None), ("flow_step", 2)], "stored")
        eq(c.metric('lotse_rejected_total{reason="invalid_event"}'), 2, "invalid event metric")
        rejects = c.query("SELECT reason, site, type FROM rejects ORDER BY id")
        eq(len(rejects), 2, "rejects")
        assert rejects[0][0].startswith("step: "), rejects
        eq(rejects[0][1:], ("gladbeck", "flow_step"), "reject site/type")
        c.stop()


def test_whole_body_refusals():
    with Collector("--max-body", "1024") as c:
        st, _, body = c.request("POST", "/e", b"this is not json", {"Content-Type": "text/plain"})
        eq(st, 400, "not JSON")
        eq(json.loads(body)["accepted"], 0, "accepted")
        eq(c.request("POST", "/e", b"[]", {"Content-Type": "text/plain"})[0], 400, "empty batch")
        eq(c.request("POST", "/e", b'{"site":"gladbeck","type":"pageview","url":"https://a.de/\xff"}',
                     {"Content-Type": "text/plain"})[0], 400, "not UTF-8")
        eq(c.post([ev()] * 51)[0], 413, "51 events")
        eq(c.post([ev(step_name="x" * 40)] * 30)[0], 413, "body over --max-body")
        st, _, body = c.request("POST", "/e", json.dumps(ev()), {"Content-Type": "image/png"})
        eq(st, 415, "content type")
        assert b"error" in body
        eq(c.request("POST", "/e", json.dumps(ev()), {"Content-Type": "text/plain; charset=iso-8859-1"})[0], 415,
           "charset")
        eq(c.request("POST", "/e", json.dumps(ev()), {"Content-Type": "application/json; charset=utf-8"})[0], 204,
           "application/json")
        eq(c.request("GET", "/nowhere")[0], 404, "404")
        st, h, _ = c.request("DELETE", "/e")
        eq(st, 405, "405")
        eq(c.request("POST", "/healthz", b"{}")[0], 405, "405 on healthz")
        eq(len(c.query("SELECT * FROM rejects")), 3, "body rejects stored (not JSON, empty batch, not UTF-8)")
        eq(c.metric('lotse_rejected_total{reason="content_type"}'), 2, "metric")
        c.stop()


def test_batch_of_50_accepted():
    with Collector("--max-body", "65536") as c:
        eq(c.post([ev(step_name="n%d" % i) for i in range(50)])[0], 204, "50 events")
        eq(c.query("SELECT count(*) FROM events")[0][0], 50, "rows")
        c.stop()


def test_pixel_preflight_and_script():
    with Collector() as c:
        st, h, body = c.request("GET", "/e?site=gladbeck&type=pageview&url=https%3A%2F%2Fwww.gladbeck.de%2Fa%3Fx%3D1"
                                       "&ref=https%3A%2F%2Fexample.org%2F")
        eq(st, 200, "pixel status")
        eq(h.get("content-type"), "image/gif", "pixel type")
        eq(h.get("cache-control"), "no-store", "pixel cache")
        assert body.startswith(b"GIF89a"), body[:6]
        eq(c.query("SELECT path, ref FROM events"), [("/a", "example.org")], "pixel row")
        st, h, _ = c.request("OPTIONS", "/e", headers={"Origin": "https://www.gladbeck.de",
                                                        "Access-Control-Request-Method": "POST"})
        eq(st, 204, "preflight")
        eq(h.get("access-control-allow-origin"), "https://www.gladbeck.de", "ACAO")
        eq(h.get("access-control-allow-methods"), "POST, GET", "methods")
        eq(h.get("access-control-allow-headers"), "Content-Type", "headers")
        eq(h.get("access-control-max-age"), "86400", "max age")
        st, h, body = c.request("GET", "/lotse.js")
        eq(st, 200, "script")
        assert h["content-type"].startswith("text/javascript"), h
        eq(h.get("cache-control"), "public, max-age=3600", "script cache")
        etag = h["etag"]
        with open(os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "lotse.min.js"), "rb") as f:
            eq(body, f.read(), "script body is scripts/lotse.min.js (made from scripts/lotse.js)")
        eq(c.request("GET", "/lotse.js", headers={"If-None-Match": etag})[0], 304, "304")
        c.stop()


def test_script_gzip_and_etags():
    """/lotse.js gzip-compressed when the request accepts it (compressed at
    build time), Vary: Accept-Encoding, an ETag per encoding, and a 304 for
    If-None-Match in both encodings."""
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "lotse.min.js"), "rb") as f:
        script = f.read()
    with Collector() as c:
        st, plain, body = c.request("GET", "/lotse.js", headers={"Accept-Encoding": "identity"})
        eq((st, body), (200, script), "identity")
        assert "content-encoding" not in plain, plain
        st, gz, zbody = c.request("GET", "/lotse.js", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
        eq((st, gz.get("content-encoding")), (200, "gzip"), "gzip")
        eq(gzip.decompress(zbody), script, "the gzip body is scripts/lotse.min.js")
        assert len(zbody) < len(script) / 2, "compressed: %d of %d bytes" % (len(zbody), len(script))
        eq(int(gz["content-length"]), len(zbody), "its length")
        for h in (plain, gz):
            eq(h.get("vary"), "Accept-Encoding", "Vary")
            eq(h.get("cache-control"), "public, max-age=3600", "Cache-Control")
            assert h["content-type"].startswith("text/javascript"), h
        assert plain["etag"] != gz["etag"], "one ETag per encoding"
        for ae, tag in (("gzip", gz["etag"]), ("identity", plain["etag"])):
            st, h, body = c.request("GET", "/lotse.js", headers={"Accept-Encoding": ae, "If-None-Match": tag})
            eq((st, body, h.get("etag"), h.get("vary")), (304, b"", tag, "Accept-Encoding"), "304 for " + ae)
            st, _, _ = c.request("GET", "/lotse.js", headers={"Accept-Encoding": ae,
                                                               "If-None-Match": 'W/"x", W/' + tag})
            eq(st, 304, "weak comparison in a list, " + ae)
        # The other encoding's tag names another representation: the full answer.
        st, h, zbody = c.request("GET", "/lotse.js", headers={"Accept-Encoding": "gzip",
                                                               "If-None-Match": plain["etag"]})
        eq((st, h.get("content-encoding")), (200, "gzip"), "gzip wanted, identity's tag")
        eq(c.request("GET", "/lotse.js", headers={"Accept-Encoding": "gzip;q=0"})[1].get("content-encoding"),
           None, "q=0 refuses gzip")
        st, h, body = c.request("HEAD", "/lotse.js", headers={"Accept-Encoding": "gzip"})
        eq((st, body, h.get("content-encoding")), (200, b"", "gzip"), "HEAD")
        eq(c.stop(), 0, "clean exit")


def test_dnt_gpc_and_bots_not_stored():
    with Collector() as c:
        eq(c.post(ev(), headers={"DNT": "1"})[0], 204, "DNT answers as usual")
        eq(c.post(ev(), headers={"Sec-GPC": "1"})[0], 204, "GPC answers as usual")
        eq(c.post(ev(), headers={"User-Agent": UA_GOOGLEBOT})[0], 204, "bot")
        eq(c.post(ev(), headers={"User-Agent": UA_HEADLESS})[0], 204, "headless")
        eq(c.post(ev(step="x"), headers={"DNT": "1"})[0], 400, "DNT: invalid still 400")
        eq(c.query("SELECT count(*) FROM events")[0][0], 0, "no events")
        eq(c.query("SELECT count(*) FROM rejects")[0][0], 0, "no rejects")
        eq(c.metric('lotse_not_stored_total{reason="dnt"}'), 2, "dnt metric")
        eq(c.metric('lotse_not_stored_total{reason="gpc"}'), 1, "gpc metric")
        eq(c.metric('lotse_not_stored_total{reason="bot"}'), 2, "bot metric")
        eq(c.post(ev(), headers={"DNT": "0"})[0], 204, "DNT: 0")
        eq(c.query("SELECT count(*) FROM events")[0][0], 1, "DNT: 0 is stored")
        c.stop()


def test_privacy_nothing_identifying_on_disk():
    secret_ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " \
                "Chrome/131.0.0.0 Safari/537.36 SecretMarker/4711"
    with Collector() as c:
        hdr = {"User-Agent": secret_ua, "X-Forwarded-For": "198.51.100.77"}
        batch = [ev(url="https://www.gladbeck.de/formular?vorname=Maximilian&email=max.mustermann@example.org"),
                 ev("search", q="Max.Mustermann@Example.org DE89 3704 0044 0532 0130 00 0176 12345678", results=0),
                 ev("field_error", service="hundeanmeldung", field="iban", error="format"),
                 ev("js_error", message="TypeError https://www.gladbeck.de/js/vorgang/123456/app.js?u=Mustermann:3:7"),
                 ev("js_error", message="TypeError: cannot read 'Mustermann' of 123456")]
        st, _, body = c.post(batch, headers=hdr)
        eq(st, 400, "status")
        eq(json.loads(body), {"accepted": 4, "rejected": [
            {"index": 4, "error": "message: must be NAME or NAME PATH:LINE:COL"}]}, "free-text message refused")
        (q,), = c.query("SELECT q FROM events WHERE type='search'")
        eq(q, "[email] [iban] [tel]", "redacted query")
        (m,), = c.query("SELECT message FROM events WHERE type='js_error'")
        eq(m, "TypeError /js/vorgang/:id/app.js:3:7", "reduced message")
        c.stop(signal.SIGKILL)  # keep -wal and -shm as they are
    blob = database_bytes(c.db)
    for needle in [b"127.0.0.1", b"198.51.100.77", b"SecretMarker", b"Maximilian", b"max.mustermann",
                   b"Mustermann", b"mustermann", b"DE89", b"3704", b"0532", b"12345678", b"123456", b"vorname",
                   b"Windows NT"]:
        assert needle not in blob, "found %r in the database files" % needle


def test_visit_key_off_and_same_visit():
    with Collector() as c:
        c.post(ev())
        c.post(ev(url="https://www.gladbeck.de/b"))
        c.post(ev(), headers={"User-Agent": UA_IPHONE})
        keys = [r[0] for r in c.query("SELECT visit FROM events ORDER BY id")]
        eq(keys[0], keys[1], "same address+UA+day: same key")
        assert keys[0] != keys[2], "other UA: other key"
        c.stop()
    with Collector("--visit-key", "off") as c:
        c.post(ev())
        eq(c.query("SELECT visit FROM events"), [(None,)], "no key")
        c.stop()
    # Behind our proxy, one address is one visitor however the proxy spells it.
    with Collector("--trust-proxy", "127.0.0.1/32") as c:
        for xff in ("2001:DB8::1", "10.0.0.9, 2001:db8:0:0::1", "2001:0db8::0001", "2001:db8::2",
                    "::ffff:198.51.100.7", "198.51.100.7"):
            eq(c.post(ev(), headers={"X-Forwarded-For": xff})[0], 204, xff)
        keys = [r[0] for r in c.query("SELECT visit FROM events ORDER BY id")]
        eq(len(set(keys[:3])), 1, "spellings of 2001:db8::1: one key")
        assert keys[3] != keys[0], "another address: another key"
        eq(keys[4], keys[5], "an IPv4-mapped address is its IPv4 address")
        assert keys[4] != keys[0], keys
        c.stop()


def test_two_proxies_400_clients_400_visit_keys():
    """Two proxies in front (an outer one at 10.0.0.5 appends the client, the
    inner one on this host appends the outer one, as nginx's
    $proxy_add_x_forwarded_for does): 400 distinct clients are 400 visit keys
    and none is rate-limited, at the default --rate-limit. A client's own
    X-Forwarded-For stays to the left of what it cannot forge."""
    with Collector("--trust-proxy", "127.0.0.1/32, 10.0.0.0/24") as c:
        codes = {}
        for i in range(400):
            client = "198.51.%d.%d" % (100 + i // 200, i % 200 + 1)
            forged = "203.0.113.99, " if i % 2 else ""
            st, _, _ = c.post(ev(), headers={"X-Forwarded-For": forged + client + ", 10.0.0.5"})
            codes[st] = codes.get(st, 0) + 1
        eq(codes, {204: 400}, "answers")
        keys = [r[0] for r in c.query("SELECT visit FROM events")]
        eq((len(keys), len(set(keys))), (400, 400), "distinct visit keys")
        eq(c.stop(), 0, "clean exit")
    with Collector("--trust-proxy", "10.0.0.0/24") as c:  # 127.0.0.1 is not trusted
        for i in range(3):
            eq(c.post(ev(), headers={"X-Forwarded-For": "198.51.100.%d" % i})[0], 204, "untrusted peer")
        keys = {r[0] for r in c.query("SELECT visit FROM events")}
        eq(len(keys), 1, "an untrusted peer's X-Forwarded-For is ignored")
        assert "X-Forwarded-For" not in c.log(), "no warning with --trust-proxy set"
        eq(c.stop(), 0, "clean exit")
    with Collector() as c:
        for i in range(3):
            eq(c.post(ev(), headers={"X-Forwarded-For": "198.51.100.%d" % i})[0], 204, "no --trust-proxy")
        eq(len({r[0] for r in c.query("SELECT visit FROM events")}), 1, "ignored without --trust-proxy")
        eq(c.log().count("X-Forwarded-For come from a loopback address"), 1, "warned once: " + c.log())
        eq(c.stop(), 0, "clean exit")
    out = subprocess.run([COLLECTOR, "--trust-proxy", "10.0.0.0/33", "--db", "x.db"], capture_output=True,
                         text=True, timeout=10)
    eq(out.returncode, 2, "a bad network is a usage error")
    assert "'10.0.0.0/33'" in out.stderr, out.stderr


def ram_dir():
    """A fresh folder on tmpfs (the runtime directory of a test run)."""
    return tempfile.mkdtemp(prefix="lotse-run-", dir="/dev/shm")


def flow_keys(c):
    return [r[0] for r in c.query("SELECT visit FROM events ORDER BY id")]


def test_restart_mid_flow_keeps_the_visit_with_runtime_dir():
    """A flow started before a restart and finished after it is one visit
    when the restarted collector finds the day's salt in its runtime
    directory; a new runtime directory (a reboot) starts a new salt, and so
    does a restart without one. The salt file is 0600 and its salt is on no
    disk."""
    tmp = tempfile.mkdtemp(prefix="lotse-it-")
    db = os.path.join(tmp, "lotse.db")
    rd = ram_dir()
    flow = [ev("flow_start", service="antrag"), ev("flow_step", service="antrag", step=1),
            ev("flow_step", service="antrag", step=2), ev("flow_complete", service="antrag")]
    with Collector("--runtime-dir", rd, db=db, tmp=tmp) as c:
        eq(c.post(flow[:2])[0], 204, "before the restart")
        eq(c.stop(), 0, "clean exit")
    st = os.stat(os.path.join(rd, "visit-salt"))
    eq(st.st_mode & 0o777, 0o600, "salt file mode")
    env = dict(os.environ, RUNTIME_DIRECTORY=rd)  # systemd's RuntimeDirectory= is the default
    with Collector(db=db, tmp=tmp, env=env) as c:
        eq(c.post(flow[2:])[0], 204, "after the restart")
        keys = flow_keys(c)
        eq(len(set(keys)), 1, "one visit across the restart: %r" % keys)
        eq(c.stop(), 0, "clean exit")
    with Collector("--runtime-dir", ram_dir(), db=db, tmp=tmp) as c:
        eq(c.post(flow[0])[0], 204, "after a reboot")
        assert flow_keys(c)[-1] != keys[0], "a new runtime directory is a new salt"
        eq(c.stop(), 0, "clean exit")
    with Collector("--runtime-dir", "", db=db, tmp=tmp, env=env) as c:  # "" turns it off
        eq(c.post(flow[0])[0], 204, "without a runtime directory")
        assert flow_keys(c)[-1] != keys[0], "without a runtime directory the salt is the process's own"
        eq(c.stop(), 0, "clean exit")
    with open(os.path.join(rd, "visit-salt")) as f:
        salt_hex = f.read().split()[3].encode()
    blob = b"".join(open(db + sfx, "rb").read() for sfx in ("", "-wal") if os.path.exists(db + sfx))
    assert salt_hex not in blob and bytes.fromhex(salt_hex.decode()) not in blob, "the salt on disk"
    # Two collectors sharing the directory share the salt.
    with Collector("--runtime-dir", rd, tmp=tempfile.mkdtemp(prefix="lotse-it-")) as a, \
            Collector("--runtime-dir", rd, tmp=tempfile.mkdtemp(prefix="lotse-it-")) as b:
        eq(a.post(ev())[0], 204, "a")
        eq(b.post(ev())[0], 204, "b")
        eq(flow_keys(a), flow_keys(b), "one salt for collectors sharing the runtime directory")
        eq(flow_keys(a), [keys[0]], "the same as before their start")
        a.stop()
        b.stop()
    out = subprocess.run([COLLECTOR, "--runtime-dir", tmp, "--db", db, "--listen", "127.0.0.1:0"],
                         capture_output=True, text=True, timeout=10)
    fs_type = subprocess.run(["stat", "-f", "-c", "%T", tmp], capture_output=True, text=True).stdout.strip()
    if fs_type not in ("tmpfs", "ramfs"):  # the test folder is on disk here
        eq(out.returncode, 2, "a runtime directory on disk is refused: " + out.stderr)
        assert "not on tmpfs or ramfs" in out.stderr, out.stderr


def test_sites_origins_and_reload():
    tmp = tempfile.mkdtemp(prefix="lotse-it-")
    sites = write(tmp, "sites.csv", SITES)
    with Collector("--sites", sites, tmp=tmp) as c:
        st, _, body = c.post([ev(), ev(site="herten")], headers={"Origin": "https://www.gladbeck.de"})
        eq(st, 400, "unknown site")
        reply = json.loads(body)
        eq((reply["accepted"], reply["rejected"][0]["index"]), (1, 1), "reply")
        assert reply["rejected"][0]["error"].startswith("site: "), reply
        eq(c.post(ev(), headers={"Origin": "https://evil.example"})[0], 403, "foreign origin")
        eq(c.post([ev(), ev(site="bottrop")], headers={"Origin": "https://www.gladbeck.de"})[0], 403,
           "origin not allowed for one event's site")
        eq(c.post(ev(), headers={"Referer": "https://evil.example/page"})[0], 403, "foreign referer")
        eq(c.post(ev(), headers={"Referer": "https://gladbeck.de/x?y"})[0], 204, "own referer")
        # Only the Referer's scheme and authority count: not its length, nor its query's bytes.
        eq(c.post(ev(), headers={"Referer": "https://gladbeck.de/suche/?q=" + "a" * 2100})[0], 204,
           "own referer with a long query")
        eq(c.post(ev(), headers={"Referer": "https://gladbeck.de/?q=caf\xe9"})[0], 204,
           "own referer with a query that is not UTF-8")
        eq(c.post(ev(), headers={"Referer": "not a url"})[0], 403, "unusable referer")
        st, h, _ = c.post(ev(), headers={"Origin": "https://gladbeck.de"})
        eq((st, h.get("access-control-allow-origin")), (204, "https://gladbeck.de"), "CORS echo on 204")
        st, h, _ = c.post(ev(step="x"), headers={"Origin": "https://gladbeck.de"})
        eq((st, h.get("access-control-allow-origin")), (400, "https://gladbeck.de"), "CORS echo on 400")
        st, h, _ = c.post(ev(), headers={"Origin": "https://evil.example"})
        eq((st, h.get("access-control-allow-origin")), (403, None), "no CORS echo for a foreign origin")
        eq(c.post(ev())[0], 204, "neither origin nor referer")
        st, h, _ = c.request("OPTIONS", "/e", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in h, h
        eq(c.query("SELECT count(*) FROM events")[0][0], 6, "stored")
        eq(c.query("SELECT count(*) FROM rejects")[0][0], 2, "rejects")
        eq(c.metric('lotse_rejected_total{reason="origin"}'), 5, "origin metric")
        eq(c.metric('lotse_rejected_total{reason="unknown_site"}'), 1, "unknown site metric")
        eq(c.metric('lotse_rejected_total{reason="invalid_event"}'), 1, "invalid event metric")
        # SIGHUP re-reads the file.
        write(tmp, "sites.csv", SITES + "herten,Stadt Herten,https://www.herten.de\n")
        c.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while "re-read" not in c.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        eq(c.post(ev(site="herten"), headers={"Origin": "https://www.herten.de"})[0], 204, "after reload")
        # A broken file on reload keeps the old sites.
        write(tmp, "sites.csv", "herten,broken\n")
        c.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while "keeping the old sites" not in c.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "sites.csv:1:" in c.log(), c.log()
        eq(c.post(ev(site="herten"))[0], 204, "old sites kept")
        eq(c.stop(), 0, "exit")


def sites_file(n, extra=""):
    rows = ["site,name,origins"] + ["ort-%05d,Gemeinde %d,https://www.ort-%05d.de https://ort-%05d.de" % (i, i, i, i)
                                    for i in range(n)]
    return "\n".join(rows) + "\n" + extra


def test_20000_sites():
    """A sites file with 20 000 sites (every German municipality has room):
    start, the first and the last site with their origins, a foreign origin,
    an unknown site, CORS preflights, and SIGHUP re-reading a larger file."""
    tmp = tempfile.mkdtemp(prefix="lotse-it-")
    path = write(tmp, "sites.csv", sites_file(20000))
    t0 = time.monotonic()
    with Collector("--sites", path, "--rate-limit", "0", tmp=tmp) as c:
        started = time.monotonic() - t0
        for i in (0, 12345, 19999):
            origin = "https://ort-%05d.de" % i
            eq(c.post(ev(site="ort-%05d" % i), headers={"Origin": origin})[0], 204, "site %d" % i)
            st, h, _ = c.request("OPTIONS", "/e", headers={"Origin": origin})
            eq((st, h.get("access-control-allow-origin")), (204, origin), "preflight %d" % i)
        eq(c.post(ev(site="ort-00001"), headers={"Origin": "https://ort-00002.de"})[0], 403, "another site's origin")
        eq(c.post(ev(site="ort-20000"), headers={"Origin": "https://ort-00002.de"})[0], 400, "unknown site")
        write(tmp, "sites.csv", sites_file(20000, "neu,Neu,https://neu.example\n"))
        c.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while "(20001 sites)" not in c.log() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "re-read %s (20001 sites)" % path in c.log(), c.log()
        eq(c.post(ev(site="neu"), headers={"Origin": "https://neu.example"})[0], 204, "after SIGHUP")
        eq(c.query("SELECT count(*) FROM events")[0][0], 4, "stored")
        eq(c.stop(), 0, "clean exit")
    print("  20 000 sites: started and answering in %.2f s" % started)


def test_bad_sites_file_exits_2_naming_line():
    tmp = tempfile.mkdtemp(prefix="lotse-it-")
    sites = write(tmp, "sites.csv", "site,name,origins\ngladbeck,G,https://www.gladbeck.de\nBAD,x,https://x.de\n")
    out = subprocess.run([COLLECTOR, "--sites", sites, "--db", os.path.join(tmp, "x.db"), "--listen",
                          "127.0.0.1:0"], capture_output=True, text=True, timeout=10)
    eq(out.returncode, 2, "exit")
    assert sites + ":3:" in out.stderr, out.stderr


def test_bad_database_files():
    tmp = tempfile.mkdtemp(prefix="lotse-it-")
    garbage = write(tmp, "garbage.db", "this is no database at all\n" * 100)
    out = subprocess.run([COLLECTOR, "--db", garbage, "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                         timeout=10)
    eq(out.returncode, 1, "corrupt file exit")
    assert "garbage.db" in out.stderr and "not" in out.stderr, out.stderr
    foreign = os.path.join(tmp, "foreign.db")
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE customers (name TEXT)")
    con.commit()
    con.close()
    out = subprocess.run([COLLECTOR, "--db", foreign, "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                         timeout=10)
    eq(out.returncode, 1, "foreign database exit")
    assert "not a Lotse database" in out.stderr, out.stderr


def test_rate_limit():
    with Collector("--rate-limit", "5") as c:
        codes = [c.post(ev())[0] for _ in range(14)]
        eq(codes.count(204), 10, "burst of 2N: %r" % codes)
        st, h, body = c.post(ev())
        eq(st, 429, "limited")
        assert int(h["retry-after"]) >= 1, h
        assert b"error" in body
        eq(c.query("SELECT count(*) FROM events")[0][0], 10, "stored")
        c.stop()
    with Collector("--rate-limit", "0") as c:
        eq([c.post(ev())[0] for _ in range(150)].count(204), 150, "off")
        c.stop()
    # One client, one bucket: an IPv4-mapped address is its IPv4 address.
    with Collector("--rate-limit", "1", "--trust-proxy", "127.0.0.0/8") as c:
        codes = [c.post(ev(), headers={"X-Forwarded-For": xff})[0]
                 for xff in ("::ffff:198.51.100.7", "198.51.100.7", "::ffff:198.51.100.7", "198.51.100.8")]
        eq(codes, [204, 204, 429, 204], "mapped and plain share a bucket")
        c.stop()


def test_metrics_exposition():
    with Collector() as c:
        c.post([ev(), ev("search", q="hund", results=3)])
        c.request("GET", "/nowhere")
        st, h, body = c.request("GET", "/metrics")
        eq(st, 200, "status")
        assert h["content-type"].startswith("text/plain; version=0.0.4"), h
        text = body.decode()
        for line in ['lotse_events_stored_total{site="gladbeck",type="pageview"} 1',
                     'lotse_events_stored_total{site="gladbeck",type="search"} 1',
                     'lotse_requests_total{code="204"} 1', 'lotse_requests_total{code="404"} 1',
                     'lotse_rejected_total{reason="not_found"} 1', "lotse_queue_depth 0"]:
            assert line + "\n" in text, line
        assert "# TYPE lotse_commit_seconds histogram" in text
        c.stop()


def load_until_signal(c, sig, senders=8, seconds=1.5):
    """Posts pairs of events from several threads until sig is sent; returns the acknowledged names."""
    acked = []
    lock = threading.Lock()
    stop = threading.Event()

    def sender(k):
        i = 0
        while not stop.is_set():
            name = marker(k, i)
            i += 1
            try:
                st, _, _ = c.post([ev(step_name=name), ev(step_name=name + "b")])
            except Exception:  # noqa: BLE001 - the collector went away mid-request
                return
            if st == 204:
                with lock:
                    acked.append(name)
    threads = [threading.Thread(target=sender, args=(k,)) for k in range(senders)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    c.proc.send_signal(sig)
    c.proc.wait(timeout=20)
    stop.set()
    for t in threads:
        t.join()
    assert len(acked) > 50, "too little load: %d" % len(acked)
    return acked


def assert_all_stored(c, acked):
    stored = {r[0] for r in c.query("SELECT step_name FROM events")}
    missing = [n for n in acked if n not in stored or n + "b" not in stored]
    eq(missing, [], "acknowledged events missing (of %d)" % len(acked))


def test_sigterm_under_load_commits_and_exits_0():
    with Collector("--rate-limit", "0", "--max-connections-per-ip", "0") as c:
        acked = load_until_signal(c, signal.SIGTERM)
        eq(c.proc.returncode, 0, "exit after SIGTERM")
        assert "shutting down" in c.log(), c.log()
        assert_all_stored(c, acked)


def test_sigkill_loses_no_acknowledged_event():
    with Collector("--rate-limit", "0", "--max-connections-per-ip", "0") as c:
        acked = load_until_signal(c, signal.SIGKILL)
        assert_all_stored(c, acked)


def test_import_history():
    tmp = tempfile.mkdtemp(prefix="lotse-it-")
    lines = []
    for day, hour in [(19, 10), (19, 11), (20, 10)]:
        lines.append({"time": "2026-11-%02dT%02d:15:00+01:00" % (day, hour), "client": "203.0.113.7",
                      "ua": UA_FIREFOX_WIN, "origin": "https://www.gladbeck.de",
                      "event": ev("flow_start", service="hundeanmeldung")})
    lines.append({"time": "2026-11-19T12:00:00+01:00", "client": "203.0.113.7", "ua": UA_FIREFOX_WIN,
                  "event": ev("flow_step", service="hundeanmeldung", step=99)})
    lines.append("this line is broken")
    lines.append({"time": "2026-11-19T12:00:00+01:00", "client": "203.0.113.9", "ua": UA_GOOGLEBOT,
                  "event": ev()})
    lines.append("")
    db = os.path.join(tmp, "import.db")
    out = import_lines(db, lines, name="history.ndjson", timeout=30)
    eq(out.returncode, 0, "exit: " + out.stderr)
    eq(out.stdout.splitlines()[0], "imported 3, rejected 2", "summary")
    assert "history.ndjson:5:" in out.stderr, out.stderr
    con = sqlite3.connect(db)
    rows = con.execute("SELECT time, visit FROM events ORDER BY time").fetchall()
    rejects = con.execute("SELECT reason FROM rejects").fetchall()
    con.close()
    eq([r[0] for r in rows], [1795079700000, 1795083300000, 1795166100000], "times")
    eq(rows[0][1], rows[1][1], "same day, same key")
    assert rows[0][1] != rows[2][1], "other day, other key"
    eq(len(rejects), 1, "invalid event stored as reject")
    assert rejects[0][0].startswith("step: "), rejects
    # Standard input works too.
    out = import_lines(db, lines[:1], stdin=True, timeout=30)
    eq(out.stdout.strip(), "imported 1, rejected 0", "stdin")


def test_import_spellings_of_one_address_one_key():
    lines = [{"time": "2026-11-19T10:00:00+01:00", "client": c, "ua": UA_FIREFOX_WIN, "event": ev()}
             for c in ("2001:DB8::1", "2001:db8:0::1", "2001:db8::2", "not an address")]
    db = os.path.join(tempfile.mkdtemp(prefix="lotse-it-"), "import.db")
    out = import_lines(db, lines, timeout=30)
    eq(out.returncode, 0, out.stderr)
    con = sqlite3.connect(db)
    keys = [r[0] for r in con.execute("SELECT visit FROM events ORDER BY id")]
    con.close()
    eq(len(keys), 4, "stored")
    eq(keys[0], keys[1], "one address, two spellings: one key")
    assert keys[2] != keys[0] and keys[3] != keys[0], keys


def test_cors_echo_per_origin():
    """The 204s are shared per origin (server.c): each answer still echoes its own request's origin."""
    with Collector() as c:
        origins = ["https://www.gladbeck.de", "https://www.bottrop.de"] + \
                  ["https://o%d.example" % i for i in range(70)] + ["https://www.gladbeck.de"]
        for o in origins:
            st, h, _ = c.post(ev(), headers={"Origin": o})
            eq((st, h.get("access-control-allow-origin"), h.get("vary")), (204, o, "Origin"), o)
            eq(h.get("cache-control"), "no-store", "cache-control")
        st, h, _ = c.post(ev())
        eq(st, 204, "without Origin")
        assert "access-control-allow-origin" not in h and "vary" not in h, h
        eq(c.query("SELECT count(*) FROM events")[0][0], len(origins) + 1, "stored")
        eq(c.metric('lotse_requests_total{code="204"}'), len(origins) + 1, "204s counted")


if __name__ == "__main__":
    run_tests("collector_integration", dict(globals()))
