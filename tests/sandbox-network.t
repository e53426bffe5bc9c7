#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# hush sandbox --network proxy-only, as an unprivileged user: the agent has
# a network namespace with loopback only, and its one way out is the
# credential proxy (through the proxy's unix socket). Tunnels reach only
# the hosts allowed for the session (and the credentials' hosts); direct
# TCP and UDP to the outside fail; the credential placeholders still work.
# Each attack also runs outside (with the host's network) as the control.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

make_pki "$T/pki" "DNS:localhost,IP:127.0.0.1"
UPLOG="$T/up.log"
python3 "$HUSH_SRC/tests/proxy/upstream.py" "$T/pki/up.pem" "$T/pki/up.key" "$UPLOG" >"$T/up.out" 2>"$T/up.err" &
at_exit "kill $!"
upstream_up() { grep -q '^port ' "$T/up.out"; }
wait_for upstream_up || { not_ok "upstream started"; cat "$T/up.err"; exit 1; }
UP=$(awk '/^port/{print $2}' "$T/up.out")
KEY=$(canary)

write_config <<EOF
[credential anthropic]
hosts = 127.0.0.1:$UP
upstream = https://127.0.0.1:$UP
EOF
check "vault" make_vault
printf '%s' "$KEY" | nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" set ANTHROPIC_API_KEY >/dev/null 2>&1
check "broker" start_broker HUSH_ASKPASS="$AP" SSL_CERT_FILE="$T/pki/ca.pem"

if ! nb "$NB_BIN/hush" sandbox -- true >/dev/null 2>&1; then
	skip "hush sandbox does not start here"
	stop_broker
	exit 0
fi

# the attacks: a tunnel to an allowed host, to another one, direct TCP to
# the upstream, UDP to a public resolver, and the credential in route mode
# the test CA where the agent sees it (not under /tmp, not named *.pem)
cp "$T/pki/ca.pem" "$SBX/ca.crt" && chmod 0644 "$SBX/ca.crt"
cat >"$SBX/net.sh" <<EOF
P() { env -u NO_PROXY -u no_proxy "\$@"; }
echo "allowed=\$(P curl -s -o /dev/null -w '%{http_code}/%{http_connect}' --cacert $SBX/ca.crt https://localhost:$UP/allowed-\$1)"
echo "other=\$(P curl -s -o /dev/null -w '%{http_connect}' --cacert $SBX/ca.crt https://localhost.localdomain:$UP/other --resolve localhost.localdomain:$UP:127.0.0.1)"
echo "direct=\$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' --max-time 5 --cacert $SBX/ca.crt https://localhost:$UP/direct-\$1)"
python3 -c '
import socket
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
    s.sendto(b"x", ("8.8.8.8", 53)); print("udp=sent")
except OSError as e:
    print("udp=failed", e.errno)'
echo "route=\$(curl -s -o /dev/null -w '%{http_code}' "\$ANTHROPIC_BASE_URL/route" -H "x-api-key: \$ANTHROPIC_API_KEY")"
EOF
chmod 0644 "$SBX/net.sh"

# control: the same script with the host's network (and a placeholder-less
# route request, since outside there is no session)
o=$(nb env ANTHROPIC_BASE_URL=http://127.0.0.1:1 ANTHROPIC_API_KEY=none bash "$SBX/net.sh" out 2>&1)
like "control: outside, a direct connection to the upstream works" "$o" "direct=200"
like "control: outside, curl reaches the host through no proxy" "$o" "allowed=200/000"
like "control: outside, UDP to the outside can be sent" "$o" "udp=sent"

o=$(nb "$NB_BIN/hush" sandbox --network proxy-only --allow-host localhost:$UP -- bash "$SBX/net.sh" in 2>"$T/sb.err")
like "proxy-only: a tunnel to an allowed host works" "$o" "allowed=200/200"
like "proxy-only: a tunnel to a host not allowed is refused (403)" "$o" "other=403"
like "proxy-only: a direct connection fails (no route out)" "$o" "direct=000"
like "proxy-only: UDP to the outside fails" "$o" "udp=failed"
like "proxy-only: the credential still works (route mode)" "$o" "route=200"
check "... with the real key on the wire" grep -qE "\"path\": \"/route\".*\"x-api-key\": \"$KEY\"" "$UPLOG"
check_fail "the refused host was never reached" grep -q '"path": "/other"' "$UPLOG"
check_fail "neither the direct request" grep -q '"path": "/direct-in' "$UPLOG"
check "control: the direct request from outside arrived" grep -q '"path": "/direct-out' "$UPLOG"
check "the refusal is audited" grep -qE '"decision":"blocked".*"exit":403' "$NB_HOME/.local/share/hush/audit.log"

o=$(nb "$NB_BIN/hush" sandbox --network proxy-only -- bash "$SBX/net.sh" in2 2>/dev/null)
like "proxy-only with no --allow-host: even that host is refused" "$o" "allowed=000/403"
like "... while the credential's own host still works" "$o" "route=200"
# the same from the config: [sandbox] network = proxy-only, allow_hosts
cp "$CFG" "$T/cfg.saved"
printf '\n[sandbox]\nnetwork = proxy-only\nallow_hosts = localhost:%s\n' "$UP" >>"$CFG"
o=$(nb "$NB_BIN/hush" sandbox -- bash "$SBX/net.sh" cfg 2>/dev/null)
like "network = proxy-only in the config: the allowed host works" "$o" "allowed=200/200"
like "... another is refused" "$o" "other=403"
like "... and there is no direct way out" "$o" "direct=000"
cp "$T/cfg.saved" "$CFG"
o=$(nb "$NB_BIN/hush" sandbox --network proxy-only --no-proxy -- true 2>&1); rc=$?
is "--network proxy-only with --no-proxy is a usage error" "$rc" 2

# a listener the agent opens on loopback: with the host's network (the
# default) the human's tools reach it (the known gap: a git server,
# registry or database the agent impersonates gets what they send);
# proxy-only gives the agent a loopback of its own
cat >"$SBX/listen.py" <<'PY'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(1)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.settimeout(30)
try:
    c, _ = s.accept(); c.close()
except OSError:
    pass
PY
for mode in open proxy-only; do
	rm -f "$SBX/port-$mode"
	nb "$NB_BIN/hush" sandbox --network "$mode" -- python3 "$SBX/listen.py" "$SBX/port-$mode" >/dev/null 2>&1 &
	LJ=$!
	wait_for test -s "$SBX/port-$mode"
	reach=$(python3 -c "import socket,sys
try: socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=2); print('reached')
except OSError as e: print('refused')" "$(cat "$SBX/port-$mode" 2>/dev/null || echo 1)")
	if [ "$mode" = open ]; then
		is "known gap: with the host's network, an outside client reaches the agent's loopback listener" "$reach" reached
	else
		is "proxy-only: an outside client cannot reach the agent's loopback listener" "$reach" refused
	fi
	kill "$LJ" 2>/dev/null; wait "$LJ" 2>/dev/null
done

assert_absent "no key in the agent's output or hush's messages" "$KEY" "$T/sb.err"
stop_broker
