/* SPDX-License-Identifier: ISC */
/* The agent's side of the credential proxy: the environment variables and
 * the CA bundle a sandbox gives the agent (proxy.h). Nothing here is a
 * secret: placeholders and the token are only worth something to this
 * session's proxy. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "proxy/proxy.h"

#define ENV_MAX_ENTRY 1024
#define SYSTEM_BUNDLE_MAX (8u * 1024 * 1024)
/* Debian's bundle (ca-certificates). A fixed path rather than OpenSSL's
 * default, so that hush sandbox does not load libcrypto for it. */
#define SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static const char *const ca_vars[] = {
	"SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
	"GIT_SSL_CAINFO",
};

void proxy_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

static int add(char ***env, size_t *n, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int add(char ***env, size_t *n, const char *name, const char *fmt, ...)
{
	char value[ENV_MAX_ENTRY];
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof(value))
		return HUSH_ETOOBIG;
	char **grown = realloc(*env, (*n + 2) * sizeof(char *));
	if (!grown)
		return HUSH_ENOMEM;
	*env = grown;
	size_t len = strlen(name) + 1 + (size_t)w + 1;
	char *e = malloc(len);
	if (!e)
		return HUSH_ENOMEM;
	snprintf(e, len, "%s=%s", name, value);
	(*env)[(*n)++] = e;
	(*env)[*n] = NULL;
	return 0;
}

int proxy_env_build(const struct credential *creds, size_t ncreds,
		    const char *const *placeholders, const char *token, uint16_t port,
		    const char *bundle, char ***out)
{
	char **env = calloc(1, sizeof(char *));
	size_t n = 0;
	int r = env ? 0 : HUSH_ENOMEM;
	for (size_t i = 0; !r && i < ncreds; i++) {
		const struct credential *c = &creds[i];
		if (!placeholders || !placeholders[i])
			continue;
		if (c->env)
			r = add(&env, &n, c->env, "%s", placeholders[i]);
		if (!r && c->base_url_env && c->upstream)
			r = add(&env, &n, c->base_url_env, "http://127.0.0.1:%u/%s", port, c->name);
	}
	if (!r && token)
		r = add(&env, &n, "HTTPS_PROXY", "http://hush:%s@127.0.0.1:%u", token, port) ||
		    add(&env, &n, "https_proxy", "http://hush:%s@127.0.0.1:%u", token, port) ||
		    add(&env, &n, "NO_PROXY", "127.0.0.1,localhost") ||
		    add(&env, &n, "no_proxy", "127.0.0.1,localhost") ? HUSH_ENOMEM : 0;
	for (size_t i = 0; !r && bundle && i < ARRAY_LEN(ca_vars); i++)
		r = add(&env, &n, ca_vars[i], "%s", bundle);
	if (r) {
		proxy_env_free(env);
		return r;
	}
	*out = env;
	return 0;
}

int proxy_bundle_write(const char *path, const char *system_file, const char *ca_pem)
{
	char *sys = NULL;
	size_t slen = 0;
	/* The system bundle is usually a symlink into /etc/ssl: follow it. */
	int r = file_read_all(system_file ? system_file : SYSTEM_BUNDLE,
			      SYSTEM_BUNDLE_MAX, true, &sys, &slen);
	if (r && r != HUSH_ENOENT)
		return HUSH_EIO;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(sys);
		return errno == EEXIST ? HUSH_EEXIST : HUSH_EIO;
	}
	bool nl = slen && sys[slen - 1] != '\n';
	r = (slen && write_all(fd, sys, slen)) || (nl && write_all(fd, "\n", 1)) ||
	    write_all(fd, ca_pem, strlen(ca_pem)) || fchmod(fd, 0644) ? HUSH_EIO : 0;
	if (close(fd) && !r)
		r = HUSH_EIO;
	free(sys);
	if (r)
		unlink(path);
	return r;
}
