/* SPDX-License-Identifier: ISC */
/* Fuzz target for what the sandbox reads out of shell rc files and direnv
 * .envrc files (sandbox/rcsource.c): the input is written to a file in a
 * directory of its own, then read as an rc file and as a .envrc. Every
 * path reported is absolute, and a .envrc's reach stays bounded. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], file[96];

static void check(const struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i][0] != '/')
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/hush-fuzz-rcsource.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(file, sizeof(file), "%s/.envrc", dir);
	}
	FILE *f = fopen(file, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	struct strv rc = { 0 }, env = { 0 };
	sandbox_rc_sourced(file, "/home/fuzz", &rc);
	sandbox_envrc_named(file, "/home/fuzz", &env);
	check(&rc);
	check(&env);
	strv_free(&rc);
	strv_free(&env);
	return 0;
}
