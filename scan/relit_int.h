/* SPDX-License-Identifier: ISC */
/* The literal reader's inside (scan/relit.c parses the pattern,
 * scan/relit_set.c holds the small text sets and byte classes it works
 * with). */
#ifndef HUSH_SCAN_RELIT_INT_H
#define HUSH_SCAN_RELIT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/relit.h"

#define SET_MAX 16
#define DEPTH_MAX 40
#define NL_CAP 64 /* more than this many newlines: treated as unbounded */
#define LEN_CAP (1u << 20) /* a longer match: treated as unbounded */
#define REP_INF (-1)

/* A small set of texts (case folded), at most SET_MAX of RELIT_MAXLEN. */
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

/* --- small sets of texts: false when the result does not fit --- */
void relit_set_one(struct sset *s, const char *t, size_t n);
bool relit_set_add(struct sset *s, const char *t, size_t n);
bool relit_set_union(struct sset *out, const struct sset *a, const struct sset *b);
/* Every concatenation of a text of a with one of b. */
bool relit_set_cross(struct sset *out, const struct sset *a, const struct sset *b);
/* The length of the shortest text (0 for an empty set). */
int relit_set_minlen(const struct sset *s);
/* Longer shortest text first (up to 8), then fewer texts. */
int relit_set_quality(const struct sset *s);

/* --- byte classes --- */
void relit_bits_or(struct bits *a, const struct bits *b);
/* The first bytes of a set's texts, in both cases. */
void relit_first_bytes(const struct sset *s, struct bits *out);
void relit_bit_range(struct bits *c, unsigned a, unsigned z);
/* \d \w \s and their complements. */
void relit_bit_shorthand(struct bits *c, char e);
/* A one-byte escape after the backslash at P->p; -1 when it is not one. */
int relit_escape_byte(struct parser *P);
/* [...] at P->p (after the '['); sets P->bad when it is not read. */
void relit_parse_class(struct parser *P, struct bits *c);
/* The info of one byte class: exact when it folds to at most 4 bytes. */
void relit_info_class(const struct bits *c, struct info *o);
void relit_info_byte(unsigned char ch, struct info *o);
/* The empty match. */
void relit_info_empty(struct info *o);

#endif
