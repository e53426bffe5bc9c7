/* SPDX-License-Identifier: ISC */
/* Unit tests for the sandbox library: the allow-list environment, hide
 * globs, the walk that finds files to mask (hard links included), what
 * Claude Code's settings name and its state file keeps. */
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/sandbox.h"
#include "shim/rules.h"
#include "tests/unit/t.h"

static void strv(struct strv *s, const char *const *items)
{
	for (size_t i = 0; items[i]; i++)
		strv_push(s, items[i]);
}

static void test_env(void)
{
	ok(sandbox_env_secret_name("GITHUB_TOKEN"), "GITHUB_TOKEN looks secret");
	ok(sandbox_env_secret_name("aws_secret_access_key"), "lower case too");
	ok(sandbox_env_secret_name("OPENAI_API_BASE"), "API counts");
	ok(!sandbox_env_secret_name("LC_ALL") && !sandbox_env_secret_name("HOME"),
	   "LC_ALL, HOME do not");

	char *envp[] = { "HOME=/h", "LC_ALL=C", "LC_SECRET=x", "GITHUB_TOKEN=t", "MY_KEY=k",
			 "EDITOR=vi", "LD_PRELOAD=/evil.so", "noequals", "=empty", "HOME=/second",
			 "PATH=/bin", NULL };
	struct strv allow = { 0 }, exact = { 0 }, drop = { 0 }, out = { 0 };
	strv(&allow, (const char *const[]){ "HOME", "LC_*", "MY_*", "LD_*", "PATH", NULL });
	strv(&exact, (const char *const[]){ "GITHUB_TOKEN", NULL });
	strv(&drop, (const char *const[]){ "LD_PRELOAD", NULL });
	ok(sandbox_env_filter(envp, &allow, &exact, &drop, &out) == 0, "filter runs");
	ok(sandbox_env_get(&out, "HOME") && !strcmp(sandbox_env_get(&out, "HOME"), "/h"),
	   "exact name passes, first occurrence wins");
	ok(sandbox_env_get(&out, "LC_ALL") != NULL, "glob passes a plain name");
	ok(sandbox_env_get(&out, "LC_SECRET") == NULL, "glob never passes a secret-looking name");
	ok(sandbox_env_get(&out, "MY_KEY") == NULL, "MY_* does not pass MY_KEY");
	ok(sandbox_env_get(&out, "GITHUB_TOKEN") != NULL, "exact --allow-env name passes");
	ok(sandbox_env_get(&out, "EDITOR") == NULL, "a name not listed does not pass");
	ok(sandbox_env_get(&out, "LD_PRELOAD") == NULL, "dropped names never pass");
	size_t homes = 0;
	for (size_t i = 0; i < out.n; i++)
		homes += !strncmp(out.v[i], "HOME=", 5);
	ok(homes == 1, "no duplicate names");
	ok(sandbox_env_set(&out, "PATH", "/links:/bin") == 0 &&
	   !strcmp(sandbox_env_get(&out, "PATH"), "/links:/bin"), "set replaces");
	size_t paths = 0;
	for (size_t i = 0; i < out.n; i++)
		paths += !strncmp(out.v[i], "PATH=", 5);
	ok(paths == 1 && out.v[out.n] == NULL, "one PATH, still NULL-terminated");
	strv_free(&allow);
	strv_free(&exact);
	strv_free(&drop);
	strv_free(&out);
}

static void test_match(void)
{
	struct strv g = { 0 };
	strv(&g, (const char *const[]){ ".env", ".env.*", "!.env.example", "*.pem", NULL });
	ok(sandbox_hide_match(&g, ".env"), ".env hidden");
	ok(sandbox_hide_match(&g, ".env.local"), ".env.local hidden");
	ok(!sandbox_hide_match(&g, ".env.example"), ".env.example not hidden");
	ok(sandbox_hide_match(&g, "server.pem"), "*.pem hidden");
	ok(!sandbox_hide_match(&g, "env") && !sandbox_hide_match(&g, "README"), "others not");
	strv_free(&g);

	/* each glob alone gives what fnmatch gives, literal or special first
	 * and last characters, escapes and brackets included */
	static const char *const globs[] = {
		".env", ".env.*", "*.pem", "id_rsa*", "*.tfstate.backup", "service-account*.json",
		"?x", "x?", "[ab]c", "c[ab]", "a\\*", "\\*b", "a\\", "]x", "x]", "[!.]env",
		"*", "?", "a*b*c", "*a*", "[", "a[", "\\", "", "[[:digit:]]*.key", "[![:alpha:]]x",
		"*[[:]", "key[a[:b]", NULL,
	};
	static const char *const names[] = {
		".env", ".env.local", "env", "server.pem", "pem", "id_rsa", "id_rsa.pub", "xid_rsa",
		"a.tfstate.backup", "service-account-1.json", "ax", "xa", "x", "ac", "bc", "ca",
		"a*", "a", "ab", "*b", "b", "a\\", "]x", "x]", "xenv", "aXbYc", "abc", "[", "a[",
		"\\", "\xc3\xa9", "\xc3\xa9.pem", "1.key", "a.key", "1x", "notes[", "keya", "key:", NULL,
	};
	size_t bad = 0, pairs = 0, shim_bad = 0;
	static struct rules r;
	for (size_t i = 0; globs[i]; i++) {
		struct strv one = { 0 }, neg = { 0 };
		char nglob[64], conf[160];
		snprintf(nglob, sizeof(nglob), "!%s", globs[i]);
		strv(&one, (const char *const[]){ globs[i], NULL });
		strv(&neg, (const char *const[]){ "*", nglob, NULL });
		snprintf(conf, sizeof(conf), "hide %s\n", globs[i]);
		rules_parse(&r, conf, strlen(conf));
		/* a pattern ending in a lone backslash is invalid to fnmatch
		 * (never matches); the shim's glob takes it literally */
		size_t gl = strlen(globs[i]);
		bool lone_bs = gl && globs[i][gl - 1] == '\\' && (gl < 2 || globs[i][gl - 2] != '\\');
		for (size_t j = 0; names[j]; j++, pairs++) {
			bool got = sandbox_hide_match(&one, names[j]);
			bool want = fnmatch(globs[i], names[j], 0) == 0;
			if (lone_bs)
				want = got;
			if (got != want || sandbox_hide_match(&neg, names[j]) != !got) {
				bad++;
				printf("#   glob '%s' name '%s': fnmatch says %d\n", globs[i], names[j], want);
			}
			if (gl && got != (rules_name_hidden(&r, names[j], strlen(names[j])) == 1)) {
				shim_bad++;
				printf("#   glob '%s' name '%s': the shim says otherwise\n", globs[i], names[j]);
			}
		}
		strv_free(&one);
		strv_free(&neg);
	}
	ok(shim_bad == 0, "the sandbox (and scanner) hide exactly what the shim hides (%zu pairs, %zu differ)",
	   pairs, shim_bad);
	ok(bad == 0 && pairs > 700, "hide globs agree with fnmatch (%zu pairs, %zu differ)", pairs, bad);
}

/* "resolved yes" and nothing else turns the shim's own resolution off */
static void test_resolved(void)
{
	static struct rules r;
	static const char yes[] = "hide_path /a\nresolved yes\n";
	static const char no[] = "hide_path /a\nresolved no\nresolved\n";
	rules_parse(&r, yes, strlen(yes));
	ok(r.resolved == 1 && r.bad_lines == 0 && r.nhide_path == 1, "'resolved yes' is read");
	rules_parse(&r, no, strlen(no));
	ok(r.resolved == 0 && r.bad_lines == 2, "any other 'resolved' line is malformed (%d)", r.bad_lines);
	rules_parse(&r, yes, 0);
	ok(r.resolved == 0, "a new parse starts unresolved");
}

static int put(const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (!f)
		return -1;
	fputs("x\n", f);
	return fclose(f);
}

static bool has_suffix(const struct strv *s, const char *suffix)
{
	for (size_t i = 0; i < s->n; i++) {
		size_t a = strlen(s->v[i]), b = strlen(suffix);
		if (a >= b && !strcmp(s->v[i] + a - b, suffix))
			return true;
	}
	return false;
}

static void test_scan(void)
{
	char root[] = "/tmp/hush-unit-sandbox.XXXXXX";
	if (!mkdtemp(root)) {
		skip("mkdtemp failed");
		return;
	}
	char p[4096], q[4096];
	const char *dirs[] = { "a", "a/b", ".git", "node_modules", "secretdir", NULL };
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", root, dirs[i]);
		mkdir(p, 0700);
	}
	put(root, ".env");
	put(root, ".env.example");
	put(root, "a/b/.env.prod");
	put(root, ".git/.env");
	put(root, "node_modules/.env");
	put(root, "plain.txt");
	snprintf(p, sizeof(p), "%s/.env", root);
	snprintf(q, sizeof(q), "%s/a/copy-of-env", root);
	ok(link(p, q) == 0, "hard link made");
	snprintf(q, sizeof(q), "%s/link-to-env", root);
	ok(symlink(".env", q) == 0, "symlink made");

	struct strv g = { 0 };
	strv(&g, (const char *const[]){ ".env", ".env.*", "!.env.example", NULL });
	struct sandbox_masks m = { 0 };
	ok(sandbox_hide_scan(&m, root, &g, SANDBOX_WALK_MAX_DEPTH) == 0, "scan runs");
	ok(has_suffix(&m.files, "/.env"), ".env found");
	ok(has_suffix(&m.files, "/a/b/.env.prod"), "nested .env.prod found");
	ok(!has_suffix(&m.files, ".env.example"), ".env.example left alone");
	ok(!has_suffix(&m.files, "/.git/.env") && !has_suffix(&m.files, "node_modules/.env"),
	   ".git and node_modules skipped");
	ok(has_suffix(&m.files, "/a/copy-of-env"), "hard link under another name found by inode");
	ok(!has_suffix(&m.files, "plain.txt") && !has_suffix(&m.files, "link-to-env"),
	   "other files and symlinks to masked files are not masks themselves");
	size_t before = m.files.n;
	snprintf(p, sizeof(p), "%s/.env", root);
	ok(sandbox_masks_add(&m, p) == 0 && m.files.n == before, "no duplicates");
	snprintf(p, sizeof(p), "%s/secretdir", root);
	ok(sandbox_masks_add(&m, p) == 0 && has_suffix(&m.dirs, "/secretdir"), "directory goes to dirs");
	snprintf(p, sizeof(p), "%s/missing", root);
	size_t n = m.files.n + m.dirs.n;
	ok(sandbox_masks_add(&m, p) == 0 && m.files.n + m.dirs.n == n, "missing path skipped");

	struct sandbox_masks shallow = { 0 };
	ok(sandbox_hide_scan(&shallow, root, &g, 1) == 0 && !has_suffix(&shallow.files, ".env.prod"),
	   "depth limit respected");
	ok(!shallow.truncated, "a walk made shallow on purpose is not reported as truncated");
	sandbox_masks_free(&shallow);
	sandbox_masks_free(&m);
	strv_free(&g);
	t_rmtree(root);
}

static bool has(const struct strv *s, const char *v)
{
	return strv_has(s, v);
}

static void test_claude_named(void)
{
	char root[] = "/tmp/hush-claude-XXXXXX";
	if (!mkdtemp(root)) {
		ok(0, "mkdtemp");
		return;
	}
	char home[4200], proj[4200], p[4300];
	snprintf(home, sizeof(home), "%s/home", root);
	snprintf(proj, sizeof(proj), "%s/proj", root);
	mkdir(home, 0755);
	mkdir(proj, 0755);
	snprintf(p, sizeof(p), "%s/.claude", home);
	mkdir(p, 0755);
	static const char *const files[] = { "home/.claude/run.py", "home/.claude/log.txt", "proj/fmt.sh",
					     "home/preload.js", NULL };
	for (size_t i = 0; files[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", root, files[i]);
		FILE *f = fopen(p, "w");
		if (f)
			fclose(f);
	}
	const char *json =
		"{\"statusLine\": {\"type\": \"command\", \"command\": \"~/.claude/statusline.sh --x\"},"
		" \"hooks\": {\"PostToolUse\": [{\"hooks\": [{\"type\": \"command\","
		"   \"command\": \"python3 ~/.claude/run.py >> ~/.claude/log.txt; \\\"$CLAUDE_PROJECT_DIR\\\"/fmt.sh\"},"
		"  {\"command\": \"FOO=1 ./gen/new.sh && cat src/absent.txt | $OTHER/x.sh\"},"
		"  {\"command\": \"node\", \"args\": [\"~/.claude/run.py\", \"~/absent.js\"]}]}]},"
		" \"apiKeyHelper\": \"$HOME/bin/key-helper\","
		" \"env\": {\"NODE_OPTIONS\": \"--require=~/preload.js\", \"PATH\": \"/usr/bin:~/.claude\"},"
		" \"permissions\": {\"allow\": [\"Bash(./evil.sh)\"]}}";
	struct strv out = { 0 };
	int r = sandbox_claude_named(json, strlen(json), home, proj, &out);
	char e[6][4300];
	snprintf(e[0], sizeof(e[0]), "%s/.claude/statusline.sh", home);
	snprintf(e[1], sizeof(e[1]), "%s/.claude/run.py", home);
	snprintf(e[2], sizeof(e[2]), "%s/fmt.sh", proj);
	snprintf(e[3], sizeof(e[3]), "%s/gen/new.sh", proj);
	snprintf(e[4], sizeof(e[4]), "%s/bin/key-helper", home);
	snprintf(e[5], sizeof(e[5]), "%s/preload.js", home);
	ok(r == 0 && has(&out, e[0]) && has(&out, e[1]) && has(&out, e[2]) && has(&out, e[3]) &&
	   has(&out, e[4]) && has(&out, e[5]),
	   "named: a program that does not exist yet, a script an interpreter runs, quoted "
	   "$CLAUDE_PROJECT_DIR, after A=b, a helper, exec args, NODE_OPTIONS");
	snprintf(p, sizeof(p), "%s/.claude/log.txt", home);
	bool log = has(&out, p);
	snprintf(p, sizeof(p), "%s/src/absent.txt", proj);
	bool absent = has(&out, p);
	snprintf(p, sizeof(p), "%s/.claude", home);
	bool dir = has(&out, p);
	ok(!log && !absent && !dir && out.n == 6,
	   "not named: an output file, a missing argument, a directory, $OTHER, permission rules (%zu)", out.n);
	ok(sandbox_claude_named("{\"command\": ", 12, home, proj, &out) == HUSH_EFORMAT,
	   "named: not JSON");
	strv_free(&out);
	t_rmtree(root);
}

/* sandbox_claude_state_keep(orig, now) as text, or "(error N)". */
static const char *keep(const char *orig, const char *now, char *buf, size_t n, struct strv *kept)
{
	char *out = NULL;
	size_t len = 0;
	int r = sandbox_claude_state_keep(orig, orig ? strlen(orig) : 0, now, strlen(now), &out, &len,
					  kept);
	if (r < 0)
		snprintf(buf, n, "(error %d)", r);
	else
		snprintf(buf, n, "%.*s", (int)len, out);
	free(out);
	return buf;
}

static void test_claude_state(void)
{
	char b[512];
	struct strv k = { 0 };
	const char *orig = "{\"numStartups\": 3, \"mcpServers\": {\"h\": {\"command\": \"human\"}},"
			   " \"projects\": {\"/p\": {\"allowedTools\": [], \"x\": 1}}}";
	ok(!strcmp(keep(orig, "{\"numStartups\":4,\"mcpServers\":{\"h\":{\"command\":\"evil\"}},"
			"\"projects\":{\"/p\":{\"allowedTools\":[\"Bash\"],\"x\":2}}}", b, sizeof(b), &k),
		    "{\"numStartups\":4,\"mcpServers\":{\"h\": {\"command\": \"human\"}},"
		    "\"projects\":{\"/p\":{\"allowedTools\":[],\"x\":2}}}") &&
	   has(&k, "mcpServers") && has(&k, "projects[/p].allowedTools") && k.n == 2,
	   "state: changed guarded values set back, the rest kept: %s", b);
	strv_free(&k);
	ok(!strcmp(keep(orig, "{\"env\": {\"BASH_ENV\": \"/x\"}, \"numStartups\": 4, \"apiKeyHelper\": \"/y\"}",
			b, sizeof(b), &k), "{ \"numStartups\": 4}") &&
	   has(&k, "env") && has(&k, "apiKeyHelper"),
	   "state: a guarded member the original lacked is cut out with its comma: %s", b);
	strv_free(&k);
	ok(!strcmp(keep(NULL, "{\"mcpServers\": {\"a\": 1}, \"projects\": {\"/q\": {\"mcpServers\": {\"b\": 2}}}}",
			b, sizeof(b), &k), "{ \"projects\": {\"/q\": {}}}"),
	   "state: no original file: every guarded member goes: %s", b);
	strv_free(&k);
	ok(!strcmp(keep(orig, "{\"mcpServers\": {}, \"projects\": {\"/p\": {\"allowedTools\": [],"
			" \"mcpServers\": { }, \"enableAllProjectMcpServers\": false}, \"/n\": {\"env\": null}}}",
			b, sizeof(b), &k), "{\"mcpServers\": {}, \"projects\": {\"/p\": {\"allowedTools\": [],"
			" \"mcpServers\": { }, \"enableAllProjectMcpServers\": false}, \"/n\": {\"env\": null}}}") &&
	   k.n == 0, "state: values that start nothing (defaults, a value cleared) are left: %s", b);
	strv_free(&k);
	ok(!strcmp(keep(orig, "{\"numStartups\": 5,\n  \"mcpServers\": {\"h\":{\"command\":\"human\"}}}",
			b, sizeof(b), &k), "{\"numStartups\": 5,\n  \"mcpServers\": {\"h\":{\"command\":\"human\"}}}") &&
	   k.n == 0, "state: the same value in other whitespace is left as it is");
	ok(!strcmp(keep("{\"mcpServers\": {\"old\": 1}, \"mcpServers\": {}}",
			"{\"mcpServers\": {\"new\": 1}}", b, sizeof(b), &k), "{\"mcpServers\": {}}"),
	   "state: of duplicate keys in the original the last counts: %s", b);
	strv_free(&k);
	ok(!strcmp(keep("{\"projects\": {\"/p\": {\"mcpServers\": {\"a\": 1}}}, \"projects\": {}}",
			"{\"projects\": {\"/p\": {\"mcpServers\": {\"a\": 1}}}}", b, sizeof(b), &k),
		    "{\"projects\": {\"/p\": {}}}"),
	   "state: ... also when the duplicate is a member above: %s", b);
	strv_free(&k);
	ok(!strcmp(keep(orig, "{\"mcp\\u0053ervers\": {\"e\": 1}, \"mcpServers\": {\"f\": 1}}", b, sizeof(b), &k),
		    "{\"mcp\\u0053ervers\": {\"h\": {\"command\": \"human\"}}, \"mcpServers\": {\"h\": {\"command\": \"human\"}}}"),
	   "state: an escaped key and a duplicate are both set back: %s", b);
	strv_free(&k);
	ok(!strcmp(keep(orig, "{\"a\": 1, \"env\": {\"X\": \"1\"}, \"mcpServers\": {\"z\": 1}}", b, sizeof(b), &k),
		    "{\"a\": 1,  \"mcpServers\": {\"h\": {\"command\": \"human\"}}}"),
	   "state: a cut next to a value set back: %s", b);
	strv_free(&k);
	ok(!strcmp(keep(orig, "{\"env\": 1, \"apiKeyHelper\": 2}", b, sizeof(b), &k), "{ }") &&
	   !strcmp(keep(orig, "{\"a\": 0, \"env\": 1, \"apiKeyHelper\": 2}", b, sizeof(b), &k), "{\"a\": 0}"),
	   "state: every member cut, and the last ones: %s", b);
	strv_free(&k);
	ok(!strcmp(keep(orig, "{\"mcpServers\": ", b, sizeof(b), &k), "(error -7)") &&
	   !strcmp(keep("not json", "{}", b, sizeof(b), &k), "(error -7)"),
	   "state: either text not JSON: nothing to write back");
	strv_free(&k);
}

/* What a .envrc names with direnv's stdlib, and what rc files source. */
static void test_envrc(void)
{
	char d[] = "/tmp/hush-unit-envrc.XXXXXX", p[4200], real[4096];
	if (!mkdtemp(d) || !realpath(d, real)) {
		skip("mkdtemp failed");
		return;
	}
	snprintf(p, sizeof(p), "%s/sub", real);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sub/.envrc", real);
	FILE *f = fopen(p, "w");
	snprintf(p, sizeof(p), "%s/local.sh", real);
	FILE *l = fopen(p, "w");
	if (!f || !l) {
		skip("cannot write the fixture");
		return;
	}
	fputs("PATH_add bin # comment\nsource_env_if_exists ../local.sh && dotenv\n"
	      "path_add PYTHONPATH lib; use flake\nsource_env $HOME/x; echo source_env nothing\n"
	      "source_env ../../../../../../../etc/x\nPATH_add \"$(pwd)\"\n", f);
	fputs("PATH_add tools\n", l);
	fclose(f);
	fclose(l);
	struct strv out = { 0 };
	snprintf(p, sizeof(p), "%s/sub/.envrc", real);
	ok(sandbox_envrc_named(p, "/home/u", &out) == 0, "a .envrc read");
	char want[8][4200];
	const char *rel[] = { "sub/bin", "local.sh", "tools", "sub/.env", "sub/lib", "sub/flake.nix",
			      "sub/.direnv", NULL };
	bool all = true;
	for (size_t i = 0; rel[i]; i++) {
		snprintf(want[i], sizeof(want[i]), "%s/%s", real, rel[i]);
		all &= strv_has(&out, want[i]);
	}
	ok(all, "PATH_add, a sourced file and what it adds, dotenv's default, path_add, use");
	ok(strv_has(&out, "/home/u/x"), "$HOME expanded");
	bool above = false;
	for (size_t i = 0; i < out.n; i++)
		above |= strstr(out.v[i], "etc/x") != NULL;
	ok(!above, "a path above / is not taken");
	bool none = true;
	for (size_t i = 0; i < out.n; i++)
		none &= !strstr(out.v[i], "$(") && !strstr(out.v[i], "nothing");
	ok(none, "a path built at run time, and an argument to another command, are not taken");
	struct strv rc = { 0 };
	snprintf(p, sizeof(p), "%s/sub/.envrc", real);
	ok(sandbox_rc_sourced(p, "/home/u", &rc) == 0 && rc.n == 0,
	   "as a shell rc file, only existing files it sources count (%zu)", rc.n);
	strv_free(&out);
	strv_free(&rc);
	t_rmtree(real);
}

/* What hush sandbox prints comes from sandbox/report.c and plan.c. */
static char *written(void (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, arg);
	fclose(f);
	return buf;
}

static void write_plan(FILE *f, const void *pl)
{
	sandbox_plan_write(f, pl);
}

static void write_fail(FILE *f, const void *fl)
{
	ok(sandbox_fail_write(f, fl) == 1, "an unsearchable directory exits 1");
}

static void write_notes(FILE *f, const void *arg)
{
	(void)arg;
	sandbox_note_write(f, SANDBOX_NOTE_WARN, "w");
	sandbox_note_write(f, SANDBOX_NOTE_HINT, "h");
	sandbox_note_write(f, SANDBOX_NOTE_INFO, "i");
}

static void test_report(void)
{
	ok(sandbox_host_pattern_valid("api.example.com") && sandbox_host_pattern_valid("*.x.org:443") &&
	   !sandbox_host_pattern_valid("") && !sandbox_host_pattern_valid("a b") &&
	   !sandbox_host_pattern_valid("a/b"), "--allow-host patterns: host[:port] and globs only");
	const char *hint;
	ok(sandbox_fail_status(SANDBOX_FAIL_PROJECT, &hint) == 2 && hint, "not a project: exit 2, a hint");
	ok(sandbox_fail_status(SANDBOX_FAIL_EXEC, &hint) == 127 && !hint, "the agent did not run: 127");
	ok(sandbox_fail_status(SANDBOX_FAIL_SETUP, &hint) == 1 && !hint, "a kind without a row: 1");
	ok(sandbox_fail_status((enum sandbox_fail)999, &hint) == 1 && !hint, "an unknown kind: 1");
	msg_set_progname("hush");
	struct sandbox_failure f = { .kind = SANDBOX_FAIL_UNSEARCHABLE };
	snprintf(f.msg, sizeof(f.msg), "sandbox: cannot search /p/x");
	char *out = written(write_fail, &f);
	const char *want = "hush: sandbox: cannot search /p/x\nhint: make it searchable";
	ok(!strncmp(out, want, strlen(want)),
	   "a failure: its line, then its hint");
	free(out);
	out = written(write_notes, NULL);
	ok(!strcmp(out, "hush: warning: w\nhint: h\nhush: i\n"), "notes: warning, hint, line");
	free(out);
	struct sandbox_plan pl = { 0 };
	sandbox_plan_add(&pl, SB_OP_BIND_RW, "/p", "/p", "the project");
	sandbox_plan_add(&pl, SB_OP_LINK, "/bin/gh", "/usr/bin/hush", NULL);
	strv_push(&pl.absent, "/p/.envrc");
	out = written(write_plan, &pl);
	ok(strstr(out, "\n  writable       /p  (the project)\n") &&
	   strstr(out, "\n  route-link     /bin/gh <- /usr/bin/hush\n") &&
	   strstr(out, "\n  watched        /p/.envrc  (does not exist"), "the plan, one line an operation");
	free(out);
	sandbox_plan_free(&pl);
}

int main(void)
{
	test_report();
	test_env();
	test_match();
	test_resolved();
	test_scan();
	test_claude_named();
	test_claude_state();
	test_envrc();
	const char *why = NULL;
	int abi = sandbox_landlock_abi(&why);
	ok(abi > 0 || why != NULL, "Landlock probe gives an ABI or a reason");
	return t_done();
}
