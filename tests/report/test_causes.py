# SPDX-License-Identifier: EUPL-1.2
"""test_causes.py — data-driven tests of the report's second edition files and
options: causes.csv (grouping across services and sites, ranking with ties,
sites/services counts, label, detail, action), weekly.csv (ISO weeks,
complete_week), changes.csv (--changes: windows clipped to the data, pooled
z-test, "*" expanded), --sites names and --fields labels in the sentences,
the satisfaction mean hidden below --min-count, and the report folder
replaced as a whole. Expected values are worked out by hand from REPORT.md."""
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lotse_testlib import (agresti_coull, by, eq, ev, make_db, num, read_csv, run_report,  # noqa: E402
                           run_tests, tmp, url)


def write(name, text):
    path = tmp(name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def page(t, client, site, path):
    return ev(t, client, {"site": site, "type": "pageview", "url": url(path)})


def error(t, client, site, path, field="iban", kind="format"):
    return ev(t, client, {"site": site, "type": "field_error", "url": url(path), "field": field, "error": kind})


CATALOG = """site,service,name,category,steps,paths,done
*,urk,Urkunde,Familie,Angaben|Bezahlung,/urk/1|/urk/2,/urk/ok
*,park,Parkausweis,Verkehr,Antrag|Bezahlung,/park/1|/park/2,/park/ok
"""
SITES = "site,name,origins\na1,Stadt Alpha,https://www.example.org\na2,Stadt Beta,https://www.example.org\n"
FIELDS = "field,label\niban,IBAN (Bankverbindung)\n"

D = "2026-11-19T"
# a1, urk: four visits reach Bezahlung with an IBAN format error each, one of them completes
#   (lost at the last step: 4 - 1 = 3); one more visit stops at Angaben (lost 1).
# a2, park: three visits reach Bezahlung, none completes (lost 3), two with IBAN errors;
#   three ratings 1, 1, 2 of park.
# a1: "müll" searched 3 times without results by 3 visits; a script error in 2 visits;
#   a rage click in 1 visit.
# causes with --min-count 2: Bezahlung 6 (2 sites, 2 services) and iban:format 6 tie (drop
#   first); müll 3 and the rating of park 3 tie (search first); the script error 2; Angaben 1.
#   The rage click (1 visit) is below --min-count.
LINES = []
for i in range(4):
    c = "192.0.2.%d" % (10 + i)
    LINES += [page(D + "10:0%d:00+01:00" % i, c, "a1", "/urk/1"),
              page(D + "10:0%d:10+01:00" % i, c, "a1", "/urk/2"),
              error(D + "10:0%d:20+01:00" % i, c, "a1", "/urk/2")]
LINES.append(page(D + "10:30:00+01:00", "192.0.2.10", "a1", "/urk/ok"))
LINES.append(page(D + "11:00:00+01:00", "192.0.2.20", "a1", "/urk/1"))
for i in range(3):
    c = "198.51.100.%d" % (10 + i)
    LINES += [page(D + "12:0%d:00+01:00" % i, c, "a2", "/park/1"),
              page(D + "12:0%d:10+01:00" % i, c, "a2", "/park/2")]
    if i < 2:
        LINES.append(error(D + "12:0%d:20+01:00" % i, c, "a2", "/park/2"))
    LINES.append(ev(D + "12:0%d:30+01:00" % i, c, {"site": "a2", "type": "feedback", "url": url("/park/2"),
                                                  "service": "park", "rating": [1, 1, 2][i]}))
for i in range(3):
    LINES.append(ev(D + "13:0%d:00+01:00" % i, "203.0.113.%d" % (1 + i),
                    {"site": "a1", "type": "search", "url": url("/suche"), "q": "müll", "results": 0}))
for i in range(2):
    LINES.append(ev(D + "14:0%d:00+01:00" % i, "203.0.113.%d" % (20 + i),
                    {"site": "a1", "type": "js_error", "url": url("/urk/2"), "message": "TypeError /js/app.js:1:2"}))
LINES.append(ev(D + "14:10:00+01:00", "203.0.113.30",
                {"site": "a1", "type": "rage_click", "url": url("/urk/2"), "target": "Weiter"}))

DBS = {}


def db(name, lines):
    if name not in DBS:
        path = tmp(name + ".db")
        imported, rejected = make_db(path, lines)
        eq((imported, rejected), (len(lines), 0), name + ": imported, rejected")
        DBS[name] = path
    return DBS[name]


def report(name, *args, expect=0):
    out = tmp("out-" + name)
    p = run_report(list(args) + ["--out", out, "--no-charts", "--quiet", "--csv", "rfc4180"])
    eq(p.returncode, expect, "exit: " + p.stderr)
    return out


def common_args():
    return ["--db", db("causes", LINES), "--services", write("c-services.csv", CATALOG),
            "--sites", write("c-sites.csv", SITES), "--fields", write("c-fields.csv", FIELDS), "--min-count", "2"]


def test_causes():
    out = report("causes", *common_args())
    header, rows = read_csv(os.path.join(out, "causes.csv"), "rfc4180")
    eq(header, ["rank", "kind", "cause", "label", "affected", "sites", "services", "detail", "action"], "columns")
    got = [(r["rank"], r["kind"], r["affected"], r["sites"], r["services"]) for r in rows]
    eq(got, [("1", "drop", "6", "2", "2"), ("2", "field", "6", "2", "2"), ("3", "search", "3", "1", "0"),
             ("4", "rating", "3", "1", "1"), ("5", "script", "2", "1", "1"), ("6", "drop", "1", "1", "1")],
       "ranking, ties by kind")
    eq([r["cause"] for r in rows][:4], ["Bezahlung", "iban:format", "müll", "park"], "cause keys")
    eq(rows[5]["cause"], "Angaben", "the smaller drop")
    eq(rows[1]["label"], "IBAN (Bankverbindung): Eingabe im falschen Format", "--fields label, German kind")
    eq(rows[3]["label"], "Zufriedenheit mit „Parkausweis“", "rating label")
    d = rows[0]["detail"]
    assert "„Bezahlung“" in d and "6 Vorgänge" in d and "2 Diensten auf 2 Portalen" in d, d
    assert "am meisten bei „Urkunde“ (Stadt Alpha): 3" in d, d  # --sites name in the sentence
    assert "Bezahlschritt" in rows[0]["action"], rows[0]["action"]
    assert "Leerzeichen" in rows[1]["action"], rows[1]["action"]
    assert "3 von 3 Bewertungen geben 1 oder 2 Sterne (Mittel 1,3 von 5)" in rows[3]["detail"], rows[3]["detail"]
    for r in rows:
        assert r["detail"].endswith(".") and r["action"], r
    # The CSV keeps keys; the problems list speaks plain German too.
    _, probs = read_csv(os.path.join(out, "problems.csv"), "rfc4180")
    f = [r for r in probs if r["kind"] == "field_errors"]
    assert f and "„IBAN (Bankverbindung)“" in f[0]["detail"] and "„Eingabe im falschen Format“" in f[0]["detail"], f
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    eq(by(svc, site="a2", service="park")["site"], "a2", "keys stay in CSV")
    # --min-count 1: the rage click (1 visit) becomes a cause.
    args = common_args()
    args[-1] = "1"
    out = report("causes1", *args)
    _, rows = read_csv(os.path.join(out, "causes.csv"), "rfc4180")
    rage = by(rows, kind="rage")
    eq((rage["cause"], rage["affected"], rage["services"]), ("Weiter", "1", "1"), "rage with --min-count 1")


def test_rating_mean_hidden_below_min_count():
    # park has 3 ratings: shown with --min-count 3, empty with --min-count 4 (and no rating cause then).
    args = common_args()
    args[-1] = "3"
    _, svc = read_csv(os.path.join(report("r3", *args), "services.csv"), "rfc4180")
    eq((by(svc, site="a2", service="park")["ratings"], by(svc, site="a2", service="park")["rating_mean"]),
       ("3", "1.33"), "mean shown at 3 ratings")
    args[-1] = "4"
    out = report("r4", *args)
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    eq((by(svc, site="a2", service="park")["ratings"], by(svc, site="a2", service="park")["rating_mean"]),
       ("3", ""), "mean hidden below --min-count")
    _, rows = read_csv(os.path.join(out, "causes.csv"), "rfc4180")
    eq([r for r in rows if r["kind"] == "rating"], [], "no rating cause from too few ratings")


def flow(t, client, type_, fid, service="s", site="w"):
    return ev(t, client, {"site": site, "type": type_, "url": url("/s"), "service": service, "flow": fid})


def weekly_lines():
    """W45: 10 started on Wed 4 Nov, 2 completed; W46: 10 on Thu 12 Nov, 8 completed;
    W47: 4 on Mon 16 Nov (the last day of the data), 4 completed. A pageview on Sunday
    15 Nov, so that the data reach the end of W46."""
    lines = [ev("2026-11-15T12:00:00+01:00", "192.0.2.99", {"site": "w", "type": "pageview", "url": url("/")})]
    for day, n, done in (("2026-11-04", 10, 2), ("2026-11-12", 10, 8), ("2026-11-16", 4, 4)):
        for i in range(n):
            fid = "flow%s%03d" % (day.replace("-", ""), i)
            c = "192.0.2.%d" % (100 + i)
            lines.append(flow(day + "T09:%02d:00+01:00" % i, c, "flow_start", fid))
            if i < done:
                lines.append(flow(day + "T10:%02d:00+01:00" % i, c, "flow_complete", fid))
    return lines


def test_weekly():
    out = report("weekly", "--db", db("weekly", weekly_lines()))
    header, rows = read_csv(os.path.join(out, "weekly.csv"), "rfc4180")
    eq(header, ["site", "service", "week", "started", "completed", "completion_rate", "ci_low", "ci_high",
                "complete_week"], "columns")
    eq([(r["week"], r["started"], r["completed"], r["complete_week"]) for r in rows],
       [("2026-W45", "10", "2", "1"), ("2026-W46", "10", "8", "1"), ("2026-W47", "4", "4", "0")],
       "weeks; W47 reaches past the data's last day")
    lo, hi = agresti_coull(8, 10)
    eq(rows[1]["completion_rate"], "0.8000", "rate")
    assert abs(num(rows[1]["ci_low"]) - lo) < 6e-5 and abs(num(rows[1]["ci_high"]) - hi) < 6e-5, rows[1]
    # A period ending on Sunday 15 November (the data reach it): W46 is complete, W47 not in it.
    out = report("weekly2", "--db", db("weekly", weekly_lines()), "--to", "2026-11-15")
    _, rows = read_csv(os.path.join(out, "weekly.csv"), "rfc4180")
    eq([(r["week"], r["complete_week"]) for r in rows], [("2026-W45", "1"), ("2026-W46", "1")], "--to Sunday")
    # A period ending on Saturday 14 November: W46 reaches past it.
    out = report("weekly3", "--db", db("weekly", weekly_lines()), "--to", "2026-11-14")
    _, rows = read_csv(os.path.join(out, "weekly.csv"), "rfc4180")
    eq([(r["week"], r["complete_week"]) for r in rows], [("2026-W45", "1"), ("2026-W46", "0")], "--to Saturday")


def test_changes():
    changes = write("changes.csv", "date,site,service,text\n"
                                   "2026-11-09,*,s,\"IBAN-Feld akzeptiert jetzt Leerzeichen\"\n"
                                   "2026-11-09,w,nichts,Gibt es nicht\n"
                                   "2026-11-12,w,*,Zweiter Versuch\n")
    out = report("changes", "--db", db("weekly", weekly_lines()), "--changes", changes)
    header, rows = read_csv(os.path.join(out, "changes.csv"), "rfc4180")
    eq(header, ["date", "site", "service", "text", "before_started", "before_completed", "after_started",
                "after_completed", "before_rate", "after_rate", "p_value"], "columns")
    eq([(r["date"], r["site"], r["service"]) for r in rows],
       [("2026-11-09", "w", "s"), ("2026-11-09", "w", "nichts"), ("2026-11-12", "w", "s")], "rows, * expanded")
    r = rows[0]
    # Before: 12 Oct…8 Nov clipped to the data (from 4 Nov): 10 started, 2 completed.
    # After: 9 Nov…6 Dec clipped to the data (to 16 Nov): 14 started, 12 completed.
    eq((r["before_started"], r["before_completed"], r["after_started"], r["after_completed"]),
       ("10", "2", "14", "12"), "windows")
    eq((r["before_rate"], r["after_rate"]), ("0.2000", "0.8571"), "rates")
    p = 14 / 24
    z = (12 / 14 - 2 / 10) / math.sqrt(p * (1 - p) * (1 / 14 + 1 / 10))
    assert abs(num(r["p_value"]) - math.erfc(z / math.sqrt(2))) < 6e-5, r
    eq(r["text"], "IBAN-Feld akzeptiert jetzt Leerzeichen", "text")
    eq((rows[1]["before_started"], rows[1]["after_started"], rows[1]["p_value"]), ("0", "0", ""), "no data")
    # 12 Nov: before = 4…11 Nov (10, 2), after = 12…16 Nov (14, 12).
    eq((rows[2]["before_started"], rows[2]["after_started"]), ("10", "14"), "second change")
    # Without --changes there is no changes.csv; a broken file is a usage error naming its line.
    out = report("nochanges", "--db", db("weekly", weekly_lines()))
    assert not os.path.exists(os.path.join(out, "changes.csv"))
    bad = write("bad-changes.csv", "date,site,service,text\n2026-11-31,*,s,x\n")
    p = run_report(["--db", db("weekly", weekly_lines()), "--out", tmp("x"), "--changes", bad])
    eq(p.returncode, 2, "bad changes file")
    assert "bad-changes.csv:2: date: must be YYYY-MM-DD" in p.stderr, p.stderr
    for name, text, why in (("bad-sites.csv", "site,name\nBad Site,x\n", "bad-sites.csv:2: site:"),
                            ("bad-fields.csv", "field,label\niban\n", "bad-fields.csv:2: expected")):
        opt = "--sites" if "sites" in name else "--fields"
        p = run_report(["--db", db("weekly", weekly_lines()), "--out", tmp("x"), opt, write(name, text)])
        eq(p.returncode, 2, name)
        assert why in p.stderr, p.stderr


def test_folder_replaced_whole():
    out = tmp("whole")
    p = run_report(["--db", db("weekly", weekly_lines()), "--out", out, "--quiet", "--no-charts"])
    eq(p.returncode, 0, p.stderr)
    # Leftovers of an earlier report: a chart and a CSV file this run does not write.
    os.makedirs(os.path.join(out, "charts"), exist_ok=True)
    for name in ("charts/old.svg", "changes.csv"):
        with open(os.path.join(out, name), "w") as f:
            f.write("old")
    inode = os.stat(out).st_ino
    p = run_report(["--db", db("weekly", weekly_lines()), "--out", out + "/", "--quiet", "--no-charts"])
    eq(p.returncode, 0, p.stderr)
    assert not os.path.exists(os.path.join(out, "charts", "old.svg")), "an old chart stayed"
    assert not os.path.exists(os.path.join(out, "changes.csv")), "an old CSV file stayed"
    assert os.path.exists(os.path.join(out, "services.csv")) and os.path.exists(os.path.join(out, "index.html"))
    assert os.stat(out).st_ino != inode, "the folder was replaced, not rewritten"
    eq([n for n in os.listdir(tempfile.gettempdir()) if n.startswith(".whole.")], [], "no work folder left")
    # A folder that is neither empty nor a report is not replaced.
    keep = tmp("not-a-report")
    os.makedirs(keep, exist_ok=True)
    with open(os.path.join(keep, "thesis.txt"), "w") as f:
        f.write("precious")
    p = run_report(["--db", db("weekly", weekly_lines()), "--out", keep, "--quiet", "--no-charts"])
    eq(p.returncode, 1, "refused")
    assert "holds no report" in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert os.path.exists(os.path.join(keep, "thesis.txt"))
    eq([n for n in os.listdir(tempfile.gettempdir()) if n.startswith(".not-a-report.")], [], "nothing left")
    # A new folder below folders that do not exist yet.
    deep = tmp("a/b/c")
    p = run_report(["--db", db("weekly", weekly_lines()), "--out", deep, "--quiet", "--no-charts"])
    eq(p.returncode, 0, p.stderr)
    assert os.path.exists(os.path.join(deep, "weekly.csv"))


if __name__ == "__main__":
    run_tests("report-causes", globals())
