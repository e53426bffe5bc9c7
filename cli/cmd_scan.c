/* SPDX-License-Identifier: ISC */
/* hush scan and hush migrate: find exposed secrets and move them into the
 * vault. The scanning and rewriting logic lives in scan/; this file parses
 * options, loads the config, prints and picks the exit status. */
#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/dotenv.h"
#include "common/util.h"
#include "config/config.h"
#include "scan/report.h"
#include "scan/migrate.h"
#include "scan/scan.h"
#include "vault/open.h"
#include "vault/vault.h"
#include "cli/cmd_scan.h"

static void scan_usage(FILE *f)
{
	fputs("usage: hush scan [PATH...] [--format text|json|sarif] [--home]\n"
	      "                 [--baseline FILE] [--write-baseline FILE] [--no-git]\n"
	      "                 [--migrate] [--rules FILE]\n\n"
	      "Finds secrets in files: provider tokens (checksums verified offline where the\n"
	      "format has one), private keys, JWTs, URLs with passwords, secret-looking\n"
	      "assignments, and credential files by name (.env, .npmrc, .netrc, ...).\n"
	      "Each finding says whether git tracks or ignores the file and whether an agent\n"
	      "in `hush sandbox` could read it. Values are never printed, only a masked\n"
	      "preview.\n\n"
	      "  PATH               files or directories (default: .)\n"
	      "  --format FMT       text (default), json or sarif\n"
	      "  --home             scan your own places: shell rc files and their backups,\n"
	      "                     shell and REPL history, credential files of common tools\n"
	      "                     (~/.aws, ~/.cargo, ~/.docker, ~/.m2, gh, rclone, ...), and\n"
	      "                     .env files in project directories under the home\n"
	      "  --baseline FILE    do not report findings whose fingerprint is in FILE\n"
	      "  --write-baseline FILE  write the current findings' fingerprints to FILE\n"
	      "  --no-git           do not ask git whether files are tracked or ignored\n"
	      "  --rules FILE       also run the rules of a gitleaks config (.gitleaks.toml):\n"
	      "                     [[rules]], allowlists, [extend] useDefault (hush's own\n"
	      "                     rules run only with useDefault = true); default: the\n"
	      "                     [scan] rules file of config.ini\n"
	      "  --migrate          move the values of the .env files found into the vault\n"
	      "                     (as `hush import FILE --replace` does)\n\n"
	      "A line containing \"hush:allow\" (or \"gitleaks:allow\") is never reported.\n"
	      "Exit status: 0 nothing found, 1 findings, 2 error.\n",
	      f);
}

struct progress {
	bool on;
	bool shown;
};

static void on_progress(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;
	if (!p->on || total < 2000)
		return;
	fprintf(stderr, "\rhush: scanning %zu/%zu files", done, total);
	p->shown = true;
}

static int add_path(char ***v, size_t *n, const char *p)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));
	if (!nv)
		return -1;
	*v = nv;
	if (!(nv[*n] = strdup(p)))
		return -1;
	(*n)++;
	return 0;
}

static bool exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static int migrate_dotenv_files(const struct scan_result *r);

int cmd_scan(int argc, char **argv)
{
	const char *format = "text", *baseline = NULL, *write_baseline = NULL, *rules = NULL;
	bool home = false, no_git = false, migrate = false;
	char **paths = NULL;
	size_t npaths = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			scan_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--format") || !strcmp(a, "-f")) {
			if (++i >= argc)
				die_usage("scan", "--format needs a value");
			format = argv[i];
		} else if (!strncmp(a, "--format=", 9)) {
			format = a + 9;
		} else if (!strcmp(a, "--json")) {
			format = "json";
		} else if (!strcmp(a, "--home")) {
			home = true;
		} else if (!strcmp(a, "--no-git")) {
			no_git = true;
		} else if (!strcmp(a, "--migrate")) {
			migrate = true;
		} else if (!strcmp(a, "--rules")) {
			if (++i >= argc)
				die_usage("scan", "--rules needs a file name");
			rules = argv[i];
		} else if (!strncmp(a, "--rules=", 8)) {
			rules = a + 8;
		} else if (!strcmp(a, "--baseline") || !strcmp(a, "--write-baseline")) {
			if (++i >= argc)
				die_usage("scan", "%s needs a file name", a);
			if (!strcmp(a, "--baseline"))
				baseline = argv[i];
			else
				write_baseline = argv[i];
		} else if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				if (add_path(&paths, &npaths, argv[i]) < 0)
					die("out of memory");
		} else if (a[0] == '-' && a[1]) {
			die_usage("scan", "unknown option '%s'", a);
		} else if (add_path(&paths, &npaths, a) < 0) {
			die("out of memory");
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "sarif"))
		die_usage("scan", "unknown format '%s' (text, json or sarif)", format);
	if (sodium_init() < 0)
		die("cannot initialise libsodium");

	struct config cfg;
	char err[512];
	if (config_load_default(&cfg, err, sizeof(err)) != 0)
		die_status(2, "run \"hush config check\" for details", "cannot load the configuration: %s", err);

	if (home) {
		char hd[PATH_MAX];
		if (path_home(hd, sizeof(hd)) != 0 ||
		    scan_home_paths(hd, cfg.scan_skip.items, cfg.scan_skip.n, &paths, &npaths) < 0)
			die("cannot list the home directory's credential places");
	}
	if (!home && npaths == 0 && add_path(&paths, &npaths, ".") < 0)
		die("out of memory");

	struct scan_ruleset *rs = NULL;
	if (!rules)
		rules = cfg.scan_rules;
	if (rules) {
		char rerr[768];
		int lrc = scan_ruleset_load(rules, &rs, rerr, sizeof(rerr));
		if (lrc != 0) {
			msg_error("cannot load the rules: %s", rerr);
			msg_hint("hush reads gitleaks' TOML format; docs/scan.md lists the keys it supports");
			config_free(&cfg);
			for (size_t i = 0; i < npaths; i++)
				free(paths[i]);
			free(paths);
			return 2;
		}
	}
	struct progress prog = { .on = isatty(2) != 0 };
	struct scan_opts o = {
		.max_file = (size_t)cfg.scan_max_file,
		.skip_dirs = cfg.scan_skip.items, .nskip = cfg.scan_skip.n,
		.hide = cfg.hide.items, .nhide = cfg.hide.n,
		.hide_dirs = cfg.hide_dirs.items, .nhide_dirs = cfg.hide_dirs.n,
		.no_git = no_git, .ruleset = rs, .progress = on_progress, .progress_ctx = &prog,
	};
	struct scan_result r;
	memset(&r, 0, sizeof(r));
	int rc = npaths ? scan_paths(paths, npaths, &o, &r) : 0;
	if (prog.shown)
		fputs("\r\033[K", stderr);
	int status = 0;
	if (rc == HUSH_ENOENT) {
		msg_error("cannot scan %s: %s", r.nproblems ? r.problems[r.nproblems - 1].path : "?",
			  r.nproblems ? r.problems[r.nproblems - 1].why : "not found");
		status = 2;
		goto out;
	} else if (rc < 0) {
		msg_error("scan failed: %s", hush_strerror(rc));
		status = 2;
		goto out;
	}
	for (size_t i = 0; i < r.nproblems && strcmp(format, "json"); i++)
		msg_warn("skipped %s: %s", r.problems[i].path, r.problems[i].why);

	if (baseline) {
		char *data = NULL;
		size_t len = 0;
		struct scan_baseline b;
		int brc = file_read_all(baseline, 64u * 1024 * 1024, true, &data, &len);
		if (brc == 0)
			brc = baseline_parse(data, len, &b);
		free(data);
		if (brc != 0) {
			msg_error("cannot read the baseline %s: %s", baseline, hush_strerror(brc));
			msg_hint("write one with \"hush scan --write-baseline FILE\"");
			status = 2;
			goto out;
		}
		baseline_filter(&r, &b);
		baseline_free(&b);
	}
	if (write_baseline) {
		FILE *bf = fopen(write_baseline, "we");
		if (!bf) {
			msg_error("cannot write the baseline %s: %s", write_baseline, strerror(errno));
			status = 2;
			goto out;
		}
		baseline_write(bf, &r);
		if (fclose(bf) != 0) {
			msg_error("cannot write the baseline %s: %s", write_baseline, strerror(errno));
			status = 2;
			goto out;
		}
	}
	if (!strcmp(format, "json"))
		report_json(stdout, &r);
	else if (!strcmp(format, "sarif"))
		report_sarif(stdout, &r);
	else
		report_text(stdout, &r, isatty(1) && !getenv("NO_COLOR"));
	fflush(stdout);
	status = r.n ? 1 : 0;
	if (migrate) {
		int mrc = migrate_dotenv_files(&r);
		if (mrc != 0)
			status = mrc;
	}
out:
	scan_result_free(&r);
	scan_ruleset_free(rs);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	config_free(&cfg);
	return status;
}

/* --- shared by migrate and import --replace --- */

static void today(char *out, size_t n, const char *fmt)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, n, fmt, &tm);
}

struct vault *open_vault_or_report(int passphrase_fd, int flags)
{
	struct vault_open_opts vo = { .passphrase_fd = passphrase_fd, .flags = flags };
	struct vault_err err;
	struct vault *v = NULL;
	if (vault_open_default(&vo, &v, &err) != 0) {
		msg_error("%s", err.what);
		if (err.hint[0])
			msg_hint("%s", err.hint);
		return NULL;
	}
	return v;
}

static void report_skipped(const char *file, const struct migrate_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].skip_why)
			fprintf(stderr, "hush: not moved: %s:%d %s: %s\n", file, p->v[i].line, p->v[i].name,
				p->v[i].skip_why);
}

static int parse_fd(const char *cmd, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == 0 || *end || v < 0 || v > 1 << 20)
		die_usage(cmd, "--passphrase-fd needs a file descriptor number");
	return (int)v;
}

/* --- hush import FILE --replace --- */

static int dotenv_replace(const char *file, bool dry_run, int pfd)
{
	char real[PATH_MAX];
	if (!realpath(file, real)) {
		msg_error("import: cannot read %s: %s", file, strerror(errno));
		return 2;
	}
	char *data = NULL;
	size_t len = 0;
	int rc = file_read_all(real, DOTENV_MAX_INPUT, false, &data, &len);
	if (rc != 0) {
		msg_error("import: cannot read %s: %s", file,
			  rc == HUSH_EINVAL ? "not a regular file" : hush_strerror(rc));
		return 2;
	}
	char dir[PATH_MAX], project[64];
	snprintf(dir, sizeof(dir), "%s", real);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = 0;
	migrate_project_name(dir, project, sizeof(project));
	struct migrate_plan p;
	uint8_t vkey[VAULT_KEY_BYTES] = { 0 };
	int status = 0;
	rc = migrate_plan_dotenv(data, len, project, &p);
	if (rc != 0) {
		msg_error("import: cannot parse %s: %s", file, hush_strerror(rc));
		sodium_memzero(data, len);
		free(data);
		return 2;
	}
	if (migrate_render(data, len, "", &p) != 0)
		die("out of memory");
	if (dry_run) {
		migrate_diff(stdout, file, data, len, "", &p);
		report_skipped(file, &p);
		printf("would move %zu value%s into the vault (nothing changed)\n", migrate_moving(&p),
		       migrate_moving(&p) == 1 ? "" : "s");
		goto out;
	}
	if (migrate_moving(&p) == 0) {
		report_skipped(file, &p);
		printf("nothing to move in %s\n", file);
		goto out;
	}
	struct vault *v = open_vault_or_report(pfd, VAULT_WRITE);
	if (!v) {
		status = 1;
		goto out;
	}
	rc = migrate_store(v, &p);
	if (rc >= 0 && migrate_moving(&p))
		rc = vault_save(v);
	vault_copy_key(v, vkey);
	vault_close(v);
	if (rc < 0) {
		msg_error("import: cannot store the values of %s in the vault: %s", file, hush_strerror(rc));
		status = 1;
		goto out;
	}
	report_skipped(file, &p);
	if (migrate_moving(&p) == 0) {
		status = 1;
		goto out;
	}
	if (migrate_render(data, len, "", &p) != 0)
		die("out of memory");
	char backup[PATH_MAX];
	rc = migrate_write(real, data, len, &p, vkey, backup, sizeof(backup));
	if (rc != 0) {
		msg_error("import: cannot rewrite %s: %s", file,
			  rc == HUSH_EIO ? strerror(errno) : hush_strerror(rc));
		msg_hint("the values are in the vault; the file is unchanged");
		status = 1;
		goto out;
	}
	char grant[64];
	size_t k = 0;
	for (; project[k] && k + 1 < sizeof(grant); k++)
		grant[k] = project[k] == '_' ? '-' : (char)tolower((unsigned char)project[k]);
	grant[k] = 0;
	printf("moved %zu value%s from %s into the vault:\n", migrate_moving(&p),
	       migrate_moving(&p) == 1 ? "" : "s", file);
	for (size_t i = 0; i < p.n; i++)
		if (!p.v[i].skip_why)
			printf("  %s -> %s%s\n", p.v[i].name, p.v[i].target, p.v[i].already ? " (already there)" : "");
	printf("%s now lists the names only; encrypted backup: %s\n"
	       "(\"hush migrate --undo %s\" puts the file back)\n\n", file, backup, file);
	printf("next: add a grant to %s so your program gets them, e.g.\n\n  [grant %s]\n"
	       "  ; the program that reads these variables:\n  command = /usr/bin/node\n  secrets = ",
	       "config.ini", grant);
	bool first = true;
	for (size_t i = 0; i < p.n; i++)
		if (!p.v[i].skip_why) {
			printf("%s%s=%s", first ? "" : ", ", p.v[i].name, p.v[i].target);
			first = false;
		}
	printf("\n\nthen start it through the broker: hush run --grant %s -- node server.js\n", grant);
out:
	sodium_memzero(vkey, sizeof(vkey));
	migrate_plan_free(&p);
	sodium_memzero(data, len);
	free(data);
	return status;
}

int cmd_import_replace(int argc, char **argv)
{
	bool dry = false;
	int pfd = -1;
	const char *file = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--replace"))
			continue;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: hush import FILE --replace [--dry-run] [--passphrase-fd N]\n\n"
			       "Moves the values of a project's .env file into the vault under names\n"
			       "scoped to the project (<PROJECT>_<NAME>; PROJECT is the directory's name\n"
			       "upper-cased, other characters turned into '_') and leaves the file with\n"
			       "the names only (NAME=), comments kept, so the setup stays documented.\n"
			       "An encrypted backup goes into hush's data directory first (hush migrate\n"
			       "--undo FILE restores it); the rewrite is atomic.\n"
			       "Values built from $VAR or $(...) stay. A name already in the vault with\n"
			       "another value is not overwritten (reported, exit 1).\n"
			       "Prints the grant to add so `hush run` gives the values to your program.\n");
			return 0;
		}
		if (!strcmp(argv[i], "--dry-run")) {
			dry = true;
		} else if (!strcmp(argv[i], "--passphrase-fd")) {
			if (++i >= argc)
				die_usage("import", "--passphrase-fd needs a number");
			pfd = parse_fd("import", argv[i]);
		} else if (argv[i][0] == '-') {
			die_usage("import", "unknown option '%s'", argv[i]);
		} else if (file) {
			die_usage("import", "only one FILE with --replace");
		} else {
			file = argv[i];
		}
	}
	if (!file)
		die_usage("import", "missing FILE");
	if (sodium_init() < 0)
		die("cannot initialise libsodium");
	return dotenv_replace(file, dry, pfd);
}

static int migrate_dotenv_files(const struct scan_result *r)
{
	int status = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (i > 0 && !strcmp(r->v[i].path, r->v[i - 1].path))
			continue;
		if (scan_credfile_kind(r->v[i].path) != SCAN_CF_DOTENV)
			continue;
		int s = dotenv_replace(r->v[i].path, false, -1);
		if (s > status)
			status = s;
	}
	return status;
}

/* --- hush migrate --- */

static void migrate_usage(FILE *f)
{
	fputs("usage: hush migrate [FILE...] [--dry-run] [--yes] [--passphrase-fd N]\n"
	      "       hush migrate --undo [FILE...] | --purge-backups [FILE...]\n\n"
	      "Moves secrets exported by shell startup files into the vault and rewrites\n"
	      "each moved line as a comment saying where the secret went. Everything else\n"
	      "stays byte for byte; mode and owner are kept; the rewrite is atomic. The\n"
	      "original is first sealed with the vault's key into <data>/backups/, which\n"
	      "the sandbox hides: no readable copy stays next to the file.\n\n"
	      "  FILE        default: ~/.bashrc ~/.bash_profile ~/.profile ~/.zshrc ~/.zshenv\n"
	      "              ~/.config/fish/config.fish (those that exist)\n"
	      "  --dry-run   show the diff (values masked) and change nothing\n"
	      "  --yes       do not ask for confirmation (needed when stdin is not a terminal)\n"
	      "  --undo      put each FILE (default: every file with a backup) back exactly as\n"
	      "              it was from its newest backup, then remove its backups; the\n"
	      "              secrets stay in the vault\n"
	      "  --purge-backups  remove the backups of each FILE (default: all), and the\n"
	      "              plaintext FILE.hush-backup-<time> copies older versions left\n\n"
	      "Recognised: export NAME=value, NAME=value; export NAME, declare -x NAME=value,\n"
	      "fish's set -gx / set -x NAME value; for secret-looking names (TOKEN, SECRET,\n"
	      "PASSWORD, API_KEY, ...) or values the scanner recognises. Values built from\n"
	      "$(...), backticks or $VAR are reported, not moved. A name already in the vault\n"
	      "with a different value is not overwritten: the line stays and is reported\n"
	      "(exit 1). Running it again changes nothing.\n",
	      f);
}

struct rcjob {
	char shown[PATH_MAX];
	char real[PATH_MAX];
	char *data;
	size_t len;
	struct migrate_plan plan;
};

int cmd_migrate(int argc, char **argv)
{
	bool dry = false, yes = false, undo = false, purge = false;
	int pfd = -1;
	char **files = NULL;
	size_t nfiles = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			migrate_usage(stdout);
			return 0;
		} else if (!strcmp(a, "--dry-run") || !strcmp(a, "-n")) {
			dry = true;
		} else if (!strcmp(a, "--yes") || !strcmp(a, "-y")) {
			yes = true;
		} else if (!strcmp(a, "--undo")) {
			undo = true;
		} else if (!strcmp(a, "--purge-backups")) {
			purge = true;
		} else if (!strcmp(a, "--passphrase-fd")) {
			if (++i >= argc)
				die_usage("migrate", "--passphrase-fd needs a number");
			pfd = parse_fd("migrate", argv[i]);
		} else if (a[0] == '-' && a[1]) {
			die_usage("migrate", "unknown option '%s'", a);
		} else if (add_path(&files, &nfiles, a) < 0) {
			die("out of memory");
		}
	}
	if (sodium_init() < 0)
		die("cannot initialise libsodium");
	if ((undo || purge) && (dry || yes || (undo && purge)))
		die_usage("migrate", "--undo and --purge-backups go alone (with FILEs and --passphrase-fd)");
	bool explicit_files = nfiles > 0;
	char **defaults = NULL;
	size_t ndefaults = 0;
	{
		char home[PATH_MAX];
		if (path_home(home, sizeof(home)) != 0)
			die("cannot find the home directory");
		static const char *const rel[] = { ".bashrc", ".bash_profile", ".profile", ".zshrc",
						   ".zshenv", ".config/fish/config.fish" };
		for (size_t i = 0; i < ARRAY_LEN(rel); i++) {
			char p[PATH_MAX];
			if (xsnprintf(p, sizeof(p), "%s/%s", home, rel[i]) == 0 &&
			    add_path(&defaults, &ndefaults, p) < 0)
				die("out of memory");
			if (!explicit_files && !undo && !purge && exists(p) &&
			    add_path(&files, &nfiles, p) < 0)
				die("out of memory");
		}
	}
	if (undo || purge) {
		int st = cmd_migrate_undo(files, nfiles, defaults, ndefaults, purge, pfd);
		for (size_t i = 0; i < nfiles; i++)
			free(files[i]);
		free(files);
		for (size_t i = 0; i < ndefaults; i++)
			free(defaults[i]);
		free(defaults);
		return st;
	}
	for (size_t i = 0; i < ndefaults; i++)
		free(defaults[i]);
	free(defaults);
	char date[32];
	today(date, sizeof(date), "%Y-%m-%d");
	struct rcjob *jobs = calloc(nfiles ? nfiles : 1, sizeof(*jobs));
	if (!jobs)
		die("out of memory");
	int status = 0;
	size_t moving = 0, njobs = 0;
	uint8_t vkey[VAULT_KEY_BYTES] = { 0 };
	for (size_t i = 0; i < nfiles; i++) {
		struct rcjob *j = &jobs[njobs];
		snprintf(j->shown, sizeof(j->shown), "%s", files[i]);
		if (!realpath(files[i], j->real)) {
			msg_error("migrate: cannot read %s: %s", files[i], strerror(errno));
			status = 2;
			continue;
		}
		int rc = file_read_all(j->real, RCFILE_MAX_INPUT, false, &j->data, &j->len);
		if (rc == 0)
			rc = migrate_plan_rc(j->data, j->len, rcfile_shell_for(j->real), &j->plan);
		if (rc == 0)
			rc = migrate_render(j->data, j->len, date, &j->plan);
		if (rc != 0) {
			msg_error("migrate: cannot read %s: %s", files[i],
				  rc == HUSH_EINVAL ? "not a regular file" : hush_strerror(rc));
			if (j->data) {
				sodium_memzero(j->data, j->len);
				free(j->data);
			}
			migrate_plan_free(&j->plan);
			status = 2;
			continue;
		}
		moving += migrate_moving(&j->plan);
		njobs++;
	}
	if (status == 2 && explicit_files)
		goto out;
	status = 0;
	if (dry) {
		for (size_t i = 0; i < njobs; i++) {
			migrate_diff(stdout, jobs[i].shown, jobs[i].data, jobs[i].len, date, &jobs[i].plan);
			report_skipped(jobs[i].shown, &jobs[i].plan);
		}
		printf("would move %zu secret%s into the vault (nothing changed)\n", moving,
		       moving == 1 ? "" : "s");
		goto out;
	}
	for (size_t i = 0; i < njobs; i++)
		report_skipped(jobs[i].shown, &jobs[i].plan);
	if (moving == 0) {
		printf("nothing to move: no exported secrets found in %zu file%s\n", njobs,
		       njobs == 1 ? "" : "s");
		goto out;
	}
	if (!yes) {
		if (!isatty(0)) {
			msg_error("migrate: needs confirmation and stdin is not a terminal");
			msg_hint("look at \"hush migrate --dry-run\", then run \"hush migrate --yes\"");
			status = 2;
			goto out;
		}
		fprintf(stderr, "Move %zu secret%s into the vault and rewrite the file%s? [y/N] ", moving,
			moving == 1 ? "" : "s", njobs == 1 ? "" : "s");
		char ans[16] = "";
		if (!fgets(ans, sizeof(ans), stdin) || (ans[0] != 'y' && ans[0] != 'Y')) {
			fprintf(stderr, "nothing changed\n");
			status = 1;
			goto out;
		}
	}
	struct vault *v = open_vault_or_report(pfd, VAULT_WRITE);
	if (!v) {
		status = 1;
		goto out;
	}
	int rc = 0;
	for (size_t i = 0; i < njobs && rc >= 0; i++)
		rc = migrate_store(v, &jobs[i].plan);
	if (rc >= 0)
		rc = vault_save(v);
	vault_copy_key(v, vkey);
	vault_close(v);
	if (rc < 0) {
		msg_error("migrate: cannot store the secrets in the vault: %s", hush_strerror(rc));
		msg_hint("no file was changed");
		status = 1;
		goto out;
	}
	size_t moved = 0;
	for (size_t i = 0; i < njobs; i++) {
		struct rcjob *j = &jobs[i];
		for (size_t k = 0; k < j->plan.n; k++)
			if (j->plan.v[k].skip_why && !strcmp(j->plan.v[k].skip_why,
							     "a different value is already in the vault")) {
				fprintf(stderr, "hush: not moved: %s:%d %s: a different value is already in the vault\n",
					j->shown, j->plan.v[k].line, j->plan.v[k].name);
				fprintf(stderr, "hint: compare with \"hush get %s\"; remove one with \"hush rm %s\" and run hush migrate again\n",
					j->plan.v[k].name, j->plan.v[k].name);
				status = 1;
			}
		if (migrate_moving(&j->plan) == 0)
			continue;
		if (migrate_render(j->data, j->len, date, &j->plan) != 0)
			die("out of memory");
		char backup[PATH_MAX];
		rc = migrate_write(j->real, j->data, j->len, &j->plan, vkey, backup, sizeof(backup));
		if (rc != 0) {
			msg_error("migrate: cannot rewrite %s: %s", j->shown,
				  rc == HUSH_EIO ? strerror(errno) : hush_strerror(rc));
			msg_hint("the secrets are in the vault; the file is unchanged");
			status = 1;
			continue;
		}
		for (size_t k = 0; k < j->plan.n; k++)
			if (!j->plan.v[k].skip_why) {
				printf("moved %s (%s:%d) into the vault%s\n", j->plan.v[k].name, j->shown,
				       j->plan.v[k].line, j->plan.v[k].already ? " (it was already there)" : "");
				moved++;
			}
		printf("encrypted backup of %s: %s\n", j->shown, backup);
	}
	if (moved) {
		printf("\nnext:\n"
		       "  - open a new shell: these variables are no longer exported\n"
		       "  - give them to the commands that need them with a grant in config.ini, e.g.\n\n"
		       "      [grant gh]\n      command = /usr/bin/gh\n      secrets = ");
		bool first = true;
		for (size_t i = 0; i < njobs; i++)
			for (size_t k = 0; k < jobs[i].plan.n; k++)
				if (!jobs[i].plan.v[k].skip_why) {
					printf("%s%s", first ? "" : ", ", jobs[i].plan.v[k].name);
					first = false;
				}
		printf("\n\n    then run them as: hush run -- gh ...\n"
		       "  - in your own scripts: \"$(hush get NAME)\"\n"
		       "  - to put the files back as they were: hush migrate --undo\n");
	}
out:
	sodium_memzero(vkey, sizeof(vkey));
	for (size_t i = 0; i < njobs; i++) {
		migrate_plan_free(&jobs[i].plan);
		sodium_memzero(jobs[i].data, jobs[i].len);
		free(jobs[i].data);
	}
	free(jobs);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return status;
}
