/* SPDX-License-Identifier: ISC */
/* What a sandbox session has to tell the human, from library code that
 * never prints: notes as it goes (through the caller's function) and the
 * failure that stops it, as a kind the caller turns into an exit status
 * and a hint (report.c). */
#ifndef HUSH_SANDBOX_REPORT_H
#define HUSH_SANDBOX_REPORT_H

#include <stdio.h>

enum sandbox_note_kind {
	SANDBOX_NOTE_WARN, /* something weaker or undone: "warning: ..." */
	SANDBOX_NOTE_HINT, /* what to do about the warning before it */
	SANDBOX_NOTE_INFO, /* what -v shows */
};
/* Each line is one sentence, "sandbox: ..." (a hint: what to do). */
struct sandbox_notes {
	void (*fn)(void *arg, enum sandbox_note_kind kind, const char *line);
	void *arg;
};
/* Formats one line and hands it to n->fn (nothing when n or fn is NULL). */
void sandbox_note(const struct sandbox_notes *n, enum sandbox_note_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

enum sandbox_fail {
	SANDBOX_FAIL_NONE = 0,
	SANDBOX_FAIL_SETUP,        /* preparing the session failed */
	SANDBOX_FAIL_PATHS,        /* hush's paths cannot be worked out */
	SANDBOX_FAIL_PROJECT,      /* the working directory cannot be a project */
	SANDBOX_FAIL_UNSEARCHABLE, /* a directory to search for files to hide is shut */
	SANDBOX_FAIL_TRUNCATED,    /* that search stopped at a limit */
	SANDBOX_FAIL_MODE_SHUT,    /* a directory above a read-only path is shut */
	SANDBOX_FAIL_PROXY_USERNS, /* network = proxy-only without user namespaces */
	SANDBOX_FAIL_NO_LAYER,     /* no kernel layer works */
	SANDBOX_FAIL_RUN,          /* setting up the sandbox failed as it started */
	SANDBOX_FAIL_EXEC,         /* the agent could not be executed */
};
struct sandbox_failure {
	enum sandbox_fail kind;
	char msg[1024]; /* "sandbox: what failed: why" */
};
/* Fills f (when not NULL) and returns the HUSH_E* code that goes with kind
 * (HUSH_EPERM for a refusal, HUSH_ENOENT for EXEC, else HUSH_EIO). */
int sandbox_fail(struct sandbox_failure *f, enum sandbox_fail kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* hush sandbox's exit status for a failure of kind (2 for what the user
 * gave or where it was started, 127 when the agent could not be executed,
 * else 1), and what to do about it in *hint (static text, or NULL). */
int sandbox_fail_status(enum sandbox_fail kind, const char **hint);
/* f's line and hint on out ("PROG: sandbox: ...", "hint: ..."); returns
 * the exit status for its kind. */
int sandbox_fail_write(FILE *out, const struct sandbox_failure *f);
/* A struct sandbox_notes function for a terminal: arg is the FILE the
 * lines go to, a warning as "PROG: warning: ...", a hint as "hint: ...". */
void sandbox_note_write(void *arg, enum sandbox_note_kind kind, const char *line);

#endif
