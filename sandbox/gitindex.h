/* SPDX-License-Identifier: ISC */
/* The git index: its parser, and the sweep that keeps a hidden file
 * the agent added to it from being committed later (gitindex.c). */
#ifndef HUSH_SANDBOX_GITINDEX_H
#define HUSH_SANDBOX_GITINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/strv.h"
#include "sandbox/git.h"
#include "sandbox/journal.h"

#define SANDBOX_GIT_INDEX_MAX (512u << 20)
#define SANDBOX_GIT_INDEX_ENTRIES 10000000u

/* The index (Documentation/gitformat-index.txt): versions 2, 3 and 4 (path
 * prefix compression), extensions skipped, a trailing SHA-1 (hashlen 20)
 * or SHA-256 (32) checksum whose length is checked but whose value is not.
 * hashlen 0 tries both. fn gets each entry's path (NUL-terminated, len
 * bytes), mode and stage. Read-only. 0, fn's nonzero value, HUSH_EFORMAT,
 * HUSH_EVERSION or HUSH_ETOOBIG. */
struct sandbox_git_index_info {
	unsigned version;
	size_t entries;
	size_t hashlen;
	bool split;    /* a "link" extension: entries live in a shared index too */
	bool sparse;   /* directory entries ("sdir") */
};
typedef int (*sandbox_git_index_fn)(void *ctx, const char *path, size_t len, unsigned mode,
				    unsigned stage);
int sandbox_git_index_parse(const unsigned char *buf, size_t len, size_t hashlen,
			    sandbox_git_index_fn fn, void *ctx, struct sandbox_git_index_info *info);

/* What the sandbox hides, for the index sweep: globs (sandbox_hide_match on
 * every path component) and the masked files and directories (absolute). */
struct sandbox_git_hide {
	const struct strv *globs;
	const struct strv *files;
	const struct strv *dirs;
};
/* True when path (relative to worktree) is hidden by h. */
bool sandbox_git_path_hidden(const struct sandbox_git_hide *h, const char *worktree,
			     const char *path);

struct sandbox_git_snap_repo {
	char *worktree, *gitdir, *head;
	struct strv tracked;   /* hidden paths in the index at start */
	struct strv links;     /* gitlinks (submodules) in the index at start */
	bool unreadable;          /* the index could not be read at start */
	bool lock;                /* an index.lock existed at start ... */
	dev_t lock_dev;           /* ... this one */
	ino_t lock_ino;
};
struct sandbox_git_snap {
	struct sandbox_git_snap_repo *r;
	size_t n;
	const char *git;          /* git binary used for split indexes and removal */
	struct strv hidden[3]; /* loaded from a journal: globs, files, dirs */
};
/* Records, for each found git dir with a work tree, which hidden paths and
 * gitlinks its index holds and what HEAD is. git is the git binary to use (absolute;
 * NULL for /usr/bin/git), run only as described in docs/sandbox.md. 0 or
 * HUSH_E*. */
int sandbox_git_index_snapshot(struct sandbox_git_snap *s, const struct sandbox_git *g,
			       const struct sandbox_git_hide *h, const char *git);
/* What the index sweep did and found, one entry each:
 * - removed: "worktree/path" of every hidden path that was not in an index
 *   at start and is removed from it;
 * - commits: the work trees whose HEAD moved during the session while a
 *   removed path was there (the path may be in those commits, as the
 *   mask's empty content);
 * - fixed: what stood in the way and was set right first, one sentence
 *   each: an index.lock made during the session (renamed aside, see
 *   sandbox_rename_aside), an index the user may no longer read or write
 *   (u+rw given back);
 * - links: "worktree/path" of every gitlink (a submodule: the parent's
 *   git status and commit run git in it) added during the session. */
struct sandbox_git_swept {
	struct strv removed, commits, fixed, links;
};
/* Removes from each index every hidden path that was not in it at start,
 * filling o. An index.lock that was there at the start is left (another
 * git may be running): that repository is not swept. A git that runs
 * longer than a minute is killed. 0 or the first HUSH_E* (the others are
 * still tried); err[n] says what failed. */
int sandbox_git_index_sweep(const struct sandbox_git_snap *s, const struct sandbox_git_hide *h,
			    struct sandbox_git_swept *o, char *err, size_t n);
void sandbox_git_swept_free(struct sandbox_git_swept *o);
void sandbox_git_snap_free(struct sandbox_git_snap *s);

/* The index snapshot and what it counts as hidden (h) into a journal, and
 * back, as sandbox_protect_save and sandbox_protect_load do; a loaded
 * snapshot keeps its own copy of those rules, which sandbox_git_snap_hide
 * returns. */
void sandbox_git_snap_save(const struct sandbox_git_snap *s, const struct sandbox_git_hide *h,
			   struct sandbox_journal *j);
int sandbox_git_snap_load(struct sandbox_git_snap *s, const char *tag, const char *val);
struct sandbox_git_hide sandbox_git_snap_hide(const struct sandbox_git_snap *s);

#endif
