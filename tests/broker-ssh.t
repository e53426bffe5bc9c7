# SPDX-License-Identifier: ISC
# ssh through grants, as an unprivileged user: a grant with ssh_agent = yes
# gets the broker's own SSH_AUTH_SOCK (a real ssh-agent holding a test key),
# a grant without it never sees SSH_AUTH_SOCK, not even the requester's, and
# env_keep cannot ask for it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

if ! command -v ssh-agent >/dev/null || ! command -v ssh-add >/dev/null; then
	skip "openssh-client is not installed"
	exit 0
fi
AGENT_SOCK="$NB_HOME/agent.sock"
as_nobody ssh-keygen -q -t ed25519 -N '' -C hush-test-key -f "$NB_HOME/key" >/dev/null 2>&1
as_nobody ssh-agent -D -a "$AGENT_SOCK" >"$T/agent.out" 2>&1 &
SA=$!
check "a test ssh-agent runs" wait_for test -S "$AGENT_SOCK"
# $! is the shell around it: the agent says its pid ("echo Agent pid N;")
wait_for grep -q "^echo Agent pid" "$T/agent.out"
SA="$SA $(sed -n 's/^echo Agent pid \([0-9]*\);$/\1/p' "$T/agent.out")"
at_exit "kill $SA"
check "the test key is in it" as_nobody env SSH_AUTH_SOCK="$AGENT_SOCK" ssh-add -q "$NB_HOME/key"
PUB=$(cut -d' ' -f1,2 "$NB_HOME/key.pub")
tool sockenv <<'EOF'
#!/bin/sh
echo "SSH_AUTH_SOCK=${SSH_AUTH_SOCK:-unset} SSH_AGENT_PID=${SSH_AGENT_PID:-unset} GNUPGHOME=${GNUPGHOME:-unset}"
EOF
{
	grant_section ssh-list /usr/bin/ssh-add args=-L ssh_agent=yes
	grant_section ssh-list-plain /usr/bin/ssh-add args=-L
	grant_section sockenv "$TOOLS/sockenv" "env_keep=MY_*"
} | broker_config
check "the config with ssh_agent is valid" eval "nbh config check >/dev/null"
like "hush grant list shows it" "$(nbh grant list)" "ssh +the broker's ssh-agent"
check "broker started with the human's SSH_AUTH_SOCK" start_broker SSH_AUTH_SOCK="$AGENT_SOCK"

out=$(nbh run --grant ssh-list -- ssh-add -L 2>"$T/err"); rc=$?
is "ssh_agent = yes: ssh-add -L through hush run works" "$rc" 0
is "and lists the key held by the human's agent" "$out" "$PUB hush-test-key"
out=$(nbh run --grant ssh-list-plain -- ssh-add -L 2>&1); rc=$?
is "without ssh_agent the same command fails (ssh-add exit 2)" "$rc" 2
like "it cannot reach an agent" "$out" "Could not open a connection to your authentication agent"
out=$(nb env SSH_AUTH_SOCK="$AGENT_SOCK" "$NB_BIN/hush" run --grant ssh-list-plain -- ssh-add -L 2>&1); rc=$?
is "the requester's own SSH_AUTH_SOCK is not passed either" "$rc" 2
out=$(nb env SSH_AUTH_SOCK="$AGENT_SOCK" SSH_AGENT_PID=1 GNUPGHOME=/tmp/g MY_X=1 "$NB_BIN/hush" run -- sockenv 2>&1)
is "a grant without ssh_agent never sees SSH_AUTH_SOCK, SSH_AGENT_PID or GNUPGHOME" "$out" \
	"SSH_AUTH_SOCK=unset SSH_AGENT_PID=unset GNUPGHOME=unset"
# the sandboxed agent asks too: the grant still gets the broker's agent
if nb "$NB_BIN/hush" sandbox -- true >/dev/null 2>&1; then
	out=$(nb "$NB_BIN/hush" sandbox -- "$NB_BIN/hush" run --grant ssh-list -- ssh-add -L 2>/dev/null); rc=$?
	is "from inside hush sandbox the grant uses the human's agent" "$rc" 0
	is "and lists the key" "$out" "$PUB hush-test-key"
	out=$(nb "$NB_BIN/hush" sandbox -- sh -c 'echo "${SSH_AUTH_SOCK:-unset}"' 2>/dev/null)
	is "control: the sandbox itself has no SSH_AUTH_SOCK" "$out" "unset"
else
	skip "hush sandbox does not start here"
fi
stop_broker

# a broker without SSH_AUTH_SOCK says so
check "broker without SSH_AUTH_SOCK" start_broker
out=$(nbh run --grant ssh-list -- ssh-add -L 2>&1); rc=$?
like "ssh_agent grant: the requester is told the broker has no agent" "$out" "warning: grant 'ssh-list' has ssh_agent = yes, but the broker has no SSH_AUTH_SOCK"
stop_broker

# env_keep cannot name the agent variables
for name in SSH_AUTH_SOCK 'SSH_*' GNUPGHOME; do
	printf '[grant x]\ncommand = /bin/true\nenv_keep = %s\n' "$name" >"$T/bad.ini"
	out=$(nbh config check "$T/bad.ini" 2>&1); rc=$?
	is "env_keep = $name is a config error (exit 2)" "$rc" 2
	like "with the reason and the way to get the agent" "$out" "bad.ini:3: env_keep: .* is never taken from the requester.*ssh_agent = yes"
done
