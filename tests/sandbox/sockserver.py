# SPDX-License-Identifier: ISC
# A unix socket server for tests/sandbox-sockets.t:
#   sockserver.py ADDR READY NAME
# ADDR is a path or @NAME (abstract). Writes its pid to READY once listening, then
# greets every connection with "hello-NAME" and closes it. Connections that
# go away at once (the sandbox's probe) are fine.
import os
import socket
import sys

addr, ready, name = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
if addr.startswith("@"):
    s.bind("\0" + addr[1:])
else:
    try:
        os.unlink(addr)
    except OSError:
        pass
    s.bind(addr)
s.listen(64)
with open(ready + ".tmp", "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(ready + ".tmp", ready)
while True:
    c, _ = s.accept()
    try:
        c.sendall(("hello-%s\n" % name).encode())
    except OSError:
        pass
    c.close()
