/* SPDX-License-Identifier: ISC */
/* Unit tests for sandbox/git.c, gitindex.c and protect.c on fixture
 * repositories made with real git: a repository, a linked worktree, a
 * submodule with a nested submodule, a project inside a repository, a .git
 * file with garbage, .git and commondir loops; the pointer, config and
 * index parsers.
 *
 * With arguments it is the helper tests/sandbox-git.t drives (the git part
 * of a sandbox session without the namespaces):
 *   test_git protect PROJECT           print "ro P", "mkdir P", "absent P"
 *   test_git session [--hide GLOB]... [--never-write P]... [--quarantine D]
 *            PROJECT -- CMD...         snapshot, run CMD, sweep in the order
 *                                      of hush sandbox (modes, quarantine,
 *                                      index); print "mode L", "moved L",
 *                                      "skipped L", "fixed L", "removed P",
 *                                      "commits WT", "gitlink P"; exit 3
 *                                      without running
 *                                      CMD when a directory is shut */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/sandbox.h"
#include "tests/unit/t.h"

static char root[256];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[6144];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	char full[6144 + 512];
	snprintf(full, sizeof(full),
		 "cd %s && export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null "
		 "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t "
		 "GIT_COMMITTER_EMAIL=t@t && (%s) >/dev/null 2>&1",
		 root, cmd);
	int st = system(full);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool has(const struct strv *s, const char *rel)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	return strv_has(s, p);
}

static bool has_dir(const struct sandbox_git *g, const char *rel)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->d[i].gitdir, p))
			return true;
	return false;
}

static int protect(struct sandbox_git *g, const char *rel)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	*g = (struct sandbox_git){ 0 };
	return sandbox_git_protect(g, p, root);
}

static void test_pointer(void)
{
	char out[64];
	ok(sandbox_git_parse_pointer("gitdir: /a/b\n", 13, "gitdir: ", out, sizeof(out)) == 0 &&
	   !strcmp(out, "/a/b"), ".git file parsed");
	ok(sandbox_git_parse_pointer("gitdir: ../x\r\n", 14, "gitdir: ", out, sizeof(out)) == 0 &&
	   !strcmp(out, "../x"), "CRLF removed, relative kept");
	ok(sandbox_git_parse_pointer("../..\n", 6, "", out, sizeof(out)) == 0 && !strcmp(out, "../.."),
	   "commondir parsed");
	ok(sandbox_git_parse_pointer("gitdir:/a", 9, "gitdir: ", out, sizeof(out)) == HUSH_EFORMAT,
	   "missing prefix refused");
	ok(sandbox_git_parse_pointer("gitdir: \n", 9, "gitdir: ", out, sizeof(out)) == HUSH_EFORMAT,
	   "empty path refused");
	ok(sandbox_git_parse_pointer("gitdir: /a\0b", 12, "gitdir: ", out, sizeof(out)) == HUSH_EFORMAT,
	   "NUL refused");
	ok(sandbox_git_parse_pointer("gitdir: /a\n/b\n", 14, "gitdir: ", out, sizeof(out)) ==
	   HUSH_EFORMAT, "two lines refused");
	ok(sandbox_git_parse_pointer("gitdir: /aaaaaaaa", 17, "gitdir: ", out, 4) == HUSH_ETOOBIG,
	   "too long refused");
}

static int risky(const char *text)
{
	char key[128] = "";
	return sandbox_git_config_risky(text, strlen(text), key, sizeof(key));
}

static void test_config(void)
{
	ok(risky("[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
		 "[remote \"origin\"]\n\turl = https://x/y\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
		 "[branch \"main\"]\n\tremote = origin\n[submodule \"s\"]\n\turl = ../s\n"
		 "[diff]\n\trenames = true\n") == 0,
	   "a clone's config runs nothing");
	ok(risky("[core]\n\tfsmonitor = /tmp/x\n") == 1, "core.fsmonitor");
	ok(risky("[Core]\n  FSMonitor = x\n") == 1, "names are case-insensitive");
	ok(risky("[core] pager = less # comment\n") == 1, "key on the header line");
	ok(risky("[core]\n\tsshCommand = ssh -i k\n") == 1, "core.sshCommand");
	ok(risky("[core]\n\thooksPath = /tmp/h\n") == 1, "core.hooksPath");
	ok(risky("[alias]\n\tst = !sh -c x\n") == 1, "alias.*");
	ok(risky("[filter \"lfs\"]\n\tclean = x %f\n") == 1, "filter.*.clean");
	ok(risky("[credential]\n\thelper = store\n") == 1, "credential.helper");
	ok(risky("[include]\n\tpath = ../evil\n") == 1, "include.path");
	ok(risky("[includeIf \"gitdir:/x/\"]\n\tpath = e\n") == 1, "includeIf");
	ok(risky("[diff \"bin\"]\n\ttextconv = hexdump\n") == 1, "diff.*.textconv");
	ok(risky("[diff]\n\texternal = x\n") == 1, "diff.external");
	ok(risky("[core.x]\n\tfsmonitor = y\n") == 0, "core.fsmonitor needs no subsection");
	ok(risky("[core]\n\tnote = a \\\n\tb\n\tpager = \"less # not a comment\"\n") == 1,
	   "continuation and quotes");
	ok(risky("[core]\n\tfsmonitor\n") == 1, "a bare key counts");
	ok(risky("fsmonitor = x\n") == 1, "a key before any section is unparsable");
	ok(risky("[core\n") == 1 && risky("[core]\n\tx = \"open\n") == 1, "garbage is unparsable");
	ok(risky("") == 0 && risky("# only a comment\n; another\n") == 0, "empty config");
}

static void test_find(void)
{
	struct sandbox_git g;
	ok(sh("git init -q r && cd r && echo a > a && git add a && git commit -qm a") == 0,
	   "fixture: repository");
	ok(protect(&g, "r") == 0, "protect a repository");
	ok(g.n == 1 && has_dir(&g, "r/.git"), "its git dir found");
	ok(has(&g.ro, "r/.git/config") && has(&g.ro, "r/.git/hooks"), "config and hooks read-only");
	ok(g.create_dirs.n == 0, "hooks exists: nothing to create");
	ok(has(&g.absent, "r/.git/commondir") && has(&g.absent, "r/.git/config.worktree"),
	   "missing commondir and config.worktree listed for the sweep");
	sandbox_git_free(&g);

	sh("rm -rf r/.git/hooks");
	ok(protect(&g, "r") == 0 && has(&g.create_dirs, "r/.git/hooks") && has(&g.ro, "r/.git/hooks"),
	   "missing hooks: created, then bound");
	sandbox_git_free(&g);
	sh("mkdir r/.git/hooks");

	ok(sh("mkdir -p r/sub/dir && git -C r worktree add -q ../w") == 0, "fixture: worktree");
	ok(protect(&g, "w") == 0, "protect a linked worktree");
	ok(has(&g.ro, "w/.git"), "its .git file read-only");
	ok(has_dir(&g, "r/.git/worktrees/w") && has_dir(&g, "r/.git"),
	   ".git file and commondir followed");
	ok(has(&g.ro, "r/.git/worktrees/w/commondir") && has(&g.ro, "r/.git/worktrees/w/gitdir"),
	   "commondir and gitdir files read-only");
	ok(has(&g.ro, "r/.git/config") && has(&g.ro, "r/.git/hooks"),
	   "the main repository's config and hooks read-only");
	ok(!has(&g.create_dirs, "r/.git/worktrees/w/hooks"), "no hooks made in a worktree's git dir");
	sandbox_git_free(&g);
	ok(protect(&g, "r") == 0 && has(&g.ro, "r/.git/worktrees/w/commondir"),
	   "from the main repository, its worktrees too");
	sandbox_git_free(&g);

	ok(protect(&g, "r/sub/dir") == 0 && has(&g.ro, "r/.git/config"),
	   "a project inside a repository: the enclosing .git found");
	sandbox_git_free(&g);

	ok(sh("git init -q n && cd n && echo n > n && git add n && git commit -qm n && cd .. && "
	      "git init -q s && cd s && echo s > s && git add s && "
	      "git -c protocol.file.allow=always submodule add -q ../n nested && git commit -qm s && "
	      "cd ../r && git -c protocol.file.allow=always submodule add -q ../s sub/s && "
	      "git commit -qm sub && git -c protocol.file.allow=always submodule update -q --init "
	      "--recursive") == 0,
	   "fixture: submodule with a nested submodule");
	ok(protect(&g, "r") == 0, "protect a repository with submodules");
	ok(has(&g.ro, "r/sub/s/.git") && has(&g.ro, "r/sub/s/nested/.git"),
	   "submodule .git files read-only");
	ok(has(&g.ro, "r/.git/modules/sub/s/config") && has(&g.ro, "r/.git/modules/sub/s/hooks"),
	   "submodule git dir (name with a slash) config and hooks");
	ok(has(&g.ro, "r/.git/modules/sub/s/modules/nested/config"),
	   "nested submodule's git dir");
	size_t wt = 0;
	for (size_t i = 0; i < g.n; i++)
		wt += g.d[i].worktree != NULL;
	ok(wt >= 3, "the submodules' work trees are known (%zu)", wt);
	sandbox_git_free(&g);

	ok(sh("mkdir -p bad && printf 'garbage\\n\\0x' > bad/.git") == 0, "fixture: garbage .git");
	ok(protect(&g, "bad") == 0 && g.n == 0 && has(&g.ro, "bad/.git"),
	   "garbage .git file: nothing followed, the file itself read-only");
	sandbox_git_free(&g);

	ok(sh("mkdir -p l1 l2 && echo 'gitdir: ../l2/.git' > l1/.git && "
	      "echo 'gitdir: ../l1/.git' > l2/.git") == 0, "fixture: .git file loop");
	ok(protect(&g, "l1") == 0 && g.n == 0 && g.truncated, ".git loop: bounded, reported");
	sandbox_git_free(&g);

	ok(sh("mkdir -p c/a/objects c/b/objects && echo ref: refs/heads/m > c/a/HEAD && "
	      "cp c/a/HEAD c/b/HEAD && echo ../b > c/a/commondir && echo ../a > c/b/commondir && "
	      "echo 'gitdir: a' > c/.git") == 0, "fixture: commondir loop");
	ok(protect(&g, "c") == 0 && g.n == 2 && has_dir(&g, "c/a") && has_dir(&g, "c/b"),
	   "commondir loop: each git dir once");
	sandbox_git_free(&g);

	ok(sh("mkdir -p e && echo 'gitdir: /nonexistent/x' > e/.git") == 0,
	   "fixture: dangling .git file");
	ok(protect(&g, "e") == 0 && g.n == 0, "dangling .git file: nothing followed");
	sandbox_git_free(&g);
}

struct names {
	struct strv v;
};

static int name_cb(void *ctx, const char *path, size_t len, unsigned mode, unsigned stage)
{
	(void)mode;
	(void)stage;
	struct names *n = ctx;
	if (strlen(path) != len)
		return 1;
	strv_push(&n->v, path);
	return 0;
}

/* Parses REPO's index and compares the names with `git ls-files`. */
static bool index_matches(const char *repo, unsigned version, size_t hashlen, bool *split)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s/.git/index", root, repo);
	char *buf = NULL;
	size_t len = 0;
	if (file_read_all(p, SANDBOX_GIT_INDEX_MAX, false, &buf, &len) != 0)
		return false;
	struct names n = { 0 };
	struct sandbox_git_index_info info;
	int r = sandbox_git_index_parse((unsigned char *)buf, len, 0, name_cb, &n, &info);
	free(buf);
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "cd %s/%s && git ls-files", root, repo);
	FILE *f = popen(cmd, "r");
	bool same = r == 0 && info.version == version && info.hashlen == hashlen && f;
	size_t i = 0;
	char line[4096];
	while (same && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		same = i < n.v.n && !strcmp(line, n.v.v[i]);
		i++;
	}
	if (f)
		pclose(f);
	if (split)
		*split = info.split;
	bool all = same && i == n.v.n;
	strv_free(&n.v);
	return all;
}

static void test_index(void)
{
	ok(sh("git init -q x && cd x && mkdir -p d/e && for f in a b.txt d/c d/e/f d/e/g .env; do "
	      "echo $f > $f; done && git add . && git commit -qm x") == 0, "fixture: index");
	ok(index_matches("x", 2, 20, NULL), "version 2, SHA-1: every path");
	ok(sh("cd x && echo n > new && git add -N new") == 0 && index_matches("x", 3, 20, NULL),
	   "version 3 (intent-to-add sets the extended flags)");
	ok(sh("cd x && git update-index --index-version 4") == 0 && index_matches("x", 4, 20, NULL),
	   "version 4: prefix-compressed paths");
	bool split = false;
	ok(sh("cd x && git update-index --index-version 2 && git update-index --split-index") == 0 &&
	   index_matches("x", 2, 20, &split) == false && split,
	   "split index: detected (entries are in the shared index)");
	ok(sh("git init -q --object-format=sha256 y && cd y && echo a > a && mkdir q && "
	      "echo b > q/b && git add . && git commit -qm y") == 0 &&
	   index_matches("y", 2, 32, NULL), "SHA-256 repository");

	unsigned char junk[64] = "DIRC";
	ok(sandbox_git_index_parse(junk, 12, 0, NULL, NULL, NULL) == HUSH_EFORMAT ||
	   sandbox_git_index_parse(junk, 12, 0, NULL, NULL, NULL) == HUSH_EVERSION,
	   "short or unknown index refused");
	unsigned char v2[32 + 20] = { 'D', 'I', 'R', 'C', 0, 0, 0, 2, 0, 0, 0, 0 };
	ok(sandbox_git_index_parse(v2, 12 + 20, 0, NULL, NULL, NULL) == 0, "empty index accepted");
	v2[11] = 1;
	ok(sandbox_git_index_parse(v2, 12 + 20, 0, NULL, NULL, NULL) == HUSH_EFORMAT,
	   "an entry count past the data refused");
}

static void test_hidden(void)
{
	struct strv globs = { 0 }, files = { 0 }, dirs = { 0 };
	strv_push(&globs, ".env");
	strv_push(&globs, ".env.*");
	strv_push(&globs, "!.env.example");
	strv_push(&files, "/w/conf/copy");
	strv_push(&dirs, "/w/secrets");
	struct sandbox_git_hide h = { &globs, &files, &dirs };
	ok(sandbox_git_path_hidden(&h, "/w", ".env") && sandbox_git_path_hidden(&h, "/w", "a/b/.env.prod"),
	   "names match in any directory");
	ok(sandbox_git_path_hidden(&h, "/w", ".env/inner"), "a hidden directory component");
	ok(!sandbox_git_path_hidden(&h, "/w", ".env.example") && !sandbox_git_path_hidden(&h, "/w", "env"),
	   "exceptions and other names are not");
	ok(sandbox_git_path_hidden(&h, "/w", "conf/copy"), "a masked file by path");
	ok(sandbox_git_path_hidden(&h, "/w", "secrets/x") && !sandbox_git_path_hidden(&h, "/w", "secretsx"),
	   "under a masked directory");
	strv_free(&globs);
	strv_free(&files);
	strv_free(&dirs);
}

/* The project p and the quarantine qd, both below root, into proj and q. */
static void under_root(char proj[4096], const char *p, char q[4096], const char *qd)
{
	snprintf(proj, 4096, "%s/%s", root, p);
	snprintf(q, 4096, "%s/%s", root, qd);
}

static void test_protect(void)
{
	ok(sh("mkdir -p p/.claude p/.vscode && echo '{}' > p/.claude/settings.json && "
	      "ln -s elsewhere p/.envrc && git init -q p/repo && mkdir realgem && "
	      "echo '{}' > realgem/settings.json && ln -s ../realgem p/.gemini") == 0, "fixture: project");
	char proj[4096], q[4096];
	under_root(proj, "p", q, "quarantine");
	struct strv nw = { 0 }, moved = { 0 };
	const char *items[] = { ".claude/settings.json", ".claude/commands/", ".vscode/", ".mcp.json",
				".envrc", ".gemini/settings.json", NULL };
	for (size_t i = 0; items[i]; i++)
		strv_push(&nw, items[i]);
	struct sandbox_git g = { 0 };
	struct sandbox_protect pr;
	ok(sandbox_git_protect(&g, proj, root) == 0 && sandbox_protect_begin(&pr, proj, &nw, &g) == 0,
	   "protect list made");
	ok(has(&pr.exist, "p/.claude/settings.json") && has(&pr.exist, "p/.vscode"),
	   "existing entries listed for read-only binds");
	ok(has(&pr.absent, "p/.mcp.json") && has(&pr.absent, "p/.claude/commands"),
	   "missing entries listed for the sweep");
	ok(pr.links.n == 4 && has(&pr.links, "p/.envrc") && has(&pr.links, "p/.gemini"),
	   "a symlink on the list, and one above an entry, are remembered");
	sh("mkdir -p p/.claude/commands && echo x > p/.claude/commands/c.md && echo '{}' > p/.mcp.json && "
	   "rm p/.envrc && echo 'export X=1' > p/.envrc && printf '#!/bin/sh\\n' > p/repo/.git/hooks/pre-commit && "
	   "git init -q p/newrepo && git -C p/newrepo config core.fsmonitor /tmp/x && "
	   "git init -q p/plainrepo && rm p/.gemini && mkdir p/.gemini && echo evil > p/.gemini/settings.json");
	struct strv skipped = { 0 };
	ok(sandbox_protect_sweep(&pr, root, q, &moved, &skipped) == 0 && skipped.n == 0, "sweep runs");
	ok(access(proj, F_OK) == 0 && sh("test ! -e p/.mcp.json && test -f quarantine/.mcp.json") == 0,
	   "a new .mcp.json quarantined");
	ok(sh("test -f quarantine/.claude/commands/c.md") == 0, "a new .claude/commands/ quarantined");
	ok(sh("test ! -e p/.envrc && test -f quarantine/.envrc") == 0,
	   "a symlink replaced by a file quarantined");
	ok(sh("test -f quarantine/repo/.git/hooks/pre-commit && test -f p/repo/.git/hooks/pre-commit.sample") == 0,
	   "a new hook quarantined, samples left");
	ok(sh("test -f quarantine/newrepo/.git/config && test ! -e p/newrepo/.git/config") == 0,
	   "a new .git with core.fsmonitor: its config quarantined");
	ok(sh("test -f p/plainrepo/.git/config") == 0, "a new .git with a plain config left alone");
	ok(sh("test -f p/.claude/settings.json") == 0, "what existed at start stays");
	ok(sh("test -f quarantine/.gemini/settings.json && test -f realgem/settings.json") == 0,
	   "a listed file reached through a swapped symlinked directory quarantined");
	ok(moved.n == 6, "one line per moved path (%zu)", moved.n);
	struct strv bad = { 0 };
	strv_push(&bad, "../escape");
	struct sandbox_protect pb;
	ok(sandbox_protect_begin(&pb, proj, &bad, NULL) == HUSH_EINVAL, "'..' refused");
	sandbox_protect_free(&pb);
	strv_free(&bad);
	strv_free(&moved);
	strv_free(&skipped);
	strv_free(&nw);
	sandbox_protect_free(&pr);
	sandbox_git_free(&g);
}

/* The never_write names in directories below the project: those there at
 * the start are found by the walk (the first component of an entry, then
 * the rest), those made during the session are swept. */
static void test_subdir_names(void)
{
	ok(sh("mkdir -p s/a/.claude s/a/b s/node_modules/x && echo '{}' > s/a/.claude/settings.json && "
	      "echo x > s/a/b/.envrc && echo x > s/node_modules/x/.npmrc && echo x > s/a/.envrcx") == 0,
	   "fixture: a project with names below its top");
	char proj[4096], q[4096];
	under_root(proj, "s", q, "quarantine-s");
	struct strv nw = { 0 }, rel = { 0 }, moved = { 0 }, skipped = { 0 };
	const char *items[] = { ".claude/settings.json", ".claude/commands/", ".envrc", ".npmrc", NULL };
	for (size_t i = 0; items[i]; i++)
		strv_push(&nw, items[i]);
	struct sandbox_protect_find f = { .names = &nw, .top = proj, .out = &rel };
	struct sandbox_git g = { .visit = sandbox_protect_visit, .visit_ctx = &f };
	ok(sandbox_git_protect(&g, proj, root) == 0, "the walk runs with the visitor");
	ok(strv_has(&rel, "a/.claude/settings.json") && strv_has(&rel, "a/.claude/commands") &&
	   strv_has(&rel, "a/b/.envrc") && rel.n == 3,
	   "found: each entry whose first component is there, not a longer name, not under "
	   "node_modules (%zu)", rel.n);
	for (size_t i = 0; i < nw.n; i++)
		strv_push(&rel, nw.v[i]);
	struct sandbox_protect pr;
	ok(sandbox_protect_begin(&pr, proj, &rel, &g) == 0 && sandbox_protect_names(&pr, &nw) == 0,
	   "protect list made");
	ok(has(&pr.exist, "s/a/.claude/settings.json") && has(&pr.exist, "s/a/b/.envrc") &&
	   has(&pr.absent, "s/a/.claude/commands"), "existing ones bound, missing ones watched");
	sh("mkdir -p s/c/d && echo x > s/c/d/.npmrc && echo x > s/a/.envrc && "
	   "mkdir -p s/a/.claude/commands && echo x > s/a/.claude/commands/c.md && echo x > s/node_modules/x/.envrc");
	ok(sandbox_protect_sweep(&pr, root, q, &moved, &skipped) == 0, "sweep runs");
	ok(sh("test ! -e s/c/d/.npmrc && test -f quarantine-s/c/d/.npmrc && test ! -e s/a/.envrc && "
	      "test -f quarantine-s/a/.claude/commands/c.md") == 0,
	   "names made below the top during the session are quarantined");
	ok(sh("test -f s/a/b/.envrc && test -f s/a/.claude/settings.json && test -f s/a/.envrcx && "
	      "test -f s/node_modules/x/.envrc") == 0,
	   "what was there at start, other names and node_modules stay");
	ok(moved.n == 3, "one line per moved path (%zu)", moved.n);
	strv_free(&nw);
	strv_free(&rel);
	strv_free(&moved);
	strv_free(&skipped);
	sandbox_protect_free(&pr);
	sandbox_git_free(&g);
}

/* The sweep never acts through a symlink: a new one above a listed name is
 * moved itself, one that was there at the start is left (and reported), a
 * new .git leading to a repository outside is moved instead of that
 * repository's config and hooks. */
static void test_symlinks(void)
{
	ok(sh("mkdir -p s/p s/p/known-dir s/human/.claude s/other && echo human > s/human/.claude/settings.json && "
	      "ln -s known-dir s/p/.known && git init -q s/other && git -C s/other config alias.x status && "
	      "printf '#!/bin/sh\\n' > s/other/.git/hooks/pre-commit") == 0, "fixture: symlinks");
	char proj[4096], q[4096];
	under_root(proj, "s/p", q, "s/quarantine");
	struct strv nw = { 0 }, moved = { 0 }, skipped = { 0 };
	strv_push(&nw, ".claude/settings.json");
	strv_push(&nw, ".known/settings.json");
	struct sandbox_git g = { 0 };
	struct sandbox_protect pr;
	ok(sandbox_git_protect(&g, proj, root) == 0 && sandbox_protect_begin(&pr, proj, &nw, &g) == 0,
	   "protect list made");
	sh("ln -s ../human/.claude s/p/.claude && echo agent > s/p/known-dir/settings.json && "
	   "mkdir s/p/inner && ln -s ../../other/.git s/p/inner/.git");
	ok(sandbox_protect_sweep(&pr, root, q, &moved, &skipped) == 0, "sweep runs");
	ok(sh("test -f s/human/.claude/settings.json && test -L s/quarantine/.claude && test ! -e s/p/.claude") == 0,
	   "a new symlinked parent: the link is moved, the file behind it stays");
	ok(skipped.n == 1 && strstr(skipped.v[0], "through the symbolic link") &&
	   sh("test -f s/p/known-dir/settings.json") == 0,
	   "behind a symlink that was there at the start: left, and listed as skipped");
	ok(sh("test -L s/quarantine/inner/.git && test -f s/other/.git/config && "
	      "test -f s/other/.git/hooks/pre-commit") == 0,
	   "a new .git leading outside: the .git is moved, the repository's config and hooks stay");
	ok(moved.n == 2, "one line per moved path (%zu)", moved.n);
	strv_free(&moved);
	strv_free(&skipped);
	strv_free(&nw);
	sandbox_protect_free(&pr);
	sandbox_git_free(&g);
}

/* Modes recorded from the plan's never-writable paths, set back at the end;
 * a journal round trip of all the state the end needs. */
static void test_modes_journal(void)
{
	ok(sh("mkdir -p m/p/.claude m/p/.git/hooks && echo x > m/p/.claude/settings.json") == 0,
	   "fixture: modes");
	char proj[4096], cl[4096 + 16], set[4096 + 32];
	snprintf(proj, sizeof(proj), "%s/m/p", root);
	snprintf(cl, sizeof(cl), "%s/.claude", proj);
	snprintf(set, sizeof(set), "%s/settings.json", cl);
	struct sandbox_plan pl = { 0 };
	sandbox_plan_add(&pl, SB_OP_BIND_RW, proj, proj, NULL);
	sandbox_plan_add(&pl, SB_OP_PROTECT, set, NULL, NULL);
	strv_push(&pl.absent, "/elsewhere/not/writable");
	struct sandbox_modes m = { 0 }, m2 = { 0 };
	struct strv rep = { 0 };
	ok(sandbox_modes_record(&m, &pl) == 0 && m.n == 2 && !m.shut,
	   "the project and .claude recorded, nothing outside a writable bind (%zu)", m.n);
	chmod(cl, 0);
	chmod(proj, 0555);
	ok(sandbox_modes_repair(&m, &rep) == 0 && rep.n == 2 && strstr(rep.v[1], "from 0000 back to 0755"),
	   "both set back, top-down (%s)", rep.n > 1 ? rep.v[1] : "");
	struct stat st;
	ok(stat(cl, &st) == 0 && (st.st_mode & 07777) == 0755, ".claude is 0755 again");
	/* a replaced directory is not touched */
	sh("mv m/p/.claude m/p/.claude.old && mkdir m/p/.claude && chmod 0700 m/p/.claude");
	strv_free(&rep);
	ok(sandbox_modes_repair(&m, &rep) == 0 && rep.n == 0, "a directory replaced since: left alone");

	/* the journal */
	struct sandbox_journal j = { 0 };
	struct sandbox_protect pr = { 0 }, pr2 = { 0 };
	struct strv nw = { 0 };
	strv_push(&nw, ".claude/settings.json");
	strv_push(&nw, ".mcp.json");
	ok(sandbox_protect_begin(&pr, proj, &nw, NULL) == 0 && sandbox_protect_names(&pr, &nw) == 0,
	   "protect list made");
	struct sandbox_git_snap sn = { 0 }, sn2 = { 0 };
	struct sandbox_git_snap_repo repo = { .worktree = proj, .gitdir = proj, .head = "ref x",
					      .lock = true, .lock_ino = 42 };
	strv_push(&repo.tracked, "a/.env");
	sn.r = &repo;
	sn.n = 1;
	struct strv globs = { 0 };
	strv_push(&globs, ".env");
	struct sandbox_git_hide h = { &globs, NULL, NULL };
	sandbox_protect_save(&pr, &m, &j);
	sandbox_git_snap_save(&sn, &h, &j);
	ok(j.error == 0 && j.len > 0, "saved (%zu bytes)", j.len);
	size_t off = 0;
	const char *tag, *val;
	int r, bad = 0;
	while ((r = sandbox_journal_next(j.buf, j.len, &off, &tag, &val)) == 1) {
		int t = sandbox_protect_load(&pr2, &m2, tag, val);
		if (t == 0)
			t = sandbox_git_snap_load(&sn2, tag, val);
		bad += t != 1;
	}
	ok(r == 0 && bad == 0, "every record read back and taken");
	ok(pr2.project && !strcmp(pr2.project, pr.project) && pr2.absent.n == pr.absent.n &&
	   pr2.exist.n == pr.exist.n && pr2.names.n == 2 && m2.n == m.n && m2.d[1].mode == m.d[1].mode &&
	   m2.d[1].ino == m.d[1].ino && !strcmp(m2.d[1].path, m.d[1].path),
	   "the never-writable state and the modes are the same");
	struct sandbox_git_hide h2 = sandbox_git_snap_hide(&sn2);
	ok(sn2.n == 1 && !strcmp(sn2.r[0].gitdir, proj) && !strcmp(sn2.r[0].head, "ref x") &&
	   sn2.r[0].lock && sn2.r[0].lock_ino == 42 && sn2.r[0].tracked.n == 1 &&
	   h2.globs->n == 1 && !strcmp(h2.globs->v[0], ".env"),
	   "the index snapshot and its hide rules are the same");
	off = 0;
	ok(sandbox_journal_next(j.buf, j.len - 1, &off, &tag, &val) == 1, "a record");
	while ((r = sandbox_journal_next(j.buf, j.len - 1, &off, &tag, &val)) == 1)
		;
	ok(r == HUSH_EFORMAT, "a journal cut short is refused at its last record");
	struct sandbox_git_snap sn3 = { 0 };
	ok(sandbox_git_snap_load(&sn3, "s.gitdir", "/x") == HUSH_EFORMAT,
	   "a repository's record before its repository refused");
	ok(sandbox_protect_load(&pr2, &m2, "p.mode", "1 2 99999 /x") == HUSH_EFORMAT &&
	   sandbox_protect_load(&pr2, &m2, "p.mode", "1 2 755 relative") == HUSH_EFORMAT,
	   "a bad mode record refused");
	strv_free(&repo.tracked);
	strv_free(&globs);
	strv_free(&nw);
	strv_free(&rep);
	sandbox_git_snap_free(&sn2);
	sandbox_git_snap_free(&sn3);
	sandbox_protect_free(&pr);
	sandbox_protect_free(&pr2);
	sandbox_modes_free(&m);
	sandbox_modes_free(&m2);
	sandbox_journal_free(&j);
	sandbox_plan_free(&pl);
}

/* ---- helper mode ---- */

/* "TAG item" for each item of v. */
static void print_list(const char *tag, const struct strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		printf("%s %s\n", tag, v->v[i]);
}

static int helper_protect(const char *project)
{
	struct sandbox_git g = { 0 };
	int r = sandbox_git_protect(&g, project, getenv("HOME"));
	if (r < 0) {
		fprintf(stderr, "test_git: %s\n", hush_strerror(r));
		return 1;
	}
	print_list("mkdir", &g.create_dirs);
	print_list("ro", &g.ro);
	print_list("absent", &g.absent);
	sandbox_git_free(&g);
	return 0;
}

static int helper_session(int argc, char **argv)
{
	struct strv globs = { 0 }, nw = { 0 }, moved = { 0 };
	const char *q = NULL, *project = NULL;
	int i = 2;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--hide") && i + 1 < argc)
			strv_push(&globs, argv[++i]);
		else if (!strcmp(argv[i], "--never-write") && i + 1 < argc)
			strv_push(&nw, argv[++i]);
		else if (!strcmp(argv[i], "--quarantine") && i + 1 < argc)
			q = argv[++i];
		else if (!strcmp(argv[i], "--"))
			break;
		else
			project = argv[i];
	}
	if (!project || i + 1 >= argc) {
		fprintf(stderr, "usage: test_git session [--hide G]... PROJECT -- CMD...\n");
		return 2;
	}
	const char *stop = getenv("HOME");
	struct sandbox_git g = { 0 };
	struct sandbox_git_hide h = { &globs, NULL, NULL };
	struct sandbox_git_snap s;
	struct sandbox_protect p;
	struct sandbox_modes md = { 0 };
	struct strv skipped = { 0 }, modes = { 0 };
	struct sandbox_git_swept sw = { 0 };
	if (sandbox_git_protect(&g, project, stop) < 0 ||
	    sandbox_git_index_snapshot(&s, &g, &h, getenv("HUSH_TEST_GIT")) < 0 ||
	    sandbox_protect_begin(&p, project, &nw, &g) < 0) {
		fprintf(stderr, "test_git: session set-up failed\n");
		return 1;
	}
	/* what hush sandbox takes from its plan: the paths kept read-only */
	const struct strv *lists[] = { &g.ro, &p.exist, &p.absent };
	for (size_t l = 0; l < ARRAY_LEN(lists); l++)
		for (size_t k = 0; k < lists[l]->n; k++)
			sandbox_modes_add(&md, p.project, lists[l]->v[k]);
	const char *shut = g.shut ? g.shut : md.shut;
	int r = 0;
	if (shut) {
		printf("shut %s\n", shut);
		r = 3;
		goto out;
	}
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	char err[512];
	r = sandbox_modes_repair(&md, &modes) < 0 ? -1 : 0;
	print_list("mode", &modes);
	if (q && sandbox_protect_sweep(&p, stop, q, &moved, &skipped) < 0)
		r = -1;
	print_list("moved", &moved);
	print_list("skipped", &skipped);
	int e = sandbox_git_index_sweep(&s, &h, &sw, err, sizeof(err));
	if (e < 0) {
		fprintf(stderr, "test_git: sweep: %s\n", err);
		r = e;
	}
	print_list("fixed", &sw.fixed);
	print_list("removed", &sw.removed);
	print_list("commits", &sw.commits);
	print_list("gitlink", &sw.links);
	r = r < 0 ? 1 : 0;
out:
	sandbox_modes_free(&md);
	strv_free(&skipped);
	sandbox_git_swept_free(&sw);
	strv_free(&modes);
	sandbox_git_snap_free(&s);
	sandbox_protect_free(&p);
	sandbox_git_free(&g);
	strv_free(&globs);
	strv_free(&nw);
	strv_free(&moved);
	return r;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "protect"))
		return helper_protect(argv[2]);
	if (argc > 2 && !strcmp(argv[1], "session"))
		return helper_session(argc, argv);
	snprintf(root, sizeof(root), "/tmp/hush-unit-git.XXXXXX");
	if (!mkdtemp(root)) {
		skip("mkdtemp failed");
		return t_done();
	}
	char real[PATH_MAX];
	if (realpath(root, real) && strlen(real) < sizeof(root))
		memcpy(root, real, strlen(real) + 1);
	test_pointer();
	test_config();
	test_hidden();
	if (system("git --version >/dev/null 2>&1") != 0) {
		skip("git is not installed");
	} else {
		test_find();
		test_index();
		test_protect();
		test_subdir_names();
		test_symlinks();
		test_modes_journal();
	}
	t_rmtree(root);
	return t_done();
}
