/* SPDX-License-Identifier: ISC */
/* Opening the user's vault the way every command does: load the config,
 * find <data>/vault, read its header, get the key (passphrase from an fd,
 * askpass or the terminal; or the desktop keyring), open it. Used by the
 * secrets commands, the broker's unlock and hush migrate; and creating or
 * rekeying it for hush init and hush passwd.
 *
 * Failures come back as a code plus a printable one-line explanation and an
 * optional hint, never containing a secret. */
#ifndef HUSH_VAULT_OPEN_H
#define HUSH_VAULT_OPEN_H

#include <stdbool.h>
#include <stddef.h>

#include "vault/vault.h"

struct config;

struct vault_open_opts {
	int passphrase_fd;         /* --passphrase-fd N, or -1 */
	int flags;                 /* VAULT_WRITE or 0 */
	const struct config *cfg;  /* NULL: loaded with config_load_default() */
	const char *path;          /* NULL: path_vault() */
};

struct vault_err {
	int code;          /* the HUSH_E* code returned */
	char what[640];    /* "cannot open the vault: wrong passphrase" */
	char hint[320];    /* "" when there is nothing to suggest */
};

/* Opens the vault. 0, or a HUSH_E* code with err filled in. */
int vault_open_default(const struct vault_open_opts *o, struct vault **out,
		       struct vault_err *err);

/* Creates the vault at o->path (its data directory made private first;
 * never over an existing vault): with keyring a random key kept in the
 * desktop keyring, else a key derived from a new passphrase asked the
 * documented way (o->passphrase_fd, askpass, the terminal twice) with the
 * config's KDF parameters. 0 with *out, or a HUSH_E* code with err filled
 * in. */
int vault_create_default(const struct vault_open_opts *o, bool keyring, struct vault **out,
			 struct vault_err *err);

/* Gives the open vault v a new key in the same way (with --passphrase-fd,
 * the line after the current passphrase). 0, or a HUSH_E* code with err
 * filled in. */
int vault_rekey_default(struct vault *v, const struct vault_open_opts *o, bool keyring,
			struct vault_err *err);

/* Fills err with the explanation of code for the vault at path, as
 * vault_open_default() would. action is e.g. "cannot open the vault". */
void vault_explain(int code, const char *action, const char *path,
		   enum vault_key_source source, struct vault_err *err);

/* The KDF parameters for a new vault: the config's kdf_memory / kdf_ops
 * when set, else vault_kdf_default(). HUSH_EINVAL with err filled in when
 * the config asks for less than 64 MiB or more than the format allows. */
int vault_kdf_for_new(const struct config *cfg, struct vault_kdf *kdf,
		      struct vault_err *err);

#endif
