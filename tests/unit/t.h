/* SPDX-License-Identifier: ISC */
/* Minimal TAP output for unit tests: ok(cond, "what"), then t_done(). */
#ifndef HUSH_T_H
#define HUSH_T_H

#include <stdio.h>
#include <stdlib.h>

static int t_n, t_failed;

#define ok(cond, ...)                                                       \
	do {                                                                \
		int t_c_ = (cond) ? 1 : 0;                                  \
		printf("%sok %d - ", t_c_ ? "" : "not ", ++t_n);            \
		printf(__VA_ARGS__);                                        \
		printf("\n");                                               \
		if (!t_c_) {                                                \
			t_failed++;                                         \
			printf("#   at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                           \
		fflush(stdout);                                             \
	} while (0)

#define skip(...)                                                           \
	do {                                                                \
		printf("ok %d - # SKIP ", ++t_n);                           \
		printf(__VA_ARGS__);                                        \
		printf("\n");                                               \
	} while (0)

/* Removes a test's temporary directory: 0, or -1 after saying so. */
static inline int t_rmtree(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) == 0)
		return 0;
	printf("# could not remove %s\n", dir);
	return -1;
}

/* A test program's main: libsodium ready, then each test in turn. */
#define T_MAIN(...)                                                             \
	int main(void)                                                          \
	{                                                                       \
		void (*const t_tests_[])(void) = { __VA_ARGS__ };               \
		if (sodium_init() < 0)                                          \
			return 1;                                               \
		for (size_t t_i_ = 0; t_i_ < sizeof(t_tests_) / sizeof(*t_tests_); t_i_++) \
			t_tests_[t_i_]();                                       \
		return t_done();                                                \
	}

static inline int t_done(void)
{
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}

#endif
