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

#define COMMAND_ROW(name, summary) { #name, cmd_##name, summary },
static const struct command commands[] = { HUSH_COMMANDS(COMMAND_ROW) };

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
