/* SPDX-License-Identifier: ISC */
/* The scanner's matching engine: one Vectorscan pass over the buffer finds
 * every token rule's literal prefix (scan/rules.c) and every word a secret
 * name is made of (token, secret, pass, key, auth, ...); the token rules run
 * at their prefixes, and NAME = value assignments are judged (by name,
 * placeholder list and entropy) only near those words. Without Vectorscan
 * support on the CPU a bigram table and a full pass do the same, slower.
 * Overlapping hits are reduced to the most specific one, hush:allow lines
 * are dropped, and line numbers are computed once at the end. */
#include <ctype.h>
#include <hs/hs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "scan/match.h"
#include "scan/rules.h"

static uint8_t bigram_bits[65536 / 8];
static uint16_t bigram_head[65536]; /* rule index + 1, 0 = none */
static uint16_t rule_next[512];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Words every secret-looking name contains (see scan_name_is_secret):
 * assignments are looked at only within NAME_WINDOW bytes after one. */
static const char *const name_words[] = { "token", "secret", "pass", "key", "auth",
					  "cred", "bearer", "webhook", "pw" };
#define NAME_WORD_ID 0x10000u
#define NAME_WINDOW 256

#define EXTRA_ID 0x20000u /* ids of another matcher's literals start here */

struct scan_lits {
	hs_database_t *db;
	hs_scratch_t *proto;
};

static struct scan_lits builtin_lits; /* db NULL when Vectorscan cannot run */
static pthread_key_t hs_key;

static void scratch_free(void *p)
{
	hs_free_scratch(p);
}

/* The literal database: rule prefixes (exact case, id = rule index), the
 * name words (any case) and extra[0..nx) (id EXTRA_ID + i). */
static int lits_build(const char *const *extra, const unsigned *xflags, size_t nx, struct scan_lits *out)
{
	size_t nw = sizeof(name_words) / sizeof(name_words[0]), n = scan_nrules + nw + nx;
	const char **lit = calloc(n, sizeof(*lit));
	unsigned *flags = calloc(n, sizeof(*flags)), *ids = calloc(n, sizeof(*ids));
	size_t *lens = calloc(n, sizeof(*lens));
	int rc = HUSH_ENOMEM;
	if (lit && flags && ids && lens) {
		for (size_t i = 0; i < n; i++) {
			if (i < scan_nrules) {
				lit[i] = scan_rules[i].prefix;
				ids[i] = (unsigned)i;
			} else if (i < scan_nrules + nw) {
				lit[i] = name_words[i - scan_nrules];
				flags[i] = HS_FLAG_CASELESS;
				ids[i] = NAME_WORD_ID + (unsigned)(i - scan_nrules);
			} else {
				lit[i] = extra[i - scan_nrules - nw];
				flags[i] = xflags[i - scan_nrules - nw];
				ids[i] = EXTRA_ID + (unsigned)(i - scan_nrules - nw);
			}
			lens[i] = strlen(lit[i]);
		}
		hs_compile_error_t *ce = NULL;
		rc = HUSH_ECONFIG;
		if (hs_valid_platform() == HS_SUCCESS &&
		    hs_compile_lit_multi(lit, flags, ids, lens, (unsigned)n, HS_MODE_BLOCK, NULL, &out->db, &ce) == HS_SUCCESS) {
			rc = hs_alloc_scratch(out->db, &out->proto) == HS_SUCCESS ? 0 : HUSH_ENOMEM;
			if (rc < 0) {
				hs_free_database(out->db);
				out->db = NULL;
			}
		} else {
			hs_free_compile_error(ce);
			out->db = NULL;
		}
	}
	free(lit);
	free(flags);
	free(ids);
	free(lens);
	return rc;
}

static void hs_build(void)
{
	if (lits_build(NULL, NULL, 0, &builtin_lits) == 0 && pthread_key_create(&hs_key, scratch_free) != 0) {
		hs_free_scratch(builtin_lits.proto);
		hs_free_database(builtin_lits.db);
		builtin_lits.db = NULL;
	}
}

int scan_lits_new(const char *const *lit, const unsigned *flags, size_t n, struct scan_lits **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return HUSH_ENOMEM;
	unsigned *hf = calloc(n + 1, sizeof(*hf));
	if (!hf) {
		free(*out);
		*out = NULL;
		return HUSH_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		hf[i] = (flags[i] & SCAN_LIT_CASELESS ? HS_FLAG_CASELESS : 0) |
			(flags[i] & SCAN_LIT_ONCE ? HS_FLAG_SINGLEMATCH : 0);
	int rc = lits_build(lit, hf, n, *out);
	free(hf);
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

void scan_lits_free(struct scan_lits *l)
{
	if (!l)
		return;
	if (l->proto)
		hs_free_scratch(l->proto);
	if (l->db)
		hs_free_database(l->db);
	free(l);
}

void *scan_lits_scratch(const struct scan_lits *l)
{
	hs_scratch_t *s = NULL;
	return l->proto && hs_clone_scratch(l->proto, &s) == HS_SUCCESS ? s : NULL;
}

void scan_lits_scratch_free(void *s)
{
	if (s)
		hs_free_scratch(s);
}

/* This thread's scratch for the built-in database (freed when the thread
 * ends), or NULL. */
static hs_scratch_t *hs_thread_scratch(void)
{
	hs_scratch_t *s = pthread_getspecific(hs_key);
	if (!s) {
		if (hs_clone_scratch(builtin_lits.proto, &s) != HS_SUCCESS)
			return NULL;
		if (pthread_setspecific(hs_key, s) != 0) {
			hs_free_scratch(s);
			return NULL;
		}
	}
	return s;
}

struct lit_hits {
	struct { uint32_t id; size_t end; } *v;
	size_t n, cap;
	bool oom, extra_only;
	scan_extra_fn on_extra;
	void *ctx;
};

static int on_literal(unsigned int id, unsigned long long from, unsigned long long to,
		      unsigned int fl, void *ctx)
{
	(void)from; (void)fl;
	struct lit_hits *h = ctx;
	if (id >= EXTRA_ID) {
		h->on_extra(id - EXTRA_ID, (size_t)to, h->ctx);
		return 0;
	}
	if (h->extra_only)
		return 0;
	if (h->n == h->cap) {
		size_t nc = h->cap ? h->cap * 2 : 256;
		void *nv = realloc(h->v, nc * sizeof(h->v[0]));
		if (!nv) {
			h->oom = true;
			return 1; /* stop */
		}
		h->v = nv;
		h->cap = nc;
	}
	h->v[h->n].id = id;
	h->v[h->n++].end = (size_t)to;
	return 0;
}

/* Runs the literal database of l (NULL: the built-in one) over d; 0, 1
 * when Vectorscan cannot be used (the caller falls back), HUSH_ENOMEM. */
static int literal_pass(const struct scan_lits *l, void *scratch, const char *d, size_t len, struct lit_hits *h)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if (!l) {
		pthread_once(&once, hs_build);
		l = &builtin_lits;
		scratch = builtin_lits.db ? hs_thread_scratch() : NULL;
	}
	if (!l->db || !scratch || len > 0xFFFFFFFFu)
		return 1;
	hs_error_t e = hs_scan(l->db, d, (unsigned)len, 0, scratch, on_literal, h);
	if (h->oom)
		return HUSH_ENOMEM;
	return e == HS_SUCCESS ? 0 : 1;
}

static void table_build(void)
{
	for (size_t i = scan_nrules; i > 0; i--) {
		const char *p = scan_rules[i - 1].prefix;
		unsigned k = ((unsigned)(unsigned char)p[0] << 8) | (unsigned char)p[1];
		rule_next[i - 1] = bigram_head[k];
		bigram_head[k] = (uint16_t)i;
		bigram_bits[k >> 3] |= (uint8_t)(1u << (k & 7));
	}
}

/* log2 without libm: exponent from the bits, mantissa through the series
 * of ln((1+y)/(1-y)); accurate to ~1e-7, plenty for an entropy score. */
static double log2_approx(double x)
{
	int e = 0;
	while (x >= 2.0) {
		x /= 2.0;
		e++;
	}
	while (x < 1.0) {
		x *= 2.0;
		e--;
	}
	double y = (x - 1.0) / (x + 1.0), y2 = y * y, t = y, s = 0;
	for (int k = 1; k < 30; k += 2) {
		s += t / k;
		t *= y2;
	}
	return e + 2.0 * s / 0.69314718055994530942;
}

double scan_entropy(const char *v, size_t len)
{
	if (len == 0)
		return 0;
	unsigned cnt[256] = { 0 };
	for (size_t i = 0; i < len; i++)
		cnt[(unsigned char)v[i]]++;
	double h = 0;
	for (int i = 0; i < 256; i++)
		if (cnt[i]) {
			double p = (double)cnt[i] / (double)len;
			h -= p * log2_approx(p);
		}
	return h;
}

static size_t normalize(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++)
		if (isalnum((unsigned char)s[i]))
			out[o++] = (char)tolower((unsigned char)s[i]);
	out[o] = 0;
	return o;
}

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);
	return n >= l && memcmp(s + n - l, suf, l) == 0;
}

bool scan_name_is_secret(const char *name, size_t len)
{
	char nm[96];
	if (len == 0 || len > 80)
		return false;
	size_t n = normalize(name, len, nm, sizeof(nm));
	if (n < 3)
		return false;
	if (!strcmp(nm, "pwd") || !strcmp(nm, "oldpwd"))
		return false;
	static const char *const yes[] = {
		"token", "secret", "password", "passwd", "passphrase", "pwd", "apikey",
		"privatekey", "accesskey", "secretkey", "authkey", "signingkey", "encryptionkey",
		"masterkey", "accountkey", "sessionkey", "appkey", "licensekey", "keydata",
		"credential", "creds", "authorization", "bearer", "webhookurl",
	};
	bool hit = false;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]) && !hit; i++)
		hit = strstr(nm, yes[i]) != NULL;
	if (!hit)
		hit = !strcmp(nm, "auth") || ends_with(nm, n, "auth") || !strcmp(nm, "pass") ||
		      ends_with(nm, n, "pass") || ends_with(nm, n, "pw");
	if (!hit)
		return false;
	static const char *const no_sub[] = { "public", "publishable", "tokeniz", "maxtoken",
					      "tokencount", "tokenlimit", "author", "nexttoken",
					      "pagetoken", "continuationtoken", "outputtoken",
					      "inputtoken", "synctoken", "idempotencytoken", "csrf",
					      "xsrf", "authenticitytoken" };
	for (size_t i = 0; i < sizeof(no_sub) / sizeof(no_sub[0]); i++)
		if (strstr(nm, no_sub[i]))
			return false;
	static const char *const no_suf[] = {
		"id", "ids", "url", "uri", "path", "file", "dir", "name", "names", "type", "len",
		"length", "size", "count", "max", "min", "format", "prefix", "suffix", "header",
		"field", "regex", "pattern", "enabled", "required", "timeout", "ttl", "expiry",
		"expires", "expiresat", "endpoint", "placeholder", "label", "hint", "env", "var",
		"mode", "policy", "version", "hash", "algorithm", "alg", "method", "kind", "source",
		"location", "ref", "limit", "encoding", "usage", "index", "cmd", "command", "helper",
		"store", "storage", "class", "style", "input", "query", "param", "params", "key2",
		"encryption", "strength", "complexity", "expiration", "rotation", "reset", "minlength",
	};
	for (size_t i = 0; i < sizeof(no_suf) / sizeof(no_suf[0]); i++)
		if (ends_with(nm, n, no_suf[i]) && !ends_with(nm, n, "webhookurl"))
			return false;
	return true;
}

static bool ci_contains(const char *v, size_t len, const char *w)
{
	size_t l = strlen(w);
	for (size_t i = 0; i + l <= len; i++)
		if (!strncasecmp(v + i, w, l))
			return true;
	return false;
}

bool scan_value_is_placeholder(const char *v, size_t len)
{
	while (len && (v[0] == ' ' || v[0] == '\t')) {
		v++;
		len--;
	}
	while (len && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r'))
		len--;
	if (len == 0)
		return true;
	if (v[0] == '$' || v[0] == '%' || (v[0] == '<' && v[len - 1] == '>'))
		return true;
	if (len >= 4 && v[0] == '{' && (v[1] == '{' || v[len - 1] == '}'))
		return true; /* {{ template }}, {.jsonPath} */
	size_t same = 1;
	for (size_t i = 1; i < len; i++)
		if (v[i] == v[0])
			same++;
	if (same == len)
		return true;
	static const char *const sub[] = {
		"changeme", "change_me", "change-me", "changethis", "your-", "your_", "yourtoken",
		"yourkey", "yoursecret", "yourpassword", "example", "placeholder", "dummy",
		"redacted", "xxxx", "****", "....", "\xe2\x80\xa6", "todo", "fixme", "replace_me",
		"replace-me", "replaceme", "insert_", "insert-", "enter_your", "enter-your", "sample",
		"${", "{{", "<your", "notreal", "not_real", "not-a-", "fake",
	};
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if (ci_contains(v, len, sub[i]))
			return true;
	static const char *const exact[] = {
		"test", "testing", "tests", "secret", "password", "passwd", "token", "none", "null",
		"nil", "undefined", "true", "false", "tbd", "n/a", "na", "empty", "default", "foo",
		"bar", "foobar", "abc", "abc123", "123456", "12345678", "password123", "qwerty",
		"admin", "root", "guest", "letmein", "string", "str", "required", "optional",
	};
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strlen(exact[i]) == len && !strncasecmp(v, exact[i], len))
			return true;
	return false;
}

static bool is_ident(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

static bool looks_like_code_or_ref(const char *v, size_t n)
{
	static const char *const pre[] = { "process.env", "os.environ", "os.getenv", "env(", "ENV[",
					   "getenv", "http://", "https://", "file://", "sha1-",
					   "sha256-", "sha384-", "sha512-", "./", "../", "~/", "/" };
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		size_t l = strlen(pre[i]);
		if (n >= l && !memcmp(v, pre[i], l))
			return true;
	}
	return memchr(v, '(', n) || memchr(v, '`', n) || memchr(v, '\n', n) || memmem(v, n, "://", 3);
}

/* True when v starts with the prefix of a token rule: such values are the
 * token rules' to judge (a failed checksum must not come back as a generic
 * finding). */
static bool has_token_prefix(const char *v, size_t n)
{
	for (size_t i = 0; i < scan_nrules; i++) {
		size_t l = strlen(scan_rules[i].prefix);
		if (l >= 3 && n > l && !memcmp(v, scan_rules[i].prefix, l))
			return true;
	}
	return false;
}

/* Values published as examples in RFCs and vendor docs: never secrets. */
static bool known_example(const char *v, size_t n)
{
	static const char *const ex[] = {
		"2YotnFZFEjr1zCsicMWpAA", "tGzv3JOkF0XG5Qx2TlKWIA", "SplxlOBeZQQYbYS6WxSbIA",
		"mF_9.B5f-4.1JqM", "8xLOxBtZp8", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"s6BhdRkqt3", "7Fjfp0ZBr1KtDRbnfVdmIw", "kkk9ssk",
	};
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
		if (strlen(ex[i]) == n && !memcmp(v, ex[i], n))
			return true;
	return false;
}

/* A reference rather than a value, quoted or not: a dotted path whose
 * parts start with a letter (self.password, oauth2client.client.Creds,
 * Jobs[-1].JobId: an index may follow a part), or a type expression
 * (list[V1ObjectReference]); not when a part is long and random
 * (s.ZC9Ecf4M5g9o34Q6RkzGsj0z). */
static bool dotted_reference(const char *v, size_t n)
{
	if (!n || !(isalpha((unsigned char)v[0]) || v[0] == '_'))
		return false;
	size_t k = 0, parts = 0;
	while (k < n) {
		size_t ps = k;
		if (!(isalpha((unsigned char)v[k]) || v[k] == '_'))
			return false;
		size_t up = 0, low = 0, dig = 0;
		while (k < n && (isalnum((unsigned char)v[k]) || v[k] == '_')) {
			up += isupper((unsigned char)v[k]) != 0;
			low += islower((unsigned char)v[k]) != 0;
			dig += isdigit((unsigned char)v[k]) != 0;
			k++;
		}
		size_t pl = k - ps;
		if (pl >= 16 && dig >= 2 && ((up >= 3 && low >= 3) || (pl >= 24 && dig >= 3)) &&
		    scan_entropy(v + ps, pl) >= 3.8)
			return false;
		parts++;
		if (k < n && v[k] == '[') {
			const char *cl = memchr(v + k, ']', n - k);
			if (!cl)
				return false;
			k = (size_t)(cl - v) + 1;
			if (k == n)
				return true; /* list[T], Jobs[-1] */
		}
		if (k == n)
			break;
		if (v[k] != '.' || k + 1 == n)
			return false;
		k++;
	}
	return parts >= 2;
}

/* An unquoted value that names something rather than holding it: a
 * CONSTANT_NAME, a dotted path, an expression piece. */
static bool looks_like_identifier(const char *v, size_t n)
{
	bool lower = false, us = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '[' || c == ']' || c == '{' || c == '}' || c == '<' || c == '>' || c == '*' ||
		    c == '&' || c == '|' || c == '!' || c == '\\' || c == '@')
			return true;
		lower |= c >= 'a' && c <= 'z';
		us |= c == '_';
	}
	if (!lower && us)
		return true; /* UPPER_SNAKE_CASE constant */
	return dotted_reference(v, n);
}

/* "user:password" with a placeholder password: a sample. */
static bool placeholder_pair(const char *v, size_t n)
{
	const char *c = NULL;
	for (size_t i = n; i > 0 && !c; i--)
		if (v[i - 1] == ':')
			c = v + i - 1;
	return c && c > v && scan_value_is_placeholder(c + 1, n - (size_t)(c + 1 - v));
}

/* In source code a string literal must look machine-made: upper and lower
 * case and digits, a long hex string, or long and random. Hand-typed
 * samples in docstrings ("askfjh234as9sd8") are none of these. */
static bool machine_made(const char *v, size_t n, double h)
{
	bool up = false, low = false, dig = false, hex = true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		up |= c >= 'A' && c <= 'Z';
		low |= c >= 'a' && c <= 'z';
		dig |= c >= '0' && c <= '9';
		hex &= isxdigit(c) != 0;
	}
	if (n < 12)
		return false;
	return (up && low && dig) || (hex && n >= 16 && dig) || (n >= 24 && h >= 4.0);
}

/* A base64 value that decodes to prose or a placeholder ("not my real
 * password", "user:changeme") is a sample. */
static bool base64_of_sample(const char *v, size_t n)
{
	if (n < 12 || n > 512)
		return false;
	unsigned char dec[400];
	long m = b64_decode(v, n, dec, sizeof(dec));
	if (m < 8 || (size_t)m < (n * 3) / 4 - 2)
		return false;
	for (long i = 0; i < m; i++)
		if (dec[i] < 0x20 || dec[i] >= 0x7f)
			return false;
	if (memchr(dec, ' ', (size_t)m))
		return true;
	const char *colon = memchr(dec, ':', (size_t)m);
	const char *pw = colon ? colon + 1 : (const char *)dec;
	return scan_value_is_placeholder(pw, (size_t)m - (size_t)(pw - (const char *)dec));
}

/* The value repeats the name: key_password=key_password, token: tokenValue. */
static bool same_name(const char *name, size_t nn, const char *v, size_t vn)
{
	char a[96], b[96];
	size_t la = normalize(name, nn, a, sizeof(a));
	size_t lb = normalize(v, vn > 90 ? 90 : vn, b, sizeof(b));
	return la >= 4 && lb && strstr(b, a) != NULL;
}

static bool is_type_word(const char *s, size_t n)
{
	static const char *const t[] = { "string", "String", "str", "byte", "bytes", "char", "var",
					 "const", "let", "val", "final", "static", "private" };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strlen(t[i]) == n && !memcmp(s, t[i], n))
			return true;
	return false;
}

/* Finds the NAME ending at e (exclusive, spaces and a closing quote
 * skipped). Returns false when there is none. */
static bool name_before(const char *d, size_t e, size_t *ns_out, size_t *ne_out)
{
	size_t j = e;
	while (j > 0 && (d[j - 1] == ' ' || d[j - 1] == '\t'))
		j--;
	char q = 0;
	if (j > 0 && (d[j - 1] == '"' || d[j - 1] == '\'')) {
		q = d[j - 1];
		j--;
	}
	size_t ne = j;
	while (j > 0 && ne - j < 80 && is_ident((unsigned char)d[j - 1]))
		j--;
	size_t ns = j;
	if (ne - ns < 2 || (q && (ns == 0 || d[ns - 1] != q)))
		return false;
	if (ns > 0 && is_ident((unsigned char)d[ns - 1]))
		return false; /* name longer than 80 */
	*ns_out = ns;
	*ne_out = ne;
	return true;
}

/* Judges one value for the secret-looking name d[ns..ne) at v (the first
 * byte after the operator). xml_end: the value is element text ending at
 * "</" (several lines allowed). */
static int judge_value(const char *d, size_t len, size_t ns, size_t ne, size_t v, unsigned flags,
		       bool xml, struct scan_hits *out)
{
	bool secret_name = scan_name_is_secret(d + ns, ne - ns);
	bool cred = flags & SCAN_F_CREDFILE;
	bool code = (flags & SCAN_F_CODE) && !cred;
	if (!secret_name && !cred)
		return 0;
	while (v < len && (d[v] == ' ' || d[v] == '\t' || (xml && (d[v] == '\n' || d[v] == '\r'))))
		v++;
	if (v >= len || d[v] == '\n' || d[v] == '\r')
		return 0;
	size_t vs, ve;
	bool quoted = false;
	if (xml) {
		vs = v;
		ve = v;
		while (ve < len && d[ve] != '<' && ve - vs < 1024)
			ve++;
		if (ve + 1 >= len || d[ve] != '<' || d[ve + 1] != '/')
			return 0;
		while (ve > vs && isspace((unsigned char)d[ve - 1]))
			ve--;
		if (memchr(d + vs, '\n', ve - vs))
			return 0;
		quoted = true; /* element text is a literal */
	} else if (d[v] == '"' || d[v] == '\'' || d[v] == '`') {
		char qq = d[v];
		vs = v + 1;
		ve = vs;
		while (ve < len && d[ve] != qq && d[ve] != '\n' && ve - vs < 1024) {
			if (d[ve] == '\\' && qq != '\'' && ve + 1 < len && d[ve + 1] != '\n')
				ve++;
			ve++;
		}
		if (ve >= len || d[ve] != qq)
			return 0;
		quoted = qq != '`';
	} else {
		if (code)
			return 0; /* in source code only a string literal holds a value */
		vs = v;
		ve = v;
		while (ve < len && !isspace((unsigned char)d[ve]) && d[ve] != ',' && d[ve] != ';' &&
		       d[ve] != ')' && d[ve] != '}' && d[ve] != ']' && d[ve] != '"' && d[ve] != '\'' &&
		       !(d[ve] == '\\' && ve + 1 < len && strchr("nrt", d[ve + 1])) && ve - vs < 1024)
			ve++; /* (a \n escape ends it: "config": "TOKEN=...\nNEXT=1") */
		/* x64-uwp=fail: an assignment inside, not a value */
		const char *eq = memchr(d + vs, '=', ve - vs);
		if (eq && eq + 2 < d + ve && !memchr(eq + 1, '=', (size_t)(d + ve - eq - 1))) {
			const char *w = eq + 1;
			while (w < d + ve && isalpha((unsigned char)*w))
				w++;
			if (w == d + ve)
				return 0;
		}
		/* NAME = a - 1, NAME = b + c: an expression */
		size_t k = ve;
		while (k < len && (d[k] == ' ' || d[k] == '\t'))
			k++;
		if (k < len && k > ve && strchr("+-*/%&|?^", d[k]) && k + 1 < len && d[k + 1] == ' ')
			return 0;
	}
	size_t vn = ve - vs;
	const char *val = d + vs;
	if (vn > 512 || scan_value_is_placeholder(val, vn) || looks_like_code_or_ref(val, vn) ||
	    has_token_prefix(val, vn) || known_example(val, vn) || same_name(d + ns, ne - ns, val, vn) ||
	    base64_of_sample(val, vn))
		return 0;
	if ((!quoted && looks_like_identifier(val, vn)) || dotted_reference(val, vn) || placeholder_pair(val, vn))
		return 0;
	if (quoted && memchr(val, ' ', vn) && !cred)
		return 0; /* prose, not a credential */
	bool letter = false, digit = false;
	for (size_t k = 0; k < vn; k++) {
		letter |= isalpha((unsigned char)val[k]) != 0;
		digit |= isdigit((unsigned char)val[k]) != 0;
	}
	if (!letter)
		return 0;
	double h = scan_entropy(val, vn);
	const char *rule, *title;
	int conf;
	if (secret_name && cred) {
		if (vn < 6)
			return 0;
		rule = "generic-secret";
		title = "secret-looking assignment in a credential file";
		conf = SCAN_CONF_MEDIUM;
	} else if (secret_name) {
		if (vn < 8 || h < 3.0 || !digit)
			return 0;
		if (code && !machine_made(val, vn, h))
			return 0;
		rule = "generic-secret";
		title = "secret-looking assignment";
		conf = (vn >= 16 && h >= 3.5) ? SCAN_CONF_MEDIUM : SCAN_CONF_LOW;
	} else {
		if (vn < 16 || h < 3.5 || !digit)
			return 0;
		rule = "credfile-value";
		title = "high-entropy value in a credential file";
		conf = SCAN_CONF_MEDIUM;
	}
	if (!token_body_plausible(val, vn))
		return 0;
	int rc = hits_push(out, rule, title, vs, vn, conf, 0);
	if (rc == 0)
		out->v[out->n - 1].prio = PRIO_GENERIC;
	return rc;
}

/* The name a "value" key pairs with: <add key="ApiToken" value="..."/>,
 * <entry name="db.password" value="..."/>, and a name: line before value:
 * in YAML or JSON (- name: DB_PASSWORD / value: ...). The last key or name
 * attribute in the same tag or on this or the line before wins. */
static bool paired_name(const char *d, size_t ns, size_t *pns, size_t *pne)
{
	size_t j = ns;
	int lines = 0;
	while (j > 0 && ns - j < 300 && d[j - 1] != '<' && d[j - 1] != '>' && !(d[j - 1] == '\n' && ++lines == 2))
		j--;
	bool found = false;
	for (size_t p = j; p + 4 < ns; p++) {
		size_t wl = !strncasecmp(d + p, "name", 4) ? 4 : !strncasecmp(d + p, "key", 3) ? 3 : 0;
		if (!wl || (p > 0 && is_ident((unsigned char)d[p - 1])) || is_ident((unsigned char)d[p + wl]))
			continue;
		size_t k = p + wl;
		if (k < ns && (d[k] == '"' || d[k] == '\''))
			k++;
		while (k < ns && (d[k] == ' ' || d[k] == '\t'))
			k++;
		if (k >= ns || (d[k] != '=' && d[k] != ':'))
			continue;
		k++;
		while (k < ns && (d[k] == ' ' || d[k] == '\t'))
			k++;
		if (k < ns && (d[k] == '"' || d[k] == '\''))
			k++;
		size_t a = k;
		while (k < ns && is_ident((unsigned char)d[k]))
			k++;
		if (k - a >= 2) {
			*pns = a;
			*pne = k;
			found = true;
		}
	}
	return found;
}

/* NAME <op> value at the operator d[os..opend). */
static int generic_at(const char *d, size_t len, size_t os, size_t opend, unsigned flags,
		      struct scan_hits *out)
{
	size_t ns, ne;
	if (!name_before(d, os, &ns, &ne))
		return 0;
	if (ne - ns == 5 && !strncasecmp(d + ns, "value", 5) && !paired_name(d, ns, &ns, &ne))
		return 0;
	/* Go `var apiToken string = "..."`, TypeScript `const apiToken: string =`:
	 * the name is the word before the type */
	if (is_type_word(d + ns, ne - ns)) {
		size_t j = ns;
		while (j > 0 && (d[j - 1] == ' ' || d[j - 1] == '\t'))
			j--;
		if (j > 0 && d[j - 1] == ':')
			j--;
		if (j == ns || !name_before(d, j, &ns, &ne))
			return 0;
	}
	return judge_value(d, len, ns, ne, opend, flags, false, out);
}

/* <password>value</password>, the text possibly on its own line. */
static int xml_at(const char *d, size_t len, size_t gt, unsigned flags, struct scan_hits *out)
{
	size_t j = gt;
	while (j > 0 && gt - j < 120 && d[j - 1] != '<' && d[j - 1] != '\n' && d[j - 1] != '>')
		j--;
	if (j == 0 || d[j - 1] != '<' || d[j] == '/' || d[gt - 1] == '/')
		return 0;
	size_t ns = j, ne = j;
	while (ne < gt && (is_ident((unsigned char)d[ne]) || d[ne] == ':'))
		ne++;
	if (ne - ns < 2 || (ne < gt && d[ne] != ' '))
		return 0;
	return judge_value(d, len, ns, ne, gt + 1, flags, true, out);
}

/* f("db.password", "value"): a secret-looking string key followed by a
 * string value as the first two arguments of a call (Java's
 * System.setProperty, putenv-style helpers, map.put). */
static int call_at(const char *d, size_t len, size_t comma, unsigned flags, struct scan_hits *out)
{
	size_t ns, ne;
	size_t j = comma;
	while (j > 0 && d[j - 1] == ' ')
		j--;
	if (j == 0 || (d[j - 1] != '"' && d[j - 1] != '\''))
		return 0;
	if (!name_before(d, comma, &ns, &ne) || ns < 2 || d[ns - 2] != '(')
		return 0;
	size_t v = comma + 1;
	while (v < len && d[v] == ' ')
		v++;
	if (v >= len || (d[v] != '"' && d[v] != '\''))
		return 0;
	return judge_value(d, len, ns, ne, v, flags, false, out);
}

/* Judges every operator in d[from..to) (from >= 1). */
static int generic_range(const char *d, size_t len, size_t from, size_t to, unsigned flags,
			 struct scan_hits *out)
{
	for (size_t i = from; i < to && i + 1 < len; i++) {
		char c = d[i];
		if (c == '>') {
			int rc = xml_at(d, len, i, flags, out);
			if (rc < 0)
				return rc;
			continue;
		}
		if (c == ',') {
			int rc = call_at(d, len, i, flags, out);
			if (rc < 0)
				return rc;
			continue;
		}
		if (c != '=' && c != ':')
			continue;
		char p = d[i - 1], n = d[i + 1];
		size_t os = i, opend = i + 1;
		if (c == '=') {
			if (strchr("=!<>+-*/%&|^~", p) || n == '=' || n == '~')
				continue;
			if (n == '>')
				opend++;
			/* :=  ::=  :::=  ?=  .= */
			while (os > 0 && i - os < 3 && d[os - 1] == ':')
				os--;
			if (os == i && (p == '?' || p == '.'))
				os--;
		} else {
			if (p == ':' || n == ':' || n == '=' || (n == '/' && i + 2 < len && d[i + 2] == '/'))
				continue;
		}
		int rc = generic_at(d, len, os, opend, flags, out);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int generic_pass(const char *d, size_t len, unsigned flags, struct scan_hits *out)
{
	return generic_range(d, len, 1, len, flags, out);
}

/* The token rules at their prefixes and the assignments near name words,
 * from the literal hits. */
static int run_literal_hits(const char *d, size_t len, unsigned flags, const struct lit_hits *lh,
			    struct scan_hits *h)
{
	int rc = 0;
	size_t win_s = 0, win_e = 0; /* pending generic window */
	bool full_generic = flags & SCAN_F_CREDFILE; /* every assignment counts there */
	for (size_t i = 0; i < lh->n && rc >= 0; i++) {
		uint32_t id = lh->v[i].id;
		size_t end = lh->v[i].end;
		if (id >= NAME_WORD_ID) {
			if (full_generic)
				continue;
			size_t ws = end, we = end + NAME_WINDOW < len ? end + NAME_WINDOW : len;
			if (ws < 1)
				ws = 1;
			if (win_e && ws <= win_e) {
				if (we > win_e)
					win_e = we;
				continue;
			}
			if (win_e)
				rc = generic_range(d, len, win_s, win_e, flags, h);
			win_s = ws;
			win_e = we;
			continue;
		}
		const struct rule *r = &scan_rules[id];
		size_t pl = strlen(r->prefix);
		if (r->need && !(flags & r->need))
			continue;
		rc = rule_try(r, d, len, end - pl, h);
	}
	if (rc >= 0 && win_e)
		rc = generic_range(d, len, win_s, win_e, flags, h);
	if (rc >= 0 && full_generic)
		rc = generic_pass(d, len, flags, h);
	return rc;
}

/* Fallback prefilter: a table of the first two bytes of every prefix. */
static int bigram_pass(const char *d, size_t len, unsigned flags, struct scan_hits *h)
{
	int rc = 0;
	for (size_t i = 0; i + 1 < len && rc >= 0; i++) {
		unsigned k = ((unsigned)(unsigned char)d[i] << 8) | (unsigned char)d[i + 1];
		if (!((bigram_bits[k >> 3] >> (k & 7)) & 1))
			continue;
		for (unsigned r = bigram_head[k]; r && rc >= 0; r = rule_next[r - 1])
			if (!scan_rules[r - 1].need || (flags & scan_rules[r - 1].need))
				rc = rule_try(&scan_rules[r - 1], d, len, i, h);
	}
	return rc;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct scan_hit *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	return x->len > y->len ? -1 : x->len < y->len;
}

static bool wins(const struct scan_hit *a, const struct scan_hit *b)
{
	if (a->prio != b->prio)
		return a->prio > b->prio;
	return a->len > b->len;
}

static void line_bounds(const char *d, size_t len, size_t off, size_t *s, size_t *e)
{
	size_t a = off;
	while (a > 0 && d[a - 1] != '\n')
		a--;
	const char *nl = memchr(d + off, '\n', len - off);
	*s = a;
	*e = nl ? (size_t)(nl - d) : len;
}

int scan_buffer(const char *d, size_t len, unsigned flags, struct scan_hits *out)
{
	return scan_buffer_lits(NULL, NULL, d, len, flags, out, NULL, NULL);
}

int scan_buffer_lits(const struct scan_lits *l, void *scratch, const char *d, size_t len, unsigned flags,
		     struct scan_hits *out, scan_extra_fn on_extra, void *ctx)
{
	struct scan_hits h = { 0 };
	struct lit_hits lh = { .on_extra = on_extra, .ctx = ctx, .extra_only = out == NULL };
	int rc = literal_pass(l, scratch, d, len, &lh);
	if (!out) /* another matcher's literals only */
		return rc;
	int missed = l && rc == 1; /* the extra literals were not looked for */
	if (rc == 0)
		rc = run_literal_hits(d, len, flags, &lh, &h);
	free(lh.v);
	if (rc == 1) {
		pthread_once(&table_once, table_build);
		rc = bigram_pass(d, len, flags, &h);
		if (rc >= 0)
			rc = generic_pass(d, len, flags, &h);
	}
	if (rc < 0) {
		scan_hits_free(&h);
		return HUSH_ENOMEM;
	}
	if (flags & SCAN_F_CODE) {
		/* source and documentation are full of samples: low-confidence
		 * hits (short or plain values) are not reported there */
		size_t k = 0;
		for (size_t i = 0; i < h.n; i++)
			if (h.v[i].conf != SCAN_CONF_LOW)
				h.v[k++] = h.v[i];
		h.n = k;
	}
	if (h.n > 1)
		qsort(h.v, h.n, sizeof(h.v[0]), cmp_hit);
	/* overlap reduction */
	size_t k = 0;
	for (size_t i = 0; i < h.n; i++) {
		if (k > 0) {
			struct scan_hit *last = &h.v[k - 1];
			if (h.v[i].off < last->off + last->len) {
				if (wins(&h.v[i], last))
					*last = h.v[i];
				continue;
			}
		}
		h.v[k++] = h.v[i];
	}
	h.n = k;
	/* line numbers and hush:allow */
	size_t cur = 0;
	int line = 1;
	for (size_t i = 0; i < h.n; i++) {
		struct scan_hit *x = &h.v[i];
		while (cur < x->off) {
			const char *nl = memchr(d + cur, '\n', x->off - cur);
			if (!nl) {
				cur = x->off;
				break;
			}
			line++;
			cur = (size_t)(nl - d) + 1;
		}
		x->line = line;
		size_t s, e;
		line_bounds(d, len, x->off, &s, &e);
		if (memmem(d + s, e - s, "hush:allow", 10) || memmem(d + s, e - s, "gitleaks:allow", 14))
			continue;
		if (out->n == out->cap) {
			size_t nc = out->cap ? out->cap * 2 : 16;
			struct scan_hit *nv = realloc(out->v, nc * sizeof(*nv));
			if (!nv) {
				scan_hits_free(&h);
				return HUSH_ENOMEM;
			}
			out->v = nv;
			out->cap = nc;
		}
		out->v[out->n++] = *x;
	}
	scan_hits_free(&h);
	return missed;
}

void scan_hits_free(struct scan_hits *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

const char *scan_value_token_rule(const char *v, size_t len)
{
	pthread_once(&table_once, table_build);
	struct scan_hits h = { 0 };
	const char *id = NULL;
	for (size_t i = 0; i + 1 < len && !id; i++) {
		unsigned k = ((unsigned)(unsigned char)v[i] << 8) | (unsigned char)v[i + 1];
		if (!((bigram_bits[k >> 3] >> (k & 7)) & 1))
			continue;
		for (unsigned r = bigram_head[k]; r && !id; r = rule_next[r - 1])
			if (!scan_rules[r - 1].need && rule_try(&scan_rules[r - 1], v, len, i, &h) > 0 && h.n)
				id = h.v[0].rule;
	}
	scan_hits_free(&h);
	return id;
}
