/* SPDX-License-Identifier: ISC */
/* Loading gitleaks-format rule files (see ruleset.h): the TOML reader's
 * events are turned into rules as they come, each regex compiled when its
 * line is read so an error names that line; rules of one id in a file and
 * the files it extends are merged; then one Vectorscan literal database of
 * every keyword and of the literals each regex's matches must hold
 * (scan/relit.c) is built, on a thread of its own, for the matcher's
 * prefilter (scan/ruleset.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/array.h"
#include "common/err.h"
#include "common/util.h"
#include "scan/rules.h"
#include "scan/ruleset_int.h"
#include "scan/toml.h"

/* --- small helpers --- */
/* Appends str[0..n), lower-cased when lower: 0 or HUSH_ENOMEM. */
static int push_str(struct strv *s, const char *str, size_t n, bool lower)
{
	char *c = strndup(str, n);
	if (!c)
		return HUSH_ENOMEM;
	for (char *p = c; lower && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	int rc = strv_push(s, c);
	free(c);
	return rc;
}

static void allow_free(struct rs_allow *a)
{
	for (size_t i = 0; i < a->npaths; i++)
		pcre2_code_free(a->paths[i]);
	for (size_t i = 0; i < a->nregexes; i++)
		pcre2_code_free(a->regexes[i]);
	free(a->paths);
	free(a->regexes);
	STRV_FREE(&a->paths_src, &a->regexes_src, &a->stopwords, &a->target_rules);
}

static void rule_free(struct rs_rule *r)
{
	pcre2_code_free(r->re);
	pcre2_code_free(r->path);
	relit_free(&r->lits);
	strv_free(&r->keywords);
	ARRAY_FREE(r->allow, r->nallow, allow_free);
	FREE_ALL(r->id, r->title, r->re_src, r->file, r->kw);
}

int ruleset_ready(const struct scan_ruleset *crs)
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
	ARRAY_FREE(rs->rules, rs->nrules, rule_free);
	ARRAY_FREE(rs->allow, rs->nallow, allow_free);
	STRV_FREE(&rs->keywords, &rs->disabled);
	scan_lits_free(rs->db);
	FREE_ALL(rs->lit_rule, rs->lit_len, rs);
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

/* Each string of the array value onto s (lower-cased with lower). */
static int push_strs(struct loader *L, const struct toml_event *ev, struct strv *s, bool lower)
{
	int rc = want_strings(L, ev);
	for (size_t i = 0; rc == 0 && i < ev->value->n; i++)
		rc = push_str(s, ev->value->items[i].s, ev->value->items[i].slen, lower);
	return rc;
}

static struct rs_allow *new_allow(struct rs_allow **v, size_t *n, int line)
{
	struct rs_allow *a = array_add_one(v, *n, sizeof(**v));
	if (!a)
		return NULL;
	(*n)++;
	a->line = line;
	return a;
}

/* What is refused of the allowlist headers of one table. */
struct allow_refusals {
	const char *second, *both;
};

/* The header of an allowlist table of a rule or of the whole set: one
 * [allowlist] or any number of [[allowlists]], never both (no says how
 * that is refused). A new allowlist on *v, or HUSH_E*. */
static int allow_start(struct loader *L, const struct toml_event *ev, const struct allow_refusals *no,
		       bool *has_old, bool *has_new, struct rs_allow **v, size_t *n)
{
	if (!ev->array && *has_old)
		return lfail(L, ev->line, "%s", no->second);
	if (ev->array ? *has_old : *has_new)
		return lfail(L, ev->line, "%s", no->both);
	*(ev->array ? has_new : has_old) = true;
	return new_allow(v, n, ev->line) ? 0 : HUSH_ENOMEM;
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
	if (key_is(k, "stopwords"))
		return push_strs(L, ev, &a->stopwords, true);
	if (key_is(k, "commits")) {
		if ((rc = want_strings(L, ev)) < 0)
			return rc;
		a->ncommits += ev->value->n;
		return 0;
	}
	if (global && key_is(k, "targetRules"))
		return push_strs(L, ev, &a->target_rules, false);
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
			if (v->items[i].slen && (rc = push_str(&r->keywords, v->items[i].s, v->items[i].slen, true)) < 0)
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
			if (array_grow(&rs->rules, &rs->caprules, rs->nrules + 1, sizeof(*rs->rules), 64) < 0)
				return HUSH_ENOMEM;
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
			static const struct allow_refusals rule_no = {
				"a second [rules.allowlist] for one rule (use [[rules.allowlists]])",
				"a rule with both [rules.allowlist] and [[rules.allowlists]]",
			};
			if ((rc = allow_start(L, ev, &rule_no, &L->rule_has_old_allow, &L->rule_has_new_allow,
					      &r->allow, &r->nallow)) < 0)
				return rc;
			L->ctx = CTX_RULE_ALLOW;
		} else if (ev->npath == 1 && ((!ev->array && key_is(a, "allowlist")) ||
					      (ev->array && key_is(a, "allowlists")))) {
			static const struct allow_refusals set_no = {
				"a second [allowlist] (use [[allowlists]])", "both [allowlist] and [[allowlists]]",
			};
			if ((rc = allow_start(L, ev, &set_no, &L->global_has_old_allow, &L->global_has_new_allow,
					      &rs->allow, &rs->nallow)) < 0)
				return rc;
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
		if (key_is(ev->key, "disabledRules"))
			return push_strs(L, ev, &rs->disabled, false);
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
			    strv_push(&rs->keywords, r->keywords.v[k]) < 0)
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

