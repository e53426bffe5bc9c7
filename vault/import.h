/* SPDX-License-Identifier: ISC */
/* Importing into an open vault: a dotenv buffer (`hush import`), secrets
 * kept in the desktop keyring (`hush import --keyring`), and one value
 * stored without overwriting another (the keyring import, hush migrate). */
#ifndef HUSH_VAULT_IMPORT_H
#define HUSH_VAULT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/util.h"
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

/* Stores value under name unless the vault holds another value there.
 * 0 (*present: the same value was there already), HUSH_EEXIST (another
 * value is there; left as it is), or vault_set()'s errors. */
int vault_import_one(struct vault *v, const char *name, const char *value, size_t len,
		     enum vault_origin origin, bool *present);

/* Secrets read out of the desktop keyring; the values in sodium_malloc
 * memory, wiped by vault_keyring_free(). */
#define VAULT_KEYRING_MAX 1000
struct vault_keyring_item {
	char name[HUSH_MAX_NAME];
	char *value;
	size_t len;
};
struct vault_keyring {
	struct vault_keyring_item *v;
	size_t n;
	size_t unnamed;    /* matching items without a valid name: skipped */
};

/* The items keyring_search(schema, attrs, nattrs, name_attr) finds, each
 * named as (when not NULL) or by its name_attr. 0, HUSH_ETOOBIG (over
 * VAULT_KEYRING_MAX items, or a value over VAULT_MAX_VALUE), HUSH_ENOMEM,
 * or keyring_search()'s errors with why[whylen]. */
int vault_keyring_collect(const char *schema, const char *const *attrs, size_t nattrs,
			  const char *name_attr, const char *as, struct vault_keyring *out,
			  char *why, size_t whylen);
/* envchain's variables of namespace ns (schema envchain.EnvironmentVariable,
 * attribute name = ns), each named by its "key" attribute. As
 * vault_keyring_collect(). */
int vault_keyring_collect_envchain(const char *ns, struct vault_keyring *out, char *why,
				   size_t whylen);
void vault_keyring_free(struct vault_keyring *k);

/* Stores each item of k with vault_import_one() (origin import; a name
 * holding another value is left as it is), saying on out what was
 * imported or already there and on err what was not ("PROG: not imported:
 * NAME: why"). *stored counts the names added. Returns how many failed. */
size_t vault_import_keyring(struct vault *v, const struct vault_keyring *k, FILE *out, FILE *err,
			    size_t *stored);

#endif
