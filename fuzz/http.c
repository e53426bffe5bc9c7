/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the proxy's HTTP parsers: the first byte picks
 * request head, response head, chunked body or a CONNECT target
 * (host:port); the rest is the input.
 * Checks the promises of http.h: a parsed head lies inside the input,
 * every field points into it, the chunked decoder never returns data
 * outside its input and gives the same data fed whole or byte by byte. */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "config/credential.h"
#include "proxy/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void in_range(const void *p, size_t n, const uint8_t *base, size_t size)
{
	const uint8_t *q = p;
	if (n && (q < base || q + n > base + size))
		abort();
}

static size_t chunked_all(const uint8_t *in, size_t n, size_t step, uint8_t *out, int *res)
{
	struct http_chunked c = { 0 };
	size_t off = 0, olen = 0;
	*res = 0;
	while (off < n) {
		size_t lim = n - off < step ? n - off : step, used, doff, dlen;
		int r = http_chunked_feed(&c, in + off, lim, &used, &doff, &dlen);
		if (r < 0) {
			*res = r;
			return olen;
		}
		if (used > lim || (dlen && doff + dlen > used))
			abort();
		memcpy(out + olen, in + off + doff, dlen);
		olen += dlen;
		off += used;
		if (r == 1) {
			*res = 1;
			return olen;
		}
		if (used == 0 && dlen == 0)
			abort(); /* no progress */
	}
	return olen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int mode = data[0] % 4;
	const uint8_t *in = data + 1;
	size_t n = size - 1;
	if (mode < 2) {
		struct http_head h;
		int r = http_parse_head((const char *)in, n, mode == 1, &h);
		if (r == 1) {
			if (h.head_len == 0 || h.head_len > n || h.head_len > HTTP_MAX_HEAD ||
			    h.nh > HTTP_MAX_HEADERS)
				abort();
			for (size_t i = 0; i < h.nh; i++) {
				in_range(h.h[i].name, h.h[i].name_len, in, h.head_len);
				in_range(h.h[i].value, h.h[i].value_len, in, h.head_len);
				if (!h.h[i].name_len)
					abort();
			}
			if (mode == 0) {
				in_range(h.method, h.method_len, in, h.head_len);
				in_range(h.target, h.target_len, in, h.head_len);
			} else if (h.status < 100 || h.status > 999) {
				abort();
			}
			if (h.chunked && h.content_length >= 0)
				abort();
		} else if (r != 0 && r != HUSH_ETOOBIG && r != HUSH_EFORMAT) {
			abort();
		}
		return 0;
	}
	if (mode == 3) {
		char target[300], host[256];
		uint16_t port;
		if (n >= sizeof(target))
			return 0;
		memcpy(target, in, n);
		target[n] = 0;
		if (credential_parse_hostport(target, 0, host, sizeof(host), &port) == 0) {
			size_t hl = strlen(host);
			if (hl == 0 || hl > 253)
				abort();
			for (size_t i = 0; i < hl; i++)
				if (host[i] >= 'A' && host[i] <= 'Z')
					abort();
		}
		return 0;
	}
	uint8_t *a = malloc(n + 1), *b = malloc(n + 1);
	if (!a || !b)
		abort();
	int ra, rb;
	size_t la = chunked_all(in, n, n ? n : 1, a, &ra);
	size_t lb = chunked_all(in, n, 1, b, &rb);
	if (ra != rb || la != lb || memcmp(a, b, la))
		abort();
	free(a);
	free(b);
	return 0;
}
