/* SPDX-License-Identifier: ISC */
/* libhush.so core: one-time initialisation (rules file, real libc symbols,
 * the library's own path), the hide checks shared by every wrapper and the
 * debug log. All of the shim's own I/O goes through shim/raw.h so that it
 * never re-enters its own wrappers.
 *
 * Two kinds of check (docs/shim.md, "How a path is judged"):
 * - shim_lex judges the path string alone, without a system call; the
 *   wrappers then prove that no symlink changed its meaning (openat2 with
 *   RESOLVE_NO_SYMLINKS, or a "don't follow" stat), which costs nothing
 *   extra in the common case;
 * - shim_hidden_at, the full check, asks the kernel: the path is opened with
 *   O_PATH (no side effects: no device or FIFO is opened, nothing is
 *   truncated or created, only search permission is needed) relative to the
 *   caller's dirfd, and /proc/self/fd/N gives its canonical absolute name,
 *   with ".", "..", "//" and every symlink resolved. */
#undef _FORTIFY_SOURCE
#include "shim/shim.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim/raw.h"

static const char *const sym_names[SYM_COUNT] = {
#define SHIM_NAME(n) #n,
	SHIM_SYMBOLS(SHIM_NAME)
#undef SHIM_NAME
	"posix_spawn", "posix_spawn", "posix_spawnp", "posix_spawnp",
};

/* Marks "looked up, not found" so the lookup is not repeated. */
#define SYM_MISSING ((void *)1)
static _Atomic(void *) sym_ptr[SYM_COUNT];

/* Set while this thread runs init or a symbol lookup: a wrapper reached
 * from inside (dlsym may allocate, allocation may open files) passes
 * straight through instead of recursing. */
static __thread int tl_busy;

static struct rules g_rules;
static atomic_int g_state; /* 0 not started, 1 running, 2 done */
static int g_active;
static int g_debug;
/* Strings built at init, kept together so they share a page or two. */
static char g_strings[4 * RULES_PATH_MAX + 64];
static size_t g_strings_used;
static const char *g_self = "";
static const char *g_env_preload = "";
static const char *g_env_config = "";
static const char *g_hush = ""; /* canonical path of the "hush" rule */

/* Stores prefix+s in g_strings; returns it, or "" when it does not fit. */
static const char *keep(const char *prefix, const char *s)
{
	size_t pl = strlen(prefix), n = strlen(s);
	if (pl + n + 1 > sizeof(g_strings) - g_strings_used)
		return "";
	char *p = g_strings + g_strings_used;
	memcpy(p, prefix, pl);
	memcpy(p + pl, s, n + 1);
	g_strings_used += pl + n + 1;
	return p;
}
static char g_file[RULES_MAX_BYTES + 1];
/* 1 while the working directory is known not to be hidden: relative paths
 * can then be judged by their own components. Only ever cleared after
 * init, so a vfork child's chdir can make the parent slower, never wrong. */
static atomic_int g_cwd_clean;
/* Bumped by every chdir: relative-path caches are valid for one value. */
static atomic_uint g_cwd_gen = 1;
/* 0 once openat2 turned out to be missing. */
static atomic_int g_openat2 = 1;

static void *lookup(enum shim_sym id)
{
	switch (id) {
	case SYM_posix_spawn_2_15:
	case SYM_posix_spawnp_2_15:
		return dlvsym(RTLD_NEXT, sym_names[id], "GLIBC_2.15");
	case SYM_posix_spawn_2_2_5:
	case SYM_posix_spawnp_2_2_5:
		return dlvsym(RTLD_NEXT, sym_names[id], "GLIBC_2.2.5");
	default:
		return dlsym(RTLD_NEXT, sym_names[id]);
	}
}

void *shim_real(enum shim_sym id)
{
	void *p = atomic_load_explicit(&sym_ptr[id], memory_order_acquire);
	if (p)
		return p == SYM_MISSING ? NULL : p;
	if (tl_busy)
		return NULL;
	int saved = errno;
	tl_busy = 1;
	p = lookup(id);
	tl_busy = 0;
	errno = saved;
	atomic_store_explicit(&sym_ptr[id], p ? p : SYM_MISSING, memory_order_release);
	return p;
}

int shim_debug(void)
{
	return g_debug;
}

const char *shim_env_preload(void)
{
	return g_env_preload[0] ? g_env_preload : NULL;
}

const char *shim_env_config(void)
{
	return g_env_config[0] ? g_env_config : NULL;
}

const char *shim_hush_canonical(void)
{
	return g_hush[0] ? g_hush : NULL;
}

const char *shim_self_path(void)
{
	return g_self[0] ? g_self : NULL;
}

/* Appends s to buf (length *n, capacity cap), truncating. */
static void cat(char *buf, size_t *n, size_t cap, const char *s)
{
	while (*s && *n + 1 < cap)
		buf[(*n)++] = *s++;
	buf[*n] = '\0';
}

void shim_log(const char *what, const char *arg, const char *op)
{
	char line[RULES_PATH_MAX + 128];
	size_t n = 0;
	cat(line, &n, sizeof(line) - 1, "hush-shim: ");
	cat(line, &n, sizeof(line) - 1, what);
	cat(line, &n, sizeof(line) - 1, " ");
	cat(line, &n, sizeof(line) - 1, arg ? arg : "(null)");
	if (op) {
		cat(line, &n, sizeof(line) - 1, " (");
		cat(line, &n, sizeof(line) - 1, op);
		cat(line, &n, sizeof(line) - 1, ")");
	}
	line[n++] = '\n';
	(void)raw_write(2, line, n);
}

/* Canonical path of an open fd via /proc/self/fd. Returns its length, or
 * -errno; fails with -EINVAL for objects without a path (pipes, sockets). */
static int fd_path(int fd, char *out, size_t cap)
{
	char p[32] = "/proc/self/fd/";
	char digits[12];
	int nd = 0;
	unsigned v = (unsigned)fd;
	do {
		digits[nd++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && nd < (int)sizeof(digits));
	size_t k = strlen(p);
	while (nd > 0)
		p[k++] = digits[--nd];
	p[k] = '\0';
	long n = raw_readlinkat(AT_FDCWD, p, out, cap - 1);
	if (n < 0)
		return (int)n;
	if ((size_t)n >= cap - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	if (out[0] != '/')
		return -EINVAL;
	/* A deleted file shows as "PATH (deleted)": match PATH. */
	static const char del[] = " (deleted)";
	if ((size_t)n > sizeof(del) - 1 && strcmp(out + n - (sizeof(del) - 1), del) == 0) {
		n -= (long)(sizeof(del) - 1);
		out[n] = '\0';
	}
	return (int)n;
}

/* Canonical path of (dirfd, path); follows a final symlink unless nofollow.
 * Returns the length or -errno. */
static int canon_at(int dirfd, const char *path, int nofollow, char *out, size_t cap)
{
	int fd = raw_openat(dirfd, path, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0), 0);
	if (fd < 0)
		return fd;
	int n = fd_path(fd, out, cap);
	raw_close(fd);
	return n;
}

/* Lexical check, used when the kernel cannot resolve the path for us (no
 * /proc, or no file descriptor left). */
static int lexical_hidden(const struct rules *r, int dirfd, const char *path)
{
	char base[RULES_PATH_MAX], norm[RULES_PATH_MAX];
	const char *b = NULL;
	if (path[0] != '/') {
		long n;
		if (dirfd == AT_FDCWD)
			n = raw_getcwd(base, sizeof(base));
		else
			n = fd_path(dirfd, base, sizeof(base));
		if (n < 0)
			return rules_path_hidden(r, path); /* names only */
		b = base;
	}
	if (rules_normalize(b, path, norm, sizeof(norm)) != 0)
		return 1; /* too long to judge: fail closed */
	return rules_path_hidden(r, norm);
}

static void load_rules(void)
{
	const char *cfg = getenv("HUSH_SHIM_CONFIG");
	if (!cfg || !*cfg)
		return;
	char canon[RULES_PATH_MAX];
	if (canon_at(AT_FDCWD, cfg, 0, canon, sizeof(canon)) > 0)
		cfg = canon;
	if (strlen(cfg) < RULES_PATH_MAX)
		g_env_config = keep("HUSH_SHIM_CONFIG=", cfg);
	/* Non-blocking and regular files only: a FIFO or device named by
	 * the variable must not hang or disturb the host. */
	int fd = raw_openat(AT_FDCWD, cfg, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
	size_t len = 0;
	int ok = fd >= 0;
	struct stat st;
	if (ok && (raw_fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)))
		ok = 0;
	while (ok && len < sizeof(g_file)) {
		long got = raw_read(fd, g_file + len, sizeof(g_file) - len);
		if (got == -EINTR)
			continue;
		if (got < 0)
			ok = 0;
		else if (got == 0)
			break;
		else
			len += (size_t)got;
	}
	if (fd >= 0)
		raw_close(fd);
	int rc = ok ? rules_parse(&g_rules, g_file, len) : RULES_ETOOBIG;
	if (rc != RULES_OK) {
		/* Unreadable or over a cap: keep what parsed and fail closed
		 * for the usual names. */
		rules_add_defaults(&g_rules);
		if (g_debug)
			shim_log("could not read all of", cfg, "rules");
	} else if (g_rules.bad_lines && g_debug) {
		shim_log("ignored malformed lines in", cfg, "rules");
	}
	/* hide_path entries as the kernel names them (through symlinks),
	 * unless the file says it lists those already: hush sandbox resolves
	 * them once for the session instead of every process at its start. */
	int given = g_rules.resolved ? 0 : g_rules.nhide_path;
	for (int i = 0; i < given; i++) {
		char c[RULES_PATH_MAX];
		if (canon_at(AT_FDCWD, g_rules.hide_path[i], 0, c, sizeof(c)) > 0 &&
		    strcmp(c, g_rules.hide_path[i]) != 0)
			(void)rules_add_hide_path(&g_rules, c);
	}
	g_active = rules_active(&g_rules);
	char hc[RULES_PATH_MAX];
	if (g_rules.hush && canon_at(AT_FDCWD, g_rules.hush, 0, hc, sizeof(hc)) > 0)
		g_hush = keep("", hc);
	char cwd[RULES_PATH_MAX];
	long cl = raw_getcwd(cwd, sizeof(cwd));
	atomic_store(&g_cwd_clean, cl > 0 && cwd[0] == '/' && !rules_path_hidden(&g_rules, cwd));
}

static void find_self(void)
{
	Dl_info info;
	if (!dladdr((void *)shim_log, &info) || !info.dli_fname || !*info.dli_fname)
		return;
	char canon[RULES_PATH_MAX];
	const char *p = info.dli_fname;
	if (canon_at(AT_FDCWD, p, 0, canon, sizeof(canon)) > 0)
		p = canon;
	if (strlen(p) >= RULES_PATH_MAX)
		return;
	g_self = keep("", p);
	g_env_preload = keep("LD_PRELOAD=", p);
}

static void do_init(void)
{
	int saved = errno;
	const char *dbg = getenv("HUSH_SHIM_DEBUG");
	g_debug = dbg && dbg[0] == '1' && dbg[1] == '\0';
	rules_clear(&g_rules);
	/* What exec paths and vfork children need is looked up now: they must
	 * not call into the dynamic loader. The rest is looked up on first
	 * use, which keeps start-up cheap (every lookup faults in pages of
	 * libc's symbol tables); glibc resets the loader's lock in a fork
	 * child, so a first use there is safe too. */
	static const enum shim_sym eager[] = {
		SYM_execve, SYM_execvpe, SYM_execveat, SYM_fexecve, SYM_syscall, SYM_chdir,
		SYM_fchdir, SYM_posix_spawn_2_15, SYM_posix_spawn_2_2_5,
		SYM_posix_spawnp_2_15, SYM_posix_spawnp_2_2_5,
	};
	for (size_t i = 0; i < sizeof(eager) / sizeof(eager[0]); i++) {
		void *p = lookup(eager[i]);
		atomic_store_explicit(&sym_ptr[eager[i]], p ? p : SYM_MISSING, memory_order_release);
	}
	find_self();
	load_rules();
	errno = saved;
}

const struct rules *shim_rules(void)
{
	int s = atomic_load_explicit(&g_state, memory_order_acquire);
	if (s == 2)
		return g_active ? &g_rules : NULL;
	if (tl_busy)
		return NULL;
	int expect = 0;
	if (atomic_compare_exchange_strong(&g_state, &expect, 1)) {
		tl_busy = 1;
		do_init();
		tl_busy = 0;
		atomic_store_explicit(&g_state, 2, memory_order_release);
	} else {
		while (atomic_load_explicit(&g_state, memory_order_acquire) != 2)
			raw_sched_yield();
	}
	return g_active ? &g_rules : NULL;
}

__attribute__((constructor)) static void shim_ctor(void)
{
	(void)shim_rules();
}

int shim_hidden_at(int dirfd, const char *path, int flags, const char *op)
{
	const struct rules *r = shim_rules();
	if (!r || !path)
		return 0;
	if (!*path) {
		if (!(flags & SHIM_EMPTY_PATH))
			return 0;
		if (dirfd == AT_FDCWD)
			path = ".";
		else
			return shim_fd_hidden(dirfd, op);
	}
	int saved = errno;
	char buf[RULES_PATH_MAX];
	int hidden = 0;
	int nofollow = (flags & SHIM_NOFOLLOW) != 0;
	int fd = raw_openat(dirfd, path, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0), 0);
	if (fd >= 0) {
		int n = fd_path(fd, buf, sizeof(buf));
		hidden = n > 0 ? rules_path_hidden(r, buf) : lexical_hidden(r, dirfd, path);
		if (!hidden && nofollow) {
			/* A symlink to a hidden file is hidden as well. */
			struct stat st;
			if (raw_fstat(fd, &st) == 0 && S_ISLNK(st.st_mode) &&
			    canon_at(dirfd, path, 0, buf, sizeof(buf)) > 0)
				hidden = rules_path_hidden(r, buf);
		}
		raw_close(fd);
	} else if (fd == -EMFILE || fd == -ENFILE || fd == -ENOMEM) {
		hidden = lexical_hidden(r, dirfd, path);
	}
	if (hidden && g_debug)
		shim_log("hid", path, op);
	errno = saved;
	return hidden;
}

int shim_fd_hidden(int fd, const char *op)
{
	const struct rules *r = shim_rules();
	if (!r || fd < 0)
		return 0;
	int saved = errno;
	char buf[RULES_PATH_MAX];
	int hidden = fd_path(fd, buf, sizeof(buf)) > 0 && rules_path_hidden(r, buf);
	if (hidden && g_debug)
		shim_log("hid", buf, op);
	errno = saved;
	return hidden;
}

int shim_dirent_hidden(int fd, DIR *dir, const char *name, unsigned char d_type)
{
	const struct rules *r = shim_rules();
	if (!r)
		return 0;
	size_t len = strlen(name);
	if (rules_name_hidden(r, name, len)) {
		if (g_debug)
			shim_log("hid", name, "readdir");
		return 1;
	}
	if (d_type == DT_LNK || d_type == DT_UNKNOWN || rules_name_is_hide_path_base(r, name)) {
		if (fd < 0 && dir)
			fd = dirfd(dir);
		return shim_hidden_at(fd, name, 0, "readdir");
	}
	return 0;
}

void shim_cwd_changed(void)
{
	atomic_fetch_add(&g_cwd_gen, 1);
	const struct rules *r = shim_rules();
	if (!r || !atomic_load_explicit(&g_cwd_clean, memory_order_relaxed))
		return;
	char cwd[RULES_PATH_MAX];
	long n = raw_getcwd(cwd, sizeof(cwd));
	if (n <= 0 || cwd[0] != '/' || rules_path_hidden(r, cwd))
		atomic_store(&g_cwd_clean, 0);
}

/* The last directory (as an absolute, normalised string) this thread found
 * not hidden: files are usually looked up one directory at a time, so the
 * next path in it needs only its last component judged. A verdict depends
 * on the immutable rules alone, so a stale entry is never wrong (a vfork
 * child writing its parent's copy is harmless too). */
#define SHIM_DIR_CACHE 1024 /* longer directories are not cached */
/* Thread-local variables use the default TLS model on purpose: with any
 * initial-exec variable the whole TLS block must fit in the small static
 * TLS surplus, and dlopen() of the library (hush doctor, tests) fails. For
 * a preloaded library the block is static anyway. */
static __thread char tl_dir[SHIM_DIR_CACHE];
static __thread size_t tl_dir_len;
static __thread int tl_dir_proven; /* tl_dir was also shown symlink-free */
/* The last directory relative to the working directory shown symlink-free,
 * valid while g_cwd_gen (bumped by every chdir) is unchanged. */
static __thread char tl_rdir[SHIM_DIR_CACHE];
static __thread size_t tl_rdir_len;
static __thread unsigned tl_rdir_gen;

/* Judges an already normalised absolute path using the cache. Returns 1
 * hidden, 0 not hidden, -1 when the path needs normalising first. */
static int abs_hidden_cached(const struct rules *r, const char *path)
{
	size_t len = 0, last = 0;
	for (const char *p = path; *p; p++, len++) {
		if (*p != '/')
			continue;
		last = len;
		/* "//", "/./", "/../", a trailing "/", "/." or "/..": normalise. */
		if (p[1] == '/' || p[1] == '\0' ||
		    (p[1] == '.' && (p[2] == '/' || p[2] == '\0' ||
				     (p[2] == '.' && (p[3] == '/' || p[3] == '\0')))))
			return -1;
	}
	if (len >= RULES_PATH_MAX)
		return -1;
	const char *name = path + last + 1;
	size_t nlen = len - last - 1;
	if (!(last == tl_dir_len && last > 0 && memcmp(path, tl_dir, last) == 0)) {
		char dir[RULES_PATH_MAX];
		if (last == 0) {
			dir[0] = '/';
			dir[1] = '\0';
		} else {
			memcpy(dir, path, last);
			dir[last] = '\0';
		}
		if (rules_path_hidden(r, dir))
			return 1;
		if (last > 0 && last < SHIM_DIR_CACHE) {
			memcpy(tl_dir, dir, last + 1);
			tl_dir_len = last;
			tl_dir_proven = 0;
		}
	}
	/* The directory is not hidden: only the name can be, by a glob or by
	 * being a hide_path itself. */
	if (rules_name_hidden(r, name, nlen))
		return 1;
	if (r->nhide_path > 0 && rules_name_is_hide_path_base(r, name))
		return rules_path_hidden(r, path);
	return 0;
}

enum shim_lex shim_lex(int dirfd, const char *path, const char *op)
{
	const struct rules *r = shim_rules();
	if (!r || !path || !*path)
		return SHIM_LEX_PASS;
	int hidden;
	if (path[0] == '/') {
		int fast = abs_hidden_cached(r, path);
		if (fast >= 0) {
			hidden = fast;
		} else {
			char norm[RULES_PATH_MAX];
			if (rules_normalize(NULL, path, norm, sizeof(norm)) != 0)
				return SHIM_LEX_UNKNOWN;
			hidden = rules_path_hidden(r, norm);
		}
	} else {
		/* The base directory was reached through the shim's checks
		 * (chdir, openat of a directory), so only the new components
		 * need judging; ".." or a hide_path name needs the full
		 * check. */
		if (dirfd == AT_FDCWD && !atomic_load_explicit(&g_cwd_clean, memory_order_relaxed))
			return SHIM_LEX_UNKNOWN;
		hidden = 0;
		const char *p = path;
		while (*p && !hidden) {
			while (*p == '/')
				p++;
			const char *q = p;
			while (*q && *q != '/')
				q++;
			size_t n = (size_t)(q - p);
			if (n == 2 && p[0] == '.' && p[1] == '.')
				return SHIM_LEX_UNKNOWN;
			if (n > 0 && rules_name_hidden(r, p, n)) {
				hidden = 1;
				break;
			}
			if (n > 0 && r->nhide_path > 0) {
				char name[256];
				if (n >= sizeof(name))
					return SHIM_LEX_UNKNOWN;
				memcpy(name, p, n);
				name[n] = '\0';
				if (rules_name_is_hide_path_base(r, name))
					return SHIM_LEX_UNKNOWN;
			}
			p = q;
		}
	}
	if (hidden) {
		if (g_debug)
			shim_log("hid", path, op);
		return SHIM_LEX_HIDDEN;
	}
	return SHIM_LEX_CLEAN;
}

struct shim_open_how {
	unsigned long long flags, mode, resolve;
};
#define SHIM_RESOLVE_NO_SYMLINKS 0x04

int shim_dir_proven(int dirfd, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 1; /* no directory part beyond the trusted base or "/" */
	size_t len = (size_t)(slash - path);
	if (path[0] == '/' && tl_dir_proven && len == tl_dir_len && memcmp(path, tl_dir, len) == 0)
		return 1;
	unsigned gen = atomic_load_explicit(&g_cwd_gen, memory_order_acquire);
	int rel = path[0] != '/' && dirfd == AT_FDCWD;
	if (rel && tl_rdir_gen == gen && len == tl_rdir_len && memcmp(path, tl_rdir, len) == 0)
		return 1;
#ifdef SYS_openat2
	if (!atomic_load_explicit(&g_openat2, memory_order_relaxed) || len >= RULES_PATH_MAX)
		return 0;
	char dir[RULES_PATH_MAX];
	memcpy(dir, path, len);
	dir[len] = '\0';
	struct shim_open_how how = {O_PATH | O_DIRECTORY | O_CLOEXEC, 0, SHIM_RESOLVE_NO_SYMLINKS};
	long r = raw_syscall6(SYS_openat2, dirfd, (long)dir, (long)&how, sizeof(how), 0, 0);
	if (r >= 0) {
		raw_close((int)r);
		if (path[0] == '/' && len == tl_dir_len && memcmp(dir, tl_dir, len) == 0)
			tl_dir_proven = 1;
		if (rel && len < SHIM_DIR_CACHE) {
			memcpy(tl_rdir, dir, len + 1);
			tl_rdir_len = len;
			tl_rdir_gen = gen;
		}
		return 1;
	}
	switch (-r) {
	case ENOSYS:
		atomic_store(&g_openat2, 0);
		return 0;
	case ELOOP:
	case EINVAL:
	case EXDEV:
	case EAGAIN:
	case EINTR:
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return 0;
	default:
		return 1; /* no such directory: the call itself fails the same way */
	}
#else
	(void)dirfd;
	return 0;
#endif
}

int shim_open_fast(int dirfd, const char *path, int flags, mode_t mode, int *fd)
{
#ifdef SYS_openat2
	if (!atomic_load_explicit(&g_openat2, memory_order_relaxed))
		return 0;
	struct shim_open_how how = {(unsigned long long)(unsigned)flags, 0, SHIM_RESOLVE_NO_SYMLINKS};
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		how.mode = mode;
	long r = raw_syscall6(SYS_openat2, dirfd, (long)path, (long)&how, sizeof(how), 0, 0);
	if (r >= 0) {
		*fd = (int)r;
		return 1;
	}
	switch (-r) {
	case ENOSYS:
		atomic_store(&g_openat2, 0);
		return 0;
	case ELOOP:  /* a symlink somewhere: full check */
	case EINVAL: /* flags openat2 is stricter about */
	case EXDEV:
	case EAGAIN:
	case EINTR:
	case E2BIG:
	case EPERM:
		return 0;
	default:
		errno = (int)-r;
		*fd = -1;
		return 1;
	}
#else
	(void)dirfd;
	(void)path;
	(void)flags;
	(void)mode;
	(void)fd;
	return 0;
#endif
}
