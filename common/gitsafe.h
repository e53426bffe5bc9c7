/* SPDX-License-Identifier: ISC */
/* How hush runs git on a repository an agent may have written: command-line
 * config that wins over the repository's own (and its includes), so that
 * reading the index or listing files cannot make git run a program or talk
 * to a remote. Used by the sandbox's index sweep (sandbox/gitindex.c) and
 * by hush scan (scan/git.c). */
#ifndef HUSH_COMMON_GITSAFE_H
#define HUSH_COMMON_GITSAFE_H

/* "key=value" pairs, each given to git as -c key=value; NULL-terminated:
 * core.fsmonitor=false (the program index reading can start),
 * core.hooksPath=/dev/null, core.pager=cat, gc.auto=0,
 * maintenance.auto=false, core.untrackedCache=false,
 * core.splitIndex=false, protocol.allow=never (no transport: a partial
 * clone's lazy fetch would run remote.*.uploadpack). */
extern const char *const git_safe_config[];
/* Environment entries for the same: GIT_ALLOW_PROTOCOL=none,
 * GIT_PROTOCOL_FROM_USER=0, GIT_TERMINAL_PROMPT=0, GIT_PAGER=cat;
 * NULL-terminated. */
extern const char *const git_safe_env[];

#endif
