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
	case RC_B64_ALL: return alnum || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
	case RC_B64URL_EQDOT: return alnum || c == '_' || c == '-' || c == '=' || c == '.';
	case RC_ALNUM_DOT: return alnum || c == '.';
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
	/* a short unit repeated: 123123123123, abababab... */
	for (size_t p = 2; p <= 4 && n >= 12; p++) {
		size_t i = p;
		while (i < n && b[i] == b[i - p])
			i++;
		if (i == n)
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
	if (!us || us - b < 8 || bn - (size_t)(us - b) - 1 != 43)
		return -1; /* the secret after the last '_' is 43 characters */
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

/* Slack ids: <team id>-<user id>[-...] with 8-14 digit ids (workspace
 * tokens lead with a version, "2-"), or the legacy bot form
 * <bot id>-<18-26 alphanumerics>. */
static bool mixed_case_digits(const char *b, size_t bn)
{
	bool up = false, low = false, dig = false;
	for (size_t i = 0; i < bn; i++) {
		unsigned char c = (unsigned char)b[i];
		up |= isupper(c) != 0;
		low |= islower(c) != 0;
		dig |= isdigit(c) != 0;
	}
	return up && low && dig;
}
/* Letters and digits both (an upper-case key, not a word). */
static int v_alnum_both(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	bool a = false, dg = false;
	for (size_t i = 0; i < bn; i++) {
		a |= isalpha((unsigned char)b[i]) != 0;
		dg |= isdigit((unsigned char)b[i]) != 0;
	}
	return a && dg ? 0 : -1;
}
static size_t digits_at(const char *b, size_t bn, size_t i)
{
	size_t s = i;
	while (i < bn && isdigit((unsigned char)b[i]))
		i++;
	return i - s;
}
static int v_slack(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	if (bn && b[bn - 1] == '-')
		return -1; /* the secret part is missing (xoxp-1-2-3-####) */
	size_t i = bn > 2 && isdigit((unsigned char)b[0]) && b[1] == '-' ? 2 : 0;
	size_t a = digits_at(b, bn, i);
	if (a < 8 || a > 14 || i + a >= bn || b[i + a] != '-')
		return -1;
	i += a + 1;
	size_t u = digits_at(b, bn, i);
	if (u >= 8 && u <= 14)
		return 0;
	size_t k = i;
	while (k < bn && is_alnum((unsigned char)b[k]))
		k++;
	return u == 0 && k == bn && bn - i >= 18 && bn - i <= 26 && mixed_case_digits(b + i, bn - i) ? 0 : -1;
}
static int v_xapp(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn > 2 && b[0] == '1' && b[1] == '-' && count_char(b, bn, '-') >= 3 ? 0 : -1;
}
/* Slack configuration tokens: xoxe.xoxp-1-..., xoxe-1-...; xoxe- also
 * carries user tokens (xoxe-<id>-<id>-...). */
static int v_slackcfg(const char *t, size_t n, const char *b, size_t bn)
{
	if (bn > 2 && isdigit((unsigned char)b[0]) && b[1] == '-')
		return v_alnum_both(t, n, b + 2, bn - 2); /* not ...-1-SlackAppConfigurationTokenHere */
	return v_slack(t, n, b, bn);
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
/* Mixed case and digits: a random body, not a hex digest or a word. */
static int v_mixed(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return mixed_case_digits(b, bn) ? 0 : -1;
}
/* Amazon Bedrock API keys: ABSK + base64 of "BedrockAPIKey-..."; short-lived
 * ones: bedrock-api-key- + base64 of a presigned bedrock.amazonaws.com URL. */
static int v_bedrock(const char *t, size_t n, const char *b, size_t bn)
{
	(void)n;
	return json_prefix(b, bn, t[0] == 'A' ? "BedrockAPIKey-" : "bedrock.amazonaws.com/") ? 1 : -1;
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
	/* a word starts here (video_box.ico-7a38... is a file name) */
	if (pos > 0 && (is_alnum((unsigned char)d[pos - 1]) || d[pos - 1] == '.' || d[pos - 1] == '_'))
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

/* Tokens made of segments after the prefix, each a run of one class (or a
 * fixed text) followed by one of its separator bytes, the last by a
 * non-token byte. A prefix may have several shapes; the first that fits
 * wins. */
struct seg {
	uint8_t cls;
	uint8_t min, max; /* min == max with a separator: exactly that many (the
			   * separator may then be in the class) */
	const char *sep;  /* bytes that may follow; NULL for the last segment */
	const char *lit;  /* a fixed text instead of a class run */
};
#define SEG(c, n, sep) { c, n, n, sep, NULL }
#define SEG_UUID(end) SEG(RC_HEXI, 8, "-"), SEG(RC_HEXI, 4, "-"), SEG(RC_HEXI, 4, "-"), \
		      SEG(RC_HEXI, 4, "-"), SEG(RC_HEXI, 12, end)
static const struct seg_spec {
	const char *prefix;
	struct seg s[18];
	int check;    /* 1: a match verifies the structure */
} seg_specs[] = {
	/* SendGrid SG.<22>.<43> */
	{ "SG.", { SEG(RC_B64URL, 22, "."), SEG(RC_B64URL, 43, NULL) }, 0 },
	/* Cloudflare Origin CA v1.0-<24 hex>-<146 hex> */
	{ "v1.0-", { SEG(RC_HEX, 24, "-"), SEG(RC_HEX, 146, NULL) }, 1 },
	/* Harness pat.|sat.<account 22>.<token id 24>.<secret 20> */
	{ "pat.", { SEG(RC_B64URL, 22, "."), SEG(RC_ALNUM, 24, "."), SEG(RC_ALNUM, 20, NULL) }, 1 },
	{ "sat.", { SEG(RC_B64URL, 22, "."), SEG(RC_ALNUM, 24, "."), SEG(RC_ALNUM, 20, NULL) }, 1 },
	/* Airtable pat<14>.<64 hex> */
	{ "pat", { SEG(RC_ALNUM, 14, "."), SEG(RC_HEX, 64, NULL) }, 1 },
	/* 1Password account secret key A3-<6>-<6>-<5>-<5>-<5>-<5> (or -<11>-) */
	{ "A3-", { SEG(RC_UPALNUM, 6, "-"), SEG(RC_UPALNUM, 6, "-"), SEG(RC_UPALNUM, 5, "-"),
		   SEG(RC_UPALNUM, 5, "-"), SEG(RC_UPALNUM, 5, "-"), SEG(RC_UPALNUM, 5, NULL) }, 1 },
	{ "A3-", { SEG(RC_UPALNUM, 6, "-"), SEG(RC_UPALNUM, 11, "-"), SEG(RC_UPALNUM, 5, "-"),
		   SEG(RC_UPALNUM, 5, "-"), SEG(RC_UPALNUM, 5, NULL) }, 1 },
	/* Authress service client keys <kind>_<client>.<key id>.acc_<account>.<secret> */
#define AUTHRESS { { RC_ALNUM, 5, 30, ".", NULL }, { RC_ALNUM, 4, 6, ".", NULL }, { 0, 0, 0, "_-", "acc" }, \
		   { RC_ALNUM_DASH, 10, 32, ".", NULL }, { RC_B64_ALL, 30, 120, NULL, NULL } }, 1
	{ "sc_", AUTHRESS }, { "ext_", AUTHRESS }, { "scauth_", AUTHRESS }, { "authress_", AUTHRESS },
#undef AUTHRESS
	/* Sourcegraph sgp_<16 hex instance>_<40 hex>, sgp_local_<40>, sgp_<40> */
	{ "sgp_", { SEG(RC_HEXI, 16, "_"), SEG(RC_HEXI, 40, NULL) }, 1 },
	{ "sgp_", { { 0, 0, 0, "_", "local" }, SEG(RC_HEXI, 40, NULL) }, 1 },
	{ "sgp_", { SEG(RC_HEXI, 40, NULL) }, 0 },
	/* Plaid access tokens access-<environment>-<UUID> */
	{ "access-sandbox-", { SEG_UUID(NULL) }, 1 },
	{ "access-development-", { SEG_UUID(NULL) }, 1 },
	{ "access-production-", { SEG_UUID(NULL) }, 1 },
	/* Defined Networking dnkey-<26>-<52> */
	{ "dnkey-", { SEG(RC_B64URL_EQ, 26, "-"), SEG(RC_B64URL_EQ, 52, NULL) }, 1 },
	/* Yandex Cloud IAM tokens t1.<header>.<86 base64url> */
	{ "t1.", { { RC_B64URL_EQ, 2, 250, ".", NULL }, { RC_B64URL_EQ, 86, 88, NULL, NULL } }, 1 },
	/* Microsoft Teams incoming webhooks */
#define TEAMS { SEG_UUID("@"), SEG_UUID("/"), { 0, 0, 0, "/", "IncomingWebhook" }, SEG(RC_ALNUM, 32, "/"), \
		SEG_UUID(NULL) }, 1
	{ ".webhook.office.com/webhookb2/", TEAMS },
	{ "outlook.office.com/webhook/", TEAMS },
#undef TEAMS
};
#undef SEG
#undef SEG_UUID

/* Matches spec sp at d[i...]; returns the end, or 0. *last and *lastn: the
 * last class segment (judged for plausibility). */
static size_t seg_fit(const struct seg_spec *sp, const char *d, size_t len, size_t i,
		      size_t *last, size_t *lastn)
{
	for (size_t j = 0; j < sizeof(sp->s) / sizeof(sp->s[0]) && (sp->s[j].lit || sp->s[j].max); j++) {
		const struct seg *g = &sp->s[j];
		size_t n;
		if (g->lit) {
			n = strlen(g->lit);
			if (i + n > len || memcmp(d + i, g->lit, n) != 0)
				return 0;
		} else if (g->min == g->max && g->sep) {
			n = g->min;
			if (i + n > len || run_len(d, len, i, g->cls, n) < n)
				return 0;
		} else {
			n = run_len(d, len, i, g->cls, g->max);
			if (n < g->min || n > g->max)
				return 0;
		}
		if (!g->lit) {
			*last = i;
			*lastn = n;
		}
		i += n;
		if (g->sep) {
			if (i >= len || !d[i] || !strchr(g->sep, d[i]))
				return 0;
			i++;
		}
	}
	return i;
}

static int m_segments(const struct rule *r, const char *d, size_t len, size_t pos,
		      struct scan_hits *out)
{
	/* a prefix that starts with a letter or digit starts a word */
	if (pos > 0 && is_alnum((unsigned char)d[pos - 1]) && is_alnum((unsigned char)r->prefix[0]))
		return 0;
	for (size_t k = 0; k < sizeof(seg_specs) / sizeof(seg_specs[0]); k++) {
		if (strcmp(seg_specs[k].prefix, r->prefix) != 0)
			continue;
		size_t last = 0, n = 0;
		size_t e = seg_fit(&seg_specs[k], d, len, pos + strlen(r->prefix), &last, &n);
		if (!e || !token_body_plausible(d + last, n))
			continue;
		int rc = hits_push(out, r->id, r->title, pos, e - pos, r->conf, seg_specs[k].check);
		return rc < 0 ? rc : 1;
	}
	return 0;
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
		static const struct rule jwt = { .id = "jwt", .title = "JSON Web Token", .prefix = "eyJ",
						 .conf = SCAN_CONF_MEDIUM, .match = m_jwt };
		found = m_jwt(&jwt, (const char *)dec, (size_t)m, 0, &h);
		scan_hits_free(&h);
	}
	free(dec);
	if (found <= 0)
		return found;
	int rc = push_prio(out, r->id, r->title, pos, n, r->conf, 1, PRIO_STRUCT);
	return rc < 0 ? rc : 1;
}

/* The start of exactly n bytes of class cls ending at pos, preceded by a
 * byte outside it (or the start); (size_t)-1 if there is none. */
static size_t back_run(const char *d, size_t pos, int cls, size_t n)
{
	if (pos < n)
		return (size_t)-1;
	for (size_t i = pos - n; i < pos; i++)
		if (!rule_in_class(cls, (unsigned char)d[i]))
			return (size_t)-1;
	if (pos > n && rule_in_class(cls, (unsigned char)d[pos - n - 1]))
		return (size_t)-1;
	return pos - n;
}

/* Mailchimp API keys: <32 hex>-us<data center 1-2 digits>. */
static int m_mailchimp(const struct rule *r, const char *d, size_t len, size_t pos,
		       struct scan_hits *out)
{
	size_t s = back_run(d, pos, RC_HEX, 32);
	if (s == (size_t)-1 || !token_body_plausible(d + s, 32))
		return 0;
	size_t k = digits_at(d, len, pos + 3);
	if (k < 1 || k > 2 || (pos + 3 + k < len && is_alnum((unsigned char)d[pos + 3 + k])))
		return 0;
	int rc = hits_push(out, r->id, r->title, s, pos + 3 + k - s, r->conf, 1);
	return rc < 0 ? rc : 1;
}

/* MaxMind license keys: <6>_<29>_mmk. */
static int m_maxmind(const struct rule *r, const char *d, size_t len, size_t pos,
		     struct scan_hits *out)
{
	size_t b = back_run(d, pos, RC_ALNUM, 29);
	if (b == (size_t)-1 || b < 1 || d[b - 1] != '_')
		return 0;
	size_t a = back_run(d, b - 1, RC_ALNUM, 6);
	if (a == (size_t)-1 || (pos + 4 < len && rule_in_class(RC_ALNUM_US, (unsigned char)d[pos + 4])) ||
	    !token_body_plausible(d + b, 29))
		return 0;
	int rc = hits_push(out, r->id, r->title, a, pos + 4 - a, r->conf, 1);
	return rc < 0 ? rc : 1;
}

/* --- Kubernetes Secret manifests: the values under data: (base64) and
 * stringData: (plain) of a YAML document of kind Secret. --- */
static size_t line_indent(const char *d, size_t len, size_t ls)
{
	size_t i = ls;
	while (i < len && (d[i] == ' ' || d[i] == '\t'))
		i++;
	return i - ls;
}

/* One data:/stringData: value d[vs..ve): 1 when reported. */
static int k8s_value(const struct rule *r, const char *d, size_t vs, size_t ve, bool b64,
		     struct scan_hits *out)
{
	while (ve > vs && isspace((unsigned char)d[ve - 1]))
		ve--;
	if (ve - vs >= 2 && (d[vs] == '"' || d[vs] == '\'') && d[ve - 1] == d[vs]) {
		vs++;
		ve--;
	}
	size_t n = ve - vs;
	if (n < (b64 ? 12 : 6) || scan_value_is_placeholder(d + vs, n) || d[vs] == '|' || d[vs] == '>')
		return 0;
	if (b64) {
		if (run_len(d, ve, vs, RC_B64, n) != n)
			return 0;
		unsigned char dec[512];
		long m = b64_decode(d + vs, n, dec, sizeof(dec));
		if (m < 6)
			return 0;
		bool text = true;
		for (long i = 0; i < m; i++)
			text &= dec[i] >= 0x20 && dec[i] < 0x7f;
		if (text && scan_value_is_placeholder((const char *)dec, (size_t)m))
			return 0;
	} else if (!token_body_plausible(d + vs, n) || memchr(d + vs, ' ', n)) {
		return 0;
	}
	int rc = push_prio(out, r->id, r->title, vs, n, r->conf, 0, PRIO_STRUCT);
	return rc < 0 ? rc : 1;
}

static int m_k8s_secret(const struct rule *r, const char *d, size_t len, size_t pos,
			struct scan_hits *out)
{
	if (pos > 0 && !isspace((unsigned char)d[pos - 1]))
		return 0;
	size_t i = pos + 5;
	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '"' || d[i] == '\''))
		i++;
	if (i + 6 > len || strncasecmp(d + i, "secret", 6) != 0)
		return 0;
	i += 6;
	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '"' || d[i] == '\'' || d[i] == '\r'))
		i++;
	if (i < len && d[i] != '\n')
		return 0;
	/* the YAML document around it: between --- lines, at most 64 KiB */
	size_t ds = pos, de = i;
	while (ds > 0 && pos - ds < 65536 && !(d[ds - 1] == '\n' && ds + 3 <= len && !memcmp(d + ds, "---", 3)))
		ds--;
	while (de < len && de - pos < 65536 && !(d[de] == '\n' && de + 4 <= len && !memcmp(d + de + 1, "---", 3)))
		de++;
	int found = 0;
	for (size_t ls = ds; ls < de;) {
		size_t le = ls;
		while (le < de && d[le] != '\n')
			le++;
		size_t ind = line_indent(d, de, ls), t = ls + ind, te = le;
		while (te > t && isspace((unsigned char)d[te - 1]))
			te--;
		bool b64 = te - t == 5 && !memcmp(d + t, "data:", 5);
		if (b64 || (te - t == 11 && !memcmp(d + t, "stringData:", 11))) {
			/* the entries below it, indented deeper */
			size_t es = le + 1;
			while (es < de) {
				size_t ee = es;
				while (ee < de && d[ee] != '\n')
					ee++;
				size_t ei = line_indent(d, de, es), k = es + ei;
				if (k < ee && d[k] != '#') {
					if (ei <= ind)
						break;
					const char *colon = memchr(d + k, ':', ee - k);
					if (colon && colon + 1 < d + ee && (colon[1] == ' ' || colon[1] == '\t')) {
						size_t vs = (size_t)(colon - d) + 1;
						while (vs < ee && (d[vs] == ' ' || d[vs] == '\t'))
							vs++;
						int rc = k8s_value(r, d, vs, ee, b64, out);
						if (rc < 0)
							return rc;
						found |= rc;
					}
				}
				es = ee + 1;
			}
			le = es > 0 ? es - 1 : es;
		}
		ls = le + 1;
	}
	return found;
}

/* --- curl command lines: -u user:password and -H 'Authorization: ...' --- */
/* A shell word at i, quoted or bare: [*vs, *ve) is its text without the
 * quotes. Returns the index after it. */
static size_t shell_word(const char *d, size_t end, size_t i, size_t *vs, size_t *ve)
{
	if (i < end && (d[i] == '"' || d[i] == '\'')) {
		size_t k = i + 1;
		while (k < end && d[k] != d[i] && d[k] != '\n')
			k++;
		*vs = i + 1;
		*ve = k;
		return k < end ? k + 1 : k;
	}
	size_t k = i;
	while (k < end && !isspace((unsigned char)d[k]) && d[k] != '"' && d[k] != '\'')
		k++;
	*vs = i;
	*ve = k;
	return k;
}

/* A credential typed into a command, not a placeholder or a variable. */
static bool cmd_cred_ok(const char *v, size_t n, size_t min)
{
	return n >= min && !url_pass_placeholder(v, n) && !memmem(v, n, "$(", 2) &&
	       !memmem(v, n, "${", 2) && token_body_plausible(v, n);
}

static int curl_push(const struct rule *r, struct scan_hits *out, const char *d, size_t s, size_t n,
		     bool structured)
{
	int conf = structured || (n >= 16 && scan_entropy(d + s, n) >= 3.0) ? SCAN_CONF_MEDIUM : SCAN_CONF_LOW;
	int rc = push_prio(out, r->id, r->title, s, n, conf, 0, PRIO_STRUCT);
	return rc < 0 ? rc : 1;
}

/* -u/--user user:password: the password (the user part when the password
 * is empty: API keys are sent as "key:"). These return 1 when they report,
 * 0 when not, HUSH_ENOMEM. */
static int curl_user(const struct rule *r, const char *d, size_t vs, size_t ve, struct scan_hits *out)
{
	const char *colon = memchr(d + vs, ':', ve - vs);
	if (!colon || (d[vs] == '<' && d[ve - 1] == '>'))
		return 0;
	size_t c = (size_t)(colon - d), s = c + 1, e = ve;
	if (s == e) {
		s = vs;
		e = c;
	}
	if (!cmd_cred_ok(d + s, e - s, 3) || (s == c + 1 && memchr(d + vs, '$', c - vs)))
		return 0;
	bool strong = e - s >= 8 && scan_entropy(d + s, e - s) >= 2.5;
	return curl_push(r, out, d, s, e - s, strong);
}

/* -H 'Authorization: <scheme> <credentials>' or a header whose name says
 * secret (X-API-Key, Token, ...). */
static int curl_header(const struct rule *r, const char *d, size_t vs, size_t ve, struct scan_hits *out)
{
	const char *colon = memchr(d + vs, ':', ve - vs);
	if (!colon)
		return 0;
	size_t ne = (size_t)(colon - d), v = ne + 1;
	while (ne > vs && d[ne - 1] == ' ')
		ne--;
	while (v < ve && (d[v] == ' ' || d[v] == '\t'))
		v++;
	bool authz = (ne - vs == 13 && !strncasecmp(d + vs, "Authorization", 13)) ||
		     (ne - vs == 19 && !strncasecmp(d + vs, "Proxy-Authorization", 19));
	if (!authz && !scan_name_is_secret(d + vs, ne - vs))
		return 0;
	size_t e = ve;
	while (e > v && isspace((unsigned char)d[e - 1]))
		e--;
	const char *sp = memchr(d + v, ' ', e - v);
	if (authz && sp) {
		size_t scheme = (size_t)(sp - d) - v, c = (size_t)(sp - d) + 1;
		while (c < e && d[c] == ' ')
			c++;
		if (scheme == 5 && !strncasecmp(d + v, "Basic", 5)) {
			/* base64 of user:password */
			unsigned char dec[256];
			long m = b64_decode(d + c, e - c, dec, sizeof(dec));
			const unsigned char *dc = m > 0 ? memchr(dec, ':', (size_t)m) : NULL;
			if (!dc)
				return 0;
			for (long i = 0; i < m; i++)
				if (dec[i] < 0x20 || dec[i] >= 0x7f)
					return 0;
			size_t pl = (size_t)m - (size_t)(dc - dec) - 1;
			const char *part = pl ? (const char *)dc + 1 : (const char *)dec;
			size_t partn = pl ? pl : (size_t)(dc - dec);
			if (!cmd_cred_ok(part, partn, 6))
				return 0;
			return curl_push(r, out, d, c, e - c, true);
		}
		v = c;
	}
	bool digit = false;
	for (size_t i = v; i < e; i++)
		digit |= isdigit((unsigned char)d[i]) != 0;
	if (!digit || !cmd_cred_ok(d + v, e - v, 8))
		return 0;
	return curl_push(r, out, d, v, e - v, false);
}

/* curl ... (the command runs on over lines ending in a backslash). */
static int m_curl(const struct rule *r, const char *d, size_t len, size_t pos,
		  struct scan_hits *out)
{
	if ((pos > 0 && (rule_in_class(RC_ALNUM_US, (unsigned char)d[pos - 1]) || d[pos - 1] == '-' ||
			 d[pos - 1] == '.')) || pos + 5 > len || (d[pos + 4] != ' ' && d[pos + 4] != '\t'))
		return 0;
	size_t end = pos + 4;
	while (end < len && end - pos < 4096) {
		if (d[end] == '\n') {
			size_t b = end;
			if (b > 0 && d[b - 1] == '\r')
				b--;
			if (b == 0 || d[b - 1] != '\\')
				break;
		}
		end++;
	}
	int found = 0;
	for (size_t k = pos + 5; k + 2 < end; k++) {
		if (d[k] != '-' || !isspace((unsigned char)d[k - 1]))
			continue;
		static const struct { const char *opt; bool user; } opts[] = {
			{ "--user", true }, { "-u", true }, { "--header", false }, { "-H", false },
		};
		for (size_t o = 0; o < sizeof(opts) / sizeof(opts[0]); o++) {
			size_t ol = strlen(opts[o].opt), a = k + ol;
			if (a >= end || memcmp(d + k, opts[o].opt, ol) != 0 ||
			    !(d[a] == ' ' || d[a] == '\t' || d[a] == '=' || d[a] == '"' || d[a] == '\''))
				continue;
			if (d[a] == '=' || d[a] == ' ' || d[a] == '\t')
				a++;
			while (a < end && (d[a] == ' ' || d[a] == '\t'))
				a++;
			size_t vs, ve;
			k = shell_word(d, end, a, &vs, &ve);
			if (ve > vs) {
				int rc = opts[o].user ? curl_user(r, d, vs, ve, out) : curl_header(r, d, vs, ve, out);
				if (rc < 0)
					return rc;
				found |= rc;
			}
			break;
		}
	}
	return found;
}

#define H SCAN_CONF_HIGH
#define M SCAN_CONF_MEDIUM
#define L SCAN_CONF_LOW
const struct rule scan_rules[] = {
	{ "github-pat", "GitHub personal access token (classic)", "ghp_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0,
	  .yes = { "ghp_{A:30}{C}" }, .no = { "ghp_{A:36}", "ghp_{A:20}" } },
	{ "github-oauth-token", "GitHub OAuth access token", "gho_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0,
	  .yes = { "gho_{A:30}{C}" }, .no = { "gho_{A:36}", "gho_{A:20}" } },
	{ "github-user-token", "GitHub user-to-server token", "ghu_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0,
	  .yes = { "ghu_{A:30}{C}" }, .no = { "ghu_{A:36}", "ghu_{A:20}" } },
	{ "github-app-token", "GitHub server-to-server token", "ghs_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0,
	  .yes = { "ghs_{A:30}{C}" }, .no = { "ghs_{A:36}", "ghs_{A:20}" } },
	{ "github-refresh-token", "GitHub refresh token", "ghr_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0,
	  .yes = { "ghr_{A:30}{C}" }, .no = { "ghr_{A:36}", "ghr_{A:20}" } },
	{ "github-fine-grained-pat", "GitHub fine-grained personal access token", "github_pat_", RC_ALNUM_US, 82, 82, H, v_ghfine, NULL, 0,
	  .yes = { "github_pat_{A:22}_{A:59}" }, .no = { "github_pat_{A:82}" } },
	{ "gitlab-pat", "GitLab personal access token", "glpat-", RC_B64URL, 20, 300, H, NULL, NULL, 0,
	  .yes = { "glpat-{B:20}", "glpat-{B:27}.01.{L:9}" }, .no = { "glpat-{B:10}" } },
	{ "gitlab-pipeline-trigger", "GitLab pipeline trigger token", "glptt-", RC_B64URL, 20, 64, H, NULL, NULL, 0,
	  .yes = { "glptt-{H:40}" }, .no = { "glptt-{B:8}" } },
	{ "gitlab-runner-token", "GitLab runner token", "glrt-", RC_B64URL, 20, 300, H, NULL, NULL, 0,
	  .yes = { "glrt-{B:20}" }, .no = { "glrt-{B:12}" } },
	{ "gitlab-deploy-token", "GitLab deploy token", "gldt-", RC_B64URL, 20, 64, H, NULL, NULL, 0,
	  .yes = { "gldt-{B:20}" }, .no = { "gldt-short" } },
	{ "slack-bot-token", "Slack bot token", "xoxb-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0,
	  .yes = { "xoxb-{D:11}-{D:13}-{A:24}", "xoxb-{D:12}-{A:24}" }, .no = { "xoxb-{D:11}?{D:13}u", "xoxb-{D:5}-{D:13}-{A:24}" } },
	{ "slack-user-token", "Slack user token", "xoxp-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0,
	  .yes = { "xoxp-{D:11}-{D:12}-{D:12}-{H:32}" }, .no = { "xoxp-{D:11}-{D:12}-{D:12}-####", "xoxp-{L:10}-{L:10}" } },
	{ "slack-legacy-token", "Slack legacy/workspace token", "xoxa-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0,
	  .yes = { "xoxa-2-{D:12}-{D:12}-{D:13}-{H:32}" }, .no = { "xoxa-{A:30}" } },
	{ "slack-refresh-token", "Slack refresh token", "xoxr-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0,
	  .yes = { "xoxr-{D:12}-{D:12}-{H:40}" }, .no = { "xoxr-{L:8}-{L:30}" } },
	{ "slack-app-token", "Slack app-level token", "xapp-", RC_ALNUM_DASH, 30, 255, H, v_xapp, NULL, 0,
	  .yes = { "xapp-1-A{U:10}-{D:13}-{H:64}" }, .no = { "xapp-2-A{U:10}-{D:13}-{H:64}" } },
	{ "slack-webhook", "Slack incoming webhook URL", "hooks.slack.com/services/", RC_SLACKHOOK, 40, 80, H, v_slackhook, NULL, 0,
	  .yes = { "https://hooks.slack.com/services/T{U:10}/B{U:10}/{A:24}" }, .no = { "https://hooks.slack.com/services/XXXXXXXXX/YYYYYYYY/ZZZZZZ" } },
	{ "openai-project-key", "OpenAI project API key", "sk-proj-", RC_B64URL, 40, 250, H, NULL, NULL, 0,
	  .yes = { "sk-proj-{B:74}T3BlbkFJ{B:74}" }, .no = { "sk-proj-{B:20}" } },
	{ "openai-service-account-key", "OpenAI service account key", "sk-svcacct-", RC_B64URL, 40, 250, H, NULL, NULL, 0,
	  .yes = { "sk-svcacct-{B:74}T3BlbkFJ{B:74}" }, .no = { "sk-svcacct-{B:20}" } },
	{ "openai-admin-key", "OpenAI admin key", "sk-admin-", RC_B64URL, 40, 250, H, NULL, NULL, 0,
	  .yes = { "sk-admin-{B:74}T3BlbkFJ{B:74}" }, .no = { "sk-admin-{B:20}" } },
	{ "openai-api-key", "OpenAI API key (legacy, T3BlbkFJ marker)", "sk-", RC_ALNUM, 48, 48, H, v_openai, NULL, 0,
	  .yes = { "sk-{A:20}T3BlbkFJ{A:20}" }, .no = { "sk-{A:48}" } },
	{ "anthropic-api-key", "Anthropic API key", "sk-ant-api03-", RC_B64URL, 80, 120, H, NULL, NULL, 0,
	  .yes = { "sk-ant-api03-{B:93}AA" }, .no = { "sk-ant-api03-{B:20}" } },
	{ "anthropic-admin-key", "Anthropic admin key", "sk-ant-admin01-", RC_B64URL, 80, 120, H, NULL, NULL, 0,
	  .yes = { "sk-ant-admin01-{B:93}AA" }, .no = { "sk-ant-admin01-{B:20}" } },
	{ "anthropic-oauth-token", "Anthropic OAuth token", "sk-ant-oat01-", RC_B64URL, 80, 120, H, NULL, NULL, 0,
	  .yes = { "sk-ant-oat01-{B:93}AA" }, .no = { "sk-ant-oat01-{B:20}" } },
	{ "aws-access-key-id", "AWS access key id", "AKIA", RC_UPALNUM, 16, 16, M, NULL, m_aws, 0,
	  .yes = { "AKIA{W:16}", "aws_access_key_id = AKIA{W:16}\naws_secret_access_key = {A:40}" }, .no = { "AKIAIOSFODNN7EXAMPLE", "AKIA{W:10}" } },
	{ "aws-access-key-id", "AWS access key id (temporary)", "ASIA", RC_UPALNUM, 16, 16, M, NULL, m_aws, 0,
	  .yes = { "ASIA{W:16}" }, .no = { "ASIA{W:20}" } },
	{ "google-api-key", "Google API key", "AIza", RC_B64URL, 35, 35, H, NULL, NULL, 0,
	  .yes = { "AIza{B:35}" }, .no = { "AIza{B:20}" } },
	{ "google-oauth-client-secret", "Google OAuth client secret", "GOCSPX-", RC_B64URL, 28, 28, H, NULL, NULL, 0,
	  .yes = { "GOCSPX-{B:28}" }, .no = { "GOCSPX-{B:10}" } },
	{ "stripe-secret-key", "Stripe live secret key", "sk_live_", RC_ALNUM, 24, 247, H, NULL, NULL, 0,
	  .yes = { "sk_live_{A:24}", "sk_live_{A:99}" }, .no = { "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "sk_live_{A:10}" } },
	{ "stripe-restricted-key", "Stripe live restricted key", "rk_live_", RC_ALNUM, 24, 247, H, NULL, NULL, 0,
	  .yes = { "rk_live_{A:99}" }, .no = { "rk_live_{A:12}" } },
	{ "stripe-webhook-secret", "Stripe webhook signing secret", "whsec_", RC_B64, 32, 64, H, NULL, NULL, 0,
	  .yes = { "whsec_{A:32}" }, .no = { "whsec_{A:10}" } },
	{ "npm-token", "npm access token", "npm_", RC_ALNUM, 36, 36, H, v_crc62, NULL, 0,
	  .yes = { "npm_{A:30}{C}" }, .no = { "npm_{A:36}" } },
	{ "pypi-token", "PyPI API token", "pypi-Ag", RC_B64URL, 50, 500, H, v_pypi, NULL, 0,
	  .yes = { "pypi-{6u:\x02\x01\x08pypi.org\x02\x20{A:72}:6u}", "pypi-{6u:\x02\x01\x0dtest.pypi.org\x02\x20{A:72}:6u}" }, .no = { "pypi-{6u:\x02\x01\x08example.\x02\x20{A:72}:6u}", "pypi-AgEI{B:80}" } },
	{ "huggingface-token", "Hugging Face access token", "hf_", RC_ALNUM, 34, 34, H, NULL, NULL, 0,
	  .yes = { "hf_{A:34}" }, .no = { "hf_{A:20}" } },
	{ "huggingface-org-token", "Hugging Face organization token", "api_org_", RC_ALNUM, 34, 34, H, NULL, NULL, 0,
	  .yes = { "api_org_{A:34}" }, .no = { "api_org_{A:10}" } },
	{ "sendgrid-api-key", "SendGrid API key", "SG.", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "SG.{B:22}.{B:43}" }, .no = { "SG.{B:10}.{B:10}" } },
	{ "digitalocean-pat", "DigitalOcean personal access token", "dop_v1_", RC_HEX, 64, 64, H, NULL, NULL, 0,
	  .yes = { "dop_v1_{H:64}" }, .no = { "dop_v1_{H:30}" } },
	{ "digitalocean-oauth-token", "DigitalOcean OAuth token", "doo_v1_", RC_HEX, 64, 64, H, NULL, NULL, 0,
	  .yes = { "doo_v1_{H:64}" }, .no = { "doo_v1_{H:30}" } },
	{ "digitalocean-refresh-token", "DigitalOcean refresh token", "dor_v1_", RC_HEX, 64, 64, H, NULL, NULL, 0,
	  .yes = { "dor_v1_{H:64}" }, .no = { "dor_v1_{H:30}" } },
	{ "dockerhub-pat", "Docker Hub personal access token", "dckr_pat_", RC_B64URL, 27, 27, H, NULL, NULL, 0,
	  .yes = { "dckr_pat_{B:27}" }, .no = { "dckr_pat_{B:10}" } },
	{ "dockerhub-oat", "Docker Hub organization access token", "dckr_oat_", RC_B64URL, 27, 40, H, NULL, NULL, 0,
	  .yes = { "dckr_oat_{B:32}" }, .no = { "dckr_oat_{B:10}" } },
	{ "twilio-api-key", "Twilio API key SID", "SK", RC_HEXI, 32, 32, M, NULL, NULL, 0,
	  .yes = { "SK{H:32}" }, .no = { "SK{H:20}" } },
	{ "mailgun-api-key", "Mailgun API key", "key-", RC_HEXI, 32, 32, M, NULL, NULL, 0,
	  .yes = { "key-{H:32}" }, .no = { "key-{H:16}" } },
	{ "shopify-access-token", "Shopify admin access token", "shpat_", RC_HEXI, 32, 32, H, NULL, NULL, 0,
	  .yes = { "shpat_{H:32}" }, .no = { "shpat_{H:16}" } },
	{ "shopify-custom-app-token", "Shopify custom app token", "shpca_", RC_HEXI, 32, 32, H, NULL, NULL, 0,
	  .yes = { "shpca_{H:32}" }, .no = { "shpca_{H:16}" } },
	{ "shopify-private-app-token", "Shopify private app token", "shppa_", RC_HEXI, 32, 32, H, NULL, NULL, 0,
	  .yes = { "shppa_{H:32}" }, .no = { "shppa_{H:16}" } },
	{ "shopify-shared-secret", "Shopify shared secret", "shpss_", RC_HEXI, 32, 32, H, NULL, NULL, 0,
	  .yes = { "shpss_{H:32}" }, .no = { "shpss_{H:16}" } },
	{ "atlassian-api-token", "Atlassian API token", "ATATT3", RC_B64URL_EQ, 150, 260, H, NULL, NULL, 0,
	  .yes = { "ATATT3{B:178}={U:8}" }, .no = { "ATATT3{B:40}" } },
	{ "discord-bot-token", "Discord bot token", "MT", RC_B64URL, 0, 0, H, NULL, m_discord, 0,
	  .yes = { "{6u:1{D:17}:6u}.{B:6}.{B:27}" }, .no = { "{6u:1{D:17}:6u}.{B:3}.{B:27}" } },
	{ "discord-bot-token", "Discord bot token", "Mj", RC_B64URL, 0, 0, H, NULL, m_discord, 0,
	  .yes = { "{6u:2{D:17}:6u}.{B:6}.{B:27}" }, .no = { "{6u:2{D:17}:6u}.{B:3}.{B:27}" } },
	{ "discord-bot-token", "Discord bot token", "Mz", RC_B64URL, 0, 0, H, NULL, m_discord, 0,
	  .yes = { "{6u:3{D:17}:6u}.{B:6}.{B:27}" }, .no = { "{6u:3{D:17}:6u}.{B:3}.{B:27}" } },
	{ "discord-bot-token", "Discord bot token", "ND", RC_B64URL, 0, 0, H, NULL, m_discord, 0,
	  .yes = { "{6u:4{D:17}:6u}.{B:6}.{B:27}" }, .no = { "{6u:4{D:17}:6u}.{B:3}.{B:27}" } },
	{ "discord-bot-token", "Discord bot token", "NT", RC_B64URL, 0, 0, H, NULL, m_discord, 0,
	  .yes = { "{6u:5{D:17}:6u}.{B:6}.{B:27}" }, .no = { "{6u:5{D:17}:6u}.{B:3}.{B:27}" } },
	{ "discord-bot-token", "Discord bot token", "Nj", RC_B64URL, 0, 0, H, NULL, m_discord, 0,
	  .yes = { "{6u:6{D:17}:6u}.{B:6}.{B:27}" }, .no = { "{6u:6{D:17}:6u}.{B:3}.{B:27}" } },
	{ "discord-bot-token", "Discord bot token", "Nz", RC_B64URL, 0, 0, H, NULL, m_discord, 0,
	  .yes = { "{6u:7{D:17}:6u}.{B:6}.{B:27}" }, .no = { "{6u:7{D:17}:6u}.{B:3}.{B:27}" } },
	{ "discord-bot-token", "Discord bot token", "OD", RC_B64URL, 0, 0, H, NULL, m_discord, 0,
	  .yes = { "{6u:8{D:17}:6u}.{B:6}.{B:27}" }, .no = { "{6u:8{D:17}:6u}.{B:3}.{B:27}" } },
	{ "discord-bot-token", "Discord bot token", "OT", RC_B64URL, 0, 0, H, NULL, m_discord, 0,
	  .yes = { "{6u:9{D:17}:6u}.{B:6}.{B:27}" }, .no = { "{6u:9{D:17}:6u}.{B:3}.{B:27}" } },
	{ "telegram-bot-token", "Telegram bot token", ":AA", RC_B64URL, 33, 33, H, NULL, m_telegram, 0,
	  .yes = { "{D:10}:AA{B:33}" }, .no = { "{D:5}:AA{B:33}" } },
	{ "square-access-token", "Square access token", "sq0atp-", RC_B64URL, 22, 22, H, NULL, NULL, 0,
	  .yes = { "sq0atp-{B:22}" }, .no = { "sq0atp-{B:10}" } },
	{ "square-oauth-secret", "Square OAuth secret", "sq0csp-", RC_B64URL, 43, 43, H, NULL, NULL, 0,
	  .yes = { "sq0csp-{B:43}" }, .no = { "sq0csp-{B:20}" } },
	{ "postman-api-key", "Postman API key", "PMAK-", RC_ALNUM_DASH, 59, 59, H, v_postman, NULL, 0,
	  .yes = { "PMAK-{H:24}-{H:34}" }, .no = { "PMAK-{H:59}" } },
	{ "vault-service-token", "HashiCorp Vault service token", "hvs.", RC_B64URL, 24, 255, H, NULL, NULL, 0,
	  .yes = { "hvs.{B:90}" }, .no = { "hvs.{B:10}" } },
	{ "vault-batch-token", "HashiCorp Vault batch token", "hvb.", RC_B64URL, 24, 255, H, NULL, NULL, 0,
	  .yes = { "hvb.{B:138}" }, .no = { "hvb.{B:10}" } },
	{ "databricks-token", "Databricks access token", "dapi", RC_HEX, 32, 32, H, NULL, NULL, 0,
	  .yes = { "dapi{H:32}" }, .no = { "dapi{H:20}" } },
	{ "linear-api-key", "Linear API key", "lin_api_", RC_ALNUM, 40, 40, H, NULL, NULL, 0,
	  .yes = { "lin_api_{A:40}" }, .no = { "lin_api_{A:20}" } },
	{ "notion-token", "Notion integration token", "secret_", RC_ALNUM, 43, 43, M, NULL, NULL, 0,
	  .yes = { "secret_{A:43}" }, .no = { "secret_{A:20}" } },
	{ "notion-token", "Notion integration token", "ntn_", RC_ALNUM, 46, 46, H, NULL, NULL, 0,
	  .yes = { "ntn_{D:11}{A:35}" }, .no = { "ntn_{A:20}" } },
	{ "doppler-token", "Doppler personal token", "dp.pt.", RC_ALNUM, 40, 44, H, NULL, NULL, 0,
	  .yes = { "dp.pt.{A:43}" }, .no = { "dp.pt.{A:10}" } },
	{ "doppler-token", "Doppler service token", "dp.st.", RC_ALNUM_US, 40, 80, H, NULL, NULL, 0,
	  .yes = { "dp.st.{A:43}" }, .no = { "dp.st.{A:10}" } },
	{ "doppler-token", "Doppler service account token", "dp.sa.", RC_ALNUM, 40, 44, H, NULL, NULL, 0,
	  .yes = { "dp.sa.{A:43}" }, .no = { "dp.sa.{A:10}" } },
	{ "doppler-token", "Doppler CLI token", "dp.ct.", RC_ALNUM, 40, 44, H, NULL, NULL, 0,
	  .yes = { "dp.ct.{A:43}" }, .no = { "dp.ct.{A:10}" } },
	{ "pulumi-token", "Pulumi access token", "pul-", RC_HEX, 40, 40, H, NULL, NULL, 0,
	  .yes = { "pul-{H:40}" }, .no = { "pul-{H:20}" } },
	{ "terraform-cloud-token", "Terraform Cloud token", ".atlasv1.", RC_B64URL, 60, 70, H, NULL, m_tfc, 0,
	  .yes = { "{A:14}.atlasv1.{B:67}" }, .no = { "{A:14}.atlasv1.{B:20}" } },
	{ "grafana-cloud-token", "Grafana Cloud token", "glc_", RC_B64, 32, 400, H, v_glc, NULL, 0,
	  .yes = { "glc_{64:{\"o\":\"{D:6}\",\"n\":\"stack-{D:6}-hm-read\",\"k\":\"{A:32}\",\"m\":{\"r\":\"us\"}}:64}" }, .no = { "glc_{A:60}" } },
	{ "grafana-service-account-token", "Grafana service account token", "glsa_", RC_ALNUM_US, 41, 41, H, v_glsa, NULL, 0,
	  .yes = { "glsa_{A:32}_{H:8}" }, .no = { "glsa_{A:41}" } },
	{ "newrelic-user-key", "New Relic user API key", "NRAK-", RC_ALNUM, 27, 27, H, NULL, NULL, 0,
	  .yes = { "NRAK-{U:27}" }, .no = { "NRAK-{U:10}" } },
	{ "sentry-org-token", "Sentry organization token", "sntrys_", RC_B64_US, 60, 400, H, v_sentry, NULL, 0,
	  .yes = { "sntrys_{64:{\"iat\":{D:10},\"url\":\"https://sentry.io\",\"region_url\":\"https://us.sentry.io\",\"org\":\"acme\"}:64}_{A:43}" }, .no = { "sntrys_{64:{\"foo\":1,\"bar\":\"{A:40}\"}:64}_{A:43}", "sntrys_{64:{\"iat\":{D:10},\"org\":\"acme\"}:64}_{A:20}" } },
	{ "sentry-user-token", "Sentry user token", "sntryu_", RC_HEX, 64, 64, H, NULL, NULL, 0,
	  .yes = { "sntryu_{H:64}" }, .no = { "sntryu_{H:20}" } },
	{ "age-secret-key", "age secret key", "AGE-SECRET-KEY-1", RC_UPALNUM, 58, 58, H, v_age, NULL, 0,
	  .yes = { "AGE-SECRET-KEY-1{K:52}{Q}" }, .no = { "AGE-SECRET-KEY-1{K:58}" } },
	{ "azure-storage-key", "Azure storage account key", "AccountKey=", RC_B64, 88, 88, H, v_azure, NULL, 0,
	  .yes = { "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={64:{A:64}:64};EndpointSuffix=core.windows.net" }, .no = { "AccountKey={A:40}" } },
	{ "heroku-api-key", "Heroku API key", "HRKU-", RC_B64URL, 40, 80, H, NULL, NULL, 0,
	  .yes = { "HRKU-AA{B:58}" }, .no = { "HRKU-{B:10}" } },
	{ "supabase-token", "Supabase access token", "sbp_", RC_HEX, 40, 40, H, NULL, NULL, 0,
	  .yes = { "sbp_{H:40}" }, .no = { "sbp_{H:20}" } },
	{ "replicate-token", "Replicate API token", "r8_", RC_ALNUM, 37, 37, H, NULL, NULL, 0,
	  .yes = { "r8_{A:37}" }, .no = { "r8_{A:20}" } },
	{ "groq-api-key", "Groq API key", "gsk_", RC_ALNUM, 52, 52, H, NULL, NULL, 0,
	  .yes = { "gsk_{A:52}" }, .no = { "gsk_{A:30}" } },
	{ "perplexity-api-key", "Perplexity API key", "pplx-", RC_ALNUM, 48, 48, H, NULL, NULL, 0,
	  .yes = { "pplx-{A:48}" }, .no = { "pplx-{A:20}" } },
	{ "xai-api-key", "xAI API key", "xai-", RC_ALNUM, 80, 80, H, NULL, NULL, 0,
	  .yes = { "xai-{A:80}" }, .no = { "xai-{A:40}" } },
	{ "tailscale-key", "Tailscale auth/API key", "tskey-", RC_ALNUM_DASH, 30, 100, H, NULL, NULL, 0,
	  .yes = { "tskey-auth-{A:12}CNTRL-{A:33}" }, .no = { "tskey-{A:10}" } },
	{ "planetscale-password", "PlanetScale password", "pscale_pw_", RC_B64URL_EQDOT, 32, 64, H, NULL, NULL, 0,
	  .yes = { "pscale_pw_{B:43}" }, .no = { "pscale_pw_{B:12}" } },
	{ "planetscale-token", "PlanetScale service token", "pscale_tkn_", RC_B64URL_EQDOT, 32, 64, H, NULL, NULL, 0,
	  .yes = { "pscale_tkn_{B:43}" }, .no = { "pscale_tkn_{B:12}" } },
	{ "netlify-token", "Netlify personal access token", "nfp_", RC_ALNUM, 36, 40, H, NULL, NULL, 0,
	  .yes = { "nfp_{A:36}" }, .no = { "nfp_{A:12}" } },
	{ "onepassword-service-token", "1Password service account token", "ops_eyJ", RC_B64, 100, 2000, H, NULL, NULL, 0,
	  .yes = { "ops_{64:{\"signInAddress\":\"my.1password.com\",\"email\":\"{L:12}@1passwordserviceaccounts.com\",\"srpX\":\"{H:64}\",\"muk\":\"{B:43}\"}:64}" }, .no = { "ops_eyJ{A:20}" } },
	{ "contentful-token", "Contentful personal access token", "CFPAT-", RC_B64URL, 43, 43, H, NULL, NULL, 0,
	  .yes = { "CFPAT-{B:43}" }, .no = { "CFPAT-{B:20}" } },
	{ "dynatrace-token", "Dynatrace API token", "dt0c01.", RC_ALNUM_DOT, 89, 89, H, v_dynatrace, NULL, 0,
	  .yes = { "dt0c01.{U:24}.{U:64}" }, .no = { "dt0c01.{U:24}{U:65}" } },
	{ "rubygems-api-key", "RubyGems API key", "rubygems_", RC_HEX, 48, 48, H, NULL, NULL, 0,
	  .yes = { "rubygems_{H:48}" }, .no = { "rubygems_{H:20}" } },
	{ "buildkite-token", "Buildkite API token", "bkua_", RC_HEX, 40, 40, H, NULL, NULL, 0,
	  .yes = { "bkua_{H:40}" }, .no = { "bkua_{H:20}" } },
	{ "figma-token", "Figma personal access token", "figd_", RC_B64URL, 40, 45, H, NULL, NULL, 0,
	  .yes = { "figd_{B:40}" }, .no = { "figd_{B:10}" } },
	{ "mapbox-secret-token", "Mapbox secret token", "sk.eyJ", RC_B64URL_DOT, 80, 400, H, NULL, NULL, 0,
	  .yes = { "sk.eyJ{B:60}.{B:22}" }, .no = { "sk.eyJ{B:20}" } },
	{ "render-api-key", "Render API key", "rnd_", RC_ALNUM, 32, 32, H, NULL, NULL, 0,
	  .yes = { "rnd_{A:32}" }, .no = { "rnd_{A:10}" } },
	{ "prefect-api-key", "Prefect API key", "pnu_", RC_ALNUM, 36, 36, H, NULL, NULL, 0,
	  .yes = { "pnu_{A:36}" }, .no = { "pnu_{A:20}" } },
	{ "cratesio-api-token", "crates.io API token", "cio", RC_ALNUM, 32, 32, H, NULL, NULL, 0,
	  .yes = { "cio{A:32}" }, .no = { "cio{A:20}", "social{A:32}" } },
	{ "clojars-token", "Clojars deploy token", "CLOJARS_", RC_ALNUM, 60, 60, H, NULL, NULL, 0,
	  .yes = { "CLOJARS_{A:60}" }, .no = { "CLOJARS_{A:20}" } },
	{ "slack-config-token", "Slack configuration token", "xoxe.xoxp-", RC_ALNUM_DASH, 30, 255, H, v_slackcfg, NULL, 0,
	  .yes = { "xoxe.xoxp-1-{A:160}" }, .no = { "xoxe.xoxp-1-SlackAppConfigurationAccessTokenHere", "xoxe.xoxp-1-short" } },
	{ "slack-config-token", "Slack configuration token", "xoxe.xoxb-", RC_ALNUM_DASH, 30, 255, H, v_slackcfg, NULL, 0,
	  .yes = { "xoxe.xoxb-1-{A:160}" }, .no = { "xoxe.xoxb-1-SlackAppConfigurationAccessTokenHere" } },
	{ "slack-config-refresh-token", "Slack configuration refresh token", "xoxe-", RC_ALNUM_DASH, 30, 255, H, v_slackcfg, NULL, 0,
	  .yes = { "xoxe-1-{A:146}", "xoxe-{D:13}-{D:13}-{D:13}-{H:32}" }, .no = { "xoxe-abc" } },
	{ "slack-legacy-token", "Slack legacy workspace token", "xoxs-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0,
	  .yes = { "xoxs-{D:12}-{D:9}-{D:10}-{H:10}" }, .no = { "xoxs-notanumber-{A:30}" } },
	{ "slack-legacy-token", "Slack legacy token", "xoxo-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0,
	  .yes = { "xoxo-{D:11}-{D:11}-{D:12}-{H:64}" }, .no = { "xoxo-{A:6}-{A:30}" } },
	{ "slack-session-token", "Slack session token", "xoxc-", RC_ALNUM_DASH, 22, 255, H, v_slack, NULL, 0,
	  .yes = { "xoxc-{D:11}-{D:12}-{D:13}-{H:64}" }, .no = { "xoxc-{A:10}" } },
	{ "slack-webhook", "Slack workflow webhook URL", "hooks.slack.com/workflows/", RC_SLACKHOOK, 40, 120, H, v_slackflow, NULL, 0,
	  .yes = { "https://hooks.slack.com/workflows/T{U:10}/A{U:10}/{D:18}/{A:24}" }, .no = { "https://hooks.slack.com/workflows/{A:40}" } },
	{ "slack-webhook", "Slack workflow trigger URL", "hooks.slack.com/triggers/", RC_SLACKHOOK, 40, 120, H, v_slackflow, NULL, 0,
	  .yes = { "https://hooks.slack.com/triggers/T{U:10}/{D:13}/{H:32}" }, .no = { "https://hooks.slack.com/triggers/{A:40}" } },
	{ "discord-webhook", "Discord webhook URL", "/api/webhooks/", 0, 0, 0, H, NULL, m_discord_hook, 0,
	  .yes = { "https://discord.com/api/webhooks/{D:18}/{B:68}", "https://discordapp.com/api/webhooks/{D:19}/{B:68}" }, .no = { "https://discord.com/api/webhooks/123/{B:68}", "https://example.com/api/webhooks/{D:18}/{B:68}", "https://discord.com/api/webhooks/{D:18}/short" } },
	{ "gitlab-cicd-job-token", "GitLab CI/CD job token", "glcbt-", RC_B64URL, 20, 80, H, NULL, NULL, 0,
	  .yes = { "glcbt-{B:20}", "glcbt-{H:2}_{B:20}" }, .no = { "glcbt-short" } },
	{ "gitlab-feed-token", "GitLab feed token", "glft-", RC_B64URL, 20, 64, H, NULL, NULL, 0,
	  .yes = { "glft-{B:20}" }, .no = { "glft-abc" } },
	{ "gitlab-incoming-mail-token", "GitLab incoming mail token", "glimt-", RC_B64URL, 20, 64, H, NULL, NULL, 0,
	  .yes = { "glimt-{B:25}" }, .no = { "glimt-" } },
	{ "gitlab-agent-token", "GitLab Kubernetes agent token", "glagent-", RC_B64URL, 50, 1024, H, NULL, NULL, 0,
	  .yes = { "glagent-{B:50}" }, .no = { "glagent-{B:20}" } },
	{ "gitlab-oauth-secret", "GitLab OAuth application secret", "gloas-", RC_B64URL, 64, 64, H, NULL, NULL, 0,
	  .yes = { "gloas-{H:64}" }, .no = { "gloas-{H:20}" } },
	{ "gitlab-scim-token", "GitLab SCIM token", "glsoat-", RC_B64URL, 20, 64, H, NULL, NULL, 0,
	  .yes = { "glsoat-{B:20}" }, .no = { "glsoat-1" } },
	{ "gitlab-feature-flag-token", "GitLab feature flags client token", "glffct-", RC_B64URL, 20, 64, H, NULL, NULL, 0,
	  .yes = { "glffct-{B:20}" }, .no = { "glffct-{B:8}" } },
	{ "gitlab-runner-registration-token", "GitLab runner registration token", "GR1348941", RC_B64URL, 20, 20, H, NULL, NULL, 0,
	  .yes = { "GR1348941{B:20}" }, .no = { "GR1348941{B:10}", "GR13489411231231231231231231" } },
	{ "sonarqube-token", "SonarQube user token", "squ_", RC_HEX, 40, 40, H, NULL, NULL, 0,
	  .yes = { "squ_{H:40}" }, .no = { "squ_{H:39}", "squ_{A:40}" } },
	{ "sonarqube-token", "SonarQube project analysis token", "sqp_", RC_HEX, 40, 40, H, NULL, NULL, 0,
	  .yes = { "sqp_{H:40}" }, .no = { "sqp_{H:39}", "sqp_{A:40}" } },
	{ "sonarqube-token", "SonarQube global analysis token", "sqa_", RC_HEX, 40, 40, H, NULL, NULL, 0,
	  .yes = { "sqa_{H:40}" }, .no = { "sqa_{H:39}", "sqa_{A:40}" } },
	{ "jfrog-api-key", "JFrog Artifactory API key", "AKCp", RC_ALNUM, 69, 69, H, NULL, NULL, 0,
	  .yes = { "AKCp{A:69}" }, .no = { "AKCp{A:20}" } },
	{ "jfrog-reference-token", "JFrog reference/identity token", "cmVmdGtuOjAxOj", RC_ALNUM, 50, 60, H, NULL, NULL, 0,
	  .yes = { "cmVmdGtuOjAxOj{A:50}" }, .no = { "cmVmdGtuOjAxOj{A:10}" } },
	{ "flyio-token", "Fly.io access token", "fo1_", RC_B64URL, 43, 43, H, NULL, NULL, 0,
	  .yes = { "fo1_{B:43}" }, .no = { "fo1_{B:20}" } },
	{ "flyio-token", "Fly.io macaroon token", "fm2_", RC_B64_US, 100, 2000, H, NULL, NULL, 0,
	  .yes = { "FlyV1 fm2_{A:120}" }, .no = { "fm2_short" } },
	{ "flyio-token", "Fly.io macaroon token", "fm1r_", RC_B64_US, 100, 2000, H, NULL, NULL, 0,
	  .yes = { "fm1r_{A:120}" }, .no = { "fm1r_{A:20}" } },
	{ "flyio-token", "Fly.io macaroon token", "fm1a_", RC_B64_US, 100, 2000, H, NULL, NULL, 0,
	  .yes = { "fm1a_{A:120}" }, .no = { "fm1a_{A:20}" } },
	{ "cloudflare-origin-ca-key", "Cloudflare Origin CA key", "v1.0-", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "v1.0-{H:24}-{H:146}" }, .no = { "v1.0-{H:24}-{H:100}", "v1.0-{H:10}" } },
	{ "twitter-bearer-token", "Twitter/X bearer token", "AAAAAAAAAAAAAAAAAAAAA", RC_URLENC, 60, 140, H, NULL, NULL, 0,
	  .yes = { "AAAAAAAAAAAAAAAAAAAAA{A:30}%2F{A:20}%3D{A:40}" }, .no = { "AAAAAAAAAAAAAAAAAAAAA{A:10}" } },
	{ "newrelic-insert-key", "New Relic insert key", "NRII-", RC_B64URL, 32, 32, H, NULL, NULL, 0,
	  .yes = { "NRII-{B:32}" }, .no = { "NRII-{B:10}" } },
	{ "newrelic-browser-key", "New Relic browser API token", "NRJS-", RC_HEX, 19, 19, H, NULL, NULL, 0,
	  .yes = { "NRJS-{H:19}" }, .no = { "NRJS-{H:10}" } },
	{ "newrelic-admin-key", "New Relic admin API key", "NRAA-", RC_HEX, 27, 27, H, NULL, NULL, 0,
	  .yes = { "NRAA-{H:27}" }, .no = { "NRAA-{A:27}" } },
	{ "asana-pat", "Asana personal access token", "1/", 0, 0, 0, H, NULL, m_asana, 0,
	  .yes = { "1/{D:16}/{D:16}:{H:32}" }, .no = { "1/{D:16}/{D:16}:{H:20}", "12/{D:16}/{D:16}:{H:32}" } },
	{ "asana-pat", "Asana personal access token", "2/", 0, 0, 0, H, NULL, m_asana, 0,
	  .yes = { "2/{D:16}/{D:16}:{H:32}" }, .no = { "2/{D:16}/{D:16}:{H:20}", "2/3" } },
	{ "azure-ad-client-secret", "Microsoft Entra ID (Azure AD) client secret", "Q~", 0, 0, 0, H, NULL, m_azure_ad, 0,
	  .yes = { "{L:3}8Q~{A:9}_{A:10}.{A:9}{U:3}" }, .no = { "{L:3}8Q~{L:20}", "abcQ~{A:34}" } },
	{ "harness-token", "Harness personal access token", "pat.", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "pat.{B:22}.{H:24}.{A:20}" }, .no = { "pat.{B:22}.{H:24}", "pat.{B:10}.{H:24}.{A:20}" } },
	{ "harness-token", "Harness service account token", "sat.", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "sat.{B:22}.{H:24}.{A:20}" }, .no = { "sat.{B:22}.{A:24}" } },
	{ "airtable-pat", "Airtable personal access token", "pat", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "pat{A:14}.{H:64}" }, .no = { "pattern{A:14}.{H:64}", "pat{A:14}.{H:10}" } },
	{ "grafana-api-key", "Grafana API key (legacy)", "eyJrIjoi", RC_B64, 60, 400, H, v_grafana_legacy, NULL, 0,
	  .yes = { "{64:{\"k\":\"{A:32}\",\"n\":\"deploy\",\"id\":1}:64}" }, .no = { "eyJrIjoi{A:70}" } },
	{ "brevo-api-key", "Brevo (Sendinblue) API key", "xkeysib-", RC_ALNUM_DASH, 81, 81, H, v_brevo, NULL, 0,
	  .yes = { "xkeysib-{H:64}-{A:16}" }, .no = { "xkeysib-{H:20}-{A:16}" } },
	{ "dropbox-token", "Dropbox short-lived access token", "sl.", RC_B64URL, 130, 160, H, NULL, NULL, 0,
	  .yes = { "sl.{B:138}" }, .no = { "sl.{B:20}" } },
	{ "nuget-api-key", "NuGet API key", "oy2", RC_ALNUM, 43, 43, M, v_lower, NULL, 0,
	  .yes = { "oy2{L:43}" }, .no = { "oy2{L:20}" } },
	{ "easypost-api-key", "EasyPost production API key", "EZAK", RC_ALNUM, 54, 54, H, NULL, NULL, 0,
	  .yes = { "EZAK{A:54}" }, .no = { "EZAK{A:20}" } },
	{ "shippo-api-token", "Shippo live API token", "shippo_live_", RC_HEX, 40, 40, H, NULL, NULL, 0,
	  .yes = { "shippo_live_{H:40}" }, .no = { "shippo_live_{H:20}" } },
	{ "duffel-api-token", "Duffel live API token", "duffel_live_", RC_B64URL, 43, 43, H, NULL, NULL, 0,
	  .yes = { "duffel_live_{B:43}" }, .no = { "duffel_live_{B:20}" } },
	{ "flutterwave-secret-key", "Flutterwave live secret key", "FLWSECK-", RC_ALNUM_DASH, 34, 34, H, v_flw, NULL, 0,
	  .yes = { "FLWSECK-{H:32}-X" }, .no = { "FLWSECK-{H:32}-Y" } },
	{ "nvidia-api-key", "NVIDIA API key", "nvapi-", RC_B64URL, 64, 64, H, NULL, NULL, 0,
	  .yes = { "nvapi-{B:64}" }, .no = { "nvapi-{B:30}" } },
	{ "openrouter-api-key", "OpenRouter API key", "sk-or-v1-", RC_HEX, 64, 64, H, NULL, NULL, 0,
	  .yes = { "sk-or-v1-{H:64}" }, .no = { "sk-or-v1-{H:30}" } },
	{ "posthog-personal-key", "PostHog personal API key", "phx_", RC_ALNUM, 43, 47, H, NULL, NULL, 0,
	  .yes = { "phx_{A:43}" }, .no = { "phx_{A:20}" } },
	{ "frameio-token", "Frame.io API token", "fio-u-", RC_B64URL_EQ, 64, 64, H, NULL, NULL, 0,
	  .yes = { "fio-u-{B:64}" }, .no = { "fio-u-{B:20}" } },
	{ "alibaba-access-key-id", "Alibaba Cloud AccessKey ID", "LTAI", RC_ALNUM, 20, 20, M, NULL, NULL, 0,
	  .yes = { "LTAI{A:20}" }, .no = { "LTAI{A:10}" } },
	{ "google-oauth-access-token", "Google OAuth access token", "ya29.", RC_B64URL, 50, 2048, M, NULL, NULL, 0,
	  .yes = { "ya29.{B:120}" }, .no = { "ya29.{B:10}" } },
	{ "onepassword-secret-key", "1Password account secret key", "A3-", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "A3-{U:6}-{U:6}-{U:5}-{U:5}-{U:5}-{U:5}", "A3-{U:6}-{U:11}-{U:5}-{U:5}-{U:5}" },
	  .no = { "A3-{U:6}-{U:6}-{U:5}", "A3-{L:6}-{L:6}-{L:5}-{L:5}-{L:5}-{L:5}" } },
	{ "adobe-client-secret", "Adobe client secret", "p8e-", RC_ALNUM, 32, 32, H, NULL, NULL, 0,
	  .yes = { "p8e-{A:32}" }, .no = { "p8e-{A:20}" } },
	{ "authress-access-key", "Authress service client access key", "sc_", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "sc_{L:10}.{L:4}.acc_{L:12}.{B:40}" }, .no = { "sc_{L:10}.{L:4}.org_{L:12}.{B:40}" } },
	{ "authress-access-key", "Authress service client access key", "ext_", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "ext_{L:10}.{L:5}.acc-{L:12}.{B:50}" }, .no = { "ext_{L:10}.{L:5}.acc-{L:12}.{B:10}" } },
	{ "authress-access-key", "Authress service client access key", "scauth_", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "scauth_{L:8}.{L:6}.acc_{L:20}.{B:60}" }, .no = { "scauth_{L:2}.{L:6}.acc_{L:20}.{B:60}" } },
	{ "authress-access-key", "Authress service client access key", "authress_", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "authress_{L:12}.{L:4}.acc_{L:16}.{B:44}" }, .no = { "authress_{L:12}.{L:4}acc_{L:16}.{B:44}" } },
	{ "aws-access-key-id", "AWS STS service bearer token id", "ABIA", RC_UPALNUM, 16, 16, M, NULL, m_aws, 0,
	  .yes = { "ABIA{W:16}" }, .no = { "ABIA{W:10}", "ABIA{W:16}{W:4}" } },
	{ "aws-access-key-id", "AWS context-specific credential id", "ACCA", RC_UPALNUM, 16, 16, M, NULL, m_aws, 0,
	  .yes = { "ACCA{W:16}" }, .no = { "ACCA{W:12}" } },
	{ "aws-bedrock-api-key", "Amazon Bedrock API key", "ABSK", RC_B64, 109, 269, H, v_bedrock, NULL, 0,
	  .yes = { "ABSK{64:BedrockAPIKey-{A:20}:{A:80}:64}" }, .no = { "ABSK{64:SomethingElse-{A:20}:{A:80}:64}" } },
	{ "aws-bedrock-api-key", "Amazon Bedrock short-lived API key", "bedrock-api-key-", RC_B64, 100, 4000, M, v_bedrock, NULL, 0,
	  .yes = { "bedrock-api-key-{64:bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Credential={U:20}&X-Amz-Signature={H:64}:64}" },
	  .no = { "bedrock-api-key-{64:example.com/?Action=CallWithBearerToken&X-Amz-Credential={U:20}&X-Amz-Signature={H:64}:64}" } },
	{ "clickhouse-cloud-secret", "ClickHouse Cloud API secret key", "4b1d", RC_ALNUM, 38, 38, H, v_mixed, NULL, 0,
	  .yes = { "4b1d{A:38}" }, .no = { "4b1d{H:38}", "4b1d{A:20}" } },
	{ "duffel-test-token", "Duffel test-mode API token", "duffel_test_", RC_B64URL, 43, 43, L, NULL, NULL, 0,
	  .yes = { "duffel_test_{B:43}" }, .no = { "duffel_test_{B:20}" } },
	{ "easypost-test-api-key", "EasyPost test-mode API key", "EZTK", RC_ALNUM, 54, 54, L, NULL, NULL, 0,
	  .yes = { "EZTK{A:54}" }, .no = { "EZTK{A:30}" } },
	{ "facebook-access-token", "Facebook (Meta) access token", "EAA", RC_ALNUM, 100, 500, M, v_mixed, NULL, 0,
	  .yes = { "EAAG{A:150}" }, .no = { "EAAG{A:50}", "EAA{L:150}" } },
	{ "square-access-token", "Square access token", "EAAA", RC_B64URL, 60, 60, H, NULL, NULL, 0,
	  .yes = { "EAAA{B:60}" }, .no = { "EAAA{B:40}" } },
	{ "flutterwave-test-secret-key", "Flutterwave test-mode secret key", "FLWSECK_TEST-", RC_ALNUM_DASH, 34, 34, L, v_flw, NULL, 0,
	  .yes = { "FLWSECK_TEST-{H:32}-X" }, .no = { "FLWSECK_TEST-{H:32}-Y" } },
	{ "flutterwave-encryption-key", "Flutterwave test-mode encryption key", "FLWSECK_TEST-", RC_HEXI, 12, 12, L, NULL, NULL, 0,
	  .yes = { "FLWSECK_TEST-{H:12}" }, .no = { "FLWSECK_TEST-{H:5}" } },
	{ "gitlab-session-cookie", "GitLab session cookie", "_gitlab_session=", RC_ALNUM, 32, 32, H, NULL, NULL, 0,
	  .yes = { "Cookie: _gitlab_session={H:32}" }, .no = { "_gitlab_session={H:10}" } },
	{ "infracost-api-key", "Infracost API key", "ico-", RC_ALNUM, 32, 32, H, NULL, NULL, 0,
	  .yes = { "ico-{A:32}" }, .no = { "ico-{A:12}" } },
	{ "intra42-client-secret", "42 intranet client secret", "s-s4t2ud-", RC_HEX, 64, 64, H, NULL, NULL, 0,
	  .yes = { "s-s4t2ud-{H:64}" }, .no = { "s-s4t2ud-{H:40}" } },
	{ "intra42-client-secret", "42 intranet client secret", "s-s4t2af-", RC_HEX, 64, 64, H, NULL, NULL, 0,
	  .yes = { "s-s4t2af-{H:64}" }, .no = { "s-s4t2af-{A:64}" } },
	{ "maxmind-license-key", "MaxMind license key", "_mmk", 0, 0, 0, H, NULL, m_maxmind, 0,
	  .yes = { "{A:6}_{A:29}_mmk" }, .no = { "{A:6}_{A:20}_mmk", "{A:6}_{A:29}_mmkx" } },
	{ "teams-webhook", "Microsoft Teams incoming webhook URL", ".webhook.office.com/webhookb2/", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "https://acme.webhook.office.com/webhookb2/{H:8}-{H:4}-{H:4}-{H:4}-{H:12}@{H:8}-{H:4}-{H:4}-{H:4}-{H:12}/IncomingWebhook/{H:32}/{H:8}-{H:4}-{H:4}-{H:4}-{H:12}" },
	  .no = { "https://acme.webhook.office.com/webhookb2/{H:8}-{H:4}-{H:4}-{H:4}-{H:12}@{H:8}-{H:4}-{H:4}-{H:4}-{H:12}/IncomingWebhook/{H:10}/{H:8}-{H:4}-{H:4}-{H:4}-{H:12}" } },
	{ "teams-webhook", "Microsoft Teams incoming webhook URL (legacy)", "outlook.office.com/webhook/", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "https://outlook.office.com/webhook/{H:8}-{H:4}-{H:4}-{H:4}-{H:12}@{H:8}-{H:4}-{H:4}-{H:4}-{H:12}/IncomingWebhook/{H:32}/{H:8}-{H:4}-{H:4}-{H:4}-{H:12}" },
	  .no = { "https://outlook.office.com/webhook/{H:8}-{H:4}-{H:4}-{H:4}-{H:12}/IncomingWebhook/{H:32}" } },
	{ "octopus-deploy-api-key", "Octopus Deploy API key", "API-", RC_UPALNUM, 26, 26, M, v_alnum_both, NULL, 0,
	  .yes = { "API-{U:26}" }, .no = { "API-{U:10}", "API-REFERENCEDOCUMENTATIONXX" } },
	{ "openshift-user-token", "OpenShift user token", "sha256~", RC_B64URL, 43, 43, H, NULL, NULL, 0,
	  .yes = { "Authorization: Bearer sha256~{B:43}" }, .no = { "sha256~{B:20}" } },
	{ "planetscale-oauth-token", "PlanetScale OAuth token", "pscale_oauth_", RC_B64URL_EQDOT, 32, 64, H, NULL, NULL, 0,
	  .yes = { "pscale_oauth_{B:43}" }, .no = { "pscale_oauth_{B:12}" } },
	{ "readme-api-key", "ReadMe API key", "rdme_", RC_ALNUM, 70, 70, H, NULL, NULL, 0,
	  .yes = { "rdme_{L:70}" }, .no = { "rdme_{L:20}" } },
	{ "scalingo-api-token", "Scalingo API token", "tk-us-", RC_B64URL, 48, 48, H, NULL, NULL, 0,
	  .yes = { "tk-us-{B:48}" }, .no = { "tk-us-{B:30}" } },
	{ "settlemint-token", "SettleMint application access token", "sm_aat_", RC_ALNUM, 16, 16, H, NULL, NULL, 0,
	  .yes = { "sm_aat_{A:16}" }, .no = { "sm_aat_{A:10}" } },
	{ "settlemint-token", "SettleMint personal access token", "sm_pat_", RC_ALNUM, 16, 16, H, NULL, NULL, 0,
	  .yes = { "sm_pat_{A:16}" }, .no = { "sm_pat_{A:30}" } },
	{ "settlemint-token", "SettleMint service access token", "sm_sat_", RC_ALNUM, 16, 16, H, NULL, NULL, 0,
	  .yes = { "sm_sat_{A:16}" }, .no = { "sm_sat_{A:8}" } },
	{ "shippo-test-token", "Shippo test-mode API token", "shippo_test_", RC_HEXI, 40, 40, L, NULL, NULL, 0,
	  .yes = { "shippo_test_{H:40}" }, .no = { "shippo_test_{H:20}" } },
	{ "sourcegraph-token", "Sourcegraph access token", "sgp_", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "sgp_{H:16}_{H:40}", "sgp_local_{H:40}", "sgp_{H:40}" }, .no = { "sgp_{H:16}_{H:20}", "sgp_{A:40}" } },
	{ "stripe-test-secret-key", "Stripe test-mode secret key", "sk_test_", RC_ALNUM, 24, 247, L, NULL, NULL, 0,
	  .yes = { "sk_test_{A:99}" }, .no = { "sk_test_{A:10}" } },
	{ "stripe-test-secret-key", "Stripe test-mode restricted key", "rk_test_", RC_ALNUM, 24, 247, L, NULL, NULL, 0,
	  .yes = { "rk_test_{A:99}" }, .no = { "rk_test_{A:12}" } },
	{ "yandex-api-key", "Yandex Cloud API key", "AQVN", RC_B64URL, 35, 38, M, v_mixed, NULL, 0,
	  .yes = { "AQVN{A:36}" }, .no = { "AQVN{A:20}", "AQVN{L:36}" } },
	{ "yandex-iam-token", "Yandex Cloud IAM token", "t1.", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "t1.{B:12}.{B:86}" }, .no = { "t1.{B:12}.{B:40}", "at1.{B:12}.{B:86}" } },
	{ "plaid-access-token", "Plaid access token", "access-sandbox-", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "access-sandbox-{H:8}-{H:4}-{H:4}-{H:4}-{H:12}" }, .no = { "access-sandbox-{H:8}-{H:4}" } },
	{ "plaid-access-token", "Plaid access token", "access-development-", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "access-development-{H:8}-{H:4}-{H:4}-{H:4}-{H:12}" }, .no = { "access-development-{L:8}-{L:4}-{L:4}-{L:4}-{L:12}" } },
	{ "plaid-access-token", "Plaid access token", "access-production-", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "access-production-{H:8}-{H:4}-{H:4}-{H:4}-{H:12}" }, .no = { "access-production-{H:8}{H:4}{H:4}{H:4}{H:12}" } },
	{ "mailchimp-api-key", "Mailchimp API key", "-us", 0, 0, 0, H, NULL, m_mailchimp, 0,
	  .yes = { "{H:32}-us12", "{H:32}-us6" }, .no = { "{H:20}-us12", "{H:32}-us123" } },
	{ "defined-networking-api-token", "Defined Networking API token", "dnkey-", 0, 0, 0, H, NULL, m_segments, 0,
	  .yes = { "dnkey-{B:26}-{B:52}" }, .no = { "dnkey-{B:26}-{B:20}" } },
	{ "typeform-api-token", "Typeform personal access token", "tfp_", RC_B64URL_EQDOT, 59, 59, H, NULL, NULL, 0,
	  .yes = { "tfp_{B:59}" }, .no = { "tfp_{B:30}" } },
	{ "kubernetes-secret", "value in a Kubernetes Secret manifest", "kind:", 0, 0, 0, M, NULL, m_k8s_secret, 0,
	  .yes = { "apiVersion: v1\nkind: Secret\ndata:\n  password: {64:{A:20}:64}\n",
		   "apiVersion: v1\ndata:\n\ttoken: '{64:{A:24}:64}'\nkind: \"Secret\"\n",
		   "kind: Secret\nstringData:\n  api-key: {A:24}\n" },
	  .no = { "kind: Secret\ndata:\n  htpasswd: ''\n  tpl: {{ .Values.pw }}\n",
		  "kind: ExternalSecret\ndata:\n  key: {64:{A:20}:64}\n",
		  "kind: Secret\n---\nkind: ConfigMap\ndata:\n  key: {64:{A:20}:64}\n" } },
	{ "curl-credential", "credential on a curl command line", "curl", 0, 0, 0, M, NULL, m_curl, 0,
	  .yes = { "curl -u deploy:{A:16} https://api.example.org/", "curl -H 'Authorization: Bearer {A:32}' https://h/",
		   "curl -X POST \\\n  -H \"X-API-Key: {H:32}\" \\\n  https://h/v1" },
	  .no = { "curl -u \"$USER:$PASSWORD\" https://h/", "curl -H \"Authorization: Bearer $TOKEN\" https://h/",
		  "curl_easy_setopt(c, CURLOPT_USERPWD, \"user:pass\");" } },
	{ "jwt-base64", "JSON Web Token wrapped in base64", "ZXlK", 0, 0, 0, M, NULL, m_b64jwt, 0,
	  .yes = { "token: {64:{6u:{\"alg\":\"HS256\",\"typ\":\"JWT\"}:6u}.{6u:{\"sub\":\"{D:10}\",\"iat\":{D:10}}:6u}.{B:43}:64}" }, .no = { "token: {64:{6u:{\"typ\":\"JWT\"}:6u}.{6u:{\"sub\":\"{D:10}\"}:6u}.{B:43}:64}" } },
	{ "private-key", "private key (PEM)", "-----BEGIN ", 0, 0, 0, H, NULL, m_pem, 0,
	  .yes = { "-----BEGIN PRIVATE KEY-----\n{64:{A:120}:64}\n-----END PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----\n{64:{A:200}:64}\n-----END OPENSSH PRIVATE KEY-----" }, .no = { "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----", "-----BEGIN CERTIFICATE-----\n{64:{A:120}:64}\n-----END CERTIFICATE-----" } },
	{ "jwt", "JSON Web Token", "eyJ", 0, 0, 0, M, NULL, m_jwt, 0,
	  .yes = { "{6u:{\"alg\":\"HS256\",\"typ\":\"JWT\"}:6u}.{6u:{\"sub\":\"{D:10}\",\"iat\":{D:10}}:6u}.{B:43}" }, .no = { "{6u:{\"alg\":\"HS256\"}:6u}.{6u:{\"some\":\"payload\"}:6u}.{B:43}" } },
	{ "url-password", "password in a URL", "://", 0, 0, 0, H, NULL, m_url, 0,
	  .yes = { "postgres://app:{A:16}@db.internal:5432/app" }, .no = { "https://user:password@example.com/", "postgres://app:${DB_PASSWORD}@db/app" } },
	{ "npmrc-auth", "npm registry credential", "_authToken=", 0, 0, 0, M, NULL, m_npmrc, SCAN_F_NPMRC,
	  .yes = { "//registry.npmjs.org/:_authToken={A:36}" }, .no = { "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" } },
	{ "npmrc-auth", "npm registry credential", "_auth=", 0, 0, 0, M, NULL, m_npmrc, SCAN_F_NPMRC,
	  .yes = { "_auth={64:deploy:{A:16}:64}" }, .no = { "_auth=" } },
	{ "npmrc-auth", "npm registry credential", "_password=", 0, 0, 0, M, NULL, m_npmrc, SCAN_F_NPMRC,
	  .yes = { "//r.example.org/:_password={64:{A:16}:64}" }, .no = { "//r.example.org/:_password=\"changeme\"" } },
	{ "netrc-password", ".netrc password", "password", 0, 0, 0, M, NULL, m_netrc, SCAN_F_NETRC,
	  .yes = { "machine api.example.org login deploy password {A:16}" }, .no = { "machine h login u password changeme" } },
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
