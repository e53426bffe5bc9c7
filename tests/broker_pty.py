#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# Runs a command with its stdin/stdout/stderr on a fresh pseudo-terminal of
# a given size and prints everything the terminal showed, then "EXIT n".
# With --resize R C, the terminal is resized once the output shows "ready"
# (the kernel then sends SIGWINCH to the command).
#   broker_pty.py ROWS COLS [--resize R C] CMD [ARGS...]
import fcntl, os, pty, struct, sys, termios

rows, cols, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
resize = None
if argv[0] == "--resize":
    resize = (int(argv[1]), int(argv[2]))
    argv = argv[3:]
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.close(master)
    os.execvp(argv[0], argv)
os.close(slave)
out = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if resize and b"ready" in out:
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", resize[0], resize[1], 0, 0))
        resize = None
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.stdout.write("\nEXIT %d\n" % (os.waitstatus_to_exitcode(st)))
