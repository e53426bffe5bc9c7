/* SPDX-License-Identifier: ISC */
/* CONNECT: see tunnel.h. */
#include "proxy/tunnel.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config/credential.h"
#include "proxy/serve.h"
#include "proxy/sessions.h"
#include "proxy/tls.h"

static const char ok200[] = "HTTP/1.1 200 Connection established\r\n\r\n";

/* The session whose token is the password of h's Proxy-Authorization
 * (Basic); 0 for none. */
static uint64_t token_session(struct proxy *p, const struct http_head *h)
{
	const struct http_header *pa = http_find(h, "proxy-authorization");
	uint64_t sess = 0;
	if (!pa || pa->value_len <= 6 || strncasecmp(pa->value, "Basic ", 6))
		return 0;
	uint8_t dec[256];
	size_t dl = 0;
	if (sodium_base642bin(dec, sizeof(dec) - 1, pa->value + 6, pa->value_len - 6, NULL, &dl, NULL,
			      sodium_base64_VARIANT_ORIGINAL) == 0) {
		uint8_t *colon = memchr(dec, ':', dl);
		if (colon)
			sess = sessions_find(p->sessions, SIZE_MAX, (const char *)colon + 1,
					     dl - (size_t)(colon + 1 - dec));
	}
	sodium_memzero(dec, sizeof(dec));
	return sess;
}

/* Terminates the client's TLS with a leaf for c->host: true when requests
 * can follow. */
static bool mitm_accept(struct conn *c, struct proxy_event *ev)
{
	SSL_CTX *ctx = proxy_tls_server(c->p->tls, c->host);
	if (!ctx) {
		serve_answer(c, 502, "cannot make a certificate for this host", NULL);
		return false;
	}
	if (stream_write(&c->cli, ok200, sizeof(ok200) - 1)) {
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
		ev->kind = "error", ev->reason = r;
		serve_audit(c, ev);
		return false;
	}
	c->mitm = true;
	return true;
}

/* Copies bytes both ways between the client and fd until either side
 * ends, the tunnel idles too long or the proxy stops. */
static void splice_bytes(struct conn *c, int fd, struct proxy_event *ev)
{
	struct proxy *p = c->p;
	uint8_t *b = malloc(STREAM_CHUNK);
	struct pollfd pf[2] = { { .fd = c->cli.fd, .events = POLLIN }, { .fd = fd, .events = POLLIN } };
	unsigned idle = p->cfg.idle_timeout_ms;
	while (b && !atomic_load(&p->stopping)) {
		int r = poll(pf, 2, (int)idle * 5);
		if (r <= 0)
			break;
		int from = (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) ? 0 : 1;
		ssize_t n = recv(pf[from].fd, b, STREAM_CHUNK, 0);
		if (n <= 0)
			break;
		if (send(pf[1 - from].fd, b, (size_t)n, MSG_NOSIGNAL) != n)
			break;
		if (from == 0)
			ev->bytes_up += (uint64_t)n;
		else
			ev->bytes_down += (uint64_t)n;
	}
	free(b);
}

/* A plain tunnel to c->host:c->port, bytes untouched. */
static void plain_tunnel(struct conn *c, struct proxy_event *ev)
{
	char why[512];
	int fd = upstream_tcp(&c->p->cfg, c->host, c->port, why, sizeof(why));
	if (fd < 0) {
		serve_fail(c, ev, 502, why);
		return;
	}
	if (stream_write(&c->cli, ok200, sizeof(ok200) - 1)) {
		close(fd);
		return;
	}
	ev->kind = "tunnel", ev->status = 200;
	splice_bytes(c, fd, ev);
	close(fd);
	serve_audit(c, ev);
}

bool tunnel_connect(struct conn *c, struct http_head *h)
{
	struct proxy *p = c->p;
	char target[300];
	struct proxy_event ev = { .kind = "bad-request", .method = "CONNECT" };
	if (c->mitm) {
		serve_answer(c, 400, "CONNECT inside a tunnel", NULL);
		return false;
	}
	if (h->target_len < sizeof(target))
		snprintf(target, sizeof(target), "%.*s", (int)h->target_len, h->target);
	if (h->target_len >= sizeof(target) ||
	    credential_parse_hostport(target, 0, c->host, sizeof(c->host), &c->port) || c->port == 0) {
		serve_answer(c, 400, "CONNECT needs host:port", NULL);
		serve_audit(c, &ev);
		return false;
	}
	ev.host = c->host;
	uint64_t sess = token_session(p, h);
	if (!sess) {
		serve_answer(c, 407, "the proxy needs this session's token",
			     "use the HTTPS_PROXY value hush sandbox set (it carries the token)");
		ev.kind = "unauthorized", ev.status = 407, ev.reason = "no valid proxy token";
		serve_audit(c, &ev);
		return false;
	}
	c->session = sess;
	ev.session = sess;
	stream_consume(&c->cli, h->head_len);
	if (c->cli.inlen) {
		serve_answer(c, 400, "bytes sent before the tunnel was established", NULL);
		return false;
	}
	bool terminate = false;
	for (size_t k = 0; k < p->cfg.ncreds; k++)
		terminate |= credential_host_match(&p->cfg.creds[k], c->host, c->port);
	if (terminate)
		return mitm_accept(c, &ev);
	if (!sessions_may_reach(p->sessions, sess, c->host, c->port)) {
		char why[400];
		snprintf(why, sizeof(why), "%s:%u is not on this sandbox's list of hosts", c->host,
			 c->port);
		serve_answer(c, 403, why, "add it with hush sandbox --allow-host HOST[:PORT]");
		ev.kind = "blocked", ev.status = 403, ev.reason = "host not on the allow list";
		serve_audit(c, &ev);
		return false;
	}
	plain_tunnel(c, &ev);
	return false;
}
