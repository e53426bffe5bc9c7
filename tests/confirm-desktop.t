#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The desktop confirmation a person sees: the broker shows the real zenity
# dialog on an Xvfb display; the test finds its window, saves a screenshot
# (PNG, to $HUSH_SCREENSHOT when set: `make screenshot` writes
# docs/confirm-zenity.png for the README), then answers "No" with Escape and
# the run is refused (77); answered with Return it is approved. kdialog is
# not tested: Debian's package pulls in a KDE runtime.
. "$(dirname "$0")/lib.sh"
for t in Xvfb zenity xdotool xwd xwdtopnm pnmtopng; do
	command -v "$t" >/dev/null || { skip "$t is not installed (make deps)"; exit 0; }
done
. "$(dirname "$0")/broker_lib.sh"
tool deploy <<'EOF2'
#!/bin/sh
echo "deployed to $1"
EOF2
write_config <<EOF2
[broker]
request_timeout = 2m

[grant deploy-test]
command = $TOOLS/deploy
args = --organization=test-org
secrets = TOKEN
ui = desktop
confirm = always
EOF2
check "vault" make_vault
exec 3>"$T/display"
Xvfb -displayfd 3 -screen 0 2400x400x24 -nolisten tcp -ac >"$T/xvfb.log" 2>&1 &
XPID=$!
at_exit "kill $XPID"
exec 3>&-
for _ in $(seq 1 600); do [ -s "$T/display" ] && break; sleep 0.05; done
[ -s "$T/display" ] || { not_ok "Xvfb did not start: $(head -2 "$T/xvfb.log")"; exit 0; }
export DISPLAY=":$(head -1 "$T/display")"
check "broker starts with a display" start_broker HUSH_ASKPASS="$AP" DISPLAY="$DISPLAY"

# the dialog's window: zenity titles it "hush"
dialog() { xdotool search --onlyvisible --name '^hush$' 2>/dev/null | head -1; }
ask() {
	nbh run --grant deploy-test -- deploy --organization=test-org >"$T/run.out" 2>&1 &
	RUN=$!
	W=
	for _ in $(seq 1 1200); do
		W=$(dialog)
		[ -n "$W" ] && break
		kill -0 "$RUN" 2>/dev/null || break # the run ended without asking
		sleep 0.05
	done
}
# the previous dialog's window gone, so that the next search finds the new one
gone() { for _ in $(seq 1 1200); do [ -z "$(dialog)" ] && return 0; sleep 0.05; done; return 1; }

# no window manager: focus the dialog, then type
press() { xdotool windowfocus --sync "$1" 2>/dev/null; xdotool key "$2" 2>/dev/null; }

ask
if [ -z "$W" ]; then
	not_ok "the zenity dialog appeared"; tail -3 "$BLOG" | sed 's/^/#   /'
	kill "$RUN" 2>/dev/null; exit 0
fi
ok "the zenity dialog appeared (window $W titled hush)"
# let it finish drawing: poll until two captures agree
prev=
for _ in $(seq 1 100); do
	xwd -id "$W" -silent | xwdtopnm 2>/dev/null | pnmtopng >"$T/shot.png" 2>/dev/null
	cur=$(sha256sum <"$T/shot.png")
	[ -n "$prev" ] && [ "$cur" = "$prev" ] && break
	prev=$cur; sleep 0.1
done
colours=$(xwd -id "$W" -silent | xwdtopnm 2>/dev/null | ppmhist -noheader 2>/dev/null | wc -l)
if [ "$colours" -gt 8 ]; then ok "the screenshot shows a drawn dialog ($colours colours)"; else not_ok "the screenshot shows a drawn dialog ($colours colours)"; fi
like "the screenshot is a PNG" "$(head -c 8 "$T/shot.png" | od -An -c | tr -d ' ')" '^211PNG\\r\\n032\\n$'
[ -n "${HUSH_SCREENSHOT:-}" ] && cp "$T/shot.png" "$HUSH_SCREENSHOT"
press "$W" Escape
wait "$RUN"; rc=$?
is "Escape (No) refuses the run: 77" "$rc" "77"

gone
ask
if [ -n "$W" ]; then
	press "$W" Return
	wait "$RUN"; rc=$?
	is "Return (Yes) approves the run" "$rc" "0"
	like "... and the granted command ran" "$(cat "$T/run.out")" "deployed to --organization=test-org"
else
	not_ok "the dialog appeared a second time"
	sed 's/^/#   run: /' "$T/run.out" | head -3; tail -3 "$BLOG" | sed 's/^/#   broker: /'
	kill "$RUN" 2>/dev/null
fi
assert_absent "the canary is not in the run's output" "$V" "$T/run.out"
