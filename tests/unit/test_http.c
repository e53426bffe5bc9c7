/* SPDX-License-Identifier: ISC */
/* Unit tests for the proxy's HTTP/1.1 head parser and chunked decoder. */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "proxy/http.h"
#include "t.h"

static int parse(const char *s, bool resp, struct http_head *h)
{
	return http_parse_head(s, strlen(s), resp, h);
}

static int chunked(const char *in, char *out, size_t *olen, size_t step)
{
	struct http_chunked c = { 0 };
	size_t n = strlen(in), off = 0;
	*olen = 0;
	while (off < n) {
		size_t lim = n - off < step ? n - off : step, used, doff, dlen;
		int r = http_chunked_feed(&c, (const uint8_t *)in + off, lim, &used, &doff, &dlen);
		if (r < 0)
			return r;
		memcpy(out + *olen, in + off + doff, dlen);
		*olen += dlen;
		off += used;
		if (r == 1)
			return off == n ? 1 : 2;
	}
	return 0;
}

int main(void)
{
	struct http_head h;
	const char *req = "POST /anthropic/v1/messages?beta=true HTTP/1.1\r\nHost: x\r\n"
			  "X-Api-Key:  hush_ph_1  \r\nContent-Length: 12\r\n\r\nbody follows";
	ok(parse(req, false, &h) == 1, "a request head parses");
	ok(h.method_len == 4 && !memcmp(h.method, "POST", 4), "method");
	ok(h.target_len == 32 && !memcmp(h.target, "/anthropic/v1/messages?beta=true", 32), "target");
	ok(h.minor == 1 && h.nh == 3 && h.content_length == 12 && !h.chunked && !h.close,
	   "version, headers, Content-Length, keep-alive");
	const struct http_header *k = http_find(&h, "x-api-key");
	ok(k && k->value_len == 9 && !memcmp(k->value, "hush_ph_1", 9),
	   "header lookup ignores case and trims the value");
	ok(h.head_len == strlen(req) - 12, "head_len stops at the body");

	ok(parse("GET / HTTP/1.1\r\nHost: x\r\n", false, &h) == 0, "an unfinished head needs more");
	ok(parse("GET / HTTP/1.0\r\n\r\n", false, &h) == 1 && h.close, "HTTP/1.0 closes by default");
	ok(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false, &h) == 1 && h.close,
	   "Connection: close");
	ok(parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", false, &h) == 1 && h.chunked,
	   "chunked request body");

	static const char *const bad[] = {
		"GET / HTTP/1.1\nHost: x\n\n",                              /* bare LF in a request */
		"GET  / HTTP/1.1\r\n\r\n",                                  /* double space */
		"GET / HTTP/2.0\r\n\r\n",                                   /* version */
		"G(T / HTTP/1.1\r\n\r\n",                                   /* method token */
		"GET / HTTP/1.1\r\nHost : x\r\n\r\n",                       /* space before ':' */
		"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n",                     /* obs-fold */
		"GET / HTTP/1.1\r\nA: b\x01\r\n\r\n",                       /* control byte */
		"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
		"GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GET / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
		"GET /\x7f HTTP/1.1\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(parse(bad[i], false, &h) == HUSH_EFORMAT, "malformed request %zu refused", i);
	ok(http_parse_head("GET / HTTP/1.1\r\nA: \0\r\n\r\n", 23, false, &h) == HUSH_EFORMAT,
	   "NUL byte refused");

	/* caps */
	static char big[2 * HTTP_MAX_HEAD];
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET /", 5);
	ok(http_parse_head(big, HTTP_MAX_LINE + 10, false, &h) == HUSH_ETOOBIG,
	   "a request line over %d bytes without its end is too big", HTTP_MAX_LINE);
	size_t off = (size_t)sprintf(big, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < HTTP_MAX_HEADERS + 1; i++)
		off += (size_t)sprintf(big + off, "X-%d: v\r\n", i);
	off += (size_t)sprintf(big + off, "\r\n");
	ok(http_parse_head(big, off, false, &h) == HUSH_ETOOBIG, "more than %d headers",
	   HTTP_MAX_HEADERS);
	off = (size_t)sprintf(big, "GET / HTTP/1.1\r\n");
	while (off < HTTP_MAX_HEAD + 8)
		off += (size_t)sprintf(big + off, "X: %04000d\r\n", 1);
	ok(http_parse_head(big, off, false, &h) == HUSH_ETOOBIG, "a head over %d bytes", HTTP_MAX_HEAD);

	/* responses */
	ok(parse("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
		 "Transfer-Encoding: chunked\r\n\r\n", true, &h) == 1 &&
	   h.status == 200 && h.chunked && h.reason_len == 2 && !memcmp(h.reason, "OK", 2),
	   "a response head parses");
	ok(parse("HTTP/1.1 204\r\n\r\n", true, &h) == 1 && h.status == 204 && h.reason_len == 0,
	   "a status line without reason");
	ok(parse("HTTP/1.1 200 OK\nA: b\n\n", true, &h) == 1, "responses may use bare LF");
	ok(parse("HTTP/1.1 20 OK\r\n\r\n", true, &h) == HUSH_EFORMAT, "a two-digit status");
	ok(parse("HTTP/1.1 099 x\r\n\r\n", true, &h) == HUSH_EFORMAT, "a status below 100");

	/* chunked */
	char out[256];
	size_t olen;
	const char *body = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n";
	ok(chunked(body, out, &olen, 1000) == 1 && olen == 11 && !memcmp(out, "hello world", 11),
	   "chunked body decoded in one go");
	ok(chunked(body, out, &olen, 1) == 1 && olen == 11 && !memcmp(out, "hello world", 11),
	   "chunked body decoded byte by byte");
	ok(chunked("3\r\nabc\r\n0\r\n\r\nGET", out, &olen, 1000) == 2,
	   "the decoder stops right after the body (pipelined bytes stay)");
	ok(chunked("3\r\nabc\r\n", out, &olen, 1000) == 0, "an unfinished body needs more");
	ok(chunked("zz\r\n", out, &olen, 1000) == HUSH_EFORMAT, "bad size");
	ok(chunked("3\r\nabcX\r\n", out, &olen, 1000) == HUSH_EFORMAT, "no CRLF after data");
	ok(chunked("1000000000000000\r\n", out, &olen, 1000) == HUSH_ETOOBIG, "a size over 2^60");
	static char ext[HTTP_MAX_CHUNK_LINE + 16];
	memset(ext, 'e', sizeof(ext) - 1);
	ext[0] = '1';
	ext[1] = ';';
	ok(chunked(ext, out, &olen, 1000) == HUSH_ETOOBIG, "chunk extensions are capped");
	return t_done();
}
