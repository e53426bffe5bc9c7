/* SPDX-License-Identifier: ISC */
/* A buffered stream over a socket, plain or TLS, for the proxy's
 * connection threads: blocking reads and writes bounded by the socket's
 * timeouts, waits bounded by a deadline, and the bytes read but not
 * consumed yet (a head, or the start of the next message). */
#ifndef HUSH_PROXY_STREAM_H
#define HUSH_PROXY_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proxy/http.h"

#define STREAM_CHUNK (64 * 1024)    /* the most one read of a body takes */

struct ssl_st;

struct stream {
	int fd;                     /* -1: closed */
	struct ssl_st *ssl;         /* NULL: plain */
	char in[HTTP_MAX_HEAD];     /* bytes read, not consumed yet */
	size_t inlen;
};

/* Send and receive timeouts of ms on a socket, and TCP_NODELAY. */
void stream_set_timeouts(int fd, unsigned ms);
/* Shuts TLS down, closes the socket (when fd >= 0) and drops the buffered
 * bytes. */
void stream_close(struct stream *s);
/* Waits until s is readable or the deadline (time_mono_ms(); 0 = none)
 * passes: 1 ready, 0 timed out. */
int stream_wait(struct stream *s, uint64_t deadline);
/* One read from the socket (not the buffer): > 0 bytes, 0 end of stream,
 * < 0 error or timeout. TLS reads go on while whole records are already
 * here, so a burst comes back as one read; they never wait for more. */
ssize_t stream_read(struct stream *s, uint8_t *p, size_t n);
/* All of p[n]: 0 or HUSH_EIO. */
int stream_write(struct stream *s, const void *p, size_t n);
/* Reads until the buffer holds a whole head and parses it into h (fields
 * point into s->in). 1 parsed, 0 clean end of stream before any byte,
 * HUSH_ETIMEDOUT, HUSH_EIO, or http_parse_head's error. */
int stream_read_head(struct stream *s, bool response, uint64_t deadline, struct http_head *h);
/* Drops the first n buffered bytes. */
void stream_consume(struct stream *s, size_t n);

#endif
