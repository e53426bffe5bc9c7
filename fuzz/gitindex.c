/* SPDX-License-Identifier: ISC */
/* Fuzz target for the git index parser (versions 2-4, extensions, SHA-1
 * and SHA-256 trailers): every reported path must be as long as said and
 * no longer than PATH_MAX. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_cb(void *ctx, const char *path, size_t len, unsigned mode, unsigned stage)
{
	(void)ctx;
	(void)mode;
	if (len == 0 || len > PATH_MAX || strlen(path) != len || stage > 3)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sandbox_git_index_info info;
	if (sandbox_git_index_parse(data, size, 0, check_cb, NULL, &info) == 0 &&
	    (info.version < 2 || info.version > 4 || (info.hashlen != 20 && info.hashlen != 32)))
		abort();
	return 0;
}
