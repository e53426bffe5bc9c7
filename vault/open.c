/* SPDX-License-Identifier: ISC */
/* vault_open_default(): config, path, header, key, open; and creating and
 * rekeying the same way. See open.h. */
#include "vault/open.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "config/config.h"
#include "vault/passphrase.h"

#define TTY_ATTEMPTS 3

static void set(struct vault_err *e, int code, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set(struct vault_err *e, int code, const char *hint, const char *fmt, ...)
{
	e->code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
	snprintf(e->hint, sizeof(e->hint), "%s", hint ? hint : "");
}

/* The explanations that are one message and a fixed hint: the message is
 * formatted with ACTION and PATH, in that order (one that names only the
 * action leaves PATH unused, as printf allows). */
static const struct {
	int code;
	const char *hint, *fmt;
} plain[] = {
	{ HUSH_EVERSION, "use the hush version that wrote this vault",
	  "%s: %s has a format version this hush does not know" },
	{ HUSH_EBUSY, "another hush command is writing the vault; try again",
	  "%s: the vault is locked by another writer" },
	{ HUSH_EPERM, NULL, "%s: permission denied: %s" },
	{ HUSH_EEXIST, "use 'hush passwd' to change its key, or remove it yourself to start over",
	  "%s: a vault already exists: %s" },
};

void vault_explain(int code, const char *action, const char *path,
		   enum vault_key_source source, struct vault_err *e)
{
	for (size_t i = 0; i < ARRAY_LEN(plain); i++) {
		if (plain[i].code == code) {
			set(e, code, plain[i].hint, plain[i].fmt, action, path);
			return;
		}
	}
	char hint[320];
	switch (code) {
	case HUSH_ENOENT:
		set(e, code, "run 'hush init' first", "vault not found: %s", path);
		break;
	case HUSH_EAUTH:
		if (source == VAULT_KEY_KEYRING)
			set(e, code, "the keyring item may belong to another vault; restore the "
				     "matching vault or its .bak",
			    "%s: the key in the desktop keyring does not open %s", action, path);
		else
			set(e, code, NULL, "%s: wrong passphrase", action);
		break;
	case HUSH_EFORMAT:
		snprintf(hint, sizeof(hint), "the previous version is kept in %s.bak", path);
		set(e, code, hint, "%s: %s is damaged, truncated or was modified", action, path);
		break;
	case HUSH_ETOOBIG:
		set(e, code, NULL, "%s: %s is larger than the %u MiB limit", action, path,
		    VAULT_MAX_FILE / (1024 * 1024));
		break;
	case HUSH_EKEYRING: {
		const char *why = keyring_last_error();
		set(e, code,
		    source == VAULT_KEY_KEYRING
			    ? "unlock your desktop keyring (a desktop session with D-Bus is needed)"
			    : "use a passphrase instead: run the command without --keyring",
		    "%s: desktop keyring unavailable%s%s", action, *why ? ": " : "", why);
		break;
	}
	default:
		set(e, code, NULL, "%s: %s", action, hush_strerror(code));
		break;
	}
}

int vault_kdf_for_new(const struct config *cfg, struct vault_kdf *kdf, struct vault_err *err)
{
	vault_kdf_default(kdf, 0);
	if (cfg && cfg->kdf_memory) {
		if (cfg->kdf_memory < VAULT_KDF_MEM_MIN || cfg->kdf_memory > VAULT_KDF_MEM_MAX) {
			set(err, HUSH_EINVAL, "set kdf_memory to at least 64M, or remove it",
			    "config: kdf_memory must be between 64 MiB and 4 GiB for the vault");
			return HUSH_EINVAL;
		}
		kdf->memlimit = cfg->kdf_memory;
	}
	if (cfg && cfg->kdf_ops) {
		if (cfg->kdf_ops < VAULT_KDF_OPS_MIN || cfg->kdf_ops > VAULT_KDF_OPS_MAX) {
			set(err, HUSH_EINVAL, NULL, "config: kdf_ops must be between %d and %d",
			    VAULT_KDF_OPS_MIN, VAULT_KDF_OPS_MAX);
			return HUSH_EINVAL;
		}
		kdf->opslimit = cfg->kdf_ops;
	}
	return 0;
}

int vault_open_default(const struct vault_open_opts *o, struct vault **out,
		       struct vault_err *err)
{
	memset(err, 0, sizeof(*err));
	struct config own;
	bool own_loaded = false;
	const struct config *cfg = o->cfg;
	if (!cfg) {
		char cerr[512] = "";
		int r = config_load_default(&own, cerr, sizeof(cerr));
		if (r) {
			set(err, r, "fix the file, or check it with 'hush config check'",
			    "cannot load the configuration: %s", *cerr ? cerr : hush_strerror(r));
			return r;
		}
		own_loaded = true;
		cfg = &own;
	}
	char path[4096];
	int r = 0;
	if (o->path) {
		if (xsnprintf(path, sizeof(path), "%s", o->path))
			r = HUSH_ETOOBIG;
	} else {
		r = path_vault(path, sizeof(path));
	}
	if (r) {
		set(err, r, "check HUSH_HOME / XDG_DATA_HOME", "cannot find the vault path: %s",
		    hush_strerror(r));
		goto done;
	}
	struct vault_info info;
	r = vault_probe(path, &info);
	if (r) {
		vault_explain(r, "cannot open the vault", path, VAULT_KEY_PASSPHRASE, err);
		goto done;
	}
	if (info.source == VAULT_KEY_KEYRING) {
		r = vault_open(path, NULL, o->flags, out);
		if (r)
			vault_explain(r, "cannot open the vault", path, VAULT_KEY_KEYRING, err);
		goto done;
	}
	struct passphrase_src src = { .fd = o->passphrase_fd, .askpass = cfg->askpass };
	const char *askpass = getenv("HUSH_ASKPASS");
	bool interactive = o->passphrase_fd < 0 && !(askpass && *askpass) &&
			   !(cfg->askpass && *cfg->askpass);
	for (int attempt = 0; attempt < (interactive ? TTY_ATTEMPTS : 1); attempt++) {
		struct passphrase pw;
		char why[256] = "";
		r = passphrase_get(&src, PASSPHRASE_UNLOCK, "Vault passphrase: ", &pw, why,
				   sizeof(why));
		if (r) {
			set(err, r,
			    "set HUSH_ASKPASS to a program that prints the passphrase, or pass "
			    "--passphrase-fd N",
			    "cannot get the vault passphrase: %s", why);
			goto done;
		}
		struct vault_unlock u = { .passphrase = pw.s, .passphrase_len = pw.len };
		r = vault_open(path, &u, o->flags, out);
		passphrase_free(&pw);
		if (r != HUSH_EAUTH)
			break;
	}
	if (r)
		vault_explain(r, "cannot open the vault", path, VAULT_KEY_PASSPHRASE, err);
done:
	if (own_loaded)
		config_free(&own);
	return r;
}

/* Creates the vault at o->path (v NULL) or gives v a new key: a random one
 * kept in the keyring, or one derived from a new passphrase. */
static int new_key(const struct vault_open_opts *o, struct vault *v, bool keyring,
		   struct vault **out, struct vault_err *err)
{
	enum vault_key_source source = keyring ? VAULT_KEY_KEYRING : VAULT_KEY_PASSPHRASE;
	struct vault_kdf kdf;
	struct passphrase pw = { NULL, 0 };
	char why[256] = "";
	struct passphrase_src src = { .fd = o->passphrase_fd, .askpass = o->cfg ? o->cfg->askpass : NULL };
	int r = keyring ? 0 : vault_kdf_for_new(o->cfg, &kdf, err);
	if (r)
		return r;
	if (!keyring && (r = passphrase_get(&src, PASSPHRASE_NEW, "New vault passphrase: ", &pw, why,
					    sizeof(why)))) {
		set(err, r, "set HUSH_ASKPASS to a program that prints it, or pass --passphrase-fd N",
		    "cannot get %s passphrase: %s", v ? "the new" : "a new", why);
		return r;
	}
	struct vault_unlock u = { .passphrase = pw.s, .passphrase_len = pw.len };
	r = v ? vault_rekey(v, source, keyring ? NULL : &u, keyring ? NULL : &kdf)
	      : vault_create(o->path, source, keyring ? NULL : &u, keyring ? NULL : &kdf, out);
	passphrase_free(&pw);
	if (r)
		vault_explain(r, !v ? "cannot create the vault" : keyring ? "cannot move the key to the keyring"
			      : "cannot change the passphrase", o->path, source, err);
	return r;
}

int vault_create_default(const struct vault_open_opts *o, bool keyring, struct vault **out,
			 struct vault_err *err)
{
	memset(err, 0, sizeof(*err));
	char data[4096];
	int r = path_data(data, sizeof(data));
	if (!r)
		r = path_ensure_private_dir(data);
	if (r == HUSH_EPERM)
		set(err, r, "use a data directory you own (HUSH_HOME)",
		    "the data directory %s is not a directory owned by you", data);
	else if (r)
		set(err, r, NULL, "cannot create the data directory %s: %s", data, hush_strerror(r));
	struct vault_info info;
	if (!r && vault_probe(o->path, &info) != HUSH_ENOENT) {
		r = HUSH_EEXIST;
		set(err, r, "use 'hush passwd' to change its key, or remove it yourself to start over",
		    "a vault already exists: %s", o->path);
	}
	return r ? r : new_key(o, NULL, keyring, out, err);
}

int vault_rekey_default(struct vault *v, const struct vault_open_opts *o, bool keyring,
			struct vault_err *err)
{
	memset(err, 0, sizeof(*err));
	return new_key(o, v, keyring, NULL, err);
}
