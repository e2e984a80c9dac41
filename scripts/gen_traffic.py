#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""gen_traffic.py — writes simulated pilot traffic for lotse-collector --import
as NDJSON on standard output: deterministic for a given --seed and --end,
streamed day by day (memory does not grow with --events), with realistic
problems planted so that the report has something to find:
  * a payment step ("Bezahlung") that loses many people,
  * an IBAN field with many format errors (SEPA mandate, payment),
  * worse completion on phones,
  * searches that find nothing,
  * one badly rated service (Bewohnerparkausweis) and a few invalid events.
Services and step names come from data/services.csv, origins from
data/sites.csv. Client addresses are from the documentation ranges, about
60 % from 2001:db8::/32 (a random /64 and interface id per visit) and the
rest from 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24: they are only
written as text, never contacted. It does not talk to a collector itself.

usage: gen_traffic.py [--days N] [--sites a,b,c] [--end YYYY-MM-DD]
                      [--events N] [--seed N] [--services FILE] [--sites-file FILE]
"""
import argparse
import csv
import datetime
import json
import math
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")

CHROME = ["120.0.0.0", "121.0.0.0", "122.0.0.0", "123.0.0.0", "124.0.0.0", "125.0.0.0"]
FIREFOX = ["121.0", "122.0", "123.0", "124.0", "125.0"]
IOS = ["16_6", "17_2", "17_3", "17_4", "17_5"]
ANDROID = [("13", "SM-A536B"), ("14", "SM-S911B"), ("14", "Pixel 7"), ("13", "SM-G991B"),
           ("12", "moto g(60)"), ("14", "Pixel 8")]


def ua_for(device, rnd):
    """A real-looking User-Agent string of the device class."""
    if device == "desktop":
        k = rnd.random()
        if k < 0.55:
            v = rnd.choice(CHROME)
            os_part = rnd.choice(["Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7",
                                  "X11; Linux x86_64"])
            return ("Mozilla/5.0 (%s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s "
                    "Safari/537.36" % (os_part, v))
        if k < 0.8:
            v = rnd.choice(FIREFOX)
            return ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:%s) Gecko/20100101 Firefox/%s"
                    % (v, v))
        v = rnd.choice(CHROME)
        return ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/%s Safari/537.36 Edg/%s" % (v, v))
    if device == "tablet":
        v = rnd.choice(IOS)
        return ("Mozilla/5.0 (iPad; CPU OS %s like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                "Gecko) Version/%s Mobile/15E148 Safari/604.1" % (v, v.split("_")[0] + "." +
                                                                   v.split("_")[1]))
    if rnd.random() < 0.45:
        v = rnd.choice(IOS)
        return ("Mozilla/5.0 (iPhone; CPU iPhone OS %s like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
                "like Gecko) Version/%s Mobile/15E148 Safari/604.1" % (v, v.replace("_", ".")))
    a, model = rnd.choice(ANDROID)
    return ("Mozilla/5.0 (Linux; Android %s; %s) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/%s Mobile Safari/537.36" % (a, model, rnd.choice(CHROME)))


def client_for(rnd):
    """A visitor's address: about 60 % IPv6 (most German clients today), each a
    random /64 of 2001:db8::/32 with a random interface id, so practically
    unique per visit; the rest from the three IPv4 documentation ranges."""
    if rnd.random() < 0.6:
        bits = rnd.getrandbits(96)
        groups = [(bits >> (16 * i)) & 0xFFFF for i in range(6)]
        return "2001:db8:" + ":".join("%x" % g for g in groups)
    return "%s.%d" % (rnd.choice(["192.0.2", "198.51.100", "203.0.113"]), rnd.randint(1, 254))


def last_sunday(year, month):
    d = datetime.date(year, month, 31)
    return d - datetime.timedelta(days=(d.weekday() + 1) % 7)


def berlin_offset_h(utc):
    """1 or 2: Europe/Berlin under the EU rule (summer time 01:00 UTC, last Sundays)."""
    start = datetime.datetime.combine(last_sunday(utc.year, 3), datetime.time(1), datetime.timezone.utc)
    end = datetime.datetime.combine(last_sunday(utc.year, 10), datetime.time(1), datetime.timezone.utc)
    return 2 if start <= utc < end else 1


def local_midnight_utc(day):
    """UTC datetime of Berlin midnight starting local date day."""
    guess = datetime.datetime.combine(day, datetime.time(0), datetime.timezone.utc)
    return guess - datetime.timedelta(hours=berlin_offset_h(guess - datetime.timedelta(hours=2)))


def rfc3339(utc):
    off = berlin_offset_h(utc)
    local = utc + datetime.timedelta(hours=off)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + "+%02d:00" % off


def load_services(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.append((row["service"], row["name"], row["steps"].split("|")))
    return out


def load_origins(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[row["site"]] = row["origins"].split()[0]
    return out


# Relative demand per service, and the share of attempts that carry a flow id.
POPULARITY = {"wohnsitz-anmeldung": 9, "geburtsurkunde": 7, "sperrmuell": 8, "bewohnerparkausweis": 5,
              "hundeanmeldung": 4, "hundeabmeldung": 2, "fuehrungszeugnis": 4, "eheurkunde": 3,
              "sterbeurkunde": 2, "gewerbeanmeldung": 2, "wohngeld": 3}
PAGES = ["/", "/buergerservice", "/rathaus/aktuelles", "/buergerservice/oeffnungszeiten",
         "/leben/abfall", "/leben/verkehr/parken", "/familie/standesamt", "/wirtschaft/gewerbe",
         "/rathaus/kontakt", "/buergerservice/termine", "/soziales/wohngeld", "/freizeit/baeder"]
QUERIES = [("personalausweis", 12), ("öffnungszeiten", 15), ("sperrmüll", 10), ("hundesteuer", 8),
           ("wohngeld", 6), ("parkausweis", 7), ("standesamt", 6), ("kita platz", 5),
           ("gewerbe anmelden", 4), ("führungszeugnis", 4), ("termin bürgerbüro", 9)]
ZERO_QUERIES = [("sperrmüll termin online", 6), ("hundesteuer formular", 5),
                ("parkausweis verlängern", 5), ("wohngeld rechner", 4), ("elterngeld", 3)]
LINKS = ["https://www.service.nrw.de/leistungen", "https://www.bundesjustizamt.de/fuehrungszeugnis",
         "https://www.elster.de/eportal/start", "https://www.vrr.de/de/tickets/",
         "https://www.bundesdruckerei.de/ausweisapp"]


def weighted(rnd, pairs):
    total = sum(w for _, w in pairs)
    x = rnd.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


class Gen:
    def __init__(self, services, origins):
        self.services = services
        self.origins = origins
        self.svc_pairs = [(s, POPULARITY.get(s[0], 2)) for s in services]
        self.out = sys.stdout
        self.n = 0

    def origin(self, site):
        """The site's origin: from sites.csv, else https://www.SITE.de."""
        return self.origins.get(site, "https://www.%s.de" % site)

    def emit(self, t, client, ua, site, event):
        origin = self.origin(site)
        event["site"] = site
        line = {"time": rfc3339(t), "client": client, "ua": ua, "origin": origin, "event": event}
        self.out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.n += 1

    def page(self, rnd, t, c, ua, site, path):
        origin = self.origin(site)
        self.emit(t, c, ua, site, {"type": "pageview", "url": origin + path})
        ms = int(min(600000, rnd.lognormvariate(math.log(25000), 0.9)))
        t2 = t + datetime.timedelta(milliseconds=ms)
        self.emit(t2, c, ua, site, {"type": "engagement", "url": origin + path, "ms": ms})
        return t2

    def flow(self, rnd, t, c, ua, site, device):
        key, _name, steps = weighted(rnd, self.svc_pairs)
        origin = self.origin(site)
        base = "%s/online-dienste/%s" % (origin, key)
        fid = None
        if rnd.random() < 0.7:
            fid = "".join(rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
                          for _ in range(16))
        phone = device == "mobile"

        def ev(typ, **kw):
            e = {"type": typ, "url": base + ("/schritt-%d" % kw.get("step", 1)), "service": key}
            if fid:
                e["flow"] = fid
            e.update(kw)
            return e
        self.emit(t, c, ua, site, ev("flow_start", step_name=steps[0]))
        for i, sname in enumerate(steps, start=1):
            t += datetime.timedelta(seconds=rnd.lognormvariate(math.log(45), 0.7))
            self.emit(t, c, ua, site, ev("flow_step", step=i, step_name=sname))
            drop = 0.04
            if sname == "Bezahlung":
                drop = 0.33          # planted: the payment step loses many people
            elif sname.startswith("Nachweise"):
                drop = 0.12
            if phone:
                drop *= 1.8          # planted: phones do worse
            if sname in ("Bezahlung", "SEPA-Lastschriftmandat"):
                # planted: the IBAN field fails often on format
                if rnd.random() < (0.55 if phone else 0.35):
                    for _ in range(rnd.randint(1, 3)):
                        t += datetime.timedelta(seconds=rnd.randint(5, 40))
                        self.emit(t, c, ua, site, ev("field_error", step=i, field="iban",
                                                     error="format"))
                    drop += 0.1
            elif rnd.random() < 0.08:
                t += datetime.timedelta(seconds=rnd.randint(5, 30))
                field = rnd.choice(["geburtsdatum", "plz", "email", "name", "telefon"])
                self.emit(t, c, ua, site, ev("field_error", step=i, field=field,
                                             error=rnd.choice(["required", "format"])))
            if rnd.random() < drop:
                if rnd.random() < 0.2:
                    self.emit(t, c, ua, site, ev("flow_abort", step=i, reason="cancel"))
                if phone and rnd.random() < 0.05:
                    self.emit(t, c, ua, site, {"type": "rage_click", "url": base + "/schritt-%d" % i,
                                               "target": "button#weiter"})
                return t
        t += datetime.timedelta(seconds=rnd.randint(3, 20))
        e = {"type": "flow_complete", "url": base + "/bestaetigung", "service": key}
        if fid:
            e["flow"] = fid
        self.emit(t, c, ua, site, e)
        if rnd.random() < 0.18:
            if key == "bewohnerparkausweis":
                rating = weighted(rnd, [(1, 4), (2, 4), (3, 3), (4, 2), (5, 1)])
            else:
                rating = weighted(rnd, [(1, 1), (2, 1), (3, 3), (4, 8), (5, 9)])
            t += datetime.timedelta(seconds=rnd.randint(5, 60))
            self.emit(t, c, ua, site, {"type": "feedback", "url": base + "/bestaetigung",
                                       "service": key, "rating": rating})
        return t

    def visit(self, rnd, start, site):
        device = weighted(rnd, [("desktop", 45), ("mobile", 45), ("tablet", 10)])
        ua = ua_for(device, rnd)
        c = client_for(rnd)
        origin = self.origin(site)
        t = self.page(rnd, start, c, ua, site, rnd.choice(PAGES))
        if rnd.random() < 0.3:
            t += datetime.timedelta(seconds=rnd.randint(2, 30))
            if rnd.random() < 0.3:
                q, results = weighted(rnd, ZERO_QUERIES), 0   # planted: searches without results
            else:
                q, results = weighted(rnd, QUERIES), rnd.randint(1, 40)
            self.emit(t, c, ua, site, {"type": "search", "url": origin + "/suche", "q": q,
                                       "results": results})
            t = self.page(rnd, t + datetime.timedelta(seconds=3), c, ua, site, rnd.choice(PAGES))
        if rnd.random() < 0.45:
            t = self.flow(rnd, t + datetime.timedelta(seconds=rnd.randint(5, 60)), c, ua, site, device)
        if rnd.random() < 0.12:
            self.emit(t, c, ua, site, {"type": "outlink", "url": origin + rnd.choice(PAGES),
                                       "href": rnd.choice(LINKS)})
        if rnd.random() < 0.01:
            self.emit(t, c, ua, site, {"type": "js_error", "url": origin + "/",
                                       "message": "TypeError /js/portal.js:12:5"})
        if rnd.random() < 0.004:   # invalid on purpose: shows up in quality.csv
            self.emit(t, c, ua, site, {"type": "flow_step", "url": origin + "/", "service": "sperrmuell",
                                       "step": "2"})


HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 11, 12, 12, 11, 10, 9, 8, 7, 6, 4, 3, 2]
SITE_WEIGHT = {"gelsenkirchen": 2.6, "bottrop": 1.2, "gladbeck": 0.8}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--days", type=int, default=28)
    p.add_argument("--sites", default="gladbeck,bottrop,gelsenkirchen")
    p.add_argument("--end", help="last local day, YYYY-MM-DD (default: yesterday)")
    p.add_argument("--events", type=int, default=60000, help="approximate total")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--services", default=os.path.join(DATA, "services.csv"))
    p.add_argument("--sites-file", default=os.path.join(DATA, "sites.csv"))
    a = p.parse_args()
    if a.days < 1 or a.events < 1:
        p.error("--days and --events must be positive")
    if a.end:
        end = datetime.date.fromisoformat(a.end)
    else:
        now = datetime.datetime.now(datetime.timezone.utc)
        end = (now + datetime.timedelta(hours=berlin_offset_h(now))).date() - datetime.timedelta(days=1)
    sites = [s for s in a.sites.split(",") if s]
    g = Gen(load_services(a.services), load_origins(a.sites_file))
    rnd = random.Random(a.seed)
    per_visit = 5.5                     # measured average events per visit of this model
    visits_total = max(1, int(a.events / per_visit))
    weights = [SITE_WEIGHT.get(s, 1.0) for s in sites]
    wsum = sum(weights)
    hsum = sum(HOURS)
    for d in range(a.days):
        day = end - datetime.timedelta(days=a.days - 1 - d)
        weekday_factor = 0.55 if day.weekday() >= 5 else 1.1
        midnight = local_midnight_utc(day)
        for s, w in zip(sites, weights):
            n = int(visits_total / a.days * w / wsum * weekday_factor * rnd.uniform(0.9, 1.1)) + 1
            starts = []
            for h, hw in enumerate(HOURS):
                for _ in range(int(round(n * hw / hsum))):
                    starts.append(h * 3600 + rnd.random() * 3600)
            starts.sort()
            for sec in starts:
                g.visit(rnd, midnight + datetime.timedelta(seconds=sec), s)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
