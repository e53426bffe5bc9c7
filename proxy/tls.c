/* SPDX-License-Identifier: ISC */
/* TLS for the credential proxy (tls.h): OpenSSL only, no TLS of our own.
 *
 * The session CA's private key exists only in this process's memory
 * (OpenSSL's heap, never written out); the CA certificate is what the
 * sandbox adds to the agent's trust bundle. It is constrained to TLS server
 * authentication and lives a week at most: long enough for a session,
 * useless after. Leaves share one key per proxy and are minted per host on
 * first use, then cached (bounded). */
#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "proxy/tls.h"

#define LEAF_CACHE 256
#define CA_DAYS 7

struct leaf {
	char *host;
	SSL_CTX *ctx;
};

struct proxy_tls {
	SSL_CTX *client;
	EVP_PKEY *ca_key, *leaf_key;
	X509 *ca;
	char *ca_pem;
	pthread_mutex_t lock;
	struct leaf leaves[LEAF_CACHE];
	size_t nleaves, next_evict;
};

void proxy_tls_reason(char *out, size_t n)
{
	unsigned long e = ERR_get_error();
	unsigned long last = e;
	while (e) {
		last = e;
		e = ERR_get_error();
	}
	if (!last) {
		snprintf(out, n, "TLS failure");
		return;
	}
	const char *r = ERR_reason_error_string(last);
	snprintf(out, n, "%s", r ? r : "TLS failure");
}

static EVP_PKEY *ec_key(void)
{
	return EVP_EC_gen("P-256");
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!ext)
		return -1;
	int r = X509_add_ext(cert, ext, -1) ? 0 : -1;
	X509_EXTENSION_free(ext);
	return r;
}

static int set_serial(X509 *cert)
{
	unsigned char rnd[16];
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	rnd[0] &= 0x7f;
	BIGNUM *bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	if (!bn)
		return -1;
	ASN1_INTEGER *ai = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
	BN_free(bn);
	return ai ? 0 : -1;
}

/* A certificate for key, named cn, signed by issuer_key (self-signed when
 * issuer is NULL). */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
		       bool ca, const char *san)
{
	X509 *c = X509_new();
	if (!c)
		return NULL;
	X509_NAME *name = X509_get_subject_name(c);
	bool ok = X509_set_version(c, 2) && set_serial(c) == 0 &&
		  X509_gmtime_adj(X509_getm_notBefore(c), -3600) &&
		  X509_gmtime_adj(X509_getm_notAfter(c), (long)CA_DAYS * 86400) &&
		  X509_set_pubkey(c, key) &&
		  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"hush",
					     -1, -1, 0) &&
		  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn,
					     -1, -1, 0) &&
		  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
	X509 *iss = issuer ? issuer : c;
	if (ok && ca)
		ok = add_ext(c, iss, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") == 0 &&
		     add_ext(c, iss, NID_key_usage, "critical,keyCertSign,cRLSign") == 0 &&
		     add_ext(c, iss, NID_subject_key_identifier, "hash") == 0;
	if (ok && !ca)
		ok = add_ext(c, iss, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
		     add_ext(c, iss, NID_key_usage, "critical,digitalSignature") == 0 &&
		     add_ext(c, iss, NID_ext_key_usage, "serverAuth") == 0 &&
		     add_ext(c, iss, NID_subject_alt_name, san) == 0 &&
		     add_ext(c, iss, NID_authority_key_identifier, "keyid:always") == 0;
	if (ok)
		ok = X509_sign(c, issuer_key, EVP_sha256()) > 0;
	if (!ok) {
		X509_free(c);
		return NULL;
	}
	return c;
}

static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		       const unsigned char *in, unsigned int inlen, void *arg)
{
	(void)ssl;
	(void)arg;
	static const unsigned char h11[] = "\x08http/1.1";
	unsigned char *o = NULL;
	if (SSL_select_next_proto(&o, outlen, h11, sizeof(h11) - 1, in, inlen) !=
	    OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_ALERT_FATAL; /* a client that wants h2 only */
	*out = o;
	return SSL_TLSEXT_ERR_OK;
}

int proxy_tls_new(const char *const *ca_files, struct proxy_tls **out, char *err, size_t n)
{
	struct proxy_tls *t = calloc(1, sizeof(*t));
	if (!t)
		return HUSH_ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	int rc = HUSH_ENOMEM;
	t->client = SSL_CTX_new(TLS_client_method());
	if (!t->client)
		goto fail;
	SSL_CTX_set_min_proto_version(t->client, TLS1_2_VERSION);
	SSL_CTX_set_verify(t->client, SSL_VERIFY_PEER, NULL);
	/* The system store explicitly: SSL_CTX_set_default_verify_paths would
	 * let SSL_CERT_FILE replace it; here extra files add to it. */
	X509_STORE *store = SSL_CTX_get_cert_store(t->client);
	(void)X509_STORE_load_file(store, X509_get_default_cert_file());
	(void)X509_STORE_load_path(store, X509_get_default_cert_dir());
	ERR_clear_error();
	for (size_t i = 0; ca_files && ca_files[i]; i++) {
		if (!X509_STORE_load_file(store, ca_files[i])) {
			char why[128];
			proxy_tls_reason(why, sizeof(why));
			snprintf(err, n, "cannot load CA file %s: %s", ca_files[i], why);
			rc = HUSH_EFORMAT;
			goto fail;
		}
	}
	static const unsigned char h11[] = "\x08http/1.1";
	SSL_CTX_set_alpn_protos(t->client, h11, sizeof(h11) - 1);
	SSL_CTX_set_session_cache_mode(t->client, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_read_ahead(t->client, 1);

	t->ca_key = ec_key();
	t->leaf_key = ec_key();
	if (!t->ca_key || !t->leaf_key)
		goto fail;
	unsigned char id[8];
	char cn[64];
	if (RAND_bytes(id, sizeof(id)) != 1)
		goto fail;
	snprintf(cn, sizeof(cn), "hush session CA %02x%02x%02x%02x%02x%02x%02x%02x", id[0], id[1],
		 id[2], id[3], id[4], id[5], id[6], id[7]);
	t->ca = make_cert(t->ca_key, cn, NULL, t->ca_key, true, NULL);
	if (!t->ca)
		goto fail;
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		goto fail;
	char *mem = NULL;
	long len;
	if (!PEM_write_bio_X509(b, t->ca) || (len = BIO_get_mem_data(b, &mem)) <= 0 ||
	    !(t->ca_pem = malloc((size_t)len + 1))) {
		BIO_free(b);
		goto fail;
	}
	memcpy(t->ca_pem, mem, (size_t)len);
	t->ca_pem[len] = 0;
	BIO_free(b);
	*out = t;
	return 0;
fail:
	if (rc == HUSH_ENOMEM)
		snprintf(err, n, "cannot set up TLS (out of memory or no randomness)");
	proxy_tls_free(t);
	return rc;
}

void proxy_tls_free(struct proxy_tls *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nleaves; i++) {
		free(t->leaves[i].host);
		SSL_CTX_free(t->leaves[i].ctx);
	}
	SSL_CTX_free(t->client);
	EVP_PKEY_free(t->ca_key);
	EVP_PKEY_free(t->leaf_key);
	X509_free(t->ca);
	free(t->ca_pem);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

SSL_CTX *proxy_tls_client(struct proxy_tls *t)
{
	return t->client;
}

const char *proxy_tls_ca_pem(const struct proxy_tls *t)
{
	return t->ca_pem;
}

static SSL_CTX *mint(struct proxy_tls *t, const char *host)
{
	unsigned char ip[16];
	bool is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
	char san[300];
	if (snprintf(san, sizeof(san), "%s:%s", is_ip ? "IP" : "DNS", host) >= (int)sizeof(san))
		return NULL;
	char cn[64];
	snprintf(cn, sizeof(cn), "%.63s", host);
	X509 *leaf = make_cert(t->leaf_key, cn, t->ca, t->ca_key, false, san);
	if (!leaf)
		return NULL;
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	bool ok = ctx && SSL_CTX_use_certificate(ctx, leaf) == 1 &&
		  SSL_CTX_use_PrivateKey(ctx, t->leaf_key) == 1 &&
		  SSL_CTX_add1_chain_cert(ctx, t->ca) == 1;
	X509_free(leaf);
	if (!ok) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	return ctx;
}

SSL_CTX *proxy_tls_server(struct proxy_tls *t, const char *host)
{
	pthread_mutex_lock(&t->lock);
	SSL_CTX *ctx = NULL;
	for (size_t i = 0; i < t->nleaves; i++) {
		if (!strcasecmp(t->leaves[i].host, host)) {
			ctx = t->leaves[i].ctx;
			SSL_CTX_up_ref(ctx);
			goto out;
		}
	}
	ctx = mint(t, host);
	if (!ctx)
		goto out;
	char *h = strdup(host);
	if (!h)
		goto out; /* uncached, still usable */
	size_t slot = t->nleaves < LEAF_CACHE ? t->nleaves++ : t->next_evict++ % LEAF_CACHE;
	if (slot < t->nleaves && t->leaves[slot].ctx && t->leaves[slot].host) {
		free(t->leaves[slot].host);
		SSL_CTX_free(t->leaves[slot].ctx);
	}
	t->leaves[slot].host = h;
	t->leaves[slot].ctx = ctx;
	SSL_CTX_up_ref(ctx);
out:
	pthread_mutex_unlock(&t->lock);
	return ctx; /* the caller SSL_CTX_free()s its reference */
}
