/* SPDX-License-Identifier: ISC */
/* The unix socket allow-list's supervisor: it connects for the agent and
 * decides which unix sockets the agent may reach (sockets.c; the filter
 * that sends connect() to it is sockfilter.h). */
#ifndef HUSH_SANDBOX_SOCKETS_H
#define HUSH_SANDBOX_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strv.h"

/* What the agent may connect to besides sockets whose listener runs inside
 * the sandbox. Paths are in the supervisor's view and compared by device
 * and inode at each connect (a restarted broker makes a new inode). */
struct sandbox_sock_policy {
	const char *client_sock;     /* hush's client socket, or NULL */
	const struct strv *allow; /* allow_socket entries, or NULL */
};

/* A unix socket address as connect() reads it. */
struct sandbox_sock_addr {
	bool abstract;  /* name[0] is the NUL that starts an abstract name */
	size_t len;     /* bytes of name (abstract: including that NUL) */
	char name[110]; /* a path is NUL-terminated */
};
/* Parses the len bytes of a sockaddr_un the way the kernel does for
 * connect(). 0, or HUSH_EINVAL (wrong family, too short or too long). */
int sandbox_sock_addr_parse(const void *buf, size_t len, struct sandbox_sock_addr *out);

struct sandbox_sock_sup;
/* In the supervisor (the sandbox's init), before it enters another mount
 * namespace: takes over listener, remembers its own root, /proc/self/fd
 * and network namespace, and starts the worker threads that connect for
 * the agent and answer (they run until the process exits; each has its
 * own file-system context, so the caller may still setns() its mount
 * namespace). p must live as long. 0 or HUSH_E*. */
int sandbox_sockets_supervise(int listener, const struct sandbox_sock_policy *p,
			      struct sandbox_sock_sup **out);
/* For hush doctor: runs a child under the filter and supervises one
 * connect. 0 when seccomp user notification and pidfd_getfd work; else a
 * HUSH_E* code with the reason in why[n]. */
int sandbox_sockets_probe(char *why, size_t n);

#endif
