/* SPDX-License-Identifier: ISC */
/* One `hush sandbox` session, plan then execute: prepared from the config,
 * the agent's profile and what is found on disk (what to hide, the
 * project's git state, the mount plan, the agent's environment), its plan
 * shown if asked, then run, then the end-of-session sweep (session.c).
 * Notes go to the request's function as they come; a failure comes back as
 * a kind (report.h). */
#ifndef HUSH_SANDBOX_SESSION_H
#define HUSH_SANDBOX_SESSION_H

#include <stdbool.h>

#include "common/strv.h"
#include "sandbox/plan.h"
#include "sandbox/report.h"

struct config;
struct sandbox_profile;

/* What the command line asks; every pointer outlives the session. */
struct sandbox_request {
	char *const *argv;                     /* the agent command */
	const struct config *cfg;
	const struct sandbox_profile *profile; /* or NULL */
	const char *self;                      /* the hush executable (absolute) */
	const char *shim;                      /* libhush.so, or NULL: not found */
	const char *client_sock;               /* hush's client socket, or NULL */
	const struct strv *allow_env;          /* --allow-env: exact names, or NULL */
	const struct strv *allow_socket;       /* --allow-socket, or NULL */
	const struct strv *allow_host;         /* --allow-host, or NULL */
	const char *home_mode, *root_mode;     /* "allow-list", "visible"; NULL: the config's */
	bool proxy_only;                       /* network = proxy-only */
	bool allow_display;                    /* share the display */
	bool no_proxy, no_shim, no_userns, no_landlock;
	bool partial_masks;                    /* start though the search stopped at a limit */
	bool explain;                          /* only the plan: nothing runs, nothing is swept */
	bool verbose;                          /* notes of kind INFO too */
	struct sandbox_notes notes;
};

struct sandbox_session;

/* Everything up to the start: the kernel layers, the broker, the
 * temporary directory, the sweep of sessions killed before their end
 * (unless explain), what to hide, the shim's rules, the environment, the
 * project guard and the plan (with its journal unless explain). 0 with
 * *out set, or HUSH_E* with f filled (nothing is left behind then). */
int sandbox_session_prepare(const struct sandbox_request *rq, struct sandbox_session **out,
			    struct sandbox_failure *f);
/* The mount plan, in the order it is carried out. */
const struct sandbox_plan *sandbox_session_plan(const struct sandbox_session *s);
/* Runs the agent (without user namespaces: under Landlock alone, when the
 * request allows) and waits for it. 0 with *status the agent's exit code,
 * or HUSH_E* with f filled. */
int sandbox_session_run(struct sandbox_session *s, int *status, struct sandbox_failure *f);
/* After run: the project guard's sweep, a note for each thing undone or
 * to look at. Nothing when the agent never started. */
void sandbox_session_end(struct sandbox_session *s);
/* Removes the temporary directory and frees s (NULL is fine). */
void sandbox_session_free(struct sandbox_session *s);

#endif
