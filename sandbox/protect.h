/* SPDX-License-Identifier: ISC */
/* Paths that never become writable inside the project, their sweep into
 * the quarantine at the end, and the modes of the directories above them
 * (protect.c). */
#ifndef HUSH_SANDBOX_PROTECT_H
#define HUSH_SANDBOX_PROTECT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/strv.h"
#include "sandbox/git.h"
#include "sandbox/journal.h"
#include "sandbox/plan.h"

/* Paths that never become writable inside the project (the never_write
 * list: relative paths, a trailing "/" for a directory). */
struct sandbox_protect {
	char *project;
	struct strv exist;     /* existing: bind read-only */
	struct strv absent;    /* missing at start: swept at the end */
	struct strv links;     /* symlinks on the list or between the project
				     and an entry: "path" then "target" */
	struct strv exist_real;  /* "path" then its real path at start */
	struct strv hooks;     /* hooks directories */
	struct strv hooks_start; /* files in them at start */
	struct strv gits_start;  /* .git entries and git directories at start */
	struct strv names;     /* the entries looked for in every directory
				  below the project's own too */
};
/* The walk's visitor (sandbox_git.visit) that finds the entries of names
 * (never_write entries) in the directories below the project's: each
 * match, as a path relative to top, into out. */
struct sandbox_protect_find {
	const struct strv *names;
	const char *top; /* a real path */
	struct strv *out;
	bool ready;              /* (the visitor's own: first set up) */
	unsigned char first[32]; /* the names' first bytes, as a bit set */
};
int sandbox_protect_visit(void *ctx, const char *dir, const char *name);
/* Checks each never_write entry under project (refusing absolute paths and
 * ".." with HUSH_EINVAL) and records the git state of g (hooks files,
 * .git entries, g->absent) for the sweep. 0 or HUSH_E*. */
int sandbox_protect_begin(struct sandbox_protect *p, const char *project,
			  const struct strv *never_write, const struct sandbox_git *g);
/* names: the entries the sweep looks for again in every directory below
 * the project (those found at start are among never_write). 0 or
 * HUSH_ENOMEM. */
int sandbox_protect_names(struct sandbox_protect *p, const struct strv *names);
/* At the end: moves into quarantine (created 0700 with parents) every path
 * on the list that did not exist at start and does now, a symlink on the
 * list (or above an entry) that now points elsewhere or is no longer a
 * link, every new non-sample file in a hooks directory, and the config and
 * hooks of a git directory that appeared in the project during the session
 * when they would run code, however git reaches it (a directory a commondir
 * file names is one); a new .git, or a new git directory's commondir file,
 * leading to a git directory outside the project is moved itself instead. When quarantine is on another file
 * system the path is renamed in place (sandbox_rename_aside). An existing
 * entry whose real path changed (a symlinked directory above it swapped)
 * is moved too, and so is one of the names found in a directory below the
 * project that was not there at start. Nothing is moved through a symlink: a symlink above a path
 * that appeared during the session is moved itself, and a path behind one
 * that was there at the start is left and listed in skipped as "path
 * (through the symbolic link L)". moved gets "path -> destination".
 * stop is as for sandbox_git_find. With quarantine NULL nothing is moved:
 * moved gets each path that would be. 0 or the first HUSH_E*. */
int sandbox_protect_sweep(const struct sandbox_protect *p, const char *stop,
			  const char *quarantine, struct strv *moved, struct strv *skipped);
/* A gitlink (submodule) at path, added to an index during the session: the
 * human's git status in the parent runs git in it. Its git directory, when
 * it was not there at start (one under node_modules the sweep's walk does
 * not see), is treated as the sweep treats a new one. 0 or HUSH_E*. */
int sandbox_protect_gitlink(const struct sandbox_protect *p, const char *path, const char *qdir,
			    struct strv *moved, struct strv *skipped);
void sandbox_protect_free(struct sandbox_protect *p);
/* Moves one path (absolute, outside any project) into qdir/<its path>,
 * as the sweep does: never through a symbolic link (path is then listed
 * in skipped). moved gets "path -> destination". 0 or HUSH_E*. */
int sandbox_quarantine_path(const char *path, const char *qdir, struct strv *moved,
			    struct strv *skipped);
/* Renames name in directory dirfd to name.hush-quarantine (or
 * name.hush-quarantine.N, the first free one), whose name goes to dest[n].
 * 0 or HUSH_E*. */
int sandbox_rename_aside(int dirfd, const char *name, char *dest, size_t n);

/* True when the user owns path and may not access it with amode (X_OK to
 * look inside a directory, R_OK to list it or read a file). An earlier
 * session may have set that mode to keep the next session's search out;
 * someone else's path the user cannot enter, the agent cannot enter
 * either. */
bool sandbox_path_shut(const char *path, int amode);

/* The modes of the directories leading to never-writable paths inside
 * writable binds (the project, a profile's state directory), recorded at
 * the start so that the end of the session undoes a chmod the agent made
 * there: chmod 000 on .git or ~/.claude would keep the next session's
 * search from seeing what to protect, chmod 0555 would make the index
 * sweep and the quarantine fail. */
struct sandbox_dirmode {
	char *path;
	dev_t dev;
	ino_t ino;
	mode_t mode;
};
struct sandbox_modes {
	struct sandbox_dirmode *d;
	size_t n, cap;
	char *shut;  /* the first directory the user owns and cannot search */
};
/* Records every existing directory from top (included) down to path
 * (included when a directory), not past a symlink or a directory the user
 * owns and cannot search (that one goes to m->shut). Nothing when path is
 * not under top. 0 or HUSH_ENOMEM. */
int sandbox_modes_add(struct sandbox_modes *m, const char *top, const char *path);
/* sandbox_modes_add for every never-writable path of the plan (its
 * SB_OP_PROTECT operations and absent list) that lies in a writable bind,
 * from the root of that bind. 0 or HUSH_ENOMEM. */
int sandbox_modes_record(struct sandbox_modes *m, const struct sandbox_plan *pl);
/* Gives each recorded directory whose mode changed, and that is still the
 * same directory (device and inode), its mode back, top-down. repaired
 * gets "path from NOW back to THEN" (octal) for each. 0 or the first
 * HUSH_E* (the others are still tried). */
int sandbox_modes_repair(const struct sandbox_modes *m, struct strv *repaired);
void sandbox_modes_free(struct sandbox_modes *m);

/* The never-writable state and the directory modes into a journal, and
 * back: sandbox_protect_load takes one record (1 when it was theirs, 0
 * when not, HUSH_E* for a bad value); start from zeroed structs. */
void sandbox_protect_save(const struct sandbox_protect *p, const struct sandbox_modes *m,
			  struct sandbox_journal *j);
int sandbox_protect_load(struct sandbox_protect *p, struct sandbox_modes *m, const char *tag,
			 const char *val);

#endif
