#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# OpenCode under hush sandbox, pointed at a local OpenAI-compatible stub
# (tests/agent_lib.sh) that makes it read .env and ~/.ssh and run a granted
# command: the reads reach the model without hush and not with it, the
# grant works. Skipped when OpenCode is not installed (npm install -g
# opencode-ai, or set HUSH_TEST_OPENCODE to its executable).
. "$(dirname "$0")/lib.sh"
OC=${HUSH_TEST_OPENCODE:-$(command -v opencode 2>/dev/null)}
need_agent "OpenCode" "$OC"
. "$(dirname "$0")/broker_lib.sh"
. "$(dirname "$0")/agent_lib.sh"
mkdir -p "$NB_HOME/.config/opencode"
cat >"$NB_HOME/.config/opencode/opencode.json" <<JSON
{
  "provider": {
    "stub": {
      "npm": "@ai-sdk/openai-compatible",
      "name": "stub",
      "options": { "baseURL": "http://127.0.0.1:$PORT/v1", "apiKey": "sk-hush-test" },
      "models": { "hush-test": { "name": "hush-test" } }
    }
  },
  "model": "stub/hush-test",
  "permission": { "bash": "allow", "edit": "allow", "read": "allow", "external_directory": "allow" },
  "autoupdate": false,
  "share": "disabled"
}
JSON
AGENT_ENV=(OPENCODE_DISABLE_AUTOUPDATE=1)
agent_check OpenCode OPENCODE_DISABLE_AUTOUPDATE "$OC" run "set up the project"
