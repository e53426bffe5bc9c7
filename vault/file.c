/* SPDX-License-Identifier: ISC */
/* The vault file: opening with the write lock, atomic and durable saves,
 * creation and re-keying. See vault.h; the format is vault/vault.c. */
#include "vault/vault.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "vault/vault_int.h"

#define VAULT_LOCK_WAIT_MS 60000

static int lock_path(const char *path, char *out, size_t n)
{
	return xsnprintf(out, n, "%s.lock", path) ? HUSH_ETOOBIG : 0;
}

/* Takes the exclusive write lock, waiting up to VAULT_LOCK_WAIT_MS. */
static int lock_take(const char *path, int *fd_out)
{
	char lp[4096];
	if (lock_path(path, lp, sizeof(lp)))
		return HUSH_ETOOBIG;
	int fd = open(lp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == ENOENT ? HUSH_ENOENT : (errno == EACCES ? HUSH_EPERM : HUSH_EIO);
	uint64_t start = time_mono_ms();
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			return HUSH_EIO;
		}
		if (time_mono_ms() - start > VAULT_LOCK_WAIT_MS) {
			close(fd);
			return HUSH_EBUSY;
		}
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	*fd_out = fd;
	return 0;
}

/* Reads the whole vault file into sodium_malloc'd memory (len + 1 bytes),
 * refusing links, non-regular files and files over VAULT_MAX_FILE before
 * reading them. */
static int read_image(const char *path, uint8_t **data, size_t *len)
{
	_cleanup_fd_ int fd = -1;
	uint64_t size;
	int r = vault_open_file(path, &fd, &size);
	if (r)
		return r;
	size_t cap = (size_t)size + 1;
	uint8_t *b = sodium_malloc(cap);
	if (!b)
		return HUSH_ENOMEM;
	/* One byte more than fstat said, to notice a file that grew. */
	ssize_t n = read_full(fd, b, cap);
	if (n < 0 || (size_t)n == cap) {
		sodium_free(b);
		return HUSH_EIO;
	}
	*data = b;
	*len = (size_t)n;
	return 0;
}

int vault_open(const char *path, const struct vault_unlock *unlock, int flags,
	       struct vault **out)
{
	struct vault_info info;
	int r = vault_probe(path, &info);
	if (r)
		return r;
	struct vault *v = vault_new();
	if (!v)
		return HUSH_ENOMEM;
	v->path = strdup(path);
	if (!v->path) {
		vault_close(v);
		return HUSH_ENOMEM;
	}
	if (flags & VAULT_WRITE) {
		r = lock_take(path, &v->lock_fd);
		if (r) {
			vault_close(v);
			return r;
		}
	}
	/* Read under the lock: a writer that just saved is seen in full. */
	uint8_t *img = NULL;
	size_t len = 0;
	r = read_image(path, &img, &len);
	if (r)
		goto fail;
	uint8_t salt[VAULT_SALT_BYTES];
	r = vault_header_parse(img, len, &info, salt);
	if (r)
		goto fail;
	if (unlock && unlock->key) {
		memcpy(v->key, unlock->key, VAULT_KEY_BYTES);
	} else if (unlock && unlock->passphrase) {
		if (info.source != VAULT_KEY_PASSPHRASE) {
			r = HUSH_EINVAL;
			goto fail;
		}
		r = vault_derive(&info.kdf, salt, unlock->passphrase, unlock->passphrase_len, v->key);
		if (r)
			goto fail;
	} else if (info.source == VAULT_KEY_KEYRING) {
		r = keyring_lookup(info.id, v->key, NULL, 0);
		if (r == HUSH_ENOENT)
			r = HUSH_EKEYRING;
		if (r)
			goto fail;
	} else {
		r = HUSH_EINVAL;
		goto fail;
	}
	r = vault_image_parse(v, img, len);
	img = NULL; /* owned by v now */
	if (r)
		goto fail;
	sodium_mprotect_noaccess(v->key);
	*out = v;
	return 0;
fail:
	if (img)
		sodium_free(img);
	vault_close(v);
	return r;
}

/* Removes "<vault>.tmp.*" files left by a writer that died mid-save. Every
 * save happens under the write lock, which the caller holds, so any such
 * file is stale. */
static void remove_stale_temps(const char *path)
{
	char d[4096], base[512];
	const char *slash = strrchr(path, '/');
	if (slash) {
		size_t dl = (size_t)(slash - path);
		if (dl >= sizeof(d))
			return;
		memcpy(d, path, dl);
		d[dl ? dl : 1] = 0;
		if (!dl)
			d[0] = '/';
	} else {
		strcpy(d, ".");
	}
	if (xsnprintf(base, sizeof(base), "%s.tmp.", slash ? slash + 1 : path))
		return;
	size_t bl = strlen(base);
	DIR *dir = opendir(d);
	if (!dir)
		return;
	int dfd = dirfd(dir);
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, base, bl) == 0)
			unlinkat(dfd, de->d_name, 0);
	}
	closedir(dir);
}

int vault_save(struct vault *v)
{
	if (!v->path || v->lock_fd < 0)
		return HUSH_EINVAL;
	remove_stale_temps(v->path);
	uint8_t *img = NULL;
	size_t len = 0;
	sodium_mprotect_readonly(v->key);
	int r = vault_image_build(v, &img, &len);
	sodium_mprotect_noaccess(v->key);
	if (r)
		return r;
	char bak[4096];
	if (xsnprintf(bak, sizeof(bak), "%s.bak", v->path)) {
		free(img);
		return HUSH_ETOOBIG;
	}
	r = file_write_atomic(v->path, img, len, 0600, bak);
	free(img);
	return r;
}

/* v's key derived from the passphrase in unlock with kdf (the default
 * when NULL) and a new salt, both kept in v. 0 or HUSH_E*. */
static int passphrase_key(struct vault *v, const struct vault_unlock *unlock,
			  const struct vault_kdf *kdf)
{
	if (kdf)
		v->info.kdf = *kdf;
	else
		vault_kdf_default(&v->info.kdf, 0);
	randombytes_buf(v->salt, VAULT_SALT_BYTES);
	return vault_derive(&v->info.kdf, v->salt, unlock->passphrase, unlock->passphrase_len, v->key);
}

int vault_create(const char *path, enum vault_key_source source,
		 const struct vault_unlock *unlock, const struct vault_kdf *kdf,
		 struct vault **out)
{
	if (source != VAULT_KEY_PASSPHRASE && source != VAULT_KEY_KEYRING)
		return HUSH_EINVAL;
	struct vault *v = vault_new();
	if (!v)
		return HUSH_ENOMEM;
	v->path = strdup(path);
	int r = v->path ? 0 : HUSH_ENOMEM;
	if (!r)
		r = lock_take(path, &v->lock_fd);
	if (r)
		goto fail;
	struct stat st;
	if (lstat(path, &st) == 0) {
		r = HUSH_EEXIST;
		goto fail;
	}
	v->info.version = VAULT_FORMAT_VERSION;
	v->info.source = source;
	randombytes_buf(v->info.id, VAULT_ID_BYTES);
	if (source == VAULT_KEY_PASSPHRASE) {
		if (!unlock || !unlock->passphrase || unlock->passphrase_len == 0) {
			r = HUSH_EINVAL;
			goto fail;
		}
		r = passphrase_key(v, unlock, kdf);
		if (!r)
			r = vault_save(v);
		if (r)
			goto fail;
	} else {
		randombytes_buf(v->key, VAULT_KEY_BYTES);
		r = keyring_store(v->info.id, v->key, NULL, 0);
		if (r)
			goto fail;
		r = vault_save(v);
		if (r) {
			keyring_delete(v->info.id);
			goto fail;
		}
	}
	*out = v;
	return 0;
fail:
	vault_close(v);
	return r;
}

int vault_rekey(struct vault *v, enum vault_key_source source,
		const struct vault_unlock *unlock, const struct vault_kdf *kdf)
{
	if (v->lock_fd < 0 || !v->path)
		return HUSH_EINVAL;
	if (source != VAULT_KEY_PASSPHRASE && source != VAULT_KEY_KEYRING)
		return HUSH_EINVAL;
	struct vault_info old_info = v->info;
	uint8_t old_salt[VAULT_SALT_BYTES];
	memcpy(old_salt, v->salt, sizeof(old_salt));
	uint8_t *old_key = sodium_malloc(VAULT_KEY_BYTES);
	if (!old_key)
		return HUSH_ENOMEM;
	sodium_mprotect_readwrite(v->key);
	memcpy(old_key, v->key, VAULT_KEY_BYTES);
	int r;
	if (source == VAULT_KEY_PASSPHRASE) {
		if (!unlock || !unlock->passphrase || unlock->passphrase_len == 0) {
			sodium_mprotect_noaccess(v->key);
			sodium_free(old_key);
			return HUSH_EINVAL;
		}
		v->info.source = VAULT_KEY_PASSPHRASE;
		r = passphrase_key(v, unlock, kdf);
	} else {
		/* A new id, so the old keyring item (if any) stays valid until
		 * the new file is in place. */
		v->info.source = VAULT_KEY_KEYRING;
		v->info.kdf.opslimit = v->info.kdf.memlimit = 0;
		memset(v->salt, 0, sizeof(v->salt));
		randombytes_buf(v->info.id, VAULT_ID_BYTES);
		randombytes_buf(v->key, VAULT_KEY_BYTES);
		r = keyring_store(v->info.id, v->key, NULL, 0);
	}
	if (!r)
		r = vault_save(v);
	sodium_mprotect_readwrite(v->key); /* vault_save() left it locked */
	if (r) {
		if (source == VAULT_KEY_KEYRING && v->info.source == VAULT_KEY_KEYRING &&
		    memcmp(v->info.id, old_info.id, VAULT_ID_BYTES) != 0)
			keyring_delete(v->info.id);
		v->info = old_info;
		memcpy(v->salt, old_salt, sizeof(old_salt));
		memcpy(v->key, old_key, VAULT_KEY_BYTES);
	} else if (old_info.source == VAULT_KEY_KEYRING &&
		   (v->info.source != VAULT_KEY_KEYRING ||
		    memcmp(old_info.id, v->info.id, VAULT_ID_BYTES) != 0)) {
		/* The new file is in place: the old key opens nothing now. */
		keyring_delete(old_info.id);
	}
	sodium_mprotect_noaccess(v->key);
	sodium_free(old_key);
	return r;
}

