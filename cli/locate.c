/* SPDX-License-Identifier: ISC */
/* Where hush's own pieces are: see locate.h. */
#include "cli/locate.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broker/client.h"
#include "common/err.h"
#include "common/util.h"

int cli_self_path(char *out, size_t n)
{
	ssize_t r = readlink("/proc/self/exe", out, n - 1);
	if (r <= 0 || (size_t)r >= n - 1)
		return HUSH_EIO;
	out[r] = '\0';
	return 0;
}

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* libhush.so next to hush (build tree), else in ../lib/hush (install). */
int cli_find_shim(const char *self, char *out, size_t n)
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

int cli_client_socket(char *out, size_t n)
{
	return client_socket_path(false, out, n);
}

