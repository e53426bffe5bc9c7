/* SPDX-License-Identifier: ISC */
/* Token rules of hush scan: the providers' formats, their offline checks
 * (GitHub/npm CRC32 suffix, age Bech32, PyPI macaroon header, Discord id,
 * Grafana/Sentry embedded JSON, JWT header) and the structured matchers
 * (AWS key pairs, PEM keys, JWTs, URLs with passwords, .npmrc/.netrc).
 * docs/scan.md lists every rule. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "scan/rules.h"

/* --- character classes --- */
bool rule_in_class(int cls, unsigned char c)
{
	bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
	switch (cls) {
	case RC_ALNUM: return alnum;
	case RC_B64URL: return alnum || c == '_' || c == '-';
	case RC_B64: return alnum || c == '+' || c == '/' || c == '=';
	case RC_HEX: return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
	case RC_HEXI: return isxdigit(c) != 0;
	case RC_UPALNUM: return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
	case RC_ALNUM_US: return alnum || c == '_';
	case RC_ALNUM_DASH: return alnum || c == '-';
	case RC_B64URL_EQ: return alnum || c == '_' || c == '-' || c == '=';
	case RC_B64_US: return alnum || c == '+' || c == '/' || c == '=' || c == '_';
	case RC_UP_DOT: return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '.';
	case RC_SLACKHOOK: return alnum || c == '/';
	case RC_B64URL_DOT: return alnum || c == '_' || c == '-' || c == '.';
	case RC_URLENC: return alnum || c == '%';
	}
	return false;
}

static bool is_alnum(unsigned char c)
{
	return rule_in_class(RC_ALNUM, c);
}

int hits_push(struct scan_hits *out, const char *rule, const char *title,
	      size_t off, size_t len, int conf, int check)
{
	if (out->n == out->cap) {
		size_t nc = out->cap ? out->cap * 2 : 16;
		struct scan_hit *nv = realloc(out->v, nc * sizeof(*nv));
		if (!nv)
			return HUSH_ENOMEM;
		out->v = nv;
		out->cap = nc;
	}
	struct scan_hit *h = &out->v[out->n++];
	memset(h, 0, sizeof(*h));
	h->rule = rule;
	h->title = title;
	h->off = off;
	h->len = len;
	h->conf = (enum scan_conf)conf;
	h->check = check > 0 ? SCAN_CHECK_VALID : SCAN_CHECK_NONE;
	h->prio = check > 0 ? PRIO_CHECKED : PRIO_TOKEN;
	return 0;
}

static int push_prio(struct scan_hits *out, const char *rule, const char *title,
		     size_t off, size_t len, int conf, int check, int prio)
{
	int rc = hits_push(out, rule, title, off, len, conf, check);
	if (rc == 0)
		out->v[out->n - 1].prio = prio;
	return rc;
}

/* --- base64 --- */
static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+' || c == '-') return 62;
	if (c == '/' || c == '_') return 63;
	return -1;
}

long b64_decode(const char *in, size_t n, unsigned char *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == '=')
			break;
		int v = b64_val((unsigned char)in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return (long)o; /* truncated decode is enough for prefixes */
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)o;
}

bool token_body_plausible(const char *b, size_t n)
{
	size_t run = 1, asc = 1;
	for (size_t i = 1; i < n; i++) {
		run = b[i] == b[i - 1] ? run + 1 : 1;
		asc = b[i] == b[i - 1] + 1 ? asc + 1 : 1;
		if (run >= 6 || asc >= 8)
			return false;
	}
	static const char *const words[] = { "EXAMPLE", "example", "Example", "XXXX", "xxxx",
					     "PLACEHOLDER", "placeholder", "REDACTED", "redacted" };
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (memmem(b, n, words[i], strlen(words[i])))
			return false;
	return true;
}

/* --- CRC32 (IEEE, as zlib) and the GitHub/npm base62 suffix --- */
uint32_t scan_crc32(const void *p, size_t n)
{
	static uint32_t table[256];
	static int ready;
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	}
	const unsigned char *s = p;
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++)
		c = table[(c ^ s[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

void scan_base62_crc(const char *r, size_t n, char out[7])
{
	static const char A[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	uint32_t v = scan_crc32(r, n);
	for (int i = 5; i >= 0; i--) {
		out[i] = A[v % 62];
		v /= 62;
	}
	out[6] = 0;
}

/* ghp_/gho_/ghu_/ghs_/ghr_ and npm_: 30 random base62 chars, then the
 * CRC32 of those 30 chars in base62, left-padded with '0' to 6. */
static int v_crc62(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)tok; (void)n;
	if (bn != 36)
		return -1;
	char c[7];
	scan_base62_crc(b, 30, c);
	return memcmp(c, b + 30, 6) == 0 ? 1 : -1;
}

/* --- Bech32 (BIP-173) for age secret keys --- */
static uint32_t bech32_polymod_step(uint32_t pre)
{
	uint8_t b = (uint8_t)(pre >> 25);
	return ((pre & 0x1FFFFFF) << 5) ^ (-((b >> 0) & 1) & 0x3b6a57b2UL) ^
	       (-((b >> 1) & 1) & 0x26508e6dUL) ^ (-((b >> 2) & 1) & 0x1ea119faUL) ^
	       (-((b >> 3) & 1) & 0x3d4233ddUL) ^ (-((b >> 4) & 1) & 0x2a1462b3UL);
}

bool scan_bech32_valid(const char *s, size_t n)
{
	static const char cs[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	size_t sep = n;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '1')
			sep = i;
	if (sep == n || sep == 0 || n - sep - 1 < 6 || n > 200)
		return false;
	uint32_t chk = 1;
	for (size_t i = 0; i < sep; i++)
		chk = bech32_polymod_step(chk) ^ ((unsigned)tolower((unsigned char)s[i]) >> 5);
	chk = bech32_polymod_step(chk);
	for (size_t i = 0; i < sep; i++)
		chk = bech32_polymod_step(chk) ^ ((unsigned)tolower((unsigned char)s[i]) & 0x1f);
	for (size_t i = sep + 1; i < n; i++) {
		const char *p = strchr(cs, tolower((unsigned char)s[i]));
		if (!p || !s[i])
			return false;
		chk = bech32_polymod_step(chk) ^ (uint32_t)(p - cs);
	}
	return chk == 1;
}

static int v_age(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)b; (void)bn;
	return scan_bech32_valid(tok, n) ? 1 : -1;
}

/* --- embedded structure checks --- */
/* PyPI tokens are macaroons: version 2, a location packet "pypi.org" (or
 * "test.pypi.org"), then an identifier packet. */
static int v_pypi(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)b; (void)bn;
	unsigned char d[64];
	long m = b64_decode(tok + 5, n - 5 > 84 ? 84 : n - 5, d, sizeof(d));
	if (m < 16 || d[0] != 0x02 || d[1] != 0x01)
		return -1;
	size_t ll = d[2];
	if (3 + ll + 2 > (size_t)m)
		return -1;
	if (!((ll == 8 && !memcmp(d + 3, "pypi.org", 8)) ||
	      (ll == 13 && !memcmp(d + 3, "test.pypi.org", 13))))
		return -1;
	return d[3 + ll] == 0x02 ? 1 : -1;
}

static bool json_prefix(const char *s, size_t n, const char *want)
{
	unsigned char d[96];
	long m = b64_decode(s, n > 120 ? 120 : n, d, sizeof(d));
	size_t wl = strlen(want);
	return m >= (long)wl && memcmp(d, want, wl) == 0;
}

/* Grafana Cloud tokens are base64 of {"o":org,"n":name,"k":key,"m":...}. */
static int v_glc(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)tok; (void)n;
	return json_prefix(b, bn, "{\"o\":\"") ? 1 : -1;
}

/* Sentry org tokens: sntrys_<base64 JSON with "iat">_<secret>. */
static int v_sentry(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)tok; (void)n;
	const char *us = NULL;
	for (size_t i = bn; i > 0; i--)
		if (b[i - 1] == '_') {
			us = b + i - 1;
			break;
		}
	if (!us || us - b < 8)
		return -1;
	return json_prefix(b, (size_t)(us - b), "{\"iat\":") ? 1 : -1;
}

static int v_at(const char *b, size_t bn, size_t at, char c)
{
	return bn > at && b[at] == c ? 0 : -1;
}
static int v_ghfine(const char *t, size_t n, const char *b, size_t bn) { (void)t; (void)n; return v_at(b, bn, 22, '_'); }
static int v_glsa(const char *t, size_t n, const char *b, size_t bn) { (void)t; (void)n; return v_at(b, bn, 32, '_'); }
static int v_postman(const char *t, size_t n, const char *b, size_t bn) { (void)t; (void)n; return v_at(b, bn, 24, '-'); }
static int v_dynatrace(const char *t, size_t n, const char *b, size_t bn) { (void)t; (void)n; return v_at(b, bn, 24, '.'); }

static int count_char(const char *b, size_t bn, char c)
{
	int k = 0;
	for (size_t i = 0; i < bn; i++)
		k += b[i] == c;
	return k;
}

static int v_slack(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	/* <10-13 digit team id>-<10-13 digit user id>[-<secret>] */
	size_t i = 0;
	while (i < bn && isdigit((unsigned char)b[i]))
		i++;
	if (i < 10 || i > 13 || i >= bn || b[i] != '-')
		return -1;
	size_t j = ++i;
	while (i < bn && isdigit((unsigned char)b[i]))
		i++;
	return i - j >= 10 && i - j <= 13 ? 0 : -1;
}
static int v_xapp(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn > 2 && b[0] == '1' && b[1] == '-' && count_char(b, bn, '-') >= 3 ? 0 : -1;
}
/* Slack configuration tokens: xoxe.xoxp-1-..., xoxe-1-... */
static int v_slackcfg(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn > 2 && isdigit((unsigned char)b[0]) && b[1] == '-' ? 0 : -1;
}
/* Workflow webhooks: T.../A.../<id>/<secret> (or two parts for triggers). */
static int v_slackflow(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	int k = count_char(b, bn, '/');
	return bn && b[0] == 'T' && k >= 2 && k <= 3 ? 0 : -1;
}
static int v_slackhook(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn && b[0] == 'T' && count_char(b, bn, '/') == 2 ? 0 : -1;
}
/* Legacy OpenAI keys carry "T3BlbkFJ" (base64 of "OpenAI") in the middle. */
static int v_openai(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn == 48 && !memcmp(b + 20, "T3BlbkFJ", 8) ? 1 : -1;
}
static int v_azure(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn == 88 && b[86] == '=' && b[87] == '=' ? 0 : -1;
}

/* Legacy Grafana API keys are base64 of {"k":"...","n":"...","id":N}. */
static int v_grafana_legacy(const char *t, size_t n, const char *b, size_t bn)
{
	(void)b; (void)bn;
	unsigned char dec[300];
	long m = b64_decode(t, n, dec, sizeof(dec));
	return m > 20 && memmem(dec, (size_t)m, "\"n\":\"", 5) && memmem(dec, (size_t)m, "\"id\":", 5) ? 1 : -1;
}
/* Brevo: xkeysib-<64 hex>-<16 alnum>. */
static int v_brevo(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	if (bn != 81 || b[64] != '-')
		return -1;
	for (size_t i = 0; i < 64; i++)
		if (!rule_in_class(RC_HEX, (unsigned char)b[i]))
			return -1;
	return 1;
}
/* Flutterwave: FLWSECK-<32 hex>-X. */
static int v_flw(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn == 34 && b[32] == '-' && b[33] == 'X' ? 1 : -1;
}
/* NuGet keys are lower-case. */
static int v_lower(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	for (size_t i = 0; i < bn; i++)
		if (isupper((unsigned char)b[i]))
			return -1;
	return 0;
}

/* --- structured matchers --- */
static size_t run_len(const char *d, size_t len, size_t i, int cls, size_t cap)
{
	size_t s = i;
	while (i < len && i - s <= cap && rule_in_class(cls, (unsigned char)d[i]))
		i++;
	return i - s;
}

static int match_default(const struct rule *r, const char *d, size_t len, size_t pos,
			 struct scan_hits *out)
{
	size_t pl = strlen(r->prefix);
	if (pos + pl > len || memcmp(d + pos, r->prefix, pl) != 0)
		return 0;
	if (pos > 0 && is_alnum((unsigned char)d[pos - 1]))
		return 0;
	size_t b = pos + pl;
	size_t bn = run_len(d, len, b, r->cls, r->max);
	if (bn < r->min || bn > r->max)
		return 0;
	if (!token_body_plausible(d + b, bn))
		return 0;
	int chk = 0;
	if (r->verify && (chk = r->verify(d + pos, pl + bn, d + b, bn)) < 0)
		return 0;
	int rc = hits_push(out, r->id, r->title, pos, pl + bn, r->conf, chk);
	return rc < 0 ? rc : 1;
}

/* Discord bot tokens: base64(user id).<6>.<27..38>; the first part must
 * decode to the decimal digits of a snowflake id. */
static int m_discord(const struct rule *r, const char *d, size_t len, size_t pos,
		     struct scan_hits *out)
{
	if (pos > 0 && rule_in_class(RC_B64URL, (unsigned char)d[pos - 1]))
		return 0;
	size_t a = run_len(d, len, pos, RC_B64URL, 40);
	if (a < 24 || a > 28 || pos + a >= len || d[pos + a] != '.')
		return 0;
	size_t p2 = pos + a + 1;
	size_t b = run_len(d, len, p2, RC_B64URL, 10);
	if (b < 6 || b > 7 || p2 + b >= len || d[p2 + b] != '.')
		return 0;
	size_t p3 = p2 + b + 1;
	size_t c = run_len(d, len, p3, RC_B64URL, 40);
	if (c < 27 || c > 38)
		return 0;
	unsigned char id[32];
	long m = b64_decode(d + pos, a, id, sizeof(id));
	if (m < 17 || m > 20)
		return 0;
	for (long i = 0; i < m; i++)
		if (!isdigit(id[i]))
			return 0;
	if (!token_body_plausible(d + p3, c))
		return 0;
	int rc = hits_push(out, r->id, r->title, pos, p3 + c - pos, r->conf, 1);
	return rc < 0 ? rc : 1;
}

/* Telegram bot tokens: <8-10 digit bot id>:AA<33 base64url>. */
static int m_telegram(const struct rule *r, const char *d, size_t len, size_t pos,
		      struct scan_hits *out)
{
	size_t s = pos;
	while (s > 0 && pos - s < 11 && isdigit((unsigned char)d[s - 1]))
		s--;
	size_t digits = pos - s;
	if (digits < 8 || digits > 10 || (s > 0 && is_alnum((unsigned char)d[s - 1])))
		return 0;
	size_t bn = run_len(d, len, pos + 3, RC_B64URL, 40);
	if (bn != 33 || !token_body_plausible(d + pos + 3, bn))
		return 0;
	int rc = hits_push(out, r->id, r->title, s, pos + 3 + bn - s, r->conf, 0);
	return rc < 0 ? rc : 1;
}

/* Terraform Cloud / Enterprise: <14 alnum>.atlasv1.<60-70 base64url>. */
static int m_tfc(const struct rule *r, const char *d, size_t len, size_t pos,
		 struct scan_hits *out)
{
	if (pos < 14)
		return 0;
	size_t s = pos - 14;
	for (size_t i = s; i < pos; i++)
		if (!is_alnum((unsigned char)d[i]))
			return 0;
	if (s > 0 && is_alnum((unsigned char)d[s - 1]))
		return 0;
	size_t bn = run_len(d, len, pos + 9, RC_B64URL, 80);
	if (bn < 60 || bn > 70 || !token_body_plausible(d + pos + 9, bn))
		return 0;
	int rc = hits_push(out, r->id, r->title, s, pos + 9 + bn - s, r->conf, 0);
	return rc < 0 ? rc : 1;
}

static bool aws_secret_char(unsigned char c)
{
	return is_alnum(c) || c == '/' || c == '+';
}

/* AWS access key ids; a 40-char secret within 600 bytes makes it a pair. */
static int m_aws(const struct rule *r, const char *d, size_t len, size_t pos,
		 struct scan_hits *out)
{
	if (pos > 0 && is_alnum((unsigned char)d[pos - 1]))
		return 0;
	size_t i = pos + 4, e = i;
	while (e < len && e - i <= 16 && ((d[e] >= 'A' && d[e] <= 'Z') || (d[e] >= '2' && d[e] <= '7')))
		e++;
	if (e - i != 16 || (e < len && is_alnum((unsigned char)d[e])))
		return 0;
	if (!token_body_plausible(d + pos, 20))
		return 0;
	size_t lo = pos > 600 ? pos - 600 : 0, hi = e + 600 < len ? e + 600 : len;
	size_t sec = 0;
	bool found = false;
	for (size_t k = lo; k + 40 <= hi && !found; k++) {
		if (k > 0 && (aws_secret_char((unsigned char)d[k - 1]) || d[k - 1] == '='))
			continue;
		if (!aws_secret_char((unsigned char)d[k]))
			continue;
		size_t m = k;
		while (m < hi && m - k <= 40 && aws_secret_char((unsigned char)d[m]))
			m++;
		if (m - k != 40 || (m < len && (aws_secret_char((unsigned char)d[m]) || d[m] == '=')))
			continue;
		bool up = false, low = false, dig = false;
		for (size_t q = k; q < m; q++) {
			unsigned char c = (unsigned char)d[q];
			up |= c >= 'A' && c <= 'Z';
			low |= c >= 'a' && c <= 'z';
			dig |= (c >= '0' && c <= '9') || c == '/' || c == '+';
		}
		if (up && low && dig && token_body_plausible(d + k, 40)) {
			sec = k;
			found = true;
		}
	}
	int rc = hits_push(out, r->id, r->title, pos, 20, found ? SCAN_CONF_HIGH : SCAN_CONF_MEDIUM, 0);
	if (rc == 0 && found)
		rc = hits_push(out, "aws-secret-access-key", "AWS secret access key (paired with a key id)",
			       sec, 40, SCAN_CONF_HIGH, 0);
	return rc < 0 ? rc : 1;
}

static const char *find_in(const char *d, size_t len, size_t from, size_t limit, const char *s)
{
	size_t end = from + limit < len ? from + limit : len;
	if (from >= end)
		return NULL;
	return memmem(d + from, end - from, s, strlen(s));
}

/* PEM private keys: BEGIN ... PRIVATE KEY (or PGP PRIVATE KEY BLOCK) with
 * at least 64 base64 characters before the END line. */
static int m_pem(const struct rule *r, const char *d, size_t len, size_t pos,
		 struct scan_hits *out)
{
	size_t i = pos + 11; /* "-----BEGIN " */
	size_t lab = i;
	while (i < len && i - lab < 40 && ((d[i] >= 'A' && d[i] <= 'Z') || d[i] == ' ' || isdigit((unsigned char)d[i])))
		i++;
	size_t ln = i - lab;
	bool key = (ln >= 11 && !memcmp(d + i - 11, "PRIVATE KEY", 11)) ||
		   (ln >= 17 && !memcmp(d + i - 17, "PRIVATE KEY BLOCK", 17));
	if (!key || i + 5 > len || memcmp(d + i, "-----", 5) != 0)
		return 0;
	bool enc = memmem(d + lab, ln, "ENCRYPTED", 9) != NULL;
	const char *end = find_in(d, len, i, 64 * 1024, "-----END");
	if (!end)
		return 0;
	size_t b64 = 0;
	for (const char *p = d + i + 5; p < end; p++)
		if (rule_in_class(RC_B64, (unsigned char)*p))
			b64++;
	if (b64 < 64)
		return 0;
	if (memmem(d + i, (size_t)(end - d) - i, "Proc-Type: 4,ENCRYPTED", 22))
		enc = true;
	size_t e = (size_t)(end - d) + 8;
	while (e < len && d[e] != '\n')
		e++;
	int rc = hits_push(out, r->id, r->title, pos, e - pos,
			   enc ? SCAN_CONF_MEDIUM : SCAN_CONF_HIGH, 0);
	return rc < 0 ? rc : 1;
}

/* JWT: three base64url parts; the header decodes to JSON naming "alg". */
static int m_jwt(const struct rule *r, const char *d, size_t len, size_t pos,
		 struct scan_hits *out)
{
	if (pos > 0 && (rule_in_class(RC_B64URL, (unsigned char)d[pos - 1]) || d[pos - 1] == '.'))
		return 0;
	size_t a = run_len(d, len, pos, RC_B64URL, 2048);
	if (a < 10 || a > 2048 || pos + a >= len || d[pos + a] != '.')
		return 0;
	size_t p2 = pos + a + 1;
	size_t b = run_len(d, len, p2, RC_B64URL, 8192);
	if (b < 10 || b > 8192 || p2 + b >= len || d[p2 + b] != '.')
		return 0;
	size_t p3 = p2 + b + 1;
	size_t c = run_len(d, len, p3, RC_B64URL, 2048);
	if (c < 16 || c > 2048 || (p3 + c < len && d[p3 + c] == '.'))
		return 0;
	unsigned char h[256];
	long m = b64_decode(d + pos, a, h, sizeof(h) - 1);
	if (m < 8 || h[0] != '{' || !memmem(h, (size_t)m, "\"alg\"", 5))
		return 0;
	/* a real token carries a registered claim; README samples such as
	 * {"some":"payload"} do not */
	unsigned char pl[2048];
	long pm = b64_decode(d + p2, b, pl, sizeof(pl));
	static const char *const claims[] = { "\"iss\"", "\"sub\"", "\"aud\"", "\"exp\"",
					      "\"nbf\"", "\"iat\"", "\"jti\"" };
	bool claim = false;
	for (size_t k = 0; k < sizeof(claims) / sizeof(claims[0]) && !claim && pm > 0; k++)
		claim = memmem(pl, (size_t)pm, claims[k], 5) != NULL;
	if (!claim)
		return 0;
	if (!token_body_plausible(d + p3, c))
		return 0;
	int rc = push_prio(out, r->id, r->title, pos, p3 + c - pos, r->conf, 1, PRIO_STRUCT);
	return rc < 0 ? rc : 1;
}

static bool url_pass_placeholder(const char *p, size_t n)
{
	if (scan_value_is_placeholder(p, n))
		return true;
	static const char *const w[] = { "password", "passwd", "pass", "pwd", "secret", "pw", "mypassword" };
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (n == strlen(w[i]) && !strncasecmp(p, w[i], n))
			return true;
	return p[0] == '$' || p[0] == '{' || p[0] == '<' || p[0] == '%' || p[0] == '*' || p[0] == '[';
}

/* scheme://user:password@host: the password is the secret. */
static int m_url(const struct rule *r, const char *d, size_t len, size_t pos,
		 struct scan_hits *out)
{
	size_t s = pos;
	while (s > 0 && pos - s < 24 && (isalnum((unsigned char)d[s - 1]) || d[s - 1] == '+' || d[s - 1] == '.' || d[s - 1] == '-'))
		s--;
	if (pos - s < 2)
		return 0;
	size_t u = pos + 3, i = u;
	while (i < len && i - u < 256 && d[i] != ':' && d[i] != '@' && d[i] != '/' &&
	       !isspace((unsigned char)d[i]) && d[i] != '"' && d[i] != '\'' && d[i] != '`')
		i++;
	if (i >= len || d[i] != ':')
		return 0;
	size_t p = i + 1, e = p;
	while (e < len && e - p < 256 && d[e] != '@' && d[e] != '/' && !isspace((unsigned char)d[e]) &&
	       d[e] != '"' && d[e] != '\'' && d[e] != '`' && d[e] != '<' && d[e] != '>')
		e++;
	if (e >= len || d[e] != '@' || e == p)
		return 0;
	/* a host must follow */
	if (e + 1 >= len || !(isalnum((unsigned char)d[e + 1]) || d[e + 1] == '['))
		return 0;
	size_t pe = e;
	if (pe > p && d[pe - 1] == '\\')
		pe--; /* user:passwd\@host in a Perl or shell string */
	if (pe == p || url_pass_placeholder(d + p, pe - p) || memchr(d + p, ':', e - p))
		return 0;
	if (i > u && (d[u] == '$' || d[u] == '<' || d[u] == '{'))
		return 0;
	/* medium at most: a URL password has no provider structure */
	int conf = (e - p >= 8 && scan_entropy(d + p, e - p) >= 2.5) ? SCAN_CONF_MEDIUM : SCAN_CONF_LOW;
	int rc = push_prio(out, r->id, r->title, p, e - p, conf, 0, PRIO_STRUCT);
	return rc < 0 ? rc : 1;
}

static size_t value_end(const char *d, size_t len, size_t i)
{
	while (i < len && d[i] != '\n' && d[i] != '\r')
		i++;
	return i;
}

/* .npmrc: //registry/:_authToken=..., _auth=..., _password=... */
static int m_npmrc(const struct rule *r, const char *d, size_t len, size_t pos,
		   struct scan_hits *out)
{
	size_t v = pos + strlen(r->prefix);
	while (v < len && (d[v] == ' ' || d[v] == '\t'))
		v++;
	size_t e = value_end(d, len, v);
	while (e > v && (d[e - 1] == ' ' || d[e - 1] == '\t'))
		e--;
	if (e > v + 1 && (d[v] == '"' || d[v] == '\'') && d[e - 1] == d[v]) {
		v++;
		e--;
	}
	if (e - v < 6 || scan_value_is_placeholder(d + v, e - v) || d[v] == '$')
		return 0;
	int rc = push_prio(out, r->id, r->title, v, e - v, r->conf, 0, PRIO_STRUCT);
	return rc < 0 ? rc : 1;
}

/* .netrc: machine HOST login USER password PASS */
static int m_netrc(const struct rule *r, const char *d, size_t len, size_t pos,
		   struct scan_hits *out)
{
	if (pos > 0 && !isspace((unsigned char)d[pos - 1]))
		return 0;
	size_t v = pos + 8;
	if (v >= len || (d[v] != ' ' && d[v] != '\t'))
		return 0;
	while (v < len && (d[v] == ' ' || d[v] == '\t'))
		v++;
	size_t e = v;
	while (e < len && !isspace((unsigned char)d[e]))
		e++;
	size_t back = pos > 512 ? pos - 512 : 0;
	if (!memmem(d + back, pos - back, "machine", 7) && !memmem(d + back, pos - back, "default", 7))
		return 0;
	if (!memmem(d + back, pos - back, "login", 5))
		return 0;
	if (e - v < 4 || scan_value_is_placeholder(d + v, e - v) || url_pass_placeholder(d + v, e - v))
		return 0;
	int rc = push_prio(out, r->id, r->title, v, e - v, r->conf, 0, PRIO_STRUCT);
	return rc < 0 ? rc : 1;
}

/* Discord webhooks: https://discord.com/api/webhooks/<17-20 digit id>/<68 token>
 * (discordapp.com too). */
static int m_discord_hook(const struct rule *r, const char *d, size_t len, size_t pos,
			  struct scan_hits *out)
{
	static const char *const hosts[] = { "discord.com", "discordapp.com", "ptb.discord.com",
					     "canary.discord.com" };
	bool host = false;
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]) && !host; i++) {
		size_t l = strlen(hosts[i]);
		host = pos >= l && !memcmp(d + pos - l, hosts[i], l);
	}
	if (!host)
		return 0;
	size_t i = pos + strlen(r->prefix), id = i;
	while (i < len && isdigit((unsigned char)d[i]) && i - id <= 20)
		i++;
	if (i - id < 17 || i - id > 20 || i >= len || d[i] != '/')
		return 0;
	size_t t = i + 1, tn = run_len(d, len, t, RC_B64URL, 100);
	if (tn < 60 || tn > 90 || !token_body_plausible(d + t, tn))
		return 0;
	int rc = hits_push(out, r->id, r->title, pos, t + tn - pos, r->conf, 1);
	return rc < 0 ? rc : 1;
}

/* Asana personal access tokens: 1/ or 2/, a 16-digit user id, '/', a
 * 16-digit id, ':', 32 hex. */
static int m_asana(const struct rule *r, const char *d, size_t len, size_t pos,
		   struct scan_hits *out)
{
	if (pos > 0 && (is_alnum((unsigned char)d[pos - 1]) || d[pos - 1] == '/'))
		return 0;
	size_t i = pos + 2, a = i;
	while (i < len && isdigit((unsigned char)d[i]) && i - a <= 19)
		i++;
	if (i - a < 15 || i - a > 19 || i >= len || d[i] != '/')
		return 0;
	size_t b = ++i;
	while (i < len && isdigit((unsigned char)d[i]) && i - b <= 19)
		i++;
	if (i - b < 15 || i - b > 19 || i >= len || d[i] != ':')
		return 0;
	size_t h = ++i, hn = run_len(d, len, h, RC_HEX, 40);
	if (hn != 32 || !token_body_plausible(d + h, hn))
		return 0;
	int rc = hits_push(out, r->id, r->title, pos, h + hn - pos, r->conf, 1);
	return rc < 0 ? rc : 1;
}

/* Microsoft Entra (Azure AD) client secrets: 3 chars, a digit, "Q~", then
 * 31-34 characters of [A-Za-z0-9_~.-]. */
static bool azure_secret_char(unsigned char c)
{
	return is_alnum(c) || c == '_' || c == '~' || c == '.' || c == '-';
}
static int m_azure_ad(const struct rule *r, const char *d, size_t len, size_t pos,
		      struct scan_hits *out)
{
	if (pos < 4 || !isdigit((unsigned char)d[pos - 1]))
		return 0;
	size_t s = pos - 4;
	for (size_t i = s; i < pos - 1; i++)
		if (!azure_secret_char((unsigned char)d[i]) || d[i] == '-')
			return 0;
	if (s > 0 && azure_secret_char((unsigned char)d[s - 1]))
		return 0;
	size_t i = pos + 2;
	while (i < len && azure_secret_char((unsigned char)d[i]) && i - pos - 2 <= 34)
		i++;
	size_t n = i - pos - 2;
	if (n < 31 || n > 34 || !token_body_plausible(d + pos + 2, n))
		return 0;
	bool up = false, low = false, dig = false;
	for (size_t k = pos + 2; k < i; k++) {
		up |= isupper((unsigned char)d[k]) != 0;
		low |= islower((unsigned char)d[k]) != 0;
		dig |= isdigit((unsigned char)d[k]) != 0;
	}
	if (!(up && low && dig))
		return 0;
	int rc = hits_push(out, r->id, r->title, s, i - s, r->conf, 0);
	return rc < 0 ? rc : 1;
}

/* Tokens made of fixed segments after the prefix, each of one class and
 * length and followed by a separator (the last by a non-token byte):
 * SendGrid SG.<22>.<43>, Cloudflare Origin CA v1.0-<24 hex>-<146 hex>,
 * Harness pat.|sat.<22>.<24 hex>.<20>, Airtable pat<14>.<64 hex>. */
struct seg {
	uint8_t cls;
	uint8_t len;  /* exact */
	char sep;     /* byte after the segment; 0 for the last */
};
static const struct {
	const char *prefix;
	struct seg s[3];
	int check;    /* 1: a match verifies the structure */
} seg_specs[] = {
	{ "SG.", { { RC_B64URL, 22, '.' }, { RC_B64URL, 43, 0 } }, 0 },
	{ "v1.0-", { { RC_HEX, 24, '-' }, { RC_HEX, 146, 0 } }, 1 },
	{ "pat.", { { RC_B64URL, 22, '.' }, { RC_HEX, 24, '.' }, { RC_ALNUM, 20, 0 } }, 1 },
	{ "sat.", { { RC_B64URL, 22, '.' }, { RC_HEX, 24, '.' }, { RC_ALNUM, 20, 0 } }, 1 },
	{ "pat", { { RC_ALNUM, 14, '.' }, { RC_HEX, 64, 0 } }, 1 },
};

static int m_segments(const struct rule *r, const char *d, size_t len, size_t pos,
		      struct scan_hits *out)
{
	if (pos > 0 && is_alnum((unsigned char)d[pos - 1]))
		return 0;
	size_t k = 0, nspec = sizeof(seg_specs) / sizeof(seg_specs[0]);
	while (k < nspec && strcmp(seg_specs[k].prefix, r->prefix))
		k++;
	if (k == nspec)
		return 0;
	size_t i = pos + strlen(r->prefix), last = i, n = 0;
	for (size_t j = 0; j < 3 && seg_specs[k].s[j].len; j++) {
		const struct seg *g = &seg_specs[k].s[j];
		n = run_len(d, len, i, g->cls, g->len + 1u);
		if (n != g->len)
			return 0;
		last = i;
		i += n;
		if (g->sep) {
			if (i >= len || d[i] != g->sep)
				return 0;
			i++;
		}
	}
	if (!token_body_plausible(d + last, n))
		return 0;
	int rc = hits_push(out, r->id, r->title, pos, i - pos, r->conf, seg_specs[k].check);
	return rc < 0 ? rc : 1;
}

/* A JWT wrapped in base64 (as in Kubernetes secrets and basic-auth
 * headers): "ZXlK" is base64 of "eyJ"; the decoded text must pass the JWT
 * checks. */
static int m_b64jwt(const struct rule *r, const char *d, size_t len, size_t pos,
		    struct scan_hits *out)
{
	if (pos > 0 && rule_in_class(RC_B64, (unsigned char)d[pos - 1]))
		return 0;
	size_t n = run_len(d, len, pos, RC_B64, 12000);
	if (n < 80 || n > 12000)
		return 0;
	unsigned char *dec = malloc(n);
	if (!dec)
		return HUSH_ENOMEM;
	long m = b64_decode(d + pos, n, dec, n);
	int found = 0;
	if (m > 0) {
		struct scan_hits h = { 0 };
		static const struct rule jwt = { "jwt", "JSON Web Token", "eyJ", 0, 0, 0, SCAN_CONF_MEDIUM, NULL, m_jwt, 0 };
		found = m_jwt(&jwt, (const char *)dec, (size_t)m, 0, &h);
		scan_hits_free(&h);
	}
	free(dec);
	if (found <= 0)
		return found;
	int rc = push_prio(out, r->id, r->title, pos, n, r->conf, 1, PRIO_STRUCT);
	return rc < 0 ? rc : 1;
}

#define H SCAN_CONF_HIGH
#define M SCAN_CONF_MEDIUM
#define L SCAN_CONF_LOW
const struct rule scan_rules[] = {
	{ "github-pat", "GitHub personal access token (classic)", "ghp_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0 },
	{ "github-oauth-token", "GitHub OAuth access token", "gho_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0 },
	{ "github-user-token", "GitHub user-to-server token", "ghu_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0 },
	{ "github-app-token", "GitHub server-to-server token", "ghs_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0 },
	{ "github-refresh-token", "GitHub refresh token", "ghr_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0 },
	{ "github-fine-grained-pat", "GitHub fine-grained personal access token", "github_pat_", RC_ALNUM_US, 82, 82, H, v_ghfine, NULL, 0 },
	{ "gitlab-pat", "GitLab personal access token", "glpat-", RC_B64URL, 20, 64, H, NULL, NULL, 0 },
	{ "gitlab-pipeline-trigger", "GitLab pipeline trigger token", "glptt-", RC_B64URL, 20, 64, H, NULL, NULL, 0 },
	{ "gitlab-runner-token", "GitLab runner token", "glrt-", RC_B64URL, 20, 64, H, NULL, NULL, 0 },
	{ "gitlab-deploy-token", "GitLab deploy token", "gldt-", RC_B64URL, 20, 64, H, NULL, NULL, 0 },
	{ "slack-bot-token", "Slack bot token", "xoxb-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0 },
	{ "slack-user-token", "Slack user token", "xoxp-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0 },
	{ "slack-legacy-token", "Slack legacy/workspace token", "xoxa-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0 },
	{ "slack-refresh-token", "Slack refresh token", "xoxr-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0 },
	{ "slack-app-token", "Slack app-level token", "xapp-", RC_ALNUM_DASH, 30, 255, H, v_xapp, NULL, 0 },
	{ "slack-webhook", "Slack incoming webhook URL", "hooks.slack.com/services/", RC_SLACKHOOK, 40, 80, H, v_slackhook, NULL, 0 },
	{ "openai-project-key", "OpenAI project API key", "sk-proj-", RC_B64URL, 40, 250, H, NULL, NULL, 0 },
	{ "openai-service-account-key", "OpenAI service account key", "sk-svcacct-", RC_B64URL, 40, 250, H, NULL, NULL, 0 },
	{ "openai-admin-key", "OpenAI admin key", "sk-admin-", RC_B64URL, 40, 250, H, NULL, NULL, 0 },
	{ "openai-api-key", "OpenAI API key (legacy, T3BlbkFJ marker)", "sk-", RC_ALNUM, 48, 48, H, v_openai, NULL, 0 },
	{ "anthropic-api-key", "Anthropic API key", "sk-ant-api03-", RC_B64URL, 80, 120, H, NULL, NULL, 0 },
	{ "anthropic-admin-key", "Anthropic admin key", "sk-ant-admin01-", RC_B64URL, 80, 120, H, NULL, NULL, 0 },
	{ "anthropic-oauth-token", "Anthropic OAuth token", "sk-ant-oat01-", RC_B64URL, 80, 120, H, NULL, NULL, 0 },
	{ "aws-access-key-id", "AWS access key id", "AKIA", RC_UPALNUM, 16, 16, M, NULL, m_aws, 0 },
	{ "aws-access-key-id", "AWS access key id (temporary)", "ASIA", RC_UPALNUM, 16, 16, M, NULL, m_aws, 0 },
	{ "google-api-key", "Google API key", "AIza", RC_B64URL, 35, 35, H, NULL, NULL, 0 },
	{ "google-oauth-client-secret", "Google OAuth client secret", "GOCSPX-", RC_B64URL, 28, 28, H, NULL, NULL, 0 },
	{ "stripe-secret-key", "Stripe live secret key", "sk_live_", RC_ALNUM, 24, 247, H, NULL, NULL, 0 },
	{ "stripe-restricted-key", "Stripe live restricted key", "rk_live_", RC_ALNUM, 24, 247, H, NULL, NULL, 0 },
	{ "stripe-webhook-secret", "Stripe webhook signing secret", "whsec_", RC_B64, 32, 64, H, NULL, NULL, 0 },
	{ "npm-token", "npm access token", "npm_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0 },
	{ "pypi-token", "PyPI API token", "pypi-Ag", RC_B64URL, 50, 500, H, v_pypi, NULL, 0 },
	{ "huggingface-token", "Hugging Face access token", "hf_", RC_ALNUM, 34, 34, H, NULL, NULL, 0 },
	{ "huggingface-org-token", "Hugging Face organization token", "api_org_", RC_ALNUM, 34, 34, H, NULL, NULL, 0 },
	{ "sendgrid-api-key", "SendGrid API key", "SG.", 0, 0, 0, H, NULL, m_segments, 0 },
	{ "digitalocean-pat", "DigitalOcean personal access token", "dop_v1_", RC_HEX, 64, 64, H, NULL, NULL, 0 },
	{ "digitalocean-oauth-token", "DigitalOcean OAuth token", "doo_v1_", RC_HEX, 64, 64, H, NULL, NULL, 0 },
	{ "digitalocean-refresh-token", "DigitalOcean refresh token", "dor_v1_", RC_HEX, 64, 64, H, NULL, NULL, 0 },
	{ "dockerhub-pat", "Docker Hub personal access token", "dckr_pat_", RC_B64URL, 27, 27, H, NULL, NULL, 0 },
	{ "dockerhub-oat", "Docker Hub organization access token", "dckr_oat_", RC_B64URL, 27, 40, H, NULL, NULL, 0 },
	{ "twilio-api-key", "Twilio API key SID", "SK", RC_HEXI, 32, 32, M, NULL, NULL, 0 },
	{ "mailgun-api-key", "Mailgun API key", "key-", RC_HEXI, 32, 32, M, NULL, NULL, 0 },
	{ "shopify-access-token", "Shopify admin access token", "shpat_", RC_HEXI, 32, 32, H, NULL, NULL, 0 },
	{ "shopify-custom-app-token", "Shopify custom app token", "shpca_", RC_HEXI, 32, 32, H, NULL, NULL, 0 },
	{ "shopify-private-app-token", "Shopify private app token", "shppa_", RC_HEXI, 32, 32, H, NULL, NULL, 0 },
	{ "shopify-shared-secret", "Shopify shared secret", "shpss_", RC_HEXI, 32, 32, H, NULL, NULL, 0 },
	{ "atlassian-api-token", "Atlassian API token", "ATATT3", RC_B64URL_EQ, 150, 260, H, NULL, NULL, 0 },
	{ "discord-bot-token", "Discord bot token", "MT", RC_B64URL, 0, 0, H, NULL, m_discord, 0 },
	{ "discord-bot-token", "Discord bot token", "Mj", RC_B64URL, 0, 0, H, NULL, m_discord, 0 },
	{ "discord-bot-token", "Discord bot token", "Mz", RC_B64URL, 0, 0, H, NULL, m_discord, 0 },
	{ "discord-bot-token", "Discord bot token", "ND", RC_B64URL, 0, 0, H, NULL, m_discord, 0 },
	{ "discord-bot-token", "Discord bot token", "NT", RC_B64URL, 0, 0, H, NULL, m_discord, 0 },
	{ "discord-bot-token", "Discord bot token", "Nj", RC_B64URL, 0, 0, H, NULL, m_discord, 0 },
	{ "discord-bot-token", "Discord bot token", "Nz", RC_B64URL, 0, 0, H, NULL, m_discord, 0 },
	{ "discord-bot-token", "Discord bot token", "OD", RC_B64URL, 0, 0, H, NULL, m_discord, 0 },
	{ "discord-bot-token", "Discord bot token", "OT", RC_B64URL, 0, 0, H, NULL, m_discord, 0 },
	{ "telegram-bot-token", "Telegram bot token", ":AA", RC_B64URL, 33, 33, H, NULL, m_telegram, 0 },
	{ "square-access-token", "Square access token", "sq0atp-", RC_B64URL, 22, 22, H, NULL, NULL, 0 },
	{ "square-oauth-secret", "Square OAuth secret", "sq0csp-", RC_B64URL, 43, 43, H, NULL, NULL, 0 },
	{ "postman-api-key", "Postman API key", "PMAK-", RC_ALNUM_DASH, 59, 59, H, v_postman, NULL, 0 },
	{ "vault-service-token", "HashiCorp Vault service token", "hvs.", RC_B64URL, 24, 255, H, NULL, NULL, 0 },
	{ "vault-batch-token", "HashiCorp Vault batch token", "hvb.", RC_B64URL, 24, 255, H, NULL, NULL, 0 },
	{ "databricks-token", "Databricks access token", "dapi", RC_HEX, 32, 32, H, NULL, NULL, 0 },
	{ "linear-api-key", "Linear API key", "lin_api_", RC_ALNUM, 40, 40, H, NULL, NULL, 0 },
	{ "notion-token", "Notion integration token", "secret_", RC_ALNUM, 43, 43, M, NULL, NULL, 0 },
	{ "notion-token", "Notion integration token", "ntn_", RC_ALNUM, 46, 46, H, NULL, NULL, 0 },
	{ "doppler-token", "Doppler personal token", "dp.pt.", RC_ALNUM, 40, 44, H, NULL, NULL, 0 },
	{ "doppler-token", "Doppler service token", "dp.st.", RC_ALNUM_US, 40, 80, H, NULL, NULL, 0 },
	{ "doppler-token", "Doppler service account token", "dp.sa.", RC_ALNUM, 40, 44, H, NULL, NULL, 0 },
	{ "doppler-token", "Doppler CLI token", "dp.ct.", RC_ALNUM, 40, 44, H, NULL, NULL, 0 },
	{ "pulumi-token", "Pulumi access token", "pul-", RC_HEX, 40, 40, H, NULL, NULL, 0 },
	{ "terraform-cloud-token", "Terraform Cloud token", ".atlasv1.", RC_B64URL, 60, 70, H, NULL, m_tfc, 0 },
	{ "grafana-cloud-token", "Grafana Cloud token", "glc_", RC_B64, 32, 400, H, v_glc, NULL, 0 },
	{ "grafana-service-account-token", "Grafana service account token", "glsa_", RC_ALNUM_US, 41, 41, H, v_glsa, NULL, 0 },
	{ "newrelic-user-key", "New Relic user API key", "NRAK-", RC_UPALNUM, 27, 27, H, NULL, NULL, 0 },
	{ "sentry-org-token", "Sentry organization token", "sntrys_", RC_B64_US, 60, 400, H, v_sentry, NULL, 0 },
	{ "sentry-user-token", "Sentry user token", "sntryu_", RC_HEX, 64, 64, H, NULL, NULL, 0 },
	{ "age-secret-key", "age secret key", "AGE-SECRET-KEY-1", RC_UPALNUM, 58, 58, H, v_age, NULL, 0 },
	{ "azure-storage-key", "Azure storage account key", "AccountKey=", RC_B64, 88, 88, H, v_azure, NULL, 0 },
	{ "heroku-api-key", "Heroku API key", "HRKU-", RC_B64URL, 40, 80, H, NULL, NULL, 0 },
	{ "supabase-token", "Supabase access token", "sbp_", RC_HEX, 40, 40, H, NULL, NULL, 0 },
	{ "replicate-token", "Replicate API token", "r8_", RC_ALNUM, 37, 37, H, NULL, NULL, 0 },
	{ "groq-api-key", "Groq API key", "gsk_", RC_ALNUM, 52, 52, H, NULL, NULL, 0 },
	{ "perplexity-api-key", "Perplexity API key", "pplx-", RC_ALNUM, 48, 48, H, NULL, NULL, 0 },
	{ "xai-api-key", "xAI API key", "xai-", RC_ALNUM, 80, 80, H, NULL, NULL, 0 },
	{ "tailscale-key", "Tailscale auth/API key", "tskey-", RC_ALNUM_DASH, 30, 100, H, NULL, NULL, 0 },
	{ "planetscale-password", "PlanetScale password", "pscale_pw_", RC_B64URL, 32, 64, H, NULL, NULL, 0 },
	{ "planetscale-token", "PlanetScale service token", "pscale_tkn_", RC_B64URL, 32, 64, H, NULL, NULL, 0 },
	{ "netlify-token", "Netlify personal access token", "nfp_", RC_ALNUM, 36, 40, H, NULL, NULL, 0 },
	{ "onepassword-service-token", "1Password service account token", "ops_eyJ", RC_B64, 100, 2000, H, NULL, NULL, 0 },
	{ "contentful-token", "Contentful personal access token", "CFPAT-", RC_B64URL, 43, 43, H, NULL, NULL, 0 },
	{ "dynatrace-token", "Dynatrace API token", "dt0c01.", RC_UP_DOT, 89, 89, H, v_dynatrace, NULL, 0 },
	{ "rubygems-api-key", "RubyGems API key", "rubygems_", RC_HEX, 48, 48, H, NULL, NULL, 0 },
	{ "buildkite-token", "Buildkite API token", "bkua_", RC_HEX, 40, 40, H, NULL, NULL, 0 },
	{ "figma-token", "Figma personal access token", "figd_", RC_B64URL, 40, 45, H, NULL, NULL, 0 },
	{ "mapbox-secret-token", "Mapbox secret token", "sk.eyJ", RC_B64URL_DOT, 80, 400, H, NULL, NULL, 0 },
	{ "render-api-key", "Render API key", "rnd_", RC_ALNUM, 32, 32, H, NULL, NULL, 0 },
	{ "prefect-api-key", "Prefect API key", "pnu_", RC_ALNUM, 36, 36, H, NULL, NULL, 0 },
	{ "cratesio-api-token", "crates.io API token", "cio", RC_ALNUM, 32, 32, H, NULL, NULL, 0 },
	{ "clojars-token", "Clojars deploy token", "CLOJARS_", RC_ALNUM, 60, 60, H, NULL, NULL, 0 },
	{ "slack-config-token", "Slack configuration token", "xoxe.xoxp-", RC_ALNUM_DASH, 30, 255, H, v_slackcfg, NULL, 0 },
	{ "slack-config-token", "Slack configuration token", "xoxe.xoxb-", RC_ALNUM_DASH, 30, 255, H, v_slackcfg, NULL, 0 },
	{ "slack-config-refresh-token", "Slack configuration refresh token", "xoxe-", RC_ALNUM_DASH, 30, 255, H, v_slackcfg, NULL, 0 },
	{ "slack-legacy-token", "Slack legacy workspace token", "xoxs-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0 },
	{ "slack-legacy-token", "Slack legacy token", "xoxo-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0 },
	{ "slack-session-token", "Slack session token", "xoxc-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0 },
	{ "slack-webhook", "Slack workflow webhook URL", "hooks.slack.com/workflows/", RC_SLACKHOOK, 40, 120, H, v_slackflow, NULL, 0 },
	{ "slack-webhook", "Slack workflow trigger URL", "hooks.slack.com/triggers/", RC_SLACKHOOK, 40, 120, H, v_slackflow, NULL, 0 },
	{ "discord-webhook", "Discord webhook URL", "/api/webhooks/", 0, 0, 0, H, NULL, m_discord_hook, 0 },
	{ "gitlab-cicd-job-token", "GitLab CI/CD job token", "glcbt-", RC_B64URL, 20, 80, H, NULL, NULL, 0 },
	{ "gitlab-feed-token", "GitLab feed token", "glft-", RC_B64URL, 20, 64, H, NULL, NULL, 0 },
	{ "gitlab-incoming-mail-token", "GitLab incoming mail token", "glimt-", RC_B64URL, 20, 64, H, NULL, NULL, 0 },
	{ "gitlab-agent-token", "GitLab Kubernetes agent token", "glagent-", RC_B64URL, 50, 1024, H, NULL, NULL, 0 },
	{ "gitlab-oauth-secret", "GitLab OAuth application secret", "gloas-", RC_B64URL, 64, 64, H, NULL, NULL, 0 },
	{ "gitlab-scim-token", "GitLab SCIM token", "glsoat-", RC_B64URL, 20, 64, H, NULL, NULL, 0 },
	{ "gitlab-feature-flag-token", "GitLab feature flags client token", "glffct-", RC_B64URL, 20, 64, H, NULL, NULL, 0 },
	{ "gitlab-runner-registration-token", "GitLab runner registration token", "GR1348941", RC_B64URL, 20, 20, H, NULL, NULL, 0 },
	{ "sonarqube-token", "SonarQube user token", "squ_", RC_HEX, 40, 40, H, NULL, NULL, 0 },
	{ "sonarqube-token", "SonarQube project analysis token", "sqp_", RC_HEX, 40, 40, H, NULL, NULL, 0 },
	{ "sonarqube-token", "SonarQube global analysis token", "sqa_", RC_HEX, 40, 40, H, NULL, NULL, 0 },
	{ "jfrog-api-key", "JFrog Artifactory API key", "AKCp", RC_ALNUM, 69, 69, H, NULL, NULL, 0 },
	{ "jfrog-reference-token", "JFrog reference/identity token", "cmVmdGtuOjAxOj", RC_ALNUM, 50, 60, H, NULL, NULL, 0 },
	{ "flyio-token", "Fly.io access token", "fo1_", RC_B64URL, 43, 43, H, NULL, NULL, 0 },
	{ "flyio-token", "Fly.io macaroon token", "fm2_", RC_B64_US, 100, 2000, H, NULL, NULL, 0 },
	{ "flyio-token", "Fly.io macaroon token", "fm1r_", RC_B64_US, 100, 2000, H, NULL, NULL, 0 },
	{ "flyio-token", "Fly.io macaroon token", "fm1a_", RC_B64_US, 100, 2000, H, NULL, NULL, 0 },
	{ "cloudflare-origin-ca-key", "Cloudflare Origin CA key", "v1.0-", 0, 0, 0, H, NULL, m_segments, 0 },
	{ "twitter-bearer-token", "Twitter/X bearer token", "AAAAAAAAAAAAAAAAAAAAA", RC_URLENC, 60, 140, H, NULL, NULL, 0 },
	{ "newrelic-insert-key", "New Relic insert key", "NRII-", RC_B64URL, 32, 32, H, NULL, NULL, 0 },
	{ "newrelic-browser-key", "New Relic browser API token", "NRJS-", RC_HEX, 19, 19, H, NULL, NULL, 0 },
	{ "newrelic-admin-key", "New Relic admin API key", "NRAA-", RC_HEX, 27, 27, H, NULL, NULL, 0 },
	{ "asana-pat", "Asana personal access token", "1/", 0, 0, 0, H, NULL, m_asana, 0 },
	{ "asana-pat", "Asana personal access token", "2/", 0, 0, 0, H, NULL, m_asana, 0 },
	{ "azure-ad-client-secret", "Microsoft Entra ID (Azure AD) client secret", "Q~", 0, 0, 0, H, NULL, m_azure_ad, 0 },
	{ "harness-token", "Harness personal access token", "pat.", 0, 0, 0, H, NULL, m_segments, 0 },
	{ "harness-token", "Harness service account token", "sat.", 0, 0, 0, H, NULL, m_segments, 0 },
	{ "airtable-pat", "Airtable personal access token", "pat", 0, 0, 0, H, NULL, m_segments, 0 },
	{ "grafana-api-key", "Grafana API key (legacy)", "eyJrIjoi", RC_B64, 60, 400, H, v_grafana_legacy, NULL, 0 },
	{ "brevo-api-key", "Brevo (Sendinblue) API key", "xkeysib-", RC_ALNUM_DASH, 81, 81, H, v_brevo, NULL, 0 },
	{ "dropbox-token", "Dropbox short-lived access token", "sl.", RC_B64URL, 130, 160, H, NULL, NULL, 0 },
	{ "nuget-api-key", "NuGet API key", "oy2", RC_ALNUM, 43, 43, M, v_lower, NULL, 0 },
	{ "easypost-api-key", "EasyPost production API key", "EZAK", RC_ALNUM, 54, 54, H, NULL, NULL, 0 },
	{ "shippo-api-token", "Shippo live API token", "shippo_live_", RC_HEX, 40, 40, H, NULL, NULL, 0 },
	{ "duffel-api-token", "Duffel live API token", "duffel_live_", RC_B64URL, 43, 43, H, NULL, NULL, 0 },
	{ "flutterwave-secret-key", "Flutterwave live secret key", "FLWSECK-", RC_ALNUM_DASH, 34, 34, H, v_flw, NULL, 0 },
	{ "nvidia-api-key", "NVIDIA API key", "nvapi-", RC_B64URL, 64, 64, H, NULL, NULL, 0 },
	{ "openrouter-api-key", "OpenRouter API key", "sk-or-v1-", RC_HEX, 64, 64, H, NULL, NULL, 0 },
	{ "posthog-personal-key", "PostHog personal API key", "phx_", RC_ALNUM, 43, 47, H, NULL, NULL, 0 },
	{ "frameio-token", "Frame.io API token", "fio-u-", RC_B64URL, 64, 64, H, NULL, NULL, 0 },
	{ "alibaba-access-key-id", "Alibaba Cloud AccessKey ID", "LTAI", RC_ALNUM, 20, 20, M, NULL, NULL, 0 },
	{ "google-oauth-access-token", "Google OAuth access token", "ya29.", RC_B64URL, 50, 2048, M, NULL, NULL, 0 },
	{ "jwt-base64", "JSON Web Token wrapped in base64", "ZXlK", 0, 0, 0, M, NULL, m_b64jwt, 0 },
	{ "private-key", "private key (PEM)", "-----BEGIN ", 0, 0, 0, H, NULL, m_pem, 0 },
	{ "jwt", "JSON Web Token", "eyJ", 0, 0, 0, M, NULL, m_jwt, 0 },
	{ "url-password", "password in a URL", "://", 0, 0, 0, H, NULL, m_url, 0 },
	{ "npmrc-auth", "npm registry credential", "_authToken=", 0, 0, 0, M, NULL, m_npmrc, SCAN_F_NPMRC },
	{ "npmrc-auth", "npm registry credential", "_auth=", 0, 0, 0, M, NULL, m_npmrc, SCAN_F_NPMRC },
	{ "npmrc-auth", "npm registry credential", "_password=", 0, 0, 0, M, NULL, m_npmrc, SCAN_F_NPMRC },
	{ "netrc-password", ".netrc password", "password", 0, 0, 0, M, NULL, m_netrc, SCAN_F_NETRC },
};
#undef H
#undef M
#undef L
const size_t scan_nrules = sizeof(scan_rules) / sizeof(scan_rules[0]);

int rule_try(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out)
{
	size_t pl = strlen(r->prefix);
	if (pos + pl > len || memcmp(d + pos, r->prefix, pl) != 0)
		return 0;
	return r->match ? r->match(r, d, len, pos, out) : match_default(r, d, len, pos, out);
}

size_t scan_rule_count(void)
{
	return scan_nrules;
}

const char *scan_rule_id(size_t i, const char **title)
{
	if (i >= scan_nrules)
		return NULL;
	if (title)
		*title = scan_rules[i].title;
	return scan_rules[i].id;
}
