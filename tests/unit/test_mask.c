/* SPDX-License-Identifier: ISC */
/* Unit tests for the streaming output masker (broker/mask.c): whole values,
 * values split at every possible point, overlapping values, short values,
 * prefixes that turn out not to be values, and flushing at the end. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "broker/mask.h"
#include "common/err.h"
#include "t.h"

struct sink {
	char buf[65536];
	size_t len;
};

static int emit(void *ctx, const uint8_t *p, size_t n)
{
	struct sink *s = ctx;
	if (s->len + n >= sizeof(s->buf))
		return -1;
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return 0;
}

/* Feeds in chunks of the given sizes (cycled), then flushes. */
static const char *run(struct mask *m, const char *in, const size_t *chunks, size_t nch,
		       struct sink *s)
{
	s->len = 0;
	s->buf[0] = '\0';
	size_t off = 0, len = strlen(in), i = 0;
	while (off < len) {
		size_t c = nch ? chunks[i++ % nch] : len;
		if (c > len - off)
			c = len - off;
		if (mask_feed(m, (const uint8_t *)in + off, c, emit, s))
			return NULL;
		off += c;
	}
	if (mask_flush(m, emit, s))
		return NULL;
	return s->buf;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	static struct sink s;
	const char *secret = "s3cr3t-VALUE-123";

	struct mask *m = mask_new();
	ok(m != NULL, "mask_new");
	ok(mask_add(m, "TOKEN", (const uint8_t *)secret, strlen(secret)) == 0, "add a value");
	ok(mask_add(m, "SHORT", (const uint8_t *)"abc", 3) == HUSH_EINVAL,
	   "values shorter than MASK_MIN_LEN are refused");

	const char *r = run(m, "a s3cr3t-VALUE-123 b", NULL, 0, &s);
	ok(r && !strcmp(r, "a [hush:TOKEN] b"), "whole value replaced: '%s'", r ? r : "(null)");
	r = run(m, "s3cr3t-VALUE-123s3cr3t-VALUE-123", NULL, 0, &s);
	ok(r && !strcmp(r, "[hush:TOKEN][hush:TOKEN]"), "adjacent values: '%s'", r ? r : "(null)");
	r = run(m, "no secrets here", NULL, 0, &s);
	ok(r && !strcmp(r, "no secrets here"), "clean text passes unchanged");
	r = run(m, "", NULL, 0, &s);
	ok(r && !strcmp(r, ""), "empty input");

	/* every split point of "xx<value>yy", and byte-at-a-time */
	const char *in = "xxs3cr3t-VALUE-123yy";
	int all = 1;
	for (size_t cut = 1; cut < strlen(in); cut++) {
		size_t ch[2] = { cut, strlen(in) };
		r = run(m, in, ch, 2, &s);
		if (!r || strcmp(r, "xx[hush:TOKEN]yy") || strstr(r, secret))
			all = 0;
	}
	ok(all, "value split at every point is masked");
	size_t one = 1;
	r = run(m, in, &one, 1, &s);
	ok(r && !strcmp(r, "xx[hush:TOKEN]yy"), "byte-at-a-time is masked");

	/* a prefix that is not the value is released, nothing lost */
	r = run(m, "s3cr3t-VALUE-12 and s3cr3", &one, 1, &s);
	ok(r && !strcmp(r, "s3cr3t-VALUE-12 and s3cr3"), "near-misses are released: '%s'", r ? r : "(null)");
	r = run(m, "ss3cr3t-VALUE-123", &one, 1, &s);
	ok(r && !strcmp(r, "s[hush:TOKEN]"), "overlapping start: '%s'", r ? r : "(null)");

	/* the tail is kept back only while it can still be a value */
	s.len = 0;
	mask_feed(m, (const uint8_t *)"prompt> ", 8, emit, &s);
	ok(s.len == 8, "output without a value prefix is not delayed");
	s.len = 0;
	mask_feed(m, (const uint8_t *)"abc s3cr", 8, emit, &s);
	ok(s.len == 4, "a possible value prefix is kept back (%zu emitted)", s.len);
	mask_feed(m, (const uint8_t *)"3t-VALUE-123!", 13, emit, &s);
	ok(!strcmp(s.buf, "abc [hush:TOKEN]!"), "and completed later: '%s'", s.buf);
	mask_free(m);

	/* several values, longest match wins */
	m = mask_new();
	mask_add(m, "A", (const uint8_t *)"abcd", 4);
	mask_add(m, "B", (const uint8_t *)"abcdefgh", 8);
	mask_add(m, "C", (const uint8_t *)"zzzz", 4);
	r = run(m, "abcdefgh abcd zzzz abcdzzzz", NULL, 0, &s);
	ok(r && !strcmp(r, "[hush:B] [hush:A] [hush:C] [hush:A][hush:C]"), "several values: '%s'",
	   r ? r : "(null)");
	int all2 = 1;
	for (size_t c = 1; c < 9; c++) {
		r = run(m, "..abcdefgh..abcd..", &c, 1, &s);
		if (!r || strcmp(r, "..[hush:B]..[hush:A].."))
			all2 = 0;
	}
	ok(all2, "several values with every chunk size");
	ok(mask_add(m, "D", (const uint8_t *)"abcd", 4) == 0, "same value twice is fine");
	mask_free(m);

	/* a large stream with values scattered across chunk boundaries */
	m = mask_new();
	mask_add(m, "TOKEN", (const uint8_t *)secret, strlen(secret));
	static char big[40000];
	size_t bl = 0;
	int count = 0;
	while (bl + 40 < sizeof(big) - 1) {
		memcpy(big + bl, "........", 8);
		bl += 8;
		memcpy(big + bl, secret, strlen(secret));
		bl += strlen(secret);
		count++;
	}
	big[bl] = '\0';
	size_t sizes[3] = { 4093, 7, 16384 };
	r = run(m, big, sizes, 3, &s);
	int n = 0;
	for (const char *p = r; p && (p = strstr(p, "[hush:TOKEN]")); p++)
		n++;
	ok(r && n == count && !strstr(r, secret), "large stream: %d of %d masked, no value left", n, count);
	mask_free(m);

	/* no values: passthrough */
	m = mask_new();
	r = run(m, "plain", &one, 1, &s);
	ok(r && !strcmp(r, "plain"), "no values: passthrough");
	mask_free(m);
	mask_free(NULL);
	ok(1, "mask_free(NULL)");
	{
		/* a multi-line value (a PEM key): whole, through a terminal
		 * (CRLF), and one line alone are all masked */
		struct mask *k = mask_new();
		const char *pem = "-----BEGIN KEY-----\nAAAAB3NzaC1yc2EAAAADAQABAAABAQ\nCz9xQ7lKp0mW2e4TfVb8RnYc\n-----END KEY-----\n";
		ok(k && mask_add(k, "KEY", (const uint8_t *)pem, strlen(pem)) == 0, "add a multi-line value");
		r = run(k, pem, NULL, 0, &s);
		ok(r && !strcmp(r, "[hush:KEY]"), "multi-line value masked whole: '%s'", r ? r : "(null)");
		r = run(k, "-----BEGIN KEY-----\r\nAAAAB3NzaC1yc2EAAAADAQABAAABAQ\r\nCz9xQ7lKp0mW2e4TfVb8RnYc\r\n-----END KEY-----\r\n", NULL, 0, &s);
		ok(r && !strcmp(r, "[hush:KEY]"), "its CRLF form (a pty) is masked: '%s'", r ? r : "(null)");
		r = run(k, "line: AAAAB3NzaC1yc2EAAAADAQABAAABAQ\n", NULL, 0, &s);
		ok(r && !strstr(r, "AAAAB3NzaC1yc2EAAAADAQABAAABAQ") && strstr(r, "[hush:KEY]"),
		   "one long line alone is masked: '%s'", r ? r : "(null)");
		r = run(k, "-----END KEY-----\n", NULL, 0, &s);
		ok(r && !strcmp(r, "-----END KEY-----\n"), "an armor line alone is not: '%s'", r ? r : "(null)");
		mask_free(k);
	}
	return t_done();
}
