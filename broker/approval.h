/* SPDX-License-Identifier: ISC */
/* Live approvals: (grant, working directory) pairs approved until a time.
 * Dropped by hush lock, SIGUSR1 and expiry. */
#ifndef HUSH_BROKER_APPROVAL_H
#define HUSH_BROKER_APPROVAL_H

#include <stdbool.h>
#include <stdint.h>

#define APPROVAL_MAX 256

/* Records an approval for grant in cwd until now_ms + secs*1000 (replacing
 * an older one for the same pair). 0 or HUSH_ETOOBIG. */
int approval_add(const char *grant, const char *cwd, uint64_t secs, uint64_t now_ms);
/* True when a live approval covers grant in cwd. */
bool approval_check(const char *grant, const char *cwd, uint64_t now_ms);
/* Live approvals (expired ones are dropped first). */
unsigned approval_count(uint64_t now_ms);
/* Drops every approval. */
void approval_clear(void);

#endif
