/* SPDX-License-Identifier: ISC */
/* hushd's insides, shared by its parts: daemon.c (state, connections with
 * their output queues, the poll loop, setup), run.c (run requests: matching,
 * confirmation, starting the runner), control.c (control requests) and
 * credproxy.c (the credential proxy's requests). Not an API: only these
 * files include it. */
#ifndef HUSH_BROKER_DAEMON_INT_H
#define HUSH_BROKER_DAEMON_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/proto.h"
#include "config/config.h"

#define MAX_CONNS 128
#define MAX_REQUESTS PROTO_MAX_PENDING
#define DEFAULT_FRAME_TIMEOUT_MS 10000
/* Replies wait in a connection's output queue until the socket takes them
 * (drained on POLLOUT, as ssh-agent does): a reply is never torn by a full
 * socket buffer. A peer that lets more than this pile up is dropped. */
#define OUT_QUEUE_MAX (2 * (PROTO_HDR + PROTO_MAX_MSG))

struct request;

struct conn {
	int fd;
	bool control;
	pid_t pid;
	uid_t uid;
	uint8_t hdr[PROTO_HDR];
	size_t hgot;
	uint8_t *body;
	uint32_t blen;
	size_t bgot;
	int fds[PROTO_RUN_FDS];
	size_t nfds;
	uint64_t deadline;
	bool hello;   /* a HELLO was answered: at most one per connection */
	struct buf out;   /* queued reply bytes, out.off already sent */
	bool closing;     /* closed, but the queued replies still go out */
	struct request *req;
};

struct request {
	uint64_t id;
	struct conn *c;
	struct proto_run run;
	int fds[PROTO_RUN_FDS];
	const struct grant *g;
	char exe[PATH_MAX];
	char cwd[PATH_MAX];
	/* what approvals are kept under: cwd, or "sandbox:" and cwd for a
	 * request from a sandbox (the human's own approval never covers one) */
	char akey[PATH_MAX + 16];
	uint64_t pidns;  /* the requester's pid namespace, 0 when it cannot be read */
	bool sandboxed;  /* pidns is not the broker's (one it cannot read is a sandbox's) */
	char peer_exe[PATH_MAX];
	char secret_names[1024];
	pid_t pid;
	uid_t uid;
	pid_t confirm_pid;
	const char *via;
	const char *fallback; /* why the desktop dialog was not used, or NULL */
	uint64_t created, deadline;
	bool waiting; /* in the pending list */
	/* A use of a credential by the credential proxy instead of a RUN
	 * (credproxy.c): no connection (c is NULL), g is the credential's
	 * grant-like policy, exe says "METHOD https://host/path" and cwd the
	 * sandbox session; answered through credproxy_answer(). */
	struct credproxy_ask *ask;
	const char *credential;
	bool logged;  /* its audit line is written (or the runner writes it) */
};

struct daemon_state {
	struct config cfg;
	char runtime[PATH_MAX], client_sock[PATH_MAX], control_dir[PATH_MAX],
		control_sock[PATH_MAX], token_path[PATH_MAX], pid_path[PATH_MAX],
		lock_path[PATH_MAX], vault_path[PATH_MAX], audit_path[PATH_MAX],
		log_path[PATH_MAX];
	int lc, lk, sfd, lockfd;
	uint8_t *token;
	struct conn *conns[MAX_CONNS];
	struct request *reqs[MAX_REQUESTS];
	uint64_t next_id;
	unsigned running;
	pid_t runners[1024];
	int64_t started;
	uint64_t last_use;
	uint64_t frame_timeout;
	bool stop;
};

/* The broker's one state (daemon.c). */
extern struct daemon_state daemon_state;
#define S daemon_state

/* --- daemon.c: connections --- */
/* Queues a whole frame on c and sends what the socket takes now (the rest
 * on POLLOUT). 0, or -1 when the queue is full (the peer is hung up on). */
int conn_send(struct conn *c, struct buf *b);
bool conn_has_output(const struct conn *c);
/* One outgoing frame at a time: an encoder writes into conn_scratch()
 * (emptied by each call), conn_send_scratch(c, rc) queues it when the
 * encoder's result rc is 0:
 *   conn_send_scratch(c, proto_enc_ok(conn_scratch(), "done")); */
struct buf *conn_scratch(void);
void conn_send_scratch(struct conn *c, int rc);
void conn_reply_error(struct conn *c, uint8_t status, const char *what, const char *hint);
void conn_reply_ok(struct conn *c, const char *text);
void conn_notice(struct conn *c, const char *text);
/* Ends c: its request and fds go now; queued replies still go out before
 * the socket closes. */
void conn_close(struct conn *c);
/* Frees c at once, queued replies or not. */
void conn_free(struct conn *c);
void request_free(struct request *r);
/* The key cache with this broker's askpass. */
int daemon_ensure_key(char *why, size_t whylen);

/* --- run.c --- */
/* A RUN frame on c: decode, match, ask, or start the runner. Closes c or
 * parks it on the request. */
void run_request(struct conn *c, const uint8_t *body, size_t blen);
/* The human (or policy) decided about r. */
void request_decided(struct request *r, bool yes, const char *by);
/* Refuses r: reply, audit, close the connection (frees r). */
void request_refuse(struct request *r, uint8_t status, const char *decision, const char *what,
		    const char *hint);
void request_audit(struct request *r, const char *decision, const char *by, const char *reason);

/* Decides r (a run or a credential use) and acts on it: refuse, go
 * ahead, or put it in the pending list and ask a human. */
void request_process(struct request *r);

/* --- control.c --- */
/* A control frame on c. Returns true when c was closed. */
bool control_request(struct conn *c, uint8_t type, const uint8_t *body, size_t blen);
/* Answers a HELLO; returns true when c was closed. */
bool control_hello(struct conn *c, const uint8_t *body, size_t blen);

#endif
