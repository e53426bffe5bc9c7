# SPDX-License-Identifier: ISC
# Shared helpers for the shell tests (TAP). Source it first:
#   . "$(dirname "$0")/lib.sh"
# Provides: H (path of hush), HD (hushd), SHIM (libhush.so), T (a private
# temporary directory removed at exit), ok/not_ok/check/is/skip, setup_home,
# canary, assert_absent, as_nobody, nobody_prepare, need_setpriv and need_git.
set -u
HUSH_BUILD="${HUSH_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build}"
HUSH_SRC="${HUSH_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
H="$HUSH_BUILD/hush"
HD="$HUSH_BUILD/hushd"
SHIM="$HUSH_BUILD/libhush.so"
T=$(mktemp -d /tmp/hush-test.XXXXXX)
chmod 0755 "$T"
_tap_n=0
_tap_failed=0
_cleanups=()

_lib_exit() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do eval "${_cleanups[$i]}" >/dev/null 2>&1; done
	rm -rf "$T" 2>/dev/null
	echo "1..$_tap_n"
}
trap _lib_exit EXIT
# Register a command to run at exit (in reverse order).
at_exit() { _cleanups+=("$1"); }

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1)); echo "not ok $_tap_n - $*"; }
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - # SKIP $*"; }
# check "description" command...   : passes when the command exits 0
check() {
	local d="$1"; shift
	if "$@"; then ok "$d"; else not_ok "$d"; echo "#   command failed: $*"; fi
}
# check_fail "description" command... : passes when the command exits non-zero
check_fail() {
	local d="$1"; shift
	if "$@"; then not_ok "$d"; echo "#   command unexpectedly succeeded: $*"; else ok "$d"; fi
}
# is "description" actual expected
is() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1"; echo "#   got:      '$2'"; echo "#   expected: '$3'"; fi
}
# like "description" actual regex
like() {
	if [[ "$2" =~ $3 ]]; then ok "$1"; else not_ok "$1"; echo "#   got: '$2'"; echo "#   not matching: '$3'"; fi
}

# A fresh hush environment under $T/$1 (default "home"): HOME, HUSH_HOME,
# HUSH_CONFIG, HUSH_RUNTIME_DIR, XDG_* all inside it. Exports them.
setup_home() {
	local d="$T/${1:-home}"
	mkdir -p "$d/.config/hush" "$d/.local/share/hush" "$d/run"
	chmod 0700 "$d/run"
	export HOME="$d"
	export XDG_CONFIG_HOME="$d/.config" XDG_DATA_HOME="$d/.local/share"
	export HUSH_HOME="$d/.local/share/hush"
	export HUSH_CONFIG="$d/.config/hush/config.ini"
	export HUSH_RUNTIME_DIR="$d/run"
	unset XDG_RUNTIME_DIR DBUS_SESSION_BUS_ADDRESS HUSH_ASKPASS HUSH_CONFIRM
}

# A random canary secret value, unlikely anywhere else.
canary() { echo "CANARY$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

# assert_absent "description" value file-or-dir...: the value appears in none.
assert_absent() {
	local d="$1" v="$2"; shift 2
	if grep -rqaF -- "$v" "$@" 2>/dev/null; then
		not_ok "$d"; echo "#   canary found in: $(grep -rlaF -- "$v" "$@" 2>/dev/null | head -3 | tr '\n' ' ')"
	else ok "$d"; fi
}

# Vault passphrase helper for tests: writes an askpass script printing $1.
make_askpass() {
	local f="$T/askpass-$RANDOM"
	printf '#!/bin/sh\nprintf "%%s\\n" %q\n' "$1" >"$f"
	chmod 0755 "$f"
	echo "$f"
}

# True when running as root (then security tests must drop privileges).
is_root() { [ "$(id -u)" -eq 0 ]; }
# need_setpriv: ends the test file (one visible skip) when root cannot drop
# to the unprivileged user.
need_setpriv() {
	if ! command -v setpriv >/dev/null && is_root; then
		skip "setpriv missing: cannot drop to an unprivileged user"
		exit 0
	fi
}
# need_git: ends the test file (one visible skip) without git.
need_git() {
	if ! command -v git >/dev/null; then
		skip "git is not installed"
		exit 0
	fi
}
NOBODY_UID=65534
# Copy the binaries into $T/bin (readable by everyone) and give nobody a
# home; sets NB_HOME and NB_BIN. Call once before as_nobody.
nobody_prepare() {
	NB_BIN="$T/bin"
	mkdir -p "$NB_BIN"
	cp "$H" "$HD" "$NB_BIN/" 2>/dev/null
	[ -f "$SHIM" ] && cp "$SHIM" "$NB_BIN/"
	chmod 0755 "$NB_BIN" "$NB_BIN"/*
	NB_HOME="$T/nbhome"
	mkdir -p "$NB_HOME/.config/hush"
	# Inside hush sandbox /tmp is private and only the project and
	# allow_write directories are writable: scripts and result files that
	# a test hands to a sandboxed agent live in $SBX, which the test
	# user's config makes writable (sandbox_config prints that section).
	SBX="$T/sbx"
	mkdir -p "$SBX"
	sandbox_config >"$NB_HOME/.config/hush/config.ini"
	if is_root; then chown -R "$NOBODY_UID:$NOBODY_UID" "$NB_HOME" "$SBX"; fi
}
# setup_vault PASS: setup_home with a passphrase vault, HUSH_ASKPASS (an
# askpass printing PASS) exported; ends the test file when hush init fails.
# OUT collects what every `run CMD...` prints (run keeps CMD's status), for
# the canary checks at the end.
setup_vault() {
	setup_home
	export HUSH_ASKPASS="$(make_askpass "$1")"
	"$H" init >/dev/null 2>&1 || { not_ok "hush init"; exit 1; }
	OUT="$T/all-output"; : >"$OUT"
}
run() { "$@" >"$OUT.cur" 2>&1; local rc=$?; cat "$OUT.cur" >>"$OUT"; rm -f "$OUT.cur"; return $rc; }

# The kernel's Landlock ABI version, 0 without Landlock.
landlock_abi() {
	python3 -c 'import ctypes; print(max(ctypes.CDLL(None).syscall(444, None, 0, 1), 0))'
}
# The [sandbox] lines every test config of the unprivileged user carries.
sandbox_config() { printf '[sandbox]\nallow_write = %s\n' "$SBX"; }
# Run a command as the unprivileged user (or as ourselves when not root),
# with HOME=$NB_HOME and hush paths inside it.
as_nobody() {
	local envs=(HOME="$NB_HOME" XDG_CONFIG_HOME="$NB_HOME/.config" XDG_DATA_HOME="$NB_HOME/.local/share"
		HUSH_HOME="$NB_HOME/.local/share/hush" HUSH_CONFIG="$NB_HOME/.config/hush/config.ini"
		HUSH_RUNTIME_DIR="$NB_HOME/run" PATH="$NB_BIN:/usr/local/bin:/usr/bin:/bin")
	# sanitizer builds (make sanitize) need their runtime options everywhere
	[ -n "${ASAN_OPTIONS:-}" ] && envs+=(ASAN_OPTIONS="$ASAN_OPTIONS")
	[ -n "${UBSAN_OPTIONS:-}" ] && envs+=(UBSAN_OPTIONS="$UBSAN_OPTIONS")
	if is_root; then
		env -i "${envs[@]}" setpriv --reuid=$NOBODY_UID --regid=$NOBODY_UID --clear-groups -- "$@"
	else
		env -i "${envs[@]}" "$@"
	fi
}

# start_keyring NAME: a private D-Bus session bus (no service activation, so
# nothing starts behind the test's back) with a gnome-keyring-daemon unlocked
# from a test password, both stopped at exit. Exports DBUS_SESSION_BUS_ADDRESS
# and XDG_RUNTIME_DIR (under $T/NAME-run). Sets KR_OWNED=yes once the daemon
# owns org.freedesktop.secrets (waits up to 30 s), else no.
start_keyring() {
	local name="$1"
	export XDG_RUNTIME_DIR="$T/$name-run"
	mkdir -p "$XDG_RUNTIME_DIR"; chmod 0700 "$XDG_RUNTIME_DIR"
	cat >"$T/$name-bus.conf" <<BUS
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$T/$name-bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
BUS
	local bus_out bus_pid gk_pid
	bus_out=$(dbus-daemon --config-file="$T/$name-bus.conf" --fork --print-address=1 --print-pid=1 2>/dev/null)
	export DBUS_SESSION_BUS_ADDRESS=$(echo "$bus_out" | sed -n 1p)
	bus_pid=$(echo "$bus_out" | sed -n 2p)
	[ -n "$bus_pid" ] && at_exit "kill $bus_pid"
	printf 'test-keyring-pw' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
	gk_pid=$!
	at_exit "kill $gk_pid"
	KR_OWNED=no
	for _ in $(seq 1 600); do
		if dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
			string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then KR_OWNED=yes; break; fi
		sleep 0.05
	done
}

# make_pki DIR SAN: a test CA (DIR/ca.pem, readable by everyone) and a
# server certificate signed by it (DIR/up.pem, DIR/up.key) for the
# subjectAltName list SAN (e.g. "DNS:localhost,IP:127.0.0.1").
make_pki() {
	local d="$1" san="$2"
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" \
		-out "$d/ca.pem" -days 2 -subj "/CN=hush test CA" 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/up.key" \
		-out "$d/up.csr" -subj "/CN=hush test upstream" 2>/dev/null &&
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$san" >"$d/ext" &&
	openssl x509 -req -in "$d/up.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-out "$d/up.pem" -days 2 -extfile "$d/ext" 2>/dev/null &&
	chmod 0755 "$d" && chmod 0644 "$d/ca.pem"
}

# need_agent NAME EXE: ends the test file with one visible skip unless EXE
# (a real agent CLI, e.g. $HUSH_TEST_CLAUDE) runs; make check installs the
# agents from npm (scripts/test-agents.sh).
need_agent() {
	if [ -z "$2" ] || ! "$2" --version >/dev/null 2>&1; then
		skip "$1 is not installed (make check installs it from npm: scripts/test-agents.sh; or set HUSH_TEST_* to its executable)"
		exit 0
	fi
}
