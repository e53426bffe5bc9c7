/* SPDX-License-Identifier: ISC */
/* The commands' shared option, configuration and start-up handling: see
 * cli.h. */
#include "cli/cli.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "config/config.h"
#include "vault/open.h"
#include "vault/passphrase.h"
#include "vault/vault.h"

static const struct option no_options[] = { CLI_END };

int cli_getopt_or_exit(const struct cli_cmd *c, int argc, char **argv)
{
	static char **current;
	if (argv != current) {
		current = argv;
		optind = 0; /* glibc: start over, and read a leading '+' again */
	}
	opterr = 0;
	const struct option *lo = c->longopts ? c->longopts : no_options;
	size_t n = 0;
	while (lo[n].name)
		n++;
	struct option all[32];
	if (n + 2 > ARRAY_LEN(all))
		die("%s: too many options", c->name);
	memcpy(all, lo, n * sizeof(*lo));
	all[n] = (struct option)CLI_FLAG("help", 'h');
	all[n + 1] = (struct option)CLI_END;
	/* ':' first (after a '+'): a missing value comes back as ':' */
	const char *so = c->shortopts ? c->shortopts : "";
	bool plus = so[0] == '+';
	char shorts[64];
	if (xsnprintf(shorts, sizeof(shorts), "%s:h%s", plus ? "+" : "", so + plus))
		die("%s: too many short options", c->name);
	int prev = optind ? optind : 1;
	int o = getopt_long(argc, argv, shorts, all, NULL);
	/* the word the option came in: "--json=x", "-x", "--passphrase-fd" */
	const char *word = optind > prev && optind - 1 < argc ? argv[optind - 1] : argv[prev];
	if (o == 'h') {
		fputs(c->usage, stdout);
		exit(0);
	}
	if (o == '?') {
		if (word[0] == '-' && word[1] != '-' && optopt > ' ' && optopt < 0x7f)
			die_usage(c->name, "unknown option '-%c'", optopt);
		die_usage(c->name, "unknown option '%s'", word);
	}
	if (o == ':')
		die_usage(c->name, "%s needs a value", word);
	return o;
}

int cli_operands_or_exit(const struct cli_cmd *c, int argc, char **argv, int min, int max,
			 const char *what)
{
	int n = argc - optind;
	if (n < min)
		die_usage(c->name, "missing %s", what);
	if (max >= 0 && n > max)
		die_usage(c->name, "unexpected argument '%s'", argv[optind + max]);
	return n;
}

int cli_plain_or_exit(const struct cli_cmd *c, int argc, char **argv, int min, int max,
		      const char *what)
{
	while (cli_getopt_or_exit(c, argc, argv) != -1)
		;
	return cli_operands_or_exit(c, argc, argv, min, max, what);
}

int cli_passphrase_fd_or_exit(const struct cli_cmd *c, const char *arg)
{
	int fd;
	if (passphrase_fd_parse(arg, &fd))
		die_usage(c->name, "--passphrase-fd needs a file descriptor number");
	return fd;
}

void cli_config_or_exit(struct config *cfg, const char *file)
{
	char err[1024] = "";
	int r = file ? config_load(cfg, file, false, err, sizeof(err))
		     : config_load_default(cfg, err, sizeof(err));
	if (r == 0)
		return;
	if (r == HUSH_ECONFIG)
		die_status(2, "fix the line named above; every key is described in docs/config.md",
			   "%s", err);
	if (r == HUSH_ENOENT)
		die_status(2, "hush config path prints where hush looks by default", "%s", err);
	die_status(2, "check the file with: hush config check", "cannot load the configuration: %s",
		   err[0] ? err : hush_strerror(r));
}

bool cli_answer_yes(void)
{
	char ans[16] = "";
	fflush(stdout);
	return fgets(ans, sizeof(ans), stdin) && (ans[0] == 'y' || ans[0] == 'Y');
}

void cli_sodium_or_exit(void)
{
	if (sodium_init() < 0)
		die("cannot initialise libsodium");
}

static struct cli_vault *held;

static void release(void)
{
	if (!held)
		return;
	vault_close(held->v);
	held->v = NULL;
	config_free(&held->cfg);
	held = NULL;
}

void cli_vault_begin_or_exit(struct cli_vault *x, int passphrase_fd)
{
	memset(x, 0, sizeof(*x));
	x->passphrase_fd = passphrase_fd;
	cli_sodium_or_exit();
	cli_config_or_exit(&x->cfg, NULL);
	held = x;
	atexit(release);
	int r = path_vault(x->path, sizeof(x->path));
	if (r)
		die_status(2, "check HUSH_HOME / XDG_DATA_HOME", "cannot find the vault path: %s",
			   hush_strerror(r));
}

_Noreturn void cli_fail(int status, const char *what, const char *hint)
{
	die_status(status, hint && *hint ? hint : NULL, "%s", what);
}

_Noreturn void cli_vault_die(const struct vault_err *e)
{
	cli_fail(1, e->what, e->hint);
}

struct vault_open_opts cli_vault_opts(const struct cli_vault *x, int flags)
{
	return (struct vault_open_opts){ .passphrase_fd = x->passphrase_fd, .flags = flags,
					 .cfg = &x->cfg, .path = x->path };
}

void cli_vault_open_or_exit(struct cli_vault *x, int flags)
{
	struct vault_open_opts vo = cli_vault_opts(x, flags);
	struct vault_err e;
	if (vault_open_default(&vo, &x->v, &e))
		cli_vault_die(&e);
}

struct vault *cli_vault_or_exit(struct cli_vault *x, int passphrase_fd, int flags)
{
	cli_vault_begin_or_exit(x, passphrase_fd);
	cli_vault_open_or_exit(x, flags);
	return x->v;
}

void cli_vault_save_or_exit(struct cli_vault *x)
{
	int r = vault_save(x->v);
	if (r)
		die("cannot save the vault %s: %s%s%s", x->path, hush_strerror(r),
		    r == HUSH_EIO && errno ? ": " : "", r == HUSH_EIO && errno ? strerror(errno) : "");
}
