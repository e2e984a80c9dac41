#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""abuse.py — the `abuse` part of `make bench` (BENCH_PARTS=abuse): what
legitimate clients get while the collector holds connections abused the
ways issue 15 found, on loopback only, attackers and clients bound to
addresses of 127.0.0.0/8.

  abuse.py COLLECTOR OUTDIR [SCENARIO...]

Scenarios (all by default), each against a fresh collector with its
defaults (--max-connections 8192, --max-connections-per-ip 64,
--request-timeout 10):
  baseline   no attack
  idle       5 000 idle sockets from 100 addresses (127.0.1.1-100, 50 each)
  slowloris  2 000 connections from 500 addresses (127.0.2.1-127.0.3.244,
             4 each) sending a header byte per second
  chunked    1 000 never-ending chunked bodies from 100 addresses (10 each),
             one chunk per second
The attackers reconnect as soon as the collector closes them, so the attack
is held all the time. When it stands (ramp-up included), a client process
sends LEGIT_RATE beacons per second for MEASURE_S seconds, each on a new
connection (the worst case: it needs a free slot) from 40 other addresses,
and measures each answer's latency from the connect. One JSON line per
scenario goes to standard output: the latencies (p50, p99, max), the answers,
the attack's connections held and closed by the collector, the collector's
RSS and CPU. The measuring client runs in a process of its own, so that the
attackers' event loop does not delay its clock.
"""
import asyncio
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

LEGIT_RATE = 50        # beacons per second
MEASURE_S = 25         # longer than two --request-timeout cycles
RAMP_TIMEOUT_S = 60

SCENARIOS = {
    "baseline": None,
    "idle": {"kind": "idle", "addresses": ["127.0.1.%d" % i for i in range(1, 101)], "per": 50},
    "slowloris": {"kind": "slowloris", "addresses": ["127.0.%d.%d" % (2 + i // 250, 1 + i % 250) for i in range(500)],
                  "per": 4},
    "chunked": {"kind": "chunked", "addresses": ["127.0.4.%d" % i for i in range(1, 101)], "per": 10},
}

BEACON = (b'{"site":"gladbeck","type":"pageview","url":"https://www.gladbeck.de/bench"}')


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Attack:
    """Holds the scenario's connections, reconnecting each one the collector closes."""

    def __init__(self, port, spec):
        self.port = port
        self.spec = spec
        self.held = 0
        self.opened = 0
        self.closed_by_server = 0
        self.refused = 0
        self.stop = asyncio.Event()

    async def one(self, src, k):
        await asyncio.sleep((k % 100) * 0.01)  # spread the first connects
        while not self.stop.is_set():
            try:
                r, w = await asyncio.open_connection("127.0.0.1", self.port, local_addr=(src, 0))
            except OSError:
                self.refused += 1
                await asyncio.sleep(0.5)
                continue
            self.opened += 1
            self.held += 1
            try:
                await self.abuse(r, w)
            except (OSError, asyncio.IncompleteReadError):
                pass
            self.held -= 1
            if not self.stop.is_set():
                self.closed_by_server += 1
            w.close()

    async def abuse(self, r, w):
        """Holds one connection the scenario's way until the collector closes it."""
        kind = self.spec["kind"]
        if kind == "slowloris":
            w.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            more = b"a"
        elif kind == "chunked":
            w.write(b"POST /e HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n1\r\n[\r\n")
            more = b"1\r\n \r\n"
        else:
            more = None
        await w.drain()

        async def feed():
            while True:
                await asyncio.sleep(1.0)
                w.write(more)
                await w.drain()
        feeder = asyncio.ensure_future(feed()) if more else None
        try:
            while await r.read(4096):
                pass
        finally:
            if feeder:
                feeder.cancel()

    def tasks(self):
        return [asyncio.ensure_future(self.one(src, k)) for src in self.spec["addresses"]
                for k in range(self.spec["per"])]


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


async def legit_client(port, rate, seconds):
    """LEGIT_RATE requests per second, each on a new connection; returns (latencies in ms, status counts)."""
    lat, codes = [], {}
    req = (b"POST /e HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nConnection: close\r\n"
           b"Content-Length: %d\r\n\r\n" % len(BEACON) + BEACON)

    async def one(i):
        src = "127.0.0.%d" % (10 + i % 40)
        t0 = time.monotonic()
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port, local_addr=(src, 0)), 10)
            w.write(req)
            data = await asyncio.wait_for(r.read(), 10)
            w.close()
            m = re.match(rb"HTTP/1\.1 (\d+)", data)
            code = int(m.group(1)) if m else "no answer"
        except (OSError, asyncio.TimeoutError):
            code = "error"
        codes[code] = codes.get(code, 0) + 1
        lat.append((time.monotonic() - t0) * 1000)

    start = time.monotonic()
    pending = []
    n = int(rate * seconds)
    for i in range(n):
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.ensure_future(one(i)))
    await asyncio.gather(*pending)
    return lat, codes


def proc_field(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def metric(port, name):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.split()[-1])
    except OSError:
        pass
    return float("nan")


def start_collector(collector, tmp):
    log = open(os.path.join(tmp, "collector.log"), "w+")
    proc = subprocess.Popen([collector, "--listen", "127.0.0.1:0", "--db", os.path.join(tmp, "bench.db")],
                            stderr=log, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        log.seek(0)
        m = re.search(r"listening on port (\d+)", log.read())
        if m:
            return proc, int(m.group(1)), log
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    log.seek(0)
    raise SystemExit("abuse: the collector did not start: " + log.read()[-2000:])


async def attack_and_measure(port, spec, pid):
    attack = Attack(port, spec) if spec else None
    tasks = attack.tasks() if attack else []
    total = len(tasks)
    ramp = time.monotonic()
    while attack and attack.held < total * 0.98 and time.monotonic() - ramp < RAMP_TIMEOUT_S:
        await asyncio.sleep(0.2)
    ramp_s = time.monotonic() - ramp
    cpu0 = cpu_s(pid)
    t0 = time.monotonic()
    # The client runs in a process of its own: the attack's event loop must not delay its clock.
    client = await asyncio.create_subprocess_exec(sys.executable, __file__, "--client", str(port),
                                                  stdout=asyncio.subprocess.PIPE)
    held_during = []
    while client.returncode is None:
        held_during.append(attack.held if attack else 0)
        try:
            await asyncio.wait_for(client.wait(), 1.0)
        except asyncio.TimeoutError:
            pass
    out = json.loads((await client.stdout.read()).decode())
    wall = time.monotonic() - t0
    cpu = cpu_s(pid) - cpu0
    rec = {"part": "abuse", "scenario": spec["kind"] if spec else "baseline",
           "legit": {"n": len(out["lat"]), "codes": out["codes"], "p50_ms": round(percentile(out["lat"], 50), 2),
                     "p99_ms": round(percentile(out["lat"], 99), 2), "max_ms": round(max(out["lat"]), 2)},
           "collector": {"rss_kib": proc_field(pid, "VmRSS"), "hwm_kib": proc_field(pid, "VmHWM"),
                         "cpu_s_per_s": round(cpu / wall, 3),
                         "open": metric(port, "lotse_connections_open"),
                         "closed_deadline": metric(port, 'lotse_connections_closed_total{reason="deadline"}'),
                         "closed_idle": metric(port, 'lotse_connections_closed_total{reason="idle_evicted"}'),
                         "closed_per_address": metric(port,
                                                      'lotse_connections_closed_total{reason="per_address"}')}}
    if attack:
        rec["attack"] = {"connections": total, "addresses": len(spec["addresses"]), "ramp_s": round(ramp_s, 1),
                         "held_min": min(held_during), "held_max": max(held_during),
                         "opened": attack.opened, "closed_by_collector": attack.closed_by_server,
                         "refused": attack.refused}
        attack.stop.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return rec


def run_scenario(collector, outdir, name):
    tmp = tempfile.mkdtemp(prefix="abuse-%s-" % name, dir=outdir)
    proc, port, log = start_collector(collector, tmp)
    try:
        rec = asyncio.run(attack_and_measure(port, SCENARIOS[name], proc.pid))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rec_exit = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            rec_exit = "killed"
        log.close()
    rec["collector"]["exit"] = rec_exit
    shutil.rmtree(tmp, ignore_errors=True)
    return rec


def main(argv):
    raise_fd_limit()
    if argv and argv[0] == "--client":
        lat, codes = asyncio.run(legit_client(int(argv[1]), LEGIT_RATE, MEASURE_S))
        print(json.dumps({"lat": lat, "codes": {str(k): v for k, v in codes.items()}}))
        return 0
    collector, outdir = argv[0], argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name in argv[2:] or list(SCENARIOS):
        print("%s  abuse: %s" % (time.strftime("%H:%M:%S"), name), file=sys.stderr)
        print(json.dumps(run_scenario(collector, outdir, name)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
