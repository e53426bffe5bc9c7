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
	if (json)
		report_json(stdout, r);
	else if (!strcmp(a->format, "sarif"))
		report_sarif(stdout, r);
	else
		report_text(stdout, r, isatty(1) && !getenv("NO_COLOR"));
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
	const char *rules = NULL;
	bool home = false, no_git = false;
	int o;
	while ((o = cli_getopt_or_exit(&scan_cmd, argc, argv)) != -1) {
		a.format = o == 'f' ? optarg : o == CLI_O_JSON ? "json" : a.format;
		a.baseline = o == O_BASELINE ? optarg : a.baseline;
		a.write_baseline = o == O_WRITE_BASELINE ? optarg : a.write_baseline;
		rules = o == O_RULES ? optarg : rules;
		home |= o == O_HOME;
		no_git |= o == O_NO_GIT;
		a.migrate |= o == O_MIGRATE;
	}
	if (strcmp(a.format, "text") && strcmp(a.format, "json") && strcmp(a.format, "sarif"))
		die_usage("scan", "unknown format '%s' (text, json or sarif)", a.format);
	cli_sodium_or_exit();
	_cleanup_config_ struct config cfg;
	cli_config_or_exit(&cfg, NULL);
	_cleanup_strv_ struct strv paths = STRV_INIT;
	for (int i = optind; i < argc; i++)
		if (strv_push(&paths, argv[i]))
			die("out of memory");
	char hd[PATH_MAX];
	if (home && (path_home(hd, sizeof(hd)) ||
		     scan_home_paths(hd, cfg.scan_skip.items, cfg.scan_skip.n, &paths) < 0))
		die("cannot list the home directory's credential places");
	if (!home && paths.n == 0 && strv_push(&paths, "."))
		die("out of memory");
	struct scan_ruleset *rs = NULL;
	char rerr[768];
	if (!rules)
		rules = cfg.scan_rules;
	if (rules && scan_ruleset_load(rules, &rs, rerr, sizeof(rerr)))
		die_status(2, "hush reads gitleaks' TOML format; docs/scan.md lists the keys it supports",
			   "cannot load the rules: %s", rerr);
	bool shown = false;
	struct scan_opts so = {
		.max_file = (size_t)cfg.scan_max_file,
		.skip_dirs = cfg.scan_skip.items, .nskip = cfg.scan_skip.n,
		.hide = cfg.hide.items, .nhide = cfg.hide.n,
		.hide_dirs = cfg.hide_dirs.items, .nhide_dirs = cfg.hide_dirs.n,
		.no_git = no_git, .ruleset = rs, .progress = on_progress, .progress_ctx = &shown,
	};
	struct scan_result r = { 0 };
	int rc = paths.n ? scan_paths(paths.v, paths.n, &so, &r) : 0;
	if (shown)
		fputs("\r\033[K", stderr);
	const struct scan_problem *last = r.nproblems ? &r.problems[r.nproblems - 1] : NULL;
	int status = 2;
	if (rc == HUSH_ENOENT)
		msg_error("cannot scan %s: %s", last ? last->path : "?", last ? last->why : "not found");
	else if (rc < 0)
		msg_error("scan failed: %s", hush_strerror(rc));
	else
		status = report(&r, &a);
	scan_result_free(&r);
	scan_ruleset_free(rs);
	return status;
}

/* --- moving values: the shared parts --- */

/* Why a file could not be read or written, for rewrite.h's codes. */
static const char *io_why(int rc)
{
	return rc == HUSH_EIO ? strerror(errno) : rc == HUSH_EINVAL ? "not a regular file"
								    : hush_strerror(rc);
}

/* The user's vault, opened once (flags: VAULT_WRITE or 0), or exit 1. */
static struct vault *vault_or_exit(int pfd, int flags)
{
	static struct cli_vault x;
	if (!x.v) {
		cli_vault_begin_or_exit(&x, pfd);
		cli_vault_open_or_exit(&x, flags);
	}
	return x.v;
}

static void report_skipped(const struct rewrite_file *f)
{
	for (size_t i = 0; i < f->plan.n; i++)
		if (!migrate_item_moves(&f->plan.v[i]))
			fprintf(stderr, "hush: not moved: %s:%d %s: %s\n", f->shown, f->plan.v[i].line,
				f->plan.v[i].name, f->plan.v[i].skip_why);
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
	if (dry) {
		migrate_diff(stdout, f->shown, f->data, f->len, "", &f->plan);
		report_skipped(f);
		printf("would move %zu value%s into the vault (nothing changed)\n", w->moving,
		       w->moving == 1 ? "" : "s");
		return 0;
	}
	if (w->moving == 0) {
		report_skipped(f);
		printf("nothing to move in %s\n", f->shown);
		return 0;
	}
	int rc = rewrite_store(w, vault_or_exit(pfd, VAULT_WRITE));
	if (rc) {
		msg_error("import: cannot store the values of %s in the vault: %s", f->shown,
			  hush_strerror(rc));
		return 1;
	}
	report_skipped(f);
	if (migrate_moving(&f->plan) == 0)
		return 1;
	if (rewrite_write(w)) {
		msg_error("import: cannot rewrite %s: %s", f->shown, io_why(f->rc));
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
		msg_error("import: cannot read %s: %s", file, io_why(rc));
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
	int status = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct rewrite_file *f = &w->v[i];
		const struct migrate_item *it = f->plan.v;
		for (size_t k = 0; k < f->plan.n; k++)
			if (it[k].state == MIGRATE_CONFLICT) {
				fprintf(stderr, "hush: not moved: %s:%d %s: %s\n", f->shown, it[k].line,
					it[k].name, it[k].skip_why);
				msg_hint("compare with \"hush get %s\"; remove one with \"hush rm %s\" and "
					 "run hush migrate again", it[k].name, it[k].name);
				status = 1;
			}
		if (migrate_moving(&f->plan) && f->rc) {
			msg_error("migrate: cannot rewrite %s: %s", f->shown, io_why(f->rc));
			msg_hint("the secrets are in the vault; the file is unchanged");
			status = 1;
		}
	}
	rewrite_report_rc(stdout, w);
	return status;
}

static int migrate_files(struct rewrite *w, bool dry, bool yes, int pfd)
{
	for (size_t i = 0; i < w->n; i++) {
		if (dry)
			migrate_diff(stdout, w->v[i].shown, w->v[i].data, w->v[i].len, w->date,
				     &w->v[i].plan);
		report_skipped(&w->v[i]);
	}
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

/* Prints what rewrite_undo() did to path p (quiet: a missing backup is
 * no failure); 1 when it failed, else 0. *done counts the files done. */
static int undo_report(enum rewrite_undone r, const struct rewrite_undo *u, const char *p,
		       const char *dir, bool quiet, size_t *done)
{
	size_t n = u->sealed + u->plain;
	if (u->unremoved)
		msg_warn("cannot remove %zu plaintext backup%s of %s", u->unremoved,
			 u->unremoved == 1 ? "" : "s", p);
	switch (r) {
	case REWRITE_NO_BACKUP:
		if (quiet)
			return 0;
		msg_error("migrate: no backup of %s", p);
		return 1;
	case REWRITE_RESTORED:
		if (u->remove_failed)
			msg_warn("cannot remove the backups of %s in %s", p, dir);
		printf("restored %s as it was on %s\n", p, u->stamp);
		++*done;
		return 0;
	case REWRITE_PURGED:
		if (u->remove_failed)
			msg_error("migrate: cannot remove the backups of %s", p);
		if (n) {
			printf("removed %zu backup%s of %s", n, n == 1 ? "" : "s", p);
			if (u->plain)
				printf(" (%zu in plain text next to it)", u->plain);
			printf("\n");
			++*done;
		}
		return u->remove_failed;
	case REWRITE_ELIST:
		msg_error("migrate: cannot list the backups of %s", p);
		break;
	case REWRITE_EREAD:
		msg_error("migrate: cannot read the backups in %s: %s", dir, hush_strerror(u->rc));
		break;
	case REWRITE_ERESTORE:
		msg_error("migrate: cannot restore %s: %s", p, io_why(u->rc));
		break;
	}
	return 1;
}

/* --undo / --purge-backups of each of files (none: every file with a
 * backup, and the default rc files). */
static int migrate_undo(char **files, size_t nfiles, const struct strv *defaults, bool purge,
			int pfd)
{
	char vpath[PATH_MAX], dir[PATH_MAX], abs[PATH_MAX];
	uint8_t keybuf[VAULT_KEY_BYTES];
	const uint8_t *key = NULL;
	struct stat st;
	if (path_vault(vpath, sizeof(vpath)) == 0 && lstat(vpath, &st) == 0) {
		vault_copy_key(vault_or_exit(pfd, 0), keybuf);
		key = keybuf;
	}
	if (backup_dir(dir, sizeof(dir)) != 0)
		die("cannot work out hush's data directory");
	_cleanup_strv_ struct strv targets = STRV_INIT;
	int status = 0;
	for (size_t i = 0; i < nfiles; i++) {
		if (rewrite_absolute(files[i], abs, sizeof(abs)) != 0) {
			msg_error("migrate: %s: no such directory", files[i]);
			status = 2;
		} else if (strv_push_unique(&targets, abs) < 0) {
			die("out of memory");
		}
	}
	size_t unreadable = 0, done = 0;
	if (!nfiles && key && rewrite_backed_up(dir, key, &targets, &unreadable) < 0)
		die("out of memory");
	if (unreadable)
		msg_warn("%zu file%s in %s did not open with this vault's key", unreadable,
			 unreadable == 1 ? "" : "s", dir);
	for (size_t i = 0; !nfiles && i < defaults->n; i++)
		if (rewrite_absolute(defaults->v[i], abs, sizeof(abs)) == 0 &&
		    strv_push_unique(&targets, abs) < 0)
			die("out of memory");
	for (size_t i = 0; i < targets.n; i++) {
		struct rewrite_undo u;
		enum rewrite_undone r = rewrite_undo(dir, key, targets.v[i], purge, &u);
		if (undo_report(r, &u, targets.v[i], dir, purge || !nfiles, &done))
			status = 1;
	}
	sodium_memzero(keybuf, sizeof(keybuf));
	if (done == 0 && status == 0)
		printf(purge ? "no backups to remove\n" : "nothing to restore: no backups found\n");
	else if (done && !purge)
		printf("the secrets stay in the vault; remove them with \"hush rm NAME\" if you no "
		       "longer want them there\n");
	return status;
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
		die("cannot find the home directory");
	char **files = argv + optind;
	size_t nfiles = (size_t)(argc - optind);
	if (undo || purge)
		return migrate_undo(files, nfiles, &defaults, purge, pfd);
	struct rewrite w;
	rewrite_init(&w);
	int status = 0;
	struct stat st;
	for (size_t i = 0; i < (nfiles ? nfiles : defaults.n); i++) {
		const char *f = nfiles ? files[i] : defaults.v[i];
		int rc = nfiles || lstat(f, &st) == 0 ? rewrite_add(&w, f, false) : 0;
		if (rc) {
			msg_error("migrate: cannot read %s: %s", f, io_why(rc));
			status = 2;
		}
	}
	if (status == 0 || !nfiles)
		status = migrate_files(&w, dry, yes, pfd);
	rewrite_free(&w);
	return status;
}
