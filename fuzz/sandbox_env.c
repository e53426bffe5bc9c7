/* SPDX-License-Identifier: ISC */
/* Fuzz target for the sandbox's environment filter and hide-glob matcher:
 * the input is split at newlines into environment entries (first half) and
 * allow/hide patterns (second half). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	struct strv lines = { 0 };
	for (char *save = NULL, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
		strv_push(&lines, t);
	size_t half = lines.n / 2;
	struct strv env = { 0 }, pats = { 0 }, out = { 0 };
	for (size_t i = 0; i < lines.n; i++)
		strv_push(i < half ? &env : &pats, lines.v[i]);
	sandbox_env_filter(env.v, &pats, &pats, NULL, &out);
	for (size_t i = 0; i < out.n; i++) {
		const char *eq = strchr(out.v[i], '=');
		if (!eq)
			abort(); /* every kept entry is NAME=value */
	}
	if (out.n)
		sandbox_env_set(&out, "PATH", "/x");
	for (size_t i = 0; i < env.n; i++) {
		sandbox_hide_match(&pats, env.v[i]);
		sandbox_env_secret_name(env.v[i]);
	}
	strv_free(&lines);
	strv_free(&env);
	strv_free(&pats);
	strv_free(&out);
	free(buf);
	return 0;
}
