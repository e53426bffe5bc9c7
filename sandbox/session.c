/* SPDX-License-Identifier: ISC */
/* The driver of one sandbox session (see session.h): each step is another
 * module's (workdir, discover, inputs, guard, brokerhook, ns); here they
 * are put in order, the kernel layers chosen and the fallback to Landlock
 * alone decided. */
#include "sandbox/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "broker/client.h"
#include "common/util.h"
#include "config/config.h"
#include "config/credential.h"
#include "sandbox/brokerhook.h"
#include "sandbox/discover.h"
#include "sandbox/guard.h"
#include "sandbox/inputs.h"
#include "sandbox/landlock.h"
#include "sandbox/ns.h"
#include "sandbox/policy.h"
#include "sandbox/workdir.h"
#include "vault/vault.h"

struct sandbox_session {
	const struct sandbox_request *rq;
	struct sandbox_workdir w;
	bool userns;          /* tried for real when the agent starts */
	int abi;              /* Landlock's, 0 for none */
	bool use_shim;
	struct sandbox_hidden hid;
	struct strv env;      /* the agent's environment */
	struct strv passed;   /* the exact names passed into it */
	struct sandbox_plan plan;
	struct sandbox_guard guard;
	bool ran;             /* the agent may have run: the guard sweeps */
};

#define OOM(f) sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: out of memory")

/* Which kernel layers, and a note for each one that is off. */
static void layers(struct sandbox_session *s)
{
	const struct sandbox_request *rq = s->rq;
	const struct sandbox_notes *n = &rq->notes;
	s->userns = !rq->no_userns;
	if (rq->no_userns)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: user namespaces OFF (--no-userns): no "
			     "file masks, no pid namespace; Landlock alone decides what the agent "
			     "can read");
	const char *llwhy = NULL;
	int abi = rq->no_landlock ? 0 : sandbox_landlock_abi(&llwhy);
	if (rq->no_landlock)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: Landlock OFF (--no-landlock): the broker "
			     "and granted commands are not shielded from ptrace and /proc by "
			     "Landlock");
	else if (abi <= 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: Landlock unavailable (%s)",
			     llwhy ? llwhy : "unknown");
	s->abi = abi < 0 ? 0 : abi;
	if (rq->no_shim)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: shim OFF (--no-shim): names created after "
			     "start are not hidden and granted commands are only routed via PATH "
			     "links");
}

/* The broker runs outside the sandbox, started before any namespace: for
 * the grants and for the credential proxy. For the proxy alone only a
 * broker that can open the vault without a terminal helps: a keyring key,
 * or an askpass program. */
static void ensure_broker(const struct sandbox_session *s)
{
	const struct sandbox_request *rq = s->rq;
	const struct config *cfg = rq->cfg;
	bool want_proxy = !rq->no_proxy && cfg->creds && cfg->creds->n > 0;
	struct vault_info vinfo;
	const char *apass = getenv("HUSH_ASKPASS");
	bool unlockable = vault_probe(s->w.vault, &vinfo) == 0 &&
			  (vinfo.source == VAULT_KEY_KEYRING || cfg->askpass || (apass && *apass));
	if (!((cfg->ngrants > 0 && access(s->w.vault, F_OK) == 0) || (want_proxy && unlockable) ||
	      rq->proxy_only))
		return;
	int r = client_ensure_broker(cfg);
	if (r < 0) {
		sandbox_note(&rq->notes, SANDBOX_NOTE_WARN, "sandbox: the broker is not running (%s): "
			     "granted commands will fail and API keys in the vault are not given to "
			     "the agent", hush_strerror(r));
		sandbox_note(&rq->notes, SANDBOX_NOTE_HINT, "start it with: hush broker");
	}
}

/* The shim's rules file, when the shim is there to read it. */
static int shim_rules(struct sandbox_session *s, struct sandbox_failure *f)
{
	const struct sandbox_request *rq = s->rq;
	s->use_shim = !rq->no_shim;
	if (s->use_shim && !rq->shim) {
		sandbox_note(&rq->notes, SANDBOX_NOTE_WARN, "sandbox: libhush.so not found next to "
			     "%s: running without the shim", rq->self);
		s->use_shim = false;
	}
	char *text;
	size_t len;
	if (sandbox_hidden_rules(&s->hid, rq->cfg, rq->self, &text, &len) < 0)
		return OOM(f);
	int r = sandbox_workdir_write_rules(&s->w, text, len);
	int e = errno;
	free(text);
	if (r < 0)
		return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: writing %s: %s", s->w.rules,
				    strerror(e));
	return 0;
}

/* With no config file at start, an agent could write one that the next
 * broker would load (its own grants, confirm = none). An empty file made
 * now is bound read-only inside like an existing one. */
static void ensure_config_file(const char *cfgpath, const struct sandbox_notes *n)
{
	if (access(cfgpath, F_OK) == 0 || errno != ENOENT)
		return;
	char dir[PATH_MAX];
	if (sandbox_path_parent(cfgpath, dir, sizeof(dir)) < 0)
		return;
	static const char text[] = "# hush configuration: see docs/config.md\n";
	if (path_ensure_private_dir(dir) < 0 ||
	    file_write_atomic(cfgpath, text, sizeof(text) - 1, 0600, NULL) < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: cannot create %s: an agent could create "
			     "it", cfgpath);
}

/* The project guard and the mount plan it keeps read-only paths in. */
static int make_plan(struct sandbox_session *s, struct sandbox_failure *f)
{
	const struct sandbox_request *rq = s->rq;
	ensure_config_file(s->w.cfgpath, &rq->notes);
	struct strv rel = { 0 };
	int r = sandbox_inputs_never_rel(rq, &rel);
	if (r == 0)
		r = sandbox_guard_begin(&s->guard, s->w.cwd, s->w.home, &rel, &s->hid.globs,
					&s->hid.masks, &rq->notes);
	strv_free(&rel);
	if (r < 0)
		return OOM(f);
	r = sandbox_inputs_plan(&s->plan, rq, &s->w, &s->hid.masks, &s->guard.ro, f);
	if (r < 0)
		return r;
	return sandbox_guard_plan(&s->guard, &s->plan, s->w.data, !rq->explain, &rq->notes, f);
}

static int prepare(struct sandbox_session *s, struct sandbox_failure *f)
{
	const struct sandbox_request *rq = s->rq;
	int r = sandbox_workdir_paths(&s->w);
	if (r == HUSH_ENOENT)
		return sandbox_fail(f, SANDBOX_FAIL_PATHS, "sandbox: cannot work out hush's paths");
	if (r < 0)
		return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: working directory: %s",
				    strerror(errno));
	layers(s);
	ensure_broker(s);
	char err[768];
	if (sandbox_workdir_make(&s->w, rq->cfg, rq->self, err, sizeof(err)) < 0)
		return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: %s", err);
	/* an earlier session killed before its end: its sweep first (it may
	 * set back modes this session's search would stop at) */
	if (!rq->explain)
		sandbox_guard_sweep_orphans(s->w.data, &rq->notes);
	r = sandbox_hidden_find(&s->hid, rq->cfg, rq->profile, &s->w, rq->allow_display,
				rq->partial_masks, &rq->notes, f);
	if (r == 0)
		r = shim_rules(s, f);
	if (r == 0 && sandbox_inputs_env(&s->env, &s->passed, rq, &s->w, s->use_shim) < 0)
		r = OOM(f);
	return r < 0 ? r : make_plan(s, f);
}

int sandbox_session_prepare(const struct sandbox_request *rq, struct sandbox_session **out,
			    struct sandbox_failure *f)
{
	*out = NULL;
	struct sandbox_session *s = calloc(1, sizeof(*s));
	if (!s)
		return OOM(f);
	s->rq = rq;
	int r = prepare(s, f);
	if (r < 0) {
		sandbox_session_free(s);
		return r;
	}
	*out = s;
	return 0;
}

const struct sandbox_plan *sandbox_session_plan(const struct sandbox_session *s)
{
	return &s->plan;
}

/* proxy-only: the hosts its tunnels may reach, comma-separated (the
 * request's, then the config's), in *out; NULL for none. 0 or HUSH_ENOMEM. */
static int allowed_hosts(const struct sandbox_request *rq, char **out)
{
	struct strv all = { 0 };
	int r = 0;
	for (size_t i = 0; r == 0 && rq->allow_host && i < rq->allow_host->n; i++)
		r = strv_push(&all, rq->allow_host->v[i]);
	for (size_t i = 0; r == 0 && i < rq->cfg->allow_hosts.n; i++)
		r = strv_push_unique(&all, rq->cfg->allow_hosts.v[i]);
	size_t len = 0;
	for (size_t i = 0; i < all.n; i++)
		len += strlen(all.v[i]) + 1;
	*out = NULL;
	if (r == 0 && all.n && !(*out = calloc(1, len)))
		r = HUSH_ENOMEM;
	for (size_t i = 0; r == 0 && i < all.n; i++) {
		if (i)
			strcat(*out, ",");
		strcat(*out, all.v[i]);
	}
	strv_free(&all);
	return r;
}

/* Without user namespaces: Landlock rules alone, if there is Landlock and
 * the request allows; 0, or HUSH_E* with f filled when refused. */
static int fall_back(struct sandbox_session *s, struct sandbox_spec *spec,
		     const struct sandbox_ll_lists *ll, const char *err, struct sandbox_failure *f)
{
	const struct sandbox_request *rq = s->rq;
	const struct sandbox_notes *n = &rq->notes;
	if (rq->proxy_only)
		return sandbox_fail(f, SANDBOX_FAIL_PROXY_USERNS, "sandbox: network = proxy-only needs "
				    "user namespaces (%s)", s->userns ? err : "unavailable");
	if (s->userns) {
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: user namespaces unavailable (%s): falling "
			     "back to Landlock rules", err);
		sandbox_note(n, SANDBOX_NOTE_HINT, "hush doctor explains what is missing");
	}
	if (s->abi == 0 && !(rq->no_userns && rq->no_landlock))
		return sandbox_fail(f, SANDBOX_FAIL_NO_LAYER, "sandbox: no kernel layer is available: "
				    "refusing to start an agent with nothing but the shim between it "
				    "and your secrets");
	if (s->abi == 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: NO kernel layer: only the environment and "
			     "the shim stand in the way, which a determined agent gets around");
	else
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: without namespaces, Landlock cannot hide "
			     "the D-Bus session bus or unix sockets, files created later in a "
			     "directory holding a hidden file cannot be read back, and hidden files "
			     "and the hush config can still be overwritten or replaced");
	if (s->abi > 0 && s->abi < 6)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: Landlock ABI %d does not scope signals or "
			     "abstract unix sockets (ABI 6, Linux 6.12): without namespaces the agent "
			     "can signal your other processes and reach their abstract sockets",
			     s->abi);
	spec->userns = false;
	spec->ll_paths = s->abi > 0 ? &ll->paths : NULL;
	spec->sockets = NULL;
	return 0;
}

/* Runs spec, falling back to Landlock alone when namespaces cannot be
 * made. */
static int launch(struct sandbox_session *s, struct sandbox_spec *spec,
		  const struct sandbox_ll_lists *ll, int *status, struct sandbox_failure *f)
{
	char err[512];
	fflush(NULL);
	s->ran = true;
	int r = s->userns ? sandbox_run(spec, status, err, sizeof(err)) : HUSH_EPERM;
	if (r == HUSH_EPERM) {
		int fr = fall_back(s, spec, ll, s->userns ? err : "", f);
		if (fr < 0) {
			/* nothing ran */
			s->ran = false;
			sandbox_guard_forget(&s->guard);
			sandbox_workdir_remove(&s->w);
			return fr;
		}
		r = sandbox_run(spec, status, err, sizeof(err));
	}
	sandbox_workdir_remove(&s->w);
	if (r == HUSH_ENOENT)
		return sandbox_fail(f, SANDBOX_FAIL_EXEC, "sandbox: %s", err);
	if (r < 0)
		return sandbox_fail(f, SANDBOX_FAIL_RUN, "sandbox: %s", err);
	return 0;
}

int sandbox_session_run(struct sandbox_session *s, int *status, struct sandbox_failure *f)
{
	const struct sandbox_request *rq = s->rq;
	struct sandbox_ll_lists ll = { 0 };
	struct strv asock = { 0 };
	char *hosts = NULL, psock[PATH_MAX] = "";
	int r = 0;
	if ((s->abi > 0 && sandbox_inputs_landlock(&ll, rq, &s->w, &s->hid.masks) < 0) ||
	    sandbox_inputs_sockets(&asock, rq) < 0 || allowed_hosts(rq, &hosts) < 0)
		r = OOM(f);
	else if (rq->proxy_only && xsnprintf(psock, sizeof(psock), "%s/proxy.sock", s->w.runtime))
		r = sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: runtime directory path too long");
	for (size_t i = 0; r == 0 && rq->verbose && i < asock.n; i++)
		sandbox_note(&rq->notes, SANDBOX_NOTE_INFO, "sandbox: unix socket allowed: %s",
			     asock.v[i]);
	struct sandbox_sock_policy sockets = { .client_sock = rq->client_sock, .allow = &asock };
	struct sandbox_broker_hook hook = { .no_proxy = rq->no_proxy, .dir = s->w.dir,
					    .passed = &s->passed, .proxy_only = rq->proxy_only,
					    .allow_hosts = hosts, .notes = &rq->notes,
					    .journal = s->guard.journal };
	for (size_t i = 0; i < s->env.n; i++)
		hook.display |= !strncmp(s->env.v[i], "DISPLAY=", 8) ||
				!strncmp(s->env.v[i], "WAYLAND_DISPLAY=", 16);
	struct sandbox_spec spec = {
		.argv = rq->argv, .envp = s->env.v, .cwd = s->w.cwd, .empty_file = s->w.empty,
		.masks = &s->hid.masks, .plan = &s->plan, .userns = s->userns,
		.landlock_abi = s->abi, .share_display = rq->allow_display,
		.net_proxy_socket = rq->proxy_only ? psock : NULL, .sockets = &sockets,
		.on_start = sandbox_broker_hook_start, .on_end = sandbox_broker_hook_end,
		.hook_arg = &hook, .notes = &rq->notes,
	};
	if (r == 0)
		r = launch(s, &spec, &ll, status, f);
	else
		sandbox_guard_forget(&s->guard); /* nothing ran */
	sandbox_ll_lists_free(&ll);
	strv_free(&asock);
	free(hosts);
	return r;
}

void sandbox_session_end(struct sandbox_session *s)
{
	if (s && s->ran)
		sandbox_guard_end(&s->guard, s->w.data, &s->rq->notes);
	if (s)
		s->ran = false;
}

void sandbox_session_free(struct sandbox_session *s)
{
	if (!s)
		return;
	sandbox_workdir_remove(&s->w);
	sandbox_hidden_free(&s->hid);
	STRV_FREE(&s->env, &s->passed);
	sandbox_plan_free(&s->plan);
	sandbox_guard_free(&s->guard);
	free(s);
}
