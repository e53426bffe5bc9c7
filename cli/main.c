/* SPDX-License-Identifier: ISC */
/* hush: the command users and agents type. Dispatches to the subcommands
 * declared in commands.h. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/util.h"

struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
};

static const struct command commands[] = {
	{ "setup", cmd_setup, "a guided first run: vault, scan, migration, config" },
	{ "init", cmd_init, "create the vault (passphrase or --keyring)" },
	{ "set", cmd_set, "store a secret (value from stdin or a no-echo prompt)" },
	{ "get", cmd_get, "print a secret's value (for your own scripts)" },
	{ "rm", cmd_rm, "remove a secret" },
	{ "list", cmd_list, "list secret names and metadata, never values" },
	{ "import", cmd_import, "import secrets from a dotenv file" },
	{ "passwd", cmd_passwd, "change the passphrase or switch key source" },
	{ "config", cmd_config, "check or locate the configuration" },
	{ "grant", cmd_grant, "list the configured grants" },
	{ "broker", cmd_broker, "run the broker daemon (hushd)" },
	{ "status", cmd_status, "show the broker's state" },
	{ "unlock", cmd_unlock, "unlock the vault in the broker" },
	{ "lock", cmd_lock, "lock the vault and drop all approvals" },
	{ "stop", cmd_stop, "stop the broker" },
	{ "run", cmd_run, "run a granted command with its secrets" },
	{ "pending", cmd_pending, "list requests waiting for approval" },
	{ "approve", cmd_approve, "approve a pending request" },
	{ "deny", cmd_deny, "deny a pending request" },
	{ "audit", cmd_audit, "show the audit log" },
	{ "shims", cmd_shims, "create links that route granted commands via hush" },
	{ "sandbox", cmd_sandbox, "start an agent in the sandbox" },
	{ "doctor", cmd_doctor, "show which protection layers work here" },
	{ "scan", cmd_scan, "find exposed secrets in files" },
	{ "migrate", cmd_migrate, "move exported secrets from shell rc files into the vault" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: hush COMMAND [ARGS...]\n\n"
		   "hush keeps secrets out of AI coding agents' reach.\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-9s %s\n", "help", "this list; \"hush help COMMAND\" for one command");
	fprintf(f, "\nRun \"hush COMMAND --help\" for a command's options.\n");
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	char self[4096];
	snprintf(self, sizeof(self), "%s", argc > 0 ? argv[0] : "hush");
	const char *base = basename(self);
	if (strcmp(base, "hushd") == 0)
		die_status(2, "run the hushd program, or hush broker", "this is hush, not hushd");
	if (strcmp(base, "hush") != 0 && strncmp(base, "hush-", 5) != 0)
		return cmd_run_as_link(argc, argv);

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *c = argv[1];
	if (!strcmp(c, "help") || !strcmp(c, "--help") || !strcmp(c, "-h")) {
		if (argc > 2 && !strcmp(c, "help")) {
			const struct command *cmd = find(argv[2]);
			if (!cmd)
				die_usage(NULL, "unknown command '%s'", argv[2]);
			char *hargv[] = { argv[2], (char *)"--help", NULL };
			return cmd->fn(2, hargv);
		}
		usage(stdout);
		return 0;
	}
	if (!strcmp(c, "--version") || !strcmp(c, "version")) {
		printf("hush %s\n", HUSH_VERSION);
		return 0;
	}
	const struct command *cmd = find(c);
	if (!cmd)
		die_usage(NULL, "unknown command '%s'", c);
	return cmd->fn(argc - 1, argv + 1);
}
