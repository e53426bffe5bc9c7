/* SPDX-License-Identifier: ISC */
/* What Claude Code's files give an agent beyond its session (claudecfg.c):
 * the programs its settings name, and the keys of its state file that
 * start programs. */
#ifndef HUSH_SANDBOX_CLAUDECFG_H
#define HUSH_SANDBOX_CLAUDECFG_H

#include <stddef.h>

#include "common/strv.h"

#define SANDBOX_CLAUDE_NAMED_MAX 64        /* paths taken from one settings file */
#define SANDBOX_CLAUDE_SETTINGS_MAX (1u << 20)

/* The files a settings file (JSON text[len]: ~/.claude/settings.json, the
 * project's .claude/settings.json, settings.local.json) names as programs
 * Claude Code runs: in every "command" string (statusLine, hooks,
 * fileSuggestion, ...) and in apiKeyHelper, proxyAuthHelper,
 * awsAuthRefresh, awsCredentialExport, gcpAuthRefresh and
 * otelHeadersHelper, read as shell words: the first word of each command
 * that is a path, and every later word that is a path to an existing
 * file (bash ~/.claude/x.sh); in env values, every path to an existing
 * file (NODE_OPTIONS=--require ~/x.js, BASH_ENV). ~, $HOME and
 * $CLAUDE_PROJECT_DIR are expanded, a relative path is the project's
 * (Claude Code runs them there), a word with another $ is skipped.
 * Directories are left out. Adds absolute, lexically normalized paths to
 * out (no duplicates), at most SANDBOX_CLAUDE_NAMED_MAX. 0, HUSH_EFORMAT
 * (not JSON: nothing added), HUSH_ENOMEM. */
int sandbox_claude_named(const char *text, size_t len, const char *home, const char *project,
			 struct strv *out);

/* Claude Code's state file (~/.claude.json) written back after a session:
 * the keys in it that start programs or approve them (mcpServers, env,
 * apiKeyHelper and the other helpers at the top; mcpServers,
 * enabledMcpjsonServers, enableAllProjectMcpServers and allowedTools under
 * each of "projects") keep their values of orig[olen] (a member orig did
 * not have is removed; the last of duplicate keys is the one that counts,
 * as in JavaScript), unless the new value starts nothing ({}, [], "",
 * false, null: Claude Code's defaults, or a value cleared). *out (malloc'd, *outlen bytes) is now[nlen] with that
 * done; kept gets the name of each key whose value was set back
 * ("mcpServers", "projects[P].mcpServers" with P as str_display shows it). 0, HUSH_EFORMAT when
 * either text is not JSON (nothing is to be written back), HUSH_ENOMEM. */
int sandbox_claude_state_keep(const char *orig, size_t olen, const char *now, size_t nlen,
			      char **out, size_t *outlen, struct strv *kept);

#endif
