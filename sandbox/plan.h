/* SPDX-License-Identifier: ISC */
/* The mount plan: the list of operations the sandbox's init carries out
 * (plan.c). policy.h builds one. */
#ifndef HUSH_SANDBOX_PLAN_H
#define HUSH_SANDBOX_PLAN_H

#include <stddef.h>
#include <stdio.h>

#include "common/strv.h"

/* What the sandbox's init process does to the file system, one operation
 * each. Before any of them, every mount is made read-only: what is not
 * named here as writable cannot be written. */
enum sandbox_op_kind {
	SB_OP_PRIVATE,   /* a private empty tmpfs (/tmp, /var/tmp, /dev/shm, the
			    runtime dir, the home view) */
	SB_OP_BIND_RO,   /* src shown read-only at path */
	SB_OP_BIND_RW,   /* src shown writable at path (the project, allow_write) */
	SB_OP_SCRATCH,   /* a writable tmpfs, empty at start, gone at exit */
	SB_OP_COPY,      /* a state file: src copied in at start, back at exit */
	SB_OP_PROTECT,   /* an existing path inside a writable tree made read-only */
	SB_OP_MASK_FILE, /* covered by an empty read-only file */
	SB_OP_MASK_DIR,  /* covered by an empty read-only directory */
	SB_OP_LINK,      /* a symbolic link at path pointing to src */
	SB_OP_SEAL,      /* a PRIVATE tmpfs made read-only once filled */
};

struct sandbox_op {
	enum sandbox_op_kind kind;
	char *path;       /* absolute, inside the sandbox */
	char *src;        /* absolute, outside (BIND_*, COPY); else NULL */
	const char *why;  /* static text for --explain, or NULL */
	unsigned mode;    /* PRIVATE / SCRATCH: tmpfs root mode */
	size_t seq;       /* order of insertion (stable sort) */
};

#define SANDBOX_PLAN_MAX 16384

struct sandbox_plan {
	struct sandbox_op *ops;
	size_t n, cap;
	int error;          /* first failed push (HUSH_E*): the plan is refused */
	struct strv absent; /* never-writable names that do not exist at start
				  inside a writable tree (looked at again at exit) */
};

/* Appends an operation. 0, or the sticky error (HUSH_ENOMEM, HUSH_ETOOBIG,
 * HUSH_EINVAL for a relative path) also kept in pl->error. */
int sandbox_plan_add(struct sandbox_plan *pl, enum sandbox_op_kind kind, const char *path,
		     const char *src, const char *why);
/* The first operation of that kind at path, or NULL. */
const struct sandbox_op *sandbox_plan_find(const struct sandbox_plan *pl, enum sandbox_op_kind kind,
					   const char *path);
/* Puts the operations into the order they are carried out in (see plan.c). */
void sandbox_plan_sort(struct sandbox_plan *pl);
/* Short name of a kind, for --explain. */
const char *sandbox_op_name(enum sandbox_op_kind k);
void sandbox_plan_free(struct sandbox_plan *pl);
/* hush sandbox --explain / -v: a heading, then one line an operation and
 * one a watched absent name. */
void sandbox_plan_write(FILE *out, const struct sandbox_plan *pl);

#endif
