# SPDX-License-Identifier: ISC
# Shared setup for the broker tests (tests/broker*.t): an unprivileged user
# with a vault holding one canary secret, test tools, and helpers to start,
# query and stop a broker on private sockets. Source after lib.sh.
nobody_prepare
export HUSH_TEST_KDF_OPS=1
TOOLS="$T/tools"
mkdir -p "$TOOLS" "$NB_HOME/work" "$NB_HOME/.config/hush"
chmod 0755 "$TOOLS"
RT="$NB_HOME/run"
CFG="$NB_HOME/.config/hush/config.ini"
PASS="pw-$RANDOM-$RANDOM"
AP=$(make_askpass "$PASS")
V=$(canary)
V_SHA=$(printf '%s' "$V" | sha256sum | cut -d' ' -f1)
BLOG="$T/broker.log"
BPID=

# nb CMD...: run as the unprivileged user, in its work directory.
nb() { (cd "$NB_HOME/work" && as_nobody env HUSH_TEST_KDF_OPS=1 "$@"); }
# nbh ARGS...: hush as the unprivileged user.
nbh() { nb "$NB_BIN/hush" "$@"; }

# tool NAME <<'EOF' ... : an executable script in $TOOLS.
tool() { cat >"$TOOLS/$1"; chmod 0755 "$TOOLS/$1"; }

# deploy_grant: $TOOLS/deploy (a bash script that prints its token and
# arguments: BASH_ENV reaches it when run directly) and
# $TOOLS/approve (approves everything), and on stdout the config that uses
# them: [broker] confirm through approve, [grant deploy] for --org=demo.
# token_grant NAME [LINE...]: a [grant NAME] section for $TOOLS/NAME with
# DEPLOY_TOKEN from the vault's TOKEN, each LINE added to it.
token_grant() {
	printf '[grant %s]\ncommand = %s/%s\nsecrets = DEPLOY_TOKEN=TOKEN\n' "$1" "$TOOLS" "$1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@"
	echo
}

deploy_grant() {
	tool deploy <<'EOF'
#!/bin/bash
echo "deploy token=${DEPLOY_TOKEN:-unset} args=$*"
EOF
	tool approve <<'EOF'
#!/bin/sh
exit 0
EOF
	printf '[broker]\nconfirm = command:%s/approve\n\n[grant deploy]\ncommand = %s/deploy\n' "$TOOLS" "$TOOLS"
	printf 'args = --org=demo\nsecrets = DEPLOY_TOKEN=TOKEN\n\n'
}

# write_config: config.ini from stdin, owned by the unprivileged user.
write_config() {
	{ cat; echo; sandbox_config; } >"$CFG"
	is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$NB_HOME"
}

# kv_lines KEY=VALUE...: "KEY = VALUE" lines, one each.
kv_lines() { local kv; for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done; }
# grant_section NAME COMMAND [KEY=VALUE...]: a [grant NAME] section.
grant_section() { printf '[grant %s]\ncommand = %s\n' "$1" "$2"; shift 2; kv_lines "$@"; echo; }
# broker_config [KEY=VALUE...]: the config: a [broker] section with these
# keys (confirm = none unless one is given), then the sections on stdin
# (grant_section ...).
broker_config() {
	{ echo "[broker]"; [[ " $* " == *" confirm="* ]] || echo "confirm = none"
	  kv_lines "$@"; echo; cat; } | write_config
}

# make_vault: a passphrase vault with TOKEN = the canary.
make_vault() {
	nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" init >/dev/null 2>&1 &&
		printf '%s' "$V" | nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" set TOKEN >/dev/null 2>&1
}

# start_broker [VAR=value...]: hushd in the foreground (log in $BLOG),
# returns once its sockets and pid file exist.
start_broker() {
	(cd "$NB_HOME/work" && exec env -i HOME="$NB_HOME" XDG_CONFIG_HOME="$NB_HOME/.config" \
		XDG_DATA_HOME="$NB_HOME/.local/share" HUSH_HOME="$NB_HOME/.local/share/hush" \
		HUSH_CONFIG="$CFG" HUSH_RUNTIME_DIR="$RT" PATH="/usr/local/bin:/usr/bin:/bin" \
		HUSH_TEST_KDF_OPS=1 "$@" \
		$(is_root && echo setpriv --reuid=$NOBODY_UID --regid=$NOBODY_UID --clear-groups --) \
		"$NB_BIN/hush" broker --foreground) >>"$BLOG" 2>&1 &
	BPID=$!
	at_exit "kill $BPID"
	local i
	for i in $(seq 1 300); do
		[ -S "$RT/client.sock" ] && [ -s "$RT/control/token" ] && [ -f "$RT/hushd.pid" ] && return 0
		kill -0 "$BPID" 2>/dev/null || return 1
		sleep 0.02
	done
	return 1
}

# vault_and_broker [VAR=value...]: make_vault, then a broker that unlocks
# it with the test's askpass (and the given variables), each a test line.
vault_and_broker() {
	check "vault with a canary secret" make_vault
	check "broker starts" start_broker HUSH_ASKPASS="$AP" "$@"
}

stop_broker() {
	[ -n "$BPID" ] || return 0
	nbh stop >/dev/null 2>&1
	local i
	for i in $(seq 1 250); do kill -0 "$BPID" 2>/dev/null || break; sleep 0.02; done
	kill "$BPID" 2>/dev/null
	wait "$BPID" 2>/dev/null
	BPID=
}

# wait_for COND...: retries a command until it succeeds (up to ~10 s).
wait_for() { wait_secs 10 "$@"; }
# wait_secs N CMD...: CMD succeeds within about N seconds
wait_secs() {
	local i n=$(($1 * 50))
	shift
	for i in $(seq 1 "$n"); do "$@" && return 0; sleep 0.02; done
	return 1
}

# the hush client under a background job (below the helper subshells)
client_of() {
	local p="$1" i
	for i in 1 2 3 4 5; do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = hush ] && { echo "$p"; return; }
		p=$(pgrep -P "$p" | head -1)
		[ -n "$p" ] || break
	done
	echo "$1"
}
