/* SPDX-License-Identifier: ISC */
/* The token rules' common parts: character classes, the hit list, base64,
 * the plausibility check, the providers' offline checks (GitHub/npm CRC32
 * suffix, age Bech32, PyPI macaroon header, Grafana/Sentry embedded JSON,
 * fixed separators) and the default matcher (a prefix and a run of one
 * class). The table is scan/rules_table.c; the structured matchers are in
 * scan/rules_token.c and scan/rules_struct.c. docs/scan.md lists every
 * rule. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
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
	case RC_DIGIT: return c >= '0' && c <= '9';
	}
	return false;
}

bool rule_is_alnum(unsigned char c)
{
	return rule_in_class(RC_ALNUM, c);
}

int hits_push(struct scan_hits *out, const char *rule, const char *title,
	      size_t off, size_t len, int conf, int check)
{
	if (array_grow(&out->v, &out->cap, out->n + 1, sizeof(*out->v), 16) < 0)
		return HUSH_ENOMEM;
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

int rule_hit(struct scan_hits *out, const struct rule *r, size_t off, size_t len, int conf,
	     int check, int prio)
{
	int rc = hits_push(out, r->id, r->title, off, len, conf, check);
	if (rc < 0)
		return rc;
	if (prio)
		out->v[out->n - 1].prio = prio;
	return 1;
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
int rv_crc62(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)tok; (void)n;
	if (bn != 36)
		return -1;
	char c[7];
	scan_base62_crc(b, 30, c);
	return memcmp(c, b + 30, 6) == 0 ? 1 : -1;
}

/* Vercel tokens: the random part, then the base62 CRC32 of it in its last
 * 6 characters (as GitHub's). */
int rv_crc62_tail(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)tok; (void)n;
	char c[7];
	if (bn < 24)
		return RV_REJECT;
	scan_base62_crc(b, bn - 6, c);
	return memcmp(c, b + bn - 6, 6) == 0 ? RV_CHECKED : RV_WEAK;
}

static bool all_in(const char *b, size_t n, int cls)
{
	for (size_t i = 0; i < n; i++)
		if (!rule_in_class(cls, (unsigned char)b[i]))
			return false;
	return true;
}

/* Cloudflare API credentials (cfk_, cfut_, cfat_): 40 base62 characters
 * and an 8-hex-digit checksum, the CRC32 of the 40. */
int rv_cloudflare(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)tok; (void)n;
	if (bn != 48 || !all_in(b + 40, 8, RC_HEX))
		return RV_REJECT;
	char c[9];
	snprintf(c, sizeof(c), "%08x", (unsigned)scan_crc32(b, 40));
	return memcmp(c, b + 40, 8) == 0 ? RV_CHECKED : RV_WEAK;
}

/* Atlassian API tokens and admin keys (ATATT3..., ATCTT3...): base64url
 * text, '=' and 8 upper-case hex digits, the CRC32 of all before them. */
int rv_atlassian(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)b;
	if (bn < 9 || tok[n - 9] != '=' || !all_in(tok + n - 8, 8, RC_UPALNUM) ||
	    !all_in(tok + n - 8, 8, RC_HEXI))
		return RV_REJECT;
	char c[9];
	snprintf(c, sizeof(c), "%08X", (unsigned)scan_crc32(tok, n - 8));
	return memcmp(c, tok + n - 8, 8) == 0 ? RV_CHECKED : RV_WEAK;
}

/* Bitbucket Data Center HTTP access tokens: BBDC- and the base64 of
 * "<numeric id>:<random bytes>". */
int rv_bbdc(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)tok; (void)n;
	unsigned char d[64];
	long m = b64_decode(b, bn, d, sizeof(d));
	long i = 0;
	while (i < m && d[i] >= '0' && d[i] <= '9')
		i++;
	return i >= 6 && i < m && d[i] == ':' && m - i - 1 >= 16 ? RV_CHECKED : RV_REJECT;
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

int rv_age(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)b; (void)bn;
	return scan_bech32_valid(tok, n) ? 1 : -1;
}

/* --- embedded structure checks --- */
/* PyPI tokens are macaroons: version 2, a location packet "pypi.org" (or
 * "test.pypi.org"), then an identifier packet. */
int rv_pypi(const char *tok, size_t n, const char *b, size_t bn)
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
int rv_glc(const char *tok, size_t n, const char *b, size_t bn)
{
	(void)tok; (void)n;
	return json_prefix(b, bn, "{\"o\":\"") ? 1 : -1;
}

/* Sentry org tokens: sntrys_<base64 JSON with "iat">_<secret>. */
int rv_sentry(const char *tok, size_t n, const char *b, size_t bn)
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
int rv_ghfine(const char *t, size_t n, const char *b, size_t bn) { (void)t; (void)n; return v_at(b, bn, 22, '_'); }
int rv_glsa(const char *t, size_t n, const char *b, size_t bn) { (void)t; (void)n; return v_at(b, bn, 32, '_'); }
int rv_postman(const char *t, size_t n, const char *b, size_t bn) { (void)t; (void)n; return v_at(b, bn, 24, '-'); }
int rv_dynatrace(const char *t, size_t n, const char *b, size_t bn) { (void)t; (void)n; return v_at(b, bn, 24, '.'); }

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
int rv_alnum_both(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	bool a = false, dg = false;
	for (size_t i = 0; i < bn; i++) {
		a |= isalpha((unsigned char)b[i]) != 0;
		dg |= isdigit((unsigned char)b[i]) != 0;
	}
	return a && dg ? 0 : -1;
}
size_t rule_digits_at(const char *b, size_t bn, size_t i)
{
	size_t s = i;
	while (i < bn && isdigit((unsigned char)b[i]))
		i++;
	return i - s;
}
int rv_slack(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	if (bn && b[bn - 1] == '-')
		return -1; /* the secret part is missing (xoxp-1-2-3-####) */
	size_t i = bn > 2 && isdigit((unsigned char)b[0]) && b[1] == '-' ? 2 : 0;
	size_t a = rule_digits_at(b, bn, i);
	if (a < 8 || a > 14 || i + a >= bn || b[i + a] != '-')
		return -1;
	i += a + 1;
	size_t u = rule_digits_at(b, bn, i);
	if (u >= 8 && u <= 14)
		return 0;
	size_t k = i;
	while (k < bn && rule_is_alnum((unsigned char)b[k]))
		k++;
	return k == bn && bn - i >= 18 && bn - i <= 26 && mixed_case_digits(b + i, bn - i) ? 0 : -1;
}
int rv_xapp(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn > 2 && b[0] == '1' && b[1] == '-' && count_char(b, bn, '-') >= 3 ? 0 : -1;
}
/* Slack configuration tokens: xoxe.xoxp-1-..., xoxe-1-...; xoxe- also
 * carries user tokens (xoxe-<id>-<id>-...). */
int rv_slackcfg(const char *t, size_t n, const char *b, size_t bn)
{
	if (bn > 2 && isdigit((unsigned char)b[0]) && b[1] == '-')
		return rv_alnum_both(t, n, b + 2, bn - 2); /* not ...-1-SlackAppConfigurationTokenHere */
	return rv_slack(t, n, b, bn);
}
/* Workflow webhooks: T.../A.../<id>/<secret> (or two parts for triggers). */
int rv_slackflow(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	int k = count_char(b, bn, '/');
	return bn && b[0] == 'T' && k >= 2 && k <= 3 ? 0 : -1;
}
int rv_slackhook(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn && b[0] == 'T' && count_char(b, bn, '/') == 2 ? 0 : -1;
}
/* Legacy OpenAI keys carry "T3BlbkFJ" (base64 of "OpenAI") in the middle. */
int rv_openai(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn == 48 && !memcmp(b + 20, "T3BlbkFJ", 8) ? 1 : -1;
}
/* OpenAI project, service account and admin keys carry the marker too,
 * with at least 20 characters on either side. */
int rv_openai_marker(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	const char *m = memmem(b, bn, "T3BlbkFJ", 8);
	return m && m - b >= 20 && (size_t)(b + bn - m) >= 28 ? RV_CHECKED : RV_REJECT;
}
int rv_azure(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn == 88 && b[86] == '=' && b[87] == '=' ? 0 : -1;
}

/* Legacy Grafana API keys are base64 of {"k":"...","n":"...","id":N}. */
int rv_grafana_legacy(const char *t, size_t n, const char *b, size_t bn)
{
	(void)b; (void)bn;
	unsigned char dec[300];
	long m = b64_decode(t, n, dec, sizeof(dec));
	return m > 20 && memmem(dec, (size_t)m, "\"n\":\"", 5) && memmem(dec, (size_t)m, "\"id\":", 5) ? 1 : -1;
}
/* Brevo: xkeysib-<64 hex>-<16 alnum>. */
int rv_brevo(const char *t, size_t n, const char *b, size_t bn)
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
int rv_flw(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return bn == 34 && b[32] == '-' && b[33] == 'X' ? 1 : -1;
}
/* Mixed case and digits: a random body, not a hex digest or a word. */
int rv_mixed(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	return mixed_case_digits(b, bn) ? 0 : -1;
}
/* Amazon Bedrock API keys: ABSK + base64 of "BedrockAPIKey-..."; short-lived
 * ones: bedrock-api-key- + base64 of a presigned bedrock.amazonaws.com URL. */
int rv_bedrock(const char *t, size_t n, const char *b, size_t bn)
{
	(void)n;
	return json_prefix(b, bn, t[0] == 'A' ? "BedrockAPIKey-" : "bedrock.amazonaws.com/") ? 1 : -1;
}
/* NuGet keys are lower-case. */
int rv_lower(const char *t, size_t n, const char *b, size_t bn)
{
	(void)t; (void)n;
	for (size_t i = 0; i < bn; i++)
		if (isupper((unsigned char)b[i]))
			return -1;
	return 0;
}

/* --- structured matchers --- */
size_t rule_run_len(const char *d, size_t len, size_t i, int cls, size_t cap)
{
	size_t s = i;
	while (i < len && i - s <= cap && rule_in_class(cls, (unsigned char)d[i]))
		i++;
	return i - s;
}

bool rule_dotted3(const char *d, size_t len, size_t pos, const unsigned lim[3][2], size_t at[3],
		  size_t n[3])
{
	size_t p = pos;
	for (int k = 0; k < 3; k++) {
		size_t r = rule_run_len(d, len, p, RC_B64URL, lim[k][1]);
		if (r < lim[k][0] || r > lim[k][1])
			return false;
		at[k] = p;
		n[k] = r;
		if (k < 2) {
			if (p + r >= len || d[p + r] != '.')
				return false;
			p += r + 1;
		}
	}
	return true;
}

static int match_default(const struct rule *r, const char *d, size_t len, size_t pos,
			 struct scan_hits *out)
{
	size_t pl = strlen(r->prefix);
	if (pos + pl > len || memcmp(d + pos, r->prefix, pl) != 0)
		return 0;
	/* a word starts here (video_box.ico-7a38... is a file name) */
	if (pos > 0 && (rule_is_alnum((unsigned char)d[pos - 1]) || d[pos - 1] == '.' || d[pos - 1] == '_'))
		return 0;
	size_t b = pos + pl;
	size_t bn = rule_run_len(d, len, b, r->cls, r->max);
	if (bn < r->min || bn > r->max)
		return 0;
	if (!token_body_plausible(d + b, bn))
		return 0;
	int chk = RV_OK, conf = r->conf;
	if (r->verify && (chk = r->verify(d + pos, pl + bn, d + b, bn)) == RV_REJECT)
		return 0;
	if (chk == RV_WEAK) {
		chk = RV_OK;
		conf = conf > SCAN_CONF_MEDIUM ? SCAN_CONF_MEDIUM : conf;
	}
	return rule_hit(out, r, pos, pl + bn, conf, chk, 0);
}

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
