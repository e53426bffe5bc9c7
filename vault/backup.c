/* SPDX-License-Identifier: ISC */
/* Encrypted backups of rewritten files (see backup.h, FORMAT.md "Backups"). */
#include "vault/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/util.h"

#define BACKUP_MAGIC "HUSHBAK"   /* 7 bytes + NUL = 8 */
#define BACKUP_VERSION 1
#define BACKUP_HDR (8 + 2 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
#define BACKUP_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define BACKUP_SUFFIX ".hbk"
/* Everything a sealed file may hold besides the data itself. */
#define BACKUP_MAX_IMAGE (BACKUP_MAX_DATA + BACKUP_MAX_PATH + 256)

/* The backup key: a subkey of the vault key, so a backup opens only with
 * the vault it was made for and the vault key itself is never reused as is. */
static void backup_key(const uint8_t vkey[VAULT_KEY_BYTES], uint8_t out[32])
{
	crypto_kdf_derive_from_key(out, 32, 1, "hushbkp1", vkey);
}

int backup_dir(char *out, size_t n)
{
	char data[BACKUP_MAX_PATH];
	int rc = path_data(data, sizeof(data));
	if (rc)
		return rc;
	return xsnprintf(out, n, "%s/backups", data);
}

static int seal(const uint8_t vkey[VAULT_KEY_BYTES], const struct backup *b, struct buf *img)
{
	struct buf plain;
	buf_init(&plain, BACKUP_MAX_IMAGE, true);
	int rc = buf_put_str(&plain, b->path);
	if (!rc) rc = buf_put_u32(&plain, (uint32_t)b->mode);
	if (!rc) rc = buf_put_u32(&plain, (uint32_t)b->uid);
	if (!rc) rc = buf_put_u32(&plain, (uint32_t)b->gid);
	if (!rc) rc = buf_put_u64(&plain, (uint64_t)b->time_ns);
	if (!rc) rc = buf_put_data(&plain, b->data, b->len);
	if (rc) {
		buf_free(&plain);
		return rc;
	}
	buf_init(img, BACKUP_MAX_IMAGE + BACKUP_HDR + BACKUP_TAG, false);
	uint8_t nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	randombytes_buf(nonce, sizeof(nonce));
	rc = buf_put_bytes(img, BACKUP_MAGIC, 8);
	if (!rc) rc = buf_put_u16(img, BACKUP_VERSION);
	if (!rc) rc = buf_put_bytes(img, nonce, sizeof(nonce));
	uint8_t *ct = rc ? NULL : buf_reserve(img, plain.len + BACKUP_TAG);
	if (!ct) {
		buf_free(&plain);
		buf_free(img);
		return rc ? rc : HUSH_ETOOBIG;
	}
	uint8_t key[32];
	backup_key(vkey, key);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &clen, plain.data, plain.len, img->data,
						   BACKUP_HDR, NULL, nonce, key);
	sodium_memzero(key, sizeof(key));
	img->len = BACKUP_HDR + (size_t)clen;
	buf_free(&plain);
	return 0;
}

int backup_parse(const uint8_t *img, size_t len, const uint8_t vkey[VAULT_KEY_BYTES],
		 struct backup *b)
{
	memset(b, 0, sizeof(*b));
	if (len > BACKUP_MAX_IMAGE + BACKUP_HDR + BACKUP_TAG)
		return HUSH_ETOOBIG;
	if (len < BACKUP_HDR + BACKUP_TAG || memcmp(img, BACKUP_MAGIC, 8) != 0)
		return HUSH_EFORMAT;
	if (((unsigned)img[8] << 8 | img[9]) != BACKUP_VERSION)
		return HUSH_EVERSION;
	size_t plen = len - BACKUP_HDR - BACKUP_TAG;
	uint8_t *plain = sodium_malloc(plen + 1);
	if (!plain)
		return HUSH_ENOMEM;
	uint8_t key[32];
	backup_key(vkey, key);
	unsigned long long got;
	int dec = crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &got, NULL, img + BACKUP_HDR,
							     len - BACKUP_HDR, img, BACKUP_HDR,
							     img + 10, key);
	sodium_memzero(key, sizeof(key));
	if (dec != 0) {
		sodium_free(plain);
		return HUSH_EAUTH;
	}
	struct buf r;
	buf_view(&r, plain, (size_t)got);
	char *path = NULL;
	uint32_t mode = 0, uid = 0, gid = 0;
	uint64_t t = 0;
	const uint8_t *data = NULL;
	size_t dlen = 0;
	int rc = buf_get_str(&r, &path, BACKUP_MAX_PATH - 1, false);
	if (!rc) rc = buf_get_u32(&r, &mode);
	if (!rc) rc = buf_get_u32(&r, &uid);
	if (!rc) rc = buf_get_u32(&r, &gid);
	if (!rc) rc = buf_get_u64(&r, &t);
	if (!rc) rc = buf_get_data_ref(&r, &data, &dlen, BACKUP_MAX_DATA);
	if (!rc && (buf_remaining(&r) != 0 || path[0] != '/' || (mode & ~07777u)))
		rc = HUSH_EFORMAT;
	if (!rc && !(b->data = sodium_malloc(dlen + 1)))
		rc = HUSH_ENOMEM;
	if (!rc) {
		memcpy(b->data, data, dlen);
		b->data[dlen] = 0;
		b->len = dlen;
		snprintf(b->path, sizeof(b->path), "%s", path);
		b->mode = (mode_t)mode;
		b->uid = (uid_t)uid;
		b->gid = (gid_t)gid;
		b->time_ns = (int64_t)t;
	}
	free(path);
	sodium_free(plain);
	return rc == HUSH_ETOOBIG || rc == 0 || rc == HUSH_ENOMEM ? rc : HUSH_EFORMAT;
}

static int write_image(const char *file, const struct buf *img)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return HUSH_EIO;
	if (write_all(fd, img->data, img->len) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlink(file);
		errno = e;
		return HUSH_EIO;
	}
	if (close(fd) < 0 || fsync_parent_dir(file) < 0)
		return HUSH_EIO;
	return 0;
}

int backup_save(const char *dir, const uint8_t vkey[VAULT_KEY_BYTES], const char *path,
		const char *data, size_t len, const struct stat *st, char *file, size_t n)
{
	if (len > BACKUP_MAX_DATA || strlen(path) >= BACKUP_MAX_PATH)
		return HUSH_ETOOBIG;
	int rc = path_ensure_private_dir(dir);
	if (rc)
		return rc;
	struct backup b = { .mode = st->st_mode & 07777, .uid = st->st_uid, .gid = st->st_gid,
			    .data = (char *)data, .len = len };
	snprintf(b.path, sizeof(b.path), "%s", path);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	b.time_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	struct buf img;
	rc = seal(vkey, &b, &img);
	if (rc)
		return rc;
	/* The name says nothing about the file: a time for the human, random
	 * bytes for uniqueness. */
	struct tm tm;
	localtime_r(&ts.tv_sec, &tm);
	char stamp[32], name[BACKUP_MAX_PATH];
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	uint8_t rnd[8];
	char hex[2 * sizeof(rnd) + 1];
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	rc = xsnprintf(name, sizeof(name), "%s/%s-%s" BACKUP_SUFFIX, dir, stamp, hex);
	if (!rc)
		rc = write_image(name, &img);
	buf_free(&img);
	if (!rc && file)
		snprintf(file, n, "%s", name);
	return rc;
}

static int load_file(const char *file, const uint8_t vkey[VAULT_KEY_BYTES], struct backup *b)
{
	char *img = NULL;
	size_t len = 0;
	int rc = file_read_all(file, BACKUP_MAX_IMAGE + BACKUP_HDR + BACKUP_TAG, false, &img, &len);
	if (rc)
		return rc;
	rc = backup_parse((const uint8_t *)img, len, vkey, b);
	free(img);
	if (!rc)
		snprintf(b->file, sizeof(b->file), "%s", file);
	return rc;
}

int backup_each(const char *dir, const uint8_t vkey[VAULT_KEY_BYTES],
		int (*fn)(const struct backup *b, void *ctx), void *ctx, size_t *unreadable)
{
	if (unreadable)
		*unreadable = 0;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : HUSH_EIO;
	int rc = 0;
	size_t seen = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) && seen < BACKUP_MAX_FILES) {
		size_t l = strlen(de->d_name);
		if (l <= strlen(BACKUP_SUFFIX) || de->d_name[0] == '.' ||
		    strcmp(de->d_name + l - strlen(BACKUP_SUFFIX), BACKUP_SUFFIX) != 0)
			continue;
		seen++;
		char file[BACKUP_MAX_PATH];
		if (xsnprintf(file, sizeof(file), "%s/%s", dir, de->d_name))
			continue;
		struct backup b;
		if (load_file(file, vkey, &b) != 0) {
			if (unreadable)
				(*unreadable)++;
			continue;
		}
		rc = fn(&b, ctx);
		backup_free(&b);
	}
	closedir(d);
	return rc;
}

struct newest_ctx {
	const char *path;
	struct backup *out;
	bool found;
	int err;
};

static int newest_fn(const struct backup *b, void *ctx)
{
	struct newest_ctx *c = ctx;
	if (strcmp(b->path, c->path) != 0)
		return 0;
	if (c->found && (b->time_ns < c->out->time_ns ||
			 (b->time_ns == c->out->time_ns && strcmp(b->file, c->out->file) < 0)))
		return 0;
	char *copy = sodium_malloc(b->len + 1);
	if (!copy)
		return HUSH_ENOMEM;
	memcpy(copy, b->data, b->len + 1);
	if (c->found)
		backup_free(c->out);
	*c->out = *b;
	c->out->data = copy;
	c->found = true;
	return 0;
}

int backup_newest(const char *dir, const uint8_t vkey[VAULT_KEY_BYTES], const char *path,
		  struct backup *out)
{
	memset(out, 0, sizeof(*out));
	struct newest_ctx c = { .path = path, .out = out };
	int rc = backup_each(dir, vkey, newest_fn, &c, NULL);
	if (rc) {
		if (c.found)
			backup_free(out);
		return rc;
	}
	return c.found ? 0 : HUSH_ENOENT;
}

struct remove_ctx {
	const char *path;
	size_t removed;
};

static int remove_fn(const struct backup *b, void *ctx)
{
	struct remove_ctx *c = ctx;
	if (c->path && strcmp(b->path, c->path) != 0)
		return 0;
	if (unlink(b->file) < 0)
		return HUSH_EIO;
	c->removed++;
	return 0;
}

int backup_remove(const char *dir, const uint8_t vkey[VAULT_KEY_BYTES], const char *path,
		  size_t *removed)
{
	struct remove_ctx c = { .path = path };
	int rc = backup_each(dir, vkey, remove_fn, &c, NULL);
	if (removed)
		*removed = c.removed;
	return rc;
}

struct rekey_ctx {
	const uint8_t *newkey;
	size_t done;
};

static int rekey_fn(const struct backup *b, void *ctx)
{
	struct rekey_ctx *c = ctx;
	struct buf img;
	int rc = seal(c->newkey, b, &img);
	if (rc)
		return rc;
	char tmp[BACKUP_MAX_PATH + 16];
	rc = xsnprintf(tmp, sizeof(tmp), "%s.new", b->file);
	if (!rc) {
		unlink(tmp);
		rc = write_image(tmp, &img);
	}
	if (!rc && rename(tmp, b->file) < 0) {
		unlink(tmp);
		rc = HUSH_EIO;
	}
	buf_free(&img);
	if (!rc)
		c->done++;
	return rc;
}

int backup_rekey(const char *dir, const uint8_t oldkey[VAULT_KEY_BYTES],
		 const uint8_t newkey[VAULT_KEY_BYTES], size_t *done)
{
	struct rekey_ctx c = { .newkey = newkey };
	int rc = backup_each(dir, oldkey, rekey_fn, &c, NULL);
	if (done)
		*done = c.done;
	if (!rc && c.done)
		rc = fsync_parent_dir(dir) < 0 ? HUSH_EIO : 0;
	return rc;
}

int backup_reseal(const struct vault *v, uint8_t oldkey[VAULT_KEY_BYTES], char *dir, size_t n,
		  size_t *done)
{
	uint8_t newkey[VAULT_KEY_BYTES];
	vault_copy_key(v, newkey);
	*done = 0;
	int rc = backup_dir(dir, n) == 0 ? backup_rekey(dir, oldkey, newkey, done) : 0;
	sodium_memzero(oldkey, VAULT_KEY_BYTES);
	sodium_memzero(newkey, sizeof(newkey));
	return rc;
}

int backup_restore(const struct backup *b)
{
	int rc = file_write_atomic(b->path, b->data, b->len, b->mode, NULL);
	if (rc)
		return rc;
	if (geteuid() == 0 && lchown(b->path, b->uid, b->gid) < 0)
		return HUSH_EIO;
	return 0;
}

void backup_free(struct backup *b)
{
	if (b->data)
		sodium_free(b->data);
	b->data = NULL;
	b->len = 0;
}
