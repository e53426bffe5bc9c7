#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The credential proxy wired in: the broker runs it, hush sandbox gives the
# agent placeholders, base URLs, HTTPS_PROXY and a CA bundle. As an
# unprivileged user against a local HTTPS upstream with a test CA
# (tests/proxy/upstream.py logs the headers it receives): the upstream gets
# the real key, the agent's environment, files and output hold only the
# placeholder; route mode and CONNECT with curl, python and node; a
# placeholder sent elsewhere stays one and is audited; no placeholder, or
# one of an ended session, gets 401; confirm = always refuses when the
# human says no; --no-proxy and credentials without a vault entry leave the
# agent's environment alone, and an entry stored or removed while the
# broker runs is seen by the next session.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

W="$NB_HOME/work"
PKI="$T/pki"
make_pki "$PKI" "DNS:localhost,IP:127.0.0.1"
check "test CA and upstream certificate made" test -s "$PKI/up.pem"

UPLOG="$T/up.log"
python3 "$HUSH_SRC/tests/proxy/upstream.py" "$PKI/up.pem" "$PKI/up.key" "$UPLOG" >"$T/up.out" 2>"$T/up.err" &
UPPID=$!
at_exit "kill $UPPID"
upstream_up() { grep -q '^port ' "$T/up.out"; }
wait_for upstream_up || { not_ok "upstream started"; cat "$T/up.err"; exit 1; }
UP=$(awk '/^port/{print $2}' "$T/up.out")

KEY=$(canary)
CKEY=$(canary)
DECIDE="$T/decide"
echo no >"$DECIDE"
chmod 0644 "$DECIDE"
tool confirm <<EOF
#!/bin/sh
echo "ASKED \$HUSH_CONFIRM_CREDENTIAL \$HUSH_CONFIRM_COMMAND" >>"$T/asked.log"
[ "\$(cat "$DECIDE")" = yes ]
EOF
: >"$T/asked.log"; chmod 0666 "$T/asked.log"
# anthropic: the built-in, pointed at the local upstream ("localhost");
# careful: confirm = always, a bearer template, on 127.0.0.1
write_config <<EOF
[credential anthropic]
hosts = localhost:$UP
upstream = https://localhost:$UP

[credential careful]
secret = CAREFUL_KEY
env = CAREFUL_KEY
base_url_env = CAREFUL_BASE_URL
hosts = 127.0.0.1:$UP
header = Authorization: Bearer {}
upstream = https://127.0.0.1:$UP
confirm = always

[credential once]
secret = CAREFUL_KEY
env = ONCE_KEY
base_url_env = ONCE_BASE_URL
hosts = 127.0.0.1:$UP
header = x-once-key
upstream = https://127.0.0.1:$UP
confirm = ttl
EOF
check "vault" make_vault
printf '%s' "$KEY" | nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" set ANTHROPIC_API_KEY >/dev/null 2>&1
printf '%s' "$CKEY" | nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" set CAREFUL_KEY >/dev/null 2>&1
check "broker (trusting the test CA for upstreams)" start_broker HUSH_ASKPASS="$AP" \
	SSL_CERT_FILE="$PKI/ca.pem" HUSH_CONFIRM="$TOOLS/confirm"

if ! nb "$NB_BIN/hush" sandbox -- true >/dev/null 2>&1; then
	skip "hush sandbox does not start here"
	stop_broker
	exit 0
fi

# sandbox SCRIPT: runs the script (in $SBX) under hush sandbox, output in
# $SBX/out, stderr of hush sandbox in $T/sb.err
sandbox() {
	local script="$1"; shift
	chmod 0644 "$SBX/$script"
	rm -f "$SBX/out"
	nb env SSL_CERT_FILE="$PKI/ca.pem" "$NB_BIN/hush" sandbox "$@" -- bash "$SBX/$script" >"$T/sb.out" 2>"$T/sb.err"
}

# --- the agent's environment ---
cat >"$SBX/env.sh" <<'EOF'
env >"$SBX_OUT/out"
cat "$SSL_CERT_FILE" >"$SBX_OUT/bundle" 2>/dev/null
EOF
sed -i "s|\$SBX_OUT|$SBX|g" "$SBX/env.sh"
sandbox env.sh
ENVOUT=$(cat "$SBX/out" 2>/dev/null)
like "the agent's ANTHROPIC_API_KEY is a placeholder" "$ENVOUT" "ANTHROPIC_API_KEY=hush_ph_[0-9a-f]{64}"
PH=$(grep '^ANTHROPIC_API_KEY=' "$SBX/out" | cut -d= -f2)
like "ANTHROPIC_BASE_URL points at the proxy's route" "$ENVOUT" "ANTHROPIC_BASE_URL=http://127.0.0.1:[0-9]+/anthropic"
like "HTTPS_PROXY carries the session's token" "$ENVOUT" "HTTPS_PROXY=http://hush:hush_tok_[0-9a-f]{64}@127.0.0.1:[0-9]+"
like "NO_PROXY keeps route mode direct" "$ENVOUT" "NO_PROXY=127.0.0.1,localhost"
like "SSL_CERT_FILE is the session's bundle" "$ENVOUT" "SSL_CERT_FILE=/.*/ca-certificates.crt"
like "NODE_EXTRA_CA_CERTS too" "$ENVOUT" "NODE_EXTRA_CA_CERTS=/.*/ca-certificates.crt"
is "the bundle holds the CA hush sandbox trusted and the session CA" \
	"$(grep -c 'BEGIN CERTIFICATE' "$SBX/bundle" 2>/dev/null)" 2
check_fail "no credential without a vault entry gets a placeholder (OPENAI_API_KEY)" grep -q '^OPENAI_API_KEY=' "$SBX/out"
assert_absent "the key is nowhere in the agent's environment" "$KEY" "$SBX/out"
assert_absent "... nor in hush sandbox's output" "$KEY" "$T/sb.out" "$T/sb.err"
like "hush status shows the proxy" "$(nbh status)" "credential proxy: 127.0.0.1:[0-9]+"
like "hush doctor too" "$(nbh doctor 2>&1)" "credential proxy +working +127.0.0.1:[0-9]+"
PORT=$(echo "$ENVOUT" | sed -n 's|^ANTHROPIC_BASE_URL=http://127.0.0.1:\([0-9]*\)/anthropic|\1|p')

# --- route mode: curl, node ---
cat >"$SBX/route.sh" <<EOF
curl -s "\$ANTHROPIC_BASE_URL/echo" -H "x-api-key: \$ANTHROPIC_API_KEY" >$SBX/out
echo >>$SBX/out
node -e 'fetch(process.env.ANTHROPIC_BASE_URL + "/node", {headers: {"x-api-key": process.env.ANTHROPIC_API_KEY}}).then(r => r.text()).then(t => console.log("node:" + t))' >>$SBX/out 2>&1
EOF
sandbox route.sh
check "route mode (curl): the upstream got the real key" grep -qF "\"x-api-key\": \"$KEY\"" "$UPLOG"
like "... and the agent saw it masked in the echo" "$(cat "$SBX/out")" '\[hush:anthropic\]'
check "route mode (node fetch, as Claude Code sends): the real key arrived" \
	grep -qE "\"path\": \"/node\".*\"x-api-key\": \"$KEY\"" "$UPLOG"
like "... and node got the answer" "$(cat "$SBX/out")" "node:ok"
assert_absent "the agent's output never holds the key" "$KEY" "$SBX/out"

# --- forward-proxy mode: curl and python through HTTPS_PROXY ---
cat >"$SBX/connect.sh" <<EOF
env -u NO_PROXY -u no_proxy curl -s "https://localhost:$UP/viaconnect" -H "x-api-key: \$ANTHROPIC_API_KEY" >$SBX/out
echo >>$SBX/out
env -u NO_PROXY -u no_proxy python3 -c '
import os, urllib.request
r = urllib.request.Request("https://localhost:$UP/viapython", headers={"x-api-key": os.environ["ANTHROPIC_API_KEY"]})
print("python:" + urllib.request.urlopen(r).read().decode())' >>$SBX/out 2>&1
# the anthropic placeholder sent to another credential's host
env -u NO_PROXY -u no_proxy curl -s "https://127.0.0.1:$UP/wronghost" -H "x-api-key: \$ANTHROPIC_API_KEY" >>$SBX/out 2>&1
# a use the human refuses
env -u NO_PROXY -u no_proxy curl -s -w ' status=%{http_code}' "https://127.0.0.1:$UP/refused" -H "Authorization: Bearer \$CAREFUL_KEY" >>$SBX/out 2>&1
EOF
echo no >"$DECIDE"
sandbox connect.sh
check "CONNECT (curl): the upstream got the real key" grep -qE "\"path\": \"/viaconnect\".*\"x-api-key\": \"$KEY\"" "$UPLOG"
check "CONNECT (python urllib): the real key arrived" grep -qE "\"path\": \"/viapython\".*\"x-api-key\": \"$KEY\"" "$UPLOG"
like "... and python got the answer" "$(cat "$SBX/out")" "python:ok"
check "the anthropic placeholder sent to another credential's host stays a placeholder" \
	grep -qE "\"path\": \"/wronghost\".*\"x-api-key\": \"hush_ph_" "$UPLOG"
check_fail "... the real key never went there" grep -qE "\"path\": \"/wronghost\".*$KEY" "$UPLOG"
AUD="$NB_HOME/.local/share/hush/audit.log"
check "... and is audited as an attempt" grep -qE '"grant":"credential anthropic".*"decision":"attempt"' "$AUD"
check "confirm = always asked the human" grep -q "ASKED careful GET https://127.0.0.1/refused" "$T/asked.log"
like "... who said no: the agent got 403" "$(cat "$SBX/out")" "status=403"
check "... audited as refused" grep -qE '"grant":"credential careful".*"decision":"refused".*"exit":403' "$AUD"
check_fail "... and the request never reached the upstream" grep -q '"path": "/refused"' "$UPLOG"
check_fail "... the careful key never reached the upstream" grep -qF "$CKEY" "$UPLOG"

echo yes >"$DECIDE"
cat >"$SBX/careful.sh" <<EOF
curl -s "\$CAREFUL_BASE_URL/approved" -H "Authorization: Bearer \$CAREFUL_KEY" >$SBX/out
EOF
sandbox careful.sh
check "confirm = always, the human says yes: the value is sent" \
	grep -qE "\"path\": \"/approved\".*\"authorization\": \"Bearer $CKEY\"" "$UPLOG"

# confirm = ttl: asked once per session
asked_once() { grep -c "ASKED once" "$T/asked.log"; }
cat >"$SBX/ttl.sh" <<EOF
for i in 1 2 3; do curl -s -o /dev/null "\$ONCE_BASE_URL/ttl\$i" -H "x-once-key: \$ONCE_KEY"; done
EOF
sandbox ttl.sh
is "confirm = ttl: three uses in one session, the human asked once" "$(asked_once)" 1
is "... and all three were sent" "$(grep -cE '"path": "/ttl[123]".*"x-once-key": "'"$CKEY"'"' "$UPLOG")" 3
sandbox ttl.sh
is "... a new session asks again" "$(asked_once)" 2

# --- who may use the proxy ---
out=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/anthropic/echo" -H "x-api-key: nope")
is "a request without a live placeholder gets 401" "$out" 401
out=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/anthropic/echo" -H "x-api-key: $PH")
is "the placeholder of an ended session gets 401" "$out" 401
cat >"$SBX/other.sh" <<EOF
curl -s -o /dev/null -w '%{http_code}' "\$ANTHROPIC_BASE_URL/echo" -H "x-api-key: $PH" >$SBX/out
EOF
sandbox other.sh
is "a second session cannot use the first's placeholder" "$(cat "$SBX/out")" 401
check "every use is audited" grep -qE '"grant":"credential anthropic".*"decision":"use".*"exit":200.*"kind":"proxy"' "$AUD"
assert_absent "no value in the audit log" "$KEY" "$AUD"
assert_absent "... nor the careful key" "$CKEY" "$AUD"
assert_absent "no value in the broker's log" "$KEY" "$BLOG"

# --- --no-proxy ---
sandbox env.sh --no-proxy
check_fail "--no-proxy: no placeholder" grep -q '^ANTHROPIC_API_KEY=' "$SBX/out"
check_fail "--no-proxy: no HTTPS_PROXY" grep -q '^HTTPS_PROXY=' "$SBX/out"

# --- the vault changes while the broker runs ---
printf '%s' "$(canary)" | nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" set OPENAI_API_KEY >/dev/null 2>&1
sandbox env.sh
like "a secret stored while the broker runs: the next session gets its placeholder" \
	"$(cat "$SBX/out" 2>/dev/null)" "OPENAI_API_KEY=hush_ph_[0-9a-f]{64}"
nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" rm OPENAI_API_KEY >/dev/null 2>&1
sandbox env.sh
check_fail "... and once it is removed, the next session does not" grep -q '^OPENAI_API_KEY=' "$SBX/out"
like "... while the others still do" "$(cat "$SBX/out" 2>/dev/null)" "ANTHROPIC_API_KEY=hush_ph_[0-9a-f]{64}"

# --- control: the same request from outside any sandbox never had a key ---
out=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.pem" "https://localhost:$UP/direct" -H "x-api-key: $PH")
is "control: the upstream itself is reachable directly" "$out" 200
check_fail "control: a direct request carries no key" grep -qE "\"path\": \"/direct\".*$KEY" "$UPLOG"

stop_broker
check_fail "the broker stopped with nothing on its stderr (no sanitizer report)" \
	grep -qE 'Sanitizer|runtime error' "$BLOG"
