/* SPDX-License-Identifier: ISC */
/* The proxy's connections to upstreams: TCP with the proxy's timeouts
 * (and its test hook, connect_override), TLS with the certificate checked
 * against the host name or IP, one connection kept per client connection
 * and reused while it stays open. */
#ifndef HUSH_PROXY_UPSTREAM_H
#define HUSH_PROXY_UPSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "proxy/stream.h"

struct proxy_config;
struct proxy_tls;

struct upstream {
	struct stream s;
	char host[256];             /* what s is connected to ("" = nothing) */
	uint16_t port;
};

/* A TCP connection to host:port: the socket, or -1 with why[n]. */
int upstream_tcp(const struct proxy_config *cfg, const char *host, uint16_t port, char *why,
		 size_t n);
/* Makes u a TLS connection to host:port, keeping the one it has when it
 * goes there and is still open. 0, or -1 with why[n] (u closed). */
int upstream_open(struct upstream *u, const struct proxy_config *cfg, struct proxy_tls *tls,
		  const char *host, uint16_t port, char *why, size_t n);
void upstream_close(struct upstream *u);

#endif
