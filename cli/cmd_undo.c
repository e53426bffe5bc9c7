/* SPDX-License-Identifier: ISC */
/* hush migrate --undo and --purge-backups: put rewritten files back from
 * their sealed backups (vault/backup.h), and clean the plaintext
 * FILE.hush-backup-<time> copies that versions before 0.1 left next to
 * rc and .env files. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <glob.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd_scan.h"
#include "common/strv.h"
#include "common/util.h"
#include "vault/backup.h"
#include "vault/vault.h"

static int collect_fn(const struct backup *b, void *ctx)
{
	return strv_push_unique(ctx, b->path);
}

/* An absolute path for a file that may no longer exist: its directory
 * resolved, its name kept. */
static int absolute(const char *in, char *out, size_t n)
{
	if (realpath(in, out))
		return 0;
	char dir[PATH_MAX], rdir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", in);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : in;
	if (slash == dir)
		snprintf(dir, sizeof(dir), "/");
	else if (slash)
		*slash = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	if (!realpath(dir, rdir))
		return HUSH_ENOENT;
	return xsnprintf(out, n, "%s/%s", strcmp(rdir, "/") ? rdir : "", base);
}

/* The old plaintext backups of path, oldest first (names end in a time
 * stamp). */
static int legacy_backups(const char *path, glob_t *g)
{
	char pat[PATH_MAX + 32];
	memset(g, 0, sizeof(*g));
	if (xsnprintf(pat, sizeof(pat), "%s.hush-backup-*", path))
		return HUSH_ETOOBIG;
	int r = glob(pat, GLOB_NOESCAPE, NULL, g);
	if (r == GLOB_NOMATCH)
		return 0;
	return r == 0 ? 0 : HUSH_EIO;
}

static size_t remove_legacy(const glob_t *g)
{
	size_t n = 0;
	for (size_t i = 0; i < g->gl_pathc; i++)
		if (unlink(g->gl_pathv[i]) == 0)
			n++;
		else
			msg_warn("cannot remove %s: %s", g->gl_pathv[i], strerror(errno));
	return n;
}

/* Restores path from its newest plaintext backup (the bytes; the mode the
 * current file has, as the old migrate kept it). */
static int restore_legacy(const char *path, const glob_t *g)
{
	const char *src = g->gl_pathv[g->gl_pathc - 1];
	char *data = NULL;
	size_t len = 0;
	int rc = file_read_all(src, BACKUP_MAX_DATA, false, &data, &len);
	if (rc)
		return rc;
	struct stat st;
	mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 07777) : 0600;
	rc = file_write_atomic(path, data, len, mode, NULL);
	sodium_memzero(data, len);
	free(data);
	return rc;
}

static void when(int64_t ns, char *out, size_t n)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/* The key for the sealed backups, when a vault exists. 1 with the key,
 * 0 when there is no vault, -1 when it exists but did not open (reported). */
static int backup_key_for(int pfd, uint8_t key[VAULT_KEY_BYTES])
{
	char vpath[PATH_MAX];
	struct stat st;
	if (path_vault(vpath, sizeof(vpath)) != 0 || lstat(vpath, &st) != 0)
		return 0;
	struct vault *v = open_vault_or_report(pfd, 0);
	if (!v)
		return -1;
	vault_copy_key(v, key);
	vault_close(v);
	return 1;
}

int cmd_migrate_undo(char **files, size_t nfiles, char **defaults, size_t ndefaults, bool purge,
		     int pfd)
{
	uint8_t key[VAULT_KEY_BYTES];
	int have = backup_key_for(pfd, key);
	if (have < 0)
		return 1;
	char dir[PATH_MAX];
	if (backup_dir(dir, sizeof(dir)) != 0)
		die("cannot work out hush's data directory");
	_cleanup_strv_ struct strv targets = STRV_INIT;
	int status = 0;
	for (size_t i = 0; i < nfiles; i++) {
		char abs[PATH_MAX];
		if (absolute(files[i], abs, sizeof(abs)) != 0) {
			msg_error("migrate: %s: no such directory", files[i]);
			status = 2;
			continue;
		}
		if (strv_push_unique(&targets, abs) < 0)
			die("out of memory");
	}
	if (nfiles == 0) {
		size_t unreadable = 0;
		if (have && backup_each(dir, key, collect_fn, &targets, &unreadable) < 0)
			die("out of memory");
		if (unreadable)
			msg_warn("%zu file%s in %s did not open with this vault's key", unreadable,
				 unreadable == 1 ? "" : "s", dir);
		for (size_t i = 0; i < ndefaults; i++) {
			char abs[PATH_MAX];
			if (absolute(defaults[i], abs, sizeof(abs)) == 0 && strv_push_unique(&targets, abs) < 0)
				die("out of memory");
		}
	}
	size_t done = 0;
	for (size_t i = 0; i < targets.n; i++) {
		const char *p = targets.v[i];
		glob_t g;
		if (legacy_backups(p, &g) != 0) {
			msg_error("migrate: cannot list the backups of %s", p);
			status = 1;
			continue;
		}
		struct backup b;
		int found = have ? backup_newest(dir, key, p, &b) : HUSH_ENOENT;
		if (found != 0 && found != HUSH_ENOENT) {
			msg_error("migrate: cannot read the backups in %s: %s", dir, hush_strerror(found));
			globfree(&g);
			status = 1;
			continue;
		}
		if (purge) {
			size_t sealed = 0;
			if (found == 0) {
				backup_free(&b);
				if (backup_remove(dir, key, p, &sealed) != 0) {
					msg_error("migrate: cannot remove the backups of %s", p);
					status = 1;
				}
			}
			size_t plain = remove_legacy(&g);
			if (sealed || plain) {
				printf("removed %zu backup%s of %s", sealed + plain, sealed + plain == 1 ? "" : "s", p);
				if (plain)
					printf(" (%zu in plain text next to it)", plain);
				printf("\n");
				done++;
			}
			globfree(&g);
			continue;
		}
		int rc;
		char stamp[32] = "";
		if (found == 0) {
			when(b.time_ns, stamp, sizeof(stamp));
			rc = backup_restore(&b);
			backup_free(&b);
		} else if (g.gl_pathc) {
			snprintf(stamp, sizeof(stamp), "%s",
				 g.gl_pathv[g.gl_pathc - 1] + strlen(p) + strlen(".hush-backup-"));
			rc = restore_legacy(p, &g);
		} else {
			if (nfiles) {
				msg_error("migrate: no backup of %s", p);
				status = 1;
			}
			globfree(&g);
			continue;
		}
		if (rc != 0) {
			msg_error("migrate: cannot restore %s: %s", p,
				  rc == HUSH_EIO ? strerror(errno) : hush_strerror(rc));
			globfree(&g);
			status = 1;
			continue;
		}
		size_t removed = 0;
		if (found == 0 && backup_remove(dir, key, p, &removed) != 0)
			msg_warn("cannot remove the backups of %s in %s", p, dir);
		remove_legacy(&g);
		globfree(&g);
		printf("restored %s as it was on %s\n", p, stamp);
		done++;
	}
	if (done == 0 && status == 0)
		printf(purge ? "no backups to remove\n" : "nothing to restore: no backups found\n");
	else if (done && !purge)
		printf("the secrets stay in the vault; remove them with \"hush rm NAME\" if you no longer want them there\n");
	sodium_memzero(key, sizeof(key));
	return status;
}
