/* SPDX-License-Identifier: ISC */
/* hush migrate and hush import --replace: plan which exported secrets of a
 * shell rc file (or which values of a .env file) move into the vault,
 * store them, and rewrite the file so that only those lines change.
 *
 * Values are held in sodium_malloc memory and wiped by migrate_plan_free().
 * Nothing here prints a value: diffs show the removed line masked. */
#ifndef HUSH_SCAN_MIGRATE_H
#define HUSH_SCAN_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/util.h"
#include "scan/rcfile.h"
#include "vault/vault.h"

struct vault;

enum migrate_kind { MIGRATE_RC_SH, MIGRATE_RC_FISH, MIGRATE_DOTENV };

/* What becomes of one variable. */
enum migrate_state {
	MIGRATE_MOVES = 0,   /* its value goes into the vault */
	MIGRATE_PRESENT,     /* it moves; the vault held the same value already */
	MIGRATE_STAYS,       /* it stays in the file (skip_why says why) */
	MIGRATE_CONFLICT,    /* it stays: another value is in the vault under its name */
};

struct migrate_item {
	char name[HUSH_MAX_NAME];    /* variable name in the file */
	char target[HUSH_MAX_NAME];  /* vault entry name */
	int line;
	size_t start, end, indent;   /* bytes of the line(s) to replace */
	bool exported;               /* dotenv: had "export " */
	char *value;                 /* sodium_malloc'd, NUL-terminated */
	size_t value_len;
	enum migrate_state state;
	const char *skip_why;        /* STAYS, CONFLICT: why it stays; else NULL */
};

struct migrate_plan {
	enum migrate_kind kind;
	struct migrate_item *v;
	size_t n, cap;
	char *out;                   /* rewritten file (after migrate_render) */
	size_t out_len;
};

/* Plans an rc file: every exported variable with a secret-looking name or
 * a value the scanner flags; dynamic values and lines that cannot be
 * rewritten are kept as items with skip_why set. 0, HUSH_ETOOBIG,
 * HUSH_ENOMEM. */
int migrate_plan_rc(const char *data, size_t len, enum rc_shell sh, struct migrate_plan *p);

/* Plans a .env file: every non-empty value moves to PROJECT_NAME (values
 * with $VAR / $(...) expansions stay, with skip_why set). */
int migrate_plan_dotenv(const char *data, size_t len, const char *project,
			struct migrate_plan *p);

/* The project prefix for a directory: its base name upper-cased, every
 * other character than A-Z 0-9 turned into '_', runs of '_' collapsed,
 * '_' prepended if it starts with a digit; "PROJECT" if nothing is left.
 * out has at least 64 bytes. */
void migrate_project_name(const char *dir, char *out, size_t n);

/* Stores every movable item in v (origin migrate). An item whose name is
 * already in the vault with another value is not overwritten: it becomes
 * MIGRATE_CONFLICT; one with the same value MIGRATE_PRESENT. Returns the
 * number of items stored or already present, or a HUSH_E* code. The
 * caller saves the vault. */
int migrate_store(struct vault *v, struct migrate_plan *p);

/* Builds p->out: data with the line(s) of each movable item replaced.
 * rc files: "# NAME moved to hush vault (hush migrate, DATE): use
 * 'hush run' or 'hush get NAME'" (indented sh lines get ": " first so an
 * if/fi body never becomes empty); .env files: "NAME=". 0 or HUSH_ENOMEM. */
int migrate_render(const char *data, size_t len, const char *date, struct migrate_plan *p);

/* True when the item's value moves into the vault. */
static inline bool migrate_item_moves(const struct migrate_item *it)
{
	return it->state == MIGRATE_MOVES || it->state == MIGRATE_PRESENT;
}

/* Number of items that move. */
size_t migrate_moving(const struct migrate_plan *p);

/* Seals a backup of orig (path's current bytes, mode and owner) under vkey
 * into hush's backup directory (vault/backup.h), then replaces path
 * atomically with p->out keeping its mode and owner. The backup file's
 * path goes to backup[n]. 0 or a HUSH_E* code (errno kept for HUSH_EIO). */
int migrate_write(const char *path, const char *orig, size_t olen, const struct migrate_plan *p,
		  const uint8_t vkey[VAULT_KEY_BYTES], char *backup, size_t n);

/* A unified diff of the change with the removed lines' values masked. */
void migrate_diff(FILE *f, const char *path, const char *data, size_t len,
		  const char *date, const struct migrate_plan *p);

void migrate_plan_free(struct migrate_plan *p);

#endif
