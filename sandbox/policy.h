/* SPDX-License-Identifier: ISC */
/* Building the mount plan from its inputs (policy.c). */
#ifndef HUSH_SANDBOX_POLICY_H
#define HUSH_SANDBOX_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strv.h"
#include "sandbox/hide.h"
#include "sandbox/plan.h"

enum sandbox_home_mode {
	SANDBOX_HOME_VISIBLE = 0, /* every entry of $HOME shown read-only */
	SANDBOX_HOME_ALLOWLIST,   /* only home_allow and the profile's paths */
};

/* What the plan is built from; every path absolute (~ already expanded),
 * except never_write items, which may be relative to the project. */
struct sandbox_inputs {
	const char *home;            /* $HOME */
	const char *cwd;             /* the project (working directory) */
	const char *xdg_runtime;     /* $XDG_RUNTIME_DIR or NULL */
	const struct strv *allow_write; /* writable directories (state) */
	const struct strv *state_files; /* files replaced by rename: copied */
	const struct strv *scratch;     /* writable, empty, discarded */
	const struct strv *never_write; /* read-only even inside writable trees */
	const struct strv *keep;        /* must stay visible (read-only): hush,
					      the shim, PATH directories, ... */
	const struct strv *home_allow;  /* allow-list mode: home paths shown */
	enum sandbox_home_mode home_mode;
	/* allow-list (0, the default): only the system's top-level directories
	 * of / are shown as they are (bin, etc, usr, var, opt, home, ...);
	 * others (/mnt, /media, /srv, /work, /var/www, ...) are empty inside
	 * except what is bound back. visible: all of / read-only. */
	enum { SANDBOX_ROOT_ALLOWLIST = 0, SANDBOX_ROOT_VISIBLE } root_mode;
	const struct sandbox_masks *masks;
	/* Routing of granted commands that survives a reset PATH (a login
	 * shell's /etc/profile): the links in route_links (a directory) are
	 * shown in route_dir (/usr/local/bin, first on every default PATH)
	 * next to its own entries. NULL: none. */
	const char *route_links;
	const char *route_dir;
};

/* Builds the mount plan (sorted). 0, or HUSH_EINVAL with the reason in
 * why[n] when the working directory cannot be a project (/, /tmp, an
 * ancestor of $HOME), or the plan's error. */
int sandbox_plan_build(struct sandbox_plan *pl, const struct sandbox_inputs *in, char *why,
		       size_t n);
/* The root of the writable bind (SB_OP_BIND_RW) path lies in, when no
 * deeper read-only bind covers it: where the agent can write; else NULL. */
const char *sandbox_plan_writable_root(const struct sandbox_plan *pl, const char *path);
/* True when path is dir or inside it (string prefix on a '/' boundary). */
bool sandbox_path_under(const char *path, const char *dir);
/* The directory path lies in, into out[n]: 0, or HUSH_EINVAL when it has
 * none below "/" ("/x", "x"), HUSH_ETOOBIG. */
int sandbox_path_parent(const char *path, char *out, size_t n);

#endif
