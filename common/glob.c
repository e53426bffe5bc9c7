/* SPDX-License-Identifier: ISC */
/* The bounded glob matcher: see glob.h. */
#include "common/glob.h"

#include <stddef.h>
#include <string.h>

#include "common/util.h"

/* The character classes, in the C locale whatever the program's locale
 * (the shim runs inside programs that call setlocale). */
static bool in_class(const char *name, size_t n, unsigned char c, bool *hit)
{
	bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	bool digit = c >= '0' && c <= '9', alpha = upper || lower;
	bool graph = c > 0x20 && c < 0x7f, space = c == ' ' || (c >= '\t' && c <= '\r');
	const struct {
		const char *n;
		bool in;
	} cls[] = {
		{ "alpha", alpha }, { "digit", digit }, { "alnum", alpha || digit },
		{ "upper", upper }, { "lower", lower }, { "space", space },
		{ "xdigit", digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') },
		{ "punct", graph && !alpha && !digit }, { "print", graph || c == ' ' },
		{ "graph", graph }, { "cntrl", c < 0x20 || c == 0x7f }, { "blank", c == ' ' || c == '\t' },
	};
	for (size_t i = 0; i < ARRAY_LEN(cls); i++)
		if (strlen(cls[i].n) == n && !strncmp(cls[i].n, name, n)) {
			*hit = *hit || cls[i].in;
			return true;
		}
	return false;
}

enum bracket { BR_LITERAL, BR_MATCH, BR_NO_MATCH, BR_INVALID };

/* The bracket expression at *pp against c, read as glibc's fnmatch reads
 * it: BR_LITERAL when it has no closing ']' (the '[' is then an ordinary
 * character), BR_INVALID for a [:name:] that names no class or a name over
 * 256 letters (the whole pattern then matches nothing); otherwise *pp moves
 * past it. Inside it, "[:" that does not go on as a class name (letters
 * up to ":]") is an ordinary '['. */
static enum bracket bracket(const char **pp, unsigned char c)
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
			const char *name = p + 2, *q = name;
			while (*q >= 'a' && *q < 'z') /* glibc's letters: 'z' ends a name */
				q++;
			if (q[0] == ':' && q[1] == ']') {
				size_t n = (size_t)(q - name);
				if (n > 256 || !in_class(name, n, c, &hit))
					return BR_INVALID;
				p = q + 2;
				continue;
			}
			if (q - name > 256)
				return BR_INVALID;
			/* not a class: '[' is a member like any other */
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
		return BR_LITERAL;
	*pp = p + 1;
	return hit != neg ? BR_MATCH : BR_NO_MATCH;
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
			enum bracket b = bracket(&p, (unsigned char)*s);
			if (b == BR_INVALID)
				return false;
			if (b == BR_NO_MATCH)
				goto backtrack;
			if (b == BR_MATCH) {
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
