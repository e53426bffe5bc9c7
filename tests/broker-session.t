# SPDX-License-Identifier: ISC
# Sandbox sessions in the broker, as an unprivileged user: hush sandbox
# registers its session; while a sandbox shares the display, a request from
# inside never reaches the desktop dialog (an agent on that display could
# click it) and waits for hush approve instead, saying why; requests from
# outside still get the dialog, a sandbox without the display does too, and
# the session ends with the sandbox. Also the SESSION_OPEN checks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

W="$NB_HOME/work"
CL="$T/clog"; mkdir -p "$CL"; chmod 0777 "$CL"
tool show <<EOF
#!/bin/sh
[ "\$(printf '%s' "\$TOKEN" | sha256sum | cut -d' ' -f1)" = "$V_SHA" ] && echo "SECRET-OK"
EOF
# the stand-in desktop dialog (ssh-askpass style): logs each time it runs, approves
tool fakeask <<EOF
#!/bin/sh
echo "ASKED: \$1" >>"$CL/ask.log"
exit 0
EOF
{
	printf '[sandbox]\nallow_env = DISPLAY\n\n'
	grant_section desk "$TOOLS/show" secrets=TOKEN confirm=always
} | broker_config confirm=desktop
check "vault" make_vault
check "broker with a display and a stand-in dialog" start_broker HUSH_ASKPASS="$AP" DISPLAY=:99 SSH_ASKPASS="$TOOLS/fakeask"
asks() { grep -c '^ASKED: ' "$CL/ask.log" 2>/dev/null || echo 0; }
sessions() { nbh status | awk '/^sandbox sessions:/ {print $3}'; }
sessions_are() { [ "$(sessions)" = "$1" ]; }
has_pending() { nbh pending 2>/dev/null | grep -q "grant=desk"; }

out=$(nbh run -- show 2>/dev/null); rc=$?
is "control: outside any sandbox the desktop dialog approves" "$rc" 0
is "control: the dialog ran" "$(asks)" 1
is "no session registered yet" "$(sessions)" 0

if ! nb "$NB_BIN/hush" sandbox -- true >/dev/null 2>&1; then
	skip "hush sandbox does not start here"
	stop_broker
	exit 0
fi

# --- a sandbox that shares the display ---
rm -f "$W/in.out" "$W/in.err" "$W/go"
cat >"$SBX/inside.sh" <<'EOF'
hush run -- show >in.out 2>in.err; echo "rc=$?" >>in.out
EOF
chmod 0644 "$SBX/inside.sh"
nb env DISPLAY=:99 "$NB_BIN/hush" sandbox -- bash "$SBX/inside.sh" >/dev/null 2>&1 &
SB=$!
check "a request from inside the display-sharing sandbox waits in hush pending" wait_for has_pending
is "the sandbox's session is registered" "$(sessions)" 1
is "the desktop dialog was not run for it" "$(asks)" 1
like "the requester is told why" "$(cat "$W/in.err")" "no desktop dialog for this request: the request comes from inside a sandbox while a sandbox shares the display"
like "and how to approve" "$(cat "$W/in.err")" "waiting for approval: from a terminal outside the sandbox run 'hush approve [0-9]+'"
# meanwhile, a request from outside the sandbox still gets the dialog
out=$(nbh run -- show 2>/dev/null); rc=$?
is "control: meanwhile an outside request gets the dialog" "$(asks)" 2
is "control: and runs" "$rc" 0
nbh approve "$(nbh pending | awk '{print $1}')" >/dev/null; is "hush approve from outside" "$?" 0
wait "$SB"
like "the approved request ran inside the sandbox" "$(cat "$W/in.out")" "SECRET-OK"$'\n'"rc=0"
like "the audit line records the fallback" "$(nbh audit --json | grep '"grant":"desk"' | grep -v '"approved_by":"ui"' | tail -1)" \
	'"approved_by":"terminal".*"confirm_fallback":"the request comes from inside a sandbox'
like "hush audit shows it" "$(nbh audit | grep 'by=terminal' | tail -1)" "no desktop dialog: "
check "the session ends with the sandbox" wait_for sessions_are 0

# --- a sandbox without the display: the dialog is used ---
rm -f "$W/in.out" "$W/in.err"
n=$(asks)
nb env -u DISPLAY "$NB_BIN/hush" sandbox -- bash "$SBX/inside.sh" >/dev/null 2>&1
like "without the display a request from inside runs" "$(cat "$W/in.out")" "SECRET-OK"$'\n'"rc=0"
is "and was confirmed by the desktop dialog" "$(asks)" $((n + 1))
is "no session remains" "$(sessions)" 0

# --- without a pid namespace nobody can tell inside from outside ---
rm -f "$W/in.out" "$W/in.err"
cat >"$SBX/hold.sh" <<'EOF'
for _ in $(seq 1 1000); do [ -e go ] && break; sleep 0.02; done
EOF
chmod 0644 "$SBX/hold.sh"
nb env DISPLAY=:99 "$NB_BIN/hush" sandbox --no-userns -- bash "$SBX/hold.sh" >/dev/null 2>&1 &
SB=$!
if wait_for sessions_are 1; then
	ok "a --no-userns sandbox with the display registers its session"
	n=$(asks)
	nbh run -- show >/dev/null 2>"$T/err" &
	RJ=$!
	check "then even an outside request waits for hush approve" wait_for has_pending
	is "the dialog was not run" "$(asks)" "$n"
	like "the requester is told why" "$(cat "$T/err")" "no desktop dialog for this request: a sandbox without its own pid namespace shares the display"
	nbh approve "$(nbh pending | awk '{print $1}')" >/dev/null
	wait "$RJ"; is "approved from the terminal, it runs" "$?" 0
else
	not_ok "a --no-userns sandbox with the display registers its session"
fi
touch "$W/go"; is_root && chown "$NOBODY_UID" "$W/go"
wait "$SB"
check "that session ends too" wait_for sessions_are 0

# --- SESSION_OPEN is checked ---
# sess PID START NS: a raw SESSION_OPEN with the control token
sess() { nb env RAW_PID="$1" RAW_START="$2" RAW_NS="$3" python3 "$HUSH_SRC/tests/broker_raw.py" "$RT/control/sock" session "$RT/control/token"; }
like "a session for a pid that does not exist is refused" "$(sess 999999 1 0)" "reply 65 cannot register the session: no such process"
like "a session whose start time does not match is refused" "$(sess self 1 0)" "reply 65 cannot register the session: its process or pid namespace does not match"
like "a session naming the broker's own pid namespace is refused" "$(sess self start broker)" "reply 65 cannot register the session: its process or pid namespace does not match"
like "control: a well-formed session is registered" "$(sess self start 0)" "reply 72"
check "and dropped once its process is gone" wait_for sessions_are 0
assert_absent "no value in the dialog log" "$V" "$CL"
assert_absent "no value in the broker log" "$V" "$BLOG"
stop_broker
