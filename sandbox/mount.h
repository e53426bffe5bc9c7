/* SPDX-License-Identifier: ISC */
/* Carrying out the mount plan in the sandbox's init process, in its new
 * mount namespace (mount.c). */
#ifndef HUSH_SANDBOX_MOUNT_H
#define HUSH_SANDBOX_MOUNT_H

#include <stdbool.h>

#include "sandbox/plan.h"
#include "sandbox/statefile.h"

/* The steps of carrying out a plan, for the init's failure report. */
enum sandbox_mount_step {
	SANDBOX_MOUNT_PRIVATE = 1, /* making every mount private */
	SANDBOX_MOUNT_CAPTURE,     /* taking a bind source or a state file */
	SANDBOX_MOUNT_READONLY,    /* making the whole file system read-only */
	SANDBOX_MOUNT_TMPFS,       /* SB_OP_PRIVATE */
	SANDBOX_MOUNT_SCRATCH,     /* SB_OP_SCRATCH */
	SANDBOX_MOUNT_BIND,        /* SB_OP_BIND_*, SB_OP_LINK, SB_OP_SEAL */
	SANDBOX_MOUNT_COPY,        /* SB_OP_COPY */
	SANDBOX_MOUNT_PROTECT,     /* SB_OP_PROTECT */
	SANDBOX_MOUNT_MASK_FILE,   /* SB_OP_MASK_FILE */
	SANDBOX_MOUNT_MASK_DIR,    /* SB_OP_MASK_DIR */
	SANDBOX_MOUNT_PROC,        /* a /proc for the pid namespace */
	SANDBOX_MOUNT_PIN,         /* the directories above masks */
};
/* What a step does, in words ("masking a hidden file"). */
const char *sandbox_mount_step_text(enum sandbox_mount_step s);

struct sandbox_mount_fail {
	enum sandbox_mount_step step;
	const char *path; /* the operation's path (or source), or NULL */
};

/* Makes every mount private, takes what the plan needs before anything
 * changes (a detached copy of each bind source, the state files into st),
 * makes the file system read-only, carries out the plan's operations in
 * order, mounts a /proc for the pid namespace and pins the directories
 * above masks and never-writable paths that the agent could rename. empty
 * is an empty 0444 file (what a masked file shows). 0, or -1 with errno
 * kept and the step that failed in *f. */
int sandbox_mount_plan(const struct sandbox_plan *pl, const char *empty,
		       struct sandbox_states *st, struct sandbox_mount_fail *f);

/* Covers target with the empty file, read-only (0 when target is gone). */
int sandbox_mount_mask_file(const char *empty, const char *target);
/* Covers target with an empty read-only tmpfs (0 when target is gone). */
int sandbox_mount_mask_dir(const char *target);
/* A detached copy of the mount at path (with every mount below it when
 * recursive), close-on-exec: a descriptor, or -1. */
int sandbox_mount_clone(const char *path, bool recursive);
/* Makes sure there is something to mount on at path: a directory, or an
 * empty 0600 file; missing parents are made 0755. 0 or -1. */
int sandbox_mount_ensure_point(const char *path, bool dir);

#endif
