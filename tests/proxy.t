#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The credential proxy on its own (build/testbin/hush-proxy) against a local
# HTTPS upstream with a test CA (tests/proxy/upstream.py), which logs the
# headers it receives. Route mode and CONNECT, with curl, python, node and
# git; placeholders elsewhere, sessions, confirmation, streaming, bad input.
. "$(dirname "$0")/lib.sh"
PX="$HUSH_BUILD/testbin/hush-proxy"
D="$HUSH_SRC/tests/proxy"
[ -x "$PX" ] || { not_ok "hush-proxy is built (make tests)"; exit 1; }
cd "$T" || exit 1

# --- a test CA and an upstream certificate for the API names ---
make_pki "$T" "DNS:api.anthropic.com,DNS:api.openai.com,DNS:other.test,DNS:careful.test,DNS:missing.test,DNS:git.test,IP:127.0.0.1"
check "test CA and upstream certificate made" test -s up.pem

# wait_for FILE REGEX: polls (up to 60 s) until FILE has a line matching REGEX
wait_for() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

python3 "$D/upstream.py" up.pem up.key "$T/up.log" >up.out 2>up.err &
UPPID=$!
at_exit "kill $UPPID"
wait_for up.out '^port ' || { not_ok "upstream started"; cat up.err; exit 1; }
UP=$(awk '/^port/{print $2}' up.out)

KEY=$(canary)
OKEY=$(canary)
GKEY=$(canary)
# local_cred NAME SECRET ENV: a credential for NAME.test on the local
# upstream, its key in an x-api-key header
local_cred() {
	printf '[credential %s]\nsecret = %s\nenv = %s\nhosts = %s.test:%s\nheader = x-api-key\nupstream = https://%s.test:%s\n\n' \
		"$1" "$2" "$3" "$1" "$UP" "$1" "$UP"
}
{ cat <<EOF
[credential anthropic]
hosts = api.anthropic.com:$UP
upstream = https://api.anthropic.com:$UP

[credential openai]
hosts = api.openai.com:$UP
upstream = https://api.openai.com:$UP/v1

[credential careful]
secret = CAREFUL_KEY
hosts = careful.test:$UP
header = Authorization: Bearer {}
upstream = https://careful.test:$UP
confirm = always

[credential gitea]
secret = GIT_TOKEN
hosts = git.test:$UP
header = Authorization

EOF
	local_cred missing NOT_IN_THE_VAULT MISSING_KEY
	local_cred badtls ANTHROPIC_API_KEY BADTLS_KEY
} >cfg.ini
mkfifo ctl
sleep 600 >ctl &
HOLD=$!
at_exit "kill $HOLD"
printf 'ANTHROPIC_API_KEY=%s\nOPENAI_API_KEY=%s\nCAREFUL_KEY=%s\nGIT_TOKEN=%s\n' "$KEY" "$OKEY" "$KEY" "$GKEY" >secrets
SSL_CERT_FILE="$T/ca.pem" "$PX" --config cfg.ini --secrets-fd 3 --sessions 2 --ca-out sess.pem \
	--audit audit.log --connect-to 127.0.0.1 --head-timeout 1500 --env-dir "$T" \
	--confirm "test -e '$T/yes'" 3<secrets <ctl >px.out 2>px.err &
PXPID=$!
at_exit "kill $PXPID"
wait_for px.out '^ready' || { not_ok "proxy started"; cat px.err; exit 1; }
rm -f secrets # only now: the proxy has read it
ok "proxy started"
P=$(awk '/^port/{print $2}' px.out)
ph() { awk -v s="$1" -v c="$2" '$1=="session" && $2==s && $3==c {print $5}' px.out; }
TOK=$(awk '$1=="session" && $2==1 && $3=="token" {print $4}' px.out)
TOK2=$(awk '$1=="session" && $2==2 && $3=="token" {print $4}' px.out)
PH=$(ph 1 anthropic)
PH2=$(ph 2 anthropic)
OPH=$(ph 1 openai)
CPH=$(ph 1 careful)
GPH=$(ph 1 gitea)
like "placeholders are random per session" "$PH $PH2" '^hush_ph_[0-9a-f]{64} hush_ph_[0-9a-f]{64}$'
check "the two sessions' placeholders differ" test "$PH" != "$PH2"
cat sess.pem ca.pem >bundle.pem
R="http://127.0.0.1:$P"
XP="http://hush:$TOK@127.0.0.1:$P"
# the upstream's log lines that carry a string
uplog() { grep -F -- "$1" up.log; }

# --- route mode: curl ---
out=$(curl -sS -m 30 -H "x-api-key: $PH" "$R/anthropic/v1/echo")
is "route mode: the client sees the echoed key masked" "$out" '{"x-api-key": "[hush:anthropic]", "authorization": null}'
like "route mode: the upstream got the real key in x-api-key" "$(uplog "$KEY" | tail -1)" "\"x-api-key\": \"$KEY\""
like "route mode: the path went to the upstream unchanged" "$(uplog "$KEY" | tail -1)" '"path": "/v1/echo"'
out=$(curl -sS -m 30 -H "Authorization: Bearer $OPH" "$R/openai/chat/echo")
like "route mode: the openai upstream path /v1 is prepended, Bearer template filled" \
	"$(uplog "$OKEY" | tail -1)" "\"path\": \"/v1/chat/echo\".*\"authorization\": \"Bearer $OKEY\""
code=$(curl -sS -m 30 -o body -w '%{http_code}' "$R/anthropic/v1/echo")
is "route mode: a request without the placeholder gets 401" "$code" 401
like "the 401 says why" "$(cat body)" "does not carry this credential's placeholder"
code=$(curl -sS -m 30 -o body -w '%{http_code}' -H "x-api-key: $OPH" "$R/anthropic/v1/echo")
is "route mode: another credential's placeholder gets 401" "$code" 401
code=$(curl -sS -m 30 -o body -w '%{http_code}' -H "x-api-key: $PH" "$R/nowhere/v1/echo")
is "route mode: an unknown route gets 404" "$code" 404
like "the 404 lists the routes and hints at the base URL" "$(cat body)" "routes: /anthropic, /openai.*hint: point the client's base URL"

# --- a compressed response would pass the masker: refused ---
o=$(curl -sS -m 30 --compressed --cacert ca.pem -H "x-api-key: $KEY" "https://127.0.0.1:$UP/v1/gzecho" 2>&1)
[[ "$o" == *"$KEY"* ]] && ok "control: the upstream echoes the key gzip-compressed though asked for identity" ||
	not_ok "control: the upstream echoes the key gzip-compressed though asked for identity"
o=
code=$(curl -sS -m 30 -o body -w '%{http_code}' --compressed -H "x-api-key: $PH" "$R/anthropic/v1/gzecho")
is "a compressed answer to a request that carried the key gets 502" "$code" 502
like "the 502 says why" "$(cat body)" "encoded \(compressed\) body"
check_fail "and nothing of the key reaches the client" grep -qF -- "$KEY" body
code=$(curl -sS -m 30 -o body -w '%{http_code}' -H "x-api-key: $PH" "$R/anthropic/v1/gzecho?enc=identity")
is "Content-Encoding: identity passes" "$code" 200

# --- forward-proxy mode: curl through CONNECT ---
out=$(curl -sS -m 30 --cacert bundle.pem -x "$XP" -H "x-api-key: $PH" "https://api.anthropic.com:$UP/v1/echo")
is "CONNECT: TLS terminated with the session CA, echoed key masked" "$out" '{"x-api-key": "[hush:anthropic]", "authorization": null}'
n=$(uplog "$KEY" | grep -c '"host": "api.anthropic.com')
check "CONNECT: the upstream got the real key" test "$n" -ge 2
code=$(curl -sS -m 30 --cacert bundle.pem -x "http://127.0.0.1:$P" -o /dev/null -w '%{http_connect}' \
	"https://api.anthropic.com:$UP/v1/echo" 2>/dev/null)
is "CONNECT without the proxy token gets 407" "$code" 407
code=$(curl -sS -m 30 --cacert bundle.pem -x "http://hush:hush_tok_nope@127.0.0.1:$P" -o /dev/null \
	-w '%{http_connect}' "https://api.anthropic.com:$UP/v1/echo" 2>/dev/null)
is "CONNECT with a wrong token gets 407" "$code" 407
out=$(curl -sS -m 30 --cacert ca.pem -x "$XP" -o /dev/null "https://api.anthropic.com:$UP/v1/echo" 2>&1)
like "CONNECT: a client that does not trust the session CA (pinning) fails loudly" "$out" 'SSL certificate problem'
wait_for audit.log 'the client refused the session CA'
check "... and the proxy audits why" grep -q 'the client refused the session CA' audit.log
out=$(curl -sS -m 30 --cacert bundle.pem -x "$XP" -H "x-api-key: $PH" "https://other.test:$UP/v1/echo")
like "CONNECT to a host without a credential: tunnelled, the placeholder stays" "$out" "\"x-api-key\": \"$PH\""
like "the tunnelled host's certificate is the upstream's own (not the session CA)" \
	"$(curl -sS -m 30 --cacert ca.pem -x "$XP" -o /dev/null -w '%{http_code}' "https://other.test:$UP/")" 200

# --- placeholders where they do not belong ---
out=$(curl -sS -m 30 --cacert bundle.pem -x "$XP" -H "x-api-key: $PH" "https://api.openai.com:$UP/v1/echo")
like "the placeholder sent to another credential's host stays a placeholder" "$out" "\"x-api-key\": \"$PH\""
wait_for audit.log '"kind":"attempt","credential":"anthropic","host":"api.openai.com"'
check "... and is audited as an attempt" grep -q '"kind":"attempt","credential":"anthropic","host":"api.openai.com"' audit.log
out=$(curl -sS -m 30 -H "x-api-key: $PH" -H "x-other: $PH" "$R/anthropic/v1/echo?k=$PH")
check "a placeholder in another header or the URL is not replaced" grep -qF "\"x-other\": \"$PH\"" up.log
check "... the URL reached the upstream with the placeholder" grep -qF "k=$PH" up.log
check "... and is audited as an attempt" grep -q '"kind":"attempt".*"path":"/anthropic/v1/echo"' audit.log
curl -sS -m 30 -H "x-api-key: $PH" --data "{\"key\":\"$PH\"}" "$R/anthropic/v1/echo" >/dev/null
check "a placeholder in the body is not replaced" grep -qF '"body": "{\"key\":\"'"$PH"'\"}"' up.log
check "... and is audited" grep -q '"reason":"placeholder in the request body; not replaced"' audit.log
out=$(curl -sS -m 30 --cacert bundle.pem -x "$XP" -H "x-api-key: $PH2" "https://api.anthropic.com:$UP/v1/echo")
like "a second session's placeholder does not work in the first session's tunnel" "$out" "\"x-api-key\": \"$PH2\""
out=$(curl -sS -m 30 --cacert bundle.pem -x "http://hush:$TOK2@127.0.0.1:$P" -H "x-api-key: $PH2" \
	"https://api.anthropic.com:$UP/v1/echo")
like "... while it works in its own" "$out" 'hush:anthropic'

# --- python ---
cat >py_client.py <<'EOF'
import json, os, sys, urllib.request
url, key = sys.argv[1], sys.argv[2]
req = urllib.request.Request(url, headers={"x-api-key": key})
print(urllib.request.urlopen(req, timeout=30).read().decode())
EOF
out=$(python3 py_client.py "$R/anthropic/v1/echo" "$PH" 2>&1)
like "python urllib, route mode" "$out" 'hush:anthropic'
out=$(env HTTPS_PROXY="$XP" SSL_CERT_FILE="$T/bundle.pem" python3 py_client.py \
	"https://api.anthropic.com:$UP/v1/echo" "$PH" 2>&1)
like "python urllib through HTTPS_PROXY (CONNECT)" "$out" 'hush:anthropic'
if python3 -c 'import requests' 2>/dev/null; then
	out=$(env HTTPS_PROXY="$XP" REQUESTS_CA_BUNDLE="$T/bundle.pem" python3 -c '
import requests, sys
print(requests.get(sys.argv[1], headers={"x-api-key": sys.argv[2]}, timeout=30).text)' \
		"https://api.anthropic.com:$UP/v1/echo" "$PH" 2>&1)
	like "python requests through HTTPS_PROXY" "$out" 'hush:anthropic'
else
	skip "python requests is not installed"
fi

# --- node ---
cat >node_client.js <<'EOF'
const http = require('http'), https = require('https'), tls = require('tls');
const [mode, url, key, proxy] = process.argv.slice(2);
const u = new URL(url);
function done(res) {
  let b = ''; res.on('data', d => b += d); res.on('end', () => console.log(b));
}
if (mode === 'route') {
  http.get(url, { headers: { 'x-api-key': key } }, done).on('error', e => console.log('ERR ' + e.message));
} else {
  const p = new URL(proxy);
  const auth = Buffer.from(`${p.username}:${p.password}`).toString('base64');
  http.request({ host: p.hostname, port: p.port, method: 'CONNECT', path: `${u.hostname}:${u.port}`,
                 headers: { 'proxy-authorization': `Basic ${auth}` } })
    .on('connect', (res, socket) => {
      if (res.statusCode !== 200) { console.log('ERR CONNECT ' + res.statusCode); process.exit(1); }
      https.get({ host: u.hostname, port: u.port, path: u.pathname, headers: { 'x-api-key': key },
                  createConnection: () => tls.connect({ socket, servername: u.hostname }) }, done);
    }).on('error', e => console.log('ERR ' + e.message)).end();
}
EOF
out=$(node node_client.js route "$R/anthropic/v1/echo" "$PH" 2>&1)
like "node http, route mode" "$out" 'hush:anthropic'
out=$(NODE_EXTRA_CA_CERTS="$T/sess.pem" node node_client.js connect "https://api.anthropic.com:$UP/v1/echo" \
	"$PH" "$XP" 2>&1)
like "node https through CONNECT with NODE_EXTRA_CA_CERTS" "$out" 'hush:anthropic'

# --- git over https (the upstream is no git server: what counts is the header it got) ---
before=$(uplog "$KEY" | grep -c 'git/')
GIT_SSL_CAINFO="$T/bundle.pem" git -c http.extraHeader="x-api-key: $PH" -c http.proxy="$XP" \
	ls-remote "https://api.anthropic.com:$UP/repo.git" >/dev/null 2>&1
git -c http.extraHeader="x-api-key: $PH" ls-remote "$R/anthropic/repo.git" >/dev/null 2>&1
after=$(uplog "$KEY" | grep -c 'git/')
is "git over https (CONNECT and route mode) reaches the upstream with the real key" "$((after - before))" 2

# --- Basic auth (git's credentials, curl -u): the placeholder inside base64 ---
out=$(curl -sS -m 30 --cacert bundle.pem -x "$XP" -u "x-access-token:$GPH" "https://git.test:$UP/private/echo")
want="Basic $(printf 'x-access-token:%s' "$GKEY" | base64 -w0)"
like "Basic auth through CONNECT: an echoed Authorization is masked, base64 form too" "$out" '"authorization": "Basic \[hush:gitea\]"'
check "... in the Authorization header it received" grep -qF "\"authorization\": \"$want\"" up.log
before=$(grep -cF "\"authorization\": \"$want\"" up.log)
GIT_SSL_CAINFO="$T/bundle.pem" git -c http.proxy="$XP" \
	ls-remote "https://x-access-token:$GPH@git.test:$UP/private/repo.git" >/dev/null 2>&1
after=$(grep -cF "\"authorization\": \"$want\"" up.log)
is "git with the placeholder as its password: the upstream got the real token" "$((after - before))" 1

# --- the agent's environment as hush sandbox builds it: tools unchanged ---
mapfile -t AENV <session-1.env
like "the agent's environment: placeholder and base URL" "${AENV[*]}" \
	"ANTHROPIC_API_KEY=$PH .*ANTHROPIC_BASE_URL=http://127.0.0.1:$P/anthropic"
like "... the proxy with its token and the CA bundle for every TLS stack" "${AENV[*]}" \
	"HTTPS_PROXY=http://hush:$TOK@127.0.0.1:$P .*SSL_CERT_FILE=$T/ca-bundle.pem NODE_EXTRA_CA_CERTS=.*REQUESTS_CA_BUNDLE=.*CURL_CA_BUNDLE=.*GIT_SSL_CAINFO=$T/ca-bundle.pem"
check "... a placeholder for each credential whose secret is in the vault" grep -q '^BADTLS_KEY=hush_ph_' session-1.env
check_fail "... none for one whose secret is not" grep -q '^MISSING_KEY=' session-1.env
assert_absent "... and no value" "$KEY" session-1.env ca-bundle.pem
cat >sdk_client.py <<'EOF'
import os, urllib.request
base, key = os.environ["ANTHROPIC_BASE_URL"], os.environ["ANTHROPIC_API_KEY"]
req = urllib.request.Request(base + "/v1/echo", headers={"x-api-key": key})
print(urllib.request.urlopen(req, timeout=30).read().decode())
EOF
out=$(env -i PATH="$PATH" HOME="$T" "${AENV[@]}" python3 sdk_client.py 2>&1)
like "a client reading ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY works unchanged" "$out" 'hush:anthropic'
out=$(env -i PATH="$PATH" HOME="$T" "${AENV[@]}" sh -c \
	'curl -sS -m 30 -H "x-api-key: $ANTHROPIC_API_KEY" "https://api.anthropic.com:'"$UP"'/v1/echo"' 2>&1)
like "curl with only the agent's environment goes through HTTPS_PROXY and trusts the bundle" "$out" 'hush:anthropic'

# --- confirmation ---
code=$(curl -sS -m 30 -o body -w '%{http_code}' -H "Authorization: Bearer $CPH" "$R/careful/echo")
is "confirm = always: the human says no, 403" "$code" 403
like "the 403 names the credential" "$(cat body)" 'credential careful was refused'
touch yes
code=$(curl -sS -m 30 -o body -w '%{http_code}' -H "Authorization: Bearer $CPH" "$R/careful/echo")
is "confirm = always: the human says yes, 200" "$code" 200
rm -f yes
code=$(curl -sS -m 30 -o body -w '%{http_code}' -H "Authorization: Bearer $CPH" "$R/careful/echo")
is "confirm = always asks again for the next request" "$code" 403

# --- streaming: the first event arrives while the upstream still waits ---
curl -sS -N -m 60 -H "x-api-key: $PH" "$R/anthropic/v1/stream?gate=$T/gate" >stream.out 2>&1 &
CPID=$!
if wait_for stream.out 'data: first'; then
	ok "streaming: the first event arrives before the upstream finishes"
	check_fail "... and the last one has not (the upstream is held)" grep -q 'data: last' stream.out
else
	not_ok "streaming: the first event arrives before the upstream finishes"
	skip "the last event is held"
fi
touch gate
wait $CPID
check "streaming: the rest follows once the upstream goes on" grep -q 'data: last' stream.out
rm -f gate
curl -sS -N -m 60 --cacert bundle.pem -x "$XP" -H "x-api-key: $PH" \
	"https://api.anthropic.com:$UP/v1/stream?gate=$T/gate" >stream2.out 2>&1 &
CPID=$!
wait_for stream2.out 'data: first'
check_fail "streaming through CONNECT too: first event before the end" grep -q 'data: last' stream2.out
touch gate
wait $CPID

# --- bad input ---
big=$(head -c 70000 /dev/zero | tr '\0' a)
code=$(curl -sS -m 30 -o body -w '%{http_code}' -H "x-api-key: $PH" -H "x-big: $big" "$R/anthropic/v1/echo")
is "an oversized header gets 400" "$code" 400
like "... saying so" "$(cat body)" 'size limits'
raw() {
	python3 - "$P" "$1" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
print(s.recv(4096).decode("latin-1").split("\r\n")[0])
EOF
}
is "a malformed request line gets 400" "$(raw 'GET  /x HTTP/1.1\r\n\r\n')" "HTTP/1.1 400 Bad Request"
is "obs-fold gets 400" "$(raw 'GET /anthropic/ HTTP/1.1\r\nA: b\r\n c\r\n\r\n')" "HTTP/1.1 400 Bad Request"
is "Content-Length with Transfer-Encoding gets 400" \
	"$(raw 'POST /anthropic/ HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n')" \
	"HTTP/1.1 400 Bad Request"
is "a slow client gets 408 (head timeout)" "$(raw 'GET /anthropic/v1/echo HTTP/1.1\r\nHost: x\r\n')" \
	"HTTP/1.1 408 Request Timeout"
code=$(curl -sS -m 30 -o body -w '%{http_code}' -H "x-api-key: $(ph 1 badtls)" "$R/badtls/v1/echo")
is "upstream TLS failure gets 502" "$code" 502
like "... naming the reason" "$(cat body)" 'TLS to badtls.test.*failed: certificate'
code=$(curl -sS -m 30 -o body -w '%{http_code}' -H "x-api-key: $(ph 1 missing)" "$R/missing/v1/echo")
is "a credential whose vault entry is missing gets 502" "$code" 502
like "... naming the credential and the entry" "$(cat body)" 'credential missing: the vault has no entry NOT_IN_THE_VAULT'
kill -0 $PXPID 2>/dev/null
check "the proxy is still running after all that" kill -0 $PXPID

# --- request bodies: large (curl sends Expect: 100-continue) and chunked ---
head -c 1572864 /dev/zero | tr '\0' b >big.body
code=$(curl -sS -m 60 -o /dev/null -w '%{http_code}' -H "x-api-key: $PH" --data-binary @big.body "$R/anthropic/v1/ok")
is "a 1.5 MiB request body goes through (100-continue answered by the proxy)" "$code" 200
check "... whole, to the upstream" grep -q "\"content-length\": \"1572864\".*\"body\": \"bbbb" up.log
code=$(curl -sS -m 60 -o /dev/null -w '%{http_code}' -H "x-api-key: $PH" -H "Transfer-Encoding: chunked" \
	--data-binary "{\"a\":1}" "$R/anthropic/v1/ok")
is "a chunked request body goes through" "$code" 200
check "... decoded by the upstream as sent" grep -q '"transfer-encoding": "chunked".*"body": "{\\"a\\":1}"' up.log

# --- keep-alive: several requests on one connection ---
out=$(curl -sS -m 30 -H "x-api-key: $PH" "$R/anthropic/v1/echo" "$R/anthropic/v1/echo" \
	"$R/anthropic/v1/echo" -w '\n%{num_connects}\n')
like "keep-alive: three requests, one connection" "$(echo "$out" | tr '\n' ' ')" '(hush:anthropic.*){3}'
is "... curl connected once" "$(echo "$out" | grep -E '^[0-9]+$' | paste -sd+ | bc)" 1

# --- pipelining: a HEAD and the next request in one write ---
out=$(python3 - "$P" "$PH" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
h = "Host: x\r\nx-api-key: %s\r\n" % sys.argv[2]
s.sendall(("HEAD /anthropic/v1/echo HTTP/1.1\r\n" + h + "\r\n" +
           "GET /anthropic/v1/echo HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n").encode())
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except socket.timeout:
    pass
print(data.count(b"HTTP/1.1 200 "), "hush:anthropic" in data.decode("latin-1"))
EOF
)
is "a pipelined HEAD: its answer has no body, and the request after it is answered" "$out" "2 True"

# --- a session ends ---
echo "end 2" >ctl
wait_for px.out '^ended 2'
code=$(curl -sS -m 30 -o /dev/null -w '%{http_code}' -H "x-api-key: $PH2" "$R/anthropic/v1/echo")
is "an ended session's placeholder gets 401" "$code" 401
code=$(curl -sS -m 30 --cacert bundle.pem -x "http://hush:$TOK2@127.0.0.1:$P" -o /dev/null \
	-w '%{http_connect}' "https://api.anthropic.com:$UP/v1/echo" 2>/dev/null)
is "... and its proxy token 407" "$code" 407

# --- the value never shows where it must not ---
assert_absent "the audit log never holds the value" "$KEY" audit.log
assert_absent "the proxy's output never holds the value" "$KEY" px.out px.err
assert_absent "the audit log and the proxy's output never hold the git token" "$GKEY" audit.log px.out px.err
assert_absent "no client output holds the value" "$KEY" body stream.out stream2.out
check "every use is audited with credential, host, method, path, status, bytes" \
	grep -q '"kind":"use","credential":"anthropic","host":"api.anthropic.com","method":"GET","path":"/v1/echo","status":200,"bytes_up":0,"bytes_down":[1-9]' audit.log
check_fail "the audit log holds no query string" grep -qF "k=$PH" audit.log

# --- a clean stop (under make sanitize this is where leaks would show) ---
kill $HOLD 2>/dev/null
wait $PXPID
is "the proxy stops cleanly at the end of its input" "$?" 0
check_fail "... with nothing on stderr (no sanitizer report)" grep -qE 'Sanitizer|runtime error' px.err
