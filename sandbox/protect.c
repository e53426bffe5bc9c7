/* SPDX-License-Identifier: ISC */
/* Paths inside the writable project that run code later or change what an
 * agent may do (the never_write list: .envrc, .vscode/, .claude/settings.json,
 * .mcp.json, ...; git's hooks and config from git.c): which exist at the
 * start (the caller binds them read-only), and at the end, moving into a
 * quarantine directory what appeared on the list during the session. Also
 * the modes of the directories leading to them (a session's chmod undone).
 *
 * Everything in the project may have been arranged by the agent, so the
 * sweep never acts through a symbolic link: a path is reached one
 * component at a time from "/" with O_NOFOLLOW (a symlinked directory the
 * agent put above a listed name, .claude -> ~/.claude, would otherwise
 * make hush move the human's own file). */
#include "sandbox/protect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "common/util.h"
#include "sandbox/gitconfig.h"
#include "sandbox/policy.h"

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

static int list_hooks(const char *dir, struct strv *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOMEM ? HUSH_ENOMEM : 0;
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
			r = strv_push(out, p);
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
	int r = strv_push(&p->links, path);
	return r ? r : strv_push(&p->links, t);
}

/* Remembers the symlinks among the directories between the project and
 * path: the sweep tells them from links that appeared later. */
static int note_parent_links(struct sandbox_protect *p, const char *path)
{
	char d[PATH_MAX];
	snprintf(d, sizeof(d), "%s", path);
	int r = 0;
	for (char *s = d + strlen(p->project) + 1; r == 0 && (s = strchr(s, '/')); s++) {
		struct stat st;
		*s = '\0';
		if (lstat(d, &st) == 0 && S_ISLNK(st.st_mode) && !strv_has(&p->links, d))
			r = note_link(p, d);
		*s = '/';
	}
	return r;
}

int sandbox_protect_begin(struct sandbox_protect *p, const char *project,
			  const struct strv *never_write, const struct sandbox_git *g)
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
		r = note_parent_links(p, path);
		if (r != 0) {
			break;
		} else if (lstat(path, &st) != 0) {
			r = strv_has(&p->absent, path) ? 0 : strv_push(&p->absent, path);
		} else if (S_ISLNK(st.st_mode)) {
			/* a bind follows the link: the target is protected,
			 * the link itself is checked at the end */
			r = note_link(p, path);
			if (r == 0 && stat(path, &st) == 0)
				r = strv_push(&p->exist, path);
		} else {
			r = strv_has(&p->exist, path) ? 0 : strv_push(&p->exist, path);
		}
		/* where it really is: a symlinked directory above it could be
		 * swapped during the session */
		char rp[PATH_MAX];
		if (r == 0 && stat(path, &st) == 0 && realpath(path, rp)) {
			r = strv_push(&p->exist_real, path);
			if (r == 0)
				r = strv_push(&p->exist_real, rp);
		}
	}
	for (size_t i = 0; r == 0 && g && i < g->absent.n; i++)
		r = strv_push(&p->absent, g->absent.v[i]);
	for (size_t i = 0; r == 0 && g && i < g->n; i++) {
		struct stat st;
		r = strv_push(&p->gits_start, g->d[i].gitdir);
		if (r == 0 && g->d[i].dotgit) {
			r = strv_push(&p->gits_start, g->d[i].dotgit);
			if (r == 0 && lstat(g->d[i].dotgit, &st) == 0 && S_ISLNK(st.st_mode))
				r = note_link(p, g->d[i].dotgit);
		}
		char h[PATH_MAX];
		if (r == 0 && xsnprintf(h, sizeof(h), "%s/hooks", g->d[i].gitdir) == 0 &&
		    !strv_has(&p->hooks, h)) {
			r = strv_push(&p->hooks, h);
			if (r == 0)
				r = list_hooks(h, &p->hooks_start);
		}
	}
	return r;
}

int sandbox_protect_names(struct sandbox_protect *p, const struct strv *names)
{
	for (size_t i = 0; names && i < names->n; i++)
		if (entry_valid(names->v[i]) && strv_push_unique(&p->names, names->v[i]) < 0)
			return HUSH_ENOMEM;
	return 0;
}

int sandbox_protect_visit(void *ctx, const char *dir, const char *name)
{
	struct sandbox_protect_find *f = ctx;
	if (!f->ready) {
		for (size_t i = 0; i < f->names->n; i++)
			f->first[(unsigned char)f->names->v[i][0] / 8] |=
				(unsigned char)(1u << ((unsigned char)f->names->v[i][0] % 8));
		f->ready = true;
	}
	unsigned char c = (unsigned char)name[0];
	if (!(f->first[c / 8] & (1u << (c % 8))))
		return 0; /* most names: no entry starts with their first byte */
	size_t nl = strlen(name), tl = strlen(f->top);
	if (strncmp(dir, f->top, tl) != 0 || dir[tl] != '/')
		return 0; /* (the walk goes below top only) */
	for (size_t i = 0; i < f->names->n; i++) {
		const char *e = f->names->v[i];
		char rel[PATH_MAX];
		/* the entry's first component is this name */
		if (e[0] != name[0] || strncmp(e, name, nl) != 0 || (e[nl] && e[nl] != '/'))
			continue;
		if (xsnprintf(rel, sizeof(rel), "%s/%s", dir + tl + 1, e) == 0) {
			size_t l = strlen(rel);
			while (l > 1 && rel[l - 1] == '/')
				rel[--l] = '\0';
			if (strv_push_unique(f->out, rel) < 0)
				return HUSH_ENOMEM;
		}
	}
	return 0;
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

/* Opens the directory holding path (absolute) one component at a time from
 * "/", never following a symlink. *base points at the last component. -1
 * when a component is missing (errno kept) or is not a directory; when it
 * is a symlink, errno is ELOOP and link[PATH_MAX] names it. */
static int open_parent(const char *path, char *buf, const char **base, char *link)
{
	if (path[0] != '/' || xsnprintf(buf, PATH_MAX, "%s", path) < 0) {
		errno = EINVAL;
		return -1;
	}
	char *last = strrchr(buf, '/');
	*base = last + 1;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (char *s = buf + 1; fd >= 0 && s < last;) {
		char *e = strchr(s, '/');
		*e = '\0';
		int nfd = -1;
		struct stat st;
		if (!s[0] || !strcmp(s, ".") || !strcmp(s, ".."))
			errno = EINVAL; /* the paths here are built from real paths */
		else if ((nfd = openat(fd, s, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC)) < 0 &&
			 fstatat(fd, s, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			snprintf(link, PATH_MAX, "%s", buf);
			errno = ELOOP;
		}
		*e = '/';
		int saved = errno;
		close(fd);
		errno = saved;
		fd = nfd;
		s = e + 1;
	}
	return fd;
}

int sandbox_rename_aside(int dirfd, const char *name, char *dest, size_t n)
{
	for (int i = 0; i < 100; i++) {
		int w = i ? xsnprintf(dest, n, "%s.hush-quarantine.%d", name, i)
			  : xsnprintf(dest, n, "%s.hush-quarantine", name);
		struct stat st;
		if (w < 0)
			return HUSH_ETOOBIG;
		if (fstatat(dirfd, dest, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		return renameat(dirfd, name, dirfd, dest) == 0 ? 0 : HUSH_EIO;
	}
	return HUSH_EEXIST;
}

/* True when link was a symlink with the same target at the start. */
static bool link_known(const struct sandbox_protect *p, const char *link)
{
	char t[PATH_MAX];
	ssize_t tl = readlink(link, t, sizeof(t) - 1);
	if (tl < 0)
		return false;
	t[tl] = '\0';
	for (size_t i = 0; i + 1 < p->links.n; i += 2)
		if (!strcmp(p->links.v[i], link))
			return !strcmp(p->links.v[i + 1], t);
	return false;
}

struct sweep_out {
	const char *qdir;
	struct strv *moved, *skipped;
};

/* Moves path to quarantine/<its path below project, or its absolute path>;
 * across file systems (or when a moved directory cannot get a new parent),
 * renames it in place to NAME.hush-quarantine[.N]. Never through a
 * symlink: a symlink above path that appeared during the session (the
 * agent's) is moved itself, one that was there at the start is left, and
 * path is reported in o->skipped. */
static int quarantine(const struct sandbox_protect *p, const char *path, const struct sweep_out *o,
		      bool via_link)
{
	char buf[PATH_MAX], link[PATH_MAX], line[2 * PATH_MAX + 8];
	const char *base;
	int pfd = open_parent(path, buf, &base, link);
	if (pfd < 0 && errno == ELOOP) {
		if (!via_link && sandbox_path_under(link, p->project) && strcmp(link, p->project) &&
		    !link_known(p, link))
			return quarantine(p, link, o, true);
		snprintf(line, sizeof(line), "%s (through the symbolic link %s)", path, link);
		return strv_push(o->skipped, line);
	}
	if (pfd < 0)
		return errno == ENOENT ? 0 : HUSH_EIO;
	struct stat st;
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		close(pfd);
		return 0; /* gone meanwhile */
	}
	if (!o->qdir) {
		close(pfd);
		return strv_push_unique(o->moved, path); /* only listed */
	}
	size_t pl = strlen(p->project);
	const char *rel = !strncmp(path, p->project, pl) && path[pl] == '/' ? path + pl + 1 : path + 1;
	char dest[PATH_MAX], parent[PATH_MAX];
	int r = xsnprintf(dest, sizeof(dest), "%s/%s", o->qdir, rel) < 0 ? HUSH_ETOOBIG : HUSH_EIO;
	if (r == HUSH_EIO) {
		snprintf(parent, sizeof(parent), "%s", dest);
		*strrchr(parent, '/') = '\0';
		/* the quarantine is hush's own directory: no agent wrote there */
		int dfd = mkdirs(parent) == 0 ? open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
		if (dfd >= 0 && renameat(pfd, base, dfd, strrchr(dest, '/') + 1) == 0)
			r = 0;
		if (dfd >= 0)
			close(dfd);
	}
	if (r != 0) {
		char aside[NAME_MAX + 32];
		r = sandbox_rename_aside(pfd, base, aside, sizeof(aside));
		snprintf(dest, sizeof(dest), "%.*s%s", (int)(base - buf), path, aside);
	}
	close(pfd);
	if (r != 0)
		return r;
	snprintf(line, sizeof(line), "%s -> %s", path, dest);
	return strv_push(o->moved, line);
}

int sandbox_quarantine_path(const char *path, const char *qdir, struct strv *moved,
			    struct strv *skipped)
{
	/* no project: a symlink anywhere above path is never followed, never
	 * moved, and path is reported as skipped */
	struct sandbox_protect none = { .project = (char *)"/" };
	const struct sweep_out o = { .qdir = qdir, .moved = moved, .skipped = skipped };
	return quarantine(&none, path, &o, true);
}

/* Moves the new hooks of a hooks directory (all of them when start is
 * NULL: a git directory that appeared during the session). */
static int sweep_hooks(const struct sandbox_protect *p, const char *dir, const struct strv *start,
		       const struct sweep_out *o)
{
	struct strv now = { 0 };
	int r = list_hooks(dir, &now);
	for (size_t j = 0; j < now.n; j++) {
		int e = !start || !strv_has(start, now.v[j]) ? quarantine(p, now.v[j], o, false) : 0;
		if (e < 0 && r == 0)
			r = e; /* the others are still moved */
	}
	strv_free(&now);
	return r;
}

/* True when the git directory would run code: a config that sets a
 * code-running key (or cannot be parsed), or a hook that is not a sample.
 * With move, those files are quarantined instead. */
static int new_gitdir(const struct sandbox_protect *p, const char *gitdir, const struct sweep_out *o,
		      bool move, bool *risky)
{
	static const char *const cfgs[] = { "config", "config.worktree" };
	int first = 0;
	for (size_t c = 0; c < ARRAY_LEN(cfgs); c++) {
		char path[PATH_MAX], *buf = NULL, key[128];
		size_t len;
		if (xsnprintf(path, sizeof(path), "%s/%s", gitdir, cfgs[c]) < 0)
			continue;
		int r = file_read_all(path, SANDBOX_GIT_CONFIG_MAX, false, &buf, &len);
		if (r != HUSH_ENOENT && (r == 0 ? sandbox_git_config_risky(buf, len, key, sizeof(key)) : true)) {
			*risky = true;
			if (move && (r = quarantine(p, path, o, false)) < 0 && first == 0)
				first = r;
		}
		free(buf);
	}
	char h[PATH_MAX];
	struct strv now = { 0 };
	if (xsnprintf(h, sizeof(h), "%s/hooks", gitdir) == 0 && !strv_has(&p->hooks, h)) {
		int r = move ? sweep_hooks(p, h, NULL, o) : list_hooks(h, &now);
		*risky |= now.n > 0;
		if (r < 0 && first == 0)
			first = r;
	}
	strv_free(&now);
	return first;
}

/* A git directory outside the project that link (a .git entry or a
 * commondir file made in the session) leads to: left alone, and link is
 * moved when that directory would run code. */
static int sweep_link_to(const struct sandbox_protect *p, const char *gd, const char *link,
			 const struct sweep_out *o)
{
	bool risky = false;
	int r = new_gitdir(p, gd, o, false, &risky);
	int q = risky ? quarantine(p, link, o, false) : 0;
	return r < 0 ? r : q;
}

/* A git directory gd (reached through the .git entry dg, or NULL) that
 * was not there at start: one in the project loses its code-running config
 * and hooks, as does one outside that its commondir file names; one
 * outside is reached only through what leads there. */
static int sweep_repo(const struct sandbox_protect *p, const char *gd, const char *dg,
		      const struct sweep_out *o)
{
	if (strv_has(&p->gits_start, gd))
		return 0; /* its files were read-only all along */
	if (!sandbox_path_under(gd, p->project))
		return dg && !strv_has(&p->gits_start, dg) ? sweep_link_to(p, gd, dg, o) : 0;
	bool risky = false;
	int r = new_gitdir(p, gd, o, true, &risky);
	char cf[PATH_MAX], common[PATH_MAX];
	if (xsnprintf(cf, sizeof(cf), "%s/commondir", gd) == 0 &&
	    sandbox_git_read_pointer(cf, gd, "", common) == 0 &&
	    !sandbox_path_under(common, p->project) && !strv_has(&p->gits_start, common)) {
		int c = sweep_link_to(p, common, cf, o);
		if (r == 0)
			r = c;
	}
	return r;
}

int sandbox_protect_sweep(const struct sandbox_protect *p, const char *stop,
			  const char *quarantine_dir, struct strv *moved, struct strv *skipped)
{
	int first = 0;
#define KEEP(e)                                  \
	do {                                     \
		int e_ = (e);                    \
		if (e_ < 0 && first == 0)        \
			first = e_;              \
	} while (0)
	const struct sweep_out o = { quarantine_dir, moved, skipped };
	struct stat st;
	for (size_t i = 0; i < p->absent.n; i++)
		if (lstat(p->absent.v[i], &st) == 0)
			KEEP(quarantine(p, p->absent.v[i], &o, false));
	for (size_t i = 0; i + 1 < p->links.n; i += 2) {
		char t[PATH_MAX];
		const char *l = p->links.v[i];
		ssize_t tl = lstat(l, &st) == 0 && S_ISLNK(st.st_mode) ? readlink(l, t, sizeof(t) - 1)
								      : -1;
		if (tl >= 0)
			t[tl] = '\0';
		bool same = tl >= 0 && !strcmp(t, p->links.v[i + 1]);
		if (!same && lstat(l, &st) == 0)
			KEEP(quarantine(p, l, &o, false));
	}
	for (size_t i = 0; i + 1 < p->exist_real.n; i += 2) {
		char rp[PATH_MAX];
		const char *e = p->exist_real.v[i];
		if (lstat(e, &st) == 0 && (!realpath(e, rp) || strcmp(rp, p->exist_real.v[i + 1])))
			KEEP(quarantine(p, e, &o, false));
	}
	/* new hooks in the hooks directories known at start */
	for (size_t i = 0; i < p->hooks.n; i++)
		KEEP(sweep_hooks(p, p->hooks.v[i], &p->hooks_start, &o));
	/* Git directories that appeared during the session. One in the
	 * project is the agent's, however git reaches it (a .git, a bare
	 * directory, what a commondir file names, modules/): its code-running
	 * config and hooks go. One elsewhere (a .git symlink or "gitdir:" file
	 * made in the session that leads to another repository, maybe the
	 * human's, whose config may well set alias.* or credential.*) is left
	 * alone; the new .git entry, or the new commondir file, that leads
	 * there is moved when that repository would run code. */
	struct strv found = { 0 };
	struct sandbox_protect_find f = { .names = &p->names, .top = p->project, .out = &found };
	struct sandbox_git g = { .visit = p->names.n ? sandbox_protect_visit : NULL, .visit_ctx = &f };
	KEEP(sandbox_git_find(&g, p->project, stop));
	/* the never_write names that appeared below the project */
	for (size_t i = 0; i < found.n; i++) {
		char path[PATH_MAX];
		if (xsnprintf(path, sizeof(path), "%s/%s", p->project, found.v[i]) == 0 &&
		    !strv_has(&p->exist, path) && !strv_has(&p->absent, path) &&
		    lstat(path, &st) == 0)
			KEEP(quarantine(p, path, &o, false));
	}
	strv_free(&found);
	for (size_t i = 0; i < g.n; i++)
		KEEP(sweep_repo(p, g.d[i].gitdir, g.d[i].dotgit, &o));
	sandbox_git_free(&g);
#undef KEEP
	return first;
}

int sandbox_protect_gitlink(const struct sandbox_protect *p, const char *path, const char *qdir,
			    struct strv *moved, struct strv *skipped)
{
	char dotgit[PATH_MAX], gd[PATH_MAX];
	struct stat st;
	if (!sandbox_path_under(path, p->project) ||
	    xsnprintf(dotgit, sizeof(dotgit), "%s/.git", path) < 0 || lstat(dotgit, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		if (!realpath(dotgit, gd))
			return 0;
	} else if (!S_ISREG(st.st_mode) || sandbox_git_read_pointer(dotgit, path, "gitdir: ", gd) != 0) {
		return 0;
	}
	if (strv_has(&p->gits_start, dotgit))
		return 0;
	const struct sweep_out o = { qdir, moved, skipped };
	return sweep_repo(p, gd, dotgit, &o);
}

void sandbox_protect_free(struct sandbox_protect *p)
{
	free(p->project);
	STRV_FREE(&p->exist, &p->absent, &p->links, &p->exist_real, &p->hooks, &p->hooks_start,
		  &p->gits_start, &p->names);
	*p = (struct sandbox_protect){ 0 };
}

/* ---- the modes of the directories that lead to protected paths ---- */

/* sandbox_path_shut for a path whose stat (st) is already at hand. */
static bool owned_and_shut(const char *path, const struct stat *st, int amode)
{
	return st->st_uid == geteuid() && faccessat(AT_FDCWD, path, amode, AT_EACCESS) != 0 &&
	       errno == EACCES;
}

bool sandbox_path_shut(const char *path, int amode)
{
	struct stat st;
	return stat(path, &st) == 0 && owned_and_shut(path, &st, amode);
}

static bool modes_have(const struct sandbox_modes *m, const char *path)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->d[i].path, path))
			return true;
	return false;
}

static int modes_push(struct sandbox_modes *m, const char *path, const struct stat *st)
{
	if (array_grow(&m->d, &m->cap, m->n + 1, sizeof(*m->d), 32) < 0)
		return HUSH_ENOMEM;
	char *c = strdup(path);
	if (!c)
		return HUSH_ENOMEM;
	m->d[m->n++] = (struct sandbox_dirmode){ c, st->st_dev, st->st_ino, st->st_mode & 07777 };
	return 0;
}

int sandbox_modes_add(struct sandbox_modes *m, const char *top, const char *path)
{
	char p[PATH_MAX];
	if (!sandbox_path_under(path, top) || xsnprintf(p, sizeof(p), "%s", path) < 0)
		return 0;
	/* top first: the repair goes down in the same order, each directory
	 * searchable again before the next is looked up */
	for (size_t end = strlen(top);;) {
		char c = p[end];
		p[end] = '\0';
		/* a directory recorded already was searchable then: the paths
		 * of a plan share most of their leading directories */
		struct stat st;
		bool seen = modes_have(m, p);
		bool dir = seen || (lstat(p, &st) == 0 && S_ISDIR(st.st_mode));
		int r = dir && !seen ? modes_push(m, p, &st) : 0;
		if (r == 0 && dir && !seen && owned_and_shut(p, &st, X_OK)) {
			dir = false; /* nothing below can be looked at */
			if (!m->shut && !(m->shut = strdup(p)))
				r = HUSH_ENOMEM;
		}
		p[end] = c;
		if (r < 0 || !dir || c == '\0')
			return r;
		char *s = strchr(p + end + 1, '/');
		end = s ? (size_t)(s - p) : strlen(p);
	}
}

int sandbox_modes_record(struct sandbox_modes *m, const struct sandbox_plan *pl)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < pl->n + pl->absent.n; i++) {
		const char *path = i < pl->n ? pl->ops[i].path : pl->absent.v[i - pl->n];
		if (i < pl->n && pl->ops[i].kind != SB_OP_PROTECT)
			continue;
		const char *top = sandbox_plan_writable_root(pl, path);
		if (top)
			r = sandbox_modes_add(m, top, path);
	}
	return r;
}

int sandbox_modes_repair(const struct sandbox_modes *m, struct strv *repaired)
{
	int first = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct sandbox_dirmode *d = &m->d[i];
		int fd = open(d->path, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		struct stat st;
		if (fd < 0)
			continue; /* gone or replaced: the sweep looks at what is there */
		if (fstat(fd, &st) == 0 && st.st_dev == d->dev && st.st_ino == d->ino &&
		    (st.st_mode & 07777) != d->mode) {
			/* by the descriptor: the very directory recorded at start */
			char proc[64], line[PATH_MAX + 64];
			snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
			int r = chmod(proc, d->mode) == 0 ? 0 : HUSH_EIO;
			if (r == 0) {
				snprintf(line, sizeof(line), "%s from %04o back to %04o", d->path,
					 (unsigned)(st.st_mode & 07777), (unsigned)d->mode);
				r = strv_push(repaired, line);
			}
			if (r < 0 && first == 0)
				first = r;
		}
		close(fd);
	}
	return first;
}

void sandbox_modes_free(struct sandbox_modes *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->d[i].path);
	free(m->d);
	free(m->shut);
	*m = (struct sandbox_modes){ 0 };
}

/* ---- into a journal and back ---- */

static const struct {
	const char *tag;
	size_t off;
} prot_lists[] = {
	{ "p.exist", offsetof(struct sandbox_protect, exist) },
	{ "p.absent", offsetof(struct sandbox_protect, absent) },
	{ "p.link", offsetof(struct sandbox_protect, links) },
	{ "p.real", offsetof(struct sandbox_protect, exist_real) },
	{ "p.hooks", offsetof(struct sandbox_protect, hooks) },
	{ "p.hook", offsetof(struct sandbox_protect, hooks_start) },
	{ "p.git", offsetof(struct sandbox_protect, gits_start) },
	{ "p.name", offsetof(struct sandbox_protect, names) },
};

#define PROT_LIST(p, i) ((struct strv *)((char *)(p) + prot_lists[i].off))

void sandbox_protect_save(const struct sandbox_protect *p, const struct sandbox_modes *m,
			  struct sandbox_journal *j)
{
	if (p->project)
		sandbox_journal_put(j, "p.project", "%s", p->project);
	for (size_t i = 0; i < ARRAY_LEN(prot_lists); i++)
		sandbox_journal_put_strv(j, prot_lists[i].tag, PROT_LIST(p, i));
	for (size_t i = 0; i < m->n; i++)
		sandbox_journal_put(j, "p.mode", "%llu %llu %o %s", (unsigned long long)m->d[i].dev,
				    (unsigned long long)m->d[i].ino, (unsigned)m->d[i].mode,
				    m->d[i].path);
}

int sandbox_protect_load(struct sandbox_protect *p, struct sandbox_modes *m, const char *tag,
			 const char *val)
{
	if (!strcmp(tag, "p.project")) {
		if (p->project || val[0] != '/')
			return HUSH_EFORMAT;
		return (p->project = strdup(val)) ? 1 : HUSH_ENOMEM;
	}
	for (size_t i = 0; i < ARRAY_LEN(prot_lists); i++)
		if (!strcmp(tag, prot_lists[i].tag))
			return strv_push(PROT_LIST(p, i), val) == 0 ? 1 : HUSH_ENOMEM;
	if (strcmp(tag, "p.mode") != 0)
		return 0;
	unsigned long long dev, ino;
	unsigned mode;
	int used = 0;
	if (sscanf(val, "%llu %llu %o %n", &dev, &ino, &mode, &used) != 3 || used == 0 ||
	    val[used] != '/' || mode > 07777)
		return HUSH_EFORMAT;
	struct stat st = { .st_dev = (dev_t)dev, .st_ino = (ino_t)ino, .st_mode = mode };
	return modes_push(m, val + used, &st) == 0 ? 1 : HUSH_ENOMEM;
}
