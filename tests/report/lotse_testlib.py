# SPDX-License-Identifier: EUPL-1.2
"""lotse_testlib.py — helpers for the reporter's data-driven tests: builds
collector databases through `lotse-collector --import` (the only way test
data is made, so it passes the same validation and reduction as real
traffic), runs lotse-report, and reads its CSV files in either dialect.
It asserts nothing itself; the test files do, with harness.py's eq,
run_tests and run_report, which it passes on (one place puts
tests/integration on the path)."""
import csv
import io
import math
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import eq, import_lines, run_report, run_tests  # noqa: E402,F401 (passed on)

UA_DESKTOP = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/124.0.0.0 Safari/537.36")
UA_PHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")


def ev(time, client, event, ua=UA_DESKTOP, origin="https://www.example.org"):
    """One --import NDJSON line (as a dict); event needs site, type, url."""
    return {"time": time, "client": client, "ua": ua, "origin": origin, "event": event}


def make_db(path, lines, visit_key="daily"):
    """Creates the database at path from import lines. Returns (imported, rejected)."""
    p = import_lines(path, lines, "--visit-key", visit_key)
    if p.returncode != 0:
        raise RuntimeError("import failed: %s" % p.stderr.strip())
    out = p.stdout + p.stderr
    imported = rejected = -1
    for word in out.replace(",", " ").split("\n"):
        parts = word.split()
        if "imported" in parts and "rejected" in parts:
            imported = int(parts[parts.index("imported") + 1])
            rejected = int(parts[parts.index("rejected") + 1])
    return imported, rejected


def read_csv(path, dialect="excel"):
    """Reads a report CSV into (header, rows as dicts), checking the dialect's framing."""
    with open(path, "rb") as f:
        raw = f.read()
    if dialect == "excel":
        assert raw.startswith(b"\xef\xbb\xbf"), "%s: no BOM" % path
        raw = raw[3:]
        delim = ";"
    else:
        assert not raw.startswith(b"\xef\xbb\xbf"), "%s: unexpected BOM" % path
        delim = ","
    text = raw.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[-1] == "", "%s: does not end with CRLF" % path
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    header = rows[0]
    return header, [dict(zip(header, r)) for r in rows[1:]]


def num(cell):
    """Parses a CSV number in either dialect; empty is None."""
    if cell == "":
        return None
    return float(cell.replace(",", "."))


def agresti_coull(x, n, z=1.959964):
    """REPORT.md's interval, written out independently of the C code."""
    nt = n + z * z
    pt = (x + z * z / 2) / nt
    h = z * math.sqrt(pt * (1 - pt) / nt)
    return max(0.0, pt - h), min(1.0, pt + h)


def by(rows, **keys):
    """The one row of rows whose columns have the given values (asserts there is exactly one)."""
    hits = [r for r in rows if all(r[k] == v for k, v in keys.items())]
    assert len(hits) == 1, "want one row %r, got %d" % (keys, len(hits))
    return hits[0]


def url(path):
    """An absolute URL of the test origin."""
    return "https://www.example.org" + path


def tmp(name):
    """A path in this run's temporary folder (run_tests makes and removes it)."""
    return os.path.join(tempfile.gettempdir(), name)
