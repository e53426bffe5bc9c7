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
 * to P through a close-on-exec pipe as (step, errno). */
#include "sandbox/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <linux/securebits.h>

#include "common/util.h"
#include "sandbox/landlock.h"
#include "sandbox/net.h"
#include "sandbox/seccomp.h"
#include "sandbox/sockets.h"
#include "sandbox/sockfilter.h"

/* The new mount API (Linux 5.2 / 5.12), by number: glibc 2.36's wrappers
 * clash with <linux/mount.h>. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
struct hush_mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static int sys_open_tree(const char *path)
{
	return (int)syscall(SYS_open_tree, AT_FDCWD, path,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
}

static int sys_move_mount(int fd, const char *to)
{
	return (int)syscall(SYS_move_mount, fd, "", AT_FDCWD, to, MOVE_MOUNT_F_EMPTY_PATH);
}

/* Makes path (and with recursive every mount below it) read-only. */
static int set_rdonly(const char *path, bool recursive)
{
	struct hush_mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
	return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &a,
			    sizeof(a));
}

enum step {
	ST_NONE = 0,
	ST_UNSHARE_USER,
	ST_UIDMAP,
	ST_FORK,
	ST_PRIVATE,
	ST_MASK_FILE,
	ST_MASK_DIR,
	ST_RO_BIND,
	ST_PIN,
	ST_CAPTURE,
	ST_READONLY,
	ST_PRIVATE_FS,
	ST_BIND,
	ST_SCRATCH,
	ST_COPY,
	ST_PROTECT,
	ST_PROC,
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
};

static const char *step_text(int s)
{
	switch (s) {
	case ST_UNSHARE_USER: return "creating the user, pid and mount namespaces";
	case ST_UIDMAP: return "mapping the user id into the namespace";
	case ST_FORK: return "starting the agent process";
	case ST_PRIVATE: return "making mounts private";
	case ST_MASK_FILE: return "masking a hidden file";
	case ST_MASK_DIR: return "masking a hidden directory";
	case ST_RO_BIND: return "making a path read-only";
	case ST_PIN: return "pinning a directory that holds hidden files";
	case ST_CAPTURE: return "taking a copy of a path to show inside";
	case ST_READONLY: return "making the file system read-only";
	case ST_PRIVATE_FS: return "mounting a private tmpfs";
	case ST_BIND: return "showing a path inside";
	case ST_SCRATCH: return "mounting a scratch directory";
	case ST_COPY: return "copying a state file in";
	case ST_PROTECT: return "making a path never writable";
	case ST_PROC: return "mounting /proc for the pid namespace";
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

static int mask_file(const char *empty, const char *target)
{
	if (mount(empty, target, NULL, MS_BIND, NULL) != 0)
		return errno == ENOENT ? 0 : -1;
	return mount(NULL, target, NULL,
		     MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static int mask_dir(const char *target)
{
	if (mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0500,size=4k,nr_inodes=2") != 0)
		return errno == ENOENT ? 0 : -1;
	return 0;
}

static int ro_bind(const char *p)
{
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) != 0)
		return errno == ENOENT ? 0 : -1;
	return mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
}

/* Pins the directories above a masked path that the agent could rename
 * (those whose parent it may write to): each is bound onto itself
 * (recursively, so whatever is mounted below comes along), which makes it
 * a mount point the agent cannot rename (EBUSY). Without this the agent
 * could rename a directory holding masked files to a name the next
 * sandbox's walk skips (node_modules, .git), or move $HOME/.config or the
 * runtime directory (and with it control/token) aside, and read them
 * unmasked in its next session. */
static int pin_ancestors(const char *path, struct strv *done)
{
	char p[PATH_MAX];
	if (path[0] != '/' || xsnprintf(p, sizeof(p), "%s", path) < 0)
		return 0;
	/* each ancestor below "/", shallowest first; the mask itself is a
	 * mount point already */
	for (char *s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (!strv_has(done, p)) {
			char *slash = strrchr(p, '/');
			bool top = slash == p;
			*slash = '\0';
			int w = access(top ? "/" : p, W_OK);
			*slash = '/';
			if (w == 0 && mount(p, p, NULL, MS_BIND | MS_REC, NULL) != 0 && errno != ENOENT)
				return -1;
			if (strv_push(done, p) != 0)
				return -1;
		}
		*s = '/';
	}
	return 0;
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

/* Re-masking. The kernel detaches a mount whose mount point is unlinked or
 * renamed over from another namespace, so a hidden file that an editor
 * outside replaces by rename would lose its mask. The init watches the
 * parent directories of the masks and, when a name is created in or moved
 * into one of them, looks at that directory's masks in the agent's mount
 * namespace (which it may enter: the agent's user namespace is a child of
 * ours, created by the same uid) and masks anew each one that no longer
 * shows its mask. There is a window of a few milliseconds: this narrows
 * the gap, it does not close it.
 *
 * The watches are dnotify (F_NOTIFY), not inotify: closing an inotify
 * instance that holds watches waits for an SRCU grace period (some 15 ms),
 * and every session's exit waited for the init to close it. dnotify's
 * marks belong to one group that is never torn down, so its descriptors
 * close at once. Its events name the directory only (si_fd of
 * SIG_DNOTIFY), or nothing (SIGIO, when the queue of real-time signals is
 * full: every mask is looked at). */
#define SIG_DNOTIFY (SIGRTMIN + 1)

struct watch {
	int fd;
	char *dir;
};

static bool in_list(const struct strv *l, const char *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], p) == 0)
			return true;
	return false;
}

static void add_parent_watch(struct watch *w, size_t *nw, size_t cap, char *path,
			     const struct strv *dirs)
{
	char *slash = strrchr(path, '/');
	if (!slash || *nw >= cap)
		return;
	*slash = '\0';
	const char *dir = slash == path ? "/" : path;
	bool under_mask = in_list(dirs, dir);
	for (size_t i = 0; i < *nw && !under_mask; i++)
		under_mask = strcmp(w[i].dir, dir) == 0;
	if (!under_mask) {
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && fcntl(fd, F_SETSIG, SIG_DNOTIFY) == 0 &&
		    fcntl(fd, F_NOTIFY, DN_CREATE | DN_RENAME | DN_MULTISHOT) == 0 &&
		    (w[*nw].dir = strdup(dir)) != NULL)
			w[(*nw)++].fd = fd;
		else if (fd >= 0)
			close(fd);
	}
	*slash = '/';
}

/* True when path lies directly in dir (NULL: anywhere). */
static bool parent_is(const char *path, const char *dir)
{
	if (!dir)
		return true;
	const char *slash = strrchr(path, '/');
	if (!slash)
		return false;
	size_t n = (size_t)(slash - path);
	if (n == 0)
		return strcmp(dir, "/") == 0;
	return strlen(dir) == n && strncmp(path, dir, n) == 0;
}

/* True when path shows a mask: the empty file, or the read-only two-inode
 * tmpfs that mask_dir mounts. Nothing there (deleted) counts as hidden: a
 * name created later comes with an event of its own. */
static bool shows_mask(const char *path, const struct stat *empty)
{
	struct stat st;
	struct statfs sf;
	if (lstat(path, &st) != 0)
		return true;
	if (!S_ISDIR(st.st_mode))
		return st.st_dev == empty->st_dev && st.st_ino == empty->st_ino;
	return statfs(path, &sf) == 0 && sf.f_type == TMPFS_MAGIC && sf.f_files == 2 &&
	       (sf.f_flags & ST_RDONLY);
}

static void remask(const struct sandbox_spec *s, const char *dir, const struct stat *empty)
{
	const struct strv *lists[] = { &s->masks->files, &s->masks->dirs };
	for (size_t l = 0; l < ARRAY_LEN(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			const char *p = lists[l]->v[i];
			struct stat st;
			if (!parent_is(p, dir) || shows_mask(p, empty) || lstat(p, &st) != 0)
				continue;
			if (S_ISDIR(st.st_mode))
				mask_dir(p);
			else
				mask_file(s->empty_file, p);
		}
}

static int watch_and_wait(const struct sandbox_spec *s, pid_t agent, int mntfd)
{
	/* From here on the init works in the agent's mount namespace: its
	 * own, used by nobody else now, is torn down at once, while the
	 * agent runs, instead of on the way out. */
	bool entered = setns(mntfd, CLONE_NEWNS) == 0;
	size_t cap = s->masks->files.n + s->masks->dirs.n;
	struct watch *w = cap ? calloc(cap, sizeof(*w)) : NULL;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIG_DNOTIFY);
	sigaddset(&set, SIGIO);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	struct stat empty;
	if (!w || sfd < 0 || stat(s->empty_file, &empty) != 0) {
		free(w);
		return wait_for(agent);
	}
	size_t nw = 0;
	char path[PATH_MAX];
	for (size_t i = 0; i < s->masks->files.n; i++) {
		snprintf(path, sizeof(path), "%s", s->masks->files.v[i]);
		add_parent_watch(w, &nw, cap, path, &s->masks->dirs);
	}
	for (size_t i = 0; i < s->masks->dirs.n; i++) {
		snprintf(path, sizeof(path), "%s", s->masks->dirs.v[i]);
		add_parent_watch(w, &nw, cap, path, &s->masks->dirs);
	}
	for (;;) {
		int st;
		pid_t r;
		while ((r = waitpid(-1, &st, WNOHANG)) > 0)
			if (r == agent)
				return exit_code(st);
		if (r < 0 && errno == ECHILD)
			return 1;
		struct signalfd_siginfo si[16];
		ssize_t len = read(sfd, si, sizeof(si));
		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			break;
		for (size_t k = 0; k < (size_t)len / sizeof(si[0]); k++) {
			const char *dir = NULL;
			if ((int)si[k].ssi_signo == SIG_DNOTIFY) {
				for (size_t i = 0; i < nw && !dir; i++)
					if (w[i].fd == si[k].ssi_fd)
						dir = w[i].dir;
				if (!dir)
					continue;
			} else if (si[k].ssi_signo != SIGIO) {
				continue;
			}
			if (!entered && setns(mntfd, CLONE_NEWNS) != 0)
				continue;
			entered = true;
			remask(s, dir, &empty);
		}
	}
	return wait_for(agent);
}

/* --- carrying out the plan --- */

/* Creates the missing directories of path (not path itself), 0755. */
static int mkdir_parents(const char *path)
{
	char p[PATH_MAX];
	if (xsnprintf(p, sizeof(p), "%s", path) < 0)
		return -1;
	for (char *s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

/* Makes sure there is something to mount on at path: a directory, or an
 * empty file when the source is not a directory. */
static int ensure_mountpoint(const char *path, bool dir)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		return 0;
	if (mkdir_parents(path) != 0)
		return -1;
	if (dir)
		return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	close(fd);
	return 0;
}

static int mount_private(const char *path, unsigned mode)
{
	char opt[64];
	snprintf(opt, sizeof(opt), "mode=%04o", mode);
	if (ensure_mountpoint(path, true) != 0)
		return -1;
	return mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opt);
}

/* State files: the bytes copied in, kept to tell at exit whether the
 * agent changed them, and the real directory to write them back to. */
struct state_copy {
	const char *path;
	int dirfd;          /* the real parent directory, opened before any mount */
	const char *name;
	char *orig;         /* NULL: did not exist at start */
	size_t olen;
};
#define STATE_MAX_BYTES (64u << 20)

static struct state_copy *g_state;
static size_t g_nstate;

static int capture_state(struct state_copy *c, const char *src)
{
	char dir[PATH_MAX];
	if (xsnprintf(dir, sizeof(dir), "%s", src) < 0)
		return -1;
	char *sl = strrchr(dir, '/');
	if (!sl)
		return -1;
	*sl = '\0';
	c->name = src + (sl - dir) + 1;
	/* a detached copy of the directory's mount, taken before the root is
	 * made read-only: writing the file back goes through it */
	c->dirfd = (int)syscall(SYS_open_tree, AT_FDCWD, sl == dir ? "/" : dir,
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (c->dirfd < 0)
		return -1;
	int r = file_read_all(src, STATE_MAX_BYTES, false, &c->orig, &c->olen);
	return r == 0 || r == HUSH_ENOENT ? 0 : -1;
}

static int copy_state_in(const struct state_copy *c)
{
	if (!c->orig)
		return 0;
	if (mkdir_parents(c->path) != 0)
		return -1;
	int fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int r = write_all(fd, c->orig, c->olen);
	close(fd);
	return r;
}

/* At exit: a state file the agent changed (or created) is written back to
 * the real directory, atomically (a temporary name, then rename). A
 * symlink, a non-regular file or one over the size cap is not. */
static void copy_state_out(void)
{
	for (size_t i = 0; i < g_nstate; i++) {
		struct state_copy *c = &g_state[i];
		char *now = NULL;
		size_t nlen = 0;
		if (file_read_all(c->path, STATE_MAX_BYTES, false, &now, &nlen) != 0)
			continue;
		if (c->orig && nlen == c->olen && memcmp(now, c->orig, nlen) == 0) {
			free(now);
			continue;
		}
		char tmp[NAME_MAX + 1];
		snprintf(tmp, sizeof(tmp), ".%.200s.hush-%d", c->name, (int)getpid());
		int out = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out >= 0) {
			bool okw = write_all(out, now, nlen) == 0 && fsync(out) == 0;
			close(out);
			if (!okw || renameat(c->dirfd, tmp, c->dirfd, c->name) != 0)
				unlinkat(c->dirfd, tmp, 0);
		}
		free(now);
	}
}

/* Every descriptor the plan needs, taken before the first mount changes
 * anything: a detached copy of each bind source (so a source under /tmp
 * survives the private /tmp) and the state files. */
static int capture(const struct sandbox_plan *pl, int *fds, int rfd)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	size_t ns = 0;
	for (size_t i = 0; i < pl->n; i++)
		if (pl->ops[i].kind == SB_OP_COPY)
			ns++;
	g_state = ns ? calloc(ns, sizeof(*g_state)) : NULL;
	if (ns && !g_state)
		fail_child(rfd, ST_CAPTURE, NULL);
	for (size_t i = 0; i < pl->n; i++) {
		const struct sandbox_op *o = &pl->ops[i];
		fds[i] = -1;
		if (o->kind == SB_OP_BIND_RO || o->kind == SB_OP_BIND_RW) {
			fds[i] = sys_open_tree(o->src);
			if (fds[i] < 0 && errno != ENOENT)
				fail_child(rfd, ST_CAPTURE, o->src);
		} else if (o->kind == SB_OP_COPY) {
			struct state_copy *c = &g_state[g_nstate++];
			c->path = o->path;
			if (capture_state(c, o->src) != 0)
				fail_child(rfd, ST_CAPTURE, o->src);
		}
	}
	return 0;
}

static void run_plan(const struct sandbox_plan *pl, const char *empty, int rfd)
{
	int *fds = calloc(pl->n ? pl->n : 1, sizeof(int));
	if (!fds)
		fail_child(rfd, ST_CAPTURE, NULL);
	capture(pl, fds, rfd);
	/* writes are an allow-list: everything read-only first */
	if (set_rdonly("/", true) != 0)
		fail_child(rfd, ST_READONLY, "/");
	size_t state = 0;
	for (size_t i = 0; i < pl->n; i++) {
		const struct sandbox_op *o = &pl->ops[i];
		switch (o->kind) {
		case SB_OP_PRIVATE:
			if (mount_private(o->path, o->mode) != 0)
				fail_child(rfd, ST_PRIVATE_FS, o->path);
			break;
		case SB_OP_SCRATCH:
			if (mount_private(o->path, o->mode) != 0)
				fail_child(rfd, ST_SCRATCH, o->path);
			break;
		case SB_OP_BIND_RO:
		case SB_OP_BIND_RW: {
			if (fds[i] < 0)
				break; /* vanished before start */
			struct stat st;
			if (fstat(fds[i], &st) != 0 || ensure_mountpoint(o->path, S_ISDIR(st.st_mode)) != 0 ||
			    sys_move_mount(fds[i], o->path) != 0)
				fail_child(rfd, ST_BIND, o->path);
			close(fds[i]);
			if (o->kind == SB_OP_BIND_RO && set_rdonly(o->path, true) != 0)
				fail_child(rfd, ST_BIND, o->path);
			break;
		}
		case SB_OP_COPY:
			if (copy_state_in(&g_state[state++]) != 0)
				fail_child(rfd, ST_COPY, o->path);
			break;
		case SB_OP_PROTECT:
			if (ro_bind(o->path) != 0)
				fail_child(rfd, ST_PROTECT, o->path);
			break;
		case SB_OP_MASK_FILE:
			if (mask_file(empty, o->path) != 0)
				fail_child(rfd, ST_MASK_FILE, o->path);
			break;
		case SB_OP_MASK_DIR:
			if (mask_dir(o->path) != 0)
				fail_child(rfd, ST_MASK_DIR, o->path);
			break;
		case SB_OP_LINK:
			if (symlink(o->src, o->path) != 0 && errno != EEXIST)
				fail_child(rfd, ST_BIND, o->path);
			break;
		case SB_OP_SEAL:
			if (set_rdonly(o->path, false) != 0)
				fail_child(rfd, ST_BIND, o->path);
			break;
		}
	}
	free(fds);
}

/* The init process in the pid namespace: mounts, then runs the agent. */
static _Noreturn void init_main(const struct sandbox_spec *s, int rfd, uid_t uid, gid_t gid)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		fail_child(rfd, ST_PRIVATE, NULL);
	run_plan(s->plan, s->empty_file, rfd);
	/* a fresh /proc for this pid namespace: other processes (the broker,
	 * hush itself, the user's shell) do not exist in it */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		fail_child(rfd, ST_PROC, NULL);
	/* pin the directories above masks and never-writable paths that the
	 * agent could rename */
	struct strv pinned = { 0 };
	for (size_t i = 0; i < s->plan->n; i++) {
		const struct sandbox_op *o = &s->plan->ops[i];
		if (o->kind != SB_OP_PROTECT && o->kind != SB_OP_MASK_FILE && o->kind != SB_OP_MASK_DIR)
			continue;
		if (pin_ancestors(o->path, &pinned) != 0)
			fail_child(rfd, ST_PIN, o->path);
	}
	strv_free(&pinned);
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
	int mntfd = -1;
	if (sync[0] >= 0) {
		close(sync[1]);
		char c;
		ssize_t got;
		while ((got = read(sync[0], &c, 1)) < 0 && errno == EINTR)
			;
		close(sync[0]);
		if (got == 1) {
			char path[64];
			snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)a);
			mntfd = open(path, O_RDONLY | O_CLOEXEC);
		}
	}
	if (lsp[0] >= 0) {
		close(lsp[1]);
		int lfd;
		struct sandbox_sock_sup *sup;
		/* no listener: the agent failed before exec; one we cannot
		 * supervise is closed, so that its connects fail (ENOSYS) */
		if (sandbox_sockets_recv_listener(lsp[0], &lfd) == 0 &&
		    sandbox_sockets_supervise(lfd, s->sockets, &sup) != 0)
			close(lfd);
		close(lsp[0]);
	}
	int code = mntfd >= 0 ? watch_and_wait(s, a, mntfd) : wait_for(a);
	copy_state_out();
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
			fail_child(p[1], ST_PRIVATE, NULL);
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

int sandbox_run(const struct sandbox_spec *s, int *status, char *err, size_t n)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, n, "pipe: %s", strerror(errno));
		return HUSH_EIO;
	}
	uid_t uid = getuid();
	gid_t gid = getgid();
	pid_t child;
	if (s->userns) {
		/* One clone makes the user, pid and mount namespaces (ours, and
		 * our mounts, stay as they are): the child is the pid
		 * namespace's init from the start and sets up the mounts. A
		 * raw clone, as bubblewrap does: fork() takes no namespace
		 * flags, and unshare() would need a helper process in between.
		 * The signals we forward stay blocked in the child until it
		 * forwards them on (an init drops those it has no handler
		 * for). */
		/* the pid namespace exists once its init does: the init waits
		 * at the gate until on_start has seen it */
		int gate[2] = { -1, -1 };
		if (s->on_start && pipe2(gate, O_CLOEXEC) != 0) {
			snprintf(err, n, "pipe: %s", strerror(errno));
			close(p[0]);
			close(p[1]);
			return HUSH_EIO;
		}
		sigset_t fwd, old;
		forwarded_set(&fwd);
		sigprocmask(SIG_BLOCK, &fwd, &old);
		unsigned long net = s->net_proxy_socket ? CLONE_NEWNET : 0;
		child = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | net | SIGCHLD,
				       NULL, NULL, NULL, NULL);
		if (child == 0) {
			close(p[0]);
			if (map_self(uid, gid) != 0)
				fail_child(p[1], ST_UIDMAP, NULL);
			struct sandbox_spec local = *s;
			if (gate[1] >= 0) {
				/* the broker registers the session by our ns/
				 * links: still dumpable until it has; then the
				 * variables it gave come through the gate */
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
			if (child > 0) {
				char *pk;
				size_t pl = env_pack(s->on_start(s->hook_arg, child,
								 proc_pidns(child, false)), &pk);
				if (pl && write_all(gate[1], pk, pl) < 0)
					kill(child, SIGKILL); /* never an agent with half its variables */
				free(pk);
			}
			close(gate[1]);
		}
		if (child < 0 && e != EAGAIN) {
			/* nothing ran: the caller may fall back to Landlock alone */
			snprintf(err, n, "%s: %s", step_text(ST_UNSHARE_USER), strerror(e));
			close(p[0]);
			close(p[1]);
			return HUSH_EPERM;
		}
		errno = e;
	} else {
		child = fork();
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
	}
	if (child < 0) {
		snprintf(err, n, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return HUSH_EIO;
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
