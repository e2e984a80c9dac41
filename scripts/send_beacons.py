#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""send_beacons.py — sends --import style NDJSON (from gen_traffic.py) to a
running collector as real HTTP beacons, the way lotse.js would: consecutive
events of one visitor as one batch (at most 20), Content-Type text/plain,
with the visitor's User-Agent and Origin, and the visitor's address in
X-Forwarded-For (so start the collector with --trust-proxy 127.0.0.1/32; the
addresses are documentation ranges and are never contacted). Events are stored at the time
they are sent; within a batch, the generated spacing of the events is kept
through the protocol's "age" field (at most ten minutes). Only loopback targets.

Usage: send_beacons.py --port PORT [--host 127.0.0.1] [FILE|-]
Prints "sent N events in M requests: S stored, R refused" and exits 1 when
any request failed."""
import argparse
import datetime
import http.client
import ipaddress
import json
import sys


def with_ages(batch):
    """Turns (event, time) pairs into events whose ages keep their spacing."""
    times = []
    for _, t in batch:
        try:
            times.append(datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp())
        except (AttributeError, ValueError):
            times.append(None)
    known = [t for t in times if t is not None]
    last = max(known) if known else None
    out = []
    for (event, _), t in zip(batch, times):
        if last is not None and t is not None:
            event["age"] = int(min(600000, max(0, (last - t) * 1000)))
        out.append(event)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("input", nargs="?", default="-")
    args = ap.parse_args()
    if not ipaddress.ip_address(args.host).is_loopback:
        sys.exit("send_beacons: only loopback addresses may be sent traffic")
    src = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")
    conn = http.client.HTTPConnection(args.host, args.port, timeout=30)
    sent = requests = stored = refused = 0
    batch, key = [], None

    def flush():
        nonlocal requests, stored, refused, batch
        if not batch:
            return
        client, ua, origin = key
        headers = {"Content-Type": "text/plain;charset=UTF-8", "User-Agent": ua or "",
                   "X-Forwarded-For": client or "127.0.0.1"}
        if origin:
            headers["Origin"] = origin
        conn.request("POST", "/e", body=json.dumps(with_ages(batch)), headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        requests += 1
        if resp.status == 204:
            stored += len(batch)
        elif resp.status == 400:
            reply = json.loads(body)
            stored += reply["accepted"]
            refused += len(reply["rejected"])
        else:
            refused += len(batch)
            print("send_beacons: HTTP %d: %s" % (resp.status, body[:200]), file=sys.stderr)
        batch = []

    for line in src:
        line = line.strip()
        if not line:
            continue
        rec = json.loads(line)
        k = (rec.get("client"), rec.get("ua"), rec.get("origin"))
        if k != key or len(batch) == 20:
            flush()
            key = k
        event = dict(rec["event"])
        event.pop("age", None)
        batch.append((event, rec.get("time")))
        sent += 1
    flush()
    print("sent %d events in %d requests: %d stored, %d refused" % (sent, requests, stored, refused))
    return 0 if stored + refused == sent else 1


if __name__ == "__main__":
    sys.exit(main())
