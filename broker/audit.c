/* SPDX-License-Identifier: ISC */
/* Audit log writing, reading and parsing: see audit.h. */
#include "broker/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/json.h"
#include "common/util.h"

#define AUDIT_MAX_LINE (256 * 1024)

struct lb {
	char *p;
	size_t len, cap;
	bool err;
};

static void lb_add(struct lb *b, const char *s)
{
	size_t n = strlen(s);
	if (b->err || b->len + n + 1 > b->cap) {
		b->err = true;
		return;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static void lb_str(struct lb *b, const char *key, const char *v)
{
	char tmp[8192];
	lb_add(b, ",\"");
	lb_add(b, key);
	lb_add(b, "\":");
	if (json_quote(v, tmp, sizeof(tmp)))
		json_quote("(too long)", tmp, sizeof(tmp));
	lb_add(b, tmp);
}

static void lb_num(struct lb *b, const char *key, long long v)
{
	char tmp[64];
	snprintf(tmp, sizeof(tmp), ",\"%s\":%lld", key, v);
	lb_add(b, tmp);
}

int audit_append(const char *path, const struct audit_event *ev)
{
	struct lb b = { .cap = AUDIT_MAX_LINE };
	b.p = malloc(b.cap);
	if (!b.p)
		return HUSH_ENOMEM;
	b.p[0] = '\0';
	char tmp[64];
	snprintf(tmp, sizeof(tmp), "{\"time\":%lld", (long long)ev->time);
	lb_add(&b, tmp);
	lb_str(&b, "grant", ev->grant);
	lb_str(&b, "exe", ev->exe);
	lb_add(&b, ",\"args\":[");
	for (size_t i = 0; i < ev->argc; i++) {
		char a[8192];
		if (json_quote(ev->argv[i], a, sizeof(a)))
			json_quote("(too long)", a, sizeof(a));
		if (i)
			lb_add(&b, ",");
		lb_add(&b, a);
	}
	lb_add(&b, "]");
	lb_str(&b, "cwd", ev->cwd);
	lb_num(&b, "pid", ev->pid);
	lb_num(&b, "uid", ev->uid);
	lb_str(&b, "decision", ev->decision);
	lb_str(&b, "approved_by", ev->approved_by);
	if (ev->reason)
		lb_str(&b, "reason", ev->reason);
	if (ev->fallback)
		lb_str(&b, "confirm_fallback", ev->fallback);
	lb_num(&b, "exit", ev->exit_status);
	if (ev->kind) {
		lb_str(&b, "kind", ev->kind);
		lb_num(&b, "bytes_up", (long long)ev->bytes_up);
		lb_num(&b, "bytes_down", (long long)ev->bytes_down);
	}
	lb_add(&b, "}\n");
	if (b.err) {
		free(b.p);
		return HUSH_ETOOBIG;
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	int r = 0;
	if (fd < 0 || write_all(fd, b.p, b.len) < 0)
		r = HUSH_EIO;
	if (fd >= 0)
		close(fd);
	free(b.p);
	return r;
}

/* --- parsing (our own flat format; defensive, since the file is data) --- */

static void skip_ws(char **p, char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t' || **p == '\r'))
		(*p)++;
}

/* Parses a JSON string at *p in place; returns the unescaped string or NULL. */
static char *parse_str(char **p, char *end)
{
	if (*p >= end || **p != '"')
		return NULL;
	char *s = ++(*p), *o = s;
	while (*p < end && **p != '"') {
		char c = **p;
		if (c == '\\') {
			(*p)++;
			if (*p >= end)
				return NULL;
			c = **p;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '"': case '\\': case '/': break;
			case 'u': {
				if (end - *p < 5)
					return NULL;
				unsigned v = 0;
				for (int i = 1; i <= 4; i++) {
					char h = (*p)[i];
					v <<= 4;
					if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
					else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
					else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
					else return NULL;
				}
				*p += 4;
				c = (v > 0 && v < 0x80) ? (char)v : '?';
				break;
			}
			default:
				return NULL;
			}
		}
		*o++ = c;
		(*p)++;
	}
	if (*p >= end)
		return NULL;
	(*p)++;
	*o = '\0';
	return s;
}

static int parse_num(char **p, char *end, long long *v)
{
	char tmp[32];
	size_t n = 0;
	while (*p < end && n < sizeof(tmp) - 1 && (**p == '-' || (**p >= '0' && **p <= '9')))
		tmp[n++] = *(*p)++;
	if (n == 0)
		return -1;
	tmp[n] = '\0';
	char *e;
	errno = 0;
	*v = strtoll(tmp, &e, 10);
	return (*e || errno) ? -1 : 0;
}

int audit_parse_line(char *line, size_t len, struct audit_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->exit_status = -1;
	char *p = line, *end = line + len;
	skip_ws(&p, end);
	if (p >= end || *p++ != '{')
		return HUSH_EFORMAT;
	for (;;) {
		skip_ws(&p, end);
		if (p < end && *p == '}')
			break;
		char *key = parse_str(&p, end);
		if (!key)
			return HUSH_EFORMAT;
		skip_ws(&p, end);
		if (p >= end || *p++ != ':')
			return HUSH_EFORMAT;
		skip_ws(&p, end);
		if (p >= end)
			return HUSH_EFORMAT;
		if (*p == '"') {
			char *v = parse_str(&p, end);
			if (!v)
				return HUSH_EFORMAT;
			if (!strcmp(key, "grant")) rec->grant = v;
			else if (!strcmp(key, "exe")) rec->exe = v;
			else if (!strcmp(key, "cwd")) rec->cwd = v;
			else if (!strcmp(key, "decision")) rec->decision = v;
			else if (!strcmp(key, "approved_by")) rec->approved_by = v;
			else if (!strcmp(key, "reason")) rec->reason = v;
			else if (!strcmp(key, "confirm_fallback")) rec->fallback = v;
		} else if (*p == '[') {
			p++;
			for (;;) {
				skip_ws(&p, end);
				if (p < end && *p == ']') {
					p++;
					break;
				}
				char *v = parse_str(&p, end);
				if (!v)
					return HUSH_EFORMAT;
				if (!strcmp(key, "args") && rec->nargs < ARRAY_LEN(rec->args))
					rec->args[rec->nargs++] = v;
				skip_ws(&p, end);
				if (p < end && *p == ',')
					p++;
			}
		} else if (end - p >= 4 && !memcmp(p, "null", 4)) {
			p += 4;
		} else {
			long long v;
			if (parse_num(&p, end, &v))
				return HUSH_EFORMAT;
			if (!strcmp(key, "time")) rec->time = v;
			else if (!strcmp(key, "pid")) rec->pid = (long)v;
			else if (!strcmp(key, "uid")) rec->uid = (long)v;
			else if (!strcmp(key, "exit")) rec->exit_status = (long)v;
		}
		skip_ws(&p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end && *p == '}')
			break;
		return HUSH_EFORMAT;
	}
	return rec->time > 0 ? 0 : HUSH_EFORMAT;
}

int audit_path(char *out, size_t n)
{
	char data[4096];
	int r = path_data(data, sizeof(data));
	return r ? r : xsnprintf(out, n, "%s/audit.log", data);
}

int audit_read(const char *path, int64_t since, audit_entry_fn fn, void *ctx, size_t *bad)
{
	*bad = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return e == ENOENT ? HUSH_ENOENT : HUSH_EIO;
	}
	char *line = NULL, *copy = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct audit_record rec;
		free(copy);
		/* the parser cuts the line up: fn gets a copy */
		copy = strdup(line);
		if (!copy || n > AUDIT_MAX_LINE || audit_parse_line(line, (size_t)n, &rec))
			++*bad;
		else if (rec.time >= since)
			fn(ctx, copy, &rec);
	}
	free(copy);
	free(line);
	fclose(f);
	return 0;
}

void audit_print(FILE *f, const struct audit_record *rec)
{
	char ts[32];
	time_t t = (time_t)rec->time;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%s  %-8s grant=%s  %s", ts, rec->decision ? rec->decision : "?",
		rec->grant ? rec->grant : "-", rec->exe ? rec->exe : "?");
	for (size_t i = 0; i < rec->nargs; i++)
		fprintf(f, " %s", rec->args[i]);
	fprintf(f, "  cwd=%s  pid=%ld", rec->cwd ? rec->cwd : "?", rec->pid);
	if (rec->approved_by)
		fprintf(f, "  by=%s", rec->approved_by);
	if (rec->exit_status >= 0)
		fprintf(f, "  exit=%ld", rec->exit_status);
	if (rec->reason)
		fprintf(f, "  (%s)", rec->reason);
	if (rec->fallback)
		fprintf(f, "  (no desktop dialog: %s)", rec->fallback);
	fputc('\n', f);
}
