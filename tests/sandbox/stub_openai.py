# SPDX-License-Identifier: ISC
"""A local stand-in for an OpenAI-compatible API, for tests/sandbox-opencode.t
and tests/sandbox-codex.t.

It plays an injected model: the first turn asks the agent to run a shell
command (COMMAND: it tries to read secrets, then runs a granted command);
once a tool result comes back it ends the turn. Both wire formats are
served: Chat Completions (/v1/chat/completions, OpenCode through the AI SDK)
and Responses (/v1/responses, Codex), streamed or not. The shell tool is
picked from the tools the agent offers, and its arguments are shaped to
that tool's schema. Every request body is appended to LOGFILE, so the test
can check what the agent would have sent to a real model.
    python3 stub_openai.py PORTFILE LOGFILE COMMAND
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from stub_common import logged_json

portfile, logfile, command = sys.argv[1], sys.argv[2], sys.argv[3]
SHELL_NAMES = ("bash", "shell", "shell_command", "exec_command", "local_shell", "run_shell_command")


def tool_defs(body):
    """(name, parameters) of each function tool, for both wire formats."""
    out = []
    for t in body.get("tools") or []:
        if not isinstance(t, dict):
            continue
        f = t.get("function") if isinstance(t.get("function"), dict) else t
        if f.get("name"):
            out.append((f["name"], f.get("parameters") or {}))
    return out


def shell_call(body):
    """(tool name, JSON arguments) for the agent's shell tool, or None."""
    tools = tool_defs(body)
    for want in SHELL_NAMES:
        for name, params in tools:
            if name != want:
                continue
            props = params.get("properties") or {}
            args = {}
            if "command" in props:
                if props["command"].get("type") == "array":
                    args["command"] = ["bash", "-lc", command]
                else:
                    args["command"] = command
            elif "cmd" in props:
                args["cmd"] = command
            else:
                args["command"] = command
            if "description" in props:
                args["description"] = "read the project settings"
            if "workdir" in props and "workdir" in (params.get("required") or []):
                args["workdir"] = "."
            return name, json.dumps(args)
    return None


def answered(body):
    """True once a tool result is in the conversation."""
    for m in body.get("messages") or []:
        if isinstance(m, dict) and m.get("role") == "tool":
            return True
    for item in body.get("input") or []:
        if isinstance(item, dict) and item.get("type") in ("function_call_output", "custom_tool_call_output"):
            return True
    return False


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, ctype, data):
        self.send_response(code)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            self.send(200, "application/json",
                      json.dumps({"object": "list", "data": [{"id": "hush-test", "object": "model"}]}).encode())
        else:
            self.send(200, "application/json", b"{}")

    def sse(self, events):
        data = b"".join(
            (("event: %s\n" % ev).encode() if ev else b"") + b"data: " + json.dumps(obj).encode() + b"\n\n"
            for ev, obj in events)
        if "chat" in self.path:
            data += b"data: [DONE]\n\n"
        self.send(200, "text/event-stream", data)

    def do_POST(self):
        body = logged_json(self, logfile)
        call = None if answered(body) else shell_call(body)
        model = body.get("model", "hush-test")
        if self.path.endswith("/chat/completions"):
            self.reply_chat(body, call, model)
        elif self.path.endswith("/responses"):
            self.reply_responses(body, call, model)
        else:
            self.send(404, "application/json", b'{"error": {"message": "not here"}}')

    def reply_chat(self, body, call, model):
        usage = {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11}
        if call:
            tc = {"index": 0, "id": "call_hush_1", "type": "function",
                  "function": {"name": call[0], "arguments": call[1]}}
            msg, finish = {"role": "assistant", "content": None, "tool_calls": [tc]}, "tool_calls"
        else:
            msg, finish = {"role": "assistant", "content": "done"}, "stop"
        if not body.get("stream"):
            self.send(200, "application/json", json.dumps({
                "id": "chatcmpl-hush", "object": "chat.completion", "created": 0, "model": model,
                "choices": [{"index": 0, "message": msg, "finish_reason": finish}], "usage": usage}).encode())
            return
        base = {"id": "chatcmpl-hush", "object": "chat.completion.chunk", "created": 0, "model": model}
        delta = dict(msg)
        chunks = [dict(base, choices=[{"index": 0, "delta": delta, "finish_reason": None}]),
                  dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": finish}], usage=usage)]
        self.sse([(None, c) for c in chunks])

    def reply_responses(self, body, call, model):
        if call:
            item = {"type": "function_call", "id": "fc_hush_1", "call_id": "call_hush_1",
                    "name": call[0], "arguments": call[1], "status": "completed"}
        else:
            item = {"type": "message", "id": "msg_hush_1", "role": "assistant", "status": "completed",
                    "content": [{"type": "output_text", "text": "done", "annotations": []}]}
        resp = {"id": "resp_hush", "object": "response", "created_at": 0, "model": model,
                "status": "completed", "output": [item],
                "usage": {"input_tokens": 10, "output_tokens": 1, "total_tokens": 11,
                          "input_tokens_details": {"cached_tokens": 0},
                          "output_tokens_details": {"reasoning_tokens": 0}}}
        if not body.get("stream"):
            self.send(200, "application/json", json.dumps(resp).encode())
            return
        started = dict(resp, status="in_progress", output=[])
        self.sse([
            ("response.created", {"type": "response.created", "response": started}),
            ("response.output_item.added", {"type": "response.output_item.added", "output_index": 0, "item": item}),
            ("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": item}),
            ("response.completed", {"type": "response.completed", "response": resp}),
        ])


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os  # noqa: E402
os.replace(portfile + ".tmp", portfile)
srv.serve_forever()
