/* SPDX-License-Identifier: ISC */
/* The Landlock domain of the sandboxed agent. It always confines ptrace and
 * /proc/<pid> access to the domain (so the broker and the commands it runs
 * are out of reach); with ABI >= 6 it also scopes signals and abstract unix
 * sockets; without namespaces it is also the file-system allow-list.
 *
 * Debian 12's <linux/landlock.h> stops at ABI 2: the newer constants and
 * struct fields are defined here. */
#include "sandbox/landlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

/* ABI 3..6 additions */
#define HUSH_LL_FS_TRUNCATE (1ULL << 14)
#define HUSH_LL_FS_IOCTL_DEV (1ULL << 15)
#define HUSH_LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define HUSH_LL_SCOPE_SIGNAL (1ULL << 1)

/* The ruleset attribute as of ABI 6 (handled_access_net and scoped appended
 * after handled_access_fs; the kernel accepts a shorter size for older ABIs). */
struct hush_ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct hush_ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

#define LL_FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_FS_EXEC LANDLOCK_ACCESS_FS_EXECUTE
#define LL_FS_DIR_WRITE                                                            \
	(LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |          \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |               \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |             \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)
/* rights that only make sense on directories */
#define LL_FS_DIR_ONLY (LANDLOCK_ACCESS_FS_READ_DIR | LL_FS_DIR_WRITE | \
			LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK | \
			LANDLOCK_ACCESS_FS_REFER)

int sandbox_landlock_abi(const char **why)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
			   LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		if (why)
			*why = errno == ENOSYS ? "the kernel has no Landlock"
			     : errno == EOPNOTSUPP ? "Landlock is disabled at boot (lsm=)"
			     : "Landlock probe failed";
		return HUSH_EPERM;
	}
	if (why)
		*why = NULL;
	return (int)abi;
}

static uint64_t fs_all(int abi)
{
	uint64_t a = (1ULL << 13) - 1; /* EXECUTE .. MAKE_SYM */
	if (abi >= 2)
		a |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		a |= HUSH_LL_FS_TRUNCATE;
	if (abi >= 5)
		a |= HUSH_LL_FS_IOCTL_DEV;
	return a;
}

struct ll {
	int fd;
	uint64_t all;
	const struct sandbox_ll_paths *p;
	unsigned rules;
};

static int add_rule(struct ll *l, const char *path, uint64_t access)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0; /* a missing path needs no rule */
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return 0;
	}
	access &= l->all;
	if (!S_ISDIR(st.st_mode))
		access &= ~(uint64_t)LL_FS_DIR_ONLY;
	struct hush_ll_path_beneath pb = { .allowed_access = access, .parent_fd = fd };
	long r = syscall(__NR_landlock_add_rule, l->fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	int e = errno;
	close(fd);
	if (r != 0) {
		errno = e;
		return HUSH_EIO;
	}
	l->rules++;
	return 0;
}

/* True when some hidden path is dir itself or lies under it. */
static bool holds_hidden(const struct ll *l, const char *dir, bool *is_hidden)
{
	size_t dl = strlen(dir);
	*is_hidden = false;
	for (size_t i = 0; i < l->p->hidden->n; i++) {
		const char *h = l->p->hidden->v[i];
		if (strcmp(h, dir) == 0) {
			*is_hidden = true;
			return true;
		}
		if (strncmp(h, dir, dl) == 0 && (h[dl] == '/' || dl == 1))
			return true;
	}
	return false;
}

/* Grants `access` on the tree at path except the hidden paths under it: a
 * directory holding hidden entries gets listing and create/remove rights
 * only, and each of its other entries is handled the same way in turn. */
static int allow_tree_except(struct ll *l, const char *path, uint64_t access, unsigned depth)
{
	bool self;
	struct stat lst;
	/* a symlink needs no rule (its target's rules apply), and a rule
	 * made through it would cover the target, hidden or not */
	if (lstat(path, &lst) != 0 || S_ISLNK(lst.st_mode))
		return 0;
	if (!holds_hidden(l, path, &self))
		return add_rule(l, path, access);
	if (self || depth > 24 || l->rules > 20000)
		return 0;
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	/* the directory itself: list, create and remove entries, write files
	 * (without reading them back): new files next to a hidden one */
	int r = add_rule(l, path, access & (LANDLOCK_ACCESS_FS_READ_DIR | LL_FS_DIR_WRITE |
					    LANDLOCK_ACCESS_FS_WRITE_FILE | HUSH_LL_FS_TRUNCATE));
	if (r < 0)
		return r;
	DIR *d = opendir(path);
	if (!d)
		return 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char child[PATH_MAX];
		if (xsnprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "",
			      e->d_name) < 0)
			continue;
		r = allow_tree_except(l, child, access, depth + 1);
	}
	closedir(d);
	return r;
}

static int fs_allowlist(struct ll *l)
{
	const uint64_t rx = LL_FS_READ | LL_FS_EXEC;
	const uint64_t rw = l->all;
	static const char *const sys_ro[] = {
		"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
		"/etc", "/opt", "/srv", "/var", "/sys", "/snap", "/nix",
	};
	int r = 0;
	for (size_t i = 0; r == 0 && i < ARRAY_LEN(sys_ro); i++)
		r = allow_tree_except(l, sys_ro[i], rx, 0);
	for (size_t i = 0; r == 0 && l->p->ro_dirs && i < l->p->ro_dirs->n; i++)
		r = allow_tree_except(l, l->p->ro_dirs->v[i], rx, 0);
	/* /proc: own processes only reach their own domain anyway */
	if (r == 0)
		r = add_rule(l, "/proc", rx | LANDLOCK_ACCESS_FS_WRITE_FILE);
	if (r == 0)
		r = add_rule(l, "/dev", rx | LANDLOCK_ACCESS_FS_WRITE_FILE | HUSH_LL_FS_IOCTL_DEV |
					HUSH_LL_FS_TRUNCATE);
	static const char *const tmp_rw[] = { "/tmp", "/var/tmp", "/dev/shm" };
	for (size_t i = 0; r == 0 && i < ARRAY_LEN(tmp_rw); i++)
		r = allow_tree_except(l, tmp_rw[i], rw, 0);
	if (r == 0)
		r = allow_tree_except(l, "/run", rx, 0);
	for (size_t i = 0; r == 0 && l->p->rw_dirs && i < l->p->rw_dirs->n; i++)
		r = allow_tree_except(l, l->p->rw_dirs->v[i], rw, 0);
	if (r == 0 && l->p->home)
		r = allow_tree_except(l, l->p->home, rw, 0);
	return r;
}

int sandbox_landlock_apply(int abi, const struct sandbox_ll_paths *paths, bool scope_abstract)
{
	if (abi <= 0)
		return HUSH_EINVAL;
	struct hush_ll_ruleset_attr attr = { 0 };
	size_t size = abi >= 6 ? sizeof(attr) : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
	struct ll l = { .fd = -1, .all = fs_all(abi), .p = paths };
	attr.handled_access_fs = paths ? l.all
				       : LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK;
	if (abi >= 6)
		attr.scoped = (scope_abstract ? HUSH_LL_SCOPE_ABSTRACT_UNIX_SOCKET : 0) |
			      HUSH_LL_SCOPE_SIGNAL;
	l.fd = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
	if (l.fd < 0)
		return HUSH_EIO;
	int r = paths ? fs_allowlist(&l) : 0;
	if (r == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		r = HUSH_EIO;
	if (r == 0 && syscall(__NR_landlock_restrict_self, l.fd, 0) != 0)
		r = HUSH_EIO;
	int e = errno;
	close(l.fd);
	errno = e;
	return r;
}
