/* SPDX-License-Identifier: ISC */
/* [credential NAME] and [proxy] sections of config.ini: what the
 * credential proxy may put on the wire, where, and in which header
 * (docs/config.md, "Credentials"; docs/proxy.md).
 *
 * Built-in definitions (anthropic, openai, github, gitlab) are present
 * from the start; a [credential NAME] section with a built-in's name
 * changes the keys it sets and keeps the others. */
#ifndef HUSH_CONFIG_CREDENTIAL_H
#define HUSH_CONFIG_CREDENTIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

#define CREDENTIAL_MAX 64
#define CREDENTIAL_MAX_HOSTS 32

struct credential_host {
	char *name;        /* lowercase host name or IP literal */
	uint16_t port;     /* 443 unless "host:port" was given */
};

struct credential {
	char *name;                /* [credential NAME]; also the route prefix */
	int line;                  /* section header line, 0 for built-ins */
	bool builtin;              /* not changed by the config file */
	char *secret;              /* vault entry name */
	char *env;                 /* variable holding the placeholder, or NULL */
	struct credential_host hosts[CREDENTIAL_MAX_HOSTS];
	size_t nhosts;
	char *header;              /* header name, e.g. "x-api-key" */
	/* With a template ("Authorization: Bearer {}") the header value must be
	 * prefix + placeholder + suffix; without one the placeholder is
	 * replaced wherever it stands in that header's value. */
	bool templated;
	char *prefix, *suffix;
	char *base_url_env;        /* variable for route mode, or NULL */
	char *upstream;            /* "https://host[:port][/path]" or NULL */
	char *up_host;             /* parsed from upstream */
	uint16_t up_port;
	char *up_path;             /* "" or "/path" without a trailing '/' */
	enum confirm_policy confirm;
};

struct config_credentials {
	struct credential *v;
	size_t n;
	char *ca_file;             /* [proxy] ca_file: extra CA for upstreams */
	int cur;                   /* loader: section being read, -1 = [proxy] */
};

/* New set holding the built-in definitions; NULL on allocation failure. */
struct config_credentials *credential_defaults(void);
void credential_free(struct config_credentials *c);

/* Loader hooks for config/load.c. kind is the section word ("credential"
 * or "proxy"), arg its name ("" for none). The loader's key table
 * (config/keys.c) has already refused unknown and repeated keys.
 * 0, or HUSH_ECONFIG/HUSH_ENOMEM with the reason in why[n]. */
int credential_section(struct config_credentials *c, const char *kind, const char *arg,
		       int line, char *why, size_t n);
int credential_key(struct config_credentials *c, const char *key, const char *value, char *why,
		   size_t n);
/* Whole-file checks after loading; *line is the offending section's line. */
int credential_check(struct config_credentials *c, int *line, char *why, size_t n);

/* Credential by name, or NULL. */
const struct credential *credential_find(const struct config_credentials *c, const char *name);
/* True when host:port is one of cred's hosts (host compared without case). */
bool credential_host_match(const struct credential *cred, const char *host, uint16_t port);
/* Parses "host" or "host:port" (IPv6 as "[addr]:port") into out[n] and *port
 * (default_port when absent). 0 or HUSH_EINVAL. */
int credential_parse_hostport(const char *s, uint16_t default_port, char *out, size_t n,
			      uint16_t *port);

#endif
