/* SPDX-License-Identifier: ISC */
/* One request through the proxy: see exchange.h. */
#include "proxy/exchange.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "broker/mask.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/util.h"
#include "config/credential.h"
#include "proxy/body.h"
#include "proxy/heads.h"
#include "proxy/serve.h"
#include "proxy/sessions.h"

/* What a request's head says about credentials. */
struct match {
	const struct credential *cred; /* whose header holds a live placeholder; NULL none */
	long hdr;                   /* that header's index */
	bool basic;                 /* the placeholder is inside Basic base64 */
	uint64_t sess;              /* the placeholder's session */
	bool attempt;               /* a placeholder anywhere else */
	const char *attempt_cred;   /* whose, when it is known */
};

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

/* The session of the placeholder of credential k in header hd; 0 for
 * none. *basic is set when it is inside "Basic base64(user:password)". */
static uint64_t header_session(struct proxy *p, size_t k, const struct http_header *hd,
			       bool *basic)
{
	const struct credential *cr = &p->cfg.creds[k];
	const size_t pl = strlen(SESSIONS_PH_PREFIX);
	const char *ph = memmem(hd->value, hd->value_len, SESSIONS_PH_PREFIX, pl);
	uint8_t dec[HEADS_BASIC_MAX];
	size_t dl = 0;
	if (!ph && !cr->templated && !heads_basic_decode(hd, dec, &dl)) {
		/* git and other Basic-auth clients: the placeholder is the
		 * password (or user) inside the base64 */
		const uint8_t *bp = memmem(dec, dl, SESSIONS_PH_PREFIX, pl);
		uint64_t s = 0;
		if (bp && (size_t)(dec + dl - bp) >= PROXY_PLACEHOLDER_LEN)
			s = sessions_find(p->sessions, k, (const char *)bp, PROXY_PLACEHOLDER_LEN);
		sodium_memzero(dec, sizeof(dec));
		*basic = true;
		return s;
	}
	if (!ph || (size_t)(hd->value + hd->value_len - ph) < PROXY_PLACEHOLDER_LEN)
		return 0;
	if (cr->templated) {
		/* exactly prefix + placeholder + suffix */
		size_t pre = strlen(cr->prefix), suf = strlen(cr->suffix);
		if (hd->value_len != pre + PROXY_PLACEHOLDER_LEN + suf ||
		    (size_t)(ph - hd->value) != pre || strncmp(hd->value, cr->prefix, pre) ||
		    strncmp(ph + PROXY_PLACEHOLDER_LEN, cr->suffix, suf))
			return 0;
	}
	*basic = false;
	return sessions_find(p->sessions, k, ph, PROXY_PLACEHOLDER_LEN);
}

/* Which credential this request may use: the first one for rt whose
 * header holds a placeholder of a live session (this tunnel's, inside
 * one); then placeholders anywhere else, in the target and other
 * headers. */
static void find_credential(struct conn *c, const struct http_head *h, const struct route *rt,
			    struct match *m)
{
	struct proxy *p = c->p;
	for (size_t k = 0; k < p->cfg.ncreds && !m->cred; k++) {
		const struct credential *cr = &p->cfg.creds[k];
		if (rt->only ? k != rt->only_idx : !credential_host_match(cr, rt->host, rt->port))
			continue;
		for (size_t i = 0; i < h->nh && !m->cred; i++) {
			if (!http_name_is(&h->h[i], cr->header))
				continue;
			bool basic = false;
			uint64_t s = header_session(p, k, &h->h[i], &basic);
			if (s && (!c->session || s == c->session))
				m->cred = cr, m->hdr = (long)i, m->sess = s, m->basic = basic;
		}
	}
	long f = sessions_placeholder_in(p->sessions, h->target, h->target_len);
	if (f >= 0) {
		m->attempt = true;
		m->attempt_cred = (size_t)f < p->cfg.ncreds ? p->cfg.creds[f].name : NULL;
	}
	for (size_t i = 0; i < h->nh; i++) {
		if ((long)i == m->hdr)
			continue;
		f = sessions_placeholder_in(p->sessions, h->h[i].value, h->h[i].value_len);
		if (f >= 0) {
			m->attempt = true;
			if ((size_t)f < p->cfg.ncreds)
				m->attempt_cred = p->cfg.creds[f].name;
		}
	}
}

static void audit_attempt(struct conn *c, const struct proxy_event *ev, const char *cred,
			  const char *reason)
{
	struct proxy_event a = *ev;
	a.kind = "attempt", a.credential = cred, a.status = 0, a.reason = reason;
	serve_audit(c, &a);
}

/* Route mode without the credential's placeholder: 401. */
static void unauthorized(struct conn *c, struct proxy_event *ev, const struct route *rt,
			 const struct match *m)
{
	serve_answer(c, 401, "this request does not carry this credential's placeholder",
		     "use the value of the variable hush sandbox set, in the header the "
		     "credential names");
	ev->kind = "unauthorized", ev->status = 401, ev->credential = rt->only->name;
	ev->reason = "no valid placeholder";
	serve_audit(c, ev);
	if (m->attempt) {
		ev->kind = "attempt", ev->credential = m->attempt_cred;
		ev->reason = "placeholder outside the credential's header";
		serve_audit(c, ev);
	}
}

/* The value of m's credential, after the human (through authorize): 0
 * with *value (sodium_malloc'd), or -1 after answering. */
static int ask_value(struct conn *c, struct proxy_event *ev, const struct match *m,
		     uint8_t **value, size_t *vlen)
{
	struct proxy *p = c->p;
	const struct credential *cred = m->cred;
	struct proxy_use use = { .session = m->sess, .cred = cred, .host = ev->host,
				 .method = ev->method, .path = ev->path };
	int r = p->cfg.authorize ? p->cfg.authorize(p->cfg.ctx, &use, value, vlen) : HUSH_ENOENT;
	if (!r && *value)
		return 0;
	char why[256];
	int st = 502;
	if (r == HUSH_EREFUSED) {
		st = 403;
		snprintf(why, sizeof(why), "the use of credential %s was refused", cred->name);
	} else if (r == HUSH_ENOENT || !r) {
		snprintf(why, sizeof(why), "credential %s: the vault has no entry %s", cred->name,
			 cred->secret);
	} else {
		snprintf(why, sizeof(why), "credential %s: %s", cred->name, hush_strerror(r));
	}
	serve_answer(c, st, why, r == HUSH_ENOENT ? "add it outside the sandbox: hush set NAME" : NULL);
	ev->kind = st == 403 ? "refused" : "error", ev->status = st, ev->reason = why;
	serve_audit(c, ev);
	if (*value)
		sodium_free(*value);
	*value = NULL;
	return -1;
}

/* A masker for the value, and for its base64 in a Basic header hd that
 * the response may echo; NULL when out of memory. */
static struct mask *value_mask(const struct credential *cred, const struct http_header *hd,
			       const struct heads_inject *inj)
{
	struct mask *mk = mask_new();
	if (mk && mask_add(mk, cred->name, inj->value, inj->len) == HUSH_ENOMEM) {
		mask_free(mk);
		return NULL;
	}
	char *enc = mk && inj->basic ? heads_basic_encode(hd, inj) : NULL;
	if (enc && mask_add(mk, cred->name, (const uint8_t *)enc, strlen(enc)) == HUSH_ENOMEM) {
		mask_free(mk);
		mk = NULL;
	}
	if (enc)
		sodium_free(enc);
	return mk;
}

/* Sends the request to rt's upstream: the head with the value put in
 * (value is wiped and freed here; *mk masks it in the response), then the
 * body. 0, or -1 after answering (the upstream closed). */
static int send_request(struct conn *c, const struct http_head *h, const struct route *rt,
			const struct match *m, uint8_t *value, size_t vlen, struct mask **mk,
			struct proxy_event *ev)
{
	char why[512];
	if (upstream_open(&c->up, &c->p->cfg, c->p->tls, rt->host, rt->port, why, sizeof(why))) {
		if (value)
			sodium_free(value);
		serve_fail(c, ev, 502, why);
		return -1;
	}
	struct buf out;
	buf_init(&out, HTTP_MAX_HEAD + 4096 + vlen, value != NULL);
	struct heads_inject inj = { .hdr = m->hdr, .basic = m->basic, .value = value, .len = vlen };
	int r = heads_request(&out, h, rt->target, rt->target_len, rt->host, rt->port,
			      value ? &inj : NULL);
	if (value) {
		*mk = value_mask(m->cred, &h->h[m->hdr], &inj);
		sodium_free(value);
		if (!*mk)
			r = HUSH_ENOMEM;
	}
	bool sent = false;
	if (!r) {
		r = stream_write(&c->up.s, out.data, out.len);
		sent = true;
	}
	buf_free(&out);
	bool body_attempt = false;
	stream_consume(&c->cli, h->head_len); /* h's strings are stale from here */
	if (!r && h->expect_continue)
		(void)stream_write(&c->cli, "HTTP/1.1 100 Continue\r\n\r\n", 25);
	if (!r)
		r = body_relay_request(&c->cli, &c->up.s, h, &ev->bytes_up, &body_attempt);
	if (body_attempt)
		audit_attempt(c, ev, NULL, "placeholder in the request body; not replaced");
	if (!r)
		return 0;
	mask_free(*mk);
	*mk = NULL;
	serve_answer(c, r == HUSH_EFORMAT ? 400 : 502,
		     r == HUSH_EFORMAT ? "malformed request body framing"
		     : sent ? "the upstream connection failed while sending the request"
			    : "request head too large", NULL);
	ev->kind = "error", ev->status = r == HUSH_EFORMAT ? 400 : 502, ev->reason = "request";
	serve_audit(c, ev);
	upstream_close(&c->up);
	return -1;
}

/* Reads the response head into resp, 1xx skipped (101 is refused: the
 * request could not ask for an upgrade). 0, or -1 after answering. */
static int read_response_head(struct conn *c, struct http_head *resp, struct proxy_event *ev)
{
	unsigned idle = c->p->cfg.idle_timeout_ms;
	uint64_t deadline = time_mono_ms() + idle;
	int r;
	for (;;) {
		r = stream_read_head(&c->up.s, true, deadline, resp);
		if (r != 1)
			break;
		if (resp->status >= 200 || resp->status == 101)
			break;
		stream_consume(&c->up.s, resp->head_len);
	}
	if (r == 1 && resp->status != 101)
		return 0;
	const char *w = r == HUSH_ETIMEDOUT ? "the upstream did not answer in time"
		      : r == 0 || r == HUSH_EIO ? "the upstream closed the connection"
		      : r == 1 ? "the upstream switched protocols"
			       : "the upstream sent a malformed response head";
	serve_fail(c, ev, 502, w);
	upstream_close(&c->up);
	return -1;
}

/* A response to a request that carried a value must come as it was asked
 * for (Accept-Encoding: identity): a compressed body would pass the
 * masker with an echoed value in it. 0, or -1 after answering 502. */
static int check_identity(struct conn *c, const struct http_head *resp, struct proxy_event *ev)
{
	for (size_t i = 0; i < resp->nh; i++) {
		const struct http_header *hd = &resp->h[i];
		if (!http_name_is(hd, "content-encoding") ||
		    (hd->value_len == 8 && !strncasecmp(hd->value, "identity", 8)))
			continue;
		serve_fail(c, ev, 502, "the upstream answered a request that carried a credential "
				       "with an encoded (compressed) body, which hush cannot mask");
		upstream_close(&c->up);
		return -1;
	}
	return 0;
}

/* Streams the response (head already in resp) to the client, masked with
 * mk when the request carried a value. keep says whether the client
 * connection could stay open; returns whether it may. */
static bool relay_response(struct conn *c, const struct http_head *resp, bool head_req,
			   int minor, bool keep, struct mask *mk, struct proxy_event *ev)
{
	bool no_body = head_req || resp->status == 204 || resp->status == 304;
	bool until_close = !resp->chunked && resp->content_length < 0 && !no_body;
	bool rechunk = mk && minor == 1;
	if ((mk && !rechunk) || (!mk && until_close))
		keep = false; /* the body ends when the connection does */
	struct buf rh;
	buf_init(&rh, HTTP_MAX_HEAD + 1024, false);
	int r = heads_response(&rh, resp, mk, rechunk, no_body, !keep);
	bool up_close = resp->close;
	if (!r)
		r = stream_write(&c->cli, rh.data, rh.len);
	buf_free(&rh);
	stream_consume(&c->up.s, resp->head_len);
	if (!r && !no_body)
		r = body_relay_response(&c->up.s, &c->cli, resp, mk, rechunk, &ev->bytes_down,
					&up_close);
	if (up_close || r)
		upstream_close(&c->up);
	ev->status = resp->status;
	ev->reason = r ? "the transfer broke off" : NULL;
	return keep && !r;
}

bool exchange_run(struct conn *c, struct http_head *h, const struct route *rt)
{
	char method[32], path[512];
	snprintf(method, sizeof(method), "%.*s", (int)(h->method_len < 31 ? h->method_len : 31),
		 h->method);
	path_only(h->target, h->target_len, path, sizeof(path));
	struct proxy_event ev = { .session = c->session, .host = rt->host, .method = method,
				  .path = path };
	if (h->upgrade) {
		serve_answer(c, 501, "protocol upgrades (WebSocket) are not supported by the proxy",
			     NULL);
		ev.kind = "bad-request", ev.status = 501, ev.reason = "upgrade";
		serve_audit(c, &ev);
		return false;
	}
	struct match m = { .hdr = -1 };
	find_credential(c, h, rt, &m);
	if (!m.sess)
		m.sess = c->session;
	ev.session = m.sess;
	if (rt->only && !m.cred) {
		/* route mode: the placeholder is the only way in */
		unauthorized(c, &ev, rt, &m);
		return false;
	}
	if (m.attempt)
		audit_attempt(c, &ev, m.attempt_cred,
			      "placeholder outside the credential's header or hosts; not replaced");
	uint8_t *value = NULL;
	size_t vlen = 0;
	if (m.cred) {
		ev.credential = m.cred->name;
		if (ask_value(c, &ev, &m, &value, &vlen))
			return false;
	}
	bool head_req = !strcmp(method, "HEAD");
	int minor = h->minor;
	bool keep = !h->close;
	struct mask *mk = NULL;
	if (send_request(c, h, rt, &m, value, vlen, &mk, &ev))
		return false;
	struct http_head resp;
	if (read_response_head(c, &resp, &ev) || (mk && check_identity(c, &resp, &ev))) {
		mask_free(mk);
		return false;
	}
	keep = relay_response(c, &resp, head_req, minor, keep, mk, &ev);
	mask_free(mk);
	ev.kind = m.cred ? "use" : "pass";
	if (m.cred || m.attempt)
		serve_audit(c, &ev);
	return keep;
}

/* The list of routes for a 404: "/a, /b" or "none". */
static void route_list(const struct proxy *p, char *out, size_t n)
{
	size_t off = 0;
	out[0] = 0;
	for (size_t k = 0; k < p->cfg.ncreds; k++) {
		if (!p->cfg.creds[k].upstream)
			continue;
		int w = snprintf(out + off, n - off, "%s/%s", off ? ", " : "", p->cfg.creds[k].name);
		if (w < 0 || (size_t)w >= n - off)
			break;
		off += (size_t)w;
	}
	if (!off)
		snprintf(out, n, "none");
}

bool exchange_route(struct conn *c, struct http_head *h)
{
	struct proxy *p = c->p;
	const char *t = h->target;
	size_t n = h->target_len;
	struct proxy_event ev = { .kind = "bad-request", .method = "?" };
	if (n == 0 || t[0] != '/') {
		serve_answer(c, 400, "absolute-form requests (plain http:// through the proxy) are "
			     "not supported", "use https:// URLs; HTTPS_PROXY carries them");
		serve_audit(c, &ev);
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
		char routes[512], why[700], path[128];
		route_list(p, routes, sizeof(routes));
		snprintf(why, sizeof(why), "no route for this path (routes: %s)", routes);
		serve_answer(c, 404, why,
			     "point the client's base URL at http://127.0.0.1:PORT/<credential>");
		path_only(t, n, path, sizeof(path));
		ev.status = 404, ev.path = path, ev.reason = "no route";
		serve_audit(c, &ev);
		return false;
	}
	/* upstream path = up_path + rest ("/" when empty) */
	char target[HTTP_MAX_LINE + 512];
	const char *rest = t + seg;
	size_t rl = n - seg;
	int w = snprintf(target, sizeof(target), "%s%s%.*s", cred->up_path,
			 (rl == 0 || rest[0] == '?') ? "/" : "", (int)rl, rest);
	if (w < 0 || (size_t)w >= sizeof(target)) {
		serve_answer(c, 400, "request target too long", NULL);
		return false;
	}
	struct route rt = { .host = cred->up_host, .port = cred->up_port, .target = target,
			    .target_len = (size_t)w, .only = cred, .only_idx = idx };
	return exchange_run(c, h, &rt);
}
