# SPDX-License-Identifier: ISC
# The display is not shared by default: a real X server (Xvfb with cookie
# authentication, as a desktop session has) runs as the unprivileged user;
# outside, the same user's X clients reach it and read its windows (the
# control); inside hush sandbox neither the socket in /tmp/.X11-unix, nor
# the abstract socket, nor the cookie in ~/.Xauthority is there, so
# xdpyinfo and xdotool fail, with and without Landlock. With
# --allow-display the agent reaches it (and desktop confirmation is then
# not used for its requests: tests/sandbox-broker.t).
. "$(dirname "$0")/lib.sh"

for p in Xvfb xauth xdpyinfo xdotool; do
	if ! command -v "$p" >/dev/null; then skip "$p missing (make deps installs it)"; exit 0; fi
done
need_setpriv
nobody_prepare
P="$T/proj"
mkdir -p "$P" /tmp/.X11-unix
chmod 1777 /tmp/.X11-unix 2>/dev/null
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$P" "$NB_HOME"
# a free display number
for d in $(seq 90 140); do
	[ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ] || grep -q "@/tmp/.X11-unix/X$d\$" /proc/net/unix || break
done
XA="$NB_HOME/.Xauthority"
cookie=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
as_nobody xauth -f "$XA" add ":$d" . "$cookie" >/dev/null 2>&1
as_nobody Xvfb ":$d" -auth "$XA" -screen 0 640x480x24 -nolisten tcp >"$T/xvfb.log" 2>&1 &
XPID=$!
# (the job is a subshell: the server itself is found by its arguments)
at_exit "pkill -f 'Xvfb :$d -auth $XA'; kill $XPID; rm -f /tmp/.X11-unix/X$d /tmp/.X$d-lock"
for _ in $(seq 1 400); do [ -S "/tmp/.X11-unix/X$d" ] && break; sleep 0.05; done
xenv=(DISPLAY=":$d" XAUTHORITY="$XA")

ctl=$(cd "$P" && as_nobody env "${xenv[@]}" xdpyinfo 2>&1 | head -3)
like "control: outside, the user's X client reaches the display" "$ctl" "name of display"
ctl=$(cd "$P" && as_nobody env DISPLAY=":$d" XAUTHORITY=/nonexistent xdpyinfo 2>&1 | head -2)
like "control: without the cookie the server refuses (it checks authentication)" "$ctl" "unable to open display|Authorization required|No protocol"

for flags in "" "--no-landlock"; do
	name="inside${flags:+ ($flags)}"
	o=$(cd "$P" && as_nobody env "${xenv[@]}" "$NB_BIN/hush" sandbox $flags --allow-env DISPLAY,XAUTHORITY -- sh -c '
		echo "DISPLAY=${DISPLAY:-unset}"
		ls -a /tmp/.X11-unix 2>&1 | tr "\n" " "; echo
		cat "$XAUTHORITY" ~/.Xauthority 2>/dev/null | wc -c
		xdpyinfo 2>&1 | head -2
		xdotool getmouselocation 2>&1 | head -1
		DISPLAY=:'"$d"' xdpyinfo 2>&1 | head -1' 2>&1)
	[[ "$o" != *"name of display"* ]] && ok "$name: xdpyinfo cannot reach the display" ||
		not_ok "$name: xdpyinfo reached the display"
	[[ ! "$o" =~ x:[0-9]+\ y:[0-9]+ ]] && ok "$name: xdotool cannot reach the display" || not_ok "$name: xdotool reached the display"
	like "$name: no X socket in the sandbox's /tmp" "$o" $'\n''\. \.\. '$'\n''|No such file'
	like "$name: the cookie is masked (0 bytes)" "$o" $'\n''0'$'\n'
done
o=$(cd "$P" && as_nobody env "${xenv[@]}" "$NB_BIN/hush" sandbox -- sh -c 'echo "D=${DISPLAY:-unset} X=${XAUTHORITY:-unset}"' 2>&1)
is "DISPLAY and XAUTHORITY are not passed by default" "$o" "D=unset X=unset"

o=$(cd "$P" && as_nobody env "${xenv[@]}" "$NB_BIN/hush" sandbox --allow-display -- sh -c 'xdpyinfo 2>&1 | head -1' 2>&1)
like "--allow-display: the agent reaches the display" "$o" "name of display"
