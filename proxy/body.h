/* SPDX-License-Identifier: ISC */
/* Message bodies through the proxy, streamed as they arrive: framing by
 * Content-Length, chunked, or (responses) until the connection closes.
 * Request bodies go to the upstream unchanged and are only looked at for
 * placeholders; response bodies go to the client masked when the request
 * carried a value. */
#ifndef HUSH_PROXY_BODY_H
#define HUSH_PROXY_BODY_H

#include <stdbool.h>
#include <stdint.h>

#include "proxy/http.h"
#include "proxy/stream.h"

struct mask;

/* Copies the body of request h from from (its buffered bytes first) to
 * to; *bytes counts what was sent and *attempt is set when the data holds
 * a placeholder. Bytes after the body stay buffered in from. 0,
 * HUSH_EIO, HUSH_EFORMAT (bad chunked framing) or HUSH_ENOMEM. */
int body_relay_request(struct stream *from, struct stream *to, const struct http_head *h,
		       uint64_t *bytes, bool *attempt);

/* Streams the body of response r from from to to. With m the data is
 * masked and sent re-chunked, or close-delimited when rechunk is false;
 * without it the bytes go through unchanged. *up_close is set when the
 * upstream connection cannot be reused. 0 or a HUSH_E* code. */
int body_relay_response(struct stream *from, struct stream *to, const struct http_head *r,
			struct mask *m, bool rechunk, uint64_t *bytes, bool *up_close);

#endif
