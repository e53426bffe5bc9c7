/* SPDX-License-Identifier: ISC */
/* The shim's rules: parser for the HUSH_SHIM_CONFIG file, lexical path
 * normalisation and the hide/route decisions (globs by common/glob.c).
 * Pure code: no syscalls, no allocation, no libc calls beyond string
 * helpers, so it runs safely inside any host process and inside the fuzz
 * target. */
#include "shim/rules.h"

#include <limits.h>
#include <string.h>

#include "common/glob.h"

void rules_clear(struct rules *r)
{
	r->arena_used = 0;
	r->nhide = r->nunhide = r->nhide_path = r->nroute = 0;
	r->hush = NULL;
	r->bad_lines = 0;
	r->resolved = 0;
	memset(r->first_set, 0, sizeof(r->first_set));
	memset(r->last_set, 0, sizeof(r->last_set));
	memset(r->base_set, 0, sizeof(r->base_set));
	r->open_globs = 0;
}

/* Copies len bytes into the arena as a NUL-terminated string. */
static const char *arena_put(struct rules *r, const char *s, size_t len)
{
	if (len + 1 > sizeof(r->arena) - r->arena_used)
		return NULL;
	char *p = r->arena + r->arena_used;
	memcpy(p, s, len);
	p[len] = '\0';
	r->arena_used += len + 1;
	return p;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int is_special(char c)
{
	return c == '*' || c == '?' || c == '[' || c == ']' || c == '\\';
}

static int add_glob(struct rules *r, const char *s, size_t len, int unhide)
{
	if (len >= 0xffff)
		return RULES_ETOOBIG;
	const char **list = unhide ? r->unhide : r->hide;
	int *n = unhide ? &r->nunhide : &r->nhide;
	if (*n >= RULES_MAX_GLOBS)
		return RULES_ETOOBIG;
	const char *p = arena_put(r, s, len);
	if (!p)
		return RULES_ETOOBIG;
	if (!unhide) {
		size_t pre = 0, suf = 0;
		while (pre < len && !is_special(p[pre]))
			pre++;
		while (suf < len && !is_special(p[len - 1 - suf]))
			suf++;
		r->hide_pre[*n] = (unsigned short)(pre < 0xffff ? pre : 0);
		r->hide_suf[*n] = (unsigned short)(suf < 0xffff ? suf : 0);
		r->hide_lit[*n] = pre == len;
		r->hide_len[*n] = (unsigned short)len;
		if (pre > 0) {
			unsigned char c = (unsigned char)p[0];
			r->first_set[c >> 3] |= (unsigned char)(1u << (c & 7));
		} else if (suf > 0) {
			unsigned char c = (unsigned char)p[len - 1];
			r->last_set[c >> 3] |= (unsigned char)(1u << (c & 7));
		} else {
			r->open_globs++;
		}
	}
	list[(*n)++] = p;
	return RULES_OK;
}

int rules_add_hide_path(struct rules *r, const char *path)
{
	size_t len = strlen(path);
	if (r->nhide_path >= RULES_MAX_PATHS || len >= RULES_PATH_MAX)
		return RULES_ETOOBIG;
	for (int i = 0; i < r->nhide_path; i++)
		if (r->hide_path_len[i] == len && memcmp(r->hide_path[i], path, len) == 0)
			return RULES_OK;
	const char *p = arena_put(r, path, len);
	if (!p)
		return RULES_ETOOBIG;
	size_t b = len;
	while (b > 0 && p[b - 1] != '/')
		b--;
	r->hide_path[r->nhide_path] = p;
	r->hide_path_len[r->nhide_path] = (unsigned short)len;
	r->hide_path_base[r->nhide_path] = (unsigned short)b;
	unsigned char c0 = (unsigned char)p[b];
	r->base_set[c0 >> 3] |= (unsigned char)(1u << (c0 & 7));
	r->nhide_path++;
	return RULES_OK;
}

/* One trimmed, non-empty, non-comment line. */
static int parse_line(struct rules *r, const char *s, size_t len)
{
	if (s[0] == '!') {
		if (len < 2)
			goto bad;
		return add_glob(r, s + 1, len - 1, 1);
	}
	size_t k = 0;
	while (k < len && !is_space(s[k]))
		k++;
	size_t v = k;
	while (v < len && is_space(s[v]))
		v++;
	if (v >= len)
		goto bad;
	const char *val = s + v;
	size_t vlen = len - v;
	if (memchr(val, '\0', vlen))
		goto bad;
	if (k == 4 && memcmp(s, "hide", 4) == 0) {
		if (val[0] == '!')
			return vlen > 1 ? add_glob(r, val + 1, vlen - 1, 1) : (r->bad_lines++, RULES_OK);
		return add_glob(r, val, vlen, 0);
	}
	if (k == 9 && memcmp(s, "hide_path", 9) == 0) {
		char norm[RULES_PATH_MAX];
		char raw[RULES_PATH_MAX];
		if (val[0] != '/' || vlen >= sizeof(raw))
			goto bad;
		memcpy(raw, val, vlen);
		raw[vlen] = '\0';
		if (rules_normalize(NULL, raw, norm, sizeof(norm)) != 0)
			goto bad;
		return rules_add_hide_path(r, norm);
	}
	if (k == 8 && memcmp(s, "resolved", 8) == 0) {
		if (vlen != 3 || memcmp(val, "yes", 3) != 0)
			goto bad;
		r->resolved = 1;
		return RULES_OK;
	}
	if (k == 5 && memcmp(s, "route", 5) == 0) {
		if (r->nroute >= RULES_MAX_ROUTES)
			return RULES_ETOOBIG;
		const char *p = arena_put(r, val, vlen);
		if (!p)
			return RULES_ETOOBIG;
		r->route[r->nroute++] = p;
		return RULES_OK;
	}
	if (k == 4 && memcmp(s, "hush", 4) == 0) {
		if (val[0] != '/')
			goto bad;
		const char *p = arena_put(r, val, vlen);
		if (!p)
			return RULES_ETOOBIG;
		r->hush = p;
		return RULES_OK;
	}
bad:
	r->bad_lines++;
	return RULES_OK;
}

int rules_parse(struct rules *r, const char *data, size_t len)
{
	rules_clear(r);
	if (len > RULES_MAX_BYTES)
		return RULES_ETOOBIG;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - data) : len;
		if (end - i > RULES_MAX_LINE)
			return RULES_ETOOBIG;
		size_t a = i, b = end;
		while (a < b && is_space(data[a]))
			a++;
		while (b > a && is_space(data[b - 1]))
			b--;
		if (b > a && data[a] != '#') {
			int rc = parse_line(r, data + a, b - a);
			if (rc != RULES_OK)
				return rc;
		}
		i = end + 1;
	}
	return RULES_OK;
}

void rules_add_defaults(struct rules *r)
{
	static const char *const hide[] = {".env", ".env.*"};
	static const char *const unhide[] = {".env.example", ".env.sample", ".env.template"};
	for (size_t i = 0; i < sizeof(hide) / sizeof(hide[0]); i++)
		(void)add_glob(r, hide[i], strlen(hide[i]), 0);
	for (size_t i = 0; i < sizeof(unhide) / sizeof(unhide[0]); i++)
		(void)add_glob(r, unhide[i], strlen(unhide[i]), 1);
}

int rules_active(const struct rules *r)
{
	return r->nhide > 0 || r->nhide_path > 0 || r->nroute > 0;
}

int rules_glob(const char *pat, const char *s, size_t slen)
{
	/* no budget needed: the lengths of a rule (4096) and of a name bound
	 * the work, and a hide glob must not fail open */
	unsigned long budget = ULONG_MAX;
	return glob_match_n(pat, s, slen, &budget);
}

int rules_name_hidden(const struct rules *r, const char *name, size_t len)
{
	if (len == 0 || (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	unsigned char c0 = (unsigned char)name[0], cl = (unsigned char)name[len - 1];
	if (!r->open_globs && !(r->first_set[c0 >> 3] & (1u << (c0 & 7))) &&
	    !(r->last_set[cl >> 3] & (1u << (cl & 7))))
		return 0;
	int hit = 0;
	for (int i = 0; i < r->nhide && !hit; i++) {
		const char *g = r->hide[i];
		if (r->hide_lit[i]) {
			hit = r->hide_pre[i] == len && memcmp(g, name, len) == 0;
			continue;
		}
		size_t pre = r->hide_pre[i], suf = r->hide_suf[i];
		if (pre + suf > len || memcmp(g, name, pre) != 0 ||
		    memcmp(g + r->hide_len[i] - suf, name + len - suf, suf) != 0)
			continue;
		hit = rules_glob(g, name, len);
	}
	if (!hit)
		return 0;
	for (int i = 0; i < r->nunhide; i++)
		if (rules_glob(r->unhide[i], name, len))
			return 0;
	return 1;
}

int rules_name_is_hide_path_base(const struct rules *r, const char *name)
{
	unsigned char c0 = (unsigned char)name[0];
	if (!(r->base_set[c0 >> 3] & (1u << (c0 & 7))))
		return 0;
	size_t n = strlen(name);
	for (int i = 0; i < r->nhide_path; i++) {
		size_t b = r->hide_path_base[i];
		if (r->hide_path_len[i] - b == n && memcmp(r->hide_path[i] + b, name, n) == 0)
			return 1;
	}
	return 0;
}

/* The next component of the path at *s, the slashes before it skipped:
 * its start (NULL at the end), its length in *n; *s is moved past it. */
static const char *next_component(const char **s, size_t *n)
{
	const char *p = *s;
	while (*p == '/')
		p++;
	const char *q = p;
	while (*q && *q != '/')
		q++;
	*s = q;
	*n = (size_t)(q - p);
	return q > p ? p : NULL;
}

int rules_path_hidden(const struct rules *r, const char *abs)
{
	size_t len = strlen(abs);
	for (int i = 0; i < r->nhide_path; i++) {
		size_t hl = r->hide_path_len[i];
		const char *hp = r->hide_path[i];
		if (hl == 1 && hp[0] == '/')
			return 1;
		if (len >= hl && memcmp(abs, hp, hl) == 0 && (len == hl || abs[hl] == '/'))
			return 1;
	}
	if (r->nhide == 0)
		return 0;
	const char *c;
	size_t n;
	while ((c = next_component(&abs, &n)) != NULL)
		if (rules_name_hidden(r, c, n))
			return 1;
	return 0;
}

/* Appends component c (len n) to out (length *olen), handling "." and "..". */
static int push_component(char *out, size_t *olen, size_t cap, const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return 0;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (*olen > 0 && out[*olen - 1] != '/')
			(*olen)--;
		if (*olen > 0)
			(*olen)--; /* drop the slash too; "" means "/" */
		return 0;
	}
	if (*olen + 1 + n + 1 > cap)
		return -1;
	out[(*olen)++] = '/';
	memcpy(out + *olen, c, n);
	*olen += n;
	return 0;
}

static int push_path(char *out, size_t *olen, size_t cap, const char *s)
{
	const char *c;
	size_t n;
	while ((c = next_component(&s, &n)) != NULL)
		if (push_component(out, olen, cap, c, n) != 0)
			return -1;
	return 0;
}

int rules_normalize(const char *base, const char *path, char *out, size_t cap)
{
	size_t olen = 0;
	if (cap < 2)
		return -1;
	if (path[0] != '/') {
		if (!base || base[0] != '/')
			return -1;
		if (push_path(out, &olen, cap, base) != 0)
			return -1;
	}
	if (push_path(out, &olen, cap, path) != 0)
		return -1;
	if (olen == 0)
		out[olen++] = '/';
	out[olen] = '\0';
	return 0;
}

static const char *base_name(const char *s)
{
	const char *b = strrchr(s, '/');
	return b ? b + 1 : s;
}

const char *rules_route_match(const struct rules *r, const char *file, int searched)
{
	if (!file || !*file)
		return NULL;
	const char *fb = base_name(file);
	for (int i = 0; i < r->nroute; i++) {
		const char *rt = r->route[i];
		if (!strchr(rt, '/')) {
			if (strcmp(rt, fb) == 0)
				return rt;
			continue;
		}
		if (searched) {
			if (strcmp(base_name(rt), file) == 0)
				return rt;
			continue;
		}
		char a[RULES_PATH_MAX], b[RULES_PATH_MAX];
		if (file[0] == '/' && rules_normalize(NULL, file, a, sizeof(a)) == 0 &&
		    rules_normalize(NULL, rt, b, sizeof(b)) == 0 && strcmp(a, b) == 0)
			return rt;
	}
	return NULL;
}
