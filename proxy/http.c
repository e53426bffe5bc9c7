/* SPDX-License-Identifier: ISC */
/* Bounded HTTP/1.1 head parser and chunked decoder (http.h).
 *
 * Strict by choice: the proxy sits between an untrusted client and an
 * upstream, so anything two parsers could read differently (obs-fold,
 * whitespace before ':', duplicate Content-Length, Content-Length next to
 * Transfer-Encoding, bare LF line ends in requests) is refused rather than
 * repaired. Responses accept bare LF, which some servers send. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "proxy/http.h"

static bool is_tchar(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool name_eq(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

bool http_name_is(const struct http_header *hd, const char *name)
{
	return name_eq(hd->name, hd->name_len, name);
}

const struct http_header *http_find(const struct http_head *h, const char *name)
{
	for (size_t i = 0; i < h->nh; i++)
		if (http_name_is(&h->h[i], name))
			return &h->h[i];
	return NULL;
}

/* True when the comma-separated list v[n] holds token tok. */
static bool list_has(const char *v, size_t n, const char *tok)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		size_t s = i;
		while (i < n && v[i] != ',')
			i++;
		size_t e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e > s && name_eq(v + s, e - s, tok))
			return true;
	}
	return false;
}

/* Finds the end of the line starting at p (bounded by end): returns the
 * length of its content, sets *eol to the terminator length (1 or 2), or
 * returns -1 when no terminator is there yet. */
static long line_end(const char *p, const char *end, bool lf_ok, int *eol, bool *bad)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		return -1;
	if (nl > p && nl[-1] == '\r') {
		*eol = 2;
		return nl - 1 - p;
	}
	if (!lf_ok)
		*bad = true;
	*eol = 1;
	return nl - p;
}

static int parse_request_line(const char *p, size_t n, struct http_head *h)
{
	size_t i = 0;
	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ' ')
		return HUSH_EFORMAT;
	h->method = p;
	h->method_len = i;
	size_t t = ++i;
	while (i < n && p[i] != ' ') {
		unsigned char c = (unsigned char)p[i];
		if (c <= 0x20 || c == 0x7f)
			return HUSH_EFORMAT;
		i++;
	}
	if (i == t || i >= n)
		return HUSH_EFORMAT;
	h->target = p + t;
	h->target_len = i - t;
	i++;
	if (n - i != 8 || memcmp(p + i, "HTTP/1.", 7) != 0 || (p[i + 7] != '0' && p[i + 7] != '1'))
		return HUSH_EFORMAT;
	h->minor = p[i + 7] - '0';
	return 0;
}

static int parse_status_line(const char *p, size_t n, struct http_head *h)
{
	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') || p[8] != ' ')
		return HUSH_EFORMAT;
	h->minor = p[7] - '0';
	if (!isdigit((unsigned char)p[9]) || !isdigit((unsigned char)p[10]) ||
	    !isdigit((unsigned char)p[11]) || (n > 12 && p[12] != ' '))
		return HUSH_EFORMAT;
	h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	if (h->status < 100)
		return HUSH_EFORMAT;
	for (size_t i = 12; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return HUSH_EFORMAT;
	}
	h->reason = n > 13 ? p + 13 : p + n;
	h->reason_len = n > 13 ? n - 13 : 0;
	return 0;
}

static int parse_header(const char *p, size_t n, struct http_head *h)
{
	size_t i = 0;
	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ':')
		return HUSH_EFORMAT; /* also whitespace before ':' and obs-fold */
	if (h->nh >= HTTP_MAX_HEADERS)
		return HUSH_ETOOBIG;
	struct http_header *hd = &h->h[h->nh++];
	hd->name = p;
	hd->name_len = i;
	i++;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	size_t e = n;
	while (e > i && (p[e - 1] == ' ' || p[e - 1] == '\t'))
		e--;
	for (size_t k = i; k < e; k++) {
		unsigned char c = (unsigned char)p[k];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return HUSH_EFORMAT;
	}
	hd->value = p + i;
	hd->value_len = e - i;
	return 0;
}

/* Semantics of the framing headers, after all of them were read. */
static int head_finish(struct http_head *h)
{
	bool have_cl = false, have_te = false, keep_alive = false, conn_close = false;
	h->content_length = -1;
	for (size_t i = 0; i < h->nh; i++) {
		const struct http_header *hd = &h->h[i];
		if (http_name_is(hd, "content-length")) {
			if (hd->value_len == 0 || hd->value_len > 18)
				return HUSH_EFORMAT;
			int64_t v = 0;
			for (size_t k = 0; k < hd->value_len; k++) {
				if (!isdigit((unsigned char)hd->value[k]))
					return HUSH_EFORMAT;
				v = v * 10 + (hd->value[k] - '0');
			}
			if (have_cl && v != h->content_length)
				return HUSH_EFORMAT;
			have_cl = true;
			h->content_length = v;
		} else if (http_name_is(hd, "transfer-encoding")) {
			if (have_te || !name_eq(hd->value, hd->value_len, "chunked"))
				return HUSH_EFORMAT;
			have_te = true;
			h->chunked = true;
		} else if (http_name_is(hd, "connection")) {
			if (list_has(hd->value, hd->value_len, "close"))
				conn_close = true;
			if (list_has(hd->value, hd->value_len, "keep-alive"))
				keep_alive = true;
			if (list_has(hd->value, hd->value_len, "upgrade"))
				h->upgrade = true;
		} else if (http_name_is(hd, "upgrade")) {
			h->upgrade = true;
		} else if (http_name_is(hd, "expect")) {
			if (name_eq(hd->value, hd->value_len, "100-continue"))
				h->expect_continue = true;
		}
	}
	if (have_cl && have_te)
		return HUSH_EFORMAT;
	h->close = conn_close || (h->minor == 0 && !keep_alive);
	return 0;
}

int http_parse_head(const char *buf, size_t len, bool response, struct http_head *out)
{
	memset(out, 0, sizeof(*out));
	out->response = response;
	out->content_length = -1;
	const char *p = buf, *end = buf + len;
	bool first = true;
	for (;;) {
		int eol = 0;
		bool bad = false;
		long n = line_end(p, end, response, &eol, &bad);
		if (n < 0) {
			size_t partial = (size_t)(end - p);
			if (partial > HTTP_MAX_LINE || len > HTTP_MAX_HEAD)
				return HUSH_ETOOBIG;
			return 0;
		}
		if (bad || memchr(p, 0, (size_t)n))
			return HUSH_EFORMAT;
		if ((size_t)n > HTTP_MAX_LINE)
			return HUSH_ETOOBIG;
		size_t used = (size_t)(p - buf) + (size_t)n + (size_t)eol;
		if (used > HTTP_MAX_HEAD)
			return HUSH_ETOOBIG;
		int r;
		if (first) {
			r = response ? parse_status_line(p, (size_t)n, out)
				     : parse_request_line(p, (size_t)n, out);
			first = false;
		} else if (n == 0) {
			out->head_len = used;
			r = head_finish(out);
			return r ? r : 1;
		} else {
			r = parse_header(p, (size_t)n, out);
		}
		if (r)
			return r;
		p += n + eol;
	}
}

/* Chunked decoder states. */
enum {
	CH_SIZE = 0,   /* hex digits of the size */
	CH_EXT,        /* after the size: extensions up to CRLF */
	CH_SIZE_LF,    /* CR seen after size/ext */
	CH_DATA,
	CH_DATA_CR,    /* CRLF after the data */
	CH_DATA_LF,
	CH_TRAILER,    /* a trailer line or the final empty line */
	CH_TRAILER_LF,
	CH_DONE,
};

int http_chunked_feed(struct http_chunked *c, const uint8_t *in, size_t n, size_t *used,
		      size_t *data_off, size_t *data_len)
{
	size_t i = 0;
	*data_len = 0;
	*data_off = 0;
	while (i < n) {
		uint8_t b = in[i];
		switch (c->state) {
		case CH_SIZE:
			if (isxdigit(b)) {
				if (c->line >= 15) /* at most 15 hex digits: < 2^60 */
					return HUSH_ETOOBIG;
				int v = isdigit(b) ? b - '0' : (tolower(b) - 'a' + 10);
				c->left = c->left * 16 + (uint64_t)v;
				c->line++;
				i++;
				break;
			}
			if (c->line == 0)
				return HUSH_EFORMAT;
			if (b == '\r') {
				c->state = CH_SIZE_LF;
			} else if (b == ';' || b == ' ' || b == '\t') {
				c->state = CH_EXT;
			} else {
				return HUSH_EFORMAT;
			}
			i++;
			break;
		case CH_EXT:
			if (++c->line > HTTP_MAX_CHUNK_LINE)
				return HUSH_ETOOBIG;
			if (b == '\r')
				c->state = CH_SIZE_LF;
			else if ((b < 0x20 && b != '\t') || b == 0x7f)
				return HUSH_EFORMAT;
			i++;
			break;
		case CH_SIZE_LF:
			if (b != '\n')
				return HUSH_EFORMAT;
			i++;
			c->line = 0;
			c->state = c->left ? CH_DATA : CH_TRAILER;
			break;
		case CH_DATA: {
			size_t take = n - i;
			if ((uint64_t)take > c->left)
				take = (size_t)c->left;
			*data_off = i;
			*data_len = take;
			c->left -= take;
			i += take;
			if (c->left == 0)
				c->state = CH_DATA_CR;
			*used = i;
			return 0;
		}
		case CH_DATA_CR:
			if (b != '\r')
				return HUSH_EFORMAT;
			c->state = CH_DATA_LF;
			i++;
			break;
		case CH_DATA_LF:
			if (b != '\n')
				return HUSH_EFORMAT;
			c->state = CH_SIZE;
			c->line = 0;
			c->left = 0;
			i++;
			break;
		case CH_TRAILER:
			if (b == '\r') {
				c->state = CH_TRAILER_LF;
			} else if ((b < 0x20 && b != '\t') || b == 0x7f) {
				return HUSH_EFORMAT;
			} else {
				c->line++;
				if (++c->trailers > HTTP_MAX_HEAD)
					return HUSH_ETOOBIG;
			}
			i++;
			break;
		case CH_TRAILER_LF:
			if (b != '\n')
				return HUSH_EFORMAT;
			i++;
			if (c->line == 0) {
				c->state = CH_DONE;
				*used = i;
				return 1;
			}
			c->line = 0;
			c->state = CH_TRAILER;
			break;
		case CH_DONE:
		default:
			*used = i;
			return 1;
		}
	}
	*used = i;
	return c->state == CH_DONE ? 1 : 0;
}
