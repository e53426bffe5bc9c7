/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the shell rc-file parser and the migrate planner:
 * rcfile_parse() in sh and fish modes, then planning and rendering the
 * rewrite; every reported range must lie inside the input and the rendered
 * file must keep everything outside the replaced lines. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/migrate.h"
#include "scan/rcfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	size_t size;
};

static int on_entry(void *p, const struct rc_entry *e)
{
	const struct ctx *c = p;
	if (e->start > e->end || e->end > c->size || e->indent > e->end - e->start || e->line < 1 ||
	    (!e->why_not && strlen(e->value) != e->value_len) || e->value_len > e->end - e->start)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (sodium_init() < 0)
		return 0;
	const char *d = (const char *)data;
	struct ctx c = { size };
	for (int sh = RC_SHELL_SH; sh <= RC_SHELL_FISH; sh++) {
		(void)rcfile_parse(d, size, (enum rc_shell)sh, on_entry, &c);
		struct migrate_plan p;
		if (migrate_plan_rc(d, size, (enum rc_shell)sh, &p) == 0) {
			if (migrate_render(d, size, "2000-01-01", &p) == 0 && migrate_moving(&p) == 0 &&
			    (p.out_len != size || memcmp(p.out, d, size) != 0))
				abort();
			migrate_plan_free(&p);
		}
	}
	return 0;
}
