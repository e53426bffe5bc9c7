/* SPDX-License-Identifier: ISC */
/* Building the sandbox's mount plan from its inputs: what is private, what
 * is shown read-only, what is writable, what stays read-only inside the
 * writable trees, and what is masked. docs/sandbox.md describes the result;
 * hush sandbox --explain prints it. */
#include "sandbox/policy.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

/* The private areas every sandbox gets: writable for the agent, empty at
 * start, gone at exit. Unix sockets of servers outside (tmux, ssh-agent,
 * X11) live here and vanish with them. */
static const char *const private_tmp[] = { "/tmp", "/var/tmp", "/dev/shm" };

/* The top-level directories of / shown as they are: the system. Every
 * other one (/mnt, /media, /srv, /work, /data, ...: other projects,
 * volumes, mounted drives) is an empty directory inside, and so is
 * /var/www; the plan binds back what must be seen there (the project, the
 * home view, PATH directories, hush). */
static const char *const root_system[] = {
	"bin", "boot", "dev", "etc", "gnu", "home", "lib", "lib32", "lib64", "libx32", "nix",
	"opt", "proc", "root", "run", "sbin", "snap", "sys", "tmp", "usr", "var",
};
static const char *const root_hidden_below[] = { "/var/www" };

#define HOME_MAX_ENTRIES 4096

bool sandbox_path_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return p[0] == '/';
	return strncmp(p, dir, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

int sandbox_path_parent(const char *path, char *out, size_t n)
{
	if (xsnprintf(out, n, "%s", path) < 0)
		return HUSH_ETOOBIG;
	char *sl = strrchr(out, '/');
	if (!sl || sl == out)
		return HUSH_EINVAL;
	*sl = '\0';
	return 0;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

/* True when path lies in one of the plan's covering areas (private tmpfs
 * or the home view), where nothing of the real file system shows unless a
 * bind brings it back. */
static bool covered(const struct sandbox_plan *pl, const char *path)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->ops[i].kind == SB_OP_PRIVATE && sandbox_path_under(path, pl->ops[i].path))
			return true;
	return false;
}

/* The deepest bind at or above path, or NULL. */
static const struct sandbox_op *bind_above(const struct sandbox_plan *pl, const char *path)
{
	const struct sandbox_op *best = NULL;
	for (size_t i = 0; i < pl->n; i++) {
		const struct sandbox_op *o = &pl->ops[i];
		if ((o->kind == SB_OP_BIND_RO || o->kind == SB_OP_BIND_RW) &&
		    sandbox_path_under(path, o->path) &&
		    (!best || strlen(o->path) >= strlen(best->path)))
			best = o; /* the later of two at one path is on top */
	}
	return best;
}

const char *sandbox_plan_writable_root(const struct sandbox_plan *pl, const char *path)
{
	const struct sandbox_op *b = bind_above(pl, path);
	return b && b->kind == SB_OP_BIND_RW ? b->path : NULL;
}

/* True when the agent can write at path. */
static bool writable(const struct sandbox_plan *pl, const char *path)
{
	return sandbox_plan_writable_root(pl, path) != NULL;
}

static int add_private(struct sandbox_plan *pl, const char *path, unsigned mode, const char *why)
{
	int r = sandbox_plan_add(pl, SB_OP_PRIVATE, path, NULL, why);
	if (r == 0)
		pl->ops[pl->n - 1].mode = mode;
	return r;
}

static void add_root_view(struct sandbox_plan *pl)
{
	DIR *d = opendir("/");
	if (!d && !pl->error)
		pl->error = errno == ENOMEM ? HUSH_ENOMEM : HUSH_EIO; /* / would be all visible */
	struct dirent *e;
	while (d && (e = readdir(d))) {
		const char *nm = e->d_name;
		bool sys = nm[0] == '.';
		for (size_t i = 0; !sys && i < ARRAY_LEN(root_system); i++)
			sys = !strcmp(nm, root_system[i]);
		char p[PATH_MAX];
		struct stat st;
		if (sys || xsnprintf(p, sizeof(p), "/%s", nm) < 0 || lstat(p, &st) != 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		add_private(pl, p, 0755, "outside the system, the home and the project");
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < ARRAY_LEN(root_hidden_below); i++)
		if (is_dir(root_hidden_below[i]))
			add_private(pl, root_hidden_below[i], 0755,
				    "outside the system, the home and the project");
}

/* Shows src read-only at the same path unless something already shows it
 * the same way or better. */
static int add_keep(struct sandbox_plan *pl, const char *path, const char *why)
{
	if (!exists(path) || !covered(pl, path))
		return 0;
	const struct sandbox_op *b = bind_above(pl, path);
	if (b && b->kind == SB_OP_BIND_RO)
		return 0;
	return sandbox_plan_add(pl, SB_OP_BIND_RO, path, path, why);
}

/* The home view: a tmpfs at $HOME with each entry of the real home bound
 * read-only onto it (all of them, or in allow-list mode only those named).
 * Files in $HOME itself may then be created and replaced by rename inside
 * (a state file such as ~/.claude.json is copied in and back), while
 * nothing the agent writes there reaches the real home. */
static int add_home_view(struct sandbox_plan *pl, const struct sandbox_inputs *in)
{
	int r = add_private(pl, in->home, 0700, "home view");
	if (r < 0)
		return r;
	if (in->home_mode == SANDBOX_HOME_ALLOWLIST) {
		for (size_t i = 0; in->home_allow && i < in->home_allow->n && r == 0; i++) {
			const char *p = in->home_allow->v[i];
			if (sandbox_path_under(p, in->home) && strcmp(p, in->home) != 0 && exists(p))
				r = sandbox_plan_add(pl, SB_OP_BIND_RO, p, p, "home allow-list");
		}
		return r;
	}
	DIR *d = opendir(in->home);
	if (!d)
		return errno == ENOENT ? 0 : HUSH_EIO;
	size_t n = 0;
	struct dirent *e;
	char p[PATH_MAX];
	while (r == 0 && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (++n > HOME_MAX_ENTRIES) {
			r = pl->error = HUSH_ETOOBIG;
			break;
		}
		if (xsnprintf(p, sizeof(p), "%s/%s", in->home, e->d_name) < 0) {
			r = pl->error = HUSH_ETOOBIG;
			break;
		}
		/* a masked entry is simply left out of the view, a state file
		 * is copied in (a bind could not be replaced by rename), a
		 * writable directory gets its own bind */
		if ((in->masks && (strv_has(&in->masks->files, p) || strv_has(&in->masks->dirs, p))) ||
		    (in->state_files && strv_has(in->state_files, p)) ||
		    (in->allow_write && strv_has(in->allow_write, p)))
			continue;
		r = sandbox_plan_add(pl, SB_OP_BIND_RO, p, p, "home");
	}
	closedir(d);
	return r;
}

/* The route view of route_dir: a tmpfs holding its real entries (read-only
 * binds) and the route links, sealed read-only. */
static int add_route_view(struct sandbox_plan *pl, const char *links, const char *dir)
{
	struct stat st;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0; /* missing, or a link to another directory */
	DIR *ld = opendir(links);
	if (!ld)
		return 0;
	struct strv names = { 0 };
	struct dirent *e;
	int r = 0;
	while (r == 0 && (e = readdir(ld)) != NULL)
		if (e->d_name[0] != '.')
			r = strv_push(&names, e->d_name);
	closedir(ld);
	if (r < 0 || names.n == 0) {
		strv_free(&names);
		return r < 0 ? (pl->error = HUSH_ENOMEM) : 0;
	}
	r = add_private(pl, dir, 0755, "granted commands found on any PATH");
	DIR *d = r == 0 ? opendir(dir) : NULL;
	char p[PATH_MAX], t[PATH_MAX];
	size_t n = 0;
	while (r == 0 && d && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || strv_has(&names, e->d_name))
			continue;
		if (++n > HOME_MAX_ENTRIES || xsnprintf(p, sizeof(p), "%s/%s", dir, e->d_name) < 0) {
			r = pl->error = HUSH_ETOOBIG;
			break;
		}
		r = sandbox_plan_add(pl, SB_OP_BIND_RO, p, p, NULL);
	}
	if (d)
		closedir(d);
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		ssize_t len;
		if (xsnprintf(p, sizeof(p), "%s/%s", links, names.v[i]) < 0 ||
		    (len = readlink(p, t, sizeof(t) - 1)) <= 0)
			continue;
		t[len] = '\0';
		if (xsnprintf(p, sizeof(p), "%s/%s", dir, names.v[i]) == 0)
			r = sandbox_plan_add(pl, SB_OP_LINK, p, t, "route to the broker");
	}
	if (r == 0)
		r = sandbox_plan_add(pl, SB_OP_SEAL, dir, NULL, NULL);
	strv_free(&names);
	return r;
}

/* Expands a never_write item: "~/x" was expanded by the caller; a
 * relative item names a path in the project. */
static int never_write_path(const struct sandbox_inputs *in, const char *item, char *out, size_t n)
{
	if (item[0] == '/')
		return xsnprintf(out, n, "%s", item);
	return xsnprintf(out, n, "%s/%s", in->cwd, item);
}

int sandbox_plan_build(struct sandbox_plan *pl, const struct sandbox_inputs *in, char *why,
		       size_t n)
{
	const char *cwd = in->cwd, *home = in->home;
	if (!strcmp(cwd, "/") || (home && sandbox_path_under(home, cwd) && strcmp(home, cwd) != 0)) {
		snprintf(why, n, "the working directory %s contains your home directory", cwd);
		return HUSH_EINVAL;
	}
	for (size_t i = 0; i < ARRAY_LEN(private_tmp); i++)
		if (sandbox_path_under(private_tmp[i], cwd)) {
			snprintf(why, n, "the working directory %s is (or contains) %s, which "
				 "the sandbox makes private", cwd, private_tmp[i]);
			return HUSH_EINVAL;
		}
	if (in->xdg_runtime && sandbox_path_under(in->xdg_runtime, cwd)) {
		snprintf(why, n, "the working directory %s contains the runtime directory %s",
			 cwd, in->xdg_runtime);
		return HUSH_EINVAL;
	}

	for (size_t i = 0; i < ARRAY_LEN(private_tmp); i++)
		if (is_dir(private_tmp[i]))
			add_private(pl, private_tmp[i], 01777, "private temporary directory");
	if (in->xdg_runtime && in->xdg_runtime[0] == '/' && is_dir(in->xdg_runtime) &&
	    !covered(pl, in->xdg_runtime))
		add_private(pl, in->xdg_runtime, 0700, "private runtime directory (its sockets stay out)");

	if (in->root_mode == SANDBOX_ROOT_ALLOWLIST)
		add_root_view(pl);

	bool home_is_project = home && !strcmp(home, cwd);
	if (home && home[0] == '/' && strcmp(home, "/") != 0 && !home_is_project && is_dir(home))
		add_home_view(pl, in);

	/* writable: the project and the agent's state directories */
	sandbox_plan_add(pl, SB_OP_BIND_RW, cwd, cwd, "the project");
	for (size_t i = 0; in->allow_write && i < in->allow_write->n; i++) {
		const char *p = in->allow_write->v[i];
		if (is_dir(p) && !sandbox_plan_find(pl, SB_OP_BIND_RW, p))
			sandbox_plan_add(pl, SB_OP_BIND_RW, p, p, "allow_write");
	}
	for (size_t i = 0; in->keep && i < in->keep->n; i++)
		add_keep(pl, in->keep->v[i], "kept visible");
	for (size_t i = 0; in->scratch && i < in->scratch->n; i++) {
		const char *p = in->scratch->v[i];
		/* a scratch directory needs a place to mount on: an existing
		 * directory, or a new one in a covering tmpfs */
		char parent[PATH_MAX];
		if (sandbox_path_parent(p, parent, sizeof(parent)) < 0)
			continue;
		const struct sandbox_op *b = bind_above(pl, p);
		bool on_tmpfs = covered(pl, p) && (!b || !sandbox_path_under(parent, b->path));
		if (is_dir(p) || on_tmpfs) {
			sandbox_plan_add(pl, SB_OP_SCRATCH, p, NULL, "scratch");
			if (pl->n && pl->ops[pl->n - 1].kind == SB_OP_SCRATCH)
				pl->ops[pl->n - 1].mode = 0700;
		}
	}
	for (size_t i = 0; in->state_files && i < in->state_files->n; i++) {
		const char *p = in->state_files->v[i];
		/* copied only where the home view lets it be replaced by rename */
		if (covered(pl, p) && !bind_above(pl, p))
			sandbox_plan_add(pl, SB_OP_COPY, p, p, "state file");
	}

	if (in->route_links && in->route_dir)
		add_route_view(pl, in->route_links, in->route_dir);

	/* never writable, even inside the writable trees */
	char p[PATH_MAX];
	for (size_t i = 0; in->never_write && i < in->never_write->n; i++) {
		if (never_write_path(in, in->never_write->v[i], p, sizeof(p)) < 0)
			continue;
		if (!writable(pl, p))
			continue;
		if (exists(p)) {
			if (!sandbox_plan_find(pl, SB_OP_PROTECT, p))
				sandbox_plan_add(pl, SB_OP_PROTECT, p, NULL, "never writable");
		} else if (!strv_has(&pl->absent, p) && strv_push(&pl->absent, p) < 0) {
			pl->error = HUSH_ENOMEM;
		}
	}

	/* the masks, on top of everything */
	for (size_t i = 0; in->masks && i < in->masks->files.n; i++)
		sandbox_plan_add(pl, SB_OP_MASK_FILE, in->masks->files.v[i], NULL, NULL);
	for (size_t i = 0; in->masks && i < in->masks->dirs.n; i++)
		sandbox_plan_add(pl, SB_OP_MASK_DIR, in->masks->dirs.v[i], NULL, NULL);

	if (pl->error)
		return pl->error;
	sandbox_plan_sort(pl);
	return 0;
}
