/* SPDX-License-Identifier: ISC */
/* Internal interface between the parts of libhush.so: initialisation, the
 * table of real libc functions, the hide checks and debug logging.
 * shim.c implements it; fs.c and exec.c hold the exported wrappers. */
#ifndef HUSH_SHIM_H
#define HUSH_SHIM_H

#undef _FORTIFY_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "shim/rules.h"

#define SHIM_EXPORT __attribute__((visibility("default")))

/* Every libc function the shim forwards to, looked up once with
 * dlsym(RTLD_NEXT) (or dlvsym for the versioned posix_spawn pair). */
#define SHIM_SYMBOLS(X)                                                                    \
	X(open) X(open64) X(openat) X(openat64) X(__open_2) X(__open64_2) X(__openat_2)    \
	X(__openat64_2) X(creat) X(creat64) X(fopen) X(fopen64) X(freopen) X(freopen64)    \
	X(stat) X(stat64) X(lstat) X(lstat64) X(fstatat) X(fstatat64) X(statx) X(__xstat) \
	X(__xstat64) X(__lxstat) X(__lxstat64) X(__fxstatat) X(__fxstatat64) X(access)     \
	X(eaccess) X(euidaccess) X(faccessat) X(readlink) X(readlinkat) X(realpath)        \
	X(canonicalize_file_name) X(__readlink_chk) X(__realpath_chk) X(opendir)           \
	X(fdopendir) X(readdir) X(readdir64) X(readdir_r) X(readdir64_r) X(getdents64)     \
	X(chdir) X(fchdir) X(rename) X(renameat) X(renameat2) X(link) X(linkat) X(execve) X(execv) X(execvp) X(execvpe) X(execveat) X(fexecve) X(system) X(popen) X(pclose)  \
	X(syscall)

enum shim_sym {
#define SHIM_ENUM(n) SYM_##n,
	SHIM_SYMBOLS(SHIM_ENUM)
#undef SHIM_ENUM
	SYM_posix_spawn_2_15,
	SYM_posix_spawn_2_2_5,
	SYM_posix_spawnp_2_15,
	SYM_posix_spawnp_2_2_5,
	SYM_COUNT
};

/* The real function for id, or NULL when libc lacks it. Resolved at init;
 * a later lookup (before init) is done once, lock-free. */
void *shim_real(enum shim_sym id);
#define REAL(name) ((__typeof__(&name))shim_real(SYM_##name))

/* Loads the rules once (thread-safe, re-entrancy safe). Returns the rules
 * when the shim has something to do, NULL when it should pass through. */
const struct rules *shim_rules(void);

/* Check flags. */
#define SHIM_NOFOLLOW 1 /* the call does not follow a final symlink */
#define SHIM_EMPTY_PATH 2 /* AT_EMPTY_PATH: an empty path names dirfd itself */

/* Returns 1 when (dirfd, path) names a hidden file: its canonical path, or
 * the canonical target of a final symlink, is hidden. A path that does not
 * exist is not hidden. errno is preserved. op names the call for the debug
 * log. */
int shim_hidden_at(int dirfd, const char *path, int flags, const char *op);
/* Fast, syscall-free verdict from the path string alone. */
enum shim_lex {
	SHIM_LEX_PASS,    /* no rules, or nothing to judge: call the real function */
	SHIM_LEX_HIDDEN,  /* hidden by name (logged) */
	SHIM_LEX_CLEAN,   /* not hidden, provided no component is a symlink */
	SHIM_LEX_UNKNOWN  /* needs the full check (shim_hidden_at) */
};
enum shim_lex shim_lex(int dirfd, const char *path, const char *op);

/* Open fast path for a path shim_lex found clean: openat2 with
 * RESOLVE_NO_SYMLINKS proves the lexical verdict and opens in one call.
 * Returns 1 when it decided (*fd set, errno set when *fd < 0), 0 when the
 * caller must take the full check and the real function. */
int shim_open_fast(int dirfd, const char *path, int flags, mode_t mode, int *fd);

/* Returns 1 when the directory part of path (relative to dirfd) contains no
 * symlink, shown with openat2 RESOLVE_NO_SYMLINKS (cached per thread for the
 * last absolute directory), or does not exist; 0 when the full check is
 * needed. For the stat and access families, whose calls cannot refuse
 * symlinks themselves. */
int shim_dir_proven(int dirfd, const char *path);

/* The open wrappers' decision, for syscall(): returns 1 when decided (*fd
 * set, errno set when *fd < 0), 0 when the real call should be made. */
int shim_open_decide(int dirfd, const char *path, int flags, mode_t mode, const char *op,
		     int *fd);

/* Re-evaluates whether the working directory is hidden, after a chdir. */
void shim_cwd_changed(void);

/* Returns 1 when the open file descriptor fd refers to a hidden path. */
int shim_fd_hidden(int fd, const char *op);
/* Returns 1 when the directory entry name (of type d_type) must be left out
 * of a listing of the directory open as dirfd (or, when dirfd < 0, as dir;
 * its descriptor is looked up only when a full check is needed). */
int shim_dirent_hidden(int dirfd, DIR *dir, const char *name, unsigned char d_type);

/* Removes hidden entries from a getdents64 buffer of len bytes read from
 * the directory fd, in place. Returns the new length. */
ssize_t shim_filter_dents(int fd, void *buf, size_t len);

/* For syscall(): the stat-family numbers with the wrappers' checks. */
long shim_sys_stat(long nr, long a0, long a1, long a2, long a3, long a4);
/* For syscall(): 1 when an access-family path is hidden. */
int shim_access_hidden(int dirfd, const char *path, int flags, const char *op);

/* For syscall(): 1 when a rename or link moves or overwrites a hidden file. */
int shim_moves_hidden(int odir, const char *old, int ndir, const char *new_, int follow,
		      const char *op);

/* Routing and keep-loaded for every exec entry point; see exec.c. */
enum shim_exec_kind {
	SHIM_EXEC_VE,      /* execve(path) */
	SHIM_EXEC_VPE,     /* execvpe(file): PATH search */
	SHIM_EXEC_VEAT,    /* execveat(dirfd, path, flags) */
	SHIM_EXEC_FD,      /* fexecve(fd) */
	SHIM_EXEC_SYS_VE,  /* syscall(SYS_execve) */
	SHIM_EXEC_SYS_VEAT /* syscall(SYS_execveat) */
};
long shim_exec(enum shim_exec_kind kind, int dirfd, const char *file, char *const argv[],
	       char *const envp[], int flags);

/* Debug log (HUSH_SHIM_DEBUG=1): "hush-shim: <what> <arg> (<op>)". */
int shim_debug(void);
void shim_log(const char *what, const char *arg, const char *op);

/* Keep-loaded: the strings "LD_PRELOAD=<this library>" and
 * "HUSH_SHIM_CONFIG=<rules file>", built at init; NULL when unknown. */
const char *shim_env_preload(void);
const char *shim_env_config(void);
const char *shim_self_path(void);
/* Canonical path of the rules' hush binary, NULL when unknown. */
const char *shim_hush_canonical(void);

/* Prototypes of glibc entry points its headers no longer (or only under
 * _FORTIFY_SOURCE) declare. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
int __xstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);
ssize_t __readlink_chk(const char *path, char *buf, size_t len, size_t buflen);
char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen);

#endif
