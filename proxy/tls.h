/* SPDX-License-Identifier: ISC */
/* OpenSSL contexts for the credential proxy. Client side to upstreams
 * (system CA store, extra CA files, hostname checked); server side for
 * CONNECT with a per-session CA made in memory (EC P-256) and leaf
 * certificates minted per host and cached. ALPN offers http/1.1 only. */
#ifndef HUSH_PROXY_TLS_H
#define HUSH_PROXY_TLS_H

#include <stddef.h>

struct proxy_tls;
struct ssl_ctx_st;

/* Client context (system CA store, then each of ca_files, hostname checks
 * done per connection), the session CA (EC P-256, key in memory only) and
 * the leaf key. 0 or HUSH_EFORMAT/HUSH_ENOMEM with err[n] saying which. */
int proxy_tls_new(const char *const *ca_files, struct proxy_tls **out, char *err, size_t n);
void proxy_tls_free(struct proxy_tls *t);
struct ssl_ctx_st *proxy_tls_client(struct proxy_tls *t);
/* Server context presenting a leaf for host (DNS name or IP literal),
 * minted on first use and cached; NULL on failure. Thread-safe. */
struct ssl_ctx_st *proxy_tls_server(struct proxy_tls *t, const char *host);
/* The CA certificate in PEM (owned by t). */
const char *proxy_tls_ca_pem(const struct proxy_tls *t);
/* One line on the last TLS error of this thread, for 502 answers. */
void proxy_tls_reason(char *out, size_t n);

#endif
