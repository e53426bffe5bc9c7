# SPDX-License-Identifier: ISC
"""drive_tty.py OUT ANSWERS -- CMD...: runs CMD on a new pseudo-terminal;
each time the output so far ends with a prompt (": "), writes the next
answer (ANSWERS separated by \\x1f) and a newline. Saves the whole terminal
transcript to OUT, exits with CMD's status (tests/vault-tty.t,
tests/broker-approve.t)."""
import os, pty, select, sys
out, answers = sys.argv[1], sys.argv[2].split('\x1f') if sys.argv[2] else []
cmd = sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(cmd[0], cmd)
buf = b''
seen = 0
stuck = False
while True:
    r, _, _ = select.select([fd], [], [], 30)   # a safety net, not a measurement
    if not r:
        stuck = True
        break
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    buf += d
    if buf.endswith(b': ') and answers and len(buf) > seen:
        seen = len(buf) + 1
        os.write(fd, answers.pop(0).encode() + b'\n')
if stuck:
    os.kill(pid, 9)   # waiting for input nobody gives: fail, do not hang
_, st = os.waitpid(pid, 0)
open(out, 'wb').write(buf)
sys.exit(os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128)
