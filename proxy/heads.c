/* SPDX-License-Identifier: ISC */
/* The heads the proxy writes: see heads.h. */
#include "proxy/heads.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "broker/mask.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/util.h"
#include "proxy/proxy.h"
#include "proxy/sessions.h"

/* Hop-by-hop headers, never forwarded as they are. */
static bool hop_by_hop(const struct http_header *hd, const struct http_head *h)
{
	static const char *const names[] = {
		"connection", "keep-alive", "proxy-authorization", "proxy-authenticate",
		"proxy-connection", "te", "trailer", "upgrade", "expect",
	};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (http_name_is(hd, names[i]))
			return true;
	const struct http_header *conn = http_find(h, "connection");
	if (!conn)
		return false;
	/* headers named in Connection are hop-by-hop too */
	const char *v = conn->value;
	size_t n = conn->value_len, i = 0;
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == ','))
			i++;
		size_t s = i;
		while (i < n && v[i] != ',' && v[i] != ' ')
			i++;
		if (i > s && hd->name_len == i - s && !strncasecmp(hd->name, v + s, i - s))
			return true;
	}
	return false;
}

static int put(struct buf *b, const char *s, size_t n)
{
	return buf_put_bytes(b, s, n);
}

static int puts_(struct buf *b, const char *s)
{
	return buf_put_bytes(b, s, strlen(s));
}

int heads_basic_decode(const struct http_header *hd, uint8_t *out, size_t *n)
{
	if (hd->value_len < 7 || strncasecmp(hd->value, "Basic ", 6))
		return -1;
	return sodium_base642bin(out, HEADS_BASIC_MAX, hd->value + 6, hd->value_len - 6, NULL, n,
				 NULL, sodium_base64_VARIANT_ORIGINAL) ? -1 : 0;
}

char *heads_basic_encode(const struct http_header *hd, const struct heads_inject *inj)
{
	uint8_t dec[HEADS_BASIC_MAX];
	size_t n = 0;
	if (heads_basic_decode(hd, dec, &n))
		return NULL;
	const uint8_t *ph = memmem(dec, n, SESSIONS_PH_PREFIX, strlen(SESSIONS_PH_PREFIX));
	if (!ph || (size_t)(dec + n - ph) < PROXY_PLACEHOLDER_LEN)
		return NULL;
	size_t pre = (size_t)(ph - dec), post = n - pre - PROXY_PLACEHOLDER_LEN;
	size_t plain_len = pre + inj->len + post;
	size_t enc_len = sodium_base64_ENCODED_LEN(plain_len, sodium_base64_VARIANT_ORIGINAL);
	uint8_t *plain = sodium_malloc(plain_len + 1);
	char *enc = sodium_malloc(enc_len);
	if (plain && enc) {
		memcpy(plain, dec, pre);
		memcpy(plain + pre, inj->value, inj->len);
		memcpy(plain + pre + inj->len, ph + PROXY_PLACEHOLDER_LEN, post);
		sodium_bin2base64(enc, enc_len, plain, plain_len, sodium_base64_VARIANT_ORIGINAL);
	} else if (enc) {
		sodium_free(enc);
		enc = NULL;
	}
	if (plain)
		sodium_free(plain);
	return enc;
}

/* The value of header hd with inj's value in place of the placeholder. */
static int put_injected(struct buf *b, const struct http_header *hd, const struct heads_inject *inj)
{
	if (inj->basic) {
		char *enc = heads_basic_encode(hd, inj);
		if (!enc)
			return HUSH_ENOMEM;
		int r = puts_(b, "Basic ") || buf_put_bytes(b, enc, strlen(enc)) ? HUSH_ETOOBIG : 0;
		sodium_free(enc);
		return r;
	}
	const char *ph = memmem(hd->value, hd->value_len, SESSIONS_PH_PREFIX,
				strlen(SESSIONS_PH_PREFIX));
	size_t pre = (size_t)(ph - hd->value);
	return put(b, hd->value, pre) || buf_put_bytes(b, inj->value, inj->len) ||
	       put(b, ph + PROXY_PLACEHOLDER_LEN, hd->value_len - pre - PROXY_PLACEHOLDER_LEN);
}

int heads_request(struct buf *b, const struct http_head *h, const char *target, size_t target_len,
		  const char *host, uint16_t port, const struct heads_inject *inj)
{
	bool value = inj && inj->value;
	int r = put(b, h->method, h->method_len) || puts_(b, " ") || put(b, target, target_len) ||
		puts_(b, " HTTP/1.1\r\nHost: ") || puts_(b, host);
	char pbuf[16];
	snprintf(pbuf, sizeof(pbuf), ":%u", port);
	if (!r && port != 443)
		r = puts_(b, pbuf);
	r = r || puts_(b, "\r\n");
	for (size_t i = 0; !r && i < h->nh; i++) {
		const struct http_header *hd = &h->h[i];
		if (hop_by_hop(hd, h) || http_name_is(hd, "host"))
			continue;
		if (value && http_name_is(hd, "accept-encoding")) {
			/* the response is masked: it must arrive uncompressed */
			continue;
		}
		r = put(b, hd->name, hd->name_len) || puts_(b, ": ");
		if (!r && value && (long)i == inj->hdr)
			r = put_injected(b, hd, inj);
		else if (!r)
			r = put(b, hd->value, hd->value_len);
		r = r || puts_(b, "\r\n");
	}
	if (!r && value)
		r = puts_(b, "Accept-Encoding: identity\r\n");
	return r || puts_(b, "\r\n") ? HUSH_ETOOBIG : 0;
}

static int emit_buf(void *ctx, const uint8_t *p, size_t n)
{
	return buf_put_bytes(ctx, p, n);
}

int heads_response(struct buf *b, const struct http_head *r, struct mask *m, bool rechunk,
		   bool no_body, bool close_after)
{
	char line[64];
	snprintf(line, sizeof(line), "HTTP/1.1 %03d ", r->status);
	int rc = puts_(b, line) || put(b, r->reason, r->reason_len) || puts_(b, "\r\n");
	for (size_t i = 0; !rc && i < r->nh; i++) {
		const struct http_header *hd = &r->h[i];
		if (hop_by_hop(hd, r))
			continue;
		if (m && (http_name_is(hd, "content-length") || http_name_is(hd, "transfer-encoding")))
			continue;
		rc = put(b, hd->name, hd->name_len) || puts_(b, ": ");
		if (!rc && m)
			rc = mask_feed(m, (const uint8_t *)hd->value, hd->value_len, emit_buf, b) ||
			     mask_flush(m, emit_buf, b);
		else if (!rc)
			rc = put(b, hd->value, hd->value_len);
		rc = rc || puts_(b, "\r\n");
	}
	if (!rc && m && rechunk && !no_body)
		rc = puts_(b, "Transfer-Encoding: chunked\r\n");
	if (!rc && close_after)
		rc = puts_(b, "Connection: close\r\n");
	return rc || puts_(b, "\r\n") ? HUSH_ETOOBIG : 0;
}
