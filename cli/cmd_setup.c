/* SPDX-License-Identifier: ISC */
/* hush setup: a guided first run. Creates the vault, scans the home and
 * the current project, offers to migrate shell rc files and import .env
 * files (names shown, never values), finds installed agents, writes a
 * commented config, checks it, and prints the line that starts the agent.
 * Each step runs the hush command a user would type, so setup does exactly
 * what the documented commands do; it never overwrites a vault or config. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "common/proc.h"
#include "common/strv.h"
#include "common/util.h"
#include "config/starter.h"
#include "scan/rewrite.h"
#include "scan/scan.h"
#include "vault/vault.h"

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
static const struct cli_cmd setup_cmd = { "setup", cli_help_setup, "y", setup_opts };

static void step(struct setup *s, const char *what)
{
	printf("\n[%d/%d] %s\n", ++s->step, s->steps, what);
	fflush(stdout);
}

/* Runs "hush ARGS..." and returns its exit status (127 when it could not
 * start). */
static int run_hush(const struct setup *s, const char *const *args)
{
	char *argv[16] = { (char *)"hush" };
	for (size_t k = 1; *args && k + 1 < ARRAY_LEN(argv); args++)
		argv[k++] = (char *)*args;
	fflush(stdout);
	fflush(stderr);
	struct proc_capture pc = { .path = s->self, .argv = argv, .tee_fd = -1 };
	int st = proc_capture(&pc);
	return st < 0 ? 127 : st;
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
	return cli_answer_yes();
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

/* --- step 3: shell rc files --- */

/* How many secrets hush migrate would move out of the default rc files. */
static size_t rc_secrets(void)
{
	char home[PATH_MAX];
	return path_home(home, sizeof(home)) ? 0 : rewrite_pending_rc(home);
}

/* --- step 4: .env files --- */

/* Offers each .env file with values for hush import FILE --replace. */
static int setup_dotenv(struct setup *s)
{
	step(s, ".env files in this project");
	_cleanup_strv_ struct strv files = STRV_INIT;
	if (scan_project_dotenv(".", &files))
		die("out of memory");
	int status = 0;
	size_t offered = 0;
	for (size_t i = 0; i < files.n; i++) {
		_cleanup_free_ char *names = NULL;
		size_t n = rewrite_pending_dotenv(files.v[i], &names);
		if (n == 0)
			continue;
		offered++;
		const char *shown = strncmp(files.v[i], "./", 2) ? files.v[i] : files.v[i] + 2;
		printf("%s holds %zu value%s: %s\n", shown, n, n == 1 ? "" : "s", names);
		char q[PATH_MAX + 128];
		snprintf(q, sizeof(q), "Move the values of %.4000s into the vault, leaving the names?", shown);
		const char *const args[] = { "import", files.v[i], "--replace", NULL };
		if (ask(s, q) && run_hush(s, args) != 0)
			status = 1;
	}
	if (offered == 0)
		printf("no .env file with values here%s\n", files.n ? "" : " (none found)");
	return status;
}

/* --- step 5: agents and the config --- */

static int setup_config(struct setup *s, const char **found, size_t *nfound)
{
	step(s, "agents and the config");
	for (size_t i = 0; i < ARRAY_LEN(agents); i++) {
		char p[PATH_MAX];
		if (proc_find(agents[i], p, sizeof(p)) == 0) {
			printf("found %s: %s\n", agents[i], p);
			found[(*nfound)++] = agents[i];
		}
	}
	if (!*nfound)
		printf("no agent found on PATH (looked for claude, opencode, codex, aider, gemini)\n");
	char cfg[PATH_MAX];
	if (path_config(cfg, sizeof(cfg)) != 0)
		die_status(2, "set HOME or HUSH_CONFIG", "setup: cannot work out where the config goes");
	bool desktop = getenv("DISPLAY") || getenv("WAYLAND_DISPLAY");
	int rc = config_write_starter(cfg, found, *nfound, desktop);
	if (rc == HUSH_EEXIST) {
		printf("kept the existing config %s\n", cfg);
	} else if (rc) {
		msg_error("setup: cannot write %s: %s", cfg, file_strerror(rc));
		return 1;
	} else {
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
	if (proc_self_path(s.self, sizeof(s.self)))
		die("setup: cannot find the hush executable: %s", strerror(errno));
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
	const char *const dry[] = { "migrate", "--dry-run", NULL };
	const char *const yes[] = { "migrate", "--yes", NULL };
	if (run_hush(&s, dry) != 0)
		status = 1;
	else if (rc_secrets() &&
		 ask(&s, "Move these secrets into the vault and rewrite the files (a sealed backup is kept)?") &&
		 run_hush(&s, yes) != 0)
		status = 1;

	if (setup_dotenv(&s) != 0)
		status = 1;
	const char *found[ARRAY_LEN(agents)];
	size_t nfound = 0;
	if (setup_config(&s, found, &nfound) != 0)
		status = 1;

	step(&s, "start your agent");
	for (size_t i = 0; i < nfound; i++)
		printf("  hush sandbox -- %s\n", found[i]);
	if (!nfound)
		printf("  hush sandbox -- YOUR-AGENT\n");
	printf("\nhush doctor shows which protection layers work on this machine.\n");
	return status;
}
