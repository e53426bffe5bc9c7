/* SPDX-License-Identifier: ISC */
/* The checks of `hush config check` that need the file system and the
 * vault: see lint.h. */
#include "config/lint.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "broker/grant.h"
#include "common/util.h"
#include "vault/open.h"
#include "vault/vault.h"

struct lint {
	config_lint_report report;
	void *ctx;
	struct config_lint *out;
};

static void problem(struct lint *l, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct lint *l, const char *hint, const char *fmt, ...)
{
	char what[PATH_MAX + 512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	l->out->problems++;
	l->report(l->ctx, what, hint);
}

/* Whether path names an executable regular file; a problem for `what`
 * otherwise. */
static bool check_executable(struct lint *l, const char *what, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		problem(l, NULL, "%s: %s: %s", what, path,
			errno == ENOENT ? "no such file" : strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		problem(l, NULL, "%s: %s: not a regular file", what, path);
		return false;
	}
	if (access(path, X_OK) < 0) {
		char hint[PATH_MAX + 16];
		snprintf(hint, sizeof(hint), "chmod +x %s", path);
		problem(l, hint, "%s: %s: not executable", what, path);
		return false;
	}
	return true;
}

/* A grant's command: pinned when the user can change it (whoever writes
 * ~/bin/deploy gets its code run with the grant's secrets), and matching
 * its pin. */
static void check_pin(struct lint *l, const struct grant *g)
{
	char why[PATH_MAX + 64], hex[65], hint[256];
	if (!g->sha256) {
		if (grant_exe_writable(g->command, why, sizeof(why)) != 1)
			return;
		bool have = grant_sha256_hex(g->command, hex) == 0;
		if (have)
			snprintf(hint, sizeof(hint), "pin it: add  sha256 = %s  to [grant %s] (and "
				 "update it when you update the program)", hex, g->name);
		problem(l, have ? hint : NULL, "grant '%s': %s is not pinned and %s: whatever is "
			"written there runs with the grant's secrets", g->name, g->command, why);
		return;
	}
	if (grant_sha256_hex(g->command, hex) < 0) {
		problem(l, NULL, "grant '%s': cannot read %s to check its sha256: %s", g->name,
			g->command, strerror(errno));
	} else if (sodium_memcmp(hex, g->sha256, 64) != 0) {
		snprintf(hint, sizeof(hint), "if the program was updated on purpose, set sha256 = %s",
			 hex);
		problem(l, hint, "grant '%s': %s does not match its sha256 pin (it is %s)", g->name,
			g->command, hex);
	}
}

/* Opens the vault without prompting unless allowed. The vault, or NULL
 * with the reason the secret check is skipped in why[n]. */
static struct vault *open_vault_quietly(const struct config *cfg, bool allow_prompt,
					char *why, size_t n)
{
	char path[4096];
	if (path_vault(path, sizeof(path))) {
		snprintf(why, n, "the vault path is too long");
		return NULL;
	}
	struct vault_info info;
	int r = vault_probe(path, &info);
	if (r == HUSH_ENOENT) {
		snprintf(why, n, "no vault at %.600s (run 'hush init')", path);
		return NULL;
	}
	if (r) {
		snprintf(why, n, "cannot read %.600s: %s", path, hush_strerror(r));
		return NULL;
	}
	const char *askpass = getenv("HUSH_ASKPASS");
	bool have_askpass = (askpass && *askpass) || cfg->askpass;
	if (info.source == VAULT_KEY_PASSPHRASE && !have_askpass && !allow_prompt) {
		snprintf(why, n, "the vault is locked (use --unlock to type the passphrase, "
				 "or set HUSH_ASKPASS)");
		return NULL;
	}
	struct vault_open_opts o = { .passphrase_fd = -1, .flags = 0, .cfg = cfg, .path = path };
	struct vault *v = NULL;
	struct vault_err e;
	memset(&e, 0, sizeof(e));
	r = vault_open_default(&o, &v, &e);
	if (r) {
		snprintf(why, n, "%s", e.what[0] ? e.what : hush_strerror(r));
		return NULL;
	}
	return v;
}

/* By name only: no value is read out (docs/config.md, "Checking a config"). */
static bool vault_has(const struct vault *v, const char *name)
{
	size_t n = vault_count(v);
	for (size_t i = 0; i < n; i++) {
		struct vault_entry_info e;
		if (vault_entry(v, i, &e) == 0 && !strcmp(e.name, name))
			return true;
	}
	return false;
}

int config_lint(const struct config *cfg, bool allow_prompt, config_lint_report report,
		void *ctx, struct config_lint *out)
{
	memset(out, 0, sizeof(*out));
	struct lint l = { .report = report, .ctx = ctx, .out = out };
	char what[256];
	if (cfg->askpass)
		check_executable(&l, "[vault] askpass", cfg->askpass);
	if (cfg->confirm == CONFIRM_UI_COMMAND)
		check_executable(&l, "[broker] confirm command", cfg->confirm_command);
	for (size_t i = 0; i < cfg->ngrants; i++)
		out->secrets_wanted |= cfg->grants[i].nsecrets > 0;
	struct vault *v = out->secrets_wanted
				  ? open_vault_quietly(cfg, allow_prompt, out->skipped,
						       sizeof(out->skipped))
				  : NULL;
	out->secrets_checked = v != NULL;
	for (size_t i = 0; i < cfg->ngrants; i++) {
		const struct grant *g = &cfg->grants[i];
		snprintf(what, sizeof(what), "grant '%s': command", g->name);
		if (check_executable(&l, what, g->command))
			check_pin(&l, g);
		if (g->ui == CONFIRM_UI_COMMAND) {
			snprintf(what, sizeof(what), "grant '%s': confirm command", g->name);
			check_executable(&l, what, g->confirm_command);
		}
		for (size_t j = 0; v && j < g->nsecrets; j++) {
			out->nsecrets++;
			if (vault_has(v, g->secrets[j].secret))
				continue;
			out->missing++;
			char hint[HUSH_MAX_NAME + 16];
			snprintf(hint, sizeof(hint), "hush set %s", g->secrets[j].secret);
			problem(&l, hint, "grant '%s': secret %s (for %s) is not in the vault", g->name,
				g->secrets[j].secret, g->secrets[j].env);
		}
	}
	vault_close(v);
	return out->problems;
}

void config_lint_write(FILE *out, const struct config_lint *res)
{
	if (res->secrets_wanted && !res->secrets_checked)
		fprintf(out, "secrets: check skipped: %s\n", res->skipped);
	else if (res->secrets_checked)
		fprintf(out, "secrets: %d of %d named by grants in the vault\n",
			res->nsecrets - res->missing, res->nsecrets);
	if (res->problems)
		fprintf(out, "%d problem%s found\n", res->problems, res->problems == 1 ? "" : "s");
}
