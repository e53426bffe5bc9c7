/* SPDX-License-Identifier: ISC */
/* The shim's rules: parsing the HUSH_SHIM_CONFIG file, glob matching, path
 * normalisation and the "is this path hidden / is this command routed"
 * decisions. Everything here is pure (no syscalls, no allocation, no
 * LD_PRELOAD wrappers), so it is safe anywhere and is compiled into the
 * fuzz target fuzz/shim_rules.c as well.
 *
 * File format, one rule a line, '#' starts a comment line:
 *   hide GLOB        hide every path with a component matching GLOB
 *   !GLOB            un-hide: a component matching GLOB is never hidden
 *   hide_path PATH   hide an absolute path and everything under it
 *   route NAME       exec of NAME (a basename or an absolute path) goes to
 *                    "<hush> run -- NAME ARGS..."
 *   hush PATH        the absolute path of the hush binary used for routing */
#ifndef HUSH_SHIM_RULES_H
#define HUSH_SHIM_RULES_H

#include <stddef.h>

#define RULES_MAX_BYTES 262144 /* cap on the rules file */
#define RULES_MAX_LINE 4096   /* cap on one line */
#define RULES_MAX_GLOBS 256   /* cap on hide + un-hide globs each */
#define RULES_MAX_PATHS 1024  /* cap on hide_path entries (incl. canonical copies) */
#define RULES_MAX_ROUTES 128  /* cap on route entries */
#define RULES_PATH_MAX 4096   /* longest path the shim handles */

/* Return codes of rules_parse. */
#define RULES_OK 0
#define RULES_ETOOBIG (-1) /* file or a line over its cap, or too many rules */

struct rules {
	/* Counts and quick-reject sets first, the big arena last: a process
	 * touches (and pays a page fault for) only the pages it uses. */
	int nhide, nunhide, nhide_path, nroute;
	int open_globs;
	int bad_lines;    /* lines ignored as malformed */
	int resolved;     /* "resolved yes": hide_path entries already name what the
			   * kernel names through symlinks; none to resolve */
	const char *hush; /* NULL when no "hush" line */
	size_t arena_used;
	/* First bytes of globs with a literal head, last bytes of the others
	 * with a literal tail; open_globs counts globs with neither. A name
	 * whose first and last bytes are in neither set cannot match. */
	unsigned char first_set[32];
	unsigned char last_set[32];
	unsigned char base_set[32]; /* first bytes of hide_path last components */
	const char *hide[RULES_MAX_GLOBS];
	/* Per hide glob: length of its literal head and tail (the bytes
	 * before its first and after its last special character), its length
	 * and whether it has no special character at all, for a quick reject. */
	unsigned short hide_pre[RULES_MAX_GLOBS];
	unsigned short hide_suf[RULES_MAX_GLOBS];
	unsigned short hide_len[RULES_MAX_GLOBS];
	unsigned char hide_lit[RULES_MAX_GLOBS];
	const char *unhide[RULES_MAX_GLOBS];
	const char *route[RULES_MAX_ROUTES];
	const char *hide_path[RULES_MAX_PATHS];
	unsigned short hide_path_len[RULES_MAX_PATHS];
	unsigned short hide_path_base[RULES_MAX_PATHS]; /* offset of the last component */
	/* Arena holding every string above, NUL-terminated. */
	char arena[2 * RULES_MAX_BYTES + 2];
};

/* Resets r to "no rules". */
void rules_clear(struct rules *r);

/* Parses len bytes of rules text into r (which is cleared first). Malformed
 * lines are skipped and counted in r->bad_lines. Returns RULES_OK, or
 * RULES_ETOOBIG when the input or a line is over its cap or there are too
 * many rules; r then holds the rules parsed so far. */
int rules_parse(struct rules *r, const char *data, size_t len);

/* Adds a small built-in default (hide .env and .env.*, un-hide
 * .env.example/.sample/.template) to r, used when the rules file cannot be
 * read completely: the shim then fails closed for the usual names. */
void rules_add_defaults(struct rules *r);

/* Adds a hide_path entry (absolute, normalised by the caller). Returns 0 or
 * RULES_ETOOBIG. */
int rules_add_hide_path(struct rules *r, const char *path);

/* True when r hides anything at all. */
int rules_active(const struct rules *r);

/* Glob match of a whole string by common/glob.c, the one glob of hush:
 * '*', '?', '[...]' with ranges, '!'/'^' negation and [:classes:], '\'
 * escapes; '*' and '?' match any byte including '/'. 1 on match, else 0. */
int rules_glob(const char *pat, const char *s, size_t slen);

/* True when one file-name component (not NUL-terminated, len bytes) is hidden
 * by the hide/un-hide globs. "." and ".." are never hidden. */
int rules_name_hidden(const struct rules *r, const char *name, size_t len);

/* True when name equals the last component of some hide_path entry: then a
 * directory entry of that name needs a full-path check. */
int rules_name_is_hide_path_base(const struct rules *r, const char *name);

/* True when the absolute, normalised path is hidden: a component is hidden
 * by the globs, or it is a hide_path entry or lies under one. */
int rules_path_hidden(const struct rules *r, const char *abs);

/* Lexically normalises path against base (an absolute directory, used when
 * path is relative; may be NULL for an absolute path) into out: duplicate
 * slashes, "." and ".." removed, no trailing slash. Returns 0, or -1 when
 * the result does not fit in cap bytes or path is relative without base. */
int rules_normalize(const char *base, const char *path, char *out, size_t cap);

/* The route entry matching an exec target, or NULL. file is what the
 * program asked to run; searched is nonzero when file has no '/' and will be
 * looked up in PATH (execvp and friends). A route NAME without '/' matches
 * the basename; an absolute route matches the same path, or its basename when
 * the program asked for a PATH search. */
const char *rules_route_match(const struct rules *r, const char *file, int searched);

#endif
