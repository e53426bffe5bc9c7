/* SPDX-License-Identifier: ISC */
/* hush config (check a config file, print its path) and hush grant (list
 * the configured grants). The config holds secret names, never values, so
 * everything here may be printed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "common/util.h"
#include "config/config.h"
#include "config/lint.h"
#include "config/show.h"

/* --- hush config check --- */

static void print_problem(void *ctx, const char *what, const char *hint)
{
	(void)ctx;
	msg_error("%s", what);
	if (hint)
		msg_hint("%s", hint);
}

enum { O_UNLOCK = CLI_O_OWN };
static const struct option check_opts[] = { CLI_FLAG("unlock", O_UNLOCK), CLI_END };
static const struct cli_cmd config_cmd = { "config", cli_help_config, "", check_opts };

static int config_check(int argc, char **argv)
{
	bool unlock = false;
	int o;
	while ((o = cli_getopt_or_exit(&config_cmd, argc, argv)) != -1)
		unlock |= o == O_UNLOCK;
	cli_operands_or_exit(&config_cmd, argc, argv, 0, 1, NULL);
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
	_cleanup_config_ struct config cfg;
	cli_config_or_exit(&cfg, file);
	printf("%s: valid (%zu grant%s, %zu profile%s)\n", file, cfg.ngrants,
	       cfg.ngrants == 1 ? "" : "s", cfg.nprofiles, cfg.nprofiles == 1 ? "" : "s");

	struct config_lint res;
	int problems = config_lint(&cfg, unlock, print_problem, NULL, &res);
	config_lint_write(stdout, &res);
	return problems ? 1 : 0;
}

int cmd_config(int argc, char **argv)
{
	if (argc < 2) {
		fputs(cli_help_config, stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "help") || sub[0] == '-') {
		cli_plain_or_exit(&config_cmd, argc, argv, 0, 0, NULL);
		fputs(cli_help_config, stdout);
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
		die_status(2, NULL, "config path: cannot find the config path (no HOME?)");
	printf("%s\n", path);
	return 0;
}

/* --- hush grant list --- */

static const struct option grant_opts[] = { CLI_OPT_JSON, CLI_END };
static const struct cli_cmd grant_cmd = { "grant", cli_help_grant, "", grant_opts };

int cmd_grant(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	if (!strcmp(sub, "help")) {
		fputs(cli_help_grant, stdout);
		return 0;
	}
	if (sub[0] != '-' && strcmp(sub, "list"))
		die_usage("grant", "unknown subcommand '%s'", sub);
	int skip = sub[0] != '-' && argc > 1;
	bool json = false;
	int o;
	while ((o = cli_getopt_or_exit(&grant_cmd, argc - skip, argv + skip)) != -1)
		json |= o == CLI_O_JSON;
	cli_operands_or_exit(&grant_cmd, argc - skip, argv + skip, 0, 0, NULL);
	_cleanup_config_ struct config cfg;
	cli_config_or_exit(&cfg, NULL);
	if (json) {
		config_show_grants_json(stdout, &cfg);
	} else if (cfg.ngrants == 0) {
		char path[4096] = "";
		path_config(path, sizeof(path));
		printf("no grants in %s\n", cfg.path ? cfg.path : path);
		msg_hint("add a [grant NAME] section; see docs/config.md");
	} else {
		config_show_grants(stdout, &cfg);
	}
	return 0;
}
