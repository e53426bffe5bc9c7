/* SPDX-License-Identifier: ISC */
/* Finding what the sandbox masks: credential files by name under the
 * working directory (and their hard links inside it), plus named paths such
 * as ~/.ssh. The walk is bounded in depth, entries and masks. */
#include "sandbox/hide.h"

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
#include "shim/rules.h"

/* False when the glob g cannot match: its first character, when literal,
 * must be the name's first, and its last, when literal, the name's last.
 * The walk asks every name against every glob; these two comparisons
 * settle most pairs without the matcher. */
static bool may_match(const char *g, const char *name, size_t nlen)
{
	char first = g[0];
	if (!first)
		return true;
	if (first != name[0] && first != '*' && first != '?' && first != '[' && first != '\\')
		return false;
	char last = g[strlen(g) - 1];
	return last == '*' || last == '?' || last == ']' || last == '\\' ||
	       (nlen > 0 && name[nlen - 1] == last);
}

/* The shim's glob (shim/rules.c): one matcher decides what the sandbox,
 * the shim and the scanner hide. */
static bool glob_match(const char *g, const char *name, size_t nlen)
{
	return may_match(g, name, nlen) && rules_glob(g, name, nlen);
}

bool sandbox_hide_match(const struct strv *globs, const char *name)
{
	bool hit = false;
	size_t nlen = strlen(name);
	for (size_t i = 0; globs && i < globs->n; i++) {
		const char *g = globs->v[i];
		if (g[0] == '!') {
			if (glob_match(g + 1, name, nlen))
				return false;
		} else if (!hit && glob_match(g, name, nlen)) {
			hit = true;
		}
	}
	return hit;
}

static bool masked_already(const struct sandbox_masks *m, const char *p)
{
	return strv_has(&m->files, p) || strv_has(&m->dirs, p);
}

int sandbox_masks_add(struct sandbox_masks *m, const char *path)
{
	char real[PATH_MAX];
	struct stat st;
	if (stat(path, &st) != 0)
		return 0; /* missing, or a dangling link: nothing to hide */
	if (!realpath(path, real))
		return 0;
	if (masked_already(m, real))
		return 0;
	if (m->files.n + m->dirs.n >= SANDBOX_MAX_MASKS) {
		m->truncated = true;
		return HUSH_ETOOBIG;
	}
	return strv_push(S_ISDIR(st.st_mode) ? &m->dirs : &m->files, real);
}

void sandbox_masks_free(struct sandbox_masks *m)
{
	free(m->unreadable);
	m->unreadable = NULL;
	STRV_FREE(&m->files, &m->dirs);
}

/* Regular files with more than one link, to find other names of a hidden
 * file. Bounded: past the cap, further candidates are not recorded (and
 * the walk counts as truncated). */
#define LINK_CANDIDATES_MAX 20000
struct link_ent {
	dev_t dev;
	ino_t ino;
	bool hidden;
	char *path;
};
struct walk {
	struct sandbox_masks *m;
	const struct strv *globs;
	unsigned max_depth;
	struct link_ent *links;
	size_t nlinks, caplinks;
	bool find_links;   /* note every file with more than one link */
	bool linked_hidden; /* a hidden file has more than one link */
};

/* 0 or HUSH_ENOMEM: a candidate left out could be a hidden file's
 * other name. */
static int note_link(struct walk *w, const struct stat *st, const char *path, bool hidden)
{
	if (w->nlinks >= LINK_CANDIDATES_MAX) {
		w->m->truncated = true;
		return 0;
	}
	if (array_grow(&w->links, &w->caplinks, w->nlinks + 1, sizeof(*w->links), 64) < 0)
		return HUSH_ENOMEM;
	char *p = strdup(path);
	if (!p)
		return HUSH_ENOMEM;
	w->links[w->nlinks++] = (struct link_ent){ st->st_dev, st->st_ino, hidden, p };
	return 0;
}

static int walk_dir(struct walk *w, int dfd, const char *path, unsigned depth)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return HUSH_ENOMEM; /* not EBADF or ENOTDIR: dfd is a directory's */
	}
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		const char *n = e->d_name;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (++w->m->walked > SANDBOX_WALK_MAX_ENTRIES) {
			w->m->truncated = true;
			break;
		}
		bool hidden = sandbox_hide_match(w->globs, n);
		/* an entry the directory says is not a directory matters only
		 * when hidden, or when hard links are looked for */
		if (!hidden && !w->find_links && e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		struct stat st;
		if (fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		bool linked = S_ISREG(st.st_mode) && st.st_nlink > 1;
		if (hidden && linked)
			w->linked_hidden = true;
		if (!w->find_links)
			linked = false;
		/* most entries: a plain file, nothing to note, no path to build.
		 * A directory on another file system is walked too: a volume
		 * or tmpfs mounted in the project shows inside the sandbox
		 * (the project is bound with what is mounted below it) */
		if (!hidden && !linked && !S_ISDIR(st.st_mode))
			continue;
		char child[PATH_MAX];
		if (xsnprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", n) < 0)
			continue;
		if (hidden) {
			r = sandbox_masks_add(w->m, child);
			if (r == 0 && linked)
				r = note_link(w, &st, child, true);
			continue;
		}
		if (linked) {
			r = note_link(w, &st, child, false);
			continue;
		}
		if (!strcmp(n, ".git") || !strcmp(n, "node_modules") ||
		    strv_has(&w->m->dirs, child))
			continue;
		if (depth + 1 >= w->max_depth) {
			/* the global bound is a cap; a shallower walk is a choice */
			if (w->max_depth >= SANDBOX_WALK_MAX_DEPTH)
				w->m->truncated = true;
			continue;
		}
		int cfd = openat(dirfd(d), n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd >= 0) {
			r = walk_dir(w, cfd, child, depth + 1);
		} else if (errno == EACCES || errno == EPERM) {
			/* a directory we may not search (chmod 000 by an
			 * earlier session?) could hold what must be hidden:
			 * the walk is incomplete, and says where */
			w->m->truncated = true;
			if (!w->m->unreadable)
				w->m->unreadable = strdup(child);
		}
	}
	closedir(d);
	return r;
}

int sandbox_hide_scan(struct sandbox_masks *m, const char *root,
		      const struct strv *globs, unsigned max_depth)
{
	struct walk w = { .m = m, .globs = globs, .max_depth = max_depth };
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : HUSH_EIO;
	/* A first walk stats only hidden entries and directories. Only when
	 * a hidden file has other links does a second one stat every file,
	 * to find those other names by inode. */
	size_t walked = m->walked;
	int r = walk_dir(&w, fd, root, 0);
	if (r == 0 && w.linked_hidden) {
		m->walked = walked;
		w.find_links = true;
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = fd < 0 ? HUSH_EIO : walk_dir(&w, fd, root, 0);
	}
	/* other names of a hidden inode inside the tree */
	for (size_t i = 0; r == 0 && i < w.nlinks; i++) {
		if (w.links[i].hidden)
			continue;
		for (size_t j = 0; j < w.nlinks; j++) {
			if (w.links[j].hidden && w.links[j].dev == w.links[i].dev &&
			    w.links[j].ino == w.links[i].ino) {
				r = sandbox_masks_add(m, w.links[i].path);
				break;
			}
		}
	}
	for (size_t i = 0; i < w.nlinks; i++)
		free(w.links[i].path);
	free(w.links);
	return r;
}
