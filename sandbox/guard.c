/* SPDX-License-Identifier: ISC */
/* The project guard: what a session records before the agent starts and
 * sets right after it ends (see guard.h), and the journal that lets the
 * next session do it when this one was killed. */
#include "sandbox/guard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/claudecfg.h"
#include "sandbox/journal.h"
#include "sandbox/policy.h"
#include "sandbox/rcsource.h"

static int push_all(struct strv *to, const struct strv *from)
{
	for (size_t i = 0; i < from->n; i++)
		if (strv_push_unique(to, from->v[i]) < 0)
			return HUSH_ENOMEM;
	return 0;
}

/* The files Claude Code's settings (the human's and the project's) name as
 * programs are never writable, like the settings themselves: those in the
 * project join rel (the protect sweep watches the missing ones), the
 * others g->ro (the plan watches the missing ones in writable trees). */
static int claude_named(struct sandbox_guard *g, const char *cwd, const char *home,
			struct strv *rel)
{
	static const char *const files[] = { ".claude/settings.json", ".claude/settings.local.json" };
	const char *const bases[] = { home, cwd };
	struct strv named = { 0 };
	int r = 0;
	for (size_t b = 0; r == 0 && b < ARRAY_LEN(bases); b++)
		for (size_t f = 0; r == 0 && bases[b] && f < ARRAY_LEN(files); f++) {
			char p[PATH_MAX], *text = NULL;
			size_t len = 0;
			if (xsnprintf(p, sizeof(p), "%s/%s", bases[b], files[f]) < 0 ||
			    file_read_all(p, SANDBOX_CLAUDE_SETTINGS_MAX, true, &text, &len) != 0)
				continue;
			/* (settings that are not JSON name nothing: Claude Code
			 * refuses them too) */
			r = sandbox_claude_named(text, len, home ? home : "/nonexistent", cwd, &named) ==
				    HUSH_ENOMEM ? HUSH_ENOMEM : 0;
			free(text);
		}
	for (size_t i = 0; r == 0 && i < named.n; i++) {
		const char *p = named.v[i];
		if (!sandbox_path_under(p, cwd))
			r = strv_push_unique(&g->ro, p);
		else if (strcmp(p, cwd) != 0)
			r = strv_push_unique(rel, p + strlen(cwd) + (strcmp(cwd, "/") ? 1 : 0));
	}
	strv_free(&named);
	return r < 0 ? HUSH_ENOMEM : 0;
}

/* What the project's .envrc files (the top one, those the walk found
 * below) load or put on PATH joins rel: direnv runs it in the human's
 * shell at the next cd or prompt, the .envrc itself being read-only. */
static int envrc_named(const char *top, const char *home, struct strv *rel)
{
	struct strv named = { 0 };
	size_t n = rel->n, tl = strlen(top);
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *e = rel->v[i];
		size_t l = strlen(e);
		char p[PATH_MAX];
		if (l >= 6 && !strcmp(e + l - 6, ".envrc") && (l == 6 || e[l - 7] == '/') &&
		    xsnprintf(p, sizeof(p), "%s/%s", top, e) == 0)
			r = sandbox_envrc_named(p, home ? home : "/nonexistent", &named);
	}
	for (size_t i = 0; r == 0 && i < named.n; i++)
		if (sandbox_path_under(named.v[i], top) && named.v[i][tl] == '/')
			r = strv_push_unique(rel, named.v[i] + tl + 1);
	strv_free(&named);
	return r < 0 ? HUSH_ENOMEM : 0;
}

int sandbox_guard_begin(struct sandbox_guard *g, const char *cwd, const char *home,
			const struct strv *never_rel, const struct strv *globs,
			const struct sandbox_masks *m, const struct sandbox_notes *n)
{
	memset(g, 0, sizeof(*g));
	snprintf(g->cwd, sizeof(g->cwd), "%s", cwd);
	/* the walk for git directories also finds the never_write names in
	 * the directories below the project's (a sub/.envrc, a
	 * packages/x/.npmrc, a sub/.claude/settings.json) */
	struct strv rel = { 0 };
	char top[PATH_MAX] = "";
	struct sandbox_protect_find find = { .names = never_rel, .top = top, .out = &rel };
	if (never_rel && never_rel->n && realpath(cwd, top)) {
		g->git.visit = sandbox_protect_visit;
		g->git.visit_ctx = &find;
	}
	int r = sandbox_git_protect(&g->git, cwd, home);
	g->git.visit = NULL;
	if (r == HUSH_ENOMEM) {
		strv_free(&rel);
		return r;
	}
	if (r < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: looking for git directories under %s: %s",
			     cwd, hush_strerror(r));
	if (g->git.truncated)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: the search for git directories stopped "
			     "at a bound: some are not protected");
	for (size_t i = 0; i < g->git.create_dirs.n; i++)
		if (mkdir(g->git.create_dirs.v[i], 0755) != 0 && errno != EEXIST)
			sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: cannot create %s: it stays writable",
				     g->git.create_dirs.v[i]);
	if (push_all(&g->ro, &g->git.ro) < 0 || (never_rel && push_all(&rel, never_rel) < 0) ||
	    claude_named(g, cwd, home, &rel) < 0 ||
	    (top[0] && envrc_named(top, home, &rel) < 0)) {
		strv_free(&rel);
		return HUSH_ENOMEM;
	}
	r = sandbox_protect_begin(&g->prot, cwd, &rel, &g->git);
	if (r == 0)
		r = sandbox_protect_names(&g->prot, never_rel);
	strv_free(&rel);
	if (r == HUSH_ENOMEM)
		return r;
	if (r < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: checking the never-writable list under %s: "
			     "%s", cwd, hush_strerror(r));
	else
		g->have_prot = true;
	if (push_all(&g->ro, &g->prot.exist) < 0)
		return HUSH_ENOMEM;
	g->hide = (struct sandbox_git_hide){ .globs = globs, .files = &m->files, .dirs = &m->dirs };
	r = sandbox_git_index_snapshot(&g->snap, &g->git, &g->hide, NULL);
	if (r == HUSH_ENOMEM)
		return r;
	if (r < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: reading the git index: %s: hidden files "
			     "added to it during the session will not be removed", hush_strerror(r));
	else
		g->have_snap = true;
	char err[PATH_MAX + 128];
	r = sandbox_ignore_begin(&g->ign, &g->git, m, home, err, sizeof(err));
	if (r == HUSH_ENOMEM)
		return r;
	if (r < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: %s: a hidden file un-ignored during the "
			     "session will not be noticed there", err);
	return 0;
}

/* What sandbox_guard_end needs, into a journal under hush's data directory
 * (masked inside), for the next session to find should this process be
 * killed before its end. */
static void guard_save(struct sandbox_guard *g, const char *data, const struct sandbox_notes *n)
{
	static const struct sandbox_protect none;
	struct sandbox_journal j = { 0 };
	char dir[PATH_MAX];
	sandbox_journal_put(&j, "g.cwd", "%s", g->cwd);
	sandbox_journal_put_strv(&j, "g.absent", &g->absent);
	sandbox_protect_save(g->have_prot ? &g->prot : &none, &g->modes, &j);
	if (g->have_snap)
		sandbox_git_snap_save(&g->snap, &g->hide, &j);
	sandbox_ignore_save(&g->ign, &j);
	if (xsnprintf(dir, sizeof(dir), "%s/sessions", data) < 0 ||
	    sandbox_journal_write(&j, dir, g->journal, sizeof(g->journal)) < 0) {
		g->journal[0] = '\0';
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: cannot write the session's journal in "
			     "%s/sessions: should hush be killed, the end-of-session sweep would "
			     "not run", data);
	}
	sandbox_journal_free(&j);
}

int sandbox_guard_plan(struct sandbox_guard *g, const struct sandbox_plan *plan, const char *data,
		       bool journal, const struct sandbox_notes *n, struct sandbox_failure *f)
{
	if (sandbox_modes_record(&g->modes, plan) < 0 || push_all(&g->absent, &plan->absent) < 0)
		return sandbox_fail(f, SANDBOX_FAIL_SETUP, "sandbox: out of memory");
	const char *shut = g->git.shut ? g->git.shut : g->modes.shut;
	if (shut)
		return sandbox_fail(f, SANDBOX_FAIL_MODE_SHUT, "sandbox: cannot search %s for paths "
				    "to keep read-only (permission denied)", shut);
	if (journal)
		guard_save(g, data, n);
	return 0;
}

/* A journal read back into a zeroed guard. 0 or HUSH_E*. */
static int guard_load(struct sandbox_guard *g, const char *buf, size_t len)
{
	size_t off = 0;
	const char *tag, *val;
	int r;
	while ((r = sandbox_journal_next(buf, len, &off, &tag, &val)) == 1) {
		int t = 0;
		if (!strcmp(tag, "g.cwd"))
			t = xsnprintf(g->cwd, sizeof(g->cwd), "%s", val) == 0 ? 1 : HUSH_ETOOBIG;
		else if (!strcmp(tag, "g.absent"))
			t = strv_push(&g->absent, val) == 0 ? 1 : HUSH_ENOMEM;
		else if ((t = sandbox_protect_load(&g->prot, &g->modes, tag, val)) == 0 &&
			 (t = sandbox_git_snap_load(&g->snap, tag, val)) == 0)
			t = sandbox_ignore_load(&g->ign, tag, val);
		if (t <= 0)
			return t < 0 ? t : HUSH_EFORMAT;
	}
	g->have_prot = g->prot.project != NULL;
	g->have_snap = true;
	g->hide = sandbox_git_snap_hide(&g->snap);
	return r < 0 ? r : g->cwd[0] == '/' ? 0 : HUSH_EFORMAT;
}

/* This session's quarantine directory: <data>/quarantine/STAMP-PID SUFFIX. */
static int quarantine_dir(const char *data, const char *suffix, char *out, size_t n)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	return xsnprintf(out, n, "%s/quarantine/%s-%d%s", data, stamp, (int)getpid(), suffix);
}

/* Never-writable names outside the project (a new ~/.claude/settings.json
 * in the agent's state directory) that did not exist at start and do now
 * were made by the agent: moved into the quarantine under hush's data
 * directory (which no sandbox sees), one note each. Only when no directory
 * above is a symlink (a rename must not act outside where it was meant
 * to); otherwise reported for the human. */
static void report_absent(const struct sandbox_guard *g, const char *data,
			  const struct sandbox_notes *n)
{
	char q[PATH_MAX] = "";
	for (size_t i = 0; i < g->absent.n; i++) {
		const char *p = g->absent.v[i];
		struct stat st;
		if (sandbox_path_under(p, g->cwd) || lstat(p, &st) != 0)
			continue; /* the project's part is the protect sweep's */
		if (!q[0] && quarantine_dir(data, "-home", q, sizeof(q)) < 0)
			q[0] = '\0';
		struct strv moved = { 0 }, skipped = { 0 };
		if (q[0])
			sandbox_quarantine_path(p, q, &moved, &skipped);
		if (moved.n)
			sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: moved %s: it was created during the "
				     "session and is on the never-writable list; look at it before "
				     "anything runs it", moved.v[0]);
		else
			sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: %s was created during the session: "
				     "it is on the never-writable list; look at it before anything "
				     "runs it%s%s", p, skipped.n ? "; not moved: " : "",
				     skipped.n ? skipped.v[0] : "");
		strv_free(&moved);
		strv_free(&skipped);
	}
}

/* Modes first (a chmod 0555 on .git would make the rest fail), then what
 * the agent created on the never-writable list (a new .git/commondir must
 * be gone before git runs for the index). */
static void sweep_protected(struct sandbox_guard *g, const char *data,
			    const struct sandbox_notes *n)
{
	struct strv fixed = { 0 }, moved = { 0 }, skipped = { 0 };
	if (sandbox_modes_repair(&g->modes, &fixed) < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: setting back the modes the session "
			     "changed did not finish");
	for (size_t i = 0; i < fixed.n; i++)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: set the mode of %s: the session had "
			     "changed it", fixed.v[i]);
	char q[PATH_MAX];
	if (g->have_prot && quarantine_dir(data, "", q, sizeof(q)) == 0 &&
	    sandbox_protect_sweep(&g->prot, NULL, q, &moved, &skipped) < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: moving aside what the agent created on "
			     "the never-writable list did not finish");
	for (size_t i = 0; i < moved.n; i++)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: moved %s: it was created or changed "
			     "during the session and is on the never-writable list; look at it "
			     "before anything runs it", moved.v[i]);
	for (size_t i = 0; i < skipped.n; i++)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: not moved: %s: it changed during the "
			     "session and is on the never-writable list, but what is behind a "
			     "symbolic link may be anyone's file; look at it before anything runs "
			     "it", skipped.v[i]);
	strv_free(&fixed);
	strv_free(&moved);
	strv_free(&skipped);
}

/* The repositories behind the gitlinks added during the session. */
static void sweep_gitlinks(struct sandbox_guard *g, const struct strv *links, const char *data,
			   const struct sandbox_notes *n)
{
	struct strv moved = { 0 }, skipped = { 0 };
	char q[PATH_MAX];
	if (!g->have_prot || !links->n || quarantine_dir(data, "", q, sizeof(q)) < 0)
		return;
	for (size_t i = 0; i < links->n; i++)
		if (sandbox_protect_gitlink(&g->prot, links->v[i], q, &moved, &skipped) < 0)
			sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: looking into the repository of "
				     "the submodule %s did not finish", links->v[i]);
	for (size_t i = 0; i < moved.n; i++)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: moved %s: it would run code in the "
			     "repository of a submodule added during the session", moved.v[i]);
	for (size_t i = 0; i < skipped.n; i++)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: not moved: %s: it would run code in "
			     "the repository of a submodule added during the session", skipped.v[i]);
	strv_free(&moved);
	strv_free(&skipped);
}

/* The index, then what git ignores. */
static void sweep_git(struct sandbox_guard *g, const char *data, const struct sandbox_notes *n)
{
	struct sandbox_git_swept o = { 0 };
	char err[512] = "";
	if (g->have_snap && sandbox_git_index_sweep(&g->snap, &g->hide, &o, err, sizeof(err)) < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: cleaning the git index: %s", err);
	if (sandbox_ignore_end(&g->ign, &o.fixed) < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: checking which hidden files git ignores "
			     "did not finish");
	for (size_t i = 0; i < o.fixed.n; i++)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: %s", o.fixed.v[i]);
	for (size_t i = 0; i < o.removed.n; i++)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: removed %s from the git index: it was "
			     "hidden in the session and not tracked before", o.removed.v[i]);
	for (size_t i = 0; i < o.commits.n; i++)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: commits were made in %s during the "
			     "session while a hidden file was in its index: look at them (git log) "
			     "before you push", o.commits.v[i]);
	for (size_t i = 0; i < o.links.n; i++)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: %s was added to the git index as a "
			     "submodule during the session: git status and git commit in the "
			     "parent run git in it; look at it (and its .git) before you do",
			     o.links.v[i]);
	sweep_gitlinks(g, &o.links, data, n);
	sandbox_git_swept_free(&o);
}

void sandbox_guard_end(struct sandbox_guard *g, const char *data, const struct sandbox_notes *n)
{
	sweep_protected(g, data, n);
	sweep_git(g, data, n);
	report_absent(g, data, n);
	sandbox_guard_forget(g);
}

void sandbox_guard_forget(struct sandbox_guard *g)
{
	if (g->journal[0])
		unlink(g->journal);
	g->journal[0] = '\0';
}

void sandbox_guard_free(struct sandbox_guard *g)
{
	sandbox_git_free(&g->git);
	sandbox_protect_free(&g->prot);
	sandbox_git_snap_free(&g->snap);
	sandbox_modes_free(&g->modes);
	sandbox_ignore_free(&g->ign);
	STRV_FREE(&g->ro, &g->absent);
}

/* A journal file read into a zeroed guard. 0 or HUSH_E*. */
static int guard_read(struct sandbox_guard *g, const char *journal)
{
	memset(g, 0, sizeof(*g));
	char *buf = NULL;
	size_t len = 0;
	int r = file_read_all(journal, SANDBOX_JOURNAL_MAX, false, &buf, &len);
	if (r == 0)
		r = guard_load(g, buf, len);
	free(buf);
	return r;
}

int sandbox_guard_check(const char *journal, const char *cwd, struct strv *found)
{
	struct sandbox_guard g;
	int r = guard_read(&g, journal);
	struct strv skipped = { 0 };
	if (r == 0 && (!cwd || sandbox_path_under(cwd, g.cwd))) {
		if (g.have_prot)
			r = sandbox_protect_sweep(&g.prot, NULL, NULL, found, &skipped);
		for (size_t i = 0; r >= 0 && i < skipped.n; i++)
			r = strv_push(found, skipped.v[i]);
		for (size_t i = 0; r >= 0 && i < g.absent.n; i++) {
			struct stat st;
			if (!sandbox_path_under(g.absent.v[i], g.cwd) && lstat(g.absent.v[i], &st) == 0)
				r = strv_push_unique(found, g.absent.v[i]);
		}
	}
	strv_free(&skipped);
	sandbox_guard_free(&g);
	return r < 0 ? r : 0;
}

void sandbox_guard_sweep_orphans(const char *data, const struct sandbox_notes *n)
{
	char dir[PATH_MAX];
	struct strv found = { 0 };
	if (xsnprintf(dir, sizeof(dir), "%s/sessions", data) < 0 ||
	    sandbox_journal_orphans(dir, &found) < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: looking for sessions that ended without "
			     "their sweep in %s failed", dir);
	for (size_t i = 0; i < found.n; i++) {
		struct sandbox_guard g;
		int r = guard_read(&g, found.v[i]);
		if (r < 0) {
			sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: the journal %s of a session that "
				     "ended without its sweep cannot be read (%s): removed, its sweep "
				     "did not run", found.v[i], hush_strerror(r));
			unlink(found.v[i]);
		} else {
			sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: a session in %s ended without its "
				     "end-of-session sweep (killed?): running it now", g.cwd);
			snprintf(g.journal, sizeof(g.journal), "%s", found.v[i]);
			sandbox_guard_end(&g, data, n);
		}
		sandbox_guard_free(&g);
	}
	strv_free(&found);
}
