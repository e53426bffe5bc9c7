/* SPDX-License-Identifier: ISC */
/* The broker's vault key cache: see keycache.h. */
#include "broker/keycache.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/proto.h"
#include "common/util.h"
#include "vault/passphrase.h"
#include "vault/vault.h"

static struct {
	char vault_path[PATH_MAX];
	uint8_t *key;
	bool have;
} K;

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
	struct vault_unlock u = { .key = K.key };
	int r = vault_open(K.vault_path, &u, 0, v);
	sodium_mprotect_noaccess(K.key);
	if (r == HUSH_EAUTH)
		keycache_drop();
	return r;
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
		struct vault_unlock u = { .key = k };
		r = vault_open(K.vault_path, &u, 0, &v);
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
