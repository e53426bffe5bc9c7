/* SPDX-License-Identifier: ISC */
/* Claude Code's files that outlive a session. Its settings files are read
 * only inside the sandbox, but the scripts they name (a status line, a
 * hook, an API key helper, ~/.claude/statusline.sh, ...) lie in the
 * writable ~/.claude or the project: rewritten, they run in the human's
 * next claude outside. And ~/.claude.json is state the agent writes, yet
 * its "mcpServers", "env" and helper keys start programs when claude
 * starts, without the approval a project's .mcp.json needs. Every file
 * here is untrusted JSON (common/json.c parses it; fuzz/json.c). */
#include "sandbox/claudecfg.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/array.h"
#include "common/json.h"
#include "common/util.h"
#include "sandbox/policy.h"

static bool in_list(const char *k, const char *const *list, size_t n)
{
	for (size_t i = 0; k && i < n; i++)
		if (!strcmp(k, list[i]))
			return true;
	return false;
}

/* ---- the programs a settings file names ---- */

static const char *const helper_keys[] = {
	"apiKeyHelper", "proxyAuthHelper", "awsAuthRefresh", "awsCredentialExport",
	"gcpAuthRefresh", "otelHeadersHelper",
};

struct named {
	const char *home, *project;
	struct strv *out;
	size_t added;
	int err;
};

/* word (quotes removed) as an absolute, normalized path in out[n]; false
 * when it is no path (no "/") or holds an expansion other than a leading
 * ~, $HOME or $CLAUDE_PROJECT_DIR. */
static bool word_path(const struct named *c, const char *w, char *out, size_t n)
{
	static const struct {
		const char *pre;
		bool project;
	} pre[] = {
		{ "~/", false }, { "$HOME/", false }, { "${HOME}/", false },
		{ "$CLAUDE_PROJECT_DIR/", true }, { "${CLAUDE_PROJECT_DIR}/", true },
	};
	if (!strchr(w, '/'))
		return false;
	char joined[PATH_MAX];
	const char *rest = w;
	for (size_t i = 0; i < ARRAY_LEN(pre); i++) {
		size_t l = strlen(pre[i].pre);
		if (!strncmp(w, pre[i].pre, l)) {
			if (xsnprintf(joined, sizeof(joined), "%s%s", pre[i].project ? c->project : c->home,
				      w + l - 1) < 0)
				return false;
			rest = joined;
			w += l;
			break;
		}
	}
	if (strpbrk(w, "$`"))
		return false;
	return sandbox_path_join(c->project, rest, out, n) == 0;
}

/* A path a command names: one that exists (not a directory), or when it
 * is the program itself (first) one that does not exist yet. */
static void add(struct named *c, const char *p, bool first)
{
	struct stat st;
	bool there = stat(p, &st) == 0;
	if (c->err || c->added >= SANDBOX_CLAUDE_NAMED_MAX || (there && S_ISDIR(st.st_mode)) ||
	    (!there && !first) || strv_has(c->out, p))
		return;
	if (strv_push(c->out, p) != 0)
		c->err = HUSH_ENOMEM;
	c->added++;
}

/* A word at the start of a command that only sets a variable (A=b cmd). */
static bool assignment(const char *w)
{
	size_t n = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
	return n > 0 && w[n] == '=';
}

/* The shell words of cmd, quotes and backslashes removed; each that is a
 * path goes to add(). With env (a variable's value), ':' and '=' split
 * words too and only existing files count. */
static void words(struct named *c, const char *cmd, bool env)
{
	char w[PATH_MAX];
	size_t wl = 0;
	bool first = !env, inword = false, toolong = false, output = false;
	char q = 0;
	for (const char *s = cmd;; s++) {
		char ch = *s;
		bool end = ch == '\0';
		bool quoted = !end && (q || ch == '\'' || ch == '"' || (ch == '\\' && s[1]));
		if (quoted && q && ch == q) {
			q = 0;
			continue;
		}
		if (quoted && !q && ch != '\\') {
			q = ch;
			inword = true;
			continue;
		}
		if (quoted && ch == '\\' && q != '\'' && s[1])
			ch = *++s;
		bool sep = !quoted && (end || ch == ' ' || ch == '\t' || ch == '\n' ||
				       strchr(";|&()<>`", ch) || (env && (ch == ':' || ch == '=')));
		if (!sep) {
			if (wl + 1 < sizeof(w))
				w[wl++] = ch;
			else
				toolong = true;
			inword = true;
			continue;
		}
		if (inword) {
			w[wl] = '\0';
			char p[PATH_MAX];
			if (output)
				output = false; /* a file the command writes, not one it runs */
			else if (first && assignment(w))
				; /* still at the start of the command */
			else {
				if (!toolong && word_path(c, w, p, sizeof(p)))
					add(c, p, first);
				first = false;
			}
			inword = toolong = false;
			wl = 0;
		}
		if (end)
			break;
		if (ch == '>')
			output = true;
		else if (!env && strchr(";|&(`\n", ch))
			first = true;
	}
}

static int named_cb(void *ctx, const struct json_event *e)
{
	struct named *c = ctx;
	if (!e->end || e->type != JSON_STRING || !e->str || e->depth == 0)
		return 0;
	const char *k = e->keys[e->depth - 1];
	const char *parent = e->depth >= 2 ? e->keys[e->depth - 2] : NULL;
	if ((k && !strcmp(k, "command")) || (e->depth == 1 && in_list(k, helper_keys, ARRAY_LEN(helper_keys))))
		words(c, e->str, false);
	else if ((e->depth == 2 && parent && !strcmp(parent, "env")) ||
		 (!k && parent && !strcmp(parent, "args")))
		words(c, e->str, true); /* NODE_OPTIONS, BASH_ENV; a hook's exec arguments */
	return c->err;
}

int sandbox_claude_named(const char *text, size_t len, const char *home, const char *project,
			 struct strv *out)
{
	struct strv found = { 0 };
	struct named c = { .home = home, .project = project, .out = &found };
	int r = json_parse(text, len, named_cb, &c);
	for (size_t i = 0; r == 0 && i < found.n; i++)
		r = strv_push_unique(out, found.v[i]) < 0 ? HUSH_ENOMEM : 0;
	strv_free(&found);
	return r == HUSH_ENOMEM ? r : r < 0 ? HUSH_EFORMAT : 0;
}

/* ---- ~/.claude.json: the keys that start programs keep their values ---- */

static const char *const top_keys[] = {
	"mcpServers", "env", "enabledMcpjsonServers", "enableAllProjectMcpServers",
	"apiKeyHelper", "proxyAuthHelper", "awsAuthRefresh", "awsCredentialExport",
	"gcpAuthRefresh", "otelHeadersHelper",
};
static const char *const project_keys[] = {
	"mcpServers", "enabledMcpjsonServers", "enableAllProjectMcpServers", "allowedTools",
};

/* A guarded member: depth 1 with a top key, or projects.P.KEY. */
static bool guarded(const struct json_event *e)
{
	if (e->depth == 1)
		return in_list(e->keys[0], top_keys, ARRAY_LEN(top_keys));
	return e->depth == 3 && e->keys[0] && !strcmp(e->keys[0], "projects") && e->keys[1] &&
	       in_list(e->keys[2], project_keys, ARRAY_LEN(project_keys));
}

struct gval {
	char *project;   /* NULL: a top key */
	char *key;
	size_t member_start, start, stop;
	bool dead;       /* a later duplicate of it or of a member above it */
};
struct gvals {
	struct gval *v;
	size_t n;
	bool orig;       /* the original text: the last duplicate counts */
	int err;
};

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Does the member the event starts replace the value g was found in? */
static bool replaces(const struct json_event *e, const struct gval *g)
{
	if (e->depth == 1)
		return !strcmp(e->keys[0], g->project ? "projects" : g->key);
	if (!g->project || !e->keys[0] || strcmp(e->keys[0], "projects") || !e->keys[1] ||
	    strcmp(e->keys[1], g->project))
		return false;
	return e->depth == 2 || (e->depth == 3 && same_str(e->keys[2], g->key));
}

static int gvals_cb(void *ctx, const struct json_event *e)
{
	struct gvals *g = ctx;
	if (g->orig && !e->end && e->depth >= 1 && e->depth <= 3 && e->keys[e->depth - 1])
		for (size_t i = 0; i < g->n; i++)
			if (replaces(e, &g->v[i]))
				g->v[i].dead = true;
	if (!e->end || !guarded(e))
		return 0;
	struct gval *v = array_add_one(&g->v, g->n, sizeof(*g->v));
	if (!v)
		return g->err = HUSH_ENOMEM;
	g->n++;
	*v = (struct gval){ .key = strdup(e->keys[e->depth - 1]),
			    .project = e->depth == 3 ? strdup(e->keys[1]) : NULL,
			    .member_start = e->member_start, .start = e->start, .stop = e->stop };
	if (!v->key || (e->depth == 3 && !v->project))
		return g->err = HUSH_ENOMEM;
	return 0;
}

static void gvals_free(struct gvals *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].project);
		free(g->v[i].key);
	}
	free(g->v);
}

static const struct gval *find_orig(const struct gvals *o, const struct gval *want)
{
	for (size_t i = o->n; i-- > 0;)
		if (!o->v[i].dead && same_str(o->v[i].project, want->project) &&
		    !strcmp(o->v[i].key, want->key))
			return &o->v[i];
	return NULL;
}

static int put(char **b, size_t *n, size_t *cap, const char *s, size_t l)
{
	if (*n + l + 1 > *cap) {
		size_t c = (*n + l + 1) * 2;
		char *nb = realloc(*b, c);
		if (!nb)
			return HUSH_ENOMEM;
		*b = nb;
		*cap = c;
	}
	memcpy(*b + *n, s, l);
	*n += l;
	(*b)[*n] = '\0';
	return 0;
}

static bool json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* {}, [], "", false or null: a value that starts nothing (Claude Code
 * writes them as defaults; clearing a value is no harm either). */
static bool starts_nothing(const char *v, size_t n)
{
	static const char *const empty[] = { "{}", "[]", "\"\"", "false", "null" };
	for (size_t i = 0; i < ARRAY_LEN(empty); i++)
		if (json_same(v, n, empty[i], strlen(empty[i])))
			return true;
	return false;
}

int sandbox_claude_state_keep(const char *orig, size_t olen, const char *now, size_t nlen,
			      char **out, size_t *outlen, struct strv *kept)
{
	struct gvals o = { .orig = true }, w = { 0 };
	int r = orig ? json_parse(orig, olen, gvals_cb, &o) : 0;
	if (r == 0)
		r = json_parse(now, nlen, gvals_cb, &w);
	if (o.err || w.err)
		r = HUSH_ENOMEM;
	else if (r < 0 && r != HUSH_ENOMEM)
		r = HUSH_EFORMAT;
	char *b = NULL;
	size_t n = 0, cap = 0, pos = 0;
	/* forward, member by member (they never nest): a value set back is
	 * the original's text; a member cut out takes the comma after it, or,
	 * when it was the last, the one before it from what was written */
	for (size_t i = 0; r == 0 && i < w.n; i++) {
		const struct gval *g = &w.v[i], *was = find_orig(&o, g);
		if (starts_nothing(now + g->start, g->stop - g->start) ||
		    (was && json_same(orig + was->start, was->stop - was->start, now + g->start,
				      g->stop - g->start)))
			continue;
		/* the project's name is the agent's text: shown escaped */
		char name[PATH_MAX + 64], shown[PATH_MAX];
		if (g->project) {
			str_display(g->project, shown, sizeof(shown));
			snprintf(name, sizeof(name), "projects[%s].%s", shown, g->key);
		} else {
			snprintf(name, sizeof(name), "%s", g->key);
		}
		r = strv_push_unique(kept, name) < 0 ? HUSH_ENOMEM : 0;
		if (r == 0 && was) {
			r = put(&b, &n, &cap, now + pos, g->start - pos);
			if (r == 0)
				r = put(&b, &n, &cap, orig + was->start, was->stop - was->start);
			pos = g->stop;
			continue;
		}
		if (r == 0)
			r = put(&b, &n, &cap, now + pos, g->member_start - pos);
		pos = g->stop;
		size_t a = pos;
		while (a < nlen && json_space(now[a]))
			a++;
		if (a < nlen && now[a] == ',') {
			pos = a + 1;
		} else if (r == 0) {
			size_t t = n;
			while (t > 0 && json_space(b[t - 1]))
				t--;
			if (t > 0 && b[t - 1] == ',')
				n = t - 1;
		}
	}
	if (r == 0)
		r = put(&b, &n, &cap, now + pos, nlen - pos);
	gvals_free(&o);
	gvals_free(&w);
	if (r < 0) {
		free(b);
		return r;
	}
	*out = b;
	*outlen = n;
	return 0;
}
