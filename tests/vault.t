# SPDX-License-Identifier: ISC
# The secrets commands end to end: init, set, get, rm, list, import, passwd;
# every bad-input case gives its own message and leaves the file untouched;
# the canary value never shows up where it must not; concurrent writers.
. "$(dirname "$0")/lib.sh"
setup_home
export HUSH_TEST_KDF_OPS=1   # test-only: Argon2id with one pass (memory stays 64 MiB)
V="$HUSH_HOME/vault"
C=$(canary)
ERRS="$T/errs"; mkdir -p "$ERRS"
n_err=0
# run_err NAME CMD... : runs CMD with stderr kept in $ERRS for the final canary sweep.
# (never in a pipeline or $(...): the count must stay in this shell)
run_err() { local n="$1"; shift; n_err=$((n_err + 1)); "$@" 2>"$ERRS/$n_err-$n"; }
# the stderr of the newest run_err, by its sequence number (never by mtime:
# two files written within one timestamp tick tie)
last_err() { cat "$ERRS/$n_err-"*; }
fp() { stat -c '%s %Y %i' "$1"; sha256sum <"$1"; }   # size, mtime, inode, content

export HUSH_ASKPASS=$(make_askpass "pass-one")

# --- missing vault ---
run_err missing "$H" list >/dev/null; rc=$?
is "list without a vault exits 1" "$rc" 1
like "missing vault: says so with the path" "$(last_err)" "^hush: vault not found: $V"
like "missing vault: hint names hush init" "$(last_err)" "hint: run 'hush init' first"

# --- init ---
chmod 0755 "$HUSH_HOME"   # init makes the data dir private again
out=$("$H" init 2>&1); rc=$?
is "init exits 0" "$rc" 0
like "init reports the vault and KDF" "$out" "created $V \(passphrase; Argon2id 64 MiB"
is "vault file is 0600" "$(stat -c %a "$V")" 600
is "data dir is 0700 (made private by init)" "$(stat -c %a "$HUSH_HOME")" 700
before=$(fp "$V")
run_err reinit "$H" init; rc=$?
is "init refuses an existing vault (exit 1)" "$rc" 1
like "init says a vault exists" "$(last_err)" "a vault already exists"
is "the existing vault is untouched" "$(fp "$V")" "$before"
like "vault starts with the magic" "$(head -c 7 "$V")" "^HUSHVLT$"

# --- set / get ---
printf '%s\n' "$C" | "$H" set API_TOKEN 2>/dev/null
is "set from stdin exits 0" "$?" 0
is "get prints the value" "$("$H" get API_TOKEN)" "$C"
printf 'two\n\n' | "$H" set TWO_NL 2>/dev/null
is "only one trailing newline is removed" "$("$H" get TWO_NL | od -An -c | tr -s ' ')" " t w o \n \n"
printf 'no-newline' | "$H" set NO_NL 2>/dev/null
is "value without newline kept whole" "$("$H" get NO_NL)" "no-newline"
printf 'x' | "$H" set EMPTY_TEST 2>/dev/null; printf '' | "$H" set EMPTY_TEST 2>/dev/null
is "an empty value can be stored" "$("$H" get EMPTY_TEST | od -An -c | tr -d ' ')" '\n'
printf 'new-%s' "$C" | "$H" set TWO_NL 2>/dev/null
is "set replaces an existing value" "$("$H" get TWO_NL)" "new-$C"

run_err argv "$H" set FROM_ARGV "$C" </dev/null; rc=$?
is "set with the value in argv is refused (exit 2)" "$rc" 2
like "argv refusal hints at stdin" "$(last_err)" "hint: the value is read from stdin"
run_err argv-get "$H" get FROM_ARGV >/dev/null; rc=$?
is "nothing was stored from argv" "$rc" 1
like "get of a missing name says so" "$(last_err)" "no secret named FROM_ARGV"
run_err badname "$H" set 1BAD </dev/null; rc=$?
is "invalid name is a usage error (exit 2)" "$rc" 2
like "invalid name is explained" "$(last_err)" "invalid name '1BAD'"
run_err nul "$H" set WITH_NUL < <(printf 'a\0b'); rc=$?
is "a value with a NUL byte is refused (exit 2)" "$rc" 2
run_err big "$H" set TOO_BIG < <(head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' 'x'); rc=$?
is "a value over 1 MiB is refused (exit 2)" "$rc" 2

# --- list ---
list=$("$H" list 2>"$ERRS/list"); rc=$?
is "list exits 0" "$rc" 0
like "list shows the name and origin" "$list" "API_TOKEN +set +[0-9]{4}-"
json=$("$H" list --json)
check "list --json is valid JSON with name/origin/created/updated only" python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert isinstance(d, list) and len(d) == 4, d
for e in d:
    assert set(e) == {"name", "origin", "created", "updated"}, e
assert [e["name"] for e in d] == sorted(e["name"] for e in d)
' "$json"
printf '%s\n%s\n' "$list" "$json" >"$T/list-out"
assert_absent "canary not in list or list --json output" "$C" "$T/list-out"
assert_absent "canary not in the vault file or its backup" "$C" "$V" "$V.bak"

# --- rm ---
"$H" rm NO_NL 2>/dev/null
is "rm exits 0" "$?" 0
run_err rm2 "$H" rm NO_NL; rc=$?
is "rm of a missing name exits 1" "$rc" 1
run_err rm-get "$H" get NO_NL >/dev/null
is "removed name is gone" "$?" 1

# --- import ---
cat >"$T/dot.env" <<EOF
# a comment

export IMP_A=plain
IMP_B="double \"quoted\" \$HOME\\nnext"
IMP_C='single \$HOME'
IMP_D="multi
line"
not a line
IMP_E=$C # trailing comment
1BAD=x
IMP_F=\$HOME
EOF
out=$("$H" import "$T/dot.env" 2>"$ERRS/import"); rc=$?
is "import with bad lines exits 1" "$rc" 1
like "import lists what it imported with lines" "$out" "imported IMP_A \(line 3\)"
like "import reports the multi-line entry's line" "$out" "imported IMP_D \(line 6\)"
like "import flags an unexpanded \$VAR" "$out" "imported IMP_F \(line 11\) \[value holds"
like "import summary" "$out" "6 imported, 2 lines not imported"
like "import reports a bad line with file:line" "$(cat "$ERRS/import")" "dot.env:8: expected NAME=value"
like "import reports a bad name with its line" "$(cat "$ERRS/import")" "dot.env:10: invalid variable name"
is "imported plain value" "$("$H" get IMP_A)" "plain"
is "imported double-quoted value with escapes" "$("$H" get IMP_B)" "double \"quoted\" \$HOME
next"
is "imported single-quoted value is literal" "$("$H" get IMP_C)" "single \$HOME"
is "imported multi-line value" "$("$H" get IMP_D)" "multi
line"
is "imported value with comment stripped" "$("$H" get IMP_E)" "$C"
like "list shows origin import" "$("$H" list)" "IMP_A +import"
assert_absent "import output does not echo values" "$C" "$ERRS/import"
[[ "$out" != *"$C"* ]] && ok "import stdout does not echo values" || not_ok "import stdout echoes a value"
printf 'IMP_A=second\n' >"$T/again.env"
out=$("$H" import "$T/again.env" 2>/dev/null); rc=$?
is "re-import exits 0" "$rc" 0
like "re-import says the name was updated" "$out" "updated  IMP_A \(line 1\)"
is "re-import replaced the value" "$("$H" get IMP_A)" "second"
run_err import-missing "$H" import "$T/nope.env"; rc=$?
is "import of a missing file exits 2" "$rc" 2

# --- bad input: each its own message, file untouched, no crash ---
cp "$V" "$T/good"
expect_refused() { # DESC REGEX : vault at $V must be refused with REGEX; $V must stay as it is
	local d="$1" re="$2" b a rc
	b=$(fp "$V")
	run_err refused "$H" list >/dev/null; rc=$?
	a=$(fp "$V")
	is "$d: exit 1 (no crash)" "$rc" 1
	like "$d: message" "$(last_err)" "$re"
	is "$d: file bytes and mtime unchanged" "$a" "$b"
}
export HUSH_ASKPASS=$(make_askpass "pass-wrong")
expect_refused "wrong passphrase" "^hush: cannot open the vault: wrong passphrase$"
export HUSH_ASKPASS=$(make_askpass "pass-one")
size=$(stat -c %s "$V")
python3 - "$T/good" "$V" $((size - 5)) <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read()); d[int(sys.argv[3])] ^= 1
open(sys.argv[2], 'wb').write(d)
EOF
expect_refused "one ciphertext byte changed" "is damaged, truncated or was modified"
python3 - "$T/good" "$V" 80 <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read()); d[int(sys.argv[3])] ^= 0x40
open(sys.argv[2], 'wb').write(d)
EOF
expect_refused "nonce byte changed" "is damaged, truncated or was modified"
python3 - "$T/good" "$V" 9 <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read()); d[int(sys.argv[3])] = 2
open(sys.argv[2], 'wb').write(d)
EOF
expect_refused "unknown version" "format version this hush does not know"
head -c 60 "$T/good" >"$V"
expect_refused "truncated in the header" "is damaged, truncated or was modified"
head -c $((size - 1)) "$T/good" >"$V"
expect_refused "truncated by one byte" "is damaged, truncated or was modified"
truncate -s $((64 * 1024 * 1024 + 1)) "$V"
expect_refused "file too large" "larger than the 64 MiB limit"
printf 'not a vault at all' >"$V"
expect_refused "not a vault" "is damaged, truncated or was modified"
cp "$T/good" "$V"
is "the original vault still opens" "$("$H" get API_TOKEN)" "$C"

# --- no way to ask for a passphrase ---
run_err noask env -u HUSH_ASKPASS setsid -w "$H" list </dev/null >/dev/null; rc=$?
is "no askpass and no terminal: exit 1" "$rc" 1
like "no passphrase source: hint names HUSH_ASKPASS" "$(last_err)" "hint: set HUSH_ASKPASS"

# --- --passphrase-fd and passwd ---
is "--passphrase-fd unlocks" "$(env -u HUSH_ASKPASS setsid -w "$H" get API_TOKEN --passphrase-fd 3 3<<<"pass-one")" "$C"
printf 'pass-one\npass-two\n' >"$T/pw"
out=$(env -u HUSH_ASKPASS setsid -w "$H" passwd --passphrase-fd 3 3<"$T/pw" 2>"$ERRS/passwd"); rc=$?
is "passwd with old and new on one fd" "$rc" 0
like "passwd reports the change" "$out" "passphrase changed"
run_err oldpw "$H" list >/dev/null
like "old passphrase no longer opens" "$(last_err)" "wrong passphrase"
# An askpass that answers by kind: the new passphrase for HUSH_ASKPASS_KIND=new.
cat >"$T/kind-askpass" <<'EOF'
#!/bin/sh
if [ "$HUSH_ASKPASS_KIND" = new ]; then echo pass-three; else echo pass-two; fi
EOF
chmod 0755 "$T/kind-askpass"
HUSH_ASKPASS="$T/kind-askpass" "$H" passwd >/dev/null 2>&1
is "passwd through askpass kinds" "$?" 0
export HUSH_ASKPASS=$(make_askpass "pass-three")
is "new passphrase opens, entries kept" "$("$H" get API_TOKEN)" "$C"
# An askpass that gives the current passphrase but cancels the new one.
cat >"$T/cancel-askpass" <<'EOF'
#!/bin/sh
if [ "$HUSH_ASKPASS_KIND" = new ]; then exit 1; fi
echo pass-three
EOF
chmod 0755 "$T/cancel-askpass"
before=$(fp "$V")
HUSH_ASKPASS="$T/cancel-askpass" run_err pw-cancel "$H" passwd; rc=$?
is "passwd with the new passphrase cancelled exits 1" "$rc" 1
like "cancelled passwd says why" "$(last_err)" "cannot get the new passphrase: askpass program failed or was cancelled"
is "cancelled passwd leaves the vault untouched" "$(fp "$V")" "$before"
run_err pw-both "$H" passwd --keyring --passphrase; rc=$?
is "--keyring with --passphrase is a usage error" "$rc" 2

# --- config kdf settings ---
printf '[vault]\nkdf_memory = 16M\n' >"$HUSH_CONFIG"
run_err kdfmem "$H" passwd; rc=$?
is "kdf_memory under 64 MiB refused: a config error, exit 2" "$rc" 2
like "kdf_memory refusal explained" "$(last_err)" "kdf_memory.*64"
printf '[vault]\nkdf_memory = 128M\nkdf_ops = 1\n' >"$HUSH_CONFIG"
cat >"$T/kind-askpass2" <<'EOF'
#!/bin/sh
if [ "$HUSH_ASKPASS_KIND" = new ]; then echo pass-two; else echo pass-three; fi
EOF
chmod 0755 "$T/kind-askpass2"
HUSH_ASKPASS="$T/kind-askpass2" "$H" passwd >/dev/null 2>&1
check "config kdf_memory is used by passwd" python3 -c '
import sys
d = open(sys.argv[1], "rb").read()
assert int.from_bytes(d[19:27], "big") == 128 << 20 and int.from_bytes(d[11:19], "big") == 1
' "$V"
rm -f "$HUSH_CONFIG"
export HUSH_ASKPASS=$(make_askpass "pass-two")
is "vault still opens after passwd with config" "$("$H" get API_TOKEN)" "$C"

# --- 20 concurrent writers ---
pids=()
for i in $(seq 1 20); do
	printf 'value-%d' "$i" | "$H" set "CONC_$i" 2>"$ERRS/conc-$i" &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
is "20 concurrent hush set all succeed" "$fails" 0
got=$("$H" list | grep -c '^CONC_')
is "all 20 names present afterwards" "$got" 20
wrong=0
for i in $(seq 1 20); do [ "$("$H" get "CONC_$i")" = "value-$i" ] || wrong=$((wrong + 1)); done
is "all 20 values right" "$wrong" 0
is "earlier entries survived the concurrent writers" "$("$H" get API_TOKEN)" "$C"

# --- another user cannot read the vault ---
if is_root; then
	nobody_prepare
	chmod 0755 "$T" "$HOME" "$HOME/.local" "$HOME/.local/share"
	check_fail "another user cannot read the vault file" setpriv --reuid=$NOBODY_UID --regid=$NOBODY_UID --clear-groups -- cat "$V" 2>/dev/null
	check_fail "another user cannot list the data dir" setpriv --reuid=$NOBODY_UID --regid=$NOBODY_UID --clear-groups -- ls "$HUSH_HOME" 2>/dev/null
	# The whole flow works for an unprivileged user.
	cp "$HUSH_ASKPASS" "$NB_BIN/askpass"; chmod 0755 "$NB_BIN/askpass"
	as_nobody env HUSH_ASKPASS="$NB_BIN/askpass" HUSH_TEST_KDF_OPS=1 hush init >/dev/null 2>&1
	printf '%s' "$C" | as_nobody env HUSH_ASKPASS="$NB_BIN/askpass" HUSH_TEST_KDF_OPS=1 hush set NB_SECRET 2>/dev/null
	is "init/set/get work as an unprivileged user" "$(as_nobody env HUSH_ASKPASS="$NB_BIN/askpass" hush get NB_SECRET 2>/dev/null)" "$C"
else
	skip "not root: no second user to test with"
fi

# --- the canary never appears in any error message ---
assert_absent "canary in no error message" "$C" "$ERRS"
