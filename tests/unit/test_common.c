/* SPDX-License-Identifier: ISC */
/* Unit tests for common/: bounded buffer, growing arrays, durations, names,
 * atomic writes, processes and where hush's pieces are, string vectors. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "common/array.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/proc.h"
#include "common/strv.h"
#include "common/util.h"
#include "t.h"

static void test_buf(void)
{
	struct buf b;
	buf_init(&b, 16, false);
	ok(buf_put_u32(&b, 0x01020304) == 0, "put u32");
	ok(buf_put_str(&b, "abcd") == 0, "put str");
	ok(buf_put_str(&b, "12345") == HUSH_ETOOBIG, "put over cap fails");
	uint32_t v = 0;
	ok(buf_get_u32(&b, &v) == 0 && v == 0x01020304, "get u32 round trip");
	char *s = NULL;
	ok(buf_get_str(&b, &s, 64, false) == 0 && s && !strcmp(s, "abcd"), "get str round trip");
	free(s);
	ok(buf_get_u8(&b, (uint8_t[1]){ 0 }) == HUSH_EFORMAT, "get past end fails");
	buf_free(&b);

	static const uint8_t nul[] = { 0, 0, 0, 3, 'a', 0, 'b' };
	buf_view(&b, nul, sizeof(nul));
	ok(buf_get_str(&b, &s, 64, false) == HUSH_EFORMAT, "embedded NUL rejected");
	static const uint8_t big[] = { 0, 0, 0, 9, 'a' };
	buf_view(&b, big, sizeof(big));
	ok(buf_get_str(&b, &s, 64, false) == HUSH_EFORMAT, "length past input rejected");
	ok(buf_get_str(&b, &s, 4, false) == HUSH_ETOOBIG, "length over max rejected");

	buf_init(&b, 1 << 20, true);
	for (int i = 0; i < 1000; i++)
		buf_put_u64(&b, (uint64_t)i);
	uint64_t x = 0, sum = 0;
	while (buf_get_u64(&b, &x) == 0)
		sum += x;
	ok(sum == 999 * 1000 / 2, "secure buffer grows and reads back");
	buf_free(&b);
}

/* A realloc the allocator refuses: under AddressSanitizer such a request
 * aborts instead of returning NULL. */
#if defined(__SANITIZE_ADDRESS__)
#define T_HUGE_ALLOC_FAILS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define T_HUGE_ALLOC_FAILS 0
#endif
#endif
#ifndef T_HUGE_ALLOC_FAILS
#define T_HUGE_ALLOC_FAILS 1
#endif

static void test_array(void)
{
	uint32_t *v = NULL;
	size_t cap = 0, n = 0;
	ok(array_grow(&v, &cap, 1, sizeof(*v), 4) == 0 && v && cap == 4, "array: first growth to the initial capacity");
	for (uint32_t i = 0; i < 100; i++) {
		if (array_grow(&v, &cap, n + 1, sizeof(*v), 4) < 0)
			break;
		v[n++] = i * 7;
	}
	bool same = n == 100;
	for (size_t i = 0; same && i < n; i++)
		same = v[i] == i * 7;
	ok(same && cap == 128, "array: doubling keeps the contents");
	uint32_t *old = v;
	ok(array_grow(&v, &cap, 100, sizeof(*v), 4) == 0 && v == old && cap == 128, "array: room already there, nothing moves");
	ok(array_grow(&v, &cap, 300, sizeof(*v), 4) == 0 && cap == 512 && v[99] == 99 * 7, "array: doubles until the need fits");
	old = v;
	ok(array_grow(&v, &cap, SIZE_MAX / 2, sizeof(*v), 4) == HUSH_ENOMEM && v == old && cap == 512,
	   "array: need * size overflowing refused, array unchanged");
	if (T_HUGE_ALLOC_FAILS)
		ok(array_grow(&v, &cap, SIZE_MAX / sizeof(*v), sizeof(*v), 4) == HUSH_ENOMEM && v == old && cap == 512 &&
		   v[0] == 0 && v[99] == 99 * 7, "array: a failed realloc keeps the old array");
	else
		skip("array: a failed realloc (AddressSanitizer aborts on it)");
	ok(array_grow(&v, &cap, 1000, 0, 4) == HUSH_EINVAL && v == old, "array: element size 0 refused");
	free(v);
	char *b = NULL;
	cap = 0;
	ok(array_grow(&b, &cap, 5000, 1, 4096) == 0 && cap == 8192, "array: bytes, from empty past the first capacity");
	free(b);
}

static void test_duration(void)
{
	uint64_t s = 0;
	ok(parse_duration("15m", &s) == 0 && s == 900, "15m");
	ok(parse_duration("1h30m", &s) == 0 && s == 5400, "1h30m");
	ok(parse_duration("90", &s) == 0 && s == 90, "bare seconds");
	ok(parse_duration("2d", &s) == 0 && s == 172800, "2d");
	ok(parse_duration("", &s) == HUSH_EINVAL, "empty rejected");
	ok(parse_duration("m", &s) == HUSH_EINVAL, "unit alone rejected");
	ok(parse_duration("10x", &s) == HUSH_EINVAL, "unknown unit rejected");
	ok(parse_duration("-5m", &s) == HUSH_EINVAL, "negative rejected");
	ok(parse_duration("99999999999999999999", &s) == HUSH_EINVAL, "overflow rejected");
	char out[32];
	format_duration(5400, out, sizeof(out));
	ok(!strcmp(out, "1h30m"), "format 5400 = %s", out);
}

static void test_names(void)
{
	ok(env_name_valid("NCTL_TOKEN"), "plain name valid");
	ok(env_name_valid("_x1"), "underscore start valid");
	ok(!env_name_valid("1ABC"), "digit start invalid");
	ok(!env_name_valid("A-B"), "dash invalid");
	ok(!env_name_valid(""), "empty invalid");
	char longn[200];
	memset(longn, 'A', sizeof(longn) - 1);
	longn[sizeof(longn) - 1] = 0;
	ok(!env_name_valid(longn), "over-long name invalid");
}

static void test_atomic(void)
{
	char dir[] = "/tmp/hush-unit.XXXXXX";
	ok(mkdtemp(dir) != NULL, "temp dir");
	char p[256], bak[256];
	snprintf(p, sizeof(p), "%s/f", dir);
	snprintf(bak, sizeof(bak), "%s/f.bak", dir);
	ok(file_write_atomic(p, "one", 3, 0600, bak) == 0, "first write");
	ok(file_write_atomic(p, "two", 3, 0600, bak) == 0, "second write");
	char *d = NULL;
	size_t n = 0;
	ok(file_read_all(p, 100, false, &d, &n) == 0 && n == 3 && !memcmp(d, "two", 3), "new contents");
	free(d);
	ok(file_read_all(bak, 100, false, &d, &n) == 0 && n == 3 && !memcmp(d, "one", 3), "backup holds old");
	free(d);
	struct stat st;
	ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600");
	ok(file_read_all(p, 2, false, &d, &n) == HUSH_ETOOBIG, "cap enforced");
	char l[256];
	snprintf(l, sizeof(l), "%s/link", dir);
	ok(symlink(p, l) == 0 && file_read_all(l, 100, false, &d, &n) == HUSH_EINVAL, "symlink refused");
	unlink(l);
	unlink(p);
	unlink(bak);
	rmdir(dir);
}

static void test_display(void)
{
	/* each: an argument, how it is shown, what the case is */
	static const struct { const char *in, *want, *what; } shown[] = {
		{ "--org=demo", "--org=demo", "a safe argument is shown as it is" },
		{ "a b", "$'a b'", "a space is quoted" },
		{ "x\n\nhush: ok\033[2J", "$'x\\n\\nhush: ok\\x1b[2J'", "no newline or ESC survives" },
		{ "it's", "$'it\\'s'", "a quote is escaped" },
		{ "", "$''", "an empty argument is visible" },
	};
	char o[64];
	for (size_t i = 0; i < ARRAY_LEN(shown); i++) {
		str_display(shown[i].in, o, sizeof(o));
		ok(!strcmp(o, shown[i].want), "%s: %s", shown[i].what, o);
	}
	char small[8];
	str_display("\x01\x02\x03\x04\x05", small, sizeof(small));
	ok(strlen(small) < sizeof(small) && strstr(small, "..."), "truncation marked: %s", small);
	char tiny[3] = "zz";
	str_display("a b", tiny, sizeof(tiny));
	ok(tiny[0] == 0, "a buffer too small for $'' gets an empty string");
	char four[4];
	str_display("a b", four, sizeof(four));
	ok(!strcmp(four, "..."), "four bytes hold only the truncation mark: %s", four);
}

/* No child of ours is left, running or a zombie. */
static bool no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

static void test_proc(void)
{
	char out[8];
	char *sh_ok[] = { "/bin/sh", "-c", "printf '%s' \"$HUSH_T\"; exit 3", NULL };
	struct proc_capture pc = { .path = "/bin/sh", .argv = sh_ok, .env = "HUSH_T=abc",
				   .tee_fd = -1, .out = out, .cap = sizeof(out) };
	int st = proc_capture(&pc);
	ok(st == 3 && pc.len == 3 && !memcmp(out, "abc", 3) && !pc.over,
	   "proc_capture: exit status, output and the extra variable (st=%d len=%zu)", st, pc.len);
	ok(no_children(), "proc_capture reaps the program");

	char *sh_long[] = { "/bin/sh", "-c", "printf '0123456789abcdef'", NULL };
	pc = (struct proc_capture){ .path = "/bin/sh", .argv = sh_long, .tee_fd = -1,
				    .out = out, .cap = sizeof(out) };
	st = proc_capture(&pc);
	ok(st == 0 && pc.len == sizeof(out) && pc.over, "output over cap: kept cap bytes, over set");

	/* a program that never ends: killed at the timeout, then reaped */
	char *sleeper[] = { "/bin/sleep", "1000", NULL };
	pc = (struct proc_capture){ .path = "/bin/sleep", .argv = sleeper, .tee_fd = -1,
				    .timeout_ms = 100, .out = out, .cap = sizeof(out) };
	ok(proc_capture(&pc) == HUSH_ETIMEDOUT, "a program past its timeout: HUSH_ETIMEDOUT");
	ok(no_children(), "the timed-out program was killed and reaped");
	/* the same with its stdout closed and still running */
	char *closer[] = { "/bin/sh", "-c", "exec >&-; exec sleep 1000", NULL };
	pc = (struct proc_capture){ .path = "/bin/sh", .argv = closer, .tee_fd = -1,
				    .timeout_ms = 100, .out = out, .cap = sizeof(out) };
	ok(proc_capture(&pc) == HUSH_ETIMEDOUT && no_children(),
	   "stdout closed but still running: killed at the timeout and reaped");

	char *missing[] = { "/nonexistent/askpass", NULL };
	pc = (struct proc_capture){ .path = missing[0], .argv = missing, .tee_fd = -1,
				    .out = out, .cap = sizeof(out) };
	ok(proc_capture(&pc) == 127 && no_children(), "a program that cannot run: 127");
}

static void test_strv(void)
{
	_cleanup_strv_ struct strv s = STRV_INIT;
	for (int i = 0; i < 40; i++)
		strv_push_unique(&s, i % 2 ? "odd" : "even");
	ok(s.n == 2 && s.v[2] == NULL && strv_has(&s, "odd") && !strv_has(&s, "three"),
	   "strv: unique pushes, NULL-terminated");
	for (int i = 0; i < 40; i++)
		strv_push(&s, "x");
	ok(s.n == 42 && s.v[42] == NULL && !strcmp(s.v[41], "x"), "strv grows");
}

/* strv_push_csv: items trimmed, all checked before any is kept. */
static bool no_x(const char *t)
{
	return *t && !strchr(t, 'x');
}

static void test_strv_csv(void)
{
	_cleanup_strv_ struct strv s = STRV_INIT;
	char bad[16] = "";
	ok(strv_push_csv(&s, " a , b,,c ", NULL, bad, sizeof(bad)) == 0 && s.n == 3 &&
	   !strcmp(s.v[0], "a") && !strcmp(s.v[1], "b") && !strcmp(s.v[2], "c") && !s.v[3],
	   "csv: blanks trimmed, empty items skipped");
	ok(strv_push_csv(&s, "d,xy,e", no_x, bad, sizeof(bad)) == HUSH_EINVAL && !strcmp(bad, "xy") &&
	   s.n == 3 && !s.v[3], "csv: the first bad item named, nothing of the list kept");
	ok(strv_push_csv(&s, "d, ,e", no_x, bad, sizeof(bad)) == HUSH_EINVAL && !strcmp(bad, ""),
	   "csv: a blank item is checked too");
	ok(strv_push_csv(&s, "d,e", no_x, bad, sizeof(bad)) == 0 && s.n == 5, "csv: good items added");
}

/* proc_self_path, proc_sibling_path, proc_find_shim: the build tree's and
 * an install's layout. */
static void test_locate(void)
{
	char self[4096], sib[4096], shim[4096];
	ok(proc_self_path(self, sizeof(self)) == 0 && self[0] == '/', "proc_self_path: %s", self);
	char small[4];
	ok(proc_self_path(small, sizeof(small)) == HUSH_EIO && !small[0], "a path too long: HUSH_EIO");
	char *slash = strrchr(self, '/');
	ok(proc_sibling_path("hushd", sib, sizeof(sib)) == 0 &&
	   !strncmp(sib, self, (size_t)(slash - self + 1)) && !strcmp(sib + (slash - self + 1), "hushd"),
	   "proc_sibling_path: beside this program");
	ok(proc_sibling_path("hushd", small, sizeof(small)) == HUSH_ETOOBIG, "sibling too long");
	char d[] = "/tmp/hush-locate-XXXXXX", p[256];
	ok(mkdtemp(d) != NULL, "temporary directory");
	snprintf(p, sizeof(p), "%s/bin", d);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/bin/hush", d);
	ok(proc_find_shim(p, shim, sizeof(shim)) == HUSH_ENOENT, "no shim anywhere: HUSH_ENOENT");
	snprintf(p, sizeof(p), "%s/lib", d);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/lib/hush", d);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/lib/hush/libhush.so", d);
	ok(file_write_atomic(p, "x", 1, 0600, NULL) == 0, "an installed shim");
	char want[512];
	snprintf(want, sizeof(want), "%s/lib/hush/libhush.so", d);
	snprintf(p, sizeof(p), "%s/bin/hush", d);
	ok(proc_find_shim(p, shim, sizeof(shim)) == 0 && !strcmp(shim, want),
	   "install layout: ../lib/hush/libhush.so, resolved (%s)", shim);
	snprintf(p, sizeof(p), "%s/bin/libhush.so", d);
	ok(file_write_atomic(p, "x", 1, 0600, NULL) == 0, "a shim beside hush");
	snprintf(p, sizeof(p), "%s/bin/hush", d);
	snprintf(want, sizeof(want), "%s/bin/libhush.so", d);
	ok(proc_find_shim(p, shim, sizeof(shim)) == 0 && !strcmp(shim, want),
	   "build layout first: libhush.so beside hush");
	ok(proc_find_shim("hush", shim, sizeof(shim)) == HUSH_ENOENT, "a path without a directory");
	ok(t_rmtree(d) == 0, "cleaned up");
}

static void test_file_strerror(void)
{
	errno = ENOSPC;
	ok(!strcmp(file_strerror(HUSH_EIO), strerror(ENOSPC)), "HUSH_EIO: errno's text");
	ok(!strcmp(file_strerror(HUSH_EINVAL), "not a regular file"), "HUSH_EINVAL: not a regular file");
	ok(!strcmp(file_strerror(HUSH_ETOOBIG), hush_strerror(HUSH_ETOOBIG)), "others: hush_strerror");
}

static void test_sha256_fd(void)
{
	char p[] = "/tmp/hush-sha-XXXXXX";
	int fd = mkstemp(p);
	ok(fd >= 0 && write(fd, "abc", 3) == 3, "temporary file");
	uint8_t h[32];
	char hex[65];
	ok(sha256_fd(fd, h) == 0, "sha256_fd");
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	ok(!strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
	   "sha256_fd of \"abc\" is the FIPS 180-2 vector");
	ok(lseek(fd, 0, SEEK_CUR) == 3, "the offset stays where it was");
	close(fd);
	unlink(p);
}

/* The events of a parse as text: "<depth key=value-type" at starts,
 * ">" at ends, strings' decoded text. */
struct jlog {
	char out[1024];
	size_t n;
};

static int jlog_cb(void *ctx, const struct json_event *e)
{
	struct jlog *l = ctx;
	const char *k = e->depth ? e->keys[e->depth - 1] : NULL;
	int w = e->end ? snprintf(l->out + l->n, sizeof(l->out) - l->n, ">%s%s ",
				  e->type == JSON_STRING ? e->str ? e->str : "(nul)" : "",
				  e->type == JSON_STRING ? "" : "")
		       : snprintf(l->out + l->n, sizeof(l->out) - l->n, "<%u%s%s ", e->depth,
				  k ? ":" : "", k ? k : "");
	if (w > 0 && (size_t)w < sizeof(l->out) - l->n)
		l->n += (size_t)w;
	return 0;
}

static int jparse(const char *text, struct jlog *l)
{
	memset(l, 0, sizeof(*l));
	return json_parse(text, strlen(text), jlog_cb, l);
}

static void test_json_write(void)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	json_write_q(f, "{\"a\":%q,\"b\":%q,\"c\":\"%d%\"}", "x\"\n\x01", (const char *)NULL);
	fclose(f);
	ok(out && !strcmp(out, "{\"a\":\"x\\\"\\n\\u0001\",\"b\":null,\"c\":\"%d%\"}"),
	   "json_write_q: each %%q quoted, NULL as null, other text as it is: %s", out ? out : "");
	free(out);
}

static void test_json_parse(void)
{
	struct jlog l;
	ok(jparse("{\"a\": [1, \"x\"], \"b\": {\"c\": null}}", &l) == 0 &&
	   !strcmp(l.out, "<0 <1:a <2 > <2 >x > <1:b <2:c > > > "), "objects, arrays, keys and depths: %s", l.out);
	ok(jparse("\"\\u0041\\u00e9\\ud83d\\ude00\\n\"", &l) == 0 &&
	   !strcmp(l.out, "<0 >A\xc3\xa9\xf0\x9f\x98\x80\n "), "escapes decoded to UTF-8, a surrogate pair as one");
	ok(jparse("{\"\\u006dcp\": 1}", &l) == 0 && strstr(l.out, "<1:mcp "), "an escaped key is decoded");
	ok(jparse("\"a\\u0000b\"", &l) == 0 && strstr(l.out, ">(nul)"), "a string holding U+0000 has no text");
	ok(jparse("{\"a\\u0000\": 1}", &l) == HUSH_EFORMAT, "a key holding U+0000 is refused");
	ok(jparse("\xef\xbb\xbf {} ", &l) == 0, "a byte order mark and whitespace around the value");
	static const char *const bad[] = {
		"", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "[01]", "[1.]", "[.5]", "[-]", "[1e]",
		"{a:1}", "'x'", "\"\t\"", "\"\\x\"", "\"\\u12\"", "tru", "nul", "{} {}", "// c\n{}",
		"[1 2]", "{\"a\" 1}", "\"abc",
	};
	size_t refused = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused += jparse(bad[i], &l) == HUSH_EFORMAT;
	ok(refused == sizeof(bad) / sizeof(bad[0]), "what JSON.parse refuses is refused (%zu of %zu)",
	   refused, sizeof(bad) / sizeof(bad[0]));
	ok(jparse("[-0.5e+10, 0, 1E2, true, false, null]", &l) == 0, "numbers and literals");
	char deep[2 * JSON_MAX_DEPTH + 4];
	memset(deep, '[', JSON_MAX_DEPTH);
	memset(deep + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
	deep[2 * JSON_MAX_DEPTH] = '\0';
	ok(jparse(deep, &l) == HUSH_ETOOBIG, "nesting deeper than JSON_MAX_DEPTH is refused");
#define SAME(a, b) json_same(a, strlen(a), b, strlen(b))
	ok(SAME("{ \"a\" : [1,2] }", "{\"a\":[1,\n 2]}") && !SAME("{\"a\":\"x y\"}", "{\"a\":\"xy\"}") &&
	   !SAME("[1]", "[1,2]") && SAME("\"a\\\"b\"", "\"a\\\"b\""),
	   "json_same: whitespace between tokens only");
#undef SAME
}

T_MAIN(test_buf, test_array, test_duration, test_names, test_atomic, test_display, test_proc,
       test_strv, test_strv_csv, test_locate, test_file_strerror, test_sha256_fd, test_json_write,
       test_json_parse)
