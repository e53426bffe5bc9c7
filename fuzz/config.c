/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the config loader: config_load_buffer() on arbitrary
 * bytes, then every loaded grant's argument matcher on arguments taken from
 * the same input. Must run clean under ASan+UBSan. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "broker/grant.h"
#include "config/credential.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* "config\0arg\0arg..." : the part after the first NUL (if any) gives
	 * arguments for grant_args_match. */
	const char *text = (const char *)data;
	const uint8_t *nul = memchr(data, 0, size);
	size_t textlen = nul ? (size_t)(nul - data) : size;

	struct config cfg;
	char err[512];
	if (config_load_buffer(&cfg, "fuzz.ini", text, textlen, err, sizeof(err)) != 0) {
		if (!memchr(err, 0, sizeof(err)))
			abort(); /* message must be terminated */
		return 0;
	}
	/* every loaded credential is complete (credential_check's promises) */
	for (size_t i = 0; i < cfg.creds->n; i++) {
		const struct credential *c = &cfg.creds->v[i];
		if (!c->secret || !c->nhosts || !c->header || (c->base_url_env && !c->upstream) ||
		    (c->upstream && !credential_host_match(c, c->up_host, c->up_port)) ||
		    (c->templated && (!c->prefix || !c->suffix)))
			abort();
	}
	char *argv[64];
	size_t argc = 0;
	char *copy = NULL;
	if (nul) {
		size_t rest = size - textlen - 1;
		copy = malloc(rest + 1);
		if (copy) {
			memcpy(copy, nul + 1, rest);
			copy[rest] = 0;
			for (char *p = copy; argc < 64 && p <= copy + rest;) {
				argv[argc++] = p;
				p += strlen(p) + 1;
			}
		}
	}
	for (size_t i = 0; i < cfg.ngrants; i++) {
		const struct grant *g = &cfg.grants[i];
		(void)grant_args_match(g, argv, argc);
		if (config_grant(&cfg, g->name) != g)
			abort();
	}
	free(copy);
	config_free(&cfg);
	return 0;
}
