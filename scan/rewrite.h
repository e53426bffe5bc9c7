/* SPDX-License-Identifier: ISC */
/* The files hush migrate and hush import --replace rewrite, as one job:
 * each file read and planned (scan/migrate.h), the values of all of them
 * stored in the vault at once, then each file rewritten after a sealed
 * backup of it (vault/backup.h). And the way back, hush migrate --undo /
 * --purge-backups: a file restored from its newest backup (or from a
 * plaintext FILE.hush-backup-<time> copy versions before 0.1 left next to
 * it), or its backups removed.
 *
 * Library code: results come back as codes and enums; the reports of
 * what moved go to the FILE given.
 * File contents live in the job until rewrite_free() wipes them, with the
 * vault key kept for the backups. */
#ifndef HUSH_SCAN_REWRITE_H
#define HUSH_SCAN_REWRITE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/strv.h"
#include "scan/migrate.h"
#include "vault/vault.h"

struct rewrite_file {
	char shown[PATH_MAX];      /* the path as it was given */
	char real[PATH_MAX];       /* resolved */
	char project[64];          /* .env files: the prefix of the vault names */
	char *data;                /* its bytes (wiped by rewrite_free) */
	size_t len;
	struct migrate_plan plan;
	char backup[PATH_MAX];     /* once rewritten: its sealed backup */
	int rc;                    /* rewrite_write(): 0, or why it was not rewritten */
};

struct rewrite {
	struct rewrite_file *v;
	size_t n, cap;
	char date[32];                 /* today, for the comments in rc files */
	size_t moving;                 /* values that move, over all files */
	uint8_t key[VAULT_KEY_BYTES];  /* after rewrite_store(): seals the backups */
};

void rewrite_init(struct rewrite *w);

/* Reads and plans path: a .env file (dotenv; the project is its
 * directory's name) or a shell rc file (its shell from its name). 0, or
 * HUSH_EIO (errno kept: it could not be resolved or read), HUSH_EINVAL (not
 * a regular file), HUSH_ETOOBIG, HUSH_ENOMEM; then it is not in the job. */
int rewrite_add(struct rewrite *w, const char *path, bool dotenv);

/* Stores the moving values of every file in v (scan/migrate.h's
 * migrate_store: a name holding another value becomes MIGRATE_CONFLICT),
 * saves v when anything was added, and keeps v's key. 0 or a HUSH_E*
 * code (then no file may be rewritten). */
int rewrite_store(struct rewrite *w, struct vault *v);

/* After rewrite_store(): rewrites every file of which a value moved, each
 * after a sealed backup, atomically, keeping mode and owner. Each file's rc
 * says how it went (HUSH_EIO with errno kept). Returns how many failed. */
size_t rewrite_write(struct rewrite *w);

void rewrite_free(struct rewrite *w);

/* The plan on out and err: with diff each file's change as a unified diff
 * (values masked), and on err each line that does not move with why
 * ("PROG: not moved: FILE:LINE NAME: why"). */
void rewrite_report_plan(FILE *out, FILE *err, const struct rewrite *w, bool diff);
/* After rewrite_store(), on err: each name left in its file because the
 * vault holds another value, with what to do about it. Returns how many. */
size_t rewrite_report_conflicts(FILE *err, const struct rewrite *w);

/* After rewrite_write(), what a rewritten .env file now holds and the
 * grant to add so a program gets its values (hush import --replace). */
void rewrite_report_dotenv(FILE *out, const struct rewrite_file *f);
/* After rewrite_write(), each value moved out of the rc files that were
 * rewritten, their backups, and what to do next (hush migrate). */
void rewrite_report_rc(FILE *out, const struct rewrite *w);

/* The name of the grant suggested for a project's values: the project in
 * lower case, '_' turned into '-'. */
void rewrite_grant_name(const char *project, char *out, size_t n);

/* The shell startup files hush migrate works on by default, under home
 * (whether they exist or not). 0 or HUSH_ENOMEM / HUSH_ETOOBIG. */
int rewrite_default_rc(const char *home, struct strv *out);

/* Called for a file that could not be added: rc as rewrite_add()'s, errno
 * kept. */
typedef void (*rewrite_failed_fn)(void *ctx, const char *path, int rc);

/* hush migrate's files: each of files[n], or with n == 0 those of
 * defaults (rewrite_default_rc()) that exist. Each that cannot be added
 * goes to failed. Returns how many failed. */
size_t rewrite_add_rc(struct rewrite *w, char *const *files, size_t n, const struct strv *defaults,
		      rewrite_failed_fn failed, void *ctx);

/* What hush setup offers: how many values hush migrate would move out of
 * the default rc files under home (an unreadable one counts none), and the names hush
 * import path --replace would move (", "-separated into *names, malloc'd;
 * NULL when none), returning how many. */
size_t rewrite_pending_rc(const char *home);
size_t rewrite_pending_dotenv(const char *path, char **names);

/* --- hush migrate --undo / --purge-backups --- */

/* The files to put back or purge, absolute, once each: each of files[n]
 * (one whose directory does not exist goes to missing instead), or with
 * n == 0 every file with a backup in dir that opens with key (none when
 * key is NULL; backups that do not open are counted in *unreadable), then
 * those of defaults. 0, or HUSH_ENOMEM / HUSH_EIO. */
int rewrite_undo_targets(char *const *files, size_t n, const struct strv *defaults,
			 const char *dir, const uint8_t *key, struct strv *out, struct strv *missing,
			 size_t *unreadable);

/* An absolute path for a file that may no longer exist: its directory
 * resolved, its name kept. 0, HUSH_ENOENT (no such directory) or
 * HUSH_ETOOBIG. */
int rewrite_absolute(const char *in, char *out, size_t n);

/* Adds the path of every file with a backup in dir that opens with key
 * (once each). Backups that do not open are counted in *unreadable. 0 or
 * HUSH_ENOMEM / HUSH_EIO. */
int rewrite_backed_up(const char *dir, const uint8_t key[VAULT_KEY_BYTES], struct strv *out,
		      size_t *unreadable);

enum rewrite_undone {
	REWRITE_NO_BACKUP,    /* nothing to restore or remove */
	REWRITE_RESTORED,     /* put back as it was (stamp: when), its backups removed */
	REWRITE_PURGED,       /* its backups removed (sealed + plain of them) */
	REWRITE_ELIST,        /* its plaintext copies could not be listed */
	REWRITE_EREAD,        /* the sealed backups could not be read (rc) */
	REWRITE_ERESTORE,     /* it could not be written back (rc; errno kept for HUSH_EIO) */
};

struct rewrite_undo {
	char stamp[32];       /* restored: when the backup was taken */
	size_t sealed, plain; /* backups removed, sealed and plaintext */
	size_t unremoved;     /* plaintext copies that could not be removed */
	bool remove_failed;   /* the sealed backups could not be removed */
	int rc;
};

/* Puts path back from its newest backup in dir (sealed with key, or a
 * plaintext copy next to it; key NULL: there is no vault, only those
 * count) and removes its backups; with purge only removes them. */
enum rewrite_undone rewrite_undo(const char *dir, const uint8_t *key, const char *path,
				 bool purge, struct rewrite_undo *u);

/* What rewrite_undo() did to path p (in dir), on out, and its failures and
 * warnings on err ("PROG: migrate: ..."); quiet: a missing backup is no
 * failure. 1 when it failed, else 0. */
int rewrite_report_undo(FILE *out, FILE *err, enum rewrite_undone r, const struct rewrite_undo *u,
			const char *p, const char *dir, bool quiet);
/* rewrite_undo() of each of targets, each reported as above. *done counts
 * the files put back, or purged of at least one backup. Returns how many
 * failed. */
size_t rewrite_undo_each(const char *dir, const uint8_t *key, const struct strv *targets, bool purge,
			 bool quiet, FILE *out, FILE *err, size_t *done);

#endif
