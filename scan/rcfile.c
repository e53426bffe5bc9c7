/* SPDX-License-Identifier: ISC */
/* Shell rc-file parser for hush migrate (see rcfile.h for the grammar).
 * Works line by line over a length-capped buffer; values are decoded into
 * sodium_malloc memory and wiped after each callback. */
#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "scan/rcfile.h"

#define RC_MAX_EXPORT_NAMES 512

enum rc_shell rcfile_shell_for(const char *path)
{
	size_t n = strlen(path);
	return n >= 5 && !strcmp(path + n - 5, ".fish") ? RC_SHELL_FISH : RC_SHELL_SH;
}

struct cursor {
	const char *d;
	size_t i, e; /* position and end of the line (newline excluded) */
};

static bool at_end(const struct cursor *c)
{
	return c->i >= c->e;
}

static void skip_blanks(struct cursor *c)
{
	while (!at_end(c) && (c->d[c->i] == ' ' || c->d[c->i] == '\t'))
		c->i++;
}

static bool name_start(char ch)
{
	return isalpha((unsigned char)ch) || ch == '_';
}

static bool name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* Reads a variable name into out (HUSH_MAX_NAME); false if none. */
static bool read_name(struct cursor *c, char *out)
{
	size_t s = c->i;
	if (at_end(c) || !name_start(c->d[c->i]))
		return false;
	while (!at_end(c) && name_char(c->d[c->i]))
		c->i++;
	size_t n = c->i - s;
	if (n >= HUSH_MAX_NAME) {
		c->i = s;
		return false;
	}
	memcpy(out, c->d + s, n);
	out[n] = 0;
	return true;
}

/* Reads a bare word (letters, digits, -, _, +) into out[cap]. */
static size_t read_word(struct cursor *c, char *out, size_t cap)
{
	size_t n = 0;
	while (!at_end(c) && !isspace((unsigned char)c->d[c->i]) && c->d[c->i] != ';' &&
	       c->d[c->i] != '#') {
		if (n + 1 < cap)
			out[n++] = c->d[c->i];
		c->i++;
	}
	out[n] = 0;
	return n;
}

static bool expands(const char *d, size_t i, size_t e)
{
	return i + 1 < e && (name_start(d[i + 1]) || strchr("{(@*#?$!-0123456789", d[i + 1]));
}

/* A double-quoted part at c->i, decoded onto v[*n]: a backslash undoes
 * only the characters it escapes in the shell ("$`\"\\" for sh, "\"$\\"
 * for fish); *dyn is set where the shell would expand. False (and *why)
 * when the closing quote is not on this line. */
static bool dquoted(struct cursor *c, char *v, size_t *n, bool fish, bool *dyn, const char **why)
{
	const char *d = c->d;
	const char *escapes = fish ? "\"$\\" : "$`\"\\";
	size_t q = c->i + 1;
	while (q < c->e && d[q] != '"') {
		if (d[q] == '\\' && q + 1 < c->e && strchr(escapes, d[q + 1])) {
			v[(*n)++] = d[q + 1];
			q += 2;
			continue;
		}
		if (fish ? d[q] == '$' : d[q] == '`' || (d[q] == '$' && expands(d, q, c->e)))
			*dyn = true;
		v[(*n)++] = d[q++];
	}
	if (q >= c->e) {
		*why = "value spans several lines";
		c->i = c->e;
		return false;
	}
	c->i = q + 1;
	return true;
}

/* A POSIX shell word: decodes into v (cap bytes), sets *dyn for
 * expansions, *why for things we do not rewrite. Stops at an unquoted
 * blank or operator. */
static void sh_word(struct cursor *c, char *v, size_t *vn, bool *dyn, const char **why)
{
	size_t n = 0;
	const char *d = c->d;
	if (!at_end(c) && d[c->i] == '~')
		*dyn = true;
	while (!at_end(c)) {
		char ch = d[c->i];
		if (ch == ' ' || ch == '\t' || ch == ';' || ch == '&' || ch == '|' || ch == '<' ||
		    ch == '>' || ch == ')')
			break;
		if (ch == '(') {
			*why = "array or subshell value";
			break;
		}
		if (ch == '\\') {
			if (c->i + 1 >= c->e) {
				*why = "continued line";
				c->i++;
				break;
			}
			v[n++] = d[c->i + 1];
			c->i += 2;
		} else if (ch == '\'') {
			size_t q = c->i + 1;
			while (q < c->e && d[q] != '\'')
				q++;
			if (q >= c->e) {
				*why = "value spans several lines";
				c->i = c->e;
				break;
			}
			memcpy(v + n, d + c->i + 1, q - c->i - 1);
			n += q - c->i - 1;
			c->i = q + 1;
		} else if (ch == '$' && c->i + 1 < c->e && (d[c->i + 1] == '\'' || d[c->i + 1] == '"')) {
			*why = "ANSI-C or locale quoting";
			c->i += 2;
		} else if (ch == '"') {
			if (!dquoted(c, v, &n, false, dyn, why))
				break;
		} else if (ch == '$' && c->i + 1 < c->e && (d[c->i + 1] == '(' || d[c->i + 1] == '{')) {
			/* $(...) or ${...}: skip to the matching bracket */
			char open = d[c->i + 1], close = open == '(' ? ')' : '}';
			int depth = 0;
			size_t q = c->i + 1;
			for (; q < c->e; q++) {
				if (d[q] == open)
					depth++;
				else if (d[q] == close && --depth == 0)
					break;
			}
			*dyn = true;
			if (q >= c->e) {
				*why = "value spans several lines";
				c->i = c->e;
				break;
			}
			memcpy(v + n, d + c->i, q + 1 - c->i);
			n += q + 1 - c->i;
			c->i = q + 1;
		} else {
			if (ch == '`' || (ch == '$' && expands(d, c->i, c->e)))
				*dyn = true;
			v[n++] = ch;
			c->i++;
		}
	}
	v[n] = 0;
	*vn = n;
}

/* A fish token (same conventions as sh_word). */
static void fish_word(struct cursor *c, char *v, size_t *vn, bool *dyn, const char **why)
{
	size_t n = 0;
	const char *d = c->d;
	while (!at_end(c)) {
		char ch = d[c->i];
		if (ch == ' ' || ch == '\t' || ch == ';' || ch == '&' || ch == '|' || ch == '<' || ch == '>')
			break;
		if (ch == '\\') {
			if (c->i + 1 >= c->e) {
				*why = "continued line";
				c->i++;
				break;
			}
			char nx = d[c->i + 1];
			if (isalnum((unsigned char)nx))
				*why = "escape sequence in the value";
			v[n++] = nx;
			c->i += 2;
		} else if (ch == '\'') {
			size_t q = c->i + 1;
			while (q < c->e && d[q] != '\'') {
				if (d[q] == '\\' && q + 1 < c->e && (d[q + 1] == '\'' || d[q + 1] == '\\'))
					q++;
				v[n++] = d[q++];
			}
			if (q >= c->e) {
				*why = "value spans several lines";
				c->i = c->e;
				break;
			}
			c->i = q + 1;
		} else if (ch == '"') {
			if (!dquoted(c, v, &n, true, dyn, why))
				break;
		} else {
			if (ch == '$' || ch == '(')
				*dyn = true;
			else if (strchr("*?{}[]~", ch))
				*why = "wildcard or brace expansion";
			else if (ch == '#' && n == 0)
				break;
			v[n++] = ch;
			c->i++;
		}
	}
	v[n] = 0;
	*vn = n;
}

/* Rest of the line after the value: nothing, or a comment. */
static bool rest_is_empty(struct cursor *c)
{
	skip_blanks(c);
	return at_end(c) || c->d[c->i] == '#';
}

struct export_names {
	char (*v)[HUSH_MAX_NAME];
	size_t n;
};

static bool names_has(const struct export_names *x, const char *name)
{
	for (size_t i = 0; i < x->n; i++)
		if (!strcmp(x->v[i], name))
			return true;
	return false;
}

static bool word_is(struct cursor *c, const char *w)
{
	size_t l = strlen(w);
	if (c->i + l > c->e || memcmp(c->d + c->i, w, l) != 0)
		return false;
	if (c->i + l < c->e && !isspace((unsigned char)c->d[c->i + l]))
		return false;
	c->i += l;
	return true;
}

/* Here-document start: "<<WORD", "<<-WORD", "<<'WORD'" (not "<<<"). */
static bool heredoc_word(const char *d, size_t s, size_t e, char *word, size_t cap, bool *dash)
{
	for (size_t i = s; i + 1 < e; i++) {
		if (d[i] == '<' && d[i + 1] == '<' && (i + 2 >= e || d[i + 2] != '<') &&
		    (i == s || d[i - 1] != '<')) {
			size_t p = i + 2;
			*dash = p < e && d[p] == '-';
			if (*dash)
				p++;
			while (p < e && (d[p] == ' ' || d[p] == '\t'))
				p++;
			if (p < e && (d[p] == '\'' || d[p] == '"'))
				p++;
			size_t n = 0;
			while (p < e && name_char(d[p]) && n + 1 < cap)
				word[n++] = d[p++];
			word[n] = 0;
			return n > 0;
		}
	}
	return false;
}

#define WHY_SEVERAL "several assignments on one line"
#define WHY_OTHER "other commands on the same line"

/* One exported assignment found on a line. */
struct found {
	char name[HUSH_MAX_NAME];
	size_t vn;        /* the value's length (decoded into the caller's buffer) */
	bool dyn;
	const char *why;  /* why it cannot be rewritten, or NULL */
};

/* fish: "set -gx NAME VALUE" (also -x, -Ux, --export, with --global,
 * --universal, --local or --function). True when the line exports a
 * variable; its value is then in val. */
static bool fish_line(struct cursor *c, char *val, struct found *f)
{
	char opt[64];
	bool exported = false, skip = false;
	if (!word_is(c, "set"))
		return false;
	for (;;) {
		skip_blanks(c);
		if (at_end(c) || c->d[c->i] != '-')
			break;
		read_word(c, opt, sizeof(opt));
		if (!strcmp(opt, "--export"))
			exported = true;
		else if (!strncmp(opt, "--", 2))
			skip |= strcmp(opt, "--global") && strcmp(opt, "--universal") &&
				strcmp(opt, "--local") && strcmp(opt, "--function");
		else {
			exported |= strchr(opt, 'x') != NULL;
			skip |= strspn(opt + 1, "gxUlf") != strlen(opt + 1);
		}
	}
	if (skip || !exported || !read_name(c, f->name))
		return false;
	if (at_end(c) || !isspace((unsigned char)c->d[c->i]))
		return false;
	skip_blanks(c);
	if (at_end(c) || c->d[c->i] == '#' || c->d[c->i] == ';')
		return false;
	fish_word(c, val, &f->vn, &f->dyn, &f->why);
	skip_blanks(c);
	if (!f->why && !at_end(c) && c->d[c->i] != '#')
		f->why = (c->d[c->i] == ';' || c->d[c->i] == '&' || c->d[c->i] == '|')
				 ? WHY_OTHER : "list value";
	return true;
}

/* What follows NAME=VALUE on an sh line when it is not a comment:
 * "; export NAME" exports it (NULL is returned, *exported set); another
 * assignment or a command makes the line not movable. */
static const char *sh_trailer(const struct cursor *c, const char *name, bool *exported)
{
	struct cursor q = *c;
	skip_blanks(&q);
	if (!at_end(&q) && q.d[q.i] == ';') {
		q.i++;
		skip_blanks(&q);
		char other[HUSH_MAX_NAME];
		if (word_is(&q, "export")) {
			skip_blanks(&q);
			if (read_name(&q, other) && !strcmp(other, name) && rest_is_empty(&q)) {
				*exported = true;
				return NULL;
			}
		}
	}
	struct cursor z = *c;
	skip_blanks(&z);
	char nm2[HUSH_MAX_NAME];
	if (read_name(&z, nm2) && !at_end(&z) && z.d[z.i] == '=')
		return WHY_SEVERAL;
	return WHY_OTHER;
}

/* sh: [export | declare/typeset/local/readonly [-x ...]] NAME=VALUE. True
 * when the line sets an exported variable (its value then in val). The
 * collect pass only remembers the names of "export NAME [NAME...]". */
static bool sh_line(struct cursor *c, struct export_names *names, bool collect, char *val,
		    struct found *f)
{
	char opt[64];
	bool exported = false, kw_export = false, kw_declare = false;
	if (word_is(c, "export"))
		kw_export = true;
	else if (word_is(c, "declare") || word_is(c, "typeset") || word_is(c, "local") ||
		 word_is(c, "readonly"))
		kw_declare = true;
	if (kw_export || kw_declare) {
		for (;;) {
			skip_blanks(c);
			if (at_end(c) || c->d[c->i] != '-')
				break;
			read_word(c, opt, sizeof(opt));
			if (kw_declare && strchr(opt, 'x'))
				exported = true;
			if (kw_declare && strchr(opt, 'a'))
				kw_declare = false; /* arrays are not exported */
		}
		exported |= kw_export;
	}
	if (!read_name(c, f->name))
		return false;
	if (at_end(c) || c->d[c->i] != '=') {
		/* "export NAME [NAME...]": remember the names */
		while (collect && kw_export) {
			if (names->n < RC_MAX_EXPORT_NAMES && !names_has(names, f->name))
				memcpy(names->v[names->n++], f->name, HUSH_MAX_NAME);
			skip_blanks(c);
			if (!read_name(c, f->name))
				break;
		}
		return false;
	}
	if (collect)
		return false;
	c->i++;
	sh_word(c, val, &f->vn, &f->dyn, &f->why);
	struct cursor r = *c;
	if (!f->why && !rest_is_empty(&r))
		f->why = sh_trailer(c, f->name, &exported);
	bool listed = names_has(names, f->name); /* a later "export NAME" */
	exported |= listed;
	if (!exported || (f->why && !strcmp(f->why, WHY_OTHER) && !kw_export && !kw_declare && !listed)) {
		/* a plain shell variable or a command's env prefix */
		sodium_memzero(val, f->vn);
		return false;
	}
	return true;
}

/* Hands ent to fn, then for "export A=1 B=2" every further assignment on
 * the line (reported, none rewritten); the value is wiped after each.
 * Returns fn's first nonzero result, or 0. */
static int emit(struct rc_entry *ent, struct cursor *c, enum rc_shell sh, char *name, char *val,
		rc_entry_fn fn, void *ctx)
{
	int rc = fn(ctx, ent);
	sodium_memzero(val, ent->value_len + 1);
	bool several = sh == RC_SHELL_SH && ent->why_not && !strcmp(ent->why_not, WHY_SEVERAL);
	while (rc == 0 && several) {
		skip_blanks(c);
		if (!read_name(c, name) || at_end(c) || c->d[c->i] != '=')
			break;
		c->i++;
		const char *w2 = NULL;
		bool dyn = false;
		size_t vn;
		sh_word(c, val, &vn, &dyn, &w2);
		if (memchr(val, 0, vn))
			vn = 0; /* never hand out a value with a NUL */
		ent->value_len = vn;
		ent->dynamic = dyn;
		ent->why_not = WHY_SEVERAL;
		rc = fn(ctx, ent);
		sodium_memzero(val, vn + 1);
	}
	return rc;
}

static int parse_lines(const char *d, size_t len, enum rc_shell sh, struct export_names *names,
		       bool collect, char *val, rc_entry_fn fn, void *ctx)
{
	int lineno = 0;
	char hd[64] = "";
	bool hd_dash = false, cont = false;
	for (size_t s = 0, next; s < len; s = next) {
		const char *nl = memchr(d + s, '\n', len - s);
		size_t e = nl ? (size_t)(nl - d) : len;
		next = nl ? e + 1 : len;
		lineno++;
		size_t ce = e;
		if (ce > s && d[ce - 1] == '\r')
			ce--;
		if (ce - s > RCFILE_MAX_LINE)
			return HUSH_ETOOBIG;
		struct cursor c = { d, s, ce };
		bool was_cont = cont;
		cont = ce > s && d[ce - 1] == '\\';
		if (hd[0]) {
			skip_blanks(&c);
			size_t from = hd_dash ? c.i : s;
			if (ce - from == strlen(hd) && !memcmp(d + from, hd, ce - from))
				hd[0] = 0;
			continue;
		}
		if (was_cont || (sh == RC_SHELL_SH && heredoc_word(d, s, ce, hd, sizeof(hd), &hd_dash)))
			continue;
		skip_blanks(&c);
		size_t indent = c.i - s;
		struct found f = { .why = NULL };
		bool entry = sh == RC_SHELL_FISH ? !collect && fish_line(&c, val, &f)
						 : sh_line(&c, names, collect, val, &f);
		if (!entry)
			continue;
		if (!f.why && memchr(val, 0, f.vn))
			f.why = "NUL byte in the value";
		struct rc_entry ent = {
			.name = f.name, .value = val, .value_len = f.vn, .line = lineno, .start = s,
			.end = next, .indent = indent, .dynamic = f.dyn, .why_not = f.why,
		};
		int rc = emit(&ent, &c, sh, f.name, val, fn, ctx);
		if (rc)
			return rc;
	}
	return 0;
}

int rcfile_parse(const char *data, size_t len, enum rc_shell sh, rc_entry_fn fn, void *ctx)
{
	if (len > RCFILE_MAX_INPUT)
		return HUSH_ETOOBIG;
	if (sodium_init() < 0)
		return HUSH_ENOMEM;
	struct export_names names = { 0 };
	names.v = calloc(RC_MAX_EXPORT_NAMES, sizeof(*names.v));
	char *val = sodium_malloc(RCFILE_MAX_LINE + 1);
	if (!names.v || !val) {
		free(names.v);
		if (val)
			sodium_free(val);
		return HUSH_ENOMEM;
	}
	int rc = 0;
	if (sh == RC_SHELL_SH)
		rc = parse_lines(data, len, sh, &names, true, val, fn, ctx);
	if (rc == 0)
		rc = parse_lines(data, len, sh, &names, false, val, fn, ctx);
	sodium_free(val);
	free(names.v);
	return rc;
}
