# SPDX-License-Identifier: ISC
"""The kernel's key rings, by raw system calls (no keyutils needed), for
tests/sandbox-redteam.t.
    keyring_probe.py plant VALUE CMD...  a new session keyring holding
                                         VALUE as the user key "tok", then
                                         runs CMD in that session
    keyring_probe.py read                prints the payload of "tok" found
                                         through the session keyring, or
                                         "unreachable: ERROR" """
import ctypes
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_ADD_KEY, SYS_KEYCTL = 248, 250          # x86_64
KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_SEARCH, KEYCTL_READ = 1, 10, 11
SESSION = -3


def keyctl(*a):
    return libc.syscall(SYS_KEYCTL, *[ctypes.c_long(x) if isinstance(x, int) else x for x in a])


if sys.argv[1] == "plant":
    keyctl(KEYCTL_JOIN_SESSION_KEYRING, None)
    v = sys.argv[2].encode()
    if libc.syscall(SYS_ADD_KEY, b"user", b"tok", v, len(v), SESSION) < 0:
        sys.exit("add_key: " + os.strerror(ctypes.get_errno()))
    os.execvp(sys.argv[3], sys.argv[3:])
kid = keyctl(KEYCTL_SEARCH, SESSION, b"user", b"tok", 0)
if kid < 0:
    print("unreachable: " + os.strerror(ctypes.get_errno()))
    sys.exit(0)
buf = ctypes.create_string_buffer(4096)
n = keyctl(KEYCTL_READ, kid, buf, 4096)
print(buf.raw[:n].decode() if n >= 0 else "unreachable: " + os.strerror(ctypes.get_errno()))
