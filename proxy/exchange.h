/* SPDX-License-Identifier: ISC */
/* One request through the proxy, in order: find the credential whose
 * header carries a live placeholder, note placeholders anywhere else (an
 * "attempt" in the audit, never replaced), ask the embedder for the
 * value, write the head with the value to the upstream from sodium_malloc
 * memory, stream the body, stream the response back with the value
 * masked. Also route mode: "/<credential>/rest" to that credential's
 * upstream. */
#ifndef HUSH_PROXY_EXCHANGE_H
#define HUSH_PROXY_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proxy/http.h"

struct conn;
struct credential;

/* Where a request goes and which credentials may apply. */
struct route {
	const char *host;
	uint16_t port;
	const char *target;         /* for the upstream */
	size_t target_len;
	const struct credential *only; /* route mode: this credential */
	size_t only_idx;
};

/* Handles the request with head h (in c->cli's buffer) going to rt.
 * Returns true when the client connection may be kept for another
 * request. */
bool exchange_run(struct conn *c, struct http_head *h, const struct route *rt);
/* Route mode: maps h's target to a credential's upstream and handles it,
 * or answers 400/404. Returns as exchange_run. */
bool exchange_route(struct conn *c, struct http_head *h);

#endif
