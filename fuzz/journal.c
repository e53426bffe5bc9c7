/* SPDX-License-Identifier: ISC */
/* Fuzz target for a session's journal as the next hush sandbox reads it:
 * records (sandbox_journal_next) handed to the never-writable state, the
 * directory modes and the index snapshot, as cli/cmd_sandbox.c does. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	struct sandbox_protect p = { 0 };
	struct sandbox_modes m = { 0 };
	struct sandbox_git_snap s = { 0 };
	const char *buf = (const char *)data, *tag, *val;
	size_t off = 0;
	int r;
	while ((r = sandbox_journal_next(buf, size, &off, &tag, &val)) == 1) {
		/* both point into the buffer, NUL-terminated, the tag non-empty */
		if (!tag[0] || tag < buf || val + strlen(val) >= buf + size || off > size)
			abort();
		int t = sandbox_protect_load(&p, &m, tag, val);
		if (t == 0)
			t = sandbox_git_snap_load(&s, tag, val);
		if (t < 0)
			break;
	}
	for (size_t i = 0; i < m.n; i++)
		if (m.d[i].path[0] != '/' || m.d[i].mode > 07777)
			abort();
	for (size_t i = 0; i < s.n; i++)
		if (!s.r[i].worktree)
			abort();
	/* a journal written from what was read reads back */
	struct sandbox_journal j = { 0 };
	sandbox_protect_save(&p, &m, &j);
	struct sandbox_git_hide h = sandbox_git_snap_hide(&s);
	sandbox_git_snap_save(&s, &h, &j);
	off = 0;
	while (!j.error && (r = sandbox_journal_next(j.buf, j.len, &off, &tag, &val)) == 1)
		;
	if (!j.error && r != 0)
		abort();
	sandbox_journal_free(&j);
	sandbox_git_snap_free(&s);
	sandbox_modes_free(&m);
	sandbox_protect_free(&p);
	return 0;
}
