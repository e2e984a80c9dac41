#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""to_combined.py — rewrites --import NDJSON (gen_traffic.py) as the access log
a web server would have written for the same traffic, in the combined format
GoAccess reads: one line per event, the event's page as the request (its
query kept, as a server logs it), the event's referrer, address and
User-Agent. For `make bench` only: GoAccess gets the same events as
lotse-report. Lines that are not JSON objects are skipped.

Usage: to_combined.py < traffic.ndjson > access.log
"""
import datetime
import json
import sys
import urllib.parse

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def main():
    out = sys.stdout
    for line in sys.stdin:
        try:
            rec = json.loads(line)
            ev = rec["event"]
            if isinstance(ev, list):
                ev = ev[0]
            t = datetime.datetime.fromisoformat(rec["time"])
            u = urllib.parse.urlsplit(ev.get("url", "/"))
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            continue
        off = t.utcoffset() or datetime.timedelta(0)
        mins = int(off.total_seconds()) // 60
        stamp = "%02d/%s/%04d:%02d:%02d:%02d %s%02d%02d" % (
            t.day, MONTHS[t.month - 1], t.year, t.hour, t.minute, t.second,
            "+" if mins >= 0 else "-", abs(mins) // 60, abs(mins) % 60)
        path = (u.path or "/") + ("?" + u.query if u.query else "")
        ref = ev.get("ref") or "-"
        ua = (rec.get("ua") or "-").replace('"', "'")
        size = 2048 + (len(path) * 37) % 30000
        out.write('%s - - [%s] "GET %s HTTP/1.1" 200 %d "%s" "%s"\n' % (
            rec.get("client", "-"), stamp, path.replace('"', "%22").replace(" ", "%20"),
            size, str(ref).replace('"', "%22"), ua))
    return 0


if __name__ == "__main__":
    sys.exit(main())
