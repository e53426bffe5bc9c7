/* SPDX-License-Identifier: ISC */
/* CONNECT host:port with the session's proxy token. Hosts that have a
 * credential get their TLS terminated with a leaf of the session CA, and
 * the requests inside are served as any other; other hosts, when the
 * session may reach them, get a plain tunnel whose bytes pass untouched. */
#ifndef HUSH_PROXY_TUNNEL_H
#define HUSH_PROXY_TUNNEL_H

#include <stdbool.h>

#include "proxy/http.h"

struct conn;

/* Handles the CONNECT with head h on c. Returns true when c now carries a
 * terminated tunnel (c->mitm) and requests follow. */
bool tunnel_connect(struct conn *c, struct http_head *h);

#endif
