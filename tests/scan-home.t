#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# hush scan --home: rc files and their backups, shell and REPL history,
# credential files of common tools and .env files in project directories
# are found; each finding says whether a sandboxed agent would see it, by
# the sandbox's own hide matcher; values never appear in the output.
. "$(dirname "$0")/lib.sh"
setup_home

. "$(dirname "$0")/scan_lib.sh"
findings() { scan_findings "$HOME" sandbox; }

t_hist=$(ghtok ghp_); t_backup=$(ghtok gho_); t_fish=$(ghtok ghu_); t_bak=$(ghtok ghs_)
cargo=cio$(rnd 32 ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789)
c_env=$(canary); c_pem=$(canary)

mkdir -p "$HOME/.cargo" "$HOME/.local/share/fish" "$HOME/src/app" "$HOME/work/org/api" \
	"$HOME/src/app/node_modules/dep" "$HOME/.cache/tool" "$HOME/.m2"
printf 'ls\nexport GITHUB_TOKEN=%s\ngit push\n' "$t_hist" >"$HOME/.bash_history"
printf '# kept by hush migrate\nexport GH_TOKEN=%s\n' "$t_backup" >"$HOME/.bashrc.hush-backup-20260101"
printf 'alias ll="ls -l"\nexport GH_ENTERPRISE_TOKEN=%s\n' "$t_bak" >"$HOME/.bashrc.bak"
printf -- '- cmd: set -gx GITHUB_TOKEN %s\n  when: 1700000000\n' "$t_fish" >"$HOME/.local/share/fish/fish_history"
printf '[registry]\ntoken = "%s"\n' "$cargo" >"$HOME/.cargo/credentials.toml"
printf 'API_KEY=%s\n' "$c_env" >"$HOME/src/app/.env"
printf 'DB_PASSWORD=%s\n' "$c_env" >"$HOME/work/org/api/.env.local"
printf 'API_KEY=%s\n' "$(canary)" >"$HOME/src/app/node_modules/dep/.env"
printf 'API_KEY=%s\n' "$(canary)" >"$HOME/.cache/tool/.env"
printf '<settings><servers><server><id>central</id>\n  <password>\n    %s\n  </password>\n</server></servers></settings>\n' "Xk9$(canary)Qz" >"$HOME/.m2/settings.xml"

"$H" scan --home --no-git --format json >"$T/home.json" 2>"$T/home.err"; rc=$?
is "scan --home exits 1 (findings)" "$rc" "1"
out=$(findings <"$T/home.json")
printf '%s\n' "$out" | sed 's/^/# /'
# has "DESCRIPTION" ERE: one finding line matches ERE whole
has() { if grep -Eqx -- "$2" <<<"$out"; then ok "$1"; else not_ok "$1"; echo "#   no line matching $2"; fi; }
has "shell history: export typed once (hidden from the sandbox by default)" "\.bash_history:2:github-pat:hidden"
has "fish history" "\.local/share/fish/fish_history:1:github-user-token:.*"
has "rc backup left by hush migrate" "\.bashrc\.hush-backup-20260101:2:github-oauth-token:.*"
has "rc backup copy (.bashrc.bak)" "\.bashrc\.bak:2:github-app-token:.*"
has "~/.cargo/credentials.toml" "\.cargo/credentials\.toml:2:.*"
has "~/.m2/settings.xml: password element over several lines" "\.m2/settings\.xml:3:generic-secret:.*"
has ".env in a project directory, hidden from the sandbox" "src/app/\.env:1:generic-secret:hidden"
has ".env.local two levels down" "work/org/api/\.env\.local:1:generic-secret:hidden"
if grep -q "node_modules\|\.cache" <<<"$out"; then
	not_ok "skipped and hidden directories are not walked"
else
	ok "skipped and hidden directories are not walked"
fi
"$H" scan --home --no-git >"$T/home.txt" 2>&1
"$H" scan --home --no-git --format sarif >>"$T/home.txt" 2>&1
cat "$T/home.json" "$T/home.err" >>"$T/home.txt"
for v in "$t_hist" "$t_backup" "$t_fish" "$t_bak" "$cargo" "$c_env"; do
	assert_absent "value absent from every output (${v:0:4}...)" "${v:4}" "$T/home.txt"
done

# control: the same files outside --home are found by a plain scan too, so
# a miss above is not a rule that fails
"$H" scan --no-git --format json "$HOME/.cargo/credentials.toml" | findings | grep -q credentials.toml
is "control: credentials.toml is found when named" "$?" "0"

# one matcher for the sandbox and the scanner: "*.pem" hides ".server.pem"
mkdir -p "$T/pem"
printf -- '-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n' \
	"$(head -c 96 /dev/urandom | base64 -w 64)" >"$T/pem/.server.pem"
cp "$T/pem/.server.pem" "$T/pem/server.txt"
printf '[sandbox]\nhide = *.pem\n' >"$HUSH_CONFIG"
out=$("$H" scan --no-git --format json "$T/pem" | python3 -c '
import json, sys
print(" ".join(sorted("%s=%s" % (f["file"].rsplit("/", 1)[-1], f["sandbox"]) for f in json.load(sys.stdin)["findings"])))')
is "*.pem hides .server.pem in the scan as in the sandbox" "$out" ".server.pem=hidden server.txt=visible"
rm -f "$HUSH_CONFIG"
