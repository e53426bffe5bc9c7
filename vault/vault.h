/* SPDX-License-Identifier: ISC */
/* The encrypted vault: one file, <data>/vault, format in vault/FORMAT.md.
 *
 * A struct vault holds the decrypted entries in sodium_malloc memory. It is
 * opened with a 32-byte key (from a passphrase through Argon2id, or from the
 * desktop keyring) and saved atomically, keeping the previous file as
 * vault.bak. Opening with VAULT_WRITE takes an exclusive lock on
 * <vault>.lock held until vault_close(), so concurrent writers serialise and
 * each re-reads the file under the lock. */
#ifndef HUSH_VAULT_H
#define HUSH_VAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VAULT_KEY_BYTES 32
#define VAULT_ID_BYTES 16
#define VAULT_MAX_FILE (64u * 1024 * 1024)   /* refuse larger vault files */
#define VAULT_MAX_VALUE (1024u * 1024)       /* one secret value */
#define VAULT_MAX_ENTRIES 100000
#define VAULT_FORMAT_VERSION 1

/* Argon2id limits. A header outside [MIN, MAX] is rejected as damaged, so a
 * modified file cannot make unlocking take unbounded time or memory. */
#define VAULT_KDF_MEM_MIN (64ull * 1024 * 1024)
#define VAULT_KDF_MEM_MAX (4ull * 1024 * 1024 * 1024)
#define VAULT_KDF_OPS_MIN 1
#define VAULT_KDF_OPS_MAX 64
/* Range vault_kdf_default() picks from by measurement. */
#define VAULT_KDF_OPS_DEFAULT_MIN 2
#define VAULT_KDF_OPS_DEFAULT_MAX 16

enum vault_key_source {
	VAULT_KEY_PASSPHRASE = 1,
	VAULT_KEY_KEYRING = 2,
};

enum vault_origin {
	VAULT_ORIGIN_SET = 1,
	VAULT_ORIGIN_IMPORT = 2,
	VAULT_ORIGIN_MIGRATE = 3,
	VAULT_ORIGIN_BROKER = 4,
};

/* Argon2id parameters stored in the header. */
struct vault_kdf {
	uint64_t opslimit;
	uint64_t memlimit; /* bytes */
};

/* What the unauthenticated header says; read without any key. */
struct vault_info {
	uint16_t version;
	enum vault_key_source source;
	struct vault_kdf kdf;           /* passphrase vaults only */
	uint8_t id[VAULT_ID_BYTES];     /* random per vault; keyring lookup key */
};

/* How to unlock. Exactly one of passphrase or key is set. */
struct vault_unlock {
	const char *passphrase;         /* not NUL-terminated necessarily */
	size_t passphrase_len;
	const uint8_t *key;             /* VAULT_KEY_BYTES */
};

struct vault_entry_info {
	const char *name;
	int64_t created;
	int64_t updated;
	enum vault_origin origin;
	size_t value_len;
};

struct vault;

#define VAULT_WRITE 0x1 /* take the write lock until vault_close() */

/* Reads and checks the header of the vault at path. 0, HUSH_ENOENT,
 * HUSH_EFORMAT, HUSH_EVERSION, HUSH_ETOOBIG, HUSH_EIO. */
int vault_probe(const char *path, struct vault_info *info);

/* Default Argon2id parameters for new vaults: at least 64 MiB, tuned by a
 * short measurement so that unlocking takes roughly target_ms (0 means
 * 500 ms). Test suites only: HUSH_TEST_KDF_OPS=N (1..64) skips the
 * measurement and uses opslimit N; memlimit stays 64 MiB. */
void vault_kdf_default(struct vault_kdf *kdf, unsigned target_ms);

/* Derives the vault key from a passphrase with the parameters and salt in
 * the header of path. key is VAULT_KEY_BYTES. HUSH_EAUTH when the key does
 * not match the header's key check (wrong passphrase). */
int vault_derive_key(const char *path, const char *pass, size_t passlen,
		     uint8_t *key);

/* Creates a new empty vault. For VAULT_KEY_PASSPHRASE, unlock->passphrase
 * and kdf are used; for VAULT_KEY_KEYRING, a random key is generated and
 * stored in the keyring first. Fails with HUSH_EEXIST if path exists.
 * On success *out is an open vault (write-locked). */
int vault_create(const char *path, enum vault_key_source source,
		 const struct vault_unlock *unlock, const struct vault_kdf *kdf,
		 struct vault **out);

/* Opens the vault. unlock may be NULL for keyring vaults (the key is looked
 * up in the keyring); unlock->key works for either source. Errors:
 * HUSH_ENOENT, HUSH_EAUTH (wrong passphrase or key, or a modified key
 * check/KDF header field), HUSH_EFORMAT (damaged, truncated or modified
 * file: the key is right but the contents fail authentication),
 * HUSH_EVERSION, HUSH_ETOOBIG, HUSH_EKEYRING, HUSH_EBUSY (write lock not
 * obtained within a minute), HUSH_EIO, HUSH_EINVAL (a passphrase given for a
 * keyring vault). The file is never modified by a failed open. */
int vault_open(const char *path, const struct vault_unlock *unlock, int flags,
	       struct vault **out);

/* Writes the vault back (requires VAULT_WRITE): fresh nonce, temp file,
 * fsync, rename, fsync dir; the old file becomes vault.bak. Temporary files
 * left by a writer that was killed mid-save are removed first. 0,
 * HUSH_EINVAL (not opened for writing), HUSH_ETOOBIG, HUSH_ENOMEM, HUSH_EIO. */
int vault_save(struct vault *v);

/* Changes the key source / passphrase and saves. For VAULT_KEY_KEYRING a
 * new random key is stored in the keyring; for passphrase, kdf may be NULL
 * (defaults). Requires VAULT_WRITE. */
int vault_rekey(struct vault *v, enum vault_key_source source,
		const struct vault_unlock *unlock, const struct vault_kdf *kdf);

/* Value of name: *value points into sodium memory owned by the vault, valid
 * until the next change or vault_close(). Not NUL-terminated necessarily
 * (a NUL follows value_len). HUSH_ENOENT if absent. */
int vault_get(struct vault *v, const char *name, const char **value, size_t *len);
/* Adds or replaces an entry (in memory; vault_save() writes it).
 * HUSH_ENAME for a bad name, HUSH_ETOOBIG over the caps. */
int vault_set(struct vault *v, const char *name, const char *value, size_t len,
	      enum vault_origin origin);
/* HUSH_ENOENT if absent. */
int vault_remove(struct vault *v, const char *name);

size_t vault_count(const struct vault *v);
/* Entries in name order. 0 or HUSH_ENOENT past the end. */
int vault_entry(const struct vault *v, size_t i, struct vault_entry_info *info);
const struct vault_info *vault_get_info(const struct vault *v);
/* Copies the key (for the broker's idle cache) into key[VAULT_KEY_BYTES]. */
void vault_copy_key(const struct vault *v, uint8_t *key);

/* Wipes everything and releases the lock. NULL is fine. */
void vault_close(struct vault *v);

const char *vault_origin_name(enum vault_origin o);

/* Parses a vault file image (for fuzzing and tests): header checks plus
 * authenticated decryption with key. Same errors as vault_open(). */
int vault_parse(const uint8_t *data, size_t len, const uint8_t *key, struct vault **out);
/* Decodes a decrypted entry table (FORMAT.md, "Contents") into v, which must
 * have no entries yet; for the fuzzer. 0 or HUSH_EFORMAT / HUSH_ENOMEM. */
int vault_decode_entries(struct vault *v, const uint8_t *plain, size_t len);
/* An empty, unsaved vault with an all-zero key (for the fuzzer and tests). */
struct vault *vault_new_empty(void);

/* --- desktop keyring (vault/keyring.c, libsecret) --- */
/* Stores / looks up / deletes the key for the vault with this id.
 * HUSH_EKEYRING when no Secret Service is reachable (with a reason in
 * why[whylen] when why != NULL), HUSH_ENOENT when the item is missing. */
int keyring_store(const uint8_t id[VAULT_ID_BYTES], const uint8_t *key,
		  char *why, size_t whylen);
int keyring_lookup(const uint8_t id[VAULT_ID_BYTES], uint8_t *key,
		   char *why, size_t whylen);
int keyring_delete(const uint8_t id[VAULT_ID_BYTES]);
/* 0 when a Secret Service answers on the session bus; else HUSH_EKEYRING
 * with the reason in why. Never waits longer than the keyring timeout
 * (10 s, or HUSH_KEYRING_TIMEOUT_MS). */
int keyring_available(char *why, size_t whylen);
/* Items chosen from the Secret Service: called for each with the value
 * of name_attr (NULL when the item lacks it), the item's label and its
 * secret (len bytes, valid during the call only). Return nonzero to stop. */
typedef int (*keyring_item_fn)(void *ctx, const char *name, const char *label,
			       const char *value, size_t len);
/* Calls fn for every item whose attributes match all of attrs (nattrs
 * strings: ATTR, VALUE, ATTR, VALUE...), unlocking if needed. schema NULL
 * matches any item (as secret-tool search does); "envchain.EnvironmentVariable"
 * only envchain's. 0, fn's nonzero result, HUSH_EINVAL (odd attrs, unknown
 * schema) or HUSH_EKEYRING with the reason in why. */
int keyring_search(const char *schema, const char *const *attrs, size_t nattrs,
		   const char *name_attr, keyring_item_fn fn, void *ctx, char *why, size_t whylen);
/* The reason of the last keyring failure in this thread (static text, no
 * secrets), or "" when none. */
const char *keyring_last_error(void);

#endif
