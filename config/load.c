/* SPDX-License-Identifier: ISC */
/* config.ini loading: one pass over the bytes splits lines, section
 * headers and key = value pairs (the INI dialect of docs/config.md,
 * "Syntax"), and runs each pair through the key table (keys.c).
 *
 * The file used to reach inih through a line reader that parsed section
 * headers a second time, because inih as Debian ships it reports neither
 * section headers (INI_CALL_HANDLER_ON_NEW_SECTION is compiled out) nor
 * section names longer than 50 bytes (grant names go to 64). Splitting a
 * line takes less code than working around that, so the loader does it
 * itself and counts lines, refuses NUL bytes and over-long lines on the
 * way.
 *
 * List keys may be repeated; each line adds items. Scalar keys may appear
 * once per section. The [sandbox] and [scan] lists add to the built-in
 * defaults; "!ITEM" removes a default (for hide, "!GLOB" stays in the list
 * as an exception pattern, the way the sandbox reads it). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/util.h"
#include "config/credential.h"
#include "config/loader.h"

static const struct {
	const char *word;
	enum config_section sec;
	bool named;
} sections[] = {
	{ "vault", SEC_VAULT, false },     { "broker", SEC_BROKER, false },
	{ "sandbox", SEC_SANDBOX, false }, { "scan", SEC_SCAN, false },
	{ "grant", SEC_GRANT, true },      { "profile", SEC_PROFILE, true },
	{ "credential", SEC_CREDENTIAL, true }, { "proxy", SEC_PROXY, false },
};

const char *config_section_word(enum config_section s)
{
	for (size_t i = 0; i < ARRAY_LEN(sections); i++)
		if (sections[i].sec == s)
			return sections[i].word;
	return NULL;
}

void config_lerr(struct loader *L, int line, int code, const char *fmt, ...)
{
	if (L->err_line)
		return;
	L->err_line = line > 0 ? line : 1;
	L->rc = code;
	if (!L->err || !L->errlen)
		return;
	int k = snprintf(L->err, L->errlen, "%s:%d: ", L->name, L->err_line);
	if (k < 0 || (size_t)k >= L->errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(L->err + k, L->errlen - (size_t)k, fmt, ap);
	va_end(ap);
}

static bool name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > CONFIG_MAX_NAME || s[0] == '-' || s[0] == '.')
		return false;
	for (const char *c = s; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
			return false;
	return true;
}

/* Forgets which scalar keys of section s were set: each named section
 * (and [proxy]) is a new set of keys; [vault], [broker], [sandbox] and
 * [scan] may be split over several headers but set a key once. */
static void seen_reset(struct loader *L, enum config_section s)
{
	size_t n;
	const struct config_key *keys = config_key_table(&n);
	for (size_t i = 0; i < n; i++)
		if (keys[i].sec == s)
			L->seen[i] = 0;
}

/* Appends a zeroed element of size bytes named arg to the array *pv of
 * *n (at most max; what names them in the message). Every such struct
 * starts with its char *name. The element, or NULL with the error recorded. */
static void *named_new(struct loader *L, void *pv, size_t *n, size_t max, size_t size,
		       const char *what, const char *arg)
{
	if (*n >= max) {
		FAIL(L, "too many %ss (at most %zu)", what, max);
		return NULL;
	}
	char *e = array_add_one(pv, *n, size);
	if (!e) {
		FAIL_OOM(L);
		return NULL;
	}
	if (!(*(char **)(void *)e = strdup(arg))) {
		FAIL_OOM(L);
		return NULL;
	}
	L->cur = (*n)++;
	return e;
}

_Static_assert(offsetof(struct grant, name) == 0 && offsetof(struct sandbox_profile, name) == 0,
	       "named_new() needs the name first");

static void grant_begin(struct loader *L, const char *arg)
{
	struct config *cfg = L->cfg;
	const struct grant *old = config_grant(cfg, arg);
	if (old) {
		FAIL(L, "grant '%s' is defined twice (first on line %d)", arg, old->line);
		return;
	}
	struct grant *g = named_new(L, &cfg->grants, &cfg->ngrants, CONFIG_MAX_GRANTS,
				    sizeof(*g), "grant", arg);
	if (!g)
		return;
	g->line = L->line;
	L->sec = SEC_GRANT;
	if (config_key_defaults(L, SEC_GRANT, g) < 0)
		config_lerr(L, L->line, HUSH_ENOMEM, "out of memory");
}

static void profile_begin(struct loader *L, const char *arg)
{
	struct config *cfg = L->cfg;
	struct sandbox_profile *old = (struct sandbox_profile *)config_profile(cfg, arg);
	if (old && old->builtin) {
		/* a user's section extends the built-in profile */
		old->builtin = false;
		L->cur = (size_t)(old - cfg->profiles);
		L->sec = SEC_PROFILE;
		return;
	}
	if (old) {
		FAIL(L, "profile '%s' is defined twice", arg);
		return;
	}
	if (named_new(L, &cfg->profiles, &cfg->nprofiles, CONFIG_MAX_PROFILES,
		      sizeof(struct sandbox_profile), "profile", arg))
		L->sec = SEC_PROFILE;
}

/* The text between '[' and ']': "word" or "word NAME". */
static void section_begin(struct loader *L, char *text)
{
	char *t = config_trim(text);
	char whole[CONFIG_MAX_ITEM];
	snprintf(whole, sizeof(whole), "%s", t);
	char *arg = t + strcspn(t, " \t");
	if (*arg) {
		*arg++ = 0;
		arg = config_trim(arg);
	}
	L->sec = SEC_BAD;
	size_t i = 0;
	while (i < ARRAY_LEN(sections) && strcmp(t, sections[i].word))
		i++;
	if (i == ARRAY_LEN(sections)) {
		FAIL(L, "unknown section [%.80s] (expected [vault], [broker], [sandbox], [scan], "
		     "[grant NAME], [profile NAME], [credential NAME] or [proxy])", whole);
		return;
	}
	enum config_section s = sections[i].sec;
	if (sections[i].named || s == SEC_PROXY)
		seen_reset(L, s);
	if (s == SEC_CREDENTIAL || s == SEC_PROXY) {
		char why[512];
		int r = L->cfg->creds ? credential_section(L->cfg->creds, t, arg, L->line, why,
							   sizeof(why)) : HUSH_ENOMEM;
		if (r)
			config_lerr(L, L->line, r, "%s", r == HUSH_ENOMEM ? "out of memory" : why);
		else
			L->sec = s;
		return;
	}
	if (!sections[i].named) {
		if (*arg)
			FAIL(L, "section [%s] takes no name", t);
		else
			L->sec = s;
		return;
	}
	if (!*arg) {
		FAIL(L, "section [%s] needs a name: [%s NAME]", t, t);
		return;
	}
	if (!name_valid(arg)) {
		FAIL(L, "bad %s name '%.80s' (letters, digits, '.', '_', '-'; at most %d; "
		     "not starting with '.' or '-')", t, arg, CONFIG_MAX_NAME);
		return;
	}
	L->ui_line = 0;
	L->ui_key = NULL;
	if (s == SEC_GRANT)
		grant_begin(L, arg);
	else
		profile_begin(L, arg);
}

/* A "[...]" line, trimmed. */
static void header_line(struct loader *L, char *s)
{
	char *close = strchr(s, ']');
	if (!close) {
		FAIL(L, "section header without ']'");
		L->sec = SEC_BAD;
		return;
	}
	*close = 0;
	char *rest = config_trim(close + 1);
	if (*rest && *rest != ';' && *rest != '#') {
		FAIL(L, "unexpected text after section header");
		L->sec = SEC_BAD;
		return;
	}
	section_begin(L, s + 1);
}

/* The struct a key of the current section is stored in. */
static void *section_base(struct loader *L)
{
	struct config *cfg = L->cfg;
	switch (L->sec) {
	case SEC_GRANT: return &cfg->grants[L->cur];
	case SEC_PROFILE: return &cfg->profiles[L->cur];
	case SEC_CREDENTIAL:
	case SEC_PROXY: return cfg->creds;
	default: return cfg;
	}
}

/* "unknown key 'x' in [broker] (known keys: a, b, c)" */
static void unknown_key(struct loader *L, const char *name)
{
	size_t n;
	const struct config_key *keys = config_key_table(&n);
	char list[256] = "";
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		if (keys[i].sec != L->sec)
			continue;
		int w = snprintf(list + off, sizeof(list) - off, "%s%s", off ? ", " : "",
				 keys[i].name);
		if (w < 0 || (size_t)w >= sizeof(list) - off)
			break;
		off += (size_t)w;
	}
	const char *word = config_section_word(L->sec);
	char where[CONFIG_MAX_NAME + 32];
	if (L->sec == SEC_GRANT)
		snprintf(where, sizeof(where), "[grant %s]", L->cfg->grants[L->cur].name);
	else if (L->sec == SEC_PROFILE)
		snprintf(where, sizeof(where), "[profile %s]", L->cfg->profiles[L->cur].name);
	else if (L->sec == SEC_CREDENTIAL)
		snprintf(where, sizeof(where), "[credential %s]",
			 L->cfg->creds->v[L->cfg->creds->cur].name);
	else
		snprintf(where, sizeof(where), "[%s]", word);
	FAIL(L, "unknown key '%.80s' in %s (known keys: %s)", name, where, list);
}

static void key_line(struct loader *L, const char *name, const char *value)
{
	if (L->sec == SEC_BAD)
		return; /* already reported at the header */
	if (L->sec == SEC_NONE) {
		FAIL(L, "'%.80s' is outside any section (start with e.g. [broker])", name);
		return;
	}
	const struct config_key *k = config_key_find(L->sec, name);
	if (!k) {
		unknown_key(L, name);
		return;
	}
	if (!(k->flags & KF_REPEAT)) {
		size_t n;
		int *seen = &L->seen[k - config_key_table(&n)];
		if (*seen) {
			FAIL(L, "duplicate key '%s' (first set on line %d)", name, *seen);
			return;
		}
		*seen = L->line;
	}
	if (strlen(value) >= CONFIG_MAX_ITEM) {
		FAIL(L, "%s: value too long", name);
		return;
	}
	config_key_set(L, k, section_base(L), value);
}

/* The first ';' or '#' after white space, or the first of stop (when not
 * NULL), or the end: where inih-style INI ends a name or a value. */
static char *find_stop(char *s, const char *stop)
{
	bool was_space = false;
	while (*s && !(stop && strchr(stop, *s)) && !(was_space && (*s == ';' || *s == '#'))) {
		was_space = isspace((unsigned char)*s);
		s++;
	}
	return s;
}

static char *strip(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

/* One line without its newline (len bytes, NUL-free, at most
 * CONFIG_MAX_LINE), copied into buf. */
static void parse_line(struct loader *L, char *buf)
{
	char *s = buf;
	if (L->line == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	s = strip(s);
	if (!*s || *s == ';' || *s == '#')
		return;
	if (*s == '[') {
		header_line(L, s);
		return;
	}
	char *end = find_stop(s, "=:");
	if (*end != '=' && *end != ':') {
		FAIL(L, "expected 'key = value', '[section]' or a comment");
		return;
	}
	*end = 0;
	char *value = end + 1;
	*find_stop(value, NULL) = 0;
	key_line(L, strip(s), strip(value));
}

static void parse(struct loader *L, const char *p, const char *end)
{
	while (p < end && !L->err_line) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		L->line++;
		char buf[CONFIG_MAX_LINE + 1];
		if (memchr(p, 0, len))
			FAIL(L, "NUL byte in line");
		else if (len > CONFIG_MAX_LINE)
			FAIL(L, "line longer than %d characters (repeat a list key to continue a "
			     "list)", CONFIG_MAX_LINE);
		else {
			memcpy(buf, p, len);
			buf[len] = 0;
			parse_line(L, buf);
		}
		p += len + (nl ? 1 : 0);
	}
}

/* Checks that need a whole section: required keys, cross-key rules. */
static void check_grants(struct loader *L)
{
	for (size_t i = 0; i < L->cfg->ngrants && !L->err_line; i++) {
		const struct grant *g = &L->cfg->grants[i];
		if (!g->command) {
			config_lerr(L, g->line, HUSH_ECONFIG,
				    "grant '%s' has no command (add: command = /absolute/path)",
				    g->name);
			return;
		}
		for (size_t j = 0; j < g->env_keep.n; j++) {
			for (size_t k = 0; k < g->nsecrets; k++) {
				const char *e = g->env_keep.v[j];
				size_t n = strlen(e);
				bool hit = e[n - 1] == '*' ? !strncmp(g->secrets[k].env, e, n - 1)
							   : !strcmp(g->secrets[k].env, e);
				if (hit) {
					config_lerr(L, g->line, HUSH_ECONFIG,
						    "grant '%s': env_keep %s would let the requester "
						    "replace the secret variable %s", g->name, e,
						    g->secrets[k].env);
					return;
				}
			}
		}
	}
}

int config_load_buffer(struct config *cfg, const char *name, const char *data, size_t len,
		       char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = 0;
	int dr = config_defaults(cfg);
	struct loader L = {
		.cfg = cfg, .name = name ? name : "(config)", .err = err, .errlen = errlen,
	};
	if (!data)
		len = 0;
	if (dr < 0)
		config_lerr(&L, 1, HUSH_ENOMEM, "out of memory");
	else if (len > CONFIG_MAX_FILE)
		config_lerr(&L, 1, HUSH_ECONFIG, "file larger than %u bytes", CONFIG_MAX_FILE);
	else
		parse(&L, data, data + len);
	if (!L.err_line)
		check_grants(&L);
	if (!L.err_line) {
		char why[512];
		int line = 0;
		if (credential_check(cfg->creds, &line, why, sizeof(why)))
			config_lerr(&L, line, HUSH_ECONFIG, "%s", why);
	}
	if (L.err_line) {
		int rc = L.rc ? L.rc : HUSH_ECONFIG;
		config_free(cfg);
		return rc;
	}
	return 0;
}

int config_load(struct config *cfg, const char *path, bool missing_ok, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = 0;
	char *data = NULL;
	size_t len = 0;
	/* Followed symlinks: users keep dotfiles in a repository and link them. */
	int r = file_read_all(path, CONFIG_MAX_FILE, true, &data, &len);
	if (r == HUSH_ENOENT && missing_ok) {
		if (config_defaults(cfg) == 0)
			return 0;
		config_free(cfg);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return HUSH_ENOMEM;
	}
	if (r) {
		const char *why = r == HUSH_ENOENT ? "no such file"
				: r == HUSH_ETOOBIG ? "larger than 1 MiB"
				: r == HUSH_EINVAL ? "not a regular file"
				: r == HUSH_EPERM ? "permission denied"
				: r == HUSH_ENOMEM ? "out of memory" : strerror(errno);
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, why);
		memset(cfg, 0, sizeof(*cfg));
		return r == HUSH_ETOOBIG || r == HUSH_EINVAL ? HUSH_ECONFIG : r;
	}
	r = config_load_buffer(cfg, path, data, len, err, errlen);
	free(data);
	if (r)
		return r;
	cfg->path = strdup(path);
	if (!cfg->path) {
		config_free(cfg);
		return HUSH_ENOMEM;
	}
	return 0;
}

int config_load_default(struct config *cfg, char *err, size_t errlen)
{
	char path[4096];
	int r = path_config(path, sizeof(path));
	if (r) {
		if (err && errlen)
			snprintf(err, errlen, "cannot find the config path: %s", hush_strerror(r));
		memset(cfg, 0, sizeof(*cfg));
		return r;
	}
	return config_load(cfg, path, true, err, errlen);
}
