#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""gen_traffic.py — writes simulated pilot traffic for lotse-collector --import
as NDJSON on standard output: deterministic for a given --seed and --end,
streamed day by day (memory does not grow with --events). The pilot looks
real, so that every section of the report has something to show:
  * most online services are seen through the catalogue's URL paths alone
    (pageviews of the step pages; field errors without a service, as
    lotse.js finds them on any form); three carry markup as well:
    Wohnsitz anmelden (markup and paths), Hund anmelden (markup with the form
    software's attempt id and a case id in the URL, stored as :id) and
    Führungszeugnis (markup only: all steps on one URL);
  * the cities differ: Bottrop's payment step is broken (many people lost,
    server errors on the IBAN field), Gelsenkirchen is bigger and more
    mobile, Gladbeck is the pilot city;
  * a fix on a given day: until --fix-date Gladbeck's dog registration
    rejects IBANs with spaces (format errors, people give up), from then on
    it accepts them; --changes-out writes the matching changes file;
  * searches that follow the season (Weihnachtsmarkt before Christmas,
    Laubsäcke in autumn, Hundesteuer in January, Freibad in summer …), far
    fewer than visits, some repeated within a visit, some without results;
  * worse completion on phones, a badly rated service (Bewohnerparkausweis),
    script errors and rage clicks on the payment page, a form page the
    catalogue does not know (Kita-Anmeldung) and a few invalid events.
Services, step names and paths come from data/services.csv (a site's own row
before the "*" row), origins from data/sites.csv. Client addresses are from
the documentation ranges, about 60 % from 2001:db8::/32 (a random /64 and
interface id per visit) and the rest from 192.0.2.0/24, 198.51.100.0/24 and
203.0.113.0/24: they are only written as text, never contacted. It does not
talk to a collector itself.

usage: gen_traffic.py [--days N] [--sites a,b,c] [--end YYYY-MM-DD]
                      [--events N] [--seed N] [--services FILE] [--sites-file FILE]
                      [--fix-date YYYY-MM-DD] [--changes-out FILE]
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
    """The catalogue as {(site, service): row}; site "*" for every site without its own row."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (row["site"] or "*", row["service"])
            if key in out:
                continue
            steps = row["steps"].split("|") if row["steps"] else []
            paths = [p.split() for p in (row.get("paths") or "").split("|")] if row.get("paths") else []
            done = (row.get("done") or "").split()
            out[key] = {"service": row["service"], "name": row["name"], "steps": steps, "paths": paths,
                        "done": done}
    return out


def load_origins(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[row["site"]] = row["origins"].split()[0]
    return out


# Relative demand per service.
POPULARITY = {"wohnsitz-anmeldung": 9, "geburtsurkunde": 7, "sperrmuell": 8, "bewohnerparkausweis": 5,
              "hundeanmeldung": 5, "hundeabmeldung": 2, "fuehrungszeugnis": 4, "eheurkunde": 3,
              "sterbeurkunde": 2, "gewerbeanmeldung": 2, "wohngeld": 3}
# How lotse.js sees a service besides the catalogue paths: markup without an id, markup with
# the form software's attempt id, or markup only (every step on one URL).
MARKUP = {"wohnsitz-anmeldung": "markup", "hundeanmeldung": "markup-id", "fuehrungszeugnis": "markup-only"}
MARKUP_ONLY_PATH = {"fuehrungszeugnis": "/online-dienste/fuehrungszeugnis"}
# The cities: visit weight, phone share, and how their payment step behaves.
SITES = {
    "gladbeck": {"weight": 0.8, "mobile": 0.42, "pay_drop": 0.10, "pay_server": 0.00},
    "bottrop": {"weight": 1.2, "mobile": 0.45, "pay_drop": 0.42, "pay_server": 0.30},  # broken payment
    "gelsenkirchen": {"weight": 2.6, "mobile": 0.55, "pay_drop": 0.14, "pay_server": 0.02},
}
DEFAULT_SITE = {"weight": 1.0, "mobile": 0.45, "pay_drop": 0.12, "pay_server": 0.01}
# Fields asked for at steps, by words of the step's name.
STEP_FIELDS = [("Person", ["name", "vorname", "geburtsdatum"]), ("Halter", ["name", "strasse", "plz"]),
               ("Adresse", ["strasse", "hausnummer", "plz"]), ("Geburt", ["geburtsdatum", "geburtsort"]),
               ("Hund", ["rasse", "chipnummer"]), ("Fahrzeug", ["kennzeichen"]), ("Urkund", ["anzahl"]),
               ("Einkommen", ["einkommen"]), ("Miete", ["miete"]), ("Nachweis", ["nachweis"]),
               ("Termin", ["datum"]), ("Einzug", ["datum"]), ("Betrieb", ["steuernummer"]),
               ("Antragsteller", ["name", "email", "telefon"]), ("Abhol", ["strasse", "plz", "telefon"])]
PAGES = ["/", "/buergerservice", "/rathaus/aktuelles", "/buergerservice/oeffnungszeiten",
         "/leben/abfall", "/leben/verkehr/parken", "/familie/standesamt", "/wirtschaft/gewerbe",
         "/rathaus/kontakt", "/buergerservice/termine", "/soziales/wohngeld", "/freizeit/baeder"]
# Search queries: (query, weight, results, season) with season a function of the day of the year
# (1.0 = usual). Queries with results 0 find nothing.
QUERIES = [
    ("öffnungszeiten", 15, 12, None), ("personalausweis", 12, 9, None), ("termin bürgerbüro", 9, 4, None),
    ("sperrmüll", 8, 6, None), ("wohngeld", 6, 5, None), ("parkausweis", 7, 3, None),
    ("standesamt", 6, 8, None), ("führungszeugnis", 4, 2, None), ("gewerbe anmelden", 4, 3, None),
    ("kita platz", 5, 4, None),
    ("weihnachtsmarkt", 6, 3, lambda d: 4.0 if d >= 305 else (2.0 if d >= 290 else 0.1)),
    ("laubsäcke", 5, 2, lambda d: 3.0 if 270 <= d <= 340 else 0.2),
    ("hundesteuer", 5, 4, lambda d: 3.0 if d <= 45 else 0.8),
    ("grundsteuer", 4, 3, lambda d: 3.0 if 30 <= d <= 90 else 0.5),
    ("freibad", 6, 2, lambda d: 4.0 if 150 <= d <= 240 else 0.05),
    ("sperrmüll termin online", 6, 0, None), ("hundesteuer formular", 4, 0, None),
    ("parkausweis verlängern", 5, 0, None), ("wohngeld rechner", 3, 0, None), ("elterngeld", 3, 0, None),
    ("glühweinstand genehmigung", 2, 0, lambda d: 3.0 if d >= 290 else 0.1),
]
LINKS = ["https://www.service.nrw.de/leistungen", "https://www.bundesjustizamt.de/fuehrungszeugnis",
         "https://www.elster.de/eportal/start", "https://www.vrr.de/de/tickets/",
         "https://www.bundesdruckerei.de/ausweisapp"]
ID_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def weighted(rnd, pairs):
    total = sum(w for _, w in pairs)
    x = rnd.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


def case_id(rnd):
    """A form server's case number in the URL: six digits between letters (the collector stores :id)."""
    return "HA%06d%s" % (rnd.randint(0, 999999), "".join(rnd.choice("KXQZ") for _ in range(2)))


def concrete(pattern, cid, rnd):
    """A real path matching a catalogue pattern: :id is the case number, ** and * become segments."""
    p = pattern.replace(":id", cid).replace("**", "vorgang/%d" % rnd.randint(100, 999))
    return p.replace("*", "seite-%d" % rnd.randint(1, 3))


class Gen:
    def __init__(self, catalog, origins, fix_day):
        self.catalog = catalog
        self.origins = origins
        self.fix_day = fix_day
        self.out = sys.stdout
        self.n = 0

    def origin(self, site):
        """The site's origin: from sites.csv, else https://www.SITE.de."""
        return self.origins.get(site, "https://www.%s.de" % site)

    def services_of(self, site):
        keys = sorted({svc for (_, svc) in self.catalog})
        return [self.catalog.get((site, k)) or self.catalog.get(("*", k)) for k in keys]

    def emit(self, t, client, ua, site, event):
        event["site"] = site
        line = {"time": rfc3339(t), "client": client, "ua": ua, "origin": self.origin(site), "event": event}
        self.out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.n += 1

    def page(self, rnd, t, c, ua, site, path, engaged=25000):
        url = self.origin(site) + path
        self.emit(t, c, ua, site, {"type": "pageview", "url": url})
        ms = int(min(600000, rnd.lognormvariate(math.log(engaged), 0.9)))
        t2 = t + datetime.timedelta(milliseconds=ms)
        self.emit(t2, c, ua, site, {"type": "engagement", "url": url, "ms": ms})
        return t2

    def step_drop(self, svc, sname, i, site, phone, day):
        """The chance that a person gives up at step i (1-based) named sname."""
        prof = SITES.get(site, DEFAULT_SITE)
        drop = 0.03
        if "Bezahl" in sname or "SEPA" in sname:
            drop = prof["pay_drop"]
        elif sname.startswith("Nachweise"):
            drop = 0.15
        elif "Identität" in sname:
            drop = 0.18
        elif sname.startswith("Prüfen"):
            drop = 0.05
        if svc["service"] == "hundeanmeldung" and site == "gladbeck" and "SEPA" in sname and day < self.fix_day:
            drop = 0.6  # planted: until the fix the IBAN field refuses spaces, people give up
        if phone:
            drop *= 1.7  # planted: phones do worse
        return min(drop, 0.9)

    def field_errors(self, rnd, svc, sname, site, phone, day):
        """The (field, error) pairs a person sees at a step, in order."""
        prof = SITES.get(site, DEFAULT_SITE)
        errs = []
        if "Bezahl" in sname or "SEPA" in sname:
            p = 0.30 if phone else 0.18
            if svc["service"] == "hundeanmeldung" and site == "gladbeck":
                p = 0.55 if day < self.fix_day else 0.06  # planted: the fix
            if rnd.random() < p:
                errs += [("iban", "format")] * rnd.randint(1, 2)
            if rnd.random() < prof["pay_server"]:
                errs.append(("iban", "server"))  # planted: Bottrop's payment service refuses
        for words, fields in STEP_FIELDS:
            if words in sname and rnd.random() < 0.07:
                errs.append((rnd.choice(fields), rnd.choice(["required", "format", "format"])))
        return errs

    def flow(self, rnd, t, c, ua, site, device, day):
        svc = weighted(rnd, [(s, POPULARITY.get(s["service"], 2)) for s in self.services_of(site)])
        key = svc["service"]
        mode = MARKUP.get(key, "paths")
        phone = device == "mobile"
        cid = case_id(rnd)
        fid = "".join(rnd.choice(ID_CHARS) for _ in range(16)) if mode == "markup-id" else None
        steps = svc["steps"]

        def path_of(i):
            if mode == "markup-only":
                return MARKUP_ONLY_PATH[key]
            pats = svc["paths"][i - 1] if i - 1 < len(svc["paths"]) else []
            return concrete(pats[0] if len(pats) == 1 or rnd.random() < 0.8 else pats[-1], cid, rnd)

        def markup(typ, path, **kw):
            e = {"type": typ, "url": self.origin(site) + path, "service": key}
            if fid:
                e["flow"] = fid
            e.update(kw)
            self.emit(t, c, ua, site, e)

        for i, sname in enumerate(steps, start=1):
            path = path_of(i)
            if mode != "markup-only":
                self.emit(t, c, ua, site, {"type": "pageview", "url": self.origin(site) + path})
            if mode != "paths":
                if i == 1:
                    markup("flow_start", path, step_name=sname)
                markup("flow_step", path, step=i, step_name=sname)
            for field, err in self.field_errors(rnd, svc, sname, site, phone, day):
                t += datetime.timedelta(seconds=rnd.randint(5, 40))
                e = {"type": "field_error", "url": self.origin(site) + path, "field": field, "error": err}
                if mode != "paths":
                    e.update({"service": key, "step": i})
                    if fid:
                        e["flow"] = fid
                self.emit(t, c, ua, site, e)
            if ("Bezahl" in sname or "SEPA" in sname) and rnd.random() < (0.03 if site != "bottrop" else 0.12):
                self.emit(t, c, ua, site, {"type": "js_error", "url": self.origin(site) + path,
                                           "message": "TypeError /js/epayment.js:214:31"})
                if rnd.random() < 0.6:
                    self.emit(t, c, ua, site, {"type": "rage_click", "url": self.origin(site) + path,
                                               "target": "Jetzt bezahlen"})
            if rnd.random() < self.step_drop(svc, sname, i, site, phone, day):
                if mode != "paths" and rnd.random() < 0.2:
                    markup("flow_abort", path, step=i, reason="cancel")
                return t
            t += datetime.timedelta(seconds=rnd.lognormvariate(math.log(50), 0.7))
        if mode == "markup-only":
            done = MARKUP_ONLY_PATH[key]
        elif svc["done"]:
            done = concrete(svc["done"][0], cid, rnd)
        else:
            done = None
        if done is not None and mode != "markup-only":
            self.emit(t, c, ua, site, {"type": "pageview", "url": self.origin(site) + done})
        if mode != "paths":
            markup("flow_complete", done or "/")
        if rnd.random() < 0.2:
            if key == "bewohnerparkausweis":
                rating = weighted(rnd, [(1, 4), (2, 4), (3, 3), (4, 2), (5, 1)])
            elif site == "bottrop" and any("Bezahl" in s for s in steps):
                rating = weighted(rnd, [(1, 2), (2, 2), (3, 3), (4, 5), (5, 4)])
            else:
                rating = weighted(rnd, [(1, 1), (2, 1), (3, 3), (4, 8), (5, 9)])
            t += datetime.timedelta(seconds=rnd.randint(5, 60))
            self.emit(t, c, ua, site, {"type": "feedback", "url": self.origin(site) + (done or "/"),
                                       "service": key, "rating": rating})
        return t

    def search(self, rnd, t, c, ua, site, day):
        doy = day.timetuple().tm_yday
        pairs = [((q, res), w * (season(doy) if season else 1.0)) for q, w, res, season in QUERIES]
        q, res = weighted(rnd, pairs)
        n = 1 if rnd.random() < 0.75 else 2  # some search twice (a second page, or again)
        for _ in range(n):
            results = rnd.randint(max(1, res - 2), res + 10) if res else 0
            self.emit(t, c, ua, site, {"type": "search", "url": self.origin(site) + "/suche", "q": q,
                                       "results": results})
            t += datetime.timedelta(seconds=rnd.randint(5, 40))
        return t

    def visit(self, rnd, start, site, day):
        prof = SITES.get(site, DEFAULT_SITE)
        device = weighted(rnd, [("mobile", prof["mobile"]), ("desktop", 0.9 - prof["mobile"]), ("tablet", 0.1)])
        ua = ua_for(device, rnd)
        c = client_for(rnd)
        t = self.page(rnd, start, c, ua, site, rnd.choice(PAGES))
        if rnd.random() < 0.12:
            t = self.search(rnd, t + datetime.timedelta(seconds=rnd.randint(2, 30)), c, ua, site, day)
            t = self.page(rnd, t + datetime.timedelta(seconds=3), c, ua, site, rnd.choice(PAGES))
        if rnd.random() < 0.45:
            t = self.flow(rnd, t + datetime.timedelta(seconds=rnd.randint(5, 60)), c, ua, site, device, day)
        elif rnd.random() < 0.01:
            # A form the catalogue does not know (the check lists it): one page, sometimes an error.
            path = "/formulare/kita-anmeldung/schritt-1"
            t = self.page(rnd, t, c, ua, site, path)
            if rnd.random() < 0.3:
                self.emit(t, c, ua, site, {"type": "field_error", "url": self.origin(site) + path,
                                           "field": "geburtsdatum", "error": "required"})
        if rnd.random() < 0.12:
            self.emit(t, c, ua, site, {"type": "outlink", "url": self.origin(site) + rnd.choice(PAGES),
                                       "href": rnd.choice(LINKS)})
        if rnd.random() < 0.004:   # invalid on purpose: shows up in quality.csv
            self.emit(t, c, ua, site, {"type": "flow_step", "url": self.origin(site) + "/", "service": "sperrmuell",
                                       "step": "2"})


HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 13, 11, 12, 12, 11, 10, 9, 8, 7, 6, 4, 3, 2]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--days", type=int, default=28)
    p.add_argument("--sites", default="gladbeck,bottrop,gelsenkirchen")
    p.add_argument("--end", help="last local day, YYYY-MM-DD (default: yesterday)")
    p.add_argument("--events", type=int, default=60000, help="approximate total")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--services", default=os.path.join(DATA, "services.csv"))
    p.add_argument("--sites-file", default=os.path.join(DATA, "sites.csv"))
    p.add_argument("--fix-date", help="the day Gladbeck's IBAN field is fixed (default: 14 days before --end)")
    p.add_argument("--changes-out", help="write the changes file (--changes) of this traffic here")
    a = p.parse_args()
    if a.days < 1 or a.events < 1:
        p.error("--days and --events must be positive")
    if a.end:
        end = datetime.date.fromisoformat(a.end)
    else:
        now = datetime.datetime.now(datetime.timezone.utc)
        end = (now + datetime.timedelta(hours=berlin_offset_h(now))).date() - datetime.timedelta(days=1)
    fix = datetime.date.fromisoformat(a.fix_date) if a.fix_date else end - datetime.timedelta(days=14)
    if a.changes_out:
        with open(a.changes_out, "w", encoding="utf-8") as f:
            f.write("date,site,service,text\n")
            f.write("%s,gladbeck,hundeanmeldung,IBAN-Feld akzeptiert jetzt Leerzeichen und Kleinbuchstaben\n"
                    % fix.isoformat())
            f.write("%s,*,sperrmuell,Wunschtermin: Kalender zeigt nur noch freie Tage\n"
                    % (fix - datetime.timedelta(days=7)).isoformat())
    sites = [s for s in a.sites.split(",") if s]
    g = Gen(load_services(a.services), load_origins(a.sites_file), fix)
    rnd = random.Random(a.seed)
    per_visit = 5.6                     # measured average events per visit of this model
    visits_total = max(1, int(a.events / per_visit))
    weights = [SITES.get(s, DEFAULT_SITE)["weight"] for s in sites]
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
                g.visit(rnd, midnight + datetime.timedelta(seconds=sec), s, day)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
