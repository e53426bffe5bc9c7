# SPDX-License-Identifier: ISC
# hush unlock, as an unprivileged user: the passphrase comes from the same
# sources as every other command's (one line of --passphrase-fd, an askpass
# program whose failure is a failure, a no-echo prompt that gives the
# terminal back its echo when Ctrl-C ends it).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"
need_setpriv

broker_config </dev/null
check "vault with a canary secret" make_vault
check "broker starts (no askpass: locked)" start_broker
locked() { nbh status | grep -q "vault: locked"; }
check "the vault starts locked" locked

# --- askpass: a cancelled program is a failure, even when it printed ---
cancel="$TOOLS/ask-cancel"
printf '#!/bin/sh\nprintf "%%s\\n" %q\nexit 1\n' "$PASS" >"$cancel"; chmod 0755 "$cancel"
nb env HUSH_ASKPASS="$cancel" "$NB_BIN/hush" unlock >"$T/out" 2>&1; rc=$?
is "askpass exit 1: hush unlock exits 1" "$rc" 1
like "says the askpass program failed or was cancelled" "$(cat "$T/out")" "askpass program failed or was cancelled"
check "still locked after a cancelled askpass" locked
assert_absent "the passphrase is not in the output" "$PASS" "$T/out"
# control: the same passphrase from an askpass that exits 0 unlocks
nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" unlock >"$T/out" 2>&1; rc=$?
is "control: askpass exit 0 unlocks" "$rc" 0
check_fail "control: unlocked" locked
nbh lock >/dev/null 2>&1

# --- --passphrase-fd: one line, as for every command ---
printf '%s\nnot-part-of-it\n' "$PASS" >"$T/two-lines"
chmod 0644 "$T/two-lines"
nb "$NB_BIN/hush" unlock --passphrase-fd 3 3<"$T/two-lines" >"$T/out" 2>&1; rc=$?
is "--passphrase-fd: the first line unlocks" "$rc" 0
check_fail "unlocked from the first line" locked
nbh lock >/dev/null 2>&1
nb "$NB_BIN/hush" unlock --passphrase-fd 99999999 >"$T/out" 2>&1; rc=$?
is "--passphrase-fd over the bound: usage error" "$rc" 2

# --- Ctrl-C at the prompt gives the terminal its echo back ---
cp "$HUSH_SRC/tests/broker_pty.py" "$T/ptyrun.py"; chmod 0755 "$T/ptyrun.py"
res=$(nb "$T/ptyrun.py" 24 80 --intr-at-prompt "$NB_BIN/hush" unlock 2>&1)
like "the prompt came, with echo off" "$res" "ECHO prompt=off"
like "after Ctrl-C the terminal echoes again" "$res" "end=on"
like "hush unlock ended by the signal" "$res" "EXIT -2"
check "still locked after Ctrl-C" locked

stop_broker
