/* SPDX-License-Identifier: ISC */
/* One client connection of the proxy: see serve.h.
 *
 * A connection thread uses blocking sockets and deadlines: it may wait on
 * a human (confirm = always) without holding up any other, and a request
 * is handled as a straight line of code, which keeps the rules that
 * matter (where a value may go) easy to read. Every socket has send and
 * receive timeouts, and a request head must arrive within
 * head_timeout_ms. */
#include "proxy/serve.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "proxy/exchange.h"
#include "proxy/sessions.h"
#include "proxy/tunnel.h"

void serve_audit(struct conn *c, const struct proxy_event *ev)
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

void serve_answer(struct conn *c, int status, const char *reason, const char *hint)
{
	char body[1024], head[512];
	snprintf(body, sizeof(body), "hush: %s\n%s%s%s", reason, hint ? "hint: " : "",
		 hint ? hint : "", hint ? "\n" : "");
	snprintf(head, sizeof(head),
		 "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
		 status, status_text(status), strlen(body),
		 status == 407 ? "Proxy-Authenticate: Basic realm=\"hush\"\r\n" : "");
	if (stream_write(&c->cli, head, strlen(head)) == 0)
		(void)stream_write(&c->cli, body, strlen(body));
}

void serve_fail(struct conn *c, struct proxy_event *ev, int status, const char *why)
{
	serve_answer(c, status, why, NULL);
	ev->kind = "error", ev->status = status, ev->reason = why;
	serve_audit(c, ev);
}

/* A request head that did not arrive whole (r from stream_read_head):
 * answered and audited, unless the client just went away. */
static void bad_head(struct conn *c, int r)
{
	struct proxy_event ev = { .kind = "bad-request", .session = c->session,
				  .host = c->mitm ? c->host : NULL };
	if (r == HUSH_ETIMEDOUT) {
		serve_answer(c, 408, "the request head did not arrive in time", NULL);
		ev.status = 408, ev.reason = "slow client";
	} else if (r == HUSH_ETOOBIG) {
		serve_answer(c, 400, "request line or headers over the proxy's size limits", NULL);
		ev.status = 400, ev.reason = "too large";
	} else if (r == HUSH_EFORMAT) {
		serve_answer(c, 400, "malformed request head", NULL);
		ev.status = 400, ev.reason = "malformed";
	} else {
		return;
	}
	serve_audit(c, &ev);
}

/* A request inside a terminated tunnel goes to the tunnel's host. */
static bool in_tunnel(struct conn *c, struct http_head *h)
{
	if (!sessions_alive(c->p->sessions, c->session)) {
		serve_answer(c, 401, "the session of this tunnel has ended", NULL);
		return false;
	}
	if (h->target_len == 0 || h->target[0] != '/') {
		serve_answer(c, 400, "expected an origin-form target inside the tunnel", NULL);
		return false;
	}
	struct route rt = { .host = c->host, .port = c->port, .target = h->target,
			    .target_len = h->target_len };
	return exchange_run(c, h, &rt);
}

void serve_conn(struct conn *c)
{
	struct proxy *p = c->p;
	unsigned head_ms = p->cfg.head_timeout_ms ? p->cfg.head_timeout_ms : 30000;
	unsigned idle_ms = p->cfg.idle_timeout_ms;
	bool first = true;
	while (!atomic_load(&p->stopping)) {
		/* wait for the next request (idle), then the whole head (head_ms) */
		if (!c->cli.inlen && !stream_wait(&c->cli, time_mono_ms() + (first ? head_ms : idle_ms)))
			break;
		struct http_head h;
		int r = stream_read_head(&c->cli, false, time_mono_ms() + head_ms, &h);
		first = false;
		if (r == 0)
			break;
		if (r != 1) {
			bad_head(c, r);
			break;
		}
		bool more;
		if (h.method_len == 7 && !memcmp(h.method, "CONNECT", 7))
			more = tunnel_connect(c, &h);
		else if (c->mitm)
			more = in_tunnel(c, &h);
		else
			more = exchange_route(c, &h);
		if (!more)
			break;
	}
}
