/* SPDX-License-Identifier: ISC */
/* Hidden files un-ignored during the session. Inside, git never sees the
 * real .env (the mask is an empty file), so an agent can take away what
 * keeps git from adding it -- delete the ".env" line or the whole
 * .gitignore, add "!.env", edit info/exclude -- and nothing looks wrong;
 * the human's next `git add -A` outside stages the real file, and the next
 * session reads it from .git/objects. So git itself is asked, at the start
 * and at the end, which hidden files it ignores (the rules are git's:
 * every .gitignore, info/exclude, core.excludesFile, negations, ignored
 * parent directories); each that it no longer ignores is made ignored
 * again by the rule that wins over all others, "/NAME" at the end of the
 * .gitignore in the file's own directory, and git is asked once more. */
#include "sandbox/gitignore.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "common/util.h"
#include "sandbox/gitrun.h"
#include "sandbox/policy.h"
#include "sandbox/protect.h"

#define IGNORE_OUT_MAX (16u << 20)
/* seconds: check-ignore on a few paths takes milliseconds, but a FIFO
 * where git reads an exclude file would hold it until killed */
#define ASK_TIMEOUT 10

/* The paths (relative to r's work tree) of asked that git ignores, into
 * ignored. 0 or HUSH_E*. */
static int ask_git(const struct sandbox_ignore *s, const struct sandbox_ignore_repo *r,
		   const struct strv *asked, struct strv *ignored)
{
	/* "./PATH" each: git echoes what it was given */
	size_t inlen = 0;
	for (size_t i = 0; i < asked->n; i++)
		inlen += strlen(asked->v[i]) + 3;
	char *in = malloc(inlen + 1), *out = NULL;
	if (!in)
		return HUSH_ENOMEM;
	for (size_t i = 0, off = 0; i < asked->n; i++) {
		size_t l = strlen(asked->v[i]) + 1;
		memcpy(in + off, "./", 2);
		memcpy(in + off + 2, asked->v[i], l);
		off += l + 2;
	}
	static const char *const args[] = { "check-ignore", "--no-index", "-z", "--stdin", NULL };
	const struct sandbox_git_cmd c = { .git = s->git, .gitdir = r->gitdir,
					   .worktree = r->worktree, .home = s->home,
					   .magic_off_by_dot = true, .timeout = ASK_TIMEOUT };
	size_t outlen = 0;
	int e = sandbox_git_run(&c, args, in, inlen, &out, &outlen, IGNORE_OUT_MAX);
	free(in);
	/* exit 1: none of them is ignored */
	if (e != 0 && e != 1) {
		free(out);
		return e < 0 ? e : HUSH_EIO;
	}
	int r2 = 0;
	for (size_t off = 0; r2 == 0 && out && off < outlen;) {
		size_t l = strnlen(out + off, outlen - off);
		const char *p = out + off + (strncmp(out + off, "./", 2) ? 0 : 2);
		if (l && strv_has(asked, p) && !strv_has(ignored, p))
			r2 = strv_push(ignored, p);
		off += l + 1;
	}
	free(out);
	return r2;
}

/* The deepest work tree of g that holds file is wt. */
static bool deepest(const struct sandbox_git *g, const char *wt, const char *file)
{
	for (size_t i = 0; i < g->n; i++) {
		const char *o = g->d[i].worktree;
		if (o && strlen(o) > strlen(wt) && sandbox_path_under(o, wt) &&
		    sandbox_path_under(file, o) && strcmp(file, o))
			return false;
	}
	return true;
}

static const char *rel_to(const char *path, const char *wt)
{
	return path + strlen(wt) + (strcmp(wt, "/") ? 1 : 0);
}

static struct sandbox_ignore_repo *add_repo(struct sandbox_ignore *s, const char *wt,
					    const char *gitdir)
{
	struct sandbox_ignore_repo *r = array_add_one(&s->r, s->n, sizeof(*s->r));
	if (!r)
		return NULL;
	s->n++;
	r->worktree = strdup(wt);
	r->gitdir = gitdir ? strdup(gitdir) : NULL;
	return r->worktree && (!gitdir || r->gitdir) ? r : NULL;
}

int sandbox_ignore_begin(struct sandbox_ignore *s, const struct sandbox_git *g,
			 const struct sandbox_masks *m, const char *home, char *err, size_t n)
{
	*s = (struct sandbox_ignore){ 0 };
	if (n)
		err[0] = '\0';
	if (home && !(s->home = strdup(home)))
		return HUSH_ENOMEM;
	int first = 0;
	for (size_t i = 0; i < g->n; i++) {
		const char *wt = g->d[i].worktree;
		if (!wt)
			continue;
		struct strv files = { 0 };
		int e = 0;
		for (size_t k = 0; e == 0 && k < m->files.n; k++) {
			const char *f = m->files.v[k];
			if (sandbox_path_under(f, wt) && strcmp(f, wt) && deepest(g, wt, f))
				e = strv_push(&files, rel_to(f, wt));
		}
		struct sandbox_ignore_repo *r = NULL;
		if (e == 0 && files.n && !(r = add_repo(s, wt, g->d[i].gitdir)))
			e = HUSH_ENOMEM;
		if (e == 0 && r)
			e = ask_git(s, r, &files, &r->ignored);
		strv_free(&files);
		if (e == HUSH_ENOMEM)
			return e;
		if (e < 0 && first == 0) {
			first = e;
			snprintf(err, n, "asking git which hidden files it ignores in %s: %s", wt,
				 hush_strerror(e));
		}
	}
	return first;
}

/* name as a gitignore pattern: glob characters and a trailing space
 * escaped with "\". False for a name no pattern can hold (a newline). */
static bool escape(const char *name, char *out, size_t n)
{
	size_t o = 0, l = strlen(name);
	for (size_t i = 0; i < l; i++) {
		char c = name[i];
		if (c == '\n' || c == '\r' || o + 3 >= n)
			return false;
		if (strchr("*?[]\\!#", c) || (c == ' ' && i + 1 == l))
			out[o++] = '\\';
		out[o++] = c;
	}
	out[o] = '\0';
	return o > 0;
}

/* Appends text to the regular file path (created 0644 when missing), never
 * through a symlink, a FIFO or a hard link to another name. */
static bool append_to(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		      0644);
	struct stat st;
	bool ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
		  write_all(fd, text, strlen(text)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* rel as an anchored gitignore pattern, each component escaped. */
static bool pattern_of(const char *rel, char *pat, size_t n)
{
	size_t o = 0;
	for (const char *c = rel; *c; c++) {
		char one[2] = { *c, '\0' }, esc[4];
		if (*c != '/' && !escape(one, esc, sizeof(esc)))
			return false;
		const char *add = *c == '/' ? "/" : esc;
		if (o + strlen(add) + 1 >= n)
			return false;
		memcpy(pat + o, add, strlen(add) + 1);
		o += strlen(add);
	}
	return o > 0;
}

/* "/NAME" at the end of the .gitignore next to wt/rel; where that one
 * cannot be written (a directory the agent made read-only, a hard link),
 * "/DIR/NAME" at the end of the next .gitignore up, up to the work tree's
 * own. The .gitignore's path into where[n]. */
static bool ignore_in_gitignore(const char *wt, const char *rel, char *where, size_t n)
{
	char full[PATH_MAX], dir[PATH_MAX], pat[PATH_MAX], text[PATH_MAX + 96];
	size_t top = strlen(wt);
	if (xsnprintf(full, sizeof(full), "%s/%s", wt, rel) < 0)
		return false;
	memcpy(dir, full, sizeof(dir));
	for (char *sl = strrchr(dir, '/'); sl && (size_t)(sl - dir) >= top; sl = strrchr(dir, '/')) {
		*sl = '\0'; /* dir: the directory; full after it: the path below */
		if (!pattern_of(full + (sl - dir) + 1, pat, sizeof(pat)) ||
		    xsnprintf(where, n, "%s/.gitignore", dir) < 0 ||
		    xsnprintf(text, sizeof(text), "\n# hush sandbox: %s stays ignored (it is hidden "
			      "in sessions)\n/%s\n", pat, pat) < 0)
			return false;
		if (append_to(where, text))
			return true;
	}
	return false;
}

/* "/REL" in the common git directory's info/exclude; its path into
 * where[n]. */
static bool ignore_in_exclude(const struct sandbox_ignore_repo *r, const char *rel, char *where,
			      size_t n)
{
	char common[PATH_MAX], info[PATH_MAX], pat[PATH_MAX], text[PATH_MAX + 96];
	if (!pattern_of(rel, pat, sizeof(pat)) || !r->gitdir ||
	    sandbox_git_common_dir(r->gitdir, common, sizeof(common)) != 0 ||
	    xsnprintf(info, sizeof(info), "%s/info", common) < 0 ||
	    xsnprintf(where, n, "%s/exclude", info) < 0 ||
	    xsnprintf(text, sizeof(text), "\n# hush sandbox: hidden in sessions\n/%s\n", pat) < 0)
		return false;
	if (mkdir(info, 0755) != 0 && errno != EEXIST)
		return false;
	return append_to(where, text);
}

static int note(struct strv *fixed, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int note(struct strv *fixed, const char *fmt, ...)
{
	char line[3 * PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return strv_push(fixed, line);
}

/* dir/name, when it is neither a regular file, a directory nor a symlink
 * (a FIFO there makes every git that reads it hang), is renamed aside. */
static int clear_one(const char *dir, const char *name, struct strv *fixed)
{
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char aside[NAME_MAX + 32];
	int e = 0;
	if (dfd >= 0 && fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) {
		if (sandbox_rename_aside(dfd, name, aside, sizeof(aside)) == 0)
			e = note(fixed, "moved %s/%s, which was not a regular file (git hangs on a "
				 "FIFO there), aside to %s", dir, name, aside);
		else
			e = note(fixed, "%s/%s is not a regular file (git hangs on a FIFO there) and "
				 "could not be moved aside", dir, name);
	}
	if (dfd >= 0)
		close(dfd);
	return e;
}

/* The .gitignore files on the way from the work tree to each file git
 * ignored at start, and info/exclude. */
static int clear_way(const struct sandbox_ignore_repo *r, struct strv *fixed)
{
	struct strv seen = { 0 };
	char common[PATH_MAX], dir[PATH_MAX];
	int e = 0;
	if (r->gitdir && sandbox_git_common_dir(r->gitdir, common, sizeof(common)) == 0 &&
	    xsnprintf(dir, sizeof(dir), "%s/info", common) == 0)
		e = clear_one(dir, "exclude", fixed);
	for (size_t i = 0; e == 0 && i < r->ignored.n; i++) {
		if (xsnprintf(dir, sizeof(dir), "%s/%s", r->worktree, r->ignored.v[i]) < 0)
			continue;
		size_t top = strlen(r->worktree);
		for (char *sl = strrchr(dir, '/'); e == 0 && sl && (size_t)(sl - dir) >= top;
		     sl = strrchr(dir, '/')) {
			*sl = '\0';
			if (!strv_has(&seen, dir) && (e = strv_push(&seen, dir)) == 0)
				e = clear_one(dir[0] ? dir : "/", ".gitignore", fixed);
		}
	}
	strv_free(&seen);
	return e;
}

/* One repository: what git no longer ignores is ignored again. */
static int end_repo(const struct sandbox_ignore *s, const struct sandbox_ignore_repo *r,
		    struct strv *fixed)
{
	struct strv still = { 0 }, lost = { 0 }, after = { 0 };
	if (clear_way(r, fixed) == HUSH_ENOMEM)
		return HUSH_ENOMEM;
	int asked = ask_git(s, r, &r->ignored, &still);
	if (asked == HUSH_ENOMEM)
		return asked;
	int e = 0;
	for (size_t i = 0; e == 0 && i < r->ignored.n; i++)
		if (asked < 0 || !strv_has(&still, r->ignored.v[i]))
			e = strv_push(&lost, r->ignored.v[i]);
	strv_free(&still);
	/* where each one's line went: "" for none yet */
	char (*where)[PATH_MAX] = lost.n ? calloc(lost.n, PATH_MAX) : NULL;
	if (e == 0 && lost.n && !where)
		e = HUSH_ENOMEM;
	for (size_t i = 0; e == 0 && i < lost.n; i++)
		if (!ignore_in_gitignore(r->worktree, lost.v[i], where[i], PATH_MAX))
			where[i][0] = '\0';
	int checked = e == 0 && lost.n ? ask_git(s, r, &lost, &after) : 0;
	/* what the .gitignore line did not settle: info/exclude */
	bool again = false;
	for (size_t i = 0; e == 0 && checked == 0 && i < lost.n; i++)
		if (!strv_has(&after, lost.v[i])) {
			again = true;
			if (!ignore_in_exclude(r, lost.v[i], where[i], PATH_MAX))
				where[i][0] = '\0';
		}
	if (again) {
		strv_free(&after);
		checked = ask_git(s, r, &lost, &after);
	}
	if (checked == HUSH_ENOMEM)
		e = checked;
	for (size_t i = 0; e == 0 && i < lost.n; i++) {
		char full[PATH_MAX];
		snprintf(full, sizeof(full), "%s/%s", r->worktree, lost.v[i]);
		if (checked < 0 && where[i][0])
			e = note(fixed, "%s: git could not be asked whether it still ignores it (%s): "
				 "a line to ignore it was added to %s; check it before git add -A",
				 full, hush_strerror(checked), where[i]);
		else if (checked == 0 && strv_has(&after, lost.v[i]) && !where[i][0])
			continue; /* (git could not answer at first: it was never lost) */
		else if (checked == 0 && strv_has(&after, lost.v[i]))
			e = note(fixed, "git ignored %s at the start of the session and no longer "
				 "did (a .gitignore or exclude rule removed or negated): ignored "
				 "again by a line at the end of %s", full, where[i]);
		else
			e = note(fixed, "git ignored %s at the start of the session and no longer "
				 "does: it could not be made ignored again; do not git add -A "
				 "before fixing that", full);
	}
	free(where);
	strv_free(&lost);
	strv_free(&after);
	return e;
}

int sandbox_ignore_end(const struct sandbox_ignore *s, struct strv *fixed)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].ignored.n && end_repo(s, &s->r[i], fixed) == HUSH_ENOMEM)
			return HUSH_ENOMEM;
	return 0;
}

void sandbox_ignore_free(struct sandbox_ignore *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->r[i].worktree);
		free(s->r[i].gitdir);
		strv_free(&s->r[i].ignored);
	}
	free(s->r);
	free(s->home);
	*s = (struct sandbox_ignore){ 0 };
}

void sandbox_ignore_save(const struct sandbox_ignore *s, struct sandbox_journal *j)
{
	if (s->home)
		sandbox_journal_put(j, "i.home", "%s", s->home);
	for (size_t i = 0; i < s->n; i++) {
		sandbox_journal_put(j, "i.repo", "%s", s->r[i].worktree);
		if (s->r[i].gitdir)
			sandbox_journal_put(j, "i.gitdir", "%s", s->r[i].gitdir);
		sandbox_journal_put_strv(j, "i.path", &s->r[i].ignored);
	}
}

int sandbox_ignore_load(struct sandbox_ignore *s, const char *tag, const char *val)
{
	if (strncmp(tag, "i.", 2) != 0)
		return 0;
	if (val[0] != '/' && strcmp(tag, "i.path") != 0)
		return HUSH_EFORMAT;
	if (!strcmp(tag, "i.home")) {
		if (s->home)
			return HUSH_EFORMAT;
		return (s->home = strdup(val)) ? 1 : HUSH_ENOMEM;
	}
	if (!strcmp(tag, "i.repo"))
		return add_repo(s, val, NULL) ? 1 : HUSH_ENOMEM;
	if (s->n == 0)
		return HUSH_EFORMAT; /* a repository's record before the repository */
	struct sandbox_ignore_repo *r = &s->r[s->n - 1];
	if (!strcmp(tag, "i.gitdir")) {
		if (r->gitdir)
			return HUSH_EFORMAT;
		return (r->gitdir = strdup(val)) ? 1 : HUSH_ENOMEM;
	}
	if (!strcmp(tag, "i.path"))
		return strv_push(&r->ignored, val) == 0 ? 1 : HUSH_ENOMEM;
	return 0;
}
