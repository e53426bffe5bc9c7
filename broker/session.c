/* SPDX-License-Identifier: ISC */
/* The broker's registry of sandbox sessions: see session.h. */
#include "broker/session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "sandbox/guard.h"

static struct session sessions[PROTO_MAX_SESSIONS];
static size_t nsessions;
static uint64_t next_id;

static bool alive(const struct session *s)
{
	if (s->pidfd >= 0) {
		struct pollfd p = { .fd = s->pidfd, .events = POLLIN };
		return poll(&p, 1, 0) == 0;
	}
	return proc_start_time(s->pid) == s->start;
}

static void drop(size_t i)
{
	if (sessions[i].pidfd >= 0)
		close(sessions[i].pidfd);
	free(sessions[i].journal);
	sessions[i] = sessions[--nsessions];
}

size_t session_prune(void)
{
	for (size_t i = 0; i < nsessions;) {
		if (alive(&sessions[i]))
			i++;
		else
			drop(i);
	}
	return nsessions;
}

void session_clear(void)
{
	while (nsessions)
		drop(nsessions - 1);
}

int session_open(const struct proto_session *s, uint64_t *id)
{
	session_prune();
	if (nsessions >= PROTO_MAX_SESSIONS)
		return HUSH_ETOOBIG;
	pid_t pid = (pid_t)s->pid;
	if (pid <= 0 || (uint32_t)pid != s->pid)
		return HUSH_EINVAL;
	uint64_t st = proc_start_time(pid);
	if (st == 0)
		return HUSH_ENOENT;
	if (st != s->start)
		return HUSH_EINVAL;
	if (s->pidns) {
		bool kids = proc_pidns(pid, true) == s->pidns;
		bool own = proc_pidns(pid, false) == s->pidns;
		/* a sandbox's own namespace is never the broker's */
		if ((!kids && !own) || proc_pidns(0, false) == s->pidns)
			return HUSH_EINVAL;
	}
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	/* the pidfd refers to whichever process has pid now: check it is still
	 * the one whose start time was given */
	if (proc_start_time(pid) != s->start) {
		if (pfd >= 0)
			close(pfd);
		return HUSH_ENOENT;
	}
	char *journal = s->journal && s->journal[0] ? strdup(s->journal) : NULL;
	if (s->journal && s->journal[0] && !journal) {
		if (pfd >= 0)
			close(pfd);
		return HUSH_ENOMEM;
	}
	if (pfd >= 0)
		fcntl(pfd, F_SETFD, FD_CLOEXEC);
	struct session *n = &sessions[nsessions++];
	*n = (struct session){ .id = ++next_id, .pidns = s->pidns, .pid = pid, .start = s->start,
			       .flags = s->flags, .pidfd = pfd, .journal = journal };
	*id = n->id;
	return 0;
}

int session_close(uint64_t id)
{
	for (size_t i = 0; i < nsessions; i++) {
		if (sessions[i].id == id) {
			drop(i);
			return 0;
		}
	}
	return HUSH_ENOENT;
}

const struct session *session_find(uint64_t id)
{
	session_prune();
	for (size_t i = 0; i < nsessions; i++)
		if (sessions[i].id == id)
			return &sessions[i];
	return NULL;
}

const struct session *session_find_by_pid(pid_t pid)
{
	uint64_t ns = proc_pidns(pid, false);
	session_prune();
	for (size_t i = 0; ns && i < nsessions; i++)
		if (sessions[i].pidns == ns)
			return &sessions[i];
	return NULL;
}

int session_check_run(bool inside, const char *cwd, char *what, size_t n)
{
	session_prune();
	struct strv found = { 0 };
	for (size_t i = 0; i < nsessions; i++) {
		const struct session *s = &sessions[i];
		if (!s->journal)
			continue;
		/* (a journal that cannot be read: the session's own end says so) */
		sandbox_guard_check(s->journal, inside || !s->pidns ? NULL : cwd, &found);
	}
	int r = 0;
	if (found.n) {
		snprintf(what, n, "%s appeared during a sandbox session and is on the never-writable "
			 "list%s: the command could run it", found.v[0],
			 found.n > 1 ? " (and more)" : "");
		r = 1;
	}
	strv_free(&found);
	return r;
}

const char *session_desktop_refusal(pid_t pid)
{
	session_prune();
	bool display = false;
	for (size_t i = 0; i < nsessions; i++) {
		if (!(sessions[i].flags & PROTO_SESSION_DISPLAY))
			continue;
		if (!sessions[i].pidns)
			return "a sandbox without its own pid namespace shares the display, so its "
			       "requests cannot be told from others and a click on a dialog could "
			       "be forged";
		display = true;
	}
	if (!display)
		return NULL;
	uint64_t ns = proc_pidns(pid, false);
	if (ns && ns == proc_pidns(0, false))
		return NULL;
	return "the request comes from inside a sandbox while a sandbox shares the display, "
	       "where a click on a dialog could be forged";
}
