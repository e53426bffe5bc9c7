/* SPDX-License-Identifier: ISC */
/* hushd run requests: matching a RUN to a grant, the checks before a
 * human is bothered, how the human is asked (with the desktop fallback for
 * sandboxes that share the display), and starting the runner. */
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
#include "broker/credproxy.h"
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
#include "broker/decide.h"

void request_audit(struct request *r, const char *decision, const char *by,
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
void request_refuse(struct request *r, uint8_t status, const char *decision, const char *what,
		   const char *hint)
{
	if (r->ask) {
		/* the proxy writes the audit line of a refused use */
		credproxy_answer(r, false, decision);
		return;
	}
	request_audit(r, decision, NULL, what);
	if (r->c) {
		struct conn *c = r->c;
		conn_reply_error(c, status, what, hint);
		conn_close(c); /* frees r too */
	} else {
		request_free(r);
	}
}

/* The key cache with this broker's askpass: HUSH_ASKPASS from its own
 * environment, else [vault] askpass. */
/* --- starting an approved run --- */

/* Puts the grant's secrets from the vault into env and the maskers (mo and
 * me, NULL when not masking); notes secrets too short to mask in
 * notices[nn]. 0, or -1 after refusing r (the caller frees the rest). */
static int inject_secrets(struct request *r, struct spawn_env *env, struct mask *mo,
			  struct mask *me, char *notices, size_t nn)
{
	const struct grant *g = r->g;
	char what[512];
	char why[256] = "";
	int k = daemon_ensure_key(why, sizeof(why));
	struct vault *v = NULL;
	if (!k)
		k = keycache_open_vault(&v);
	if (k) {
		if (k == HUSH_ENOENT)
			request_refuse(r, 77, "refused", "no vault", "create one with: hush init");
		else
			request_refuse(r, 77, "refused", "vault is locked",
			       "unlock it from a terminal outside the sandbox: hush unlock");
		return -1;
	}
	for (size_t i = 0; i < g->nsecrets; i++) {
		const char *val;
		size_t len;
		int e = vault_get(v, g->secrets[i].secret, &val, &len);
		if (e) {
			vault_close(v);
			snprintf(what, sizeof(what), "secret '%s' (grant '%s') is not in the vault",
				 g->secrets[i].secret, g->name);
			char hint[256];
			snprintf(hint, sizeof(hint), "add it with: hush set %s", g->secrets[i].secret);
			request_refuse(r, 1, "failed", what, hint);
			return -1;
		}
		if (spawn_env_set(env, g->secrets[i].env, val, len)) {
			vault_close(v);
			request_refuse(r, 1, "failed", "environment too large", NULL);
			return -1;
		}
		if (mo) {
			int m1 = mask_add(mo, g->secrets[i].secret, (const uint8_t *)val, len);
			mask_add(me, g->secrets[i].secret, (const uint8_t *)val, len);
			if (m1 == HUSH_EINVAL) {
				size_t o = strlen(notices);
				snprintf(notices + o, nn - o,
					 "%ssecret '%s' is shorter than %d bytes and is not masked",
					 o ? "; " : "", g->secrets[i].secret, MASK_MIN_LEN);
			}
		}
	}
	vault_close(v);
	S.last_use = time_mono_ms();
	return 0;
}

/* What a run holds in the broker until its runner is forked: released on
 * every way out of start_run() (the runner works on its own copy). */
struct run_parts {
	struct spawn_env env;
	bool have_env;
	struct mask *mo, *me;   /* stdout and stderr maskers, or NULL */
	int xfd;                /* the executable, opened and hashed, or -1 */
	char **argv;
};

static void run_parts_free(struct run_parts *p)
{
	if (p->xfd >= 0)
		close(p->xfd);
	free(p->argv);
	mask_free(p->mo);
	mask_free(p->me);
	if (p->have_env)
		spawn_env_free(&p->env);
}
#define _cleanup_run_parts_ __attribute__((cleanup(run_parts_free)))

/* In the forked runner: the connection blocking again, its queued replies
 * sent, then spawn_runner() with everything else closed. */
static _Noreturn void run_child(struct request *r, const char *by, struct run_parts *p)
{
	struct conn *c = r->c;
	const struct grant *g = r->g;
	int fl = fcntl(c->fd, F_GETFL);
	if (fl >= 0)
		fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
	/* replies still queued (notices, WAITING) go out first */
	if (conn_has_output(c) &&
	    write_all(c->fd, c->out.data + c->out.off, c->out.len - c->out.off) < 0)
		_exit(1);
	struct run_job j = {
		.conn = c->fd, .cwd_fd = r->fds[0], .in_fd = r->fds[1], .out_fd = r->fds[2],
		.err_fd = r->fds[3], .exec_fd = p->xfd, .argv = p->argv, .env = &p->env,
		.mask = p->mo, .mask_err = p->me, .tty = (r->run.flags & PROTO_RUN_TTY) != 0,
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
	keycache_wipe_in_child();
	int *keep[] = { &j.conn, &j.cwd_fd, &j.in_fd, &j.out_fd, &j.err_fd, &j.exec_fd };
	spawn_keep_fds(keep, ARRAY_LEN(keep));
	_exit(spawn_runner(&j));
}

/* The executable the grant names, opened and checked against its pin:
 * the fd, or -1 after refusing the request. */
static int open_exec_or_refuse(struct request *r)
{
	const struct grant *g = r->g;
	int xfd = grant_open_exec(r->exe, g->sha256);
	if (xfd >= 0)
		return xfd;
	char what[PATH_MAX + 512];
	if (xfd == HUSH_EPERM && g->sha256) {
		snprintf(what, sizeof(what), "%s does not match the sha256 pin of grant '%s'",
			 r->exe, g->name);
		request_refuse(r, 77, "refused", what,
			       "if the program was updated on purpose, update sha256 in config.ini");
	} else {
		snprintf(what, sizeof(what), "cannot open %s", r->exe);
		request_refuse(r, 1, "failed", what, NULL);
	}
	return -1;
}

static void start_run(struct request *r, const char *by)
{
	const struct grant *g = r->g;
	_cleanup_run_parts_ struct run_parts p = { .xfd = -1 };
	if (spawn_env_build(&p.env, g, r->run.env, r->run.envc)) {
		request_refuse(r, 1, "failed", "out of memory", NULL);
		return;
	}
	p.have_env = true;
	if (!(r->run.flags & PROTO_RUN_NO_MASK) && (!(p.mo = mask_new()) || !(p.me = mask_new()))) {
		request_refuse(r, 1, "failed", "out of memory", NULL);
		return;
	}
	/* right before it starts: nothing a sandbox session planted for it
	 * to run (the session's own end would move it) */
	char planted[PATH_MAX + 160];
	if (session_check_run(r->sandboxed, r->cwd, planted, sizeof(planted))) {
		request_refuse(r, 77, "refused", planted,
			       "look at it and remove it (or end the sandbox session: its sweep moves "
			       "it to the quarantine), then run the command again");
		return;
	}
	char notices[1024] = "";
	const char *sa = getenv("SSH_AUTH_SOCK");
	if (g->ssh_agent && (!sa || sa[0] != '/'))
		snprintf(notices, sizeof(notices),
			 "grant '%s' has ssh_agent = yes, but the broker has no SSH_AUTH_SOCK "
			 "(start it from a session where ssh-agent runs)", g->name);
	if (g->nsecrets > 0 && inject_secrets(r, &p.env, p.mo, p.me, notices, sizeof(notices)))
		return;
	if (S.running >= ARRAY_LEN(S.runners)) {
		request_refuse(r, 1, "failed", "too many commands are running through the broker",
			       "wait for some to finish");
		return;
	}
	if ((p.xfd = open_exec_or_refuse(r)) < 0)
		return;
	struct conn *c = r->c;
	if (notices[0])
		conn_notice(c, notices);
	/* the child's argv: the granted executable's path, then the arguments */
	if (!(p.argv = calloc(r->run.argc + 1, sizeof(char *)))) {
		request_refuse(r, 1, "failed", "out of memory", NULL);
		return;
	}
	p.argv[0] = r->exe;
	for (size_t i = 1; i < r->run.argc; i++)
		p.argv[i] = r->run.argv[i];
	pid_t pid = fork();
	if (pid == 0)
		run_child(r, by, &p);
	if (pid < 0) {
		request_refuse(r, 1, "failed", "cannot start the command: fork failed", NULL);
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
void request_decided(struct request *r, bool yes, const char *by)
{
	r->confirm_pid = 0;
	if (r->ask) {
		if (yes && r->g->policy == CONFIRM_POLICY_TTL && strcmp(by, "ttl-reuse") &&
		    strcmp(by, "policy") && S.cfg.approval_ttl)
			approval_add(r->g->name, r->akey, S.cfg.approval_ttl, time_mono_ms());
		credproxy_answer(r, yes, by);
		return;
	}
	if (!yes) {
		char what[256];
		snprintf(what, sizeof(what), "denied: grant '%s' was not approved (%s)", r->g->name, by);
		request_refuse(r, 77, "denied", what, NULL);
		return;
	}
	if (r->g->policy == CONFIRM_POLICY_TTL && strcmp(by, "ttl-reuse") && strcmp(by, "policy")) {
		uint64_t ttl = r->g->ttl ? r->g->ttl : S.cfg.approval_ttl;
		if (ttl)
			approval_add(r->g->name, r->akey, ttl, time_mono_ms());
	}
	start_run(r, by);
}

/* --- run requests --- */

/* Requests waiting from pid namespaces other than the broker's (sandboxes),
 * at most, per namespace: the rest of the list stays free for the human's
 * own. */
#define MAX_REQUESTS_PER_SANDBOX (MAX_REQUESTS / 4)

static int add_request(struct request *r)
{
	if (r->sandboxed) {
		size_t same = 0;
		for (size_t i = 0; i < MAX_REQUESTS; i++)
			same += S.reqs[i] && !S.reqs[i]->ask && S.reqs[i]->sandboxed &&
				S.reqs[i]->pidns == r->pidns;
		if (same >= MAX_REQUESTS_PER_SANDBOX)
			return -1;
	}
	for (size_t i = 0; i < MAX_REQUESTS; i++) {
		if (!S.reqs[i]) {
			S.reqs[i] = r;
			return 0;
		}
	}
	return -1;
}

/* Starts asking a human about r (now in the pending list) as d says:
 * through the terminal, a confirmation program or a desktop dialog; tells
 * the requester why a dialog was ruled out (NOTICE) and how it waits
 * (WAITING). */
static void ask_human(struct request *r, const struct decision *d)
{
	struct conn *c = r->c;
	r->fallback = d->fallback;
	if (d->fallback && c) {
		char note[512];
		snprintf(note, sizeof(note), "no desktop dialog for this request: %s; asking %s instead",
			 d->fallback, d->ui == CONFIRM_UI_COMMAND ? "the confirmation command"
								 : "from a terminal");
		conn_notice(c, note);
	}
	if (d->ui == CONFIRM_UI_TERMINAL) {
		r->via = "terminal";
	} else {
		const char *prog = d->program, *kind = "command";
		char dpath[PATH_MAX];
		if (d->ui == CONFIRM_UI_DESKTOP && !confirm_find_desktop(dpath, sizeof(dpath), &kind))
			prog = dpath;
		if (!prog) {
			request_refuse(r, 77, "refused",
			       "no way to ask a human for confirmation (no display, no dialog program, "
			       "no confirmation command)",
			       "set confirm = terminal in [broker] of config.ini, then approve from a "
			       "terminal with: hush pending / hush approve");
			return;
		}
		r->via = strcmp(kind, "command") ? "ui" : "command";
		struct confirm_info ci = {
			.grant = r->g->name, .command = r->exe, .argv = r->run.argv + 1,
			.argc = r->run.argc - 1, .cwd = r->cwd, .pid = r->pid, .exe = r->peer_exe,
			.secrets = r->secret_names, .credential = r->ask ? r->credential : NULL,
		};
		if (confirm_launch(kind, prog, &ci, &r->confirm_pid)) {
			request_refuse(r, 77, "refused", "cannot start the confirmation program", NULL);
			return;
		}
	}
	if (c)
		conn_send_scratch(c, proto_enc_waiting(conn_scratch(), r->id, r->via));
}

/* The facts request_decide() needs about r; the key only on demand. */
static void decide_now(struct request *r, struct decision *d)
{
	const char *env_confirm = getenv("HUSH_CONFIRM");
	struct decide_facts f = {
		.g = r->g, .broker_ui = S.cfg.confirm, .broker_command = S.cfg.confirm_command,
		.no_mask = (r->run.flags & PROTO_RUN_NO_MASK) != 0,
		.approved = approval_check(r->g->name, r->akey, time_mono_ms()),
		.env_confirm = env_confirm && env_confirm[0] == '/' ? env_confirm : NULL,
		.desktop_refusal = session_desktop_refusal(r->pid),
	};
	request_decide(&f, d);
	if (d->verdict != DECIDE_NEED_KEY)
		return;
	char kwhy[256] = "";
	int k = daemon_ensure_key(kwhy, sizeof(kwhy));
	f.key = !k ? DECIDE_KEY_READY : k == HUSH_ENOENT ? DECIDE_KEY_NO_VAULT : DECIDE_KEY_LOCKED;
	request_decide(&f, d);
}

void run_request(struct conn *c, const uint8_t *body, size_t blen)
{
	if (c->nfds != PROTO_RUN_FDS) {
		conn_reply_error(c, 2, "run request without its file descriptors", NULL);
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
		conn_reply_error(c, 2, "malformed run request", NULL);
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
		conn_reply_error(c, 2, "the working directory passed is not a directory", NULL);
		conn_close(c);
		return;
	}
	r->cwd[n] = '\0';
	/* the command starts in the directory passed, but the grant's cwd,
	 * the approvals, the prompt and the audit go by its path: both must
	 * be one directory. A sandbox's own directory (a tmpfs of its home
	 * view, say) can have the path of another one outside. */
	struct stat at;
	if (stat(r->cwd, &at) != 0 || at.st_dev != st.st_dev || at.st_ino != st.st_ino) {
		request_refuse(r, 77, "refused",
			       "the working directory is not the directory at its path outside the "
			       "sandbox (one only the sandbox has)",
			       "run the command from the project directory, or another directory "
			       "that exists outside the sandbox");
		return;
	}
	/* (0: a pid namespace the broker may not look into, a sandbox's: the
	 * requester the kernel names is the sandbox's supervisor) */
	r->pidns = proc_pidns(r->pid, false);
	r->sandboxed = r->pidns != proc_pidns(0, false);
	snprintf(r->akey, sizeof(r->akey), "%s%s", r->sandboxed ? "sandbox:" : "", r->cwd);
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
		request_refuse(r, 77, "refused", what,
		       "a human can add a [grant NAME] section with command = /absolute/path "
		       "to config.ini (see docs/config.md), then restart the broker: hush stop");
		return;
	}
	if (e) {
		snprintf(what, sizeof(what), "%s", why[0] ? why : "request does not match any grant");
		request_refuse(r, 77, "refused", what,
		       "run the command with arguments and in a directory its grant allows "
		       "(hush grant list)");
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
	request_process(r);
}

void request_process(struct request *r)
{
	struct decision d;
	decide_now(r, &d);
	if (d.verdict == DECIDE_REFUSE) {
		request_refuse(r, d.status, "refused", d.what, d.hint);
		return;
	}
	if (d.verdict == DECIDE_RUN) {
		request_decided(r, true, d.by);
		return;
	}
	uint64_t now = time_mono_ms();
	if (add_request(r) == 0) {
		r->waiting = true;
	} else {
		request_refuse(r, 1, "refused", "too many requests are waiting for approval",
		       "approve or deny some: hush pending");
		return;
	}
	r->created = now;
	r->deadline = now + (S.cfg.request_timeout ? S.cfg.request_timeout : 120) * 1000;
	ask_human(r, &d);
}
