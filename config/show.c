/* SPDX-License-Identifier: ISC */
/* The configured grants as hush grant list shows them: readable text, or
 * one JSON array. The config holds secret names, never values, so all of
 * it may be shown. */
#include "config/show.h"

#include <stdbool.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"

/* A token as it would be written in args: quoted when it has spaces,
 * quotes or is empty. */
static void print_token(FILE *f, const char *t)
{
	bool plain = *t != 0;
	for (const char *c = t; *c; c++)
		if (*c == ' ' || *c == '\t' || *c == '\'' || *c == '"' || *c == ';' || *c == '#')
			plain = false;
	if (plain) {
		fputs(t, f);
	} else if (!strchr(t, '\'')) {
		fprintf(f, "'%s'", t);
	} else {
		fputc('"', f);
		for (const char *c = t; *c; c++) {
			if (*c == '"' || *c == '\\')
				fputc('\\', f);
			fputc(*c, f);
		}
		fputc('"', f);
	}
}

static const char *ui_name(enum confirm_ui u)
{
	switch (u) {
	case CONFIRM_UI_DESKTOP: return "desktop";
	case CONFIRM_UI_TERMINAL: return "terminal";
	case CONFIRM_UI_COMMAND: return "command";
	case CONFIRM_UI_NONE: return "none";
	case CONFIRM_UI_DEFAULT: break;
	}
	return "default";
}

/* The UI a grant uses, with the broker default resolved. */
static enum confirm_ui grant_ui(const struct config *cfg, const struct grant *g,
				const char **command)
{
	if (g->ui != CONFIRM_UI_DEFAULT) {
		*command = g->confirm_command;
		return g->ui;
	}
	*command = cfg->confirm_command;
	return cfg->confirm;
}

void config_show_grants_json(FILE *f, const struct config *cfg)
{
	fprintf(f, "[");
	for (size_t i = 0; i < cfg->ngrants; i++) {
		const struct grant *g = &cfg->grants[i];
		const char *uicmd;
		enum confirm_ui ui = grant_ui(cfg, g, &uicmd);
		fprintf(f, "%s\n  {\"name\": ", i ? "," : "");
		json_write_str(f, g->name);
		fprintf(f, ", \"command\": ");
		json_write_str(f, g->command);
		fprintf(f, ", \"sha256\": ");
		json_write_str(f, g->sha256);
		fprintf(f, ", \"args\": [");
		for (size_t a = 0; a < g->nargs; a++) {
			fprintf(f, "%s[", a ? ", " : "");
			for (size_t t = 0; t < g->args[a].n; t++) {
				if (t)
					fprintf(f, ", ");
				json_write_str(f, g->args[a].v[t]);
			}
			fprintf(f, "]");
		}
		fprintf(f, "], \"cwd\": ");
		json_write_str(f, g->cwd);
		fprintf(f, ", \"secrets\": [");
		for (size_t s = 0; s < g->nsecrets; s++) {
			fprintf(f, "%s{\"env\": ", s ? ", " : "");
			json_write_str(f, g->secrets[s].env);
			fprintf(f, ", \"secret\": ");
			json_write_str(f, g->secrets[s].secret);
			fprintf(f, "}");
		}
		fprintf(f, "], \"confirm\": \"%s\", \"ui\": \"%s\", \"ui_command\": ",
		       config_policy_name(g->policy), ui_name(ui));
		json_write_str(f, ui == CONFIRM_UI_COMMAND ? uicmd : NULL);
		fprintf(f, ", \"ttl\": %llu, \"allow_no_mask\": %s, \"ssh_agent\": %s, \"path\": ",
		       (unsigned long long)(g->ttl ? g->ttl : cfg->approval_ttl),
		       g->allow_no_mask ? "true" : "false", g->ssh_agent ? "true" : "false");
		json_write_str(f, g->path);
		fprintf(f, ", \"env_keep\": [");
		for (size_t e = 0; e < g->env_keep.n; e++) {
			if (e)
				fprintf(f, ", ");
			json_write_str(f, g->env_keep.v[e]);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "%s]\n", cfg->ngrants ? "\n" : "");
}

void config_show_grants(FILE *f, const struct config *cfg)
{
	for (size_t i = 0; i < cfg->ngrants; i++) {
		const struct grant *g = &cfg->grants[i];
		if (i)
			fprintf(f, "\n");
		fprintf(f, "%s\n", g->name);
		fprintf(f, "  command  %s%s\n", g->command, g->sha256 ? " (sha256 pinned)" : "");
		if (g->nargs == 0)
			fprintf(f, "  args     (any)\n");
		for (size_t a = 0; a < g->nargs; a++) {
			fprintf(f, "  %s", a ? "         " : "args     ");
			if (g->args[a].n == 0)
				fprintf(f, "(none)");
			for (size_t t = 0; t < g->args[a].n; t++) {
				if (t)
					fputc(' ', f);
				print_token(f, g->args[a].v[t]);
			}
			fprintf(f, "\n");
		}
		fprintf(f, "  cwd      %s\n", g->cwd ? g->cwd : "(any)");
		if (g->nsecrets == 0)
			fprintf(f, "  secrets  (none)\n");
		for (size_t s = 0; s < g->nsecrets; s++)
			fprintf(f, "  %s%s <- %s\n", s ? "         " : "secrets  ", g->secrets[s].env,
			       g->secrets[s].secret);
		const char *uicmd;
		enum confirm_ui ui = grant_ui(cfg, g, &uicmd);
		fprintf(f, "  confirm  %s, via %s%s%s%s\n", config_policy_name(g->policy), ui_name(ui),
		       ui == CONFIRM_UI_COMMAND ? " " : "", ui == CONFIRM_UI_COMMAND ? uicmd : "",
		       g->ui == CONFIRM_UI_DEFAULT ? " (broker default)" : "");
		char ttl[32];
		format_duration(g->ttl ? g->ttl : cfg->approval_ttl, ttl, sizeof(ttl));
		fprintf(f, "  ttl      %s%s\n", ttl, g->ttl ? "" : " (broker default)");
		if (g->allow_no_mask)
			fprintf(f, "  no-mask  allowed\n");
		if (g->ssh_agent)
			fprintf(f, "  ssh      the broker's ssh-agent (SSH_AUTH_SOCK)\n");
		if (g->path)
			fprintf(f, "  path     %s\n", g->path);
		for (size_t e = 0; e < g->env_keep.n; e++)
			fprintf(f, "  %s%s\n", e ? "         " : "env_keep ", g->env_keep.v[e]);
	}
}
