/* SPDX-License-Identifier: ISC */
/* Fuzz target for libhush.so's rules: the HUSH_SHIM_CONFIG parser, the glob
 * matcher, path normalisation and the hide/route decisions, fed arbitrary
 * bytes. The rules code is pure, so it is compiled in directly. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "shim/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rules r;

/* rules_name_hidden without its quick rejects, to check them. */
static int name_hidden_slow(const char *name, size_t len)
{
	if (len == 0 || (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	int hit = 0;
	for (int i = 0; i < r.nhide && !hit; i++)
		hit = rules_glob(r.hide[i], name, len);
	for (int i = 0; hit && i < r.nunhide; i++)
		if (rules_glob(r.unhide[i], name, len))
			hit = 0;
	return hit;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)rules_parse(&r, (const char *)data, size);
	rules_add_defaults(&r);

	/* Every line of the input as a path, a name and a command. */
	char line[RULES_PATH_MAX];
	size_t i = 0;
	while (i < size) {
		size_t j = i;
		while (j < size && data[j] != '\n')
			j++;
		size_t n = j - i < sizeof(line) - 1 ? j - i : sizeof(line) - 1;
		memcpy(line, data + i, n);
		line[n] = '\0';
		char norm[RULES_PATH_MAX];
		if (rules_normalize("/home/u/project", line, norm, sizeof(norm)) == 0) {
			(void)rules_path_hidden(&r, norm);
			char again[RULES_PATH_MAX];
			/* Normalising is idempotent. */
			if (rules_normalize(NULL, norm, again, sizeof(again)) != 0 ||
			    strcmp(again, norm) != 0)
				__builtin_trap();
		}
		if (rules_name_hidden(&r, line, strlen(line)) != name_hidden_slow(line, strlen(line)))
			__builtin_trap();
		(void)rules_name_is_hide_path_base(&r, line);
		(void)rules_route_match(&r, line, 0);
		(void)rules_route_match(&r, line, 1);
		i = j + 1;
	}

	/* The first half as a glob against the second half. */
	if (size > 1) {
		char pat[512];
		size_t h = size / 2;
		size_t pn = h < sizeof(pat) - 1 ? h : sizeof(pat) - 1;
		memcpy(pat, data, pn);
		pat[pn] = '\0';
		(void)rules_glob(pat, (const char *)data + h, size - h);
	}
	return 0;
}
