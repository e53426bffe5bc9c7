# SPDX-License-Identifier: ISC
# Credential stores hidden by default (the catalogue in docs/sandbox.md):
# history files, browser profiles, cloud and package-manager credential
# files, old rc-file backups. Each holds a canary; outside, the same user
# reads it (the control); inside hush sandbox, neither cat nor a recursive
# grep over the home, nor raw syscalls, find it.
. "$(dirname "$0")/lib.sh"

need_setpriv
nobody_prepare
C=$(canary)
P="$T/proj"
mkdir -p "$P"
stores="
.bash_history
.zsh_history
.python_history
.psql_history
.local/share/fish/fish_history
.bashrc.hush-backup-20260101-000000
.mozilla/firefox/abc.default/cookies.sqlite
.config/google-chrome/Default/Login Data
.config/rclone/rclone.conf
.cargo/credentials.toml
.gem/credentials
.m2/settings.xml
.terraform.d/credentials.tfrc.json
.config/hub
.config/op/config
.config/gh/hosts.yml
.docker/config.json
.gradle/gradle.properties
.config/composer/auth.json
.pulumi/credentials.json
.vercel/auth.json
.databrickscfg
.kaggle/kaggle.json
.config/containers/auth.json
.codex/auth.json
.claude/.credentials.json
"
while IFS= read -r f; do
	[ -n "$f" ] || continue
	mkdir -p "$(dirname "$NB_HOME/$f")"
	printf 'export GITHUB_TOKEN=%s\n' "$C" >"$NB_HOME/$f"
done <<<"$stores"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$NB_HOME" "$P"

n=0
while IFS= read -r f; do
	[ -n "$f" ] || continue
	n=$((n + 1))
	ctl=$(cd "$P" && as_nobody cat "$NB_HOME/$f" 2>&1)
	in=$(cd "$P" && as_nobody "$NB_BIN/hush" sandbox -- cat "$NB_HOME/$f" 2>&1)
	if [[ "$ctl" == *"$C"* && "$in" != *"$C"* ]]; then ok "~/$f: readable outside, hidden inside"
	else not_ok "~/$f: readable outside, hidden inside"; echo "#   inside: ${in:0:120}"; fi
done <<<"$stores"
in=$(cd "$P" && as_nobody "$NB_BIN/hush" sandbox -- sh -c 'grep -ra GITHUB_TOKEN ~ 2>/dev/null; echo grep-done' 2>&1)
like "a recursive grep over the home ran" "$in" "grep-done"
[[ "$in" != *"$C"* ]] && ok "a recursive grep over the home finds none of the $n stores" ||
	not_ok "a recursive grep over the home found a store: $(grep -F -- "$C" <<<"$in" | head -2)"
ctl=$(cd "$P" && as_nobody sh -c 'grep -ra GITHUB_TOKEN ~ 2>/dev/null | wc -l')
is "control: outside, the same grep finds all $n" "$ctl" "$n"

# an agent's own login stays visible to it (its profile's state directory),
# and is hidden from the others
o=$(cd "$P" && as_nobody "$NB_BIN/hush" sandbox --profile claude -- cat "$NB_HOME/.claude/.credentials.json" 2>&1)
like "the claude profile sees Claude Code's own login" "$o" "$C"
o=$(cd "$P" && as_nobody "$NB_BIN/hush" sandbox --profile claude -- cat "$NB_HOME/.codex/auth.json" 2>&1)
[[ "$o" != *"$C"* ]] && ok "the claude profile does not see Codex's login" || not_ok "the claude profile sees Codex's login"
# project files: editor backups and tools' secret files
for f in .env~ .dev.vars secrets.toml local.settings.json; do
	printf 'X=%s\n' "$C" >"$P/$f"
done
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$P"
o=$(cd "$P" && as_nobody "$NB_BIN/hush" sandbox -- sh -c 'cat .env~ .dev.vars secrets.toml local.settings.json; reader raw .dev.vars 2>/dev/null' 2>&1)
[[ "$o" != *"$C"* ]] && ok "project secret files (.env~, .dev.vars, secrets.toml, local.settings.json) are hidden" ||
	not_ok "a project secret file was readable: $(grep -F -- "$C" <<<"$o" | head -1)"
