#!/bin/sh
# SPDX-License-Identifier: ISC
# The real agent CLIs the optional agent tests drive (Claude Code, OpenCode,
# Codex), installed from the npm registry into one directory, and printed
# as the variables the tests read:
#   HUSH_TEST_CLAUDE=... HUSH_TEST_OPENCODE=... HUSH_TEST_CODEX=...
# As root they go to /opt/hush-test-agents (outside every home, so a
# sandbox shows them), else to build/agents. Nothing is installed when npm
# is missing or HUSH_TEST_AGENTS=no; an agent that fails to install is left
# out (its test then says it is skipped).
set -u
[ "${HUSH_TEST_AGENTS:-yes}" = no ] && exit 0
command -v npm >/dev/null 2>&1 || exit 0
if [ "$(id -u)" -eq 0 ]; then dir=/opt/hush-test-agents; else dir="${1:-build}/agents"; fi
bin="$dir/node_modules/.bin"
want=""
[ -x "$bin/claude" ] || want="$want @anthropic-ai/claude-code"
[ -x "$bin/opencode" ] || want="$want opencode-ai"
[ -x "$bin/codex" ] || want="$want @openai/codex"
if [ -n "$want" ]; then
	mkdir -p "$dir"
	for p in $want; do
		npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$p" >"$dir/npm.log" 2>&1 ||
			echo "test-agents: npm install $p failed (see $dir/npm.log); its test is skipped" >&2
	done
fi
for a in claude:CLAUDE opencode:OPENCODE codex:CODEX; do
	name=${a%%:*} var=${a#*:}
	eval "given=\${HUSH_TEST_$var:-}"
	[ -n "$given" ] && continue # the caller's choice wins
	[ -x "$bin/$name" ] && "$bin/$name" --version >/dev/null 2>&1 && echo "HUSH_TEST_$var=$bin/$name"
done
exit 0
