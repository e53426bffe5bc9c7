/* SPDX-License-Identifier: ISC */
/* libhush.so exec wrappers: execve and friends, posix_spawn (both symbol
 * versions), system and popen.
 *
 * Routing: an exec of a command named by a "route" rule becomes
 * "<hush> run -- NAME ARGS...", so the broker runs it with its secrets.
 * Keep-loaded: a child whose environment lost LD_PRELOAD or
 * HUSH_SHIM_CONFIG (env -i, an explicit envp) gets them back.
 *
 * These run inside vfork children and after fork in threaded programs:
 * no allocation, no locks, no writes to globals. The new argv and envp are
 * built in bounded variable-length arrays on the stack; when a vector is
 * over the bound the exec passes through unchanged. */
#undef _FORTIFY_SOURCE
#include "shim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim/raw.h"

extern char **environ;

#define SHIM_MAX_VEC 8192      /* argv/envp entries handled */
#define SHIM_MAX_PRELOAD 8192  /* longest LD_PRELOAD value extended */

/* Does the actual exec or spawn: path/argv are the original ones, or the
 * hush binary and the routed argv when routed is set. */
typedef long (*exec_fn)(void *ctx, int routed, const char *path, char *const argv[],
			char *const envp[]);

static size_t vec_len(char *const v[])
{
	size_t n = 0;
	if (!v)
		return 0;
	while (n <= SHIM_MAX_VEC && v[n])
		n++;
	return n;
}

/* True when the colon/space separated list val names self. */
static int list_has(const char *val, const char *self)
{
	size_t sl = strlen(self);
	const char *p = val;
	while (*p) {
		while (*p == ':' || *p == ' ')
			p++;
		const char *q = p;
		while (*q && *q != ':' && *q != ' ')
			q++;
		if ((size_t)(q - p) == sl && memcmp(p, self, sl) == 0)
			return 1;
		p = q;
	}
	return 0;
}

/* True when this process is the hush binary itself: it is never routed
 * again, so a route can never loop. */
static int self_is(const char *path)
{
	char exe[RULES_PATH_MAX];
	long n = raw_readlinkat(AT_FDCWD, "/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 0;
	exe[n] = '\0';
	return strcmp(exe, path) == 0;
}

static const char *base_of(const char *s)
{
	const char *b = strrchr(s, '/');
	return b ? b + 1 : s;
}

/* Decides routing and the environment, builds both on this stack frame and
 * calls fn. name is what to match against route rules (NULL: no routing);
 * searched says the program asked for a PATH search. */
static long with_exec(const char *name, int searched, const char *path, char *const argv[],
		      char *const envp[], exec_fn fn, void *ctx)
{
	const struct rules *r = shim_rules();
	size_t argc = vec_len(argv), envc = vec_len(envp);
	if (argc > SHIM_MAX_VEC || envc > SHIM_MAX_VEC)
		return fn(ctx, 0, path, argv, envp);

	const char *route = NULL;
	if (r && r->hush && r->nroute && name) {
		route = rules_route_match(r, name, searched);
		const char *hc = shim_hush_canonical();
		if (route && (self_is(r->hush) || (hc && self_is(hc))))
			route = NULL;
	}

	/* Keep-loaded: what the child's environment lacks. */
	const char *pre = shim_env_preload(), *cfg = shim_env_config();
	const char *self = shim_self_path();
	int add_pre = 0, add_cfg = 0;
	size_t pre_idx = 0, old_len = 0;
	if (pre && self) {
		int found_pre = 0, found_cfg = 0;
		for (size_t i = 0; i < envc; i++) {
			const char *e = envp[i];
			if (!found_pre && strncmp(e, "LD_PRELOAD=", 11) == 0) {
				found_pre = 1;
				if (!list_has(e + 11, self)) {
					old_len = strlen(e + 11);
					if (old_len <= SHIM_MAX_PRELOAD) {
						add_pre = 2;
						pre_idx = i;
					}
				}
			} else if (!found_cfg && strncmp(e, "HUSH_SHIM_CONFIG=", 17) == 0) {
				found_cfg = 1;
			}
		}
		if (!found_pre)
			add_pre = 1;
		if (cfg && !found_cfg)
			add_cfg = 1;
	}
	char prebuf[add_pre == 2 ? strlen(pre) + 1 + old_len + 1 : 1];
	char *nenv[(add_pre || add_cfg) ? envc + 3 : 1];
	char *const *use_env = envp;
	if (add_pre || add_cfg) {
		size_t k = 0;
		for (size_t i = 0; i < envc; i++)
			nenv[k++] = envp[i];
		if (add_pre == 2) {
			size_t pl = strlen(pre);
			memcpy(prebuf, pre, pl);
			prebuf[pl] = ':';
			memcpy(prebuf + pl + 1, envp[pre_idx] + 11, old_len + 1);
			nenv[pre_idx] = prebuf;
		} else if (add_pre == 1) {
			nenv[k++] = (char *)pre;
		}
		if (add_cfg)
			nenv[k++] = (char *)cfg;
		nenv[k] = NULL;
		use_env = nenv;
	}

	if (!route)
		return fn(ctx, 0, path, argv, use_env);

	char *nargv[argc + 5];
	size_t k = 0;
	nargv[k++] = (char *)r->hush;
	nargv[k++] = (char *)"run";
	nargv[k++] = (char *)"--";
	nargv[k++] = (char *)route;
	for (size_t i = 1; i < argc; i++)
		nargv[k++] = argv[i];
	nargv[k] = NULL;
	if (shim_debug())
		shim_log("routed", route, NULL);
	return fn(ctx, 1, r->hush, nargv, use_env);
}

/* ---- exec family ---- */

struct exec_ctx {
	enum shim_exec_kind kind;
	int dirfd;
	int flags;
};

static long exec_cb(void *c, int routed, const char *path, char *const argv[], char *const envp[])
{
	const struct exec_ctx *x = c;
	enum shim_exec_kind kind = x->kind;
	if (routed)
		kind = (kind == SHIM_EXEC_SYS_VE || kind == SHIM_EXEC_SYS_VEAT) ? SHIM_EXEC_SYS_VE
									    : SHIM_EXEC_VE;
	switch (kind) {
	case SHIM_EXEC_VE: {
		__typeof__(&execve) f = REAL(execve);
		if (f)
			return f(path, argv, envp);
		break;
	}
	case SHIM_EXEC_VPE: {
		__typeof__(&execvpe) f = REAL(execvpe);
		if (f)
			return f(path, argv, envp);
		break;
	}
	case SHIM_EXEC_VEAT: {
		__typeof__(&execveat) f = REAL(execveat);
		if (f)
			return f(x->dirfd, path, argv, envp, x->flags);
		break;
	}
	case SHIM_EXEC_FD: {
		__typeof__(&fexecve) f = REAL(fexecve);
		if (f)
			return f(x->dirfd, argv, envp);
		break;
	}
	case SHIM_EXEC_SYS_VE:
	case SHIM_EXEC_SYS_VEAT: {
		long (*f)(long, ...) = (long (*)(long, ...))shim_real(SYM_syscall);
		if (!f)
			break;
		if (kind == SHIM_EXEC_SYS_VE)
			return f(SYS_execve, path, argv, envp, 0L, 0L, 0L);
		return f(SYS_execveat, (long)x->dirfd, path, argv, envp, (long)x->flags, 0L);
	}
	}
	errno = ENOSYS;
	return -1;
}

long shim_exec(enum shim_exec_kind kind, int dirfd, const char *file, char *const argv[],
	       char *const envp[], int flags)
{
	struct exec_ctx x = {kind, dirfd, flags};
	char target[RULES_PATH_MAX];
	const char *name = file;
	int searched = 0;
	if (kind == SHIM_EXEC_VPE) {
		searched = file && !strchr(file, '/');
	} else if (kind == SHIM_EXEC_FD ||
		   ((kind == SHIM_EXEC_VEAT || kind == SHIM_EXEC_SYS_VEAT) && file && !*file)) {
		/* fexecve, execveat(fd, "", AT_EMPTY_PATH): the fd's name. */
		char p[40] = "/proc/self/fd/";
		int fd = dirfd, nd = 0;
		char digits[12];
		unsigned v = (unsigned)fd;
		do {
			digits[nd++] = (char)('0' + v % 10);
			v /= 10;
		} while (v && nd < 11);
		size_t k = strlen(p);
		while (nd > 0)
			p[k++] = digits[--nd];
		p[k] = '\0';
		long n = raw_readlinkat(AT_FDCWD, p, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			name = target;
		} else {
			name = NULL;
		}
	} else if ((kind == SHIM_EXEC_VEAT || kind == SHIM_EXEC_SYS_VEAT) && file && file[0] != '/' &&
		   dirfd != AT_FDCWD) {
		name = base_of(file); /* matched by basename only */
	}
	return with_exec(name, searched, file, argv, envp, exec_cb, &x);
}

SHIM_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)shim_exec(SHIM_EXEC_VE, AT_FDCWD, path, argv, envp, 0);
}

SHIM_EXPORT int execv(const char *path, char *const argv[])
{
	return (int)shim_exec(SHIM_EXEC_VE, AT_FDCWD, path, argv, environ, 0);
}

SHIM_EXPORT int execvp(const char *file, char *const argv[])
{
	return (int)shim_exec(SHIM_EXEC_VPE, AT_FDCWD, file, argv, environ, 0);
}

SHIM_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return (int)shim_exec(SHIM_EXEC_VPE, AT_FDCWD, file, argv, envp, 0);
}

SHIM_EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
			 int flags)
{
	return (int)shim_exec(SHIM_EXEC_VEAT, dirfd, path, argv, envp, flags);
}

SHIM_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	return (int)shim_exec(SHIM_EXEC_FD, fd, "", argv, envp, 0);
}

/* glibc declares the first argument of execl* nonnull, yet a NULL there
 * (an empty argv) is valid for the kernel: hide the value from the
 * optimiser so the check stays. */
static int not_null(const char *p)
{
	__asm__("" : "+r"(p));
	return p != NULL;
}

/* Counts the variadic list after arg up to its NULL; 0 when arg is NULL. */
#define COUNT_ARGS(arg, n, ap)                                  \
	do {                                                    \
		n = 0;                                          \
		if (not_null(arg)) {                            \
			n = 1;                                  \
			va_start(ap, arg);                      \
			while (n <= SHIM_MAX_VEC && va_arg(ap, char *)) \
				n++;                            \
			va_end(ap);                             \
		}                                               \
	} while (0)

/* The body of execl, execlp and execle: the argument list (and for execle
 * the environment after its NULL) into an argv on this function's stack,
 * then shim_exec(). */
#define EXECL_BODY(kind, path, arg, with_env)                                   \
	va_list ap;                                                             \
	size_t n;                                                               \
	COUNT_ARGS(arg, n, ap);                                                 \
	if (n > SHIM_MAX_VEC) {                                                 \
		errno = E2BIG;                                                  \
		return -1;                                                      \
	}                                                                       \
	char *argv[n + 1];                                                      \
	va_start(ap, arg);                                                      \
	for (size_t i = 0; i < n; i++)                                          \
		argv[i] = i == 0 ? (char *)arg : va_arg(ap, char *);            \
	char *const *envp = environ;                                            \
	if (with_env) {                                                         \
		if (not_null(arg))                                              \
			(void)va_arg(ap, char *); /* the NULL ending argv */    \
		envp = va_arg(ap, char *const *);                               \
	}                                                                       \
	va_end(ap);                                                             \
	argv[n] = NULL;                                                         \
	return (int)shim_exec(kind, AT_FDCWD, path, argv, envp, 0)

SHIM_EXPORT int execl(const char *path, const char *arg, ...)
{
	EXECL_BODY(SHIM_EXEC_VE, path, arg, 0);
}

SHIM_EXPORT int execlp(const char *file, const char *arg, ...)
{
	EXECL_BODY(SHIM_EXEC_VPE, file, arg, 0);
}

SHIM_EXPORT int execle(const char *path, const char *arg, ...)
{
	EXECL_BODY(SHIM_EXEC_VE, path, arg, 1);
}

/* ---- posix_spawn, both symbol versions ---- */

struct spawn_ctx {
	enum shim_sym spawn, spawnp;
	int search;
	pid_t *pid;
	const posix_spawn_file_actions_t *fa;
	const posix_spawnattr_t *attr;
};

typedef int (*spawn_fn)(pid_t *, const char *, const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[], char *const[]);

static long spawn_cb(void *c, int routed, const char *path, char *const argv[], char *const envp[])
{
	const struct spawn_ctx *s = c;
	spawn_fn f = (spawn_fn)shim_real(routed || !s->search ? s->spawn : s->spawnp);
	if (!f)
		return ENOSYS;
	return f(s->pid, path, s->fa, s->attr, argv, envp);
}

static int spawn_common(enum shim_sym sp, enum shim_sym spp, int search, pid_t *pid,
			const char *path, const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	struct spawn_ctx s = {sp, spp, search, pid, fa, attr};
	int searched = search && path && !strchr(path, '/');
	return (int)with_exec(path, searched, path, argv, envp, spawn_cb, &s);
}

/* posix_spawn and posix_spawnp of one glibc symbol version (search: 1
 * for posix_spawnp), declared and defined. */
#define SPAWN_VERSION(fn, ver, search)                                                  \
	int fn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,      \
	       const posix_spawnattr_t *attr, char *const argv[], char *const envp[]); \
	SHIM_EXPORT int fn(pid_t *pid, const char *path,                                \
			   const posix_spawn_file_actions_t *fa,                        \
			   const posix_spawnattr_t *attr, char *const argv[],           \
			   char *const envp[])                                          \
	{                                                                               \
		return spawn_common(SYM_posix_spawn_##ver, SYM_posix_spawnp_##ver, search, \
				    pid, path, fa, attr, argv, envp);                   \
	}

__asm__(".symver hush_posix_spawn_2_15, posix_spawn@@GLIBC_2.15");
__asm__(".symver hush_posix_spawn_2_2_5, posix_spawn@GLIBC_2.2.5");
__asm__(".symver hush_posix_spawnp_2_15, posix_spawnp@@GLIBC_2.15");
__asm__(".symver hush_posix_spawnp_2_2_5, posix_spawnp@GLIBC_2.2.5");

SPAWN_VERSION(hush_posix_spawn_2_15, 2_15, 0)
SPAWN_VERSION(hush_posix_spawn_2_2_5, 2_2_5, 0)
SPAWN_VERSION(hush_posix_spawnp_2_15, 2_15, 1)
SPAWN_VERSION(hush_posix_spawnp_2_2_5, 2_2_5, 1)

/* ---- system and popen ----
 * Both run "/bin/sh -c CMD" through libc internals that no wrapper sees;
 * the shim loaded in that shell routes the command's exec. When the program
 * removed the shim's variables from its own environment, system() starts
 * the shell itself through posix_spawn with them put back, with glibc's
 * signal handling (SIGINT and SIGQUIT ignored and SIGCHLD blocked while
 * waiting; defaults and the old mask in the child); popen() likewise,
 * remembering the streams it started for pclose(). */

/* True when envp already carries LD_PRELOAD with this library and the
 * rules file variable (when there is one). */
static int env_has_shim(char *const envp[])
{
	const char *self = shim_self_path();
	int pre = 0, cfg = shim_env_config() == NULL;
	for (size_t i = 0; envp && envp[i] && i < SHIM_MAX_VEC; i++) {
		if (!pre && strncmp(envp[i], "LD_PRELOAD=", 11) == 0)
			pre = self && list_has(envp[i] + 11, self);
		else if (!cfg && strncmp(envp[i], "HUSH_SHIM_CONFIG=", 17) == 0)
			cfg = 1;
	}
	return pre && cfg;
}

SHIM_EXPORT int system(const char *cmd)
{
	__typeof__(&system) f = REAL(system);
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	if (!cmd || !shim_env_preload() || env_has_shim(environ))
		return f(cmd);

	struct sigaction ign, intr, quit;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &intr);
	sigaction(SIGQUIT, &ign, &quit);
	sigset_t block, omask;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &omask);

	posix_spawnattr_t attr;
	sigset_t def;
	sigemptyset(&def);
	if (intr.sa_handler != SIG_IGN)
		sigaddset(&def, SIGINT);
	if (quit.sa_handler != SIG_IGN)
		sigaddset(&def, SIGQUIT);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setsigmask(&attr, &omask);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	char *argv[] = {(char *)"sh", (char *)"-c", (char *)cmd, NULL};
	pid_t pid;
	int status;
	int rc = spawn_common(SYM_posix_spawn_2_15, SYM_posix_spawnp_2_15, 0, &pid, "/bin/sh",
			      NULL, &attr, argv, environ);
	if (rc == 0) {
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				status = -1;
				break;
			}
		}
	} else {
		status = 127 << 8; /* as if the shell could not run */
	}
	int saved = errno;
	posix_spawnattr_destroy(&attr);
	sigaction(SIGINT, &intr, NULL);
	sigaction(SIGQUIT, &quit, NULL);
	sigprocmask(SIG_SETMASK, &omask, NULL);
	errno = saved;
	return status;
}

/* Streams popen() started itself, so pclose() knows to wait for them. */
#define SHIM_MAX_POPEN 64
#define POPEN_RESERVED ((FILE *)1)
static struct {
	_Atomic(FILE *) f;
	pid_t pid;
} g_popen[SHIM_MAX_POPEN];

static int popen_reserve(void)
{
	for (int i = 0; i < SHIM_MAX_POPEN; i++) {
		FILE *expect = NULL;
		if (atomic_compare_exchange_strong(&g_popen[i].f, &expect, POPEN_RESERVED))
			return i;
	}
	return -1;
}

/* popen() with the shim's variables put back into the shell's
 * environment; NULL with errno set on failure. */
static FILE *popen_spawn(const char *cmd, const char *mode, int slot)
{
	int reading = mode[0] == 'r';
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		return NULL;
	int child = reading ? fds[1] : fds[0];
	int parent = reading ? fds[0] : fds[1];
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, child, reading ? 1 : 0);
	char *argv[] = {(char *)"sh", (char *)"-c", (char *)cmd, NULL};
	pid_t pid;
	int rc = spawn_common(SYM_posix_spawn_2_15, SYM_posix_spawnp_2_15, 0, &pid, "/bin/sh", &fa,
			      NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(child);
	if (rc != 0) {
		close(parent);
		errno = rc;
		return NULL;
	}
	/* The parent's end stays close-on-exec even without "e": glibc closes
	 * earlier popen streams in each new popen child, and this keeps a
	 * later child from holding this pipe open. */
	FILE *f = fdopen(parent, reading ? "r" : "w");
	if (!f) {
		int e = errno;
		close(parent);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		errno = e;
		return NULL;
	}
	g_popen[slot].pid = pid;
	atomic_store(&g_popen[slot].f, f);
	return f;
}

SHIM_EXPORT FILE *popen(const char *cmd, const char *mode)
{
	__typeof__(&popen) f = REAL(popen);
	if (!f) {
		errno = ENOSYS;
		return NULL;
	}
	if (!cmd || !mode || (mode[0] != 'r' && mode[0] != 'w') || !shim_env_preload() ||
	    env_has_shim(environ))
		return f(cmd, mode);
	int slot = popen_reserve();
	if (slot < 0)
		return f(cmd, mode); /* table full: the shell may start without the shim */
	FILE *s = popen_spawn(cmd, mode, slot);
	if (!s)
		atomic_store(&g_popen[slot].f, NULL);
	return s;
}

SHIM_EXPORT int pclose(FILE *stream)
{
	for (int i = 0; stream && i < SHIM_MAX_POPEN; i++) {
		if (atomic_load(&g_popen[i].f) != stream)
			continue;
		pid_t pid = g_popen[i].pid;
		atomic_store(&g_popen[i].f, NULL);
		fclose(stream);
		int status;
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR)
				return -1;
		}
		return status;
	}
	__typeof__(&pclose) f = REAL(pclose);
	if (!f) {
		errno = ENOSYS;
		return -1;
	}
	return f(stream);
}
