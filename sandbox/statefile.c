/* SPDX-License-Identifier: ISC */
/* State files of the agent that it replaces by rename in $HOME (Claude
 * Code's ~/.claude.json): a bind could not be replaced, so the file is
 * copied into the home view at start, and at exit, when the agent changed
 * it, written back through a detached copy of its real directory's mount
 * taken before the root was made read-only; ~/.claude.json without the
 * session's changes to the keys that start programs (claudecfg.c). */
#include "sandbox/statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
#include "common/util.h"
#include "sandbox/claudecfg.h"
#include "sandbox/mount.h"

int sandbox_states_add(struct sandbox_states *s, const char *path, const char *src)
{
	if (array_grow(&s->f, &s->cap, s->n + 1, sizeof(*s->f), 4) < 0) {
		errno = ENOMEM;
		return -1;
	}
	struct sandbox_state_file *c = &s->f[s->n];
	*c = (struct sandbox_state_file){ .path = path, .dirfd = -1 };
	char dir[PATH_MAX];
	if (xsnprintf(dir, sizeof(dir), "%s", src) < 0)
		return -1;
	char *sl = strrchr(dir, '/');
	if (!sl)
		return -1;
	*sl = '\0';
	c->name = src + (sl - dir) + 1;
	/* writing the file back goes through this copy of its directory */
	c->dirfd = sandbox_mount_clone(sl == dir ? "/" : dir, false);
	if (c->dirfd < 0)
		return -1;
	s->n++;
	int r = file_read_all(src, SANDBOX_STATE_MAX_BYTES, false, &c->orig, &c->olen);
	return r == 0 || r == HUSH_ENOENT ? 0 : -1;
}

int sandbox_states_copy_in(const struct sandbox_states *s, size_t i)
{
	const struct sandbox_state_file *c = &s->f[i];
	if (!c->orig)
		return 0;
	if (sandbox_mount_ensure_point(c->path, false) != 0)
		return -1;
	int fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int r = write_all(fd, c->orig, c->olen);
	close(fd);
	return r;
}

/* What goes back for state file c: now[nlen] itself, or for Claude Code's
 * ~/.claude.json that with the keys that start programs set back (a note
 * says which); NULL when nothing does. */
static char *filtered(const struct sandbox_state_file *c, char *now, size_t nlen, size_t *outlen,
		      const struct sandbox_notes *n)
{
	*outlen = nlen;
	if (strncmp(c->name, ".claude.json", 12) != 0)
		return now;
	struct strv kept = { 0 };
	char *out = NULL;
	int r = sandbox_claude_state_keep(c->orig, c->olen, now, nlen, &out, outlen, &kept);
	free(now);
	if (r == HUSH_EFORMAT)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: not written back: %s: it %s not JSON "
			     "(the session's changes to it are dropped)", c->path,
			     c->orig ? "is, or was at the start," : "is");
	else if (r < 0)
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: not written back: %s: %s", c->path,
			     hush_strerror(r));
	if (r == 0 && kept.n) {
		char *list = NULL;
		size_t ll = 0;
		for (size_t i = 0; i < kept.n; i++)
			str_appendf(&list, &ll, "%s%s", i ? ", " : "", kept.v[i]);
		sandbox_note(n, SANDBOX_NOTE_WARN, "sandbox: %s: kept the values from before the "
			     "session of %s (they start programs when Claude Code starts outside the "
			     "sandbox, unasked)", c->path, list ? list : "them");
		free(list);
	}
	strv_free(&kept);
	return r == 0 ? out : NULL;
}

void sandbox_states_copy_out(const struct sandbox_states *s, const struct sandbox_notes *n)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct sandbox_state_file *c = &s->f[i];
		char *now = NULL;
		size_t nlen = 0;
		if (file_read_all(c->path, SANDBOX_STATE_MAX_BYTES, false, &now, &nlen) != 0)
			continue;
		if (c->orig && nlen == c->olen && memcmp(now, c->orig, nlen) == 0) {
			free(now);
			continue;
		}
		if (!(now = filtered(c, now, nlen, &nlen, n)))
			continue;
		/* a temporary name, then rename */
		char tmp[NAME_MAX + 1];
		snprintf(tmp, sizeof(tmp), ".%.200s.hush-%d", c->name, (int)getpid());
		int out = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (out >= 0) {
			bool okw = write_all(out, now, nlen) == 0 && fsync(out) == 0;
			close(out);
			if (!okw || renameat(c->dirfd, tmp, c->dirfd, c->name) != 0)
				unlinkat(c->dirfd, tmp, 0);
		}
		free(now);
	}
}
