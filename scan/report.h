/* SPDX-License-Identifier: ISC */
/* Output of hush scan: readable text (grouped by file, colour optional),
 * JSON, and SARIF 2.1.0; and the baseline file of accepted findings
 * (fingerprints only, never secrets). */
#ifndef HUSH_SCAN_REPORT_H
#define HUSH_SCAN_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "scan/scan.h"

void report_text(FILE *f, const struct scan_result *r, bool colour);
void report_json(FILE *f, const struct scan_result *r);
void report_sarif(FILE *f, const struct scan_result *r);
/* True for the formats of hush scan --format: text, json, sarif. */
bool report_format_known(const char *format);
/* r in one of those formats (text coloured when colour). */
void report_write(FILE *f, const struct scan_result *r, const char *format, bool colour);

/* A baseline: the fingerprints of accepted findings. */
struct scan_baseline {
	char (*fp)[33];
	size_t n;
};

/* Parses a baseline file's bytes: JSON {"version":1,"fingerprints":[...]}
 * (any 32-hex-digit strings in the "fingerprints" array are taken).
 * 0, HUSH_EFORMAT or HUSH_ENOMEM. */
int baseline_parse(const char *data, size_t len, struct scan_baseline *b);
void baseline_free(struct scan_baseline *b);
/* Drops the findings whose fingerprint is in b; returns how many. */
size_t baseline_filter(struct scan_result *r, const struct scan_baseline *b);
/* Writes the fingerprints of r as a baseline. */
void baseline_write(FILE *f, const struct scan_result *r);
/* Drops from r the findings the baseline file at path lists. 0, or as
 * file_read_all() and baseline_parse(). */
int baseline_apply(const char *path, struct scan_result *r);
/* Writes r's fingerprints to the file at path (created or replaced). 0 or
 * HUSH_EIO (errno kept). */
int baseline_save(const char *path, const struct scan_result *r);

#endif
