/* SPDX-License-Identifier: ISC */
/* What hush migrate and hush import --replace say about a rewrite job:
 * the plan (diffs, what does not move), the conflicts, and what moved with
 * what to do next. See rewrite.h. */
#include "scan/rewrite.h"

#include <stdio.h>

#include "common/util.h"

void rewrite_report_plan(FILE *out, FILE *err, const struct rewrite *w, bool diff)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct rewrite_file *f = &w->v[i];
		if (diff)
			migrate_diff(out, f->shown, f->data, f->len,
				     f->plan.kind == MIGRATE_DOTENV ? "" : w->date, &f->plan);
		for (size_t k = 0; k < f->plan.n; k++)
			if (!migrate_item_moves(&f->plan.v[k]))
				fprintf(err, "%s: not moved: %s:%d %s: %s\n", msg_progname(), f->shown,
					f->plan.v[k].line, f->plan.v[k].name, f->plan.v[k].skip_why);
	}
}

size_t rewrite_report_conflicts(FILE *err, const struct rewrite *w)
{
	size_t n = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct rewrite_file *f = &w->v[i];
		const struct migrate_item *it = f->plan.v;
		for (size_t k = 0; k < f->plan.n; k++) {
			if (it[k].state != MIGRATE_CONFLICT)
				continue;
			fprintf(err, "%s: not moved: %s:%d %s: %s\nhint: compare with \"hush get %s\"; "
				"remove one with \"hush rm %s\" and run hush migrate again\n", msg_progname(),
				f->shown, it[k].line, it[k].name, it[k].skip_why, it[k].name, it[k].name);
			n++;
		}
	}
	return n;
}

/* The names that moved out of f, ", "-separated (with =TARGET: with_target). */
static void moved_names(FILE *out, const struct rewrite_file *f, bool with_target, const char **sep)
{
	for (size_t i = 0; i < f->plan.n; i++)
		if (migrate_item_moves(&f->plan.v[i])) {
			fprintf(out, "%s%s%s%s", *sep, f->plan.v[i].name, with_target ? "=" : "",
				with_target ? f->plan.v[i].target : "");
			*sep = ", ";
		}
}

void rewrite_report_dotenv(FILE *out, const struct rewrite_file *f)
{
	const struct migrate_plan *p = &f->plan;
	char grant[64];
	rewrite_grant_name(f->project, grant, sizeof(grant));
	size_t n = migrate_moving(p);
	fprintf(out, "moved %zu value%s from %s into the vault:\n", n, n == 1 ? "" : "s", f->shown);
	for (size_t i = 0; i < p->n; i++)
		if (migrate_item_moves(&p->v[i]))
			fprintf(out, "  %s -> %s%s\n", p->v[i].name, p->v[i].target,
				p->v[i].state == MIGRATE_PRESENT ? " (already there)" : "");
	fprintf(out, "%s now lists the names only; encrypted backup: %s\n"
		"(\"hush migrate --undo %s\" puts the file back)\n\n"
		"next: add a grant to config.ini so your program gets them, e.g.\n\n  [grant %s]\n"
		"  ; the program that reads these variables:\n  command = /usr/bin/node\n  secrets = ",
		f->shown, f->backup, f->shown, grant);
	const char *sep = "";
	moved_names(out, f, true, &sep);
	fprintf(out, "\n\nthen start it through the broker: hush run --grant %s -- node server.js\n",
		grant);
}

void rewrite_report_rc(FILE *out, const struct rewrite *w)
{
	bool any = false;
	for (size_t i = 0; i < w->n; i++) {
		const struct rewrite_file *f = &w->v[i];
		if (f->rc || migrate_moving(&f->plan) == 0)
			continue;
		for (size_t k = 0; k < f->plan.n; k++)
			if (migrate_item_moves(&f->plan.v[k]))
				fprintf(out, "moved %s (%s:%d) into the vault%s\n", f->plan.v[k].name,
					f->shown, f->plan.v[k].line,
					f->plan.v[k].state == MIGRATE_PRESENT ? " (it was already there)" : "");
		fprintf(out, "encrypted backup of %s: %s\n", f->shown, f->backup);
		any = true;
	}
	if (!any)
		return;
	fprintf(out, "\nnext:\n"
		"  - open a new shell: these variables are no longer exported\n"
		"  - give them to the commands that need them with a grant in config.ini, e.g.\n\n"
		"      [grant gh]\n      command = /usr/bin/gh\n      secrets = ");
	const char *sep = "";
	for (size_t i = 0; i < w->n; i++)
		moved_names(out, &w->v[i], false, &sep);
	fprintf(out, "\n\n    then run them as: hush run -- gh ...\n"
		"  - in your own scripts: \"$(hush get NAME)\"\n"
		"  - to put the files back as they were: hush migrate --undo\n");
}


int rewrite_report_undo(FILE *out, FILE *err, enum rewrite_undone r, const struct rewrite_undo *u,
			const char *p, const char *dir, bool quiet)
{
	const char *prog = msg_progname();
	size_t n = u->sealed + u->plain;
	if (u->unremoved)
		fprintf(err, "%s: warning: cannot remove %zu plaintext backup%s of %s\n", prog,
			u->unremoved, u->unremoved == 1 ? "" : "s", p);
	switch (r) {
	case REWRITE_NO_BACKUP:
		if (quiet)
			return 0;
		fprintf(err, "%s: migrate: no backup of %s\n", prog, p);
		return 1;
	case REWRITE_RESTORED:
		if (u->remove_failed)
			fprintf(err, "%s: warning: cannot remove the backups of %s in %s\n", prog, p, dir);
		fprintf(out, "restored %s as it was on %s\n", p, u->stamp);
		return 0;
	case REWRITE_PURGED:
		if (u->remove_failed)
			fprintf(err, "%s: migrate: cannot remove the backups of %s\n", prog, p);
		if (n) {
			fprintf(out, "removed %zu backup%s of %s", n, n == 1 ? "" : "s", p);
			if (u->plain)
				fprintf(out, " (%zu in plain text next to it)", u->plain);
			fprintf(out, "\n");
		}
		return u->remove_failed;
	case REWRITE_ELIST:
		fprintf(err, "%s: migrate: cannot list the backups of %s\n", prog, p);
		break;
	case REWRITE_EREAD:
		fprintf(err, "%s: migrate: cannot read the backups in %s: %s\n", prog, dir,
			hush_strerror(u->rc));
		break;
	case REWRITE_ERESTORE:
		fprintf(err, "%s: migrate: cannot restore %s: %s\n", prog, p, file_strerror(u->rc));
		break;
	}
	return 1;
}

size_t rewrite_undo_each(const char *dir, const uint8_t *key, const struct strv *targets, bool purge,
			 bool quiet, FILE *out, FILE *err, size_t *done)
{
	size_t failed = 0;
	*done = 0;
	for (size_t i = 0; i < targets->n; i++) {
		struct rewrite_undo u;
		enum rewrite_undone r = rewrite_undo(dir, key, targets->v[i], purge, &u);
		failed += rewrite_report_undo(out, err, r, &u, targets->v[i], dir, quiet);
		*done += r == REWRITE_RESTORED || (r == REWRITE_PURGED && u.sealed + u.plain);
	}
	return failed;
}
