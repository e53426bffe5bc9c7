/* SPDX-License-Identifier: ISC */
/* The literal reader's building blocks (see relit_int.h): small sets of
 * texts, byte classes with their regex syntax ([...], \d, [:alpha:],
 * escapes), and the info of a single byte or class. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/relit_int.h"

/* --- small sets of texts --- */
void relit_set_one(struct sset *s, const char *t, size_t n)
{
	s->n = 1;
	memcpy(s->s[0], t, n);
	s->s[0][n] = 0;
	s->l[0] = (uint8_t)n;
}

bool relit_set_add(struct sset *s, const char *t, size_t n)
{
	for (int i = 0; i < s->n; i++)
		if (s->l[i] == n && !memcmp(s->s[i], t, n))
			return true;
	if (s->n == SET_MAX || n > RELIT_MAXLEN)
		return false;
	memcpy(s->s[s->n], t, n);
	s->s[s->n][n] = 0;
	s->l[s->n++] = (uint8_t)n;
	return true;
}

bool relit_set_union(struct sset *out, const struct sset *a, const struct sset *b)
{
	struct sset u = *a;
	for (int i = 0; i < b->n; i++)
		if (!relit_set_add(&u, b->s[i], b->l[i]))
			return false;
	*out = u;
	return true;
}

bool relit_set_cross(struct sset *out, const struct sset *a, const struct sset *b)
{
	struct sset x = { .n = 0 };
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++) {
			char t[2 * RELIT_MAXLEN + 1];
			memcpy(t, a->s[i], a->l[i]);
			memcpy(t + a->l[i], b->s[j], b->l[j]);
			if (!relit_set_add(&x, t, (size_t)a->l[i] + b->l[j]))
				return false;
		}
	*out = x;
	return true;
}

int relit_set_minlen(const struct sset *s)
{
	int m = s->n ? RELIT_MAXLEN + 1 : 0;
	for (int i = 0; i < s->n; i++)
		if (s->l[i] < m)
			m = s->l[i];
	return m;
}

/* Longer shortest text first (up to 8), then fewer texts. */
int relit_set_quality(const struct sset *s)
{
	int m = relit_set_minlen(s);
	return (m > 8 ? 8 : m) * 100 - s->n;
}


void relit_bits_or(struct bits *a, const struct bits *b)
{
	for (int i = 0; i < 32; i++)
		a->b[i] |= b->b[i];
}


static void bits_set_fold(struct bits *c, unsigned char v);

/* The first bytes of a set's texts, in both cases. */
void relit_first_bytes(const struct sset *s, struct bits *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < s->n; i++)
		bits_set_fold(out, (unsigned char)s->s[i][0]);
}


/* --- byte classes --- */

static void bit_set(struct bits *c, unsigned v)
{
	c->b[v >> 3] |= (uint8_t)(1u << (v & 7));
}

static bool bit_get(const struct bits *c, unsigned v)
{
	return (c->b[v >> 3] >> (v & 7)) & 1;
}

static void bits_set_fold(struct bits *c, unsigned char v)
{
	bit_set(c, v);
	if (v >= 'A' && v <= 'Z')
		bit_set(c, v + 32u);
	if (v >= 'a' && v <= 'z')
		bit_set(c, v - 32u);
}

void relit_bit_range(struct bits *c, unsigned a, unsigned z)
{
	for (unsigned v = a; v <= z; v++)
		bit_set(c, v);
}

static void bit_invert(struct bits *c)
{
	for (int i = 0; i < 32; i++)
		c->b[i] = (uint8_t)~c->b[i];
}

/* \d \w \s and their complements. */
void relit_bit_shorthand(struct bits *c, char e)
{
	struct bits t = { { 0 } };
	switch (e | 0x20) {
	case 'd':
		relit_bit_range(&t, '0', '9');
		break;
	case 'w':
		relit_bit_range(&t, '0', '9');
		relit_bit_range(&t, 'A', 'Z');
		relit_bit_range(&t, 'a', 'z');
		bit_set(&t, '_');
		break;
	default: /* s: PCRE2 counts VT too */
		relit_bit_range(&t, '\t', '\r');
		bit_set(&t, ' ');
		break;
	}
	if (e >= 'A' && e <= 'Z')
		bit_invert(&t);
	for (int i = 0; i < 32; i++)
		c->b[i] |= t.b[i];
}

static bool posix_class(struct bits *c, const char *name, size_t n, bool neg)
{
	struct bits t = { { 0 } };
	static const char *const names[] = { "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph",
					     "lower", "print", "punct", "space", "upper", "word", "xdigit" };
	size_t k = 0;
	while (k < sizeof(names) / sizeof(names[0]) && !(strlen(names[k]) == n && !memcmp(names[k], name, n)))
		k++;
	switch (k) {
	case 0: relit_bit_range(&t, '0', '9'); relit_bit_range(&t, 'A', 'Z'); relit_bit_range(&t, 'a', 'z'); break;
	case 1: relit_bit_range(&t, 'A', 'Z'); relit_bit_range(&t, 'a', 'z'); break;
	case 2: relit_bit_range(&t, 0, 127); break;
	case 3: bit_set(&t, ' '); bit_set(&t, '\t'); break;
	case 4: relit_bit_range(&t, 0, 31); bit_set(&t, 127); break;
	case 5: relit_bit_range(&t, '0', '9'); break;
	case 6: relit_bit_range(&t, 33, 126); break;
	case 7: relit_bit_range(&t, 'a', 'z'); break;
	case 8: relit_bit_range(&t, 32, 126); break;
	case 9: relit_bit_range(&t, 33, 47); relit_bit_range(&t, 58, 64); relit_bit_range(&t, 91, 96); relit_bit_range(&t, 123, 126); break;
	case 10: relit_bit_range(&t, '\t', '\r'); bit_set(&t, ' '); break;
	case 11: relit_bit_range(&t, 'A', 'Z'); break;
	case 12: relit_bit_shorthand(&t, 'w'); break;
	case 13: relit_bit_range(&t, '0', '9'); relit_bit_range(&t, 'A', 'F'); relit_bit_range(&t, 'a', 'f'); break;
	default: return false;
	}
	if (neg)
		bit_invert(&t);
	for (int i = 0; i < 32; i++)
		c->b[i] |= t.b[i];
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A one-byte escape after the backslash at P->p (n, t, x41, 101, punctuation);
 * -1 when it is not one (a class, an assertion, something unread). */
int relit_escape_byte(struct parser *P)
{
	char e = *P->p;
	switch (e) {
	case 'n': P->p++; return '\n';
	case 't': P->p++; return '\t';
	case 'r': P->p++; return '\r';
	case 'f': P->p++; return '\f';
	case 'a': P->p++; return 7;
	case 'e': P->p++; return 27;
	case '0': {
		int v = 0;
		P->p++;
		for (int k = 0; k < 2 && *P->p >= '0' && *P->p <= '7'; k++)
			v = v * 8 + (*P->p++ - '0');
		return v;
	}
	case 'x': {
		int v = 0;
		P->p++;
		if (*P->p == '{') {
			P->p++;
			int k = 0;
			while (hexval(*P->p) >= 0 && k++ < 4)
				v = v * 16 + hexval(*P->p++);
			if (*P->p != '}' || k == 0 || v > 255) {
				P->bad = true;
				return -1;
			}
			P->p++;
			return v;
		}
		for (int k = 0; k < 2 && hexval(*P->p) >= 0; k++)
			v = v * 16 + hexval(*P->p++);
		return v;
	}
	}
	if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '1' && e <= '9') || !e)
		return -1;
	P->p++;
	return (unsigned char)e; /* escaped punctuation stands for itself */
}

/* [...] at P->p (after the '['). */
void relit_parse_class(struct parser *P, struct bits *c)
{
	bool neg = false;
	if (*P->p == '^') {
		neg = true;
		P->p++;
	}
	bool first = true;
	while (*P->p && (first || *P->p != ']')) {
		first = false;
		int lo;
		if (P->p[0] == '[' && P->p[1] == ':') {
			const char *e = strstr(P->p + 2, ":]");
			bool pneg = P->p[2] == '^';
			const char *nm = P->p + 2 + pneg;
			if (!e || !posix_class(c, nm, (size_t)(e - nm), pneg)) {
				P->bad = true;
				return;
			}
			P->p = e + 2;
			continue;
		}
		if (*P->p == '\\') {
			P->p++;
			char e = *P->p;
			if (strchr("dwsDWS", e) && e) {
				relit_bit_shorthand(c, e);
				P->p++;
				continue;
			}
			if (e == 'b') { /* backspace inside a class */
				P->p++;
				lo = 8;
			} else if ((lo = relit_escape_byte(P)) < 0) {
				P->bad = true;
				return;
			}
		} else {
			lo = (unsigned char)*P->p++;
		}
		int hi = lo;
		if (P->p[0] == '-' && P->p[1] && P->p[1] != ']') {
			P->p++;
			if (*P->p == '\\') {
				P->p++;
				if ((hi = relit_escape_byte(P)) < 0) {
					P->bad = true;
					return;
				}
			} else {
				hi = (unsigned char)*P->p++;
			}
			if (hi < lo) {
				P->bad = true;
				return;
			}
		}
		relit_bit_range(c, (unsigned)lo, (unsigned)hi);
	}
	if (*P->p != ']') {
		P->bad = true;
		return;
	}
	P->p++;
	if (neg)
		bit_invert(c);
}

/* The info of one byte class: exact when it folds to at most 4 bytes. */
void relit_info_class(const struct bits *c, struct info *o)
{
	memset(o, 0, sizeof(*o));
	o->nl = bit_get(c, '\n');
	o->len = 1;
	o->all = *c;
	for (unsigned v = 'A'; v <= 'Z'; v++)
		if (bit_get(c, v) || bit_get(c, v + 32)) {
			bit_set(&o->all, v);
			bit_set(&o->all, v + 32);
		}
	struct sset s = { .n = 0 };
	for (unsigned v = 0; v < 256; v++)
		if (bit_get(c, v)) {
			char ch = (char)(v >= 'A' && v <= 'Z' ? v + 32 : v);
			if (!relit_set_add(&s, &ch, 1) || s.n > 4)
				return;
		}
	if (s.n) {
		o->ex = s;
		o->exact = true;
	}
}

void relit_info_byte(unsigned char ch, struct info *o)
{
	struct bits c = { { 0 } };
	bit_set(&c, ch);
	relit_info_class(&c, o);
}

void relit_info_empty(struct info *o)
{
	memset(o, 0, sizeof(*o)); /* len 0, nl 0 */
	relit_set_one(&o->ex, "", 0);
	o->exact = true;
}

