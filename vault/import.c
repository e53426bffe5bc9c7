/* SPDX-License-Identifier: ISC */
/* Importing into the vault: see import.h. */
#include "vault/import.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dotenv.h"
#include "common/err.h"

struct import_ctx {
	struct vault *v;
	enum vault_origin origin;
	const struct vault_import_cb *cb;
	struct vault_import_result *res;
	int fatal;
};

static void import_failed(void *ctx, int line, const char *why)
{
	struct import_ctx *c = ctx;
	c->res->failed++;
	if (c->cb && c->cb->failed)
		c->cb->failed(c->cb->ctx, line, why);
}

static int import_entry(void *ctx, const struct dotenv_entry *e)
{
	struct import_ctx *c = ctx;
	if (memchr(e->value, 0, e->value_len)) {
		import_failed(c, e->line, "value contains a NUL byte");
		return 0;
	}
	const char *old;
	size_t oldlen;
	bool replaced = vault_get(c->v, e->name, &old, &oldlen) == 0;
	int r = vault_set(c->v, e->name, e->value, e->value_len, c->origin);
	if (r == HUSH_ETOOBIG) {
		import_failed(c, e->line, vault_count(c->v) >= VAULT_MAX_ENTRIES
						  ? "the vault is full"
						  : "value larger than 1 MiB");
		return 0;
	}
	if (r == HUSH_ENAME) {
		import_failed(c, e->line, "invalid variable name");
		return 0;
	}
	if (r) {
		c->fatal = r;
		return 1;
	}
	c->res->imported++;
	if (c->cb && c->cb->imported)
		c->cb->imported(c->cb->ctx, e->name, e->line, replaced, e->has_expansion);
	return 0;
}

int vault_import_dotenv(struct vault *v, const char *data, size_t len,
			enum vault_origin origin, const struct vault_import_cb *cb,
			struct vault_import_result *res)
{
	memset(res, 0, sizeof(*res));
	struct import_ctx c = { .v = v, .origin = origin, .cb = cb, .res = res };
	int r = dotenv_parse(data, len, import_entry, import_failed, &c);
	if (c.fatal)
		return c.fatal;
	return r;
}

int vault_import_one(struct vault *v, const char *name, const char *value, size_t len,
		     enum vault_origin origin, bool *present)
{
	const char *cur;
	size_t cl;
	*present = vault_get(v, name, &cur, &cl) == 0;
	if (*present)
		return cl == len && sodium_memcmp(cur, value, len) == 0 ? 0 : HUSH_EEXIST;
	return vault_set(v, name, value, len, origin);
}

struct collect {
	struct vault_keyring *k;
	const char *as;
};

static int collect_item(void *ctx, const char *name, const char *label, const char *value,
			size_t len)
{
	struct collect *c = ctx;
	struct vault_keyring *k = c->k;
	(void)label;
	const char *n = c->as ? c->as : name;
	if (k->n >= VAULT_KEYRING_MAX)
		return HUSH_ETOOBIG;
	if (!n || !env_name_valid(n)) {
		k->unnamed++;
		return 0;
	}
	if (len > VAULT_MAX_VALUE)
		return HUSH_ETOOBIG;
	struct vault_keyring_item *it = &k->v[k->n];
	snprintf(it->name, sizeof(it->name), "%s", n);
	if (!(it->value = sodium_malloc(len + 1)))
		return HUSH_ENOMEM;
	memcpy(it->value, value, len);
	it->value[len] = 0;
	it->len = len;
	k->n++;
	return 0;
}

int vault_keyring_collect(const char *schema, const char *const *attrs, size_t nattrs,
			  const char *name_attr, const char *as, struct vault_keyring *out,
			  char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	if (!(out->v = calloc(VAULT_KEYRING_MAX, sizeof(*out->v))))
		return HUSH_ENOMEM;
	struct collect c = { out, as };
	return keyring_search(schema, attrs, nattrs, name_attr, collect_item, &c, why, whylen);
}

int vault_keyring_collect_envchain(const char *ns, struct vault_keyring *out, char *why,
				   size_t whylen)
{
	const char *attrs[2] = { "name", ns };
	return vault_keyring_collect("envchain.EnvironmentVariable", attrs, 2, "key", NULL, out, why,
				     whylen);
}

void vault_keyring_free(struct vault_keyring *k)
{
	for (size_t i = 0; i < k->n; i++)
		sodium_free(k->v[i].value);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

size_t vault_import_keyring(struct vault *v, const struct vault_keyring *k, FILE *out, FILE *err,
			    size_t *stored)
{
	size_t failed = 0;
	*stored = 0;
	for (size_t i = 0; i < k->n; i++) {
		const struct vault_keyring_item *it = &k->v[i];
		bool present;
		int r = vault_import_one(v, it->name, it->value, it->len, VAULT_ORIGIN_IMPORT, &present);
		if (r == 0 && present) {
			fprintf(out, "%s is already in the vault\n", it->name);
		} else if (r == 0) {
			fprintf(out, "imported %s\n", it->name);
			++*stored;
		} else {
			fprintf(err, "%s: not imported: %s: %s\n", msg_progname(), it->name,
				r == HUSH_EEXIST ? "a different value is already in the vault"
						 : hush_strerror(r));
			failed++;
		}
	}
	return failed;
}
