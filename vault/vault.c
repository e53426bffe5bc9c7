/* SPDX-License-Identifier: ISC */
/* The encrypted vault: file format (vault/FORMAT.md), authenticated
 * encryption and the in-memory entry table. Opening, locking, saving and
 * re-keying the file are vault/file.c. */
#include "vault/vault.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "common/array.h"
#include "common/buf.h"
#include "common/util.h"
#include "vault/vault_int.h"

static const uint8_t vault_magic[8] = { 'H', 'U', 'S', 'H', 'V', 'L', 'T', 0 };

/* Offsets of the header fields (FORMAT.md, "Header"). */
enum {
	OFF_MAGIC = 0,
	OFF_VERSION = 8,
	OFF_SOURCE = 10,
	OFF_OPS = 11,
	OFF_MEM = 19,
	OFF_SALT = 27,
	OFF_ID = 43,
	OFF_CHECK = 59,
	OFF_NONCE = 75,
	VAULT_HEADER_LEN = 99,
};
#define VAULT_CHECK_BYTES 16
#define VAULT_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define VAULT_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define VAULT_PAD 256

_Static_assert(VAULT_NONCE_BYTES == 24, "XChaCha20 nonce is 24 bytes");
_Static_assert(VAULT_HEADER_LEN == OFF_NONCE + VAULT_NONCE_BYTES, "header layout");

/* --- small helpers --- */

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static void key_check(const uint8_t *key, uint8_t out[VAULT_CHECK_BYTES])
{
	static const char ctx[] = "hush vault key check v1";
	crypto_generichash(out, VAULT_CHECK_BYTES, (const uint8_t *)ctx, sizeof(ctx) - 1,
			   key, VAULT_KEY_BYTES);
}

const char *vault_origin_name(enum vault_origin o)
{
	switch (o) {
	case VAULT_ORIGIN_SET: return "set";
	case VAULT_ORIGIN_IMPORT: return "import";
	case VAULT_ORIGIN_MIGRATE: return "migrate";
	case VAULT_ORIGIN_BROKER: return "broker";
	default: return "unknown";
	}
}

static bool origin_valid(unsigned o)
{
	return o >= VAULT_ORIGIN_SET && o <= VAULT_ORIGIN_BROKER;
}

/* --- header --- */

/* Checks a header image; fills info and salt. */
int vault_header_parse(const uint8_t *h, size_t len, struct vault_info *info,
			uint8_t salt[VAULT_SALT_BYTES])
{
	if (len < sizeof(vault_magic) || memcmp(h, vault_magic, sizeof(vault_magic)) != 0)
		return HUSH_EFORMAT;
	if (len < OFF_SOURCE)
		return HUSH_EFORMAT;
	uint16_t version = (uint16_t)((h[OFF_VERSION] << 8) | h[OFF_VERSION + 1]);
	if (version != VAULT_FORMAT_VERSION)
		return HUSH_EVERSION;
	if (len < VAULT_HEADER_LEN)
		return HUSH_EFORMAT;
	memset(info, 0, sizeof(*info));
	info->version = version;
	uint8_t src = h[OFF_SOURCE];
	uint64_t ops = get_be64(h + OFF_OPS), mem = get_be64(h + OFF_MEM);
	if (src == VAULT_KEY_PASSPHRASE) {
		if (ops < VAULT_KDF_OPS_MIN || ops > VAULT_KDF_OPS_MAX ||
		    mem < VAULT_KDF_MEM_MIN || mem > VAULT_KDF_MEM_MAX)
			return HUSH_EFORMAT;
	} else if (src == VAULT_KEY_KEYRING) {
		if (ops != 0 || mem != 0)
			return HUSH_EFORMAT;
	} else {
		return HUSH_EFORMAT;
	}
	info->source = (enum vault_key_source)src;
	info->kdf.opslimit = ops;
	info->kdf.memlimit = mem;
	memcpy(info->id, h + OFF_ID, VAULT_ID_BYTES);
	if (salt)
		memcpy(salt, h + OFF_SALT, VAULT_SALT_BYTES);
	return 0;
}

static void header_build(const struct vault *v, const uint8_t nonce[VAULT_NONCE_BYTES],
			 uint8_t h[VAULT_HEADER_LEN])
{
	memcpy(h + OFF_MAGIC, vault_magic, sizeof(vault_magic));
	h[OFF_VERSION] = (uint8_t)(VAULT_FORMAT_VERSION >> 8);
	h[OFF_VERSION + 1] = (uint8_t)VAULT_FORMAT_VERSION;
	h[OFF_SOURCE] = (uint8_t)v->info.source;
	put_be64(h + OFF_OPS, v->info.kdf.opslimit);
	put_be64(h + OFF_MEM, v->info.kdf.memlimit);
	memcpy(h + OFF_SALT, v->salt, VAULT_SALT_BYTES);
	memcpy(h + OFF_ID, v->info.id, VAULT_ID_BYTES);
	key_check(v->key, h + OFF_CHECK);
	memcpy(h + OFF_NONCE, nonce, VAULT_NONCE_BYTES);
}

/* Opens the vault file at path with the checks every reader needs (no
 * symlinks, regular file, at most VAULT_MAX_FILE bytes). */
int vault_open_file(const char *path, int *fd, uint64_t *size)
{
	int r = file_open_regular(path, VAULT_MAX_FILE, false, fd, size);
	return r == HUSH_EINVAL ? HUSH_EFORMAT : r;
}

int vault_probe(const char *path, struct vault_info *info)
{
	_cleanup_fd_ int fd = -1;
	uint64_t size;
	int r = vault_open_file(path, &fd, &size);
	if (r)
		return r;
	uint8_t h[VAULT_HEADER_LEN];
	ssize_t n = read_full(fd, h, sizeof(h));
	if (n < 0)
		return HUSH_EIO;
	r = vault_header_parse(h, (size_t)n, info, NULL);
	if (r == 0 && size < VAULT_HEADER_LEN + VAULT_TAG_BYTES)
		return HUSH_EFORMAT;
	return r;
}

/* --- KDF --- */

static uint64_t env_test_ops(void)
{
	const char *s = getenv("HUSH_TEST_KDF_OPS");
	if (!s || !*s)
		return 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || v < VAULT_KDF_OPS_MIN || v > VAULT_KDF_OPS_MAX)
		return 0;
	return (uint64_t)v;
}

void vault_kdf_default(struct vault_kdf *kdf, unsigned target_ms)
{
	kdf->memlimit = VAULT_KDF_MEM_MIN;
	uint64_t test_ops = env_test_ops();
	if (test_ops) {
		kdf->opslimit = test_ops;
		return;
	}
	if (target_ms == 0)
		target_ms = 500;
	/* Argon2id's time is a fixed part (allocating and faulting in the
	 * memory) plus a part linear in opslimit: time ops=1 and ops=3 and
	 * solve for the opslimit that lands on target_ms. */
	static const char pw[] = "hush kdf calibration";
	uint8_t salt[crypto_pwhash_SALTBYTES] = { 0 };
	uint8_t out[32];
	uint64_t t[2] = { 0, 0 };
	static const unsigned long long trial_ops[2] = { 1, 3 };
	int r = 0;
	for (int i = 0; i < 2 && r == 0; i++) {
		uint64_t t0 = time_mono_ms();
		r = crypto_pwhash(out, sizeof(out), pw, sizeof(pw) - 1, salt, trial_ops[i],
				  (size_t)kdf->memlimit, crypto_pwhash_ALG_ARGON2ID13);
		t[i] = time_mono_ms() - t0;
	}
	sodium_memzero(out, sizeof(out));
	uint64_t ops = 3;
	if (r == 0) {
		uint64_t per = t[1] > t[0] ? (t[1] - t[0]) / 2 : 1;
		if (per == 0)
			per = 1;
		uint64_t fixed = t[0] > per ? t[0] - per : 0;
		ops = target_ms > fixed ? (target_ms - fixed) / per : 0;
	}
	if (ops < VAULT_KDF_OPS_DEFAULT_MIN)
		ops = VAULT_KDF_OPS_DEFAULT_MIN;
	if (ops > VAULT_KDF_OPS_DEFAULT_MAX)
		ops = VAULT_KDF_OPS_DEFAULT_MAX;
	kdf->opslimit = ops;
}

int vault_derive(const struct vault_kdf *kdf, const uint8_t salt[VAULT_SALT_BYTES],
		  const char *pass, size_t passlen, uint8_t *key)
{
	if (!pass || passlen == 0)
		return HUSH_EINVAL;
	if (kdf->opslimit < VAULT_KDF_OPS_MIN || kdf->opslimit > VAULT_KDF_OPS_MAX ||
	    kdf->memlimit < VAULT_KDF_MEM_MIN || kdf->memlimit > VAULT_KDF_MEM_MAX)
		return HUSH_EINVAL;
	_Static_assert(VAULT_SALT_BYTES == crypto_pwhash_SALTBYTES, "salt size");
	if (crypto_pwhash(key, VAULT_KEY_BYTES, pass, passlen, salt, kdf->opslimit,
			  (size_t)kdf->memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return HUSH_ENOMEM;
	return 0;
}

int vault_derive_key(const char *path, const char *pass, size_t passlen, uint8_t *key)
{
	_cleanup_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? HUSH_ENOENT : HUSH_EIO;
	uint8_t h[VAULT_HEADER_LEN];
	ssize_t n = read_full(fd, h, sizeof(h));
	if (n < 0)
		return HUSH_EIO;
	struct vault_info info;
	uint8_t salt[VAULT_SALT_BYTES];
	int r = vault_header_parse(h, (size_t)n, &info, salt);
	if (r)
		return r;
	if (info.source != VAULT_KEY_PASSPHRASE)
		return HUSH_EINVAL;
	r = vault_derive(&info.kdf, salt, pass, passlen, key);
	if (r)
		return r;
	uint8_t chk[VAULT_CHECK_BYTES];
	key_check(key, chk);
	if (sodium_memcmp(chk, h + OFF_CHECK, VAULT_CHECK_BYTES) != 0) {
		sodium_memzero(key, VAULT_KEY_BYTES);
		return HUSH_EAUTH;
	}
	return 0;
}

/* --- the entry table --- */

struct vault *vault_new(void)
{
	struct vault *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->lock_fd = -1;
	v->key = sodium_malloc(VAULT_KEY_BYTES);
	if (!v->key) {
		free(v);
		return NULL;
	}
	return v;
}

static void entry_free(struct ventry *e)
{
	if (e->own_name)
		free(e->name);
	if (e->value) {
		sodium_memzero(e->value, e->value_len);
		if (e->own)
			sodium_free(e->value);
	}
	memset(e, 0, sizeof(*e));
}

static void entries_clear(struct vault *v)
{
	for (size_t i = 0; i < v->n; i++)
		entry_free(&v->e[i]);
	free(v->e);
	v->e = NULL;
	v->n = v->cap = 0;
	if (v->arena)
		sodium_free(v->arena);
	v->arena = NULL;
	v->arena_len = 0;
}

void vault_close(struct vault *v)
{
	if (!v)
		return;
	entries_clear(v);
	if (v->key)
		sodium_free(v->key);
	if (v->lock_fd >= 0)
		close(v->lock_fd); /* releases the flock */
	free(v->path);
	sodium_memzero(v, sizeof(*v));
	free(v);
}

/* Binary search: index of name, or -(insertion point) - 1. */
static ssize_t entry_find(const struct vault *v, const char *name)
{
	size_t lo = 0, hi = v->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v->e[mid].name, name);
		if (c == 0)
			return (ssize_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(ssize_t)lo - 1;
}

int vault_get(struct vault *v, const char *name, const char **value, size_t *len)
{
	if (!name)
		return HUSH_ENAME;
	ssize_t i = entry_find(v, name);
	if (i < 0)
		return HUSH_ENOENT;
	*value = v->e[i].value;
	*len = v->e[i].value_len;
	return 0;
}

int vault_set(struct vault *v, const char *name, const char *value, size_t len,
	      enum vault_origin origin)
{
	if (!name || !env_name_valid(name))
		return HUSH_ENAME;
	if (len > VAULT_MAX_VALUE)
		return HUSH_ETOOBIG;
	if (!origin_valid((unsigned)origin))
		return HUSH_EINVAL;
	char *nv = sodium_malloc(len + 1);
	if (!nv)
		return HUSH_ENOMEM;
	if (len)
		memcpy(nv, value, len);
	nv[len] = 0;
	int64_t now = time_now();
	ssize_t i = entry_find(v, name);
	if (i >= 0) {
		struct ventry *e = &v->e[i];
		sodium_memzero(e->value, e->value_len);
		if (e->own)
			sodium_free(e->value);
		e->value = nv;
		e->value_len = len;
		e->own = true;
		e->updated = now;
		e->origin = (uint8_t)origin;
		return 0;
	}
	if (v->n >= VAULT_MAX_ENTRIES ||
	    array_grow(&v->e, &v->cap, v->n + 1, sizeof(*v->e), 16) != 0) {
		sodium_free(nv);
		return v->n >= VAULT_MAX_ENTRIES ? HUSH_ETOOBIG : HUSH_ENOMEM;
	}
	char *nm = strdup(name);
	if (!nm) {
		sodium_free(nv);
		return HUSH_ENOMEM;
	}
	size_t at = (size_t)(-i - 1);
	memmove(&v->e[at + 1], &v->e[at], (v->n - at) * sizeof(*v->e));
	v->e[at] = (struct ventry){ .name = nm, .value = nv, .value_len = len,
				    .created = now, .updated = now,
				    .origin = (uint8_t)origin, .own = true, .own_name = true };
	v->n++;
	return 0;
}

int vault_remove(struct vault *v, const char *name)
{
	if (!name)
		return HUSH_ENAME;
	ssize_t i = entry_find(v, name);
	if (i < 0)
		return HUSH_ENOENT;
	entry_free(&v->e[i]);
	memmove(&v->e[i], &v->e[i + 1], (v->n - (size_t)i - 1) * sizeof(*v->e));
	v->n--;
	return 0;
}

size_t vault_count(const struct vault *v)
{
	return v->n;
}

int vault_entry(const struct vault *v, size_t i, struct vault_entry_info *info)
{
	if (i >= v->n)
		return HUSH_ENOENT;
	const struct ventry *e = &v->e[i];
	info->name = e->name;
	info->created = e->created;
	info->updated = e->updated;
	info->origin = (enum vault_origin)e->origin;
	info->value_len = e->value_len;
	return 0;
}

const struct vault_info *vault_get_info(const struct vault *v)
{
	return &v->info;
}

void vault_copy_key(const struct vault *v, uint8_t *key)
{
	sodium_mprotect_readonly(v->key);
	memcpy(key, v->key, VAULT_KEY_BYTES);
	sodium_mprotect_noaccess(v->key);
}

/* --- plaintext encoding (FORMAT.md, "Contents") --- */

/* Decodes the table in p[len], which becomes the arena: names and values
 * stay where they are and get their NUL terminators written in place, over
 * the first byte of the field that follows them, once that field has been
 * read (a name is followed by the value's length, a value by its times). */
static int decode_inplace(struct vault *v, uint8_t *p, size_t len)
{
	struct buf b;
	buf_view(&b, p, len);
	uint32_t count;
	if (buf_get_u32(&b, &count))
		return HUSH_EFORMAT;
	if (count > VAULT_MAX_ENTRIES)
		return HUSH_EFORMAT;
	/* Every entry takes at least 4+1+4+8+8+1 bytes: reject a count the
	 * input cannot hold before allocating for it. */
	if ((uint64_t)count * 26 > buf_remaining(&b))
		return HUSH_EFORMAT;
	if (array_grow(&v->e, &v->cap, count, sizeof(*v->e), 16))
		return HUSH_ENOMEM;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *np, *vp;
		size_t nn, vn;
		uint64_t created, updated;
		uint8_t origin;
		if (buf_get_data_ref(&b, &np, &nn, HUSH_MAX_NAME - 1) ||
		    buf_get_data_ref(&b, &vp, &vn, VAULT_MAX_VALUE) ||
		    buf_get_u64(&b, &created) || buf_get_u64(&b, &updated) ||
		    buf_get_u8(&b, &origin))
			return HUSH_EFORMAT;
		if (!origin_valid(origin) || nn == 0 || memchr(np, 0, nn))
			return HUSH_EFORMAT;
		char *name = (char *)p + (np - p);
		char *val = (char *)p + (vp - p);
		name[nn] = 0;
		val[vn] = 0;
		/* Names are valid and strictly increasing: sorted, unique. */
		if (!env_name_valid(name) || (v->n && strcmp(v->e[v->n - 1].name, name) >= 0))
			return HUSH_EFORMAT;
		v->e[v->n++] = (struct ventry){ .name = name, .value = val, .value_len = vn,
						.created = (int64_t)created,
						.updated = (int64_t)updated,
						.origin = origin, .own = false, .own_name = false };
	}
	/* What follows the entries is zero padding, never data. */
	const uint8_t *rest = buf_cur(&b);
	for (size_t i = 0; i < buf_remaining(&b); i++)
		if (rest[i] != 0)
			return HUSH_EFORMAT;
	return 0;
}

int vault_decode_entries(struct vault *v, const uint8_t *plain, size_t len)
{
	if (v->n || v->arena)
		return HUSH_EINVAL;
	v->arena = sodium_malloc(len + 1);
	if (!v->arena)
		return HUSH_ENOMEM;
	v->arena_len = len + 1;
	if (len)
		memcpy(v->arena, plain, len);
	int r = decode_inplace(v, (uint8_t *)v->arena, len);
	if (r)
		entries_clear(v);
	return r;
}

static int encode_entries(const struct vault *v, struct buf *out)
{
	size_t need = 4;
	for (size_t i = 0; i < v->n; i++)
		need += 4 + strlen(v->e[i].name) + 4 + v->e[i].value_len + 8 + 8 + 1;
	size_t padded = (need + VAULT_PAD - 1) / VAULT_PAD * VAULT_PAD;
	if (padded + VAULT_HEADER_LEN + VAULT_TAG_BYTES > VAULT_MAX_FILE)
		return HUSH_ETOOBIG;
	buf_init(out, padded, true);
	int r = buf_put_u32(out, (uint32_t)v->n);
	for (size_t i = 0; r == 0 && i < v->n; i++) {
		const struct ventry *e = &v->e[i];
		r = buf_put_str(out, e->name);
		if (!r)
			r = buf_put_data(out, e->value, e->value_len);
		if (!r)
			r = buf_put_u64(out, (uint64_t)e->created);
		if (!r)
			r = buf_put_u64(out, (uint64_t)e->updated);
		if (!r)
			r = buf_put_u8(out, e->origin);
	}
	if (!r && out->len < padded) {
		uint8_t *p = buf_reserve(out, padded - out->len);
		if (!p)
			r = HUSH_ENOMEM;
		else
			memset(p, 0, (size_t)(out->data + out->len - p));
	}
	if (r)
		buf_free(out);
	return r;
}

/* --- whole images --- */

/* Decrypts and decodes an image into v (key already in v->key). img is a
 * sodium_malloc'd block of at least len + 1 bytes that v takes over in every
 * case: it is decrypted in place and becomes the arena the entries point
 * into, so a large vault costs one buffer, not three. */
int vault_image_parse(struct vault *v, uint8_t *img, size_t len)
{
	int r = 0;
	if (len > VAULT_MAX_FILE)
		r = HUSH_ETOOBIG;
	if (!r)
		r = vault_header_parse(img, len, &v->info, v->salt);
	if (!r && len < VAULT_HEADER_LEN + VAULT_TAG_BYTES)
		r = HUSH_EFORMAT;
	if (!r) {
		uint8_t chk[VAULT_CHECK_BYTES];
		key_check(v->key, chk);
		if (sodium_memcmp(chk, img + OFF_CHECK, VAULT_CHECK_BYTES) != 0)
			r = HUSH_EAUTH;
	}
	unsigned long long got = 0;
	if (!r && crypto_aead_xchacha20poly1305_ietf_decrypt(
			  img + VAULT_HEADER_LEN, &got, NULL, img + VAULT_HEADER_LEN,
			  len - VAULT_HEADER_LEN, img, VAULT_HEADER_LEN, img + OFF_NONCE,
			  v->key) != 0)
		r = HUSH_EFORMAT; /* the key is right (its check matched): the file changed */
	entries_clear(v);
	v->arena = (char *)img;
	v->arena_len = len + 1;
	if (!r)
		r = decode_inplace(v, img + VAULT_HEADER_LEN, (size_t)got);
	if (r)
		entries_clear(v);
	return r;
}

int vault_parse(const uint8_t *data, size_t len, const uint8_t *key, struct vault **out)
{
	struct vault *v = vault_new();
	if (!v)
		return HUSH_ENOMEM;
	memcpy(v->key, key, VAULT_KEY_BYTES);
	if (len > VAULT_MAX_FILE) {
		vault_close(v);
		return HUSH_ETOOBIG;
	}
	uint8_t *img = sodium_malloc(len + 1);
	if (!img) {
		vault_close(v);
		return HUSH_ENOMEM;
	}
	if (len)
		memcpy(img, data, len);
	int r = vault_image_parse(v, img, len);
	if (r) {
		vault_close(v);
		return r;
	}
	sodium_mprotect_noaccess(v->key);
	*out = v;
	return 0;
}

/* Builds the file image: header + ciphertext, malloc'd into *out. */
int vault_image_build(const struct vault *v, uint8_t **out, size_t *outlen)
{
	struct buf plain;
	int r = encode_entries(v, &plain);
	if (r)
		return r;
	size_t total = VAULT_HEADER_LEN + plain.len + VAULT_TAG_BYTES;
	uint8_t *img = malloc(total);
	if (!img) {
		buf_free(&plain);
		return HUSH_ENOMEM;
	}
	uint8_t nonce[VAULT_NONCE_BYTES];
	randombytes_buf(nonce, sizeof(nonce));
	header_build(v, nonce, img);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(img + VAULT_HEADER_LEN, &clen, plain.data,
						   plain.len, img, VAULT_HEADER_LEN, NULL,
						   nonce, v->key);
	buf_free(&plain);
	*out = img;
	*outlen = VAULT_HEADER_LEN + (size_t)clen;
	return 0;
}

struct vault *vault_new_empty(void)
{
	struct vault *v = vault_new();
	if (v) {
		memset(v->key, 0, VAULT_KEY_BYTES);
		sodium_mprotect_noaccess(v->key);
	}
	return v;
}
