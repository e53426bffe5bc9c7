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

/* open, openat and their 64 variants: the mode is there only with
 * O_CREAT or O_TMPFILE. dirfd is AT_FDCWD for the ones without it. */
#define OPEN_WRAPPER(name, params, dirfd, args)                                \
	SHIM_EXPORT int name params                                            \
	{                                                                      \
		mode_t mode = 0;                                               \
		int fd;                                                        \
		if (needs_mode(flags)) {                                       \
			va_list ap;                                            \
			va_start(ap, flags);                                   \
			mode = (mode_t)va_arg(ap, int);                        \
			va_end(ap);                                            \
		}                                                              \
		if (open_decide(dirfd, path, flags, mode, #name, &fd))         \
			return fd;                                             \
		__typeof__(&name) f = REAL(name);                              \
		if (!f)                                                        \
			return raw_open_fallback(dirfd, path, flags, mode);    \
		return f args;                                                 \
	}
OPEN_WRAPPER(open, (const char *path, int flags, ...), AT_FDCWD, (path, flags, mode))
OPEN_WRAPPER(open64, (const char *path, int flags, ...), AT_FDCWD, (path, flags, mode))
OPEN_WRAPPER(openat, (int dirfd, const char *path, int flags, ...), dirfd,
	     (dirfd, path, flags, mode))
OPEN_WRAPPER(openat64, (int dirfd, const char *path, int flags, ...), dirfd,
	     (dirfd, path, flags, mode))

/* The fortified __open_2 family and creat: no variadic mode. */
#define OPEN_FIXED_WRAPPER(name, params, dirfd, fl, mode, args)               \
	SHIM_EXPORT int name params                                           \
	{                                                                     \
		int fd;                                                       \
		if (open_decide(dirfd, path, fl, mode, #name, &fd))           \
			return fd;                                            \
		__typeof__(&name) f = REAL(name);                             \
		if (!f)                                                       \
			return raw_open_fallback(dirfd, path, fl, mode);      \
		return f args;                                                \
	}
OPEN_FIXED_WRAPPER(__open_2, (const char *path, int flags), AT_FDCWD, flags, 0, (path, flags))
OPEN_FIXED_WRAPPER(__open64_2, (const char *path, int flags), AT_FDCWD, flags, 0, (path, flags))
OPEN_FIXED_WRAPPER(__openat_2, (int dirfd, const char *path, int flags), dirfd, flags, 0,
		   (dirfd, path, flags))
OPEN_FIXED_WRAPPER(__openat64_2, (int dirfd, const char *path, int flags), dirfd, flags, 0,
		   (dirfd, path, flags))
#define CREAT_FLAGS (O_CREAT | O_WRONLY | O_TRUNC)
OPEN_FIXED_WRAPPER(creat, (const char *path, mode_t mode), AT_FDCWD, CREAT_FLAGS, mode,
		   (path, mode))
OPEN_FIXED_WRAPPER(creat64, (const char *path, mode_t mode), AT_FDCWD, CREAT_FLAGS, mode,
		   (path, mode))

/* A call that takes a path: refused as "no such file" when `hidden`
 * holds (op names the call for it), else the real function with args.
 * GUARD_INT for calls returning an int (-1 and errno), GUARD_PTR for those
 * returning a pointer (NULL and errno). */
#define GUARD_INT(ret, name, params, hidden, args)        \
	SHIM_EXPORT ret name params                       \
	{                                                 \
		static const char op[] = #name;           \
		if (hidden)                               \
			return enoent();                  \
		__typeof__(&name) f = REAL(name);         \
		return f ? f args : enosys();             \
	}
#define GUARD_PTR(ret, name, params, hidden, args)        \
	SHIM_EXPORT ret name params                       \
	{                                                 \
		static const char op[] = #name;           \
		if (hidden) {                             \
			errno = ENOENT;                   \
			return NULL;                      \
		}                                         \
		__typeof__(&name) f = REAL(name);         \
		if (!f) {                                 \
			errno = ENOSYS;                   \
			return NULL;                      \
		}                                         \
		return f args;                            \
	}

#define FOPEN_HIDDEN judge(AT_FDCWD, path, 0, op, mode[0] != 'r')
GUARD_PTR(FILE *, fopen, (const char *path, const char *mode), FOPEN_HIDDEN, (path, mode))
GUARD_PTR(FILE *, fopen64, (const char *path, const char *mode), FOPEN_HIDDEN, (path, mode))
/* freopen fails like the real one would: the old stream is closed. */
#define FREOPEN_HIDDEN (path && FOPEN_HIDDEN && (fclose(stream), 1))
GUARD_PTR(FILE *, freopen, (const char *path, const char *mode, FILE *stream), FREOPEN_HIDDEN,
	  (path, mode, stream))
GUARD_PTR(FILE *, freopen64, (const char *path, const char *mode, FILE *stream), FREOPEN_HIDDEN,
	  (path, mode, stream))

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

/* One stat call: ver for the __xstat family (else 0), dirfd for the *at
 * ones (else AT_FDCWD), flags with AT_SYMLINK_NOFOLLOW taken out (it is
 * the nofollow argument). */
#define STAT_WRAPPER(name, params, kind, ver, dirfd, buf, flags, mask, nofollow)        \
	SHIM_EXPORT int name params                                                    \
	{                                                                              \
		struct st_call c = {kind, ver, dirfd, path, buf,                       \
				    (flags) & ~AT_SYMLINK_NOFOLLOW, mask};             \
		return shim_stat_common(&c, nofollow, #name);                          \
	}
#define PATH_ST(st_t) (const char *path, st_t *st)
#define AT_ST(st_t) (int dirfd, const char *path, st_t *st, int flags)
#define VER_ST(st_t) (int ver, const char *path, st_t *st)
#define VER_AT_ST(st_t) (int ver, int dirfd, const char *path, st_t *st, int flags)
#define AT_NOFOLLOW ((flags & AT_SYMLINK_NOFOLLOW) != 0)
STAT_WRAPPER(stat, PATH_ST(struct stat), K_STAT, 0, AT_FDCWD, st, 0, 0, 0)
STAT_WRAPPER(stat64, PATH_ST(struct stat64), K_STAT64, 0, AT_FDCWD, st, 0, 0, 0)
STAT_WRAPPER(lstat, PATH_ST(struct stat), K_STAT, 0, AT_FDCWD, st, 0, 0, 1)
STAT_WRAPPER(lstat64, PATH_ST(struct stat64), K_STAT64, 0, AT_FDCWD, st, 0, 0, 1)
STAT_WRAPPER(fstatat, AT_ST(struct stat), K_FSTATAT, 0, dirfd, st, flags, 0, AT_NOFOLLOW)
STAT_WRAPPER(fstatat64, AT_ST(struct stat64), K_FSTATAT64, 0, dirfd, st, flags, 0, AT_NOFOLLOW)
STAT_WRAPPER(statx, (int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx),
	     K_STATX, 0, dirfd, stx, flags, mask, AT_NOFOLLOW)
STAT_WRAPPER(__xstat, VER_ST(struct stat), K_XSTAT, ver, AT_FDCWD, st, 0, 0, 0)
STAT_WRAPPER(__xstat64, VER_ST(struct stat64), K_XSTAT64, ver, AT_FDCWD, st, 0, 0, 0)
STAT_WRAPPER(__lxstat, VER_ST(struct stat), K_XSTAT, ver, AT_FDCWD, st, 0, 0, 1)
STAT_WRAPPER(__lxstat64, VER_ST(struct stat64), K_XSTAT64, ver, AT_FDCWD, st, 0, 0, 1)
STAT_WRAPPER(__fxstatat, VER_AT_ST(struct stat), K_FXSTATAT, ver, dirfd, st, flags, 0,
	     AT_NOFOLLOW)
STAT_WRAPPER(__fxstatat64, VER_AT_ST(struct stat64), K_FXSTATAT64, ver, dirfd, st, flags, 0,
	     AT_NOFOLLOW)

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

GUARD_INT(int, access, (const char *path, int mode), judge(AT_FDCWD, path, 0, op, 0),
	  (path, mode))
GUARD_INT(int, eaccess, (const char *path, int mode), judge(AT_FDCWD, path, 0, op, 0),
	  (path, mode))
GUARD_INT(int, euidaccess, (const char *path, int mode), judge(AT_FDCWD, path, 0, op, 0),
	  (path, mode))
GUARD_INT(int, faccessat, (int dirfd, const char *path, int mode, int flags),
	  judge(dirfd, path, flags, op, 0), (dirfd, path, mode, flags))

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

#define MOVES(odir, ndir, follow) moves_hidden(odir, old, ndir, new_, follow, op)
GUARD_INT(int, rename, (const char *old, const char *new_), MOVES(AT_FDCWD, AT_FDCWD, 0),
	  (old, new_))
GUARD_INT(int, renameat, (int odir, const char *old, int ndir, const char *new_),
	  MOVES(odir, ndir, 0), (odir, old, ndir, new_))
GUARD_INT(int, renameat2, (int odir, const char *old, int ndir, const char *new_, unsigned int flags),
	  MOVES(odir, ndir, 0), (odir, old, ndir, new_, flags))
GUARD_INT(int, link, (const char *old, const char *new_), MOVES(AT_FDCWD, AT_FDCWD, 0),
	  (old, new_))
/* linkat(fd, "", ..., AT_EMPTY_PATH) links the open file itself */
GUARD_INT(int, linkat, (int odir, const char *old, int ndir, const char *new_, int flags),
	  (flags & AT_EMPTY_PATH) && !*old ? shim_fd_hidden(odir, op)
	  : MOVES(odir, ndir, (flags & AT_SYMLINK_FOLLOW) != 0), (odir, old, ndir, new_, flags))

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

#define LINK_HIDDEN(dirfd) HIDDEN(dirfd, path, SHIM_NOFOLLOW, op)
GUARD_INT(ssize_t, readlink, (const char *path, char *buf, size_t len), LINK_HIDDEN(AT_FDCWD),
	  (path, buf, len))
GUARD_INT(ssize_t, readlinkat, (int dirfd, const char *path, char *buf, size_t len),
	  LINK_HIDDEN(dirfd), (dirfd, path, buf, len))
GUARD_INT(ssize_t, __readlink_chk, (const char *path, char *buf, size_t len, size_t buflen),
	  LINK_HIDDEN(AT_FDCWD), (path, buf, len, buflen))
#define PATH_HIDDEN judge(AT_FDCWD, path, 0, op, 0)
GUARD_PTR(char *, realpath, (const char *path, char *resolved), PATH_HIDDEN, (path, resolved))
GUARD_PTR(char *, __realpath_chk, (const char *path, char *resolved, size_t resolvedlen),
	  PATH_HIDDEN, (path, resolved, resolvedlen))
GUARD_PTR(char *, canonicalize_file_name, (const char *path), PATH_HIDDEN, (path))

/* ---- directories ---- */

/* The real fdopendir on fd, which is closed when that fails. */
static DIR *dir_from_fd(int fd)
{
	__typeof__(&fdopendir) f = REAL(fdopendir);
	DIR *d = f ? f(fd) : NULL;
	if (!d) {
		int e = f ? errno : ENOSYS;
		close(fd);
		errno = e;
	}
	return d;
}

SHIM_EXPORT DIR *opendir(const char *path)
{
	int fd;
	int fl = O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC;
	if (open_decide(AT_FDCWD, path, fl, 0, "opendir", &fd)) {
		if (fd < 0)
			return NULL;
		/* Opened already (and checked): hand it to the real fdopendir. */
		return dir_from_fd(fd);
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

/* The next entry of d that the rules do not hide, through libc's real. */
#define NEXT_ENTRY(name, real, ent_t)                                                   \
	static ent_t *name(DIR *d)                                                      \
	{                                                                               \
		__typeof__(&real) f = REAL(real);                                       \
		if (!f) {                                                               \
			errno = ENOSYS;                                                 \
			return NULL;                                                    \
		}                                                                       \
		ent_t *e;                                                               \
		while ((e = f(d)) != NULL && shim_dirent_hidden(-1, d, e->d_name, e->d_type)) \
			;                                                               \
		return e;                                                               \
	}
NEXT_ENTRY(next_entry, readdir, struct dirent)
NEXT_ENTRY(next_entry64, readdir64, struct dirent64)

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
	return fd < 0 ? NULL : dir_from_fd(fd);
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
