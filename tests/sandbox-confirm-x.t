# SPDX-License-Identifier: ISC
# The desktop approval dialog against an agent on the same display, with a
# real X server (Xvfb, cookie authentication), the real zenity dialog the
# broker shows, and xdotool as the attacker. Control: an agent outside the
# sandbox that shares the display finds hush's dialog and presses Return,
# approving its own request (the audit log says approved_by ui). Inside
# `hush sandbox --allow-display` the broker shows no dialog for the
# sandbox's requests (a forged click would approve): the same attack finds
# nothing to click, the request waits for `hush approve` from a terminal
# outside, and the human denies it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

for p in Xvfb xauth xdotool zenity; do
	if ! command -v "$p" >/dev/null; then skip "$p missing (make deps installs it)"; exit 0; fi
done
W="$NB_HOME/work"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$W"
for d in $(seq 141 190); do
	[ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ] || grep -q "@/tmp/.X11-unix/X$d\$" /proc/net/unix || break
done
mkdir -p /tmp/.X11-unix; chmod 1777 /tmp/.X11-unix 2>/dev/null
XA="$NB_HOME/.Xauthority"
as_nobody xauth -f "$XA" add ":$d" . "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" >/dev/null 2>&1
as_nobody Xvfb ":$d" -auth "$XA" -screen 0 800x600x24 -nolisten tcp >"$T/xvfb.log" 2>&1 &
at_exit "pkill -f 'Xvfb :$d -auth $XA'; rm -f /tmp/.X11-unix/X$d /tmp/.X$d-lock"
wait_for test -S "/tmp/.X11-unix/X$d" || { not_ok "Xvfb did not start: $(head -2 "$T/xvfb.log")"; exit 0; }

tool show <<EOF
#!/bin/sh
[ "\$(printf '%s' "\$TOKEN" | sha256sum | cut -d' ' -f1)" = "$V_SHA" ] && echo "SECRET-OK"
EOF
write_config <<EOF
[broker]
confirm = desktop
request_timeout = 5m

[grant show]
command = $TOOLS/show
secrets = TOKEN
confirm = always
EOF
check "vault" make_vault
check "broker with the display (zenity dialogs)" start_broker HUSH_ASKPASS="$AP" DISPLAY=":$d" XAUTHORITY="$XA"
has_pending() { nbh pending 2>/dev/null | grep -q "grant=show"; }

# The attack: start a granted request, then look for hush's dialog and
# press Return in it (what an injected agent with the display would do).
# The search lasts up to $2 seconds and records how long it took.
cat >"$SBX/click.sh" <<'EOF'
out="$1"
hush run -- show >"$out.run" 2>"$out.err" &
t0=$(date +%s)
w=$(timeout "$2" xdotool search --sync --onlyvisible --name '^hush$' 2>/dev/null | head -1)
echo $(($(date +%s) - t0)) >"$out.secs"
if [ -n "$w" ]; then
	xdotool windowfocus --sync "$w" 2>/dev/null; xdotool key --clearmodifiers Return 2>/dev/null
	echo "clicked $w" >"$out.click"
else
	echo "no dialog" >"$out.click"
fi
wait
EOF
chmod 0644 "$SBX/click.sh"

# control: outside the sandbox, on the same display
# (a slow machine takes long to show the first dialog: up to a minute)
nb env DISPLAY=":$d" XAUTHORITY="$XA" bash "$SBX/click.sh" "$SBX/ctl" 60 >/dev/null 2>&1
like "control: outside, the agent found hush's dialog and pressed Return" "$(cat "$SBX/ctl.click" 2>/dev/null)" "^clicked "
grep -q "^clicked " "$SBX/ctl.click" 2>/dev/null || tail -20 "$BLOG" | sed 's/^/# broker: /'
like "control: so its own request ran with the secret" "$(cat "$SBX/ctl.run" 2>/dev/null)" "SECRET-OK"
like "control: the audit log says the dialog approved it" "$(nbh audit --json | grep '"grant":"show"' | tail -1)" '"approved_by":"ui"'

# inside hush sandbox --allow-display: no dialog to click
if ! nb "$NB_BIN/hush" sandbox -- true >/dev/null 2>&1; then
	skip "hush sandbox does not start here"
	exit 0
fi
# inside, the agent searches three times as long as the control needed to
# find the dialog (at least 8 s), so "no dialog" is not a search cut short
secs=$(cat "$SBX/ctl.secs" 2>/dev/null || echo 0)
search=$((3 * secs + 2)); [ "$search" -lt 8 ] && search=8
nb env DISPLAY=":$d" XAUTHORITY="$XA" "$NB_BIN/hush" sandbox --allow-display -- bash "$SBX/click.sh" "$SBX/in" "$search" >/dev/null 2>&1 &
SB=$!
check "inside: the request waits in hush pending (no dialog)" wait_for has_pending
wait_secs $((search + 20)) test -s "$SBX/in.click"
is "inside: the agent on the shared display found no dialog to click" "$(cat "$SBX/in.click" 2>/dev/null)" "no dialog"
like "inside: the agent is told why" "$(cat "$SBX/in.err" 2>/dev/null)" "no desktop dialog for this request"
nbh deny >/dev/null 2>&1
wait "$SB"
[[ "$(cat "$SBX/in.run" 2>/dev/null)" != *SECRET-OK* ]] && ok "inside: the human denied it from a terminal; it did not run" ||
	not_ok "inside: the request ran"
[ -z "$(nbh audit --json | grep '"grant":"show"' | sed 1d | grep '"approved_by":"ui"')" ] &&
	ok "the audit log has no dialog approval for the sandbox's request" || not_ok "the audit log has a dialog approval for the sandbox's request"
stop_broker
