/* SPDX-License-Identifier: ISC */
/* Client side of the broker protocol: see client.h. */
#include "broker/client.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/err.h"
#include "common/proc.h"
#include "common/util.h"

extern char **environ;

int client_socket_path(bool control, char *out, size_t n)
{
	char rt[PATH_MAX];
	int r = path_runtime(rt, sizeof(rt));
	if (r)
		return r;
	return xsnprintf(out, n, control ? "%s/control/sock" : "%s/client.sock", rt);
}

static char peer_problem[256];

const char *client_peer_problem(void)
{
	return peer_problem;
}

static int read_token(uint8_t *token);

/* Reads exactly n bytes before the deadline (monotonic ms). 0 or HUSH_EIO. */
static int read_until(int fd, uint8_t *p, size_t n, uint64_t deadline)
{
	size_t got = 0;
	while (got < n) {
		uint64_t now = time_mono_ms();
		if (now >= deadline)
			return HUSH_EIO;
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		int k = poll(&pf, 1, (int)(deadline - now));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return HUSH_EIO;
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return HUSH_EIO;
		got += (size_t)r;
	}
	return 0;
}

/* Outside the sandbox: sends a random challenge and checks the broker's
 * proof (proto_hello_proof) made with the control token and our pid. */
static int hello(int s)
{
	uint8_t token[PROTO_TOKEN_BYTES], ch[PROTO_CHALLENGE_BYTES];
	uint8_t want[PROTO_PROOF_BYTES], frame[PROTO_HDR + 1 + PROTO_PROOF_BYTES];
	if (sodium_init() < 0)
		return HUSH_EIO;
	if (read_token(token)) {
		snprintf(peer_problem, sizeof(peer_problem),
			 "the control token is unreadable, so it cannot be checked");
		return HUSH_ENOTBROKER;
	}
	randombytes_buf(ch, sizeof(ch));
	proto_hello_proof(token, ch, (uint32_t)getpid(), want);
	sodium_memzero(token, sizeof(token));
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	int r = proto_enc_hello(&b, ch);
	/* MSG_NOSIGNAL: a peer that hung up must not kill us with SIGPIPE */
	if (!r && send(s, b.data, b.len, MSG_NOSIGNAL) != (ssize_t)b.len)
		r = HUSH_EIO;
	buf_free(&b);
	if (!r)
		r = read_until(s, frame, sizeof(frame), time_mono_ms() + CLIENT_HELLO_TIMEOUT_MS);
	if (!r && (proto_get_len(frame) != 1 + PROTO_PROOF_BYTES ||
		   frame[PROTO_HDR] != MSG_HELLO_REPLY ||
		   sodium_memcmp(frame + PROTO_HDR + 1, want, PROTO_PROOF_BYTES) != 0))
		r = HUSH_ENOTBROKER;
	sodium_memzero(want, sizeof(want));
	if (r)
		snprintf(peer_problem, sizeof(peer_problem),
			 "it did not prove that it holds the control token");
	return r ? HUSH_ENOTBROKER : 0;
}

/* Who answers on s: our uid, and the broker (see client.h). */
static int verify_peer(int s)
{
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	peer_problem[0] = '\0';
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0) {
		snprintf(peer_problem, sizeof(peer_problem), "the kernel does not say who it is");
		return HUSH_ENOTBROKER;
	}
	if (cr.uid != getuid()) {
		snprintf(peer_problem, sizeof(peer_problem), "it runs as uid %ld, not as you",
			 (long)cr.uid);
		return HUSH_ENOTBROKER;
	}
	if (!client_in_sandbox())
		return hello(s);
	/* The control token is hidden here (and whatever token the sandbox can
	 * read, it could have written). The broker runs outside the sandbox:
	 * with a pid namespace its pid is invisible to us (0); without one,
	 * Landlock's signal scoping refuses to signal it. */
	if (cr.pid == 0)
		return 0;
	if (kill(cr.pid, 0) < 0 && errno == EPERM)
		return 0;
	snprintf(peer_problem, sizeof(peer_problem),
		 "it is process %ld, which runs inside this sandbox", (long)cr.pid);
	return HUSH_ENOTBROKER;
}

int client_connect(bool control, int *fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (client_socket_path(control, sa.sun_path, sizeof(sa.sun_path)))
		return HUSH_ETOOBIG;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return HUSH_EIO;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(s);
		errno = e;
		if (e == ENOENT || e == ECONNREFUSED)
			return HUSH_ENOENT;
		return e == EACCES ? HUSH_EPERM : HUSH_EIO;
	}
	int r = verify_peer(s);
	if (r) {
		close(s);
		return r;
	}
	*fd = s;
	return 0;
}

int client_start_broker(const char *hush_path)
{
	char self[PATH_MAX];
	if (!hush_path) {
		if (proc_self_path(self, sizeof(self)))
			return HUSH_EIO;
		hush_path = self;
	}
	pid_t pid = fork();
	if (pid < 0)
		return HUSH_EIO;
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
		}
		execl(hush_path, "hush", "broker", (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return HUSH_EIO;
	}
	/* 0: started; 3: another one is running (maybe still starting); 2:
	 * its configuration did not load (it said why on stderr) */
	if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
		return HUSH_ECONFIG;
	if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 3))
		return HUSH_EIO;
	int r = HUSH_EIO;
	for (int i = 0; i < 500; i++) {
		int fd;
		if (!(r = client_connect(false, &fd))) {
			close(fd);
			return 0;
		}
		usleep(10000);
	}
	return r == HUSH_ENOTBROKER ? r : HUSH_EIO;
}

void client_wait_stopped(int timeout_ms)
{
	char rt[PATH_MAX], pid[PATH_MAX];
	if (path_runtime(rt, sizeof(rt)) || xsnprintf(pid, sizeof(pid), "%s/hushd.pid", rt))
		return;
	for (int i = 0; i < timeout_ms / 10 && access(pid, F_OK) == 0; i++)
		usleep(10000);
}

bool client_in_sandbox(void)
{
	const char *s = getenv("HUSH_SANDBOX");
	return s && strcmp(s, "1") == 0;
}

int client_ensure_broker(const struct config *cfg)
{
	int fd;
	int r = client_connect(false, &fd);
	if (!r) {
		close(fd);
		return 0;
	}
	if (r != HUSH_ENOENT)
		return r;
	if (cfg && !cfg->autostart)
		return HUSH_ENOENT;
	/* Inside hush sandbox the vault and the control directory are hidden:
	 * a broker started there could never serve, so do not try. */
	if (client_in_sandbox())
		return HUSH_ENOENT;
	return client_start_broker(NULL);
}

int client_read_frame(int fd, uint8_t *type, uint8_t **body, size_t *blen)
{
	uint8_t hdr[PROTO_HDR];
	if (read_full(fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr))
		return HUSH_EIO;
	uint32_t len = proto_get_len(hdr);
	if (proto_check_len(len))
		return HUSH_EPROTO;
	uint8_t *b = malloc(len);
	if (!b)
		return HUSH_ENOMEM;
	if (read_full(fd, b, len) != (ssize_t)len) {
		free(b);
		return HUSH_EIO;
	}
	*type = b[0];
	memmove(b, b + 1, len - 1);
	*body = b;
	*blen = len - 1;
	return 0;
}

static int read_token(uint8_t *token)
{
	char rt[PATH_MAX], path[PATH_MAX];
	if (path_runtime(rt, sizeof(rt)) || xsnprintf(path, sizeof(path), "%s/control/token", rt))
		return HUSH_ETOOBIG;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? HUSH_ENOENT : HUSH_EPERM;
	ssize_t n = read_full(fd, token, PROTO_TOKEN_BYTES);
	close(fd);
	return n == PROTO_TOKEN_BYTES ? 0 : HUSH_EPERM;
}

int client_control(uint8_t type, struct proto_control *ctl, uint8_t *rtype, uint8_t **body,
		   size_t *blen)
{
	if (sodium_init() < 0)
		return HUSH_EIO;
	int r = read_token(ctl->token);
	if (r)
		return r;
	int fd;
	if ((r = client_connect(true, &fd)))
		return r;
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, true);
	r = proto_enc_control(&b, type, ctl);
	if (!r && write_all(fd, b.data, b.len) < 0)
		r = HUSH_EIO;
	buf_free(&b);
	sodium_memzero(ctl->token, sizeof(ctl->token));
	if (!r)
		r = client_read_frame(fd, rtype, body, blen);
	close(fd);
	return r;
}

/* --- hush run --- */

static int sig_pipe[2] = { -1, -1 };

static void on_sig(int sig)
{
	int e = errno;
	uint8_t s = (uint8_t)sig;
	if (write(sig_pipe[1], &s, 1) < 0) {
		/* pipe full: the signal is dropped */
	}
	errno = e;
}

static int send_run(int fd, const struct proto_run *run, int fds[PROTO_RUN_FDS])
{
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	int r = proto_enc_run(&b, run);
	if (r) {
		buf_free(&b);
		return r;
	}
	union {
		char buf[CMSG_SPACE(sizeof(int) * PROTO_RUN_FDS)];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct iovec iov = { .iov_base = b.data, .iov_len = b.len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * PROTO_RUN_FDS);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * PROTO_RUN_FDS);
	ssize_t n;
	while ((n = sendmsg(fd, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	r = 0;
	if (n < 0)
		r = HUSH_EIO;
	else if ((size_t)n < b.len && write_all(fd, b.data + n, b.len - (size_t)n) < 0)
		r = HUSH_EIO;
	buf_free(&b);
	return r;
}

static void send_small(int fd, struct buf *b)
{
	if (write_all(fd, b->data, b->len) < 0) {
		/* the broker went away; the read side will notice */
	}
	buf_reset(b);
}

/* The signals the client passes on to the command (and SIGWINCH, its
 * terminal's new size) from the self-pipe the handler writes. */
static void forward_signals(int fd, struct buf *out)
{
	uint8_t s;
	while (read(sig_pipe[0], &s, 1) == 1) {
		struct winsize ws;
		if (s == SIGWINCH) {
			if (ioctl(1, TIOCGWINSZ, &ws) == 0 && !proto_enc_winsize(out, ws.ws_row, ws.ws_col))
				send_small(fd, out);
		} else if (!proto_enc_signal(out, s)) {
			send_small(fd, out);
		}
	}
}

/* One frame from the broker: the exit status or a refusal end the run
 * (*done), a waiting or a notice goes to notify. 0 or HUSH_EPROTO. */
static int on_frame(uint8_t type, const uint8_t *body, size_t blen, client_notify_fn notify,
		    struct client_result *res, bool *done)
{
	*done = type == MSG_EXIT || type == MSG_ERROR;
	if (type == MSG_EXIT) {
		uint32_t st;
		if (proto_dec_exit(body, blen, &st))
			return HUSH_EPROTO;
		res->status = (int)st;
		return 0;
	}
	if (type == MSG_ERROR) {
		struct proto_error e;
		if (proto_dec_error(body, blen, &e))
			return HUSH_EPROTO;
		res->status = e.status;
		snprintf(res->what, sizeof(res->what), "%s", e.what);
		snprintf(res->hint, sizeof(res->hint), "%s", e.hint);
		proto_error_free(&e);
		return 0;
	}
	uint64_t id = 0;
	char *text;
	if (type == MSG_WAITING ? proto_dec_waiting(body, blen, &id, &text)
	    : type == MSG_NOTICE ? proto_dec_text(body, blen, &text) : HUSH_EPROTO) {
		*done = true;
		return HUSH_EPROTO;
	}
	if (notify)
		notify(type == MSG_WAITING ? "waiting" : "notice", id, text);
	free(text);
	return 0;
}

/* Reads the broker's frames until the run ends, passing signals on
 * meanwhile. 0 (res filled in), HUSH_EIO or HUSH_EPROTO. */
static int read_replies(int fd, client_notify_fn notify, struct client_result *res)
{
	struct buf out, in;
	buf_init(&out, 256, false);
	buf_init(&in, PROTO_HDR + PROTO_MAX_MSG, false);
	uint8_t rbuf[4096];
	int r = HUSH_EIO;
	bool done = false;
	while (!done) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = sig_pipe[0], .events = POLLIN } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			forward_signals(fd, &out);
		if (!p[0].revents)
			continue;
		ssize_t n = read(fd, rbuf, sizeof(rbuf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = HUSH_EIO;
			break;
		}
		if (buf_put_bytes(&in, rbuf, (size_t)n)) {
			r = HUSH_EPROTO;
			break;
		}
		while (!done && in.len >= PROTO_HDR) {
			uint32_t len = proto_get_len(in.data);
			if (proto_check_len(len)) {
				r = HUSH_EPROTO;
				done = true;
				break;
			}
			if (in.len < PROTO_HDR + len)
				break;
			int fr = on_frame(in.data[PROTO_HDR], in.data + PROTO_HDR + 1, len - 1, notify,
					  res, &done);
			if (done)
				r = fr;
			size_t used = PROTO_HDR + len;
			memmove(in.data, in.data + used, in.len - used);
			in.len -= used;
		}
	}
	buf_free(&in);
	buf_free(&out);
	return r;
}

/* The run request, with the working directory and the standard fds. */
static int send_request(int fd, const char *grant, bool no_mask, char *const *argv,
			size_t argc)
{
	int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0)
		return HUSH_EIO;
	size_t envc = 0;
	while (environ[envc])
		envc++;
	struct proto_run run = {
		.flags = no_mask ? PROTO_RUN_NO_MASK : 0, .grant = (char *)(grant ? grant : ""),
		.argc = argc, .argv = (char **)argv, .envc = envc, .env = environ,
	};
	struct winsize ws;
	if (isatty(1)) {
		run.flags |= PROTO_RUN_TTY;
		if (ioctl(1, TIOCGWINSZ, &ws) == 0) {
			run.rows = ws.ws_row;
			run.cols = ws.ws_col;
		}
	}
	int fds[PROTO_RUN_FDS] = { cwd, 0, 1, 2 };
	int r = send_run(fd, &run, fds);
	close(cwd);
	return r;
}

static const int fwd_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH };

int client_run(const struct config *cfg, const char *grant, bool no_mask, char *const *argv,
	       size_t argc, client_notify_fn notify, struct client_result *res)
{
	memset(res, 0, sizeof(*res));
	int fd;
	int r = client_connect(false, &fd);
	if (r == HUSH_ENOENT) {
		if ((r = client_ensure_broker(cfg)))
			return r;
		r = client_connect(false, &fd);
	}
	if (r)
		return r;
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		close(fd);
		return HUSH_EIO;
	}
	struct sigaction sa = { .sa_handler = on_sig };
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < ARRAY_LEN(fwd_sigs); i++)
		sigaction(fwd_sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	r = send_request(fd, grant, no_mask, argv, argc);
	if (r)
		r = r == HUSH_ETOOBIG ? HUSH_ETOOBIG : HUSH_EIO;
	else
		r = read_replies(fd, notify, res);
	close(fd);
	for (size_t i = 0; i < ARRAY_LEN(fwd_sigs); i++)
		signal(fwd_sigs[i], SIG_DFL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	return r;
}

/* --- sandbox sessions --- */

int client_session_open(const struct client_session *s, struct proto_session_reply *out)
{
	struct proto_control ctl = { .id = 0 };
	ctl.session.pidns = s->pidns;
	ctl.session.pid = (uint32_t)s->pid;
	ctl.session.start = s->start ? s->start : proc_start_time(s->pid);
	ctl.session.flags = (s->display ? PROTO_SESSION_DISPLAY : 0) |
			    (s->no_proxy ? PROTO_SESSION_NO_PROXY : 0) |
			    (s->proxy_only ? PROTO_SESSION_PROXY_ONLY : 0);
	ctl.session.allow_hosts = (char *)s->allow_hosts;
	ctl.session.journal = (char *)s->journal;
	if (s->pid <= 0 || !ctl.session.start)
		return HUSH_EINVAL;
	uint8_t rt, *body;
	size_t blen;
	int r = client_control(MSG_SESSION_OPEN, &ctl, &rt, &body, &blen);
	if (r)
		return r;
	if (rt == MSG_SESSION_REPLY)
		r = proto_dec_session_reply(body, blen, out);
	else
		r = rt == MSG_ERROR ? HUSH_EREFUSED : HUSH_EPROTO;
	free(body);
	return r;
}

int client_session_close(uint64_t id)
{
	struct proto_control ctl = { .id = id };
	uint8_t rt, *body;
	size_t blen;
	int r = client_control(MSG_SESSION_CLOSE, &ctl, &rt, &body, &blen);
	if (r)
		return r;
	free(body);
	return rt == MSG_OK ? 0 : rt == MSG_ERROR ? HUSH_ENOENT : HUSH_EPROTO;
}

/* --- shims --- */

int shims_create(const struct config *cfg, const char *dir, const char *hush_path, char *err,
		 size_t errlen)
{
	char self[PATH_MAX];
	err[0] = '\0';
	if (!hush_path) {
		if (proc_self_path(self, sizeof(self))) {
			snprintf(err, errlen, "cannot find the hush executable");
			return HUSH_EIO;
		}
		hush_path = self;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return HUSH_EIO;
	}
	int made = 0;
	for (size_t i = 0; i < cfg->ngrants; i++) {
		const char *cmd = cfg->grants[i].command;
		if (!cmd)
			continue;
		const char *base = strrchr(cmd, '/');
		base = base ? base + 1 : cmd;
		/* a link named hush or hushd would not route: main() dispatches those */
		if (!*base || !strcmp(base, "hush") || !strcmp(base, "hushd") || !strncmp(base, "hush-", 5))
			continue;
		char link[PATH_MAX];
		if (xsnprintf(link, sizeof(link), "%s/%s", dir, base)) {
			snprintf(err, errlen, "path too long: %s/%s", dir, base);
			return HUSH_ETOOBIG;
		}
		struct stat st;
		if (lstat(link, &st) == 0) {
			if (!S_ISLNK(st.st_mode)) {
				snprintf(err, errlen, "%s exists and is not a link; not replacing it", link);
				return HUSH_EEXIST;
			}
			char cur[PATH_MAX];
			ssize_t n = readlink(link, cur, sizeof(cur) - 1);
			cur[n > 0 ? n : 0] = '\0';
			if (!strcmp(cur, hush_path)) {
				made++;
				continue;
			}
			unlink(link);
		}
		if (symlink(hush_path, link) < 0) {
			snprintf(err, errlen, "cannot create %s: %s", link, strerror(errno));
			return HUSH_EIO;
		}
		made++;
	}
	return made;
}
