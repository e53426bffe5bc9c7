/* SPDX-License-Identifier: ISC */
/* A session's preparation fails closed: with the N-th allocation made to
 * fail, for every N, finding what to hide, the project guard, the mount
 * plan and the agent's environment either fail or come out exactly as
 * they do with no failure. A list that silently lost an item (a mask, a
 * never-writable path, the shim's variables) would show here as a
 * different, successful result.
 *
 * malloc, calloc and realloc are replaced in this program by wrappers that
 * fail the one allocation chosen (glibc's own calls go through them too:
 * strdup, opendir, open_memstream). Not under a sanitizer, which has its
 * own allocator. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "config/config.h"
#include "sandbox/sandbox.h"
#include "tests/unit/t.h"

#if !defined(__SANITIZE_ADDRESS__)
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t a, size_t b);
extern void *__libc_realloc(void *p, size_t n);

static long fail_in = -1; /* allocations before the one that fails; -1: none */
static long counted;

static bool fail_now(void)
{
	if (fail_in < 0)
		return false;
	counted++;
	if (fail_in-- > 0)
		return false;
	errno = ENOMEM;
	return true;
}

void *malloc(size_t n)
{
	return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	return fail_now() ? NULL : __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __libc_realloc(p, n);
}
#endif

struct result {
	struct sandbox_hidden hid;
	struct sandbox_guard guard;
	struct sandbox_plan plan;
	struct strv env, passed;
};

static void result_free(struct result *r)
{
	sandbox_hidden_free(&r->hid);
	sandbox_guard_free(&r->guard);
	sandbox_plan_free(&r->plan);
	STRV_FREE(&r->env, &r->passed);
}

/* What hush sandbox prepares before the agent starts, as session.c puts
 * it together. 0 or the first HUSH_E*. */
static int prepare(struct result *r, const struct sandbox_request *rq,
		   const struct sandbox_workdir *w)
{
	memset(r, 0, sizeof(*r));
	int e = sandbox_hidden_find(&r->hid, rq->cfg, rq->profile, w, false, true, NULL, NULL);
	if (e < 0)
		return e;
	struct strv rel = { 0 };
	e = sandbox_inputs_never_rel(rq, &rel);
	if (e == 0)
		e = sandbox_guard_begin(&r->guard, w->cwd, w->home, &rel, &r->hid.globs,
					&r->hid.masks, NULL);
	strv_free(&rel);
	if (e == 0)
		e = sandbox_inputs_plan(&r->plan, rq, w, &r->hid.masks, &r->guard.ro, NULL);
	if (e == 0)
		e = sandbox_guard_plan(&r->guard, &r->plan, w->data, false, NULL, NULL);
	if (e == 0)
		e = sandbox_inputs_env(&r->env, &r->passed, rq, w, true);
	return e;
}

static bool same_strv(const struct strv *a, const struct strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

static bool same_plan(const struct sandbox_plan *a, const struct sandbox_plan *b)
{
	if (a->n != b->n || !same_strv(&a->absent, &b->absent))
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct sandbox_op *x = &a->ops[i], *y = &b->ops[i];
		if (x->kind != y->kind || strcmp(x->path, y->path) || !x->src != !y->src ||
		    (x->src && strcmp(x->src, y->src)) || x->mode != y->mode)
			return false;
	}
	return true;
}

static bool same(const struct result *a, const struct result *b)
{
	return same_strv(&a->hid.globs, &b->hid.globs) && same_strv(&a->hid.named, &b->hid.named) &&
	       same_strv(&a->hid.masks.files, &b->hid.masks.files) &&
	       same_strv(&a->hid.masks.dirs, &b->hid.masks.dirs) &&
	       same_strv(&a->guard.ro, &b->guard.ro) && same_strv(&a->guard.absent, &b->guard.absent) &&
	       same_plan(&a->plan, &b->plan) && same_strv(&a->env, &b->env);
}

static void put(const char *root, const char *rel, const char *text)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A home with a project in it: hidden files (one with a second name), a
 * git directory made by hand (git is not run) with a hook, a submodule
 * and a linked worktree, never-writable names. */
static void fixture(const char *root)
{
	static const char *const dirs[] = { "home", "home/.ssh", "home/.claude", "home/proj",
					    "home/proj/sub", "home/proj/.git", "home/proj/.git/objects",
					    "home/proj/.git/refs", "home/proj/.git/hooks",
					    "home/proj/.git/modules", "home/proj/.git/modules/m",
					    "home/proj/.git/modules/m/objects", "home/proj/.git/worktrees",
					    "home/proj/.git/worktrees/w", "home/proj/.claude", "rt", "data" };
	char p[PATH_MAX];
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		mkdir(p, 0700);
	}
	put(root, "home/.ssh/id_ed25519", "key\n");
	put(root, "home/.bashrc", ". ~/.bash_aliases\n");
	put(root, "home/.bash_aliases", "alias x=y\n");
	put(root, "home/.gitconfig", "[user]\n\tname = t\n");
	put(root, "home/proj/.env", "A=1\n");
	put(root, "home/proj/sub/server.pem", "x\n");
	put(root, "home/proj/.envrc", "export A=1\n");
	put(root, "home/proj/.claude/settings.json", "{}\n");
	put(root, "home/proj/.git/HEAD", "ref: refs/heads/main\n");
	put(root, "home/proj/.git/config", "[core]\n\thooksPath = hooks2\n");
	put(root, "home/proj/.git/hooks/pre-commit", "#!/bin/sh\n");
	put(root, "home/proj/.git/modules/m/HEAD", "ref: refs/heads/main\n");
	put(root, "home/proj/.git/worktrees/w/HEAD", "ref: refs/heads/w\n");
	put(root, "home/proj/.git/worktrees/w/commondir", "../..\n");
	char a[PATH_MAX], b[PATH_MAX];
	snprintf(a, sizeof(a), "%s/home/proj/.env", root);
	snprintf(b, sizeof(b), "%s/home/proj/notes.txt", root);
	if (link(a, b) != 0)
		printf("# no hard link: %s\n", strerror(errno));
}

#if !defined(__SANITIZE_ADDRESS__)
/* The sizes of the lists the sandbox reads from the config. */
static size_t config_shape(const struct config *c)
{
	size_t n = c->hide.n + c->hide_dirs.n + c->never_write.n + c->nprofiles;
	for (size_t i = 0; i < c->nprofiles; i++)
		n += c->profiles[i].never_write.n + c->profiles[i].allow_write.n +
		     c->profiles[i].hide.n + c->profiles[i].hide_dirs.n;
	return n;
}

/* The built-in config (masks, never-writable paths, profiles) loads whole
 * or not at all. */
static void config_defaults_fail_closed(void)
{
	struct config ref;
	fail_in = LONG_MAX;
	counted = 0;
	int r = config_load_buffer(&ref, "t", "", 0, NULL, 0);
	long total = counted;
	fail_in = -1;
	size_t want = r == 0 ? config_shape(&ref) : 0;
	ok(r == 0 && want > 100, "the built-in config loads (%zu list items)", want);
	long open = 0, failed = 0;
	for (long k = 0; k < total; k++) {
		struct config got;
		fail_in = k;
		r = config_load_buffer(&got, "t", "", 0, NULL, 0);
		fail_in = -1;
		if (r < 0) {
			failed++;
			continue;
		}
		if (config_shape(&got) != want && open++ < 5)
			printf("# allocation %ld of %ld failed: the config loaded without some of its "
			       "defaults\n", k + 1, total);
		config_free(&got);
	}
	ok(open == 0, "each of the config's %ld allocations made to fail: %ld failed the load, %ld "
	   "loaded with defaults missing", total, failed, open);
	config_free(&ref);
}
#endif

int main(void)
{
#if defined(__SANITIZE_ADDRESS__)
	skip("allocation failures are injected in plain builds only");
	return t_done();
#else
	char root[] = "/tmp/hush-failclosed.XXXXXX";
	if (!mkdtemp(root)) {
		ok(0, "temporary directory");
		return t_done();
	}
	fixture(root);
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/home", root);
	setenv("HOME", p, 1);
	snprintf(p, sizeof(p), "%s/data", root);
	setenv("HUSH_HOME", p, 1);
	snprintf(p, sizeof(p), "%s/rt", root);
	setenv("HUSH_RUNTIME_DIR", p, 1);
	snprintf(p, sizeof(p), "%s/home/proj", root);
	if (chdir(p) != 0) {
		ok(0, "project directory");
		return t_done();
	}
	struct config cfg;
	config_defaults(&cfg);
	struct strv env = { 0 };
	strv_push(&env, "TERM");
	struct sandbox_request rq = { .cfg = &cfg, .profile = config_profile(&cfg, "claude"),
				      .self = "/usr/bin/true", .shim = "/usr/lib/libhush.so",
				      .allow_env = &env };
	struct sandbox_workdir w;
	char err[512];
	ok(sandbox_workdir_paths(&w) == 0 && sandbox_workdir_make(&w, &cfg, rq.self, err, sizeof(err)) == 0,
	   "the session's paths and directory");

	struct result ref;
	fail_in = LONG_MAX;
	counted = 0;
	int r = prepare(&ref, &rq, &w);
	long total = counted;
	fail_in = -1;
	ok(r == 0, "without a failure the session is prepared");
	ok(ref.hid.masks.files.n >= 4 && ref.plan.n > 10 && ref.guard.ro.n > 0,
	   "and hides, plans and protects something (%zu masked files, %zu operations)",
	   ref.hid.masks.files.n, ref.plan.n);

	long failed = 0, open = 0, whole = 0;
	for (long k = 0; k < total; k++) {
		struct result got;
		fail_in = k;
		r = prepare(&got, &rq, &w);
		bool hit = fail_in < 0;
		fail_in = -1;
		if (r < 0)
			failed++;
		else if (!same(&got, &ref)) {
			if (open++ < 5)
				printf("# allocation %ld of %ld failed: prepared, but not as without it\n",
				       k + 1, total);
		} else if (hit) {
			whole++;
		}
		result_free(&got);
	}
	ok(open == 0, "each of %ld allocations made to fail: %ld failed the session, %ld were "
	   "recovered from whole, %ld left a different result", total, failed, whole, open);
	result_free(&ref);
	config_defaults_fail_closed();
	sandbox_workdir_remove(&w);
	config_free(&cfg);
	strv_free(&env);
	t_rmtree(root);
	return t_done();
#endif
}
