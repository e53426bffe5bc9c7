/* SPDX-License-Identifier: ISC */
/* What hush doctor finds: which of hush sandbox's kernel layers and of
 * hush's integrations (the shim, the broker, the credential proxy, the
 * keyring, the config, the confirmation UI, the vault) work on this
 * machine, and from those which classes of what an agent may try hold.
 *
 * Library code: each finding comes back as one line of text to show. */
#ifndef HUSH_BROKER_DOCTOR_H
#define HUSH_BROKER_DOCTOR_H

#include <stdbool.h>
#include <stdio.h>

/* One finding: the part, whether it works, and what that means. */
struct doctor_check {
	const char *what;      /* "user namespaces", "Landlock", ... */
	bool good;
	char why[768];
};
typedef void (*doctor_report_fn)(void *ctx, const struct doctor_check *c);

/* One class of what an agent tries, and whether this machine holds it. */
struct doctor_class {
	const char *what;      /* "read hidden files", ... */
	bool holds;
	const char *how;       /* how it holds, or (not held) what stays open */
};

#define DOCTOR_CLASSES 7

enum doctor_overall {
	DOCTOR_STRONG,         /* every class holds */
	DOCTOR_PARTIAL,        /* the kernel layers work, some class does not hold */
	DOCTOR_PARTIAL_LAYER,  /* one of the two kernel layers is missing */
	DOCTOR_WEAK,           /* neither works: hush sandbox refuses to start */
};

struct doctor {
	struct doctor_class cls[DOCTOR_CLASSES];
	enum doctor_overall overall;
	bool shim;             /* the shim loads */
	bool kernel;           /* user namespaces and Landlock work */
};

/* Runs every check, in the order they are shown, calling fn for each, and
 * fills *d. self is this program (for the message when shim, libhush.so's
 * path, is NULL: not found). */
void doctor_run(const char *self, const char *shim, doctor_report_fn fn, void *ctx,
		struct doctor *d);

/* One finding as hush doctor shows it: part, working or not, why. */
void doctor_write_check(FILE *out, const struct doctor_check *c);
/* The summary after the findings: each class, held or not, and the
 * overall verdict (with what the missing shim leaves out). */
void doctor_write_summary(FILE *out, const struct doctor *d);

#endif
