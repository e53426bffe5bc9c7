# SPDX-License-Identifier: ISC
# hush sandbox: attacks from a red-team pass that tests/sandbox.t and
# tests/sandbox-broker.t do not already try. Run as an unprivileged user;
# each attack has a control outside the sandbox that reaches the canary (or
# succeeds), so a broken layer makes the test fail.
. "$(dirname "$0")/lib.sh"

need_setpriv
nobody_prepare
C=$(canary)
P="$T/proj"
mkdir -p "$P/sub" "$P/deep/er" "$NB_HOME/.ssh"
printf 'DEPLOY_TOKEN=%s\n' "$C" >"$P/.env"
printf 'DB=%s\n' "$C" >"$P/sub/.env.local"
printf 'DB=%s\n' "$C" >"$P/deep/er/.env.prod"
printf 'KEY %s\n' "$C" >"$NB_HOME/.ssh/id_ed25519"
CC=${CC:-cc}
$CC -O1 -DNO_URING -o "$NB_BIN/reader" "$HUSH_SRC/tests/sandbox/reader.c" 2>"$T/cc.err"
chmod 0755 "$NB_BIN"/*
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$P" "$NB_HOME"
sb() { (cd "$P" && as_nobody "$NB_BIN/hush" sandbox "$@"); }
has_canary() { [[ "$1" == *"$C"* ]]; }

# --- TIOCSTI: the agent shares the user's terminal. Pushing characters into
# its input queue would make the user's shell run them after the agent
# exits: an escape. Run under a fresh pty as controlling terminal.
cat >"$T/ptyrun.py" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
PY
cat >"$SBX/sti.py" <<'PY'
import ctypes, fcntl, os, termios
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"#")
    print("TIOCSTI=ok")
except OSError as e:
    print("TIOCSTI=" + os.strerror(e.errno))
libc = ctypes.CDLL(None, use_errno=True)
# the same request with high bits set (the tty layer only looks at 32)
r = libc.syscall(16, 0, termios.TIOCSTI | (1 << 32), ctypes.c_char_p(b"#"))
print("TIOCSTI64=" + ("ok" if r == 0 else os.strerror(ctypes.get_errno())))
PY
chmod 0644 "$T/ptyrun.py" "$SBX/sti.py"
if [ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo 1)" = 1 ] && command -v python3 >/dev/null; then
	o=$(cd "$P" && as_nobody timeout 20 python3 "$T/ptyrun.py" python3 "$SBX/sti.py" 2>&1)
	like "control: TIOCSTI works on the controlling terminal outside" "$o" "TIOCSTI=ok"
	o=$(cd "$P" && as_nobody timeout 20 python3 "$T/ptyrun.py" "$NB_BIN/hush" sandbox -- python3 "$SBX/sti.py" 2>&1)
	like "TIOCSTI is refused inside the sandbox" "$o" "TIOCSTI=Operation not permitted"
	like "TIOCSTI with high bits in the request is refused too" "$o" "TIOCSTI64=Operation not permitted"
	o=$(cd "$P" && as_nobody timeout 20 python3 "$T/ptyrun.py" "$NB_BIN/hush" sandbox --no-userns --no-landlock -- python3 "$SBX/sti.py" 2>&1)
	like "TIOCSTI is refused even with both kernel layers off" "$o" "TIOCSTI=Operation not permitted"
	o=$(cd "$P" && as_nobody timeout 20 python3 "$T/ptyrun.py" "$NB_BIN/hush" sandbox -- sh -c 'stty size >/dev/null && echo tty-ok' 2>&1)
	like "other terminal ioctls still work inside" "$o" "tty-ok"
else
	skip "TIOCSTI disabled by the kernel or no python3"
	skip "TIOCSTI"; skip "TIOCSTI"; skip "TIOCSTI"; skip "TIOCSTI"
fi
o=$(sb -- python3 -c '
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(0x40000000 | 514, 0, 0x5412, 0)
print("x32=" + ("ok" if r == 0 else os.strerror(ctypes.get_errno())))' 2>&1)
like "x32 system calls (a way around the ioctl filter) are refused" "$o" "x32=(Function not implemented|Operation not permitted)"

# --- Renaming a directory that holds masked files to a name the next
# session's walk skips (node_modules, .git), then reading it next time.
cat >"$SBX/ren.py" <<'PY'
import os
for a, b in (("sub", "node_modules"), ("sub", ".git"), ("deep", "node_modules"), ("deep/er", "deep/.git")):
    try:
        os.rename(a, b)
        print("renamed", a, b)
    except OSError as e:
        print("rename", a, e.strerror)
PY
chmod 0644 "$SBX/ren.py"
o=$(sb -- python3 "$SBX/ren.py" 2>&1)
like "a directory holding a masked file cannot be renamed inside (EBUSY)" "$o" "rename sub Device or resource busy"
like "nor one higher up" "$o" "rename deep Device or resource busy"
o=$(sb -- sh -c 'for f in sub/.env.local node_modules/.env.local .git/.env.local deep/er/.env.prod node_modules/er/.env.prod deep/.git/.env.prod; do reader raw $f; done; echo next-session' 2>&1)
like "the next session ran" "$o" "next-session"
has_canary "$o" && not_ok "no masked file readable in the next session" || ok "no masked file readable in the next session"
o=$(sb -- sh -c 'echo x >sub/new && mv sub/new sub/new2 && rm sub/new2 && echo sub-usable' 2>&1)
is "the pinned directory stays writable" "$o" "sub-usable"
# control: the same renames outside the sandbox work (and reveal the file)
o=$(cd "$P" && as_nobody sh -c 'cp -a sub ctl && mv ctl node_modules && cat node_modules/.env.local; rm -rf node_modules' 2>&1)
has_canary "$o" && ok "control: outside, a renamed copy is readable" || not_ok "control: outside, a renamed copy is readable"

# The same with the runtime directory (control/token under it) outside
# $HOME in a directory the user may write to, and with ~/.config (holding
# the hidden ~/.config/gcloud): moved aside, their secrets would be
# unmasked in the next session (a token there approves anything).
RP="$T/rtparent"; RTD="$RP/run"
mkdir -p "$RTD/control" "$NB_HOME/.config/gcloud"
printf '%s' "$C" >"$RTD/control/token"
printf 'cred %s\n' "$C" >"$NB_HOME/.config/gcloud/credentials.db"
chmod 0700 "$RTD" "$RTD/control"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$RP" "$NB_HOME/.config"
o=$(cd "$P" && as_nobody env HUSH_RUNTIME_DIR="$RTD" "$NB_BIN/hush" sandbox -- sh -c '
	mv "$HUSH_RUNTIME_DIR" "$HUSH_RUNTIME_DIR.x" && echo moved-runtime
	mv "$HOME/.config" "$HOME/.config.x" && echo moved-config
	echo session-one' 2>&1)
like "session 1 ran" "$o" "session-one"
[[ "$o" != *moved-runtime* && "$o" != *moved-config* ]] && ok "the runtime directory and ~/.config cannot be moved aside inside" ||
	not_ok "the runtime directory or ~/.config was moved aside inside"
o=$(cd "$P" && as_nobody env HUSH_RUNTIME_DIR="$RTD" "$NB_BIN/hush" sandbox -- sh -c '
	for f in "$HUSH_RUNTIME_DIR.x/control/token" "$HUSH_RUNTIME_DIR/control/token" \
		"$HOME/.config.x/gcloud/credentials.db" "$HOME/.config/gcloud/credentials.db"; do reader raw "$f"; done
	echo session-two' 2>&1)
like "session 2 ran" "$o" "session-two"
has_canary "$o" && not_ok "no control token or gcloud credential readable in the next session" ||
	ok "no control token or gcloud credential readable in the next session"
o=$(as_nobody sh -c "mv '$RTD' '$RTD.y' && cat '$RTD.y/control/token' && mv '$RTD.y' '$RTD'" 2>&1)
has_canary "$o" && ok "control: outside, the runtime directory can be moved and read" || not_ok "control: outside, the runtime directory can be moved and read"

# The hush config: read-only inside, but moved aside with its directory a
# new config.ini (confirm = none, a grant for /bin/sh) would be what the
# next broker loads.
mkdir -p "$NB_HOME/.config/hush"
sandbox_config >"$NB_HOME/.config/hush/config.ini"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$NB_HOME/.config"
o=$(sb -- sh -c 'c=$(dirname "$HUSH_CONFIG"); mv "$c" "$c.x" && echo moved-dir
	mv "$HOME/.config" "$HOME/.config.y" && echo moved-parent
	printf "[broker]\nconfirm = none\n" >>"$HUSH_CONFIG" && echo appended
	echo config-tried' 2>&1)
like "the config attempts ran" "$o" "config-tried"
[[ "$o" != *moved-* && "$o" != *appended* ]] && ok "the config file, its directory and ~/.config cannot be changed or moved inside" ||
	not_ok "the config or its directory was changed or moved inside"
is "the config is unchanged" "$(cat "$NB_HOME/.config/hush/config.ini" 2>&1)" "$(sandbox_config)"
o=$(as_nobody sh -c 'c=$(dirname "$HUSH_CONFIG"); mv "$c" "$c.z" && mv "$c.z" "$c" && echo moved' 2>&1)
is "control: outside, the config directory can be moved" "$o" "moved"

# --- Other routes to a masked file or directory (all must fail)
cat >"$SBX/routes.sh" <<'SH'
# system calls by number (x86-64) and the raw reader: the shim is not the
# boundary (it may still wrap syscall(); the asserts hold for either layer)
cd "$1"
python3 - <<'PY'
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
sc = libc.syscall
def err(): return os.strerror(ctypes.get_errno())
def rd(fd):
    b = ctypes.create_string_buffer(200); n = sc(0, fd, b, 200)
    return b.raw[:max(n, 0)].decode(errors="replace")
AT = -100
for name in (".env", os.environ["HOME"] + "/.ssh/id_ed25519"):
    buf = ctypes.create_string_buffer(8 + 128)
    struct.pack_into("I", buf, 0, 128)
    mid = ctypes.c_int()
    if sc(303, AT, name.encode(), buf, ctypes.byref(mid), 0) != 0:   # name_to_handle_at
        print("handle", name, err()); continue
    dfd = sc(257, AT, b".", os.O_RDONLY, 0)
    fd = sc(304, dfd, buf, 0)                                           # open_by_handle_at
    print("by-handle:", rd(fd)) if fd >= 0 else print("open_by_handle_at", err())
# O_PATH descriptor on the masked name, reopened through /proc/self/fd
fd = sc(257, AT, b".env", 0o10000000, 0)
if fd >= 0:
    fd2 = sc(257, AT, ("/proc/self/fd/%d" % fd).encode(), 0, 0)
    print("opath:", rd(fd2))
# rename / link of the masked file itself
for nr, nm, dst in ((82, "rename", b"moved"), (86, "link", b"linked")):
    if sc(nr, b".env", dst) == 0:
        print(nm, "worked:", rd(sc(257, AT, dst, 0, 0)))
    else:
        print(nm, err())
PY
for f in "/proc/1/cwd/$1/.env" "/proc/1/root/$1/.env" "/proc/1/root$HOME/.ssh/id_ed25519"; do reader raw "$f" 2>&1; done
ls /proc/1/fd 2>&1 | head -1
unshare -Urm python3 - "$HOME/.ssh" <<'PY' 2>&1
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True); sc = libc.syscall
d = sys.argv[1].encode()
def err(): return os.strerror(ctypes.get_errno())
print("remount rw:", sc(165, None, d, None, 0x20 | 0x1000, None), err())   # MS_REMOUNT|MS_BIND
print("umount -l:", sc(166, d, 2), err())                                  # MNT_DETACH
print("tmpfs over:", sc(165, b"x", d, b"tmpfs", 0, None), err())
PY
reader raw "$HOME/.ssh/id_ed25519" 2>&1
echo routes-done
SH
chmod 0644 "$SBX/routes.sh"
o=$(cd "$P" && as_nobody bash "$SBX/routes.sh" "$P" 2>&1)
like "control: O_PATH reopen reads .env outside" "$o" "opath: DEPLOY_TOKEN="
like "control: rename works outside" "$o" "rename worked"
cd "$P" && as_nobody sh -c 'mv moved .env' 2>/dev/null
for flags in "" "--no-landlock"; do
	tag=${flags:-full}
	o=$(sb $flags -- bash "$SBX/routes.sh" "$P" 2>&1)
	like "$tag: the route attacks ran" "$o" "routes-done"
	has_canary "$o" && { not_ok "$tag: no route reaches .env or ~/.ssh (handles, O_PATH, /proc/1, remount, tmpfs over, umount -l)"; grep -aF "$C" <<<"$o" | sed "s/$C/<canary>/g; s/^/#   /" | head -3; } ||
		ok "$tag: no route reaches .env or ~/.ssh (handles, O_PATH, /proc/1, remount, tmpfs over, umount -l)"
	like "$tag: open_by_handle_at is refused" "$o" "open_by_handle_at Operation not permitted|handle .* (Operation not permitted|not supported)"
	like "$tag: renaming or linking the masked file is refused" "$o" "rename (Device or resource busy|Invalid cross-device link|No such file or directory)"$'\n'"link (Device or resource busy|Invalid cross-device link|Operation not permitted|No such file or directory)"
done
is "the real .env is still there, untouched" "$(cat "$P/.env")" "DEPLOY_TOKEN=$C"

# --- the search for files to hide is bounded; past its limit the sandbox
# must not start with files left unmasked (fail closed), unless asked to.
D="$T/deepproj"
p="$D"
for i in $(seq 1 52); do p="$p/d"; done
mkdir -p "$p"
printf 'DEEP=%s\n' "$C" >"$p/.env"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$D"
o=$(cd "$D" && as_nobody "$NB_BIN/hush" sandbox -- true 2>&1); rc=$?
is "search past its depth limit: the sandbox refuses to start (exit 1)" "$rc" 1
like "search past its depth limit: says why and how to go on" "$o" "stopped at a limit.*--partial-masks|--partial-masks"
o=$(cd "$D" && as_nobody "$NB_BIN/hush" sandbox --partial-masks -- true 2>&1); rc=$?
is "--partial-masks: starts anyway" "$rc" 0
like "--partial-masks: warns that the rest relies on the shim" "$o" "relies on the shim"

# --- with no config file at start, the agent must not be able to create one
# that the next broker would load (its own grants, confirm = none).
rm -rf "$NB_HOME/.config/hush"
cfg="$NB_HOME/.config/hush/config.ini"
o=$(sb -- sh -c "printf '[broker]\nconfirm = none\n' > '$cfg' && echo WROTE" 2>&1)
if [[ "$o" == *WROTE* ]]; then not_ok "no config at start: the agent cannot write one"; else ok "no config at start: the agent cannot write one"; fi
if [ -f "$cfg" ] && ! grep -q 'confirm = none' "$cfg"; then
	ok "no config at start: an empty one was made and kept"
else
	not_ok "no config at start: an empty one was made and kept"
fi
o=$(as_nobody sh -c "printf '# x\n' >> '$cfg' && echo WROTE" 2>&1)
like "control: outside the sandbox the user can write the config" "$o" WROTE

# --- the kernel session keyring: keys of the human's login session (keyctl
# padd ... @s, Kerberos/cifs credentials) must not be possessed inside
if [ "$(uname -m)" = x86_64 ]; then
	cp "$HUSH_SRC/tests/keyring_probe.py" "$NB_BIN/" && chmod 0644 "$NB_BIN/keyring_probe.py"
	K=$(canary)
	o=$(cd "$P" && as_nobody python3 "$NB_BIN/keyring_probe.py" plant "$K" python3 "$NB_BIN/keyring_probe.py" read 2>&1)
	like "control: in the human's session the key is readable" "$o" "$K"
	o=$(cd "$P" && as_nobody python3 "$NB_BIN/keyring_probe.py" plant "$K" "$NB_BIN/hush" sandbox -- python3 "$NB_BIN/keyring_probe.py" read 2>&1)
	like "inside hush sandbox the session keyring is the sandbox's own" "$o" "unreachable: "
	[[ "$o" != *"$K"* ]] && ok "... and the key's value never reached the agent" || not_ok "... and the key's value never reached the agent"
else
	skip "the keyring probe's system call numbers are for x86_64"
fi
