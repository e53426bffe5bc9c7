/* SPDX-License-Identifier: ISC */
/* dotenv syntax parser, shared by hush import, hush migrate and hush scan.
 *
 * Accepts: blank lines, "# comments", optional "export ", NAME=value,
 * NAME="double quoted with \n \t \\ \" \$ escapes, may span lines",
 * NAME='single quoted, literal, may span lines', unquoted values with
 * trailing " # comment" removed and surrounding whitespace trimmed.
 * Every input line is capped at DOTENV_MAX_LINE bytes and the whole input at
 * DOTENV_MAX_INPUT. */
#ifndef HUSH_DOTENV_H
#define HUSH_DOTENV_H

#include <stdbool.h>
#include <stddef.h>

#define DOTENV_MAX_LINE (64 * 1024)
#define DOTENV_MAX_INPUT (16 * 1024 * 1024)

struct dotenv_entry {
	const char *name;   /* NUL-terminated, valid env name */
	const char *value;  /* NUL-terminated; valid only during the callback,
			       wiped afterwards */
	size_t value_len;
	int line;           /* 1-based line of NAME */
	int end_line;       /* last line the value spans */
	size_t start;       /* byte offset of the line start */
	size_t end;         /* byte offset just past the entry's last line
			       (including its newline, if any) */
	size_t name_off;    /* byte offset of NAME */
	bool exported;      /* "export " prefix */
	char quote;         /* 0, '"' or '\'' */
	bool has_expansion; /* unquoted or double-quoted value contains $VAR,
			       ${..}, $(..) or backticks */
};

/* Called for each entry; return nonzero to stop parsing (that value is
 * returned by dotenv_parse). */
typedef int (*dotenv_entry_fn)(void *ctx, const struct dotenv_entry *e);
/* Called for each line that cannot be parsed; why is a static string. */
typedef void (*dotenv_error_fn)(void *ctx, int line, const char *why);

/* Parses data[len]. Returns 0, HUSH_ETOOBIG, HUSH_ENOMEM, or the first
 * nonzero callback result. Parse errors go to on_error (may be NULL) and
 * do not stop parsing. */
int dotenv_parse(const char *data, size_t len, dotenv_entry_fn on_entry,
		 dotenv_error_fn on_error, void *ctx);

#endif
