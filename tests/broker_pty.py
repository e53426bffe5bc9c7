#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# Runs a command with its stdin/stdout/stderr on a fresh pseudo-terminal of
# a given size and prints everything the terminal showed, then "EXIT n".
#   broker_pty.py ROWS COLS [OPTION...] CMD [ARGS...]
# --resize R C      resize the terminal once the output shows "ready" (the
#                   kernel then sends SIGWINCH to the command)
# --answers LIST    each time the output ends in a prompt (": "), type the
#                   next answer of LIST (separated by \x1f) and a newline
# --intr-at-prompt  type Ctrl-C at the first prompt, and print the
#                   terminal's echo flag then and at the end as
#                   "ECHO prompt=on|off end=on|off"
# With --answers or --intr-at-prompt a command silent for 30 s is killed
# (a safety net, not a measurement: it waits for input nobody gives).
import fcntl, os, pty, select, signal, struct, sys, termios

rows, cols, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
resize, intr, answers = None, False, None
while argv and argv[0].startswith("--"):
    if argv[0] == "--resize":
        resize = (int(argv[1]), int(argv[2]))
        argv = argv[3:]
    elif argv[0] == "--answers":
        answers = argv[1].split("\x1f") if argv[1] else []
        argv = argv[2:]
    elif argv[0] == "--intr-at-prompt":
        intr = True
        argv = argv[1:]
    else:
        break
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
echo = lambda: "on" if termios.tcgetattr(master)[3] & termios.ECHO else "off"
at_prompt = None
answered = 0   # output length at the last answer: a prompt is answered once
out = b""
while True:
    if (intr or answers is not None) and not select.select([master], [], [], 30)[0]:
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
    prompt = out.endswith(b": ") and len(out) > answered
    if prompt and answers:
        answered = len(out)
        os.write(master, answers.pop(0).encode() + b"\n")
    elif prompt and intr and at_prompt is None:
        at_prompt = echo()
        os.write(master, b"\x03")
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
if intr:
    sys.stdout.write("\nECHO prompt=%s end=%s" % (at_prompt, echo()))
sys.stdout.write("\nEXIT %d\n" % (os.waitstatus_to_exitcode(st)))
