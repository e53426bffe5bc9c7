/* SPDX-License-Identifier: ISC */
/* A session's journal: what the end of a hush sandbox session needs (the
 * index snapshot, the never-writable state, the directory modes), written
 * into hush's data directory before the agent starts and removed once the
 * session's sweep has run. A hush sandbox that was killed (SIGKILL, a lost
 * machine) leaves its journal behind; the next one finds it, sees that the
 * process that wrote it is gone, and runs that sweep.
 *
 * A journal is a sequence of records, each a tag and a value, both
 * NUL-terminated strings (paths hold no NUL). The data directory is masked
 * inside every sandbox and private to the user, so no agent wrote it; it is
 * still read with caps and every record checked.
 *
 * A file is named after the process that owns it: "<boot id>-<pid>-<start
 * time>.journal" (the start time in clock ticks since boot, from
 * /proc/<pid>/stat), so that a reused pid or a reboot is not taken for the
 * owner still running. */
#include "sandbox/journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "common/util.h"

#define JOURNAL_SUFFIX ".journal"

static void put_raw(struct sandbox_journal *j, const char *s, size_t l)
{
	if (j->error)
		return;
	if (j->len + l + 1 > SANDBOX_JOURNAL_MAX) {
		j->error = HUSH_ETOOBIG;
		return;
	}
	if ((j->error = array_grow(&j->buf, &j->cap, j->len + l + 1, 1, 4096)) < 0)
		return;
	memcpy(j->buf + j->len, s, l);
	j->buf[j->len + l] = '\0';
	j->len += l + 1;
}

void sandbox_journal_put(struct sandbox_journal *j, const char *tag, const char *fmt, ...)
{
	char val[2 * PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= sizeof(val)) {
		if (!j->error)
			j->error = HUSH_ETOOBIG;
		return;
	}
	put_raw(j, tag, strlen(tag));
	put_raw(j, val, (size_t)w);
}

void sandbox_journal_put_strv(struct sandbox_journal *j, const char *tag, const struct strv *v)
{
	for (size_t i = 0; v && i < v->n; i++)
		sandbox_journal_put(j, tag, "%s", v->v[i]);
}

int sandbox_journal_next(const char *buf, size_t len, size_t *off, const char **tag,
			 const char **val)
{
	if (*off >= len)
		return 0;
	const char *t = buf + *off;
	const char *tnul = memchr(t, '\0', len - *off);
	if (!tnul || tnul == t)
		return HUSH_EFORMAT;
	const char *v = tnul + 1;
	const char *vnul = v < buf + len ? memchr(v, '\0', (size_t)(buf + len - v)) : NULL;
	if (!vnul)
		return HUSH_EFORMAT;
	*tag = t;
	*val = v;
	*off = (size_t)(vnul + 1 - buf);
	return 1;
}

void sandbox_journal_free(struct sandbox_journal *j)
{
	free(j->buf);
	*j = (struct sandbox_journal){ 0 };
}

/* ---- who owns a journal ---- */

/* A /proc file into buf[n] (NUL-terminated; its size shows as 0, so
 * file_read_all does not do). Bytes read, or -1. */
static ssize_t read_proc(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t got = read_full(fd, buf, n - 1);
	close(fd);
	buf[got < 0 ? 0 : got] = '\0';
	return got;
}

/* This boot's id (a UUID), or "noboot" when the kernel does not tell. */
static void boot_id(char *out, size_t n)
{
	char b[64];
	ssize_t got = read_proc("/proc/sys/kernel/random/boot_id", b, sizeof(b));
	size_t len = got > 0 ? strcspn(b, "\n") : 0;
	if (len == 0 || len >= n || strspn(b, "0123456789abcdef-") < len)
		snprintf(out, n, "noboot");
	else
		snprintf(out, n, "%.*s", (int)len, b);
}

/* The start time of process pid (field 22 of /proc/pid/stat), or 0 when
 * it does not exist. */
static unsigned long long start_time(long pid)
{
	char p[64], b[1024];
	snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
	if (read_proc(p, b, sizeof(b)) <= 0)
		return 0;
	/* the command name (field 2) may hold spaces and parentheses: the
	 * fields after it follow the last ')' */
	char *s = strrchr(b, ')');
	for (int field = 2; s && field < 22; field++)
		s = strchr(s + 1, ' ');
	return s ? strtoull(s + 1, NULL, 10) : 0;
}

/* "<boot id>-<pid>-<start time>" of this process. */
static int self_id(char *out, size_t n)
{
	char boot[64];
	boot_id(boot, sizeof(boot));
	long pid = (long)getpid();
	return xsnprintf(out, n, "%s-%ld-%llu", boot, pid, start_time(pid));
}

/* True when the process named by a file name's owner part is gone: it ran
 * in another boot, or no process with that pid and start time exists. */
static bool owner_gone(const char *name, const char *boot)
{
	size_t bl = strlen(boot);
	if (strncmp(name, boot, bl) != 0 || name[bl] != '-')
		return true;
	char *end;
	long pid = strtol(name + bl + 1, &end, 10);
	if (pid <= 0 || *end != '-')
		return true; /* not a name hush makes: nobody owns it */
	unsigned long long t = strtoull(end + 1, &end, 10), now = start_time(pid);
	return *end != '.' || now == 0 || now != t;
}

int sandbox_journal_write(const struct sandbox_journal *j, const char *dir, char *path, size_t n)
{
	if (j->error)
		return j->error;
	char id[128], tmp[PATH_MAX];
	if (path_ensure_private_dir(dir) < 0 || self_id(id, sizeof(id)) < 0)
		return HUSH_EIO;
	if (xsnprintf(path, n, "%s/%s" JOURNAL_SUFFIX, dir, id) < 0 ||
	    xsnprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, id) < 0)
		return HUSH_ETOOBIG;
	/* written whole under another name, then renamed: a journal is never
	 * read half-written (a cut-short list of what the index tracked would
	 * make the sweep remove the rest). Not fsync'ed: what a killed process
	 * wrote stays in the page cache, and a crash of the machine also ends
	 * the session's agent, whose leftovers the journal is for. */
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return HUSH_EIO;
	int r = write_all(fd, j->buf ? j->buf : "", j->len) == 0 ? 0 : HUSH_EIO;
	if (close(fd) != 0 || (r == 0 && rename(tmp, path) != 0))
		r = HUSH_EIO;
	if (r < 0)
		unlink(tmp);
	return r;
}

/* True for "<id>.journal" and, claimed, "<id>.journal.<n>". */
static bool journal_name(const char *name)
{
	const char *s = strstr(name, JOURNAL_SUFFIX);
	if (!s || s == name)
		return false;
	s += strlen(JOURNAL_SUFFIX);
	return !*s || (*s == '.' && s[1] && strspn(s + 1, "0123456789") == strlen(s + 1));
}

int sandbox_journal_orphans(const char *dir, struct strv *out)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : HUSH_EIO;
	char boot[64], id[128];
	boot_id(boot, sizeof(boot));
	if (self_id(id, sizeof(id)) < 0) {
		closedir(d);
		return HUSH_ETOOBIG;
	}
	int r = 0;
	unsigned k = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		size_t nl = strlen(e->d_name);
		if (e->d_name[0] == '.' || !owner_gone(e->d_name, boot))
			continue;
		if (nl > 4 && !strcmp(e->d_name + nl - 4, ".tmp")) {
			unlinkat(dirfd(d), e->d_name, 0); /* its writer was killed */
			continue;
		}
		if (!journal_name(e->d_name))
			continue;
		/* claimed by a rename to this process's name: of two hush
		 * sandbox starting at once, one gets it */
		char from[PATH_MAX], to[PATH_MAX];
		if (xsnprintf(from, sizeof(from), "%s/%s", dir, e->d_name) < 0 ||
		    xsnprintf(to, sizeof(to), "%s/%s" JOURNAL_SUFFIX ".%u", dir, id, ++k) < 0)
			continue;
		if (rename(from, to) == 0)
			r = strv_push(out, to);
	}
	closedir(d);
	return r;
}
