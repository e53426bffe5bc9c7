# SPDX-License-Identifier: ISC
# hush config check / path and hush grant list, driven through the real
# binary in a temporary home: exit codes (0 ok, 1 grant problems, 2 invalid
# or missing file), FILE:LINE messages, grant listing in text and JSON, the
# secret check against a real vault, and the shipped examples.
. "$(dirname "$0")/lib.sh"
setup_home

# --- hush config path ---
is "config path honours HUSH_CONFIG" "$("$H" config path)" "$HUSH_CONFIG"
is "config path falls back to XDG_CONFIG_HOME" \
	"$(env -u HUSH_CONFIG "$H" config path)" "$XDG_CONFIG_HOME/hush/config.ini"
is "config path falls back to ~/.config" \
	"$(env -u HUSH_CONFIG -u XDG_CONFIG_HOME "$H" config path)" "$HOME/.config/hush/config.ini"
"$H" config path extra >/dev/null 2>&1; is "config path with an argument exits 2" "$?" 2
"$H" config frobnicate >/dev/null 2>"$T/err"; rc=$?
is "unknown config subcommand exits 2" "$rc" 2
like "unknown subcommand named" "$(cat "$T/err")" "unknown subcommand 'frobnicate'"
out=$("$H" config check --help); rc=$?
is "config check --help exits 0" "$rc" 0
like "config check --help explains exit codes" "$out" "Exit 0 when all is well"
out=$("$H" grant --help); rc=$?
is "grant --help exits 0" "$rc" 0
like "grant --help shows usage" "$out" "usage: hush grant list"

# --- no config file ---
rm -f "$HUSH_CONFIG"
out=$("$H" config check 2>&1); rc=$?
is "check without a config file exits 0" "$rc" 0
like "check without a file says defaults apply" "$out" "no config file; the built-in defaults apply"
"$H" config check "$T/nope.ini" >/dev/null 2>"$T/err"; rc=$?
is "check of a named missing file exits 2" "$rc" 2
like "missing file named in the error" "$(cat "$T/err")" "^hush: $T/nope.ini: no such file"
out=$("$H" grant list 2>&1); rc=$?
is "grant list without config exits 0" "$rc" 0
like "grant list without config says there are none" "$out" "no grants in"

# --- a tool to grant ---
mkdir -p "$T/bin"
printf '#!/bin/sh\necho deployed\n' >"$T/bin/deploy"
chmod 0755 "$T/bin/deploy"
sum=$(sha256sum "$T/bin/deploy" | cut -d' ' -f1)

cat >"$HUSH_CONFIG" <<EOF
[broker]
confirm = terminal
approval_ttl = 20m

[grant deploy-test]
command = $T/bin/deploy
sha256 = $sum
args = * --organization=test-org *
args = status
cwd = $T/src
secrets = DEPLOY_TOKEN=deploy_token, OTHER_TOKEN
confirm = always
ttl = 5m

[grant lint]
command = $T/bin/deploy
ui = command:$T/bin/deploy
EOF
out=$("$H" config check 2>"$T/err"); rc=$?
is "valid config with working grants exits 0" "$rc" 0
like "check reports validity and counts" "$out" "valid \\(2 grants, 5 profiles\\)"
like "secret check skipped without a vault" "$out" "check skipped: no vault"
is "nothing on stderr for a clean config" "$(cat "$T/err")" ""

# --- grant list, text ---
out=$("$H" grant list); rc=$?
is "grant list exits 0" "$rc" 0
like "list shows the grant name" "$out" "^deploy-test"
like "list shows command and pin" "$out" "command  $T/bin/deploy \\(sha256 pinned\\)"
like "list shows the first args pattern" "$out" "args     \\* --organization=test-org \\*"
like "list shows the second args pattern" "$out" "         status"
like "list shows cwd" "$out" "cwd      $T/src"
like "list shows secrets as ENV <- NAME" "$out" "secrets  DEPLOY_TOKEN <- deploy_token"
like "list shows secret NAME mapped to itself" "$out" "OTHER_TOKEN <- OTHER_TOKEN"
like "list shows policy and broker UI" "$out" "confirm  always, via terminal \\(broker default\\)"
like "list shows ttl" "$out" "ttl      5m"
like "list shows the default ttl for the other grant" "$out" "ttl      20m \\(broker default\\)"
like "list shows the command UI" "$out" "via command $T/bin/deploy"
like "grant without args patterns shows (any)" "$out" "args     \\(any\\)"
is "grant list subcommand is optional" "$("$H" grant)" "$out"

# --- grant list, JSON ---
"$H" grant list --json >"$T/g.json"; rc=$?
is "grant list --json exits 0" "$rc" 0
check "grant list --json is valid JSON" python3 -c "import json; json.load(open('$T/g.json'))"
jq_py() { python3 -c "import json,sys; d=json.load(open('$T/g.json')); print($1)"; }
is "json: two grants" "$(jq_py 'len(d)')" 2
is "json: name" "$(jq_py 'd[0]["name"]')" "deploy-test"
is "json: args patterns as token lists" "$(jq_py 'd[0]["args"]')" \
	"[['*', '--organization=test-org', '*'], ['status']]"
is "json: secrets" "$(jq_py 'd[0]["secrets"][0]')" "{'env': 'DEPLOY_TOKEN', 'secret': 'deploy_token'}"
is "json: confirm, ui, ttl" "$(jq_py 'd[0]["confirm"], d[0]["ui"], d[0]["ttl"]')" "always terminal 300"
is "json: sha256" "$(jq_py 'd[0]["sha256"]')" "$sum"
is "json: default ttl resolved" "$(jq_py 'd[1]["ttl"], d[1]["ui"], d[1]["cwd"]')" "1200 command None"
"$H" grant list --bogus >/dev/null 2>&1; is "grant list with an unknown option exits 2" "$?" 2

# --- grant problems: exit 1 ---
cp "$HUSH_CONFIG" "$T/good.ini"
sed -i "s|^sha256 = .*|sha256 = $(printf '%064d' 0)|" "$HUSH_CONFIG"
out=$("$H" config check 2>"$T/err"); rc=$?
is "sha256 mismatch exits 1" "$rc" 1
like "mismatch named with the grant" "$(cat "$T/err")" "hush: grant 'deploy-test': $T/bin/deploy does not match its sha256 pin \\(it is $sum\\)"
like "mismatch hint gives the new pin" "$(cat "$T/err")" "hint: if the program was updated on purpose, set sha256 = $sum"
like "problem count on stdout" "$out" "1 problem found"

cp "$T/good.ini" "$HUSH_CONFIG"
chmod 0644 "$T/bin/deploy"
"$H" config check >/dev/null 2>"$T/err"; rc=$?
is "non-executable command exits 1" "$rc" 1
like "non-executable command reported" "$(cat "$T/err")" "grant 'deploy-test': command: $T/bin/deploy: not executable"
chmod 0755 "$T/bin/deploy"

sed "s|^command = .*|command = $T/bin/missing|" "$T/good.ini" >"$HUSH_CONFIG"
"$H" config check >/dev/null 2>"$T/err"; rc=$?
is "missing command exits 1" "$rc" 1
like "missing command reported" "$(cat "$T/err")" "grant 'deploy-test': command: $T/bin/missing: no such file"
like "each problem on its own line" "$(grep -c "no such file" "$T/err")" "^2$"

# --- invalid config: exit 2 with FILE:LINE ---
printf '[broker]\nconfirm = terminal\nconfirmm = desktop\n' >"$HUSH_CONFIG"
out=$("$H" config check 2>"$T/err"); rc=$?
is "unknown key exits 2" "$rc" 2
like "unknown key: FILE:LINE message" "$(head -1 "$T/err")" "^hush: $HUSH_CONFIG:3: unknown key 'confirmm' in \\[broker\\]"
like "invalid config gets a hint" "$(cat "$T/err")" "hint: fix the line named above"
is "nothing on stdout for an invalid config" "$out" ""
"$H" grant list >/dev/null 2>"$T/err"; rc=$?
is "grant list on an invalid config exits 2" "$rc" 2
like "grant list shows FILE:LINE" "$(cat "$T/err")" "$HUSH_CONFIG:3: unknown key"

printf '[grant x]\nargs = *\n' >"$T/nocmd.ini"
"$H" config check "$T/nocmd.ini" >/dev/null 2>"$T/err"; rc=$?
is "grant without command exits 2" "$rc" 2
like "grant without command names its header line" "$(cat "$T/err")" "$T/nocmd.ini:1: grant 'x' has no command"

printf '[sandbox]\nhide = .env\n[grant x]\ncommand = /bin/true\nsecrets = bad-name\n' >"$T/bad.ini"
"$H" config check "$T/bad.ini" >/dev/null 2>"$T/err"; rc=$?
is "bad secret name exits 2" "$rc" 2
like "bad secret name at line 5" "$(cat "$T/err")" "$T/bad.ini:5: secrets: bad entry 'bad-name'"

mkdir -p "$T/adir"
"$H" config check "$T/adir" >/dev/null 2>"$T/err"; rc=$?
is "a directory is refused with exit 2" "$rc" 2
like "directory refusal says why" "$(cat "$T/err")" "not a regular file"

ln -s "$T/good.ini" "$T/link.ini"
"$H" config check "$T/link.ini" >/dev/null 2>&1; rc=$?
is "a symlinked config is followed" "$rc" 0

# --- secrets against a real vault ---
cp "$T/good.ini" "$HUSH_CONFIG"
ASK=$(make_askpass "correct horse $RANDOM")
CAN=$(canary)
if HUSH_ASKPASS="$ASK" "$H" init >/dev/null 2>&1; then
	printf '%s' "$CAN" | HUSH_ASKPASS="$ASK" "$H" set deploy_token >/dev/null 2>&1
	out=$("$H" config check 2>"$T/err"); rc=$?
	is "locked vault: secret check skipped, exit 0" "$rc" 0
	like "locked vault: says how to unlock" "$out" "check skipped: the vault is locked"
	out=$(HUSH_ASKPASS="$ASK" "$H" config check 2>"$T/err"); rc=$?
	is "a missing secret exits 1" "$rc" 1
	like "the missing secret is named" "$(cat "$T/err")" "grant 'deploy-test': secret OTHER_TOKEN \\(for OTHER_TOKEN\\) is not in the vault"
	like "hint to add the missing secret" "$(cat "$T/err")" "hint: hush set OTHER_TOKEN"
	like "present secrets counted" "$out" "secrets: 1 of 2 named by grants in the vault"
	printf '%s\n%s\n' "$out" "$(cat "$T/err")" >"$T/all-out"
	assert_absent "the secret value never appears in config check output" "$CAN" "$T/all-out"
	printf 'x' | HUSH_ASKPASS="$ASK" "$H" set OTHER_TOKEN >/dev/null 2>&1
	out=$(HUSH_ASKPASS="$ASK" "$H" config check 2>"$T/err"); rc=$?
	is "all secrets present exits 0" "$rc" 0
	like "all secrets counted" "$out" "secrets: 2 of 2 named by grants in the vault"
	WRONG=$(make_askpass "wrong $RANDOM")
	out=$(HUSH_ASKPASS="$WRONG" "$H" config check 2>"$T/err"); rc=$?
	is "wrong passphrase: check skipped, exit 0" "$rc" 0
	like "wrong passphrase: reason given" "$out" "check skipped: .*wrong passphrase"
	"$H" grant list --json >"$T/g2.json"
	"$H" grant list >>"$T/g2.json"
	assert_absent "grant list never shows a secret value" "$CAN" "$T/g2.json"
else
	not_ok "hush init works for the secret check"
fi

# --- the shipped examples load (the docs/design.md sketch: tests/unit/test_config.c) ---
for f in "$HUSH_SRC"/examples/*.ini; do
	[ -f "$f" ] || continue
	"$H" config check "$f" >/dev/null 2>"$T/err"; rc=$?
	# 1 is fine here: the example's commands need not exist on this machine.
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then ok "example $(basename "$f") is valid"
	else not_ok "example $(basename "$f") is valid (rc=$rc)"; sed 's/^/#   /' "$T/err"; fi
done
for f in "$HUSH_SRC"/examples/*.md; do
	[ -f "$f" ] || continue
	grep -q '^```ini' "$f" || continue
	awk '/^```ini/{f=1; next} /^```/{f=0} f' "$f" >"$T/snippet.ini"
	"$H" config check "$T/snippet.ini" >/dev/null 2>"$T/err"; rc=$?
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then ok "config in $(basename "$f") is valid"
	else not_ok "config in $(basename "$f") is valid (rc=$rc)"; sed 's/^/#   /' "$T/err"; fi
done

# --- a keyring vault: secrets checked with no prompt at all ---
setup_home kr
export HUSH_TEST_KDF_OPS=1
printf '[grant k]\ncommand = /bin/true\nsecrets = KR_PRESENT, KR_ABSENT\n' >"$HUSH_CONFIG"
out=$(DBUS_SESSION_BUS_ADDRESS="unix:path=$T/no-such-bus" "$H" config check 2>&1); rc=$?
is "no vault, dead bus: exit 0" "$rc" 0
like "no vault: secret check skipped" "$out" "check skipped: no vault"
start_keyring kr
is "private keyring daemon running" "$KR_OWNED" yes
KC=$(canary)
if "$H" init --keyring >/dev/null 2>&1 && printf '%s' "$KC" | setsid -w "$H" set KR_PRESENT >/dev/null 2>&1; then
	out=$(env -u HUSH_ASKPASS setsid -w "$H" config check 2>"$T/err" </dev/null); rc=$?
	is "keyring vault: missing secret found without a prompt (exit 1)" "$rc" 1
	like "keyring vault: the absent secret is named" "$(cat "$T/err")" "secret KR_ABSENT \\(for KR_ABSENT\\) is not in the vault"
	like "keyring vault: the present one is counted" "$out" "secrets: 1 of 2 named by grants in the vault"
	printf '%s\n%s\n' "$out" "$(cat "$T/err")" >"$T/kr-out"
	assert_absent "keyring vault: no secret value in the output" "$KC" "$T/kr-out"
	out=$(DBUS_SESSION_BUS_ADDRESS="unix:path=$T/no-such-bus" "$H" config check 2>"$T/err"); rc=$?
	is "keyring unreachable: exit 0" "$rc" 0
	like "keyring unreachable: check skipped with the reason" "$out" "check skipped: .*keyring"
else
	not_ok "a keyring vault can be created on the private bus"
fi
