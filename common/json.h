/* SPDX-License-Identifier: ISC */
/* JSON string quoting shared by every command with JSON output (hush list,
 * grant list, scan, audit). Control characters and stray non-UTF-8 bytes
 * are escaped as \u00XX; valid UTF-8 passes through. */
#ifndef HUSH_JSON_H
#define HUSH_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Writes s as a quoted JSON string to f; NULL is written as null. */
void json_write_str(FILE *f, const char *s);
/* Writes s as a quoted, NUL-terminated JSON string into out[n]; NULL
 * becomes null. Returns 0 or HUSH_ETOOBIG when it does not fit. */
int json_quote(const char *s, char *out, size_t n);

#endif
