/* SPDX-License-Identifier: ISC */
/* What every match of a regex must hold, read from the pattern: a set of
 * literals of which one occurs (in any case) in every match, and how far
 * before that literal a match can start (bytes, newlines, and which bytes
 * can lie between).
 * scan/ruleset.c tries a team rule's PCRE2 regex only at those starting
 * points before each literal found, which finds exactly the matches a run
 * over the whole file finds.
 *
 * The reader takes the syntax Go's RE2 and PCRE2 share. A pattern with
 * anything else (lookaround, backreferences, \p, (?x), verbs, recursion)
 * is reported as not read: its rule then runs over whole files. */
#ifndef HUSH_SCAN_RELIT_H
#define HUSH_SCAN_RELIT_H

#include <stdbool.h>
#include <stddef.h>

#define RELIT_NL_INF 0xFFFFu /* any number of lines */
#define RELIT_LEN_INF 0xFFFFFFFFu /* any number of bytes */
#define RELIT_MIN 3          /* the shortest literal worth looking for */
#define RELIT_MAXLEN 32      /* literals are cut to this (a part of a
				required text is required too) */

struct relit {
	char **lit;    /* lower case, NUL-terminated, no duplicates */
	size_t n;
	unsigned pre;  /* most bytes of a match before its literal (RELIT_LEN_INF) */
	unsigned nl;   /* most newlines among them (RELIT_NL_INF) */
	unsigned char before[32]; /* the bytes that can be among them (a bit each) */
	bool any_before; /* nearly every byte can: before says little */
	/* post: after the literal, within post_len bytes (RELIT_LEN_INF) all
	 * in post_between, comes a byte of post_first */
	bool post;
	unsigned post_len;
	unsigned char post_between[32], post_first[32];
};

/* Reads pattern pat (NUL-terminated). Returns 1 with out->lit set when
 * every match holds one of them (each RELIT_MIN long or more), 0 when no
 * such set is known (out->n is 0), HUSH_ENOMEM. Free with relit_free(). */
int relit_analyse(const char *pat, struct relit *out);
void relit_free(struct relit *r);

#endif
