/* SPDX-License-Identifier: ISC */
/* The hush subcommands, in "hush help" order, with their one-line
 * summaries. Each cmd_NAME gets argv starting at the subcommand's own name
 * (argv[0] == "set" for "hush set X") and returns the exit status. Every
 * command answers --help / -h with its usage on stdout, exit 0; the
 * options, the configuration and the vault are handled the same way by all
 * of them through cli/cli.h. Where they are: vault and secrets
 * cli/cmd_vault.c (import: cmd_import.c), configuration cmd_config.c,
 * broker cmd_broker.c, sandbox cmd_sandbox.c, doctor cmd_doctor.c, scanner
 * cmd_scan.c, first run cmd_setup.c. */
#ifndef HUSH_COMMANDS_H
#define HUSH_COMMANDS_H

#define HUSH_COMMANDS(X)                                                                     \
	X(setup, "a guided first run: vault, scan, migration, config")                       \
	X(init, "create the vault (passphrase or --keyring)")                                \
	X(set, "store a secret (value from stdin or a no-echo prompt)")                      \
	X(get, "print a secret's value (for your own scripts)")                              \
	X(rm, "remove a secret")                                                             \
	X(list, "list secret names and metadata, never values")                              \
	X(import, "import secrets from a dotenv file")                                       \
	X(passwd, "change the passphrase or switch key source")                              \
	X(config, "check or locate the configuration")                                       \
	X(grant, "list the configured grants")                                               \
	X(broker, "run the broker daemon (hushd)")                                           \
	X(status, "show the broker's state")                                                 \
	X(unlock, "unlock the vault in the broker")                                          \
	X(lock, "lock the vault and drop all approvals")                                     \
	X(stop, "stop the broker")                                                           \
	X(run, "run a granted command with its secrets")                                     \
	X(pending, "list requests waiting for approval")                                     \
	X(approve, "approve a pending request")                                              \
	X(deny, "deny a pending request")                                                    \
	X(audit, "show the audit log")                                                       \
	X(shims, "create links that route granted commands via hush")                        \
	X(sandbox, "start an agent in the sandbox")                                          \
	X(doctor, "show which protection layers work here")                                  \
	X(scan, "find exposed secrets in files")                                             \
	X(migrate, "move exported secrets from shell rc files into the vault")

#define HUSH_COMMAND_DECLARE(name, summary) int cmd_##name(int argc, char **argv);
HUSH_COMMANDS(HUSH_COMMAND_DECLARE)

/* hush invoked through a symlink named after a granted command:
 * behaves as "hush run -- <name> ARGS..."; argv[0] is the link name. */
int cmd_run_as_link(int argc, char **argv);
/* hush import FILE --replace (cmd_scan.c; cmd_import hands it over, argv
 * starting at "import") */
int cmd_import_replace(int argc, char **argv);

#endif
