/* SPDX-License-Identifier: ISC */
/* hush scan output formats (text, JSON, SARIF 2.1.0) and baselines. No
 * secret ever reaches these functions: findings hold masked previews and
 * fingerprints only. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/err.h"
#include "common/json.h"
#include "common/util.h"
#include "scan/match.h"
#include "scan/report.h"

/* Fingerprints a baseline file may list. */
#define BASELINE_MAX_FP 524288

static const char *visibility(const struct scan_finding *x)
{
	return x->sandbox_hidden ? "hidden from sandbox" : "visible to sandboxed agent";
}

void report_text(FILE *f, const struct scan_result *r, bool colour)
{
	const char *B = colour ? "\033[1m" : "", *R = colour ? "\033[31m" : "",
		   *Y = colour ? "\033[33m" : "", *D = colour ? "\033[2m" : "", *N = colour ? "\033[0m" : "";
	size_t files = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct scan_finding *x = &r->v[i];
		if (i == 0 || strcmp(x->path, r->v[i - 1].path)) {
			files++;
			fprintf(f, "%s%s%s  [%s; %s%s]\n", B, x->path, N, scan_exposure_name(x->exposure),
				visibility(x), x->credfile ? "; credential file" : "");
		}
		const char *c = x->conf == SCAN_CONF_HIGH ? R : x->conf == SCAN_CONF_MEDIUM ? Y : D;
		fprintf(f, "  %5d  %s%-28s%s %s  %s%s%s%s\n", x->line, c, x->rule, N, x->preview, c,
			scan_conf_name(x->conf), N,
			x->check == SCAN_CHECK_VALID ? "  checksum: valid" : "");
	}
	if (r->n)
		fprintf(f, "\n%zu finding%s in %zu file%s (%zu files scanned)\n", r->n,
			r->n == 1 ? "" : "s", files, files == 1 ? "" : "s", r->files_scanned);
	else
		fprintf(f, "no secrets found (%zu files scanned)\n", r->files_scanned);
}

static void json_finding(FILE *f, const struct scan_finding *x)
{
	fputs("{\"file\":", f);
	json_write_str(f, x->path);
	fprintf(f, ",\"line\":%d,\"rule\":", x->line);
	json_write_str(f, x->rule);
	fputs(",\"title\":", f);
	json_write_str(f, x->title);
	fputs(",\"preview\":", f);
	json_write_str(f, x->preview);
	fprintf(f, ",\"length\":%zu,\"confidence\":\"%s\",\"checksum\":\"%s\",\"exposure\":\"%s\","
		   "\"sandbox\":\"%s\",\"credential_file\":%s,\"fingerprint\":\"%s\"}",
		x->secret_len, scan_conf_name(x->conf),
		x->check == SCAN_CHECK_VALID ? "valid" : "none", scan_exposure_name(x->exposure),
		x->sandbox_hidden ? "hidden" : "visible", x->credfile ? "true" : "false",
		x->fingerprint);
}

void report_json(FILE *f, const struct scan_result *r)
{
	fputs("{\"version\":1,\"findings\":[", f);
	for (size_t i = 0; i < r->n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_finding(f, &r->v[i]);
	}
	fprintf(f, "\n],\"files_scanned\":%zu,\"files_skipped\":%zu,\"problems\":[", r->files_scanned,
		r->files_skipped);
	for (size_t i = 0; i < r->nproblems; i++) {
		fputs(i ? "," : "", f);
		json_write_q(f, "{\"file\":%q,\"why\":%q}", r->problems[i].path, r->problems[i].why);
	}
	fputs("]}\n", f);
}

void report_sarif(FILE *f, const struct scan_result *r)
{
	fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
	      "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"hush\",\"version\":\"" HUSH_VERSION
	      "\",\"rules\":[",
	      f);
	/* the rules that occur, in first-seen order */
	const char **seen = calloc(r->n + 1, sizeof(char *));
	size_t ns = 0;
	for (size_t i = 0; seen && i < r->n; i++) {
		bool have = false;
		for (size_t k = 0; k < ns && !have; k++)
			have = !strcmp(seen[k], r->v[i].rule);
		if (have)
			continue;
		seen[ns++] = r->v[i].rule;
		fputs(ns > 1 ? "," : "", f);
		json_write_q(f, "{\"id\":%q,\"shortDescription\":{\"text\":%q}}", r->v[i].rule,
			     r->v[i].title);
	}
	fputs("]}},\"results\":[", f);
	for (size_t i = 0; i < r->n; i++) {
		const struct scan_finding *x = &r->v[i];
		size_t ri = 0;
		for (size_t k = 0; seen && k < ns; k++)
			if (!strcmp(seen[k], x->rule))
				ri = k;
		fputs(i ? ",\n" : "\n", f);
		fputs("{\"ruleId\":", f);
		json_write_str(f, x->rule);
		fprintf(f, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":{\"text\":", ri,
			x->conf == SCAN_CONF_HIGH ? "error" : x->conf == SCAN_CONF_MEDIUM ? "warning" : "note");
		char msg[256];
		snprintf(msg, sizeof(msg), "%s (%s, %s confidence%s; %s, %s)", x->title, x->preview,
			 scan_conf_name(x->conf), x->check == SCAN_CHECK_VALID ? ", checksum valid" : "",
			 scan_exposure_name(x->exposure), visibility(x));
		json_write_str(f, msg);
		fputs("},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", f);
		const char *u = x->path;
		while (u[0] == '.' && u[1] == '/')
			u += 2;
		json_write_str(f, u);
		fprintf(f, "},\"region\":{\"startLine\":%d}}}],\"partialFingerprints\":{\"hush/v1\":\"%s\"}}",
			x->line > 0 ? x->line : 1, x->fingerprint);
	}
	fputs("\n]}]}\n", f);
	free(seen);
}

int baseline_parse(const char *d, size_t len, struct scan_baseline *b)
{
	memset(b, 0, sizeof(*b));
	const char *key = memmem(d, len, "\"fingerprints\"", 14);
	if (!key)
		return HUSH_EFORMAT;
	size_t i = (size_t)(key - d) + 14;
	while (i < len && isspace((unsigned char)d[i]))
		i++;
	if (i >= len || d[i] != ':')
		return HUSH_EFORMAT;
	i++;
	while (i < len && isspace((unsigned char)d[i]))
		i++;
	if (i >= len || d[i] != '[')
		return HUSH_EFORMAT;
	i++;
	size_t cap = 0;
	for (;;) {
		while (i < len && (isspace((unsigned char)d[i]) || d[i] == ','))
			i++;
		if (i >= len) {
			baseline_free(b);
			return HUSH_EFORMAT;
		}
		if (d[i] == ']')
			return 0;
		if (d[i] != '"' || i + 34 > len || d[i + 33] != '"') {
			baseline_free(b);
			return HUSH_EFORMAT;
		}
		for (size_t k = 1; k <= 32; k++)
			if (!isxdigit((unsigned char)d[i + k])) {
				baseline_free(b);
				return HUSH_EFORMAT;
			}
		if (b->n >= BASELINE_MAX_FP) {
			baseline_free(b);
			return HUSH_EFORMAT;
		}
		if (array_grow(&b->fp, &cap, b->n + 1, sizeof(*b->fp), 64) < 0) {
			baseline_free(b);
			return HUSH_ENOMEM;
		}
		for (size_t k = 0; k < 32; k++)
			b->fp[b->n][k] = (char)tolower((unsigned char)d[i + 1 + k]);
		b->fp[b->n][32] = 0;
		b->n++;
		i += 34;
	}
}

void baseline_free(struct scan_baseline *b)
{
	free(b->fp);
	b->fp = NULL;
	b->n = 0;
}

size_t baseline_filter(struct scan_result *r, const struct scan_baseline *b)
{
	size_t k = 0, dropped = 0;
	for (size_t i = 0; i < r->n; i++) {
		bool known = false;
		for (size_t j = 0; j < b->n && !known; j++)
			known = !strcmp(b->fp[j], r->v[i].fingerprint);
		if (known) {
			free(r->v[i].path);
			dropped++;
		} else {
			r->v[k++] = r->v[i];
		}
	}
	r->n = k;
	return dropped;
}

void baseline_write(FILE *f, const struct scan_result *r)
{
	fputs("{\"version\":1,\"fingerprints\":[", f);
	for (size_t i = 0; i < r->n; i++)
		fprintf(f, "%s\n  \"%s\"", i ? "," : "", r->v[i].fingerprint);
	fputs("\n]}\n", f);
}

int baseline_apply(const char *path, struct scan_result *r)
{
	char *data = NULL;
	size_t len = 0;
	struct scan_baseline b;
	int rc = file_read_all(path, 64u * 1024 * 1024, true, &data, &len);
	if (rc == 0)
		rc = baseline_parse(data, len, &b);
	free(data);
	if (rc == 0) {
		baseline_filter(r, &b);
		baseline_free(&b);
	}
	return rc;
}

int baseline_save(const char *path, const struct scan_result *r)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return HUSH_EIO;
	baseline_write(f, r);
	return fclose(f) == 0 ? 0 : HUSH_EIO;
}

bool report_format_known(const char *format)
{
	return !strcmp(format, "text") || !strcmp(format, "json") || !strcmp(format, "sarif");
}

void report_write(FILE *f, const struct scan_result *r, const char *format, bool colour)
{
	if (!strcmp(format, "json"))
		report_json(f, r);
	else if (!strcmp(format, "sarif"))
		report_sarif(f, r);
	else
		report_text(f, r, colour);
}
