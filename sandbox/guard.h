/* SPDX-License-Identifier: ISC */
/* The project guard of a sandbox session: before it, the project's git
 * directories, the never-writable paths, the index and which hidden files
 * git ignores are recorded (and written to a journal under
 * hush's data directory); after it, what the agent changed there is set
 * back, moved into the quarantine or removed from the index, one note
 * each. A session killed before its end leaves its journal, and the next
 * one runs its sweep (guard.c). */
#ifndef HUSH_SANDBOX_GUARD_H
#define HUSH_SANDBOX_GUARD_H

#include <limits.h>
#include <stdbool.h>

#include "common/strv.h"
#include "sandbox/git.h"
#include "sandbox/gitignore.h"
#include "sandbox/gitindex.h"
#include "sandbox/hide.h"
#include "sandbox/plan.h"
#include "sandbox/protect.h"
#include "sandbox/report.h"

struct sandbox_guard {
	struct sandbox_git git;
	struct sandbox_protect prot;
	struct sandbox_git_snap snap;
	struct sandbox_git_hide hide;
	struct sandbox_modes modes; /* directories leading to never-writable paths */
	struct strv ro;             /* absolute paths the plan keeps read-only */
	bool have_prot, have_snap;
	char cwd[PATH_MAX];         /* the project */
	struct strv absent;         /* the plan's never-writable names missing at start */
	struct sandbox_ignore ign;  /* the hidden files git ignores */
	char journal[PATH_MAX];     /* the session's journal, or "" */
};

/* Before the session: finds the project's git directories (never running
 * git) and creates their missing hooks directories, checks never_rel (the
 * never-writable list's project-relative items) and the files Claude
 * Code's settings in home and cwd name as programs, records which hidden
 * names (globs and m) the index holds and which hidden files git ignores
 * (with the human's global config, from home). g->ro then holds what the
 * plan must keep read-only. What could not be looked at gets a note. 0 or
 * HUSH_ENOMEM. */
int sandbox_guard_begin(struct sandbox_guard *g, const char *cwd, const char *home,
			const struct strv *never_rel, const struct strv *globs,
			const struct sandbox_masks *m, const struct sandbox_notes *n);
/* Once the plan is made: the modes of the directories that lead to what
 * it keeps read-only. One of them (or a git directory) that the user owns
 * and cannot search means an earlier session may have hidden what is
 * inside from this one's search: refused (SANDBOX_FAIL_MODE_SHUT). Then,
 * unless journal is false, the journal in <data>/sessions. 0 or HUSH_E*
 * with f filled. */
int sandbox_guard_plan(struct sandbox_guard *g, const struct sandbox_plan *plan, const char *data,
		       bool journal, const struct sandbox_notes *n, struct sandbox_failure *f);
/* After the session: sets back modes, quarantines (under <data>/quarantine)
 * what the agent created on the never-writable list, cleans the index,
 * makes git ignore again the hidden files it ignored at start; a note for
 * each; removes the journal. */
void sandbox_guard_end(struct sandbox_guard *g, const char *data, const struct sandbox_notes *n);
/* Nothing ran: the journal goes, nothing is swept. */
void sandbox_guard_forget(struct sandbox_guard *g);
void sandbox_guard_free(struct sandbox_guard *g);

/* While a session runs: what its end-of-session sweep would move now (a
 * never-writable name that appeared, a symlink on the way that changed),
 * read from its journal without moving anything, into found (paths). With
 * cwd, only when cwd is inside the session's project. 0 or HUSH_E*. */
int sandbox_guard_check(const char *journal, const char *cwd, struct strv *found);
/* Runs the sweep of each session in <data>/sessions whose process was
 * killed before its end (its journal was left), with notes. */
void sandbox_guard_sweep_orphans(const char *data, const struct sandbox_notes *n);

#endif
