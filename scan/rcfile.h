/* SPDX-License-Identifier: ISC */
/* Shell rc-file parsing for hush migrate: finds the variables a bash, zsh
 * or fish startup file exports, with their decoded values and the exact
 * byte range of the line that sets them.
 *
 * Recognised (one statement a line; anything else on the line makes the
 * entry "not movable" with a reason):
 *   sh:   export NAME=VALUE, declare -x / typeset -x NAME=VALUE,
 *         NAME=VALUE; export NAME, NAME=VALUE with a later "export NAME"
 *   fish: set -gx / -x / -Ux / --export [--global] NAME VALUE
 * VALUE: unquoted words, '...', "..." and concatenations. Values built from
 * $VAR, ${...}, $(...) or backticks are flagged dynamic: reported, never
 * moved. Lines inside here-documents and continued lines are skipped.
 * Input is capped at RCFILE_MAX_INPUT bytes and each line at
 * RCFILE_MAX_LINE. */
#ifndef HUSH_SCAN_RCFILE_H
#define HUSH_SCAN_RCFILE_H

#include <stdbool.h>
#include <stddef.h>

#define RCFILE_MAX_INPUT (4u * 1024 * 1024)
#define RCFILE_MAX_LINE (64u * 1024)

enum rc_shell { RC_SHELL_SH = 0, RC_SHELL_FISH = 1 };

struct rc_entry {
	const char *name;      /* NUL-terminated, valid env name */
	const char *value;     /* decoded, NUL-terminated; valid during the
				  callback only, wiped afterwards */
	size_t value_len;
	int line;              /* 1-based */
	size_t start, end;     /* the line's bytes [start, end), newline included */
	size_t indent;         /* leading blanks of the line */
	bool dynamic;          /* built from a command or another variable */
	const char *why_not;   /* NULL when the line can be rewritten; else a
				  static reason it cannot */
};

/* Return nonzero to stop (that value is returned by rcfile_parse). */
typedef int (*rc_entry_fn)(void *ctx, const struct rc_entry *e);

/* Parses data[len] and calls fn for every exported variable. Returns 0,
 * HUSH_ETOOBIG, HUSH_ENOMEM or fn's nonzero result. */
int rcfile_parse(const char *data, size_t len, enum rc_shell sh, rc_entry_fn fn, void *ctx);

/* fish for *.fish files, sh otherwise. */
enum rc_shell rcfile_shell_for(const char *path);

#endif
