/* SPDX-License-Identifier: ISC */
/* Token matchers for formats that a prefix and one run of a class cannot
 * say: Discord bot tokens (a base64 user id), Telegram and Terraform Cloud
 * tokens (text before the literal), AWS key pairs, Discord webhooks, Asana
 * tokens, Entra client secrets, segmented tokens (a table of shapes per
 * prefix), Mailchimp and MaxMind keys (a suffix after the random part). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "scan/rules.h"

/* Discord bot tokens: base64(user id).<6>.<27..38>; the first part must
 * decode to the decimal digits of a snowflake id. */
int rm_discord(const struct rule *r, const char *d, size_t len, size_t pos,
	       struct scan_hits *out)
{
	if (pos > 0 && rule_in_class(RC_B64URL, (unsigned char)d[pos - 1]))
		return 0;
	size_t a = rule_run_len(d, len, pos, RC_B64URL, 40);
	if (a < 24 || a > 28 || pos + a >= len || d[pos + a] != '.')
		return 0;
	size_t p2 = pos + a + 1;
	size_t b = rule_run_len(d, len, p2, RC_B64URL, 10);
	if (b < 6 || b > 7 || p2 + b >= len || d[p2 + b] != '.')
		return 0;
	size_t p3 = p2 + b + 1;
	size_t c = rule_run_len(d, len, p3, RC_B64URL, 40);
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
	return rule_hit(out, r, pos, p3 + c - pos, r->conf, 1, 0);
}

/* Telegram bot tokens: <8-10 digit bot id>:AA<33 base64url>. */
int rm_telegram(const struct rule *r, const char *d, size_t len, size_t pos,
		struct scan_hits *out)
{
	size_t s = pos;
	while (s > 0 && pos - s < 11 && isdigit((unsigned char)d[s - 1]))
		s--;
	size_t digits = pos - s;
	if (digits < 8 || digits > 10 || (s > 0 && rule_is_alnum((unsigned char)d[s - 1])))
		return 0;
	size_t bn = rule_run_len(d, len, pos + 3, RC_B64URL, 40);
	if (bn != 33 || !token_body_plausible(d + pos + 3, bn))
		return 0;
	return rule_hit(out, r, s, pos + 3 + bn - s, r->conf, 0, 0);
}

/* Terraform Cloud / Enterprise: <14 alnum>.atlasv1.<60-70 base64url>. */
int rm_tfc(const struct rule *r, const char *d, size_t len, size_t pos,
	   struct scan_hits *out)
{
	if (pos < 14)
		return 0;
	size_t s = pos - 14;
	for (size_t i = s; i < pos; i++)
		if (!rule_is_alnum((unsigned char)d[i]))
			return 0;
	if (s > 0 && rule_is_alnum((unsigned char)d[s - 1]))
		return 0;
	size_t bn = rule_run_len(d, len, pos + 9, RC_B64URL, 80);
	if (bn < 60 || bn > 70 || !token_body_plausible(d + pos + 9, bn))
		return 0;
	return rule_hit(out, r, s, pos + 9 + bn - s, r->conf, 0, 0);
}

static bool aws_secret_char(unsigned char c)
{
	return rule_is_alnum(c) || c == '/' || c == '+';
}

/* AWS access key ids; a 40-char secret within 600 bytes makes it a pair. */
int rm_aws(const struct rule *r, const char *d, size_t len, size_t pos,
	   struct scan_hits *out)
{
	if (pos > 0 && rule_is_alnum((unsigned char)d[pos - 1]))
		return 0;
	size_t i = pos + 4, e = i;
	while (e < len && e - i <= 16 && ((d[e] >= 'A' && d[e] <= 'Z') || (d[e] >= '2' && d[e] <= '7')))
		e++;
	if (e - i != 16 || (e < len && rule_is_alnum((unsigned char)d[e])))
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


/* Discord webhooks: https://discord.com/api/webhooks/<17-20 digit id>/<68 token>
 * (discordapp.com too). */
int rm_discord_hook(const struct rule *r, const char *d, size_t len, size_t pos,
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
	size_t t = i + 1, tn = rule_run_len(d, len, t, RC_B64URL, 100);
	if (tn < 60 || tn > 90 || !token_body_plausible(d + t, tn))
		return 0;
	return rule_hit(out, r, pos, t + tn - pos, r->conf, 1, 0);
}

/* Asana personal access tokens: 1/ or 2/, a 16-digit user id, '/', a
 * 16-digit id, ':', 32 hex. */
int rm_asana(const struct rule *r, const char *d, size_t len, size_t pos,
	     struct scan_hits *out)
{
	if (pos > 0 && (rule_is_alnum((unsigned char)d[pos - 1]) || d[pos - 1] == '/'))
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
	size_t h = ++i, hn = rule_run_len(d, len, h, RC_HEX, 40);
	if (hn != 32 || !token_body_plausible(d + h, hn))
		return 0;
	return rule_hit(out, r, pos, h + hn - pos, r->conf, 1, 0);
}

/* Microsoft Entra (Azure AD) client secrets: 3 chars, a digit, "Q~", then
 * 31-34 characters of [A-Za-z0-9_~.-]. */
static bool azure_secret_char(unsigned char c)
{
	return rule_is_alnum(c) || c == '_' || c == '~' || c == '.' || c == '-';
}
int rm_azure_ad(const struct rule *r, const char *d, size_t len, size_t pos,
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
	return rule_hit(out, r, s, i - s, r->conf, 0, 0);
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
			if (i + n > len || rule_run_len(d, len, i, g->cls, n) < n)
				return 0;
		} else {
			n = rule_run_len(d, len, i, g->cls, g->max);
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

int rm_segments(const struct rule *r, const char *d, size_t len, size_t pos,
		struct scan_hits *out)
{
	/* a prefix that starts with a letter or digit starts a word */
	if (pos > 0 && rule_is_alnum((unsigned char)d[pos - 1]) && rule_is_alnum((unsigned char)r->prefix[0]))
		return 0;
	for (size_t k = 0; k < sizeof(seg_specs) / sizeof(seg_specs[0]); k++) {
		if (strcmp(seg_specs[k].prefix, r->prefix) != 0)
			continue;
		size_t last = 0, n = 0;
		size_t e = seg_fit(&seg_specs[k], d, len, pos + strlen(r->prefix), &last, &n);
		if (!e || !token_body_plausible(d + last, n))
			continue;
		return rule_hit(out, r, pos, e - pos, r->conf, seg_specs[k].check, 0);
	}
	return 0;
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
int rm_mailchimp(const struct rule *r, const char *d, size_t len, size_t pos,
		 struct scan_hits *out)
{
	size_t s = back_run(d, pos, RC_HEX, 32);
	if (s == (size_t)-1 || !token_body_plausible(d + s, 32))
		return 0;
	size_t k = rule_digits_at(d, len, pos + 3);
	if (k < 1 || k > 2 || (pos + 3 + k < len && rule_is_alnum((unsigned char)d[pos + 3 + k])))
		return 0;
	return rule_hit(out, r, s, pos + 3 + k - s, r->conf, 1, 0);
}

/* MaxMind license keys: <6>_<29>_mmk. */
int rm_maxmind(const struct rule *r, const char *d, size_t len, size_t pos,
	       struct scan_hits *out)
{
	size_t b = back_run(d, pos, RC_ALNUM, 29);
	if (b == (size_t)-1 || b < 1 || d[b - 1] != '_')
		return 0;
	size_t a = back_run(d, b - 1, RC_ALNUM, 6);
	if (a == (size_t)-1 || (pos + 4 < len && rule_in_class(RC_ALNUM_US, (unsigned char)d[pos + 4])) ||
	    !token_body_plausible(d + b, 29))
		return 0;
	return rule_hit(out, r, a, pos + 4 - a, r->conf, 1, 0);
}