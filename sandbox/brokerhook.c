/* SPDX-License-Identifier: ISC */
/* The sandbox's session in the broker: registering it, the credential
 * proxy's variables and CA bundle for the agent, closing it. */
#include "sandbox/brokerhook.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "broker/client.h"
#include "common/util.h"
#include "proxy/proxy.h"

/* a + b in one NULL-terminated array (the strings move); NULL when out of
 * memory (both are freed then). */
static char **strv_join(char **a, char **b)
{
	size_t na = 0, nb = 0;
	while (a && a[na])
		na++;
	while (b && b[nb])
		nb++;
	char **v = realloc(a, (na + nb + 1) * sizeof(char *));
	if (!v) {
		proxy_env_free(a);
		proxy_env_free(b);
		return NULL;
	}
	memcpy(v + na, b, nb * sizeof(char *));
	v[na + nb] = NULL;
	free(b);
	return v;
}

/* The reply's variables and the CA bundle's, for the agent; a name passed
 * with --allow-env that the proxy replaces gets a note. */
static char **proxy_vars(struct sandbox_broker_hook *h, struct proto_session_reply *sr)
{
	char bundle[PATH_MAX], **ca = NULL;
	const char *sys = getenv("SSL_CERT_FILE");
	if (xsnprintf(bundle, sizeof(bundle), "%s/ca-certificates.crt", h->dir) ||
	    proxy_bundle_write(bundle, sys && *sys ? sys : NULL, sr->ca_pem) ||
	    proxy_env_build(NULL, 0, NULL, NULL, 0, bundle, &ca))
		sandbox_note(h->notes, SANDBOX_NOTE_WARN,
			     "sandbox: cannot write the credential proxy's CA bundle: HTTPS "
			     "clients will not trust the proxy");
	/* the variables move out of the reply */
	char **extra = strv_join(sr->env, ca);
	sr->env = NULL;
	sr->nenv = 0;
	for (size_t i = 0; extra && extra[i]; i++) {
		size_t nl = strcspn(extra[i], "=");
		for (size_t k = 0; h->passed && k < h->passed->n; k++)
			if (strlen(h->passed->v[k]) == nl && !strncmp(h->passed->v[k], extra[i], nl) &&
			    getenv(h->passed->v[k]))
				sandbox_note(h->notes, SANDBOX_NOTE_WARN,
					     "sandbox: %.*s holds a placeholder inside, not the value "
					     "given with --allow-env: the credential proxy puts the "
					     "real value on the wire", (int)nl, extra[i]);
	}
	return extra;
}

char **sandbox_broker_hook_start(void *arg, pid_t pid, uint64_t pidns)
{
	struct sandbox_broker_hook *h = arg;
	struct client_session cs = { .pidns = pidns, .pid = pid, .display = h->display,
				     .no_proxy = h->no_proxy, .proxy_only = h->proxy_only,
				     .allow_hosts = h->allow_hosts,
				     .journal = h->journal && h->journal[0] ? h->journal : NULL };
	struct proto_session_reply sr = { 0 };
	int r = client_session_open(&cs, &sr);
	if (r) {
		if (r != HUSH_ENOENT && h->display)
			sandbox_note(h->notes, SANDBOX_NOTE_WARN,
				     "sandbox: cannot register the session with the broker (%s): it "
				     "may show desktop dialogs the agent can click", hush_strerror(r));
		if (h->proxy_only)
			sandbox_note(h->notes, SANDBOX_NOTE_WARN,
				     "sandbox: network = proxy-only, but no broker runs its proxy "
				     "(%s): the agent has no network", hush_strerror(r));
		return NULL;
	}
	if (h->proxy_only && !sr.nenv)
		sandbox_note(h->notes, SANDBOX_NOTE_WARN,
			     "sandbox: network = proxy-only, but the proxy does not serve this "
			     "session: the agent has no network");
	h->id = sr.id;
	if (sr.note && sr.note[0])
		sandbox_note(h->notes, SANDBOX_NOTE_WARN, "sandbox: %s", sr.note);
	char **extra = sr.nenv ? proxy_vars(h, &sr) : NULL;
	proto_session_reply_free(&sr);
	return extra;
}

void sandbox_broker_hook_end(void *arg)
{
	struct sandbox_broker_hook *h = arg;
	if (h->id)
		client_session_close(h->id);
}
