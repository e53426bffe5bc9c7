/* SPDX-License-Identifier: ISC */
/* The secrets commands: hush init, set, get, rm, list, import, passwd.
 * Values come from stdin or a no-echo prompt, never from argv, and are
 * printed only by `hush get`. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd_scan.h"
#include "cli/commands.h"
#include "common/dotenv.h"
#include "common/util.h"
#include "config/config.h"
#include "vault/import.h"
#include "vault/backup.h"
#include "vault/open.h"
#include "vault/passphrase.h"
#include "vault/vault.h"

static const char fd_help[] =
	"  --passphrase-fd N  read the passphrase from file descriptor N (one line)\n";
static const char unlock_help[] =
	"\nThe passphrase comes from --passphrase-fd, else $HUSH_ASKPASS (or the\n"
	"config's askpass), else a no-echo prompt on the terminal.\n";

/* Options shared by the commands: --passphrase-fd N, --help, flags. */
struct opts {
	int passphrase_fd;
	bool help;
	bool keyring, passphrase, json;
	const char *pos[4];
	int npos;
};

static void sodium_or_die(void)
{
	if (sodium_init() < 0)
		die("cannot initialise libsodium");
}

/* Parses argv[1..]. allowed: a string of accepted flag letters:
 * k=--keyring p=--passphrase j=--json. Exits 2 on a usage error. */
static void parse_opts(int argc, char **argv, const char *allowed, int maxpos, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->passphrase_fd = -1;
	const char *cmd = argv[0];
	bool dashdash = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!dashdash && a[0] == '-' && a[1]) {
			if (!strcmp(a, "--")) {
				dashdash = true;
			} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
				o->help = true;
			} else if (!strcmp(a, "--passphrase-fd") ||
				   !strncmp(a, "--passphrase-fd=", 16)) {
				const char *v = a[15] == '=' ? a + 16 : (i + 1 < argc ? argv[++i] : NULL);
				if (passphrase_fd_parse(v, &o->passphrase_fd))
					die_usage(cmd, "--passphrase-fd needs a file descriptor number");
			} else if (strchr(allowed, 'k') && !strcmp(a, "--keyring")) {
				o->keyring = true;
			} else if (strchr(allowed, 'p') && !strcmp(a, "--passphrase")) {
				o->passphrase = true;
			} else if (strchr(allowed, 'j') && !strcmp(a, "--json")) {
				o->json = true;
			} else {
				die_usage(cmd, "unknown option '%s'", a);
			}
			continue;
		}
		if (o->npos >= maxpos) {
			if (!strcmp(cmd, "set"))
				die_status(2, "the value is read from stdin or a no-echo prompt, never "
					      "from the command line: printf %s \"$VALUE\" | hush set NAME",
					   "set: too many arguments");
			die_usage(cmd, "too many arguments");
		}
		o->pos[o->npos++] = a;
	}
}

static void load_config_or_die(struct config *cfg)
{
	char err[512] = "";
	int r = config_load_default(cfg, err, sizeof(err));
	if (r)
		die_status(1, "fix the file, or check it with 'hush config check'",
			   "cannot load the configuration: %s", *err ? err : hush_strerror(r));
}

static _Noreturn void die_err(const struct vault_err *e)
{
	die_status(1, *e->hint ? e->hint : NULL, "%s", e->what);
}

static struct vault *open_or_die(const struct opts *o, const struct config *cfg, int flags)
{
	struct vault_open_opts vo = { .passphrase_fd = o->passphrase_fd, .flags = flags,
				      .cfg = cfg };
	struct vault *v = NULL;
	struct vault_err e;
	if (vault_open_default(&vo, &v, &e))
		die_err(&e);
	return v;
}

static void save_or_die(struct vault *v, const char *path)
{
	int r = vault_save(v);
	if (r) {
		vault_close(v);
		die("cannot save the vault %s: %s%s%s", path, hush_strerror(r),
		    r == HUSH_EIO && errno ? ": " : "", r == HUSH_EIO && errno ? strerror(errno) : "");
	}
}

static void vault_path_or_die(char *path, size_t n)
{
	int r = path_vault(path, n);
	if (r)
		die_status(1, "check HUSH_HOME / XDG_DATA_HOME", "cannot find the vault path: %s",
			   hush_strerror(r));
}

static void check_name_or_die(const char *cmd, const char *name)
{
	if (!env_name_valid(name))
		die_status(2, "names are environment variable names: letters, digits and _, "
			      "not starting with a digit, at most 127 bytes",
			   "%s: invalid name '%.140s'", cmd, name);
}

/* --- hush init --- */

int cmd_init(int argc, char **argv)
{
	struct opts o;
	parse_opts(argc, argv, "k", 0, &o);
	if (o.help) {
		printf("usage: hush init [--keyring] [--passphrase-fd N]\n\n"
		       "Create the encrypted vault in the data directory ($HUSH_HOME, else\n"
		       "$XDG_DATA_HOME/hush). The key is derived from a new passphrase (asked\n"
		       "twice on a terminal) with Argon2id, or, with --keyring, is a random key\n"
		       "kept in the desktop keyring (Secret Service). An existing vault is never\n"
		       "overwritten.\n\n"
		       "  --keyring          keep a random key in the desktop keyring\n%s%s",
		       fd_help, unlock_help);
		return 0;
	}
	sodium_or_die();
	struct config cfg;
	load_config_or_die(&cfg);
	char data[4096], path[4096];
	int r = path_data(data, sizeof(data));
	if (!r)
		r = path_ensure_private_dir(data);
	if (r == HUSH_EPERM) {
		config_free(&cfg);
		die_status(1, "use a data directory you own (HUSH_HOME)",
			   "the data directory %s is not a directory owned by you", data);
	}
	if (r) {
		config_free(&cfg);
		die("cannot create the data directory %s: %s", data, hush_strerror(r));
	}
	vault_path_or_die(path, sizeof(path));
	struct vault_info info;
	r = vault_probe(path, &info);
	if (r != HUSH_ENOENT) {
		config_free(&cfg);
		die_status(1, "use 'hush passwd' to change its key, or remove it yourself to start over",
			   "a vault already exists: %s", path);
	}
	struct vault *v = NULL;
	struct vault_err e;
	if (o.keyring) {
		char why[256];
		if (keyring_available(why, sizeof(why))) {
			config_free(&cfg);
			die_status(1, "use a passphrase instead: run 'hush init' without --keyring",
				   "cannot use the desktop keyring: %s", why);
		}
		r = vault_create(path, VAULT_KEY_KEYRING, NULL, NULL, &v);
		if (r) {
			config_free(&cfg);
			vault_explain(r, "cannot create the vault", path, VAULT_KEY_KEYRING, &e);
			die_err(&e);
		}
	} else {
		struct vault_kdf kdf;
		if (vault_kdf_for_new(&cfg, &kdf, &e)) {
			config_free(&cfg);
			die_err(&e);
		}
		struct passphrase pw;
		char why[256] = "";
		struct passphrase_src src = { .fd = o.passphrase_fd, .askpass = cfg.askpass };
		r = passphrase_get(&src, PASSPHRASE_NEW, "New vault passphrase: ", &pw, why,
				   sizeof(why));
		if (r) {
			config_free(&cfg);
			die_status(1, "set HUSH_ASKPASS to a program that prints it, or pass "
				      "--passphrase-fd N",
				   "cannot get a new passphrase: %s", why);
		}
		struct vault_unlock u = { .passphrase = pw.s, .passphrase_len = pw.len };
		r = vault_create(path, VAULT_KEY_PASSPHRASE, &u, &kdf, &v);
		passphrase_free(&pw);
		if (r) {
			config_free(&cfg);
			vault_explain(r, "cannot create the vault", path, VAULT_KEY_PASSPHRASE, &e);
			die_err(&e);
		}
	}
	const struct vault_info *vi = vault_get_info(v);
	if (vi->source == VAULT_KEY_KEYRING)
		printf("created %s (key in the desktop keyring)\n", path);
	else
		printf("created %s (passphrase; Argon2id %llu MiB, %llu passes)\n", path,
		       (unsigned long long)(vi->kdf.memlimit >> 20),
		       (unsigned long long)vi->kdf.opslimit);
	vault_close(v);
	config_free(&cfg);
	return 0;
}

/* --- hush set --- */

/* Reads all of stdin into secure memory, at most VAULT_MAX_VALUE bytes
 * after removing one trailing newline. */
static int read_stdin_value(struct passphrase *out)
{
	size_t cap = VAULT_MAX_VALUE + 2;
	out->s = sodium_malloc(cap + 1);
	out->len = 0;
	if (!out->s)
		return HUSH_ENOMEM;
	for (;;) {
		if (out->len == cap) {
			passphrase_free(out);
			return HUSH_ETOOBIG;
		}
		ssize_t n = read(STDIN_FILENO, out->s + out->len, cap - out->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			passphrase_free(out);
			return HUSH_EIO;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
	}
	if (out->len && out->s[out->len - 1] == '\n') {
		out->len--;
		if (out->len && out->s[out->len - 1] == '\r')
			out->len--;
	}
	out->s[out->len] = 0;
	if (out->len > VAULT_MAX_VALUE) {
		passphrase_free(out);
		return HUSH_ETOOBIG;
	}
	return 0;
}

int cmd_set(int argc, char **argv)
{
	struct opts o;
	parse_opts(argc, argv, "", 1, &o);
	if (o.help) {
		printf("usage: hush set NAME [--passphrase-fd N]\n\n"
		       "Store a secret under NAME (an environment variable name). The value is\n"
		       "read from stdin when it is not a terminal (one trailing newline is\n"
		       "removed), else from a no-echo prompt. It is never taken from the\n"
		       "command line, where other processes could read it.\n\n"
		       "  printf %%s \"$TOKEN\" | hush set GITHUB_TOKEN\n\n%s%s",
		       fd_help, unlock_help);
		return 0;
	}
	if (o.npos != 1)
		die_usage("set", "missing NAME");
	const char *name = o.pos[0];
	check_name_or_die("set", name);
	sodium_or_die();
	struct config cfg;
	load_config_or_die(&cfg);
	char path[4096];
	vault_path_or_die(path, sizeof(path));
	struct vault_info info;
	int r = vault_probe(path, &info);
	if (r) {
		struct vault_err e;
		vault_explain(r, "cannot open the vault", path, VAULT_KEY_PASSPHRASE, &e);
		config_free(&cfg);
		die_err(&e);
	}
	struct passphrase val;
	if (isatty(STDIN_FILENO)) {
		char prompt[200], why[256] = "";
		snprintf(prompt, sizeof(prompt), "Value for %s: ", name);
		r = passphrase_read_tty(prompt, &val, VAULT_MAX_VALUE, why, sizeof(why));
		if (r) {
			config_free(&cfg);
			die("set: cannot read the value: %s", why);
		}
	} else {
		r = read_stdin_value(&val);
		if (r) {
			config_free(&cfg);
			if (r == HUSH_ETOOBIG)
				die_status(2, NULL, "set: value larger than %u bytes", VAULT_MAX_VALUE);
			die("set: cannot read the value from stdin: %s", hush_strerror(r));
		}
	}
	if (memchr(val.s, 0, val.len)) {
		passphrase_free(&val);
		config_free(&cfg);
		die_status(2, "environment variables cannot hold NUL bytes",
			   "set: the value contains a NUL byte");
	}
	struct vault *v = open_or_die(&o, &cfg, VAULT_WRITE);
	r = vault_set(v, name, val.s, val.len, VAULT_ORIGIN_SET);
	passphrase_free(&val);
	if (r) {
		vault_close(v);
		config_free(&cfg);
		die("set: cannot store %s: %s", name, hush_strerror(r));
	}
	save_or_die(v, path);
	vault_close(v);
	config_free(&cfg);
	fprintf(stderr, "stored %s\n", name);
	return 0;
}

/* --- hush get --- */

int cmd_get(int argc, char **argv)
{
	struct opts o;
	parse_opts(argc, argv, "", 1, &o);
	if (o.help) {
		printf("usage: hush get NAME [--passphrase-fd N]\n\n"
		       "Print the value of the secret NAME followed by a newline. Meant for\n"
		       "your own scripts outside any agent; agents use 'hush run'.\n\n%s%s",
		       fd_help, unlock_help);
		return 0;
	}
	if (o.npos != 1)
		die_usage("get", "missing NAME");
	check_name_or_die("get", o.pos[0]);
	sodium_or_die();
	struct vault *v = open_or_die(&o, NULL, 0);
	const char *val;
	size_t len;
	if (vault_get(v, o.pos[0], &val, &len)) {
		vault_close(v);
		die_status(1, "'hush list' shows the stored names", "get: no secret named %s",
			   o.pos[0]);
	}
	/* Straight to the fd: no copy of the value left in a stdio buffer. */
	int bad = write_all(STDOUT_FILENO, val, len) < 0 || write_all(STDOUT_FILENO, "\n", 1) < 0;
	vault_close(v);
	if (bad)
		die("get: cannot write to stdout: %s", strerror(errno));
	return 0;
}

/* --- hush rm --- */

int cmd_rm(int argc, char **argv)
{
	struct opts o;
	parse_opts(argc, argv, "", 1, &o);
	if (o.help) {
		printf("usage: hush rm NAME [--passphrase-fd N]\n\n"
		       "Remove the secret NAME from the vault. The previous vault file is\n"
		       "kept as vault.bak until the next change.\n\n%s%s",
		       fd_help, unlock_help);
		return 0;
	}
	if (o.npos != 1)
		die_usage("rm", "missing NAME");
	check_name_or_die("rm", o.pos[0]);
	sodium_or_die();
	char path[4096];
	vault_path_or_die(path, sizeof(path));
	struct vault *v = open_or_die(&o, NULL, VAULT_WRITE);
	if (vault_remove(v, o.pos[0])) {
		vault_close(v);
		die_status(1, "'hush list' shows the stored names", "rm: no secret named %s",
			   o.pos[0]);
	}
	save_or_die(v, path);
	vault_close(v);
	fprintf(stderr, "removed %s\n", o.pos[0]);
	return 0;
}

/* --- hush list --- */

static void fmt_time(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, n, "%lld", (long long)t);
}

int cmd_list(int argc, char **argv)
{
	struct opts o;
	parse_opts(argc, argv, "j", 0, &o);
	if (o.help) {
		printf("usage: hush list [--json] [--passphrase-fd N]\n\n"
		       "List the stored secrets: name, where it came from (set, import,\n"
		       "migrate, broker), created and updated times (UTC). Never values.\n\n"
		       "  --json             one JSON array of objects\n%s%s",
		       fd_help, unlock_help);
		return 0;
	}
	sodium_or_die();
	struct vault *v = open_or_die(&o, NULL, 0);
	size_t n = vault_count(v);
	if (o.json)
		printf("[");
	else if (n)
		printf("%-32s %-8s %-20s %s\n", "NAME", "ORIGIN", "CREATED", "UPDATED");
	for (size_t i = 0; i < n; i++) {
		struct vault_entry_info e;
		if (vault_entry(v, i, &e))
			break;
		char c[40], u[40];
		fmt_time(e.created, c, sizeof(c));
		fmt_time(e.updated, u, sizeof(u));
		/* Names are [A-Za-z0-9_]: nothing to escape in JSON. */
		if (o.json)
			printf("%s\n  {\"name\": \"%s\", \"origin\": \"%s\", \"created\": \"%s\", "
			       "\"updated\": \"%s\"}",
			       i ? "," : "", e.name, vault_origin_name(e.origin), c, u);
		else
			printf("%-32s %-8s %-20s %s\n", e.name, vault_origin_name(e.origin), c, u);
	}
	if (o.json)
		printf("%s]\n", n ? "\n" : "");
	else if (!n)
		fprintf(stderr, "the vault is empty; add a secret with 'hush set NAME'\n");
	vault_close(v);
	return fflush(stdout) ? 1 : 0;
}

/* --- hush import --- */

struct import_report {
	const char *file;
	bool expansion_warned;
};

static void rep_imported(void *ctx, const char *name, int line, bool replaced, bool expansion)
{
	struct import_report *r = ctx;
	printf("%s %s (line %d)%s\n", replaced ? "updated " : "imported", name, line,
	       expansion ? " [value holds $ or ` and was stored literally]" : "");
	(void)r;
}

static void rep_failed(void *ctx, int line, const char *why)
{
	struct import_report *r = ctx;
	fprintf(stderr, "%s: %s:%d: %s\n", msg_progname(), r->file, line, why);
}

/* --- hush import --keyring --- */

#define KEYRING_IMPORT_MAX 1000

struct kr_item {
	char name[HUSH_MAX_NAME];
	char *value;   /* sodium_malloc'd */
	size_t len;
};

struct kr_import {
	struct kr_item *v;
	size_t n;
	const char *as;      /* --as NAME */
	size_t unnamed;      /* items without a usable name */
};

static int kr_collect(void *ctx, const char *name, const char *label, const char *value,
		      size_t len)
{
	(void)label;
	struct kr_import *k = ctx;
	if (k->n >= KEYRING_IMPORT_MAX)
		return HUSH_ETOOBIG;
	const char *n = k->as ? k->as : name;
	if (!n || !env_name_valid(n)) {
		k->unnamed++;
		return 0;
	}
	if (len > VAULT_MAX_VALUE)
		return HUSH_ETOOBIG;
	struct kr_item *it = &k->v[k->n];
	snprintf(it->name, sizeof(it->name), "%s", n);
	if (!(it->value = sodium_malloc(len + 1)))
		return HUSH_ENOMEM;
	memcpy(it->value, value, len);
	it->value[len] = 0;
	it->len = len;
	k->n++;
	return 0;
}

static void kr_free(struct kr_import *k)
{
	for (size_t i = 0; i < k->n; i++)
		sodium_free(k->v[i].value);
	free(k->v);
}

static void import_keyring_usage(void)
{
	printf("usage: hush import --keyring --envchain NAMESPACE [--dry-run] [--passphrase-fd N]\n"
	       "       hush import --keyring ATTR VALUE [ATTR VALUE...] (--name-from ATTR | --as NAME)\n"
	       "                   [--dry-run] [--passphrase-fd N]\n\n"
	       "Copies secrets you keep in the desktop keyring (Secret Service) into the\n"
	       "vault, listing the names it stores, never the values.\n\n"
	       "  --envchain NS     envchain's variables of namespace NS (schema\n"
	       "                    envchain.EnvironmentVariable; each item's \"key\" is the name)\n"
	       "  ATTR VALUE ...    items whose attributes match all pairs, as in\n"
	       "                    `secret-tool search ATTR VALUE`\n"
	       "  --name-from ATTR  name each item by the value of its attribute ATTR\n"
	       "  --as NAME         store the one matching item as NAME\n"
	       "  --dry-run         list the names that would be stored, change nothing\n%s\n"
	       "A name already in the vault with another value is not overwritten\n"
	       "(reported, exit 1); the keyring items are left as they are.\n%s",
	       fd_help, unlock_help);
}

static int cmd_import_keyring(int argc, char **argv)
{
	const char *envchain = NULL, *name_from = NULL, *as = NULL;
	const char *attrs[64];
	size_t nattrs = 0;
	bool dry = false;
	struct opts o = { .passphrase_fd = -1 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--keyring")) {
			continue;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			import_keyring_usage();
			return 0;
		} else if (!strcmp(a, "--dry-run")) {
			dry = true;
		} else if (!strcmp(a, "--envchain") || !strcmp(a, "--name-from") || !strcmp(a, "--as") ||
			   !strcmp(a, "--passphrase-fd")) {
			if (i + 1 >= argc)
				die_usage("import", "%s needs a value", a);
			const char *v = argv[++i];
			if (!strcmp(a, "--envchain"))
				envchain = v;
			else if (!strcmp(a, "--name-from"))
				name_from = v;
			else if (!strcmp(a, "--as"))
				as = v;
			else if (passphrase_fd_parse(v, &o.passphrase_fd))
				die_usage("import", "--passphrase-fd needs a file descriptor number");
		} else if (a[0] == '-') {
			die_usage("import", "unknown option '%s'", a);
		} else if (nattrs + 2 > ARRAY_LEN(attrs) || i + 1 >= argc) {
			die_usage("import", "attributes come in ATTR VALUE pairs (at most %zu)",
				  ARRAY_LEN(attrs) / 2);
		} else {
			attrs[nattrs++] = a;
			attrs[nattrs++] = argv[++i];
		}
	}
	if (!envchain == !nattrs)
		die_usage("import", "give either --envchain NAMESPACE or ATTR VALUE pairs");
	if (envchain && (name_from || as))
		die_usage("import", "--envchain names each variable by its own key");
	if (nattrs && !name_from == !as)
		die_usage("import", "with ATTR VALUE pairs, give --name-from ATTR or --as NAME");
	if (as && !env_name_valid(as))
		die_usage("import", "'%s' is not a valid name ([A-Za-z_][A-Za-z0-9_]*)", as);
	sodium_or_die();
	const char *ec[2] = { "name", envchain };
	struct kr_import k = { .as = as };
	if (!(k.v = calloc(KEYRING_IMPORT_MAX, sizeof(*k.v))))
		die("out of memory");
	char why[256] = "";
	int r = keyring_search(envchain ? "envchain.EnvironmentVariable" : NULL,
			       envchain ? ec : attrs, envchain ? 2 : nattrs,
			       envchain ? "key" : name_from, kr_collect, &k, why, sizeof(why));
	if (r) {
		kr_free(&k);
		if (r == HUSH_EKEYRING)
			die_status(1, "start the desktop session's keyring, or check DBUS_SESSION_BUS_ADDRESS",
				   "import: cannot search the desktop keyring: %s", why);
		die("import: cannot read the keyring items: %s", hush_strerror(r));
	}
	int status = 0;
	if (k.unnamed)
		fprintf(stderr, "hush: import: %zu matching item%s without a usable name (%s) skipped\n",
			k.unnamed, k.unnamed == 1 ? "" : "s",
			envchain ? "no valid \"key\" attribute" : "attribute missing or not a valid name");
	if (as && k.n > 1) {
		kr_free(&k);
		die_status(2, "narrow the search, or use --name-from ATTR",
			   "import: %zu items match and --as names only one", k.n);
	}
	if (k.n == 0) {
		kr_free(&k);
		msg_error("import: no matching item in the keyring");
		return 1;
	}
	if (dry) {
		for (size_t i = 0; i < k.n; i++)
			printf("would import %s\n", k.v[i].name);
		printf("%zu to import (nothing changed)\n", k.n);
		kr_free(&k);
		return status;
	}
	char path[4096];
	vault_path_or_die(path, sizeof(path));
	struct vault *v = open_or_die(&o, NULL, VAULT_WRITE);
	size_t stored = 0;
	for (size_t i = 0; i < k.n; i++) {
		const char *old;
		size_t olen;
		if (vault_get(v, k.v[i].name, &old, &olen) == 0) {
			if (olen == k.v[i].len && sodium_memcmp(old, k.v[i].value, olen) == 0) {
				printf("%s is already in the vault\n", k.v[i].name);
				continue;
			}
			fprintf(stderr, "hush: not imported: %s: a different value is already in the vault\n",
				k.v[i].name);
			status = 1;
			continue;
		}
		r = vault_set(v, k.v[i].name, k.v[i].value, k.v[i].len, VAULT_ORIGIN_IMPORT);
		if (r) {
			fprintf(stderr, "hush: not imported: %s: %s\n", k.v[i].name, hush_strerror(r));
			status = 1;
			continue;
		}
		printf("imported %s\n", k.v[i].name);
		stored++;
	}
	kr_free(&k);
	if (stored)
		save_or_die(v, path);
	vault_close(v);
	printf("%zu imported from the keyring\n", stored);
	return status;
}

int cmd_import(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--keyring"))
			return cmd_import_keyring(argc, argv);
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--replace"))
			return cmd_import_replace(argc, argv); /* cli/cmd_scan.c */
	struct opts o;
	parse_opts(argc, argv, "", 1, &o);
	if (o.help) {
		printf("usage: hush import FILE [--passphrase-fd N]\n"
		       "       hush import FILE --replace ...   (see hush import FILE --replace --help)\n"
		       "       hush import --keyring ...        (see hush import --keyring --help)\n\n"
		       "Import the NAME=value lines of a dotenv file into the vault (origin\n"
		       "'import'). Accepted: blank lines, # comments, 'export NAME=...',\n"
		       "unquoted values (a ' #' starts a comment), \"double quotes\" with\n"
		       "\\n \\t \\r \\\\ \\\" \\$ escapes, 'single quotes' taken literally; quoted\n"
		       "values may span lines. Each imported name is listed; each line that\n"
		       "cannot be parsed is reported as FILE:LINE. Existing names are replaced.\n"
		       "Exit status 1 when some line could not be imported (the others are).\n"
		       "The file itself is not changed (see \"hush import FILE --replace --help\"\n"
		       "to move the values out of it).\n\n%s%s",
		       fd_help, unlock_help);
		return 0;
	}
	if (o.npos != 1)
		die_usage("import", "missing FILE");
	sodium_or_die();
	const char *file = o.pos[0];
	char *data = NULL;
	size_t len = 0;
	int r = file_read_all(file, DOTENV_MAX_INPUT, true, &data, &len);
	if (r)
		die_status(r == HUSH_ENOENT || r == HUSH_EINVAL || r == HUSH_ETOOBIG ? 2 : 1, NULL,
			   "import: cannot read %s: %s", file,
			   r == HUSH_EINVAL ? "not a regular file" : hush_strerror(r));
	char path[4096];
	vault_path_or_die(path, sizeof(path));
	struct vault *v = open_or_die(&o, NULL, VAULT_WRITE);
	struct import_report rep = { .file = file };
	struct vault_import_cb cb = { .imported = rep_imported, .failed = rep_failed, .ctx = &rep };
	struct vault_import_result res;
	r = vault_import_dotenv(v, data, len, VAULT_ORIGIN_IMPORT, &cb, &res);
	sodium_memzero(data, len);
	free(data);
	if (r) {
		vault_close(v);
		die("import: %s: %s", file, hush_strerror(r));
	}
	if (res.imported)
		save_or_die(v, path);
	vault_close(v);
	printf("%zu imported, %zu line%s not imported\n", res.imported, res.failed,
	       res.failed == 1 ? "" : "s");
	return res.failed ? 1 : 0;
}

/* --- hush passwd --- */

int cmd_passwd(int argc, char **argv)
{
	struct opts o;
	parse_opts(argc, argv, "kp", 0, &o);
	if (o.help) {
		printf("usage: hush passwd [--keyring | --passphrase] [--passphrase-fd N]\n\n"
		       "Change the vault's passphrase (new salt, Argon2id parameters measured\n"
		       "again), or switch key source: --keyring moves the key into the desktop\n"
		       "keyring (a new random key), --passphrase switches back to a passphrase.\n"
		       "With --passphrase-fd N, the first line read is the current passphrase\n"
		       "(if one is needed) and the next line the new one. A HUSH_ASKPASS\n"
		       "program gets HUSH_ASKPASS_KIND=unlock or new.\n\n"
		       "  --keyring          keep a random key in the desktop keyring\n"
		       "  --passphrase       use a passphrase (asked twice on a terminal)\n%s",
		       fd_help);
		return 0;
	}
	if (o.keyring && o.passphrase)
		die_usage("passwd", "--keyring and --passphrase exclude each other");
	sodium_or_die();
	struct config cfg;
	load_config_or_die(&cfg);
	char path[4096];
	vault_path_or_die(path, sizeof(path));
	struct vault_err e;
	if (o.keyring) {
		char why[256];
		if (keyring_available(why, sizeof(why))) {
			config_free(&cfg);
			die_status(1, "keep the passphrase: run 'hush passwd' without --keyring",
				   "cannot use the desktop keyring: %s", why);
		}
	}
	struct vault *v = open_or_die(&o, &cfg, VAULT_WRITE);
	uint8_t oldkey[VAULT_KEY_BYTES];
	vault_copy_key(v, oldkey);
	int r;
	if (o.keyring) {
		r = vault_rekey(v, VAULT_KEY_KEYRING, NULL, NULL);
		if (r) {
			vault_explain(r, "cannot move the key to the keyring", path, VAULT_KEY_KEYRING, &e);
			vault_close(v);
			config_free(&cfg);
			die_err(&e);
		}
		printf("the vault key is now kept in the desktop keyring\n");
	} else {
		struct vault_kdf kdf;
		if (vault_kdf_for_new(&cfg, &kdf, &e)) {
			vault_close(v);
			config_free(&cfg);
			die_err(&e);
		}
		struct passphrase pw;
		char why[256] = "";
		struct passphrase_src src = { .fd = o.passphrase_fd, .askpass = cfg.askpass };
		r = passphrase_get(&src, PASSPHRASE_NEW, "New vault passphrase: ", &pw, why,
				   sizeof(why));
		if (r) {
			vault_close(v);
			config_free(&cfg);
			die_status(1, "set HUSH_ASKPASS to a program that prints it, or pass "
				      "--passphrase-fd N",
				   "cannot get the new passphrase: %s", why);
		}
		bool was_keyring = vault_get_info(v)->source == VAULT_KEY_KEYRING;
		struct vault_unlock u = { .passphrase = pw.s, .passphrase_len = pw.len };
		r = vault_rekey(v, VAULT_KEY_PASSPHRASE, &u, &kdf);
		passphrase_free(&pw);
		if (r) {
			vault_explain(r, "cannot change the passphrase", path, VAULT_KEY_PASSPHRASE, &e);
			vault_close(v);
			config_free(&cfg);
			die_err(&e);
		}
		printf(was_keyring ? "the vault is now keyed by a passphrase\n"
				   : "passphrase changed\n");
	}
	/* The backups of migrated files are sealed with a subkey of the vault
	 * key: seal them again under the new one. */
	uint8_t newkey[VAULT_KEY_BYTES];
	vault_copy_key(v, newkey);
	char bdir[4096];
	size_t nb = 0;
	if (backup_dir(bdir, sizeof(bdir)) == 0 && (r = backup_rekey(bdir, oldkey, newkey, &nb)) != 0)
		msg_warn("%zu backup%s in %s sealed again, then: %s; those left open only with the old key",
			 nb, nb == 1 ? "" : "s", bdir, hush_strerror(r));
	sodium_memzero(oldkey, sizeof(oldkey));
	sodium_memzero(newkey, sizeof(newkey));
	vault_close(v);
	config_free(&cfg);
	return 0;
}
