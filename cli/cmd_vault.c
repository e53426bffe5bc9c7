/* SPDX-License-Identifier: ISC */
/* The secrets commands: hush init, set, get, rm, list, passwd (hush import
 * is cli/cmd_import.c). Values come from stdin or a no-echo prompt, never
 * from argv, and are printed only by `hush get`. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "common/util.h"
#include "config/config.h"
#include "vault/backup.h"
#include "vault/open.h"
#include "vault/passphrase.h"
#include "vault/show.h"
#include "vault/vault.h"

static const struct option init_opts[] = { CLI_OPT_FD, CLI_FLAG("keyring", CLI_O_KEYRING), CLI_END };
static const struct option fd_opts[] = { CLI_OPT_FD, CLI_END };
static const struct option list_opts[] = { CLI_OPT_FD, CLI_OPT_JSON, CLI_END };
static const struct option passwd_opts[] = {
	CLI_OPT_FD, CLI_FLAG("keyring", CLI_O_KEYRING), CLI_FLAG("passphrase", CLI_O_PASSPHRASE), CLI_END,
};
static const struct cli_cmd init_cmd = { "init", cli_help_init, "", init_opts };
static const struct cli_cmd set_cmd = { "set", cli_help_set, "", fd_opts };
static const struct cli_cmd get_cmd = { "get", cli_help_get, "", fd_opts };
static const struct cli_cmd rm_cmd = { "rm", cli_help_rm, "", fd_opts };
static const struct cli_cmd list_cmd = { "list", cli_help_list, "", list_opts };
static const struct cli_cmd passwd_cmd = { "passwd", cli_help_passwd, "", passwd_opts };

/* The options of these commands (each accepts those its cli_cmd lists). */
struct opts {
	int fd;
	bool keyring, passphrase, json;
	int nargs;         /* operands, at argv[optind] */
};

static void parse(const struct cli_cmd *c, int argc, char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	int opt;
	while ((opt = cli_getopt_or_exit(c, argc, argv)) != -1) {
		if (opt == CLI_O_FD)
			o->fd = cli_passphrase_fd_or_exit(c, optarg);
		o->keyring |= opt == CLI_O_KEYRING;
		o->passphrase |= opt == CLI_O_PASSPHRASE;
		o->json |= opt == CLI_O_JSON;
	}
	o->nargs = argc - optind;
	if (o->keyring && o->passphrase) /* only passwd takes both */
		die_usage(c->name, "--keyring and --passphrase exclude each other");
}

/* init, list, passwd: options, no operands, then the vault's prologue;
 * with --keyring the desktop keyring must answer, else exit 1 saying what
 * to do instead. */
static void begin_plain(const struct cli_cmd *c, int argc, char **argv, struct opts *o,
			struct cli_vault *x, const char *instead)
{
	parse(c, argc, argv, o);
	cli_operands_or_exit(c, argc, argv, 0, 0, NULL);
	cli_vault_begin_or_exit(x, o->fd);
	char why[256];
	if (o->keyring && keyring_available(why, sizeof(why)))
		die_status(1, instead, "cannot use the desktop keyring: %s", why);
}

/* The NAME operand of set, get, rm: exactly one, a variable name. */
static const char *name_or_exit(const struct cli_cmd *c, int argc, char **argv)
{
	cli_operands_or_exit(c, argc, argv, 1, 1, "NAME");
	const char *name = argv[optind];
	if (!env_name_valid(name))
		die_status(2, "names are environment variable names: letters, digits and _, "
			      "not starting with a digit, at most 127 bytes",
			   "%s: invalid name '%.140s'", c->name, name);
	return name;
}

int cmd_init(int argc, char **argv)
{
	struct opts o;
	struct cli_vault x;
	begin_plain(&init_cmd, argc, argv, &o, &x,
		    "use a passphrase instead: run 'hush init' without --keyring");
	struct vault_open_opts vo = cli_vault_opts(&x, VAULT_WRITE);
	struct vault_err e;
	if (vault_create_default(&vo, o.keyring, &x.v, &e))
		cli_vault_die(&e);
	const struct vault_info *vi = vault_get_info(x.v);
	if (vi->source == VAULT_KEY_KEYRING)
		printf("created %s (key in the desktop keyring)\n", x.path);
	else
		printf("created %s (passphrase; Argon2id %llu MiB, %llu passes)\n", x.path,
		       (unsigned long long)(vi->kdf.memlimit >> 20),
		       (unsigned long long)vi->kdf.opslimit);
	return 0;
}

/* The value for hush set: a no-echo prompt on a terminal, else stdin. */
static void value_or_exit(const char *name, struct passphrase *val)
{
	if (isatty(STDIN_FILENO)) {
		char prompt[200], why[256] = "";
		snprintf(prompt, sizeof(prompt), "Value for %s: ", name);
		if (passphrase_read_tty(prompt, val, VAULT_MAX_VALUE, why, sizeof(why)))
			die("set: cannot read the value: %s", why);
	} else {
		int r = passphrase_read_all(STDIN_FILENO, val, VAULT_MAX_VALUE);
		if (r == HUSH_ETOOBIG)
			die_status(2, NULL, "set: value larger than %u bytes", VAULT_MAX_VALUE);
		if (r)
			die("set: cannot read the value from stdin: %s", hush_strerror(r));
	}
	if (memchr(val->s, 0, val->len)) {
		passphrase_free(val);
		die_status(2, "environment variables cannot hold NUL bytes",
			   "set: the value contains a NUL byte");
	}
}

int cmd_set(int argc, char **argv)
{
	struct opts o;
	parse(&set_cmd, argc, argv, &o);
	if (o.nargs > 1)
		die_status(2, "the value is read from stdin or a no-echo prompt, never "
			      "from the command line: printf %s \"$VALUE\" | hush set NAME",
			   "set: too many arguments");
	const char *name = name_or_exit(&set_cmd, argc, argv);
	struct cli_vault x;
	cli_vault_begin_or_exit(&x, o.fd);
	struct vault_info info;
	int r = vault_probe(x.path, &info);
	if (r) {
		struct vault_err e;
		vault_explain(r, "cannot open the vault", x.path, VAULT_KEY_PASSPHRASE, &e);
		cli_vault_die(&e);
	}
	struct passphrase val;
	value_or_exit(name, &val);
	cli_vault_open_or_exit(&x, VAULT_WRITE);
	r = vault_set(x.v, name, val.s, val.len, VAULT_ORIGIN_SET);
	passphrase_free(&val);
	if (r)
		die("set: cannot store %s: %s", name, hush_strerror(r));
	cli_vault_save_or_exit(&x);
	fprintf(stderr, "stored %s\n", name);
	return 0;
}

/* get and rm: the vault holding NAME, open, or exit. */
static const char *named_or_exit(const struct cli_cmd *c, int argc, char **argv,
				 struct cli_vault *x, int flags)
{
	struct opts o;
	parse(c, argc, argv, &o);
	const char *name = name_or_exit(c, argc, argv);
	cli_vault_or_exit(x, o.fd, flags);
	return name;
}

static _Noreturn void no_such_secret(const char *cmd, const char *name)
{
	die_status(1, "'hush list' shows the stored names", "%s: no secret named %s", cmd, name);
}

int cmd_get(int argc, char **argv)
{
	struct cli_vault x;
	const char *name = named_or_exit(&get_cmd, argc, argv, &x, 0);
	const char *val;
	size_t len;
	if (vault_get(x.v, name, &val, &len))
		no_such_secret("get", name);
	/* Straight to the fd: no copy of the value left in a stdio buffer. */
	if (write_all(STDOUT_FILENO, val, len) < 0 || write_all(STDOUT_FILENO, "\n", 1) < 0)
		die("get: cannot write to stdout: %s", strerror(errno));
	return 0;
}

int cmd_rm(int argc, char **argv)
{
	struct cli_vault x;
	const char *name = named_or_exit(&rm_cmd, argc, argv, &x, VAULT_WRITE);
	if (vault_remove(x.v, name))
		no_such_secret("rm", name);
	cli_vault_save_or_exit(&x);
	fprintf(stderr, "removed %s\n", name);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	struct opts o;
	struct cli_vault x;
	begin_plain(&list_cmd, argc, argv, &o, &x, NULL);
	cli_vault_open_or_exit(&x, 0);
	if (!vault_show(stdout, x.v, o.json) && !o.json)
		fprintf(stderr, "the vault is empty; add a secret with 'hush set NAME'\n");
	return fflush(stdout) ? 1 : 0;
}

int cmd_passwd(int argc, char **argv)
{
	struct opts o;
	struct cli_vault x;
	begin_plain(&passwd_cmd, argc, argv, &o, &x,
		    "keep the passphrase: run 'hush passwd' without --keyring");
	cli_vault_open_or_exit(&x, VAULT_WRITE);
	uint8_t oldkey[VAULT_KEY_BYTES];
	vault_copy_key(x.v, oldkey);
	bool was_keyring = vault_get_info(x.v)->source == VAULT_KEY_KEYRING;
	struct vault_open_opts vo = cli_vault_opts(&x, VAULT_WRITE);
	struct vault_err e;
	if (vault_rekey_default(x.v, &vo, o.keyring, &e)) {
		sodium_memzero(oldkey, sizeof(oldkey));
		cli_vault_die(&e);
	}
	printf(o.keyring ? "the vault key is now kept in the desktop keyring\n"
	       : was_keyring ? "the vault is now keyed by a passphrase\n" : "passphrase changed\n");
	/* the backups of migrated files are sealed with a subkey of the vault key */
	char bdir[4096];
	size_t nb;
	int r = backup_reseal(x.v, oldkey, bdir, sizeof(bdir), &nb);
	if (r)
		msg_warn("%zu backup%s in %s sealed again, then: %s; those left open only with the old key",
			 nb, nb == 1 ? "" : "s", bdir, hush_strerror(r));
	return 0;
}
