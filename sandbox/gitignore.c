/* SPDX-License-Identifier: ISC */
/* A hidden file un-ignored during the session. Inside, git never sees a
 * masked .env, so a "!.env" the agent adds to a .gitignore looks harmless;
 * the human's next `git add -A`, outside, stages the real file. At the
 * start the .gitignore files on the way from each hidden file up to the
 * project are recorded; at the end one that changed and now holds a
 * negation that matches the hidden file's name is reported, and the file
 * is ignored again by a line appended to the .gitignore next to it (the
 * deepest one, whose last matching line wins). Never runs git. */
#include "sandbox/gitignore.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "shim/rules.h"
#include "sandbox/policy.h"

#define IGNORE_MAX_BYTES (1024 * 1024)

static char *read_or_empty(const char *p)
{
	char *t = NULL;
	size_t l = 0;
	if (file_read_all(p, IGNORE_MAX_BYTES, false, &t, &l) != 0)
		return strdup("");
	return t;
}

int sandbox_ignore_begin(struct sandbox_ignore *g, const struct sandbox_masks *m,
			 const char *project)
{
	for (size_t i = 0; i < m->files.n; i++) {
		const char *f = m->files.v[i];
		if (!sandbox_path_under(f, project) || !strcmp(f, project))
			continue;
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", f);
		for (char *sl = strrchr(dir, '/'); sl && sandbox_path_under(dir, project);
		     sl = strrchr(dir, '/')) {
			*sl = '\0';
			char gi[PATH_MAX];
			if (!sandbox_path_under(dir, project) ||
			    xsnprintf(gi, sizeof(gi), "%s/.gitignore", dir) < 0)
				break;
			if (!strv_has(&g->files, gi)) {
				char *t = read_or_empty(gi);
				if (!t || strv_push(&g->files, gi) || strv_push(&g->start, t)) {
					free(t);
					return HUSH_ENOMEM;
				}
				free(t);
			}
		}
		if (strv_push(&g->hidden, f))
			return HUSH_ENOMEM;
	}
	return 0;
}

/* A negation in text that matches name ("!.env", "!/.env", "!*.env", "!**"). */
static bool negates(const char *text, const char *name)
{
	char *copy = strdup(text);
	bool hit = false;
	for (char *save = NULL, *l = copy ? strtok_r(copy, "\n", &save) : NULL; l && !hit;
	     l = strtok_r(NULL, "\n", &save)) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (l[0] != '!')
			continue;
		char *pat = l + 1;
		size_t n = strlen(pat);
		while (n && (pat[n - 1] == ' ' || pat[n - 1] == '\r' || pat[n - 1] == '/'))
			pat[--n] = '\0';
		const char *base = strrchr(pat, '/');
		base = base ? base + 1 : pat;
		hit = rules_glob(base, name, strlen(name)) == 1 || !strcmp(base, "**");
	}
	free(copy);
	return hit;
}

int sandbox_ignore_end(const struct sandbox_ignore *g, struct strv *fixed)
{
	/* each .gitignore read once: NULL where it did not change */
	char **now = calloc(g->files.n + 1, sizeof(char *));
	if (!now)
		return HUSH_ENOMEM;
	for (size_t i = 0; i < g->files.n; i++) {
		now[i] = read_or_empty(g->files.v[i]);
		if (now[i] && !strcmp(now[i], g->start.v[i])) {
			free(now[i]);
			now[i] = NULL;
		}
	}
	int first = 0;
	for (size_t h = 0; h < g->hidden.n; h++) {
		const char *f = g->hidden.v[h], *name = strrchr(f, '/') + 1;
		const char *culprit = NULL;
		for (size_t i = 0; i < g->files.n && !culprit; i++) {
			size_t dl = strlen(g->files.v[i]) - strlen("/.gitignore");
			if (strncmp(g->files.v[i], f, dl) || f[dl] != '/')
				continue; /* not on this file's way up */
			if (now[i] && negates(now[i], name))
				culprit = g->files.v[i];
		}
		if (!culprit)
			continue;
		/* ignored again by the .gitignore next to it */
		char gi[PATH_MAX], line[2 * PATH_MAX + 160];
		snprintf(gi, sizeof(gi), "%.*s/.gitignore", (int)(name - 1 - f), f);
		char add[NAME_MAX + 64];
		snprintf(add, sizeof(add), "\n# hush sandbox: %s stays ignored (it is hidden in sessions)\n/%s\n",
			 name, name);
		int fd = open(gi, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		bool ok = fd >= 0 && write_all(fd, add, strlen(add)) == 0;
		if (fd >= 0)
			close(fd);
		snprintf(line, sizeof(line), "%s un-ignored %s: %s", culprit, f,
			 ok ? "ignored again by a line at the end of the .gitignore next to it"
			    : "could not add a line to ignore it again; do not git add -A before fixing it");
		if (strv_push(fixed, line) && !first)
			first = HUSH_ENOMEM;
	}
	for (size_t i = 0; i < g->files.n; i++)
		free(now[i]);
	free(now);
	return first;
}

void sandbox_ignore_free(struct sandbox_ignore *g)
{
	strv_free(&g->files);
	strv_free(&g->start);
	strv_free(&g->hidden);
}
