/* SPDX-License-Identifier: ISC */
/* Git config files as git-config(1) reads them, parsed as untrusted bytes
 * (a file an earlier agent may have written), and the variables in them
 * that make git run a program, load other config or pick a driver. */
#include "sandbox/gitconfig.h"

#include <stdio.h>
#include <string.h>

#include "common/util.h"

struct cfg_lex {
	const char *p, *end;
};

static int lx_peek(const struct cfg_lex *l)
{
	return l->p < l->end ? (unsigned char)*l->p : -1;
}

static bool is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static void skip_blank(struct cfg_lex *l)
{
	while (l->p < l->end && (*l->p == ' ' || *l->p == '\t'))
		l->p++;
}

static void skip_line(struct cfg_lex *l)
{
	while (l->p < l->end && *l->p != '\n')
		l->p++;
}

#define CFG_NAME_MAX 256

/* "[section]", "[section \"sub\"]" or the old "[section.sub]". */
static int parse_header(struct cfg_lex *l, char *sec, char *sub, bool *has_sub)
{
	size_t i = 0;
	l->p++; /* '[' */
	*has_sub = false;
	while (l->p < l->end && (is_alnum(*l->p) || *l->p == '-' || *l->p == '.')) {
		if (i + 1 >= CFG_NAME_MAX)
			return HUSH_EFORMAT;
		sec[i++] = (char)lower(*l->p++);
	}
	sec[i] = '\0';
	if (i == 0)
		return HUSH_EFORMAT;
	char *dot = strchr(sec, '.');
	if (dot == sec)
		return HUSH_EFORMAT; /* no section name */
	if (dot) { /* [section.sub]: the subsection is lower-cased by git */
		*dot = '\0';
		snprintf(sub, CFG_NAME_MAX, "%s", dot + 1);
		*has_sub = true;
	}
	skip_blank(l);
	if (lx_peek(l) == '"') {
		if (dot)
			return HUSH_EFORMAT;
		l->p++;
		size_t j = 0;
		for (;;) {
			int c = lx_peek(l);
			if (c < 0 || c == '\n' || c == '\0')
				return HUSH_EFORMAT;
			l->p++;
			if (c == '"')
				break;
			if (c == '\\') {
				c = lx_peek(l);
				if (c < 0 || c == '\n' || c == '\0')
					return HUSH_EFORMAT;
				l->p++;
			}
			if (j + 1 >= CFG_NAME_MAX)
				return HUSH_EFORMAT;
			sub[j++] = (char)c;
		}
		sub[j] = '\0';
		*has_sub = true;
	}
	if (lx_peek(l) != ']')
		return HUSH_EFORMAT;
	l->p++;
	return 0;
}

/* A value up to the end of its (possibly continued) line; quotes, escapes,
 * comments as git-config(1). Copies at most CFG_NAME_MAX-1 bytes. */
static int parse_value(struct cfg_lex *l, char *val)
{
	size_t j = 0;
	bool quoted = false;
	skip_blank(l);
	for (;;) {
		int c = lx_peek(l);
		if (c < 0 || (c == '\n' && !quoted))
			break;
		if (c == '\n' || c == '\0')
			return HUSH_EFORMAT; /* newline inside quotes */
		l->p++;
		if (!quoted && (c == '#' || c == ';')) {
			skip_line(l);
			break;
		}
		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (c == '\\') {
			c = lx_peek(l);
			if (c < 0)
				return HUSH_EFORMAT;
			l->p++;
			if (c == '\n')
				continue; /* continuation */
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'b')
				c = '\b';
			else if (c != '\\' && c != '"')
				return HUSH_EFORMAT;
		}
		if (j + 1 < CFG_NAME_MAX)
			val[j++] = (char)c;
	}
	if (quoted)
		return HUSH_EFORMAT;
	while (j && (val[j - 1] == ' ' || val[j - 1] == '\t'))
		j--; /* unquoted trailing blanks (approximation: quoted ones too) */
	val[j] = '\0';
	return 0;
}

int sandbox_git_config_parse(const char *buf, size_t len, sandbox_git_config_fn fn, void *ctx)
{
	struct cfg_lex l = { buf, buf + len };
	char sec[CFG_NAME_MAX] = "", sub[CFG_NAME_MAX] = "", key[CFG_NAME_MAX], val[CFG_NAME_MAX];
	bool has_sec = false, has_sub = false;
	/* a UTF-8 byte order mark is skipped, as git does */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		l.p += 3;
	while (l.p < l.end) {
		int c = lx_peek(&l);
		if (c == '\n' || c == ' ' || c == '\t' || c == '\r') {
			l.p++;
			continue;
		}
		if (c == '#' || c == ';') {
			skip_line(&l);
			continue;
		}
		if (c == '[') {
			if (parse_header(&l, sec, sub, &has_sub) != 0)
				return HUSH_EFORMAT;
			has_sec = true;
			continue; /* a key may follow on the same line */
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) || !has_sec)
			return HUSH_EFORMAT;
		size_t i = 0;
		while (l.p < l.end && (is_alnum(*l.p) || *l.p == '-')) {
			if (i + 1 >= CFG_NAME_MAX)
				return HUSH_EFORMAT;
			key[i++] = (char)lower(*l.p++);
		}
		key[i] = '\0';
		skip_blank(&l);
		const char *value = NULL;
		c = lx_peek(&l);
		if (c == '=') {
			l.p++;
			if (parse_value(&l, val) != 0)
				return HUSH_EFORMAT;
			value = val;
		} else if (c == '#' || c == ';') {
			skip_line(&l);
		} else if (c == '\r') {
			l.p++;
		} else if (c >= 0 && c != '\n') {
			return HUSH_EFORMAT;
		}
		int r = fn(ctx, sec, has_sub ? sub : NULL, key, value);
		if (r)
			return r;
	}
	return 0;
}

/* Variables that make git run a program, pull in other config, or pick a
 * driver: section (lower case), subsection required ('s'), forbidden ('-')
 * or either ('*'), key ("" = any key in the section). */
static const struct {
	const char *section;
	char sub;
	const char *key;
} code_keys[] = {
	{ "core", '-', "fsmonitor" },     { "core", '-', "pager" },
	{ "core", '-', "editor" },        { "core", '-', "sshcommand" },
	{ "core", '-', "hookspath" },     { "core", '-', "askpass" },
	{ "core", '-', "gitproxy" },      { "core", '-', "alternaterefscommand" },
	{ "core", '-', "worktree" },      { "alias", '*', "" },
	{ "filter", '*', "" },            { "include", '*', "" },
	{ "includeif", '*', "" },         { "credential", '*', "" },
	{ "pager", '*', "" },             { "diff", '-', "external" },
	{ "diff", 's', "textconv" },      { "diff", 's', "command" },
	{ "merge", 's', "driver" },       { "difftool", '*', "" },
	{ "mergetool", '*', "" },         { "sequence", '*', "editor" },
	{ "gpg", '*', "" },               { "uploadpack", '*', "packobjectshook" },
	{ "remote", 's', "uploadpack" },  { "remote", 's', "receivepack" },
	{ "remote", 's', "vcs" },         { "submodule", 's', "update" },
	{ "protocol", '*', "allow" },     { "web", '-', "browser" },
	{ "browser", 's', "cmd" },        { "browser", 's', "path" },
	{ "man", 's', "cmd" },            { "man", 's', "path" },
	{ "guitool", 's', "cmd" },        { "interactive", '-', "difffilter" },
	{ "sendemail", '*', "" },         { "imap", '*', "tunnel" },
	{ "tar", 's', "command" },        { "trailer", 's', "command" },
	{ "trailer", 's', "cmd" },        { "lfs", '*', "" },
	{ "ssh", '-', "variant" },        { "extensions", '-', "worktreeconfig" },
	/* a proxy that sees the human's credentials (with sslVerify off) */
	{ "remote", 's', "proxy" },       { "http", '*', "" },
	{ "init", '-', "templatedir" },
	{ "core", '-', "attributesfile" }, { "extensions", '-', "partialclone" },
};

bool sandbox_git_key_runs_code(const char *section, const char *sub, const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(code_keys); i++) {
		if (strcmp(section, code_keys[i].section) != 0)
			continue;
		if ((code_keys[i].sub == 's' && !sub) || (code_keys[i].sub == '-' && sub))
			continue;
		if (!code_keys[i].key[0] || !strcmp(key, code_keys[i].key))
			return true;
	}
	return false;
}

struct risky_ctx {
	char *key;
	size_t n;
};

static int risky_cb(void *ctx, const char *section, const char *sub, const char *key,
		    const char *value)
{
	(void)value;
	struct risky_ctx *r = ctx;
	if (!sandbox_git_key_runs_code(section, sub, key))
		return 0;
	if (r->n)
		snprintf(r->key, r->n, "%s.%s", section, key);
	return 1;
}

int sandbox_git_config_risky(const char *buf, size_t len, char *key, size_t n)
{
	struct risky_ctx r = { key, n };
	int v = sandbox_git_config_parse(buf, len, risky_cb, &r);
	if (v == 1)
		return 1;
	if (v < 0) {
		if (n)
			snprintf(key, n, "(unparsable config)");
		return 1;
	}
	return 0;
}
