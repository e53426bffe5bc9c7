/* SPDX-License-Identifier: ISC */
/* Latency of running a command: forks and execs CMD N times (stdout and
 * stderr to /dev/null), waits for each, and prints the median and the 99th
 * percentile wall time in microseconds plus how many runs failed.
 *   spawnlat N CMD [ARGS...]
 * Used by bench/run to compare hush run with plain exec and a keyring route
 * in the same run. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: spawnlat N CMD [ARGS...]\n");
		return 2;
	}
	long n = strtol(argv[1], NULL, 10);
	if (n < 1 || n > 1000000) {
		fprintf(stderr, "spawnlat: bad count\n");
		return 2;
	}
	double *t = calloc((size_t)n, sizeof(double));
	if (!t)
		return 1;
	int fails = 0;
	for (long i = 0; i < n; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		pid_t p = fork();
		if (p == 0) {
			int nul = open("/dev/null", O_WRONLY);
			if (nul >= 0) {
				dup2(nul, 1);
				dup2(nul, 2);
			}
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		int st = 0;
		if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fails++;
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
	}
	qsort(t, (size_t)n, sizeof(double), cmp);
	size_t p99 = (size_t)((double)n * 0.99);
	if (p99 >= (size_t)n)
		p99 = (size_t)n - 1;
	printf("%.0f %.0f %d\n", t[n / 2], t[p99], fails);
	free(t);
	return 0;
}
