/* SPDX-License-Identifier: ISC */
/* The credential proxy's listener (proxy.h): 127.0.0.1 and an optional
 * unix socket, one detached thread per client connection (serve.h), at
 * most max_conns of them; proxy_stop shuts every connection down and
 * waits for its thread. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/err.h"
#include "proxy/proxy.h"
#include "proxy/serve.h"
#include "proxy/sessions.h"
#include "proxy/tls.h"

int proxy_session_add(struct proxy *p, uint64_t id)
{
	return sessions_add(p->sessions, id);
}

void proxy_session_remove(struct proxy *p, uint64_t id)
{
	sessions_remove(p->sessions, id);
}

int proxy_session_restrict(struct proxy *p, uint64_t id, const char *const *hosts, size_t n)
{
	return sessions_restrict(p->sessions, id, hosts, n);
}

int proxy_session_placeholder(struct proxy *p, uint64_t id, size_t i, char *out, size_t n)
{
	return sessions_placeholder(p->sessions, id, i, out, n);
}

uint16_t proxy_port(const struct proxy *p)
{
	return p->port;
}

const char *proxy_ca_pem(const struct proxy *p)
{
	return proxy_tls_ca_pem(p->tls);
}

/* --- threads --- */

static void conn_track(struct proxy *p, int fd, bool add)
{
	pthread_mutex_lock(&p->lock);
	unsigned cap = p->cfg.max_conns;
	for (unsigned i = 0; i < cap; i++) {
		if (add && p->conn_fds[i] < 0) {
			p->conn_fds[i] = fd;
			break;
		}
		if (!add && p->conn_fds[i] == fd) {
			p->conn_fds[i] = -1;
			break;
		}
	}
	if (!add && --p->nconns == 0)
		pthread_cond_broadcast(&p->idle);
	pthread_mutex_unlock(&p->lock);
}

static void *conn_thread(void *arg)
{
	struct conn *c = arg;
	struct proxy *p = c->p;
	int fd = c->cli.fd;
	serve_conn(c);
	upstream_close(&c->up);
	c->cli.fd = -1; /* closed once proxy_stop can no longer shut it down */
	stream_close(&c->cli);
	conn_track(p, fd, false);
	close(fd);
	sodium_memzero(c, sizeof(*c));
	free(c);
	OPENSSL_thread_stop();
	return NULL;
}

/* Starts the thread serving fd (counted in nconns already). */
static void conn_start(struct proxy *p, int fd)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		conn_track(p, -2, false);
		return;
	}
	c->p = p;
	c->cli.fd = fd;
	c->up.s.fd = -1;
	stream_set_timeouts(fd, p->cfg.idle_timeout_ms);
	conn_track(p, fd, true);
	pthread_t t;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 256 * 1024);
	if (pthread_create(&t, &at, conn_thread, c)) {
		conn_track(p, fd, false);
		close(fd);
		free(c);
	}
	pthread_attr_destroy(&at);
}

/* Takes a connection slot: false (the client told so) when all are used. */
static bool conn_admit(struct proxy *p, int fd)
{
	pthread_mutex_lock(&p->lock);
	bool full = p->nconns >= p->cfg.max_conns || atomic_load(&p->stopping);
	if (!full)
		p->nconns++;
	pthread_mutex_unlock(&p->lock);
	if (full) {
		static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: "
					   "27\r\nConnection: close\r\n\r\nhush: too many connections\n";
		(void)send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	return !full;
}

static void *listen_thread(void *arg)
{
	struct proxy *p = arg;
	while (!atomic_load(&p->stopping)) {
		struct pollfd pf[2] = { { .fd = p->lfd, .events = POLLIN },
					{ .fd = p->ufd, .events = POLLIN } };
		if (poll(pf, p->ufd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			break;
		if (atomic_load(&p->stopping) || (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)))
			break;
		int from = (pf[1].revents & POLLIN) ? p->ufd : p->lfd;
		if (!(pf[0].revents & POLLIN) && from == p->lfd)
			continue;
		int fd = accept4(from, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE) {
				if (errno == EMFILE || errno == ENFILE)
					usleep(10000);
				continue;
			}
			break;
		}
		if (conn_admit(p, fd))
			conn_start(p, fd);
		else
			close(fd);
	}
	return NULL;
}

/* --- start and stop --- */

static int listen_tcp(struct proxy *p, uint16_t port, char *err, size_t errlen)
{
	p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(p->lfd, 128) || getsockname(p->lfd, (struct sockaddr *)&sa, &sl)) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1:%u: %s", port, strerror(errno));
		return HUSH_EIO;
	}
	p->port = ntohs(sa.sin_port);
	return 0;
}

/* For sandboxes without a network of their own (network = proxy-only). */
static int listen_unix(struct proxy *p, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un su = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(su.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return HUSH_EIO;
	}
	strcpy(su.sun_path, path);
	unlink(path);
	p->ufd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->ufd < 0 || bind(p->ufd, (struct sockaddr *)&su, sizeof(su)) || listen(p->ufd, 128)) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		return HUSH_EIO;
	}
	return 0;
}

static void close_listeners(struct proxy *p)
{
	if (p->lfd >= 0)
		close(p->lfd);
	if (p->ufd >= 0) {
		close(p->ufd);
		unlink(p->cfg.unix_path);
	}
	p->lfd = p->ufd = -1;
}

/* Frees p (no thread running). */
static void proxy_free(struct proxy *p)
{
	close_listeners(p);
	sessions_free(p->sessions);
	proxy_tls_free(p->tls);
	free(p->conn_fds);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->idle);
	free(p);
}

static int check_creds(const struct proxy_config *cfg, char *err, size_t errlen)
{
	for (size_t i = 0; i < cfg->ncreds; i++) {
		if (cfg->creds[i].nhosts == 0 || !cfg->creds[i].header) {
			snprintf(err, errlen, "credential %s has no hosts or no header", cfg->creds[i].name);
			return HUSH_EINVAL;
		}
	}
	return 0;
}

int proxy_start(const struct proxy_config *cfg, struct proxy **out, char *err, size_t errlen)
{
	err[0] = 0;
	int rc = check_creds(cfg, err, errlen);
	if (rc)
		return rc;
	struct proxy *p = calloc(1, sizeof(*p));
	if (!p)
		return HUSH_ENOMEM;
	p->cfg = *cfg;
	if (!p->cfg.max_conns)
		p->cfg.max_conns = 256;
	if (!p->cfg.idle_timeout_ms)
		p->cfg.idle_timeout_ms = 120000;
	p->lfd = p->ufd = -1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->idle, NULL);
	p->conn_fds = malloc(p->cfg.max_conns * sizeof(int));
	rc = p->conn_fds ? sessions_new(cfg->ncreds, &p->sessions) : HUSH_ENOMEM;
	for (unsigned i = 0; !rc && i < p->cfg.max_conns; i++)
		p->conn_fds[i] = -1;
	if (!rc)
		rc = proxy_tls_new(cfg->ca_files, &p->tls, err, errlen);
	if (!rc)
		rc = listen_tcp(p, cfg->port, err, errlen);
	if (!rc && cfg->unix_path)
		rc = listen_unix(p, cfg->unix_path, err, errlen);
	if (!rc && pthread_create(&p->thread, NULL, listen_thread, p)) {
		snprintf(err, errlen, "cannot start the proxy thread");
		rc = HUSH_EIO;
	}
	if (!rc) {
		*out = p;
		return 0;
	}
	if (!err[0])
		snprintf(err, errlen, "%s", hush_strerror(rc));
	proxy_free(p);
	return rc;
}

void proxy_stop(struct proxy *p)
{
	if (!p)
		return;
	atomic_store(&p->stopping, true);
	shutdown(p->lfd, SHUT_RDWR);
	if (p->ufd >= 0)
		shutdown(p->ufd, SHUT_RDWR);
	pthread_join(p->thread, NULL);
	close_listeners(p);
	pthread_mutex_lock(&p->lock);
	for (unsigned i = 0; i < p->cfg.max_conns; i++)
		if (p->conn_fds[i] >= 0)
			shutdown(p->conn_fds[i], SHUT_RDWR);
	while (p->nconns > 0)
		pthread_cond_wait(&p->idle, &p->lock);
	pthread_mutex_unlock(&p->lock);
	proxy_free(p);
}
