/* SPDX-License-Identifier: ISC */
/* libFuzzer target for the audit log line parser used by hush audit:
 * audit_parse_line() on arbitrary bytes, and the JSON string escaper on the
 * same bytes (its output must parse back to the input). Must run clean
 * under ASan+UBSan. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/audit.h"
#include "common/json.h"

static int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t k = p[i] < 0x80 ? 1 : (p[i] & 0xE0) == 0xC0 ? 2 : (p[i] & 0xF0) == 0xE0 ? 3
			: (p[i] & 0xF8) == 0xF0 ? 4 : 0;
		if (!k || i + k > n)
			return 0;
		for (size_t j = 1; j < k; j++)
			if ((p[i + j] & 0xC0) != 0x80)
				return 0;
		i += k;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	struct audit_record rec;
	(void)audit_parse_line(line, size, &rec);

	/* escaping round trip on the bytes up to the first NUL */
	memcpy(line, data, size);
	line[size] = '\0';
	size_t n = strlen(line);
	size_t cap = n * 6 + 3;
	char *esc = malloc(cap);
	if (esc && json_quote(line, esc, cap) == 0) {
		size_t ll = strlen(esc) + 64;
		char *json = malloc(ll);
		if (json) {
			int w = snprintf(json, ll, "{\"time\":1,\"grant\":%s}", esc);
			struct audit_record r2;
			if (w > 0 && audit_parse_line(json, (size_t)w, &r2) != 0)
				abort();
			/* valid UTF-8 without other controls comes back as-is (stray
			 * bytes >= 0x80 are escaped as \u00XX, which reads back as
			 * the character U+00XX) */
			int plain = utf8_valid(line, n);
			for (size_t i = 0; i < n; i++)
				if ((unsigned char)line[i] < 0x20 && line[i] != '\n' && line[i] != '\t' && line[i] != '\r')
					plain = 0;
			if (plain && strcmp(r2.grant, line) != 0)
				abort();
			free(json);
		}
	}
	free(esc);
	free(line);
	return 0;
}
