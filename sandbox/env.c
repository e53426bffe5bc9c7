/* SPDX-License-Identifier: ISC */
/* The sandbox's environment: an allow-list copy of the user's environment
 * in which secret-looking variables pass only when named exactly. */
#include "sandbox/sandbox.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"

int sb_strv_push(struct sb_strv *s, const char *str)
{
	if (s->n + 1 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return HUSH_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	char *c = strdup(str);
	if (!c)
		return HUSH_ENOMEM;
	s->v[s->n++] = c;
	s->v[s->n] = NULL;
	return 0;
}

int sb_strv_pushkv(struct sb_strv *s, const char *name, const char *value)
{
	size_t len = strlen(name) + strlen(value) + 2;
	char *kv = malloc(len);
	if (!kv)
		return HUSH_ENOMEM;
	snprintf(kv, len, "%s=%s", name, value);
	int r = sb_strv_push(s, kv);
	free(kv);
	return r;
}

bool sb_strv_has(const struct sb_strv *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], str) == 0)
			return true;
	return false;
}

void sb_strv_free(struct sb_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static const char *const secret_words[] = {
	"TOKEN", "SECRET", "KEY", "PASSWORD", "PASS", "CREDENTIAL",
	"AUTH", "API", "PRIVATE", "SESSION", "COOKIE",
};

bool sandbox_env_secret_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(secret_words); i++)
		if (strcasestr(name, secret_words[i]))
			return true;
	return false;
}

/* Compares the name part of "NAME=value" with name. */
static bool entry_is(const char *entry, const char *name, size_t nlen)
{
	return strncmp(entry, name, nlen) == 0 && entry[nlen] == '=';
}

static bool list_exact(const struct sb_strv *l, const char *name)
{
	return l && sb_strv_has(l, name);
}

static bool list_glob(const struct sb_strv *l, const char *name)
{
	if (!l)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (strpbrk(l->v[i], "*?[") && fnmatch(l->v[i], name, 0) == 0)
			return true;
	return false;
}

int sandbox_env_filter(char *const *envp, const struct sb_strv *allow,
		       const struct sb_strv *exact, const struct sb_strv *drop,
		       struct sb_strv *out)
{
	for (size_t i = 0; envp && envp[i]; i++) {
		const char *eq = strchr(envp[i], '=');
		if (!eq || eq == envp[i] || (size_t)(eq - envp[i]) >= HUSH_MAX_NAME)
			continue;
		char name[HUSH_MAX_NAME];
		memcpy(name, envp[i], (size_t)(eq - envp[i]));
		name[eq - envp[i]] = '\0';
		if (!env_name_valid(name) || list_exact(drop, name))
			continue;
		bool pass = list_exact(allow, name) || list_exact(exact, name) ||
			    (!sandbox_env_secret_name(name) && list_glob(allow, name));
		if (!pass)
			continue;
		/* first occurrence wins, as getenv() sees it */
		bool dup = false;
		for (size_t j = 0; j < out->n && !dup; j++)
			dup = entry_is(out->v[j], name, strlen(name));
		if (!dup) {
			int r = sb_strv_push(out, envp[i]);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int sandbox_env_set(struct sb_strv *env, const char *name, const char *value)
{
	size_t nlen = strlen(name);
	for (size_t i = 0; i < env->n; i++) {
		if (entry_is(env->v[i], name, nlen)) {
			free(env->v[i]);
			memmove(&env->v[i], &env->v[i + 1], (env->n - i) * sizeof(char *));
			env->n--;
			i--;
		}
	}
	return sb_strv_pushkv(env, name, value);
}

const char *sandbox_env_get(const struct sb_strv *env, const char *name)
{
	size_t nlen = strlen(name);
	for (size_t i = 0; i < env->n; i++)
		if (entry_is(env->v[i], name, nlen))
			return env->v[i] + nlen + 1;
	return NULL;
}
