/* SPDX-License-Identifier: ISC */
/* The broker's cached vault key.
 *
 * One key in sodium_malloc memory, kept noaccess while idle, wiped by
 * keycache_drop() (hush lock, SIGUSR1, idle_lock, a key that no longer
 * opens the vault). It is filled from a passphrase (hush unlock, or an
 * askpass program from the broker's own environment or config) or from
 * the desktop keyring.
 *
 * It also knows the entry names of the vault as last opened, while the
 * vault file stays the same (names are not secret; values are never kept
 * here). */
#ifndef HUSH_BROKER_KEYCACHE_H
#define HUSH_BROKER_KEYCACHE_H

#include <stdbool.h>
#include <stddef.h>

struct vault;

/* Allocates the key memory. 0 or HUSH_ENOMEM. */
int keycache_init(const char *vault_path);
void keycache_free(void);

bool keycache_have(void);
void keycache_drop(void);
/* Wipes the key in a forked child that must not hold it. */
void keycache_wipe_in_child(void);

/* Derives the key from a passphrase and keeps it only when it opens the
 * vault. 0, HUSH_EAUTH, or another HUSH_E* code. */
int keycache_unlock_pass(const char *pass, size_t len);

/* Makes sure the key is cached: keyring vaults fetch it (why[n] says why
 * not), passphrase vaults run askpass (NULL: none). 0, HUSH_ENOENT (no
 * vault), HUSH_ELOCKED, or a keyring error. */
int keycache_ensure(const char *askpass, char *why, size_t n);

/* Opens the vault with the cached key (keycache_ensure() first). A key
 * that fails to open it is dropped. 0 with *v, or a HUSH_E* code. */
int keycache_open_vault(struct vault **v);

/* Whether the vault has an entry name: from the names seen when it was
 * last opened while its file has not changed since (no decrypt), else by
 * opening it. 0 with *have; HUSH_ELOCKED without a key, or
 * keycache_open_vault's error. */
int keycache_has_entry(const char *name, bool *have);
/* How many times the vault was opened (decrypted) through the cache, for
 * tests. */
unsigned long keycache_decrypts(void);

#endif
