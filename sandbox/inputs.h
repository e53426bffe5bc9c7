/* SPDX-License-Identifier: ISC */
/* What the config, the agent's profile and the machine give each layer of
 * a session: the mount plan's inputs (then the plan), the project-relative
 * never-writable list for the guard, the agent's environment, the Landlock
 * allow-list for when there are no namespaces, and the unix sockets
 * outside that the agent may reach (inputs.c). Every list that feeds a
 * layer is built in full or not at all: out of memory fails, it never
 * leaves a path out. */
#ifndef HUSH_SANDBOX_INPUTS_H
#define HUSH_SANDBOX_INPUTS_H

#include <limits.h>
#include <stdbool.h>

#include "common/strv.h"
#include "sandbox/hide.h"
#include "sandbox/landlock.h"
#include "sandbox/plan.h"
#include "sandbox/report.h"
#include "sandbox/session.h"
#include "sandbox/workdir.h"

/* The mount plan for rq in w: masks m, and extra_ro (the guard's
 * read-only paths) never writable. The profile's missing state
 * directories under $HOME are made first. 0, or HUSH_E* with f filled
 * (SANDBOX_FAIL_PROJECT when w->cwd cannot be a project). */
int sandbox_inputs_plan(struct sandbox_plan *pl, const struct sandbox_request *rq,
			const struct sandbox_workdir *w, const struct sandbox_masks *m,
			const struct strv *extra_ro, struct sandbox_failure *f);
/* The never-writable list's items relative to the project (the config's
 * and the profile's, less those the config unprotects). 0 or HUSH_ENOMEM. */
int sandbox_inputs_never_rel(const struct sandbox_request *rq, struct strv *out);
/* The agent's environment into env: this one's allow-listed entries (the
 * config's and the profile's allow_env, and passed: the exact names, to
 * which the display's variables are added when it is shared), then PATH
 * (w->bin first), HUSH_RUNTIME_DIR, HUSH_SANDBOX, and with use_shim the
 * shim's. 0 or HUSH_ENOMEM. */
int sandbox_inputs_env(struct strv *env, struct strv *passed, const struct sandbox_request *rq,
		       const struct sandbox_workdir *w, bool use_shim);

/* The Landlock allow-list: masked paths hidden, the project and the
 * allow_write directories writable, PATH, hush and the shim readable. */
struct sandbox_ll_lists {
	struct strv hidden, rw, rx;
	char home[PATH_MAX];
	struct sandbox_ll_paths paths; /* points into the above */
};
int sandbox_inputs_landlock(struct sandbox_ll_lists *l, const struct sandbox_request *rq,
			    const struct sandbox_workdir *w, const struct sandbox_masks *m);
void sandbox_ll_lists_free(struct sandbox_ll_lists *l);
/* The allow_socket entries (the request's, the config's, the profile's)
 * and, with the display shared, its sockets. 0 or HUSH_ENOMEM. */
int sandbox_inputs_sockets(struct strv *out, const struct sandbox_request *rq);

#endif
