/* SPDX-License-Identifier: ISC */
/* Secret detection in one buffer: the token rules of known providers (with
 * offline checksum checks where a format has one), PEM private keys, JWTs,
 * URLs with passwords and generic NAME = value assignments judged by
 * entropy and placeholder rejection.
 *
 * scan_buffer() never copies a secret: a hit names its rule and the offset
 * and length of the value inside the caller's buffer. The rule list and the
 * checksum notes are in docs/scan.md. */
#ifndef HUSH_SCAN_MATCH_H
#define HUSH_SCAN_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum scan_conf { SCAN_CONF_LOW = 1, SCAN_CONF_MEDIUM = 2, SCAN_CONF_HIGH = 3 };
enum scan_check {
	SCAN_CHECK_NONE = 0,  /* the format has no checksum */
	SCAN_CHECK_VALID = 1, /* checksum or embedded structure verified */
};

/* The buffer is a credential file by its name (.env, .npmrc, .netrc,
 * credentials, terraform.tfvars, kubeconfig ...): every assignment of a
 * secret-looking name with a non-placeholder value counts, and other
 * high-entropy values too. */
#define SCAN_F_CREDFILE 0x1
/* The buffer is a JSON docker config (auths). */
#define SCAN_F_DOCKERCFG 0x2
/* Source code or documentation (.c .py .js .md ...): a generic assignment
 * counts only with a string literal as its value that looks machine-made
 * (mixed case and digits, hex, or long and random). */
#define SCAN_F_CODE 0x4
/* File-specific formats: the .npmrc and .netrc rules fire only in them. */
#define SCAN_F_NPMRC 0x8
#define SCAN_F_NETRC 0x10

struct scan_hit {
	const char *rule;     /* rule id, static string (e.g. "github-pat") */
	const char *title;    /* what it is, static string */
	size_t off, len;      /* the secret value within the buffer */
	int line;             /* 1-based line of off */
	enum scan_conf conf;
	enum scan_check check;
	int prio;             /* overlap priority (internal) */
};

/* Growable array of hits, in offset order after scan_buffer(). */
struct scan_hits {
	struct scan_hit *v;
	size_t n, cap;
};

/* Finds secrets in data[len] and appends them to *out (sorted by offset,
 * overlapping hits reduced to the most specific one, lines carrying
 * "hush:allow" dropped). Returns 0 or HUSH_ENOMEM. */
int scan_buffer(const char *data, size_t len, unsigned flags, struct scan_hits *out);
void scan_hits_free(struct scan_hits *h);

/* --- another matcher's literals in the same pass (scan/ruleset*.c) --- */
/* A Vectorscan literal database of the built-in literals plus extra ones. */
struct scan_lits;
#define SCAN_LIT_CASELESS 0x1
#define SCAN_LIT_ONCE 0x2 /* report only its first occurrence */
/* Builds it from lit[0..n) (flags: SCAN_LIT_*). 0, HUSH_ENOMEM, or
 * HUSH_ECONFIG when Vectorscan cannot build or run it. */
int scan_lits_new(const char *const *lit, const unsigned *flags, size_t n, struct scan_lits **out);
void scan_lits_free(struct scan_lits *l);
/* A scratch for one thread (NULL when out of memory); free with
 * scan_lits_scratch_free(). */
void *scan_lits_scratch(const struct scan_lits *l);
void scan_lits_scratch_free(void *scratch);
/* Called for each occurrence of extra literal i ending at end. */
typedef void (*scan_extra_fn)(unsigned i, size_t end, void *ctx);
/* scan_buffer() with database l and its scratch, each extra literal's
 * occurrence going to on_extra(ctx). With out NULL, only the extra
 * literals are looked at (the built-in rules are off). Returns 0, 1 when
 * the extra literals could not be looked for (a buffer of 4 GiB or more;
 * built-in hits are still complete), HUSH_ENOMEM. */
int scan_buffer_lits(const struct scan_lits *l, void *scratch, const char *data, size_t len, unsigned flags,
		     struct scan_hits *out, scan_extra_fn on_extra, void *ctx);

/* --- helpers shared with the rc-file parser and migrate (scan/generic.c) --- */
/* True when name (len bytes) looks like it names a secret: TOKEN, SECRET,
 * PASSWORD, API_KEY, ... and not e.g. PUBLIC_KEY, TOKEN_URL, KEY_ID. */
bool scan_name_is_secret(const char *name, size_t len);
/* True when a value is a placeholder: empty, changeme, your-token-here,
 * xxxx, ****, ${VAR}, <...>, example, dummy, TODO, ... */
bool scan_value_is_placeholder(const char *v, size_t len);
/* Shannon entropy of v in bits per byte. */
double scan_entropy(const char *v, size_t len);
/* Runs the token rules (not the generic assignment rule) over v[len];
 * returns the rule id of the first token found, or NULL. */
const char *scan_value_token_rule(const char *v, size_t len);

/* --- checksums (scan/rules.c), exposed for tests and generators --- */
uint32_t scan_crc32(const void *p, size_t n);
/* The 6-char base62 CRC32 suffix of GitHub and npm tokens for the random
 * part r[n]; out gets 7 bytes (NUL-terminated). */
void scan_base62_crc(const char *r, size_t n, char out[7]);
/* Bech32 checksum check of an age secret key ("AGE-SECRET-KEY-1..."). */
bool scan_bech32_valid(const char *s, size_t n);

/* Number of token rules in the table (for docs and tests). */
size_t scan_rule_count(void);
/* i-th rule id and title; NULL past the end. */
const char *scan_rule_id(size_t i, const char **title);

#endif
