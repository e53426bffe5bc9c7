/* SPDX-License-Identifier: ISC */
/* libhush.so file-system wrappers: the open, stat, access, readlink/realpath
 * and directory families of glibc. A hidden path gets -1/ENOENT (NULL for
 * the FILE and DIR calls); listings leave hidden entries out. Anything else
 * goes to the real function with errno untouched. glibc does not route its
 * own entry points through each other, so each one has its own wrapper. */
#undef _FORTIFY_SOURCE
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim/raw.h"

#define HIDDEN(dirfd, path, flags, op) shim_hidden_at((dirfd), (path), (flags), (op))

static int oflags(int flags)
{
	return (flags & O_NOFOLLOW) ? SHIM_NOFOLLOW : 0;
}

static int atflags(int flags)
{
	return ((flags & AT_SYMLINK_NOFOLLOW) ? SHIM_NOFOLLOW : 0) |
	       ((flags & AT_EMPTY_PATH) ? SHIM_EMPTY_PATH : 0);
}

static int needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/* The open of last resort, used only when libc's symbol cannot be found
 * (a wrapper reached while the shim itself is looking symbols up). */
static int raw_open_fallback(int dirfd, const char *path, int flags, mode_t mode)
{
	int fd = raw_openat(dirfd, path, flags, (int)mode);
	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}

static int enoent(void)
{
	errno = ENOENT;
	return -1;
}

static int enosys(void)
{
	errno = ENOSYS;
	return -1;
}

static int judge(int dirfd, const char *path, int flags, const char *op, int creating);

/* ---- open family ---- */

/* The shared open decision. Returns 1 when decided (*fd set, errno set on
 * failure), 0 when the caller must call the real function. A name hidden by
 * itself is refused at once; a clean-looking path is opened with openat2
 * and RESOLVE_NO_SYMLINKS, which proves no symlink changed what it names;
 * anything else gets the full kernel-resolved check. */
static int open_decide(int dirfd, const char *path, int flags, mode_t mode, const char *op, int *fd)
{
	switch (shim_lex(dirfd, path, op)) {
	case SHIM_LEX_PASS:
		return 0;
	case SHIM_LEX_HIDDEN:
		/* Creating a file of a hidden name is allowed (a name that
		 * does not exist is not hidden); an existing one is refused
		 * by the full check below, before any truncation. */
		if (flags & O_CREAT)
			break;
		*fd = enoent();
		return 1;
	case SHIM_LEX_CLEAN:
		if (shim_open_fast(dirfd, path, flags, mode, fd))
			return 1;
		break;
	case SHIM_LEX_UNKNOWN:
		break;
	}
	if (HIDDEN(dirfd, path, oflags(flags), op)) {
		*fd = enoent();
		return 1;
	}
	return 0;
}

int shim_open_decide(int dirfd, const char *path, int flags, mode_t mode, const char *op, int *fd)
{
	return open_decide(dirfd, path, flags, mode, op, fd);
}

#define OPEN_WRAPPER(name)                                                     \
	SHIM_EXPORT int name(const char *path, int flags, ...)                 \
	{                                                                      \
		mode_t mode = 0;                                               \
		int fd;                                                        \
		if (needs_mode(flags)) {                                       \
			va_list ap;                                            \
			va_start(ap, flags);                                   \
			mode = (mode_t)va_arg(ap, int);                        \
			va_end(ap);                                            \
		}                                                              \
		if (open_decide(AT_FDCWD, path, flags, mode, #name, &fd))      \
			return fd;                                             \
		__typeof__(&name) f = REAL(name);                              \
		if (!f)                                                        \
			return raw_open_fallback(AT_FDCWD, path, flags, mode); \
		return f(path, flags, mode);                                   \
	}
OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)

#define OPENAT_WRAPPER(name)                                                  \
	SHIM_EXPORT int name(int dirfd, const char *path, int flags, ...)     \
	{                                                                     \
		mode_t mode = 0;                                              \
		int fd;                                                       \
		if (needs_mode(flags)) {                                      \
			va_list ap;                                           \
			va_start(ap, flags);                                  \
			mode = (mode_t)va_arg(ap, int);                       \
			va_end(ap);                                           \
		}                                                             \
		if (open_decide(dirfd, path, flags, mode, #name, &fd))        \
			return fd;                                            \
		__typeof__(&name) f = REAL(name);                             \
		if (!f)                                                       \
			return raw_open_fallback(dirfd, path, flags, mode);   \
		return f(dirfd, path, flags, mode);                           \
	}
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)

#define OPEN2_WRAPPER(name)                                               \
	SHIM_EXPORT int name(const char *path, int flags)                 \
	{                                                                 \
		int fd;                                                   \
		if (open_decide(AT_FDCWD, path, flags, 0, #name, &fd))    \
			return fd;                                        \
		__typeof__(&name) f = REAL(name);                         \
		if (!f)                                                   \
			return raw_open_fallback(AT_FDCWD, path, flags, 0); \
		return f(path, flags);                                    \
	}
OPEN2_WRAPPER(__open_2)
OPEN2_WRAPPER(__open64_2)

#define OPENAT2_WRAPPER(name)                                           \
	SHIM_EXPORT int name(int dirfd, const char *path, int flags)    \
	{                                                               \
		int fd;                                                 \
		if (open_decide(dirfd, path, flags, 0, #name, &fd))     \
			return fd;                                      \
		__typeof__(&name) f = REAL(name);                       \
		if (!f)                                                 \
			return raw_open_fallback(dirfd, path, flags, 0); \
		return f(dirfd, path, flags);                           \
	}
OPENAT2_WRAPPER(__openat_2)
OPENAT2_WRAPPER(__openat64_2)

#define CREAT_WRAPPER(name)                                                      \
	SHIM_EXPORT int name(const char *path, mode_t mode)                      \
	{                                                                        \
		int fd;                                                          \
		int fl = O_CREAT | O_WRONLY | O_TRUNC;                           \
		if (open_decide(AT_FDCWD, path, fl, mode, #name, &fd))           \
			return fd;                                               \
		__typeof__(&name) f = REAL(name);                                \
		if (!f)                                                          \
			return raw_open_fallback(AT_FDCWD, path, fl, mode);      \
		return f(path, mode);                                            \
	}
CREAT_WRAPPER(creat)
CREAT_WRAPPER(creat64)

#define FOPEN_WRAPPER(name)                                            \
	SHIM_EXPORT FILE *name(const char *path, const char *mode)     \
	{                                                              \
		if (judge(AT_FDCWD, path, 0, #name, mode[0] != 'r')) { \
			errno = ENOENT;                                \
			return NULL;                                   \
		}                                                      \
		__typeof__(&name) f = REAL(name);                      \
		if (!f) {                                              \
			errno = ENOSYS;                                \
			return NULL;                                   \
		}                                                      \
		return f(path, mode);                                  \
	}
FOPEN_WRAPPER(fopen)
FOPEN_WRAPPER(fopen64)

/* freopen fails like the real one would: the old stream is closed. */
#define FREOPEN_WRAPPER(name)                                                   \
	SHIM_EXPORT FILE *name(const char *path, const char *mode, FILE *stream) \
	{                                                                       \
		if (path && judge(AT_FDCWD, path, 0, #name, mode[0] != 'r')) {   \
			fclose(stream);                                         \
			errno = ENOENT;                                         \
			return NULL;                                            \
		}                                                               \
		__typeof__(&name) f = REAL(name);                               \
		if (!f) {                                                       \
			errno = ENOSYS;                                         \
			return NULL;                                            \
		}                                                               \
		return f(path, mode, stream);                                   \
	}
FREOPEN_WRAPPER(freopen)
FREOPEN_WRAPPER(freopen64)

/* ---- stat family ----
 * A clean-looking path is first stat'ed without following a final symlink:
 * when the result is not a symlink it is exactly what the caller asked for,
 * at no extra cost. A symlink gets its target judged. */

enum st_kind {
	K_STAT, K_STAT64, K_XSTAT, K_XSTAT64, K_FSTATAT, K_FSTATAT64,
	K_FXSTATAT, K_FXSTATAT64, K_STATX, K_SYS_STATX, K_SYS_NEWFSTATAT, K_SYS_STAT
};

struct st_call {
	enum st_kind kind;
	int ver;
	int dirfd;
	const char *path;
	void *buf;
	int flags;
	unsigned mask;
};

#define CALL_OR_ENOSYS(fn, ...) ((fn) ? (fn)(__VA_ARGS__) : enosys())

static int st_do(const struct st_call *c, int nofollow)
{
	int fl = nofollow ? (c->flags | AT_SYMLINK_NOFOLLOW) : c->flags;
	switch (c->kind) {
	case K_STAT:
		return nofollow ? CALL_OR_ENOSYS(REAL(lstat), c->path, c->buf)
				: CALL_OR_ENOSYS(REAL(stat), c->path, c->buf);
	case K_STAT64:
		return nofollow ? CALL_OR_ENOSYS(REAL(lstat64), c->path, c->buf)
				: CALL_OR_ENOSYS(REAL(stat64), c->path, c->buf);
	case K_XSTAT:
		return nofollow ? CALL_OR_ENOSYS(REAL(__lxstat), c->ver, c->path, c->buf)
				: CALL_OR_ENOSYS(REAL(__xstat), c->ver, c->path, c->buf);
	case K_XSTAT64:
		return nofollow ? CALL_OR_ENOSYS(REAL(__lxstat64), c->ver, c->path, c->buf)
				: CALL_OR_ENOSYS(REAL(__xstat64), c->ver, c->path, c->buf);
	case K_FSTATAT:
		return CALL_OR_ENOSYS(REAL(fstatat), c->dirfd, c->path, c->buf, fl);
	case K_FSTATAT64:
		return CALL_OR_ENOSYS(REAL(fstatat64), c->dirfd, c->path, c->buf, fl);
	case K_FXSTATAT:
		return CALL_OR_ENOSYS(REAL(__fxstatat), c->ver, c->dirfd, c->path, c->buf, fl);
	case K_FXSTATAT64:
		return CALL_OR_ENOSYS(REAL(__fxstatat64), c->ver, c->dirfd, c->path, c->buf, fl);
	case K_STATX:
		return CALL_OR_ENOSYS(REAL(statx), c->dirfd, c->path, fl,
				      nofollow ? (c->mask | STATX_TYPE) : c->mask, c->buf);
	case K_SYS_STATX:
	case K_SYS_NEWFSTATAT:
	case K_SYS_STAT: {
		long (*f)(long, ...) = (long (*)(long, ...))shim_real(SYM_syscall);
		if (!f)
			return enosys();
		if (c->kind == K_SYS_STATX)
			return (int)f(SYS_statx, (long)c->dirfd, c->path, (long)fl,
				      (long)(nofollow ? (c->mask | STATX_TYPE) : c->mask), c->buf, 0L);
		if (c->kind == K_SYS_NEWFSTATAT)
			return (int)f(SYS_newfstatat, (long)c->dirfd, c->path, c->buf, (long)fl, 0L, 0L);
#if defined(SYS_stat) && defined(SYS_lstat)
		return (int)f(nofollow ? SYS_lstat : SYS_stat, c->path, c->buf, 0L, 0L, 0L, 0L);
#else
		return enosys();
#endif
	}
	}
	return enosys();
}

static unsigned st_mode(const struct st_call *c)
{
	switch (c->kind) {
	case K_STATX:
	case K_SYS_STATX:
		return ((const struct statx *)c->buf)->stx_mode;
	case K_STAT64:
	case K_XSTAT64:
	case K_FSTATAT64:
	case K_FXSTATAT64:
		return ((const struct stat64 *)c->buf)->st_mode;
	default:
		return ((const struct stat *)c->buf)->st_mode;
	}
}

static int shim_stat_common(struct st_call *c, int user_nofollow, const char *op)
{
	if ((c->flags & AT_EMPTY_PATH) && c->path && !*c->path)
		return st_do(c, user_nofollow); /* stat of an open fd */
	switch (shim_lex(c->dirfd, c->path, op)) {
	case SHIM_LEX_PASS:
		return st_do(c, user_nofollow);
	case SHIM_LEX_HIDDEN:
		return enoent();
	case SHIM_LEX_CLEAN: {
		if (!shim_dir_proven(c->dirfd, c->path))
			break;
		int rc = st_do(c, 1);
		if (rc != 0 || !S_ISLNK(st_mode(c)))
			return rc;
		if (HIDDEN(c->dirfd, c->path, 0, op))
			return enoent();
		return user_nofollow ? rc : st_do(c, 0);
	}
	case SHIM_LEX_UNKNOWN:
		break;
	}
	if (HIDDEN(c->dirfd, c->path, user_nofollow ? SHIM_NOFOLLOW : 0, op))
		return enoent();
	return st_do(c, user_nofollow);
}

#define STAT_WRAPPER(name, st_t, kind, nofollow)                               \
	SHIM_EXPORT int name(const char *path, st_t *st)                       \
	{                                                                      \
		struct st_call c = {kind, 0, AT_FDCWD, path, st, 0, 0};        \
		return shim_stat_common(&c, nofollow, #name);                  \
	}
STAT_WRAPPER(stat, struct stat, K_STAT, 0)
STAT_WRAPPER(stat64, struct stat64, K_STAT64, 0)
STAT_WRAPPER(lstat, struct stat, K_STAT, 1)
STAT_WRAPPER(lstat64, struct stat64, K_STAT64, 1)

#define FSTATAT_WRAPPER(name, st_t, kind)                                        \
	SHIM_EXPORT int name(int dirfd, const char *path, st_t *st, int flags)   \
	{                                                                        \
		struct st_call c = {kind, 0, dirfd, path, st,                    \
				    flags & ~AT_SYMLINK_NOFOLLOW, 0};            \
		return shim_stat_common(&c, (flags & AT_SYMLINK_NOFOLLOW) != 0, #name); \
	}
FSTATAT_WRAPPER(fstatat, struct stat, K_FSTATAT)
FSTATAT_WRAPPER(fstatat64, struct stat64, K_FSTATAT64)

SHIM_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx)
{
	struct st_call c = {K_STATX, 0, dirfd, path, stx, flags & ~AT_SYMLINK_NOFOLLOW, mask};
	return shim_stat_common(&c, (flags & AT_SYMLINK_NOFOLLOW) != 0, "statx");
}

#define XSTAT_WRAPPER(name, st_t, kind, nofollow)                              \
	SHIM_EXPORT int name(int ver, const char *path, st_t *st)              \
	{                                                                      \
		struct st_call c = {kind, ver, AT_FDCWD, path, st, 0, 0};      \
		return shim_stat_common(&c, nofollow, #name);                  \
	}
XSTAT_WRAPPER(__xstat, struct stat, K_XSTAT, 0)
XSTAT_WRAPPER(__xstat64, struct stat64, K_XSTAT64, 0)
XSTAT_WRAPPER(__lxstat, struct stat, K_XSTAT, 1)
XSTAT_WRAPPER(__lxstat64, struct stat64, K_XSTAT64, 1)

#define FXSTATAT_WRAPPER(name, st_t, kind)                                                \
	SHIM_EXPORT int name(int ver, int dirfd, const char *path, st_t *st, int flags)   \
	{                                                                                 \
		struct st_call c = {kind, ver, dirfd, path, st, flags & ~AT_SYMLINK_NOFOLLOW, 0}; \
		return shim_stat_common(&c, (flags & AT_SYMLINK_NOFOLLOW) != 0, #name);   \
	}
FXSTATAT_WRAPPER(__fxstatat, struct stat, K_FXSTATAT)
FXSTATAT_WRAPPER(__fxstatat64, struct stat64, K_FXSTATAT64)

/* For syscall(): SYS_statx, SYS_newfstatat, SYS_stat and SYS_lstat. */
long shim_sys_stat(long nr, long a0, long a1, long a2, long a3, long a4)
{
	struct st_call c;
	int nofollow;
	const char *op;
	memset(&c, 0, sizeof(c));
	if (nr == SYS_statx) {
		c = (struct st_call){K_SYS_STATX, 0, (int)a0, (const char *)a1, (void *)a4,
				     (int)a2 & ~AT_SYMLINK_NOFOLLOW, (unsigned)a3};
		nofollow = (a2 & AT_SYMLINK_NOFOLLOW) != 0;
		op = "syscall statx";
	} else if (nr == SYS_newfstatat) {
		c = (struct st_call){K_SYS_NEWFSTATAT, 0, (int)a0, (const char *)a1, (void *)a2,
				     (int)a3 & ~AT_SYMLINK_NOFOLLOW, 0};
		nofollow = (a3 & AT_SYMLINK_NOFOLLOW) != 0;
		op = "syscall newfstatat";
	} else {
		c = (struct st_call){K_SYS_STAT, 0, AT_FDCWD, (const char *)a0, (void *)a1, 0, 0};
#ifdef SYS_lstat
		nofollow = nr == SYS_lstat;
#else
		nofollow = 0;
#endif
		op = nofollow ? "syscall lstat" : "syscall stat";
	}
	return shim_stat_common(&c, nofollow, op);
}

/* ---- access family ----
 * No "don't follow" probe exists for access(), so a clean-looking path costs
 * one lstat to rule out a final symlink. */

/* The check for calls with no cheaper proof of their own (access, fopen,
 * realpath, chdir): returns 1 when (dirfd, path) is hidden. With creating
 * set, a hidden name that does not exist yet may be created. */
static int judge(int dirfd, const char *path, int flags, const char *op, int creating)
{
	if ((flags & AT_EMPTY_PATH) && path && !*path)
		return 0;
	switch (shim_lex(dirfd, path, op)) {
	case SHIM_LEX_PASS:
		return 0;
	case SHIM_LEX_HIDDEN:
		if (creating)
			break;
		return 1;
	case SHIM_LEX_CLEAN: {
		if (!shim_dir_proven(dirfd, path))
			break;
		struct stat st;
		long rc = raw_syscall6(SYS_newfstatat, dirfd, (long)path, (long)&st,
				       AT_SYMLINK_NOFOLLOW, 0, 0);
		if (rc != 0 || !S_ISLNK(st.st_mode))
			return 0;
		break;
	}
	case SHIM_LEX_UNKNOWN:
		break;
	}
	return HIDDEN(dirfd, path, atflags(flags), op);
}

#define ACCESS_WRAPPER(name)                                           \
	SHIM_EXPORT int name(const char *path, int mode)               \
	{                                                              \
		if (judge(AT_FDCWD, path, 0, #name, 0))           \
			return enoent();                               \
		__typeof__(&name) f = REAL(name);                      \
		return f ? f(path, mode) : enosys();                   \
	}
ACCESS_WRAPPER(access)
ACCESS_WRAPPER(eaccess)
ACCESS_WRAPPER(euidaccess)

SHIM_EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	if (judge(dirfd, path, flags, "faccessat", 0))
		return enoent();
	__typeof__(&faccessat) f = REAL(faccessat);
	return f ? f(dirfd, path, mode, flags) : enosys();
}

int shim_access_hidden(int dirfd, const char *path, int flags, const char *op)
{
	return judge(dirfd, path, flags, op, 0);
}

/* ---- rename and link ----
 * A hidden file given a new name (or a second one) would no longer be
 * recognised by name, and renaming over a hidden file would destroy it:
 * both are refused as if the hidden file did not exist. */

static int moves_hidden(int odir, const char *old, int ndir, const char *new_, int follow,
			const char *op)
{
	return HIDDEN(odir, old, follow ? 0 : SHIM_NOFOLLOW, op) ||
	       HIDDEN(ndir, new_, SHIM_NOFOLLOW, op);
}

int shim_moves_hidden(int odir, const char *old, int ndir, const char *new_, int follow,
		      const char *op)
{
	return moves_hidden(odir, old, ndir, new_, follow, op);
}

SHIM_EXPORT int rename(const char *old, const char *new_)
{
	if (moves_hidden(AT_FDCWD, old, AT_FDCWD, new_, 0, "rename"))
		return enoent();
	__typeof__(&rename) f = REAL(rename);
	return f ? f(old, new_) : enosys();
}

SHIM_EXPORT int renameat(int odir, const char *old, int ndir, const char *new_)
{
	if (moves_hidden(odir, old, ndir, new_, 0, "renameat"))
		return enoent();
	__typeof__(&renameat) f = REAL(renameat);
	return f ? f(odir, old, ndir, new_) : enosys();
}

SHIM_EXPORT int renameat2(int odir, const char *old, int ndir, const char *new_, unsigned int flags)
{
	if (moves_hidden(odir, old, ndir, new_, 0, "renameat2"))
		return enoent();
	__typeof__(&renameat2) f = REAL(renameat2);
	return f ? f(odir, old, ndir, new_, flags) : enosys();
}

SHIM_EXPORT int link(const char *old, const char *new_)
{
	if (moves_hidden(AT_FDCWD, old, AT_FDCWD, new_, 0, "link"))
		return enoent();
	__typeof__(&link) f = REAL(link);
	return f ? f(old, new_) : enosys();
}

SHIM_EXPORT int linkat(int odir, const char *old, int ndir, const char *new_, int flags)
{
	if ((flags & AT_EMPTY_PATH) && !*old ? shim_fd_hidden(odir, "linkat")
	    : moves_hidden(odir, old, ndir, new_, (flags & AT_SYMLINK_FOLLOW) != 0, "linkat"))
		return enoent();
	__typeof__(&linkat) f = REAL(linkat);
	return f ? f(odir, old, ndir, new_, flags) : enosys();
}

/* ---- working directory: relative paths are judged against it ---- */

SHIM_EXPORT int chdir(const char *path)
{
	if (judge(AT_FDCWD, path, 0, "chdir", 0))
		return enoent();
	__typeof__(&chdir) f = REAL(chdir);
	int rc = f ? f(path) : enosys();
	if (rc == 0)
		shim_cwd_changed();
	return rc;
}

SHIM_EXPORT int fchdir(int fd)
{
	if (shim_fd_hidden(fd, "fchdir"))
		return enoent();
	__typeof__(&fchdir) f = REAL(fchdir);
	int rc = f ? f(fd) : enosys();
	if (rc == 0)
		shim_cwd_changed();
	return rc;
}

/* ---- links and canonical names ---- */

SHIM_EXPORT ssize_t readlink(const char *path, char *buf, size_t len)
{
	if (HIDDEN(AT_FDCWD, path, SHIM_NOFOLLOW, "readlink"))
		return enoent();
	__typeof__(&readlink) f = REAL(readlink);
	return f ? f(path, buf, len) : enosys();
}

SHIM_EXPORT ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	if (HIDDEN(dirfd, path, SHIM_NOFOLLOW, "readlinkat"))
		return enoent();
	__typeof__(&readlinkat) f = REAL(readlinkat);
	return f ? f(dirfd, path, buf, len) : enosys();
}

SHIM_EXPORT ssize_t __readlink_chk(const char *path, char *buf, size_t len, size_t buflen)
{
	if (HIDDEN(AT_FDCWD, path, SHIM_NOFOLLOW, "__readlink_chk"))
		return enoent();
	__typeof__(&__readlink_chk) f = REAL(__readlink_chk);
	return f ? f(path, buf, len, buflen) : enosys();
}

SHIM_EXPORT char *realpath(const char *path, char *resolved)
{
	if (judge(AT_FDCWD, path, 0, "realpath", 0)) {
		errno = ENOENT;
		return NULL;
	}
	__typeof__(&realpath) f = REAL(realpath);
	if (!f) {
		errno = ENOSYS;
		return NULL;
	}
	return f(path, resolved);
}

SHIM_EXPORT char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen)
{
	if (judge(AT_FDCWD, path, 0, "__realpath_chk", 0)) {
		errno = ENOENT;
		return NULL;
	}
	__typeof__(&__realpath_chk) f = REAL(__realpath_chk);
	if (!f) {
		errno = ENOSYS;
		return NULL;
	}
	return f(path, resolved, resolvedlen);
}

SHIM_EXPORT char *canonicalize_file_name(const char *path)
{
	if (judge(AT_FDCWD, path, 0, "canonicalize_file_name", 0)) {
		errno = ENOENT;
		return NULL;
	}
	__typeof__(&canonicalize_file_name) f = REAL(canonicalize_file_name);
	if (!f) {
		errno = ENOSYS;
		return NULL;
	}
	return f(path);
}

/* ---- directories ---- */

SHIM_EXPORT DIR *opendir(const char *path)
{
	int fd;
	int fl = O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC;
	if (open_decide(AT_FDCWD, path, fl, 0, "opendir", &fd)) {
		if (fd < 0)
			return NULL;
		/* Opened already (and checked): hand it to the real fdopendir. */
		__typeof__(&fdopendir) fdo = REAL(fdopendir);
		DIR *d = fdo ? fdo(fd) : NULL;
		if (!d) {
			int e = fdo ? errno : ENOSYS;
			close(fd);
			errno = e;
		}
		return d;
	}
	__typeof__(&opendir) f = REAL(opendir);
	if (!f) {
		errno = ENOSYS;
		return NULL;
	}
	return f(path);
}

/* The directory behind fd was opened through the checked open wrappers,
 * so it is not checked again here (a procfs lookup per directory would
 * cost more than the listing); docs/shim.md notes the descriptors the shim
 * never saw. Its entries are still filtered by readdir. */
SHIM_EXPORT DIR *fdopendir(int fd)
{
	__typeof__(&fdopendir) f = REAL(fdopendir);
	if (!f) {
		errno = ENOSYS;
		return NULL;
	}
	return f(fd);
}

static struct dirent *next_entry(DIR *d)
{
	__typeof__(&readdir) f = REAL(readdir);
	if (!f) {
		errno = ENOSYS;
		return NULL;
	}
	struct dirent *e;
	while ((e = f(d)) != NULL && shim_dirent_hidden(-1, d, e->d_name, e->d_type))
		;
	return e;
}

static struct dirent64 *next_entry64(DIR *d)
{
	__typeof__(&readdir64) f = REAL(readdir64);
	if (!f) {
		errno = ENOSYS;
		return NULL;
	}
	struct dirent64 *e;
	while ((e = f(d)) != NULL && shim_dirent_hidden(-1, d, e->d_name, e->d_type))
		;
	return e;
}

SHIM_EXPORT struct dirent *readdir(DIR *d)
{
	return next_entry(d);
}

SHIM_EXPORT struct dirent64 *readdir64(DIR *d)
{
	return next_entry64(d);
}

#define READDIR_R_WRAPPER(name, ent_t)                                           \
	SHIM_EXPORT int name(DIR *d, ent_t *entry, ent_t **result)               \
	{                                                                        \
		__typeof__(&name) f = REAL(name);                                \
		if (!f)                                                          \
			return ENOSYS;                                           \
		for (;;) {                                                       \
			int rc = f(d, entry, result);                            \
			if (rc != 0 || !*result)                                 \
				return rc;                                       \
			if (!shim_dirent_hidden(-1, d, (*result)->d_name,        \
						(*result)->d_type))              \
				return 0;                                        \
		}                                                                \
	}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
READDIR_R_WRAPPER(readdir_r, struct dirent)
READDIR_R_WRAPPER(readdir64_r, struct dirent64)
#pragma GCC diagnostic pop

ssize_t shim_filter_dents(int fd, void *buf, size_t len)
{
	if (!shim_rules())
		return (ssize_t)len;
	char *p = buf;
	size_t in = 0, out = 0;
	while (in + offsetof(struct dirent64, d_name) < len) {
		struct dirent64 *e = (struct dirent64 *)(p + in);
		size_t rl = e->d_reclen;
		if (rl == 0 || in + rl > len)
			break;
		if (!shim_dirent_hidden(fd, NULL, e->d_name, e->d_type)) {
			if (out != in)
				memmove(p + out, p + in, rl);
			out += rl;
		}
		in += rl;
	}
	return (ssize_t)out;
}

SHIM_EXPORT ssize_t getdents64(int fd, void *buf, size_t len)
{
	__typeof__(&getdents64) f = REAL(getdents64);
	if (!f)
		return enosys();
	for (;;) {
		ssize_t n = f(fd, buf, len);
		if (n <= 0)
			return n;
		ssize_t kept = shim_filter_dents(fd, buf, (size_t)n);
		if (kept > 0)
			return kept;
	}
}

/* scandir and friends, reimplemented on top of the filtering readdir: the
 * real ones read the directory through libc internals the shim cannot see. */
struct cmp_ctx {
	int (*cmp)(const void *, const void *);
};

static int cmp_tramp(const void *a, const void *b, void *arg)
{
	const struct cmp_ctx *c = arg;
	return c->cmp(a, b);
}

#define SCAN_IMPL(fname, ent_t, next)                                                      \
	static int fname(DIR *d, ent_t ***namelist, int (*filter)(const ent_t *),          \
			 int (*compar)(const ent_t **, const ent_t **))                    \
	{                                                                                  \
		ent_t **list = NULL;                                                       \
		size_t n = 0, cap = 0;                                                     \
		int saved = errno;                                                         \
		ent_t *e;                                                                  \
		errno = 0;                                                                 \
		while ((e = next(d)) != NULL) {                                            \
			if (filter) {                                                      \
				int keep = filter(e);                                      \
				errno = 0;                                                 \
				if (!keep)                                                 \
					continue;                                          \
			}                                                                  \
			if (n == cap) {                                                    \
				size_t ncap = cap ? cap * 2 : 16;                          \
				ent_t **nl = realloc(list, ncap * sizeof(*nl));            \
				if (!nl)                                                   \
					goto fail;                                         \
				list = nl;                                                 \
				cap = ncap;                                                \
			}                                                                  \
			size_t sz = e->d_reclen;                                           \
			size_t need = offsetof(ent_t, d_name) + strlen(e->d_name) + 1;     \
			if (sz < need)                                                     \
				sz = need;                                                 \
			ent_t *c = malloc(sz);                                             \
			if (!c)                                                            \
				goto fail;                                                 \
			memcpy(c, e, need);                                                \
			c->d_reclen = (unsigned short)sz;                                  \
			list[n++] = c;                                                     \
		}                                                                          \
		if (errno != 0)                                                            \
			goto fail;                                                         \
		if (compar && n > 1) {                                                     \
			struct cmp_ctx ctx;                                                \
			ctx.cmp = (int (*)(const void *, const void *))(void (*)(void))compar; \
			qsort_r(list, n, sizeof(*list), cmp_tramp, &ctx);                  \
		}                                                                          \
		closedir(d);                                                               \
		*namelist = list;                                                          \
		errno = saved;                                                             \
		return (int)n;                                                             \
	fail:;                                                                             \
		int err = errno ? errno : ENOMEM;                                          \
		while (n > 0)                                                              \
			free(list[--n]);                                                   \
		free(list);                                                                \
		closedir(d);                                                               \
		errno = err;                                                               \
		return -1;                                                                 \
	}
SCAN_IMPL(scan_dir, struct dirent, next_entry)
SCAN_IMPL(scan_dir64, struct dirent64, next_entry64)

static DIR *open_dir_at(int dirfd, const char *path, const char *op)
{
	int fd;
	int fl = O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC;
	if (!open_decide(dirfd, path, fl, 0, op, &fd)) {
		__typeof__(&openat) o = REAL(openat);
		fd = o ? o(dirfd, path, fl) : raw_open_fallback(dirfd, path, fl, 0);
	}
	if (fd < 0)
		return NULL;
	__typeof__(&fdopendir) f = REAL(fdopendir);
	DIR *d = f ? f(fd) : NULL;
	if (!d) {
		int e = f ? errno : ENOSYS;
		close(fd);
		errno = e;
	}
	return d;
}

SHIM_EXPORT int scandir(const char *path, struct dirent ***namelist,
			int (*filter)(const struct dirent *),
			int (*compar)(const struct dirent **, const struct dirent **))
{
	DIR *d = open_dir_at(AT_FDCWD, path, "scandir");
	return d ? scan_dir(d, namelist, filter, compar) : -1;
}

SHIM_EXPORT int scandir64(const char *path, struct dirent64 ***namelist,
			  int (*filter)(const struct dirent64 *),
			  int (*compar)(const struct dirent64 **, const struct dirent64 **))
{
	DIR *d = open_dir_at(AT_FDCWD, path, "scandir64");
	return d ? scan_dir64(d, namelist, filter, compar) : -1;
}

SHIM_EXPORT int scandirat(int dirfd, const char *path, struct dirent ***namelist,
			  int (*filter)(const struct dirent *),
			  int (*compar)(const struct dirent **, const struct dirent **))
{
	DIR *d = open_dir_at(dirfd, path, "scandirat");
	return d ? scan_dir(d, namelist, filter, compar) : -1;
}

SHIM_EXPORT int scandirat64(int dirfd, const char *path, struct dirent64 ***namelist,
			    int (*filter)(const struct dirent64 *),
			    int (*compar)(const struct dirent64 **, const struct dirent64 **))
{
	DIR *d = open_dir_at(dirfd, path, "scandirat64");
	return d ? scan_dir64(d, namelist, filter, compar) : -1;
}
