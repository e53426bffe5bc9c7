/* SPDX-License-Identifier: ISC */
/* proc_capture(), proc_find() and where hush's own pieces are: see proc.h. */
#include "common/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"

extern char **environ;

/* environ plus one entry, for execve() (building it after fork() would not
 * be async-signal-safe). NULL on allocation failure. */
static char **env_plus(const char *extra)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **e = calloc(n + 2, sizeof(*e));
	if (!e)
		return NULL;
	size_t k = 0, nlen = extra ? strcspn(extra, "=") + 1 : 0;
	for (size_t i = 0; i < n; i++)
		if (!extra || strncmp(environ[i], extra, nlen))
			e[k++] = environ[i];
	if (extra)
		e[k++] = (char *)extra;
	e[k] = NULL;
	return e;
}

static _Noreturn void child(const struct proc_capture *pc, int out, char **envp)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	if (out >= 0 && dup2(out, STDOUT_FILENO) < 0)
		_exit(127);
	if (pc->quiet) {
		int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (nul < 0 || dup2(nul, STDIN_FILENO) < 0 || dup2(nul, STDERR_FILENO) < 0)
			_exit(127);
	}
	if (pc->with_stderr && out >= 0 && dup2(out, STDERR_FILENO) < 0)
		_exit(127);
	execve(pc->path, pc->argv, envp);
	_exit(127);
}

/* Keeps what fits in pc->out, tees everything. */
static void take(struct proc_capture *pc, const char *b, size_t n)
{
	if (pc->tee_fd >= 0)
		(void)write_all(pc->tee_fd, b, n);
	size_t room = pc->cap - pc->len, keep = n < room ? n : room;
	memcpy(pc->out + pc->len, b, keep);
	pc->len += keep;
	if (keep < n)
		pc->over = true;
}

/* Reads the pipe to its end, or until the deadline (0: none). 0 or
 * HUSH_ETIMEDOUT. */
static int drain(struct proc_capture *pc, int fd, uint64_t deadline)
{
	char scratch[512];
	for (;;) {
		int wait = -1;
		if (deadline) {
			uint64_t now = time_mono_ms();
			if (now >= deadline)
				return HUSH_ETIMEDOUT;
			wait = (int)(deadline - now);
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int pr = poll(&p, 1, wait);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0)
			continue; /* the deadline is checked above */
		ssize_t r = read(fd, scratch, sizeof(scratch));
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		take(pc, scratch, (size_t)r);
	}
	sodium_memzero(scratch, sizeof(scratch));
	return 0;
}

/* Waits for pid until the deadline (0: none). Its status, or
 * HUSH_ETIMEDOUT (still running). */
static int reap(pid_t pid, uint64_t deadline, int *st)
{
	int pfd = deadline ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
	while (pfd >= 0) {
		uint64_t now = time_mono_ms();
		if (now >= deadline) {
			close(pfd);
			return HUSH_ETIMEDOUT;
		}
		struct pollfd p = { .fd = pfd, .events = POLLIN };
		int pr = poll(&p, 1, (int)(deadline - now));
		if (pr > 0)
			break;
		if (pr < 0 && errno != EINTR)
			break;
	}
	if (pfd >= 0)
		close(pfd);
	while (waitpid(pid, st, 0) < 0)
		if (errno != EINTR)
			return HUSH_EIO;
	return 0;
}

int proc_capture(struct proc_capture *pc)
{
	pc->len = 0;
	pc->over = false;
	char **envp = env_plus(pc->env);
	if (!envp)
		return HUSH_ENOMEM;
	int p[2] = { -1, -1 };
	if (pc->out && pipe2(p, O_CLOEXEC) < 0) {
		free(envp);
		return HUSH_EIO;
	}
	pid_t pid = fork();
	if (pid == 0)
		child(pc, p[1], envp);
	free(envp);
	if (p[1] >= 0)
		close(p[1]);
	if (pid < 0) {
		if (p[0] >= 0)
			close(p[0]);
		return HUSH_EIO;
	}
	uint64_t deadline = pc->timeout_ms > 0 ? time_mono_ms() + (uint64_t)pc->timeout_ms : 0;
	int r = 0;
	if (p[0] >= 0) {
		r = drain(pc, p[0], deadline);
		close(p[0]);
	}
	int st = 0;
	if (r == 0)
		r = reap(pid, deadline, &st);
	if (r == HUSH_ETIMEDOUT) {
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		return HUSH_ETIMEDOUT;
	}
	if (r)
		return r;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int proc_find(const char *name, char *out, size_t n)
{
	const char *path = getenv("PATH");
	char buf[8192];
	snprintf(buf, sizeof(buf), "%s", path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;
	for (char *d = strtok_r(buf, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		struct stat st;
		if (d[0] == '/' && xsnprintf(out, n, "%s/%s", d, name) == 0 && stat(out, &st) == 0 &&
		    S_ISREG(st.st_mode) && access(out, X_OK) == 0)
			return 0;
	}
	return HUSH_ENOENT;
}

int proc_self_path(char *out, size_t n)
{
	ssize_t r = readlink("/proc/self/exe", out, n - 1);
	if (r <= 0 || (size_t)r >= n - 1) {
		out[0] = '\0';
		return HUSH_EIO;
	}
	out[r] = '\0';
	return 0;
}

int proc_sibling_path(const char *name, char *out, size_t n)
{
	char self[PATH_MAX];
	if (proc_self_path(self, sizeof(self)))
		return HUSH_EIO;
	char *slash = strrchr(self, '/');
	*slash = '\0';
	return xsnprintf(out, n, "%s/%s", self, name) ? HUSH_ETOOBIG : 0;
}

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int proc_find_shim(const char *self, char *out, size_t n)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", self);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return HUSH_ENOENT;
	*slash = '\0';
	if (xsnprintf(out, n, "%s/libhush.so", dir) == 0 && is_file(out))
		return 0;
	if (xsnprintf(out, n, "%s/../lib/hush/libhush.so", dir) == 0 && is_file(out)) {
		char real[PATH_MAX];
		if (realpath(out, real))
			snprintf(out, n, "%s", real);
		return 0;
	}
	return HUSH_ENOENT;
}
