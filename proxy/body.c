/* SPDX-License-Identifier: ISC */
/* Message bodies through the proxy: see body.h. */
#include "proxy/body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/mask.h"
#include "common/err.h"
#include "proxy/proxy.h"
#include "proxy/sessions.h"

/* A body's framing, shared by requests and responses. */
struct body {
	bool chunked, until_close;
	uint64_t left;
	struct http_chunked ch;
};

static void body_init(struct body *b, const struct http_head *h)
{
	memset(b, 0, sizeof(*b));
	b->chunked = h->chunked;
	b->until_close = h->response && !h->chunked && h->content_length < 0;
	b->left = h->content_length > 0 ? (uint64_t)h->content_length : 0;
}

static bool body_empty(const struct body *b)
{
	return !b->chunked && !b->until_close && b->left == 0;
}

/* Called with each span of body data (decoded from chunks). */
typedef int (*body_data_fn)(void *ctx, const uint8_t *p, size_t n);

/* Takes the bytes of src[avail] that belong to the body (*take), passing
 * the data in them to fn. 1 when the body is complete, 0 when more is
 * needed, HUSH_EFORMAT on bad framing, or fn's error. */
static int body_step(struct body *b, const uint8_t *src, size_t avail, size_t *take,
		     body_data_fn fn, void *ctx)
{
	if (!b->chunked) {
		size_t t = avail;
		if (!b->until_close && (uint64_t)t > b->left)
			t = (size_t)b->left;
		if (!b->until_close)
			b->left -= t;
		*take = t;
		if (t && fn(ctx, src, t))
			return HUSH_ENOMEM;
		return !b->until_close && b->left == 0;
	}
	size_t off = 0;
	while (off < avail) {
		size_t used, doff, dlen;
		int r = http_chunked_feed(&b->ch, src + off, avail - off, &used, &doff, &dlen);
		if (r < 0)
			return HUSH_EFORMAT;
		if (dlen && fn(ctx, src + off + doff, dlen))
			return HUSH_ENOMEM;
		off += used;
		if (r == 1) {
			*take = off;
			return 1;
		}
	}
	*take = off;
	return 0;
}

/* The next input for a body: what is buffered in s, else one read into
 * tmp[STREAM_CHUNK]. > 0 bytes at *src, 0 end of stream, < 0 error. */
static ssize_t body_input(struct stream *s, uint8_t *tmp, const uint8_t **src)
{
	if (s->inlen) {
		*src = (const uint8_t *)s->in;
		return (ssize_t)s->inlen;
	}
	*src = tmp;
	return stream_read(s, tmp, STREAM_CHUNK);
}

/* Drops the take bytes used from the input; bytes after the body that came
 * in the same read are kept in s for the next message. */
static void body_used(struct stream *s, const uint8_t *src, size_t avail, size_t take)
{
	if (src == (const uint8_t *)s->in) {
		stream_consume(s, take);
	} else if (take < avail) {
		memcpy(s->in, src + take, avail - take); /* avail <= STREAM_CHUNK <= HTTP_MAX_HEAD */
		s->inlen = avail - take;
	}
}

/* Placeholder scan over a byte stream: a carry of the last bytes covers a
 * placeholder split across spans. */
struct ph_scan {
	char carry[2 * PROXY_PLACEHOLDER_LEN];
	size_t n;
	bool seen;
};

static int ph_scan_fn(void *ctx, const uint8_t *p, size_t len)
{
	struct ph_scan *sc = ctx;
	const size_t pl = strlen(SESSIONS_PH_PREFIX);
	for (size_t i = 0; i < len && !sc->seen; i += PROXY_PLACEHOLDER_LEN) {
		size_t part = len - i < PROXY_PLACEHOLDER_LEN ? len - i : PROXY_PLACEHOLDER_LEN;
		memcpy(sc->carry + sc->n, p + i, part);
		sc->n += part;
		if (memmem(sc->carry, sc->n, SESSIONS_PH_PREFIX, pl))
			sc->seen = true;
		if (sc->n > PROXY_PLACEHOLDER_LEN) {
			memmove(sc->carry, sc->carry + sc->n - PROXY_PLACEHOLDER_LEN, PROXY_PLACEHOLDER_LEN);
			sc->n = PROXY_PLACEHOLDER_LEN;
		}
	}
	return 0;
}

int body_relay_request(struct stream *from, struct stream *to, const struct http_head *h,
		       uint64_t *bytes, bool *attempt)
{
	struct body b;
	body_init(&b, h);
	if (body_empty(&b))
		return 0;
	struct ph_scan sc = { .n = 0 };
	uint8_t *tmp = malloc(STREAM_CHUNK);
	int rc = tmp ? 0 : HUSH_ENOMEM;
	while (!rc) {
		const uint8_t *src;
		ssize_t n = body_input(from, tmp, &src);
		if (n <= 0) {
			rc = HUSH_EIO;
			break;
		}
		size_t take = 0;
		int r = body_step(&b, src, (size_t)n, &take, ph_scan_fn, &sc);
		if (r < 0) {
			rc = r;
			break;
		}
		if (stream_write(to, src, take))
			rc = HUSH_EIO;
		*bytes += take;
		body_used(from, src, (size_t)n, take);
		if (r == 1)
			break;
	}
	*attempt = sc.seen;
	free(tmp);
	return rc;
}

/* Collects masked output for one chunk, with room in front for the
 * chunk-size line and behind for its CRLF, so a chunk is one write. */
#define OUT_FRONT 24
struct outbuf {
	uint8_t *p;
	size_t len, cap;            /* len counts data after OUT_FRONT */
};

static int out_emit(void *ctx, const uint8_t *p, size_t n)
{
	struct outbuf *o = ctx;
	if (OUT_FRONT + o->len + n + 2 > o->cap) {
		size_t cap = (OUT_FRONT + o->len + n + 2) * 2;
		uint8_t *q = realloc(o->p, cap);
		if (!q)
			return -1;
		o->p = q;
		o->cap = cap;
	}
	memcpy(o->p + OUT_FRONT + o->len, p, n);
	o->len += n;
	return 0;
}

/* Writes the collected data to the client: as one chunk when rechunk is
 * set. */
static int out_send(struct stream *to, bool rechunk, struct outbuf *o)
{
	if (o->len == 0)
		return 0;
	uint8_t *data = o->p + OUT_FRONT;
	if (!rechunk)
		return stream_write(to, data, o->len);
	char hdr[OUT_FRONT];
	int hl = snprintf(hdr, sizeof(hdr), "%zx\r\n", o->len);
	memcpy(data - hl, hdr, (size_t)hl);
	memcpy(data + o->len, "\r\n", 2);
	return stream_write(to, data - hl, (size_t)hl + o->len + 2);
}

struct mask_sink {
	struct mask *m;
	struct outbuf *o;
};

static int mask_sink_fn(void *ctx, const uint8_t *p, size_t n)
{
	struct mask_sink *ms = ctx;
	return mask_feed(ms->m, p, n, out_emit, ms->o);
}

static int no_data(void *ctx, const uint8_t *p, size_t n)
{
	(void)ctx, (void)p, (void)n;
	return 0;
}

/* The end of a masked body: what the masker still holds (a close-
 * delimited body), then the last chunk. */
static int masked_end(struct stream *to, const struct body *b, struct mask *m, bool rechunk,
		      struct outbuf *o)
{
	if (b->until_close) {
		o->len = 0;
		if (mask_flush(m, out_emit, o) || out_send(to, rechunk, o))
			return HUSH_EIO;
	}
	if (rechunk && stream_write(to, "0\r\n\r\n", 5))
		return HUSH_EIO;
	return 0;
}

int body_relay_response(struct stream *from, struct stream *to, const struct http_head *r,
			struct mask *m, bool rechunk, uint64_t *bytes, bool *up_close)
{
	struct body b;
	body_init(&b, r);
	if (b.until_close)
		*up_close = true;
	struct outbuf o = { 0 };
	struct mask_sink ms = { .m = m, .o = &o };
	uint8_t *tmp = malloc(STREAM_CHUNK);
	int rc = tmp ? 0 : HUSH_ENOMEM;
	int st = body_empty(&b) ? 1 : 0;
	while (!rc && st == 0) {
		const uint8_t *src;
		ssize_t n = body_input(from, tmp, &src);
		if (n == 0 && b.until_close) {
			st = 1;
			break;
		}
		if (n <= 0) {
			rc = HUSH_EIO;
			break;
		}
		size_t take = 0;
		o.len = 0;
		st = body_step(&b, src, (size_t)n, &take, m ? mask_sink_fn : no_data, &ms);
		if (st < 0) {
			rc = st;
			break;
		}
		if (m && st == 1 && mask_flush(m, out_emit, &o))
			rc = HUSH_ENOMEM;
		if (!rc && (m ? out_send(to, rechunk, &o) : stream_write(to, src, take)))
			rc = HUSH_EIO;
		*bytes += take;
		body_used(from, src, (size_t)n, take);
	}
	if (!rc && m)
		rc = masked_end(to, &b, m, rechunk, &o);
	free(o.p);
	free(tmp);
	if (rc)
		*up_close = true;
	return rc;
}
