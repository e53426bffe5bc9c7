/* SPDX-License-Identifier: ISC */
/* The unix socket allow-list of `hush sandbox`: which unix sockets the
 * agent may connect to.
 *
 * Landlock has no right for connect() on a path socket, and a read-only
 * mount does not stop it, so the agent could talk to the human's tmux
 * server, ssh-agent, gpg-agent or systemd user manager and have them act
 * for it outside the sandbox. Here a seccomp filter in the agent
 * (sockfilter.c) sends every connect() to the sandbox's init process (the
 * supervisor) through a seccomp user notification, and the supervisor
 * performs the connect itself:
 *
 *   - it takes a duplicate of the agent's socket (pidfd_getfd) and copies
 *     the address out of the calling thread's memory, then checks that the
 *     notification is still live (so the pid was not reused);
 *   - a non-unix socket (TCP, UDP, ...) is connected as asked;
 *   - a path is resolved with the calling thread's root and working
 *     directory (symlinks and the agent's own mounts resolve as they do for
 *     it) into an O_PATH descriptor that pins the socket inode; the
 *     connect is allowed when that inode is hush's client socket or an
 *     allow_socket entry (both compared by device and inode at this
 *     moment), or when a probe connect shows that the listener is a
 *     process of the sandbox's pid namespace (SO_PEERCRED gives pid 0 for
 *     a listener outside it); the real connect then goes through
 *     /proc/self/fd/N, the same inode, so renaming the path meanwhile
 *     changes nothing;
 *   - an abstract name is allowed when its listener is inside (probed the
 *     same way), or when the agent's socket lives in a network namespace
 *     the agent made itself (only sandbox processes listen there).
 *
 * The supervisor never lets the kernel continue the agent's own connect
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE): the agent could change the address
 * or the descriptor after the check. The connect happens on the duplicate,
 * with the supervisor's copy of the address, and its result is the
 * result of the agent's call. A pool of up to SOCK_WORKERS threads waits
 * for notifications (a blocking TCP connect must not hold up the others):
 * two at start, one more whenever all but one are busy (most sessions
 * connect rarely, and each thread costs the start and the end of every
 * session); with all of them there and all but one busy, further
 * connects fail with EAGAIN. */
#include "sandbox/sockets.h"

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>

#include "common/err.h"
#include "common/util.h"
#include "sandbox/sockfilter.h"

/* worker threads, each handling one connect at a time: at most, and at start */
#define SOCK_WORKERS 8
#define SOCK_WORKERS_START 2
/* a probe connect to a listener whose queue is full waits this long */
#define SOCK_PROBE_TIMEOUT_S 5
/* listener verdicts remembered per socket inode */
#define SOCK_CACHE 32

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SIOCGSKNS
#define SIOCGSKNS 0x894C
#endif

/* --- the addresses --- */

int sandbox_sock_addr_parse(const void *buf, size_t len, struct sandbox_sock_addr *out)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	memset(out, 0, sizeof(*out));
	/* the kernel's unix_validate_addr(): a family and at least one
	 * byte of name, at most sizeof(struct sockaddr_un) */
	if (len <= off || len > sizeof(struct sockaddr_un))
		return HUSH_EINVAL;
	sa_family_t fam;
	memcpy(&fam, buf, sizeof(fam));
	if (fam != AF_UNIX)
		return HUSH_EINVAL;
	const char *name = (const char *)buf + off;
	size_t n = len - off;
	if (name[0] == '\0') {
		out->abstract = true;
		out->len = n;
		memcpy(out->name, name, n);
		return 0;
	}
	/* a path ends at its first NUL or at the end of the address (the
	 * kernel terminates it there, so a full 108-byte path needs no NUL) */
	size_t l = strnlen(name, n);
	memcpy(out->name, name, l);
	out->name[l] = '\0';
	out->len = l;
	return 0;
}

/* --- the supervisor --- */

struct sandbox_sock_sup {
	int listener;
	const struct sandbox_sock_policy *policy;
	int rootfd;     /* the supervisor's own root, for the policy's paths */
	int fddir;      /* its /proc/self/fd, for connects through an O_PATH fd */
	int procfd;     /* its /proc: a worker's root is the last caller's */
	ino_t netns;    /* its network namespace */
	dev_t netns_dev;
	size_t notif_size, resp_size;
	atomic_int busy;
	atomic_int live; /* workers started */
	pthread_barrier_t started;
	/* Whether the listener bound to a socket inode is inside. That cannot
	 * change while the inode lives (a new bind makes a new inode), and
	 * the O_PATH fd kept here keeps it alive, so its number cannot be
	 * reused for another socket. Saves the probe connect on every
	 * connect to the same server. */
	pthread_mutex_t lock;
	struct {
		int fd;
		dev_t dev;
		ino_t ino;
		bool inside;
	} cache[SOCK_CACHE];
	unsigned next;
};

struct job {
	struct sandbox_sock_sup *s;
	uint64_t id;
	uint32_t pid;
	int nr;
	uint32_t arch;
	uint64_t args[6];
};

static long openat2_path(int dirfd, const char *path, uint64_t resolve)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = resolve };
	return syscall(__NR_openat2, dirfd, path, &how, sizeof(how));
}

static int start_workers(struct sandbox_sock_sup *s);

/* The supervisor lives until the process that runs it exits (the
 * sandbox's init): never freed, and held here so that it stays reachable
 * whether or not its worker threads are still running. */
static struct sandbox_sock_sup *supervisors[4];

int sandbox_sockets_supervise(int listener, const struct sandbox_sock_policy *p,
			      struct sandbox_sock_sup **out)
{
	struct seccomp_notif_sizes sz;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) != 0)
		return HUSH_EPERM;
	struct sandbox_sock_sup *s = calloc(1, sizeof(*s));
	if (!s)
		return HUSH_ENOMEM;
	s->listener = listener;
	s->policy = p;
	pthread_mutex_init(&s->lock, NULL);
	for (size_t i = 0; i < SOCK_CACHE; i++)
		s->cache[i].fd = -1;
	s->notif_size = sz.seccomp_notif > sizeof(struct seccomp_notif) ? sz.seccomp_notif
									 : sizeof(struct seccomp_notif);
	s->resp_size = sz.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
			       ? sz.seccomp_notif_resp : sizeof(struct seccomp_notif_resp);
	s->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	s->fddir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	s->procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (s->rootfd < 0 || s->fddir < 0 || s->procfd < 0 || stat("/proc/self/ns/net", &st) != 0) {
		int e = errno;
		int fds[] = { s->rootfd, s->fddir, s->procfd };
		for (size_t i = 0; i < ARRAY_LEN(fds); i++)
			if (fds[i] >= 0)
				close(fds[i]);
		free(s);
		errno = e;
		return HUSH_EIO;
	}
	s->netns = st.st_ino;
	s->netns_dev = st.st_dev;
	int r = start_workers(s);
	if (r < 0) {
		/* threads may be waiting on s: it stays allocated */
		return r;
	}
	for (size_t i = 0; i < sizeof(supervisors) / sizeof(supervisors[0]); i++)
		if (!supervisors[i]) {
			supervisors[i] = s;
			break;
		}
	*out = s;
	return 0;
}

static int notif_valid(const struct sandbox_sock_sup *s, uint64_t id)
{
	return ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0 ? 0 : ESRCH;
}

/* Reads len bytes at addr of task tid. 0 or an errno value. */
static int read_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
	ssize_t got = process_vm_readv(tid, &l, 1, &r, 1, 0);
	return got == (ssize_t)len ? 0 : EFAULT;
}

/* The thread group of task tid, from /proc/TID/status. */
static pid_t tgid_of(int tiddir)
{
	int fd = openat(tiddir, "status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[1024];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *t = strstr(buf, "\nTgid:");
	return t ? (pid_t)strtol(t + 6, NULL, 10) : -1;
}

static bool same_file(int fd, const struct stat *st)
{
	struct stat o;
	return fstat(fd, &o) == 0 && o.st_dev == st->st_dev && o.st_ino == st->st_ino;
}

/* True when path (in the supervisor's view) is the socket st. */
static bool path_is(const struct sandbox_sock_sup *s, const char *path, const struct stat *st)
{
	if (!path || path[0] != '/')
		return false;
	long fd = openat2_path(s->rootfd, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return false;
	bool same = same_file((int)fd, st);
	close((int)fd);
	return same;
}

static bool policy_allows(const struct sandbox_sock_sup *s, const struct stat *st)
{
	const struct sandbox_sock_policy *p = s->policy;
	if (path_is(s, p->client_sock, st))
		return true;
	for (size_t i = 0; p->allow && i < p->allow->n; i++)
		if (path_is(s, p->allow->v[i], st))
			return true;
	return false;
}

/* Fills sa with an abstract name or a path relative to the current
 * directory; returns its length. */
static socklen_t make_addr(struct sockaddr_un *sa, const char *name, size_t len)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
}

/* Connects a fresh socket of the given type to sa and tells whether its
 * listener is a process of our pid namespace. 0 (*inside set) or an errno
 * value from the connect. */
static int probe_inside(int type, const struct sockaddr_un *sa, socklen_t len, bool *inside)
{
	*inside = false;
	int p = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (p < 0)
		return errno;
	struct timeval tv = { .tv_sec = SOCK_PROBE_TIMEOUT_S };
	setsockopt(p, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	int e = 0;
	if (connect(p, (const struct sockaddr *)sa, len) != 0) {
		e = errno == EINPROGRESS ? EAGAIN : errno;
	} else {
		struct ucred cr;
		socklen_t cl = sizeof(cr);
		/* pid 0: the listener is outside our pid namespace */
		if (getsockopt(p, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0 && cr.pid > 0)
			*inside = true;
	}
	close(p);
	return e;
}

static int do_connect(int sock, const struct sockaddr_un *sa, socklen_t len)
{
	return connect(sock, (const struct sockaddr *)sa, len) == 0 ? 0 : errno;
}

/* An abstract name: inside listeners only. */
static int connect_abstract(const struct sandbox_sock_sup *s, int sock, int type,
			    const struct sandbox_sock_addr *a)
{
	struct sockaddr_un sa;
	socklen_t len = make_addr(&sa, a->name, a->len);
	/* a socket in a network namespace the agent made: nothing outside
	 * the sandbox listens there */
	int ns = ioctl(sock, SIOCGSKNS);
	if (ns >= 0) {
		struct stat st;
		bool own = fstat(ns, &st) == 0 && (st.st_ino != s->netns || st.st_dev != s->netns_dev);
		close(ns);
		if (own)
			return do_connect(sock, &sa, len);
	}
	bool inside;
	int e = probe_inside(type, &sa, len, &inside);
	if (e)
		return e;
	/* refused as if nobody listened: X clients (libxcb) fall back from
	 * the abstract name to the path socket only on ECONNREFUSED, and for
	 * the agent a name only outside servers hold is as good as unused */
	return inside ? do_connect(sock, &sa, len) : ECONNREFUSED;
}

static bool cache_get(struct sandbox_sock_sup *s, const struct stat *st, bool *inside)
{
	bool hit = false;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < SOCK_CACHE && !hit; i++) {
		if (s->cache[i].fd >= 0 && s->cache[i].dev == st->st_dev &&
		    s->cache[i].ino == st->st_ino) {
			*inside = s->cache[i].inside;
			hit = true;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return hit;
}

static void cache_put(struct sandbox_sock_sup *s, int fd, const struct stat *st, bool inside)
{
	int keep = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (keep < 0)
		return;
	pthread_mutex_lock(&s->lock);
	unsigned i = s->next++ % SOCK_CACHE;
	if (s->cache[i].fd >= 0)
		close(s->cache[i].fd);
	s->cache[i].fd = keep;
	s->cache[i].dev = st->st_dev;
	s->cache[i].ino = st->st_ino;
	s->cache[i].inside = inside;
	pthread_mutex_unlock(&s->lock);
}

/* A path: resolved as the calling task sees it. */
static int connect_path(struct sandbox_sock_sup *s, int tiddir, int sock, int type,
			const char *path)
{
	int root = openat(tiddir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int cwd = openat(tiddir, "cwd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int e = 0;
	long fd = -1;
	if (root < 0 || cwd < 0)
		e = ESRCH;
	else if (fchdir(root) != 0 || chroot(".") != 0 || fchdir(cwd) != 0)
		e = errno;
	else if ((fd = openat2_path(AT_FDCWD, path, RESOLVE_NO_MAGICLINKS)) < 0)
		e = errno == EXDEV ? ELOOP : errno;
	if (root >= 0)
		close(root);
	if (cwd >= 0)
		close(cwd);
	/* the connects below resolve "N" in our own /proc/self/fd */
	if (fchdir(s->fddir) != 0 && !e)
		e = errno;
	if (e) {
		if (fd >= 0)
			close((int)fd);
		return e;
	}
	struct stat st;
	if (fstat((int)fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		close((int)fd);
		return ECONNREFUSED;
	}
	char n[16];
	snprintf(n, sizeof(n), "%ld", fd);
	struct sockaddr_un sa;
	socklen_t len = make_addr(&sa, n, strlen(n));
	if (!policy_allows(s, &st)) {
		bool inside;
		if (!cache_get(s, &st, &inside)) {
			e = probe_inside(type, &sa, len, &inside);
			if (!e)
				cache_put(s, (int)fd, &st, inside);
		}
		if (!e && !inside)
			e = EACCES;
	}
	if (!e)
		e = do_connect(sock, &sa, len);
	close((int)fd);
	return e;
}

/* /proc/TID of our own /proc, whatever root the worker has now. */
static int open_tiddir(const struct sandbox_sock_sup *s, pid_t tid)
{
	char d[32];
	snprintf(d, sizeof(d), "%d", (int)tid);
	return openat(s->procfd, d, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* A pidfd for the process of thread tid: of the thread itself (Linux 6.9,
 * PIDFD_THREAD), else of its thread group leader (found through
 * /proc/TID/status, whose descriptor *tiddir keeps). -1 on failure. */
static int task_pidfd(const struct sandbox_sock_sup *s, pid_t tid, int *tiddir)
{
	int fd = (int)syscall(__NR_pidfd_open, tid, PIDFD_THREAD);
	if (fd >= 0 || errno != EINVAL)
		return fd;
	*tiddir = open_tiddir(s, tid);
	pid_t tgid = *tiddir >= 0 ? tgid_of(*tiddir) : -1;
	return tgid > 0 ? (int)syscall(__NR_pidfd_open, tgid, 0) : -1;
}

static int handle(struct job *j)
{
	struct sandbox_sock_sup *s = j->s;
	int e = 0, sock = -1, tiddir = -1;
	uint64_t fd = j->args[0], addr = j->args[1], len = j->args[2];
	/* valid after the memory is read below: then the task was alive
	 * all along, and the pidfd is its */
	int pidfd = task_pidfd(s, (pid_t)j->pid, &tiddir);
	if (pidfd < 0) {
		e = ESRCH;
		goto out;
	}
	if (sandbox_sockets_socketcall(j->arch, j->nr)) {
		uint32_t a[3];
		if ((e = read_mem(j->pid, j->args[1], a, sizeof(a))) != 0)
			goto out;
		fd = a[0], addr = a[1], len = a[2];
	}
	/* the kernel's own limits (move_addr_to_kernel) */
	if ((int)len < 0 || (int)len > (int)sizeof(struct sockaddr_storage)) {
		e = EINVAL;
		goto out;
	}
	struct sockaddr_storage buf;
	memset(&buf, 0, sizeof(buf));
	if ((e = read_mem(j->pid, addr, &buf, (size_t)(int)len)) != 0 ||
	    (e = notif_valid(s, j->id)) != 0)
		goto out;
	sock = (int)syscall(__NR_pidfd_getfd, pidfd, (int)fd, 0);
	if (sock < 0) {
		e = errno == EBADF ? EBADF : errno == EPERM ? EACCES : errno;
		goto out;
	}
	int dom = 0, type = 0;
	socklen_t ol = sizeof(dom);
	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &dom, &ol) != 0) {
		e = errno;
		goto out;
	}
	if (dom != AF_UNIX) {
		e = connect(sock, (struct sockaddr *)&buf, (socklen_t)(int)len) == 0 ? 0 : errno;
		goto out;
	}
	ol = sizeof(type);
	struct sandbox_sock_addr a;
	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &ol) != 0)
		e = errno;
	else if (sandbox_sock_addr_parse(&buf, (size_t)(int)len, &a) != 0)
		e = EINVAL;
	else if (a.abstract)
		e = connect_abstract(s, sock, type, &a);
	else if (tiddir < 0 && (tiddir = open_tiddir(s, (pid_t)j->pid)) < 0)
		e = ESRCH;
	else if ((e = notif_valid(s, j->id)) == 0) /* tiddir is the caller's */
		e = connect_path(s, tiddir, sock, type, a.name);
out:
	if (sock >= 0)
		close(sock);
	if (pidfd >= 0)
		close(pidfd);
	if (tiddir >= 0)
		close(tiddir);
	return e;
}

static void respond(const struct sandbox_sock_sup *s, uint64_t id, int err)
{
	struct seccomp_notif_resp *r = calloc(1, s->resp_size);
	if (!r)
		return;
	r->id = id;
	r->error = err ? -err : 0;
	r->val = 0;
	/* ENOENT: the task is gone or was interrupted; nothing to tell */
	while (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, r) != 0 && errno == EINTR)
		;
	free(r);
}

static int spawn(struct sandbox_sock_sup *s, void *(*fn)(void *));
static void *worker(void *arg);

/* A worker started while the session runs: its own file-system context
 * at once, like the first ones (the init no longer changes its own). */
static void *worker_late(void *arg)
{
	struct sandbox_sock_sup *s = arg;
	if (unshare(CLONE_FS) != 0) {
		atomic_fetch_sub(&s->live, 1);
		return NULL;
	}
	return worker(arg);
}

/* One more worker when the last idle one just took a notification. */
static void grow(struct sandbox_sock_sup *s, int busy)
{
	int live = atomic_load(&s->live);
	while (busy >= live - 1 && live < SOCK_WORKERS) {
		if (atomic_compare_exchange_weak(&s->live, &live, live + 1)) {
			if (spawn(s, worker_late) != 0)
				atomic_fetch_sub(&s->live, 1);
			return;
		}
	}
}

static void *worker_first(void *arg)
{
	struct sandbox_sock_sup *s = arg;
	/* a root and working directory of our own: connect_path changes
	 * them (and the init may setns() its own only while no thread
	 * shares them) */
	bool fs = unshare(CLONE_FS) == 0;
	pthread_barrier_wait(&s->started);
	return fs ? worker(arg) : NULL;
}

/* A worker: takes notifications one at a time and answers each. All of
 * them wait in SECCOMP_IOCTL_NOTIF_RECV at once (each call gets a
 * different notification), so a connect that blocks holds up one worker
 * only; when all but one are busy, the last answers EAGAIN. */
static void *worker(void *arg)
{
	struct sandbox_sock_sup *s = arg;
	struct seccomp_notif *req = malloc(s->notif_size);
	while (req) {
		memset(req, 0, s->notif_size);
		if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, req) != 0) {
			if (errno == EINTR)
				continue;
			if (errno != ENOENT)
				break;
			/* ENOENT: the caller died or was interrupted first, or
			 * no task is left under the filter (the agent exited):
			 * wait for the next request or the hang-up, never spin */
			struct pollfd pf = { .fd = s->listener, .events = POLLIN };
			while (poll(&pf, 1, -1) < 0 && errno == EINTR)
				;
			if (pf.revents & (POLLHUP | POLLERR | POLLNVAL))
				break;
			continue;
		}
		struct job j = { .s = s, .id = req->id, .pid = req->pid, .nr = req->data.nr,
				 .arch = req->data.arch };
		memcpy(j.args, req->data.args, sizeof(j.args));
		int busy = atomic_fetch_add(&s->busy, 1);
		grow(s, busy);
		int e = busy >= SOCK_WORKERS - 1 ? EAGAIN : handle(&j);
		atomic_fetch_sub(&s->busy, 1);
		respond(s, j.id, e);
	}
	free(req);
	return NULL;
}

/* A detached worker thread with every signal blocked (signals stay with
 * the init's main thread, which forwards them). 0 or HUSH_ENOMEM. */
static int spawn(struct sandbox_sock_sup *s, void *(*fn)(void *))
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 128 * 1024);
	pthread_t t;
	int r = pthread_create(&t, &at, fn, s) == 0 ? 0 : HUSH_ENOMEM;
	pthread_attr_destroy(&at);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

static int start_workers(struct sandbox_sock_sup *s)
{
	if (pthread_barrier_init(&s->started, NULL, SOCK_WORKERS_START + 1) != 0)
		return HUSH_ENOMEM;
	int n = 0;
	while (n < SOCK_WORKERS_START && spawn(s, worker_first) == 0)
		n++;
	atomic_store(&s->live, n);
	if (n < SOCK_WORKERS_START) {
		/* the barrier cannot complete: those started wait forever and
		 * never take a notification; the caller gives up */
		return HUSH_ENOMEM;
	}
	/* every worker has its own file-system context from here on */
	pthread_barrier_wait(&s->started);
	return 0;
}

/* --- the probe for hush doctor --- */

int sandbox_sockets_probe(char *why, size_t n)
{
	why[0] = '\0';
	/* a child under the filter connects to an abstract socket we listen
	 * on, and tries a datagram socket; we supervise it */
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int sp[2] = { -1, -1 };
	struct sockaddr_un sa;
	char name[64];
	int len = snprintf(name, sizeof(name), "%chush-doctor-%d", '\0', (int)getpid());
	socklen_t sl = make_addr(&sa, name, (size_t)len);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sl) != 0 || listen(l, 4) != 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0) {
		snprintf(why, n, "cannot set up the probe: %s", strerror(errno));
		if (l >= 0)
			close(l);
		return HUSH_EIO;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(sp[0]);
		int lfd;
		if (sandbox_sockets_filter(&lfd) != 0)
			_exit(10);
		if (sandbox_sockets_send_listener(sp[1], lfd) != 0)
			_exit(11);
		close(lfd);
		int d = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (d >= 0 || errno != EACCES)
			_exit(12);
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (c < 0)
			_exit(13);
		if (connect(c, (struct sockaddr *)&sa, sl) != 0)
			_exit(14);
		_exit(0);
	}
	close(sp[1]);
	int ret = 0, lfd = -1;
	struct sandbox_sock_sup *s = NULL;
	if (pid < 0) {
		snprintf(why, n, "fork: %s", strerror(errno));
		ret = HUSH_EIO;
	} else if (sandbox_sockets_recv_listener(sp[0], &lfd) != 0) {
		snprintf(why, n, "seccomp user notification unavailable (Linux >= 5.0)");
		ret = HUSH_EPERM;
	} else if (sandbox_sockets_supervise(lfd, &(struct sandbox_sock_policy){ 0 }, &s) != 0) {
		snprintf(why, n, "seccomp notification sizes unavailable");
		ret = HUSH_EPERM;
	}
	int st = 0;
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	if (ret == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		snprintf(why, n, "%s", WIFEXITED(st) && WEXITSTATUS(st) == 14
			 ? "the supervisor could not connect for the child (pidfd_getfd needs Linux >= 5.6)"
			 : "the child under the filter failed");
		ret = HUSH_EPERM;
	}
	if (ret == 0)
		snprintf(why, n, "ok");
	/* s and lfd stay: the workers wait on them until we exit */
	if (!s && lfd >= 0)
		close(lfd);
	close(sp[0]);
	close(l);
	return ret;
}
