# SPDX-License-Identifier: EUPL-1.2
"""test_hardening_abuse.py — abuse from one address must not deny service to
others (issue 6, "Abuse" and "Resource bounds"): hundreds of slow, half-sent
connections from 127.0.0.1 are capped by --max-connections-per-ip and cut by
--timeout while 127.0.0.2 is served promptly; a flood from 127.0.0.1 gets 429
with Retry-After while 127.0.0.2 keeps getting 204; the collector's memory
(VmHWM) stays under a cap throughout. Every loop is bounded in count and time."""
import os
import select
import socket
import threading
import time

from harness import BUILD, Collector, eq, ev, run_tests
from hostile import asan_build, connect, exchange, post_bytes, proc_status, marker

SLOW = 300               # slow connections from the attacker's address
PER_IP = 64              # --max-connections-per-ip (the default)
TIMEOUT_S = 4            # --timeout for these tests
# Resident memory cap for the collector. The sanitizer build keeps shadow
# memory and a quarantine of freed blocks, so it gets a larger cap.
RSS_CAP_KB = (128 if asan_build(BUILD) else 64) * 1024
# ASan keeps up to 256 MiB of freed blocks in quarantine to catch use after
# free, which a flood fills; a smaller quarantine keeps VmHWM a measure of
# what the collector holds.
ENV = dict(os.environ)
if asan_build(BUILD):
    ENV["ASAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=16"]))


def open_slow(port, n, source="127.0.0.1"):
    """n connections that each send half a request and then nothing."""
    socks = []
    for i in range(n):
        try:
            s = connect(port, source, timeout=5)
            s.sendall(b"POST /e HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                      b"Content-Length: 100\r\n\r\n{\"site\":")
        except OSError:
            continue  # refused or reset at once: also what a limit may do
        socks.append(s)
    return socks


def closed_by_server(socks, wait):
    """How many of socks the server has closed within wait seconds."""
    closed = set()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and len(closed) < len(socks):
        live = [s for s in socks if s not in closed]
        ready, _, _ = select.select(live, [], [], 0.2)
        for s in ready:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                closed.add(s)
    return len(closed)


def timed_post(c, source, name):
    """A valid POST from source; returns (status, seconds)."""
    t0 = time.monotonic()
    r = exchange(c.port, post_bytes(marker(name)), source=source, timeout=10)
    return r.status, time.monotonic() - t0


def check_rss(c, what):
    st = proc_status(c.proc.pid)
    assert st["VmHWM"] < RSS_CAP_KB, "%s: VmHWM %d kB over the cap %d kB" % (what, st["VmHWM"], RSS_CAP_KB)
    return st["VmHWM"]


def test_slow_connections_do_not_block_other_addresses():
    with Collector("--timeout", str(TIMEOUT_S), "--max-connections-per-ip", str(PER_IP),
                   "--rate-limit", "0", env=ENV) as c:
        t0 = time.monotonic()
        socks = open_slow(c.port, SLOW)
        try:
            # Beyond the per-address limit, connections are closed at once.
            cut = closed_by_server(socks, 1.0)
            assert cut >= len(socks) - PER_IP - 2, "only %d of %d cut at once" % (cut, len(socks))
            lat = []
            while time.monotonic() - t0 < TIMEOUT_S - 1 and len(lat) < 20:
                st, dt = timed_post(c, "127.0.0.2", "other-%d" % len(lat))
                eq(st, 204, "other address while 127.0.0.1 is slow")
                lat.append(dt)
            assert lat and max(lat) < 1.0, "other address served slowly: %r" % lat
            hwm = check_rss(c, "slow connections")
            # The held connections are dropped by --timeout.
            left = [s for s in socks]
            dropped = closed_by_server(left, TIMEOUT_S + 3)
            eq(dropped, len(left), "all slow connections closed after --timeout")
        finally:
            for s in socks:
                s.close()
        stored = c.query("SELECT count(*) FROM events")[0][0]
        eq(stored, len(lat), "the other address's events, none of the half requests")
        print("  %d slow connections, %d cut at once; 127.0.0.2: %d posts, max %.0f ms; VmHWM %d kB"
              % (len(socks), cut, len(lat), max(lat) * 1000, hwm))
        eq(c.stop(), 0, "clean exit")


def test_flood_gets_429_others_get_204():
    with Collector("--rate-limit", "20", "--max-connections-per-ip", "0", env=ENV) as c:
        codes = {}
        retry_after = []
        stop = threading.Event()
        lock = threading.Lock()

        def flood():
            deadline = time.monotonic() + 3
            n = 0
            while not stop.is_set() and time.monotonic() < deadline and n < 1500:
                n += 1
                r = exchange(c.port, post_bytes(marker("flood")), source="127.0.0.1", timeout=10)
                with lock:
                    codes[r.status] = codes.get(r.status, 0) + 1
                    if r.status == 429:
                        retry_after.append(r.headers.get("retry-after"))
        threads = [threading.Thread(target=flood) for _ in range(4)]
        for t in threads:
            t.start()
        others = []
        try:
            time.sleep(0.3)
            for i in range(20):  # 10 per second: well under the limit of 20
                others.append(timed_post(c, "127.0.0.2", "other-%d" % i))
                time.sleep(0.1)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=15)
        assert codes.get(429, 0) > 100, "flood not limited: %r" % codes
        assert set(codes) <= {204, 429}, "flood answers: %r" % codes
        assert all(ra is not None and int(ra) >= 1 for ra in retry_after), "Retry-After missing"
        eq([s for s, _ in others], [204] * len(others), "other address")
        assert max(dt for _, dt in others) < 1.0, "other address served slowly: %r" % others
        flood_stored = c.query("SELECT count(*) FROM events WHERE step_name='flood'")[0][0]
        eq(flood_stored, codes.get(204, 0), "every 204 of the flood is stored, nothing else")
        hwm = check_rss(c, "flood")
        print("  flood: %r; other address: 20 x 204, max %.0f ms; VmHWM %d kB"
              % (codes, max(dt for _, dt in others) * 1000, hwm))
        eq(c.stop(), 0, "clean exit")


def test_memory_bounded_under_many_large_bodies():
    """64 connections each sending a body just under --max-body, slowly, plus
    oversized bodies that are refused: resident memory stays under the cap."""
    with Collector("--rate-limit", "0", "--max-connections-per-ip", "0", "--timeout", "5", env=ENV) as c:
        big = b'{"site":"gladbeck","type":"pageview","url":"https://www.gladbeck.de/","x":"' + \
            b"a" * 16000 + b'"}'
        socks = []
        try:
            for _ in range(64):
                s = connect(c.port, timeout=5)
                req = post_bytes(big)
                s.sendall(req[:-100])  # all but the end: the server buffers the body
                socks.append((s, req[-100:]))
            time.sleep(0.5)
            for _ in range(30):
                r = exchange(c.port, post_bytes(b" " * (1 << 20)), timeout=10)
                eq(r.status, 413, "oversized body")
            for s, rest in socks:
                s.sendall(rest)
            ok = 0
            for s, _ in socks:
                r_ok = s.recv(4096)
                ok += r_ok.startswith(b"HTTP/1.1 204")
            eq(ok, 64, "large valid bodies stored")
            hwm = check_rss(c, "large bodies")
            print("  64 bodies of 16 KB in flight, 30 x 1 MiB refused; VmHWM %d kB" % hwm)
        finally:
            for s, _ in socks:
                s.close()
        eq(c.stop(), 0, "clean exit")


if __name__ == "__main__":
    run_tests("hardening_abuse", globals())
