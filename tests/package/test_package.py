# SPDX-License-Identifier: EUPL-1.2
"""test_package.py — the Debian package and the build, as OPERATIONS.md
describes them: `make deb`'s build (scripts/build-deb.sh) gives a .deb
holding exactly the listed files; lintian finds no error or warning; installed
into a scratch root (an overlay of this machine, tests/package/scratch_root.sh)
it creates the user lotse and its folders, enables the collector and the
timers, passes systemd-analyze verify, runs the nightly reports, the prune
and the backup as the units do, and its purge keeps the database. The same
source built in two other folders gives byte-identical programs, and both
print the same version. Runs once per `make test` (the first build)."""
import datetime
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
from harness import eq, run_tests  # noqa: E402

# Every path of the package (folders without a trailing slash).
EXPECTED = set("""
etc etc/lotse etc/lotse/lotse.conf etc/lotse/sites.csv etc/lotse/services.csv etc/lotse/fields.csv
lib lib/systemd lib/systemd/system
lib/systemd/system/lotse-collector.service lib/systemd/system/lotse-report.service
lib/systemd/system/lotse-report.timer lib/systemd/system/lotse-backup.service
lib/systemd/system/lotse-backup.timer
usr usr/bin usr/bin/lotse-collector usr/bin/lotse-report usr/lib usr/lib/lotse usr/lib/lotse/lotse-nightly
usr/share usr/share/doc usr/share/doc/lotse usr/share/doc/lotse/README.md.gz usr/share/doc/lotse/betrieb.md.gz
usr/share/doc/lotse/changelog.gz usr/share/doc/lotse/copyright usr/share/doc/lotse/examples
usr/share/doc/lotse/examples/nginx.conf usr/share/lintian usr/share/lintian/overrides
usr/share/lintian/overrides/lotse
usr/share/man usr/share/man/man1 usr/share/man/man1/lotse-report.1.gz usr/share/man/man5
usr/share/man/man5/lotse.conf.5.gz usr/share/man/man8 usr/share/man/man8/lotse-collector.8.gz
var var/lib var/lib/lotse var/lib/lotse/berichte var/lib/lotse/backup
""".split())

_deb = []


def deb():
    """Builds the package once (as `make deb` does) and returns its path."""
    if not _deb:
        p = subprocess.run(["sh", "scripts/build-deb.sh"], cwd=TOP, capture_output=True, text=True, timeout=900)
        eq(p.returncode, 0, "build-deb: " + p.stdout[-2000:] + p.stderr[-3000:])
        path = os.path.join(TOP, p.stdout.strip().splitlines()[-1])
        assert re.search(r"/build/lotse_[0-9][0-9A-Za-z.+~]*_[a-z0-9]+\.deb$", path), path
        _deb.append(path)
    return _deb[0]


def test_1_contents():
    out = subprocess.run(["dpkg-deb", "-c", deb()], capture_output=True, text=True, check=True).stdout
    paths = {line.split()[5].lstrip("./").rstrip("/") for line in out.splitlines()} - {""}
    eq(sorted(paths - EXPECTED), [], "unexpected in the package")
    eq(sorted(EXPECTED - paths), [], "missing from the package")
    modes = {line.split()[5].lstrip("./"): line.split()[0] for line in out.splitlines()}
    eq(modes["usr/bin/lotse-collector"], "-rwxr-xr-x", "program mode")
    info = subprocess.run(["dpkg-deb", "-f", deb(), "Version", "Depends"], capture_output=True, text=True,
                          check=True).stdout
    version = subprocess.run(["sh", "scripts/version.sh"], cwd=TOP, capture_output=True, text=True,
                             check=True).stdout.strip()
    assert "Version: %s\n" % version.replace("-", "+") in info, info
    for dep in ("libmicrohttpd12", "libsqlite3-0", "libsodium23", "libcsv3", "adduser", "gnuplot-nox"):
        assert dep in info, info
    conffiles = subprocess.run(["sh", "-c", "dpkg-deb --ctrl-tarfile '%s' | tar -xOf - ./conffiles" % deb()],
                               capture_output=True, text=True, check=True).stdout.split()
    eq(sorted(conffiles), ["/etc/lotse/fields.csv", "/etc/lotse/lotse.conf", "/etc/lotse/services.csv",
                           "/etc/lotse/sites.csv"], "conffiles")


def test_2_lintian():
    p = subprocess.run(["lintian", "-EvIL", "+pedantic", deb()], capture_output=True, text=True, timeout=600)
    tags = sorted({line for line in p.stdout.splitlines() if re.match(r"^[EWIPXO]: ", line)})
    for t in tags:
        print("  lintian: " + t)
    bad = [t for t in tags if t[0] in "EW"]
    eq(bad, [], "lintian errors and warnings")


def test_3_scratch_root_install():
    work = tempfile.mkdtemp(prefix="lotse-root-")
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    events = os.path.join(work, "events.ndjson")
    with open(events, "w") as f:
        subprocess.run([sys.executable, "scripts/gen_traffic.py", "--days", "3", "--end", yesterday.isoformat(),
                        "--events", "800", "--seed", "3", "--sites", "gladbeck,bottrop"], cwd=TOP, stdout=f,
                       check=True)
    p = subprocess.run(["unshare", "-m", "sh", os.path.join(HERE, "scratch_root.sh"), deb(), work, events],
                       capture_output=True, text=True, timeout=600)
    facts = {}
    for line in p.stdout.splitlines():
        if line.startswith("fact "):
            _, name, value = (line + " ").split(" ", 2)
            facts[name] = value.strip()
    if p.returncode != 0 or "purge" not in facts:
        raise AssertionError("scratch root failed (%d): %s %s" % (p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
    subprocess.run(["rm", "-rf", work])
    eq(facts["install"], "0", "dpkg -i")
    eq(facts["user"], "lotse:/var/lib/lotse:/usr/sbin/nologin", "system user")
    eq(facts["varlib"], "lotse:www-data:750", "/var/lib/lotse")
    eq(facts["berichte"], "lotse:www-data:2750", "/var/lib/lotse/berichte")
    eq(facts["backupdir"], "lotse:lotse:750", "/var/lib/lotse/backup")
    eq(facts["conf"], "root:root:644", "/etc/lotse/lotse.conf")
    eq(facts["enabled:multi-user.target.wants/lotse-collector.service"], "/lib/systemd/system/lotse-collector.service",
       "collector enabled")
    eq(facts["enabled:timers.target.wants/lotse-report.timer"], "/lib/systemd/system/lotse-report.timer", "timer")
    eq(facts["enabled:timers.target.wants/lotse-backup.timer"], "/lib/systemd/system/lotse-backup.timer", "timer")
    eq(facts["conffiles"], "/etc/lotse/fields.csv /etc/lotse/lotse.conf /etc/lotse/services.csv /etc/lotse/sites.csv",
       "conffiles")
    eq(facts["verify"], "0", "systemd-analyze verify: " + facts["verify_output"])
    eq(facts["verify_output"], "", "systemd-analyze verify says nothing")
    eq(facts["conf_report"], "0", "shipped lotse.conf, [report]")
    eq(facts["conf_collector"], "0", "shipped lotse.conf, [collector] (trust-proxy %s)" % facts["conf_trust_proxy"])
    print("  shipped trust-proxy line: %s" % facts["conf_trust_proxy"])
    assert facts["import"].startswith("0 imported "), facts["import"]
    eq(facts["db"], "lotse:lotse:640", "database")
    assert facts["nightly"].startswith("0 "), facts["nightly"]
    assert "pruned 0 events" in facts["nightly"], facts["nightly"]
    today = datetime.date.today()
    period = "%s_%s" % (today - datetime.timedelta(days=28), yesterday)
    for s in ("ALL", "gladbeck", "bottrop"):
        eq(facts["dir:" + s], "lotse:www-data:2750", "berichte/%s" % s)
        eq(facts["latest:" + s], period, "berichte/%s/latest" % s)
        eq(facts["index:" + s], "lotse:www-data:640", "berichte/%s/latest/index.html" % s)
    assert facts["backup"].startswith("0 backup of /var/lib/lotse/lotse.db"), facts["backup"]
    eq(facts["backupfile"], "lotse:lotse:640", "backup file")
    eq(facts["purge"], "0", "dpkg --purge")
    eq(facts["etc_after_purge"], "absent", "configuration after purge")
    eq(facts["db_after_purge"], "present", "database after purge")
    eq(facts["bin_after_purge"], "absent", "programs after purge")


def test_4_reproducible_and_versioned():
    """The same source in two folders of other names and depths: byte-identical programs, one version."""
    base = tempfile.mkdtemp(prefix="lotse-repro-")
    dirs = [os.path.join(base, "a"), os.path.join(base, "another", "deeper", "source-tree")]
    for d in dirs:
        subprocess.run(["sh", "scripts/export-source.sh", d, "9.8.7-test"], cwd=TOP, check=True)
        p = subprocess.run(["make", "-j2", "all"], cwd=d, capture_output=True, text=True, timeout=900)
        eq(p.returncode, 0, p.stderr[-3000:])
    for prog in ("lotse-collector", "lotse-report"):
        blobs = []
        for d in dirs:
            with open(os.path.join(d, "build", prog), "rb") as f:
                blobs.append(f.read())
        assert blobs[0] == blobs[1], "%s differs between %s and %s" % (prog, dirs[0], dirs[1])
        assert base.encode() not in blobs[0], "%s holds its build folder" % prog
    out = [subprocess.run([os.path.join(dirs[0], "build", prog), "--version"], capture_output=True, text=True,
                          check=True).stdout for prog in ("lotse-collector", "lotse-report")]
    assert out[0].startswith("lotse-collector 9.8.7-test"), out
    eq(out[1], "lotse-report 9.8.7-test\n", "report version")
    subprocess.run(["rm", "-rf", base])
    # From git: both programs of this build print scripts/version.sh's version.
    version = subprocess.run(["sh", "scripts/version.sh"], cwd=TOP, capture_output=True, text=True,
                             check=True).stdout.strip()
    build = os.environ.get("LOTSE_BUILD", os.path.join(TOP, "build"))
    for prog in ("lotse-collector", "lotse-report"):
        v = subprocess.run([os.path.join(build, prog), "--version"], capture_output=True, text=True,
                           check=True).stdout
        assert v.startswith("%s %s" % (prog, version)), (v, version)


run_tests("test_package", globals())
