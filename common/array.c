/* SPDX-License-Identifier: ISC */
/* Growing arrays: see array.h. */
#include "common/array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

int array_grow(void *pv, size_t *cap, size_t need, size_t size, size_t first)
{
	if (need <= *cap)
		return 0;
	if (size == 0)
		return HUSH_EINVAL;
	if (need > SIZE_MAX / size)
		return HUSH_ENOMEM;
	size_t nc = *cap ? *cap : first ? first : 1;
	while (nc < need)
		nc = nc > SIZE_MAX / 2 ? need : nc * 2;
	if (nc > SIZE_MAX / size)
		nc = need;
	void **v = pv;
	void *p = realloc(*v, nc * size);
	if (!p)
		return HUSH_ENOMEM;
	*v = p;
	*cap = nc;
	return 0;
}

void *array_add_one(void *pv, size_t n, size_t size)
{
	if (size == 0 || n >= SIZE_MAX / size)
		return NULL;
	void **v = pv;
	char *p = realloc(*v, (n + 1) * size);
	if (!p)
		return NULL;
	*v = p;
	memset(p + n * size, 0, size);
	return p + n * size;
}
