/* SPDX-License-Identifier: ISC */
/* One client connection of the proxy, served on its own thread: requests
 * read one after another, each sent where its mode says (route mode,
 * CONNECT, or a request inside a terminated tunnel); answers for what the
 * proxy refuses, audit lines for the embedder. Also the proxy's state that
 * connections share (the listener's part is proxy.c's). */
#ifndef HUSH_PROXY_SERVE_H
#define HUSH_PROXY_SERVE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "proxy/proxy.h"
#include "proxy/stream.h"
#include "proxy/upstream.h"

struct sessions;

struct proxy {
	struct proxy_config cfg;    /* max_conns and idle_timeout_ms set */
	struct proxy_tls *tls;
	struct sessions *sessions;
	atomic_bool stopping;
	/* the listener (proxy.c) */
	int lfd, ufd;               /* 127.0.0.1:port, and the unix socket (-1: none) */
	uint16_t port;
	pthread_t thread;
	pthread_mutex_t lock;       /* conn_fds, nconns */
	pthread_cond_t idle;
	int *conn_fds;              /* open client sockets, for proxy_stop */
	unsigned nconns;
};

struct conn {
	struct proxy *p;
	struct stream cli;
	struct upstream up;
	/* after CONNECT: the tunnel's target and session */
	bool mitm;
	char host[256];
	uint16_t port;
	uint64_t session;
};

/* Serves requests on c until the client leaves, a request ends the
 * connection, or the proxy stops. */
void serve_conn(struct conn *c);

/* Sends an error answer: one line of reason, an optional hint, never a
 * value. The connection is closed after it. */
void serve_answer(struct conn *c, int status, const char *reason, const char *hint);
/* Passes one audit line to the embedder. */
void serve_audit(struct conn *c, const struct proxy_event *ev);
/* Answers status with why and audits ev as an "error" for that reason. */
void serve_fail(struct conn *c, struct proxy_event *ev, int status, const char *why);

#endif
