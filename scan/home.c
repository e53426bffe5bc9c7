/* SPDX-License-Identifier: ISC */
/* The places in a home directory where secrets really lie, for
 * `hush scan --home`: shell rc files and their backups, shell and REPL
 * history, credential files of common tools, and .env / .envrc files in
 * project directories below the home (a bounded walk); and the .env files
 * of one project, for hush setup. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/glob.h"
#include "common/strv.h"
#include "common/util.h"
#include "scan/scan.h"

#define HOME_WALK_DEPTH 6
#define HOME_WALK_ENTRIES 200000
#define PROJECT_DOTENV_DEPTH 3    /* hush setup: directories below the project */
#define PROJECT_DOTENV_MAX 32     /* hush setup: .env files offered */

static int push_if_exists(struct strv *l, const char *home, const char *rel)
{
	char p[PATH_MAX];
	struct stat st;
	if (xsnprintf(p, sizeof(p), "%s/%s", home, rel) != 0 || lstat(p, &st) != 0)
		return 0;
	return strv_push_unique(l, p);
}

/* Files that exist by these names (relative to the home). Directories are
 * scanned whole. */
static const char *const home_fixed[] = {
	/* shell startup files */
	".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".bash_aliases",
	".zshrc", ".zshenv", ".zprofile", ".zlogin", ".kshrc", ".mkshrc", ".cshrc", ".tcshrc",
	".config/fish/config.fish", ".config/fish/conf.d", ".config/fish/fish_variables",
	".envrc", ".env", ".inputrc",
	/* shell and REPL history */
	".bash_history", ".zsh_history", ".zhistory", ".histfile", ".sh_history",
	".local/share/fish/fish_history", ".python_history", ".node_repl_history",
	".ts_node_repl_history", ".psql_history", ".mysql_history", ".sqlite_history",
	".lesshst", ".irb_history", ".pry_history", ".rediscli_history", ".dbshell",
	".mongosh/mongosh_repl_history", ".Rhistory", ".scala_history", ".julia/logs/repl_history.jl",
	".local/share/powershell/PSReadLine/ConsoleHost_history.txt",
	/* credential files of common tools */
	".aws", ".azure/accessTokens.json", ".azure/msal_token_cache.json",
	".config/gcloud/application_default_credentials.json", ".config/gcloud/legacy_credentials",
	".kube/config", ".docker/config.json", ".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc",
	".config/pip/pip.conf", ".pip/pip.conf", ".netrc", "_netrc", ".git-credentials",
	".config/git/credentials", ".pgpass", ".my.cnf", ".s3cfg", ".boto", ".vault-token",
	".cargo/credentials.toml", ".cargo/credentials", ".gem/credentials", ".m2/settings.xml",
	".m2/settings-security.xml", ".gradle/gradle.properties", ".config/rclone/rclone.conf",
	".terraform.d/credentials.tfrc.json", ".terraformrc", ".config/hub", ".config/gh/hosts.yml",
	".config/composer/auth.json", ".composer/auth.json", ".config/doctl/config.yaml",
	".config/hcloud/cli.toml", ".config/ngrok/ngrok.yml", ".ngrok2/ngrok.yml",
	".config/stripe/config.toml", ".fly/config.yml", ".netlify/config.json",
	".config/helm/repositories.yaml", ".claude/.credentials.json", ".codex/auth.json",
	".config/op/config", ".wrangler/config/default.toml", ".config/.wrangler/config/default.toml",
};

/* Names at the top of the home that are rc files or their copies:
 * .bashrc.bak, .zshrc~, .profile.orig, .bashrc.hush-backup-20260101 ... */
static bool rc_copy(const char *name)
{
	static const char *const rc[] = { ".bashrc", ".bash_profile", ".bash_login", ".profile",
					  ".bash_aliases", ".zshrc", ".zshenv", ".zprofile", ".zlogin",
					  ".envrc", ".env", ".kshrc", ".cshrc", ".tcshrc" };
	if (strstr(name, ".hush-backup-"))
		return true;
	for (size_t i = 0; i < ARRAY_LEN(rc); i++) {
		size_t l = strlen(rc[i]);
		if (!strncmp(name, rc[i], l) && name[l] && strchr(".~-_", name[l]))
			return true;
	}
	return false;
}

static bool rc_copy_fish(const char *name)
{
	return strstr(name, ".hush-backup-") ||
	       (!strncmp(name, "config.fish", 11) && name[11] && strchr(".~-_", name[11]));
}

static int list_dir_matching(struct strv *l, const char *dir, bool (*want)(const char *))
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char p[PATH_MAX];
		if (want(de->d_name) && xsnprintf(p, sizeof(p), "%s/%s", dir, de->d_name) == 0)
			rc = strv_push_unique(l, p);
	}
	closedir(d);
	return rc;
}

static bool credential_name(const char *n)
{
	static const char *const words[] = { "token", "credential", "auth", "secret",
					     "hosts.yml", "apikey", "api_key", ".env" };
	if (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])))
		return false;
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strcasestr(n, words[i]))
			return true;
	return false;
}

static bool config_app(const char *n)
{
	return n[0] != '.' && strcmp(n, "hush") != 0;
}

/* ~/.config/<app>/<file> whose name says it holds a credential. */
static int config_token_files(struct strv *l, const char *home)
{
	char cfgdir[PATH_MAX];
	if (xsnprintf(cfgdir, sizeof(cfgdir), "%s/.config", home) != 0)
		return 0;
	_cleanup_strv_ struct strv apps = STRV_INIT;
	int rc = list_dir_matching(&apps, cfgdir, config_app);
	for (size_t i = 0; rc == 0 && i < apps.n; i++)
		rc = list_dir_matching(l, apps.v[i], credential_name);
	return rc;
}

struct walk {
	struct strv *l;
	char *const *skip;
	size_t nskip;
	size_t entries;
	dev_t dev;
};

static bool project_secret_file(const char *name)
{
	return scan_credfile_kind(name) == SCAN_CF_DOTENV || !strcmp(name, ".envrc");
}

/* .env files in project directories: every directory below the home up
 * to HOME_WALK_DEPTH, not entering hidden directories (tool state, caches),
 * skipped names, other file systems or symlinks. */
static int walk_projects(struct walk *w, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL && w->entries < HOME_WALK_ENTRIES) {
		const char *n = de->d_name;
		w->entries++;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		char p[PATH_MAX];
		if (xsnprintf(p, sizeof(p), "%s/%s", dir, n) != 0)
			continue;
		struct stat st;
		if (lstat(p, &st) != 0)
			continue;
		if (S_ISREG(st.st_mode)) {
			if (depth > 0 && project_secret_file(n))
				rc = strv_push_unique(w->l, p);
			continue;
		}
		if (!S_ISDIR(st.st_mode) || n[0] == '.' || depth + 1 >= HOME_WALK_DEPTH ||
		    st.st_dev != w->dev)
			continue;
		bool skip = false;
		for (size_t i = 0; i < w->nskip && !skip; i++)
			skip = glob_match(w->skip[i], n);
		if (!skip)
			rc = walk_projects(w, p, depth + 1);
	}
	closedir(d);
	return rc;
}

/* hush setup's walk: .env files up to depth directories below dir, not
 * entering .git or dependency trees, at most max. */
static int project_dotenv(const char *dir, int depth, size_t max, struct strv *out)
{
	static const char *const skip[] = { ".git", "node_modules", "vendor", ".venv", "venv" };
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && out->n < max && (de = readdir(d))) {
		const char *nm = de->d_name;
		char p[PATH_MAX];
		struct stat st;
		if (!strcmp(nm, ".") || !strcmp(nm, "..") || xsnprintf(p, sizeof(p), "%s/%s", dir, nm) ||
		    lstat(p, &st) != 0)
			continue;
		bool skipped = false;
		for (size_t i = 0; i < ARRAY_LEN(skip); i++)
			skipped |= !strcmp(nm, skip[i]);
		if (S_ISDIR(st.st_mode) && depth > 0 && !skipped)
			rc = project_dotenv(p, depth - 1, max, out);
		else if (S_ISREG(st.st_mode) && scan_credfile_kind(p) == SCAN_CF_DOTENV &&
			 !strstr(nm, ".hush-backup-"))
			rc = strv_push(out, p);
	}
	closedir(d);
	return rc;
}

int scan_project_dotenv(const char *dir, struct strv *out)
{
	return project_dotenv(dir, PROJECT_DOTENV_DEPTH, out->n + PROJECT_DOTENV_MAX, out);
}

int scan_home_paths(const char *home, char *const *skip, size_t nskip, struct strv *out)
{
	int rc = 0;
	for (size_t i = 0; i < ARRAY_LEN(home_fixed) && rc == 0; i++)
		rc = push_if_exists(out, home, home_fixed[i]);
	if (rc == 0)
		rc = list_dir_matching(out, home, rc_copy);
	char fish[PATH_MAX];
	if (rc == 0 && xsnprintf(fish, sizeof(fish), "%s/.config/fish", home) == 0)
		rc = list_dir_matching(out, fish, rc_copy_fish);
	if (rc == 0)
		rc = config_token_files(out, home);
	struct stat st;
	if (rc == 0 && stat(home, &st) == 0) {
		struct walk w = { .l = out, .skip = skip, .nskip = nskip, .dev = st.st_dev };
		rc = walk_projects(&w, home, 0);
	}
	return rc;
}
