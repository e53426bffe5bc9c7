/* SPDX-License-Identifier: ISC */
/* Small helpers every part of hush uses: cleanup attributes, checked
 * formatting, program-level error output, paths, durations and safe file I/O.
 *
 * Functions whose names start with die_ print and exit: they are for program
 * code (main paths) only. Everything else returns 0 or a HUSH_E* code. */
#ifndef HUSH_UTIL_H
#define HUSH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

/* --- cleanup helpers (bubblewrap style) --- */
void util_cleanup_freep(void *p);
void util_cleanup_fdp(int *fd);
#define _cleanup_free_ __attribute__((cleanup(util_cleanup_freep)))
#define _cleanup_fd_ __attribute__((cleanup(util_cleanup_fdp)))
/* Returns *pp and sets *pp to NULL, so a cleanup attribute does not free it. */
static inline void *util_steal_pointer(void *pp)
{
	void **p = (void **)pp;
	void *v = *p;
	*p = NULL;
	return v;
}
#define steal_pointer(pp) util_steal_pointer(pp)
static inline int steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
/* free() on each of n pointers; FREE_ALL(a->x, a->y). */
void free_all(void *const *p, size_t n);
#define FREE_ALL(...) free_all((void *const[]){ __VA_ARGS__ }, ARRAY_LEN(((void *[]){ __VA_ARGS__ })))

/* snprintf that returns HUSH_ETOOBIG on truncation, 0 otherwise. */
int xsnprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes s for showing to a human (prompts, hush pending): unchanged when it
 * holds only [A-Za-z0-9_@%+=:,./-] and is not empty, else as a $'...'
 * string in which control bytes, quotes, backslashes and bytes >= 0x7f are
 * escaped, so text from a requester cannot fake a line, move the cursor,
 * clear the screen or pass for two arguments. Ends with "..." when out[n]
 * is too small. */
void str_display(const char *s, char *out, size_t n);

/* --- program output: "hush: <what>: <why>" and "hint: <what to do>" --- */
/* The program name used as prefix (default "hush"). */
void msg_set_progname(const char *name);
const char *msg_progname(void);
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "hush: <fmt>" (and a hint when hint != NULL) and exit with status. */
_Noreturn void die_status(int status, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* die_status(1, NULL, ...) */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error: prints the message and "hint: hush <cmd> --help", exits 2. */
_Noreturn void die_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Abort-free allocation for program code: exits 1 on failure. */
void *die_oom_check(void *p);

/* --- paths (docs/design.md, "Paths") --- */
/* Each writes a NUL-terminated path into out[n]; 0 or a HUSH_E* code.
 * config:  $HUSH_CONFIG, else $XDG_CONFIG_HOME/hush/config.ini,
 *          else ~/.config/hush/config.ini
 * data:    $HUSH_HOME, else $XDG_DATA_HOME/hush, else ~/.local/share/hush
 * runtime: $HUSH_RUNTIME_DIR, else $XDG_RUNTIME_DIR/hush, else /tmp/hush-<uid>
 * vault:   <data>/vault */
int path_config(char *out, size_t n);
int path_data(char *out, size_t n);
int path_runtime(char *out, size_t n);
int path_vault(char *out, size_t n);
/* The user's home directory ($HOME, else the passwd entry). */
int path_home(char *out, size_t n);
/* Create dir (and missing parents) with mode 0700 if absent, then check it
 * is a directory owned by us and not group/other accessible. Returns 0,
 * HUSH_EPERM (wrong owner or mode) or HUSH_EIO. */
int path_ensure_private_dir(const char *dir);
/* Expand a leading "~/" or "~" with the home directory. */
int path_expand_home(const char *in, char *out, size_t n);

/* --- durations: "90", "90s", "15m", "2h", "1d", "1h30m" --- */
/* Parses into seconds. 0 on success, HUSH_EINVAL otherwise. */
int parse_duration(const char *s, uint64_t *secs);
/* Formats seconds as e.g. "1h30m" into out[n]. */
void format_duration(uint64_t secs, char *out, size_t n);

/* --- files --- */
/* Reads a whole regular file, opened with O_NOFOLLOW|O_CLOEXEC (unless
 * follow is true), refusing anything larger than max bytes. *out is malloc'd
 * with one extra NUL byte (not counted in *len); the caller frees it.
 * Returns 0, HUSH_ENOENT, HUSH_ETOOBIG, HUSH_EINVAL (not a regular file),
 * HUSH_EPERM or HUSH_EIO (errno kept). */
/* Opens a regular file for reading (O_NOFOLLOW|O_CLOEXEC unless follow),
 * refusing anything that is not a regular file or is larger than max bytes,
 * before reading a byte of it. On success *fd is the open descriptor (the
 * caller closes it) and *size the size fstat saw. Errors as file_read_all(). */
int file_open_regular(const char *path, size_t max, bool follow, int *fd, uint64_t *size);
int file_read_all(const char *path, size_t max, bool follow, char **out, size_t *len);
/* Why reading or writing a file failed, for those functions' codes:
 * strerror(errno) for HUSH_EIO (so call it before errno changes), "not a
 * regular file" for HUSH_EINVAL, else hush_strerror(rc). Static text. */
const char *file_strerror(int rc);
/* Writes data to path atomically and durably: a temporary file in the same
 * directory (mode, O_NOFOLLOW), fsync, optional hard copy of the old file to
 * backup_path (NULL for none), rename over path, fsync of the directory.
 * Returns 0 or HUSH_EIO (errno kept). */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      const char *backup_path);
/* write() the whole buffer, retrying on EINTR and short writes. 0 or -1. */
int write_all(int fd, const void *buf, size_t len);
/* read() exactly len bytes. Returns len, a smaller count at EOF, or -1. */
ssize_t read_full(int fd, void *buf, size_t len);
/* fsync the directory containing path. 0 or -1. */
int fsync_parent_dir(const char *path);
/* SHA-256 of everything fd holds, read with pread() from offset 0 (the
 * fd's offset stays where it was). 0 or HUSH_EIO. */
int sha256_fd(int fd, uint8_t out[32]);

/* --- names --- */
/* True if s is a valid environment variable name: [A-Za-z_][A-Za-z0-9_]*,
 * 1..PROTO_MAX_NAME-1 (128) bytes. */
bool env_name_valid(const char *s);
#define HUSH_MAX_NAME 128
/* The name of an environment entry "NAME=value" copied into name: the
 * value, or NULL when the entry has no '=' or its name is not valid. */
const char *env_entry_name(const char *entry, char name[HUSH_MAX_NAME]);

/* Current time in seconds since the epoch, and a monotonic clock in ms. */
int64_t time_now(void);
uint64_t time_mono_ms(void);

/* --- processes --- */
/* The start time of pid (field 22 of /proc/PID/stat, clock ticks since
 * boot), or 0 when there is no such process. */
uint64_t proc_start_time(pid_t pid);
/* The inode of pid's pid namespace (pid 0: our own), or with children set
 * of the one its children will be born in; 0 when unreadable. */
uint64_t proc_pidns(pid_t pid, bool children);

/* Appends printf-style text to the malloc'd string *s of length *len
 * (both updated; *s may start NULL). Dies when out of memory. */
void str_appendf(char **s, size_t *len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
