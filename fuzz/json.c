/* SPDX-License-Identifier: ISC */
/* Fuzz target for the JSON parser (common/json.c) and what the sandbox
 * takes from Claude Code's files with it (sandbox/claudecfg.c): events
 * must nest and lie inside the input; the programs a settings file names
 * are absolute paths; a state file written back is JSON again, and writing
 * it back a second time changes nothing. The first byte splits the rest
 * into the original state file and the new one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/strv.h"
#include "sandbox/claudecfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	size_t len;
	unsigned open;
	size_t starts[JSON_MAX_DEPTH + 1];
};

static int check_cb(void *ctx, const struct json_event *e)
{
	struct check *c = ctx;
	if (e->depth >= JSON_MAX_DEPTH || e->start >= c->len || e->member_start > e->start)
		abort();
	if (!e->end) {
		if (e->depth != c->open)
			abort();
		c->starts[c->open++] = e->start;
		return 0;
	}
	if (c->open != e->depth + 1 || c->starts[e->depth] != e->start || e->stop <= e->start ||
	    e->stop > c->len)
		abort();
	if (e->type == JSON_STRING && e->str && strlen(e->str) > e->stop - e->start)
		abort();
	c->open--;
	return 0;
}

static int nothing(void *ctx, const struct json_event *e)
{
	(void)ctx;
	(void)e;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 64 * 1024)
		return 0;
	const char *buf = (const char *)data + 1;
	size_t len = size - 1, cut = len * data[0] / 256;
	struct check c = { .len = len };
	if (json_parse(buf, len, check_cb, &c) == 0 &&
	    (c.open != 0 || !json_same(buf, len, buf, len)))
		abort();
	struct strv named = { 0 };
	if (sandbox_claude_named(buf, len, "/h", "/p", &named) == 0)
		for (size_t i = 0; i < named.n; i++)
			if (named.v[i][0] != '/')
				abort();
	strv_free(&named);
	/* the original state file, then the new one */
	const char *orig = buf, *now = buf + cut;
	size_t olen = cut, nlen = len - cut;
	char *out = NULL, *again = NULL;
	size_t outlen = 0, againlen = 0;
	struct strv kept = { 0 }, kept2 = { 0 };
	if (sandbox_claude_state_keep(orig, olen, now, nlen, &out, &outlen, &kept) == 0) {
		if (json_parse(out, outlen, nothing, NULL) != 0)
			abort();
		if (sandbox_claude_state_keep(orig, olen, out, outlen, &again, &againlen, &kept2) != 0 ||
		    kept2.n != 0 || againlen != outlen || memcmp(again, out, outlen) != 0)
			abort();
	}
	free(out);
	free(again);
	strv_free(&kept);
	strv_free(&kept2);
	return 0;
}
