# SPDX-License-Identifier: ISC
# The detached broker's log, as an unprivileged user: hush broker writes its
# messages to <data>/hushd.log (0600), hush status says where, and a failure
# to append to the audit log is reported there, for refusals (the broker)
# and for runs (the runner).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

DATA="$NB_HOME/.local/share/hush"
tool show <<'EOF'
#!/bin/sh
echo ran
EOF
grant_section show "$TOOLS/show" | broker_config
mkdir -p "$DATA"; is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$NB_HOME"
nbh broker >/dev/null 2>&1; is "hush broker detaches (exit 0)" "$?" 0
at_exit "as_nobody '$NB_BIN/hush' stop"
like "hush status says where the log is" "$(nbh status)" "log: $DATA/hushd.log"
out=$(nbh run -- show 2>&1); rc=$?
is "control: a run works and is audited" "$rc" 0
check "control: its audit line is there" wait_for grep -q '"decision":"allowed"' "$DATA/audit.log"
check_fail "control: nothing about the audit log in the broker's log" grep -q "audit log" "$DATA/hushd.log"
# the audit log cannot be appended to: a directory where the file should be
rm -f "$DATA/audit.log"; mkdir "$DATA/audit.log"; is_root && chown "$NOBODY_UID" "$DATA/audit.log"
out=$(nbh run -- show 2>&1); rc=$?
is "a run still works" "$rc" 0
check "the runner reports the failed audit append in the log" \
	wait_for grep -q "hushd: cannot append to the audit log $DATA/audit.log: input/output error" "$DATA/hushd.log"
fails() { grep -c "cannot append to the audit log" "$DATA/hushd.log"; }
more_than() { [ "$(fails)" -gt "$1" ]; }
n=$(fails)
nbh run -- nosuch >/dev/null 2>&1
check "a refusal's failed audit append is reported too" wait_for more_than "$n"
like "the log is private (0600)" "$(stat -c %a "$DATA/hushd.log")" "^600$"
