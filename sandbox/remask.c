/* SPDX-License-Identifier: ISC */
/* Re-masking while the agent runs. The kernel detaches a mount whose mount
 * point is unlinked or renamed over from another namespace, so a hidden
 * file that an editor outside replaces by rename would lose its mask. The init watches the
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
#include "sandbox/remask.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "common/util.h"
#include "sandbox/mount.h"

#define SIG_DNOTIFY (SIGRTMIN + 1)

struct watch {
	int fd;
	char *dir;
};

static void add_parent_watch(struct watch *w, size_t *nw, size_t cap, char *path,
			     const struct strv *dirs)
{
	char *slash = strrchr(path, '/');
	if (!slash || *nw >= cap)
		return;
	*slash = '\0';
	const char *dir = slash == path ? "/" : path;
	bool under_mask = strv_has(dirs, dir);
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

static void remask(const struct sandbox_masks *m, const char *empty_file, const char *dir,
		   const struct stat *empty)
{
	const struct strv *lists[] = { &m->files, &m->dirs };
	for (size_t l = 0; l < ARRAY_LEN(lists); l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			const char *p = lists[l]->v[i];
			struct stat st;
			if (!parent_is(p, dir) || shows_mask(p, empty) || lstat(p, &st) != 0)
				continue;
			if (S_ISDIR(st.st_mode))
				sandbox_mount_mask_dir(p);
			else
				sandbox_mount_mask_file(empty_file, p);
		}
}

bool sandbox_remask_watch(const struct sandbox_masks *m, const char *empty_file, pid_t agent,
			  int mntfd, int *wstatus)
{
	/* From here on the init works in the agent's mount namespace: its
	 * own, used by nobody else now, is torn down at once, while the
	 * agent runs, instead of on the way out. */
	bool entered = setns(mntfd, CLONE_NEWNS) == 0;
	size_t cap = m->files.n + m->dirs.n;
	struct watch *w = cap ? calloc(cap, sizeof(*w)) : NULL;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIG_DNOTIFY);
	sigaddset(&set, SIGIO);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	struct stat empty;
	if (!w || sfd < 0 || stat(empty_file, &empty) != 0) {
		free(w);
		return false;
	}
	size_t nw = 0;
	char path[PATH_MAX];
	for (size_t i = 0; i < m->files.n; i++) {
		snprintf(path, sizeof(path), "%s", m->files.v[i]);
		add_parent_watch(w, &nw, cap, path, &m->dirs);
	}
	for (size_t i = 0; i < m->dirs.n; i++) {
		snprintf(path, sizeof(path), "%s", m->dirs.v[i]);
		add_parent_watch(w, &nw, cap, path, &m->dirs);
	}
	for (;;) {
		pid_t r;
		while ((r = waitpid(-1, wstatus, WNOHANG)) > 0)
			if (r == agent)
				return true;
		if (r < 0 && errno == ECHILD)
			return false;
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
			remask(m, empty_file, dir, &empty);
		}
	}
	return false;
}
