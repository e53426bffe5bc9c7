/* hush scan and hush migrate: find exposed secrets and move them into the
 * vault. The scanning and rewriting logic lives in scan/; this file parses
 * options, loads the config, prints and picks the exit status. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/util.h"
#include "config/config.h"
#include "scan/report.h"
#include "scan/scan.h"

static void scan_usage(FILE *f)
{
	fputs("usage: hush scan [PATH...] [--format text|json|sarif] [--home]\n"
	      "                 [--baseline FILE] [--write-baseline FILE] [--no-git]\n"
	      "                 [--migrate]\n\n"
	      "Finds secrets in files: provider tokens (checksums verified offline where the\n"
	      "format has one), private keys, JWTs, URLs with passwords, secret-looking\n"
	      "assignments, and credential files by name (.env, .npmrc, .netrc, ...).\n"
	      "Each finding says whether git tracks or ignores the file and whether an agent\n"
	      "in `hush sandbox` could read it. Values are never printed, only a masked\n"
	      "preview.\n\n"
	      "  PATH               files or directories (default: .)\n"
	      "  --format FMT       text (default), json or sarif\n"
	      "  --home             scan your own places: shell rc files, ~/.aws, ~/.config\n"
	      "                     token files, ~/.npmrc, ~/.netrc, docker/kube configs,\n"
	      "                     shell history\n"
	      "  --baseline FILE    do not report findings whose fingerprint is in FILE\n"
	      "  --write-baseline FILE  write the current findings' fingerprints to FILE\n"
	      "  --no-git           do not ask git whether files are tracked or ignored\n"
	      "  --migrate          move the values of the .env files found into the vault\n"
	      "                     (as `hush import FILE --replace` does)\n\n"
	      "A line containing \"hush:allow\" is never reported.\n"
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

/* The user's own places for --home. */
static int home_paths(char ***v, size_t *n)
{
	char home[PATH_MAX];
	if (path_home(home, sizeof(home)) != 0)
		return -1;
	static const char *const rel[] = {
		".bashrc", ".bash_profile", ".bash_login", ".profile", ".bash_aliases", ".zshrc",
		".zshenv", ".zprofile", ".zlogin", ".config/fish/config.fish", ".config/fish/conf.d",
		".aws", ".npmrc", ".pypirc", ".netrc", ".git-credentials", ".pgpass", ".my.cnf",
		".docker/config.json", ".kube/config", ".config/gh/hosts.yml",
		".config/gcloud/application_default_credentials.json", ".config/hub",
		".bash_history", ".zsh_history", ".local/share/fish/fish_history",
		".python_history", ".node_repl_history", ".psql_history", ".mysql_history",
		".env", ".s3cfg", ".boto", ".vault-token", ".terraform.d/credentials.tfrc.json",
	};
	for (size_t i = 0; i < ARRAY_LEN(rel); i++) {
		char p[PATH_MAX];
		if (xsnprintf(p, sizeof(p), "%s/%s", home, rel[i]) == 0 && exists(p) &&
		    add_path(v, n, p) < 0)
			return -1;
	}
	/* ~/.config/<app>/<file> whose name says it holds a credential */
	char cfgdir[PATH_MAX];
	if (xsnprintf(cfgdir, sizeof(cfgdir), "%s/.config", home) != 0)
		return 0;
	DIR *d = opendir(cfgdir);
	if (!d)
		return 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "fish") || !strcmp(de->d_name, "gh") ||
		    !strcmp(de->d_name, "hush"))
			continue;
		char sub[PATH_MAX];
		if (xsnprintf(sub, sizeof(sub), "%s/%s", cfgdir, de->d_name) != 0)
			continue;
		DIR *s = opendir(sub);
		if (!s)
			continue;
		struct dirent *fe;
		while ((fe = readdir(s)) != NULL) {
			static const char *const words[] = { "token", "credential", "auth", "secret",
							     "hosts.yml", "apikey", "api_key", ".env" };
			bool want = false;
			for (size_t i = 0; i < ARRAY_LEN(words) && !want; i++)
				want = strcasestr(fe->d_name, words[i]) != NULL;
			char p[PATH_MAX];
			if (want && xsnprintf(p, sizeof(p), "%s/%s", sub, fe->d_name) == 0 && add_path(v, n, p) < 0) {
				closedir(s);
				closedir(d);
				return -1;
			}
		}
		closedir(s);
	}
	closedir(d);
	return 0;
}

int migrate_dotenv_files(const struct scan_result *r, bool dry_run);

int cmd_scan(int argc, char **argv)
{
	const char *format = "text", *baseline = NULL, *write_baseline = NULL;
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

	if (home && home_paths(&paths, &npaths) < 0)
		die("cannot list the home directory's credential places");
	if (!home && npaths == 0 && add_path(&paths, &npaths, ".") < 0)
		die("out of memory");

	struct progress prog = { .on = isatty(2) != 0 };
	struct scan_opts o = {
		.max_file = (size_t)cfg.scan_max_file,
		.skip_dirs = cfg.scan_skip.items, .nskip = cfg.scan_skip.n,
		.hide = cfg.hide.items, .nhide = cfg.hide.n,
		.hide_dirs = cfg.hide_dirs.items, .nhide_dirs = cfg.hide_dirs.n,
		.no_git = no_git, .progress = on_progress, .progress_ctx = &prog,
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
		int mrc = migrate_dotenv_files(&r, false);
		if (mrc != 0)
			status = mrc;
	}
out:
	scan_result_free(&r);
	for (size_t i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	config_free(&cfg);
	return status;
}

int migrate_dotenv_files(const struct scan_result *r, bool dry_run)
{
	(void)r; (void)dry_run;
	msg_error("cannot migrate: not built yet");
	return 2;
}
