/* SPDX-License-Identifier: ISC */
/* Benchmark of the vault with 10,000 entries: open with the KDF excluded
 * (key given) and included (passphrase, measured Argon2id parameters),
 * save, and peak memory; compared with a baseline measured in the same
 * run: reading the same file and one plain XChaCha20-Poly1305 decryption of
 * the same size, and opening a 10-entry vault.
 *   build/bench/vault [ENTRIES]     (run through bench/vault) */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "vault/vault.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long maxrss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void die_bench(const char *what, int r)
{
	fprintf(stderr, "bench/vault: %s: %s\n", what, hush_strerror(r));
	exit(1);
}

static char dir[64] = "/tmp/hush-bench.XXXXXX";
static const char pass[] = "bench passphrase";

static void make_vault(const char *path, int entries, const struct vault_kdf *kdf,
		       uint8_t key[VAULT_KEY_BYTES])
{
	struct vault_unlock u = { .passphrase = pass, .passphrase_len = sizeof(pass) - 1 };
	struct vault *v = NULL;
	int r = vault_create(path, VAULT_KEY_PASSPHRASE, &u, kdf, &v);
	if (r)
		die_bench("create", r);
	for (int i = 0; i < entries; i++) {
		char name[32];
		uint8_t raw[20];
		char val[41];
		snprintf(name, sizeof(name), "SECRET_%05d", i);
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(val, sizeof(val), raw, sizeof(raw));
		if ((r = vault_set(v, name, val, 40, VAULT_ORIGIN_SET)))
			die_bench("set", r);
	}
	if ((r = vault_save(v)))
		die_bench("save", r);
	vault_copy_key(v, key);
	vault_close(v);
}

/* Runs fn in a child; returns its peak RSS and the RSS it started with, kB. */
static void mem_of(void (*fn)(const char *, const uint8_t *), const char *path,
		   const uint8_t *key, long *peak, long *start)
{
	int p[2];
	if (pipe(p))
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		long s = maxrss_kb();
		fn(path, key);
		long out[2] = { maxrss_kb(), s };
		if (write(p[1], out, sizeof(out)) != (ssize_t)sizeof(out))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	long in[2] = { 0, 0 };
	if (read(p[0], in, sizeof(in)) != (ssize_t)sizeof(in))
		in[0] = in[1] = -1;
	close(p[0]);
	waitpid(pid, NULL, 0);
	*peak = in[0];
	*start = in[1];
}

static void do_open_key(const char *path, const uint8_t *key)
{
	struct vault_unlock u = { .key = key };
	struct vault *v = NULL;
	if (vault_open(path, &u, 0, &v) == 0)
		vault_close(v);
}

static void do_open_pass(const char *path, const uint8_t *key)
{
	(void)key;
	struct vault_unlock u = { .passphrase = pass, .passphrase_len = sizeof(pass) - 1 };
	struct vault *v = NULL;
	if (vault_open(path, &u, 0, &v) == 0)
		vault_close(v);
}

static void do_save(const char *path, const uint8_t *key)
{
	struct vault_unlock u = { .key = key };
	struct vault *v = NULL;
	if (vault_open(path, &u, VAULT_WRITE, &v) == 0) {
		vault_save(v);
		vault_close(v);
	}
}

static double time_open_key(const char *path, const uint8_t *key, int runs)
{
	double t[64];
	struct vault_unlock u = { .key = key };
	for (int i = 0; i < runs; i++) {
		struct vault *v = NULL;
		double t0 = now_ms();
		int r = vault_open(path, &u, 0, &v);
		t[i] = now_ms() - t0;
		if (r)
			die_bench("open", r);
		vault_close(v);
	}
	return median(t, runs);
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	int entries = argc > 1 ? atoi(argv[1]) : 10000;
	if (entries < 1 || entries > VAULT_MAX_ENTRIES)
		entries = 10000;
	if (!mkdtemp(dir))
		return 1;
	char big[128], small[128];
	snprintf(big, sizeof(big), "%s/big", dir);
	snprintf(small, sizeof(small), "%s/small", dir);

	struct vault_kdf kdf;
	vault_kdf_default(&kdf, 500);
	uint8_t key[VAULT_KEY_BYTES], skey[VAULT_KEY_BYTES];
	make_vault(big, entries, &kdf, key);
	make_vault(small, 10, &kdf, skey);
	struct stat st;
	stat(big, &st);
	double mib = (double)st.st_size / (1024.0 * 1024.0);

	/* Baseline: read the same file, and one authenticated decryption of
	 * the same number of bytes (timed apart from preparing the ciphertext). */
	int nb = 21;
	double rt[21], dt[21];
	for (int i = 0; i < nb; i++) {
		char *data = NULL;
		size_t len = 0;
		double t0 = now_ms();
		if (file_read_all(big, VAULT_MAX_FILE, false, &data, &len))
			return 1;
		rt[i] = now_ms() - t0;
		uint8_t *ct = malloc(len);
		uint8_t *plain = malloc(len);
		uint8_t nonce[24] = { 0 };
		unsigned long long ol = 0;
		crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &ol, (uint8_t *)data, len - 16, NULL, 0,
							   NULL, nonce, key);
		double t1 = now_ms();
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &ol, NULL, ct, len, NULL, 0,
							       nonce, key) != 0)
			return 1;
		dt[i] = now_ms() - t1;
		free(plain);
		free(ct);
		free(data);
	}
	double base = median(rt, nb) + median(dt, nb);

	double open_key = time_open_key(big, key, 21);
	double open_small = time_open_key(small, skey, 21);

	double kt[3];
	for (int i = 0; i < 3; i++) {
		double t0 = now_ms();
		do_open_pass(big, NULL);
		kt[i] = now_ms() - t0;
	}
	double open_pass = median(kt, 3);

	double stt[11];
	struct vault_unlock u = { .key = key };
	struct vault *v = NULL;
	int r = vault_open(big, &u, VAULT_WRITE, &v);
	if (r)
		die_bench("open for save", r);
	for (int i = 0; i < 11; i++) {
		double t0 = now_ms();
		if ((r = vault_save(v)))
			die_bench("save", r);
		stt[i] = now_ms() - t0;
	}
	vault_close(v);
	double save = median(stt, 11);

	long pk_open, st_open, pk_pass, st_pass, pk_save, st_save;
	mem_of(do_open_key, big, key, &pk_open, &st_open);
	mem_of(do_open_pass, big, key, &pk_pass, &st_pass);
	mem_of(do_save, big, key, &pk_save, &st_save);

	printf("bench/vault: %d entries, vault file %.2f MiB, Argon2id %llu MiB x %llu passes\n",
	       entries, mib, (unsigned long long)(kdf.memlimit >> 20),
	       (unsigned long long)kdf.opslimit);
	printf("  open, KDF excluded (key given):  %8.2f ms   (median of 21)\n", open_key);
	printf("  open, KDF included (passphrase): %8.2f ms   (median of 3)\n", open_pass);
	printf("  save (encrypt, write, fsync, rename, fsync dir): %8.2f ms (median of 11)\n", save);
	printf("  baseline, same file: read %.2f ms + one XChaCha20-Poly1305 decrypt %.2f ms = %.2f ms\n",
	       median(rt, nb), median(dt, nb), base);
	printf("  baseline, open of a 10-entry vault (key given): %.3f ms\n", open_small);
	printf("  ratio open (KDF excluded) / read+decrypt baseline: %.2fx\n", open_key / base);
	printf("  ratio open %d entries / open 10 entries: %.1fx\n", entries, open_key / open_small);
	printf("  peak RSS, open without KDF: %.1f MiB (process started at %.1f MiB, +%.1f MiB)\n",
	       pk_open / 1024.0, st_open / 1024.0, (pk_open - st_open) / 1024.0);
	printf("  peak RSS, open with KDF:    %.1f MiB (+%.1f MiB; Argon2id memory included)\n",
	       pk_pass / 1024.0, (pk_pass - st_pass) / 1024.0);
	printf("  peak RSS, open + save:      %.1f MiB (+%.1f MiB)\n", pk_save / 1024.0,
	       (pk_save - st_save) / 1024.0);
	printf("  target: open without KDF under 20 ms: %s\n", open_key < 20.0 ? "met" : "NOT met");

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench/vault: could not remove %s\n", dir);
	return 0;
}
