/* SPDX-License-Identifier: ISC */
/* A small reader for the TOML that secret-scanner rule files use (gitleaks'
 * .gitleaks.toml): comments, [table] and [[array.of.tables]] headers with
 * dotted names, key = value with bare or quoted keys, basic, literal and
 * multi-line strings, integers, floats, booleans and arrays of those
 * (across lines, trailing comma allowed). Inline tables, dates and nested
 * arrays are refused with the line that holds them.
 *
 * toml_parse() calls back once per header and once per key; strings handed
 * to the callback live until it returns. Input is untrusted: lengths are
 * capped, every error names its line. */
#ifndef HUSH_SCAN_TOML_H
#define HUSH_SCAN_TOML_H

#include <stdbool.h>
#include <stddef.h>

#define TOML_MAX_INPUT (4u * 1024 * 1024)
#define TOML_MAX_ARRAY 4096
#define TOML_MAX_PATH 4   /* dotted parts in a header */

enum toml_type { TOML_STRING = 1, TOML_INT, TOML_FLOAT, TOML_BOOL, TOML_ARRAY };

struct toml_value {
	enum toml_type type;
	const char *s;  /* TOML_STRING: NUL-terminated (no NUL inside) */
	size_t slen;
	long long i;    /* TOML_INT, TOML_BOOL */
	double f;       /* TOML_FLOAT (and TOML_INT converted) */
	const struct toml_value *items; /* TOML_ARRAY */
	size_t n;
};

struct toml_event {
	int line;
	/* header: path[0..npath), array = [[...]]; key == NULL */
	const char *const *path;
	size_t npath;
	bool array;
	/* key = value inside the current table; key != NULL */
	const char *key;
	const struct toml_value *value;
};

/* Returns 0 to go on, or a negative code to stop (passed back by
 * toml_parse); may set msg (static text) for the error. */
typedef int (*toml_cb)(void *ctx, const struct toml_event *ev, const char **msg);

struct toml_err {
	int line;
	const char *msg; /* static text */
};

/* Parses data[len]. Returns 0, HUSH_EINVAL (syntax; err filled), HUSH_ETOOBIG,
 * HUSH_ENOMEM, or the callback's negative code (err->line = its line). */
int toml_parse(const char *data, size_t len, toml_cb cb, void *ctx, struct toml_err *err);

#endif
