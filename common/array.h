/* SPDX-License-Identifier: ISC */
/* Growing a malloc'd array of fixed-size elements held as a pointer and a
 * capacity, next to a count its owner keeps (array_add_one for one that
 * has no capacity):
 *
 *	if (array_grow(&l->v, &l->cap, l->n + 1, sizeof(*l->v), 16) < 0)
 *		return HUSH_ENOMEM;
 *	l->v[l->n++] = x;
 *
 */
#ifndef HUSH_COMMON_ARRAY_H
#define HUSH_COMMON_ARRAY_H

#include <stddef.h>

/* Makes room for need elements of size bytes in the array *pv (a pointer
 * to the array's pointer) of capacity *cap. Nothing changes when need <=
 * *cap; otherwise the capacity (first when it is 0) doubles until need
 * fits, and *pv and *cap are updated. On failure (need * size too large,
 * or realloc fails) *pv and *cap are unchanged and the array stays valid.
 * 0 or HUSH_ENOMEM (HUSH_EINVAL when size is 0). */
int array_grow(void *pv, size_t *cap, size_t need, size_t size, size_t first);

/* For an array that keeps a count only (its owner's limit keeps it short):
 * room for one more element at (*pv)[n], zeroed; the caller counts it.
 * The new element, or NULL when out of memory (the array unchanged). */
void *array_add_one(void *pv, size_t n, size_t size);

/* Calls free_one(&a[i]) on each of the n elements, then free(a). */
#define ARRAY_FREE(a, n, free_one)                                      \
	do {                                                            \
		for (size_t array_i_ = 0; array_i_ < (n); array_i_++)   \
			free_one(&(a)[array_i_]);                       \
		free(a);                                                \
	} while (0)

#endif
