/* SPDX-License-Identifier: ISC */
/* Git knowledge for the sandbox: which git directories belong to the
 * project and which of their files run code later for the human (bound
 * read-only inside the sandbox). Everything under the project was possibly
 * written by an earlier agent: every file here is parsed as untrusted
 * bytes, with caps, and git itself is never run to find or read anything
 * (a .git/config can make git run a program). The one place git runs is
 * the index sweep (gitindex.c); see run_git there for why that cannot run
 * repository code. The config files' syntax is gitconfig.c's. */
#include "sandbox/git.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "common/util.h"
#include "sandbox/gitconfig.h"
#include "sandbox/policy.h"
#include "sandbox/protect.h"

/* ---- pointer files: .git ("gitdir: PATH"), commondir, gitdir ---- */

int sandbox_git_parse_pointer(const char *buf, size_t len, const char *prefix, char *out,
			      size_t n)
{
	size_t pl = strlen(prefix);
	if (len < pl || memcmp(buf, prefix, pl) != 0)
		return HUSH_EFORMAT;
	buf += pl;
	len -= pl;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	if (len == 0 || memchr(buf, '\0', len) || memchr(buf, '\n', len) || memchr(buf, '\r', len))
		return HUSH_EFORMAT;
	if (len >= n)
		return HUSH_ETOOBIG;
	memcpy(out, buf, len);
	out[len] = '\0';
	return 0;
}

/* ---- finding git directories ---- */

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists_nofollow(const char *p, struct stat *st)
{
	return lstat(p, st) == 0;
}

/* A git directory as git's is_git_directory() sees it: HEAD, and objects/
 * and refs/ (objects may come from commondir). */
static bool looks_like_gitdir(const char *d)
{
	char p[PATH_MAX];
	struct stat st;
	if (xsnprintf(p, sizeof(p), "%s/HEAD", d) < 0 || lstat(p, &st) != 0)
		return false;
	if (xsnprintf(p, sizeof(p), "%s/commondir", d) == 0 && lstat(p, &st) == 0)
		return true;
	return xsnprintf(p, sizeof(p), "%s/objects", d) == 0 && is_dir(p);
}

static int read_small(const char *path, char **buf, size_t *len)
{
	return file_read_all(path, SANDBOX_GIT_FILE_MAX, false, buf, len);
}

int sandbox_git_read_pointer(const char *file, const char *base, const char *prefix, char *out)
{
	char *buf = NULL;
	size_t len = 0;
	int r = read_small(file, &buf, &len);
	if (r < 0)
		return r;
	char target[PATH_MAX], joined[PATH_MAX];
	r = sandbox_git_parse_pointer(buf, len, prefix, target, sizeof(target));
	free(buf);
	if (r < 0)
		return r;
	if (target[0] == '/')
		r = xsnprintf(joined, sizeof(joined), "%s", target);
	else
		r = xsnprintf(joined, sizeof(joined), "%s/%s", base, target);
	if (r < 0)
		return r;
	if (!realpath(joined, out))
		return HUSH_ENOENT;
	return 0;
}

int sandbox_git_common_dir(const char *gitdir, char *out, size_t n)
{
	char p[PATH_MAX], real[PATH_MAX];
	struct stat st;
	if (xsnprintf(p, sizeof(p), "%s/commondir", gitdir) < 0)
		return HUSH_ETOOBIG;
	if (lstat(p, &st) != 0)
		return xsnprintf(out, n, "%s", gitdir);
	int r = sandbox_git_read_pointer(p, gitdir, "", real);
	return r < 0 ? r : xsnprintf(out, n, "%s", real);
}

static void dirname_of(const char *path, char *out, size_t n)
{
	snprintf(out, n, "%s", path);
	char *s = strrchr(out, '/');
	if (s == out)
		s[1] = '\0';
	else if (s)
		*s = '\0';
}

static struct sandbox_git_dir *find_dir(struct sandbox_git *g, const char *gitdir)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->d[i].gitdir, gitdir))
			return &g->d[i];
	return NULL;
}

static int add_gitdir(struct sandbox_git *g, const char *gitdir, const char *worktree,
		      const char *dotgit, unsigned depth, bool common);

/* A directory or file of the user's that the search could not look into
 * (chmod 000 by an earlier session?): what lies behind it is not
 * protected, and the caller says so. */
static void note_shut(struct sandbox_git *g, const char *path, int amode)
{
	if (!g->shut && sandbox_path_shut(path, amode))
		g->shut = strdup(path);
}

/* Git dirs under modules/: a directory is one when it looks like one,
 * else (submodule names may hold "/") its subdirectories are searched. */
static int scan_modules(struct sandbox_git *g, const char *dir, unsigned depth)
{
	if (depth > SANDBOX_GIT_WALK_DEPTH) {
		g->truncated = true;
		return 0;
	}
	DIR *d = opendir(dir);
	if (!d && errno == ENOMEM)
		return HUSH_ENOMEM;
	if (!d) {
		note_shut(g, dir, R_OK | X_OK);
		return 0;
	}
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		char p[PATH_MAX];
		struct stat st;
		if (xsnprintf(p, sizeof(p), "%s/%s", dir, e->d_name) < 0 || lstat(p, &st) != 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (looks_like_gitdir(p))
			r = add_gitdir(g, p, NULL, NULL, depth + 1, false);
		else
			r = scan_modules(g, p, depth + 1);
	}
	closedir(d);
	return r;
}

/* Records gitdir (any path; resolved here) and what it leads to. A common
 * directory (what a commondir file names) is one whatever it holds: git
 * takes config, hooks, objects and refs from it and looks for HEAD only in
 * the git directory that names it. */
static int add_gitdir(struct sandbox_git *g, const char *path, const char *worktree,
		      const char *dotgit, unsigned depth, bool common)
{
	char gitdir[PATH_MAX];
	if (!realpath(path, gitdir) || (common && !is_dir(gitdir)))
		return 0;
	if (!common && !looks_like_gitdir(gitdir)) {
		note_shut(g, gitdir, X_OK);
		return 0;
	}
	struct sandbox_git_dir *have = find_dir(g, gitdir);
	if (have) {
		/* a git dir first seen under modules/ gets its work tree now */
		if (worktree && !have->worktree) {
			have->worktree = strdup(worktree);
			have->dotgit = dotgit ? strdup(dotgit) : NULL;
			if (!have->worktree || (dotgit && !have->dotgit))
				return HUSH_ENOMEM;
		}
		return 0;
	}
	if (g->n >= SANDBOX_GIT_MAX_DIRS || depth > SANDBOX_GIT_WALK_DEPTH) {
		g->truncated = true;
		return 0;
	}
	if (array_grow(&g->d, &g->cap, g->n + 1, sizeof(*g->d), 8) < 0)
		return HUSH_ENOMEM;
	struct sandbox_git_dir *d = &g->d[g->n];
	*d = (struct sandbox_git_dir){ 0 };
	d->gitdir = strdup(gitdir);
	d->worktree = worktree ? strdup(worktree) : NULL;
	d->dotgit = dotgit ? strdup(dotgit) : NULL;
	if (!d->gitdir || (worktree && !d->worktree) || (dotgit && !d->dotgit)) {
		free(d->gitdir);
		free(d->worktree);
		free(d->dotgit);
		return HUSH_ENOMEM;
	}
	g->n++;
	char p[PATH_MAX], real[PATH_MAX];
	int r = 0;
	/* commondir: the main repository's config and hooks serve this one */
	if (xsnprintf(p, sizeof(p), "%s/commondir", gitdir) == 0 &&
	    sandbox_git_read_pointer(p, gitdir, "", real) == 0)
		r = add_gitdir(g, real, NULL, NULL, depth + 1, true);
	/* a linked worktree's git dir names the worktree's .git file: that
	 * file decides which git dir (and so which config) git uses there */
	struct stat st;
	if (xsnprintf(p, sizeof(p), "%s/gitdir", gitdir) == 0 &&
	    sandbox_git_read_pointer(p, gitdir, "", real) == 0 && lstat(real, &st) == 0 &&
	    S_ISREG(st.st_mode) && !strv_has(&g->ro, real) && strv_push(&g->ro, real) != 0)
		return HUSH_ENOMEM;
	if (r == 0 && xsnprintf(p, sizeof(p), "%s/worktrees", gitdir) == 0 && is_dir(p)) {
		DIR *wd = opendir(p);
		struct dirent *e;
		if (!wd && errno == ENOMEM)
			return HUSH_ENOMEM;
		if (!wd)
			note_shut(g, p, R_OK | X_OK);
		while (wd && r == 0 && (e = readdir(wd))) {
			char w[PATH_MAX];
			if (e->d_name[0] == '.' ||
			    xsnprintf(w, sizeof(w), "%s/%s", p, e->d_name) < 0)
				continue;
			r = add_gitdir(g, w, NULL, NULL, depth + 1, false);
		}
		if (wd)
			closedir(wd);
	}
	if (r == 0 && xsnprintf(p, sizeof(p), "%s/modules", gitdir) == 0 && is_dir(p))
		r = scan_modules(g, p, depth + 1);
	return r;
}

/* A .git entry at dotgit (in work tree wt): a directory, or a file that
 * names the git dir (followed through at most SANDBOX_GIT_MAX_HOPS files). */
static int add_dotgit(struct sandbox_git *g, const char *dotgit, const char *wt)
{
	struct stat st;
	if (lstat(dotgit, &st) != 0)
		return 0;
	/* a .git symlink to a directory is followed as git does; the link
	 * itself cannot be bound (protect.c checks it at the end) */
	if (S_ISDIR(st.st_mode) || (S_ISLNK(st.st_mode) && is_dir(dotgit)))
		return add_gitdir(g, dotgit, wt, dotgit, 0, false);
	if (!S_ISREG(st.st_mode))
		return 0;
	if (strv_push(&g->ro, dotgit) != 0)
		return HUSH_ENOMEM;
	char cur[PATH_MAX], base[PATH_MAX], next[PATH_MAX];
	snprintf(cur, sizeof(cur), "%s", dotgit);
	for (unsigned hop = 0; hop < SANDBOX_GIT_MAX_HOPS; hop++) {
		dirname_of(cur, base, sizeof(base));
		if (sandbox_git_read_pointer(cur, base, "gitdir: ", next) != 0) {
			note_shut(g, cur, R_OK);
			return 0; /* garbage or a dangling pointer: git refuses it too */
		}
		if (is_dir(next))
			return add_gitdir(g, next, wt, dotgit, 0, false);
		if (!strv_has(&g->ro, next) && strv_push(&g->ro, next) != 0)
			return HUSH_ENOMEM;
		snprintf(cur, sizeof(cur), "%s", next);
	}
	g->truncated = true;
	return 0;
}

/* Every .git below dir (into mounts below it too: a repository on a volume
 * mounted in the project is the project's; not into .git or node_modules). */
struct gwalk {
	struct sandbox_git *g;
	size_t entries;
};

static int walk_nested(struct gwalk *w, const char *dir, unsigned depth)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		note_shut(w->g, dir, R_OK | X_OK);
		return 0;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return HUSH_ENOMEM;
	}
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		const char *n = e->d_name;
		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "node_modules"))
			continue;
		if (++w->entries > SANDBOX_GIT_WALK_ENTRIES) {
			w->g->truncated = true;
			break;
		}
		if (depth > 0 && w->g->visit && (r = w->g->visit(w->g->visit_ctx, dir, n)) != 0)
			break;
		bool dotgit = !strcmp(n, ".git");
		/* only directories and .git matter: no stat for what the
		 * directory says is something else (most entries) */
		if (!dotgit && e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		char p[PATH_MAX];
		struct stat st;
		if (xsnprintf(p, sizeof(p), "%s/%s", strcmp(dir, "/") ? dir : "", n) < 0 ||
		    fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (dotgit) {
			if (depth > 0)
				r = add_dotgit(w->g, p, dir);
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		if (looks_like_gitdir(p)) {
			/* a bare repository inside the project (one an agent made of
			 * a source directory): any git started below uses it */
			r = add_gitdir(w->g, p, NULL, p, 0, false);
			continue;
		}
		if (depth + 1 >= SANDBOX_GIT_WALK_DEPTH) {
			w->g->truncated = true;
			continue;
		}
		r = walk_nested(w, p, depth + 1);
	}
	closedir(d);
	return r;
}

int sandbox_git_find(struct sandbox_git *g, const char *project, const char *stop)
{
	char dir[PATH_MAX], p[PATH_MAX], ceiling[PATH_MAX] = "/";
	if (!realpath(project, dir))
		return HUSH_ENOENT;
	/* the walk up stops at stop's parent when the project is below stop */
	char s[PATH_MAX];
	if (stop && realpath(stop, s) && sandbox_path_under(dir, s))
		snprintf(ceiling, sizeof(ceiling), "%s", s);
	int r = 0;
	for (;;) {
		struct stat st;
		if (xsnprintf(p, sizeof(p), "%s/.git", strcmp(dir, "/") ? dir : "") < 0)
			break;
		if (exists_nofollow(p, &st)) {
			r = add_dotgit(g, p, dir);
			break;
		}
		if (!strcmp(dir, ceiling) || !strcmp(dir, "/"))
			break;
		char up[PATH_MAX];
		dirname_of(dir, up, sizeof(up));
		snprintf(dir, sizeof(dir), "%s", up);
	}
	if (r < 0)
		return r;
	struct gwalk w = { .g = g };
	if (!realpath(project, dir))
		return HUSH_ENOENT;
	return walk_nested(&w, dir, 0);
}

static int push_new(struct strv *v, const char *p)
{
	return strv_has(v, p) ? 0 : strv_push(v, p);
}

/* ---- files in the work tree that a git config names ---- */

#define SANDBOX_GIT_CONFIG_READ_MAX (1024 * 1024)

struct named_ctx {
	struct sandbox_git *g;
	const char *project, *worktree, *confdir;
	int depth;
	int r;
};

static int protect_named(struct sandbox_git *g, const char *project, const char *worktree,
			 const char *conf, int depth);

/* One path a config value names: bound read-only when it exists inside the
 * project, swept at the end when it appears there. */
static void named_path(struct named_ctx *c, const char *base, const char *word)
{
	char p[PATH_MAX];
	struct stat st;
	if (c->r || sandbox_path_join(base, word, p, sizeof(p)) || !sandbox_path_under(p, c->project) ||
	    !strcmp(p, c->project))
		return;
	c->r = lstat(p, &st) == 0 ? push_new(&c->g->ro, p) : push_new(&c->g->absent, p);
}

static int named_cb(void *ctx, const char *section, const char *sub, const char *key,
		    const char *value)
{
	struct named_ctx *c = ctx;
	if (!value || !sandbox_git_key_runs_code(section, sub, key))
		return 0;
	bool include = !strcmp(section, "include") || !strcmp(section, "includeif");
	if (include && !strcmp(key, "path")) {
		/* relative to the file that includes it; and what it includes */
		char p[PATH_MAX];
		named_path(c, c->confdir, value);
		if (c->depth < 4 && sandbox_path_join(c->confdir, value, p, sizeof(p)) == 0 && !c->r)
			c->r = protect_named(c->g, c->project, c->worktree, p, c->depth + 1);
		return 0;
	}
	/* a command or a path: every word that is a path counts, relative to
	 * the top of the work tree, where git runs them */
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", value[0] == '!' ? value + 1 : value);
	for (char *save = NULL, *w = strtok_r(buf, " \t\"'=;|&()<>", &save); w;
	     w = strtok_r(NULL, " \t\"'=;|&()<>", &save))
		if (strchr(w, '/') || !strcmp(key, "hookspath") || !strcmp(key, "attributesfile"))
			named_path(c, c->worktree, w);
	return 0;
}

/* The files in the project that the config file conf names (hooksPath,
 * includes, filter, diff and merge drivers, fsmonitor, ...): an agent that
 * rewrote them would have the human's next git run its code. */
/* protect_named for the text of conf, already read. */
static int protect_named_text(struct sandbox_git *g, const char *project, const char *worktree,
			      const char *conf, const char *text, size_t len, int depth)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", conf);
	char *sl = strrchr(dir, '/');
	if (sl && sl != dir)
		*sl = '\0';
	struct named_ctx c = { g, project, worktree, dir, depth, 0 };
	sandbox_git_config_parse(text, len, named_cb, &c);
	return c.r;
}

static int protect_named(struct sandbox_git *g, const char *project, const char *worktree,
			 const char *conf, int depth)
{
	char *text = NULL;
	size_t len = 0;
	if (file_read_all(conf, SANDBOX_GIT_CONFIG_READ_MAX, true, &text, &len) != 0)
		return 0;
	int r = protect_named_text(g, project, worktree, conf, text, len, depth);
	free(text);
	return r;
}

/* The human's global and system git config, each read once: a relative
 * path in them (core.hooksPath = .githooks) names a file in every work
 * tree. */
static int protect_named_global(struct sandbox_git *g, const char *project)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME"),
		   *gl = getenv("GIT_CONFIG_GLOBAL"), *sys = getenv("GIT_CONFIG_SYSTEM");
	char confs[3][PATH_MAX] = { "", "", "" };
	if (gl && gl[0] == '/')
		snprintf(confs[0], PATH_MAX, "%s", gl);
	else if (home && home[0] == '/')
		snprintf(confs[0], PATH_MAX, "%s/.gitconfig", home);
	if (xdg && xdg[0] == '/')
		snprintf(confs[1], PATH_MAX, "%s/git/config", xdg);
	else if (home && home[0] == '/')
		snprintf(confs[1], PATH_MAX, "%s/.config/git/config", home);
	snprintf(confs[2], PATH_MAX, "%s", sys && sys[0] == '/' ? sys : "/etc/gitconfig");
	int r = 0;
	for (size_t i = 0; r == 0 && i < ARRAY_LEN(confs); i++) {
		char *text = NULL;
		size_t len = 0;
		if (!confs[i][0] ||
		    file_read_all(confs[i], SANDBOX_GIT_CONFIG_READ_MAX, true, &text, &len) != 0)
			continue;
		for (size_t k = 0; r == 0 && k < g->n; k++)
			if (g->d[k].worktree)
				r = protect_named_text(g, project, g->d[k].worktree, confs[i], text, len, 0);
		free(text);
	}
	return r;
}

int sandbox_git_protect(struct sandbox_git *g, const char *project, const char *stop)
{
	int r = sandbox_git_find(g, project, stop);
	if (r == 0)
		r = protect_named_global(g, project);
	for (size_t i = 0; r == 0 && i < g->n; i++) {
		const char *gd = g->d[i].gitdir;
		/* which files git reads depends on the kind of git dir: a main
		 * one (no commondir) reads config; a worktree's reads commondir
		 * and gitdir; both may read config.worktree. Missing ones that
		 * git would read if created go to absent. */
		static const char *const files[] = { "commondir", "config", "config.worktree",
						     "gitdir" };
		char p[PATH_MAX];
		struct stat st;
		bool own_common = false;
		for (size_t f = 0; r == 0 && f < ARRAY_LEN(files); f++) {
			if (xsnprintf(p, sizeof(p), "%s/%s", gd, files[f]) < 0)
				continue;
			bool there = lstat(p, &st) == 0;
			if (f == 0)
				own_common = !there;
			if (there)
				r = push_new(&g->ro, p);
			else if (f == 0 || f == 2 || (f == 1) == own_common)
				r = push_new(&g->absent, p);
			if (there && r == 0 && (f == 1 || f == 2))
				r = protect_named(g, project, g->d[i].worktree ? g->d[i].worktree : gd,
						  p, 0);
		}
		if (r == 0 && own_common && xsnprintf(p, sizeof(p), "%s/hooks", gd) == 0) {
			if (lstat(p, &st) != 0)
				r = push_new(&g->create_dirs, p);
			if (r == 0)
				r = push_new(&g->ro, p);
		}
	}
	return r;
}

void sandbox_git_free(struct sandbox_git *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->d[i].gitdir);
		free(g->d[i].worktree);
		free(g->d[i].dotgit);
	}
	free(g->d);
	STRV_FREE(&g->ro, &g->create_dirs, &g->absent);
	free(g->shut);
	*g = (struct sandbox_git){ 0 };
}
