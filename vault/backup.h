/* SPDX-License-Identifier: ISC */
/* Encrypted backups of the files hush rewrites (hush migrate, hush import
 * --replace): the original bytes, path, mode and owner, sealed with a key
 * derived from the vault key and kept as one file each under
 * <data>/backups/, a directory the sandbox hides. No readable copy of a
 * moved secret stays next to the file. Format: vault/FORMAT.md, "Backups".
 *
 * A struct backup's data lives in sodium_malloc memory; backup_free()
 * wipes it. */
#ifndef HUSH_VAULT_BACKUP_H
#define HUSH_VAULT_BACKUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "vault/vault.h"

#define BACKUP_MAX_DATA (16u * 1024 * 1024)  /* one backed-up file */
#define BACKUP_MAX_PATH 4096
#define BACKUP_MAX_FILES 10000               /* entries read from the directory */

struct backup {
	char path[BACKUP_MAX_PATH];   /* the file this is a copy of */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	int64_t time_ns;              /* when it was taken */
	char *data;                   /* sodium_malloc'd; NUL follows len */
	size_t len;
	char file[BACKUP_MAX_PATH];   /* the backup file itself ("" if parsed from memory) */
};

/* The backup directory: <data>/backups. 0 or a HUSH_E* code. */
int backup_dir(char *out, size_t n);

/* Seals data (the contents of path, whose mode and owner st gives) under
 * vkey and writes it as a new 0600 file in dir (created 0700 if missing).
 * The new file's path goes to file[n] when file is not NULL. 0, HUSH_ETOOBIG,
 * HUSH_EPERM (dir not private), HUSH_ENOMEM, HUSH_EIO (errno kept). */
int backup_save(const char *dir, const uint8_t vkey[VAULT_KEY_BYTES], const char *path,
		const char *data, size_t len, const struct stat *st, char *file, size_t n);

/* Opens a sealed image of len bytes. 0, HUSH_EFORMAT (not a backup, or
 * damaged), HUSH_EVERSION, HUSH_EAUTH (another vault's key, or modified),
 * HUSH_ETOOBIG, HUSH_ENOMEM. On success b holds the contents; free it with
 * backup_free(). */
int backup_parse(const uint8_t *img, size_t len, const uint8_t vkey[VAULT_KEY_BYTES],
		 struct backup *b);

/* Calls fn for every backup in dir that opens with vkey, in no particular
 * order; b is freed after fn returns (fn must copy what it keeps). fn
 * returning nonzero stops the walk with that value. Files that do not open
 * are counted in *unreadable (may be NULL) and skipped. 0 when dir does not
 * exist; HUSH_EIO on a directory read error. */
int backup_each(const char *dir, const uint8_t vkey[VAULT_KEY_BYTES],
		int (*fn)(const struct backup *b, void *ctx), void *ctx, size_t *unreadable);

/* The newest backup of path in dir. 0, HUSH_ENOENT, or as backup_each(). */
int backup_newest(const char *dir, const uint8_t vkey[VAULT_KEY_BYTES], const char *path,
		  struct backup *out);

/* Removes every backup of path in dir (every backup when path is NULL);
 * *removed counts them. 0 or HUSH_EIO. */
int backup_remove(const char *dir, const uint8_t vkey[VAULT_KEY_BYTES], const char *path,
		  size_t *removed);

/* Seals every backup that opens with oldkey again under newkey (after the
 * vault was rekeyed). *done counts them. 0 or the first HUSH_E* error. */
int backup_rekey(const char *dir, const uint8_t oldkey[VAULT_KEY_BYTES],
		 const uint8_t newkey[VAULT_KEY_BYTES], size_t *done);

/* After v was given a new key (hush passwd): the backups in backup_dir()
 * that open with oldkey are sealed again under v's key; oldkey is wiped.
 * 0 (also when there is no backup directory), or the first HUSH_E* error
 * with *done backups sealed again before it and the directory in dir[n]. */
int backup_reseal(const struct vault *v, uint8_t oldkey[VAULT_KEY_BYTES], char *dir, size_t n,
		  size_t *done);

/* Writes b's bytes back to b->path atomically with its mode (and owner when
 * running as root). 0 or HUSH_EIO (errno kept). */
int backup_restore(const struct backup *b);

void backup_free(struct backup *b);

#endif
