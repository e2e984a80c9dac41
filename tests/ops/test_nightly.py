# SPDX-License-Identifier: EUPL-1.2
"""test_nightly.py — dist/lotse-nightly, the job of lotse-report.service:
the regional report and one per site of the sites file, each published
under its period's name with a `latest` link, older periods beyond
LOTSE_KEEP removed, then the prune; the period's dates come from the
program (--period), not from the script."""
import datetime
import os
import subprocess
import tempfile

from opslib import REPORTER, TOP, eq, fixture_copy, run_tests

NIGHTLY = os.path.join(TOP, "dist", "lotse-nightly")


def test_nightly_publishes_and_keeps():
    db = fixture_copy()
    d = tempfile.mkdtemp(prefix="lotse-nightly-")
    conf = os.path.join(d, "lotse.conf")
    with open(conf, "w") as f:
        f.write("[report]\ndb = %s\nno-charts = true\nretain-days = 36500\n" % db)
    sites = os.path.join(d, "sites.csv")
    with open(sites, "w") as f:
        f.write('site,name,origins\ngladbeck,Stadt Gladbeck,https://www.gladbeck.de\r\n'
                '"bottrop","Stadt Bottrop","https://www.bottrop.de"\nNot A Site,x,y\n')
    reports = os.path.join(d, "berichte")
    old = ["2020-01-01_2020-01-28", "2020-01-02_2020-01-29", "2020-01-03_2020-01-30"]
    for name in old:
        os.makedirs(os.path.join(reports, "ALL", name))
    env = dict(os.environ, LOTSE_CONFIG=conf, LOTSE_REPORTS=reports, LOTSE_SITES=sites, LOTSE_REPORT=REPORTER,
               LOTSE_KEEP="2", LOTSE_PERIOD="last-28-days")
    p = subprocess.run(["sh", NIGHTLY], capture_output=True, text=True, env=env, timeout=300)
    eq(p.returncode, 0, p.stdout + p.stderr)
    assert "pruned 0 events and 0 rejects" in p.stdout, p.stdout
    today = datetime.date.today()
    period = "%s_%s" % (today - datetime.timedelta(days=28), today - datetime.timedelta(days=1))
    eq(sorted(os.listdir(reports)), ["ALL", "bottrop", "gladbeck"], "folders")
    eq(sorted(os.listdir(os.path.join(reports, "ALL"))), [old[2], period, "latest"], "ALL keeps the newest 2")
    for folder in ("ALL", "bottrop", "gladbeck"):
        eq(os.readlink(os.path.join(reports, folder, "latest")), period, folder + "/latest")
        assert os.path.exists(os.path.join(reports, folder, "latest", "index.html")), folder
    with open(os.path.join(reports, "gladbeck", "latest", "daily.csv"), encoding="utf-8-sig") as f:
        text = f.read()
    assert "bottrop" not in text, "the site's report holds only the site"
    # A second night: the same period is replaced, not duplicated.
    p = subprocess.run(["sh", NIGHTLY], capture_output=True, text=True, env=env, timeout=300)
    eq(p.returncode, 0, p.stderr)
    eq(sorted(os.listdir(os.path.join(reports, "gladbeck"))), [period, "latest"], "gladbeck after two nights")


run_tests("test_nightly", globals())
