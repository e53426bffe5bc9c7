/* SPDX-License-Identifier: ISC */
/* Passphrase sources: an fd, an askpass program, a no-echo terminal prompt.
 * See passphrase.h. */
#include "vault/passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

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

/* Reads bytes one by one up to a newline or EOF, so nothing after the line
 * is consumed. */
static int read_line_fd(int fd, struct passphrase *p, size_t max, bool *saw_eof)
{
	*saw_eof = false;
	for (;;) {
		char c;
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
	int r = read_line_fd(fd, out, PASSPHRASE_MAX, &eof);
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

static int from_askpass(const char *prog, enum passphrase_kind kind, const char *prompt,
			struct passphrase *out, char *why, size_t whylen)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return why_set(why, whylen, HUSH_EIO, "cannot create a pipe for askpass");
	/* Set in the parent: only async-signal-safe calls after fork(). */
	setenv("HUSH_ASKPASS_KIND", kind == PASSPHRASE_NEW ? "new" : "unlock", 1);
	pid_t pid = fork();
	if (pid != 0)
		unsetenv("HUSH_ASKPASS_KIND");
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return why_set(why, whylen, HUSH_EIO, "cannot start askpass");
	}
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		execl(prog, prog, prompt, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	int r = secure_alloc(out, PASSPHRASE_MAX + 2);
	if (!r) {
		/* Read everything (so askpass never blocks on a full pipe), keep
		 * at most the cap. */
		for (;;) {
			char tmp[512];
			ssize_t n = read(pfd[0], tmp, sizeof(tmp));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			size_t room = PASSPHRASE_MAX + 2 - out->len;
			size_t take = (size_t)n < room ? (size_t)n : room;
			memcpy(out->s + out->len, tmp, take);
			out->len += take;
			if ((size_t)n > take)
				r = HUSH_ETOOBIG;
			sodium_memzero(tmp, sizeof(tmp));
		}
	}
	close(pfd[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r == HUSH_ENOMEM)
		return r;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		passphrase_free(out);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
			return why_set(why, whylen, HUSH_EINVAL, "askpass program could not be run");
		return why_set(why, whylen, HUSH_ECANCELED, "askpass program failed or was cancelled");
	}
	if (out->len && out->s[out->len - 1] == '\n')
		out->len--;
	if (out->len && out->s[out->len - 1] == '\r')
		out->len--;
	out->s[out->len] = 0;
	if (r == HUSH_ETOOBIG || out->len > PASSPHRASE_MAX) {
		passphrase_free(out);
		return why_set(why, whylen, HUSH_ETOOBIG, "passphrase longer than 4096 bytes");
	}
	if (memchr(out->s, 0, out->len)) {
		passphrase_free(out);
		return why_set(why, whylen, HUSH_EINVAL, "askpass printed a NUL byte");
	}
	return 0;
}

bool passphrase_have_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static volatile sig_atomic_t got_signal;
static void on_signal(int sig)
{
	got_signal = sig;
}

int passphrase_read_tty(const char *prompt, struct passphrase *out, size_t max, char *why,
			size_t whylen)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return why_set(why, whylen, HUSH_ECANCELED, "no terminal to ask on");
	struct termios old, noecho;
	bool restore = false;
	if (tcgetattr(fd, &old) == 0) {
		noecho = old;
		noecho.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
		noecho.c_lflag |= ICANON;
		restore = tcsetattr(fd, TCSAFLUSH, &noecho) == 0;
	}
	/* Interrupting the prompt restores the terminal, then the signal is
	 * re-raised with its default action. */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	struct sigaction sa, saved[ARRAY_LEN(sigs)];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	got_signal = 0;
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		sigaction(sigs[i], &sa, &saved[i]);

	int r = write_all(fd, prompt, strlen(prompt)) < 0 ? HUSH_EIO : 0;
	if (!r)
		r = secure_alloc(out, max);
	bool eof = false;
	if (!r)
		r = read_line_fd(fd, out, max, &eof);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write_all(fd, "\n", 1) < 0 && !r)
		r = HUSH_EIO;
	close(fd);
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		sigaction(sigs[i], &saved[i], NULL);
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
		r = from_askpass(askpass, kind, prompt, out, why, whylen);
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
