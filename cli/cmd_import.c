/* SPDX-License-Identifier: ISC */
/* hush import: the NAME=value lines of a dotenv file, or secrets kept in
 * the desktop keyring, into the vault. Names are listed, values never.
 * (hush import FILE --replace is cli/cmd_scan.c.) */
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "common/dotenv.h"
#include "common/util.h"
#include "vault/import.h"
#include "vault/vault.h"

enum { O_ENVCHAIN = CLI_O_OWN, O_NAME_FROM, O_AS };

static const struct option import_opts[] = { CLI_OPT_FD, CLI_END };
static const struct cli_cmd import_cmd = { "import", cli_help_import, "", import_opts };
static const struct option keyring_opts[] = {
	CLI_OPT_FD, CLI_FLAG("keyring", CLI_O_KEYRING), CLI_FLAG("dry-run", CLI_O_DRY_RUN),
	CLI_ARG("envchain", O_ENVCHAIN), CLI_ARG("name-from", O_NAME_FROM), CLI_ARG("as", O_AS), CLI_END,
};
static const struct cli_cmd keyring_cmd = { "import", cli_help_import_keyring, "", keyring_opts };

/* --- hush import FILE --- */

static void rep_imported(void *ctx, const char *name, int line, bool replaced, bool expansion)
{
	(void)ctx;
	printf("%s %s (line %d)%s\n", replaced ? "updated " : "imported", name, line,
	       expansion ? " [value holds $ or ` and was stored literally]" : "");
}

static void rep_failed(void *ctx, int line, const char *why)
{
	fprintf(stderr, "%s: %s:%d: %s\n", msg_progname(), (const char *)ctx, line, why);
}

static int cmd_import_keyring(int argc, char **argv);

int cmd_import(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--keyring"))
			return cmd_import_keyring(argc, argv);
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--replace"))
			return cmd_import_replace(argc, argv); /* cli/cmd_scan.c */
	int o, fd = -1;
	while ((o = cli_getopt_or_exit(&import_cmd, argc, argv)) != -1)
		fd = cli_passphrase_fd_or_exit(&import_cmd, optarg);
	cli_operands_or_exit(&import_cmd, argc, argv, 1, 1, "FILE");
	const char *file = argv[optind];
	struct cli_vault x;
	cli_vault_begin_or_exit(&x, fd);
	char *data = NULL;
	size_t len = 0;
	int r = file_read_all(file, DOTENV_MAX_INPUT, true, &data, &len);
	if (r)
		die_status(r == HUSH_ENOENT || r == HUSH_EINVAL || r == HUSH_ETOOBIG ? 2 : 1, NULL,
			   "import: cannot read %s: %s", file,
			   r == HUSH_EINVAL ? "not a regular file" : hush_strerror(r));
	cli_vault_open_or_exit(&x, VAULT_WRITE);
	struct vault_import_cb cb = { .imported = rep_imported, .failed = rep_failed,
				      .ctx = (void *)file };
	struct vault_import_result res;
	r = vault_import_dotenv(x.v, data, len, VAULT_ORIGIN_IMPORT, &cb, &res);
	sodium_memzero(data, len);
	free(data);
	if (r)
		die("import: %s: %s", file, hush_strerror(r));
	if (res.imported)
		cli_vault_save_or_exit(&x);
	printf("%zu imported, %zu line%s not imported\n", res.imported, res.failed,
	       res.failed == 1 ? "" : "s");
	return res.failed ? 1 : 0;
}

/* --- hush import --keyring --- */

/* What was read out of the keyring: wiped at exit, whichever way. */
static struct vault_keyring kr;

static void kr_free(void)
{
	vault_keyring_free(&kr);
}

/* Stores what kr holds; an existing name with another value is left.
 * Returns the exit status. */
static int kr_store(int passphrase_fd)
{
	struct cli_vault x;
	cli_vault_or_exit(&x, passphrase_fd, VAULT_WRITE);
	size_t stored;
	int status = vault_import_keyring(x.v, &kr, stdout, stderr, &stored) ? 1 : 0;
	if (stored)
		cli_vault_save_or_exit(&x);
	printf("%zu imported from the keyring\n", stored);
	return status;
}

static int cmd_import_keyring(int argc, char **argv)
{
	const char *envchain = NULL, *name_from = NULL, *as = NULL;
	bool dry = false;
	int o, fd = -1;
	while ((o = cli_getopt_or_exit(&keyring_cmd, argc, argv)) != -1) {
		if (o == CLI_O_FD)
			fd = cli_passphrase_fd_or_exit(&keyring_cmd, optarg);
		dry |= o == CLI_O_DRY_RUN;
		envchain = o == O_ENVCHAIN ? optarg : envchain;
		name_from = o == O_NAME_FROM ? optarg : name_from;
		as = o == O_AS ? optarg : as;
	}
	/* the operands are ATTR VALUE pairs */
	const char **attrs = (const char **)argv + optind;
	size_t nattrs = (size_t)(argc - optind);
	if (nattrs % 2 || nattrs > 64)
		die_usage("import", "attributes come in ATTR VALUE pairs (at most 32)");
	if (!envchain == !nattrs)
		die_usage("import", "give either --envchain NAMESPACE or ATTR VALUE pairs");
	if (envchain && (name_from || as))
		die_usage("import", "--envchain names each variable by its own key");
	if (nattrs && !name_from == !as)
		die_usage("import", "with ATTR VALUE pairs, give --name-from ATTR or --as NAME");
	if (as && !env_name_valid(as))
		die_usage("import", "'%s' is not a valid name ([A-Za-z_][A-Za-z0-9_]*)", as);
	cli_sodium_or_exit();
	atexit(kr_free);
	char why[256] = "";
	int r = envchain ? vault_keyring_collect_envchain(envchain, &kr, why, sizeof(why))
			 : vault_keyring_collect(NULL, attrs, nattrs, name_from, as, &kr, why, sizeof(why));
	if (r == HUSH_EKEYRING)
		die_status(1, "start the desktop session's keyring, or check DBUS_SESSION_BUS_ADDRESS",
			   "import: cannot search the desktop keyring: %s", why);
	if (r)
		die("import: cannot read the keyring items: %s", hush_strerror(r));
	if (kr.unnamed)
		fprintf(stderr, "hush: import: %zu matching item%s without a usable name (%s) skipped\n",
			kr.unnamed, kr.unnamed == 1 ? "" : "s",
			envchain ? "no valid \"key\" attribute" : "attribute missing or not a valid name");
	if (as && kr.n > 1)
		die_status(2, "narrow the search, or use --name-from ATTR",
			   "import: %zu items match and --as names only one", kr.n);
	if (kr.n == 0) {
		msg_error("import: no matching item in the keyring");
		return 1;
	}
	if (!dry)
		return kr_store(fd);
	for (size_t i = 0; i < kr.n; i++)
		printf("would import %s\n", kr.v[i].name);
	printf("%zu to import (nothing changed)\n", kr.n);
	return 0;
}
