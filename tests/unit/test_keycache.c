/* SPDX-License-Identifier: ISC */
/* Unit tests for broker/keycache.c: the entry names of the vault are known
 * without decrypting it again while its file stays the same, and read
 * again when it is replaced (a save) or written in place; nothing without
 * the key. */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broker/keycache.h"
#include "common/err.h"
#include "common/util.h"
#include "vault/vault.h"
#include "t.h"

static const struct vault_kdf test_kdf = { .opslimit = 1, .memlimit = VAULT_KDF_MEM_MIN };
static const char pass[] = "correct horse";

static int add_entry(const char *path, const char *name)
{
	struct vault_unlock u = { .passphrase = pass, .passphrase_len = strlen(pass) };
	struct vault *v = NULL;
	int r = vault_open(path, &u, VAULT_WRITE, &v);
	if (!r)
		r = vault_set(v, name, "value", 5, VAULT_ORIGIN_SET);
	if (!r)
		r = vault_save(v);
	vault_close(v);
	return r;
}

/* Writes the file's own bytes back over it and puts its mtime back: only
 * its ctime says it was written. */
static int rewrite_in_place(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	struct stat st;
	if (stat(path, &st) || file_read_all(path, VAULT_MAX_FILE, false, &data, &len))
		return -1;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r = fd >= 0 && write(fd, data, len) == (ssize_t)len ? 0 : -1;
	struct timespec ts[2] = { st.st_atim, st.st_mtim };
	if (fd >= 0 && futimens(fd, ts))
		r = -1;
	if (fd >= 0)
		close(fd);
	free(data);
	return r;
}

static bool has(const char *name)
{
	bool h = false;
	return keycache_has_entry(name, &h) == 0 && h;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	char dir[] = "/tmp/hush-keycache-test.XXXXXX", path[256];
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/vault", dir);
	struct vault_unlock u = { .passphrase = pass, .passphrase_len = strlen(pass) };
	struct vault *v = NULL;
	ok(vault_create(path, VAULT_KEY_PASSPHRASE, &u, &test_kdf, &v) == 0 &&
	   vault_set(v, "A_KEY", "a", 1, VAULT_ORIGIN_SET) == 0 && vault_save(v) == 0, "vault");
	vault_close(v);
	ok(keycache_init(path) == 0, "key cache");

	bool h = true;
	ok(keycache_has_entry("A_KEY", &h) == HUSH_ELOCKED, "without the key nothing is known");
	ok(keycache_unlock_pass(pass, strlen(pass)) == 0, "unlocked");
	unsigned long d = keycache_decrypts();
	ok(d == 1, "unlocking opened the vault once");
	ok(has("A_KEY"), "an entry in the vault is known");
	ok(!has("B_KEY"), "one not in it is not");
	ok(keycache_decrypts() == d, "... both without opening the vault again");

	ok(add_entry(path, "B_KEY") == 0, "another writer saves an entry");
	ok(has("B_KEY"), "the new entry is known");
	ok(keycache_decrypts() == d + 1, "... after one open of the saved vault");
	ok(has("A_KEY") && !has("C_KEY") && keycache_decrypts() == d + 1,
	   "then known again without opening it");

	ok(rewrite_in_place(path) == 0, "the vault file is written in place, its mtime kept");
	ok(has("A_KEY") && keycache_decrypts() == d + 2, "... and is opened again");

	keycache_drop();
	ok(keycache_has_entry("A_KEY", &h) == HUSH_ELOCKED, "locked again: nothing is known");
	ok(keycache_decrypts() == d + 2, "... without opening the vault");
	keycache_free();

	t_rmtree(dir);
	return t_done();
}
