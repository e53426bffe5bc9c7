/* SPDX-License-Identifier: ISC */
/* Notes and failures of a sandbox session, formatted for the caller. */
#include "sandbox/report.h"

#include <stdarg.h>
#include <stdio.h>

#include "common/err.h"

void sandbox_note(const struct sandbox_notes *n, enum sandbox_note_kind kind, const char *fmt, ...)
{
	if (!n || !n->fn)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n->fn(n->arg, kind, line);
}

int sandbox_fail(struct sandbox_failure *f, enum sandbox_fail kind, const char *fmt, ...)
{
	if (f) {
		f->kind = kind;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
		va_end(ap);
	}
	switch (kind) {
	case SANDBOX_FAIL_EXEC:
		return HUSH_ENOENT;
	case SANDBOX_FAIL_SETUP:
	case SANDBOX_FAIL_RUN:
	case SANDBOX_FAIL_NONE:
		return HUSH_EIO;
	default:
		return HUSH_EPERM;
	}
}
