/* SPDX-License-Identifier: ISC */
/* The proxy's session table: see sessions.h. */
#include "proxy/sessions.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "config/credential.h"
#include "proxy/proxy.h"
#include "shim/rules.h"

#define TOKEN_PREFIX "hush_tok_"

struct allow_host {
	char host[PROXY_MAX_HOST_PATTERN];  /* lower case; a glob */
	uint16_t port;
};

struct session {
	uint64_t id;                /* 0 = free slot */
	char (*ph)[PROXY_PLACEHOLDER_LEN + 1]; /* one per credential */
	char token[PROXY_TOKEN_LEN + 1];
	/* the hosts CONNECT may reach (besides the credentials' hosts),
	 * parsed; NULL = any host */
	struct allow_host *allow;
	size_t nallow;
};

struct sessions {
	pthread_mutex_t lock;
	size_t ncreds;
	struct session s[PROXY_MAX_SESSIONS];
};

int sessions_new(size_t ncreds, struct sessions **out)
{
	struct sessions *t = calloc(1, sizeof(*t));
	if (!t)
		return HUSH_ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	t->ncreds = ncreds;
	for (size_t i = 0; i < PROXY_MAX_SESSIONS; i++) {
		t->s[i].ph = calloc(ncreds ? ncreds : 1, sizeof(*t->s[i].ph));
		if (!t->s[i].ph) {
			sessions_free(t);
			return HUSH_ENOMEM;
		}
	}
	*out = t;
	return 0;
}

void sessions_free(struct sessions *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < PROXY_MAX_SESSIONS; i++) {
		if (t->s[i].ph)
			sodium_memzero(t->s[i].ph, t->ncreds * sizeof(*t->s[i].ph));
		free(t->s[i].ph);
		free(t->s[i].allow);
	}
	sodium_memzero(t->s, sizeof(t->s));
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static void random_hex(char *out, const char *prefix)
{
	uint8_t rnd[32];
	randombytes_buf(rnd, sizeof(rnd));
	size_t pl = strlen(prefix);
	memcpy(out, prefix, pl);
	sodium_bin2hex(out + pl, 65, rnd, sizeof(rnd));
	sodium_memzero(rnd, sizeof(rnd));
}

int sessions_add(struct sessions *t, uint64_t id)
{
	if (id == 0)
		return HUSH_EINVAL;
	pthread_mutex_lock(&t->lock);
	int r = HUSH_ETOOBIG;
	struct session *free_slot = NULL;
	for (size_t i = 0; i < PROXY_MAX_SESSIONS; i++) {
		if (t->s[i].id == id) {
			r = HUSH_EEXIST;
			goto out;
		}
		if (!t->s[i].id && !free_slot)
			free_slot = &t->s[i];
	}
	if (!free_slot)
		goto out;
	for (size_t i = 0; i < t->ncreds; i++)
		random_hex(free_slot->ph[i], SESSIONS_PH_PREFIX);
	random_hex(free_slot->token, TOKEN_PREFIX);
	free_slot->id = id;
	r = 0;
out:
	pthread_mutex_unlock(&t->lock);
	return r;
}

void sessions_remove(struct sessions *t, uint64_t id)
{
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < PROXY_MAX_SESSIONS; i++) {
		struct session *s = &t->s[i];
		if (s->id != id || !id)
			continue;
		s->id = 0;
		sodium_memzero(s->ph, t->ncreds * sizeof(*s->ph));
		sodium_memzero(s->token, sizeof(s->token));
		free(s->allow);
		s->allow = NULL;
		s->nallow = 0;
	}
	pthread_mutex_unlock(&t->lock);
}

/* The patterns of hosts[n] that parse, lower case, in *out (malloc'd);
 * one that does not parse can match nothing and is left out. */
static int parse_hosts(const char *const *hosts, size_t n, struct allow_host **out, size_t *kept)
{
	if (n > PROXY_MAX_HOST_PATTERNS)
		return HUSH_ETOOBIG;
	struct allow_host *v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return HUSH_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (strlen(hosts[i]) >= sizeof(v[k].host)) {
			free(v);
			return HUSH_ETOOBIG;
		}
		if (credential_parse_hostport(hosts[i], 443, v[k].host, sizeof(v[k].host), &v[k].port))
			continue;
		for (char *c = v[k].host; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		k++;
	}
	*out = v;
	*kept = k;
	return 0;
}

int sessions_restrict(struct sessions *t, uint64_t id, const char *const *hosts, size_t n)
{
	struct allow_host *v = NULL;
	size_t kept = 0;
	int r = parse_hosts(hosts, n, &v, &kept);
	if (r)
		return r;
	r = HUSH_ENOENT;
	pthread_mutex_lock(&t->lock);
	for (size_t k = 0; id && k < PROXY_MAX_SESSIONS; k++) {
		struct session *s = &t->s[k];
		if (s->id != id)
			continue;
		free(s->allow);
		s->allow = v;
		s->nallow = kept;
		v = NULL;
		r = 0;
	}
	pthread_mutex_unlock(&t->lock);
	free(v);
	return r;
}

bool sessions_may_reach(struct sessions *t, uint64_t id, const char *host, uint16_t port)
{
	bool ok = true;
	pthread_mutex_lock(&t->lock);
	for (size_t k = 0; k < PROXY_MAX_SESSIONS; k++) {
		struct session *s = &t->s[k];
		if (s->id != id || !s->allow)
			continue;
		ok = false;
		for (size_t i = 0; i < s->nallow && !ok; i++)
			ok = s->allow[i].port == port &&
			     rules_glob(s->allow[i].host, host, strlen(host));
	}
	pthread_mutex_unlock(&t->lock);
	return ok;
}

int sessions_placeholder(struct sessions *t, uint64_t id, size_t i, char *out, size_t n)
{
	int r = HUSH_ENOENT;
	pthread_mutex_lock(&t->lock);
	for (size_t k = 0; id && k < PROXY_MAX_SESSIONS && i <= t->ncreds; k++) {
		struct session *s = &t->s[k];
		if (s->id != id)
			continue;
		r = xsnprintf(out, n, "%s", i == t->ncreds ? s->token : s->ph[i]);
	}
	pthread_mutex_unlock(&t->lock);
	return r;
}

/* Constant time over the candidates. */
uint64_t sessions_find(struct sessions *t, size_t ci, const char *v, size_t n)
{
	uint64_t found = 0;
	if (n != (ci == SIZE_MAX ? PROXY_TOKEN_LEN : PROXY_PLACEHOLDER_LEN))
		return 0;
	pthread_mutex_lock(&t->lock);
	for (size_t k = 0; k < PROXY_MAX_SESSIONS; k++) {
		struct session *s = &t->s[k];
		const char *want = ci == SIZE_MAX ? s->token : s->ph[ci];
		if (s->id && sodium_memcmp(want, v, n) == 0)
			found = s->id;
	}
	pthread_mutex_unlock(&t->lock);
	return found;
}

bool sessions_alive(struct sessions *t, uint64_t id)
{
	bool alive = false;
	pthread_mutex_lock(&t->lock);
	for (size_t k = 0; id && k < PROXY_MAX_SESSIONS; k++)
		alive |= t->s[k].id == id;
	pthread_mutex_unlock(&t->lock);
	return alive;
}

long sessions_placeholder_in(struct sessions *t, const char *p, size_t n)
{
	const char *hit = memmem(p, n, SESSIONS_PH_PREFIX, strlen(SESSIONS_PH_PREFIX));
	if (!hit)
		return -1;
	size_t left = n - (size_t)(hit - p);
	if (left >= PROXY_PLACEHOLDER_LEN)
		for (size_t ci = 0; ci < t->ncreds; ci++)
			if (sessions_find(t, ci, hit, PROXY_PLACEHOLDER_LEN))
				return (long)ci;
	return (long)t->ncreds;
}
