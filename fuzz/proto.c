/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the wire protocol: the input is read as a stream of
 * frames exactly as hushd reads a connection (length checked before
 * anything is buffered, truncated frames stop the stream), and each body is
 * given to the decoder for its type and to every other decoder. A body that
 * decodes must re-encode to the same bytes (the encoding is canonical).
 * Must run clean under ASan+UBSan. */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_or_abort(struct buf *b, const uint8_t *body, size_t blen)
{
	if (b->len != PROTO_HDR + 1 + blen || memcmp(b->data + PROTO_HDR + 1, body, blen) != 0)
		abort();
}

static void decode_all(uint8_t type, const uint8_t *body, size_t blen)
{
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);

	struct proto_run r;
	if (proto_dec_run(body, blen, &r) == 0) {
		if (proto_enc_run(&b, &r) != 0)
			abort();
		same_or_abort(&b, body, blen);
		proto_run_free(&r);
	}
	buf_reset(&b);
	uint32_t sig;
	if (proto_dec_signal(body, blen, &sig) == 0) {
		proto_enc_signal(&b, sig);
		same_or_abort(&b, body, blen);
	}
	buf_reset(&b);
	uint16_t rows, cols;
	if (proto_dec_winsize(body, blen, &rows, &cols) == 0) {
		proto_enc_winsize(&b, rows, cols);
		same_or_abort(&b, body, blen);
	}
	struct proto_control c;
	for (uint8_t t = MSG_UNLOCK; t <= MSG_SESSION_CLOSE; t++) {
		buf_reset(&b);
		if (proto_dec_control(t, body, blen, &c) == 0) {
			if (proto_enc_control(&b, t, &c) != 0)
				abort();
			same_or_abort(&b, body, blen);
			proto_control_free(&c);
		}
	}
	if (proto_dec_control(type, body, blen, &c) == 0)
		proto_control_free(&c);
	buf_reset(&b);
	char *text;
	if (proto_dec_text(body, blen, &text) == 0) {
		proto_enc_ok(&b, text);
		same_or_abort(&b, body, blen);
		free(text);
	}
	buf_reset(&b);
	struct proto_error e;
	if (proto_dec_error(body, blen, &e) == 0) {
		proto_enc_error(&b, e.status, e.what, e.hint);
		same_or_abort(&b, body, blen);
		proto_error_free(&e);
	}
	buf_reset(&b);
	uint64_t id;
	if (proto_dec_waiting(body, blen, &id, &text) == 0) {
		proto_enc_waiting(&b, id, text);
		same_or_abort(&b, body, blen);
		free(text);
	}
	buf_reset(&b);
	uint32_t st;
	if (proto_dec_exit(body, blen, &st) == 0) {
		proto_enc_exit(&b, st);
		same_or_abort(&b, body, blen);
	}
	buf_reset(&b);
	struct proto_status s;
	if (proto_dec_status(body, blen, &s) == 0) {
		proto_enc_status(&b, &s);
		same_or_abort(&b, body, blen);
	}
	buf_reset(&b);
	struct proto_pending p;
	if (proto_dec_pending(body, blen, &p) == 0) {
		if (proto_enc_pending(&b, &p) != 0)
			abort();
		same_or_abort(&b, body, blen);
		proto_pending_free(&p);
	}
	buf_reset(&b);
	uint8_t fixed[PROTO_CHALLENGE_BYTES];
	if (proto_dec_hello(body, blen, fixed) == 0) {
		proto_enc_hello(&b, fixed);
		same_or_abort(&b, body, blen);
	}
	buf_reset(&b);
	if (proto_dec_hello_reply(body, blen, fixed) == 0) {
		proto_enc_hello_reply(&b, fixed);
		same_or_abort(&b, body, blen);
	}
	buf_reset(&b);
	struct proto_session_reply sr;
	if (proto_dec_session_reply(body, blen, &sr) == 0) {
		proto_enc_session_reply(&b, &sr);
		same_or_abort(&b, body, blen);
		proto_session_reply_free(&sr);
	}
	(void)proto_client_type(type);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (sodium_init() < 0)
		abort();
	size_t off = 0;
	while (size - off >= PROTO_HDR) {
		uint32_t len = proto_get_len(data + off);
		if (proto_check_len(len))
			return 0; /* hushd drops the connection here */
		if (len > size - off - PROTO_HDR)
			return 0; /* truncated: hushd waits, then drops it */
		const uint8_t *frame = data + off + PROTO_HDR;
		/* a private copy, so ASan sees reads past the body */
		uint8_t *body = malloc(len - 1 ? len - 1 : 1);
		if (!body)
			return 0;
		memcpy(body, frame + 1, len - 1);
		decode_all(frame[0], body, len - 1);
		free(body);
		off += PROTO_HDR + len;
	}
	return 0;
}
