# SPDX-License-Identifier: ISC
# hush sandbox with a real broker, as an unprivileged user: granted commands
# work from inside, and the agent cannot reach the broker's or a granted
# command's secrets (/proc, ptrace, signals), approve its own request,
# inject code into a granted command, or swap the granted executable.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

W="$NB_HOME/work"
OUT="$SBX/out"
mkdir -p "$OUT"
CC=${CC:-cc}
$CC -O1 -o "$NB_BIN/reader" "$HUSH_SRC/tests/sandbox/reader.c" -luring 2>/dev/null ||
	$CC -O1 -DNO_URING -o "$NB_BIN/reader" "$HUSH_SRC/tests/sandbox/reader.c"
cat >"$T/evil.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor)) static void evil(void)
{
	const char *t = getenv("DEPLOY_TOKEN");
	fprintf(stderr, "INJECTED-LIB-%s\n", t ? t : "none");
}
EOF
$CC -shared -fPIC -o "$TOOLS/evil.so" "$T/evil.c"
chmod 0755 "$NB_BIN"/* "$TOOLS/evil.so"

tool evil.sh <<'EOF'
echo "INJECTED-SH-${DEPLOY_TOKEN:-none}"
EOF
# slow: holds the secret in its environment until told to stop
tool slow <<'EOF'
#!/bin/bash
echo $$ >gpid.tmp && mv gpid.tmp gpid
for _ in $(seq 1 200); do [ -e gstop ] && break; sleep 0.05; done
echo "slow done"
EOF
tool pend <<'EOF'
#!/bin/sh
echo "pend ran"
EOF
tool ttlrun <<'EOF'
#!/bin/sh
echo "ttlrun ran"
EOF
# countask: approves, and counts how often it was asked
tool countask <<EOF
#!/bin/sh
echo asked >>"$OUT/asks"
exit 0
EOF
# opsrun: runs the ./step of its directory, as make runs a Makefile
tool opsrun <<'EOF'
#!/bin/sh
[ -x ./step ] && ./step
echo "ops ran in $PWD"
EOF
# lint: loads the project's environment file first, as direnv exec does
tool lint <<'EOF'
#!/bin/bash
[ -f .envrc ] && . ./.envrc
echo "lint ok"
EOF
tool fake <<'EOF'
#!/bin/sh
echo "FAKE-GOT-${DEPLOY_TOKEN:-none}"
EOF
{
	deploy_grant
	token_grant slow
	token_grant ttlrun "ui = command:$TOOLS/countask" "confirm = ttl" "ttl = 1h"
	token_grant opsrun "cwd = $NB_HOME/ops"
	token_grant lint
	token_grant pend "ui = terminal" "confirm = always"
} | write_config
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$OUT" "$W"
check "vault with the canary" make_vault
check "broker starts (outside any sandbox)" start_broker
check "broker unlocked" nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" unlock
BROKER=$(cat "$RT/hushd.pid")

sb() { nb "$NB_BIN/hush" sandbox "$@"; }
LL_ABI=$(landlock_abi)

# --- granted commands work from inside, masked ---
o=$(sb -- sh -c 'deploy --org=demo; echo "rc=$?"' 2>&1)
like "granted command runs from inside via its link" "$o" "deploy token=\[hush:[A-Z_]+\] args=--org=demo"$'\n'"rc=0"
[[ "$o" == *"$V"* ]] && not_ok "granted output is masked" || ok "granted output is masked"
o=$(sb -- sh -c 'deploy --org=prod; echo "rc=$?"' 2>&1)
like "ungranted arguments are refused with 77" "$o" "rc=77"
# A login shell (as Codex runs its tools) resets PATH from /etc/profile:
# routing must not depend on the sandbox's PATH surviving it.
if grep -q 'PATH="/usr/local/bin:/usr/bin:/bin' /etc/profile 2>/dev/null; then
	o=$(sb -- bash -l -c 'echo "PATH=$PATH"; deploy --org=demo; echo "rc=$?"' 2>&1)
	like "control: the login shell reset PATH (no sandbox link directory on it)" "$o" "PATH=([^:]*:)*/usr/local/bin:/usr/bin:/bin"
	[[ "$(grep '^PATH=' <<<"$o")" != *hush-sandbox* ]] && ok "control: PATH lost the link directory" || not_ok "control: PATH lost the link directory"
	like "a granted command is routed from a login shell all the same" "$o" "deploy token=\[hush:[A-Z_]+\] args=--org=demo"$'\n'"rc=0"
else
	skip "this /etc/profile does not reset PATH"
fi

# --- the broker and a running granted command, from inside ---
rm -f "$W/gpid" "$W/gstop"
cat >"$SBX/poke.sh" <<'EOF'
# poke.sh OUT BROKER: start the slow granted command, then attack it and the broker
out=$1; broker=$2
slow >"$out/slow.out" 2>&1 &
for _ in $(seq 1 200); do [ -s gpid ] && break; sleep 0.05; done
g=$(cat gpid)
echo "$g" >"$out/gpid"
for who in g broker; do
	eval "pid=\$$who"
	cat "/proc/$pid/environ" >"$out/$who.environ" 2>&1
	reader mem "$pid" >"$out/$who.mem" 2>&1
	reader ptrace "$pid" >"$out/$who.ptrace" 2>&1
	kill -0 "$pid" >"$out/$who.kill" 2>&1 && echo "signal-delivered" >>"$out/$who.kill"
	kill -STOP "$pid" >>"$out/$who.kill" 2>&1
done
touch gstop
wait
EOF
chmod 0644 "$SBX/poke.sh"
for mode in full no-userns; do
	mkdir -p "$OUT/$mode"; is_root && chown "$NOBODY_UID:$NOBODY_UID" "$OUT/$mode"
	rm -f "$W/gpid" "$W/gstop"
	flag=; [ "$mode" = no-userns ] && flag=--no-userns
	sb $flag -- bash "$SBX/poke.sh" "$OUT/$mode" "$BROKER" 2>/dev/null
	d="$OUT/$mode"
	if [ "$mode" = no-userns ] && [ "${LL_ABI:-0}" -lt 6 ]; then
		# without a pid namespace and without Landlock's signal scoping
		# (ABI < 6) the client cannot tell the broker from a listener
		# inside the sandbox, so it refuses to talk to either
		like "$mode: Landlock ABI ${LL_ABI:-0} < 6: the client refuses an unverifiable broker" \
			"$(cat "$d/slow.out")" "refusing .*client.sock"
		skip "$mode: the attacks on a running granted command need one (Landlock ABI < 6)"
		# nor can the kernel keep the agent's SIGSTOP from the broker
		# (same uid, no scoping): resume it for the rest of the test
		kill -CONT "$BROKER" 2>/dev/null
		continue
	fi
	like "$mode: the granted command ran meanwhile" "$(cat "$d/slow.out")" "slow done"
	for who in g broker; do
		n=$([ $who = g ] && echo "granted command" || echo "broker")
		assert_absent "$mode: /proc/<$n>/environ unreadable" "$V" "$d/$who.environ"
		like "$mode: /proc/<$n>/environ refused" "$(cat "$d/$who.environ")" "No such file|Permission denied"
		like "$mode: /proc/<$n>/mem refused" "$(cat "$d/$who.mem")" "No such file|Permission denied|not permitted"
		like "$mode: ptrace of the $n refused" "$(cat "$d/$who.ptrace")" "No such process|not permitted|Permission denied"
		like "$mode: signals to the $n refused" "$(cat "$d/$who.kill")" "No such process|not permitted"
	done
done
# control: outside the sandbox, the same user reads the granted command's environment
rm -f "$W/gpid" "$W/gstop"
nbh run -- slow >/dev/null 2>&1 &
RUNJOB=$!
wait_for test -s "$W/gpid"
G=$(cat "$W/gpid")
nb cat "/proc/$G/environ" >"$T/ctl.environ" 2>&1
nb reader ptrace "$G" >"$T/ctl.ptrace" 2>&1
touch "$W/gstop"; wait "$RUNJOB"
if grep -qaF -- "$V" "$T/ctl.environ"; then ok "control: outside, /proc/<granted command>/environ holds the secret"
else not_ok "control: outside, /proc/<granted command>/environ holds the secret"; fi
is "control: outside, ptrace of the granted command works" "$(cat "$T/ctl.ptrace")" "attached"
kill -0 "$BROKER" 2>/dev/null && ok "the broker survived the attacks" || not_ok "the broker died"

# --- approving its own request ---
rm -f "$W/approve.done"
cat >"$SBX/selfapprove.sh" <<'EOF'
pend >pend.out 2>&1 &
for _ in $(seq 1 100); do [ -s pend.id ] && break; sleep 0.05; done
id=$(cat pend.id)
{ hush approve "$id"; echo "rc=$?"; hush pending; echo "rc=$?"; } >approve.out 2>&1
touch approve.done
wait
EOF
chmod 0644 "$SBX/selfapprove.sh"
rm -f "$W/pend.id" "$W/pend.out"
sb -- bash "$SBX/selfapprove.sh" 2>/dev/null &
SBJOB=$!
id=
for _ in $(seq 1 200); do
	id=$(nbh pending 2>/dev/null | grep -oE '^ *[0-9]+' | head -1 | tr -d ' ')
	[ -n "$id" ] && break; sleep 0.05
done
if [ -n "$id" ]; then
	echo "$id" >"$W/pend.id"; is_root && chown "$NOBODY_UID" "$W/pend.id"
	wait_for test -e "$W/approve.done"
	like "hush approve inside the sandbox fails" "$(cat "$W/approve.out")" "rc=[1-9]"
	[[ "$(cat "$W/approve.out")" != *"rc=0"* ]] && ok "hush pending inside fails too" || not_ok "hush pending worked inside"
	o=$(nbh pending 2>&1)
	like "the request is still pending after the attempt" "$o" "pend"
	check "control: the human approves it from outside" nbh approve "$id"
	wait "$SBJOB"
	like "the approved command then ran" "$(cat "$W/pend.out")" "pend ran"
else
	not_ok "the sandboxed request never showed up in hush pending"
	kill "$SBJOB" 2>/dev/null
fi

# --- injecting code into a granted command ---
o=$(nb env DEPLOY_TOKEN=x BASH_ENV="$TOOLS/evil.sh" "$TOOLS/deploy" 2>&1)
like "control: BASH_ENV injects into the deploy script when run directly" "$o" "INJECTED-SH"
o=$(nb env DEPLOY_TOKEN=x LD_PRELOAD="$TOOLS/evil.so" "$TOOLS/deploy" 2>&1)
like "control: LD_PRELOAD injects into it when run directly" "$o" "INJECTED-LIB"
# the agent's own copies of the injection files (the sandbox's /tmp is private)
cp "$TOOLS/evil.sh" "$TOOLS/evil.so" "$TOOLS/fake" "$SBX/"
is_root && chown "$NOBODY_UID:$NOBODY_UID" "$SBX"/evil.* "$SBX/fake"
o=$(sb -- sh -c "BASH_ENV='$SBX/evil.sh' deploy --org=demo; LD_PRELOAD='$SBX/evil.so' deploy --org=demo; BASH_ENV='$SBX/evil.sh' hush run -- deploy --org=demo" 2>&1)
# the hush client inside may load the library (it holds no secret: "none");
# the command the broker runs must not
[[ ! "$o" =~ INJECTED-[A-Z]+-[^n] ]] && ok "BASH_ENV / LD_PRELOAD do not reach the granted command" ||
	{ not_ok "BASH_ENV / LD_PRELOAD do not reach the granted command"; echo "$o" | grep INJECTED | head -2 | sed 's/^/#   /'; }
like "the granted command still ran" "$o" "deploy token=\[hush"

# --- a fake granted command earlier in PATH ---
o=$(sb -- sh -c "mkdir -p /tmp/fake.\$\$ && cp '$SBX/fake' /tmp/fake.\$\$/deploy && PATH=/tmp/fake.\$\$:\$PATH; export PATH; deploy --org=demo; hush run -- deploy --org=demo; hush run -- /tmp/fake.\$\$/deploy --org=demo; echo rc=\$?; rm -rf /tmp/fake.\$\$" 2>&1)
[[ "$o" != *"$V"* ]] && ok "a fake deploy earlier in PATH never gets the secret" || not_ok "a fake deploy earlier in PATH got the secret"
[[ "$o" != *"FAKE-GOT-["* ]] && ok "the broker never runs the fake with the secret" || not_ok "the broker ran the fake"
like "the broker resolves deploy itself" "$o" "deploy token=\[hush"
like "asking for the fake by path is refused (77)" "$o" "rc=77"

# --- a file a granted command runs, planted during the session: the broker
# refuses to start the command while the file is there, for the agent and
# for the human's own run in the project; the session's end moves it ---
PLANT="echo 'printf %s \"\$DEPLOY_TOKEN\" | rev >$OUT/leak' >.envrc"
rev_v=$(printf '%s' "$V" | rev)
mkdir -p "$SBX/ctlproj"; is_root && chown "$NOBODY_UID:$NOBODY_UID" "$SBX/ctlproj"
rm -f "$OUT/leak"
o=$(nb sh -c "cd '$SBX/ctlproj' && $PLANT && hush run -- lint; echo rc=\$?" 2>&1)
like "control: outside any session, the planted .envrc runs inside the granted command" "$o" "lint ok"$'\n'"rc=0"
[ "$(cat "$OUT/leak" 2>/dev/null)" = "$rev_v" ] && ok "control: ... and writes the secret, reversed, where the agent reads it" ||
	not_ok "control: ... and writes the secret, reversed, where the agent reads it"
rm -rf "$OUT/leak" "$SBX/ctlproj"
o=$(sb -- sh -c "$PLANT && lint; echo rc=\$?" 2>&1)
like "inside: the agent plants .envrc, then the granted command is refused (77)" "$o" "rc=77"
like "... saying what and why" "$o" "$W/.envrc appeared during a sandbox session and is on the never-writable list: the command could run it"
[ ! -e "$OUT/leak" ] && ok "... and the secret was not written" || not_ok "... and the secret was not written"
like "the session's end moves it" "$o" "moved $W/.envrc -> "
rm -f "$W/go" "$W/planted"
sb -- sh -c "$PLANT && touch planted && for _ in \$(seq 1 600); do [ -e go ] && break; sleep 0.05; done" >"$T/held.out" 2>&1 &
HELD=$!
wait_for test -e "$W/planted"
o=$(nbh run -- lint 2>&1); rc=$?
is "during the session, the human's own run of the grant in the project is refused too" "$rc" 77
[ ! -e "$OUT/leak" ] && ok "... and the secret was not written" || not_ok "... and the secret was not written"
touch "$W/go"; wait "$HELD"
like "the session's end moves the planted file" "$(cat "$T/held.out")" "moved $W/.envrc -> "
o=$(nbh run -- lint 2>&1); rc=$?
is "after the session the grant runs again" "$rc" 0
[ ! -e "$OUT/leak" ] && ok "... running nothing planted" || not_ok "... running nothing planted"
rm -f "$W/go" "$W/planted" "$OUT/leak"

# --- a directory of the sandbox's own at the path of one outside: the grant
# is pinned to ~/ops (the human's), the agent makes its own ~/ops (its home
# view is a tmpfs) with a step of its own, and asks for the grant there ---
mkdir -p "$NB_HOME/ops" && printf '#!/bin/sh\necho human step\n' >"$NB_HOME/ops/step" && chmod +x "$NB_HOME/ops/step"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$NB_HOME/ops"
o=$(nb sh -c "cd '$NB_HOME/ops' && hush run -- opsrun; echo rc=\$?" 2>&1)
like "control: outside, the grant runs in the human's ~/ops" "$o" "human step"$'\n'"ops ran in $NB_HOME/ops"$'\n'"rc=0"
FAKE="mkdir -p '$NB_HOME/ops' && cd '$NB_HOME/ops' && printf '#!/bin/sh\nprintf %s \"\$DEPLOY_TOKEN\" | rev >$OUT/leak\n' >step && chmod +x step && opsrun; echo rc=\$?"
o=$(sb -- sh -c "$FAKE" 2>&1)
[[ "$o" == *"human step"* ]] && skip "this sandbox shows the real ~/ops (home = visible?)" || {
	like "inside: the grant in the agent's own ~/ops is refused (77)" "$o" "rc=77"
	like "... saying why" "$o" "the working directory is not the directory at its path outside the sandbox"
	[ ! -e "$OUT/leak" ] && ok "... and the agent's step did not get the secret" || not_ok "... and the agent's step did not get the secret"
}
rm -rf "$NB_HOME/ops" "$OUT/leak"

# --- a ttl approval the human gave for their own run does not cover the
# sandbox's requests in the same directory (nor the other way round) ---
asks() { wc -l <"$OUT/asks" 2>/dev/null | tr -d ' ' || echo 0; }
rm -f "$OUT/asks"
nbh run -- ttlrun >/dev/null 2>&1
nbh run -- ttlrun >/dev/null 2>&1
is "control: outside, the second run reuses the human's approval (asked once)" "$(asks)" 1
sb -- sh -c 'ttlrun; ttlrun' >/dev/null 2>&1
is "inside, in the same directory, the sandbox is asked for itself (once more)" "$(asks)" 2
like "the sandbox's second run reuses its own approval" "$(nbh audit | grep grant=ttlrun | tail -1)" "by=ttl-reuse"

# --- the pending list: one sandbox fills at most a quarter of it, the
# human's own request still gets in ---
cat >"$SBX/flood.sh" <<'EOF'
for i in $(seq 1 24); do pend >/dev/null 2>&1 & done
wait
EOF
chmod 0644 "$SBX/flood.sh"
sb -- bash "$SBX/flood.sh" >/dev/null 2>&1 &
FLOOD=$!
npend() { nbh pending 2>/dev/null | grep -c "grant=pend"; }
at_least_16() { [ "$(npend)" -ge 16 ]; }
check "the sandbox's requests wait in hush pending" wait_for at_least_16
nbh run -- pend >"$T/human-pend.out" 2>&1 &
HUMAN=$!
seventeen() { [ "$(npend)" -ge 17 ]; }
check "the human's own request still gets into the pending list" wait_for seventeen
is "the sandbox holds no more than 16 places" "$(npend)" 17
for id in $(nbh pending 2>/dev/null | awk '/grant=pend/ {print $1}'); do nbh deny "$id" >/dev/null 2>&1; done
wait "$FLOOD" "$HUMAN" 2>/dev/null

assert_absent "the canary is in no test output" "$V" "$OUT" "$W/approve.out" "$T/held.out"
stop_broker
