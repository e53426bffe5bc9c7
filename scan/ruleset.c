/* SPDX-License-Identifier: ISC */
/* gitleaks-format rule files for hush scan (see ruleset.h): the TOML
 * reader's events are turned into rules as they come, each regex compiled
 * when its line is read so an error names that line; then one Vectorscan
 * literal database of every keyword and of the literals each regex's
 * matches must hold (scan/relit.c) is built for the prefilter.
 *
 * A file gets one pass of that database. A rule whose keywords are absent
 * is skipped (gitleaks' rule); so is one whose required literals are
 * absent (no match is possible). Otherwise its PCRE2 regex is tried only
 * at starting points from the lines above each literal found (as many
 * lines as a match can span) to the literal itself, with PCRE2's offset
 * limit: the same matches as a run over the whole file, found where they
 * can be. A regex the literal reader cannot read runs over the whole file
 * (where its keywords are, as in gitleaks). A Vectorscan prefilter of the
 * regexes themselves (HS_FLAG_PREFILTER) was tried and dropped: building
 * it took 0.5 s for 200 rules and its extra pass over every file cost
 * more than it saved.
 *
 * Matching follows gitleaks' detector: a rule runs on a file when one of
 * its keywords occurs in it (case-insensitively) or it has none; a rule
 * path must match the file's path; the secret is the secretGroup capture,
 * else the first non-empty capture, else the whole match (newlines
 * trimmed); a rule entropy drops secrets at or under it; then the global
 * and the rule's allowlists (OR or AND of their checks). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "scan/relit.h"
#include "scan/rules.h"
#include "scan/ruleset.h"
#include "scan/toml.h"

#define RS_MAX_RULES 4096
#define RS_MAX_EXTEND 2           /* as gitleaks: a file, its base, its base */
#define RS_MATCH_LIMIT 2000000u   /* PCRE2 backtracking cap per match call */
#define RS_MAX_OCC (1u << 20)     /* literal occurrences kept per file; past
				     that, rules run over the whole file */

enum { TGT_SECRET = 0, TGT_MATCH, TGT_LINE };

struct strv {
	char **v;
	size_t n, cap;
};

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

/* --- small helpers --- */
static int strv_push(struct strv *s, const char *str, size_t n, bool lower)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 8;
		char **nv = realloc(s->v, nc * sizeof(*nv));
		if (!nv)
			return HUSH_ENOMEM;
		s->v = nv;
		s->cap = nc;
	}
	char *c = malloc(n + 1);
	if (!c)
		return HUSH_ENOMEM;
	for (size_t i = 0; i < n; i++)
		c[i] = lower ? (char)tolower((unsigned char)str[i]) : str[i];
	c[n] = 0;
	s->v[s->n++] = c;
	return 0;
}

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void allow_free(struct rs_allow *a)
{
	for (size_t i = 0; i < a->npaths; i++)
		pcre2_code_free(a->paths[i]);
	for (size_t i = 0; i < a->nregexes; i++)
		pcre2_code_free(a->regexes[i]);
	free(a->paths);
	free(a->regexes);
	strv_free(&a->paths_src);
	strv_free(&a->regexes_src);
	strv_free(&a->stopwords);
	strv_free(&a->target_rules);
}

static void rule_free(struct rs_rule *r)
{
	free(r->id);
	free(r->title);
	pcre2_code_free(r->re);
	pcre2_code_free(r->path);
	free(r->re_src);
	relit_free(&r->lits);
	free(r->file);
	strv_free(&r->keywords);
	free(r->kw);
	for (size_t k = 0; k < r->nallow; k++)
		allow_free(&r->allow[k]);
	free(r->allow);
}

/* Waits for the database build; its result (0 or HUSH_E*). */
static int ruleset_ready(const struct scan_ruleset *crs)
{
	struct scan_ruleset *rs = (struct scan_ruleset *)crs; /* the build state only */
	pthread_mutex_lock(&rs->mu);
	if (rs->building) {
		pthread_join(rs->builder, NULL);
		rs->building = false;
	}
	int rc = rs->build_rc;
	pthread_mutex_unlock(&rs->mu);
	return rc;
}

void scan_ruleset_free(struct scan_ruleset *rs)
{
	if (!rs)
		return;
	(void)ruleset_ready(rs);
	pthread_mutex_destroy(&rs->mu);
	for (size_t i = 0; i < rs->nrules; i++)
		rule_free(&rs->rules[i]);
	free(rs->rules);
	for (size_t k = 0; k < rs->nallow; k++)
		allow_free(&rs->allow[k]);
	free(rs->allow);
	strv_free(&rs->keywords);
	free(rs->lit_rule);
	free(rs->lit_len);
	strv_free(&rs->disabled);
	scan_lits_free(rs->db);
	free(rs);
}

size_t scan_ruleset_count(const struct scan_ruleset *rs)
{
	return rs ? rs->nrules : 0;
}

/* --- loading --- */
enum ctx_kind { CTX_TOP, CTX_EXTEND, CTX_RULE, CTX_RULE_ALLOW, CTX_GLOBAL_ALLOW };

struct loader {
	struct scan_ruleset *rs;
	const char *name;
	char *err;
	size_t errlen;
	enum ctx_kind ctx;
	bool rule_has_old_allow, rule_has_new_allow;
	bool global_has_old_allow, global_has_new_allow;
	char *extend_path;
	bool saw_use_default;
};

static int lfail(struct loader *L, int line, const char *fmt, const char *a)
{
	char what[512];
	snprintf(what, sizeof(what), fmt, a ? a : "");
	snprintf(L->err, L->errlen, "%s:%d: %s", L->name, line, what);
	return HUSH_ECONFIG;
}

/* Compiles a Go RE2 pattern with PCRE2; Go's `$` is end of text only. */
static int compile_re(struct loader *L, int line, const char *what, const char *pat,
		      pcre2_code **out)
{
	int ec;
	PCRE2_SIZE eo;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				       PCRE2_DOLLAR_ENDONLY | PCRE2_USE_OFFSET_LIMIT, &ec, &eo, NULL);
	if (!re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		char m[320];
		snprintf(m, sizeof(m), "%s does not compile: %s (at offset %zu)", what,
			 (const char *)msg, (size_t)eo);
		return lfail(L, line, "%s", m);
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* interpreter if JIT is unavailable */
	*out = re;
	return 0;
}

static bool key_is(const char *k, const char *want)
{
	return strcasecmp(k, want) == 0;
}

static int want_string(struct loader *L, const struct toml_event *ev)
{
	if (ev->value->type != TOML_STRING)
		return lfail(L, ev->line, "%s: expected a string", ev->key);
	return 0;
}

static int want_strings(struct loader *L, const struct toml_event *ev)
{
	if (ev->value->type != TOML_ARRAY)
		return lfail(L, ev->line, "%s: expected an array of strings", ev->key);
	for (size_t i = 0; i < ev->value->n; i++)
		if (ev->value->items[i].type != TOML_STRING)
			return lfail(L, ev->line, "%s: expected an array of strings", ev->key);
	return 0;
}

static struct rs_allow *new_allow(struct rs_allow **v, size_t *n, int line)
{
	struct rs_allow *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return NULL;
	*v = nv;
	struct rs_allow *a = &nv[(*n)++];
	memset(a, 0, sizeof(*a));
	a->line = line;
	return a;
}

static int allow_key(struct loader *L, struct rs_allow *a, const struct toml_event *ev, bool global)
{
	const char *k = ev->key;
	int rc;
	if (key_is(k, "description"))
		return want_string(L, ev);
	if (key_is(k, "condition")) {
		if ((rc = want_string(L, ev)) < 0)
			return rc;
		if (!strcasecmp(ev->value->s, "AND") || !strcmp(ev->value->s, "&&"))
			a->and_cond = true;
		else if (!strcasecmp(ev->value->s, "OR") || !strcmp(ev->value->s, "||") || !*ev->value->s)
			a->and_cond = false;
		else
			return lfail(L, ev->line, "condition: '%.40s' is neither OR nor AND", ev->value->s);
		return 0;
	}
	if (key_is(k, "regexTarget")) {
		if ((rc = want_string(L, ev)) < 0)
			return rc;
		const char *t = ev->value->s;
		if (!strcmp(t, "secret") || !*t)
			a->target = TGT_SECRET;
		else if (!strcmp(t, "match"))
			a->target = TGT_MATCH;
		else if (!strcmp(t, "line"))
			a->target = TGT_LINE;
		else
			return lfail(L, ev->line, "regexTarget: '%.40s' is not secret, match or line", t);
		return 0;
	}
	bool paths = key_is(k, "paths"), regexes = key_is(k, "regexes");
	if (paths || regexes) {
		if ((rc = want_strings(L, ev)) < 0)
			return rc;
		size_t n = ev->value->n;
		pcre2_code ***dst = paths ? &a->paths : &a->regexes;
		size_t *dn = paths ? &a->npaths : &a->nregexes;
		pcre2_code **nv = realloc(*dst, (*dn + n + 1) * sizeof(**dst));
		if (!nv)
			return HUSH_ENOMEM;
		*dst = nv;
		for (size_t i = 0; i < n; i++) {
			if ((rc = compile_re(L, ev->line, paths ? "an allowlist path" : "an allowlist regex",
					     ev->value->items[i].s, &nv[*dn])) < 0)
				return rc;
			(*dn)++;
		}
		return 0;
	}
	if (key_is(k, "stopwords")) {
		if ((rc = want_strings(L, ev)) < 0)
			return rc;
		for (size_t i = 0; i < ev->value->n; i++)
			if ((rc = strv_push(&a->stopwords, ev->value->items[i].s, ev->value->items[i].slen, true)) < 0)
				return rc;
		return 0;
	}
	if (key_is(k, "commits")) {
		if ((rc = want_strings(L, ev)) < 0)
			return rc;
		a->ncommits += ev->value->n;
		return 0;
	}
	if (global && key_is(k, "targetRules")) {
		if ((rc = want_strings(L, ev)) < 0)
			return rc;
		for (size_t i = 0; i < ev->value->n; i++)
			if ((rc = strv_push(&a->target_rules, ev->value->items[i].s, ev->value->items[i].slen, false)) < 0)
				return rc;
		return 0;
	}
	return lfail(L, ev->line, "unsupported key '%.60s' in an allowlist", k);
}

static int rule_key(struct loader *L, struct rs_rule *r, const struct toml_event *ev)
{
	const char *k = ev->key;
	const struct toml_value *v = ev->value;
	int rc;
	if (key_is(k, "id") || key_is(k, "description")) {
		if ((rc = want_string(L, ev)) < 0)
			return rc;
		char **dst = key_is(k, "id") ? &r->id : &r->title;
		free(*dst);
		if (!(*dst = strdup(v->s)))
			return HUSH_ENOMEM;
		return 0;
	}
	if (key_is(k, "regex") || key_is(k, "path")) {
		if ((rc = want_string(L, ev)) < 0)
			return rc;
		if (!*v->s)
			return 0;
		bool isre = key_is(k, "regex");
		pcre2_code **dst = isre ? &r->re : &r->path;
		pcre2_code_free(*dst);
		*dst = NULL;
		if ((rc = compile_re(L, ev->line, isre ? "the rule's regex" : "the rule's path", v->s, dst)) < 0)
			return rc;
		if (isre) {
			free(r->re_src);
			if (!(r->re_src = strdup(v->s)))
				return HUSH_ENOMEM;
			pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &r->ngroups);
			if (r->ngroups > L->rs->max_groups)
				L->rs->max_groups = r->ngroups;
		}
		return 0;
	}
	if (key_is(k, "secretGroup")) {
		if (v->type != TOML_INT || v->i < 0 || v->i > 1000)
			return lfail(L, ev->line, "secretGroup: expected a capture group number%s", NULL);
		r->secret_group = (long)v->i;
		r->group_set = true;
		return 0;
	}
	if (key_is(k, "entropy")) {
		if ((v->type != TOML_INT && v->type != TOML_FLOAT) || !(v->f >= 0))
			return lfail(L, ev->line, "entropy: expected a number of bits per character%s", NULL);
		r->entropy = v->f;
		r->entropy_set = true;
		return 0;
	}
	if (key_is(k, "keywords")) {
		if ((rc = want_strings(L, ev)) < 0)
			return rc;
		for (size_t i = 0; i < v->n; i++)
			if (v->items[i].slen && (rc = strv_push(&r->keywords, v->items[i].s, v->items[i].slen, true)) < 0)
				return rc;
		return 0;
	}
	if (key_is(k, "tags"))
		return want_strings(L, ev);
	return lfail(L, ev->line, "unsupported key '%.60s' in [[rules]]", k);
}

/* At parse time a rule needs its id; regex, path and secretGroup are
 * checked once rules of the same id in extended files are merged. */
static int check_rule(struct loader *L, const struct rs_rule *r)
{
	if (!r->id || !*r->id)
		return lfail(L, r->line, "a rule needs an id%s", NULL);
	return 0;
}

static int check_allow(struct loader *L, const struct rs_allow *a)
{
	if (!a->npaths && !a->nregexes && !a->stopwords.n && !a->ncommits)
		return lfail(L, a->line, "an allowlist needs at least one of commits, paths, regexes or stopwords%s", NULL);
	return 0;
}

static int on_event(void *ctx, const struct toml_event *ev, const char **msg)
{
	struct loader *L = ctx;
	struct scan_ruleset *rs = L->rs;
	(void)msg;
	int rc;
	if (!ev->key) {
		/* a header closes the table before it */
		if (L->ctx == CTX_RULE_ALLOW && (rc = check_allow(L, &rs->rules[rs->nrules - 1].allow[rs->rules[rs->nrules - 1].nallow - 1])) < 0)
			return rc;
		if (L->ctx == CTX_GLOBAL_ALLOW && (rc = check_allow(L, &rs->allow[rs->nallow - 1])) < 0)
			return rc;
		const char *a = ev->path[0], *b = ev->npath > 1 ? ev->path[1] : NULL;
		if (ev->npath == 1 && !ev->array && key_is(a, "extend")) {
			L->ctx = CTX_EXTEND;
		} else if (ev->npath == 1 && ev->array && key_is(a, "rules")) {
			if (rs->nrules && (rc = check_rule(L, &rs->rules[rs->nrules - 1])) < 0)
				return rc;
			if (rs->nrules >= RS_MAX_RULES)
				return lfail(L, ev->line, "more than 4096 rules%s", NULL);
			if (rs->nrules == rs->caprules) {
				size_t nc = rs->caprules ? rs->caprules * 2 : 64;
				struct rs_rule *nv = realloc(rs->rules, nc * sizeof(*nv));
				if (!nv)
					return HUSH_ENOMEM;
				rs->rules = nv;
				rs->caprules = nc;
			}
			struct rs_rule *r = &rs->rules[rs->nrules++];
			memset(r, 0, sizeof(*r));
			r->line = ev->line;
			if (!(r->file = strdup(L->name)))
				return HUSH_ENOMEM;
			L->ctx = CTX_RULE;
			L->rule_has_old_allow = L->rule_has_new_allow = false;
		} else if (ev->npath == 2 && key_is(a, "rules") &&
			   ((!ev->array && key_is(b, "allowlist")) || (ev->array && key_is(b, "allowlists")))) {
			if (!rs->nrules)
				return lfail(L, ev->line, "[rules.%s] before any [[rules]]", b);
			struct rs_rule *r = &rs->rules[rs->nrules - 1];
			if (!ev->array && L->rule_has_old_allow)
				return lfail(L, ev->line, "a second [rules.allowlist] for one rule (use [[rules.allowlists]])%s", NULL);
			L->rule_has_old_allow |= !ev->array;
			L->rule_has_new_allow |= ev->array;
			if (L->rule_has_old_allow && L->rule_has_new_allow)
				return lfail(L, ev->line, "a rule with both [rules.allowlist] and [[rules.allowlists]]%s", NULL);
			if (!new_allow(&r->allow, &r->nallow, ev->line))
				return HUSH_ENOMEM;
			L->ctx = CTX_RULE_ALLOW;
		} else if (ev->npath == 1 && ((!ev->array && key_is(a, "allowlist")) ||
					      (ev->array && key_is(a, "allowlists")))) {
			if (!ev->array && L->global_has_old_allow)
				return lfail(L, ev->line, "a second [allowlist] (use [[allowlists]])%s", NULL);
			L->global_has_old_allow |= !ev->array;
			L->global_has_new_allow |= ev->array;
			if (L->global_has_old_allow && L->global_has_new_allow)
				return lfail(L, ev->line, "both [allowlist] and [[allowlists]]%s", NULL);
			if (!new_allow(&rs->allow, &rs->nallow, ev->line))
				return HUSH_ENOMEM;
			L->ctx = CTX_GLOBAL_ALLOW;
		} else {
			char t[128];
			snprintf(t, sizeof(t), "%s%s%s", a, b ? "." : "", b ? b : "");
			return lfail(L, ev->line, "unsupported table [%.100s]", t);
		}
		return 0;
	}
	switch (L->ctx) {
	case CTX_TOP:
		if (key_is(ev->key, "title") || key_is(ev->key, "description") || key_is(ev->key, "minVersion"))
			return want_string(L, ev);
		return lfail(L, ev->line, "unsupported key '%.60s'", ev->key);
	case CTX_EXTEND:
		if (key_is(ev->key, "useDefault")) {
			if (ev->value->type != TOML_BOOL)
				return lfail(L, ev->line, "useDefault: expected true or false%s", NULL);
			rs->use_default = ev->value->i != 0;
			L->saw_use_default = true;
			return 0;
		}
		if (key_is(ev->key, "path")) {
			if ((rc = want_string(L, ev)) < 0)
				return rc;
			free(L->extend_path);
			if (!(L->extend_path = strdup(ev->value->s)))
				return HUSH_ENOMEM;
			return 0;
		}
		if (key_is(ev->key, "disabledRules")) {
			if ((rc = want_strings(L, ev)) < 0)
				return rc;
			for (size_t i = 0; i < ev->value->n; i++)
				if ((rc = strv_push(&rs->disabled, ev->value->items[i].s, ev->value->items[i].slen, false)) < 0)
					return rc;
			return 0;
		}
		if (key_is(ev->key, "url"))
			return lfail(L, ev->line, "[extend] url is not supported: hush reads no rules from the network%s", NULL);
		return lfail(L, ev->line, "unsupported key '%.60s' in [extend]", ev->key);
	case CTX_RULE:
		return rule_key(L, &rs->rules[rs->nrules - 1], ev);
	case CTX_RULE_ALLOW: {
		struct rs_rule *r = &rs->rules[rs->nrules - 1];
		return allow_key(L, &r->allow[r->nallow - 1], ev, false);
	}
	case CTX_GLOBAL_ALLOW:
		return allow_key(L, &rs->allow[rs->nallow - 1], ev, true);
	}
	return 0;
}

static int parse_into(struct scan_ruleset *rs, const char *name, const char *dir, const char *data,
		      size_t len, int depth, char *err, size_t errlen);

/* Reads one file's rules into rs (an [extend] path first, as a base). */
static int load_into(struct scan_ruleset *rs, const char *path, int depth, char *err, size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	int rc = file_read_all(path, TOML_MAX_INPUT, true, &data, &len);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", path, hush_strerror(rc));
		return rc;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *sl = strrchr(dir, '/');
	if (sl)
		*sl = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	rc = parse_into(rs, path, dir, data, len, depth, err, errlen);
	free(data);
	return rc;
}

static int parse_into(struct scan_ruleset *rs, const char *name, const char *dir, const char *data,
		      size_t len, int depth, char *err, size_t errlen)
{
	struct loader L = { .rs = rs, .name = name, .err = err, .errlen = errlen };
	struct toml_err te;
	bool outer_default = rs->use_default;
	rs->use_default = false;
	int rc = toml_parse(data, len, on_event, &L, &te);
	if (rc == HUSH_EINVAL && te.msg)
		snprintf(err, errlen, "%s:%d: %s", name, te.line, te.msg);
	else if (rc == HUSH_ETOOBIG)
		snprintf(err, errlen, "%s: larger than 4 MiB", name);
	if (rc == 0 && rs->nrules && (L.ctx == CTX_RULE || L.ctx == CTX_RULE_ALLOW))
		rc = check_rule(&L, &rs->rules[rs->nrules - 1]);
	if (rc == 0 && L.ctx == CTX_RULE_ALLOW) {
		struct rs_rule *r = &rs->rules[rs->nrules - 1];
		rc = check_allow(&L, &r->allow[r->nallow - 1]);
	}
	if (rc == 0 && L.ctx == CTX_GLOBAL_ALLOW)
		rc = check_allow(&L, &rs->allow[rs->nallow - 1]);
	/* as gitleaks: past RS_MAX_EXTEND levels a base is not read */
	if (rc == 0 && L.extend_path && depth < RS_MAX_EXTEND) {
		{
			/* as gitleaks: relative to the working directory; failing
			 * that, to the directory of the file that extends */
			char p[4096];
			snprintf(p, sizeof(p), "%s", L.extend_path);
			if (L.extend_path[0] != '/' && access(p, F_OK) != 0)
				snprintf(p, sizeof(p), "%s/%s", dir, L.extend_path);
			/* the base's useDefault counts too */
			bool mine = rs->use_default;
			rc = load_into(rs, p, depth + 1, err, errlen);
			rs->use_default |= mine;
		}
	}
	rs->use_default |= outer_default;
	free(L.extend_path);
	if (rc == HUSH_ENOMEM)
		snprintf(err, errlen, "%s: out of memory", name);
	return rc;
}

static void on_kw(unsigned id, size_t to, void *ctx)
{
	struct scan_rules_scratch *sc = ctx;
	if (id < sc->nseen) {
		sc->seen[id] = 1;
		return;
	}
	if (sc->nocc == sc->capocc) {
		size_t nc = sc->capocc ? sc->capocc * 2 : 1024;
		struct occ *nv = nc <= RS_MAX_OCC ? realloc(sc->occ, nc * sizeof(*nv)) : NULL;
		if (!nv) {
			sc->overflow = true; /* the rules run over the whole file */
			return;
		}
		sc->occ = nv;
		sc->capocc = nc;
	}
	size_t k = id - sc->nseen;
	sc->occ[sc->nocc++] = (struct occ){ sc->rs->lit_rule[k], sc->rs->lit_len[k], to };
}

/* Unique keywords, each rule's indices and required literals, one
 * literal database with the built-in literals. */
static int build_prefilter(struct scan_ruleset *rs, char *err, size_t errlen)
{
	size_t nlit = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		struct rs_rule *r = &rs->rules[i];
		if (r->re_src && !r->override_only && relit_analyse(r->re_src, &r->lits) < 0)
			return HUSH_ENOMEM;
		nlit += r->lits.n;
		if (!r->keywords.n)
			continue;
		if (!(r->kw = calloc(r->keywords.n, sizeof(*r->kw))))
			return HUSH_ENOMEM;
		for (size_t k = 0; k < r->keywords.n; k++) {
			size_t j = 0;
			while (j < rs->keywords.n && strcmp(rs->keywords.v[j], r->keywords.v[k]))
				j++;
			if (j == rs->keywords.n &&
			    strv_push(&rs->keywords, r->keywords.v[k], strlen(r->keywords.v[k]), false) < 0)
				return HUSH_ENOMEM;
			r->kw[r->nkw++] = j;
		}
	}
	size_t nkw = rs->keywords.n, n = nkw + nlit;
	const char **pat = calloc(n + 1, sizeof(*pat));
	unsigned *flags = calloc(n + 1, sizeof(*flags));
	rs->lit_rule = calloc(nlit + 1, sizeof(*rs->lit_rule));
	rs->lit_len = calloc(nlit + 1, sizeof(*rs->lit_len));
	int rc = 0;
	if (!pat || !flags || !rs->lit_rule || !rs->lit_len) {
		rc = HUSH_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nkw; i++) {
		pat[i] = rs->keywords.v[i];
		flags[i] = SCAN_LIT_CASELESS | SCAN_LIT_ONCE;
	}
	size_t k = nkw;
	for (size_t i = 0; i < rs->nrules; i++)
		for (size_t j = 0; j < rs->rules[i].lits.n; j++, k++) {
			pat[k] = rs->rules[i].lits.lit[j];
			flags[k] = SCAN_LIT_CASELESS;
			rs->lit_rule[k - nkw] = (uint32_t)i;
			rs->lit_len[k - nkw] = (uint8_t)strlen(pat[k]);
		}
	rs->nlit = nlit;
	if ((rc = scan_lits_new(pat, flags, n, &rs->db)) == HUSH_ECONFIG)
		snprintf(err, errlen, "keyword prefilter: Vectorscan cannot build or run it on this CPU");
out:
	free(pat);
	free(flags);
	return rc;
}

/* Folds base rule b (from an extended file) into the rule a of the same id
 * that extends it: what a sets wins, a takes the rest; allowlists of both
 * apply. b is emptied. */
static int merge_into(struct rs_rule *a, struct rs_rule *b)
{
	if (!a->title) { a->title = b->title; b->title = NULL; }
	if (!a->re) {
		a->re = b->re; b->re = NULL;
		a->re_src = b->re_src; b->re_src = NULL;
		a->ngroups = b->ngroups;
	}
	if (!a->path) { a->path = b->path; b->path = NULL; }
	if (!a->group_set && b->group_set) { a->secret_group = b->secret_group; a->group_set = true; }
	if (!a->entropy_set && b->entropy_set) { a->entropy = b->entropy; a->entropy_set = true; }
	if (!a->keywords.n) { a->keywords = b->keywords; memset(&b->keywords, 0, sizeof(b->keywords)); }
	if (b->nallow) {
		struct rs_allow *nv = realloc(a->allow, (a->nallow + b->nallow) * sizeof(*nv));
		if (!nv)
			return HUSH_ENOMEM;
		memcpy(nv + a->nallow, b->allow, b->nallow * sizeof(*nv));
		a->allow = nv;
		a->nallow += b->nallow;
		free(b->allow);
		b->allow = NULL;
		b->nallow = 0;
	}
	return 0;
}

/* Rules of one id (a file and the files it extends) become one; a rule
 * left without regex and path refines a built-in rule under useDefault,
 * and is an error otherwise. */
static int merge_rules(struct scan_ruleset *rs, char *err, size_t errlen)
{
	size_t k = 0;
	for (size_t i = 0; i < rs->nrules; i++) {
		size_t j = 0;
		while (j < k && strcmp(rs->rules[j].id, rs->rules[i].id))
			j++;
		if (j < k) {
			int rc = merge_into(&rs->rules[j], &rs->rules[i]);
			rule_free(&rs->rules[i]);
			if (rc < 0)
				return rc;
			continue;
		}
		if (k != i)
			rs->rules[k] = rs->rules[i];
		k++;
	}
	rs->nrules = k;
	for (size_t i = 0; i < rs->nrules; i++) {
		struct rs_rule *r = &rs->rules[i];
		if (r->re && r->secret_group > (long)r->ngroups) {
			snprintf(err, errlen, "%s:%d: rule '%.60s': secretGroup is larger than the regex's number of groups",
				 r->file, r->line, r->id);
			return HUSH_ECONFIG;
		}
		if (!r->re && !r->path) {
			if (!rs->use_default) {
				snprintf(err, errlen, "%s:%d: rule '%.60s' has neither regex nor path (and no base rule of that id)",
					 r->file, r->line, r->id);
				return HUSH_ECONFIG;
			}
			r->override_only = true;
		}
	}
	return 0;
}

/* hush's own rule ids (for targetRules and overrides under useDefault). */
static bool builtin_id(const char *id)
{
	static const char *const extra[] = { "generic-secret", "credfile-value", "pkcs12-file",
					     "aws-secret-access-key" };
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (!strcmp(id, extra[i]))
			return true;
	const char *t;
	for (size_t i = 0; scan_rule_id(i, &t); i++)
		if (!strcmp(scan_rule_id(i, &t), id))
			return true;
	return false;
}

/* Every targetRules id names a loaded rule (or, under useDefault, one of
 * hush's). */
static int check_targets(struct scan_ruleset *rs, char *err, size_t errlen)
{
	for (size_t a = 0; a < rs->nallow; a++)
		for (size_t t = 0; t < rs->allow[a].target_rules.n; t++) {
			const char *id = rs->allow[a].target_rules.v[t];
			bool found = rs->use_default && builtin_id(id);
			for (size_t i = 0; i < rs->nrules && !found; i++)
				found = !strcmp(rs->rules[i].id, id);
			if (!found) {
				snprintf(err, errlen, "allowlist at line %d: targetRules names '%.60s', which is not a rule",
					 rs->allow[a].line, id);
				return HUSH_ECONFIG;
			}
		}
	return 0;
}

static struct scan_ruleset *new_ruleset(void)
{
	struct scan_ruleset *rs = calloc(1, sizeof(*rs));
	if (rs)
		pthread_mutex_init(&rs->mu, NULL);
	return rs;
}

static void *build_thread(void *arg)
{
	struct scan_ruleset *rs = arg;
	char err[256];
	rs->build_rc = build_prefilter(rs, err, sizeof(err));
	return NULL;
}

/* The common end of parse and load: merged rules, the prefilters, or
 * everything freed. */
static int finish(struct scan_ruleset *rs, int rc, struct scan_ruleset **out, char *err, size_t errlen)
{
	if (rc == 0)
		rc = merge_rules(rs, err, errlen);
	if (rc == 0)
		rc = check_targets(rs, err, errlen);
	if (rc < 0) {
		scan_ruleset_free(rs);
		return rc;
	}
	if (pthread_create(&rs->builder, NULL, build_thread, rs) == 0) {
		rs->building = true;
	} else if ((rc = build_prefilter(rs, err, errlen)) < 0) {
		scan_ruleset_free(rs);
		return rc;
	}
	*out = rs;
	return 0;
}

int scan_ruleset_parse(const char *name, const char *data, size_t len,
		       struct scan_ruleset **out, char *err, size_t errlen)
{
	*out = NULL;
	struct scan_ruleset *rs = new_ruleset();
	if (!rs)
		return HUSH_ENOMEM;
	return finish(rs, parse_into(rs, name, ".", data, len, 0, err, errlen), out, err, errlen);
}

int scan_ruleset_load(const char *path, struct scan_ruleset **out, char *err, size_t errlen)
{
	*out = NULL;
	struct scan_ruleset *rs = new_ruleset();
	if (!rs)
		return HUSH_ENOMEM;
	return finish(rs, load_into(rs, path, 0, err, errlen), out, err, errlen);
}

/* --- matching --- */
struct scan_rules_scratch *scan_rules_scratch_new(const struct scan_ruleset *rs)
{
	if (ruleset_ready(rs) != 0)
		return NULL;
	struct scan_rules_scratch *sc = calloc(1, sizeof(*sc));
	if (!sc)
		return NULL;
	sc->rs = rs;
	sc->md = pcre2_match_data_create(rs->max_groups + 1, NULL);
	sc->mctx = pcre2_match_context_create(NULL);
	sc->nseen = rs->keywords.n;
	sc->seen = calloc(sc->nseen + 1, 1);
	sc->first = calloc(rs->nrules + 2, sizeof(*sc->first));
	if (!sc->md || !sc->mctx || !sc->seen || !sc->first ||
	    !(sc->hs = scan_lits_scratch(rs->db))) {
		scan_rules_scratch_free(sc);
		return NULL;
	}
	pcre2_set_match_limit(sc->mctx, RS_MATCH_LIMIT);
	pcre2_set_depth_limit(sc->mctx, RS_MATCH_LIMIT / 4);
	return sc;
}

void scan_rules_scratch_free(struct scan_rules_scratch *sc)
{
	if (!sc)
		return;
	scan_lits_scratch_free(sc->hs);
	free(sc->occ);
	free(sc->byrule);
	free(sc->first);
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	free(sc->seen);
	free(sc);
}

static bool re_search(const pcre2_code *re, const char *s, size_t n)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	if (!md)
		return false;
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

static bool any_re(pcre2_code *const *v, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (re_search(v[i], s, len))
			return true;
	return false;
}

static bool has_stopword(const struct rs_allow *a, const char *s, size_t n)
{
	for (size_t i = 0; i < a->stopwords.n; i++) {
		const char *w = a->stopwords.v[i];
		size_t l = strlen(w);
		for (size_t k = 0; l && k + l <= n; k++)
			if (!strncasecmp(s + k, w, l))
				return true;
	}
	return false;
}

/* Before matching: do the allowlists' path (and commit) checks skip the
 * whole file for a rule (gitleaks' checkCommitOrPathAllowed)? */
static bool file_allowed(const struct rs_allow *v, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++) {
		const struct rs_allow *a = &v[i];
		bool pa = a->npaths && any_re(a->paths, a->npaths, path, strlen(path));
		if (a->and_cond) {
			if (a->nregexes || a->stopwords.n)
				continue; /* decided per finding */
			if (a->ncommits)
				continue; /* no commit in a file scan */
			if (pa)
				return true;
		} else if (pa) {
			return true;
		}
	}
	return false;
}

static bool targets(const struct rs_allow *a, const char *id)
{
	if (!a->target_rules.n)
		return true;
	for (size_t i = 0; i < a->target_rules.n; i++)
		if (!strcmp(a->target_rules.v[i], id))
			return true;
	return false;
}

struct finding_view {
	const char *id, *path;
	const char *secret, *match, *line;
	size_t nsecret, nmatch, nline;
};

/* gitleaks' checkFindingAllowed. */
static bool finding_allowed(const struct rs_allow *v, size_t n, const struct finding_view *f)
{
	for (size_t i = 0; i < n; i++) {
		const struct rs_allow *a = &v[i];
		if (!targets(a, f->id))
			continue;
		const char *t = a->target == TGT_MATCH ? f->match : a->target == TGT_LINE ? f->line : f->secret;
		size_t tn = a->target == TGT_MATCH ? f->nmatch : a->target == TGT_LINE ? f->nline : f->nsecret;
		bool re = a->nregexes && tn && any_re(a->regexes, a->nregexes, t, tn);
		bool sw = has_stopword(a, f->secret, f->nsecret);
		bool ok;
		if (a->and_cond) {
			ok = true;
			if (a->ncommits)
				ok = false;
			if (a->npaths)
				ok = ok && any_re(a->paths, a->npaths, f->path, strlen(f->path));
			if (a->nregexes)
				ok = ok && re;
			if (a->stopwords.n)
				ok = ok && sw;
		} else {
			ok = re || sw;
		}
		if (ok)
			return true;
	}
	return false;
}

static void line_span(const char *d, size_t len, size_t s, size_t e, size_t *ls, size_t *le)
{
	while (s > 0 && d[s - 1] != '\n')
		s--;
	const char *nl = e < len ? memchr(d + e, '\n', len - e) : NULL;
	*ls = s;
	*le = nl ? (size_t)(nl - d) : len;
}

bool scan_ruleset_builtin_enabled(const struct scan_ruleset *rs, const char *id)
{
	if (!rs)
		return true;
	if (!rs->use_default)
		return false;
	for (size_t i = 0; i < rs->disabled.n; i++)
		if (!strcmp(rs->disabled.v[i], id))
			return false;
	return true;
}

bool scan_ruleset_path_allowed(const struct scan_ruleset *rs, const char *path)
{
	return rs && file_allowed(rs->allow, rs->nallow, path);
}

bool scan_ruleset_allows(const struct scan_ruleset *rs, const char *id, const char *path,
			 const char *d, size_t len, size_t off, size_t n)
{
	if (!rs)
		return false;
	size_t ls, le;
	line_span(d, len, off, off + n, &ls, &le);
	struct finding_view f = { id, path, d + off, d + off, d + ls, n, n, le - ls };
	if (finding_allowed(rs->allow, rs->nallow, &f))
		return true;
	/* a [[rules]] entry with only an id and allowlists refines the
	 * built-in rule of that id; gitleaks' generic-api-key stands for
	 * hush's generic rules */
	bool generic = !strcmp(id, "generic-secret") || !strcmp(id, "credfile-value");
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rs_rule *r = &rs->rules[i];
		if (!r->override_only || !(!strcmp(r->id, id) || (generic && !strcmp(r->id, "generic-api-key"))))
			continue;
		if (file_allowed(r->allow, r->nallow, path) || finding_allowed(r->allow, r->nallow, &f))
			return true;
	}
	return false;
}

/* Reports the matches of r's regex that start in [from, upto] (upto
 * PCRE2_UNSET: anywhere after from), searching on from *pos, the end of
 * the last match; *pos moves past each match. */
static int rule_span(const struct scan_ruleset *rs, const struct rs_rule *r,
		     struct scan_rules_scratch *sc, const char *path, const char *d, size_t len,
		     size_t from, size_t upto, size_t *pos, struct scan_hits *out, bool *limited)
{
	size_t start = *pos > from ? *pos : from;
	pcre2_set_offset_limit(sc->mctx, upto);
	while (start <= len && (upto == PCRE2_UNSET || start <= upto)) {
		int m = pcre2_jit_match(r->re, (PCRE2_SPTR)d, len, start, 0, sc->md, sc->mctx);
		if (m == PCRE2_ERROR_JIT_BADOPTION)
			m = pcre2_match(r->re, (PCRE2_SPTR)d, len, start, 0, sc->md, sc->mctx);
		if (m == PCRE2_ERROR_MATCHLIMIT || m == PCRE2_ERROR_DEPTHLIMIT || m == PCRE2_ERROR_JIT_STACKLIMIT) {
			*limited = true;
			*pos = len + 1;
			return 0;
		}
		if (m < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
		size_t ms = ov[0], me = ov[1];
		start = me > ms ? me : me + 1;
		*pos = start;
		/* the match without surrounding newlines */
		while (ms < me && d[ms] == '\n')
			ms++;
		while (me > ms && d[me - 1] == '\n')
			me--;
		size_t ss = ms, se = me;
		if (r->ngroups >= 1) {
			if (r->secret_group > 0) {
				size_t g = (size_t)r->secret_group;
				if ((int)g >= m || ov[2 * g] == PCRE2_UNSET)
					continue;
				ss = ov[2 * g];
				se = ov[2 * g + 1];
			} else {
				for (int g = 1; g < m; g++)
					if (ov[2 * g] != PCRE2_UNSET && ov[2 * g + 1] > ov[2 * g]) {
						ss = ov[2 * g];
						se = ov[2 * g + 1];
						break;
					}
			}
		}
		if (r->entropy > 0 && scan_entropy(d + ss, se - ss) <= r->entropy)
			continue;
		size_t ls, le;
		line_span(d, len, ms, me, &ls, &le);
		if (memmem(d + ls, le - ls, "gitleaks:allow", 14) || memmem(d + ls, le - ls, "hush:allow", 10))
			continue;
		struct finding_view f = { r->id, path, d + ss, d + ms, d + ls, se - ss, me - ms, le - ls };
		if (finding_allowed(rs->allow, rs->nallow, &f) || finding_allowed(r->allow, r->nallow, &f))
			continue;
		int rc = hits_push(out, r->id, r->title ? r->title : r->id, ss, se - ss, SCAN_CONF_MEDIUM, 0);
		if (rc < 0)
			return rc;
		out->v[out->n - 1].prio = PRIO_TOKEN;
	}
	return 0;
}

/* The start of the line n lines above the one holding d[p], looked for
 * back to lo (lo when it is further). */
static size_t lines_above(const char *d, size_t lo, size_t p, unsigned n)
{
	for (;;) {
		const char *nl = p > lo ? memrchr(d + lo, '\n', p - lo) : NULL;
		if (!nl)
			return lo;
		if (n-- == 0)
			return (size_t)(nl - d) + 1;
		p = (size_t)(nl - d);
	}
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

static bool bit_in(const unsigned char *b, unsigned char c)
{
	return (b[c >> 3] >> (c & 7)) & 1;
}

/* The first place a match holding the literal at s can start: at most
 * lits.pre bytes and lits.nl newlines before it, with only bytes of
 * lits.before between (looked for over 4 KiB at most). */
static size_t window_start(const char *d, const struct relit *l, size_t s)
{
	size_t a = l->pre == RELIT_LEN_INF || l->pre > s ? 0 : s - l->pre;
	if (l->nl != RELIT_NL_INF)
		a = lines_above(d, a, s, l->nl);
	if (l->any_before)
		return a;
	size_t k = s, stop = s - a > 4096 ? s - 4096 : a;
	while (k > stop && bit_in(l->before, (unsigned char)d[k - 1]))
		k--;
	return k > stop ? k : a;
}


/* What follows a literal ending at e can start the rest of a match: a
 * byte of post_first within post_len bytes of post_between (looked for
 * over 4 KiB at most). */
static bool post_ok(const char *d, size_t len, const struct relit *l, size_t e)
{
	if (!l->post)
		return true;
	for (size_t j = e; j < len; j++) {
		if (j - e > 4096)
			return true;
		if (l->post_len != RELIT_LEN_INF && j - e > l->post_len)
			return false;
		unsigned char c = (unsigned char)d[j];
		if (bit_in(l->post_first, c))
			return true;
		if (!bit_in(l->post_between, c))
			return false;
	}
	return false;
}

/* Every match holds one of the rule's literals o[0..n), followed as
 * post_ok() says, and starts at a window_start() of one and not after it.
 * Those starting ranges, merged, are searched in order. */
static int rule_windows(const struct scan_ruleset *rs, const struct rs_rule *r,
			struct scan_rules_scratch *sc, const char *path, const char *d, size_t len,
			const struct occ *o, size_t n, struct scan_hits *out, bool *limited)
{
	size_t pos = 0;
	/* the literals' starts, sorted (they come in end order) */
	size_t *st = malloc(n * sizeof(*st));
	if (!st)
		return HUSH_ENOMEM;
	bool sorted = true;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!post_ok(d, len, &r->lits, o[i].end))
			continue;
		st[k] = o[i].end - o[i].len;
		sorted &= k == 0 || st[k] >= st[k - 1];
		k++;
	}
	n = k;
	if (!sorted)
		qsort(st, n, sizeof(*st), cmp_size);
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0 && pos <= len;) {
		size_t a = window_start(d, &r->lits, st[i]), b = st[i];
		/* the next literals whose ranges touch this one */
		for (i++; i < n && window_start(d, &r->lits, st[i]) <= b + 1; i++)
			b = st[i];
		if (b >= pos)
			rc = rule_span(rs, r, sc, path, d, len, a, b, &pos, out, limited);
	}
	free(st);
	return rc;
}

static int rule_scan(const struct scan_ruleset *rs, const struct rs_rule *r,
		     struct scan_rules_scratch *sc, const char *path, const char *d, size_t len,
		     struct scan_hits *out, bool *limited)
{
	if (r->nallow && file_allowed(r->allow, r->nallow, path))
		return 0;
	if (r->path && !re_search(r->path, path, strlen(path)))
		return 0;
	if (!r->re) {
		/* a path-only rule reports the file itself */
		int rc = hits_push(out, r->id, r->title ? r->title : r->id, 0, 0, SCAN_CONF_MEDIUM, 0);
		if (rc == 0)
			out->v[out->n - 1].prio = PRIO_TOKEN;
		return rc;
	}
	size_t i = (size_t)(r - rs->rules);
	if (r->lits.n && !sc->overflow)
		return rule_windows(rs, r, sc, path, d, len, sc->byrule + sc->first[i],
				    sc->first[i + 1] - sc->first[i], out, limited);
	size_t pos = 0;
	return rule_span(rs, r, sc, path, d, len, 0, PCRE2_UNSET, &pos, out, limited);
}

/* Groups the file's literal occurrences by rule, keeping their order. */
static int group_occurrences(const struct scan_ruleset *rs, struct scan_rules_scratch *sc)
{
	memset(sc->first, 0, (rs->nrules + 2) * sizeof(*sc->first));
	if (!sc->nocc)
		return 0;
	struct occ *by = realloc(sc->byrule, sc->nocc * sizeof(*by));
	if (!by)
		return HUSH_ENOMEM;
	sc->byrule = by;
	for (size_t k = 0; k < sc->nocc; k++)
		sc->first[sc->occ[k].rule + 2]++;
	for (size_t i = 2; i < rs->nrules + 2; i++)
		sc->first[i] += sc->first[i - 1];
	/* first[i + 1] is now rule i's start; filling moves it to its end */
	for (size_t k = 0; k < sc->nocc; k++)
		by[sc->first[sc->occ[k].rule + 1]++] = sc->occ[k];
	return 0;
}

int scan_ruleset_scan_all(const struct scan_ruleset *rs, struct scan_rules_scratch *sc,
			  const char *path, const char *d, size_t len, unsigned flags,
			  struct scan_hits *builtin, struct scan_hits *out, bool *limited)
{
	memset(sc->seen, 0, sc->nseen);
	sc->nocc = 0;
	sc->overflow = false;
	int lrc = scan_buffer_lits(rs->db, sc->hs, d, len, flags, builtin, on_kw, sc);
	if (lrc < 0)
		return lrc;
	if (lrc == 1) { /* not looked at: every keyword may be there */
		memset(sc->seen, 1, sc->nseen);
		sc->overflow = true;
	}
	if (!rs->nrules)
		return 0;
	if (group_occurrences(rs, sc) < 0)
		return HUSH_ENOMEM;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rs_rule *r = &rs->rules[i];
		bool run = r->nkw == 0;
		for (size_t k = 0; k < r->nkw && !run; k++)
			run = sc->seen[r->kw[k]] != 0;
		/* no required literal in the file: no match */
		if (r->lits.n && !sc->overflow && sc->first[i + 1] == sc->first[i])
			run = false;
		if (r->override_only || !run)
			continue;
		int rc = rule_scan(rs, r, sc, path, d, len, out, limited);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int scan_ruleset_scan(const struct scan_ruleset *rs, struct scan_rules_scratch *sc,
		      const char *path, const char *d, size_t len, struct scan_hits *out,
		      bool *limited)
{
	return scan_ruleset_scan_all(rs, sc, path, d, len, 0, NULL, out, limited);
}
