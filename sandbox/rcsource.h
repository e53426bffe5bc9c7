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

#endif
