/* SPDX-License-Identifier: ISC */
/* The string vector: see strv.h. */
#include "common/strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/err.h"

int strv_push(struct strv *s, const char *str)
{
	if (array_grow(&s->v, &s->cap, s->n + 2, sizeof(*s->v), 16) < 0)
		return HUSH_ENOMEM;
	char *c = strdup(str);
	if (!c)
		return HUSH_ENOMEM;
	s->v[s->n++] = c;
	s->v[s->n] = NULL;
	return 0;
}

int strv_push_unique(struct strv *s, const char *str)
{
	return strv_has(s, str) ? 0 : strv_push(s, str);
}

bool strv_has(const struct strv *s, const char *str)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (strcmp(s->v[i], str) == 0)
			return true;
	return false;
}

void strv_free(struct strv *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

void strv_free_each(struct strv *const *list)
{
	for (; *list; list++)
		strv_free(*list);
}

int strv_pushkv(struct strv *s, const char *name, const char *value)
{
	size_t len = strlen(name) + strlen(value) + 2;
	char *kv = malloc(len);
	if (!kv)
		return HUSH_ENOMEM;
	snprintf(kv, len, "%s=%s", name, value);
	int r = strv_push(s, kv);
	free(kv);
	return r;
}

int strv_push_csv(struct strv *s, const char *csv, bool (*valid)(const char *), char *bad,
		  size_t badn)
{
	char *copy = strdup(csv);
	if (!copy)
		return HUSH_ENOMEM;
	size_t n0 = s->n;
	int rc = 0;
	for (char *save = NULL, *t = strtok_r(copy, ",", &save); t && !rc;
	     t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		size_t l = strlen(t);
		while (l && t[l - 1] == ' ')
			t[--l] = '\0';
		if (valid && !valid(t)) {
			snprintf(bad, badn, "%s", t);
			rc = HUSH_EINVAL;
		} else if (*t) {
			rc = strv_push(s, t);
		}
	}
	while (rc && s->n > n0)
		free(s->v[--s->n]);
	if (s->v)
		s->v[s->n] = NULL;
	free(copy);
	return rc;
}
