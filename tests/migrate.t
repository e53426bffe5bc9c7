#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# hush migrate and hush import --replace: round trips on bash, zsh and fish
# rc files with tricky quoting (values in the vault equal what the shell
# itself evaluates), rewritten files pass the shells' syntax check, only the
# moved lines change, idempotence, dry run changes nothing, collisions are
# not overwritten, mode/owner kept, sealed backups, kill -9 during the rewrite
# never leaves half a file, and no secret value is ever printed.
. "$(dirname "$0")/lib.sh"
setup_vault migrate-test-pass

c1=$(canary); c2=$(canary); c3=$(canary); c4=$(canary); c5=$(canary); c6=$(canary); c7=$(canary)
# --- bash ---
rc="$HOME/.bashrc"
cat >"$rc" <<RCFILE
# ~/.bashrc with secrets in many shapes
export PATH="\$HOME/bin:\$PATH"
export EDITOR=vim
export GITHUB_TOKEN=$c1
export OPENAI_API_KEY="${c2}-it's \\"quoted\\" \\\$notvar \\\\ back"
export DB_PASSWORD='${c3} with spaces "and" \$dollars'
API_TOKEN=${c4}\\ esc; export API_TOKEN
declare -x STRIPE_SECRET="$c5"'concat'
  export   SPACED_SECRET=$c6   # trailing comment
DYNAMIC_TOKEN=\$(printf dyn); export DYNAMIC_TOKEN
export VAR_TOKEN="prefix-\$HOME"
export PLACEHOLDER_TOKEN=changeme
if [ -z "\${HUSH_NO_SUCH_VAR:-}" ]; then
	export NESTED_SECRET=$c7
fi
cat <<'DOC' >/dev/null
export HEREDOC_TOKEN=notreally
DOC
LATER_PASSWORD=later-${c1}
export LATER_PASSWORD
export MULTI_ONE=1 MULTI_TOKEN=two
RCFILE
printf 'export LAST_SECRET=%s' "$c2" >>"$rc"
chmod 0640 "$rc"
cp "$rc" "$T/bashrc.orig"
# what bash itself makes of each variable
names="GITHUB_TOKEN OPENAI_API_KEY DB_PASSWORD API_TOKEN STRIPE_SECRET SPACED_SECRET NESTED_SECRET LATER_PASSWORD LAST_SECRET"
check "original bashrc is valid bash" bash -n "$rc"
for n in $names; do
	env -i PS1=x HOME="$HOME" bash -c "source '$T/bashrc.orig' 2>/dev/null; printf '%s\\n' \"\$$n\"" >"$T/bash.$n"
done
m1=$(stat -c %Y.%y "$rc")
run "$H" migrate --dry-run "$rc"; r=$?
is "dry run exits 0" "$r" "0"
check "dry run leaves the bytes unchanged" cmp -s "$rc" "$T/bashrc.orig"
is "dry run leaves the mtime unchanged" "$(stat -c %Y.%y "$rc")" "$m1"
is "dry run stores nothing" "$("$H" list 2>/dev/null | grep -c _)" "0"
like "dry run shows a unified diff" "$(cat "$OUT")" $'--- .*bashrc\n\\+\\+\\+ .*bashrc\n@@ -4,1 \\+4,1 @@'
run "$H" migrate "$rc" </dev/null; r=$?
is "without --yes and without a terminal: exit 2" "$r" "2"
check "... and nothing changed" cmp -s "$rc" "$T/bashrc.orig"
run "$H" migrate --yes "$rc"; r=$?
is "migrate --yes exits 0" "$r" "0"
for n in $names; do
	"$H" get "$n" >"$T/vault.$n" 2>/dev/null
	if cmp -s "$T/vault.$n" "$T/bash.$n" && [ -s "$T/bash.$n" ]; then ok "bash: $n in the vault equals bash's own value"
	else not_ok "bash: $n in the vault equals bash's own value"; fi
done
vault_names() { "$H" list 2>/dev/null | awk 'NR > 1 { print $1 }'; }
vault_names >"$T/names"
for n in DYNAMIC_TOKEN VAR_TOKEN PLACEHOLDER_TOKEN HEREDOC_TOKEN MULTI_TOKEN PATH EDITOR; do
	if grep -qx "$n" "$T/names"; then not_ok "bash: $n not moved"; else ok "bash: $n not moved"; fi
done
like "dynamic value reported, not moved" "$(cat "$OUT")" "not moved: .*bashrc:10 DYNAMIC_TOKEN: built from a command or another variable"
like "several assignments on a line reported" "$(cat "$OUT")" "not moved: .*MULTI_TOKEN: several assignments on one line"
check "rewritten bashrc passes bash -n" bash -n "$rc"
check "rewritten bashrc sources cleanly" env -i HOME="$HOME" PS1=x bash -c "source '$rc'"
ok_lines=$(python3 - "$T/bashrc.orig" "$rc" "4 5 6 7 8 9 14 19 22" <<'PY'
import sys
a = open(sys.argv[1], "rb").read().split(b"\n")
b = open(sys.argv[2], "rb").read().split(b"\n")
moved = {int(x) for x in sys.argv[3].split()}
bad = []
if len(a) != len(b): bad.append("line count %d != %d" % (len(a), len(b)))
for i, (x, y) in enumerate(zip(a, b), 1):
    if i in moved:
        s = y.lstrip(b" \t")
        if not (s.startswith(b"# ") or s.startswith(b": # ")) or b"moved to hush vault (hush migrate, " not in y:
            bad.append("line %d not rewritten" % i)
        if y[:len(y) - len(s)] != x[:len(x) - len(x.lstrip(b" \t"))]:
            bad.append("line %d indent changed" % i)
    elif x != y:
        bad.append("line %d changed" % i)
print(" ".join(bad) or "same")
PY
)
is "only the moved lines changed, everything else byte for byte" "$ok_lines" "same"
like "nested line keeps the if body non-empty" "$(sed -n 14p "$rc")" $'^\t: # NESTED_SECRET moved to hush vault'
is "mode kept" "$(stat -c %a "$rc")" "640"
is "no plaintext backup next to the file" "$(find "$HOME" -name '*.hush-backup-*' | wc -l)" "0"
nbk() { find "$HUSH_HOME/backups" -name '*.hbk' 2>/dev/null | wc -l; }
is "one sealed backup in the data directory" "$(nbk)" "1"
bk=$(find "$HUSH_HOME/backups" -name '*.hbk' | head -1)
is "sealed backup has mode 0600" "$(stat -c %a "$bk" 2>/dev/null)" "600"
assert_absent "sealed backup holds no value in the clear" "$c1" "$HUSH_HOME/backups"
cp "$rc" "$T/bashrc.after"
run "$H" migrate --yes "$rc"; r=$?
is "second run exits 0" "$r" "0"
check "second run changes nothing" cmp -s "$rc" "$T/bashrc.after"
is "second run makes no new backup" "$(nbk)" "1"

# --- zsh ---
z="$HOME/.zshrc"
cat >"$z" <<RCFILE
# zshrc
setopt autocd
export ZSH_TOKEN="$c3\\\$x"
typeset -x ZSH_SECRET='$c4'"-more"
export HF_THING=$c5
if [[ -o interactive ]]; then
  export ZSH_NESTED_PASSWORD=$c6
fi
RCFILE
cp "$z" "$T/zshrc.orig"
check "original zshrc is valid zsh" zsh -n "$z"
for n in ZSH_TOKEN ZSH_SECRET ZSH_NESTED_PASSWORD; do
	env -i HOME="$HOME" zsh -fic "source '$T/zshrc.orig' 2>/dev/null; print -r -- \"\$$n\"" >"$T/zsh.$n" 2>/dev/null
done
run "$H" migrate --yes "$z"; r=$?
is "zsh: migrate exits 0" "$r" "0"
for n in ZSH_TOKEN ZSH_SECRET ZSH_NESTED_PASSWORD; do
	"$H" get "$n" >"$T/vault.$n" 2>/dev/null
	if cmp -s "$T/vault.$n" "$T/zsh.$n" && [ -s "$T/zsh.$n" ]; then ok "zsh: $n in the vault equals zsh's own value"
	else not_ok "zsh: $n in the vault equals zsh's own value"; fi
done
vault_names >"$T/names"
if grep -qx HF_THING "$T/names"; then not_ok "zsh: HF_THING (no secret name, no token format) not moved"
else ok "zsh: HF_THING (no secret name, no token format) not moved"; fi
check "rewritten zshrc passes zsh -n" zsh -n "$z"

# --- fish ---
mkdir -p "$HOME/.config/fish"
f="$HOME/.config/fish/config.fish"
gh=$(grep -o 'ghp_[A-Za-z0-9]*' "$HUSH_SRC/tests/fixtures/scan/corpus/.git-credentials")
cat >"$f" <<RCFILE
# fish config
set -gx PATH \$HOME/bin \$PATH
set -gx FISH_TOKEN '$c7 it\\'s'
set -x FISH_SECRET "$c1 \\"q\\""
set --export --global PLAIN_VALUE $gh
set -g NOT_EXPORTED_TOKEN $c2
set -gx FISH_DYN_TOKEN (cat /nonexistent)
if true
    set -Ux FISH_NESTED_PASSWORD $c3
end
RCFILE
cp "$f" "$T/fish.orig"
check "original config.fish is valid fish" fish -n "$f"
mkdir -p "$T/fishhome"
for n in FISH_TOKEN FISH_SECRET PLAIN_VALUE FISH_NESTED_PASSWORD; do
	env -i HOME="$T/fishhome" XDG_CONFIG_HOME="$T/fishhome" XDG_DATA_HOME="$T/fishhome" \
		fish -N -c "source '$T/fish.orig' 2>/dev/null; printf '%s\\n' \$$n" >"$T/fish.$n" 2>/dev/null
done
run "$H" migrate --yes "$f"; r=$?
is "fish: migrate exits 0" "$r" "0"
for n in FISH_TOKEN FISH_SECRET PLAIN_VALUE FISH_NESTED_PASSWORD; do
	"$H" get "$n" >"$T/vault.$n" 2>/dev/null
	if cmp -s "$T/vault.$n" "$T/fish.$n" && [ -s "$T/fish.$n" ]; then ok "fish: $n in the vault equals fish's own value"
	else not_ok "fish: $n in the vault equals fish's own value"; fi
done
vault_names >"$T/names"
for n in NOT_EXPORTED_TOKEN FISH_DYN_TOKEN; do
	if grep -qx "$n" "$T/names"; then not_ok "fish: $n not moved"; else ok "fish: $n not moved"; fi
done
check "rewritten config.fish passes fish -n" fish -n "$f"

# --- collisions are never overwritten ---
printf 'export GITHUB_TOKEN=%s\n' "$c4" >"$T/collide.sh"
run "$H" migrate --yes "$T/collide.sh"; r=$?
is "collision with a different value: exit 1" "$r" "1"
like "collision reported with a hint" "$(cat "$OUT")" "not moved: .*collide.sh:1 GITHUB_TOKEN: a different value is already in the vault"
is "collision: the line stays" "$(cat "$T/collide.sh")" "export GITHUB_TOKEN=$c4"
is "collision: the vault keeps the old value" "$("$H" get GITHUB_TOKEN 2>/dev/null)" "$c1"

# --- ownership kept (root only) ---
if is_root; then
	printf 'export OWNED_TOKEN=%s\n' "$c5" >"$T/owned.sh"; chown 65534:65534 "$T/owned.sh"; chmod 0604 "$T/owned.sh"
	run "$H" migrate --yes "$T/owned.sh"
	is "owner and mode kept" "$(stat -c '%u:%g %a' "$T/owned.sh")" "65534:65534 604"
else
	skip "ownership test needs root to chown"
fi

# --- kill -9 during the rewrite: the original or the new file, never half ---
printf 'export KEEP=1\n' >"$T/crash.orig"
for i in $(seq 1 200); do printf 'export CRASH_TOKEN_%d=%s%d\n' "$i" "$c6" "$i" >>"$T/crash.orig"; done
printf 'export TAIL=1\n' >>"$T/crash.orig"
cp "$T/crash.orig" "$T/crash.sh"
run "$H" migrate --yes "$T/crash.sh"
cp "$T/crash.sh" "$T/crash.new"
bad=0 saw_old=0 saw_new=0
for i in $(seq 1 12); do
	cp "$T/crash.orig" "$T/crash.sh"
	"$H" migrate --yes "$T/crash.sh" >/dev/null 2>&1 &
	pid=$!
	sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
	kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	if cmp -s "$T/crash.sh" "$T/crash.orig"; then saw_old=$((saw_old + 1))
	elif cmp -s "$T/crash.sh" "$T/crash.new"; then saw_new=$((saw_new + 1))
	else bad=$((bad + 1)); fi
done
is "kill -9 at random points: never a half-written file (old $saw_old, new $saw_new)" "$bad" "0"
is "the completed rewrite moved all 200" "$(grep -c 'moved to hush vault' "$T/crash.new")" "200"

# --- import --replace ---
p="$T/My Project-2"; mkdir -p "$p"
cat >"$p/.env" <<RCFILE
# database
DB_PASSWORD=$c7
export API_KEY="$c1"
EMPTY=
PORT=3000
REF=\${HOME}/x
RCFILE
run "$H" import "$p/.env" --replace; r=$?
is "import --replace exits 0" "$r" "0"
is "the .env keeps names and comments only" "$(cat "$p/.env")" $'# database\nDB_PASSWORD=\nexport API_KEY=\nEMPTY=\nPORT=\nREF=${HOME}/x'
is "values stored under project-scoped names" "$("$H" get MY_PROJECT_2_DB_PASSWORD 2>/dev/null) $("$H" get MY_PROJECT_2_API_KEY 2>/dev/null)" "$c7 $c1"
like "grant snippet printed" "$(cat "$OUT")" "secrets = DB_PASSWORD=MY_PROJECT_2_DB_PASSWORD, API_KEY=MY_PROJECT_2_API_KEY, PORT=MY_PROJECT_2_PORT"
run "$H" import "$p/.env" --replace; r=$?
is "import --replace again: nothing to move, exit 0" "$r" "0"

# --- hush scan --migrate ---
s="$T/svc"; mkdir -p "$s"; printf 'SERVICE_TOKEN=%s\n' "$c2" >"$s/.env.local"
run "$H" scan --no-git --migrate "$s"
is "scan --migrate moves .env values" "$("$H" get SVC_SERVICE_TOKEN 2>/dev/null)" "$c2"
is "scan --migrate leaves the key" "$(cat "$s/.env.local")" "SERVICE_TOKEN="

# --- usage ---
"$H" migrate --help | grep -q -- "--dry-run"; is "migrate --help" "$?" "0"
"$H" migrate --bogus >/dev/null 2>&1; is "unknown option exits 2" "$?" "2"
"$H" migrate --yes "$T/nope" >/dev/null 2>&1; is "missing file exits 2" "$?" "2"

# --- no value ever printed ---
leaked=0
for c in "$c1" "$c2" "$c3" "$c4" "$c5" "$c6" "$c7"; do
	grep -qaF -- "$c" "$OUT" && leaked=$((leaked + 1))
done
is "no canary value printed by migrate/import/scan ($(wc -l <"$OUT") lines checked)" "$leaked" "0"
