/* SPDX-License-Identifier: ISC */
/* A hidden file un-ignored during the session (gitignore.c). */
#ifndef HUSH_SANDBOX_GITIGNORE_H
#define HUSH_SANDBOX_GITIGNORE_H

#include "common/strv.h"
#include "sandbox/hide.h"

struct sandbox_ignore {
	struct strv files;   /* .gitignore paths on the way up from hidden files */
	struct strv start;   /* their text at the start ("" when absent) */
	struct strv hidden;  /* the hidden files in the project */
};
/* Records the .gitignore files between each hidden file of m in project
 * and the project. 0 or HUSH_ENOMEM. */
int sandbox_ignore_begin(struct sandbox_ignore *g, const struct sandbox_masks *m,
			 const char *project);
/* At the end: for each hidden file whose way up holds a .gitignore that
 * changed and now negates its name, appends "/NAME" to the .gitignore next
 * to it and adds a sentence to fixed. 0 or HUSH_ENOMEM. */
int sandbox_ignore_end(const struct sandbox_ignore *g, struct strv *fixed);
void sandbox_ignore_free(struct sandbox_ignore *g);

#endif
