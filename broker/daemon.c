/* hushd main loop: sockets, connections, requests, approvals, unlock.
 * See daemon.h; the wire format is in common/proto.h and docs/protocol.md. */
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
#include "broker/audit.h"
#include "broker/confirm.h"
#include "broker/grant.h"
#include "broker/mask.h"
#include "broker/session.h"
#include "broker/spawn.h"
#include "common/err.h"
#include "common/proto.h"
#include "common/util.h"
#include "config/config.h"
#include "vault/vault.h"

#define MAX_CONNS 128
#define MAX_REQUESTS PROTO_MAX_PENDING
#define DEFAULT_FRAME_TIMEOUT_MS 10000
/* Replies wait in a connection's output queue until the socket takes them
 * (drained on POLLOUT, as ssh-agent does): a reply is never torn by a full
 * socket buffer. A peer that lets more than this pile up is dropped. */
#define OUT_QUEUE_MAX (2 * (PROTO_HDR + PROTO_MAX_MSG))

struct request;

struct conn {
	int fd;
	bool control;
	pid_t pid;
	uid_t uid;
	uint8_t hdr[PROTO_HDR];
	size_t hgot;
	uint8_t *body;
	uint32_t blen;
	size_t bgot;
	int fds[PROTO_RUN_FDS];
	size_t nfds;
	uint64_t deadline;
	bool hello;   /* a HELLO was answered: at most one per connection */
	struct buf out;   /* queued reply bytes, out.off already sent */
	bool closing;     /* closed, but the queued replies still go out */
	struct request *req;
};

struct request {
	uint64_t id;
	struct conn *c;
	struct proto_run run;
	int fds[PROTO_RUN_FDS];
	const struct grant *g;
	char exe[PATH_MAX];
	char cwd[PATH_MAX];
	char peer_exe[PATH_MAX];
	char secret_names[1024];
	pid_t pid;
	uid_t uid;
	pid_t confirm_pid;
	const char *via;
	const char *fallback; /* why the desktop dialog was not used, or NULL */
	uint64_t created, deadline;
	bool waiting; /* in the pending list */
	bool logged;  /* its audit line is written (or the runner writes it) */
};

static struct {
	struct config cfg;
	char runtime[PATH_MAX], client_sock[PATH_MAX], control_dir[PATH_MAX],
		control_sock[PATH_MAX], token_path[PATH_MAX], pid_path[PATH_MAX],
		lock_path[PATH_MAX], vault_path[PATH_MAX], audit_path[PATH_MAX],
		log_path[PATH_MAX];
	int lc, lk, sfd, lockfd;
	uint8_t *token;
	uint8_t *key;
	bool have_key;
	struct conn *conns[MAX_CONNS];
	struct request *reqs[MAX_REQUESTS];
	uint64_t next_id;
	unsigned running;
	pid_t runners[1024];
	int64_t started;
	uint64_t last_use;
	uint64_t frame_timeout;
	bool stop;
} S;

/* --- small helpers --- */

static void key_drop(void)
{
	if (!S.key)
		return;
	sodium_mprotect_readwrite(S.key);
	sodium_memzero(S.key, VAULT_KEY_BYTES);
	sodium_mprotect_noaccess(S.key);
	S.have_key = false;
}

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

static bool conn_has_output(const struct conn *c)
{
	return c->out.len > c->out.off;
}

/* Queues a whole frame and sends what the socket takes now. */
static int send_frame(struct conn *c, struct buf *b)
{
	if (buf_put_bytes(&c->out, b->data, b->len)) {
		/* the peer does not read: hang up, poll reports it */
		shutdown(c->fd, SHUT_RDWR);
		return -1;
	}
	return conn_flush(c);
}

static void reply_error(struct conn *c, uint8_t status, const char *what, const char *hint)
{
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	if (!proto_enc_error(&b, status, what, hint))
		send_frame(c, &b);
	buf_free(&b);
}

static void reply_ok(struct conn *c, const char *text)
{
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	if (!proto_enc_ok(&b, text))
		send_frame(c, &b);
	buf_free(&b);
}

static void send_notice(struct conn *c, const char *text)
{
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	if (!proto_enc_notice(&b, text))
		send_frame(c, &b);
	buf_free(&b);
}

static void close_fds(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

static void request_free(struct request *r)
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
	close_fds(r->fds, PROTO_RUN_FDS);
	proto_run_free(&r->run);
	if (r->c)
		r->c->req = NULL;
	free(r);
}

static void audit_request(struct request *r, const char *decision, const char *by,
			  const char *reason);

static void conn_free(struct conn *c)
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
static void conn_close(struct conn *c)
{
	if (c->req && c->req->waiting && !c->req->logged)
		audit_request(c->req, "cancelled", NULL, "the requester left before a decision");
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

static void audit_request(struct request *r, const char *decision, const char *by,
			  const char *reason)
{
	r->logged = true;
	struct audit_event ev = {
		.time = time_now(),
		.grant = r->g ? r->g->name : NULL,
		.exe = r->exe[0] ? r->exe : r->run.argv[0],
		.argv = r->run.argv + 1,
		.argc = r->run.argc - 1,
		.cwd = r->cwd,
		.pid = r->pid,
		.uid = r->uid,
		.decision = decision,
		.approved_by = by,
		.reason = reason,
		.fallback = r->fallback,
		.exit_status = -1,
	};
	int e = audit_append(S.audit_path, &ev);
	if (e)
		msg_error("cannot append to the audit log %s: %s", S.audit_path, hush_strerror(e));
}

/* Refuses a request: reply, audit, close the connection. */
static void refuse(struct request *r, uint8_t status, const char *decision, const char *what,
		   const char *hint)
{
	audit_request(r, decision, NULL, what);
	if (r->c) {
		struct conn *c = r->c;
		reply_error(c, status, what, hint);
		conn_close(c); /* frees r too */
	} else {
		request_free(r);
	}
}

/* --- vault key --- */

static int run_askpass(const char *prog, char **pass, size_t *len)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return HUSH_EIO;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return HUSH_EIO;
	}
	if (pid == 0) {
		dup2(p[1], 1);
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 2); /* nothing it says goes to the broker's log */
		}
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execl(prog, prog, "hush: passphrase to unlock the vault", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char *buf = sodium_malloc(PROTO_MAX_PASS + 1);
	size_t got = 0;
	if (buf) {
		for (;;) {
			ssize_t r = read(p[0], buf + got, PROTO_MAX_PASS - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
			if (got == PROTO_MAX_PASS)
				break;
		}
	}
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!buf)
		return HUSH_ENOMEM;
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
		got--;
	buf[got] = '\0';
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || got == 0) {
		sodium_free(buf);
		return HUSH_ECANCELED;
	}
	*pass = buf;
	*len = got;
	return 0;
}

/* Derives the key from a passphrase and checks it opens the vault; the
 * cached key is replaced only on success. */
static int unlock_with_pass(const char *pass, size_t len)
{
	uint8_t *k = sodium_malloc(VAULT_KEY_BYTES);
	if (!k)
		return HUSH_ENOMEM;
	int r = vault_derive_key(S.vault_path, pass, len, k);
	if (!r) {
		struct vault *v = NULL;
		struct vault_unlock u = { .key = k };
		r = vault_open(S.vault_path, &u, 0, &v);
		vault_close(v);
	}
	if (!r) {
		sodium_mprotect_readwrite(S.key);
		memcpy(S.key, k, VAULT_KEY_BYTES);
		sodium_mprotect_noaccess(S.key);
		S.have_key = true;
	}
	sodium_free(k);
	return r;
}

/* Makes sure the key is cached: keyring vaults fetch it, passphrase vaults
 * use an askpass program from the broker's own environment or config. */
static int ensure_key(char *why, size_t whylen)
{
	if (S.have_key)
		return 0;
	struct vault_info info;
	int r = vault_probe(S.vault_path, &info);
	if (r)
		return r;
	if (info.source == VAULT_KEY_KEYRING) {
		sodium_mprotect_readwrite(S.key);
		r = keyring_lookup(info.id, S.key, why, whylen);
		S.have_key = (r == 0);
		if (r)
			sodium_memzero(S.key, VAULT_KEY_BYTES);
		sodium_mprotect_noaccess(S.key);
		return r;
	}
	const char *ap = getenv("HUSH_ASKPASS");
	if (!ap || !*ap)
		ap = S.cfg.askpass;
	if (!ap || !*ap)
		return HUSH_ELOCKED;
	char *pass;
	size_t plen;
	if (run_askpass(ap, &pass, &plen))
		return HUSH_ELOCKED;
	r = unlock_with_pass(pass, plen);
	sodium_memzero(pass, plen);
	sodium_free(pass);
	return r ? HUSH_ELOCKED : 0;
}

/* --- starting an approved run --- */

static void start_run(struct request *r, const char *by)
{
	const struct grant *g = r->g;
	char what[PATH_MAX + 512];
	struct spawn_env env;
	struct mask *mo = NULL, *me = NULL;
	bool masking = !(r->run.flags & PROTO_RUN_NO_MASK);
	if (spawn_env_build(&env, g, r->run.env, r->run.envc)) {
		refuse(r, 1, "failed", "out of memory", NULL);
		return;
	}
	if (masking) {
		mo = mask_new();
		me = mask_new();
		if (!mo || !me) {
			mask_free(mo);
			mask_free(me);
			spawn_env_free(&env);
			refuse(r, 1, "failed", "out of memory", NULL);
			return;
		}
	}
	char notices[1024] = "";
	const char *sa = getenv("SSH_AUTH_SOCK");
	if (g->ssh_agent && (!sa || sa[0] != '/'))
		snprintf(notices, sizeof(notices),
			 "grant '%s' has ssh_agent = yes, but the broker has no SSH_AUTH_SOCK "
			 "(start it from a session where ssh-agent runs)", g->name);
	if (g->nsecrets > 0) {
		char why[256] = "";
		int k = ensure_key(why, sizeof(why));
		struct vault *v = NULL;
		if (!k) {
			sodium_mprotect_readonly(S.key);
			struct vault_unlock u = { .key = S.key };
			k = vault_open(S.vault_path, &u, 0, &v);
			sodium_mprotect_noaccess(S.key);
			if (k == HUSH_EAUTH)
				key_drop();
		}
		if (k) {
			mask_free(mo);
			mask_free(me);
			spawn_env_free(&env);
			if (k == HUSH_ENOENT)
				refuse(r, 77, "refused", "no vault", "create one with: hush init");
			else
				refuse(r, 77, "refused", "vault is locked",
				       "unlock it from a terminal outside the sandbox: hush unlock");
			return;
		}
		for (size_t i = 0; i < g->nsecrets; i++) {
			const char *val;
			size_t len;
			int e = vault_get(v, g->secrets[i].secret, &val, &len);
			if (e) {
				vault_close(v);
				mask_free(mo);
				mask_free(me);
				spawn_env_free(&env);
				snprintf(what, sizeof(what), "secret '%s' (grant '%s') is not in the vault",
					 g->secrets[i].secret, g->name);
				char hint[256];
				snprintf(hint, sizeof(hint), "add it with: hush set %s", g->secrets[i].secret);
				refuse(r, 1, "failed", what, hint);
				return;
			}
			if (spawn_env_set(&env, g->secrets[i].env, val, len)) {
				vault_close(v);
				mask_free(mo);
				mask_free(me);
				spawn_env_free(&env);
				refuse(r, 1, "failed", "environment too large", NULL);
				return;
			}
			if (masking) {
				int m1 = mask_add(mo, g->secrets[i].secret, (const uint8_t *)val, len);
				mask_add(me, g->secrets[i].secret, (const uint8_t *)val, len);
				if (m1 == HUSH_EINVAL) {
					size_t o = strlen(notices);
					snprintf(notices + o, sizeof(notices) - o,
						 "%ssecret '%s' is shorter than %d bytes and is not masked",
						 o ? "; " : "", g->secrets[i].secret, MASK_MIN_LEN);
				}
			}
		}
		vault_close(v);
		S.last_use = time_mono_ms();
	}
	if (S.running >= ARRAY_LEN(S.runners)) {
		mask_free(mo);
		mask_free(me);
		spawn_env_free(&env);
		refuse(r, 1, "failed", "too many commands are running through the broker",
		       "wait for some to finish");
		return;
	}
	int xfd = grant_open_exec(r->exe, g->sha256);
	if (xfd < 0) {
		mask_free(mo);
		mask_free(me);
		spawn_env_free(&env);
		if (xfd == HUSH_EPERM && g->sha256) {
			snprintf(what, sizeof(what), "%s does not match the sha256 pin of grant '%s'",
				 r->exe, g->name);
			refuse(r, 77, "refused", what,
			       "if the program was updated on purpose, update sha256 in config.ini");
		} else {
			snprintf(what, sizeof(what), "cannot open %s", r->exe);
			refuse(r, 1, "failed", what, NULL);
		}
		return;
	}
	struct conn *c = r->c;
	if (notices[0])
		send_notice(c, notices);
	/* the child's argv: the granted executable's path, then the arguments */
	char **argv = calloc(r->run.argc + 1, sizeof(char *));
	if (!argv) {
		close(xfd);
		mask_free(mo);
		mask_free(me);
		spawn_env_free(&env);
		refuse(r, 1, "failed", "out of memory", NULL);
		return;
	}
	argv[0] = r->exe;
	for (size_t i = 1; i < r->run.argc; i++)
		argv[i] = r->run.argv[i];
	pid_t pid = fork();
	if (pid == 0) {
		int fl = fcntl(c->fd, F_GETFL);
		if (fl >= 0)
			fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
		/* replies still queued (notices, WAITING) go out first */
		if (conn_has_output(c) &&
		    write_all(c->fd, c->out.data + c->out.off, c->out.len - c->out.off) < 0)
			_exit(1);
		struct run_job j = {
			.conn = c->fd, .cwd_fd = r->fds[0], .in_fd = r->fds[1], .out_fd = r->fds[2],
			.err_fd = r->fds[3], .exec_fd = xfd, .argv = argv, .env = &env,
			.mask = mo, .mask_err = me, .tty = (r->run.flags & PROTO_RUN_TTY) != 0,
			.rows = r->run.rows, .cols = r->run.cols, .audit_path = S.audit_path,
		};
		j.ev = (struct audit_event){
			.time = time_now(), .grant = g->name, .exe = r->exe, .argv = r->run.argv + 1,
			.argc = r->run.argc - 1, .cwd = r->cwd, .pid = r->pid, .uid = r->uid,
			.decision = "allowed", .approved_by = by, .fallback = r->fallback,
			.exit_status = -1,
		};
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (S.key) {
			sodium_mprotect_readwrite(S.key);
			sodium_memzero(S.key, VAULT_KEY_BYTES);
		}
		int *keep[] = { &j.conn, &j.cwd_fd, &j.in_fd, &j.out_fd, &j.err_fd, &j.exec_fd };
		spawn_keep_fds(keep, ARRAY_LEN(keep));
		_exit(spawn_runner(&j));
	}
	close(xfd);
	free(argv);
	mask_free(mo);
	mask_free(me);
	spawn_env_free(&env);
	if (pid < 0) {
		refuse(r, 1, "failed", "cannot start the command: fork failed", NULL);
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(S.runners); i++) {
		if (!S.runners[i]) {
			S.runners[i] = pid;
			S.running++;
			break;
		}
	}
	r->logged = true; /* the runner writes the audit line with the exit status */
	buf_reset(&c->out); /* the runner sent those */
	conn_close(c); /* the runner owns the connection now; frees r */
}

/* The human (or policy) decided. */
static void decide(struct request *r, bool yes, const char *by)
{
	r->confirm_pid = 0;
	if (!yes) {
		char what[256];
		snprintf(what, sizeof(what), "denied: grant '%s' was not approved (%s)", r->g->name, by);
		refuse(r, 77, "denied", what, NULL);
		return;
	}
	if (r->g->policy == CONFIRM_POLICY_TTL && strcmp(by, "ttl-reuse") && strcmp(by, "policy")) {
		uint64_t ttl = r->g->ttl ? r->g->ttl : S.cfg.approval_ttl;
		if (ttl)
			approval_add(r->g->name, r->cwd, ttl, time_mono_ms());
	}
	start_run(r, by);
}

/* --- run requests --- */

static int add_request(struct request *r)
{
	for (size_t i = 0; i < MAX_REQUESTS; i++) {
		if (!S.reqs[i]) {
			S.reqs[i] = r;
			return 0;
		}
	}
	return -1;
}

static void handle_run(struct conn *c, const uint8_t *body, size_t blen)
{
	if (c->nfds != PROTO_RUN_FDS) {
		reply_error(c, 2, "run request without its file descriptors", NULL);
		conn_close(c);
		return;
	}
	struct request *r = calloc(1, sizeof(*r));
	if (!r) {
		conn_close(c);
		return;
	}
	r->id = ++S.next_id;
	r->c = c;
	c->req = r;
	memcpy(r->fds, c->fds, sizeof(r->fds));
	c->nfds = 0;
	r->pid = c->pid;
	r->uid = c->uid;
	if (proto_dec_run(body, blen, &r->run)) {
		reply_error(c, 2, "malformed run request", NULL);
		conn_close(c);
		return;
	}
	/* the requester's working directory, from the O_PATH fd it passed */
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", r->fds[0]);
	struct stat st;
	ssize_t n = readlink(link, r->cwd, sizeof(r->cwd) - 1);
	if (n <= 0 || r->cwd[0] != '/' || fstat(r->fds[0], &st) < 0 || !S_ISDIR(st.st_mode)) {
		r->cwd[0] = '\0';
		reply_error(c, 2, "the working directory passed is not a directory", NULL);
		conn_close(c);
		return;
	}
	r->cwd[n] = '\0';
	snprintf(link, sizeof(link), "/proc/%ld/exe", (long)r->pid);
	n = readlink(link, r->peer_exe, sizeof(r->peer_exe) - 1);
	r->peer_exe[n > 0 ? n : 0] = '\0';

	char why[512], what[1024];
	int e = grant_find(&S.cfg, r->run.grant, r->run.argv, r->run.argc, r->cwd, &r->g, r->exe,
			   why, sizeof(why));
	if (e == HUSH_ENOENT) {
		if (r->run.grant[0])
			snprintf(what, sizeof(what), "no grant '%s' allows %s", r->run.grant, r->run.argv[0]);
		else
			snprintf(what, sizeof(what), "no grant allows %s", r->run.argv[0]);
		refuse(r, 77, "refused", what,
		       "a human can add a [grant NAME] section with command = /absolute/path "
		       "to config.ini (see docs/config.md), then restart the broker: hush stop");
		return;
	}
	if (e) {
		snprintf(what, sizeof(what), "%s", why[0] ? why : "request does not match any grant");
		refuse(r, 77, "refused", what,
		       "run the command with arguments and in a directory its grant allows "
		       "(hush grant list)");
		return;
	}
	if ((r->run.flags & PROTO_RUN_NO_MASK) && !r->g->allow_no_mask) {
		snprintf(what, sizeof(what), "grant '%s' does not allow --no-mask", r->g->name);
		refuse(r, 77, "refused", what, "set allow_no_mask = true in the grant, or drop --no-mask");
		return;
	}
	size_t o = 0;
	for (size_t i = 0; i < r->g->nsecrets && o < sizeof(r->secret_names); i++) {
		int w = snprintf(r->secret_names + o, sizeof(r->secret_names) - o, "%s%s",
				 i ? "," : "", r->g->secrets[i].env);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	/* a locked vault with no way to unlock: refuse before bothering a human */
	if (r->g->nsecrets > 0) {
		char kwhy[256] = "";
		int k = ensure_key(kwhy, sizeof(kwhy));
		if (k == HUSH_ENOENT) {
			refuse(r, 77, "refused", "no vault", "create one with: hush init");
			return;
		}
		if (k) {
			refuse(r, 77, "refused", "vault is locked",
			       "unlock it from a terminal outside the sandbox: hush unlock");
			return;
		}
	}
	uint64_t now = time_mono_ms();
	enum confirm_ui ui = r->g->ui != CONFIRM_UI_DEFAULT ? r->g->ui : S.cfg.confirm;
	if (r->g->policy == CONFIRM_POLICY_NEVER || ui == CONFIRM_UI_NONE) {
		decide(r, true, "policy");
		return;
	}
	if (approval_check(r->g->name, r->cwd, now)) {
		decide(r, true, "ttl-reuse");
		return;
	}
	if (add_request(r) == 0) {
		r->waiting = true;
	} else {
		refuse(r, 1, "refused", "too many requests are waiting for approval",
		       "approve or deny some: hush pending");
		return;
	}
	r->created = now;
	r->deadline = now + (S.cfg.request_timeout ? S.cfg.request_timeout : 120) * 1000;
	const char *prog = NULL, *kind = "command";
	char dpath[PATH_MAX];
	const char *env_confirm = getenv("HUSH_CONFIRM");
	if (ui == CONFIRM_UI_DESKTOP && !(env_confirm && env_confirm[0] == '/') &&
	    (r->fallback = session_desktop_refusal(r->pid))) {
		/* a sandbox shares the display: a command UI if one is configured,
		 * else the terminal */
		const char *cmd = r->g->confirm_command ? r->g->confirm_command : S.cfg.confirm_command;
		ui = cmd ? CONFIRM_UI_COMMAND : CONFIRM_UI_TERMINAL;
		char note[512];
		snprintf(note, sizeof(note), "no desktop dialog for this request: %s; asking %s instead",
			 r->fallback, cmd ? "the confirmation command" : "from a terminal");
		send_notice(c, note);
	}
	if (ui == CONFIRM_UI_TERMINAL) {
		r->via = "terminal";
	} else {
		if (env_confirm && env_confirm[0] == '/')
			prog = env_confirm;
		else if (ui == CONFIRM_UI_COMMAND)
			prog = r->g->confirm_command ? r->g->confirm_command : S.cfg.confirm_command;
		else if (!confirm_find_desktop(dpath, sizeof(dpath), &kind))
			prog = dpath;
		if (!prog) {
			refuse(r, 77, "refused",
			       "no way to ask a human for confirmation (no display, no dialog program, "
			       "no confirmation command)",
			       "set confirm = terminal in [broker] of config.ini, then approve from a "
			       "terminal with: hush pending / hush approve");
			return;
		}
		r->via = ui == CONFIRM_UI_DESKTOP && strcmp(kind, "command") ? "ui" : "command";
		struct confirm_info ci = {
			.grant = r->g->name, .command = r->exe, .argv = r->run.argv + 1,
			.argc = r->run.argc - 1, .cwd = r->cwd, .pid = r->pid, .exe = r->peer_exe,
			.secrets = r->secret_names,
		};
		if (confirm_launch(kind, prog, &ci, &r->confirm_pid)) {
			refuse(r, 77, "refused", "cannot start the confirmation program", NULL);
			return;
		}
	}
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	if (!proto_enc_waiting(&b, r->id, r->via))
		send_frame(c, &b);
	buf_free(&b);
}

/* --- control requests --- */

static struct request *find_request(uint64_t id, struct conn *c)
{
	struct request *only = NULL;
	size_t count = 0;
	for (size_t i = 0; i < MAX_REQUESTS; i++) {
		if (!S.reqs[i])
			continue;
		if (id && S.reqs[i]->id == id)
			return S.reqs[i];
		only = S.reqs[i];
		count++;
	}
	if (id) {
		char what[64];
		snprintf(what, sizeof(what), "no pending request %llu", (unsigned long long)id);
		reply_error(c, 1, what, "list them with: hush pending");
		return NULL;
	}
	if (count == 1)
		return only;
	reply_error(c, count ? 2 : 1,
		    count ? "several requests are pending: name one" : "no request is pending",
		    count ? "list them with: hush pending" : NULL);
	return NULL;
}

static void reply_status(struct conn *c)
{
	uint64_t now = time_mono_ms();
	struct proto_status st = {
		.pid = (uint32_t)getpid(), .locked = S.have_key ? 0 : 1,
		.approvals = approval_count(now), .running = S.running,
		.sessions = (uint32_t)session_prune(),
		.uptime = (uint64_t)(time_now() - S.started),
	};
	for (size_t i = 0; i < MAX_REQUESTS; i++)
		if (S.reqs[i])
			st.pending++;
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	if (!proto_enc_status(&b, &st))
		send_frame(c, &b);
	buf_free(&b);
}

static void reply_pending(struct conn *c)
{
	struct proto_pending_item items[MAX_REQUESTS];
	struct proto_pending p = { .items = items };
	uint64_t now = time_mono_ms();
	for (size_t i = 0; i < MAX_REQUESTS; i++) {
		struct request *r = S.reqs[i];
		if (!r)
			continue;
		items[p.n++] = (struct proto_pending_item){
			.id = r->id, .grant = r->g->name, .command = r->exe, .argv = r->run.argv + 1,
			.argc = r->run.argc - 1, .cwd = r->cwd, .pid = (uint32_t)r->pid,
			.exe = r->peer_exe, .age = (now - r->created) / 1000,
		};
	}
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	if (!proto_enc_pending(&b, &p))
		send_frame(c, &b);
	else
		reply_error(c, 1, "pending list too large", NULL);
	buf_free(&b);
}

static void reply_session_open(struct conn *c, const struct proto_session *ps)
{
	uint64_t id;
	int e = session_open(ps, &id);
	if (e) {
		reply_error(c, e == HUSH_ETOOBIG ? 1 : 2,
			    e == HUSH_ETOOBIG   ? "too many sandbox sessions are registered"
			    : e == HUSH_ENOENT ? "cannot register the session: no such process"
					       : "cannot register the session: its process or pid "
						 "namespace does not match",
			    NULL);
		return;
	}
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	if (!proto_enc_session_reply(&b, id))
		send_frame(c, &b);
	buf_free(&b);
}

/* Answers a HELLO: proves to the client that we hold the control token,
 * bound to the client's pid as the kernel reports it to us. Returns true
 * when c was closed. */
static bool reply_hello(struct conn *c, const uint8_t *body, size_t blen)
{
	uint8_t ch[PROTO_CHALLENGE_BYTES], proof[PROTO_PROOF_BYTES];
	if (proto_dec_hello(body, blen, ch)) {
		reply_error(c, 2, "malformed hello", NULL);
		conn_close(c);
		return true;
	}
	proto_hello_proof(S.token, ch, (uint32_t)c->pid, proof);
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	if (!proto_enc_hello_reply(&b, proof))
		send_frame(c, &b);
	buf_free(&b);
	sodium_memzero(proof, sizeof(proof));
	c->hello = true;
	return false;
}

/* Returns true when c was closed. */
static bool handle_control(struct conn *c, uint8_t type, const uint8_t *body, size_t blen)
{
	struct proto_control ctl;
	if (proto_dec_control(type, body, blen, &ctl)) {
		reply_error(c, 2, "malformed control request", NULL);
		conn_close(c);
		return true;
	}
	if (sodium_memcmp(ctl.token, S.token, PROTO_TOKEN_BYTES) != 0) {
		proto_control_free(&ctl);
		reply_error(c, 77, "control request refused: wrong token", NULL);
		conn_close(c);
		return true;
	}
	struct request *r;
	switch (type) {
	case MSG_STATUS:
		reply_status(c);
		break;
	case MSG_STOP:
		reply_ok(c, "stopping");
		S.stop = true;
		break;
	case MSG_LOCK:
		key_drop();
		approval_clear();
		reply_ok(c, "locked; approvals dropped");
		break;
	case MSG_UNLOCK: {
		struct vault_info info;
		int e = vault_probe(S.vault_path, &info);
		char why[256] = "";
		if (!e && info.source == VAULT_KEY_KEYRING) {
			key_drop();
			e = ensure_key(why, sizeof(why));
		} else if (!e) {
			e = unlock_with_pass(ctl.pass, ctl.passlen);
		}
		if (!e) {
			S.last_use = time_mono_ms();
			reply_ok(c, "unlocked");
		} else if (e == HUSH_EAUTH) {
			reply_error(c, 1, "cannot unlock: wrong passphrase", NULL);
		} else {
			char what[512];
			snprintf(what, sizeof(what), "cannot unlock: %s%s%s", hush_strerror(e),
				 why[0] ? ": " : "", why);
			reply_error(c, 1, what, e == HUSH_ENOENT ? "create a vault with: hush init" : NULL);
		}
		break;
	}
	case MSG_PENDING:
		reply_pending(c);
		break;
	case MSG_APPROVE:
		if (!(r = find_request(ctl.id, c)))
			break;
		if (ctl.for_secs)
			approval_add(r->g->name, r->cwd, ctl.for_secs, time_mono_ms());
		if (r->confirm_pid > 0)
			kill(-r->confirm_pid, SIGKILL);
		reply_ok(c, "approved");
		decide(r, true, "terminal");
		break;
	case MSG_SESSION_OPEN:
		reply_session_open(c, &ctl.session);
		break;
	case MSG_SESSION_CLOSE:
		if (session_close(ctl.id))
			reply_error(c, 1, "no such session", NULL);
		else
			reply_ok(c, "session ended");
		break;
	case MSG_DENY:
		if (!(r = find_request(ctl.id, c)))
			break;
		if (r->confirm_pid > 0)
			kill(-r->confirm_pid, SIGKILL);
		reply_ok(c, "denied");
		decide(r, false, "terminal");
		break;
	}
	proto_control_free(&ctl);
	return false;
}

/* --- connections --- */

/* One complete frame arrived. Returns -1 when c was closed. */
static int handle_frame(struct conn *c)
{
	uint8_t type = c->body[0];
	const uint8_t *body = c->body + 1;
	size_t blen = c->blen - 1;
	if (type == MSG_HELLO && !c->req && !c->hello) {
		return reply_hello(c, body, blen) ? -1 : 0;
	}
	if (type == MSG_RUN && !c->req) {
		uint8_t *keep = c->body;
		c->body = NULL;
		handle_run(c, body, blen);
		free(keep);
		return -1; /* handle_run either closed c or parked it on a request */
	}
	if (proto_control_type(type) && c->control && !c->req) {
		if (!handle_control(c, type, body, blen))
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
		reply_error(c, 2, "this request is only accepted on the control socket", NULL);
	else
		reply_error(c, 2, "unknown or unexpected message type", NULL);
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
				reply_error(c, 2, "frame length out of bounds", NULL);
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
				decide(r, yes, r->via);
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
			key_drop();
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
			refuse(r, 77, "timeout", what,
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
	if (S.have_key && S.cfg.idle_lock && now - S.last_use >= S.cfg.idle_lock * 1000)
		key_drop();
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
	if (S.have_key && S.cfg.idle_lock) {
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

int daemon_run(const struct daemon_opts *o)
{
	int ready_fd = o->ready_fd;
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
		return 1;
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
	if (!o->foreground) {
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
		ready_fd = p[1];
		setsid();
		/* the lock taken by the parent stays with us: flock locks belong
		 * to the open file, which we share */
	}
	S.frame_timeout = DEFAULT_FRAME_TIMEOUT_MS;
	const char *ft = getenv("HUSH_BROKER_FRAME_TIMEOUT_MS");
	if (ft && *ft) {
		long v = strtol(ft, NULL, 10);
		if (v >= 100 && v <= 600000)
			S.frame_timeout = (uint64_t)v;
	}
	S.token = sodium_malloc(PROTO_TOKEN_BYTES);
	S.key = sodium_malloc(VAULT_KEY_BYTES);
	if (!S.token || !S.key) {
		msg_error("cannot start: out of secure memory");
		return 1;
	}
	randombytes_buf(S.token, PROTO_TOKEN_BYTES);
	sodium_mprotect_noaccess(S.key);
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
	while (!S.stop) {
		struct pollfd p[3 + MAX_CONNS];
		struct conn *pc[3 + MAX_CONNS];
		nfds_t np = 0;
		p[np++] = (struct pollfd){ .fd = S.sfd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = S.lc, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = S.lk, .events = POLLIN };
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
			for (nfds_t i = 3; i < np; i++) {
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
	key_drop();
	sodium_free(S.key);
	sodium_free(S.token);
	config_free(&S.cfg);
	return 0;
}
