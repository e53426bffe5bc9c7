/* SPDX-License-Identifier: ISC */
/* Entry points of cli/cmd_scan.c used by other commands: hush import
 * FILE --replace is handled here (cli/cmd_vault.c hands it over). */
#ifndef HUSH_CLI_CMD_SCAN_H
#define HUSH_CLI_CMD_SCAN_H

/* hush import FILE --replace [--dry-run] [--passphrase-fd N]: argv starts
 * at "import". Returns the exit status. */
int cmd_import_replace(int argc, char **argv);

/* Opens the user's vault (flags: VAULT_WRITE or 0), printing why it did
 * not open. NULL on failure. */
struct vault;
struct vault *open_vault_or_report(int passphrase_fd, int flags);

/* hush migrate --undo / --purge-backups (cli/cmd_undo.c): restores each
 * FILE (every file with a backup when nfiles is 0, plus those of defaults
 * that have old plaintext backups) from its newest backup, or removes the
 * backups when purge is set. Returns the exit status. */
#include <stdbool.h>
#include <stddef.h>
int cmd_migrate_undo(char **files, size_t nfiles, char **defaults, size_t ndefaults, bool purge,
		     int pfd);

#endif
