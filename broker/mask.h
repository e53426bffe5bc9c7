/* SPDX-License-Identifier: ISC */
/* Streaming output masker: replaces every occurrence of a secret value in a
 * byte stream with "[hush:NAME]", also when the value arrives split across
 * several writes.
 *
 * The masker keeps back only the shortest tail that could still be the start
 * of a value; everything before it is emitted at once, so interactive output
 * is not delayed unless it ends with a prefix of a secret. Values shorter than
 * MASK_MIN_LEN bytes are not masked (masking "1" or "ab" would garble normal
 * output while hiding nothing an attacker could not guess); mask_add()
 * reports them with HUSH_EINVAL so the caller can warn. */
#ifndef HUSH_MASK_H
#define HUSH_MASK_H

#include <stddef.h>
#include <stdint.h>

#define MASK_MIN_LEN 4
#define MASK_MAX_NEEDLES 256

struct mask;

/* Emits masked bytes; returns 0 or -1 (the error is passed back out). */
typedef int (*mask_emit_fn)(void *ctx, const uint8_t *p, size_t n);

/* New masker (NULL on allocation failure). Free with mask_free(). */
struct mask *mask_new(void);
/* Adds a value to hide under name. The value is copied into sodium_malloc
 * memory. A value with line breaks is masked in its CRLF form too (as a
 * terminal shows it) and line by line (lines of 16 bytes or more). 0, HUSH_EINVAL (shorter than MASK_MIN_LEN: not added),
 * HUSH_ETOOBIG (too many values) or HUSH_ENOMEM. */
int mask_add(struct mask *m, const char *name, const uint8_t *value, size_t len);
/* Feeds n bytes; masked output goes to emit. 0 or the emit error. */
int mask_feed(struct mask *m, const uint8_t *p, size_t n, mask_emit_fn emit, void *ctx);
/* Emits the kept-back tail (at end of stream). */
int mask_flush(struct mask *m, mask_emit_fn emit, void *ctx);
/* Wipes and frees. NULL is fine. */
void mask_free(struct mask *m);

#endif
