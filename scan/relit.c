/* SPDX-License-Identifier: ISC */
/* Reads a regex for the literals every match holds and how far before the
 * literal a match can start (see scan/relit.h). One recursive pass over
 * the pattern keeps, for each part, the exact texts it can match when they
 * are few (case folded), or else a set of texts of which every match holds
 * one together with the most bytes and newlines before it, and the part's
 * longest match and most newlines. Concatenation multiplies exact sets
 * while they stay small and keeps the best set seen (its distance from the
 * start is the longest the parts before it can be); alternation unites
 * them (the largest distance); an optional part requires nothing. A
 * literal is only ever dropped together with its whole set. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "scan/relit.h"

#define SET_MAX 16
#define DEPTH_MAX 40
#define NL_CAP 64 /* more than this many newlines: treated as unbounded */
#define LEN_CAP (1u << 20) /* a longer match: treated as unbounded */
#define REP_INF (-1)

struct sset {
	char s[SET_MAX][RELIT_MAXLEN + 1];
	uint8_t l[SET_MAX];
	int n;
};

/* A set of bytes. */
struct bits {
	uint8_t b[32];
};

/* Every match holds one of s, starting at most pre bytes and nlpre
 * newlines after the match's start, with only bytes of before between.
 * With post: after the text of s, within post_len bytes of post_between,
 * comes a byte of post_first (where the next required part starts). */
struct req {
	struct sset s;
	unsigned pre, nlpre;
	struct bits before;
	bool post;
	unsigned post_len;
	struct bits post_between, post_first;
	int end_piece; /* internal: the piece after the exact run s came from */
};

struct info {
	struct sset ex; /* the texts it matches, when exact */
	struct req mt;  /* when has */
	bool exact, has;
	unsigned nl;    /* most newlines in a match (RELIT_NL_INF) */
	unsigned len;   /* longest match (RELIT_LEN_INF) */
	struct bits all; /* every byte a match can hold (both cases of letters) */
};

struct parser {
	const char *p;
	bool dotall;
	bool bad;
	int depth;
};

/* --- small sets of texts --- */
static void set_one(struct sset *s, const char *t, size_t n)
{
	s->n = 1;
	memcpy(s->s[0], t, n);
	s->s[0][n] = 0;
	s->l[0] = (uint8_t)n;
}

static bool set_add(struct sset *s, const char *t, size_t n)
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

static bool set_union(struct sset *out, const struct sset *a, const struct sset *b)
{
	struct sset u = *a;
	for (int i = 0; i < b->n; i++)
		if (!set_add(&u, b->s[i], b->l[i]))
			return false;
	*out = u;
	return true;
}

static bool set_cross(struct sset *out, const struct sset *a, const struct sset *b)
{
	struct sset x = { .n = 0 };
	for (int i = 0; i < a->n; i++)
		for (int j = 0; j < b->n; j++) {
			char t[2 * RELIT_MAXLEN + 1];
			memcpy(t, a->s[i], a->l[i]);
			memcpy(t + a->l[i], b->s[j], b->l[j]);
			if (!set_add(&x, t, (size_t)a->l[i] + b->l[j]))
				return false;
		}
	*out = x;
	return true;
}

static int set_minlen(const struct sset *s)
{
	int m = s->n ? RELIT_MAXLEN + 1 : 0;
	for (int i = 0; i < s->n; i++)
		if (s->l[i] < m)
			m = s->l[i];
	return m;
}

/* Longer shortest text first (up to 8), then fewer texts. */
static int set_quality(const struct sset *s)
{
	int m = set_minlen(s);
	return (m > 8 ? 8 : m) * 100 - s->n;
}

/* Keeps cand in *best when it is usable and better. */
static void keep_best(struct req *best, bool *has, const struct req *cand)
{
	if (cand->s.n == 0 || set_minlen(&cand->s) < 1)
		return;
	if (!*has || set_quality(&cand->s) > set_quality(&best->s)) {
		*best = *cand;
		*has = true;
	}
}

static void keep_set(struct req *best, bool *has, const struct sset *s, unsigned pre, unsigned nlpre,
		     const struct bits *before, int end_piece)
{
	struct req c;
	memset(&c, 0, sizeof(c));
	c.s = *s;
	c.pre = pre;
	c.nlpre = nlpre;
	c.before = *before;
	c.end_piece = end_piece;
	keep_best(best, has, &c);
}

static void bits_or(struct bits *a, const struct bits *b)
{
	for (int i = 0; i < 32; i++)
		a->b[i] |= b->b[i];
}

static void bits_set_fold(struct bits *c, unsigned char v);

/* The first bytes of a set's texts, in both cases. */
static void first_bytes(const struct sset *s, struct bits *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < s->n; i++)
		bits_set_fold(out, (unsigned char)s->s[i][0]);
}

/* The best requirement info i carries: its exact set or its match set. */
static bool info_best(const struct info *i, struct req *out)
{
	bool has = false;
	static const struct bits none;
	if (i->exact)
		keep_set(out, &has, &i->ex, 0, 0, &none, -1);
	if (i->has)
		keep_best(out, &has, &i->mt);
	return has;
}

static unsigned nl_add(unsigned a, unsigned b)
{
	return a + b > NL_CAP ? RELIT_NL_INF : a + b;
}

static unsigned len_add(unsigned a, unsigned b)
{
	return (unsigned long long)a + b > LEN_CAP ? RELIT_LEN_INF : a + b;
}

static unsigned len_mul(unsigned a, int k, unsigned cap, unsigned inf)
{
	if (a == 0 || k == 0)
		return 0;
	if (a == inf || k == REP_INF || (unsigned long long)a * (unsigned)k > cap)
		return inf;
	return a * (unsigned)k;
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

static void bit_range(struct bits *c, unsigned a, unsigned z)
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
static void bit_shorthand(struct bits *c, char e)
{
	struct bits t = { { 0 } };
	switch (e | 0x20) {
	case 'd':
		bit_range(&t, '0', '9');
		break;
	case 'w':
		bit_range(&t, '0', '9');
		bit_range(&t, 'A', 'Z');
		bit_range(&t, 'a', 'z');
		bit_set(&t, '_');
		break;
	default: /* s: PCRE2 counts VT too */
		bit_range(&t, '\t', '\r');
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
	case 0: bit_range(&t, '0', '9'); bit_range(&t, 'A', 'Z'); bit_range(&t, 'a', 'z'); break;
	case 1: bit_range(&t, 'A', 'Z'); bit_range(&t, 'a', 'z'); break;
	case 2: bit_range(&t, 0, 127); break;
	case 3: bit_set(&t, ' '); bit_set(&t, '\t'); break;
	case 4: bit_range(&t, 0, 31); bit_set(&t, 127); break;
	case 5: bit_range(&t, '0', '9'); break;
	case 6: bit_range(&t, 33, 126); break;
	case 7: bit_range(&t, 'a', 'z'); break;
	case 8: bit_range(&t, 32, 126); break;
	case 9: bit_range(&t, 33, 47); bit_range(&t, 58, 64); bit_range(&t, 91, 96); bit_range(&t, 123, 126); break;
	case 10: bit_range(&t, '\t', '\r'); bit_set(&t, ' '); break;
	case 11: bit_range(&t, 'A', 'Z'); break;
	case 12: bit_shorthand(&t, 'w'); break;
	case 13: bit_range(&t, '0', '9'); bit_range(&t, 'A', 'F'); bit_range(&t, 'a', 'f'); break;
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
static int escape_byte(struct parser *P)
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
static void parse_class(struct parser *P, struct bits *c)
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
				bit_shorthand(c, e);
				P->p++;
				continue;
			}
			if (e == 'b') { /* backspace inside a class */
				P->p++;
				lo = 8;
			} else if ((lo = escape_byte(P)) < 0) {
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
				if ((hi = escape_byte(P)) < 0) {
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
		bit_range(c, (unsigned)lo, (unsigned)hi);
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
static void info_class(const struct bits *c, struct info *o)
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
			if (!set_add(&s, &ch, 1) || s.n > 4)
				return;
		}
	if (s.n) {
		o->ex = s;
		o->exact = true;
	}
}

static void info_byte(unsigned char ch, struct info *o)
{
	struct bits c = { { 0 } };
	bit_set(&c, ch);
	info_class(&c, o);
}

static void info_empty(struct info *o)
{
	memset(o, 0, sizeof(*o)); /* len 0, nl 0 */
	set_one(&o->ex, "", 0);
	o->exact = true;
}

/* x{min,max}: max REP_INF for unbounded. */
static void apply_rep(const struct info *x, int min, int max, struct info *o)
{
	memset(o, 0, sizeof(*o));
	o->nl = len_mul(x->nl, max, NL_CAP, RELIT_NL_INF);
	o->len = len_mul(x->len, max, LEN_CAP, RELIT_LEN_INF);
	o->all = x->all;
	if (x->exact && max != REP_INF && max <= 4) {
		/* the union of x^min ... x^max, while it stays small */
		struct sset pw, all = { .n = 0 };
		set_one(&pw, "", 0);
		bool fits = min > 0 || set_add(&all, "", 0);
		for (int k = 1; k <= max && fits; k++) {
			fits = set_cross(&pw, &pw, &x->ex);
			if (fits && k >= min)
				fits = set_union(&all, &all, &pw);
		}
		if (fits) {
			o->ex = all;
			o->exact = true;
			return;
		}
	}
	/* the first of the repetitions holds x's literal */
	if (min >= 1)
		o->has = info_best(x, &o->mt);
}

static void parse_alt(struct parser *P, struct info *o);

/* A group at P->p (after the '('): returns false when it is not read. */
static bool parse_group(struct parser *P, struct info *o)
{
	bool saved = P->dotall;
	if (*P->p == '?') {
		P->p++;
		if (*P->p == 'P' && P->p[1] == '<')
			P->p++;
		if (*P->p == '<' || *P->p == '\'') {
			if (P->p[1] == '=' || P->p[1] == '!')
				return false; /* lookbehind */
			char close = *P->p == '<' ? '>' : '\'';
			const char *e = strchr(P->p + 1, close);
			if (!e)
				return false;
			P->p = e + 1;
		} else if (*P->p == ':') {
			P->p++;
		} else {
			/* flags: (?i) (?s-m) (?i:...) */
			bool on = true;
			while (*P->p && *P->p != ')' && *P->p != ':') {
				char f = *P->p++;
				if (f == '-')
					on = false;
				else if (f == 's')
					P->dotall = on;
				else if (!strchr("imUnJ", f))
					return false; /* x, lookahead, atomic, verbs, ... */
			}
			if (*P->p == ')') {
				/* (?flags): the rest of the enclosing group */
				P->p++;
				info_empty(o);
				return true;
			}
			if (*P->p != ':')
				return false;
			P->p++;
		}
	} else if (*P->p == '*') {
		return false;
	}
	if (++P->depth > DEPTH_MAX)
		return false;
	parse_alt(P, o);
	P->depth--;
	P->dotall = saved;
	if (*P->p != ')')
		return false;
	P->p++;
	return true;
}

/* One atom with its quantifier. Returns false at the end of a branch. */
static bool parse_piece(struct parser *P, struct info *o)
{
	char c = *P->p;
	if (!c || c == '|' || c == ')')
		return false;
	struct info a;
	P->p++;
	if (c == '(') {
		if (!parse_group(P, &a)) {
			P->bad = true;
			return false;
		}
	} else if (c == '[') {
		struct bits b = { { 0 } };
		parse_class(P, &b);
		info_class(&b, &a);
	} else if (c == '.') {
		struct bits b = { { 0 } };
		bit_range(&b, 0, 255);
		if (!P->dotall)
			b.b['\n' >> 3] &= (uint8_t)~(1u << ('\n' & 7));
		info_class(&b, &a);
	} else if (c == '^' || c == '$') {
		info_empty(&a);
	} else if (c == '*' || c == '+' || c == '?') {
		P->bad = true;
		return false;
	} else if (c == '\\') {
		char e = *P->p;
		if (e && strchr("dwsDWS", e)) {
			struct bits b = { { 0 } };
			bit_shorthand(&b, e);
			P->p++;
			info_class(&b, &a);
		} else if (e && strchr("bBAzZ", e)) {
			P->p++;
			info_empty(&a);
		} else if (e == 'v') { /* PCRE2: vertical white space */
			struct bits b = { { 0 } };
			bit_range(&b, '\n', '\r');
			P->p++;
			info_class(&b, &a);
		} else {
			int v = escape_byte(P);
			if (v < 0) {
				P->bad = true;
				return false;
			}
			info_byte((unsigned char)v, &a);
		}
	} else {
		info_byte((unsigned char)c, &a);
	}
	if (P->bad)
		return false;
	/* the quantifier */
	int min = 1, max = 1;
	bool quant = false;
	c = *P->p;
	if (c == '*' || c == '+' || c == '?') {
		min = c == '+';
		max = c == '?' ? 1 : REP_INF;
		P->p++;
		quant = true;
	} else if (c == '{') {
		const char *q = P->p + 1;
		char *e;
		long lo = strtol(q, &e, 10), hi = lo;
		if (e != q && *q >= '0' && *q <= '9' && lo <= 100000) {
			if (*e == ',') {
				q = e + 1;
				if (*q >= '0' && *q <= '9')
					hi = strtol(q, &e, 10);
				else
					hi = REP_INF, e = (char *)q;
			}
			if (*e == '}' && (hi == REP_INF || (hi >= lo && hi <= 100000))) {
				min = (int)lo;
				max = (int)hi;
				P->p = e + 1;
				quant = true;
			}
		}
	}
	if (!quant) {
		*o = a;
		return true;
	}
	if (*P->p == '?' || *P->p == '+')
		P->p++; /* lazy, possessive: the same texts */
	if (*P->p == '*' || *P->p == '+' || *P->p == '?' || (*P->p == '{' && P->p[1] >= '0' && P->p[1] <= '9')) {
		P->bad = true; /* a quantifier on a quantifier */
		return false;
	}
	apply_rep(&a, min, max, o);
	return true;
}

/* What a concatenation remembers of each piece, for the part after a
 * literal: how long it can be, its bytes, and where a required part
 * starts in it. */
#define PIECES_MAX 64
struct piece {
	bool req;             /* it holds a required part: first, skip, skipbits */
	struct bits first, skipbits;
	unsigned skip, len;
	struct bits all;
};

static void piece_of(const struct info *c, struct piece *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->len = c->len;
	pc->all = c->all;
	if (c->exact && set_minlen(&c->ex) >= 1) {
		pc->req = true;
		first_bytes(&c->ex, &pc->first);
	} else if (c->has) {
		pc->req = true;
		pc->skip = c->mt.pre;
		pc->skipbits = c->mt.before;
		first_bytes(&c->mt.s, &pc->first);
	}
}

/* The post requirement of a literal that ends before piece k. */
static void set_post(struct req *r, const struct piece *pc, int npc, int k)
{
	unsigned dist = 0;
	struct bits between = { { 0 } };
	for (int i = k; i < npc; i++) {
		if (pc[i].req) {
			r->post = true;
			r->post_len = len_add(dist, pc[i].skip);
			bits_or(&between, &pc[i].skipbits);
			r->post_between = between;
			r->post_first = pc[i].first;
			return;
		}
		dist = len_add(dist, pc[i].len);
		bits_or(&between, &pc[i].all);
	}
}

static void parse_concat(struct parser *P, struct info *o)
{
	struct sset run;
	struct req best;
	set_one(&run, "", 0);
	bool has = false, flushed = false;
	unsigned nl = 0, len = 0;          /* of the pieces so far */
	unsigned run_len = 0, run_nl = 0;  /* where the exact run starts */
	struct bits all = { { 0 } }, run_all = { { 0 } };
	struct piece *pc = malloc(PIECES_MAX * sizeof(*pc));
	int npc = 0;
	struct info c;
	while (parse_piece(P, &c)) {
		if (c.exact) {
			struct sset x;
			if (!set_cross(&x, &run, &c.ex)) {
				keep_set(&best, &has, &run, run_len, run_nl, &run_all, npc);
				flushed = true;
				x = c.ex;
				run_len = len;
				run_nl = nl;
				run_all = all;
			}
			run = x;
		} else {
			keep_set(&best, &has, &run, run_len, run_nl, &run_all, npc);
			flushed = true;
			if (c.has) {
				struct req r = c.mt;
				r.pre = len_add(len, r.pre);
				r.nlpre = nl_add(nl, r.nlpre);
				bits_or(&r.before, &all);
				r.end_piece = -1;
				keep_best(&best, &has, &r);
			}
			set_one(&run, "", 0);
		}
		if (pc && npc < PIECES_MAX)
			piece_of(&c, &pc[npc]);
		npc++;
		nl = nl_add(nl, c.nl);
		len = len_add(len, c.len);
		bits_or(&all, &c.all);
		if (!c.exact) {
			run_len = len;
			run_nl = nl;
			run_all = all;
		}
	}
	memset(o, 0, sizeof(*o));
	o->nl = nl;
	o->len = len;
	o->all = all;
	if (!flushed) {
		o->ex = run;
		o->exact = true;
		free(pc);
		return;
	}
	keep_set(&best, &has, &run, run_len, run_nl, &run_all, npc);
	o->has = has;
	if (has) {
		if (best.end_piece >= 0 && pc && npc <= PIECES_MAX)
			set_post(&best, pc, npc, best.end_piece);
		best.end_piece = -1;
		o->mt = best;
	}
	free(pc);
}

static void parse_alt(struct parser *P, struct info *o)
{
	struct info b;
	struct req uni, bb;
	memset(&uni, 0, sizeof(uni));
	parse_concat(P, o);
	bool exact = o->exact;
	bool have = info_best(o, &bb) && set_union(&uni.s, &uni.s, &bb.s);
	if (have) {
		uni.pre = bb.pre;
		uni.nlpre = bb.nlpre;
		uni.before = bb.before;
		uni.post = bb.post;
		uni.post_len = bb.post_len;
		uni.post_between = bb.post_between;
		uni.post_first = bb.post_first;
	}
	while (*P->p == '|' && !P->bad) {
		P->p++;
		parse_concat(P, &b);
		if (b.nl > o->nl)
			o->nl = b.nl;
		if (b.len > o->len)
			o->len = b.len;
		bits_or(&o->all, &b.all);
		exact = exact && b.exact && set_union(&o->ex, &o->ex, &b.ex);
		have = have && info_best(&b, &bb) && set_union(&uni.s, &uni.s, &bb.s);
		if (have) {
			uni.pre = bb.pre > uni.pre ? bb.pre : uni.pre;
			uni.nlpre = bb.nlpre > uni.nlpre ? bb.nlpre : uni.nlpre;
			bits_or(&uni.before, &bb.before);
			/* every branch must say what follows its literal */
			uni.post = uni.post && bb.post;
			uni.post_len = bb.post_len > uni.post_len ? bb.post_len : uni.post_len;
			bits_or(&uni.post_between, &bb.post_between);
			bits_or(&uni.post_first, &bb.post_first);
		}
	}
	if (exact)
		return;
	o->exact = false;
	o->has = have;
	if (have)
		o->mt = uni;
}

int relit_analyse(const char *pat, struct relit *out)
{
	memset(out, 0, sizeof(*out));
	out->pre = RELIT_LEN_INF;
	out->nl = RELIT_NL_INF;
	struct info *i = malloc(sizeof(*i));
	if (!i)
		return HUSH_ENOMEM;
	struct parser P = { .p = pat };
	parse_alt(&P, i);
	struct req best;
	bool has = !P.bad && !*P.p && info_best(i, &best);
	free(i);
	if (!has || set_minlen(&best.s) < RELIT_MIN || best.s.n <= 0)
		return 0;
	out->pre = best.pre;
	out->nl = best.nlpre;
	memcpy(out->before, best.before.b, sizeof(out->before));
	int pop = 0;
	for (int k = 0; k < 32; k++)
		pop += __builtin_popcount(best.before.b[k]);
	out->any_before = pop >= 192;
	out->post = best.post;
	out->post_len = best.post_len;
	memcpy(out->post_between, best.post_between.b, sizeof(out->post_between));
	memcpy(out->post_first, best.post_first.b, sizeof(out->post_first));
	if (!(out->lit = calloc((size_t)best.s.n & 0xff, sizeof(*out->lit))))
		return HUSH_ENOMEM;
	for (int k = 0; k < best.s.n; k++) {
		if (!(out->lit[k] = strdup(best.s.s[k]))) {
			relit_free(out);
			return HUSH_ENOMEM;
		}
		out->n++;
	}
	return 1;
}

void relit_free(struct relit *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lit[i]);
	free(r->lit);
	r->lit = NULL;
	r->n = 0;
}
