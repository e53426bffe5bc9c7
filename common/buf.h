/* SPDX-License-Identifier: ISC */
/* Bounded byte buffer for everything hush serialises or parses: the vault
 * file and the wire protocol.
 *
 * Integers are big-endian. A "str" is a u32 length followed by that many
 * bytes with no NUL among them; "data" is the same without the NUL rule.
 * Writers fail with HUSH_ETOOBIG instead of growing past max; getters fail
 * with HUSH_EFORMAT on short input and never read past len.
 * A secure buffer lives in sodium_malloc memory and is wiped when it grows
 * or is freed. */
#ifndef HUSH_BUF_H
#define HUSH_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len;   /* bytes written */
	size_t off;   /* read position */
	size_t cap;   /* allocated */
	size_t max;   /* hard cap on len */
	bool secure;  /* sodium_malloc + wipe */
	bool borrowed;/* data not owned (buf_view) */
};

/* Empty writable buffer that may grow up to max bytes. */
void buf_init(struct buf *b, size_t max, bool secure);
/* Read-only view over existing bytes (not copied, not freed). */
void buf_view(struct buf *b, const void *data, size_t len);
/* Wipes (if secure) and frees; the struct can be reused after buf_init. */
void buf_free(struct buf *b);
/* Drops the contents (wiped if secure), keeps the allocation. */
void buf_reset(struct buf *b);

size_t buf_remaining(const struct buf *b);
const uint8_t *buf_cur(const struct buf *b);

int buf_put_u8(struct buf *b, uint8_t v);
int buf_put_u16(struct buf *b, uint16_t v);
int buf_put_u32(struct buf *b, uint32_t v);
int buf_put_u64(struct buf *b, uint64_t v);
int buf_put_bytes(struct buf *b, const void *p, size_t n);
int buf_put_data(struct buf *b, const void *p, size_t n);  /* u32 len + bytes */
int buf_put_str(struct buf *b, const char *s);             /* u32 len + bytes */
/* Reserve n bytes at the end, returning a pointer to fill (valid until the
 * next put). NULL on cap/alloc failure. */
uint8_t *buf_reserve(struct buf *b, size_t n);

int buf_get_u8(struct buf *b, uint8_t *v);
int buf_get_u16(struct buf *b, uint16_t *v);
int buf_get_u32(struct buf *b, uint32_t *v);
int buf_get_u64(struct buf *b, uint64_t *v);
int buf_get_bytes(struct buf *b, void *out, size_t n);
/* Pointer into the buffer for a u32-length-prefixed field of at most max
 * bytes; no copy. HUSH_ETOOBIG if longer than max. */
int buf_get_data_ref(struct buf *b, const uint8_t **p, size_t *n, size_t max);
/* Copies a str of at most max bytes into a new NUL-terminated string:
 * malloc'd, or sodium_malloc'd when secure is true (free with
 * sodium_free). Rejects embedded NULs (HUSH_EFORMAT). */
int buf_get_str(struct buf *b, char **out, size_t max, bool secure);

#endif
