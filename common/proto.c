/* SPDX-License-Identifier: ISC */
/* Wire protocol encoders and decoders: see proto.h and docs/protocol.md. */
#include "common/proto.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"

int proto_check_len(uint32_t len)
{
	return (len < 1 || len > PROTO_MAX_MSG) ? HUSH_EPROTO : 0;
}

uint32_t proto_get_len(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Where the current frame starts; kept in the first 4 bytes' position by
 * remembering the offset before the length placeholder. */
int proto_begin(struct buf *b, uint8_t type)
{
	b->off = b->len; /* frame start, restored by proto_end */
	int r = buf_put_u32(b, 0);
	return r ? r : buf_put_u8(b, type);
}

int proto_end(struct buf *b)
{
	size_t start = b->off;
	size_t flen = b->len - start - PROTO_HDR;
	b->off = 0;
	if (flen > PROTO_MAX_MSG)
		return HUSH_ETOOBIG;
	b->data[start] = (uint8_t)(flen >> 24);
	b->data[start + 1] = (uint8_t)(flen >> 16);
	b->data[start + 2] = (uint8_t)(flen >> 8);
	b->data[start + 3] = (uint8_t)flen;
	return 0;
}

#define TRY(x)                   \
	do {                     \
		int r_ = (x);    \
		if (r_)          \
			return r_; \
	} while (0)

static int put_strs(struct buf *b, char *const *v, size_t n)
{
	TRY(buf_put_u32(b, (uint32_t)n));
	for (size_t i = 0; i < n; i++)
		TRY(buf_put_str(b, v[i]));
	return 0;
}

int proto_enc_run(struct buf *b, const struct proto_run *r)
{
	if (r->argc < 1 || r->argc > PROTO_MAX_ARGS || r->envc > PROTO_MAX_ENV)
		return HUSH_ETOOBIG;
	TRY(proto_begin(b, MSG_RUN));
	TRY(buf_put_u32(b, r->flags));
	TRY(buf_put_str(b, r->grant ? r->grant : ""));
	TRY(put_strs(b, r->argv, r->argc));
	TRY(put_strs(b, r->env, r->envc));
	TRY(buf_put_u16(b, r->rows));
	TRY(buf_put_u16(b, r->cols));
	return proto_end(b);
}

int proto_enc_signal(struct buf *b, uint32_t sig)
{
	TRY(proto_begin(b, MSG_SIGNAL));
	TRY(buf_put_u32(b, sig));
	return proto_end(b);
}

int proto_enc_winsize(struct buf *b, uint16_t rows, uint16_t cols)
{
	TRY(proto_begin(b, MSG_WINSIZE));
	TRY(buf_put_u16(b, rows));
	TRY(buf_put_u16(b, cols));
	return proto_end(b);
}

int proto_enc_control(struct buf *b, uint8_t type, const struct proto_control *c)
{
	if (!proto_control_type(type))
		return HUSH_EINVAL;
	TRY(proto_begin(b, type));
	TRY(buf_put_bytes(b, c->token, PROTO_TOKEN_BYTES));
	if (type == MSG_UNLOCK) {
		if (c->passlen)
			TRY(buf_put_data(b, c->pass, c->passlen));
		else
			TRY(buf_put_u32(b, 0));
	}
	if (type == MSG_APPROVE || type == MSG_DENY || type == MSG_SESSION_CLOSE)
		TRY(buf_put_u64(b, c->id));
	if (type == MSG_APPROVE)
		TRY(buf_put_u64(b, c->for_secs));
	if (type == MSG_SESSION_OPEN) {
		TRY(buf_put_u64(b, c->session.pidns));
		TRY(buf_put_u32(b, c->session.pid));
		TRY(buf_put_u64(b, c->session.start));
		TRY(buf_put_u32(b, c->session.flags));
		TRY(buf_put_str(b, c->session.allow_hosts ? c->session.allow_hosts : ""));
		TRY(buf_put_str(b, c->session.journal ? c->session.journal : ""));
	}
	return proto_end(b);
}

int proto_enc_hello(struct buf *b, const uint8_t challenge[PROTO_CHALLENGE_BYTES])
{
	TRY(proto_begin(b, MSG_HELLO));
	TRY(buf_put_bytes(b, challenge, PROTO_CHALLENGE_BYTES));
	return proto_end(b);
}

int proto_enc_hello_reply(struct buf *b, const uint8_t proof[PROTO_PROOF_BYTES])
{
	TRY(proto_begin(b, MSG_HELLO_REPLY));
	TRY(buf_put_bytes(b, proof, PROTO_PROOF_BYTES));
	return proto_end(b);
}

int proto_enc_session_reply(struct buf *b, const struct proto_session_reply *s)
{
	if (s->nenv > PROTO_MAX_SESSION_ENV)
		return HUSH_ETOOBIG;
	TRY(proto_begin(b, MSG_SESSION_REPLY));
	TRY(buf_put_u64(b, s->id));
	TRY(put_strs(b, s->env, s->nenv));
	TRY(buf_put_str(b, s->ca_pem ? s->ca_pem : ""));
	TRY(buf_put_str(b, s->note ? s->note : ""));
	return proto_end(b);
}

void proto_hello_proof(const uint8_t token[PROTO_TOKEN_BYTES],
		       const uint8_t challenge[PROTO_CHALLENGE_BYTES], uint32_t client_pid,
		       uint8_t proof[PROTO_PROOF_BYTES])
{
	static const char label[] = "hush broker hello v1";
	uint8_t pid[4] = { (uint8_t)(client_pid >> 24), (uint8_t)(client_pid >> 16),
			   (uint8_t)(client_pid >> 8), (uint8_t)client_pid };
	crypto_generichash_state st;
	crypto_generichash_init(&st, token, PROTO_TOKEN_BYTES, PROTO_PROOF_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)label, sizeof(label));
	crypto_generichash_update(&st, challenge, PROTO_CHALLENGE_BYTES);
	crypto_generichash_update(&st, pid, sizeof(pid));
	crypto_generichash_final(&st, proof, PROTO_PROOF_BYTES);
	sodium_memzero(&st, sizeof(st));
}

int proto_enc_ok(struct buf *b, const char *text)
{
	TRY(proto_begin(b, MSG_OK));
	TRY(buf_put_str(b, text ? text : ""));
	return proto_end(b);
}

int proto_enc_notice(struct buf *b, const char *text)
{
	TRY(proto_begin(b, MSG_NOTICE));
	TRY(buf_put_str(b, text));
	return proto_end(b);
}

int proto_enc_error(struct buf *b, uint8_t status, const char *what, const char *hint)
{
	TRY(proto_begin(b, MSG_ERROR));
	TRY(buf_put_u8(b, status));
	TRY(buf_put_str(b, what));
	TRY(buf_put_str(b, hint ? hint : ""));
	return proto_end(b);
}

int proto_enc_waiting(struct buf *b, uint64_t id, const char *how)
{
	TRY(proto_begin(b, MSG_WAITING));
	TRY(buf_put_u64(b, id));
	TRY(buf_put_str(b, how));
	return proto_end(b);
}

int proto_enc_exit(struct buf *b, uint32_t status)
{
	TRY(proto_begin(b, MSG_EXIT));
	TRY(buf_put_u32(b, status));
	return proto_end(b);
}

int proto_enc_status(struct buf *b, const struct proto_status *s)
{
	TRY(proto_begin(b, MSG_STATUS_REPLY));
	TRY(buf_put_u32(b, s->pid));
	TRY(buf_put_u8(b, s->locked));
	TRY(buf_put_u32(b, s->pending));
	TRY(buf_put_u32(b, s->approvals));
	TRY(buf_put_u32(b, s->running));
	TRY(buf_put_u64(b, s->uptime));
	TRY(buf_put_u32(b, s->sessions));
	TRY(buf_put_u16(b, s->proxy_port));
	return proto_end(b);
}

int proto_enc_pending(struct buf *b, const struct proto_pending *p)
{
	if (p->n > PROTO_MAX_PENDING)
		return HUSH_ETOOBIG;
	TRY(proto_begin(b, MSG_PENDING_REPLY));
	TRY(buf_put_u32(b, (uint32_t)p->n));
	for (size_t i = 0; i < p->n; i++) {
		const struct proto_pending_item *it = &p->items[i];
		TRY(buf_put_u64(b, it->id));
		TRY(buf_put_str(b, it->grant));
		TRY(buf_put_str(b, it->command));
		TRY(put_strs(b, it->argv, it->argc));
		TRY(buf_put_str(b, it->cwd));
		TRY(buf_put_u32(b, it->pid));
		TRY(buf_put_str(b, it->exe));
		TRY(buf_put_u64(b, it->age));
	}
	return proto_end(b);
}

/* --- decoding ---
 * A decoder reads its body through b with `int e` for the error and a
 * fail: label that frees what it decoded so far: GET(x) runs a getter
 * returning 0 or an error code (HUSH_EPROTO, HUSH_ENOMEM), NEED(cond)
 * fails with HUSH_EPROTO unless cond holds. Every body ends exactly where
 * its last field does (finish). */
#define DECODE_BEGIN(out)              \
	struct buf b;                  \
	buf_view(&b, p, n);            \
	memset((out), 0, sizeof(*(out))); \
	int e = 0
#define GET(x)                          \
	do {                            \
		if ((e = (x)) != 0)     \
			goto fail;      \
	} while (0)
#define NEED(cond)                         \
	do {                               \
		if (!(cond)) {             \
			e = HUSH_EPROTO;   \
			goto fail;         \
		}                          \
	} while (0)

static int finish(struct buf *b)
{
	return buf_remaining(b) ? HUSH_EPROTO : 0;
}

static int get_str(struct buf *b, char **out, size_t max)
{
	int r = buf_get_str(b, out, max, false);
	if (r == HUSH_ENOMEM)
		return r;
	return r ? HUSH_EPROTO : 0;
}

static void free_strs(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A counted list of strings; every count is checked against the cap and
 * against the bytes left (each string needs at least 4) before allocating. */
static int get_strs(struct buf *b, char ***out, size_t *count, size_t maxn, size_t maxlen)
{
	uint32_t n;
	if (buf_get_u32(b, &n))
		return HUSH_EPROTO;
	if (n > maxn || (size_t)n > buf_remaining(b) / 4)
		return HUSH_EPROTO;
	char **v = calloc((size_t)n + 1, sizeof(*v));
	if (!v)
		return HUSH_ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		int r = get_str(b, &v[i], maxlen);
		if (r) {
			free_strs(v, i);
			return r;
		}
	}
	*out = v;
	*count = n;
	return 0;
}

void proto_run_free(struct proto_run *r)
{
	free(r->grant);
	free_strs(r->argv, r->argc);
	if (r->env) {
		for (size_t i = 0; i < r->envc; i++) {
			sodium_memzero(r->env[i], strlen(r->env[i]));
			free(r->env[i]);
		}
		free(r->env);
	}
	memset(r, 0, sizeof(*r));
}

int proto_dec_run(const uint8_t *p, size_t n, struct proto_run *r)
{
	DECODE_BEGIN(r);
	NEED(!buf_get_u32(&b, &r->flags) && !(r->flags & ~PROTO_RUN_FLAGS_ALL));
	GET(get_str(&b, &r->grant, PROTO_MAX_NAME));
	GET(get_strs(&b, &r->argv, &r->argc, PROTO_MAX_ARGS, PROTO_MAX_ARG));
	NEED(r->argc >= 1 && r->argv[0][0] != '\0');
	GET(get_strs(&b, &r->env, &r->envc, PROTO_MAX_ENV, PROTO_MAX_ENV_ENTRY));
	NEED(!buf_get_u16(&b, &r->rows) && !buf_get_u16(&b, &r->cols) && !finish(&b));
	return 0;
fail:
	proto_run_free(r);
	return e;
}

int proto_dec_signal(const uint8_t *p, size_t n, uint32_t *sig)
{
	struct buf b;
	buf_view(&b, p, n);
	if (buf_get_u32(&b, sig) || finish(&b) || *sig < 1 || *sig > 64)
		return HUSH_EPROTO;
	return 0;
}

int proto_dec_winsize(const uint8_t *p, size_t n, uint16_t *rows, uint16_t *cols)
{
	struct buf b;
	buf_view(&b, p, n);
	if (buf_get_u16(&b, rows) || buf_get_u16(&b, cols) || finish(&b))
		return HUSH_EPROTO;
	return 0;
}

void proto_control_free(struct proto_control *c)
{
	free(c->session.allow_hosts);
	free(c->session.journal);
	if (c->pass) {
		sodium_memzero(c->pass, c->passlen);
		sodium_free(c->pass);
	}
	sodium_memzero(c, sizeof(*c));
}

/* MSG_UNLOCK's passphrase, into secure memory. */
static int get_pass(struct buf *b, struct proto_control *c)
{
	const uint8_t *d;
	size_t dl;
	if (buf_get_data_ref(b, &d, &dl, PROTO_MAX_PASS) || memchr(d, 0, dl))
		return HUSH_EPROTO;
	if (!(c->pass = sodium_malloc(dl + 1)))
		return HUSH_ENOMEM;
	memcpy(c->pass, d, dl);
	c->pass[dl] = '\0';
	c->passlen = dl;
	return 0;
}

int proto_dec_control(uint8_t type, const uint8_t *p, size_t n, struct proto_control *c)
{
	DECODE_BEGIN(c);
	NEED(proto_control_type(type) && !buf_get_bytes(&b, c->token, PROTO_TOKEN_BYTES));
	if (type == MSG_UNLOCK)
		GET(get_pass(&b, c));
	if (type == MSG_APPROVE || type == MSG_DENY || type == MSG_SESSION_CLOSE)
		NEED(!buf_get_u64(&b, &c->id));
	if (type == MSG_SESSION_OPEN)
		NEED(!buf_get_u64(&b, &c->session.pidns) && !buf_get_u32(&b, &c->session.pid) &&
		     !buf_get_u64(&b, &c->session.start) && !buf_get_u32(&b, &c->session.flags) &&
		     c->session.pid != 0 && !(c->session.flags & ~PROTO_SESSION_FLAGS_ALL));
	if (type == MSG_SESSION_OPEN) {
		GET(get_str(&b, &c->session.allow_hosts, PROTO_MAX_TEXT));
		GET(get_str(&b, &c->session.journal, PROTO_MAX_PATH));
		NEED(!c->session.journal[0] || c->session.journal[0] == '/');
	}
	if (type == MSG_APPROVE)
		NEED(!buf_get_u64(&b, &c->for_secs));
	NEED(!finish(&b));
	return 0;
fail:
	proto_control_free(c);
	return e;
}

/* A string of at most max bytes that ends the body; *s stays NULL on
 * failure. 0 or HUSH_E*. */
static int get_last_str(struct buf *b, char **s, size_t max)
{
	int r = get_str(b, s, max);
	if (!r && finish(b))
		r = HUSH_EPROTO;
	if (r) {
		free(*s);
		*s = NULL;
	}
	return r;
}

int proto_dec_text(const uint8_t *p, size_t n, char **text)
{
	struct buf b;
	buf_view(&b, p, n);
	*text = NULL;
	return get_last_str(&b, text, PROTO_MAX_TEXT);
}

void proto_error_free(struct proto_error *e)
{
	FREE_ALL(e->what, e->hint);
	memset(e, 0, sizeof(*e));
}

int proto_dec_error(const uint8_t *p, size_t n, struct proto_error *m)
{
	DECODE_BEGIN(m);
	NEED(!buf_get_u8(&b, &m->status) && m->status != 0);
	GET(get_str(&b, &m->what, PROTO_MAX_TEXT));
	GET(get_str(&b, &m->hint, PROTO_MAX_TEXT));
	NEED(!finish(&b));
	return 0;
fail:
	proto_error_free(m);
	return e;
}

int proto_dec_waiting(const uint8_t *p, size_t n, uint64_t *id, char **how)
{
	struct buf b;
	buf_view(&b, p, n);
	*how = NULL;
	if (buf_get_u64(&b, id))
		return HUSH_EPROTO;
	return get_last_str(&b, how, PROTO_MAX_NAME);
}

int proto_dec_exit(const uint8_t *p, size_t n, uint32_t *status)
{
	struct buf b;
	buf_view(&b, p, n);
	if (buf_get_u32(&b, status) || finish(&b) || *status > 255)
		return HUSH_EPROTO;
	return 0;
}

int proto_dec_status(const uint8_t *p, size_t n, struct proto_status *s)
{
	struct buf b;
	buf_view(&b, p, n);
	if (buf_get_u32(&b, &s->pid) || buf_get_u8(&b, &s->locked) ||
	    buf_get_u32(&b, &s->pending) || buf_get_u32(&b, &s->approvals) ||
	    buf_get_u32(&b, &s->running) || buf_get_u64(&b, &s->uptime) ||
	    buf_get_u32(&b, &s->sessions) || buf_get_u16(&b, &s->proxy_port) || finish(&b) ||
	    s->locked > 1)
		return HUSH_EPROTO;
	return 0;
}

void proto_pending_free(struct proto_pending *pd)
{
	for (size_t i = 0; pd->items && i < pd->n; i++) {
		struct proto_pending_item *it = &pd->items[i];
		free_strs(it->argv, it->argc);
		FREE_ALL(it->grant, it->command, it->cwd, it->exe);
	}
	free(pd->items);
	memset(pd, 0, sizeof(*pd));
}

static int get_pending_item(struct buf *b, struct proto_pending_item *it)
{
	int e = 0;
	NEED(!buf_get_u64(b, &it->id));
	GET(get_str(b, &it->grant, PROTO_MAX_NAME));
	GET(get_str(b, &it->command, PROTO_MAX_PATH));
	GET(get_strs(b, &it->argv, &it->argc, PROTO_MAX_ARGS, PROTO_MAX_ARG));
	GET(get_str(b, &it->cwd, PROTO_MAX_PATH));
	NEED(!buf_get_u32(b, &it->pid));
	GET(get_str(b, &it->exe, PROTO_MAX_PATH));
	NEED(!buf_get_u64(b, &it->age));
fail:
	return e;
}

int proto_dec_pending(const uint8_t *p, size_t n, struct proto_pending *pd)
{
	DECODE_BEGIN(pd);
	uint32_t cnt;
	if (buf_get_u32(&b, &cnt) || cnt > PROTO_MAX_PENDING)
		return HUSH_EPROTO;
	pd->items = calloc(cnt ? cnt : 1, sizeof(*pd->items));
	if (!pd->items)
		return HUSH_ENOMEM;
	for (uint32_t i = 0; i < cnt; i++) {
		pd->n = i + 1; /* what the item holds so far is freed on failure */
		GET(get_pending_item(&b, &pd->items[i]));
	}
	NEED(!finish(&b));
	return 0;
fail:
	proto_pending_free(pd);
	return e;
}

/* A fixed-size body of exactly n bytes. */
static int get_fixed(const uint8_t *p, size_t n, uint8_t *out, size_t want)
{
	if (n != want)
		return HUSH_EPROTO;
	memcpy(out, p, want);
	return 0;
}

int proto_dec_hello(const uint8_t *p, size_t n, uint8_t challenge[PROTO_CHALLENGE_BYTES])
{
	return get_fixed(p, n, challenge, PROTO_CHALLENGE_BYTES);
}

int proto_dec_hello_reply(const uint8_t *p, size_t n, uint8_t proof[PROTO_PROOF_BYTES])
{
	return get_fixed(p, n, proof, PROTO_PROOF_BYTES);
}

void proto_session_reply_free(struct proto_session_reply *s)
{
	free_strs(s->env, s->nenv);
	FREE_ALL(s->ca_pem, s->note);
	memset(s, 0, sizeof(*s));
}

int proto_dec_session_reply(const uint8_t *p, size_t n, struct proto_session_reply *s)
{
	DECODE_BEGIN(s);
	NEED(!buf_get_u64(&b, &s->id) && s->id != 0);
	GET(get_strs(&b, &s->env, &s->nenv, PROTO_MAX_SESSION_ENV, PROTO_MAX_SESSION_VAR));
	for (size_t i = 0; i < s->nenv; i++) {
		const char *eq = strchr(s->env[i], '=');
		NEED(eq && eq != s->env[i]);
	}
	GET(get_str(&b, &s->ca_pem, PROTO_MAX_PEM));
	GET(get_str(&b, &s->note, PROTO_MAX_TEXT));
	NEED(!finish(&b));
	return 0;
fail:
	proto_session_reply_free(s);
	return e;
}

bool proto_client_type(uint8_t type)
{
	return type == MSG_RUN || type == MSG_SIGNAL || type == MSG_WINSIZE || type == MSG_HELLO;
}

bool proto_control_type(uint8_t type)
{
	return type >= MSG_UNLOCK && type <= MSG_SESSION_CLOSE;
}
