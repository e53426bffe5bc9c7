# SPDX-License-Identifier: ISC
"""What the model API stubs (stub_api.py, stub_openai.py) share: a request
body appended to the log as it came, then read as JSON ({} when it is not)."""
import json


def logged_json(handler, logfile):
    n = int(handler.headers.get("content-length") or 0)
    raw = handler.rfile.read(n)
    with open(logfile, "ab") as f:
        f.write(raw + b"\n")
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {}
