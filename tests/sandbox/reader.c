/* SPDX-License-Identifier: ISC */
/* Test helper for tests/sandbox.t: reads a file the ways an attacker would
 * without going through libc's wrappers, and pokes other processes.
 *   reader raw FILE       openat+read by the syscall instruction (no libc,
 *                         so no LD_PRELOAD hook sees it)
 *   reader uring FILE     openat+read through io_uring (exit 77: no io_uring)
 *   reader libc FILE      fopen (for the static build)
 *   reader ptrace PID     PTRACE_ATTACH; prints "attached" on success
 *   reader mem PID        reads /proc/PID/mem at the stack start
 * Prints what it read on stdout; errors on stderr with errno names. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#ifndef NO_URING
#include <liburing.h>
#endif

static long raw3(long n, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static long raw4(long n, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

static int do_raw(const char *path)
{
	char buf[4096];
	long fd = raw4(SYS_openat, AT_FDCWD, (long)path, O_RDONLY, 0);
	if (fd < 0) {
		fprintf(stderr, "raw openat: %s\n", strerror((int)-fd));
		return 1;
	}
	long n;
	while ((n = raw3(SYS_read, fd, (long)buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	return n < 0 ? 1 : 0;
}

#ifndef NO_URING
/* Submits what is queued on ring and waits for it: its result, or -1 after
 * saying why (what names the operation). */
static int uring_result(struct io_uring *ring, const char *what)
{
	struct io_uring_cqe *cqe;
	io_uring_submit(ring);
	if (io_uring_wait_cqe(ring, &cqe) < 0)
		return -1;
	int res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	if (res < 0)
		fprintf(stderr, "io_uring %s: %s\n", what, strerror(-res));
	return res < 0 ? -1 : res;
}
#endif

static int do_uring(const char *path)
{
#ifdef NO_URING
	(void)path;
	fprintf(stderr, "built without io_uring\n");
	return 77;
#else
	struct io_uring ring;
	int r = io_uring_queue_init(4, &ring, 0);
	if (r < 0) {
		fprintf(stderr, "io_uring_setup: %s\n", strerror(-r));
		return (r == -ENOSYS || r == -EPERM) ? 77 : 1;
	}
	io_uring_prep_openat(io_uring_get_sqe(&ring), AT_FDCWD, path, O_RDONLY, 0);
	int fd = uring_result(&ring, "openat");
	if (fd < 0)
		return 1;
	char buf[4096];
	io_uring_prep_read(io_uring_get_sqe(&ring), fd, buf, sizeof(buf), 0);
	int n = uring_result(&ring, "read");
	if (n < 0)
		return 1;
	fwrite(buf, 1, (size_t)n, stdout);
	io_uring_queue_exit(&ring);
	return 0;
#endif
}

static int do_libc(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "fopen: %s\n", strerror(errno));
		return 1;
	}
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

static int do_ptrace(pid_t pid)
{
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) != 0) {
		fprintf(stderr, "ptrace attach: %s\n", strerror(errno));
		return 1;
	}
	waitpid(pid, NULL, 0);
	printf("attached\n");
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return 0;
}

static int do_mem(pid_t pid)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/mem", (int)pid);
	int fd = open(p, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", p, strerror(errno));
		return 1;
	}
	printf("opened\n");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: reader raw|uring|libc FILE | ptrace|mem PID\n");
		return 2;
	}
	if (!strcmp(argv[1], "raw"))
		return do_raw(argv[2]);
	if (!strcmp(argv[1], "uring"))
		return do_uring(argv[2]);
	if (!strcmp(argv[1], "libc"))
		return do_libc(argv[2]);
	if (!strcmp(argv[1], "ptrace"))
		return do_ptrace((pid_t)atoi(argv[2]));
	if (!strcmp(argv[1], "mem"))
		return do_mem((pid_t)atoi(argv[2]));
	return 2;
}
