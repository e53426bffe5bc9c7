# SPDX-License-Identifier: ISC
# hush run's terminal and process handling, as an unprivileged user: masking
# on a pty with the window size passed on, signals reaching the child, the
# child dying with its client, and 100 concurrent runs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"
cp "$HUSH_SRC/tests/broker_pty.py" "$T/ptyrun.py"; chmod 0755 "$T/ptyrun.py"

CL="$T/clog"; mkdir -p "$CL"; chmod 0777 "$CL"
tool split <<'EOF'
#!/usr/bin/python3
import os, sys, time
v = os.environ["TOKEN"]
print("tty:%s size:%s" % (os.isatty(1), "%dx%d" % tuple(reversed(os.get_terminal_size(1))) if os.isatty(1) else "-"))
sys.stdout.write("before " + v[:6]); sys.stdout.flush(); time.sleep(0.2)
sys.stdout.write(v[6:] + " after\n"); sys.stdout.flush()
sys.stderr.write("err " + v + "\n")
EOF
tool winch <<'EOF'
#!/usr/bin/python3
import os, signal, sys
def size():
    c, r = os.get_terminal_size(1)
    return "%dx%d" % (r, c)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGWINCH])
print("first:" + size() + " ready", flush=True)
signal.sigwait([signal.SIGWINCH])
print("after:" + size(), flush=True)
EOF
tool trapper <<EOF
#!/bin/sh
trap 'echo got-\$1 > "$CL/\$1.sig"; exit 7' INT TERM
echo \$\$ > "$CL/\$1.ready"
while :; do sleep 0.05; done
EOF
tool sleeper <<EOF
#!/bin/sh
echo \$\$ > "$CL/sleeper.pid"
exec sleep 300
EOF
tool exitwith <<'EOF'
#!/bin/sh
exit "$1"
EOF
{
	grant_section split "$TOOLS/split" secrets=TOKEN
	grant_section winch "$TOOLS/winch"
	grant_section trapper "$TOOLS/trapper" "args=*"
	grant_section sleeper "$TOOLS/sleeper"
	grant_section exitwith "$TOOLS/exitwith" "args=*"
} | broker_config
vault_and_broker

# --- pty ---
out=$(nb python3 "$T/ptyrun.py" 33 111 "$NB_BIN/hush" run -- split)
like "on a terminal the child gets a pty" "$out" "tty:True"
like "the window size reaches the child" "$out" "size:33x111"
like "pty output masked, value split across writes" "$out" "before \[hush:TOKEN\] after"
like "stderr on the pty masked" "$out" "err \[hush:TOKEN\]"
like "exit status through the pty" "$out" "EXIT 0"
assert_absent "value absent from the terminal" "$V" <(printf '%s' "$out")
out=$(nb timeout 20 python3 "$T/ptyrun.py" 20 70 --resize 44 132 "$NB_BIN/hush" run -- winch)
like "initial window size" "$out" "first:20x70"
like "a window size change (SIGWINCH) reaches the child" "$out" "after:44x132"
out=$(nb script -qec "$NB_BIN/hush run -- split" /dev/null)
like "under script(1): masked" "$out" "before \[hush:TOKEN\] after"
assert_absent "under script(1): value absent" "$V" <(printf '%s' "$out")
out=$(nbh run -- split 2>&1)
like "on pipes the child gets no pty" "$out" "tty:False"
like "pipes: masked" "$out" "before \[hush:TOKEN\] after"

# --- a reader that goes away: the child sees a closed pipe, as without hush ---
tool yes1 <<'EOF'
#!/bin/sh
exec yes hush
EOF
printf '\n[grant yes1]\ncommand = %s\n' "$TOOLS/yes1" >>"$CFG"
nbh stop >/dev/null 2>&1; wait "$BPID" 2>/dev/null
check "broker restarted" start_broker HUSH_ASKPASS="$AP"
out=$(nb sh -c "$NB_BIN/hush run -- yes1 | head -2; echo \"rc=\$?\"")
like "an endless writer into '| head' ends" "$out" "hush.hush.rc=0"
like "its exit status is SIGPIPE's" "$(nbh audit | grep grant=yes1 | tail -1)" "exit=141"

# --- signals ---
for s in INT TERM; do
	rm -f "$CL/$s.ready" "$CL/$s.sig"
	nbh run -- trapper "$s" >/dev/null 2>&1 &
	BG=$!
	check "child for SIG$s is ready" wait_for test -s "$CL/$s.ready"
	kill -"$s" "$(client_of "$BG")"
	wait "$BG"; rc=$?
	is "SIG$s on the client reaches the child (its exit status 7)" "$rc" 7
	check "the child's SIG$s handler ran" test -s "$CL/$s.sig"
done

# --- the child dies with its client ---
rm -f "$CL/sleeper.pid"
nbh run -- sleeper >/dev/null 2>&1 &
BG=$!
check "long-running child started" wait_for test -s "$CL/sleeper.pid"
CPID=$(cat "$CL/sleeper.pid")
check "child is alive" kill -0 "$CPID"
kill -KILL "$(client_of "$BG")"
wait "$BG" 2>/dev/null
child_gone() { ! kill -0 "$CPID" 2>/dev/null; }
check "killing the client kills the child" wait_for child_gone
like "audit notes the client went away" "$(nbh audit | grep grant=sleeper | tail -1)" "client disconnected"

# --- 100 concurrent runs ---
pids=()
for i in $(seq 1 100); do
	nbh run -- exitwith $((i % 50)) >/dev/null 2>"$T/c.$i.err" &
	pids[$i]=$!
done
bad=0
for i in $(seq 1 100); do
	wait "${pids[$i]}"; rc=$?
	if [ "$rc" -ne $((i % 50)) ]; then
		bad=$((bad + 1))
		echo "# run $i: exit $rc, expected $((i % 50)): $(head -2 "$T/c.$i.err")"
	fi
done
is "100 concurrent runs all completed with their own exit status" "$bad" 0
check "broker still answers after the burst" eval "nbh status >/dev/null"
is "no runner left behind" "$(nbh status | awk '/^running:/ {print $2}')" 0
stop_broker
