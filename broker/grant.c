/* SPDX-License-Identifier: ISC */
/* Grant matching and executable pinning: see grant.h. */
#include "broker/grant.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/glob.h"
#include "common/util.h"

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

int grant_cwd_within(const char *dir, const char *prefix)
{
	size_t n = strlen(prefix);
	while (n > 1 && prefix[n - 1] == '/')
		n--;
	if (n == 1 && prefix[0] == '/')
		return 1;
	if (strncmp(dir, prefix, n) != 0)
		return 0;
	return dir[n] == '\0' || dir[n] == '/';
}

/* Token-level matching: a lone "*" token matches any run of arguments,
 * the same last-star backtracking as the glob one level up. */
static bool pattern_match(const struct strv *pat, char *const argv[], size_t argc,
			  unsigned long *budget)
{
	size_t t = 0, a = 0;
	size_t star_t = SIZE_MAX, star_a = 0;
	for (;;) {
		if (*budget == 0)
			return false;
		(*budget)--;
		if (t < pat->n && !strcmp(pat->v[t], "*")) {
			while (t < pat->n && !strcmp(pat->v[t], "*"))
				t++;
			star_t = t;
			star_a = a;
			continue;
		}
		if (a == argc) {
			if (t == pat->n)
				return true;
		} else if (t < pat->n && argv[a] &&
			   glob_match_bounded(pat->v[t], argv[a], budget)) {
			t++;
			a++;
			continue;
		}
		if (star_t == SIZE_MAX || star_a >= argc)
			return false;
		t = star_t;
		a = ++star_a;
	}
}

bool grant_args_match(const struct grant *g, char *const argv[], size_t argc)
{
	if (!g)
		return false;
	if (g->nargs == 0)
		return true;
	if (argc > 0 && !argv)
		return false;
	/* one budget for all the patterns: a grant's check stays bounded */
	unsigned long budget = HUSH_GLOB_BUDGET;
	for (size_t i = 0; i < g->nargs; i++)
		if (pattern_match(&g->args[i], argv, argc, &budget))
			return true;
	return false;
}

/* Does the requested command name/path designate the grant's executable? */
static int command_matches(const char *req, const char *cwd, const char *grant_real,
			   const char *grant_cmd)
{
	if (!strchr(req, '/'))
		return strcmp(req, base_name(grant_cmd)) == 0;
	char joined[PATH_MAX], real[PATH_MAX];
	if (req[0] == '/') {
		if (xsnprintf(joined, sizeof(joined), "%s", req))
			return 0;
	} else if (xsnprintf(joined, sizeof(joined), "%s/%s", cwd, req)) {
		return 0;
	}
	if (!realpath(joined, real))
		return 0;
	return strcmp(real, grant_real) == 0;
}

int grant_find(const struct config *cfg, const char *want, char *const *argv, size_t argc,
	       const char *cwd, const struct grant **out, char *exe, char *why, size_t whylen)
{
	int named = 0;
	why[0] = '\0';
	if (argc < 1)
		return HUSH_EINVAL;
	for (size_t i = 0; i < cfg->ngrants; i++) {
		const struct grant *g = &cfg->grants[i];
		if (want && *want && strcmp(want, g->name) != 0)
			continue;
		if (!g->command)
			continue;
		char real[PATH_MAX];
		if (!realpath(g->command, real))
			continue; /* missing executable: hush config check reports it */
		if (!command_matches(argv[0], cwd, real, g->command))
			continue;
		named = 1;
		if (!grant_args_match(g, argv + 1, argc - 1)) {
			snprintf(why, whylen, "grant '%s' does not allow these arguments", g->name);
			continue;
		}
		if (g->cwd && !grant_cwd_within(cwd, g->cwd)) {
			snprintf(why, whylen, "grant '%s' only allows working directories under %s",
				 g->name, g->cwd);
			continue;
		}
		snprintf(exe, PATH_MAX, "%s", real);
		*out = g;
		return 0;
	}
	return named ? HUSH_EREFUSED : HUSH_ENOENT;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int grant_sha256_hex(const char *path, char hex[65])
{
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? HUSH_ENOENT : HUSH_EIO;
	uint8_t h[crypto_hash_sha256_BYTES];
	int r = sha256_fd(fd, h);
	close(fd);
	if (!r)
		sodium_bin2hex(hex, 65, h, sizeof(h));
	return r;
}

/* Whether the caller can replace the entry child inside dir: dir is
 * writable, and not sticky unless we own dir or child. */
static bool dir_lets_replace(const char *dir, const char *child)
{
	struct stat d, c;
	if (access(dir, W_OK) != 0 || stat(dir, &d) != 0)
		return false;
	if (!(d.st_mode & S_ISVTX))
		return true;
	return d.st_uid == getuid() || lstat(child, &c) != 0 || c.st_uid == getuid();
}

/* Walks path and each directory above it. 1 with why set, or 0. */
static int path_writable(const char *path, char *why, size_t n)
{
	if (access(path, W_OK) == 0) {
		snprintf(why, n, "you can write %s", path);
		return 1;
	}
	char cur[PATH_MAX];
	if (xsnprintf(cur, sizeof(cur), "%s", path))
		return 0;
	for (;;) {
		char *slash = strrchr(cur, '/');
		if (!slash)
			return 0;
		char child[PATH_MAX];
		memcpy(child, cur, sizeof(child));
		if (slash == cur)
			cur[1] = '\0';
		else
			*slash = '\0';
		if (dir_lets_replace(cur, child)) {
			snprintf(why, n, "you can write the directory %s", cur);
			return 1;
		}
		if (slash == cur)
			return 0;
	}
}

int grant_exe_writable(const char *path, char *why, size_t n)
{
	/* root can write any file: an agent running as root is out of scope */
	if (getuid() == 0)
		return 0;
	if (path_writable(path, why, n))
		return 1;
	char real[PATH_MAX];
	if (!realpath(path, real))
		return errno == ENOENT ? HUSH_ENOENT : HUSH_EIO;
	return path_writable(real, why, n);
}

int grant_open_exec(const char *path, const char *sha256_hex)
{
	int fd = open(path, O_RDONLY | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? HUSH_ENOENT : HUSH_EIO;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return HUSH_EPERM;
	}
	if (!sha256_hex)
		return fd;
	uint8_t want[crypto_hash_sha256_BYTES], got[crypto_hash_sha256_BYTES];
	if (strlen(sha256_hex) != 2 * sizeof(want)) {
		close(fd);
		return HUSH_EPERM;
	}
	for (size_t i = 0; i < sizeof(want); i++) {
		int hi = hex_nibble(sha256_hex[2 * i]), lo = hex_nibble(sha256_hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			close(fd);
			return HUSH_EPERM;
		}
		want[i] = (uint8_t)(hi << 4 | lo);
	}
	int r = sha256_fd(fd, got);
	if (r) {
		close(fd);
		return r;
	}
	if (sodium_memcmp(want, got, sizeof(want)) != 0) {
		close(fd);
		return HUSH_EPERM;
	}
	return fd;
}
