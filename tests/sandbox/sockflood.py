# SPDX-License-Identifier: ISC
# Inside hush sandbox: occupies the socket supervisor's workers with
# blocking connects, then shows that one more connect fails with EAGAIN.
#   sockflood.py DIR PORT SECONDS
# A server in DIR that never accepts fills its queue; 40 threads then
# block in connect() to it (at most 31 of them inside the supervisor);
# meanwhile TCP connects to 127.0.0.1:PORT are tried until one fails with
# EAGAIN (printed "eagain") or SECONDS pass ("no eagain"). The blocked
# connects end by their own timeout (SO_SNDTIMEO).
import errno, os, socket, sys, threading, time

d, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
path = os.path.join(d, "flood.sock")
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(2)
first = socket.socket(socket.AF_UNIX)
first.connect(path)  # probed once and remembered; the queue now fills


def blocker():
    s = socket.socket(socket.AF_UNIX)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, b"\x19\x00\x00\x00\x00\x00\x00\x00" + b"\x00" * 8)
    try:
        s.connect(path)
    except OSError:
        pass


for _ in range(40):
    threading.Thread(target=blocker, daemon=True).start()
seen = "no eagain"
end = time.time() + secs
while time.time() < end:
    t = socket.socket()
    try:
        t.connect(("127.0.0.1", port))
    except OSError as e:
        if e.errno == errno.EAGAIN:
            seen = "eagain"
            break
    finally:
        t.close()
    time.sleep(0.05)
print(seen, flush=True)
os._exit(0)
