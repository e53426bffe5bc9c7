# SPDX-License-Identifier: ISC
# hushd's own defences, as an unprivileged user: not traceable, /proc of the
# broker unreadable, other uids refused, bad frames drop only their own
# connection, control requests need the control socket and its token.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"
RAW="$HUSH_SRC/tests/broker_raw.py"
cp "$RAW" "$T/raw.py"; chmod 0755 "$T/raw.py"; RAW="$T/raw.py"

tool exitwith <<'EOF'
#!/bin/sh
exit "$1"
EOF
grant_section exitwith "$TOOLS/exitwith" "args=*" | broker_config
check "broker starts" start_broker HUSH_BROKER_FRAME_TIMEOUT_MS=1500
alive() { kill -0 "$BPID" 2>/dev/null && nbh run -- exitwith 3 >/dev/null 2>&1; [ $? -eq 3 ] && kill -0 "$BPID"; }

# --- not traceable, /proc unreadable (as the same uid) ---
cat >"$T/ptrace.py" <<'EOF'
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH, PTRACE_DETACH = 16, 17
def attach(pid):
    r = libc.ptrace(PTRACE_ATTACH, pid, 0, 0)
    e = ctypes.get_errno()
    if r == 0:
        os.waitpid(pid, 0)
        libc.ptrace(PTRACE_DETACH, pid, 0, 0)
        return "attached"
    return "refused errno=%d" % e
if sys.argv[1] == "control":
    pid = os.fork()
    if pid == 0:
        time.sleep(5); os._exit(0)
    time.sleep(0.1)
    print(attach(pid))
    os.kill(pid, 9)
else:
    print(attach(int(sys.argv[1])))
EOF
chmod 0644 "$T/ptrace.py"
is "broker runs as the unprivileged user" "$(stat -c %u /proc/$BPID)" "$(is_root && echo $NOBODY_UID || id -u)"
ctl=$(nb python3 "$T/ptrace.py" control)
if [ "$ctl" = attached ]; then
	ok "control: the same user can ptrace its own child"
	like "ptrace attach to hushd fails" "$(nb python3 "$T/ptrace.py" "$BPID")" "^refused"
else
	skip "ptrace is disabled for this user altogether (yama ptrace_scope); control failed: $ctl"
fi
# the other process writes its own pid, so the test reads it instead of
# searching for it (a search that runs before the process starts finds nothing)
rm -f "$NB_HOME/work/other.pid"
nb sh -c 'echo $$ >other.pid.tmp && mv other.pid.tmp other.pid && exec sleep 30' &
SPID=$!
at_exit "kill $SPID"
wait_for test -s "$NB_HOME/work/other.pid"
OPID=$(cat "$NB_HOME/work/other.pid")
check "control: the same user reads another of its processes' environ" nb sh -c "cat /proc/$OPID/environ >/dev/null"
check_fail "/proc/<hushd>/environ is unreadable by the same user" nb sh -c "cat /proc/$BPID/environ >/dev/null 2>&1"
check_fail "/proc/<hushd>/mem is unreadable by the same user" nb sh -c "dd if=/proc/$BPID/mem of=/dev/null bs=1 count=1 skip=4096 2>/dev/null"
is "hushd is not dumpable (owner of /proc/<pid>/environ is root)" "$(stat -c %u /proc/$BPID/environ)" 0
is "hushd has no core dumps" "$(awk '/Max core file size/ {print $5}' /proc/$BPID/limits)" 0
kill "$SPID" 2>/dev/null

# --- sockets and files ---
is "runtime dir is 0700" "$(stat -c %a "$RT")" 700
is "control dir is 0700" "$(stat -c %a "$RT/control")" 700
is "client socket is 0600" "$(stat -c %a "$RT/client.sock")" 600
is "control token is 0600" "$(stat -c %a "$RT/control/token")" 600
is "control token is 32 bytes" "$(stat -c %s "$RT/control/token")" 32

# --- another uid is refused (SO_PEERCRED) ---
if is_root; then
	o=$(RAW_WAIT=2 python3 "$RAW" "$RT/client.sock" unknown)
	is "root's connection to nobody's broker is closed without a reply" "$o" "closed"
	o=$(RAW_WAIT=2 python3 "$RAW" "$RT/control/sock" status "$RT/control/token")
	is "root with the right token is still refused on the control socket" "$o" "closed"
	o=$(nb python3 "$RAW" "$RT/control/sock" status "$RT/control/token")
	like "control: the broker's own uid gets a status reply" "$o" "^reply 69"
	if command -v setpriv >/dev/null; then
		o=$(setpriv --reuid=65533 --regid=65533 --clear-groups python3 "$RAW" "$RT/client.sock" unknown 2>&1)
		like "a second unprivileged uid cannot even reach the socket" "$o" "Permission denied|closed"
	fi
else
	skip "needs root to connect as another uid"
fi

# --- malformed frames drop only that connection ---
for m in zero huge over unknown run-no-fds; do
	o=$(nb python3 "$RAW" "$RT/client.sock" "$m")
	like "frame '$m': connection dropped" "$o" "closed$"
	check "frame '$m': broker carries on" alive
done
o=$(nb python3 "$RAW" "$RT/client.sock" huge)
like "oversized frame gets an error reply first" "$o" "reply 65 frame length out of bounds"
o=$(nb python3 "$RAW" "$RT/client.sock" unknown)
like "unknown type gets an error reply" "$o" "reply 65 unknown or unexpected message type"
o=$(nb python3 "$RAW" "$RT/client.sock" truncated)
like "truncated frame: connection dropped" "$o" "closed$"
check "truncated frame: broker carries on" alive
o=$(nb python3 "$RAW" "$RT/client.sock" control-on-client "$RT/control/token")
like "control request on the client socket is refused" "$o" "reply 65 this request is only accepted on the control socket"
o=$(nb python3 "$RAW" "$RT/control/sock" status)
like "control request with a wrong token is refused" "$o" "reply 65 control request refused: wrong token"
o=$(nb python3 "$RAW" "$RT/control/sock" trailing "$RT/control/token")
like "control request with trailing bytes is refused" "$o" "reply 65 malformed control request"
o=$(nb python3 "$RAW" "$RT/control/sock" short-token "$RT/control/token")
like "control request with a short token is refused" "$o" "reply 65 malformed control request"
check "broker carries on after bad control requests" alive

# slow drip: the dripping client is dropped, others are served meanwhile
nb python3 "$RAW" "$RT/client.sock" slow "$RT/control/token" >"$T/slow.out" &
SLOW=$!
sleep 0.5
nbh run -- exitwith 4 >/dev/null 2>&1; is "a run completes while another client drips" "$?" 4
wait "$SLOW"
like "slow-drip client is dropped" "$(cat "$T/slow.out")" "closed"
RAW_WAIT=4 nb python3 "$RAW" "$RT/client.sock" idle >"$T/idle.out"
like "idle connection is dropped" "$(cat "$T/idle.out")" "closed"
check "broker carries on after slow clients" alive
stop_broker
