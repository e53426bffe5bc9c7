/* SPDX-License-Identifier: ISC */
/* Running a gitleaks-format ruleset (see ruleset.h; loaded by
 * scan/ruleset_load.c) over one file. A file gets one pass of the literal
 * database of every keyword and of the literals each regex's matches must
 * hold. A rule whose keywords are absent is skipped (gitleaks' rule); so
 * is one whose required literals are absent (no match is possible). Otherwise its PCRE2 regex is tried only
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
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/array.h"
#include "common/util.h"
#include "common/err.h"
#include "scan/rules.h"
#include "scan/ruleset_int.h"

/* The literal pass's callback for the ruleset's literals: a keyword is
 * marked seen, a required literal's occurrence is kept (past RS_MAX_OCC
 * the file is marked for whole-file runs). */
static void on_kw(unsigned id, size_t to, void *ctx)
{
	struct scan_rules_scratch *sc = ctx;
	if (id < sc->nseen) {
		sc->seen[id] = 1;
		return;
	}
	if (sc->nocc >= RS_MAX_OCC ||
	    array_grow(&sc->occ, &sc->capocc, sc->nocc + 1, sizeof(*sc->occ), 1024) < 0) {
		sc->overflow = true; /* the rules run over the whole file */
		return;
	}
	size_t k = id - sc->nseen;
	sc->occ[sc->nocc++] = (struct occ){ sc->rs->lit_rule[k], sc->rs->lit_len[k], to };
}

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
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	FREE_ALL(sc->occ, sc->byrule, sc->first, sc->seen, sc);
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
		return hits_push(out, r->id, r->title ? r->title : r->id, 0, 0, SCAN_CONF_MEDIUM, 0);
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
