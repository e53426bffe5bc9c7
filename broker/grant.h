/* SPDX-License-Identifier: ISC */
/* Matching a run request to a grant, and checking the executable.
 *
 * The broker never looks a command up in the requester's PATH: a bare name
 * matches grants whose command has that basename; a path (absolute, or
 * relative to the requester's working directory) must resolve to the same
 * file as the grant's command. */
#ifndef HUSH_BROKER_GRANT_H
#define HUSH_BROKER_GRANT_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

/* Finds the first grant (or only the grant named want, when want is non-empty)
 * whose command matches argv[0], whose argument patterns accept argv[1..],
 * and whose cwd prefix (if any) contains cwd. The grant's command is
 * realpath()ed into exe[PATH_MAX].
 * Returns 0, HUSH_ENOENT (no grant for this command), HUSH_EREFUSED (a grant
 * names the command but arguments or cwd are outside it; why says which)
 * or HUSH_EINVAL. */
int grant_find(const struct config *cfg, const char *want, char *const *argv, size_t argc,
	       const char *cwd, const struct grant **out, char *exe, char *why, size_t whylen);

/* Matches an argument vector (argv[0] is the first argument, not the
 * command) against a grant's patterns (see struct grant in config.h), in
 * bounded time. True when g has no patterns or one matches. */
bool grant_args_match(const struct grant *g, char *const argv[], size_t argc);

/* True when dir equals prefix or lies under it (path components, not bytes). */
int grant_cwd_within(const char *dir, const char *prefix);

/* Opens path for execution (O_RDONLY, no O_CLOEXEC so that scripts run by
 * fd work) and, when sha256_hex is non-NULL, checks the content hash on the
 * very fd that will be executed. Returns the fd, or HUSH_ENOENT, HUSH_EPERM
 * (hash mismatch) or HUSH_EIO. */
int grant_open_exec(const char *path, const char *sha256_hex);

/* SHA-256 of the file at path as 64 lowercase hex digits (hex[65]).
 * 0, HUSH_ENOENT or HUSH_EIO. */
int grant_sha256_hex(const char *path, char hex[65]);

/* Whether the user running this can change what path runs: the file is
 * writable, or a directory above it (or above the file it resolves to)
 * lets them replace an entry. 1 with a reason in why[n], 0 (always for
 * root, who can write everything), or HUSH_ENOENT / HUSH_EIO. */
int grant_exe_writable(const char *path, char *why, size_t n);

#endif
