/* SPDX-License-Identifier: ISC */
/* Carrying out the mount plan (plan.h) in the sandbox's init process:
 * every mount private and read-only first, then the plan's operations in
 * their order, a /proc for the pid namespace, and the directories above
 * the masks pinned. Runs in the init's own mount namespace, which nothing
 * else shares. */
#include "sandbox/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"

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

int sandbox_mount_clone(const char *path, bool recursive)
{
	return (int)syscall(SYS_open_tree, AT_FDCWD, path,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
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


const char *sandbox_mount_step_text(enum sandbox_mount_step s)
{
	switch (s) {
	case SANDBOX_MOUNT_PRIVATE: return "making mounts private";
	case SANDBOX_MOUNT_CAPTURE: return "taking a copy of a path to show inside";
	case SANDBOX_MOUNT_READONLY: return "making the file system read-only";
	case SANDBOX_MOUNT_TMPFS: return "mounting a private tmpfs";
	case SANDBOX_MOUNT_SCRATCH: return "mounting a scratch directory";
	case SANDBOX_MOUNT_BIND: return "showing a path inside";
	case SANDBOX_MOUNT_COPY: return "copying a state file in";
	case SANDBOX_MOUNT_PROTECT: return "making a path never writable";
	case SANDBOX_MOUNT_MASK_FILE: return "masking a hidden file";
	case SANDBOX_MOUNT_MASK_DIR: return "masking a hidden directory";
	case SANDBOX_MOUNT_PROC: return "mounting /proc for the pid namespace";
	case SANDBOX_MOUNT_PIN: return "pinning a directory that holds hidden files";
	}
	return "setting up the sandbox";
}

/* Records the failed step (errno stays as the failure left it); -1. */
static int failed(struct sandbox_mount_fail *f, enum sandbox_mount_step step, const char *path)
{
	f->step = step;
	f->path = path;
	return -1;
}

int sandbox_mount_mask_file(const char *empty, const char *target)
{
	if (mount(empty, target, NULL, MS_BIND, NULL) != 0)
		return errno == ENOENT ? 0 : -1;
	return mount(NULL, target, NULL,
		     MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

int sandbox_mount_mask_dir(const char *target)
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

int sandbox_mount_ensure_point(const char *path, bool dir)
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
	if (sandbox_mount_ensure_point(path, true) != 0)
		return -1;
	return mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opt);
}

/* Every descriptor the plan needs, taken before the first mount changes
 * anything: a detached copy of each bind source (so a source under /tmp
 * survives the private /tmp) and the state files. */
static int capture(const struct sandbox_plan *pl, int *fds, struct sandbox_states *st,
		   struct sandbox_mount_fail *f)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (size_t i = 0; i < pl->n; i++) {
		const struct sandbox_op *o = &pl->ops[i];
		fds[i] = -1;
		if (o->kind == SB_OP_BIND_RO || o->kind == SB_OP_BIND_RW) {
			fds[i] = sandbox_mount_clone(o->src, true);
			if (fds[i] < 0 && errno != ENOENT)
				return failed(f, SANDBOX_MOUNT_CAPTURE, o->src);
		} else if (o->kind == SB_OP_COPY && sandbox_states_add(st, o->path, o->src) != 0) {
			return failed(f, SANDBOX_MOUNT_CAPTURE, o->src);
		}
	}
	return 0;
}

/* A detached copy (fd, or -1 when its source vanished before start) moved
 * onto path; read-only for SB_OP_BIND_RO. */
static int bind_op(const struct sandbox_op *o, int fd)
{
	if (fd < 0)
		return 0;
	struct stat st;
	if (fstat(fd, &st) != 0 || sandbox_mount_ensure_point(o->path, S_ISDIR(st.st_mode)) != 0 ||
	    sys_move_mount(fd, o->path) != 0)
		return -1;
	close(fd);
	return o->kind == SB_OP_BIND_RO ? set_rdonly(o->path, true) : 0;
}

/* One operation; state counts the SB_OP_COPY ones carried out. */
static int run_op(const struct sandbox_op *o, int fd, const char *empty,
		  const struct sandbox_states *st, size_t *state, struct sandbox_mount_fail *f)
{
	switch (o->kind) {
	case SB_OP_PRIVATE:
		return mount_private(o->path, o->mode) ? failed(f, SANDBOX_MOUNT_TMPFS, o->path) : 0;
	case SB_OP_SCRATCH:
		return mount_private(o->path, o->mode) ? failed(f, SANDBOX_MOUNT_SCRATCH, o->path) : 0;
	case SB_OP_BIND_RO:
	case SB_OP_BIND_RW:
		return bind_op(o, fd) ? failed(f, SANDBOX_MOUNT_BIND, o->path) : 0;
	case SB_OP_COPY:
		return sandbox_states_copy_in(st, (*state)++) ? failed(f, SANDBOX_MOUNT_COPY, o->path) : 0;
	case SB_OP_PROTECT:
		return ro_bind(o->path) ? failed(f, SANDBOX_MOUNT_PROTECT, o->path) : 0;
	case SB_OP_MASK_FILE:
		return sandbox_mount_mask_file(empty, o->path) ? failed(f, SANDBOX_MOUNT_MASK_FILE, o->path)
							      : 0;
	case SB_OP_MASK_DIR:
		return sandbox_mount_mask_dir(o->path) ? failed(f, SANDBOX_MOUNT_MASK_DIR, o->path) : 0;
	case SB_OP_LINK:
		return symlink(o->src, o->path) != 0 && errno != EEXIST
			       ? failed(f, SANDBOX_MOUNT_BIND, o->path) : 0;
	case SB_OP_SEAL:
		return set_rdonly(o->path, false) ? failed(f, SANDBOX_MOUNT_BIND, o->path) : 0;
	}
	return 0;
}

static int run_plan(const struct sandbox_plan *pl, const char *empty, struct sandbox_states *st,
		    struct sandbox_mount_fail *f)
{
	int *fds = calloc(pl->n ? pl->n : 1, sizeof(int));
	if (!fds)
		return failed(f, SANDBOX_MOUNT_CAPTURE, NULL);
	int r = capture(pl, fds, st, f);
	/* writes are an allow-list: everything read-only first */
	if (r == 0 && set_rdonly("/", true) != 0)
		r = failed(f, SANDBOX_MOUNT_READONLY, "/");
	size_t state = 0;
	for (size_t i = 0; r == 0 && i < pl->n; i++)
		r = run_op(&pl->ops[i], fds[i], empty, st, &state, f);
	int e = errno;
	free(fds);
	errno = e;
	return r;
}

int sandbox_mount_plan(const struct sandbox_plan *pl, const char *empty,
		       struct sandbox_states *st, struct sandbox_mount_fail *f)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return failed(f, SANDBOX_MOUNT_PRIVATE, NULL);
	if (run_plan(pl, empty, st, f) != 0)
		return -1;
	/* a fresh /proc for this pid namespace: other processes (the broker,
	 * hush itself, the user's shell) do not exist in it */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		return failed(f, SANDBOX_MOUNT_PROC, NULL);
	/* pin the directories above masks and never-writable paths that the
	 * agent could rename */
	struct strv pinned = { 0 };
	int r = 0;
	for (size_t i = 0; r == 0 && i < pl->n; i++) {
		const struct sandbox_op *o = &pl->ops[i];
		if (o->kind != SB_OP_PROTECT && o->kind != SB_OP_MASK_FILE && o->kind != SB_OP_MASK_DIR)
			continue;
		if (pin_ancestors(o->path, &pinned) != 0)
			r = failed(f, SANDBOX_MOUNT_PIN, o->path);
	}
	int e = errno;
	strv_free(&pinned);
	errno = e;
	return r;
}
