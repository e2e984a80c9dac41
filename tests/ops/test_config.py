# SPDX-License-Identifier: EUPL-1.2
"""test_config.py — --config FILE with the real programs (lotse.conf(5)):
each reads its own section, the command line wins, a bad line is refused
naming the file and the line with exit 2, and the modes take only their
keys from the file."""
import os
import subprocess
import tempfile

from opslib import COLLECTOR, Collector, eq, fixture_copy, import_lines, run_report, run_tests


def conf(text):
    path = os.path.join(tempfile.mkdtemp(prefix="lotse-conf-"), "lotse.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


def test_collector_reads_its_section():
    d = tempfile.mkdtemp(prefix="lotse-conf-")
    db = os.path.join(d, "from-file.db")
    path = conf("# Lotse\n[report]\nout = /nonexistent\n\n[collector]\ndb = %s   # the file's\n"
                "max-body = 300\nrate-limit = 0\n" % db)
    with Collector("--config", path, db=os.path.join(d, "cli.db")) as c:
        # --db on the command line wins over the file's.
        eq(c.post({"site": "gladbeck", "type": "pageview", "url": "https://www.gladbeck.de/"})[0], 204, "beacon")
        big = [{"site": "gladbeck", "type": "pageview", "url": "https://www.gladbeck.de/" + "x" * 100}] * 3
        eq(c.post(big)[0], 413, "max-body from the file")
        eq(c.stop(), 0, "stop")
    assert os.path.exists(os.path.join(d, "cli.db")) and not os.path.exists(db), os.listdir(d)
    p = import_lines(db, [], "--config", path)
    eq(p.returncode, 0, p.stderr)


def test_bad_lines_name_file_and_line():
    cases = [
        ("[collector]\nlisten = 127.0.0.1:0\nmax-body = 12\n", COLLECTOR, 3, "--max-body"),
        ("[collector]\nlistn = 1\n", COLLECTOR, 2, "unknown key 'listn'"),
        ("db = x\n", COLLECTOR, 1, "outside a section"),
        ("[collector]\nimport = -\n", COLLECTOR, 2, "cannot be set"),
        ("[report]\nmin-count = many\n", None, 2, "--min-count"),
        ("[report]\nquiet = yes\n", None, 2, "true or false"),
        ("[report]\nprune = true\n", None, 2, "cannot be set"),
        ("[collector]\n[report]\nlisten = 1\n", None, 3, "unknown key 'listen'"),
    ]
    for text, prog, line, what in cases:
        path = conf(text)
        if prog == COLLECTOR:
            p = subprocess.run([COLLECTOR, "--config", path, "--db", path + ".db"], capture_output=True, text=True,
                               timeout=30)
        else:
            p = run_report(["--config", path, "--db", "x.db", "--out", path + ".out"])
        eq(p.returncode, 2, "%r: exit" % text)
        assert "%s:%d: " % (path, line) in p.stderr and what in p.stderr, (text, p.stderr)
    p = run_report(["--config", "/nonexistent/lotse.conf", "--version"])
    eq(p.returncode, 2, "missing file")
    assert "/nonexistent/lotse.conf: cannot read" in p.stderr, p.stderr


def test_report_modes_take_their_keys():
    db = fixture_copy()
    d = os.path.dirname(db)
    path = conf("[collector]\nlisten = 127.0.0.1:0\n[report]\ndb = %s\nretain-days = 10\nmin-count = 3\n"
                "no-charts = true\nquiet = true\ncsv = rfc4180\n" % db)
    out = os.path.join(d, "report")
    p = run_report(["--config", path, "--out", out, "--from", "2026-11-07", "--to", "2026-11-20"])
    eq((p.returncode, p.stdout), (0, ""), "report, quiet from the file: " + p.stderr)
    with open(os.path.join(out, "daily.csv"), "rb") as f:
        assert f.read().startswith(b"site,date,"), "csv from the file"
    assert not os.path.exists(os.path.join(out, "charts", "daily.svg")), "no-charts from the file"
    p = run_report(["--config", path, "--prune", "--retain-days", "36500"])
    eq(p.returncode, 0, p.stderr)
    assert "pruned 0 events" in p.stdout, p.stdout
    p = run_report(["--config", path, "--prune"])
    eq(p.returncode, 0, p.stderr)
    assert "pruned 628 events and 2 rejects" in p.stdout, p.stdout
    p = run_report(["--config", path, "--backup", os.path.join(d, "copy.db")])
    eq(p.returncode, 0, p.stderr)
    assert os.path.exists(os.path.join(d, "copy.db"))


def test_same_version_in_both():
    a = subprocess.run([COLLECTOR, "--version"], capture_output=True, text=True).stdout.split()
    b = run_report(["--version"]).stdout.split()
    eq((a[0], b[0]), ("lotse-collector", "lotse-report"), "names")
    eq(a[1], b[1], "one version")


run_tests("test_config", globals())
