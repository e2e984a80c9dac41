# SPDX-License-Identifier: EUPL-1.2
"""test_hardening_requests.py — hostile requests against the real collector
(issue 6, "Hostile requests"): broken UTF-8, NUL escapes, deep nesting, bad
numbers, duplicate keys, trailing garbage, empty batches, huge strings,
ambiguous framing (Content-Length with Transfer-Encoding, two lengths),
oversized chunked bodies, enormous headers, TLS and binary garbage on the
plain port, half-sent requests. Each must get a 4xx or a closed connection —
never a 5xx, a hang or a crash — and a valid marker event sent after each
one must be stored. SQL, HTML and spreadsheet formulas in every free-text
field stay inert: bound as text in SQLite, guarded in the excel CSV,
escaped in the HTML report."""
import csv
import json
import os
import re

from harness import Collector, eq, ev, run_report, run_tests
from hostile import chunked, event_bytes, exchange, post_bytes, post_chunked

GOOD = event_bytes()
URL = b"https://www.gladbeck.de/"


def with_url(raw):
    """GOOD with raw bytes appended to the url's path (inside the JSON string)."""
    return GOOD.replace(URL, URL + raw)


def raw_event(field, raw):
    """A pageview with field set to raw JSON text (not quoted)."""
    return b'{"site":"gladbeck","type":"feedback","url":"https://www.gladbeck.de/","' + \
        field.encode() + b'":' + raw + b"}"


# (name, request bytes, expected status or None for "any 4xx or a close").
# The only 204 among them is a valid event with an absurd Origin: without
# --sites every origin is accepted, so it is stored (and counted below).
BODY_CASES = [
    ("invalid utf-8 byte", post_bytes(with_url(b"\xff")), 400),
    ("overlong utf-8 '/'", post_bytes(with_url(b"\xc0\xaf")), 400),
    ("overlong 3-byte", post_bytes(with_url(b"\xe0\x80\xaf")), 400),
    ("utf-8 surrogate", post_bytes(with_url(b"\xed\xa0\x80")), 400),
    ("beyond U+10FFFF", post_bytes(with_url(b"\xf4\x90\x80\x80")), 400),
    ("truncated sequence", post_bytes(with_url(b"\xe2\x82")), 400),
    ("invalid utf-8 in key", post_bytes(GOOD.replace(b'"site"', b'"si\xfete"')), 400),
    ("lone surrogate escape", post_bytes(with_url(b"\\ud800")), 400),
    ("reversed surrogates", post_bytes(with_url(b"\\udc00\\ud800")), 400),
    ("NUL escape in url", post_bytes(with_url(b"a\\u0000b")), 400),
    ("NUL escape in step_name", post_bytes(event_bytes(step_name="a\x00b")), 400),
    ("raw NUL byte", post_bytes(GOOD[:-1] + b"\x00}"), 400),
    ("raw control char in string", post_bytes(with_url(b"\x01")), 400),
    ("bad escape", post_bytes(with_url(b"\\x41")), 400),
    ("nested arrays 5000 deep", post_bytes(b"[" * 5000 + b"]" * 5000), 400),
    ("nested objects 2000 deep", post_bytes(b'{"a":' * 2000 + b"1" + b"}" * 2000), 400),
    ("deep value in unknown field", post_bytes(GOOD[:-1] + b',"x":' + b"[" * 5000 + b"]" * 5000 + b"}"), 400),
    ("unclosed nesting", post_bytes(b"[" * 8000), 400),
    ("step 1e400", post_bytes(raw_event("rating", b"1e400")), 400),
    ("rating 10^25", post_bytes(raw_event("rating", b"10000000000000000000000000")), 400),
    ("rating -9223372036854775809", post_bytes(raw_event("rating", b"-9223372036854775809")), 400),
    ("rating 3.0", post_bytes(raw_event("rating", b"3.0")), 400),
    ("rating \"3\"", post_bytes(raw_event("rating", b'"3"')), 400),
    ("rating true", post_bytes(raw_event("rating", b"true")), 400),
    ("rating null", post_bytes(raw_event("rating", b"null")), 400),
    ("rating [3]", post_bytes(raw_event("rating", b"[3]")), 400),
    ("rating 0x3", post_bytes(raw_event("rating", b"0x3")), 400),
    ("rating 03", post_bytes(raw_event("rating", b"03")), 400),
    ("rating NaN", post_bytes(raw_event("rating", b"NaN")), 400),
    ("rating Infinity", post_bytes(raw_event("rating", b"Infinity")), 400),
    ("rating -0", post_bytes(raw_event("rating", b"-0")), 400),
    ("rating 6", post_bytes(raw_event("rating", b"6")), 400),
    ("age -1", post_bytes(GOOD[:-1] + b',"age":-1}'), 400),
    ("age 600001", post_bytes(GOOD[:-1] + b',"age":600001}'), 400),
    ("site as number", post_bytes(GOOD.replace(b'"gladbeck"', b"17")), 400),
    ("type as object", post_bytes(GOOD.replace(b'"pageview"', b"{}")), 400),
    ("duplicate key", post_bytes(GOOD[:-1] + b',"site":"bottrop"}'), 400),
    ("duplicate type", post_bytes(GOOD[:-1] + b',"type":"search"}'), 400),
    ("trailing garbage", post_bytes(GOOD + b"x"), 400),
    ("two objects", post_bytes(GOOD + GOOD), 400),
    ("trailing comma", post_bytes(GOOD[:-1] + b",}"), 400),
    ("array trailing comma", post_bytes(b"[" + GOOD + b",]"), 400),
    ("empty body", post_bytes(b""), 400),
    ("whitespace body", post_bytes(b" \r\n\t "), 400),
    ("empty batch", post_bytes(b"[]"), 400),
    ("empty object", post_bytes(b"{}"), 400),
    ("bare string", post_bytes(b'"pageview"'), 400),
    ("bare number", post_bytes(b"42"), 400),
    ("batch of 51", post_bytes(json.dumps([ev()] * 51).encode()), 413),
    ("step_name 15000 chars", post_bytes(event_bytes(step_name="x" * 15000)), 400),
    ("url 2049 bytes", post_bytes(event_bytes(url="https://www.gladbeck.de/" + "a" * 2030)), 400),
    ("string of 1 MiB", post_bytes(event_bytes(step_name="x" * (1 << 20))), 413),
    ("chunked body of 200 KiB", post_chunked(b"[" + b" " * (200 * 1024) + b"]"), 413),
    ("chunked, tiny chunks over the limit", post_chunked(b" " * 20000 + GOOD), 413),
    ("json with BOM", post_bytes(b"\xef\xbb\xbf" + GOOD), 400),
    ("UTF-16 body", post_bytes(GOOD.decode().encode("utf-16")), 400),
    ("latin-1 charset", post_bytes(GOOD, content_type="text/plain; charset=ISO-8859-1"), 415),
    ("form content type", post_bytes(b"site=gladbeck", content_type="application/x-www-form-urlencoded"), 415),
    ("multipart", post_bytes(b"--x\r\n\r\n" + GOOD, content_type="multipart/form-data; boundary=x"), 415),
]

FRAMING_CASES = [
    ("Content-Length and Transfer-Encoding",
     b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n" + chunked(GOOD), 400),
    ("two different Content-Length",
     b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
     b"Content-Length: 4\r\n\r\n" % len(GOOD) + GOOD, 400),
    ("two equal Content-Length",
     b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
     b"Content-Length: %d\r\n\r\n" % (len(GOOD), len(GOOD)) + GOOD, 400),
    ("Transfer-Encoding gzip (read until close)",
     b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: gzip\r\n\r\n" + GOOD, 400),
    ("Transfer-Encoding gzip, chunked",
     b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
     + chunked(GOOD), 400),
    ("two Transfer-Encoding",
     b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n" + chunked(GOOD), 400),
    ("Transfer-Encoding on GET /healthz",
     b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n", 400),
    ("chunk size overflow",
     b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"FFFFFFFFFFFFFFFFFFFFFFFF\r\nabc", None),
    ("chunk size not hex",
     b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"zz\r\nabc\r\n0\r\n\r\n", None),
    ("Content-Length negative", post_bytes(GOOD, length=-1), 400),
    ("Content-Length 10^23", post_bytes(GOOD, length=10 ** 23), 413),
    ("Content-Length hex", post_bytes(GOOD).replace(b"Content-Length: %d" % len(GOOD), b"Content-Length: 0x40"), 400),
    ("Content-Length 10 MB with Expect: 100-continue",
     b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 10000000\r\n"
     b"Expect: 100-continue\r\n\r\n", 413),
    ("header of 100 KB", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 100000 + b"\r\n\r\n", None),
    ("5000 headers", b"GET /healthz HTTP/1.1\r\nHost: x\r\n" +
     b"".join(b"X-%d: y\r\n" % i for i in range(5000)) + b"\r\n", None),
    ("URL of 60 KB", b"GET /e?site=" + b"a" * 60000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", None),
    ("Origin of 10 KB on a beacon", post_bytes(GOOD, extra=b"Origin: https://" + b"o" * 10000 + b"\r\n"), 204),
    ("header without colon", b"GET /healthz HTTP/1.1\r\nHost: x\r\nBroken header\r\n\r\n", 400),
    ("NUL in the request line", b"GET /e\x00x HTTP/1.1\r\nHost: x\r\n\r\n", None),
    ("unknown method", b"FOO /e HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    ("HTTP/0.9 request", b"GET /healthz\r\n\r\n", None),
    # Strict parsing (issue 15, item 5): what libmicrohttpd 0.9.75 alone accepts.
    ("bare LF line ends", b"POST /e HTTP/1.1\nHost: x\nContent-Type: text/plain\nContent-Length: %d\n\n"
     % len(GOOD) + GOOD, 400),
    ("bare LF after the request line", b"GET /healthz HTTP/1.1\nHost: x\r\n\r\n", 400),
    ("bare LF ending one field", b"GET /healthz HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n", 400),
    ("bare LF ending the header", post_bytes(GOOD).replace(b"\r\n\r\n", b"\r\n\n"), 400),
    ("bare CR in a field", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400),
    ("space before the colon", post_bytes(GOOD).replace(b"Content-Length:", b"Content-Length :"), 400),
    ("tab before the colon", post_bytes(GOOD).replace(b"Content-Length:", b"Content-Length\t:"), 400),
    ("obs-fold continuation line", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400),
    ("HTTP/1.1 without Host", b"GET /healthz HTTP/1.1\r\n\r\n", 400),
    ("NUL in a pixel value", b"GET /e?site=hx%00evil&type=pageview&url=https%3A%2F%2Fwww.gladbeck.de%2F "
     b"HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ("NUL in a pixel name", b"GET /e?site=gladbeck&type=pageview&url=https%3A%2F%2Fwww.gladbeck.de%2F&r%00=1 "
     b"HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ("NUL in the path", b"GET /e%00 HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    ("NUL in the path of a POST", post_bytes(GOOD).replace(b"POST /e ", b"POST /e%00 "), 404),
    ("NUL in the path of the script", b"GET /lotse.js%00.png HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    ("TLS ClientHello", bytes.fromhex("16030100f5010000f10303") + bytes(range(32)) +
     b"\x00\x00\x08\x13\x01\x13\x02\x13\x03\x00\xff\x01\x00\x00\xa0" + b"\x00" * 160, None),
    ("binary garbage", bytes(range(256)) * 8, None),
]

# libmicrohttpd answers these itself, before any handler runs, with 505 and a close.
VERSION_CASES = [
    ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    ("HTTP/9.9", b"GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"),
]


def check_alive(c, name, markers):
    """The collector still runs and stores a valid event sent right after a hostile case."""
    if c.proc.poll() is not None:
        raise AssertionError("collector died after %r: %s" % (name, c.log()[-2000:]))
    m = "m%d" % len(markers)
    st, _, body = c.post(ev(step_name=m))
    eq(st, 204, "marker after %r (%s)" % (name, body))
    markers.append(m)


def run_cases(c, cases, markers):
    for name, data, want in cases:
        try:
            r = exchange(c.port, data, timeout=8)
        except AssertionError as e:
            raise AssertionError("%s: %s" % (name, e)) from None
        if want is None:
            ok = (r.status is None and r.closed) or (r.status is not None and 400 <= r.status < 500)
        else:
            ok = r.status == want
        if not ok:
            raise AssertionError("%s: want %s, got %r" % (name, want or "4xx or close", r))
        check_alive(c, name, markers)


def test_hostile_bodies_get_4xx_and_markers_are_stored():
    with Collector("--rate-limit", "0") as c:
        markers = []
        check_alive(c, "start", markers)
        run_cases(c, BODY_CASES, markers)
        stored = sorted(r[0] for r in c.query("SELECT step_name FROM events"))
        eq(stored, sorted(markers), "only the markers are stored")
        eq(c.metric('lotse_requests_total{code="500"}'), 0.0, "no 500")
        eq(c.metric('lotse_requests_total{code="503"}'), 0.0, "no 503")
        eq(c.stop(), 0, "clean exit")


def test_hostile_framing_and_headers_get_4xx_or_close():
    with Collector("--rate-limit", "0") as c:
        markers = []
        run_cases(c, FRAMING_CASES, markers)
        stored = sorted(r[0] for r in c.query("SELECT step_name FROM events WHERE step_name IS NOT NULL"))
        eq(stored, sorted(markers), "markers stored")
        # The Origin case may be accepted (no --sites): at most that one unmarked event.
        n = c.query("SELECT count(*) FROM events WHERE step_name IS NULL")[0][0]
        assert n <= 1, "smuggled or duplicated events stored: %d" % n
        eq(c.stop(), 0, "clean exit")


def test_unsupported_http_version_closes():
    """505 is libmicrohttpd's own answer to a version it does not speak; the
    handler never runs. Proven here: it is that status, the connection is
    closed, nothing is stored, the collector goes on serving."""
    with Collector("--rate-limit", "0") as c:
        markers = []
        for name, data in VERSION_CASES:
            r = exchange(c.port, data, timeout=8)
            assert r.status == 505 or (r.status is None and r.closed), "%s: %r" % (name, r)
            check_alive(c, name, markers)
        eq(c.query("SELECT count(*) FROM events")[0][0], len(markers), "only markers")
        c.stop()


def test_half_sent_requests_store_nothing():
    """A request cut off (then half-closed by the client) is dropped after
    --timeout at the latest: no answer, or a 4xx, never a stored event."""
    body = GOOD
    half = [
        ("request line only", b"POST /e HTTP/1.1\r\n"),
        ("empty lines only", b"\r\n" * 2000),
        ("headers without the blank line", post_bytes(body).split(b"\r\n\r\n")[0] + b"\r\n"),
        ("half the body", post_bytes(body)[:-len(body) // 2]),
        ("chunked without the last chunk", post_chunked(body)[:-5]),
        ("chunk header only", b"POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                              b"Transfer-Encoding: chunked\r\n\r\n40\r\n"),
    ]
    with Collector("--rate-limit", "0", "--timeout", "2") as c:
        markers = []
        for name, data in half:
            r = exchange(c.port, data, timeout=5, half_close=True)
            assert r.status is None or 400 <= r.status < 500, "%s: %r" % (name, r)
            check_alive(c, name, markers)
        stored = sorted(r[0] for r in c.query("SELECT step_name FROM events"))
        eq(stored, sorted(markers), "nothing of a half request is stored")
        c.stop()


# Text that must stay text: SQL, HTML, spreadsheet formulas.
PAYLOADS = [
    "'); DROP TABLE events; --",
    "\" OR 1=1 --",
    "Robert'); DELETE FROM events WHERE ('1'='1",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "</td></tr></table><h1>x</h1>",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
# Payloads that fit the URL path rules (no spaces or quotes in a URL).
PATH_PAYLOADS = ["<script>alert(1)</script>", "=HYPERLINK(1)", "-2+3", "@SUM(1)", "+1+1",
                 "'--;DROP%20TABLE%20events"]
FORMULA_START = tuple("=+-@\t\r")


def injection_events():
    events = []
    for i, p in enumerate(PAYLOADS):
        flow = "inject-%04d" % i
        events += [
            ev("flow_start", service="hardening", flow=flow, step_name=p),
            ev("flow_step", service="hardening", flow=flow, step=2, step_name=p),
            ev("search", q=p, results=0),
            ev("rage_click", target=p),
        ]
    # A message is only "NAME PATH:LINE:COL" (free text is refused): the payloads go into its PATH.
    for p in PATH_PAYLOADS:
        events += [ev("pageview", url="https://www.gladbeck.de/" + p, ref="https://www.gladbeck.de/r/" + p),
                   ev("outlink", href="https://evil.example/" + p),
                   ev("js_error", message="Error /%s:1:2" % p)]
    # Field, service and flow names may begin with '-': a formula too.
    events += [ev("field_error", service="-1-1", field="-2-3", error="format"),
               ev("flow_start", service="-1-1", flow="-AAAAAAAA")]
    return events


def test_injected_text_is_inert_in_db_csv_and_html():
    with Collector("--rate-limit", "0", "--visit-key", "daily") as c:
        events = injection_events()
        for i in range(0, len(events), 50):
            st, _, body = c.post(events[i:i + 50])
            eq(st, 204, "injection batch %d: %s" % (i, body))
        n = c.query("SELECT count(*) FROM events")[0][0]
        eq(n, len(events), "all stored")
        tables = {r[0] for r in c.query("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"events", "rejects"} <= tables, tables
        names = {r[0] for r in c.query("SELECT step_name FROM events WHERE type='flow_step'")}
        eq(names, set(PAYLOADS), "step names stored verbatim")
        targets = {r[0] for r in c.query("SELECT target FROM events WHERE type='rage_click'")}
        eq(targets, set(PAYLOADS), "targets stored verbatim")
        kinds = {r[0] for r in c.query("SELECT DISTINCT typeof(step_name) FROM events WHERE step_name IS NOT NULL")}
        eq(kinds, {"text"}, "stored as text")
        eq(c.stop(), 0, "clean exit")
    out = os.path.join(c.tmp, "report")
    r = run_report(["--db", c.db, "--out", out, "--min-count", "1", "--csv", "excel", "--no-charts", "--quiet"])
    eq(r.returncode, 0, "reporter exit: " + r.stderr)
    seen_payload_cells = 0
    for name in sorted(os.listdir(out)):
        if not name.endswith(".csv"):
            continue
        with open(os.path.join(out, name), encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f, delimiter=";"):
                for cell in row:
                    if cell.startswith(FORMULA_START) and not re.fullmatch(r"-?\d+(,\d+)?", cell):
                        raise AssertionError("%s: formula cell %r" % (name, cell))
                    if cell.startswith("'") and any(cell[1:].lower() == p.lower() for p in PAYLOADS):
                        seen_payload_cells += 1
    assert seen_payload_cells > 0, "no guarded payload reached the CSV at all"
    with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
        html = f.read()
    for bad in ("<script>alert", "<img src=x", "</table><h1>x"):
        assert bad not in html.lower(), "unescaped %r in the HTML" % bad
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "payload not shown escaped"


if __name__ == "__main__":
    run_tests("hardening_requests", globals())
