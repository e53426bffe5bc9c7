/* SPDX-License-Identifier: ISC */
/* The audit log: append-only JSON Lines in <data>/audit.log (0600).
 *
 * One line per decided request: time, grant, executable, arguments, working
 * directory, requesting pid and uid, decision, who approved, exit status.
 * Never a secret value and never the environment. */
#ifndef HUSH_BROKER_AUDIT_H
#define HUSH_BROKER_AUDIT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

struct audit_event {
	int64_t time;
	const char *grant;       /* may be NULL (no grant matched) */
	const char *exe;         /* resolved executable or the requested name */
	char *const *argv;       /* arguments after the command */
	size_t argc;
	const char *cwd;
	pid_t pid;
	uid_t uid;
	const char *decision;    /* "allowed", "refused", "denied", "timeout", ... */
	const char *approved_by; /* "ui", "command", "terminal", "ttl-reuse", "policy", or NULL */
	const char *reason;      /* refusal reason, or NULL */
	const char *fallback;    /* why the desktop dialog was not used, or NULL */
	int exit_status;         /* -1 when the command did not run */
	/* A use of a credential by the credential proxy: kind "proxy", grant
	 * "credential NAME", exe "METHOD https://host/path" (no query), cwd
	 * "sandbox session N", decision the proxy's event ("use", "attempt",
	 * "refused", ...), exit_status the HTTP status sent to the client. */
	const char *kind;        /* NULL for a run */
	uint64_t bytes_up, bytes_down; /* body bytes (kind "proxy") */
};

/* Appends one JSON line to path (created 0600, O_APPEND|O_NOFOLLOW).
 * 0 or HUSH_EIO. */
int audit_append(const char *path, const struct audit_event *ev);

/* One parsed audit line, fields pointing into the line buffer (modified).
 * Returns 0 or HUSH_EFORMAT. Unknown keys are ignored. */
struct audit_record {
	int64_t time;
	char *grant, *exe, *cwd, *decision, *approved_by, *reason, *fallback;
	char *args[64];          /* first 64 arguments */
	size_t nargs;
	long pid, uid, exit_status;
};
int audit_parse_line(char *line, size_t len, struct audit_record *rec);

/* <data>/audit.log. 0 or a HUSH_E* code. */
int audit_path(char *out, size_t n);

/* Called for each entry read: the line as written (with its newline) and
 * its parsed record. */
typedef void (*audit_entry_fn)(void *ctx, const char *line, const struct audit_record *rec);

/* Reads the log at path and calls fn for each entry from the time since
 * on (seconds since the epoch; 0: all). Lines that do not parse are
 * counted in *bad. 0, HUSH_ENOENT (no log yet) or HUSH_EIO (errno kept). */
int audit_read(const char *path, int64_t since, audit_entry_fn fn, void *ctx, size_t *bad);

/* One record as hush audit shows it: local time, decision, grant, command
 * and arguments, directory, pid, who approved, exit status; one line. */
void audit_print(FILE *f, const struct audit_record *rec);

#endif
