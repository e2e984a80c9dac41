# SPDX-License-Identifier: EUPL-1.2
"""test_migrate.py — database layout upgrades against the checked-in layout-1
fixture (tests/ops/fixtures/schema-v1.db, made by the code of commit
377927f): the collector upgrades it in place at start, in one transaction,
to exactly the layout a new database gets; the reporter reads it before and
after with the same result; a database of a newer layout is refused by the
collector, the reporter, the prune and the backup."""
import os
import sqlite3
import subprocess
import tempfile

from opslib import (COLLECTOR, Collector, db_rows, db_version, eq, fixture_copy, import_lines,
                    report_csvs, run_report, run_tests)


def schema_of(path):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return sorted(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall())
    finally:
        con.close()


def test_fixture_is_layout_1():
    path = fixture_copy()
    eq(db_version(path), 1, "fixture layout")
    eq(len(db_rows(path, "events")), 628, "fixture events")
    eq(len(db_rows(path, "rejects")), 2, "fixture rejects")
    assert not any(r[1] == "rejects_time" for r in schema_of(path)), "layout 1 has no index"


def test_upgrade_gives_the_new_layout():
    old = fixture_copy()
    before = {t: db_rows(old, t) for t in ("events", "rejects")}
    p = import_lines(old, [])
    eq(p.returncode, 0, p.stderr)
    assert "database layout upgraded from version 1 to 2" in p.stderr, p.stderr
    eq(db_version(old), 2, "upgraded layout")
    for t in ("events", "rejects"):
        eq(db_rows(old, t), before[t], "rows of %s kept" % t)
    fresh = os.path.join(tempfile.mkdtemp(prefix="lotse-ops-"), "fresh.db")
    p = import_lines(fresh, [])
    eq(p.returncode, 0, p.stderr)
    eq(schema_of(old), schema_of(fresh), "upgraded layout = schema.sql")
    # Once upgraded, a start upgrades nothing.
    p = import_lines(old, [])
    eq(p.returncode, 0, p.stderr)
    assert "upgraded" not in p.stderr, p.stderr


def test_report_same_before_and_after_upgrade():
    path = fixture_copy()
    out1 = os.path.join(os.path.dirname(path), "before")
    out2 = os.path.join(os.path.dirname(path), "after")
    args = ["--no-charts", "--quiet", "--csv", "rfc4180", "--from", "2026-11-07", "--to", "2026-11-20"]
    p = run_report(["--db", path, "--out", out1] + args)
    eq(p.returncode, 0, "reporter reads layout 1: " + p.stderr)
    eq(db_version(path), 1, "the reporter does not upgrade")
    csv1 = report_csvs(out1)
    assert b"gladbeck" in csv1["services.csv"] and len(csv1["daily.csv"].splitlines()) > 10, csv1["daily.csv"]
    p = import_lines(path, [])
    eq(p.returncode, 0, p.stderr)
    p = run_report(["--db", path, "--out", out2] + args)
    eq(p.returncode, 0, p.stderr)
    eq(report_csvs(out2), csv1, "report after the upgrade")
    # A period that is only part of the data reads the same rows either way.
    part = ["--no-charts", "--quiet", "--from", "2026-11-12", "--to", "2026-11-13"]
    v1 = fixture_copy()
    p1 = run_report(["--db", v1, "--out", out1 + "-part"] + part)
    p2 = run_report(["--db", path, "--out", out2 + "-part"] + part)
    eq((p1.returncode, p2.returncode), (0, 0), p1.stderr + p2.stderr)
    eq(report_csvs(out2 + "-part"), report_csvs(out1 + "-part"), "report of two days")


def test_serving_collector_upgrades_and_stores():
    path = fixture_copy()
    with Collector(db=path) as c:
        status, _, _ = c.post({"site": "gladbeck", "type": "pageview", "url": "https://www.gladbeck.de/neu"})
        eq(status, 204, "beacon after the upgrade")
        eq(c.stop(), 0, "clean stop")
        assert "upgraded from version 1 to 2" in c.log(), c.log()
    eq(db_version(path), 2, "layout")
    eq(len(db_rows(path, "events")), 629, "events")


def test_failed_upgrade_changes_nothing():
    """A step that fails (here: the index name is taken) rolls the whole upgrade back."""
    path = fixture_copy()
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE rejects_time (x)")
    con.commit()
    con.close()
    p = import_lines(path, [])
    eq(p.returncode, 1, "failed upgrade: " + p.stdout)
    assert "upgrading the database layout from version 1 failed" in p.stderr, p.stderr
    eq(db_version(path), 1, "layout after the failed upgrade")
    eq(len(db_rows(path, "events")), 628, "events")


def test_newer_layout_refused_everywhere():
    path = fixture_copy()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 3")
    con.commit()
    con.close()
    want = "database layout version 3 is newer than this Lotse"
    p = import_lines(path, [])
    eq(p.returncode, 1, "collector")
    assert want in p.stderr, p.stderr
    p = subprocess.run([COLLECTOR, "--db", path, "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                       timeout=30)
    eq(p.returncode, 1, "serving collector")
    assert want in p.stderr, p.stderr
    out = os.path.join(os.path.dirname(path), "r")
    for args in (["--db", path, "--out", out, "--no-charts"], ["--prune", "--db", path],
                 ["--backup", out + ".db", "--db", path]):
        p = run_report(args)
        eq(p.returncode, 1, " ".join(args))
        assert want in p.stderr, p.stderr
    assert not os.path.exists(out + ".db"), "no backup of a newer layout"
    eq(db_version(path), 3, "left alone")
    eq(len(db_rows(path, "events")), 628, "events")


run_tests("test_migrate", globals())
