/* SPDX-License-Identifier: ISC */
/* Moving secrets out of shell rc files and .env files into the vault:
 * planning (rcfile.c / dotenv parser + scanner rules), storing without
 * silent overwrites, rendering the rewritten file with only the moved lines
 * changed, masked diffs, and the sealed backup + atomic rewrite. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "common/dotenv.h"
#include "common/err.h"
#include "scan/match.h"
#include "scan/migrate.h"
#include "vault/backup.h"
#include "vault/import.h"
#include "vault/vault.h"

/* A new item of p for name, found on line at bytes [start, end); NULL when
 * out of memory. */
static struct migrate_item *plan_add(struct migrate_plan *p, const char *name, int line,
				     size_t start, size_t end)
{
	if (array_grow(&p->v, &p->cap, p->n + 1, sizeof(*p->v), 16) < 0)
		return NULL;
	struct migrate_item *it = &p->v[p->n++];
	*it = (struct migrate_item){ .line = line, .start = start, .end = end };
	snprintf(it->name, sizeof(it->name), "%s", name);
	return it;
}

static int item_set_value(struct migrate_item *it, const char *v, size_t n)
{
	it->value = sodium_malloc(n + 1);
	if (!it->value)
		return HUSH_ENOMEM;
	memcpy(it->value, v, n);
	it->value[n] = 0;
	it->value_len = n;
	return 0;
}

static int on_rc_entry(void *ctx, const struct rc_entry *e)
{
	struct migrate_plan *p = ctx;
	const char *rule = e->dynamic ? NULL : scan_value_token_rule(e->value, e->value_len);
	if (!rule && !scan_name_is_secret(e->name, strlen(e->name)))
		return 0;
	if (!e->dynamic && !e->why_not && scan_value_is_placeholder(e->value, e->value_len))
		return 0;
	struct migrate_item *it = plan_add(p, e->name, e->line, e->start, e->end);
	if (!it)
		return HUSH_ENOMEM;
	snprintf(it->target, sizeof(it->target), "%s", e->name);
	it->indent = e->indent;
	if (e->dynamic)
		it->skip_why = "built from a command or another variable";
	else if (e->why_not)
		it->skip_why = e->why_not;
	if (it->skip_why) {
		it->state = MIGRATE_STAYS;
		return 0;
	}
	return item_set_value(it, e->value, e->value_len);
}

int migrate_plan_rc(const char *data, size_t len, enum rc_shell sh, struct migrate_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = sh == RC_SHELL_FISH ? MIGRATE_RC_FISH : MIGRATE_RC_SH;
	int rc = rcfile_parse(data, len, sh, on_rc_entry, p);
	if (rc != 0)
		migrate_plan_free(p);
	return rc;
}

struct dotenv_ctx {
	struct migrate_plan *p;
	const char *project;
};

static int on_dotenv_entry(void *ctx, const struct dotenv_entry *e)
{
	struct dotenv_ctx *c = ctx;
	if (e->value_len == 0)
		return 0;
	struct migrate_item *it = plan_add(c->p, e->name, e->line, e->start, e->end);
	if (!it)
		return HUSH_ENOMEM;
	if (xsnprintf(it->target, sizeof(it->target), "%s_%s", c->project, e->name) != 0)
		it->skip_why = "the scoped name would be too long";
	it->exported = e->exported;
	if (e->has_expansion)
		it->skip_why = "built from a command or another variable";
	if (it->skip_why) {
		it->state = MIGRATE_STAYS;
		return 0;
	}
	return item_set_value(it, e->value, e->value_len);
}

int migrate_plan_dotenv(const char *data, size_t len, const char *project, struct migrate_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = MIGRATE_DOTENV;
	struct dotenv_ctx c = { p, project };
	int rc = dotenv_parse(data, len, on_dotenv_entry, NULL, &c);
	if (rc != 0)
		migrate_plan_free(p);
	return rc;
}

void migrate_project_name(const char *dir, char *out, size_t n)
{
	const char *b = strrchr(dir, '/');
	b = (b && b[1]) ? b + 1 : dir;
	size_t o = 0;
	if (isdigit((unsigned char)*b) && o + 1 < n)
		out[o++] = '_';
	for (; *b && o + 1 < n && o < 48; b++) {
		char c = isalnum((unsigned char)*b) ? (char)toupper((unsigned char)*b) : '_';
		if (c == '_' && (o == 0 || out[o - 1] == '_'))
			continue;
		out[o++] = c;
	}
	while (o > 0 && out[o - 1] == '_')
		o--;
	out[o] = 0;
	if (o == 0 || !strcmp(out, "_"))
		snprintf(out, n, "PROJECT");
}

int migrate_store(struct vault *v, struct migrate_plan *p)
{
	int count = 0;
	for (size_t i = 0; i < p->n; i++) {
		struct migrate_item *it = &p->v[i];
		bool present;
		if (!migrate_item_moves(it))
			continue;
		int rc = vault_import_one(v, it->target, it->value, it->value_len,
					  VAULT_ORIGIN_MIGRATE, &present);
		if (rc == HUSH_EEXIST) {
			it->state = MIGRATE_CONFLICT;
			it->skip_why = "a different value is already in the vault";
			continue;
		}
		if (rc != 0)
			return rc;
		it->state = present ? MIGRATE_PRESENT : MIGRATE_MOVES;
		count++;
	}
	return count;
}

size_t migrate_moving(const struct migrate_plan *p)
{
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++)
		k += migrate_item_moves(&p->v[i]);
	return k;
}

static int replacement(const struct migrate_plan *p, const struct migrate_item *it, const char *data,
		       const char *date, char *out, size_t n)
{
	bool nl = it->end > it->start && data[it->end - 1] == '\n';
	if (p->kind == MIGRATE_DOTENV)
		return xsnprintf(out, n, "%s%s=%s", it->exported ? "export " : "", it->name, nl ? "\n" : "");
	bool colon = p->kind == MIGRATE_RC_SH && it->indent > 0;
	return xsnprintf(out, n, "%.*s%s# %s moved to hush vault (hush migrate, %s): use 'hush run' or 'hush get %s'%s",
			 (int)it->indent, data + it->start, colon ? ": " : "", it->name, date, it->name,
			 nl ? "\n" : "");
}

static int cmp_item(const void *a, const void *b)
{
	const struct migrate_item *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

int migrate_render(const char *data, size_t len, const char *date, struct migrate_plan *p)
{
	if (p->n > 1)
		qsort(p->v, p->n, sizeof(p->v[0]), cmp_item);
	free(p->out);
	p->out = NULL;
	size_t cap = len + p->n * (2 * HUSH_MAX_NAME + 512) + 1;
	char *out = malloc(cap);
	if (!out)
		return HUSH_ENOMEM;
	size_t o = 0, pos = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct migrate_item *it = &p->v[i];
		if (!migrate_item_moves(it) || it->start < pos)
			continue;
		memcpy(out + o, data + pos, it->start - pos);
		o += it->start - pos;
		char line[2 * HUSH_MAX_NAME + 512];
		if (replacement(p, it, data, date, line, sizeof(line)) != 0) {
			free(out);
			return HUSH_ETOOBIG;
		}
		size_t l = strlen(line);
		memcpy(out + o, line, l);
		o += l;
		pos = it->end;
	}
	memcpy(out + o, data + pos, len - pos);
	o += len - pos;
	out[o] = 0;
	p->out = out;
	p->out_len = o;
	return 0;
}

/* One line of the original, the value masked: the text up to the '='
 * after the name (fish: up to the name), then "…(N chars)". */
static void masked_line(FILE *f, const struct migrate_plan *p, const struct migrate_item *it,
			const char *data)
{
	const char *s = data + it->start;
	const char *e = memchr(s, '\n', it->end - it->start);
	size_t ll = e ? (size_t)(e - s) : it->end - it->start;
	const char *nm = memmem(s, ll, it->name, strlen(it->name));
	size_t cut = nm ? (size_t)(nm - s) + strlen(it->name) : 0;
	if (p->kind != MIGRATE_RC_FISH && cut < ll && s[cut] == '=')
		cut++;
	else if (p->kind == MIGRATE_RC_FISH)
		cut += cut < ll;
	fprintf(f, "-%.*s\xe2\x80\xa6(%zu chars)\n", (int)cut, s, it->value_len);
}

void migrate_diff(FILE *f, const char *path, const char *data, size_t len,
		  const char *date, const struct migrate_plan *p)
{
	(void)len;
	bool header = false;
	long delta = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct migrate_item *it = &p->v[i];
		if (!migrate_item_moves(it))
			continue;
		if (!header) {
			fprintf(f, "--- %s\n+++ %s\n", path, path);
			header = true;
		}
		int old_lines = 0;
		for (size_t k = it->start; k < it->end; k++)
			old_lines += data[k] == '\n';
		if (old_lines == 0)
			old_lines = 1;
		char line[2 * HUSH_MAX_NAME + 512];
		if (replacement(p, it, data, date, line, sizeof(line)) != 0)
			continue;
		fprintf(f, "@@ -%d,%d +%ld,1 @@\n", it->line, old_lines, it->line + delta);
		masked_line(f, p, it, data);
		for (int k = 1; k < old_lines; k++)
			fputs("-\xe2\x80\xa6(value continues)\n", f);
		size_t l = strlen(line);
		fprintf(f, "+%.*s\n", (int)(l && line[l - 1] == '\n' ? l - 1 : l), line);
		delta += 1 - old_lines;
	}
}

int migrate_write(const char *path, const char *orig, size_t olen, const struct migrate_plan *p,
		  const uint8_t vkey[VAULT_KEY_BYTES], char *backup, size_t n)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return HUSH_EIO;
	char dir[PATH_MAX];
	int rc = backup_dir(dir, sizeof(dir));
	if (!rc)
		rc = backup_save(dir, vkey, path, orig, olen, &st, backup, n);
	if (rc)
		return rc;
	rc = file_write_atomic(path, p->out, p->out_len, st.st_mode & 07777, NULL);
	if (rc != 0)
		return rc;
	if ((st.st_uid != geteuid() || st.st_gid != getegid()) && lchown(path, st.st_uid, st.st_gid) < 0)
		return HUSH_EIO;
	return 0;
}

void migrate_plan_free(struct migrate_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].value)
			sodium_free(p->v[i].value);
	free(p->v);
	free(p->out);
	memset(p, 0, sizeof(*p));
}
