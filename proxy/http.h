/* SPDX-License-Identifier: ISC */
/* A bounded HTTP/1.1 head parser (request and response) and a chunked
 * framing decoder for the credential proxy. They never allocate; every
 * field points into the caller's buffer. */
#ifndef HUSH_PROXY_HTTP_H
#define HUSH_PROXY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_LINE 8192          /* request/status line, one header line */
#define HTTP_MAX_HEAD (64 * 1024)   /* the whole head, CRLFCRLF included */
#define HTTP_MAX_HEADERS 100
#define HTTP_MAX_CHUNK_LINE 1024    /* chunk-size line with extensions */

struct http_header {
	const char *name, *value;   /* not NUL-terminated; value trimmed */
	size_t name_len, value_len;
};

struct http_head {
	bool response;
	/* request */
	const char *method, *target;
	size_t method_len, target_len;
	/* response */
	int status;
	const char *reason;
	size_t reason_len;
	int minor;                  /* HTTP/1.minor: 0 or 1 */
	struct http_header h[HTTP_MAX_HEADERS];
	size_t nh;
	int64_t content_length;     /* -1 when absent */
	bool chunked;               /* Transfer-Encoding: chunked */
	bool close;                 /* Connection: close, or HTTP/1.0 without keep-alive */
	bool upgrade;               /* Connection: upgrade or an Upgrade header */
	bool expect_continue;       /* Expect: 100-continue */
	size_t head_len;            /* bytes of the head, final CRLFCRLF included */
};

/* Parses the head at buf[len]. Returns 1 when a whole head was parsed
 * (out->head_len says how long), 0 when more bytes are needed,
 * HUSH_ETOOBIG when a line or the head is over its cap (or too many
 * headers), HUSH_EFORMAT when the bytes are not a valid HTTP/1.x head:
 * bad tokens, control bytes, obs-fold, conflicting or malformed
 * Content-Length, a Transfer-Encoding other than "chunked", both
 * Content-Length and Transfer-Encoding. */
int http_parse_head(const char *buf, size_t len, bool response, struct http_head *out);

/* Header lookup (case-insensitive name); NULL when absent. */
const struct http_header *http_find(const struct http_head *h, const char *name);
/* Case-insensitive comparison of a header name with name. */
bool http_name_is(const struct http_header *hd, const char *name);

/* Chunked body framing. Feed raw bytes; the decoder says where the data
 * bytes are and when the last chunk and trailers are done. */
struct http_chunked {
	int state;
	uint64_t left;              /* data bytes left in this chunk */
	size_t line;                /* bytes of the current size/trailer line */
	size_t trailers;            /* bytes of trailers so far */
};
/* Consumes bytes from in[n]: *used is how many; when *data_len > 0, the
 * data bytes are in[*data_off .. *data_off + *data_len) (data is returned
 * one span per call). Returns 1 when the body is complete (*used stops
 * right after it), 0 when more input is needed or data was returned,
 * HUSH_EFORMAT on bad framing, HUSH_ETOOBIG when a size line or the
 * trailers are over their caps. */
int http_chunked_feed(struct http_chunked *c, const uint8_t *in, size_t n, size_t *used,
		      size_t *data_off, size_t *data_len);

#endif
