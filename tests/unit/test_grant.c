/* SPDX-License-Identifier: ISC */
/* Unit tests for grant argument matching (broker/grant.c) and the bounded
 * glob under it (common/glob.c): the documented patterns, hostile ones in
 * bounded time, agreement with fnmatch(3), examples/deploy-grant.ini. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/grant.h"
#include "common/glob.h"
#include "common/util.h"
#include "config/config.h"
#include "t.h"

static char err[1024];

static int load(struct config *c, const char *text)
{
	return config_load_buffer(c, "test.ini", text, strlen(text), err, sizeof(err));
}

/* M(grant, "arg", ...): grant_args_match() on these arguments. */
#define M(gr, ...) grant_args_match(gr, (char *[]){ __VA_ARGS__ }, \
	sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *))

static void test_args_match(void)
{
	struct config c;
	int r = load(&c, "[grant d]\ncommand = /bin/nctl\nargs = * --organization=test-org *\n"
			 "[grant e]\ncommand = /bin/e\nargs = deploy --org=test *.yml\n"
			 "[grant f]\ncommand = /bin/f\nargs = * x * y *\n"
			 "[grant g]\ncommand = /bin/g\nargs = [*] \\? [!-]*\n");
	ok(r == 0, "match grants load (%s)", err);
	if (r)
		return;
	const struct grant *d = config_grant(&c, "d"), *e = config_grant(&c, "e"),
			   *f = config_grant(&c, "f"), *g = config_grant(&c, "g");
	ok(M(d, "--organization=test-org"), "only the pinned argument");
	ok(M(d, "apps", "deploy", "--organization=test-org"), "star before");
	ok(M(d, "--organization=test-org", "--wait", "x"), "star after");
	ok(!M(d, "deploy", "--organization=prod-org"), "prod-org refused");
	ok(!M(d, "deploy"), "missing organization refused");
	ok(!M(d, "deploy", "--organization=test-org --x"),
	   "argument with a space inside one argv element does not cheat");
	ok(!M(d, "deploy", "--organization=test-org2"), "longer value refused");
	ok(!M(d, "--organization", "test-org"), "split form is a different argument list");
	ok(!grant_args_match(d, NULL, 0), "no arguments refused");
	ok(M(e, "deploy", "--org=test", "app.yml"), "glob token");
	ok(!M(e, "deploy", "--org=test", "app.yaml"), "glob token mismatch");
	ok(!M(e, "deploy", "--org=test", "app.yml", "extra"), "no star: extra argument refused");
	ok(!M(e, "deploy", "--org=test"), "missing argument refused");
	ok(M(f, "x", "y"), "multi-star minimal");
	ok(M(f, "a", "x", "b", "x", "c", "y", "d"), "multi-star backtracking");
	ok(!M(f, "y", "x"), "multi-star order kept");
	ok(M(g, "*", "?", "file"), "escapes and brackets: literal * and ?");
	ok(!M(g, "a", "?", "file"), "[*] matches only a literal star");
	ok(!M(g, "*", "?", "-rf"), "[!-]* refuses a leading dash");

	/* Bounded work on a hostile request: many stars, many arguments. */
	struct config h;
	r = load(&h, "[grant h]\ncommand = /bin/h\n"
		     "args = * a * a * a * a * a * a * a * a * a * a * a * b\n"
		     "[grant i]\ncommand = /bin/i\nargs = *a*a*a*a*a*a*a*a*a*a*a*a*b\n");
	ok(r == 0, "hostile patterns load");
	enum { N = 3000 };
	char **argv = calloc(N, sizeof(char *));
	for (int i = 0; i < N; i++)
		argv[i] = "a";
	ok(!grant_args_match(config_grant(&h, "h"), argv, N), "many-star token pattern terminates");
	char *longarg = malloc(200001);
	memset(longarg, 'a', 200000);
	longarg[200000] = 0;
	char *one[] = { longarg };
	ok(!grant_args_match(config_grant(&h, "i"), one, 1), "many-star glob on a long argument");
	longarg[199999] = 'b';
	ok(grant_args_match(config_grant(&h, "i"), one, 1), "same glob matches when it should");
	free(longarg);
	free(argv);
	config_free(&h);
	config_free(&c);
}

/* A string of fewer than max characters of alpha, from a linear
 * congruential generator (the same cases every run). Its length. */
static size_t random_string(unsigned *seed, const char *alpha, size_t max, char *out)
{
	*seed = *seed * 1103515245u + 12345u;
	size_t len = (*seed >> 16) % max;
	for (size_t k = 0; k < len; k++) {
		*seed = *seed * 1103515245u + 12345u;
		out[k] = alpha[(*seed >> 16) % strlen(alpha)];
	}
	out[len] = 0;
	return len;
}

/* Whether glob_match and fnmatch(3) agree on pat and s; the first few
 * differences (shown so far) are shown. */
static bool same_as_fnmatch(const char *pat, const char *s, int shown)
{
	bool mine = glob_match(pat, s), ref = fnmatch(pat, s, 0) == 0;
	if (mine != ref && shown < 5)
		printf("# differs: pattern '%s' string '%s': ours %d fnmatch %d\n", pat, s, mine, ref);
	return mine == ref;
}

/* The glob matcher agrees with fnmatch(3) on many generated cases. */
static void test_glob_vs_fnmatch(void)
{
	static const char palpha[] = "ab*?[]!-\\";
	static const char salpha[] = "ab-*?[]\\";
	unsigned seed = 12345;
	int mismatches = 0, total = 0;
	char pat[12], s[10];
	for (int i = 0; i < 200000; i++) {
		size_t pl = random_string(&seed, palpha, sizeof(pat) - 4, pat);
		/* A trailing lone backslash is unspecified in fnmatch. */
		if (pl && pat[pl - 1] == '\\')
			continue;
		random_string(&seed, salpha, sizeof(s) - 3, s);
		total++;
		mismatches += !same_as_fnmatch(pat, s, mismatches);
	}
	ok(mismatches == 0, "glob agrees with fnmatch on %d cases (%d differ)", total, mismatches);
	ok(glob_match("[[:digit:]]x", "7x") && !glob_match("[[:digit:]]x", "ax"),
	   "character classes");

	/* brackets made of class-like pieces: classes, unknown names, "[:"
	 * that is no class, unclosed ones */
	static const char *const piece[] = { "[", "]", "[:", ":]", ":", "alpha", "digit", "upper",
					     "punct", "foo", "z", "a", "!", "^", "-", "*", "?", "x" };
	static const char salpha2[] = "a1Z:-[]!zx ^.";
	mismatches = total = 0;
	for (int i = 0; i < 200000; i++) {
		seed = seed * 1103515245u + 12345u;
		size_t np = 1 + (seed >> 16) % 7, pl = 0;
		char bpat[64];
		bpat[0] = 0;
		for (size_t k = 0; k < np; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *pc = piece[(seed >> 16) % (sizeof(piece) / sizeof(piece[0]))];
			if (pl + strlen(pc) >= sizeof(bpat))
				break;
			memcpy(bpat + pl, pc, strlen(pc) + 1);
			pl += strlen(pc);
		}
		random_string(&seed, salpha2, sizeof(s) - 3, s);
		total++;
		mismatches += !same_as_fnmatch(bpat, s, mismatches);
	}
	ok(mismatches == 0, "glob agrees with fnmatch on %d patterns made of class-like pieces (%d differ)",
	   total, mismatches);
	ok(glob_match("*", "") && glob_match("*", "a/b") &&
	   glob_match("*", ".hidden"), "star matches empty, slashes, dots");
	unsigned long budget = HUSH_GLOB_BUDGET;
	ok(glob_match_n("ab", "abc", 2, &budget) && !glob_match_n("abc", "abc", 2, &budget) &&
	   glob_match_n("a?c", "a\0c", 3, &budget) && glob_match_n("*.env", "x.envy", 5, &budget),
	   "a counted string: its length is the end, a NUL inside it is a character");
	budget = 10;
	ok(!glob_match_n("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaa", 20, &budget) && budget == 0,
	   "the budget runs out: no match (closed)");
}

/* examples/deploy-grant.ini does what its comments promise. */
static void test_deploy_example(void)
{
	const char *src = getenv("HUSH_SRC");
	char path[4096];
	snprintf(path, sizeof(path), "%s/examples/deploy-grant.ini", src ? src : ".");
	struct config c;
	int r = config_load(&c, path, false, err, sizeof(err));
	ok(r == 0, "examples/deploy-grant.ini loads (%s)", err);
	if (r)
		return;
	const struct grant *d = config_grant(&c, "deploy-test");
	const struct grant *s = config_grant(&c, "deploy-test-strict");
	ok(d && s, "both example grants present");
	if (!d || !s) {
		config_free(&c);
		return;
	}
	ok(M(d, "deploy", "--organization=test-org", "app.yml"), "example: test-org allowed");
	ok(!M(d, "deploy", "--organization=prod-org", "app.yml"), "example: prod-org refused");
	ok(!M(d, "deploy", "--organization=test-org --organization=prod-org"),
	   "example: one smuggled argument refused");
	ok(M(d, "deploy", "--organization=test-org", "--organization=prod-org"),
	   "example: the documented weakness of '* X *' (second option) is real");
	ok(M(s, "deploy", "app.yml", "--organization=test-org"), "strict: deploy allowed");
	ok(M(s, "status", "--organization=test-org"), "strict: status allowed");
	ok(!M(s, "deploy", "--organization=prod-org", "--organization=test-org"),
	   "strict: a second organization option refused");
	ok(!M(s, "deploy", "app.yml", "--organization=test-org", "--organization=prod-org"),
	   "strict: a trailing organization option refused");
	ok(!M(s, "deploy", "app.yml", "--organization=prod-org"), "strict: prod-org refused");
	ok(!M(s, "destroy", "x", "--organization=test-org"), "strict: other subcommands refused");
	config_free(&c);
}

int main(void)
{
	test_args_match();
	test_glob_vs_fnmatch();
	test_deploy_example();
	return t_done();
}
