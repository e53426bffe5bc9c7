/* SPDX-License-Identifier: ISC */
/* The generic rule of hush scan: NAME <op> value assignments (=, :, :=,
 * ::=, ?=, .=, =>, XML elements, f("name", "value") calls) whose name says
 * secret and whose value is not a placeholder, a reference, an expression
 * or the name again, judged by entropy (and, in source code, by looking
 * machine-made). Also the name and placeholder checks the rc-file parser
 * and migrate share. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "scan/match.h"
#include "scan/rules.h"

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
		"replace_with", "replace-with",
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
bool generic_known_example(const char *v, size_t n)
{
	static const char *const ex[] = {
		"2YotnFZFEjr1zCsicMWpAA", "tGzv3JOkF0XG5Qx2TlKWIA", "SplxlOBeZQQYbYS6WxSbIA",
		"mF_9.B5f-4.1JqM", "8xLOxBtZp8", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"s6BhdRkqt3", "7Fjfp0ZBr1KtDRbnfVdmIw", "kkk9ssk",
		"D1fficultP%40ssw0rd", /* the MongoDB manual's */
	};
	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++)
		if (strlen(ex[i]) == n && !memcmp(v, ex[i], n))
			return true;
	return false;
}

/* A package coordinate or a version (jjwt-jackson-0.11.2, v1.2.3): lower
 * case letters, digits and dashes, ending in dotted numbers. */
static bool looks_like_version(const char *v, size_t n)
{
	size_t k = n, dots = 0;
	while (k > 0 && (isdigit((unsigned char)v[k - 1]) || v[k - 1] == '.')) {
		dots += v[k - 1] == '.';
		k--;
	}
	if (dots == 0 || k == n || !isdigit((unsigned char)v[k]) || v[n - 1] == '.' ||
	    (k > 0 && v[k - 1] != '-' && v[k - 1] != 'v'))
		return false;
	for (size_t i = 0; i < k; i++)
		if (!(islower((unsigned char)v[i]) || isdigit((unsigned char)v[i]) || v[i] == '-' || v[i] == '.'))
			return false;
	return true;
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
	    has_token_prefix(val, vn) || generic_known_example(val, vn) || same_name(d + ns, ne - ns, val, vn) ||
	    base64_of_sample(val, vn))
		return 0;
	if ((!quoted && looks_like_identifier(val, vn)) || dotted_reference(val, vn) || placeholder_pair(val, vn) ||
	    looks_like_version(val, vn))
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
int generic_range(const char *d, size_t len, size_t from, size_t to, unsigned flags,
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

