# SPDX-License-Identifier: EUPL-1.2
"""test_report.py — data-driven tests of lotse-report: small event sets made
through `lotse-collector --import`, with expected CSV values computed by hand
(see the comments at each case) from REPORT.md's definitions."""
import datetime
import math
import os
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lotse_testlib import (UA_DESKTOP, UA_PHONE, agresti_coull, by, eq, ev, make_db, num,  # noqa: E402
                           read_csv, run_report, run_tests, url)


def tmpdir():
    """This run's folder: run_tests points tempfile at one and removes it at the end."""
    return tempfile.gettempdir()


def near(got, want, tol, what=""):
    assert got is not None and abs(got - want) <= tol, "%s: got %r, want %r" % (what, got, want)


def flow(t, client, type_, service="svc", ua=UA_DESKTOP, site="t1", **extra):
    e = {"site": site, "type": type_, "url": url("/dienst"), "service": service}
    e.update(extra)
    return ev(t, client, e, ua=ua)


# Case "flows", site t1, 2026-11-19 (winter, +01:00):
#  A  no flow id (visit-linked): start 10:00, step 2 "Angaben" 10:01, complete 10:02 -> 120 s
#  B  id flowBBBB01: start 11:00, steps 1,2,3 ("Zahlung"), never completes -> lost at step 3
#  C  id flowCCCC01 (phone): start 12:00, skips to step 3, complete 12:03 -> 180 s
#  D  no id: start 13:00, start again 13:05, complete 13:10 -> one flow, 600 s from the first start
#  E  no id: start 14:00, complete 14:00:30 without steps -> 30 s
#  F  no id: complete only -> not started, counted nowhere
#  G  no id: start 15:00, step 1 "Antrag" -> lost before step 2
# started 6, completed 4; reached 6,6,5,5; lost 0,1,0,1; times 30,120,180,600.
D = "2026-11-19T"
FLOW_LINES = [
    ev(D + "09:59:00+01:00", "203.0.113.1", {"site": "t1", "type": "pageview", "url": url("/a")}),
    flow(D + "10:00:00+01:00", "203.0.113.1", "flow_start"),
    flow(D + "10:01:00+01:00", "203.0.113.1", "flow_step", step=2, step_name="Angaben"),
    flow(D + "10:02:00+01:00", "203.0.113.1", "flow_complete"),
    ev(D + "10:59:00+01:00", "203.0.113.2", {"site": "t1", "type": "pageview", "url": url("/a")}),
    flow(D + "11:00:00+01:00", "203.0.113.2", "flow_start", flow="flowBBBB01"),
    flow(D + "11:00:10+01:00", "203.0.113.2", "flow_step", flow="flowBBBB01", step=1),
    flow(D + "11:00:20+01:00", "203.0.113.2", "flow_step", flow="flowBBBB01", step=2),
    flow(D + "11:00:30+01:00", "203.0.113.2", "flow_step", flow="flowBBBB01", step=3,
         step_name="Zahlung"),
    flow(D + "11:00:40+01:00", "203.0.113.2", "field_error", flow="flowBBBB01", field="iban",
         error="format"),
    flow(D + "11:00:50+01:00", "203.0.113.2", "field_error", flow="flowBBBB01", field="iban",
         error="format"),
    flow(D + "12:00:00+01:00", "203.0.113.3", "flow_start", flow="flowCCCC01", ua=UA_PHONE),
    flow(D + "12:01:00+01:00", "203.0.113.3", "flow_step", flow="flowCCCC01", step=3, ua=UA_PHONE),
    flow(D + "12:02:00+01:00", "203.0.113.3", "field_error", flow="flowCCCC01", field="iban",
         error="format", ua=UA_PHONE),
    flow(D + "12:03:00+01:00", "203.0.113.3", "flow_complete", flow="flowCCCC01", ua=UA_PHONE),
    flow(D + "13:00:00+01:00", "203.0.113.4", "flow_start"),
    flow(D + "13:05:00+01:00", "203.0.113.4", "flow_start"),
    flow(D + "13:10:00+01:00", "203.0.113.4", "flow_complete"),
    flow(D + "14:00:00+01:00", "203.0.113.5", "flow_start"),
    flow(D + "14:00:30+01:00", "203.0.113.5", "flow_complete"),
    flow(D + "14:30:00+01:00", "203.0.113.6", "flow_complete"),
    flow(D + "14:31:00+01:00", "203.0.113.6", "field_error", field="name", error="required"),
    flow(D + "15:00:00+01:00", "203.0.113.7", "flow_start"),
    flow(D + "15:00:05+01:00", "203.0.113.7", "flow_step", step=1, step_name="Antrag"),
    ev(D + "15:10:00+01:00", "203.0.113.7",
       {"site": "t1", "type": "feedback", "url": url("/dienst"), "service": "svc", "rating": 2}),
    ev(D + "15:11:00+01:00", "203.0.113.1",
       {"site": "t1", "type": "feedback", "url": url("/dienst"), "service": "svc", "rating": 5}),
    ev(D + "15:12:00+01:00", "203.0.113.2",
       {"site": "t1", "type": "feedback", "url": url("/dienst"), "rating": 4}),
]

# Case "midnight", site t2, one client around local midnight 19/20 November:
#  pageview 23:30 local (22:30Z) and 00:30 local (23:30Z, still the 19th in UTC)
#  service m with id: start 23:50, complete 00:10 -> started on the 19th, completed on the 20th
#  service n without id: start 23:55, complete 00:05 -> visit keys differ per day: not completed
MIDNIGHT_LINES = [
    ev("2026-11-19T22:30:00Z", "198.51.100.9", {"site": "t2", "type": "pageview", "url": url("/x")}),
    flow("2026-11-19T23:50:00+01:00", "198.51.100.9", "flow_start", service="m", site="t2",
         flow="flowMIDNIGHT1"),
    flow("2026-11-19T23:55:00+01:00", "198.51.100.9", "flow_start", service="n", site="t2"),
    flow("2026-11-20T00:05:00+01:00", "198.51.100.9", "flow_complete", service="n", site="t2"),
    flow("2026-11-20T00:10:00+01:00", "198.51.100.9", "flow_complete", service="m", site="t2",
         flow="flowMIDNIGHT1"),
    ev("2026-11-19T23:30:00Z", "198.51.100.9", {"site": "t2", "type": "pageview", "url": url("/x")}),
]


def search(t, client, q, results, site="t3"):
    return ev(t, client, {"site": site, "type": "search", "url": url("/suche"), "q": q,
                          "results": results})


# Case "search", site t3: "hund" by 3 visits; "=sum(a1)", "a;b" and a script tag by 2 visits
# each; "müll" twice by one visit and "xyz" once without results -> with --min-count 2 these two
# become "(weitere)": searches 3, visits 2, zero 1.
HOSTILE = "<script>alert(1)</script>"
SEARCH_LINES = [
    search(D + "09:00:00+01:00", "192.0.2.1", "Hund", 4),
    search(D + "09:00:00+01:00", "192.0.2.2", "hund", 4),
    search(D + "09:00:00+01:00", "192.0.2.3", "HUND", 4),
    search(D + "09:01:00+01:00", "192.0.2.1", "=SUM(A1)", 0),
    search(D + "09:01:00+01:00", "192.0.2.2", "=sum(a1)", 0),
    search(D + "09:02:00+01:00", "192.0.2.1", "a;b", 1),
    search(D + "09:02:00+01:00", "192.0.2.2", "a;b", 1),
    search(D + "09:03:00+01:00", "192.0.2.1", HOSTILE, 0),
    search(D + "09:03:00+01:00", "192.0.2.2", HOSTILE, 0),
    search(D + "09:04:00+01:00", "192.0.2.4", "müll", 2),
    search(D + "09:05:00+01:00", "192.0.2.4", "müll", 2),
    search(D + "09:06:00+01:00", "192.0.2.5", "xyz", 0),
    ev(D + "09:07:00+01:00", "192.0.2.1", {"site": "t3", "type": "pageview", "url": url("/a")}),
    ev(D + "09:07:00+01:00", "192.0.2.2", {"site": "t3", "type": "pageview", "url": url("/a")}),
    ev(D + "09:08:00+01:00", "192.0.2.1", {"site": "t3", "type": "engagement", "url": url("/a"),
                                           "ms": 1000}),
    ev(D + "09:08:00+01:00", "192.0.2.2", {"site": "t3", "type": "engagement", "url": url("/a"),
                                           "ms": 8000}),
    ev(D + "09:09:00+01:00", "192.0.2.2", {"site": "t3", "type": "engagement", "url": url("/a"),
                                           "ms": 3000}),
    ev(D + "09:10:00+01:00", "192.0.2.1", {"site": "t3", "type": "outlink", "url": url("/a"),
                                           "href": "https://www.bund.de/formulare/x.pdf"}),
    ev(D + "09:10:00+01:00", "192.0.2.2", {"site": "t3", "type": "outlink", "url": url("/a"),
                                           "href": "https://www.bund.de/y"}),
    ev(D + "09:11:00+01:00", "192.0.2.2", {"site": "t3", "type": "outlink", "url": url("/a"),
                                           "href": "https://selten.example.com/"}),
    flow(D + "09:20:00+01:00", "192.0.2.1", "flow_start", service="evil", site="t3"),
    flow(D + "09:20:10+01:00", "192.0.2.1", "flow_step", service="evil", site="t3", step=1,
         step_name="<img src=x onerror=alert(1)>"),
    ev(D + "09:30:00+01:00", "192.0.2.1", {"site": "t3", "type": "flow_step", "url": url("/a"),
                                           "service": "evil", "step": "2"}),  # rejected
]

# Case "late", site t4, one desktop client around local midnight 19/20 November, with rows
# stored out of time order as a collector stores them (time = arrival - age, age <= 10 min):
#  arrives 23:59:00 on the 19th: pageview /p and search "abfall" (visit key of the 19th)
#  arrives 00:01 on the 20th: pageview /p -> the visit goes on after midnight: a second visit
#  arrives 23:59:30 on the 19th, stored after that: pageview /p with age 270 s (23:55), search
#  "abfall" and an outbound link with ages (23:55:40, 23:50) -> still the first visit
#  22nd: another client, two pageviews of /p -> a third visit (older days are done by then)
#  service "w" without flow id: start at 23:59:07, complete at 00:01:30 (the 20th's visit: not
#  this flow), then late rows of the 19th: step 2 (23:56), field error iban/format (23:57)
#  -> started 1, completed 0, reached step 2, 1 field error in 1 flow
# daily 19th: 1 visit, 2 pageviews; 20th: 1, 1; 22nd: 1, 2. /p: 5 pageviews, 3 visits;
# "abfall": 2 searches by 1 visit; www.bund.de: 2 clicks by 1 visit; desktop: 3 visits.
def page_t4(t, client, path="/p", **extra):
    e = {"site": "t4", "type": "pageview", "url": url(path)}
    e.update(extra)
    return ev(t, client, e)


LATE_LINES = [
    page_t4("2026-11-19T23:59:00+01:00", "192.0.2.44"),
    search("2026-11-19T23:59:05+01:00", "192.0.2.44", "abfall", 3, site="t4"),
    ev("2026-11-19T23:59:06+01:00", "192.0.2.44", {"site": "t4", "type": "outlink", "url": url("/p"),
                                                   "href": "https://www.bund.de/a"}),
    flow("2026-11-19T23:59:07+01:00", "192.0.2.44", "flow_start", service="w", site="t4"),
    page_t4("2026-11-20T00:01:00+01:00", "192.0.2.44"),
    flow("2026-11-20T00:01:30+01:00", "192.0.2.44", "flow_complete", service="w", site="t4"),
    page_t4("2026-11-19T23:59:30+01:00", "192.0.2.44", age=270000),
    flow("2026-11-19T23:59:35+01:00", "192.0.2.44", "flow_step", service="w", site="t4", step=2,
         age=215000),
    flow("2026-11-19T23:59:36+01:00", "192.0.2.44", "field_error", service="w", site="t4",
         field="iban", error="format", age=156000),
    ev("2026-11-19T23:59:40+01:00", "192.0.2.44", {"site": "t4", "type": "search", "url": url("/s"),
                                                   "q": "abfall", "results": 3, "age": 240000}),
    ev("2026-11-19T23:59:50+01:00", "192.0.2.44", {"site": "t4", "type": "outlink", "url": url("/p"),
                                                   "href": "https://www.bund.de/b", "age": 590000}),
    page_t4("2026-11-22T10:00:00+01:00", "192.0.2.45"),
    page_t4("2026-11-22T10:01:00+01:00", "192.0.2.45"),
]


DBS = {}


def db(name, lines, rejects=0, **kw):
    """The database of lines (made once per name); rejects: how many of them are invalid on purpose."""
    if name not in DBS:
        path = os.path.join(tmpdir(), name + ".db")
        imported, rejected = make_db(path, lines, **kw)
        eq((imported, rejected), (len(lines) - rejects, rejects), "%s: imported, rejected" % name)
        DBS[name] = path
    return DBS[name]


def search_db():
    """The search cases: SEARCH_LINES holds one invalid line on purpose."""
    return db("search", SEARCH_LINES, rejects=1)


def report(name, *args, dialect="excel"):
    out = os.path.join(tmpdir(), "out-%s-%d" % (name, len(os.listdir(tmpdir()))))
    p = run_report(list(args) + ["--out", out, "--no-charts", "--quiet"])
    assert p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr)
    return out


def test_flows():
    out = report("flows", "--db", db("flows", FLOW_LINES), "--min-count", "1")
    _, svc = read_csv(os.path.join(out, "services.csv"))
    s = by(svc, site="t1", service="svc")
    eq(s["started"], "6", "started")
    eq(s["completed"], "4", "completed")
    eq(s["completion_rate"], "0,6667", "rate")
    lo, hi = agresti_coull(4, 6)
    near(num(s["ci_low"]), lo, 0.00006, "ci_low")
    near(num(s["ci_high"]), hi, 0.00006, "ci_high")
    eq(s["median_s"], "150,0", "median")  # (120 + 180) / 2
    logs = [math.log(t) for t in (30, 120, 180, 600)]
    m = sum(logs) / 4
    sd = math.sqrt(sum((x - m) ** 2 for x in logs) / 3)
    h = 3.182446 * sd / 2  # t(0.975, 3), tabulated
    near(num(s["geomean_s"]), math.exp(m), 0.051, "geomean")
    near(num(s["geomean_ci_low"]), math.exp(m - h), 0.051, "geomean low")
    near(num(s["geomean_ci_high"]), math.exp(m + h), 0.051, "geomean high")
    eq(s["field_errors"], "3", "field errors of started flows (F's is not)")
    eq(s["ratings"], "2", "ratings naming the service")
    eq(s["rating_mean"], "3,50", "rating mean")
    eq(s["name"], "svc", "name without catalogue")
    eq(s["category"], "", "category without catalogue")
    _, fun = read_csv(os.path.join(out, "funnel.csv"))
    rows = [r for r in fun if r["site"] == "t1" and r["service"] == "svc"]
    eq([r["step"] for r in rows], ["0", "1", "2", "3"], "steps")
    eq([r["reached"] for r in rows], ["6", "6", "5", "5"], "reached")
    eq([r["lost_before_next"] for r in rows], ["0", "1", "0", "1"], "lost")
    eq([r["share_of_started"] for r in rows], ["1,0000", "1,0000", "0,8333", "0,8333"], "share")
    eq([r["step_name"] for r in rows], ["Start", "Antrag", "Angaben", "Zahlung"], "step names")
    _, fields = read_csv(os.path.join(out, "fields.csv"))
    f = by(fields, site="t1", service="svc", field="iban", error="format")
    eq((f["errors"], f["flows_affected"]), ("3", "2"), "iban errors")
    eq([r for r in fields if r["field"] == "name"], [], "errors of unstarted flows")
    _, dev = read_csv(os.path.join(out, "devices.csv"))
    d = by(dev, site="t1", device="desktop")
    eq((d["visits"], d["started"], d["completed"], d["completion_rate"]),
       ("6", "5", "3", "0,6000"), "desktop")
    d = by(dev, site="t1", device="mobile")
    eq((d["visits"], d["started"], d["completed"], d["completion_rate"]),
       ("1", "1", "1", "1,0000"), "mobile")
    _, daily = read_csv(os.path.join(out, "daily.csv"))
    d = by(daily, site="t1", date="2026-11-19")
    eq((d["visits"], d["pageviews"], d["started"], d["completed"]), ("7", "2", "6", "4"), "daily")
    _, fb = read_csv(os.path.join(out, "feedback.csv"))
    eq(by(fb, site="t1", service="svc", rating="2")["count"], "1", "rating 2")
    eq(by(fb, site="t1", service="", rating="4")["count"], "1", "unnamed rating")
    _, probs = read_csv(os.path.join(out, "problems.csv"))
    assert probs, "problems listed"
    eq(probs[0]["rank"], "1", "rank")
    kinds = {r["kind"] for r in probs}
    assert {"step_dropoff", "field_errors"} <= kinds, kinds
    drop = by(probs, kind="step_dropoff", step="3")
    eq(drop["affected"], "1", "last step drop")
    assert "Zahlung" in drop["detail"] and "nicht abgeschlossen" in drop["detail"], drop["detail"]
    assert by(probs, kind="field_errors")["affected"] == "2"


def test_midnight_berlin():
    out = report("mid", "--db", db("mid", MIDNIGHT_LINES), "--csv", "rfc4180")
    _, daily = read_csv(os.path.join(out, "daily.csv"), "rfc4180")
    d19 = by(daily, site="t2", date="2026-11-19")
    d20 = by(daily, site="t2", date="2026-11-20")
    eq((d19["visits"], d19["pageviews"], d19["started"], d19["completed"]), ("1", "1", "2", "0"),
       "19th")
    eq((d20["visits"], d20["pageviews"], d20["started"], d20["completed"]), ("1", "1", "0", "1"),
       "20th")
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    m = by(svc, site="t2", service="m")
    eq((m["started"], m["completed"], m["completion_rate"], m["median_s"]),
       ("1", "1", "1.0000", "1200.0"), "flow id across midnight")
    eq(m["geomean_ci_low"], "", "no interval for n = 1")
    n = by(svc, site="t2", service="n")
    eq((n["started"], n["completed"]), ("1", "0"), "visit-linked flow split at midnight")
    eq(n["median_s"], "", "no time without completion")
    # --from/--to select local days: only the 20th.
    out = report("mid20", "--db", db("mid", MIDNIGHT_LINES), "--from", "2026-11-20", "--to",
                 "2026-11-20", "--csv", "rfc4180")
    _, daily = read_csv(os.path.join(out, "daily.csv"), "rfc4180")
    eq([(r["date"], r["pageviews"]) for r in daily], [("2026-11-20", "1")], "period of one day")
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    m = by(svc, site="t2", service="m")
    eq((m["started"], m["completed"], m["completion_rate"]), ("0", "0", ""), "start outside period")


def test_search_suppression_and_dialects():
    path = search_db()
    out = report("s1", "--db", path, "--min-count", "2")
    _, rows = read_csv(os.path.join(out, "search.csv"))
    eq([r["query"] for r in rows][0], "hund", "largest first")
    h = by(rows, query="hund")
    eq((h["searches"], h["visits"], h["zero_result_searches"]), ("3", "3", "0"), "hund")
    w = by(rows, query="(weitere)")
    eq((w["searches"], w["visits"], w["zero_result_searches"]), ("3", "2", "1"), "(weitere)")
    eq(rows[-1]["query"], "(weitere)", "(weitere) last")
    assert not [r for r in rows if r["query"] in ("müll", "xyz")], "small queries suppressed"
    by(rows, query="'=sum(a1)")  # formula guard in the excel dialect
    by(rows, query="a;b")        # quoted by libcsv, read back intact
    with open(os.path.join(out, "search.csv"), "rb") as f:
        raw = f.read().decode("utf-8")
    assert '"a;b"' in raw, "a;b quoted"
    _, pages = read_csv(os.path.join(out, "pages.csv"))
    p = by(pages, site="t3", path="/a")
    eq((p["pageviews"], p["visits"], p["median_engaged_s"]), ("2", "2", "3,0"), "page /a")
    _, links = read_csv(os.path.join(out, "outlinks.csv"))
    eq(by(links, host="www.bund.de")["clicks"], "2", "bund.de")
    eq(by(links, host="(weitere)")["clicks"], "1", "rare host suppressed")
    _, q = read_csv(os.path.join(out, "quality.csv"))
    eq(len(q), 1, "one reject reason")
    assert q[0]["reason"].startswith("step"), q
    eq(q[0]["count"], "1", "reject count")
    # rfc4180: no guard, comma, point.
    out = report("s2", "--db", path, "--min-count", "2", "--csv", "rfc4180")
    _, rows = read_csv(os.path.join(out, "search.csv"), "rfc4180")
    by(rows, query="=sum(a1)")
    # Default --min-count 5 hides every query here.
    out = report("s3", "--db", path)
    _, rows = read_csv(os.path.join(out, "search.csv"))
    eq([r["query"] for r in rows], ["(weitere)"], "all suppressed")
    eq(rows[0]["searches"], "12", "sum of searches")
    eq(rows[0]["visits"], "11", "sum of the rows' visits: 3+2+2+2+1+1")


def test_html_escaping():
    out = os.path.join(tmpdir(), "html-escape")
    p = run_report(["--db", search_db(), "--out", out, "--min-count", "2",
                    "--no-charts", "--quiet"])
    eq(p.returncode, 0, p.stderr)
    with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
        html = f.read()
    assert "<script" not in html, "raw script tag in HTML"
    assert "<img" not in html, "raw img tag in HTML"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "escaped query missing"
    assert "&lt;img src=x onerror=alert(1)&gt;" in html, "escaped step name missing"
    assert '<html lang="de">' in html and "Handlungsbedarf" in html and "wenige Daten" in html
    assert "<th scope=" in html
    p = run_report(["--db", search_db(), "--out", out + "-en", "--lang", "en",
                    "--no-charts", "--quiet"])
    eq(p.returncode, 0, p.stderr)
    with open(os.path.join(out + "-en", "index.html"), encoding="utf-8") as f:
        html = f.read()
    assert '<html lang="en">' in html and "What to fix first" in html
    # --lang en defaults to the rfc4180 dialect.
    read_csv(os.path.join(out + "-en", "services.csv"), "rfc4180")


def test_compare():
    # Current week: 10 flows, 9 completed; previous week: 10 flows, 3 completed.
    out = report("cmp", "--db", db("cmp", compare_lines()), "--from", "2026-11-09", "--to", "2026-11-15",
                 "--compare-from", "2026-11-02", "--compare-to", "2026-11-08", "--csv", "rfc4180")
    header, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    eq(header[-4:], ["prev_started", "prev_completed", "prev_completion_rate", "p_value"], "cols")
    s = by(svc, site="t4", service="c")
    eq((s["started"], s["completed"], s["prev_started"], s["prev_completed"]),
       ("10", "9", "10", "3"), "counts")
    eq(s["prev_completion_rate"], "0.3000", "prev rate")
    p = 0.6
    z = (0.9 - 0.3) / math.sqrt(p * (1 - p) * (1 / 10 + 1 / 10))
    near(num(s["p_value"]), math.erfc(z / math.sqrt(2)), 0.00006, "p_value")
    out = os.path.join(tmpdir(), "cmp-html")
    p = run_report(["--db", db("cmp", []), "--out", out, "--from", "2026-11-09", "--to",
                    "2026-11-15", "--compare-from", "2026-11-02", "--compare-to", "2026-11-08",
                    "--no-charts", "--quiet"])
    eq(p.returncode, 0, p.stderr)
    with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
        assert "statistisch signifikant" in f.read()


def compare_lines():
    """test_compare's data: week 2026-W46 10 flows, 9 completed; week W45 10 flows, 3 completed."""
    lines = []
    for week, done, day in (("c", 9, "2026-11-12"), ("p", 3, "2026-11-03")):
        for i in range(10):
            fid = "flow%s%05d" % (week, i)
            lines.append(flow(day + "T10:%02d:00+01:00" % i, "203.0.113.%d" % (i + 1),
                              "flow_start", service="c", site="t4", flow=fid))
            if i < done:
                lines.append(flow(day + "T11:%02d:00+01:00" % i, "203.0.113.%d" % (i + 1),
                                  "flow_complete", service="c", site="t4", flow=fid))
    return lines


def test_period():
    path = db("cmp", compare_lines())
    # last-week counted from Thursday 2026-11-19 is W46 (9-15 November); W45 is the comparison.
    for period in (["--period", "last-week", "--today", "2026-11-19"], ["--period", "2026-W46"]):
        out = report("period", "--db", path, "--csv", "rfc4180", *period)
        header, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
        eq(header[-4:], ["prev_started", "prev_completed", "prev_completion_rate", "p_value"], "cols")
        s = by(svc, site="t4", service="c")
        eq((s["started"], s["completed"], s["prev_started"], s["prev_completed"]), ("10", "9", "10", "3"),
           "counts %r" % period)
        _, daily = read_csv(os.path.join(out, "daily.csv"), "rfc4180")
        eq(sorted({r["date"] for r in daily}), ["2026-11-12"], "only the period's data")
    # The month holds both weeks: no data before it, so the previous month is empty.
    out = report("period-m", "--db", path, "--csv", "rfc4180", "--period", "2026-11")
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    s = by(svc, site="t4", service="c")
    eq((s["started"], s["completed"], s["prev_started"], s["prev_completion_rate"], s["p_value"]),
       ("20", "12", "0", "", ""), "month")
    # An explicit comparison replaces the previous period; --no-compare drops the columns.
    out = report("period-c", "--db", path, "--csv", "rfc4180", "--period", "2026-W46",
                 "--compare-from", "2026-11-12", "--compare-to", "2026-11-12")
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    eq(by(svc, site="t4", service="c")["prev_started"], "10", "explicit comparison")
    out = report("period-n", "--db", path, "--csv", "rfc4180", "--period", "2026-W46", "--no-compare")
    header, _ = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    eq(header[-1], "rating_mean", "no comparison columns")
    # last-28-days from the 20th: 23 October to 19 November, i.e. everything here.
    out = report("period-28", "--db", path, "--csv", "rfc4180", "--period", "last-28-days",
                 "--today", "2026-11-20")
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    eq(by(svc, site="t4", service="c")["started"], "20", "28 days")
    good = db("flows", FLOW_LINES)
    for args in (["--period", "2026-W54"], ["--period", "lastweek"], ["--period", "2026-11", "--from", "2026-11-01"],
                 ["--today", "2026-11-19"], ["--period", "last-week", "--today", "19.11.2026"],
                 ["--period", "2026-11", "--no-compare", "--compare-from", "2026-10-01",
                  "--compare-to", "2026-10-31"]):
        p = run_report(["--db", good, "--out", os.path.join(tmpdir(), "bad-period")] + args)
        eq(p.returncode, 2, "usage error for %r" % args)
        eq(len(p.stderr.strip().splitlines()), 1, "one line for %r" % args)


def test_several_databases():
    extra = [flow(D + "16:00:00+01:00", "203.0.113.99", "flow_start", flow="flowEXTRA001")]
    out = report("multi", "--db", db("flows", FLOW_LINES), "--db", db("mid", MIDNIGHT_LINES),
                 "--db", db("extra", extra), "--csv", "rfc4180")
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    eq(by(svc, site="t1", service="svc")["started"], "7", "t1 from two databases")
    eq(by(svc, site="t2", service="m")["completed"], "1", "t2 present")
    out = report("one-site", "--db", db("flows", FLOW_LINES), "--db", db("mid", MIDNIGHT_LINES),
                 "--site", "t2", "--csv", "rfc4180")
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    eq(sorted({r["site"] for r in svc}), ["t2"], "--site")


def test_catalogue():
    cat = os.path.join(tmpdir(), "services.csv")
    with open(cat, "w", encoding="utf-8") as f:
        f.write("site,service,name,category,steps\n")
        f.write('*,svc,"Geburtsurkunde, beglaubigt",Familie und Kind,Antrag|Angaben|Bezahlung|Prüfen\n')
    out = report("cat", "--db", db("flows", FLOW_LINES), "--services", cat, "--csv", "rfc4180")
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    s = by(svc, site="t1", service="svc")
    eq((s["name"], s["category"]), ("Geburtsurkunde, beglaubigt", "Familie und Kind"), "names")
    _, fun = read_csv(os.path.join(out, "funnel.csv"), "rfc4180")
    rows = [r for r in fun if r["service"] == "svc"]
    eq([r["step_name"] for r in rows], ["Start", "Antrag", "Angaben", "Bezahlung", "Prüfen"],
       "named steps extend the funnel")
    eq([r["reached"] for r in rows], ["6", "6", "5", "5", "4"], "completed reach named steps")
    eq([r["lost_before_next"] for r in rows], ["0", "1", "0", "1", "0"], "lost")


def test_visit_key_off():
    out = report("off", "--db", db("off", FLOW_LINES, visit_key="off"), "--csv", "rfc4180")
    _, daily = read_csv(os.path.join(out, "daily.csv"), "rfc4180")
    eq(by(daily, site="t1", date="2026-11-19")["visits"], "", "no visits without keys")
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    s = by(svc, site="t1", service="svc")
    eq((s["started"], s["completed"]), ("2", "1"), "only flows with ids link")


def check_late(out, pv19, pv_p, what):
    _, daily = read_csv(os.path.join(out, "daily.csv"), "rfc4180")
    got = [(r["date"], r["visits"], r["pageviews"]) for r in daily if r["site"] == "t4"]
    eq(got, [("2026-11-19", "1", pv19), ("2026-11-20", "1", "1"), ("2026-11-21", "0", "0"),
             ("2026-11-22", "1", "2")], what + ": daily")
    _, pages = read_csv(os.path.join(out, "pages.csv"), "rfc4180")
    p = by(pages, site="t4", path="/p")
    eq((p["pageviews"], p["visits"]), (pv_p, "3"), what + ": pages")
    _, searches = read_csv(os.path.join(out, "search.csv"), "rfc4180")
    a = by(searches, site="t4", query="abfall")
    eq((a["searches"], a["visits"]), ("2", "1"), what + ": search")
    _, dev = read_csv(os.path.join(out, "devices.csv"), "rfc4180")
    eq(by(dev, site="t4", device="desktop")["visits"], "3", what + ": devices")
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    w = by(svc, site="t4", service="w")
    eq((w["started"], w["completed"], w["field_errors"]), ("1", "0", "1"), what + ": flow by visit")
    _, fields = read_csv(os.path.join(out, "fields.csv"), "rfc4180")
    f = by(fields, site="t4", service="w")
    eq((f["field"], f["errors"], f["flows_affected"]), ("iban", "1", "1"), what + ": fields")
    _, funnel = read_csv(os.path.join(out, "funnel.csv"), "rfc4180")
    eq([r["reached"] for r in funnel if r["site"] == "t4"], ["1", "1", "1"], what + ": funnel")


def test_late_rows_at_midnight():
    # Visits are counted day by day: a late row of the 19th after a row of the 20th must find
    # the 19th's visit, not count it again.
    path = db("late", LATE_LINES)
    out = report("late", "--db", path, "--min-count", "1", "--csv", "rfc4180")
    check_late(out, "2", "5", "late")
    # The outbound host has one visit: with --min-count 2 it goes into "(weitere)".
    out = report("late2", "--db", path, "--min-count", "2", "--csv", "rfc4180")
    _, links = read_csv(os.path.join(out, "outlinks.csv"), "rfc4180")
    eq([(r["host"], r["clicks"]) for r in links if r["site"] == "t4"], [("(weitere)", "2")],
       "one visit to the host")
    # A row of the 19th stored after the 22nd (far outside the ten minutes of age): still the
    # first visit of the 19th.
    far = LATE_LINES + [page_t4("2026-11-19T23:58:00+01:00", "192.0.2.44")]
    out = report("far", "--db", db("far", far), "--min-count", "1", "--csv", "rfc4180")
    check_late(out, "3", "6", "far")
    # Two databases (two salts): the second starts again on the 19th; every count doubles.
    out = report("late-twice", "--db", path, "--db", db("late-b", LATE_LINES), "--min-count", "1",
                 "--csv", "rfc4180")
    _, daily = read_csv(os.path.join(out, "daily.csv"), "rfc4180")
    eq([(r["date"], r["visits"]) for r in daily if r["site"] == "t4"],
       [("2026-11-19", "2"), ("2026-11-20", "2"), ("2026-11-21", "0"), ("2026-11-22", "2")],
       "two databases")
    _, pages = read_csv(os.path.join(out, "pages.csv"), "rfc4180")
    eq(by(pages, site="t4", path="/p")["visits"], "6", "two databases: pages")


def test_prune():
    now = datetime.datetime.now(datetime.timezone.utc)
    old = (now - datetime.timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%SZ")
    new = (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        ev(old, "192.0.2.1", {"site": "p", "type": "pageview", "url": url("/")}),
        ev(old, "192.0.2.1", {"site": "p", "type": "pageview", "url": url("/b")}),
        ev(old, "192.0.2.1", {"site": "p", "type": "flow_step", "url": url("/"), "service": "s",
                              "step": 0}),
        ev(new, "192.0.2.1", {"site": "p", "type": "pageview", "url": url("/")}),
    ]
    path = os.path.join(tmpdir(), "prune.db")
    path2 = os.path.join(tmpdir(), "prune-v2.db")
    make_db(path, lines)
    shutil.copy(path, path2)  # not pruned yet, for the unknown layout below
    p = run_report(["--prune", "--retain-days", "180", "--db", path])
    eq(p.returncode, 0, p.stderr)
    assert "pruned 2 events and 1 rejects" in p.stdout, p.stdout
    con = sqlite3.connect(path)
    eq(con.execute("select count(*) from events").fetchone()[0], 1, "kept")
    eq(con.execute("select count(*) from rejects").fetchone()[0], 0, "rejects pruned")
    con.close()
    p = run_report(["--prune", "--db", path])
    eq(p.returncode, 0, p.stderr)
    assert "pruned 0 events and 0 rejects" in p.stdout, p.stdout
    # A layout this build does not know is not pruned (as it is not read).
    con = sqlite3.connect(path2)
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    p = run_report(["--prune", "--retain-days", "180", "--db", path2])
    eq(p.returncode, 1, "unknown layout: " + p.stdout)
    assert "layout version 3 is newer" in p.stderr, p.stderr
    con = sqlite3.connect(path2)
    eq(con.execute("select count(*) from events").fetchone()[0], 3, "nothing pruned")
    con.close()


def test_exit_codes():
    good = db("flows", FLOW_LINES)
    out = os.path.join(tmpdir(), "exit")
    for args in ([], ["--db", good], ["--db", good, "--out", out, "--lang", "fr"],
                 ["--db", good, "--out", out, "--from", "2026-13-01"],
                 ["--db", good, "--out", out, "--from", "2026-11-20", "--to", "2026-11-19"],
                 ["--db", good, "--out", out, "--compare-from", "2026-11-01"],
                 ["--db", good, "--out", out, "--csv", "tsv"],
                 ["--db", good, "--out", out, "--min-count", "-1"],
                 ["--db", good, "--out", out, "--bogus"],
                 ["--db", good, "--out", out, "--site", "Bad Site"],
                 ["--prune", "--db", good, "--db", good],
                 ["--prune", "--db", good, "--retain-days", "0"],
                 ["--db", good, "--out", out, "extra"]):
        p = run_report(args)
        eq(p.returncode, 2, "usage error for %r" % args)
        eq(len(p.stderr.strip().splitlines()), 1, "one line for %r" % args)
        assert p.stderr.startswith("lotse-report: "), p.stderr
    p = run_report(["--help"])
    eq(p.returncode, 0, "--help")
    assert "usage:" in p.stdout
    p = run_report(["--db", os.path.join(tmpdir(), "missing.db"), "--out", out])
    eq(p.returncode, 1, "missing database")
    eq(len(p.stderr.strip().splitlines()), 1, "one line")
    notdb = os.path.join(tmpdir(), "not-a-db.db")
    sqlite3.connect(notdb).execute("create table x(y)").connection.close()
    p = run_report(["--db", notdb, "--out", out])
    eq(p.returncode, 1, "not a Lotse database")
    assert "not a Lotse database" in p.stderr, p.stderr
    badcat = os.path.join(tmpdir(), "bad.csv")
    with open(badcat, "w") as f:
        f.write("site,service,name,category,steps\nt1,BAD KEY,x,y,z\n")
    p = run_report(["--db", good, "--out", out, "--services", badcat])
    eq(p.returncode, 2, "bad catalogue")
    assert "bad.csv:2" in p.stderr, p.stderr


if __name__ == "__main__":
    run_tests("report", globals())
