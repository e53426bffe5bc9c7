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

/* b emptied, then: when dec (a decoder call) takes the body, enc (its
 * encoder) must succeed and give back the same bytes; done frees what dec
 * made. */
#define ROUND_TRIP(dec, enc, done)                           \
	do {                                                 \
		buf_reset(&b);                               \
		if ((dec) == 0) {                            \
			if ((enc) != 0)                      \
				abort();                     \
			same_or_abort(&b, body, blen);       \
			done;                                \
		}                                            \
	} while (0)

static void decode_all(uint8_t type, const uint8_t *body, size_t blen)
{
	struct buf b;
	buf_init(&b, PROTO_HDR + PROTO_MAX_MSG, false);
	struct proto_run r;
	ROUND_TRIP(proto_dec_run(body, blen, &r), proto_enc_run(&b, &r), proto_run_free(&r));
	uint32_t u32;
	ROUND_TRIP(proto_dec_signal(body, blen, &u32), proto_enc_signal(&b, u32), (void)0);
	ROUND_TRIP(proto_dec_exit(body, blen, &u32), proto_enc_exit(&b, u32), (void)0);
	uint16_t rows, cols;
	ROUND_TRIP(proto_dec_winsize(body, blen, &rows, &cols), proto_enc_winsize(&b, rows, cols), (void)0);
	struct proto_control c;
	for (uint8_t t = MSG_UNLOCK; t <= MSG_SESSION_CLOSE; t++)
		ROUND_TRIP(proto_dec_control(t, body, blen, &c), proto_enc_control(&b, t, &c),
			   proto_control_free(&c));
	if (proto_dec_control(type, body, blen, &c) == 0)
		proto_control_free(&c);
	char *text;
	uint64_t id;
	ROUND_TRIP(proto_dec_text(body, blen, &text), proto_enc_ok(&b, text), free(text));
	ROUND_TRIP(proto_dec_waiting(body, blen, &id, &text), proto_enc_waiting(&b, id, text), free(text));
	struct proto_error e;
	ROUND_TRIP(proto_dec_error(body, blen, &e), proto_enc_error(&b, e.status, e.what, e.hint),
		   proto_error_free(&e));
	struct proto_status s;
	ROUND_TRIP(proto_dec_status(body, blen, &s), proto_enc_status(&b, &s), (void)0);
	struct proto_pending p;
	ROUND_TRIP(proto_dec_pending(body, blen, &p), proto_enc_pending(&b, &p), proto_pending_free(&p));
	uint8_t fixed[PROTO_CHALLENGE_BYTES];
	ROUND_TRIP(proto_dec_hello(body, blen, fixed), proto_enc_hello(&b, fixed), (void)0);
	ROUND_TRIP(proto_dec_hello_reply(body, blen, fixed), proto_enc_hello_reply(&b, fixed), (void)0);
	struct proto_session_reply sr;
	ROUND_TRIP(proto_dec_session_reply(body, blen, &sr), proto_enc_session_reply(&b, &sr),
		   proto_session_reply_free(&sr));
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
