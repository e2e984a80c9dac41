#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""fsync_probe.py — how long one fdatasync of a 4 KiB overwrite takes on the
disk under DIR, right now: the floor under every commit of
`lotse-collector --durability full`, and so the ceiling of requests per second
at C connections (each waits for at least one commit): C / fsync time.
Prints one JSON line {"part": "disk", "fsync_p50_ms", "fsync_p90_ms",
"fsync_p99_ms", "n"}. Usage: fsync_probe.py DIR [N=200]"""
import json
import os
import sys
import time


def main(argv):
    d = argv[0]
    n = int(argv[1]) if len(argv) > 1 else 200
    path = os.path.join(d, "fsync-probe.tmp")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, b"\0" * 4096 * 64)
        os.fsync(fd)
        ts = []
        for i in range(n):
            os.pwrite(fd, os.urandom(4096), (i % 64) * 4096)
            t = time.perf_counter()
            os.fdatasync(fd)
            ts.append((time.perf_counter() - t) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    ts.sort()
    q = lambda p: round(ts[min(len(ts) - 1, int(p * len(ts)))], 3)
    print(json.dumps({"part": "disk", "fsync_p50_ms": q(0.5), "fsync_p90_ms": q(0.9),
                      "fsync_p99_ms": q(0.99), "n": n}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
