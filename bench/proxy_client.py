# SPDX-License-Identifier: ISC
"""The client side of bench/proxy: N requests direct (HTTPS to the upstream,
keep-alive) interleaved with N through the credential proxy's route mode
($ANTHROPIC_BASE_URL with the placeholder in $ANTHROPIC_API_KEY, as an
agent sends them), then streaming throughput both ways.
    proxy_client.py UPSTREAM_PORT CA_FILE N PID|- [--quiet]
PID: the proxy process whose resident memory is printed ("-": none).
"""
import http.client
import os
import socket
import ssl
import statistics
import sys
import time
import urllib.parse

up, ca, n, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
quiet = "--quiet" in sys.argv
base = urllib.parse.urlsplit(os.environ["ANTHROPIC_BASE_URL"])
ph = os.environ["ANTHROPIC_API_KEY"]
route = base.path


class Direct(http.client.HTTPSConnection):
    def connect(self):
        s = socket.create_connection(("127.0.0.1", up))
        self.sock = self._context.wrap_socket(s, server_hostname="localhost")


direct = Direct("localhost", up, context=ssl.create_default_context(cafile=ca))
proxied = http.client.HTTPConnection(base.hostname, base.port)


def rss():
    if pid == "-":
        return 0
    for line in open("/proc/%s/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])


def one(conn, path):
    t = time.perf_counter()
    conn.request("GET", path, headers={"x-api-key": ph})
    r = conn.getresponse()
    r.read()
    assert r.status == 200, r.status
    return (time.perf_counter() - t) * 1e6


for _ in range(200):  # warm up both
    one(direct, "/v1/ok")
    one(proxied, route + "/v1/ok")
d, p = [], []
rss_1k = None
for i in range(n):
    d.append(one(direct, "/v1/ok"))
    p.append(one(proxied, route + "/v1/ok"))
    if i + 1 == min(n, 1000):
        rss_1k = rss()
if quiet:
    sys.exit(0)


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * q))]


dm, pm = statistics.median(d), statistics.median(p)
print("requests: %d each way, keep-alive, interleaved" % n)
print("direct   median %7.0f us  p99 %7.0f us" % (dm, pct(d, .99)))
print("proxied  median %7.0f us  p99 %7.0f us" % (pm, pct(p, .99)))
print("added    median %7.0f us  p99 %7.0f us" % (pm - dm, pct(p, .99) - pct(d, .99)))
if pid != "-":
    print("proxy RSS after %d requests: %d KiB; after %d: %d KiB" % (min(n, 1000), rss_1k, n, rss()))


def stream(conn, path):
    t = time.perf_counter()
    conn.request("GET", path, headers={"x-api-key": ph})
    r = conn.getresponse()
    total = 0
    while True:
        b = r.read1(65536)
        if not b:
            break
        total += len(b)
    return total / (time.perf_counter() - t)


q = "?n=2048&size=16384"
# alternating rounds, so a busy moment on a shared machine hits both sides
sd, sp = [], []
for _ in range(9):
    sd.append(stream(direct, "/v1/chunks" + q))
    sp.append(stream(proxied, route + "/v1/chunks" + q))
md, mp = statistics.median(sd), statistics.median(sp)
print("streaming (32 MiB chunked, masked through the proxy; median of 9 alternating rounds): "
      "direct %.0f MB/s, proxied %.0f MB/s, ratio %.2f (rounds: %s)"
      % (md / 1e6, mp / 1e6, mp / md, " ".join("%.2f" % (b / a) for a, b in zip(sd, sp))))
