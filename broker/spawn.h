/* SPDX-License-Identifier: ISC */
/* Running a granted command for a client: the clean environment, and the
 * runner process that owns one run.
 *
 * The broker forks one runner per approved request. The runner forks the
 * child (new session, the requester's cwd and stdin, the granted executable
 * run by the fd that was hashed), pumps its stdout/stderr through the masker
 * to the requester's fds (a pty when the requester's stdout is a terminal),
 * forwards signals and window size from the client, kills the child's process
 * group when the client goes away, then reports the exit status to the client
 * and appends the audit line. */
#ifndef HUSH_BROKER_SPAWN_H
#define HUSH_BROKER_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "broker/audit.h"
#include "config/config.h"

#define SPAWN_DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"
#define SPAWN_MAX_ENV 512

/* Builds the child's environment from the requester's (NAME=value strings):
 * PATH from the grant (or SPAWN_DEFAULT_PATH), HOME, USER, LOGNAME, LANG,
 * LC_*, TERM, COLORTERM, TZ and the grant's env_keep names, never a dangerous
 * one nor one only the broker sets (config_env_broker_only); with the
 * grant's ssh_agent, SSH_AUTH_SOCK from the broker's own environment. Entries are sodium_malloc'd; room is left for the secrets, which the
 * caller adds with spawn_env_set(). Returns 0 or HUSH_ENOMEM. */
struct spawn_env {
	char *v[SPAWN_MAX_ENV + 1];
	size_t n;
};
int spawn_env_build(struct spawn_env *e, const struct grant *g, char *const *req_env,
		    size_t req_envc);
/* Sets NAME=value (replacing an existing NAME). 0, HUSH_ETOOBIG, HUSH_ENOMEM. */
int spawn_env_set(struct spawn_env *e, const char *name, const char *value, size_t len);
const char *spawn_env_get(const struct spawn_env *e, const char *name);
void spawn_env_free(struct spawn_env *e);

struct mask;

struct run_job {
	int conn;               /* the client's connection */
	int cwd_fd, in_fd, out_fd, err_fd;
	int exec_fd;            /* from grant_open_exec() */
	char **argv;            /* child argv, NULL-terminated */
	struct spawn_env *env;
	struct mask *mask;      /* stdout masker; NULL: output is not masked */
	struct mask *mask_err;  /* stderr masker (same values, its own tail) */
	bool tty;
	uint16_t rows, cols;
	const char *audit_path;
	struct audit_event ev;  /* logged with the exit status */
};

/* The runner's body, in a freshly forked process; returns its exit status. */
int spawn_runner(struct run_job *j);

/* Moves the fds listed in keep[] (n of them) to 3, 4, ... in order (updating
 * keep[]) and closes every other fd >= 3. 0 or -1. */
int spawn_keep_fds(int *keep[], size_t n);

#endif
