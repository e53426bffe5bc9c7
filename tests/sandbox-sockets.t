# SPDX-License-Identifier: ISC
# The unix socket allow-list of hush sandbox, as an unprivileged user:
# servers outside the sandbox (tmux, ssh-agent, gpg-agent, plain servers in
# /tmp, the runtime directory and $HOME, an abstract one, one started after
# the sandbox) are unreachable from inside whatever the client (libc,
# static, raw system calls, 32-bit, a nested namespace, a symlink); servers
# the agent starts itself, hush's client socket and allow_socket paths are
# reachable; TCP keeps working; AF_UNIX datagram sockets and io_uring are
# refused. Each refusal has a control run outside that reaches the server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

W="$NB_HOME/work"
# The servers' sockets are in $SBX, which the test config makes visible (and
# writable) inside: so each refusal below comes from the connect() filter,
# not from the private /tmp that would hide them anyway (checked last).
OUT="$SBX/out"
SD="$SBX/socks"        # servers in a directory the agent sees
XR="$SBX/xdg-run"      # a runtime directory
GH="$SBX/gnupg"
SRV="$HUSH_SRC/tests/sandbox/sockserver.py"
ABS="@hush-sock-test-$$-$RANDOM"
mkdir -p "$OUT/ctl" "$OUT/in" "$OUT/noll" "$SD" "$XR" "$GH" "$T/sshkey"
chmod 0700 "$XR" "$GH" "$T/sshkey"
CC=${CC:-cc}
static_ok=1
$CC -O1 -static -o "$NB_BIN/sockclient" "$HUSH_SRC/tests/sandbox/sockclient.c" 2>/dev/null ||
	{ static_ok=0; $CC -O1 -o "$NB_BIN/sockclient" "$HUSH_SRC/tests/sandbox/sockclient.c"; }
m32_ok=1
$CC -m32 -O1 -static -o "$NB_BIN/sockclient32" "$HUSH_SRC/tests/sandbox/sockclient.c" 2>/dev/null || m32_ok=0
cp "$SRV" "$NB_BIN/sockserver.py"
cat >"$NB_BIN/pycli.py" <<'EOF'
import socket, sys
a = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect("\0" + a[1:] if a.startswith("@") else a)
    print("connected", s.recv(100).decode().strip())
except OSError as e:
    print("refused", e)
EOF
chmod 0755 "$NB_BIN"/*

{ deploy_grant; cat <<EOF; } | write_config
[sandbox]
allow_socket = $SD/cfg.sock

[profile xdg]
allow_socket = $XR/srv.sock
EOF
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$OUT" "$SD" "$XR" "$GH" "$T/sshkey" "$W"

# serve ADDR NAME: a server outside the sandbox, as the unprivileged user
serve() {
	local ready="$SD/ready-$2"
	rm -f "$ready"
	as_nobody python3 "$NB_BIN/sockserver.py" "$1" "$ready" "$2" >/dev/null 2>&1 &
	wait_for test -s "$ready" || return 1
	at_exit "kill $(cat "$ready")"
}
check "server in /tmp" serve "$SD/tmp.sock" tmp
check "server in the runtime directory" serve "$XR/srv.sock" xdg
check "server under \$HOME" serve "$NB_HOME/home.sock" home
check "abstract server" serve "$ABS" abstract
check "server at an allow_socket path" serve "$SD/cfg.sock" cfg
ln -s "$SD/tmp.sock" "$W/link.sock"

# tmux: the human's session, with a canary in its environment
TM="$SD/tmux.sock"
tm() { as_nobody env TERM=xterm tmux -S "$TM" "$@"; }
tm new-session -d -s human -x 80 -y 24 bash --norc >/dev/null 2>&1
at_exit "as_nobody tmux -S '$TM' kill-server"
tm set-environment -g HUSH_CANARY "$V"
# ssh-agent with a key
SA="$SD/ssh.sock"
agent_out=$(as_nobody ssh-agent -s -a "$SA" 2>/dev/null)
SAPID=$(echo "$agent_out" | sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p')
[ -n "$SAPID" ] && at_exit "kill $SAPID"
as_nobody ssh-keygen -q -t ed25519 -N '' -C hush-test-key -f "$T/sshkey/k" >/dev/null 2>&1
as_nobody env SSH_AUTH_SOCK="$SA" ssh-add "$T/sshkey/k" >/dev/null 2>&1
# gpg-agent
as_nobody gpg-agent --homedir "$GH" --daemon >/dev/null 2>&1
at_exit "as_nobody gpgconf --homedir '$GH' --kill gpg-agent"
# a TCP server
as_nobody python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"tcp-ok")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
import os
open(sys.argv[1] + ".tmp", "w").write("%d %d" % (s.server_port, os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()' "$SD/http.port" >/dev/null 2>&1 &
wait_for test -s "$SD/http.port"
read -r PORT HTTPPID <"$SD/http.port"
at_exit "kill $HTTPPID"

check "broker with the canary" make_vault
check "broker starts" start_broker
check "broker unlocked" nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" unlock

# The attacks, run once outside (the control) and once inside.
cat >"$SBX/attacks.sh" <<EOF
o=\$1
cd "$W"
sockclient libc "$SD/tmp.sock" >\$o/tmp 2>&1
sockclient libc "$XR/srv.sock" >\$o/xdg 2>&1
sockclient libc "$NB_HOME/home.sock" >\$o/home 2>&1
sockclient libc "$ABS" >\$o/abstract 2>&1
python3 "$NB_BIN/pycli.py" "$SD/tmp.sock" >\$o/python 2>&1
python3 "$NB_BIN/pycli.py" "$ABS" >\$o/python_abstract 2>&1
sockclient raw "$SD/tmp.sock" >\$o/raw 2>&1
sockclient raw "$ABS" >\$o/raw_abstract 2>&1
sockclient libc "$W/link.sock" >\$o/symlink 2>&1
(cd "$SD" && sockclient libc tmp.sock) >\$o/relative 2>&1
# a nested user namespace; and with a mount namespace too, where mounts
# are allowed (not under Landlock)
unshare -Ur sockclient libc "$SD/tmp.sock" >\$o/nested 2>&1
unshare -Ur sockclient libc "$ABS" >\$o/nested_abstract 2>&1
unshare -Urm sockclient libc "$SD/tmp.sock" >\$o/nested_m 2>&1
unshare -Urm sockclient libc "$ABS" >\$o/nested_m_abstract 2>&1
if [ -x "$NB_BIN/sockclient32" ]; then
	sockclient32 raw "$SD/tmp.sock" >\$o/i386 2>&1
	sockclient32 socketcall "$SD/tmp.sock" >\$o/socketcall 2>&1
fi
TERM=xterm tmux -S "$TM" send-keys -t human "touch \$o/tmux-ran" Enter >\$o/tmux 2>&1
TERM=xterm tmux -S "$TM" show-environment -g HUSH_CANARY >>\$o/tmux 2>&1
SSH_AUTH_SOCK="$SA" ssh-add -l >\$o/ssh 2>&1
gpg-connect-agent --homedir "$GH" --no-autostart 'GETINFO version' /bye >\$o/gpg 2>&1
python3 -c 'import socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); print("dgram made")' >\$o/dgram 2>&1
python3 -c 'import socket; socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM); print("dgram made")' >\$o/dgram_pair 2>&1
sockclient dgram >\$o/dgram_raw 2>&1
sockclient uring >\$o/uring 2>&1
EOF
chmod 0644 "$SBX/attacks.sh"
# --home visible: the sockets under $HOME must be in view for the filter to be tested
sb() { nb "$NB_BIN/hush" sandbox --home visible "$@"; }
nb bash "$SBX/attacks.sh" "$OUT/ctl"
sb -- bash "$SBX/attacks.sh" "$OUT/in" 2>"$T/sb.err"
is "the sandbox ran the attacks (exit 0)" "$?" 0
sb --no-landlock -- bash "$SBX/attacks.sh" "$OUT/noll" 2>/dev/null

# attack NAME DESCRIPTION CONTROL-REGEX [DIR]: the control matched, the
# sandbox run did not and said EACCES / Permission denied (an abstract name
# held only outside is refused as ECONNREFUSED, as if nobody listened)
attack() {
	local n=$1 d=$2 re=$3 dir=${4:-$OUT/in}
	local want='EACCES|Permission denied'
	[[ "$n" == *abstract* ]] && want='ECONNREFUSED|Connection refused'

	local ctl got
	ctl=$(cat "$OUT/ctl/$n" 2>/dev/null)
	got=$(cat "$dir/$n" 2>/dev/null)
	if ! [[ "$ctl" =~ $re ]]; then
		not_ok "$d (the control run did not reach it: the test proves nothing)"
		echo "#   ctl: $ctl" | head -3
	elif [[ "$got" =~ $re ]]; then
		not_ok "$d"; echo "#   reached from inside: $got" | head -3
	elif ! [[ "$got" =~ $want ]]; then
		not_ok "$d (refused, but not with $want)"; echo "#   got: $got" | head -3
	else ok "$d"; fi
}
attack tmp "server in /tmp (static client)" "connected hello-tmp"
attack xdg "server in the runtime directory" "connected hello-xdg"
attack home "server under \$HOME" "connected hello-home"
attack abstract "abstract server" "connected hello-abstract"
attack python "server in /tmp (python)" "connected hello-tmp"
attack python_abstract "abstract server (python)" "connected hello-abstract"
attack raw "raw socket+connect system calls" "connected hello-tmp"
attack raw_abstract "raw system calls to the abstract server" "connected hello-abstract"
attack symlink "a symlink in the project to an outside socket" "connected hello-tmp"
attack relative "a relative path" "connected hello-tmp"
attack nested "from a nested unshare -Ur" "connected hello-tmp"
attack nested_abstract "abstract, from a nested unshare -Ur" "connected hello-abstract"
if [ "$m32_ok" = 1 ]; then
	attack i386 "32-bit socket(2) + connect(2)" "connected hello-tmp"
	attack socketcall "32-bit socketcall(SYS_CONNECT)" "connected hello-tmp"
	like "32-bit socketcall(SYS_SOCKET) is refused" "$(cat "$OUT/in/socketcall")" "socketcall-socket refused ENOSYS"
else
	skip "no 32-bit static libc (gcc-multilib): i386 connect and socketcall untested"
fi
attack abstract "abstract server with --no-landlock (no Landlock scoping)" "connected hello-abstract" "$OUT/noll"
attack tmp "server in /tmp with --no-landlock" "connected hello-tmp" "$OUT/noll"
attack nested_m "from a nested unshare -Urm, --no-landlock" "connected hello-tmp" "$OUT/noll"
attack nested_m_abstract "abstract from a nested unshare -Urm, --no-landlock" "connected hello-abstract" "$OUT/noll"
[ "$static_ok" = 1 ] || skip "no libc.a: sockclient is dynamic (its raw mode still bypasses libc)"

# tmux: the human's pane ran the control's command and not the sandbox's
wait_for test -e "$OUT/ctl/tmux-ran" && ok "control: tmux send-keys runs a command in the human's pane" ||
	not_ok "control: tmux send-keys runs a command in the human's pane"
like "control: tmux show-environment shows the canary" "$(cat "$OUT/ctl/tmux")" "HUSH_CANARY=$V"
like "tmux from inside: refused" "$(cat "$OUT/in/tmux")" "Permission denied"
tm send-keys -t human "touch $OUT/tmux-after" Enter
wait_for test -e "$OUT/tmux-after"
[ -e "$OUT/in/tmux-ran" ] || [ -e "$OUT/noll/tmux-ran" ] && not_ok "the human's pane ran the sandbox's command" ||
	ok "the human's pane ran nothing from inside (a later command from outside ran)"
assert_absent "the tmux canary is in no output from inside" "$V" "$OUT/in" "$OUT/noll" "$T/sb.err"
# ssh-agent, gpg-agent
like "control: ssh-add -l lists the key" "$(cat "$OUT/ctl/ssh")" "hush-test-key"
o=$(cat "$OUT/in/ssh")
[[ "$o" == *hush-test-key* ]] && not_ok "ssh-agent from inside: refused" || like "ssh-agent from inside: refused" "$o" "Permission denied"
like "control: gpg-connect-agent gets an answer" "$(cat "$OUT/ctl/gpg")" "D 2\.[0-9.]+"
o=$(cat "$OUT/in/gpg")
[[ "$o" =~ D\ 2\. ]] && not_ok "gpg-agent from inside: refused" || like "gpg-agent from inside: refused" "$o" "no gpg-agent|Permission denied|can't connect"
# datagram sockets and io_uring
is "control: AF_UNIX datagram socket" "$(cat "$OUT/ctl/dgram")" "dgram made"
like "AF_UNIX datagram socket refused (python)" "$(cat "$OUT/in/dgram")" "PermissionError: \[Errno 13\]"
like "AF_UNIX datagram socketpair refused" "$(cat "$OUT/in/dgram_pair")" "PermissionError: \[Errno 13\]"
is "control: raw AF_UNIX datagram socket" "$(cat "$OUT/ctl/dgram_raw")" "dgram ok"
is "raw AF_UNIX datagram socket refused" "$(cat "$OUT/in/dgram_raw")" "dgram refused EACCES"
if [ "$(cat "$OUT/ctl/uring")" = "uring ok" ]; then
	is "io_uring_setup refused (io_uring connects unseen by seccomp)" "$(cat "$OUT/in/uring")" "uring refused EPERM"
else skip "io_uring unavailable here: $(cat "$OUT/ctl/uring")"; fi
o=$(sb -- python3 -c 'import syslog; syslog.syslog("hush sandbox test"); print("syslog returned")' 2>&1)
is "syslog() returns normally inside (its datagram socket is refused, the message dropped)" "$o" "syslog returned"

# the documented gap: without namespaces (no pid namespace, no supervisor)
# the filter is off and outside servers stay reachable
o=$(sb --no-userns -- sockclient libc "$SD/tmp.sock" 2>&1)
like "known gap: with --no-userns an outside server is reachable (and said so on stderr)" "$o" \
	"unix sockets.*connected hello-tmp"

# --- a server that starts after the sandbox did ---
cat >"$SBX/late.sh" <<EOF
touch "$OUT/late-started"
for _ in \$(seq 1 600); do [ -e "$SD/ready-late" ] && break; sleep 0.05; done
sockclient libc "$SD/late.sock"
EOF
chmod 0644 "$SBX/late.sh"
rm -f "$OUT/late-started"
sb -- bash "$SBX/late.sh" >"$T/late.out" 2>&1 &
LJ=$!
wait_for test -e "$OUT/late-started"
serve "$SD/late.sock" late
wait "$LJ"
like "control: the late server answers outside" "$(nb sockclient libc "$SD/late.sock")" "connected hello-late"
like "a server started after the sandbox: refused" "$(cat "$T/late.out")" "refused EACCES"

# --- allowed ---
cat >"$SBX/own.sh" <<EOF
python3 "$NB_BIN/sockserver.py" "$SD/own-tmp.sock" "$OUT/own1" own-tmp &
python3 "$NB_BIN/sockserver.py" "$W/own.sock" "$OUT/own2" own-project &
python3 "$NB_BIN/sockserver.py" "@own-\$\$" "$OUT/own3" own-abstract &
for _ in \$(seq 1 600); do [ -e "$OUT/own1" ] && [ -e "$OUT/own2" ] && [ -e "$OUT/own3" ] && break; sleep 0.05; done
sockclient libc "$SD/own-tmp.sock"
sockclient libc "$SD/own-tmp.sock"
python3 "$NB_BIN/pycli.py" "$W/own.sock"
sockclient raw "@own-\$\$"
sockclient libc "@own-\$\$"
unshare -Urn sh -c 'python3 "$NB_BIN/sockserver.py" @netns "$OUT/own4" own-netns & for _ in \$(seq 1 600); do [ -e "$OUT/own4" ] && break; sleep 0.05; done; sockclient libc @netns; kill \$!'
kill %1 %2 %3
EOF
chmod 0644 "$SBX/own.sh"
o=$(sb -- bash "$SBX/own.sh" 2>&1)
like "a server the agent starts in /tmp" "$o" "connected hello-own-tmp"$'\n'"connected hello-own-tmp"
like "a server the agent starts in the project" "$o" "connected hello-own-project"
like "an abstract server the agent starts" "$o" "connected hello-own-abstract"$'\n'"connected hello-own-abstract"
like "an abstract server in the agent's own network namespace" "$o" "connected hello-own-netns"
o=$(sb --allow-socket "$SD/tmp.sock" -- sockclient libc "$SD/tmp.sock" 2>&1)
is "--allow-socket PATH reaches that server" "$o" "connected hello-tmp"
o=$(sb --allow-socket "$SD/tmp.sock" -- sockclient libc "$W/link.sock" 2>&1)
is "--allow-socket also through a symlink (same inode)" "$o" "connected hello-tmp"
o=$(sb --allow-socket "$SD/tmp.sock" -- sockclient libc "$XR/srv.sock" 2>&1)
is "--allow-socket allows only that socket" "$o" "refused EACCES"
o=$(sb -- sockclient libc "$SD/cfg.sock" 2>&1)
is "allow_socket in [sandbox] reaches that server" "$o" "connected hello-cfg"
o=$(sb --profile xdg -- sockclient libc "$XR/srv.sock" 2>&1)
is "allow_socket in [profile NAME] reaches that server with --profile NAME" "$o" "connected hello-xdg"
o=$(sb -- sh -c 'deploy --org=demo; echo "rc=$?"' 2>&1)
like "a granted command works through the broker's client socket" "$o" "deploy token=\[hush:[A-Z_]+\] args=--org=demo"$'\n'"rc=0"
[[ "$o" == *"$V"* ]] && not_ok "granted output is masked" || ok "granted output is masked"
# the broker restarts: a new client socket inode, still allowed
stop_broker
check "broker restarts" start_broker
nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" unlock >/dev/null 2>&1
o=$(sb -- sh -c 'deploy --org=demo; echo "rc=$?"' 2>&1)
like "after a broker restart, granted commands still work" "$o" "rc=0"

# --- a connect from a chroot the agent made, then connects from outside it:
# each worker of the supervisor resolves the caller's path from the
# caller's root; the next caller's must not be resolved from the last one's
if [ "$static_ok" = 1 ]; then
	cat >"$SBX/chroot.sh" <<EOF
mkdir -p /tmp/cr && cp "$NB_BIN/sockclient" /tmp/cr/sc
for i in 1 2 3 4 5 6; do unshare -Ur /usr/sbin/chroot /tmp/cr /sc libc /nothing.sock; done
for i in \$(seq 1 20); do sockclient libc "$SD/tmp.sock"; done
EOF
	chmod 0644 "$SBX/chroot.sh"
	o=$(sb --allow-socket "$SD/tmp.sock" -- sh "$SBX/chroot.sh" 2>&1)
	like "control: the connects from the agent's chroot ran (and found nothing)" "$o" "refused"
	is "after connects from a chroot, every later connect is still resolved (20 of 20)" \
		"$(grep -c "connected hello-tmp" <<<"$o")" 20
else
	skip "no static libc here: the chroot case needs a static client"
fi

# --- TCP keeps working ---
o=$(sb -- python3 -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:$PORT/').read().decode())" 2>&1)
is "TCP, blocking (python urllib)" "$o" "tcp-ok"
o=$(sb -- python3 -c "
import socket, select, errno
s = socket.socket(); s.setblocking(False)
r = s.connect_ex(('127.0.0.1', $PORT))
select.select([], [s], [], 10)
print(errno.errorcode.get(r, r), s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))" 2>&1)
is "TCP, non-blocking: EINPROGRESS passes through, then connected" "$o" "EINPROGRESS 0"
o=$(sb -- node -e "
const net = require('net');
const c = net.connect($PORT, '127.0.0.1', () => c.write('GET / HTTP/1.0\r\n\r\n'));
let d = ''; c.on('data', x => d += x); c.on('end', () => console.log(d.endsWith('tcp-ok') ? 'node-ok' : d));
c.on('error', e => console.log(e.code));" 2>&1)
is "TCP, node net.connect" "$o" "node-ok"
o=$(sb -- python3 -c "
import socket
try: socket.create_connection(('127.0.0.1', 1), timeout=5)
except OSError as e: print(type(e).__name__)" 2>&1)
is "TCP to a closed port: the error passes through" "$o" "ConnectionRefusedError"

o=$(nbh doctor 2>&1)
like "hush doctor: the socket filter works and names what allow_socket gives away" "$o" \
	"unix sockets +working +seccomp user notification.*allow_socket gives .*$SD/cfg.sock"

# --- a bounded number of connects in flight ---
cp "$HUSH_SRC/tests/sandbox/sockflood.py" "$NB_BIN/"
mkdir -p "$SD/flood-in" "$SD/flood-ctl"
is_root && chown "$NOBODY_UID:$NOBODY_UID" "$SD/flood-in" "$SD/flood-ctl"
o=$(nb python3 "$NB_BIN/sockflood.py" "$SD/flood-ctl" "$PORT" 3 2>&1)
is "control: outside, 40 blocked connects do not stop a TCP connect" "$o" "no eagain"
o=$(sb -- python3 "$NB_BIN/sockflood.py" "$SD/flood-in" "$PORT" 30 2>&1)
is "inside, with every worker blocked, one more connect fails with EAGAIN" "$o" "eagain"

assert_absent "the canary is in no output" "$V" "$OUT/in" "$OUT/noll" "$T/late.out" "$T/sb.err"

# The mount layer on its own: a server in the real /tmp is not even in view
mkdir -p "$T/rt"; chmod 0777 "$T/rt"
check "server in the real /tmp" serve "$T/rt/realtmp.sock" realtmp
ctl=$(nb sockclient libc "$T/rt/realtmp.sock" 2>&1)
o=$(sb -- sockclient libc "$T/rt/realtmp.sock" 2>&1)
like "control: outside, a server in /tmp answers" "$ctl" "connected hello-realtmp"
like "inside, a server in the real /tmp is not there at all (private /tmp)" "$o" "ENOENT|No such file"
