/* SPDX-License-Identifier: ISC */
/* What `hush config check` checks beyond loading the file: that each
 * program the config names can run (the askpass and confirmation
 * programs, each grant's command), that a grant's command is pinned when
 * the user can change it and matches its pin, and that the secrets grants
 * name are in the vault (when it opens without a prompt, or allow_prompt).
 *
 * Library code: each problem goes to a callback as a one-line message and
 * an optional hint; nothing is printed. Only names and hashes appear in
 * them, never a secret value. */
#ifndef HUSH_CONFIG_LINT_H
#define HUSH_CONFIG_LINT_H

#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"

/* One problem: what is wrong, and what to do (NULL when nothing helps). */
typedef void (*config_lint_report)(void *ctx, const char *what, const char *hint);

struct config_lint {
	int problems;         /* problems reported */
	bool secrets_wanted;  /* some grant names a secret */
	bool secrets_checked; /* the vault was opened and searched */
	int nsecrets;         /* secrets named by grants (when checked) */
	int missing;          /* of those, not in the vault */
	char skipped[768];    /* wanted but not checked: why */
};

/* Runs the checks over a loaded config. Fills *out; returns out->problems. */
int config_lint(const struct config *cfg, bool allow_prompt, config_lint_report report,
		void *ctx, struct config_lint *out);

/* The summary of res: how the secrets check went, how many problems. */
void config_lint_write(FILE *out, const struct config_lint *res);

#endif
