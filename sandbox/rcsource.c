/* SPDX-License-Identifier: ISC */
/* What the shell startup files source. ~/.bashrc is never writable, but a
 * file it sources with ". ~/dotfiles/aliases.sh" (or "source ...") runs in
 * the human's next shell just the same: those files join the
 * never-writable list. Literal paths only (~, $HOME and ${HOME} expanded);
 * a path built at run time is not followed. Bounded: three levels deep,
 * SANDBOX_RC_MAX files. */
#include "sandbox/rcsource.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/util.h"

#define RC_MAX_BYTES (1024 * 1024)
#define RC_DEPTH 3

static bool is_regular(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

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
	if (rest)
		return xsnprintf(out, n, "%s%s", home, rest) == 0;
	if (w[0] == '/')
		return xsnprintf(out, n, "%s", w) == 0;
	return xsnprintf(out, n, "%s/%s", dir, w) == 0;
}

static int scan_file(const char *file, const char *home, unsigned depth, struct strv *out)
{
	char *text = NULL;
	size_t len = 0;
	if (depth > RC_DEPTH || out->n >= SANDBOX_RC_MAX ||
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
		/* every "source X" or ". X" command on the line (after ;, &&, ||, then) */
		char *save2 = NULL;
		bool want = true;
		for (char *t = strtok_r(line, " \t", &save2); t && r == 0; t = strtok_r(NULL, " \t", &save2)) {
			if (want && (!strcmp(t, "source") || !strcmp(t, "."))) {
				char *arg = strtok_r(NULL, " \t;", &save2);
				char p[PATH_MAX], real[PATH_MAX];
				if (arg && expand(arg, home, dir, p, sizeof(p)) && is_regular(p) &&
				    realpath(p, real) && !strv_has(out, real)) {
					r = strv_push(out, real);
					if (r == 0)
						r = scan_file(real, home, depth + 1, out);
				}
				want = false;
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
	return scan_file(rcfile, home, 1, out);
}
