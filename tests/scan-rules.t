#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# hush scan --rules: a gitleaks config (.gitleaks.toml) with custom rules
# and allowlists finds and skips what gitleaks' detector would (keywords,
# secretGroup, entropy, rule path, path-only rules, per-rule and global
# allowlists with OR / AND, regexTarget, stopwords, targetRules,
# gitleaks:allow, [extend] useDefault and disabledRules), [scan] rules in
# config.ini, and errors that name the line. Values never appear in output.
. "$(dirname "$0")/lib.sh"
setup_home

. "$(dirname "$0")/scan_lib.sh"
findings() { scan_findings "$W"; }

W="$T/w"; mkdir -p "$W/src" "$W/testdata" "$W/infra" "$W/keys" "$W/docs"
acme=acme_$(rnd 32); acme_doc=acme_$(rnd 32); acme_test=acme_$(rnd 32); acme_allow=acme_$(rnd 32)
dbpw=$(rnd 20 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')
gh=$(ghtok)
cat >"$W/.gitleaks.toml" <<TOML
title = "team rules"

[extend]
useDefault = true
disabledRules = ["npm-token"]

[[rules]]
id = "acme-token"
description = "ACME internal API token"
regex = '''\bacme_[a-z0-9]{32}\b'''
keywords = ["ACME_"]
tags = ["internal"]

  [[rules.allowlists]]
  description = "documentation samples"
  regexTarget = "line"
  regexes = ['''(?i)example:''']

  [[rules.allowlists]]
  condition = "AND"
  paths = ['''(?:^|/)docs/''']
  regexTarget = "line"
  regexes = ['''^sample ''']

  [[rules.allowlists]]
  stopwords = ["deadbeef"]

[[rules]]
id = "acme-db-password"
regex = '''(?i)db_pass(?:word)?\s*=\s*"([^"\n]{8,64})"'''
secretGroup = 1
entropy = 3.0
keywords = ["db_pass"]

[[rules]]
id = "zeta-key"
regex = '''ZT-[0-9]{8}-[A-Z]{4}'''
keywords = ["zeta"]

[[rules]]
id = "tf-var-secret"
path = '''\.tf$'''
regex = '''secret_value\s*=\s*"([A-Za-z0-9]{16,})"'''
keywords = ["secret_value"]

[[rules]]
id = "ssh-key-file"
description = "an SSH private key file by name"
path = '''(?:^|/)id_ed25519$'''

[[allowlists]]
description = "fixtures"
paths = ['''(?:^|/)testdata/''']

[[allowlists]]
targetRules = ["zeta-key"]
regexes = ['''-TEST\$''']
TOML

# expected by gitleaks' rules
printf 'API = "%s"\n' "$acme" >"$W/src/app.py"                                     # found
printf '# example: %s\n' "$acme_doc" >>"$W/src/app.py"                             # rule allowlist, line target
printf 'token = "%s"  # gitleaks:allow\n' "$acme_allow" >>"$W/src/app.py"          # inline allow
printf 'sample token %s\n' "$acme_doc" >"$W/docs/guide.md"                         # AND: docs/ and the line
printf 'x = "acme_deadbeef%s"\n' "$(rnd 24)" >>"$W/src/app.py"                      # stopword in the secret
printf 'real token %s\n' "$acme_doc" >"$W/docs/other.md"                           # AND fails: line -> found
printf 'sample token %s\n' "$acme_doc" >"$W/src/sample.txt"                        # AND fails: not under docs/ -> found
printf 'API = "%s"\n' "$acme_test" >"$W/testdata/fixture.py"                       # global path allowlist
printf 'gh = "%s"\n' "$gh" >>"$W/testdata/fixture.py"                              # ... for built-in rules too
printf 'db_password = "%s"\n' "$dbpw" >"$W/src/settings.py"                        # secretGroup 1, high entropy
printf 'DB_PASS = "aaaaaaaabbbbbbbb"\n' >>"$W/src/settings.py"                     # entropy 2.0 <= 3.0: dropped
printf 'key ZT-12345678-ABCD\n' >"$W/src/nokw.txt"                                 # no keyword in file
printf 'zeta key ZT-87654321-WXYZ\n' >"$W/src/kw.txt"                              # keyword present
printf 'zeta ZT-11111111-TEST\n' >>"$W/src/kw.txt"                                 # global allowlist, targetRules
printf 'secret_value = "%s"\n' "$(rnd 24 ABCDEFGHabcdefgh01234567)" >"$W/infra/main.tf"  # path matches
printf 'secret_value = "%s"\n' "$(rnd 24 ABCDEFGHabcdefgh01234567)" >"$W/infra/main.txt" # rule path does not
printf 'not really a key\n' >"$W/keys/id_ed25519"                                  # path-only rule
printf 'GITHUB_TOKEN=%s\n' "$gh" >"$W/src/env.sh"                                  # useDefault: built-in rule
npm=$(ghtok npm_)
printf 'npm = %s\n' "$npm" >>"$W/src/env.sh"                                       # disabledRules: not reported

(cd "$T" && "$H" scan --no-git --format json --rules "$W/.gitleaks.toml" "$W") >"$T/out.json" 2>"$T/err"; rc=$?
is "scan with a gitleaks config exits 1" "$rc" "1"
got=$(findings <"$T/out.json")
want="docs/other.md:1:acme-token
infra/main.tf:1:tf-var-secret
infra/main.txt:1:generic-secret
keys/id_ed25519:1:ssh-key-file
src/app.py:1:acme-token
src/env.sh:1:github-pat
src/kw.txt:1:zeta-key
src/sample.txt:1:acme-token
src/settings.py:1:acme-db-password"
# (a team rule wins over hush's generic rule on the same value, as in
# src/settings.py; the generic rule still reports what the team's rules do
# not cover, as infra/main.txt)
if [ "$got" = "$want" ]; then
	ok "findings are exactly what gitleaks' rules give"
else
	not_ok "findings are exactly what gitleaks' rules give"
	diff <(echo "$want") <(echo "$got") | sed 's/^/#   /'
fi
sg=$(python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["rule"] == "acme-db-password": print(f["preview"])' "$T/out.json")
is "secretGroup: the secret is the group, not the whole match" "$sg" "${dbpw:0:4}…(20 chars)"
like "a rule's description is its title" "$("$H" scan --no-git --rules "$W/.gitleaks.toml" "$W/src/app.py" 2>&1)" "acme-token"

# control: without the config the team's tokens are not found, the built-in
# ones are (so the findings above come from the config)
"$H" scan --no-git --format json "$W/src" 2>/dev/null | findings >"$T/plain"
if grep -q acme "$T/plain"; then not_ok "control: no acme-token without --rules"; else ok "control: no acme-token without --rules"; fi
like "control: npm token found without disabledRules" "$(cat "$T/plain")" "src/env.sh:2:npm-token"
like "control: the testdata file has findings when no allowlist applies" \
	"$("$H" scan --no-git --format json "$W/testdata" | findings)" "github-pat"

# without [extend] useDefault only the file's rules run (as gitleaks)
sed '/^\[extend\]/,/^disabledRules/d' "$W/.gitleaks.toml" >"$T/only.toml"
got=$("$H" scan --no-git --format json --rules "$T/only.toml" "$W/src/env.sh" | findings)
is "no useDefault: built-in rules are off" "$got" ""

# [scan] rules in config.ini
printf '[scan]\nrules = %s\n' "$W/.gitleaks.toml" >"$HUSH_CONFIG"
got=$("$H" scan --no-git --format json "$W/src/kw.txt" | findings)
is "[scan] rules = FILE loads the config" "$got" "src/kw.txt:1:zeta-key"
rm -f "$HUSH_CONFIG"

# values never printed
"$H" scan --no-git --rules "$W/.gitleaks.toml" "$W" >"$T/all.txt" 2>&1
"$H" scan --no-git --format sarif --rules "$W/.gitleaks.toml" "$W" >>"$T/all.txt" 2>&1
cat "$T/out.json" "$T/err" >>"$T/all.txt"
for v in "$acme" "$dbpw" "$gh"; do
	assert_absent "value absent from text, json and sarif output (${v:0:4}...)" "${v:4}" "$T/all.txt"
done

# errors name the file and line; exit 2
bad() { # DESCRIPTION EXPECTED-REGEX TOML
	printf '%s\n' "$3" >"$T/bad.toml"
	"$H" scan --no-git --rules "$T/bad.toml" "$W/src" >/dev/null 2>"$T/bad.err"; local rc=$?
	is "$1: exit 2" "$rc" "2"
	like "$1: message" "$(cat "$T/bad.err")" "$2"
}
bad "unsupported key" "bad.toml:3: unsupported key 'skipReport' in \[\[rules\]\]" $'[[rules]]\nid = "x"\nskipReport = true\nregex = "a"'
bad "unsupported table" "bad.toml:1: unsupported table \[rules.required\]" $'[[rules.required]]\nid = "x"'
bad "regex that does not compile" "bad.toml:3: the rule's regex does not compile" $'[[rules]]\nid = "x"\nregex = "a(b"'
bad "rule without id" "bad.toml:1: a rule needs an id" $'[[rules]]\nregex = "abc"'
bad "empty allowlist" "bad.toml:1: an allowlist needs at least one of" $'[allowlist]\ndescription = "nothing"'
bad "TOML syntax" "bad.toml:2: newline inside a single-line string" $'title = "ok"\nx = "open'
bad "extend url" "bad.toml:2: \[extend\] url is not supported" $'[extend]\nurl = "https://example.com/x.toml"'
"$H" scan --no-git --rules "$T/missing.toml" "$W/src" >/dev/null 2>"$T/bad.err"
like "missing rule file: named" "$(cat "$T/bad.err")" "cannot load the rules: .*missing.toml"
bad "targetRules naming no rule" "targetRules names 'nope', which is not a rule" $'[[rules]]\nid = "x"\nregex = "abc"\n[[allowlists]]\ntargetRules = ["nope"]\nregexes = ["a"]'
bad "both [allowlist] and [[allowlists]]" "bad.toml:3: both \[allowlist\] and \[\[allowlists\]\]" $'[allowlist]\npaths = ["a"]\n[[allowlists]]\npaths = ["b"]'
bad "a second [rules.allowlist]" "bad.toml:6: a second \[rules.allowlist\] for one rule \(use \[\[rules.allowlists\]\]\)" $'[[rules]]\nid = "x"\nregex = "abc"\n[rules.allowlist]\npaths = ["a"]\n[rules.allowlist]\npaths = ["b"]'
bad "a rule with both allowlist forms" "bad.toml:6: a rule with both \[rules.allowlist\] and \[\[rules.allowlists\]\]" $'[[rules]]\nid = "x"\nregex = "abc"\n[[rules.allowlists]]\npaths = ["a"]\n[rules.allowlist]\npaths = ["b"]'
bad "a rule with no regex, path or base" "bad.toml:1: rule 'x' has neither regex nor path" $'[[rules]]\nid = "x"\nkeywords = ["k"]'

# [extend] path: a rule of the same id in the extending file refines the
# base rule (its allowlists added); useDefault: an id-only rule refines
# hush's rule of that id (gitleaks' generic-api-key: hush's generic rules)
E="$T/ext"; mkdir -p "$E/conf" "$E/t/fixtures" "$E/t/src"
cat >"$E/conf/base.toml" <<'TOML'
[[rules]]
id = "acme-token"
description = "ACME token (base)"
regex = '''\bacme_[a-z0-9]{32}\b'''
keywords = ["acme_"]
TOML
cat >"$E/conf/team.toml" <<'TOML'
[extend]
path = "base.toml"
useDefault = true

[[rules]]
id = "acme-token"
  [[rules.allowlists]]
  stopwords = ["feed"]

[[rules]]
id = "generic-api-key"
  [[rules.allowlists]]
  paths = ['''(?:^|/)fixtures/''']
TOML
k1=acme_$(rnd 32 abcdeghijklmnopqrstuvwxyz0123456789); k2=acme_feed$(rnd 28 abcdeghijklmnopqrstuvwxyz0123456789)
printf 'a = %s\nb = %s\n' "$k1" "$k2" >"$E/t/src/keys.txt"
printf 'api_key = "%s"\n' "$(rnd 24 ABCDEFGHIJKLMNabcdefghijklmn0123456789)" >"$E/t/fixtures/conf.txt"
cp "$E/t/fixtures/conf.txt" "$E/t/src/conf.txt"
got=$("$H" scan --no-git --format json --rules "$E/conf/team.toml" "$E/t" | scan_findings "$E/t")
want="src/conf.txt:1:generic-secret
src/keys.txt:1:acme-token"
is "extended rule merged, id-only rule refines the built-in generic rule" "$got" "$want"
got=$("$H" scan --no-git --format json "$E/t" | scan_findings "$E/t" | grep -c generic-secret)
is "control: both generic values are found without the config" "$got" "2"
