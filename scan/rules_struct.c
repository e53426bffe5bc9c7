/* SPDX-License-Identifier: ISC */
/* Matchers for secrets found by their surroundings rather than a
 * provider's prefix: PEM private keys, JWTs (plain and wrapped in base64),
 * passwords in URLs, .npmrc and .netrc credentials, values of Kubernetes
 * Secret manifests and credentials on curl command lines. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "scan/match.h"
#include "scan/rules.h"

static const char *find_in(const char *d, size_t len, size_t from, size_t limit, const char *s)
{
	size_t end = from + limit < len ? from + limit : len;
	if (from >= end)
		return NULL;
	return memmem(d + from, end - from, s, strlen(s));
}

/* PEM private keys: BEGIN ... PRIVATE KEY (or PGP PRIVATE KEY BLOCK) with
 * at least 64 base64 characters before the END line. */
int rm_pem(const struct rule *r, const char *d, size_t len, size_t pos,
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
	return rule_hit(out, r, pos, e - pos,
			   enc ? SCAN_CONF_MEDIUM : SCAN_CONF_HIGH, 0, 0);
}

/* JWT: three base64url parts; the header decodes to JSON naming "alg". */
int rm_jwt(const struct rule *r, const char *d, size_t len, size_t pos,
	   struct scan_hits *out)
{
	if (pos > 0 && (rule_in_class(RC_B64URL, (unsigned char)d[pos - 1]) || d[pos - 1] == '.'))
		return 0;
	static const unsigned lim[3][2] = { { 10, 2048 }, { 10, 8192 }, { 16, 2048 } };
	size_t at[3], n[3];
	if (!rule_dotted3(d, len, pos, lim, at, n) || (at[2] + n[2] < len && d[at[2] + n[2]] == '.'))
		return 0;
	size_t a = n[0], p2 = at[1], b = n[1], p3 = at[2], c = n[2];
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
	return rule_hit(out, r, pos, p3 + c - pos, r->conf, 1, PRIO_STRUCT);
}

static bool url_pass_placeholder(const char *p, size_t n)
{
	if (scan_value_is_placeholder(p, n))
		return true;
	static const char *const w[] = { "password", "passwd", "pass", "pwd", "secret", "pw", "mypassword" };
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (n == strlen(w[i]) && !strncasecmp(p, w[i], n))
			return true;
	/* db-password, randompassword: the word, no digit */
	bool digit = false;
	for (size_t i = 0; i < n; i++)
		digit |= isdigit((unsigned char)p[i]) != 0;
	if (!digit && (memmem(p, n, "pass", 4) || memmem(p, n, "secret", 6) || memmem(p, n, "PASS", 4)))
		return true;
	if (generic_known_example(p, n))
		return true;
	return p[0] == '$' || p[0] == '{' || p[0] == '<' || p[0] == '%' || p[0] == '*' || p[0] == '[';
}

/* scheme://user:password@host: the password is the secret. */
int rm_url(const struct rule *r, const char *d, size_t len, size_t pos,
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
	if (pe - p == i - u && !memcmp(d + p, d + u, i - u))
		return 0; /* postgres:postgres@localhost: a default, the user's name again */
	/* medium at most: a URL password has no provider structure */
	int conf = (e - p >= 8 && scan_entropy(d + p, e - p) >= 2.5) ? SCAN_CONF_MEDIUM : SCAN_CONF_LOW;
	return rule_hit(out, r, p, e - p, conf, 0, PRIO_STRUCT);
}

static size_t value_end(const char *d, size_t len, size_t i)
{
	while (i < len && d[i] != '\n' && d[i] != '\r')
		i++;
	return i;
}

/* .npmrc: //registry/:_authToken=..., _auth=..., _password=... */
int rm_npmrc(const struct rule *r, const char *d, size_t len, size_t pos,
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
	return rule_hit(out, r, v, e - v, r->conf, 0, PRIO_STRUCT);
}

/* .netrc: machine HOST login USER password PASS */
int rm_netrc(const struct rule *r, const char *d, size_t len, size_t pos,
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
	return rule_hit(out, r, v, e - v, r->conf, 0, PRIO_STRUCT);
}


/* A JWT wrapped in base64 (as in Kubernetes secrets and basic-auth
 * headers): "ZXlK" is base64 of "eyJ"; the decoded text must pass the JWT
 * checks. */
int rm_b64jwt(const struct rule *r, const char *d, size_t len, size_t pos,
	      struct scan_hits *out)
{
	if (pos > 0 && rule_in_class(RC_B64, (unsigned char)d[pos - 1]))
		return 0;
	size_t n = rule_run_len(d, len, pos, RC_B64, 12000);
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
						 .conf = SCAN_CONF_MEDIUM, .match = rm_jwt };
		found = rm_jwt(&jwt, (const char *)dec, (size_t)m, 0, &h);
		scan_hits_free(&h);
	}
	free(dec);
	if (found <= 0)
		return found;
	return rule_hit(out, r, pos, n, r->conf, 1, PRIO_STRUCT);
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
		if (rule_run_len(d, ve, vs, RC_B64, n) != n)
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
	return rule_hit(out, r, vs, n, r->conf, 0, PRIO_STRUCT);
}

int rm_k8s_secret(const struct rule *r, const char *d, size_t len, size_t pos,
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
	return rule_hit(out, r, s, n, conf, 0, PRIO_STRUCT);
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
int rm_curl(const struct rule *r, const char *d, size_t len, size_t pos,
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