/* SPDX-License-Identifier: ISC */
/* The configuration before a file is read: the defaults of the key table
 * (keys.c) and the built-in agent profiles; freeing and looking up what
 * the loader built. See config.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/util.h"
#include "config/credential.h"
#include "config/loader.h"


/* Built-in agent profiles, chosen by the agent's command name. */
struct builtin_profile {
	const char *name;
	const char *commands, *allow_write, *state_files, *allow_env, *never_write;
};
static const struct builtin_profile builtin_profiles[] = {
	{ "claude", "claude",
	  "~/.claude",
	  "~/.claude.json, ~/.claude.json.backup",
	  "ANTHROPIC_BASE_URL, ANTHROPIC_MODEL, ANTHROPIC_SMALL_FAST_MODEL, CLAUDE_CODE_*, "
	  "DISABLE_*, CLAUDE_CONFIG_DIR",
	  "~/.claude/settings.json, ~/.claude/settings.local.json, ~/.claude/commands, "
	  "~/.claude/agents, ~/.claude/hooks" },
	{ "opencode", "opencode",
	  "~/.local/share/opencode, ~/.config/opencode",
	  "",
	  "OPENCODE_*, OPENAI_BASE_URL",
	  "~/.config/opencode/opencode.json, ~/.config/opencode/opencode.jsonc, "
	  "~/.config/opencode/agent, ~/.config/opencode/command, ~/.config/opencode/plugin" },
	{ "codex", "codex",
	  "~/.codex",
	  "",
	  "CODEX_HOME, OPENAI_BASE_URL, CODEX_*",
	  "~/.codex/config.toml, ~/.codex/AGENTS.md" },
	{ "aider", "aider",
	  "~/.aider",
	  "~/.aider.chat.history.md, ~/.aider.input.history",
	  "AIDER_*, OPENAI_API_BASE, OPENAI_BASE_URL",
	  "~/.aider.conf.yml" },
	{ "gemini", "gemini",
	  "~/.gemini",
	  "",
	  "GEMINI_*, GOOGLE_CLOUD_PROJECT",
	  "~/.gemini/settings.json, ~/.gemini/commands" },
};

int config_add_defaults(struct strv *l, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char buf[CONFIG_MAX_ITEM];
		const char *item = items[i];
		if (item[0] == '~') {
			/* Without a home directory the entry cannot name anything. */
			if (path_expand_home(item, buf, sizeof(buf)) || buf[0] != '/')
				continue;
			item = buf;
		} else if (strlen(item) >= sizeof(buf)) {
			continue;
		}
		int r = config_list_add(l, item);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Adds each item of a comma-separated built-in list. */
static int add_csv_defaults(struct strv *l, const char *csv)
{
	struct strv items;
	int r = config_parse_list(csv, &items);
	if (r == 0)
		r = config_add_defaults(l, (const char *const *)items.v, items.n);
	strv_free(&items);
	return r;
}

static int builtin_profiles_add(struct config *cfg)
{
	cfg->profiles = calloc(ARRAY_LEN(builtin_profiles), sizeof(*cfg->profiles));
	if (!cfg->profiles)
		return HUSH_ENOMEM;
	for (size_t i = 0; i < ARRAY_LEN(builtin_profiles); i++) {
		const struct builtin_profile *b = &builtin_profiles[i];
		struct sandbox_profile *p = &cfg->profiles[cfg->nprofiles];
		p->name = strdup(b->name);
		if (!p->name)
			return HUSH_ENOMEM;
		p->builtin = true;
		cfg->nprofiles++;
		if (add_csv_defaults(&p->commands, b->commands) < 0 ||
		    add_csv_defaults(&p->allow_write, b->allow_write) < 0 ||
		    add_csv_defaults(&p->state_files, b->state_files) < 0 ||
		    add_csv_defaults(&p->allow_env, b->allow_env) < 0 ||
		    add_csv_defaults(&p->never_write, b->never_write) < 0)
			return HUSH_ENOMEM;
	}
	return 0;
}

int config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	/* The table's defaults cannot fail to parse (the unit tests load
	 * them); a loader is needed only to carry the values through. */
	struct loader L = { .cfg = cfg, .name = "(defaults)" };
	static const enum config_section unnamed[] = { SEC_VAULT, SEC_BROKER, SEC_SANDBOX,
						       SEC_SCAN };
	int r = 0;
	for (size_t i = 0; r == 0 && i < ARRAY_LEN(unnamed); i++)
		r = config_key_defaults(&L, unnamed[i], cfg);
	if (r == 0)
		r = builtin_profiles_add(cfg);
	cfg->creds = credential_defaults();
	return r == 0 && cfg->creds ? 0 : HUSH_ENOMEM;
}

static void grant_secret_clear(struct grant_secret *s)
{
	FREE_ALL(s->env, s->secret);
}

void config_grant_free(struct grant *g)
{
	ARRAY_FREE(g->args, g->nargs, strv_free);
	ARRAY_FREE(g->secrets, g->nsecrets, grant_secret_clear);
	FREE_ALL(g->name, g->command, g->sha256, g->cwd, g->confirm_command, g->path);
	strv_free(&g->env_keep);
}

static void profile_free(struct sandbox_profile *p)
{
	free(p->name);
	struct strv *lists[] = {
		&p->commands, &p->state_files, &p->scratch, &p->never_write, &p->home_allow,
		&p->hide, &p->hide_dirs, &p->allow_env, &p->allow_write, &p->allow_socket,
	};
	for (size_t i = 0; i < ARRAY_LEN(lists); i++)
		strv_free(lists[i]);
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	FREE_ALL(cfg->path, cfg->askpass, cfg->confirm_command, cfg->scan_rules);
	struct strv *lists[] = {
		&cfg->hide, &cfg->hide_dirs, &cfg->allow_env, &cfg->allow_write, &cfg->state_files,
		&cfg->scratch, &cfg->never_write, &cfg->unprotect, &cfg->home_allow,
		&cfg->allow_socket, &cfg->allow_hosts, &cfg->scan_skip,
	};
	for (size_t i = 0; i < ARRAY_LEN(lists); i++)
		strv_free(lists[i]);
	ARRAY_FREE(cfg->grants, cfg->ngrants, config_grant_free);
	ARRAY_FREE(cfg->profiles, cfg->nprofiles, profile_free);
	credential_free(cfg->creds);
	memset(cfg, 0, sizeof(*cfg));
}

const struct grant *config_grant(const struct config *cfg, const char *name)
{
	for (size_t i = 0; cfg && name && i < cfg->ngrants; i++)
		if (strcmp(cfg->grants[i].name, name) == 0)
			return &cfg->grants[i];
	return NULL;
}

const struct sandbox_profile *config_profile(const struct config *cfg, const char *name)
{
	for (size_t i = 0; cfg && name && i < cfg->nprofiles; i++)
		if (strcmp(cfg->profiles[i].name, name) == 0)
			return &cfg->profiles[i];
	return NULL;
}

const struct sandbox_profile *config_profile_for_command(const struct config *cfg,
							 const char *argv0)
{
	if (!argv0)
		return NULL;
	const char *base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	for (size_t i = 0; i < cfg->nprofiles; i++)
		if (strv_has(&cfg->profiles[i].commands, base))
			return &cfg->profiles[i];
	return NULL;
}

bool config_env_broker_only(const char *name)
{
	return !strcmp(name, "SSH_AUTH_SOCK") || !strcmp(name, "SSH_AGENT_PID") ||
	       !strcmp(name, "GNUPGHOME");
}
