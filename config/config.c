/* SPDX-License-Identifier: ISC */
/* config.ini loading and validation.
 *
 * inih splits the file into sections and key = value pairs; this file types
 * and checks every value. The input reaches inih through our own line
 * reader, which lets us count lines, see section headers (inih does not
 * report empty sections and truncates long section names), refuse NUL
 * bytes and refuse lines longer than inih's fixed line buffer instead of
 * letting inih split them silently.
 *
 * List keys may be repeated; each line adds items. Scalar keys may appear
 * once per section. The [sandbox] and [scan] lists add to the built-in
 * defaults; "!ITEM" removes a default (for hide, "!GLOB" stays in the list
 * as an exception pattern, the way the sandbox reads it). */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/envpolicy.h"
#include "common/util.h"
#include "config/config.h"
#include "config/credential.h"

#define CONFIG_MAX_FILE (1024u * 1024)     /* refuse larger config files */
#define CONFIG_MAX_PROFILES 64
#define CONFIG_MAX_NAME 64                 /* grant and profile names */
#define CONFIG_MAX_ITEM 4096               /* one list item or path */
#define CONFIG_MAX_DURATION (366ull * 86400)
#define CONFIG_MAX_ARG_TOKENS 64
/* Work bound for grant_args_match: glob steps over all candidates. */
#define ARGS_MATCH_BUDGET 4000000u

static const char *const default_hide[] = {
	".env", ".env.*", "!.env.example", "!.env.sample", "!.env.template",
	"*.pem", "*.key", "id_rsa*", "id_ed25519*", "id_ecdsa*", "id_dsa*",
	"*.p12", "*.pfx", "*.jks", "*.keystore", ".npmrc", ".pypirc", ".netrc",
	".pgpass", ".my.cnf", ".git-credentials", ".vault-token", ".s3cfg",
	".boto", "credentials.json", "service-account*.json",
	"terraform.tfvars", "*.auto.tfvars", "*.tfstate", "*.tfstate.backup",
	/* shell and REPL history: a token typed once stays there */
	".bash_history", ".zsh_history", ".zhistory", ".histfile", ".sh_history",
	".python_history", ".node_repl_history", ".psql_history", ".mysql_history",
	".sqlite_history", ".rediscli_history", ".irb_history", ".pry_history",
	".lesshst", ".viminfo", ".ts_node_repl_history", ".dbshell", ".mongosh_history",
	/* rc-file backups (hush migrate's old ones too) and other keys */
	"*.hush-backup-*", ".sentryclirc", ".dockercfg", ".htpasswd", "*.ovpn",
	/* editor backups of the above, and project secret files of common tools */
	".env~", "#.env#", ".env*~", ".envrc", ".dev.vars", "secrets.toml", "kubeconfig",
	"*.kubeconfig", "local.settings.json", ".secrets", ".databrickscfg",
};
/* Credential stores of common tools (directories or single files), from
 * the locations tools document; docs/sandbox.md has the catalogue. */
static const char *const default_hide_dirs[] = {
	"~/.ssh", "~/.aws", "~/.kube", "~/.docker", "~/.gnupg",
	"~/.config/gcloud", "~/.password-store", "~/.local/share/keyrings",
	"~/.azure", "~/.config/gh",
	/* browsers and mail (cookies and saved passwords are plain files) */
	"~/.mozilla", "~/.config/google-chrome", "~/.config/chromium",
	"~/.config/BraveSoftware", "~/.config/microsoft-edge", "~/.config/vivaldi",
	"~/.config/opera", "~/snap/firefox", "~/snap/chromium", "~/.var/app", "~/.thunderbird",
	/* cloud and infrastructure CLIs */
	"~/.config/rclone", "~/.terraform.d", "~/.config/hub", "~/.config/op", "~/.op",
	"~/.config/doctl", "~/.oci", "~/.ibmcloud", "~/.bluemix", "~/.config/linode-cli",
	"~/.config/hcloud", "~/.config/scw", "~/.aliyun", "~/.pulumi", "~/.fly",
	"~/.config/flyctl", "~/.vercel", "~/.local/share/com.vercel.cli", "~/.config/netlify",
	"~/.config/heroku", "~/.config/glab-cli", "~/.config/configstore", "~/.minikube",
	"~/.config/ngrok", "~/.ngrok2", "~/.config/helm", "~/.vault-token", "~/.config/sops",
	"~/.config/age", "~/.config/stripe", "~/.config/gitlab", "~/.local/share/gitlab",
	/* package managers */
	"~/.cargo/credentials.toml", "~/.cargo/credentials", "~/.gem/credentials",
	"~/.m2/settings.xml", "~/.m2/settings-security.xml", "~/.gradle/gradle.properties",
	"~/.ivy2/.credentials", "~/.sbt/.credentials", "~/.config/composer/auth.json",
	"~/.composer/auth.json", "~/.nuget/NuGet/NuGet.Config", "~/.config/NuGet/NuGet.Config",
	"~/.config/pypoetry/auth.toml", "~/.local/share/pypoetry/auth.toml", "~/.config/pip/pip.conf",
	"~/.pip/pip.conf", "~/.yarnrc.yml", "~/.config/hatch", "~/.conda/.condarc",
	/* chat, password managers, desktop secrets */
	"~/.config/Slack", "~/.config/discord", "~/.config/Signal",
	"~/.local/share/TelegramDesktop", "~/.local/share/kwalletd", "~/.config/keepassxc",
	"~/.config/Bitwarden", "~/.config/Bitwarden CLI", "~/.pki", "~/.cert",
	"~/.local/share/fish/fish_history", "~/.config/Code/User/globalStorage",
	"~/.config/git/credentials", "~/.git-credentials",
	/* more CLIs' logins */
	"~/.databrickscfg", "~/.kaggle", "~/.huggingface", "~/.cache/huggingface/token",
	"~/.config/containers/auth.json", "~/.mc", "~/.circleci", "~/.cloudflared",
	"~/.wrangler", "~/.tsh", "~/.terraformrc", "~/.config/pulumi", "~/.config/anthropic",
	"~/.config/filezilla", "~/.local/share/recently-used.xbel",
	/* the agents' own logins (each agent's profile unhides its own) */
	"~/.claude/.credentials.json", "~/.codex/auth.json", "~/.local/share/opencode/auth.json",
	"~/.gemini/oauth_creds.json",
};
/* Harmless variables only: no bus or agent sockets (XDG_RUNTIME_DIR,
 * DBUS_SESSION_BUS_ADDRESS, SSH_AUTH_SOCK), no proxies (they may carry
 * credentials). docs/config.md explains each choice. */
static const char *const default_allow_env[] = {
	"PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "COLORTERM",
	"LANG", "LANGUAGE", "LC_*", "EDITOR", "VISUAL", "PAGER", "TMPDIR",
	"TZ", "PWD", "NO_COLOR", "COLUMNS", "LINES",
};
/* Paths that run code or hold rules later, for the human or for the
 * agent's next session: read-only inside the sandbox even where they lie in
 * a writable tree (docs/sandbox.md lists why each is here). Absolute items
 * ("~/") are the human's; relative ones are in the project. The git
 * directory's hooks and config are found by sandbox/git.c. */
static const char *const default_never_write[] = {
	/* shells and login */
	"~/.bashrc", "~/.bash_profile", "~/.bash_login", "~/.bash_logout", "~/.bash_aliases",
	"~/.profile", "~/.zshrc", "~/.zshenv", "~/.zprofile", "~/.zlogin", "~/.zlogout",
	"~/.config/fish", "~/.inputrc", "~/.pam_environment", "~/.config/environment.d",
	"~/.xprofile", "~/.xsession", "~/.xsessionrc", "~/.xinitrc", "~/.Xresources",
	/* things that start by themselves */
	"~/.config/autostart", "~/.config/systemd", "~/.local/share/systemd",
	"~/.local/share/applications", "~/.local/share/dbus-1", "~/.config/tmux",
	"~/.tmux.conf", "~/.screenrc",
	/* programs on the PATH and what interpreters load */
	"~/.local/bin", "~/bin", "~/.local/lib", "~/.node_modules", "~/.node_libraries",
	"~/.cargo/bin", "~/go/bin", "~/.npm-global", "~/.pythonrc", "~/.pythonstartup",
	"~/.config/pip", "~/.pip", "~/.npmrc", "~/.yarnrc", "~/.gemrc", "~/.irbrc",
	/* git and direnv */
	"~/.gitconfig", "~/.config/git", "~/.config/direnv", "~/.local/share/direnv",
	/* editors */
	"~/.vimrc", "~/.vim", "~/.config/nvim", "~/.emacs", "~/.emacs.d", "~/.config/emacs",
	"~/.nanorc", "~/.config/Code/User", "~/.vscode", "~/.config/JetBrains",
	/* the agents' own rules */
	"~/.claude/settings.json", "~/.claude/settings.local.json", "~/.claude/commands",
	"~/.claude/agents", "~/.claude/hooks", "~/.config/opencode", "~/.codex/config.toml",
	"~/.gemini/settings.json", "~/.gemini/extensions", "~/.aider.conf.yml",
	/* in the project */
	".envrc", ".vscode", ".idea", ".claude/settings.json", ".claude/settings.local.json",
	".claude/commands", ".claude/agents", ".claude/hooks", ".mcp.json", "opencode.json",
	"opencode.jsonc", ".opencode", ".codex", ".gemini", ".aider.conf.yml", ".husky",
	".pre-commit-config.yaml", "lefthook.yml", ".lefthook.yml", "lefthook.yaml",
	"lefthook-local.yml", ".lefthook", ".config/lefthook.yml",
	/* build and task tools that run what their config names */
	".cargo/config.toml", ".cargo/config", ".yarnrc.yml", ".pnpmfile.cjs", "mise.toml",
	".mise.toml", "mise.local.toml", ".config/mise.toml", ".mvn/extensions.xml",
	".mvn/jvm.config", "gradle.properties", ".bazelrc", ".nvim.lua", ".exrc",
	".dir-locals.el", ".devcontainer", ".cursor", ".windsurf", ".continue", ".zed",
	/* (the git directories' hooks and config, wherever a .git file points,
	 * come from sandbox/git.c) */
};
/* Caches a tool fills and another run of it trusts: inside the sandbox
 * they are empty and gone at exit, so nothing planted there runs later
 * outside (npx, pre-commit and pip run what they find in them). */
static const char *const default_scratch[] = {
	"~/.cache", "~/.npm", "~/.local/state",
};
/* home = allow-list: what stays visible besides the profile's paths. */
static const char *const default_home_allow[] = {
	"~/.gitconfig", "~/.config/git", "~/.local/bin", "~/bin", "~/.nvm", "~/.cargo/bin",
	"~/.rustup", "~/.pyenv", "~/go/bin", "~/.npm-global", "~/.local/lib",
};

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

static const char *const default_scan_skip[] = {
	".git", "node_modules", "vendor", ".venv", "venv", "__pycache__",
	"dist", "build", "target", ".cache",
};

/* --- lists --- */

static int list_add(struct config_list *l, const char *s)
{
	if (config_list_has(l, s))
		return 0;
	if (l->n >= CONFIG_MAX_LIST)
		return HUSH_ETOOBIG;
	char *c = strdup(s);
	if (!c)
		return HUSH_ENOMEM;
	char **items = realloc(l->items, (l->n + 1) * sizeof(*items));
	if (!items) {
		free(c);
		return HUSH_ENOMEM;
	}
	l->items = items;
	l->items[l->n++] = c;
	return 0;
}

static void list_remove(struct config_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->items[i], s) == 0) {
			free(l->items[i]);
			memmove(&l->items[i], &l->items[i + 1], (l->n - i - 1) * sizeof(char *));
			l->n--;
			return;
		}
	}
}

void config_list_free(struct config_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

bool config_list_has(const struct config_list *l, const char *s)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = 0;
	return s;
}

int config_parse_list(const char *s, struct config_list *out)
{
	out->items = NULL;
	out->n = 0;
	if (!s)
		return HUSH_EINVAL;
	char *copy = strdup(s);
	if (!copy)
		return HUSH_ENOMEM;
	int r = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *item = trim(tok);
		if (!*item)
			continue;
		if (strlen(item) >= CONFIG_MAX_ITEM) {
			r = HUSH_EINVAL;
			break;
		}
		/* Duplicates collapse; the cap counts distinct items. */
		r = list_add(out, item);
		if (r) {
			r = r == HUSH_ENOMEM ? r : HUSH_EINVAL;
			break;
		}
	}
	free(copy);
	if (r)
		config_list_free(out);
	return r;
}

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

/* "64M", "256MiB", "1g", "65536": binary units. 0 or HUSH_EINVAL. */
static int parse_size(const char *s, uint64_t *out)
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

/* --- defaults --- */

static void add_defaults(struct config_list *l, const char *const *items, size_t n, bool home)
{
	for (size_t i = 0; i < n; i++) {
		char buf[CONFIG_MAX_ITEM];
		const char *item = items[i];
		if (home) {
			/* Without a home directory the entry cannot name anything. */
			if (path_expand_home(items[i], buf, sizeof(buf)) || buf[0] != '/')
				continue;
			item = buf;
		} else if (strlen(item) >= sizeof(buf)) {
			continue;
		}
		(void)list_add(l, item);
	}
}

/* Adds each item of a comma-separated built-in list ("~/" expanded). */
static void add_csv_defaults(struct config_list *l, const char *csv)
{
	struct config_list items;
	if (config_parse_list(csv, &items) != 0)
		return;
	for (size_t i = 0; i < items.n; i++)
		add_defaults(l, (const char *const *)&items.items[i], 1, items.items[i][0] == '~');
	config_list_free(&items);
}

static void builtin_profiles_add(struct config *cfg)
{
	cfg->profiles = calloc(ARRAY_LEN(builtin_profiles), sizeof(*cfg->profiles));
	if (!cfg->profiles)
		return;
	for (size_t i = 0; i < ARRAY_LEN(builtin_profiles); i++) {
		const struct builtin_profile *b = &builtin_profiles[i];
		struct sandbox_profile *p = &cfg->profiles[cfg->nprofiles];
		p->name = strdup(b->name);
		if (!p->name)
			return;
		p->builtin = true;
		cfg->nprofiles++;
		add_csv_defaults(&p->commands, b->commands);
		add_csv_defaults(&p->allow_write, b->allow_write);
		add_csv_defaults(&p->state_files, b->state_files);
		add_csv_defaults(&p->allow_env, b->allow_env);
		add_csv_defaults(&p->never_write, b->never_write);
	}
}

const struct sandbox_profile *config_profile_for_command(const struct config *cfg,
							 const char *argv0)
{
	if (!argv0)
		return NULL;
	const char *base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	for (size_t i = 0; i < cfg->nprofiles; i++)
		if (config_list_has(&cfg->profiles[i].commands, base))
			return &cfg->profiles[i];
	return NULL;
}

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->confirm = CONFIRM_UI_DESKTOP;
	cfg->approval_ttl = 15 * 60;
	cfg->request_timeout = 2 * 60;
	cfg->idle_lock = 30 * 60;
	cfg->autostart = true;
	cfg->mask = true;
	cfg->scan_max_file = 4u * 1024 * 1024;
	cfg->home_mode = HOME_MODE_ALLOWLIST;
	add_defaults(&cfg->hide, default_hide, ARRAY_LEN(default_hide), false);
	add_defaults(&cfg->hide_dirs, default_hide_dirs, ARRAY_LEN(default_hide_dirs), true);
	add_defaults(&cfg->allow_env, default_allow_env, ARRAY_LEN(default_allow_env), false);
	add_defaults(&cfg->scan_skip, default_scan_skip, ARRAY_LEN(default_scan_skip), false);
	add_defaults(&cfg->scratch, default_scratch, ARRAY_LEN(default_scratch), true);
	add_defaults(&cfg->home_allow, default_home_allow, ARRAY_LEN(default_home_allow), true);
	for (size_t i = 0; i < ARRAY_LEN(default_never_write); i++)
		add_defaults(&cfg->never_write, &default_never_write[i], 1,
			     default_never_write[i][0] == '~');
	builtin_profiles_add(cfg);
	cfg->creds = credential_defaults();
}

static void grant_free(struct grant *g)
{
	free(g->name);
	free(g->command);
	free(g->sha256);
	for (size_t i = 0; i < g->nargs; i++)
		config_list_free(&g->args[i]);
	free(g->args);
	free(g->cwd);
	for (size_t i = 0; i < g->nsecrets; i++) {
		free(g->secrets[i].env);
		free(g->secrets[i].secret);
	}
	free(g->secrets);
	free(g->confirm_command);
	free(g->path);
	config_list_free(&g->env_keep);
}

static void profile_free(struct sandbox_profile *p)
{
	free(p->name);
	config_list_free(&p->commands);
	config_list_free(&p->state_files);
	config_list_free(&p->scratch);
	config_list_free(&p->never_write);
	config_list_free(&p->home_allow);
	config_list_free(&p->hide);
	config_list_free(&p->hide_dirs);
	config_list_free(&p->allow_env);
	config_list_free(&p->allow_write);
	config_list_free(&p->allow_socket);
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->askpass);
	free(cfg->confirm_command);
	config_list_free(&cfg->hide);
	config_list_free(&cfg->hide_dirs);
	config_list_free(&cfg->allow_env);
	config_list_free(&cfg->allow_write);
	config_list_free(&cfg->state_files);
	config_list_free(&cfg->scratch);
	config_list_free(&cfg->never_write);
	config_list_free(&cfg->unprotect);
	config_list_free(&cfg->home_allow);
	config_list_free(&cfg->allow_socket);
	config_list_free(&cfg->scan_skip);
	free(cfg->scan_rules);
	for (size_t i = 0; i < cfg->ngrants; i++)
		grant_free(&cfg->grants[i]);
	free(cfg->grants);
	for (size_t i = 0; i < cfg->nprofiles; i++)
		profile_free(&cfg->profiles[i]);
	free(cfg->profiles);
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


bool config_env_broker_only(const char *name)
{
	return !strcmp(name, "SSH_AUTH_SOCK") || !strcmp(name, "SSH_AGENT_PID") ||
	       !strcmp(name, "GNUPGHOME");
}

/* --- the loader --- */

enum section {
	SEC_NONE = 0, /* before any header */
	SEC_BAD,      /* after a header already reported as wrong */
	SEC_VAULT,
	SEC_BROKER,
	SEC_SANDBOX,
	SEC_SCAN,
	SEC_GRANT,
	SEC_PROFILE,
	SEC_CREDENTIAL, /* [credential NAME] and [proxy]: config/credential.c */
	SEC_COUNT,
};

struct key {
	const char *name;
	bool list; /* may repeat: each line adds */
};

static const struct key vault_keys[] = {
	{ "askpass", false }, { "kdf_memory", false }, { "kdf_ops", false }, { NULL, false },
};
static const struct key broker_keys[] = {
	{ "confirm", false }, { "approval_ttl", false }, { "request_timeout", false },
	{ "idle_lock", false }, { "autostart", false }, { "mask", false }, { NULL, false },
};
static const struct key sandbox_keys[] = {
	{ "hide", true }, { "hide_dirs", true }, { "allow_env", true },
	{ "allow_write", true }, { "state_files", true }, { "scratch", true },
	{ "never_write", true }, { "unprotect", true }, { "home", false },
	{ "home_allow", true }, { "display", false }, { "allow_socket", true }, { NULL, false },
};
static const struct key profile_keys[] = {
	{ "hide", true }, { "hide_dirs", true }, { "allow_env", true },
	{ "allow_write", true }, { "state_files", true }, { "scratch", true },
	{ "never_write", true }, { "home_allow", true }, { "commands", true },
	{ "allow_socket", true }, { NULL, false },
};
static const struct key scan_keys[] = {
	{ "skip", true }, { "max_file", false }, { "rules", false }, { NULL, false },
};
static const struct key grant_keys[] = {
	{ "command", false }, { "sha256", false }, { "args", true }, { "cwd", false },
	{ "secrets", true }, { "confirm", false }, { "ui", false }, { "ttl", false },
	{ "allow_no_mask", false }, { "path", false }, { "env_keep", true }, { "ssh_agent", false },
	{ NULL, false },
};
static const struct key *const section_keys[SEC_COUNT] = {
	[SEC_VAULT] = vault_keys, [SEC_BROKER] = broker_keys,
	[SEC_SANDBOX] = sandbox_keys, [SEC_SCAN] = scan_keys,
	[SEC_GRANT] = grant_keys, [SEC_PROFILE] = profile_keys,
};
static const char *const section_names[SEC_COUNT] = {
	[SEC_VAULT] = "[vault]", [SEC_BROKER] = "[broker]", [SEC_SANDBOX] = "[sandbox]",
	[SEC_SCAN] = "[scan]",
};
#define MAX_KEYS 24

struct loader {
	struct config *cfg;
	const char *name;      /* file name for messages */
	const char *p, *end;   /* unread input */
	int line;              /* line inih is working on */
	int err_line;          /* line of the first error, 0 = none */
	int rc;                /* first error code */
	char *err;
	size_t errlen;
	enum section sec;
	size_t cur;            /* index of the current grant or profile */
	int seen[SEC_COUNT][MAX_KEYS]; /* line where a scalar key was set */
	int ui_line;           /* grant: line choosing the UI via confirm/ui */
	const char *ui_key;
};

static void lerr(struct loader *L, int line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void lerr(struct loader *L, int line, int code, const char *fmt, ...)
{
	if (L->err_line)
		return;
	L->err_line = line > 0 ? line : 1;
	L->rc = code;
	if (!L->err || !L->errlen)
		return;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(L->err, L->errlen, "%s:%d: %s", L->name, L->err_line, msg);
}

#define FAIL(L, ...) lerr((L), (L)->line, HUSH_ECONFIG, __VA_ARGS__)

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

static void section_begin(struct loader *L, char *text)
{
	char *t = trim(text);
	char whole[CONFIG_MAX_ITEM];
	snprintf(whole, sizeof(whole), "%s", t);
	char *arg = t + strcspn(t, " \t");
	if (*arg) {
		*arg++ = 0;
		arg = trim(arg);
	}
	L->sec = SEC_BAD;
	bool named = false;
	enum section s = SEC_BAD;
	if (!strcmp(t, "vault"))
		s = SEC_VAULT;
	else if (!strcmp(t, "broker"))
		s = SEC_BROKER;
	else if (!strcmp(t, "sandbox"))
		s = SEC_SANDBOX;
	else if (!strcmp(t, "scan"))
		s = SEC_SCAN;
	else if (!strcmp(t, "grant"))
		s = SEC_GRANT, named = true;
	else if (!strcmp(t, "profile"))
		s = SEC_PROFILE, named = true;
	else if (!strcmp(t, "credential") || !strcmp(t, "proxy")) {
		char why[512];
		int r = L->cfg->creds ? credential_section(L->cfg->creds, t, arg, L->line, why,
							   sizeof(why)) : HUSH_ENOMEM;
		if (r)
			lerr(L, L->line, r, "%s", r == HUSH_ENOMEM ? "out of memory" : why);
		else
			L->sec = SEC_CREDENTIAL;
		return;
	}
	if (s == SEC_BAD) {
		FAIL(L, "unknown section [%.80s] (expected [vault], [broker], [sandbox], [scan], "
		     "[grant NAME], [profile NAME], [credential NAME] or [proxy])", whole);
		return;
	}
	if (!named) {
		if (*arg) {
			FAIL(L, "section [%s] takes no name", t);
			return;
		}
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
	struct config *cfg = L->cfg;
	memset(L->seen[s], 0, sizeof(L->seen[s]));
	L->ui_line = 0;
	L->ui_key = NULL;
	if (s == SEC_GRANT) {
		const struct grant *old = config_grant(cfg, arg);
		if (old) {
			FAIL(L, "grant '%s' is defined twice (first on line %d)", arg, old->line);
			return;
		}
		if (cfg->ngrants >= CONFIG_MAX_GRANTS) {
			FAIL(L, "too many grants (at most %d)", CONFIG_MAX_GRANTS);
			return;
		}
		struct grant *g = realloc(cfg->grants, (cfg->ngrants + 1) * sizeof(*g));
		if (!g) {
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
			return;
		}
		cfg->grants = g;
		g = &cfg->grants[cfg->ngrants];
		memset(g, 0, sizeof(*g));
		g->name = strdup(arg);
		if (!g->name) {
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
			return;
		}
		g->line = L->line;
		L->cur = cfg->ngrants++;
	} else {
		struct sandbox_profile *old = (struct sandbox_profile *)config_profile(cfg, arg);
		if (old && old->builtin) {
			/* a user's section extends the built-in profile */
			old->builtin = false;
			L->cur = (size_t)(old - cfg->profiles);
			L->sec = s;
			return;
		}
		if (old) {
			FAIL(L, "profile '%s' is defined twice", arg);
			return;
		}
		if (cfg->nprofiles >= CONFIG_MAX_PROFILES) {
			FAIL(L, "too many profiles (at most %d)", CONFIG_MAX_PROFILES);
			return;
		}
		struct sandbox_profile *p = realloc(cfg->profiles, (cfg->nprofiles + 1) * sizeof(*p));
		if (!p) {
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
			return;
		}
		cfg->profiles = p;
		p = &cfg->profiles[cfg->nprofiles];
		memset(p, 0, sizeof(*p));
		p->name = strdup(arg);
		if (!p->name) {
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
			return;
		}
		L->cur = cfg->nprofiles++;
	}
	L->sec = s;
}

/* Looks at a raw line before inih does: section headers are handled here. */
static void scan_line(struct loader *L, const char *raw, size_t len)
{
	char buf[CONFIG_MAX_ITEM];
	if (len >= sizeof(buf))
		return;
	memcpy(buf, raw, len);
	buf[len] = 0;
	char *s = buf;
	if (L->line == 1 && !strncmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	s = trim(s);
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = 0;
	if (s[0] != '[')
		return;
	char *close = strchr(s, ']');
	if (!close) {
		FAIL(L, "section header without ']'");
		L->sec = SEC_BAD;
		return;
	}
	*close = 0;
	char *rest = trim(close + 1);
	if (*rest && *rest != ';' && *rest != '#') {
		FAIL(L, "unexpected text after section header");
		L->sec = SEC_BAD;
		return;
	}
	section_begin(L, s + 1);
}

/* fgets-style reader for inih: one line per call, lines counted. */
static char *reader(char *str, int num, void *stream)
{
	struct loader *L = stream;
	if (L->p >= L->end || num < 3)
		return NULL;
	const char *nl = memchr(L->p, '\n', (size_t)(L->end - L->p));
	size_t len = nl ? (size_t)(nl - L->p) + 1 : (size_t)(L->end - L->p);
	L->line++;
	if (memchr(L->p, 0, len)) {
		FAIL(L, "NUL byte in line");
		L->p += len;
		memcpy(str, "\n", 2);
		return str;
	}
	if (len > (size_t)num - 1) {
		FAIL(L, "line longer than %d characters (repeat a list key to continue a list)",
		     num - 2);
		L->p += len;
		memcpy(str, "\n", 2);
		return str;
	}
	scan_line(L, L->p, len);
	memcpy(str, L->p, len);
	str[len] = 0;
	L->p += len;
	return str;
}

/* --- value checks --- */

static int set_str(struct loader *L, char **dst, const char *v)
{
	char *c = strdup(v);
	if (!c) {
		lerr(L, L->line, HUSH_ENOMEM, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = c;
	return 0;
}

/* An absolute path, "~/" expanded. */
static int get_abs_path(struct loader *L, const char *key, const char *v, char *out, size_t n)
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

static int get_duration(struct loader *L, const char *key, const char *v, bool never_ok,
			uint64_t *out)
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

static int get_bool(struct loader *L, const char *key, const char *v, bool *out)
{
	if (config_parse_bool(v, out)) {
		FAIL(L, "%s: bad boolean '%.80s' (expected true/false, yes/no, on/off, 1/0)", key, v);
		return -1;
	}
	return 0;
}

/* desktop | terminal | none | command:/path */
static int get_ui(struct loader *L, const char *key, const char *v, enum confirm_ui *ui,
		  char **command)
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
		if (get_abs_path(L, key, p, path, sizeof(path)))
			return -1;
		if (set_str(L, command, path))
			return -1;
		*ui = CONFIRM_UI_COMMAND;
	} else {
		return 1;
	}
	return 0;
}

/* A list value, each item checked by kind. */
enum item_kind {
	ITEM_GLOB,     /* file-name glob, "!" kept */
	ITEM_DIR,      /* absolute directory, "~/" expanded */
	ITEM_ENV,      /* variable name, or prefix glob NAME_* / LC_* */
	ITEM_NAME,     /* directory name for scan skip */
	ITEM_PATH,     /* absolute ("~/" expanded), or relative to the project */
};

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
		return xsnprintf(out, n, "%s", item) ? (FAIL(L, "%s: item too long", key), -1) : 0;
	case ITEM_DIR:
		return get_abs_path(L, key, item, out, n);
	case ITEM_ENV: {
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
		return xsnprintf(out, n, "%s", item) ? (FAIL(L, "%s: item too long", key), -1) : 0;
	}
	case ITEM_PATH:
		if (item[0] == '/' || item[0] == '~')
			return get_abs_path(L, key, item, out, n);
		if (!strcmp(item, "..") || !strncmp(item, "../", 3) || strstr(item, "/../") ||
		    !*item) {
			FAIL(L, "%s: '%.80s' must not leave the project ('..')", key, item);
			return -1;
		}
		return xsnprintf(out, n, "%s", item) ? (FAIL(L, "%s: item too long", key), -1) : 0;
	case ITEM_NAME:
		if (strchr(item, '/') || !strcmp(item, ".") || !strcmp(item, "..")) {
			FAIL(L, "%s: '%.80s' is not a directory name", key, item);
			return -1;
		}
		return xsnprintf(out, n, "%s", item) ? (FAIL(L, "%s: item too long", key), -1) : 0;
	}
	return -1;
}

/* Adds each item of v to l. With removable, "!ITEM" removes ITEM instead
 * (checked as an item first); without it, "!" is an error unless the kind
 * keeps it (globs). */
static int add_list(struct loader *L, const char *key, const char *v, struct config_list *l,
		    enum item_kind kind, bool removable)
{
	struct config_list items;
	int r = config_parse_list(v, &items);
	if (r) {
		if (r == HUSH_ENOMEM)
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
		else
			FAIL(L, "%s: bad list (at most %d items of at most %d bytes, separated by ',')",
			     key, CONFIG_MAX_LIST, CONFIG_MAX_ITEM - 1);
		return -1;
	}
	int ret = 0;
	for (size_t i = 0; i < items.n && ret == 0; i++) {
		const char *it = items.items[i];
		char out[CONFIG_MAX_ITEM];
		bool remove = false;
		if (it[0] == '!' && kind != ITEM_GLOB) {
			if (!removable) {
				FAIL(L, "%s: '!' items are only allowed in [sandbox] and [scan]", key);
				ret = -1;
				break;
			}
			remove = true;
			it = trim((char *)it + 1);
		}
		if (check_item(L, key, kind, it, out, sizeof(out))) {
			ret = -1;
			break;
		}
		if (remove) {
			list_remove(l, out);
			continue;
		}
		r = list_add(l, out);
		if (r == HUSH_ETOOBIG) {
			FAIL(L, "%s: too many items (at most %d)", key, CONFIG_MAX_LIST);
			ret = -1;
		} else if (r) {
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
			ret = -1;
		}
	}
	config_list_free(&items);
	return ret;
}

/* Splits one args pattern into tokens: whitespace separates, '...' and
 * "..." group (no escapes inside single quotes; \" and \\ inside double
 * quotes). */
static int tokenize_args(struct loader *L, const char *v, struct config_list *out)
{
	out->items = NULL;
	out->n = 0;
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
		/* Tokens repeat legitimately ("* x *"), so no de-duplication. */
		char *c = strdup(tok);
		char **items = c ? realloc(out->items, (out->n + 1) * sizeof(char *)) : NULL;
		if (!items) {
			free(c);
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
			goto fail;
		}
		out->items = items;
		out->items[out->n++] = c;
	}
too_long:
	FAIL(L, "args: token too long");
fail:
	config_list_free(out);
	return -1;
}

static int grant_add_secrets(struct loader *L, struct grant *g, const char *v)
{
	struct config_list items;
	int r = config_parse_list(v, &items);
	if (r) {
		if (r == HUSH_ENOMEM)
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
		else
			FAIL(L, "secrets: bad list");
		return -1;
	}
	int ret = 0;
	for (size_t i = 0; i < items.n; i++) {
		char *it = items.items[i];
		char *eq = strchr(it, '=');
		char *env = it, *name = it;
		if (eq) {
			*eq = 0;
			env = trim(it);
			name = trim(eq + 1);
		}
		if (!env_name_valid(env) || !env_name_valid(name)) {
			FAIL(L, "secrets: bad entry '%.80s%s%.80s' (expected NAME or ENV=NAME, "
			     "each a variable name: letters, digits, '_')", env, eq ? "=" : "",
			     eq ? name : "");
			ret = -1;
			break;
		}
		for (size_t j = 0; j < g->nsecrets; j++) {
			if (!strcmp(g->secrets[j].env, env)) {
				FAIL(L, "secrets: variable %s is given twice", env);
				ret = -1;
				break;
			}
		}
		if (ret)
			break;
		if (g->nsecrets >= CONFIG_MAX_LIST) {
			FAIL(L, "secrets: too many (at most %d)", CONFIG_MAX_LIST);
			ret = -1;
			break;
		}
		struct grant_secret *s = realloc(g->secrets, (g->nsecrets + 1) * sizeof(*s));
		if (!s) {
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
			ret = -1;
			break;
		}
		g->secrets = s;
		s[g->nsecrets].env = strdup(env);
		s[g->nsecrets].secret = strdup(name);
		if (!s[g->nsecrets].env || !s[g->nsecrets].secret) {
			free(s[g->nsecrets].env);
			free(s[g->nsecrets].secret);
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
			ret = -1;
			break;
		}
		g->nsecrets++;
	}
	config_list_free(&items);
	return ret;
}

static void key_vault(struct loader *L, const char *k, const char *v)
{
	struct config *cfg = L->cfg;
	char path[CONFIG_MAX_ITEM];
	if (!strcmp(k, "askpass")) {
		if (get_abs_path(L, k, v, path, sizeof(path)) == 0)
			set_str(L, &cfg->askpass, path);
	} else if (!strcmp(k, "kdf_memory")) {
		uint64_t b;
		if (!strcasecmp(v, "auto")) {
			cfg->kdf_memory = 0;
		} else if (parse_size(v, &b)) {
			FAIL(L, "kdf_memory: bad size '%.80s' (expected e.g. 64M, 256MiB, 1G or auto)", v);
		} else if (b < (64ull << 20) || b > (4ull << 30)) {
			FAIL(L, "kdf_memory: %.80s is out of range (64M to 4G)", v);
		} else {
			cfg->kdf_memory = b;
		}
	} else if (!strcmp(k, "kdf_ops")) {
		char *endp;
		if (!strcasecmp(v, "auto")) {
			cfg->kdf_ops = 0;
			return;
		}
		errno = 0;
		unsigned long long n = strtoull(v, &endp, 10);
		if (!isdigit((unsigned char)v[0]) || *endp || errno || n < 1 || n > 4294967295ull)
			FAIL(L, "kdf_ops: bad value '%.80s' (expected a number from 1 to 4294967295 "
			     "or auto)", v);
		else
			cfg->kdf_ops = n;
	}
}

static void key_broker(struct loader *L, const char *k, const char *v)
{
	struct config *cfg = L->cfg;
	if (!strcmp(k, "confirm")) {
		int r = get_ui(L, k, v, &cfg->confirm, &cfg->confirm_command);
		if (r > 0)
			FAIL(L, "confirm: bad value '%.80s' (expected desktop, terminal, "
			     "command:/path or none)", v);
	} else if (!strcmp(k, "approval_ttl")) {
		get_duration(L, k, v, false, &cfg->approval_ttl);
	} else if (!strcmp(k, "request_timeout")) {
		uint64_t s;
		if (get_duration(L, k, v, false, &s) == 0) {
			if (s == 0)
				FAIL(L, "request_timeout: must be longer than 0s");
			else
				cfg->request_timeout = s;
		}
	} else if (!strcmp(k, "idle_lock")) {
		get_duration(L, k, v, true, &cfg->idle_lock);
	} else if (!strcmp(k, "autostart")) {
		get_bool(L, k, v, &cfg->autostart);
	} else if (!strcmp(k, "mask")) {
		get_bool(L, k, v, &cfg->mask);
	}
}

static void key_sandbox(struct loader *L, const char *k, const char *v,
			struct sandbox_profile *p)
{
	struct config *cfg = L->cfg;
	/* [sandbox] may remove built-in items with "!ITEM"; a profile
	 * section may too, from its own built-in lists */
	bool rm = true;
	if (!strcmp(k, "hide"))
		add_list(L, k, v, p ? &p->hide : &cfg->hide, ITEM_GLOB, rm);
	else if (!strcmp(k, "hide_dirs"))
		add_list(L, k, v, p ? &p->hide_dirs : &cfg->hide_dirs, ITEM_DIR, rm);
	else if (!strcmp(k, "allow_env"))
		add_list(L, k, v, p ? &p->allow_env : &cfg->allow_env, ITEM_ENV, rm);
	else if (!strcmp(k, "allow_write"))
		add_list(L, k, v, p ? &p->allow_write : &cfg->allow_write, ITEM_DIR, rm);
	else if (!strcmp(k, "state_files"))
		add_list(L, k, v, p ? &p->state_files : &cfg->state_files, ITEM_DIR, rm);
	else if (!strcmp(k, "scratch"))
		add_list(L, k, v, p ? &p->scratch : &cfg->scratch, ITEM_DIR, rm);
	else if (!strcmp(k, "home_allow"))
		add_list(L, k, v, p ? &p->home_allow : &cfg->home_allow, ITEM_DIR, rm);
	else if (!strcmp(k, "commands") && p)
		add_list(L, k, v, &p->commands, ITEM_NAME, rm);
	else if (!strcmp(k, "never_write")) {
		/* never removable here: that takes unprotect, which says so */
		if (strchr(v, '!'))
			FAIL(L, "never_write: '!' cannot remove an item; use 'unprotect = PATH' "
			     "(the sandbox then warns at every start)");
		else
			add_list(L, k, v, p ? &p->never_write : &cfg->never_write, ITEM_PATH, false);
	} else if (!strcmp(k, "unprotect"))
		add_list(L, k, v, &cfg->unprotect, ITEM_PATH, false);
	else if (!strcmp(k, "home")) {
		if (!strcmp(v, "visible"))
			cfg->home_mode = HOME_MODE_VISIBLE;
		else if (!strcmp(v, "allow-list"))
			cfg->home_mode = HOME_MODE_ALLOWLIST;
		else
			FAIL(L, "home: bad value '%.80s' (expected visible or allow-list)", v);
	} else if (!strcmp(k, "display"))
		get_bool(L, k, v, &cfg->allow_display);
	else if (!strcmp(k, "allow_socket"))
		add_list(L, k, v, p ? &p->allow_socket : &cfg->allow_socket, ITEM_DIR, rm);
}

static void key_scan(struct loader *L, const char *k, const char *v)
{
	struct config *cfg = L->cfg;
	if (!strcmp(k, "skip")) {
		add_list(L, k, v, &cfg->scan_skip, ITEM_NAME, true);
	} else if (!strcmp(k, "max_file")) {
		uint64_t b;
		if (parse_size(v, &b))
			FAIL(L, "max_file: bad size '%.80s' (expected e.g. 4M, 512K or bytes)", v);
		else if (b == 0 || b > (1ull << 30))
			FAIL(L, "max_file: %.80s is out of range (1 byte to 1G)", v);
		else
			cfg->scan_max_file = b;
	} else if (!strcmp(k, "rules")) {
		char p[4096];
		if (get_abs_path(L, k, v, p, sizeof(p)) == 0) {
			free(cfg->scan_rules);
			if (!(cfg->scan_rules = strdup(p)))
				FAIL(L, "out of memory");
		}
	}
}

static bool is_hex64(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]))
			return false;
	return n == 64;
}

static void key_grant(struct loader *L, const char *k, const char *v)
{
	struct grant *g = &L->cfg->grants[L->cur];
	char path[CONFIG_MAX_ITEM];
	if (!strcmp(k, "command")) {
		if (get_abs_path(L, k, v, path, sizeof(path)) == 0)
			set_str(L, &g->command, path);
	} else if (!strcmp(k, "sha256")) {
		if (!is_hex64(v)) {
			FAIL(L, "sha256: expected 64 hexadecimal characters (sha256sum output), "
			     "got %zu characters", strlen(v));
			return;
		}
		if (set_str(L, &g->sha256, v) == 0)
			for (char *c = g->sha256; *c; c++)
				*c = (char)tolower((unsigned char)*c);
	} else if (!strcmp(k, "args")) {
		struct config_list toks;
		if (g->nargs >= CONFIG_MAX_LIST) {
			FAIL(L, "args: too many patterns (at most %d)", CONFIG_MAX_LIST);
			return;
		}
		if (tokenize_args(L, v, &toks))
			return;
		struct config_list *a = realloc(g->args, (g->nargs + 1) * sizeof(*a));
		if (!a) {
			config_list_free(&toks);
			lerr(L, L->line, HUSH_ENOMEM, "out of memory");
			return;
		}
		g->args = a;
		g->args[g->nargs++] = toks;
	} else if (!strcmp(k, "cwd")) {
		if (get_abs_path(L, k, v, path, sizeof(path)))
			return;
		size_t n = strlen(path);
		while (n > 1 && path[n - 1] == '/')
			path[--n] = 0;
		set_str(L, &g->cwd, path);
	} else if (!strcmp(k, "secrets")) {
		grant_add_secrets(L, g, v);
	} else if (!strcmp(k, "confirm") || !strcmp(k, "ui")) {
		bool is_confirm = !strcmp(k, "confirm");
		if (is_confirm && !strcmp(v, "always")) {
			g->policy = CONFIRM_POLICY_ALWAYS;
			return;
		}
		if (is_confirm && !strcmp(v, "ttl")) {
			g->policy = CONFIRM_POLICY_TTL;
			return;
		}
		if (is_confirm && !strcmp(v, "never")) {
			g->policy = CONFIRM_POLICY_NEVER;
			return;
		}
		if (L->ui_line) {
			FAIL(L, "%s: the confirmation UI is already chosen by '%s' on line %d",
			     k, L->ui_key, L->ui_line);
			return;
		}
		int r = get_ui(L, k, v, &g->ui, &g->confirm_command);
		if (r > 0) {
			if (is_confirm)
				FAIL(L, "confirm: bad value '%.80s' (expected always, ttl, never, "
				     "desktop, terminal, command:/path or none)", v);
			else
				FAIL(L, "ui: bad value '%.80s' (expected desktop, terminal, "
				     "command:/path or none)", v);
		} else if (r == 0) {
			L->ui_line = L->line;
			L->ui_key = is_confirm ? "confirm" : "ui";
		}
	} else if (!strcmp(k, "ttl")) {
		get_duration(L, k, v, false, &g->ttl);
	} else if (!strcmp(k, "allow_no_mask")) {
		get_bool(L, k, v, &g->allow_no_mask);
	} else if (!strcmp(k, "ssh_agent")) {
		get_bool(L, k, v, &g->ssh_agent);
	} else if (!strcmp(k, "path")) {
		if (!*v) {
			FAIL(L, "path: empty value (expected absolute directories separated by ':')");
			return;
		}
		if (strlen(v) >= CONFIG_MAX_ITEM) {
			FAIL(L, "path: too long");
			return;
		}
		const char *p = v;
		for (;;) {
			size_t n = strcspn(p, ":");
			if (n == 0 || p[0] != '/') {
				FAIL(L, "path: every entry must be an absolute directory (an empty "
				     "or relative entry would search the working directory)");
				return;
			}
			if (!p[n])
				break;
			p += n + 1;
		}
		set_str(L, &g->path, v);
	} else if (!strcmp(k, "env_keep")) {
		size_t before = g->env_keep.n;
		if (add_list(L, k, v, &g->env_keep, ITEM_ENV, false))
			return;
		for (size_t i = before; i < g->env_keep.n; i++) {
			char name[CONFIG_MAX_ITEM];
			snprintf(name, sizeof(name), "%s", g->env_keep.items[i]);
			size_t n = strlen(name);
			bool glob = n && name[n - 1] == '*';
			if (glob)
				name[n - 1] = 0;
			/* a prefix glob is refused when it would pass one */
			bool bad = glob ? envpolicy_glob_runs_code(name) : envpolicy_runs_code(name);
			bool ours = config_env_broker_only(name) ||
				    (glob && (!strncmp("SSH_AUTH_SOCK", name, strlen(name)) ||
					      !strncmp("GNUPGHOME", name, strlen(name))));
			if (ours) {
				FAIL(L, "env_keep: %s is never taken from the requester (it could point the "
				     "command at an agent of its choosing); for the ssh-agent set "
				     "ssh_agent = yes", g->env_keep.items[i]);
				return;
			}
			if (bad) {
				FAIL(L, "env_keep: %s can make the granted command run other code; "
				     "it cannot be passed from the requester", g->env_keep.items[i]);
				return;
			}
		}
	}
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	(void)section; /* tracked by scan_line(), which sees names inih truncates */
	struct loader *L = user;
	if (L->err_line)
		return 0; /* only the first error is reported */
	if (L->sec == SEC_BAD)
		return 1; /* already reported at the header */
	if (L->sec == SEC_NONE) {
		FAIL(L, "'%.80s' is outside any section (start with e.g. [broker])", name);
		return 0;
	}
	struct config *cfg = L->cfg;
	if (L->sec == SEC_CREDENTIAL) {
		char why[512];
		int r = credential_key(cfg->creds, name, value, L->line, why, sizeof(why));
		if (r)
			lerr(L, L->line, r, "%s", r == HUSH_ENOMEM ? "out of memory" : why);
		return r ? 0 : 1;
	}
	const struct key *keys = section_keys[L->sec];
	int idx = -1;
	for (int i = 0; keys[i].name; i++)
		if (!strcmp(keys[i].name, name))
			idx = i;
	if (idx < 0) {
		char list[256] = "";
		size_t off = 0;
		for (int i = 0; keys[i].name; i++) {
			int w = snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
					 keys[i].name);
			if (w < 0 || (size_t)w >= sizeof(list) - off)
				break;
			off += (size_t)w;
		}
		char where[CONFIG_MAX_NAME + 16];
		if (L->sec == SEC_GRANT)
			snprintf(where, sizeof(where), "[grant %s]", cfg->grants[L->cur].name);
		else if (L->sec == SEC_PROFILE)
			snprintf(where, sizeof(where), "[profile %s]", cfg->profiles[L->cur].name);
		else
			snprintf(where, sizeof(where), "%s", section_names[L->sec]);
		FAIL(L, "unknown key '%.80s' in %s (known keys: %s)", name, where, list);
		return 0;
	}
	if (!keys[idx].list) {
		if (L->seen[L->sec][idx]) {
			FAIL(L, "duplicate key '%s' (first set on line %d)", name,
			     L->seen[L->sec][idx]);
			return 0;
		}
		L->seen[L->sec][idx] = L->line;
	}
	if (strlen(value) >= CONFIG_MAX_ITEM) {
		FAIL(L, "%s: value too long", name);
		return 0;
	}
	switch (L->sec) {
	case SEC_VAULT:
		key_vault(L, name, value);
		break;
	case SEC_BROKER:
		key_broker(L, name, value);
		break;
	case SEC_SANDBOX:
		key_sandbox(L, name, value, NULL);
		break;
	case SEC_SCAN:
		key_scan(L, name, value);
		break;
	case SEC_GRANT:
		key_grant(L, name, value);
		break;
	case SEC_PROFILE: {
		key_sandbox(L, name, value, &cfg->profiles[L->cur]);
		break;
	}
	default:
		break;
	}
	return L->err_line ? 0 : 1;
}

/* Checks that need a whole section: required keys, cross-key rules. */
static void check_grants(struct loader *L)
{
	for (size_t i = 0; i < L->cfg->ngrants && !L->err_line; i++) {
		const struct grant *g = &L->cfg->grants[i];
		if (!g->command) {
			lerr(L, g->line, HUSH_ECONFIG,
			     "grant '%s' has no command (add: command = /absolute/path)", g->name);
			return;
		}
		for (size_t j = 0; j < g->env_keep.n; j++) {
			for (size_t k = 0; k < g->nsecrets; k++) {
				const char *e = g->env_keep.items[j];
				size_t n = strlen(e);
				bool hit = e[n - 1] == '*' ? !strncmp(g->secrets[k].env, e, n - 1)
							   : !strcmp(g->secrets[k].env, e);
				if (hit) {
					lerr(L, g->line, HUSH_ECONFIG,
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
	config_defaults(cfg);
	if (!name)
		name = "(config)";
	if (!data) {
		data = "";
		len = 0;
	}
	struct loader L = {
		.cfg = cfg, .name = name, .p = data, .end = data + len,
		.err = err, .errlen = errlen,
	};
	if (len > CONFIG_MAX_FILE) {
		lerr(&L, 1, HUSH_ECONFIG, "file larger than %u bytes", CONFIG_MAX_FILE);
		config_free(cfg);
		return HUSH_ECONFIG;
	}
	/* Indented lines are keys, not continuations; ';' and '#' start
	 * comments after whitespace. */
	ini_allow_multiline = false;
	ini_inline_comment_prefixes = (char *)";#";
	ini_start_comment_prefixes = (char *)";#";
	int r = ini_parse_stream(reader, &L, handler, &L);
	if (r > 0 && (!L.err_line || r < L.err_line)) {
		L.err_line = 0;
		lerr(&L, r, HUSH_ECONFIG, "expected 'key = value', '[section]' or a comment");
	} else if (r < 0 && !L.err_line) {
		lerr(&L, 1, HUSH_ENOMEM, "out of memory");
	}
	if (!L.err_line)
		check_grants(&L);
	if (!L.err_line && !cfg->creds)
		lerr(&L, 1, HUSH_ENOMEM, "out of memory");
	if (!L.err_line) {
		char why[512];
		int line = 0;
		if (credential_check(cfg->creds, &line, why, sizeof(why)))
			lerr(&L, line, HUSH_ECONFIG, "%s", why);
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
		config_defaults(cfg);
		return 0;
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

/* --- argument matching --- */

/* One fnmatch(pattern, s, 0)-style glob: '*', '?', bracket expressions
 * ([abc], [a-z], [!x], [^x]) and '\' escapes, with '*' matching '/' and
 * leading dots. Linear backtracking on the last '*' keeps the work at
 * O(len(p) * len(s)), where fnmatch can take exponential time. *budget
 * counts steps; at zero the match fails (closed). */
static bool bracket(const char **pp, unsigned char c, bool *matched)
{
	const char *p = *pp + 1;
	bool neg = false;
	if (*p == '!' || *p == '^') {
		neg = true;
		p++;
	}
	bool hit = false, first = true;
	while (*p && (first || *p != ']')) {
		first = false;
		unsigned char lo = (unsigned char)*p;
		if (lo == '[' && p[1] == ':') {
			/* [:class:] */
			const char *end = strstr(p + 2, ":]");
			if (!end)
				return false;
			size_t n = (size_t)(end - (p + 2));
			static const struct { const char *n; int (*f)(int); } cls[] = {
				{ "alpha", isalpha }, { "digit", isdigit }, { "alnum", isalnum },
				{ "upper", isupper }, { "lower", islower }, { "space", isspace },
				{ "xdigit", isxdigit }, { "punct", ispunct }, { "print", isprint },
				{ "graph", isgraph }, { "cntrl", iscntrl }, { "blank", isblank },
			};
			bool known = false;
			for (size_t i = 0; i < ARRAY_LEN(cls); i++) {
				if (strlen(cls[i].n) == n && !strncmp(cls[i].n, p + 2, n)) {
					known = true;
					if (cls[i].f(c))
						hit = true;
				}
			}
			if (!known)
				return false;
			p = end + 2;
			continue;
		}
		if (lo == '\\' && p[1])
			lo = (unsigned char)*++p;
		p++;
		if (*p == '-' && p[1] && p[1] != ']') {
			unsigned char hi = (unsigned char)p[1];
			p += 2;
			if (hi == '\\' && *p)
				hi = (unsigned char)*p++;
			if (c >= lo && c <= hi)
				hit = true;
		} else if (c == lo) {
			hit = true;
		}
	}
	if (*p != ']')
		return false; /* not a bracket expression: '[' is literal */
	*pp = p + 1;
	*matched = hit != neg;
	return true;
}

static bool glob_one(const char *pat, const char *s, unsigned long *budget)
{
	const char *star_p = NULL, *star_s = NULL;
	for (;;) {
		if (*budget == 0)
			return false;
		(*budget)--;
		if (*pat == '*') {
			while (*pat == '*')
				pat++;
			star_p = pat;
			star_s = s;
			continue;
		}
		if (!*s) {
			if (!*pat)
				return true;
			goto backtrack;
		}
		if (!*pat)
			goto backtrack;
		if (*pat == '?') {
			pat++;
			s++;
			continue;
		}
		if (*pat == '[') {
			const char *p = pat;
			bool m = false;
			if (bracket(&p, (unsigned char)*s, &m)) {
				if (!m)
					goto backtrack;
				pat = p;
				s++;
				continue;
			}
			/* unterminated: literal '[' */
		}
		{
			const char *p = pat;
			if (*p == '\\' && p[1])
				p++;
			if (*p != *s)
				goto backtrack;
			pat = p + 1;
			s++;
			continue;
		}
backtrack:
		if (!star_p || !*star_s)
			return false;
		pat = star_p;
		s = ++star_s;
	}
}

bool config_glob_match(const char *pattern, const char *s)
{
	unsigned long budget = ARGS_MATCH_BUDGET;
	return glob_one(pattern, s, &budget);
}

/* Token-level matching: a lone "*" token matches any run of arguments,
 * the same last-star backtracking one level up. */
static bool pattern_match(const struct config_list *pat, char *const argv[], size_t argc,
			  unsigned long *budget)
{
	size_t t = 0, a = 0;
	size_t star_t = SIZE_MAX, star_a = 0;
	for (;;) {
		if (*budget == 0)
			return false;
		(*budget)--;
		if (t < pat->n && !strcmp(pat->items[t], "*")) {
			while (t < pat->n && !strcmp(pat->items[t], "*"))
				t++;
			star_t = t;
			star_a = a;
			continue;
		}
		if (a == argc) {
			if (t == pat->n)
				return true;
		} else if (t < pat->n && argv[a] && glob_one(pat->items[t], argv[a], budget)) {
			t++;
			a++;
			continue;
		}
		if (star_t == SIZE_MAX || star_a >= argc)
			return false;
		t = star_t;
		a = ++star_a;
	}
}

bool grant_args_match(const struct grant *g, char *const argv[], size_t argc)
{
	if (!g)
		return false;
	if (g->nargs == 0)
		return true;
	if (argc > 0 && !argv)
		return false;
	unsigned long budget = ARGS_MATCH_BUDGET;
	for (size_t i = 0; i < g->nargs; i++)
		if (pattern_match(&g->args[i], argv, argc, &budget))
			return true;
	return false;
}
