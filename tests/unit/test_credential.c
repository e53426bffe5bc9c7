/* SPDX-License-Identifier: ISC */
/* Unit tests for [credential NAME] and [proxy] in config.ini. */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "config/config.h"
#include "config/credential.h"
#include "t.h"

static int load(const char *text, struct config *cfg, char *err, size_t n)
{
	return config_load_buffer(cfg, "t.ini", text, strlen(text), err, n);
}

static bool fails(const char *text, const char *want)
{
	struct config cfg;
	char err[512];
	int r = load(text, &cfg, err, sizeof(err));
	if (r == 0) {
		config_free(&cfg);
		return false;
	}
	if (!strstr(err, want)) {
		printf("# got: %s\n", err);
		return false;
	}
	return true;
}

int main(void)
{
	struct config cfg;
	char err[512];
	ok(load("", &cfg, err, sizeof(err)) == 0, "defaults load");
	const struct credential *a = credential_find(cfg.creds, "anthropic");
	ok(a && !strcmp(a->secret, "ANTHROPIC_API_KEY") && !strcmp(a->env, "ANTHROPIC_API_KEY") &&
	   !strcmp(a->header, "x-api-key") && !a->templated &&
	   !strcmp(a->base_url_env, "ANTHROPIC_BASE_URL") && !strcmp(a->up_host, "api.anthropic.com") &&
	   a->up_port == 443 && !strcmp(a->up_path, "") && a->confirm == CONFIRM_POLICY_NEVER,
	   "built-in anthropic");
	const struct credential *o = credential_find(cfg.creds, "openai");
	ok(o && o->templated && !strcmp(o->header, "Authorization") && !strcmp(o->prefix, "Bearer ") &&
	   !strcmp(o->suffix, "") && !strcmp(o->up_path, "/v1"), "built-in openai (Bearer template, /v1)");
	const struct credential *g = credential_find(cfg.creds, "github");
	ok(g && credential_host_match(g, "api.github.com", 443) &&
	   credential_host_match(g, "github.com", 443) && !strcmp(g->env, "GH_TOKEN") &&
	   credential_find(cfg.creds, "gitlab"), "built-in github (API and git hosts) and gitlab");
	ok(credential_host_match(a, "API.Anthropic.com", 443) && !credential_host_match(a, "api.anthropic.com", 8443),
	   "hosts match without case, on port 443 by default");
	config_free(&cfg);

	ok(load("[credential internal]\nsecret = CORP_TOKEN\nenv = CORP_TOKEN\n"
		"hosts = api.corp.example:8443, 127.0.0.1:9000\n"
		"header = Authorization: Token {} v1\nbase_url_env = CORP_BASE_URL\n"
		"upstream = https://api.corp.example:8443/api/\nconfirm = always\n"
		"[proxy]\nca_file = /etc/ssl/corp.pem\n", &cfg, err, sizeof(err)) == 0,
	   "a custom credential loads: %s", err);
	const struct credential *c = credential_find(cfg.creds, "internal");
	ok(c && c->nhosts == 2 && c->hosts[0].port == 8443 && !strcmp(c->hosts[1].name, "127.0.0.1") &&
	   c->templated && !strcmp(c->prefix, "Token ") && !strcmp(c->suffix, " v1") &&
	   !strcmp(c->up_path, "/api") && c->confirm == CONFIRM_POLICY_ALWAYS,
	   "its keys are typed");
	ok(cfg.creds->ca_file && !strcmp(cfg.creds->ca_file, "/etc/ssl/corp.pem"), "[proxy] ca_file");
	config_free(&cfg);

	ok(load("[credential anthropic]\nconfirm = ttl\n", &cfg, err, sizeof(err)) == 0 &&
	   (a = credential_find(cfg.creds, "anthropic")) && a->confirm == CONFIRM_POLICY_TTL &&
	   !strcmp(a->header, "x-api-key") && !a->builtin,
	   "a section named like a built-in changes only the keys it sets");
	config_free(&cfg);

	/* each: a config, what its error says, what the case is */
	static const struct { const char *text, *want, *what; } bad[] = {
		{ "[credential x]\nhosts = a.example\nheader = x-key\n",
		  "has no secret", "secret is required" },
		{ "[credential x]\nsecret = X\nheader = x-key\n",
		  "has no hosts", "hosts are required" },
		{ "[credential x]\nsecret = X\nhosts = a.example\n",
		  "has no header", "header is required" },
		{ "[credential x]\nsecret = X\nhosts = a.example\nheader = x\nupstream = http://a.example\n",
		  "https://", "plain http upstream refused" },
		{ "[credential x]\nsecret = X\nhosts = a.example\nheader = x\nupstream = https://b.example\n",
		  "not in hosts", "the upstream must be one of the hosts" },
		{ "[credential x]\nsecret = X\nhosts = a.example\nheader = x\nbase_url_env = XB\n",
		  "needs upstream", "base_url_env needs upstream" },
		{ "[credential x]\nsecret = X\nhosts = a.example\nheader = Authorization: Bearer\n",
		  "exactly one {}", "a template without {}" },
		{ "[credential x]\nsecret = X\nhosts = a/b\nheader = x\n",
		  "not a host name", "a bad host" },
		{ "[credential x]\nsecret = X\nhosts = a.example:99999\nheader = x\n",
		  "not a host name", "a bad port" },
		{ "[credential x]\nsecret = X\nenv = LD_PRELOAD\nhosts = a.example\nheader = x\n",
		  "run other code", "env may not be a code-injection variable" },
		{ "[credential x]\nsecret = X\nhosts = a.example\nheader = x\nconfirm = maybe\n",
		  "never, ttl or always", "a bad confirm" },
		{ "[credential x]\nsecret = X\nsecret = Y\n",
		  "duplicate key 'secret'", "duplicate key" },
		{ "[credential x]\nsecret = X\nfoo = 1\n",
		  "unknown key 'foo' in [credential x]", "unknown key names the section" },
		{ "[credential Bad]\n",
		  "bad credential name", "names are route prefixes: lowercase" },
		{ "[credential]\n",
		  "needs a name", "a credential needs a name" },
		{ "[credential x]\nsecret = X\nhosts = a.example\nheader = x\n[credential x]\n",
		  "defined twice", "defined twice" },
		{ "[proxy]\nca_file = rel.pem\n",
		  "absolute path", "ca_file must be absolute" },
		{ "[proxy]\nport = 1\n",
		  "unknown key 'port' in [proxy]", "unknown [proxy] key" },
		{ "[proxy x]\n",
		  "takes no name", "[proxy] takes no name" },
		{ "[credential x]\nsecret = X\nenv = OPENAI_API_KEY\nhosts = a.example\nheader = x\n",
		  "both use env OPENAI_API_KEY", "two credentials cannot share a variable" },
		{ "[credential x]\nsecret = X\nhosts = a.example\n",
		  "t.ini:1:", "whole-section errors name the section's line" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(fails(bad[i].text, bad[i].want), "%s", bad[i].what);
	return t_done();
}
