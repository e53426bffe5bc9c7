/* SPDX-License-Identifier: ISC */
/* Unit tests for the scanner's rules, one block per rule: positive examples
 * built from each provider's documented format (prefix, length, alphabet,
 * structure) and negative ones (too short, wrong alphabet, broken
 * structure, placeholders); the generic rule's syntaxes and the value
 * checks that keep it quiet on real code; the TOML reader and the
 * gitleaks ruleset loader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "scan/match.h"
#include "scan/ruleset.h"
#include "scan/scan.h"
#include "scan/toml.h"
#include "t.h"

/* Expands a template: {A:n} base62, {H:n} lower hex, {D:n} digits, {U:n}
 * upper case and digits, {B:n} base64url, {L:n} lower case and digits;
 * other bytes are copied. Characters come from a fixed-seed generator, so
 * examples are the same on every run. */
static const char *ex(const char *tpl)
{
	static char buf[4][1024];
	static int which;
	static unsigned long long seed = 0x9E3779B97F4A7C15ull;
	char *o = buf[which++ & 3];
	size_t k = 0;
	for (const char *p = tpl; *p && k + 1 < 1024;) {
		if (p[0] == '{' && p[2] == ':') {
			const char *cls;
			switch (p[1]) {
			case 'A': cls = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"; break;
			case 'H': cls = "0123456789abcdef"; break;
			case 'D': cls = "0123456789"; break;
			case 'U': cls = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"; break;
			case 'B': cls = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-"; break;
			default: cls = "0123456789abcdefghijklmnopqrstuvwxyz"; break;
			}
			int n = atoi(p + 3);
			size_t cl = strlen(cls);
			for (int i = 0; i < n && k + 1 < 1024; i++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				o[k++] = cls[(seed >> 33) % cl];
			}
			p = strchr(p, '}') + 1;
		} else {
			o[k++] = *p++;
		}
	}
	o[k] = 0;
	return o;
}

/* Rule ids found in s (flags), space-separated. */
static const char *rules_in(const char *s, unsigned flags)
{
	static char out[256];
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

struct example {
	const char *rule;
	const char *yes[3];
	const char *no[4];
};

/* Formats as the providers document them. */
static const struct example examples[] = {
	{ "slack-config-token", { "xoxe.xoxp-1-{A:60}" }, { "xoxe.xoxp-1-short" } },
	{ "slack-config-refresh-token", { "xoxe-1-{A:140}" }, { "xoxe-abc" } },
	{ "slack-legacy-token", { "xoxs-{D:11}-{D:11}-{D:12}-{H:64}" }, { "xoxs-notanumber-{A:30}" } },
	{ "slack-bot-token", { "xoxb-{D:11}-{D:13}-{A:24}", "xoxb-{D:11}-{D:13}u" }, { "xoxb-{D:11}?{D:13}u", "xoxb-{D:5}-{D:13}-{A:24}" } },
	{ "harness-token", { "pat.{B:22}.{H:24}.{A:20}", "sat.{B:22}.{H:24}.{A:20}" }, { "pat.{B:22}.{H:24}", "pat.{B:10}.{H:24}.{A:20}" } },
	{ "slack-session-token", { "xoxc-{D:11}-{D:12}-{D:13}-{H:64}" }, { "xoxc-{A:10}" } },
	{ "slack-webhook", { "https://hooks.slack.com/services/T{U:10}/B{U:10}/{A:24}",
			     "https://hooks.slack.com/workflows/T{U:10}/A{U:10}/{D:18}/{A:24}" },
	  { "https://hooks.slack.com/services/XXXXXXXXX/YYYYYYYY/ZZZZZZ" } },
	{ "discord-webhook", { "https://discord.com/api/webhooks/{D:18}/{B:68}",
			       "https://discordapp.com/api/webhooks/{D:19}/{B:68}" },
	  { "https://discord.com/api/webhooks/123/{B:68}", "https://example.com/api/webhooks/{D:18}/{B:68}",
	    "https://discord.com/api/webhooks/{D:18}/short" } },
	{ "gitlab-cicd-job-token", { "glcbt-{B:20}", "glcbt-{H:2}_{B:20}" }, { "glcbt-short" } },
	{ "gitlab-feed-token", { "glft-{B:20}" }, { "glft-abc" } },
	{ "gitlab-incoming-mail-token", { "glimt-{B:25}" }, { "glimt-" } },
	{ "gitlab-agent-token", { "glagent-{B:50}" }, { "glagent-{B:20}" } },
	{ "gitlab-oauth-secret", { "gloas-{H:64}" }, { "gloas-{H:20}" } },
	{ "gitlab-scim-token", { "glsoat-{B:20}" }, { "glsoat-1" } },
	{ "gitlab-feature-flag-token", { "glffct-{B:20}" }, { "glffct-{B:8}" } },
	{ "gitlab-runner-registration-token", { "GR1348941{B:20}" }, { "GR1348941{B:10}" } },
	{ "sonarqube-token", { "squ_{H:40}", "sqp_{H:40}", "sqa_{H:40}" }, { "squ_{H:39}", "sqp_{A:40}" } },
	{ "jfrog-api-key", { "AKCp{A:69}" }, { "AKCp{A:20}" } },
	{ "jfrog-reference-token", { "cmVmdGtuOjAxOj{A:50}" }, { "cmVmdGtuOjAxOj{A:10}" } },
	{ "flyio-token", { "fo1_{B:43}", "FlyV1 fm2_{A:120}" }, { "fo1_{B:20}", "fm2_short" } },
	{ "cloudflare-origin-ca-key", { "v1.0-{H:24}-{H:146}" }, { "v1.0-{H:24}-{H:100}", "v1.0-{H:10}" } },
	{ "twitter-bearer-token", { "AAAAAAAAAAAAAAAAAAAAA{A:30}%2F{A:20}%3D{A:40}" }, { "AAAAAAAAAAAAAAAAAAAAA{A:10}" } },
	{ "newrelic-insert-key", { "NRII-{B:32}" }, { "NRII-{B:10}" } },
	{ "newrelic-browser-key", { "NRJS-{H:19}" }, { "NRJS-{H:10}" } },
	{ "newrelic-admin-key", { "NRAA-{H:27}" }, { "NRAA-{A:27}" } },
	{ "asana-pat", { "2/{D:16}/{D:16}:{H:32}", "1/{D:16}/{D:16}:{H:32}" },
	  { "2/{D:16}/{D:16}:{H:20}", "12/{D:16}/{D:16}:{H:32}", "2/3" } },
	{ "azure-ad-client-secret", { "{L:3}8Q~{A:9}_{A:10}.{A:9}{U:3}" }, { "{L:3}8Q~{L:20}", "abcQ~{A:34}" } },
	{ "airtable-pat", { "pat{A:14}.{H:64}" }, { "pattern{A:14}.{H:64}", "pat{A:14}.{H:10}" } },
	{ "brevo-api-key", { "xkeysib-{H:64}-{A:16}" }, { "xkeysib-{H:20}-{A:16}" } },
	{ "dropbox-token", { "sl.{B:138}" }, { "sl.{B:20}" } },
	{ "nuget-api-key", { "oy2{L:43}" }, { "oy2{L:20}" } },
	{ "easypost-api-key", { "EZAK{A:54}" }, { "EZAK{A:20}" } },
	{ "shippo-api-token", { "shippo_live_{H:40}" }, { "shippo_test_{H:40}" } },
	{ "duffel-api-token", { "duffel_live_{B:43}" }, { "duffel_test_{B:43}" } },
	{ "flutterwave-secret-key", { "FLWSECK-{H:32}-X" }, { "FLWSECK_TEST-{H:32}-X", "FLWSECK-{H:32}-Y" } },
	{ "nvidia-api-key", { "nvapi-{B:64}" }, { "nvapi-{B:30}" } },
	{ "openrouter-api-key", { "sk-or-v1-{H:64}" }, { "sk-or-v1-{H:30}" } },
	{ "posthog-personal-key", { "phx_{A:43}" }, { "phc_{A:43}" } },
	{ "frameio-token", { "fio-u-{B:64}" }, { "fio-u-{B:20}" } },
	{ "alibaba-access-key-id", { "LTAI{A:20}" }, { "LTAI{A:10}" } },
	{ "google-oauth-access-token", { "ya29.{B:120}" }, { "ya29.{B:10}" } },
	{ "cratesio-api-token", { "cio{A:32}" }, { "cio{A:20}", "social{A:32}" } },
	{ "github-pat", { NULL }, { "ghp_{A:36}" } }, /* checksum fails */
};

static void test_examples(void)
{
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		const struct example *e = &examples[i];
		for (int k = 0; k < 3 && e->yes[k]; k++) {
			char line[1200];
			snprintf(line, sizeof(line), "value: %s\n", ex(e->yes[k]));
			const char *got = rules_in(line, 0);
			ok(!strcmp(got, e->rule), "%s: positive %d (got '%s')", e->rule, k, got);
		}
		for (int k = 0; k < 4 && e->no[k]; k++) {
			char line[1200];
			snprintf(line, sizeof(line), "value: %s\n", ex(e->no[k]));
			const char *got = rules_in(line, 0);
			ok(!strstr(got, e->rule), "%s: negative %d (got '%s')", e->rule, k, got);
		}
	}
}

/* The JWT checks, also through base64. */
static void test_jwt(void)
{
	/* {"alg":"HS256","typ":"JWT"} . {"sub":"1234567890","iat":1516239022} . sig */
	const char *jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ."
			  "Zq8pR2vN7xKw3mT9bL4cH6jF1dS5aG0eY8uI2oP7nQ";
	ok(!strcmp(rules_in(jwt, 0), "jwt"), "jwt with registered claims");
	/* {"some":"payload"}: a README sample, no registered claim */
	ok(!strcmp(rules_in("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9."
			    "4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg", 0), ""),
	   "jwt without a registered claim is a sample");
	char b64[600];
	static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(jwt), o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)(unsigned char)jwt[i] << 16 |
			     (i + 1 < n ? (unsigned)(unsigned char)jwt[i + 1] << 8 : 0) |
			     (i + 2 < n ? (unsigned char)jwt[i + 2] : 0);
		b64[o++] = A[(v >> 18) & 63];
		b64[o++] = A[(v >> 12) & 63];
		b64[o++] = i + 1 < n ? A[(v >> 6) & 63] : '=';
		b64[o++] = i + 2 < n ? A[v & 63] : '=';
	}
	b64[o] = 0;
	char line[700];
	snprintf(line, sizeof(line), "token: %s\n", b64);
	ok(!strcmp(rules_in(line, 0), "jwt-base64"), "base64-wrapped jwt (got '%s')", rules_in(line, 0));
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

static const char *toml(const char *s, int *line, const char **msg)
{
	static struct tcol c;
	struct toml_err e;
	c.out[0] = 0;
	int rc = toml_parse(s, strlen(s), collect, &c, &e);
	*line = e.line;
	*msg = e.msg;
	return rc == 0 ? c.out : NULL;
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
	test_examples();
	test_jwt();
	test_generic();
	test_toml();
	test_ruleset();
	return t_done();
}
