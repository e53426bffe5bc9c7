/* SPDX-License-Identifier: ISC */
/* The wire protocol between hush clients and hushd (docs/protocol.md).
 *
 * A frame is a u32 big-endian length L, then L bytes: a u8 message type and
 * the body. 1 <= L <= PROTO_MAX_MSG, checked before anything is buffered.
 * Bodies are built from common/buf.h fields (u8/u16/u32/u64 big-endian,
 * "str" = u32 length + bytes without NUL). Every decoder checks each field
 * against its cap and rejects trailing bytes (HUSH_EPROTO).
 *
 * Decoders allocate; each decoded struct has a matching free function that
 * also accepts a zeroed struct. */
#ifndef HUSH_PROTO_H
#define HUSH_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define PROTO_VERSION 1
#define PROTO_HDR 4                      /* the u32 length */
#define PROTO_MAX_MSG (1024u * 1024)     /* type + body */
#define PROTO_MAX_ARGS 4096
#define PROTO_MAX_ARG (64u * 1024)
#define PROTO_MAX_ENV 4096
#define PROTO_MAX_ENV_ENTRY (64u * 1024)
#define PROTO_MAX_NAME 128
#define PROTO_MAX_TEXT 4096
#define PROTO_MAX_PATH 4096
#define PROTO_MAX_PASS 4096
#define PROTO_MAX_PENDING 64
#define PROTO_TOKEN_BYTES 32
#define PROTO_RUN_FDS 4                  /* cwd (O_PATH), stdin, stdout, stderr */
#define PROTO_CHALLENGE_BYTES 32         /* HELLO: the client's random challenge */
#define PROTO_PROOF_BYTES 32             /* HELLO_REPLY: keyed BLAKE2b over it */
#define PROTO_MAX_SESSIONS 64
#define PROTO_MAX_SESSION_ENV 64          /* SESSION_REPLY: the agent's variables */
#define PROTO_MAX_SESSION_VAR 1024        /* one "NAME=value" */
#define PROTO_MAX_PEM 8192                /* SESSION_REPLY: the session CA */

enum proto_type {
	/* client socket (and control socket) */
	MSG_RUN = 1,
	MSG_SIGNAL = 2,
	MSG_WINSIZE = 3,
	MSG_HELLO = 4,          /* optional first frame: the broker proves it holds the token */
	/* control socket only; each body starts with the control token */
	MSG_UNLOCK = 16,
	MSG_LOCK = 17,
	MSG_STATUS = 18,
	MSG_STOP = 19,
	MSG_PENDING = 20,
	MSG_APPROVE = 21,
	MSG_DENY = 22,
	MSG_SESSION_OPEN = 23,
	MSG_SESSION_CLOSE = 24,
	/* replies from the broker */
	MSG_OK = 64,
	MSG_ERROR = 65,
	MSG_WAITING = 66,
	MSG_NOTICE = 67,
	MSG_EXIT = 68,
	MSG_STATUS_REPLY = 69,
	MSG_PENDING_REPLY = 70,
	MSG_HELLO_REPLY = 71,
	MSG_SESSION_REPLY = 72,
};

/* SESSION_OPEN flags */
#define PROTO_SESSION_DISPLAY 0x1u   /* the sandbox shares the X11/Wayland display */
#define PROTO_SESSION_NO_PROXY 0x2u  /* no credential proxy for this session */
#define PROTO_SESSION_PROXY_ONLY 0x4u /* its only way out is the proxy: allow_hosts */
#define PROTO_SESSION_FLAGS_ALL \
	(PROTO_SESSION_DISPLAY | PROTO_SESSION_NO_PROXY | PROTO_SESSION_PROXY_ONLY)

/* MSG_RUN flags */
#define PROTO_RUN_NO_MASK 0x1u
#define PROTO_RUN_TTY 0x2u     /* the client's stdout is a terminal */
#define PROTO_RUN_FLAGS_ALL (PROTO_RUN_NO_MASK | PROTO_RUN_TTY)

struct proto_run {
	uint32_t flags;
	char *grant;        /* "" = any grant */
	size_t argc;        /* >= 1: argv[0] is the command */
	char **argv;        /* NULL-terminated */
	size_t envc;
	char **env;         /* the requester's environment, NULL-terminated */
	uint16_t rows, cols;
};

struct proto_error {
	uint8_t status;     /* exit status for the client: 1, 2 or 77 */
	char *what;
	char *hint;         /* "" = none */
};

struct proto_status {
	uint32_t pid;
	uint8_t locked;
	uint32_t pending;
	uint32_t approvals;
	uint32_t running;
	uint64_t uptime;
	uint32_t sessions;   /* sandbox sessions registered */
	uint16_t proxy_port; /* the credential proxy's port on 127.0.0.1, 0 = not running */
};

struct proto_pending_item {
	uint64_t id;
	char *grant;
	char *command;
	size_t argc;
	char **argv;
	char *cwd;
	uint32_t pid;
	char *exe;
	uint64_t age;
};

struct proto_pending {
	size_t n;
	struct proto_pending_item *items;
};

/* A sandbox session registered by hush sandbox (SESSION_OPEN). */
struct proto_session {
	uint64_t pidns;       /* inode of the sandbox's pid namespace; 0 = it has none */
	uint32_t pid;         /* the process whose life is the session's */
	uint64_t start;       /* its start time (field 22 of /proc/PID/stat) */
	uint32_t flags;       /* PROTO_SESSION_* */
	char *allow_hosts;    /* PROXY_ONLY: comma-separated hosts its tunnels may reach */
	char *journal;        /* the session's journal (an absolute path), or "" */
};

/* The broker's answer to SESSION_OPEN: the session's id and, when the
 * credential proxy serves the session, the variables the agent gets
 * (placeholders, base URLs, HTTPS_PROXY; none of them secret) and the
 * session CA certificate the agent must trust. */
struct proto_session_reply {
	uint64_t id;
	size_t nenv;
	char **env;           /* "NAME=value", NULL-terminated; may be empty */
	char *ca_pem;         /* "" without the proxy */
	char *note;           /* why the proxy does not serve the session, or "" */
};

/* Control request: token plus optional fields by type. */
struct proto_control {
	uint8_t token[PROTO_TOKEN_BYTES];
	uint64_t id;          /* APPROVE, DENY, SESSION_CLOSE */
	struct proto_session session; /* SESSION_OPEN */
	uint64_t for_secs;    /* APPROVE: 0 = once */
	char *pass;           /* UNLOCK: sodium_malloc'd, NUL-terminated; "" = keyring */
	size_t passlen;
};

/* Checks a frame length read from the wire: HUSH_EPROTO when outside
 * 1..PROTO_MAX_MSG. */
int proto_check_len(uint32_t len);
/* Reads the u32 at p (PROTO_HDR bytes). */
uint32_t proto_get_len(const uint8_t *p);

/* Frame writing: proto_begin() starts a frame of the given type in b (which
 * the caller buf_init()s with max >= PROTO_HDR + PROTO_MAX_MSG), the
 * caller appends the body with buf_put_*, proto_end() fills in the length.
 * 0 or HUSH_ETOOBIG. */
int proto_begin(struct buf *b, uint8_t type);
int proto_end(struct buf *b);

/* Encoders: a whole frame appended to b. */
int proto_enc_run(struct buf *b, const struct proto_run *r);
int proto_enc_signal(struct buf *b, uint32_t sig);
int proto_enc_winsize(struct buf *b, uint16_t rows, uint16_t cols);
int proto_enc_control(struct buf *b, uint8_t type, const struct proto_control *c);
int proto_enc_ok(struct buf *b, const char *text);
int proto_enc_error(struct buf *b, uint8_t status, const char *what, const char *hint);
int proto_enc_waiting(struct buf *b, uint64_t id, const char *how);
int proto_enc_notice(struct buf *b, const char *text);
int proto_enc_exit(struct buf *b, uint32_t status);
int proto_enc_status(struct buf *b, const struct proto_status *s);
int proto_enc_pending(struct buf *b, const struct proto_pending *p);
int proto_enc_hello(struct buf *b, const uint8_t challenge[PROTO_CHALLENGE_BYTES]);
int proto_enc_hello_reply(struct buf *b, const uint8_t proof[PROTO_PROOF_BYTES]);
int proto_enc_session_reply(struct buf *b, const struct proto_session_reply *s);

/* The broker's answer to a HELLO: BLAKE2b keyed with the control token over
 * a fixed label, the challenge and the client's pid as the broker sees it
 * (SO_PEERCRED), so a proof relayed from another connection does not fit. */
void proto_hello_proof(const uint8_t token[PROTO_TOKEN_BYTES],
		       const uint8_t challenge[PROTO_CHALLENGE_BYTES], uint32_t client_pid,
		       uint8_t proof[PROTO_PROOF_BYTES]);

/* Decoders over one frame's body (type byte already removed).
 * 0 or HUSH_EPROTO / HUSH_ENOMEM. */
int proto_dec_run(const uint8_t *p, size_t n, struct proto_run *r);
int proto_dec_signal(const uint8_t *p, size_t n, uint32_t *sig);
int proto_dec_winsize(const uint8_t *p, size_t n, uint16_t *rows, uint16_t *cols);
int proto_dec_control(uint8_t type, const uint8_t *p, size_t n, struct proto_control *c);
int proto_dec_text(const uint8_t *p, size_t n, char **text); /* OK, NOTICE */
int proto_dec_error(const uint8_t *p, size_t n, struct proto_error *e);
int proto_dec_waiting(const uint8_t *p, size_t n, uint64_t *id, char **how);
int proto_dec_exit(const uint8_t *p, size_t n, uint32_t *status);
int proto_dec_status(const uint8_t *p, size_t n, struct proto_status *s);
int proto_dec_pending(const uint8_t *p, size_t n, struct proto_pending *pd);
int proto_dec_hello(const uint8_t *p, size_t n, uint8_t challenge[PROTO_CHALLENGE_BYTES]);
int proto_dec_hello_reply(const uint8_t *p, size_t n, uint8_t proof[PROTO_PROOF_BYTES]);
int proto_dec_session_reply(const uint8_t *p, size_t n, struct proto_session_reply *s);

void proto_run_free(struct proto_run *r);
void proto_error_free(struct proto_error *e);
void proto_control_free(struct proto_control *c);
void proto_pending_free(struct proto_pending *p);
void proto_session_reply_free(struct proto_session_reply *s);

/* True for the types a client may send on the client socket. */
bool proto_client_type(uint8_t type);
/* True for the types that need the control token (control socket only). */
bool proto_control_type(uint8_t type);

#endif
