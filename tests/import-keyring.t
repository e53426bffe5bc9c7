#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# hush import --keyring against gnome-keyring on a private D-Bus session:
# envchain's namespaces (schema envchain.EnvironmentVariable, stored here
# as envchain stores them) and items chosen by secret-tool-style ATTR VALUE
# pairs come into the vault under their names; only names are printed;
# other namespaces and non-matching items stay out; a name already in the
# vault with another value is not overwritten.
. "$(dirname "$0")/lib.sh"
setup_home
export HUSH_ASKPASS="$(make_askpass "kr-import-pass")"
start_keyring imp
if [ "$KR_OWNED" != yes ]; then
	skip "gnome-keyring did not take org.freedesktop.secrets on the private bus"
	exit 0
fi
"$H" init >/dev/null 2>&1 || { not_ok "hush init"; exit 1; }
c1=$(canary); c2=$(canary); c3=$(canary); c4=$(canary)
store() { local v="$1"; shift; printf '%s' "$v" | secret-tool store --label="test item" "$@"; }
store "$c1" xdg:schema envchain.EnvironmentVariable name aws key AWS_SECRET_ACCESS_KEY
store "$c2" xdg:schema envchain.EnvironmentVariable name aws key AWS_ACCESS_KEY_ID
store "$c3" xdg:schema envchain.EnvironmentVariable name other key OTHER_TOKEN
store "$c4" service github user me
is "control: secret-tool reads the envchain item back" "$(secret-tool lookup name aws key AWS_ACCESS_KEY_ID)" "$c2"

OUT="$T/out"
"$H" import --keyring --envchain aws --dry-run >"$OUT" 2>&1; r=$?
is "--dry-run exits 0" "$r" "0"
like "--dry-run lists the names" "$(sort "$OUT")" "would import AWS_ACCESS_KEY_ID"$'\n'"would import AWS_SECRET_ACCESS_KEY"
is "--dry-run stores nothing" "$("$H" list 2>/dev/null | grep -c AWS_)" "0"
"$H" import --keyring --envchain aws >>"$OUT" 2>&1; r=$?
is "--envchain aws exits 0" "$r" "0"
is "AWS_SECRET_ACCESS_KEY came in" "$("$H" get AWS_SECRET_ACCESS_KEY 2>/dev/null)" "$c1"
is "AWS_ACCESS_KEY_ID came in" "$("$H" get AWS_ACCESS_KEY_ID 2>/dev/null)" "$c2"
is "another namespace stays out" "$("$H" get OTHER_TOKEN >/dev/null 2>&1; echo $?)" "1"
like "origin is import" "$("$H" list 2>/dev/null | grep AWS_ACCESS_KEY_ID)" "import"
"$H" import --keyring --envchain aws >>"$OUT" 2>&1; r=$?
is "again: exit 0, nothing changes" "$r" "0"
like "... and says they are there" "$(cat "$OUT")" "AWS_ACCESS_KEY_ID is already in the vault"

"$H" import --keyring service github user me --as GITHUB_TOKEN >>"$OUT" 2>&1; r=$?
is "ATTR VALUE pairs with --as exit 0" "$r" "0"
is "the matching item came in under --as" "$("$H" get GITHUB_TOKEN 2>/dev/null)" "$c4"
"$H" import --keyring service github --name-from user >>"$OUT" 2>&1; r=$?
is "--name-from ATTR names by the attribute" "$("$H" get me 2>/dev/null)" "$c4"
"$H" import --keyring name aws --as ONE >>"$OUT" 2>&1; r=$?
is "--as with two matches is a usage error" "$r" "2"
"$H" import --keyring service nothing-here --as X >>"$OUT" 2>&1; r=$?
is "no matching item: exit 1" "$r" "1"

printf '%s' "different" | "$H" set OTHER_TOKEN >/dev/null 2>&1
"$H" import --keyring --envchain other >>"$OUT" 2>&1; r=$?
is "a different value already in the vault: exit 1" "$r" "1"
is "... and it is not overwritten" "$("$H" get OTHER_TOKEN 2>/dev/null)" "different"
like "... reported by name" "$(cat "$OUT")" "not imported: OTHER_TOKEN: a different value is already in the vault"

"$H" import --keyring --help | grep -q -- "--envchain"; is "import --keyring --help" "$?" "0"
"$H" import --keyring >/dev/null 2>&1; is "nothing to search for: exit 2" "$?" "2"
"$H" import --keyring service github >/dev/null 2>&1; is "pairs without --as/--name-from: exit 2" "$?" "2"
(unset DBUS_SESSION_BUS_ADDRESS XDG_RUNTIME_DIR; "$H" import --keyring --envchain aws >"$T/nobus" 2>&1); r=$?
is "no session bus: exit 1" "$r" "1"
like "... with the reason" "$(cat "$T/nobus")" "cannot search the desktop keyring: no D-Bus session bus"

leaked=0
for c in "$c1" "$c2" "$c3" "$c4"; do grep -qaF -- "$c" "$OUT" && leaked=$((leaked + 1)); done
is "no value printed ($(wc -l <"$OUT") lines checked)" "$leaked" "0"
