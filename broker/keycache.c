/* SPDX-License-Identifier: ISC */
/* The broker's vault key cache: see keycache.h. */
#include "broker/keycache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "common/proto.h"
#include "common/util.h"
#include "vault/vault.h"

static struct {
	char vault_path[PATH_MAX];
	uint8_t *key;
	bool have;
} K;

int keycache_init(const char *vault_path)
{
	if (xsnprintf(K.vault_path, sizeof(K.vault_path), "%s", vault_path))
		return HUSH_ETOOBIG;
	K.key = sodium_malloc(VAULT_KEY_BYTES);
	if (!K.key)
		return HUSH_ENOMEM;
	sodium_mprotect_noaccess(K.key);
	return 0;
}

void keycache_free(void)
{
	keycache_drop();
	sodium_free(K.key);
	K.key = NULL;
}

bool keycache_have(void)
{
	return K.have;
}

void keycache_drop(void)
{
	if (!K.key)
		return;
	sodium_mprotect_readwrite(K.key);
	sodium_memzero(K.key, VAULT_KEY_BYTES);
	sodium_mprotect_noaccess(K.key);
	K.have = false;
}

void keycache_wipe_in_child(void)
{
	if (K.key) {
		sodium_mprotect_readwrite(K.key);
		sodium_memzero(K.key, VAULT_KEY_BYTES);
	}
}

int keycache_open_vault(struct vault **v)
{
	if (!K.have)
		return HUSH_ELOCKED;
	sodium_mprotect_readonly(K.key);
	struct vault_unlock u = { .key = K.key };
	int r = vault_open(K.vault_path, &u, 0, v);
	sodium_mprotect_noaccess(K.key);
	if (r == HUSH_EAUTH)
		keycache_drop();
	return r;
}

static int run_askpass(const char *prog, char **pass, size_t *len)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return HUSH_EIO;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return HUSH_EIO;
	}
	if (pid == 0) {
		dup2(p[1], 1);
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 2); /* nothing it says goes to the broker's log */
		}
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execl(prog, prog, "hush: passphrase to unlock the vault", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char *buf = sodium_malloc(PROTO_MAX_PASS + 1);
	size_t got = 0;
	if (buf) {
		for (;;) {
			ssize_t r = read(p[0], buf + got, PROTO_MAX_PASS - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
			if (got == PROTO_MAX_PASS)
				break;
		}
	}
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!buf)
		return HUSH_ENOMEM;
	while (got && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
		got--;
	buf[got] = '\0';
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || got == 0) {
		sodium_free(buf);
		return HUSH_ECANCELED;
	}
	*pass = buf;
	*len = got;
	return 0;
}

/* Derives the key from a passphrase and checks it opens the vault; the
 * cached key is replaced only on success. */
int keycache_unlock_pass(const char *pass, size_t len)
{
	uint8_t *k = sodium_malloc(VAULT_KEY_BYTES);
	if (!k)
		return HUSH_ENOMEM;
	int r = vault_derive_key(K.vault_path, pass, len, k);
	if (!r) {
		struct vault *v = NULL;
		struct vault_unlock u = { .key = k };
		r = vault_open(K.vault_path, &u, 0, &v);
		vault_close(v);
	}
	if (!r) {
		sodium_mprotect_readwrite(K.key);
		memcpy(K.key, k, VAULT_KEY_BYTES);
		sodium_mprotect_noaccess(K.key);
		K.have = true;
	}
	sodium_free(k);
	return r;
}

/* Makes sure the key is cached: keyring vaults fetch it, passphrase vaults
 * use an askpass program from the broker's own environment or config. */
int keycache_ensure(const char *askpass, char *why, size_t whylen)
{
	if (K.have)
		return 0;
	struct vault_info info;
	int r = vault_probe(K.vault_path, &info);
	if (r)
		return r;
	if (info.source == VAULT_KEY_KEYRING) {
		sodium_mprotect_readwrite(K.key);
		r = keyring_lookup(info.id, K.key, why, whylen);
		K.have = (r == 0);
		if (r)
			sodium_memzero(K.key, VAULT_KEY_BYTES);
		sodium_mprotect_noaccess(K.key);
		return r;
	}
	const char *ap = askpass;
	if (!ap || !*ap)
		return HUSH_ELOCKED;
	char *pass;
	size_t plen;
	if (run_askpass(ap, &pass, &plen))
		return HUSH_ELOCKED;
	r = keycache_unlock_pass(pass, plen);
	sodium_memzero(pass, plen);
	sodium_free(pass);
	return r ? HUSH_ELOCKED : 0;
}
