/* SPDX-License-Identifier: ISC */
/* The allow-list environment of the agent (env.c). */
#ifndef HUSH_SANDBOX_ENV_H
#define HUSH_SANDBOX_ENV_H

#include <stdbool.h>

#include "common/strv.h"

/* True for names that look like they hold a secret (TOKEN, SECRET, KEY,
 * PASSWORD, PASS, CREDENTIAL, AUTH, API, PRIVATE, SESSION, COOKIE anywhere
 * in the name, any case). Such names pass only when named exactly. */
bool sandbox_env_secret_name(const char *name);
/* Copies into *out the entries of envp whose name is in `allow` (exact names
 * or fnmatch globs such as LC_*) or in `exact` (exact names only). A
 * secret-looking name never passes through a glob. Names in `drop` are left
 * out whatever the lists say. 0 or HUSH_ENOMEM. */
int sandbox_env_filter(char *const *envp, const struct strv *allow,
		       const struct strv *exact, const struct strv *drop,
		       struct strv *out);
/* Sets name=value in env, replacing an existing entry. 0 or HUSH_E*. */
int sandbox_env_set(struct strv *env, const char *name, const char *value);
/* Value of name in env, or NULL. */
const char *sandbox_env_get(const struct strv *env, const char *name);

#endif
