/* SPDX-License-Identifier: ISC */
/* The bounded glob matcher: see glob.h. */
#include "common/glob.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "common/util.h"

/* A bracket expression at *pp matched against c. False when it is not one
 * (no closing ']', or an unknown [:class:]): the '[' is then literal.
 * Otherwise *pp moves past it and *matched says whether c is in it. */
static bool bracket(const char **pp, unsigned char c, bool *matched)
{
	const char *p = *pp + 1;
	bool neg = false;
	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	bool hit = false, first = true;
	while (*p && (first || *p != ']')) {
		first = false;
		unsigned char lo = (unsigned char)*p;
		if (lo == '[' && p[1] == ':') {
			/* [:class:] */
			const char *end = strstr(p + 2, ":]");
			if (!end)
				return false;
			size_t n = (size_t)(end - (p + 2));
			static const struct { const char *n; int (*f)(int); } cls[] = {
				{ "alpha", isalpha }, { "digit", isdigit }, { "alnum", isalnum },
				{ "upper", isupper }, { "lower", islower }, { "space", isspace },
				{ "xdigit", isxdigit }, { "punct", ispunct }, { "print", isprint },
				{ "graph", isgraph }, { "cntrl", iscntrl }, { "blank", isblank },
			};
			bool known = false;
			for (size_t i = 0; i < ARRAY_LEN(cls); i++) {
				if (strlen(cls[i].n) == n && !strncmp(cls[i].n, p + 2, n)) {
					known = true;
					if (cls[i].f(c))
						hit = true;
				}
			}
			if (!known)
				return false;
			p = end + 2;
			continue;
		}
		if (lo == '\\' && p[1])
			lo = (unsigned char)*++p;
		p++;
		if (*p == '-' && p[1] && p[1] != ']') {
			unsigned char hi = (unsigned char)p[1];
			p += 2;
			if (hi == '\\' && *p)
				hi = (unsigned char)*p++;
			if (c >= lo && c <= hi)
				hit = true;
		} else if (c == lo) {
			hit = true;
		}
	}
	if (*p != ']')
		return false;
	*pp = p + 1;
	*matched = hit != neg;
	return true;
}

bool glob_match_n(const char *pat, const char *s, size_t slen, unsigned long *budget)
{
	const char *const end = s + slen;
	const char *star_p = NULL, *star_s = NULL;
	for (;;) {
		if (*budget == 0)
			return false;
		(*budget)--;
		if (*pat == '*') {
			while (*pat == '*')
				pat++;
			if (!*pat)
				return true; /* a last '*' takes the rest */
			star_p = pat;
			star_s = s;
			continue;
		}
		if (s == end) {
			if (!*pat)
				return true;
			goto backtrack;
		}
		if (!*pat)
			goto backtrack;
		if (*pat == '?') {
			pat++;
			s++;
			continue;
		}
		if (*pat == '[') {
			const char *p = pat;
			bool m = false;
			if (bracket(&p, (unsigned char)*s, &m)) {
				if (!m)
					goto backtrack;
				pat = p;
				s++;
				continue;
			}
			/* unterminated: literal '[' */
		}
		{
			const char *p = pat;
			if (*p == '\\' && p[1])
				p++;
			if (*p != *s)
				goto backtrack;
			pat = p + 1;
			s++;
			continue;
		}
backtrack:
		if (!star_p || star_s == end)
			return false;
		pat = star_p;
		s = ++star_s;
	}
}

bool glob_match_bounded(const char *pattern, const char *s, unsigned long *budget)
{
	return glob_match_n(pattern, s, strlen(s), budget);
}

bool glob_match(const char *pattern, const char *s)
{
	unsigned long budget = HUSH_GLOB_BUDGET;
	return glob_match_bounded(pattern, s, &budget);
}
