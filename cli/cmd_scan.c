/* SPDX-License-Identifier: ISC */
/* hush scan, hush migrate (and --undo, --purge-backups) and hush import
 * FILE --replace: find exposed secrets and move them into the vault. The
 * scanning is scan/scan.h, the rewriting scan/rewrite.h; this file reads
 * the options, prints and picks the exit status. */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "common/strv.h"
#include "common/util.h"
#include "scan/job.h"
#include "scan/report.h"
#include "scan/rewrite.h"
#include "scan/scan.h"
#include "vault/backup.h"
#include "vault/vault.h"

enum { O_HOME = CLI_O_OWN, O_NO_GIT, O_MIGRATE, O_RULES, O_BASELINE, O_WRITE_BASELINE, O_UNDO,
       O_PURGE, O_REPLACE };

static const struct option scan_opts[] = {
	CLI_ARG("format", 'f'), CLI_OPT_JSON, CLI_FLAG("home", O_HOME),
	CLI_FLAG("no-git", O_NO_GIT), CLI_FLAG("migrate", O_MIGRATE), CLI_ARG("rules", O_RULES),
	CLI_ARG("baseline", O_BASELINE), CLI_ARG("write-baseline", O_WRITE_BASELINE), CLI_END,
};
static const struct cli_cmd scan_cmd = { "scan", cli_help_scan, "f:", scan_opts };

struct scan_args {
	const char *format, *baseline, *write_baseline;
	bool migrate;
};

static void on_progress(void *ctx, size_t done, size_t total)
{
	bool *shown = ctx;
	if (total < 2000 || !isatty(2))
		return;
	fprintf(stderr, "\rhush: scanning %zu/%zu files", done, total);
	*shown = true;
}

static int dotenv_replace(const char *file, bool dry, int pfd);

/* The findings of r after the baselines, printed; the exit status. */
static int report(struct scan_result *r, const struct scan_args *a)
{
	bool json = !strcmp(a->format, "json");
	for (size_t i = 0; i < r->nproblems && !json; i++)
		msg_warn("skipped %s: %s", r->problems[i].path, r->problems[i].why);
	int rc = a->baseline ? baseline_apply(a->baseline, r) : 0;
	if (rc) {
		msg_error("cannot read the baseline %s: %s", a->baseline, hush_strerror(rc));
		msg_hint("write one with \"hush scan --write-baseline FILE\"");
		return 2;
	}
	if (a->write_baseline && baseline_save(a->write_baseline, r)) {
		msg_error("cannot write the baseline %s: %s", a->write_baseline, strerror(errno));
		return 2;
	}
	report_write(stdout, r, a->format, isatty(1) && !getenv("NO_COLOR"));
	fflush(stdout);
	int moved = 0;
	for (size_t i = 0; a->migrate && i < r->n; i++) {
		if ((i > 0 && !strcmp(r->v[i].path, r->v[i - 1].path)) ||
		    scan_credfile_kind(r->v[i].path) != SCAN_CF_DOTENV)
			continue;
		int s = dotenv_replace(r->v[i].path, false, -1);
		moved = s > moved ? s : moved;
	}
	return moved ? moved : r->n ? 1 : 0;
}

int cmd_scan(int argc, char **argv)
{
	struct scan_args a = { .format = "text" };
	bool shown = false;
	struct scan_job j = { .progress = on_progress, .progress_ctx = &shown };
	int o;
	while ((o = cli_getopt_or_exit(&scan_cmd, argc, argv)) != -1) {
		a.format = o == 'f' ? optarg : o == CLI_O_JSON ? "json" : a.format;
		a.baseline = o == O_BASELINE ? optarg : a.baseline;
		a.write_baseline = o == O_WRITE_BASELINE ? optarg : a.write_baseline;
		j.rules = o == O_RULES ? optarg : j.rules;
		j.home |= o == O_HOME;
		j.no_git |= o == O_NO_GIT;
		a.migrate |= o == O_MIGRATE;
	}
	if (!report_format_known(a.format))
		die_usage("scan", "unknown format '%s' (text, json or sarif)", a.format);
	cli_sodium_or_exit();
	_cleanup_config_ struct config cfg;
	cli_config_or_exit(&cfg, NULL);
	j.cfg = &cfg;
	j.paths = argv + optind;
	j.npaths = (size_t)(argc - optind);
	struct scan_result r;
	struct scan_failure f;
	int rc = scan_job_run(&j, &r, &f);
	if (shown)
		fputs("\r\033[K", stderr);
	if (rc)
		cli_fail(f.status, f.what, f.hint);
	int status = report(&r, &a);
	scan_result_free(&r);
	return status;
}

/* --- moving values: the shared parts --- */

/* The user's vault, opened once (flags: VAULT_WRITE or 0), or exit 1. */
static struct vault *vault_or_exit(int pfd, int flags)
{
	static struct cli_vault x;
	return x.v ? x.v : cli_vault_or_exit(&x, pfd, flags);
}

/* --- hush import FILE --replace --- */

static const struct option replace_opts[] = {
	CLI_FLAG("replace", O_REPLACE), CLI_FLAG("dry-run", 'n'), CLI_OPT_FD,
	CLI_END,
};
static const struct cli_cmd replace_cmd = { "import", cli_help_import_replace, "", replace_opts };

static int replace_in(struct rewrite *w, bool dry, int pfd)
{
	struct rewrite_file *f = &w->v[0];
	if (dry || w->moving == 0) {
		rewrite_report_plan(stdout, stderr, w, dry);
		if (dry)
			printf("would move %zu value%s into the vault (nothing changed)\n", w->moving,
			       w->moving == 1 ? "" : "s");
		else
			printf("nothing to move in %s\n", f->shown);
		return 0;
	}
	int rc = rewrite_store(w, vault_or_exit(pfd, VAULT_WRITE));
	if (rc) {
		msg_error("import: cannot store the values of %s in the vault: %s", f->shown,
			  hush_strerror(rc));
		return 1;
	}
	rewrite_report_plan(stdout, stderr, w, false);
	if (migrate_moving(&f->plan) == 0)
		return 1;
	if (rewrite_write(w)) {
		msg_error("import: cannot rewrite %s: %s", f->shown, file_strerror(f->rc));
		msg_hint("the values are in the vault; the file is unchanged");
		return 1;
	}
	rewrite_report_dotenv(stdout, f);
	return 0;
}

static int dotenv_replace(const char *file, bool dry, int pfd)
{
	struct rewrite w;
	rewrite_init(&w);
	int rc = rewrite_add(&w, file, true), status = 2;
	if (rc)
		msg_error("import: cannot read %s: %s", file, file_strerror(rc));
	else
		status = replace_in(&w, dry, pfd);
	rewrite_free(&w);
	return status;
}

int cmd_import_replace(int argc, char **argv)
{
	bool dry = false;
	int o, pfd = -1;
	while ((o = cli_getopt_or_exit(&replace_cmd, argc, argv)) != -1) {
		dry |= o == 'n';
		if (o == CLI_O_FD)
			pfd = cli_passphrase_fd_or_exit(&replace_cmd, optarg);
	}
	cli_operands_or_exit(&replace_cmd, argc, argv, 1, 1, "FILE");
	cli_sodium_or_exit();
	return dotenv_replace(argv[optind], dry, pfd);
}

/* --- hush migrate --- */

static const struct option migrate_opts[] = {
	CLI_FLAG("dry-run", 'n'), CLI_FLAG("yes", 'y'), CLI_FLAG("undo", O_UNDO),
	CLI_FLAG("purge-backups", O_PURGE), CLI_OPT_FD, CLI_END,
};
static const struct cli_cmd migrate_cmd = { "migrate", cli_help_migrate, "ny", migrate_opts };

/* After the values are in the vault: each file rewritten, and what moved
 * printed. The exit status. */
static int migrate_rewrite(struct rewrite *w)
{
	rewrite_write(w);
	int status = rewrite_report_conflicts(stderr, w) ? 1 : 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct rewrite_file *f = &w->v[i];
		if (migrate_moving(&f->plan) && f->rc) {
			msg_error("migrate: cannot rewrite %s: %s", f->shown, file_strerror(f->rc));
			msg_hint("the secrets are in the vault; the file is unchanged");
			status = 1;
		}
	}
	rewrite_report_rc(stdout, w);
	return status;
}

static int migrate_files(struct rewrite *w, bool dry, bool yes, int pfd)
{
	rewrite_report_plan(stdout, stderr, w, dry);
	size_t m = w->moving;
	if (dry) {
		printf("would move %zu secret%s into the vault (nothing changed)\n", m, m == 1 ? "" : "s");
		return 0;
	}
	if (m == 0) {
		printf("nothing to move: no exported secrets found in %zu file%s\n", w->n,
		       w->n == 1 ? "" : "s");
		return 0;
	}
	if (!yes && !isatty(0))
		die_status(2, "look at \"hush migrate --dry-run\", then run \"hush migrate --yes\"",
			   "migrate: needs confirmation and stdin is not a terminal");
	if (!yes) {
		fprintf(stderr, "Move %zu secret%s into the vault and rewrite the file%s? [y/N] ", m,
			m == 1 ? "" : "s", w->n == 1 ? "" : "s");
		if (!cli_answer_yes()) {
			fprintf(stderr, "nothing changed\n");
			return 1;
		}
	}
	int rc = rewrite_store(w, vault_or_exit(pfd, VAULT_WRITE));
	if (rc)
		die_status(1, "no file was changed", "migrate: cannot store the secrets in the vault: %s",
			   hush_strerror(rc));
	return migrate_rewrite(w);
}

/* --undo / --purge-backups of each of files (none: every file with a
 * backup, and the default rc files). */
static int migrate_undo(char **files, size_t nfiles, const struct strv *defaults, bool purge,
			int pfd)
{
	char vpath[PATH_MAX], dir[PATH_MAX];
	uint8_t keybuf[VAULT_KEY_BYTES];
	const uint8_t *key = NULL;
	struct stat st;
	if (path_vault(vpath, sizeof(vpath)) == 0 && lstat(vpath, &st) == 0) {
		vault_copy_key(vault_or_exit(pfd, 0), keybuf);
		key = keybuf;
	}
	if (backup_dir(dir, sizeof(dir)) != 0)
		die_status(2, NULL, "cannot work out hush's data directory");
	_cleanup_strv_ struct strv targets = STRV_INIT, missing = STRV_INIT;
	size_t unreadable, done = 0;
	if (rewrite_undo_targets(files, nfiles, defaults, dir, key, &targets, &missing, &unreadable))
		die("out of memory");
	for (size_t i = 0; i < missing.n; i++)
		msg_error("migrate: %s: no such directory", missing.v[i]);
	int status = missing.n ? 2 : 0;
	if (unreadable)
		msg_warn("%zu file%s in %s did not open with this vault's key", unreadable,
			 unreadable == 1 ? "" : "s", dir);
	if (rewrite_undo_each(dir, key, &targets, purge, purge || !nfiles, stdout, stderr, &done))
		status = 1;
	sodium_memzero(keybuf, sizeof(keybuf));
	if (done == 0 && status == 0)
		printf(purge ? "no backups to remove\n" : "nothing to restore: no backups found\n");
	else if (done && !purge)
		printf("the secrets stay in the vault; remove them with \"hush rm NAME\" if you no "
		       "longer want them there\n");
	return status;
}

static void read_failed(void *ctx, const char *path, int rc)
{
	(void)ctx;
	msg_error("migrate: cannot read %s: %s", path, file_strerror(rc));
}

int cmd_migrate(int argc, char **argv)
{
	bool dry = false, yes = false, undo = false, purge = false;
	int o, pfd = -1;
	while ((o = cli_getopt_or_exit(&migrate_cmd, argc, argv)) != -1) {
		dry |= o == 'n';
		yes |= o == 'y';
		undo |= o == O_UNDO;
		purge |= o == O_PURGE;
		if (o == CLI_O_FD)
			pfd = cli_passphrase_fd_or_exit(&migrate_cmd, optarg);
	}
	cli_sodium_or_exit();
	if ((undo || purge) && (dry || yes || (undo && purge)))
		die_usage("migrate", "--undo and --purge-backups go alone (with FILEs and --passphrase-fd)");
	char home[PATH_MAX];
	_cleanup_strv_ struct strv defaults = STRV_INIT;
	if (path_home(home, sizeof(home)) != 0 || rewrite_default_rc(home, &defaults) != 0)
		die_status(2, NULL, "cannot find the home directory");
	char **files = argv + optind;
	size_t nfiles = (size_t)(argc - optind);
	if (undo || purge)
		return migrate_undo(files, nfiles, &defaults, purge, pfd);
	struct rewrite w;
	rewrite_init(&w);
	int status = rewrite_add_rc(&w, files, nfiles, &defaults, read_failed, NULL) ? 2 : 0;
	if (status == 0 || !nfiles)
		status = migrate_files(&w, dry, yes, pfd);
	rewrite_free(&w);
	return status;
}
