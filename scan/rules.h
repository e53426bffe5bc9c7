/* SPDX-License-Identifier: ISC */
/* The token rule table and what its matchers share (internal to the
 * scanner: scan/rules*.c, scan/generic.c, scan/match.c). A rule is found
 * through its literal prefix by match.c's literal pass, then its matcher
 * checks the exact format and, where the format carries one, the
 * checksum. */
#ifndef HUSH_SCAN_RULES_H
#define HUSH_SCAN_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/match.h"

/* Character classes of a token body. */
enum rule_class {
	RC_ALNUM = 1, /* base62 */
	RC_B64URL,    /* A-Z a-z 0-9 _ - */
	RC_B64,       /* A-Z a-z 0-9 + / = */
	RC_HEX,       /* 0-9 a-f */
	RC_HEXI,      /* 0-9 a-f A-F */
	RC_UPALNUM,   /* A-Z 0-9 */
	RC_ALNUM_US,  /* A-Z a-z 0-9 _ */
	RC_ALNUM_DASH,/* A-Z a-z 0-9 - */
	RC_B64URL_EQ, /* B64URL plus = */
	RC_B64_US,    /* B64 plus _ */
	RC_UP_DOT,    /* A-Z 0-9 . */
	RC_SLACKHOOK, /* A-Z a-z 0-9 / */
	RC_B64URL_DOT,/* B64URL plus . */
	RC_URLENC,    /* A-Z a-z 0-9 % (URL-encoded base64) */
	RC_B64_ALL,   /* both base64 alphabets: A-Z a-z 0-9 + / = _ - */
	RC_B64URL_EQDOT, /* B64URL plus = and . */
	RC_ALNUM_DOT, /* A-Z a-z 0-9 . */
	RC_DIGIT,     /* 0-9 */
};

/* Priority when hits overlap: the higher wins, then the longer. */
enum {
	PRIO_GENERIC = 2,
	PRIO_STRUCT = 5,   /* JWT, URL password, credential-file keys */
	PRIO_TOKEN = 8,
	PRIO_CHECKED = 10, /* a verified checksum */
};

struct rule;
/* Tries the rule at pos (where its prefix starts). Appends hits to out.
 * Returns 1 if something matched, 0 if not, HUSH_ENOMEM. */
typedef int (*rule_match_fn)(const struct rule *r, const char *d, size_t len,
			     size_t pos, struct scan_hits *out);
/* Checks a token's body (after the prefix). Returns RV_REJECT, RV_OK
 * (accepted, the format has nothing to verify), RV_CHECKED (a checksum or
 * an embedded structure was verified) or RV_WEAK (the shape is right but a
 * checksum whose construction the provider does not document fails:
 * reported at medium confidence at most). */
typedef int (*rule_verify_fn)(const char *tok, size_t n, const char *body, size_t bn);
enum { RV_REJECT = -1, RV_OK = 0, RV_CHECKED = 1, RV_WEAK = 2 };

struct rule {
	const char *id;
	const char *title;
	const char *prefix;
	uint8_t cls;
	uint16_t min, max;  /* body length after the prefix */
	uint8_t conf;
	rule_verify_fn verify;
	rule_match_fn match; /* NULL: prefix + class run */
	unsigned need;       /* SCAN_F_* the buffer must have (file-specific rules) */
	/* Examples written from the provider's documented format, as
	 * templates (expanded by tests/unit/test_scan_rules.c: {A:n} base62,
	 * {H:n} hex, {D:n} digits, {U:n} upper case and digits, {B:n}
	 * base64url, {L:n} lower case and digits, {C} the base62 CRC32 of the
	 * 30 characters before it ({C:n}: of the n before it), {X:n} the CRC32
	 * of the n characters before it in 8 lower-case hex digits, {Y} the
	 * CRC32 of all the text before it in 8 upper-case hex digits, {Q} the
	 * Bech32 checksum of the token before it, {64:...:64} base64 and
	 * {6u:...:6u} unpadded base64url of the
	 * expanded text between). yes: texts this rule must report; no: texts
	 * it must not (others may). The test runs each with the rule's need
	 * flags. */
	const char *yes[3];
	const char *no[3];
};

extern const struct rule scan_rules[];
extern const size_t scan_nrules;

bool rule_in_class(int cls, unsigned char c);
/* Appends a hit; 0 or HUSH_ENOMEM. prio is kept in the hit's spare field. */
int hits_push(struct scan_hits *out, const char *rule, const char *title,
	      size_t off, size_t len, int conf, int check);
/* Tries rule r at pos (where its prefix may start); see rule_match_fn. */
int rule_try(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
/* Decodes base64 (standard or URL alphabet, padding optional) of in[n]
 * into out[cap]; returns the decoded length or -1. */
long b64_decode(const char *in, size_t n, unsigned char *out, size_t cap);
/* True when the token body looks random enough (not xxxx, not EXAMPLE). */
bool token_body_plausible(const char *b, size_t n);

/* --- shared by the matchers (scan/rules.c) --- */
bool rule_is_alnum(unsigned char c);
/* Reports a hit of rule r (prio 0: the one hits_push() gives): 1, or
 * HUSH_ENOMEM. */
int rule_hit(struct scan_hits *out, const struct rule *r, size_t off, size_t len, int conf,
	     int check, int prio);
/* Length of the run of class cls at d[i] (looked at up to cap + 1 bytes). */
size_t rule_run_len(const char *d, size_t len, size_t i, int cls, size_t cap);
/* Number of digits at b[i]. */
size_t rule_digits_at(const char *b, size_t bn, size_t i);
/* Three base64url runs joined by dots at d[pos], the k-th lim[k][0] to
 * lim[k][1] bytes long: their starts in at[], lengths in n[]. False when
 * they do not fit (what follows the third is not looked at). */
bool rule_dotted3(const char *d, size_t len, size_t pos, const unsigned lim[3][2], size_t at[3],
		  size_t n[3]);

/* --- the generic rule (scan/generic.c) --- */
/* Judges every assignment operator in d[from..to) (from >= 1) and appends
 * the secrets found. 0 or HUSH_ENOMEM. */
int generic_range(const char *d, size_t len, size_t from, size_t to, unsigned flags,
		  struct scan_hits *out);
/* True when v is a value published as an example in RFCs and vendors'
 * documentation. */
bool generic_known_example(const char *v, size_t n);

/* --- what the table (scan/rules/) names: body checks (scan/rules.c)
 * and matchers (scan/rules_token.c, scan/rules_struct.c) --- */
int rv_age(const char *tok, size_t n, const char *body, size_t bn);
int rv_alnum_both(const char *tok, size_t n, const char *body, size_t bn);
int rv_atlassian(const char *tok, size_t n, const char *body, size_t bn);
int rv_azure(const char *tok, size_t n, const char *body, size_t bn);
int rv_bbdc(const char *tok, size_t n, const char *body, size_t bn);
int rv_bedrock(const char *tok, size_t n, const char *body, size_t bn);
int rv_brevo(const char *tok, size_t n, const char *body, size_t bn);
int rv_cloudflare(const char *tok, size_t n, const char *body, size_t bn);
int rv_crc62(const char *tok, size_t n, const char *body, size_t bn);
int rv_crc62_tail(const char *tok, size_t n, const char *body, size_t bn);
int rv_dynatrace(const char *tok, size_t n, const char *body, size_t bn);
int rv_flw(const char *tok, size_t n, const char *body, size_t bn);
int rv_ghfine(const char *tok, size_t n, const char *body, size_t bn);
int rv_glc(const char *tok, size_t n, const char *body, size_t bn);
int rv_glsa(const char *tok, size_t n, const char *body, size_t bn);
int rv_grafana_legacy(const char *tok, size_t n, const char *body, size_t bn);
int rv_lower(const char *tok, size_t n, const char *body, size_t bn);
int rv_mixed(const char *tok, size_t n, const char *body, size_t bn);
int rv_openai(const char *tok, size_t n, const char *body, size_t bn);
int rv_openai_marker(const char *tok, size_t n, const char *body, size_t bn);
int rv_postman(const char *tok, size_t n, const char *body, size_t bn);
int rv_pypi(const char *tok, size_t n, const char *body, size_t bn);
int rv_sentry(const char *tok, size_t n, const char *body, size_t bn);
int rv_slack(const char *tok, size_t n, const char *body, size_t bn);
int rv_slackcfg(const char *tok, size_t n, const char *body, size_t bn);
int rv_slackflow(const char *tok, size_t n, const char *body, size_t bn);
int rv_slackhook(const char *tok, size_t n, const char *body, size_t bn);
int rv_xapp(const char *tok, size_t n, const char *body, size_t bn);
int rm_asana(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_aws(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_azure_acr(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_azure_ad(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_azure_sas(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_b64jwt(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_curl(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_discord(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_discord_hook(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_facebook_app(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_jwt(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_k8s_secret(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_mailchimp(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_maxmind(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_netrc(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_newrelic_suffix(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_npmrc(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_openai(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_pem(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_segments(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_telegram(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_tfc(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);
int rm_url(const struct rule *r, const char *d, size_t len, size_t pos, struct scan_hits *out);

#endif
