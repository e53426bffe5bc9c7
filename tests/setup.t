#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# hush setup, the guided first run: on a fresh home with a token in
# ~/.bashrc, a project .env and agents on PATH, `hush setup --yes` creates
# the vault, moves the rc token and the .env values in (names shown, never
# values), writes a commented config that hush config check accepts, and
# prints the start line of each agent found. A second run changes nothing;
# without --yes and without a terminal it offers and changes nothing; with
# a desktop keyring it keys the vault there.
. "$(dirname "$0")/lib.sh"
setup_home
export HUSH_ASKPASS="$(make_askpass "setup-pass")"
c1=$(canary); c2=$(canary)
printf '# rc\nexport GITHUB_TOKEN=%s\n' "$c1" >"$HOME/.bashrc"
P="$HOME/work/shop"; mkdir -p "$P/.git"
printf '# shop\nSTRIPE_SECRET=%s\nexport API_KEY=%s\n' "$c2" "$c2" >"$P/.env"
printf 'EXAMPLE=1\n' >"$P/.env.example"
mkdir -p "$T/agents"
for a in claude codex; do printf '#!/bin/sh\nexit 0\n' >"$T/agents/$a"; chmod 0755 "$T/agents/$a"; done
export PATH="$T/agents:$PATH"
out=$(cd "$P" && "$H" setup --yes --passphrase </dev/null 2>&1); rc=$?
printf '%s\n' "$out" >"$T/out1"
is "hush setup --yes exits 0" "$rc" "0"
check "the vault was created" test -s "$HUSH_HOME/vault"
is "the vault is keyed by a passphrase (--passphrase): key source byte 01" "$(od -An -tx1 -j10 -N1 "$HUSH_HOME/vault" | tr -d ' ')" "01"
is "the rc token moved into the vault" "$("$H" get GITHUB_TOKEN 2>/dev/null)" "$c1"
like "the rc line is rewritten" "$(cat "$HOME/.bashrc")" "GITHUB_TOKEN moved to hush vault"
like "the .env's names are shown" "$out" "\\.env holds 2 values: STRIPE_SECRET, API_KEY"
is "the .env keeps the names only" "$(cat "$P/.env")" $'# shop\nSTRIPE_SECRET=\nexport API_KEY='
is "the .env values are in the vault" "$("$H" get SHOP_STRIPE_SECRET 2>/dev/null)" "$c2"
is ".env.example is not offered" "$(grep -c 'env.example' "$T/out1")" "0"
check "a config was written" test -s "$HUSH_CONFIG"
like "the config's grants are commented examples" "$(cat "$HUSH_CONFIG")" $'\n;\\[grant gh\\]\n;command = /usr/bin/gh'
"$H" config check >/dev/null 2>&1; is "hush config check accepts it" "$?" "0"
like "setup ran hush config check" "$out" "config.ini: valid"
like "agents found: claude" "$out" "found claude: $T/agents/claude"
like "the start line for claude" "$out" $'\n  hush sandbox -- claude\n'
like "the start line for codex" "$out" $'\n  hush sandbox -- codex\n'
is "an agent not installed gets no start line" "$(grep -c 'sandbox -- aider' "$T/out1")" "0"
assert_absent "no secret value in setup's output" "$c1" "$T/out1"
assert_absent "no .env value in setup's output" "$c2" "$T/out1"
assert_absent "no value left in the clear in the home" "$c1" "$HOME"

# --- a second run keeps everything ---
cp "$HUSH_CONFIG" "$T/cfg1"; cp "$HUSH_HOME/vault" "$T/vault1"
out=$(cd "$P" && "$H" setup --yes </dev/null 2>&1); rc=$?
is "second run exits 0" "$rc" "0"
like "second run keeps the vault" "$out" "kept the existing vault"
like "second run keeps the config" "$out" "kept the existing config"
check "the config is byte for byte the same" cmp -s "$HUSH_CONFIG" "$T/cfg1"
check "the vault is byte for byte the same (nothing left to move)" cmp -s "$HUSH_HOME/vault" "$T/vault1"

# --- without --yes and without a terminal: offers skipped ---
setup_home fresh
export HUSH_ASKPASS="$(make_askpass "setup-pass")"
printf 'export GITHUB_TOKEN=%s\n' "$c1" >"$HOME/.bashrc"; cp "$HOME/.bashrc" "$T/rc.orig"
mkdir -p "$HOME/p"; printf 'DB_PASSWORD=%s\n' "$c2" >"$HOME/p/.env"; cp "$HOME/p/.env" "$T/env.orig"
out=$(cd "$HOME/p" && "$H" setup --passphrase </dev/null 2>&1); rc=$?
is "no terminal, no --yes: exit 0" "$rc" "0"
like "the offers say they were skipped" "$out" "skipped \\(stdin is not a terminal; --yes accepts\\)"
check "... the rc file is unchanged" cmp -s "$HOME/.bashrc" "$T/rc.orig"
check "... the .env is unchanged" cmp -s "$HOME/p/.env" "$T/env.orig"
assert_absent "... and no value printed" "$c2" <(printf '%s' "$out")

# --- keyring when one answers ---
setup_home kr
start_keyring krbus
if [ "$KR_OWNED" = yes ]; then
	out=$(cd "$HOME" && "$H" setup --yes </dev/null 2>&1); rc=$?
	is "with a keyring: exit 0" "$rc" "0"
	like "with a keyring: the key goes there" "$out" "a desktop keyring answers|key in the desktop keyring"
	is "with a keyring: the vault's key source byte is 02" "$(od -An -tx1 -j10 -N1 "$HUSH_HOME/vault" | tr -d ' ')" "02"
else
	skip "no Secret Service on the private bus"; skip "no Secret Service"; skip "no Secret Service"
fi

# --- usage ---
"$H" setup --help | grep -q -- "--yes"; is "setup --help" "$?" "0"
"$H" setup --bogus >/dev/null 2>&1; is "unknown option exits 2" "$?" "2"
HUSH_SANDBOX=1 "$H" setup --yes >/dev/null 2>&1; is "refused inside the sandbox (exit 2)" "$?" "2"
