# SPDX-License-Identifier: ISC
# The client checks who answers on the broker's sockets, as an unprivileged
# user: a fake listener at client.sock or control/sock (one that makes up a
# proof, one that hangs up, one that relays the real broker's proof, one of
# another uid, one inside the sandbox) is refused with one error line and a
# hint, and gets nothing beyond the handshake: no run request, no fds, no
# environment, no control token. Control runs against the real broker work.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

FAKE="$HUSH_SRC/tests/fake_broker.py"
FL="$SBX/fake"; mkdir -p "$FL"; chmod 0777 "$FL"   # visible inside the sandbox too
ENVV=$(canary)
tool show <<EOF
#!/bin/sh
[ "\$(printf '%s' "\$TOKEN" | sha256sum | cut -d' ' -f1)" = "$V_SHA" ] && echo "SECRET-OK"
EOF
grant_section show "$TOOLS/show" secrets=TOKEN | broker_config
vault_and_broker

# run the hush client with a canary in its environment, as the unprivileged user
client() { nb env MY_ENV="$ENVV" "$NB_BIN/hush" "$@"; }

out=$(client run -- show 2>"$T/err"); rc=$?
is "control: hush run through the real broker works" "$rc" 0
like "control: it got the secret" "$out" "SECRET-OK"
like "control: hush status through the real broker works" "$(nbh status)" "broker: running"

# fake NAME SOCKET MODE [REAL]: a fake broker as the unprivileged user
fake() {
	local name="$1" sock="$2"; shift 2
	rm -f "$FL/$name.log" "$FL/$name.log.ready"
	as_nobody python3 "$FAKE" "$sock" "$FL/$name.log" "$@" &
	local pid=$!
	wait_for test -s "$FL/$name.log.ready" || echo "# fake $name did not start"
	# $! is the shell around it: the fake itself says its pid
	FPID="$pid $(cat "$FL/$name.log.ready" 2>/dev/null)"
	at_exit "kill $FPID"
}
stop_fake() { kill $FPID 2>/dev/null; wait "${FPID%% *}" 2>/dev/null; }
# what the fake got on its first connection, before and after its answer
fake_got() { wait_for grep -q "^conn 1 after" "$FL/$1.log"; grep "^conn 1 " "$FL/$1.log" | tr '\n' ' '; }
HELLO_ONLY='^conn 1 bytes=37 fds=0 types=4 hex=0000002104[0-9a-f]{64} conn 1 after bytes=0 fds=0( relayed=[0-9]+)? hex= $'
NOTHING='^conn 1 bytes=0 fds=0 types= hex= conn 1 after bytes=0 fds=0 hex= $'

# --- the socket replaced under a running broker ---
mv "$RT/client.sock" "$RT/real.sock"
fake badproof "$RT/client.sock" badproof
out=$(client run -- show 2>"$T/err"); rc=$?
is "a fake with a made-up proof: hush run exits 1" "$rc" 1
is "one error line and one hint" "$(wc -l <"$T/err")" 2
like "the error names the socket and why" "$(head -1 "$T/err")" "^hush: refusing $RT/client.sock: it did not prove that it holds the control token$"
like "the hint says what to do" "$(sed -n 2p "$T/err")" "^hint: .*start the broker again"
is "nothing ran" "$out" ""
like "the fake got the handshake and nothing else" "$(fake_got badproof)" "$HELLO_ONLY"
assert_absent "the fake never saw the client's environment" "$ENVV" "$FL/badproof.log"
assert_absent "nor the command line" "$(printf show | od -An -tx1 | tr -d ' \n')" "$FL/badproof.log"
stop_fake

fake close "$RT/client.sock" close
out=$(client run -- show 2>"$T/err"); rc=$?
is "a fake that hangs up: refused (exit 1)" "$rc" 1
like "with the same reason" "$(head -1 "$T/err")" "refusing .*did not prove"
stop_fake

# relaying the handshake to the real broker does not help: the proof is
# bound to the pid the broker sees, which is the fake's
fake relay "$RT/client.sock" relay "$RT/real.sock"
out=$(client run -- show 2>"$T/err"); rc=$?
is "a fake relaying the real broker's proof: refused (exit 1)" "$rc" 1
like "it did relay an answer from the real broker (control)" "$(fake_got relay)" "relayed=37 "
like "and still got nothing beyond the handshake" "$(fake_got relay)" "$HELLO_ONLY"
assert_absent "nor the environment" "$ENVV" "$FL/relay.log"
stop_fake

# a listener of another uid: refused by SO_PEERCRED before any byte
if is_root; then
	rm -f "$FL/root.log" "$FL/root.log.ready"
	python3 "$FAKE" "$RT/client.sock" "$FL/root.log" badproof &
	RP=$!; at_exit "kill $RP"
	wait_for test -e "$FL/root.log.ready"
	out=$(client run -- show 2>"$T/err"); rc=$?
	is "a listener of another uid: refused (exit 1)" "$rc" 1
	like "it says whose it is" "$(head -1 "$T/err")" "refusing .*: it runs as uid 0, not as you"
	like "it got not a single byte" "$(fake_got root)" "$NOTHING"
	kill $RP; wait $RP 2>/dev/null
else
	skip "another uid's listener needs root to set up"
fi
rm -f "$RT/client.sock"; mv "$RT/real.sock" "$RT/client.sock"
out=$(client run -- show 2>/dev/null); rc=$?
is "control: with the real socket back, hush run works again" "$rc" 0

# --- the control socket: the token is never sent to a fake ---
mv "$RT/control/sock" "$RT/control/real"
fake ctl "$RT/control/sock" badproof
nbh status >/dev/null 2>"$T/err"; rc=$?
is "hush status against a fake control socket: exit 1" "$rc" 1
like "refusing the control socket" "$(head -1 "$T/err")" "refusing $RT/control/sock: "
like "the fake got only the handshake" "$(fake_got ctl)" "$HELLO_ONLY"
TOKHEX=$(od -An -tx1 "$RT/control/token" | tr -d ' \n')
assert_absent "the control token never reached it" "$TOKHEX" "$FL/ctl.log"
stop_fake
rm -f "$RT/control/sock"; mv "$RT/control/real" "$RT/control/sock"
like "control: hush status works again" "$(nbh status)" "broker: running"

# --- inside the sandbox: a listener the agent runs is refused ---
if nb "$NB_BIN/hush" sandbox -- true >/dev/null 2>&1; then
	# the fake broker the agent runs, where the sandbox sees it (a source
	# tree under /tmp is out of sight inside)
	cp "$FAKE" "$NB_BIN/" && chmod 0755 "$NB_BIN/fake_broker.py"
	cat >"$SBX/inside.sh" <<EOF
# the agent points hush at a runtime directory it made, with a socket and a
# token of its own, and listens there
mkdir -p /tmp/rt/control && chmod 0700 /tmp/rt /tmp/rt/control
head -c 32 /dev/urandom >/tmp/rt/control/token
python3 "$NB_BIN/fake_broker.py" /tmp/rt/client.sock "$FL/inside.log" badproof &
for _ in \$(seq 1 500); do [ -e "$FL/inside.log.ready" ] && break; sleep 0.02; done
MY_ENV="$ENVV" HUSH_RUNTIME_DIR=/tmp/rt hush run -- show 2>"$FL/inside.err"; echo "rc=\$?" >"$FL/inside.rc"
for _ in \$(seq 1 500); do grep -q "^conn 1 after" "$FL/inside.log" 2>/dev/null && break; sleep 0.02; done
kill %1
# control: the real broker, from the same sandbox
hush run -- show >"$FL/inside-ctl.out" 2>&1; echo "rc=\$?" >>"$FL/inside-ctl.out"
EOF
	chmod 0644 "$SBX/inside.sh"
	rm -f "$FL"/inside*
	nb "$NB_BIN/hush" sandbox -- bash "$SBX/inside.sh" >/dev/null 2>&1
	is "inside the sandbox: hush run refuses a listener the agent runs" "$(cat "$FL/inside.rc" 2>/dev/null)" "rc=1"
	like "it says the listener runs inside the sandbox" "$(head -1 "$FL/inside.err" 2>/dev/null)" "refusing /tmp/rt/client.sock: it is process [0-9]+, which runs inside this sandbox"
	like "that listener got not a single byte" "$(fake_got inside)" "$NOTHING"
	assert_absent "nor the environment" "$ENVV" "$FL"
	like "control: the real broker answers inside the same sandbox" "$(cat "$FL/inside-ctl.out")" "SECRET-OK"$'\n'"rc=0"
else
	skip "hush sandbox does not start here: inside-the-sandbox checks need it"
fi
assert_absent "no value in the fakes' logs" "$V" "$FL"
assert_absent "no value in the broker log" "$V" "$BLOG"
stop_broker
