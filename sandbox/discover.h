/* SPDX-License-Identifier: ISC */
/* What a sandbox session hides, found before it starts: the hide globs of
 * the config and the agent's profile, the paths hidden by name (the
 * catalogue's directories, hush's own data and control token, keyrings,
 * the D-Bus session bus, the display's cookies), the files the globs match
 * in the project and in $HOME, and the shim's rules for all of it
 * (discover.c). */
#ifndef HUSH_SANDBOX_DISCOVER_H
#define HUSH_SANDBOX_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strv.h"
#include "sandbox/hide.h"
#include "sandbox/report.h"
#include "sandbox/workdir.h"

struct config;
struct sandbox_profile;

struct sandbox_hidden {
	struct strv globs;          /* the config's, then the profile's */
	struct strv named;          /* absolute paths hidden by name */
	struct sandbox_masks masks; /* what the mounts cover */
};

/* Fills h (zeroed first) for the project w->cwd; display: the agent
 * shares the display (its cookies are not hidden then). hush's data and
 * runtime directories are made when missing, so that what is created in
 * them later lies under a mask too. A search that could not look
 * everywhere fails unless partial. 0, or HUSH_E* with f filled (free h
 * either way). */
int sandbox_hidden_find(struct sandbox_hidden *h, const struct config *cfg,
			const struct sandbox_profile *prof, const struct sandbox_workdir *w,
			bool display, bool partial, const struct sandbox_notes *n,
			struct sandbox_failure *f);
/* The shim's rules for h and cfg's grants (routed to self), malloc'd in
 * *text[*len]. 0 or HUSH_ENOMEM. */
int sandbox_hidden_rules(const struct sandbox_hidden *h, const struct config *cfg,
			 const char *self, char **text, size_t *len);
void sandbox_hidden_free(struct sandbox_hidden *h);

#endif
