/* SPDX-License-Identifier: ISC */
/* Live approvals: see approval.h. A small fixed table; lookups are linear. */
#include "broker/approval.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"

struct approval {
	char *grant;
	char *cwd;
	uint64_t until_ms;
};

static struct approval table[APPROVAL_MAX];
static unsigned used;

static void drop(unsigned i)
{
	free(table[i].grant);
	free(table[i].cwd);
	table[i] = table[--used];
	memset(&table[used], 0, sizeof(table[used]));
}

static void expire(uint64_t now_ms)
{
	for (unsigned i = 0; i < used;) {
		if (table[i].until_ms <= now_ms)
			drop(i);
		else
			i++;
	}
}

int approval_add(const char *grant, const char *cwd, uint64_t secs, uint64_t now_ms)
{
	expire(now_ms);
	uint64_t until = now_ms + secs * 1000;
	for (unsigned i = 0; i < used; i++) {
		if (!strcmp(table[i].grant, grant) && !strcmp(table[i].cwd, cwd)) {
			if (until > table[i].until_ms)
				table[i].until_ms = until;
			return 0;
		}
	}
	if (used >= APPROVAL_MAX)
		return HUSH_ETOOBIG;
	char *g = strdup(grant), *c = strdup(cwd);
	if (!g || !c) {
		free(g);
		free(c);
		return HUSH_ENOMEM;
	}
	table[used++] = (struct approval){ g, c, until };
	return 0;
}

bool approval_check(const char *grant, const char *cwd, uint64_t now_ms)
{
	expire(now_ms);
	for (unsigned i = 0; i < used; i++)
		if (!strcmp(table[i].grant, grant) && !strcmp(table[i].cwd, cwd))
			return true;
	return false;
}

unsigned approval_count(uint64_t now_ms)
{
	expire(now_ms);
	return used;
}

void approval_clear(void)
{
	while (used)
		drop(0);
}
