/* SPDX-License-Identifier: ISC */
/* The key table: every key of config.ini with its section, type and
 * default, and the checks of the keys that are more than their type.
 * docs/config.md documents the same keys; tests/unit/test_config.c checks
 * that the two list the same keys and defaults. See loader.h. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/array.h"
#include "common/envpolicy.h"
#include "common/util.h"
#include "config/credential.h"
#include "config/loader.h"

/* --- the built-in lists --- */

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
	/* the variables codex and gemini load at every start (API keys) */
	"~/.codex/.env", "~/.gemini/.env",
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
	"~/.config/pip", "~/.pip", "~/.npmrc", "~/.yarnrc", "~/.bunfig.toml", "~/.config/.bunfig.toml",
	"~/.config/pnpm", "~/.gemrc", "~/.irbrc",
	/* git and direnv */
	"~/.gitconfig", "~/.config/git", "~/.config/direnv", "~/.local/share/direnv",
	/* editors */
	"~/.vimrc", "~/.vim", "~/.config/nvim", "~/.emacs", "~/.emacs.d", "~/.config/emacs",
	"~/.nanorc", "~/.config/Code/User", "~/.vscode", "~/.config/JetBrains",
	/* the agents' own rules */
	"~/.claude/settings.json", "~/.claude/settings.local.json", "~/.claude/commands",
	"~/.claude/agents", "~/.claude/hooks", "~/.claude/skills", "~/.claude/plugins",
	"~/.claude/output-styles", "~/.claude/CLAUDE.md", "~/.claude/local", "~/.config/opencode",
	"~/.codex/config.toml", "~/.codex/AGENTS.md", "~/.codex/prompts", "~/.codex/rules",
	"~/.codex/.env", "~/.gemini/settings.json", "~/.gemini/extensions", "~/.gemini/GEMINI.md",
	"~/.gemini/.env",
	"~/.aider.conf.yml",
	/* in the project */
	".envrc", ".vscode", ".idea", ".claude/settings.json", ".claude/settings.local.json",
	".claude/commands", ".claude/agents", ".claude/hooks", ".claude/skills", ".mcp.json",
	"opencode.json",
	"opencode.jsonc", ".opencode", ".codex", ".gemini", ".aider.conf.yml", ".husky",
	".pre-commit-config.yaml", "lefthook.yml", ".lefthook.yml", "lefthook.yaml",
	"lefthook-local.yml", ".lefthook", ".config/lefthook.yml",
	/* build and task tools that run what their config names (package
	 * managers: script-shell, node-options, yarnPath, preload, and the
	 * releases and plugins yarn runs) */
	".cargo/config.toml", ".cargo/config", ".npmrc", ".yarnrc", ".yarnrc.yml", ".yarn/releases",
	".yarn/plugins", ".pnpmfile.cjs", "bunfig.toml", "mise.toml",
	".mise.toml", "mise.local.toml", ".config/mise.toml", ".mvn/extensions.xml",
	".mvn/jvm.config", "gradle.properties", ".bazelrc", ".nvim.lua", ".exrc", ".vimrc",
	".gvimrc", ".nvimrc",
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
static const char *const default_scan_skip[] = {
	".git", "node_modules", "vendor", ".venv", "venv", "__pycache__",
	"dist", "build", "target", ".cache",
};

/* --- keys with checks of their own --- */

#define FIELD(base, k, type) ((type *)(void *)((char *)(base) + (k)->off))

static void key_kdf_memory(struct loader *L, const struct config_key *k, void *base,
			   const char *v)
{
	uint64_t b;
	if (!strcasecmp(v, "auto"))
		*FIELD(base, k, uint64_t) = 0;
	else if (config_parse_size(v, &b))
		FAIL(L, "kdf_memory: bad size '%.80s' (expected e.g. 64M, 256MiB, 1G or auto)", v);
	else if (b < (64ull << 20) || b > (4ull << 30))
		FAIL(L, "kdf_memory: %.80s is out of range (64M to 4G)", v);
	else
		*FIELD(base, k, uint64_t) = b;
}

static void key_kdf_ops(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	if (!strcasecmp(v, "auto")) {
		*FIELD(base, k, uint64_t) = 0;
		return;
	}
	char *endp;
	errno = 0;
	unsigned long long n = strtoull(v, &endp, 10);
	if (!isdigit((unsigned char)v[0]) || *endp || errno || n < 1 || n > 4294967295ull)
		FAIL(L, "kdf_ops: bad value '%.80s' (expected a number from 1 to 4294967295 "
		     "or auto)", v);
	else
		*FIELD(base, k, uint64_t) = n;
}

static void key_broker_confirm(struct loader *L, const struct config_key *k, void *base,
			       const char *v)
{
	(void)k;
	struct config *cfg = base;
	if (cv_ui(L, "confirm", v, &cfg->confirm, &cfg->confirm_command) > 0)
		FAIL(L, "confirm: bad value '%.80s' (expected desktop, terminal, "
		     "command:/path or none)", v);
}

/* never_write in [sandbox] and profiles: never removable here (that takes
 * unprotect, which says so). */
static void key_never_write(struct loader *L, const struct config_key *k, void *base,
			    const char *v)
{
	if (strchr(v, '!'))
		FAIL(L, "never_write: '!' cannot remove an item; use 'unprotect = PATH' "
		     "(the sandbox then warns at every start)");
	else
		cv_add_list(L, k->name, v, FIELD(base, k, struct strv), ITEM_PATH, false);
}

/* home and root: visible or allow-list */
static void key_home(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	enum home_mode *m = FIELD(base, k, enum home_mode);
	if (!strcmp(v, "visible"))
		*m = HOME_MODE_VISIBLE;
	else if (!strcmp(v, "allow-list"))
		*m = HOME_MODE_ALLOWLIST;
	else
		FAIL(L, "%s: bad value '%.80s' (expected visible or allow-list)", k->name, v);
}

static void key_network(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	bool *only = FIELD(base, k, bool);
	if (!strcmp(v, "open") || !strcmp(v, "proxy-only"))
		*only = !strcmp(v, "proxy-only");
	else
		FAIL(L, "network: bad value '%.80s' (expected open or proxy-only)", v);
}

static void key_max_file(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	uint64_t b;
	if (config_parse_size(v, &b))
		FAIL(L, "max_file: bad size '%.80s' (expected e.g. 4M, 512K or bytes)", v);
	else if (b == 0 || b > (1ull << 30))
		FAIL(L, "max_file: %.80s is out of range (1 byte to 1G)", v);
	else
		*FIELD(base, k, uint64_t) = b;
}

static bool is_hex64(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]))
			return false;
	return n == 64;
}

static void key_sha256(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	(void)k;
	struct grant *g = base;
	if (!is_hex64(v)) {
		FAIL(L, "sha256: expected 64 hexadecimal characters (sha256sum output), "
		     "got %zu characters", strlen(v));
		return;
	}
	if (cv_set_str(L, &g->sha256, v) == 0)
		for (char *c = g->sha256; *c; c++)
			*c = (char)tolower((unsigned char)*c);
}

static void key_args(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	(void)k;
	struct grant *g = base;
	struct strv toks;
	if (g->nargs >= CONFIG_MAX_LIST) {
		FAIL(L, "args: too many patterns (at most %d)", CONFIG_MAX_LIST);
		return;
	}
	if (cv_args(L, v, &toks))
		return;
	struct strv *a = array_add_one(&g->args, g->nargs, sizeof(*g->args));
	if (!a) {
		strv_free(&toks);
		FAIL_OOM(L);
		return;
	}
	g->nargs++;
	*a = toks;
}

static void key_cwd(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	char path[CONFIG_MAX_ITEM];
	if (cv_abs_path(L, k->name, v, path, sizeof(path)))
		return;
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = 0;
	cv_set_str(L, FIELD(base, k, char *), path);
}

/* One secrets item "ENV=NAME" or "NAME": 0 with env and name, or -1. */
static int secret_item(struct loader *L, const struct grant *g, char *it, char **env,
		       char **name)
{
	char *eq = strchr(it, '=');
	*env = *name = it;
	if (eq) {
		*eq = 0;
		*env = config_trim(it);
		*name = config_trim(eq + 1);
	}
	if (!env_name_valid(*env) || !env_name_valid(*name)) {
		FAIL(L, "secrets: bad entry '%.80s%s%.80s' (expected NAME or ENV=NAME, "
		     "each a variable name: letters, digits, '_')", *env, eq ? "=" : "",
		     eq ? *name : "");
		return -1;
	}
	for (size_t j = 0; j < g->nsecrets; j++) {
		if (!strcmp(g->secrets[j].env, *env)) {
			FAIL(L, "secrets: variable %s is given twice", *env);
			return -1;
		}
	}
	if (g->nsecrets >= CONFIG_MAX_LIST) {
		FAIL(L, "secrets: too many (at most %d)", CONFIG_MAX_LIST);
		return -1;
	}
	return 0;
}

static void key_secrets(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	struct grant *g = base;
	struct strv items;
	if (cv_list(L, k->name, v, &items))
		return;
	for (size_t i = 0; i < items.n; i++) {
		char *env, *name;
		if (secret_item(L, g, items.v[i], &env, &name))
			break;
		struct grant_secret *s = array_add_one(&g->secrets, g->nsecrets, sizeof(*g->secrets));
		if (!s || !(s->env = strdup(env)) || !(s->secret = strdup(name))) {
			if (s)
				FREE_ALL(s->env, s->secret);
			FAIL_OOM(L);
			break;
		}
		g->nsecrets++;
	}
	strv_free(&items);
}

/* confirm (a policy, or a UI) and ui (a UI) of a grant: one of them may
 * choose the UI. */
static void key_grant_confirm(struct loader *L, const struct config_key *k, void *base,
			      const char *v)
{
	struct grant *g = base;
	bool is_confirm = !strcmp(k->name, "confirm");
	if (is_confirm && config_policy_parse(v, &g->policy) == 0)
		return;
	if (L->ui_line) {
		FAIL(L, "%s: the confirmation UI is already chosen by '%s' on line %d",
		     k->name, L->ui_key, L->ui_line);
		return;
	}
	int r = cv_ui(L, k->name, v, &g->ui, &g->confirm_command);
	if (r > 0 && is_confirm)
		FAIL(L, "confirm: bad value '%.80s' (expected always, ttl, never, "
		     "desktop, terminal, command:/path or none)", v);
	else if (r > 0)
		FAIL(L, "ui: bad value '%.80s' (expected desktop, terminal, "
		     "command:/path or none)", v);
	else if (r == 0) {
		L->ui_line = L->line;
		L->ui_key = is_confirm ? "confirm" : "ui";
	}
}

static void key_path(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	if (!*v) {
		FAIL(L, "path: empty value (expected absolute directories separated by ':')");
		return;
	}
	if (strlen(v) >= CONFIG_MAX_ITEM) {
		FAIL(L, "path: too long");
		return;
	}
	for (const char *p = v;;) {
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
	cv_set_str(L, FIELD(base, k, char *), v);
}

/* env_keep: a list of names, none of which the requester may set. */
static void key_env_keep(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	struct strv *l = FIELD(base, k, struct strv);
	size_t before = l->n;
	if (cv_add_list(L, k->name, v, l, ITEM_ENV, false))
		return;
	for (size_t i = before; i < l->n; i++) {
		char name[CONFIG_MAX_ITEM];
		snprintf(name, sizeof(name), "%s", l->v[i]);
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
			     "ssh_agent = yes", l->v[i]);
			return;
		}
		if (bad) {
			FAIL(L, "env_keep: %s can make the granted command run other code; "
			     "it cannot be passed from the requester", l->v[i]);
			return;
		}
	}
}

/* [credential NAME] and [proxy]: config/credential.c checks the values. */
static void key_credential(struct loader *L, const struct config_key *k, void *base,
			   const char *v)
{
	char why[512];
	int r = credential_key(base, k->name, v, why, sizeof(why));
	if (r)
		config_lerr(L, L->line, r, "%s", r == HUSH_ENOMEM ? "out of memory" : why);
}

/* --- the table --- */

#define DEFS(a) .list_def = (a), .nlist_def = ARRAY_LEN(a)
#define C(m) offsetof(struct config, m)
#define G(m) offsetof(struct grant, m)
#define P(m) offsetof(struct sandbox_profile, m)
#define LIST(s, n, off, kind, fl) \
	{ s, n, KT_LIST, KF_REPEAT | (fl), kind, off, NULL, NULL, NULL, 0 }
#define FN(s, n, off, f, fl) { s, n, KT_FN, fl, ITEM_GLOB, off, f, NULL, NULL, 0 }

static const struct config_key keys[] = {
	{ SEC_VAULT, "askpass", KT_PATH, 0, ITEM_GLOB, C(askpass), NULL, NULL, NULL, 0 },
	{ SEC_VAULT, "kdf_memory", KT_FN, 0, ITEM_GLOB, C(kdf_memory), key_kdf_memory, "auto",
	  NULL, 0 },
	{ SEC_VAULT, "kdf_ops", KT_FN, 0, ITEM_GLOB, C(kdf_ops), key_kdf_ops, "auto", NULL, 0 },

	{ SEC_BROKER, "confirm", KT_FN, 0, ITEM_GLOB, C(confirm), key_broker_confirm, "desktop",
	  NULL, 0 },
	{ SEC_BROKER, "approval_ttl", KT_DURATION, 0, ITEM_GLOB, C(approval_ttl), NULL, "15m",
	  NULL, 0 },
	{ SEC_BROKER, "request_timeout", KT_DURATION, KF_NONZERO, ITEM_GLOB, C(request_timeout),
	  NULL, "2m", NULL, 0 },
	{ SEC_BROKER, "idle_lock", KT_DURATION, KF_NEVER, ITEM_GLOB, C(idle_lock), NULL, "30m",
	  NULL, 0 },
	{ SEC_BROKER, "autostart", KT_BOOL, 0, ITEM_GLOB, C(autostart), NULL, "true", NULL, 0 },
	{ SEC_BROKER, "mask", KT_BOOL, 0, ITEM_GLOB, C(mask), NULL, "true", NULL, 0 },

	{ SEC_SANDBOX, "hide", KT_LIST, KF_REPEAT | KF_BANG, ITEM_GLOB, C(hide), NULL, NULL,
	  DEFS(default_hide) },
	{ SEC_SANDBOX, "hide_dirs", KT_LIST, KF_REPEAT | KF_BANG, ITEM_DIR, C(hide_dirs), NULL,
	  NULL, DEFS(default_hide_dirs) },
	{ SEC_SANDBOX, "allow_env", KT_LIST, KF_REPEAT | KF_BANG, ITEM_ENV, C(allow_env), NULL,
	  NULL, DEFS(default_allow_env) },
	LIST(SEC_SANDBOX, "allow_write", C(allow_write), ITEM_DIR, KF_BANG),
	LIST(SEC_SANDBOX, "state_files", C(state_files), ITEM_DIR, KF_BANG),
	{ SEC_SANDBOX, "scratch", KT_LIST, KF_REPEAT | KF_BANG, ITEM_DIR, C(scratch), NULL, NULL,
	  DEFS(default_scratch) },
	{ SEC_SANDBOX, "never_write", KT_FN, KF_REPEAT, ITEM_PATH, C(never_write),
	  key_never_write, NULL, DEFS(default_never_write) },
	LIST(SEC_SANDBOX, "unprotect", C(unprotect), ITEM_PATH, 0),
	{ SEC_SANDBOX, "home", KT_FN, 0, ITEM_GLOB, C(home_mode), key_home, "allow-list", NULL, 0 },
	{ SEC_SANDBOX, "home_allow", KT_LIST, KF_REPEAT | KF_BANG, ITEM_DIR, C(home_allow), NULL,
	  NULL, DEFS(default_home_allow) },
	{ SEC_SANDBOX, "display", KT_BOOL, 0, ITEM_GLOB, C(allow_display), NULL, "false", NULL, 0 },
	LIST(SEC_SANDBOX, "allow_socket", C(allow_socket), ITEM_DIR, KF_BANG),
	{ SEC_SANDBOX, "root", KT_FN, 0, ITEM_GLOB, C(root_mode), key_home, "allow-list", NULL, 0 },
	{ SEC_SANDBOX, "network", KT_FN, 0, ITEM_GLOB, C(network_proxy_only), key_network, "open",
	  NULL, 0 },
	LIST(SEC_SANDBOX, "allow_hosts", C(allow_hosts), ITEM_GLOB, KF_BANG),

	{ SEC_SCAN, "skip", KT_LIST, KF_REPEAT | KF_BANG, ITEM_NAME, C(scan_skip), NULL, NULL,
	  DEFS(default_scan_skip) },
	{ SEC_SCAN, "max_file", KT_FN, 0, ITEM_GLOB, C(scan_max_file), key_max_file, "4M", NULL, 0 },
	{ SEC_SCAN, "rules", KT_PATH, 0, ITEM_GLOB, C(scan_rules), NULL, NULL, NULL, 0 },

	{ SEC_GRANT, "command", KT_PATH, 0, ITEM_GLOB, G(command), NULL, NULL, NULL, 0 },
	FN(SEC_GRANT, "sha256", G(sha256), key_sha256, 0),
	FN(SEC_GRANT, "args", G(args), key_args, KF_REPEAT),
	FN(SEC_GRANT, "cwd", G(cwd), key_cwd, 0),
	FN(SEC_GRANT, "secrets", G(secrets), key_secrets, KF_REPEAT),
	{ SEC_GRANT, "confirm", KT_FN, 0, ITEM_GLOB, G(policy), key_grant_confirm, "ttl", NULL, 0 },
	FN(SEC_GRANT, "ui", G(ui), key_grant_confirm, 0),
	{ SEC_GRANT, "ttl", KT_DURATION, 0, ITEM_GLOB, G(ttl), NULL, NULL, NULL, 0 },
	{ SEC_GRANT, "allow_no_mask", KT_BOOL, 0, ITEM_GLOB, G(allow_no_mask), NULL, "false",
	  NULL, 0 },
	FN(SEC_GRANT, "path", G(path), key_path, 0),
	FN(SEC_GRANT, "env_keep", G(env_keep), key_env_keep, KF_REPEAT),
	{ SEC_GRANT, "ssh_agent", KT_BOOL, 0, ITEM_GLOB, G(ssh_agent), NULL, "false", NULL, 0 },

	LIST(SEC_PROFILE, "hide", P(hide), ITEM_GLOB, KF_BANG),
	LIST(SEC_PROFILE, "hide_dirs", P(hide_dirs), ITEM_DIR, KF_BANG),
	LIST(SEC_PROFILE, "allow_env", P(allow_env), ITEM_ENV, KF_BANG),
	LIST(SEC_PROFILE, "allow_write", P(allow_write), ITEM_DIR, KF_BANG),
	LIST(SEC_PROFILE, "state_files", P(state_files), ITEM_DIR, KF_BANG),
	LIST(SEC_PROFILE, "scratch", P(scratch), ITEM_DIR, KF_BANG),
	FN(SEC_PROFILE, "never_write", P(never_write), key_never_write, KF_REPEAT),
	LIST(SEC_PROFILE, "home_allow", P(home_allow), ITEM_DIR, KF_BANG),
	LIST(SEC_PROFILE, "commands", P(commands), ITEM_NAME, KF_BANG),
	LIST(SEC_PROFILE, "allow_socket", P(allow_socket), ITEM_DIR, KF_BANG),

	/* values and defaults: config/credential.c */
	FN(SEC_CREDENTIAL, "secret", 0, key_credential, 0),
	FN(SEC_CREDENTIAL, "env", 0, key_credential, 0),
	FN(SEC_CREDENTIAL, "hosts", 0, key_credential, 0),
	FN(SEC_CREDENTIAL, "header", 0, key_credential, 0),
	FN(SEC_CREDENTIAL, "base_url_env", 0, key_credential, 0),
	FN(SEC_CREDENTIAL, "upstream", 0, key_credential, 0),
	FN(SEC_CREDENTIAL, "confirm", 0, key_credential, 0),
	FN(SEC_PROXY, "ca_file", 0, key_credential, 0),
};

_Static_assert(ARRAY_LEN(keys) <= CONFIG_MAX_KEYS, "CONFIG_MAX_KEYS is too small");

const struct config_key *config_key_table(size_t *n)
{
	*n = ARRAY_LEN(keys);
	return keys;
}

const struct config_key *config_key_find(enum config_section sec, const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (keys[i].sec == sec && !strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

void config_key_set(struct loader *L, const struct config_key *k, void *base, const char *v)
{
	char path[CONFIG_MAX_ITEM];
	uint64_t s;
	switch (k->type) {
	case KT_PATH:
		if (cv_abs_path(L, k->name, v, path, sizeof(path)) == 0)
			cv_set_str(L, FIELD(base, k, char *), path);
		break;
	case KT_BOOL:
		cv_bool(L, k->name, v, FIELD(base, k, bool));
		break;
	case KT_DURATION:
		if (cv_duration(L, k->name, v, k->flags & KF_NEVER, &s))
			break;
		if (s == 0 && (k->flags & KF_NONZERO))
			FAIL(L, "%s: must be longer than 0s", k->name);
		else
			*FIELD(base, k, uint64_t) = s;
		break;
	case KT_LIST:
		cv_add_list(L, k->name, v, FIELD(base, k, struct strv), k->item,
			    k->flags & KF_BANG);
		break;
	case KT_FN:
		k->fn(L, k, base, v);
		break;
	}
}

int config_key_defaults(struct loader *L, enum config_section sec, void *base)
{
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		const struct config_key *k = &keys[i];
		if (k->sec != sec)
			continue;
		if (k->def)
			config_key_set(L, k, base, k->def);
		if (k->list_def && config_add_defaults(FIELD(base, k, struct strv),
						       k->list_def, k->nlist_def) < 0)
			return HUSH_ENOMEM;
	}
	return 0;
}
