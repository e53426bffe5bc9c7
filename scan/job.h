/* SPDX-License-Identifier: ISC */
/* hush scan as one call: the paths asked for (with --home the home's
 * credential places too; none: the current directory), the rules file,
 * the configuration's limits, skip and hide lists, then the scan.
 *
 * Library code: a failure comes back in struct scan_failure (the exit
 * status, the line to print, a hint). */
#ifndef HUSH_SCAN_JOB_H
#define HUSH_SCAN_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "scan/scan.h"

struct scan_job {
	const struct config *cfg;
	char *const *paths;          /* files or directories */
	size_t npaths;               /* 0: "." unless home */
	bool home;                   /* the home's shell files, histories, credential files */
	bool no_git;
	const char *rules;           /* a gitleaks config; NULL: cfg's [scan] rules */
	scan_progress_fn progress;   /* may be NULL */
	void *progress_ctx;
};

struct scan_failure {
	int status;                  /* 2: what was asked cannot be scanned; 1: anything else */
	char what[5120];
	const char *hint;            /* static text, or NULL */
};

/* Runs the scan j describes into *r (free it with scan_result_free()
 * whatever is returned). 0, or a HUSH_E* code with f filled: the home
 * could not be listed, the rules did not load (HUSH_ECONFIG), a path does
 * not exist (HUSH_ENOENT), memory ran out. */
int scan_job_run(const struct scan_job *j, struct scan_result *r, struct scan_failure *f);

#endif
