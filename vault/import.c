/* SPDX-License-Identifier: ISC */
/* dotenv -> vault: see import.h. */
#include "vault/import.h"

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
