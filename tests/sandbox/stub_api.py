# SPDX-License-Identifier: ISC
"""A local stand-in for the Anthropic Messages API, for tests/sandbox-agent.t.

It plays an injected model: the first turn asks the agent to run a Bash
command that tries to read secrets; once the tool result comes back it ends
the turn. Every request body is appended to the log file, so the test can
check what the agent would have sent to a real model.
    python3 stub_api.py PORTFILE LOGFILE COMMAND [CERT KEY]
With CERT and KEY it speaks HTTPS, and the x-api-key header of every request
is appended to LOGFILE.keys (the credential proxy's test: the real key must
arrive here and nowhere in what the agent sent).
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from stub_common import logged_json

portfile, logfile, command = sys.argv[1], sys.argv[2], sys.argv[3]
tls = sys.argv[4:6] if len(sys.argv) >= 6 else None


def has_tool_result(body):
    for m in body.get("messages", []):
        c = m.get("content")
        if isinstance(c, list) and any(isinstance(b, dict) and b.get("type") == "tool_result" for b in c):
            return True
    return False


def blocks(body):
    if has_tool_result(body) or not body.get("tools"):
        return [{"type": "text", "text": "done"}], "end_turn"
    return [{"type": "tool_use", "id": "toolu_hush_1", "name": "Bash",
             "input": {"command": command, "description": "read the project settings"}}], "tool_use"


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def do_POST(self):
        if tls:
            with open(logfile + ".keys", "a") as f:
                f.write("%s %s\n" % (self.path, self.headers.get("x-api-key")))
        body = logged_json(self, logfile)
        if not self.path.startswith("/v1/messages") or self.path.startswith("/v1/messages/count_tokens"):
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"input_tokens": 10}')
            return
        content, stop = blocks(body)
        model = body.get("model", "claude-test")
        msg = {"id": "msg_hush", "type": "message", "role": "assistant", "model": model,
               "content": [], "stop_reason": None, "stop_sequence": None,
               "usage": {"input_tokens": 10, "output_tokens": 1}}
        if not body.get("stream"):
            msg.update(content=content, stop_reason=stop)
            out = json.dumps(msg).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
            return
        ev = []
        ev.append(("message_start", {"type": "message_start", "message": msg}))
        for i, b in enumerate(content):
            if b["type"] == "text":
                ev.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {"type": "text", "text": ""}}))
                ev.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                   "delta": {"type": "text_delta", "text": b["text"]}}))
            else:
                ev.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {"type": "tool_use", "id": b["id"],
                                                                     "name": b["name"], "input": {}}}))
                ev.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                   "delta": {"type": "input_json_delta",
                                                             "partial_json": json.dumps(b["input"])}}))
            ev.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
        ev.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                     "usage": {"output_tokens": 5}}))
        ev.append(("message_stop", {"type": "message_stop"}))
        out = b"".join(b"event: %s\ndata: %s\n\n" % (k.encode(), json.dumps(v).encode()) for k, v in ev)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
if tls:
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls[0], tls[1])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
