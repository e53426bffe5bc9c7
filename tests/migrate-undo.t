#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# What hush migrate and hush import --replace leave behind: no readable copy
# of a moved secret anywhere in the home (the backup is sealed with the
# vault's key under <data>/backups), --undo puts each file back byte for
# byte with its mode, the backups survive hush passwd, old plaintext
# FILE.hush-backup-* copies are restored or removed by --undo and
# --purge-backups, and a sandboxed agent's grep -r over the home finds
# nothing while the same grep outside the sandbox does.
. "$(dirname "$0")/lib.sh"
setup_vault undo-test-pass
c1=$(canary); c2=$(canary); c3=$(canary)

rc="$HOME/.bashrc"
printf '# rc\nexport EDITOR=vi\nexport GITHUB_TOKEN=%s\nexport OTHER=1' "$c1" >"$rc"
chmod 0640 "$rc"
cp -p "$rc" "$T/bashrc.orig"
run "$H" migrate --yes; r=$?
is "migrate --yes exits 0" "$r" "0"
like "migrate names the sealed backup" "$(cat "$OUT")" "encrypted backup of .*\\.bashrc: $HUSH_HOME/backups/[0-9T]+-[0-9a-f]{16}\\.hbk"
assert_absent "after migrate no file in the home holds the token in the clear" "$c1" "$HOME"
# control: the grep above does find a value that is there
printf 'x=%s\n' "$c1" >"$HOME/probe"
if grep -rqaF -- "$c1" "$HOME"; then ok "control: grep -r finds the token when a copy is there"
else not_ok "control: grep -r finds the token when a copy is there"; fi
rm -f "$HOME/probe"

# --- undo ---
run "$H" migrate --undo; r=$?
is "migrate --undo exits 0" "$r" "0"
check "--undo restores the file byte for byte (no final newline either)" cmp -s "$rc" "$T/bashrc.orig"
is "--undo restores the mode" "$(stat -c %a "$rc")" "640"
is "--undo removes the backups it used" "$(find "$HUSH_HOME/backups" -type f | wc -l)" "0"
is "the secret stays in the vault" "$("$H" get GITHUB_TOKEN 2>/dev/null)" "$c1"
run "$H" migrate --undo "$rc"; r=$?
is "--undo of a file without a backup exits 1" "$r" "1"
like "... and says so" "$(cat "$OUT")" "no backup of .*\\.bashrc"

# --- import --replace and undo of one file ---
p="$T/proj"; mkdir -p "$p"
printf 'DB_PASSWORD=%s\nPORT=1\n' "$c2" >"$p/.env"
cp "$p/.env" "$T/env.orig"
run "$H" import "$p/.env" --replace; r=$?
is "import --replace exits 0" "$r" "0"
is "no plaintext backup next to the .env" "$(find "$p" -name '*.hush-backup-*' | wc -l)" "0"
assert_absent "no copy of the .env value outside the vault and sealed backups" "$c2" "$p" "$HOME"
run "$H" migrate --undo "$p/.env"; r=$?
is "--undo FILE restores a .env" "$r" "0"
check "... byte for byte" cmp -s "$p/.env" "$T/env.orig"

# --- backups survive a passphrase change ---
run "$H" migrate --yes "$rc"
printf 'undo-test-pass\nnew-pass\n' >"$T/pw"
env -u HUSH_ASKPASS setsid -w "$H" passwd --passphrase-fd 3 3<"$T/pw" >/dev/null 2>&1
is "passwd exits 0" "$?" "0"
export HUSH_ASKPASS="$(make_askpass "new-pass")"
run "$H" migrate --undo "$rc"; r=$?
is "--undo after hush passwd still opens the backup" "$r" "0"
check "... and restores the file" cmp -s "$rc" "$T/bashrc.orig"

# --- a sealed backup of another vault, or modified, is not used ---
run "$H" migrate --yes "$rc"
bk=$(find "$HUSH_HOME/backups" -name '*.hbk' | head -1)
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(60); b=f.read(1); f.seek(60); f.write(bytes([b[0]^1]))' "$bk"
run "$H" migrate --undo "$rc"; r=$?
is "a modified backup is refused (exit 1)" "$r" "1"
like "... with a warning about the file that did not open" "$("$H" migrate --undo 2>&1)" "did not open with this vault's key"
is "... and the rewritten file stays" "$(grep -c 'moved to hush vault' "$rc")" "1"
rm -f "$bk"
cp -p "$T/bashrc.orig" "$rc"

# --- plaintext backups left by older versions ---
legacy="$rc.hush-backup-20250101T000000"
printf 'export GITHUB_TOKEN=%s\n' "$c3" >"$legacy"; chmod 0600 "$legacy"
printf 'export GITHUB_TOKEN=%s\n' "$c3" >"$rc.hush-backup-20240101T000000"
printf '# rewritten\n' >"$rc"
run "$H" migrate --undo; r=$?
is "--undo with only plaintext backups exits 0" "$r" "0"
is "... restores the newest one" "$(cat "$rc")" "export GITHUB_TOKEN=$c3"
is "... and removes every plaintext backup" "$(find "$HOME" -name '*.hush-backup-*' | wc -l)" "0"
is "... keeping the file's mode" "$(stat -c %a "$rc")" "640"

printf 'export GITHUB_TOKEN=%s\n' "$c3" >"$legacy"
printf 'export T=%s\n' "$c3" >"$p/.env.hush-backup-20250101T000000"
cp -p "$T/bashrc.orig" "$rc"
run "$H" migrate --yes "$rc"
run "$H" migrate --purge-backups; r=$?
is "--purge-backups exits 0" "$r" "0"
is "--purge-backups removes the plaintext backups of the rc files" "$(find "$HOME" -name '*.hush-backup-*' | wc -l)" "0"
is "--purge-backups removes the sealed backups" "$(find "$HUSH_HOME/backups" -type f | wc -l)" "0"
is "--purge-backups leaves other files alone" "$(ls "$p/.env.hush-backup-20250101T000000" 2>/dev/null | wc -l)" "1"
run "$H" migrate --purge-backups "$p/.env"; r=$?
is "--purge-backups FILE removes that file's plaintext backups" "$(find "$p" -name '*.hush-backup-*' | wc -l) $r" "0 0"

# --- usage ---
"$H" migrate --help | grep -q -- "--undo"; is "migrate --help shows --undo" "$?" "0"
"$H" migrate --undo --yes >/dev/null 2>&1; is "--undo with --yes is a usage error" "$?" "2"

# --- the sandbox hides old plaintext backups ---
nobody_prepare
printf 'export GITHUB_TOKEN=%s\n' "$c3" >"$NB_HOME/.bashrc.hush-backup-20250101T000000"
printf 'marker-%s\n' "$c3" >"$NB_HOME/notes.txt"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$NB_HOME"
o=$(cd "$NB_HOME" && as_nobody grep -ra -- "$c3" "$NB_HOME" 2>&1)
like "control: outside the sandbox grep -r over the home finds the old backup" "$o" "$c3"
o=$(cd "$NB_HOME" && as_nobody "$NB_BIN/hush" sandbox -- grep -ra -- "$c3" "$NB_HOME" 2>&1)
like "control: inside the sandbox the same grep sees an ordinary file" "$o" "notes.txt:marker-$c3"
o=$(echo "$o" | grep -v '^.*/notes.txt:')
if [[ "$o" == *"$c3"* ]]; then not_ok "inside hush sandbox grep -r over the home finds nothing"
elif [[ "$o" == *"hush: sandbox"* ]]; then not_ok "hush sandbox did not start: $(echo "$o" | head -1)"
else ok "inside hush sandbox grep -r over the home finds nothing"; fi

# --- no value printed ---
leaked=0
for c in "$c1" "$c2" "$c3"; do grep -qaF -- "$c" "$OUT" && leaked=$((leaked + 1)); done
is "no canary value printed ($(wc -l <"$OUT") lines checked)" "$leaked" "0"
