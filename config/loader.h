/* SPDX-License-Identifier: ISC */
/* Inside config/: the key table, the loader's state and the value checks
 * the keys share. Not for use outside config/ (the unit tests excepted).
 *
 * Files: load.c splits the bytes into lines, sections and key = value
 * pairs and runs each pair through the table; keys.c is the table (every
 * key, its type, its default) and the keys' own checks; values.c the value
 * types (paths, durations, sizes, lists, argument patterns); defaults.c
 * the built-in lists and profiles; lint.c what `hush config check` adds. */
#ifndef HUSH_CONFIG_LOADER_H
#define HUSH_CONFIG_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

#define CONFIG_MAX_FILE (1024u * 1024)     /* refuse larger config files */
#define CONFIG_MAX_LINE 198                /* characters, without the newline */
#define CONFIG_MAX_PROFILES 64
#define CONFIG_MAX_NAME 64                 /* grant and profile names */
#define CONFIG_MAX_ITEM 4096               /* one list item or path */
#define CONFIG_MAX_DURATION (366ull * 86400)
#define CONFIG_MAX_ARG_TOKENS 64
#define CONFIG_MAX_KEYS 96                 /* rows of the key table */

enum config_section {
	SEC_NONE = 0, /* before any header */
	SEC_BAD,      /* after a header already reported as wrong */
	SEC_VAULT,
	SEC_BROKER,
	SEC_SANDBOX,
	SEC_SCAN,
	SEC_GRANT,
	SEC_PROFILE,
	SEC_CREDENTIAL, /* [credential NAME]: config/credential.c */
	SEC_PROXY,      /* [proxy]: config/credential.c */
	SEC_COUNT,
};

/* The section's word in a header ("grant" for [grant NAME]), or NULL. */
const char *config_section_word(enum config_section s);

/* What a list item must be. */
enum item_kind {
	ITEM_GLOB,     /* file-name glob, "!" kept */
	ITEM_DIR,      /* absolute directory, "~/" expanded */
	ITEM_ENV,      /* variable name, or prefix glob NAME_* / LC_* */
	ITEM_NAME,     /* directory name for scan skip */
	ITEM_PATH,     /* absolute ("~/" expanded), or relative to the project */
};

enum key_type {
	KT_PATH,       /* char *: an absolute path, "~/" expanded */
	KT_BOOL,       /* bool */
	KT_DURATION,   /* uint64_t seconds */
	KT_LIST,       /* struct strv of `item`s */
	KT_FN,         /* the key's own function */
};

#define KF_REPEAT  1u  /* may repeat: each line adds (lists) */
#define KF_BANG    2u  /* list: "!ITEM" removes ITEM */
#define KF_NEVER   4u  /* duration: "never" means 0 */
#define KF_NONZERO 8u  /* duration: 0 is refused */

struct loader;
struct config_key;
/* Checks v and stores it in the section's struct at base; problems go to
 * the loader. */
typedef void (*config_key_fn)(struct loader *L, const struct config_key *k, void *base,
			      const char *v);

struct config_key {
	enum config_section sec;
	const char *name;
	enum key_type type;
	unsigned flags;
	enum item_kind item;        /* KT_LIST */
	size_t off;                 /* member of struct config (unnamed sections),
				       struct grant or struct sandbox_profile */
	config_key_fn fn;           /* KT_FN */
	/* The default, as docs/config.md writes it. [vault], [broker],
	 * [sandbox], [scan] and [grant NAME] apply it through the key's own
	 * parser before the file is read, so the docs, the table and the
	 * loader cannot disagree. NULL: none, or set outside the table. */
	const char *def;
	const char *const *list_def; /* KT_LIST: built-in items ("~" expanded) */
	size_t nlist_def;
};

/* The table, in the order known keys are listed in messages. */
const struct config_key *config_key_table(size_t *n);
/* The key name in section sec, or NULL. */
const struct config_key *config_key_find(enum config_section sec, const char *name);
/* Runs v through k's type into the section struct at base. */
void config_key_set(struct loader *L, const struct config_key *k, void *base, const char *v);
/* Applies the defaults of section sec's keys to the struct at base. */
int config_key_defaults(struct loader *L, enum config_section sec, void *base);

struct loader {
	struct config *cfg;
	const char *name;      /* file name for messages */
	int line;              /* line being read */
	int err_line;          /* line of the first error, 0 = none */
	int rc;                /* first error code */
	char *err;
	size_t errlen;
	enum config_section sec;
	size_t cur;            /* index of the current grant or profile */
	int seen[CONFIG_MAX_KEYS]; /* per row of the key table: line a scalar key was set */
	int ui_line;           /* grant: line choosing the UI via confirm/ui */
	const char *ui_key;
};

/* Records the first error: "NAME:LINE: message" into L->err. */
void config_lerr(struct loader *L, int line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define FAIL(L, ...) config_lerr((L), (L)->line, HUSH_ECONFIG, __VA_ARGS__)
#define FAIL_OOM(L) config_lerr((L), (L)->line, HUSH_ENOMEM, "out of memory")

/* --- value types: values.c; each returns 0, or -1 with the error recorded --- */
/* Trims spaces, tabs and a carriage return at both ends, in place. */
char *config_trim(char *s);
/* Adds a copy of s unless present. 0, HUSH_ETOOBIG (CONFIG_MAX_LIST) or HUSH_ENOMEM. */
int config_list_add(struct strv *l, const char *s);
void config_list_remove(struct strv *l, const char *s);
/* "64M", "256MiB", "1g", "65536": binary units. 0 or HUSH_EINVAL. */
int config_parse_size(const char *s, uint64_t *out);
int cv_set_str(struct loader *L, char **dst, const char *v);
int cv_abs_path(struct loader *L, const char *key, const char *v, char *out, size_t n);
int cv_duration(struct loader *L, const char *key, const char *v, bool never_ok, uint64_t *out);
int cv_bool(struct loader *L, const char *key, const char *v, bool *out);
/* desktop | terminal | none | command:/path. 1 when v is none of them
 * (nothing recorded: the caller says what it expected). */
int cv_ui(struct loader *L, const char *key, const char *v, enum confirm_ui *ui, char **command);
/* Splits a list value (config_parse_list) into *items. */
int cv_list(struct loader *L, const char *key, const char *v, struct strv *items);
/* Adds each item of v to l, checked as kind. With removable, "!ITEM"
 * removes ITEM; without it, "!" is an error unless the kind keeps it. */
int cv_add_list(struct loader *L, const char *key, const char *v, struct strv *l,
		enum item_kind kind, bool removable);
/* One args pattern split into tokens: see docs/config.md. */
int cv_args(struct loader *L, const char *v, struct strv *out);

/* --- defaults.c --- */
/* Adds the built-in items to l; items starting with '~' are expanded and
 * dropped when there is no home directory. */
int config_add_defaults(struct strv *l, const char *const *items, size_t n);
/* Frees one grant's or profile's members. */
void config_grant_free(struct grant *g);

#endif
