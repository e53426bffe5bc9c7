/* SPDX-License-Identifier: ISC */
/* From the config, the agent's profile and the machine to the inputs of
 * each layer of a session (see inputs.h). */
#include "sandbox/inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "config/config.h"
#include "sandbox/env.h"
#include "sandbox/policy.h"
#include "sandbox/rcsource.h"

static int push_list(struct strv *to, const struct strv *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strv_push_unique(to, l->v[i]) < 0)
			return HUSH_ENOMEM;
	return 0;
}

/* The directory of file, unless it is "/" or there is none. */
static int push_dir_of(struct strv *to, const char *file)
{
	char dir[PATH_MAX];
	if (!file || sandbox_path_parent(file, dir, sizeof(dir)) < 0)
		return 0;
	return strv_push_unique(to, dir);
}

/* The real paths of $PATH's absolute directories that exist, in order. */
static int path_dirs(struct strv *out)
{
	const char *upath = getenv("PATH");
	char *pc = strdup(upath ? upath : "");
	if (!pc)
		return HUSH_ENOMEM;
	int r = 0;
	for (char *save = NULL, *d = strtok_r(pc, ":", &save); d && r == 0;
	     d = strtok_r(NULL, ":", &save)) {
		char real[PATH_MAX];
		if (d[0] == '/' && realpath(d, real))
			r = strv_push_unique(out, real);
	}
	free(pc);
	return r;
}

struct plan_lists {
	struct strv aw, state, scratch, never, keep, hallow;
};

static void plan_lists_free(struct plan_lists *l)
{
	STRV_FREE(&l->aw, &l->state, &l->scratch, &l->never, &l->keep, &l->hallow);
}

/* The config's lists, then the profile's; a profile's state directory is
 * made on first use, so that the agent's state persists from its very
 * first session. */
static int from_config(struct plan_lists *l, const struct config *cfg,
		       const struct sandbox_profile *prof, const char *home)
{
	if (push_list(&l->aw, &cfg->allow_write) || push_list(&l->state, &cfg->state_files) ||
	    push_list(&l->scratch, &cfg->scratch) || push_list(&l->never, &cfg->never_write) ||
	    push_list(&l->hallow, &cfg->home_allow))
		return HUSH_ENOMEM;
	if (!prof)
		return 0;
	if (push_list(&l->aw, &prof->allow_write) || push_list(&l->state, &prof->state_files) ||
	    push_list(&l->scratch, &prof->scratch) || push_list(&l->never, &prof->never_write) ||
	    push_list(&l->hallow, &prof->home_allow))
		return HUSH_ENOMEM;
	for (size_t i = 0; i < prof->allow_write.n; i++)
		if (sandbox_path_under(prof->allow_write.v[i], home) &&
		    access(prof->allow_write.v[i], F_OK) != 0)
			path_ensure_private_dir(prof->allow_write.v[i]);
	return 0;
}

/* hush's own files, the grants' executables and the human's PATH
 * directories under $HOME are never writable, nor extra_ro, nor what the
 * shell startup files on the list source; less what the user unprotects
 * (loudly). PATH directories stay visible. */
static int never_writable(struct plan_lists *l, const struct sandbox_request *rq,
			  const struct sandbox_workdir *w, const struct strv *extra_ro)
{
	const struct config *cfg = rq->cfg;
	struct strv *never = &l->never;
	if (push_dir_of(never, w->cfgpath) || strv_push(never, w->cfgpath) ||
	    strv_push(never, w->runtime))
		return HUSH_ENOMEM;
	for (size_t i = 0; i < cfg->ngrants; i++)
		if (cfg->grants[i].command && strv_push(never, cfg->grants[i].command) < 0)
			return HUSH_ENOMEM;
	struct strv dirs = { 0 };
	int r = path_dirs(&dirs);
	for (size_t i = 0; r == 0 && i < dirs.n; i++) {
		if (sandbox_path_under(dirs.v[i], w->home))
			r = strv_push_unique(never, dirs.v[i]);
		if (r == 0)
			r = strv_push_unique(&l->keep, dirs.v[i]);
	}
	strv_free(&dirs);
	for (size_t i = 0; r == 0 && extra_ro && i < extra_ro->n; i++)
		r = strv_push_unique(never, extra_ro->v[i]);
	size_t nlisted = never->n;
	for (size_t i = 0; r == 0 && i < nlisted; i++) {
		struct stat rst;
		if (sandbox_path_under(never->v[i], w->home) && stat(never->v[i], &rst) == 0 &&
		    S_ISREG(rst.st_mode))
			r = sandbox_rc_sourced(never->v[i], w->home, never);
	}
	for (size_t i = 0; r == 0 && i < cfg->unprotect.n; i++) {
		const char *u = cfg->unprotect.v[i];
		for (size_t j = 0; j < never->n; j++)
			if (!strcmp(never->v[j], u)) {
				free(never->v[j]);
				never->v[j] = never->v[--never->n];
				never->v[never->n] = NULL;
				sandbox_note(&rq->notes, SANDBOX_NOTE_WARN, "sandbox: WARNING: %s is "
					     "writable by the agent (unprotect in the config): what it "
					     "writes there runs or counts later", u);
				break;
			}
	}
	return r < 0 ? HUSH_ENOMEM : 0;
}

/* What must stay visible under the private areas: the session's
 * directory, hush, the shim, hush's config and runtime directory, and
 * with the display shared its sockets and cookie. */
static int keep_visible(struct strv *keep, const struct sandbox_request *rq,
			const struct sandbox_workdir *w)
{
	if (strv_push_unique(keep, w->dir) || push_dir_of(keep, rq->self) ||
	    push_dir_of(keep, rq->no_shim ? NULL : rq->shim) || strv_push_unique(keep, w->cfgpath) ||
	    strv_push_unique(keep, w->runtime))
		return HUSH_ENOMEM;
	if (!rq->allow_display)
		return 0;
	if (strv_push_unique(keep, "/tmp/.X11-unix") < 0)
		return HUSH_ENOMEM;
	const char *xa = getenv("XAUTHORITY");
	if (xa && xa[0] == '/' && strv_push_unique(keep, xa) < 0)
		return HUSH_ENOMEM;
	char p[PATH_MAX];
	const char *wd = getenv("WAYLAND_DISPLAY"), *xr = getenv("XDG_RUNTIME_DIR");
	if (wd && xr && xsnprintf(p, sizeof(p), "%s/%s", wd[0] == '/' ? "" : xr, wd) == 0)
		return strv_push_unique(keep, p);
	return 0;
}

int sandbox_inputs_plan(struct sandbox_plan *pl, const struct sandbox_request *rq,
			const struct sandbox_workdir *w, const struct sandbox_masks *m,
			const struct strv *extra_ro, struct sandbox_failure *f)
{
	const struct config *cfg = rq->cfg;
	struct plan_lists l = { 0 };
	if (from_config(&l, cfg, rq->profile, w->home) < 0 ||
	    never_writable(&l, rq, w, extra_ro) < 0 || keep_visible(&l.keep, rq, w) < 0) {
		plan_lists_free(&l);
		return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: out of memory");
	}
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	enum sandbox_home_mode hm = cfg->home_mode == HOME_MODE_ALLOWLIST ? SANDBOX_HOME_ALLOWLIST
									 : SANDBOX_HOME_VISIBLE;
	if (rq->home_mode)
		hm = strcmp(rq->home_mode, "allow-list") ? SANDBOX_HOME_VISIBLE : SANDBOX_HOME_ALLOWLIST;
	bool root_visible = rq->root_mode ? !strcmp(rq->root_mode, "visible")
					  : cfg->root_mode == HOME_MODE_VISIBLE;
	struct sandbox_inputs in = {
		.home = w->home, .cwd = w->cwd, .xdg_runtime = xdg && xdg[0] == '/' ? xdg : NULL,
		.allow_write = &l.aw, .state_files = &l.state, .scratch = &l.scratch,
		.never_write = &l.never, .keep = &l.keep, .home_allow = &l.hallow, .home_mode = hm,
		.masks = m, .route_links = w->bin, .route_dir = "/usr/local/bin",
		.root_mode = root_visible ? SANDBOX_ROOT_VISIBLE : SANDBOX_ROOT_ALLOWLIST,
	};
	char why[512] = "";
	int r = sandbox_plan_build(pl, &in, why, sizeof(why));
	plan_lists_free(&l);
	if (r == HUSH_EINVAL && why[0])
		return sandbox_fail(f, SANDBOX_FAIL_PROJECT, "sandbox: %s", why);
	if (r < 0)
		return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: building the mount plan: %s",
				    hush_strerror(r));
	return 0;
}

int sandbox_inputs_never_rel(const struct sandbox_request *rq, struct strv *out)
{
	const struct config *cfg = rq->cfg;
	const struct strv *lists[] = { &cfg->never_write,
					      rq->profile ? &rq->profile->never_write : NULL };
	for (size_t l = 0; l < ARRAY_LEN(lists); l++)
		for (size_t i = 0; lists[l] && i < lists[l]->n; i++) {
			const char *it = lists[l]->v[i];
			if (it[0] != '/' && !strv_has(&cfg->unprotect, it) &&
			    strv_push_unique(out, it) < 0)
				return HUSH_ENOMEM;
		}
	return 0;
}

/* Names never taken from this environment (set below, or the loader's). */
static const char *const env_dropped[] = {
	"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "HUSH_SHIM_CONFIG",
	"HUSH_SANDBOX", "HUSH_RUNTIME_DIR", "PATH",
};

/* The exact names passed: the request's, the display's variables when it
 * is shared, a sanitizer build's runtime options (make sanitize runs hush
 * inside too, with the shim preloaded). */
static int env_passed(struct strv *passed, const struct sandbox_request *rq)
{
	for (size_t i = 0; rq->allow_env && i < rq->allow_env->n; i++)
		if (strv_push(passed, rq->allow_env->v[i]) < 0)
			return HUSH_ENOMEM;
	static const char *const dvars[] = { "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY" };
	for (size_t i = 0; rq->allow_display && i < ARRAY_LEN(dvars); i++)
		if (getenv(dvars[i]) && strv_push(passed, dvars[i]) < 0)
			return HUSH_ENOMEM;
#if defined(__SANITIZE_ADDRESS__)
	if (strv_push(passed, "ASAN_OPTIONS") < 0 || strv_push(passed, "UBSAN_OPTIONS") < 0)
		return HUSH_ENOMEM;
#endif
	return 0;
}

int sandbox_inputs_env(struct strv *env, struct strv *passed, const struct sandbox_request *rq,
		       const struct sandbox_workdir *w, bool use_shim)
{
	extern char **environ;
	struct strv allow = { 0 }, drop = { 0 };
	int r = push_list(&allow, &rq->cfg->allow_env);
	if (r == 0 && rq->profile)
		r = push_list(&allow, &rq->profile->allow_env);
	for (size_t i = 0; r == 0 && i < ARRAY_LEN(env_dropped); i++)
		r = strv_push(&drop, env_dropped[i]);
	if (r == 0)
		r = env_passed(passed, rq);
	if (r == 0)
		r = sandbox_env_filter(environ, &allow, passed, &drop, env);
	strv_free(&allow);
	strv_free(&drop);
	const char *upath = getenv("PATH");
	char *path = NULL;
	if (r == 0 && asprintf(&path, "%s:%s", w->bin,
			       upath && *upath ? upath : "/usr/local/bin:/usr/bin:/bin") < 0) {
		path = NULL;
		r = HUSH_ENOMEM;
	}
	if (r == 0)
		r = sandbox_env_set(env, "PATH", path);
	free(path);
	if (r == 0)
		r = sandbox_env_set(env, "HUSH_RUNTIME_DIR", w->runtime);
	if (r == 0)
		r = sandbox_env_set(env, "HUSH_SANDBOX", "1");
	if (r == 0 && use_shim)
		r = sandbox_env_set(env, "LD_PRELOAD", rq->shim);
	if (r == 0 && use_shim)
		r = sandbox_env_set(env, "HUSH_SHIM_CONFIG", w->rules);
	return r;
}

int sandbox_inputs_landlock(struct sandbox_ll_lists *l, const struct sandbox_request *rq,
			    const struct sandbox_workdir *w, const struct sandbox_masks *m)
{
	if (!realpath(w->home, l->home))
		snprintf(l->home, sizeof(l->home), "%s", w->home);
	l->paths = (struct sandbox_ll_paths){ .hidden = &l->hidden, .rw_dirs = &l->rw,
					      .ro_dirs = &l->rx, .home = l->home };
	/* where programs live: the user's PATH, hush and the shim */
	if (path_dirs(&l->rx) || push_dir_of(&l->rx, rq->self) ||
	    push_dir_of(&l->rx, rq->no_shim ? NULL : rq->shim))
		return HUSH_ENOMEM;
	for (size_t i = 0; i < m->files.n; i++)
		if (strv_push(&l->hidden, m->files.v[i]) < 0)
			return HUSH_ENOMEM;
	for (size_t i = 0; i < m->dirs.n; i++)
		if (strv_push(&l->hidden, m->dirs.v[i]) < 0)
			return HUSH_ENOMEM;
	if (strv_push(&l->rw, w->cwd) < 0)
		return HUSH_ENOMEM;
	const struct strv *aw[] = { &rq->cfg->allow_write,
					   rq->profile ? &rq->profile->allow_write : NULL };
	char p[PATH_MAX];
	for (size_t k = 0; k < ARRAY_LEN(aw); k++)
		for (size_t i = 0; aw[k] && i < aw[k]->n; i++)
			if (path_expand_home(aw[k]->v[i], p, sizeof(p)) == 0 &&
			    strv_push(&l->rw, p) < 0)
				return HUSH_ENOMEM;
	return 0;
}

void sandbox_ll_lists_free(struct sandbox_ll_lists *l)
{
	STRV_FREE(&l->hidden, &l->rw, &l->rx);
}

int sandbox_inputs_sockets(struct strv *out, const struct sandbox_request *rq)
{
	for (size_t i = 0; rq->allow_socket && i < rq->allow_socket->n; i++)
		if (strv_push(out, rq->allow_socket->v[i]) < 0)
			return HUSH_ENOMEM;
	if (push_list(out, &rq->cfg->allow_socket) < 0 ||
	    (rq->profile && push_list(out, &rq->profile->allow_socket) < 0))
		return HUSH_ENOMEM;
	if (!rq->allow_display)
		return 0;
	/* the display's sockets: X11 by its number, Wayland by name */
	const char *d = getenv("DISPLAY"), *wd = getenv("WAYLAND_DISPLAY");
	const char *xr = getenv("XDG_RUNTIME_DIR");
	char sp[PATH_MAX];
	if (d && d[0] == ':' && xsnprintf(sp, sizeof(sp), "/tmp/.X11-unix/X%.*s",
					  (int)strspn(d + 1, "0123456789"), d + 1) == 0 &&
	    strv_push(out, sp) < 0)
		return HUSH_ENOMEM;
	if (wd && (wd[0] == '/' || xr) &&
	    xsnprintf(sp, sizeof(sp), "%s%s%s", wd[0] == '/' ? "" : xr, wd[0] == '/' ? "" : "/",
		      wd) == 0)
		return strv_push(out, sp);
	return 0;
}
