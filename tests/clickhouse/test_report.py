# SPDX-License-Identifier: EUPL-1.2
"""test_report.py — lotse-report from ClickHouse writes the same files as
from SQLite, byte for byte: the same NDJSON lines (demo traffic of four
sites over five weeks across the switch to summer time, with catalogue
paths, markup flows, attempt ids across midnight, field errors, searches,
ratings, script errors, rejects, plus crafted edge cases and keyless
events imported with --visit-key off) go through lotse-collector --import
into SQLite, into one ClickHouse server, and into a Distributed table over
two shards; every report variant (catalogue or none, comparison, --site,
--period, --changes, --check-catalog, --lang en, --min-count) is written
from all three and every file compared. Also --prune on ClickHouse
(monthly partitions, a delete for the rest, the same counts as SQLite's
prune), --backup and mixed --db refused, a missing table named."""
import atexit
import datetime
import filecmp
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from chserver import CLUSTER, Cluster, Server  # noqa: E402
from harness import COLLECTOR, eq, run_report, run_tests  # noqa: E402

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DATA = os.path.join(TOP, "data")
GEN = os.path.join(TOP, "scripts", "gen_traffic.py")
SITES = "gladbeck,bottrop,gelsenkirchen,dorsten"
END = "2025-04-06"
UA_A = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"
UA_B = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Mobile/15E148 Safari/604.1")

_state = {}


def line(t, event, client="192.0.2.10", ua=UA_A, origin="https://www.gladbeck.de"):
    return {"time": t, "client": client, "ua": ua, "origin": origin, "event": event}


def e(type_, path, site="gladbeck", **kw):
    host = {"gladbeck": "https://www.gladbeck.de", "dorsten": "https://www.dorsten.de"}[site]
    d = {"site": site, "type": type_, "url": host + path}
    d.update(kw)
    return d


def crafted():
    """Edge cases beside the demo traffic (with visit keys)."""
    hund = "/formulare/hundesteuer-anmeldung/K-77123/"
    out = [
        # An attempt id across midnight (two visit days, one flow), markup and catalogue paths.
        line("2025-03-20T23:58:00+01:00", e("pageview", hund + "halter")),
        line("2025-03-20T23:58:01+01:00", e("flow_start", hund + "halter", service="hundeanmeldung",
                                            flow="att-midnight-01", step_name="Halterin")),
        line("2025-03-21T00:03:00+01:00", e("flow_step", hund + "hund", service="hundeanmeldung", step=2,
                                            flow="att-midnight-01")),
        line("2025-03-21T00:04:00+01:00", e("field_error", hund + "hund", field="chipnummer", error="format")),
        line("2025-03-21T00:05:00+01:00", e("flow_complete", hund + "eingangsbestaetigung",
                                            service="hundeanmeldung", flow="att-midnight-01")),
        # A completion before the start, then an attempt that completes; and two attempts in one visit.
        line("2025-03-22T10:00:00+01:00", e("flow_complete", "/x", service="wohngeld"), client="192.0.2.11"),
        line("2025-03-22T10:05:00+01:00", e("flow_start", "/x", service="wohngeld"), client="192.0.2.11"),
        line("2025-03-22T10:09:00+01:00", e("flow_step", "/x", service="wohngeld", step=3,
                                            step_name="Prüfen"), client="192.0.2.11"),
        line("2025-03-22T10:10:00+01:00", e("flow_complete", "/x", service="wohngeld"), client="192.0.2.11"),
        line("2025-03-22T11:00:00+01:00", e("flow_start", "/x", service="wohngeld"), client="192.0.2.11"),
        line("2025-03-22T11:30:00+01:00", e("flow_complete", "/x", service="wohngeld"), client="192.0.2.11"),
        # One id on two devices (two visits), joined; equal start times are not made here.
        line("2025-03-23T09:00:00+01:00", e("flow_start", "/y", site="dorsten", service="bauantrag",
                                            flow="case-4711-xyz"), origin="https://www.dorsten.de"),
        line("2025-03-23T09:30:00+01:00", e("flow_step", "/y", site="dorsten", service="bauantrag", step=4,
                                            flow="case-4711-xyz"), ua=UA_B, client="198.51.100.4",
             origin="https://www.dorsten.de"),
        line("2025-03-24T08:00:00+01:00", e("flow_complete", "/y", site="dorsten", service="bauantrag",
                                            flow="case-4711-xyz"), ua=UA_B, client="198.51.100.4",
             origin="https://www.dorsten.de"),
        # Searches a spreadsheet or a TSV reader could stumble over, feedback without a service.
        line("2025-03-25T12:00:00+01:00", e("search", "/suche", q="=SUMME(A1)\t\"Anführung\" \\ back", results=0)),
        line("2025-03-25T12:00:05+01:00", e("search", "/suche", q="Straße—Gebühr 😀", results=4)),
        line("2025-03-25T12:01:00+01:00", e("feedback", "/", rating=2)),
        line("2025-03-25T12:02:00+01:00", e("rage_click", hund + "sepa-mandat", target="Weiter »")),
        line("2025-03-25T12:02:01+01:00", e("js_error", hund + "sepa-mandat", message="TypeError /js/x.js:1:2")),
        line("2025-03-25T12:03:00+01:00", e("outlink", "/", href="https://www.bund.de/a/b.pdf")),
        line("2025-03-25T12:04:00+01:00", e("engagement", "/", ms=0)),
        line("2025-03-25T12:04:01+01:00", e("engagement", "/", ms=1)),
        # Refused events (rejects).
        line("2025-03-25T12:05:00+01:00", e("flow_step", "/", service="x", step=99)),
        line("2025-03-25T12:05:01+01:00", {"site": "gladbeck", "type": "nonsense", "url": "https://www.gladbeck.de/"}),
    ]
    return out


def keyless():
    """Events imported with --visit-key off: visits of their own, flows by id alone."""
    out = []
    for i in range(12):
        t = "2025-03-%02dT%02d:%02d:00+01:00" % (10 + i % 5, 8 + i % 9, i)
        out.append(line(t, e("pageview", "/standesamt/geburtsurkunde/antrag/person")))
        out.append(line(t, e("search", "/suche", q="personalausweis", results=i % 3)))
        out.append(line(t, e("flow_start", "/z", service="wohngeld", flow="keyless-%04d" % (i % 4))))
        if i % 2:
            out.append(line(t, e("flow_complete", "/z", service="wohngeld", flow="keyless-%04d" % (i % 4))))
        out.append(line(t, e("flow_step", "/z", service="wohngeld", step=2)))  # no id: step totals only
    return out


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        for ln in lines:
            f.write(json.dumps(ln, ensure_ascii=False) + "\n")


def import_all(db, files):
    for path, args in files:
        p = subprocess.run([COLLECTOR, "--db", db, "--sites", os.path.join(DATA, "sites.csv"), "--import", path]
                           + args, capture_output=True, text=True, timeout=300)
        eq(p.returncode, 0, "%s: %s" % (db, p.stderr))


def stores():
    """The three stores holding the same events (made once): SQLite, one server, the cluster."""
    if _state:
        return _state
    tmp = tempfile.mkdtemp(prefix="lotse-chr-")
    demo = os.path.join(tmp, "demo.ndjson")
    changes = os.path.join(tmp, "changes.csv")
    with open(demo, "w") as f:
        subprocess.run([sys.executable, GEN, "--days", "35", "--end", END, "--sites", SITES, "--events", "40000",
                        "--seed", "3", "--changes-out", changes], stdout=f, check=True)
    extra = os.path.join(tmp, "crafted.ndjson")
    write_lines(extra, crafted())
    nokey = os.path.join(tmp, "keyless.ndjson")
    write_lines(nokey, keyless())
    files = [(demo, []), (extra, []), (nokey, ["--visit-key", "off"])]
    sq = os.path.join(tmp, "lotse.db")
    import_all(sq, files)
    one = Server().start()
    atexit.register(one.stop)
    one.query("CREATE DATABASE lotse")
    import_all(one.url("lotse"), files)
    cl = Cluster(2).start()
    atexit.register(cl.stop)
    cl.on_all("CREATE DATABASE lotse")
    cl.on_all("CREATE TABLE lotse.events_local (%s) ENGINE = MergeTree() PARTITION BY "
              "toYYYYMM(toDateTime(intDiv(time, 1000)), 'Europe/Berlin') ORDER BY (site, time)" % columns(one))
    cl.on_all("CREATE TABLE lotse.rejects_local (time Int64, reason String, site Nullable(String), "
              "type Nullable(String), path Nullable(String)) ENGINE = MergeTree() PARTITION BY "
              "toYYYYMM(toDateTime(intDiv(time, 1000)), 'Europe/Berlin') ORDER BY time")
    a = cl.servers[0]
    for t in ("events", "rejects"):
        a.query("CREATE TABLE lotse.%s AS lotse.%s_local ENGINE = Distributed(%s, lotse, %s_local, rand())"
                % (t, t, CLUSTER, t))
    import_all(a.url("lotse"), files)
    _state.update(tmp=tmp, changes=changes, sqlite=sq, one=one, cluster=cl,
                  dbs={"sqlite": sq, "clickhouse": one.url("lotse"), "cluster": a.url("lotse")})
    return _state


def columns(srv):
    return ", ".join("%s %s" % r for r in srv.rows("SELECT name, type FROM system.columns WHERE database = 'lotse' "
                                                   "AND table = 'events'"))


def test_cluster_holds_every_event_on_its_shards():
    s = stores()
    total = s["one"].value("SELECT count() FROM lotse.events")
    parts = [int(srv.value("SELECT count() FROM lotse.events_local")) for srv in s["cluster"].servers]
    eq(sum(parts), int(total), "events on the two shards")
    assert min(parts) > 0.3 * int(total), parts
    con = sqlite3.connect(s["sqlite"])
    eq(con.execute("SELECT count(*) FROM events").fetchone()[0], int(total), "events in SQLite")
    eq(con.execute("SELECT count(*) FROM rejects").fetchone()[0],
       int(s["cluster"].servers[0].value("SELECT count() FROM lotse.rejects")), "rejects")
    con.close()


def report(db, out, args):
    p = run_report(["--db", db, "--out", out, "--quiet"] + args, timeout=600)
    eq(p.returncode, 0, "%s %s: %s" % (db, args, p.stderr))


def same_files(a, b):
    """Every file under a and b, compared byte for byte; returns how many."""
    names_a = sorted(os.path.relpath(os.path.join(d, f), a) for d, _, fs in os.walk(a) for f in fs)
    names_b = sorted(os.path.relpath(os.path.join(d, f), b) for d, _, fs in os.walk(b) for f in fs)
    eq(names_b, names_a, "files of %s" % b)
    for n in names_a:
        if not filecmp.cmp(os.path.join(a, n), os.path.join(b, n), shallow=False):
            with open(os.path.join(a, n), "rb") as fa, open(os.path.join(b, n), "rb") as fb:
                la, lb = fa.read().splitlines(), fb.read().splitlines()
            diff = [(i, x, y) for i, (x, y) in enumerate(zip(la, lb)) if x != y][:3]
            raise AssertionError("%s differs from %s: %d vs %d lines, first differences %r"
                                 % (os.path.join(b, n), os.path.join(a, n), len(la), len(lb), diff))
    return len(names_a)


VARIANTS = {
    "full": ["--period", "last-28-days", "--today", "2025-04-07", "--services", os.path.join(DATA, "services.csv"),
             "--sites", os.path.join(DATA, "sites.csv"), "--fields", os.path.join(DATA, "fields.csv")],
    "english": ["--lang", "en", "--min-count", "1", "--services", os.path.join(DATA, "services.csv"), "--no-charts"],
    "site": ["--site", "bottrop", "--from", "2025-03-10", "--to", "2025-03-31", "--compare-from", "2025-03-03",
             "--compare-to", "2025-03-09", "--services", os.path.join(DATA, "services.csv"), "--no-charts"],
    "nocatalogue": ["--period", "2025-W12", "--today", "2025-04-07", "--min-count", "3", "--no-charts"],
    "open": ["--csv", "rfc4180", "--min-count", "0", "--no-charts", "--services", os.path.join(DATA, "services.csv")],
}


def check_variant(name, extra=()):
    s = stores()
    args = VARIANTS[name] + list(extra)
    outs = {}
    for store, db in s["dbs"].items():
        outs[store] = os.path.join(s["tmp"], "%s-%s" % (name, store))
        report(db, outs[store], args)
    n = same_files(outs["sqlite"], outs["clickhouse"])
    same_files(outs["sqlite"], outs["cluster"])
    assert n >= 14, n
    return outs


def test_report_with_catalogue_comparison_and_changes():
    outs = check_variant("full", ["--changes", stores()["changes"]])
    with open(os.path.join(outs["sqlite"], "services.csv"), encoding="utf-8-sig") as f:
        rows = f.read().splitlines()
    assert len(rows) > 20, rows[:3]
    with open(os.path.join(outs["sqlite"], "changes.csv"), encoding="utf-8-sig") as f:
        assert len(f.read().splitlines()) >= 2


def test_report_english_all_data():
    check_variant("english")


def test_report_one_site_with_comparison():
    check_variant("site")


def test_report_without_catalogue_one_week():
    check_variant("nocatalogue")


def test_report_rfc4180_no_threshold():
    check_variant("open")


def test_check_catalog_output_is_the_same():
    s = stores()
    args = ["--check-catalog", "--services", os.path.join(DATA, "services.csv"), "--period", "last-28-days",
            "--today", "2025-04-07"]
    got = {}
    for store, db in s["dbs"].items():
        p = run_report(["--db", db] + args)
        eq(p.returncode, 0, p.stderr)
        got[store] = p.stdout
    assert "kita-anmeldung" in got["sqlite"], got["sqlite"]
    eq(got["clickhouse"], got["sqlite"], "--check-catalog from one server")
    eq(got["cluster"], got["sqlite"], "--check-catalog from the cluster")


def test_prune_drops_months_and_deletes_the_rest_like_sqlite():
    today = datetime.date.today()
    tmp = tempfile.mkdtemp(prefix="lotse-chp-")
    lines = os.path.join(tmp, "old.ndjson")
    with open(lines, "w") as f:
        subprocess.run([sys.executable, GEN, "--days", "120", "--end", (today - datetime.timedelta(days=1)).isoformat(),
                        "--events", "20000", "--seed", "9"], stdout=f, check=True)
    s = stores()
    srv = s["one"]
    srv.query("CREATE DATABASE prune")
    sq = os.path.join(tmp, "old.db")
    import_all(sq, [(lines, [])])
    import_all(srv.url("prune"), [(lines, [])])
    months_before = srv.rows("SELECT DISTINCT partition FROM system.parts WHERE database = 'prune' AND "
                             "table = 'events' AND active ORDER BY partition")
    p_sq = run_report(["--prune", "--retain-days", "50", "--db", sq])
    p_ch = run_report(["--prune", "--retain-days", "50", "--db", srv.url("prune")])
    eq(p_ch.returncode, 0, p_ch.stderr)
    eq(p_ch.stdout.replace(srv.url("prune"), "DB"), p_sq.stdout.replace(sq, "DB"), "what --prune says")
    assert p_sq.stdout.startswith("pruned ") and " 0 events" not in p_sq.stdout, p_sq.stdout
    con = sqlite3.connect(sq)
    eq(srv.value("SELECT count() FROM prune.events"), str(con.execute("SELECT count(*) FROM events").fetchone()[0]),
       "events left")
    eq(srv.value("SELECT min(time)"
                 " FROM prune.events"), str(con.execute("SELECT min(time) FROM events").fetchone()[0]), "oldest left")
    con.close()
    months_after = srv.rows("SELECT DISTINCT partition FROM system.parts WHERE database = 'prune' AND "
                            "table = 'events' AND active ORDER BY partition")
    assert len(months_after) < len(months_before), (months_before, months_after)
    eq(srv.value("SELECT count() FROM system.mutations WHERE database = 'prune' AND is_done = 0"), "0", "mutations")
    # Again: nothing left to prune, nothing sent.
    p = run_report(["--prune", "--retain-days", "50", "--db", srv.url("prune")])
    eq(p.returncode, 0, p.stderr)
    assert p.stdout.startswith("pruned 0 events and 0 rejects"), p.stdout
    # A Distributed table cannot be altered: the shards' local tables are pruned one by one.
    a = s["cluster"].servers[0]
    p = run_report(["--prune", "--db", a.url("lotse")])
    eq(p.returncode, 1, "prune of a Distributed table")
    assert "is a Distributed table" in p.stderr and "table=LOCAL" in p.stderr, p.stderr
    p = run_report(["--prune", "--retain-days", "36500", "--db", a.url("lotse", table="events_local",
                                                                          rejects="rejects_local")])
    eq(p.returncode, 0, p.stderr)


def test_backup_mixed_dbs_and_missing_tables_refused():
    s = stores()
    url = s["dbs"]["clickhouse"]
    p = run_report(["--backup", os.path.join(s["tmp"], "b.db"), "--db", url])
    eq(p.returncode, 2, "--backup of ClickHouse")
    assert "--backup copies a SQLite database" in p.stderr and "docs/scale.md" in p.stderr, p.stderr
    p = run_report(["--db", url, "--db", s["sqlite"], "--out", os.path.join(s["tmp"], "mixed")])
    eq(p.returncode, 2, "mixed --db")
    assert "a clickhouse:// --db is the only --db" in p.stderr, p.stderr
    s["one"].query("CREATE DATABASE IF NOT EXISTS empty")
    p = run_report(["--db", s["one"].url("empty"), "--out", os.path.join(s["tmp"], "empty")])
    eq(p.returncode, 1, "no tables")
    assert "ClickHouse table empty.events does not exist" in p.stderr, p.stderr
    p = run_report(["--db", "clickhouse://127.0.0.1:1/lotse", "--out", os.path.join(s["tmp"], "down")])
    eq(p.returncode, 1, "no server")
    assert "clickhouse://127.0.0.1:1/lotse: " in p.stderr and "onnect" in p.stderr, p.stderr


if __name__ == "__main__":
    run_tests("clickhouse/test_report", globals())
