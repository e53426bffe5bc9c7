/* SPDX-License-Identifier: ISC */
/* Bounded byte buffer: see buf.h. */
#include "common/buf.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

void buf_init(struct buf *b, size_t max, bool secure)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
	b->secure = secure;
}

void buf_view(struct buf *b, const void *data, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->data = (uint8_t *)data;
	b->len = b->cap = b->max = len;
	b->borrowed = true;
}

void buf_free(struct buf *b)
{
	if (!b->borrowed && b->data) {
		if (b->secure)
			sodium_free(b->data);
		else
			free(b->data);
	}
	memset(b, 0, sizeof(*b));
}

void buf_reset(struct buf *b)
{
	if (b->borrowed)
		return;
	if (b->secure && b->data)
		sodium_memzero(b->data, b->cap);
	b->len = b->off = 0;
}

size_t buf_remaining(const struct buf *b)
{
	return b->len - b->off;
}

const uint8_t *buf_cur(const struct buf *b)
{
	return b->data + b->off;
}

static int buf_grow(struct buf *b, size_t need)
{
	if (b->borrowed)
		return HUSH_EINVAL;
	if (need > b->max || need < b->len)
		return HUSH_ETOOBIG;
	if (need <= b->cap)
		return 0;
	size_t ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max)
		ncap = b->max;
	uint8_t *n;
	if (b->secure) {
		n = sodium_malloc(ncap);
		if (!n)
			return HUSH_ENOMEM;
		if (b->data) {
			memcpy(n, b->data, b->len);
			sodium_free(b->data);
		}
	} else {
		n = realloc(b->data, ncap);
		if (!n)
			return HUSH_ENOMEM;
	}
	b->data = n;
	b->cap = ncap;
	return 0;
}

uint8_t *buf_reserve(struct buf *b, size_t n)
{
	if (n > b->max - b->len || buf_grow(b, b->len + n) != 0)
		return NULL;
	uint8_t *p = b->data + b->len;
	b->len += n;
	return p;
}

int buf_put_bytes(struct buf *b, const void *p, size_t n)
{
	if (n > b->max || b->len > b->max - n)
		return HUSH_ETOOBIG;
	uint8_t *d = buf_reserve(b, n);
	if (!d)
		return b->borrowed ? HUSH_EINVAL : HUSH_ENOMEM;
	if (n)
		memcpy(d, p, n);
	return 0;
}

int buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_put_bytes(b, &v, 1);
}

int buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t t[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	return buf_put_bytes(b, t, 2);
}

int buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t t[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	return buf_put_bytes(b, t, 4);
}

int buf_put_u64(struct buf *b, uint64_t v)
{
	int r = buf_put_u32(b, (uint32_t)(v >> 32));
	return r ? r : buf_put_u32(b, (uint32_t)v);
}

int buf_put_data(struct buf *b, const void *p, size_t n)
{
	if (n > UINT32_MAX || n + 4 > b->max || b->len > b->max - n - 4)
		return HUSH_ETOOBIG;
	int r = buf_put_u32(b, (uint32_t)n);
	return r ? r : buf_put_bytes(b, p, n);
}

int buf_put_str(struct buf *b, const char *s)
{
	return buf_put_data(b, s, strlen(s));
}

int buf_get_bytes(struct buf *b, void *out, size_t n)
{
	if (n > buf_remaining(b))
		return HUSH_EFORMAT;
	if (n)
		memcpy(out, b->data + b->off, n);
	b->off += n;
	return 0;
}

int buf_get_u8(struct buf *b, uint8_t *v)
{
	return buf_get_bytes(b, v, 1);
}

int buf_get_u16(struct buf *b, uint16_t *v)
{
	uint8_t t[2];
	int r = buf_get_bytes(b, t, 2);
	if (r == 0)
		*v = (uint16_t)((t[0] << 8) | t[1]);
	return r;
}

int buf_get_u32(struct buf *b, uint32_t *v)
{
	uint8_t t[4];
	int r = buf_get_bytes(b, t, 4);
	if (r == 0)
		*v = ((uint32_t)t[0] << 24) | ((uint32_t)t[1] << 16) | ((uint32_t)t[2] << 8) | t[3];
	return r;
}

int buf_get_u64(struct buf *b, uint64_t *v)
{
	uint32_t hi, lo;
	int r = buf_get_u32(b, &hi);
	if (r == 0)
		r = buf_get_u32(b, &lo);
	if (r == 0)
		*v = ((uint64_t)hi << 32) | lo;
	return r;
}

int buf_get_data_ref(struct buf *b, const uint8_t **p, size_t *n, size_t max)
{
	size_t save = b->off;
	uint32_t len;
	int r = buf_get_u32(b, &len);
	if (r)
		return r;
	if (len > max) {
		b->off = save;
		return HUSH_ETOOBIG;
	}
	if (len > buf_remaining(b)) {
		b->off = save;
		return HUSH_EFORMAT;
	}
	*p = b->data + b->off;
	*n = len;
	b->off += len;
	return 0;
}

int buf_get_str(struct buf *b, char **out, size_t max, bool secure)
{
	size_t save = b->off;
	const uint8_t *p;
	size_t n;
	int r = buf_get_data_ref(b, &p, &n, max);
	if (r)
		return r;
	if (memchr(p, 0, n)) {
		b->off = save;
		return HUSH_EFORMAT;
	}
	char *s = secure ? sodium_malloc(n + 1) : malloc(n + 1);
	if (!s) {
		b->off = save;
		return HUSH_ENOMEM;
	}
	memcpy(s, p, n);
	s[n] = 0;
	*out = s;
	return 0;
}
