/* SPDX-License-Identifier: ISC */
/* The value types of config.ini: lists, booleans, sizes, durations,
 * absolute paths, confirmation UIs, list items by kind and grant argument
 * patterns (docs/config.md, "Value types"). See loader.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "config/loader.h"

/* --- lists --- */

int config_list_add(struct strv *l, const char *s)
{
	if (strv_has(l, s))
		return 0;
	if (l->n >= CONFIG_MAX_LIST)
		return HUSH_ETOOBIG;
	return strv_push(l, s);
}

void config_list_remove(struct strv *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], s) == 0) {
			free(l->v[i]);
			/* the NULL after the last one moves too */
			memmove(&l->v[i], &l->v[i + 1], (l->n - i) * sizeof(char *));
			l->n--;
			return;
		}
	}
}

char *config_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = 0;
	return s;
}

int config_parse_list(const char *s, struct strv *out)
{
	*out = (struct strv)STRV_INIT;
	if (!s)
		return HUSH_EINVAL;
	char *copy = strdup(s);
	if (!copy)
		return HUSH_ENOMEM;
	int r = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *item = config_trim(tok);
		if (!*item)
			continue;
		if (strlen(item) >= CONFIG_MAX_ITEM) {
			r = HUSH_EINVAL;
			break;
		}
		/* Duplicates collapse; the cap counts distinct items. */
		r = config_list_add(out, item);
		if (r) {
			r = r == HUSH_ENOMEM ? r : HUSH_EINVAL;
			break;
		}
	}
	free(copy);
	if (r)
		strv_free(out);
	return r;
}

/* --- scalars --- */

int config_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	if (!s)
		return HUSH_EINVAL;
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return HUSH_EINVAL;
}

int config_parse_size(const char *s, uint64_t *out)
{
	static const struct { const char *suffix; uint64_t mul; } units[] = {
		{ "", 1 }, { "b", 1 },
		{ "k", 1ull << 10 }, { "kb", 1ull << 10 }, { "kib", 1ull << 10 },
		{ "m", 1ull << 20 }, { "mb", 1ull << 20 }, { "mib", 1ull << 20 },
		{ "g", 1ull << 30 }, { "gb", 1ull << 30 }, { "gib", 1ull << 30 },
	};
	if (!s || !isdigit((unsigned char)*s))
		return HUSH_EINVAL;
	uint64_t v = 0;
	const char *p = s;
	while (isdigit((unsigned char)*p)) {
		if (v > (UINT64_MAX - 9) / 10)
			return HUSH_EINVAL;
		v = v * 10 + (uint64_t)(*p++ - '0');
	}
	for (size_t i = 0; i < ARRAY_LEN(units); i++) {
		if (strcasecmp(p, units[i].suffix) == 0) {
			if (v > UINT64_MAX / units[i].mul)
				return HUSH_EINVAL;
			*out = v * units[i].mul;
			return 0;
		}
	}
	return HUSH_EINVAL;
}

int cv_set_str(struct loader *L, char **dst, const char *v)
{
	char *c = strdup(v);
	if (!c) {
		FAIL_OOM(L);
		return -1;
	}
	free(*dst);
	*dst = c;
	return 0;
}

int cv_abs_path(struct loader *L, const char *key, const char *v, char *out, size_t n)
{
	if (!*v) {
		FAIL(L, "%s: empty value (expected an absolute path)", key);
		return -1;
	}
	if (path_expand_home(v, out, n)) {
		FAIL(L, "%s: cannot expand '%.80s' (path too long or no home directory)", key, v);
		return -1;
	}
	if (out[0] != '/') {
		FAIL(L, "%s: '%.80s' is not an absolute path", key, v);
		return -1;
	}
	return 0;
}

int cv_duration(struct loader *L, const char *key, const char *v, bool never_ok, uint64_t *out)
{
	if (never_ok && !strcasecmp(v, "never")) {
		*out = 0;
		return 0;
	}
	uint64_t s;
	if (parse_duration(v, &s)) {
		FAIL(L, "%s: bad duration '%.80s' (expected e.g. 90s, 15m, 2h, 1d, 1h30m%s)",
		     key, v, never_ok ? " or never" : "");
		return -1;
	}
	if (s > CONFIG_MAX_DURATION) {
		FAIL(L, "%s: duration '%.80s' is too long (at most 366d)", key, v);
		return -1;
	}
	*out = s;
	return 0;
}

int cv_bool(struct loader *L, const char *key, const char *v, bool *out)
{
	if (config_parse_bool(v, out)) {
		FAIL(L, "%s: bad boolean '%.80s' (expected true/false, yes/no, on/off, 1/0)", key, v);
		return -1;
	}
	return 0;
}

static const struct {
	const char *name;
	enum confirm_policy p;
} policies[] = {
	{ "always", CONFIRM_POLICY_ALWAYS }, { "ttl", CONFIRM_POLICY_TTL }, { "never", CONFIRM_POLICY_NEVER },
};

int config_policy_parse(const char *v, enum confirm_policy *out)
{
	for (size_t i = 0; i < ARRAY_LEN(policies); i++)
		if (!strcmp(v, policies[i].name)) {
			*out = policies[i].p;
			return 0;
		}
	return HUSH_EINVAL;
}

const char *config_policy_name(enum confirm_policy p)
{
	for (size_t i = 0; i < ARRAY_LEN(policies); i++)
		if (policies[i].p == p)
			return policies[i].name;
	return "ttl";
}

int cv_ui(struct loader *L, const char *key, const char *v, enum confirm_ui *ui, char **command)
{
	if (!strcmp(v, "desktop")) {
		*ui = CONFIRM_UI_DESKTOP;
	} else if (!strcmp(v, "terminal")) {
		*ui = CONFIRM_UI_TERMINAL;
	} else if (!strcmp(v, "none")) {
		*ui = CONFIRM_UI_NONE;
	} else if (!strncmp(v, "command:", 8)) {
		char path[CONFIG_MAX_ITEM];
		const char *p = v + 8;
		while (*p == ' ' || *p == '\t')
			p++;
		if (cv_abs_path(L, key, p, path, sizeof(path)))
			return -1;
		if (cv_set_str(L, command, path))
			return -1;
		*ui = CONFIRM_UI_COMMAND;
	} else {
		return 1;
	}
	return 0;
}

/* --- list items --- */

/* Copies item to out[n] for the list; "item too long" otherwise. */
static int keep_item(struct loader *L, const char *key, const char *item, char *out, size_t n)
{
	if (xsnprintf(out, n, "%s", item)) {
		FAIL(L, "%s: item too long", key);
		return -1;
	}
	return 0;
}

static int check_env_item(struct loader *L, const char *key, const char *item)
{
	size_t len = strlen(item);
	char name[CONFIG_MAX_ITEM];
	if (len == 0 || len >= sizeof(name)) {
		FAIL(L, "%s: bad variable name", key);
		return -1;
	}
	memcpy(name, item, len + 1);
	bool glob = name[len - 1] == '*';
	if (glob)
		name[len - 1] = 0;
	if (glob && !name[0]) {
		FAIL(L, "%s: '*' would pass every variable, secrets included", key);
		return -1;
	}
	/* A prefix glob may end in '_' (e.g. LC_*), a name may not be empty. */
	if (!env_name_valid(name)) {
		FAIL(L, "%s: '%.80s' is not a variable name (letters, digits, '_'; "
		     "optionally ending in '*')", key, item);
		return -1;
	}
	return 0;
}

static int check_item(struct loader *L, const char *key, enum item_kind kind, const char *item,
		      char *out, size_t n)
{
	switch (kind) {
	case ITEM_GLOB:
		if (strchr(item, '/')) {
			FAIL(L, "%s: '%.80s' contains '/' (file-name globs only; use hide_dirs "
			     "for paths)", key, item);
			return -1;
		}
		if (!strcmp(item, "!")) {
			FAIL(L, "%s: '!' needs a glob after it", key);
			return -1;
		}
		return keep_item(L, key, item, out, n);
	case ITEM_DIR:
		return cv_abs_path(L, key, item, out, n);
	case ITEM_ENV:
		return check_env_item(L, key, item) ? -1 : keep_item(L, key, item, out, n);
	case ITEM_PATH:
		if (item[0] == '/' || item[0] == '~')
			return cv_abs_path(L, key, item, out, n);
		if (!strcmp(item, "..") || !strncmp(item, "../", 3) || strstr(item, "/../") ||
		    !*item) {
			FAIL(L, "%s: '%.80s' must not leave the project ('..')", key, item);
			return -1;
		}
		return keep_item(L, key, item, out, n);
	case ITEM_NAME:
		if (strchr(item, '/') || !strcmp(item, ".") || !strcmp(item, "..")) {
			FAIL(L, "%s: '%.80s' is not a directory name", key, item);
			return -1;
		}
		return keep_item(L, key, item, out, n);
	}
	return -1;
}

int cv_list(struct loader *L, const char *key, const char *v, struct strv *items)
{
	int r = config_parse_list(v, items);
	if (r == HUSH_ENOMEM)
		FAIL_OOM(L);
	else if (r)
		FAIL(L, "%s: bad list (at most %d items of at most %d bytes, separated by ',')",
		     key, CONFIG_MAX_LIST, CONFIG_MAX_ITEM - 1);
	return r ? -1 : 0;
}

int cv_add_list(struct loader *L, const char *key, const char *v, struct strv *l,
		enum item_kind kind, bool removable)
{
	struct strv items;
	if (cv_list(L, key, v, &items))
		return -1;
	int r, ret = 0;
	for (size_t i = 0; i < items.n && ret == 0; i++) {
		const char *it = items.v[i];
		char out[CONFIG_MAX_ITEM];
		bool remove = false;
		if (it[0] == '!' && kind != ITEM_GLOB) {
			if (!removable) {
				FAIL(L, "%s: '!' items are only allowed in [sandbox] and [scan]", key);
				ret = -1;
				break;
			}
			remove = true;
			it = config_trim((char *)it + 1);
		}
		if (check_item(L, key, kind, it, out, sizeof(out))) {
			ret = -1;
			break;
		}
		if (remove) {
			config_list_remove(l, out);
			continue;
		}
		r = config_list_add(l, out);
		if (r == HUSH_ETOOBIG) {
			FAIL(L, "%s: too many items (at most %d)", key, CONFIG_MAX_LIST);
			ret = -1;
		} else if (r) {
			FAIL_OOM(L);
			ret = -1;
		}
	}
	strv_free(&items);
	return ret;
}

/* --- grant argument patterns --- */

/* Whitespace separates tokens, '...' and "..." group (no escapes inside
 * single quotes; \" and \\ inside double quotes). Tokens repeat
 * legitimately ("* x *"), so there is no de-duplication. */
int cv_args(struct loader *L, const char *v, struct strv *out)
{
	*out = (struct strv)STRV_INIT;
	const char *p = v;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		char tok[CONFIG_MAX_ITEM];
		size_t n = 0;
		while (*p && *p != ' ' && *p != '\t') {
			char q = *p;
			if (q == '\'' || q == '"') {
				p++;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					if (n + 1 >= sizeof(tok))
						goto too_long;
					tok[n++] = *p++;
				}
				if (*p != q) {
					FAIL(L, "args: unterminated %s quote", q == '"' ? "double" : "single");
					goto fail;
				}
				p++;
				continue;
			}
			if (n + 1 >= sizeof(tok))
				goto too_long;
			tok[n++] = *p++;
		}
		tok[n] = 0;
		if (out->n >= CONFIG_MAX_ARG_TOKENS) {
			FAIL(L, "args: too many tokens (at most %d)", CONFIG_MAX_ARG_TOKENS);
			goto fail;
		}
		if (strv_push(out, tok) < 0) {
			FAIL_OOM(L);
			goto fail;
		}
	}
too_long:
	FAIL(L, "args: token too long");
fail:
	strv_free(out);
	return -1;
}
