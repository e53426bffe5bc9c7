/* SPDX-License-Identifier: ISC */
/* Running a helper program and reading what it prints: askpass programs
 * (vault/passphrase.c, the broker's unlock), hush setup's steps and hush
 * doctor's shim check. The
 * child is always reaped; with a timeout it is killed when it takes longer.
 * And where programs are: on PATH, this one, the shim beside it. */
#ifndef HUSH_COMMON_PROC_H
#define HUSH_COMMON_PROC_H

#include <stdbool.h>
#include <stddef.h>

struct proc_capture {
	const char *path;       /* the executable, run without a shell */
	char *const *argv;      /* its argv, NULL-terminated */
	const char *env;        /* one more "NAME=value" for its environment, or NULL */
	bool quiet;             /* its stdin and stderr on /dev/null */
	bool with_stderr;       /* its stderr read with its stdout (after quiet) */
	int tee_fd;             /* also write what it prints there, or -1 */
	int timeout_ms;         /* kill it (SIGKILL) after this long; 0: no limit */
	char *out;              /* what it prints, at most cap bytes (not NUL-terminated);
				   NULL: its stdout is ours, nothing is read */
	size_t cap;
	size_t len;             /* result: bytes kept in out */
	bool over;              /* result: it printed more than cap */
};

/* Runs pc->path with its stdout on a pipe, reads everything it prints
 * (bytes past cap go through a scratch buffer that is wiped: the output
 * may be a passphrase), and reaps it. The child gets an empty signal mask
 * and default signal actions. Returns its exit status (0-255), 128 + the
 * signal that ended it (127 when it could not be run), HUSH_ETIMEDOUT when
 * it was killed for the timeout, or HUSH_EIO / HUSH_ENOMEM. */
int proc_capture(struct proc_capture *pc);

/* The first executable regular file named name in a directory of $PATH
 * (absolute entries only; no $PATH: /usr/local/bin:/usr/bin:/bin), into
 * out[n]. 0 or HUSH_ENOENT. */
int proc_find(const char *name, char *out, size_t n);

/* Where hush's own pieces are (hush sandbox, hush doctor, hush broker,
 * the broker's autostart and shim links). */

/* The running executable's path, into out[n]. 0 or HUSH_EIO. */
int proc_self_path(char *out, size_t n);
/* name in the directory of the running executable (hushd next to hush).
 * 0, HUSH_EIO (no path for this program) or HUSH_ETOOBIG. */
int proc_sibling_path(const char *name, char *out, size_t n);
/* libhush.so next to self (the build tree), else in self's
 * ../lib/hush (an install, the path resolved). 0 or HUSH_ENOENT. */
int proc_find_shim(const char *self, char *out, size_t n);

#endif
