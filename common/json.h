/* SPDX-License-Identifier: ISC */
/* JSON: string quoting shared by every command with JSON output (hush list,
 * grant list, scan, audit), and a strict, bounded parser for the JSON files
 * an agent may have written (its settings and state files, read by the
 * sandbox). */
#ifndef HUSH_JSON_H
#define HUSH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Quoting. Control characters and stray non-UTF-8 bytes are escaped as
 * \u00XX; valid UTF-8 passes through. */

/* Writes s as a quoted JSON string to f; NULL is written as null. */
void json_write_str(FILE *f, const char *s);
/* Writes fmt to f with each "%q" replaced by the next argument (a const
 * char *) written by json_write_str; nothing else in fmt is special. */
void json_write_q(FILE *f, const char *fmt, ...);
/* Writes s as a quoted, NUL-terminated JSON string into out[n]; NULL
 * becomes null. Returns 0 or HUSH_ETOOBIG when it does not fit. */
int json_quote(const char *s, char *out, size_t n);

/* Parsing: RFC 8259 as JavaScript's JSON.parse takes it (no comments, no
 * trailing commas, one value and only whitespace around it), a leading
 * UTF-8 byte order mark skipped; bytes of strings are not checked for
 * UTF-8. Nesting deeper than JSON_MAX_DEPTH is refused. */
#define JSON_MAX_DEPTH 128
enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };
/* One value, met twice: when it starts (end false: start and member_start
 * set) and when it ends (end true: all set). */
struct json_event {
	bool end;
	enum json_type type;
	size_t start, stop;   /* the value is buf[start, stop) */
	size_t member_start;  /* an object member: where its key starts; else start */
	unsigned depth;       /* 0 for the top value */
	/* keys[0..depth-1]: the member names from the top down, decoded
	 * (\u escapes as UTF-8); NULL for an array element */
	const char *const *keys;
	const char *str;      /* a string, at its end: decoded; NULL when it
				 holds U+0000 */
};
typedef int (*json_fn)(void *ctx, const struct json_event *e);
/* Calls fn for each value of buf[len] in document order. A member name
 * holding U+0000 is refused. 0, fn's nonzero value, HUSH_EFORMAT,
 * HUSH_ETOOBIG (nesting) or HUSH_ENOMEM. */
int json_parse(const char *buf, size_t len, json_fn fn, void *ctx);
/* True when the JSON texts a and b (each one valid value) are the same
 * but for whitespace between tokens. */
bool json_same(const char *a, size_t alen, const char *b, size_t blen);

#endif
