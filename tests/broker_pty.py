#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# Runs a command with its stdin/stdout/stderr on a fresh pseudo-terminal of
# a given size and prints everything the terminal showed, then "EXIT n".
# With --resize R C, the terminal is resized once the output shows "ready"
# (the kernel then sends SIGWINCH to the command). With --intr-at-prompt,
# Ctrl-C is typed once the output ends in a prompt (": "), and the
# terminal's echo flag then and at the end is printed as "ECHO prompt=on|off
# end=on|off" (a command silent for 30 s is killed: a safety net).
#   broker_pty.py ROWS COLS [--resize R C | --intr-at-prompt] CMD [ARGS...]
import fcntl, os, pty, select, signal, struct, sys, termios

rows, cols, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
resize = None
intr = False
if argv[0] == "--resize":
    resize = (int(argv[1]), int(argv[2]))
    argv = argv[3:]
elif argv[0] == "--intr-at-prompt":
    intr = True
    argv = argv[1:]
echo = lambda: "on" if termios.tcgetattr(master)[3] & termios.ECHO else "off"
at_prompt = None
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
    if intr and not select.select([master], [], [], 30)[0]:
        os.kill(pid, signal.SIGKILL)
        break
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
    if intr and at_prompt is None and out.endswith(b": "):
        at_prompt = echo()
        os.write(master, b"\x03")
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
if intr:
    sys.stdout.write("\nECHO prompt=%s end=%s" % (at_prompt, echo()))
sys.stdout.write("\nEXIT %d\n" % (os.waitstatus_to_exitcode(st)))
