/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the dotenv parser: arbitrary bytes in, every entry
 * checked against the promises of dotenv.h (valid names, offsets inside
 * the input and in order, line numbers increasing). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/dotenv.h"
#include "common/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
	size_t size;
	int last_line;
	size_t last_end;
	int last_err;
};

static int on_entry(void *ctx, const struct dotenv_entry *e)
{
	struct state *s = ctx;
	if (!env_name_valid(e->name))
		abort();
	if (e->value[e->value_len] != 0)
		abort();
	if (e->line < 1 || e->end_line < e->line || e->line <= s->last_line)
		abort();
	if (e->start > e->name_off || e->name_off >= e->end || e->end > s->size ||
	    e->start < s->last_end)
		abort();
	if (e->quote != 0 && e->quote != '"' && e->quote != '\'')
		abort();
	s->last_line = e->end_line;
	s->last_end = e->end;
	return 0;
}

static void on_error(void *ctx, int line, const char *why)
{
	struct state *s = ctx;
	if (line < 1 || !why || !*why || line < s->last_err)
		abort();
	s->last_err = line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (sodium_init() < 0) /* once; later calls return at once */
		abort();
	struct state s = { .size = size };
	int r = dotenv_parse((const char *)data, size, on_entry, on_error, &s);
	if (r != 0 && size <= DOTENV_MAX_INPUT)
		abort();
	return 0;
}
