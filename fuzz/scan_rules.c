/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the rule-file readers: the TOML reader over
 * arbitrary bytes (every event's strings must be NUL-terminated within
 * their length), then the gitleaks ruleset loader, and when a ruleset
 * loads, one scan of a fixed sample with it (hits inside the sample). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/match.h"
#include "scan/ruleset.h"
#include "scan/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_event(void *ctx, const struct toml_event *ev, const char **msg)
{
	(void)ctx;
	(void)msg;
	if (ev->key) {
		if (strlen(ev->key) > 4096)
			abort();
		const struct toml_value *v = ev->value;
		if (v->type == TOML_STRING && strlen(v->s) != v->slen)
			abort();
		if (v->type == TOML_ARRAY)
			for (size_t i = 0; i < v->n; i++)
				if (v->items[i].type == TOML_STRING && strlen(v->items[i].s) != v->items[i].slen)
					abort();
	} else {
		for (size_t i = 0; i < ev->npath; i++)
			(void)strlen(ev->path[i]);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct toml_err te;
	(void)toml_parse((const char *)data, size, on_event, NULL, &te);
	struct scan_ruleset *rs = NULL;
	char err[512];
	if (scan_ruleset_parse("fuzz.toml", (const char *)data, size, &rs, err, sizeof(err)) == 0) {
		static const char sample[] =
			"api_key = \"AbCdEf0123456789XyZ\"\npassword: hunter2hunter2\n"
			"token ghp_000000000000000000000000000000000000 acme_0123456789abcdef\n";
		struct scan_rules_scratch *sc = scan_rules_scratch_new(rs);
		if (sc) {
			struct scan_hits h = { 0 };
			bool limited = false;
			if (scan_ruleset_scan(rs, sc, "src/app.py", sample, sizeof(sample) - 1, &h, &limited) == 0)
				for (size_t i = 0; i < h.n; i++)
					if (h.v[i].off > sizeof(sample) - 1 || h.v[i].len > sizeof(sample) - 1 - h.v[i].off)
						abort();
			scan_hits_free(&h);
			scan_rules_scratch_free(sc);
		}
		(void)scan_ruleset_path_allowed(rs, "testdata/x");
		scan_ruleset_free(rs);
	}
	return 0;
}
