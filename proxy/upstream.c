/* SPDX-License-Identifier: ISC */
/* The proxy's upstream connections: see upstream.h. */
#include "proxy/upstream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proxy/proxy.h"
#include "proxy/tls.h"

int upstream_tcp(const struct proxy_config *cfg, const char *host, uint16_t port, char *why,
		 size_t n)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char ports[8];
	snprintf(ports, sizeof(ports), "%u", port);
	const char *name = cfg->connect_override ? cfg->connect_override : host;
	int r = getaddrinfo(name, ports, &hints, &res);
	if (r) {
		snprintf(why, n, "cannot resolve %s: %s", host, gai_strerror(r));
		return -1;
	}
	int fd = -1, err = 0;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		stream_set_timeouts(fd, cfg->idle_timeout_ms);
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(why, n, "cannot connect to %s:%u: %s", host, port, strerror(err));
	return fd;
}

/* The TLS handshake on u->s.fd, the certificate checked for host. */
static int tls_connect(struct upstream *u, struct proxy_tls *tls, const char *host,
		       uint16_t port, char *why, size_t n)
{
	SSL *ssl = SSL_new(proxy_tls_client(tls));
	if (!ssl) {
		snprintf(why, n, "out of memory");
		return -1;
	}
	u->s.ssl = ssl;
	SSL_set_fd(ssl, u->s.fd);
	unsigned char ip[16];
	bool is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
	if (is_ip) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
	} else {
		SSL_set_tlsext_host_name(ssl, host);
		SSL_set1_host(ssl, host);
	}
	ERR_clear_error();
	if (SSL_connect(ssl) == 1)
		return 0;
	long v = SSL_get_verify_result(ssl);
	char r[160];
	if (v != X509_V_OK)
		snprintf(r, sizeof(r), "certificate: %s", X509_verify_cert_error_string(v));
	else
		proxy_tls_reason(r, sizeof(r));
	snprintf(why, n, "TLS to %s:%u failed: %s", host, port, r);
	return -1;
}

int upstream_open(struct upstream *u, const struct proxy_config *cfg, struct proxy_tls *tls,
		  const char *host, uint16_t port, char *why, size_t n)
{
	if (u->s.fd >= 0 && !strcmp(u->host, host) && u->port == port) {
		/* reuse when the upstream has not closed it meanwhile */
		struct pollfd pf = { .fd = u->s.fd, .events = POLLIN };
		if (poll(&pf, 1, 0) == 0)
			return 0;
	}
	upstream_close(u);
	u->s.fd = upstream_tcp(cfg, host, port, why, n);
	if (u->s.fd < 0)
		return -1;
	if (tls_connect(u, tls, host, port, why, n)) {
		upstream_close(u);
		return -1;
	}
	snprintf(u->host, sizeof(u->host), "%s", host);
	u->port = port;
	return 0;
}

void upstream_close(struct upstream *u)
{
	stream_close(&u->s);
	u->host[0] = 0;
}
