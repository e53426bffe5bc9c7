/* SPDX-License-Identifier: ISC */
/* The credential proxy: the agent holds placeholders, the proxy puts the
 * real keys on the wire (docs/proxy.md).
 *
 * The listener on 127.0.0.1, one thread per client connection. Route
 * mode: plain HTTP "/<credential>/path" to the proxy, TLS to the
 * credential's upstream. Forward-proxy mode: CONNECT; TLS terminated for
 * hosts that have a credential, other hosts tunnelled untouched. Inside,
 * by job: http.h (heads, chunked framing), tls.h, stream.h (socket or TLS
 * with deadlines), sessions.h (placeholders, tokens, allowed hosts),
 * upstream.h, heads.h (the heads written out), body.h, exchange.h (one
 * request), tunnel.h (CONNECT), serve.h (one client connection).
 *
 * The proxy never holds a value longer than one request: it asks the
 * embedder through proxy_authorize_fn (which confirms with a human and
 * reads the vault) and wipes the value after the request head is sent. */
#ifndef HUSH_PROXY_H
#define HUSH_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/credential.h"

#define PROXY_MAX_SESSIONS 64
#define PROXY_PLACEHOLDER_LEN 72    /* "hush_ph_" + 64 hex */
#define PROXY_TOKEN_LEN 73          /* "hush_tok_" + 64 hex */
#define PROXY_MAX_HOST_PATTERNS 64  /* proxy_session_restrict */
#define PROXY_MAX_HOST_PATTERN 262  /* "host:port" */

/* One use of a credential, as the embedder sees it for confirmation. */
struct proxy_use {
	uint64_t session;
	const struct credential *cred;
	const char *host;           /* upstream host */
	const char *method;
	const char *path;           /* without the query string */
};

/* Gives the value for one use: 0 with *value (sodium_malloc'd; the proxy
 * wipes and sodium_free()s it) and *len; HUSH_EREFUSED when the human said
 * no; HUSH_ENOENT when the vault has no such entry; HUSH_ELOCKED when the
 * vault is locked; other codes for other failures. Called from connection
 * threads: it must be thread-safe and may block (a human answering). */
typedef int (*proxy_authorize_fn)(void *ctx, const struct proxy_use *use, uint8_t **value,
				  size_t *len);

/* One audit line: never a value, never a query string. */
struct proxy_event {
	uint64_t session;           /* 0 when no session was identified */
	const char *credential;     /* NULL when none was involved */
	const char *kind;           /* "use", "attempt", "unauthorized", "refused",
				       "error", "tunnel", "blocked", "bad-request" */
	const char *host, *method, *path;
	int status;                 /* HTTP status sent to the client, 0 = none */
	uint64_t bytes_up, bytes_down; /* body bytes to the upstream / client */
	const char *reason;         /* why, for everything but "use"; or NULL */
};
/* Called from connection threads; must be thread-safe. */
typedef void (*proxy_audit_fn)(void *ctx, const struct proxy_event *ev);

struct proxy_config {
	const struct credential *creds;  /* borrowed for the proxy's lifetime */
	size_t ncreds;
	const char *const *ca_files;     /* extra trust for upstreams; NULL-terminated, may be NULL */
	uint16_t port;                   /* 0 = any free port */
	unsigned head_timeout_ms;        /* a request head must arrive within this; 0 = 30 s */
	unsigned idle_timeout_ms;        /* keep-alive idle and I/O stall limit; 0 = 120 s */
	unsigned max_conns;              /* concurrent client connections; 0 = 256 */
	/* Test hook: when set, upstream connections for every host go to this
	 * address instead of the resolved one (TLS names are still checked). */
	const char *connect_override;
	/* Also listen on this unix socket (created 0600 by the caller's umask;
	 * removed at stop), for sandboxes without a network of their own; or
	 * NULL. */
	const char *unix_path;
	proxy_authorize_fn authorize;
	proxy_audit_fn audit;
	void *ctx;
};

struct proxy;

/* Creates the proxy and its TLS state, binds 127.0.0.1:port and starts the
 * listener thread. 0 with *out, or HUSH_EIO (bind, thread), HUSH_ENOMEM,
 * HUSH_EINVAL (a credential without hosts, a bad upstream URL), HUSH_EFORMAT
 * (an unreadable CA file). err[errlen] says which. */
int proxy_start(const struct proxy_config *cfg, struct proxy **out, char *err, size_t errlen);
/* Stops accepting, ends every connection, waits for the threads, frees. */
void proxy_stop(struct proxy *p);
/* The bound port. */
uint16_t proxy_port(const struct proxy *p);
/* The session CA certificate in PEM, NUL-terminated (owned by p). */
const char *proxy_ca_pem(const struct proxy *p);

/* Adds a session: new random placeholders for every credential and a
 * proxy token. id must be non-zero and unused. 0, HUSH_EEXIST, HUSH_ETOOBIG. */
int proxy_session_add(struct proxy *p, uint64_t id);
/* Ends a session: its placeholders and token stop working at once. */
void proxy_session_remove(struct proxy *p, uint64_t id);
/* Restricts the session's tunnels (CONNECT) to these hosts besides the
 * credentials' hosts: "host" (port 443), "host:port", globs such as
 * "*.example.com". Others get 403, audited as "blocked". 0, HUSH_ENOENT,
 * HUSH_ETOOBIG, HUSH_ENOMEM. */
int proxy_session_restrict(struct proxy *p, uint64_t id, const char *const *hosts, size_t n);
/* Copies the session's placeholder for credential index i (or the token
 * when i == ncreds) into out[n]. 0, HUSH_ENOENT, HUSH_ETOOBIG. */
int proxy_session_placeholder(struct proxy *p, uint64_t id, size_t i, char *out, size_t n);

/* --- what the agent's environment gets (proxy/env.c) --- */

/* Builds the variables a sandbox sets for one session: for each credential
 * i with placeholders[i] != NULL (its secret is in the vault), env =
 * placeholder and, with route mode, base_url_env =
 * http://127.0.0.1:PORT/NAME; HTTPS_PROXY and https_proxy =
 * http://hush:TOKEN@127.0.0.1:PORT; NO_PROXY and no_proxy =
 * 127.0.0.1,localhost; and, when bundle is not NULL, SSL_CERT_FILE,
 * NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE and
 * GIT_SSL_CAINFO = bundle. *out is a malloc'd NULL-terminated array of
 * malloc'd "NAME=value" strings (free with proxy_env_free). 0,
 * HUSH_ENOMEM, HUSH_ETOOBIG. None of it is secret. */
int proxy_env_build(const struct credential *creds, size_t ncreds,
		    const char *const *placeholders, const char *token, uint16_t port,
		    const char *bundle, char ***out);
void proxy_env_free(char **env);

/* Writes the trust bundle for the agent to path (0644, not replacing an
 * existing file): the system CA file (system_file, or Debian's
 * /etc/ssl/certs/ca-certificates.crt when NULL; a missing one is skipped),
 * then ca_pem. 0, HUSH_EEXIST, HUSH_EIO. */
int proxy_bundle_write(const char *path, const char *system_file, const char *ca_pem);

#endif
