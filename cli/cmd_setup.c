/* SPDX-License-Identifier: ISC */
/* hush setup: a guided first run. Creates the vault, scans the home and
 * the current project, offers to migrate shell rc files and import .env
 * files (names shown, never values), finds installed agents, writes a
 * commented config, checks it, and prints the line that starts the agent.
 * Each step runs the hush command a user would type, so setup does exactly
 * what the documented commands do; it never overwrites a vault or config. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "common/dotenv.h"
#include "common/proc.h"
#include "common/util.h"
#include "scan/scan.h"
#include "vault/vault.h"

#define SETUP_MAX_DOTENV 32   /* .env files offered for import */
#define SETUP_DOTENV_DEPTH 3  /* how deep below the working directory */

static const char *const agents[] = { "claude", "opencode", "codex", "aider", "gemini" };

struct setup {
	bool yes;
	bool keyring, passphrase;
	char self[PATH_MAX];
	int step, steps;
};

static const struct option setup_opts[] = {
	CLI_FLAG("yes", 'y'),
	CLI_FLAG("keyring", 'k'),
	CLI_FLAG("passphrase", 'p'),
	CLI_END,
};
static const struct cli_cmd setup_cmd = {
	"setup",
	"usage: hush setup [--yes] [--keyring | --passphrase]\n\n"
	"A guided first run, step by step:\n"
	"  1. create the vault: the key in the desktop keyring when one answers,\n"
	"     else a passphrase (an existing vault is kept)\n"
	"  2. scan your home and this directory for exposed secrets (hush scan)\n"
	"  3. offer to move secrets out of your shell rc files (hush migrate)\n"
	"  4. offer to move the values of this project's .env files into the vault\n"
	"     (hush import FILE --replace), showing the names, never the values\n"
	"  5. find installed agents (claude, opencode, codex, aider, gemini) and\n"
	"     write a commented config (an existing config is kept), then run\n"
	"     hush config check\n"
	"  6. print the line that starts your agent in the sandbox\n\n"
	"  --yes         answer yes to every offer (for scripts; stdin need not be\n"
	"                a terminal). Without it and without a terminal, offers are\n"
	"                skipped.\n"
	"  --keyring     the vault key must go into the desktop keyring\n"
	"  --passphrase  use a passphrase even when a keyring is available\n\n"
	"A passphrase comes from $HUSH_ASKPASS or a no-echo prompt.\n",
	"y", setup_opts,
};

static void step(struct setup *s, const char *what)
{
	printf("\n[%d/%d] %s\n", ++s->step, s->steps, what);
	fflush(stdout);
}

/* Runs "hush ARGS..." and returns its exit status (127 when it could not
 * start). With out, its stdout is also kept in out[n] (NUL-terminated, cut
 * short when longer) while still shown to the user. */
static int run_hush_into(const struct setup *s, const char *const *args, char *out, size_t n)
{
	char *argv[16];
	size_t k = 0;
	argv[k++] = (char *)"hush";
	for (; *args && k + 1 < ARRAY_LEN(argv); args++)
		argv[k++] = (char *)*args;
	argv[k] = NULL;
	fflush(stdout);
	fflush(stderr);
	struct proc_capture pc = { .path = s->self, .argv = argv, .tee_fd = out ? 1 : -1,
				   .out = out, .cap = out ? n - 1 : 0 };
	int st = proc_capture(&pc);
	if (out)
		out[pc.len] = 0;
	return st < 0 ? 127 : st;
}

static int run_hush(const struct setup *s, const char *const *args)
{
	return run_hush_into(s, args, NULL, 0);
}

/* yes/no: --yes answers yes; without a terminal the offer is skipped. */
static bool ask(const struct setup *s, const char *question)
{
	if (s->yes) {
		printf("%s yes (--yes)\n", question);
		return true;
	}
	if (!isatty(0)) {
		printf("%s skipped (stdin is not a terminal; --yes accepts)\n", question);
		return false;
	}
	printf("%s [y/N] ", question);
	fflush(stdout);
	char ans[16] = "";
	if (!fgets(ans, sizeof(ans), stdin))
		return false;
	return ans[0] == 'y' || ans[0] == 'Y';
}

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* --- step 1: the vault --- */

static int setup_vault(struct setup *s)
{
	step(s, "the vault");
	char vault[PATH_MAX];
	if (path_vault(vault, sizeof(vault)) != 0)
		die_status(2, "set HOME or HUSH_HOME", "setup: cannot work out where the vault goes");
	struct stat st;
	if (lstat(vault, &st) == 0) {
		printf("kept the existing vault %s\n", vault);
		return 0;
	}
	bool keyring = s->keyring;
	if (!s->keyring && !s->passphrase) {
		char why[256];
		keyring = keyring_available(why, sizeof(why)) == 0;
		if (keyring)
			printf("a desktop keyring answers: the vault key goes there\n");
		else
			printf("no desktop keyring (%s): the vault gets a passphrase\n", why);
	}
	const char *const with_keyring[] = { "init", "--keyring", NULL };
	const char *const with_pass[] = { "init", NULL };
	int rc = run_hush(s, keyring ? with_keyring : with_pass);
	if (rc != 0) {
		msg_error("setup: hush init failed (exit %d)", rc);
		msg_hint("fix what it said and run hush setup again; nothing else was changed");
		return 1;
	}
	return 0;
}

/* --- step 4: .env files --- */

struct names {
	char buf[2048];
	size_t len;
	size_t n;
};

static int collect_name(void *ctx, const struct dotenv_entry *e)
{
	struct names *nm = ctx;
	if (!e->value_len || e->has_expansion)
		return 0;
	int w = snprintf(nm->buf + nm->len, sizeof(nm->buf) - nm->len, "%s%s", nm->n ? ", " : "",
			 e->name);
	if (w > 0 && (size_t)w < sizeof(nm->buf) - nm->len)
		nm->len += (size_t)w;
	nm->n++;
	return 0;
}

static void find_dotenv(const char *dir, int depth, char files[][PATH_MAX], size_t *n)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) && *n < SETUP_MAX_DOTENV) {
		const char *nm = de->d_name;
		if (!strcmp(nm, ".") || !strcmp(nm, ".."))
			continue;
		char p[PATH_MAX];
		if (xsnprintf(p, sizeof(p), "%s/%s", dir, nm))
			continue;
		struct stat st;
		if (lstat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth > 0 && strcmp(nm, ".git") && strcmp(nm, "node_modules") &&
			    strcmp(nm, "vendor") && strcmp(nm, ".venv") && strcmp(nm, "venv"))
				find_dotenv(p, depth - 1, files, n);
		} else if (S_ISREG(st.st_mode) && scan_credfile_kind(p) == SCAN_CF_DOTENV &&
			   !strstr(nm, ".hush-backup-")) {
			snprintf(files[(*n)++], PATH_MAX, "%s", p);
		}
	}
	closedir(d);
}

static int setup_dotenv(struct setup *s)
{
	step(s, ".env files in this project");
	static char files[SETUP_MAX_DOTENV][PATH_MAX];
	size_t n = 0;
	find_dotenv(".", SETUP_DOTENV_DEPTH, files, &n);
	int status = 0;
	size_t offered = 0;
	for (size_t i = 0; i < n; i++) {
		char *data = NULL;
		size_t len = 0;
		if (file_read_all(files[i], DOTENV_MAX_INPUT, false, &data, &len) != 0)
			continue;
		struct names nm = { .len = 0 };
		dotenv_parse(data, len, collect_name, NULL, &nm);
		sodium_memzero(data, len);
		free(data);
		if (nm.n == 0)
			continue;
		offered++;
		const char *shown = files[i][0] == '.' && files[i][1] == '/' ? files[i] + 2 : files[i];
		printf("%s holds %zu value%s: %s\n", shown, nm.n, nm.n == 1 ? "" : "s", nm.buf);
		char q[PATH_MAX + 128];
		snprintf(q, sizeof(q), "Move the values of %.4000s into the vault, leaving the names?", shown);
		if (!ask(s, q))
			continue;
		const char *const args[] = { "import", files[i], "--replace", NULL };
		int rc = run_hush(s, args);
		if (rc != 0 && status == 0)
			status = 1;
	}
	if (offered == 0)
		printf("no .env file with values here%s\n", n ? "" : " (none found)");
	return status;
}

/* --- step 5: agents and the config --- */

static bool find_in_path(const char *name, char *out, size_t n)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	char buf[8192];
	snprintf(buf, sizeof(buf), "%s", path);
	char *save = NULL;
	for (char *d = strtok_r(buf, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (d[0] != '/')
			continue;
		if (xsnprintf(out, n, "%s/%s", d, name) == 0 && is_file(out) && access(out, X_OK) == 0)
			return true;
	}
	return false;
}

struct text {
	char s[8192];
	size_t len;
	bool over;
};

static void addf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(t->s + t->len, sizeof(t->s) - t->len, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof(t->s) - t->len)
		t->over = true;
	else
		t->len += (size_t)w;
}

static int write_config(const char *path, const bool found[], bool desktop)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (path_ensure_private_dir(dir) != 0)
			return HUSH_EIO;
	}
	struct text t = { .len = 0 };
	addf(&t, "; hush config, written by hush setup. Every key: man hush-config\n"
	    "; (or docs/config.md). Check it with: hush config check\n\n"
	    "[broker]\n"
	    "; How a human approves a granted command: desktop | terminal | command:/path\n"
	    "confirm = %s\n"
	    "; An approval of a `confirm = ttl` grant lasts this long.\n"
	    ";approval_ttl = 15m\n\n"
	    "[sandbox]\n"
	    "; Added to the built-in lists (.env, *.pem, ~/.ssh, ~/.aws, ...).\n"
	    ";hide = *.secret\n"
	    ";hide_dirs = ~/.config/op\n\n",
	    desktop ? "desktop" : "terminal");
	addf(&t, "; Grants: the commands that may get secrets, and which. Examples:\n"
	    ";\n"
	    ";[grant gh]\n"
	    ";command = /usr/bin/gh\n"
	    ";secrets = GITHUB_TOKEN\n"
	    ";confirm = ttl\n"
	    ";\n"
	    ";[grant deploy-test]\n"
	    ";command = /usr/local/bin/nctl\n"
	    ";args = * --organization=test-org *\n"
	    ";secrets = NCTL_TOKEN\n"
	    ";confirm = always\n\n");
	bool any = false;
	for (size_t i = 0; i < ARRAY_LEN(agents); i++)
		any |= found[i];
	addf(&t, "; Agents found on this machine%s. A [profile NAME] section\n"
	    "; (hush sandbox --profile NAME -- AGENT) changes what the agent may see\n"
	    "; and keep, e.g.\n", any ? "" : ": none");
	for (size_t i = 0; i < ARRAY_LEN(agents); i++)
		if (found[i])
			addf(&t, ";   hush sandbox -- %s\n", agents[i]);
	addf(&t, ";\n;[profile myagent]\n;allow_env = MY_AGENT_HOME\n;allow_write = ~/.cache/myagent\n");
	if (t.over)
		return HUSH_ETOOBIG;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? HUSH_EEXIST : HUSH_EIO;
	if (write_all(fd, t.s, t.len) < 0 || fsync(fd) < 0) {
		close(fd);
		unlink(path);
		return HUSH_EIO;
	}
	return close(fd) < 0 ? HUSH_EIO : 0;
}

static int setup_config(struct setup *s, bool found[])
{
	step(s, "agents and the config");
	size_t nfound = 0;
	for (size_t i = 0; i < ARRAY_LEN(agents); i++) {
		char p[PATH_MAX];
		found[i] = find_in_path(agents[i], p, sizeof(p));
		if (found[i]) {
			printf("found %s: %s\n", agents[i], p);
			nfound++;
		}
	}
	if (!nfound)
		printf("no agent found on PATH (looked for claude, opencode, codex, aider, gemini)\n");
	char cfg[PATH_MAX];
	if (path_config(cfg, sizeof(cfg)) != 0)
		die_status(2, "set HOME or HUSH_CONFIG", "setup: cannot work out where the config goes");
	struct stat st;
	if (lstat(cfg, &st) == 0) {
		printf("kept the existing config %s\n", cfg);
	} else {
		bool desktop = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
		int rc = write_config(cfg, found, desktop);
		if (rc != 0) {
			msg_error("setup: cannot write %s: %s", cfg,
				  rc == HUSH_EIO ? strerror(errno) : hush_strerror(rc));
			return 1;
		}
		printf("wrote %s (grants as commented examples; approvals: %s)\n", cfg,
		       desktop ? "a desktop dialog" : "hush pending / hush approve in a terminal");
	}
	const char *const args[] = { "config", "check", NULL };
	return run_hush(s, args) == 0 ? 0 : 1;
}

int cmd_setup(int argc, char **argv)
{
	struct setup s = { .steps = 6 };
	int o;
	while ((o = cli_getopt_or_exit(&setup_cmd, argc, argv)) != -1) {
		s.yes |= o == 'y';
		s.keyring |= o == 'k';
		s.passphrase |= o == 'p';
	}
	cli_operands_or_exit(&setup_cmd, argc, argv, 0, 0, NULL);
	if (s.keyring && s.passphrase)
		die_usage("setup", "--keyring and --passphrase exclude each other");
	cli_sodium_or_exit();
	ssize_t l = readlink("/proc/self/exe", s.self, sizeof(s.self) - 1);
	if (l <= 0)
		die("setup: cannot find the hush executable: %s", strerror(errno));
	s.self[l] = 0;
	if (getenv("HUSH_SANDBOX"))
		die_status(2, "run hush setup in your own terminal, outside the sandbox",
			   "setup: refusing to run inside hush sandbox");

	if (setup_vault(&s) != 0)
		return 1;
	int status = 0;

	step(&s, "exposed secrets in your home and this directory");
	const char *const scan[] = { "scan", "--home", ".", NULL };
	int rc = run_hush(&s, scan);
	if (rc == 0)
		printf("nothing found\n");
	else if (rc != 1)
		status = 1;

	step(&s, "shell startup files");
	char out[65536];
	const char *const dry[] = { "migrate", "--dry-run", NULL };
	rc = run_hush_into(&s, dry, out, sizeof(out));
	if (rc != 0) {
		status = 1;
	} else if (!strstr(out, "would move 0 ")) {
		if (ask(&s, "Move these secrets into the vault and rewrite the files (a sealed backup is kept)?")) {
			const char *const yes[] = { "migrate", "--yes", NULL };
			if (run_hush(&s, yes) != 0)
				status = 1;
		}
	}

	if (setup_dotenv(&s) != 0)
		status = 1;
	bool found[ARRAY_LEN(agents)];
	if (setup_config(&s, found) != 0)
		status = 1;

	step(&s, "start your agent");
	bool any = false;
	for (size_t i = 0; i < ARRAY_LEN(agents); i++)
		if (found[i]) {
			printf("  hush sandbox -- %s\n", agents[i]);
			any = true;
		}
	if (!any)
		printf("  hush sandbox -- YOUR-AGENT\n");
	printf("\nhush doctor shows which protection layers work on this machine.\n");
	return status;
}
