# SPDX-License-Identifier: EUPL-1.2
"""test_nginx.py — the shipped reverse proxy example (dist/nginx.conf, which
the package installs as /usr/share/doc/lotse/examples/nginx.conf) in a real
nginx (Debian's), started here on free loopback ports with a self-signed
certificate made here, in front of the real collector. The example is
templated only in ports, paths and the monitoring host's address. Beacons
through /lotse/ land; lotse.js comes compressed; /lotse/metrics answers only
the monitoring host; plain HTTP is redirected; the access and error logs
hold no client address; each site's report folder opens only with that
site's login, the regional one only with the coordinators'."""
import base64
import gzip
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

from opslib import COLLECTOR, TOP, Collector, eq, run_report, run_tests

EXAMPLE = os.path.join(TOP, "dist", "nginx.conf")
CLIENT, MONITOR, OTHER = "127.0.0.3", "127.0.0.2", "127.0.0.1"
FORWARDED = "203.0.113.77"
LOGINS = {"koordination": ("koordination", "Emscher-Lippe-2026"), "gladbeck": ("gladbeck", "Rathaus-GLA"),
          "bottrop": ("bottrop", "Rathaus-BOT")}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def htpasswd(path, user, password):
    hashed = subprocess.run(["openssl", "passwd", "-apr1", password], capture_output=True, text=True,
                            check=True).stdout.strip()
    with open(path, "w") as f:
        f.write("%s:%s\n" % (user, hashed))
    os.chmod(path, 0o644)


def trust_proxy_args():
    """--trust-proxy as this collector takes it: networks (OPERATIONS.md), or the older flag."""
    help_text = subprocess.run([COLLECTOR, "--help"], capture_output=True, text=True).stdout
    return ["--trust-proxy", "127.0.0.1/32"] if "--trust-proxy CIDR" in help_text else ["--trust-proxy"]


class Nginx:
    def __init__(self, d, collector_port):
        self.dir = d
        self.http_port, self.https_port = free_port(), free_port()
        for sub in ("log", "auth/sites", "tmp", "lib/berichte"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        self.cert, self.key = os.path.join(d, "lotse.pem"), os.path.join(d, "lotse.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=lotse.example.de", "-keyout", self.key, "-out", self.cert],
                       capture_output=True, check=True)
        with open(EXAMPLE) as f:
            text = f.read()
        subst = [
            ("listen 80;", "listen 127.0.0.1:%d;" % self.http_port),
            ("listen [::]:80;", "listen [::1]:%d;" % self.http_port),
            ("listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % self.https_port),
            ("listen [::]:443 ssl http2;", "listen [::1]:%d ssl http2;" % self.https_port),
            ("server 127.0.0.1:8080;", "server 127.0.0.1:%d;" % collector_port),
            ("/etc/ssl/certs/lotse.example.de.pem", self.cert),
            ("/etc/ssl/private/lotse.example.de.key", self.key),
            ("/var/log/nginx/", os.path.join(d, "log") + "/"),
            ("/etc/nginx/lotse/", os.path.join(d, "auth") + "/"),
            ("root /var/lib/lotse;", "root %s;" % os.path.join(d, "lib")),
            ("allow 192.0.2.10;", "allow %s;" % MONITOR),
        ]
        for old, new in subst:
            if old not in text:
                raise AssertionError("the example no longer holds %r" % old)
            text = text.replace(old, new)
        with open(os.path.join(d, "lotse.conf"), "w") as f:
            f.write(text)
        main = ("worker_processes 1;\npid %(d)s/nginx.pid;\nerror_log %(d)s/log/main-error.log crit;\n"
                "user www-data www-data;\nevents { worker_connections 64; }\n"
                "http {\n include /etc/nginx/mime.types;\n"
                " client_body_temp_path %(d)s/tmp/body; proxy_temp_path %(d)s/tmp/proxy;\n"
                " fastcgi_temp_path %(d)s/tmp/fcgi; uwsgi_temp_path %(d)s/tmp/uwsgi; scgi_temp_path %(d)s/tmp/scgi;\n"
                " access_log off;\n include %(d)s/lotse.conf;\n}\n") % {"d": d}
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write(main)
        p = subprocess.run(["nginx", "-t", "-c", os.path.join(d, "nginx.conf"), "-p", d, "-e",
                            os.path.join(d, "log", "startup.log")], capture_output=True, text=True)
        eq(p.returncode, 0, "nginx -t: " + p.stderr)
        self.proc = subprocess.Popen(["nginx", "-g", "daemon off;", "-c", os.path.join(d, "nginx.conf"), "-p", d,
                                      "-e", os.path.join(d, "log", "startup.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("nginx did not start")
        self.ctx = ssl.create_default_context(cafile=self.cert)
        self.ctx.check_hostname = False

    def request(self, method, path, body=None, headers=None, source=CLIENT, tls=True):
        if tls:
            conn = http.client.HTTPSConnection("127.0.0.1", self.https_port, context=self.ctx, timeout=10,
                                               source_address=(source, 0))
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10, source_address=(source, 0))
        h = {"Host": "lotse.example.de", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 "
             "Firefox/125.0"}
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)


def auth(name):
    user, password = LOGINS[name]
    return {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()}


def test_nginx_example_in_front_of_the_collector():
    d = tempfile.mkdtemp(prefix="lotse-nginx-")
    os.chmod(d, 0o755)
    with Collector(*trust_proxy_args()) as c:
        ng = Nginx(d, c.port)
        try:
            check_beacons(ng, c)
            check_metrics_and_script(ng)
            check_reports(ng, c.db, d)
        finally:
            ng.stop()
        eq(c.stop(), 0, "collector stop")
    check_logs(d)
    shutil.rmtree(d, ignore_errors=True)


def check_beacons(ng, c):
    events = [{"site": "gladbeck", "type": "pageview", "url": "https://www.gladbeck.de/proxy/%d" % i}
              for i in range(5)]
    for e in events:
        status, _, body = ng.request("POST", "/lotse/e", json.dumps(e), {
            "Content-Type": "text/plain;charset=UTF-8", "Origin": "https://www.gladbeck.de",
            "X-Forwarded-For": FORWARDED})
        eq(status, 204, "beacon through /lotse/e: %r" % body)
    rows = c.query("SELECT path FROM events WHERE path LIKE '/proxy/%' ORDER BY id")
    eq([r[0] for r in rows], ["/proxy/%d" % i for i in range(5)], "beacons stored")
    status, headers, _ = ng.request("GET", "/lotse/e?site=gladbeck&type=pageview&url=https%3A%2F%2Fwww.gladbeck.de%2Fpixel")
    eq(status, 200, "pixel")
    eq(headers.get("content-type"), "image/gif", "pixel type")
    status, _, body = ng.request("GET", "/lotse/healthz")
    eq(status, 200, "healthz")
    status, headers, _ = ng.request("GET", "/lotse/e", tls=False)
    eq(status, 301, "plain HTTP")
    assert headers["location"].startswith("https://lotse.example.de/"), headers


def check_metrics_and_script(ng):
    status, _, _ = ng.request("GET", "/lotse/metrics", source=OTHER)
    eq(status, 403, "/metrics from another host")
    status, _, _ = ng.request("GET", "/lotse/metrics", source=CLIENT)
    eq(status, 403, "/metrics from a visitor")
    status, _, body = ng.request("GET", "/lotse/metrics", source=MONITOR)
    eq(status, 200, "/metrics from the monitoring host")
    assert b"lotse_" in body, body[:200]
    status, headers, body = ng.request("GET", "/lotse/lotse.js", headers={"Accept-Encoding": "gzip"})
    eq(status, 200, "lotse.js")
    eq(headers.get("content-encoding"), "gzip", "lotse.js compressed")
    script = gzip.decompress(body)
    assert b"sendBeacon" in script, script[:200]


def check_reports(ng, db, d):
    berichte = os.path.join(d, "lib", "berichte")
    for name in ("gladbeck", "bottrop"):
        htpasswd(os.path.join(d, "auth", "sites", name + ".htpasswd"), *LOGINS[name])
    htpasswd(os.path.join(d, "auth", "koordination.htpasswd"), *LOGINS["koordination"])
    # As the package lays them out: the web server's group reads, through set-group-ID folders.
    os.chmod(os.path.join(d, "lib"), 0o750)
    subprocess.run(["chgrp", "www-data", os.path.join(d, "lib"), berichte], check=True)
    os.chmod(berichte, 0o2750)
    today = time.strftime("%Y-%m-%d")
    for folder, site in (("ALL", None), ("gladbeck", "gladbeck"), ("bottrop", "bottrop")):
        args = ["--db", db, "--publish", os.path.join(berichte, folder), "--from", today, "--to", today,
                "--no-charts", "--quiet"] + (["--site", site] if site else [])
        p = subprocess.run(["sh", "-c", 'umask 027; exec "$@"', "sh", os.path.join(os.path.dirname(COLLECTOR),
                            "lotse-report")] + args, capture_output=True, text=True, timeout=120)
        eq(p.returncode, 0, p.stderr)
    page = "/berichte/gladbeck/latest/index.html"
    eq(ng.request("GET", page)[0], 401, "site report without login")
    eq(ng.request("GET", page, headers=auth("bottrop"))[0], 401, "site report with another site's login")
    status, _, body = ng.request("GET", page, headers=auth("gladbeck"))
    eq(status, 200, "site report with its login")
    assert b"<html" in body.lower(), body[:200]
    eq(ng.request("GET", "/berichte/ALL/latest/index.html", headers=auth("gladbeck"))[0], 401,
       "regional report with a site's login")
    status, _, body = ng.request("GET", "/berichte/ALL/", headers=auth("koordination"))
    eq(status, 200, "regional folder with the coordinators' login")
    assert re.search((r'href="%s_%s/"' % (today, today)).encode(), body), body[:500]
    eq(ng.request("GET", "/berichte/ALL/latest/services.csv", headers=auth("koordination"))[0], 200, "CSV")
    eq(ng.request("GET", "/berichte/", headers=auth("koordination"))[0], 404, "no listing above the folders")


def check_logs(d):
    logs = {}
    for name in os.listdir(os.path.join(d, "log")):
        with open(os.path.join(d, "log", name), errors="replace") as f:
            logs[name] = f.read()
    access = logs.get("lotse-access.log", "")
    assert access.count("/lotse/e") >= 6 and "/berichte/" in access, access[:2000]
    for name, text in logs.items():
        for addr in (CLIENT, MONITOR, OTHER, FORWARDED):
            assert addr not in text, "%s holds the address %s:\n%s" % (name, addr, text[:2000])


run_tests("test_nginx", globals())
