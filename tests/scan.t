#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# hush scan: the fixture corpus gives exactly the expected findings; output
# formats, exit codes, hush:allow, baselines, git exposure, sandbox
# visibility, --home, hostile trees (unreadable, symlink loops, FIFOs, huge
# files); secret values never appear in any output.
. "$(dirname "$0")/lib.sh"
setup_home
FIX="$HUSH_SRC/tests/fixtures/scan"

# findings as sorted "file:line:rule" lines from JSON on stdin
findings() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in sorted("%s:%d:%s" % (f["file"][2:] if f["file"].startswith("./") else f["file"], f["line"], f["rule"]) for f in d["findings"]):
    print(f)'
}

# --- the corpus ---
cp -a "$FIX/corpus" "$T/corpus"
out=$(cd "$T/corpus" && "$H" scan --no-git --format json . 2>"$T/err"); rc=$?
is "corpus scan exits 1 (findings)" "$rc" "1"
printf '%s\n' "$out" | findings >"$T/got"
if diff -u "$FIX/expected.txt" "$T/got" >"$T/diff"; then
	ok "corpus findings equal tests/fixtures/scan/expected.txt ($(wc -l <"$T/got") findings)"
else
	not_ok "corpus findings equal tests/fixtures/scan/expected.txt"
	sed 's/^/#   /' "$T/diff" | head -40
fi
is "expected list is not trivially small" "$(($(wc -l <"$FIX/expected.txt") >= 100))" "1"
n_rules=$(cut -d: -f3 "$FIX/expected.txt" | sort -u | wc -l)
is "at least 40 distinct rules exercised in the corpus" "$((n_rules >= 40))" "1"

# every token of tokens.txt and the look-alikes must not leak in any format
(cd "$T/corpus" && "$H" scan --no-git . >"$T/out.text" 2>&1; "$H" scan --no-git --format sarif . >"$T/out.sarif" 2>&1
 cp "$T/got" "$T/out.json.lines"; printf '%s\n' "$out" >"$T/out.json")
leaks=$(python3 - "$T/corpus" "$T/out.text" "$T/out.json" "$T/out.sarif" <<'PY'
import sys, re, os
root = sys.argv[1]
outs = [open(p, encoding="utf-8", errors="replace").read() for p in sys.argv[2:]]
vals = set()
for dp, dn, fn in os.walk(root):
    for n in fn:
        data = open(os.path.join(dp, n), "rb").read().decode("latin-1")
        for m in re.finditer(r"[A-Za-z0-9_+/=.-]{16,}", data):
            vals.add(m.group(0))
leaked = [v for v in vals if any(v[6:] in o for o in outs) and len(v[6:]) >= 10]
print(len(leaked))
for v in leaked[:3]:
    print("# leaked: " + v[:6] + "...", file=sys.stderr)
PY
)
is "no value of length >= 16 from the corpus appears in text/json/sarif output" "$leaks" "0"
like "text output groups by file and says who can see it" "$(cat "$T/out.text")" "\./\.env  \[not in git; hidden from sandbox; credential file\]"
like "text output reports verified checksums" "$(cat "$T/out.text")" "github-pat .*checksum: valid"
like "masked preview: 4 chars, ellipsis, length" "$(cat "$T/out.text")" "ghp_…\(40 chars\)"
check "SARIF is valid 2.1.0 JSON with one result per finding" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
run = d["runs"][0]
ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
assert len(run["results"]) == int(sys.argv[2]), len(run["results"])
for r in run["results"]:
    assert r["ruleId"] in ids
    assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
    assert r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    assert r["level"] in ("error", "warning", "note")
' "$T/out.sarif" "$(wc -l <"$FIX/expected.txt")"

# --- exit codes and usage ---
mkdir -p "$T/clean"; echo "nothing here" >"$T/clean/readme.txt"
"$H" scan --no-git "$T/clean" >/dev/null 2>&1; is "clean tree exits 0" "$?" "0"
"$H" scan "$T/does-not-exist" >/dev/null 2>"$T/err"; is "missing path exits 2" "$?" "2"
like "missing path error names it" "$(cat "$T/err")" "^hush: cannot scan .*does-not-exist: no such file"
"$H" scan --format xml "$T/clean" >/dev/null 2>&1; is "unknown format exits 2" "$?" "2"
"$H" scan --bogus >/dev/null 2>&1; is "unknown option exits 2" "$?" "2"
"$H" scan --help | grep -q "hush:allow"; is "scan --help documents hush:allow" "$?" "0"

# --- hush:allow and canaries in generic assignments ---
c=$(canary)
mkdir -p "$T/allow"
printf 'API_KEY=%s\n' "$c" >"$T/allow/.env"
"$H" scan --no-git "$T/allow" >"$T/allow.out" 2>&1; is "canary in .env reported" "$?" "1"
"$H" scan --no-git --format json "$T/allow" >>"$T/allow.out" 2>&1
"$H" scan --no-git --format sarif "$T/allow" >>"$T/allow.out" 2>&1
assert_absent "canary value absent from all scan outputs" "$c" "$T/allow.out"
printf 'API_KEY=%s # hush:allow\n' "$c" >"$T/allow/.env"
"$H" scan --no-git "$T/allow" >/dev/null 2>&1; is "hush:allow on the line suppresses it" "$?" "0"

# --- baseline ---
mkdir -p "$T/bl"; cp "$FIX/corpus/tokens.txt" "$T/bl/"
(cd "$T/bl" && "$H" scan --no-git --write-baseline "$T/baseline.json" . >/dev/null 2>&1)
is "baseline written" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["fingerprints"]))' "$T/baseline.json")" "$(grep -c '^tokens.txt' "$FIX/expected.txt")"
(cd "$T/bl" && "$H" scan --no-git --baseline "$T/baseline.json" . >/dev/null 2>&1); is "all findings in the baseline: exit 0" "$?" "0"
tok=$(grep -o 'ghp_[A-Za-z0-9]*' "$FIX/corpus/tokens.txt" | head -1)
assert_absent "baseline holds no secret" "${tok:4}" "$T/baseline.json"
printf 'new %s\n' "$(grep -o 'npm_[A-Za-z0-9]*' "$FIX/corpus/.npmrc")" >>"$T/bl/tokens.txt"
out=$(cd "$T/bl" && "$H" scan --no-git --baseline "$T/baseline.json" --format json . 2>/dev/null | findings)
is "only the new finding is reported against the baseline" "$out" "tokens.txt:$(wc -l <"$T/bl/tokens.txt"):npm-token"
echo '{"fingerprints": [ "zz" ]}' >"$T/badbl.json"
"$H" scan --no-git --baseline "$T/badbl.json" "$T/bl" >/dev/null 2>"$T/err"; is "malformed baseline exits 2" "$?" "2"

# --- git exposure ---
g="$T/repo"; mkdir -p "$g"
(cd "$g" && git init -q . && printf '.env\nsecrets/\n' >.gitignore && mkdir secrets &&
 cp "$T/bl/tokens.txt" tracked.txt && head -3 "$FIX/corpus/tokens.txt" >untracked.txt &&
 head -3 "$FIX/corpus/tokens.txt" >.env && head -3 "$FIX/corpus/tokens.txt" >secrets/key.txt &&
 git add .gitignore tracked.txt && git -c user.email=t@t -c user.name=t commit -qm init)
out=$("$H" scan --format json "$g" | python3 -c '
import json, sys
seen = {}
for f in json.load(sys.stdin)["findings"]:
    seen[f["file"].rsplit("/", 1)[-1]] = f["exposure"]
print(" ".join("%s=%s" % kv for kv in sorted(seen.items())))')
is "git exposure: tracked / ignored / untracked" "$out" ".env=ignored key.txt=ignored tracked.txt=tracked untracked.txt=untracked"
out=$("$H" scan --no-git --format json "$g/tracked.txt" | python3 -c 'import json,sys; print({f["exposure"] for f in json.load(sys.stdin)["findings"]})')
is "--no-git leaves exposure unknown" "$out" "{'not in git'}"

# --- sandbox visibility (default hide globs and hide_dirs) ---
mkdir -p "$HOME/.aws" "$T/vis"
head -3 "$FIX/corpus/tokens.txt" >"$HOME/.aws/notes.txt"
head -3 "$FIX/corpus/tokens.txt" >"$T/vis/.env.local"
head -3 "$FIX/corpus/tokens.txt" >"$T/vis/.env.example"
head -3 "$FIX/corpus/tokens.txt" >"$T/vis/main.go"
out=$("$H" scan --no-git --format json "$T/vis" "$HOME/.aws" | python3 -c '
import json, sys
print(" ".join(sorted({"%s=%s" % (f["file"].rsplit("/", 1)[-1], f["sandbox"]) for f in json.load(sys.stdin)["findings"]})))')
is "sandbox: hidden by glob / hide_dirs, visible otherwise" "$out" ".env.example=visible .env.local=hidden main.go=visible notes.txt=hidden"

# --- --home ---
gh=$(grep -o 'gho_[A-Za-z0-9]*' "$FIX/corpus/tokens.txt")
mkdir -p "$HOME/.config/gh" "$HOME/.config/someapp"
printf 'export PATH=$HOME/bin:$PATH\nexport GITHUB_TOKEN=%s\n' "$(grep -o 'ghp_[A-Za-z0-9]*' "$FIX/corpus/.git-credentials")" >"$HOME/.bashrc"
printf 'github.com:\n    oauth_token: %s\n    user: me\n' "$gh" >"$HOME/.config/gh/hosts.yml"
printf 'token = "%s"\n' "$(grep -o 'glpat-[A-Za-z0-9_-]*' "$FIX/corpus/tokens.txt")" >"$HOME/.config/someapp/auth_token"
printf 'curl -H "Authorization: Bearer x" https://u:%s@example.com\n' "Zq8$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$HOME/.bash_history"
out=$("$H" scan --home --no-git --format json | findings | sed "s|^$HOME/||")
like "--home finds the rc file export" "$out" "\.bashrc:2:github-pat"
like "--home finds gh's hosts.yml" "$out" "\.config/gh/hosts\.yml:2:github-oauth-token"
like "--home finds ~/.config/*/ token files" "$out" "\.config/someapp/auth_token:1:gitlab-pat"
like "--home finds shell history" "$out" "\.bash_history:1:url-password"
like "--home finds ~/.aws" "$out" "\.aws/notes\.txt:2:github-pat"

# --- hostile trees ---
h="$T/hostile"; mkdir -p "$h/sub" "$h/loop"
head -3 "$FIX/corpus/tokens.txt" >"$h/sub/a.txt"
ln -s ../loop "$h/loop/again"; ln -s "$h" "$h/sub/up"; ln -s "$h/nowhere" "$h/broken"
mkfifo "$h/fifo"
head -c 5000000 /dev/zero | tr '\0' 'a' >"$h/huge.txt"; head -2 "$FIX/corpus/tokens.txt" >>"$h/huge.txt"
printf '\xff\xfe\x00\x01 binary %s\n' "$(grep -o 'ghp_[A-Za-z0-9]*' "$FIX/corpus/.git-credentials")" >"$h/bin.dat"
printf '\xc3\x28 invalid utf8 %s\n' "$(grep -o 'npm_[A-Za-z0-9]*' "$FIX/corpus/.npmrc")" >"$h/bad-utf8.txt"
timeout 60 "$H" scan --no-git --format json "$h" >"$T/h.json" 2>"$T/h.err"; rc=$?
is "hostile tree: loops, FIFO, broken link do not hang or crash (exit 1)" "$rc" "1"
is "hostile tree: findings from the readable files only" "$(findings <"$T/h.json" | sed "s|^$h/||" | tr '\n' ' ')" "bad-utf8.txt:1:npm-token sub/a.txt:2:github-pat sub/a.txt:3:github-oauth-token "
like "huge file reported as skipped" "$(cat "$T/h.json")" "huge.txt\",\"why\":\"larger than the scan size cap"
printf '[scan]\nmax_file = 8M\n' >"$HUSH_CONFIG"
"$H" scan --no-git --format json "$h/huge.txt" | findings | grep -q github-pat; is "max_file from config raises the cap" "$?" "0"
rm -f "$HUSH_CONFIG"
nobody_prepare
u="$NB_HOME/unreadable"; mkdir -p "$u/locked"
head -3 "$FIX/corpus/tokens.txt" >"$u/ok.txt"; head -3 "$FIX/corpus/tokens.txt" >"$u/secret.txt"
chmod 000 "$u/secret.txt"; chmod 000 "$u/locked"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$u" && chmod 000 "$u/secret.txt" "$u/locked"
as_nobody "$NB_BIN/hush" scan --no-git "$u" >"$T/u.out" 2>"$T/u.err"; rc=$?
is "unreadable file and dir as unprivileged user: exit 1, no crash" "$rc" "1"
like "unreadable file reported" "$(cat "$T/u.err")" "skipped .*secret.txt: permission denied"
like "unreadable dir reported" "$(cat "$T/u.err")" "skipped .*locked: permission denied"
like "readable file still scanned" "$(cat "$T/u.out")" "ok.txt"

# --- terminal: progress for large trees, colour; never on pipes ---
big="$T/big"; mkdir -p "$big"
for d in $(seq 1 21); do mkdir -p "$big/d$d"; for f in $(seq 1 100); do echo "x" >"$big/d$d/f$f.txt"; done; done
head -3 "$FIX/corpus/tokens.txt" >"$big/d1/tok.txt"
script -qec "$H scan --no-git '$big'" /dev/null >"$T/tty.out" 2>&1
like "progress line on a terminal for a large tree" "$(tr '\r' '\n' <"$T/tty.out")" "hush: scanning [0-9]+/2101 files"
like "colour on a terminal" "$(cat "$T/tty.out")" $'\033\\[1m'
"$H" scan --no-git "$big" >"$T/pipe.out" 2>&1
if grep -q $'\033\\|scanning' "$T/pipe.out"; then not_ok "no progress or colour on a pipe"; else ok "no progress or colour on a pipe"; fi

# --- a root that is a symlink to a file (dotfile managers) is scanned ---
mkdir -p "$T/dotfiles"; head -3 "$FIX/corpus/tokens.txt" >"$T/dotfiles/bashrc"; ln -s "$T/dotfiles/bashrc" "$T/linked-bashrc"
is "symlinked root file scanned at its target" "$("$H" scan --no-git --format json "$T/linked-bashrc" | findings | wc -l)" "2"

# --- the repository's own config runs nothing when hush scan asks git
# (an agent may have written it: core.fsmonitor starts with ls-files) ---
R="$T/fsmon"; mkdir -p "$R" && git -C "$R" init -q
head -3 "$FIX/corpus/tokens.txt" >"$R/tokens.txt"
git -C "$R" config core.fsmonitor "touch $T/fsmon-ran; false"
git -C "$R" ls-files >/dev/null 2>&1
check "control: git ls-files in that repository runs its core.fsmonitor" test -e "$T/fsmon-ran"
rm -f "$T/fsmon-ran"
"$H" scan --format json "$R" >"$T/fsmon.json" 2>&1
check "hush scan still tells tracked from untracked there" grep -q '"exposure":"untracked"' "$T/fsmon.json"
check_fail "hush scan's git runs none of it" test -e "$T/fsmon-ran"

# --- a token in a remote URL in .git/config is reported (the rest of .git is not read) ---
R="$T/gitcfg"; mkdir -p "$R" && git -C "$R" init -q
git -C "$R" remote add origin "https://deploy:Zq8vT2mLx9pR4wK7nB3c@git.example.com/o/r.git"
o=$("$H" scan "$R" 2>&1)
like "a credential in .git/config's remote URL is found" "$o" "\.git/config .*"$'\n'" +[0-9]+ +url-password"
[[ "$o" != *Zq8vT2mLx9pR4wK7nB3c* ]] && ok "... and shown only as a preview" || not_ok "... and shown only as a preview"
