/* SPDX-License-Identifier: ISC */
/* JSON string quoting: see json.h. */
#include "common/json.h"

#include <stdbool.h>
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
