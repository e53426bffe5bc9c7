/* SPDX-License-Identifier: ISC */
/* The sandbox's environment: an allow-list copy of the user's environment
 * in which secret-looking variables pass only when named exactly. */
#include "sandbox/env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/glob.h"
#include "common/util.h"

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

static bool list_exact(const struct strv *l, const char *name)
{
	return l && strv_has(l, name);
}

static bool list_glob(const struct strv *l, const char *name)
{
	if (!l)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (strpbrk(l->v[i], "*?[") && glob_match(l->v[i], name))
			return true;
	return false;
}

int sandbox_env_filter(char *const *envp, const struct strv *allow,
		       const struct strv *exact, const struct strv *drop,
		       struct strv *out)
{
	for (size_t i = 0; envp && envp[i]; i++) {
		char name[HUSH_MAX_NAME];
		if (!env_entry_name(envp[i], name) || list_exact(drop, name))
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
			int r = strv_push(out, envp[i]);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int sandbox_env_set(struct strv *env, const char *name, const char *value)
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
	return strv_pushkv(env, name, value);
}

const char *sandbox_env_get(const struct strv *env, const char *name)
{
	size_t nlen = strlen(name);
	for (size_t i = 0; i < env->n; i++)
		if (entry_is(env->v[i], name, nlen))
			return env->v[i] + nlen + 1;
	return NULL;
}
