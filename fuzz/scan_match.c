/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the scanner's matcher: scan_buffer() over arbitrary
 * bytes in both modes (plain and credential file), the baseline parser and
 * the masking helper. Checks that every hit lies inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan/match.h"
#include "scan/report.h"
#include "scan/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	for (unsigned flags = 0; flags <= SCAN_F_CREDFILE; flags += SCAN_F_CREDFILE) {
		struct scan_hits h = { 0 };
		if (scan_buffer(d, size, flags, &h) == 0) {
			for (size_t i = 0; i < h.n; i++) {
				if (h.v[i].off > size || h.v[i].len > size - h.v[i].off || h.v[i].line < 1)
					abort();
				char m[64];
				scan_mask(d + h.v[i].off, h.v[i].len, m, sizeof(m));
			}
		}
		scan_hits_free(&h);
	}
	struct scan_baseline b;
	if (baseline_parse(d, size, &b) == 0)
		baseline_free(&b);
	(void)scan_value_token_rule(d, size);
	(void)scan_value_is_placeholder(d, size);
	(void)scan_name_is_secret(d, size);
	(void)scan_bech32_valid(d, size);
	return 0;
}
