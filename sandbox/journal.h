/* SPDX-License-Identifier: ISC */
/* A session's end, on disk while the session runs (journal.c). */
#ifndef HUSH_SANDBOX_JOURNAL_H
#define HUSH_SANDBOX_JOURNAL_H

#include <stddef.h>

#include "common/strv.h"

#define SANDBOX_JOURNAL_MAX (64u << 20)

/* Records (tag, value), both NUL-terminated, one after the other. */
struct sandbox_journal {
	char *buf;
	size_t len, cap;
	int error;  /* the first put that failed (HUSH_ENOMEM, HUSH_ETOOBIG), sticky */
};
/* Appends a record whose value is printf(fmt, ...). */
void sandbox_journal_put(struct sandbox_journal *j, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends one record (tag, item) for each item of v. */
void sandbox_journal_put_strv(struct sandbox_journal *j, const char *tag, const struct strv *v);
/* The record at *off of buf[len] in *tag and *val (pointers into buf);
 * *off moves past it. 1, 0 at the end, HUSH_EFORMAT when the rest is not
 * a record. */
int sandbox_journal_next(const char *buf, size_t len, size_t *off, const char **tag,
			 const char **val);
void sandbox_journal_free(struct sandbox_journal *j);
/* Writes j (0600, atomically) as dir/<boot id>-<pid>-<start time>.journal,
 * dir made 0700 when missing; the path goes to path[n]. 0 or HUSH_E*. */
int sandbox_journal_write(const struct sandbox_journal *j, const char *dir, char *path, size_t n);
/* The journals in dir whose owning process is gone (killed before its
 * session's end), each claimed by renaming it to a name of this process
 * (so that of two callers one gets it): their new paths go to out, for the
 * caller to read, sweep and remove. 0 or HUSH_E*. */
int sandbox_journal_orphans(const char *dir, struct strv *out);

#endif
