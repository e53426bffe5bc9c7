/* SPDX-License-Identifier: ISC */
/* Streaming output masker: see mask.h.
 *
 * The stream is processed in a work buffer made of the kept-back tail plus
 * the new bytes. At each position the longest value that matches is replaced
 * by its marker; at the end, the shortest suffix that is a proper prefix of
 * some value is kept back for the next call. The work buffer lives in
 * sodium_malloc memory since it may hold parts of values. */
#include "broker/mask.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"

#define MASK_CHUNK 16384

struct needle {
	uint8_t *v;        /* sodium_malloc */
	size_t len;
	char marker[HUSH_MAX_NAME + 16];
	size_t mlen;
};

struct mask {
	struct needle n[MASK_MAX_NEEDLES];
	size_t count;
	size_t maxlen;
	bool first[256];   /* bytes that start some value: others are skipped fast */
	int nfirst;        /* how many distinct such bytes */
	uint8_t first1;    /* the byte, when there is one (memchr finds it) */
	uint8_t *work;     /* sodium_malloc, cap bytes */
	size_t cap;
	size_t tail;       /* kept-back bytes at the start of work */
};

struct mask *mask_new(void)
{
	return calloc(1, sizeof(struct mask));
}

void mask_free(struct mask *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->count; i++)
		sodium_free(m->n[i].v);
	if (m->work)
		sodium_free(m->work);
	free(m);
}

static int needle_add(struct mask *m, const char *name, const uint8_t *value, size_t len)
{
	if (len < MASK_MIN_LEN)
		return HUSH_EINVAL;
	for (size_t i = 0; i < m->count; i++)
		if (m->n[i].len == len && sodium_memcmp(m->n[i].v, value, len) == 0)
			return 0; /* same value twice: first name wins */
	if (m->count >= MASK_MAX_NEEDLES)
		return HUSH_ETOOBIG;
	struct needle *nd = &m->n[m->count];
	if (xsnprintf(nd->marker, sizeof(nd->marker), "[hush:%s]", name))
		return HUSH_EINVAL;
	nd->v = sodium_malloc(len);
	if (!nd->v)
		return HUSH_ENOMEM;
	memcpy(nd->v, value, len);
	nd->len = len;
	nd->mlen = strlen(nd->marker);
	/* keep the list sorted longest first, so the longest match wins */
	size_t i = m->count++;
	while (i > 0 && m->n[i - 1].len < m->n[i].len) {
		struct needle t = m->n[i - 1];
		m->n[i - 1] = m->n[i];
		m->n[i] = t;
		i--;
	}
	if (len > m->maxlen)
		m->maxlen = len;
	if (!m->first[value[0]]) {
		m->first[value[0]] = true;
		m->nfirst++;
		m->first1 = value[0];
	}
	return 0;
}

/* A line of a multi-line value long enough to be worth masking alone (the
 * body lines of a PEM key; not its armor lines). */
#define MASK_LINE_MIN 16

int mask_add(struct mask *m, const char *name, const uint8_t *value, size_t len)
{
	int r = needle_add(m, name, value, len);
	if (r < 0 || !memchr(value, '\n', len))
		return r;
	/* A multi-line value: through a terminal each "\n" arrives as "\r\n"
	 * (the pty's ONLCR), and a tool may print one line of it alone. So the
	 * CRLF form and each long line are masked too. */
	size_t extra = 0;
	for (size_t i = 0; i < len; i++)
		extra += value[i] == '\n' && (i == 0 || value[i - 1] != '\r');
	uint8_t *crlf = extra ? sodium_malloc(len + extra) : NULL;
	if (extra && !crlf)
		return HUSH_ENOMEM;
	if (crlf) {
		size_t o = 0;
		for (size_t i = 0; i < len; i++) {
			if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r'))
				crlf[o++] = '\r';
			crlf[o++] = value[i];
		}
		r = needle_add(m, name, crlf, o);
		sodium_free(crlf);
		if (r < 0)
			return r;
	}
	for (size_t a = 0; a < len;) {
		const uint8_t *nl = memchr(value + a, '\n', len - a);
		size_t end = nl ? (size_t)(nl - value) : len, l = end - a;
		if (l && value[a + l - 1] == '\r')
			l--;
		/* PEM armor ("-----BEGIN ... KEY-----") says what, not which */
		bool armor = l >= 5 && !memcmp(value + a, "-----", 5);
		if (l >= MASK_LINE_MIN && l < len && !armor && (r = needle_add(m, name, value + a, l)) < 0)
			return r;
		a = end + 1;
	}
	return 0;
}

/* Index of the value matching at p (avail bytes), or -1. */
static int match_at(const struct mask *m, const uint8_t *p, size_t avail)
{
	for (size_t i = 0; i < m->count; i++) {
		const struct needle *nd = &m->n[i];
		if (nd->len <= avail && p[0] == nd->v[0] && memcmp(p, nd->v, nd->len) == 0)
			return (int)i;
	}
	return -1;
}

/* True when p[0..avail) is a proper prefix of some value. */
static bool prefix_of_any(const struct mask *m, const uint8_t *p, size_t avail)
{
	for (size_t i = 0; i < m->count; i++) {
		const struct needle *nd = &m->n[i];
		if (avail < nd->len && memcmp(p, nd->v, avail) == 0)
			return true;
	}
	return false;
}

/* Processes work[0..len): emits masked output, keeps back a tail when not
 * final. Returns 0 or the emit error. */
static int process(struct mask *m, size_t len, bool final, mask_emit_fn emit, void *ctx)
{
	uint8_t *w = m->work;
	size_t start = 0, i = 0;
	size_t keep_from = len;
	while (i < len) {
		/* no value starts with this byte: nothing to test here */
		if (!m->first[w[i]]) {
			if (m->nfirst == 1) {
				const uint8_t *q = memchr(w + i, m->first1, len - i);
				i = q ? (size_t)(q - w) : len;
			} else {
				i++;
			}
			continue;
		}
		/* near the end, wait while a (longer) value could still match here */
		if (!final && len - i < m->maxlen && prefix_of_any(m, w + i, len - i)) {
			keep_from = i;
			break;
		}
		int k = match_at(m, w + i, len - i);
		if (k >= 0) {
			if (i > start && emit(ctx, w + start, i - start))
				return -1;
			if (emit(ctx, (const uint8_t *)m->n[k].marker, m->n[k].mlen))
				return -1;
			i += m->n[k].len;
			start = i;
			continue;
		}
		i++;
	}
	if (keep_from > start && emit(ctx, w + start, keep_from - start))
		return -1;
	size_t kept = len - keep_from;
	if (kept && keep_from)
		memmove(w, w + keep_from, kept);
	sodium_memzero(w + kept, len - kept);
	m->tail = kept;
	return 0;
}

int mask_feed(struct mask *m, const uint8_t *p, size_t n, mask_emit_fn emit, void *ctx)
{
	if (m->count == 0)
		return n ? emit(ctx, p, n) : 0;
	if (!m->work) {
		m->cap = m->maxlen + MASK_CHUNK;
		m->work = sodium_malloc(m->cap);
		if (!m->work)
			return -1;
	}
	while (n > 0) {
		size_t room = m->cap - m->tail;
		size_t take = n < room ? n : room;
		memcpy(m->work + m->tail, p, take);
		p += take;
		n -= take;
		if (process(m, m->tail + take, false, emit, ctx))
			return -1;
	}
	return 0;
}

int mask_flush(struct mask *m, mask_emit_fn emit, void *ctx)
{
	if (!m->work || m->tail == 0)
		return 0;
	return process(m, m->tail, true, emit, ctx);
}
