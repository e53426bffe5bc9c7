#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A local HTTPS upstream standing in for the model and code-hosting APIs.

    upstream.py CERT KEY LOG [--plain]

Prints "port N" once it listens on 127.0.0.1. Every request is logged to LOG
as one JSON line (method, path, headers, body). Paths:
  /echo      200, JSON body echoing the x-api-key and authorization headers
  /gzecho    the same, gzip-compressed whatever Accept-Encoding says
             (?enc=NAME: the Content-Encoding named, default gzip)
  /stream    chunked text/event-stream: "data: first", then waits until the
             file named by the query (?gate=PATH) exists, then "data: last"
  /bytes?n=N N bytes of 'x' with Content-Length (throughput)
  /chunks?n=N&size=S  N chunks of S bytes (streaming throughput)
  .../private/...  401 with WWW-Authenticate: Basic unless an Authorization
             header came (git then retries with its credentials)
  anything else: 200 "ok"
"""
import gzip
import json
import os
import socketserver
import ssl
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def _body(self):
        n = int(self.headers.get("content-length") or 0)
        if n:
            return self.rfile.read(n)
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        return b""

    def _log(self, body):
        rec = {"method": self.command, "path": self.path,
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "body": body.decode("utf-8", "replace")}
        with open(self.server.log, "a") as f:
            f.write(json.dumps(rec) + "\n")

    def _send(self, code, body, ctype="text/plain"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def handle_one(self):
        body = self._body()
        self._log(body)
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        path = u.path
        for prefix in ("/v1", "/api"):
            if path.startswith(prefix + "/"):
                path = path[len(prefix):]
        if "/private/" in path and not self.headers.get("authorization"):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path.endswith("/gzecho"):
            got = {"x-api-key": self.headers.get("x-api-key"),
                   "authorization": self.headers.get("authorization")}
            body = gzip.compress(json.dumps(got).encode())
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", q.get("enc", ["gzip"])[0])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path.endswith("/echo"):
            got = {"x-api-key": self.headers.get("x-api-key"),
                   "authorization": self.headers.get("authorization")}
            self._send(200, json.dumps(got).encode(), "application/json")
        elif path.endswith("/stream"):
            gate = q.get("gate", [""])[0]
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._chunk(b"data: first\n\n")
            # the upstream finishes only after the client has seen the
            # first event: no timing involved
            deadline = time.time() + 60
            while gate and not os.path.exists(gate) and time.time() < deadline:
                time.sleep(0.02)
            self._chunk(b"data: last\n\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        elif path.endswith("/bytes"):
            self._send(200, b"x" * int(q.get("n", ["0"])[0]))
        elif path.endswith("/chunks"):
            n = int(q.get("n", ["1"])[0])
            size = int(q.get("size", ["16384"])[0])
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            blob = b"y" * size
            for _ in range(n):
                self.wfile.write(b"%x\r\n%s\r\n" % (size, blob))
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        else:
            self._send(200, b"ok\n")

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = handle_one


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    cert, key, log = sys.argv[1:4]
    srv = Server(("127.0.0.1", 0), Handler)
    srv.log = log
    if "--plain" not in sys.argv:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        ctx.set_alpn_protocols(["http/1.1"])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("port %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
