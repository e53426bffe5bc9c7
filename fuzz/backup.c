/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the sealed backup parser (vault/backup.c).
 *
 * The first input byte picks what the rest is fed to:
 *   0: backup_parse() of the bytes as a whole file image with a fixed key;
 *   1: the bytes are sealed as a valid header + ciphertext of that
 *      plaintext under the fixed key, so the inner decoder is reached.
 * Built by `make fuzz` with ASan+UBSan. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "vault/backup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t fixed_key[VAULT_KEY_BYTES] = {
	9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

static void check(const uint8_t *img, size_t len)
{
	struct backup b;
	if (backup_parse(img, len, fixed_key, &b) == 0) {
		if (b.path[0] != '/' || b.data[b.len] != 0 || (b.mode & ~07777u))
			abort();
		backup_free(&b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (sodium_init() < 0 || size < 1)
		return 0;
	if (data[0] == 0) {
		check(data + 1, size - 1);
		return 0;
	}
	/* header: magic, version 1, zero nonce; body: the input sealed */
	size_t plen = size - 1, hdr = 8 + 2 + 24;
	uint8_t *img = malloc(hdr + plen + 16);
	if (!img)
		return 0;
	memcpy(img, "HUSHBAK", 8);
	img[8] = 0;
	img[9] = 1;
	memset(img + 10, 0, 24);
	uint8_t key[32];
	crypto_kdf_derive_from_key(key, 32, 1, "hushbkp1", fixed_key);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(img + hdr, &clen, data + 1, plen, img, hdr, NULL,
						   img + 10, key);
	check(img, hdr + (size_t)clen);
	free(img);
	return 0;
}
