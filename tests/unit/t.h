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

static inline int t_done(void)
{
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}

#endif
