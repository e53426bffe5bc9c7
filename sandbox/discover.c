/* SPDX-License-Identifier: ISC */
/* Finding what a sandbox session hides, and the shim's rules for it.
 * Every path that should be hidden and cannot be recorded fails the
 * session: a mask is never dropped. */
#include "sandbox/discover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"
#include "config/config.h"
#include "sandbox/policy.h"

static int push_expanded(struct strv *to, const char *item)
{
	char p[PATH_MAX];
	return path_expand_home(item, p, sizeof(p)) == 0 ? strv_push(to, p) : 0;
}

/* The config's hide_dirs, but an agent's own login inside its profile's
 * state directory stays visible to that agent (hidden from the others);
 * the profile's own hide_dirs. */
static int catalogue(struct strv *named, const struct config *cfg,
		     const struct sandbox_profile *prof)
{
	char p[PATH_MAX];
	for (size_t i = 0; i < cfg->hide_dirs.n; i++) {
		if (path_expand_home(cfg->hide_dirs.v[i], p, sizeof(p)) != 0)
			continue;
		bool own = false;
		for (size_t j = 0; prof && j < prof->allow_write.n && !own; j++)
			own = sandbox_path_under(p, prof->allow_write.v[j]) &&
			      strcmp(p, prof->allow_write.v[j]) != 0;
		if (!own && strv_push(named, p) < 0)
			return HUSH_ENOMEM;
	}
	for (size_t i = 0; prof && i < prof->hide_dirs.n; i++)
		if (push_expanded(named, prof->hide_dirs.v[i]) < 0)
			return HUSH_ENOMEM;
	return 0;
}

/* The D-Bus session bus socket: from $DBUS_SESSION_BUS_ADDRESS
 * (unix:path=...) and $XDG_RUNTIME_DIR/bus. */
static int dbus_paths(struct strv *out)
{
	char buf[PATH_MAX];
	const char *a = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *p = a ? strstr(a, "unix:path=") : NULL;
	if (p) {
		snprintf(buf, sizeof(buf), "%s", p + 10);
		buf[strcspn(buf, ",;")] = '\0';
		if (buf[0] == '/' && strv_push(out, buf) < 0)
			return HUSH_ENOMEM;
	}
	const char *x = getenv("XDG_RUNTIME_DIR");
	if (x && x[0] == '/' && xsnprintf(buf, sizeof(buf), "%s/bus", x) == 0)
		return strv_push(out, buf);
	return 0;
}

/* hush's own private directories (made now if missing, so that a vault or
 * a broker token created while the agent runs lands under a mask too),
 * the keyrings, the session bus, the display's cookies: with them, any X
 * client can type into and read every window, hush's own approval dialog
 * included. */
static int own_paths(struct strv *named, const struct sandbox_workdir *w, bool display,
		     const struct sandbox_notes *n)
{
	char p[PATH_MAX];
	if (path_ensure_private_dir(w->data) < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: cannot create %s: a vault created later "
			     "would not be masked", w->data);
	if (strv_push(named, w->data) < 0)
		return HUSH_ENOMEM;
	if (xsnprintf(p, sizeof(p), "%s/control", w->runtime) == 0) {
		if (path_ensure_private_dir(w->runtime) < 0 || path_ensure_private_dir(p) < 0)
			sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: cannot create %s: a broker "
				     "started later would expose its control token", p);
		if (strv_push(named, p) < 0)
			return HUSH_ENOMEM;
	}
	if (xsnprintf(p, sizeof(p), "%s/.local/share/keyrings", w->home) == 0 &&
	    strv_push(named, p) < 0)
		return HUSH_ENOMEM;
	if (dbus_paths(named) < 0)
		return HUSH_ENOMEM;
	if (display)
		return 0;
	if (push_expanded(named, "~/.Xauthority") < 0 || push_expanded(named, "~/.ICEauthority") < 0)
		return HUSH_ENOMEM;
	const char *xa = getenv("XAUTHORITY");
	return xa && xa[0] == '/' ? strv_push(named, xa) : 0;
}

/* The named paths that exist, into the masks; a project inside one of
 * them cannot be worked on. */
static int mask_named(struct sandbox_hidden *h, const char *cwd, struct sandbox_failure *f)
{
	for (size_t i = 0; i < h->named.n; i++) {
		/* most of the catalogue is missing on a given machine: one stat
		 * then, instead of a realpath (a readlink a component) */
		struct stat st;
		if (h->named.v[i][0] != '/' || stat(h->named.v[i], &st) != 0)
			continue;
		char real[PATH_MAX];
		if (realpath(h->named.v[i], real) && sandbox_path_under(cwd, real))
			return sandbox_fail(f, SANDBOX_FAIL_PROJECT,
					    "sandbox: the working directory %s is inside hidden %s",
					    cwd, h->named.v[i]);
		int r = sandbox_masks_add(&h->masks, h->named.v[i]);
		if (r == HUSH_ETOOBIG)
			break; /* truncated: refused below unless partial */
		if (r < 0)
			return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: out of memory");
	}
	return 0;
}

/* The globs' matches in the project and at the top of $HOME. */
static int scan(struct sandbox_hidden *h, const struct sandbox_workdir *w, bool partial,
		const struct sandbox_notes *n, struct sandbox_failure *f)
{
	struct sandbox_masks *m = &h->masks;
	int r = sandbox_hide_scan(m, w->cwd, &h->globs, SANDBOX_WALK_MAX_DEPTH);
	if (r == 0 && strcmp(w->cwd, w->home) != 0)
		r = sandbox_hide_scan(m, w->home, &h->globs, 1);
	if (r < 0 && r != HUSH_ETOOBIG)
		return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: looking for files to hide under "
				    "%s: %s", w->cwd, hush_strerror(r));
	if (m->unreadable && !partial)
		return sandbox_fail(f, SANDBOX_FAIL_UNSEARCHABLE, "sandbox: cannot search %s for "
				    "files to hide (permission denied)", m->unreadable);
	if (m->truncated && !partial)
		return sandbox_fail(f, SANDBOX_FAIL_TRUNCATED, "sandbox: the search for files to "
				    "hide stopped at a limit (%zu entries looked at, %zu masks, "
				    "depth %d)", m->walked, m->files.n + m->dirs.n,
				    SANDBOX_WALK_MAX_DEPTH);
	if (m->truncated)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: the search for files to hide stopped at "
			     "a limit (%zu entries looked at, %zu masks); the rest relies on the "
			     "shim", m->walked, m->files.n + m->dirs.n);
	return 0;
}

int sandbox_hidden_find(struct sandbox_hidden *h, const struct config *cfg,
			const struct sandbox_profile *prof, const struct sandbox_workdir *w,
			bool display, bool partial, const struct sandbox_notes *n,
			struct sandbox_failure *f)
{
	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < cfg->hide.n; i++)
		if (strv_push_unique(&h->globs, cfg->hide.v[i]) < 0)
			return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: out of memory");
	for (size_t i = 0; prof && i < prof->hide.n; i++)
		if (strv_push_unique(&h->globs, prof->hide.v[i]) < 0)
			return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: out of memory");
	if (catalogue(&h->named, cfg, prof) < 0 || own_paths(&h->named, w, display, n) < 0)
		return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: out of memory");
	int r = mask_named(h, w->cwd, f);
	return r < 0 ? r : scan(h, w, partial, n, f);
}

int sandbox_hidden_rules(const struct sandbox_hidden *h, const struct config *cfg,
			 const char *self, char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	FILE *o = open_memstream(text, len);
	if (!o)
		return HUSH_ENOMEM;
	fprintf(o, "# hush sandbox rules for this run\n");
	for (size_t i = 0; i < h->globs.n; i++)
		fprintf(o, h->globs.v[i][0] == '!' ? "%s\n" : "hide %s\n", h->globs.v[i]);
	for (size_t i = 0; i < h->masks.dirs.n; i++)
		fprintf(o, "hide_path %s\n", h->masks.dirs.v[i]);
	/* masked files whose names no glob matches (hard links, symlink
	 * targets) */
	for (size_t i = 0; i < h->masks.files.n; i++) {
		const char *b = strrchr(h->masks.files.v[i], '/');
		if (b && !sandbox_hide_match(&h->globs, b + 1))
			fprintf(o, "hide_path %s\n", h->masks.files.v[i]);
	}
	for (size_t i = 0; i < h->named.n; i++)
		if (!strv_has(&h->masks.dirs, h->named.v[i]))
			fprintf(o, "hide_path %s\n", h->named.v[i]);
	for (size_t i = 0; i < cfg->ngrants; i++) {
		const char *cmd = cfg->grants[i].command;
		if (!cmd)
			continue;
		const char *base = strrchr(cmd, '/');
		fprintf(o, "route %s\n", cmd);
		if (base && base[1])
			fprintf(o, "route %s\n", base + 1);
	}
	fprintf(o, "hush %s\n", self);
	/* every named path that exists went into the masks by its real name
	 * and is listed above by both names: the shim need not resolve them
	 * again in each process (unless the masks stopped at their cap) */
	if (!h->masks.truncated)
		fprintf(o, "resolved yes\n");
	bool bad = ferror(o) != 0;
	if (fclose(o) != 0 || bad) {
		free(*text);
		*text = NULL;
		return HUSH_ENOMEM;
	}
	return 0;
}

void sandbox_hidden_free(struct sandbox_hidden *h)
{
	STRV_FREE(&h->globs, &h->named);
	sandbox_masks_free(&h->masks);
}
