# SPDX-License-Identifier: EUPL-1.2
"""hostile.py — helpers for the hardening tests (test_hardening_*.py): raw
HTTP over plain sockets (so that a test can send what no HTTP library would:
broken framing, binary garbage, half requests), a client bound to another
loopback source address, the collector's memory from /proc, and a marker
event whose arrival in the database proves the collector kept serving.
Standard library only; loopback only."""
import json
import os
import socket
import time

from harness import UA_FIREFOX_WIN, ev


class Reply:
    """What came back on one raw connection."""

    def __init__(self, status, headers, body, closed, raw):
        self.status = status      # int, or None when nothing parseable came back
        self.headers = headers    # lower-case names
        self.body = body
        self.closed = closed      # the server closed the connection
        self.raw = raw

    def __repr__(self):
        return "Reply(status=%r, closed=%r, raw=%r)" % (self.status, self.closed, self.raw[:200])


def connect(port, source=None, timeout=10):
    """A TCP connection to 127.0.0.1:port, from source (e.g. "127.0.0.2") when given."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source is not None:
        s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_reply(s, deadline):
    """Reads one response (or the close) until deadline; raises AssertionError on a hang."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("no answer and no close before the deadline: %r" % buf[:200])
        s.settimeout(left)
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return Reply(None, {}, b"", True, buf)
        except socket.timeout:
            continue
        if not chunk:
            return Reply(None, {}, b"", True, buf)
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    want = int(headers.get("content-length", "0") or 0)
    closed = False
    while len(body) < want and time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            closed = True
            break
        body += chunk
    return Reply(status, headers, body, closed, buf)


def exchange(port, data, source=None, timeout=10, pause=0.0, half_close=False):
    """Sends data (bytes, or a list of byte chunks sent pause seconds apart),
    then reads one reply. A send that fails because the server already
    answered and closed is not an error."""
    deadline = time.monotonic() + timeout
    s = connect(port, source, timeout)
    try:
        chunks = data if isinstance(data, list) else [data]
        for i, chunk in enumerate(chunks):
            if i and pause:
                time.sleep(pause)
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        if half_close:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        return read_reply(s, deadline)
    finally:
        s.close()


def post_bytes(body, content_type="text/plain;charset=UTF-8", extra=b"", length=None):
    """A complete POST /e request with body (bytes) and a Content-Length."""
    n = len(body) if length is None else length
    return (b"POST /e HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " + UA_FIREFOX_WIN.encode() +
            b"\r\nContent-Type: " + content_type.encode() + b"\r\nContent-Length: " + str(n).encode() +
            b"\r\nConnection: close\r\n" + extra + b"\r\n" + body)


def chunked(body, size=1000):
    """body in HTTP/1.1 chunked encoding."""
    out = b""
    for i in range(0, len(body), size):
        part = body[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


def post_chunked(body, extra=b""):
    return (b"POST /e HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " + UA_FIREFOX_WIN.encode() +
            b"\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n" +
            extra + b"\r\n" + chunked(body))


def event_bytes(type_="pageview", **fields):
    """One event (harness.ev) as JSON bytes."""
    return json.dumps(ev(type_, **fields)).encode()


def marker(name):
    """A valid event whose step_name marks it: sent between hostile cases."""
    return event_bytes(step_name=name)


def proc_status(pid):
    """The collector's /proc/PID/status as a dict (VmRSS, VmHWM in kB as int; Uid as str)."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            v = v.strip()
            if v.endswith(" kB"):
                out[k] = int(v[:-3])
            else:
                out[k] = v
    return out


def asan_build(build):
    """True for the ASan+UBSan build (LOTSE_BUILD ending in /asan)."""
    return os.path.normpath(build).endswith(os.sep + "asan")


