/* SPDX-License-Identifier: ISC */
/* hush scan as one call: see job.h. */
#include "scan/job.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/strv.h"
#include "common/util.h"
#include "scan/ruleset.h"

static int fail(struct scan_failure *f, int rc, int status, const char *hint, const char *what,
		const char *why)
{
	f->status = status;
	f->hint = hint;
	snprintf(f->what, sizeof(f->what), "%s%s%s", what, why ? ": " : "", why ? why : "");
	return rc;
}

int scan_job_run(const struct scan_job *j, struct scan_result *r, struct scan_failure *f)
{
	const struct config *cfg = j->cfg;
	memset(r, 0, sizeof(*r));
	_cleanup_strv_ struct strv paths = STRV_INIT;
	for (size_t i = 0; i < j->npaths; i++)
		if (strv_push(&paths, j->paths[i]))
			return fail(f, HUSH_ENOMEM, 1, NULL, "out of memory", NULL);
	char hd[PATH_MAX];
	if (j->home && (path_home(hd, sizeof(hd)) ||
			scan_home_paths(hd, cfg->scan_skip.v, cfg->scan_skip.n, &paths) < 0))
		return fail(f, HUSH_EIO, 1, NULL, "cannot list the home directory's credential places",
			    NULL);
	if (!j->home && paths.n == 0 && strv_push(&paths, "."))
		return fail(f, HUSH_ENOMEM, 1, NULL, "out of memory", NULL);
	const char *rules = j->rules ? j->rules : cfg->scan_rules;
	struct scan_ruleset *rs = NULL;
	char rerr[768];
	if (rules && scan_ruleset_load(rules, &rs, rerr, sizeof(rerr)))
		return fail(f, HUSH_ECONFIG, 2,
			    "hush reads gitleaks' TOML format; docs/scan.md lists the keys it supports",
			    "cannot load the rules", rerr);
	struct scan_opts so = {
		.max_file = (size_t)cfg->scan_max_file,
		.skip_dirs = cfg->scan_skip.v, .nskip = cfg->scan_skip.n,
		.hide = cfg->hide.v, .nhide = cfg->hide.n,
		.hide_dirs = cfg->hide_dirs.v, .nhide_dirs = cfg->hide_dirs.n,
		.no_git = j->no_git, .ruleset = rs, .progress = j->progress,
		.progress_ctx = j->progress_ctx,
	};
	int rc = paths.n ? scan_paths(paths.v, paths.n, &so, r) : 0;
	r->rules = rs;
	const struct scan_problem *last = r->nproblems ? &r->problems[r->nproblems - 1] : NULL;
	if (rc == HUSH_ENOENT) {
		char what[PATH_MAX + 16];
		snprintf(what, sizeof(what), "cannot scan %s", last ? last->path : "?");
		return fail(f, rc, 2, NULL, what, last ? last->why : "not found");
	}
	if (rc < 0)
		return fail(f, rc, 2, NULL, "scan failed", hush_strerror(rc));
	return 0;
}
