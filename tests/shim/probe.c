/* SPDX-License-Identifier: ISC */
/* Test helper for tests/shim.t: small programs exercising libhush.so through
 * entry points the shell tools do not reach (errno, syscall(), posix_spawn
 * in both symbol versions, vfork, threads with fork, execve with an empty
 * environment). Built by the test with cc into its temporary directory.
 *   probe errno DIR            errno values seen through the shim
 *   probe syscall DIR          syscall() with openat, statx, getdents64, ...
 *   probe spawn new|old|p ARG  posix_spawn / compat posix_spawn / posix_spawnp of "deploy"
 *   probe vfork ARG            vfork + execvp("deploy")
 *   probe emptyenv PATH ARG    execve /bin/sh -c "deploy ARG" with only PATH set
 *   probe threads DIR          8 threads opening files while forking and exec'ing
 *   probe links DIR            readlink/realpath/lstat on a symlink to .env
 *   probe popen ARG            unsetenv LD_PRELOAD, then popen "deploy ARG; cat .env"
 *   probe wrappers DIR         each open/stat/access/rename/link/readlink/realpath
 *                              wrapper on .env (hidden) and on readme.txt (the
 *                              control), and execl/execlp/execle's arguments
 * Prints one "name=value" line per observation. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The pre-2.15 posix_spawn, still exported by glibc for old binaries. */
int old_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
	      const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
__asm__(".symver old_spawn,posix_spawn@GLIBC_2.2.5");

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EXDEV: return "EXDEV";
	case ELOOP: return "ELOOP";
	default: return "other";
	}
}

static int do_errno(const char *dir)
{
	if (chdir(dir) != 0)
		return 2;
	errno = 0;
	int fd = open("no-such-file", O_RDONLY);
	printf("missing=%d:%s\n", fd, ename(errno));
	errno = 0;
	fd = open("locked.txt", O_RDONLY);
	printf("locked=%d:%s\n", fd, ename(errno));
	errno = 0;
	fd = open(".env", O_RDONLY);
	printf("hidden=%d:%s\n", fd, ename(errno));
	struct stat st;
	errno = 0;
	int rc = stat("no-such-file", &st);
	printf("stat_missing=%d:%s\n", rc, ename(errno));
	/* A successful call through the shim leaves errno alone. */
	errno = EXDEV;
	fd = open("readme.txt", O_RDONLY);
	printf("ok_open=%s:%s\n", fd >= 0 ? "fd" : "fail", ename(errno));
	if (fd >= 0)
		close(fd);
	errno = EXDEV;
	rc = stat("readme.txt", &st);
	printf("ok_stat=%d:%s\n", rc, ename(errno));
	errno = EXDEV;
	DIR *d = opendir(".");
	int n = 0;
	while (d && readdir(d))
		n++;
	printf("ok_readdir=%s:%s\n", n > 0 ? "entries" : "none", ename(errno));
	if (d)
		closedir(d);
	return 0;
}

static int do_syscall(const char *dir)
{
	if (chdir(dir) != 0)
		return 2;
	errno = 0;
	long r = syscall(SYS_openat, AT_FDCWD, ".env", O_RDONLY);
	printf("openat=%ld:%s\n", r, ename(errno));
	errno = 0;
	r = syscall(SYS_open, ".env", O_RDONLY);
	printf("open=%ld:%s\n", r, ename(errno));
	struct statx sx;
	errno = 0;
	r = syscall(SYS_statx, AT_FDCWD, ".env", 0, STATX_BASIC_STATS, &sx);
	printf("statx=%ld:%s\n", r, ename(errno));
	struct stat st;
	errno = 0;
	r = syscall(SYS_newfstatat, AT_FDCWD, ".env", &st, 0);
	printf("newfstatat=%ld:%s\n", r, ename(errno));
	errno = 0;
	r = syscall(SYS_faccessat, AT_FDCWD, ".env", R_OK);
	printf("faccessat=%ld:%s\n", r, ename(errno));
	struct {
		uint64_t flags, mode, resolve;
	} how = {O_RDONLY, 0, 0};
	errno = 0;
	r = syscall(SYS_openat2, AT_FDCWD, ".env", &how, sizeof(how));
	printf("openat2=%ld:%s\n", r, ename(errno) /* ENOSYS on old kernels shows as other */);
	errno = 0;
	r = syscall(SYS_openat, AT_FDCWD, "readme.txt", O_RDONLY);
	printf("openat_ok=%s\n", r >= 0 ? "fd" : "fail");
	if (r >= 0)
		close((int)r);
	/* A pass-through number with several arguments still works. */
	printf("getpid_ok=%s\n", syscall(SYS_getpid) == getpid() ? "yes" : "no");
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	char buf[8192];
	int seen_env = 0, seen_readme = 0;
	for (;;) {
		long n = syscall(SYS_getdents64, dfd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct dirent64 *e = (struct dirent64 *)(buf + off);
			if (strcmp(e->d_name, ".env") == 0)
				seen_env = 1;
			if (strcmp(e->d_name, "readme.txt") == 0)
				seen_readme = 1;
			off += e->d_reclen;
		}
	}
	close(dfd);
	printf("getdents64=env:%d,readme:%d\n", seen_env, seen_readme);
	return 0;
}

static int do_spawn(const char *how, const char *arg)
{
	char *argv[] = {(char *)"deploy", (char *)arg, NULL};
	pid_t pid;
	int rc;
	if (strcmp(how, "old") == 0)
		rc = old_spawn(&pid, "/no/such/dir/deploy", NULL, NULL, argv, environ);
	else if (strcmp(how, "new") == 0)
		rc = posix_spawn(&pid, "/no/such/dir/deploy", NULL, NULL, argv, environ);
	else
		rc = posix_spawnp(&pid, "deploy", NULL, NULL, argv, environ);
	if (rc != 0) {
		printf("spawn=%s\n", ename(rc));
		return 1;
	}
	int st;
	waitpid(pid, &st, 0);
	printf("spawn=ok status=%d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

static int do_vfork(const char *arg)
{
	pid_t pid = vfork();
	if (pid == 0) {
		char *argv[] = {(char *)"deploy", (char *)arg, NULL};
		execvp("deploy", argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	printf("vfork=status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

static int do_emptyenv(const char *path, const char *arg)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "deploy %s", arg);
	char pathvar[PATH_MAX + 8];
	snprintf(pathvar, sizeof(pathvar), "PATH=%s", path);
	char *argv[] = {(char *)"sh", (char *)"-c", cmd, NULL};
	char *envp[] = {pathvar, NULL};
	execve("/bin/sh", argv, envp);
	perror("execve");
	return 1;
}

static const char *g_dir;
static volatile int g_stop;
static int g_leaks, g_fails;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

static void *opener(void *unused)
{
	(void)unused;
	char a[PATH_MAX], b[PATH_MAX];
	snprintf(a, sizeof(a), "%s/.env", g_dir);
	snprintf(b, sizeof(b), "%s/readme.txt", g_dir);
	for (int i = 0; i < 2000 && !g_stop; i++) {
		int fd = open(a, O_RDONLY);
		int leak = fd >= 0;
		if (fd >= 0)
			close(fd);
		fd = open(b, O_RDONLY);
		int fail = fd < 0;
		if (fd >= 0)
			close(fd);
		struct stat st;
		leak |= stat(a, &st) == 0;
		pthread_mutex_lock(&g_mu);
		g_leaks += leak;
		g_fails += fail;
		pthread_mutex_unlock(&g_mu);
	}
	return NULL;
}

static int do_threads(const char *dir)
{
	g_dir = dir;
	pthread_t t[8];
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, opener, NULL);
	int bad_children = 0;
	for (int i = 0; i < 40; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			/* After fork in a threaded process: open and exec. */
			char p[PATH_MAX];
			snprintf(p, sizeof(p), "%s/.env", dir);
			if (open(p, O_RDONLY) >= 0)
				_exit(3);
			execl("/bin/true", "true", (char *)NULL);
			_exit(4);
		}
		int st;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad_children++;
	}
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	printf("threads=leaks:%d,fails:%d,bad_children:%d\n", g_leaks, g_fails, bad_children);
	return 0;
}

static int do_links(const char *dir)
{
	if (chdir(dir) != 0)
		return 2;
	char buf[PATH_MAX];
	errno = 0;
	ssize_t n = readlink("link", buf, sizeof(buf));
	printf("readlink=%zd:%s\n", n, ename(errno));
	errno = 0;
	char *rp = realpath("link", NULL);
	printf("realpath=%s:%s\n", rp ? "found" : "null", ename(errno));
	free(rp);
	errno = 0;
	rp = canonicalize_file_name(".env");
	printf("canonicalize=%s:%s\n", rp ? "found" : "null", ename(errno));
	free(rp);
	struct stat st;
	errno = 0;
	int rc = lstat("link", &st);
	printf("lstat=%d:%s\n", rc, ename(errno));
	errno = 0;
	rc = fstatat(AT_FDCWD, "link", &st, AT_SYMLINK_NOFOLLOW);
	printf("fstatat_nofollow=%d:%s\n", rc, ename(errno));
	errno = 0;
	rc = faccessat(AT_FDCWD, ".env", R_OK, 0);
	printf("faccessat=%d:%s\n", rc, ename(errno));
	errno = 0;
	FILE *f = fopen("link", "r");
	printf("fopen=%s:%s\n", f ? "opened" : "null", ename(errno));
	if (f)
		fclose(f);
	errno = 0;
	f = fopen(".env", "w");
	printf("fopen_w_existing=%s:%s\n", f ? "opened" : "null", ename(errno));
	if (f)
		fclose(f);
	errno = 0;
	f = fopen(".env.new", "w");
	printf("fopen_w_new=%s\n", f ? "opened" : "null");
	if (f)
		fclose(f);
	struct dirent **list;
	int k = scandir(".", &list, NULL, alphasort);
	int env = 0;
	for (int i = 0; i < k; i++) {
		if (strcmp(list[i]->d_name, ".env") == 0 || strcmp(list[i]->d_name, "link") == 0)
			env++;
		free(list[i]);
	}
	if (k >= 0)
		free(list);
	printf("scandir=%s,hidden_listed:%d\n", k > 0 ? "entries" : "none", env);
	return 0;
}

static int do_popen(const char *arg)
{
	unsetenv("LD_PRELOAD");
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "deploy %s; cat .env 2>&1; exit 3", arg);
	FILE *f = popen(cmd, "r");
	if (!f) {
		perror("popen");
		return 1;
	}
	char line[512];
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	int st = pclose(f);
	printf("pclose=%d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

/* "ok", or the errno name, for a call that returned r (fail: r < 0). */
static const char *res(long r)
{
	return r >= 0 ? "ok" : ename(errno);
}
static const char *resp(const void *p)
{
	return p ? "ok" : ename(errno);
}
#define BOTH(name, call_hidden, call_ok, fmt)                                   \
	do {                                                                    \
		errno = 0;                                                      \
		const char *h_ = fmt(call_hidden);                              \
		errno = 0;                                                      \
		printf("%s=%s/%s\n", name, h_, fmt(call_ok));                   \
	} while (0)
/* The wrappers the shim exports under glibc's internal names, found the
 * way a program linked against an old glibc would reach them. */
#define SYM(type, name) ((type)dlsym(RTLD_DEFAULT, name))

static int run_status(pid_t pid)
{
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int do_wrappers(const char *dir)
{
	if (chdir(dir) != 0)
		return 2;
	const char *H = ".env", *K = "readme.txt";
	struct stat st;
	struct stat64 st64;
	struct statx sx;
	char buf[PATH_MAX];
	int fd;
	BOTH("stat", stat(H, &st), stat(K, &st), res);
	BOTH("lstat", lstat(H, &st), lstat(K, &st), res);
	BOTH("stat64", stat64(H, &st64), stat64(K, &st64), res);
	BOTH("lstat64", lstat64(H, &st64), lstat64(K, &st64), res);
	BOTH("fstatat", fstatat(AT_FDCWD, H, &st, 0), fstatat(AT_FDCWD, K, &st, 0), res);
	BOTH("fstatat64", fstatat64(AT_FDCWD, H, &st64, AT_SYMLINK_NOFOLLOW),
	     fstatat64(AT_FDCWD, K, &st64, AT_SYMLINK_NOFOLLOW), res);
	BOTH("statx", statx(AT_FDCWD, H, 0, STATX_BASIC_STATS, &sx),
	     statx(AT_FDCWD, K, 0, STATX_BASIC_STATS, &sx), res);
	typedef int (*xstat_t)(int, const char *, void *);
	typedef int (*fxstatat_t)(int, int, const char *, void *, int);
	const char *xs[] = { "__xstat", "__xstat64", "__lxstat", "__lxstat64" };
	for (size_t i = 0; i < 4; i++) {
		xstat_t f = SYM(xstat_t, xs[i]);
		BOTH(xs[i], f ? f(1, H, &st64) : -1, f ? f(1, K, &st64) : -1, res);
	}
	const char *fxs[] = { "__fxstatat", "__fxstatat64" };
	for (size_t i = 0; i < 2; i++) {
		fxstatat_t f = SYM(fxstatat_t, fxs[i]);
		BOTH(fxs[i], f ? f(1, AT_FDCWD, H, &st64, 0) : -1,
		     f ? f(1, AT_FDCWD, K, &st64, 0) : -1, res);
	}
#define OPENED(call) ((fd = (call)) >= 0 ? close(fd), 0 : -1)
	BOTH("open", OPENED(open(H, O_RDONLY)), OPENED(open(K, O_RDONLY)), res);
	BOTH("open64", OPENED(open64(H, O_RDONLY)), OPENED(open64(K, O_RDONLY)), res);
	BOTH("openat", OPENED(openat(AT_FDCWD, H, O_RDONLY)), OPENED(openat(AT_FDCWD, K, O_RDONLY)),
	     res);
	BOTH("openat64", OPENED(openat64(AT_FDCWD, H, O_RDONLY)),
	     OPENED(openat64(AT_FDCWD, K, O_RDONLY)), res);
	typedef int (*open2_t)(const char *, int);
	typedef int (*openat2_t)(int, const char *, int);
	const char *o2[] = { "__open_2", "__open64_2" }, *oa2[] = { "__openat_2", "__openat64_2" };
	for (size_t i = 0; i < 2; i++) {
		open2_t f = SYM(open2_t, o2[i]);
		BOTH(o2[i], f ? OPENED(f(H, O_RDONLY)) : -1, f ? OPENED(f(K, O_RDONLY)) : -1, res);
		openat2_t g = SYM(openat2_t, oa2[i]);
		BOTH(oa2[i], g ? OPENED(g(AT_FDCWD, H, O_RDONLY)) : -1,
		     g ? OPENED(g(AT_FDCWD, K, O_RDONLY)) : -1, res);
	}
	/* creat on the hidden name must not truncate it: refused first */
	BOTH("creat", OPENED(creat(H, 0600)), OPENED(creat("new1.txt", 0600)), res);
	BOTH("creat64", OPENED(creat64(H, 0600)), OPENED(creat64("new2.txt", 0600)), res);
	FILE *f;
#define FOPENED(call) ((f = (call)) ? fclose(f), (void *)1 : NULL)
	BOTH("fopen", FOPENED(fopen(H, "r")), FOPENED(fopen(K, "r")), resp);
	BOTH("fopen64", FOPENED(fopen64(H, "r")), FOPENED(fopen64(K, "r")), resp);
	BOTH("freopen", FOPENED(freopen(H, "r", fopen(K, "r"))),
	     FOPENED(freopen(K, "r", fopen(K, "r"))), resp);
	BOTH("freopen64", FOPENED(freopen64(H, "r", fopen(K, "r"))),
	     FOPENED(freopen64(K, "r", fopen(K, "r"))), resp);
	BOTH("access", access(H, R_OK), access(K, R_OK), res);
	BOTH("eaccess", eaccess(H, R_OK), eaccess(K, R_OK), res);
	BOTH("euidaccess", euidaccess(H, R_OK), euidaccess(K, R_OK), res);
	BOTH("faccessat", faccessat(AT_FDCWD, H, R_OK, 0), faccessat(AT_FDCWD, K, R_OK, 0), res);
	/* renames and links of the hidden file are refused; the control goes
	 * there and back */
	BOTH("rename", rename(H, "moved"), rename(K, "moved") || rename("moved", K), res);
	BOTH("renameat", renameat(AT_FDCWD, H, AT_FDCWD, "moved"),
	     renameat(AT_FDCWD, K, AT_FDCWD, "moved") || rename("moved", K), res);
	BOTH("renameat2", renameat2(AT_FDCWD, H, AT_FDCWD, "moved", 0),
	     renameat2(AT_FDCWD, K, AT_FDCWD, "moved", 0) || rename("moved", K), res);
	BOTH("link", link(H, "lnk"), link(K, "lnk") || unlink("lnk"), res);
	BOTH("linkat", linkat(AT_FDCWD, H, AT_FDCWD, "lnk", 0),
	     linkat(AT_FDCWD, K, AT_FDCWD, "lnk", 0) || unlink("lnk"), res);
	/* readlink of a regular file: EINVAL ("other") for the control */
	BOTH("readlink", readlink(H, buf, sizeof(buf)), readlink(K, buf, sizeof(buf)), res);
	BOTH("readlinkat", readlinkat(AT_FDCWD, H, buf, sizeof(buf)),
	     readlinkat(AT_FDCWD, K, buf, sizeof(buf)), res);
	typedef ssize_t (*rlchk_t)(const char *, char *, size_t, size_t);
	rlchk_t rl = SYM(rlchk_t, "__readlink_chk");
	BOTH("__readlink_chk", rl ? rl(H, buf, sizeof(buf), sizeof(buf)) : -1,
	     rl ? rl(K, buf, sizeof(buf), sizeof(buf)) : -1, res);
	BOTH("realpath", realpath(H, buf), realpath(K, buf), resp);
	typedef char *(*rpchk_t)(const char *, char *, size_t);
	rpchk_t rp = SYM(rpchk_t, "__realpath_chk");
	BOTH("__realpath_chk", rp ? rp(H, buf, sizeof(buf)) : NULL,
	     rp ? rp(K, buf, sizeof(buf)) : NULL, resp);
	char *c1 = canonicalize_file_name(H), *c2 = canonicalize_file_name(K);
	printf("canonicalize_file_name=%s/%s\n", c1 ? "ok" : "ENOENT", c2 ? "ok" : "fail");
	free(c1);
	free(c2);
	/* the execl family passes its arguments and (execle) environment on */
	char *env[] = { "X=4", NULL };
	pid_t p = fork();
	if (p == 0)
		_exit(execl("/bin/sh", "sh", "-c", "exit 3", (char *)NULL) ? 99 : 98);
	int a = run_status(p);
	if ((p = fork()) == 0)
		_exit(execlp("sh", "sh", "-c", "exit 5", (char *)NULL) ? 99 : 98);
	int b = run_status(p);
	if ((p = fork()) == 0)
		_exit(execle("/bin/sh", "sh", "-c", "exit $X", (char *)NULL, env) ? 99 : 98);
	printf("execl=%d execlp=%d execle=%d\n", a, b, run_status(p));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc >= 3 && strcmp(argv[1], "errno") == 0)
		return do_errno(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "syscall") == 0)
		return do_syscall(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "spawn") == 0)
		return do_spawn(argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "vfork") == 0)
		return do_vfork(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "emptyenv") == 0)
		return do_emptyenv(argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "threads") == 0)
		return do_threads(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "links") == 0)
		return do_links(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "popen") == 0)
		return do_popen(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "wrappers") == 0)
		return do_wrappers(argv[2]);
	fprintf(stderr, "usage: probe errno|syscall|spawn|vfork|emptyenv|threads|links ...\n");
	return 2;
}
