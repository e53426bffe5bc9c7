/* SPDX-License-Identifier: ISC */
/* Importing a dotenv buffer into an open vault: shared by `hush import`,
 * and reusable by hush migrate / scan --replace with another origin. */
#ifndef HUSH_VAULT_IMPORT_H
#define HUSH_VAULT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "vault/vault.h"

struct vault_import_cb {
	/* One entry stored (replaced: the name existed before; expansion:
	 * the value held $VAR or backticks, stored literally). */
	void (*imported)(void *ctx, const char *name, int line, bool replaced, bool expansion);
	/* One line not imported: a parse error, a value over the cap. */
	void (*failed)(void *ctx, int line, const char *why);
	void *ctx;
};

struct vault_import_result {
	size_t imported;
	size_t failed;
};

/* Parses data[len] as dotenv and vault_set()s every entry with origin
 * (in memory; the caller saves). Callbacks may be NULL. Returns 0, or
 * HUSH_ETOOBIG (input over DOTENV_MAX_INPUT) / HUSH_ENOMEM. Lines that fail
 * are counted in res->failed and reported, they do not stop the import. */
int vault_import_dotenv(struct vault *v, const char *data, size_t len,
			enum vault_origin origin, const struct vault_import_cb *cb,
			struct vault_import_result *res);

#endif
