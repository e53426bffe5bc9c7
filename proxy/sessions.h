/* SPDX-License-Identifier: ISC */
/* The proxy's session table: per session, a random placeholder for every
 * credential, a proxy token for CONNECT, and the hosts its tunnels may
 * reach. Thread-safe; placeholders and tokens are compared in constant
 * time and wiped when the session ends. */
#ifndef HUSH_PROXY_SESSIONS_H
#define HUSH_PROXY_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SESSIONS_PH_PREFIX "hush_ph_"   /* every placeholder starts so */

struct sessions;

/* A table for PROXY_MAX_SESSIONS sessions of ncreds credentials. 0 with
 * *out, or HUSH_ENOMEM. */
int sessions_new(size_t ncreds, struct sessions **out);
/* Wipes and frees; NULL is fine. */
void sessions_free(struct sessions *t);

/* proxy_session_add, _remove, _restrict and _placeholder (proxy.h). */
int sessions_add(struct sessions *t, uint64_t id);
void sessions_remove(struct sessions *t, uint64_t id);
int sessions_restrict(struct sessions *t, uint64_t id, const char *const *hosts, size_t n);
int sessions_placeholder(struct sessions *t, uint64_t id, size_t i, char *out, size_t n);

/* The session whose placeholder for credential ci (or whose proxy token,
 * when ci is SIZE_MAX) is v[n]; 0 for none. */
uint64_t sessions_find(struct sessions *t, size_t ci, const char *v, size_t n);
bool sessions_alive(struct sessions *t, uint64_t id);
/* Whether session id may open a tunnel to host:port (lower case): any
 * host unless the session is restricted, else one of its patterns must
 * match. */
bool sessions_may_reach(struct sessions *t, uint64_t id, const char *host, uint16_t port);
/* Looks for a placeholder in p[n]: the index of the credential it belongs
 * to (in any session), ncreds for one that is not known, -1 when there is
 * none. */
long sessions_placeholder_in(struct sessions *t, const char *p, size_t n);

#endif
