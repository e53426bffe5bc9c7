/* SPDX-License-Identifier: ISC */
/* What shell startup files source (rcsource.c). */
#ifndef HUSH_SANDBOX_RCSOURCE_H
#define HUSH_SANDBOX_RCSOURCE_H

#include "common/strv.h"

#define SANDBOX_RC_MAX 256
/* Adds to out (real paths, no duplicates) the existing regular files that
 * rcfile sources with "source PATH" or ". PATH" (literal paths; ~ and
 * $HOME expanded; relative to rcfile's directory), and what those source,
 * three levels deep. 0 or HUSH_ENOMEM. */
int sandbox_rc_sourced(const char *rcfile, const char *home, struct strv *out);
/* Adds to out the paths a direnv .envrc names with its stdlib: the files
 * it sources (source_env, source_env_if_exists, source, .; an existing one
 * as a real path, followed three levels deep), loads (dotenv, default
 * .env) or puts on PATH (PATH_add, path_add), and beside it, when it has
 * "use" or "layout", flake.nix, flake.lock, shell.nix, default.nix and
 * .direnv. Missing ones count too (the agent could create them). Literal
 * paths as above. 0 or HUSH_ENOMEM. */
int sandbox_envrc_named(const char *envrc, const char *home, struct strv *out);

#endif
