# SPDX-License-Identifier: ISC
# Human confirmation and approvals, as an unprivileged user: a confirmation
# command launched by the broker (never seeing values), terminal approval
# with hush pending/approve/deny, scoped and expiring approvals, timeouts,
# hush lock and SIGUSR1 dropping approvals, refusal when nobody can be asked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

CL="$T/clog"; mkdir -p "$CL"; chmod 0777 "$CL"
echo 0 >"$CL/answer"; chmod 0666 "$CL/answer"
tool show <<EOF
#!/bin/sh
[ "\$(printf '%s' "\$TOKEN" | sha256sum | cut -d' ' -f1)" = "$V_SHA" ] && echo "SECRET-OK"
echo "value:\$TOKEN"
EOF
tool confirm <<EOF
#!/bin/sh
{ echo "ARGS: \$*"; env; echo "--"; } >>"$CL/confirm.log"
exit "\$(cat "$CL/answer")"
EOF
{
	grant_section viacmd "$TOOLS/show" secrets=TOKEN "ui=command:$TOOLS/confirm" confirm=always
	grant_section short "$TOOLS/show" secrets=TOKEN "ui=command:$TOOLS/confirm" confirm=ttl ttl=5s
	grant_section term "$TOOLS/show" secrets=TOKEN confirm=ttl ttl=1h
	grant_section termalways "$TOOLS/show" secrets=TOKEN confirm=always
	grant_section quick "$TOOLS/show" secrets=TOKEN confirm=never
	grant_section desk "$TOOLS/show" secrets=TOKEN ui=desktop confirm=always
} | broker_config confirm=terminal request_timeout=8s idle_lock=4s
vault_and_broker
mkdir -p "$NB_HOME/work/sub"; is_root && chown "$NOBODY_UID" "$NB_HOME/work/sub"
asks() { grep -c '^ARGS: ' "$CL/confirm.log" 2>/dev/null || echo 0; }
has_pending() { nbh pending 2>/dev/null | grep -q "grant=$1"; }
no_pending() { nbh pending 2>/dev/null | grep -q "no pending requests"; }
approvals() { nbh status | awk '/^approvals:/ {print $2}'; }

# --- confirmation command ---
out=$(nbh run --grant viacmd -- show 2>"$T/err"); rc=$?
is "confirm command exit 0 approves" "$rc" 0
like "approved run got the secret" "$out" "SECRET-OK"
is "confirmation command was asked once" "$(asks)" 1
like "it got the grant in its arguments" "$(cat "$CL/confirm.log")" "ARGS: .*grant 'viacmd'"
like "it got HUSH_CONFIRM_GRANT" "$(cat "$CL/confirm.log")" "HUSH_CONFIRM_GRANT=viacmd"
like "it got HUSH_CONFIRM_COMMAND" "$(cat "$CL/confirm.log")" "HUSH_CONFIRM_COMMAND=$TOOLS/show"
like "it got HUSH_CONFIRM_CWD" "$(cat "$CL/confirm.log")" "HUSH_CONFIRM_CWD=$NB_HOME/work"
like "it got HUSH_CONFIRM_PID" "$(cat "$CL/confirm.log")" "HUSH_CONFIRM_PID=[0-9]+"
like "it got the secret names" "$(cat "$CL/confirm.log")" "HUSH_CONFIRM_SECRETS=TOKEN"
assert_absent "the confirmation command never sees the value" "$V" "$CL/confirm.log"
nbh run --grant viacmd -- show >/dev/null 2>&1
is "confirm = always asks again" "$(asks)" 2
echo 1 >"$CL/answer"
out=$(nbh run --grant viacmd -- show 2>"$T/err"); rc=$?
is "confirm command exit 1 denies: 77" "$rc" 77
like "denial says so" "$(cat "$T/err")" "denied"
check_fail "denied run got nothing" grep -q SECRET-OK <<<"$out"

# --- ttl approvals, scoped to grant and directory, expiring ---
echo 0 >"$CL/answer"
out=$(nbh run --grant short -- show 2>/dev/null); is "ttl grant approved" "$?" 0
echo 1 >"$CL/answer"
n=$(asks)
out=$(nbh run --grant short -- show 2>/dev/null); rc=$?
is "within its ttl the approval is reused" "$rc" 0
is "reuse did not ask" "$(asks)" "$n"
like "audit says ttl-reuse" "$(nbh audit | tail -1)" "grant=short .*by=ttl-reuse"
out=$(cd "$NB_HOME/work/sub" && as_nobody "$NB_BIN/hush" run --grant short -- show 2>/dev/null); rc=$?
is "another directory is not covered by the approval" "$rc" 77
sleep 5.5
out=$(nbh run --grant short -- show 2>/dev/null); rc=$?
is "after the ttl the approval expired (asked again, denied)" "$rc" 77

# --- terminal: pending, approve, deny ---
nbh run --grant term -- show >"$T/bg.out" 2>"$T/bg.err" &
BG=$!
check "terminal request shows in hush pending" wait_for has_pending term
p=$(nbh pending)
like "pending lists id, command, cwd, pid" "$p" "^[0-9]+  grant=term  $TOOLS/show  cwd=$NB_HOME/work  pid=[0-9]+"
like "the requester was told how to approve" "$(cat "$T/bg.err")" "waiting for approval: .*hush approve [0-9]+"
like "status counts the pending request" "$(nbh status)" "pending: 1"
out=$(nbh run --grant quick -- show 2>/dev/null); rc=$?
is "a waiting request does not block other clients" "$rc" 0
like "the other client got its secret meanwhile" "$out" "SECRET-OK"
nbh approve </dev/null >/dev/null 2>"$T/err"; is "hush approve without an ID and no terminal: exit 2" "$?" 2
like "... it says to name the request" "$(cat "$T/err")" "hint: name it: hush approve ID"
tty_out="$NB_HOME/approve.tty"
nb python3 "$HUSH_SRC/tests/broker_pty.py" 24 80 --answers y "$NB_BIN/hush" approve >"$tty_out"
is "hush approve on a terminal: shows the only pending one, y approves it" "$(sed -n 's/^EXIT //p' "$tty_out" | tail -1)" 0
like "... it showed the request before asking" "$(cat "$tty_out")" "grant=term  $TOOLS/show.*Approve request [0-9]+ \\(y/N\\): "
wait "$BG"; rc=$?
is "approved terminal request runs" "$rc" 0
like "and gets the secret" "$(cat "$T/bg.out")" "SECRET-OK"
out=$(nbh run --grant term -- show 2>/dev/null); rc=$?
is "ttl policy: next run in the same directory needs no approval" "$rc" 0
[ "$(approvals)" -ge 1 ] && ok "status shows live approvals" || not_ok "status shows live approvals"

nbh lock >/dev/null; is "hush lock" "$?" 0
is "hush lock dropped every approval" "$(approvals)" 0
nbh run --grant term -- show >"$T/bg.out" 2>&1 &
BG=$!
check "after lock the grant asks again" wait_for has_pending term
id=$(nbh pending | awk '{print $1}')
nbh deny "$id" >/dev/null; is "hush deny ID" "$?" 0
wait "$BG"; rc=$?
is "denied terminal request: 77" "$rc" 77
like "denied request says so" "$(cat "$T/bg.out")" "denied"
check_fail "denied request got nothing" grep -q SECRET-OK "$T/bg.out"

# approve --for on an always-asking grant
nbh run --grant termalways -- show >"$T/bg.out" 2>&1 &
BG=$!
check "always grant waits" wait_for has_pending termalways
id=$(nbh pending | awk '{print $1}')
nbh approve "$id" --for 1h >/dev/null; is "hush approve ID --for 1h" "$?" 0
wait "$BG"; is "approved run completes" "$?" 0
out=$(nbh run --grant termalways -- show 2>/dev/null); rc=$?
is "--for covers later runs of an always grant" "$rc" 0
kill -USR1 "$BPID"
no_approvals() { [ "$(approvals)" = 0 ]; }
wait_for no_approvals
is "SIGUSR1 drops approvals" "$(approvals)" 0
nbh run --grant termalways -- show >"$T/bg.out" 2>&1 &
BG=$!
check "after SIGUSR1 the grant asks again" wait_for has_pending termalways
# the requester goes away while waiting: the request disappears
kill "$(client_of "$BG")" 2>/dev/null
wait "$BG"
check "a request whose client left is dropped" wait_for no_pending
like "the audit log notes the cancelled request" "$(nbh audit | grep grant=termalways | tail -1)" "cancelled .*requester left"

# --- timeout ---
out=$(nbh run --grant termalways -- show 2>"$T/err"); rc=$?
is "nobody approves: request times out with 77" "$rc" 77
like "timeout says so" "$(cat "$T/err")" "timed out"
like "timeout hint says how to approve" "$(cat "$T/err")" "hint: .*hush approve"

# --- errors of approve/deny ---
nbh approve >/dev/null 2>"$T/err"; is "approve with nothing pending: exit 1" "$?" 1
like "says nothing is pending" "$(cat "$T/err")" "no request is pending"
# a requester's arguments cannot fake lines or escape sequences in the list
nbh run --grant term -- show $'x\n\n999  grant=safe  /bin/true\e[2J' >/dev/null 2>&1 &
BG=$!
check "hostile request shows in hush pending" wait_for has_pending term
p=$(nbh pending)
is "pending: one line for one request, whatever its arguments" "$(printf '%s\n' "$p" | wc -l)" 1
if [[ "$p" == *$'\e'* ]]; then not_ok "pending: no raw escape character reaches the terminal"; else ok "pending: no raw escape character reaches the terminal"; fi
like "pending: the argument is shown escaped" "$p" "show \\\$'x\\\\n\\\\n999  grant=safe  /bin/true\\\\x1b\[2J'"
nbh deny "$(printf '%s\n' "$p" | awk '{print $1}')" >/dev/null 2>&1
wait "$BG"; is "denied hostile request exits 77" "$?" 77
nbh deny 999 >/dev/null 2>"$T/err"; is "deny of an unknown id: exit 1" "$?" 1
nbh approve abc >/dev/null 2>&1; is "approve with a bad id: exit 2" "$?" 2

# --- nobody can be asked ---
out=$(nb env HUSH_CONFIRM=/bin/true DISPLAY=:5 "$NB_BIN/hush" run --grant desk -- show 2>"$T/err"); rc=$?
is "desktop confirmation without a display: 77 (HUSH_CONFIRM in the requester's env is ignored)" "$rc" 77
like "says there is no way to ask" "$(cat "$T/err")" "no way to ask a human"
like "hint names confirm = terminal and hush approve" "$(cat "$T/err")" "hint: .*confirm = terminal.*hush approve"
# --- idle_lock ---
out=$(nbh run --grant quick -- show 2>/dev/null)
like "a run unlocks (askpass in the broker's environment)" "$(nbh status)" "vault: unlocked"
# the broker drops the key on its own timer: wait for it rather than for a
# fixed time a loaded machine can outrun
locked() { nbh status | grep -q "vault: locked"; }
wait_for locked
like "idle_lock: the key is dropped after the idle time" "$(nbh status)" "vault: locked"
assert_absent "no value in the broker log" "$V" "$BLOG"
assert_absent "no value in the audit log" "$V" "$NB_HOME/.local/share/hush/audit.log"
# --- desktop: an ssh-askpass-style program on a display ---
stop_broker
if true; then
	tool fakeask <<EOF
#!/bin/sh
{ echo "PROMPT=\$SSH_ASKPASS_PROMPT"; echo "DESC: \$1"; env; } >>"$CL/ask.log"
exit "\$(cat "$CL/answer")"
EOF
	check "broker with a display" start_broker HUSH_ASKPASS="$AP" DISPLAY=:99 SSH_ASKPASS="$TOOLS/fakeask"
	echo 0 >"$CL/answer"
	out=$(nbh run --grant desk -- show 2>/dev/null); rc=$?
	is "desktop confirmation (askpass style) approves" "$rc" 0
	like "askpass got SSH_ASKPASS_PROMPT=confirm" "$(cat "$CL/ask.log")" "PROMPT=confirm"
	like "askpass showed command, cwd and secrets" "$(cat "$CL/ask.log")" "DESC: Allow grant 'desk' to run $TOOLS/show in $NB_HOME/work, requested by pid [0-9]+ .*with secrets: TOKEN"
	echo 1 >"$CL/answer"
	out=$(nbh run --grant desk -- show 2>/dev/null); rc=$?
	is "desktop confirmation declined: 77" "$rc" 77
	assert_absent "the dialog never sees the value" "$V" "$CL/ask.log"
	like "audit says approved by ui" "$(nbh audit | grep grant=desk | grep allowed | tail -1)" "by=ui"
	stop_broker
fi

# --- HUSH_CONFIRM in the broker's environment ---
check "broker with HUSH_CONFIRM" start_broker HUSH_ASKPASS="$AP" HUSH_CONFIRM="$TOOLS/confirm"
echo 0 >"$CL/answer"
n=$(asks)
out=$(nbh run --grant desk -- show 2>/dev/null); rc=$?
is "HUSH_CONFIRM of the broker approves (exit 0)" "$rc" 0
is "HUSH_CONFIRM was asked" "$(asks)" $((n + 1))
stop_broker
