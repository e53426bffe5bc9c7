/* SPDX-License-Identifier: ISC */
/* Unit tests for common/dotenv.c: every accepted form, every error with its
 * line number, offsets, caps, and that a value is wiped after its callback. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dotenv.h"
#include "common/err.h"
#include "t.h"

#define MAXE 32

struct got {
	int n;
	char name[MAXE][130];
	char value[MAXE][256];
	size_t vlen[MAXE];
	int line[MAXE], end_line[MAXE];
	size_t start[MAXE], end[MAXE], name_off[MAXE];
	bool exported[MAXE], expansion[MAXE];
	char quote[MAXE];
	int nerr;
	int err_line[MAXE];
	char err_why[MAXE][64];
	const char *last_value_ptr;
	int stop_at;
};

static int on_entry(void *ctx, const struct dotenv_entry *e)
{
	struct got *g = ctx;
	if (g->n >= MAXE)
		return 1;
	int i = g->n++;
	snprintf(g->name[i], sizeof(g->name[i]), "%s", e->name);
	size_t l = e->value_len < 255 ? e->value_len : 255;
	memcpy(g->value[i], e->value, l);
	g->value[i][l] = 0;
	g->vlen[i] = e->value_len;
	g->line[i] = e->line;
	g->end_line[i] = e->end_line;
	g->start[i] = e->start;
	g->end[i] = e->end;
	g->name_off[i] = e->name_off;
	g->exported[i] = e->exported;
	g->expansion[i] = e->has_expansion;
	g->quote[i] = e->quote;
	g->last_value_ptr = e->value;
	if (g->stop_at && g->n == g->stop_at)
		return 42;
	return 0;
}

static void on_error(void *ctx, int line, const char *why)
{
	struct got *g = ctx;
	if (g->nerr >= MAXE)
		return;
	g->err_line[g->nerr] = line;
	snprintf(g->err_why[g->nerr], sizeof(g->err_why[0]), "%s", why);
	g->nerr++;
}

static int parse(const char *s, struct got *g)
{
	memset(g, 0, sizeof(*g));
	return dotenv_parse(s, strlen(s), on_entry, on_error, g);
}

static void test_forms(void)
{
	struct got g;
	const char *in =
		"# comment\n"
		"\n"
		"PLAIN=value\n"
		"export EXP=exported\n"
		"  SPACED = padded value   \n"
		"COMMENTED=abc # trailing comment\n"
		"HASH=abc#def\n"
		"DQ=\"line\\nnext\\t\\\"q\\\" \\\\ \\$HOME\"\n"
		"SQ='literal \\n $HOME'\n"
		"MULTI=\"first\n"
		"second\"\n"
		"SMULTI='a\n"
		"b\n"
		"c' # after\n"
		"EMPTY=\n"
		"EMPTYQ=\"\"\n"
		"EXPAND=$HOME/x\n"
		"EXPAND2=\"${USER}\"\n"
		"CMD=`id`\n"
		"CRLF=windows\r\n"
		"LAST=no newline";
	ok(parse(in, &g) == 0, "parse succeeds");
	ok(g.nerr == 0, "no errors (%d)", g.nerr);
	ok(g.n == 16, "16 entries (%d)", g.n);
	if (g.n != 16)
		return;
	ok(!strcmp(g.name[0], "PLAIN") && !strcmp(g.value[0], "value") && g.line[0] == 3 &&
	   !g.exported[0] && g.quote[0] == 0, "plain");
	ok(!strcmp(g.name[1], "EXP") && !strcmp(g.value[1], "exported") && g.exported[1], "export prefix");
	ok(!strcmp(g.name[2], "SPACED") && !strcmp(g.value[2], "padded value"),
	   "spaces around = and value trimmed");
	ok(!strcmp(g.value[3], "abc"), "trailing comment removed");
	ok(!strcmp(g.value[4], "abc#def"), "# inside a word kept");
	ok(!strcmp(g.value[5], "line\nnext\t\"q\" \\ $HOME") && g.quote[5] == '"' && !g.expansion[5],
	   "double-quote escapes; escaped $ is no expansion");
	ok(!strcmp(g.value[6], "literal \\n $HOME") && g.quote[6] == '\'' && !g.expansion[6],
	   "single quotes are literal");
	ok(!strcmp(g.value[7], "first\nsecond") && g.line[7] == 10 && g.end_line[7] == 11,
	   "multi-line double-quoted value, lines 10-11");
	ok(!strcmp(g.value[8], "a\nb\nc") && g.line[8] == 12 && g.end_line[8] == 14,
	   "multi-line single-quoted value with comment after");
	ok(!strcmp(g.name[9], "EMPTY") && g.vlen[9] == 0, "empty value");
	ok(!strcmp(g.name[10], "EMPTYQ") && g.vlen[10] == 0 && g.quote[10] == '"', "empty quoted value");
	ok(g.expansion[11] && g.expansion[12] && g.expansion[13], "$VAR, ${VAR}, backticks flagged");
	ok(!g.expansion[0] && !g.expansion[2], "plain values not flagged");
	ok(!strcmp(g.value[14], "windows"), "CRLF line ending stripped");
	ok(!strcmp(g.name[15], "LAST") && !strcmp(g.value[15], "no newline") && g.line[15] == 21,
	   "last line without newline");
	/* Offsets: the PLAIN line, and the multi-line entry's span. */
	size_t plain_off = (size_t)(strstr(in, "PLAIN") - in);
	ok(g.start[0] == plain_off && g.name_off[0] == plain_off &&
	   g.end[0] == plain_off + strlen("PLAIN=value\n"), "offsets of a simple entry");
	size_t exp_off = (size_t)(strstr(in, "export EXP") - in);
	ok(g.start[1] == exp_off && g.name_off[1] == exp_off + 7, "name offset after export");
	size_t m_off = (size_t)(strstr(in, "MULTI=") - in);
	size_t m_end = (size_t)(strstr(in, "SMULTI") - in);
	ok(g.start[7] == m_off && g.end[7] == m_end, "a multi-line entry spans to its last line");
	ok(g.end[15] == strlen(in), "last entry ends at end of input");
}

static void test_errors(void)
{
	struct got g;
	const char *in =
		"GOOD=1\n"              /* 1 */
		"no equals here\n"      /* 2 */
		"1BAD=x\n"              /* 3 */
		"BAD-NAME=x\n"          /* 4 */
		"Q=\"closed\" junk\n"   /* 5 */
		"=novalue\n"            /* 6 */
		"export\n"              /* 7 */
		"AFTER=2\n"             /* 8 */
		"U=\"never closed\n"    /* 9 */
		"TAIL=3\n";             /* 10 */
	ok(parse(in, &g) == 0, "errors do not stop parsing");
	ok(g.n == 3 && !strcmp(g.name[0], "GOOD") && !strcmp(g.name[1], "AFTER") &&
	   !strcmp(g.name[2], "TAIL"), "good entries around bad lines (%d)", g.n);
	ok(g.n == 3 && g.line[1] == 8 && g.line[2] == 10, "line numbers stay right after errors");
	ok(g.nerr == 7, "seven errors (%d)", g.nerr);
	int want[] = { 2, 3, 4, 5, 6, 7, 9 };
	bool lines_ok = g.nerr == 7;
	for (int i = 0; lines_ok && i < 7; i++)
		lines_ok = g.err_line[i] == want[i];
	ok(lines_ok, "errors carry their line numbers");
	ok(g.nerr == 7 && strstr(g.err_why[4 - 1], "closing quote") && strstr(g.err_why[6], "unterminated"),
	   "errors say what is wrong");
	ok(g.nerr == 7 && strstr(g.err_why[2], "invalid variable name"), "bad name reported as such");
}

static void test_limits(void)
{
	struct got g;
	size_t n = DOTENV_MAX_LINE + 10;
	char *big = malloc(n + 32);
	memcpy(big, "LONG=", 5);
	memset(big + 5, 'x', n);
	strcpy(big + 5 + n, "\nOK=1\n");
	memset(&g, 0, sizeof(g));
	ok(dotenv_parse(big, strlen(big), on_entry, on_error, &g) == 0 && g.nerr == 1 &&
	   g.err_line[0] == 1 && strstr(g.err_why[0], "too long") && g.n == 1 && g.line[0] == 2,
	   "over-long line reported and skipped");
	free(big);
	memset(&g, 0, sizeof(g));
	ok(dotenv_parse("A=1", (size_t)DOTENV_MAX_INPUT + 1, on_entry, on_error, &g) == HUSH_ETOOBIG &&
	   g.n == 0, "input over the cap refused before reading");
	static const char withnul[] = "A=x\0y\nB=2\n";
	memset(&g, 0, sizeof(g));
	ok(dotenv_parse(withnul, sizeof(withnul) - 1, on_entry, on_error, &g) == 0 && g.nerr == 1 &&
	   g.n == 1 && !strcmp(g.name[0], "B"), "NUL byte in a line is an error");
	char longname[200] = "";
	memset(longname, 'N', 150);
	strcat(longname, "=v\n");
	ok(parse(longname, &g) == 0 && g.n == 0 && g.nerr == 1, "over-long name refused");
	ok(parse("", &g) == 0 && g.n == 0 && g.nerr == 0, "empty input");
	ok(parse("\xEF\xBB\xBF" "BOM=1\n", &g) == 0 && g.n == 1 && !strcmp(g.name[0], "BOM") &&
	   g.name_off[0] == 3 && g.nerr == 0, "a UTF-8 byte order mark is skipped");
	memset(&g, 0, sizeof(g));
	g.stop_at = 1;
	ok(dotenv_parse("A=1\nB=2\n", 8, on_entry, on_error, &g) == 42 && g.n == 1,
	   "a callback's nonzero result stops parsing and is returned");
}

static const char *seen_ptr;
static size_t seen_len;
static int keep_ptr(void *ctx, const struct dotenv_entry *e)
{
	(void)ctx;
	seen_ptr = e->value;
	seen_len = e->value_len;
	return 0;
}
static int check_wiped(void *ctx, const struct dotenv_entry *e)
{
	(void)e;
	bool *wiped = ctx;
	/* The previous value's bytes were wiped before this callback. */
	for (size_t i = 0; i < seen_len; i++)
		if (seen_ptr[i] != 0)
			*wiped = false;
	return 0;
}
static int both(void *ctx, const struct dotenv_entry *e)
{
	check_wiped(ctx, e);
	return keep_ptr(ctx, e);
}

static void test_wipe(void)
{
	bool wiped = true;
	seen_ptr = NULL;
	seen_len = 0;
	ok(dotenv_parse("A=secretvalue\nB=\n", 17, both, NULL, &wiped) == 0 && wiped,
	   "a value is wiped once its callback returns");
}

T_MAIN(test_forms, test_errors, test_limits, test_wipe)
