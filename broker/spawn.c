/* SPDX-License-Identifier: ISC */
/* Clean environment and the per-run runner process: see spawn.h. */
#include "broker/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "broker/mask.h"
#include "common/envpolicy.h"
#include "common/err.h"
#include "common/glob.h"
#include "common/proto.h"
#include "common/util.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE 2
#endif

/* From the requester: harmless names only. HOME is not among them: it
 * decides which startup files, .gitconfig, usercustomize.py, ... a granted
 * command loads, so it is the broker's own (see spawn_env_build). */
static const char *const base_names[] = {
	"USER", "LOGNAME", "LANG", "LANGUAGE", "TERM", "COLORTERM", "TZ",
};


static bool name_eq(const char *entry, const char *name)
{
	size_t n = strlen(name);
	return !strncmp(entry, name, n) && entry[n] == '=';
}

const char *spawn_env_get(const struct spawn_env *e, const char *name)
{
	for (size_t i = 0; i < e->n; i++)
		if (name_eq(e->v[i], name))
			return e->v[i] + strlen(name) + 1;
	return NULL;
}

int spawn_env_set(struct spawn_env *e, const char *name, const char *value, size_t len)
{
	size_t nl = strlen(name);
	char *s = sodium_malloc(nl + len + 2);
	if (!s)
		return HUSH_ENOMEM;
	memcpy(s, name, nl);
	s[nl] = '=';
	memcpy(s + nl + 1, value, len);
	s[nl + 1 + len] = '\0';
	for (size_t i = 0; i < e->n; i++) {
		if (name_eq(e->v[i], name)) {
			sodium_free(e->v[i]);
			e->v[i] = s;
			return 0;
		}
	}
	if (e->n >= SPAWN_MAX_ENV) {
		sodium_free(s);
		return HUSH_ETOOBIG;
	}
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
	return 0;
}

void spawn_env_free(struct spawn_env *e)
{
	for (size_t i = 0; i < e->n; i++)
		sodium_free(e->v[i]);
	e->n = 0;
	e->v[0] = NULL;
}

static bool keep_name(const struct grant *g, const char *name)
{
	if (envpolicy_runs_code(name) || config_env_broker_only(name))
		return false;
	for (size_t i = 0; i < ARRAY_LEN(base_names); i++)
		if (!strcmp(name, base_names[i]))
			return true;
	if (!strncmp(name, "LC_", 3))
		return true;
	for (size_t i = 0; g && i < g->env_keep.n; i++)
		if (glob_match(g->env_keep.v[i], name))
			return true;
	return false;
}

/* A locale, language list, terminal or time zone name from the requester
 * names a file the command then reads (a message catalogue's format
 * strings, a terminfo entry, a zone file): no path of the requester's.
 * Locale and terminal names take no "/", a zone name no ".." and no
 * absolute path. */
static bool value_harmless(const char *name, const char *v)
{
	if (!strcmp(name, "TZ"))
		return !strstr(v, "..") && v[0] != '/' && strncmp(v, ":/", 2) != 0;
	bool named = !strcmp(name, "LANG") || !strcmp(name, "LANGUAGE") || !strcmp(name, "TERM") ||
		     !strncmp(name, "LC_", 3);
	return !named || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				   "0123456789_@.:,+-") == strlen(v);
}

int spawn_env_build(struct spawn_env *e, const struct grant *g, char *const *req_env,
		    size_t req_envc)
{
	e->n = 0;
	e->v[0] = NULL;
	const char *path = (g && g->path) ? g->path : SPAWN_DEFAULT_PATH;
	int r = spawn_env_set(e, "PATH", path, strlen(path));
	/* HOME: the broker's (it was started by the human, outside any
	 * sandbox), else the password database's; never the requester's */
	const char *home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
	}
	if (!r && home)
		r = spawn_env_set(e, "HOME", home, strlen(home));
	for (size_t i = 0; !r && i < req_envc; i++) {
		char name[HUSH_MAX_NAME];
		const char *val = env_entry_name(req_env[i], name);
		if (!val || !strcmp(name, "PATH") || !keep_name(g, name) || !value_harmless(name, val))
			continue;
		r = spawn_env_set(e, name, val, strlen(val));
		if (r == HUSH_ETOOBIG)
			r = 0; /* the base set comes first; extra names beyond the cap are dropped */
	}
	/* ssh_agent = yes: the broker's own agent, from the human's session */
	const char *sa = getenv("SSH_AUTH_SOCK");
	if (!r && g && g->ssh_agent && sa && sa[0] == '/')
		r = spawn_env_set(e, "SSH_AUTH_SOCK", sa, strlen(sa));
	if (r)
		spawn_env_free(e);
	return r;
}

int spawn_keep_fds(int *keep[], size_t n)
{
	int lo = 3 + (int)n;
	for (size_t i = 0; i < n; i++) {
		if (*keep[i] < 0)
			continue;
		int d = fcntl(*keep[i], F_DUPFD, lo);
		if (d < 0)
			return -1;
		*keep[i] = d;
	}
	for (size_t i = 0; i < n; i++) {
		if (*keep[i] < 0)
			continue;
		if (dup2(*keep[i], 3 + (int)i) < 0)
			return -1;
		*keep[i] = 3 + (int)i;
	}
	if (syscall(SYS_close_range, (unsigned)lo, ~0U, 0) < 0) {
		for (int fd = lo; fd < 65536; fd++)
			close(fd);
	}
	return 0;
}

/* --- the runner --- */

struct out_ctx {
	int fd;
	bool broken;
};

static int emit_fd(void *ctx, const uint8_t *p, size_t n)
{
	struct out_ctx *o = ctx;
	if (o->broken)
		return 0;
	if (write_all(o->fd, p, n) < 0)
		o->broken = true; /* the requester closed its end */
	return 0;
}

struct stream {
	int fd;             /* read end, -1 when done */
	struct out_ctx out;
	struct mask *mask;  /* per stream: tails must not mix */
};

static void pump(struct stream *s)
{
	uint8_t tmp[16384];
	ssize_t r = read(s->fd, tmp, sizeof(tmp));
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) { /* EOF, or EIO on a pty whose slave side is closed */
		if (s->mask)
			mask_flush(s->mask, emit_fd, &s->out);
		close(s->fd);
		s->fd = -1;
		return;
	}
	if (s->mask)
		mask_feed(s->mask, tmp, (size_t)r, emit_fd, &s->out);
	else
		emit_fd(&s->out, tmp, (size_t)r);
	sodium_memzero(tmp, (size_t)r);
	if (s->out.broken) {
		/* the reader went away (e.g. "| head -1"): close our end so the
		 * child gets SIGPIPE/EPIPE as it would writing there directly */
		close(s->fd);
		s->fd = -1;
	}
}

static bool signal_allowed(uint32_t sig)
{
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT ||
	       sig == SIGUSR1 || sig == SIGUSR2 || sig == SIGCONT;
}

/* Reads and acts on frames from the client. Returns -1 when the client is
 * gone or misbehaves. */
struct conn_rd {
	uint8_t buf[64];
	size_t got;
};

static int client_input(struct run_job *j, struct conn_rd *c, pid_t child, int master)
{
	ssize_t r = read(j->conn, c->buf + c->got, sizeof(c->buf) - c->got);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r <= 0)
		return -1;
	c->got += (size_t)r;
	while (c->got >= PROTO_HDR) {
		uint32_t len = proto_get_len(c->buf);
		if (proto_check_len(len) || len > sizeof(c->buf) - PROTO_HDR)
			return -1;
		if (c->got < PROTO_HDR + len)
			break;
		uint8_t type = c->buf[PROTO_HDR];
		const uint8_t *body = c->buf + PROTO_HDR + 1;
		size_t blen = len - 1;
		if (type == MSG_SIGNAL) {
			uint32_t sig;
			if (proto_dec_signal(body, blen, &sig))
				return -1;
			if (signal_allowed(sig))
				kill(-child, (int)sig);
		} else if (type == MSG_WINSIZE) {
			uint16_t rows, cols;
			if (proto_dec_winsize(body, blen, &rows, &cols))
				return -1;
			if (master >= 0) {
				struct winsize ws = { .ws_row = rows, .ws_col = cols };
				ioctl(master, TIOCSWINSZ, &ws);
			}
		} else {
			return -1;
		}
		memmove(c->buf, c->buf + PROTO_HDR + len, c->got - PROTO_HDR - len);
		c->got -= PROTO_HDR + len;
	}
	return 0;
}

static void send_frame_exit(int fd, uint32_t status)
{
	struct buf b;
	buf_init(&b, 64, false);
	if (!proto_enc_exit(&b, status))
		write_all(fd, b.data, b.len);
	buf_free(&b);
}

static void send_error(int fd, uint8_t status, const char *what, const char *hint)
{
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	if (!proto_enc_error(&b, status, what, hint))
		write_all(fd, b.data, b.len);
	buf_free(&b);
}

_Noreturn static void child_exec(struct run_job *j, int out_w, int err_w, int slave, int errpipe)
{
	setsid();
	if (slave >= 0)
		ioctl(slave, TIOCSCTTY, 0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	if (fchdir(j->cwd_fd) < 0)
		goto fail;
	int in = j->in_fd;
	int *keep[] = { &in, &out_w, &err_w, &j->exec_fd, &errpipe };
	if (spawn_keep_fds(keep, ARRAY_LEN(keep)) < 0)
		goto fail;
	if (dup2(in, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
		goto fail;
	close(in);
	close(out_w);
	close(err_w);
	fcntl(errpipe, F_SETFD, FD_CLOEXEC);
	syscall(SYS_execveat, j->exec_fd, "", j->argv, j->env->v, AT_EMPTY_PATH);
fail:;
	int e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0) {
		/* nothing more to report */
	}
	_exit(127);
}

/* The running child and what the runner's loop tracks of it. */
struct runner {
	pid_t pid;
	int pidfd;          /* -1: waitpid() polled every 50 ms instead */
	int master;         /* the pty's master, or -1 */
	struct stream so, se;
	struct conn_rd crd;
	bool client_gone, child_done;
	int status;
	uint64_t kill_at, drain_until;
};

/* Forks the child on a pty (when the client's stdout is a terminal and one
 * can be had) or on pipes. 0 with r filled in and *exec_errno (the errno
 * of a failed execveat, else 0), or 1 once an error was sent. */
static int start_child(struct run_job *j, struct runner *r, int *exec_errno)
{
	int slave = -1;
	int out_p[2] = { -1, -1 }, err_p[2] = { -1, -1 }, errpipe[2];
	bool err_tty = j->tty && isatty(j->err_fd);
	r->master = -1;
	if (j->tty) {
		struct winsize ws = { .ws_row = j->rows ? j->rows : 24, .ws_col = j->cols ? j->cols : 80 };
		if (openpty(&r->master, &slave, NULL, NULL, &ws) < 0) {
			j->tty = false;
			err_tty = false;
		} else {
			fcntl(r->master, F_SETFD, FD_CLOEXEC);
		}
	}
	if ((!j->tty && pipe2(out_p, O_CLOEXEC) < 0) || (!err_tty && pipe2(err_p, O_CLOEXEC) < 0) ||
	    pipe2(errpipe, O_CLOEXEC) < 0) {
		send_error(j->conn, 1, "cannot start the command: out of resources", NULL);
		return 1;
	}
	int child_out = j->tty ? slave : out_p[1];
	int child_err = err_tty ? slave : err_p[1];
	r->pid = fork();
	if (r->pid < 0) {
		send_error(j->conn, 1, "cannot start the command: fork failed", NULL);
		return 1;
	}
	if (r->pid == 0)
		child_exec(j, child_out, child_err, slave, errpipe[1]);
	close(errpipe[1]);
	if (slave >= 0)
		close(slave);
	if (out_p[1] >= 0)
		close(out_p[1]);
	if (err_p[1] >= 0)
		close(err_p[1]);
	close(j->exec_fd);
	close(j->in_fd);
	close(j->cwd_fd);
	spawn_env_free(j->env);
	*exec_errno = 0;
	if (read(errpipe[0], exec_errno, sizeof(*exec_errno)) != (ssize_t)sizeof(*exec_errno))
		*exec_errno = 0;
	close(errpipe[0]);
	r->so = (struct stream){ .fd = j->tty ? r->master : out_p[0], .out = { .fd = j->out_fd },
				 .mask = j->mask };
	r->se = (struct stream){ .fd = err_tty ? -1 : err_p[0], .out = { .fd = j->err_fd },
				 .mask = j->mask_err };
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	return 0;
}

/* One round of the loop: the client's signals and window size, the
 * child's output through the maskers, its exit; a client that went away
 * gets its child's process group killed (SIGTERM, SIGKILL 2 s later). After
 * the exit the output is drained for at most 200 ms. False when done. */
static bool runner_step(struct run_job *j, struct runner *r)
{
	struct pollfd p[4];
	int np = 0, i_conn = -1, i_out = -1, i_err = -1, i_pid = -1;
	if (!r->client_gone) {
		p[np] = (struct pollfd){ .fd = j->conn, .events = POLLIN };
		i_conn = np++;
	}
	if (r->so.fd >= 0) {
		p[np] = (struct pollfd){ .fd = r->so.fd, .events = POLLIN };
		i_out = np++;
	}
	if (r->se.fd >= 0) {
		p[np] = (struct pollfd){ .fd = r->se.fd, .events = POLLIN };
		i_err = np++;
	}
	if (!r->child_done && r->pidfd >= 0) {
		p[np] = (struct pollfd){ .fd = r->pidfd, .events = POLLIN };
		i_pid = np++;
	}
	int timeout = -1;
	uint64_t now = time_mono_ms();
	if (!r->child_done && r->pidfd < 0)
		timeout = 50;
	if (r->kill_at)
		timeout = r->kill_at > now ? (int)(r->kill_at - now) : 0;
	if (r->child_done) {
		if (r->so.fd < 0 && r->se.fd < 0)
			return false;
		if (!r->drain_until)
			r->drain_until = now + 200;
		if (now >= r->drain_until)
			return false;
		timeout = (int)(r->drain_until - now);
	}
	int n = poll(p, (nfds_t)np, timeout);
	if (n < 0 && errno != EINTR)
		return false;
	now = time_mono_ms();
	if (n > 0 && i_conn >= 0 && p[i_conn].revents &&
	    client_input(j, &r->crd, r->pid, r->master) < 0) {
		r->client_gone = true;
		if (!r->child_done) {
			kill(-r->pid, SIGTERM);
			kill(r->pid, SIGTERM);
			r->kill_at = now + 2000;
		}
	}
	if (n > 0 && i_out >= 0 && p[i_out].revents)
		pump(&r->so);
	if (n > 0 && i_err >= 0 && p[i_err].revents)
		pump(&r->se);
	if (!r->child_done && ((i_pid >= 0 && n > 0 && p[i_pid].revents) || r->pidfd < 0) &&
	    waitpid(r->pid, &r->status, WNOHANG) == r->pid) {
		r->child_done = true;
		r->kill_at = 0;
	}
	if (r->kill_at && now >= r->kill_at) {
		kill(-r->pid, SIGKILL);
		kill(r->pid, SIGKILL);
		r->kill_at = 0;
	}
	return !(r->client_gone && r->child_done);
}

/* What the masker still holds, then the end of the stream. */
static void stream_close(struct stream *s)
{
	if (s->fd < 0)
		return;
	if (s->mask)
		mask_flush(s->mask, emit_fd, &s->out);
	close(s->fd);
}

int spawn_runner(struct run_job *j)
{
	signal(SIGPIPE, SIG_IGN);
	struct runner r = { .pid = -1 };
	int exec_errno;
	if (start_child(j, &r, &exec_errno))
		return 1;
	while (runner_step(j, &r))
		;
	if (!r.child_done)
		waitpid(r.pid, &r.status, 0);
	stream_close(&r.so);
	stream_close(&r.se);
	int code = exec_errno ? 127
		 : WIFEXITED(r.status) ? WEXITSTATUS(r.status)
		 : WIFSIGNALED(r.status) ? 128 + WTERMSIG(r.status) : 1;
	if (exec_errno && !r.client_gone) {
		char what[256];
		snprintf(what, sizeof(what), "cannot execute %s: %s", j->ev.exe, strerror(exec_errno));
		send_error(j->conn, 1, what, NULL);
	} else if (!r.client_gone) {
		send_frame_exit(j->conn, (uint32_t)code);
	}
	j->ev.exit_status = code;
	if (r.client_gone)
		j->ev.reason = "client disconnected";
	int ae = j->audit_path ? audit_append(j->audit_path, &j->ev) : 0;
	if (ae)
		msg_error("cannot append to the audit log %s: %s", j->audit_path, hush_strerror(ae));
	mask_free(r.so.mask);
	mask_free(r.se.mask);
	return 0;
}
