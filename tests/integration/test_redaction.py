# SPDX-License-Identifier: EUPL-1.2
"""test_redaction.py — the redaction corpus of tests/redaction/ end to end
through the real lotse-collector: every personal value of pii.txt is posted as
q, inside a query, as step_name and target, as a path segment of url, ref,
href and message, every host of pii.txt as ref and href (also through the GET
pixel), and every ordinary value of benign.txt the same way. The database is
read back: each stored value must be exactly what the redaction rules say
(pii.txt's EXPECTED column; benign values unchanged), and a dump of the
database files must hold none of the personal values in any form that was
sent. Also: IBANs refused in flow, field and reason, and free-text script
errors refused with a reject row. The rules themselves are unit-tested in
tests/unit/test_reduce.c; this file proves the collector applies them to
every field on the way to the disk."""
import json
import os
import sqlite3
import urllib.parse

from harness import Collector, eq, ev, run_tests

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "redaction")
PAGE = "https://www.gladbeck.de"
MAX_BODY = 12000  # bytes per POST, below the collector's 16 KiB default


def unescape(value):
    """The corpus's \\uXXXX escapes (the only escapes it has)."""
    out, i = [], 0
    while i < len(value):
        if value.startswith("\\u", i):
            out.append(chr(int(value[i + 2:i + 6], 16)))
            i += 6
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def read_corpus(name):
    with open(os.path.join(CORPUS, name), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]


def pii_values():
    """(expected, value) pairs of pii.txt."""
    rows = []
    for line in read_corpus("pii.txt"):
        expected, value = line.split("\t", 1)
        rows.append((expected, unescape(value)))
    return rows


def enc(value):
    """A path segment as a browser sends it: everything but letters, digits and -._~ percent-encoded."""
    return urllib.parse.quote(value, safe="-._~")


def post_all(c, events):
    """Posts the events in batches of at most 50 events and MAX_BODY bytes; returns the 400 bodies."""
    refused, batch, size = [], [], 2
    for e in events + [None]:
        line = json.dumps(e, ensure_ascii=False) if e is not None else ""
        if e is None or len(batch) == 50 or size + len(line.encode()) + 1 > MAX_BODY:
            if batch:
                st, _, body = c.post(("[" + ",".join(batch) + "]").encode("utf-8"))
                assert st in (204, 400), (st, body)
                if st == 400:
                    refused.append(json.loads(body))
            batch, size = [], 2
        if e is not None:
            batch.append(line)
            size += len(line.encode()) + 1
    return refused


def stored_rows(c):
    rows = {}
    for r in c.query("SELECT flow, type, path, ref, q, step_name, target, href, message FROM events "
                     "WHERE flow IS NOT NULL"):
        rows[r[0]] = dict(zip(("flow", "type", "path", "ref", "q", "step_name", "target", "href", "message"), r))
    return rows


def tagged(tag, type_, url=PAGE + "/", **fields):
    """An event whose flow id names the check it belongs to, so that its row can be found."""
    return ev(type_, url=url, flow=tag, **fields)


def text_events(tag, value, segment):
    """Events carrying a text value in every field it can be sent in."""
    events = [
        tagged(tag + "q", "search", q=value, results=0),
        tagged(tag + "w", "search", q="kontakt %s bitte" % value, results=0),
        tagged(tag + "p", "pageview", url=PAGE + "/a/%s/b" % segment, ref=PAGE + "/r/%s" % segment),
        tagged(tag + "h", "outlink", href="https://www.bottrop.de/f/%s" % segment),
    ]
    if len(value) <= 80:
        events += [tagged(tag + "s", "flow_step", service="test", step=1, step_name=value),
                   tagged(tag + "t", "rage_click", target=value)]
    message = "TypeError /js/%s/app.js:12:5" % segment
    if len(message) <= 200:
        events.append(tagged(tag + "m", "js_error", message=message))
    return events


def segment_events(tag, segment):
    events = [tagged(tag + "p", "pageview", url=PAGE + "/a/%s/b" % segment, ref=PAGE + "/r/%s" % segment),
              tagged(tag + "h", "outlink", href="https://www.bottrop.de/f/%s" % segment)]
    message = "TypeError /js/%s/app.js:12:5" % segment
    if len(message) <= 200:
        events.append(tagged(tag + "m", "js_error", message=message))
    return events


def check_segment_rows(rows, tag, want, value, misses):
    """The rows of segment_events (and of text_events' path fields): the segment stored as want."""
    checks = [(tag + "p", "path", "/a/%s/b" % want), (tag + "p", "ref", "/r/%s" % want),
              (tag + "h", "href", "www.bottrop.de/f/%s" % want), (tag + "m", "message",
                                                                  "TypeError /js/%s/app.js:12:5" % want)]
    for flow, column, expected in checks:
        if flow.endswith("m") and flow not in rows and len("TypeError /js/%s/app.js:12:5" % value) > 200:
            continue
        got = rows.get(flow, {}).get(column)
        if got != expected:
            misses.append("%s %s: %r -> %r, want %r" % (flow, column, value, got, expected))


def database_text(c):
    """Every byte of the database files and every text value in it, lower-cased."""
    blob = b""
    for suffix in ("", "-wal", "-shm"):
        path = c.db + suffix
        if os.path.exists(path):
            with open(path, "rb") as f:
                blob += f.read()
    con = sqlite3.connect("file:%s?mode=ro" % c.db, uri=True)
    try:
        dump = "\n".join(con.iterdump())
    finally:
        con.close()
    return blob.decode("utf-8", "replace").lower() + "\n" + dump.lower()


def leaked_forms(value):
    """The forms in which a personal value was sent and must not be found."""
    forms = {value.lower(), enc(value).lower()}
    digits = "".join(ch for ch in value if ch.isascii() and ch.isdigit())
    if len(digits) >= 7:
        forms.add(digits)
    return {f for f in forms if len(f) >= 5}


def test_personal_values_never_reach_the_disk():
    pii = pii_values()
    assert len(pii) >= 300, len(pii)
    events, pixels = [], []
    for i, (expected, value) in enumerate(pii):
        tag = "pii%04d" % i
        if expected == ":id":
            events += segment_events(tag, value)
        elif expected == "[ip]":
            events += [tagged(tag + "r", "pageview", ref="https://%s/x" % value),
                       tagged(tag + "h", "outlink", href="https://%s/x" % value)]
            pixels.append("https://%s/x?q=1" % value)
        else:
            events += text_events(tag, value, enc(value))
            pixels.append(PAGE + "/a/%s/b" % enc(value))
    with Collector("--rate-limit", "0") as c:
        refused = post_all(c, events)
        assert not refused, "refused: %s" % json.dumps(refused)[:2000]
        for url in pixels:
            params = {"site": "gladbeck", "type": "pageview"}
            if url.startswith(PAGE):
                params["url"] = url
            else:
                params.update(url=PAGE + "/pixel", ref=url)
            st, _, _ = c.request("GET", "/e?" + urllib.parse.urlencode(params))
            eq(st, 200, "pixel " + url)
        rows = stored_rows(c)
        eq(len(rows), len(events), "stored events")
        pixel_rows = c.query("SELECT path, ref FROM events WHERE flow IS NULL")
        eq(len(pixel_rows), len(pixels), "pixel events")
        misses = []
        for path, ref in pixel_rows:
            if not (path == "/a/:id/b" or (path == "/pixel" and ref == "[ip]")):
                misses.append("pixel: %r %r" % (path, ref))
        for i, (expected, value) in enumerate(pii):
            tag = "pii%04d" % i
            if expected == ":id":
                check_segment_rows(rows, tag, ":id", value, misses)
                continue
            if expected == "[ip]":
                for flow, column, want in ((tag + "r", "ref", "[ip]"), (tag + "h", "href", "[ip]/x")):
                    got = rows.get(flow, {}).get(column)
                    if got != want:
                        misses.append("%s %s: %r -> %r" % (flow, column, value, got))
                continue
            checks = [(tag + "q", "q", expected), (tag + "w", "q", "kontakt %s bitte" % expected)]
            for flow, column, want in checks:
                got = rows.get(flow, {}).get(column)
                if got != want:
                    misses.append("%s %s: %r -> %r, want %r" % (flow, column, value, got, want))
            for flow, column in ((tag + "s", "step_name"), (tag + "t", "target")):
                got = rows.get(flow, {}).get(column)
                if len(value) <= 80 and (got is None or got.lower() != expected.lower()):
                    misses.append("%s %s: %r -> %r, want %r" % (flow, column, value, got, expected))
            check_segment_rows(rows, tag, ":id", enc(value), misses)
        c.stop()
        text = database_text(c)
    for expected, value in pii:
        if expected == "[ip]":
            host = value.lower().rstrip(".")
            if host.startswith("[") and "]" in host:
                host = host[1:host.index("]")]
            elif ":" in host:
                host = host.split(":")[0]
            if host in text:
                misses.append("host %r found in the database" % value)
            continue
        for form in leaked_forms(value):
            if form in text:
                misses.append("%r (as %r) found in the database" % (value, form))
    assert not misses, "%d misses:\n%s" % (len(misses), "\n".join(misses[:60]))


def test_ordinary_values_arrive_unchanged():
    benign = read_corpus("benign.txt")
    assert len(benign) >= 300, len(benign)
    events = []
    for i, value in enumerate(benign):
        tag = "benign%04d" % i
        if value.startswith("/"):
            events += [tagged(tag + "p", "pageview", url=PAGE + value, ref=PAGE + value),
                       tagged(tag + "h", "outlink", href=PAGE + value),
                       tagged(tag + "m", "js_error", message="Error %s:1:2" % value)]
        else:
            events += text_events(tag, value, enc(value))
    with Collector("--rate-limit", "0") as c:
        refused = post_all(c, events)
        assert not refused, "refused: %s" % json.dumps(refused)[:2000]
        rows = stored_rows(c)
        eq(len(rows), len(events), "stored events")
    misses = []
    for i, value in enumerate(benign):
        tag = "benign%04d" % i
        if value.startswith("/"):
            checks = [(tag + "p", "path", value), (tag + "p", "ref", value),
                      (tag + "h", "href", "www.gladbeck.de" + value), (tag + "m", "message", "Error %s:1:2" % value)]
        else:
            checks = [(tag + "q", "q", value.lower()), (tag + "w", "q", "kontakt %s bitte" % value.lower())]
            if len(value) <= 80:
                checks += [(tag + "s", "step_name", value), (tag + "t", "target", value)]
            check_segment_rows(rows, tag, enc(value), value, misses)
        for flow, column, want in checks:
            got = rows.get(flow, {}).get(column)
            if got != want:
                misses.append("%s %s: %r -> %r, want %r" % (flow, column, value, got, want))
    assert not misses, "%d changed:\n%s" % (len(misses), "\n".join(misses[:60]))


def test_ibans_refused_in_flow_field_and_reason():
    ibans = ["DE89370400440532013000", "DE89-3704-0044-0532-0130-00", "de89.3704.0044.0532.0130.00",
             "GB29NWBK60161331926819", "nl91abna0417164300"]
    events = []
    for iban in ibans:
        if "." not in iban:  # flow's pattern has no dot
            events.append(ev("flow_start", service="test", flow=iban))
        events.append(ev("field_error", service="test", field=iban, error="format"))
        if iban == iban.lower() and "-" not in iban and "." not in iban:
            events.append(ev("flow_abort", service="test", reason=iban))
    # A failing check digit is no IBAN: these are stored.
    events += [ev("flow_start", service="test", flow="DE89370400440532013001"),
               ev("field_error", service="test", field="iban", error="format")]
    with Collector("--rate-limit", "0") as c:
        st, _, body = c.post(events)
        eq(st, 400, "status")
        answer = json.loads(body)
        eq(answer["accepted"], 2, "accepted")
        errors = sorted({r["error"] for r in answer["rejected"]})
        eq(errors, ["field: must not be an IBAN", "flow: must not be an IBAN", "reason: must not be an IBAN"],
           "errors")
        eq(len(answer["rejected"]), len(events) - 2, "rejected")
        reasons = sorted({r[0] for r in c.query("SELECT reason FROM rejects")})
        eq(reasons, errors, "reject rows")
        c.stop()
        text = database_text(c)
    for iban in ibans:
        assert iban.lower() not in text, iban


def test_free_text_script_errors_are_refused():
    texts = ["Error: Adresse nicht gefunden: Holunderweg 77a, 45964 Kleinkleckersdorf",
             "Uncaught TypeError: Cannot read properties of undefined (reading 'Mustermann')",
             "TypeError: max.mustermann@example.de is not a function",
             "TypeError /js/app.js:12", "TypeError app.js:12:5", "Error  /js/app.js:1:1"]
    with Collector("--rate-limit", "0") as c:
        st, _, body = c.post([ev("js_error", message=t) for t in texts] +
                             [ev("js_error", message="TypeError /js/app.js;jsessionid=4711ABCD:12:5"),
                              ev("js_error", message="ReferenceError")])
        eq(st, 400, "status")
        answer = json.loads(body)
        eq(answer["accepted"], 2, "accepted")
        eq({r["error"] for r in answer["rejected"]}, {"message: must be NAME or NAME PATH:LINE:COL"}, "errors")
        eq(sorted(r[0] for r in c.query("SELECT message FROM events")),
           ["ReferenceError", "TypeError /js/app.js:12:5"], "stored messages")
        eq(c.query("SELECT count(*), min(reason) FROM rejects WHERE type = 'js_error'")[0],
           (len(texts), "message: must be NAME or NAME PATH:LINE:COL"), "reject rows")
        c.stop()
        text = database_text(c)
    for needle in ["holunderweg", "kleinkleckersdorf", "45964", "mustermann", "jsessionid", "4711abcd"]:
        assert needle not in text, needle


if __name__ == "__main__":
    run_tests("redaction_integration", dict(globals()))
