#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# Raw wire-protocol client for the broker tests: sends hand-made (often bad)
# frames and prints what the broker did: "reply TYPE TEXT" lines, then
# "closed" when the broker dropped the connection or "open" when it did not.
#   broker_raw.py SOCKET MODE [TOKEN_FILE]
# Mode "session" sends SESSION_OPEN for RAW_PID ("self" = this process),
# RAW_START ("start" = its real start time) and RAW_NS ("broker" = this
# process's pid namespace, else a number).
import os, socket, struct, sys, time

sock_path, mode = sys.argv[1], sys.argv[2]
token = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else b"\0" * 32
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock_path)

def frame(t, body=b""):
    return struct.pack(">IB", len(body) + 1, t) + body

def read_replies(timeout):
    s.settimeout(timeout)
    data, closed = b"", False
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
    except socket.timeout:
        pass
    except (ConnectionResetError, BrokenPipeError):
        closed = True
    while len(data) >= 5:
        n, t = struct.unpack(">IB", data[:5])
        body = data[5:4 + n]
        data = data[4 + n:]
        text = ""
        if t == 65 and len(body) >= 5:   # MSG_ERROR: u8 status, str what
            ln = struct.unpack(">I", body[1:5])[0]
            text = " " + body[5:5 + ln].decode(errors="replace")
        print("reply %d%s" % (t, text))
    print("closed" if closed else "open")

def send(b):
    try:
        s.sendall(b)
    except (BrokenPipeError, ConnectionResetError):
        print("closed")
        sys.exit(0)

if mode == "zero":
    send(struct.pack(">I", 0))
elif mode == "huge":
    send(struct.pack(">I", 0xFFFFFFF0) + b"x" * 16)
elif mode == "over":
    send(struct.pack(">I", 1024 * 1024 + 1))
elif mode == "truncated":
    send(struct.pack(">I", 100) + b"\x01" + b"x" * 9)
    s.shutdown(socket.SHUT_WR)
elif mode == "unknown":
    send(frame(99))
elif mode == "run-no-fds":
    send(frame(1, b"\0" * 16))
elif mode == "control-on-client":
    send(frame(18, token))
elif mode == "status":
    send(frame(18, token))
elif mode == "trailing":
    send(frame(18, token + b"\0"))
elif mode == "short-token":
    send(frame(18, token[:31]))
elif mode == "slow":
    # a frame dripped one byte at a time, slower than the broker's frame timeout
    f = frame(18, token)
    for b in f:
        send(bytes([b]))
        time.sleep(0.25)
elif mode == "idle":
    pass
elif mode == "session":
    pid = os.getpid() if os.environ["RAW_PID"] == "self" else int(os.environ["RAW_PID"])
    start = os.environ["RAW_START"]
    if start == "start":
        stat = open("/proc/%d/stat" % pid).read()
        start = int(stat[stat.rindex(")") + 2:].split()[19])
    ns = os.environ["RAW_NS"]
    ns = os.stat("/proc/self/ns/pid").st_ino if ns == "broker" else int(ns)
    # pidns, pid, start, flags, allow_hosts and journal (empty strs)
    send(frame(23, token + struct.pack(">QIQIII", ns, pid, int(start), 0, 0, 0)))
read_replies(float(os.environ.get("RAW_WAIT", "3")))
