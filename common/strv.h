/* SPDX-License-Identifier: ISC */
/* A growable vector of malloc'd strings, always NULL-terminated
 * (v[n] == NULL once anything was added), with a cleanup attribute:
 *
 *	_cleanup_strv_ struct strv files = STRV_INIT;
 *	if (strv_push(&files, path) < 0) return HUSH_ENOMEM;  // freed on return
 *
 */
#ifndef HUSH_COMMON_STRV_H
#define HUSH_COMMON_STRV_H

#include <stdbool.h>
#include <stddef.h>

struct strv {
	char **v;
	size_t n, cap;
};
#define STRV_INIT { NULL, 0, 0 }

/* Appends a copy of s. 0 or HUSH_ENOMEM. */
int strv_push(struct strv *s, const char *str);
/* Appends a copy of s unless it is already there. 0 or HUSH_ENOMEM. */
int strv_push_unique(struct strv *s, const char *str);
/* Appends "name=value". 0 or HUSH_ENOMEM. */
int strv_pushkv(struct strv *s, const char *name, const char *value);
/* False for a NULL s. */
bool strv_has(const struct strv *s, const char *str);
/* Appends each item of the comma-separated list csv, blanks around it
 * trimmed (empty ones skipped unless valid refuses them), when valid(item) holds for all of them
 * (valid may be NULL). 0, HUSH_EINVAL with the first item that is not
 * valid in bad[badn] (nothing appended then), or HUSH_ENOMEM. */
int strv_push_csv(struct strv *s, const char *csv, bool (*valid)(const char *), char *bad,
		  size_t badn);
/* Frees the strings and the vector; *s is empty again (NULL: nothing). */
void strv_free(struct strv *s);
#define _cleanup_strv_ __attribute__((cleanup(strv_free)))
/* strv_free on each vector of a NULL-terminated list; STRV_FREE(&a, &b). */
void strv_free_each(struct strv *const *list);
#define STRV_FREE(...) strv_free_each((struct strv *const[]){ __VA_ARGS__, NULL })

#endif
