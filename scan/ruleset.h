/* SPDX-License-Identifier: ISC */
/* A team's own scanner rules in gitleaks' TOML format (.gitleaks.toml):
 * [[rules]] with id, regex, keywords, entropy, secretGroup, path and
 * per-rule allowlists; global [allowlist] / [[allowlists]]; [extend]
 * useDefault, path and disabledRules. docs/scan.md lists what is read.
 *
 * Regexes are compiled with PCRE2 (JIT) and run only on files holding one
 * of their rule's keywords, and there only near the literals their matches
 * must hold (scan/relit.h); keywords and literals are found in one pass of
 * a Vectorscan literal database. A loaded ruleset is read-only and shared
 * by the scan threads; each thread has its own scratch. */
#ifndef HUSH_SCAN_RULESET_H
#define HUSH_SCAN_RULESET_H

#include <stdbool.h>
#include <stddef.h>

#include "scan/match.h"

struct scan_ruleset;
struct scan_rules_scratch;

/* Loads the rule file at path (and the files it extends). Returns 0 with
 * *out set, or HUSH_ENOENT / HUSH_EIO / HUSH_ETOOBIG / HUSH_ECONFIG /
 * HUSH_ENOMEM with err[errlen] saying "FILE:LINE: what" (never a value
 * from a scanned file; the rule file is the user's own). */
int scan_ruleset_load(const char *path, struct scan_ruleset **out, char *err, size_t errlen);
/* Same from memory; name is used in messages. */
int scan_ruleset_parse(const char *name, const char *data, size_t len,
		       struct scan_ruleset **out, char *err, size_t errlen);
void scan_ruleset_free(struct scan_ruleset *rs);

/* Number of [[rules]] loaded. */
size_t scan_ruleset_count(const struct scan_ruleset *rs);
/* True when hush's built-in rule id still runs: [extend] useDefault =
 * true and id not in disabledRules. */
bool scan_ruleset_builtin_enabled(const struct scan_ruleset *rs, const char *id);
/* True when a global allowlist's paths skip this file for every rule. */
bool scan_ruleset_path_allowed(const struct scan_ruleset *rs, const char *path);
/* True when a global allowlist (regexes, stopwords) allows the finding
 * d[off..off+n) of rule id (a built-in rule's hit). */
bool scan_ruleset_allows(const struct scan_ruleset *rs, const char *id, const char *path,
			 const char *d, size_t len, size_t off, size_t n);

/* Per-thread scratch; NULL when out of memory or when the databases could
 * not be built. The databases are built on a thread started by the loader
 * (so the caller can walk the tree meanwhile); the first call waits for it. */
struct scan_rules_scratch *scan_rules_scratch_new(const struct scan_ruleset *rs);
void scan_rules_scratch_free(struct scan_rules_scratch *sc);

/* Runs the rules over one file's bytes, appending hits (rule id and title
 * owned by rs; confidence medium; lines carrying gitleaks:allow or
 * hush:allow dropped). *limited is set when a regex hit PCRE2's match
 * limit (its later matches in this file are skipped). 0 or HUSH_ENOMEM. */
int scan_ruleset_scan(const struct scan_ruleset *rs, struct scan_rules_scratch *sc,
		      const char *path, const char *d, size_t len, struct scan_hits *out,
		      bool *limited);
/* The same, and the built-in rules (scan_buffer() with flags) in the same
 * literal pass, their hits appended to *builtin (NULL: not run). */
int scan_ruleset_scan_all(const struct scan_ruleset *rs, struct scan_rules_scratch *sc,
			  const char *path, const char *d, size_t len, unsigned flags,
			  struct scan_hits *builtin, struct scan_hits *out, bool *limited);

#endif
