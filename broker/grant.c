/* Grant matching and executable pinning: see grant.h. */
#include "broker/grant.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
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
	crypto_hash_sha256_state st_h;
	crypto_hash_sha256_init(&st_h);
	static uint8_t chunk[65536];
	off_t off = 0;
	for (;;) {
		ssize_t r = pread(fd, chunk, sizeof(chunk), off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return HUSH_EIO;
		}
		if (r == 0)
			break;
		crypto_hash_sha256_update(&st_h, chunk, (unsigned long long)r);
		off += r;
	}
	crypto_hash_sha256_final(&st_h, got);
	if (sodium_memcmp(want, got, sizeof(want)) != 0) {
		close(fd);
		return HUSH_EPERM;
	}
	return fd;
}
