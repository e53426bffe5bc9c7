/* SPDX-License-Identifier: ISC */
/* Paths inside the writable project that run code later or change what an
 * agent may do (the never_write list: .envrc, .vscode/, .claude/settings.json,
 * .mcp.json, ...; git's hooks and config from git.c): which exist at the
 * start (the caller binds them read-only), and at the end, moving into a
 * quarantine directory what appeared on the list during the session. */
#include "sandbox/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

/* A never_write entry: relative, no "..", no empty or "." components. */
static bool entry_valid(const char *e)
{
	if (!e[0] || e[0] == '/')
		return false;
	for (const char *s = e; *s;) {
		size_t l = strcspn(s, "/");
		if ((l == 1 && s[0] == '.') || (l == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		if (l == 0 && s[1] != '\0')
			return false; /* "a//b" */
		s += l;
		if (*s == '/')
			s++;
	}
	return true;
}

static int list_hooks(const char *dir, struct sb_strv *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		size_t l = strlen(e->d_name);
		if (l > 7 && !strcmp(e->d_name + l - 7, ".sample"))
			continue;
		char p[PATH_MAX];
		if (xsnprintf(p, sizeof(p), "%s/%s", dir, e->d_name) == 0)
			r = sb_strv_push(out, p);
	}
	closedir(d);
	return r;
}


/* Remembers a symlink (path, then its target) for the sweep. */
static int note_link(struct sandbox_protect *p, const char *path)
{
	char t[PATH_MAX];
	ssize_t tl = readlink(path, t, sizeof(t) - 1);
	t[tl < 0 ? 0 : tl] = '\0';
	int r = sb_strv_push(&p->links, path);
	return r ? r : sb_strv_push(&p->links, t);
}

int sandbox_protect_begin(struct sandbox_protect *p, const char *project,
			  const struct sb_strv *never_write, const struct sandbox_git *g)
{
	*p = (struct sandbox_protect){ 0 };
	char real[PATH_MAX];
	if (!realpath(project, real))
		return HUSH_ENOENT;
	p->project = strdup(real);
	if (!p->project)
		return HUSH_ENOMEM;
	int r = 0;
	for (size_t i = 0; r == 0 && never_write && i < never_write->n; i++) {
		const char *e = never_write->v[i];
		if (!entry_valid(e))
			return HUSH_EINVAL;
		char path[PATH_MAX];
		if (xsnprintf(path, sizeof(path), "%s/%s", real, e) < 0)
			return HUSH_ETOOBIG;
		size_t l = strlen(path);
		while (l > 1 && path[l - 1] == '/')
			path[--l] = '\0';
		struct stat st;
		if (lstat(path, &st) != 0) {
			r = sb_strv_has(&p->absent, path) ? 0 : sb_strv_push(&p->absent, path);
		} else if (S_ISLNK(st.st_mode)) {
			/* a bind follows the link: the target is protected,
			 * the link itself is checked at the end */
			r = note_link(p, path);
			if (r == 0 && stat(path, &st) == 0)
				r = sb_strv_push(&p->exist, path);
		} else {
			r = sb_strv_has(&p->exist, path) ? 0 : sb_strv_push(&p->exist, path);
		}
		/* where it really is: a symlinked directory above it could be
		 * swapped during the session */
		char rp[PATH_MAX];
		if (r == 0 && stat(path, &st) == 0 && realpath(path, rp)) {
			r = sb_strv_push(&p->exist_real, path);
			if (r == 0)
				r = sb_strv_push(&p->exist_real, rp);
		}
	}
	for (size_t i = 0; r == 0 && g && i < g->absent.n; i++)
		r = sb_strv_push(&p->absent, g->absent.v[i]);
	for (size_t i = 0; r == 0 && g && i < g->n; i++) {
		struct stat st;
		if (g->d[i].dotgit) {
			r = sb_strv_push(&p->gits_start, g->d[i].dotgit);
			if (r == 0 && lstat(g->d[i].dotgit, &st) == 0 && S_ISLNK(st.st_mode))
				r = note_link(p, g->d[i].dotgit);
		}
		char h[PATH_MAX];
		if (r == 0 && xsnprintf(h, sizeof(h), "%s/hooks", g->d[i].gitdir) == 0 &&
		    !sb_strv_has(&p->hooks, h)) {
			r = sb_strv_push(&p->hooks, h);
			if (r == 0)
				r = list_hooks(h, &p->hooks_start);
		}
	}
	return r;
}

static int mkdirs(const char *dir)
{
	char p[PATH_MAX];
	if (xsnprintf(p, sizeof(p), "%s", dir) < 0)
		return -1;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

/* Moves path to quarantine/<its path below project, or its absolute path>;
 * across file systems, renames it in place to NAME.hush-quarantine[.N]. */
static int quarantine(const char *project, const char *path, const char *qdir,
		      struct sb_strv *moved)
{
	size_t pl = strlen(project);
	const char *rel = !strncmp(path, project, pl) && path[pl] == '/' ? path + pl + 1 : path + 1;
	char dest[PATH_MAX], parent[PATH_MAX];
	if (xsnprintf(dest, sizeof(dest), "%s/%s", qdir, rel) < 0)
		return HUSH_ETOOBIG;
	snprintf(parent, sizeof(parent), "%s", dest);
	*strrchr(parent, '/') = '\0';
	int r = mkdirs(parent) == 0 ? rename(path, dest) : -1;
	if (r != 0) {
		for (int i = 0; i < 100; i++) {
			int w = i ? xsnprintf(dest, sizeof(dest), "%s.hush-quarantine.%d", path, i)
				  : xsnprintf(dest, sizeof(dest), "%s.hush-quarantine", path);
			struct stat st;
			if (w < 0)
				return HUSH_ETOOBIG;
			if (lstat(dest, &st) == 0)
				continue;
			r = rename(path, dest);
			break;
		}
	}
	if (r != 0)
		return HUSH_EIO;
	char line[2 * PATH_MAX + 8];
	snprintf(line, sizeof(line), "%s -> %s", path, dest);
	return sb_strv_push(moved, line);
}

int sandbox_protect_sweep(const struct sandbox_protect *p, const char *stop,
			  const char *quarantine_dir, struct sb_strv *moved)
{
	int first = 0;
#define KEEP(e)                                  \
	do {                                     \
		int e_ = (e);                    \
		if (e_ < 0 && first == 0)        \
			first = e_;              \
	} while (0)
	struct stat st;
	for (size_t i = 0; i < p->absent.n; i++)
		if (lstat(p->absent.v[i], &st) == 0)
			KEEP(quarantine(p->project, p->absent.v[i], quarantine_dir, moved));
	for (size_t i = 0; i + 1 < p->links.n; i += 2) {
		char t[PATH_MAX];
		const char *l = p->links.v[i];
		ssize_t tl = lstat(l, &st) == 0 && S_ISLNK(st.st_mode) ? readlink(l, t, sizeof(t) - 1)
								      : -1;
		if (tl >= 0)
			t[tl] = '\0';
		bool same = tl >= 0 && !strcmp(t, p->links.v[i + 1]);
		if (!same && lstat(l, &st) == 0)
			KEEP(quarantine(p->project, l, quarantine_dir, moved));
	}
	for (size_t i = 0; i + 1 < p->exist_real.n; i += 2) {
		char rp[PATH_MAX];
		const char *e = p->exist_real.v[i];
		if (lstat(e, &st) == 0 && (!realpath(e, rp) || strcmp(rp, p->exist_real.v[i + 1])))
			KEEP(quarantine(p->project, e, quarantine_dir, moved));
	}
	/* new hooks in the hooks directories known at start */
	for (size_t i = 0; i < p->hooks.n; i++) {
		struct sb_strv now = { 0 };
		KEEP(list_hooks(p->hooks.v[i], &now));
		for (size_t j = 0; j < now.n; j++)
			if (!sb_strv_has(&p->hooks_start, now.v[j]))
				KEEP(quarantine(p->project, now.v[j], quarantine_dir, moved));
		sb_strv_free(&now);
	}
	/* git directories that appeared during the session */
	struct sandbox_git g = { 0 };
	KEEP(sandbox_git_find(&g, p->project, stop));
	for (size_t i = 0; i < g.n; i++) {
		const char *dg = g.d[i].dotgit;
		if (!dg || sb_strv_has(&p->gits_start, dg))
			continue;
		static const char *const cfgs[] = { "config", "config.worktree" };
		for (size_t c = 0; c < ARRAY_LEN(cfgs); c++) {
			char path[PATH_MAX], *buf = NULL, key[128];
			size_t len;
			if (xsnprintf(path, sizeof(path), "%s/%s", g.d[i].gitdir, cfgs[c]) < 0)
				continue;
			int r = file_read_all(path, SANDBOX_GIT_CONFIG_MAX, false, &buf, &len);
			if (r == HUSH_ENOENT)
				continue;
			if (r == 0 ? sandbox_git_config_risky(buf, len, key, sizeof(key)) : true)
				KEEP(quarantine(p->project, path, quarantine_dir, moved));
			free(buf);
		}
		char h[PATH_MAX];
		if (xsnprintf(h, sizeof(h), "%s/hooks", g.d[i].gitdir) == 0 &&
		    !sb_strv_has(&p->hooks, h)) {
			struct sb_strv now = { 0 };
			KEEP(list_hooks(h, &now));
			for (size_t j = 0; j < now.n; j++)
				KEEP(quarantine(p->project, now.v[j], quarantine_dir, moved));
			sb_strv_free(&now);
		}
	}
	sandbox_git_free(&g);
#undef KEEP
	return first;
}

void sandbox_protect_free(struct sandbox_protect *p)
{
	free(p->project);
	sb_strv_free(&p->exist);
	sb_strv_free(&p->absent);
	sb_strv_free(&p->links);
	sb_strv_free(&p->exist_real);
	sb_strv_free(&p->hooks);
	sb_strv_free(&p->hooks_start);
	sb_strv_free(&p->gits_start);
	*p = (struct sandbox_protect){ 0 };
}
