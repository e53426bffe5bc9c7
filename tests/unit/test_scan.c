/* SPDX-License-Identifier: ISC */
/* Unit tests for scan/: checksums (CRC32/base62 with a token generator,
 * Bech32), matcher decisions (tokens, look-alikes, placeholders, generic
 * assignments, hush:allow, overlaps), masking, fingerprints, baselines,
 * the rc-file parser, the migrate planner/renderer and the rewrite of a
 * file and its undo. */
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"
#include "scan/match.h"
#include "scan/migrate.h"
#include "scan/rcfile.h"
#include "scan/job.h"
#include "scan/report.h"
#include "scan/rewrite.h"
#include "scan/scan.h"
#include "t.h"
#include "vault/backup.h"
#include "vault/vault.h"

static const char B62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* A GitHub/npm style token: prefix, 30 random base62, 6-char CRC suffix. */
static void gen_token(const char *prefix, char *out, size_t n)
{
	char r[31];
	for (int i = 0; i < 30; i++)
		r[i] = B62[randombytes_uniform(62)];
	r[30] = 0;
	char c[7];
	scan_base62_crc(r, 30, c);
	snprintf(out, n, "%s%s%s", prefix, r, c);
}

/* Rule of the only hit in s (flags), "" when none, "many" when several. */
static const char *only_rule(const char *s, unsigned flags)
{
	static char buf[64];
	struct scan_hits h = { 0 };
	scan_buffer(s, strlen(s), flags, &h);
	snprintf(buf, sizeof(buf), "%s", h.n == 0 ? "" : h.n > 1 ? "many" : h.v[0].rule);
	scan_hits_free(&h);
	return buf;
}

static void test_checksums(void)
{
	ok(scan_crc32("123456789", 9) == 0xCBF43926u, "CRC32 check value");
	char c[7];
	scan_base62_crc("16C7e42F292c6912E7710c838347Ae", 30, c);
	ok(!strcmp(c, "4H2Y7G"), "base62 CRC suffix matches zlib.crc32 + base62 (%s)", c);
	int good = 0, bad = 0;
	for (int i = 0; i < 200; i++) {
		char t[64];
		gen_token(i % 2 ? "ghp_" : "npm_", t, sizeof(t));
		struct scan_hits h = { 0 };
		scan_buffer(t, strlen(t), 0, &h);
		good += h.n == 1 && h.v[0].check == SCAN_CHECK_VALID && h.v[0].len == 40;
		scan_hits_free(&h);
		t[39] = t[39] == 'A' ? 'B' : 'A';
		scan_buffer(t, strlen(t), 0, &h);
		bad += h.n != 0;
		scan_hits_free(&h);
	}
	ok(good == 200, "200 generated tokens verified (%d)", good);
	ok(bad == 0, "a changed checksum character is rejected (%d reported)", bad);
	const char *age = "AGE-SECRET-KEY-1N46CLYDYREQ5W04XD9J8A77E3YG3G9Q4GGEH6LFFTU0VPPDUZM5Q8AVXJ8";
	ok(scan_bech32_valid(age, strlen(age)), "age key Bech32 valid");
	char age2[80];
	snprintf(age2, sizeof(age2), "%s", age);
	age2[40] = age2[40] == 'Q' ? 'P' : 'Q';
	ok(!scan_bech32_valid(age2, strlen(age2)), "age key with one changed char invalid");
	ok(!strcmp(only_rule(age, 0), "age-secret-key"), "age key found");
	ok(!strcmp(only_rule(age2, 0), ""), "age key with bad checksum not reported");
	const char *pypi = "pypi-AgEIcHlwaS5vcmcCJeW-rkcic945apVZS_8jU2XI8OJJBKE_8klDs_-Fo-jRkNKrAfMABiA1uS1Zdh8NX-9CJDlE_mzjbvrVjoUr7joKyuyGb-MmFQ";
	ok(!strcmp(only_rule(pypi, 0), "pypi-token"), "PyPI macaroon header verified");
	ok(!strcmp(only_rule("pypi-AgEIcHlwaS5vcmdXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", 0), ""),
	   "PyPI token whose macaroon does not parse is rejected");
}

static void test_matcher(void)
{
	ok(!strcmp(only_rule("key = AKIAIOSFODNN7EXAMPLE", 0), ""), "AWS documentation example ignored");
	ok(!strcmp(only_rule("id AKIA2OGYBAH6Q5KHQ7XM here", 0), "aws-access-key-id"), "AWS key id alone");
	ok(!strcmp(only_rule("password = \"changeme\"", 0), ""), "placeholder password ignored");
	ok(!strcmp(only_rule("api_key = \"a8f7Kq2mZx91LpQw3\"", 0), "generic-secret"), "generic secret assignment");
	ok(!strcmp(only_rule("api_key = \"a8f7Kq2mZx91LpQw3\" # hush:allow", 0), ""), "hush:allow suppresses");
	ok(!strcmp(only_rule("token = os.environ['TOKEN']", 0), ""), "environment lookup ignored");
	ok(!strcmp(only_rule("public_key = \"a8f7Kq2mZx91LpQw3\"", 0), ""), "public key names ignored");
	ok(!strcmp(only_rule("sha256 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"", 0), ""),
	   "hash under a non-secret name ignored");
	ok(!strcmp(only_rule("PORT=3000", SCAN_F_CREDFILE), ""), "short value in a credential file ignored");
	ok(!strcmp(only_rule("DB_PASSWORD=hunter2x", SCAN_F_CREDFILE), "generic-secret"),
	   "any non-placeholder secret value in a credential file");
	ok(!strcmp(only_rule("postgres://app:Xk29vLq81mZ@db:5432/app", 0), "url-password"), "URL password");
	ok(!strcmp(only_rule("https://user:password@example.com", 0), ""), "URL placeholder password ignored");
	ok(!strcmp(only_rule("http://example.com:8080/path", 0), ""), "URL port is not a password");
	char t[64], line[128];
	gen_token("ghp_", t, sizeof(t));
	snprintf(line, sizeof(line), "GITHUB_TOKEN=%s", t);
	ok(!strcmp(only_rule(line, SCAN_F_CREDFILE), "github-pat"), "token wins over the generic rule on overlap");
	snprintf(line, sizeof(line), "token = \"%.39s%c\"", t, t[39] == 'A' ? 'B' : 'A');
	ok(!strcmp(only_rule(line, 0), ""), "a failed checksum is not reported again as a generic secret");
	ok(!strcmp(only_rule("REDIS_URL=redis://localhost:6379/0", SCAN_F_CREDFILE), ""),
	   "URL without a password in a credential file");
	struct scan_hits h = { 0 };
	snprintf(line, sizeof(line), "a\nb\n\nx %s\n", t);
	scan_buffer(line, strlen(line), 0, &h);
	ok(h.n == 1 && h.v[0].line == 4, "line numbers are 1-based (%d)", h.n ? h.v[0].line : -1);
	scan_hits_free(&h);
	ok(scan_value_token_rule(t, strlen(t)) && !strcmp(scan_value_token_rule(t, strlen(t)), "github-pat"),
	   "scan_value_token_rule");
	ok(scan_rule_count() >= 40, "at least 40 rules (%zu)", scan_rule_count());
	ok(scan_entropy("aaaa", 4) == 0.0, "entropy of a constant is 0");
	double e = scan_entropy("abcd", 4);
	ok(e > 1.999 && e < 2.001, "entropy of abcd is 2 (%f)", e);
}

static void test_names_and_placeholders(void)
{
	const char *yes[] = { "GITHUB_TOKEN", "db_password", "apiKey", "client-secret", "AWS_SECRET_ACCESS_KEY",
			      "passphrase", "_auth", "SLACK_WEBHOOK_URL", "privateKey" };
	const char *no[] = { "PUBLIC_KEY", "token_url", "TOKEN_TYPE", "max_tokens", "KEY_ID", "PWD",
			     "password_file", "author", "key", "cache_key_prefix" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ok(scan_name_is_secret(yes[i], strlen(yes[i])), "secret name: %s", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ok(!scan_name_is_secret(no[i], strlen(no[i])), "not a secret name: %s", no[i]);
	const char *ph[] = { "", "changeme", "your-token-here", "xxxxxxxx", "${TOKEN}", "<secret>", "****",
			     "TODO", "example-key", "dummy", "{{ vault }}", "$VAR", "test" };
	for (size_t i = 0; i < sizeof(ph) / sizeof(ph[0]); i++)
		ok(scan_value_is_placeholder(ph[i], strlen(ph[i])), "placeholder: '%s'", ph[i]);
	ok(!scan_value_is_placeholder("a8f7Kq2mZx91LpQw3", 17), "random value is not a placeholder");
}

static void test_mask_fingerprint_baseline(void)
{
	char m[64];
	scan_mask("ghp_abcdefghijklmnopqrstuvwxyz0123456789", 40, m, sizeof(m));
	ok(!strcmp(m, "ghp_\xe2\x80\xa6(40 chars)"), "mask keeps 4 chars and the length: %s", m);
	scan_mask("short12", 7, m, sizeof(m));
	ok(!strcmp(m, "\xe2\x80\xa6(7 chars)"), "short values show no character: %s", m);
	char f1[33], f2[33], f3[33];
	scan_fingerprint("a/.env", "generic-secret", "v1", 2, f1);
	scan_fingerprint("a/.env", "generic-secret", "v1", 2, f2);
	scan_fingerprint("b/.env", "generic-secret", "v1", 2, f3);
	ok(!strcmp(f1, f2) && strcmp(f1, f3) && strlen(f1) == 32, "fingerprint stable, path-dependent");
	char doc[128];
	snprintf(doc, sizeof(doc), "{\"version\":1,\"fingerprints\":[\"%s\", \"%s\"]}", f1, f3);
	struct scan_baseline b;
	ok(baseline_parse(doc, strlen(doc), &b) == 0 && b.n == 2 && !strcmp(b.fp[0], f1), "baseline parses");
	baseline_free(&b);
	const char *bad[] = { "{}", "{\"fingerprints\":[\"abc\"]}", "{\"fingerprints\":[", "{\"fingerprints\":3}",
			      "{\"fingerprints\":[\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\"]}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(baseline_parse(bad[i], strlen(bad[i]), &b) != 0, "bad baseline rejected: %s", bad[i]);
}

struct collect {
	char out[2048];
};

static int collect_entry(void *p, const struct rc_entry *e)
{
	struct collect *c = p;
	size_t l = strlen(c->out);
	snprintf(c->out + l, sizeof(c->out) - l, "%d:%s=[%s]%s%s;", e->line, e->name, e->value,
		 e->dynamic ? " dyn" : "", e->why_not ? " !" : "");
	return 0;
}

static const char *parse(const char *s, enum rc_shell sh)
{
	static struct collect c;
	c.out[0] = 0;
	rcfile_parse(s, strlen(s), sh, collect_entry, &c);
	return c.out;
}

static void test_rcfile(void)
{
	ok(!strcmp(parse("export A=1\n", RC_SHELL_SH), "1:A=[1];"), "export NAME=value");
	ok(!strcmp(parse("export A=\"x \\\"q\\\" \\$y\"\n", RC_SHELL_SH), "1:A=[x \"q\" $y];"), "double quotes and escapes");
	ok(!strcmp(parse("export A='it'\\''s'\n", RC_SHELL_SH), "1:A=[it's];"), "single quote concatenation");
	ok(!strcmp(parse("A=v; export A\n", RC_SHELL_SH), "1:A=[v];"), "NAME=value; export NAME");
	ok(!strcmp(parse("A=v\nexport A\n", RC_SHELL_SH), "1:A=[v];"), "export on a later line");
	ok(!strcmp(parse("A=v\n", RC_SHELL_SH), ""), "unexported assignment ignored");
	ok(!strcmp(parse("declare -x A=v\ndeclare -a B=(1)\n", RC_SHELL_SH), "1:A=[v];"), "declare -x");
	ok(strstr(parse("export A=$(cmd)\n", RC_SHELL_SH), " dyn") != NULL, "$(...) is dynamic");
	ok(strstr(parse("export A=`cmd`\n", RC_SHELL_SH), " dyn") != NULL, "backticks are dynamic");
	ok(strstr(parse("export A=\"$HOME/x\"\n", RC_SHELL_SH), " dyn") != NULL, "$VAR is dynamic");
	ok(strstr(parse("export A=\"multi\nline\"\n", RC_SHELL_SH), " !") != NULL, "multi-line value not rewritable");
	ok(strstr(parse("export A=1 && echo\n", RC_SHELL_SH), " !") != NULL, "other commands on the line");
	ok(!strcmp(parse("cat <<EOF\nexport A=1\nEOF\nexport B=2\n", RC_SHELL_SH), "4:B=[2];"), "here-documents skipped");
	ok(!strcmp(parse("export A=1 \\\n  B=2\n", RC_SHELL_SH), "1:A=[1] !;"), "continued lines not rewritten");
	ok(!strcmp(parse("set -gx A 'x\\'y'\nset -g B 1\nset -x C \"q\"\n", RC_SHELL_FISH), "1:A=[x'y];3:C=[q];"),
	   "fish set -gx / -x; set -g not exported");
	ok(strstr(parse("set -gx A (cmd)\n", RC_SHELL_FISH), " dyn") != NULL, "fish command substitution dynamic");
	ok(strstr(parse("set -gx PATH a b\n", RC_SHELL_FISH), " !") != NULL, "fish list value not rewritable");
	ok(!strcmp(parse("set -e A\n", RC_SHELL_FISH), ""), "fish set -e ignored");
}

static void test_migrate(void)
{
	const char *rc = "# top\nexport GH_TOKEN=abc123def456\n  export X_SECRET='s3cr3t-v4lue'\nexport EDITOR=vim\n"
			 "export D_TOKEN=$(pass x)\n";
	struct migrate_plan p;
	ok(migrate_plan_rc(rc, strlen(rc), RC_SHELL_SH, &p) == 0, "plan rc");
	ok(p.n == 3 && migrate_moving(&p) == 2, "two move, one dynamic reported (%zu/%zu)", migrate_moving(&p), p.n);
	ok(migrate_render(rc, strlen(rc), "2026-01-01", &p) == 0, "render");
	const char *want = "# top\n# GH_TOKEN moved to hush vault (hush migrate, 2026-01-01): use 'hush run' or 'hush get GH_TOKEN'\n"
			   "  : # X_SECRET moved to hush vault (hush migrate, 2026-01-01): use 'hush run' or 'hush get X_SECRET'\n"
			   "export EDITOR=vim\nexport D_TOKEN=$(pass x)\n";
	ok(p.out && !strcmp(p.out, want), "rendered rc file");
	migrate_plan_free(&p);
	const char *env = "# c\nA_KEY=v1\nexport B=\"x\ny\"\nC=\nD=${E}\n";
	ok(migrate_plan_dotenv(env, strlen(env), "MY_APP", &p) == 0, "plan dotenv");
	ok(migrate_render(env, strlen(env), "", &p) == 0 && !strcmp(p.out, "# c\nA_KEY=\nexport B=\nC=\nD=${E}\n"),
	   "dotenv keeps names only");
	ok(p.n == 3 && !strcmp(p.v[0].target, "MY_APP_A_KEY"), "scoped vault names");
	migrate_plan_free(&p);
	static const struct { const char *dir, *want; } names[] = {
		{ "/x/my-app 2", "MY_APP_2" }, { "/x/2fast", "_2FAST" }, { "/x/---", "PROJECT" },
	};
	char proj[64];
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		migrate_project_name(names[i].dir, proj, sizeof(proj));
		ok(!strcmp(proj, names[i].want), "project name of %s: %s", names[i].dir, proj);
	}
}

/* One rc file through scan/rewrite.h: planned, stored (a name holding
 * another value becomes a conflict and stays), rewritten with a sealed
 * backup, then put back by rewrite_undo(). */
/* A temporary home (dir from its template): its .bashrc's path in rc,
 * HUSH_HOME its data directory. False when it could not be made. */
static bool temp_home(char *dir, char rc[64])
{
	char data[64];
	if (!mkdtemp(dir)) {
		skip("mkdtemp failed");
		return false;
	}
	snprintf(rc, 64, "%s/.bashrc", dir);
	snprintf(data, sizeof(data), "%s/data", dir);
	setenv("HUSH_HOME", data, 1);
	return true;
}

/* A new vault in dir (passphrase "x", the fastest KDF) holding
 * OTHER_SECRET=else. */
static struct vault *temp_vault(const char *dir)
{
	char vp[64];
	snprintf(vp, sizeof(vp), "%s/vault", dir);
	const struct vault_kdf kdf = { .opslimit = 1, .memlimit = VAULT_KDF_MEM_MIN };
	struct vault_unlock u = { .passphrase = "x", .passphrase_len = 1 };
	struct vault *v = NULL;
	if (vault_create(vp, VAULT_KEY_PASSPHRASE, &u, &kdf, &v) == 0 &&
	    vault_set(v, "OTHER_SECRET", "else", 4, VAULT_ORIGIN_SET) == 0)
		return v;
	vault_close(v);
	return NULL;
}

static void test_rewrite(void)
{
	char dir[] = "/tmp/hush-rewrite-XXXXXX", rc[64];
	if (!temp_home(dir, rc))
		return;
	const char *orig = "export GH_TOKEN=abc123def456\nexport OTHER_SECRET=zzz999zzz\n";
	ok(file_write_atomic(rc, orig, strlen(orig), 0600, NULL) == 0, "rc file written");
	struct vault *v = temp_vault(dir);
	ok(v != NULL, "vault with OTHER_SECRET");
	struct rewrite w;
	rewrite_init(&w);
	ok(rewrite_add(&w, rc, false) == 0 && w.n == 1 && w.moving == 2, "both planned to move");
	ok(rewrite_add(&w, "/nonexistent/.zshrc", false) == HUSH_EIO && w.n == 1, "a missing file is not added");
	ok(rewrite_store(&w, v) == 0, "stored");
	const struct migrate_plan *p = &w.v[0].plan;
	ok(p->v[0].state == MIGRATE_MOVES && p->v[1].state == MIGRATE_CONFLICT, "the other value is a conflict");
	const char *val;
	size_t len;
	ok(vault_get(v, "OTHER_SECRET", &val, &len) == 0 && len == 4, "... and not overwritten");
	ok(rewrite_write(&w) == 0 && w.v[0].backup[0], "rewritten, with a backup");
	char *now = NULL;
	size_t nlen = 0;
	ok(file_read_all(rc, 4096, false, &now, &nlen) == 0 && strstr(now, "# GH_TOKEN moved") &&
	   strstr(now, "export OTHER_SECRET=zzz999zzz\n"), "only the moved line changed");
	free(now);
	char bdir[128];
	struct rewrite_undo res;
	ok(backup_dir(bdir, sizeof(bdir)) == 0 &&
	   rewrite_undo(bdir, w.key, rc, false, &res) == REWRITE_RESTORED, "undone");
	ok(file_read_all(rc, 4096, false, &now, &nlen) == 0 && !strcmp(now, orig), "the file is as it was");
	free(now);
	ok(rewrite_undo(bdir, w.key, rc, false, &res) == REWRITE_NO_BACKUP, "its backups are gone");
	rewrite_free(&w);
	vault_close(v);
	ok(t_rmtree(dir) == 0, "cleaned up");
}

static void failed_count(void *ctx, const char *path, int rc)
{
	(void)path;
	(void)rc;
	++*(int *)ctx;
}

/* The jobs of hush migrate, --undo, hush import --replace and hush setup
 * through scan/rewrite.h, and hush scan through scan/job.h. */
static void test_jobs(void)
{
	char dir[] = "/tmp/hush-jobs-XXXXXX", rc[64], env[80];
	if (!temp_home(dir, rc))
		return;
	snprintf(env, sizeof(env), "%s/proj", dir);
	mkdir(env, 0700);
	snprintf(env, sizeof(env), "%s/proj/.env", dir);
	const char *orig = "export GH_TOKEN=abc123def456\nexport OTHER_SECRET=zzz999zzz\n"
			   "export X_TOKEN=$(pass x)\n";
	const char *dotenv = "API_KEY=k3y-v4lue-123\nDB_PASSWORD=hunter2hunter2\nPORT=8080\n";
	ok(file_write_atomic(rc, orig, strlen(orig), 0600, NULL) == 0 &&
	   file_write_atomic(env, dotenv, strlen(dotenv), 0600, NULL) == 0, "an rc file and a .env");
	ok(rewrite_pending_rc(dir) == 2, "pending in the rc files: 2 (the $(...) one stays)");
	char *names = NULL;
	ok(rewrite_pending_dotenv(env, &names) == 3 && names && !strcmp(names, "API_KEY, DB_PASSWORD, PORT"),
	   "pending in the .env: %s", names ? names : "(none)");
	free(names);
	ok(rewrite_pending_dotenv("/nonexistent/.env", &names) == 0 && !names, "an unreadable .env: none");

	_cleanup_strv_ struct strv defaults = STRV_INIT;
	ok(rewrite_default_rc(dir, &defaults) == 0 && defaults.n == 6, "six default rc files");
	struct rewrite w;
	rewrite_init(&w);
	int nfailed = 0;
	char *bad[] = { "/nonexistent/.zshrc" };
	ok(rewrite_add_rc(&w, bad, 1, &defaults, failed_count, &nfailed) == 1 && nfailed == 1 && w.n == 0,
	   "a named file that cannot be read is reported");
	ok(rewrite_add_rc(&w, NULL, 0, &defaults, failed_count, &nfailed) == 0 && nfailed == 1 && w.n == 1,
	   "by default only the rc files that exist");
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	FILE *out = open_memstream(&obuf, &olen), *err = open_memstream(&ebuf, &elen);
	msg_set_progname("hush");
	rewrite_report_plan(out, err, &w, true);
	fclose(out);
	fclose(err);
	ok(strstr(obuf, ".bashrc") && !strstr(obuf, "abc123def456") && strstr(ebuf, "hush: not moved: ") &&
	   strstr(ebuf, "X_TOKEN"), "the plan: a masked diff, and what stays");
	free(obuf);
	free(ebuf);

	struct vault *v = temp_vault(dir);
	ok(v && rewrite_store(&w, v) == 0, "stored, with a conflict");
	err = open_memstream(&ebuf, &elen);
	ok(rewrite_report_conflicts(err, &w) == 1, "one conflict");
	fclose(err);
	ok(strstr(ebuf, "not moved: ") && strstr(ebuf, "OTHER_SECRET") &&
	   strstr(ebuf, "\nhint: compare with \"hush get OTHER_SECRET\""), "the conflict and its hint");
	free(ebuf);
	ok(rewrite_write(&w) == 0, "rewritten");

	char bdir[128];
	_cleanup_strv_ struct strv targets = STRV_INIT, missing = STRV_INIT;
	size_t unreadable = 9, done = 0;
	char *named[] = { "/nonexistent/x", rc, rc };
	ok(backup_dir(bdir, sizeof(bdir)) == 0 &&
	   rewrite_undo_targets(named, 3, &defaults, bdir, w.key, &targets, &missing, &unreadable) == 0 &&
	   targets.n == 1 && missing.n == 1 && !strcmp(missing.v[0], "/nonexistent/x") && unreadable == 0,
	   "named targets: once each, a missing directory set apart");
	strv_free(&targets);
	ok(rewrite_undo_targets(NULL, 0, &defaults, bdir, w.key, &targets, &missing, &unreadable) == 0 &&
	   targets.n == 5 && strv_has(&targets, rc), "by default: the backed-up files and the rc files "
	   "whose directory exists (%zu)", targets.n);
	out = open_memstream(&obuf, &olen);
	err = open_memstream(&ebuf, &elen);
	ok(rewrite_undo_each(bdir, w.key, &targets, false, true, out, err, &done) == 0 && done == 1,
	   "undone: one file put back, the others quietly without a backup");
	fclose(out);
	fclose(err);
	ok(strstr(obuf, "restored ") && !*ebuf, "restored, nothing on err");
	free(obuf);
	free(ebuf);
	rewrite_free(&w);
	vault_close(v);

	ok(report_format_known("sarif") && !report_format_known("xml"), "scan formats");
	struct config cfg;
	ok(config_defaults(&cfg) == 0, "default config");
	char *paths[] = { env };
	struct scan_job j = { .cfg = &cfg, .paths = paths, .npaths = 1, .no_git = true };
	struct scan_result r;
	struct scan_failure f;
	ok(scan_job_run(&j, &r, &f) == 0 && r.n >= 1, "scan_job_run finds the .env values (%zu)", r.n);
	out = open_memstream(&obuf, &olen);
	report_write(out, &r, "json", false);
	fclose(out);
	ok(obuf[0] == '{' || obuf[0] == '[', "report_write: json");
	free(obuf);
	scan_result_free(&r);
	char *none[] = { "/nonexistent/dir" };
	j.paths = none;
	ok(scan_job_run(&j, &r, &f) == HUSH_ENOENT && f.status == 2 &&
	   !strncmp(f.what, "cannot scan /nonexistent/dir", 28), "a missing path: exit 2, %s", f.what);
	scan_result_free(&r);
	j.paths = paths;
	j.rules = "/nonexistent/rules.toml";
	ok(scan_job_run(&j, &r, &f) == HUSH_ECONFIG && f.status == 2 && f.hint &&
	   !strncmp(f.what, "cannot load the rules: ", 23), "rules that do not load: exit 2 and a hint");
	scan_result_free(&r);
	config_free(&cfg);
	unsetenv("HUSH_HOME");
	ok(t_rmtree(dir) == 0, "cleaned up");
}

static void test_credfile_names(void)
{
	ok(scan_credfile_kind("a/.env") == SCAN_CF_DOTENV, ".env");
	ok(scan_credfile_kind("a/.env.production") == SCAN_CF_DOTENV, ".env.production");
	ok(scan_credfile_kind("a/.env.example") == SCAN_CF_TEMPLATE, ".env.example is a template");
	ok(scan_credfile_kind("/h/.aws/credentials") == SCAN_CF_CONFIG, "~/.aws/credentials");
	ok(scan_credfile_kind("x/credentials") == SCAN_CF_NONE, "credentials outside .aws");
	ok(scan_credfile_kind("k/store.p12") == SCAN_CF_PKCS12, "*.p12");
	ok(scan_credfile_kind("main.c") == SCAN_CF_NONE, "ordinary file");
	char *hide[] = { ".env", ".env.*", "!.env.example" };
	char *dirs[] = { "/home/u/.aws" };
	ok(scan_sandbox_hides("/p/.env.local", hide, 3, dirs, 1), "sandbox hides .env.local");
	ok(!scan_sandbox_hides("/p/.env.example", hide, 3, dirs, 1), "! un-hides .env.example");
	ok(scan_sandbox_hides("/home/u/.aws/credentials", hide, 3, dirs, 1), "hide_dirs hide below");
	ok(!scan_sandbox_hides("/home/u/.awsx/c", hide, 3, dirs, 1), "hide_dirs are not prefixes of names");
}

T_MAIN(test_checksums, test_matcher, test_names_and_placeholders, test_mask_fingerprint_baseline,
       test_rcfile, test_migrate, test_rewrite, test_jobs, test_credfile_names)
