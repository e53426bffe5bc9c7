# SPDX-License-Identifier: ISC
# The desktop keyring key source: a real gnome-keyring-daemon on a private
# D-Bus session bus (never the user's own), unlocked from a test password,
# stores and returns the vault key; without a session bus, `hush init
# --keyring` fails with a clear message; switching key source with passwd.
. "$(dirname "$0")/lib.sh"
setup_home
export HUSH_TEST_KDF_OPS=1   # test-only: Argon2id with one pass
V="$HUSH_HOME/vault"
C=$(canary)

# --- no session bus at all ---
out=$(env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR -u DISPLAY "$H" init --keyring 2>&1); rc=$?
is "init --keyring without D-Bus exits 1" "$rc" 1
like "no D-Bus: one clear line" "$out" "^hush: cannot use the desktop keyring: no D-Bus session bus"
like "no D-Bus: hint to use a passphrase" "$out" "hint: use a passphrase instead"
check_fail "no D-Bus: no vault file was written" test -e "$V"

# --- a session bus address that leads nowhere ---
out=$(DBUS_SESSION_BUS_ADDRESS="unix:path=$T/no-such-bus" "$H" init --keyring 2>&1); rc=$?
is "init --keyring with a dead bus address exits 1" "$rc" 1
like "dead bus: says the keyring is unavailable" "$out" "^hush: cannot use the desktop keyring: "
check_fail "dead bus: no vault file was written" test -e "$V"

for b in dbus-daemon gnome-keyring-daemon secret-tool dbus-send; do
	if ! command -v "$b" >/dev/null; then
		not_ok "$b is installed (make deps)"
		exit 1
	fi
done

# --- a private session bus and keyring daemon ---
export XDG_DATA_HOME="$T/xdg-data"
mkdir -p "$XDG_DATA_HOME"
start_keyring kr
like "private session bus started" "$DBUS_SESSION_BUS_ADDRESS" "^unix:path=$T/kr-bus"
is "gnome-keyring-daemon owns org.freedesktop.secrets" "$KR_OWNED" yes

out=$("$H" init --keyring 2>&1); rc=$?
is "init --keyring exits 0" "$rc" 0
like "init --keyring reports the key source" "$out" "key in the desktop keyring"
is "header says key source 2 (keyring)" "$(od -An -tu1 -j10 -N1 "$V" | tr -d ' ')" 2
id=$(od -An -tx1 -j43 -N16 "$V" | tr -d ' \n')
# kr_has ID: the keyring holds a 64-hex-digit key for vault id ID (the key
# itself is never printed).
kr_has() { [[ "$(secret-tool lookup xdg:schema org.hush.VaultKey vault-id "$1" 2>/dev/null)" =~ ^[0-9a-f]{64}$ ]]; }
check "the keyring holds a 32-byte key for this vault id" kr_has "$id"
label=$(secret-tool search --all xdg:schema org.hush.VaultKey 2>&1 | sed -n 's/^label = //p')
is "the keyring item's label" "$label" "hush vault key"

# No passphrase source at all: the keyring alone unlocks.
printf '%s' "$C" | env -u HUSH_ASKPASS setsid -w "$H" set KR_TOKEN 2>/dev/null
is "set with the keyring key" "$?" 0
is "get with the keyring key" "$(env -u HUSH_ASKPASS setsid -w "$H" get KR_TOKEN </dev/null)" "$C"
assert_absent "canary not in the vault file" "$C" "$V"
assert_absent "canary not in the keyring files" "$C" "$XDG_DATA_HOME"

out=$("$H" init --keyring 2>&1); rc=$?
is "a second init --keyring refuses the existing vault" "$rc" 1

# --- switching key source ---
export HUSH_ASKPASS=$(make_askpass "kr-pass")
out=$("$H" passwd --passphrase 2>&1); rc=$?
is "passwd --passphrase exits 0" "$rc" 0
like "passwd --passphrase reports the switch" "$out" "now keyed by a passphrase"
is "header says key source 1 (passphrase)" "$(od -An -tu1 -j10 -N1 "$V" | tr -d ' ')" 1
check_fail "the old keyring item is gone" kr_has "$id"
is "passphrase opens after the switch" "$("$H" get KR_TOKEN)" "$C"

out=$("$H" passwd --keyring 2>&1); rc=$?
is "passwd --keyring exits 0" "$rc" 0
is "header says keyring again" "$(od -An -tu1 -j10 -N1 "$V" | tr -d ' ')" 2
id2=$(od -An -tx1 -j43 -N16 "$V" | tr -d ' \n')
[ "$id2" != "$id" ] && ok "a new vault id for the new key" || not_ok "vault id reused"
check "the new key is in the keyring" kr_has "$id2"
is "keyring opens after switching back" "$(env -u HUSH_ASKPASS "$H" get KR_TOKEN)" "$C"

# --- the keyring is locked and nobody can be prompted to unlock it ---
coll=$(dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
	org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null | sed -n 's/.*object path "\(.*\)"/\1/p')
dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
	org.freedesktop.Secret.Service.Lock "array:objpath:$coll" >/dev/null 2>&1
cp "$V" "$T/before-lock"
out=$(env -u HUSH_ASKPASS HUSH_KEYRING_TIMEOUT_MS=5000 "$H" list 2>&1); rc=$?
is "locked keyring: exit 1" "$rc" 1
like "locked keyring: says it is locked" "$out" "desktop keyring unavailable: the keyring is locked"
check "locked keyring: the vault file is untouched" cmp -s "$V" "$T/before-lock"
# Unlock again through a fresh login with the test password.
printf 'test-keyring-pw' | gnome-keyring-daemon --replace --foreground --unlock --components=secrets >/dev/null 2>&1 &
gk_pid=$!
at_exit "kill $gk_pid"
unlocked=no
for _ in $(seq 1 600); do
	if env -u HUSH_ASKPASS "$H" get KR_TOKEN >/dev/null 2>&1; then unlocked=yes; break; fi
	sleep 0.05
done
is "after unlocking, the keyring opens the vault again" "$unlocked" yes

# --- the key goes missing from the keyring ---
cp "$V" "$T/before"
secret-tool clear xdg:schema org.hush.VaultKey vault-id "$id2"
out=$(env -u HUSH_ASKPASS "$H" list 2>&1); rc=$?
is "missing keyring item: exit 1" "$rc" 1
like "missing keyring item: clear message" "$out" "desktop keyring unavailable: the keyring holds no key for this vault"
check "missing keyring item: the vault file is untouched" cmp -s "$V" "$T/before"

# --- the keyring daemon goes away ---
kill "$gk_pid"; wait "$gk_pid" 2>/dev/null
out=$(env -u HUSH_ASKPASS HUSH_KEYRING_TIMEOUT_MS=5000 "$H" list 2>&1); rc=$?
is "no Secret Service on the bus: exit 1" "$rc" 1
like "no Secret Service: says the keyring is unavailable" "$out" "^hush: cannot open the vault: desktop keyring unavailable"
[[ "$out" != *"$C"* ]] && ok "canary in no keyring error" || not_ok "canary in a keyring error"
