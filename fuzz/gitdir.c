/* SPDX-License-Identifier: ISC */
/* Fuzz target for the git files the sandbox reads from a project: .git,
 * commondir and gitdir pointer files, and git config (the code-running key
 * check). The first byte picks the parser; the rest is the file. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_cb(void *ctx, const char *section, const char *sub, const char *key,
		    const char *value)
{
	size_t *n = ctx;
	/* names are NUL-terminated, section and key non-empty */
	if (!section[0] || strlen(key) > 255 || (sub && strlen(sub) > 255) ||
	    (value && strlen(value) > 255))
		abort();
	sandbox_git_key_runs_code(section, sub, key);
	(*n)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 64 * 1024)
		return 0;
	const char *buf = (const char *)data + 1;
	size_t len = size - 1;
	if (data[0] & 1) {
		char out[256];
		const char *prefix = data[0] & 2 ? "gitdir: " : "";
		if (sandbox_git_parse_pointer(buf, len, prefix, out, sizeof(out)) == 0) {
			size_t l = strlen(out);
			if (l == 0 || memchr(out, '\n', l) || l >= sizeof(out))
				abort();
		}
	} else {
		size_t n = 0;
		sandbox_git_config_parse(buf, len, count_cb, &n);
		char key[64];
		sandbox_git_config_risky(buf, len, key, sizeof(key));
	}
	return 0;
}
