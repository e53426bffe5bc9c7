/* SPDX-License-Identifier: ISC */
/* The inside of a loaded gitleaks-format ruleset, shared by its loader
 * (scan/ruleset_load.c) and its matcher (scan/ruleset.c). */
#ifndef HUSH_SCAN_RULESET_INT_H
#define HUSH_SCAN_RULESET_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strv.h"
#include "scan/relit.h"
#include "scan/ruleset.h"

#define RS_MAX_RULES 4096
#define RS_MAX_EXTEND 2           /* as gitleaks: a file, its base, its base */
#define RS_MATCH_LIMIT 2000000u   /* PCRE2 backtracking cap per match call */
#define RS_MAX_OCC (1u << 20)     /* literal occurrences kept per file; past
				     that, rules run over the whole file */

enum { TGT_SECRET = 0, TGT_MATCH, TGT_LINE };

struct rs_allow {
	bool and_cond;
	int target;
	struct strv paths_src, regexes_src; /* kept for error messages only */
	pcre2_code **paths;
	size_t npaths;
	pcre2_code **regexes;
	size_t nregexes;
	struct strv stopwords;    /* lower-cased */
	size_t ncommits;          /* a file scan has no commit: never matches */
	struct strv target_rules; /* global allowlists: rule ids, empty = all */
	int line;
};

struct rs_rule {
	char *id, *title;
	pcre2_code *re, *path;
	uint32_t ngroups;
	long secret_group;
	double entropy;
	struct strv keywords;     /* lower-cased */
	size_t *kw;               /* indices into the ruleset's keyword list */
	size_t nkw;
	char *re_src;             /* for the literal reader */
	struct relit lits;        /* literals every match holds (lits.n 0: unknown) */
	struct rs_allow *allow;
	size_t nallow;
	int line;
	char *file;               /* where it was defined, for messages */
	bool group_set, entropy_set;
	bool override_only;       /* no regex or path even with its base: its
				     allowlists refine the built-in rule of that id */
};

struct scan_ruleset {
	struct rs_rule *rules;
	size_t nrules, caprules;
	struct rs_allow *allow;
	size_t nallow;
	struct strv keywords;
	/* the literal database: keywords (ids below keywords.n), then each
	 * rule's required literals: lit_rule[id - keywords.n] names the rule */
	uint32_t *lit_rule;
	uint8_t *lit_len;
	size_t nlit;
	struct scan_lits *db;     /* with the built-in literals: one pass for both */
	bool use_default;
	struct strv disabled;
	uint32_t max_groups;
	/* the databases are built on a thread of their own while the caller
	 * walks the tree; the first scratch waits for it */
	pthread_mutex_t mu;
	pthread_t builder;
	bool building;
	int build_rc;
};

struct occ {
	uint32_t rule;
	uint32_t len;
	size_t end;
};

struct scan_rules_scratch {
	const struct scan_ruleset *rs;
	void *hs;                 /* the database's scratch */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	unsigned char *seen; /* one byte per keyword */
	size_t nseen;
	/* this file's literal occurrences, in end order, then by rule */
	struct occ *occ, *byrule;
	size_t nocc, capocc;
	size_t *first;            /* per rule: its run in byrule (nrules + 1) */
	bool overflow;
};

/* Waits for the database build (started by the loader on a thread of its
 * own); its result, 0 or HUSH_E*. */
int ruleset_ready(const struct scan_ruleset *rs);

#endif
