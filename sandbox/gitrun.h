/* SPDX-License-Identifier: ISC */
/* Running git on a repository an agent may have written (gitrun.c): the
 * index sweep (gitindex.c) and the check of which hidden files git ignores
 * (gitignore.c) are the only places hush runs git on a project. */
#ifndef HUSH_SANDBOX_GITRUN_H
#define HUSH_SANDBOX_GITRUN_H

#include <stdbool.h>
#include <stddef.h>

#define SANDBOX_GIT_BIN "/usr/bin/git"

/* One repository, as recorded at the start of the session. */
struct sandbox_git_cmd {
	const char *git;       /* absolute; NULL: SANDBOX_GIT_BIN */
	const char *gitdir, *worktree;
	/* the human's home: git reads the human's global and system config
	 * (core.excludesFile, ~/.config/git/ignore), which no session can
	 * write; NULL: neither is read */
	const char *home;
	/* check-ignore refuses literal pathspecs (GIT_LITERAL_PATHSPECS=1,
	 * set otherwise): the caller starts each path with "./", which no
	 * pathspec magic follows */
	bool magic_off_by_dot;
	unsigned timeout;      /* seconds; 0: a minute */
};

/* Runs git with args so that nothing in the repository can make it run a
 * program:
 * - the binary is a fixed absolute path, the environment is built from
 *   nothing (PATH=/usr/bin:/bin, no GIT_* from the caller; without
 *   c->home no HOME and no system or global config: GIT_CONFIG_NOSYSTEM=1,
 *   GIT_CONFIG_GLOBAL=/dev/null);
 * - GIT_DIR and GIT_WORK_TREE are the paths recorded at the start, so no
 *   discovery follows a .git file written during the session;
 * - command-line config wins over the repository's (and its includes):
 *   common/gitsafe.h (no fsmonitor, hooks, pager, background gc, and no
 *   transport at all: a partial clone's lazy fetch of a missing object
 *   would run the repository's remote.*.uploadpack), and --no-pager;
 * - the callers run only ls-files, rm --cached -f and check-ignore
 *   --no-index: none reads a work tree file other than .gitignore files
 *   (-f skips the up-to-date check that would hash it and run a clean
 *   filter), none diffs (no textconv, no external diff), none talks to a
 *   remote (no ssh command, credential helper or transport), and an alias
 *   cannot shadow a builtin command.
 * Paths go through stdin (in[inlen]; NUL-separated, literal pathspecs
 * unless c->magic_off_by_dot).
 * stdout is captured into *out (malloc'd, NUL-terminated, *outlen bytes)
 * up to max bytes when out is not NULL; stderr is dropped. A git still
 * running after c->timeout seconds (stuck on a FIFO the agent put where a
 * file it reads should be) is killed by its alarm, which survives exec. Returns git's exit code, or a
 * negative HUSH_E* (HUSH_ENOENT when git could not be executed). */
int sandbox_git_run(const struct sandbox_git_cmd *c, const char *const *args, const char *in,
		    size_t inlen, char **out, size_t *outlen, size_t max);

#endif
