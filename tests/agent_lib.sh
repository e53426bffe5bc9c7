# SPDX-License-Identifier: ISC
# Shared by the real-agent tests (tests/sandbox-opencode.t,
# tests/sandbox-codex.t): a project whose .env and ~/.ssh key hold the
# canary, a broker outside the sandbox with a grant for `deploy`, and a
# local OpenAI-compatible stub (tests/sandbox/stub_openai.py) that plays an
# injected model: it makes the agent run ATTACK, which tries to read the
# secrets and then runs the granted deploy. Source after lib.sh and
# broker_lib.sh. agent_check DESCRIPTION CMD... runs the agent under
# control (no hush) and under hush sandbox and checks what reached the model.
W="$NB_HOME/work"
mkdir -p "$NB_HOME/.ssh"
printf 'DEPLOY_TOKEN=%s\n' "$V" >"$W/.env"
printf 'KEY %s\n' "$V" >"$NB_HOME/.ssh/id_ed25519"
deploy_grant | write_config
# hush run by its path: a login shell (Codex runs bash -lc) resets PATH
ATTACK="cat .env; grep -r DEPLOY_TOKEN . ; env; cat ~/.ssh/id_ed25519; $NB_BIN/hush run -- deploy --org=demo; echo agent-ran"
PY=$(command -v /usr/bin/python3 || command -v python3)
"$PY" "$HUSH_SRC/tests/sandbox/stub_openai.py" "$T/port" "$T/api.log" "$ATTACK" 2>"$T/stub.err" &
STUB=$!
at_exit "kill $STUB"
for _ in $(seq 1 400); do [ -s "$T/port" ] && break; sleep 0.05; done
PORT=$(cat "$T/port" 2>/dev/null)

# agent_check NAME ALLOW_ENV CMD...: CMD runs as the unprivileged user in
# the project, once without hush and once under hush sandbox.
agent_check() {
	local name="$1" allow="$2"; shift 2
	[ -n "$PORT" ] || { not_ok "the API stub did not start: $(head -2 "$T/stub.err")"; return; }
	is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$NB_HOME"
	check "vault with the canary" make_vault
	check "broker starts (outside any sandbox)" start_broker
	check "broker unlocked" nb env HUSH_ASKPASS="$AP" "$NB_BIN/hush" unlock

	: >"$T/api.log"
	nb env DEPLOY_TOKEN="$V" "${AGENT_ENV[@]}" timeout 180 "$@" >"$T/agent-control.out" 2>&1
	if grep -qF -- "$V" "$T/api.log"; then ok "control: without hush, $name sends the canary to the model"
	else not_ok "control: $name did not reach the canary (the test proves nothing)"; tail -5 "$T/agent-control.out" | sed 's/^/#   /'; fi

	: >"$T/api.log"
	nb env DEPLOY_TOKEN="$V" "${AGENT_ENV[@]}" timeout 180 "$NB_BIN/hush" sandbox --allow-env "$allow" -- "$@" \
		>"$T/agent.out" 2>&1
	if grep -q "agent-ran" "$T/api.log"; then ok "$name ran the injected commands inside hush sandbox"
	else not_ok "$name ran the injected commands inside hush sandbox"; tail -5 "$T/agent.out" | sed 's/^/#   /'; fi
	if grep -qE 'deploy token=\[hush:[A-Z_]+\] args=--org=demo' "$T/api.log"; then
		ok "the granted deploy worked from inside, its token masked"
	else
		not_ok "the granted deploy worked from inside, its token masked"
		grep -o 'deploy[^"]\{0,80\}' "$T/api.log" | sort -u | head -5 | sed 's/^/#   /'
	fi
	[ -n "${HUSH_TEST_KEEP:-}" ] && cp "$T/api.log" "$T/agent.out" "$HUSH_TEST_KEEP/"
	assert_absent "nothing $name sent to the model holds the canary" "$V" "$T/api.log" "$T/agent.out"
}
