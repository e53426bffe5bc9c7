/* SPDX-License-Identifier: ISC */
/* config.ini: what it holds, loading and validation.
 *
 * Every key is typed and documented in docs/config.md, and listed once in
 * the key table (config/keys.c, see config/loader.h). Unknown sections or
 * keys and bad values are errors that name the file and line. What
 * `hush config check` adds is config/lint.h. */
#ifndef HUSH_CONFIG_H
#define HUSH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strv.h"

#define CONFIG_MAX_GRANTS 256
#define CONFIG_MAX_LIST 256

enum confirm_ui {
	CONFIRM_UI_DEFAULT = 0, /* grant only: use [broker] confirm */
	CONFIRM_UI_DESKTOP,     /* zenity / kdialog / ssh-askpass */
	CONFIRM_UI_TERMINAL,    /* hush pending / approve / deny */
	CONFIRM_UI_COMMAND,     /* confirm_command: exit 0 approves */
	CONFIRM_UI_NONE,        /* no confirmation */
};

/* How often a grant asks: every run, or once per approval lifetime. */
enum confirm_policy {
	CONFIRM_POLICY_TTL = 0, /* an approval lasts `ttl` for this grant + cwd */
	CONFIRM_POLICY_ALWAYS,  /* every run asks (unless approved --for) */
	CONFIRM_POLICY_NEVER,   /* never asks */
};
/* The policies by their names in config.ini: "always", "ttl", "never".
 * Parsing gives 0 or HUSH_EINVAL. */
int config_policy_parse(const char *v, enum confirm_policy *out);
const char *config_policy_name(enum confirm_policy p);

/* One secret a grant injects: environment variable name <- vault entry. */
struct grant_secret {
	char *env;    /* variable name in the child */
	char *secret; /* vault entry name */
};

struct grant {
	char *name;            /* [grant NAME] */
	int line;              /* line of the section header */
	char *command;         /* absolute path of the executable */
	char *sha256;          /* optional pin: 64 lowercase hex chars, or NULL */
	/* Argument patterns: each pattern is a list of tokens; a token is a
	 * glob (fnmatch) matched against one argument, a lone "*" matches
	 * any number of arguments. The request matches when any pattern
	 * matches all its arguments. No patterns = any arguments.
	 * grant_args_match() in broker/grant.h. */
	struct strv *args;
	size_t nargs;
	char *cwd;             /* optional working-directory prefix (expanded ~) */
	struct grant_secret *secrets;
	size_t nsecrets;
	enum confirm_ui ui;
	char *confirm_command; /* when ui == CONFIRM_UI_COMMAND */
	enum confirm_policy policy;
	uint64_t ttl;          /* approval lifetime in seconds (0 = broker default) */
	bool allow_no_mask;    /* `hush run --no-mask` allowed */
	char *path;            /* PATH given to the child (default: a fixed safe PATH) */
	struct strv env_keep; /* extra requester variables passed through */
	bool ssh_agent;        /* the broker's own SSH_AUTH_SOCK is passed */
};

/* A [profile NAME] section: additions to [sandbox] for hush sandbox --profile. */
struct sandbox_profile {
	char *name;
	bool builtin;                  /* from the built-in table, not extended */
	struct strv commands;   /* agent command names that select it */
	struct strv hide;
	struct strv hide_dirs;
	struct strv allow_env;
	struct strv allow_write; /* state directories, writable */
	struct strv state_files; /* state files in $HOME, copied back */
	struct strv scratch;     /* writable, empty, discarded at exit */
	struct strv never_write; /* the agent's own permission files */
	struct strv home_allow;  /* shown in home = allow-list */
	struct strv allow_socket; /* unix sockets outside it may connect to */
};

enum home_mode {
	HOME_MODE_VISIBLE = 0, /* every entry of $HOME shown read-only */
	HOME_MODE_ALLOWLIST,   /* only home_allow and the profile's paths */
};

struct config {
	char *path;                 /* file loaded, or NULL for defaults only */

	/* [vault] */
	char *askpass;              /* passphrase helper (HUSH_ASKPASS wins) */
	uint64_t kdf_memory;        /* bytes for Argon2id on new vaults (0 = measured) */
	uint64_t kdf_ops;           /* opslimit on new vaults (0 = measured) */

	/* [broker] */
	enum confirm_ui confirm;    /* default CONFIRM_UI_DESKTOP */
	char *confirm_command;      /* for confirm = command:/path (HUSH_CONFIRM wins) */
	uint64_t approval_ttl;      /* default 15m */
	uint64_t request_timeout;   /* how long a request waits for a human; 2m */
	uint64_t idle_lock;         /* default 30m; 0 = never */
	bool autostart;             /* start hushd on demand; default true */
	bool mask;                  /* mask output by default; default true */

	/* [sandbox] */
	struct strv hide;      /* file name globs, "!" negates */
	struct strv hide_dirs; /* directories (~ expanded) */
	struct strv allow_env; /* names or NAME_* / LC_* globs */
	struct strv allow_write; /* extra writable directories */
	struct strv state_files; /* files in $HOME replaced by rename */
	struct strv scratch;     /* writable, empty, discarded at exit */
	struct strv never_write; /* read-only even in writable trees:
					   absolute, or relative to the project */
	struct strv unprotect;   /* defaults removed from never_write */
	struct strv home_allow;  /* home = allow-list: what is shown */
	enum home_mode home_mode;
	bool allow_display;             /* share X11/Wayland with the agent */
	struct strv allow_socket; /* unix sockets outside the agent may connect to */
	enum home_mode root_mode;       /* what of / outside the system is shown */
	bool network_proxy_only;        /* network = proxy-only */
	struct strv allow_hosts; /* proxy-only: hosts its tunnels may reach */

	/* [scan] */
	struct strv scan_skip; /* directory names skipped by hush scan */
	uint64_t scan_max_file;       /* bytes; default 4 MiB */
	char *scan_rules;             /* gitleaks-format rule file, or NULL */

	struct grant *grants;
	size_t ngrants;
	struct sandbox_profile *profiles;
	size_t nprofiles;

	/* [credential NAME] and [proxy]: config/credential.h */
	struct config_credentials *creds;
};

/* Fills *cfg with the built-in defaults (see docs/config.md). 0, or
 * HUSH_ENOMEM when one could not be added (then *cfg must not be used
 * but still be freed: a missing default could be a mask or a
 * never-writable path). */
int config_defaults(struct config *cfg);

/* Loads path over the defaults. A missing file is not an error when
 * missing_ok is true (defaults are kept, cfg->path stays NULL).
 * Returns 0, or HUSH_ECONFIG with "FILE:LINE: what is wrong" in
 * err[errlen], or HUSH_ENOENT / HUSH_EIO. On error *cfg is freed. */
int config_load(struct config *cfg, const char *path, bool missing_ok,
		char *err, size_t errlen);

/* Same as config_load() on an in-memory buffer; name is used in messages. */
int config_load_buffer(struct config *cfg, const char *name, const char *data,
		       size_t len, char *err, size_t errlen);

/* config_load() of path_config(), missing file allowed. */
int config_load_default(struct config *cfg, char *err, size_t errlen);

/* Frees everything config_load() allocated. */
void config_free(struct config *cfg);
#define _cleanup_config_ __attribute__((cleanup(config_free)))

/* Grant by name, or NULL. */
const struct grant *config_grant(const struct config *cfg, const char *name);
/* Profile by name, or NULL. */
const struct sandbox_profile *config_profile(const struct config *cfg, const char *name);
/* The profile whose `commands` list has argv0's base name, or NULL. */
const struct sandbox_profile *config_profile_for_command(const struct config *cfg,
							 const char *argv0);

/* Parse helpers shared with other parts. 0 or HUSH_EINVAL. */
int config_parse_bool(const char *s, bool *out);
/* A list value: "a, b, c" (commas; whitespace around items trimmed). */
int config_parse_list(const char *s, struct strv *out);
/* True for variables only the broker may set in a granted command, never
 * taken from the requester: SSH_AUTH_SOCK and SSH_AGENT_PID (ssh_agent =
 * yes passes the broker's), GNUPGHOME (gpg finds its agent from it). */
bool config_env_broker_only(const char *name);

#endif
