/* SPDX-License-Identifier: ISC */
/* The git index and the session: which hidden paths the index holds at the
 * start, and removing at the end those a session added (git add -f .env,
 * git update-index --cacheinfo ...), so that the human's next
 * `git commit -a` does not store the real file that was masked.
 *
 * Reading is ours: the index format is parsed here, bounded and fuzzed
 * (fuzz/gitindex.c), without running git. Writing is git's: rewriting an
 * index means recomputing its checksum, dropping or rebuilding the
 * cache-tree, untracked-cache, fsmonitor and offset-table extensions, and
 * merging a split index with its shared index; `git rm --cached` does all
 * that correctly for every format git knows. gitrun.h explains why that git
 * cannot run code from the repository. */
#include "sandbox/gitindex.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "common/util.h"
#include "sandbox/gitconfig.h"
#include "sandbox/gitrun.h"
#include "sandbox/hide.h"
#include "sandbox/protect.h"

/* ---- the index format ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* git's offset varint (varint.c): 7 bits a byte, each continuation adds 1. */
static int varint(const unsigned char **pp, const unsigned char *end, uint64_t *out)
{
	const unsigned char *p = *pp;
	if (p >= end)
		return HUSH_EFORMAT;
	unsigned char c = *p++;
	uint64_t v = c & 127;
	while (c & 128) {
		if (p >= end || v > (UINT64_MAX >> 8))
			return HUSH_EFORMAT;
		c = *p++;
		v = ((v + 1) << 7) | (c & 127);
	}
	*pp = p;
	*out = v;
	return 0;
}

#define ENTRY_STAT 40 /* ctime, mtime (8 each), dev, ino, mode, uid, gid, size */
#define F_EXTENDED 0x4000
#define F_STAGE 0x3000
#define F_NAMEMASK 0x0fff

static int index_parse(const unsigned char *buf, size_t len, size_t hashlen,
		       sandbox_git_index_fn fn, void *ctx, struct sandbox_git_index_info *info)
{
	if (len < 12 + hashlen || memcmp(buf, "DIRC", 4) != 0)
		return HUSH_EFORMAT;
	uint32_t version = be32(buf + 4), n = be32(buf + 8);
	if (version < 2 || version > 4)
		return HUSH_EVERSION;
	if (n > SANDBOX_GIT_INDEX_ENTRIES)
		return HUSH_ETOOBIG;
	*info = (struct sandbox_git_index_info){ .version = version, .hashlen = hashlen };
	const unsigned char *p = buf + 12, *end = buf + len - hashlen;
	char path[PATH_MAX + 1];
	size_t plen = 0;
	/* first pass checks the structure; the callback runs on the second,
	 * so a damaged index reports nothing */
	for (int pass = 0; pass < 2; pass++) {
		p = buf + 12;
		plen = 0;
		for (uint32_t i = 0; i < n; i++) {
			const unsigned char *e = p;
			size_t fixed = ENTRY_STAT + hashlen + 2;
			if ((size_t)(end - p) < fixed)
				return HUSH_EFORMAT;
			unsigned mode = be32(e + 24);
			unsigned flags = (unsigned)e[ENTRY_STAT + hashlen] << 8 | e[ENTRY_STAT + hashlen + 1];
			p += fixed;
			if (flags & F_EXTENDED) {
				if (version < 3 || end - p < 2)
					return HUSH_EFORMAT;
				p += 2;
			}
			if (version == 4) {
				uint64_t strip;
				if (varint(&p, end, &strip) != 0 || strip > plen)
					return HUSH_EFORMAT;
				const unsigned char *nul = memchr(p, '\0', (size_t)(end - p));
				if (!nul)
					return HUSH_EFORMAT;
				size_t add = (size_t)(nul - p);
				size_t keep = plen - (size_t)strip;
				if (keep + add > PATH_MAX)
					return HUSH_ETOOBIG;
				memcpy(path + keep, p, add);
				plen = keep + add;
				p = nul + 1;
			} else {
				const unsigned char *nul = memchr(p, '\0', (size_t)(end - p));
				if (!nul)
					return HUSH_EFORMAT;
				size_t nl = (size_t)(nul - p);
				if (nl > PATH_MAX)
					return HUSH_ETOOBIG;
				memcpy(path, p, nl);
				plen = nl;
				/* 1 to 8 NULs pad the entry to a multiple of 8 */
				size_t used = (size_t)(p - e) + nl;
				size_t total = (used + 8) & ~(size_t)7;
				if ((size_t)(end - e) < total)
					return HUSH_EFORMAT;
				p = e + total;
			}
			path[plen] = '\0';
			size_t named = flags & F_NAMEMASK;
			if (named < F_NAMEMASK && named != plen)
				return HUSH_EFORMAT;
			/* an empty path: a split index's replacement of an entry
			 * of the shared index */
			if (pass == 1 && fn && plen) {
				int r = fn(ctx, path, plen, mode, (flags & F_STAGE) >> 12);
				if (r)
					return r;
			}
		}
		if (pass == 1)
			break;
		/* extensions: 4-byte signature, 32-bit size, data */
		while (p < end) {
			if (end - p < 8)
				return HUSH_EFORMAT;
			uint32_t sz = be32(p + 4);
			if ((size_t)(end - p - 8) < sz)
				return HUSH_EFORMAT;
			if (!memcmp(p, "link", 4))
				info->split = true;
			else if (!memcmp(p, "sdir", 4))
				info->sparse = true;
			p += 8 + (size_t)sz;
		}
	}
	info->entries = n;
	return 0;
}

int sandbox_git_index_parse(const unsigned char *buf, size_t len, size_t hashlen,
			    sandbox_git_index_fn fn, void *ctx, struct sandbox_git_index_info *info)
{
	struct sandbox_git_index_info tmp;
	if (!info)
		info = &tmp;
	if (hashlen)
		return index_parse(buf, len, hashlen, fn, ctx, info);
	int r = index_parse(buf, len, 20, fn, ctx, info);
	if (r == HUSH_EFORMAT)
		r = index_parse(buf, len, 32, fn, ctx, info);
	return r;
}

/* ---- what is hidden ---- */

bool sandbox_git_path_hidden(const struct sandbox_git_hide *h, const char *worktree,
			     const char *path)
{
	char comp[PATH_MAX];
	for (const char *s = path; *s;) {
		const char *slash = strchr(s, '/');
		size_t l = slash ? (size_t)(slash - s) : strlen(s);
		if (l && l < sizeof(comp)) {
			memcpy(comp, s, l);
			comp[l] = '\0';
			if (sandbox_hide_match(h->globs, comp))
				return true;
		}
		if (!slash)
			break;
		s = slash + 1;
	}
	char full[PATH_MAX];
	if (xsnprintf(full, sizeof(full), "%s/%s", worktree, path) < 0)
		return false;
	size_t fl = strlen(full);
	while (fl > 1 && full[fl - 1] == '/')
		full[--fl] = '\0'; /* sparse directory entries end in "/" */
	if (h->files && strv_has(h->files, full))
		return true;
	for (size_t i = 0; h->dirs && i < h->dirs->n; i++) {
		size_t dl = strlen(h->dirs->v[i]);
		if (!strncmp(h->dirs->v[i], full, dl) && (full[dl] == '/' || full[dl] == '\0'))
			return true;
	}
	return false;
}

/* ---- reading a repository's index ---- */

struct collect {
	const struct sandbox_git_hide *h;
	const char *wt;
	struct strv *out;   /* hidden paths */
	struct strv *links; /* gitlinks (submodules), or NULL */
	int err;
};

#define MODE_GITLINK 0160000u

static int collect_cb(void *ctx, const char *path, size_t len, unsigned mode, unsigned stage)
{
	(void)len;
	(void)stage;
	struct collect *c = ctx;
	struct strv *to = sandbox_git_path_hidden(c->h, c->wt, path) ? c->out
			  : mode == MODE_GITLINK ? c->links : NULL;
	if (!to || (to->n && !strcmp(to->v[to->n - 1], path)))
		return 0; /* not wanted, or the stages of a conflict */
	if (strv_push(to, path) != 0) {
		c->err = HUSH_ENOMEM;
		return 1;
	}
	return 0;
}

struct fmt_ctx {
	size_t hashlen;
};

static int objfmt_cb(void *ctx, const char *section, const char *sub, const char *key,
		     const char *value)
{
	struct fmt_ctx *f = ctx;
	if (!sub && value && !strcmp(section, "extensions") && !strcmp(key, "objectformat"))
		f->hashlen = !strcmp(value, "sha256") ? 32 : !strcmp(value, "sha1") ? 20 : 0;
	return 0;
}

/* 20 or 32 from extensions.objectFormat, 0 when unknown (try both). */
static size_t hash_len(const char *gitdir)
{
	char common[PATH_MAX], p[PATH_MAX + 8], *buf = NULL;
	size_t len;
	struct fmt_ctx f = { 20 };
	if (sandbox_git_common_dir(gitdir, common, sizeof(common)) != 0 ||
	    xsnprintf(p, sizeof(p), "%s/config", common) < 0 ||
	    file_read_all(p, SANDBOX_GIT_CONFIG_MAX, false, &buf, &len) != 0)
		return 0;
	if (sandbox_git_config_parse(buf, len, objfmt_cb, &f) < 0)
		f.hashlen = 0;
	free(buf);
	return f.hashlen;
}

/* The hidden paths in the index of (gitdir, wt) into out, and its gitlinks
 * into links (when not NULL), sorted as in the index. */
static int read_index(const char *git, const char *gitdir, const char *wt,
		      const struct sandbox_git_hide *h, struct strv *out, struct strv *links)
{
	char p[PATH_MAX];
	if (xsnprintf(p, sizeof(p), "%s/index", gitdir) < 0)
		return HUSH_ETOOBIG;
	char *buf = NULL;
	size_t len = 0;
	int r = file_read_all(p, SANDBOX_GIT_INDEX_MAX, false, &buf, &len);
	if (r == HUSH_ENOENT)
		return 0; /* no index yet: nothing tracked */
	if (r < 0)
		return r;
	struct collect c = { h, wt, out, links, 0 };
	struct sandbox_git_index_info info = { 0 };
	r = sandbox_git_index_parse((const unsigned char *)buf, len, hash_len(gitdir), collect_cb,
				    &c, &info);
	free(buf);
	if (c.err)
		return c.err;
	if (r == 0 && !info.split)
		return 0;
	/* a split index (entries in sharedindex.*) or a format this parser
	 * does not know: git lists it, "MODE OBJECT STAGE\tPATH" each */
	strv_free(out);
	if (links)
		strv_free(links);
	const char *args[] = { "ls-files", "-z", "--cached", "--stage", NULL };
	const struct sandbox_git_cmd cmd = { .git = git, .gitdir = gitdir, .worktree = wt };
	char *o = NULL;
	size_t ol = 0;
	r = sandbox_git_run(&cmd, args, NULL, 0, &o, &ol, SANDBOX_GIT_INDEX_MAX);
	if (r != 0) {
		free(o);
		return r < 0 ? r : HUSH_EFORMAT;
	}
	for (size_t off = 0; off < ol;) {
		size_t l = strnlen(o + off, ol - off);
		const char *tab = memchr(o + off, '\t', l);
		if (tab && tab[1] &&
		    collect_cb(&c, tab + 1, l - (size_t)(tab + 1 - (o + off)),
			       (unsigned)strtoul(o + off, NULL, 8), 0) != 0)
			break;
		off += l + 1;
	}
	free(o);
	return c.err;
}

/* HEAD as "ref value" or the detached id; for telling whether commits
 * were made. Loose refs, then packed-refs. Malloc'd, or NULL. */
static char *read_head(const char *gitdir)
{
	char p[PATH_MAX + 16], *buf = NULL, common[PATH_MAX];
	size_t len;
	if (xsnprintf(p, sizeof(p), "%s/HEAD", gitdir) < 0 ||
	    file_read_all(p, SANDBOX_GIT_FILE_MAX, false, &buf, &len) != 0)
		return NULL;
	char ref[PATH_MAX];
	int r = sandbox_git_parse_pointer(buf, len, "ref: ", ref, sizeof(ref));
	free(buf);
	if (r != 0) /* detached: the content itself */
		return xsnprintf(p, sizeof(p), "%s/HEAD", gitdir) == 0 &&
			       file_read_all(p, SANDBOX_GIT_FILE_MAX, false, &buf, &len) == 0
			       ? buf : NULL;
	if (strncmp(ref, "refs/", 5) != 0 || strstr(ref, "..") ||
	    sandbox_git_common_dir(gitdir, common, sizeof(common)) != 0)
		return NULL;
	char val[256] = "(unborn)";
	if (xsnprintf(p, sizeof(p), "%s/%s", common, ref) == 0 &&
	    file_read_all(p, SANDBOX_GIT_FILE_MAX, false, &buf, &len) == 0) {
		snprintf(val, sizeof(val), "%.*s", (int)strcspn(buf, "\n"), buf);
		free(buf);
	} else if (xsnprintf(p, sizeof(p), "%s/packed-refs", common) == 0 &&
		   file_read_all(p, SANDBOX_GIT_INDEX_MAX, false, &buf, &len) == 0) {
		size_t rl = strlen(ref);
		for (char *line = buf; line && *line;) {
			char *nl = strchr(line, '\n');
			size_t ll = nl ? (size_t)(nl - line) : strlen(line);
			char *sp = memchr(line, ' ', ll);
			if (sp && (size_t)(line + ll - sp - 1) == rl && !memcmp(sp + 1, ref, rl)) {
				snprintf(val, sizeof(val), "%.*s", (int)(sp - line), line);
				break;
			}
			line = nl ? nl + 1 : NULL;
		}
		free(buf);
	}
	size_t need = strlen(ref) + strlen(val) + 2;
	char *out = malloc(need);
	if (out)
		snprintf(out, need, "%s %s", ref, val);
	return out;
}

int sandbox_git_index_snapshot(struct sandbox_git_snap *s, const struct sandbox_git *g,
			       const struct sandbox_git_hide *h, const char *git)
{
	*s = (struct sandbox_git_snap){ .git = git ? git : SANDBOX_GIT_BIN };
	if (g->n) {
		s->r = calloc(g->n, sizeof(*s->r));
		if (!s->r)
			return HUSH_ENOMEM;
	}
	for (size_t i = 0; i < g->n; i++) {
		if (!g->d[i].worktree)
			continue;
		struct sandbox_git_snap_repo *r = &s->r[s->n];
		r->worktree = strdup(g->d[i].worktree);
		r->gitdir = strdup(g->d[i].gitdir);
		if (!r->worktree || !r->gitdir) {
			free(r->worktree);
			free(r->gitdir);
			return HUSH_ENOMEM;
		}
		s->n++;
		r->head = read_head(r->gitdir);
		char lock[PATH_MAX];
		struct stat st;
		if (xsnprintf(lock, sizeof(lock), "%s/index.lock", r->gitdir) == 0 &&
		    lstat(lock, &st) == 0) {
			r->lock = true;
			r->lock_dev = st.st_dev;
			r->lock_ino = st.st_ino;
		}
		int e = read_index(s->git, r->gitdir, r->worktree, h, &r->tracked, &r->links);
		if (e == HUSH_ENOMEM)
			return e;
		r->unreadable = e != 0;
	}
	return 0;
}

/* What a session can leave in the way of the sweep and of the human's next
 * git: an index.lock (git then refuses to write the index) made during the
 * session is renamed aside; one that was there at the start belongs to
 * another git and, when the sweep is to write the index (writing), stops
 * the sweep of this repository. An index the user owns but may not read or
 * write gets u+rw back. Each fix is a sentence in fixed. 0, or HUSH_EBUSY /
 * HUSH_EIO with err[n] set. */
static int clear_way(const struct sandbox_git_snap_repo *r, bool writing, struct strv *fixed,
		     char *err, size_t n)
{
	int dfd = open(r->gitdir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 && errno == ENOENT)
		return 0; /* the repository is gone: no index to clean */
	if (dfd < 0) {
		snprintf(err, n, "opening %s: %s", r->gitdir, strerror(errno));
		return HUSH_EIO;
	}
	char line[2 * PATH_MAX], aside[NAME_MAX + 1];
	struct stat st;
	int e = 0;
	if (fstatat(dfd, "index.lock", &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (r->lock && st.st_dev == r->lock_dev && st.st_ino == r->lock_ino) {
			if (writing) {
				snprintf(err, n, "%s/index.lock was there before the session (another "
					 "git running?): the index was not cleaned", r->gitdir);
				e = HUSH_EBUSY;
			}
		} else if ((e = sandbox_rename_aside(dfd, "index.lock", aside, sizeof(aside))) < 0) {
			snprintf(err, n, "moving aside %s/index.lock, made during the session: %s",
				 r->gitdir, strerror(errno));
		} else {
			snprintf(line, sizeof(line), "moved %s/index.lock, made during the session, to %s "
				 "so that git can write the index", r->gitdir, aside);
			e = strv_push(fixed, line);
		}
	}
	if (e == 0 && fstatat(dfd, "index", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & (S_IRUSR | S_IWUSR)) != (S_IRUSR | S_IWUSR)) {
		mode_t mode = (st.st_mode & 07777) | S_IRUSR | S_IWUSR;
		if (fchmodat(dfd, "index", mode, 0) != 0) {
			snprintf(err, n, "chmod u+rw %s/index: %s", r->gitdir, strerror(errno));
			e = HUSH_EIO;
		} else {
			snprintf(line, sizeof(line), "set the mode of %s/index from %04o back to %04o",
				 r->gitdir, (unsigned)(st.st_mode & 07777), (unsigned)mode);
			e = strv_push(fixed, line);
		}
	}
	close(dfd);
	return e;
}

/* Gitlinks added during the session into o->links (as "worktree/path"). */
static int new_links(const struct sandbox_git_snap_repo *r, const struct strv *now,
		     struct sandbox_git_swept *o)
{
	for (size_t i = 0; i < now->n; i++) {
		char full[PATH_MAX];
		if (!r->unreadable && strv_has(&r->links, now->v[i]))
			continue;
		if (xsnprintf(full, sizeof(full), "%s/%s", r->worktree, now->v[i]) == 0 &&
		    strv_push(&o->links, full) != 0)
			return HUSH_ENOMEM;
	}
	return 0;
}

static int sweep_one(const struct sandbox_git_snap *s, const struct sandbox_git_snap_repo *r,
		     const struct sandbox_git_hide *h, struct sandbox_git_swept *o, char *err,
		     size_t n)
{
	struct strv *fixed = &o->fixed;
	struct strv now = { 0 }, gone = { 0 }, links = { 0 };
	if (!r->worktree || !r->gitdir) {
		snprintf(err, n, "a repository of the snapshot has no work tree or git directory");
		return HUSH_EFORMAT; /* (a damaged journal) */
	}
	int e = clear_way(r, false, fixed, err, n);
	if (e < 0)
		return e;
	e = read_index(s->git, r->gitdir, r->worktree, h, &now, &links);
	if (e == 0)
		e = new_links(r, &links, o);
	strv_free(&links);
	if (e < 0) {
		snprintf(err, n, "reading the git index of %s: %s", r->worktree,
			 e == HUSH_EINVAL ? "it is not a regular file (look at it before you commit)"
					  : hush_strerror(e));
		strv_free(&now);
		return e;
	}
	size_t inlen = 0;
	for (size_t i = 0; i < now.n; i++) {
		if (!r->unreadable && strv_has(&r->tracked, now.v[i]))
			continue;
		if (strv_push(&gone, now.v[i]) != 0) {
			e = HUSH_ENOMEM;
			break;
		}
		inlen += strlen(now.v[i]) + 1;
	}
	strv_free(&now);
	if (e == 0 && gone.n)
		e = clear_way(r, true, fixed, err, n);
	if (e == 0 && gone.n) {
		char *in = malloc(inlen);
		if (!in) {
			e = HUSH_ENOMEM;
		} else {
			size_t off = 0;
			for (size_t i = 0; i < gone.n; i++) {
				size_t l = strlen(gone.v[i]) + 1;
				memcpy(in + off, gone.v[i], l);
				off += l;
			}
			const char *args[] = { "rm", "--cached", "-f", "-q", "--ignore-unmatch",
					       "--sparse", "--pathspec-from-file=-",
					       "--pathspec-file-nul", NULL };
			const struct sandbox_git_cmd cmd = { .git = s->git, .gitdir = r->gitdir,
							     .worktree = r->worktree };
			int g = sandbox_git_run(&cmd, args, in, inlen, NULL, NULL,
						SANDBOX_GIT_FILE_MAX);
			free(in);
			if (g != 0) {
				snprintf(err, n, "git rm --cached in %s: %s", r->worktree,
					 g < 0 ? hush_strerror(g) : "git failed");
				e = g < 0 ? g : HUSH_EIO;
			}
		}
	}
	/* what is still there after git ran is a failure, whatever git said */
	struct strv after = { 0 };
	if (e == 0 && gone.n &&
	    read_index(s->git, r->gitdir, r->worktree, h, &after, NULL) == 0) {
		for (size_t i = 0; i < gone.n && e == 0; i++)
			if (strv_has(&after, gone.v[i])) {
				snprintf(err, n, "a hidden path is still in the git index of %s",
					 r->worktree);
				e = HUSH_EIO;
			}
	}
	strv_free(&after);
	for (size_t i = 0; e == 0 && i < gone.n; i++) {
		char full[PATH_MAX];
		if (xsnprintf(full, sizeof(full), "%s/%s", r->worktree, gone.v[i]) == 0 &&
		    strv_push(&o->removed, full) != 0)
			e = HUSH_ENOMEM;
	}
	if (e == 0 && gone.n) {
		char *head = read_head(r->gitdir);
		bool moved = !head || !r->head || strcmp(head, r->head) != 0;
		free(head);
		if (moved && strv_push(&o->commits, r->worktree) != 0)
			e = HUSH_ENOMEM;
	}
	strv_free(&gone);
	return e;
}

int sandbox_git_index_sweep(const struct sandbox_git_snap *s, const struct sandbox_git_hide *h,
			    struct sandbox_git_swept *o, char *err, size_t n)
{
	int first = 0;
	if (n)
		err[0] = '\0';
	for (size_t i = 0; i < s->n; i++) {
		char e1[512];
		int e = sweep_one(s, &s->r[i], h, o, e1, sizeof(e1));
		if (e < 0 && first == 0) {
			first = e;
			snprintf(err, n, "%s", e1);
		}
	}
	return first;
}

void sandbox_git_swept_free(struct sandbox_git_swept *o)
{
	STRV_FREE(&o->removed, &o->commits, &o->fixed, &o->links);
}

void sandbox_git_snap_free(struct sandbox_git_snap *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->r[i].worktree);
		free(s->r[i].gitdir);
		free(s->r[i].head);
		strv_free(&s->r[i].tracked);
		strv_free(&s->r[i].links);
	}
	for (size_t i = 0; i < ARRAY_LEN(s->hidden); i++)
		strv_free(&s->hidden[i]);
	free(s->r);
	*s = (struct sandbox_git_snap){ 0 };
}

/* ---- into a journal and back ---- */

static const char *const hide_tags[] = { "h.glob", "h.file", "h.dir" };

void sandbox_git_snap_save(const struct sandbox_git_snap *s, const struct sandbox_git_hide *h,
			   struct sandbox_journal *j)
{
	const struct strv *lists[] = { h->globs, h->files, h->dirs };
	for (size_t i = 0; i < ARRAY_LEN(lists); i++)
		sandbox_journal_put_strv(j, hide_tags[i], lists[i]);
	for (size_t i = 0; i < s->n; i++) {
		const struct sandbox_git_snap_repo *r = &s->r[i];
		sandbox_journal_put(j, "s.repo", "%s", r->worktree);
		sandbox_journal_put(j, "s.gitdir", "%s", r->gitdir);
		if (r->head)
			sandbox_journal_put(j, "s.head", "%s", r->head);
		sandbox_journal_put_strv(j, "s.tracked", &r->tracked);
		sandbox_journal_put_strv(j, "s.link", &r->links);
		sandbox_journal_put(j, "s.state", "%d %d %llu %llu", r->unreadable, r->lock,
				    (unsigned long long)r->lock_dev, (unsigned long long)r->lock_ino);
	}
}

static int set_once(char **slot, const char *val)
{
	if (*slot)
		return HUSH_EFORMAT;
	return (*slot = strdup(val)) ? 1 : HUSH_ENOMEM;
}

int sandbox_git_snap_load(struct sandbox_git_snap *s, const char *tag, const char *val)
{
	if (!s->git)
		s->git = SANDBOX_GIT_BIN;
	for (size_t i = 0; i < ARRAY_LEN(hide_tags); i++)
		if (!strcmp(tag, hide_tags[i]))
			return strv_push(&s->hidden[i], val) == 0 ? 1 : HUSH_ENOMEM;
	if (!strcmp(tag, "s.repo")) {
		struct sandbox_git_snap_repo *r = array_add_one(&s->r, s->n, sizeof(*s->r));
		if (!r)
			return HUSH_ENOMEM;
		s->n++;
		return set_once(&r->worktree, val);
	}
	if (strncmp(tag, "s.", 2) != 0)
		return 0;
	if (s->n == 0)
		return HUSH_EFORMAT; /* a repository's record before the repository */
	struct sandbox_git_snap_repo *r = &s->r[s->n - 1];
	if (!strcmp(tag, "s.gitdir"))
		return set_once(&r->gitdir, val);
	if (!strcmp(tag, "s.head"))
		return set_once(&r->head, val);
	if (!strcmp(tag, "s.tracked"))
		return strv_push(&r->tracked, val) == 0 ? 1 : HUSH_ENOMEM;
	if (!strcmp(tag, "s.link"))
		return strv_push(&r->links, val) == 0 ? 1 : HUSH_ENOMEM;
	if (!strcmp(tag, "s.state")) {
		int unreadable, lock;
		unsigned long long dev, ino;
		if (sscanf(val, "%d %d %llu %llu", &unreadable, &lock, &dev, &ino) != 4)
			return HUSH_EFORMAT;
		r->unreadable = unreadable != 0;
		r->lock = lock != 0;
		r->lock_dev = (dev_t)dev;
		r->lock_ino = (ino_t)ino;
		return 1;
	}
	return 0;
}

struct sandbox_git_hide sandbox_git_snap_hide(const struct sandbox_git_snap *s)
{
	return (struct sandbox_git_hide){ &s->hidden[0], &s->hidden[1], &s->hidden[2] };
}
