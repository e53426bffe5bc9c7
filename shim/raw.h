/* SPDX-License-Identifier: ISC */
/* Inline raw system calls for the shim's own I/O. The shim wraps open, stat,
 * readlink and syscall() itself, so anything it does for its own purposes
 * (reading the rules file, resolving paths, logging) must not go through
 * libc, or it would recurse into its own wrappers. These return the kernel's
 * result: a value >= 0, or -errno; errno is never touched. */
#ifndef HUSH_SHIM_RAW_H
#define HUSH_SHIM_RAW_H

#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static inline long raw_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
#if defined(__x86_64__)
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	ret = x0;
#else
#error "libhush.so: raw syscalls are implemented for x86_64 and aarch64 only"
#endif
	return ret;
}

#define RAW3(n, a, b, c) raw_syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)

static inline int raw_openat(int dirfd, const char *path, int flags, int mode)
{
	return (int)raw_syscall6(SYS_openat, dirfd, (long)path, flags, mode, 0, 0);
}

static inline int raw_close(int fd)
{
	return (int)RAW3(SYS_close, fd, 0, 0);
}

static inline long raw_read(int fd, void *buf, size_t n)
{
	return RAW3(SYS_read, fd, buf, n);
}

static inline long raw_write(int fd, const void *buf, size_t n)
{
	return RAW3(SYS_write, fd, buf, n);
}

static inline long raw_readlinkat(int dirfd, const char *path, char *buf, size_t n)
{
	return raw_syscall6(SYS_readlinkat, dirfd, (long)path, (long)buf, (long)n, 0, 0);
}

static inline int raw_fstat(int fd, struct stat *st)
{
	return (int)RAW3(SYS_fstat, fd, st, 0);
}

static inline long raw_getcwd(char *buf, size_t n)
{
	return RAW3(SYS_getcwd, buf, n, 0);
}

static inline int raw_sched_yield(void)
{
	return (int)RAW3(SYS_sched_yield, 0, 0, 0);
}

#endif
