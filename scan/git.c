/* SPDX-License-Identifier: ISC */
/* Git exposure of findings: for each repository holding a finding, one
 * `git ls-files -z` (tracked) and one `git check-ignore -z --stdin`
 * (ignored, fed all other candidate files at once). Never per file. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/array.h"
#include "common/err.h"
#include "common/gitsafe.h"
#include "scan/scan.h"

extern char **environ;

#define GIT_MAX_OUTPUT (256u * 1024 * 1024)

/* Runs git in top with args (after the hardening of common/gitsafe.h: the
 * repository may be an agent's, and ls-files would otherwise start its
 * core.fsmonitor), stdin from in_fd (-1: /dev/null); collects stdout.
 * Returns 0 with *out (malloc'd) or -1. */
static int git_run(const char *top, const char *const args[], int in_fd, char **out,
		   size_t *outlen)
{
	const char *argv[48];
	size_t ac = 0;
	argv[ac++] = "git";
	argv[ac++] = "--no-pager";
	argv[ac++] = "-c";
	argv[ac++] = "safe.directory=*";
	for (size_t i = 0; git_safe_config[i]; i++) {
		argv[ac++] = "-c";
		argv[ac++] = git_safe_config[i];
	}
	argv[ac++] = "-C";
	argv[ac++] = top;
	for (size_t i = 0; args[i] && ac + 1 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[ac++] = args[i];
	argv[ac] = NULL;
	/* our environment plus the safe entries (later entries win) */
	size_t ne = 0;
	while (environ[ne])
		ne++;
	const char **envp = calloc(ne + 8, sizeof(char *));
	if (!envp)
		return -1;
	size_t ec = 0;
	for (size_t i = 0; i < ne; i++)
		if (strncmp(environ[i], "GIT_", 4))
			envp[ec++] = environ[i];
	for (size_t i = 0; git_safe_env[i]; i++)
		envp[ec++] = git_safe_env[i];
	envp[ec] = NULL;
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, "git", &fa, NULL, (char *const *)argv, (char *const *)envp);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return -1;
	}
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	bool bad = buf == NULL;
	for (;;) {
		if (!bad && n + 1 >= cap)
			bad = cap >= GIT_MAX_OUTPUT || array_grow(&buf, &cap, n + 2, 1, 0) < 0;
		char tmp[4096];
		ssize_t k = bad ? read(pfd[0], tmp, sizeof(tmp)) : read(pfd[0], buf + n, cap - n - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (!bad)
			n += (size_t)k;
	}
	close(pfd[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	/* check-ignore exits 1 when nothing is ignored: still a valid answer */
	if (bad || !WIFEXITED(st) || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 1)) {
		free(buf);
		return -1;
	}
	buf[n] = 0;
	*out = buf;
	*outlen = n;
	return 0;
}

/* Work tree top of the directory holding file (absolute), or false. */
static bool find_top(const char *abs, char *top, size_t n)
{
	char d[PATH_MAX];
	snprintf(d, sizeof(d), "%s", abs);
	char *s = strrchr(d, '/');
	while (s) {
		*s = 0;
		char probe[PATH_MAX + 8];
		snprintf(probe, sizeof(probe), "%s/.git", d[0] ? d : "");
		struct stat st;
		if (lstat(probe, &st) == 0) {
			snprintf(top, n, "%s", d[0] ? d : "/");
			return true;
		}
		s = strrchr(d, '/');
	}
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct repo_job {
	char top[PATH_MAX];
	struct repo_file {
		size_t idx;      /* a finding in this repo */
		char *rel;       /* its relative path */
	} *f;
	size_t n, cap;
};

static void classify_repo(struct scan_result *r, struct repo_job *j)
{
	const char *argv_ls[] = { "ls-files", "-z", NULL };
	char *out = NULL;
	size_t outlen = 0;
	if (git_run(j->top, argv_ls, -1, &out, &outlen) != 0)
		return; /* not a usable repository: leave "not in git" */
	size_t cnt = 0;
	for (size_t i = 0; i < outlen; i++)
		cnt += out[i] == 0;
	char **tracked = calloc(cnt + 1, sizeof(char *));
	size_t nt = 0;
	if (!tracked) {
		free(out);
		return;
	}
	for (size_t i = 0; i < outlen;) {
		tracked[nt++] = out + i;
		i += strlen(out + i) + 1;
	}
	qsort(tracked, nt, sizeof(char *), cmp_str);
	/* candidates for check-ignore in a memfd as stdin */
	int mfd = memfd_create("hush-scan-ignore", MFD_CLOEXEC);
	for (size_t k = 0; k < j->n; k++) {
		struct scan_finding *f = &r->v[j->f[k].idx];
		if (bsearch(&j->f[k].rel, tracked, nt, sizeof(char *), cmp_str)) {
			f->exposure = SCAN_EXP_TRACKED;
		} else {
			f->exposure = SCAN_EXP_UNTRACKED;
			if (mfd >= 0 && (write(mfd, j->f[k].rel, strlen(j->f[k].rel) + 1) < 0)) {
				close(mfd);
				mfd = -1;
			}
		}
	}
	free(tracked);
	free(out);
	if (mfd < 0)
		return;
	lseek(mfd, 0, SEEK_SET);
	const char *argv_ci[] = { "check-ignore", "-z", "--stdin", NULL };
	if (git_run(j->top, argv_ci, mfd, &out, &outlen) == 0) {
		for (size_t i = 0; i < outlen;) {
			const char *p = out + i;
			for (size_t k = 0; k < j->n; k++)
				if (!strcmp(j->f[k].rel, p) && r->v[j->f[k].idx].exposure == SCAN_EXP_UNTRACKED)
					r->v[j->f[k].idx].exposure = SCAN_EXP_IGNORED;
			i += strlen(p) + 1;
		}
		free(out);
	}
	close(mfd);
}

int scan_git_exposure(struct scan_result *r)
{
	struct repo_job *jobs = NULL;
	size_t nj = 0, capj = 0;
	int rc = 0;
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		char abs[PATH_MAX], top[PATH_MAX];
		if (!realpath(r->v[i].path, abs) || !find_top(abs, top, sizeof(top)))
			continue;
		size_t tl = strlen(top);
		const char *rel = abs + tl + (tl > 1);
		struct repo_job *j = NULL;
		for (size_t k = 0; k < nj; k++)
			if (!strcmp(jobs[k].top, top))
				j = &jobs[k];
		if (!j) {
			if ((rc = array_grow(&jobs, &capj, nj + 1, sizeof(*jobs), 4)) < 0)
				break;
			j = &jobs[nj++];
			memset(j, 0, sizeof(*j));
			snprintf(j->top, sizeof(j->top), "%s", top);
		}
		if ((rc = array_grow(&j->f, &j->cap, j->n + 1, sizeof(*j->f), 16)) < 0)
			break;
		j->f[j->n].idx = i;
		if (!(j->f[j->n].rel = strdup(rel))) {
			rc = HUSH_ENOMEM;
			break;
		}
		j->n++;
	}
	for (size_t k = 0; k < nj; k++) {
		if (rc == 0)
			classify_repo(r, &jobs[k]);
		for (size_t q = 0; q < jobs[k].n; q++)
			free(jobs[k].f[q].rel);
		free(jobs[k].f);
	}
	free(jobs);
	return rc;
}
