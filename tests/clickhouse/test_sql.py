# SPDX-License-Identifier: EUPL-1.2
"""test_sql.py — the ClickHouse SQL that Lotse uses (docs/scale.md, "ClickHouse
SQL used and tested releases"), run on the tests' own server and checked
against the same numbers computed here in Python from the same events: the
tables made from common/fields.def, Europe/Berlin days and ISO weeks on a
server in another time zone, one row per flow fragment, counts per day,
searches, pages and outlinks with distinct visits, exact medians, rejects
per reason, pruning by partition and mutation, and the same aggregates
through a Distributed table over two shards. Where ClickHouse 18.16 differs
from SQLite (NULLs in aggregates, division, approximate medians) the test
states the difference it relies on."""
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from chserver import CLUSTER, Cluster, Server, escape_tsv, sql_string  # noqa: E402
from harness import BUILD, eq, run_tests  # noqa: E402

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
COLUMNS = subprocess.run([os.path.join(BUILD, "tests", "clickhouse", "ch_client_check"), "ddl"],
                         capture_output=True, text=True, check=True).stdout.strip()
NAMES = [c.split(" ")[0] for c in COLUMNS.split(", ")]

# --- the SQL under test (docs/scale.md quotes it) ----------------------------
DAY = "toDate(toDateTime(intDiv(time, 1000)), 'Europe/Berlin')"
MONTH = "toYYYYMM(toDateTime(intDiv(time, 1000)), 'Europe/Berlin')"
EVENTS_DDL = ("CREATE TABLE IF NOT EXISTS {t} ({cols}) ENGINE = MergeTree() "
              "PARTITION BY " + MONTH + " ORDER BY (site, time)")
REJECTS_DDL = ("CREATE TABLE IF NOT EXISTS {t} (time Int64, reason String, site Nullable(String), "
               "type Nullable(String), path Nullable(String)) ENGINE = MergeTree() "
               "PARTITION BY " + MONTH + " ORDER BY time")
PERIOD = "time >= {lo} AND time < {hi}"
FLOW_TYPES = "('flow_start', 'flow_step', 'flow_complete', 'flow_abort', 'field_error')"
# A fragment: the flow events of one (site, service, visit key, local day,
# flow id); the day is tz.h's day number (days since 1970-01-01), 0 for
# keyless events; events without an id have flow ''. Every aggregate over a
# Nullable column is wrapped in ifNull: 18.16 returns NULL when all its
# inputs were NULL (see test_where_18_16_differs_from_sqlite).
FRAGMENT_KEY = ("site, service, isNotNull(visit) AS keyed, ifNull(visit, 0) AS v, "
                "if(isNull(visit), 0, toUInt16(" + DAY + ")) AS day, ifNull(flow, '') AS flow_id")
FRAGMENTS = ("SELECT " + FRAGMENT_KEY + ", countIf(type = 'flow_start') AS starts, "
             "minIf(time, type = 'flow_start') AS first_start, "
             "argMinIf(ifNull(device, ''), time, type = 'flow_start') AS start_device, "
             "ifNull(maxIf(step, type = 'flow_step'), 0) AS max_step, "
             "arraySort(groupArrayIf(time, type = 'flow_complete')) AS completes "
             "FROM {t} WHERE " + PERIOD + " AND service IS NOT NULL AND type IN " + FLOW_TYPES +
             " AND (visit IS NOT NULL OR flow IS NOT NULL) "
             "GROUP BY site, service, keyed, v, day, flow_id ORDER BY site, service, keyed, v, day, flow_id")
FRAGMENT_ERRORS = ("SELECT " + FRAGMENT_KEY + ", field, error, count() AS n FROM {t} WHERE " + PERIOD +
                   " AND type = 'field_error' AND service IS NOT NULL AND (visit IS NOT NULL OR flow IS NOT NULL) "
                   "GROUP BY site, service, keyed, v, day, flow_id, field, error "
                   "ORDER BY site, service, keyed, v, day, flow_id, field, error")
DAILY = ("SELECT site, " + DAY + " AS day, uniqExactIf(assumeNotNull(visit), isNotNull(visit)) AS visits, countIf(type = 'pageview') AS pageviews "
         "FROM {t} WHERE " + PERIOD + " GROUP BY site, day ORDER BY site, day")
WEEKLY = ("SELECT site, toISOYear(day) AS y, toISOWeek(day) AS w, count() FROM (SELECT site, " + DAY +
          " AS day FROM {t} WHERE " + PERIOD + ") GROUP BY site, y, w ORDER BY site, y, w")
DEVICES = ("SELECT site, dev, count() FROM (SELECT site, " + DAY + " AS day, visit, "
           "any(ifNull(nullIf(device, ''), 'unknown')) AS dev FROM {t} WHERE " + PERIOD +
           " AND visit IS NOT NULL GROUP BY site, day, visit) GROUP BY site, dev ORDER BY site, dev")
# Distinct visits of an item: (day, key) pairs, and every keyless event as a visit of its own.
ITEM_VISITS = ("uniqExactIf((" + DAY + ", assumeNotNull(visit)), isNotNull(visit)) + countIf(isNull(visit))")
SEARCHES = ("SELECT site, q, count() AS searches, " + ITEM_VISITS + " AS visits, countIf(ifNull(results = 0, 0)) AS zero "
            "FROM {t} WHERE " + PERIOD + " AND type = 'search' AND q IS NOT NULL GROUP BY site, q ORDER BY site, q")
PAGES = ("SELECT site, path, count() AS pageviews, " + ITEM_VISITS + " AS visits "
         "FROM {t} WHERE " + PERIOD + " AND type = 'pageview' GROUP BY site, path ORDER BY site, path")
HOST = "if(position(href, '/') > 0, substring(href, 1, position(href, '/') - 1), href)"
OUTLINKS = ("SELECT site, " + HOST + " AS host, count() AS clicks, " + ITEM_VISITS + " AS visits "
            "FROM {t} WHERE " + PERIOD + " AND type = 'outlink' AND href IS NOT NULL "
            "GROUP BY site, host ORDER BY site, host")
# Exact median parts: the lower and upper middle of the sorted values (equal for odd n).
MEDIANS = ("SELECT site, path, n, a[intDiv(n - 1, 2) + 1] AS lo, a[intDiv(n, 2) + 1] AS hi FROM ("
           "SELECT site, path, count() AS n, arraySort(groupArray(assumeNotNull(ms))) AS a FROM {t} WHERE " +
           PERIOD + " AND type = 'engagement' AND ms IS NOT NULL GROUP BY site, path) ORDER BY site, path")
FEEDBACK = ("SELECT site, ifNull(service, '') AS svc, rating, count() FROM {t} WHERE " + PERIOD +
            " AND type = 'feedback' AND rating BETWEEN 1 AND 5 GROUP BY site, svc, rating ORDER BY site, svc, rating")
STEP_NAMES = ("SELECT site, service, step, step_name, count() FROM {t} WHERE " + PERIOD +
              " AND type = 'flow_step' AND service IS NOT NULL AND step_name IS NOT NULL "
              "GROUP BY site, service, step, step_name ORDER BY site, service, step, step_name")
REJECTS = ("SELECT reason, count() AS n FROM {t} WHERE " + PERIOD + " GROUP BY reason ORDER BY n DESC, reason")

# --- events ------------------------------------------------------------------
T0 = 1743116400000  # 2025-03-28 00:00 Berlin (CET); the period spans the switch to CEST on 30 March
HOUR = 3600 * 1000


def make_events(seed=7, n=3000):
    """Deterministic events of two sites over five local days: visits,
    flows by visit key, by flow id and by both, completions before and
    after starts, field errors, searches, pages, outlinks, engagement,
    feedback; some keyless."""
    rnd = random.Random(seed)
    visits = [(rnd.choice(["gladbeck", "dorsten"]), rnd.getrandbits(64), rnd.choice(["desktop", "mobile", "tablet"]))
              for _ in range(120)]
    visits.append(("gladbeck", 2**64 - 1, "desktop"))  # the largest key: UInt64 end to end
    flows = ["att-%08d" % i for i in range(40)]
    paths = ["/", "/rathaus", "/antrag/schritt1", "/antrag/schritt2", "/suche", "/:id/x"]
    out = []
    for i in range(n):
        site, visit, device = rnd.choice(visits)
        t = T0 + rnd.randrange(5 * 24 * HOUR)
        if rnd.random() < 0.08:
            visit = None
        e = dict.fromkeys(NAMES)
        e.update(time=t, site=site, path=rnd.choice(paths), visit=visit, device=device, browser="Firefox",
                 os="Linux")
        kind = rnd.random()
        if kind < 0.35:
            e["type"] = "pageview"
        elif kind < 0.45:
            e.update(type="engagement", ms=rnd.choice([0, 500, 1500, 86400000, rnd.randrange(100000)]))
        elif kind < 0.55:
            e.update(type="search", q=rnd.choice(["personalausweis", "hund anmelden", "Grüße", "a\tb", "wohngeld"]),
                     results=rnd.choice([0, 0, 3, 12]))
        elif kind < 0.60:
            e.update(type="outlink", href=rnd.choice(["www.bund.de/x", "example.org", "[ip]/a/b"]))
        elif kind < 0.63:
            e.update(type="feedback", rating=rnd.randrange(1, 6), service=rnd.choice([None, "wohngeld"]))
        else:
            e["service"] = rnd.choice(["wohngeld", "hund"])
            if rnd.random() < 0.5:
                e["flow"] = rnd.choice(flows)
            ft = rnd.choice(["flow_start", "flow_step", "flow_step", "flow_complete", "field_error", "flow_abort"])
            e["type"] = ft
            if ft == "flow_step":
                e["step"] = rnd.randrange(1, 6)
                e["step_name"] = rnd.choice([None, "Angaben", "Bezahlung", "Prüfen"])
            if ft == "field_error":
                e.update(field=rnd.choice(["iban", "name"]), error=rnd.choice(["format", "required"]))
        out.append(e)
    return out


def insert(srv, table, events, settings=None):
    body = "".join("\t".join(escape_tsv(e[c]) for c in NAMES) + "\n" for e in events)
    srv.query("INSERT INTO %s (%s) FORMAT TabSeparated" % (table, ", ".join(NAMES)), body=body, settings=settings)


def berlin_day(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, tz=BERLIN).date()


def q(srv, sql, table="events", lo=T0, hi=T0 + 5 * 24 * HOUR):
    return srv.rows(sql.format(t=table, lo=lo, hi=hi))


# --- what the report defines, computed here ------------------------------------
def in_period(events, lo=T0, hi=T0 + 5 * 24 * HOUR):
    return [e for e in events if lo <= e["time"] < hi]


def frag_key(e):
    keyed = e["visit"] is not None
    day = (berlin_day(e["time"]) - datetime.date(1970, 1, 1)).days if keyed else 0
    return (e["site"], e["service"], "1" if keyed else "0", str(e["visit"] if keyed else 0), str(day), e["flow"] or "")


def expected_fragments(events):
    frags = {}
    for e in in_period(events):
        if e["service"] is None or not e["type"].startswith(("flow_", "field_")) or \
                (e["visit"] is None and e["flow"] is None):
            continue
        f = frags.setdefault(frag_key(e), {"starts": [], "steps": [], "completes": []})
        if e["type"] == "flow_start":
            f["starts"].append((e["time"], e["device"]))
        elif e["type"] == "flow_step":
            f["steps"].append(e["step"])
        elif e["type"] == "flow_complete":
            f["completes"].append(e["time"])
    rows = []
    for k in sorted(frags, key=lambda k: (k[0], k[1], k[2], int(k[3]), int(k[4]), k[5])):
        f = frags[k]
        first = min(f["starts"]) if f["starts"] else None
        rows.append(k + (str(len(f["starts"])), str(first[0]) if first else "0", first[1] if first else "",
                         str(max(f["steps"])) if f["steps"] else "0",
                         "[" + ",".join(str(t) for t in sorted(f["completes"])) + "]"))
    return rows


def expected_items(events, type_, key):
    items = {}
    for e in in_period(events):
        if e["type"] != type_ or key(e) is None:
            continue
        it = items.setdefault((e["site"], key(e)), {"n": 0, "pairs": set(), "keyless": 0, "zero": 0})
        it["n"] += 1
        if e["visit"] is None:
            it["keyless"] += 1
        else:
            it["pairs"].add((berlin_day(e["time"]), e["visit"]))
        it["zero"] += e.get("results") == 0
    return items


# --- tests -------------------------------------------------------------------
def with_events(fn):
    """Runs fn(server, events) on a fresh server holding the events."""
    events = make_events()
    with Server() as srv:
        srv.query(EVENTS_DDL.format(t="events", cols=COLUMNS))
        srv.query(REJECTS_DDL.format(t="rejects"))
        insert(srv, "events", events)
        fn(srv, events)


def test_tables_from_fields_def():
    def check(srv, events):
        cols = srv.rows("SELECT name, type FROM system.columns WHERE database = 'default' AND table = 'events'")
        eq([c[0] for c in cols], NAMES, "columns in fields.def order")
        eq(", ".join("%s %s" % c for c in cols), COLUMNS, "types as fields.def gives them")
        eq(srv.value("SELECT count() FROM events"), str(len(events)), "rows")
        # Partitions are local (Berlin) months; the period starts in March and ends in April.
        parts = srv.rows("SELECT DISTINCT partition FROM system.parts WHERE table = 'events' AND active "
                         "ORDER BY partition")
        eq(parts, [("202503",), ("202504",)], "partitions")
        # The largest visit key survives as UInt64 (SQLite stores it as a negative INTEGER).
        eq(srv.value("SELECT count() FROM events WHERE visit = 18446744073709551615") != "0", True, "UInt64 key")
    with_events(check)


def test_docs_show_the_tables_the_collector_creates():
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "scale.md")) as f:
        doc = " ".join(f.read().split())
    assert "CREATE TABLE lotse.events_local (%s) ENGINE = MergeTree() PARTITION BY %s ORDER BY (site, time);" % (
        COLUMNS, MONTH) in doc, "docs/scale.md's cluster DDL is not fields.def's"


def test_berlin_days_and_weeks_on_a_server_elsewhere():
    with Server() as srv:
        eq(srv.value("SELECT timezone()") != "Europe/Berlin", True, "server time zone is not Berlin")
        times = []
        for year in range(2024, 2031):
            for month in (3, 10):
                # The last Sunday of the month, 01:00 UTC: Berlin's switch.
                d = datetime.date(year, month, 31)
                d -= datetime.timedelta(days=(d.weekday() + 1) % 7)
                switch = int(datetime.datetime(d.year, d.month, d.day, 1, tzinfo=datetime.timezone.utc)
                             .timestamp() * 1000)
                for delta in (-HOUR - 1, -HOUR, -1, 0, 1, HOUR - 1, HOUR, 22 * HOUR - 1, 22 * HOUR, 23 * HOUR):
                    times.append(switch + delta)
            for month in range(1, 13):  # local midnights and the millisecond before
                mid = int(datetime.datetime(year, month, 1, tzinfo=BERLIN).timestamp() * 1000)
                times += [mid - 1, mid]
        rnd = random.Random(3)
        times += [rnd.randrange(1577836800000, 1924992000000) for _ in range(3000)]
        body = "".join("%d\n" % t for t in times)
        srv.query("CREATE TABLE ts (time Int64) ENGINE = Memory")
        srv.query("INSERT INTO ts FORMAT TabSeparated", body=body)
        got = srv.rows("SELECT time, " + DAY + " AS day, toISOYear(day), toISOWeek(day), " + MONTH +
                       " FROM ts ORDER BY time")
        want = []
        for t in sorted(times):
            d = berlin_day(t)
            iso = d.isocalendar()
            want.append((str(t), d.isoformat(), str(iso[0]), str(iso[1]), "%04d%02d" % (d.year, d.month)))
        eq(got, want, "Berlin day, ISO week and month of %d times" % len(times))


def test_flow_fragments():
    def check(srv, events):
        got = q(srv, FRAGMENTS)
        want = expected_fragments(events)
        eq(len(got), len(want), "fragments")
        eq(got, want, "fragments")
        # Field errors per fragment, field and error.
        errs = {}
        for e in in_period(events):
            if e["type"] == "field_error" and (e["visit"] is not None or e["flow"] is not None):
                k = frag_key(e) + (e["field"], e["error"])
                errs[k] = errs.get(k, 0) + 1
        want_errs = [k + (str(v),) for k, v in sorted(errs.items(), key=lambda kv: (
            kv[0][0], kv[0][1], kv[0][2], int(kv[0][3]), int(kv[0][4]), kv[0][5], kv[0][6], kv[0][7]))]
        eq(q(srv, FRAGMENT_ERRORS), want_errs, "field errors per fragment")
        names = {}
        for e in in_period(events):
            if e["type"] == "flow_step" and e["step_name"] is not None:
                k = (e["site"], e["service"], str(e["step"]), e["step_name"])
                names[k] = names.get(k, 0) + 1
        eq(q(srv, STEP_NAMES), [k + (str(v),) for k, v in sorted(names.items(), key=lambda kv: (
            kv[0][0], kv[0][1], int(kv[0][2]), kv[0][3].encode()))], "step names")
    with_events(check)


def test_days_weeks_devices_feedback():
    def check(srv, events):
        days = {}
        for e in in_period(events):
            d = days.setdefault((e["site"], berlin_day(e["time"]).isoformat()), [set(), 0])
            if e["visit"] is not None:
                d[0].add(e["visit"])
            d[1] += e["type"] == "pageview"
        eq(q(srv, DAILY), [k + (str(len(v[0])), str(v[1])) for k, v in sorted(days.items())], "daily")
        weeks = {}
        for e in in_period(events):
            iso = berlin_day(e["time"]).isocalendar()
            k = (e["site"], str(iso[0]), str(iso[1]))
            weeks[k] = weeks.get(k, 0) + 1
        eq(q(srv, WEEKLY), [k + (str(v),) for k, v in sorted(weeks.items(), key=lambda kv: (
            kv[0][0], int(kv[0][1]), int(kv[0][2])))], "weekly")
        dev = {}
        for e in in_period(events):
            if e["visit"] is not None:
                dev.setdefault((e["site"], e["device"]), set()).add((berlin_day(e["time"]), e["visit"]))
        eq(q(srv, DEVICES), [k + (str(len(v)),) for k, v in sorted(dev.items())], "visits per device")
        fb = {}
        for e in in_period(events):
            if e["type"] == "feedback":
                k = (e["site"], e["service"] or "", str(e["rating"]))
                fb[k] = fb.get(k, 0) + 1
        eq(q(srv, FEEDBACK), [k + (str(v),) for k, v in sorted(fb.items())], "feedback")
    with_events(check)


def test_searches_pages_outlinks_with_distinct_visits():
    def check(srv, events):
        def rows(items, zero):
            return [(s, k, str(v["n"]), str(len(v["pairs"]) + v["keyless"])) + ((str(v["zero"]),) if zero else ())
                    for (s, k), v in sorted(items.items(), key=lambda kv: (kv[0][0], kv[0][1].encode()))]
        eq(q(srv, SEARCHES), rows(expected_items(events, "search", lambda e: e["q"]), True), "searches")
        eq(q(srv, PAGES), rows(expected_items(events, "pageview", lambda e: e["path"]), False), "pages")
        eq(q(srv, OUTLINKS), rows(expected_items(events, "outlink", lambda e: e["href"].split("/")[0]), False),
           "outlinks")
    with_events(check)


def test_exact_medians_not_quantiles():
    def check(srv, events):
        ms = {}
        for e in in_period(events):
            if e["type"] == "engagement":
                ms.setdefault((e["site"], e["path"]), []).append(e["ms"])
        got = q(srv, MEDIANS)
        eq(len(got), len(ms), "paths with engagement")
        for site, path, n, lo, hi in got:
            values = ms[(site, path)]
            eq(int(n), len(values), "n")
            eq((int(lo) + int(hi)) / 2, statistics.median(values), "median of %s %s" % (site, path))
        # Why: median() samples and interpolates, medianExact() takes the upper middle of an even n.
        srv.query("CREATE TABLE m (x UInt32) ENGINE = Memory")
        srv.query("INSERT INTO m FORMAT TabSeparated", body="5\n1\n4\n2\n")
        eq(srv.rows("SELECT medianExact(x), quantileExact(0.5)(x) FROM m"), [("4", "4")], "upper middle")
        eq(statistics.median([5, 1, 4, 2]), 3, "the report's median")
    with_events(check)


def test_rejects_per_reason_in_byte_order():
    with Server() as srv:
        srv.query(REJECTS_DDL.format(t="rejects"))
        reasons = ["step: must be an integer 1..50"] * 3 + ["Zeta"] * 2 + ["alpha"] * 2 + ["ärger"] * 2 + ["b"]
        body = "".join("%d\t%s\t\\N\t\\N\t\\N\n" % (T0 + i, escape_tsv(r)) for i, r in enumerate(reasons))
        body += "%d\tlate\t\\N\t\\N\t\\N\n" % (T0 + 5 * 24 * HOUR)  # outside the period
        srv.query("INSERT INTO rejects FORMAT TabSeparated", body=body)
        # Ties by reason in byte order, as SQLite's BINARY collation: "Zeta" < "alpha" < "b" < "ärger".
        eq(q(srv, REJECTS, "rejects"), [("step: must be an integer 1..50", "3"), ("Zeta", "2"), ("alpha", "2"),
                                        ("ärger", "2"), ("b", "1")], "rejects")


def test_where_18_16_differs_from_sqlite():
    with Server() as srv:
        # An aggregate over no rows gives the type's default, not NULL: test countIf first.
        srv.query("CREATE TABLE n (x Nullable(Int64), s Nullable(String)) ENGINE = Memory")
        srv.query("INSERT INTO n FORMAT TabSeparated", body="1\ta\n\\N\t\\N\n\\N\tb\n")
        eq(srv.rows("SELECT minIf(x, x > 5), maxIf(x, x > 5), countIf(x > 5), count(x), count() FROM n"),
           [("0", "0", "0", "1", "3")], "aggregates skip NULL; empty gives 0")
        # ...but when every input of a Nullable aggregate is NULL, even countIf gives NULL: wrap in ifNull.
        eq(srv.rows("SELECT maxIf(x, 1), countIf(x > 0), ifNull(countIf(x > 0), 0), countIf(ifNull(x > 0, 0)) "
                    "FROM n WHERE isNull(x)"), [(None, None, "0", "0")], "all-NULL inputs")
        # NULLs form one group, as in SQLite; a comparison with NULL is NULL (countIf counts it as false).
        eq(srv.rows("SELECT s, count() FROM n GROUP BY s ORDER BY s"), [("a", "1"), ("b", "1"), (None, "1")],
           "NULL group (sorted last, SQLite sorts it first)")
        eq(srv.rows("SELECT countIf(x = 1), countIf(x != 1) FROM n"), [("1", "0")], "NULL in a condition")
        # '/' is always floating point (SQLite's integer '/' is intDiv); both truncate toward zero.
        eq(srv.rows("SELECT 7 / 2, intDiv(7, 2), intDiv(-7, 2), -7 % 2"), [("3.5", "3", "-3", "-1")], "division")
        # Strings compare as bytes, like SQLite's BINARY collation; lower() is ASCII only.
        eq(srv.rows("SELECT 'Z' < 'a', 'z' < 'ä', lower('ÄB'), length('ä')"), [("1", "1", "Äb", "2")], "strings")
        # No bound parameters over HTTP in 18.16: values go in as literals (chwire_quote).
        lit = sql_string("it's a \\ test")
        eq(srv.value("SELECT " + lit), "it's a \\ test", "a quoted literal")


def test_prune_by_partition_and_mutation():
    def check(srv, events):
        cutoff = T0 + 2 * 24 * HOUR + 5 * HOUR  # not a month boundary
        before = sum(1 for e in events if e["time"] < cutoff)
        eq(srv.value("SELECT count() FROM events WHERE time < %d" % cutoff), str(before), "rows to prune")
        # Whole local months before the cutoff's month go by partition (none here), then the rest by mutation.
        srv.query("ALTER TABLE events DROP PARTITION 202502")  # absent: accepted
        srv.query("ALTER TABLE events DELETE WHERE time < %d" % cutoff)
        deadline = time.monotonic() + 30
        while srv.value("SELECT min(is_done) FROM system.mutations WHERE table = 'events'") != "1":
            assert time.monotonic() < deadline, "mutation not done in 30 s"
            time.sleep(0.05)
        eq(srv.value("SELECT count() FROM events"), str(len(events) - before), "rows left")
        eq(srv.value("SELECT min(time) >= %d FROM events" % cutoff), "1", "nothing older")
        srv.query("ALTER TABLE events DROP PARTITION 202503")
        eq(srv.value("SELECT count() FROM events"), str(sum(1 for e in events if e["time"] >= 1743458400000)),
           "April only")
    with_events(check)


def test_distributed_aggregates_equal_one_server():
    events = make_events(seed=11, n=2000)
    with Server() as one:
        one.query(EVENTS_DDL.format(t="events", cols=COLUMNS))
        insert(one, "events", events)
        single = {name: q(one, sql) for name, sql in
                  (("fragments", FRAGMENTS), ("errors", FRAGMENT_ERRORS), ("daily", DAILY), ("devices", DEVICES),
                   ("searches", SEARCHES), ("pages", PAGES), ("outlinks", OUTLINKS), ("medians", MEDIANS))}
    with Cluster(2) as cl:
        cl.on_all(EVENTS_DDL.format(t="events_local", cols=COLUMNS))
        a, b = cl.servers
        a.query("CREATE TABLE events AS events_local ENGINE = Distributed(%s, default, events_local, rand())"
                % CLUSTER)
        insert(a, "events", events, settings={"insert_distributed_sync": 1})
        na, nb = int(a.value("SELECT count() FROM events_local")), int(b.value("SELECT count() FROM events_local"))
        eq(na + nb, len(events), "rows on the shards")
        assert na > 0 and nb > 0, (na, nb)
        for name, rows in single.items():
            eq(q(a, {"fragments": FRAGMENTS, "errors": FRAGMENT_ERRORS, "daily": DAILY, "devices": DEVICES,
                     "searches": SEARCHES, "pages": PAGES, "outlinks": OUTLINKS, "medians": MEDIANS}[name]),
               rows, name + " through the Distributed table")


if __name__ == "__main__":
    run_tests("clickhouse/test_sql", globals())
