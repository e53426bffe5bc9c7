/* SPDX-License-Identifier: ISC */
/* Hidden files that git ignored at the start of a session and no longer
 * does at its end (gitignore.c). */
#ifndef HUSH_SANDBOX_GITIGNORE_H
#define HUSH_SANDBOX_GITIGNORE_H

#include <stddef.h>

#include "common/strv.h"
#include "sandbox/git.h"
#include "sandbox/hide.h"
#include "sandbox/journal.h"

struct sandbox_ignore_repo {
	char *worktree, *gitdir;
	struct strv ignored; /* hidden files git ignored at start, relative */
};
struct sandbox_ignore {
	struct sandbox_ignore_repo *r;
	size_t n;
	char *home;       /* the human's: their global excludes count */
	const char *git;  /* NULL: SANDBOX_GIT_BIN */
};

/* For each git directory of g with a work tree, asks git (sandbox_git_run,
 * `check-ignore --no-index`) which of the hidden files of m in that work
 * tree (the deepest one holding each) it ignores, with the human's global
 * config read (home). 0, HUSH_ENOMEM, or another HUSH_E* with err[n] set
 * for the first repository git could not answer for (the others are still
 * asked). */
int sandbox_ignore_begin(struct sandbox_ignore *s, const struct sandbox_git *g,
			 const struct sandbox_masks *m, const char *home, char *err, size_t n);
/* At the end: asks git again about the files it ignored at start; each one
 * it no longer ignores (a .gitignore line or file removed, a negation
 * added, info/exclude edited, ...) gets "/NAME" appended to the .gitignore
 * in its own directory (the last line of the deepest file wins over
 * every other rule), or when that cannot be written "/PATH" in the common
 * git directory's info/exclude; git is asked once more, and fixed gets one
 * sentence for each. When git cannot answer, every such file is treated
 * as no longer ignored. 0 or HUSH_ENOMEM. */
int sandbox_ignore_end(const struct sandbox_ignore *s, struct strv *fixed);
void sandbox_ignore_free(struct sandbox_ignore *s);

/* Into a journal and back, as sandbox_protect_save and _load do. */
void sandbox_ignore_save(const struct sandbox_ignore *s, struct sandbox_journal *j);
int sandbox_ignore_load(struct sandbox_ignore *s, const char *tag, const char *val);

#endif
