/* SPDX-License-Identifier: ISC */
/* The scanner's matching engine: one Vectorscan pass over the buffer finds
 * every token rule's literal prefix (scan/rules_table.c) and every word a
 * secret name is made of (token, secret, pass, key, auth, ...); the token
 * rules run at their prefixes, and NAME = value assignments are judged
 * (scan/generic.c) only near those words. Without Vectorscan
 * support on the CPU a bigram table and a full pass do the same, slower.
 * Overlapping hits are reduced to the most specific one, hush:allow lines
 * are dropped, and line numbers are computed once at the end. */
#include <ctype.h>
#include <hs/hs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/err.h"
#include "scan/match.h"
#include "scan/rules.h"

static uint8_t bigram_bits[65536 / 8];
static uint16_t bigram_head[65536]; /* rule index + 1, 0 = none */
static uint16_t rule_next[512];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Words every secret-looking name contains (see scan_name_is_secret):
 * assignments are looked at only within NAME_WINDOW bytes after one. */
static const char *const name_words[] = { "token", "secret", "pass", "key", "auth",
					  "cred", "bearer", "webhook", "pw" };
#define NAME_WORD_ID 0x10000u
#define NAME_WINDOW 256

#define EXTRA_ID 0x20000u /* ids of another matcher's literals start here */

struct scan_lits {
	hs_database_t *db;
	hs_scratch_t *proto;
};

static struct scan_lits builtin_lits; /* db NULL when Vectorscan cannot run */
static pthread_key_t hs_key;

static void scratch_free(void *p)
{
	hs_free_scratch(p);
}

/* The literal database: rule prefixes (exact case, id = rule index), the
 * name words (any case) and extra[0..nx) (id EXTRA_ID + i). */
static int lits_build(const char *const *extra, const unsigned *xflags, size_t nx, struct scan_lits *out)
{
	size_t nw = sizeof(name_words) / sizeof(name_words[0]), n = scan_nrules + nw + nx;
	const char **lit = calloc(n, sizeof(*lit));
	unsigned *flags = calloc(n, sizeof(*flags)), *ids = calloc(n, sizeof(*ids));
	size_t *lens = calloc(n, sizeof(*lens));
	int rc = HUSH_ENOMEM;
	if (lit && flags && ids && lens) {
		for (size_t i = 0; i < n; i++) {
			if (i < scan_nrules) {
				lit[i] = scan_rules[i].prefix;
				ids[i] = (unsigned)i;
			} else if (i < scan_nrules + nw) {
				lit[i] = name_words[i - scan_nrules];
				flags[i] = HS_FLAG_CASELESS;
				ids[i] = NAME_WORD_ID + (unsigned)(i - scan_nrules);
			} else {
				lit[i] = extra[i - scan_nrules - nw];
				flags[i] = xflags[i - scan_nrules - nw];
				ids[i] = EXTRA_ID + (unsigned)(i - scan_nrules - nw);
			}
			lens[i] = strlen(lit[i]);
		}
		hs_compile_error_t *ce = NULL;
		rc = HUSH_ECONFIG;
		if (hs_valid_platform() == HS_SUCCESS &&
		    hs_compile_lit_multi(lit, flags, ids, lens, (unsigned)n, HS_MODE_BLOCK, NULL, &out->db, &ce) == HS_SUCCESS) {
			rc = hs_alloc_scratch(out->db, &out->proto) == HS_SUCCESS ? 0 : HUSH_ENOMEM;
			if (rc < 0) {
				hs_free_database(out->db);
				out->db = NULL;
			}
		} else {
			hs_free_compile_error(ce);
			out->db = NULL;
		}
	}
	free(lit);
	free(flags);
	free(ids);
	free(lens);
	return rc;
}

static void hs_build(void)
{
	if (lits_build(NULL, NULL, 0, &builtin_lits) == 0 && pthread_key_create(&hs_key, scratch_free) != 0) {
		hs_free_scratch(builtin_lits.proto);
		hs_free_database(builtin_lits.db);
		builtin_lits.db = NULL;
	}
}

int scan_lits_new(const char *const *lit, const unsigned *flags, size_t n, struct scan_lits **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return HUSH_ENOMEM;
	unsigned *hf = calloc(n + 1, sizeof(*hf));
	if (!hf) {
		free(*out);
		*out = NULL;
		return HUSH_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		hf[i] = (flags[i] & SCAN_LIT_CASELESS ? HS_FLAG_CASELESS : 0) |
			(flags[i] & SCAN_LIT_ONCE ? HS_FLAG_SINGLEMATCH : 0);
	int rc = lits_build(lit, hf, n, *out);
	free(hf);
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

void scan_lits_free(struct scan_lits *l)
{
	if (!l)
		return;
	if (l->proto)
		hs_free_scratch(l->proto);
	if (l->db)
		hs_free_database(l->db);
	free(l);
}

void *scan_lits_scratch(const struct scan_lits *l)
{
	hs_scratch_t *s = NULL;
	return l->proto && hs_clone_scratch(l->proto, &s) == HS_SUCCESS ? s : NULL;
}

void scan_lits_scratch_free(void *s)
{
	if (s)
		hs_free_scratch(s);
}

/* This thread's scratch for the built-in database (freed when the thread
 * ends), or NULL. */
static hs_scratch_t *hs_thread_scratch(void)
{
	hs_scratch_t *s = pthread_getspecific(hs_key);
	if (!s) {
		if (hs_clone_scratch(builtin_lits.proto, &s) != HS_SUCCESS)
			return NULL;
		if (pthread_setspecific(hs_key, s) != 0) {
			hs_free_scratch(s);
			return NULL;
		}
	}
	return s;
}

struct lit_hits {
	struct { uint32_t id; size_t end; } *v;
	size_t n, cap;
	bool oom, extra_only;
	scan_extra_fn on_extra;
	void *ctx;
};

static int on_literal(unsigned int id, unsigned long long from, unsigned long long to,
		      unsigned int fl, void *ctx)
{
	(void)from; (void)fl;
	struct lit_hits *h = ctx;
	if (id >= EXTRA_ID) {
		h->on_extra(id - EXTRA_ID, (size_t)to, h->ctx);
		return 0;
	}
	if (h->extra_only)
		return 0;
	if (array_grow(&h->v, &h->cap, h->n + 1, sizeof(*h->v), 256) < 0) {
		h->oom = true;
		return 1; /* stop */
	}
	h->v[h->n].id = id;
	h->v[h->n++].end = (size_t)to;
	return 0;
}

/* Runs the literal database of l (NULL: the built-in one) over d; 0, 1
 * when Vectorscan cannot be used (the caller falls back), HUSH_ENOMEM. */
static int literal_pass(const struct scan_lits *l, void *scratch, const char *d, size_t len, struct lit_hits *h)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	if (!l) {
		pthread_once(&once, hs_build);
		l = &builtin_lits;
		scratch = builtin_lits.db ? hs_thread_scratch() : NULL;
	}
	if (!l->db || !scratch || len > 0xFFFFFFFFu)
		return 1;
	hs_error_t e = hs_scan(l->db, d, (unsigned)len, 0, scratch, on_literal, h);
	if (h->oom)
		return HUSH_ENOMEM;
	return e == HS_SUCCESS ? 0 : 1;
}

static void table_build(void)
{
	for (size_t i = scan_nrules; i > 0; i--) {
		const char *p = scan_rules[i - 1].prefix;
		unsigned k = ((unsigned)(unsigned char)p[0] << 8) | (unsigned char)p[1];
		rule_next[i - 1] = bigram_head[k];
		bigram_head[k] = (uint16_t)i;
		bigram_bits[k >> 3] |= (uint8_t)(1u << (k & 7));
	}
}

/* The token rules at their prefixes and the assignments near name words,
 * from the literal hits. */
static int run_literal_hits(const char *d, size_t len, unsigned flags, const struct lit_hits *lh,
			    struct scan_hits *h)
{
	int rc = 0;
	size_t win_s = 0, win_e = 0; /* pending generic window */
	bool full_generic = flags & SCAN_F_CREDFILE; /* every assignment counts there */
	for (size_t i = 0; i < lh->n && rc >= 0; i++) {
		uint32_t id = lh->v[i].id;
		size_t end = lh->v[i].end;
		if (id >= NAME_WORD_ID) {
			if (full_generic)
				continue;
			size_t ws = end, we = end + NAME_WINDOW < len ? end + NAME_WINDOW : len;
			if (ws < 1)
				ws = 1;
			if (win_e && ws <= win_e) {
				if (we > win_e)
					win_e = we;
				continue;
			}
			if (win_e)
				rc = generic_range(d, len, win_s, win_e, flags, h);
			win_s = ws;
			win_e = we;
			continue;
		}
		const struct rule *r = &scan_rules[id];
		size_t pl = strlen(r->prefix);
		if (r->need && !(flags & r->need))
			continue;
		rc = rule_try(r, d, len, end - pl, h);
	}
	if (rc >= 0 && win_e)
		rc = generic_range(d, len, win_s, win_e, flags, h);
	if (rc >= 0 && full_generic)
		rc = generic_range(d, len, 1, len, flags, h);
	return rc;
}

/* Fallback prefilter: a table of the first two bytes of every prefix. */
static int bigram_pass(const char *d, size_t len, unsigned flags, struct scan_hits *h)
{
	int rc = 0;
	for (size_t i = 0; i + 1 < len && rc >= 0; i++) {
		unsigned k = ((unsigned)(unsigned char)d[i] << 8) | (unsigned char)d[i + 1];
		if (!((bigram_bits[k >> 3] >> (k & 7)) & 1))
			continue;
		for (unsigned r = bigram_head[k]; r && rc >= 0; r = rule_next[r - 1])
			if (!scan_rules[r - 1].need || (flags & scan_rules[r - 1].need))
				rc = rule_try(&scan_rules[r - 1], d, len, i, h);
	}
	return rc;
}

static int cmp_hit(const void *a, const void *b)
{
	const struct scan_hit *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	return x->len > y->len ? -1 : x->len < y->len;
}

static bool wins(const struct scan_hit *a, const struct scan_hit *b)
{
	if (a->prio != b->prio)
		return a->prio > b->prio;
	return a->len > b->len;
}

static void line_bounds(const char *d, size_t len, size_t off, size_t *s, size_t *e)
{
	size_t a = off;
	while (a > 0 && d[a - 1] != '\n')
		a--;
	const char *nl = memchr(d + off, '\n', len - off);
	*s = a;
	*e = nl ? (size_t)(nl - d) : len;
}

int scan_buffer(const char *d, size_t len, unsigned flags, struct scan_hits *out)
{
	return scan_buffer_lits(NULL, NULL, d, len, flags, out, NULL, NULL);
}

int scan_buffer_lits(const struct scan_lits *l, void *scratch, const char *d, size_t len, unsigned flags,
		     struct scan_hits *out, scan_extra_fn on_extra, void *ctx)
{
	struct scan_hits h = { 0 };
	struct lit_hits lh = { .on_extra = on_extra, .ctx = ctx, .extra_only = out == NULL };
	int rc = literal_pass(l, scratch, d, len, &lh);
	if (!out) /* another matcher's literals only */
		return rc;
	int missed = l && rc == 1; /* the extra literals were not looked for */
	if (rc == 0)
		rc = run_literal_hits(d, len, flags, &lh, &h);
	free(lh.v);
	if (rc == 1) {
		pthread_once(&table_once, table_build);
		rc = bigram_pass(d, len, flags, &h);
		if (rc >= 0)
			rc = generic_range(d, len, 1, len, flags, &h);
	}
	if (rc < 0) {
		scan_hits_free(&h);
		return HUSH_ENOMEM;
	}
	if (flags & SCAN_F_CODE) {
		/* source and documentation are full of samples: low-confidence
		 * hits (short or plain values) are not reported there */
		size_t k = 0;
		for (size_t i = 0; i < h.n; i++)
			if (h.v[i].conf != SCAN_CONF_LOW)
				h.v[k++] = h.v[i];
		h.n = k;
	}
	if (h.n > 1)
		qsort(h.v, h.n, sizeof(h.v[0]), cmp_hit);
	/* overlap reduction */
	size_t k = 0;
	for (size_t i = 0; i < h.n; i++) {
		if (k > 0) {
			struct scan_hit *last = &h.v[k - 1];
			if (h.v[i].off < last->off + last->len) {
				if (wins(&h.v[i], last))
					*last = h.v[i];
				continue;
			}
		}
		h.v[k++] = h.v[i];
	}
	h.n = k;
	/* line numbers and hush:allow */
	size_t cur = 0;
	int line = 1;
	for (size_t i = 0; i < h.n; i++) {
		struct scan_hit *x = &h.v[i];
		while (cur < x->off) {
			const char *nl = memchr(d + cur, '\n', x->off - cur);
			if (!nl) {
				cur = x->off;
				break;
			}
			line++;
			cur = (size_t)(nl - d) + 1;
		}
		x->line = line;
		size_t s, e;
		line_bounds(d, len, x->off, &s, &e);
		if (memmem(d + s, e - s, "hush:allow", 10) || memmem(d + s, e - s, "gitleaks:allow", 14))
			continue;
		if (array_grow(&out->v, &out->cap, out->n + 1, sizeof(*out->v), 16) < 0) {
			scan_hits_free(&h);
			return HUSH_ENOMEM;
		}
		out->v[out->n++] = *x;
	}
	scan_hits_free(&h);
	return missed;
}

void scan_hits_free(struct scan_hits *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}

const char *scan_value_token_rule(const char *v, size_t len)
{
	pthread_once(&table_once, table_build);
	struct scan_hits h = { 0 };
	const char *id = NULL;
	for (size_t i = 0; i + 1 < len && !id; i++) {
		unsigned k = ((unsigned)(unsigned char)v[i] << 8) | (unsigned char)v[i + 1];
		if (!((bigram_bits[k >> 3] >> (k & 7)) & 1))
			continue;
		for (unsigned r = bigram_head[k]; r && !id; r = rule_next[r - 1])
			if (!scan_rules[r - 1].need && rule_try(&scan_rules[r - 1], v, len, i, &h) > 0 && h.n)
				id = h.v[0].rule;
	}
	scan_hits_free(&h);
	return id;
}
