/* SPDX-License-Identifier: ISC */
/* Passphrase sources: an fd, an askpass program, a no-echo terminal prompt.
 * See passphrase.h. */
#include "vault/passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "common/proc.h"
#include "common/util.h"

static int why_set(char *why, size_t whylen, int code, const char *msg)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
	return code;
}

void passphrase_free(struct passphrase *p)
{
	if (p->s) {
		sodium_memzero(p->s, p->len);
		sodium_free(p->s);
	}
	p->s = NULL;
	p->len = 0;
}

static int secure_alloc(struct passphrase *p, size_t max)
{
	p->s = sodium_malloc(max + 1);
	p->len = 0;
	return p->s ? 0 : HUSH_ENOMEM;
}

static volatile sig_atomic_t got_signal;
static void on_signal(int sig)
{
	got_signal = sig;
}

/* Reads bytes one by one up to a newline or EOF, so nothing after the line
 * is consumed. With wait_mask (the terminal prompt, its signals blocked),
 * each byte is waited for in ppoll() with that mask: a signal arriving at
 * any moment ends the read, none can slip in just before a blocking read. */
static int read_line_fd(int fd, struct passphrase *p, size_t max, bool *saw_eof,
			const sigset_t *wait_mask)
{
	*saw_eof = false;
	for (;;) {
		char c;
		if (wait_mask) {
			struct pollfd pf = { .fd = fd, .events = POLLIN };
			if (ppoll(&pf, 1, NULL, wait_mask) < 0) {
				if (errno != EINTR)
					return HUSH_EIO;
				if (got_signal)
					return HUSH_ECANCELED;
				continue;
			}
		}
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			return HUSH_ECANCELED;
		if (n < 0)
			return HUSH_EIO;
		if (n == 0) {
			*saw_eof = true;
			break;
		}
		if (c == '\n')
			break;
		if (p->len >= max)
			return HUSH_ETOOBIG;
		p->s[p->len++] = c;
	}
	if (p->len && p->s[p->len - 1] == '\r')
		p->len--;
	p->s[p->len] = 0;
	return 0;
}

static int from_fd(int fd, struct passphrase *out, char *why, size_t whylen)
{
	if (fcntl(fd, F_GETFD) < 0)
		return why_set(why, whylen, HUSH_EINVAL, "the passphrase file descriptor is not open");
	if (secure_alloc(out, PASSPHRASE_MAX))
		return HUSH_ENOMEM;
	bool eof;
	int r = read_line_fd(fd, out, PASSPHRASE_MAX, &eof, NULL);
	if (r == 0 && eof && out->len == 0)
		r = why_set(why, whylen, HUSH_EINVAL, "nothing to read on the passphrase file descriptor");
	else if (r == HUSH_ETOOBIG)
		why_set(why, whylen, r, "passphrase longer than 4096 bytes");
	else if (r)
		why_set(why, whylen, r, "cannot read the passphrase file descriptor");
	if (r)
		passphrase_free(out);
	return r;
}

int passphrase_fd_parse(const char *s, int *fd)
{
	if (!s || !*s || strlen(s) > 7)
		return HUSH_EINVAL;
	long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return HUSH_EINVAL;
		v = v * 10 + (*p - '0');
	}
	if (v > PASSPHRASE_FD_MAX)
		return HUSH_EINVAL;
	*fd = (int)v;
	return 0;
}

int passphrase_askpass(const char *prog, enum passphrase_kind kind, const char *prompt,
		       bool quiet, struct passphrase *out, char *why, size_t whylen)
{
	if (secure_alloc(out, PASSPHRASE_MAX + 2))
		return why_set(why, whylen, HUSH_ENOMEM, "out of secure memory");
	char *argv[] = { (char *)prog, (char *)prompt, NULL };
	struct proc_capture pc = {
		.path = prog, .argv = argv, .quiet = quiet, .tee_fd = -1,
		.env = kind == PASSPHRASE_NEW ? "HUSH_ASKPASS_KIND=new" : "HUSH_ASKPASS_KIND=unlock",
		.timeout_ms = PASSPHRASE_ASKPASS_TIMEOUT * 1000, .out = out->s,
		.cap = PASSPHRASE_MAX + 2,
	};
	int st = proc_capture(&pc);
	out->len = pc.len;
	if (st != 0) {
		passphrase_free(out);
		if (st == HUSH_ETIMEDOUT)
			return why_set(why, whylen, HUSH_ETIMEDOUT, "askpass program did not answer "
				       "within 5 minutes (it was stopped)");
		if (st == 127)
			return why_set(why, whylen, HUSH_EINVAL, "askpass program could not be run");
		if (st < 0)
			return why_set(why, whylen, st, "cannot start askpass");
		return why_set(why, whylen, HUSH_ECANCELED, "askpass program failed or was cancelled");
	}
	if (out->len && out->s[out->len - 1] == '\n')
		out->len--;
	if (out->len && out->s[out->len - 1] == '\r')
		out->len--;
	out->s[out->len] = 0;
	if (pc.over || out->len > PASSPHRASE_MAX) {
		passphrase_free(out);
		return why_set(why, whylen, HUSH_ETOOBIG, "passphrase longer than 4096 bytes");
	}
	if (memchr(out->s, 0, out->len)) {
		passphrase_free(out);
		return why_set(why, whylen, HUSH_EINVAL, "askpass printed a NUL byte");
	}
	return 0;
}

int passphrase_read_all(int fd, struct passphrase *out, size_t max)
{
	size_t cap = max + 2;
	int r = secure_alloc(out, cap);
	while (r == 0) {
		if (out->len == cap) {
			r = HUSH_ETOOBIG;
			break;
		}
		ssize_t n = read(fd, out->s + out->len, cap - out->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? HUSH_EIO : 0;
			break;
		}
		out->len += (size_t)n;
	}
	if (r == 0 && out->len && out->s[out->len - 1] == '\n')
		out->len -= out->len > 1 && out->s[out->len - 2] == '\r' ? 2 : 1;
	if (r == 0 && out->len > max)
		r = HUSH_ETOOBIG;
	if (r)
		passphrase_free(out);
	else
		out->s[out->len] = 0;
	return r;
}

bool passphrase_have_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int passphrase_read_tty(const char *prompt, struct passphrase *out, size_t max, char *why,
			size_t whylen)
{
	out->s = NULL;
	out->len = 0;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return why_set(why, whylen, HUSH_ECANCELED, "no terminal to ask on");
	/* The signals that end a prompt are blocked before the terminal
	 * changes and caught only while waiting for input: whenever one comes
	 * (Ctrl-C, Ctrl-Z, a hang-up), the terminal is restored first, then
	 * the signal is raised again with its own action. Ignored ones stay
	 * ignored. */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	struct sigaction sa, saved[ARRAY_LEN(sigs)];
	sigset_t block, orig;
	sigemptyset(&block);
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		sigaddset(&block, sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &orig);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	got_signal = 0;
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++) {
		sigaction(sigs[i], NULL, &saved[i]);
		if (saved[i].sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
	struct termios old, noecho;
	bool restore = false;
	if (tcgetattr(fd, &old) == 0) {
		noecho = old;
		noecho.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
		noecho.c_lflag |= ICANON;
		restore = tcsetattr(fd, TCSAFLUSH, &noecho) == 0;
	}
	int r = write_all(fd, prompt, strlen(prompt)) < 0 ? HUSH_EIO : 0;
	if (!r)
		r = secure_alloc(out, max);
	bool eof = false;
	if (!r)
		r = read_line_fd(fd, out, max, &eof, &orig);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write_all(fd, "\n", 1) < 0 && !r)
		r = HUSH_EIO;
	close(fd);
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		sigaction(sigs[i], &saved[i], NULL);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	if (got_signal) {
		passphrase_free(out);
		raise(got_signal);
		return why_set(why, whylen, HUSH_ECANCELED, "interrupted");
	}
	if (r) {
		passphrase_free(out);
		if (r == HUSH_ETOOBIG)
			return why_set(why, whylen, r, "input too long");
		return why_set(why, whylen, r, "cannot read from the terminal");
	}
	if (memchr(out->s, 0, out->len)) {
		passphrase_free(out);
		return why_set(why, whylen, HUSH_EINVAL, "input contains a NUL byte");
	}
	return 0;
}

int passphrase_get(const struct passphrase_src *src, enum passphrase_kind kind,
		   const char *prompt, struct passphrase *out, char *why, size_t whylen)
{
	out->s = NULL;
	out->len = 0;
	int r;
	const char *askpass = getenv("HUSH_ASKPASS");
	if (!askpass || !*askpass)
		askpass = src ? src->askpass : NULL;
	if (src && src->fd >= 0)
		r = from_fd(src->fd, out, why, whylen);
	else if (askpass && *askpass)
		r = passphrase_askpass(askpass, kind, prompt, false, out, why, whylen);
	else if (passphrase_have_tty()) {
		r = passphrase_read_tty(prompt, out, PASSPHRASE_MAX, why, whylen);
		if (!r && kind == PASSPHRASE_NEW && out->len > 0) {
			struct passphrase again;
			r = passphrase_read_tty("Repeat the passphrase: ", &again, PASSPHRASE_MAX,
						why, whylen);
			if (!r) {
				bool same = again.len == out->len &&
					    sodium_memcmp(again.s, out->s, out->len) == 0;
				passphrase_free(&again);
				if (!same) {
					passphrase_free(out);
					return why_set(why, whylen, HUSH_EINVAL,
						       "the two passphrases differ");
				}
			} else {
				passphrase_free(out);
			}
		}
	} else {
		return why_set(why, whylen, HUSH_ECANCELED,
			       "no terminal to ask for the passphrase, and no HUSH_ASKPASS");
	}
	if (r)
		return r;
	if (out->len == 0) {
		passphrase_free(out);
		return why_set(why, whylen, HUSH_EINVAL, "the passphrase is empty");
	}
	return 0;
}
