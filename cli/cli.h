/* SPDX-License-Identifier: ISC */
/* What every command of hush (and hushd) does the same way: options
 * (getopt_long, hush's messages, --help), the configuration (a load
 * failure exits 2, docs/design.md "Exit codes"), libsodium. Program code:
 * the functions ending in _or_exit print and exit. */
#ifndef HUSH_CLI_H
#define HUSH_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "cli_help.h" /* cli_help_NAME[]: the --help texts, cli/help/NAME.txt */
#include "config/config.h"
#include "vault/open.h"

struct vault;
struct vault_err;

/* Entries of a struct option table, and its end. */
#define CLI_ARG(name, val) { name, required_argument, NULL, val }
#define CLI_FLAG(name, val) { name, no_argument, NULL, val }
#define CLI_END { NULL, 0, NULL, 0 }

/* The values getopt_long() returns for the long options without a short
 * one that several commands share; a command's own start at CLI_O_OWN. */
enum { CLI_O_FD = 0x100, CLI_O_JSON, CLI_O_KEYRING, CLI_O_PASSPHRASE, CLI_O_DRY_RUN, CLI_O_OWN };
#define CLI_OPT_FD CLI_ARG("passphrase-fd", CLI_O_FD)
#define CLI_OPT_JSON CLI_FLAG("json", CLI_O_JSON)

struct cli_cmd {
	const char *name;              /* "set": messages and hints say "hush set" */
	const char *usage;             /* the --help text, printed on stdout */
	const char *shortopts;         /* getopt's; "+" first: options end at the first operand */
	const struct option *longopts; /* zero-terminated, or NULL; --help and -h always work */
};

/* The next option of argv (argv[0] is the command's name), as
 * getopt_long() returns it; -1 when the options are over (optind is the
 * first operand). The first call for an argv starts from its beginning.
 * --help / -h print c->usage and exit 0; an unknown option, a missing or an
 * unexpected value exit 2 naming it. */
int cli_getopt_or_exit(const struct cli_cmd *c, int argc, char **argv);

/* After the options: the number of operands, which must be at least min
 * and at most max (-1: no limit), else exit 2 ("missing WHAT", "unexpected
 * argument 'X'"). They are argv[optind...]. */
int cli_operands_or_exit(const struct cli_cmd *c, int argc, char **argv, int min, int max,
			 const char *what);

/* For a command without options of its own: --help, then between min and
 * max operands (as cli_operands_or_exit()); returns their number. */
int cli_plain_or_exit(const struct cli_cmd *c, int argc, char **argv, int min, int max,
		      const char *what);

/* --passphrase-fd's N (vault/passphrase.h's parser and bound), or exit 2. */
int cli_passphrase_fd_or_exit(const struct cli_cmd *c, const char *arg);

/* Loads file (NULL: the default path, a missing file meaning the
 * defaults) into *cfg, or exits 2 with the loader's "FILE:LINE: ..." and
 * a hint: the exit status of a configuration failure for every command. */
void cli_config_or_exit(struct config *cfg, const char *file);

/* Flushes stdout and reads one line from stdin (after a question): true
 * when it starts with y or Y. */
bool cli_answer_yes(void);

/* sodium_init(), or exit 1. */
void cli_sodium_or_exit(void);

/* --- the vault of the secrets commands --- */

struct cli_vault {
	int passphrase_fd;     /* --passphrase-fd N, or -1 */
	struct config cfg;
	char path[4096];       /* <data>/vault */
	struct vault *v;       /* once opened */
};

/* libsodium, the configuration, the vault's path: what every secrets
 * command needs first. Whatever x holds is released at exit (the vault
 * closed, its memory wiped), so the exit paths need not. One per process. */
void cli_vault_begin_or_exit(struct cli_vault *x, int passphrase_fd);
/* vault/open.h's options for x's vault (flags: VAULT_WRITE or 0). */
struct vault_open_opts cli_vault_opts(const struct cli_vault *x, int flags);
/* Opens x->path (flags: VAULT_WRITE or 0), asking for the passphrase the
 * documented way, or exits 1 with the reason and a hint. */
void cli_vault_open_or_exit(struct cli_vault *x, int flags);
/* Both of the above: x's vault, open. */
struct vault *cli_vault_or_exit(struct cli_vault *x, int passphrase_fd, int flags);
/* vault_save(), or exit 1. */
void cli_vault_save_or_exit(struct cli_vault *x);
/* Prints e's explanation and hint, exits 1. */
_Noreturn void cli_vault_die(const struct vault_err *e);

/* Prints what (a line) and hint ("" or NULL: none), exits with status:
 * for the failures libraries describe (broker/client_ctl.h, ...). */
_Noreturn void cli_fail(int status, const char *what, const char *hint);

#endif
