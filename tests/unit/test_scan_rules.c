/* SPDX-License-Identifier: ISC */
/* Unit tests for the scanner's rules: every rule's positive and negative
 * examples, kept beside the rule in scan/rules/ (written from the
 * provider's documented format: prefix, length, alphabet, structure), are
 * expanded and scanned; the generic rule's syntaxes and the value checks
 * that keep it quiet on real code; the TOML reader and the gitleaks
 * ruleset loader. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "scan/match.h"
#include "scan/relit.h"
#include "scan/rules.h"
#include "scan/ruleset.h"
#include "scan/scan.h"
#include "scan/toml.h"
#include "t.h"

/* --- the examples beside each rule in scan/rules/ --- */
static unsigned long long seed = 0x9E3779B97F4A7C15ull;

static char rnd_from(const char *cls)
{
	seed = seed * 6364136223846793005ull + 1442695040888963407ull;
	return cls[(seed >> 33) % strlen(cls)];
}

static void put(char *o, size_t *k, size_t cap, char c)
{
	if (*k + 1 < cap)
		o[(*k)++] = c;
}

static void base64_put(const unsigned char *in, size_t n, bool url, char *o, size_t *k, size_t cap)
{
	const char *A = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			    : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);
		put(o, k, cap, A[(v >> 18) & 63]);
		put(o, k, cap, A[(v >> 12) & 63]);
		if (i + 1 < n || !url)
			put(o, k, cap, i + 1 < n ? A[(v >> 6) & 63] : '=');
		if (i + 2 < n || !url)
			put(o, k, cap, i + 2 < n ? A[v & 63] : '=');
	}
}

/* Bech32 (BIP-173) checksum of the token ending at o[k]: 6 characters in
 * the token's case. */
static void bech32_put(char *o, size_t *k, size_t cap)
{
	static const char cs[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };
	size_t s = *k, sep = 0;
	while (s > 0 && (isalnum((unsigned char)o[s - 1]) || o[s - 1] == '-'))
		s--;
	for (size_t i = s; i < *k; i++)
		if (o[i] == '1')
			sep = i;
	uint32_t chk = 1;
	unsigned vals[300];
	size_t nv = 0;
	for (size_t i = s; i < sep; i++)
		vals[nv++] = (unsigned)tolower((unsigned char)o[i]) >> 5;
	vals[nv++] = 0;
	for (size_t i = s; i < sep; i++)
		vals[nv++] = (unsigned)tolower((unsigned char)o[i]) & 31;
	for (size_t i = sep + 1; i < *k && nv < 290; i++)
		vals[nv++] = (unsigned)(strchr(cs, tolower((unsigned char)o[i])) - cs);
	for (int i = 0; i < 6; i++)
		vals[nv++] = 0;
	for (size_t i = 0; i < nv; i++) {
		uint32_t b = chk >> 25;
		chk = ((chk & 0x1ffffff) << 5) ^ vals[i];
		for (int g = 0; g < 5; g++)
			if ((b >> g) & 1)
				chk ^= gen[g];
	}
	chk ^= 1;
	bool upper = *k > s && isupper((unsigned char)o[s]);
	for (int i = 0; i < 6; i++) {
		char c = cs[(chk >> (5 * (5 - i))) & 31];
		put(o, k, cap, upper ? (char)toupper((unsigned char)c) : c);
	}
}

/* Expands the template at p (see scan/rules.h) into o until end (":64}",
 * ":6u}") or the end of p; returns what follows. */
static const char *expand(const char *p, const char *end, char *o, size_t *k, size_t cap)
{
	while (*p && !(end && !strncmp(p, end, 4))) {
		if (!strncmp(p, "{64:", 4) || !strncmp(p, "{6u:", 4)) {
			bool url = p[2] == 'u';
			char sub[4096];
			size_t sk = 0;
			p = expand(p + 4, url ? ":6u}" : ":64}", sub, &sk, sizeof(sub));
			base64_put((const unsigned char *)sub, sk, url, o, k, cap);
		} else if (!strncmp(p, "{C}", 3) || !strncmp(p, "{C:", 3)) {
			size_t n = p[2] == ':' ? (size_t)atoi(p + 3) : 30;
			char c[7];
			if (*k >= n) {
				scan_base62_crc(o + *k - n, n, c);
				for (int i = 0; i < 6; i++)
					put(o, k, cap, c[i]);
			}
			p = strchr(p, '}') + 1;
		} else if (!strncmp(p, "{X:", 3) || !strncmp(p, "{Y}", 3)) {
			/* CRC32 in hex: of the n characters before, or of all before */
			size_t n = p[1] == 'X' ? (size_t)atoi(p + 3) : *k;
			char c[9];
			if (*k >= n) {
				snprintf(c, sizeof(c), p[1] == 'X' ? "%08x" : "%08X",
					 (unsigned)scan_crc32(o + *k - n, n));
				for (int i = 0; i < 8; i++)
					put(o, k, cap, c[i]);
			}
			p = strchr(p, '}') + 1;
		} else if (!strncmp(p, "{Q}", 3)) {
			bech32_put(o, k, cap);
			p += 3;
		} else if (p[0] == '{' && p[1] && p[2] == ':' && strchr("AHDUBLWK", p[1])) {
			/* the class letters of "AHDUBLWK", in that order */
			static const char *const classes[] = {
				"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
				"0123456789abcdef", "0123456789", "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
				"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-",
				"0123456789abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
				"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
			};
			const char *cls = classes[strchr("AHDUBLWK", p[1]) - "AHDUBLWK"];
			for (int i = atoi(p + 3); i > 0; i--)
				put(o, k, cap, rnd_from(cls));
			p = strchr(p, '}') + 1;
		} else {
			put(o, k, cap, *p++);
		}
	}
	o[*k] = 0;
	return *p ? p + 4 : p;
}

/* The expansion of tpl; its random parts come from a seed made of the
 * template itself, so an example's text does not change when rules are
 * added or moved. */
static const char *ex(const char *tpl)
{
	static char buf[4][8192];
	static int which;
	char *o = buf[which++ & 3];
	size_t k = 0;
	seed = 0x9E3779B97F4A7C15ull;
	for (const char *p = tpl; *p; p++)
		seed = (seed ^ (unsigned char)*p) * 0x100000001B3ull;
	expand(tpl, NULL, o, &k, sizeof(buf[0]));
	return o;
}

/* Rule ids found in s (flags), space-separated. */
static const char *rules_in(const char *s, unsigned flags)
{
	static char out[512];
	struct scan_hits h = { 0 };
	out[0] = 0;
	if (scan_buffer(s, strlen(s), flags, &h) == 0)
		for (size_t i = 0; i < h.n; i++) {
			size_t l = strlen(out);
			snprintf(out + l, sizeof(out) - l, "%s%s", l ? " " : "", h.v[i].rule);
		}
	scan_hits_free(&h);
	return out;
}

static bool has_word(const char *list, const char *w)
{
	size_t l = strlen(w);
	for (const char *p = list; (p = strstr(p, w)) != NULL; p += l)
		if ((p == list || p[-1] == ' ') && (p[l] == 0 || p[l] == ' '))
			return true;
	return false;
}

/* Every rule carries a positive and a negative example beside it, written
 * from the provider's documented format; each behaves. Only rule ids and
 * prefixes are printed, never an example. */
static void test_rule_examples(void)
{
	for (size_t i = 0; i < scan_nrules; i++) {
		const struct rule *r = &scan_rules[i];
		ok(r->yes[0] && r->no[0], "%s (%s): has a positive and a negative example", r->id, r->prefix);
		for (int k = 0; k < 3 && r->yes[k]; k++) {
			const char *got = rules_in(ex(r->yes[k]), r->need);
			ok(has_word(got, r->id), "%s (%s): positive %d found (got: %s)", r->id, r->prefix, k, got);
		}
		for (int k = 0; k < 3 && r->no[k]; k++) {
			const char *got = rules_in(ex(r->no[k]), r->need);
			ok(!has_word(got, r->id), "%s (%s): negative %d not reported (got: %s)", r->id, r->prefix, k, got);
		}
	}
	/* the templates themselves: a CRC suffix and a Bech32 checksum */
	const char *t = ex("ghp_{A:30}{C}");
	ok(strlen(t) == 40, "template {C} appends 6 characters");
	t = ex("AGE-SECRET-KEY-1{K:52}{Q}");
	ok(scan_bech32_valid(t, strlen(t)), "template {Q} makes a valid Bech32 checksum");
}

/* The hit of rule id in s (NULL when there is none); the first one. */
static bool first_hit(const char *s, const char *id, struct scan_hit *out)
{
	struct scan_hits h = { 0 };
	bool found = false;
	if (scan_buffer(s, strlen(s), 0, &h) == 0)
		for (size_t i = 0; i < h.n && !found; i++)
			if (!strcmp(h.v[i].rule, id)) {
				*out = h.v[i];
				found = true;
			}
	scan_hits_free(&h);
	return found;
}

/* A checksum that holds makes a finding high and checked; one whose
 * construction the provider does not document and that fails leaves it
 * reported at medium (Cloudflare, Atlassian, Vercel); a documented one
 * that fails rejects it (GitHub). */
static void test_checksum_confidence(void)
{
	static const struct { const char *id, *good, *bad; bool bad_reported; } c[] = {
		{ "cloudflare-api-token", "cfut_{A:40}{X:40}", "cfut_{A:40}0badc0de", true },
		{ "atlassian-api-token", "ATATT3{B:178}={Y}", "ATATT3{B:178}=0BADC0DE", true },
		{ "vercel-token", "vcp_{A:50}{C:50}", "vcp_{A:50}0bAdC9", true },
		{ "github-pat", "ghp_{A:30}{C}", "ghp_{A:30}0bAdC9", false },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct scan_hit h;
		bool found = first_hit(ex(c[i].good), c[i].id, &h);
		ok(found && h.conf == SCAN_CONF_HIGH && h.check == SCAN_CHECK_VALID,
		   "%s: a holding checksum is high and checked", c[i].id);
		found = first_hit(ex(c[i].bad), c[i].id, &h);
		if (c[i].bad_reported)
			ok(found && h.conf == SCAN_CONF_MEDIUM && h.check == SCAN_CHECK_NONE,
			   "%s: a failing checksum is reported at medium, unchecked", c[i].id);
		else
			ok(!found, "%s: a failing checksum is not reported", c[i].id);
	}
}

/* --- the literal reader and the windows it gives the ruleset --- */
static bool has_lit(const struct relit *l, const char *w)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->lit[i], w))
			return true;
	return false;
}

#define GENERIC "(?i)[\\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|key|passw(?:or)?d|secret|token)" \
		"(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}" \
		"([\\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\\x60'\"\\s;]|\\\\[nr]|$)"

static void test_relit(void)
{
	struct relit l;
	ok(relit_analyse(GENERIC, &l) == 1 && has_lit(&l, "key") && has_lit(&l, "password") &&
	   has_lit(&l, "passwd") && has_lit(&l, "api") && l.pre == 50 && l.nl == 0 && l.post,
	   "generic rule: its name words, at most 50 bytes after the start, an operator after (%zu)", l.n);
	relit_free(&l);
	ok(relit_analyse("\\bacme_[A-Za-z0-9]{32}\\b", &l) == 1 && l.n == 1 && has_lit(&l, "acme_") && l.pre == 0,
	   "prefix token: its prefix");
	relit_free(&l);
	ok(relit_analyse("(?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\\s\\S-]{64,}?KEY-----", &l) == 1 &&
	   has_lit(&l, "-----begin"), "private key: the BEGIN line");
	relit_free(&l);
	ok(relit_analyse("ey[a-zA-Z0-9]{17,}\\.ey[a-zA-Z0-9]{17,}", &l) == 1 && has_lit(&l, ".ey") && l.pre == RELIT_LEN_INF &&
	   l.nl == 0, "jwt-like: the second part's start, any distance on one line");
	relit_free(&l);
	ok(relit_analyse("x(?:ab|cd){2,3}y", &l) == 1 && has_lit(&l, "xababy") && has_lit(&l, "xcdcdcdy"),
	   "bounded repetition of a small set: every text");
	relit_free(&l);
	const char *unread[] = { "(?=abc)abcdef", "(abc)\\1def", "\\p{L}abcdef", "(?x)abc def", "abc(?<=c)def",
				 "ab", "[a-z]{10}", "abc|[0-9]+", "(abc", "abc)", "a**bcd" };
	for (size_t i = 0; i < sizeof(unread) / sizeof(unread[0]); i++) {
		ok(relit_analyse(unread[i], &l) == 0 && l.n == 0, "no literal set: %s", unread[i]);
		relit_free(&l);
	}
}

/* Texts made of name words, operators, quotes, newlines and random runs. */
static void random_text(char *o, size_t cap)
{
	static const char *const parts[] = {
		"api_key", "API", "token", "Secret", "passwd", "acme_", "ey", ".", "eyJhbGciOiJIUzI1", " = ", ":",
		"=", " ", "\t", "'", "\"", "\n", "\n\n", ",", ";", "-", "\\n", "keyboard", "monkey", "-----BEGIN ",
		"PRIVATE KEY-----", "KEY-----",
	};
	static const char digits[] = "0123456789";
	size_t k = 0;
	while (k + 64 < cap) {
		if (rnd_from("0123") == '0') {
			size_t n = 8 + (size_t)(rnd_from(digits) - '0') * 3;
			for (size_t i = 0; i < n; i++)
				o[k++] = rnd_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/");
			continue;
		}
		size_t which = (size_t)(rnd_from(digits) - '0') * 10 + (size_t)(rnd_from(digits) - '0');
		const char *p = parts[which % (sizeof(parts) / sizeof(parts[0]))];
		size_t n = strlen(p);
		memcpy(o + k, p, n);
		k += n;
	}
	o[k] = 0;
}

/* A rule's hits with its regex read for literals (windows) and with the
 * same regex behind a comment the reader does not take (whole-file
 * search): the same, on many texts. */
static void test_windows(void)
{
	static const char *const res[] = {
		GENERIC,
		"\\bacme_[A-Za-z0-9]{8,}\\b",
		"(?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY-----[\\s\\S-]{10,}?KEY-----",
		"ey[a-zA-Z0-9]{5,}\\.ey[a-zA-Z0-9]{3,}",
		"(?i)(?:token|secret)[\\s\"':=]{1,6}([A-Za-z0-9+/]{8,})",
		"(?m)^[a-z_]*key\\s*=\\s*(\\S+)$",
	};
	int same = 0, total = 0, hits = 0;
	for (size_t r = 0; r < sizeof(res) / sizeof(res[0]); r++) {
		char cfg[2][1400];
		snprintf(cfg[0], sizeof(cfg[0]), "[[rules]]\nid = \"r\"\nregex = '''%s'''\n", res[r]);
		snprintf(cfg[1], sizeof(cfg[1]), "[[rules]]\nid = \"r\"\nregex = '''(?#whole file)%s'''\n", res[r]);
		struct scan_ruleset *rs[2] = { NULL, NULL };
		struct scan_rules_scratch *sc[2] = { NULL, NULL };
		char err[256] = "";
		for (int k = 0; k < 2; k++)
			if (scan_ruleset_parse("w.toml", cfg[k], strlen(cfg[k]), &rs[k], err, sizeof(err)) == 0)
				sc[k] = scan_rules_scratch_new(rs[k]);
		ok(sc[0] && sc[1], "windows: rule %zu loads (%s)", r, sc[0] && sc[1] ? "ok" : err);
		for (int t = 0; t < 150 && sc[0] && sc[1]; t++) {
			char text[2048];
			random_text(text, sizeof(text));
			struct scan_hits h[2] = { { 0 }, { 0 } };
			bool lim = false;
			for (int k = 0; k < 2; k++)
				(void)scan_ruleset_scan(rs[k], sc[k], "t.txt", text, strlen(text), &h[k], &lim);
			bool eq = h[0].n == h[1].n;
			for (size_t i = 0; eq && i < h[0].n; i++)
				eq = h[0].v[i].off == h[1].v[i].off && h[0].v[i].len == h[1].v[i].len;
			same += eq;
			total++;
			hits += (int)h[1].n;
			scan_hits_free(&h[0]);
			scan_hits_free(&h[1]);
		}
		for (int k = 0; k < 2; k++) {
			scan_rules_scratch_free(sc[k]);
			scan_ruleset_free(rs[k]);
		}
	}
	ok(same == total && hits > 100, "windows find what a whole-file search finds (%d/%d texts, %d hits)", same, total,
	   hits);
}

/* The generic rule: syntaxes and value checks. */
static void test_generic(void)
{
	const char *v = "Zk3vQ9xLm2Rt7YpW4sNc";
	char b[512];
	struct { const char *fmt; unsigned flags; bool want; const char *what; } c[] = {
		{ "<password>\n    %s\n  </password>\n", 0, true, "XML element over several lines" },
		{ "<db.password>%s</db.password>\n", 0, true, "XML element on one line" },
		{ "var apiToken string = \"%s\"\n", SCAN_F_CODE, true, "Go var NAME TYPE = literal" },
		{ "const apiToken: string = \"%s\";\n", SCAN_F_CODE, true, "TypeScript NAME: TYPE = literal" },
		{ "$secret .= \"%s\";\n", SCAN_F_CODE, true, "PHP .=" },
		{ "System.setProperty(\"db.password\", \"%s\");\n", SCAN_F_CODE, true, "Java setProperty" },
		{ "API_TOKEN ::= %s\n", 0, true, "Make ::=" },
		{ "API_TOKEN :::= %s\n", 0, true, "Make :::=" },
		{ "API_TOKEN ?= %s\n", 0, true, "Make ?=" },
		{ "API_TOKEN := %s\n", 0, true, "Make :=" },
		{ "api_key = \"%s\"\n", SCAN_F_CODE, true, "string literal in code" },
		{ "api_key = %s\n", SCAN_F_CODE, false, "unquoted value in code is an expression" },
		{ "api_key = %s\n", 0, true, "unquoted value in a config file" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(b, sizeof(b), c[i].fmt, v);
		bool got = strstr(rules_in(b, c[i].flags), "generic-secret") != NULL;
		ok(got == c[i].want, "generic: %s", c[i].what);
	}
	/* values that name or compute rather than hold */
	const char *quiet[] = {
		"key_password=key_password,\n",
		"MAX_NL80211_REKEY_DATA = NUM_NL80211_REKEY_DATA - 1\n",
		"statetokens = tokendefs[statestack[-1]]\n",
		"token = self.config.api_token\n",
		"password: MY_PASSWORD_CONSTANT\n",
		"password: 'bm90IG15IHJlYWwgcGFzc3dvcmQ='\n", /* base64 of "not my real password" */
		"access_token = '2YotnFZFEjr1zCsicMWpAA'\n",  /* RFC 6749's example */
		"notes = \"Maven - io.jsonwebtoken:jjwt-jackson-0.11.2\"\n", /* a package version */
		"db = \"postgres://postgres:postgres@localhost:5432/app\"\n", /* the user's name again */
		"uri = \"mongodb://db-user:db-password@mongo:27017/app\"\n",  /* the word, no digit */
		"uri = \"mongodb://myDBReader:D1fficultP%40ssw0rd@mongodb0.example.com\"\n", /* MongoDB's manual */
	};
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		ok(!strcmp(rules_in(quiet[i], 0), ""), "quiet: %.*s", (int)strcspn(quiet[i], "\n"), quiet[i]);
	/* in code, a hand-typed sample is not machine-made; a real key is */
	ok(!strcmp(rules_in("'access_token': 'askfjh234as9sd8',\n", SCAN_F_CODE), ""), "code: hand-typed sample");
	ok(!strcmp(rules_in("oauth_token=\"ad180jjd733klru7\",\n", SCAN_F_CODE), ""), "code: lower-case sample");
	ok(!strcmp(rules_in("signing_key = \"3c7ddaf5d9c7ec42f7472b9dd10089f5\"\n", SCAN_F_CODE), "generic-secret"),
	   "code: hex key literal");
	/* file-specific rules stay in their files */
	ok(!strstr(rules_in("//registry.npmjs.org/:_authToken=Zk3vQ9xLm2\n", 0), "npmrc-auth"), "_authToken outside .npmrc");
	ok(!strcmp(rules_in("//registry.npmjs.org/:_authToken=Zk3vQ9xLm2\n", SCAN_F_NPMRC), "npmrc-auth"),
	   "_authToken in .npmrc");
	ok(!strcmp(rules_in("default login anonymous password user@site\n", 0), ""), "netrc syntax outside .netrc");
	ok(scan_file_flags("a/b/.npmrc") & SCAN_F_NPMRC, "flags: .npmrc");
	ok(scan_file_flags("x/y.py") & SCAN_F_CODE, "flags: .py is code");
	ok(scan_file_flags("man/npmrc.5") & SCAN_F_CODE, "flags: man page is documentation");
	ok(!(scan_file_flags("deploy.sh") & SCAN_F_CODE), "flags: shell script takes unquoted values");
	ok(scan_file_flags(".env") & SCAN_F_CREDFILE, "flags: .env is a credential file");
}

/* --- TOML --- */
struct tcol {
	char out[2048];
};

static int collect(void *ctx, const struct toml_event *ev, const char **msg)
{
	(void)msg;
	struct tcol *c = ctx;
	size_t l = strlen(c->out);
	if (!ev->key) {
		snprintf(c->out + l, sizeof(c->out) - l, "%s", ev->array ? "[[" : "[");
		for (size_t i = 0; i < ev->npath; i++) {
			l = strlen(c->out);
			snprintf(c->out + l, sizeof(c->out) - l, "%s%s", i ? "." : "", ev->path[i]);
		}
		l = strlen(c->out);
		snprintf(c->out + l, sizeof(c->out) - l, "%s;", ev->array ? "]]" : "]");
		return 0;
	}
	const struct toml_value *v = ev->value;
	switch (v->type) {
	case TOML_STRING: snprintf(c->out + l, sizeof(c->out) - l, "%s=<%s>;", ev->key, v->s); break;
	case TOML_INT: snprintf(c->out + l, sizeof(c->out) - l, "%s=%lld;", ev->key, v->i); break;
	case TOML_FLOAT: snprintf(c->out + l, sizeof(c->out) - l, "%s=%.2f;", ev->key, v->f); break;
	case TOML_BOOL: snprintf(c->out + l, sizeof(c->out) - l, "%s=%s;", ev->key, v->i ? "true" : "false"); break;
	case TOML_ARRAY:
		snprintf(c->out + l, sizeof(c->out) - l, "%s=%zu:", ev->key, v->n);
		for (size_t i = 0; i < v->n; i++) {
			l = strlen(c->out);
			snprintf(c->out + l, sizeof(c->out) - l, "<%s>", v->items[i].type == TOML_STRING ? v->items[i].s : "#");
		}
		l = strlen(c->out);
		snprintf(c->out + l, sizeof(c->out) - l, ";");
		break;
	}
	return 0;
}

static const char *toml_n(const char *s, size_t n, int *line, const char **msg)
{
	static struct tcol c;
	struct toml_err e;
	c.out[0] = 0;
	int rc = toml_parse(s, n, collect, &c, &e);
	*line = e.line;
	*msg = e.msg;
	return rc == 0 ? c.out : NULL;
}

static const char *toml(const char *s, int *line, const char **msg)
{
	return toml_n(s, strlen(s), line, msg);
}

static void test_toml(void)
{
	int line;
	const char *msg, *got;
	got = toml("title = \"t\" # c\n[extend]\nuseDefault = true\n[[rules]]\nid = 'a-b'\n"
		   "regex = '''\\bx\\d+'''\nentropy = 3.5\nsecretGroup = 1\n"
		   "keywords = [\n  \"k1\", # one\n  'k2',\n]\n[rules.allowlist]\n", &line, &msg);
	ok(got && !strcmp(got, "title=<t>;[extend];useDefault=true;[[rules]];id=<a-b>;regex=<\\bx\\d+>;"
			       "entropy=3.50;secretGroup=1;keywords=2:<k1><k2>;[rules.allowlist];"),
	   "toml: tables, literal and multi-line strings, arrays (%s)", got ? got : msg);
	got = toml("a = \"\\t\\\"q\\\" \\u00e9\"\nb = \"\"\"\nline1\nline2\"\"\"\nc = '''it's'''\n", &line, &msg);
	ok(got && !strcmp(got, "a=<\t\"q\" \xc3\xa9>;b=<line1\nline2>;c=<it's>;"), "toml: escapes and multi-line strings");
	got = toml("a = \"\\b\\t\\n\\f\\r\\e\\\"\\\\\"\nb = \"\"\"x\\\n   y\"\"\"\n", &line, &msg);
	ok(got && !strcmp(got, "a=<\b\t\n\f\r\x1b\"\\>;b=<xy>;"),
	   "toml: each one-letter escape, a line-ending backslash");
	got = toml_n("a = \"\\\0\"\n", 9, &line, &msg);
	ok(!got && !strcmp(msg, "unknown escape in a string"), "toml: a NUL after a backslash is no escape");
	got = toml("\"quoted key\" = 1_000\n", &line, &msg);
	ok(got && !strcmp(got, "quoted key=1000;"), "toml: quoted key, underscores in numbers");
	struct { const char *in; int line; const char *msg; } bad[] = {
		{ "a = 1\nb = \"x\n", 2, "newline inside a single-line string" },
		{ "a = {x = 1}\n", 1, "inline tables are not supported" },
		{ "\n\n[t\n", 3, "expected ']' to close the table header" },
		{ "a = [1, [2]]\n", 1, "nested arrays are not supported" },
		{ "a = 1 b\n", 1, "unexpected text after the value" },
		{ "a.b = 1\n", 1, "dotted keys are not supported (use a [table] header)" },
		{ "a = 1979-05-27\n", 1, "dates and times are not supported" },
		{ "a = \"\\q\"\n", 1, "unknown escape in a string" },
		{ "a = \"\\ud800\"\n", 1, "escape names a surrogate, not a character" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		got = toml(bad[i].in, &line, &msg);
		ok(!got && line == bad[i].line && msg && !strcmp(msg, bad[i].msg), "toml error: %s (line %d: %s)",
		   bad[i].msg, line, msg ? msg : "-");
	}
}

static void test_ruleset(void)
{
	char err[512];
	struct scan_ruleset *rs = NULL;
	const char *cfg = "[[rules]]\nid = \"acme\"\nregex = '''acme_([a-z0-9]{16})'''\nkeywords = [\"acme_\"]\n"
			  "[allowlist]\nstopwords = [\"0000\"]\n";
	ok(scan_ruleset_parse("t.toml", cfg, strlen(cfg), &rs, err, sizeof(err)) == 0 && scan_ruleset_count(rs) == 1,
	   "ruleset loads (%s)", rs ? "ok" : err);
	struct scan_rules_scratch *sc = rs ? scan_rules_scratch_new(rs) : NULL;
	const char *d = "x acme_abcdefgh12345678 y\nACME_ no match\nacme_abcd0000efgh1234\n";
	struct scan_hits h = { 0 };
	bool limited = false;
	ok(sc && scan_ruleset_scan(rs, sc, "a.txt", d, strlen(d), &h, &limited) == 0, "ruleset scans");
	ok(h.n == 1 && h.v[0].off == 7 && h.v[0].len == 16, "first group is the secret; stopword allowed (%zu)", h.n);
	ok(!scan_ruleset_builtin_enabled(rs, "github-pat"), "no useDefault: built-in rules off");
	scan_hits_free(&h);
	scan_rules_scratch_free(sc);
	scan_ruleset_free(rs);
	const char *bad = "[[rules]]\nid = \"x\"\nregex = \"a\"\nsecretGroup = 2\n";
	ok(scan_ruleset_parse("b.toml", bad, strlen(bad), &rs, err, sizeof(err)) == HUSH_ECONFIG &&
	   strstr(err, "b.toml:1: rule 'x': secretGroup is larger"), "secretGroup beyond the groups: %s", err);
}

int main(void)
{
	test_rule_examples();
	test_checksum_confidence();
	test_relit();
	test_windows();
	test_generic();
	test_toml();
	test_ruleset();
	return t_done();
}
