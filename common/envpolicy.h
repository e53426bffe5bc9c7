/* SPDX-License-Identifier: ISC */
/* The one list of environment variables that make a program load or run
 * code chosen by whoever sets them (LD_PRELOAD, BASH_ENV, NODE_OPTIONS,
 * PYTHON*, GIT_*, ...). The config check refuses them in a grant's
 * env_keep, the broker drops them from what a requester passes to a
 * granted command, and docs/protocol.md lists them: all from this table. */
#ifndef HUSH_ENVPOLICY_H
#define HUSH_ENVPOLICY_H

#include <stdbool.h>
#include <stddef.h>

struct envpolicy_entry {
	const char *name;  /* a variable name, or a prefix when prefix is true */
	bool prefix;
	const char *why;   /* what it makes a program do */
};

/* The table, for the docs and the tests; *n gets its length. */
const struct envpolicy_entry *envpolicy_table(size_t *n);
/* True when the variable name is on the list (exactly, or by a prefix). */
bool envpolicy_runs_code(const char *name);
/* True when a prefix glob (the prefix without its '*') would pass a
 * variable on the list: it names one, or overlaps a listed prefix. */
bool envpolicy_glob_runs_code(const char *prefix);

#endif
