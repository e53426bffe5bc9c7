/* SPDX-License-Identifier: ISC */
/* Unit tests for the wire protocol (common/proto.c): every message round
 * trips; every truncation, trailing byte, over-cap count or bad field is
 * rejected; frame lengths are checked before anything is buffered. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/proto.h"
#include "t.h"

static struct buf B;
/* The frame under test, as split() found it. */
static uint8_t type;
static const uint8_t *body;
static size_t blen;

/* Encoded frame in B -> type, body, blen. */
static int split(void)
{
	if (B.len < PROTO_HDR + 1)
		return -1;
	uint32_t l = proto_get_len(B.data);
	if (proto_check_len(l) || l != B.len - PROTO_HDR)
		return -1;
	type = B.data[PROTO_HDR];
	body = B.data + PROTO_HDR + 1;
	blen = l - 1;
	return 0;
}

/* A control request with every field set. */
static struct proto_control sample_control(void)
{
	struct proto_control c = { .id = 7, .for_secs = 600,
				   .session = { .pidns = 4026531836u, .pid = 77, .start = 123456,
						.flags = PROTO_SESSION_DISPLAY | PROTO_SESSION_PROXY_ONLY,
						.allow_hosts = "github.com,*.npmjs.org",
						.journal = "/home/u/.local/share/hush/sessions/x.journal" } };
	memset(c.token, 0xAB, sizeof(c.token));
	return c;
}

/* Every strict prefix and one extra byte must fail for a decoder. */
#define CHECK_EDGES(what, call_on)                                                   \
	do {                                                                         \
		int bad_ = 0;                                                        \
		uint8_t *copy_ = malloc(blen + 1);                                   \
		memcpy(copy_, body, blen);                                           \
		for (size_t n_ = 0; n_ < blen; n_++) {                               \
			const uint8_t *p_ = copy_;                                   \
			size_t l_ = n_;                                              \
			if (call_on == 0)                                            \
				bad_++;                                              \
		}                                                                    \
		copy_[blen] = 0;                                                     \
		{                                                                    \
			const uint8_t *p_ = copy_;                                   \
			size_t l_ = blen + 1;                                        \
			if (call_on == 0)                                            \
				bad_++;                                              \
		}                                                                    \
		ok(bad_ == 0, what ": every truncation and a trailing byte rejected"); \
		free(copy_);                                                         \
	} while (0)

static void test_lengths(void)
{
	ok(proto_check_len(0) == HUSH_EPROTO, "frame length 0 rejected");
	ok(proto_check_len(1) == 0, "frame length 1 accepted");
	ok(proto_check_len(PROTO_MAX_MSG) == 0, "frame length at the cap accepted");
	ok(proto_check_len(PROTO_MAX_MSG + 1) == HUSH_EPROTO, "frame length over the cap rejected");
	ok(proto_check_len(0xFFFFFFFFu) == HUSH_EPROTO, "frame length 2^32-1 rejected");

}

static void test_run(void)
{
	/* RUN */
	char *argv[] = { "deploy", "--env", "prod", NULL };
	char *env[] = { "HOME=/home/u", "LANG=C", NULL };
	struct proto_run run = { .flags = PROTO_RUN_TTY, .grant = "g1", .argc = 3, .argv = argv,
				 .envc = 2, .env = env, .rows = 40, .cols = 120 };
	ok(proto_enc_run(&B, &run) == 0, "encode run");
	ok(split() == 0 && type == MSG_RUN, "run frame header");
	struct proto_run d;
	ok(proto_dec_run(body, blen, &d) == 0, "decode run");
	ok(d.flags == PROTO_RUN_TTY && !strcmp(d.grant, "g1") && d.argc == 3 &&
	   !strcmp(d.argv[2], "prod") && d.argv[3] == NULL && d.envc == 2 &&
	   !strcmp(d.env[1], "LANG=C") && d.rows == 40 && d.cols == 120, "run round trip");
	proto_run_free(&d);
	CHECK_EDGES("run", (proto_dec_run(p_, l_, &d) == 0 ? (proto_run_free(&d), 0) : 1));


	/* bad RUN fields */
	uint8_t *mut = malloc(blen);
	memcpy(mut, body, blen);
	mut[3] |= 0x80; /* unknown flag */
	ok(proto_dec_run(mut, blen, &d) == HUSH_EPROTO, "unknown run flag rejected");
	free(mut);
	buf_reset(&B);
	char *empty_argv[] = { "", NULL };
	struct proto_run r2 = { .grant = "", .argc = 1, .argv = empty_argv, .envc = 0, .env = env };
	proto_enc_run(&B, &r2);
	split();
	ok(proto_dec_run(body, blen, &d) == HUSH_EPROTO, "empty command name rejected");
	buf_reset(&B);
	/* argc over the cap, and a count larger than the bytes left */
	struct buf h;
	buf_init(&h, 1024, false);
	buf_put_u32(&h, 0);
	buf_put_str(&h, "");
	buf_put_u32(&h, PROTO_MAX_ARGS + 1);
	ok(proto_dec_run(h.data, h.len, &d) == HUSH_EPROTO, "argc over the cap rejected");
	buf_reset(&h);
	buf_put_u32(&h, 0);
	buf_put_str(&h, "");
	buf_put_u32(&h, 1000);
	buf_put_str(&h, "x");
	ok(proto_dec_run(h.data, h.len, &d) == HUSH_EPROTO, "argc larger than the body rejected");
	buf_reset(&h);
	buf_put_u32(&h, 0);
	buf_put_u32(&h, PROTO_MAX_NAME + 1);
	for (int i = 0; i < PROTO_MAX_NAME + 1; i++)
		buf_put_u8(&h, 'g');
	ok(proto_dec_run(h.data, h.len, &d) == HUSH_EPROTO, "grant name over the cap rejected");
	buf_reset(&h);
	buf_put_u32(&h, 0);
	buf_put_str(&h, "");
	buf_put_u32(&h, 1);
	buf_put_u32(&h, 3);
	buf_put_bytes(&h, "a\0b", 3);
	buf_put_u32(&h, 0);
	buf_put_u16(&h, 0);
	buf_put_u16(&h, 0);
	ok(proto_dec_run(h.data, h.len, &d) == HUSH_EPROTO, "embedded NUL in an argument rejected");
	buf_free(&h);

}

static void test_signal_winsize(void)
{
	/* SIGNAL, WINSIZE */
	buf_reset(&B);
	proto_enc_signal(&B, 2);
	split();
	uint32_t sig;
	ok(type == MSG_SIGNAL && proto_dec_signal(body, blen, &sig) == 0 && sig == 2, "signal round trip");
	CHECK_EDGES("signal", proto_dec_signal(p_, l_, &sig) == 0 ? 0 : 1);
	buf_reset(&B);
	proto_enc_signal(&B, 0);
	split();
	ok(proto_dec_signal(body, blen, &sig) == HUSH_EPROTO, "signal 0 rejected");
	buf_reset(&B);
	proto_enc_winsize(&B, 50, 200);
	split();
	uint16_t rows, cols;
	ok(proto_dec_winsize(body, blen, &rows, &cols) == 0 && rows == 50 && cols == 200, "winsize round trip");
	CHECK_EDGES("winsize", proto_dec_winsize(p_, l_, &rows, &cols) == 0 ? 0 : 1);

}

static void test_control(void)
{
	/* control messages */
	struct proto_control c = sample_control(), cd;
	uint8_t types[] = { MSG_LOCK, MSG_STATUS, MSG_STOP, MSG_PENDING, MSG_APPROVE, MSG_DENY,
			    MSG_SESSION_OPEN, MSG_SESSION_CLOSE };
	for (size_t i = 0; i < sizeof(types); i++) {
		buf_reset(&B);
		proto_enc_control(&B, types[i], &c);
		split();
		int rr = proto_dec_control(type, body, blen, &cd);
		int same = rr == 0 && !memcmp(cd.token, c.token, 32) &&
			   (types[i] != MSG_APPROVE || (cd.id == 7 && cd.for_secs == 600)) &&
			   (types[i] != MSG_DENY || cd.id == 7) &&
			   (types[i] != MSG_SESSION_CLOSE || cd.id == 7) &&
			   (types[i] != MSG_SESSION_OPEN ||
			    (cd.session.pidns == c.session.pidns && cd.session.pid == c.session.pid &&
			     cd.session.start == c.session.start && cd.session.flags == c.session.flags &&
			     !strcmp(cd.session.allow_hosts, c.session.allow_hosts) &&
			     !strcmp(cd.session.journal, c.session.journal)));
		proto_control_free(&cd);
		ok(same, "control type %u round trip", types[i]);
		uint8_t t = types[i];
		CHECK_EDGES("control", proto_dec_control(t, p_, l_, &cd) == 0 ? (proto_control_free(&cd), 0) : 1);
	}
	char pass[] = "correct horse";
	c.pass = pass;
	c.passlen = strlen(pass);
	buf_reset(&B);
	proto_enc_control(&B, MSG_UNLOCK, &c);
	split();
	ok(proto_dec_control(MSG_UNLOCK, body, blen, &cd) == 0 && cd.passlen == strlen(pass) &&
	   !strcmp(cd.pass, pass), "unlock round trip");
	proto_control_free(&cd);
	CHECK_EDGES("unlock", proto_dec_control(MSG_UNLOCK, p_, l_, &cd) == 0 ? (proto_control_free(&cd), 0) : 1);
	ok(proto_dec_control(MSG_RUN, body, blen, &cd) == HUSH_EPROTO, "non-control type rejected by the control decoder");
	ok(proto_enc_control(&B, MSG_RUN, &c) == HUSH_EINVAL, "control encoder refuses other types");

}

static void test_replies(void)
{
	/* replies */
	buf_reset(&B);
	proto_enc_error(&B, 77, "no grant allows x", "add one");
	split();
	struct proto_error e;
	ok(type == MSG_ERROR && proto_dec_error(body, blen, &e) == 0 && e.status == 77 &&
	   !strcmp(e.what, "no grant allows x") && !strcmp(e.hint, "add one"), "error round trip");
	proto_error_free(&e);
	CHECK_EDGES("error", proto_dec_error(p_, l_, &e) == 0 ? (proto_error_free(&e), 0) : 1);
	buf_reset(&B);
	proto_enc_exit(&B, 143);
	split();
	uint32_t st;
	ok(proto_dec_exit(body, blen, &st) == 0 && st == 143, "exit round trip");
	buf_reset(&B);
	proto_enc_exit(&B, 256);
	split();
	ok(proto_dec_exit(body, blen, &st) == HUSH_EPROTO, "exit status over 255 rejected");
	buf_reset(&B);
	proto_enc_waiting(&B, 12, "terminal");
	split();
	uint64_t id;
	char *how;
	ok(proto_dec_waiting(body, blen, &id, &how) == 0 && id == 12 && !strcmp(how, "terminal"), "waiting round trip");
	free(how);
	CHECK_EDGES("waiting", proto_dec_waiting(p_, l_, &id, &how) == 0 ? (free(how), 0) : 1);
	buf_reset(&B);
	proto_enc_ok(&B, "done");
	split();
	char *text;
	ok(proto_dec_text(body, blen, &text) == 0 && !strcmp(text, "done"), "ok round trip");
	free(text);
	CHECK_EDGES("text", proto_dec_text(p_, l_, &text) == 0 ? (free(text), 0) : 1);
	buf_reset(&B);
	struct proto_status s = { .pid = 42, .locked = 1, .pending = 2, .approvals = 3, .running = 4, .uptime = 5,
				  .sessions = 6, .proxy_port = 7 };
	proto_enc_status(&B, &s);
	split();
	struct proto_status sd;
	ok(proto_dec_status(body, blen, &sd) == 0 && sd.pid == 42 && sd.locked == 1 && sd.pending == 2 &&
	   sd.approvals == 3 && sd.running == 4 && sd.uptime == 5 && sd.sessions == 6 && sd.proxy_port == 7, "status round trip");
	CHECK_EDGES("status", proto_dec_status(p_, l_, &sd) == 0 ? 0 : 1);

}

static void test_pending(void)
{
	char *pargv[] = { "a", "b", NULL };
	struct proto_pending_item items[2] = {
		{ .id = 1, .grant = "g", .command = "/bin/x", .argc = 2, .argv = pargv, .cwd = "/w", .pid = 9, .exe = "/bin/sh", .age = 3 },
		{ .id = 2, .grant = "h", .command = "/bin/y", .argc = 0, .argv = pargv, .cwd = "/", .pid = 8, .exe = "", .age = 0 },
	};
	struct proto_pending p = { .n = 2, .items = items }, pd;
	buf_reset(&B);
	ok(proto_enc_pending(&B, &p) == 0, "encode pending");
	split();
	ok(proto_dec_pending(body, blen, &pd) == 0 && pd.n == 2 && pd.items[0].argc == 2 &&
	   !strcmp(pd.items[0].argv[1], "b") && !strcmp(pd.items[1].command, "/bin/y") &&
	   pd.items[1].pid == 8, "pending round trip");
	proto_pending_free(&pd);
	CHECK_EDGES("pending", proto_dec_pending(p_, l_, &pd) == 0 ? (proto_pending_free(&pd), 0) : 1);
	p.n = PROTO_MAX_PENDING + 1;
	ok(proto_enc_pending(&B, &p) == HUSH_ETOOBIG, "pending list over the cap refused");

}

static void test_sessions(void)
{
	/* session open: pid 0 and unknown flags are refused */
	struct proto_control c = sample_control(), cd, bad[3] = { c, c, c };
	bad[0].session.pid = 0;
	bad[1].session.flags = 0x80;
	bad[2].session.journal = "relative/x.journal";
	static const char *const why[] = { "pid 0", "unknown flags", "a relative journal" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&B);
		proto_enc_control(&B, MSG_SESSION_OPEN, &bad[i]);
		split();
		ok(proto_dec_control(type, body, blen, &cd) == HUSH_EPROTO, "session with %s refused", why[i]);
	}
	buf_reset(&B);
	char *senv[] = { "ANTHROPIC_API_KEY=hush_ph_00", "HTTPS_PROXY=http://hush:t@127.0.0.1:9", NULL };
	struct proto_session_reply sr = { .id = 5, .nenv = 2, .env = senv, .ca_pem = "-----BEGIN" };
	proto_enc_session_reply(&B, &sr);
	split();
	struct proto_session_reply srd;
	ok(type == MSG_SESSION_REPLY && proto_dec_session_reply(body, blen, &srd) == 0 && srd.id == 5 &&
	   srd.nenv == 2 && !strcmp(srd.env[1], senv[1]) && srd.env[2] == NULL &&
	   !strcmp(srd.ca_pem, "-----BEGIN"),
	   "session reply round trip, with the proxy's variables and CA");
	proto_session_reply_free(&srd);
	char *badenv[] = { "=nameless", NULL };
	struct proto_session_reply sb = { .id = 5, .nenv = 1, .env = badenv, .ca_pem = "" };
	buf_reset(&B);
	proto_enc_session_reply(&B, &sb);
	split();
	ok(proto_dec_session_reply(body, blen, &srd) == HUSH_EPROTO, "session reply: a variable without a name refused");
	sb.env = senv;
	sb.nenv = 0;
	sb.id = 0;
	buf_reset(&B);
	proto_enc_session_reply(&B, &sb);
	split();
	ok(proto_dec_session_reply(body, blen, &srd) == HUSH_EPROTO, "session reply: id 0 refused");
	buf_reset(&B);
	proto_enc_session_reply(&B, &sr);
	split();
	CHECK_EDGES("session reply", proto_dec_session_reply(p_, l_, &srd) == 0 ? (proto_session_reply_free(&srd), 0) : 1);

}

static void test_hello(void)
{
	/* hello: the proof depends on token, challenge and the client's pid */
	uint8_t tok[PROTO_TOKEN_BYTES], ch[PROTO_CHALLENGE_BYTES], pr[PROTO_PROOF_BYTES];
	uint8_t pr2[PROTO_PROOF_BYTES], got[PROTO_CHALLENGE_BYTES];
	memset(tok, 1, sizeof(tok));
	memset(ch, 2, sizeof(ch));
	proto_hello_proof(tok, ch, 100, pr);
	proto_hello_proof(tok, ch, 100, pr2);
	ok(!memcmp(pr, pr2, sizeof(pr)), "hello proof is deterministic");
	proto_hello_proof(tok, ch, 101, pr2);
	ok(memcmp(pr, pr2, sizeof(pr)) != 0, "hello proof changes with the client pid");
	tok[0] ^= 1;
	proto_hello_proof(tok, ch, 100, pr2);
	ok(memcmp(pr, pr2, sizeof(pr)) != 0, "hello proof changes with the token");
	tok[0] ^= 1;
	ch[31] ^= 1;
	proto_hello_proof(tok, ch, 100, pr2);
	ok(memcmp(pr, pr2, sizeof(pr)) != 0, "hello proof changes with the challenge");
	buf_reset(&B);
	proto_enc_hello(&B, ch);
	ok(B.len == PROTO_HDR + 1 + PROTO_CHALLENGE_BYTES, "hello frame is 37 bytes");
	split();
	ok(type == MSG_HELLO && proto_dec_hello(body, blen, got) == 0 && !memcmp(got, ch, sizeof(ch)),
	   "hello round trip");
	CHECK_EDGES("hello", proto_dec_hello(p_, l_, got) == 0 ? 0 : 1);
	buf_reset(&B);
	proto_enc_hello_reply(&B, pr);
	split();
	ok(type == MSG_HELLO_REPLY && proto_dec_hello_reply(body, blen, pr2) == 0 &&
	   !memcmp(pr, pr2, sizeof(pr)), "hello reply round trip");
	CHECK_EDGES("hello reply", proto_dec_hello_reply(p_, l_, pr2) == 0 ? 0 : 1);

}

static void test_types(void)
{
	ok(proto_client_type(MSG_RUN) && proto_client_type(MSG_HELLO) && !proto_client_type(MSG_UNLOCK) &&
	   !proto_client_type(99),
	   "client socket types");
	ok(proto_control_type(MSG_APPROVE) && proto_control_type(MSG_SESSION_OPEN) &&
	   proto_control_type(MSG_SESSION_CLOSE) && !proto_control_type(MSG_RUN) &&
	   !proto_control_type(MSG_OK),
	   "control types");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	buf_init(&B, PROTO_HDR + PROTO_MAX_MSG, false);
	test_lengths();
	test_run();
	test_signal_winsize();
	test_control();
	test_replies();
	test_pending();
	test_sessions();
	test_hello();
	test_types();
	buf_free(&B);
	return t_done();
}
