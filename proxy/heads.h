/* SPDX-License-Identifier: ISC */
/* The heads the proxy writes: the request head for the upstream, with
 * the credential's value in place of the placeholder (in the header, or
 * inside a Basic header's base64), and the response head for the client,
 * masked. Hop-by-hop headers are never forwarded as they are. */
#ifndef HUSH_PROXY_HEADS_H
#define HUSH_PROXY_HEADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proxy/http.h"

#define HEADS_BASIC_MAX 512         /* decoded user:password */

struct buf;
struct mask;

/* What a request does with the credential's header. */
struct heads_inject {
	long hdr;                   /* index of the header carrying the placeholder, -1 none */
	bool basic;                 /* inside "Basic base64(user:password)" */
	const uint8_t *value;
	size_t len;
};

/* Decodes a header value "Basic <base64>" into out[HEADS_BASIC_MAX]:
 * 0 with *n, or -1. The caller wipes out. */
int heads_basic_decode(const struct http_header *hd, uint8_t *out, size_t *n);
/* base64(user:password) of the Basic header hd with the placeholder
 * replaced by inj's value: a NUL-terminated string in sodium_malloc
 * memory (the caller sodium_free()s it), or NULL. */
char *heads_basic_encode(const struct http_header *hd, const struct heads_inject *inj);

/* Writes the head of request h for the upstream into b (a secure buf when
 * a value goes in): target, Host host[:port], the value put in when inj
 * is not NULL (and the response asked for uncompressed, as it is masked).
 * 0 or HUSH_ETOOBIG (also for an allocation failure). */
int heads_request(struct buf *b, const struct http_head *h, const char *target, size_t target_len,
		  const char *host, uint16_t port, const struct heads_inject *inj);
/* Writes the head of response r for the client into b. With m: header
 * values masked, Content-Length dropped and, with rechunk and a body,
 * Transfer-Encoding: chunked. close_after adds Connection: close. 0 or
 * HUSH_ETOOBIG. */
int heads_response(struct buf *b, const struct http_head *r, struct mask *m, bool rechunk,
		   bool no_body, bool close_after);

#endif
