/* SPDX-License-Identifier: ISC */
/* Git knowledge for the sandbox: which git directories belong to the
 * project and which of their files run code later for the human (git.c). */
#ifndef HUSH_SANDBOX_GIT_H
#define HUSH_SANDBOX_GIT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strv.h"

/* Bounds on what is followed and read; everything read there is untrusted. */
#define SANDBOX_GIT_MAX_DIRS 256          /* git directories followed */
#define SANDBOX_GIT_MAX_HOPS 4            /* .git file -> .git file chains */
#define SANDBOX_GIT_WALK_DEPTH 12         /* levels searched for nested .git */
#define SANDBOX_GIT_WALK_ENTRIES 200000
#define SANDBOX_GIT_FILE_MAX (1024 * 1024) /* a .git, commondir or gitdir file: git's own limit for .git files */

/* One git directory. worktree is the directory holding the .git entry that
 * led to it (NULL when it was found only under modules/ or worktrees/). */
struct sandbox_git_dir {
	char *worktree;
	char *gitdir;    /* real path */
	char *dotgit;    /* the .git entry itself (file or directory), or NULL */
};
/* What sandbox_git_find found and what sandbox_git_protect made of it. */
struct sandbox_git {
	struct sandbox_git_dir *d;
	size_t n, cap;
	struct strv ro;          /* existing paths to bind read-only */
	struct strv create_dirs; /* directories to create (hooks) before binding */
	struct strv absent;      /* code-running paths that do not exist yet */
	bool truncated;             /* a bound was hit; some git dirs not followed */
	char *shut;                 /* the first directory (or .git file) the user
				       owns and cannot look into (sandbox_path_shut):
				       what lies behind it is not protected */
	/* set by the caller: called with each entry the walk below the
	 * project sees in a directory below the project's own (dir is a
	 * real path); non-zero stops the walk with that value */
	int (*visit)(void *ctx, const char *dir, const char *name);
	void *visit_ctx;
};

/* Parses the content of a pointer file: a .git file (prefix "gitdir: ") or
 * a commondir/gitdir file (prefix ""). One line; trailing CR/LF removed as
 * git does; empty paths, NUL bytes, inner newlines refused. Copies the path
 * into out[n]. 0, HUSH_EFORMAT or HUSH_ETOOBIG. */
int sandbox_git_parse_pointer(const char *buf, size_t len, const char *prefix, char *out,
			      size_t n);
/* Reads pointer file `file` (at most SANDBOX_GIT_FILE_MAX bytes, not
 * following a symlink), parses it as above and resolves the path it names
 * (relative to directory base) with realpath into out[PATH_MAX]. 0 or
 * HUSH_E* (HUSH_ENOENT when the target does not exist). */
int sandbox_git_read_pointer(const char *file, const char *base, const char *prefix, char *out);

/* The common directory of gitdir (what its commondir file names, resolved;
 * gitdir itself without one) into out[n]. 0 or HUSH_E*. */
int sandbox_git_common_dir(const char *gitdir, char *out, size_t n);

/* Finds the git directories that belong to project (an absolute, real
 * path): the nearest enclosing .git walking up from project (not above
 * stop, e.g. $HOME, when project is under stop, else not above "/"), every
 * .git below project (bounded walk, node_modules skipped, into mounts
 * below it too), and from each git dir its commondir, worktrees/ and
 * modules/ (recursively). Never runs git. 0 or HUSH_ENOMEM; bounds set
 * g->truncated, a directory of the user's it cannot look into g->shut. */
int sandbox_git_find(struct sandbox_git *g, const char *project, const char *stop);
/* sandbox_git_find, then fills g->ro, g->create_dirs and g->absent: per git
 * dir config, config.worktree, commondir, gitdir, and hooks (created when
 * missing, in git dirs that are their own common dir); every .git file.
 * 0 or HUSH_E*. Free with sandbox_git_free. */
int sandbox_git_protect(struct sandbox_git *g, const char *project, const char *stop);
void sandbox_git_free(struct sandbox_git *g);

#endif
