#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# Codex under hush sandbox, pointed at a local OpenAI-compatible stub
# (Responses API, tests/agent_lib.sh) that makes it read .env and ~/.ssh
# and run a granted command: the reads reach the model without hush and
# not with it, the grant works. Codex's own sandbox is switched off so that
# only hush's layers are tested. Skipped when Codex is not installed (npm
# install -g @openai/codex, or set HUSH_TEST_CODEX to its executable).
. "$(dirname "$0")/lib.sh"
CX=${HUSH_TEST_CODEX:-$(command -v codex 2>/dev/null)}
need_agent "Codex" "$CX"
. "$(dirname "$0")/broker_lib.sh"
. "$(dirname "$0")/agent_lib.sh"
mkdir -p "$NB_HOME/.codex"
cat >"$NB_HOME/.codex/config.toml" <<TOML
model = "hush-test"
model_provider = "stub"
[model_providers.stub]
name = "stub"
base_url = "http://127.0.0.1:$PORT/v1"
env_key = "OPENAI_API_KEY"
wire_api = "responses"
TOML
AGENT_ENV=(OPENAI_API_KEY=sk-hush-test CODEX_HOME="$NB_HOME/.codex")
agent_check Codex OPENAI_API_KEY,CODEX_HOME "$CX" exec --skip-git-repo-check \
	--dangerously-bypass-approvals-and-sandbox "set up the project"
