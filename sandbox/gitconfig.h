/* SPDX-License-Identifier: ISC */
/* Git config files, read as untrusted bytes, and the variables in them
 * that make git run a program (gitconfig.c). */
#ifndef HUSH_SANDBOX_GITCONFIG_H
#define HUSH_SANDBOX_GITCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define SANDBOX_GIT_CONFIG_MAX (1u << 20)

/* Git config files (syntax of git-config(1)): calls fn for each variable
 * with the section and key in lower case, the subsection as written (NULL
 * when none) and the value (NULL for a bare key, else truncated to 255
 * bytes). A nonzero return from fn stops and is returned. 0, fn's value,
 * or HUSH_EFORMAT at the first line git would reject. */
typedef int (*sandbox_git_config_fn)(void *ctx, const char *section, const char *sub,
				      const char *key, const char *value);
int sandbox_git_config_parse(const char *buf, size_t len, sandbox_git_config_fn fn, void *ctx);
/* True when section.key (lower case) makes git run a program, load other
 * config or select a driver: core.fsmonitor, core.pager, core.sshCommand,
 * core.hooksPath, alias.*, filter.*, credential.*, include.*, includeIf.*,
 * ... (the list in docs/sandbox.md). */
bool sandbox_git_key_runs_code(const char *section, const char *sub, const char *key);
/* 1 when the config text sets such a key (or cannot be parsed: git would
 * refuse it, but a later git might not), with "section.key" in key[n];
 * 0 when it does not. */
int sandbox_git_config_risky(const char *buf, size_t len, char *key, size_t n);

#endif
