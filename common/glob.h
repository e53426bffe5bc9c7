/* SPDX-License-Identifier: ISC */
/* A glob matcher with fnmatch(pattern, s, 0) semantics in bounded time.
 *
 * '*', '?', bracket expressions ([abc], [a-z], [!x], [^x], [[:digit:]],
 * the classes always in the C locale) and '\' escapes; '*' matches '/' and
 * leading dots (flags 0). Equivalence classes and collating symbols
 * ([=a=], [.a.]) are not supported. Backtracking only on the last '*'
 * keeps the work at O(len(pattern) * len(s)), where fnmatch can take
 * exponential time on patterns such as "*a*a*a*a*b". */
#ifndef HUSH_COMMON_GLOB_H
#define HUSH_COMMON_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* Steps one match, or a grant's whole argument check, may take. */
#define HUSH_GLOB_BUDGET 4000000ul

/* One match of the slen bytes at s (not NUL-terminated; a NUL among them
 * is a character like any other) that takes at most *budget steps
 * (decremented); at zero it fails, closed. Several matches can share one
 * budget. */
bool glob_match_n(const char *pattern, const char *s, size_t slen, unsigned long *budget);
/* glob_match_n() of the NUL-terminated s. */
bool glob_match_bounded(const char *pattern, const char *s, unsigned long *budget);

/* glob_match_bounded() with a budget of its own of HUSH_GLOB_BUDGET. */
bool glob_match(const char *pattern, const char *s);

#endif
