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
#include "scan/relit_int.h"

static void keep_best(struct req *best, bool *has, const struct req *cand)
{
	if (cand->s.n == 0 || relit_set_minlen(&cand->s) < 1)
		return;
	if (!*has || relit_set_quality(&cand->s) > relit_set_quality(&best->s)) {
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


static void apply_rep(const struct info *x, int min, int max, struct info *o)
{
	memset(o, 0, sizeof(*o));
	o->nl = len_mul(x->nl, max, NL_CAP, RELIT_NL_INF);
	o->len = len_mul(x->len, max, LEN_CAP, RELIT_LEN_INF);
	o->all = x->all;
	if (x->exact && max != REP_INF && max <= 4) {
		/* the union of x^min ... x^max, while it stays small */
		struct sset pw, all = { .n = 0 };
		relit_set_one(&pw, "", 0);
		bool fits = min > 0 || relit_set_add(&all, "", 0);
		for (int k = 1; k <= max && fits; k++) {
			fits = relit_set_cross(&pw, &pw, &x->ex);
			if (fits && k >= min)
				fits = relit_set_union(&all, &all, &pw);
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
				relit_info_empty(o);
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
		relit_parse_class(P, &b);
		relit_info_class(&b, &a);
	} else if (c == '.') {
		struct bits b = { { 0 } };
		relit_bit_range(&b, 0, 255);
		if (!P->dotall)
			b.b['\n' >> 3] &= (uint8_t)~(1u << ('\n' & 7));
		relit_info_class(&b, &a);
	} else if (c == '^' || c == '$') {
		relit_info_empty(&a);
	} else if (c == '*' || c == '+' || c == '?') {
		P->bad = true;
		return false;
	} else if (c == '\\') {
		char e = *P->p;
		if (e && strchr("dwsDWS", e)) {
			struct bits b = { { 0 } };
			relit_bit_shorthand(&b, e);
			P->p++;
			relit_info_class(&b, &a);
		} else if (e && strchr("bBAzZ", e)) {
			P->p++;
			relit_info_empty(&a);
		} else if (e == 'v') { /* PCRE2: vertical white space */
			struct bits b = { { 0 } };
			relit_bit_range(&b, '\n', '\r');
			P->p++;
			relit_info_class(&b, &a);
		} else {
			int v = relit_escape_byte(P);
			if (v < 0) {
				P->bad = true;
				return false;
			}
			relit_info_byte((unsigned char)v, &a);
		}
	} else {
		relit_info_byte((unsigned char)c, &a);
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
	if (c->exact && relit_set_minlen(&c->ex) >= 1) {
		pc->req = true;
		relit_first_bytes(&c->ex, &pc->first);
	} else if (c->has) {
		pc->req = true;
		pc->skip = c->mt.pre;
		pc->skipbits = c->mt.before;
		relit_first_bytes(&c->mt.s, &pc->first);
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
			relit_bits_or(&between, &pc[i].skipbits);
			r->post_between = between;
			r->post_first = pc[i].first;
			return;
		}
		dist = len_add(dist, pc[i].len);
		relit_bits_or(&between, &pc[i].all);
	}
}

static void parse_concat(struct parser *P, struct info *o)
{
	struct sset run;
	struct req best;
	relit_set_one(&run, "", 0);
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
			if (!relit_set_cross(&x, &run, &c.ex)) {
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
				relit_bits_or(&r.before, &all);
				r.end_piece = -1;
				keep_best(&best, &has, &r);
			}
			relit_set_one(&run, "", 0);
		}
		if (pc && npc < PIECES_MAX)
			piece_of(&c, &pc[npc]);
		npc++;
		nl = nl_add(nl, c.nl);
		len = len_add(len, c.len);
		relit_bits_or(&all, &c.all);
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
	bool have = info_best(o, &bb) && relit_set_union(&uni.s, &uni.s, &bb.s);
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
		relit_bits_or(&o->all, &b.all);
		exact = exact && b.exact && relit_set_union(&o->ex, &o->ex, &b.ex);
		have = have && info_best(&b, &bb) && relit_set_union(&uni.s, &uni.s, &bb.s);
		if (have) {
			uni.pre = bb.pre > uni.pre ? bb.pre : uni.pre;
			uni.nlpre = bb.nlpre > uni.nlpre ? bb.nlpre : uni.nlpre;
			relit_bits_or(&uni.before, &bb.before);
			/* every branch must say what follows its literal */
			uni.post = uni.post && bb.post;
			uni.post_len = bb.post_len > uni.post_len ? bb.post_len : uni.post_len;
			relit_bits_or(&uni.post_between, &bb.post_between);
			relit_bits_or(&uni.post_first, &bb.post_first);
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
	if (!has || relit_set_minlen(&best.s) < RELIT_MIN || best.s.n <= 0)
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

