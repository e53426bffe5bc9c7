/* SPDX-License-Identifier: ISC */
/* Sandbox sessions known to the broker.
 *
 * hush sandbox registers a session over the control socket before the
 * agent starts and ends it afterwards. A session names the sandbox's pid
 * namespace (its inode), the process whose life is the session's (pid and
 * start time; the broker holds a pidfd and drops the session when that
 * process is gone) and flags, of which PROTO_SESSION_DISPLAY says that the
 * sandbox shares the X11/Wayland display: a desktop dialog could then be
 * clicked by the agent, so requests from inside never get one.
 *
 * The registry is the broker's only view of which requester runs in which
 * sandbox; per-session state (e.g. credential placeholders) hangs off it. */
#ifndef HUSH_BROKER_SESSION_H
#define HUSH_BROKER_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/proto.h"

struct session {
	uint64_t id;
	uint64_t pidns;    /* 0: the sandbox has no pid namespace of its own */
	pid_t pid;
	uint64_t start;
	uint32_t flags;
	int pidfd;         /* -1 where pidfd_open is missing: start time decides */
	char *journal;     /* its end-of-session journal, or NULL */
};

/* Registers a session after checking that s->pid runs with start time
 * s->start and, when s->pidns is set, that it is the pid namespace of that
 * process or of its children. Returns 0 with *id, HUSH_ENOENT (no such
 * process), HUSH_EINVAL (start time or namespace do not match),
 * HUSH_ETOOBIG (PROTO_MAX_SESSIONS reached). */
int session_open(const struct proto_session *s, uint64_t *id);

/* Ends a session. 0 or HUSH_ENOENT. */
int session_close(uint64_t id);

/* Before a granted command starts in cwd: whether a session's
 * end-of-session sweep would move something now (the agent made a file on
 * the never-writable list that the command may run: a new .npmrc, .envrc,
 * git hook). For a requester inside a sandbox every session counts; for
 * one outside, those without a pid namespace of their own (their requests
 * cannot be told apart) and those whose project holds cwd. 0, or 1 with
 * what[n] naming the first such path and whether there are more. */
int session_check_run(bool inside, const char *cwd, char *what, size_t n);

/* Drops the sessions whose process is gone; returns how many remain. */
size_t session_prune(void);

/* Drops every session (broker shutdown). */
void session_clear(void);

/* The live session with this id, or NULL. */
const struct session *session_find(uint64_t id);

/* The session whose pid namespace pid runs in, or NULL. */
const struct session *session_find_by_pid(pid_t pid);

/* Whether a request from pid may be confirmed with a desktop dialog: NULL
 * when it may, else a static sentence saying why not (a display-sharing
 * session is registered and pid is not in the broker's own pid namespace,
 * or that session has no pid namespace, so nobody can tell its requests
 * apart). */
const char *session_desktop_refusal(pid_t pid);

#endif
