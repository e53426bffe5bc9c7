/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the regex literal reader (scan/relit.c), with
 * PCRE2 as the oracle. Input: a pattern, a NUL byte, a subject. When the
 * reader claims a literal set, every match PCRE2 finds in the subject (from
 * every starting point) must hold one of the literals (in any case) at
 * most pre bytes and nl newlines after its start, with only bytes of
 * before in between, and followed as post says. Any other outcome aborts. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scan/relit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool bit(const unsigned char *b, unsigned char c)
{
	return (b[c >> 3] >> (c & 7)) & 1;
}

static bool post_holds(const struct relit *l, const char *s, size_t n, size_t e)
{
	if (!l->post)
		return true;
	for (size_t j = e; j < n; j++) {
		if (l->post_len != RELIT_LEN_INF && j - e > l->post_len)
			return false;
		if (bit(l->post_first, (unsigned char)s[j]))
			return true;
		if (!bit(l->post_between, (unsigned char)s[j]))
			return false;
	}
	return false;
}

/* A literal occurrence in s[ms..me) that the claims allow. */
static bool explained(const struct relit *l, const char *s, size_t n, size_t ms, size_t me)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t ll = strlen(l->lit[i]);
		for (size_t o = ms; o + ll <= me; o++) {
			if (strncasecmp(s + o, l->lit[i], ll) != 0)
				continue;
			if (l->pre != RELIT_LEN_INF && o - ms > l->pre)
				continue;
			unsigned nl = 0;
			bool between = true;
			for (size_t k = ms; k < o; k++) {
				nl += s[k] == '\n';
				between &= l->any_before || bit(l->before, (unsigned char)s[k]);
			}
			if ((l->nl != RELIT_NL_INF && nl > l->nl) || !between)
				continue;
			if (post_holds(l, s, n, o + ll))
				return true;
		}
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *z = memchr(data, 0, size);
	if (!z || z - data > 300 || size - (size_t)(z - data) > 400)
		return 0;
	const char *pat = (const char *)data;
	const char *s = (const char *)z + 1;
	size_t n = size - (size_t)(z - data) - 1;
	struct relit l;
	int rc = relit_analyse(pat, &l);
	if (rc < 0)
		abort();
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_DOLLAR_ENDONLY, &ec, &eo, NULL);
	if (re && rc == 1) {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
		pcre2_match_context *mc = pcre2_match_context_create(NULL);
		pcre2_set_match_limit(mc, 100000);
		for (size_t st = 0; md && mc && st <= n; st++) {
			int m = pcre2_match(re, (PCRE2_SPTR)s, n, st, 0, md, mc);
			if (m < 0)
				break;
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			if (ov[0] > ov[1] || !explained(&l, s, n, ov[0], ov[1]))
				abort();
			st = ov[0];
		}
		pcre2_match_context_free(mc);
		pcre2_match_data_free(md);
	}
	pcre2_code_free(re);
	relit_free(&l);
	return 0;
}
