# SPDX-License-Identifier: EUPL-1.2
"""test_html.py — the report's HTML read back and held against its CSV files:
the services (rates, intervals, order, links), the key figures, the service
pages (funnel, fields, ratings), the honest display of small numbers
("wenige Daten", no mean below --min-count, no "100 %" from four attempts),
the charts (gnuplot must be there unless --no-charts; files referenced,
titles not gnuplot's), unique ids and working links on every page, and the
size limits of REPORT.md on a network-size report."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from htmlread import de_int_text, pct_text, read  # noqa: E402
from lotse_testlib import UA_DESKTOP, UA_PHONE, eq, ev, make_db, num, read_csv, run_report, run_tests  # noqa: E402

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DAY = "2026-11-19"


def tmpdir():
    return tempfile.gettempdir()


def url(path):
    return "https://www.example.org" + path


class Clients:
    """Distinct client addresses, one per flow (2001:db8::/32 is for documentation)."""

    def __init__(self):
        self.n = 0

    def next(self):
        self.n += 1
        return "2001:db8::%x" % self.n


def flows(clients, site, service, started, completed, fields=0, ratings=(), day=DAY, ua=UA_DESKTOP):
    """started flows of site/service, the first `completed` of them completed after
    (i + 1) minutes; the first `fields` not completed get an iban/format error; then
    feedback with the given ratings. Flows run through steps 1 "Angaben" and 2 "Bezahlung";
    those not completed stop at step 2."""
    lines = []
    for i in range(started):
        c = clients.next()
        fid = "f%s%s%s%04d" % (site, service, day.replace("-", ""), i)
        t0 = "%sT%02d:%02d:00+01:00" % (day, 8 + i // 60, i % 60)

        def e(type_, t=t0, **extra):
            x = {"site": site, "type": type_, "url": url("/" + service), "service": service, "flow": fid}
            x.update(extra)
            return ev(t, c, x, ua=ua)
        lines.append(ev(t0, c, {"site": site, "type": "pageview", "url": url("/" + service)}, ua=ua))
        lines.append(e("flow_start"))
        lines.append(e("flow_step", step=1, step_name="Angaben"))
        lines.append(e("flow_step", step=2, step_name="Bezahlung"))
        if i < completed:
            t1 = "%sT%02d:%02d:00+01:00" % (day, 8 + (i + 1 + i) // 60 + 10, (i + 1) % 60)
            lines.append(e("flow_complete", t=t1))
        elif i - completed < fields:
            lines.append(e("field_error", field="iban", error="format"))
    for i, r in enumerate(ratings):
        c = clients.next()
        lines.append(ev("%sT20:%02d:00+01:00" % (day, i), c,
                        {"site": site, "type": "feedback", "url": url("/" + service), "service": service,
                         "rating": r}))
    return lines


# The services of the "shown" case, chosen for what the HTML must show:
#   s1/antrag 40 started, 13 completed (32,5 %), 8 flows with IBAN errors, 7 ratings
#             (a mean from fewer than 10: "wenige Daten")
#   s1/hund   25 started, 20 completed (80,0 %), 12 ratings (a mean without marker)
#   s2/antrag  4 started, 4 completed: "4 von 4", never "100 %"
#   s2/park   12 started, 3 completed (25,0 %), 3 ratings: below --min-count 5, no mean
CASE = [("s1", "antrag", 40, 13, 8, (4, 5, 3, 4, 2, 5, 4)),
        ("s1", "hund", 25, 20, 0, (5, 4, 4, 5, 3, 5, 4, 4, 5, 2, 4, 5)),
        ("s2", "antrag", 4, 4, 0, ()),
        ("s2", "park", 12, 3, 0, (1, 2, 2))]

_CACHE = {}


def shown_db():
    if "db" not in _CACHE:
        clients = Clients()
        lines = []
        for site, svc, started, completed, nfields, ratings in CASE:
            lines += flows(clients, site, svc, started, completed, nfields, ratings)
        # One event the collector refuses, for the data quality section.
        lines.append(ev(DAY + "T21:00:00+01:00", clients.next(), {"site": "s1", "type": "flow_step",
                                                                 "url": url("/antrag"), "service": "antrag",
                                                                 "step": 99}))
        path = os.path.join(tmpdir(), "shown.db")
        imported, rejected = make_db(path, lines)
        eq(rejected, 1, "rejected")
        _CACHE["db"] = path
    return _CACHE["db"]


SITE_NAMES = {"s1": "Stadt Eins", "s2": "Gemeinde Zwei"}
ERROR_NAMES = {"format": "Eingabe im falschen Format", "required": "Pflichtfeld nicht ausgefüllt"}


def names_args():
    """--sites and --fields files for the shown case: names instead of keys."""
    sites = os.path.join(tmpdir(), "sites.csv")
    fields = os.path.join(tmpdir(), "fields.csv")
    with open(sites, "w", encoding="utf-8") as f:
        f.write("site,name,origins\n" + "".join("%s,%s,https://www.example.org\n" % kv for kv in SITE_NAMES.items()))
    with open(fields, "w", encoding="utf-8") as f:
        f.write("field,label\niban,IBAN (Bankverbindung)\n")
    return ["--sites", sites, "--fields", fields]


def report(name, *args):
    out = os.path.join(tmpdir(), name)
    p = run_report(["--db", shown_db(), "--out", out, "--quiet"] + names_args() + list(args))
    eq(p.returncode, 0, p.stderr)
    return out


def shown_report():
    if "out" not in _CACHE:
        _CACHE["out"] = report("shown", "--no-charts")
    return _CACHE["out"]


def sentence_rate(completed, started):
    """A rate inside a sentence: "3 von 6 (wenige Daten)" below 10 attempts."""
    if started < 10:
        return "%d von %d (wenige Daten)" % (completed, started)
    return pct_text(completed / started)


def rate_text(completed, started):
    """What a reader sees for a rate: a percentage from 10 attempts, else "x von n" with the marker."""
    if started < 10:
        return "%d von %d wenige Daten" % (completed, started)
    return pct_text(completed / started)


def test_services_match_csv():
    out = shown_report()
    _, svc = read_csv(os.path.join(out, "services.csv"))
    doc = read(os.path.join(out, "index.html"))
    rows = [r for r in doc.find("section", id="services").find_all("tr") if "data-site" in r.attrs]
    eq(len(rows), len(svc), "one row per service")
    seen = []
    for tr in rows:
        site, key = tr.attrs["data-site"], tr.attrs["data-service"]
        c = [r for r in svc if r["site"] == site and r["service"] == key]
        eq(len(c), 1, "CSV row of %s/%s" % (site, key))
        c = c[0]
        started, completed = int(c["started"]), int(c["completed"])
        th = tr.find("th")
        eq(th.find("a").text(), c["name"], "name")
        eq(th.find("a").attrs["href"], "dienste/%s_%s.html" % (site, key), "link")
        eq(th.find("span", cls="started").text(), "%s begonnen" % de_int_text(started), "started")
        eq(th.find("span", cls="sub").text(), "%s · %s begonnen" % (SITE_NAMES[site], de_int_text(started)),
           "site by name")
        eq(tr.find("span", cls="rate").text(), rate_text(completed, started), "rate of %s/%s" % (site, key))
        ci = tr.find("span", cls="ci")
        if started >= 10:
            want = "95 %%: %s–%s %%" % (de_int_text(num(c["ci_low"]) * 100, 1), de_int_text(num(c["ci_high"]) * 100, 1))
            eq(ci.text(), want, "interval of %s/%s" % (site, key))
        else:
            eq(ci, None, "no interval from fewer than 10")
            assert "100" not in tr.text(), tr.text()
        seen.append((site, key, started, completed))
    # Worst rate first among those with 10 or more started; the few ones after them.
    many = [(c / s) for _, _, s, c in seen if s >= 10]
    eq(many, sorted(many), "worst first")
    eq([s >= 10 for _, _, s, _ in seen], sorted((s >= 10 for _, _, s, _ in seen), reverse=True),
       "few last")


def test_key_figures_match_csv():
    out = shown_report()
    _, svc = read_csv(os.path.join(out, "services.csv"))
    _, daily = read_csv(os.path.join(out, "daily.csv"))
    doc = read(os.path.join(out, "index.html"))
    kpi = {d.find("dt").text(): d.find("span", cls="v").text() for d in doc.find("dl", cls="kpi").find_all("div")}
    started = sum(int(r["started"]) for r in svc)
    completed = sum(int(r["completed"]) for r in svc)
    eq(kpi["Begonnene Vorgänge"], de_int_text(started), "started")
    eq(kpi["Abschlussquote"], pct_text(completed / started), "rate")
    eq(kpi["Besuche"], de_int_text(sum(int(r["visits"]) for r in daily)), "visits")
    eq(kpi["Eingabefehler je Vorgang"], de_int_text(sum(int(r["field_errors"]) for r in svc) / started, 2),
       "errors per attempt")


def test_causes_match_csv():
    out = shown_report()
    _, causes = read_csv(os.path.join(out, "causes.csv"))
    _, svc = read_csv(os.path.join(out, "services.csv"))
    doc = read(os.path.join(out, "index.html"))
    items = doc.find("ol", cls="causes").find_all("li")
    eq(len(items), min(8, len(causes)), "the eight largest causes")
    assert any(c["kind"] == "drop" for c in causes) and any(c["kind"] == "field" for c in causes), causes
    units = {"drop": "Vorgänge betroffen", "field": "Vorgänge betroffen", "search": "Suchen ohne Ergebnis",
             "rating": "Bewertungen mit 1 oder 2 Sternen", "script": "Besuche betroffen", "rage": "Besuche betroffen"}
    for li, c in zip(items, causes):
        eq((li.attrs["data-kind"], li.attrs["data-cause"]), (c["kind"], c["cause"]), "rank %s" % c["rank"])
        heading = "Abbruch bei „%s“" % c["label"] if c["kind"] == "drop" else c["label"]
        eq(li.find("h3").text(), heading, "label")
        counts = "%s %s" % (de_int_text(int(c["affected"])), units[c["kind"]])
        if int(c["services"]):
            counts += " · %s %s" % (c["services"], "Dienst" if c["services"] == "1" else "Dienste")
        counts += " · %s %s" % (c["sites"], "Portal" if c["sites"] == "1" else "Portale")
        eq(li.find("p", cls="sub").text(), counts, "counts of %s" % c["cause"])
        eq(li.find("p", cls="action").text(), "Vorschlag: " + c["action"], "action")
        for a in li.find("p", cls="places").find_all("a"):
            href = a.attrs["href"]
            if href.startswith("dienste/"):
                site, key = href[len("dienste/"):-len(".html")].split("_", 1)
                row = [r for r in svc if r["site"] == site and r["service"] == key][0]
                assert a.text() == "%s (%s)" % (row["name"], SITE_NAMES[site]), a.text()
    # "Das Wichtigste" begins with the largest cause.
    first = doc.find("ul", cls="key").find("li").text()
    title = "Abbruch bei „%s“" % causes[0]["label"] if causes[0]["kind"] == "drop" else "„%s“" % causes[0]["label"]
    assert first.startswith("Zuerst angehen: " + title), first
    assert "%s Vorgänge betroffen" % de_int_text(int(causes[0]["affected"])) in first, first


def test_devices_match_csv():
    out = shown_report()
    _, dev = read_csv(os.path.join(out, "devices.csv"))
    doc = read(os.path.join(out, "index.html"))
    rows = doc.find("section", id="devices").find("tbody").find_all("tr")
    names = {"desktop": "Computer", "mobile": "Smartphone", "tablet": "Tablet", "unknown": "unbekannt"}
    eq(sorted(r.attrs["data-device"] for r in rows), sorted({d["device"] for d in dev}), "devices")
    for tr in rows:
        mine = [d for d in dev if d["device"] == tr.attrs["data-device"]]
        cells = [td.text() for td in tr.find_all("td")]
        eq(tr.find("th").text(), names[tr.attrs["data-device"]], "one word per device")
        eq(cells[0], de_int_text(sum(int(d["visits"]) for d in mine)), "visits")
        started = sum(int(d["started"]) for d in mine)
        eq(cells[1], de_int_text(started), "started")
        eq(tr.find("span", cls="rate").text(), rate_text(sum(int(d["completed"]) for d in mine), started), "rate")


def test_funnel_by_device():
    """12 attempts on computers (6 completed), 10 on phones (3 completed): the service page's table by device."""
    clients = Clients()
    lines = flows(clients, "s1", "antrag", 12, 6) + flows(clients, "s1", "antrag", 10, 3, day="2026-11-18",
                                                           ua=UA_PHONE)
    path = os.path.join(tmpdir(), "devices.db")
    make_db(path, lines)
    out = os.path.join(tmpdir(), "devices")
    p = run_report(["--db", path, "--out", out, "--quiet", "--no-charts"])
    eq(p.returncode, 0, p.stderr)
    tables = read(os.path.join(out, "dienste", "s1_antrag.html")).find("section", id="funnel").find_all("table")
    eq(len(tables), 2, "the funnel and the funnel by device")
    head = [th.text() for th in tables[1].find("thead").find_all("th")]
    eq(head, ["Schritt", "Computer", "Smartphone"], "devices by name")
    rows = {tr.attrs["data-step"]: [td.text() for td in tr.find_all("td")] for tr in tables[1].find("tbody").find_all("tr")}
    eq(rows["started"], ["12", "10"], "started by device")
    eq(rows["1"], ["100,0 %", "100,0 %"], "step 1")
    eq(rows["done"], ["50,0 %", "30,0 %"], "completed by device")


def test_service_pages():
    out = shown_report()
    _, svc = read_csv(os.path.join(out, "services.csv"))
    _, funnel = read_csv(os.path.join(out, "funnel.csv"))
    _, fields = read_csv(os.path.join(out, "fields.csv"))
    for c in svc:
        doc = read(os.path.join(out, "dienste", "%s_%s.html" % (c["site"], c["service"])))
        eq(doc.find("h1").text(), "%s – %s" % (c["name"], SITE_NAMES[c["site"]]), "title")
        rows = doc.find("section", id="funnel").find("tbody").find_all("tr")
        steps = [r for r in funnel if r["site"] == c["site"] and r["service"] == c["service"]]
        eq(len(rows), len(steps) + 1, "a row per step and one for completed")
        for tr, f in zip(rows, steps):
            eq(tr.find("th").text(), "%s %s" % (f["step"], f["step_name"]), "step")
            eq(tr.find("span", cls="reached").text(), de_int_text(int(f["reached"])) + " erreicht", "reached")
            eq(tr.find("span", cls="rate").text(), rate_text(int(f["reached"]), int(c["started"])), "share")
            eq(tr.find("span", cls="lost").text(), de_int_text(int(f["lost_before_next"])), "lost")
        worst = max(steps, key=lambda f: int(f["lost_before_next"]))
        marked = [tr.attrs["data-step"] for tr in rows if tr.find("span", cls="worst")]
        eq(marked, [worst["step"]] if int(worst["lost_before_next"]) else [], "largest loss marked")
        eq(rows[-1].find("span", cls="rate").text(), rate_text(int(c["completed"]), int(c["started"])), "completed")
        labels = {"iban": "IBAN (Bankverbindung)"}
        want = [(labels.get(f["field"], f["field"]), ERROR_NAMES[f["error"]], f["flows_affected"], f["errors"])
                for f in fields
                if f["site"] == c["site"] and f["service"] == c["service"]]
        sec = doc.find("section", id="fields")
        got = [(tr.find("span", cls="field").text(), tr.find("span", cls="error").text())
               + tuple(td.text() for td in tr.find_all("td"))
               for tr in (sec.find("tbody").find_all("tr") if sec.find("tbody") else [])]
        eq(got, want, "fields of %s/%s" % (c["site"], c["service"]))


def test_small_numbers_are_marked():
    out = shown_report()
    page = lambda s, k: read(os.path.join(out, "dienste", "%s_%s.html" % (s, k)))  # noqa: E731
    # 3 ratings, below --min-count 5: no mean anywhere on the page.
    doc = page("s2", "park")
    sec = doc.find("section", id="ratings")
    assert "zu wenige Bewertungen" in sec.text(), sec.text()
    assert not re.search(r"\d,\d von 5", doc.text()), doc.text()
    # 7 ratings: a mean, marked.
    doc = page("s1", "antrag")
    p = doc.find("section", id="ratings").find("p").text()
    assert p.startswith("Mittel 3,9 von 5") and "wenige Daten" in p, p
    # 12 ratings: a mean with its interval, unmarked.
    p = page("s1", "hund").find("section", id="ratings").find("p").text()
    assert p.startswith("Mittel 4,2 von 5 (95 %:") and "wenige Daten" not in p, p
    # 4 of 4: nowhere "100 %", everywhere marked.
    doc = page("s2", "antrag")
    assert "100 %" not in doc.text(), doc.text()
    kpi = doc.find("dl", cls="kpi").text()
    assert "4 von 4 wenige Daten" in kpi, kpi
    # The time to complete of 4 completed attempts is marked too.
    assert "wenige Daten" in doc.find("section", id="time").text()
    # --min-count 2: the 3 ratings give a mean, marked as little data.
    out2 = report("shown-min2", "--no-charts", "--min-count", "2")
    p = read(os.path.join(out2, "dienste", "s2_park.html")).find("section", id="ratings").find("p").text()
    assert p.startswith("Mittel 1,7 von 5") and "wenige Daten" in p, p


def compare_db():
    """The shown case on DAY and, a week before, s1/antrag completed far more
    often (30 of 40), s1/hund the same (20 of 25) with ten ratings."""
    if "compare_db" not in _CACHE:
        clients = Clients()
        lines = []
        for site, svc, started, completed, nfields, ratings in CASE:
            lines += flows(clients, site, svc, started, completed, nfields, ratings)
        lines += flows(clients, "s1", "antrag", 40, 30, day="2026-11-12")
        lines += flows(clients, "s1", "hund", 25, 20, ratings=(5, 5, 4, 5, 3, 5, 4, 4, 5, 5), day="2026-11-12")
        path = os.path.join(tmpdir(), "compare.db")
        make_db(path, lines)
        _CACHE["compare_db"] = path
    return _CACHE["compare_db"]


def compare_report():
    out = os.path.join(tmpdir(), "compare")
    p = run_report(["--db", compare_db(), "--out", out, "--quiet", "--no-charts", "--from", DAY, "--to", DAY,
                    "--compare-from", "2026-11-12", "--compare-to", "2026-11-12"])
    eq(p.returncode, 0, p.stderr)
    return out


def kpis(out):
    """The key figures of a report: {name: (value, the comparison's text or None)}."""
    doc = read(os.path.join(out, "index.html"))
    res = {}
    for d in doc.find("dl", cls="kpi").find_all("div"):
        ch = d.find("span", cls="change")
        res[d.find("dt").text()] = (d.find("span", cls="v").text(), ch.text() if ch else None)
    return res


def test_key_figures_before_are_the_comparison_periods():
    """Each key figure's "vorher" is what a report of the comparison period alone shows."""
    compared = kpis(compare_report())
    alone_out = os.path.join(tmpdir(), "compare-alone")
    p = run_report(["--db", compare_db(), "--out", alone_out, "--quiet", "--no-charts", "--from", "2026-11-12",
                    "--to", "2026-11-12", "--no-compare"])
    eq(p.returncode, 0, p.stderr)
    alone = kpis(alone_out)
    for name, (value, before) in alone.items():
        eq(before, None, "no comparison in a report without one: " + name)
        shown = compared[name][1]
        assert shown is not None and shown.startswith("vorher " + value), (name, value, shown)
    _, daily = read_csv(os.path.join(alone_out, "daily.csv"))
    _, daily_now = read_csv(os.path.join(tmpdir(), "compare", "daily.csv"))
    before, now = sum(int(r["visits"]) for r in daily), sum(int(r["visits"]) for r in daily_now)
    change = (now - before) / before * 100
    eq(compared["Besuche"][1], "vorher %s · %s%s %%" % (de_int_text(before), "+" if change > 0 else "−",
                                                       de_int_text(abs(change), 1)), "visits")
    eq(compared["Zufriedenheit"][1], "vorher 4,5 von 5", "satisfaction: the mean of the week before's ten ratings")


def test_summary_and_comparison():
    """With a comparison period: the change of each service against the CSV's prev_* and p_value,
    in words, and at most five sentences in "Das Wichtigste" naming the clearest change."""
    out = compare_report()
    _, svc = read_csv(os.path.join(out, "services.csv"))
    doc = read(os.path.join(out, "index.html"))
    for tr in doc.find("section", id="services").find_all("tr"):
        if "data-site" not in tr.attrs:
            continue
        c = [r for r in svc if r["site"] == tr.attrs["data-site"] and r["service"] == tr.attrs["data-service"]][0]
        line = tr.find("span", cls="change").text()
        if c["prev_started"] == "0":
            eq(line, "vorher nicht begonnen", "no previous attempts")
            continue
        prev = num(c["prev_completion_rate"])
        delta = (num(c["completion_rate"]) - prev) * 100
        sign = "+" if delta > 0.05 else "−" if delta < -0.05 else "±"
        word = "statistisch signifikant" if num(c["p_value"]) < 0.05 else "nicht signifikant"
        eq(line, "vorher %s · %s%s Prozentpunkte, %s" % (pct_text(prev), sign, de_int_text(abs(delta), 1), word),
           "change of %s" % c["service"])
        # The service's own page shows the same change under its completion rate.
        page = read(os.path.join(out, tr.find("a").attrs["href"]))
        rate = [d for d in page.find("dl", cls="kpi").find_all("div") if d.find("dt").text() == "Abschlussquote"][0]
        eq(rate.find("span", cls="change").text(), line, "change on the page of %s" % c["service"])
    items = [li.text() for li in doc.find("ul", cls="key").find_all("li")]
    assert 1 <= len(items) <= 5, items
    assert ("Am deutlichsten verschlechtert hat sich „antrag“ (s1): von 75,0 % auf 32,5 % "
            "(statistisch signifikant).") in items, items
    started = sum(int(r["started"]) for r in svc)
    completed = sum(int(r["completed"]) for r in svc)
    prev_s = sum(int(r["prev_started"]) for r in svc)
    prev_c = sum(int(r["prev_completed"]) for r in svc)
    kpi = {d.find("dt").text(): d for d in doc.find("dl", cls="kpi").find_all("div")}
    change = (started - prev_s) / prev_s * 100
    eq(kpi["Begonnene Vorgänge"].find("span", cls="change").text(),
       "vorher %s · %s%s %%" % (de_int_text(prev_s), "+" if change > 0 else "−", de_int_text(abs(change), 1)),
       "started against the comparison period")
    want = "von %s auf %s gesunken; das ist statistisch signifikant." % (pct_text(prev_c / prev_s),
                                                                         pct_text(completed / started))
    assert any(want in i for i in items), (want, items)


def trend_report():
    """Three weeks of s1/antrag and s2/antrag, a change to s1/antrag on the Monday of the second
    week and one for every site's antrag on the 20th; the period ends on Wednesday of the third
    week, which is therefore incomplete."""
    if "trend" not in _CACHE:
        clients = Clients()
        lines = []
        for day, started, completed in (("2026-11-10", 20, 5), ("2026-11-17", 20, 15), ("2026-11-24", 6, 3)):
            lines += flows(clients, "s1", "antrag", started, completed, day=day)
            lines += flows(clients, "s2", "antrag", 12, 6, day=day)
        path = os.path.join(tmpdir(), "trend.db")
        make_db(path, lines)
        changes = os.path.join(tmpdir(), "changes.csv")
        with open(changes, "w", encoding="utf-8") as f:
            f.write("date,site,service,text\n2026-11-16,s1,antrag,IBAN-Feld akzeptiert Leerzeichen\n"
                    "2026-11-20,*,antrag,Hilfetext am Geburtsdatum\n")
        out = os.path.join(tmpdir(), "trend")
        p = run_report(["--db", path, "--out", out, "--quiet", "--from", "2026-11-09", "--to", "2026-11-25",
                        "--changes", changes] + names_args())
        eq(p.returncode, 0, p.stderr)
        _CACHE["trend"] = out
    return _CACHE["trend"]


def week_name(iso):
    """ "2026-W47" -> "KW 47"."""
    return "KW %d" % int(iso.split("-W")[1])


def test_weekly_match_csv():
    out = trend_report()
    _, weeks = read_csv(os.path.join(out, "weekly.csv"))
    eq(sorted({w["complete_week"] for w in weeks}), ["0", "1"], "an incomplete week in the case")
    for site in ("s1", "s2"):
        rows = read(os.path.join(out, "dienste", "%s_antrag.html" % site)).find("section", id="trend").find(
            "tbody").find_all("tr")
        mine = [w for w in weeks if w["site"] == site and w["service"] == "antrag"]
        eq(len(rows), len(mine), "a row per week")
        for tr, w in zip(rows, mine):
            want = week_name(w["week"]) + ("" if w["complete_week"] == "1" else " unvollständig")
            eq(tr.find("th").text(), want, "week")
            eq(tr.find("td").text(), de_int_text(int(w["started"])), "started")
            eq(tr.find("span", cls="rate").text(), rate_text(int(w["completed"]), int(w["started"])), "rate")
            if int(w["started"]) >= 10:
                eq(tr.find("span", cls="ci").text(), "95 %%: %s–%s %%" % (
                    de_int_text(num(w["ci_low"]) * 100, 1), de_int_text(num(w["ci_high"]) * 100, 1)), "interval")
    # index.html: the service over both sites, as the chart's text: the sums of weekly.csv.
    doc = read(os.path.join(out, "index.html"))
    trend = [d for d in doc.find("section", id="trends").find_all("div", cls="trend")
             if d.attrs["data-service"] == "antrag"][0]
    parts = []
    for iso in sorted({w["week"] for w in weeks}):
        ws = [w for w in weeks if w["week"] == iso and w["service"] == "antrag"]
        started = sum(int(w["started"]) for w in ws)
        completed = sum(int(w["completed"]) for w in ws)
        name = week_name(iso) + ("" if all(w["complete_week"] == "1" for w in ws) else " (unvollständig)")
        parts.append("%s: %s" % (name, pct_text(completed / started) if started >= 10
                                 else "%d von %d (wenige Daten)" % (completed, started)))
    eq(trend.find("img").attrs["alt"].replace("\xa0", " "), "; ".join(parts), "the trend's text")
    with open(os.path.join(out, "charts", "trend_all_antrag.svg"), encoding="utf-8") as f:
        svg = f.read()
    assert ">1<" in svg and ">2<" in svg, "both changes drawn on the service's trend"
    with open(os.path.join(out, "charts", "weekly_s2_antrag.svg"), encoding="utf-8") as f:
        svg = f.read()
    assert ">2<" in svg and ">1<" not in svg, "s2's chart shows only the change that concerns s2"


def test_changes_match_csv():
    out = trend_report()
    _, changes = read_csv(os.path.join(out, "changes.csv"))
    eq(len(changes), 3, "one change for s1, one for both sites")
    doc = read(os.path.join(out, "index.html"))
    rows = doc.find("section", id="trends").find("tbody").find_all("tr")
    eq(len(rows), 3, "every row of changes.csv")
    for tr, c in zip(rows, changes):
        number = "1" if c["text"].startswith("IBAN") else "2"
        day = "%s.%s.%s" % tuple(reversed(c["date"].split("-")))
        eq(tr.find("th").text(), "%s %s" % (number, day), "number and date")
        assert tr.find("td").text().startswith(c["text"]), tr.text()
        eq(tr.find("a").attrs["href"], "dienste/%s_%s.html" % (c["site"], c["service"]), "link")
        eq(tr.find("span", cls="before").text(), rate_text(int(c["before_completed"]), int(c["before_started"])),
           "before")
        eq(tr.find("span", cls="after").text(), rate_text(int(c["after_completed"]), int(c["after_started"])),
           "after")
        p = num(c["p_value"])
        want = ("besser – statistisch signifikant" if p < 0.05 and num(c["after_rate"]) > num(c["before_rate"])
                else "schlechter – statistisch signifikant" if p < 0.05
                else "kein deutlicher Unterschied (nicht signifikant)")
        eq(tr.find("span", cls="verdict").text(), want, "verdict of %s" % c["text"])
    iban = [c for c in changes if c["text"].startswith("IBAN")][0]
    assert num(iban["p_value"]) < 0.05, "the case's change is significant"
    # Das Wichtigste names the latest change that can be judged.
    latest = [c for c in changes if c["date"] == "2026-11-20" and c["site"] == "s1"][0]
    sentence = "Änderung „Hilfetext am Geburtsdatum“ vom 20.11.2026 (antrag, Stadt Eins): Abschlussquote vorher %s, seitdem %s" % (
        sentence_rate(int(latest["before_completed"]), int(latest["before_started"])),
        sentence_rate(int(latest["after_completed"]), int(latest["after_started"])))
    items = [li.text() for li in doc.find("ul", cls="key").find_all("li")]
    assert any(i.startswith(sentence) for i in items), (sentence, items)
    # The service page shows its own changes only.
    page = read(os.path.join(out, "dienste", "s2_antrag.html"))
    eq([tr.find("th").text() for tr in page.find("section", id="changes").find("tbody").find_all("tr")],
       ["2 20.11.2026"], "s2's changes")


def all_pages(out):
    pages = [os.path.join(out, "index.html")]
    pages += [os.path.join(out, "dienste", f) for f in sorted(os.listdir(os.path.join(out, "dienste")))]
    return pages


def check_pages(out):
    """Every page: ids unique, every local link and image resolves."""
    for path in all_pages(out):
        doc = read(path)
        ids = [e.attrs["id"] for e in doc.iter() if "id" in e.attrs]
        eq(len(ids), len(set(ids)), "duplicate ids in %s" % path)
        for e in doc.iter():
            ref = e.attrs.get("href") if e.tag == "a" else e.attrs.get("src") if e.tag == "img" else None
            if ref is None:
                continue
            assert not re.match(r"^[a-z]+:", ref), "external reference %s in %s" % (ref, path)
            target, _, frag = ref.partition("#")
            tpath = os.path.normpath(os.path.join(os.path.dirname(path), target)) if target else path
            assert os.path.isfile(tpath), "%s: %s does not exist" % (path, ref)
            if frag:
                assert frag in [x.attrs.get("id") for x in read(tpath).iter()], "%s: no #%s" % (path, frag)


def test_ids_and_links():
    check_pages(shown_report())


def test_charts():
    """Charts are part of the report: without gnuplot the run fails (unless --no-charts)."""
    assert shutil.which("gnuplot"), "gnuplot is missing: charts cannot be tested (make deps installs it)"
    out = report("charts")
    check_pages(out)
    charts = set(os.listdir(os.path.join(out, "charts")))
    used = set()
    for path in all_pages(out):
        for img in read(path).find_all("img"):
            name = os.path.basename(img.attrs["src"])
            assert name.endswith(".svg"), name
            used.add(name[:-4])
            assert img.attrs.get("alt"), "alt text of %s" % name
    assert {"regions", "spark-started", "spark-visits"} <= used, used
    for name in used:
        assert name + ".svg" in charts and name + ".png" in charts, (name, charts)
        with open(os.path.join(out, "charts", name + ".svg"), encoding="utf-8") as f:
            svg = f.read()
        titles = re.findall(r"<title>(.*?)</title>", svg)
        eq(len(titles), 1, "one title in %s" % name)
        assert "gnuplot" not in titles[0].lower() and "<desc>" not in svg, (name, titles)
    # The regional chart names the services and sites; the hollow point of s2/antrag (4 started).
    with open(os.path.join(out, "charts", "regions.svg"), encoding="utf-8") as f:
        svg = f.read()
    assert ">antrag<" in svg and ">Stadt Eins<" in svg and ">Gemeinde Zwei<" in svg, svg[:3000]
    # --no-charts: no chart referenced, no charts folder.
    doc = read(os.path.join(shown_report(), "index.html"))
    eq(doc.find_all("img"), [], "no images with --no-charts")
    # gnuplot missing: exit 1 with the way out.
    env = dict(os.environ, PATH="/nonexistent")
    p = run_report(["--db", shown_db(), "--out", os.path.join(tmpdir(), "nognu"), "--quiet"], env=env)
    eq(p.returncode, 1, "gnuplot missing")
    assert "gnuplot" in p.stderr and "--no-charts" in p.stderr, p.stderr
    # gnuplot failing on the PNG copies only: the report is written, and the message says so.
    fake = os.path.join(tmpdir(), "fakebin")
    os.makedirs(fake, exist_ok=True)
    with open(os.path.join(fake, "gnuplot"), "w") as f:
        f.write('#!/bin/sh\ncase "$1" in *png.gp) echo "png broke" >&2; exit 1;; esac\n'
                'exec %s "$@"\n' % shutil.which("gnuplot"))
    os.chmod(os.path.join(fake, "gnuplot"), 0o755)
    env = dict(os.environ, PATH=fake + os.pathsep + os.environ["PATH"])
    p = run_report(["--db", shown_db(), "--out", os.path.join(tmpdir(), "nopng"), "--quiet"], env=env)
    eq(p.returncode, 1, "PNG charts failed")
    assert "PNG charts:" in p.stderr and "index.html and its SVG charts are written" in p.stderr, p.stderr
    assert os.path.exists(os.path.join(tmpdir(), "nopng", "index.html"))


def test_chart_labels_are_cut_whole():
    """A long service name is cut with an ellipsis in the chart (a whole last character), whole in the HTML."""
    cat = os.path.join(tmpdir(), "long.csv")
    long_name = "Anmeldung einer Nebenwohnung mit Zweitwohnungssteuer und mehr"
    with open(cat, "w", encoding="utf-8") as f:
        f.write("site,service,name,category,steps\n*,antrag,%s,Bürgerservice,Angaben|Bezahlung\n"
                "*,hund,Hundesteuer für Menü-Liebhaber,Steuern,Angaben|Bezahlung\n" % long_name)
    out = report("long", "--services", cat)
    with open(os.path.join(out, "charts", "regions.svg"), encoding="utf-8") as f:
        svg = f.read()
    cut = re.findall(r">(Anmeldung einer[^<]*)<", svg)
    eq(len(cut), 1, "the service's heading")
    assert cut[0].endswith("\u2026") and len(cut[0].encode()) <= 52, cut
    assert long_name in read(os.path.join(out, "index.html")).text()


# Words of the English report (and codes) that must not reach the German one.
ENGLISH = re.compile(r"\b([Cc]ompletion|[Cc]ompleted|[Ss]tarted|[Aa]ttempts?|[Vv]isits?|little data|[Oo]thers|"
                     r"desktop|mobile|required|format|invalid|range|must|[Ss]teps?|[Rr]ate|[Ss]earch|[Ss]ites?|"
                     r"[Ww]eek|[Cc]hange|[Bb]efore|[Aa]fter|[Ss]ignificant|[Gg]nuplot|null|NaN|nan)\b")


def test_no_english_in_german():
    pages = []
    for out in (shown_report(), trend_report()):
        pages += all_pages(out)
    for path in pages:
        text = read(path).find("body").text()
        hits = ENGLISH.findall(text)
        eq(hits, [], "English or codes in %s" % path)
    doc = read(os.path.join(shown_report(), "index.html"))
    quality = doc.find("section", id="quality").find("tbody").text()
    assert quality.startswith("Schrittnummer"), quality


def test_english():
    out = report("en", "--no-charts", "--lang", "en")
    doc = read(os.path.join(out, "index.html"))
    eq(doc.find("html").attrs["lang"], "en", "lang")
    assert "What to fix first" in doc.text()
    row = [r for r in doc.find("section", id="services").find_all("tr") if r.attrs.get("data-site") == "s1"
           and r.attrs.get("data-service") == "antrag"][0]
    eq(row.find("span", cls="rate").text(), "32.5 %", "English rate")


def network_report():
    """The pilot network (13 sites) for four weeks from gen_traffic.py, as REPORT.md's limits are about."""
    if "network" not in _CACHE:
        with open(os.path.join(TOP, "data", "sites.csv"), encoding="utf-8") as f:
            sites = ",".join(line.split(",")[0] for line in f.read().splitlines()[1:] if line)
        gen = subprocess.run([sys.executable, os.path.join(TOP, "scripts", "gen_traffic.py"), "--days", "28",
                              "--end", "2026-11-29", "--sites", sites, "--events", "40000", "--seed", "3"],
                             capture_output=True, text=True, timeout=300, check=True)
        path = os.path.join(tmpdir(), "network.db")
        make_db(path, gen.stdout.splitlines())
        out = os.path.join(tmpdir(), "network")
        p = run_report(["--db", path, "--out", out, "--services", os.path.join(TOP, "data", "services.csv"),
                        "--quiet"], timeout=300)
        eq(p.returncode, 0, p.stderr)
        _CACHE["network"] = out
    return _CACHE["network"]


def test_size_limits():
    out = network_report()
    size = os.path.getsize(os.path.join(out, "index.html"))
    assert size <= 300 * 1024, "index.html is %d bytes" % size
    pages = all_pages(out)[1:]
    assert len(pages) >= 100, "a page per service and site: %d" % len(pages)
    for path in pages:
        size = os.path.getsize(path)
        assert size <= 200 * 1024, "%s is %d bytes" % (path, size)
    check_pages(out)
    index = read(os.path.join(out, "index.html"))
    linked = {a.attrs["href"] for a in index.find_all("a") if a.attrs.get("href", "").startswith("dienste/")}
    eq(linked, {"dienste/" + os.path.basename(p) for p in pages}, "every service page linked from index.html")
    rows = [r for r in index.find("section", id="services").find_all("tr") if "data-site" in r.attrs]
    assert 0 < len(rows) <= 20, "the services table is the worst 20 at most: %d" % len(rows)


if __name__ == "__main__":
    run_tests("html", globals())
