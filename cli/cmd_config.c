/* SPDX-License-Identifier: ISC */
/* hush config (check a config file, print its path) and hush grant (list
 * the configured grants). The config holds secret names, never values, so
 * everything here may be printed. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "common/json.h"
#include "common/util.h"
#include "config/config.h"
#include "config/lint.h"

static const char config_usage[] =
	"usage: hush config check [--unlock] [FILE]\n"
	"       hush config path\n"
	"\n"
	"check   validate FILE (default: the config path) and report every problem\n"
	"        as FILE:LINE: message; then check each grant: its command exists,\n"
	"        is executable and matches its sha256 pin (a command you can\n"
	"        change, the file or a directory above it, must be pinned: the\n"
	"        line to add is printed), and its secrets are in\n"
	"        the vault (when the vault can be opened without a prompt: desktop\n"
	"        keyring, $HUSH_ASKPASS or [vault] askpass; --unlock allows a\n"
	"        passphrase prompt on the terminal).\n"
	"        Exit 0 when all is well, 1 when a grant has a problem, 2 when the\n"
	"        file is invalid or missing.\n"
	"path    print the config path ($HUSH_CONFIG, else\n"
	"        $XDG_CONFIG_HOME/hush/config.ini, else ~/.config/hush/config.ini)\n"
	"\n"
	"Every key is described in docs/config.md.\n";

static const char grant_usage[] =
	"usage: hush grant list [--json]\n"
	"\n"
	"List the grants in the config: name, command, argument patterns, working\n"
	"directory, secrets (VARIABLE <- vault entry), how approval is asked, and\n"
	"how long an approval lasts. --json prints one JSON array.\n";


/* --- hush config check --- */

static void print_problem(void *ctx, const char *what, const char *hint)
{
	(void)ctx;
	msg_error("%s", what);
	if (hint)
		msg_hint("%s", hint);
}

enum { O_UNLOCK = 0x100, O_JSON };
static const struct option check_opts[] = { CLI_FLAG("unlock", O_UNLOCK), CLI_END };
static const struct cli_cmd config_cmd = { "config", config_usage, "", check_opts };

static int config_check(int argc, char **argv)
{
	bool unlock = false;
	int o;
	while ((o = cli_getopt_or_exit(&config_cmd, argc, argv)) != -1)
		unlock |= o == O_UNLOCK;
	if (cli_operands_or_exit(&config_cmd, argc, argv, 0, 1, NULL) > 1)
		die_usage("config", "check takes at most one FILE");
	const char *file = optind < argc ? argv[optind] : NULL;
	char path[4096];
	if (!file) {
		if (path_config(path, sizeof(path)))
			die_status(2, NULL, "config check: cannot find the config path");
		struct stat st;
		if (stat(path, &st) < 0 && errno == ENOENT) {
			printf("%s: no config file; the built-in defaults apply\n", path);
			return 0;
		}
		file = path;
	}
	struct config cfg;
	cli_config_or_exit(&cfg, file);
	printf("%s: valid (%zu grant%s, %zu profile%s)\n", file, cfg.ngrants,
	       cfg.ngrants == 1 ? "" : "s", cfg.nprofiles, cfg.nprofiles == 1 ? "" : "s");

	struct config_lint res;
	int problems = config_lint(&cfg, unlock, print_problem, NULL, &res);
	if (res.secrets_wanted && !res.secrets_checked)
		printf("secrets: check skipped: %s\n", res.skipped);
	else if (res.secrets_checked)
		printf("secrets: %d of %d named by grants in the vault\n", res.nsecrets - res.missing,
		       res.nsecrets);
	config_free(&cfg);
	if (problems) {
		printf("%d problem%s found\n", problems, problems == 1 ? "" : "s");
		return 1;
	}
	return 0;
}

int cmd_config(int argc, char **argv)
{
	if (argc < 2) {
		fputs(config_usage, stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "help") || sub[0] == '-') {
		cli_plain_or_exit(&config_cmd, argc, argv, 0, 0, NULL);
		fputs(config_usage, stdout);
		return 0;
	}
	cli_sodium_or_exit();
	if (!strcmp(sub, "check"))
		return config_check(argc - 1, argv + 1);
	if (strcmp(sub, "path"))
		die_usage("config", "unknown subcommand '%s'", sub);
	cli_plain_or_exit(&config_cmd, argc - 1, argv + 1, 0, 0, NULL);
	char path[4096];
	if (path_config(path, sizeof(path)))
		die("config path: cannot find the config path (no HOME?)");
	printf("%s\n", path);
	return 0;
}

/* --- hush grant list --- */

/* A token as it would be written in args: quoted when it has spaces,
 * quotes or is empty. */
static void print_token(FILE *f, const char *t)
{
	bool plain = *t != 0;
	for (const char *c = t; *c; c++)
		if (*c == ' ' || *c == '\t' || *c == '\'' || *c == '"' || *c == ';' || *c == '#')
			plain = false;
	if (plain) {
		fputs(t, f);
	} else if (!strchr(t, '\'')) {
		fprintf(f, "'%s'", t);
	} else {
		fputc('"', f);
		for (const char *c = t; *c; c++) {
			if (*c == '"' || *c == '\\')
				fputc('\\', f);
			fputc(*c, f);
		}
		fputc('"', f);
	}
}

static const char *policy_name(enum confirm_policy p)
{
	switch (p) {
	case CONFIRM_POLICY_ALWAYS: return "always";
	case CONFIRM_POLICY_NEVER: return "never";
	case CONFIRM_POLICY_TTL: break;
	}
	return "ttl";
}

static const char *ui_name(enum confirm_ui u)
{
	switch (u) {
	case CONFIRM_UI_DESKTOP: return "desktop";
	case CONFIRM_UI_TERMINAL: return "terminal";
	case CONFIRM_UI_COMMAND: return "command";
	case CONFIRM_UI_NONE: return "none";
	case CONFIRM_UI_DEFAULT: break;
	}
	return "default";
}

/* The UI a grant uses, with the broker default resolved. */
static enum confirm_ui grant_ui(const struct config *cfg, const struct grant *g,
				const char **command)
{
	if (g->ui != CONFIRM_UI_DEFAULT) {
		*command = g->confirm_command;
		return g->ui;
	}
	*command = cfg->confirm_command;
	return cfg->confirm;
}

static void grant_list_json(const struct config *cfg)
{
	printf("[");
	for (size_t i = 0; i < cfg->ngrants; i++) {
		const struct grant *g = &cfg->grants[i];
		const char *uicmd;
		enum confirm_ui ui = grant_ui(cfg, g, &uicmd);
		printf("%s\n  {\"name\": ", i ? "," : "");
		json_write_str(stdout, g->name);
		printf(", \"command\": ");
		json_write_str(stdout, g->command);
		printf(", \"sha256\": ");
		json_write_str(stdout, g->sha256);
		printf(", \"args\": [");
		for (size_t a = 0; a < g->nargs; a++) {
			printf("%s[", a ? ", " : "");
			for (size_t t = 0; t < g->args[a].n; t++) {
				if (t)
					printf(", ");
				json_write_str(stdout, g->args[a].items[t]);
			}
			printf("]");
		}
		printf("], \"cwd\": ");
		json_write_str(stdout, g->cwd);
		printf(", \"secrets\": [");
		for (size_t s = 0; s < g->nsecrets; s++) {
			printf("%s{\"env\": ", s ? ", " : "");
			json_write_str(stdout, g->secrets[s].env);
			printf(", \"secret\": ");
			json_write_str(stdout, g->secrets[s].secret);
			printf("}");
		}
		printf("], \"confirm\": \"%s\", \"ui\": \"%s\", \"ui_command\": ",
		       policy_name(g->policy), ui_name(ui));
		json_write_str(stdout, ui == CONFIRM_UI_COMMAND ? uicmd : NULL);
		printf(", \"ttl\": %llu, \"allow_no_mask\": %s, \"ssh_agent\": %s, \"path\": ",
		       (unsigned long long)(g->ttl ? g->ttl : cfg->approval_ttl),
		       g->allow_no_mask ? "true" : "false", g->ssh_agent ? "true" : "false");
		json_write_str(stdout, g->path);
		printf(", \"env_keep\": [");
		for (size_t e = 0; e < g->env_keep.n; e++) {
			if (e)
				printf(", ");
			json_write_str(stdout, g->env_keep.items[e]);
		}
		printf("]}");
	}
	printf("%s]\n", cfg->ngrants ? "\n" : "");
}

static void grant_list_text(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->ngrants; i++) {
		const struct grant *g = &cfg->grants[i];
		if (i)
			printf("\n");
		printf("%s\n", g->name);
		printf("  command  %s%s\n", g->command, g->sha256 ? " (sha256 pinned)" : "");
		if (g->nargs == 0)
			printf("  args     (any)\n");
		for (size_t a = 0; a < g->nargs; a++) {
			printf("  %s", a ? "         " : "args     ");
			if (g->args[a].n == 0)
				printf("(none)");
			for (size_t t = 0; t < g->args[a].n; t++) {
				if (t)
					putchar(' ');
				print_token(stdout, g->args[a].items[t]);
			}
			printf("\n");
		}
		printf("  cwd      %s\n", g->cwd ? g->cwd : "(any)");
		if (g->nsecrets == 0)
			printf("  secrets  (none)\n");
		for (size_t s = 0; s < g->nsecrets; s++)
			printf("  %s%s <- %s\n", s ? "         " : "secrets  ", g->secrets[s].env,
			       g->secrets[s].secret);
		const char *uicmd;
		enum confirm_ui ui = grant_ui(cfg, g, &uicmd);
		printf("  confirm  %s, via %s%s%s%s\n", policy_name(g->policy), ui_name(ui),
		       ui == CONFIRM_UI_COMMAND ? " " : "", ui == CONFIRM_UI_COMMAND ? uicmd : "",
		       g->ui == CONFIRM_UI_DEFAULT ? " (broker default)" : "");
		char ttl[32];
		format_duration(g->ttl ? g->ttl : cfg->approval_ttl, ttl, sizeof(ttl));
		printf("  ttl      %s%s\n", ttl, g->ttl ? "" : " (broker default)");
		if (g->allow_no_mask)
			printf("  no-mask  allowed\n");
		if (g->ssh_agent)
			printf("  ssh      the broker's ssh-agent (SSH_AUTH_SOCK)\n");
		if (g->path)
			printf("  path     %s\n", g->path);
		for (size_t e = 0; e < g->env_keep.n; e++)
			printf("  %s%s\n", e ? "         " : "env_keep ", g->env_keep.items[e]);
	}
}

static const struct option grant_opts[] = { CLI_FLAG("json", O_JSON), CLI_END };
static const struct cli_cmd grant_cmd = { "grant", grant_usage, "", grant_opts };

int cmd_grant(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	if (!strcmp(sub, "help")) {
		fputs(grant_usage, stdout);
		return 0;
	}
	if (sub[0] != '-' && strcmp(sub, "list"))
		die_usage("grant", "unknown subcommand '%s'", sub);
	int skip = sub[0] != '-' && argc > 1;
	bool json = false;
	int o;
	while ((o = cli_getopt_or_exit(&grant_cmd, argc - skip, argv + skip)) != -1)
		json |= o == O_JSON;
	cli_operands_or_exit(&grant_cmd, argc - skip, argv + skip, 0, 0, NULL);
	struct config cfg;
	cli_config_or_exit(&cfg, NULL);
	if (json) {
		grant_list_json(&cfg);
	} else if (cfg.ngrants == 0) {
		char path[4096] = "";
		path_config(path, sizeof(path));
		printf("no grants in %s\n", cfg.path ? cfg.path : path);
		msg_hint("add a [grant NAME] section; see docs/config.md");
	} else {
		grant_list_text(&cfg);
	}
	config_free(&cfg);
	return 0;
}
