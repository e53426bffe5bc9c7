/* SPDX-License-Identifier: ISC */
/* The proxy's buffered socket or TLS stream: see stream.h. */
#include "proxy/stream.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"

void stream_set_timeouts(int fd, unsigned ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

void stream_close(struct stream *s)
{
	if (s->ssl) {
		SSL_shutdown(s->ssl);
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->inlen = 0;
}

int stream_wait(struct stream *s, uint64_t deadline)
{
	if (s->ssl && SSL_pending(s->ssl) > 0)
		return 1;
	for (;;) {
		int ms = -1;
		if (deadline) {
			uint64_t t = time_mono_ms();
			if (t >= deadline)
				return 0;
			ms = (int)(deadline - t);
		}
		struct pollfd pf = { .fd = s->fd, .events = POLLIN };
		int r = poll(&pf, 1, ms);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return 1; /* let the read report it */
	}
}

static bool readable_now(int fd)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	return poll(&pf, 1, 0) == 1;
}

/* > 0 bytes, 0 end of stream, < 0 error or timeout. */
static ssize_t read_once(struct stream *s, void *p, size_t n)
{
	if (n > INT32_MAX)
		n = INT32_MAX;
	if (s->ssl) {
		int r = SSL_read(s->ssl, p, (int)n);
		if (r > 0)
			return r;
		int e = SSL_get_error(s->ssl, r);
		return e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
	}
	for (;;) {
		ssize_t r = recv(s->fd, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		return r;
	}
}

ssize_t stream_read(struct stream *s, uint8_t *p, size_t n)
{
	ssize_t got = read_once(s, p, n);
	/* TLS gives one record (16 KiB) a read: take what is already here,
	 * so that a burst goes on as one write; never wait for more */
	while (got > 0 && s->ssl && (size_t)got < n &&
	       (SSL_pending(s->ssl) > 0 || (SSL_has_pending(s->ssl) && readable_now(s->fd)))) {
		size_t left = n - (size_t)got;
		int more = SSL_read(s->ssl, p + got, left > INT32_MAX ? INT32_MAX : (int)left);
		if (more <= 0)
			break;
		got += more;
	}
	return got;
}

int stream_write(struct stream *s, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n > 0) {
		size_t part = n > INT32_MAX ? INT32_MAX : n;
		ssize_t w;
		if (s->ssl) {
			int r = SSL_write(s->ssl, b, (int)part);
			w = r > 0 ? r : -1;
		} else {
			w = send(s->fd, b, part, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
		}
		if (w <= 0)
			return HUSH_EIO;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int stream_read_head(struct stream *s, bool response, uint64_t deadline, struct http_head *h)
{
	for (;;) {
		if (s->inlen) {
			int r = http_parse_head(s->in, s->inlen, response, h);
			if (r)
				return r;
		}
		if (s->inlen >= HTTP_MAX_HEAD)
			return HUSH_ETOOBIG;
		if (!stream_wait(s, deadline))
			return HUSH_ETIMEDOUT;
		ssize_t n = read_once(s, s->in + s->inlen, HTTP_MAX_HEAD - s->inlen);
		if (n == 0)
			return s->inlen ? HUSH_EIO : 0;
		if (n < 0)
			return HUSH_EIO;
		s->inlen += (size_t)n;
	}
}

void stream_consume(struct stream *s, size_t n)
{
	memmove(s->in, s->in + n, s->inlen - n);
	s->inlen -= n;
}
