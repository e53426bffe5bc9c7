# SPDX-License-Identifier: ISC
# hushd and hush run, as an unprivileged user: secrets reach the granted
# command only, output is masked, the environment is clean, the executable
# is the granted one, exit statuses pass through, audit and lifecycle.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

# --- tools ---
tool show <<EOF
#!/bin/sh
echo "granted-show"
[ "\$(printf '%s' "\$TOKEN" | sha256sum | cut -d' ' -f1)" = "$V_SHA" ] && echo "SECRET-OK"
printf 'value:%s\n' "\$TOKEN"
printf 'err:%s\n' "\$TOKEN" >&2
EOF
tool envdump <<'EOF'
#!/bin/sh
env | cut -d= -f1 | sort
EOF
tool split <<'EOF'
#!/usr/bin/python3
import os, sys, time
v = os.environ["TOKEN"]
sys.stdout.write("before ")
sys.stdout.write(v[:7]); sys.stdout.flush(); time.sleep(0.2)
sys.stdout.write(v[7:15]); sys.stdout.flush(); time.sleep(0.2)
sys.stdout.write(v[15:] + " after\n"); sys.stdout.flush()
sys.stderr.write(v[:3]); sys.stderr.flush(); time.sleep(0.2)
sys.stderr.write(v[3:] + "\n")
EOF
tool exitwith <<'EOF'
#!/bin/sh
[ "$1" = kill ] && kill -TERM $$
exit "$1"
EOF
tool usehelper <<'EOF'
#!/bin/sh
helper
EOF
mkdir -p "$T/trusted" "$T/evil"
chmod 0755 "$T/trusted" "$T/evil"
printf '#!/bin/sh\necho trusted-helper\n' >"$T/trusted/helper"
printf '#!/bin/sh\necho evil-helper; printf "%%s" "$TOKEN" > %s/evil-helper-ran\n' "$T/evil" >"$T/evil/helper"
printf '#!/bin/sh\necho evil-show; printf "%%s" "$TOKEN" > %s/evil-show-ran\n' "$T/evil" >"$T/evil/show"
chmod 0755 "$T/trusted/helper" "$T/evil/helper" "$T/evil/show"
chmod 0777 "$T/evil"

{
	grant_section show "$TOOLS/show" secrets=TOKEN
	grant_section envdump "$TOOLS/envdump" secrets=TOKEN env_keep=KEEP_ME
	grant_section split "$TOOLS/split" secrets=TOKEN allow_no_mask=true
	grant_section exitwith "$TOOLS/exitwith" "args=*"
	grant_section argy /bin/echo "args=--ok *" secrets=TOKEN "cwd=$NB_HOME/work"
	grant_section helper "$TOOLS/usehelper" "path=$T/trusted:/usr/bin:/bin" secrets=TOKEN
} | broker_config
check "vault with a canary secret" make_vault

# --- locked vault, no way to unlock ---
check "broker starts" start_broker
out=$(nbh run -- show 2>"$T/err"); rc=$?
is "run while locked without askpass exits 77" "$rc" 77
like "says the vault is locked" "$(cat "$T/err")" "vault is locked"
like "hint says hush unlock" "$(cat "$T/err")" "hint: .*hush unlock"
st=$(nbh status)
like "status: locked" "$st" "vault: locked"
like "status shows the pid" "$st" "pid $BPID"
printf '%s\n' "$PASS" >"$T/pass"; chmod 0644 "$T/pass"
o=$(nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" unlock 2>&1); rc=$?
is "hush unlock with HUSH_ASKPASS" "$rc" 0
like "status: unlocked" "$(nbh status)" "vault: unlocked"
bad=$(make_askpass "wrong-pass")
nb env HUSH_ASKPASS="$bad" "$NB_BIN/hush" unlock >/dev/null 2>"$T/err"; rc=$?
is "wrong passphrase: exit 1" "$rc" 1
like "wrong passphrase said" "$(cat "$T/err")" "wrong passphrase"

# --- the granted command gets the secret, output is masked ---
out=$(nbh run -- show 2>"$T/err"); rc=$?
is "run show exits 0" "$rc" 0
like "granted executable ran" "$out" "granted-show"
like "child received the exact secret" "$out" "SECRET-OK"
like "stdout masked with the marker" "$out" "value:\[hush:TOKEN\]"
like "stderr masked with the marker" "$(cat "$T/err")" "err:\[hush:TOKEN\]"
assert_absent "secret absent from stdout" "$V" <(printf '%s' "$out")
assert_absent "secret absent from stderr" "$V" "$T/err"

out=$(nbh run -- split 2>"$T/err"); rc=$?
is "split writes: exit 0" "$rc" 0
is "value split across writes is masked on stdout" "$out" "before [hush:TOKEN] after"
is "value split across writes is masked on stderr" "$(cat "$T/err")" "[hush:TOKEN]"
out=$(nbh run --no-mask -- split 2>/dev/null); rc=$?
is "--no-mask where the grant allows it" "$rc" 0
like "--no-mask shows the value (grant allows it)" "$out" "before $V after"
out=$(nbh run --no-mask -- show 2>"$T/err"); rc=$?
is "--no-mask where the grant does not allow it: 77" "$rc" 77
like "--no-mask refusal says why" "$(cat "$T/err")" "does not allow --no-mask"
assert_absent "--no-mask refusal leaks nothing" "$V" <(printf '%s' "$out") "$T/err"

# --- refusals ---
out=$(nbh run -- /bin/cat /etc/hostname 2>"$T/err"); rc=$?
is "no grant: exit 77" "$rc" 77
like "no grant: says which command" "$(cat "$T/err")" "no grant allows /bin/cat"
like "no grant: hint how to add one" "$(cat "$T/err")" "hint: .*config"
out=$(nbh run -- echo --bad 2>"$T/err"); rc=$?
is "arguments outside the pattern: 77" "$rc" 77
like "says the arguments are not allowed" "$(cat "$T/err")" "does not allow these arguments"
out=$(nbh run -- echo --ok fine); rc=$?
is "arguments inside the pattern run" "$rc:$out" "0:--ok fine"
out=$(cd /tmp && as_nobody "$NB_BIN/hush" run -- echo --ok fine 2>"$T/err"); rc=$?
is "cwd outside the grant's prefix: 77" "$rc" 77
like "says the directory is not allowed" "$(cat "$T/err")" "only allows working directories under"
out=$(nbh run --grant show -- echo --ok 2>"$T/err"); rc=$?
is "--grant names a grant for another command: 77" "$rc" 77
out=$(nbh run --grant argy -- echo --ok x); rc=$?
is "--grant naming the matching grant runs" "$rc:$out" "0:--ok x"

# --- the requester's PATH never chooses the executable ---
rm -f "$T/evil/evil-show-ran"
out=$(nb env PATH="$T/evil:$NB_BIN:/usr/bin:/bin" "$NB_BIN/hush" run -- show 2>/dev/null); rc=$?
is "spoofed PATH: still exit 0" "$rc" 0
like "spoofed PATH: the granted executable ran" "$out" "granted-show"
check_fail "spoofed PATH: the impostor never ran" test -e "$T/evil/evil-show-ran"
out=$(nb env PATH="$T/evil:/usr/bin:/bin" "$NB_BIN/hush" run -- "$T/evil/show" 2>"$T/err"); rc=$?
is "impostor by absolute path: 77" "$rc" 77
check_fail "impostor by absolute path never ran" test -e "$T/evil/evil-show-ran"
rm -f "$T/evil/evil-helper-ran"
out=$(nb env PATH="$T/evil:/usr/bin:/bin" "$NB_BIN/hush" run -- usehelper 2>/dev/null); rc=$?
is "granted script calling a program by name: exit 0" "$rc" 0
is "it finds the helper through the grant's trusted PATH" "$out" "trusted-helper"
check_fail "the helper on the requester's PATH never ran" test -e "$T/evil/evil-helper-ran"

# --- clean environment ---
out=$(nb env NODE_OPTIONS=--require=/x BASH_ENV=/x ENV=/x PYTHONPATH=/x PYTHONSTARTUP=/x \
	PERL5LIB=/x PERL5OPT=-x RUBYOPT=-x GIT_CONFIG_GLOBAL=/x GIT_SSH_COMMAND=x LD_LIBRARY_PATH=/x \
	BASH_FUNC_x%%='() { :; }' JAVA_TOOL_OPTIONS=x RANDOM_VAR=1 KEEP_ME=1 LANG=C.UTF-8 \
	"$NB_BIN/hush" run -- envdump); rc=$?
is "envdump runs" "$rc" 0
for n in NODE_OPTIONS BASH_ENV ENV PYTHONPATH PYTHONSTARTUP PERL5LIB PERL5OPT RUBYOPT GIT_CONFIG_GLOBAL \
	GIT_SSH_COMMAND LD_LIBRARY_PATH JAVA_TOOL_OPTIONS RANDOM_VAR HUSH_CONFIG; do
	if grep -qx "$n" <<<"$out"; then not_ok "child env lacks $n"; else ok "child env lacks $n"; fi
done
check "child env has the secret's name" grep -qx TOKEN <<<"$out"
check "child env keeps LANG" grep -qx LANG <<<"$out"
check "child env keeps env_keep names" grep -qx KEEP_ME <<<"$out"
check "child env has PATH" grep -qx PATH <<<"$out"

# --- LD_PRELOAD into the child ---
if command -v cc >/dev/null; then
	cat >"$T/evil.c" <<EOF
#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor)) static void evil(void)
{
	const char *t = getenv("TOKEN");
	if (!t) return;
	FILE *f = fopen("$T/evil/preload-ran", "a");
	if (f) { fputs(t, f); fclose(f); }
}
EOF
	cc -shared -fPIC -o "$T/evil.so" "$T/evil.c" && chmod 0755 "$T/evil.so"
	env -u LD_PRELOAD LD_PRELOAD="$T/evil.so" TOKEN=control /bin/true
	check "control: evil.so runs when preloaded with TOKEN set" test -s "$T/evil/preload-ran"
	rm -f "$T/evil/preload-ran"
	out=$(nb env ASAN_OPTIONS=verify_asan_link_order=0 LD_PRELOAD="$T/evil.so" "$NB_BIN/hush" run -- show 2>/dev/null); rc=$?
	is "LD_PRELOAD=evil.so hush run: exit 0" "$rc" 0
	check_fail "evil.so was not loaded into the child" test -e "$T/evil/preload-ran"
else
	skip "no C compiler for the LD_PRELOAD test"
fi

# --- the broker reads the vault at each run: hush set is seen at once ---
tool sha <<'EOF'
#!/bin/sh
printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1
EOF
printf '\n[grant sha]\ncommand = %s\nsecrets = TOKEN\n' "$TOOLS/sha" >>"$CFG"
tool pinned <<'EOF'
#!/bin/sh
echo pinned-ran
EOF
tool shortv <<'EOF'
#!/bin/sh
echo "short:$S"
EOF
printf '\n[grant shortv]\ncommand = %s\nsecrets = S=SHORT\n' "$TOOLS/shortv" >>"$CFG"
printf 'xyz' | nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" set SHORT >/dev/null 2>&1
printf '\n[grant pinned]\ncommand = %s\nsha256 = %s\nsecrets = TOKEN\n' "$TOOLS/pinned" "$(sha256sum "$TOOLS/pinned" | cut -d' ' -f1)" >>"$CFG"
nbh stop >/dev/null 2>&1; wait "$BPID" 2>/dev/null
check "broker restarted with the new grant" start_broker HUSH_ASKPASS="$AP"
is "the child gets the current value" "$(nbh run -- sha 2>/dev/null)" "$V_SHA"
V2=$(canary)
printf '%s' "$V2" | nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" set TOKEN >/dev/null 2>&1
is "after hush set the next run gets the new value" "$(nbh run -- sha 2>/dev/null)" "$(printf '%s' "$V2" | sha256sum | cut -d' ' -f1)"
printf '%s' "$V" | nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" set TOKEN >/dev/null 2>&1
out=$(nbh run -- shortv 2>"$T/err"); rc=$?
is "a value shorter than 4 bytes: the run works" "$rc:$out" "0:short:xyz"
like "the requester is told it is not masked" "$(cat "$T/err")" "secret 'SHORT' is shorter than 4 bytes and is not masked"
out=$(nbh run -- pinned 2>&1); rc=$?
is "sha256 pin matches: runs" "$rc:$out" "0:pinned-ran"
printf 'echo tampered > %s/pin-tampered\n' "$T/evil" >>"$TOOLS/pinned"
out=$(nbh run -- pinned 2>"$T/err"); rc=$?
is "executable changed after pinning: 77" "$rc" 77
like "says it does not match its pin" "$(cat "$T/err")" "does not match the sha256 pin of grant 'pinned'"
check_fail "the changed executable never ran" test -e "$T/evil/pin-tampered"

# --- exit statuses ---
nbh run -- exitwith 42; is "child's exit status passes through" "$?" 42
nbh run -- exitwith 0; is "exit 0 passes through" "$?" 0
nbh run -- exitwith kill; is "killed by SIGTERM: 128+15" "$?" 143

# --- audit ---
al="$NB_HOME/.local/share/hush/audit.log"
check "audit log exists" test -s "$al"
is "audit log is 0600" "$(stat -c %a "$al")" 600
assert_absent "secret absent from the audit log" "$V" "$al"
assert_absent "secret absent from the broker's log" "$V" "$BLOG"
a=$(nbh audit)
like "hush audit shows an allowed run" "$a" "allowed +grant=show"
like "hush audit shows a refusal" "$a" "refused +grant=- +/bin/cat /etc/hostname"
like "hush audit shows exit status" "$a" "grant=exitwith .*exit=42"
j=$(nbh audit --json | head -1)
like "hush audit --json prints JSON lines" "$j" '^\{"time":[0-9]+,"grant":'
n=$(nbh audit --since 1h | wc -l)
[ "$n" -ge 10 ] && ok "audit --since 1h keeps recent entries ($n)" || not_ok "audit --since 1h: $n"
printf '{"time":1000,"grant":"old","exe":"/x","args":[],"cwd":"/","pid":1,"uid":1,"decision":"allowed","approved_by":null,"exit":0}\n' >>"$al"
check_fail "audit --since drops old entries" grep -q 'grant=old' <(nbh audit --since 1d)
check "audit without --since shows them" grep -q 'grant=old' <(nbh audit)

# --- shims ---
nbh shims "$NB_HOME/shims" >/dev/null; rc=$?
is "hush shims DIR" "$rc" 0
is "shim link points to hush" "$(readlink "$NB_HOME/shims/show")" "$NB_BIN/hush"
out=$(nb "$NB_HOME/shims/show" 2>/dev/null); rc=$?
is "calling the shim runs the grant" "$rc" 0
like "shim run is masked and gets the secret" "$out" "SECRET-OK.*value:\[hush:TOKEN\]"
out=$(nb "$NB_HOME/shims/exitwith" 5); is "shim passes arguments and status" "$?" 5

# --- lifecycle ---
nbh broker >"$T/o2" 2>&1; rc=$?
is "second broker: exit 0" "$rc" 0
like "second broker says one is running" "$(cat "$T/o2")" "already running"
kill -0 "$BPID" && ok "first broker still runs" || not_ok "first broker still runs"
kill -TERM "$BPID"; wait "$BPID"; rc=$?
is "SIGTERM: clean exit" "$rc" 0
check_fail "SIGTERM removes client.sock" test -e "$RT/client.sock"
check_fail "SIGTERM removes control/sock" test -e "$RT/control/sock"
check_fail "SIGTERM removes the pid file" test -e "$RT/hushd.pid"
check "broker restarts" start_broker
kill -KILL "$BPID"; wait "$BPID" 2>/dev/null
check "a crashed broker leaves a stale socket" test -S "$RT/client.sock"
check "a new broker replaces the stale socket" start_broker
out=$(nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" unlock 2>&1)
out=$(nbh run -- show 2>/dev/null); rc=$?
is "runs work after the restart" "$rc" 0
stop_broker
check_fail "hush stop removes the socket" test -e "$RT/client.sock"
# autostart: a run starts the broker (askpass in its environment unlocks)
out=$(nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" run -- show 2>/dev/null); rc=$?
is "autostart: hush run starts the broker" "$rc" 0
like "autostart: secret delivered" "$out" "SECRET-OK"
nbh stop >/dev/null 2>&1
wait_for test ! -e "$RT/hushd.pid"
sed -i 's/^confirm = none$/confirm = none\nautostart = false/' "$CFG"
out=$(nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" run -- show 2>"$T/err"); rc=$?
is "autostart = false: no broker, exit 1" "$rc" 1
like "autostart = false: says the broker is not running" "$(cat "$T/err")" "broker is not running"
check_fail "autostart = false: no broker was started" test -e "$RT/hushd.pid"
# inside hush sandbox no broker is autostarted (the vault is hidden there)
sed -i '/^autostart = false$/d' "$CFG"
out=$(nb env HUSH_SANDBOX=1 HUSH_ASKPASS="$AP" "$NB_BIN/hush" run -- show 2>"$T/err"); rc=$?
is "in a sandbox: no autostart, exit 1" "$rc" 1
like "in a sandbox: hint says to start it outside" "$(cat "$T/err")" "outside the sandbox"
check_fail "in a sandbox: no broker was started" test -e "$RT/hushd.pid"
