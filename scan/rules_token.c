/* SPDX-License-Identifier: ISC */
/* Token matchers for formats that a prefix and one run of a class cannot
 * say: Discord bot tokens (a base64 user id), Telegram and Terraform Cloud
 * tokens (text before the literal), AWS key pairs, Discord webhooks, Asana
 * tokens, Entra client secrets, segmented tokens (a table of shapes per
 * prefix), Mailchimp and MaxMind keys (a suffix after the random part). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "scan/rules.h"

/* Discord bot tokens: base64(user id).<6>.<27..38>; the first part must
 * decode to the decimal digits of a snowflake id. */
int rm_discord(const struct rule *r, const char *d, size_t len, size_t pos,
	       struct scan_hits *out)
{
	if (pos > 0 && rule_in_class(RC_B64URL, (unsigned char)d[pos - 1]))
		return 0;
	static const unsigned lim[3][2] = { { 24, 28 }, { 6, 7 }, { 27, 38 } };
	size_t at[3], n[3];
	if (!rule_dotted3(d, len, pos, lim, at, n))
		return 0;
	size_t a = n[0], p3 = at[2], c = n[2];
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
	/* HubSpot private app tokens pat-<region>-<UUID> */
	{ "pat-", { { RC_ALNUM, 3, 4, "-", NULL }, SEG_UUID(NULL) }, 1 },
	/* Pinecone API keys pcsk_<key id>_<63> */
	{ "pcsk_", { { RC_ALNUM, 5, 6, "_", NULL }, { RC_ALNUM, 63, 63, NULL, NULL } }, 1 },
	/* CircleCI personal and project API tokens CCIPAT_|CCIPRJ_<22>_<40 hex> */
	{ "CCIPAT_", { SEG(RC_ALNUM, 22, "_"), { RC_HEXI, 40, 40, NULL, NULL } }, 1 },
	{ "CCIPRJ_", { SEG(RC_ALNUM, 22, "_"), { RC_HEXI, 40, 40, NULL, NULL } }, 1 },
	/* Salesforce session ids: a 15-character org id (00D...), '!', the session */
	{ "00D", { SEG(RC_ALNUM, 12, "!"), { RC_B64URL_DOT, 80, 250, NULL, NULL } }, 1 },
	/* Zapier catch hooks .../hooks/catch/<account digits>/<hook id> */
	{ "hooks.zapier.com/hooks/catch/", { { RC_DIGIT, 4, 12, "/", NULL }, { RC_ALNUM, 5, 12, NULL, NULL } }, 0 },
	/* Tines webhooks https://<tenant>.tines.com/webhook/<32>/<32> */
	{ ".tines.com/webhook/", { SEG(RC_ALNUM, 32, "/"), { RC_ALNUM, 32, 32, NULL, NULL } }, 0 },
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
static bool hex_run(const char *d, size_t s, size_t n, int cls)
{
	for (size_t i = s; i < s + n; i++)
		if (!rule_in_class(cls, (unsigned char)d[i]))
			return false;
	return true;
}

/* OpenAI keys carrying "T3BlbkFJ" (base64 of "OpenAI") between two runs
 * of 20 base62 characters, the key starting with sk-: legacy keys
 * (sk-<20>T3BlbkFJ<20>) and named ones (sk-<name>-<20>T3BlbkFJ<20>).
 * Project, service account and admin keys have rules of their own. */
int rm_openai(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out)
{
	size_t a = back_run(d, pos, RC_ALNUM, 20), e = pos + 8;
	if (a == (size_t)-1 || a < 3 || rule_run_len(d, len, e, RC_ALNUM, 20) != 20 ||
	    (e + 20 < len && rule_in_class(RC_B64URL, (unsigned char)d[e + 20])))
		return 0;
	size_t s = a;
	while (s > 0 && a - s < 100 && rule_in_class(RC_B64URL, (unsigned char)d[s - 1]))
		s--;
	if (memcmp(d + s, "sk-", 3) != 0 || (s > 0 && rule_in_class(RC_B64URL, (unsigned char)d[s - 1])))
		return 0;
	static const char *const own[] = { "sk-proj-", "sk-svcacct-", "sk-admin-" };
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!strncmp(d + s, own[i], strlen(own[i])))
			return 0;
	if (!token_body_plausible(d + a, 20) || !token_body_plausible(d + e, 20))
		return 0;
	return rule_hit(out, r, s, e + 20 - s, r->conf, RV_CHECKED, 0);
}

/* Facebook app access tokens: <app id, 15-16 digits>|<27 base64url> or
 * <app id>|<32 hex: the app secret or client token>. The prefix is the
 * id's last digit and the bar. */
int rm_facebook_app(const struct rule *r, const char *d, size_t len, size_t pos,
		    struct scan_hits *out)
{
	size_t id = pos + 1;
	while (id > 0 && pos + 1 - id <= 16 && isdigit((unsigned char)d[id - 1]))
		id--;
	size_t nd = pos + 1 - id, v = pos + 2;
	if (nd < 15 || nd > 16 || (id > 0 && rule_in_class(RC_ALNUM_US, (unsigned char)d[id - 1])))
		return 0;
	size_t vn = rule_run_len(d, len, v, RC_B64URL, 40);
	if (!(vn == 27 || (vn == 32 && hex_run(d, v, 32, RC_HEXI))) || !token_body_plausible(d + v, vn))
		return 0;
	return rule_hit(out, r, id, v + vn - id, r->conf, RV_OK, 0);
}

/* New Relic keys known by their last characters: license keys, 40
 * characters ending NRAL (36 hex digits, or eu01xx and 30, then NRAL), and
 * mobile app tokens (AA and 40 hex, or eu01xx and 36 hex, then -NRMA). */
int rm_newrelic_suffix(const struct rule *r, const char *d, size_t len, size_t pos,
		       struct scan_hits *out)
{
	bool mobile = r->prefix[0] == '-';
	size_t body = mobile ? 42 : 36, pl = strlen(r->prefix);
	if (pos < body || (pos + pl < len && rule_is_alnum((unsigned char)d[pos + pl])))
		return 0;
	size_t s = pos - body;
	if (s > 0 && rule_is_alnum((unsigned char)d[s - 1]))
		return 0;
	bool eu = !memcmp(d + s, "eu01xx", 6);
	size_t h = eu ? 6 : mobile ? 2 : 0;
	if ((!eu && mobile && memcmp(d + s, "AA", 2) != 0) ||
	    !hex_run(d, s + h, body - h, mobile ? RC_HEX : RC_HEXI) || !token_body_plausible(d + s + h, body - h))
		return 0;
	return rule_hit(out, r, s, pos + pl - s, r->conf, RV_CHECKED, 0);
}

/* Azure Container Registry passwords and tokens: 42 base64 characters,
 * the signature +ACR, 6 more. */
int rm_azure_acr(const struct rule *r, const char *d, size_t len, size_t pos,
		 struct scan_hits *out)
{
	size_t s = back_run(d, pos, RC_B64, 42), e = pos + 4;
	if (s == (size_t)-1 || memchr(d + s, '=', 42) || rule_run_len(d, len, e, RC_ALNUM, 6) != 6 ||
	    (e + 6 < len && rule_in_class(RC_B64, (unsigned char)d[e + 6])) || !token_body_plausible(d + s, 42))
		return 0;
	return rule_hit(out, r, s, e + 6 - s, r->conf, RV_CHECKED, 0);
}

/* Azure shared access signatures: sig=<the URL-encoded base64 of a 32-byte
 * HMAC> in a query string that also carries the signature version: a date
 * (storage SAS, sv=YYYY-MM-DD) or 1.0 (the trigger URLs of Logic Apps and
 * Power Automate workflows, Teams workflow webhooks among them; their sig
 * is base64url). */
int rm_azure_sas(const struct rule *r, const char *d, size_t len, size_t pos,
		 struct scan_hits *out)
{
	if (pos == 0 || (d[pos - 1] != '&' && d[pos - 1] != '?'))
		return 0;
	size_t v = pos + 4, e = v;
	char b64[64];
	size_t bn = 0;
	while (e < len && bn < sizeof(b64) && (rule_in_class(RC_B64_ALL, (unsigned char)d[e]) || d[e] == '%')) {
		if (d[e] == '%') {
			if (e + 2 >= len)
				return 0;
			char hx[3] = { d[e + 1], d[e + 2], 0 };
			b64[bn++] = !strcasecmp(hx, "2B") ? '+' : !strcasecmp(hx, "2F") ? '/' :
				    !strcasecmp(hx, "3D") ? '=' : '?'; /* '?' fails the decode */
			e += 3;
		} else {
			b64[bn++] = d[e++];
		}
	}
	unsigned char mac[40];
	if (bn < 43 || bn > 44 || b64_decode(b64, bn, mac, sizeof(mac)) != 32 || !token_body_plausible(b64, bn))
		return 0;
	/* the signature version on the same line */
	size_t ls = v, le = e;
	while (ls > 0 && v - ls < 2048 && d[ls - 1] != '\n')
		ls--;
	while (le < len && le - e < 2048 && d[le] != '\n')
		le++;
	bool sv = false;
	for (const char *p = d + ls; !sv && (p = memmem(p, (size_t)(d + le - p), "sv=", 3)) != NULL; p += 3)
		sv = (p + 8 <= d + le && isdigit((unsigned char)p[3]) && isdigit((unsigned char)p[6]) && p[7] == '-') ||
		     (p + 6 <= d + le && !memcmp(p + 3, "1.0", 3));
	return sv ? rule_hit(out, r, v, e - v, r->conf, RV_CHECKED, 0) : 0;
}
