/* SPDX-License-Identifier: ISC */
/* The hush subcommands. Each cmd_* gets argv starting at the subcommand's
 * own name (argv[0] == "set" for "hush set X") and returns the exit status.
 * Every command answers --help / -h with its usage on stdout, exit 0; the
 * options, the configuration and the vault are handled the same way by all
 * of them through cli/cli.h. */
#ifndef HUSH_COMMANDS_H
#define HUSH_COMMANDS_H

/* vault and secrets: cli/cmd_vault.c; hush import: cli/cmd_import.c */
int cmd_init(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_passwd(int argc, char **argv);
/* configuration: cli/cmd_config.c */
int cmd_config(int argc, char **argv);   /* hush config check [FILE] | path */
int cmd_grant(int argc, char **argv);    /* hush grant list [--json] */
/* broker: cli/cmd_broker.c */
int cmd_broker(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_lock(int argc, char **argv);
int cmd_unlock(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_pending(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_deny(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_shims(int argc, char **argv);
/* hush invoked through a symlink named after a granted command:
 * behaves as "hush run -- <name> ARGS..."; argv[0] is the link name. */
int cmd_run_as_link(int argc, char **argv);
/* sandbox: cli/cmd_sandbox.c; what protects an agent here: cli/cmd_doctor.c */
int cmd_sandbox(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
/* scanner: cli/cmd_scan.c; also hush import FILE --replace (cmd_import
 * hands it over, argv starting at "import") */
int cmd_scan(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_import_replace(int argc, char **argv);
/* first run: cli/cmd_setup.c */
int cmd_setup(int argc, char **argv);

#endif
