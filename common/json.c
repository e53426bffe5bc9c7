/* SPDX-License-Identifier: ISC */
/* JSON quoting and parsing: see json.h. */
#include "common/json.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

/* Length of the valid UTF-8 sequence starting at p, or 0 if p starts a
 * stray or truncated sequence. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n = (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
	for (size_t k = 1; k < n; k++)
		if ((p[k] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* The JSON text for the input at *p: either a pointer into the input (a run
 * of bytes to copy) or an escape written into esc. Advances *p. */
static const char *json_step(const unsigned char **p, char esc[8], size_t *len)
{
	const unsigned char c = **p;
	size_t u = c >= 0x80 ? utf8_len(*p) : 0;
	if (u) {
		const char *r = (const char *)*p;
		*p += u;
		*len = u;
		return r;
	}
	(*p)++;
	if (c == '"' || c == '\\') {
		esc[0] = '\\';
		esc[1] = (char)c;
		*len = 2;
	} else if (c == '\n') {
		memcpy(esc, "\\n", 2);
		*len = 2;
	} else if (c == '\t') {
		memcpy(esc, "\\t", 2);
		*len = 2;
	} else if (c < 0x20 || c >= 0x7f) {
		static const char hex[] = "0123456789abcdef";
		memcpy(esc, "\\u00", 4);
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 15];
		*len = 6;
	} else {
		esc[0] = (char)c;
		*len = 1;
	}
	return esc;
}

void json_write_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		char esc[8];
		size_t len;
		const char *t = json_step(&p, esc, &len);
		fwrite(t, 1, len, f);
	}
	fputc('"', f);
}

void json_write_q(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 'q') {
			json_write_str(f, va_arg(ap, const char *));
			p++;
		} else {
			fputc(*p, f);
		}
	}
	va_end(ap);
}

int json_quote(const char *s, char *out, size_t n)
{
	if (!s) {
		if (n < 5)
			return HUSH_ETOOBIG;
		memcpy(out, "null", 5);
		return 0;
	}
	if (n < 3)
		return HUSH_ETOOBIG;
	size_t o = 0;
	out[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		char esc[8];
		size_t len;
		const char *t = json_step(&p, esc, &len);
		if (o + len + 2 > n)
			return HUSH_ETOOBIG;
		memcpy(out + o, t, len);
		o += len;
	}
	out[o++] = '"';
	out[o] = '\0';
	return 0;
}

/* ---- parsing ---- */

struct jp {
	const char *b;
	size_t len, p;
	json_fn fn;
	void *ctx;
	const char *keys[JSON_MAX_DEPTH];
};

static bool jp_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void jp_skip(struct jp *j)
{
	while (j->p < j->len && jp_ws(j->b[j->p]))
		j->p++;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Four hex digits at b[p]. -1 when they are not. */
static long hex4(const struct jp *j, size_t p)
{
	if (j->len - p < 4)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(j->b[p + i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The string at b[p] (its opening quote), decoded into a malloc'd *out
 * (*nul set when it holds U+0000; a lone surrogate is kept as its three
 * bytes, as it is one code unit to JavaScript). j->p ends after it. */
static int jp_string(struct jp *j, char **out, bool *nul)
{
	size_t p = j->p + 1, o = 0, q = p;
	while (q < j->len && j->b[q] != '"')
		q += j->b[q] == '\\' ? 2 : 1;
	/* decoded text is never longer than its JSON */
	char *d = malloc((q < j->len ? q : j->len) - p + 1);
	if (!d)
		return HUSH_ENOMEM;
	*nul = false;
	for (;;) {
		if (p >= j->len)
			goto bad;
		unsigned char c = (unsigned char)j->b[p];
		if (c == '"')
			break;
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			d[o++] = (char)c;
			p++;
			continue;
		}
		if (++p >= j->len)
			goto bad;
		char e = j->b[p++];
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e && simple) {
			static const char map[] = "\"\\/\b\f\n\r\t";
			d[o++] = map[simple - "\"\\/bfnrt"];
			continue;
		}
		if (e != 'u')
			goto bad;
		long u = hex4(j, p);
		if (u < 0)
			goto bad;
		p += 4;
		unsigned long cp = (unsigned long)u;
		if (u >= 0xD800 && u < 0xDC00 && j->len - p >= 6 && j->b[p] == '\\' &&
		    j->b[p + 1] == 'u') {
			long lo = hex4(j, p + 2);
			if (lo >= 0xDC00 && lo < 0xE000) {
				cp = 0x10000 + (((unsigned long)u - 0xD800) << 10) +
				     ((unsigned long)lo - 0xDC00);
				p += 6;
			}
		}
		if (cp == 0)
			*nul = true;
		o += put_utf8(d + o, cp);
	}
	d[o] = '\0';
	*out = d;
	j->p = p + 1;
	return 0;
bad:
	free(d);
	return HUSH_EFORMAT;
}

/* A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int jp_number(struct jp *j)
{
	size_t p = j->p;
#define DIGITS(min)                                                          \
	do {                                                                 \
		size_t s_ = p;                                               \
		while (p < j->len && j->b[p] >= '0' && j->b[p] <= '9')       \
			p++;                                                 \
		if (p - s_ < (min))                                          \
			return HUSH_EFORMAT;                                 \
	} while (0)
	if (p < j->len && j->b[p] == '-')
		p++;
	if (p < j->len && j->b[p] == '0')
		p++;
	else
		DIGITS(1);
	if (p < j->len && j->b[p] == '.') {
		p++;
		DIGITS(1);
	}
	if (p < j->len && (j->b[p] == 'e' || j->b[p] == 'E')) {
		p++;
		if (p < j->len && (j->b[p] == '+' || j->b[p] == '-'))
			p++;
		DIGITS(1);
	}
#undef DIGITS
	j->p = p;
	return 0;
}

static int jp_word(struct jp *j, const char *w)
{
	size_t l = strlen(w);
	if (j->len - j->p < l || memcmp(j->b + j->p, w, l) != 0)
		return HUSH_EFORMAT;
	j->p += l;
	return 0;
}

/* The value at j->p (whitespace skipped), a member of its parent when
 * member_start != (size_t)-1. */
static int jp_value(struct jp *j, unsigned depth, size_t member_start)
{
	jp_skip(j);
	if (j->p >= j->len)
		return HUSH_EFORMAT;
	char c = j->b[j->p];
	struct json_event e = { .start = j->p, .depth = depth, .keys = j->keys };
	e.member_start = member_start == (size_t)-1 ? j->p : member_start;
	e.type = c == '{' ? JSON_OBJECT : c == '[' ? JSON_ARRAY : c == '"' ? JSON_STRING
		 : c == 't' || c == 'f' ? JSON_BOOL : c == 'n' ? JSON_NULL : JSON_NUMBER;
	int r = j->fn(j->ctx, &e);
	if (r)
		return r;
	char *str = NULL;
	bool nul = false;
	switch (e.type) {
	case JSON_NULL:
		r = jp_word(j, "null");
		break;
	case JSON_BOOL:
		r = jp_word(j, c == 't' ? "true" : "false");
		break;
	case JSON_NUMBER:
		r = jp_number(j);
		break;
	case JSON_STRING:
		r = jp_string(j, &str, &nul);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT: {
		if (depth + 1 >= JSON_MAX_DEPTH)
			return HUSH_ETOOBIG;
		char close = c == '{' ? '}' : ']';
		j->p++;
		jp_skip(j);
		if (j->p < j->len && j->b[j->p] == close) {
			j->p++;
			break;
		}
		for (;;) {
			size_t ms = (size_t)-1;
			char *key = NULL;
			jp_skip(j);
			if (close == '}') {
				bool knul;
				if (j->p >= j->len || j->b[j->p] != '"')
					return HUSH_EFORMAT;
				ms = j->p;
				if ((r = jp_string(j, &key, &knul)) != 0)
					return r;
				jp_skip(j);
				if (knul || j->p >= j->len || j->b[j->p] != ':') {
					free(key);
					return HUSH_EFORMAT;
				}
				j->p++;
			}
			j->keys[depth] = key;
			r = jp_value(j, depth + 1, ms);
			j->keys[depth] = NULL;
			free(key);
			if (r)
				return r;
			jp_skip(j);
			if (j->p < j->len && j->b[j->p] == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->len && j->b[j->p] == close) {
				j->p++;
				break;
			}
			return HUSH_EFORMAT;
		}
		break;
	}
	}
	if (r == 0) {
		e.end = true;
		e.stop = j->p;
		e.str = nul ? NULL : str;
		r = j->fn(j->ctx, &e);
	}
	free(str);
	return r;
}

int json_parse(const char *buf, size_t len, json_fn fn, void *ctx)
{
	struct jp *j = calloc(1, sizeof(*j));
	if (!j)
		return HUSH_ENOMEM;
	*j = (struct jp){ .b = buf, .len = len, .fn = fn, .ctx = ctx };
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		j->p = 3;
	int r = jp_value(j, 0, (size_t)-1);
	if (r == 0) {
		jp_skip(j);
		if (j->p != len)
			r = HUSH_EFORMAT;
	}
	free(j);
	return r;
}

/* The next byte of a JSON text that counts (whitespace between tokens
 * skipped), or -1 at its end. *in tells whether p is inside a string. */
static int next_significant(const char *s, size_t n, size_t *p, bool *in, bool *esc)
{
	while (*p < n) {
		char c = s[(*p)++];
		if (*in) {
			if (*esc)
				*esc = false;
			else if (c == '\\')
				*esc = true;
			else if (c == '"')
				*in = false;
			return (unsigned char)c;
		}
		if (jp_ws(c))
			continue;
		if (c == '"')
			*in = true;
		return (unsigned char)c;
	}
	return -1;
}

bool json_same(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t pa = 0, pb = 0;
	bool ia = false, ib = false, ea = false, eb = false;
	for (;;) {
		int ca = next_significant(a, alen, &pa, &ia, &ea);
		int cb = next_significant(b, blen, &pb, &ib, &eb);
		if (ca != cb)
			return false;
		if (ca < 0)
			return true;
	}
}
