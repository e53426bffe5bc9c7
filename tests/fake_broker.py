#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# A stand-in for hushd at a broker socket path, for tests of the client's
# check of who answers. Logs what it received to LOG:
#   "conn N bytes=B fds=F types=T1,T2 hex=..."  (one line per connection)
# and answers each connection by MODE:
#   badproof  a HELLO_REPLY with a made-up proof
#   close     closes at once
#   relay S   forwards the client's first frame to the real broker at S and
#             the broker's reply back (logged as "relayed N")
# Writes its pid to LOG.ready once it listens; serves until killed.
#   fake_broker.py SOCKET LOG MODE [REAL_SOCKET]
import array, os, socket, struct, sys

path, log, mode = sys.argv[1], sys.argv[2], sys.argv[3]
real = sys.argv[4] if len(sys.argv) > 4 else None
try:
    os.unlink(path)
except FileNotFoundError:
    pass
ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
ls.bind(path)
os.chmod(path, 0o777)
ls.listen(8)
with open(log + ".ready", "w") as f:
    f.write("%d\n" % os.getpid())

def receive(c):
    data, nfds = b"", 0
    c.settimeout(2)
    try:
        while True:
            fds = array.array("i")
            msg, anc, _, _ = c.recvmsg(65536, socket.CMSG_SPACE(16 * fds.itemsize))
            for level, kind, d in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds.frombytes(d[: len(d) - (len(d) % fds.itemsize)])
                    nfds += len(fds)
                    for fd in fds:
                        os.close(fd)
            if not msg:
                break
            data += msg
            if mode != "close" and len(data) >= 4 and len(data) >= 4 + struct.unpack(">I", data[:4])[0]:
                break
    except (socket.timeout, ConnectionResetError):
        pass
    return data, nfds

def types(data):
    out = []
    while len(data) >= 5:
        n = struct.unpack(">I", data[:4])[0]
        out.append(str(data[4]))
        data = data[4 + n:]
    return ",".join(out)

def log_line(text):
    with open(log, "a") as f:
        f.write(text + "\n")

n = 0
while True:
    c, _ = ls.accept()
    n += 1
    if mode == "close":
        c.close()
        log_line("conn %d closed" % n)
        continue
    data, nfds = receive(c)
    log_line("conn %d bytes=%d fds=%d types=%s hex=%s" % (n, len(data), nfds, types(data), data.hex()))
    note = ""
    try:
        if mode == "badproof":
            c.sendall(struct.pack(">IB", 33, 71) + os.urandom(32))
        elif mode == "relay":
            r = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            r.connect(real)
            r.sendall(data)
            r.settimeout(5)
            reply = r.recv(4096)
            c.sendall(reply)
            note = " relayed=%d" % len(reply)
        # whatever the client sends after our answer
        more, morefds = receive(c)
    except (BrokenPipeError, ConnectionResetError):
        more, morefds = b"", 0
    c.close()
    log_line("conn %d after bytes=%d fds=%d%s hex=%s" % (n, len(more), morefds, note, more.hex()))
