/* Entry points of cli/cmd_scan.c used by other commands: hush import
 * FILE --replace is handled here (cli/cmd_vault.c hands it over). */
#ifndef HUSH_CLI_CMD_SCAN_H
#define HUSH_CLI_CMD_SCAN_H

/* hush import FILE --replace [--dry-run] [--passphrase-fd N]: argv starts
 * at "import". Returns the exit status. */
int cmd_import_replace(int argc, char **argv);

#endif
