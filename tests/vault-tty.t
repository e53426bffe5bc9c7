# SPDX-License-Identifier: ISC
# The terminal prompts of the secrets commands, driven through a real
# pseudo-terminal: no echo of passphrases or values, a new passphrase is
# asked twice, a mismatch or three wrong passphrases fail cleanly.
. "$(dirname "$0")/lib.sh"
setup_home
export HUSH_TEST_KDF_OPS=1
unset HUSH_ASKPASS
V="$HUSH_HOME/vault"
C=$(canary)
PW="tty-pass-$RANDOM$RANDOM"

# tty_run OUT ANSWERS CMD...: runs CMD on a new pseudo-terminal, typing the
# next answer (ANSWERS separated by $SEP) and a newline at each prompt; the
# whole terminal transcript goes to OUT, the status is CMD's.
PTY="$HUSH_SRC/tests/broker_pty.py"
tty_run() {
	local out="$1" ans="$2" st
	shift 2
	python3 "$PTY" 24 80 --answers "$ans" "$@" >"$out"
	st=$(sed -n 's/^EXIT //p' "$out" | tail -1)
	[ "${st:--1}" -ge 0 ] && return "$st"
	return 128
}
SEP=$'\x1f'

# init: the new passphrase is asked twice; a mismatch creates nothing.
tty_run "$T/t1" "${PW}${SEP}other-$PW" "$H" init; rc=$?
is "init with two different passphrases exits 1" "$rc" 1
like "mismatch is reported" "$(cat "$T/t1")" "the two passphrases differ"
check_fail "no vault after a mismatch" test -e "$V"

tty_run "$T/t2" "${PW}${SEP}${PW}" "$H" init; rc=$?
is "init on a terminal exits 0" "$rc" 0
like "init asks for a new passphrase" "$(cat "$T/t2")" "New vault passphrase:"
like "init asks to repeat it" "$(cat "$T/t2")" "Repeat the passphrase:"
assert_absent "the passphrase is not echoed" "$PW" "$T/t2"

# set: with stdin a terminal the value is asked without echo, then the passphrase.
tty_run "$T/t3" "${C}${SEP}${PW}" "$H" set TTY_SECRET; rc=$?
is "set on a terminal exits 0" "$rc" 0
like "set asks for the value by name" "$(cat "$T/t3")" "Value for TTY_SECRET:"
like "set asks for the vault passphrase" "$(cat "$T/t3")" "Vault passphrase:"
assert_absent "the value is not echoed" "$C" "$T/t3"
assert_absent "the passphrase is not echoed by set" "$PW" "$T/t3"
is "the value typed at the prompt was stored" "$("$H" get TTY_SECRET --passphrase-fd 3 3<<<"$PW")" "$C"

# three wrong passphrases at the terminal, then a clean failure
tty_run "$T/t4" "bad1${SEP}bad2${SEP}bad3" "$H" list; rc=$?
is "three wrong passphrases: exit 1" "$rc" 1
is "asked three times" "$(grep -o 'Vault passphrase:' "$T/t4" | wc -l)" 3
like "then says wrong passphrase" "$(cat "$T/t4")" "wrong passphrase"

# a right passphrase on the second try
tty_run "$T/t5" "bad1${SEP}${PW}" "$H" list; rc=$?
is "a typo then the right passphrase: exit 0" "$rc" 0
like "list after retry shows the name" "$(cat "$T/t5")" "TTY_SECRET"

# passwd on a terminal: current, then new twice
tty_run "$T/t6" "${PW}${SEP}new-${PW}${SEP}new-${PW}" "$H" passwd; rc=$?
is "passwd on a terminal exits 0" "$rc" 0
assert_absent "passwd echoes no passphrase" "$PW" "$T/t6"
is "the new passphrase opens" "$("$H" get TTY_SECRET --passphrase-fd 3 3<<<"new-$PW")" "$C"

# Ctrl-C at the passphrase prompt, however soon it comes: the terminal gets
# its echo back and hush ends by the signal at once
res=$(python3 "$PTY" 24 80 --intr-at-prompt "$H" list 2>&1)
like "Ctrl-C at the prompt: echo off there, on again after" "$res" "ECHO prompt=off end=on"
like "Ctrl-C at the prompt ends hush list by SIGINT" "$res" "EXIT -2"
