/* SPDX-License-Identifier: ISC */
/* Shared helpers: see util.h. */
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *hush_strerror(int code)
{
	switch (code) {
	case HUSH_OK: return "success";
	case HUSH_ENOMEM: return "out of memory";
	case HUSH_EIO: return "input/output error";
	case HUSH_EINVAL: return "invalid input";
	case HUSH_ENOENT: return "not found";
	case HUSH_EEXIST: return "already exists";
	case HUSH_EAUTH: return "wrong passphrase or key, or the data was modified";
	case HUSH_EFORMAT: return "damaged or not a hush file";
	case HUSH_EVERSION: return "unsupported format version";
	case HUSH_ETOOBIG: return "too large";
	case HUSH_EKEYRING: return "desktop keyring unavailable";
	case HUSH_ELOCKED: return "vault is locked";
	case HUSH_EPERM: return "permission denied";
	case HUSH_EPROTO: return "protocol error";
	case HUSH_EREFUSED: return "refused";
	case HUSH_ETIMEDOUT: return "timed out";
	case HUSH_ECANCELED: return "cancelled";
	case HUSH_EBUSY: return "busy";
	case HUSH_ENAME: return "invalid name";
	case HUSH_ECONFIG: return "configuration error";
	case HUSH_ENOTBROKER: return "the process answering is not the hush broker";
	default: return "unknown error";
	}
}

void util_cleanup_freep(void *p)
{
	void **pp = p;
	free(*pp);
}

void util_cleanup_fdp(int *fd)
{
	if (*fd >= 0) {
		int e = errno;
		close(*fd);
		errno = e;
	}
}

int xsnprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= n)
		return HUSH_ETOOBIG;
	return 0;
}

static bool display_safe(const char *s)
{
	if (!*s)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_@%+=:,./-", *p)))
			return false;
	return true;
}

void str_display(const char *s, char *out, size_t n)
{
	if (n == 0)
		return;
	if (display_safe(s)) {
		if (xsnprintf(out, n, "%s", s) && n > 4)
			memcpy(out + n - 4, "...", 4);
		return;
	}
	if (n < 4) { /* no room even for $'' */
		out[0] = 0;
		return;
	}
	size_t o = 0;
	bool cut = false;
	char esc[8];
	out[o++] = '$';
	out[o++] = '\'';
	for (const unsigned char *p = (const unsigned char *)s; *p && !cut; p++) {
		size_t el;
		if (*p == '\'' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			el = 2;
		} else if (*p == '\n') {
			memcpy(esc, "\\n", 2);
			el = 2;
		} else if (*p == '\t') {
			memcpy(esc, "\\t", 2);
			el = 2;
		} else if (*p < 0x20 || *p >= 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			el = 4;
		} else {
			esc[0] = (char)*p;
			el = 1;
		}
		if (o + el + 2 > n) {
			cut = true;
			break;
		}
		memcpy(out + o, esc, el);
		o += el;
	}
	if (cut) {
		memcpy(out + n - 4, "...", 4);
		return;
	}
	out[o++] = '\'';
	out[o] = 0;
}

/* --- messages --- */

static const char *progname = "hush";

void msg_set_progname(const char *name)
{
	progname = name;
}

const char *msg_progname(void)
{
	return progname;
}

/* "<progname>: <kind><message>", or "hint: <message>" when kind is NULL;
 * then "hint: <hint>" when hint is not NULL. One line each. */
static void vmsg(const char *kind, const char *hint, const char *fmt, va_list ap)
{
	char line[1024];
	vsnprintf(line, sizeof(line), fmt, ap);
	if (kind)
		fprintf(stderr, "%s: %s%s\n", progname, kind, line);
	else
		fprintf(stderr, "hint: %s\n", line);
	if (hint)
		fprintf(stderr, "hint: %s\n", hint);
}

#define MSG(kind, hint, fmt)              \
	do {                              \
		va_list ap;               \
		va_start(ap, fmt);        \
		vmsg(kind, hint, fmt, ap); \
		va_end(ap);               \
	} while (0)

void msg_error(const char *fmt, ...)
{
	MSG("", NULL, fmt);
}

void msg_warn(const char *fmt, ...)
{
	MSG("warning: ", NULL, fmt);
}

void msg_hint(const char *fmt, ...)
{
	MSG(NULL, NULL, fmt);
}

_Noreturn void die_status(int status, const char *hint, const char *fmt, ...)
{
	MSG("", hint, fmt);
	exit(status);
}

_Noreturn void die(const char *fmt, ...)
{
	MSG("", NULL, fmt);
	exit(1);
}

_Noreturn void die_usage(const char *cmd, const char *fmt, ...)
{
	char hint[128] = "hush help";
	if (cmd)
		snprintf(hint, sizeof(hint), "hush %s --help", cmd);
	MSG("", hint, fmt);
	exit(2);
}

void *die_oom_check(void *p)
{
	if (!p)
		die("out of memory");
	return p;
}

/* --- paths --- */

/* a then b into out[n], as xsnprintf(out, n, "%s%s", a, b) without the
 * formatter: hush sandbox expands a few hundred "~/" paths at each start. */
static int join2(char *out, size_t n, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la + lb >= n) {
		if (n)
			out[0] = '\0';
		return HUSH_ETOOBIG;
	}
	memmove(out, a, la);
	memmove(out + la, b, lb + 1);
	return 0;
}

int path_home(char *out, size_t n)
{
	const char *h = getenv("HOME");
	if (!h || h[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		if (!pw || !pw->pw_dir)
			return HUSH_ENOENT;
		h = pw->pw_dir;
	}
	return join2(out, n, h, "");
}

/* $env/suffix when $env is an absolute path, else ~/fallback/suffix. */
static int path_xdg(char *out, size_t n, const char *env, const char *fallback,
		    const char *suffix)
{
	const char *v = getenv(env);
	if (v && v[0] == '/')
		return xsnprintf(out, n, "%s/%s", v, suffix);
	char home[4096];
	int r = path_home(home, sizeof(home));
	if (r)
		return r;
	return xsnprintf(out, n, "%s/%s/%s", home, fallback, suffix);
}

int path_config(char *out, size_t n)
{
	const char *v = getenv("HUSH_CONFIG");
	if (v && *v)
		return xsnprintf(out, n, "%s", v);
	return path_xdg(out, n, "XDG_CONFIG_HOME", ".config", "hush/config.ini");
}

int path_data(char *out, size_t n)
{
	const char *v = getenv("HUSH_HOME");
	if (v && *v)
		return xsnprintf(out, n, "%s", v);
	return path_xdg(out, n, "XDG_DATA_HOME", ".local/share", "hush");
}

int path_runtime(char *out, size_t n)
{
	const char *v = getenv("HUSH_RUNTIME_DIR");
	if (v && *v)
		return xsnprintf(out, n, "%s", v);
	v = getenv("XDG_RUNTIME_DIR");
	if (v && v[0] == '/')
		return xsnprintf(out, n, "%s/hush", v);
	return xsnprintf(out, n, "/tmp/hush-%u", (unsigned)getuid());
}

int path_vault(char *out, size_t n)
{
	char d[4096];
	int r = path_data(d, sizeof(d));
	return r ? r : xsnprintf(out, n, "%s/vault", d);
}

int path_expand_home(const char *in, char *out, size_t n)
{
	if (in[0] == '~' && (in[1] == '/' || in[1] == 0)) {
		char home[4096];
		int r = path_home(home, sizeof(home));
		if (r)
			return r;
		return join2(out, n, home, in + 1);
	}
	return join2(out, n, in, "");
}

static int mkdir_parents(const char *dir)
{
	char tmp[4096];
	if (xsnprintf(tmp, sizeof(tmp), "%s", dir))
		return HUSH_ETOOBIG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return HUSH_EIO;
		*p = '/';
	}
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return HUSH_EIO;
	return 0;
}

int path_ensure_private_dir(const char *dir)
{
	struct stat st;
	if (lstat(dir, &st) < 0) {
		if (errno != ENOENT)
			return HUSH_EIO;
		int r = mkdir_parents(dir);
		if (r)
			return r;
		if (lstat(dir, &st) < 0)
			return HUSH_EIO;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid()) {
		errno = EPERM;
		return HUSH_EPERM;
	}
	if ((st.st_mode & 0777) != 0700) {
		if (chmod(dir, 0700) < 0)
			return HUSH_EPERM;
	}
	return 0;
}

/* --- durations --- */

int parse_duration(const char *s, uint64_t *secs)
{
	if (!s || !*s)
		return HUSH_EINVAL;
	uint64_t total = 0;
	const char *p = s;
	while (*p) {
		if (*p < '0' || *p > '9')
			return HUSH_EINVAL;
		uint64_t v = 0;
		while (*p >= '0' && *p <= '9') {
			if (v > (UINT64_MAX - 9) / 10)
				return HUSH_EINVAL;
			v = v * 10 + (uint64_t)(*p++ - '0');
		}
		uint64_t mul;
		switch (*p) {
		case 0: mul = 1; break;
		case 's': mul = 1; p++; break;
		case 'm': mul = 60; p++; break;
		case 'h': mul = 3600; p++; break;
		case 'd': mul = 86400; p++; break;
		case 'w': mul = 604800; p++; break;
		default: return HUSH_EINVAL;
		}
		if (v > UINT64_MAX / mul || total > UINT64_MAX - v * mul)
			return HUSH_EINVAL;
		total += v * mul;
		if (mul == 1 && *p == 0 && p[-1] >= '0' && p[-1] <= '9' && p != s &&
		    total != v)
			return HUSH_EINVAL; /* "1h30" is ambiguous */
	}
	*secs = total;
	return 0;
}

void format_duration(uint64_t secs, char *out, size_t n)
{
	static const struct { uint64_t s; char c; } u[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	size_t off = 0;
	if (n == 0)
		return;
	out[0] = 0;
	if (secs == 0) {
		snprintf(out, n, "0s");
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(u) && off < n; i++) {
		if (secs >= u[i].s) {
			int w = snprintf(out + off, n - off, "%llu%c",
					 (unsigned long long)(secs / u[i].s), u[i].c);
			if (w < 0)
				return;
			off += (size_t)w;
			secs %= u[i].s;
		}
	}
}

/* --- files --- */

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int file_open_regular(const char *path, size_t max, bool follow, int *fdp, uint64_t *size)
{
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer
	 * (one planted where a file is expected must not hang the caller);
	 * it is cleared again once the file is known to be regular */
	_cleanup_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		if (errno == ENOENT)
			return HUSH_ENOENT;
		if (errno == EACCES || errno == EPERM)
			return HUSH_EPERM;
		if (errno == ELOOP)
			return HUSH_EINVAL;
		return HUSH_EIO;
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		return HUSH_EIO;
	if (!S_ISREG(st.st_mode))
		return HUSH_EINVAL;
	if ((uint64_t)st.st_size > max)
		return HUSH_ETOOBIG;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return HUSH_EIO;
	*size = (uint64_t)st.st_size;
	*fdp = steal_fd(&fd);
	return 0;
}

const char *file_strerror(int rc)
{
	return rc == HUSH_EIO ? strerror(errno) : rc == HUSH_EINVAL ? "not a regular file"
								    : hush_strerror(rc);
}

int file_read_all(const char *path, size_t max, bool follow, char **out, size_t *len)
{
	_cleanup_fd_ int fd = -1;
	uint64_t size;
	int r = file_open_regular(path, max, follow, &fd, &size);
	if (r)
		return r;
	size_t cap = (size_t)size + 1;
	_cleanup_free_ char *b = malloc(cap + 1);
	if (!b)
		return HUSH_ENOMEM;
	/* Read one byte past the size fstat saw, to notice growth. */
	ssize_t n = read_full(fd, b, cap);
	if (n < 0)
		return HUSH_EIO;
	if ((size_t)n > max)
		return HUSH_ETOOBIG;
	if ((size_t)n == cap) {
		/* The file grew while reading; refuse rather than truncate. */
		return HUSH_EIO;
	}
	b[n] = 0;
	*out = steal_pointer(&b);
	*len = (size_t)n;
	return 0;
}

int sha256_fd(int fd, uint8_t out[32])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	uint8_t chunk[16384];
	off_t off = 0;
	for (;;) {
		ssize_t r = pread(fd, chunk, sizeof(chunk), off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return HUSH_EIO;
		if (r == 0)
			break;
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)r);
		off += r;
	}
	crypto_hash_sha256_final(&st, out);
	return 0;
}

int fsync_parent_dir(const char *path)
{
	char tmp[4096];
	if (xsnprintf(tmp, sizeof(tmp), "%s", path))
		return -1;
	const char *dir = dirname(tmp);
	_cleanup_fd_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return fsync(fd);
}

int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      const char *backup_path)
{
	char tmp[4096];
	unsigned rnd;
	{
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		rnd = (unsigned)(ts.tv_nsec ^ (getpid() << 8));
	}
	if (xsnprintf(tmp, sizeof(tmp), "%s.tmp.%d.%08x", path, (int)getpid(), rnd))
		return HUSH_ETOOBIG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return HUSH_EIO;
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return HUSH_EIO;
	}
	if (close(fd) < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return HUSH_EIO;
	}
	if (backup_path) {
		/* Keep the previous version: a hard link is atomic and costs no copy.
		 * The old backup goes away only once the new one is in place. */
		char btmp[4096];
		if (xsnprintf(btmp, sizeof(btmp), "%s.%08x", backup_path, rnd) == 0 &&
		    link(path, btmp) == 0) {
			if (rename(btmp, backup_path) < 0)
				unlink(btmp);
		}
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return HUSH_EIO;
	}
	if (fsync_parent_dir(path) < 0)
		return HUSH_EIO;
	return 0;
}

/* --- names and time --- */

void free_all(void *const *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i]);
}

const char *env_entry_name(const char *entry, char name[HUSH_MAX_NAME])
{
	const char *eq = strchr(entry, '=');
	if (!eq || (size_t)(eq - entry) >= HUSH_MAX_NAME)
		return NULL;
	memcpy(name, entry, (size_t)(eq - entry));
	name[eq - entry] = '\0';
	return env_name_valid(name) ? eq + 1 : NULL;
}

bool env_name_valid(const char *s)
{
	if (!s || !*s)
		return false;
	size_t n = 0;
	for (const char *p = s; *p; p++, n++) {
		char c = *p;
		bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
		bool digit = c >= '0' && c <= '9';
		if (!(alpha || (digit && p != s)))
			return false;
	}
	return n < HUSH_MAX_NAME;
}

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}

uint64_t time_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* --- processes --- */

uint64_t proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* the command name (field 2) may hold spaces and parentheses */
	char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

uint64_t proc_pidns(pid_t pid, bool children)
{
	char path[64];
	const char *ns = children ? "pid_for_children" : "pid";
	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%ld/ns/%s", (long)pid, ns);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns);
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_ino : 0;
}

void str_appendf(char **s, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int add = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (add < 0)
		return;
	char *n = die_oom_check(realloc(*s, *len + (size_t)add + 1));
	va_start(ap, fmt);
	vsnprintf(n + *len, (size_t)add + 1, fmt, ap);
	va_end(ap);
	*s = n;
	*len += (size_t)add;
}
