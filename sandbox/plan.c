/* SPDX-License-Identifier: ISC */
/* The sandbox's mount plan: a list of operations built first (from the
 * config, the agent's profile and what is found on disk), printable with
 * hush sandbox --explain, then carried out by the sandbox's init process
 * (ns.c). Building never half-succeeds: the first failed push is kept in
 * plan->error and sandbox_run() refuses such a plan, so an allocation
 * failure can never drop a mask or a read-only path. */
#include "sandbox/plan.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/util.h"

static unsigned path_depth(const char *p)
{
	unsigned d = 0;
	for (; *p; p++)
		if (*p == '/' && p[1])
			d++;
	return d;
}

int sandbox_plan_add(struct sandbox_plan *pl, enum sandbox_op_kind kind, const char *path,
		     const char *src, const char *why)
{
	if (pl->error)
		return pl->error;
	if (!path || path[0] != '/' || strlen(path) >= PATH_MAX ||
	    (src && (src[0] != '/' || strlen(src) >= PATH_MAX))) {
		pl->error = HUSH_EINVAL;
		return pl->error;
	}
	if (pl->n >= SANDBOX_PLAN_MAX) {
		pl->error = HUSH_ETOOBIG;
		return pl->error;
	}
	if ((pl->error = array_grow(&pl->ops, &pl->cap, pl->n + 1, sizeof(*pl->ops), 64)) < 0)
		return pl->error;
	struct sandbox_op *op = &pl->ops[pl->n];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->why = why;
	op->path = strdup(path);
	op->src = src ? strdup(src) : NULL;
	if (!op->path || (src && !op->src)) {
		free(op->path);
		free(op->src);
		pl->error = HUSH_ENOMEM;
		return pl->error;
	}
	pl->n++;
	return 0;
}

const struct sandbox_op *sandbox_plan_find(const struct sandbox_plan *pl, enum sandbox_op_kind kind,
					   const char *path)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->ops[i].kind == kind && strcmp(pl->ops[i].path, path) == 0)
			return &pl->ops[i];
	return NULL;
}

/* The order in which the init process carries the operations out: first
 * what covers (private tmpfs areas, the home view), then binds, then
 * scratch directories, each shallowest first, so that a deeper mount is
 * never covered by a shallower one; then read-only protection of paths
 * inside writable trees, and the masks last, on top of everything. */
static int phase(enum sandbox_op_kind k)
{
	switch (k) {
	case SB_OP_PRIVATE: return 0;
	case SB_OP_BIND_RO:
	case SB_OP_BIND_RW: return 1;
	case SB_OP_SCRATCH: return 2;
	case SB_OP_LINK: return 3;
	case SB_OP_SEAL: return 4;
	case SB_OP_COPY: return 5;
	case SB_OP_PROTECT: return 6;
	case SB_OP_MASK_FILE:
	case SB_OP_MASK_DIR: return 7;
	}
	return 8;
}

static int op_cmp(const void *a, const void *b)
{
	const struct sandbox_op *x = a, *y = b;
	int px = phase(x->kind), py = phase(y->kind);
	/* covering mounts and binds share one depth order */
	if (px <= 2 && py <= 2) {
		unsigned dx = path_depth(x->path), dy = path_depth(y->path);
		if (dx != dy)
			return dx < dy ? -1 : 1;
	}
	if (px != py)
		return px < py ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

void sandbox_plan_sort(struct sandbox_plan *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		pl->ops[i].seq = i;
	if (pl->n > 1)
		qsort(pl->ops, pl->n, sizeof(*pl->ops), op_cmp);
}

const char *sandbox_op_name(enum sandbox_op_kind k)
{
	switch (k) {
	case SB_OP_PRIVATE: return "private";
	case SB_OP_BIND_RO: return "read-only";
	case SB_OP_BIND_RW: return "writable";
	case SB_OP_SCRATCH: return "scratch";
	case SB_OP_COPY: return "state-file";
	case SB_OP_PROTECT: return "never-writable";
	case SB_OP_MASK_FILE: return "hidden-file";
	case SB_OP_MASK_DIR: return "hidden-dir";
	case SB_OP_LINK: return "route-link";
	case SB_OP_SEAL: return "sealed";
	}
	return "?";
}

void sandbox_plan_free(struct sandbox_plan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->ops[i].path);
		free(pl->ops[i].src);
	}
	free(pl->ops);
	strv_free(&pl->absent);
	memset(pl, 0, sizeof(*pl));
}

void sandbox_plan_write(FILE *out, const struct sandbox_plan *pl)
{
	fprintf(out, "hush: sandbox plan (in the order it is carried out; everything else is "
		"read-only):\n");
	for (size_t i = 0; i < pl->n; i++) {
		const struct sandbox_op *op = &pl->ops[i];
		fprintf(out, "  %-14s %s", sandbox_op_name(op->kind), op->path);
		if (op->src && strcmp(op->src, op->path))
			fprintf(out, " <- %s", op->src);
		if (op->why)
			fprintf(out, "  (%s)", op->why);
		fputc('\n', out);
	}
	for (size_t i = 0; i < pl->absent.n; i++)
		fprintf(out, "  %-14s %s  (does not exist: looked at again at exit)\n", "watched",
			pl->absent.v[i]);
}
