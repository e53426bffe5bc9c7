/* SPDX-License-Identifier: ISC */
/* The TOML subset reader (see toml.h). A recursive-descent parser over a
 * bounded cursor; strings are decoded into a per-line arena that is reset
 * after each callback, so memory stays proportional to the longest value. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/err.h"
#include "scan/toml.h"

struct cur {
	const char *p, *end;
	int line;
	struct toml_err *err;
	/* arena for decoded strings and array items of one statement */
	char *buf;
	size_t blen, bcap;
	struct toml_value *items;
	size_t nitems, capitems;
};

static int fail(struct cur *c, const char *msg)
{
	c->err->line = c->line;
	c->err->msg = msg;
	return HUSH_EINVAL;
}

static void skip_ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* Spaces, comments and newlines (inside arrays). */
static void skip_ws_nl(struct cur *c)
{
	for (;;) {
		skip_ws(c);
		if (c->p < c->end && *c->p == '#') {
			while (c->p < c->end && *c->p != '\n')
				c->p++;
		}
		if (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
			if (*c->p == '\n')
				c->line++;
			c->p++;
			continue;
		}
		return;
	}
}

/* Rest of the line must be empty or a comment. */
static int end_of_line(struct cur *c)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == '#')
		while (c->p < c->end && *c->p != '\n')
			c->p++;
	if (c->p < c->end && *c->p == '\r')
		c->p++;
	if (c->p < c->end && *c->p != '\n')
		return fail(c, "unexpected text after the value");
	return 0;
}

/* Appends bytes to the arena; returns the offset or -1. */
static long arena_put(struct cur *c, const char *s, size_t n)
{
	if (c->blen + n + 1 > TOML_MAX_INPUT * 2 ||
	    array_grow(&c->buf, &c->bcap, c->blen + n + 1, 1, 1024) < 0)
		return -1;
	memcpy(c->buf + c->blen, s, n);
	long off = (long)c->blen;
	c->blen += n;
	return off;
}

static int put_utf8(struct cur *c, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return fail(c, "escape names a surrogate, not a character");
	if (cp == 0)
		return fail(c, "\\u0000 is not allowed in a string");
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else if (cp <= 0x10FFFF) {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	} else {
		return fail(c, "escape out of the Unicode range");
	}
	return arena_put(c, u, n) < 0 ? HUSH_ENOMEM : 0;
}

/* A string starting at c->p (a quote). On success *off / *len locate the
 * decoded text in the arena (NUL-terminated there). */
static int parse_string(struct cur *c, size_t *off, size_t *len)
{
	char q = *c->p;
	bool multi = c->end - c->p >= 3 && c->p[1] == q && c->p[2] == q;
	c->p += multi ? 3 : 1;
	if (multi && c->p < c->end && *c->p == '\n') {
		c->p++; /* a newline right after the opening quotes is trimmed */
		c->line++;
	} else if (multi && c->end - c->p >= 2 && c->p[0] == '\r' && c->p[1] == '\n') {
		c->p += 2;
		c->line++;
	}
	size_t start = c->blen;
	for (;;) {
		if (c->p >= c->end)
			return fail(c, "unterminated string");
		char ch = *c->p;
		if (ch == q) {
			if (!multi) {
				c->p++;
				break;
			}
			if (c->end - c->p >= 3 && c->p[1] == q && c->p[2] == q) {
				/* up to two more quotes belong to the content */
				size_t extra = 0;
				while (extra < 2 && c->end - c->p >= 4 && c->p[3] == q) {
					if (arena_put(c, &q, 1) < 0)
						return HUSH_ENOMEM;
					c->p++;
					extra++;
				}
				c->p += 3;
				break;
			}
		}
		if (ch == '\n') {
			if (!multi)
				return fail(c, "newline inside a single-line string");
			c->line++;
		}
		if (ch == 0)
			return fail(c, "NUL byte inside a string");
		if ((unsigned char)ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
			return fail(c, "control character inside a string");
		if (ch == '\\' && q == '"') {
			if (c->end - c->p < 2)
				return fail(c, "unterminated escape");
			char e = c->p[1];
			c->p += 2;
			/* the one-letter escapes and what each stands for */
			static const char esc[] = "btnfre\"\\", lits[] = "\b\t\n\f\r\x1b\"\\";
			const char *at = e ? strchr(esc, e) : NULL;
			const char *lit = at ? &lits[at - esc] : NULL;
			if (lit) {
				if (arena_put(c, lit, 1) < 0)
					return HUSH_ENOMEM;
				continue;
			}
			if (e == 'u' || e == 'U') {
				int nd = e == 'u' ? 4 : 8;
				if (c->end - c->p < nd)
					return fail(c, "short \\u escape");
				uint32_t cp = 0;
				for (int k = 0; k < nd; k++) {
					int ch2 = (unsigned char)c->p[k];
					if (!isxdigit(ch2))
						return fail(c, "bad hex digit in a \\u escape");
					cp = cp * 16 + (uint32_t)(isdigit(ch2) ? ch2 - '0' : (tolower(ch2) - 'a' + 10));
					if (cp > 0x10FFFF)
						return fail(c, "escape out of the Unicode range");
				}
				c->p += nd;
				int rc = put_utf8(c, cp);
				if (rc < 0)
					return rc;
				continue;
			}
			if (multi && (e == '\n' || e == ' ' || e == '\t' || e == '\r')) {
				/* line-ending backslash: drop whitespace up to the next text */
				c->p--;
				while (c->p < c->end && isspace((unsigned char)*c->p)) {
					if (*c->p == '\n')
						c->line++;
					c->p++;
				}
				continue;
			}
			return fail(c, "unknown escape in a string");
		}
		if (arena_put(c, &ch, 1) < 0)
			return HUSH_ENOMEM;
		c->p++;
	}
	*off = start;
	*len = c->blen - start;
	if (arena_put(c, "", 1) < 0) /* the NUL */
		return HUSH_ENOMEM;
	c->blen = start + *len + 1;
	c->buf[start + *len] = 0;
	return 0;
}

/* A bare or quoted key, or one part of a dotted header name. */
static int parse_key(struct cur *c, size_t *off, size_t *len)
{
	skip_ws(c);
	if (c->p < c->end && (*c->p == '"' || *c->p == '\'')) {
		if (c->end - c->p >= 3 && c->p[1] == *c->p && c->p[2] == *c->p)
			return fail(c, "a key cannot be a multi-line string");
		return parse_string(c, off, len);
	}
	const char *s = c->p;
	while (c->p < c->end && (isalnum((unsigned char)*c->p) || *c->p == '_' || *c->p == '-'))
		c->p++;
	if (c->p == s)
		return fail(c, "expected a key");
	long o = arena_put(c, s, (size_t)(c->p - s));
	if (o < 0 || arena_put(c, "", 1) < 0)
		return HUSH_ENOMEM;
	*off = (size_t)o;
	*len = (size_t)(c->p - s);
	return 0;
}

static int push_item(struct cur *c, const struct toml_value *v)
{
	if (c->nitems >= TOML_MAX_ARRAY)
		return fail(c, "array too long");
	if (array_grow(&c->items, &c->capitems, c->nitems + 1, sizeof(*c->items), 16) < 0)
		return HUSH_ENOMEM;
	c->items[c->nitems++] = *v;
	return 0;
}

/* A scalar; strings keep their arena offset in v->slen's companion i
 * until the statement is complete (the arena may move). */
static int parse_scalar(struct cur *c, struct toml_value *v)
{
	memset(v, 0, sizeof(*v));
	if (c->p >= c->end)
		return fail(c, "missing value");
	char ch = *c->p;
	if (ch == '"' || ch == '\'') {
		size_t off, len;
		int rc = parse_string(c, &off, &len);
		if (rc < 0)
			return rc;
		v->type = TOML_STRING;
		v->i = (long long)off; /* resolved to a pointer later */
		v->slen = len;
		return 0;
	}
	if (ch == '{')
		return fail(c, "inline tables are not supported");
	if (ch == '[')
		return fail(c, "nested arrays are not supported");
	const char *s = c->p;
	while (c->p < c->end && (isalnum((unsigned char)*c->p) || strchr("+-._:", *c->p)))
		c->p++;
	size_t n = (size_t)(c->p - s);
	if (n == 4 && !memcmp(s, "true", 4)) {
		v->type = TOML_BOOL;
		v->i = 1;
		return 0;
	}
	if (n == 5 && !memcmp(s, "false", 5)) {
		v->type = TOML_BOOL;
		return 0;
	}
	char num[64];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_')
			continue;
		if (k + 1 >= sizeof(num))
			return fail(c, "number too long");
		num[k++] = s[i];
	}
	num[k] = 0;
	if (k == 0)
		return fail(c, "expected a value");
	char *e;
	bool isfloat = strpbrk(num, ".eE") != NULL && strncmp(num, "0x", 2) != 0;
	if (memchr(num, ':', k) || (k > 4 && num[4] == '-' && isdigit((unsigned char)num[0])))
		return fail(c, "dates and times are not supported");
	if (isfloat) {
		v->f = strtod(num, &e);
		v->type = TOML_FLOAT;
	} else {
		int base = 10;
		const char *q = num;
		if (!strncmp(q, "0x", 2)) { base = 16; q += 2; }
		else if (!strncmp(q, "0o", 2)) { base = 8; q += 2; }
		else if (!strncmp(q, "0b", 2)) { base = 2; q += 2; }
		v->i = strtoll(q, &e, base);
		v->f = (double)v->i;
		v->type = TOML_INT;
	}
	if (*e)
		return fail(c, "not a number, string or boolean");
	return 0;
}

static int parse_value(struct cur *c, struct toml_value *v)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == '[') {
		c->p++;
		size_t first = c->nitems;
		for (;;) {
			skip_ws_nl(c);
			if (c->p < c->end && *c->p == ']') {
				c->p++;
				break;
			}
			struct toml_value it;
			int rc = parse_scalar(c, &it);
			if (rc < 0)
				return rc;
			if ((rc = push_item(c, &it)) < 0)
				return rc;
			skip_ws_nl(c);
			if (c->p < c->end && *c->p == ',') {
				c->p++;
				continue;
			}
			if (c->p < c->end && *c->p == ']') {
				c->p++;
				break;
			}
			return fail(c, "expected ',' or ']' in an array");
		}
		memset(v, 0, sizeof(*v));
		v->type = TOML_ARRAY;
		v->i = (long long)first; /* index, resolved later */
		v->n = c->nitems - first;
		return 0;
	}
	return parse_scalar(c, v);
}

static void resolve(struct cur *c, struct toml_value *v)
{
	if (v->type == TOML_STRING) {
		v->s = c->buf + v->i;
		v->i = 0;
	}
}

int toml_parse(const char *data, size_t len, toml_cb cb, void *ctx, struct toml_err *err)
{
	if (len > TOML_MAX_INPUT)
		return HUSH_ETOOBIG;
	struct cur c = { .p = data, .end = data + len, .line = 1, .err = err };
	err->line = 0;
	err->msg = NULL;
	int rc = 0;
	while (rc == 0) {
		skip_ws_nl(&c);
		if (c.p >= c.end)
			break;
		c.blen = 0;
		c.nitems = 0;
		int line = c.line;
		if (*c.p == '[') {
			bool arr = c.end - c.p >= 2 && c.p[1] == '[';
			c.p += arr ? 2 : 1;
			size_t offs[TOML_MAX_PATH], np = 0;
			for (;;) {
				size_t off, l;
				if ((rc = parse_key(&c, &off, &l)) < 0)
					break;
				if (np == TOML_MAX_PATH) {
					rc = fail(&c, "table name has too many dotted parts");
					break;
				}
				offs[np++] = off;
				skip_ws(&c);
				if (c.p < c.end && *c.p == '.') {
					c.p++;
					continue;
				}
				break;
			}
			if (rc < 0)
				break;
			if (c.p >= c.end || *c.p != ']' || (arr && (c.end - c.p < 2 || c.p[1] != ']'))) {
				rc = fail(&c, arr ? "expected ']]' to close the table header" : "expected ']' to close the table header");
				break;
			}
			c.p += arr ? 2 : 1;
			if ((rc = end_of_line(&c)) < 0)
				break;
			const char *path[TOML_MAX_PATH];
			for (size_t i = 0; i < np; i++)
				path[i] = c.buf + offs[i];
			struct toml_event ev = { .line = line, .path = path, .npath = np, .array = arr };
			const char *msg = NULL;
			if ((rc = cb(ctx, &ev, &msg)) < 0) {
				err->line = line;
				err->msg = msg;
			}
			continue;
		}
		size_t koff, kl;
		if ((rc = parse_key(&c, &koff, &kl)) < 0)
			break;
		skip_ws(&c);
		if (c.p < c.end && *c.p == '.') {
			rc = fail(&c, "dotted keys are not supported (use a [table] header)");
			break;
		}
		if (c.p >= c.end || *c.p != '=') {
			rc = fail(&c, "expected '=' after the key");
			break;
		}
		c.p++;
		struct toml_value v;
		if ((rc = parse_value(&c, &v)) < 0)
			break;
		if ((rc = end_of_line(&c)) < 0)
			break;
		/* the arena no longer moves: turn offsets into pointers */
		if (v.type == TOML_ARRAY) {
			for (size_t i = 0; i < v.n; i++)
				resolve(&c, &c.items[(size_t)v.i + i]);
			v.items = v.n ? c.items + v.i : NULL;
			v.i = 0;
		} else {
			resolve(&c, &v);
		}
		struct toml_event ev = { .line = line, .key = c.buf + koff, .value = &v };
		const char *msg = NULL;
		if ((rc = cb(ctx, &ev, &msg)) < 0) {
			err->line = line;
			err->msg = msg;
		}
	}
	free(c.buf);
	free(c.items);
	return rc;
}
