/* SPDX-License-Identifier: ISC */
/* Notes and failures of a sandbox session, formatted for the caller. */
#include "sandbox/report.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/err.h"
#include "common/util.h"

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

int sandbox_fail_status(enum sandbox_fail kind, const char **hint)
{
	static const struct {
		int status;
		const char *hint;
	} kinds[] = {
		[SANDBOX_FAIL_PATHS] = { 2, "set HOME, or HUSH_HOME and HUSH_RUNTIME_DIR" },
		[SANDBOX_FAIL_PROJECT] = { 2, "start the agent from a project directory" },
		[SANDBOX_FAIL_UNSEARCHABLE] = { 1, "make it searchable (chmod u+rx on it) and look at "
						   "what is inside, or pass --partial-masks to rely "
						   "on the shim for it" },
		[SANDBOX_FAIL_TRUNCATED] = { 1, "start the agent from the project directory itself, "
						"or pass --partial-masks to rely on the shim for "
						"what was not searched" },
		[SANDBOX_FAIL_MODE_SHUT] = { 1, "an earlier session may have changed its mode: make "
						"it searchable (chmod u+rx on it) and look at what "
						"is inside" },
		[SANDBOX_FAIL_PROXY_USERNS] = { 1, "run hush doctor; or use --network open" },
		[SANDBOX_FAIL_NO_LAYER] = { 1, "run hush doctor; enable unprivileged user namespaces "
					       "or Landlock" },
		[SANDBOX_FAIL_RUN] = { 1, "hush doctor shows which layers work here" },
		[SANDBOX_FAIL_EXEC] = { 127, NULL },
	};
	bool known = (size_t)kind < sizeof(kinds) / sizeof(kinds[0]) && kinds[kind].status;
	*hint = known ? kinds[kind].hint : NULL;
	return known ? kinds[kind].status : 1;
}

int sandbox_fail_write(FILE *out, const struct sandbox_failure *f)
{
	const char *hint;
	int status = sandbox_fail_status(f->kind, &hint);
	fprintf(out, "%s: %s\n", msg_progname(), f->msg);
	if (hint)
		fprintf(out, "hint: %s\n", hint);
	return status;
}

void sandbox_note_write(void *arg, enum sandbox_note_kind kind, const char *line)
{
	FILE *out = arg;
	if (kind == SANDBOX_NOTE_HINT)
		fprintf(out, "hint: %s\n", line);
	else
		fprintf(out, "%s: %s%s\n", msg_progname(),
			kind == SANDBOX_NOTE_WARN ? "warning: " : "", line);
}
