/* SPDX-License-Identifier: ISC */
/* Rewriting the files hush migrate and hush import --replace move values
 * out of, and putting them back: see rewrite.h. */
#include "scan/rewrite.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/array.h"
#include "common/dotenv.h"
#include "common/util.h"
#include "vault/backup.h"

static void local_time(int64_t secs, const char *fmt, char *out, size_t n)
{
	time_t t = (time_t)secs;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, n, fmt, &tm);
}

void rewrite_init(struct rewrite *w)
{
	memset(w, 0, sizeof(*w));
	local_time(time_now(), "%Y-%m-%d", w->date, sizeof(w->date));
}

static const char *date_for(const struct rewrite *w, const struct rewrite_file *f)
{
	return f->plan.kind == MIGRATE_DOTENV ? "" : w->date;
}

static void file_free(struct rewrite_file *f)
{
	migrate_plan_free(&f->plan);
	if (f->data) {
		sodium_memzero(f->data, f->len);
		free(f->data);
	}
	f->data = NULL;
}

static int plan(struct rewrite_file *f, bool dotenv)
{
	if (!realpath(f->shown, f->real))
		return HUSH_EIO;
	int rc = file_read_all(f->real, dotenv ? DOTENV_MAX_INPUT : RCFILE_MAX_INPUT, false,
			       &f->data, &f->len);
	if (rc)
		return rc;
	if (!dotenv)
		return migrate_plan_rc(f->data, f->len, rcfile_shell_for(f->real), &f->plan);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", f->real);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = 0;
	migrate_project_name(dir, f->project, sizeof(f->project));
	return migrate_plan_dotenv(f->data, f->len, f->project, &f->plan);
}

int rewrite_add(struct rewrite *w, const char *path, bool dotenv)
{
	if (array_grow(&w->v, &w->cap, w->n + 1, sizeof(*w->v), 8) < 0)
		return HUSH_ENOMEM;
	struct rewrite_file *f = &w->v[w->n];
	memset(f, 0, sizeof(*f));
	if (xsnprintf(f->shown, sizeof(f->shown), "%s", path))
		return HUSH_ETOOBIG;
	int rc = plan(f, dotenv);
	if (rc == 0)
		rc = migrate_render(f->data, f->len, date_for(w, f), &f->plan);
	if (rc) {
		int e = errno;
		file_free(f);
		errno = e;
		return rc;
	}
	w->moving += migrate_moving(&f->plan);
	w->n++;
	return 0;
}

int rewrite_store(struct rewrite *w, struct vault *v)
{
	bool added = false;
	for (size_t i = 0; i < w->n; i++) {
		int rc = migrate_store(v, &w->v[i].plan);
		if (rc < 0)
			return rc;
		for (size_t k = 0; k < w->v[i].plan.n; k++)
			added |= w->v[i].plan.v[k].state == MIGRATE_MOVES;
	}
	int rc = added ? vault_save(v) : 0;
	if (rc == 0)
		vault_copy_key(v, w->key);
	return rc;
}

size_t rewrite_write(struct rewrite *w)
{
	size_t failed = 0;
	for (size_t i = 0; i < w->n; i++) {
		struct rewrite_file *f = &w->v[i];
		if (migrate_moving(&f->plan) == 0)
			continue;
		f->rc = migrate_render(f->data, f->len, date_for(w, f), &f->plan);
		if (f->rc == 0)
			f->rc = migrate_write(f->real, f->data, f->len, &f->plan, w->key, f->backup,
					      sizeof(f->backup));
		failed += f->rc != 0;
	}
	return failed;
}

void rewrite_free(struct rewrite *w)
{
	for (size_t i = 0; i < w->n; i++)
		file_free(&w->v[i]);
	free(w->v);
	sodium_memzero(w, sizeof(*w));
}

void rewrite_grant_name(const char *project, char *out, size_t n)
{
	size_t k = 0;
	for (; project[k] && k + 1 < n; k++)
		out[k] = project[k] == '_' ? '-' : (char)tolower((unsigned char)project[k]);
	if (n)
		out[k] = 0;
}

int rewrite_default_rc(const char *home, struct strv *out)
{
	static const char *const rel[] = { ".bashrc", ".bash_profile", ".profile", ".zshrc",
					   ".zshenv", ".config/fish/config.fish" };
	for (size_t i = 0; i < ARRAY_LEN(rel); i++) {
		char p[PATH_MAX];
		int rc = xsnprintf(p, sizeof(p), "%s/%s", home, rel[i]);
		if (!rc)
			rc = strv_push(out, p);
		if (rc)
			return rc;
	}
	return 0;
}

size_t rewrite_add_rc(struct rewrite *w, char *const *files, size_t n, const struct strv *defaults,
		      rewrite_failed_fn failed, void *ctx)
{
	size_t bad = 0;
	struct stat st;
	for (size_t i = 0; i < (n ? n : defaults->n); i++) {
		const char *f = n ? files[i] : defaults->v[i];
		int rc = n || lstat(f, &st) == 0 ? rewrite_add(w, f, false) : 0;
		if (rc) {
			failed(ctx, f, rc);
			bad++;
		}
	}
	return bad;
}

size_t rewrite_pending_rc(const char *home)
{
	_cleanup_strv_ struct strv rc = STRV_INIT;
	if (rewrite_default_rc(home, &rc))
		return 0;
	struct rewrite w;
	rewrite_init(&w);
	for (size_t i = 0; i < rc.n; i++)
		(void)rewrite_add(&w, rc.v[i], false);
	size_t n = w.moving;
	rewrite_free(&w);
	return n;
}

size_t rewrite_pending_dotenv(const char *path, char **names)
{
	struct rewrite w;
	rewrite_init(&w);
	size_t len = 0;
	*names = NULL;
	const struct migrate_plan *p = rewrite_add(&w, path, true) ? NULL : &w.v[0].plan;
	for (size_t k = 0; p && k < p->n; k++)
		if (migrate_item_moves(&p->v[k]))
			str_appendf(names, &len, "%s%s", len ? ", " : "", p->v[k].name);
	size_t n = w.moving;
	rewrite_free(&w);
	return n;
}

/* --- undo --- */

int rewrite_undo_targets(char *const *files, size_t n, const struct strv *defaults,
			 const char *dir, const uint8_t *key, struct strv *out, struct strv *missing,
			 size_t *unreadable)
{
	char abs[PATH_MAX];
	*unreadable = 0;
	for (size_t i = 0; i < n; i++) {
		int rc = rewrite_absolute(files[i], abs, sizeof(abs)) ? strv_push(missing, files[i])
								       : strv_push_unique(out, abs);
		if (rc)
			return rc;
	}
	if (n)
		return 0;
	int rc = key ? rewrite_backed_up(dir, key, out, unreadable) : 0;
	for (size_t i = 0; rc == 0 && i < defaults->n; i++)
		if (rewrite_absolute(defaults->v[i], abs, sizeof(abs)) == 0)
			rc = strv_push_unique(out, abs);
	return rc;
}

int rewrite_absolute(const char *in, char *out, size_t n)
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

static int collect(const struct backup *b, void *ctx)
{
	return strv_push_unique(ctx, b->path);
}

int rewrite_backed_up(const char *dir, const uint8_t key[VAULT_KEY_BYTES], struct strv *out,
		      size_t *unreadable)
{
	return backup_each(dir, key, collect, out, unreadable);
}

/* The plaintext copies of path, oldest first (names end in a time stamp). */
static int legacy_backups(const char *path, glob_t *g)
{
	char pat[PATH_MAX + 32];
	memset(g, 0, sizeof(*g));
	if (xsnprintf(pat, sizeof(pat), "%s.hush-backup-*", path))
		return HUSH_ETOOBIG;
	int r = glob(pat, GLOB_NOESCAPE, NULL, g);
	return r == 0 || r == GLOB_NOMATCH ? 0 : HUSH_EIO;
}

static void remove_legacy(const glob_t *g, struct rewrite_undo *u)
{
	for (size_t i = 0; i < g->gl_pathc; i++) {
		if (unlink(g->gl_pathv[i]) == 0)
			u->plain++;
		else
			u->unremoved++;
	}
}

/* path from its newest plaintext copy: the bytes, and the mode the
 * current file has (as the old migrate kept it). */
static int restore_legacy(const char *path, const glob_t *g)
{
	char *data = NULL;
	size_t len = 0;
	int rc = file_read_all(g->gl_pathv[g->gl_pathc - 1], BACKUP_MAX_DATA, false, &data, &len);
	if (rc)
		return rc;
	struct stat st;
	mode_t mode = stat(path, &st) == 0 ? (st.st_mode & 07777) : 0600;
	rc = file_write_atomic(path, data, len, mode, NULL);
	sodium_memzero(data, len);
	free(data);
	return rc;
}

static enum rewrite_undone undo_one(const char *dir, const uint8_t *key, const char *path,
				    bool purge, const glob_t *g, struct rewrite_undo *u)
{
	struct backup b;
	int found = key ? backup_newest(dir, key, path, &b) : HUSH_ENOENT;
	if (found != 0 && found != HUSH_ENOENT) {
		u->rc = found;
		return REWRITE_EREAD;
	}
	if (purge) {
		if (found == 0) {
			backup_free(&b);
			u->remove_failed = backup_remove(dir, key, path, &u->sealed) != 0;
		}
		remove_legacy(g, u);
		return u->sealed || u->plain || u->remove_failed ? REWRITE_PURGED : REWRITE_NO_BACKUP;
	}
	if (found == 0) {
		local_time(b.time_ns / 1000000000, "%Y-%m-%d %H:%M:%S", u->stamp, sizeof(u->stamp));
		u->rc = backup_restore(&b);
		backup_free(&b);
	} else if (g->gl_pathc) {
		snprintf(u->stamp, sizeof(u->stamp), "%s",
			 g->gl_pathv[g->gl_pathc - 1] + strlen(path) + strlen(".hush-backup-"));
		u->rc = restore_legacy(path, g);
	} else {
		return REWRITE_NO_BACKUP;
	}
	if (u->rc)
		return REWRITE_ERESTORE;
	size_t removed = 0;
	if (found == 0)
		u->remove_failed = backup_remove(dir, key, path, &removed) != 0;
	remove_legacy(g, u);
	return REWRITE_RESTORED;
}

enum rewrite_undone rewrite_undo(const char *dir, const uint8_t *key, const char *path,
				 bool purge, struct rewrite_undo *u)
{
	memset(u, 0, sizeof(*u));
	glob_t g;
	if (legacy_backups(path, &g) != 0)
		return REWRITE_ELIST;
	enum rewrite_undone r = undo_one(dir, key, path, purge, &g, u);
	int e = errno;
	globfree(&g);
	errno = e;
	return r;
}
