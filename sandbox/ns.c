/* SPDX-License-Identifier: ISC */
/* Running the agent inside the sandbox: a user namespace mapped to the real
 * uid, a pid namespace whose init is ours, a mount namespace with the masks
 * (an empty read-only file over each hidden file, an empty read-only tmpfs
 * over each hidden directory), a nested user+mount namespace that locks the
 * masks (MNT_LOCKED), no_new_privs, no capabilities, and the Landlock
 * domain; then exec.
 *
 * Process layout:
 *   hush sandbox (P, outside) --clone--> init (C, pid 1 in the new pid
 *   namespace) --fork--> agent (A)
 * The clone makes the user, pid and mount namespaces (so P's mounts stay as
 * they are and P can remove its temporary directory), C mounts, A enters
 * the nested user+mount namespace. A failure in C or A before exec travels
 * to P through a close-on-exec pipe as (step, errno). C carries out the
 * plan with mount.c, re-masks with remask.c while A runs, and writes the
 * state files back (statefile.c) when A has exited. */
#include "sandbox/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <linux/securebits.h>

#include "common/util.h"
#include "sandbox/landlock.h"
#include "sandbox/mount.h"
#include "sandbox/net.h"
#include "sandbox/remask.h"
#include "sandbox/seccomp.h"
#include "sandbox/sockets.h"
#include "sandbox/sockfilter.h"
#include "sandbox/statefile.h"

/* The steps of setting up, for the report of a failure; carrying out the
 * plan adds its own (mount.h) from ST_MOUNT on. */
enum step {
	ST_NONE = 0,
	ST_UNSHARE_USER,
	ST_UIDMAP,
	ST_FORK,
	ST_LOCK,
	ST_CHDIR,
	ST_CAPS,
	ST_NNP,
	ST_LANDLOCK,
	ST_SECCOMP,
	ST_SOCKETS,
	ST_NET,
	ST_KEYRING,
	ST_EXEC,
	ST_MOUNT = 64,
};

static const char *step_text(int s)
{
	if (s > ST_MOUNT)
		return sandbox_mount_step_text((enum sandbox_mount_step)(s - ST_MOUNT));
	switch (s) {
	case ST_UNSHARE_USER: return "creating the user, pid and mount namespaces";
	case ST_UIDMAP: return "mapping the user id into the namespace";
	case ST_FORK: return "starting the agent process";
	case ST_NET: return "setting up the network (proxy-only)";
	case ST_KEYRING: return "giving the agent a session keyring of its own";
	case ST_LOCK: return "locking the masks in a nested namespace";
	case ST_CHDIR: return "entering the working directory";
	case ST_CAPS: return "dropping capabilities";
	case ST_NNP: return "setting no_new_privs";
	case ST_LANDLOCK: return "creating the Landlock domain";
	case ST_SECCOMP: return "installing the seccomp filter (no TIOCSTI)";
	case ST_SOCKETS: return "installing the unix socket filter (seccomp user notification)";
	case ST_EXEC: return "starting the agent";
	default: return "setting up the sandbox";
	}
}

struct report {
	int step;
	int err;
	char path[256];
};

static _Noreturn void fail_child(int fd, int step, const char *path)
{
	struct report r = { .step = step, .err = errno };
	if (path)
		snprintf(r.path, sizeof(r.path), "%s", path);
	ssize_t w = write(fd, &r, sizeof(r));
	(void)w;
	_exit(127);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t len = (ssize_t)strlen(s);
	ssize_t w = write(fd, s, (size_t)len);
	int e = errno;
	close(fd);
	errno = e;
	return w == len ? 0 : -1;
}

/* Maps uid and gid to themselves in the user namespace just entered. */
static int map_self(uid_t uid, gid_t gid)
{
	char line[64];
	if (write_file("/proc/self/setgroups", "deny") != 0 && errno != ENOENT)
		return -1;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_file("/proc/self/uid_map", line) != 0)
		return -1;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return write_file("/proc/self/gid_map", line);
}

static int drop_caps(void)
{
	for (int c = 0; c <= 63; c++) {
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL)
			return -1;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return -1;
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

static const int forwarded[] = { SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 };
static volatile sig_atomic_t fwd_pid;

static void forward_signal(int sig)
{
	if (fwd_pid > 0)
		kill((pid_t)fwd_pid, sig);
}

static void forwarded_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_LEN(forwarded); i++)
		sigaddset(set, forwarded[i]);
}

static void set_forwarding(pid_t to)
{
	fwd_pid = to;
	struct sigaction sa = { .sa_handler = forward_signal };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_LEN(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	/* the terminal sends these to the whole process group: the agent
	 * gets them directly */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
}

static void reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (size_t i = 0; i < ARRAY_LEN(forwarded); i++)
		signal(forwarded[i], SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

static int exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Marks every descriptor above stderr close-on-exec: the agent starts with
 * stdin, stdout and stderr only (an inherited descriptor on a hidden file
 * would bypass its mask). */
static int cloexec_from(int lowfd)
{
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	for (int fd = lowfd; fd < 65536; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0 && fcntl(fd, F_SETFD, fl | FD_CLOEXEC) != 0)
			return -1;
	}
	return 0;
}

/* The agent process: lock, confine, exec. Never returns. */
static _Noreturn void agent_exec(const struct sandbox_spec *s, int rfd, int syncfd, int lsock,
				 uid_t uid, gid_t gid)
{
	reset_signals();
	if (cloexec_from(3) != 0)
		fail_child(rfd, ST_EXEC, "closing inherited descriptors");
	if (s->userns) {
		/* Mounts copied into a mount namespace owned by a less
		 * privileged user namespace become MNT_LOCKED: the agent
		 * (or any namespace it nests) cannot unmount or reveal them. */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
			fail_child(rfd, ST_LOCK, NULL);
		if (map_self(uid, gid) != 0)
			fail_child(rfd, ST_LOCK, "uid_map");
	}
	if (syncfd >= 0) {
		/* tell the init our mount namespace exists */
		ssize_t w = write(syncfd, "n", 1);
		(void)w;
		close(syncfd);
	}
	if (chdir(s->cwd) != 0)
		fail_child(rfd, ST_CHDIR, s->cwd);
	/* a session keyring of its own: the keys of the human's login
	 * session (keyctl padd ... @s, Kerberos and cifs credentials) are
	 * not possessed by the agent (the user keyring belongs to the outer
	 * user namespace already) */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS)
		fail_child(rfd, ST_KEYRING, NULL);
	if (s->userns) {
		if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
					     SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
					     SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0) != 0)
			fail_child(rfd, ST_CAPS, NULL);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		fail_child(rfd, ST_NNP, NULL);
	if (s->landlock_abi > 0 && sandbox_landlock_apply(s->landlock_abi, s->ll_paths, !s->share_display) != 0)
		fail_child(rfd, ST_LANDLOCK, NULL);
	if (s->userns && drop_caps() != 0)
		fail_child(rfd, ST_CAPS, NULL);
	/* always, whatever layers are off: the terminal is shared */
	if (sandbox_seccomp_apply() != 0)
		fail_child(rfd, ST_SECCOMP, NULL);
	if (lsock >= 0) {
		/* connect() is decided by the init from now on */
		int lfd;
		if (sandbox_sockets_filter(&lfd) != 0)
			fail_child(rfd, ST_SOCKETS, NULL);
		if (sandbox_sockets_send_listener(lsock, lfd) != 0)
			fail_child(rfd, ST_SOCKETS, "handing the listener to the init");
		close(lfd);
		close(lsock);
	}
	/* PATH for finding the agent: the sandbox's own */
	environ = (char **)s->envp;
	execvp(s->argv[0], s->argv);
	fail_child(rfd, ST_EXEC, s->argv[0]);
}

/* Waits for child `pid`, reaping any other process too (we may be the pid
 * namespace's init). Returns its exit code. */
static int wait_for(pid_t pid)
{
	for (;;) {
		int st;
		pid_t w = waitpid(-1, &st, 0);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (w == pid)
			return exit_code(st);
	}
}

/* The agent's mount namespace, once the agent says it exists (sync), or
 * -1. */
static int agent_mntns(int sync[2], pid_t agent)
{
	if (sync[0] < 0)
		return -1;
	close(sync[1]);
	char c;
	ssize_t got;
	while ((got = read(sync[0], &c, 1)) < 0 && errno == EINTR)
		;
	close(sync[0]);
	if (got != 1)
		return -1;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)agent);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Takes the agent's socket filter listener from lsp and supervises it. */
static void supervise_sockets(int lsp[2], const struct sandbox_sock_policy *p)
{
	close(lsp[1]);
	int lfd;
	struct sandbox_sock_sup *sup;
	/* no listener: the agent failed before exec; one we cannot
	 * supervise is closed, so that its connects fail (ENOSYS) */
	if (sandbox_sockets_recv_listener(lsp[0], &lfd) == 0 &&
	    sandbox_sockets_supervise(lfd, p, &sup) != 0)
		close(lfd);
	close(lsp[0]);
}

/* The init process in the pid namespace: mounts, then runs the agent. */
static _Noreturn void init_main(const struct sandbox_spec *s, int rfd, uid_t uid, gid_t gid)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	struct sandbox_states states = { 0 };
	struct sandbox_mount_fail mf = { 0 };
	if (sandbox_mount_plan(s->plan, s->empty_file, &states, &mf) != 0)
		fail_child(rfd, ST_MOUNT + (int)mf.step, mf.path);
	/* not dumpable: the agent cannot read this process's memory or
	 * environment (it still holds the caller's environment) */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (s->net_proxy_socket) {
		/* network = proxy-only: loopback, and the way to the proxy when
		 * it serves this session (without it, no network at all) */
		if (sandbox_net_lo_up() != 0)
			fail_child(rfd, ST_NET, "lo");
		uint16_t port = sandbox_net_proxy_port(s->envp);
		if (port && sandbox_net_forwarder(port, s->net_proxy_socket) != 0)
			fail_child(rfd, ST_NET, s->net_proxy_socket);
	}
	int sync[2] = { -1, -1 };
	if (pipe2(sync, O_CLOEXEC) != 0)
		sync[0] = sync[1] = -1;
	int lsp[2] = { -1, -1 };
	if (s->sockets && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, lsp) != 0)
		fail_child(rfd, ST_SOCKETS, NULL);
	/* SIGCHLD stays pending until the watcher's signalfd reads it (the
	 * agent unblocks it before exec) */
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	pid_t a = fork();
	if (a < 0)
		fail_child(rfd, ST_FORK, NULL);
	if (a == 0) {
		if (sync[0] >= 0)
			close(sync[0]);
		if (lsp[0] >= 0)
			close(lsp[0]);
		agent_exec(s, rfd, sync[1], lsp[1], uid, gid);
	}
	close(rfd);
	set_forwarding(a);
	sigset_t fwd;
	forwarded_set(&fwd);
	sigprocmask(SIG_UNBLOCK, &fwd, NULL);
	int mntfd = agent_mntns(sync, a);
	if (lsp[0] >= 0)
		supervise_sockets(lsp, s->sockets);
	int st;
	int code = mntfd >= 0 && sandbox_remask_watch(s->masks, s->empty_file, a, mntfd, &st)
			   ? exit_code(st) : wait_for(a);
	sandbox_states_copy_out(&states);
	_exit(code);
}

int sandbox_userns_probe(char *why, size_t n)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return HUSH_EIO;
	uid_t uid = getuid();
	gid_t gid = getgid();
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return HUSH_EIO;
	}
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID) != 0)
			fail_child(p[1], ST_UNSHARE_USER, NULL);
		if (map_self(uid, gid) != 0)
			fail_child(p[1], ST_UIDMAP, NULL);
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
			fail_child(p[1], ST_MOUNT + SANDBOX_MOUNT_PRIVATE, NULL);
		_exit(0);
	}
	close(p[1]);
	struct report r = { 0 };
	ssize_t got = read(p[0], &r, sizeof(r));
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (got == (ssize_t)sizeof(r)) {
		snprintf(why, n, "%s: %s", step_text(r.step), strerror(r.err));
		return HUSH_EPERM;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(why, n, "probe process failed");
		return HUSH_EPERM;
	}
	snprintf(why, n, "ok");
	return 0;
}

/* --- what on_start adds to the agent's environment --- */

/* Packs on_start's entries into *buf (malloc'd, each NUL-terminated, one
 * after another, at most SANDBOX_EXTRA_ENV_MAX bytes) and frees them.
 * Returns the packed length. */
static size_t env_pack(char **extra, char **buf)
{
	size_t len = 0;
	*buf = NULL;
	for (size_t i = 0; extra && extra[i]; i++) {
		size_t l = strlen(extra[i]) + 1;
		char *g = len + l <= SANDBOX_EXTRA_ENV_MAX ? realloc(*buf, len + l) : NULL;
		if (g) {
			memcpy(g + len, extra[i], l);
			*buf = g;
			len += l;
		}
		free(extra[i]);
	}
	free(extra);
	return len;
}

/* envp with each packed entry of extra[len] replacing the entry of its
 * name, or added: a new array sharing the strings, or NULL. */
static char **env_merge(char *const *envp, char *extra, size_t len)
{
	size_t n = 0, k = 0;
	while (envp[n])
		n++;
	for (size_t o = 0; o < len; o += strlen(extra + o) + 1)
		k++;
	char **v = calloc(n + k + 1, sizeof(char *));
	if (!v)
		return NULL;
	memcpy(v, envp, n * sizeof(char *));
	for (size_t o = 0; o < len; o += strlen(extra + o) + 1) {
		char *e = extra + o, *eq = strchr(e, '=');
		if (!eq || eq == e)
			continue;
		size_t nl = (size_t)(eq - e) + 1, i = 0;
		while (i < n && strncmp(v[i], e, nl))
			i++;
		v[i] = e;
		if (i == n)
			n++;
	}
	return v;
}

/* The child's side of the gate: everything the parent writes until it
 * closes its end, NUL-terminated in *out (malloc'd). */
static size_t gate_read(int fd, char **out)
{
	size_t len = 0;
	char *buf = malloc(SANDBOX_EXTRA_ENV_MAX + 1);
	while (buf && len < SANDBOX_EXTRA_ENV_MAX) {
		ssize_t r = read(fd, buf + len, SANDBOX_EXTRA_ENV_MAX - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	if (buf)
		buf[len] = '\0';
	*out = buf;
	return buf ? len : 0;
}

/* With namespaces: one clone makes the user, pid and mount namespaces
 * (ours, and our mounts, stay as they are): the child is the pid
 * namespace's init from the start and sets up the mounts. A raw clone, as
 * bubblewrap does: fork() takes no namespace flags, and unshare() would
 * need a helper process in between. The signals we forward stay blocked in
 * the child until it forwards them on (an init drops those it has no
 * handler for). *child gets its pid (or -1, errno set). 0, HUSH_EPERM when
 * the namespaces cannot be made (nothing ran), or HUSH_EIO. */
static int clone_init(const struct sandbox_spec *s, int p[2], uid_t uid, gid_t gid,
		      pid_t *child, char *err, size_t n)
{
	/* the pid namespace exists once its init does: the init waits at the
	 * gate until on_start has seen it */
	int gate[2] = { -1, -1 };
	if (s->on_start && pipe2(gate, O_CLOEXEC) != 0) {
		snprintf(err, n, "pipe: %s", strerror(errno));
		return HUSH_EIO;
	}
	sigset_t fwd, old;
	forwarded_set(&fwd);
	sigprocmask(SIG_BLOCK, &fwd, &old);
	unsigned long net = s->net_proxy_socket ? CLONE_NEWNET : 0;
	*child = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | net | SIGCHLD,
				NULL, NULL, NULL, NULL);
	if (*child == 0) {
		close(p[0]);
		if (map_self(uid, gid) != 0)
			fail_child(p[1], ST_UIDMAP, NULL);
		struct sandbox_spec local = *s;
		if (gate[1] >= 0) {
			/* the broker registers the session by our ns/ links:
			 * still dumpable until it has; then the variables it
			 * gave come through the gate */
			close(gate[1]);
			char *extra;
			size_t elen = gate_read(gate[0], &extra);
			close(gate[0]);
			char **merged = elen ? env_merge(s->envp, extra, elen) : NULL;
			if (merged)
				local.envp = merged;
		}
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		init_main(&local, p[1], uid, gid);
	}
	int e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (gate[0] >= 0) {
		close(gate[0]);
		if (*child > 0) {
			char *pk;
			size_t pl = env_pack(s->on_start(s->hook_arg, *child, proc_pidns(*child, false)),
					     &pk);
			if (pl && write_all(gate[1], pk, pl) < 0)
				kill(*child, SIGKILL); /* never an agent with half its variables */
			free(pk);
		}
		close(gate[1]);
	}
	if (*child < 0 && e != EAGAIN) {
		/* nothing ran: the caller may fall back to Landlock alone */
		snprintf(err, n, "%s: %s", step_text(ST_UNSHARE_USER), strerror(e));
		return HUSH_EPERM;
	}
	errno = e;
	return 0;
}

/* Without namespaces: the agent itself, forked. Its pid, or -1. */
static pid_t fork_agent(const struct sandbox_spec *s, int p[2], uid_t uid, gid_t gid)
{
	pid_t child = fork();
	if (child == 0) {
		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		struct sandbox_spec local = *s;
		if (s->on_start) {
			char *pk;
			size_t pl = env_pack(s->on_start(s->hook_arg, getpid(), 0), &pk);
			char **merged = pl ? env_merge(s->envp, pk, pl) : NULL;
			if (merged)
				local.envp = merged;
		}
		agent_exec(&local, p[1], -1, -1, uid, gid);
	}
	return child;
}

int sandbox_run(const struct sandbox_spec *s, int *status, char *err, size_t n)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, n, "pipe: %s", strerror(errno));
		return HUSH_EIO;
	}
	uid_t uid = getuid();
	gid_t gid = getgid();
	pid_t child = -1;
	int ret = s->userns ? clone_init(s, p, uid, gid, &child, err, n) : 0;
	if (!s->userns)
		child = fork_agent(s, p, uid, gid);
	if (ret == 0 && child < 0) {
		snprintf(err, n, "fork: %s", strerror(errno));
		ret = HUSH_EIO;
	}
	if (ret < 0) {
		close(p[0]);
		close(p[1]);
		return ret;
	}
	close(p[1]);
	set_forwarding(child);
	struct report r = { 0 };
	ssize_t got;
	while ((got = read(p[0], &r, sizeof(r))) < 0 && errno == EINTR)
		;
	close(p[0]);
	int code = wait_for(child);
	if (s->userns && s->on_end)
		s->on_end(s->hook_arg);
	if (got == (ssize_t)sizeof(r)) {
		r.path[sizeof(r.path) - 1] = '\0';
		snprintf(err, n, "%s%s%s: %s", step_text(r.step), r.path[0] ? " " : "",
			 r.path, strerror(r.err));
		if (r.step == ST_EXEC && (r.err == ENOENT || r.err == EACCES))
			return HUSH_ENOENT;
		/* nothing ran yet: the caller may fall back to Landlock alone */
		if (r.step == ST_UNSHARE_USER || r.step == ST_UIDMAP)
			return HUSH_EPERM;
		return HUSH_EIO;
	}
	*status = code;
	return 0;
}
