/* SPDX-License-Identifier: ISC */
/* The broker's vault key cache: see keycache.h. */
#include "broker/keycache.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/proto.h"
#include "common/strv.h"
#include "common/util.h"
#include "vault/passphrase.h"
#include "vault/vault.h"

static struct {
	char vault_path[PATH_MAX];
	uint8_t *key;
	bool have;
	/* the entry names of the vault file as last opened (in name order),
	 * and that file's identity; valid while the file stays the same */
	struct strv names;
	struct stat seen;
	bool have_names;
	unsigned long decrypts;
} K;

/* The same file, unchanged: saves replace the file (a new inode), and any
 * write in place moves ctime. */
static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void forget_names(void)
{
	strv_free(&K.names);
	K.have_names = false;
}

/* Keeps the names of v, read from the file whose identity was before,
 * unless the file changed meanwhile (then the names are unknown). */
static void remember_names(const struct vault *v, const struct stat *before)
{
	struct stat after;
	bool same = stat(K.vault_path, &after) == 0 && same_file(before, &after);
	if (same && K.have_names && same_file(&after, &K.seen))
		return;
	forget_names();
	if (!same)
		return;
	struct vault_entry_info e;
	for (size_t i = 0; vault_entry(v, i, &e) == 0; i++) {
		if (strv_push(&K.names, e.name)) {
			forget_names();
			return;
		}
	}
	K.seen = after;
	K.have_names = true;
}

/* Opens the vault with key, noting its names. */
static int open_with(const uint8_t *key, struct vault **v)
{
	struct stat before;
	bool st = stat(K.vault_path, &before) == 0;
	struct vault_unlock u = { .key = key };
	int r = vault_open(K.vault_path, &u, 0, v);
	K.decrypts++;
	if (!r && st)
		remember_names(*v, &before);
	else
		forget_names();
	return r;
}

int keycache_init(const char *vault_path)
{
	if (xsnprintf(K.vault_path, sizeof(K.vault_path), "%s", vault_path))
		return HUSH_ETOOBIG;
	K.key = sodium_malloc(VAULT_KEY_BYTES);
	if (!K.key)
		return HUSH_ENOMEM;
	sodium_mprotect_noaccess(K.key);
	return 0;
}

void keycache_free(void)
{
	keycache_drop();
	sodium_free(K.key);
	K.key = NULL;
}

bool keycache_have(void)
{
	return K.have;
}

void keycache_drop(void)
{
	if (!K.key)
		return;
	sodium_mprotect_readwrite(K.key);
	sodium_memzero(K.key, VAULT_KEY_BYTES);
	sodium_mprotect_noaccess(K.key);
	K.have = false;
	forget_names();
}

void keycache_wipe_in_child(void)
{
	if (K.key) {
		sodium_mprotect_readwrite(K.key);
		sodium_memzero(K.key, VAULT_KEY_BYTES);
	}
}

int keycache_open_vault(struct vault **v)
{
	if (!K.have)
		return HUSH_ELOCKED;
	sodium_mprotect_readonly(K.key);
	int r = open_with(K.key, v);
	sodium_mprotect_noaccess(K.key);
	if (r == HUSH_EAUTH)
		keycache_drop();
	return r;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int keycache_has_entry(const char *name, bool *have)
{
	if (!K.have)
		return HUSH_ELOCKED;
	struct stat st;
	if (K.have_names && stat(K.vault_path, &st) == 0 && same_file(&st, &K.seen)) {
		*have = bsearch(&name, K.names.v, K.names.n, sizeof(char *), name_cmp) != NULL;
		return 0;
	}
	struct vault *v = NULL;
	int r = keycache_open_vault(&v);
	if (r)
		return r;
	const char *val;
	size_t len;
	*have = vault_get(v, name, &val, &len) == 0;
	vault_close(v);
	return 0;
}

unsigned long keycache_decrypts(void)
{
	return K.decrypts;
}

/* Derives the key from a passphrase and checks it opens the vault; the
 * cached key is replaced only on success. */
int keycache_unlock_pass(const char *pass, size_t len)
{
	uint8_t *k = sodium_malloc(VAULT_KEY_BYTES);
	if (!k)
		return HUSH_ENOMEM;
	int r = vault_derive_key(K.vault_path, pass, len, k);
	if (!r) {
		struct vault *v = NULL;
		r = open_with(k, &v);
		vault_close(v);
	}
	if (!r) {
		sodium_mprotect_readwrite(K.key);
		memcpy(K.key, k, VAULT_KEY_BYTES);
		sodium_mprotect_noaccess(K.key);
		K.have = true;
	}
	sodium_free(k);
	return r;
}

/* Makes sure the key is cached: keyring vaults fetch it, passphrase vaults
 * use an askpass program from the broker's own environment or config. */
int keycache_ensure(const char *askpass, char *why, size_t whylen)
{
	if (K.have)
		return 0;
	struct vault_info info;
	int r = vault_probe(K.vault_path, &info);
	if (r)
		return r;
	if (info.source == VAULT_KEY_KEYRING) {
		sodium_mprotect_readwrite(K.key);
		r = keyring_lookup(info.id, K.key, why, whylen);
		K.have = (r == 0);
		if (r)
			sodium_memzero(K.key, VAULT_KEY_BYTES);
		sodium_mprotect_noaccess(K.key);
		return r;
	}
	const char *ap = askpass;
	if (!ap || !*ap)
		return HUSH_ELOCKED;
	/* quiet: nothing it says goes to the broker's log */
	struct passphrase pw;
	char awhy[256];
	if (passphrase_askpass(ap, PASSPHRASE_UNLOCK, "hush: passphrase to unlock the vault", true,
			       &pw, awhy, sizeof(awhy)))
		return HUSH_ELOCKED;
	r = pw.len ? keycache_unlock_pass(pw.s, pw.len) : HUSH_ECANCELED;
	passphrase_free(&pw);
	return r ? HUSH_ELOCKED : 0;
}
