/* SPDX-License-Identifier: ISC */
/* [credential NAME] and [proxy] sections: see credential.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/array.h"
#include "common/envpolicy.h"
#include "common/util.h"
#include "config/credential.h"

#define CRED_MAX_NAME 64

struct builtin_cred {
	const char *name, *secret, *env, *hosts, *header, *base_url_env, *upstream;
};
/* Each service's documented API host and the header its clients send. */
static const struct builtin_cred builtins[] = {
	{ "anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY", "api.anthropic.com",
	  "x-api-key", "ANTHROPIC_BASE_URL", "https://api.anthropic.com" },
	{ "openai", "OPENAI_API_KEY", "OPENAI_API_KEY", "api.openai.com",
	  "Authorization: Bearer {}", "OPENAI_BASE_URL", "https://api.openai.com/v1" },
	{ "github", "GITHUB_TOKEN", "GH_TOKEN", "api.github.com, github.com",
	  "Authorization", NULL, NULL },
	{ "gitlab", "GITLAB_TOKEN", "GITLAB_TOKEN", "gitlab.com",
	  "PRIVATE-TOKEN", NULL, NULL },
};

#define WHY(...) (snprintf(why, n, __VA_ARGS__), HUSH_ECONFIG)

static void cred_clear(struct credential *c)
{
	for (size_t i = 0; i < c->nhosts; i++)
		free(c->hosts[i].name);
	FREE_ALL(c->name, c->secret, c->env, c->header, c->prefix, c->suffix, c->base_url_env,
		 c->upstream, c->up_host, c->up_path);
	memset(c, 0, sizeof(*c));
}

void credential_free(struct config_credentials *c)
{
	if (!c)
		return;
	ARRAY_FREE(c->v, c->n, cred_clear);
	FREE_ALL(c->ca_file, c);
}

static int replace(char **dst, const char *v)
{
	char *s = v ? strdup(v) : NULL;
	if (v && !s)
		return HUSH_ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int credential_parse_hostport(const char *s, uint16_t default_port, char *out, size_t n,
			      uint16_t *port)
{
	const char *h = s, *colon;
	size_t hl;
	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close)
			return HUSH_EINVAL;
		h = s + 1;
		hl = (size_t)(close - h);
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] && !colon)
			return HUSH_EINVAL;
	} else {
		colon = strchr(s, ':');
		hl = colon ? (size_t)(colon - s) : strlen(s);
		if (colon && strchr(colon + 1, ':'))
			return HUSH_EINVAL;
	}
	if (hl == 0 || hl >= n || hl > 253)
		return HUSH_EINVAL;
	for (size_t i = 0; i < hl; i++) {
		unsigned char c = (unsigned char)h[i];
		if (!isalnum(c) && c != '-' && c != '.' && !(*s == '[' && c == ':'))
			return HUSH_EINVAL;
		out[i] = (char)tolower(c);
	}
	out[hl] = 0;
	*port = default_port;
	if (colon) {
		const char *p = colon + 1;
		if (!*p || strlen(p) > 5)
			return HUSH_EINVAL;
		unsigned long v = 0;
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p))
				return HUSH_EINVAL;
			v = v * 10 + (unsigned long)(*p - '0');
		}
		if (v == 0 || v > 65535)
			return HUSH_EINVAL;
		*port = (uint16_t)v;
	}
	return 0;
}

static int set_hosts(struct credential *c, const char *v, char *why, size_t n)
{
	struct strv l;
	int r = config_parse_list(v, &l);
	if (r)
		return r == HUSH_ENOMEM ? r : WHY("hosts: bad list");
	for (size_t i = 0; i < c->nhosts; i++)
		free(c->hosts[i].name);
	c->nhosts = 0;
	for (size_t i = 0; i < l.n && !r; i++) {
		char host[256];
		uint16_t port;
		if (credential_parse_hostport(l.v[i], 443, host, sizeof(host), &port)) {
			r = WHY("hosts: '%.80s' is not a host name or host:port", l.v[i]);
		} else if (c->nhosts >= CREDENTIAL_MAX_HOSTS) {
			r = WHY("hosts: at most %d", CREDENTIAL_MAX_HOSTS);
		} else if (!(c->hosts[c->nhosts].name = strdup(host))) {
			r = HUSH_ENOMEM;
		} else {
			c->hosts[c->nhosts++].port = port;
		}
	}
	strv_free(&l);
	return r;
}

static int set_header(struct credential *c, const char *v, char *why, size_t n)
{
	const char *colon = strchr(v, ':');
	size_t nl = colon ? (size_t)(colon - v) : strlen(v);
	while (nl && (v[nl - 1] == ' ' || v[nl - 1] == '\t'))
		nl--;
	if (nl == 0 || nl > 128)
		return WHY("header: needs a header name (\"x-api-key\" or \"Authorization: Bearer {}\")");
	for (size_t i = 0; i < nl; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '_')
			return WHY("header: '%.*s' is not a header name", (int)nl, v);
	char name[129];
	memcpy(name, v, nl);
	name[nl] = 0;
	const char *tpl = NULL;
	if (colon) {
		tpl = colon + 1;
		while (*tpl == ' ' || *tpl == '\t')
			tpl++;
		const char *hole = strstr(tpl, "{}");
		if (!hole || strstr(hole + 2, "{}"))
			return WHY("header: the template must hold exactly one {} (where the key goes)");
		for (const char *p = tpl; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return WHY("header: control character in the template");
		char pre[CONFIG_MAX_LIST * 4];
		if ((size_t)(hole - tpl) >= sizeof(pre))
			return WHY("header: template too long");
		memcpy(pre, tpl, (size_t)(hole - tpl));
		pre[hole - tpl] = 0;
		if (replace(&c->prefix, pre) || replace(&c->suffix, hole + 2))
			return HUSH_ENOMEM;
	} else if (replace(&c->prefix, NULL) || replace(&c->suffix, NULL)) {
		return HUSH_ENOMEM;
	}
	c->templated = tpl != NULL;
	return replace(&c->header, name);
}

static int set_upstream(struct credential *c, const char *v, char *why, size_t n)
{
	if (strncmp(v, "https://", 8) != 0)
		return WHY("upstream: must start with https:// (the key only travels over TLS)");
	const char *hp = v + 8;
	size_t hl = strcspn(hp, "/?#");
	if (hp[hl] == '?' || hp[hl] == '#')
		return WHY("upstream: no query or fragment");
	char hostport[300], host[256];
	if (hl == 0 || hl >= sizeof(hostport))
		return WHY("upstream: needs a host");
	memcpy(hostport, hp, hl);
	hostport[hl] = 0;
	uint16_t port;
	if (credential_parse_hostport(hostport, 443, host, sizeof(host), &port))
		return WHY("upstream: '%.80s' is not a host name or host:port", hostport);
	char path[CONFIG_MAX_LIST * 4];
	const char *p = hp + hl;
	size_t pl = strlen(p);
	while (pl && p[pl - 1] == '/')
		pl--;
	if (pl >= sizeof(path))
		return WHY("upstream: path too long");
	for (size_t i = 0; i < pl; i++)
		if ((unsigned char)p[i] <= 0x20 || p[i] == 0x7f)
			return WHY("upstream: control character or space in the path");
	memcpy(path, p, pl);
	path[pl] = 0;
	if (replace(&c->upstream, v) || replace(&c->up_host, host) || replace(&c->up_path, path))
		return HUSH_ENOMEM;
	c->up_port = port;
	return 0;
}

static int cred_builtin(struct credential *c, const struct builtin_cred *b)
{
	char why[256];
	memset(c, 0, sizeof(*c));
	c->builtin = true;
	c->confirm = CONFIRM_POLICY_NEVER;
	if (replace(&c->name, b->name) || replace(&c->secret, b->secret) ||
	    replace(&c->env, b->env) || replace(&c->base_url_env, b->base_url_env) ||
	    set_hosts(c, b->hosts, why, sizeof(why)) ||
	    set_header(c, b->header, why, sizeof(why)) ||
	    (b->upstream && set_upstream(c, b->upstream, why, sizeof(why))))
		return HUSH_ENOMEM;
	return 0;
}

struct config_credentials *credential_defaults(void)
{
	struct config_credentials *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->v = calloc(CREDENTIAL_MAX, sizeof(*c->v));
	if (!c->v) {
		free(c);
		return NULL;
	}
	c->cur = -2;
	for (size_t i = 0; i < ARRAY_LEN(builtins); i++) {
		if (cred_builtin(&c->v[c->n], &builtins[i])) {
			c->n++;
			credential_free(c);
			return NULL;
		}
		c->n++;
	}
	return c;
}

const struct credential *credential_find(const struct config_credentials *c, const char *name)
{
	for (size_t i = 0; c && name && i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			return &c->v[i];
	return NULL;
}

bool credential_host_match(const struct credential *cred, const char *host, uint16_t port)
{
	for (size_t i = 0; i < cred->nhosts; i++)
		if (cred->hosts[i].port == port && !strcasecmp(cred->hosts[i].name, host))
			return true;
	return false;
}

static bool name_ok(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > CRED_MAX_NAME || s[0] == '-' || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

int credential_section(struct config_credentials *c, const char *kind, const char *arg, int line,
		       char *why, size_t n)
{
	if (!strcmp(kind, "proxy")) {
		if (*arg)
			return WHY("section [proxy] takes no name");
		c->cur = -1;
		return 0;
	}
	if (!*arg)
		return WHY("section [credential] needs a name: [credential NAME]");
	if (!name_ok(arg))
		return WHY("bad credential name '%.80s' (lowercase letters, digits, '_', '-'; at "
			   "most %d; it is the route prefix in URLs)", arg, CRED_MAX_NAME);
	for (size_t i = 0; i < c->n; i++) {
		struct credential *old = &c->v[i];
		if (strcmp(old->name, arg))
			continue;
		if (!old->builtin)
			return WHY("credential '%s' is defined twice (first on line %d)", arg, old->line);
		old->builtin = false; /* the section changes the built-in */
		old->line = line;
		c->cur = (int)i;
		return 0;
	}
	if (c->n >= CREDENTIAL_MAX)
		return WHY("too many credentials (at most %d)", CREDENTIAL_MAX);
	struct credential *cr = &c->v[c->n];
	memset(cr, 0, sizeof(*cr));
	cr->name = strdup(arg);
	if (!cr->name)
		return HUSH_ENOMEM;
	cr->line = line;
	cr->confirm = CONFIRM_POLICY_NEVER;
	c->cur = (int)c->n++;
	return 0;
}

int credential_key(struct config_credentials *c, const char *key, const char *v, char *why,
		   size_t n)
{
	if (c->cur == -1) {
		char path[4096];
		if (strcmp(key, "ca_file") || path_expand_home(v, path, sizeof(path)) || path[0] != '/')
			return WHY("ca_file: needs an absolute path (or ~/...)");
		return replace(&c->ca_file, path);
	}
	if (c->cur < 0 || (size_t)c->cur >= c->n)
		return WHY("'%.80s' is outside a section", key);
	struct credential *cr = &c->v[c->cur];
	char **name = !strcmp(key, "secret") ? &cr->secret
		    : !strcmp(key, "env") ? &cr->env
		    : !strcmp(key, "base_url_env") ? &cr->base_url_env : NULL;
	if (name) {
		if (!env_name_valid(v) || strlen(v) > 128)
			return WHY("%s: '%.80s' is not a valid name", key, v);
		if (name != &cr->secret && envpolicy_runs_code(v))
			return WHY("%s: %s makes programs run other code; it cannot hold a placeholder",
				   key, v);
		return replace(name, v);
	}
	if (!strcmp(key, "hosts"))
		return set_hosts(cr, v, why, n);
	if (!strcmp(key, "header"))
		return set_header(cr, v, why, n);
	if (!strcmp(key, "upstream"))
		return set_upstream(cr, v, why, n);
	if (!strcmp(key, "confirm")) {
		if (config_policy_parse(v, &cr->confirm) != 0)
			return WHY("confirm: expected never, ttl or always");
	}
	return 0;
}

int credential_check(struct config_credentials *c, int *line, char *why, size_t n)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct credential *cr = &c->v[i];
		*line = cr->line;
		if (!cr->secret)
			return WHY("credential '%s' has no secret (add: secret = VAULT_NAME)", cr->name);
		if (cr->nhosts == 0)
			return WHY("credential '%s' has no hosts (add: hosts = api.example.com)", cr->name);
		if (!cr->header)
			return WHY("credential '%s' has no header (add: header = Authorization: Bearer {})",
				   cr->name);
		if (cr->base_url_env && !cr->upstream)
			return WHY("credential '%s': base_url_env needs upstream (add: upstream = "
				   "https://HOST)", cr->name);
		if (cr->upstream && !credential_host_match(cr, cr->up_host, cr->up_port))
			return WHY("credential '%s': the upstream's host %s:%u is not in hosts",
				   cr->name, cr->up_host, cr->up_port);
		for (size_t j = 0; j < i; j++) {
			const struct credential *o = &c->v[j];
			if (cr->env && o->env && !strcmp(cr->env, o->env))
				return WHY("credentials '%s' and '%s' both use env %s", o->name,
					   cr->name, cr->env);
		}
	}
	*line = 0;
	return 0;
}
