# SPDX-License-Identifier: EUPL-1.2
"""test_paths.py — data-driven tests of the service catalogue's path patterns
(REPORT.md "Catalogue") and of flows as REPORT.md revision 2 defines them:
pageviews only, matched by patterns, become flows, funnels and field errors;
markup and paths together; flow ids joining visits across midnight; several
attempts in one visit; site rows replacing "*" rows; and the catalogue check
(`lotse-report --check-catalog`). Expected values are worked out by hand in
the comments from the definitions."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lotse_testlib import by, ev, eq, make_db, read_csv, run_report, run_tests, tmp  # noqa: E402


CATALOG = """site,service,name,category,steps,paths,done
*,hund,Hund anmelden,Steuern,Halter|Hund|Zahlung,/hund/halter /hund/start|/hund/:id/angaben|/hund/*/zahlung,/hund/**/fertig
*,park,Parkausweis,Verkehr,Antrag|Fahrzeug,/park/antrag|/park/fahrzeug,/park/danke
c2,park,Parkausweis (C2),Verkehr,Antrag|Fahrzeug,/c2/park/1|/c2/park/2,/c2/park/ok
*,gebuehr,Gebühr,Finanzen,Zahlung,/**/zahlung
*,ohne,Nur Markup,X,Eins|Zwei
"""


def page(t, client, path, site="c1", **extra):
    e = {"site": site, "type": "pageview", "url": "https://www.example.org" + path}
    e.update(extra)
    return ev(t, client, e)


def error(t, client, path, field, kind, site="c1"):
    return ev(t, client, {"site": site, "type": "field_error", "url": "https://www.example.org" + path,
                          "field": field, "error": kind})


def markup(t, client, type_, path, site="c1", **extra):
    e = {"site": site, "type": type_, "url": "https://www.example.org" + path, "service": "hund"}
    e.update(extra)
    return ev(t, client, e)


D = "2026-11-19T"
# V1 (c1): a whole "hund" journey by pages alone; the case id K792345QH is stored as :id;
#          an IBAN format error without service on the payment page; the confirmation
#          page two segments below matches "**".  -> started, completed, reached 3.
#          /hund/:id/zahlung is also step 1 of "gebuehr" (/**/zahlung): gebuehr started 1.
# V2 (c1): starts at /hund/start/ (trailing slash ignored), step 2, two plz errors, leaves.
# V3 (c1): a deep link into step 2 only: no start, counted nowhere.
# V4 (c1): markup and paths together, across midnight: pageview /hund/halter and markup
#          flow_step 1 with flow id at 23:50; the next day (a new visit key) markup
#          flow_complete with the id: one flow (the id joins both days), completed.
# V5 (c1): two attempts at "park" in one visit: one flow, completed.
# V6 (c2): c2's own "park" row replaces the "*" row: /c2/park/1 starts, /park/antrag is
#          nothing on c2, /c2/park/ok completes.
# V7 (c1): a form page no pattern knows, with a field error: listed by the check.
LINES = [
    page(D + "10:00:00+01:00", "192.0.2.1", "/hund/halter"),
    page(D + "10:01:00+01:00", "192.0.2.1", "/hund/K792345QH/angaben"),
    page(D + "10:02:00+01:00", "192.0.2.1", "/hund/K792345QH/zahlung"),
    error(D + "10:02:30+01:00", "192.0.2.1", "/hund/K792345QH/zahlung", "iban", "format"),
    page(D + "10:03:00+01:00", "192.0.2.1", "/hund/K792345QH/antrag/fertig"),
    page(D + "11:00:00+01:00", "192.0.2.2", "/hund/start/"),
    page(D + "11:01:00+01:00", "192.0.2.2", "/hund/ABC12345XY/angaben"),
    error(D + "11:01:10+01:00", "192.0.2.2", "/hund/ABC12345XY/angaben", "plz", "required"),
    error(D + "11:01:20+01:00", "192.0.2.2", "/hund/ABC12345XY/angaben", "plz", "required"),
    page(D + "12:00:00+01:00", "192.0.2.3", "/hund/AB123456CD/angaben"),
    page(D + "23:50:00+01:00", "192.0.2.4", "/hund/halter"),
    markup(D + "23:50:01+01:00", "192.0.2.4", "flow_step", "/hund/halter", step=1, flow="flowMARK0001"),
    markup("2026-11-20T00:10:00+01:00", "192.0.2.4", "flow_complete", "/hund/x", flow="flowMARK0001"),
    page(D + "13:00:00+01:00", "192.0.2.5", "/park/antrag"),
    page(D + "13:05:00+01:00", "192.0.2.5", "/park/antrag"),
    page(D + "13:06:00+01:00", "192.0.2.5", "/park/fahrzeug"),
    page(D + "13:07:00+01:00", "192.0.2.5", "/park/danke"),
    page(D + "14:00:00+01:00", "192.0.2.6", "/c2/park/1", site="c2"),
    page(D + "14:01:00+01:00", "192.0.2.6", "/park/antrag", site="c2"),
    page(D + "14:02:00+01:00", "192.0.2.6", "/c2/park/ok", site="c2"),
    page(D + "15:00:00+01:00", "192.0.2.7", "/formulare/wohngeld/schritt-1"),
    error(D + "15:00:10+01:00", "192.0.2.7", "/formulare/wohngeld/schritt-1", "einkommen", "range"),
]

DBS = {}


def db(name, lines, **kw):
    if name not in DBS:
        path = tmp(name + ".db")
        imported, rejected = make_db(path, lines, **kw)
        eq((imported, rejected), (len(lines), 0), name + ": imported, rejected")
        DBS[name] = path
    return DBS[name]


def catalog():
    path = tmp("paths-services.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(CATALOG)
    return path


def report(name, *args):
    out = tmp("out-" + name)
    p = run_report(list(args) + ["--out", out, "--no-charts", "--quiet", "--csv", "rfc4180"])
    assert p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr)
    return out


def test_flows_from_paths():
    out = report("paths", "--db", db("paths", LINES), "--services", catalog())
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    h = by(svc, site="c1", service="hund")
    eq((h["name"], h["started"], h["completed"], h["field_errors"]), ("Hund anmelden", "3", "2", "3"),
       "hund: V1, V2, V4 started; V1 and V4 completed; errors of V1 and V2")
    eq(h["median_s"], "690.0", "hund: median of 180 s (V1) and 1200 s (V4 across midnight)")
    eq((by(svc, site="c1", service="park")["started"], by(svc, site="c1", service="park")["completed"]),
       ("1", "1"), "park: two attempts in one visit are one flow")
    p2 = by(svc, site="c2", service="park")
    eq((p2["name"], p2["started"], p2["completed"]), ("Parkausweis (C2)", "1", "1"), "c2's own row")
    eq(by(svc, site="c1", service="gebuehr")["started"], "1", "/**/zahlung starts gebuehr")
    eq([r for r in svc if r["service"] == "ohne"], [], "a service without data is not listed")
    _, fun = read_csv(os.path.join(out, "funnel.csv"), "rfc4180")
    rows = [r for r in fun if r["site"] == "c1" and r["service"] == "hund"]
    eq([r["step_name"] for r in rows], ["Start", "Halter", "Hund", "Zahlung"], "catalogue step names")
    eq([r["reached"] for r in rows], ["3", "3", "3", "2"], "reached")
    eq([r["lost_before_next"] for r in rows], ["0", "0", "1", "0"], "lost: V2 after step 2")
    _, fields = read_csv(os.path.join(out, "fields.csv"), "rfc4180")
    eq((by(fields, site="c1", service="hund", field="iban")["errors"],
        by(fields, site="c1", service="hund", field="iban")["flows_affected"]), ("1", "1"), "iban")
    plz = by(fields, site="c1", service="hund", field="plz", error="required")
    eq((plz["errors"], plz["flows_affected"]), ("2", "1"), "plz: two errors in one flow")
    eq([r for r in fields if r["field"] == "einkommen"], [], "an error on an unknown page has no service")
    # The same error also belongs to gebuehr, whose step pattern its page matches.
    eq(by(fields, site="c1", service="gebuehr", field="iban")["flows_affected"], "1", "gebuehr iban")
    _, daily = read_csv(os.path.join(out, "daily.csv"), "rfc4180")
    d19 = by(daily, site="c1", date="2026-11-19")
    d20 = by(daily, site="c1", date="2026-11-20")
    eq((d19["started"], d19["completed"], d20["started"], d20["completed"]), ("5", "2", "0", "1"),
       "daily: hund 3 + park 1 + gebuehr 1 started on the 19th; V4 completed on the 20th")


def test_without_catalogue_paths_nothing_is_a_flow():
    out = report("nopaths", "--db", db("paths", LINES))
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    # Only V4's markup is left: flow_step and flow_complete joined by id, but no flow_start.
    eq([(r["site"], r["service"], r["started"]) for r in svc], [("c1", "hund", "0")], "markup only")


def test_no_keys_no_flows():
    # With --visit-key off pageviews carry neither key nor id: step totals only, no flows.
    out = report("offpaths", "--db", db("paths-off", LINES, visit_key="off"), "--services", catalog())
    _, svc = read_csv(os.path.join(out, "services.csv"), "rfc4180")
    h = by(svc, site="c1", service="hund")
    eq((h["started"], h["completed"]), ("0", "0"), "no flows without keys")
    _, fun = read_csv(os.path.join(out, "funnel.csv"), "rfc4180")
    eq(len([r for r in fun if r["service"] == "hund" and r["site"] == "c1"]), 4, "steps still listed")


def test_check_catalog():
    p = run_report(["--check-catalog", "--services", catalog(), "--db", db("paths", LINES)])
    eq(p.returncode, 0, p.stderr)
    out = p.stdout
    lines = out.splitlines()
    assert lines[0].startswith("Katalogprüfung von ") and "12 Muster, 2 Websites" in lines[0], lines[0]
    assert "16 Seitenaufrufe, davon 14 (87,5 %)" in lines[0], lines[0]

    def section(title):
        i = next(k for k, line in enumerate(lines) if line.startswith(title))
        rows = []
        for line in lines[i + 1:]:
            if not line.startswith("  "):
                break
            rows.append(line.strip())
        return lines[i], rows

    head, unused = section("Muster ohne Treffer")
    # c2: the five hund patterns of the "*" row, /c2/park/2 and gebuehr's; c1 uses all of its own.
    eq(head, "Muster ohne Treffer (7):", "unused count")
    assert "c2  park  Schritt 2 „Fahrzeug“  /c2/park/2  (Zeile 4)" in unused, unused
    assert "c2  hund  Bestätigungsseite  /hund/**/fertig  (Zeile 2)" in unused, unused
    assert not [u for u in unused if u.startswith("c1 ")], unused
    head, unmatched = section("Seiten, die wie Formulare aussehen")
    eq(unmatched, ["c1  /formulare/wohngeld/schritt-1  1 Seitenaufruf  (Feldfehler von dieser Seite)",
                   "c2  /park/antrag  1 Seitenaufruf"], "form-looking pages without pattern")
    head, overlaps = section("Seiten, auf die Muster mehrerer Dienste")
    eq(overlaps, ["c1  /hund/:id/zahlung  1 Seitenaufruf: hund Schritt 3 „Zahlung“, gebuehr Schritt 1 „Zahlung“"],
       "overlaps")
    p = run_report(["--check-catalog", "--services", catalog(), "--db", db("paths", LINES), "--lang", "en"])
    eq(p.returncode, 0, p.stderr)
    assert "Patterns that matched no pageview (7):" in p.stdout, p.stdout
    for args in (["--check-catalog", "--db", db("paths", LINES)],
                 ["--check-catalog", "--services", catalog(), "--db", db("paths", LINES), "--out", tmp("x")]):
        p = run_report(args)
        eq(p.returncode, 2, "usage error for %r" % args)


def test_bad_patterns_are_usage_errors():
    bad = tmp("bad-paths.csv")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("site,service,name,category,steps,paths,done\n*,a,A,X,S,https://x.de/a,\n")
    p = run_report(["--db", db("paths", LINES), "--out", tmp("bad"), "--services", bad])
    eq(p.returncode, 2, "bad pattern")
    assert "bad-paths.csv:2: paths: a pattern must start with /" in p.stderr, p.stderr


if __name__ == "__main__":
    run_tests("report-paths", globals())
