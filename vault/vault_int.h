/* SPDX-License-Identifier: ISC */
/* Inside vault/: the vault in memory, and the format functions that
 * vault/file.c (opening, locking, saving) shares with vault/vault.c. */
#ifndef HUSH_VAULT_INT_H
#define HUSH_VAULT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vault/vault.h"

#define VAULT_SALT_BYTES 16

struct ventry {
	char *name;       /* malloc'd when own_name, else in the arena */
	char *value;      /* secure memory, NUL-terminated */
	size_t value_len;
	int64_t created;
	int64_t updated;
	uint8_t origin;
	bool own;         /* value is its own sodium_malloc block (else arena) */
	bool own_name;    /* name is malloc'd (else arena) */
};

struct vault {
	char *path;           /* NULL for parsed images */
	int lock_fd;          /* -1 unless VAULT_WRITE */
	struct vault_info info;
	uint8_t salt[VAULT_SALT_BYTES];
	uint8_t *key;         /* sodium_malloc'd, VAULT_KEY_BYTES; no access
				 (sodium_mprotect_noaccess) outside the calls
				 that use it */
	struct ventry *e;
	size_t n, cap;
	char *arena;          /* sodium_malloc'd decrypted table; the entries
				 read from the file point into it */
	size_t arena_len;
};

/* A vault with no entries and a fresh secure key buffer, or NULL. */
struct vault *vault_new(void);
/* Parses the header into info and salt. 0, HUSH_EFORMAT or HUSH_EVERSION. */
int vault_header_parse(const uint8_t *h, size_t len, struct vault_info *info,
		       uint8_t salt[VAULT_SALT_BYTES]);
/* Opens a vault file for reading: file_open_regular() with the vault's cap. */
int vault_open_file(const char *path, int *fd, uint64_t *size);
/* Argon2id of pass with kdf and salt into key[VAULT_KEY_BYTES]. */
int vault_derive(const struct vault_kdf *kdf, const uint8_t salt[VAULT_SALT_BYTES],
		 const char *pass, size_t passlen, uint8_t *key);
/* Decrypts and decodes img (taken over in every case) into v. */
int vault_image_parse(struct vault *v, uint8_t *img, size_t len);
/* The file image of v, malloc'd. */
int vault_image_build(const struct vault *v, uint8_t **out, size_t *outlen);

#endif
