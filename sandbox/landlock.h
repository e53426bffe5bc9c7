/* SPDX-License-Identifier: ISC */
/* The Landlock domain of the agent (landlock.c). */
#ifndef HUSH_SANDBOX_LANDLOCK_H
#define HUSH_SANDBOX_LANDLOCK_H

#include <stdbool.h>

#include "common/strv.h"

/* The Landlock ABI version (1..), or a negative HUSH_E* code when the
 * kernel lacks Landlock or it is disabled; *why gets a short reason. */
int sandbox_landlock_abi(const char **why);

/* Paths for the allow-list mode (used when namespaces are unavailable). */
struct sandbox_ll_paths {
	const struct strv *hidden;  /* files and dirs the agent must not read */
	const struct strv *rw_dirs; /* writable trees (cwd, tmp, allow_write) */
	const struct strv *ro_dirs; /* readable, executable trees (PATH, hush's own) */
	const char *home;
};
/* Creates a Landlock domain for the calling process (after
 * PR_SET_NO_NEW_PRIVS). With paths == NULL the file system is left alone
 * (the mount masks hide what must be hidden) and only device creation is
 * handled; the domain still confines ptrace and /proc/<pid> access to
 * processes inside it, and with ABI >= 6 signals and abstract unix sockets
 * too. With paths, file access is an allow-list (see docs/sandbox.md).
 * 0 or HUSH_E* (errno kept). */
/* scope_abstract: with ABI >= 6, abstract unix sockets outside the domain
 * are refused (off only when the display is shared: X clients use the
 * abstract socket first and do not fall back on EPERM). */
int sandbox_landlock_apply(int abi, const struct sandbox_ll_paths *paths, bool scope_abstract);

#endif
