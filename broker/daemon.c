/* SPDX-License-Identifier: ISC */
/* hushd: the broker's state, its connections (each with an output queue
 * drained on POLLOUT), the poll loop, signals, timers and setup. Requests
 * are in run.c and control.c. See daemon.h; the wire format is in
 * common/proto.h and docs/protocol.md. */
#include "broker/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker/approval.h"
#include "broker/credproxy.h"
#include "broker/audit.h"
#include "broker/confirm.h"
#include "broker/grant.h"
#include "broker/keycache.h"
#include "broker/mask.h"
#include "broker/session.h"
#include "broker/spawn.h"
#include "common/err.h"
#include "common/proto.h"
#include "common/util.h"
#include "config/config.h"
#include "vault/vault.h"
#include "broker/daemon_int.h"

struct daemon_state daemon_state;

/* --- small helpers --- */

/* Sends what is queued as far as the socket takes it without blocking.
 * 0, or -1 when the peer is gone. */
static int conn_flush(struct conn *c)
{
	while (c->out.off < c->out.len) {
		ssize_t w = send(c->fd, c->out.data + c->out.off, c->out.len - c->out.off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0)
			return -1;
		c->out.off += (size_t)w;
	}
	if (c->out.off == c->out.len) {
		buf_reset(&c->out);
	} else if (c->out.off) {
		memmove(c->out.data, c->out.data + c->out.off, c->out.len - c->out.off);
		c->out.len -= c->out.off;
		c->out.off = 0;
	}
	return 0;
}

bool conn_has_output(const struct conn *c)
{
	return c->out.len > c->out.off;
}

/* Queues a whole frame and sends what the socket takes now. */
int conn_send(struct conn *c, struct buf *b)
{
	if (buf_put_bytes(&c->out, b->data, b->len)) {
		/* the peer does not read: hang up, poll reports it */
		shutdown(c->fd, SHUT_RDWR);
		return -1;
	}
	return conn_flush(c);
}

static struct buf scratch;
static bool scratch_ready;

struct buf *conn_scratch(void)
{
	if (!scratch_ready) {
		buf_init(&scratch, PROTO_HDR + PROTO_MAX_MSG, false);
		scratch_ready = true;
	}
	buf_reset(&scratch);
	return &scratch;
}

void conn_send_scratch(struct conn *c, int rc)
{
	if (!rc)
		conn_send(c, &scratch);
}

void conn_reply_error(struct conn *c, uint8_t status, const char *what, const char *hint)
{
	conn_send_scratch(c, proto_enc_error(conn_scratch(), status, what, hint));
}

void conn_reply_ok(struct conn *c, const char *text)
{
	conn_send_scratch(c, proto_enc_ok(conn_scratch(), text));
}

void conn_notice(struct conn *c, const char *text)
{
	conn_send_scratch(c, proto_enc_notice(conn_scratch(), text));
}

static void close_fds(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

void request_free(struct request *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < MAX_REQUESTS; i++)
		if (S.reqs[i] == r)
			S.reqs[i] = NULL;
	if (r->confirm_pid > 0) {
		kill(-r->confirm_pid, SIGKILL);
		kill(r->confirm_pid, SIGKILL);
	}
	if (r->ask) {
		/* a credential use nobody decided: the proxy's thread is told no */
		struct credproxy_ask *a = r->ask;
		r->ask = NULL;
		credproxy_abandon(a);
	}
	close_fds(r->fds, PROTO_RUN_FDS);
	proto_run_free(&r->run);
	if (r->c)
		r->c->req = NULL;
	free(r);
}

void conn_free(struct conn *c)
{
	for (size_t i = 0; i < MAX_CONNS; i++)
		if (S.conns[i] == c)
			S.conns[i] = NULL;
	buf_free(&c->out);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

/* Ends a connection: its request and fds go now; queued replies still go
 * out (until the frame timeout) before the socket is closed. */
void conn_close(struct conn *c)
{
	if (c->req && c->req->waiting && !c->req->logged)
		request_audit(c->req, "cancelled", NULL, "the requester left before a decision");
	if (c->req) {
		c->req->c = NULL;
		request_free(c->req);
	}
	close_fds(c->fds, c->nfds);
	c->nfds = 0;
	free(c->body);
	c->body = NULL;
	if (c->fd >= 0 && conn_has_output(c) && conn_flush(c) == 0 && conn_has_output(c)) {
		c->closing = true;
		c->deadline = time_mono_ms() + S.frame_timeout;
		shutdown(c->fd, SHUT_RD);
		return;
	}
	conn_free(c);
}

int daemon_ensure_key(char *why, size_t whylen)
{
	const char *ap = getenv("HUSH_ASKPASS");
	if (!ap || !*ap)
		ap = S.cfg.askpass;
	return keycache_ensure(ap, why, whylen);
}

/* --- connections --- */

/* One complete frame arrived. Returns -1 when c was closed. */
static int handle_frame(struct conn *c)
{
	uint8_t type = c->body[0];
	const uint8_t *body = c->body + 1;
	size_t blen = c->blen - 1;
	if (type == MSG_HELLO && !c->req && !c->hello) {
		return control_hello(c, body, blen) ? -1 : 0;
	}
	if (type == MSG_RUN && !c->req) {
		uint8_t *keep = c->body;
		c->body = NULL;
		run_request(c, body, blen);
		free(keep);
		return -1; /* handle_run either closed c or parked it on a request */
	}
	if (proto_control_type(type) && c->control && !c->req) {
		if (!control_request(c, type, body, blen))
			conn_close(c); /* one control request per connection */
		return -1;
	}
	if ((type == MSG_SIGNAL || type == MSG_WINSIZE) && c->req) {
		/* a waiting request: nothing runs yet, so the signal has no target;
		 * SIGINT/SIGTERM cancel the request */
		uint32_t sig = 0;
		if (type == MSG_SIGNAL && !proto_dec_signal(body, blen, &sig) &&
		    (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)) {
			conn_close(c);
			return -1;
		}
		return 0;
	}
	if (proto_control_type(type))
		conn_reply_error(c, 2, "this request is only accepted on the control socket", NULL);
	else
		conn_reply_error(c, 2, "unknown or unexpected message type", NULL);
	conn_close(c);
	return -1;
}

static void conn_read(struct conn *c)
{
	for (int rounds = 0; rounds < 16; rounds++) {
		uint8_t *dst;
		size_t want;
		if (c->hgot < PROTO_HDR) {
			dst = c->hdr + c->hgot;
			want = PROTO_HDR - c->hgot;
		} else {
			dst = c->body + c->bgot;
			want = c->blen - c->bgot;
		}
		union {
			char buf[CMSG_SPACE(sizeof(int) * PROTO_RUN_FDS * 2)];
			struct cmsghdr align;
		} u;
		struct iovec iov = { .iov_base = dst, .iov_len = want };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
				     .msg_controllen = sizeof(u.buf) };
		ssize_t n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		bool bad = n <= 0 || (mh.msg_flags & MSG_CTRUNC);
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int fds[PROTO_RUN_FDS * 2];
			memcpy(fds, CMSG_DATA(cm), k * sizeof(int));
			for (size_t i = 0; i < k; i++) {
				if (c->nfds < PROTO_RUN_FDS && !c->req)
					c->fds[c->nfds++] = fds[i];
				else {
					close(fds[i]);
					bad = true;
				}
			}
		}
		if (bad) {
			conn_close(c);
			return;
		}
		if (c->hgot < PROTO_HDR) {
			c->hgot += (size_t)n;
			if (c->hgot < PROTO_HDR)
				continue;
			uint32_t len = proto_get_len(c->hdr);
			if (proto_check_len(len)) {
				conn_reply_error(c, 2, "frame length out of bounds", NULL);
				conn_close(c);
				return;
			}
			c->blen = len;
			c->bgot = 0;
			c->body = malloc(len);
			if (!c->body) {
				conn_close(c);
				return;
			}
			continue;
		}
		c->bgot += (size_t)n;
		if (c->bgot < c->blen)
			continue;
		c->hgot = 0;
		c->deadline = time_mono_ms() + S.frame_timeout;
		if (handle_frame(c) < 0)
			return;
		free(c->body);
		c->body = NULL;
	}
}

/* poll() said something about c. */
static void conn_ready(struct conn *c, short revents)
{
	if ((revents & POLLOUT) && conn_flush(c) < 0) {
		conn_free(c);
		return;
	}
	if (c->closing) {
		if (!conn_has_output(c) || (revents & (POLLHUP | POLLERR)))
			conn_free(c);
		return;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR))
		conn_read(c);
}

static void accept_conn(int lfd, bool control)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0 || cr.uid != getuid()) {
		close(fd); /* another uid: refused without a word */
		return;
	}
	size_t slot = MAX_CONNS;
	for (size_t i = 0; i < MAX_CONNS; i++)
		if (!S.conns[i]) {
			slot = i;
			break;
		}
	struct conn *c = slot < MAX_CONNS ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	buf_init(&c->out, OUT_QUEUE_MAX, false);
	c->control = control;
	c->pid = cr.pid;
	c->uid = cr.uid;
	c->deadline = time_mono_ms() + S.frame_timeout;
	S.conns[slot] = c;
}

/* --- signals and children --- */

static void reap(void)
{
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		bool found = false;
		for (size_t i = 0; i < MAX_REQUESTS; i++) {
			struct request *r = S.reqs[i];
			if (r && r->confirm_pid == p) {
				found = true;
				r->confirm_pid = 0;
				bool yes = WIFEXITED(st) && WEXITSTATUS(st) == 0;
				request_decided(r, yes, r->via);
				break;
			}
		}
		for (size_t i = 0; !found && i < ARRAY_LEN(S.runners); i++) {
			if (S.runners[i] == p) {
				S.runners[i] = 0;
				S.running--;
				found = true;
			}
		}
	}
}

static void on_signal(void)
{
	struct signalfd_siginfo si;
	while (read(S.sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			S.stop = true;
			break;
		case SIGUSR1:
			keycache_drop();
			approval_clear();
			break;
		case SIGCHLD:
			reap();
			break;
		default:
			break;
		}
	}
}

static void timers(uint64_t now)
{
	for (size_t i = 0; i < MAX_REQUESTS; i++) {
		struct request *r = S.reqs[i];
		if (r && now >= r->deadline) {
			char what[256];
			snprintf(what, sizeof(what),
				 "request timed out: nobody approved grant '%s' in time", r->g->name);
			request_refuse(r, 77, "timeout", what,
			       "approve it while it waits: hush pending / hush approve");
		}
	}
	for (size_t i = 0; i < MAX_CONNS; i++) {
		struct conn *c = S.conns[i];
		if (c && !c->req && now >= c->deadline) {
			if (c->closing)
				conn_free(c); /* its replies never went out */
			else
				conn_close(c); /* idle or slow-drip client */
		}
	}
	if (keycache_have() && S.cfg.idle_lock && now - S.last_use >= S.cfg.idle_lock * 1000)
		keycache_drop();
	credproxy_sync();
}

static uint64_t next_deadline(uint64_t now)
{
	uint64_t d = now + 60000;
	for (size_t i = 0; i < MAX_REQUESTS; i++)
		if (S.reqs[i] && S.reqs[i]->deadline < d)
			d = S.reqs[i]->deadline;
	for (size_t i = 0; i < MAX_CONNS; i++)
		if (S.conns[i] && !S.conns[i]->req && S.conns[i]->deadline < d)
			d = S.conns[i]->deadline;
	if (keycache_have() && S.cfg.idle_lock) {
		uint64_t t = S.last_use + S.cfg.idle_lock * 1000;
		if (t < d)
			d = t;
	}
	return d;
}

/* --- setup --- */

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path); /* stale socket from a broker that died: we hold the lock */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int write_private(const char *path, const void *data, size_t len)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int r = write_all(fd, data, len);
	close(fd);
	return r;
}

/* After detaching: stdin from /dev/null, stdout and stderr (where the
 * "hushd: ..." lines go) appended to <data>/hushd.log, 0600; a log over
 * 1 MiB is moved to hushd.log.old first. */
static void detach_output(void)
{
	struct stat st;
	char old[PATH_MAX + 8];
	if (lstat(S.log_path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > DAEMON_LOG_MAX &&
	    !xsnprintf(old, sizeof(old), "%s.old", S.log_path))
		rename(S.log_path, old);
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	int log = open(S.log_path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (nul >= 0)
		dup2(nul, 0);
	if (log < 0)
		log = nul;
	if (log >= 0) {
		dup2(log, 1);
		dup2(log, 2);
	}
	if (nul > 2)
		close(nul);
	if (log > 2 && log != nul)
		close(log);
}

static void cleanup_files(void)
{
	unlink(S.client_sock);
	unlink(S.control_sock);
	unlink(S.token_path);
	unlink(S.pid_path);
}

static int setup_paths(void)
{
	char data[PATH_MAX];
	if (path_runtime(S.runtime, sizeof(S.runtime)) || path_data(data, sizeof(data)) ||
	    path_vault(S.vault_path, sizeof(S.vault_path)))
		return -1;
	if (xsnprintf(S.client_sock, sizeof(S.client_sock), "%s/client.sock", S.runtime) ||
	    xsnprintf(S.control_dir, sizeof(S.control_dir), "%s/control", S.runtime) ||
	    xsnprintf(S.control_sock, sizeof(S.control_sock), "%s/control/sock", S.runtime) ||
	    xsnprintf(S.token_path, sizeof(S.token_path), "%s/control/token", S.runtime) ||
	    xsnprintf(S.pid_path, sizeof(S.pid_path), "%s/hushd.pid", S.runtime) ||
	    xsnprintf(S.lock_path, sizeof(S.lock_path), "%s/hushd.lock", S.runtime) ||
	    xsnprintf(S.audit_path, sizeof(S.audit_path), "%s/audit.log", data) ||
	    xsnprintf(S.log_path, sizeof(S.log_path), "%s/" DAEMON_LOG_NAME, data))
		return -1;
	return 0;
}

/* Before anything listens: no core dumps, config, paths, private
 * directories. 0 or 1 (printed why). */
static int prepare(void)
{
	if (sodium_init() < 0) {
		msg_error("cannot start: libsodium failed to initialise");
		return 1;
	}
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
	umask(0077);
	char err[1024];
	if (config_load_default(&S.cfg, err, sizeof(err))) {
		msg_error("cannot load the configuration: %s", err);
		msg_hint("check it with: hush config check");
		return 2; /* as every command: docs/design.md, "Exit codes" */
	}
	if (setup_paths()) {
		msg_error("cannot start: paths too long");
		return 1;
	}
	int r = path_ensure_private_dir(S.runtime);
	if (!r)
		r = path_ensure_private_dir(S.control_dir);
	char data[PATH_MAX];
	if (!r && !path_data(data, sizeof(data)))
		r = path_ensure_private_dir(data);
	if (r) {
		msg_error("cannot use the runtime directory %s: %s", S.runtime, hush_strerror(r));
		msg_hint("it must be a directory owned by you, mode 0700 (set HUSH_RUNTIME_DIR)");
		return 1;
	}
	umask(0177); /* sockets and files from here on: 0600 */
	return 0;
}

/* The broker lock: 0, 1, or DAEMON_ALREADY_RUNNING (printed who). */
static int take_lock(void)
{
	S.lockfd = open(S.lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (S.lockfd < 0) {
		msg_error("cannot open %s: %s", S.lock_path, strerror(errno));
		return 1;
	}
	if (flock(S.lockfd, LOCK_EX | LOCK_NB) < 0) {
		char pid[32] = "?";
		int pf = open(S.pid_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (pf >= 0) {
			ssize_t n = read(pf, pid, sizeof(pid) - 1);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			close(pf);
		}
		msg_error("a broker is already running (pid %s)", pid);
		return DAEMON_ALREADY_RUNNING;
	}
	return 0;
}

/* Forks: the parent waits until the child listens and returns its exit
 * status; the child (the broker) returns -1 with *ready_fd to signal. */
static int detach(int *ready_fd)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return 1;
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid > 0) {
		close(p[1]);
		close(S.lockfd);
		char c;
		ssize_t n;
		while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
			;
		close(p[0]);
		if (n == 1)
			return 0;
		int st;
		waitpid(pid, &st, 0);
		return WIFEXITED(st) && WEXITSTATUS(st) ? WEXITSTATUS(st) : 1;
	}
	close(p[0]);
	*ready_fd = p[1];
	setsid();
	/* the lock taken by the parent stays with us: flock locks belong
	 * to the open file, which we share */
	return -1;
}

/* The poll loop, until a stop request or signal. */
static void serve(void)
{
	while (!S.stop) {
		struct pollfd p[4 + MAX_CONNS];
		struct conn *pc[4 + MAX_CONNS];
		nfds_t np = 0;
		p[np++] = (struct pollfd){ .fd = S.sfd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = S.lc, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = S.lk, .events = POLLIN };
		/* the credential proxy's asks (fd -1 while it is not running) */
		p[np++] = (struct pollfd){ .fd = credproxy_fd(), .events = POLLIN };
		for (size_t i = 0; i < MAX_CONNS; i++) {
			if (!S.conns[i])
				continue;
			struct conn *c = S.conns[i];
			short ev = c->closing ? 0 : POLLIN;
			if (conn_has_output(c))
				ev |= POLLOUT;
			pc[np] = c;
			p[np++] = (struct pollfd){ .fd = c->fd, .events = ev };
		}
		uint64_t now = time_mono_ms();
		uint64_t d = next_deadline(now);
		int n = poll(p, np, d > now ? (int)(d - now) : 0);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0) {
			if (p[0].revents)
				on_signal();
			if (p[1].revents)
				accept_conn(S.lc, false);
			if (p[2].revents)
				accept_conn(S.lk, true);
			if (p[3].revents)
				credproxy_serve();
			for (nfds_t i = 4; i < np; i++) {
				if (!p[i].revents)
					continue;
				bool live = false;
				for (size_t k = 0; k < MAX_CONNS; k++)
					if (S.conns[k] == pc[i])
						live = true;
				if (live)
					conn_ready(pc[i], p[i].revents);
			}
		}
		timers(time_mono_ms());
	}
}

int daemon_run(const struct daemon_opts *o)
{
	int ready_fd = o->ready_fd;
	int r = prepare();
	if (!r)
		r = take_lock();
	if (r)
		return r;
	if (!o->foreground && (r = detach(&ready_fd)) >= 0)
		return r;
	S.frame_timeout = DEFAULT_FRAME_TIMEOUT_MS;
	const char *ft = getenv("HUSH_BROKER_FRAME_TIMEOUT_MS");
	if (ft && *ft) {
		long v = strtol(ft, NULL, 10);
		if (v >= 100 && v <= 600000)
			S.frame_timeout = (uint64_t)v;
	}
	S.token = sodium_malloc(PROTO_TOKEN_BYTES);
	if (!S.token || keycache_init(S.vault_path)) {
		msg_error("cannot start: out of secure memory");
		return 1;
	}
	randombytes_buf(S.token, PROTO_TOKEN_BYTES);
	/* the token first: a client that reaches the socket can verify us */
	if (write_private(S.token_path, S.token, PROTO_TOKEN_BYTES) < 0) {
		msg_error("cannot write %s: %s", S.token_path, strerror(errno));
		cleanup_files();
		return 1;
	}
	S.lc = listen_at(S.client_sock);
	S.lk = S.lc >= 0 ? listen_at(S.control_sock) : -1;
	if (S.lc < 0 || S.lk < 0) {
		msg_error("cannot listen on %s: %s", S.lc < 0 ? S.client_sock : S.control_sock,
			  strerror(errno));
		cleanup_files();
		return 1;
	}
	char pidtxt[32];
	snprintf(pidtxt, sizeof(pidtxt), "%ld\n", (long)getpid());
	if (write_private(S.pid_path, pidtxt, strlen(pidtxt)) < 0) {
		msg_error("cannot write %s: %s", S.pid_path, strerror(errno));
		cleanup_files();
		return 1;
	}
	sodium_mprotect_readonly(S.token);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	S.sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	S.started = time_now();
	S.last_use = time_mono_ms();
	if (ready_fd >= 0) {
		if (write(ready_fd, "R", 1) < 0) {
			/* the starter is gone; keep running */
		}
		close(ready_fd);
		if (!o->foreground)
			detach_output();
	}
	serve();
	credproxy_stop();
	for (size_t i = 0; i < MAX_CONNS; i++) {
		if (S.conns[i])
			conn_close(S.conns[i]);
		if (S.conns[i])
			conn_free(S.conns[i]);
	}
	cleanup_files();
	close(S.lc);
	close(S.lk);
	session_clear();
	keycache_free();
	sodium_free(S.token);
	config_free(&S.cfg);
	return 0;
}
