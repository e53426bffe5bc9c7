/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the vault parser.
 *
 * The first input byte picks what the rest is fed to:
 *   0: vault_parse() of the bytes as a whole file image with a fixed key
 *      (header checks, key check, authenticated decryption);
 *   1: vault_decode_entries() of the bytes as a decrypted entry table;
 *   2: the bytes are encrypted under a valid header with the fixed key and
 *      the image parsed, so the entry decoder is reached through the full
 *      path; a parsed vault is then walked and queried.
 * Built by `make fuzz` with ASan+UBSan. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "vault/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t fixed_key[VAULT_KEY_BYTES] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

static void walk(struct vault *v)
{
	size_t n = vault_count(v);
	for (size_t i = 0; i < n; i++) {
		struct vault_entry_info e;
		if (vault_entry(v, i, &e) != 0)
			abort();
		const char *val;
		size_t len;
		if (vault_get(v, e.name, &val, &len) != 0 || len != e.value_len || val[len] != 0)
			abort();
	}
	/* Changes on a parsed table keep it consistent. */
	vault_set(v, "FUZZ_NEW", "x", 1, VAULT_ORIGIN_SET);
	if (n) {
		struct vault_entry_info e;
		vault_entry(v, 0, &e);
		char name[VAULT_ID_BYTES * 8 + 1];
		size_t l = strlen(e.name);
		if (l < sizeof(name)) {
			memcpy(name, e.name, l + 1);
			if (vault_remove(v, name) != 0)
				abort();
		}
	}
}

/* Header for mode 2: keyring source (no KDF), zero salt/id/nonce. */
static size_t build_image(const uint8_t *plain, size_t plen, uint8_t *out)
{
	static const char ctx[] = "hush vault key check v1";
	uint8_t *h = out;
	memset(h, 0, 99);
	memcpy(h, "HUSHVLT", 8);
	h[9] = 1;
	h[10] = VAULT_KEY_KEYRING;
	crypto_generichash(h + 59, 16, (const uint8_t *)ctx, sizeof(ctx) - 1, fixed_key,
			   VAULT_KEY_BYTES);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 99, &clen, plain, plen, h, 99, NULL,
						   h + 75, fixed_key);
	return 99 + (size_t)clen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (sodium_init() < 0) /* once; later calls return at once */
		abort();
	if (size < 1)
		return 0;
	uint8_t mode = data[0] % 3;
	data++;
	size--;
	struct vault *v = NULL;
	if (mode == 0) {
		if (vault_parse(data, size, fixed_key, &v) == 0) {
			walk(v);
			vault_close(v);
		}
	} else if (mode == 1) {
		v = vault_new_empty();
		if (!v)
			return 0;
		if (vault_decode_entries(v, data, size) == 0)
			walk(v);
		vault_close(v);
	} else {
		uint8_t *img = malloc(size + 99 + 16);
		if (!img)
			return 0;
		size_t n = build_image(data, size, img);
		if (vault_parse(img, n, fixed_key, &v) == 0) {
			walk(v);
			vault_close(v);
		}
		free(img);
	}
	return 0;
}
