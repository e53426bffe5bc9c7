/* SPDX-License-Identifier: ISC */
/* Where a sandbox session works: hush's own paths, the project, and the
 * session's temporary directory outside the sandbox (the links that route
 * granted commands, the shim's rules, the empty file masks show, the
 * proxy's CA bundle), removed at the end (workdir.c). */
#ifndef HUSH_SANDBOX_WORKDIR_H
#define HUSH_SANDBOX_WORKDIR_H

#include <limits.h>
#include <stddef.h>

struct config;

struct sandbox_workdir {
	char home[PATH_MAX], data[PATH_MAX], runtime[PATH_MAX];
	char cfgpath[PATH_MAX], vault[PATH_MAX];
	char cwd[PATH_MAX];           /* the project */
	char dir[PATH_MAX];           /* the temporary directory, "" until made */
	char bin[PATH_MAX + 8];       /* dir/bin: a link per granted command */
	char rules[PATH_MAX + 16];    /* dir/shim.conf */
	char empty[PATH_MAX + 8];     /* dir/empty: empty, 0444 */
};

/* hush's paths (common/util.h) and the working directory. 0, HUSH_ENOENT
 * for hush's paths, HUSH_EIO for the working directory (errno kept). */
int sandbox_workdir_paths(struct sandbox_workdir *w);
/* Makes the temporary directory in $TMPDIR, else in /dev/shm when it is a
 * sticky world-writable directory like /tmp (memory: the few small files
 * made and removed each session cost no journal writes), else in /tmp;
 * with bin/ holding cfg's command links to self, and the empty file. 0 or
 * HUSH_E* with what failed in err[n] (the directory is gone then). */
int sandbox_workdir_make(struct sandbox_workdir *w, const struct config *cfg, const char *self,
			 char *err, size_t n);
/* Writes text as the shim's rules, 0444. 0 or HUSH_EIO (errno kept). */
int sandbox_workdir_write_rules(const struct sandbox_workdir *w, const char *text, size_t len);
/* Removes the temporary directory and what is in it. */
void sandbox_workdir_remove(struct sandbox_workdir *w);

#endif
