/* SPDX-License-Identifier: ISC */
/* Unit tests for vault/: round trip, every byte flip and every truncation
 * rejected, wrong passphrase, version and size checks, entry semantics, the
 * write lock, and saves interrupted by SIGKILL. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "vault/backup.h"
#include "vault/import.h"
#include "vault/passphrase.h"
#include "vault/show.h"
#include "vault/vault.h"
#include "t.h"

static char dir[256];
static char canary[64];

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static const struct vault_kdf test_kdf = { .opslimit = 1, .memlimit = VAULT_KDF_MEM_MIN };

static struct vault_unlock pw(const char *p)
{
	return (struct vault_unlock){ .passphrase = p, .passphrase_len = strlen(p) };
}

static int read_file(const char *p, uint8_t **data, size_t *len)
{
	return file_read_all(p, VAULT_MAX_FILE, false, (char **)data, len);
}

static bool mem_has(const uint8_t *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			return true;
	return false;
}

static void test_round_trip(void)
{
	char p[512];
	path_in(p, sizeof(p), "rt");
	struct vault_unlock u = pw("correct horse");
	struct vault *v = NULL;
	ok(vault_create(p, VAULT_KEY_PASSPHRASE, &u, &test_kdf, &v) == 0 && v, "create");
	if (!v)
		return;
	ok(vault_set(v, "API_TOKEN", canary, strlen(canary), VAULT_ORIGIN_SET) == 0, "set");
	ok(vault_set(v, "EMPTY", "", 0, VAULT_ORIGIN_IMPORT) == 0, "set empty value");
	static const char bin[] = { 'a', 0, 'b', '\n' };
	ok(vault_set(v, "BIN", bin, sizeof(bin), VAULT_ORIGIN_MIGRATE) == 0, "set binary value");
	ok(vault_save(v) == 0, "save");
	vault_close(v);

	struct stat st;
	ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600, "vault file is 0600");
	uint8_t *img = NULL;
	size_t len = 0;
	ok(read_file(p, &img, &len) == 0 && !mem_has(img, len, canary),
	   "canary not in the vault file");
	free(img);

	struct vault_info info;
	ok(vault_probe(p, &info) == 0 && info.version == 1 && info.source == VAULT_KEY_PASSPHRASE &&
	   info.kdf.opslimit == 1 && info.kdf.memlimit == VAULT_KDF_MEM_MIN, "probe reads header");

	v = NULL;
	ok(vault_open(p, &u, 0, &v) == 0 && v, "reopen with passphrase");
	if (!v)
		return;
	const char *val;
	size_t vl;
	ok(vault_get(v, "API_TOKEN", &val, &vl) == 0 && vl == strlen(canary) &&
	   !memcmp(val, canary, vl) && val[vl] == 0, "value round trip, NUL-terminated");
	ok(vault_get(v, "EMPTY", &val, &vl) == 0 && vl == 0, "empty value round trip");
	ok(vault_get(v, "BIN", &val, &vl) == 0 && vl == sizeof(bin) && !memcmp(val, bin, vl),
	   "binary value round trip");
	ok(vault_get(v, "NOPE", &val, &vl) == HUSH_ENOENT, "missing name is ENOENT");
	struct vault_entry_info e;
	ok(vault_count(v) == 3, "three entries");
	ok(vault_entry(v, 0, &e) == 0 && !strcmp(e.name, "API_TOKEN") &&
	   e.origin == VAULT_ORIGIN_SET && e.created > 0 && e.value_len == strlen(canary),
	   "entries in name order with metadata");
	ok(vault_entry(v, 1, &e) == 0 && !strcmp(e.name, "BIN") && e.origin == VAULT_ORIGIN_MIGRATE,
	   "origin kept");
	ok(vault_entry(v, 3, &e) == HUSH_ENOENT, "entry past end");
	ok(vault_save(v) == HUSH_EINVAL, "save without VAULT_WRITE refused");
	vault_close(v);

	uint8_t key[VAULT_KEY_BYTES];
	ok(vault_derive_key(p, "correct horse", 13, key) == 0, "derive key");
	struct vault_unlock ku = { .key = key };
	v = NULL;
	ok(vault_open(p, &ku, 0, &v) == 0, "open with the derived key");
	vault_close(v);
	ok(vault_derive_key(p, "wrong horse", 11, key) == HUSH_EAUTH, "derive with wrong passphrase");
}

static void test_wrong_passphrase(void)
{
	char p[512];
	path_in(p, sizeof(p), "rt");
	struct stat before, after;
	stat(p, &before);
	struct vault_unlock u = pw("Correct horse");
	struct vault *v = NULL;
	ok(vault_open(p, &u, VAULT_WRITE, &v) == HUSH_EAUTH && v == NULL, "wrong passphrase: EAUTH");
	uint8_t key[VAULT_KEY_BYTES];
	randombytes_buf(key, sizeof(key));
	struct vault_unlock ku = { .key = key };
	ok(vault_open(p, &ku, 0, &v) == HUSH_EAUTH, "wrong key: EAUTH");
	stat(p, &after);
	ok(before.st_size == after.st_size && before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
	   before.st_mtim.tv_nsec == after.st_mtim.tv_nsec && before.st_ino == after.st_ino,
	   "failed opens leave the file untouched");
}

static void test_tamper(void)
{
	char p[512];
	path_in(p, sizeof(p), "rt");
	uint8_t key[VAULT_KEY_BYTES];
	vault_derive_key(p, "correct horse", 13, key);
	uint8_t *img = NULL;
	size_t len = 0;
	if (read_file(p, &img, &len) != 0) {
		ok(0, "read vault image");
		return;
	}
	struct vault *v = NULL;
	ok(vault_parse(img, len, key, &v) == 0, "pristine image parses");
	vault_close(v);

	uint8_t *copy = malloc(len + 1);
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	size_t accepted = 0, checked = 0;
	bool leaked = false;
	for (size_t m = 0; m < sizeof(masks); m++) {
		for (size_t i = 0; i < len; i++) {
			memcpy(copy, img, len);
			copy[i] ^= masks[m];
			v = NULL;
			int r = vault_parse(copy, len, key, &v);
			checked++;
			if (r == 0) {
				accepted++;
				vault_close(v);
			}
			if (strstr(hush_strerror(r), canary))
				leaked = true;
		}
	}
	ok(accepted == 0 && checked == 3 * len, "every single-byte change rejected (%zu of %zu accepted)",
	   accepted, checked);
	ok(!leaked, "no error text carries the canary");

	accepted = 0;
	for (size_t n = 0; n < len; n++) {
		v = NULL;
		if (vault_parse(img, n, key, &v) == 0) {
			accepted++;
			vault_close(v);
		}
	}
	ok(accepted == 0, "truncation at every length rejected (%zu lengths)", len);
	memcpy(copy, img, len);
	copy[len] = 0;
	ok(vault_parse(copy, len + 1, key, &v) != 0, "an appended byte is rejected");

	/* Version 2 is refused as such, before any decryption. */
	memcpy(copy, img, len);
	copy[9] = 2;
	ok(vault_parse(copy, len, key, &v) == HUSH_EVERSION, "unknown version: EVERSION");
	char q[512];
	path_in(q, sizeof(q), "v2");
	file_write_atomic(q, copy, len, 0600, NULL);
	struct vault_info info;
	ok(vault_probe(q, &info) == HUSH_EVERSION, "probe: unknown version");
	/* Ciphertext change with the right key: damaged, not "wrong key". */
	memcpy(copy, img, len);
	copy[len - 1] ^= 1;
	ok(vault_parse(copy, len, key, &v) == HUSH_EFORMAT, "changed ciphertext: EFORMAT");
	memcpy(copy, img, len);
	copy[0] = 'X';
	ok(vault_parse(copy, len, key, &v) == HUSH_EFORMAT, "bad magic: EFORMAT");
	free(copy);
	free(img);

	/* Too large: refused from its size, before reading. */
	path_in(q, sizeof(q), "huge");
	int fd = open(q, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(fd >= 0 && ftruncate(fd, (off_t)VAULT_MAX_FILE + 1) == 0, "sparse huge file");
	close(fd);
	struct vault_unlock u = pw("x");
	v = NULL;
	ok(vault_probe(q, &info) == HUSH_ETOOBIG, "probe: too large");
	ok(vault_open(q, &u, 0, &v) == HUSH_ETOOBIG, "open: too large");
	path_in(q, sizeof(q), "absent");
	ok(vault_open(q, &u, 0, &v) == HUSH_ENOENT, "open: missing vault is ENOENT");
	path_in(q, sizeof(q), "link");
	ok(symlink(p, q) == 0 && vault_open(q, &u, 0, &v) != 0, "open: a symlinked vault is refused");
}

static void test_entries(void)
{
	struct vault *v = vault_new_empty();
	ok(v != NULL, "empty vault");
	if (!v)
		return;
	ok(vault_set(v, "1BAD", "x", 1, VAULT_ORIGIN_SET) == HUSH_ENAME, "name starting with digit");
	ok(vault_set(v, "A-B", "x", 1, VAULT_ORIGIN_SET) == HUSH_ENAME, "name with dash");
	ok(vault_set(v, "", "x", 1, VAULT_ORIGIN_SET) == HUSH_ENAME, "empty name");
	char longname[200];
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ok(vault_set(v, longname, "x", 1, VAULT_ORIGIN_SET) == HUSH_ENAME, "overlong name");
	char *big = calloc(1, VAULT_MAX_VALUE + 1);
	ok(vault_set(v, "BIG", big, VAULT_MAX_VALUE + 1, VAULT_ORIGIN_SET) == HUSH_ETOOBIG,
	   "value over the cap");
	ok(vault_set(v, "BIG", big, VAULT_MAX_VALUE, VAULT_ORIGIN_SET) == 0, "value at the cap");
	free(big);
	ok(vault_set(v, "X", "1", 1, 99) == HUSH_EINVAL, "bad origin");
	const char *names[] = { "ZED", "alpha", "Beta", "_u", "M1" };
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		vault_set(v, names[i], "v", 1, VAULT_ORIGIN_SET);
	bool sorted = true;
	struct vault_entry_info a, b;
	for (size_t i = 1; i < vault_count(v); i++) {
		vault_entry(v, i - 1, &a);
		vault_entry(v, i, &b);
		if (strcmp(a.name, b.name) >= 0)
			sorted = false;
	}
	ok(sorted && vault_count(v) == 6, "entries kept sorted and unique");
	ok(vault_set(v, "ZED", "new", 3, VAULT_ORIGIN_IMPORT) == 0 && vault_count(v) == 6,
	   "replace keeps the count");
	const char *val;
	size_t vl;
	ok(vault_get(v, "ZED", &val, &vl) == 0 && vl == 3 && !memcmp(val, "new", 3), "replaced value");
	ok(vault_remove(v, "ZED") == 0 && vault_get(v, "ZED", &val, &vl) == HUSH_ENOENT &&
	   vault_count(v) == 5, "remove");
	ok(vault_remove(v, "ZED") == HUSH_ENOENT, "remove twice: ENOENT");
	vault_close(v);

	/* Encoded tables that break the rules are refused. */
	static const uint8_t unsorted[] = {
		0, 0, 0, 2,
		0, 0, 0, 1, 'B', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1,
		0, 0, 0, 1, 'A', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1,
	};
	v = vault_new_empty();
	ok(vault_decode_entries(v, unsorted, sizeof(unsorted)) == HUSH_EFORMAT, "unsorted names refused");
	vault_close(v);
	uint8_t dup[sizeof(unsorted)];
	memcpy(dup, unsorted, sizeof(dup));
	dup[34] = 'B';
	v = vault_new_empty();
	ok(vault_decode_entries(v, dup, sizeof(dup)) == HUSH_EFORMAT, "duplicate names refused");
	vault_close(v);
	uint8_t good[sizeof(unsorted) + 3];
	memcpy(good, unsorted, sizeof(unsorted));
	good[8] = 'A';
	good[34] = 'B';
	memset(good + sizeof(unsorted), 0, 3);
	v = vault_new_empty();
	ok(vault_decode_entries(v, good, sizeof(good)) == 0 && vault_count(v) == 2,
	   "sorted table with zero padding decodes");
	vault_close(v);
	good[sizeof(good) - 1] = 7;
	v = vault_new_empty();
	ok(vault_decode_entries(v, good, sizeof(good)) == HUSH_EFORMAT, "non-zero padding refused");
	vault_close(v);
	good[sizeof(good) - 1] = 0;
	good[29] = 9;
	v = vault_new_empty();
	ok(vault_decode_entries(v, good, sizeof(good)) == HUSH_EFORMAT, "unknown origin refused");
	vault_close(v);
	static const uint8_t hugecount[] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	v = vault_new_empty();
	ok(vault_decode_entries(v, hugecount, sizeof(hugecount)) == HUSH_EFORMAT,
	   "count larger than the input refused");
	vault_close(v);
}

static void test_create_rules(void)
{
	char p[512];
	path_in(p, sizeof(p), "rt");
	struct vault_unlock u = pw("x");
	struct vault *v = NULL;
	ok(vault_create(p, VAULT_KEY_PASSPHRASE, &u, &test_kdf, &v) == HUSH_EEXIST,
	   "create refuses an existing vault");
	path_in(p, sizeof(p), "nopass");
	struct vault_unlock empty = pw("");
	ok(vault_create(p, VAULT_KEY_PASSPHRASE, &empty, &test_kdf, &v) == HUSH_EINVAL,
	   "create refuses an empty passphrase");
	struct vault_kdf weak = { .opslimit = 1, .memlimit = 8 * 1024 * 1024 };
	ok(vault_create(p, VAULT_KEY_PASSPHRASE, &u, &weak, &v) == HUSH_EINVAL,
	   "create refuses memlimit under 64 MiB");
	struct vault_kdf k;
	setenv("HUSH_TEST_KDF_OPS", "2", 1);
	vault_kdf_default(&k, 0);
	ok(k.opslimit == 2 && k.memlimit == VAULT_KDF_MEM_MIN, "HUSH_TEST_KDF_OPS sets opslimit");
	unsetenv("HUSH_TEST_KDF_OPS");
	vault_kdf_default(&k, 300);
	ok(k.opslimit >= VAULT_KDF_OPS_DEFAULT_MIN && k.opslimit <= VAULT_KDF_OPS_DEFAULT_MAX &&
	   k.memlimit >= VAULT_KDF_MEM_MIN, "measured default within bounds (ops=%llu)",
	   (unsigned long long)k.opslimit);
}

/* A new passphrase vault at dir/name (path in p[512]), or NULL after a
 * failed test line. */
static struct vault *create_or_fail(char p[512], const char *name, const char *pass)
{
	path_in(p, 512, name);
	struct vault_unlock u = pw(pass);
	struct vault *v = NULL;
	if (vault_create(p, VAULT_KEY_PASSPHRASE, &u, &test_kdf, &v) != 0)
		ok(0, "create %s", name);
	return v;
}

static void test_rekey(void)
{
	char p[512];
	struct vault_unlock u1 = pw("first"), u2 = pw("second");
	struct vault *v = create_or_fail(p, "rk", "first");
	if (!v)
		return;
	vault_set(v, "K", canary, strlen(canary), VAULT_ORIGIN_SET);
	vault_save(v);
	ok(vault_rekey(v, VAULT_KEY_PASSPHRASE, &u2, &test_kdf) == 0, "rekey to a new passphrase");
	vault_close(v);
	v = NULL;
	ok(vault_open(p, &u1, 0, &v) == HUSH_EAUTH, "old passphrase no longer opens");
	ok(vault_open(p, &u2, 0, &v) == 0, "new passphrase opens");
	const char *val;
	size_t vl;
	ok(v && vault_get(v, "K", &val, &vl) == 0 && vl == strlen(canary), "entries survive rekey");
	vault_close(v);
	char bak[600];
	snprintf(bak, sizeof(bak), "%s.bak", p);
	v = NULL;
	ok(vault_open(bak, &u1, 0, &v) == 0, "vault.bak holds the previous version");
	vault_close(v);
}

static char *mem_text(FILE *f, char **buf)
{
	fclose(f);
	return *buf;
}

/* hush list's output, the backups sealed again by hush passwd, hush import
 * --keyring's store. */
static void test_show_reseal_import(void)
{
	char p[512], t[40];
	vault_format_time(0, t, sizeof(t));
	ok(!strcmp(t, "1970-01-01T00:00:00Z"), "times in UTC: %s", t);
	struct vault *v = create_or_fail(p, "show", "pw");
	if (!v)
		return;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ok(vault_show(f, v, true) == 0 && !strcmp(mem_text(f, &buf), "[]\n"), "empty: [] in JSON");
	free(buf);
	f = open_memstream(&buf, &len);
	ok(vault_show(f, v, false) == 0 && !strcmp(mem_text(f, &buf), ""), "empty: no table heading");
	free(buf);
	vault_set(v, "B_KEY", "other", 5, VAULT_ORIGIN_SET);
	vault_set(v, "K", canary, strlen(canary), VAULT_ORIGIN_IMPORT);
	f = open_memstream(&buf, &len);
	ok(vault_show(f, v, false) == 2 && !strncmp(mem_text(f, &buf), "NAME ", 5) &&
	   strstr(buf, "\nB_KEY ") && strstr(buf, " import ") && !strstr(buf, canary),
	   "a table of names and origins, never a value");
	free(buf);
	f = open_memstream(&buf, &len);
	ok(vault_show(f, v, true) == 2 && strstr(mem_text(f, &buf), "\"name\": \"K\", \"origin\": \"import\"") &&
	   !strstr(buf, canary), "JSON objects, never a value");
	free(buf);

	char value[] = "new-value";
	struct vault_keyring_item items[] = {
		{ .name = "A_NEW", .value = value, .len = strlen(value) },
		{ .name = "K", .value = canary, .len = strlen(canary) },
		{ .name = "B_KEY", .value = value, .len = strlen(value) },
	};
	struct vault_keyring kr = { .v = items, .n = 3 };
	char *ebuf = NULL;
	size_t elen = 0, stored;
	FILE *out = open_memstream(&buf, &len), *err = open_memstream(&ebuf, &elen);
	msg_set_progname("hush");
	ok(vault_import_keyring(v, &kr, out, err, &stored) == 1 && stored == 1, "one stored, one failed");
	ok(!strcmp(mem_text(out, &buf), "imported A_NEW\nK is already in the vault\n") &&
	   !strcmp(mem_text(err, &ebuf), "hush: not imported: B_KEY: a different value is already in the vault\n"),
	   "each name said where it belongs");
	free(buf);
	free(ebuf);
	const char *val;
	size_t vl;
	ok(vault_get(v, "B_KEY", &val, &vl) == 0 && vl == 5, "the other value is left");

	char home[600], file[600], bdir[700];
	snprintf(home, sizeof(home), "%s/reseal-home", dir);
	setenv("HUSH_HOME", home, 1);
	snprintf(file, sizeof(file), "%s/rc", dir);
	struct stat st = { .st_mode = 0600 };
	uint8_t oldkey[VAULT_KEY_BYTES], k2[VAULT_KEY_BYTES];
	vault_copy_key(v, oldkey);
	ok(backup_dir(bdir, sizeof(bdir)) == 0 &&
	   backup_save(bdir, oldkey, file, "x", 1, &st, NULL, 0) == 0, "a backup under the old key");
	struct vault_unlock u2 = pw("second");
	ok(vault_rekey(v, VAULT_KEY_PASSPHRASE, &u2, &test_kdf) == 0, "rekeyed");
	size_t done;
	char got[700];
	ok(backup_reseal(v, oldkey, got, sizeof(got), &done) == 0 && done == 1 && !strcmp(got, bdir),
	   "backup_reseal: the backup sealed again");
	ok(sodium_is_zero(oldkey, sizeof(oldkey)), "the old key wiped");
	struct backup b;
	vault_copy_key(v, k2);
	ok(backup_newest(bdir, k2, file, &b) == 0 && b.len == 1, "it opens with the new key");
	backup_free(&b);
	unsetenv("HUSH_HOME");
	vault_close(v);
}

/* Two writers: the second waits for the first's lock and sees its change.
 * The child is forked before the parent takes the lock, so it does not
 * inherit the parent's lock descriptor. */
static void test_lock(void)
{
	char p[512];
	path_in(p, sizeof(p), "rt");
	uint8_t key[VAULT_KEY_BYTES];
	vault_derive_key(p, "correct horse", 13, key);
	struct vault_unlock ku = { .key = key };
	int go[2], res[2];
	if (pipe(go) != 0 || pipe(res) != 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(go[1]);
		close(res[0]);
		char g;
		if (read(go[0], &g, 1) != 1)
			_exit(2);
		struct vault *b = NULL;
		int r = vault_open(p, &ku, VAULT_WRITE, &b);
		const char *val;
		size_t vl;
		char c = (r == 0 && vault_get(b, "FROM_A", &val, &vl) == 0) ? 'y' : 'n';
		if (r == 0) {
			vault_set(b, "FROM_B", "b", 1, VAULT_ORIGIN_SET);
			vault_save(b);
		}
		vault_close(b);
		if (write(res[1], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(go[0]);
	close(res[1]);
	struct vault *a = NULL;
	ok(vault_open(p, &ku, VAULT_WRITE, &a) == 0, "first writer holds the lock");
	if (write(go[1], "g", 1) != 1)
		return;
	/* Give the child time to reach the lock; the result does not depend
	 * on it reaching it first. */
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	vault_set(a, "FROM_A", "a", 1, VAULT_ORIGIN_SET);
	vault_save(a);
	vault_close(a);
	char c = 0;
	ok(read(res[0], &c, 1) == 1 && c == 'y', "second writer re-read the file under the lock");
	close(res[0]);
	close(go[1]);
	waitpid(pid, NULL, 0);
	a = NULL;
	const char *val;
	size_t vl;
	ok(vault_open(p, &ku, 0, &a) == 0 && vault_get(a, "FROM_A", &val, &vl) == 0 &&
	   vault_get(a, "FROM_B", &val, &vl) == 0, "neither update lost");
	vault_close(a);
}

/* A writer is killed with SIGKILL at random points while it saves in a
 * loop; the vault must always open with a consistent old or new state. */
static void test_sigkill(void)
{
	char p[512];
	struct vault *v = create_or_fail(p, "kill", "kill");
	if (!v)
		return;
	uint8_t key[VAULT_KEY_BYTES];
	vault_copy_key(v, key);
	/* Enough entries that a save takes a little while. */
	char name[32], val[256];
	memset(val, 'x', sizeof(val));
	for (int i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "FILL_%d", i);
		vault_set(v, name, val, sizeof(val), VAULT_ORIGIN_SET);
	}
	vault_set(v, "A", "0", 1, VAULT_ORIGIN_SET);
	vault_set(v, "B", "0", 1, VAULT_ORIGIN_SET);
	vault_save(v);
	vault_close(v);
	struct vault_unlock ku = { .key = key };

	int iterations = 120, bad = 0, went_back = 0, progressed = 0;
	long last = 0;
	unsigned seed = (unsigned)time(NULL);
	for (int it = 0; it < iterations; it++) {
		/* The child reports each completed save on a pipe. Every tenth
		 * round waits for one before the random delay, so progress is
		 * checked however loaded the machine is. */
		int saved[2];
		if (pipe(saved) != 0)
			break;
		pid_t pid = fork();
		if (pid == 0) {
			close(saved[0]);
			for (;;) {
				struct vault *w = NULL;
				if (vault_open(p, &ku, VAULT_WRITE, &w) != 0)
					_exit(3);
				const char *cv;
				size_t cl;
				long n = 0;
				if (vault_get(w, "A", &cv, &cl) == 0)
					n = strtol(cv, NULL, 10);
				char s[32];
				snprintf(s, sizeof(s), "%ld", n + 1);
				vault_set(w, "A", s, strlen(s), VAULT_ORIGIN_SET);
				vault_set(w, "B", s, strlen(s), VAULT_ORIGIN_SET);
				int sr = vault_save(w);
				vault_close(w);
				if (sr == 0 && write(saved[1], "s", 1) != 1)
					_exit(4);
			}
		}
		close(saved[1]);
		char sb;
		if (it % 10 == 0 && read(saved[0], &sb, 1) != 1)
			bad++;
		struct timespec ts = { 0, (long)(rand_r(&seed) % 20000) * 1000L };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(saved[0]);
		struct vault *r = NULL;
		/* VAULT_WRITE also proves the dead writer's lock was released. */
		int rc = vault_open(p, &ku, VAULT_WRITE, &r);
		const char *av, *bv;
		size_t al, bl;
		if (rc != 0 || vault_get(r, "A", &av, &al) != 0 || vault_get(r, "B", &bv, &bl) != 0 ||
		    al != bl || memcmp(av, bv, al) != 0 || vault_count(r) != 402) {
			bad++;
		} else {
			long n = strtol(av, NULL, 10);
			if (n < last)
				went_back++;
			if (n > last)
				progressed++;
			last = n;
		}
		vault_close(r);
	}
	/* One more save clears the temporary files killed writers left
	 * (plus one made here, so the check cannot pass vacuously). */
	char fake[600];
	snprintf(fake, sizeof(fake), "%s.tmp.99999.deadbeef", p);
	int ffd = open(fake, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (ffd >= 0)
		close(ffd);
	struct vault *w = NULL;
	if (vault_open(p, &ku, VAULT_WRITE, &w) == 0) {
		vault_save(w);
		vault_close(w);
	}
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -c '^kill\\.tmp\\.' >/dev/null", dir);
	ok(ffd >= 0 && system(cmd) != 0, "no temporary files left after the next save");
	ok(bad == 0, "vault opened consistent after %d SIGKILLs (%d bad)", iterations, bad);
	ok(went_back == 0, "no saved state was lost (counter never went back)");
	ok(progressed > 0, "the writer did save between kills (%d times, counter %ld)", progressed, last);
}

/* An executable script in the test directory. */
static void script(char *out, size_t n, const char *name, const char *body)
{
	path_in(out, n, name);
	FILE *f = fopen(out, "w");
	if (f) {
		fprintf(f, "#!/bin/sh\n%s\n", body);
		fclose(f);
	}
	chmod(out, 0700);
}

static void test_passphrase_sources(void)
{
	int fd = -1;
	ok(passphrase_fd_parse("3", &fd) == 0 && fd == 3, "--passphrase-fd 3");
	ok(passphrase_fd_parse("1048576", &fd) == 0 && fd == PASSPHRASE_FD_MAX, "the bound itself");
	ok(passphrase_fd_parse("1048577", &fd) == HUSH_EINVAL, "over the bound");
	ok(passphrase_fd_parse("-1", &fd) == HUSH_EINVAL && passphrase_fd_parse("", &fd) &&
	   passphrase_fd_parse("3x", &fd) && passphrase_fd_parse(NULL, &fd) &&
	   passphrase_fd_parse("99999999999", &fd), "not a number, negative, too long: refused");

	char ap[512], why[256];
	struct passphrase pw;
	script(ap, sizeof(ap), "ap-kind", "printf '%s:%s\\n' \"$HUSH_ASKPASS_KIND\" \"$1\"");
	ok(passphrase_askpass(ap, PASSPHRASE_NEW, "the prompt", false, &pw, why, sizeof(why)) == 0 &&
	   !strcmp(pw.s, "new:the prompt"), "askpass gets the kind and the prompt, one newline off");
	passphrase_free(&pw);
	ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "the askpass program was reaped");

	/* a cancelled dialog that still printed something is a cancel, not a passphrase */
	script(ap, sizeof(ap), "ap-cancel", "printf '%s\\n' \"$HUSH_T_PASS\"; exit 1");
	setenv("HUSH_T_PASS", canary, 1);
	int r = passphrase_askpass(ap, PASSPHRASE_UNLOCK, "p", true, &pw, why, sizeof(why));
	ok(r == HUSH_ECANCELED && pw.s == NULL && strstr(why, "cancelled") && !strstr(why, canary),
	   "askpass exit 1: cancelled, its output dropped (%s)", why);
	unsetenv("HUSH_T_PASS");

	/* --passphrase-fd: one line, the rest stays for the next read */
	int p[2];
	ok(pipe(p) == 0 && write(p[1], "first\nsecond\n", 13) == 13, "pipe");
	close(p[1]);
	struct passphrase_src src = { .fd = p[0] };
	ok(passphrase_get(&src, PASSPHRASE_UNLOCK, "x", &pw, why, sizeof(why)) == 0 &&
	   !strcmp(pw.s, "first"), "fd: the first line");
	passphrase_free(&pw);
	ok(passphrase_get(&src, PASSPHRASE_UNLOCK, "x", &pw, why, sizeof(why)) == 0 &&
	   !strcmp(pw.s, "second"), "fd: then the second");
	passphrase_free(&pw);
	close(p[0]);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/hush-vault-test.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	uint8_t r[8];
	randombytes_buf(r, sizeof(r));
	snprintf(canary, sizeof(canary), "CANARY%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
		 r[3], r[4], r[5], r[6], r[7]);
	test_round_trip();
	test_wrong_passphrase();
	test_tamper();
	test_entries();
	test_create_rules();
	test_rekey();
	test_show_reseal_import();
	test_lock();
	test_sigkill();
	test_passphrase_sources();
	t_rmtree(dir);
	return t_done();
}
