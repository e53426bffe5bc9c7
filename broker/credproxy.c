/* SPDX-License-Identifier: ISC */
/* The broker's side of the credential proxy: see credproxy.h. */
#include "broker/credproxy.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "broker/audit.h"
#include "broker/keycache.h"
#include "broker/session.h"
#include "common/err.h"
#include "common/util.h"
#include "config/credential.h"
#include "proxy/proxy.h"
#include "vault/vault.h"
#include "broker/daemon_int.h"

/* One value a proxy thread asked for; the thread waits until done. Lives
 * on that thread's stack: never touched after reply(). */
struct credproxy_ask {
	const struct proxy_use *u;
	int rc;
	uint8_t *value;
	size_t len;
	bool done;
	struct credproxy_ask *next;
};

static struct {
	struct proxy *p;
	int efd;
	struct grant *policy;        /* per credential: how a use is confirmed */
	char usock[PATH_MAX];        /* <runtime>/proxy.sock, for proxy-only sandboxes */
	uint64_t ids[PROTO_MAX_SESSIONS]; /* sessions the proxy serves */
	size_t nids;
	pthread_mutex_t mu;          /* guards head, tail, stopping, done */
	pthread_cond_t cv;
	struct credproxy_ask *head, *tail; /* posted, not taken by the main loop */
	bool stopping;
} X = { .efd = -1, .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static pthread_mutex_t audit_mu = PTHREAD_MUTEX_INITIALIZER;

/* --- proxy threads --- */

static int authorize(void *ctx, const struct proxy_use *u, uint8_t **value, size_t *len)
{
	(void)ctx;
	struct credproxy_ask a = { .u = u, .rc = HUSH_EREFUSED };
	pthread_mutex_lock(&X.mu);
	if (X.stopping) {
		pthread_mutex_unlock(&X.mu);
		return HUSH_EREFUSED;
	}
	if (X.tail)
		X.tail->next = &a;
	else
		X.head = &a;
	X.tail = &a;
	pthread_mutex_unlock(&X.mu);
	uint64_t one = 1;
	while (write(X.efd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&X.mu);
	while (!a.done)
		pthread_cond_wait(&X.cv, &X.mu);
	pthread_mutex_unlock(&X.mu);
	*value = a.value;
	*len = a.len;
	return a.rc;
}

static void audit(void *ctx, const struct proxy_event *ev)
{
	(void)ctx;
	char grant[PROTO_MAX_NAME + 16], exe[PATH_MAX], cwd[64];
	snprintf(grant, sizeof(grant), "credential %s", ev->credential ? ev->credential : "");
	snprintf(exe, sizeof(exe), "%s https://%s%s", ev->method ? ev->method : "-",
		 ev->host ? ev->host : "-", ev->path ? ev->path : "");
	snprintf(cwd, sizeof(cwd), "sandbox session %llu", (unsigned long long)ev->session);
	struct audit_event ae = {
		.time = time_now(), .grant = ev->credential ? grant : NULL, .exe = exe, .cwd = cwd,
		.uid = getuid(), .decision = ev->kind, .reason = ev->reason,
		.exit_status = ev->status, .kind = "proxy", .bytes_up = ev->bytes_up,
		.bytes_down = ev->bytes_down,
	};
	pthread_mutex_lock(&audit_mu);
	int e = audit_append(S.audit_path, &ae);
	pthread_mutex_unlock(&audit_mu);
	if (e)
		msg_error("cannot append to the audit log %s: %s", S.audit_path, hush_strerror(e));
}

/* --- the main loop --- */

static void reply(struct credproxy_ask *a, int rc, uint8_t *value, size_t len)
{
	pthread_mutex_lock(&X.mu);
	a->rc = rc;
	a->value = value;
	a->len = len;
	a->done = true;
	pthread_cond_broadcast(&X.cv);
	pthread_mutex_unlock(&X.mu);
}

/* The value of c's secret in sodium_malloc memory. */
static int fetch(const struct credential *c, uint8_t **value, size_t *len)
{
	char why[256] = "";
	struct vault *v = NULL;
	int e = daemon_ensure_key(why, sizeof(why));
	if (!e)
		e = keycache_open_vault(&v);
	if (e)
		return e == HUSH_ENOENT ? HUSH_ENOENT : HUSH_ELOCKED;
	const char *val;
	size_t l;
	e = vault_get(v, c->secret, &val, &l);
	if (!e) {
		*value = sodium_malloc(l ? l : 1);
		if (*value) {
			memcpy(*value, val, l);
			*len = l;
		} else {
			e = HUSH_ENOMEM;
		}
	}
	vault_close(v);
	S.last_use = time_mono_ms();
	return e;
}

static void give(struct credproxy_ask *a)
{
	uint8_t *v = NULL;
	size_t l = 0;
	int e = fetch(a->u->cred, &v, &l);
	reply(a, e, v, l);
}

/* One posted ask becomes a request, decided as a run is. */
static void handle(struct credproxy_ask *a)
{
	const struct proxy_use *u = a->u;
	const struct session *s = session_find(u->session);
	size_t ci = (size_t)(u->cred - S.cfg.creds->v);
	if (!s || ci >= S.cfg.creds->n) {
		reply(a, HUSH_EREFUSED, NULL, 0);
		return;
	}
	char why[256] = "";
	if (daemon_ensure_key(why, sizeof(why))) {
		reply(a, HUSH_ELOCKED, NULL, 0);
		return;
	}
	struct request *r = calloc(1, sizeof(*r));
	char **argv = calloc(2, sizeof(char *));
	if (!r || !argv) {
		free(r);
		free(argv);
		reply(a, HUSH_ENOMEM, NULL, 0);
		return;
	}
	for (size_t i = 0; i < PROTO_RUN_FDS; i++)
		r->fds[i] = -1;
	r->id = ++S.next_id;
	r->ask = a;
	r->g = &X.policy[ci];
	r->credential = u->cred->name;
	r->pid = s->pid;
	r->uid = getuid();
	snprintf(r->exe, sizeof(r->exe), "%s https://%s%s", u->method, u->host, u->path);
	snprintf(r->cwd, sizeof(r->cwd), "sandbox session %llu", (unsigned long long)u->session);
	snprintf(r->akey, sizeof(r->akey), "%s", r->cwd);
	snprintf(r->secret_names, sizeof(r->secret_names), "%s", u->cred->secret);
	argv[0] = strdup(r->exe);
	r->run.argv = argv;
	r->run.argc = 1;
	if (!argv[0]) {
		request_free(r); /* refuses the ask */
		return;
	}
	request_process(r);
}

void credproxy_serve(void)
{
	uint64_t n;
	while (read(X.efd, &n, sizeof(n)) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&X.mu);
	struct credproxy_ask *a = X.head;
	X.head = X.tail = NULL;
	pthread_mutex_unlock(&X.mu);
	while (a) {
		struct credproxy_ask *next = a->next; /* a is gone once answered */
		handle(a);
		a = next;
	}
}

void credproxy_answer(struct request *r, bool yes, const char *by)
{
	(void)by;
	struct credproxy_ask *a = r->ask;
	r->ask = NULL;
	if (a && yes)
		give(a);
	else if (a)
		reply(a, HUSH_EREFUSED, NULL, 0);
	request_free(r);
}

void credproxy_abandon(struct credproxy_ask *a)
{
	reply(a, HUSH_EREFUSED, NULL, 0);
}

int credproxy_fd(void)
{
	return X.p ? X.efd : -1;
}

uint16_t credproxy_port(void)
{
	return X.p ? proxy_port(X.p) : 0;
}

/* --- sessions --- */

/* Frees what start() made (the proxy already stopped). */
static void teardown(void)
{
	if (X.efd >= 0)
		close(X.efd);
	X.efd = -1;
	for (size_t i = 0; X.policy && i < S.cfg.creds->n; i++)
		free(X.policy[i].name);
	free(X.policy);
	X.policy = NULL;
	X.nids = 0;
}

static int start(char *why, size_t n)
{
	const struct config_credentials *cc = S.cfg.creds;
	X.policy = calloc(cc->n ? cc->n : 1, sizeof(*X.policy));
	if (!X.policy)
		return HUSH_ENOMEM;
	for (size_t i = 0; i < cc->n; i++) {
		size_t l = strlen(cc->v[i].name) + sizeof("credential ");
		X.policy[i].name = malloc(l);
		if (!X.policy[i].name) {
			teardown();
			snprintf(why, n, "out of memory");
			return HUSH_ENOMEM;
		}
		snprintf(X.policy[i].name, l, "credential %s", cc->v[i].name);
		X.policy[i].policy = cc->v[i].confirm;
		X.policy[i].ui = CONFIRM_UI_DEFAULT;
		X.policy[i].nsecrets = 1;
	}
	X.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (X.efd < 0) {
		snprintf(why, n, "eventfd: %s", strerror(errno));
		teardown();
		return HUSH_EIO;
	}
	/* trust for upstreams: the system store, SSL_CERT_FILE of the broker,
	 * [proxy] ca_file */
	const char *ca[3] = { NULL };
	size_t k = 0;
	const char *sc = getenv("SSL_CERT_FILE");
	if (sc && *sc)
		ca[k++] = sc;
	if (cc->ca_file)
		ca[k++] = cc->ca_file;
	if (xsnprintf(X.usock, sizeof(X.usock), "%s/proxy.sock", S.runtime)) {
		snprintf(why, n, "runtime directory path too long");
		teardown();
		return HUSH_ETOOBIG;
	}
	struct proxy_config pc = {
		.creds = cc->v, .ncreds = cc->n, .ca_files = ca,
		.authorize = authorize, .audit = audit, .unix_path = X.usock,
	};
	int e = proxy_start(&pc, &X.p, why, n);
	if (e)
		teardown();
	return e;
}

/* PROXY_ONLY: the session's tunnels reach only these (comma-separated). */
static int restrict_hosts(uint64_t id, const char *list)
{
	char *copy = strdup(list ? list : "");
	const char *v[PROXY_MAX_HOST_PATTERNS + 1];
	size_t k = 0;
	if (!copy)
		return HUSH_ENOMEM;
	for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		if (k == PROXY_MAX_HOST_PATTERNS) {
			free(copy);
			return HUSH_ETOOBIG;
		}
		v[k++] = t;
	}
	int e = proxy_session_restrict(X.p, id, v, k);
	free(copy);
	return e;
}

/* Which credentials are served: those whose secret is in the vault, from
 * the names the key cache knows (no decrypt while the vault file stays
 * the same). 0 with have[i] and *any, or why the vault cannot say. */
static int in_vault(const struct config_credentials *cc, bool *have, bool *any)
{
	char why[256] = "";
	int e = daemon_ensure_key(why, sizeof(why));
	for (size_t i = 0; !e && i < cc->n && i < CREDENTIAL_MAX; i++) {
		e = keycache_has_entry(cc->v[i].secret, &have[i]);
		*any |= have[i];
	}
	return e;
}

int credproxy_session_open(uint64_t id, const struct proto_session *ps,
			   struct proto_session_reply *out, char *why, size_t n)
{
	const struct config_credentials *cc = S.cfg.creds;
	bool only = (ps->flags & PROTO_SESSION_PROXY_ONLY) != 0;
	credproxy_sync();
	if ((ps->flags & PROTO_SESSION_NO_PROXY) || ((!cc || !cc->n) && !only))
		return 0;
	bool have[CREDENTIAL_MAX] = { false }, any = false;
	int e = in_vault(cc, have, &any);
	if (e && only) {
		/* the way out still works, with no credential */
		memset(have, 0, sizeof(have));
		any = false;
	} else if (e) {
		if (e == HUSH_ELOCKED)
			snprintf(why, n, "the vault is locked (hush unlock, then start the sandbox "
				 "again, gives the agent the API keys in the vault)");
		else
			snprintf(why, n, "the vault cannot be opened: %s", hush_strerror(e));
		return e;
	}
	if (!any && !only)
		return 0;
	if (!X.p && (e = start(why, n)))
		return e;
	if ((e = proxy_session_add(X.p, id))) {
		snprintf(why, n, "the proxy serves too many sessions");
		return e;
	}
	X.ids[X.nids++] = id;
	if (only && (e = restrict_hosts(id, ps->allow_hosts))) {
		proxy_session_remove(X.p, id);
		X.nids--;
		snprintf(why, n, "too many hosts in the allow list (at most %d)",
			 PROXY_MAX_HOST_PATTERNS);
		return e;
	}
	char ph[CREDENTIAL_MAX][PROXY_PLACEHOLDER_LEN + 1], tok[PROXY_TOKEN_LEN + 1];
	const char *phs[CREDENTIAL_MAX] = { NULL };
	for (size_t i = 0; i < cc->n && i < CREDENTIAL_MAX; i++)
		if (have[i] && !proxy_session_placeholder(X.p, id, i, ph[i], sizeof(ph[i])))
			phs[i] = ph[i];
	char **env = NULL;
	e = proxy_session_placeholder(X.p, id, cc->n, tok, sizeof(tok));
	if (!e)
		e = proxy_env_build(cc->v, cc->n, phs, tok, proxy_port(X.p), NULL, &env);
	out->ca_pem = e ? NULL : strdup(proxy_ca_pem(X.p));
	if (e || !out->ca_pem) {
		proxy_env_free(env);
		snprintf(why, n, "out of memory");
		return HUSH_ENOMEM;
	}
	out->env = env;
	while (env[out->nenv])
		out->nenv++;
	return 0;
}

void credproxy_sync(void)
{
	for (size_t i = 0; i < X.nids;) {
		if (session_find(X.ids[i])) {
			i++;
			continue;
		}
		proxy_session_remove(X.p, X.ids[i]);
		X.ids[i] = X.ids[--X.nids];
	}
}

void credproxy_stop(void)
{
	if (!X.p)
		return;
	pthread_mutex_lock(&X.mu);
	X.stopping = true;
	struct credproxy_ask *a = X.head;
	X.head = X.tail = NULL;
	pthread_mutex_unlock(&X.mu);
	while (a) {
		struct credproxy_ask *next = a->next;
		reply(a, HUSH_EREFUSED, NULL, 0);
		a = next;
	}
	for (size_t i = 0; i < MAX_REQUESTS; i++)
		if (S.reqs[i] && S.reqs[i]->ask)
			request_free(S.reqs[i]);
	proxy_stop(X.p);
	X.p = NULL;
	teardown();
}
