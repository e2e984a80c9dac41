#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""measure.py — runs one command and prints what it cost, for `make bench`.

Usage: measure.py [--pss] [--stdin FILE] [--stdout FILE] [--timeout S] -- CMD ARG...

Prints one JSON line {"wall_s", "user_s", "sys_s", "maxrss_kib", "tree_pss_kib",
"rc"} on standard output (the command's own standard output goes to --stdout, default
/dev/null; its standard error passes through). The command runs under GNU
time (/usr/bin/time), whose peak resident set size is the largest of the
command and the children it waited for (lotse-report: gnuplot too). GNU time
rather than Python's own wait4: a child forked from Python would inherit
Python's ~14 MiB high-water mark into its ru_maxrss. A command that runs
longer than --timeout seconds is killed (rc = -9) so that the benchmark stays
bounded. It measures; it judges nothing.

GNU time's figure is the largest single process, not what the command and its
children hold at the same time. With --pss the process tree under time is
also sampled every few milliseconds, and tree_pss_kib is the largest sum of
its proportional set sizes (PSS: shared library pages divided among the
processes that map them): what the run costs the machine at its peak.
Sampling can miss a spike shorter than the interval, and it costs: the
sampler takes about a sixth of a core, and each read of smaps_rollup walks
the measured process's page tables under its memory-map lock. So a run with
--pss is for memory only; times come from a run without it (tree_pss_kib 0).
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time


def tree(pid):
    """pid and all its descendants (Linux /proc/PID/task/TID/children)."""
    out, i = [pid], 0
    while i < len(out):
        try:
            for tid in os.listdir("/proc/%d/task" % out[i]):
                with open("/proc/%d/task/%s/children" % (out[i], tid)) as f:
                    out += [int(x) for x in f.read().split()]
        except OSError:
            pass
        i += 1
    return out


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv):
    stdin_path, stdout_path, timeout, sample = None, os.devnull, 600.0, False
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] == "--pss":
            sample = True
            i += 1
            continue
        if argv[i] == "--stdin":
            stdin_path = argv[i + 1]
        elif argv[i] == "--stdout":
            stdout_path = argv[i + 1]
        elif argv[i] == "--timeout":
            timeout = float(argv[i + 1])
        else:
            sys.exit("measure.py: unknown option " + argv[i])
        i += 2
    cmd = argv[i + 1:]
    if not cmd:
        sys.exit("usage: measure.py [--pss] [--stdin F] [--stdout F] [--timeout S] -- CMD ARG...")
    fin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf, open(stdout_path, "wb") as fout:
        t0 = time.monotonic()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%e %U %S %M %x", "-o", tf.name, "--"] + cmd,
                                stdin=fin, stdout=fout, start_new_session=True)
        peak_pss = 0
        while proc.poll() is None:
            if time.monotonic() - t0 > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            if not sample:
                try:
                    proc.wait(timeout=max(0.0, timeout - (time.monotonic() - t0)) + 0.01)
                except subprocess.TimeoutExpired:
                    pass
                continue
            # Without time itself: its children are what is measured.
            peak_pss = max(peak_pss, sum(pss_kib(p) for p in tree(proc.pid)[1:]))
            time.sleep(0.004)
        wall = time.monotonic() - t0
        fields = tf.read().split()
    if proc.returncode != 0 and len(fields) < 5:
        # Killed by the timeout, or time itself failed: wall clock only.
        print(json.dumps({"wall_s": round(wall, 3), "user_s": 0.0, "sys_s": 0.0, "maxrss_kib": 0,
                          "tree_pss_kib": peak_pss, "rc": -9 if wall >= timeout else proc.returncode}))
        return 0
    # The last line is ours; "Command exited with non-zero status" may precede it.
    _, u, sy, m, x = fields[-5:]
    print(json.dumps({"wall_s": round(wall, 3), "user_s": float(u), "sys_s": float(sy),
                      "maxrss_kib": int(m), "tree_pss_kib": peak_pss, "rc": int(x)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
