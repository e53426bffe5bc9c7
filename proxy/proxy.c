/* SPDX-License-Identifier: ISC */
/* The credential proxy's listener and connections (proxy.h).
 *
 * One thread per client connection with blocking sockets and deadlines:
 * a connection may wait on a human (confirm = always) without holding up
 * any other, and a request is handled as a straight line of code, which
 * keeps the rules that matter (where a value may go) easy to read.
 * Threads are capped (max_conns); every socket has send and receive
 * timeouts, and a request head must arrive within head_timeout_ms.
 *
 * What the proxy does with a request, in order: parse the head (bounded,
 * strict), find the session (placeholder in the credential's header, or
 * the proxy token at CONNECT), look for placeholders anywhere else (an
 * "attempt" in the audit, never replaced), ask the embedder for the value,
 * write the head with the value to the upstream from sodium_malloc memory,
 * stream the body, stream the response back with the value masked. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "broker/mask.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/util.h"
#include "proxy/proxy.h"
#include "shim/rules.h"

#define IO_BUF (64 * 1024)
#define PH_PREFIX "hush_ph_"
#define TOKEN_PREFIX "hush_tok_"

struct allow_host {
	char host[PROXY_MAX_HOST_PATTERN];  /* lower case; a glob */
	uint16_t port;
};

struct session {
	uint64_t id;                /* 0 = free slot */
	char (*ph)[PROXY_PLACEHOLDER_LEN + 1]; /* one per credential */
	char token[PROXY_TOKEN_LEN + 1];
	/* proxy_session_restrict: the hosts CONNECT may reach (besides the
	 * credentials' hosts), parsed; NULL = any host */
	struct allow_host *allow;
	size_t nallow;
};

struct proxy {
	struct proxy_config cfg;
	struct proxy_tls *tls;
	int lfd, ufd;               /* 127.0.0.1:port, and the unix socket (-1: none) */
	uint16_t port;
	pthread_t thread;
	pthread_mutex_t lock;       /* sessions, conns */
	pthread_cond_t idle;
	struct session sessions[PROXY_MAX_SESSIONS];
	int *conn_fds;              /* open client sockets, for proxy_stop */
	unsigned nconns;
	atomic_bool stopping;
};

struct io {
	int fd;
	SSL *ssl;
};

struct conn {
	struct proxy *p;
	struct io cli, up;
	char up_host[256];          /* what up is connected to ("" = nothing) */
	uint16_t up_port;
	/* after CONNECT: the tunnel's target and session */
	bool mitm;
	char host[256];
	uint16_t port;
	uint64_t session;
	char in[HTTP_MAX_HEAD];     /* client bytes not consumed yet */
	size_t inlen;
	char rin[HTTP_MAX_HEAD];    /* upstream bytes not consumed yet */
	size_t rinlen;
};

/* --- small helpers --- */

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void set_timeouts(int fd, unsigned ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void io_close(struct io *io)
{
	if (io->ssl) {
		SSL_shutdown(io->ssl);
		SSL_free(io->ssl);
		io->ssl = NULL;
	}
	if (io->fd >= 0)
		close(io->fd);
	io->fd = -1;
}

/* Waits until io is readable or the deadline (0 = none) passes: 1 ready,
 * 0 timed out. */
static int io_wait(struct io *io, uint64_t deadline)
{
	if (io->ssl && SSL_pending(io->ssl) > 0)
		return 1;
	for (;;) {
		int ms = -1;
		if (deadline) {
			uint64_t t = now_ms();
			if (t >= deadline)
				return 0;
			ms = (int)(deadline - t);
		}
		struct pollfd pf = { .fd = io->fd, .events = POLLIN };
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
static ssize_t io_read(struct io *io, void *p, size_t n)
{
	if (n > INT32_MAX)
		n = INT32_MAX;
	if (io->ssl) {
		int r = SSL_read(io->ssl, p, (int)n);
		if (r > 0)
			return r;
		int e = SSL_get_error(io->ssl, r);
		return e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
	}
	for (;;) {
		ssize_t r = recv(io->fd, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		return r;
	}
}

static int io_write(struct io *io, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n > 0) {
		size_t part = n > INT32_MAX ? INT32_MAX : n;
		ssize_t w;
		if (io->ssl) {
			int r = SSL_write(io->ssl, b, (int)part);
			w = r > 0 ? r : -1;
		} else {
			w = send(io->fd, b, part, MSG_NOSIGNAL);
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

static void audit(struct conn *c, const struct proxy_event *ev)
{
	if (c->p->cfg.audit)
		c->p->cfg.audit(c->p->cfg.ctx, ev);
}

static const char *status_text(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

/* Sends an error answer: one line of reason, an optional hint, never a
 * value. The connection is closed after it. */
static void answer(struct conn *c, int status, const char *reason, const char *hint)
{
	char body[1024], head[512];
	snprintf(body, sizeof(body), "hush: %s\n%s%s%s", reason, hint ? "hint: " : "",
		 hint ? hint : "", hint ? "\n" : "");
	snprintf(head, sizeof(head),
		 "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
		 status, status_text(status), strlen(body),
		 status == 407 ? "Proxy-Authenticate: Basic realm=\"hush\"\r\n" : "");
	if (io_write(&c->cli, head, strlen(head)) == 0)
		(void)io_write(&c->cli, body, strlen(body));
}

/* Path for the audit log and the human: the target without its query. */
static void path_only(const char *t, size_t n, char *out, size_t outn)
{
	size_t q = 0;
	while (q < n && t[q] != '?' && t[q] != '#')
		q++;
	if (q >= outn)
		q = outn - 1;
	for (size_t i = 0; i < q; i++)
		out[i] = (t[i] >= 0x21 && t[i] < 0x7f) ? t[i] : '?';
	out[q] = 0;
}

/* --- sessions --- */

static int random_hex(char *out, const char *prefix)
{
	uint8_t rnd[32];
	randombytes_buf(rnd, sizeof(rnd));
	size_t pl = strlen(prefix);
	memcpy(out, prefix, pl);
	sodium_bin2hex(out + pl, 65, rnd, sizeof(rnd));
	sodium_memzero(rnd, sizeof(rnd));
	return 0;
}

int proxy_session_add(struct proxy *p, uint64_t id)
{
	if (id == 0)
		return HUSH_EINVAL;
	pthread_mutex_lock(&p->lock);
	int r = HUSH_ETOOBIG;
	struct session *free_slot = NULL;
	for (size_t i = 0; i < PROXY_MAX_SESSIONS; i++) {
		if (p->sessions[i].id == id) {
			r = HUSH_EEXIST;
			goto out;
		}
		if (!p->sessions[i].id && !free_slot)
			free_slot = &p->sessions[i];
	}
	if (!free_slot)
		goto out;
	for (size_t i = 0; i < p->cfg.ncreds; i++)
		random_hex(free_slot->ph[i], PH_PREFIX);
	random_hex(free_slot->token, TOKEN_PREFIX);
	free_slot->id = id;
	r = 0;
out:
	pthread_mutex_unlock(&p->lock);
	return r;
}

void proxy_session_remove(struct proxy *p, uint64_t id)
{
	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < PROXY_MAX_SESSIONS; i++) {
		struct session *s = &p->sessions[i];
		if (s->id != id || !id)
			continue;
		s->id = 0;
		sodium_memzero(s->ph, p->cfg.ncreds * sizeof(*s->ph));
		sodium_memzero(s->token, sizeof(s->token));
		free(s->allow);
		s->allow = NULL;
		s->nallow = 0;
	}
	pthread_mutex_unlock(&p->lock);
}

int proxy_session_restrict(struct proxy *p, uint64_t id, const char *const *hosts, size_t n)
{
	if (n > PROXY_MAX_HOST_PATTERNS)
		return HUSH_ETOOBIG;
	struct allow_host *v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return HUSH_ENOMEM;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (strlen(hosts[i]) >= sizeof(v[kept].host)) {
			free(v);
			return HUSH_ETOOBIG;
		}
		/* one that does not parse can match nothing: left out */
		if (credential_parse_hostport(hosts[i], 443, v[kept].host, sizeof(v[kept].host), &v[kept].port))
			continue;
		for (char *c = v[kept].host; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		kept++;
	}
	n = kept;
	int r = HUSH_ENOENT;
	pthread_mutex_lock(&p->lock);
	for (size_t k = 0; id && k < PROXY_MAX_SESSIONS; k++) {
		struct session *s = &p->sessions[k];
		if (s->id != id)
			continue;
		free(s->allow);
		s->allow = v;
		s->nallow = n;
		v = NULL;
		r = 0;
	}
	pthread_mutex_unlock(&p->lock);
	free(v);
	return r;
}

/* Whether session id may open a tunnel to host:port: any host unless the
 * session is restricted, else a pattern ("host", "*.domain", a glob;
 * ":port" when not 443) must match. */
static bool session_may_reach(struct proxy *p, uint64_t id, const char *host, uint16_t port)
{
	bool ok = true;
	pthread_mutex_lock(&p->lock);
	for (size_t k = 0; k < PROXY_MAX_SESSIONS; k++) {
		struct session *s = &p->sessions[k];
		if (s->id != id || !s->allow)
			continue;
		ok = false;
		for (size_t i = 0; i < s->nallow && !ok; i++)
			ok = s->allow[i].port == port &&
			     rules_glob(s->allow[i].host, host, strlen(host));
	}
	pthread_mutex_unlock(&p->lock);
	return ok;
}

int proxy_session_placeholder(struct proxy *p, uint64_t id, size_t i, char *out, size_t n)
{
	int r = HUSH_ENOENT;
	pthread_mutex_lock(&p->lock);
	for (size_t k = 0; id && k < PROXY_MAX_SESSIONS && i <= p->cfg.ncreds; k++) {
		struct session *s = &p->sessions[k];
		if (s->id != id)
			continue;
		r = xsnprintf(out, n, "%s", i == p->cfg.ncreds ? s->token : s->ph[i]);
	}
	pthread_mutex_unlock(&p->lock);
	return r;
}

/* The session whose placeholder for credential ci (or whose proxy token,
 * when ci is SIZE_MAX) is v[n]; 0 for none. Constant time over the
 * candidates. */
static uint64_t session_find(struct proxy *p, size_t ci, const char *v, size_t n)
{
	uint64_t found = 0;
	if (n != (ci == SIZE_MAX ? PROXY_TOKEN_LEN : PROXY_PLACEHOLDER_LEN))
		return 0;
	pthread_mutex_lock(&p->lock);
	for (size_t k = 0; k < PROXY_MAX_SESSIONS; k++) {
		struct session *s = &p->sessions[k];
		const char *want = ci == SIZE_MAX ? s->token : s->ph[ci];
		if (s->id && sodium_memcmp(want, v, n) == 0)
			found = s->id;
	}
	pthread_mutex_unlock(&p->lock);
	return found;
}

static bool session_alive(struct proxy *p, uint64_t id)
{
	bool alive = false;
	pthread_mutex_lock(&p->lock);
	for (size_t k = 0; id && k < PROXY_MAX_SESSIONS; k++)
		alive |= p->sessions[k].id == id;
	pthread_mutex_unlock(&p->lock);
	return alive;
}

/* Finds a placeholder in p[n]: the credential index it belongs to (any
 * session), ncreds for one that is not known, -1 when there is none. */
static long find_placeholder(struct proxy *px, const char *p, size_t n)
{
	const char *hit = memmem(p, n, PH_PREFIX, strlen(PH_PREFIX));
	if (!hit)
		return -1;
	size_t left = n - (size_t)(hit - p);
	if (left >= PROXY_PLACEHOLDER_LEN)
		for (size_t ci = 0; ci < px->cfg.ncreds; ci++)
			if (session_find(px, ci, hit, PROXY_PLACEHOLDER_LEN))
				return (long)ci;
	return (long)px->cfg.ncreds;
}

/* --- upstream connections --- */

static int tcp_connect(struct conn *c, const char *host, uint16_t port, char *why, size_t n)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char ports[8];
	snprintf(ports, sizeof(ports), "%u", port);
	const char *name = c->p->cfg.connect_override ? c->p->cfg.connect_override : host;
	int r = getaddrinfo(name, ports, &hints, &res);
	if (r) {
		snprintf(why, n, "cannot resolve %s: %s", host, gai_strerror(r));
		return -1;
	}
	int fd = -1, err = 0;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		set_timeouts(fd, c->p->cfg.idle_timeout_ms);
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(why, n, "cannot connect to %s:%u: %s", host, port, strerror(err));
	return fd;
}

static int up_open(struct conn *c, const char *host, uint16_t port, bool tls, char *why, size_t n)
{
	if (c->up.fd >= 0 && !strcmp(c->up_host, host) && c->up_port == port) {
		/* reuse when the upstream has not closed it meanwhile */
		struct pollfd pf = { .fd = c->up.fd, .events = POLLIN };
		if (poll(&pf, 1, 0) == 0)
			return 0;
	}
	io_close(&c->up);
	c->up_host[0] = 0;
	c->rinlen = 0;
	int fd = tcp_connect(c, host, port, why, n);
	if (fd < 0)
		return -1;
	c->up.fd = fd;
	if (tls) {
		SSL *ssl = SSL_new(proxy_tls_client(c->p->tls));
		if (!ssl) {
			snprintf(why, n, "out of memory");
			return -1;
		}
		c->up.ssl = ssl;
		SSL_set_fd(ssl, fd);
		unsigned char ip[16];
		bool is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
		if (is_ip) {
			X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
		} else {
			SSL_set_tlsext_host_name(ssl, host);
			SSL_set1_host(ssl, host);
		}
		ERR_clear_error();
		if (SSL_connect(ssl) != 1) {
			long v = SSL_get_verify_result(ssl);
			char r[160];
			if (v != X509_V_OK)
				snprintf(r, sizeof(r), "certificate: %s", X509_verify_cert_error_string(v));
			else
				proxy_tls_reason(r, sizeof(r));
			snprintf(why, n, "TLS to %s:%u failed: %s", host, port, r);
			io_close(&c->up);
			return -1;
		}
	}
	snprintf(c->up_host, sizeof(c->up_host), "%s", host);
	c->up_port = port;
	return 0;
}

/* --- reading heads --- */

/* Reads until buf holds a whole head. 1 parsed, 0 clean end of stream
 * before any byte, HUSH_ETIMEDOUT, HUSH_EIO, or the parser's error. */
static int read_head(struct io *io, char *buf, size_t *len, bool response, uint64_t deadline,
		     struct http_head *h)
{
	for (;;) {
		if (*len) {
			int r = http_parse_head(buf, *len, response, h);
			if (r)
				return r;
		}
		if (*len >= HTTP_MAX_HEAD)
			return HUSH_ETOOBIG;
		if (!io_wait(io, deadline))
			return HUSH_ETIMEDOUT;
		ssize_t n = io_read(io, buf + *len, HTTP_MAX_HEAD - *len);
		if (n == 0)
			return *len ? HUSH_EIO : 0;
		if (n < 0)
			return HUSH_EIO;
		*len += (size_t)n;
	}
}

static void consume(char *buf, size_t *len, size_t n)
{
	memmove(buf, buf + n, *len - n);
	*len -= n;
}

/* --- bodies --- */

/* A body's framing, shared by requests and responses: Content-Length,
 * chunked, or (responses only) until the connection closes. */
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

/* The next input for a body: what is buffered in buf[*len], else one read
 * from io into tmp. > 0 bytes at *src, 0 end of stream, < 0 error. */
static ssize_t body_input(struct io *io, char *buf, size_t *len, uint8_t *tmp, const uint8_t **src)
{
	if (*len) {
		*src = (const uint8_t *)buf;
		return (ssize_t)*len;
	}
	*src = tmp;
	ssize_t n = io_read(io, tmp, IO_BUF);
	/* TLS gives one record (16 KiB) a read: take what is already here,
	 * so that a burst goes on as one write; never wait for more */
	while (n > 0 && io->ssl && (size_t)n < IO_BUF &&
	       (SSL_pending(io->ssl) > 0 || (SSL_has_pending(io->ssl) && readable_now(io->fd)))) {
		int more = SSL_read(io->ssl, tmp + n, (int)(IO_BUF - (size_t)n));
		if (more <= 0)
			break;
		n += more;
	}
	return n;
}

/* Drops the take bytes used from the input; bytes after the body that came
 * in the same read are kept in buf for the next message. */
static void body_used(char *buf, size_t *len, const uint8_t *src, size_t avail, size_t take)
{
	if (src == (const uint8_t *)buf) {
		consume(buf, len, take);
	} else if (take < avail) {
		memcpy(buf, src + take, avail - take); /* avail <= IO_BUF <= HTTP_MAX_HEAD */
		*len = avail - take;
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
	for (size_t i = 0; i < len && !sc->seen; i += PROXY_PLACEHOLDER_LEN) {
		size_t part = len - i < PROXY_PLACEHOLDER_LEN ? len - i : PROXY_PLACEHOLDER_LEN;
		memcpy(sc->carry + sc->n, p + i, part);
		sc->n += part;
		if (memmem(sc->carry, sc->n, PH_PREFIX, strlen(PH_PREFIX)))
			sc->seen = true;
		if (sc->n > PROXY_PLACEHOLDER_LEN) {
			memmove(sc->carry, sc->carry + sc->n - PROXY_PLACEHOLDER_LEN, PROXY_PLACEHOLDER_LEN);
			sc->n = PROXY_PLACEHOLDER_LEN;
		}
	}
	return 0;
}

/* Copies a request body from the client to the upstream unchanged,
 * looking for placeholders in its data. *attempt is set when one is seen. */
static int relay_request_body(struct conn *c, const struct http_head *h, uint64_t *bytes,
			      bool *attempt)
{
	struct body b;
	body_init(&b, h);
	if (body_empty(&b))
		return 0;
	struct ph_scan sc = { .n = 0 };
	uint8_t *tmp = malloc(IO_BUF);
	int rc = tmp ? 0 : HUSH_ENOMEM;
	while (!rc) {
		const uint8_t *src;
		ssize_t n = body_input(&c->cli, c->in, &c->inlen, tmp, &src);
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
		if (io_write(&c->up, src, take))
			rc = HUSH_EIO;
		*bytes += take;
		body_used(c->in, &c->inlen, src, (size_t)n, take);
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
static int client_send(struct conn *c, bool rechunk, struct outbuf *o)
{
	if (o->len == 0)
		return 0;
	uint8_t *data = o->p + OUT_FRONT;
	if (!rechunk)
		return io_write(&c->cli, data, o->len);
	char hdr[OUT_FRONT];
	int hl = snprintf(hdr, sizeof(hdr), "%zx\r\n", o->len);
	memcpy(data - hl, hdr, (size_t)hl);
	memcpy(data + o->len, "\r\n", 2);
	return io_write(&c->cli, data - hl, (size_t)hl + o->len + 2);
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

/* Streams the response body to the client as it arrives. With a mask the
 * data is masked and sent re-chunked (or close-delimited when rechunk is
 * false); without one the bytes go through unchanged. *up_close is set
 * when the upstream connection cannot be reused. */
static int relay_response_body(struct conn *c, const struct http_head *r, bool no_body,
			       struct mask *m, bool rechunk, uint64_t *bytes, bool *up_close)
{
	if (no_body)
		return 0;
	struct body b;
	body_init(&b, r);
	if (b.until_close)
		*up_close = true;
	struct outbuf o = { 0 };
	struct mask_sink ms = { .m = m, .o = &o };
	uint8_t *tmp = malloc(IO_BUF);
	int rc = tmp ? 0 : HUSH_ENOMEM;
	int st = body_empty(&b) ? 1 : 0;
	while (!rc && st == 0) {
		const uint8_t *src;
		ssize_t n = body_input(&c->up, c->rin, &c->rinlen, tmp, &src);
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
		if (!rc && (m ? client_send(c, rechunk, &o) : io_write(&c->cli, src, take)))
			rc = HUSH_EIO;
		*bytes += take;
		body_used(c->rin, &c->rinlen, src, (size_t)n, take);
	}
	if (!rc && m && b.until_close) {
		o.len = 0;
		if (mask_flush(m, out_emit, &o) || client_send(c, rechunk, &o))
			rc = HUSH_EIO;
	}
	if (!rc && m && rechunk && io_write(&c->cli, "0\r\n\r\n", 5))
		rc = HUSH_EIO;
	free(o.p);
	free(tmp);
	if (rc)
		*up_close = true;
	return rc;
}

/* --- heads out --- */

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

/* What a request does with the credential's header. */
struct inject {
	long hdr;                   /* index of the header carrying the placeholder, -1 none */
	bool basic;                 /* inside "Basic base64(user:password)" */
	const uint8_t *value;
	size_t len;
};

#define BASIC_MAX 512               /* decoded user:password */

/* Decodes a header value "Basic <base64>" into out[BASIC_MAX]. 0 or -1. */
static int basic_decode(const struct http_header *hd, uint8_t *out, size_t *n)
{
	if (hd->value_len < 7 || strncasecmp(hd->value, "Basic ", 6))
		return -1;
	return sodium_base642bin(out, BASIC_MAX, hd->value + 6, hd->value_len - 6, NULL, n, NULL,
				 sodium_base64_VARIANT_ORIGINAL) ? -1 : 0;
}

/* base64(user:password) of a Basic header with the placeholder replaced
 * by the value: a NUL-terminated string in sodium_malloc memory (the
 * caller sodium_free()s it), or NULL. */
static char *basic_encode(const struct http_header *hd, const struct inject *inj)
{
	uint8_t dec[BASIC_MAX];
	size_t n = 0;
	if (basic_decode(hd, dec, &n))
		return NULL;
	const uint8_t *ph = memmem(dec, n, PH_PREFIX, strlen(PH_PREFIX));
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

static int put_basic(struct buf *b, const struct http_header *hd, const struct inject *inj)
{
	char *enc = basic_encode(hd, inj);
	if (!enc)
		return HUSH_ENOMEM;
	int r = puts_(b, "Basic ") || buf_put_bytes(b, enc, strlen(enc)) ? HUSH_ETOOBIG : 0;
	sodium_free(enc);
	return r;
}

/* Writes the request head for the upstream into b (secure memory when a
 * value goes in it). */
static int build_request(struct buf *b, const struct http_head *h, const char *target,
			 size_t target_len, const char *host, uint16_t port,
			 const struct credential *cred, const struct inject *inj)
{
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
		if (inj && inj->value && http_name_is(hd, "accept-encoding")) {
			/* the response is masked: it must arrive uncompressed */
			continue;
		}
		r = put(b, hd->name, hd->name_len) || puts_(b, ": ");
		if (!r && inj && inj->value && (long)i == inj->hdr && inj->basic) {
			r = put_basic(b, hd, inj);
		} else if (!r && inj && inj->value && (long)i == inj->hdr) {
			const char *ph = memmem(hd->value, hd->value_len, PH_PREFIX, strlen(PH_PREFIX));
			size_t pre = (size_t)(ph - hd->value);
			r = put(b, hd->value, pre) || buf_put_bytes(b, inj->value, inj->len) ||
			    put(b, ph + PROXY_PLACEHOLDER_LEN, hd->value_len - pre - PROXY_PLACEHOLDER_LEN);
		} else if (!r) {
			r = put(b, hd->value, hd->value_len);
		}
		r = r || puts_(b, "\r\n");
	}
	if (!r && inj && inj->value)
		r = puts_(b, "Accept-Encoding: identity\r\n");
	(void)cred;
	return r || puts_(b, "\r\n") ? HUSH_ETOOBIG : 0;
}

/* Response head for the client: hop-by-hop removed; with a mask, values
 * masked, Content-Length dropped and the body re-chunked. */
static int build_response(struct buf *b, const struct http_head *r, struct mask *m, bool rechunk,
			  bool no_body, bool close_after)
{
	struct outbuf o = { 0 };
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
		if (!rc && m) {
			o.len = 0;
			if (mask_feed(m, (const uint8_t *)hd->value, hd->value_len, out_emit, &o) ||
			    mask_flush(m, out_emit, &o))
				rc = HUSH_ENOMEM;
			else
				rc = buf_put_bytes(b, o.p + OUT_FRONT, o.len);
		} else if (!rc) {
			rc = put(b, hd->value, hd->value_len);
		}
		rc = rc || puts_(b, "\r\n");
	}
	if (!rc && m && rechunk && !no_body)
		rc = puts_(b, "Transfer-Encoding: chunked\r\n");
	if (!rc && close_after)
		rc = puts_(b, "Connection: close\r\n");
	free(o.p);
	return rc || puts_(b, "\r\n") ? HUSH_ETOOBIG : 0;
}

/* --- one request --- */

/* Where a request goes and which credentials may apply. */
struct route {
	const char *host;
	uint16_t port;
	const char *target;         /* for the upstream */
	size_t target_len;
	const struct credential *only; /* route mode: this credential */
	size_t only_idx;
};

/* Handles one parsed request head on c. Returns true when the client
 * connection may be kept for another request. */
static bool handle(struct conn *c, struct http_head *h, const struct route *rt)
{
	struct proxy *p = c->p;
	char method[32], path[512];
	snprintf(method, sizeof(method), "%.*s", (int)(h->method_len < 31 ? h->method_len : 31),
		 h->method);
	path_only(h->target, h->target_len, path, sizeof(path));
	struct proxy_event ev = { .session = c->session, .host = rt->host, .method = method,
				  .path = path };
	if (h->upgrade) {
		answer(c, 501, "protocol upgrades (WebSocket) are not supported by the proxy", NULL);
		ev.kind = "bad-request", ev.status = 501, ev.reason = "upgrade";
		audit(c, &ev);
		return false;
	}

	/* Which credential this request may use, and whether its header holds
	 * a placeholder of a live session. */
	const struct credential *cred = NULL;
	long hdr = -1;
	bool basic = false;
	uint64_t sess = 0;
	bool attempt = false;
	const char *attempt_cred = NULL;
	for (size_t k = 0; k < p->cfg.ncreds; k++) {
		const struct credential *cr = &p->cfg.creds[k];
		if (rt->only ? k != rt->only_idx : !credential_host_match(cr, rt->host, rt->port))
			continue;
		for (size_t i = 0; i < h->nh && hdr < 0; i++) {
			const struct http_header *hd = &h->h[i];
			if (!http_name_is(hd, cr->header))
				continue;
			const char *ph = memmem(hd->value, hd->value_len, PH_PREFIX, strlen(PH_PREFIX));
			uint8_t dec[BASIC_MAX];
			size_t dl = 0;
			if (!ph && !cr->templated && !basic_decode(hd, dec, &dl)) {
				/* git and other Basic-auth clients: the placeholder
				 * is the password (or user) inside the base64 */
				ph = memmem(dec, dl, PH_PREFIX, strlen(PH_PREFIX));
				if (ph && (size_t)((const char *)dec + dl - ph) >= PROXY_PLACEHOLDER_LEN) {
					uint64_t s = session_find(p, k, ph, PROXY_PLACEHOLDER_LEN);
					if (s && (!c->session || s == c->session))
						cred = cr, hdr = (long)i, sess = s, basic = true;
				}
				sodium_memzero(dec, sizeof(dec));
				continue;
			}
			if (!ph || (size_t)(hd->value + hd->value_len - ph) < PROXY_PLACEHOLDER_LEN)
				continue;
			if (cr->templated) {
				size_t pl = strlen(cr->prefix), sl = strlen(cr->suffix);
				if (hd->value_len != pl + PROXY_PLACEHOLDER_LEN + sl ||
				    (size_t)(ph - hd->value) != pl || strncmp(hd->value, cr->prefix, pl) ||
				    strncmp(ph + PROXY_PLACEHOLDER_LEN, cr->suffix, sl))
					continue;
			}
			uint64_t s = session_find(p, k, ph, PROXY_PLACEHOLDER_LEN);
			if (s && (!c->session || s == c->session)) {
				cred = cr, hdr = (long)i, sess = s;
			}
		}
		if (cred)
			break;
	}
	/* Placeholders anywhere else: the target, other headers. */
	long f = find_placeholder(p, h->target, h->target_len);
	if (f >= 0) {
		attempt = true;
		attempt_cred = (size_t)f < p->cfg.ncreds ? p->cfg.creds[f].name : NULL;
	}
	for (size_t i = 0; i < h->nh; i++) {
		if ((long)i == hdr)
			continue;
		f = find_placeholder(p, h->h[i].value, h->h[i].value_len);
		if (f >= 0) {
			attempt = true;
			if ((size_t)f < p->cfg.ncreds)
				attempt_cred = p->cfg.creds[f].name;
		}
	}
	if (!sess)
		sess = c->session;
	ev.session = sess;
	if (rt->only && !cred) {
		/* route mode: the placeholder is the only way in */
		answer(c, 401, "this request does not carry this credential's placeholder",
		       "use the value of the variable hush sandbox set, in the header the "
		       "credential names");
		ev.kind = "unauthorized", ev.status = 401, ev.credential = rt->only->name;
		ev.reason = "no valid placeholder";
		audit(c, &ev);
		if (attempt) {
			ev.kind = "attempt", ev.credential = attempt_cred;
			ev.reason = "placeholder outside the credential's header";
			audit(c, &ev);
		}
		return false;
	}
	if (attempt) {
		struct proxy_event a = ev;
		a.kind = "attempt", a.credential = attempt_cred, a.status = 0;
		a.reason = "placeholder outside the credential's header or hosts; not replaced";
		audit(c, &a);
	}

	/* The value, after the human (through authorize). */
	uint8_t *value = NULL;
	size_t vlen = 0;
	if (cred) {
		ev.credential = cred->name;
		struct proxy_use use = { .session = sess, .cred = cred, .host = rt->host,
					 .method = method, .path = path };
		int r = p->cfg.authorize ? p->cfg.authorize(p->cfg.ctx, &use, &value, &vlen)
					 : HUSH_ENOENT;
		if (r || !value) {
			char why[256];
			int st = 502;
			if (r == HUSH_EREFUSED) {
				st = 403;
				snprintf(why, sizeof(why), "the use of credential %s was refused", cred->name);
			} else if (r == HUSH_ENOENT || (!r && !value)) {
				snprintf(why, sizeof(why), "credential %s: the vault has no entry %s",
					 cred->name, cred->secret);
			} else {
				snprintf(why, sizeof(why), "credential %s: %s", cred->name, hush_strerror(r));
			}
			answer(c, st, why, r == HUSH_ENOENT ? "add it outside the sandbox: hush set NAME"
							     : NULL);
			ev.kind = st == 403 ? "refused" : "error", ev.status = st, ev.reason = why;
			audit(c, &ev);
			if (value)
				sodium_free(value);
			return false;
		}
	}

	/* Upstream. */
	char why[512];
	if (up_open(c, rt->host, rt->port, true, why, sizeof(why))) {
		if (value)
			sodium_free(value);
		answer(c, 502, why, NULL);
		ev.kind = "error", ev.status = 502, ev.reason = why;
		audit(c, &ev);
		return false;
	}
	struct buf out;
	buf_init(&out, HTTP_MAX_HEAD + 4096 + vlen, value != NULL);
	struct inject inj = { .hdr = hdr, .basic = basic, .value = value, .len = vlen };
	int r = build_request(&out, h, rt->target, rt->target_len, rt->host, rt->port, cred,
			      value ? &inj : NULL);
	struct mask *m = NULL;
	if (value) {
		m = mask_new();
		if (m && mask_add(m, cred->name, value, vlen) == HUSH_ENOMEM) {
			mask_free(m);
			m = NULL;
		}
		/* an echoed Basic header would carry the value in base64 */
		char *enc = m && basic ? basic_encode(&h->h[hdr], &inj) : NULL;
		if (enc && mask_add(m, cred->name, (const uint8_t *)enc, strlen(enc)) == HUSH_ENOMEM) {
			mask_free(m);
			m = NULL;
		}
		if (enc)
			sodium_free(enc);
		sodium_free(value);
		value = NULL;
		if (!m)
			r = HUSH_ENOMEM;
	}
	bool keep = !h->close;
	bool sent = false;
	if (!r) {
		r = io_write(&c->up, out.data, out.len);
		sent = true;
	}
	buf_free(&out);
	consume(c->in, &c->inlen, h->head_len);
	if (!r && h->expect_continue)
		(void)io_write(&c->cli, "HTTP/1.1 100 Continue\r\n\r\n", 25);
	bool body_attempt = false;
	if (!r)
		r = relay_request_body(c, h, &ev.bytes_up, &body_attempt);
	if (body_attempt) {
		struct proxy_event a = ev;
		a.kind = "attempt", a.credential = NULL, a.status = 0;
		a.reason = "placeholder in the request body; not replaced";
		audit(c, &a);
	}
	if (r) {
		mask_free(m);
		answer(c, r == HUSH_EFORMAT ? 400 : 502,
		       r == HUSH_EFORMAT ? "malformed request body framing"
		       : sent ? "the upstream connection failed while sending the request"
			      : "request head too large", NULL);
		ev.kind = "error", ev.status = r == HUSH_EFORMAT ? 400 : 502, ev.reason = "request";
		audit(c, &ev);
		io_close(&c->up);
		return false;
	}

	/* Response head (1xx skipped, 101 refused above via Upgrade). */
	struct http_head resp;
	uint64_t deadline = now_ms() + (p->cfg.idle_timeout_ms ? p->cfg.idle_timeout_ms : 120000);
	for (;;) {
		r = read_head(&c->up, c->rin, &c->rinlen, true, deadline, &resp);
		if (r != 1)
			break;
		if (resp.status >= 200 || resp.status == 101)
			break;
		consume(c->rin, &c->rinlen, resp.head_len);
	}
	if (r != 1 || resp.status == 101) {
		mask_free(m);
		const char *w = r == HUSH_ETIMEDOUT ? "the upstream did not answer in time"
			      : r == 0 || r == HUSH_EIO ? "the upstream closed the connection"
			      : resp.status == 101 ? "the upstream switched protocols"
						   : "the upstream sent a malformed response head";
		answer(c, 502, w, NULL);
		ev.kind = "error", ev.status = 502, ev.reason = w;
		audit(c, &ev);
		io_close(&c->up);
		return false;
	}
	bool no_body = (h->method_len == 4 && !memcmp(h->method, "HEAD", 4)) ||
		       resp.status == 204 || resp.status == 304;
	bool until_close = !resp.chunked && resp.content_length < 0 && !no_body;
	bool rechunk = m && h->minor == 1;
	if ((m && !rechunk) || (!m && until_close))
		keep = false; /* the body ends when the connection does */
	struct buf rh;
	buf_init(&rh, HTTP_MAX_HEAD + 1024, false);
	r = build_response(&rh, &resp, m, rechunk, no_body, !keep);
	bool up_close = resp.close;
	if (!r)
		r = io_write(&c->cli, rh.data, rh.len);
	buf_free(&rh);
	consume(c->rin, &c->rinlen, resp.head_len);
	if (!r)
		r = relay_response_body(c, &resp, no_body, m, rechunk, &ev.bytes_down, &up_close);
	mask_free(m);
	if (up_close || r)
		io_close(&c->up);
	ev.kind = cred ? "use" : "pass";
	ev.status = resp.status;
	ev.reason = r ? "the transfer broke off" : NULL;
	if (cred || attempt)
		audit(c, &ev);
	return keep && !r;
}

/* --- modes --- */

/* CONNECT host:port with the proxy token. */
static bool do_connect(struct conn *c, struct http_head *h)
{
	struct proxy *p = c->p;
	char target[300];
	struct proxy_event ev = { .kind = "bad-request", .method = "CONNECT" };
	if (c->mitm) {
		answer(c, 400, "CONNECT inside a tunnel", NULL);
		return false;
	}
	if (h->target_len >= sizeof(target) ||
	    credential_parse_hostport((snprintf(target, sizeof(target), "%.*s", (int)h->target_len,
						h->target), target), 0, c->host, sizeof(c->host),
				      &c->port) || c->port == 0) {
		answer(c, 400, "CONNECT needs host:port", NULL);
		audit(c, &ev);
		return false;
	}
	ev.host = c->host;
	const struct http_header *pa = http_find(h, "proxy-authorization");
	uint64_t sess = 0;
	if (pa && pa->value_len > 6 && !strncasecmp(pa->value, "Basic ", 6)) {
		uint8_t dec[256];
		size_t dl = 0;
		if (sodium_base642bin(dec, sizeof(dec) - 1, pa->value + 6, pa->value_len - 6, NULL, &dl,
				      NULL, sodium_base64_VARIANT_ORIGINAL) == 0) {
			uint8_t *colon = memchr(dec, ':', dl);
			if (colon)
				sess = session_find(p, SIZE_MAX, (const char *)colon + 1,
						    dl - (size_t)(colon + 1 - dec));
		}
		sodium_memzero(dec, sizeof(dec));
	}
	if (!sess) {
		answer(c, 407, "the proxy needs this session's token",
		       "use the HTTPS_PROXY value hush sandbox set (it carries the token)");
		ev.kind = "unauthorized", ev.status = 407, ev.reason = "no valid proxy token";
		audit(c, &ev);
		return false;
	}
	c->session = sess;
	ev.session = sess;
	consume(c->in, &c->inlen, h->head_len);
	if (c->inlen) {
		answer(c, 400, "bytes sent before the tunnel was established", NULL);
		return false;
	}
	bool terminate = false;
	for (size_t k = 0; k < p->cfg.ncreds; k++)
		terminate |= credential_host_match(&p->cfg.creds[k], c->host, c->port);
	if (!terminate && !session_may_reach(p, sess, c->host, c->port)) {
		char why[400];
		snprintf(why, sizeof(why), "%s:%u is not on this sandbox's list of hosts", c->host,
			 c->port);
		answer(c, 403, why, "add it with hush sandbox --allow-host HOST[:PORT]");
		ev.kind = "blocked", ev.status = 403, ev.reason = "host not on the allow list";
		audit(c, &ev);
		return false;
	}
	if (terminate) {
		SSL_CTX *ctx = proxy_tls_server(p->tls, c->host);
		if (!ctx) {
			answer(c, 502, "cannot make a certificate for this host", NULL);
			return false;
		}
		static const char ok200[] = "HTTP/1.1 200 Connection established\r\n\r\n";
		if (io_write(&c->cli, ok200, sizeof(ok200) - 1)) {
			SSL_CTX_free(ctx);
			return false;
		}
		c->cli.ssl = SSL_new(ctx);
		SSL_CTX_free(ctx);
		if (!c->cli.ssl)
			return false;
		SSL_set_fd(c->cli.ssl, c->cli.fd);
		ERR_clear_error();
		if (SSL_accept(c->cli.ssl) != 1) {
			char why[160], r[300];
			proxy_tls_reason(why, sizeof(why));
			snprintf(r, sizeof(r), "the client refused the session CA (certificate "
				 "pinning, or no CA bundle): %s", why);
			ev.kind = "error", ev.reason = r;
			audit(c, &ev);
			return false;
		}
		c->mitm = true;
		return true;
	}
	/* Not a credential host: a plain tunnel, bytes untouched. */
	char why[512];
	int fd = tcp_connect(c, c->host, c->port, why, sizeof(why));
	if (fd < 0) {
		answer(c, 502, why, NULL);
		ev.kind = "error", ev.status = 502, ev.reason = why;
		audit(c, &ev);
		return false;
	}
	static const char ok200[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	if (io_write(&c->cli, ok200, sizeof(ok200) - 1)) {
		close(fd);
		return false;
	}
	ev.kind = "tunnel", ev.status = 200;
	uint8_t *b = malloc(IO_BUF);
	struct pollfd pf[2] = { { .fd = c->cli.fd, .events = POLLIN }, { .fd = fd, .events = POLLIN } };
	unsigned idle = p->cfg.idle_timeout_ms ? p->cfg.idle_timeout_ms : 120000;
	while (b && !atomic_load(&p->stopping)) {
		int r = poll(pf, 2, (int)idle * 5);
		if (r <= 0)
			break;
		int from = (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) ? 0 : 1;
		ssize_t n = recv(pf[from].fd, b, IO_BUF, 0);
		if (n <= 0)
			break;
		if (send(pf[1 - from].fd, b, (size_t)n, MSG_NOSIGNAL) != n)
			break;
		if (from == 0)
			ev.bytes_up += (uint64_t)n;
		else
			ev.bytes_down += (uint64_t)n;
	}
	free(b);
	close(fd);
	audit(c, &ev);
	return false;
}

/* Route mode: "/<credential>/rest" to the credential's upstream. */
static bool do_route(struct conn *c, struct http_head *h)
{
	struct proxy *p = c->p;
	const char *t = h->target;
	size_t n = h->target_len;
	struct proxy_event ev = { .kind = "bad-request", .method = "?" };
	if (n == 0 || t[0] != '/') {
		answer(c, 400, "absolute-form requests (plain http:// through the proxy) are not "
		       "supported", "use https:// URLs; HTTPS_PROXY carries them");
		audit(c, &ev);
		return false;
	}
	size_t seg = 1;
	while (seg < n && t[seg] != '/' && t[seg] != '?')
		seg++;
	const struct credential *cred = NULL;
	size_t idx = 0;
	for (size_t k = 0; k < p->cfg.ncreds; k++) {
		const struct credential *cr = &p->cfg.creds[k];
		if (cr->upstream && strlen(cr->name) == seg - 1 && !memcmp(cr->name, t + 1, seg - 1))
			cred = cr, idx = k;
	}
	if (!cred) {
		char routes[512] = "";
		size_t off = 0;
		for (size_t k = 0; k < p->cfg.ncreds; k++) {
			if (!p->cfg.creds[k].upstream)
				continue;
			int w = snprintf(routes + off, sizeof(routes) - off, "%s/%s", off ? ", " : "",
					 p->cfg.creds[k].name);
			if (w < 0 || (size_t)w >= sizeof(routes) - off)
				break;
			off += (size_t)w;
		}
		char why[700];
		snprintf(why, sizeof(why), "no route for this path (routes: %s)", off ? routes : "none");
		answer(c, 404, why, "point the client's base URL at http://127.0.0.1:PORT/<credential>");
		char path[128];
		path_only(t, n, path, sizeof(path));
		ev.kind = "bad-request", ev.status = 404, ev.path = path, ev.reason = "no route";
		audit(c, &ev);
		return false;
	}
	/* upstream path = up_path + rest ("/" when empty) */
	char target[HTTP_MAX_LINE + 512];
	const char *rest = t + seg;
	size_t rl = n - seg;
	int w = snprintf(target, sizeof(target), "%s%s%.*s", cred->up_path,
			 (rl == 0 || rest[0] == '?') ? "/" : "", (int)rl, rest);
	if (w < 0 || (size_t)w >= sizeof(target)) {
		answer(c, 400, "request target too long", NULL);
		return false;
	}
	struct route rt = { .host = cred->up_host, .port = cred->up_port, .target = target,
			    .target_len = (size_t)w, .only = cred, .only_idx = idx };
	return handle(c, h, &rt);
}

static void serve(struct conn *c)
{
	struct proxy *p = c->p;
	unsigned head_ms = p->cfg.head_timeout_ms ? p->cfg.head_timeout_ms : 30000;
	unsigned idle_ms = p->cfg.idle_timeout_ms ? p->cfg.idle_timeout_ms : 120000;
	bool first = true;
	while (!atomic_load(&p->stopping)) {
		/* wait for the next request (idle), then the whole head (head_ms) */
		if (!c->inlen && !io_wait(&c->cli, now_ms() + (first ? head_ms : idle_ms)))
			break;
		struct http_head h;
		int r = read_head(&c->cli, c->in, &c->inlen, false, now_ms() + head_ms, &h);
		first = false;
		if (r == 0)
			break;
		if (r != 1) {
			struct proxy_event ev = { .kind = "bad-request", .session = c->session,
						  .host = c->mitm ? c->host : NULL };
			if (r == HUSH_ETIMEDOUT) {
				answer(c, 408, "the request head did not arrive in time", NULL);
				ev.status = 408, ev.reason = "slow client";
			} else if (r == HUSH_ETOOBIG) {
				answer(c, 400, "request line or headers over the proxy's size limits", NULL);
				ev.status = 400, ev.reason = "too large";
			} else if (r == HUSH_EFORMAT) {
				answer(c, 400, "malformed request head", NULL);
				ev.status = 400, ev.reason = "malformed";
			} else {
				break;
			}
			audit(c, &ev);
			break;
		}
		bool more;
		if (h.method_len == 7 && !memcmp(h.method, "CONNECT", 7)) {
			more = do_connect(c, &h);
		} else if (c->mitm) {
			if (!session_alive(p, c->session)) {
				answer(c, 401, "the session of this tunnel has ended", NULL);
				break;
			}
			if (h.target_len == 0 || h.target[0] != '/') {
				answer(c, 400, "expected an origin-form target inside the tunnel", NULL);
				break;
			}
			struct route rt = { .host = c->host, .port = c->port, .target = h.target,
					    .target_len = h.target_len };
			more = handle(c, &h, &rt);
		} else {
			more = do_route(c, &h);
		}
		if (!more)
			break;
	}
}

/* --- threads --- */

static void conn_track(struct proxy *p, int fd, bool add)
{
	pthread_mutex_lock(&p->lock);
	unsigned cap = p->cfg.max_conns;
	for (unsigned i = 0; i < cap; i++) {
		if (add && p->conn_fds[i] < 0) {
			p->conn_fds[i] = fd;
			break;
		}
		if (!add && p->conn_fds[i] == fd) {
			p->conn_fds[i] = -1;
			break;
		}
	}
	if (!add && --p->nconns == 0)
		pthread_cond_broadcast(&p->idle);
	pthread_mutex_unlock(&p->lock);
}

static void *conn_thread(void *arg)
{
	struct conn *c = arg;
	int fd = c->cli.fd;
	serve(c);
	io_close(&c->up);
	if (c->cli.ssl) {
		SSL_shutdown(c->cli.ssl);
		SSL_free(c->cli.ssl);
	}
	struct proxy *p = c->p;
	conn_track(p, fd, false);
	close(fd);
	sodium_memzero(c, sizeof(*c));
	free(c);
	OPENSSL_thread_stop();
	return NULL;
}

static void *listen_thread(void *arg)
{
	struct proxy *p = arg;
	while (!atomic_load(&p->stopping)) {
		struct pollfd pf[2] = { { .fd = p->lfd, .events = POLLIN },
					{ .fd = p->ufd, .events = POLLIN } };
		if (poll(pf, p->ufd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		if (atomic_load(&p->stopping) || (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			break;
		int from = (pf[1].revents & POLLIN) ? p->ufd : p->lfd;
		if (!(pf[0].revents & POLLIN) && from == p->lfd)
			continue;
		int fd = accept4(from, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) {
				if (errno == EMFILE || errno == ENFILE)
					usleep(10000);
				continue;
			}
			break;
		}
		pthread_mutex_lock(&p->lock);
		bool full = p->nconns >= p->cfg.max_conns || atomic_load(&p->stopping);
		if (!full)
			p->nconns++;
		pthread_mutex_unlock(&p->lock);
		if (full) {
			static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: "
						   "27\r\nConnection: close\r\n\r\nhush: too many connections\n";
			(void)send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		struct conn *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			conn_track(p, -2, false);
			continue;
		}
		c->p = p;
		c->cli.fd = fd;
		c->up.fd = -1;
		set_timeouts(fd, p->cfg.idle_timeout_ms);
		conn_track(p, fd, true);
		pthread_t t;
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&at, 256 * 1024);
		if (pthread_create(&t, &at, conn_thread, c)) {
			conn_track(p, fd, false);
			close(fd);
			free(c);
		}
		pthread_attr_destroy(&at);
	}
	return NULL;
}

int proxy_start(const struct proxy_config *cfg, struct proxy **out, char *err, size_t errlen)
{
	err[0] = 0;
	for (size_t i = 0; i < cfg->ncreds; i++) {
		if (cfg->creds[i].nhosts == 0 || !cfg->creds[i].header) {
			snprintf(err, errlen, "credential %s has no hosts or no header", cfg->creds[i].name);
			return HUSH_EINVAL;
		}
	}
	struct proxy *p = calloc(1, sizeof(*p));
	if (!p)
		return HUSH_ENOMEM;
	p->cfg = *cfg;
	if (!p->cfg.max_conns)
		p->cfg.max_conns = 256;
	if (!p->cfg.idle_timeout_ms)
		p->cfg.idle_timeout_ms = 120000;
	p->lfd = p->ufd = -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->conn_fds = malloc(p->cfg.max_conns * sizeof(int));
	int rc = HUSH_ENOMEM;
	if (!p->conn_fds)
		goto fail;
	for (unsigned i = 0; i < p->cfg.max_conns; i++)
		p->conn_fds[i] = -1;
	for (size_t i = 0; i < PROXY_MAX_SESSIONS; i++) {
		p->sessions[i].ph = calloc(cfg->ncreds ? cfg->ncreds : 1, sizeof(*p->sessions[i].ph));
		if (!p->sessions[i].ph)
			goto fail;
	}
	rc = proxy_tls_new(cfg->ca_files, &p->tls, err, errlen);
	if (rc)
		goto fail;
	rc = HUSH_EIO;
	p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(cfg->port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(p->lfd, 128) || getsockname(p->lfd, (struct sockaddr *)&sa, &sl)) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1:%u: %s", cfg->port, strerror(errno));
		goto fail;
	}
	p->port = ntohs(sa.sin_port);
	if (cfg->unix_path) {
		/* for sandboxes without a network of their own (network = proxy-only) */
		struct sockaddr_un su = { .sun_family = AF_UNIX };
		if (strlen(cfg->unix_path) >= sizeof(su.sun_path)) {
			snprintf(err, errlen, "socket path too long: %s", cfg->unix_path);
			goto fail;
		}
		strcpy(su.sun_path, cfg->unix_path);
		unlink(cfg->unix_path);
		p->ufd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (p->ufd < 0 || bind(p->ufd, (struct sockaddr *)&su, sizeof(su)) ||
		    listen(p->ufd, 128)) {
			snprintf(err, errlen, "cannot listen on %s: %s", cfg->unix_path, strerror(errno));
			goto fail;
		}
	}
	if (pthread_create(&p->thread, NULL, listen_thread, p)) {
		snprintf(err, errlen, "cannot start the proxy thread");
		goto fail;
	}
	*out = p;
	return 0;
fail:
	if (!err[0])
		snprintf(err, errlen, "%s", hush_strerror(rc));
	if (p->lfd >= 0)
		close(p->lfd);
	if (p->ufd >= 0) {
		close(p->ufd);
		unlink(cfg->unix_path);
	}
	proxy_tls_free(p->tls);
	for (size_t i = 0; i < PROXY_MAX_SESSIONS; i++)
		free(p->sessions[i].ph);
	free(p->conn_fds);
	free(p);
	return rc;
}

void proxy_stop(struct proxy *p)
{
	if (!p)
		return;
	atomic_store(&p->stopping, true);
	shutdown(p->lfd, SHUT_RDWR);
	if (p->ufd >= 0)
		shutdown(p->ufd, SHUT_RDWR);
	pthread_join(p->thread, NULL);
	close(p->lfd);
	if (p->ufd >= 0) {
		close(p->ufd);
		unlink(p->cfg.unix_path);
	}
	pthread_mutex_lock(&p->lock);
	for (unsigned i = 0; i < p->cfg.max_conns; i++)
		if (p->conn_fds[i] >= 0)
			shutdown(p->conn_fds[i], SHUT_RDWR);
	while (p->nconns > 0)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < PROXY_MAX_SESSIONS; i++) {
		sodium_memzero(p->sessions[i].ph, p->cfg.ncreds * sizeof(*p->sessions[i].ph));
		free(p->sessions[i].ph);
		free(p->sessions[i].allow);
	}
	sodium_memzero(p->sessions, sizeof(p->sessions));
	proxy_tls_free(p->tls);
	free(p->conn_fds);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->idle);
	free(p);
}

uint16_t proxy_port(const struct proxy *p)
{
	return p->port;
}

const char *proxy_ca_pem(const struct proxy *p)
{
	return proxy_tls_ca_pem(p->tls);
}
