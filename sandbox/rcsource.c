/* SPDX-License-Identifier: ISC */
/* What the shell startup files source. ~/.bashrc is never writable, but a
 * file it sources with ". ~/dotfiles/aliases.sh" (or "source ...") runs in
 * the human's next shell just the same: those files join the
 * never-writable list. The same for what a direnv .envrc loads or puts on
 * PATH. Literal paths only (~, $HOME and ${HOME} expanded);
 * a path built at run time is not followed. Bounded: three levels deep,
 * SANDBOX_RC_MAX files. */
#include "sandbox/rcsource.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"
#include "sandbox/policy.h"

#define RC_MAX_BYTES (1024 * 1024)
#define RC_DEPTH 3

/* word (quotes stripped) as an absolute path in out[n]: ~/, $HOME/ and
 * ${HOME}/ expanded, relative to dir otherwise; false for anything with
 * other expansions in it. */
static bool expand(const char *word, const char *home, const char *dir, char *out, size_t n)
{
	char w[PATH_MAX];
	size_t l = strlen(word);
	if (l >= sizeof(w) || l == 0)
		return false;
	memcpy(w, word, l + 1);
	if ((w[0] == '"' || w[0] == '\'') && l >= 2 && w[l - 1] == w[0]) {
		w[l - 1] = '\0';
		memmove(w, w + 1, l - 1);
	}
	const char *rest = NULL;
	if (!strncmp(w, "~/", 2))
		rest = w + 1;
	else if (!strncmp(w, "$HOME/", 6))
		rest = w + 5;
	else if (!strncmp(w, "${HOME}/", 8))
		rest = w + 7;
	if (strpbrk(rest ? rest : w, "$`*?[(){}<>|&;"))
		return false;
	/* "." and ".." resolved: the result may become a never-writable entry */
	if (rest)
		return sandbox_path_join(home, rest + 1, out, n) == 0;
	return sandbox_path_join(dir, w, out, n) == 0;
}

/* The commands that name a file the shell runs, or a directory put on
 * PATH: the word at arg (1 = the first after the command), dflt when that
 * is missing (NULL: nothing then). src: a file it runs, followed further. */
struct rc_cmd {
	const char *name;
	unsigned arg;
	const char *dflt;
	bool src;
};
static const struct rc_cmd shell_cmds[] = {
	{ "source", 1, NULL, true }, { ".", 1, NULL, true }, { NULL, 0, NULL, false },
};
/* direnv's stdlib (direnv-stdlib(1)): what an approved .envrc loads or
 * puts on PATH runs in the human's shell at the next cd or prompt */
static const struct rc_cmd envrc_cmds[] = {
	{ "source", 1, NULL, true },        { ".", 1, NULL, true },
	{ "source_env", 1, NULL, true },    { "source_env_if_exists", 1, NULL, true },
	{ "dotenv", 1, ".env", false },     { "dotenv_if_exists", 1, ".env", false },
	{ "PATH_add", 1, NULL, false },     { "path_add", 2, NULL, false },
	{ "use", 0, NULL, false },          { "layout", 0, NULL, false },
	{ NULL, 0, NULL, false },
};
/* what "use nix", "use flake" and "layout ..." evaluate or put on PATH */
static const char *const envrc_env_files[] = { "flake.nix", "flake.lock", "shell.nix",
					       "default.nix", ".direnv" };

struct scan {
	const char *home;
	const struct rc_cmd *cmds;
	bool missing; /* paths that do not exist count too */
	struct strv *out;
};

static int scan_file(const struct scan *sc, const char *file, unsigned depth);

/* One command's path (word, or the command's default) in dir. */
static int named(const struct scan *sc, const struct rc_cmd *c, const char *word, const char *dir,
		 unsigned depth)
{
	int r = 0;
	if (c->arg == 0) {
		/* use / layout: the environment files next to the .envrc */
		for (size_t i = 0; r == 0 && i < ARRAY_LEN(envrc_env_files); i++) {
			char p[PATH_MAX];
			if (xsnprintf(p, sizeof(p), "%s/%s", dir, envrc_env_files[i]) == 0)
				r = strv_push_unique(sc->out, p);
		}
		return r;
	}
	char p[PATH_MAX], real[PATH_MAX];
	if (!word || !expand(word, sc->home, dir, p, sizeof(p)))
		return 0;
	struct stat st;
	bool there = stat(p, &st) == 0;
	if (there && S_ISDIR(st.st_mode) && c->src && sc->cmds == envrc_cmds) {
		/* source_env DIR: DIR/.envrc */
		size_t l = strlen(p);
		if (xsnprintf(p + l, sizeof(p) - l, "/.envrc") < 0)
			return 0;
		there = stat(p, &st) == 0;
	}
	if (there && c->src && S_ISREG(st.st_mode) && realpath(p, real)) {
		if (strv_has(sc->out, real))
			return 0;
		r = strv_push(sc->out, real);
		return r ? r : scan_file(sc, real, depth + 1);
	}
	if (sc->missing && (!there || !c->src))
		return strv_push_unique(sc->out, p);
	return 0;
}

static int scan_file(const struct scan *sc, const char *file, unsigned depth)
{
	char *text = NULL;
	size_t len = 0;
	if (depth > RC_DEPTH || sc->out->n >= SANDBOX_RC_MAX ||
	    file_read_all(file, RC_MAX_BYTES, true, &text, &len) != 0)
		return 0;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", file);
	char *sl = strrchr(dir, '/');
	if (sl && sl != dir)
		*sl = '\0';
	int r = 0;
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && r == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		if (hash && (hash == line || hash[-1] == ' ' || hash[-1] == '\t'))
			*hash = '\0';
		/* every such command on the line (after ;, &&, ||, then) */
		char *save2 = NULL;
		bool want = true;
		for (char *t = strtok_r(line, " \t", &save2); t && r == 0; t = strtok_r(NULL, " \t", &save2)) {
			const struct rc_cmd *c = sc->cmds;
			while (want && c->name && strcmp(t, c->name))
				c++;
			if (want && c->name) {
				char *arg = NULL;
				bool end = false; /* a ";" ended the command */
				for (unsigned a = 0; a < c->arg && !end && (arg = strtok_r(NULL, " \t", &save2)); a++) {
					size_t al = strlen(arg);
					if ((end = al && arg[al - 1] == ';'))
						arg[al - 1] = '\0';
				}
				r = named(sc, c, arg && arg[0] ? arg : c->dflt, dir, depth);
				want = end;
				continue;
			}
			size_t tl = strlen(t);
			want = !strcmp(t, "&&") || !strcmp(t, "||") || !strcmp(t, "then") ||
			       !strcmp(t, "do") || !strcmp(t, "else") || !strcmp(t, "{") ||
			       (tl && (t[tl - 1] == ';' || t[tl - 1] == '&' || t[tl - 1] == ']'));
		}
	}
	free(text);
	return r;
}

int sandbox_rc_sourced(const char *rcfile, const char *home, struct strv *out)
{
	const struct scan sc = { home, shell_cmds, false, out };
	return scan_file(&sc, rcfile, 1);
}

int sandbox_envrc_named(const char *envrc, const char *home, struct strv *out)
{
	const struct scan sc = { home, envrc_cmds, true, out };
	return scan_file(&sc, envrc, 1);
}
