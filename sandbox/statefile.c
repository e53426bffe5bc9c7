/* SPDX-License-Identifier: ISC */
/* State files of the agent that it replaces by rename in $HOME (Claude
 * Code's ~/.claude.json): a bind could not be replaced, so the file is
 * copied into the home view at start, and at exit, when the agent changed
 * it, written back through a detached copy of its real directory's mount
 * taken before the root was made read-only. */
#include "sandbox/statefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/mount.h"

int sandbox_states_add(struct sandbox_states *s, const char *path, const char *src)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4;
		struct sandbox_state_file *f = realloc(s->f, cap * sizeof(*f));
		if (!f) {
			errno = ENOMEM;
			return -1;
		}
		s->f = f;
		s->cap = cap;
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

void sandbox_states_copy_out(const struct sandbox_states *s)
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
