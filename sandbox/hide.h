/* SPDX-License-Identifier: ISC */
/* What the sandbox masks: hide globs, the list of masked files and
 * directories, and the walk that finds them (hide.c). */
#ifndef HUSH_SANDBOX_HIDE_H
#define HUSH_SANDBOX_HIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strv.h"

#define SANDBOX_WALK_MAX_DEPTH 48
#define SANDBOX_WALK_MAX_ENTRIES 200000
#define SANDBOX_MAX_MASKS 4096

/* Files (covered by an empty read-only file) and directories (covered by an
 * empty read-only tmpfs), absolute paths, no duplicates. */
struct sandbox_masks {
	struct strv files;
	struct strv dirs;
	size_t walked;     /* directory entries looked at */
	bool truncated;    /* a walk stopped at a depth, entry or mask cap, or
			      could not search a directory */
	char *unreadable;  /* the first directory it could not search, or NULL */
};

/* True when name matches one of the globs and none of the "!GLOB" ones. */
bool sandbox_hide_match(const struct strv *globs, const char *name);
/* Adds path to the masks by what it is now: a directory goes to dirs,
 * anything else that exists to files (a symlink is resolved first, so the
 * target gets masked). A path that does not exist is skipped (returns 0).
 * HUSH_ETOOBIG past SANDBOX_MAX_MASKS, HUSH_ENOMEM. */
int sandbox_masks_add(struct sandbox_masks *m, const char *path);
/* Walks root (into file systems mounted below it too, skipping .git,
 * node_modules and directories already masked) up to max_depth levels and adds every entry
 * whose name matches globs. Files hard-linked to a matching file under
 * another name inside the walked tree are added too (same device and
 * inode). Sets m->truncated when the entry, link or mask cap was hit, or
 * when a directory lies deeper than SANDBOX_WALK_MAX_DEPTH; a smaller
 * max_depth is the caller's choice and not reported. 0 or HUSH_E*. */
int sandbox_hide_scan(struct sandbox_masks *m, const char *root,
		      const struct strv *globs, unsigned max_depth);
void sandbox_masks_free(struct sandbox_masks *m);

#endif
