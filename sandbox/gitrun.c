/* SPDX-License-Identifier: ISC */
/* Running git on a repository an agent may have written, so that nothing
 * in the repository (its config, hooks, attributes) can make it run a
 * program: see gitrun.h for the rules, docs/sandbox.md for why each. */
#include "sandbox/gitrun.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/array.h"
#include "common/gitsafe.h"
#include "common/util.h"

#define GIT_TIME_LIMIT 60

int sandbox_git_run(const struct sandbox_git_cmd *c, const char *const *args, const char *in,
		    size_t inlen, char **out, size_t *outlen, size_t max)
{
	const char *git = c->git ? c->git : SANDBOX_GIT_BIN;
	char e_dir[PATH_MAX + 8], e_wt[PATH_MAX + 16], e_home[PATH_MAX + 8], e_xdg[PATH_MAX + 24];
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xsnprintf(e_dir, sizeof(e_dir), "GIT_DIR=%s", c->gitdir) < 0 ||
	    xsnprintf(e_wt, sizeof(e_wt), "GIT_WORK_TREE=%s", c->worktree) < 0 ||
	    xsnprintf(e_home, sizeof(e_home), "HOME=%s", c->home ? c->home : "/nonexistent") < 0 ||
	    xsnprintf(e_xdg, sizeof(e_xdg), "XDG_CONFIG_HOME=%s", xdg ? xdg : "") < 0)
		return HUSH_ETOOBIG;
	const char *envp[24];
	size_t ec = 0;
	envp[ec++] = "PATH=/usr/bin:/bin";
	envp[ec++] = "LC_ALL=C";
	if (!c->magic_off_by_dot)
		envp[ec++] = "GIT_LITERAL_PATHSPECS=1";
	envp[ec++] = e_home;
	if (c->home && xdg && xdg[0] == '/')
		envp[ec++] = e_xdg; /* where git looks for ~/.config/git/ */
	if (!c->home) {
		envp[ec++] = "GIT_CONFIG_NOSYSTEM=1";
		envp[ec++] = "GIT_CONFIG_GLOBAL=/dev/null";
	}
	for (size_t i = 0; git_safe_env[i]; i++)
		envp[ec++] = git_safe_env[i];
	envp[ec++] = e_dir;
	envp[ec++] = e_wt;
	envp[ec] = NULL;
	const char *argv[64];
	size_t ac = 0;
	argv[ac++] = git;
	argv[ac++] = "--no-pager";
	for (size_t i = 0; git_safe_config[i]; i++) {
		argv[ac++] = "-c";
		argv[ac++] = git_safe_config[i];
	}
	for (size_t i = 0; args[i]; i++) {
		if (ac + 1 >= ARRAY_LEN(argv))
			return HUSH_EINVAL;
		argv[ac++] = args[i];
	}
	argv[ac] = NULL;
	int pin[2], pout[2];
	if (pipe2(pin, O_CLOEXEC) != 0)
		return HUSH_EIO;
	if (pipe2(pout, O_CLOEXEC) != 0) {
		close(pin[0]);
		close(pin[1]);
		return HUSH_EIO;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(pin[0]);
		close(pin[1]);
		close(pout[0]);
		close(pout[1]);
		return HUSH_EIO;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0 || nul < 0 || dup2(nul, 2) < 0)
			_exit(127);
		if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
			for (int fd = 3; fd < 1024; fd++)
				close(fd);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		alarm(c->timeout ? c->timeout : GIT_TIME_LIMIT);
		execve(git, (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	int r = 0;
	if (inlen && write_all(pin[1], in, inlen) != 0)
		r = HUSH_EIO;
	close(pin[1]);
	size_t cap = 0, n = 0;
	char *b = NULL;
	for (;;) {
		if (array_grow(&b, &cap, n + 4096 + 1, 1, 8192) < 0) {
			r = HUSH_ENOMEM;
			break;
		}
		ssize_t got = read(pout[0], b + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
		if (n > max) {
			r = HUSH_ETOOBIG;
			break;
		}
	}
	close(pout[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	signal(SIGPIPE, old);
	if (r == 0 && b)
		b[n] = '\0';
	if (r < 0 || !out) {
		free(b);
		if (r < 0)
			return r;
	} else {
		*out = b;
		*outlen = n;
	}
	if (!WIFEXITED(st))
		return HUSH_EIO;
	if (WEXITSTATUS(st) == 127)
		return HUSH_ENOENT;
	return WEXITSTATUS(st);
}
