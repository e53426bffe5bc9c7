/* SPDX-License-Identifier: ISC */
/* Getting a passphrase (or a secret value) from the human without it ever
 * passing through argv, the environment or a log.
 *
 * Sources, first that applies wins:
 *   1. an inherited file descriptor (--passphrase-fd N): one line is read
 *      (up to the newline, which is not part of the passphrase), so one fd
 *      can carry the old and the new passphrase for `hush passwd`;
 *   2. $HUSH_ASKPASS, else the config's askpass: a program run without a
 *      shell as `PROGRAM PROMPT` with HUSH_ASKPASS_KIND=unlock|new in its
 *      environment; it prints the passphrase on stdout and exits 0 (one
 *      trailing newline is removed) within PASSPHRASE_ASKPASS_TIMEOUT, else
 *      it is killed; it is always reaped;
 *   3. a no-echo prompt on /dev/tty; new passphrases are asked twice. A
 *      signal at the prompt (Ctrl-C, Ctrl-Z, a hang-up) restores the
 *      terminal before it takes effect.
 * Results live in sodium_malloc memory, NUL-terminated, freed with
 * passphrase_free(), which wipes them. */
#ifndef HUSH_PASSPHRASE_H
#define HUSH_PASSPHRASE_H

#include <stdbool.h>
#include <stddef.h>

#define PASSPHRASE_MAX 4096
#define PASSPHRASE_FD_MAX (1 << 20)       /* highest --passphrase-fd (Linux's nr_open) */
#define PASSPHRASE_ASKPASS_TIMEOUT 300    /* seconds an askpass program may take */

struct passphrase {
	char *s;     /* sodium_malloc'd, NUL-terminated */
	size_t len;
};

struct passphrase_src {
	int fd;               /* -1 when not given */
	const char *askpass;  /* the config's askpass, or NULL */
};

enum passphrase_kind {
	PASSPHRASE_UNLOCK = 0, /* an existing passphrase */
	PASSPHRASE_NEW,        /* a new one: asked twice on a terminal, never empty */
};

/* Gets a passphrase. prompt is shown on the terminal or given to askpass.
 * Returns 0, or HUSH_ECANCELED (no source: no fd, no askpass, no terminal),
 * HUSH_EINVAL (empty new passphrase, mismatch, askpass failed, NUL byte),
 * HUSH_ETOOBIG (over PASSPHRASE_MAX), HUSH_EIO, HUSH_ENOMEM; a one-line
 * reason without any secret goes to why[whylen]. */
int passphrase_get(const struct passphrase_src *src, enum passphrase_kind kind,
		   const char *prompt, struct passphrase *out, char *why, size_t whylen);

/* Parses the N of --passphrase-fd N: decimal digits, 0 to
 * PASSPHRASE_FD_MAX. 0 or HUSH_EINVAL. */
int passphrase_fd_parse(const char *s, int *fd);

/* Source 2 alone: runs the askpass program prog with prompt as its
 * argument (quiet: its stdin and stderr on /dev/null, for the broker).
 * Same returns as passphrase_get(), and HUSH_ETIMEDOUT. */
int passphrase_askpass(const char *prog, enum passphrase_kind kind, const char *prompt,
		       bool quiet, struct passphrase *out, char *why, size_t whylen);

/* Reads one line from the terminal with echo off into secure memory (no
 * newline). Used for secret values typed at `hush set`. Same errors. */
int passphrase_read_tty(const char *prompt, struct passphrase *out, size_t max,
			char *why, size_t whylen);

/* Reads everything from fd (a value piped to hush set) into secure
 * memory, one trailing newline (and a CR before it) removed. Same errors;
 * HUSH_ETOOBIG when more than max bytes are left. */
int passphrase_read_all(int fd, struct passphrase *out, size_t max);

/* True when /dev/tty can be opened. */
bool passphrase_have_tty(void);

void passphrase_free(struct passphrase *p);

#endif
