/* SPDX-License-Identifier: ISC */
/* dotenv parser: see dotenv.h for the accepted syntax.
 *
 * The input is walked line by line; a quoted value may continue over
 * further lines until its closing quote. Values are decoded into one
 * sodium_malloc scratch buffer, wiped after each callback. A line that
 * cannot be parsed is reported and skipped; parsing resumes on the next
 * line (for an unterminated quote: the line after the NAME). */
#include "common/dotenv.h"

#include <sodium.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"

struct parser {
	const char *d;
	size_t len;
	char *val;        /* scratch, len + 1 bytes */
	size_t vlen;
	dotenv_entry_fn on_entry;
	dotenv_error_fn on_error;
	void *ctx;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static size_t line_end(const struct parser *P, size_t pos)
{
	const char *nl = memchr(P->d + pos, '\n', P->len - pos);
	return nl ? (size_t)(nl - P->d) : P->len;
}

/* Offset just past the line containing pos (past its newline if any). */
static size_t next_line(const struct parser *P, size_t pos)
{
	size_t e = line_end(P, pos);
	return e < P->len ? e + 1 : e;
}

static void error(struct parser *P, int line, const char *why)
{
	if (P->on_error)
		P->on_error(P->ctx, line, why);
}

static bool expansion_at(const char *s, size_t i, size_t n)
{
	if (s[i] == '`')
		return true;
	if (s[i] != '$' || i + 1 >= n)
		return false;
	char c = s[i + 1];
	return c == '{' || c == '(' || c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Parses a quoted value starting at the opening quote at *pos. On success
 * *pos is just past the closing quote and *line counts the newlines seen. */
static int parse_quoted(struct parser *P, size_t *pos, int *line, bool *expansion)
{
	char q = P->d[*pos];
	size_t i = *pos + 1;
	P->vlen = 0;
	while (i < P->len) {
		char c = P->d[i];
		if (c == q) {
			*pos = i + 1;
			return 0;
		}
		if (c == 0)
			return HUSH_EINVAL;
		if (c == '\n')
			(*line)++;
		if (q == '"' && c == '\\' && i + 1 < P->len) {
			/* the escapes and what each stands for */
			static const char esc[] = "ntr\\\"$`", lit[] = "\n\t\r\\\"$`";
			const char *e = P->d[i + 1] ? strchr(esc, P->d[i + 1]) : NULL;
			if (e) {
				P->val[P->vlen++] = lit[e - esc];
				i += 2;
				continue;
			}
		}
		if (q == '"' && expansion_at(P->d, i, P->len))
			*expansion = true;
		P->val[P->vlen++] = c;
		i++;
	}
	return HUSH_EFORMAT; /* unterminated */
}

/* Parses one logical entry starting at line start s. Returns the offset of
 * the next line to parse; *rc gets a callback's nonzero result. */
static size_t parse_line(struct parser *P, size_t s, int *line, int *rc)
{
	int start_line = *line;
	size_t e = line_end(P, s);
	size_t next = e < P->len ? e + 1 : e;
	if (e - s > DOTENV_MAX_LINE) {
		error(P, start_line, "line too long");
		(*line)++;
		return next;
	}
	if (memchr(P->d + s, 0, e - s)) {
		error(P, start_line, "NUL byte in line");
		(*line)++;
		return next;
	}
	size_t i = s;
	while (i < e && is_blank(P->d[i]))
		i++;
	if (i == e || P->d[i] == '#') {
		(*line)++;
		return next;
	}
	struct dotenv_entry ent;
	memset(&ent, 0, sizeof(ent));
	if (e - i > 7 && !memcmp(P->d + i, "export", 6) && (P->d[i + 6] == ' ' || P->d[i + 6] == '\t')) {
		ent.exported = true;
		i += 6;
		while (i < e && is_blank(P->d[i]))
			i++;
	}
	size_t name_start = i;
	while (i < e && is_name_char(P->d[i]))
		i++;
	size_t name_len = i - name_start;
	size_t j = i;
	while (j < e && is_blank(P->d[j]))
		j++;
	if (name_len == 0 || j >= e || P->d[j] != '=') {
		error(P, start_line, name_len && j < e && P->d[j] != '=' && !is_name_char(P->d[j]) &&
					     !is_blank(P->d[j])
				     ? "invalid variable name"
				     : "expected NAME=value");
		(*line)++;
		return next;
	}
	char name[HUSH_MAX_NAME];
	if (name_len >= sizeof(name)) {
		error(P, start_line, "invalid variable name");
		(*line)++;
		return next;
	}
	memcpy(name, P->d + name_start, name_len);
	name[name_len] = 0;
	if (!env_name_valid(name)) {
		error(P, start_line, "invalid variable name");
		(*line)++;
		return next;
	}
	i = j + 1;
	while (i < e && (P->d[i] == ' ' || P->d[i] == '\t'))
		i++;

	int cur = start_line;
	size_t entry_end;
	if (i < e && (P->d[i] == '"' || P->d[i] == '\'')) {
		ent.quote = P->d[i];
		size_t pos = i;
		int r = parse_quoted(P, &pos, &cur, &ent.has_expansion);
		if (r) {
			sodium_memzero(P->val, P->vlen);
			error(P, start_line, r == HUSH_EINVAL ? "NUL byte in quoted value"
							      : "unterminated quoted value");
			(*line)++;
			return next;
		}
		size_t qe = line_end(P, pos);
		size_t k = pos;
		while (k < qe && is_blank(P->d[k]))
			k++;
		if (k < qe && P->d[k] != '#') {
			sodium_memzero(P->val, P->vlen);
			error(P, cur, "unexpected text after the closing quote");
			*line = cur + 1;
			return qe < P->len ? qe + 1 : qe;
		}
		entry_end = qe < P->len ? qe + 1 : qe;
	} else {
		/* Unquoted: a '#' after whitespace starts a comment. */
		size_t k = i, stop = e;
		for (; k < e; k++) {
			if (P->d[k] == '#' && k > j + 1 && is_blank(P->d[k - 1])) {
				stop = k;
				break;
			}
		}
		while (stop > i && is_blank(P->d[stop - 1]))
			stop--;
		P->vlen = stop - i;
		memcpy(P->val, P->d + i, P->vlen);
		for (size_t m = 0; m < P->vlen; m++)
			if (expansion_at(P->val, m, P->vlen))
				ent.has_expansion = true;
		entry_end = next;
	}
	P->val[P->vlen] = 0;
	ent.name = name;
	ent.value = P->val;
	ent.value_len = P->vlen;
	ent.line = start_line;
	ent.end_line = cur;
	ent.start = s;
	ent.end = entry_end;
	ent.name_off = name_start;
	int r = P->on_entry ? P->on_entry(P->ctx, &ent) : 0;
	sodium_memzero(P->val, P->vlen + 1);
	P->vlen = 0;
	if (r)
		*rc = r;
	*line = cur + 1;
	return entry_end;
}

int dotenv_parse(const char *data, size_t len, dotenv_entry_fn on_entry,
		 dotenv_error_fn on_error, void *ctx)
{
	if (len > DOTENV_MAX_INPUT)
		return HUSH_ETOOBIG;
	struct parser P = { .d = data, .len = len, .on_entry = on_entry, .on_error = on_error,
			    .ctx = ctx };
	P.val = sodium_malloc(len + 1);
	if (!P.val)
		return HUSH_ENOMEM;
	int line = 1, rc = 0;
	size_t pos = 0;
	/* A UTF-8 byte order mark, as some editors write, is not part of NAME. */
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		pos = 3;
	while (pos < len && rc == 0) {
		size_t np = parse_line(&P, pos, &line, &rc);
		if (np <= pos)
			np = next_line(&P, pos);
		pos = np;
	}
	sodium_memzero(P.val, len + 1);
	sodium_free(P.val);
	return rc;
}
