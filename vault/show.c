/* SPDX-License-Identifier: ISC */
/* hush list's output: see show.h. */
#include "vault/show.h"

#include <time.h>

void vault_format_time(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, n, "%lld", (long long)t);
}

size_t vault_show(FILE *out, const struct vault *v, bool json)
{
	size_t n = vault_count(v);
	if (json)
		fprintf(out, "[");
	else if (n)
		fprintf(out, "%-32s %-8s %-20s %s\n", "NAME", "ORIGIN", "CREATED", "UPDATED");
	for (size_t i = 0; i < n; i++) {
		struct vault_entry_info e;
		if (vault_entry(v, i, &e))
			break;
		char c[40], u[40];
		vault_format_time(e.created, c, sizeof(c));
		vault_format_time(e.updated, u, sizeof(u));
		/* Names are [A-Za-z0-9_]: nothing to escape in JSON. */
		if (json)
			fprintf(out, "%s\n  {\"name\": \"%s\", \"origin\": \"%s\", \"created\": \"%s\", "
				"\"updated\": \"%s\"}", i ? "," : "", e.name, vault_origin_name(e.origin), c, u);
		else
			fprintf(out, "%-32s %-8s %-20s %s\n", e.name, vault_origin_name(e.origin), c, u);
	}
	if (json)
		fprintf(out, "%s]\n", n ? "\n" : "");
	return n;
}
